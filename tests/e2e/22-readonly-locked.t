#!/bin/bash
# 22-readonly-locked.t - writes into a store that cannot be written, or
# that is locked by another writer (crm's lock or git's index.lock): clear
# errors, the documented exit codes, and nothing half-written.

. "$(dirname "$0")/lib.sh"

MNT=""
cleanup() {
	cd /
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	[ -n "${HOLDER:-}" ] && kill "$HOLDER" 2>/dev/null
	chmod -R u+w "$TEST_ROOT" 2>/dev/null
	rm -rf "$TEST_ROOT"
}
trap cleanup EXIT

# nothing_written N DESC: HEAD still has N commits, git status is clean.
nothing_written() {
	is "$(commits)" "$1" "$2: no commit"
	is "$(git status --porcelain)" "" "$2: nothing left in the work tree or index"
}

# hold_lock SECONDS: holds crm's store lock (fcntl, as crm takes it) in a
# background process for SECONDS; returns once the lock is held.
hold_lock() {
	rm -f "$TEST_ROOT/held"
	python3 -c '
import fcntl, os, sys, time
f = open(sys.argv[1], "a+")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))
' .git/crm/lock "$TEST_ROOT/held" "$1" &
	HOLDER=$!
	for _ in $(seq 100); do
		[ -e "$TEST_ROOT/held" ] && return 0
		sleep 0.05
	done
	echo "# lock holder did not start"
	return 1
}

now_ms() { date +%s%3N; }

new_store s
"$CRM" add contact "Existing" >/dev/null
mkdir -p .git/crm
n=$(commits)

# --- read-only store directory ----------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
	echo "ok $((_tap_n + 1)) # SKIP chmod a-w does not stop root"
	_tap_n=$((_tap_n + 1))
else
	chmod -R a-w "$TEST_ROOT/s"
	run add contact "Nope"
	is "$rc" 1 "add in a read-only store exits 1"
	like "$err" "^crm: error: .*(Permission denied|Read-only)" "add in a read-only store: clear message"
	is "$(printf '%s\n' "$err" | wc -l | tr -d ' ')" 1 "add in a read-only store: one line"
	is "$(commits)" "$n" "read-only store: no commit"
	run list contact
	is "$rc" 0 "list works in a read-only store"
	chmod -R u+w "$TEST_ROOT/s"
	nothing_written "$n" "read-only store"
fi

# --- .git/crm is a file: the lock cannot be created (works as root) ---------
mv .git/crm "$TEST_ROOT/crm-state"
: >.git/crm
run add contact "Nope"
is "$rc" 1 "add with .git/crm a regular file exits 1"
like "$err" "^crm: error: .*lock.*(Not a directory|cannot)" "add with .git/crm a file: message names the lock"
is "$(printf '%s\n' "$err" | wc -l | tr -d ' ')" 1 "add with .git/crm a file: one line"
nothing_written "$n" "lock cannot be created"
rm -f .git/crm
mv "$TEST_ROOT/crm-state" .git/crm

# --- contacts/ is a file: the record cannot be written (works as root) --------
mv contacts "$TEST_ROOT/contacts"
: >contacts
run add contact "Nope"
is "$rc" 1 "add with contacts/ a regular file exits 1"
like "$err" "^crm: error: cannot write .*contacts/" "add with contacts/ a file: names the path"
is "$(commits)" "$n" "add with contacts/ a file: no commit"
rm -f contacts
mv "$TEST_ROOT/contacts" contacts
nothing_written "$n" "record cannot be written"

# --- a read-only or full file system (root only: tmpfs) ----------------------
if [ "$(id -u)" -eq 0 ] && mkdir -p "$TEST_ROOT/mnt" &&
	mount -t tmpfs -o size=1m tmpfs "$TEST_ROOT/mnt" 2>/dev/null; then
	MNT="$TEST_ROOT/mnt"
	"$CRM" init --user ann --name "Ann Smith" --email ann@example.com "$MNT/s" >/dev/null
	cd "$MNT/s" || exit 1
	"$CRM" add contact "On tmpfs" >/dev/null
	m=$(commits)
	dd if=/dev/zero of="$MNT/fill" bs=4k 2>/dev/null
	run add contact "Disk full"
	is "$rc" 1 "add on a full file system exits 1"
	like "$err" "^crm: error: .*(No space|space)" "add on a full file system: says so"
	is "$(commits)" "$m" "full file system: no commit"
	rm -f "$MNT/fill"
	is "$(git status --porcelain)" "" "full file system: nothing left behind once space is back"
	run add contact "After space is back"
	is "$rc" 0 "add works again once space is freed"
	git fsck --strict >/dev/null 2>&1
	ok $? "full file system: git fsck --strict passes afterwards"
	m=$(commits)
	mount -o remount,ro "$MNT"
	run add contact "Read-only fs"
	is "$rc" 1 "add on a read-only file system exits 1"
	like "$err" "^crm: error: .*Read-only file system" "add on a read-only file system: clear message"
	is "$(commits)" "$m" "read-only file system: no commit"
	run list contact
	is "$rc" 0 "list works on a read-only file system"
	like "$out" "After space is back" "list on a read-only file system shows the records"
	cd "$TEST_ROOT/s" || exit 1
	umount "$MNT" && MNT=""
else
	echo "ok $((_tap_n + 1)) # SKIP cannot mount a tmpfs (not root)"
	_tap_n=$((_tap_n + 1))
fi

# --- the store lock held by another process ----------------------------------
n=$(commits)
hold_lock 30
t0=$(now_ms)
out=$(CRM_LOCK_TIMEOUT=1 "$CRM" add contact "Waiting" 2>"$TEST_ROOT/err")
rc=$?
t1=$(now_ms)
err=$(cat "$TEST_ROOT/err")
is "$rc" 5 "locked store, CRM_LOCK_TIMEOUT=1: add exits 5"
el=$((t1 - t0))
[ "$el" -ge 900 ] && [ "$el" -le 3500 ]
ok $? "locked store: gave up after about 1 s (${el} ms)"
like "$err" "^crm: error: .*lock" "locked store: the message mentions the lock"
is "$(printf '%s\n' "$err" | wc -l | tr -d ' ')" 1 "locked store: one line"
is "$out" "" "locked store: no id printed"
nothing_written "$n" "locked store"

t0=$(now_ms)
CRM_LOCK_TIMEOUT=0 "$CRM" add contact "At once" >/dev/null 2>&1
rc=$?
el=$(($(now_ms) - t0))
is "$rc" 5 "locked store, CRM_LOCK_TIMEOUT=0: exits 5"
[ "$el" -lt 700 ]
ok $? "CRM_LOCK_TIMEOUT=0 fails at once (${el} ms)"

id=$("$CRM" --format ids list contact | head -1)
CRM_LOCK_TIMEOUT=1 "$CRM" set "$id" role=buyer >/dev/null 2>&1
is "$?" 5 "locked store: set exits 5"
CRM_LOCK_TIMEOUT=1 "$CRM" tag "$id" vip >/dev/null 2>&1
is "$?" 5 "locked store: tag exits 5"
nothing_written "$n" "locked store after set and tag"

CRM_LOCK_TIMEOUT=1 run list contact
is "$rc" 0 "locked store: list (a reader) does not wait for the lock"
CRM_LOCK_TIMEOUT=1 run show "$id"
is "$rc" 0 "locked store: show works"
CRM_LOCK_TIMEOUT=1 run status
is "$rc" 0 "locked store: status works"
kill "$HOLDER" 2>/dev/null
wait "$HOLDER" 2>/dev/null
HOLDER=""

# holder releases after 1 s; a writer with a 10 s timeout waits and succeeds
hold_lock 1
t0=$(now_ms)
out=$(CRM_LOCK_TIMEOUT=10 "$CRM" add contact "Patient" 2>"$TEST_ROOT/err")
rc=$?
el=$(($(now_ms) - t0))
is "$rc" 0 "CRM_LOCK_TIMEOUT=10, lock released after 1 s: add succeeds"
[ "$el" -ge 500 ] && [ "$el" -le 5000 ]
ok $? "the add waited for the holder (${el} ms)"
is "$(cat "$TEST_ROOT/err")" "" "nothing on stderr"
[ -f "contacts/${out:0:2}/$out.yaml" ]
ok $? "the record was written"
is "$(commits)" "$((n + 1))" "one commit"
wait "$HOLDER" 2>/dev/null
HOLDER=""
store_clean "after waiting for the lock"

# --- git's index.lock held (as a running git would) ---------------------------
n=$(commits)
: >.git/index.lock
run add contact "Index locked"
echo "# add with index.lock held: rc=$rc err=$err"
[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || [ "$rc" -eq 5 ]
ok $? "add with .git/index.lock held exits 0, 1 or 5 (rc=$rc)"
if [ "$rc" -eq 0 ]; then
	is "$(commits)" "$((n + 1))" "index.lock held, add succeeded: one commit"
else
	like "$err" "index\.lock|lock" "index.lock held: the message names the lock"
	is "$(commits)" "$n" "index.lock held, add failed: no commit"
	is "$out" "" "index.lock held, add failed: no id printed"
fi
[ -e .git/index.lock ]
ok $? "crm does not remove someone else's index.lock"
rm -f .git/index.lock
is "$(git status --porcelain)" "" "index.lock removed: git status is clean"
run -q status
is "$out" "" "index.lock removed: crm status lists nothing"
git fsck --strict >/dev/null 2>&1
ok $? "git fsck --strict passes"
run add contact "Index free"
is "$rc" 0 "add works once index.lock is gone"
store_clean "after index.lock"

done_testing
