#!/bin/bash
# 83-sales-polish.t - the finish of the sales commands: crm show gives each
# open task once (in its timeline), a deal's first stage may carry its
# reason, and a newline from an argument never breaks an error line.
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

done_testing
