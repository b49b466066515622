#!/bin/bash
# 62-hand-edits.t - no writer discards a hand edit it did not make: set,
# tag, rm, undo and edit refuse a record file edited and not committed,
# naming it, and crm edit opens the file as it is on disk; crm edit's
# private temporary file and its bound on invalid saves; no symbolic link
# followed below the store's top; crm.yaml and records only as regular
# files.
. "$(dirname "$0")/lib.sh"

ED="$TEST_ROOT/editors"
mkdir -p "$ED"

# editor NAME BODY: an executable editor script $ED/NAME; $1 is the file,
# $c the run number; each run's input is kept as $ED/NAME.seen.N.
editor() {
	cat >"$ED/$1" <<EOS
#!/bin/sh
c=\$(( \$(cat "$ED/$1.count" 2>/dev/null || echo 0) + 1 ))
echo \$c >"$ED/$1.count"
cp "\$1" "$ED/$1.seen.\$c"
echo "\$1" >>"$ED/$1.paths"
$2
EOS
	chmod +x "$ED/$1"
	rm -f "$ED/$1.count" "$ED/$1".seen.* "$ED/$1.paths"
}
runs() { cat "$ED/$1.count" 2>/dev/null || echo 0; }

# refused WHAT N FILE CONTENT: the last command refused to overwrite FILE.
refused() {
	is "$rc" 1 "$1: exit 1"
	like "$err" "^crm: error: '$3' has changes that are not committed" \
		"$1: names the file"
	like "$err" "hint: run 'crm commit' to keep them, or 'git checkout -- $3' to drop them" \
		"$1: hints crm commit and git checkout"
	is "$(commits)" "$2" "$1: no commit"
	is "$(cat "$3")" "$4" "$1: the hand edit is still in the file"
}

new_store s
cid=$("$CRM" add contact "Ivan Petrov" --role buyer)
oid=$("$CRM" add contact "Olga Sidorova")
cfile=$(file_of contact "$cid")

# --- every writer refuses a file edited by hand -------------------------------
echo 'x: 1' >>"$cfile"
edited=$(cat "$cfile")
run status
like "$out" "^M $cfile  ok" "status shows the hand edit"
n=$(commits)
run set "$cid" role=director
refused "set" "$n" "$cfile" "$edited"
run tag "$cid" vip
refused "tag" "$n" "$cfile" "$edited"
run rm "$cid"
refused "rm" "$n" "$cfile" "$edited"

# undo of a change to the hand-edited record
git checkout -q -- "$cfile"
"$CRM" set "$cid" role=director || echo "Bail out! set failed"
echo 'x: 1' >>"$cfile"
edited=$(cat "$cfile")
n=$(commits)
run undo
refused "undo" "$n" "$cfile" "$edited"

# a writer of another record is not bothered
run set "$oid" role=accountant
is "$rc" 0 "set of another record still works"
is "$(cat "$cfile")" "$edited" "...and leaves the hand edit alone"

# crm commit keeps it; then set works on top of it
run commit
is "$rc" 0 "crm commit takes the hand edit"
like "$(git show HEAD:"$cfile")" "x: 1" "the hand edit is committed"
run set "$cid" role=buyer
is "$rc" 0 "set works once the edit is committed"
like "$(git show HEAD:"$cfile")" "x: 1" "...keeping the committed hand edit"
store_clean "after commit and set"

# git checkout drops it; then set works
echo 'y: 2' >>"$cfile"
git checkout -q -- "$cfile"
run set "$cid" role=chief
is "$rc" 0 "set works once the edit is dropped"
store_clean "after checkout and set"

# a hand-deleted file is a hand edit too
rm "$cfile"
n=$(commits)
run set "$cid" role=x
is "$rc" 1 "set of a record whose file was deleted by hand: exit 1"
like "$err" "'$cfile' has changes that are not committed" "...names it"
[ ! -e "$cfile" ]
ok $? "...and does not bring the file back"
git checkout -q -- "$cfile"

# --- crm edit opens the file as it is on disk -------------------------------
echo 'x2: 2' >>"$cfile"
n=$(commits)
editor role 'sed -i "s/^role: chief$/role: boss/" "$1"'
EDITOR="$ED/role" run edit "$cid"
is "$rc" 0 "edit of a hand-edited record: exit 0"
like "$(cat "$ED/role.seen.1")" "x2: 2" "the editor was shown the hand edit"
is "$(commits)" "$((n + 1))" "one commit"
like "$(git show HEAD:"$cfile")" "x2: 2" "the hand edit is committed with the edit"
like "$(git show HEAD:"$cfile")" "role: boss" "...and so is the editor's change"
store_clean "after edit of a hand edit"

# saving a hand edit unchanged in crm edit commits it
echo 'z: 3' >>"$cfile"
editor same ':'
EDITOR="$ED/same" run edit "$cid"
is "$rc" 0 "edit left unchanged over a hand edit: exit 0"
like "$(git show HEAD:"$cfile")" "z: 3" "...commits the hand edit"
store_clean "after finishing a hand edit with edit"

# a broken hand edit can be finished in crm edit
printf 'bad: [\n' >>"$cfile"
editor fixit 'sed -i -e "/^bad: \[$/d" -e "s/^role: .*/role: fixed/" "$1"'
EDITOR="$ED/fixit" run edit "$cid"
is "$rc" 0 "edit of a broken hand edit, fixed: exit 0"
like "$(cat "$ED/fixit.seen.1")" "bad: \[" "the editor was shown the broken file"
like "$(git show HEAD:"$cfile")" "role: fixed" "...and the fixed record is committed"
store_clean "after fixing a broken hand edit in edit"

# a hand edit made while crm edit runs is not overwritten
n=$(commits)
editor sneak "echo 'w: 4' >>'$PWD/$cfile'; sed -i 's/^role: .*/role: king/' \"\$1\""
EDITOR="$ED/sneak" run edit "$cid"
is "$rc" 1 "a hand edit made during crm edit: exit 1"
like "$err" "'$cfile' has changes that are not committed" "...names the file"
like "$(cat "$cfile")" "w: 4" "...keeps it"
is "$(commits)" "$n" "...no commit"
kept=$(printf '%s\n' "$err" | sed -n "s/^hint: your text is kept in '\(.*\)'$/\1/p")
like "$(cat "$kept" 2>/dev/null)" "role: king" "...and keeps the editor's text in the file it names"
rm -f "$kept"
git checkout -q -- "$cfile"

# --- crm edit's temporary file ------------------------------------------------
editor perm "stat -c %a \"\$1\" >'$ED/perm.mode'; sed -i 's/^role: .*/role: p1/' \"\$1\""
EDITOR="$ED/perm" run edit "$cid"
is "$rc" 0 "edit: exit 0"
is "$(cat "$ED/perm.mode")" "600" "the file edited is private (mode 0600)"
like "$(cat "$ED/perm.paths")" "/\.git/crm/tmp/edit-$cid-[A-Za-z0-9]{6}\.yaml$" \
	"...a file of its own under .git/crm/tmp"
is "$(ls .git/crm/tmp)" "" "...removed afterwards"

# two edits of one record at once: the second does not delete the first's
editor inner 'sed -i "s/^role: .*/role: inner/" "$1"'
editor outer "EDITOR='$ED/inner' '$CRM' edit '$cid' >/dev/null 2>&1
[ -f \"\$1\" ] && echo present >'$ED/outer.state'
sed -i 's/^role: .*/role: outer/' \"\$1\""
EDITOR="$ED/outer" run edit "$cid"
is "$(cat "$ED/outer.state" 2>/dev/null)" "present" \
	"a second edit of the record leaves the first's file alone"
[ "$(cat "$ED/outer.paths")" != "$(cat "$ED/inner.paths")" ]
ok $? "the two edits used different files"
is "$rc" 1 "the first edit then sees the record changed: exit 1"
like "$err" "^crm: error: contact [0-9a-z]+ '[^']+' was changed by someone else while you edited it; nothing changed" "...and says so, naming the record"
like "$(git show HEAD:"$cfile")" "role: inner" "the second edit's change stands"
kept=$(printf '%s\n' "$err" | sed -n "s/^hint: your text is kept in '\(.*\)'$/\1/p")
like "$(cat "$kept" 2>/dev/null)" "role: outer" "the first edit's text is kept"
rm -f "$kept"
store_clean "after two edits at once"

# --- an editor that keeps saving invalid files --------------------------------
n=$(commits)
editor bad 'echo "bad$c: [x" >>"$1"'
EDITOR="$ED/bad" timeout 60 "$CRM" edit "$cid" >/dev/null 2>"$TEST_ROOT/e"
rc=$?; err=$(cat "$TEST_ROOT/e")
is "$rc" 1 "an editor saving invalid files forever: exit 1 (no loop)"
is "$(runs bad)" 5 "...after 5 invalid saves"
like "$err" "gave up after 5 invalid saves; nothing changed" "...says so"
kept=$(printf '%s\n' "$err" | sed -n "s/^hint: your text is kept in '\(.*\)'$/\1/p")
[ -n "$kept" ] && [ -f "$kept" ]
ok $? "...and names the file that keeps the text"
like "$(cat "$kept" 2>/dev/null)" "bad5: \[x" "the kept file holds the user's text"
is "$(stat -c %a "$kept" 2>/dev/null)" "600" "...privately"
is "$(commits)" "$n" "no commit"
is "$(git status --porcelain)" "" "git status is clean"
rm -f "$kept"

# --- no symbolic link followed below the store's top -------------------------
shard=$(dirname "$cfile")
out_dir="$TEST_ROOT/outside"
mkdir -p "$out_dir"
cp "$shard"/* "$out_dir"/
rm -rf "$shard"
ln -s "$out_dir" "$shard"
before=$(cat "$out_dir/$cid.yaml")
n=$(commits)
run set "$cid" role=through
is "$rc" 1 "set through a symlinked shard: exit 1"
like "$err" "'$cfile'.*symbolic link" "...says a link is in the way"
is "$(cat "$out_dir/$cid.yaml")" "$before" "the file outside the store is unchanged"
is "$(commits)" "$n" "no commit"
run tag "$cid" vip
is "$rc" 1 "tag through a symlinked shard: exit 1"
is "$(cat "$out_dir/$cid.yaml")" "$before" "...the file outside is unchanged"
EDITOR="$ED/role" run edit "$cid"
is "$rc" 1 "edit through a symlinked shard: exit 1"
is "$(cat "$out_dir/$cid.yaml")" "$before" "...the file outside is unchanged"
run show "$cid"
is "$rc" 0 "reads still answer (from the committed tree)"
rm "$shard"
git checkout -q -- "$shard"
run set "$cid" role=back
is "$rc" 0 "set works once the shard is a directory again"
store_clean "after the symlinked shard"

# a record file replaced by a link to a file outside
cp "$cfile" "$out_dir/file.yaml"
echo 'x: outside' >>"$out_dir/file.yaml"
rm "$cfile"
ln -s "$out_dir/file.yaml" "$cfile"
run set "$cid" role=link
is "$rc" 1 "set of a record file that is a link: exit 1"
like "$(cat "$out_dir/file.yaml")" "x: outside" "...the linked file is unchanged"
rm "$cfile"
git checkout -q -- "$cfile"

# crm.yaml as a link, and as a FIFO
mv crm.yaml "$out_dir/crm.yaml"
ln -s "$out_dir/crm.yaml" crm.yaml
run list contact
is "$rc" 1 "crm.yaml as a symbolic link: exit 1"
like "$err" "cannot read 'crm.yaml': .*symbolic link" "...says why"
rm crm.yaml
mkfifo crm.yaml
out=$(timeout 10 "$CRM" list contact 2>&1)
rc=$?
is "$rc" 1 "crm.yaml as a FIFO: exit 1 at once (no hang)"
like "$out" "cannot read 'crm.yaml': not a regular file" "...says it is not a regular file"
out=$(timeout 10 "$CRM" status 2>&1)
is "$?" 1 "crm status with a FIFO crm.yaml: exit 1, no hang"
rm crm.yaml
git checkout -q -- crm.yaml
run list contact
is "$rc" 0 "the store works again once crm.yaml is a file"

# a FIFO in place of a record file: status reports it, no hang
rm "$cfile"
mkfifo "$cfile"
out=$(timeout 10 "$CRM" status 2>&1)
rc=$?
[ "$rc" -ne 124 ]
ok $? "status with a FIFO record file does not hang"
out=$(timeout 10 "$CRM" set "$cid" role=fifo 2>&1)
rc=$?
is "$rc" 1 "set of a record whose file is a FIFO: exit 1, no hang"
like "$out" "not a regular file" "...says it is not a regular file"
rm "$cfile"
git checkout -q -- "$cfile"
store_clean "at the end"

# --- a hand removal of a record others refer to ------------------------------
new_store refs
co=$("$CRM" add company "Acme Ltd")
ct=$("$CRM" add contact "Ivan Petrov" --company "$co")
cof=$(file_of company "$co")
ctf=$(file_of contact "$ct")
n=$(commits)
git rm -q "$cof"
run status
is "$rc" 1 "status of a removed company a contact refers to: exits 1"
like "$out" "^D $cof  .*company $co is removed, but 1 record still refers to it \(contact $ct\)" \
	"status says the removal would be refused, and names the contact"
like "$out" "^    hint: change or remove it in the same commit" "status gives the hint on its own line"
run commit
is "$rc" 1 "crm commit of the removal is refused"
like "$err" "company $co is removed, but 1 record still refers to it \(contact $ct\)" "commit says why"
is "$(commits)" "$n" "no commit"
is "$("$CRM" show "$ct" | grep -c 'Acme Ltd')" 1 "the contact still shows its company"
# the contact edited in the same commit so it no longer names the company
sed -i '/^company: /d' "$ctf"
run commit
is "$rc" 0 "the removal together with the contact's change is committed"
is "$(commits)" $((n + 1)) "in one commit"
git show HEAD:"$ctf" | grep -q "^company:"
ok $((! $?)) "the contact no longer names the company"
# crm rm --force still removes a referred-to record, by choice
co2=$("$CRM" add company "Beta LLC")
"$CRM" add contact "Olga" --company "$co2" >/dev/null
run rm "$co2"
is "$rc" 1 "crm rm of a referred-to company refuses"
run rm --force "$co2"
is "$rc" 0 "crm rm --force removes it"
store_clean "hand removals"

done_testing
