#!/bin/bash
# 51-names-refs.t - a name of nothing but white space is refused by the one
# validator, whether it comes from crm set, crm edit or a hand edit
# committed with crm commit; references with white space at either end
# (a pasted id or name) are trimmed before they are resolved, wherever a
# reference is taken.  English and Russian.
. "$(dirname "$0")/lib.sh"

ED="$TEST_ROOT/editors"
mkdir -p "$ED"

# editor NAME BODY: an editor script; the file is "$1"; each run counts
# itself in $ED/NAME.count and keeps what it was shown in $ED/NAME.seen.N.
editor() {
	cat >"$ED/$1" <<EOF
#!/bin/sh
c=\$(cat "$ED/$1.count" 2>/dev/null || echo 0)
c=\$((c + 1))
echo \$c >"$ED/$1.count"
cp "\$1" "$ED/$1.seen.\$c"
$2
EOF
	chmod +x "$ED/$1"
	rm -f "$ED/$1.count" "$ED/$1".seen.*
}
runs() { cat "$ED/$1.count" 2>/dev/null || echo 0; }

ru() {
	out=$(LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 "$CRM" "$@" 2>"$TEST_ROOT/stderr")
	rc=$?
	err=$(cat "$TEST_ROOT/stderr")
}
have_ru=false
locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$' && have_ru=true

# unchanged DESC: HEAD is $head and git status is clean.
unchanged() {
	is "$(git rev-parse HEAD)" "$head" "$1: no commit"
	is "$(git status --porcelain)" "" "$1: git status is clean"
}

new_store names
cid=$("$CRM" add company "Acme Ltd")
gid=$("$CRM" add company "Acme Group")
pid=$("$CRM" add contact "Иван Петров" --company "$cid")
cf=$(file_of company "$cid")
nbsp=$'\xc2\xa0'

# --- crm set: a blank name is refused ---
head=$(git rev-parse HEAD)
for v in "   " $'\t' $' \t ' "$nbsp$nbsp" $'\xe3\x80\x80'; do
	run set "$cid" "name=$v"
	is "$rc" 2 "set name='$(printf %q "$v")' exits 2"
	is "$err" "crm: error: field 'name': must not be blank" "set name='$(printf %q "$v")': the message"
done
run set "$cid" "name="
is "$rc" 2 "set name= (removing it) exits 2"
unchanged "set with blank names"
run set "$cid" "name= Acme Ltd"
is "$rc" 0 "a name with a leading space but a letter is a name"
git reset -q --hard "$head"

# --- crm edit: a blank name re-opens the editor with the validator's error ---
editor blank 'grep -q "^# error" "$1" && exit 0; sed -i "s/^name: .*/name: \"  \\\\t \"/" "$1"'
EDITOR="$ED/blank" run edit "$cid"
is "$rc" 1 "edit to a blank name, then giving up, exits 1"
is "$(runs blank)" 2 "the editor was opened again"
like "$(head -1 "$ED/blank.seen.2")" "^# error: line [0-9]+: field 'name': must not be blank$" "the error heads the re-opened file"
like "$err" "field 'name': must not be blank" "edit: the error on stderr too"
like "$err" "gave up; nothing changed" "edit: gave up"
unchanged "edit to a blank name"

editor fixit 'if grep -q "^# error" "$1"; then sed -i "s/^name: .*/name: Acme Holding/" "$1"; else sed -i "s/^name: .*/name: \"   \"/" "$1"; fi'
EDITOR="$ED/fixit" run edit "$cid"
is "$rc" 0 "blank, then fixed in the re-opened editor: exits 0"
is "$(runs fixit)" 2 "the editor ran twice"
like "$(git show HEAD:"$cf")" "name: Acme Holding" "the fixed name is committed"
is "$(commits)" "$(( $(git rev-list --count "$head") + 1 ))" "one commit"
head=$(git rev-parse HEAD)

editor nbsp 'grep -q "^# error" "$1" && exit 0; sed -i "s/^name: .*/name: \"\\\\u00a0\\\\u3000\"/" "$1"'
EDITOR="$ED/nbsp" run edit "$cid"
is "$rc" 1 "edit to a name of no-break spaces exits 1"
like "$(head -1 "$ED/nbsp.seen.2")" "field 'name': must not be blank" "no-break spaces are blank too"
unchanged "edit to no-break spaces"

# --- a hand edit committed with crm commit ---
sed -i "s/^name: .*/name: '   '/" "$cf"
run status
is "$rc" 1 "status with a blank name exits 1"
like "$out$err" "field 'name': must not be blank" "status names the blank name"
run commit
is "$rc" 1 "commit of a blank name exits 1"
like "$err" "line 2: field 'name': must not be blank" "commit: the line and the field"
is "$(git rev-parse HEAD)" "$head" "commit: nothing committed"
git checkout -q -- "$cf"
sed -i "s/^name: .*/name: \"\\\\t\"/" "$cf"
run commit
is "$rc" 1 "commit of a name that is a tab exits 1"
git checkout -q -- "$cf"
unchanged "hand edits"

# --- references: white space at either end is dropped ---
short=${cid:0:5}
for ref in " $short" "$short " $'\t'"$short"$'\n' " $cid " "Acme Holding " "  acme holding" $'Acme Holding\r\n' " Acme Hold"; do
	run show --format ids "$ref"
	is "$rc" 0 "show '$(printf %q "$ref")' exits 0"
	is "$out" "$cid" "show '$(printf %q "$ref")' is Acme Holding"
done
run show " Иван Петров "
is "$rc" 0 "show ' Иван Петров ' exits 0"
like "$out" "^Иван Петров" "show ' Иван Петров ' is the contact"
run show " Acme "
is "$rc" 4 "' Acme ' is still ambiguous (two records start with Acme)"
like "$err" "'Acme' is ambiguous: 2 records match" "the message quotes the trimmed reference"
run show "  nosuch  "
is "$rc" 3 "'  nosuch  ' is not found"
like "$err" "no record matches 'nosuch'" "and says so"
for ref in "" " " $'\t\n' "    "; do
	run show "$ref"
	is "$rc" 2 "show '$(printf %q "$ref")' is a usage error"
	like "$err" "empty record reference" "show '$(printf %q "$ref")': empty reference"
done
run show $' \xff '
is "$rc" 2 "invalid UTF-8 with spaces is a usage error"
like "$err" "invalid UTF-8" "and says so"
# inner white space is kept: "Acme  Holding" is words, not the exact name
run show --format ids "Acme Holding"
is "$out" "$cid" "the exact name"

# every way in to a reference trims: set KEY=REF, add --for, log REF, a query
head=$(git rev-parse HEAD)
run set "$pid" "company= ${gid:0:6} "
is "$rc" 0 "set company=' id ' exits 0"
like "$(cat "$(file_of contact "$pid")")" "company: '?$gid'?" "the company is the trimmed id"
run add task "Call" --for " Иван Петров "
is "$rc" 0 "add --for ' name ' exits 0"
tid=$out
like "$(cat "$(file_of task "$tid")")" "for: '?$pid'?" "the task is for the contact"
run log --format ids " $short"
is "$rc" 0 "log ' id' exits 0"
is "$(printf '%s\n' "$out" | grep -c .)" "$(git log --format=%H -- "$cf" | grep -c .)" "log ' id': the record's commits"
run list contact "company:\" ${gid:0:6} \"" --format ids
is "$rc" 0 "query company:' id ' exits 0"
is "$out" "$pid" "query company:' id ': the contact"
run rm " $tid "
is "$rc" 0 "rm ' id ' exits 0"
store_clean "after trimmed references"

# --- Russian ---
if $have_ru; then
	head=$(git rev-parse HEAD)
	ru set "$cid" "name=  "
	is "$rc" 2 "ru: set name='  ' exits 2"
	is "$err" "crm: ошибка: поле 'name': не должно состоять из одних пробелов" "ru: a blank name"
	ru set "$cid" "owner=nosuch"
	is "$err" "crm: ошибка: поле 'owner': неизвестный пользователь 'nosuch'" "ru: no line number for a value set on the command line"
	sed -i "s/^name: .*/name: '   '/" "$cf"
	ru commit
	like "$err" "строка 2: поле 'name': не должно состоять из одних пробелов" "ru: commit of a blank name"
	git checkout -q -- "$cf"
	ru show "  Acme Holding "
	is "$rc" 0 "ru: a trimmed reference"
	ru show "   "
	like "$err" "^crm: ошибка: " "ru: a blank reference"
	unchanged "ru"
else
	ok 0 "# SKIP ru_RU.UTF-8 is not installed"
fi

done_testing
