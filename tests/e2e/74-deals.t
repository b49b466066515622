#!/bin/bash
# 74-deals.t - crm deal move (stage_history entries with ids and reasons,
# lost stages need a reason, strict lost reasons, unknown stages with a
# did-you-mean, moving back, the same-stage no-op), the same rules on
# crm set and hand edits, competitors, probabilities, crm deal list,
# crm stage add's new options, a store with the plain stage list, and
# Russian.
. "$(dirname "$0")/lib.sh"

# nothing_written N DESC: no commit since N, and a clean work tree.
nothing_written() {
	is "$(commits)" "$1" "$2: no commit"
	is "$(git status --porcelain)" "" "$2: nothing written"
}
# hist FILE FIELD: FIELD of every stage_history entry, space-separated.
hist() {
	python3 -c 'import yaml,sys; d=yaml.safe_load(open(sys.argv[1], encoding="utf-8")); print(" ".join(str(e.get(sys.argv[2], "-")) for e in d.get("stage_history", [])))' "$1" "$2"
}
# jq_py EXPR: evaluates EXPR on the JSON document $out as j.
jq_py() {
	printf '%s' "$out" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

new_store deals
co=$("$CRM" add company "Acme Ltd")
rival=$("$CRM" add company "Rival Corp" --relation competitor)
d1=$("$CRM" add deal "Supply 2027" --company "Acme Ltd" --amount 1500000 --stage proposal)
d2=$("$CRM" add deal "Service contract" --company "Acme Ltd" --amount 30000 --currency EUR)
f1=$(file_of deal "$d1"); f2=$(file_of deal "$d2")

# --- a move ---
n=$(commits)
run deal move "Supply 2027" negotiation
is "$rc" 0 "deal move exits 0"
is "$out" "deal ${d1:0:4} 'Supply 2027': Proposal -> Negotiation" "the move says what it did, with display names"
is "$(commits)" $((n + 1)) "a move is one commit"
is "$(git log -1 --format=%s)" "deal ${d1:0:4}: proposal -> negotiation" "the commit's subject"
is "$(grep '^stage:' "$f1")" "stage: negotiation" "the deal's stage"
is "$(hist "$f1" stage)" "proposal negotiation" "the move is appended to stage_history"
is "$(hist "$f1" by)" "ann ann" "each entry says who"
ids=$(hist "$f1" id)
like "$ids" '^[0-9a-z]{10} [0-9a-z]{10}$' "every entry has an id of its own"
is "$(printf '%s\n' $ids | sort -u | wc -l)" 2 "the ids differ"
store_clean "deal move"

# --- --at ---
run deal move "$d1" proposal --at 2026-11-02
is "$rc" 0 "moving back exits 0"
is "$(hist "$f1" stage)" "proposal negotiation proposal" "moving back is recorded"
like "$(hist "$f1" at | awk '{print $3}')" '^2026-11-02' "--at sets the entry's time"
run deal move "$d1" proposal --at "not a date"
is "$rc" 2 "--at that is no date: usage error"

# --- the stage it is in: a no-op ---
n=$(commits)
run deal move "$d1" proposal
is "$rc" 0 "a move to the current stage exits 0"
like "$out" "already in stage 'Proposal'; nothing changed" "it says so"
nothing_written "$n" "same stage"

# --- refusals ---
n=$(commits)
run deal move "$d1" wonn
is "$rc" 3 "unknown stage exits 3"
like "$err" "unknown stage 'wonn' \(did you mean 'won'\?\)" "unknown stage: did you mean"
nothing_written "$n" "unknown stage"
run deal move "$d1" lost
is "$rc" 2 "lost without a reason exits 2"
like "$err" "needs a reason" "lost without a reason: said so"
like "$err" "hint: give one with --reason: price, competitor, no_budget" "the hint lists the lost reasons"
nothing_written "$n" "lost without a reason"
run deal move "$d1" lost --reason ""
is "$rc" 2 "an empty reason is no reason"
run deal move "No such deal" won
is "$rc" 3 "unknown deal exits 3"
run deal move "Acme Ltd" won
is "$rc" 3 "a company is no deal"
run deal move "$d1"
is "$rc" 2 "a missing stage is a usage error"
run deal move "$d1" won extra
is "$rc" 2 "too many arguments"
run deal move "$(printf 'Supply\xff')" won
is "$rc" 2 "invalid UTF-8 in the reference: usage error"
run deal move "$d1" lost --reason "$(printf 'bad\xff')"
is "$rc" 2 "invalid UTF-8 in --reason: usage error"
"$CRM" add deal "Twin" >/dev/null; "$CRM" add deal "Twin" >/dev/null
n=$(commits)
run deal move Twin won
is "$rc" 4 "an ambiguous deal exits 4"
like "$err" "Twin" "the candidates are listed"
nothing_written "$n" "refusals"

# --- lost with a reason: free text unless strict ---
run deal move "$d1" lost --reason "chose to wait"
is "$rc" 0 "lost with a reason exits 0"
is "$(hist "$f1" reason | awk '{print $NF}')" "wait" "the reason is kept in the entry"
like "$(cat "$f1")" "reason: chose to wait" "the reason as written"
run show "$d1"
like "$out" "stage +Lost \(lost\)" "show prints the move to lost in the timeline"
like "$out" "outcome: +chose to wait" "...with its reason"
run undo
is "$rc" 0 "undo of the lost move"
run deal move "$d1" lost --reason price
run deal move "$d1" proposal
run undo
is "$rc" 0 "undo of a move out of lost: the deal is lost again"
is "$(grep '^stage:' "$f1")" "stage: lost" "undo put the stage back"
is "$(hist "$f1" reason | awk '{print $NF}')" "price" "and with the reason it was lost with"
store_clean "lost"

sed -i 's/^lost_reasons:$/lost_reasons_strict: true\n&/' crm.yaml
git commit -qam "strict lost reasons" || exit 1
n=$(commits)
run deal move "$d2" lost --reason "too slow"
is "$rc" 2 "strict: a reason not in the list exits 2"
like "$err" "unknown lost reason 'too slow'" "strict: said so"
like "$err" "lost_reasons_strict\): price, competitor, no_budget" "strict: the hint lists them"
nothing_written "$n" "strict reason"
run deal move "$d2" lost --reason competitor
is "$rc" 0 "strict: a listed reason is accepted"

# --- crm set goes through the same checks ---
d3=$("$CRM" add deal "Audit" --stage lead)
f3=$(file_of deal "$d3")
n=$(commits)
run set "$d3" stage=lost
is "$rc" 2 "set stage=lost without a reason exits 2"
like "$err" "needs a reason" "set: said so"
nothing_written "$n" "set without a reason"
run set "$d3" stage=lost --reason "too slow"
is "$rc" 2 "set: strict reasons too"
nothing_written "$n" "set with an unlisted reason"
run set "$d3" stage=wonn
is "$rc" 2 "set: an unknown stage is refused"
like "$err" "did you mean 'won'" "set: did you mean"
run set "$d3" name=Audit2 --reason price
is "$rc" 2 "--reason without stage= is a usage error"
nothing_written "$n" "set refusals"
run set "$d3" stage=lost --reason no_budget
is "$rc" 0 "set stage=lost --reason exits 0"
is "$(hist "$f3" reason)" "- no_budget" "set: the reason is in the new entry"
is "$(git log -1 --format=%s)" "deal ${d3:0:4}: lead -> lost" "set: the subject of a stage change"

run set "$d3" stage=negotiation
run set "$d3" stage=lost
is "$rc" 0 "set: a deal lost again keeps the reason it was lost with"
is "$(hist "$f3" reason)" "- no_budget - no_budget" "set: the old reason in the new entry"
d8=$("$CRM" add deal "Never lost")
n=$(commits)
run set "$d8" stage=lost
like "$err" "^crm: error: a deal moved to lost stage 'lost' needs a reason$" \
	"set: the message deal move gives, naming no file"
like "$err" "hint: give one with --reason: price, competitor, no_budget" "set: and its hint"
nothing_written "$n" "set lost without a reason"
printf '%s\n' "$d8" "$d2" >"$TEST_ROOT/ids"
run set --stdin stage=lost <"$TEST_ROOT/ids"
is "$rc" 2 "set --stdin: lost without a reason exits 2"
like "$err" "^crm: error: deal $d8 'Never lost': a deal moved to lost stage 'lost' needs a reason$" \
	"set --stdin: the message names the deal"
nothing_written "$n" "set --stdin lost without a reason"

# --- crm add deal --stage STAGE --reason TEXT: the rules of deal move ---
n=$(commits)
run add deal "Lost at once" --stage lost
is "$rc" 2 "add --stage lost without a reason exits 2"
like "$err" "^crm: error: a deal moved to lost stage 'lost' needs a reason$" "add: the message deal move gives"
like "$err" "hint: give one with --reason: price, competitor, no_budget" "add: the hint lists the lost reasons"
is "$out" "" "add: no id printed"
nothing_written "$n" "add lost without a reason"
run add deal "Lost at once" --stage lost --reason "too slow"
is "$rc" 2 "add: strict reasons too"
like "$err" "unknown lost reason 'too slow'" "add: an unlisted reason is named"
run add deal "Lost at once" --stage lost --reason "   "
is "$rc" 2 "add: a reason of blanks is no reason"
run add deal "Lost at once" --stage lost --reason "$(printf 'bad\xff')"
is "$rc" 2 "add: invalid UTF-8 in --reason"
like "$err" "^crm: error: --reason: the value is not valid UTF-8" "add: said so"
run add company "Reasoned" --reason price
is "$rc" 2 "add: --reason is for deals only"
like "$err" "option '--reason' does not apply to a company" "add: said so"
nothing_written "$n" "add refusals"
run add deal "Lost at once" --stage lost --reason competitor
is "$rc" 0 "add --stage lost --reason exits 0"
d7=$out
f7=$(file_of deal "$d7")
is "$(hist "$f7" stage)" "lost" "add: one stage_history entry"
is "$(hist "$f7" reason)" "competitor" "add: the reason is in it"
is "$(commits)" $((n + 1)) "add: one commit"
run show "$d7"
like "$out" "outcome: +competitor" "add: show gives the reason under the stage"
run add deal "Referred" --reason "a friend of the CEO"
is "$rc" 0 "add --reason on the first (open) stage exits 0, as deal move's"
is "$(hist "$(file_of deal "$out")" reason)" "a friend of the CEO" "add: the reason of an open stage is kept"
store_clean "add --reason"

# a hand edit into a lost stage without a reason is refused on commit
d4=$("$CRM" add deal "Hand edited" --stage lead)
f4=$(file_of deal "$d4")
n=$(commits)
sed -i 's/^stage: .*/stage: lost/' "$f4"
run commit
is "$rc" 1 "commit of a hand edit into lost without a reason exits 1"
like "$err" "needs a reason" "the hand edit: said so"
is "$(commits)" "$n" "the hand edit: no commit"
git checkout -q -- "$f4"
store_clean "refused hand edit"

# --- competitors must be competitors ---
n=$(commits)
run set "$d2" competitors+="$co"
is "$rc" 1 "a client as competitor is refused"
like "$err" "company 'Acme Ltd' is no competitor" "said so"
like "$err" "hint: crm set $co relation=competitor" "the hint says how"
nothing_written "$n" "competitor refused"
run set "$d3" competitors+="$rival"
is "$rc" 0 "a competitor company is accepted"
like "$(cat "$f3")" "competitors:" "the competitor is stored"
run add deal "With rival" --competitor "Acme Ltd"
is "$rc" 1 "add --competitor of a client is refused too"

# --- deal list, probabilities ---
d5=$("$CRM" add deal "Probable" --stage proposal --amount 1000 --probability 35)
d6=$("$CRM" add deal "Stage odds" --stage proposal --amount 2000)
t=$("$CRM" add task "Call back" --for "$d6" --due 2026-12-24)
run deal list
is "$rc" 0 "deal list exits 0"
like "$out" "Stage odds +Proposal +2000" "the table shows the stage's display name and the amount"
like "$out" "Probable .* 35%" "own probability wins"
like "$out" "Stage odds .* 60% .*2026-12-24" "the stage's probability, and the next task's due date"
ok "$(printf '%s\n' "$out" | grep -q 'Acme Ltd'; echo $?)" "the company by name"
run --format json deal list "stage:proposal"
is "$rc" 0 "deal list --format json exits 0"
is "$(jq_py 'sorted(d["name"] for d in j["deals"])')" "['Probable', 'Stage odds']" "the query selects"
is "$(jq_py '[(d["stage"], d["stage_name"], d["probability"]) for d in j["deals"] if d["name"] == "Stage odds"][0]')" \
	"('proposal', 'Proposal', 60)" "JSON: stage id, display name, the stage's probability"
is "$(jq_py '[(d["probability"], d["next_task"]) for d in j["deals"] if d["name"] == "Probable"][0]')" \
	"(35, None)" "JSON: own probability, no next task"
is "$(jq_py '[d["next_task"] for d in j["deals"] if d["name"] == "Stage odds"][0]')" "$t" "JSON: the next task's id"
run --format csv deal list "stage:proposal"
like "$out" "proposal" "CSV keeps the stage id"
run --format ids deal list owner:ann
is "$(printf '%s\n' "$out" | grep -c .)" "$(find deals -name '*.yaml' | wc -l)" "ids: every deal of ann"
run deal list "stage:("
is "$rc" 2 "a query that does not parse is a usage error"
run --format json deal list "name:nothing-like-this"
is "$(jq_py 'j["deals"]')" "[]" "no match: an empty list"

# --- crm stage add --name --kind --probability --rot-days ---
n=$(commits)
run stage add sales demo --after proposal --name "Demo day" --probability 70 --rot-days 5
is "$rc" 0 "stage add with a name and numbers exits 0"
like "$(tr -s ' \n' ' ' <crm.yaml)" "- id: demo name: Demo day probability: 70 rot_days: 5 - id: negotiation" \
	"crm.yaml: the stage as a map in its place"
run deal move "$d6" demo
is "$out" "deal ${d6:0:4} 'Stage odds': Proposal -> Demo day" "the new stage's name is shown"
run stage add sales dropped --kind lost
is "$rc" 0 "stage add --kind lost"
run deal move "$d6" dropped
is "$rc" 2 "a stage of kind lost needs a reason"
n=$(commits)
run stage add sales x --kind maybe
is "$rc" 2 "an unknown kind is a usage error"
run stage add sales x --probability 101
is "$rc" 2 "a probability over 100 is a usage error"
run stage add sales x --name "$(printf 'a\xffb')"
is "$rc" 2 "a name of invalid UTF-8 is a usage error"
nothing_written "$n" "stage add refusals"

# --- completion ---
comp() { "$CRM" __complete words -- crm "$@" | cut -f1 | tr '\n' ' '; }
is "$(comp deal "")" "move list " "completion: the subcommands of deal"
like "$(comp deal move Sup)" "^Supply 2027 $" "completion: a deal after deal move"
ok "$(comp deal move "" | grep -q 'Acme'; [ $? -ne 0 ]; echo $?)" "completion: no company after deal move"
like "$(comp deal move "$d1" "")" "^lead first_contact needs_analysis proposal demo negotiation won lost dropped $" \
	"completion: the stages after the deal"
is "$(comp deal move "$d1" lo)" "lost " "completion: a stage's prefix"

# --- a store with the plain list of stages ---
old_store plain
p1=$("$CRM" add deal "Old style" --stage lead)
pf=$(file_of deal "$p1")
run deal move "$p1" qualified
is "$rc" 0 "plain stages: move exits 0"
is "$out" "deal ${p1:0:4} 'Old style': lead -> qualified" "plain stages: the ids are the names"
run deal move "$p1" lost
is "$rc" 2 "plain stages: 'lost' is a lost stage and needs a reason"
run deal move "$p1" wonn
like "$err" "did you mean 'won'" "plain stages: did you mean"
run deal move "$p1" lost --reason "no answer"
is "$rc" 0 "plain stages: lost with a free reason"
is "$(hist "$pf" stage)" "lead qualified lost" "plain stages: the history"
run --format json deal list
is "$(jq_py 'j["deals"][0]["probability"]')" "0" "plain stages: lost has probability 0"
store_clean "plain stages"

# --- Russian ---
if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$' &&
   [ -f "${CRM_LOCALEDIR:-$(dirname "$CRM")/locale}/ru/LC_MESSAGES/crm.mo" ]; then
	ru() {
		out=$(LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 "$CRM" "$@" 2>"$TEST_ROOT/stderr")
		rc=$?
		err=$(cat "$TEST_ROOT/stderr")
	}
	cd "$TEST_ROOT" || exit 1
	LC_ALL=ru_RU.UTF-8 "$CRM" init --user ann --name "Анна" --email a@example.com ru >/dev/null
	cd ru || exit 1
	r1=$("$CRM" add deal "Поставка мебели" --stage proposal)
	ru deal move "$r1" negotiation
	is "$rc" 0 "ru: move exits 0"
	is "$out" "сделка ${r1:0:4} 'Поставка мебели': Предложение -> Переговоры" "ru: the move in Russian"
	ru deal move "$r1" lost
	is "$rc" 2 "ru: lost without a reason"
	like "$err" "нужна причина" "ru: the error in Russian"
	ru deal move "$r1" negotiation
	like "$out" "уже на этапе 'Переговоры'" "ru: the no-op in Russian"
	ru deal list
	like "$out" "ЭТАП" "ru: the header in Russian"
	like "$out" "Поставка мебели +Переговоры" "ru: the stage's Russian name"
	ru deal move "$r1" "$(printf 'эт\xd0')"
	is "$rc" 3 "ru: a stage of invalid UTF-8 is unknown"
	store_clean "ru"
else
	ok 0 "# skip: no ru_RU.UTF-8 locale or catalogue"
fi

done_testing
