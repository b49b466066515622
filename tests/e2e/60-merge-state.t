#!/bin/bash
# 60-merge-state.t - a store in the middle of a git operation: after a
# real conflicting `git pull` every command that writes refuses (exit 1,
# HEAD, the work tree and .git/index untouched) and says how to finish or
# abort; crm status explains and lists the conflicted file (table, JSON,
# Russian); reads answer and warn; after `git merge --abort` all works
# again.  Then conflict markers someone committed, a conflict left by
# `git stash pop`, and a real rebase, cherry-pick, revert and bisect.

. "$(dirname "$0")/lib.sh"

: "${CRM_LOCALEDIR:=$(dirname "$CRM")/locale}"
export CRM_LOCALEDIR
have_ru=no
if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$' &&
   [ -f "$CRM_LOCALEDIR/ru/LC_MESSAGES/crm.mo" ]; then
	have_ru=yes
fi

export GIT_EDITOR=true GIT_MERGE_AUTOEDIT=no

new_store a
cid=$("$CRM" add contact "Ivan Petrov" --role buyer)
oid=$("$CRM" add contact "Olga Ivanova" --role accountant)
cf=$(file_of contact "$cid")
of=$(file_of contact "$oid")
git clone -q "$TEST_ROOT/a" "$TEST_ROOT/b" || { echo "Bail out! clone"; exit 1; }

# conflict_pull CLONE ROLE_THERE ROLE_HERE [pull options]: changes Ivan's
# role in store a and, differently, in CLONE, then pulls a into CLONE,
# which stops on the conflict; leaves the working directory in CLONE.
conflict_pull() {
	local clone=$1 there=$2 here=$3
	shift 3
	(cd "$TEST_ROOT/a" && "$CRM" set "$cid" role="$there" >/dev/null) ||
		{ echo "Bail out! set in a"; exit 1; }
	cd "$TEST_ROOT/$clone" || exit 1
	"$CRM" set "$cid" role="$here" >/dev/null ||
		{ echo "Bail out! set in $clone"; exit 1; }
	git pull -q "$@" >/dev/null 2>&1
}

# snapshot: HEAD, .git/index's entries and every work-tree file's hash.
snapshot() {
	git rev-parse HEAD
	git ls-files -s --stage | sha1sum
	find . -path ./.git -prune -o -type f -print0 | sort -z |
		xargs -0 sha1sum | sha1sum
}

# refuses DESC PATTERN ARGS...: crm ARGS exits 1 with the message matching
# PATTERN on stderr, and nothing changed.
refuses() {
	local desc=$1 pat=$2 before
	shift 2
	before=$(snapshot)
	run "$@"
	is "$rc" 1 "$desc: exits 1"
	like "$err" "$pat" "$desc: says why and what to do"
	is "$(snapshot)" "$before" "$desc: HEAD, .git/index and the files unchanged"
}

# --- a real conflicting git pull ----------------------------------------------
conflict_pull b seller director --no-rebase
test $? -ne 0
ok $? "git pull stops on the conflict (exits non-zero)"
test -f .git/MERGE_HEAD
ok $? "MERGE_HEAD is there"
grep -q '^<<<<<<< ' "$cf"
ok $? "$cf holds conflict markers"

merge_msg="^crm: error: the store is in the middle of a merge \(git merge\): crm will not write to it until it is finished
hint: 'crm status' lists the conflicted files
hint: fix the conflicted files, 'git add' them and run 'git merge --continue';
hint: or run 'git merge --abort' to go back$"
refuses "add mid-merge" "$merge_msg" add contact "Anna Smirnova"
refuses "set mid-merge" "$merge_msg" set "$oid" role=x
refuses "set of the conflicted record" "$merge_msg" set "$cid" role=x
refuses "tag mid-merge" "$merge_msg" tag "$oid" vip
refuses "rm mid-merge" "$merge_msg" rm "$oid"
EDITOR="touch $TEST_ROOT/editor-ran" refuses "edit mid-merge" "$merge_msg" edit "$oid"
test ! -e "$TEST_ROOT/editor-ran"
ok $? "edit mid-merge: the editor is not started"
refuses "undo mid-merge" "$merge_msg" undo
refuses "commit mid-merge" "$merge_msg" commit
refuses "set --quiet mid-merge" "$merge_msg" --quiet set "$oid" role=x
test -f .git/MERGE_HEAD
ok $? "the merge is still in progress"

# --- crm status explains ---------------------------------------------------------
run status
is "$rc" 1 "status mid-merge exits 1"
like "$out" "^the store is in the middle of a merge \(git merge\)$" \
	"status says the store is mid-merge"
like "$out" "^U $cf  unresolved conflict$" "status lists the conflicted file"
like "$out" "^hint: fix the conflicted files, 'git add' them and run 'git merge --continue';
hint: or run 'git merge --abort' to go back$" "status says how to finish or abort"
if printf '%s\n' "$out" | grep -q "crm commit"; then ok 1 "status does not send to crm commit mid-merge"
else ok 0 "status does not send to crm commit mid-merge"; fi
is "$err" "" "status mid-merge prints no warning"
run --format json status
is "$rc" 1 "status --format json mid-merge exits 1"
like "$out" '^\{"format_version": 1,$' "JSON: the format version"
like "$out" '^ "operation": "merge",$' "JSON: the operation"
like "$out" "^ \"conflicts\": \[\"$cf\"\],$" "JSON: the conflicted file"
like "$out" '"changes": \[\]\}$' "JSON: no other change"
run --quiet status
is "$rc:$out" "1:" "status --quiet mid-merge: exit 1, nothing printed"

if [ $have_ru = yes ]; then
	out=$(LC_ALL=ru_RU.UTF-8 "$CRM" status 2>&1)
	like "$out" "^в хранилище не завершено слияние \(git merge\)$" \
		"status in Russian: mid-merge"
	like "$out" "^U $cf  неразрешённый конфликт$" \
		"status in Russian: the conflicted file"
	like "$out" "^подсказка: 'git merge --continue'; или выполните 'git merge --abort',$" \
		"status in Russian: how to abort"
	out=$(LC_ALL=ru_RU.UTF-8 "$CRM" set "$oid" role=x 2>&1)
	is "$?" 1 "set in Russian mid-merge exits 1"
	like "$out" "^crm: ошибка: в хранилище не завершено слияние \(git merge\): пока операция git не завершена, crm ничего не будет записывать$" \
		"set in Russian: the refusal"
	out=$(LC_ALL=ru_RU.UTF-8 "$CRM" show "$oid" 2>&1 >/dev/null)
	like "$out" "^crm: предупреждение: в хранилище не завершено слияние \(git merge\): crm показывает записи последнего коммита" \
		"show in Russian: the warning"
else
	echo "# skipped the Russian checks: no ru_RU.UTF-8 locale or catalogue"
fi

# --- reads answer and warn ------------------------------------------------------
warn_msg="^crm: warning: the store is in the middle of a merge \(git merge\): crm shows the records of the last commit \(see 'crm status'\)$"
run show "$cid"
is "$rc" 0 "show mid-merge exits 0"
like "$out" "role +director" "show answers with the last commit's value"
like "$err" "$warn_msg" "show warns that the store is mid-merge"
run list contact
is "$rc" 0 "list mid-merge exits 0"
like "$out" "Olga Ivanova" "list answers"
like "$err" "$warn_msg" "list warns"
run search Olga
is "$rc" 0 "search mid-merge exits 0"
like "$out" "Olga Ivanova" "search answers"
like "$err" "$warn_msg" "search warns"
run log
is "$rc" 0 "log mid-merge exits 0"
like "$out" "set role=director" "log answers"
like "$err" "$warn_msg" "log warns"
run --format json show "$oid"
is "$rc" 0 "show --format json mid-merge exits 0"
like "$out" '"name": "Olga Ivanova"' "show --format json answers on stdout"
run --quiet list contact
is "$rc:$err" "0:" "list --quiet mid-merge: exit 0, no warning"

# --- git merge --abort, and everything works again --------------------------------
git merge --abort
ok $? "git merge --abort"
run list contact
is "$rc:$err" "0:" "after the abort, list does not warn"
run status
is "$rc" 0 "after the abort, status exits 0"
like "$out" "^nothing edited outside crm$" "after the abort, status is clean"
n=$(git rev-list --count HEAD)
run set "$oid" role=director
is "$rc" 0 "after the abort, set works"
is "$(git rev-list --count HEAD)" "$((n + 1))" "after the abort, set made one commit"
run add contact "Anna Smirnova"
is "$rc" 0 "after the abort, add works"
store_clean "after the abort"

# --- conflict markers committed (no MERGE_HEAD) ------------------------------------
git pull -q --no-rebase >/dev/null 2>&1
grep -q '^<<<<<<< ' "$cf" && test -f .git/MERGE_HEAD
ok $? "a second conflicting pull"
git add -A && git commit -qm "merge, markers and all"
ok $? "the markers are committed"
test ! -f .git/MERGE_HEAD
ok $? "no MERGE_HEAD any more"
marker_msg="^crm: error: '$cf' holds an unresolved conflict: crm will not write to the store until it is resolved
hint: remove the conflict markers, keeping the right values, and run 'crm commit'"
refuses "set with committed markers" "$marker_msg" set "$oid" role=x
refuses "add with committed markers" "$marker_msg" add company Acme
refuses "tag with committed markers" "$marker_msg" tag "$oid" vip
run status
is "$rc" 1 "status with committed markers exits 1"
like "$out" "^U $cf  unresolved conflict$" "status lists the file with markers"
like "$out" "^hint: remove the conflict markers" "status says how to fix it"
run --format json status
like "$out" '^ "operation": null,$' "JSON: no operation"
like "$out" "\"conflicts\": \[\"$cf\"\]" "JSON: the file with markers"
run show "$oid"
is "$rc:$err" "0:" "show of another record: no warning, exit 0"
# the fix: drop the markers and our side, commit the hand edit
sed -i -e '/^<<<<<<< /,/^=======/d' -e '/^>>>>>>> /d' "$cf"
run commit
is "$rc" 0 "crm commit of the resolved file works"
like "$(cat "$cf")" "role: seller" "the resolution is kept"
run set "$oid" role=manager
is "$rc" 0 "set works once the markers are gone"
store_clean "after the resolution"

# --- a conflict that git stash pop leaves (no operation, unmerged index) ------------
printf 'memo: hand edit\n' >>"$of"
git stash -q
"$CRM" set "$oid" memo="crm edit" >/dev/null
git stash pop -q >/dev/null 2>&1
git ls-files -u | grep -q "$of"
ok $? "git stash pop leaves $of unmerged"
refuses "set with an unmerged file" "^crm: error: '$of' holds an unresolved conflict" \
	set "$cid" role=x
run status
like "$out" "^U $of  unresolved conflict$" "status lists the unmerged file"
git checkout -q HEAD -- "$of" && git stash drop -q
run set "$cid" role=buyer
is "$rc" 0 "set works once the file is checked out"
store_clean "after the stash"

# --- crm.yaml conflicted: reads use HEAD's crm.yaml, writes refuse ------------------
(cd "$TEST_ROOT/a" && sed -i 's/^\(  *name: \)Ann Smith$/\1Ann A/' crm.yaml &&
	git commit -qam "rename Ann in a")
sed -i 's/^\(  *name: \)Ann Smith$/\1Ann B/' crm.yaml && git commit -qam "rename Ann in b"
git pull -q --no-rebase >/dev/null 2>&1
grep -q '^<<<<<<< ' crm.yaml
ok $? "a pull that conflicts in crm.yaml"
before=$(snapshot)
run status
is "$rc" 1 "status with crm.yaml conflicted exits 1"
like "$out" "merge" "status names the merge"
like "$out" "^U crm.yaml  unresolved conflict$" "status lists crm.yaml as conflicted"
run --format json status
like "$out" '"conflicts": \["crm.yaml"\]' "JSON status lists crm.yaml"
run list contact
is "$rc" 0 "list answers while crm.yaml is conflicted"
like "$out" "Olga Ivanova" "list shows the records"
like "$err" "middle of a merge" "list warns that the store is mid-merge"
run show "$oid"
is "$rc" 0 "show answers while crm.yaml is conflicted"
refuses "set with crm.yaml conflicted" "^crm: error: the store is in the middle of a merge \(git merge\)" \
	set "$oid" role=x
refuses "user add with crm.yaml conflicted" "^crm: error: the store is in the middle of a merge" \
	user add dan
is "$(snapshot)" "$before" "crm.yaml conflicted: nothing changed"
git merge --abort
run set "$oid" role=x
is "$rc" 0 "set works after the abort"

# --- a real rebase that stops on a conflict ----------------------------------------
git clone -q "$TEST_ROOT/a" "$TEST_ROOT/c"
conflict_pull c engineer manager --rebase
test -d .git/rebase-merge -o -d .git/rebase-apply
ok $? "git pull --rebase stops on the conflict"
rebase_msg="^crm: error: the store is in the middle of a rebase \(git rebase\): crm will not write to it until it is finished
hint: 'crm status' lists the conflicted files
hint: fix the conflicted files, 'git add' them and run 'git rebase --continue';
hint: or run 'git rebase --abort' to go back$"
refuses "set mid-rebase" "$rebase_msg" set "$oid" role=x
refuses "add mid-rebase" "$rebase_msg" add company Acme
run status
like "$out" "^the store is in the middle of a rebase \(git rebase\)$" "status says rebase"
like "$out" "^U $cf  unresolved conflict$" "status lists the file mid-rebase"
run show "$oid"
like "$err" "^crm: warning: the store is in the middle of a rebase" "show warns mid-rebase"
git rebase --abort
run set "$oid" role=x
is "$rc" 0 "set works after git rebase --abort"

# --- a cherry-pick and a revert that stop on a conflict ------------------------------
cd "$TEST_ROOT/a" || exit 1
"$CRM" set "$cid" role=one >/dev/null
"$CRM" set "$cid" role=two >/dev/null
two=$(git rev-parse HEAD)
"$CRM" set "$cid" role=three >/dev/null
git revert --no-edit "$two" >/dev/null 2>&1
test -f .git/REVERT_HEAD
ok $? "git revert stops on the conflict"
refuses "set mid-revert" "^crm: error: the store is in the middle of a revert .*
hint: .*'git revert --continue';
hint: or run 'git revert --abort' to go back$" \
	set "$oid" role=x
git revert --abort
git checkout -q -b side "$two~1"
"$CRM" set "$cid" role=four >/dev/null
git cherry-pick "$two" >/dev/null 2>&1
test -f .git/CHERRY_PICK_HEAD
ok $? "git cherry-pick stops on the conflict"
refuses "set mid-cherry-pick" "^crm: error: the store is in the middle of a cherry-pick .*
hint: .*'git cherry-pick --continue';
hint: or run 'git cherry-pick --abort' to go back$" \
	set "$oid" role=x
run --format json status
like "$out" '"operation": "cherry-pick"' "JSON: cherry-pick"
git cherry-pick --abort
git checkout -q main

# --- git am that stops on a conflict ------------------------------------------------
"$CRM" set "$cid" role=patched >/dev/null
git format-patch -1 --stdout HEAD >"$TEST_ROOT/patch"
git reset -q --hard HEAD~1
"$CRM" set "$cid" role=other >/dev/null
git am "$TEST_ROOT/patch" >/dev/null 2>&1
test -f .git/rebase-apply/applying
ok $? "git am stops on the conflict"
refuses "set mid-am" "^crm: error: the store is in the middle of applying patches \(git am\).*
hint: .*'git am --continue';
hint: or run 'git am --abort' to go back$" set "$oid" role=x
run --format json status
like "$out" '"operation": "am"' "JSON: am"
git am --abort
run set "$oid" role=y
is "$rc" 0 "set works after git am --abort"

# --- a bisect ----------------------------------------------------------------
git bisect start >/dev/null 2>&1
refuses "set mid-bisect" "^crm: error: the store is in the middle of a bisect \(git bisect\).*
hint: run 'git bisect reset' when the bisect is done$" set "$oid" role=x
git bisect reset >/dev/null 2>&1
run set "$oid" role=x
is "$rc" 0 "set works after git bisect reset"
store_clean "store a at the end"


done_testing
