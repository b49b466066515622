#!/bin/bash
# 75-board.t - crm board: columns per stage with counts and totals per
# currency, cards with the next task's mark and the stale mark, fitted
# to 80 (and 40) columns with long Cyrillic names cut at character
# boundaries, --limit, a pipeline and a query, JSON, Russian, failures.
. "$(dirname "$0")/lib.sh"

# widest: the widest line of $out in display columns (ANSI escapes
# removed); fails the test when a line is not valid UTF-8.
widest() {
	printf '%s\n' "$out" | python3 -c '
import re, sys, unicodedata
def w(s):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
m = 0
for raw in sys.stdin.buffer.read().split(b"\n"):
    line = re.sub(r"\x1b\[[0-9;]*m", "", raw.decode("utf-8"))
    m = max(m, w(line))
print(m)'
}
jq_py() {
	printf '%s' "$out" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

new_store board
sed -i 's/^  email: ann@example.com$/&\n- login: bob\n  name: Bob Jones\n  email: bob@example.com/' crm.yaml
git commit -qam "add bob" || exit 1
long="Общество с ограниченной ответственностью «Ромашка-Северо-Запад»"
"$CRM" add company "$long" >/dev/null
d1=$("$CRM" add deal "Поставка промышленного оборудования для цеха номер семь" \
	--company "$long" --amount 1200000 --currency RUB --stage proposal)
d2=$("$CRM" add deal "Пусконаладка" --company "$long" --amount 300000 --currency RUB --stage proposal)
d3=$("$CRM" add deal "Export EU" --amount 5000 --currency EUR --stage proposal --owner bob)
d4=$("$CRM" add deal "Fresh lead" --stage lead)
d5=$("$CRM" add deal "Old lead" --stage lead)
d6=$("$CRM" add deal "Closed" --stage won --amount 10 --currency RUB)
"$CRM" add task "Overdue call" --for "$d1" --due 2020-01-01 >/dev/null
"$CRM" add task "Today" --for "$d2" --due today >/dev/null
"$CRM" add task "Later" --for "$d3" --due 2099-01-01 >/dev/null
# d5 entered its stage long ago (lead rots after 3 days); a later change
# of another field does not make it fresh.  d4 entered it as long ago,
# but its last timeline entry is recent.
for d in "$d4" "$d5"; do
	sed -i -e "s/^\( *\(- \)\?at:\) .*/\1 '2026-01-01T10:00:00+03:00'/" \
		-e "s/^created: .*/created: '2026-01-01T10:00:00+03:00'/" \
		"$(file_of deal "$d")"
done
"$CRM" commit >/dev/null || echo "# the hand edit of the stage's time was refused"
"$CRM" set "$d5" amount=100 >/dev/null
"$CRM" note "$d4" "Called, interested" >/dev/null

# --- 80 columns ---
out=$(COLUMNS=80 "$CRM" board 2>"$TEST_ROOT/stderr"); rc=$?
is "$rc" 0 "board exits 0"
is "$(cat "$TEST_ROOT/stderr")" "" "board prints nothing on stderr"
w=$(widest)
ok "$([ "$w" -le 80 ]; echo $?)" "no line is wider than 80 columns (widest: $w)"
ok "$([ "$w" -ge 70 ]; echo $?)" "the columns use the width (widest: $w)"
like "$out" "Lead +First contact +Needs analysis +Proposal" "the stages in order, by display name"
like "$out" "Negotiation +Won +Lost" "the other stages wrap onto a band below"
like "$out" "3 deals, 60%" "a column's count and probability"
like "$out" "1500000 RUB" "the total in RUB"
like "$out" "5000 EUR" "the total in EUR, apart"
like "$out" "! Поставка промышл…" "an overdue task is marked !, a long Cyrillic name cut with an ellipsis"
like "$out" "\* +Пусконаладка" "a task due today is marked *"
like "$out" "> +Export EU" "a later task is marked >"
like "$out" "\? +Fresh lead" "no task is marked ?"
like "$out" "\?~Old lead" "a stale deal is marked ~"
ok "$(printf '%s\n' "$out" | grep -q '~Fresh lead'; [ $? -ne 0 ]; echo $?)" "a fresh deal is not stale"
like "$out" "Общество с ограни…" "a long company name is cut too"
ok "$(printf '%s' "$out" | grep -q $'\e'; [ $? -ne 0 ]; echo $?)" "no colours when not on a terminal"
like "$out" "! overdue  \* due today  > later  \? no task  ~ stale" "the legend"

# --- narrower and wider ---
out=$(COLUMNS=40 "$CRM" board); w=$(widest)
ok "$([ "$w" -le 40 ]; echo $?)" "40 columns: no line wider (widest: $w)"
like "$out" "Lead +First contact" "40 columns: two stages a band"
out=$(COLUMNS=200 "$CRM" board); w=$(widest)
ok "$([ "$w" -le 200 ]; echo $?)" "200 columns: no line wider (widest: $w)"
like "$out" "Lead .*Proposal .*Won .*Lost" "200 columns: every stage side by side"
out=$(COLUMNS=80 "$CRM" board --limit 1)
like "$out" "\+2 more" "--limit 1: the column says how many more"

# --- a pipeline and a query ---
out=$(COLUMNS=80 "$CRM" board sales owner:bob)
like "$out" "1 deal, 60%" "board PIPELINE QUERY: the query selects"
ok "$(printf '%s\n' "$out" | grep -q 'Пусконаладка'; [ $? -ne 0 ]; echo $?)" "board QUERY: other owners' deals are left out"
out=$(COLUMNS=80 "$CRM" board "amount>1000")
like "$out" "Export EU" "board QUERY without a pipeline"

# --- JSON ---
out=$("$CRM" --format json board); rc=$?
is "$rc" 0 "board --format json exits 0"
is "$(jq_py '[s["id"] for s in j["stages"]]')" \
	"['lead', 'first_contact', 'needs_analysis', 'proposal', 'negotiation', 'won', 'lost']" "JSON: the stages in order"
is "$(jq_py 'j["pipeline"]')" "sales" "JSON: the pipeline"
is "$(jq_py '[(s["count"], len(s["cards"])) for s in j["stages"] if s["id"] == "proposal"][0]')" "(3, 3)" \
	"JSON: the count and every card"
is "$(jq_py 'sorted((t["currency"], t["amount"]) for s in j["stages"] if s["id"] == "proposal" for t in s["totals"])')" \
	"[('EUR', 5000.0), ('RUB', 1500000.0)]" "JSON: totals per currency"
is "$(jq_py 'sorted((c["name"][:5], c["task_state"]) for s in j["stages"] for c in s["cards"])')" \
	"[('Close', 'none'), ('Expor', 'later'), ('Fresh', 'none'), ('Old l', 'none'), ('Поста', 'overdue'), ('Пуско', 'today')]" \
	"JSON: each card's task state"
is "$(jq_py '[c["name"] for s in j["stages"] for c in s["cards"] if c["stale"]]')" "['Old lead']" "JSON: the stale deal"
is "$(jq_py '[c["company_name"] for s in j["stages"] for c in s["cards"] if c["id"] == "'"$d1"'"][0]')" "$long" \
	"JSON: names are whole"
is "$(jq_py '[(c["probability"], c["amount"]) for s in j["stages"] for c in s["cards"] if c["id"] == "'"$d1"'"][0]')" \
	"(60, 1200000.0)" "JSON: the card's probability and amount"
is "$(jq_py '[s["name"] for s in j["stages"]][3]')" "Proposal" "JSON: display names"

# the whole pipeline (grouped from the index) and a query that selects
# every deal (deal by deal) agree
all=$(printf '%s' "$out" | python3 -c 'import json,sys; j=json.load(sys.stdin); print([(s["id"], s["count"], sorted((t["currency"], t["amount"]) for t in s["totals"]), sorted(c["id"] for c in s["cards"])) for s in j["stages"]])')
out=$("$CRM" --format json board type:deal)
is "$(jq_py '[(s["id"], s["count"], sorted((t["currency"], t["amount"]) for t in s["totals"]), sorted(c["id"] for c in s["cards"])) for s in j["stages"]]')" \
	"$all" "JSON: the whole pipeline and a query of every deal agree"
out=$("$CRM" --format json board --limit 2)
is "$(jq_py '[(s["count"], len(s["cards"])) for s in j["stages"] if s["count"]]')" "[(2, 2), (3, 2), (1, 1)]" \
	"--limit 2 in JSON: at most two cards a stage, the counts whole"

# the index keeps each stage's totals as deals change, move and go:
# after each change they agree with a rebuild and with the deal by
# deal count (amounts in cents, exactly)
totals() {
	out=$("$CRM" --format json board "$@")
	jq_py '[(s["id"], s["count"], sorted((t["currency"], t["amount"]) for t in s["totals"])) for s in j["stages"]]'
}
"$CRM" set "$d2" amount=300000.10 >/dev/null
"$CRM" deal move "$d3" negotiation >/dev/null
d7=$("$CRM" add deal "Third lead" --stage lead --amount 0.20 --currency RUB)
"$CRM" add deal "Fourth lead" --stage lead --amount 0.10 --currency RUB >/dev/null
"$CRM" rm "$d7" >/dev/null
kept=$(totals)
is "$kept" "$(totals type:deal)" "totals kept through set, move, add and rm agree with a count deal by deal"
like "$kept" "'proposal', 2, \[\('RUB', 1500000.1\)\]" "a changed amount is in its stage's total, to the cent"
like "$kept" "'lead', 3, \[\('RUB', 100.1\)\]" "a removed deal leaves its stage's total"
"$CRM" reindex >/dev/null 2>&1
is "$(totals)" "$kept" "a rebuilt index has the same totals"

# --- failures ---
run board "stage:("
is "$rc" 2 "a query that does not parse is a usage error"
run board --limit -1
is "$rc" 2 "a negative --limit is a usage error"
run --format csv board
is "$rc" 2 "csv is no format of the board"
out=$(cd "$TEST_ROOT" && CRM_DIR="$TEST_ROOT/none" "$CRM" board 2>/dev/null); rc=$?
is "$rc" 6 "no store: exit 6"
store_clean "board"

# --- Russian ---
if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$' &&
   [ -f "${CRM_LOCALEDIR:-$(dirname "$CRM")/locale}/ru/LC_MESSAGES/crm.mo" ]; then
	cd "$TEST_ROOT" || exit 1
	LC_ALL=ru_RU.UTF-8 "$CRM" init --user ann --name "Анна" --email a@example.com ru >/dev/null
	cd ru || exit 1
	"$CRM" add deal "$long — вторая очередь строительства" --stage needs_analysis \
		--amount 999999 >/dev/null
	out=$(COLUMNS=80 LC_ALL=ru_RU.UTF-8 "$CRM" board); rc=$?
	is "$rc" 0 "ru: board exits 0"
	w=$(widest)
	ok "$([ "$w" -le 80 ]; echo $?)" "ru: no line wider than 80 (widest: $w)"
	like "$out" "Лид +Первый контакт +Выявление потребн" "ru: the stages' Russian names"
	like "$out" "1 сделка, 40%" "ru: the count in Russian"
	like "$out" "! просрочено" "ru: the legend in Russian"
	like "$out" "Общество с огран…" "ru: the long name cut with an ellipsis"
else
	ok 0 "# skip: no ru_RU.UTF-8 locale or catalogue"
fi

# a deal in a closed stage needs no next task: no '?' mark on its card
new_store closed
"$CRM" add deal "Signed already" --stage won >/dev/null
"$CRM" add deal "Still open" >/dev/null
out=$(COLUMNS=120 "$CRM" board)
like "$out" "[?] Still open" "an open deal with no task is marked '?'"
case $out in *"? Signed already"*) ok 1 "a won deal is not marked for having no task" ;;
*) ok 0 "a won deal is not marked for having no task" ;; esac
like "$out" "  Signed already" "the won deal's card is shown unmarked"

done_testing
