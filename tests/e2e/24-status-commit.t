#!/bin/bash
# 24-status-commit.t - files edited outside crm: crm status finds and
# validates them (M/A/D), crm commit commits them in canonical form in one
# commit, or refuses and writes nothing when any is invalid.

. "$(dirname "$0")/lib.sh"

new_store s
cid=$("$CRM" add contact "Ivan Petrov" --role buyer --tag vip --phone "+7 900 111-22-33")
oid=$("$CRM" add contact "Olga Ivanova" --role accountant)
cf="contacts/${cid:0:2}/$cid.yaml"
of="contacts/${oid:0:2}/$oid.yaml"

# keys KEY-ORDER: the top-level keys of a file, space-separated
keys() { grep -o '^[a-z_]*:' "$1" | tr -d : | tr '\n' ' '; }

# --- nothing edited ---------------------------------------------------------------
n=$(commits)
run status
is "$rc" 0 "status on a clean store exits 0"
like "$out" "nothing" "status on a clean store says nothing"
run commit
is "$rc" 0 "commit with nothing edited exits 0"
like "$out$err" "nothing" "commit with nothing edited says nothing"
is "$(commits)" "$n" "commit with nothing edited: no commit"

# --- a valid hand edit (non-canonical) ------------------------------------------------
canon_keys=$(keys "$cf")
{
	echo
	echo "# a comment"
	sed -n 's/^name: /name:   /p' "$cf"
	grep '^id:' "$cf"
	echo
	grep -v '^id:\|^name:' "$cf" | sed 's/^role: buyer$/role: "director"/'
	echo
} >"$TEST_ROOT/x" && mv "$TEST_ROOT/x" "$cf"
run status
is "$rc" 0 "status with a valid hand edit exits 0"
like "$out" "^M +$cf +ok$" "status shows 'M $cf ok'"
is "$(printf '%s\n' "$out" | grep -c "$cf")" 1 "the file is listed once"
if printf '%s\n' "$out" | grep -q "$of"; then ok 1 "untouched record not listed"; else ok 0 "untouched record not listed"; fi
is "$(commits)" "$n" "status commits nothing"
run commit
is "$rc" 0 "commit exits 0"
is "$(commits)" "$((n + 1))" "commit makes one commit"
is "$(git diff-tree --no-commit-id --name-only -r HEAD)" "$cf" "the commit holds the edited file"
like "$(git show HEAD:"$cf")" "role: director" "the new value is committed"
is "$(keys "$cf")" "$canon_keys" "keys are back in canonical order"
if grep -q '^$\|^#' "$cf"; then ok 1 "blank lines and comments normalised away"; else ok 0 "blank lines and comments normalised away"; fi
like "$(grep '^name:' "$cf")" "^name: Ivan Petrov$" "extra spaces normalised"
like "$(grep '^role:' "$cf")" "^role: director$" "needless quotes normalised"
git show HEAD:"$cf" | cmp -s - "$cf"
ok $? "the work tree file is what was committed"
like "$(git log -1 --format='%an')" "Ann Smith" "authored by the current user"
store_clean "after commit"
run status
is "$rc" 0 "status after commit exits 0"
like "$out" "nothing" "status is clean after commit"

run show "$cid"
is "$rc" 0 "the committed record reads back"

# --- crm commit -m ------------------------------------------------------------------
n=$(commits)
sed -i 's/^role: accountant$/role: chief accountant/' "$of"
run commit -m "promote Olga"
is "$rc" 0 "commit -m exits 0"
is "$(git log -1 --format=%s)" "promote Olga" "commit -m sets the message"
is "$(commits)" "$((n + 1))" "commit -m: one commit"
store_clean "after commit -m"

# --- an edit that was git-added is still found ---------------------------------------
n=$(commits)
sed -i 's/^role: director$/role: ceo/' "$cf"
git add "$cf"
run status
like "$out" "^M +$cf +ok$" "a staged hand edit is listed"
run commit
is "$rc" 0 "commit of a staged hand edit"
is "$(commits)" "$((n + 1))" "one commit"
store_clean "after committing a staged edit"

# --- an invalid hand edit ------------------------------------------------------------
n=$(commits)
sed -i 's/^owner: ann$/owner: zed/' "$of"
cp "$of" "$TEST_ROOT/invalid"
sed -i 's/^role: ceo$/role: cto/' "$cf"
run status
is "$rc" 1 "status with an invalid file exits 1"
like "$out$err" "$of.*(zed|owner)" "status shows the error for the invalid file"
like "$out" "^M +$cf +ok$" "status still shows the valid file as ok"
run commit
is "$rc" 1 "commit with an invalid file exits 1"
like "$err" "^crm: error: .*$of.*zed" "commit names the invalid file and the problem"
is "$(commits)" "$n" "commit with an invalid file: no commit"
cmp -s "$of" "$TEST_ROOT/invalid"
ok $? "the invalid file is not rewritten"
like "$(cat "$cf")" "role: cto" "the valid edit is left in the work tree"
is "$(git diff --cached --name-only)" "" "nothing staged by the refused commit"
run commit -m "try again"
is "$rc" 1 "commit -m with an invalid file exits 1"
is "$(commits)" "$n" "still no commit"
# fix it and commit both in one commit
sed -i 's/^owner: zed$/owner: ann/; s/^role: .*/role: auditor/' "$of"
run status
is "$rc" 0 "status exits 0 once fixed"
run commit
is "$rc" 0 "commit after the fix"
is "$(commits)" "$((n + 1))" "one commit for both files"
is "$(git diff-tree --no-commit-id --name-only -r HEAD | sort | tr '\n' ' ')" \
	"$(printf '%s\n' "$cf" "$of" | sort | tr '\n' ' ')" "the commit holds both files"
store_clean "after committing the fix"

# malformed YAML
n=$(commits)
printf 'role: [oops\n' >>"$cf"
run status
is "$rc" 1 "status with malformed YAML exits 1"
like "$out$err" "$cf.*line [0-9]+" "status shows the file and line"
run commit
is "$rc" 1 "commit with malformed YAML exits 1"
is "$(commits)" "$n" "no commit"
git checkout -q -- "$cf"

# --- a new file added by hand -------------------------------------------------------
n=$(commits)
mkdir -p contacts/nn
cat >contacts/nn/nnnnnnnnn1.yaml <<'EOF'
id: nnnnnnnnn1
owner: ann
name: Hand Made


role: buyer
EOF
run status
is "$rc" 0 "status with a new valid file exits 0"
like "$out" "^A +contacts/nn/nnnnnnnnn1.yaml +ok$" "status shows 'A' for the new file"
run commit
is "$rc" 0 "commit of a new file"
is "$(commits)" "$((n + 1))" "one commit"
is "$(git show HEAD:contacts/nn/nnnnnnnnn1.yaml | head -3 | tr '\n' ' ')" \
	"id: nnnnnnnnn1 name: Hand Made role: buyer " "the new file is committed in canonical form"
run show nnnnnnnnn1
is "$rc" 0 "the new record can be shown"
run list contact
like "$out" "Hand Made" "the new record is listed"
store_clean "after adding a file by hand"

# a new invalid file (id does not match its name)
n=$(commits)
printf 'id: nnnnnnnnn3\nname: Misplaced\n' >contacts/nn/nnnnnnnnn2.yaml
run status
is "$rc" 1 "status with a misplaced new file exits 1"
like "$out$err" "nnnnnnnnn2.yaml" "status names the misplaced file"
run commit
is "$rc" 1 "commit refuses the misplaced file"
is "$(commits)" "$n" "no commit"
rm contacts/nn/nnnnnnnnn2.yaml

# --- a deleted file -------------------------------------------------------------------
n=$(commits)
rm contacts/nn/nnnnnnnnn1.yaml
run status
is "$rc" 0 "status with a deleted file exits 0"
like "$out" "^D +contacts/nn/nnnnnnnnn1.yaml" "status shows 'D' for the deleted file"
run commit
is "$rc" 0 "commit of a deletion"
is "$(commits)" "$((n + 1))" "one commit"
git cat-file -e HEAD:contacts/nn/nnnnnnnnn1.yaml 2>/dev/null
ok $((! $?)) "the file is gone from HEAD"
run show nnnnnnnnn1
is "$rc" 3 "the deleted record no longer resolves"
store_clean "after committing a deletion"

# --- crm.yaml edited by hand ---------------------------------------------------------
n=$(commits)
python3 - <<'EOF'
import re
s = open("crm.yaml").read()
s = s.replace("users:\n", "users:\n- login: bob\n  name: Bob Brown\n  email: bob@example.com\n", 1)
open("crm.yaml", "w").write(s)
EOF
run status
is "$rc" 0 "status with a valid crm.yaml edit exits 0"
like "$out" "^M +crm.yaml +ok$" "status lists crm.yaml"
run commit
is "$rc" 0 "commit of crm.yaml"
is "$(commits)" "$((n + 1))" "one commit"
run set "$cid" owner=bob
is "$rc" 0 "the new user can own records"
store_clean "after committing crm.yaml"
n=$(commits)
printf 'pipelines: [broken\n' >>crm.yaml
run status
is "$rc" 1 "status with a broken crm.yaml exits 1"
run commit
is "$rc" 1 "commit with a broken crm.yaml exits 1"
is "$(commits)" "$n" "no commit"
git checkout -q -- crm.yaml

# --- .git/index behind HEAD (as a killed writer or `git rm --cached` leaves it) ----
# The file is unchanged in the work tree and in HEAD: it was not edited, so
# crm status must not list it as deleted and crm commit must not delete it.
n=$(commits)
kid=$("$CRM" add contact "Keep Me")
kf="contacts/${kid:0:2}/$kid.yaml"
n=$(commits)
git rm -q --cached "$kf"
run status
if printf '%s\n' "$out" | grep -q "^D.*$kf"; then
	ok 1 "status does not call an unchanged, committed file deleted"
	printf '# %s\n' "$out"
else
	ok 0 "status does not call an unchanged, committed file deleted"
fi
run commit
git cat-file -e "HEAD:$kf" 2>/dev/null
ok $? "commit does not delete a record whose file is still there"
[ -f "$kf" ]
ok $? "the record's file is still in the work tree"
run show "$kid"
is "$rc" 0 "the record still resolves"
git reset -q
is "$(git status --porcelain)" "" "git status clean once the index is reset"

# --- a .git/index another program corrupted in place ----------------------
# Found under the lock, before anything is committed: the branch, the work
# tree and the index stay as they were, and git reset repairs it.
n=$(commits)
head=$(git rev-parse HEAD)
python3 - <<'PY'
p = ".git/index"
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x40
open(p, "r+b").write(b)
PY
run add contact "Never Committed"
is "$rc" 1 "add with a corrupt .git/index exits 1"
like "$err" "index': bad checksum" "...says the index is corrupt"
like "$err" "hint: nothing was committed; 'git reset'" "...and how to repair it"
is "$(git rev-parse HEAD)" "$head" "...and the branch did not move"
is "$(commits)" "$n" "...no commit"
! grep -rlq "Never Committed" contacts
ok $? "...and no file was left in the work tree"
git reset -q
run add contact "Committed Now"
is "$rc" 0 "after git reset, add works"
store_clean "after the repair"

done_testing
