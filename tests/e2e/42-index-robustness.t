#!/bin/bash
# 42-index-robustness.t - the index under .git/crm is derived state that is
# never trusted blindly: deleted, corrupted, truncated, replaced, of an older
# format, locked by another process (alive or killed), interrupted by
# SIGKILL in the middle of a rebuild, read while writers add records, or in
# a store that cannot be written - commands still answer correctly.  Damage
# inside a page's data, which SQLite cannot see, must not crash a command,
# and crm reindex repairs it.

. "$(dirname "$0")/lib.sh"

GEN="$(cd "$(dirname "$0")/../bench" && pwd)/gen"
T0=$(date +%s%N)
# section NAME: prints the time taken so far, as a TAP comment.
section() {
	echo "# $(( ($(date +%s%N) - T0) / 1000000 )) ms: $1"
}
DB=.git/crm/index.db

# snapshot [small]: what a handful of read commands print (stdout and exit
# status), the same whenever the index is sound.
snapshot() {
	local q qs=("search Перенесли" "search invoice" "search 495" "search ab"
		"search /^ООО/" "list deal stage:won --sort amount"
		"list contact tag:vip owner:ann" "list company" "list task"
		"list deal amount>=1000000 --sort amount --reverse")
	[ "${1:-}" = small ] && qs=("search Перенесли" "search 495" "list contact tag:vip owner:ann")
	for q in "${qs[@]}"; do
		# shellcheck disable=SC2086
		"$CRM" --format ids $q --limit 100000 2>&1
		echo "[$q: exit $?]"
	done
	[ "${1:-}" = small ] && return
	"$CRM" --format csv list contact --sort name --limit 300 2>&1
	echo "[csv: exit $?]"
}

# same_answers DESC: the snapshot equals the one taken with a sound index.
same_answers() {
	local now
	now=$(snapshot)
	if [ "$now" = "$GOOD" ]; then
		ok 0 "$1: answers are the same as with a sound index"
	else
		ok 1 "$1: answers are the same as with a sound index"
		diff <(printf '%s\n' "$GOOD") <(printf '%s\n' "$now") | head -10 | sed 's/^/# /'
	fi
}

# index_format: PRAGMA user_version of the index file (python's sqlite3).
index_format() {
	python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' "$DB" 2>&1
}

S="$TEST_ROOT/s"
"$GEN" --records 3000 --out "$S" --seed 42 >/dev/null 2>&1 || { echo "Bail out! gen failed"; exit 1; }
cd "$S" || exit 1
"$CRM" reindex >/dev/null 2>&1
GOOD=$(snapshot)
like "$GOOD" "exit 0\]" "baseline snapshot taken"
ok "$(printf '%s\n' "$GOOD" | grep -v 'exit 0\]' | grep -q '^\[' && echo 1 || echo 0)" "baseline: every read command exits 0"
is "$(printf '%s\n' "$GOOD" | grep -c '^[0-9a-z]\{10\}$')" \
	"$(printf '%s\n' "$GOOD" | grep -c '^[0-9a-z]\{10\}$' | awk '$1 > 500 {print}')" "baseline: the queries find records"
fmt=$(index_format)
like "$fmt" "^[1-9][0-9]*$" "the index records its format in user_version ($fmt)"

# --- crm reindex: silent without a terminal --------------------------------------
section "crm reindex: silent without a terminal"
out=$("$CRM" reindex 2>&1 </dev/null)
rc=$?
is "$rc" 0 "reindex exits 0"
is "$out" "" "reindex prints nothing on success without a terminal"
out=$("$CRM" -q reindex 2>&1)
is "$out" "" "reindex -q prints nothing"
same_answers "after crm reindex"

# --- deleted ------------------------------------------------------------------------------
section "deleted"
rm -f "$DB" "$DB"-wal "$DB"-shm
same_answers "index deleted"
ok "$([ -s "$DB" ] && echo 0 || echo 1)" "index deleted: the next command rebuilt it"
rm -rf .git/crm
same_answers ".git/crm deleted"
ok "$([ -s "$DB" ] && echo 0 || echo 1)" ".git/crm deleted: recreated with the index"

# --- corrupted ---------------------------------------------------------------------------
section "corrupted"
"$CRM" reindex >/dev/null 2>&1
size=$(stat -c %s "$DB")
ok "$([ "$size" -gt 100000 ] && echo 0 || echo 1)" "the index is big enough to corrupt its middle ($size bytes)"
for where in 2 3 4 8; do
	cp "$DB" "$TEST_ROOT/index.good"
	dd if=/dev/urandom of="$DB" bs=1024 seek=$((size / 1024 * (where - 1) / where)) count=16 conv=notrunc status=none
	same_answers "16 KB of random bytes at $(((where - 1) * 100 / where))% of the file"
	"$CRM" reindex >/dev/null 2>&1
done
# the header and the first pages
dd if=/dev/urandom of="$DB" bs=1024 seek=0 count=8 conv=notrunc status=none
same_answers "random bytes over the header"
"$CRM" reindex >/dev/null 2>&1
# every page damaged a little: 4 random bytes every 4 KB.  SQLite keeps no
# checksums: bytes changed inside a page's data (a name, a list of row ids
# in the full-text index) read as other data, and no reader of the file can
# tell.  What crm promises then: no crash and no hang, each command answers
# or fails with an error, and `crm reindex` brings the right answers back.
python3 - "$DB" <<'PY'
import os, sys
with open(sys.argv[1], "r+b") as f:
    n = os.fstat(f.fileno()).st_size
    for off in range(1024, n, 4096):
        f.seek(off)
        f.write(os.urandom(4))
PY
damaged=$(snapshot)
crashed=$(printf '%s\n' "$damaged" | grep -E ': exit (1[3-9][0-9]|2[0-9][0-9])\]$')
is "$crashed" "" "every page damaged: no command crashes"
"$CRM" reindex >/dev/null 2>&1
same_answers "every page damaged, then crm reindex"

# --- truncated, emptied, replaced -------------------------------------------------------
section "truncated, emptied, replaced"
truncate -s $((size / 2)) "$DB"
same_answers "truncated to half"
truncate -s 1000 "$DB"
same_answers "truncated to 1000 bytes"
: >"$DB"
same_answers "emptied"
echo "this is not a database" >"$DB"
same_answers "replaced with a text file"

# --- an older format ---------------------------------------------------------------------
section "an older format"
"$CRM" reindex >/dev/null 2>&1
python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("DELETE FROM records WHERE type IS NOT NULL AND rowid % 2 = 0")
db.execute("PRAGMA user_version=0")
db.close()
PY
is "$(index_format)" 0 "index set to format 0 (with half its rows gone)"
same_answers "an index of an older format"
is "$(index_format)" "$fmt" "an older format is rebuilt to the current one"
sqlite3 "$DB" 'PRAGMA user_version=999' 2>/dev/null ||
	python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version=999")' "$DB"
same_answers "an index of a newer (unknown) format"
is "$(index_format)" "$fmt" "an unknown format is rebuilt"

# --- held locks -------------------------------------------------------------------------------
section "held locks"
# hold_db SECONDS MODE: a python process holds the index's write lock for
# SECONDS (MODE kill: it writes garbage in the transaction and is killed
# with SIGKILL instead of releasing it).  Returns once the lock is held.
hold_db() {
	rm -f "$TEST_ROOT/held"
	python3 - "$DB" "$TEST_ROOT/held" "$1" "$2" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("BEGIN EXCLUSIVE")
if sys.argv[4] == "kill":
    db.execute("DELETE FROM records")
    db.execute("UPDATE meta SET value = 'garbage'")
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))
db.execute("ROLLBACK")
PY
	HOLDER=$!
	for _ in $(seq 200); do
		[ -e "$TEST_ROOT/held" ] && return 0
		sleep 0.05
	done
	echo "# the lock holder did not start"
	return 1
}

"$CRM" reindex >/dev/null 2>&1
hold_db 3 release
t0=$(date +%s%N)
run add contact "Locked Out Person" --tag locktest
add_rc=$rc add_err=$err new=$out
run --format ids list contact tag:locktest
t1=$(date +%s%N)
wait "$HOLDER"
is "$add_rc" 0 "add while another process holds the index's write lock: exit 0 ($add_err)"
is "$rc" 0 "list after it: exit 0"
is "$err$add_err" "" "no 'database is locked' or other message"
is "$out" "$new" "list sees the record added while the index was locked"
echo "# add + list took $(((t1 - t0) / 1000000)) ms with the index locked for 3 s"
GOOD=$(snapshot)

hold_db 1.5 release
run --format ids list contact tag:locktest
is "$rc:$out:$err" "0:$new:" "list while the index's write lock is held"
wait "$HOLDER"

# a writer killed with SIGKILL in the middle of its transaction
hold_db 30 kill
kill -9 "$HOLDER"
wait "$HOLDER" 2>/dev/null
same_answers "a writer of the index killed in its transaction"
run --format ids list contact tag:locktest
is "$rc:$out" "0:$new" "killed writer: the record added before is still found"

# --- SIGKILL during crm reindex of 20k records ------------------------------------------
section "SIGKILL during crm reindex of 20k records"
B="$TEST_ROOT/big"
"$GEN" --records 20000 --out "$B" --seed 7 >/dev/null 2>&1 || echo "Bail out! gen of 20k failed"
cd "$B" || exit 1
t0=$(date +%s%N)
"$CRM" reindex >/dev/null 2>&1
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
echo "# reindex of 20k records: $ms ms"
GOOD=$(snapshot)
like "$GOOD" "exit 0\]" "20k store: baseline"
for frac in 10 35 60 85; do
	"$CRM" reindex >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v ms="$ms" -v f="$frac" 'BEGIN { printf "%.3f", ms * f / 100000 }')"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	same_answers "crm reindex killed at ~$frac%"
done
# the automatic rebuild of a missing index, killed
rm -f "$DB" "$DB"-wal "$DB"-shm
"$CRM" --format ids list company >/dev/null 2>&1 &
pid=$!
sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 2000 }')"
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
same_answers "an automatic rebuild killed half-way"
run reindex
is "$rc:$err" "0:" "crm reindex after the kills"
same_answers "after crm reindex following the kills"
ls .git/crm/ >"$TEST_ROOT/state"
ok "$(grep -q 'new-' "$TEST_ROOT/state" && echo 1 || echo 0)" \
	"no half-built index file of a killed rebuild is left behind after a later reindex (.git/crm: $(tr '\n' ' ' <"$TEST_ROOT/state"))"

# --- readers while writers add records ------------------------------------------------------
section "readers while writers add records"
cd "$S" || exit 1
"$CRM" reindex >/dev/null 2>&1
base=$("$CRM" --format ids list contact | wc -l)
rm -f "$TEST_ROOT"/reader.* "$TEST_ROOT/stop"
for r in 1 2 3 4 5; do
	(
		n=0
		while [ ! -e "$TEST_ROOT/stop" ] || [ "$n" -lt 3 ]; do
			n=$((n + 1))
			if [ $((r % 2)) -eq 0 ]; then
				o=$("$CRM" --format ids search concurrent --limit 100000 2>&1)
				c=$?
				cnt=$("$CRM" --format ids list contact 2>>"$TEST_ROOT/reader.$r.err" | wc -l)
			else
				o=$("$CRM" --format ids list contact tag:concurrent 2>&1)
				c=$?
				cnt=$("$CRM" --format ids search type:contact --limit 100000 2>>"$TEST_ROOT/reader.$r.err" | wc -l)
			fi
			[ "$c" -eq 0 ] || printf 'exit %s: %s\n' "$c" "$o" >>"$TEST_ROOT/reader.$r.err"
			if [ "$cnt" -lt "$base" ] || [ "$cnt" -gt $((base + 10)) ]; then
				echo "saw $cnt contacts (base $base)" >>"$TEST_ROOT/reader.$r.err"
			fi
		done
		echo "$n" >"$TEST_ROOT/reader.$r.n"
	) &
done
wpids=""
for w in $(seq 10); do
	"$CRM" add contact "Concurrent Writer $w" --tag concurrent >/dev/null 2>"$TEST_ROOT/writer.$w.err" &
	wpids="$wpids $!"
done
wfail=0
for p in $wpids; do
	wait "$p" || wfail=$((wfail + 1))
done
touch "$TEST_ROOT/stop"
wait
is "$wfail" 0 "10 concurrent crm add: all succeed ($(cat "$TEST_ROOT"/writer.*.err | head -3))"
errs=$(cat "$TEST_ROOT"/reader.*.err 2>/dev/null)
is "$errs" "" "5 reader loops never saw an error or a half-updated index"
echo "# reader loops ran $(cat "$TEST_ROOT"/reader.*.n | tr '\n' ' ')times"
is "$("$CRM" --format ids list contact tag:concurrent | wc -l | tr -d ' ')" 10 "all 10 records are found afterwards"
is "$("$CRM" --format ids search concurrent writer --limit 100 | wc -l | tr -d ' ')" 10 "and searched"
store_clean "after concurrent writers"

# --- a read-only store -----------------------------------------------------------------------
GOOD=$(snapshot small)
# in_ro CMD...: runs CMD in $S mounted read-only (a private mount namespace).
in_ro() {
	unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && shift && cd "$0" && "$@"' \
		"$S" "$S" "$@"
}
if ! in_ro true 2>/dev/null; then
	echo "ok $((_tap_n + 1)) # SKIP cannot mount the store read-only here"
	_tap_n=$((_tap_n + 1))
else
	out=$(in_ro touch x 2>&1)
	like "$out" "Read-only" "the store is read-only inside the mount"
	now=$(in_ro bash -c "$(declare -f snapshot); CRM='$CRM'; snapshot small")
	is "$now" "$GOOD" "read-only store with a fresh index: same answers"
	# a stale index: the copy from before the last record
	cp "$DB" "$TEST_ROOT/index.before"
	last=$("$CRM" add contact "Read Only Newcomer" --phone "+7 812 111-22-33")
	cp "$TEST_ROOT/index.before" "$DB"
	rm -f "$DB"-wal "$DB"-shm
	out=$(in_ro "$CRM" --format ids search newcomer 2>&1)
	is "$out" "$last" "read-only store with a stale index: search finds the new record"
	out=$(in_ro "$CRM" --format ids list contact 'name:"read only"' 2>&1)
	is "$out" "$last" "read-only store with a stale index: list finds it"
	rm -f "$DB" "$DB"-wal "$DB"-shm
	GOOD=$(snapshot small)
	rm -f "$DB" "$DB"-wal "$DB"-shm
	now=$(in_ro bash -c "$(declare -f snapshot); CRM='$CRM'; snapshot small")
	is "$now" "$GOOD" "read-only store without an index: same answers (index in memory)"
	ok "$([ -e "$DB" ] && echo 1 || echo 0)" "read-only store: no index file was written"
	out=$(in_ro "$CRM" --format ids search 8121112233 2>&1)
	is "$out" "$last" "read-only store without an index: a phone search"
	run --format ids search newcomer
	is "$out" "$last" "writable again: the index is built on disk"
fi
store_clean "end"

done_testing
