#!/usr/bin/env bash
# tests/bench/export.sh - measure crm export on generated stores: ics,
# and csv, json, xlsx and vcard of every contact.
#
#   CRM=/path/to/crm tests/bench/export.sh [--sizes "100000 1000000"]
#                                          [--seed S] [--runs N]
#
# Sizes are records; tests/bench/gen makes 10% of them tasks, so the
# defaults are 10,000 and 100,000 open tasks.  Stores are generated into
# ${BENCH_DIR:-/tmp/crm-bench} as run makes them (store-N-sSEED, with its
# .ok marker) and reused; each is indexed once before measuring, and
# only read.  For each size: every open task as VTODOs to /dev/null, as
# VEVENTs, one owner's tasks (owner:ann), and -o into a file (the atomic
# replace: write, fsync, rename), with hyperfine when it is installed
# (else the median of --runs timed runs), the output's size and crm's
# peak memory (GNU time).  The report (markdown) goes to stdout.
set -eu
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sizes="100000 1000000"
seed=1
runs=5

usage() {
	sed -n '2,6s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--sizes) sizes=${2:?--sizes needs a value}; shift 2 ;;
	--seed) seed=${2:?--seed needs a value}; shift 2 ;;
	--runs) runs=${2:?--runs needs a value}; shift 2 ;;
	-h|--help) usage ;;
	*) echo "export.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
for n in $sizes $seed $runs; do
	case $n in ''|*[!0-9]*) echo "export.sh: not a number: '$n'" >&2; exit 2 ;; esac
done

CRM=${CRM:-$here/../../build/crm}
BENCH_DIR=${BENCH_DIR:-/tmp/crm-bench}
[ -x "$CRM" ] || { echo "export.sh: CRM=$CRM is not an executable" >&2; exit 1; }
mkdir -p "$BENCH_DIR"
log() { printf 'export.sh: %s\n' "$*" >&2; }

# ms CMD...: the median wall time of CMD in milliseconds, over $runs runs.
ms() {
	local i t0 t1 all=()
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		all+=($(((t1 - t0) / 1000000)))
	done
	printf '%s\n' "${all[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# measure NAME CMD...: one row of the report.
measure() {
	local name=$1 med rss
	shift
	if command -v hyperfine >/dev/null; then
		hyperfine -N -w 1 -r "$runs" --export-json "$BENCH_DIR/export-hf.json" \
			"$(printf '%q ' "$@")" >/dev/null 2>&1
		med=$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' \
			"$BENCH_DIR/export-hf.json")
	else
		med=$(ms "$@")
	fi
	rss=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1)
	printf '| %s | %s | %s | %s |\n' "$N" "$name" "$med" "$((rss / 1024))"
}

echo "# crm export"
echo
echo "$(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| records | what | median ms | peak MB |"
echo "| --- | --- | --- | --- |"
for N in $sizes; do
	store="$BENCH_DIR/store-$N-s$seed"
	if [ ! -e "$store.ok" ]; then
		log "generating $N records into $store"
		rm -rf "$store"
		"$here/gen" --records "$N" --seed "$seed" --out "$store" --gc >&2
		date -u +%FT%TZ >"$store.ok"
	fi
	cd "$store"
	"$CRM" reindex >/dev/null 2>&1 || "$CRM" list task --limit 1 >/dev/null
	tasks=$("$CRM" --format ids list task | wc -l)
	log "$N records, $tasks open tasks"
	measure "VTODO, every open task ($tasks)" "$CRM" export ics
	measure "VEVENT, every dated task" "$CRM" -q export ics --events
	measure "owner:ann" "$CRM" export ics owner:ann
	measure "-o FILE (write, fsync, rename)" "$CRM" export ics -o "$BENCH_DIR/export.ics"
	size=$(stat -c %s "$BENCH_DIR/export.ics")
	echo "| $N | output size | $((size / 1024)) KiB | |"
	rm -f "$BENCH_DIR/export.ics"
	contacts=$("$CRM" --format ids list contact | wc -l)
	for f in csv json xlsx vcard; do
		measure "$f, every contact ($contacts), -o FILE" \
			"$CRM" -q export $f contact -o "$BENCH_DIR/export.$f"
		size=$(stat -c %s "$BENCH_DIR/export.$f")
		echo "| $N | $f size | $((size / 1024)) KiB | |"
		rm -f "$BENCH_DIR/export.$f"
	done
done
