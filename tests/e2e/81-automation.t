#!/bin/bash
# Automation rules in crm.yaml: the default rule of crm init, rules for a
# stage entered with their filters and templates, a deal that jumps
# stages, the task made in the commit of the change (and the message
# saying so), broken rules refused and reported, stage and user renames,
# crm automate and its --replay (of 2,000 rules too, against the tasks
# worked out here), the same task id in two clones, the same task file in
# two clones of a bare repository merged by plain git, an old store; crm
# reassign --dry-run and its summary.
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

# --- a replay of many rules: the deals are read once for all of them ------------------------
# The tasks a replay of 2,000 rules makes on 26 deals, against what this
# test works out itself from crm.yaml and the deals' files: which rule
# matches which deal, the task's id (the hash crm-automate(1) describes),
# title, owner, times and due, and the order: by rule, then by deal id.
new_store many
"$CRM" user add bob --name "Bob Brown" >/dev/null
stages=(lead first_contact needs_analysis proposal negotiation)
for i in $(seq 0 24); do
	args=(--stage "${stages[$((i % 5))]}" --tag "t$((i % 7))")
	[ $((i % 3)) -eq 0 ] && args+=(--source web)
	[ $((i % 4)) -eq 0 ] && args+=(--owner bob)
	"$CRM" add deal "Deal $i" "${args[@]}" >/dev/null
done
mv=$("$CRM" add deal "Mover" --tag t1)
"$CRM" deal move "$mv" proposal --at "2026-03-02 10:00" >/dev/null
"$CRM" deal move "$mv" lead --at "2026-03-03 11:30" >/dev/null
python3 - <<'PY'
stages = ["lead", "first_contact", "needs_analysis", "proposal", "negotiation"]
rules = []
for i in range(2000):
    r = "- name: r%d\n" % i
    if i % 10 == 4:
        r += "  when: created\n"
    elif i % 5 == 3:
        r += "  when: created\n  stage: %s\n" % stages[i // 5 % 5]
    else:
        r += "  when: stage\n  stage: %s\n" % stages[i // 5 % 5]
    if i % 10 != 0:
        r += "  tag: t%d\n" % (i // 10 % 40)
    if i % 7 == 0:
        r += "  source: web\n"
    if i % 11 == 0:
        r += "  pipeline: sales\n"
    if i % 13 == 0:
        r += "  owner: bob\n"
    r += "  title: R%d {deal.name}\n" % i
    if i % 3 == 0:
        r += "  due: +%dd\n" % (i % 5 + 1)
    rules.append(r)
t = open("crm.yaml").read()
t = t.replace("\ndefaults:\n", "\nautomation:\n" + "".join(rules) + "defaults:\n", 1)
open("crm.yaml", "w").write(t)
PY
"$CRM" commit >/dev/null
is "$(grep -c '^- name: r' crm.yaml)" 2000 "crm.yaml holds 2,000 rules"
cat >"$TEST_ROOT/expect.py" <<'PY'
# Prints, in the replay's order, the task each rule of crm.yaml makes
# for each deal it matches: id, for, name, owner, created, updated, due.
import datetime, glob, yaml

M = (1 << 64) - 1
A = "0123456789abcdefghjkmnpqrstvwxyz"

def fnv(h, bs):
    for b in bs:
        h = ((h ^ b) * 1099511628211) & M
    return h

def task_id(deal, rule, entry):
    h = 14695981039346656037
    h = fnv(h, deal.encode() + b"\0")
    h = fnv(h, rule.encode() + b"\0")
    h = fnv(h, entry.encode())
    g = fnv(h ^ 0x9e3779b97f4a7c15, h.to_bytes(8, "little"))
    s = ""
    for i in range(10):
        if i < 6:
            s += A[h & 31]; h >>= 5
        else:
            s += A[g & 31]; g >>= 5
    return s

def matches(r, d):
    created = r.get("when", "created") == "created"
    if not created and d["stage"] != r["stage"]:
        return False
    if created and "stage" in r and d["stage"] != r["stage"]:
        return False
    if "tag" in r and r["tag"] not in d.get("tags", []):
        return False
    if "source" in r and d.get("source") != r["source"]:
        return False
    return "pipeline" not in r or d.get("pipeline", r["pipeline"]) == r["pipeline"]

rules = yaml.safe_load(open("crm.yaml"))["automation"]
deals = sorted((yaml.safe_load(open(f)) for f in glob.glob("deals/*/*.yaml")),
               key=lambda d: d["id"])
for r in rules:
    for d in deals:
        if not matches(r, d):
            continue
        last = d["stage_history"][-1]
        at = d["created"] if r.get("when") == "created" else last["at"]
        due = ""
        if "due" in r:
            day = datetime.datetime.fromisoformat(at).date()
            due = str(day + datetime.timedelta(days=int(r["due"][1:-1])))
        print("\t".join([task_id(d["id"], r["name"], last["id"]), d["id"],
                         r["title"].replace("{deal.name}", d["name"]),
                         r.get("owner", d["owner"]), at, at, due]))
PY
cat >"$TEST_ROOT/actual.py" <<'PY'
# Prints the same fields of each task file of the store.
import glob, yaml
for f in glob.glob("tasks/*/*.yaml"):
    t = yaml.safe_load(open(f))
    print("\t".join([t["id"], t["for"], t["name"], t["owner"], t["created"],
                     t["updated"], t.get("due", "")]))
PY
python3 "$TEST_ROOT/expect.py" >"$TEST_ROOT/expect"
ok "$([ "$(wc -l <"$TEST_ROOT/expect")" -gt 300 ]; echo $?)" \
	"the rules match many deals ($(wc -l <"$TEST_ROOT/expect") tasks)"
n=$(commits)
run automate --replay --dry-run --format ids
is "$rc" 0 "a replay of 2,000 rules --dry-run exits 0"
is "$out" "$(cut -f1 "$TEST_ROOT/expect")" \
	"--dry-run: the ids worked out here, by rule and then by deal"
is "$(commits)$(ls tasks 2>/dev/null)" "$n" "--dry-run writes nothing"
run automate --replay --format ids
is "$rc" 0 "a replay of 2,000 rules exits 0"
is "$out" "$(cut -f1 "$TEST_ROOT/expect")" "the replay prints the same ids in the same order"
is "$(commits)" $((n + 1)) "the replay is one commit"
is "$(git log -1 --format=%s)" "automate all rules: $(wc -l <"$TEST_ROOT/expect") tasks" \
	"the replay's subject counts the tasks"
is "$(git log -1 --format=%B | grep -c '^Crm-Automation: r[0-9]* made task')" \
	"$(wc -l <"$TEST_ROOT/expect")" "a trailer per task"
is "$(python3 "$TEST_ROOT/actual.py" | sort)" "$(sort "$TEST_ROOT/expect")" \
	"each task's for, title, owner, times and due are those worked out here"
like "$(grep -h "	$mv	" "$TEST_ROOT/expect" | cut -f5 | sort -u | tr '\n' ' ')" "2026-03-03T11:30:00\+03:00" \
	"a deal back in a stage: its last entry's time"
store_clean "a replay of many rules"
n=$(commits)
run automate --replay
is "$rc$out" "0no deals need a task from the rules" "a second replay of 2,000 rules makes nothing"
is "$(commits)" "$n" "and commits nothing"

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

# --- two clones write the same file: plain git merges them ---------------------------------
# Two clones of one bare repository, run by two users a second apart,
# replay the same rules: the tasks' files are the same bytes (their times
# are the deal's, not the clock's), so a plain git pull has no conflict.
new_store seed
"$CRM" user add bob --name "Bob Brown" --email bob@example.com >/dev/null
s1=$("$CRM" add deal "Shared offer")
"$CRM" deal move "$s1" proposal --at "2026-03-02 10:00" >/dev/null
s2=$("$CRM" add deal "Shared lead")
python3 - <<'PY'
t = open("crm.yaml").read()
t = t.replace("\ndefaults:\n", """
automation:
- name: offer
  when: stage
  stage: proposal
  title: Offer for {deal.name}
  due: +1d
- name: welcome
  when: created
  stage: lead
  title: Welcome {deal.name}
  due: +2h
defaults:
""", 1)
open("crm.yaml", "w").write(t)
PY
"$CRM" commit >/dev/null
git clone -q --bare "$TEST_ROOT/seed" "$TEST_ROOT/shared.git"
git clone -q "$TEST_ROOT/shared.git" "$TEST_ROOT/c1"
git clone -q "$TEST_ROOT/shared.git" "$TEST_ROOT/c2"
cd "$TEST_ROOT/c1"
run automate --replay
is "$rc" 0 "the first clone replays the rules"
sleep 1 # the second clone's clock reads another second
cd "$TEST_ROOT/c2"
git config user.name "Bob Brown" && git config user.email bob@example.com
run automate --replay
is "$rc" 0 "the second clone, another user, replays them too"
is "$(git log -1 --format=%an)" "Bob Brown" "the second clone's commit is Bob's"
cd "$TEST_ROOT"
is "$(diff -r c1/tasks c2/tasks && echo same)" "same" "both clones wrote the same task files, byte for byte"
cd "$TEST_ROOT/c1"
is "$(ls tasks/*/*.yaml | wc -l)" 2 "a task per rule"
is "$(sed -n 's/^created: //p' $(tasks_for "$s1"))" "'2026-03-02T10:00:00+03:00'" \
	"a stage rule's task was created when the deal entered the stage"
is "$(sed -n 's/^updated: //p' $(tasks_for "$s1"))" "'2026-03-02T10:00:00+03:00'" "and updated then"
is "$(sed -n 's/^due: //p' $(tasks_for "$s1"))" "'2026-03-03'" "its due counts from then"
is "$(sed -n 's/^created: //p' $(tasks_for "$s2"))" "$(sed -n 's/^created: //p' "$(file_of deal "$s2")")" \
	"a created rule's task was created when the deal was"
cd "$TEST_ROOT/c2"
git push -q origin main 2>/dev/null
ok $? "the second clone pushes"
cd "$TEST_ROOT/c1"
git pull -q --no-rebase origin main >/dev/null 2>&1
ok $? "the first clone pulls with plain git: the merge succeeds"
is "$(git ls-files -u)$(git rev-list --parents -1 HEAD | wc -w)" "3" "no conflict, and a merge commit"
is "$(tasks_for "$s1" | wc -l) $(tasks_for "$s2" | wc -l)" "1 1" "one task per deal after the merge, not two"
run automate --replay
is "$rc$out" "0no deals need a task from the rules" "after the merge: nothing to make"
store_clean "two clones' replays merged"

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
