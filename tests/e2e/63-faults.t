#!/bin/bash
# 63-faults.t - faults and hostile input: a broken referenced record
# crashes nothing; a record too large to read back is refused at write
# time and an existing one can still be removed; output that cannot be
# written commits nothing; no relative default store; a crm.yaml of a
# newer version; terminal escapes in records pulled from another clone;
# 64 nested nots.
. "$(dirname "$0")/lib.sh"

# no_raw WHAT TEXT: TEXT holds no ESC, BEL or CR.
no_raw() {
	if printf '%s' "$2" | LC_ALL=C grep -q "$(printf '[\033\007\r]')"; then
		ok 1 "$1: no raw ESC, BEL or CR"
		printf '%s\n' "$2" | cat -v | head -5 | sed 's/^/# /'
	else
		ok 0 "$1: no raw ESC, BEL or CR"
	fi
}

# --- a broken referenced record ------------------------------------------------
new_store broken
co=$("$CRM" add company "Acme")
ct=$("$CRM" add contact "Bob Rye" --company "$co")
dl=$("$CRM" add deal "Big one" --company "$co" --contact "$ct")
tk=$("$CRM" add task "Call Bob" --for "$ct" --due tomorrow)
echo 'broken: [' >>"$(file_of company "$co")"
git commit -qam break
for c in "show $ct" "show $dl" "show $tk" "--format json show $ct" \
	 "--format json show $dl" "list contact" "list deal" "list task" \
	 "list company" "--format json list contact" "log" "log $ct" \
	 "search Bob" "search Acme" "status"; do
	# shellcheck disable=SC2086
	"$CRM" $c >/dev/null 2>&1
	rc=$?
	[ "$rc" -le 6 ]
	ok $? "broken company: crm $c exits $rc, no signal"
done
run show "$ct"
is "$rc" 0 "show of a contact whose company is broken: exit 0"
like "$out" "unreadable: $(file_of company "$co")" "...names the unreadable file"
like "$err" "warning: cannot read '$(file_of company "$co")'" "...and warns"
run show "$co"
is "$rc" 1 "show of the broken company itself: exit 1"

# --- a record too large to read back -----------------------------------------
new_store big
big=$(head -c 100000 /dev/zero | tr '\0' a)
args=()
for i in 1 2 3 4 5 6 7 8 9 10 11; do args+=(--set "f$i=$big"); done
n=$(commits)
run add contact "Huge" "${args[@]}"
is "$rc" 1 "add of a record over 1 MiB: exit 1"
like "$err" "the record would take [0-9]+ bytes, more than the 1048576 a record may hold \(1 MiB\)" \
	"...names the size and the limit"
is "$(commits)" "$n" "...no commit"
is "$(git status --porcelain)" "" "...nothing written"
ct=$("$CRM" add contact "Growing" "${args[@]:0:20}")
is "$?" 0 "a record under the limit is added"
run set --new-field "$ct" "f11=$big"
is "$rc" 1 "set that makes the record too large: exit 1"
like "$err" "more than the 1048576" "...says why"
run show "$ct"
is "$rc" 0 "the record can still be shown"
# one already in the store (committed with plain git) can be removed
id=hgbhgbhgb0
mkdir -p contacts/hg
{ printf "id: %s\nname: Huge\nowner: ann\nnotes: '" "$id"
  head -c 1100000 /dev/zero | tr '\0' b
  printf "'\n"; } >contacts/hg/$id.yaml
git add contacts && git commit -qm "huge by hand"
run show "$id"
is "$rc" 1 "show of a record over the limit: exit 1"
run rm "$id"
is "$rc" 0 "rm of a record over the limit: exit 0"
like "$err" "removing it all the same" "...warns that it removes an unreadable record"
if git cat-file -e "HEAD:contacts/hg/$id.yaml" 2>/dev/null; then
	ok 1 "the record is removed from HEAD"
else
	ok 0 "the record is removed from HEAD"
fi
store_clean "after removing the huge record"

# --- output that cannot be written ----------------------------------------
new_store full
n=$(commits)
"$CRM" add contact "Full Disk" >/dev/full 2>"$TEST_ROOT/e"
is "$?" 1 "add >/dev/full: exit 1"
like "$(cat "$TEST_ROOT/e")" "cannot write output: No space left on device; nothing changed" \
	"...says the output failed and nothing changed"
is "$(commits)" "$n" "...no commit (a retry makes no duplicate)"
run list contact
unlike_full=$(printf '%s' "$out" | grep -c "Full Disk")
is "$unlike_full" 0 "...no such contact"
id=$("$CRM" add contact "Full Disk")
is "$(commits)" "$((n + 1))" "the retry adds it once"
"$CRM" -q add contact "Quiet One" >/dev/full
is "$?" 0 "add -q >/dev/full (prints nothing): exit 0"
n=$(commits)
"$CRM" set "$id" role=boss >/dev/full
is "$?" 0 "set >/dev/full (prints nothing): exit 0"
is "$(commits)" "$((n + 1))" "...committed"
"$CRM" tag "$id" vip >/dev/full
is "$?" 0 "tag >/dev/full (prints nothing): exit 0"
is "$(commits)" "$((n + 2))" "...committed"
"$CRM" rm "$id" >/dev/full 2>/dev/null
is "$?" 1 "rm >/dev/full: exit 1"
is "$(commits)" "$((n + 2))" "...nothing removed"
run show "$id"
is "$rc" 0 "...the record is still there"
store_clean "after /dev/full"

# --- the default store needs an absolute HOME ------------------------------
cd "$TEST_ROOT" || exit 1
out=$(env -u HOME -u XDG_DATA_HOME -u CRM_DIR "$CRM" list contact 2>&1)
is "$?" 6 "HOME unset: no store, exit 6"
like "$out" "there is no default store: HOME is not set" "...says HOME is not set"
out=$(env -u XDG_DATA_HOME -u CRM_DIR HOME=rel "$CRM" list contact 2>&1)
is "$?" 6 "HOME relative: exit 6"
mkdir -p "$TEST_ROOT/rel/.local/share"
out=$(cd "$TEST_ROOT" && env -u HOME -u XDG_DATA_HOME -u CRM_DIR "$CRM" init 2>&1)
is "$?" 6 "init with HOME unset: exit 6"
[ ! -e "$TEST_ROOT/.local" ] && [ ! -e "$TEST_ROOT/rel/.local/share/crm" ]
ok $? "...and creates nothing under a relative path"
out=$(env -u HOME -u XDG_DATA_HOME "$CRM" -C "$TEST_ROOT/full" list contact 2>&1)
is "$?" 0 "HOME unset with -C DIR still works"

# --- a crm.yaml of a newer version -----------------------------------------
new_store ver
"$CRM" add contact "Vera" >/dev/null
sed -i 's/^version: .*/version: 999/' crm.yaml
git commit -qam "from the future"
run list contact
is "$rc" 1 "crm.yaml version 999: exit 1"
like "$err" "crm.yaml is of version 999, newer than this crm understands \(1\)" \
	"...names the version"
like "$err" "hint: upgrade crm" "...hints to upgrade"
git reset -q --hard HEAD~1
sed -i 's/^version: .*/version: 999/' crm.yaml
n=$(commits)
run commit
is "$rc" 1 "crm commit of crm.yaml with version 999: exit 1"
is "$(commits)" "$n" "...no commit"
git checkout -q -- crm.yaml
sed -i 's/^version: .*/version: one/' crm.yaml
run list contact
is "$rc" 1 "crm.yaml version 'one': exit 1"
like "$err" "'version' must be a whole number, not 'one'" "...says so"
git checkout -q -- crm.yaml

# --- terminal escapes in records pulled from another clone -----------------
new_store esc
S=$PWD
"$CRM" add contact "Plain Person" >/dev/null
git clone -q "$S" "$TEST_ROOT/other"
(
	cd "$TEST_ROOT/other" || exit 1
	co=$("$CRM" add company "$(printf 'Evil\033[31mRed\007Co\rX')")
	"$CRM" add contact "$(printf 'Bob\033]0;pwned\007Rye')" --company "$co" \
		--role "$(printf 'r\033[2Jx')" >/dev/null
	"$CRM" add contact "$(printf 'Bob\033[1mTwo')" >/dev/null
	"$CRM" add deal "$(printf 'Deal\033[5mX')" --company "$co" >/dev/null
	git commit -q --allow-empty -m "$(printf 'subject \033[31mred')"
) || echo "Bail out! adding in the other clone failed"
git pull -q "$TEST_ROOT/other" main 2>/dev/null || echo "Bail out! git pull failed"
co=$("$CRM" --format ids list company | head -1)
ct=$("$CRM" --format ids list contact "Rye")
for c in "list contact" "list company" "list deal" "show $ct" "show $co" \
	 "search Bob" "search Evil" "log" "log $ct" "status"; do
	# shellcheck disable=SC2086
	run $c
	no_raw "crm $c" "$out$err"
done
run show Bob
is "$rc" 4 "an ambiguous name: exit 4"
no_raw "the ambiguous-reference candidates" "$err"
like "$err" 'Bob\\x1b\[1mTwo' "...show the escape as \\\\x1b"
run rm "$co"
is "$rc" 1 "rm of a company others refer to: exit 1"
no_raw "rm's list of referring records" "$err"
run set "$ct" "role=$(printf 'a\033[1mb')" --no-such-option
no_raw "a usage error quoting the value" "$err"
run show "$(printf 'No\033[1mone')"
is "$rc" 3 "an unknown reference with an escape: exit 3"
no_raw "the not-found message" "$err"
like "$err" "no record matches 'No\\\\x1b\[1mone'" "...shows it escaped"
f=$(file_of contact "$ct")
sed -i '/^owner:/d' "$f"
printf 'owner: "ev\\e[1mil"\n' >>"$f"
run status
no_raw "status quoting a hand edit's bad value" "$out$err"
like "$out" 'unknown user' "...still reports the error"
git checkout -q -- "$f"
# the machine formats keep the exact bytes
run --format json show "$ct"
like "$out" 'Bob\\u001b\]0;pwned\\u0007Rye' "json keeps the bytes (JSON escapes)"
run --format csv list contact
printf '%s' "$out" | grep -q "$(printf 'Bob\033]0;pwned\007Rye')"
ok $? "csv keeps the exact bytes"
run --format tsv list company
printf '%s' "$out" | grep -q "$(printf 'Evil\033\\[31mRed\007Co')"
ok $? "tsv keeps the exact bytes"

# --- nested nots ---------------------------------------------------------------
cd "$S" || exit 1
nots() { local i s=""; for ((i = 0; i < $1; i++)); do s="$s not"; done; echo "$s Plain"; }
for k in 1 2 19 20 21 63 64; do
	run --format ids list contact "$(nots $k)"
	is "$rc" 0 "$k nested nots: exit 0"
	if [ $((k % 2)) -eq 0 ]; then
		like "$out" "." "$k nested nots: the match"
		is "$(printf '%s\n' "$out" | wc -l)" 1 "$k nested nots: only the match"
	else
		is "$(printf '%s\n' "$out" | grep -c .)" 2 "$k nested nots: all but the match"
	fi
done
run search "$(nots 64)"
is "$rc" 0 "search with 64 nested nots: exit 0"
like "$out" "Plain Person" "...finds the match"
run list contact "$(nots 65)"
is "$rc" 2 "65 nested nots: exit 2"
like "$err" "too deeply nested" "...with the documented message"
run list contact "not (not (not (not (Plain))))"
is "$rc" 0 "nots and parentheses: exit 0"
like "$out" "Plain Person" "...finds the match"
run list contact "not (Plain or not Rye)"
is "$rc" 0 "not over an or: exit 0"
like "$out" "Rye" "...finds the match"

done_testing
