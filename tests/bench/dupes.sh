#!/usr/bin/env bash
# tests/bench/dupes.sh - times crm dupes on a generated store.
#
#   CRM=/path/to/crm tests/bench/dupes.sh [--contacts N] [--seed S]
#                                         [--runs N] [--store DIR]
#
# Generates a store of 2N records (N contacts, 100000 by default: gen's
# mix of 20% companies, 50% contacts, 20% deals, 10% tasks) with
# tests/bench/gen into ${BENCH_DIR:-/tmp/crm-bench}/store-2N-sSEED
# unless --store names one, builds its index, then times crm dupes
# (contacts) and crm dupes company, --runs runs each, by the clock: the
# whole command, the matcher's load from the index included.  Prints a
# markdown table on stdout, progress on stderr.
set -eu
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
contacts=100000
seed=1
runs=5
store=
while [ $# -gt 0 ]; do
	case $1 in
	--contacts) contacts=${2:?--contacts needs a value}; shift 2 ;;
	--seed) seed=${2:?--seed needs a value}; shift 2 ;;
	--runs) runs=${2:?--runs needs a value}; shift 2 ;;
	--store) store=${2:?--store needs a value}; shift 2 ;;
	*) sed -n '2,5s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 2 ;;
	esac
done
CRM=${CRM:-$here/../../build/crm}
dir=${BENCH_DIR:-/tmp/crm-bench}
if [ -z "$store" ]; then
	store=$dir/store-$((2 * contacts))-s$seed
	if [ ! -e "$store.ok" ]; then
		mkdir -p "$dir"
		rm -rf "$store"
		echo "dupes.sh: generating $((2 * contacts)) records in $store" >&2
		"$here/gen" --records $((2 * contacts)) --seed "$seed" \
			--out "$store" >&2
		touch "$store.ok"
	fi
fi
cd "$store"
echo "dupes.sh: building the index" >&2
"$CRM" reindex >/dev/null
echo "# crm dupes: $(basename "$store")"
echo
echo "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $("$CRM" --version)"
echo
echo "| command | pairs | mean ms | min ms |"
echo "|---|---|---|---|"
for args in "dupes" "dupes company"; do
	pairs=$("$CRM" --format csv $args | tail -n +2 | wc -l)
	best= sum=0
	for _ in $(seq "$runs"); do
		t0=$(date +%s%N)
		"$CRM" $args >/dev/null
		ms=$(( ($(date +%s%N) - t0) / 1000000 ))
		sum=$((sum + ms))
		if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
	done
	echo "| crm $args | $pairs | $((sum / runs)) | $best |"
done
