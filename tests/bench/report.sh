#!/bin/bash
# report.sh STORE [RUNS] - times every `crm report` (and `crm board
# --as-of`) on the store in STORE: the median of RUNS runs (default 11)
# after a warm-up, with hyperfine when installed (else perf stat), and
# the peak memory of one run (/usr/bin/time -v).  $CRM is the binary
# (default: build/crm of this tree).  Make the store with
#   tests/bench/gen --records N --out STORE
# (20% of the records are deals: 500000 records give 100k deals).
set -u
STORE=${1:?usage: report.sh STORE [RUNS]}
RUNS=${2:-11}
CRM=${CRM:-$(cd "$(dirname "$0")/../.." && pwd)/build/crm}
cd "$STORE" || exit 1
"$CRM" report funnel >/dev/null || exit 1   # the index is up to date
deals=$(sqlite3 .git/crm/index.db "SELECT count(*) FROM deal_facts" 2>/dev/null)
echo "# $STORE: ${deals:-?} deals, $RUNS runs each"
cases=(
	"report funnel"
	"report funnel --strict-stages"
	"report funnel --since 2025-01-01 --until 2025-12-31"
	"report funnel --as-of 2025-06-30"
	"report forecast"
	"report forecast --as-of 2025-06-30 --actual"
	"report conversion"
	"report lost"
	"report cycle"
	"report activity"
	"report activity --since 2025-01-01 --until 2025-06-30"
	"report sources"
	"report sources --since 2025-01-01 --until 2025-06-30"
	"report conversion --owner ann"
	"report funnel tag:vip"
	"board --as-of 2025-06-30"
)
printf '%-56s %10s %10s\n' "command" "median ms" "peak MB"
for c in "${cases[@]}"; do
	# shellcheck disable=SC2086
	if command -v hyperfine >/dev/null; then
		ms=$(hyperfine -N -w 1 -r "$RUNS" --export-json /tmp/report-bench.$$ \
			"$CRM $c" >/dev/null 2>&1 &&
			python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' \
				/tmp/report-bench.$$)
		rm -f /tmp/report-bench.$$
	else
		ms=$(perf stat -r "$RUNS" $CRM $c 2>&1 >/dev/null |
			awk '/elapsed/ { printf "%.1f", $1 * 1000 }')
	fi
	# shellcheck disable=SC2086
	kb=$(/usr/bin/time -f %M $CRM $c 2>&1 >/dev/null | tail -1)
	printf '%-56s %10s %10s\n' "crm $c" "$ms" "$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')"
done
