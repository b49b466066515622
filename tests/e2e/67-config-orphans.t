#!/bin/bash
# 67-config-orphans.t - crm.yaml and the records that use it: a change of
# crm.yaml that would leave records naming a stage, pipeline or user it
# no longer has is refused; records that name one anyway (a plain git
# commit pulled from a colleague) stay visible everywhere, flagged, and
# crm set still works on them; a crm.yaml change re-validates the index
# without crm reindex.  In English and Russian.
. "$(dirname "$0")/lib.sh"

: "${CRM_LOCALEDIR:=$(dirname "$CRM")/locale}"
export CRM_LOCALEDIR

nothing_written() {
	is "$(commits)" "$1" "$2: no commit"
	is "$(git status --porcelain)" "${3:-}" "$2: nothing else written"
}
meta_config() {
	sqlite3 .git/crm/index.db "SELECT value FROM meta WHERE key = 'config'"
}

old_store a
sed -i 's/^  email: ann@example.com$/&\n- login: bob\n  name: Bob Jones\n  email: bob@example.com/' crm.yaml
git commit -qam "add bob" || exit 1
w1=$("$CRM" add deal "Won one" --stage won --owner bob)
w2=$("$CRM" add deal "Won two" --stage won)
l1=$("$CRM" add deal "Lead one")
ct=$("$CRM" add contact "Bob's client" --owner bob)

# --- crm.yaml edits that would orphan records are refused ---
n=$(commits)
sed -i 's/^  - won$/  - closed/' crm.yaml
run commit
is "$rc" 1 "removing a stage two deals are in is refused"
like "$err" "cannot remove stage 'won' of pipeline 'sales' from 'crm.yaml': 2 deals are in it \(e\.g\. ($w1|$w2)\)" "the message names the stage, the count and an example"
like "$err" "hint: use 'crm stage rename sales won NEW' or 'crm stage rm sales won --to STAGE'" "the hint names the commands"
nothing_written "$n" "a used stage" " M crm.yaml"
run status
like "$out" "M crm.yaml +cannot remove stage 'won'" "status says commit would refuse the edit"
like "$out" "^    hint: use 'crm stage rename sales won NEW'" "status puts the hint on a line of its own"
is "$rc" 1 "status exits 1"

# the same rename with the deals moved by hand in the same commit passes
for d in "$w1" "$w2"; do
	sed -i 's/^stage: won$/stage: closed/' "$(file_of deal "$d")"
done
run commit
is "$rc" 0 "the stage renamed together with its deals is accepted"
is "$(commits)" $((n + 1)) "one commit"
like "$("$CRM" show "$w1")" "closed" "the deal is in the new stage"
store_clean "rename with its deals"

# a stage no deal is in may go
n=$(commits)
sed -i '/^  - qualified$/d' crm.yaml
run commit
is "$rc" 0 "removing an unused stage is accepted"
is "$(commits)" $((n + 1)) "it is committed"

# a user who owns records may not
n=$(commits)
python3 - <<'PY'
t = open("crm.yaml").read()
i = t.index("- login: bob")
j = t.index("pipelines:")
open("crm.yaml", "w").write(t[:i] + t[j:])
PY
run commit
is "$rc" 1 "removing a user who owns records is refused"
like "$err" "cannot remove user 'bob' from 'crm.yaml': 2 records are theirs \(e\.g\. ($w1|$ct)\)" "the message names the user, the count and an example"
like "$err" "crm reassign" "the hint names crm reassign"
like "$err" "crm user rm bob --to LOGIN" "the hint names crm user rm --to"
nothing_written "$n" "a user with records" " M crm.yaml"
git checkout -q crm.yaml

# nor one a custom field of kind user names
printf 'fields:\n  manager: {kind: user, types: [company]}\n' >>crm.yaml
"$CRM" commit >/dev/null || exit 1
"$CRM" set "$ct" owner=ann >/dev/null
"$CRM" set "$w1" owner=ann >/dev/null
mg=$("$CRM" add company "Managed" --set manager=bob)
n=$(commits)
python3 - <<'PY'
t = open("crm.yaml").read()
i = t.index("- login: bob")
j = t.index("pipelines:")
open("crm.yaml", "w").write(t[:i] + t[j:])
PY
run commit
is "$rc" 1 "removing a user a custom user field names is refused"
like "$err" "cannot remove user 'bob' from 'crm.yaml': 1 record is theirs \($mg\)" "the record is named"
nothing_written "$n" "a user of a custom field" " M crm.yaml"
git checkout -q crm.yaml

# a pipeline deals are in may not
python3 - <<'PY'
t = open("crm.yaml").read()
t = t.replace("- name: sales", "- name: main").replace("pipeline: sales", "pipeline: main")
open("crm.yaml", "w").write(t)
PY
run commit
is "$rc" 1 "renaming a pipeline deals are in is refused"
like "$err" "cannot remove pipeline 'sales' from 'crm.yaml': 3 deals are in it" "the message names the pipeline and the count"
nothing_written "$n" "a used pipeline" " M crm.yaml"
git checkout -q crm.yaml

# --- a bad crm.yaml commit arrives by git ---
cd "$TEST_ROOT" || exit 1
git clone -q a b
cd b || exit 1
sed -i 's/^  - closed$/  - done/' crm.yaml
mkdir -p contacts/zz
printf 'id: zzzzzzzzz1\nname: Zed client\nowner: zed\n' >contacts/zz/zzzzzzzzz1.yaml
git add -A && git commit -qm "rename closed, add a contact of zed" || exit 1
cd ../a || exit 1
git pull -q ../b main 2>/dev/null
ok $? "git pull of the bad commit"
f1=$(file_of deal "$w1")

run list deal
is "$rc" 0 "list deal exits 0"
like "$out" "Won one +closed \(\?\)" "the deal in the dropped stage is listed, marked"
like "$out" "Won two +closed \(\?\)" "the other one too"
like "$out" "Lead one +lead " "a deal in a known stage is not marked"
like "$err" "warning: '$f1': line [0-9]+: field 'stage': unknown stage 'closed'" "list names the file, line and stage"
like "$err" "warning: 2 records name a user, pipeline or stage" "list counts the flagged records"
run list contact
like "$out" "Zed client +zed \(\?\)" "the contact of an unknown user is listed, marked"
run --format ids list deal stage:closed
is "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" "$(printf '%s\n' "$w1" "$w2" | sort | tr '\n' ' ')" "a query finds the flagged deals"
run show "$w1"
is "$rc" 0 "show of a flagged deal exits 0"
like "$out" "Won one" "show prints the deal"
like "$err" "warning: '$f1': line [0-9]+: field 'stage': unknown stage 'closed'" "show warns with file, line and field"
like "$err" "hint: " "show gives a hint"
run --format json show "$w1"
printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); p=d["problems"]; assert p[0]["field"] == "stage" and "closed" in p[0]["message"]'
ok $? "JSON show carries a problems array"
run --format json list deal
printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert sorted(r["name"] for r in d["records"] if "problems" in r) == ["Won one", "Won two"]; assert len(d["records"]) == 3'
ok $? "JSON list carries problems for the flagged deals only"
"$CRM" reindex >/dev/null 2>&1
run list deal
like "$out" "Won one +closed \(\?\)" "after reindex the deal is still listed"
is "$(printf '%s\n' "$out" | tail -n +2 | wc -l | tr -d ' ')" 3 "after reindex all three deals are listed"

# crm set still works; only the field set is checked
n=$(commits)
run set "$w1" amount=500
is "$rc" 0 "set of another field on a flagged deal works"
like "$(cat "$f1")" "stage: closed" "the unknown stage is left as it was"
run set "$w1" stage=closedd
is "$rc" 2 "set of another unknown stage is refused"
like "$err" "unknown stage 'closedd'" "the error names it"
is "$(commits)" $((n + 1)) "no commit from the refused stage"
run set "$w1" stage=done
is "$rc" 0 "set of a known stage fixes the deal"
run show "$w1"
is "$err" "" "the fixed deal shows without a warning"
like "$(sed -n '/stage_history/,$p' "$f1" | grep -c 'stage:')" "^3$" "the fix is in the history"

# --- a crm.yaml change re-validates the index ---
before=$(meta_config)
run list contact
like "$out" "zed \(\?\)" "zed is flagged before the user is added"
cat >>"$TEST_ROOT/zed.yaml" <<'EOF'
- login: zed
  name: Zed Zimmer
  email: zed@example.com
EOF
python3 - "$TEST_ROOT/zed.yaml" <<'PY'
import sys
t = open("crm.yaml").read()
i = t.index("pipelines:")
open("crm.yaml", "w").write(t[:i] + open(sys.argv[1]).read() + t[i:])
PY
run commit
is "$rc" 0 "adding the user is committed"
run list contact
is "$rc" 0 "list contact exits 0"
like "$out" "Zed client +zed *$" "after the user is added the contact is not flagged"
is "$err" "" "no warning any more"
[ "$(meta_config)" != "$before" ] && [ -n "$before" ]
ok $? "the index keeps the new crm.yaml's fingerprint"

# --- in Russian ---
if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$' &&
   [ -f "$CRM_LOCALEDIR/ru/LC_MESSAGES/crm.mo" ]; then
	sed -i 's/^  - done$/  - closed/' crm.yaml
	git commit -qam "drop done by hand" || exit 1
	out=$(LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 "$CRM" list deal 2>"$TEST_ROOT/stderr")
	err=$(cat "$TEST_ROOT/stderr")
	like "$out" "Won one +done \(\?\)" "ru: the flagged deal is listed"
	like "$err" "предупреждение|внимание" "ru: the warning is in Russian"
	like "$err" "неизвестный этап 'done'" "ru: the stage is named"
	n=$(commits)
	python3 - <<'PY'
t = open("crm.yaml").read()
i = t.index("- login: bob")
j = t.index("- login: zed")
open("crm.yaml", "w").write(t[:i] + t[j:])
PY
	out=$(LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 "$CRM" commit 2>"$TEST_ROOT/stderr")
	rc=$?
	err=$(cat "$TEST_ROOT/stderr")
	is "$rc" 1 "ru: removing a user with records is refused"
	like "$err" "пользователя 'bob'" "ru: the user is named"
	like "$err" "crm reassign" "ru: the hint names crm reassign"
	nothing_written "$n" "ru: refused user removal" " M crm.yaml"
	git checkout -q crm.yaml
else
	ok 0 "# skip: no ru_RU.UTF-8 locale or catalogue"
fi
store_clean "the end"

# --- names a hand edit of crm.yaml brings in must be valid and unique ---
old_store names
# hand_config DESC PATTERN SED: edits crm.yaml with SED; crm commit must
# refuse it with PATTERN and write nothing.
hand_config() {
	local n
	n=$(commits)
	sed -i "$3" crm.yaml
	run commit
	is "$rc" 1 "$1: refused"
	like "$err" "$2" "$1: says why"
	nothing_written "$n" "$1" " M crm.yaml"
	git checkout -q crm.yaml
}
hand_config "a login starting with '--'" "'crm.yaml': invalid login '--x'" \
	's/^  email: ann@example.com$/&\n- login: --x\n  name: X/'
hand_config "a login with a space" "invalid login 'b b'" \
	's/^  email: ann@example.com$/&\n- login: b b\n  name: X/'
hand_config "a second user with ann's e-mail" \
	"e-mail address '(ann|ANN)@example.com' is given to more than one user" \
	's/^  email: ann@example.com$/&\n- login: bob\n  name: Bob\n  email: ANN@example.com/'
hand_config "a stage listed twice" "stage 'won' is listed twice in pipeline 'sales'" \
	's/^  - lead$/&\n  - won/'
hand_config "a stage with a space" "invalid stage name 'closed won' in pipeline 'sales'" \
	's/^  - lead$/&\n  - closed won/'
hand_config "a stage with a control character" "'crm.yaml': line 10: control characters are not allowed" \
	's/^  - lead$/&\n  - x\x01y/'
hand_config "an upper-case pipeline" "invalid pipeline name 'Big'" \
	's/^pipelines:$/&\n- name: Big\n  stages:\n  - a/'
like "$err" "hint: use lowercase ASCII letters, digits, '\.', '_' and '-'" "the rule is the hint"
# names crm.yaml already had stay accepted: a later, unrelated change passes
sed -i 's/^  - lead$/  - Lead/' crm.yaml
git commit -qam "an old-style stage name" || exit 1
n=$(commits)
sed -i 's/^  email: ann@example.com$/&\n- login: john.smith\n  name: John Smith/' crm.yaml
run commit
is "$rc" 0 "a new valid login (with a dot) beside an old-style stage is accepted"
is "$(commits)" $((n + 1)) "it is committed"
run user add carol --name Carol
is "$rc" 0 "crm user add still works beside the old-style stage"
store_clean "hand-edited names"

done_testing
