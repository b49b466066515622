#!/bin/bash
# crm stage add|rm|rename and crm user add|rename|rm: crm.yaml and every
# record using the stage or user change in one commit, crm undo takes it
# back whole; unknown, invalid and taken names are refused with nothing
# written; help and completion of the subcommands; English and Russian.
. "$(dirname "$0")/lib.sh"

COMP=$(cd "$(dirname "$0")/../../completions" && pwd)
ru() { LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 run "$@"; }

# nothing_written N WHAT: no commit since N, the work tree clean.
nothing_written() {
	is "$(commits)" "$1" "$2: nothing committed"
	is "$(git status --porcelain)" "" "$2: the work tree is clean"
}

old_store stages
run user add bob --name "Борис Иванов" --email bob@example.com
is "$rc" 0 "user add exits 0"
is "$out" "added user 'bob'" "user add says what it did"
like "$(git log -1 --format=%s)" "^user add bob$" "user add: the commit's subject"
like "$(cat crm.yaml)" "login: bob" "user add: bob is in crm.yaml"
like "$(cat crm.yaml)" "name: Борис Иванов" "user add: the Cyrillic name is written unescaped"
d1=$("$CRM" add deal "Поставка" --stage won --owner bob)
d2=$("$CRM" add deal "Supply" --stage won)
d3=$("$CRM" add deal "Ремонт")
"$CRM" set "$d3" stage=won >/dev/null
"$CRM" set "$d3" stage=lost --reason price >/dev/null
store_clean "setup"

# --- stage rename -----------------------------------------------------------
n=$(commits)
run stage rename sales won closed_won
is "$rc" 0 "stage rename exits 0"
is "$out" "renamed stage 'won' of pipeline 'sales' to 'closed_won' (2 deals)" \
	"stage rename says how many deals were in the stage"
is "$(commits)" $((n + 1)) "stage rename makes one commit"
is "$(git log -1 --format=%s)" "stage rename sales: won -> closed_won (2 deals)" \
	"stage rename: the commit's subject"
is "$(git show --stat --format= HEAD | grep -c '|')" 4 \
	"the commit holds crm.yaml and the three deals that used the stage"
like "$(grep -A8 'stages:' crm.yaml | tr -s ' \n' ' ')" "negotiation - closed_won - lost" \
	"crm.yaml: the stage renamed in its place"
ok "$(! grep -qx -- '  - won' crm.yaml; echo $?)" "crm.yaml: no 'won' left"
is "$(grep '^stage:' "$(file_of deal "$d1")")" "stage: closed_won" "the deal in the stage has the new name"
is "$(grep -c 'stage: closed_won' "$(file_of deal "$d3")")" 1 \
	"the stage_history of a deal that left the stage is rewritten"
is "$(grep -c 'stage: won' deals/*/*.yaml | grep -v ':0' | wc -l)" 0 "no deal names the old stage"
run --format ids list deal stage:closed_won
is "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" "$(printf '%s\n' "$d1" "$d2" | sort | tr '\n' ' ')" \
	"list finds the deals in the renamed stage"
run show "$d1"
is "$rc" 0 "show works on a deal of the renamed stage"
run set "$d2" stage=lead
is "$rc" 0 "set works on a deal of the renamed stage"
store_clean "stage rename"

# --- undo takes it back whole ----------------------------------------------
"$CRM" undo >/dev/null       # the set
n=$(commits)
run undo
is "$rc" 0 "undo of the rename exits 0"
like "$out" "stage rename sales: won -> closed_won" "undo says what it undid"
is "$(commits)" $((n + 1)) "undo of the rename is one commit"
like "$(cat crm.yaml)" "- won" "undo: crm.yaml has 'won' again"
ok "$(! grep -q closed_won crm.yaml deals/*/*.yaml; echo $?)" "undo: no file names 'closed_won'"
run --format ids list deal stage:won
is "$(printf '%s\n' "$out" | grep -c .)" 2 "undo: both deals are in 'won' again"
store_clean "undo rename"

# --- stage rename refusals ----------------------------------------------------
n=$(commits)
run stage rename sale won x
is "$rc" 3 "an unknown pipeline exits 3"
like "$err" "unknown pipeline 'sale' \(did you mean 'sales'\?\)" "an unknown pipeline: did you mean"
run stage rename sales wonn x
is "$rc" 3 "an unknown stage exits 3"
like "$err" "unknown stage 'wonn' \(did you mean 'won'\?\)" "an unknown stage: did you mean"
run stage rename sales won Closed
is "$rc" 2 "a new name with capitals exits 2"
like "$err" "invalid stage name 'Closed'" "a bad name is named"
like "$err" "hint: use lowercase ASCII letters, digits" "a bad name: the rules as a hint"
run stage rename sales won "closed won"
is "$rc" 2 "a new name with a space exits 2"
run stage rename sales won "этап"
is "$rc" 2 "a new name in Cyrillic exits 2"
run stage rename sales won "$(printf 'w\377n')"
is "$rc" 2 "a new name of invalid UTF-8 exits 2"
run stage rename sales "$(printf 'w\377n')" x
is "$rc" 3 "an old name of invalid UTF-8 is an unknown stage"
ok "$(printf '%s' "$err" | grep -q "$(printf '\377')"; [ $? -ne 0 ]; echo $?)" \
	"the invalid byte is not printed raw"
run stage rename sales won lost
is "$rc" 1 "renaming onto an existing stage exits 1"
like "$err" "pipeline 'sales' already has a stage 'lost'" "renaming onto an existing stage is explained"
run stage rename sales won
is "$rc" 2 "a missing argument exits 2"
like "$err" "usage: crm stage rename PIPELINE OLD NEW" "a missing argument shows the usage"
run stage rename sales won x y
is "$rc" 2 "an extra argument exits 2"
nothing_written "$n" "refused renames"

# crm.yaml edited by hand and not committed: refused, the edit kept
printf '# a note of my own\n' >>crm.yaml
run stage rename sales won closed
is "$rc" 1 "a rename over an uncommitted crm.yaml exits 1"
like "$err" "'crm.yaml' has changes that are not committed" "the uncommitted crm.yaml is named"
like "$err" "hint: run 'crm commit' to keep them, or 'git checkout -- crm.yaml' to drop them" "with how to go on"
is "$(tail -1 crm.yaml)" "# a note of my own" "the hand edit is kept"
is "$(commits)" "$n" "nothing committed over the hand edit"
git checkout -q -- crm.yaml

# a deal edited by hand and not committed: refused, the edit kept
printf 'note: mine\n' >>"$(file_of deal "$d2")"
run stage rename sales won closed
is "$rc" 1 "a rename over a hand-edited deal exits 1"
like "$err" "'$(file_of deal "$d2")' has changes that are not committed" "the hand-edited file is named"
is "$(tail -1 "$(file_of deal "$d2")")" "note: mine" "the hand edit of the deal is kept"
is "$(commits)" "$n" "nothing committed over the hand-edited deal"
like "$(cat crm.yaml)" "- won" "crm.yaml is not changed either"
git checkout -q -- "$(file_of deal "$d2")"

# a deal naming a user crm.yaml lacks (a plain git commit) is renamed too
sed -i 's/^owner: .*/owner: zed/' "$(file_of deal "$d2")"
git commit -qam "a colleague's commit"
run stage rename sales won closed
is "$rc" 0 "a rename with a deal that does not validate"
is "$(grep '^stage:' "$(file_of deal "$d2")")" "stage: closed" "the deal that does not validate is renamed too"
"$CRM" undo >/dev/null
"$CRM" reassign zed ann >/dev/null
is "$(grep '^owner:' "$(file_of deal "$d2")")" "owner: ann" "reassign puts the owner right"
is "$(grep '^stage:' "$(file_of deal "$d2")")" "stage: won" "undo took the rename back"
n=$(commits)

# --- stage add ------------------------------------------------------------------
n=$(commits)
run stage add sales demo --after qualified
is "$rc" 0 "stage add --after exits 0"
is "$out" "added stage 'demo' to pipeline 'sales'" "stage add says what it did"
like "$(grep -A8 'stages:' crm.yaml | tr -s ' \n' ' ')" "qualified - demo - proposal" "--after puts it after"
run stage add sales call --before lead
is "$rc" 0 "stage add --before exits 0"
like "$(grep -A2 'stages:' crm.yaml | tr -s ' \n' ' ')" "stages: - call - lead" "--before puts it before"
run stage add sales last_one
like "$(grep -B1 '^defaults:' crm.yaml | head -1)" "last_one" "without --after or --before it goes last"
is "$(commits)" $((n + 3)) "one commit per stage add"
is "$(git log -1 --format=%s)" "stage add sales: last_one" "stage add: the commit's subject"
is "$(git show --stat --format= HEAD | grep -c '|')" 1 "stage add changes crm.yaml alone"
run add deal "Demo deal" --stage demo
is "$rc" 0 "a new deal can be in the new stage"
store_clean "stage add"
n=$(commits)
run stage add sales demo
is "$rc" 1 "adding an existing stage exits 1"
run stage add sales x --after nowhere
is "$rc" 3 "--after an unknown stage exits 3"
run stage add sales x --after lead --before won
is "$rc" 2 "--after and --before together exit 2"
run stage add sales -x
is "$rc" 2 "a name that looks like an option exits 2"
run stage add nopipe x
is "$rc" 3 "stage add to an unknown pipeline exits 3"
nothing_written "$n" "refused adds"

# --- stage rm -------------------------------------------------------------------
"$CRM" rm "Demo deal" >/dev/null
n=$(commits)
run stage rm sales demo
is "$rc" 0 "removing an empty stage exits 0"
is "$out" "removed stage 'demo' of pipeline 'sales'" "stage rm says what it did"
ok "$(! grep -q -- '- demo' crm.yaml; echo $?)" "the stage is gone from crm.yaml"
n=$(commits)
run stage rm sales won
is "$rc" 1 "removing a stage deals are in exits 1"
like "$err" "stage 'won' of pipeline 'sales' still has 2 deals" "the refusal counts the deals"
like "$err" "hint: move them with 'crm stage rm sales won --to STAGE'" "the refusal says how to go on"
run stage rm sales won --to won
is "$rc" 2 "--to the stage itself exits 2"
run stage rm sales won --to lst
is "$rc" 3 "--to an unknown stage exits 3"
like "$err" "did you mean 'lost'" "--to an unknown stage: did you mean"
nothing_written "$n" "refused rm"
run stage rm sales won --to negotiation
is "$rc" 0 "stage rm --to exits 0"
is "$out" "removed stage 'won' of pipeline 'sales' (2 deals moved to 'negotiation')" \
	"stage rm --to says how many moved"
is "$(commits)" $((n + 1)) "stage rm --to is one commit"
is "$(git log -1 --format=%s)" "stage rm sales: won (2 deals -> negotiation)" "stage rm --to: the subject"
is "$(grep '^stage:' "$(file_of deal "$d1")")" "stage: negotiation" "the first deal moved"
is "$(grep '^stage:' "$(file_of deal "$d2")")" "stage: negotiation" "the second deal moved"
is "$(grep 'stage:' "$(file_of deal "$d1")" | tail -1)" "  stage: negotiation" \
	"the move is the last entry of the deal's stage_history"
like "$(grep -A2 -- '^  stage: negotiation' "$(file_of deal "$d1")" | tr '\n' ' ')" "by: ann" \
	"the move is by the user who made it"
is "$(grep -c -- '^  stage: won' "$(file_of deal "$d1")")" 1 "the entry of the removed stage stays as history"
run --format ids list deal stage:negotiation
is "$(printf '%s\n' "$out" | grep -c .)" 2 "list finds the moved deals"
store_clean "stage rm --to"
run undo
is "$rc" 0 "undo of stage rm --to"
is "$(grep '^stage:' "$(file_of deal "$d1")")" "stage: won" "undo: the deal is back in its stage"
like "$(cat crm.yaml)" "- won" "undo: the stage is back in crm.yaml"
store_clean "undo stage rm"

# --- user add -------------------------------------------------------------------
n=$(commits)
run user add bob --name Bob
is "$rc" 1 "adding an existing user exits 1"
like "$err" "user 'bob' already exists" "an existing user is named"
run user add Carl --name Carl
is "$rc" 2 "a login with capitals exits 2"
run user add carl
is "$rc" 2 "user add without --name exits 2"
run user add carl --name "   "
is "$rc" 2 "a blank name exits 2"
run user add carl --name "$(printf 'C\033[2Jarl')"
is "$rc" 2 "a name with an escape sequence exits 2"
ok "$(printf '%s' "$err" | grep -q "$(printf '\033')"; [ $? -ne 0 ]; echo $?)" \
	"the escape sequence is not printed raw"
run user add carl --name Carl --email "not an address"
is "$rc" 2 "a bad e-mail address exits 2"
run user add carl --name Carl --email BOB@example.com
is "$rc" 1 "another user's e-mail address exits 1"
like "$err" "already the address of user 'bob'" "the address's user is named"
nothing_written "$n" "refused user adds"
run user add carl --name "Carl Əliyev"
is "$rc" 0 "a user without an e-mail address"
run add task "Call" --for "$d1" --owner carl
is "$rc" 0 "the new user can own records"
store_clean "user add"

# --- user rename (owner and custom fields of kind user) -------------------------
printf 'fields:\n  partner: user\n  helper:\n    kind: user\n    types: [deal]\n' >>crm.yaml  # helper: no record has it
"$CRM" commit -q
"$CRM" set "$d2" partner=bob >/dev/null
n=$(commits)
run user rename bob boris
is "$rc" 0 "user rename exits 0"
is "$out" "renamed user 'bob' to 'boris' (2 records)" "user rename counts the records"
is "$(commits)" $((n + 1)) "user rename is one commit"
is "$(git log -1 --format=%s)" "user rename bob -> boris (2 records)" "user rename: the subject"
is "$(grep '^owner:' "$(file_of deal "$d1")")" "owner: boris" "the owner is renamed"
is "$(grep '^partner:' "$(file_of deal "$d2")")" "partner: boris" "a custom field of kind user is renamed"
ok "$(! grep -q 'login: bob' crm.yaml; echo $?)" "crm.yaml has no 'bob'"
like "$(cat crm.yaml)" "login: boris" "crm.yaml has 'boris'"
run --format ids list deal owner:boris
is "$out" "$d1" "list finds the renamed owner's deal"
store_clean "user rename"
run undo
is "$rc" 0 "undo of user rename"
is "$(grep '^owner:' "$(file_of deal "$d1")")" "owner: bob" "undo: the owner is back"
is "$(grep '^partner:' "$(file_of deal "$d2")")" "partner: bob" "undo: the field is back"
store_clean "undo user rename"
n=$(commits)
run user rename bobb x
is "$rc" 3 "renaming an unknown user exits 3"
like "$err" "unknown user 'bobb' \(did you mean 'bob'\?\)" "an unknown user: did you mean"
run user rename bob carl
is "$rc" 1 "renaming onto an existing user exits 1"
run user rename bob "b o b"
is "$rc" 2 "renaming to an invalid login exits 2"
nothing_written "$n" "refused user renames"

# --- user rm --------------------------------------------------------------------
n=$(commits)
run user rm bob
is "$rc" 1 "removing a user who owns records exits 1"
like "$err" "user 'bob' still owns or is named in 2 records" "the refusal counts the records"
like "$err" "hint: hand them over with 'crm reassign bob LOGIN' or 'crm user rm bob --to LOGIN'" \
	"the refusal says how to go on"
run user rm bob --to bob
is "$rc" 2 "--to the user itself exits 2"
run user rm bob --to zed
is "$rc" 3 "--to an unknown user exits 3"
run user rm ann --to bob
is "$rc" 1 "the acting user cannot remove itself"
run user rm bo
is "$rc" 3 "removing an unknown user exits 3"
nothing_written "$n" "refused user rm"
run user rm bob --to carl
is "$rc" 0 "user rm --to exits 0"
is "$out" "removed user 'bob' (2 records handed over to 'carl')" "user rm --to counts the records"
is "$(commits)" $((n + 1)) "user rm --to is one commit"
is "$(grep '^owner:' "$(file_of deal "$d1")")" "owner: carl" "the owner is handed over"
is "$(grep '^partner:' "$(file_of deal "$d2")")" "partner: carl" "the user field is handed over"
ok "$(! grep -q 'login: bob' crm.yaml; echo $?)" "bob is gone from crm.yaml"
store_clean "user rm --to"
run undo
is "$rc" 0 "undo of user rm --to"
like "$(cat crm.yaml)" "login: bob" "undo: bob is back"
is "$(grep '^owner:' "$(file_of deal "$d1")")" "owner: bob" "undo: bob owns his deal again"
store_clean "undo user rm"
"$CRM" user rm bob --to ann >/dev/null
"$CRM" --user carl user rm carl --to ann >/dev/null 2>&1
is "$?" 1 "a user cannot remove itself (--user)"
"$CRM" reassign carl ann >/dev/null
run user rm carl
is "$rc" 0 "a user who owns nothing is removed without --to"
run --user ann user rm ann
is "$rc" 1 "the last user cannot be removed"
store_clean "user rm"

# --- Russian ---------------------------------------------------------------------
ru stage rename sales wonn x
is "$rc" 3 "ru: an unknown stage exits 3"
like "$err" "неизвестный этап 'wonn' \(может быть, 'won'\?\)" "ru: an unknown stage, did you mean"
ru stage rm sales won
like "$err" "на этапе 'won' воронки 'sales' ещё 2 сделки" "ru: the refusal counts in Russian"
like "$err" "подсказка: перенесите их" "ru: the hint in Russian"
ru user add dina --name "Дина" --email dina@example.com
is "$out" "пользователь 'dina' добавлен" "ru: user add says what it did"
ru stage rename sales won closed_won
is "$out" "этап 'won' воронки 'sales' переименован в 'closed_won' (2 сделки)" "ru: stage rename"
ru user add Dina --name x
like "$err" "недопустимый логин 'Dina'" "ru: an invalid login"
ru stage renam
like "$err" "у 'crm stage' нет подкоманды 'renam' \(может быть, 'crm stage rename'\?\)" \
	"ru: an unknown subcommand, did you mean"
ru stage --help
like "$out" "^использование: crm stage add ВОРОНКА ЭТАП" "ru: the usage of the first subcommand"
like "$out" "или: crm stage rename ВОРОНКА СТАРЫЙ НОВЫЙ" "ru: the usage of the others"
store_clean "ru"

# --- help ------------------------------------------------------------------------
run stage
is "$rc" 2 "crm stage alone exits 2"
like "$err" "which subcommand of 'crm stage'" "crm stage alone asks which subcommand"
run stage renam sales a b
is "$rc" 2 "an unknown subcommand exits 2"
like "$err" "unknown subcommand 'renam' of 'crm stage' \(did you mean 'crm stage rename'\?\)" \
	"an unknown subcommand: did you mean"
run user bogus
is "$rc" 2 "an unknown user subcommand exits 2"
run help stage
is "$rc" 0 "crm help stage exits 0"
like "$out" "^usage: crm stage add PIPELINE STAGE \[--after STAGE\] \[--before STAGE\]" \
	"crm help stage: the first subcommand's usage"
like "$out" "or: crm stage rm PIPELINE STAGE \[--to STAGE\]" "crm help stage: rm's usage"
like "$out" "or: crm stage rename PIPELINE OLD NEW" "crm help stage: rename's usage"
like "$out" "stage rename +rename a stage" "crm help stage lists the subcommands"
like "$out" "See 'man crm-stage'" "crm help stage names the man page"
run help stage rename
like "$out" "^usage: crm stage rename PIPELINE OLD NEW" "crm help stage rename"
run stage rm --help
like "$out" "^usage: crm stage rm PIPELINE STAGE \[--to STAGE\]" "crm stage rm --help"
like "$out" "--to STAGE +move the stage's deals" "crm stage rm --help lists --to"
run help user
like "$out" "or: crm user rename OLD NEW" "crm help user"
run help stage bogus
is "$rc" 2 "crm help of an unknown subcommand exits 2"
run help
like "$out" "stage +change the stages of a pipeline" "crm help lists crm stage"
like "$out" "user +change the users of the store" "crm help lists crm user"

# --- completion --------------------------------------------------------------------
comp() { "$CRM" __complete words -- crm "$@" | cut -f1 | tr '\n' ' '; }
is "$(comp stage "")" "add rm rename " "completion: the subcommands of stage"
is "$(comp stage re)" "rename " "completion: a subcommand's prefix"
is "$(comp user "")" "add rename rm " "completion: the subcommands of user"
is "$(comp stage rename "")" "sales " "completion: stage rename's pipeline"
like "$(comp stage rename sales "")" "^call lead qualified proposal negotiation closed_won lost last_one $" \
	"completion: the pipeline's stages"
like "$(comp stage rm sales closed_won --to "")" "negotiation" "completion: --to offers stages"
is "$(comp stage rm sales closed_won --to=ne)" "--to=negotiation " "completion: --to=VALUE"
is "$(comp stage add sales x --after ne)" "negotiation " "completion: --after offers stages"
is "$(comp user rm "")" "ann dina " "completion: user rm offers the users"
is "$(comp user rm dina --to "")" "ann dina " "completion: user rm --to offers the users"
is "$(comp user add dina --na)" "--name " "completion: user add's options"
is "$(comp help stage "")" "add rm rename " "completion: crm help stage offers the subcommands"
is "$(comp st)" "status stage " "completion: the commands include stage"

# the shells' scripts, through the binary
mkdir -p "$TEST_ROOT/bin"
ln -s "$CRM" "$TEST_ROOT/bin/crm"
got=$(PATH="$TEST_ROOT/bin:$PATH" bash --norc --noprofile -c '
. "$1" || exit 9
COMP_LINE="crm stage rename sales cl"
COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<<"$COMP_LINE"
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_crm crm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf "%s\n" "${COMPREPLY[@]}"
' bcomp "$COMP/crm.bash")
is "$got" "closed_won" "bash: 'crm stage rename sales cl' completes the stage"
if command -v fish >/dev/null; then
	got=$(PATH="$TEST_ROOT/bin:$PATH" HOME="$HOME" fish --no-config -c \
		"source '$COMP/crm.fish'; complete -C 'crm user ren'" 2>&1 | cut -f1)
	is "$got" "rename" "fish: 'crm user ren' completes the subcommand"
else
	echo "ok $((_tap_n + 1)) # SKIP fish is not installed"
	_tap_n=$((_tap_n + 1))
fi

# a stage name holding escapes (committed with git: crm commit refuses
# such a name) is shown escaped
old_store escapes
sed -i 's/^  - lost$/  - lost\n  - "q\\e[2Jq"/' crm.yaml
run commit
is "$rc" 1 "crm commit refuses a stage name with ESC"
git commit -qam "a stage with an escape"
run stage rm sales $'q\e[2Jq'
is "$rc" 0 "stage rm of a name with ESC exits 0"
case $out in *$'\e'*) ok 1 "its message holds no raw ESC" ;; *) ok 0 "its message holds no raw ESC" ;; esac
like "$out" 'q\\x1b\[2Jq' "the name is shown escaped"
done_testing
