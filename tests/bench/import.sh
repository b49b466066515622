#!/usr/bin/env bash
# tests/bench/import.sh - measure crm import, crm dupes and crm export
# (csv, xlsx, vcard) on a store of N contacts, with peers, and print a
# markdown report.
#
#   CRM=/path/to/crm tests/bench/import.sh [--contacts N] [--rows N]
#                                          [--seed S] [--runs N] [--task-rows N]
#
# The store (N contacts, 100000 by default, and N/4 companies) is made by
# tests/bench/gen as ${BENCH_DIR:-/tmp/crm-bench}/store-contacts-N-sSEED, the
# input files (--rows rows, default N; 30% of them the store's contacts
# again, 2% repeated) by tests/bench/gen-import next to it, once each, and
# reused.  Every command that writes runs on a scratch copy (cp -a).  A crm
# command that does not exist yet gives "n/a (crm CMD missing)" in its rows;
# the others are still measured.  Report on stdout and in
# $BENCH_DIR/import-report-N.md, progress on stderr.
set -eu
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
contacts=100000
rows=
seed=1
runs=5
task_rows=

usage() {
	sed -n '2,7s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--contacts) contacts=${2:?--contacts needs a value}; shift 2 ;;
	--rows) rows=${2:?--rows needs a value}; shift 2 ;;
	--seed) seed=${2:?--seed needs a value}; shift 2 ;;
	--runs) runs=${2:?--runs needs a value}; shift 2 ;;
	--task-rows) task_rows=${2:?--task-rows needs a value}; shift 2 ;;
	-h|--help) usage ;;
	*) echo "import.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
rows=${rows:-$contacts}
task_rows=${task_rows:-$rows}
for n in "$contacts" "$rows" "$seed" "$runs" "$task_rows"; do
	case $n in ''|*[!0-9]*) echo "import.sh: not a number: '$n'" >&2; exit 2 ;; esac
done
[ "$runs" -ge 1 ] || { echo "import.sh: --runs must be at least 1" >&2; exit 2; }

CRM=${CRM:-$here/../../build/crm}
case $CRM in /*) ;; *) CRM=$PWD/$CRM ;; esac
BENCH_DIR=${BENCH_DIR:-/tmp/crm-bench}
PY=/usr/bin/python3
log() { printf 'import.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
[ -x "$CRM" ] || die "CRM=$CRM is not an executable"
[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time) is needed for peak memory"
[ -x "$PY" ] || die "$PY is needed (Debian's python3, with python3-openpyxl for xlsx)"
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
work=$(mktemp -d "$BENCH_DIR/import-work.XXXXXX")
trap 'rm -rf "$work"' EXIT

export GIT_AUTHOR_NAME="Ann Smith" GIT_AUTHOR_EMAIL=ann@example.com
export GIT_COMMITTER_NAME="Ann Smith" GIT_COMMITTER_EMAIL=ann@example.com
export CRM_USER=ann
unset CRM_DIR CRM_TRACE || true
have_hf=0; command -v hyperfine >/dev/null && have_hf=1

# ---- the store and the input files ----

store=$BENCH_DIR/store-contacts-$contacts-s$seed
if [ ! -e "$store.ok" ]; then
	log "generating $contacts contacts and $((contacts / 4)) companies into $store"
	rm -rf "$store"
	"$here/gen" --records $((contacts + contacts / 4)) --mix 20,80,0,0 \
		--seed "$seed" --out "$store" --gc >&2
	date -u +%FT%TZ >"$store.ok"
fi
in=$BENCH_DIR/import-$rows-s$seed
if [ ! -e "$in.ok" ]; then
	log "writing $rows rows to $in.csv, .xlsx and -broken.csv"
	t0=$EPOCHREALTIME
	"$here/gen-import" --rows "$rows" --seed "$seed" --dupes-from "$store" --clean \
		--out "$in.csv" --xlsx "$in.xlsx" --stats "$in.json"
	"$here/gen-import" --rows "$rows" --seed "$seed" --dupes-from "$store" \
		--out "$in-broken.csv" --stats "$in-broken.json"
	log "input files written in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
	# they must parse back to the rows written
	"$PY" - "$in" <<'PY' || die "the generated input files do not read back"
import csv, json, sys
base = sys.argv[1]
for name in (".csv", "-broken.csv"):
    want = json.load(open(base + name.replace(".csv", ".json")))["rows"]
    with open(base + name, encoding="utf-8", newline="") as f:
        got = sum(1 for _ in csv.reader(f, delimiter=";")) - 1
    if got != want:
        sys.exit("%s%s: %d rows read, %d written" % (base, name, got, want))
import openpyxl
ws = openpyxl.load_workbook(base + ".xlsx", read_only=True).active
got = sum(1 for _ in ws.iter_rows(values_only=True)) - 1
if got != json.load(open(base + ".json"))["rows"]:
    sys.exit("%s.xlsx: %d rows read" % (base, got))
PY
	date -u +%FT%TZ >"$in.ok"
fi
stat_of() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
n_new=$(stat_of "$in.json" new)
n_dupe=$(stat_of "$in.json" store_duplicates)
n_rep=$(stat_of "$in.json" repeated)
n_broken=$(stat_of "$in-broken.json" broken)

log "building the index of $store (once; the copies inherit it)"
"$CRM" -C "$store" reindex >/dev/null 2>&1 || "$CRM" -C "$store" list contact --limit 1 >/dev/null ||
	die "crm cannot read $store"
base_contacts=$(find "$store/contacts" -name '*.yaml' | wc -l)

# ---- helpers ----

declare -a order=()
declare -A R=()
# put NAME VALUE [NOTE]: one row of the results table
put() { order+=("$1"); R["$1"]="$2"; R["$1|note"]=${3:-}; }
declare -a torder=()
declare -A T=()
# target NAME VALUE OP LIMIT: one row of the targets table
target() {
	local v=$2 mark
	torder+=("$1")
	case $v in
	''|n/a*|failed*) T["$1"]="$v"; return ;;
	esac
	if awk -v a="$v" -v b="$4" -v op="$3" 'BEGIN { exit !(op == "<=" ? a + 0 <= b + 0 : a + 0 == b + 0) }'; then
		mark=met
	else
		mark="NOT met"
	fi
	T["$1"]="$v ($mark; ratio to target $(awk -v a="$v" -v b="$4" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f", a / b }'))"
}

# has SUBCOMMAND...: whether crm has that command (its help page exists)
has() { "$CRM" help "$@" >/dev/null 2>&1; }
# missing WORDS: the table cell for a command crm does not have
missing() { echo "n/a (crm $* missing)"; }
# skip WORDS: says once, on stderr, that crm WORDS is missing
skip() { log "crm $* missing: its rows say n/a"; }

# fresh NAME: a scratch copy of the store as $work/NAME, printed
fresh() {
	local S=$work/$1
	rm -rf "$S"
	cp -a "$store" "$S"
	git -C "$S" update-index -q --refresh >/dev/null 2>&1 || true
	echo "$S"
}
commits() { git -C "$1" rev-list --count HEAD; }

# timev NAME CMD...: runs CMD once under /usr/bin/time -v; sets tv_s (wall
# seconds), tv_mb (peak RSS, MB), tv_rc (exit status) and tv_err (the first
# line of its stderr); stdout goes to $work/NAME.out
timev() {
	local name=$1
	shift
	tv_rc=0
	/usr/bin/time -v -o "$work/$name.tv" "$@" >"$work/$name.out" 2>"$work/$name.err" || tv_rc=$?
	tv_s=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
		for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$work/$name.tv")
	tv_mb=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$work/$name.tv")
	tv_err=$(sed -n '/^crm: trace:/!{p;q}' "$work/$name.err" | cut -c1-120)
}

# hf NAME CMD...: median wall seconds of $runs runs (hyperfine -N after one
# warm-up; without hyperfine, the median of timed runs); exit statuses
# other than 0 are accepted (dupes may exit 1 when it finds some)
hf() {
	local name=$1 i t0 t1 all=()
	shift
	if [ "$have_hf" = 1 ]; then
		hyperfine -N -i -w 1 -r "$runs" --export-json "$work/$name.json" \
			"$(printf '%q ' "$@")" >/dev/null 2>&1 || { echo "failed"; return; }
		"$PY" -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' \
			"$work/$name.json"
		return
	fi
	for ((i = 0; i < runs; i++)); do
		t0=$EPOCHREALTIME
		"$@" >/dev/null 2>&1 || true
		t1=$EPOCHREALTIME
		all+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
	done
	printf '%s\n' "${all[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# result: the cell of the command timev ran: "S s, M MB", or its failure
# (n/a when crm says it has no such command, though its help page exists)
result() {
	if [ "$tv_rc" != 0 ] && [[ $tv_err == *"is not a crm command"* || $tv_err == *"unknown subcommand"* ]]; then
		echo "n/a (${tv_err#crm: error: })"
	elif [ "$tv_rc" != 0 ]; then
		echo "failed (exit $tv_rc: ${tv_err:-no message})"
	else
		echo "$tv_s s, $tv_mb MB"
	fi
}

# ---- crm import ----

t_start=$EPOCHREALTIME
load0=$(cut -d' ' -f1-3 /proc/loadavg)
imp_s=n/a imp_mb=n/a imp_commits=n/a rerun_commits=n/a xlsx_s=n/a xlsx_mb=n/a
if has import; then
	S=$(fresh imp)
	c0=$(commits "$S")
	log "crm import --dry-run ($rows rows, CSV)"
	timev dry "$CRM" -C "$S" import --dry-run "$in.csv" --type contact
	c1=$(commits "$S")
	put "crm import --dry-run CSV ($rows rows)" "$(result)" "commits made: $((c1 - c0)) (must be 0)"

	log "crm import ($rows rows, CSV)"
	timev imp "$CRM" -C "$S" import "$in.csv" --type contact
	c2=$(commits "$S")
	imp_commits=$((c2 - c1))
	if [ "$tv_rc" = 0 ]; then imp_s=$tv_s imp_mb=$tv_mb; else imp_s="failed (exit $tv_rc)"; imp_mb=$imp_s; fi
	after=$(find "$S/contacts" -name '*.yaml' | wc -l)
	dirty=$(git -C "$S" status --porcelain | wc -l)
	put "crm import CSV --type contact ($rows rows)" "$(result)" \
		"commits: $imp_commits; contacts $base_contacts -> $after (new rows: $n_new; store's again: $n_dupe; repeated: $n_rep); git status: $([ "$dirty" = 0 ] && echo clean || echo "$dirty paths dirty")"

	log "crm import of the same file again"
	timev rerun "$CRM" -C "$S" import "$in.csv" --type contact
	c3=$(commits "$S")
	rerun_commits=$((c3 - c2))
	put "crm import CSV again (nothing new)" "$(result)" \
		"commits: $rerun_commits (must be 0); contacts after: $(find "$S/contacts" -name '*.yaml' | wc -l)"
	rm -rf "$S"

	S=$(fresh xlsx)
	c0=$(commits "$S")
	log "crm import ($rows rows, xlsx)"
	timev impx "$CRM" -C "$S" import "$in.xlsx" --type contact
	c1=$(commits "$S")
	if [ "$tv_rc" = 0 ]; then xlsx_s=$tv_s xlsx_mb=$tv_mb; else xlsx_s="failed (exit $tv_rc)"; xlsx_mb=$xlsx_s; fi
	put "crm import xlsx --type contact ($rows rows)" "$(result)" \
		"commits: $((c1 - c0)); contacts $base_contacts -> $(find "$S/contacts" -name '*.yaml' | wc -l)"
	rm -rf "$S"

	S=$(fresh broken)
	c0=$(commits "$S")
	log "crm import of the file with $n_broken broken rows"
	timev impb "$CRM" -C "$S" import "$in-broken.csv" --type contact
	c1=$(commits "$S")
	put "crm import CSV with $n_broken broken rows (informational)" "exit $tv_rc, $tv_s s, $tv_mb MB" \
		"commits: $((c1 - c0)); contacts $base_contacts -> $(find "$S/contacts" -name '*.yaml' | wc -l); first message: ${tv_err:-none}"
	rm -rf "$S"
else
	skip import
	for r in "crm import --dry-run CSV ($rows rows)" "crm import CSV --type contact ($rows rows)" \
		"crm import CSV again (nothing new)" "crm import xlsx --type contact ($rows rows)" \
		"crm import CSV with $n_broken broken rows (informational)"; do
		put "$r" "$(missing import)"
	done
	imp_s=$(missing import) imp_mb=$imp_s imp_commits=$imp_s rerun_commits=$imp_s xlsx_s=$imp_s xlsx_mb=$imp_s
fi

# ---- crm dupes and crm export: they only read, so on the store itself ----

S=$store
head0=$(git -C "$S" rev-parse HEAD)
dupes_s=n/a
if has dupes; then
	log "crm dupes contact x $runs"
	timev dupes "$CRM" -C "$S" dupes contact
	if [ "$tv_rc" -le 1 ]; then
		dupes_s=$(hf dupes "$CRM" -C "$S" dupes contact)
		put "crm dupes contact ($base_contacts contacts)" "$dupes_s s median of $runs, $tv_mb MB" \
			"exit $tv_rc; $(wc -l <"$work/dupes.out") lines of output"
	else
		dupes_s="failed (exit $tv_rc)"
		put "crm dupes contact ($base_contacts contacts)" "$(result)"
	fi
else
	skip dupes
	dupes_s=$(missing dupes)
	put "crm dupes contact ($base_contacts contacts)" "$dupes_s"
fi

# export_row FORMAT ARGS...: one row for crm export FORMAT contact ARGS
export_row() {
	local fmt=$1 what m
	shift
	what="crm export $fmt contact${*:+ -o FILE} ($base_contacts contacts)"
	if ! has export "$fmt"; then
		skip export "$fmt"
		put "$what" "$(missing export "$fmt")"
		return
	fi
	log "crm export $fmt contact x $runs"
	timev "export-$fmt" "$CRM" -C "$S" export "$fmt" contact "$@"
	if [ "$tv_rc" != 0 ]; then
		put "$what" "$(result)"
		return
	fi
	local size
	if [ $# -ge 2 ] && [ "$1" = -o ]; then size=$(stat -c %s "$2"); else size=$(stat -c %s "$work/export-$fmt.out"); fi
	m=$(hf "export-$fmt" "$CRM" -C "$S" export "$fmt" contact "$@")
	put "$what" "$m s median of $runs, $tv_mb MB" "output $((size / 1024)) KiB"
}
export_row csv
export_row xlsx -o "$work/export.xlsx"
export_row vcard
rm -f "$work/export.xlsx"
[ "$(git -C "$S" rev-parse HEAD)" = "$head0" ] && [ -z "$(git -C "$S" status --porcelain)" ] ||
	die "crm dupes or crm export changed $S: delete it and $S.ok to make it again"

# ---- peers ----

log "peers"
for p in rg sqlite3 task; do
	command -v "$p" >/dev/null || log "$p is not installed: its row is left out"
done
if command -v rg >/dev/null; then
	m=$(hf rg rg -c -F -e Петров "$in.csv")
	put "peer: rg -c -F Петров over the CSV" "$m s median of $runs" "$(rg -c -F -e Петров "$in.csv") lines"
fi
m=$(hf pycsv "$PY" -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding="utf-8", newline=""), delimiter=";")))' "$in.csv")
put "peer: Python's csv module reads the CSV (parse only)" "$m s median of $runs"
if command -v sqlite3 >/dev/null; then
	m=$(hf sqlite sqlite3 :memory: ".mode csv" ".separator ;" ".import $in.csv t")
	put "peer: sqlite3 :memory: .import of the CSV" "$m s median of $runs" "one table, no checks, no merge"
	rm -f "$work/peer.db"
	timev sqlitef sqlite3 "$work/peer.db" ".mode csv" ".separator ;" ".import $in.csv t"
	put "peer: sqlite3 FILE.db .import of the CSV (to disk)" "$tv_s s, $tv_mb MB"
	rm -f "$work/peer.db"
fi
if command -v task >/dev/null; then
	k=$((task_rows < rows ? task_rows : rows))
	"$PY" - "$in.csv" "$k" >"$work/tasks.json" <<'PY'
import csv, json, sys
n = int(sys.argv[2])
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    rd = csv.reader(f, delimiter=";")
    next(rd)
    for i, row in enumerate(rd):
        if i >= n:
            break
        t = {"description": " ".join(x for x in row[0:2] if x), "status": "pending",
             "entry": "20261201T120000Z",
             "uuid": "00000000-0000-4000-8000-%012x" % (i + 1)}
        if row[7]:
            t["project"] = row[7]
        if row[9]:
            t["tags"] = [x.strip() for x in row[9].split(",") if x.strip()]
        print(json.dumps(t, ensure_ascii=False))
PY
	mkdir -p "$work/tw"
	printf 'data.location=%s\nconfirmation=off\nverbose=nothing\ngc=off\n' "$work/tw" >"$work/taskrc"
	log "task import of $k rows (at most 600 s)"
	TASKRC=$work/taskrc timev task timeout 600 task rc.data.location="$work/tw" import "$work/tasks.json"
	if [ "$tv_rc" = 0 ]; then
		got=$(TASKRC=$work/taskrc task rc.data.location="$work/tw" count 2>/dev/null || echo "?")
		put "peer: task import of $k rows as JSON (taskwarrior)" "$tv_s s, $tv_mb MB" \
			"$got pending tasks after it$([ "$k" = "$rows" ] || awk -v s="$tv_s" -v k="$k" -v n="$rows" 'BEGIN { printf "; %.2f s per %d rows, linearly", s * n / k, n }')"
	else
		put "peer: task import of $k rows as JSON (taskwarrior)" "failed (exit $tv_rc: $tv_err)"
	fi
	rm -rf "$work/tw"
fi

# ---- the report ----

load1=$(cut -d' ' -f1-3 /proc/loadavg)
report() {
	echo "# crm import, dupes and export at $contacts contacts"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); total $(awk -v a="$t_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f s", b - a }')"
	echo "- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; load at start $load0, at end $load1"
	echo "- crm: $("$CRM" --version 2>&1 | sed -n 1p) ($CRM)"
	echo "- store: $store ($base_contacts contacts, tests/bench/gen --mix 20,80,0,0 --seed $seed)"
	echo "- input: $in.csv ($(($(stat -c %s "$in.csv") / 1024)) KiB; $rows rows: $n_new new, $n_dupe of the store's contacts again, $n_rep repeated), $in.xlsx ($(($(stat -c %s "$in.xlsx") / 1024)) KiB), $in-broken.csv ($n_broken broken rows)"
	echo "- times: one run under /usr/bin/time -v (wall, peak RSS) for what writes; median of $runs runs ($([ "$have_hf" = 1 ] && echo "hyperfine -N, one warm-up" || echo "timed in bash")) for what reads, its peak RSS from one more run"
	echo
	echo "| measure | result | notes |"
	echo "|---|---|---|"
	local r
	for r in "${order[@]}"; do
		printf '| %s | %s | %s |\n' "$r" "${R[$r]}" "${R[$r|note]}"
	done
	echo
	echo "## Targets"
	echo
	echo "| target | value |"
	echo "|---|---|"
	for r in "${torder[@]}"; do
		printf '| %s | %s |\n' "$r" "${T[$r]}"
	done
}
target "crm import of $rows CSV rows, s (target <= 10)" "$imp_s" "<=" 10
target "crm import of $rows xlsx rows, s (target <= 10)" "$xlsx_s" "<=" 10
target "commits made by the import (target 1)" "$imp_commits" "==" 1
target "commits made by the same import again (target 0)" "$rerun_commits" "==" 0
target "peak RSS of crm import of the CSV, MB (target <= 200)" "$imp_mb" "<=" 200
target "peak RSS of crm import of the xlsx, MB (target <= 200)" "$xlsx_mb" "<=" 200
target "crm dupes contact at $base_contacts contacts, s (target <= 2)" "$dupes_s" "<=" 2
out=$BENCH_DIR/import-report-$contacts.md
report | tee "$out"
log "report saved as $out"
