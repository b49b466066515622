#!/bin/bash
# Hostile input to the sales commands: deal move, note, task, board,
# check and automate refuse what they cannot take with a one-line error
# and a non-zero exit, write nothing, and never die of a signal.
. "$(dirname "$0")/lib.sh"

new_store sales
"$CRM" add company "Acme" >/dev/null
deal=$("$CRM" add deal "Big" --company Acme)
n=$(commits)

# --- a lost reason of blanks is no reason ---
run deal move "$deal" lost --reason "   "
is "$rc" 2 "a reason of spaces is refused"
like "$err" "^crm: error: a deal moved to lost stage 'lost' needs a reason" \
	"and says a reason is needed"
run deal move "$deal" lost --reason "$(printf '\t\n')"
is "$rc" 2 "a reason of a tab and a newline is refused"
is "$(commits)" "$n" "no commit for a blank reason"
store_clean "blank reason"


# --- a stage's name is text, or a map of languages to text ---
cp crm.yaml "$TEST_ROOT/crm.yaml.orig"
for bad in '""' '{}' '{en: ""}' '{en: Lead, ru: [1, 2]}' '{en: {x: y}}' '[Lead]'; do
	sed "0,/^    name: Lead\$/s//    name: $bad/" "$TEST_ROOT/crm.yaml.orig" >crm.yaml
	run board
	is "$rc" 1 "a stage named $bad is refused"
	like "$err" "^crm: error: cannot read 'crm.yaml': line [0-9]+: the name of 'lead' must be text" \
		"and the error names the file, the line and the stage ($bad)"
done
sed "0,/^    name: Lead\$/s//    name: {en: Lead, ru: Лид}/" "$TEST_ROOT/crm.yaml.orig" >crm.yaml
run board
is "$rc" 0 "a map of languages to text is a name"
cp "$TEST_ROOT/crm.yaml.orig" crm.yaml
store_clean "stage names"

# --- a hand-edited stage_history keeps the form of its entries ---
f=$(file_of deal "$deal")
cp "$f" "$TEST_ROOT/deal.orig"
n=$(commits)
hist_edit() { # hist_edit PERL-SUBSTITUTION DESCRIPTION PATTERN
	cp "$TEST_ROOT/deal.orig" "$f"
	perl -0pi -e "$1" "$f"
	run commit -m "hand edit"
	is "$rc" 1 "crm commit refuses $2"
	like "$err" "^crm: error: cannot read '$f': line [0-9]+: field 'stage_history': $3" \
		"and names the file, the line and the field ($2)"
}
hist_edit 's/(stage_history:\n- id: \S+\n  stage: lead\n  at: )\S+/$1garbage/' \
	"an entry at a time that is no time" "entry of stage 'lead': invalid time 'garbage'"
hist_edit 's/(stage_history:\n- id: \S+\n  stage: lead\n)  at: \S+\n/$1/' \
	"an entry with no time" "entry of stage 'lead': invalid time ''"
hist_edit 's/(stage_history:\n- id: \S+\n  stage: )lead/$1""/' \
	"an entry with an empty stage" "an entry has no stage"
hist_edit 's/(stage_history:\n- id: \S+\n  stage: )lead/$1\[a, b\]/' \
	"an entry whose stage is a list" "an entry has no stage"
hist_edit 's/(stage_history:\n- id: \S+\n  stage: lead\n  at: \S+\n  by: ann\n)/$1  reason: [1, 2]\n/' \
	"a reason that is a list" "must be a single value"
hist_edit 's/(stage_history:\n- id: \S+\n  stage: lead\n  at: \S+\n  by: )ann/$1\{a: b\}/' \
	"a by that is a map" "must be a single value"
cp "$TEST_ROOT/deal.orig" "$f"
is "$(commits)" "$n" "no commit for a broken stage_history"
store_clean "stage_history hand edits"

# --- what happened is not dated in the future ---
n=$(commits)
run deal move "$deal" proposal --at tomorrow
is "$rc" 2 "deal move --at tomorrow is a usage error"
like "$err" "^crm: error: --at: 'tomorrow' is in the future" "and says the time is to come"
run note "$deal" "will have called" --at +5d
is "$rc" 2 "note --at +5d is a usage error"
run call "$deal" "ahead" --at "$(date -d '+2 hours' '+%Y-%m-%d %H:%M')"
is "$rc" 2 "call --at two hours ahead is a usage error"
run meeting "$deal" "next year" --at +52w
is "$rc" 2 "meeting --at +52w is a usage error"
is "$(commits)" "$n" "no commit for a time to come"
store_clean "--at in the future"
run note "$deal" "called" --at -1h
is "$rc" 0 "note --at an hour ago is taken"
run deal move "$deal" proposal --at yesterday
is "$rc" 0 "deal move --at yesterday is taken"

# --- a reference to a record of another type says what it names ---
company=$("$CRM" list company --format ids)
n=$(commits)
run deal move "$company" won
is "$rc" 3 "deal move of a company's id exits 3"
is "$err" "crm: error: no record matches '$company'
hint: it names company ${company:0:4} 'Acme', which is not taken here" \
	"and the hint names the company it is"
run deal move Acme won
like "$err" "hint: it names company ${company:0:4} 'Acme'" "by name too"
run task done "$deal"
is "$rc" 3 "task done of a deal's id exits 3"
like "$err" "hint: it names deal ${deal:0:4} 'Big'" "and the hint names the deal"
esc=$(printf '\033')
task=$("$CRM" add task "x${esc}[2J" --for Acme --due +1d)
n=$(commits)
run note "$task" "hi"
is "$rc" 3 "note for a task exits 3"
case $err in *"$esc"*) ok 1 "no raw escape in the hint" ;;
*) ok 0 "no raw escape in the hint" ;; esac
like "$err" "hint: it names task ${task:0:4} 'x\\\\x1b\\[2J'" "the task's name is shown escaped"
run show nosuch
is "$err" "crm: error: no record matches 'nosuch'" "a reference to nothing gets no hint"
is "$(commits)" "$n" "no commit for a reference of another type"
store_clean "references of another type"

# --- a stage's name is one line of text people can read ---
n=$(commits)
for bad in "   " "$(printf 'a\033[2J')" "$(printf 'ring\a')" "$(printf 'a\tb')" "$(printf 'a\rb')"; do
	run stage add sales demo --name "$bad"
	is "$rc" 2 "stage add --name $(printf '%q' "$bad") is a usage error"
	case $err in *$'\033'*|*$'\a'*|*$'\r'*) ok 1 "the error shows no raw control character" ;;
	*) ok 0 "the error shows no raw control character" ;; esac
done
is "$(commits)" "$n" "no commit for a bad stage name"
store_clean "stage add --name"
cp crm.yaml "$TEST_ROOT/crm.yaml.orig"
sed "0,/^    name: Lead\$/s//    name: '   '/" "$TEST_ROOT/crm.yaml.orig" >crm.yaml
run board
is "$rc" 1 "a hand-edited blank stage name is refused"
like "$err" "line [0-9]+: the name of 'lead' must be text" "with its line"
cp "$TEST_ROOT/crm.yaml.orig" crm.yaml
run stage add sales demo --name "Демо этап"
is "$rc" 0 "a Cyrillic name with a space is taken"

# --- a hand-edited timeline entry holds single values ---
f=$(file_of deal "$deal")
"$CRM" call "$deal" "spoke" --outcome "agreed" >/dev/null
cp "$f" "$TEST_ROOT/deal.orig"
n=$(commits)
for r in 's/  text: spoke/  text: [1, 2]/' 's/  outcome: agreed/  outcome: {a: b}/' \
	 's/(  kind: call\n  at: \S+\n  by: )ann/$1\[ann\]/'; do
	cp "$TEST_ROOT/deal.orig" "$f"
	perl -0pi -e "$r" "$f"
	run commit -m "hand edit"
	is "$rc" 1 "crm commit refuses a timeline entry edited with $r"
	like "$err" "^crm: error: cannot read '$f': line [0-9]+: field 'timeline': must be a single value" \
		"and names the file, the line and the field"
done
cp "$TEST_ROOT/deal.orig" "$f"
is "$(commits)" "$n" "no commit for a timeline entry of lists"
store_clean "timeline hand edits"

# --- strict lost reasons with none to pick from would make no deal losable ---
cp crm.yaml "$TEST_ROOT/crm.yaml.orig"
python3 - <<'PY'
s = open("crm.yaml").read()
i = s.index("lost_reasons:")
j = s.index("\n", s.index("name: No budget")) + 1
open("crm.yaml", "w").write(s[:i] + "lost_reasons: []\nlost_reasons_strict: true\n" + s[j:])
PY
run board
is "$rc" 1 "lost_reasons_strict with no lost_reasons is refused"
like "$err" "^crm: error: cannot read 'crm.yaml': line [0-9]+: 'lost_reasons_strict' is true, but 'lost_reasons' lists none" \
	"and the error names the file, the line and the key"
n=$(commits)
run commit -m "strict, no reasons"
is "$rc" 1 "crm commit refuses it too"
is "$(commits)" "$n" "no commit for it"
cp "$TEST_ROOT/crm.yaml.orig" crm.yaml
store_clean "strict lost reasons"

# --- a name with line breaks cannot write trailers into the commit ---
set_commit=$(git rev-parse HEAD)
evil=$("$CRM" add deal "$(printf 'Evil\n\nCrm-Undoes: %s\r\nCrm-Command: rm' "$set_commit")" --company Acme)
is "$(git log -1 --format=%B | grep -c '^Crm-Undoes')" 0 "no Crm-Undoes line comes from the name"
is "$(git log -1 --format=%B | grep -c '^Crm-Command')" 1 "one Crm-Command line: crm's own"
like "$(git log -1 --format=%s)" "^deal ${evil:0:4}: add Evil +Crm-Undoes: " "the name is kept on the subject's one line"
is "$(git log -1 --format=%B | sed -n '/^Crm-Command/p')" "Crm-Command: add" "the command is add"

done_testing
