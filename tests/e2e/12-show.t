#!/bin/bash
# crm show: the readable form with what hangs on a record, --format json
# and yaml, reference resolution and its errors.
. "$(dirname "$0")/lib.sh"

# jfield JSON KEY: a field of a JSON object
jfield() {
	printf '%s' "$1" | python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); sys.stdout.write(v if isinstance(v,str) else json.dumps(v, ensure_ascii=False))' "$2"
}

new_store show
co=$("$CRM" add company "Acme Ltd" --phone "+7 495 123-45-67" --email info@acme.example --tag vip --set industry=retail)
ct=$("$CRM" add contact "Иван Петров" --company "Acme Ltd" --role accountant --phone "+7 916 000-00-00")
ct2=$("$CRM" add contact "John Smith" --company "Acme Ltd" --role buyer)
de=$("$CRM" add deal "Supply 2027" --company "Acme Ltd" --contact "Иван Петров" --amount 1500000 --stage lead)
"$CRM" set "Supply 2027" stage=proposal >/dev/null
ta=$("$CRM" add task "Call the buyer" --for "Acme Ltd" --due 2026-12-01)
td=$("$CRM" add task "Send the offer" --for "Supply 2027" --due 2026-12-02)
tc=$("$CRM" add task "Congratulate" --for "Иван Петров" --due 2026-12-03)
store_clean "setup"

# --- company ---
run show "Acme Ltd"
is "$rc" 0 "show company exits 0"
is "$err" "" "show company: nothing on stderr"
like "$out" "Acme Ltd" "company name shown"
like "$out" "$co" "company id shown"
like "$out" "\+7 495 123-45-67" "company phone shown"
like "$out" "info@acme.example" "company e-mail shown"
like "$out" "vip" "company tag shown"
like "$out" "industry +retail" "custom field shown"
like "$out" "Иван Петров" "company's contact (Cyrillic) shown"
like "$out" "John Smith" "company's second contact shown"
like "$out" "Supply 2027" "company's deal shown"
like "$out" "Call the buyer" "company's open task shown"
like "$out" "[Cc]ontacts" "a Contacts section"
like "$out" "[Dd]eals" "a Deals section"
like "$out" "open task +Call the buyer" "the open task in the timeline"

# --- deal ---
run show "Supply 2027"
is "$rc" 0 "show deal exits 0"
like "$out" "company +Acme Ltd" "deal's company shown by name"
like "$out" "contact +Иван Петров" "deal's contact shown by name"
like "$out" "stage +Proposal \(proposal\)" "deal's stage shown"
like "$out" "1500000" "deal's amount shown"
like "$out" "Timeline:" "the stage changes are in the timeline"
hist=$(printf '%s\n' "$out" | sed -n '/^Timeline:/,/^$/p')
like "$hist" "ann +stage +Lead \(lead\)" "the timeline has the stage lead"
like "$hist" "ann +stage +Proposal \(proposal\)" "the timeline has proposal by ann"
like "$out" "Send the offer" "deal's task shown"

# --- contact ---
run show "Иван Петров"
is "$rc" 0 "show contact by Cyrillic name exits 0"
like "$out" "company +Acme Ltd" "contact's company by name"
like "$out" "Supply 2027" "contact's deal shown"
like "$out" "Congratulate" "contact's task shown"

# --- task ---
run show "$ta"
is "$rc" 0 "show task exits 0"
like "$out" "Call the buyer" "task name shown"
like "$out" "for +Acme Ltd" "task's parent shown by name"
like "$out" "2026-12-01" "task due shown"

# --- json ---
run --format json show "$de"
is "$rc" 0 "show --format json exits 0"
printf '%s' "$out" | python3 -m json.tool >/dev/null 2>&1
ok $? "show --format json is valid JSON"
is "$(jfield "$out" id)" "$de" "json id"
is "$(jfield "$out" name)" "Supply 2027" "json name"
is "$(jfield "$out" company)" "$co" "json company id"
is "$(jfield "$out" contact)" "$ct" "json contact id"
is "$(jfield "$out" stage)" proposal "json stage"
is "$(jfield "$out" amount)" 1500000 "json amount is a number"
is "$(jfield "$out" owner)" ann "json owner"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(",".join(e["stage"]+"/"+e["by"] for e in json.load(sys.stdin)["stage_history"]))')" \
	"lead/ann,proposal/ann" "json stage_history"
run --format json show "Acme Ltd"
printf '%s' "$out" | python3 -m json.tool >/dev/null 2>&1
ok $? "company json is valid"
is "$(jfield "$out" phones)" '["+74951234567"]' "json phones is a list of E.164 strings"
is "$(jfield "$out" phones_typed)" '{"+74951234567": "+7 495 123-45-67"}' \
	"json phones_typed maps each to the number as typed"
is "$(jfield "$out" industry)" retail "json has the custom field"
run --format json show "Иван Петров"
is "$(jfield "$out" name)" "Иван Петров" "json Cyrillic name"

# --- yaml ---
for r in "$co" "$ct" "$de" "$ta"; do
	case $r in "$co") t=company ;; "$ct") t=contact ;; "$de") t=deal ;; *) t=task ;; esac
	"$CRM" --format yaml show "$r" >"$TEST_ROOT/y.out"
	cmp -s "$TEST_ROOT/y.out" "$(file_of $t "$r")"
	ok $? "--format yaml prints the $t file's bytes"
done

# --- references ---
run --format json show "${de:0:4}"
is "$(jfield "$out" id)" "$de" "4-char prefix resolves"
upper=$(printf '%s' "${de:0:6}" | tr a-z A-Z)
run --format json show "$upper"
is "$rc" 0 "uppercase prefix accepted"
is "$(jfield "$out" id)" "$de" "uppercase prefix resolves"
run --format json show "$de"
is "$(jfield "$out" id)" "$de" "full id resolves"
# a 2-char prefix: unique or ambiguous, check against the ids
all=$(git ls-files companies contacts deals tasks | sed 's|.*/||; s|\.yaml$||')
p2=${ta:0:2}
nmatch=$(printf '%s\n' "$all" | grep -c "^$p2")
run --format json show "$p2"
if [ "$nmatch" -eq 1 ]; then
	is "$(jfield "$out" id)" "$ta" "2-char prefix resolves"
else
	is "$rc" 4 "2-char prefix shared by $nmatch records is ambiguous"
fi
# make an ambiguous prefix for sure: add companies until two ids share a first char
declare -A seen
for i in $(seq 1 40); do
	id=$("$CRM" add company "Filler $i")
	c=${id:0:1}
	if [ -n "${seen[$c]:-}" ]; then a1=${seen[$c]}; a2=$id; break; fi
	seen[$c]=$id
done
# the shared prefix of a1 and a2
pre=${a1:0:1}
while [ "${a1:0:$((${#pre} + 1))}" = "${a2:0:$((${#pre} + 1))}" ]; do pre=${a1:0:$((${#pre} + 1))}; done
run show "$pre"
is "$rc" 4 "ambiguous prefix '$pre' exits 4"
like "$err" "company +${a1:0:4}[0-9a-z]* +Filler" "first candidate listed (short id)"
like "$err" "company +${a2:0:4}[0-9a-z]* +Filler" "second candidate listed (short id)"
like "$err" "^crm: error: .*ambiguous" "message says ambiguous"
run show "Filler 1"
is "$rc" 0 "exact name resolves"
run show "Filler"
is "$rc" 4 "a name prefix shared by several records is ambiguous (exit 4)"
run show "иван пет"
is "$rc" 0 "show: an unambiguous case-insensitive name prefix resolves"
like "$out" "Иван Петров" "show: the name prefix found the contact"
run set "иван пет" role=boss
is "$rc" 0 "other commands take a name prefix too"
run show nosuch
is "$rc" 3 "unknown ref exits 3"
like "$err" "^crm: error: .*'nosuch'" "unknown ref quoted in the message"
run show zzzzzzzzzz
is "$rc" 3 "unknown full-length id exits 3"
run show
is "$rc" 2 "show without argument exits 2"
run show "$co" "$de"
is "$rc" 2 "show with two arguments exits 2"
run --format csv show "$co"
is "$rc" 2 "show --format csv is a bad format (exit 2)"
run show --bogus "$co"
is "$rc" 2 "show with an unknown option exits 2"
store_clean "after show"

done_testing
