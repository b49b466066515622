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


done_testing
