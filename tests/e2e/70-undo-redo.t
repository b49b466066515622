#!/bin/bash
# 70-undo-redo.t - crm undo and crm redo in a store two users share: each
# undoes their own last change, repeated undos walk back, a later edit by
# someone else is refused (or merged with --force), redo re-applies the
# last undo until a new change, and each says what it reverted.
. "$(dirname "$0")/lib.sh"

: "${CRM_LOCALEDIR:=$(dirname "$CRM")/locale}"
export CRM_LOCALEDIR

# yv FILE KEY: python repr of a top-level key (None when absent)
yv() {
	python3 -c 'import yaml,sys; print(repr(yaml.safe_load(open(sys.argv[1], encoding="utf-8")).get(sys.argv[2])))' "$1" "$2"
}
# trailer KEY: the value of trailer KEY of HEAD's message
trailer() {
	git log -1 --format=%B | sed -n "s/^$1: //p"
}
# unchanged N WHAT: no commit was made since N and nothing is written
unchanged() {
	is "$(commits)" "$1" "$2: no commit"
	is "$(git status --porcelain)" "" "$2: nothing written"
}
run_ru() {
	out=$(LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 "$CRM" "$@" 2>"$TEST_ROOT/stderr")
	rc=$?
	err=$(cat "$TEST_ROOT/stderr")
}

new_store undo
sed -i 's/^  email: ann@example.com$/&\n- login: bob\n  name: Bob Jones\n  email: bob@example.com/' crm.yaml
git commit -qam "add bob" || exit 1

# --- two users interleaving ---
co=$("$CRM" add company "Acme Ltd")
de=$("$CRM" add deal "Supply 2027" --company "Acme Ltd" --amount 1000)
CRM_USER=bob "$CRM" set "Acme Ltd" industry=retail >/dev/null || exit 1
"$CRM" set "Supply 2027" amount=2000 >/dev/null || exit 1
ann_set=$(git rev-parse HEAD)
"$CRM" --user bob tag "Acme Ltd" +vip >/dev/null || exit 1
fc=$(file_of company "$co"); fd=$(file_of deal "$de")

n=$(commits)
run undo
is "$rc" 0 "ann's undo exits 0 though bob's commit is the last"
is "$(yv "$fd" amount)" "1000" "ann's undo reverts her own last change"
is "$(yv "$fc" tags)" "['vip']" "bob's later tag is kept"
is "$(yv "$fc" industry)" "'retail'" "bob's earlier change is kept"
like "$out" "^undid ${ann_set:0:8} 'deal ${de:0:4}: set amount=2000' \\(Ann Smith\\)" \
	"says which commit it undid: its id, subject and author"
like "$out" "$(printf '\n  deal %s  Supply 2027\n    amount: 2000 -> 1000' "${de:0:4}")" \
	"shows the field changes as crm log does"
is "$(commits)" $((n + 1)) "one commit"
is "$(git log -1 --format=%s)" "undo: deal ${de:0:4}: set amount=2000" "undo subject"
is "$(git log -1 --format=%an)" "Ann Smith" "authored by ann"
is "$(trailer Crm-Undoes)" "$ann_set" "Crm-Undoes names the commit undone"
is "$(trailer Crm-Command)" "undo" "Crm-Command: undo"
store_clean "ann's undo"
ann_out=$out

bob_tag=$(git log --format='%H %s' | awk '/tag \+vip/ {print $1; exit}')
run --user bob undo
is "$rc" 0 "bob's undo exits 0"
is "$(yv "$fc" tags)" "None" "bob's undo reverts his tag"
is "$(yv "$fd" amount)" "1000" "ann's undo stays"
like "$out" "^undid ${bob_tag:0:8} 'company ${co:0:4}: tag \\+vip' \\(Bob Jones\\)" \
	"bob's undo names his commit"
ok "$([ "$out" != "$ann_out" ]; echo $?)" "two different undos print different messages"
is "$(git log -1 --format=%an)" "Bob Jones" "bob's undo authored by bob"
store_clean "bob's undo"

# repeated undo walks back bob's earlier change, never ann's
CRM_USER=bob run undo
is "$rc" 0 "bob's second undo exits 0"
is "$(yv "$fc" industry)" "None" "the second undo walks back to bob's earlier change"
like "$out" "set industry=retail" "and says so"
n=$(commits)
CRM_USER=bob run undo
is "$rc" 1 "bob's third undo: nothing of his is left"
like "$err" "nothing of yours \\(bob\\) to undo" "says nothing of bob's is left"
like "$err" "hint: the last change, [0-9a-f]{8} 'deal ${de:0:4}: add Supply 2027', is by Ann Smith; 'crm undo --any' undoes it" \
	"the hint names the last change and --any"
unchanged "$n" "nothing of bob's to undo"

# --- redo ---
run redo
is "$rc" 0 "ann's redo exits 0"
is "$(yv "$fd" amount)" "2000" "redo re-applies what ann's undo reverted"
like "$out" "^redid [0-9a-f]{8} 'deal ${de:0:4}: set amount=2000' \\(Ann Smith\\)" "redo says what it re-applied"
like "$out" "amount: 1000 -> 2000" "redo shows its field changes"
is "$(git log -1 --format=%s)" "redo: deal ${de:0:4}: set amount=2000" "redo subject"
is "$(trailer Crm-Command)" "redo" "Crm-Command: redo"
ann_undo=$(git log --format='%H %an %s' | awk '/Ann Smith undo: deal/ {print $1; exit}')
is "$(trailer Crm-Redoes)" "$ann_undo" "Crm-Redoes names the undo reverted"
store_clean "redo"
n=$(commits)
run redo
is "$rc" 1 "a second redo: nothing left to redo"
like "$err" "nothing to redo" "says nothing to redo"
unchanged "$n" "nothing to redo"

# bob redoes his two undos, newest first
CRM_USER=bob run redo
is "$rc" 0 "bob's redo exits 0"
is "$(yv "$fc" industry)" "'retail'" "bob's last undo (of industry) redone first"
is "$(yv "$fc" tags)" "None" "his earlier undo not yet"
CRM_USER=bob run redo
is "$rc" 0 "bob's second redo exits 0"
is "$(yv "$fc" tags)" "['vip']" "then his earlier undo (of the tag)"
CRM_USER=bob run redo
is "$rc" 1 "bob's third redo: nothing to redo"
store_clean "bob's redos"

# undo after redo takes the redo back; repeated, it walks past what is
# undone
run undo
is "$rc" 0 "undo after redo exits 0"
is "$(yv "$fd" amount)" "1000" "undo after redo takes the redone change back"
run undo
is "$rc" 0 "the next undo exits 0"
ok "$([ ! -e "$fd" ]; echo $?)" "it walks back past the undone change to the deal's creation"
n=$(commits)
content=$(cat "$fc")
run undo
is "$rc" 1 "undo of the company's creation is refused: bob changed it since"
like "$err" "cannot undo 'company ${co:0:4}: add Acme Ltd': company ${co:0:4} 'Acme Ltd' changed since, in [0-9a-f]{8} '[^']*' by Bob Jones" \
	"the refusal names the record, the later commit and its author"
like "$err" "hint: 'crm undo --force'" "the refusal hints at --force"
unchanged "$n" "refused undo"
is "$(cat "$fc")" "$content" "refused undo: file unchanged"
run redo
is "$rc" 0 "redo after two undos exits 0"
ok "$([ -e "$fd" ]; echo $?)" "redo brings the deal back"
run redo
is "$rc" 0 "the next redo exits 0"
is "$(yv "$fd" amount)" "2000" "and then the amount"
store_clean "undo and redo chains"

# --- --force: a three-way revert keeping later edits ---
"$CRM" set "Acme Ltd" website=acme.example >/dev/null || exit 1
CRM_USER=bob "$CRM" set "Acme Ltd" industry=food >/dev/null || exit 1
n=$(commits)
run undo
is "$rc" 1 "undo refused: bob edited the record since"
like "$err" "changed since, in [0-9a-f]{8} 'company ${co:0:4}: set industry=food' by Bob Jones" "names bob's commit"
unchanged "$n" "refused undo"
run undo --force
is "$rc" 0 "undo --force exits 0"
is "$(yv "$fc" website)" "None" "--force reverts ann's field"
is "$(yv "$fc" industry)" "'food'" "--force keeps bob's later edit of another field"
like "$out" "website: acme.example -> -" "says what it changed"
like "$out" "merged with the later changes of 1 record" "says it merged"
is "$(commits)" $((n + 1)) "one commit"
store_clean "undo --force"

# overlapping edits: the revert wins the field both changed, the rest of
# the later edit stays
"$CRM" set "Acme Ltd" industry=steel >/dev/null || exit 1
CRM_USER=bob "$CRM" set "Acme Ltd" industry=glass source=fair >/dev/null || exit 1
run undo --force
is "$rc" 0 "undo --force over an overlapping edit exits 0"
is "$(yv "$fc" industry)" "'food'" "the field both changed goes back to before ann's change"
is "$(yv "$fc" source)" "'fair'" "bob's other field stays"
store_clean "overlapping --force"

# --- redo refused after a change ---
"$CRM" set "Supply 2027" source=web >/dev/null || exit 1
run undo
is "$rc" 0 "undo of source exits 0"
"$CRM" set "Supply 2027" amount=3000 >/dev/null || exit 1
n=$(commits)
run redo
is "$rc" 1 "redo refused after a new change"
like "$err" "nothing to redo: no undo of yours is left since your change [0-9a-f]{8} 'deal ${de:0:4}: set amount=3000'" \
	"names the new change"
unchanged "$n" "redo after a new change"

"$CRM" set "Supply 2027" currency=EUR >/dev/null || exit 1
run undo
is "$rc" 0 "undo of currency exits 0"
CRM_USER=bob "$CRM" set "Supply 2027" currency=USD >/dev/null || exit 1
n=$(commits)
run redo
is "$rc" 1 "redo refused: bob changed the record since"
like "$err" "cannot redo 'deal ${de:0:4}: set currency=EUR': deal ${de:0:4} 'Supply 2027' changed since, in [0-9a-f]{8} 'deal ${de:0:4}: set currency=USD' by Bob Jones" \
	"the refusal names the change, the record and bob's commit"
unchanged "$n" "refused redo"
run redo --force
is "$rc" 0 "redo --force exits 0"
is "$(yv "$fd" currency)" "'EUR'" "redo --force re-applies over bob's overlapping edit"
store_clean "redo --force"

# --- --any ---
before=$(yv "$fd" currency)
CRM_USER=bob run undo --any
is "$rc" 0 "bob's undo --any exits 0"
like "$out" "\\(Ann Smith\\)" "--any undoes the last change, ann's"
is "$(yv "$fd" currency)" "'USD'" "the redo is reverted"
store_clean "undo --any"

# --- a plain git commit is no change to undo, but counts as a later edit ---
"$CRM" set "Acme Ltd" role_note=x --new-field >/dev/null || exit 1
echo "hand: edit" >>"$fc"
git commit -qam "hand edit" || exit 1
n=$(commits)
run undo
is "$rc" 1 "undo refused over a later plain git commit"
like "$err" "'hand edit' by Ann Smith" "names the plain git commit"
unchanged "$n" "refused over a git commit"

# --- Russian ---
run_ru undo
is "$rc" 1 "ru: refused undo exits 1"
like "$err" "не удалось отменить '.*': .* с тех пор изменена в [0-9a-f]{8} 'hand edit'" "ru: the refusal in Russian"
like "$err" "подсказка: 'crm undo --force'" "ru: the hint in Russian"
run_ru undo --force
is "$rc" 0 "ru: undo --force exits 0"
like "$out" "^отменено [0-9a-f]{8} '.*role_note=x' \\(Ann Smith\\)" "ru: what it undid, in Russian"
CRM_USER=bob run_ru redo
is "$rc" 0 "ru: bob's redo of his undo --any exits 0"
like "$out" "^возвращено [0-9a-f]{8} 'deal ${de:0:4}: set currency=EUR' \\(Bob Jones\\)" "ru: what it re-applied, in Russian"
CRM_USER=bob run_ru redo
is "$rc" 1 "ru: nothing left to redo for bob"
like "$err" "нечего возвращать" "ru: nothing to redo, in Russian"

# --- usage ---
n=$(commits)
run undo extra
is "$rc" 2 "undo with an argument exits 2"
run redo --bogus
is "$rc" 2 "redo with an unknown option exits 2"
unchanged "$n" "usage errors"

done_testing
