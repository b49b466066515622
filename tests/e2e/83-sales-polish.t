#!/bin/bash
# 83-sales-polish.t - the finish of the sales commands: crm show gives each
# open task once (in its timeline), a newline from an argument never
# breaks an error line while a message's hint lines stay, and a rule's
# title that renders to nothing gives its task the rule's name.
. "$(dirname "$0")/lib.sh"

new_store polish
"$CRM" add company "Acme" >/dev/null
deal=$("$CRM" add deal "Supply" --company Acme)
"$CRM" add task "Send the offer" --for Supply --due 2026-12-05 >/dev/null
"$CRM" add task "Chase the invoice" --for Acme --due 2020-01-05 >/dev/null
store_clean "setup"

# --- crm show: each open task once, in the timeline ---
for ref in Supply Acme; do
	run show "$ref"
	is "$rc" 0 "show $ref exits 0"
	is "$(printf '%s\n' "$out" | grep -c 'Send the offer')" 1 "show $ref: the deal's open task appears once"
	ok "$(printf '%s\n' "$out" | grep -q '^Open tasks:'; [ $? -ne 0 ]; echo $?)" \
		"show $ref: no section of open tasks beside the timeline"
	like "$(printf '%s\n' "$out" | sed -n '/^Timeline:/,$p')" "2026-12-05 +ann +open task +Send the offer" \
		"show $ref: the open task is in the timeline at its due date"
done
run show Acme
is "$(printf '%s\n' "$out" | grep -c 'Chase the invoice')" 1 "the company's own open task appears once"
like "$(printf '%s\n' "$out" | grep -A1 'Send the offer')" "for Supply \(${deal:0:4}\)" \
	"a company's timeline says what its deal's task is for"
run --format json show Acme
is "$rc" 0 "show --format json exits 0"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted(t["name"] for t in d["related"]["tasks"]))')" \
	"['Chase the invoice', 'Send the offer']" "json: the open tasks under related.tasks"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted(a["text"] for a in d["activity"] if a["kind"] == "open_task"))')" \
	"['Chase the invoice', 'Send the offer']" "json: each open task once in activity"

# --- a newline from an argument is shown as \n; a message's hint lines stay ---
nl=$'\n'
n=$(commits)
run deal move Supply "wo${nl}n"
is "$rc" 3 "deal move to a stage with a newline exits 3"
is "$err" "crm: error: unknown stage 'wo\\nn' (did you mean 'won'?)" \
	"deal move: the newline of the argument is shown as \\n, on one line"
run add deal "X" --stage "lo${nl}st"
is "$rc" 2 "add --stage with a newline exits 2"
is "$err" "crm: error: field 'stage': unknown stage 'lo\\nst' (did you mean 'lost'?)" \
	"add: one line"
run show "no${nl}such"
is "$rc" 3 "show of a reference with a newline exits 3"
is "$err" "crm: error: no record matches 'no\\nsuch'" "show: one line"
run set Supply "owner=x${nl}y"
is "$rc" 2 "set owner= with a newline exits 2"
is "$err" "crm: error: field 'owner': unknown user 'x\\ny'" "set: one line"
run automate --replay "ru${nl}le"
is "$rc" 3 "automate --replay of a rule with a newline exits 3"
is "$err" "crm: error: unknown automation rule 'ru\\nle'${nl}hint: 'crm automate' lists them" \
	"automate: the argument escaped, the message's hint line kept"
run user rm "x${nl}y"
is "$(printf '%s\n' "$err" | sed -n 1p)" "crm: error: unknown user 'x\\ny'" "user rm: the argument escaped"
is "$(printf '%s\n' "$err" | sed -n 2p)" "hint: 'crm user add' adds one" "user rm: and its hint on a line of its own"
two=$("$CRM" add deal --name "Two${nl}lines")
n=$(commits)
run set --stdin owner=nobody <<<"$two"
is "$rc" 2 "a bulk set refused exits 2"
is "$err" "crm: error: deal $two 'Two\\nlines': field 'owner': unknown user 'nobody'${nl}hint: nothing was changed" \
	"set --stdin: a name with a newline is escaped, the hint line stays"
run tag --stdin "+a b" <<<"$two"
is "$err" "crm: error: deal $two 'Two\\nlines': field 'tags': invalid tag 'a b' (no spaces or commas)${nl}hint: nothing was changed" \
	"tag --stdin: the same"
sed -i 's/^lost_reasons:$/lost_reasons_strict: true\n&/' crm.yaml
git commit -qam "strict lost reasons" || exit 1
n=$(commits)
for how in "deal move Supply lost" "set Supply stage=lost" "add deal Gone --stage lost"; do
	# shellcheck disable=SC2086
	run $how --reason "x${nl}y"
	is "$rc" 2 "$how --reason with a newline, strict: exits 2"
	is "$(printf '%s\n' "$err" | sed -n 1p)" "crm: error: unknown lost reason 'x\\ny'" \
		"$how: the reason escaped"
	like "$(printf '%s\n' "$err" | sed -n 2p)" "^hint: crm.yaml allows only these" "$how: the hint on its own line"
	is "$(printf '%s\n' "$err" | wc -l)" 2 "$how: two lines, no more"
done
is "$(commits)" "$n" "no commit for any refusal"
store_clean "newlines in arguments"
if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$'; then
	err=$(LC_ALL=ru_RU.UTF-8 "$CRM" automate --replay "ru${nl}le" 2>&1)
	is "$err" "crm: ошибка: неизвестное правило автоматизации 'ru\\nle'${nl}подсказка: список правил показывает 'crm automate'" \
		"ru: the argument escaped, the hint line kept"
	err=$(LC_ALL=ru_RU.UTF-8 "$CRM" stage add salse x 2>&1)
	is "$err" "crm: ошибка: неизвестная воронка 'salse' (может быть, 'sales'?)" \
		"ru: an unknown pipeline with its did-you-mean"
	err=$(LC_ALL=ru_RU.UTF-8 "$CRM" stage rm sales leed 2>&1)
	is "$err" "crm: ошибка: воронка 'sales': неизвестный этап 'leed' (может быть, 'lead'?)" \
		"ru: an unknown stage of a pipeline with its did-you-mean"
else
	echo "ok $((_tap_n + 1)) # SKIP no ru_RU.UTF-8 locale"
	_tap_n=$((_tap_n + 1))
fi

# --- a rule's title that renders to nothing: the task takes the rule's name ---
new_store rules
python3 - <<'PY' || { echo "Bail out! rules"; exit 1; }
t = open("crm.yaml").read()
t = t.replace("defaults:\n", """automation:
- name: who-to-call
  when: created
  stage: lead
  title: '{contact.name}'
  due: +1d
- name: offer
  when: stage
  stage: proposal
  title: Call {contact.name} about {deal.name}
  due: +1d
defaults:
""", 1)
open("crm.yaml", "w").write(t)
PY
"$CRM" commit -m "rules" >/dev/null || echo "Bail out! crm commit of the rules"
# tasks_named_for ID: the names of the tasks for ID, one a line
tasks_named_for() {
	grep -lE "^for: '?$1'?\$" tasks/*/*.yaml 2>/dev/null | xargs -r sed -n 's/^name: //p' | sort
}
"$CRM" add contact "Ivan Petrov" >/dev/null
d1=$("$CRM" add deal "With contact" --contact "Ivan Petrov")
is "$(tasks_named_for "$d1")" "Ivan Petrov" "a title of one placeholder with a value: the value"
d2=$("$CRM" add deal "No contact")
is "$(tasks_named_for "$d2")" "who-to-call" "a title that renders to nothing: the rule's name"
like "$(git log -1 --format=%B)" "Crm-Automation: who-to-call made task [0-9a-z]{10} for deal $d2" \
	"the task is made in the deal's commit all the same"
"$CRM" deal move "$d2" proposal >/dev/null
is "$(tasks_named_for "$d2" | grep -v who-to-call)" "Call about No contact" \
	"an empty placeholder leaves no double space"
store_clean "empty titles"

done_testing
