#!/bin/bash
# 77-task-done.t - crm task done: the task becomes an entry of its
# record's timeline and its file goes, with the follow-up of --next, in
# one commit; the warning (or with --strict / require_next_task the
# refusal) for an active record left without an open task; a finished
# task's id still resolving (crm show, task done again); the failures.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

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

new_store done
sed -i 's/^  email: ann@example.com$/&\n- login: bob\n  name: Bob Jones\n  email: bob@example.com/' crm.yaml
git commit -qam "add bob" || exit 1
co=$("$CRM" add company "Ромашка ООО")
de=$("$CRM" add deal "Поставка 2027" --company "Ромашка ООО" --owner bob)
t1=$("$CRM" add task "Позвонить Ивану" --for "Ромашка ООО" --due 2026-12-05 --owner bob)
t2=$("$CRM" add task "Отправить КП" --for "Поставка 2027" --due "2026-12-04 11:30" --owner bob)
t3=$("$CRM" add task "Second task" --for "Поставка 2027" --due 2026-12-20)
for v in co de t1 t2 t3; do
	[ -n "${!v}" ] || { echo "Bail out! setup: $v was not created"; exit 1; }
done
store_clean "setup"

# --- the man page lists the options --help does ---
"$CRM" --help >"$TEST_ROOT/global-help"
"$CRM" task done --help >"$TEST_ROOT/help-done"
is "$(python3 "$HERE/tools/options-vs-man.py" "$TEST_ROOT/help-done" \
	"$HERE/../../man/crm-task-done.1" "$TEST_ROOT/global-help" 2>&1)" "" \
	"crm-task-done(1) and 'crm task done --help' list the same options"

# --- done: the entry, the file removed, one commit ---
before=$(commits)
run task done "$t2" --outcome "отправлено"
is "$rc" 0 "task done exits 0"
is "$err" "" "no warning: the deal has another open task"
is "$out" "" "nothing printed without --next"
is "$(commits)" "$((before + 1))" "one commit"
is "$(git log -1 --format=%s)" "task ${t2:0:4}: done Отправить КП" "the commit subject"
ok "$([ ! -e "$(file_of task "$t2")" ]; echo $?)" "the task's file is removed"
is "$(git show --stat --format= HEAD | grep -c 'tasks/')" 1 "the removal is in the same commit"
f=$(file_of deal "$de")
is "$(yaml_py "$f" 'e=d["timeline"][-1]; print(e["id"], e["kind"], e["text"], e["due"], e["outcome"], e["by"])')" \
	"$t2 task Отправить КП 2026-12-04T11:30:00+03:00 отправлено ann" \
	"the deal's timeline: its id, kind task, title, due, outcome, who"
like "$(yaml_py "$f" 'print(d["timeline"][-1]["at"])')" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T' "and when it was done"
store_clean "after task done"

# --- a finished task's id still resolves ---
run show "$t2"
is "$rc" 0 "show of a finished task exits 0"
like "$out" "Отправить КП +task $t2, done" "it says the task is done"
like "$out" "in deal Поставка 2027 \(${de:0:4}\)" "and where it went"
like "$out" "outcome: отправлено" "with its outcome"
run show "${t2:0:6}"
is "$rc" 0 "a prefix of a finished task's id resolves too"
run --format json show "$t2"
is "$(py 'e=d["entry"]; print(d["type"], e["kind"], e["id"], e["record_type"], e["record"], e["record_name"])')" \
	"entry task $t2 deal $de Поставка 2027" "json: the entry and its record"
before=$(commits)
run task done "$t2"
is "$rc" 3 "task done on a finished task: exit 3"
like "$err" "task '$t2' is done: it is an entry of the timeline of deal ${de:0:4} 'Поставка 2027'" \
	"a clear error naming where it went"
like "$err" "hint: crm show $de" "with a hint"
run set "$t2" owner=ann
is "$rc" 3 "other commands on it: not found"
like "$err" "is done" "saying it is done"
unchanged "task done again"

# --- --next: the follow-up in the same commit, same record and owner ---
before=$(commits)
run task done "$t1" --next "Call about the offer" --due "2026-12-08 10:00"
is "$rc" 0 "task done --next exits 0"
is "$err" "" "no warning with --next"
nx=$out
like "$nx" '^[0-9a-hjkmnp-tv-z]{10}$' "the follow-up's id is printed"
is "$(commits)" "$((before + 1))" "one commit for both"
is "$(git show --stat --format= HEAD | grep -c 'tasks/')" 2 "the removal and the new task in it"
nf=$(file_of task "$nx")
is "$(yaml_py "$nf" 'print(d["name"], d["for"], d["owner"], d["due"])')" \
	"Call about the offer $co bob 2026-12-08T10:00:00+03:00" "the follow-up: title, same record, same owner, due"
is "$(yaml_py "$(file_of company "$co")" 'e=d["timeline"][-1]; print(e["id"], e["kind"])')" "$t1 task" "the company's timeline has the task"
store_clean "after --next"

# --- the next-task rule ---
before=$(commits)
run task done "$nx"
is "$rc" 0 "leaving an active company without a task: still done"
like "$err" "warning: company ${co:0:4} 'Ромашка ООО' has no open task now" "a warning on stderr"
like "$err" "hint: .*--next" "suggesting --next"
is "$(commits)" "$((before + 1))" "and committed"
t4=$("$CRM" add task "Last one" --for "Поставка 2027" --due 2026-12-21)
run task done "$t3"
is "$err" "" "the deal still has an open task: no warning"
before=$(commits)
run task done "$t4" --strict
is "$rc" 1 "--strict refuses to leave an open deal without a task"
like "$err" "deal ${de:0:4} 'Поставка 2027' would be left without an open task" "the refusal names the record"
like "$err" "nothing was changed" "and says nothing changed"
unchanged "--strict"
ok "$([ -e "$(file_of task "$t4")" ]; echo $?)" "the task's file is still there"
printf 'require_next_task: true\n' >>crm.yaml
git commit -qam "require the next task" || echo "# commit of crm.yaml failed"
before=$(commits)
run task done "$t4"
is "$rc" 1 "require_next_task: true refuses as --strict does"
unchanged "require_next_task"
run task done "$t4" --next "Follow up" --due +3d
is "$rc" 0 "require_next_task: --next satisfies it"
t5=$out
# an inactive record needs no next task
"$CRM" set "Ромашка ООО" status=inactive >/dev/null
t6=$("$CRM" add task "Old business" --for "Ромашка ООО" --due 2026-12-22)
run task done "$t6"
is "$rc" 0 "an inactive company may be left without a task"
is "$err" "" "without a warning"
"$CRM" set "Поставка 2027" stage=won >/dev/null
run task done "$t5"
is "$rc" 0 "a won deal may be left without a task"
is "$err" "" "without a warning"
sed -i '/^require_next_task: true$/d' crm.yaml
git commit -qam "no longer" || echo "# commit of crm.yaml failed"
store_clean "the rule"

# --- failures: bad arguments, unknown or ambiguous tasks ---
t7=$("$CRM" add task "Twin call" --for "Ромашка ООО" --due 2026-12-23)
t8=$("$CRM" add task "Twin call" --for "Ромашка ООО" --due 2026-12-24)
before=$(commits)
run task done
is "$rc" 2 "no task: exit 2"
run task done "$t7" "$t8"
is "$rc" 2 "two tasks: exit 2"
run task done "$t7" --next "Again"
is "$rc" 2 "--next without --due: exit 2"
like "$err" "needs --due" "--next without --due: the message"
run task done "$t7" --due tomorrow
is "$rc" 2 "--due without --next: exit 2"
run task done "$t7" --next "  " --due tomorrow
is "$rc" 2 "a blank --next title: exit 2"
run task done "$t7" --next "Again" --due "someday"
is "$rc" 2 "an unreadable --due: exit 2"
run task done "$t7" --outcome "$(printf 'bad \377')"
is "$rc" 2 "an outcome that is not UTF-8: exit 2"
run task done "$(printf 'x\377')"
is "$rc" 2 "a reference that is not UTF-8: exit 2"
run task done "No such task"
is "$rc" 3 "an unknown task: exit 3"
run task done "Ромашка ООО"
is "$rc" 3 "a company is no task: exit 3"
run task done "Twin call"
is "$rc" 4 "an ambiguous task: exit 4"
is "$(printf '%s\n' "$err" | grep -cE '^  task +[0-9a-z]+ +Twin call$')" 2 "the candidates are listed"
run task nope
is "$rc" 2 "an unknown task subcommand: exit 2"
unchanged "the failures"
ok "$([ -e "$(file_of task "$t7")" ] && [ -e "$(file_of task "$t8")" ]; echo $?)" "both twins are still there"

# --- undo brings the task back ---
run task done "$t7"
"$CRM" undo >/dev/null
ok "$([ -e "$(file_of task "$t7")" ]; echo $?)" "undo brings the task's file back"
run show "$t7"
like "$out" "^Twin call +task $t7" "and its id is the open task again"
run --format ids search "Twin call"
like "$out" "$t7" "the index follows"
store_clean "task done"
done_testing
