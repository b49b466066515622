#!/bin/bash
# 76-timeline.t - crm note, call and meeting: an entry in the timeline of
# a company, contact or deal, one commit each; the checks of hand-edited
# entries; crm show's timeline (newest first, a company's with its
# contacts' and deals', stage changes and open tasks, --timeline, JSON);
# the index's entries: search by text and outcome, kind: and at: terms.
. "$(dirname "$0")/lib.sh"

# py SCRIPT: runs python3 on the JSON in $out (as `d`), printing its result
py() {
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); $1"
}

# yaml_py FILE SCRIPT: runs python3 on the YAML file (as `d`).
yaml_py() {
	python3 -c "import yaml,sys; d=yaml.safe_load(open('$1')); $2"
}

# unchanged WHAT: no commit since $before and a clean store.
unchanged() {
	is "$(commits)" "$before" "$1: nothing committed"
	is "$(git status --porcelain)" "" "$1: nothing left in the work tree"
}

new_store tl
sed -i 's/^  email: ann@example.com$/&\n- login: bob\n  name: Bob Jones\n  email: bob@example.com/' crm.yaml
git commit -qam "add bob" || exit 1
co=$("$CRM" add company "Ромашка ООО")
ct=$("$CRM" add contact "Иван Петров" --company "Ромашка ООО")
de=$("$CRM" add deal "Поставка 2027" --company "Ромашка ООО" --amount 1000)
az=$("$CRM" add contact "Əliyev Rəşad")
other=$("$CRM" add company "Other Co")
t1=$("$CRM" add task "Отправить КП" --for "Поставка 2027" --due "2026-12-10 10:00")
for v in co ct de az other t1; do
	[ -n "${!v}" ] || { echo "Bail out! setup: $v was not created"; exit 1; }
done

# --- crm call / meeting / note ---
before=$(commits)
run call "Иван Петров" "Обсудили скидку" --outcome "ждёт КП до пятницы"
is "$rc" 0 "call exits 0"
e1=$out
like "$e1" '^[0-9a-hjkmnp-tv-z]{10}$' "call prints the entry's id"
is "$(commits)" "$((before + 1))" "one commit"
is "$(git log -1 --format=%s)" "contact ${ct:0:4}: call" "the commit subject names the record and the kind"
f=$(file_of contact "$ct")
is "$(yaml_py "$f" 'e=d["timeline"][0]; print(e["id"], e["kind"], e["by"], e["text"], "|", e["outcome"])')" \
	"$e1 call ann Обсудили скидку | ждёт КП до пятницы" "the entry: id, kind, by, text, outcome"
like "$(yaml_py "$f" 'print(d["timeline"][0]["at"])')" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}$' \
	"the entry's time is a stored date-time"
store_clean "after call"

run meeting "Ромашка ООО" "Ужин с директором" --at "2026-11-30 19:00"
is "$rc" 0 "meeting exits 0"
e2=$out
is "$(yaml_py "$(file_of company "$co")" 'e=d["timeline"][0]; print(e["kind"], e["at"])')" \
	"meeting 2026-11-30T19:00:00+03:00" "meeting with --at: its kind and the time given"
run note "Поставка 2027" "Prefers" "e-mail" --kind email
is "$rc" 0 "note --kind email exits 0"
e3=$out
is "$(yaml_py "$(file_of deal "$de")" 'e=d["timeline"][0]; print(e["kind"], e["text"])')" \
	"email Prefers e-mail" "the words of the text are joined by spaces"
run note "Əliyev Rəşad" "Şəki, çay, ğ ı ö ü" --at "2026-11-01"
is "$rc" 0 "a note for an Azerbaijani name exits 0"
e4=$out
is "$(yaml_py "$(file_of contact "$az")" 'e=d["timeline"][0]; print(e["kind"], e["at"], e["text"])')" \
	"note 2026-11-01 Şəki, çay, ğ ı ö ü" "note is the default kind; a whole day as its time"
run --user bob call "Ромашка ООО" "Second call"
e5=$out
is "$(yaml_py "$(file_of company "$co")" 'print(len(d["timeline"]), d["timeline"][-1]["by"], d["timeline"][-1]["id"])')" \
	"2 bob $e5" "a second entry is appended, by the acting user"
store_clean "after the entries"

# --- failures: nothing written ---
before=$(commits)
run call "Иван Петров"
is "$rc" 2 "call without text: exit 2"
like "$err" "need a record and the text" "call without text: the message"
run call "Иван Петров" "   "
is "$rc" 2 "blank text: exit 2"
like "$err" "text of the entry is needed" "blank text: the message"
run call "Иван Петров" "$(printf 'bad \377 text')"
is "$rc" 2 "invalid UTF-8 text: exit 2"
like "$err" "not valid UTF-8" "invalid UTF-8 text: the message"
run note "Иван Петров" hi --outcome "$(printf '\377')"
is "$rc" 2 "invalid UTF-8 outcome: exit 2"
run note "Иван Петров" hi --kind fax
is "$rc" 2 "unknown kind: exit 2"
like "$err" "fax" "unknown kind: named"
run note "Иван Петров" hi --kind task
is "$rc" 2 "kind task is for task done only: exit 2"
run call "Иван Петров" hi --at "someday"
is "$rc" 2 "unreadable --at: exit 2"
run call "Nobody Such" hi
is "$rc" 3 "unknown record: exit 3"
like "$err" "Nobody Such" "unknown record: named"
run call "$t1" hi
is "$rc" 3 "a task has no timeline: exit 3"
"$CRM" add contact "Twin One" >/dev/null
"$CRM" add contact "Twin Two" >/dev/null
before=$(commits)
run call Twin hi
is "$rc" 4 "ambiguous record: exit 4"
like "$err" "Twin One" "ambiguous record: the candidates are listed"
unchanged "failed calls"

# --- hand edits of the timeline are checked ---
f=$(file_of contact "$ct")
cp "$f" "$TEST_ROOT/ct.yaml"
python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("kind: call", "kind: cal")
open(p, "w").write(s)
PY
run commit -m "bad kind"
is "$rc" 1 "a hand edit with an unknown kind: refused"
like "$err" "contacts/.*line [0-9]+: field 'timeline': entry '$e1': unknown kind 'cal'" \
	"the refusal names file, line, field and the entry"
cp "$TEST_ROOT/ct.yaml" "$f"
python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index("timeline:\n") + len("timeline:\n")
entry = s[i:]
open(p, "w").write(s + entry)
PY
run commit -m "twice"
is "$rc" 1 "a hand edit giving an entry id twice: refused"
like "$err" "line [0-9]+: field 'timeline': entry id '$e1' is given twice" "the duplicate id is named"
cp "$TEST_ROOT/ct.yaml" "$f"
sed -i "s/^- id: '\{0,1\}$e1'\{0,1\}$/- kind_was_here: 1/" "$f"
run commit -m "no id"
is "$rc" 1 "a hand edit removing an entry's id: refused"
like "$err" "field 'timeline': an entry has no id" "the missing id is named"
cp "$TEST_ROOT/ct.yaml" "$f"
sed -i "s/^  at: .*/  at: next week/" "$f"
run commit -m "bad at"
is "$rc" 1 "a hand edit with an unreadable time: refused"
like "$err" "invalid time 'next week'" "the bad time is named"
cp "$TEST_ROOT/ct.yaml" "$f"
sed -i "s/^  by: ann$/  by: zed/" "$f"
run commit -m "unknown by"
is "$rc" 1 "a hand edit with an unknown user: refused on commit"
like "$err" "unknown user 'zed'" "the unknown user is named"
cp "$TEST_ROOT/ct.yaml" "$f"
store_clean "hand edits put back"
# committed with plain git, the record still reads, with a problem
sed -i "s/^  by: ann$/  by: zed/" "$f"
git commit -qam "plain git: an entry by zed" || echo "# git commit failed"
run show "Иван Петров"
is "$rc" 0 "read, an entry by an unknown user does not break the record"
like "$err" "unknown user 'zed'" "show flags it"
run --format json show "Иван Петров"
is "$(py 'print(d["problems"][0]["field"])')" "timeline" "json: a problem of the field timeline"
git revert --no-edit HEAD >/dev/null || echo "# git revert failed"
store_clean "plain git edit reverted"

# --- crm show: the timeline ---
"$CRM" set "Поставка 2027" stage=proposal >/dev/null
run show "Ромашка ООО"
is "$rc" 0 "show company exits 0"
tl=$(printf '%s\n' "$out" | sed -n '/^Timeline:/,$p')
like "$tl" "Обсудили скидку" "the company's timeline has its contact's call"
like "$tl" "in contact Иван Петров \(${ct:0:4}\)" "marked with where it was logged"
like "$tl" "in deal Поставка 2027 \(${de:0:4}\)" "its deal's entries too"
like "$tl" "outcome: ждёт КП до пятницы" "the outcome is shown"
like "$tl" "open task +Отправить КП" "its open tasks are in it"
like "$tl" "stage +Proposal \(proposal\)" "and its deal's stage changes"
ok "$(printf '%s' "$tl" | grep -q 'Şəki'; [ $? -ne 0 ]; echo $?)" "another record's entries are not"
order=$(printf '%s\n' "$tl" | grep -oE "Отправить КП|Second call|Обсудили скидку|Ужин с директором" | tr '\n' ,)
is "$order" "Отправить КП,Second call,Обсудили скидку,Ужин с директором," "newest first (the open task's due date is the latest)"
run show "Ромашка ООО" --timeline
is "$rc" 0 "show --timeline exits 0"
ok "$(printf '%s' "$out" | grep -qE '^(Contacts|Deals|Open tasks):|^  owner '; [ $? -ne 0 ]; echo $?)" \
	"--timeline shows nothing but the timeline"
like "$out" "Ужин с директором" "--timeline: the entries"
run show "Иван Петров" --timeline
ok "$(printf '%s' "$out" | grep -q 'Ужин'; [ $? -ne 0 ]; echo $?)" "a contact's timeline has not its company's entries"
like "$out" "Обсудили скидку" "a contact's timeline has its own"

run --format json show "Ромашка ООО"
is "$rc" 0 "show --format json exits 0"
is "$(py 'print(len(d["activity"]))')" "7" "json: activity has every entry, stage change and open task (2+1+1 entries, 2 stages, 1 task)"
is "$(py 'a=[x for x in d["activity"] if x.get("id")=="'"$e1"'"][0]; print(a["kind"], a["record_type"], a["record"], a["record_name"], a["outcome"])')" \
	"call contact $ct Иван Петров ждёт КП до пятницы" "json: an entry of a contact, with where it was logged"
is "$(py 'a=d["activity"][0]; print(a["kind"], a["id"], a["for"], a["due"])')" \
	"open_task $t1 $de 2026-12-10T10:00:00+03:00" "json: the open task first, with its record and due"
is "$(py 'print([x["at"] for x in d["activity"]] == sorted([x["at"] for x in d["activity"]], reverse=True) or "unsorted")')" \
	"True" "json: newest first"
is "$(py 'print(len(d["timeline"]))')" "2" "json: the record's own timeline is there as stored"
run --format json show "Ромашка ООО" --timeline
is "$(py 'print(sorted(d), len(d["activity"]))')" \
	"['activity', 'format_version', 'id', 'name', 'type'] 7" "json --timeline: only the activity"

# notes: free text of several lines, shown and searched
"$CRM" set "Иван Петров" "notes=Любит теннис
Звонить после 11" >/dev/null
run show "Иван Петров"
like "$out" "notes +Любит теннис" "notes are shown"
like "$out" "
 +Звонить после 11" "their second line under the first"

# --- the index: search and query terms ---
run --format ids search "ждёт КП"
is "$out" "$ct" "search finds a record by an entry's outcome"
run --format ids search "Ужин с директором"
is "$out" "$co" "search finds a record by an entry's text"
run --format ids search "теннис"
is "$out" "$ct" "search finds a record by its notes"
run --format ids list company kind:meeting
is "$out" "$co" "kind:meeting"
run --format ids search kind:email
is "$out" "$de" "kind:email finds the deal"
run --format ids list contact kind!=call
like "$out" "$az" "kind!=call: a contact with no call"
ok "$(printf '%s' "$out" | grep -q "$ct"; [ $? -ne 0 ]; echo $?)" "kind!=call: not the one called"
run --format ids list contact "at<2026-11-02"
is "$out" "$az" "at< a day: the entry of 2026-11-01"
run --format ids list company "at:2026-11-30"
is "$out" "$co" "at:DAY"
run --format ids search kind:call "at>=-7d"
is "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" "$(printf '%s\n' "$co" "$ct" | sort | tr '\n' ' ')" "kind:call at>=-7d: the records called this week"
run search kind:cal
is "$rc" 2 "kind: of an unknown kind: exit 2"
like "$err" "did you mean 'call'" "kind: suggests the kind"
run search "at>=someday"
is "$rc" 2 "at: with an unreadable date: exit 2"
# --- completion ---
like "$("$CRM" __complete words -- crm note --kind "")" "^call
meeting
email
note" "--kind completes the kinds"
is "$("$CRM" __complete words -- crm search kind:me)" "kind:meeting" "kind: completes the kinds"
like "$("$CRM" __complete words -- crm call Рома)" "^Ромашка ООО	$co \(company\)" "call completes the record"
like "$("$CRM" __complete words -- crm task done "")" "Отправить КП	$t1 \(task\)" "task done completes the tasks"
like "$("$CRM" __complete words -- crm task "")" "^done	" "task completes its subcommand done"

# --- Russian ---
if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$'; then
	out=$(LC_ALL=ru_RU.UTF-8 "$CRM" show "Иван Петров" --timeline)
	like "$out" "звонок +Обсудили скидку" "ru: the kind in Russian"
	like "$out" "итог: ждёт КП" "ru: the outcome label"
	err=$(LC_ALL=ru_RU.UTF-8 "$CRM" call "Иван Петров" 2>&1 >/dev/null)
	like "$err" "нужны запись и текст" "ru: the usage error"
else
	ok 0 "# skip ru_RU.UTF-8 is not installed"
fi

# the index follows an undo
"$CRM" undo >/dev/null   # the notes
"$CRM" undo >/dev/null   # the stage
"$CRM" undo >/dev/null   # the twins
"$CRM" undo >/dev/null
"$CRM" --user bob undo >/dev/null   # bob's call
run --format ids search "Second call"
is "$out" "" "an undone entry is no longer found"
store_clean "timeline"
done_testing
