#!/bin/bash
# 72-git-identity.t - the current user is the crm.yaml user whose e-mail
# is git's user.email, read as git reads it: a clone's own config first,
# then the global one; so two people sharing a machine account but not a
# clone act, commit and undo as themselves.
. "$(dirname "$0")/lib.sh"

new_store g0
"$CRM" user add bob --name Bob --email bob@example.com >/dev/null
d=$("$CRM" add company Acme)
"$CRM" set "$d" source=ann >/dev/null
cd "$TEST_ROOT" || exit 1
git clone -q g0 gb
cd gb || exit 1
git config user.email bob@example.com
git config user.name Bob

run set "$d" source=bob
is "$rc" 0 "a set in bob's clone exits 0"
is "$(git log -1 --format='%an <%ae>')" "Bob <bob@example.com>" \
	"the commit's author is the clone's git user, not the global one"
run undo
is "$rc" 0 "bob's undo exits 0"
like "$out" "source=bob" "bob's undo takes back bob's change"
run undo
[ "$rc" -ne 0 ]
ok $? "a second undo by bob finds nothing of his (ann's change is hers)"
is "$(git show HEAD:$(file_of company "$d") | sed -n 's/^source: //p')" "ann" \
	"ann's change stays"

# --user still wins over the clone's identity
run --user ann set "$d" source=ann2
is "$(git log -1 --format='%ae')" "ann@example.com" "--user ann commits as ann"
store_clean "after the clone's commits"

# an undo may not remove the user making it (as crm user rm refuses)
cd "$TEST_ROOT" || exit 1
new_store selfrm
"$CRM" user add zoe --name Zoe --email zoe@example.com >/dev/null
before=$(git rev-parse HEAD)
run --user zoe undo --any
[ "$rc" -ne 0 ]
ok $? "zoe's undo of 'user add zoe' is refused"
like "$err" "the user making the change \('zoe'\)" "the refusal names zoe"
is "$(git rev-parse HEAD)" "$before" "the refused undo commits nothing"
run --user ann undo
is "$rc" 0 "ann may undo it"

done_testing
