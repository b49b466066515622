#!/bin/bash
# crm dupes and crm merge: the pairs of records that are the same client
# (phone, e-mail, tax id, name across scripts) with their reasons; a
# merge re-points contacts, deals, tasks and timeline values to the
# record kept, notes merged_from, keeps the old ids resolving, is one
# commit that crm undo takes back; --dry-run and every refusal write
# nothing.
. "$(dirname "$0")/lib.sh"

# nothing_written N WHAT: no commit since N, and a clean work tree.
nothing_written() {
	is "$(commits)" "$1" "$2: no commit"
	is "$(git status --porcelain)" "" "$2: nothing in the work tree"
}

# pair SCORE A B REASON: the line of $out of the pair of A and B (either
# order) with that score and reason, or nothing.
pair() {
	printf '%s\n' "$out" | grep -E "^ +$1 " | grep -F -- "$2" | grep -F -- "$3" |
		grep -F -- "$4"
}

# one_line WHAT: $err is one line starting "crm: error: ".
one_line() {
	like "$err" "^crm: error: " "$1: an error"
	is "$(printf '%s\n' "$err" | wc -l | tr -d ' ')" 1 "$1: one line"
}

new_store dupes
c1=$("$CRM" add company "ООО «Ромашка»" --phone "+7 495 123-45-67" \
	--tax_id "7701 234 567")
c2=$("$CRM" add company "Romashka LLC" --phone "8 (495) 123 45 67")
c3=$("$CRM" add company "Вектор" --phone "+7 812 123-45-67" \
	--relation competitor)
k1=$("$CRM" add contact "Иванов Иван" --company "$c1" --role accountant \
	--email Ivan@Romashka.ru)
k2=$("$CRM" add contact "Ivan Ivanov" --company "$c2" --role director \
	--email ivan@romashka.ru --phone "+7 903 555-12-34" --tag vip)
k3=$("$CRM" add contact "Məmmədov Əli" --phone "+994 50 321 65 87")
k4=$("$CRM" add contact "Ali Mammadov")
d1=$("$CRM" add deal "Поставка" --company "$c2" --contact "$k2" \
	--competitor "$c3")
t1=$("$CRM" add task "Позвонить" --for "$k2" --due tomorrow)
"$CRM" call "$k2" "Обсудили скидку" >/dev/null
# a timeline entry that names the contact (a hand edit)
"$CRM" note "$d1" "Встреча с Иваном" >/dev/null
printf '  with: %s\n' "$k2" >>"$(file_of deal "$d1")"
"$CRM" commit >/dev/null || echo "Bail out! hand edit"
for i in 1 2 3 4 5 6; do
	"$CRM" add contact "Reception $i" --phone "+7 495 000-00-00" >/dev/null
done
store_clean "setup"

# --- dupes -------------------------------------------------------------------
run dupes
is "$rc" 0 "dupes exits 0"
like "$out" "^SCORE +ID +NAME +OTHER ID +OTHER NAME +REASON" "dupes: a table"
ok "$([ -n "$(pair 100 "$k1" "$k2" "e-mail ivan@romashka.ru")" ]; echo $?)" \
	"an e-mail in another case, and the name transliterated: 100"
ok "$([ -n "$(pair 55 "$k3" "$k4" "name ali mammadov")" ]; echo $?)" \
	"an Azerbaijani name and its Latin spelling: 55"
ok "$(printf '%s\n' "$out" | grep -c Reception | grep -qx 0; echo $?)" \
	"a number six contacts share makes no pair"
is "$(printf '%s\n' "$out" | sed -n 2p | awk '{print $1}')" 100 "best first"
run dupes --min-score 90
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2 "--min-score leaves the weaker pairs out"
run dupes company
ok "$([ -n "$(pair 95 "$c1" "$c2" "phone +74951234567")" ]; echo $?)" \
	"companies: one number typed two ways, and the name: 95"
ok "$(printf '%s\n' "$out" | grep -q "$c3"; [ $? -eq 1 ]; echo $?)" \
	"the same last seven digits in another city are no match"
run dupes contact company:"$c1"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2 "a query keeps the pairs of the records it selects"
run --format json dupes company
is "$rc" 0 "dupes --format json exits 0"
is "$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); p=d["pairs"][0]; print(d["count"], p["score"], " ".join(sorted([p["id"], p["other_id"]])), p["reason"])')" \
	"1 95 $(printf '%s\n' "$c1" "$c2" | sort | tr '\n' ' ')phone +74951234567" "json: the pair and its reason"
run --format csv dupes company
is "$(printf '%s\n' "$out" | head -1)" "SCORE,ID,NAME,OTHER ID,OTHER NAME,REASON" "csv header"
run dupes deal
is "$rc" 2 "dupes of deals is a usage error"
run dupes 'tag:('
is "$rc" 2 "a bad query is a usage error"
store_clean "dupes"

# --- merge --dry-run -----------------------------------------------------------
n=$(commits)
before=$(cat "$(file_of contact "$k1")")
run merge "$k1" "$k2" --dry-run
is "$rc" 0 "merge --dry-run exits 0"
like "$out" "would merge contact ${k2:0:4} 'Ivan Ivanov' into ${k1:0:4} 'Иванов Иван'" \
	"dry run: says what it would merge"
like "$out" "kept role: 'accountant' \(not 'director'\)" "dry run: the conflicts"
like "$out" "would re-point deal ${d1:0:4} 'Поставка'" "dry run: the deal"
like "$out" "would re-point task ${t1:0:4} 'Позвонить'" "dry run: the task"
nothing_written "$n" "dry run"
is "$(cat "$(file_of contact "$k1")")" "$before" "dry run: the kept file is the same"

# --- merge -----------------------------------------------------------------------
run merge "$k1" "$k2"
is "$rc" 0 "merge exits 0"
like "$out" "merged contact ${k2:0:4} 'Ivan Ivanov' into ${k1:0:4}" "merge says what it merged"
is "$(commits)" $((n + 1)) "merge is one commit"
is "$(git log -1 --format=%s)" "merge ${k1:0:4}: 2 records" "the commit's subject"
ok "$([ ! -e "$(file_of contact "$k2")" ]; echo $?)" "the other file is removed"
f=$(file_of contact "$k1")
like "$(cat "$f")" "merged_from:
- '?$k2'?" "merged_from names the other"
like "$(cat "$f")" "role: accountant" "the kept role stays"
like "$(cat "$f")" "- '\+79035551234'" "the other's phone is added (in E.164)"
is "$(grep -c -i 'ivan@romashka.ru' "$f")" 1 "the same e-mail in another case is not added twice"
like "$(cat "$f")" "text: Обсудили скидку" "the other's timeline is united"
like "$(cat "$(file_of deal "$d1")")" "contact: '?$k1'?" "the deal's contact is re-pointed"
like "$(cat "$(file_of task "$t1")")" "for: '?$k1'?" "the task is re-pointed"
like "$(cat "$(file_of deal "$d1")")" "with: '?$k1'?" "a timeline entry naming the other is re-pointed"
store_clean "merge"

# --- the old id still names the record kept ---------------------------------------
run show "$k2"
is "$rc" 0 "show of the merged id exits 0"
like "$out" "^Иванов Иван +contact $k1" "show of the merged id shows the kept record"
is "$err" "crm: '$k2' was merged into $k1" "and says so on stderr"
run show "${k2:0:6}"
like "$out" "^Иванов Иван" "a prefix of the merged id too"
run list deal contact:"$k2"
like "$out" "Поставка" "a query's reference takes the merged id"
run note "$k2" "after the merge"
is "$rc" 0 "a command that writes takes the merged id"
like "$(cat "$f")" "text: after the merge" "and writes to the kept record"
run list contact merged_from:"$k2"
like "$out" "$k1" "merged_from is queried"

# --- undo -----------------------------------------------------------------------------
"$CRM" undo >/dev/null 2>&1
run undo
is "$rc" 0 "undo of the merge exits 0"
like "$out" "merge ${k1:0:4}: 2 records" "undo names the merge"
ok "$([ -e "$(file_of contact "$k2")" ]; echo $?)" "undo brings the other file back"
like "$(cat "$(file_of deal "$d1")")" "contact: '?$k2'?" "undo: the deal names the other again"
like "$(cat "$(file_of task "$t1")")" "for: '?$k2'?" "undo: and the task"
ok "$(grep -q merged_from "$f"; [ $? -eq 1 ]; echo $?)" "undo: merged_from is gone"
run show "$k2"
like "$out" "^Ivan Ivanov" "undo: the other id names its own record again"
store_clean "undo"

# --- companies, and several at once -------------------------------------------------------
n=$(commits)
c4=$("$CRM" add company "ЗАО Ромашка")
run merge "$c1" "$c2" "$c4"
is "$rc" 0 "merge of three companies exits 0"
is "$(git log -1 --format=%s)" "merge ${c1:0:4}: 3 records" "three records in the subject"
like "$(cat "$(file_of contact "$k2")")" "company: '?$c1'?" "the contact's company is re-pointed"
like "$(cat "$(file_of deal "$d1")")" "company: '?$c1'?" "the deal's company is re-pointed"
run merge "$c3" "$c1" --dry-run
is "$rc" 0 "a dry run of a merge of the kept one"
store_clean "companies"

# --- deals, and a custom reference --------------------------------------------------------
cat >>crm.yaml <<'YAML'
fields:
  referrer: {kind: ref, types: [company]}
YAML
git commit -qam "declare a custom reference"
"$CRM" set "$c3" referrer="$c1" >/dev/null
cx=$("$CRM" add company "Partner")
"$CRM" set "$cx" referrer="$c3" >/dev/null
run merge "$c1" "$c3"
is "$rc" 0 "merge of a company named by a custom reference"
like "$(cat "$(file_of company "$cx")")" "referrer: '?$c1'?" "the custom reference is re-pointed"
e1=$("$CRM" add deal "Big deal" --stage lead)
e2=$("$CRM" add deal "Big deal 2" --stage lead --amount 5000)
"$CRM" deal move "$e2" proposal >/dev/null
ta=$("$CRM" add task "Send the offer" --for "$e2" --due tomorrow)
run merge "$e1" "$e2"
is "$rc" 0 "merge of two deals"
like "$(cat "$(file_of deal "$e1")")" "amount: 5000" "the other deal's amount fills the empty one"
is "$(grep -c '^- id:' "$(file_of deal "$e1")")" 3 "both stage histories, united by entry id"
like "$(cat "$(file_of deal "$e1")")" "stage: lead" "the kept deal's stage stays"
like "$(cat "$(file_of task "$ta")")" "for: '?$e1'?" "the other deal's task is re-pointed"
store_clean "deals"

# --- refusals ---------------------------------------------------------------------------------
n=$(commits)
run merge "$k1"
is "$rc" 2 "one record only: usage error"
nothing_written "$n" "one record"
run merge "$k1" zzzzzzzzzz
is "$rc" 3 "an unknown other exits 3"
one_line "unknown other"
nothing_written "$n" "unknown other"
run merge "$k1" Reception
is "$rc" 4 "an ambiguous other exits 4"
like "$err" "^crm: error: .*ambiguous|matches" "an ambiguous reference says so"
nothing_written "$n" "ambiguous other"
run merge "$k1" "$c1"
is "$rc" 2 "records of two types: usage error"
one_line "two types"
nothing_written "$n" "two types"
run merge "$k1" "$k3" "$k1"
is "$rc" 2 "KEEP among the others: usage error"
one_line "keep among the others"
nothing_written "$n" "keep among the others"
run merge "$k1" "$k3" "$k3"
is "$rc" 2 "a record named twice: usage error"
one_line "named twice"
run merge "$k1" "$(printf 'bad\377name')"
is "$rc" 2 "invalid UTF-8: usage error"
like "$err" "^crm: error: .*UTF-8" "invalid UTF-8: said"
nothing_written "$n" "invalid UTF-8"
run dupes "$(printf 'bad\377')"
ok "$([ "$rc" -ne 0 ]; echo $?)" "dupes: invalid UTF-8 in the query fails"

python3 -c '
import fcntl, sys, time
f = open(".git/crm/lock", "a+")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[1], "w").close()
time.sleep(20)
' "$TEST_ROOT/held" &
holder=$!
for _ in $(seq 100); do [ -e "$TEST_ROOT/held" ] && break; sleep 0.05; done
out=$(CRM_LOCK_TIMEOUT=1 "$CRM" merge "$k1" "$k3" 2>"$TEST_ROOT/err")
rc=$?
err=$(cat "$TEST_ROOT/err")
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
is "$rc" 5 "a locked store exits 5"
one_line "locked store"
nothing_written "$n" "locked store"

# --- help, Russian ---------------------------------------------------------------------------
run help merge
like "$out" "KEEP OTHER" "help merge"
run help dupes
like "$out" "min-score" "help dupes"
out=$(LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 "$CRM" merge "$k1" "$k3" --dry-run 2>&1)
like "$out" "объединил|объединит|будет" "merge speaks Russian"

done_testing
