#!/usr/bin/env bash
# tests/bench/digest.sh - times crm digest on a generated store.
#
#   CRM=/path/to/crm tests/bench/digest.sh [--tasks N] [--seed S]
#                                          [--runs N] [--store DIR]
#
# Generates the store of tests/bench/run's digest bench with
# tests/bench/gen (2N records, half of them open tasks: --mix 20,20,10,50,
# 20 users; N is 100000 by default) into
# ${BENCH_DIR:-/tmp/crm-bench}/store-tasks-N-sSEED unless --store names
# one, builds its index, then times with hyperfine (else with the
# clock, --runs runs each): the digest of one owner, of every owner as
# text, and of every owner as mail handed to cat (GMime loaded), each
# with --always (the state under .git/crm/digest/ is written; nothing
# else changes).  Prints a markdown table on stdout, progress on stderr.
set -eu
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tasks=100000
seed=1
runs=10
store=
while [ $# -gt 0 ]; do
	case $1 in
	--tasks) tasks=${2:?--tasks needs a value}; shift 2 ;;
	--seed) seed=${2:?--seed needs a value}; shift 2 ;;
	--runs) runs=${2:?--runs needs a value}; shift 2 ;;
	--store) store=${2:?--store needs a value}; shift 2 ;;
	*) sed -n '2,5s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 2 ;;
	esac
done
CRM=${CRM:-$here/../../build/crm}
dir=${BENCH_DIR:-/tmp/crm-bench}
if [ -z "$store" ]; then
	store=$dir/store-tasks-$tasks-s$seed
	if [ ! -e "$store.ok" ]; then
		mkdir -p "$dir"
		rm -rf "$store"
		echo "digest.sh: generating $((2 * tasks)) records in $store" >&2
		"$here/gen" --records $((2 * tasks)) --mix 20,20,10,50 --users 20 \
			--seed "$seed" --out "$store" >&2
		touch "$store.ok"
	fi
fi
cd "$store"
echo "digest.sh: building the index" >&2
"$CRM" reindex >/dev/null
"$CRM" digest --all --always >/dev/null

owners=$("$CRM" __complete users 2>/dev/null | wc -l)
tasks=$(find tasks -name '*.yaml' | wc -l)
echo "# crm digest: $(basename "$store"), $owners users, $tasks open tasks"
echo
echo "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $("$CRM" --version)"
echo
echo "| command | mean ms | min ms | max ms |"
echo "|---|---|---|---|"
one=$(head -1 < <("$CRM" __complete users | cut -f1))
for args in "--owner $one" "--all" "--all --mail --sendmail cat"; do
	cmd="$CRM digest $args --always"
	if command -v hyperfine >/dev/null; then
		hyperfine -N -w 2 -r "$runs" --export-json "$dir/digest.json" \
			--output=null "$cmd" >&2
		python3 - "$dir/digest.json" "$args" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("| crm digest %s | %.1f | %.1f | %.1f |" % (sys.argv[2], r["mean"] * 1e3,
      r["min"] * 1e3, r["max"] * 1e3))
PY
	else
		best= sum=0
		for _ in $(seq "$runs"); do
			t0=$(date +%s%N)
			$cmd >/dev/null
			ms=$(( ($(date +%s%N) - t0) / 1000000 ))
			sum=$((sum + ms))
			if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
		done
		echo "| crm digest $args | $((sum / runs)) | $best | |"
	fi
done
