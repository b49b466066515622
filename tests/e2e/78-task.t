#!/bin/bash
# crm task add|list|move|rm: a task for a company, contact or deal, its
# owner from what it is for, refusals that write nothing, a reschedule kept
# in the task, crm add task as the synonym, help, completion and Russian.
. "$(dirname "$0")/lib.sh"

ru() { LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 LANGUAGE=ru run "$@"; }

# nothing_written N DESC: the store still has N commits and a clean tree.
nothing_written() {
	is "$(commits)" "$1" "$2: nothing committed"
	is "$(git status --porcelain)" "" "$2: nothing left in the work tree"
}

# field FILE KEY: the top-level scalar KEY of a record file.
field() {
	python3 -c 'import sys, yaml; v = yaml.safe_load(open(sys.argv[1])).get(sys.argv[2]); print("" if v is None else v)' "$1" "$2"
}

today=$(date +%F)
tomorrow=$(date -d tomorrow +%F)
in3=$(date -d '+3 days' +%F)

new_store task
"$CRM" user add bob --name "Bob Brown" --email bob@example.com >/dev/null
"$CRM" user add leyla --name "Leyla Əliyeva" >/dev/null
co=$("$CRM" add company "ООО Ромашка" --owner bob --phone "+7 495 123-45-67")
ct=$("$CRM" add contact "Əli Həsənov" --company "ООО Ромашка" --owner leyla)
dl=$("$CRM" add deal "Поставка 2027" --company "ООО Ромашка" --contact "Əli Həsənov")
"$CRM" add company "Acme One" >/dev/null
"$CRM" add company "Acme Two" >/dev/null
store_clean "setup"

# --- crm task add ------------------------------------------------------------
n=$(commits)
run task add Позвонить по КП --for "ООО Ромашка" --due tomorrow
is "$rc" 0 "task add exits 0"
like "$out" '^[0-9a-z]{10}$' "task add prints the new id"
t1=$out
f1=$(file_of task "$t1")
is "$(commits)" $((n + 1)) "task add is one commit"
is "$(git log -1 --format=%s)" "task ${t1:0:4}: add Позвонить по КП" "task add: the subject"
is "$(field "$f1" name)" "Позвонить по КП" "the title is the words joined"
is "$(field "$f1" for)" "$co" "the task is for the company"
is "$(field "$f1" due)" "$tomorrow" "due is tomorrow's date"
is "$(field "$f1" owner)" "bob" "the owner is the company's owner"
store_clean "task add"

run task add "Meet" --for "Əli Həsənov" --due "$in3 15:00" --priority high --note "bring the contract
and the invoice" --tag vip
is "$rc" 0 "task add with every option exits 0"
t2=$out
f2=$(file_of task "$t2")
is "$(field "$f2" owner)" "leyla" "a contact's task is the contact's owner's"
is "$(field "$f2" priority)" "high" "--priority"
is "$(field "$f2" notes)" "bring the contract
and the invoice" "--note fills notes, lines kept"
like "$(cat "$f2")" "tags:
- vip" "--tag"
like "$(field "$f2" due)" "^${in3}T15:00:00\+03:00$" "a due time is stored with the offset"

run task add "Send the offer" --for "Поставка" --due today --owner ann
is "$rc" 0 "task add for a deal by a word of its name"
t3=$out
is "$(field "$(file_of task "$t3")" for)" "$dl" "the task is for the deal"
is "$(field "$(file_of task "$t3")" owner)" "ann" "--owner wins over the deal's owner"

# crm add task stays its synonym, and picks the owner the same way
run add task "Synonym" --for "ООО Ромашка" --due +2d
is "$rc" 0 "crm add task still works"
is "$(field "$(file_of task "$out")" owner)" "bob" "crm add task: the owner is the company's"
run add task "Mine" --for "ООО Ромашка" --owner ann
is "$(field "$(file_of task "$out")" owner)" "ann" "crm add task --owner still wins"
"$CRM" rm "$out" >/dev/null

# --- refusals write nothing ----------------------------------------------------
n=$(commits)
run task add "No parent" --due tomorrow
is "$rc" 2 "a task without --for is a usage error"
like "$err" "a task needs --for REF" "it says --for is needed"
run task add "No due" --for "ООО Ромашка"
is "$rc" 2 "a task without --due is a usage error"
like "$err" "a task needs --due WHEN" "it says --due is needed"
run task add --for "ООО Ромашка" --due tomorrow
is "$rc" 2 "a task without a title is refused"
like "$err" "a task needs a title" "it says a title is needed"
run task add "   " --for "ООО Ромашка" --due tomorrow
is "$rc" 2 "a blank title is refused"
run task add "$(printf 'bad \377 title')" --for "ООО Ромашка" --due tomorrow
is "$rc" 2 "a title that is not UTF-8 is refused"
like "$err" "not valid UTF-8" "it says so"
run task add "Lost" --for "Nobody Ltd" --due tomorrow
is "$rc" 3 "a task for a missing record is refused with 3"
like "$err" "^crm: error: --for: no record matches 'Nobody Ltd'" "it names --for and the reference"
run task add "Which" --for "Acme" --due tomorrow
is "$rc" 4 "a task for an ambiguous record is refused with 4"
like "$err" "Acme One" "the candidates are listed"
like "$err" "hint: " "with a hint"
run task add "Bad date" --for "ООО Ромашка" --due "someday"
is "$rc" 2 "an unreadable due is a usage error"
like "$err" "cannot read date 'someday'" "it quotes the date"
run task add "Bad prio" --for "ООО Ромашка" --due tomorrow --priority urgent
is "$rc" 2 "an unknown priority is refused"
run task add "Bad owner" --for "ООО Ромашка" --due tomorrow --owner nobody
is "$rc" 2 "an unknown owner is refused"
like "$err" "unknown user 'nobody'" "it names the user"
run task add "For a task" --for "$t1" --due tomorrow
is "$rc" 3 "a task cannot be for a task"
run task add "Bad UTF-8 ref" --for "$(printf '\377')" --due tomorrow
is "$rc" 2 "a reference that is not UTF-8 is a usage error"
nothing_written "$n" "refused task add"

# --- crm task list -------------------------------------------------------------
run --format ids task list
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$t3 $t1 $(printf '%s' "$("$CRM" --format ids list task name:Synonym)") $t2 " \
	"task list: every task, by due date"
run --format ids task list owner:leyla
is "$out" "$t2" "task list takes a query"
run task list priority:high
like "$out" "Meet" "task list prints a table"
like "$out" "^ID +DUE +NAME" "with list's task columns"
run task list 'bad:('
is "$rc" 2 "a bad query is a usage error"

# --- crm task move -----------------------------------------------------------
n=$(commits)
run task move "Позвонить" "$in3"
is "$rc" 0 "task move exits 0"
is "$out" "moved task ${t1:0:4} to $in3" "task move says where it went"
is "$(commits)" $((n + 1)) "task move is one commit"
is "$(git log -1 --format=%s)" "task ${t1:0:4}: due $tomorrow -> $in3" "task move: the subject"
is "$(field "$f1" due)" "$in3" "the due is moved"
is "$(python3 -c 'import sys, yaml; r = yaml.safe_load(open(sys.argv[1]))["rescheduled"]; print(len(r), r[0]["from"], r[0]["to"], r[0]["by"], "at" in r[0])' "$f1")" \
	"1 $tomorrow $in3 ann True" "the move is kept in rescheduled: from, to, by, at"
store_clean "task move"

run task move "$t1" tomorrow 10:00
is "$rc" 0 "task move takes a date and time in several words"
like "$(field "$f1" due)" "^${tomorrow}T10:00:00\+03:00$" "the due has the time"
is "$(python3 -c 'import sys, yaml; print(len(yaml.safe_load(open(sys.argv[1]))["rescheduled"]))' "$f1")" 2 \
	"a second move is a second entry"
run show "$t1"
like "$out" "Rescheduled:" "crm show lists the moves"
like "$out" "$in3 -> $tomorrow 10:00" "from and to, as people read them"

n=$(commits)
run task move "$t1" "$tomorrow 10:00"
is "$rc" 0 "moving a task to its own due exits 0"
like "$out" "already" "and says there is nothing to change"
run task move "$t1"
is "$rc" 2 "task move without a date is a usage error"
run task move
is "$rc" 2 "task move without a task is a usage error"
run task move "$t1" "someday"
is "$rc" 2 "task move to an unreadable date is a usage error"
run task move "nonexistent" tomorrow
is "$rc" 3 "task move of an unknown task is 3"
run task move "ООО Ромашка" tomorrow
is "$rc" 3 "task move takes only tasks"
run task move "$(printf '\377')" tomorrow
is "$rc" 2 "task move of a reference that is not UTF-8 is a usage error"
"$CRM" task add "Дубль" --for "ООО Ромашка" --due +1d >/dev/null
"$CRM" task add "Дубль" --for "Поставка" --due +2d >/dev/null
n=$(commits)
run task move "Дубль" +5d
is "$rc" 4 "task move of an ambiguous task is 4"
like "$err" "Дубль" "the candidates are listed"
run task rm "Дубль"
is "$rc" 4 "task rm of an ambiguous task is 4"
run set "$t1" rescheduled=x
is "$rc" 2 "crm set cannot write rescheduled"
like "$err" "maintained by crm" "it says crm keeps it"
nothing_written "$n" "refused task move"

# a hand edit that breaks rescheduled is refused by crm commit
cp "$f1" "$TEST_ROOT/f1.bak"
python3 - "$f1" <<'PY'
import sys
p = sys.argv[1]
t = open(p).read()
t = t.replace("  to: ", "  too: ", 1)
open(p, "w").write(t)
PY
run commit
is "$rc" 1 "crm commit refuses a rescheduled entry without 'to'"
like "$err" "field 'rescheduled': an entry needs 'to'" "it says what is missing"
python3 - "$f1" <<'PY'
import sys
p = sys.argv[1]
t = open(p).read()
t = t.replace("  too: ", "  to: ", 1).replace("  at: '", "  at: 'x", 1)
open(p, "w").write(t)
PY
run commit
is "$rc" 1 "crm commit refuses a rescheduled entry whose 'at' is no date"
like "$err" "'at' of an entry is no date" "it names the bad part"
cp "$TEST_ROOT/f1.bak" "$f1"
nothing_written "$n" "refused hand edits"

# --- crm task rm -----------------------------------------------------------------
n=$(commits)
run task rm "Send the offer"
is "$rc" 0 "task rm exits 0"
is "$out" "removed task $t3" "task rm says so"
[ ! -e "$(file_of task "$t3")" ]
ok $? "the task's file is gone"
is "$(git log -1 --format=%s)" "task ${t3:0:4}: remove Send the offer" "task rm: the subject"
is "$(commits)" $((n + 1)) "task rm is one commit"
store_clean "task rm"
n=$(commits)
run task rm "$t3"
is "$rc" 3 "task rm of a removed task is 3"
run task rm "Поставка 2027"
is "$rc" 3 "task rm takes only tasks"
run task rm
is "$rc" 2 "task rm without a task is a usage error"
run task rm "$t1" "$t2"
is "$rc" 2 "task rm of two tasks is a usage error"
nothing_written "$n" "refused task rm"
run undo
is "$rc" 0 "undo of task rm"
[ -e "$(file_of task "$t3")" ]
ok $? "undo brings the task back"

# --- help, subcommands, completion ---------------------------------------------
run task
is "$rc" 2 "crm task alone is a usage error"
like "$err" "which subcommand of 'crm task'" "it asks which"
run task mvoe
is "$rc" 2 "an unknown subcommand is a usage error"
like "$err" "did you mean 'crm task move'" "with the nearest one"
run help task
is "$rc" 0 "crm help task"
like "$out" "task due" "it lists the subcommands"
run task done --help
is "$rc" 0 "crm task done --help exits 0"
run __complete words -- crm task ""
like "$(printf '%s\n' "$out" | cut -f1 | tr '\n' ' ')" "add due list move rm done" \
	"completion: the subcommands"
run __complete words -- crm task move ""
like "$out" "Meet	$t2 \(task\)" "completion: task move offers tasks by title"
ok "$(printf '%s\n' "$out" | grep -q 'company)' && echo 1 || echo 0)" "completion: and no companies"
run __complete words -- crm task rm Поз
like "$out" "Позвонить по КП	$t1" "completion: task rm by a prefix of the title"
run __complete words -- crm task done ""
like "$out" "\(task\)" "completion: task done offers tasks"
run __complete words -- crm task add x --owner ""
is "$(printf '%s\n' "$out" | cut -f1 | tr '\n' ' ')" "ann bob leyla " "completion: users after --owner"
run __complete words -- crm task add x --priority ""
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "high normal low " "completion: priorities"
run __complete words -- crm task add x --priority=h
is "$out" "--priority=high" "completion: --priority=VALUE"
run __complete words -- crm task add x --for ООО
like "$out" "ООО Ромашка" "completion: records after --for"
run __complete words -- crm task due --owner b
is "$(printf '%s\n' "$out" | cut -f1)" "bob" "completion: task due --owner"

# --- Russian ---------------------------------------------------------------------
ru task add "Без срока" --for "ООО Ромашка"
is "$rc" 2 "Russian: a task without --due"
like "$err" "задаче нужен срок --due" "Russian: the message"
ru task move "$t1" "$in3"
like "$out" "задача ${t1:0:4} перенесена на $in3" "Russian: task move"
ru help task
like "$out" "перенести срок задачи" "Russian: the summaries"

store_clean "end"
done_testing
