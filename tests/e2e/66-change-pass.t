#!/bin/bash
# 66-change-pass.t - every way into the store goes through one change
# pass: a stage change leaves its stage_history entry (crm add, set, edit,
# a hand edit committed with crm commit, a git pull of another clone's
# crm commit), updated is kept, a hand edit that writes the history itself
# is kept as written, and an unknown stage, owner or reference is refused
# on the way in with nothing written.  In English and Russian.
. "$(dirname "$0")/lib.sh"

: "${CRM_LOCALEDIR:=$(dirname "$CRM")/locale}"
export CRM_LOCALEDIR

# hist FILE: the stages of a deal's stage_history, space-separated.
hist() {
	python3 -c 'import yaml,sys
d=yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
print(" ".join(e["stage"] for e in d.get("stage_history") or []))' "$1"
}
# last_by FILE: who made the last stage_history entry.
last_by() {
	python3 -c 'import yaml,sys
d=yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
print(d["stage_history"][-1].get("by"))' "$1"
}
# yv FILE KEY: a top-level value as python prints it (None when absent).
yv() {
	python3 -c 'import yaml,sys; print(yaml.safe_load(open(sys.argv[1], encoding="utf-8")).get(sys.argv[2]))' "$1" "$2"
}
# editor SCRIPT: a scripted $EDITOR running sed SCRIPT on the file.
editor() {
	local f="$TEST_ROOT/editor-$RANDOM.sh"
	printf '#!/bin/sh\nsed -i "%s" "$1"\n' "$1" >"$f"
	chmod +x "$f"
	echo "$f"
}
nothing_written() {
	is "$(commits)" "$1" "$2: no commit"
	is "$(git status --porcelain)" "${3:-}" "$2: nothing written"
}

old_store a
sed -i 's/^  email: ann@example.com$/&\n- login: bob\n  name: Bob Jones\n  email: bob@example.com/' crm.yaml
git commit -qam "add bob" || exit 1
co=$("$CRM" add company "Acme Ltd")

# --- crm add ---
run add deal "Supply" --company "Acme Ltd" --stage qualified
is "$rc" 0 "add deal --stage exits 0"
d1=$out; f1=$(file_of deal "$d1")
is "$(hist "$f1")" "qualified" "add: history holds the first stage"
is "$(last_by "$f1")" "ann" "add: the entry is the user's"

# --- crm set ---
run set "$d1" stage=proposal
is "$rc" 0 "set stage exits 0"
is "$(hist "$f1")" "qualified proposal" "set: one entry appended"
run set "$d1" amount=1000
is "$(hist "$f1")" "qualified proposal" "set of another field: no entry"
run --user bob set "$d1" stage=negotiation
is "$(last_by "$f1")" "bob" "set by bob: the entry is bob's"

# --- crm tag: updated moves, the history does not ---
git show HEAD:"$f1" >"$TEST_ROOT/before.yaml"
sleep 1
run tag "$d1" +vip
is "$rc" 0 "tag exits 0"
is "$(hist "$f1")" "qualified proposal negotiation" "tag: no history entry"
[ "$(yv "$f1" updated)" != "$(yv "$TEST_ROOT/before.yaml" updated)" ]
ok $? "tag: updated is set"

# --- crm edit with a scripted editor ---
run add deal "Edited" --company "Acme Ltd"
d2=$out; f2=$(file_of deal "$d2")
is "$(hist "$f2")" "lead" "a new deal starts in lead"
EDITOR=$(editor 's/^stage: .*/stage: won/') run edit "$d2"
is "$rc" 0 "edit lead -> won exits 0"
is "$(yv "$f2" stage)" "won" "edit: the stage is won"
is "$(hist "$f2")" "lead won" "edit: the history shows lead, then won"
is "$(last_by "$f2")" "ann" "edit: the entry is the committing user's"
store_clean "edit of the stage"

# --- a hand edit committed with crm commit ---
sed -i 's/^stage: .*/stage: negotiation/' "$f2"
run commit
is "$rc" 0 "commit of a hand-edited stage exits 0"
is "$(hist "$f2")" "lead won negotiation" "hand edit + commit: the entry is appended"
store_clean "commit of a hand edit"

# a hand edit that writes the history entry itself is kept as written
run add deal "Careful" --company "Acme Ltd"
d3=$out; f3=$(file_of deal "$d3")
sed -i 's/^stage: .*/stage: won/' "$f3"
printf -- "- stage: won\n  at: '2026-11-30T10:00:00+03:00'\n  by: bob\n" >>"$f3"
run commit
is "$rc" 0 "commit of a stage with its own history entry exits 0"
is "$(hist "$f3")" "lead won" "the hand-written entry is not doubled"
is "$(last_by "$f3")" "bob" "the hand-written entry is kept as written"
like "$(cat "$f3")" "at: '2026-11-30T10:00:00\+03:00'" "its time is kept"

# one whose last entry names another stage is refused
n=$(commits)
sed -i 's/^stage: .*/stage: lost/' "$f3"
printf -- "- stage: qualified\n  at: '2026-11-30T11:00:00+03:00'\n" >>"$f3"
run commit
is "$rc" 1 "a history that contradicts the stage is refused"
like "$err" "stage_history.*'qualified'.*'lost'" "the error names both stages"
nothing_written "$n" "contradicting history" " M $f3"
git checkout -q -- "$f3"

# --- refused on the way in: unknown stage, owner, reference ---
n=$(commits)
run add deal "Bad" --stage wonn
is "$rc" 2 "add with an unknown stage exits 2"
like "$err" "unknown stage 'wonn' \(did you mean 'won'\?\)" "add: the stage is named"
nothing_written "$n" "add with an unknown stage"
run add contact "Nobody" --owner zed
[ "$rc" -ne 0 ]
ok $? "add with an unknown owner fails"
like "$err" "unknown user 'zed'" "add: the user is named"
nothing_written "$n" "add with an unknown owner"
run set "$d1" owner=zed
is "$rc" 2 "set of an unknown owner exits 2"
nothing_written "$n" "set of an unknown owner"
sed -i 's/^stage: .*/stage: wonn/' "$f1"
run status
like "$out" "M $f1 .*unknown stage 'wonn'" "status says the hand edit's stage is unknown"
run commit
is "$rc" 1 "commit of a hand edit naming an unknown stage exits 1"
like "$err" "'?$f1'?: .*line [0-9]+: field 'stage': unknown stage 'wonn'" "commit names the file, line and stage"
nothing_written "$n" "commit of an unknown stage" " M $f1"
git checkout -q -- "$f1"
sed -i 's/^owner: .*/owner: zed/' "$f1"
run commit
is "$rc" 1 "commit of a hand edit naming an unknown owner exits 1"
like "$err" "unknown user 'zed'" "commit names the user"
nothing_written "$n" "commit of an unknown owner" " M $f1"
git checkout -q -- "$f1"
sed -i "s/^company: .*/company: '$d2'/" "$f1"
run commit
is "$rc" 1 "a company field naming a deal is refused"
like "$err" "'$d2' is a deal" "the error says what the id is"
nothing_written "$n" "a reference of the wrong type" " M $f1"
sed -i "s/^company: .*/company: zzzzzzzzzz/" "$f1"
run commit
is "$rc" 1 "a reference to no record is refused"
like "$err" "no record 'zzzzzzzzzz'" "the error names the id"
git checkout -q -- "$f1"
EDITOR=$(editor 's/^stage: .*/stage: wonn/') run edit "$d1"
is "$rc" 1 "edit to an unknown stage gives up"
like "$err" "unknown stage 'wonn'" "edit says why"
nothing_written "$n" "edit to an unknown stage"

# --- a git pull of another clone's crm commit ---
cd "$TEST_ROOT" || exit 1
git clone -q a b
cd b || exit 1
run set "$d1" stage=won
is "$rc" 0 "set in the clone exits 0"
cd ../a || exit 1
git pull -q ../b main 2>/dev/null
ok $? "git pull of the clone's commit"
is "$(hist "$f1")" "qualified proposal negotiation won" "pulled: the history holds the clone's entry"
run show "$d1"
is "$err" "" "pulled: the deal shows without a warning"
like "$out" "won" "pulled: show says won"

# --- in Russian ---
if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$' &&
   [ -f "$CRM_LOCALEDIR/ru/LC_MESSAGES/crm.mo" ]; then
	n=$(commits)
	sed -i 's/^stage: .*/stage: wonn/' "$f1"
	sed -i 's/^  - negotiation$/  - closed/' crm.yaml
	LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 run commit
	is "$rc" 1 "ru: commit of an unknown stage exits 1"
	like "$err" "^crm: ошибка: " "ru: the error is in Russian"
	git checkout -q -- "$f1"
	n=$(commits)
	LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 run commit
	is "$rc" 1 "ru: a crm.yaml dropping a used stage is refused"
	like "$err" "этап 'negotiation'" "ru: the stage is named in Russian"
	like "$err" "crm stage rename" "ru: the hint names the command"
	nothing_written "$n" "ru: refused crm.yaml" " M crm.yaml"
	git checkout -q -- crm.yaml
else
	ok 0 "# skip: no ru_RU.UTF-8 locale or catalogue"
fi
store_clean "the end"

done_testing
