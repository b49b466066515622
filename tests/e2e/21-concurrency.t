#!/bin/bash
# 21-concurrency.t - parallel writers are serialised and none is lost; a
# writer killed with SIGKILL at any moment leaves a valid store.

. "$(dirname "$0")/lib.sh"

new_store s
export CRM_LOCK_TIMEOUT=60

# --- 20 adds at once ----------------------------------------------------------
before=$(commits)
pids=()
for i in $(seq 1 20); do
	"$CRM" add contact "Person $i" >"$TEST_ROOT/add.$i.out" 2>"$TEST_ROOT/add.$i.err" &
	pids+=($!)
done
fails=0
for i in $(seq 1 20); do
	wait "${pids[$((i - 1))]}" || { fails=$((fails + 1)); sed "s/^/# add $i: /" "$TEST_ROOT/add.$i.err"; }
done
is "$fails" 0 "20 parallel adds all exit 0"
is "$(commits)" "$((before + 20))" "exactly 20 new commits"
ids=$(cat "$TEST_ROOT"/add.*.out | sort -u | grep -c '^[0-9a-z]\{10\}$')
is "$ids" 20 "20 distinct ids printed"
is "$(find contacts -name '*.yaml' | wc -l | tr -d ' ')" 20 "20 contact files"
all=1
for f in "$TEST_ROOT"/add.*.out; do
	id=$(cat "$f")
	[ -f "contacts/${id:0:2}/$id.yaml" ] || all=0
done
is "$all" 1 "every printed id has its file"
is "$(git log --format=%s -20 | grep -c '^contact .*: add Person ')" 20 \
	"the 20 commits are the 20 adds"
is "$(git ls-tree -r --name-only HEAD contacts | wc -l | tr -d ' ')" 20 "HEAD's tree holds 20 contacts"
store_clean "after 20 parallel adds"
run list contact
is "$rc" 0 "list contact after parallel adds"
is "$(printf '%s\n' "$out" | grep -c 'Person ')" 20 "list shows 20 contacts"
is "$err" "" "list has no warnings"
is "$(cat "$TEST_ROOT"/add.*.err)" "" "no add printed anything on stderr"

# Parallel set on one record: every change lands (a writer waits, never
# loses an update).
id=$(cat "$TEST_ROOT/add.1.out")
before=$(commits)
pids=()
for i in $(seq 1 10); do
	"$CRM" tag "$id" "t$i" >/dev/null 2>"$TEST_ROOT/tag.$i.err" &
	pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
is "$fails" 0 "10 parallel tag commands on one record all exit 0"
is "$(commits)" "$((before + 10))" "10 commits"
f="contacts/${id:0:2}/$id.yaml"
is "$(grep -c '^- t[0-9]*$' "$f")" 10 "all 10 tags are in the record (no lost update)"
store_clean "after parallel tags"

# --- SIGKILL in the middle of writes -------------------------------------------
new_store k
export CRM_LOCK_TIMEOUT=60
"$CRM" add contact "Seed" >/dev/null
killed=0
{ # (bash reports each killed job on stderr: silence it)
for i in $(seq 1 30); do
	"$CRM" add contact "Victim $i" --phone "+7 900 000-00-$i" >/dev/null 2>&1 &
	p=$!
	if [ $((i % 3)) -eq 0 ]; then
		# kill at a pseudo-random moment: 0 to ~9 ms after the start
		sleep "0.00$((RANDOM % 10))"
		kill -9 "$p" 2>/dev/null && killed=$((killed + 1))
	fi
	wait "$p" 2>/dev/null
done
# a few more, killed with several adds running at once
pids=()
for i in $(seq 31 40); do
	"$CRM" add contact "Victim $i" >/dev/null 2>&1 &
	pids+=($!)
done
sleep 0.0$((RANDOM % 5 + 1))
kill -9 "${pids[1]}" "${pids[4]}" "${pids[7]}" 2>/dev/null
for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
} 2>/dev/null
echo "# sent SIGKILL to $killed sequential adds and 3 parallel ones"

git fsck --strict >/dev/null 2>&1
ok $? "git fsck --strict passes after killed adds"
git rev-parse --verify -q HEAD >/dev/null
ok $? "HEAD still resolves"
locks=$(find .git -name '*.lock' ! -path '.git/crm/*')
is "$locks" "" "no git lock files (index.lock, refs/heads/*.lock) left behind to block git and crm"
stray=$(find . -path ./.git -prune -o -name '*.crm-*' -print; find .git -name '*.crm-*' -newer crm.yaml -print 2>/dev/null)
if [ -n "$stray" ]; then
	echo "# stray temporary files (note):"
	printf '%s\n' "$stray" | sed 's/^/#   /'
fi
st=$(git status --porcelain)
if [ -n "$st" ]; then
	echo "# git status after kills (acceptable when crm status lists it):"
	printf '%s\n' "$st" | sed 's/^/#   /'
	run status
	for p in $(printf '%s\n' "$st" | awk '{print $NF}' | grep '\.yaml$'); do
		like "$out" "$p" "crm status lists $p left by a killed add"
	done
fi
run -q add contact "After the kills"
is "$rc" 0 "a later add succeeds (the lock was released)"
newid=$("$CRM" add contact "After the kills 2" 2>/dev/null)
is "$?" 0 "a second later add succeeds"
[ -f "contacts/${newid:0:2}/$newid.yaml" ]
ok $? "its file exists"
git fsck --strict >/dev/null 2>&1
ok $? "git fsck --strict passes after the later adds"
run list contact
is "$rc" 0 "list contact exits 0"
is "$err" "" "every committed record parses (no warnings)"
like "$out" "After the kills 2" "list shows the later add"
# every committed contact file parses
bad=0
for f in $(git ls-tree -r --name-only HEAD contacts); do
	id=$(basename "$f" .yaml)
	"$CRM" show "$id" >/dev/null 2>&1 || { bad=$((bad + 1)); echo "# cannot show $f"; }
done
is "$bad" 0 "every committed contact can be shown"
# HEAD's commits each add exactly one file
multi=$(git log --format=%H HEAD | while read -r c; do
	n=$(git diff-tree --no-commit-id --name-only -r "$c" | wc -l)
	[ "$n" -gt 1 ] && echo "$c"
done)
is "$multi" "" "no commit touches more than one file"
# the work tree matches HEAD for every committed file
mismatch=0
for f in $(git ls-tree -r --name-only HEAD contacts); do
	git show "HEAD:$f" | cmp -s - "$f" || { mismatch=$((mismatch + 1)); echo "# differs: $f"; }
done
is "$mismatch" 0 "every committed file in the work tree matches HEAD"
# crm status must not call a committed, unchanged file deleted (a killed
# add can leave .git/index behind HEAD; crm commit would then drop it)
run status
bogus=""
for f in $(printf '%s\n' "$out" | awk '$1 == "D" {print $2}'); do
	[ -f "$f" ] && git show "HEAD:$f" | cmp -s - "$f" && bogus="$bogus $f"
done
is "$bogus" "" "crm status lists no unchanged committed file as deleted"
# nothing holds the lock
run -q add contact "Lock free" 
is "$rc" 0 "CRM_LOCK_TIMEOUT=60 add after kills does not wait for a dead holder"
CRM_LOCK_TIMEOUT=0 "$CRM" -q add contact "Lock free at once" 2>/dev/null
is "$?" 0 "CRM_LOCK_TIMEOUT=0 add after kills succeeds at once"

done_testing
