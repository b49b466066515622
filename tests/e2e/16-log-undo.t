#!/bin/bash
# crm log and crm undo.
. "$(dirname "$0")/lib.sh"

new_store log
# --- undo with nothing to undo ---
n=$(commits)
run undo
is "$rc" 1 "undo right after init exits 1"
like "$err" "nothing to undo" "undo after init: 'nothing to undo'"
is "$(commits)" "$n" "no commit"
store_clean "undo after init"

sed -i 's/^  email: ann@example.com$/&\n- login: bob\n  name: Bob Jones\n  email: bob@example.com/' crm.yaml
git commit -qam "add bob" || exit 1
co=$("$CRM" add company "Acme Ltd")
de=$("$CRM" add deal "Supply 2027" --company "Acme Ltd" --amount 1000)
"$CRM" --user bob set "Supply 2027" stage=won >/dev/null
"$CRM" set "Supply 2027" amount=2000 source=fair >/dev/null
fd=$(file_of deal "$de")

# --- log ---
run log
is "$rc" 0 "log exits 0"
heads=$(printf '%s\n' "$out" | grep -E '^[0-9a-f]{8}  ')
is "$(printf '%s\n' "$heads" | grep -c .)" "$(commits)" "log lists every commit (one heading line each)"
first=$(printf '%s\n' "$heads" | head -1)
like "$first" "deal ${de:0:4}: set amount=2000" "newest first"
like "$first" "Ann Smith" "author shown"
like "$first" "^$(git rev-parse --short=7 HEAD)" "starts with the commit hash"
like "$first" "[0-9]{4}-[0-9]{2}-[0-9]{2}" "date shown"
second=$(printf '%s\n' "$heads" | sed -n 2p)
like "$second" "Bob Jones" "the other author shown"
like "$second" "deal ${de:0:4}: lead -> won" "stage change subject"
like "$(printf '%s\n' "$heads" | tail -1)" "init" "oldest (init) last"
like "$out" "$(printf '\n  deal %s  Supply 2027\n    amount: 1000 -> 2000' "${de:0:4}")" \
	"the store's log shows the record, then its field changes"
run log -n 2
is "$(printf '%s\n' "$out" | grep -cE '^[0-9a-f]{8}  ')" 2 "-n 2 shows two changes"
like "$(printf '%s\n' "$out" | head -1)" "set amount=2000" "-n keeps the newest"
run log -n 1
is "$(printf '%s\n' "$out" | grep -cE '^[0-9a-f]{8}  ')" 1 "-n 1 shows one change"
run log --limit 1
is "$(printf '%s\n' "$out" | grep -cE '^[0-9a-f]{8}  ')" 1 "--limit 1 shows one change"
run log -n 0
is "$rc" 0 "-n 0 (as list's --limit 0) exits 0"
is "$(printf '%s\n' "$out" | grep -cE '^[0-9a-f]{8}  ')" "$(commits)" "-n 0 shows every change"

# --- log REF ---
run log "Supply 2027"
is "$rc" 0 "log REF exits 0"
like "$out" "stage: lead -> won" "per-field change 'stage: lead -> won'"
like "$out" "amount: 1000 -> 2000" "per-field change of amount"
like "$out" "source: .*fair" "added field shown"
ok "$(printf '%s\n' "$out" | grep -q 'Acme Ltd'; [ $? -ne 0 ]; echo $?)" "log REF does not show other records' commits"
ok "$(printf '%s\n' "$out" | grep -q "company ${co:0:4}"; [ $? -ne 0 ]; echo $?)" "no company commits in the deal's log"
order=$(printf '%s\n' "$out" | grep -nE "amount: 1000 -> 2000|stage: lead -> won" | cut -d: -f1 | tr '\n' ' ')
a=$(echo "$order" | cut -d' ' -f1); b=$(echo "$order" | cut -d' ' -f2)
ok "$([ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; echo $?)" "log REF newest first"
run log "${de:0:4}" -n 1
like "$out" "amount: 1000 -> 2000" "log REF -n 1 has the newest change"
ok "$(printf '%s\n' "$out" | grep -q 'stage: lead'; [ $? -ne 0 ]; echo $?)" "log REF -n 1 has only that change"

# --- log --format json ---
run --format json log
is "$rc" 0 "log --format json exits 0"
printf '%s' "$out" | python3 -m json.tool >/dev/null 2>&1
ok $? "log json is valid"
is "$(printf '%s' "$out" | python3 -c '
import json,sys
d=json.load(sys.stdin)
e=d["log"][0]
print(d["format_version"], e["author"]["name"], e["subject"])')" "1 Ann Smith deal ${de:0:4}: set amount=2000, source=fair" "log json: format_version, author, subject"
run --format json log "Supply 2027" -n 1
printf '%s' "$out" | python3 -m json.tool >/dev/null 2>&1
ok $? "log REF json is valid"

# --- log errors ---
run log -n x
is "$rc" 2 "-n x exits 2"
like "$err" "--limit" "the bad value's option is named"
run log -n -1
is "$rc" 2 "-n -1 exits 2"
run log nosuch
is "$rc" 3 "log of an unknown ref exits 3"
run log --bogus
is "$rc" 2 "log with an unknown option exits 2"

# --- undo ---
before_last=$(git show HEAD~1:"$fd")
n=$(commits)
run undo
is "$rc" 0 "undo exits 0"
is "$(cat "$fd")" "$before_last" "undo restores the file's previous content"
is "$(commits)" $((n + 1)) "undo makes a new commit"
is "$(git log -1 --format=%s)" "undo: deal ${de:0:4}: set amount=2000, source=fair" "undo commit subject"
is "$(git log -1 --format=%an)" "Ann Smith" "undo authored by the user"
store_clean "undo"
before_stage=$(git show HEAD~3:"$fd")
run undo
is "$rc" 1 "ann's second undo (of her deal's creation) is refused: bob changed the deal since"
like "$err" "deal ${de:0:4} 'Supply 2027' changed since, in [0-9a-f]{8} 'deal ${de:0:4}: lead -> won' by Bob Jones" \
	"the refusal names the record, the later commit and its author"
run --user bob undo
is "$rc" 0 "bob's undo exits 0"
is "$(cat "$fd")" "$before_stage" "bob's undo walks back his stage change, not ann's"
like "$(git log -1 --format=%s)" "^undo: deal ${de:0:4}: lead -> won$" "bob's undo subject"
is "$(git log -1 --format=%an)" "Bob Jones" "bob's undo authored by bob"
is "$(commits)" $((n + 2)) "two undos, two commits"
store_clean "second undo"
run undo
is "$rc" 0 "ann's undo (of add deal) exits 0 now"
ok "$([ ! -e "$fd" ]; echo $?)" "undo of add removes the file"
run --format ids list deal
is "$out" "" "the deal is gone from the list"
store_clean "undo of add"

# undo of rm brings the file back
x=$("$CRM" add company "Gone Co")
fx=$(file_of company "$x")
content=$(cat "$fx")
"$CRM" rm "Gone Co" >/dev/null
run undo
is "$rc" 0 "undo of rm exits 0"
is "$(cat "$fx" 2>/dev/null)" "$content" "undo of rm restores the file"
store_clean "undo of rm"

# --- undo refuses when a later commit touched the same file ---
"$CRM" set "Acme Ltd" industry=retail >/dev/null
fc=$(file_of company "$co")
echo "hand: edit" >>"$fc"
git commit -qam "hand edit" || exit 1
n=$(commits)
content=$(cat "$fc")
run undo
is "$rc" 1 "undo refuses when a later commit touched the file"
like "$err" "company ${co:0:4} 'Acme Ltd' changed since, in [0-9a-f]{8} 'hand edit' by Ann Smith" "refusal names the record and the commit"
is "$(commits)" "$n" "no commit on refusal"
is "$(cat "$fc")" "$content" "file unchanged on refusal"
store_clean "undo refused"
run undo --bogus
is "$rc" 2 "undo with an argument exits 2"

done_testing
