#!/bin/bash
# 40-search.t - crm search and crm list TYPE QUERY through the index:
# free text (Cyrillic, Latin, Azerbaijani, phone fragments, short terms,
# phrases), field terms and comparisons, regular expressions, and/or/not,
# ranking, --limit, every output format, query errors with their columns,
# hostile queries, and crm show with a case-insensitive name prefix.

. "$(dirname "$0")/lib.sh"

# sorted WORDS...: the words sorted, one space-separated line.
sorted() {
	printf '%s\n' "$@" | grep -v '^$' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

# found QUERY...: the ids `crm search` finds (sorted, one line).
found() {
	run --format ids search "$@" --limit 100000
	# shellcheck disable=SC2086
	sorted $out
}

# search_ids QUERY...: sets $got to the ids crm search finds (sorted, one
# line), and $rc, $out, $err as run does.
search_ids() {
	run --format ids search "$@" --limit 100000
	# shellcheck disable=SC2086
	got=$(sorted $out)
}

# listed TYPE QUERY...: the ids `crm list` finds (sorted, one line).
listed() {
	run --format ids list "$@"
	# shellcheck disable=SC2086
	sorted $out
}

# finds DESC WANT QUERY...: crm search QUERY finds exactly the ids WANT.
finds() {
	local desc=$1 want=$2
	shift 2
	search_ids "$@"
	if [ "$rc" -ne 0 ]; then
		ok 1 "search $desc"
		printf '# exit %s: %s\n' "$rc" "$err"
		return
	fi
	# shellcheck disable=SC2086
	is "$got" "$(sorted $want)" "search $desc"
}

new_store s
# a second user, bob
printf '%s\n' '- login: bob' '  name: Bob Jones' '  email: bob@example.com' >"$TEST_ROOT/bob"
python3 - "$TEST_ROOT/bob" <<'PY' || echo "Bail out! cannot add bob"
import sys
bob = open(sys.argv[1]).read()
t = open("crm.yaml").read()
i = t.index("pipelines:")
open("crm.yaml", "w").write(t[:i] + bob + t[i:])
PY
"$CRM" commit -m "add bob" >/dev/null || { echo "Bail out! crm commit of crm.yaml failed"; exit 1; }

# a record whose name matches, old; written by hand with 2020 dates
mkdir -p contacts/pv
cat >contacts/pv/pvtr0v5ky1.yaml <<'EOF'
id: pvtr0v5ky1
name: Petrovsky Ivan
owner: ann
created: '2020-03-01T10:00:00+03:00'
updated: '2020-03-01T10:00:00+03:00'
timeline:
- id: '4jpeaj6e1s'
  at: '2020-03-01T10:00:00+03:00'
  by: ann
  kind: note
  text: First contact at the fair
EOF
"$CRM" commit -m "old record" >/dev/null || { echo "Bail out! crm commit failed"; exit 1; }
pv=pvtr0v5ky1

iv=$("$CRM" add contact "Иванов Пётр" --phone "+7 (495) 123-45-67" --tag vip --source site --owner ann)
al=$("$CRM" add contact "Əliyev Rəşad" --email rashad@example.az --tag vip --owner bob)
acme=$("$CRM" add company "Acme Ltd" --set industry=retail --source exhibition --tag partner --owner bob)
glob=$("$CRM" add company "Globex" --set industry=wholesale --owner ann)
jo=$("$CRM" add contact "John Smith" --company "Acme Ltd" --phone "+1 212 555 0100" --tag vip --owner bob)
ma=$("$CRM" add contact "Mary Jones" --company "Globex" --tag cold --owner bob)
ze=$("$CRM" add contact "Zed Ox" --tag vip --owner bob)
big=$("$CRM" add deal "Supply 2027" --company "Acme Ltd" --amount 1500000 --stage won --owner ann)
small=$("$CRM" add deal "Pilot" --amount 900 --stage proposal --owner bob)
mid=$("$CRM" add deal "Renewal" --amount 100000 --stage negotiation --owner ann)
tover=$("$CRM" add task "Send the price list" --for "$iv" --due yesterday --owner ann)
tfut=$("$CRM" add task "Book a meeting" --for "$acme" --due tomorrow --owner bob)
# a record that mentions Petrovsky only in a note, newer than $pv
ol=$("$CRM" add contact "Olga Sidorova" --owner ann)
f=$(file_of contact "$ol")
cat >>"$f" <<'EOF'
timeline:
- id: '5kq2m8x1ab'
  at: '2026-01-10T10:00:00+03:00'
  by: ann
  kind: note
  text: Met Petrovsky at the fair
EOF
"$CRM" commit -m "note" >/dev/null || { echo "Bail out! crm commit of a note failed"; exit 1; }
for v in iv al acme glob jo ma ze big small mid tover tfut ol; do
	[ -n "${!v}" ] || { echo "Bail out! setup: $v was not created"; exit 1; }
done
store_clean "setup"
all="$pv $iv $al $acme $glob $jo $ma $ze $big $small $mid $tover $tfut $ol"

# --- free text ----------------------------------------------------------------
finds "иван finds Иванов" "$iv" иван
finds "ИВАНОВ (capitals) finds Иванов" "$iv" ИВАНОВ
finds "ƏLİYEV finds Əliyev" "$al" ƏLİYEV
finds "əliyev finds Əliyev" "$al" əliyev
finds "ПЕТР finds Пётр (ё as е)" "$iv" ПЕТР
finds "пётр finds Пётр" "$iv" пётр
finds "Latin, any case" "$jo" sMiTh
finds "e-mail fragment" "$al" rashad@example
finds "no match is an empty answer" "" zzzqqq
is "$rc" 0 "no match exits 0"
finds "'495 123' (two words) finds +7 (495) 123-45-67" "$iv" 495 123
finds "'495 123' (one argument) finds +7 (495) 123-45-67" "$iv" "495 123"
finds "4951234 finds +7 (495) 123-45-67" "$iv" 4951234
finds "\"495 123-45\" finds +7 (495) 123-45-67" "$iv" '"495 123-45"'
finds "74951234567 finds +7 (495) 123-45-67" "$iv" 74951234567
finds "(495)123 finds +7 (495) 123-45-67" "$iv" '"(495)123"'
finds "2125550100 finds +1 212 555 0100" "$jo" 2125550100
finds "two-letter Latin term" "$ze" ox
finds "two-letter Cyrillic term, ё folded" "$iv" ЁТ
run --format ids search s --limit 100000
finds "one-letter term, accents folded: ş finds what s does" "$out" ş
like "$out" "$al" "one-letter term ş finds Rəşad"
finds "quoted phrase" "$tover" '"price list"'
finds "quoted phrase, other order: nothing" "" '"list price"'
finds "phrase with capitals" "$tover" '"PRICE LIST"'
finds "two words, both must match" "$tover" send list
finds "words in notes" "$pv $ol" fair
finds "timeline text" "$ol" '"met petrovsky"'
finds "custom field value is text" "$acme" retai
finds "custom field values, or" "$acme $glob" wholesal or retai

# --- field terms -------------------------------------------------------------
finds "type:deal" "$big $small $mid" type:deal
finds "type:deals (plural)" "$big $small $mid" type:deals
finds "type:task" "$tover $tfut" type:task
finds "stage:won" "$big" stage:won
finds "stage=proposal" "$small" stage=proposal
finds "owner:bob" "$al $acme $jo $ma $ze $small $tfut" owner:bob
finds "tag:vip" "$iv $al $jo $ze" tag:vip
finds "tag:cold" "$ma" tag:cold
finds "source:site" "$iv" source:site
finds "source:exhibition" "$acme" source:exhibition
finds "company:REF by name" "$jo $big" "company:\"Acme Ltd\""
finds "company:REF by id prefix" "$ma" "company:$(printf '%s' "$glob" | cut -c1-6)"
finds "amount>=100000" "$big $mid" 'amount>=100000'
finds "amount<1000" "$small" 'amount<1000'
finds "amount>100000" "$big" 'amount>100000'
finds "amount=900" "$small" 'amount=900'
finds "due<today" "$tover" 'due<today'
finds "due>today" "$tfut" 'due>today'
finds "due<=tomorrow" "$tover $tfut" 'due<=tomorrow'
finds "created<2021-01-01" "$pv" 'created<2021-01-01'
finds "created>=2021-01-01" "$(echo "$all" | sed "s/$pv //")" 'created>=2021-01-01'
finds "updated>-7d" "$(echo "$all" | sed "s/$pv //")" 'updated>-7d'
finds "updated<-7d" "$pv" 'updated<-7d'
finds "has:phone" "$iv $jo" has:phone
finds "has:email" "$al" has:email
finds "no:task among contacts" "$pv $al $jo $ma $ze $ol" type:contact no:task
finds "has:task" "$iv $acme" has:task
finds "custom field industry:retail" "$acme" industry:retail
finds "custom field industry:wholesale" "$glob" industry:wholesale
finds "has:industry" "$acme $glob" has:industry
finds "name:text" "$jo" name:smi

# --- regular expressions -------------------------------------------------------
finds "/^иванов/ (caseless, start of the text)" "$iv" '/^иванов/'
finds "/\\+7 \\(495\\)/" "$iv" '/\+7 \(495\)/'
finds "/\\w+ов\\b/ (\\w matches Cyrillic)" "$iv" '/\w+ов\b/'
finds "/regex/ with a field term" "$big" '/^supply/ type:deal'
finds "/regex/ with an escaped slash" "" '/a\/b/'

# --- and / or / not / parentheses ---------------------------------------------
finds "implicit and" "$al $jo $ze" tag:vip owner:bob
finds "explicit and, capitals" "$al $jo $ze" tag:vip AND owner:bob
finds "or" "$iv $al $jo $ze $ma" tag:vip or tag:cold
finds "OR in capitals" "$iv $al $jo $ze $ma" tag:vip OR tag:cold
finds "-term" "$iv" tag:vip -owner:bob
finds "not term" "$iv" tag:vip not owner:bob
finds "and binds tighter than or" "$big $ma" 'stage:won or tag:cold owner:bob'
finds "parentheses" "$ma" '(stage:won or tag:cold) owner:bob'
finds "-( ... )" "$small $mid" 'type:deal -(stage:won or stage:lost)'
finds "stage!=won includes records with no stage" "$small $mid" 'type:deal stage!=won'
finds "not with free text" "$ze" 'tag:vip owner:bob not rashad not smith'
finds "quoted keyword is text" "$ol" '"or"'

# --- ranking ----------------------------------------------------------------------
run --format ids search petrovsky
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$pv $ol " "a name match ranks before a newer note-only match"
run --format ids search fair
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$ol $pv " "without name matches, the most recently updated first"

# --- --limit and the "N more" message -------------------------------------------
run --format ids search type:contact --limit 2
is "$rc" 0 "--limit exits 0"
is "$(printf '%s\n' "$out" | grep -c .)" 2 "--limit 2 prints 2 results"
run search type:contact --limit 2
is "$(printf '%s\n' "$out" | tail -n +2 | grep -c .)" 2 "table: --limit 2 prints 2 rows"
like "$err" "^crm: 5 more" "table: --limit 2 of 7 says '5 more' on stderr"
run --format ids search type:contact --limit 0
is "$out" "" "--limit 0 prints nothing"
run --format ids search type:contact
is "$err" "" "no 'more' message when all are shown"
run search type:contact --limit x
is "$rc" 2 "--limit x exits 2"

# --- output formats ----------------------------------------------------------------
run --format json search tag:vip --limit 3
is "$rc" 0 "json exits 0"
is "$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = d["results"]
print(d["format_version"], d["total"], len(r), all(set(x) >= {"type", "id", "name", "match"} for x in r))')" \
	"1 4 3 True" "json: format_version 1, total 4, 3 results with type/id/name/match"
run --format json search иван
is "$(printf '%s' "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)["results"][0]
print(r["type"], r["id"], r["name"])')" "contact $iv Иванов Пётр" "json result: type, id and name unescaped"
run --format json search zzzqqq
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"], d["results"])')" "0 []" "json of no match: total 0, no results"
run --format csv search tag:vip
is "$rc" 0 "csv exits 0"
is "$(printf '%s\n' "$out" | python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
print(rows[0][:3], len(rows) - 1, sorted(r[1] for r in rows[1:]) == sorted(sys.argv[1:]))' $iv $al $jo $ze)" \
	"['TYPE', 'ID', 'NAME'] 4 True" "csv: header and 4 rows with the ids"
run --format tsv search tag:vip
is "$rc" 0 "tsv exits 0"
is "$(printf '%s\n' "$out" | head -1 | cut -f1-3)" "$(printf 'TYPE\tID\tNAME')" "tsv header"
is "$(printf '%s\n' "$out" | tail -n +2 | cut -f2 | LC_ALL=C sort | tr '\n' ' ')" "$(sorted $iv $al $jo $ze) " "tsv rows carry the ids"
run --format ids search tag:vip
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 4 "ids: one id a line"
run search иван
is "$rc" 0 "table exits 0"
like "$(printf '%s\n' "$out" | head -1)" "^TYPE +ID +NAME" "table header"
like "$out" "contact +$iv +Иванов Пётр" "table row: type, id, name"
case "$out" in *$'\033['*) ok 1 "no colour when not on a terminal" ;; *) ok 0 "no colour when not on a terminal" ;; esac

# --- crm list TYPE QUERY ---------------------------------------------------------
is "$(listed contact owner:bob tag:vip)" "$(sorted $al $jo $ze)" "list contact owner:bob tag:vip"
is "$(listed contacts 'owner:bob' 'tag:vip')" "$(sorted $al $jo $ze)" "list contacts (plural) with a query"
run --format ids list contact owner:bob tag:vip --sort name
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$al $jo $ze " "list --sort name (Ə sorts as E)"
run --format ids list contact owner:bob tag:vip --sort name --reverse
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$ze $jo $al " "list --sort name --reverse"
run --format ids list contact owner:bob tag:vip --sort name --limit 2
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$al $jo " "list --sort name --limit 2"
run --format ids list deal --sort amount
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$small $mid $big " "list deal --sort amount"
run --format ids list deal 'amount>=1000' --sort amount --reverse --limit 1
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$big " "list deal amount>=1000 --sort amount --reverse --limit 1"
is "$(listed task 'due<today')" "$tover" "list task due<today"
is "$(listed company industry:retail)" "$acme" "list company industry:retail"
is "$(listed company no:task)" "$glob" "list company no:task"
is "$(listed contact иван)" "$iv" "list contact with free text"
is "$(listed deal иван)" "" "list deal: free text limited to the type"
run --format json list contact tag:vip owner:bob
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["format_version"], d["type"], len(d["records"]))')" \
	"1 contact 3" "list json with a query"
run list contact stge:won
is "$rc" 2 "list with a bad query exits 2"

# --- query errors -------------------------------------------------------------------
run search stge:won
is "$rc" 2 "unknown field exits 2"
is "$err" "crm: error: query: column 1: unknown field 'stge' (did you mean 'stage'?)" "unknown field: message with column and hint"
is "$out" "" "unknown field: nothing on stdout"
run search owner:ann stge:won
like "$err" "^crm: error: query: column 11: unknown field 'stge'" "the column counts from the start of the joined query"
run search 'иван stge:won'
like "$err" "^crm: error: query: column 6: " "columns count characters, not bytes"
run search '(tag:vip or tag:cold'
is "$rc" 2 "unclosed parenthesis exits 2"
like "$err" "^crm: error: query: column 1: .*\\(" "unclosed parenthesis: message with column"
run search 'tag:vip)'
is "$rc" 2 "unopened parenthesis exits 2"
like "$err" "^crm: error: query: column 8: " "unopened parenthesis: message with its column"
run search 'due<2026-13-45'
is "$rc" 2 "bad date exits 2"
like "$err" "^crm: error: query: column 5: .*'2026-13-45'" "bad date: column and the date quoted"
run search 'amount>=12x'
is "$rc" 2 "bad number exits 2"
like "$err" "^crm: error: query: column 9: .*'12x'" "bad number: column and the number quoted"
run search 'tag:vip /a(/'
is "$rc" 2 "bad regex exits 2"
like "$err" "^crm: error: query: column (9|10): regular expression.*(column|offset) [0-9]+" "bad regex: the column of the term and within the pattern"
run search 'company:nosuch'
is "$rc" 3 "company:nosuch exits 3"
like "$err" "^crm: error: .*'nosuch'" "company:nosuch: names the reference"
run search "$(printf 'ab\377cd')"
is "$rc" 2 "invalid UTF-8 in the query exits 2"
like "$err" "^crm: error: query: .*UTF-8" "invalid UTF-8: clear message"
run search and
is "$rc" 2 "a lone 'and' exits 2"
like "$err" "^crm: error: query: column 1: " "a lone 'and': column"
run search 'tag:vip or'
is "$rc" 2 "a trailing 'or' exits 2"

# --- hostile queries ------------------------------------------------------------
n_before=$(found type:contact | wc -w)
run search "'; DROP TABLE records; --"
is "$rc" 0 "SQL metacharacters are just text: exit 0"
is "$out" "$(printf 'TYPE  ID  NAME  MATCH')" "SQL metacharacters: no match, header only"
run search '"x OR 1=1 --"'
is "$rc" 0 "a quoted phrase with SQL in it is text"
is "$(found "x' OR '1'='1")" "" "x' OR '1'='1 matches nothing"
is "$(found type:contact | wc -w)" "$n_before" "store intact after SQL metacharacters"
finds "index still answers after SQL metacharacters" "$iv" иван
store_clean "after hostile queries"

aa=$("$CRM" add contact "$(printf 'a%.0s' $(seq 40))b")
start=$(date +%s)
out=$(timeout 20 "$CRM" search '/(a+)+$/' 2>"$TEST_ROOT/re.err")
rc=$?
end=$(date +%s)
ok "$([ "$rc" -ne 124 ] && [ $((end - start)) -le 5 ] && echo 0 || echo 1)" "catastrophic regex finishes within 5 s (rc $rc, $((end - start)) s)"
ok "$([ "$rc" -eq 0 ] || { [ "$rc" -eq 2 ] && grep -q '^crm: error: .*too complex' "$TEST_ROOT/re.err"; } && echo 0 || echo 1)" \
	"catastrophic regex: an answer or 'too complex' (rc $rc: $(head -c 200 "$TEST_ROOT/re.err"))"
start=$(date +%s)
timeout 20 "$CRM" --format ids search '/^(a|a)*c/' >/dev/null 2>&1
rc=$?
end=$(date +%s)
ok "$([ "$rc" -ne 124 ] && [ "$rc" -lt 128 ] && [ $((end - start)) -le 5 ] && echo 0 || echo 1)" "exponential alternation regex finishes (rc $rc)"
finds "a plain regex over the same record still works" "$aa" '/a{40}b/'

big_q=$(head -c 102400 /dev/zero | tr '\0' x)
run search "$big_q"
is "$rc" 2 "a 100 KB query exits 2"
like "$err" "^crm: error: query: .*(long|4096)" "a 100 KB query: clear message"
is "$(printf '%s\n' "$err" | wc -l | tr -d ' ')" 1 "a 100 KB query: one line of error"
# many terms, well within 4096 bytes: an answer, or a clear query error
many=$(for i in $(seq 300); do printf 'w%d ' "$i"; done)
# shellcheck disable=SC2086
run search $many
ok "$( { [ "$rc" -eq 0 ] || { [ "$rc" -eq 2 ] && [[ $err == "crm: error: query: "* ]]; }; } && echo 0 || echo 1)" \
	"300 words (1.5 KB): an answer or a query error, not an index error (exit $rc: $err)"
many=$(for i in $(seq 100); do printf 'tag:t%d or ' "$i"; done)
# shellcheck disable=SC2086
run --format ids search $many tag:vip
ok "$( { [ "$rc" -eq 0 ] || { [ "$rc" -eq 2 ] && [[ $err == "crm: error: query: "* ]]; }; } && echo 0 || echo 1)" \
	"101 terms joined by or: an answer or a query error, not an index error (exit $rc: $err)"
[ "$rc" -eq 0 ] && is "$(sorted $out)" "$(sorted $iv $al $jo $ze)" "101 terms joined by or: the answer"
long_re="/$(head -c 2000 /dev/zero | tr '\0' a)/"
run search "$long_re"
is "$rc" 2 "a regex longer than 1000 bytes exits 2"
deep=$(printf '(%.0s' $(seq 100))x$(printf ')%.0s' $(seq 100))
run search "$deep"
is "$rc" 2 "100 nested parentheses exit 2"
like "$err" "^crm: error: query: " "deep nesting: clear message"
run search "$(printf 'not %.0s' $(seq 100))x"
is "$rc" 2 "100 nots exit 2"
run search ''
is "$rc" 0 "an empty query exits 0"

# --- crm show with a name prefix ----------------------------------------------------
run show иванов
is "$rc" 0 "show with a lowercase name prefix"
like "$out" "Иванов Пётр" "show иванов shows Иванов Пётр"
like "$out" "$iv" "show иванов: the id"
run show ACME
is "$rc" 0 "show with a capitalised prefix"
like "$out" "Acme Ltd" "show ACME shows Acme Ltd"
run show "əliyev r"
is "$rc" 0 "show with a prefix holding a space"
like "$out" "Əliyev Rəşad" "show 'əliyev r' shows Əliyev Rəşad"
"$CRM" add company "Acme Systems" >/dev/null
run show acme
is "$rc" 4 "an ambiguous prefix exits 4"
like "$err" "Acme Ltd" "ambiguous prefix lists the candidates"
run show "Acme Ltd"
is "$rc" 0 "an exact name still resolves when a prefix is ambiguous"
run show nosuchname
is "$rc" 3 "an unknown name exits 3"

# --- ranking without words: by update, not by row -----------------------------------
# the newer record is committed first, so it has the lower row
mkdir -p contacts/rn
for n in 1:2024 2:2019; do
	cat >"contacts/rn/rnk000000${n%%:*}.yaml" <<EOF
id: rnk000000${n%%:*}
name: Rank Test ${n%%:*}
tags:
- ranktest
created: '${n#*:}-03-01T10:00:00+03:00'
updated: '${n#*:}-03-01T10:00:00+03:00'
EOF
	"$CRM" commit -m "rank test ${n%%:*}" >/dev/null
done
run --format ids search tag:ranktest
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "rnk0000001 rnk0000002 " "field terms only: the most recently updated first"
"$CRM" reindex >/dev/null 2>&1
run --format ids search tag:ranktest
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "rnk0000001 rnk0000002 " "the same order after a rebuild"
store_clean "end"

done_testing
