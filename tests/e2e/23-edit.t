#!/bin/bash
# 23-edit.t - crm edit with scripted editors: valid changes are committed,
# unchanged saves, failed editors and emptied files commit nothing, errors
# re-open the editor with the error at the top, VISUAL beats EDITOR.

. "$(dirname "$0")/lib.sh"

ED="$TEST_ROOT/editors"
mkdir -p "$ED"

# editor NAME BODY: writes an executable editor script $ED/NAME; the file to
# edit is "$1"; each run copies what it was shown to $ED/NAME.seen.N.
editor() {
	cat >"$ED/$1" <<EOF
#!/bin/sh
c=\$(cat "$ED/$1.count" 2>/dev/null || echo 0)
c=\$((c + 1))
echo \$c >"$ED/$1.count"
cp "\$1" "$ED/$1.seen.\$c"
$2
EOF
	chmod +x "$ED/$1"
	rm -f "$ED/$1.count" "$ED/$1".seen.*
}

runs() { cat "$ED/$1.count" 2>/dev/null || echo 0; }

# edit REF: runs crm edit with the current EDITOR/VISUAL.
edit() { run edit "$@"; }

no_commit() {
	is "$(commits)" "$1" "$2: no commit"
	is "$(git status --porcelain)" "" "$2: git status is clean"
}

new_store s
cid=$("$CRM" add contact "Ivan Petrov" --role buyer --phone "+7 900 111-22-33")
did=$("$CRM" add deal "Supply 2027" --amount 1500000 --stage proposal)
cfile="contacts/${cid:0:2}/$cid.yaml"
dfile="deals/${did:0:2}/$did.yaml"

# --- a valid change ---------------------------------------------------------------
n=$(commits)
editor role 'sed -i "s/^role: buyer$/role: accountant/" "$1"'
EDITOR="$ED/role" edit "$cid"
is "$rc" 0 "valid edit exits 0"
is "$(runs role)" 1 "the editor ran once"
is "$(head -1 "$ED/role.seen.1" | tr -d "'")" "id: $cid" "the editor was shown the record's YAML"
cmp -s "$ED/role.seen.1" <(git show "HEAD~1:$cfile")
ok $? "the editor was shown the file as committed"
is "$(commits)" "$((n + 1))" "valid edit: one commit"
is "$(git log -1 --format=%s)" "contact ${cid:0:4}: edit" "commit subject is 'contact ${cid:0:4}: edit'"
like "$(git show HEAD:"$cfile")" "role: accountant" "the new value is committed"
like "$(git log -1 --format='%an <%ae>')" "Ann Smith <ann@example.com>" "authored by the current user"
is "$(git diff-tree --no-commit-id --name-only -r HEAD)" "$cfile" "the commit touches only the record"
run show "$cid"
like "$out" "accountant" "show sees the new value"
store_clean "after a valid edit"
is "$(ls .git/crm/EDIT-* 2>/dev/null)" "" "no editing file left in .git/crm"

# EDITOR with arguments (as git allows: EDITOR="emacs -nw")
n=$(commits)
EDITOR="sed -i s/accountant/director/" edit "$cid"
is "$rc" 0 "EDITOR with arguments works"
like "$(cat "$cfile")" "role: director" "EDITOR with arguments: change committed"
is "$(commits)" "$((n + 1))" "EDITOR with arguments: one commit"

# --- unchanged save ---------------------------------------------------------
n=$(commits)
editor same ':'
EDITOR="$ED/same" edit "$cid"
is "$rc" 0 "unchanged save exits 0"
like "$out" "nothing changed" "unchanged save says 'nothing changed'"
no_commit "$n" "unchanged save"

# whitespace-only reformatting of the same data is no change either
editor reformat 'printf "\n\n" >>"$1"'
EDITOR="$ED/reformat" edit "$cid"
is "$rc" 0 "same data, other formatting: exits 0"
like "$out" "nothing changed" "same data, other formatting: nothing changed"
no_commit "$n" "same data, other formatting"

# --- the editor fails -------------------------------------------------------------
editor fail 'exit 3'
EDITOR="$ED/fail" edit "$cid"
is "$rc" 1 "editor exiting non-zero: exit 1"
like "$err" "^crm: error: .*editor" "editor failure: message mentions the editor"
no_commit "$n" "editor failure"
editor failchange 'sed -i "s/^role: .*/role: ignored/" "$1"; exit 1'
EDITOR="$ED/failchange" edit "$cid"
is "$rc" 1 "editor changing the file then failing: exit 1"
no_commit "$n" "editor changing the file then failing"
like "$(cat "$cfile")" "role: director" "the record is unchanged"
EDITOR="$TEST_ROOT/no-such-editor" edit "$cid"
is "$rc" 1 "missing editor: exit 1"
no_commit "$n" "missing editor"

# --- invalid, then fixed ----------------------------------------------------------
n=$(commits)
editor fix '
if [ $c -eq 1 ]; then
	sed -i "s/^stage: proposal$/stage: wonn/" "$1"
else
	sed -i "s/^stage: wonn$/stage: won/" "$1"
fi'
EDITOR="$ED/fix" edit "$did"
is "$rc" 0 "invalid then fixed: exit 0"
is "$(runs fix)" 2 "the editor was opened twice"
like "$(head -1 "$ED/fix.seen.2")" "^# error: .*unknown stage 'wonn'" \
	"second run: the error is a comment at the top of the file"
like "$(cat "$ED/fix.seen.2")" "stage: wonn" "second run: the user's text is kept"
if grep -q '^# error' "$ED/fix.seen.1"; then ok 1 "first run: no error comment"; else ok 0 "first run: no error comment"; fi
like "$err" "unknown stage 'wonn'" "the error was printed on stderr"
is "$(commits)" "$((n + 1))" "invalid then fixed: one commit"
is "$(git log -1 --format=%s)" "deal ${did:0:4}: edit" "subject 'deal ${did:0:4}: edit'"
like "$(git show HEAD:"$dfile")" "stage: won" "the fixed value is committed"
if git show HEAD:"$dfile" | grep -q '^#'; then
	ok 1 "the error comment is not committed"
else
	ok 0 "the error comment is not committed"
fi
store_clean "after invalid then fixed"

# --- invalid, then saved unchanged: give up ----------------------------------------
n=$(commits)
editor giveup '[ $c -eq 1 ] && sed -i "s/^owner: ann$/owner: nobody/" "$1"; :'
EDITOR="$ED/giveup" edit "$did"
is "$rc" 1 "invalid then unchanged: exit 1"
is "$(runs giveup)" 2 "the editor was opened twice"
like "$(head -1 "$ED/giveup.seen.2")" "^# error: .*nobody" "second run shows the owner error"
like "$err" "gave up|nothing changed" "says it gave up"
no_commit "$n" "invalid then unchanged"

# invalid YAML (an alias), then unchanged
editor alias '[ $c -eq 1 ] && printf "x: &a 1\ny: *a\n" >>"$1"; :'
EDITOR="$ED/alias" edit "$did"
is "$rc" 1 "alias then unchanged: exit 1"
like "$(head -1 "$ED/alias.seen.2")" "^# error: .*(alias|anchor)" "alias error shown in the editor"
no_commit "$n" "alias then unchanged"

# changing the id is an error
editor newid '[ $c -eq 1 ] && sed -i "s/^id: .*/id: zzzzzzzzzz/" "$1"; :'
EDITOR="$ED/newid" edit "$did"
is "$rc" 1 "changing the id then giving up: exit 1"
like "$(head -1 "$ED/newid.seen.2")" "^# error: .*id" "id error shown in the editor"
no_commit "$n" "changing the id"
[ ! -e deals/zz ]
ok $? "no file for the new id"

# --- emptied file ------------------------------------------------------------------
editor empty ': >"$1"'
EDITOR="$ED/empty" edit "$cid"
is "$rc" 1 "emptied file: exit 1"
like "$err" "empty" "emptied file: says it is empty"
no_commit "$n" "emptied file"
[ -f "$cfile" ]
ok $? "emptied file: the record still exists"
editor comments 'printf "# nothing here\n\n" >"$1"'
EDITOR="$ED/comments" edit "$cid"
is "$rc" 1 "file with only comments: exit 1"
no_commit "$n" "file with only comments"

# --- VISUAL takes precedence over EDITOR --------------------------------------------
editor vis 'sed -i "s/^role: .*/role: visual/" "$1"'
editor ed 'sed -i "s/^role: .*/role: editor/" "$1"'
VISUAL="$ED/vis" EDITOR="$ED/ed" edit "$cid"
is "$rc" 0 "VISUAL and EDITOR set: exit 0"
is "$(runs vis)" 1 "VISUAL ran"
is "$(runs ed)" 0 "EDITOR did not run"
like "$(cat "$cfile")" "role: visual" "VISUAL's change committed"
is "$(commits)" "$((n + 1))" "one commit"
store_clean "after VISUAL"

# --- the record changes while the editor is open --------------------------------
n=$(commits)
editor racy "CRM_LOCK_TIMEOUT=10 \"$CRM\" -C \"$TEST_ROOT/s\" set $cid role=meanwhile >/dev/null; sed -i 's/^role: .*/role: mine/' \"\$1\""
EDITOR="$ED/racy" edit "$cid"
is "$rc" 1 "record changed during the edit: exit 1"
like "$err" "changed" "record changed during the edit: says so"
is "$(commits)" "$((n + 1))" "only the other change was committed"
like "$(cat "$cfile")" "role: meanwhile" "the other change is not lost"
store_clean "after a concurrent change"

# --- errors ---------------------------------------------------------------------------
EDITOR="$ED/same" edit nosuchrecord
is "$rc" 3 "edit of an unknown record exits 3"
EDITOR="$ED/same" edit
is "$rc" 2 "edit without a record exits 2"

done_testing
