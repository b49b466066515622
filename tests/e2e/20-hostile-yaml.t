#!/bin/bash
# 20-hostile-yaml.t - malformed and hostile record files committed with
# plain git: crm reports each on one line with the file and line, never
# crashes, keeps listing the valid records, and never rewrites or commits
# a broken file.  Custom keys of a valid hand-written file survive crm set.

. "$(dirname "$0")/lib.sh"

# put_file PATH: writes stdin to PATH in the store and commits it with git.
put_file() {
	mkdir -p "$(dirname "$1")"
	cat >"$1"
	git add -- "$1" && git commit -qm "hand-written $1" -- "$1" >/dev/null
}

# put ID CONTENT: a contact file contacts/xx/ID.yaml written with printf %b.
put() {
	printf '%b' "$2" | put_file "contacts/${1:0:2}/$1.yaml"
}

# check_broken ID PATH DESC [LINE] [PATTERN]: crm show fails cleanly with one
# line naming PATH (and LINE when given) and matching PATTERN.
# check_flagged ID PATH DESC LINE PATTERN: a record naming what crm.yaml
# lacks is shown, with a warning naming the file, the line and what.
check_flagged() {
	local id=$1 path=$2 desc=$3 line=$4 pat=$5
	run show "$id"
	is "$rc" 0 "$desc: crm show exits 0"
	like "$out" "$id" "$desc: crm show shows the record"
	like "$err" "^crm: warning: '$path': line $line: " "$desc: warning names the file and line"
	like "$err" "$pat" "$desc: warning says what is wrong"
}

check_broken() {
	local id=$1 path=$2 desc=$3 line=${4:-} pat=${5:-}
	run show "$id"
	is "$rc" 1 "$desc: crm show exits 1"
	[ "$rc" -lt 128 ]
	ok $? "$desc: crm show does not crash (rc=$rc)"
	is "$(printf '%s\n' "$err" | wc -l)" 1 "$desc: exactly one line on stderr"
	local want="^crm: error: cannot read '$path': line ${line:-[0-9]+}: "
	# a whole-file problem (its size) has no line to name
	[ "$line" = none ] && want="^crm: error: cannot read '$path': the file "
	like "$err" "$want" "$desc: error names the file and line"
	[ -n "$pat" ] && like "$err" "$pat" "$desc: error says what is wrong"
	[ -z "$out" ]
	ok $? "$desc: nothing on stdout"
}

new_store s

good1=$("$CRM" add contact "Good Alice" --role buyer)
good2=$("$CRM" add contact "Good Boris" --phone "+7 495 123-45-67")

# --- each hostile file ------------------------------------------------------
put aaaaaaaaa1 'id: aaaaaaaaa1\nname: Syntax\nowner: ann\nrole: [unclosed\n'
put aaaaaaaaa2 'id: aaaaaaaaa2\nname: &a Alias\nrole: *a\n'
laughs='id: aaaaaaaaa3\nname: Laughs\n'
laughs+='a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
for l in b c d e f g h i j; do
	prev=$(printf '%s' abcdefghij | sed "s/$l.*//" | tail -c1)
	laughs+="$l: &$l [*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev]\n"
done
put aaaaaaaaa3 "$laughs"
put aaaaaaaaa4 'id: aaaaaaaaa4\nname: Tagged\nrole: !!python/object/apply:os.system ["touch /tmp/crm-pwned"]\n'
put aaaaaaaaa5 'id: aaaaaaaaa5\nname: Dup\nrole: a\nname: Dup2\n'
put aaaaaaaaa6 '- id: aaaaaaaaa6\n- name: List\n'
deep=$(printf '%.0s[' $(seq 20))$(printf '%.0s]' $(seq 20))
put aaaaaaaaa7 "id: aaaaaaaaa7\nname: Deep flow\ndeep: $deep\n"
n='id: aaaaaaaaa8\nname: Deep block\nnest:\n'
ind=""
for i in $(seq 20); do ind="$ind  "; n+="${ind}k$i:\n"; done
n+="${ind}  leaf: 1\n"
put aaaaaaaaa8 "$n"
{
	echo "id: aaaaaaaaa9"
	echo "name: Big"
	echo "notes: |"
	yes '  lorem ipsum dolor sit amet, consectetur adipiscing elit' | head -c 2097152
	echo
} | put_file contacts/aa/aaaaaaaaa9.yaml
put aaaaaaaab1 'id: aaaaaaaab1\nname: Bad \xff\xfe UTF-8\n'
put aaaaaaaab2 'id: aaaaaaaab2\nname: Overlong \xc0\xaf\n'
put aaaaaaaab3 'id: aaaaaaaab3\nname: Nul\x00byte\n'
put aaaaaaaab4 'id: aaaaaaaab4\nname: Nobody owns\nowner: zed\n'
put aaaaaaaab5 'id: aaaaaaaab9\nname: Wrong id\n'
put aaaaaaaab6 'id: aaaaaaaab6\nrole: buyer\nowner: ann\n'
put aaaaaaaab7 'id: aaaaaaaab7\nname: Empty list item\nphones:\n- [1, {a: 2}]\n'
printf 'id: dddddddd01\nname: Bad stage\npipeline: sales\nstage: wonn\nowner: ann\n' |
	put_file deals/dd/dddddddd01.yaml
: >contacts/aa/aaaaaaaab8.yaml
git add -A && git commit -qm empty

C=contacts/aa
check_broken aaaaaaaaa1 $C/aaaaaaaaa1.yaml "invalid syntax" 5
check_broken aaaaaaaaa2 $C/aaaaaaaaa2.yaml "anchor and alias" 2 "anchor|alias"
check_broken aaaaaaaaa3 $C/aaaaaaaaa3.yaml "billion laughs" 3 "anchor|alias"
check_broken aaaaaaaaa4 $C/aaaaaaaaa4.yaml "python tag" 3 "tag"
[ ! -e /tmp/crm-pwned ]
ok $? "python tag: nothing executed"
check_broken aaaaaaaaa5 $C/aaaaaaaaa5.yaml "duplicate key" 4 "duplicate key 'name'"
check_broken aaaaaaaaa6 $C/aaaaaaaaa6.yaml "list at the top" 1 "mapping"
check_broken aaaaaaaaa7 $C/aaaaaaaaa7.yaml "flow nesting > 16" "" "nest|deep"
check_broken aaaaaaaaa8 $C/aaaaaaaaa8.yaml "block nesting > 16" "" "nest|deep"
check_broken aaaaaaaaa9 $C/aaaaaaaaa9.yaml "2 MiB file" none "is [0-9]+ bytes, more than the 1048576 a file may hold"
check_broken aaaaaaaab1 $C/aaaaaaaab1.yaml "invalid UTF-8" 2 "UTF-8"
check_broken aaaaaaaab2 $C/aaaaaaaab2.yaml "overlong UTF-8" 2 "UTF-8"
check_broken aaaaaaaab3 $C/aaaaaaaab3.yaml "NUL byte" 2 "NUL"
check_flagged aaaaaaaab4 $C/aaaaaaaab4.yaml "unknown owner" 3 "owner.*zed"
check_broken aaaaaaaab5 $C/aaaaaaaab5.yaml "id not matching the file name" 1 "aaaaaaaab9"
check_broken aaaaaaaab6 $C/aaaaaaaab6.yaml "missing name" "" "name"
check_flagged dddddddd01 deals/dd/dddddddd01.yaml "unknown stage" 4 \
	"unknown stage 'wonn' \(did you mean 'won'\?\)"

# An empty file and a nested list inside a list field: errors, no crash.
for id in aaaaaaaab7 aaaaaaaab8; do
	run show "$id"
	is "$rc" 1 "odd file $id: crm show exits 1"
	like "$err" "^crm: error: cannot read '$C/$id.yaml'" "odd file $id: error names the file"
done

# --- the valid records stay usable -------------------------------------------
run list contact
is "$rc" 0 "list contact exits 0 despite broken files"
like "$out" "Good Alice" "list contact shows the first valid contact"
like "$out" "Good Boris" "list contact shows the second valid contact"
like "$out" "Nobody owns +zed \(\?\)" "list contact shows the unknown owner, marked"
if printf '%s' "$out" | grep -Eq 'Syntax|Alias|Laughs|Tagged|Dup|Wrong id'; then
	ok 1 "list contact shows no broken record"
else
	ok 0 "list contact shows no broken record"
fi
like "$err" "warning: .*aaaaaaaaa1\.yaml" "list contact warns about a broken file"
like "$err" "warning: .*aaaaaaaab3\.yaml" "list contact warns about the NUL file"
run --format json list contact
is "$rc" 0 "list contact --format json exits 0"
printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d["records"]) == 3; assert [r["problems"][0]["field"] for r in d["records"] if "problems" in r] == ["owner"]' 2>/dev/null
ok $? "json list holds the three readable contacts, the unknown owner flagged"
run show "$good1"
is "$rc" 0 "show of a valid contact still works"
run show "Good Boris"
is "$rc" 0 "show by name of a valid contact still works"

# --- crm set on a broken record writes nothing --------------------------------
before=$(commits)
for id in aaaaaaaaa1 aaaaaaaaa2 aaaaaaaab3; do
	cp "$C/$id.yaml" "$TEST_ROOT/before.yaml"
	run set "$id" role=accountant
	is "$rc" 1 "set on broken $id exits 1"
	like "$err" "^crm: error: cannot read '$C/$id.yaml'" "set on broken $id names the file"
	cmp -s "$C/$id.yaml" "$TEST_ROOT/before.yaml"
	ok $? "set on broken $id leaves the file untouched"
done
is "$(commits)" "$before" "no commit from set on broken records"
run set dddddddd01 stage=wonn2
is "$rc" 2 "set of another unknown stage on a flagged deal exits 2"
is "$(commits)" "$before" "no commit from the refused stage"
run tag aaaaaaaab5 vip
is "$rc" 1 "tag on a record whose id does not match its file exits 1"
is "$(commits)" "$before" "no commit from tag on a broken record"
run set aaaaaaaab4 role=accountant
is "$rc" 0 "set of another field on a record with an unknown owner works"
like "$(cat $C/aaaaaaaab4.yaml)" "owner: zed" "the unknown owner is left as it was"
run set dddddddd01 stage=won
is "$rc" 0 "set of a known stage on a flagged deal works"
run show dddddddd01
is "$err" "" "the fixed deal is no longer flagged"
before=$(commits)
run tag aaaaaaaab5 vip
is "$rc" 1 "tag on a record whose id does not match its file exits 1"
is "$(commits)" "$before" "no commit from tag on a broken record"
store_clean "after failed writes"

# --- add still works next to broken files ------------------------------------
run add contact "Good Cyril"
is "$rc" 0 "add works in a store with broken files"
is "$(commits)" "$((before + 1))" "add made one commit"

# --- custom keys kept through crm set ----------------------------------------
mkdir -p contacts/cc
cat >contacts/cc/ccccccccc1.yaml <<'EOF'
id: ccccccccc1
name: Carol King
role: buyer
owner: ann
created: '2026-01-15T10:20:00+03:00'
updated: '2026-01-15T10:20:00+03:00'
zeta: 1
alpha: two words
nested:
  k: v
  list:
  - 1
  - 2
  - three
loyalty: 'no'
b_last: Ёжик в тумане
EOF
git add -A && git commit -qm carol
sed -n '/^zeta:/,$p' contacts/cc/ccccccccc1.yaml >"$TEST_ROOT/custom.before"
before=$(commits)
run set ccccccccc1 role=accountant
is "$rc" 0 "set role on a hand-written record with custom keys"
is "$(commits)" "$((before + 1))" "one commit"
like "$(cat contacts/cc/ccccccccc1.yaml)" "role: accountant" "role changed"
sed -n '/^zeta:/,$p' contacts/cc/ccccccccc1.yaml >"$TEST_ROOT/custom.after"
cmp -s "$TEST_ROOT/custom.before" "$TEST_ROOT/custom.after"
ok $? "custom keys kept byte-for-byte, in order, after updated"
if ! cmp -s "$TEST_ROOT/custom.before" "$TEST_ROOT/custom.after"; then
	diff "$TEST_ROOT/custom.before" "$TEST_ROOT/custom.after" | sed 's/^/# /'
fi
is "$(grep -n '^updated:' contacts/cc/ccccccccc1.yaml | cut -d: -f1)" 6 "updated stays before the custom keys"
store_clean "after set with custom keys"

# Non-canonical custom keys: after crm set, same keys in the same order with
# the same values (the formatting may be made canonical).
cat >contacts/cc/ccccccccc2.yaml <<'EOF'
id: ccccccccc2
name: Dmitry
role: buyer
owner: ann
created: '2026-01-15T10:20:00+03:00'
updated: '2026-01-15T10:20:00+03:00'
zz: "double quoted"
aa: [1, 2, {x: y}]
mm:
    deep: { a: 1, b: [true, 'no'] }
EOF
git add -A && git commit -qm dmitry
custom() {
	python3 - "$1" <<'EOF'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
known = {"id", "name", "role", "owner", "created", "updated", "company", "phones",
         "emails", "birthday", "source", "tags", "timeline"}
print([(k, d[k]) for k in d if k not in known])
EOF
}
want=$(custom contacts/cc/ccccccccc2.yaml)
run set ccccccccc2 role=accountant
is "$rc" 0 "set on a record with non-canonical custom keys"
is "$(custom contacts/cc/ccccccccc2.yaml)" "$want" "custom keys keep order and values"
store_clean "after set with non-canonical custom keys"

done_testing
