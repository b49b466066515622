#!/bin/bash
# 73-undo-after-pull.t - crm undo in clones joined by git pull: a user's
# last change may sit on the side a merge brought in; undo finds it
# there, never reverts someone else's change in its place, and a merge
# commit is no change of anyone's.
. "$(dirname "$0")/lib.sh"

new_store c0
"$CRM" user add bob --name Bob --email bob@example.com >/dev/null
d=$("$CRM" add company Alpha)
e=$("$CRM" add company Beta)
cd "$TEST_ROOT" || exit 1
git clone -q c0 ca
git clone -q c0 cb
"$CRM" -C ca --user ann set "$d" source=ann >/dev/null
"$CRM" -C cb --user bob set "$e" source=bob >/dev/null
(cd cb && git -c user.email=bob@example.com -c user.name=Bob \
	pull -q --no-rebase --no-edit ../ca main) >/dev/null 2>&1
(cd ca && git pull -q --ff-only ../cb main) >/dev/null 2>&1
cd ca || exit 1
[ "$(git rev-list --merges HEAD | wc -l)" -eq 1 ]
ok $? "ann's clone holds bob's merge"

run --user ann undo
is "$rc" 0 "ann's undo after the pull exits 0"
like "$out" "source=ann" "it undoes ann's change, on the merged side"
is "$(git show HEAD:$(file_of company "$e") | sed -n 's/^source: //p')" "bob" \
	"bob's change stays"
run --user ann undo
[ "$rc" -ne 0 ]
ok $? "ann's next undo, her add of Beta, is refused: bob changed Beta since"
like "$err" "by Bob" "the refusal names bob's later change"

cd ../cb || exit 1
run --user ann undo
is "$rc" 0 "in bob's clone, ann's undo exits 0"
like "$out" "source=ann" "it finds ann's change behind bob's merge"
store_clean "after the undos"

done_testing
