#!/bin/bash
# html.sh - times --format html of crm board and crm report against the
# same commands' tables, on a store of deals, with hyperfine.
#
#   CRM=build/crm tests/bench/html.sh [RECORDS] [RUNS]
#
# RECORDS (default 100000) records, 80% of them deals, are generated once
# into $BENCH_DIR/html-RECORDS (tests/bench/gen --mix 4,12,80,4) and
# reused.  Prints hyperfine's summary of each command, and the size of
# each page.  Needs hyperfine (setup.sh bench installs it); reads the
# store, never changes it.
set -eu

N=${1:-100000}
RUNS=${2:-11}
here=$(cd "$(dirname "$0")" && pwd)
CRM=${CRM:-$here/../../build/crm}
BENCH_DIR=${BENCH_DIR:-/tmp/crm-bench}
S=$BENCH_DIR/html-$N

command -v hyperfine >/dev/null || { echo "html.sh: needs hyperfine" >&2; exit 1; }
mkdir -p "$BENCH_DIR"
if [ ! -e "$S.ok" ]; then
	rm -rf "$S"
	"$here/gen" --records "$N" --out "$S" --mix 4,12,80,4 >&2
	"$CRM" -C "$S" reindex >/dev/null
	touch "$S.ok"
fi

cmds=(
	"board"
	"--format html board"
	"--format json board --limit 10"
	"--format html board --limit 0"
	"--format html board --as-of $(date -d '-90 days' +%F)"
	"--format json board"
	"report funnel"
	"--format html report funnel"
	"report sources"
	"--format html report sources"
)
args=()
for c in "${cmds[@]}"; do
	args+=("$CRM -C $S $c")
done
hyperfine -N -w 3 -r "$RUNS" "${args[@]}"
for c in "--format html board" "--format html board --limit 0" \
	 "--format html report funnel"; do
	# shellcheck disable=SC2086
	printf 'page of crm %s: %s bytes\n' "$c" "$("$CRM" -C "$S" $c | wc -c)"
done
