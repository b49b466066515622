#!/bin/bash
# Automation rules in crm.yaml: the default rule of crm init, rules for a
# stage entered with their filters and templates, a deal that jumps
# stages, the task made in the commit of the change (and the message
# saying so), broken rules refused and reported, stage and user renames,
# crm automate and its --replay, the same task id in two clones, an old
# store; crm reassign --dry-run and its summary.
. "$(dirname "$0")/lib.sh"

ru() { LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 run "$@"; }

# tasks_for ID: the task files whose for is ID.
tasks_for() {
	grep -lE "^for: '?$1'?\$" tasks/*/*.yaml 2>/dev/null
}

# --- the default rule ------------------------------------------------------------------
init_store auto
like "$(sed -n '/^automation:/,/^defaults:/p' crm.yaml)" "title: Call back within 15 minutes" \
	"crm init writes the call-back rule"
n=$(commits)
d1=$("$CRM" add deal "Поставка труб")
is "$(commits)" $((n + 1)) "a new deal and its rule's task are one commit"
t1=$(tasks_for "$d1")
ok "$([ -n "$t1" ] && [ "$(printf '%s\n' "$t1" | wc -l)" -eq 1 ]; echo $?)" "the new deal in the first stage got one task"
t1id=$(basename "$t1" .yaml)
is "$(sed -n 's/^name: //p' "$t1")" "Call back within 15 minutes" "the task's title"
is "$(sed -n 's/^owner: //p' "$t1")" "ann" "the task is the deal's owner's"
due=$(sed -n "s/^due: '\(.*\)'/\1/p" "$t1")
ok "$(python3 -c "
import datetime, sys, time
d = datetime.datetime.fromisoformat('$due').timestamp()
sys.exit(0 if 14 * 60 - 60 <= d - time.time() <= 15 * 60 + 5 else 1)"; echo $?)" "due in 15 minutes ($due)"
like "$(git log -1 --format=%B)" "Crm-Automation: call-back made task $t1id for deal $d1" \
	"the commit message says the rule made the task"
is "$(git show --stat --format= HEAD | grep -c '|')" 2 "the commit holds the deal and the task"
store_clean "the default rule"
d2=$("$CRM" add deal "Later deal" --stage proposal)
is "$(tasks_for "$d2")" "" "a deal created in another stage: no task"
"$CRM" set "$d1" stage=proposal >/dev/null
is "$(tasks_for "$d1" | wc -l)" 1 "moving a deal runs no created rule"
ru add deal "Сделка"
dr=$out
is "$(sed -n 's/^name: //p' $(tasks_for "$dr"))" "Call back within 15 minutes" \
	"the rule's title is what crm.yaml holds, whoever runs it"

# --- rules for stages, filters and templates --------------------------------------------
"$CRM" user add bob --name "Bob Brown" >/dev/null
python3 - <<'PY'
t = open("crm.yaml").read()
t = t.replace("defaults:\n", """- name: offer
  when: stage
  stage: proposal
  title: Send the offer to {contact.name} about {deal.name} ({company.name})
  owner: bob
  due: next working day 10:00
  priority: high
- name: vip-negotiation
  when: stage
  stage: negotiation
  tag: vip
  title: Call {deal.name} back
  due: +2h
- name: web-lead
  when: created
  source: web
  title: Answer the web request {deal.name}
  due: +1d
defaults:
""", 1)
open("crm.yaml", "w").write(t)
PY
n=$(commits)
run commit
is "$rc" 0 "crm commit takes the new rules"
is "$(commits)" $((n + 1)) "the rules are one commit"
run automate
is "$rc" 0 "crm automate lists the rules"
like "$out" "^NAME +WHEN +STAGE +TITLE" "crm automate: the header"
like "$out" "offer +stage +proposal +Send the offer" "crm automate: the offer rule"
co=$("$CRM" add company "ООО Ромашка")
ct=$("$CRM" add contact "Иван Петров" --company "$co")
d3=$("$CRM" add deal "Трубы" --company "$co" --contact "$ct" --stage first_contact)
"$CRM" set "$d3" stage=proposal >/dev/null
t3=$(tasks_for "$d3")
is "$(sed -n 's/^name: //p' "$t3")" "Send the offer to Иван Петров about Трубы (ООО Ромашка)" \
	"the template takes the contact's, the deal's and the company's names"
is "$(sed -n 's/^owner: //p' "$t3")" "bob" "the rule's named owner"
is "$(sed -n 's/^priority: //p' "$t3")" "high" "the rule's priority"
like "$(sed -n 's/^due: //p' "$t3")" "T10:00:00\+03:00'$" "next working day 10:00"
ok "$(python3 -c "
import datetime, sys
d = datetime.datetime.fromisoformat($(sed -n 's/^due: //p' "$t3"))
sys.exit(0 if d.weekday() < 5 and d.date() > datetime.date.today() else 1)"; echo $?)" "a working day after today"
like "$(git log -1 --format=%B)" "Crm-Automation: offer made task" "the move's commit says so"
"$CRM" set "$d3" stage=negotiation >/dev/null
is "$(tasks_for "$d3" | wc -l)" 1 "vip-negotiation wants the tag vip"
"$CRM" set "$d3" stage=proposal >/dev/null
is "$(tasks_for "$d3" | wc -l)" 2 "entering the stage again makes a new task (a new stage entry)"
d4=$("$CRM" add deal "Jumper" --tag vip)
"$CRM" set "$d4" stage=negotiation >/dev/null
is "$(tasks_for "$d4" | xargs grep -h '^name: ' | sort | tr '\n' '|')" "name: Call Jumper back|name: Call back within 15 minutes|" \
	"a deal that jumps stages runs the rules of the stage it enters only"
d5=$("$CRM" add deal "From the site" --source web --stage proposal)
is "$(tasks_for "$d5" | xargs grep -h '^name: ')" "name: Answer the web request From the site" \
	"a created rule filtered by source; created in proposal runs no stage rule"
store_clean "stage rules"

# --- broken rules -------------------------------------------------------------------------
n=$(commits)
head=$(git rev-parse HEAD)
sed -i 's/  stage: proposal\n  title: Send/X/; s/^  owner: bob$/  owner: bobb/' crm.yaml
run commit
is "$rc" 1 "a rule naming an unknown user is refused on commit"
like "$err" "automation rule 'offer': unknown user 'bobb'" "the refusal names the rule and the user"
is "$(git rev-parse HEAD)" "$head" "the refused crm.yaml is not committed"
git checkout -q crm.yaml
sed -i 's/^  stage: negotiation$/  stage: negotiatoin/' crm.yaml
run commit
is "$rc" 1 "a rule naming an unknown stage is refused"
like "$err" "automation rule 'vip-negotiation': unknown stage 'negotiatoin'" "the unknown stage"
git checkout -q crm.yaml
sed -i 's/{deal.name} back/{deal.nmae} back/' crm.yaml
run commit
like "$err" "unknown field 'nmae' of a deal" "a rule naming an unknown field is refused"
git checkout -q crm.yaml
sed -i 's/^  due: +2h$/  due: whenever/' crm.yaml
run commit
like "$err" "due: cannot read 'whenever'" "a rule with a due that does not read is refused"
git checkout -q crm.yaml
is "$(commits)" "$n" "no refused rule was committed"
# committed past crm (plain git): reported, and never skipped silently
sed -i 's/^  owner: bob$/  owner: bobb/' crm.yaml
git commit -qam "a broken rule, by hand"
run check --format json
is "$rc" 10 "crm check reports the broken rule"
like "$out" '"value": "unknown user '"'"'bobb'"'"'"' "crm check: its problem"
run automate
is "$rc" 10 "crm automate exits 10 with a broken rule"
like "$out" "offer .*unknown user 'bobb'" "crm automate shows its problem"
n=$(commits)
run set "$d4" stage=proposal
is "$rc" 1 "a change that would fire the broken rule is refused"
like "$err" "^crm: warning: crm.yaml: line [0-9]+: automation rule 'offer' cannot run: unknown user 'bobb'" \
	"a command that writes warns of the broken rule as it reads crm.yaml"
like "$err" "automation rule 'offer' cannot run: unknown user 'bobb'" "the refusal says why"
like "$err" "hint: fix it in 'crm.yaml'" "and what to do"
is "$(commits)" "$n" "nothing was committed"
is "$(sed -n 's/^stage: //p' "$(file_of deal "$d4")")" "negotiation" "the deal's file is as it was"
store_clean "a broken rule"
git revert --no-edit HEAD >/dev/null
run check --format json
ok "$(printf '%s' "$out" | grep -q '"kind": "rule"'; [ $? -eq 1 ]; echo $?)" "the fixed rule is no finding"

# --- renames and removals keep the rules true ------------------------------------------------
run stage rename sales proposal offer_sent
is "$rc" 0 "a stage a rule names can be renamed"
like "$(sed -n '/^- name: offer$/,/^- name/p' crm.yaml)" "stage: offer_sent" "the rule follows the rename"
run user rename bob robert
is "$rc" 0 "a user a rule names can be renamed"
like "$(sed -n '/^- name: offer$/,/^- name/p' crm.yaml)" "owner: robert" "the rule's owner follows"
n=$(commits)
run user rm robert --to ann
is "$rc" 1 "a user a rule names cannot be removed"
like "$err" "automation rule 'offer': unknown user 'robert'" "the removal names the rule"
is "$(commits)" "$n" "nothing written"
store_clean "renames"

# --- crm automate --replay --------------------------------------------------------------------
init_store replay
"$CRM" user add bob --name "Bob Brown" >/dev/null
r1=$("$CRM" add deal "Old one" --stage proposal)
r2=$("$CRM" add deal "Old two" --stage proposal --owner bob)
r3=$("$CRM" add deal "Elsewhere" --stage negotiation)
python3 - <<'PY'
t = open("crm.yaml").read()
t = t.replace("defaults:\n", """- name: offer
  when: stage
  stage: proposal
  title: Offer for {deal.name}
  due: +1d
defaults:
""", 1)
open("crm.yaml", "w").write(t)
PY
"$CRM" commit >/dev/null
n=$(commits)
run automate --replay --dry-run offer
is "$rc" 0 "replay --dry-run exits 0"
is "$(printf '%s\n' "$out" | wc -l)" 2 "replay --dry-run: two deals in proposal"
like "$out" "offer  deal ${r1:0:4}  Offer for Old one" "replay --dry-run names the task"
is "$(commits)" "$n" "replay --dry-run commits nothing"
is "$(ls tasks 2>/dev/null | wc -l)$(git status --porcelain)" "0" "replay --dry-run writes nothing"
run automate --replay offer --format ids
is "$rc" 0 "replay exits 0"
is "$(commits)" $((n + 1)) "replay is one commit"
is "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" "$(printf '%s\n' $(tasks_for "$r1") $(tasks_for "$r2") | xargs -n1 basename | sed 's/.yaml//' | sort | tr '\n' ' ')" \
	"replay prints the tasks' ids"
is "$(sed -n 's/^owner: //p' $(tasks_for "$r2"))" "bob" "a replayed task is its deal's owner's"
is "$(tasks_for "$r3")" "" "a deal in another stage gets none"
like "$(git log -1 --format=%B)" "^automate offer: 2 tasks" "the replay's subject"
is "$(git log -1 --format=%B | grep -c '^Crm-Automation: offer made task')" 2 "a trailer per task"
store_clean "replay"
n=$(commits)
run automate --replay
is "$rc$out" "0no deals need a task from the rules" "a second replay makes nothing"
is "$(commits)" "$n" "and commits nothing"
run automate --replay ofer
is "$rc" 3 "replay of an unknown rule exits 3"
like "$err" "unknown automation rule 'ofer' \(did you mean 'offer'\?\)" "did you mean"
run automate --replay offer call-back
is "$rc" 2 "replay of two rules is a usage error"
run automate offer
is "$rc" 2 "a rule without --replay is a usage error"
run automate --dry-run
is "$rc" 2 "--dry-run without --replay is a usage error"

# --- the same task in two clones ----------------------------------------------------------------
init_store one
c1=$("$CRM" add deal "Shared deal" --stage proposal)
git clone -q "$TEST_ROOT/one" "$TEST_ROOT/two"
cd "$TEST_ROOT/two" && git config user.name "Ann Smith" && cd "$TEST_ROOT/one"
for d in one two; do
	cd "$TEST_ROOT/$d"
	python3 - <<'PY'
t = open("crm.yaml").read()
t = t.replace("defaults:\n", "- name: offer\n  when: stage\n  stage: proposal\n  title: Offer\ndefaults:\n", 1)
open("crm.yaml", "w").write(t)
PY
	"$CRM" commit >/dev/null
	"$CRM" automate --replay >/dev/null
done
cd "$TEST_ROOT/one"
a=$(tasks_for "$c1" | xargs -n1 basename | sort | tr '\n' ' ')
cd "$TEST_ROOT/two"
b=$(tasks_for "$c1" | xargs -n1 basename | sort | tr '\n' ' ')
is "$a" "$b" "two clones that run the rule on the same stage entry make the same task ids ($a)"
# a clone that already has the task (synced) does not make it again
cd "$TEST_ROOT/one"
git pull -q --no-rebase -X theirs "$TEST_ROOT/two" main >/dev/null 2>&1
n=$(commits)
run automate --replay
is "$rc$out" "0no deals need a task from the rules" "after the sync: nothing to make"
is "$(tasks_for "$c1" | wc -l)" 1 "one task after the sync, not two"

# --- an old store, and a transaction without rules ------------------------------------------
old_store old
o1=$("$CRM" add deal "Old deal" --stage lead)
is "$(tasks_for "$o1")" "" "an old store (no automation: list) makes no tasks"
run check --format json
like "$out" '"kind": "no-task"' "and crm check says the deal needs one"

# --- crm reassign: --dry-run, the summary, --from/--to --------------------------------------------
init_store reassign
"$CRM" user add bob --name "Bob Brown" >/dev/null
printf 'fields:\n  manager: {kind: user, types: [company]}\n' >>crm.yaml
"$CRM" commit >/dev/null
co=$("$CRM" add company "ООО Ромашка" --set manager=ann)
dl=$("$CRM" add deal "Lead deal")
ta=$(tasks_for "$dl" | xargs basename | sed 's/.yaml//')
n=$(commits)
run reassign ann bob --dry-run
is "$rc" 0 "reassign --dry-run exits 0"
is "$out" "would reassign 3 records from 'ann' to 'bob':
  1 company, 1 deal, 1 open task" "reassign --dry-run: what would move, by type"
is "$(commits)" "$n" "reassign --dry-run commits nothing"
is "$(git status --porcelain)" "" "reassign --dry-run writes nothing"
is "$(sed -n 's/^owner: //p' "$(file_of company "$co")")" "ann" "the company is still ann's"
run reassign --from ann --to bob --dry-run --verbose
like "$out" "company $co  ООО Ромашка" "--verbose lists the records"
like "$out" "task    $ta  Call back within 15 minutes" "--verbose lists the open task"
run reassign --from ann bob
is "$rc" 2 "--from without --to is a usage error"
run reassign ann bobb
is "$rc" 3 "reassign to an unknown user exits 3"
like "$err" "unknown user 'bobb'" "reassign to an unknown user: the message"
is "$(commits)" "$n" "the refusals commit nothing"
run reassign --from ann --to bob -v
is "$rc" 0 "reassign --from --to exits 0"
is "$(printf '%s\n' "$out" | head -2)" "reassigned 3 records from 'ann' to 'bob'
  1 company, 1 deal, 1 open task" "reassign: the summary"
is "$(sed -n 's/^owner: //p' "$(file_of task "$ta")")" "bob" "the open task moved too"
is "$(sed -n 's/^manager: //p' "$(file_of company "$co")")" "bob" "a custom field of kind user moved too"
is "$(commits)" $((n + 1)) "reassign is one commit"
ru reassign bob ann --dry-run
like "$out" "1 компания, 1 сделка, 1 открытая задача" "Russian: the summary"
store_clean "reassign"

done_testing
