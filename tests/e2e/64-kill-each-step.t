#!/bin/bash
# 64-kill-each-step.t - a writer killed with SIGKILL at each system call
# that changes a file (strace's syscall injection), and a recovery killed
# at each of its own: the next command always repairs the store.  After
# every kill the next write succeeds, git fsck --strict passes, git status
# is clean, no lock is left, and no completed write is lost.  Then the
# same calls fail with ENOSPC or EIO instead: the write exits 0 or 1 with
# one line, never dies of a signal, and the next write repairs.

. "$(dirname "$0")/lib.sh"

if ! command -v strace >/dev/null 2>&1 ||
   ! strace -f -o /dev/null true 2>/dev/null; then
	echo "1..0 # SKIP strace is missing or cannot trace here (ptrace refused)"
	exit 0
fi

# LeakSanitizer cannot run under ptrace: a traced crm of the sanitizer
# build would report its failure instead of exiting as it does.
TRACED_ASAN="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# The system calls a kill is injected into: those that create, write,
# rename or remove files (openat only when it opens for writing).
SYSCALLS=openat,rename,renameat2,write,pwrite64,writev,link,unlink,mkdir,ftruncate,fsync,fdatasync

# trace_points DIR ARGS...: runs crm ARGS in a copy of the store DIR and
# prints "SYSCALL N" for each call of SYSCALLS that changes a file, N
# counting that system call's invocations in the process (as strace's
# when= does).  Calls that fail change nothing, and those on the index
# database are SQLite's own crash safety: both are left out, as are
# those outside the store (the sanitizers' own output).  With
# $STOP_AT set, the calls after the first one matching it are left out.
trace_points() {
	local dir=$1 copy="$TEST_ROOT/trace-copy"
	shift
	rm -rf "$copy"
	cp -a "$dir" "$copy"
	(cd "$copy" && ASAN_OPTIONS=$TRACED_ASAN strace -f -y -o "$TEST_ROOT/trace" -e trace=$SYSCALLS \
		"$CRM" "$@" >/dev/null 2>&1)
	awk -v stop="${STOP_AT:-}" -v store="$copy" '{
		pid = $1; name = $2; sub(/\(.*/, "", name)
		if (name !~ /^[a-z0-9_]+$/ || $0 ~ /resumed>/) next
		n = ++count[pid, name]
		if (name == "openat" && $0 !~ /O_WRONLY|O_RDWR|O_CREAT/) next
		if ($0 ~ /= -1 E[A-Z]+/ || $0 ~ /index\.db/) next
		if (index($0, store "/") == 0) next
		print name, n
		if (stop != "" && $0 ~ stop) exit
	}' "$TEST_ROOT/trace" | sort -u
}

# head_field ID FIELD: the value of FIELD in HEAD's file of contact ID.
head_field() {
	git show "HEAD:$(file_of contact "$1")" 2>/dev/null |
		sed -n "s/^$2: *//p" | tr -d "'\""
}

# head_email ID: the e-mail addresses in HEAD's file of contact ID.
head_email() {
	git show "HEAD:$(file_of contact "$1")" 2>/dev/null |
		grep -o '[a-z]*@example.com'
}

# check_store WHAT: after a repairing command, the store's invariants;
# prints a line per broken one (nothing when all hold).
check_store() {
	local locks st
	git fsck --strict >/dev/null 2>&1 || echo "$1: git fsck --strict fails"
	st=$(git status --porcelain 2>&1)
	[ -z "$st" ] || echo "$1: git status not clean: $st"
	locks=$(find .git -name '*.lock' ! -name lock 2>/dev/null)
	[ -z "$locks" ] || echo "$1: lock files left: $locks"
	[ ! -e .git/crm/journal ] || echo "$1: journal left"
	git show "HEAD:$(file_of contact "$ID")" | cmp -s - "$(file_of contact "$ID")" ||
		echo "$1: work-tree file differs from HEAD"
	[ "$(head_field "$OTHER" role)" = keep ] || echo "$1: an earlier write was lost"
}

# kill_at BASE SYSCALL N ARGS...: a copy of BASE in $TEST_ROOT/w, then
# crm ARGS run in it and killed at the Nth call of SYSCALL.  Sets $krc.
kill_at() {
	local base=$1 sc=$2 n=$3
	shift 3
	cd "$TEST_ROOT" || exit 1
	rm -rf w
	cp -a "$base" w
	cd w || exit 1
	# (in a subshell whose stderr is dropped: bash reports the kill)
	krc=$( { ASAN_OPTIONS=$TRACED_ASAN strace -f -o /dev/null -e trace="$sc" \
		-e inject="$sc:signal=SIGKILL:when=$n" "$CRM" "$@" >/dev/null 2>&1
		echo $?; } 2>/dev/null)
}

new_store base
ID=$("$CRM" add contact "Kill Target" --role start)
OTHER=$("$CRM" add contact "Bystander" --role keep)
"$CRM" set "$ID" email=first@example.com >/dev/null
store_clean "the store to copy"
BASE=$PWD

# --- kills during a commit ---------------------------------------------------
points=$(trace_points "$BASE" set "$ID" role=killed)
npoints=$(printf '%s\n' "$points" | grep -c .)
[ "$npoints" -ge 30 ]
ok $? "the traced crm set makes $npoints file-changing system calls (at least 30)"
like "$points" "^link " "crm set links index.lock"
killed=0 reached_end=0 failures=""
while read -r sc n; do
	kill_at "$BASE" "$sc" "$n" set "$ID" role=killed
	if [ "$krc" -eq 0 ]; then
		reached_end=$((reached_end + 1))
	else
		killed=$((killed + 1))
	fi
	before=$(head_field "$ID" role)
	if ! timeout 30 "$CRM" set "$ID" email=after@example.com >/dev/null 2>"$TEST_ROOT/next.err"; then
		failures="$failures
$sc $n: the next set fails: $(head -1 "$TEST_ROOT/next.err")"
		continue
	fi
	bad=$(check_store "$sc $n")
	[ "$(head_email "$ID")" = after@example.com ] ||
		bad="$bad $sc $n: the next set's email is not in HEAD"
	role=$(head_field "$ID" role)
	case $role in start|killed) ;; *) bad="$bad $sc $n: role is '$role'" ;; esac
	[ "$krc" -ne 0 ] || [ "$role" = killed ] ||
		bad="$bad $sc $n: a set that exited 0 was lost"
	[ "$before" = "$role" ] || bad="$bad $sc $n: HEAD's role changed from $before to $role"
	[ -z "$bad" ] || failures="$failures
$bad"
done <<EOF
$points
EOF
echo "# commit: $killed kills, $reached_end runs not reached by their kill"
[ "$killed" -ge 30 ]
ok $? "crm set was killed at $killed points (at least 30)"
is "$failures" "" "after a kill at each step of a commit the next set repairs the store"

# --- kills during crm commit of a hand edit ----------------------------------
# The hand edit is the user's: a kill at any step must leave it either
# committed or still in the file, never put back to HEAD's version.
rm -rf "$TEST_ROOT/hand"
cp -a "$BASE" "$TEST_ROOT/hand"
printf 'handnote: precious\n' >>"$TEST_ROOT/hand/$(cd "$BASE" && file_of contact "$OTHER")"
HAND=$TEST_ROOT/hand
points=$(trace_points "$HAND" commit)
hkilled=0 failures=""
while read -r sc n; do
	kill_at "$HAND" "$sc" "$n" commit
	[ "$krc" -eq 0 ] || hkilled=$((hkilled + 1))
	f=$(file_of contact "$OTHER")
	if ! timeout 30 "$CRM" set "$ID" email=after@example.com >/dev/null 2>"$TEST_ROOT/next.err"; then
		# a hand edit left on disk is refused by set: commit it first
		timeout 30 "$CRM" commit >/dev/null 2>&1
	fi
	if ! git show "HEAD:$f" | grep -q precious && ! grep -q precious "$f"; then
		failures="$failures
$sc $n: the hand edit is lost"
	fi
	if ! git diff --cached --quiet; then
		failures="$failures
$sc $n: the repair staged a change in git's index"
	fi
done <<EOF
$points
EOF
echo "# crm commit of a hand edit: $hkilled kills"
[ "$hkilled" -ge 10 ]
ok $? "crm commit was killed at $hkilled points (at least 10)"
is "$failures" "" "a kill at any step of crm commit loses no hand edit"

# --- kills during the recovery ----------------------------------------------
# Two stores to recover: one killed as it replaced the record's file (the
# journal names it), one killed holding index.lock as it moved the branch.
recovery_base() {
	local name=$1 sc=$2 n=$3
	kill_at "$BASE" "$sc" "$n" set "$ID" role=killed
	cd "$TEST_ROOT" || exit 1
	rm -rf "$name"
	mv w "$name"
}
rename_n=$(printf '%s\n' "$points" | awk '$1 == "rename" {print $2}' | sed -n 2p)
recovery_base rec-file rename "${rename_n:-2}"
[ -e "$TEST_ROOT/rec-file/.git/crm/journal" ]
ok $? "a set killed at its second rename leaves a journal to recover"
# the first open for writing that finds index.lock taken: the ref lock's
lock_n=""
for cand in $(printf '%s\n' "$points" | awk '$1 == "openat" {print $2}' | sort -n); do
	kill_at "$BASE" openat "$cand" set "$ID" role=killed
	if [ -e .git/index.lock ] && [ -e .git/crm/journal ]; then
		lock_n=$cand
		break
	fi
done
cd "$TEST_ROOT" || exit 1
rm -rf rec-lock
[ -n "$lock_n" ] && mv w rec-lock
[ -e rec-lock/.git/index.lock ]
ok $? "a set killed holding index.lock leaves it, with a journal"

rkilled=0 rfailures=""
for rb in rec-file rec-lock; do
	[ -d "$TEST_ROOT/$rb" ] || continue
	# up to the removal of the journal: the rest is a commit, as above
	rpoints=$(STOP_AT='unlink\(".*/crm/journal"' trace_points "$TEST_ROOT/$rb" \
		set "$ID" email=recover@example.com)
	while read -r sc n; do
		kill_at "$TEST_ROOT/$rb" "$sc" "$n" set "$ID" email=recover@example.com
		[ "$krc" -eq 0 ] || rkilled=$((rkilled + 1))
		if ! timeout 30 "$CRM" set "$ID" email=final@example.com >/dev/null 2>"$TEST_ROOT/next.err"; then
			rfailures="$rfailures
$rb $sc $n: the next set fails: $(head -1 "$TEST_ROOT/next.err")"
			continue
		fi
		bad=$(check_store "$rb $sc $n")
		[ "$(head_email "$ID")" = final@example.com ] ||
			bad="$bad $rb $sc $n: the last email is not in HEAD"
		[ -z "$bad" ] || rfailures="$rfailures
$bad"
	done <<EOF
$rpoints
EOF
done
echo "# recovery: $rkilled kills"
[ "$rkilled" -ge 20 ]
ok $? "the recovering set was killed at $rkilled points of its recovery (at least 20)"
is "$rfailures" "" "after a kill at each step of a recovery the next set repairs the store"

# --- kills during a bulk change ----------------------------------------------
# crm reassign writes its objects as one pack: a kill at any step leaves
# every record with the old owner or every one with the new, and the next
# write repairs the store.
rm -rf "$TEST_ROOT/bulk"
cp -a "$BASE" "$TEST_ROOT/bulk"
(cd "$TEST_ROOT/bulk" &&
	"$CRM" user add bob --name "Bob Jones" --email bob@example.com >/dev/null &&
	for i in 1 2 3 4 5 6; do "$CRM" add contact "Bulk $i" >/dev/null || exit 1; done)
ok $? "the store for the bulk kills"
BULK=$TEST_ROOT/bulk
# owners: the distinct owners of the contacts in HEAD, space-separated
owners() {
	git ls-tree -r --name-only HEAD contacts | while read -r f; do
		git show "HEAD:$f" | sed -n 's/^owner: *//p'
	done | sort -u | tr '\n' ' '
}
points=$(trace_points "$BULK" reassign ann bob)
like "$points" "^rename " "crm reassign renames files into place"
bkilled=0 failures=""
while read -r sc n; do
	kill_at "$BULK" "$sc" "$n" reassign ann bob
	[ "$krc" -eq 0 ] || bkilled=$((bkilled + 1))
	if ! timeout 30 "$CRM" set "$ID" email=after@example.com >/dev/null 2>"$TEST_ROOT/next.err"; then
		failures="$failures
$sc $n: the next set fails: $(head -1 "$TEST_ROOT/next.err")"
		continue
	fi
	bad=$(check_store "$sc $n")
	o=$(owners)
	case $o in "ann "|"bob ") ;; *) bad="$bad $sc $n: owners are '$o'" ;; esac
	[ "$krc" -ne 0 ] || [ "$o" = "bob " ] ||
		bad="$bad $sc $n: a reassign that exited 0 was lost"
	[ -z "$bad" ] || failures="$failures
$bad"
done <<EOF
$points
EOF
echo "# bulk: $bkilled kills"
[ "$bkilled" -ge 10 ]
ok $? "crm reassign was killed at $bkilled points (at least 10)"
is "$failures" "" "after a kill at each step of a bulk change the next set repairs the store, all or nothing"

# --- a full disk or an I/O error at each step --------------------------------
# fail_at BASE SYSCALL N ERRNO ARGS...: as kill_at, the call failing with
# ERRNO instead; sets $krc and leaves stderr in $TEST_ROOT/fail.err.
fail_at() {
	local base=$1 sc=$2 n=$3 e=$4
	shift 4
	cd "$TEST_ROOT" || exit 1
	rm -rf w
	cp -a "$base" w
	cd w || exit 1
	ASAN_OPTIONS=$TRACED_ASAN strace -f -o /dev/null -e trace="$sc" \
		-e inject="$sc:error=$e:when=$n" \
		"$CRM" "$@" >/dev/null 2>"$TEST_ROOT/fail.err"
	krc=$?
}
efailures="" nerr=0 i=0
while read -r sc n; do
	i=$((i + 1))
	e=ENOSPC
	[ $((i % 2)) -eq 0 ] && e=EIO
	fail_at "$BASE" "$sc" "$n" "$e" set "$ID" role=failed
	case $krc in
	0) [ "$(head_field "$ID" role)" = failed ] ||
		efailures="$efailures
$sc $n $e: exited 0 but the role is not in HEAD" ;;
	1) nerr=$((nerr + 1))
	   { [ "$(grep -c . "$TEST_ROOT/fail.err")" -eq 1 ] &&
	     grep -q '^crm: error: ' "$TEST_ROOT/fail.err"; } ||
		efailures="$efailures
$sc $n $e: not one error line: $(head -3 "$TEST_ROOT/fail.err" | tr '\n' '|')" ;;
	*) efailures="$efailures
$sc $n $e: exit status $krc" ;;
	esac
	if ! timeout 30 "$CRM" set "$ID" email=after@example.com >/dev/null 2>"$TEST_ROOT/next.err"; then
		efailures="$efailures
$sc $n $e: the next set fails: $(head -1 "$TEST_ROOT/next.err")"
		continue
	fi
	bad=$(check_store "$sc $n $e")
	[ -z "$bad" ] || efailures="$efailures
$bad"
done <<EOF
$points
EOF
echo "# errors: $i injected, $nerr made crm set fail"
[ "$nerr" -ge 10 ]
ok $? "an injected ENOSPC or EIO made crm set fail $nerr times (at least 10)"
is "$efailures" "" "ENOSPC or EIO at each step: exit 0 or one error line, and the next set repairs"
fail_at "$BASE" rename 1 ENOSPC set "$ID" role=failed
is "$krc" 1 "ENOSPC at the journal's rename: crm set exits 1"
like "$(cat "$TEST_ROOT/fail.err")" "^crm: error: cannot write to '.*': no space left on the disk$" \
	"ENOSPC at the journal's rename: the disk is said to be full"

done_testing
