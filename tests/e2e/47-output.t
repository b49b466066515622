#!/bin/bash
# Output for people: tables fitted to the terminal (COLUMNS, a tty),
# names cut at character boundaries with columns aligned, amounts grouped
# per locale, local times, colour only on a terminal, the pager, text
# made safe for the terminal; and for scripts: CSV/TSV with every field
# and no cut, --bom, JSON with the names of references.
. "$(dirname "$0")/lib.sh"

# tty_run CMD: runs the shell command CMD on a pseudo-terminal (bounded).
tty_run() { timeout 20 script -qec "$1" /dev/null 2>/dev/null; }
have_script=0
command -v script >/dev/null && script -qec true /dev/null >/dev/null 2>&1 && have_script=1

# check_table FILE COLUMNS NAMES...: the table in FILE is at most COLUMNS
# wide (0: any), every column starts where its header does, two spaces
# before it, and each NAME cell is a whole name or a prefix of one
# (whole characters) followed by "…".  Prints "ok" or what is wrong.
check_table() {
	python3 - "$@" <<'PY'
import sys, unicodedata
path, cols, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def w(ch):
    if unicodedata.combining(ch): return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1
def cells(line):
    # display column -> character, wide characters taking two
    out = []
    for ch in line:
        cw = w(ch)
        if cw == 0 and out:
            out[-1] += ch
            continue
        out.append(ch)
        if cw == 2: out.append("")
    return out
lines = open(path, encoding="utf-8").read().split("\n")[:-1]
hdr = lines[0]
starts, prev = [], " "
for i, ch in enumerate(hdr):
    if ch != " " and prev == " ": starts.append(i)
    prev = ch
heads = hdr.split()
bad = []
for n, line in enumerate(lines):
    c = cells(line)
    if cols and len(c) > cols: bad.append("line %d is %d wide" % (n, len(c)))
    for s, head in list(zip(starts, heads))[1:]:
        if head == "AMOUNT": continue  # right-aligned: wider amounts start before it
        if len(c) > s and "".join(c[s-2:s]) != "  ":
            bad.append("line %d: no gap before column %d" % (n, s))
    if n == 0 or "NAME" not in heads: continue
    k = heads.index("NAME")
    end = starts[k+1] - 2 if k + 1 < len(starts) else len(c)
    cell = "".join(c[starts[k]:end]).split("  ")[0].rstrip(" ")
    if cell in names: continue
    if cell.endswith("…") and any(x.startswith(cell[:-1]) for x in names): continue
    bad.append("line %d: name cell %r" % (n, cell))
print("; ".join(bad[:5]) if bad else "ok")
PY
}

new_store out
long1="Общество с ограниченной ответственностью «Торговый дом Северо-Западный»"
long2="Акционерное общество «Научно-производственное объединение Ёлка»"
cjk="株式会社東京テクノロジー開発センター"
comb="Елка с ё: ё ё ё ё ё ё ё ё ё ё ё ё ё ё ё"
co1=$("$CRM" add company "$long1" --phone "+7 495 000-00-01" --tag vip)
co2=$("$CRM" add company "$long2")
co3=$("$CRM" add company "$cjk")
co4=$("$CRM" add company "$comb")
d1=$("$CRM" add deal "Поставка оборудования для производственной линии" --company "$long1" --amount 4500000 --stage won)
d2=$("$CRM" add deal "Small" --amount 350000.50 --stage lead)
d3=$("$CRM" add deal "Mid" --amount 20000 --stage proposal)
d4=$("$CRM" add deal "Late" --amount 1 --stage negotiation)
[ -n "$co1" ] && [ -n "$d4" ]
ok $? "setup: records added"

# --- the table fits COLUMNS ---
for cols in 40 80 200; do
	COLUMNS=$cols "$CRM" list company >"$TEST_ROOT/t$cols" 2>"$TEST_ROOT/e$cols"
	is "$?" 0 "COLUMNS=$cols: list company exits 0"
	is "$(check_table "$TEST_ROOT/t$cols" "$cols" "$long1" "$long2" "$cjk" "$comb")" ok \
		"COLUMNS=$cols: fits, aligned, names cut at character boundaries"
	COLUMNS=$cols "$CRM" list deal >"$TEST_ROOT/d$cols"
	is "$(check_table "$TEST_ROOT/d$cols" "$cols" "Поставка оборудования для производственной линии" Small Mid Late)" ok \
		"COLUMNS=$cols: deal table fits and is aligned"
	is "$(cut -c1-10 "$TEST_ROOT/t$cols" | tail -n +2 | sort | tr '\n' ' ')" \
		"$(printf '%s\n' "$co1" "$co2" "$co3" "$co4" | sort | tr '\n' ' ')" \
		"COLUMNS=$cols: the ids are whole"
done
like "$(cat "$TEST_ROOT/t40")" "…" "COLUMNS=40: long names are cut with …"
like "$(head -1 "$TEST_ROOT/t40")" "^ID +NAME" "COLUMNS=40: ID and NAME stay"
like "$(head -1 "$TEST_ROOT/t200")" "TAGS" "COLUMNS=200: every column shown"
grep -qF "$long1" "$TEST_ROOT/t200"
ok $? "COLUMNS=200: a name that fits is whole"
ncols40=$(head -1 "$TEST_ROOT/d40" | wc -w)
ncols200=$(head -1 "$TEST_ROOT/d200" | wc -w)
[ "$ncols40" -lt "$ncols200" ]
ok $? "COLUMNS=40: low-priority columns dropped ($ncols40 < $ncols200)"
like "$(head -1 "$TEST_ROOT/d40")" "AMOUNT" "COLUMNS=40: AMOUNT kept over the columns of lower priority"
out=$(COLUMNS=5 "$CRM" --format table list company)
is "$?" 0 "COLUMNS=5: still exits 0"
is "$(printf '%s\n' "$out" | tail -n +2 | grep -cE '^[0-9a-z]{10}$')" 4 "COLUMNS=5: the ids alone, whole"

# --- piped without COLUMNS: nothing cut ---
run list company
is "$rc" 0 "piped list exits 0"
printf '%s\n' "$out" | grep -qF "$long1"
ok $? "piped: the long name is whole, grep finds it"
printf '%s\n' "$out" | grep -q "…"
ok $((! $?)) "piped: nothing is cut"
out=$(COLUMNS=abc "$CRM" list company)
printf '%s\n' "$out" | grep -qF "$long1"
ok $? "COLUMNS that is not a number is ignored"
printf '%s\n' "$out" >"$TEST_ROOT/piped"
is "$(check_table "$TEST_ROOT/piped" 0 "$long1" "$long2" "$cjk" "$comb")" ok "piped: columns aligned"

# --- amounts ---
amount_of() { printf '%s\n' "$1" | grep "$2" | sed 's/  */ /g'; }
run list deal
like "$(printf '%s\n' "$out" | grep "$d1")" " 4500000 " "C locale: no grouping"
like "$(printf '%s\n' "$out" | grep "$d2")" " 350000\\.50 " "C locale: decimals when present"
like "$(printf '%s\n' "$out" | grep "$d3")" " 20000 " "C locale: no decimals when none"
# right-aligned: the amounts end where the header AMOUNT ends
endcol=$(printf '%s\n' "$out" | head -1 | python3 -c 'import sys; h=sys.stdin.read(); print(h.index("AMOUNT")+6)')
ends=$(printf '%s\n' "$out" | tail -n +2 | python3 -c '
import sys, re
for l in sys.stdin:
    m = re.search(r"[0-9.,]+(?= +[A-Z]{3} )", l)
    print(m.end() if m else "none")' | sort -u)
is "$ends" "$endcol" "amounts are right-aligned under AMOUNT"
if locale -a 2>/dev/null | grep -qix 'ru_RU.utf8'; then
	sep=$(python3 -c 'import locale; locale.setlocale(locale.LC_ALL, "ru_RU.UTF-8"); print(locale.localeconv()["thousands_sep"])')
	out=$(LC_ALL=ru_RU.UTF-8 "$CRM" list deal)
	like "$(printf '%s\n' "$out" | grep "$d1")" "4${sep}500${sep}000" "ru_RU: 4 500 000 grouped with the locale's separator"
	like "$(printf '%s\n' "$out" | grep "$d2")" "350${sep}000,50" "ru_RU: decimal comma"
	out=$(LC_ALL=ru_RU.UTF-8 "$CRM" --format csv list deal)
	like "$out" ",4500000," "ru_RU: CSV keeps the exact amount"
else
	ok 0 "# SKIP no ru_RU.UTF-8 locale"
fi
if locale -a 2>/dev/null | grep -qix 'en_US.utf8'; then
	out=$(LC_ALL=en_US.UTF-8 "$CRM" list deal)
	like "$(printf '%s\n' "$out" | grep "$d1")" "4,500,000" "en_US: 4,500,000"
	like "$(printf '%s\n' "$out" | grep "$d2")" "350,000\\.50" "en_US: 350,000.50"
else
	ok 0 "# SKIP no en_US.UTF-8 locale"
fi

# --- times ---
t1=$("$CRM" add task "Timed call" --for "$long2" --due "2030-12-01 11:30")
t2=$("$CRM" add task "Whole day" --for "$long2" --due 2030-12-02)
run list task
like "$(printf '%s\n' "$out" | grep "$t1")" "2030-12-01 11:30 " "a moment in local time, without seconds or offset"
printf '%s\n' "$out" | grep "$t1" | grep -qE '11:30:00|\+03:00'
ok $((! $?)) "no seconds, no offset"
like "$(printf '%s\n' "$out" | grep "$t2")" "2030-12-02 " "a date as a date"
out=$(TZ=Asia/Tokyo "$CRM" list task)
like "$(printf '%s\n' "$out" | grep "$t1")" "2030-12-01 17:30 " "TZ=Asia/Tokyo: the same moment at 17:30"
out=$(TZ=UTC "$CRM" list task)
like "$(printf '%s\n' "$out" | grep "$t1")" "2030-12-01 08:30 " "TZ=UTC: 08:30"
run --format json list task
like "$out" "2030-12-01T11:30:00\\+03:00" "JSON keeps the stored time"

# --- tasks sorted by due date; colour ---
t0=$("$CRM" add task "Overdue one" --for "$long2" --due yesterday)
tt=$("$CRM" add task "Today one" --for "$long2" --due today)
run --format ids list task
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$t0 $tt $t1 $t2 " "list task sorts by due date by default"
run --format ids list task --reverse
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$t2 $t1 $tt $t0 " "list task --reverse: latest due first"
run --format ids list task --sort name
is "$(printf '%s\n' "$out" | head -1)" "$t0" "--sort name still sorts by name"
if [ $have_script = 1 ]; then
	o=$(tty_run "'$CRM' list task")
	like "$(printf '%s\n' "$o" | grep "$t0")" $'^\e\\[31m' "tty: the overdue task is red"
	like "$(printf '%s\n' "$o" | grep "$tt")" $'^\e\\[33m' "tty: today's task is yellow"
	printf '%s\n' "$o" | grep "$t2" | grep -q $'\e\\[3[13]m'
	ok $((! $?)) "tty: a later task is neither red nor yellow"
	like "$(printf '%s\n' "$o" | head -1)" $'^\e\\[1mID' "tty: the header is bold"
	o=$(tty_run "'$CRM' --no-color list task")
	printf '%s' "$o" | grep -q $'\e'
	ok $((! $?)) "tty, --no-color: no escape sequence"
	o=$(NO_COLOR=1 tty_run "'$CRM' list task")
	printf '%s' "$o" | grep -q $'\e'
	ok $((! $?)) "tty, NO_COLOR: no escape sequence"
else
	for i in 1 2 3 4 5 6; do ok 0 "# SKIP no script(1)"; done
fi
run list task
printf '%s' "$out" | grep -q $'\e'
ok $((! $?)) "piped: no colour"

# --- the pager ---
cat >"$TEST_ROOT/rec-pager" <<'SH'
#!/bin/sh
echo "LESS=$LESS LV=$LV" >"$PAGED.env"
cat >"$PAGED"
SH
chmod +x "$TEST_ROOT/rec-pager"
export PAGED="$TEST_ROOT/paged"
if [ $have_script = 1 ]; then
	rm -f "$PAGED" "$PAGED.env"
	o=$(PAGER="$TEST_ROOT/rec-pager" tty_run "'$CRM' list company")
	[ -f "$PAGED" ]
	ok $? "tty: PAGER runs"
	grep -qF "$co1" "$PAGED" 2>/dev/null
	ok $? "tty: the table goes through the pager"
	is "$(cat "$PAGED.env" 2>/dev/null)" "LESS=FRX LV=-c" "the pager gets LESS=FRX and LV=-c"
	rm -f "$PAGED" "$PAGED.env"
	o=$(LESS=S PAGER="$TEST_ROOT/rec-pager" tty_run "'$CRM' list company")
	is "$(cat "$PAGED.env" 2>/dev/null)" "LESS=S LV=-c" "LESS set by the user is kept"
	rm -f "$PAGED"
	o=$(PAGER=false CRM_PAGER="$TEST_ROOT/rec-pager" tty_run "'$CRM' list company")
	[ -f "$PAGED" ]
	ok $? "CRM_PAGER wins over PAGER"
	rm -f "$PAGED"
	o=$(PAGER="$TEST_ROOT/rec-pager" tty_run "'$CRM' --no-pager list company")
	[ ! -f "$PAGED" ]
	ok $? "--no-pager: no pager"
	like "$o" "$co1" "--no-pager: the table on the terminal"
	o=$(PAGER="$TEST_ROOT/rec-pager" CRM_PAGER=cat tty_run "'$CRM' list company")
	[ ! -f "$PAGED" ]
	ok $? "CRM_PAGER=cat: no pager"
	like "$o" "$co1" "CRM_PAGER=cat: the table on the terminal"
	o=$(PAGER= tty_run "'$CRM' list company")
	like "$o" "$co1" "an empty PAGER: no pager, the table on the terminal"
	o=$(PAGER="$TEST_ROOT/rec-pager" tty_run "'$CRM' show '$co1'")
	grep -qF "$long1" "$PAGED" 2>/dev/null
	ok $? "show goes through the pager too"
	rm -f "$PAGED"
	o=$(PAGER="$TEST_ROOT/rec-pager" tty_run "'$CRM' add company Paged")
	[ ! -f "$PAGED" ]
	ok $? "add does not start the pager"
else
	for i in $(seq 13); do ok 0 "# SKIP no script(1)"; done
fi
rm -f "$PAGED"
out=$(PAGER="$TEST_ROOT/rec-pager" "$CRM" list company)
rc=$?
[ ! -f "$PAGED" ]
ok $? "piped: no pager"
is "$rc" 0 "piped with PAGER set: exits 0"
like "$out" "$co1" "piped with PAGER set: the table on stdout"

# many records, by hand and one git commit: more output than a pipe holds
python3 - <<'PY'
import os
alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
for i in range(3000):
    rid = "zz" + "".join(alphabet[(i >> (5 * k)) & 31] for k in range(8))
    d = os.path.join("companies", rid[:2])
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, rid + ".yaml"), "w") as f:
        f.write("id: %s\nname: Filler company number %04d with a long name\nowner: ann\n" % (rid, i))
PY
git add -A && git commit -qm "many companies" || exit 1
if [ $have_script = 1 ]; then
	o=$(PAGER=true tty_run "'$CRM' list company 2>'$TEST_ROOT/perr'; echo \"rc=\$?\"")
	like "$o" "rc=0" "a pager that exits at once: crm exits 0"
	is "$(cat "$TEST_ROOT/perr")" "" "a pager that exits at once: no error"
	o=$(PAGER='head -1 >/dev/null' tty_run "'$CRM' list company 2>'$TEST_ROOT/perr'; echo \"rc=\$?\"")
	like "$o" "rc=0" "a pager that quits early: crm exits 0, no SIGPIPE"
	is "$(cat "$TEST_ROOT/perr")" "" "a pager that quits early: no error"
	rm -f "$TEST_ROOT/waited"
	o=$(PAGER="cat >/dev/null; sleep 1; echo done >'$TEST_ROOT/waited'" tty_run "'$CRM' list company >/dev/null 2>&1 </dev/null; '$CRM' list company; ls '$TEST_ROOT/waited'")
	like "$o" "waited" "crm waits for the pager before it exits"
else
	for i in 1 2 3 4 5; do ok 0 "# SKIP no script(1)"; done
fi
run --format ids list company
is "$(printf '%s\n' "$out" | wc -l)" 3005 "3005 companies listed"
run list company
is "$(printf '%s\n' "$out" | wc -l)" 3006 "the table streams past its sample: header + 3005 rows"
is "$(printf '%s\n' "$out" | grep Filler | awk '{ print length($0) }' | sort -u | wc -l | tr -d ' ')" 1 \
	"rows past the sample keep the widths (filler names are equal)"
git rm -rq companies/zz && git commit -qm "fewer companies" || exit 1

# --- CSV, TSV: every field, nothing cut ---
tags=""
for i in $(seq -w 1 60); do tags="$tags --tag long-tag-number-$i"; done
# shellcheck disable=SC2086
ct=$("$CRM" add company "Tagged" $tags)
sets=""
for i in $(seq -w 1 22); do sets="$sets custom_$i=value-$i"; done
# shellcheck disable=SC2086
"$CRM" set "$ct" $sets 'quoted=a "b", c' >/dev/null
ok $? "22 custom fields set"
run --format csv list company
is "$rc" 0 "csv exits 0"
printf '%s\n' "$out" >"$TEST_ROOT/all.csv"
chk=$(python3 - "$TEST_ROOT/all.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
h = rows[0]
assert all(len(r) == len(h) for r in rows), "ragged"
r = [x for x in rows if x[1] == "Tagged"][0]
d = dict(zip(h, r))
tags = ", ".join("long-tag-number-%02d" % i for i in range(1, 61))
assert d["tags"] == tags, (len(d["tags"]), len(tags))
for i in range(1, 23):
    assert d["custom_%02d" % i] == "value-%02d" % i, i
assert d["quoted"] == 'a "b", c'
for k in ("id", "name", "owner", "phones", "emails", "website", "address", "source", "created", "updated"):
    assert k in h, k
print("ok", len(d["tags"]), len([k for k in h if k.startswith("custom_")]))
PY
)
is "$chk" "ok 1198 22" "csv: 60 tags whole (1198 bytes), 22 custom fields, read back by python csv"
run --format tsv list company
chk=$(printf '%s\n' "$out" | python3 -c '
import sys
rows = [l.rstrip("\n").split("\t") for l in sys.stdin]
h = rows[0]
d = dict(zip(h, [r for r in rows if r[1] == "Tagged"][0]))
print(len(d["tags"]), d["custom_22"], len(rows[0]) == len(rows[1]))')
is "$chk" "1198 value-22 True" "tsv: the same fields"
run --format csv list deal
like "$(printf '%s\n' "$out" | head -1)" "^id,name,company,company_name,contact,contact_name,pipeline,stage,amount,currency" \
	"csv of deals: references with their names"
like "$(printf '%s\n' "$out" | grep "$d1")" ",$co1,$long1," "csv: the company's id and name"
like "$(printf '%s\n' "$out" | grep "$d2")" ",350000.50," "csv: the amount exact"

# --- --bom ---
"$CRM" --format csv list company --bom | head -c 3 | od -An -tx1 >"$TEST_ROOT/bom"
is "$(tr -d ' \n' <"$TEST_ROOT/bom")" "efbbbf" "--bom: CSV starts with EF BB BF"
is "$("$CRM" --format tsv list company --bom | head -c 5 | tail -c 2)" "id" "--bom: TSV, the header after the mark"
is "$("$CRM" --format csv list company | head -c 2)" "id" "without --bom: no mark"
chk=$("$CRM" --format csv list company --bom | python3 -c '
import csv, io, sys
rows = list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")))
print(rows[0][0])')
is "$chk" "id" "--bom: read back as utf-8-sig"
run list company --bom
is "$rc" 2 "--bom with a table: exit 2"
is "$out" "" "--bom with a table: nothing on stdout"
like "$err" "--bom" "--bom misuse is named"
run --format json list company --bom
is "$rc" 2 "--bom with json: exit 2"

# --- JSON with the names of references ---
c1=$("$CRM" add contact "Иван Петров" --company "$long1")
run --format json list deal
is "$rc" 0 "json exits 0"
chk=$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = {x["id"]: x for x in d["records"]}
x = r[sys.argv[1]]
print(d["format_version"], x["company"] == sys.argv[2], x["company_name"], "company_name" in r[sys.argv[3]])' "$d1" "$co1" "$d2")
is "$chk" "1 True $long1 False" "json: company id and company_name; none without a company"
run --format json list contact
chk=$(printf '%s' "$out" | python3 -c '
import json, sys
x = json.load(sys.stdin)["records"][0]
print(x["company"], x["company_name"])')
is "$chk" "$co1 $long1" "json of contacts: company_name"
run --format json list task
chk=$(printf '%s' "$out" | python3 -c '
import json, sys
x = [r for r in json.load(sys.stdin)["records"] if r["id"] == sys.argv[1]][0]
print(x["for"], x["for_name"])' "$t1")
is "$chk" "$co2 $long2" "json of tasks: for and for_name"

# --- control characters: escaped in tables, exact in JSON and CSV ---
evil=$'Evil\e[31mRed\a\rX\x7fY\xc2\x9bZ'
ce=$("$CRM" add company "$evil")
run list company
line=$(printf '%s\n' "$out" | grep "$ce")
printf '%s' "$line" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]'
ok $((! $?)) "table: no raw control character"
printf '%s' "$line" | grep -qF $'\xc2\x9b'
ok $((! $?)) "table: no raw C1 control"
like "$line" 'Evil\\x1b\[31mRed\\x07\\rX\\x7fY\\u009bZ' "table: ESC, BEL, CR, DEL, CSI shown escaped"
run --format json list company
chk=$(printf '%s' "$out" | python3 -c '
import json, sys
names = [r["name"] for r in json.load(sys.stdin)["records"]]
print(sys.argv[1] in names)' "$evil")
is "$chk" "True" "json: the name's exact bytes"
run --format csv list company
chk=$(printf '%s\n' "$out" | python3 -c '
import csv, sys
names = [r[1] for r in csv.reader(sys.stdin)]
print(sys.argv[1] in names)' "$evil")
is "$chk" "True" "csv: the name's exact bytes"
run search Evil
printf '%s' "$out" | LC_ALL=C grep -q $'\e'
ok $((! $?)) "search table: escaped too"

# --- --sort stage: pipeline order ---
run --format ids list deal --sort stage
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$d2 $d3 $d4 $d1 " "--sort stage: lead, proposal, negotiation, won (crm.yaml's order)"
run --format ids list deal --sort stage --reverse
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$d1 $d4 $d3 $d2 " "--sort stage --reverse"
run --format ids list company --sort stage
is "$rc" 0 "--sort stage of companies (none has one) exits 0"
run list deal --sort stag
is "$rc" 2 "--sort with a misspelt field exits 2"
like "$err" "did you mean 'stage'" "--sort misspelt: did you mean"

store_clean "after the output tests"
done_testing
