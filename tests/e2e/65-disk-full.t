#!/bin/bash
# 65-disk-full.t - a store on a small file system that the test fills: an
# ext4 image with 1 KiB blocks (where SQLite's shared memory used to end
# in SIGBUS), or a tmpfs.  Writing commands fail with exit 1 and one line
# naming the full disk, never a signal; reads still answer; once space is
# freed the store is intact and writes work again.

. "$(dirname "$0")/lib.sh"

MNT="$TEST_ROOT/mnt"
IMG="$TEST_ROOT/disk.img"
mounted=""
cleanup() {
	cd /
	[ -n "$mounted" ] && umount "$MNT" 2>/dev/null
	chmod -R u+w "$TEST_ROOT" 2>/dev/null
	rm -rf "$TEST_ROOT"
}
trap cleanup EXIT

mkdir -p "$MNT"
kind=""
if [ "$(id -u)" -eq 0 ] && command -v mkfs.ext4 >/dev/null 2>&1 &&
   truncate -s 12M "$IMG" && mkfs.ext4 -q -F -m 0 -b 1024 "$IMG" 2>/dev/null &&
   mount -o loop "$IMG" "$MNT" 2>/dev/null; then
	kind="ext4 (1 KiB blocks)"
elif [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=6m tmpfs "$MNT" 2>/dev/null; then
	kind=tmpfs
fi
if [ -z "$kind" ]; then
	echo "1..0 # SKIP cannot mount a small file system here (needs root, and a loop device or tmpfs)"
	exit 0
fi
mounted=1
echo "# a $kind file system"

"$CRM" init --user ann --name "Ann Smith" --email ann@example.com "$MNT/s" >/dev/null
cd "$MNT/s" || exit 1
co=$("$CRM" add company "Полярная звезда")
ct=$("$CRM" add contact "Ayşə Məmmədova" --company "$co" --role buyer)
dl=$("$CRM" add deal "Büyük sifariş" --company "$co" --amount 50000)
spare=$("$CRM" add contact "Spare Record")
store_clean "before the disk fills"
EDSCRIPT="$TEST_ROOT/ed"
printf '#!/bin/sh\nsed -i "s/^role: .*/role: edited/" "$1"\n' >"$EDSCRIPT"
chmod +x "$EDSCRIPT"

# fill_leaving KB: fills the file system until only KB KiB are free.
fill_leaving() {
	local avail
	rm -f "$MNT/fill" "$MNT/fill2"
	sync
	avail=$(df -k --output=avail "$MNT" | tail -1 | tr -d ' ')
	[ "$avail" -gt "$1" ] &&
		dd if=/dev/zero of="$MNT/fill" bs=1k count=$((avail - $1)) 2>/dev/null
	if [ "$1" -eq 0 ]; then # what the estimate left, to the last block
		dd if=/dev/zero of="$MNT/fill2" bs=1k 2>/dev/null
	fi
	sync
}

# writes: runs every kind of write once; prints "NAME RC" for each and
# saves each one's stderr in $TEST_ROOT/w.NAME.
writes() {
	local i=$1
	"$CRM" add contact "New $i" >/dev/null 2>"$TEST_ROOT/w.add"; echo "add $?"
	"$CRM" set "$ct" role="r$i" >/dev/null 2>"$TEST_ROOT/w.set"; echo "set $?"
	"$CRM" tag "$dl" "t$i" >/dev/null 2>"$TEST_ROOT/w.tag"; echo "tag $?"
	EDITOR="$EDSCRIPT" "$CRM" edit "$ct" >/dev/null 2>"$TEST_ROOT/w.edit"; echo "edit $?"
	"$CRM" undo >/dev/null 2>"$TEST_ROOT/w.undo"; echo "undo $?"
	"$CRM" rm "$spare" >/dev/null 2>"$TEST_ROOT/w.rm"; echo "rm $?"
}

# reads: list, show and search; prints "NAME RC" for each.
reads() {
	"$CRM" list contact >"$TEST_ROOT/r.list" 2>&1; echo "list $?"
	"$CRM" show "$ct" >"$TEST_ROOT/r.show" 2>&1; echo "show $?"
	"$CRM" search "звезда" >"$TEST_ROOT/r.search" 2>&1; echo "search $?"
	"$CRM" list deal >"$TEST_ROOT/r.deal" 2>&1; echo "deal $?"
}

# --- a disk filled to the last block -----------------------------------------
fill_leaving 0
n=$(commits)
w=$(writes full)
signals=$(printf '%s\n' "$w" | awk '$2 >= 128')
is "$signals" "" "on a full disk no write dies of a signal"
is "$(printf '%s\n' "$w" | awk '$2 != 1 {print}')" "" "on a full disk every write exits 1"
badmsg=""
for f in add set tag edit undo rm; do
	lines=$(grep -c . "$TEST_ROOT/w.$f")
	if [ "$lines" -ne 1 ] ||
	   ! grep -Eq '^crm: error: .*(no space left on the disk|No space left on device)' "$TEST_ROOT/w.$f"; then
		badmsg="$badmsg $f:$(head -2 "$TEST_ROOT/w.$f" | tr '\n' '|')"
	fi
done
is "$badmsg" "" "on a full disk each write says in one line that the disk is full"
grep -q "no space left on the disk" "$TEST_ROOT/w.set"
ok $? "crm set on a full disk: 'no space left on the disk'"
is "$(commits)" "$n" "on a full disk nothing is committed"
r=$(reads)
is "$(printf '%s\n' "$r" | awk '$2 != 0')" "" "on a full disk list, show and search answer (exit 0)"
grep -q "Ayşə Məmmədova" "$TEST_ROOT/r.list"
ok $? "on a full disk list shows the contacts"
grep -q "buyer" "$TEST_ROOT/r.show"
ok $? "on a full disk show shows the record"
grep -q "Полярная звезда" "$TEST_ROOT/r.search"
ok $? "on a full disk search finds the company"
grep -q "Büyük sifariş" "$TEST_ROOT/r.deal"
ok $? "on a full disk list deal shows the deal"

rm -f "$MNT/fill" "$MNT/fill2"
run set "$ct" role=after
is "$rc" 0 "once space is freed crm set works"
store_clean "once space is freed"
is "$(git show "HEAD:$(file_of contact "$ct")" | sed -n 's/^role: //p')" after \
	"the set after the full disk is committed"

# --- a disk nearly full: a little space left, in steps -----------------------
# (SQLite's shared memory was mapped with holes here: SIGBUS)
sigs="" readfail="" badfail=""
steps=0
for kb in 2 4 6 8 10 12 16 20 24 32 40 48 64 96 128; do
	steps=$((steps + 1))
	"$CRM" list contact >/dev/null 2>&1 # the index up to date, and closed
	fill_leaving "$kb"
	w=$(writes "$kb")
	r=$(reads)
	sigs="$sigs$(printf '%s\n%s\n' "$w" "$r" | awk -v kb="$kb" '$2 >= 128 {printf " %s:%s@%dK", $1, $2, kb}')"
	readfail="$readfail$(printf '%s\n' "$r" | awk -v kb="$kb" '$2 != 0 {printf " %s@%dK", $1, kb}')"
	for f in add set tag edit undo rm; do
		if [ -s "$TEST_ROOT/w.$f" ] &&
		   { [ "$(grep -c . "$TEST_ROOT/w.$f")" -ne 1 ] ||
		     ! grep -Eq '^crm: error: ' "$TEST_ROOT/w.$f"; }; then
			badfail="$badfail $f@${kb}K:$(head -2 "$TEST_ROOT/w.$f" | tr '\n' '|')"
		fi
	done
	rm -f "$MNT/fill" "$MNT/fill2"
	# a write killed by a full disk may leave its repair to the next one
	"$CRM" set "$ct" role="step$kb" >/dev/null 2>"$TEST_ROOT/next.err" ||
		badfail="$badfail next@${kb}K:$(cat "$TEST_ROOT/next.err")"
	st=$(git status --porcelain)
	[ -z "$st" ] || badfail="$badfail dirty@${kb}K:$st"
done
echo "# $steps nearly-full steps"
is "$sigs" "" "with a little space left no command dies of a signal"
is "$readfail" "" "with a little space left every read answers"
is "$badfail" "" "with a little space left a failing write says why in one line, and the next write repairs"
store_clean "after the nearly-full steps"
run list contact
is "$rc" 0 "list works afterwards"
is "$err" "" "every record still parses"

done_testing
