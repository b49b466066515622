#!/bin/bash
# 71-bulk.t - crm set and crm tag on several records at once: REF... --
# and --stdin (ids one a line) make one commit, which one undo takes
# back; a record that does not take the change refuses the whole change
# with its id named, and unknown or ambiguous references are named, with
# nothing written.
. "$(dirname "$0")/lib.sh"

: "${CRM_LOCALEDIR:=$(dirname "$CRM")/locale}"
export CRM_LOCALEDIR

yv() {
	python3 -c 'import yaml,sys; print(repr(yaml.safe_load(open(sys.argv[1], encoding="utf-8")).get(sys.argv[2])))' "$1" "$2"
}
unchanged() {
	is "$(commits)" "$1" "$2: no commit"
	is "$(git status --porcelain)" "" "$2: nothing written"
}
run_ru() {
	out=$(LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 "$CRM" "$@" 2>"$TEST_ROOT/stderr")
	rc=$?
	err=$(cat "$TEST_ROOT/stderr")
}
# run_in FILE ARGS...: run with standard input from FILE
run_in() {
	local f=$1
	shift
	out=$("$CRM" "$@" <"$f" 2>"$TEST_ROOT/stderr")
	rc=$?
	err=$(cat "$TEST_ROOT/stderr")
}

# packs: the pack indexes of the store, one a line.
packs() {
	ls .git/objects/pack/ | grep '\.idx$' | sort
}
# new_pack BEFORE: the one pack index not in the list BEFORE, or nothing
# when there is not exactly one.
new_pack() {
	local p
	p=$(packs | comm -13 "$1" -)
	[ "$(printf '%s\n' "$p" | grep -c .)" = 1 ] && echo ".git/objects/pack/$p"
}
# pack_counts IDX: "BLOBS TREES COMMITS DELTAS" of the pack.
pack_counts() {
	git verify-pack -v "$1" | awk '
		$2 == "blob" { b++ } $2 == "tree" { t++ } $2 == "commit" { c++ }
		NF >= 7 && $2 ~ /^(blob|tree|commit)$/ { d++ }
		END { printf "%d %d %d %d\n", b, t, c, d }'
}
# tree_by_git REV: the tree git builds from REV's tree and the work tree.
tree_by_git() {
	local idx="$TEST_ROOT/git-index"
	rm -f "$idx"
	GIT_INDEX_FILE=$idx git read-tree "$1" &&
		GIT_INDEX_FILE=$idx git add -A . &&
		GIT_INDEX_FILE=$idx git write-tree
}

old_store bulk
python3 - <<'EOF' || exit 1
s = open('crm.yaml').read()
s = s.replace('  email: ann@example.com\n', '  email: ann@example.com\n'
              '- login: bob\n  name: Bob Jones\n  email: bob@example.com\n', 1)
s = s.replace('defaults:', '- name: support\n  stages:\n  - new\n  - done\ndefaults:')
open('crm.yaml', 'w').write(s)
EOF
git commit -qam "bob, support pipeline" || exit 1
c1=$("$CRM" add contact "Олег Ершов")
c2=$("$CRM" add contact "Aysel Məmmədova")
c3=$("$CRM" add contact "John Smith")
d1=$("$CRM" add deal "Supply 2027" --amount 1000)
d2=$("$CRM" add deal "Helpdesk" --pipeline support)
a1=$("$CRM" add company "Acme")
a2=$("$CRM" add company "Acme")
f1=$(file_of contact "$c1"); f2=$(file_of contact "$c2"); f3=$(file_of contact "$c3")
fd1=$(file_of deal "$d1"); fd2=$(file_of deal "$d2")

# --- several references before -- ---
n=$(commits)
run set "Олег" "$c2" -- role=buyer owner=bob
is "$rc" 0 "set REF REF -- KEY=VALUE... exits 0"
is "$(yv "$f1" role) $(yv "$f2" role)" "'buyer' 'buyer'" "both records changed"
is "$(yv "$f1" owner) $(yv "$f2" owner)" "'bob' 'bob'" "every assignment on each"
is "$(yv "$f3" role)" "None" "the record not named is untouched"
is "$(commits)" $((n + 1)) "one commit"
is "$(git log -1 --format=%s)" "set role=buyer, owner=bob on 2 contacts" "subject names the change and the count"
is "$(git show --format= --name-only HEAD | sort | tr '\n' ' ')" "$(printf '%s\n' "$f1" "$f2" | sort | tr '\n' ' ')" "the commit holds both files"
like "$out" "^2 records changed$" "says how many records changed"
store_clean "set on two refs"

run set "$c1" "$d1" -- source=fair
is "$rc" 0 "set on records of two types exits 0"
is "$(git log -1 --format=%s)" "set source=fair on 2 records" "mixed types: 'on 2 records'"
store_clean "set on two types"

# a record named twice is changed once; one already as asked is left out
run set "$c1" "$c1" "$c3" -- role=buyer
is "$rc" 0 "set with a repeated ref exits 0"
is "$(git log -1 --format=%s)" "contact ${c3:0:4}: set role=buyer" "only the record that changed is committed"
is "$(git show --format= --name-only HEAD)" "$f3" "one file"

# -- ending the options first: the second -- ends the references
run set -- "$c2" "$c3" -- role=seller
is "$rc" 0 "set -- REF REF -- KEY=VALUE exits 0"
is "$(yv "$f2" role) $(yv "$f3" role)" "'seller' 'seller'" "both changed"

# the one-record form is as before
run set "$c3" role=cto
is "$rc" 0 "set REF KEY=VALUE exits 0"
is "$(git log -1 --format=%s)" "contact ${c3:0:4}: set role=cto" "one record: its own subject"
is "$out" "" "one record: prints nothing"

# --- tag ---
n=$(commits)
run tag "$c1" "$c2" "$c3" -- +vip -cold
is "$rc" 0 "tag REF REF REF -- +TAG -TAG exits 0"
is "$(yv "$f1" tags) $(yv "$f2" tags) $(yv "$f3" tags)" "['vip'] ['vip'] ['vip']" "all three tagged"
is "$(git log -1 --format=%s)" "tag +vip -cold on 3 contacts" "tag subject"
is "$(commits)" $((n + 1)) "one commit"
run tag "$c1" "$c2" -- vip
is "$rc" 0 "tag with nothing to change exits 0"
like "$out" "nothing changed" "nothing changed"
is "$(commits)" $((n + 1)) "no commit when nothing changed"
store_clean "bulk tag"

# --- one record that does not take the change refuses it all ---
n=$(commits)
run set "$d1" "$d2" -- stage=won
is "$rc" 2 "a stage the second deal's pipeline lacks: exit 2"
like "$err" "deal $d2 'Helpdesk': field 'stage': unknown stage 'won'" "the record is named by its id and name"
like "$err" "hint: nothing was changed" "says nothing was changed"
is "$(yv "$fd1" stage)" "'lead'" "the first deal is not changed either"
unchanged "$n" "one invalid record"

# --- unknown and ambiguous references ---
run set "$c1" nosuchrecord -- role=x
is "$rc" 3 "an unknown ref among several: exit 3"
like "$err" "nosuchrecord" "the unknown ref is named"
unchanged "$n" "unknown ref"
run set "$c1" Acme -- role=x
is "$rc" 4 "an ambiguous ref among several: exit 4"
like "$err" "Acme" "the ambiguous ref is named"
like "$err" "${a1:0:4}" "a candidate is listed"
like "$err" "${a2:0:4}" "the other candidate is listed"
unchanged "$n" "ambiguous ref"
run tag "$c1" nosuch -- +x
is "$rc" 3 "tag: an unknown ref among several: exit 3"
unchanged "$n" "tag with an unknown ref"

# --- usage ---
run set "$c1" "$c2" --
is "$rc" 2 "refs and -- but no assignment: exit 2"
run set "$c1" "$c2" -- role
is "$rc" 2 "a word that is no assignment: exit 2"
like "$err" "expected KEY=VALUE, not 'role'" "names it"
printf '%s\n' "$c1" >"$TEST_ROOT/one"
run_in "$TEST_ROOT/one" set --stdin "$c2" -- role=x
is "$rc" 2 "--stdin with references before --: exit 2"
like "$err" "--stdin reads the records from standard input" "says why"
run_in "$TEST_ROOT/one" set --stdin
is "$rc" 2 "--stdin without an assignment: exit 2"
unchanged "$n" "usage errors"

# --- --stdin: 1000 records, one commit, one undo ---
python3 - <<'EOF' || exit 1
import os, random
random.seed(7)
alpha = "0123456789abcdefghjkmnpqrstvwxyz"
for i in range(1000):
    rid = random.choice("abcdefghjkmnpqrstvwxyz") + "".join(random.choice(alpha) for _ in range(9))
    d = "contacts/" + rid[:2]
    os.makedirs(d, exist_ok=True)
    with open(d + "/" + rid + ".yaml", "w", encoding="utf-8") as f:
        f.write("id: %s\nname: Клиент %d\nowner: ann\ntags:\n- bulk\n"
                "created: '2026-11-01T10:00:00+03:00'\n"
                "updated: '2026-11-01T10:00:00+03:00'\n" % (rid, i))
EOF
"$CRM" commit -m "import 1000 contacts" >/dev/null || { echo "Bail out! crm commit of 1000 files failed"; exit 1; }
"$CRM" --format ids list contact tag:bulk >"$TEST_ROOT/ids"
is "$(wc -l <"$TEST_ROOT/ids" | tr -d ' ')" 1000 "1000 records to change"
n=$(commits)
loose=$(git count-objects | cut -d' ' -f1)
packs >"$TEST_ROOT/packs-before-set"
run_in "$TEST_ROOT/ids" set --stdin owner=bob
is "$rc" 0 "set --stdin on 1000 records exits 0"
is "$(commits)" $((n + 1)) "one commit"
is "$(git log -1 --format=%s)" "set owner=bob on 1000 contacts" "subject: 'set owner=bob on 1000 contacts'"
is "$(git show --format= --name-only HEAD | grep -c .)" 1000 "the commit changes the 1000 files"
like "$out" "^1000 records changed$" "says 1000 records changed"
is "$("$CRM" --format ids list contact tag:bulk owner:bob | wc -l | tr -d ' ')" 1000 "all 1000 now owned by bob"
is "$("$CRM" --format ids list contact tag:bulk owner:ann | wc -l | tr -d ' ')" 0 "none left for ann"
is "$(git count-objects | cut -d' ' -f1)" "$loose" "the objects were written as one pack, not as loose files"
store_clean "set --stdin"
pk=$(new_pack "$TEST_ROOT/packs-before-set")
ok $([ -n "$pk" ]; echo $?) "set --stdin wrote one pack"
shards=$(sed 's/^\(..\).*/\1/' "$TEST_ROOT/ids" | sort -u | wc -l | tr -d ' ')
# the 1000 blobs, the root, contacts/ and each shard changed, the commit
is "$(pack_counts "$pk")" "1000 $((shards + 2)) 1 0" "the pack holds the new objects only, whole, and no other"
git verify-pack "$pk" >/dev/null 2>&1
ok $? "git verify-pack accepts the pack and its index"
is "$(git rev-parse HEAD^{tree})" "$(tree_by_git HEAD^)" "the commit's tree is the one git builds from the files"
packs >"$TEST_ROOT/packs-before-undo"
run undo
is "$rc" 0 "one undo exits 0"
is "$(commits)" $((n + 2)) "one undo commit"
is "$("$CRM" --format ids list contact tag:bulk owner:ann | wc -l | tr -d ' ')" 1000 "one undo takes all 1000 back"
like "$out" "^undid [0-9a-f]{8} 'set owner=bob on 1000 contacts'" "the undo names the bulk change"
like "$out" "and 990 more records" "and counts what it does not list"
store_clean "undo of set --stdin"
is "$(git rev-parse HEAD^{tree})" "$(git rev-parse HEAD~2^{tree})" "the undo's tree is the one before the set"
pk=$(new_pack "$TEST_ROOT/packs-before-undo")
ok $([ -n "$pk" ]; echo $?) "the undo wrote one pack"
is "$(pack_counts "$pk")" "0 0 1 0" "the undo's pack holds its commit only: the store had the rest"

# the temporary files of a pack writer that died are removed by the next
# write; those of a live one are not
dead=4000000
while [ -e /proc/$dead ] && [ $dead -lt 4000100 ]; do dead=$((dead + 1)); done
: >".git/objects/pack/tmp_crm_${dead}_pack-0000.pack"
: >".git/objects/pack/tmp_crm_$$_pack-0000.pack"
"$CRM" set "$(head -1 "$TEST_ROOT/ids")" role=cleanup >/dev/null
is "$?" 0 "a write after a dead pack writer exits 0"
ok $([ ! -e ".git/objects/pack/tmp_crm_${dead}_pack-0000.pack" ]; echo $?) "the dead writer's temporary file is removed"
ok $([ -e ".git/objects/pack/tmp_crm_$$_pack-0000.pack" ]; echo $?) "a live writer's is kept"
rm -f ".git/objects/pack/tmp_crm_$$_pack-0000.pack"

# a pack that cannot be written (files limited to 32 KiB) fails the bulk
# change with the file named, and leaves nothing behind
n=$(commits)
packs >"$TEST_ROOT/packs-before-full"
out=$( (trap '' XFSZ; ulimit -f 32; "$CRM" set --stdin source=full-disk <"$TEST_ROOT/ids") 2>&1)
is "$?" 1 "a pack too large to write: exit 1"
like "$out" "^crm: error: cannot write '.*/objects/pack/pack-[0-9a-f]{40}\.pack': File too large" "names the pack it could not write"
unchanged "$n" "a pack too large to write"
is "$(packs | comm -13 "$TEST_ROOT/packs-before-full" - | wc -l | tr -d ' ')" 0 "no pack added"
is "$(ls .git/objects/pack | grep -c tmp)" 0 "no temporary file left"
is "$(yv "$(file_of contact "$(head -1 "$TEST_ROOT/ids")")" source)" "None" "the first record is not changed"
is "$(grep -l 'full-disk' contacts/*/*.yaml | wc -l | tr -d ' ')" 0 "no record changed"

# the same through a pipe, for tag
"$CRM" --format ids list contact tag:bulk | "$CRM" tag --stdin +imported -bulk >/dev/null
is "$?" 0 "list | tag --stdin exits 0"
is "$(git log -1 --format=%s)" "tag +imported -bulk on 1000 contacts" "tag --stdin subject"
is "$("$CRM" --format ids list contact tag:imported | wc -l | tr -d ' ')" 1000 "all 1000 tagged"
store_clean "tag --stdin"

# blank lines and white space around ids are ignored; ids in any case
printf '\n  %s  \n\n%s\r\n' "$c1" "$(printf '%s' "$c2" | tr a-z A-Z)" >"$TEST_ROOT/two"
run_in "$TEST_ROOT/two" set --stdin source=web
is "$rc" 0 "--stdin with blanks and capitals exits 0"
is "$(yv "$f1" source) $(yv "$f2" source)" "'web' 'web'" "both records changed"

# an unknown id on standard input: its line is named, nothing written
n=$(commits)
{ head -2 "$TEST_ROOT/ids"; echo zzzzzzzzzz; tail -1 "$TEST_ROOT/ids"; } >"$TEST_ROOT/bad"
run_in "$TEST_ROOT/bad" set --stdin owner=bob
is "$rc" 3 "an unknown id on standard input: exit 3"
like "$err" "standard input, line 3: .*zzzzzzzzzz" "names the line and the id"
unchanged "$n" "unknown id on stdin"
# a record on standard input that does not take the change
{ head -3 "$TEST_ROOT/ids"; echo "$d2"; } >"$TEST_ROOT/bad2"
run_in "$TEST_ROOT/bad2" set --stdin owner=nobody
is "$rc" 2 "an unknown owner: exit 2"
like "$err" "contact [0-9a-z]{10} 'Клиент [0-9]+': field 'owner'" "the first record refused is named"
unchanged "$n" "invalid change on stdin"
# invalid UTF-8 on standard input
printf '%s\n\377\376\n' "$c1" >"$TEST_ROOT/bin"
run_in "$TEST_ROOT/bin" set --stdin role=x
is "$rc" 2 "invalid UTF-8 on standard input: exit 2"
like "$err" "standard input, line 2" "names the line"
unchanged "$n" "invalid UTF-8 on stdin"
# nothing on standard input
run_in /dev/null set --stdin role=x
is "$rc" 0 "empty standard input exits 0"
like "$out" "nothing changed" "and changes nothing"
unchanged "$n" "empty stdin"

# --- Russian ---
run_ru set "$d1" "$d2" -- stage=won
is "$rc" 2 "ru: invalid bulk change exits 2"
like "$err" "deal $d2 'Helpdesk': поле 'stage': неизвестный этап 'won'" "ru: the refusal in Russian"
like "$err" "подсказка: ничего не изменено" "ru: the hint in Russian"
out=$(LC_ALL=ru_RU.UTF-8 "$CRM" set --stdin owner=bob <"$TEST_ROOT/bad" 2>&1)
like "$out" "стандартный ввод, строка 3" "ru: the line of standard input named in Russian"
out=$(LC_ALL=ru_RU.UTF-8 "$CRM" set "$c1" "$c2" -- role=director 2>&1)
like "$out" "изменены 2 записи" "ru: how many records changed, in Russian"
unchanged $((n + 1)) "Russian runs"

# a NUL byte in a line of standard input is refused, nothing written
head_before=$(git rev-parse HEAD)
first=$("$CRM" --format ids list company | head -1)
out=$(printf '%s\0evil\n' "$first" | "$CRM" set --stdin nulcheck=1 2>&1)
rc=$?
is "$rc" 2 "a NUL byte on standard input: exit 2"
like "$out" "standard input, line 1: a NUL byte" "the line is named"
is "$(git rev-parse HEAD)" "$head_before" "a NUL byte: nothing committed"

done_testing
