#!/bin/bash
# crm rm: removing a record, refusing while it is referenced, --force,
# and its errors.
. "$(dirname "$0")/lib.sh"

new_store rm
co=$("$CRM" add company "Acme Ltd")
ct=$("$CRM" add contact "John Smith" --company "Acme Ltd")
de=$("$CRM" add deal "Supply 2027" --company "Acme Ltd" --contact "John Smith")
ta=$("$CRM" add task "Call" --for "Supply 2027")
lone=$("$CRM" add company "Lonely Co")
store_clean "setup"

# --- a record nobody refers to ---
n=$(commits)
run rm "Lonely Co"
is "$rc" 0 "rm exits 0"
ok "$([ ! -e "$(file_of company "$lone")" ]; echo $?)" "the file is removed"
is "$(commits)" $((n + 1)) "rm makes one commit"
like "$(git log -1 --format=%s)" "^company ${lone:0:4}: " "rm commit subject names the record"
is "$(git show --stat --format= HEAD | grep -c '|')" 1 "rm commit touches one file"
store_clean "rm"
run --format ids list company
ok "$(printf '%s\n' "$out" | grep -q "$lone"; [ $? -ne 0 ]; echo $?)" "removed record no longer listed"
run show "$lone"
is "$rc" 3 "removed record no longer shown (exit 3)"
run show "Lonely Co"
is "$rc" 3 "removed record's name no longer resolves"

# --- referenced records ---
n=$(commits)
run rm "Acme Ltd"
is "$rc" 1 "rm of a referenced company exits 1"
like "$err" "^crm: error: .*--force" "refusal hints at --force"
like "$err" "$ct" "referring contact listed"
like "$err" "$de" "referring deal listed"
ok "$([ -f "$(file_of company "$co")" ]; echo $?)" "referenced company file kept"
is "$(commits)" "$n" "no commit on refusal"
store_clean "refused rm"
run rm "John Smith"
is "$rc" 1 "rm of a contact referred to by a deal exits 1"
like "$err" "$de" "the deal is listed"
run rm "Supply 2027"
is "$rc" 1 "rm of a deal with a task exits 1"
like "$err" "$ta" "the task is listed"
is "$(commits)" "$n" "no commits on refusals"

# --- leaf first, then the rest ---
run rm Call
is "$rc" 0 "rm of a task exits 0"
run rm "Supply 2027"
is "$rc" 0 "the deal can be removed once its task is gone"

# --- --force ---
run rm "Acme Ltd" --force
is "$rc" 0 "rm --force of a referenced company exits 0"
ok "$([ ! -e "$(file_of company "$co")" ]; echo $?)" "--force removes the file"
is "$(commits)" $((n + 3)) "one commit per rm"
store_clean "rm --force"
run --format ids list company
is "$out" "" "no companies left"
run --format ids list contact
is "$out" "$ct" "the referring contact is kept"

# --- by prefix ---
x=$("$CRM" add company "Prefix Co")
run rm "${x:0:5}"
is "$rc" 0 "rm by id prefix"
ok "$([ ! -e "$(file_of company "$x")" ]; echo $?)" "rm by prefix removes the file"

# --- errors ---
n=$(commits)
run rm nosuch
is "$rc" 3 "rm of an unknown ref exits 3"
like "$err" "'nosuch'" "unknown ref quoted"
run rm
is "$rc" 2 "rm without argument exits 2"
run rm "John Smith" --bogus
is "$rc" 2 "rm with an unknown option exits 2"
t1=$("$CRM" add company Twin)
t2=$("$CRM" add company Twin)
n=$(commits)
run rm Twin
is "$rc" 4 "rm of an ambiguous name exits 4"
like "$err" "company +${t1:0:4}[0-9a-z]* +Twin" "candidate 1 listed (short id)"
like "$err" "company +${t2:0:4}[0-9a-z]* +Twin" "candidate 2 listed (short id)"
is "$(commits)" "$n" "no commit on errors"
store_clean "rm errors"

done_testing
