#!/bin/bash
# crm add: every type with its options, the canonical file, names and
# quoting, references, and argument errors.
. "$(dirname "$0")/lib.sh"

tdir() {
	case $1 in
	company) echo companies ;; contact) echo contacts ;;
	deal) echo deals ;; task) echo tasks ;;
	esac
}
# file_of TYPE ID: the path of a record's file
# norm FILE ID: the file with the id, created/updated and history times
# replaced by placeholders
TS="'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}'"
norm() {
	sed -E -e "s/^id: '?$2'?\$/id: ID/" \
		-e "s/^(created|updated): $TS\$/\\1: TIME/" \
		-e "s/^  at: $TS\$/  at: TIME/" "$1"
}
# ypy FILE KEY: a top-level key of a YAML file as read by python's yaml
ypy() {
	python3 -c 'import yaml,sys; v=yaml.safe_load(open(sys.argv[1], encoding="utf-8")).get(sys.argv[2]); sys.stdout.write(v if isinstance(v,str) else repr(v))' "$1" "$2"
}
# ypyr FILE KEY: the repr() of a top-level key as read by python's yaml
ypyr() {
	python3 -c 'import yaml,sys; print(repr(yaml.safe_load(open(sys.argv[1], encoding="utf-8")).get(sys.argv[2])))' "$1" "$2"
}
# jshow REF KEY: a field of `crm --format json show REF`
jshow() {
	"$CRM" --format json show "$1" | python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); sys.stdout.write(v if isinstance(v,str) else json.dumps(v, ensure_ascii=False))' "$2"
}
# nochange N DESC: no commit since N, store clean
nochange() {
	is "$(commits)" "$1" "$2: no commit"
	is "$(git status --porcelain)" "" "$2: nothing written"
}

new_store add
# a second user, added by hand with plain git
sed -i 's/^  email: ann@example.com$/&\n- login: bob\n  name: Bob Jones\n  email: bob@example.com/' crm.yaml
git commit -qam "add bob" || exit 1
base=$(commits)

# --- company, every option, exact canonical file ---
run add company "ООО «Ромашка»" --phone "+7 495 123-45-67" --phone "8 800 555-35-35" \
	--email info@romashka.example --email sales@romashka.example \
	--owner bob --tag vip --tag wholesale --source exhibition \
	--set website=https://romashka.example \
	--set address=$'12 Main Street\nSpringfield\n' --set industry=retail
is "$rc" 0 "add company exits 0"
co=$out
like "$co" '^[0-9abcdefghjkmnpqrstvwxyz]{10}$' "add prints a 10-char Crockford base32 id"
is "$err" "" "add company prints nothing on stderr"
f=$(file_of company "$co")
ok "$([ -f "$f" ]; echo $?)" "file at companies/xx/ID.yaml"
want="id: ID
name: ООО «Ромашка»
owner: bob
phones:
- '+74951234567'
- '+78005553535'
phones_typed:
  '+74951234567': '+7 495 123-45-67'
  '+78005553535': '8 800 555-35-35'
emails:
- info@romashka.example
- sales@romashka.example
website: https://romashka.example
address: |
  12 Main Street
  Springfield
source: exhibition
tags:
- vip
- wholesale
created: TIME
updated: TIME
industry: retail"
is "$(norm "$f" "$co")" "$want" "company file has the exact canonical content"
like "$(grep '^created:' "$f")" "^created: $TS\$" "created is a quoted date-time with offset"
is "$(grep '^created:' "$f" | cut -d' ' -f2)" "$(grep '^updated:' "$f" | cut -d' ' -f2)" "created equals updated on a new record"
is "$(commits)" $((base + 1)) "add makes one commit"
like "$(git log -1 --format=%s)" "^company ${co:0:4}: add ООО «Ромашка»$" "commit subject names the record"
is "$(git log -1 --format='%an <%ae>')" "Ann Smith <ann@example.com>" "commit authored by the current user"
is "$(git show --stat --format= HEAD | grep -c '|')" 1 "the commit touches one file"
store_clean "add company"
is "$(ypyr "$f" address)" "'12 Main Street\\nSpringfield\\n'" "multi-line address reads back in python yaml"

# --- contact, every option ---
run add contact "John Smith" --company "ООО «Ромашка»" --role accountant \
	--phone "+7 916 000-00-00" --email john@example.com --birthday 1980-05-06 \
	--source web --tag a --tag b --owner ann
is "$rc" 0 "add contact exits 0"
ct=$out
f=$(file_of contact "$ct")
want="id: ID
name: John Smith
company: $co
role: accountant
owner: ann
phones:
- '+79160000000'
phones_typed:
  '+79160000000': '+7 916 000-00-00'
emails:
- john@example.com
birthday: '1980-05-06'
source: web
tags:
- a
- b
created: TIME
updated: TIME"
got=$(norm "$f" "$ct" | sed -E "s/^company: '$co'\$/company: $co/")
is "$got" "$want" "contact file has the exact canonical content"
store_clean "add contact"

# --- deal, every option ---
run add deal "Supply 2027" --company "$co" --contact "$ct" --amount 1500000 \
	--currency EUR --stage proposal --pipeline sales --owner bob --source fair --tag big
is "$rc" 0 "add deal exits 0"
de=$out
f=$(file_of deal "$de")
want="id: ID
name: Supply 2027
company: $co
contact: $ct
pipeline: sales
stage: proposal
amount: 1500000
currency: EUR
owner: bob
source: fair
tags:
- big
created: TIME
updated: TIME
stage_history:
- id: EID
  stage: proposal
  at: TIME
  by: ann"
got=$(norm "$f" "$de" | sed -E -e "s/^(company|contact): '([0-9a-z]{10})'\$/\\1: \\2/" \
	-e "s/^- id: '?[0-9a-z]{10}'?\$/- id: EID/")
is "$got" "$want" "deal file has the exact canonical content (amount plain)"
is "$(ypy "$f" amount)" 1500000 "amount reads back as a number in python yaml"
store_clean "add deal"

# deal defaults
run add deal Minimal --amount 10
dm=$out
f=$(file_of deal "$dm")
is "$(ypy "$f" stage)" lead "deal stage defaults to the pipeline's first stage"
is "$(ypy "$f" currency)" RUB "deal currency defaults to RUB (defaults.currency)"
is "$(ypy "$f" pipeline)" sales "deal pipeline defaults to sales"
is "$(ypy "$f" owner)" ann "owner defaults to the current user"

# --- task, every option ---
run add task "Call back about the offer" --for "Supply 2027" --due 2026-12-01 --owner bob --tag urgent
is "$rc" 0 "add task exits 0"
ta=$out
f=$(file_of task "$ta")
want="id: ID
name: Call back about the offer
for: $de
due: '2026-12-01'
owner: bob
tags:
- urgent
created: TIME
updated: TIME"
got=$(norm "$f" "$ta" | sed -E "s/^for: '([0-9a-z]{10})'\$/for: \\1/")
is "$got" "$want" "task file has the exact canonical content (due quoted)"
is "$(ypy "$f" due)" "2026-12-01" "due reads back as a string in python yaml"
store_clean "add task"
run add task "Timed" --for "$co" --due "2026-12-01 15:30"
is "$(ypy "$(file_of task "$out")" due)" "2026-12-01T15:30:00+03:00" "due with a time is stored with its offset"
run add task "Tomorrow" --for "$ct" --due tomorrow
is "$(ypy "$(file_of task "$out")" due)" "$(date -d tomorrow +%F)" "due tomorrow is tomorrow's date"
run add task "Today" --for "$ct" --due today
is "$(ypy "$(file_of task "$out")" due)" "$(date +%F)" "due today is today's date"
run add task "Offset" --for "$ct" --due +3d
like "$(ypy "$(file_of task "$out")" due)" "^$(date -d '+3 days' +%F)" "due +3d is three days on"
run add task "Weekday" --for "$ct" --due monday
is "$rc" 0 "due monday accepted"
is "$(date -d "$(ypy "$(file_of task "$out")" due | cut -c1-10)" +%u)" 1 "due monday is a Monday"
run add tasks "Plural" --for "$ct"
is "$rc" 0 "plural type 'tasks' accepted"

# --- NAME words vs --name ---
run add company Two Words Name
is "$(ypy "$(file_of company "$out")" name)" "Two Words Name" "NAME words are joined by spaces"
run add company --name "Named By Option"
is "$(ypy "$(file_of company "$out")" name)" "Named By Option" "--name gives the name"
run add company --name "- dash"
is "$rc" 0 "--name accepts a name starting with a dash"
is "$(ypy "$(file_of company "$out")" name)" "- dash" "name '- dash' reads back"

# --- global --user and -q ---
run --user bob add company "Bob Co"
is "$(ypy "$(file_of company "$out")" owner)" bob "--user sets the default owner"
is "$(git log -1 --format='%an <%ae>')" "Bob Jones <bob@example.com>" "--user sets the commit author"
CRM_USER=bob run add company "Bob Co 2"
is "$(ypy "$(file_of company "$out")" owner)" bob "CRM_USER sets the default owner"
n=$(commits)
run -q add company Quiet
is "$rc" 0 "-q add exits 0"
is "$out" "" "-q add prints no id"
is "$(commits)" $((n + 1)) "-q add still commits"

# --- argument errors: nothing written, exit 2 ---
n=$(commits)
run add company Z --role buyer
is "$rc" 2 "--role on a company exits 2"
like "$err" "'?--role'? .*(company|apply)" "message names the option that does not apply"
nochange "$n" "--role on a company"
run add company Z --amount 5
is "$rc" 2 "--amount on a company exits 2"
run add task T --for "$co" --phone 1
is "$rc" 2 "--phone on a task exits 2"
run add contact C --due today
is "$rc" 2 "--due on a contact exits 2"
run add deal D --birthday 2000-01-01
is "$rc" 2 "--birthday on a deal exits 2"
run add company C --for "$co"
is "$rc" 2 "--for on a company exits 2"
run add contact C --stage won
is "$rc" 2 "--stage on a contact exits 2"
nochange "$n" "options that do not apply"
run add company
is "$rc" 2 "missing name exits 2"
like "$err" "^crm: error: .*name" "missing name: message mentions the name"
run add company --name ""
is "$rc" 2 "empty --name exits 2"
run add
is "$rc" 2 "add without a type exits 2"
run add thing T
is "$rc" 2 "unknown type exits 2"
like "$err" "'thing'" "unknown type is quoted in the message"
run add task "No parent"
is "$rc" 2 "task without --for exits 2"
like "$err" "\-\-for" "missing --for is named in the message"
run add task T --for "$co" --due 2026-02-30
is "$rc" 2 "impossible date exits 2"
like "$err" "'2026-02-30'" "the bad date is quoted in the message"
run add task T --for "$co" --due someday
is "$rc" 2 "unparsable due exits 2"
like "$err" "'someday'" "the bad due is quoted"
run add contact C --birthday 1980-13-01
is "$rc" 2 "bad birthday exits 2"
like "$err" "'1980-13-01'" "the bad birthday is quoted"
run add company A --bogus
is "$rc" 2 "unknown option exits 2"
run add company A --phone
is "$rc" 2 "option without its value exits 2"
run add company A --set novalue
is "$rc" 2 "--set without = exits 2"
nochange "$n" "usage errors"

# --- invalid data ---
run add deal D --stage wonn
ok "$([ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]; echo $?)" "unknown stage fails with 1 or 2 (got $rc)"
like "$err" "unknown stage 'wonn'" "unknown stage is named"
like "$err" "did you mean 'won'" "unknown stage: did you mean"
run add deal D --owner carol
ok "$([ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]; echo $?)" "unknown owner fails with 1 or 2 (got $rc)"
like "$err" "'carol'" "unknown owner is named"
run add deal D --amount 12abc
is "$rc" 2 "bad amount exits 2"
like "$err" "'12abc'" "bad amount is quoted"
run add deal D --pipeline nope
ok "$([ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]; echo $?)" "unknown pipeline fails"
nochange "$n" "invalid data"
n=$(commits)
run add deal D --amount ""
is "$rc" 2 "empty amount exits 2"
nochange "$n" "empty amount"

# --- references ---
run add contact "By Prefix" --company "${co:0:4}"
is "$rc" 0 "--company by id prefix"
is "$(ypy "$(file_of contact "$out")" company)" "$co" "prefix resolved to the full id"
run add contact "By Upper" --company "$(printf '%s' "${co:0:5}" | tr a-z A-Z)"
is "$(ypy "$(file_of contact "$out")" company)" "$co" "uppercase id prefix resolves"
run add contact "By Id" --company "$co"
is "$(ypy "$(file_of contact "$out")" company)" "$co" "--company by full id"
n=$(commits)
run add contact Nobody --company "No Such Company"
is "$rc" 3 "unknown --company exits 3"
like "$err" "'No Such Company'" "unknown ref is quoted"
run add task T --for "nosuchthing"
is "$rc" 3 "unknown --for exits 3"
nochange "$n" "unknown refs"
c1=$("$CRM" add company Twin)
c2=$("$CRM" add company Twin)
n=$(commits)
run add contact Amb --company Twin
is "$rc" 4 "ambiguous --company exits 4"
like "$err" "company +${c1:0:4}[0-9a-z]* +Twin" "first candidate listed on stderr (short id)"
like "$err" "company +${c2:0:4}[0-9a-z]* +Twin" "second candidate listed on stderr (short id)"
nochange "$n" "ambiguous ref"

# --- custom fields ---
run add company Custom --set industry=software --set size=50
cu=$out
f=$(file_of company "$cu")
like "$(cat "$f")" "industry: software" "custom field kept in the file"
is "$(ypy "$f" industry)" software "custom field reads back"
is "$(jshow "$cu" industry)" software "custom field in show --format json"
like "$("$CRM" show "$cu")" "industry +software" "custom field in readable show"
is "$(ypy "$f" size)" 50 "numeric-looking custom value stays a string"

# --- tricky names ---
for name in NO yes null 0123 1e3 2026-01-01 "- dash" "key: value" "#hash" \
	"~" on off true " lead" "trail " "it's" '"dq"' "@at" "*star" "&amp" "!bang" \
	"|pipe" ">gt" "[br" "{cb" 0x1F .inf "+1" "12:30" "Ёлка: 100%"; do
	id=$("$CRM" add company --name "$name")
	if [ -z "$id" ]; then
		ok 1 "add company --name '$name'"
		continue
	fi
	f=$(file_of company "$id")
	is "$(jshow "$id" name)" "$name" "name '$name' reads back in show --format json"
	is "$(ypy "$f" name)" "$name" "name '$name' reads back in python yaml"
done
store_clean "tricky names"

# --- multi-line values ---
run add company Lines --set note=$'line1\nline2'
ml=$out
f=$(file_of company "$ml")
is "$(ypy "$f" note)" $'line1\nline2' "multi-line value reads back in python yaml"
is "$(jshow "$ml" note)" $'line1\nline2' "multi-line value reads back in json"
like "$(grep '^note:' "$f")" '^note: \|' "multi-line value is a literal block"
run add company Lines2 --set note=$'  indented\nline2\n\n'
is "$(ypyr "$(file_of company "$out")" note)" "'  indented\\nline2\\n\\n'" "leading spaces and trailing newlines kept"
store_clean "multi-line"

# --- invalid UTF-8 ---
n=$(commits)
run add company $'bad\xff name'
is "$rc" 2 "invalid UTF-8 in a name exits 2"
like "$err" "UTF-8" "message mentions UTF-8"
run add company Ok --set note=$'x\xc3'
is "$rc" 2 "invalid UTF-8 in a --set value exits 2"
nochange "$n" "invalid UTF-8"

done_testing
