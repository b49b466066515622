#!/bin/bash
# 90-export-ics.t - crm export ics: the open tasks as iCalendar, read
# back by an iCalendar parser independent of libical (python3-icalendar):
# every open task with its UID, SUMMARY, DUE and PRIORITY, no finished
# one; the same bytes from two exports and from a clone; SEQUENCE grows
# with a change; -o replaces the file atomically and leaves it as it was
# on failure (a read-only and a full file system); the query; --events;
# hostile text; broken and invalid UTF-8 files; bad arguments.

. "$(dirname "$0")/lib.sh"

PY=""
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import icalendar' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	echo "1..0 # SKIP python3-icalendar is not installed"
	exit 0
fi

MNT="$TEST_ROOT/mnt"
mounted=""
cleanup() {
	cd /
	[ -n "$mounted" ] && umount "$MNT" 2>/dev/null
	chmod -R u+w "$TEST_ROOT" 2>/dev/null
	rm -rf "$TEST_ROOT"
}
trap cleanup EXIT

# The reader: "ics.py FILE [VTODO|VEVENT]" prints each component as
# UID TAB SUMMARY TAB DUE-or-DTSTART TAB DTEND TAB PRIORITY TAB SEQUENCE
# (newlines in SUMMARY as \n, times with their offset and TZID), sorted;
# "ics.py FILE lint" prints what breaks RFC 5545's lines (CRLF, 75
# octets, UTF-8) and the counts of the components.
cat >"$TEST_ROOT/ics.py" <<'PY'
import sys
import icalendar

data = open(sys.argv[1], "rb").read()
what = sys.argv[2] if len(sys.argv) > 2 else "VTODO"
if what == "lint":
    lines = data.split(b"\r\n")
    if lines[-1] != b"":
        print("no CRLF at the end")
    for i, l in enumerate(lines[:-1]):
        if b"\n" in l or b"\r" in l:
            print("bare LF or CR in line %d" % (i + 1))
        if len(l) > 75:
            print("line %d is %d octets" % (i + 1, len(l)))
        try:
            l.decode("utf-8")
        except UnicodeDecodeError:
            print("line %d is not UTF-8 on its own" % (i + 1))
    cal = icalendar.Calendar.from_ical(data)
    for k in ("VCALENDAR", "VTIMEZONE", "VTODO", "VEVENT"):
        print("%s %d" % (k, len(cal.walk(k))))
    sys.exit(0)


def when(p):
    if p is None:
        return "-"
    s = p.dt.isoformat()
    if "TZID" in p.params:
        s += " " + p.params["TZID"]
    return s


rows = []
for c in icalendar.Calendar.from_ical(data).walk(what):
    rows.append("\t".join([
        str(c["UID"]), str(c["SUMMARY"]).replace("\n", "\\n"),
        when(c.get("DUE") or c.get("DTSTART")), when(c.get("DTEND")),
        str(c.get("PRIORITY", "-")), str(c.get("SEQUENCE", "-"))]))
for r in sorted(rows):
    print(r)
PY
# ics FILE [WHAT]: the reader's lines for FILE.
ics() {
	"$PY" "$TEST_ROOT/ics.py" "$@"
}
# field UID N: field N of the reader's line of task UID in $TEST_ROOT/got.
field() {
	awk -F'\t' -v u="$1@crm" -v n="$2" '$1 == u {print $n}' "$TEST_ROOT/got"
}
# description FILE UID: the DESCRIPTION of task UID, as the reader has it.
description() {
	"$PY" -c '
import sys, icalendar
for c in icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read()).walk("VTODO"):
    if str(c["UID"]) == sys.argv[2]:
        print(str(c.get("DESCRIPTION", "")))' "$1" "$2@crm"
}

new_store s
"$CRM" user add bob --name "Bob Brown" --email bob@example.com >/dev/null
co=$("$CRM" add company "ООО Ромашка" --phone "+7 495 123-45-67")
ct=$("$CRM" add contact "Иван Петров" --company "$co" --phone "+7 916 000-11-22")
dl=$("$CRM" add deal "Поставка 2027" --company "$co" --contact "$ct")
t1=$("$CRM" add task "Позвонить Ивану" --for "$ct" --due 2026-12-10 --priority high)
t2=$("$CRM" add task 'Send the offer; terms, \ prices' --for "$dl" \
	--due "2026-12-11 15:30" --priority low \
	--notes "$(printf 'first line\nEND:VTODO\nEND:VCALENDAR\nBEGIN:VEVENT')")
t3=$("$CRM" add task "Без срока" --for "$co")
t4=$("$CRM" add task "Bob's call" --for "$co" --owner bob --due 2026-12-12 --priority normal)
t5=$("$CRM" add task "Finished one" --for "$co" --due 2026-12-01)
t6=$("$CRM" add task "$(printf 'Evil\r\nEND:VTODO\r\nBEGIN:VEVENT')" --for "$co")
"$CRM" task done "$t5" >/dev/null || { echo "Bail out! task done"; exit 1; }
[ -n "$t1" ] && [ -n "$t6" ] || { echo "Bail out! records"; exit 1; }

# --- every open task, as the parser reads it --------------------------------
run export ics -o "$TEST_ROOT/a.ics"
is "$rc" 0 "export ics -o exits 0"
is "$out$err" "" "export ics -o prints nothing"
ics "$TEST_ROOT/a.ics" >"$TEST_ROOT/got"
is "$(cut -f1 "$TEST_ROOT/got" | tr '\n' ' ')" \
	"$(printf '%s@crm\n' "$t1" "$t2" "$t3" "$t4" "$t6" | sort | tr '\n' ' ')" \
	"every open task is a VTODO with UID ID@crm, and the finished one is not"
is "$("$CRM" --format ids list task | wc -l)" "$(wc -l <"$TEST_ROOT/got")" \
	"as many VTODOs as crm list task lists"
is "$(field "$t1" 2)" "Позвонить Ивану" "SUMMARY: the Cyrillic title"
is "$(field "$t1" 3)" "2026-12-10" "a date alone is DUE;VALUE=DATE"
is "$(field "$t1" 5)" 1 "priority high is PRIORITY 1"
is "$(field "$t2" 2)" 'Send the offer; terms, \ prices' "SUMMARY: ; , and \\ read back as written"
is "$(field "$t2" 3)" "2026-12-11T15:30:00+03:00 Europe/Moscow" \
	"a time is DUE in the local zone (TZ), with TZID"
is "$(field "$t2" 5)" 9 "priority low is PRIORITY 9"
is "$(field "$t4" 5)" 5 "priority normal is PRIORITY 5"
is "$(field "$t3" 3)" "-" "an undated task has no DUE"
is "$(field "$t3" 5)" "-" "a task without priority has no PRIORITY"
is "$(field "$t6" 2)" 'Evil\nEND:VTODO\nBEGIN:VEVENT' \
	"CR LF in a title is a newline of SUMMARY, not a line of the file"
lint=$(ics "$TEST_ROOT/a.ics" lint)
is "$(printf '%s\n' "$lint" | grep -v '^V')" "" \
	"every line ends in CRLF, is at most 75 octets and UTF-8 on its own"
like "$lint" "VTODO 5" "the parser finds exactly the 5 VTODOs (notes saying END:VTODO end none)"
like "$lint" "VEVENT 0" "no VEVENT is made of a title or notes"
like "$lint" "VTIMEZONE 1" "the zone's VTIMEZONE is there"
grep -q '^TZID:Europe/Moscow' "$TEST_ROOT/a.ics"
ok $? "the VTIMEZONE's TZID is the Olson name"
d=$(description "$TEST_ROOT/a.ics" "$t2")
like "$d" "Deal: Поставка 2027" "DESCRIPTION: the deal the task is for"
like "$d" "Company: ООО Ромашка" "DESCRIPTION: its company"
like "$d" "Contact: Иван Петров" "DESCRIPTION: its contact"
like "$d" "Phone: \+7 916" "DESCRIPTION: the contact's phone"
like "$d" "Owner: Ann Smith \(ann\)" "DESCRIPTION: the owner"
like "$d" "Task: $t2" "DESCRIPTION: the task's id"
like "$d" "END:VCALENDAR" "DESCRIPTION: the notes, whatever they say"
like "$(description "$TEST_ROOT/a.ics" "$t3")" "Phone: \+7 495" "a company's task: the company's phone"

# --- the same bytes ------------------------------------------------------------
"$CRM" export ics >"$TEST_ROOT/b.ics"
cmp -s "$TEST_ROOT/a.ics" "$TEST_ROOT/b.ics"
ok $? "-o FILE and standard output hold the same bytes"
sleep 1
"$CRM" export ics -o - >"$TEST_ROOT/c.ics"
cmp -s "$TEST_ROOT/a.ics" "$TEST_ROOT/c.ics"
ok $? "a later export of the same commit gives the same bytes (-o -)"
git clone -q "$TEST_ROOT/s" "$TEST_ROOT/clone" || exit 1
(cd "$TEST_ROOT/clone" && "$CRM" export ics >"$TEST_ROOT/clone.ics" 2>/dev/null)
cmp -s "$TEST_ROOT/a.ics" "$TEST_ROOT/clone.ics"
ok $? "a clone of the same commit gives the same bytes"

# --- SEQUENCE grows with a change ---------------------------------------------
s0=$(field "$t1" 6)
sleep 1
"$CRM" set "$t1" due=2026-12-15 >/dev/null
"$CRM" export ics -o "$TEST_ROOT/a.ics"
ics "$TEST_ROOT/a.ics" >"$TEST_ROOT/got"
s1=$(field "$t1" 6)
[ "$s1" -gt "$s0" ]
ok $? "SEQUENCE grows after crm set due= ($s0 -> $s1)"
is "$(field "$t1" 3)" "2026-12-15" "DUE follows"
sleep 1
"$CRM" set "$t1" name="Позвонить Ивану Петрову" >/dev/null
"$CRM" export ics -o "$TEST_ROOT/a.ics"
ics "$TEST_ROOT/a.ics" >"$TEST_ROOT/got"
s2=$(field "$t1" 6)
[ "$s2" -gt "$s1" ]
ok $? "SEQUENCE grows after a title change ($s1 -> $s2)"
is "$(field "$t1" 2)" "Позвонить Ивану Петрову" "SUMMARY follows"
is "$(field "$t4" 6)" 0 "an unchanged task keeps SEQUENCE 0"
grep -A3 "^UID:$t1@crm" "$TEST_ROOT/a.ics" | grep -q '^DTSTAMP:'
ok $? "DTSTAMP is there"

# --- -o replaces atomically -----------------------------------------------------
mkdir "$TEST_ROOT/pub"
printf 'old\n' >"$TEST_ROOT/pub/t.ics"
chmod 640 "$TEST_ROOT/pub/t.ics"
run export ics -o "$TEST_ROOT/pub/t.ics"
is "$rc" 0 "-o over an old file exits 0"
like "$(head -1 "$TEST_ROOT/pub/t.ics")" "^BEGIN:VCALENDAR" "the old content is replaced"
is "$(stat -c %a "$TEST_ROOT/pub/t.ics")" 640 "the old file's mode is kept"
is "$(ls -A "$TEST_ROOT/pub")" "t.ics" "no temporary file is left"
(umask 022 && "$CRM" export ics -o "$TEST_ROOT/pub/new.ics")
is "$(stat -c %a "$TEST_ROOT/pub/new.ics")" 644 "a new file is 0644 (umask 022)"
(umask 027 && "$CRM" export ics -o "$TEST_ROOT/pub/new2.ics")
is "$(stat -c %a "$TEST_ROOT/pub/new2.ics")" 640 "a new file is 0644 less the umask (027)"
rm -f "$TEST_ROOT/pub/new2.ics"
ln -s new.ics "$TEST_ROOT/pub/link.ics"
run export ics owner:bob -o "$TEST_ROOT/pub/link.ics"
[ -L "$TEST_ROOT/pub/link.ics" ] && grep -q "^UID:$t4@crm" "$TEST_ROOT/pub/new.ics"
ok $? "a symbolic link stays; the file it names is replaced"
run export ics -o "$TEST_ROOT/pub"
is "$rc" 1 "-o a directory exits 1"
like "$err" "^crm: error: cannot write '.*pub': it is a directory" "-o a directory: says so"
run export ics -o "$TEST_ROOT/no/such/dir/t.ics"
is "$rc" 1 "-o in a missing directory exits 1"
like "$err" "^crm: error: cannot create a file in '.*/no/such/dir'" "-o in a missing directory: names it"
run export ics -o ""
is "$rc" 2 "-o '' is a usage error"
run export ics -o /dev/null
is "$rc" 0 "-o /dev/null (no regular file) is written as it is"
if [ -w /dev/full ]; then
	run export ics -o /dev/full
	is "$rc" 1 "-o /dev/full exits 1"
	is "$err" "crm: error: cannot write '/dev/full': No space left on device" \
		"-o /dev/full: says so in one line"
	"$CRM" export ics >/dev/full 2>"$TEST_ROOT/full.err"
	is "$?" 1 "standard output on /dev/full exits 1"
	like "$(cat "$TEST_ROOT/full.err")" "cannot write output: No space left on device" \
		"standard output on /dev/full: says so"
fi
cp "$TEST_ROOT/pub/t.ics" "$TEST_ROOT/t.before"
run export ics 'due<<' -o "$TEST_ROOT/pub/t.ics"
is "$rc" 2 "a query that does not parse exits 2"
cmp -s "$TEST_ROOT/t.before" "$TEST_ROOT/pub/t.ics" && [ "$(ls -A "$TEST_ROOT/pub" | wc -l)" -eq 3 ]
ok $? "a query that does not parse leaves the file and no temporary file"

# a read-only file system, and a full one (root only: root writes in any
# directory whatever its mode)
kind=""
mkdir -p "$MNT"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=256k tmpfs "$MNT" 2>/dev/null; then
	mounted=1
	kind=tmpfs
fi
if [ -n "$kind" ]; then
	printf 'old\n' >"$MNT/t.ics"
	mount -o remount,ro "$MNT"
	run export ics -o "$MNT/t.ics"
	is "$rc" 1 "a read-only file system: exit 1"
	like "$err" "^crm: error: cannot create a file in '$MNT': Read-only file system" \
		"a read-only file system: says so"
	is "$(cat "$MNT/t.ics")" "old" "a read-only file system: the old file is intact"
	mount -o remount,rw "$MNT"
	# many tasks, then fill the disk to a few KiB: the export does not fit
	i=0
	while [ $i -lt 120 ]; do
		"$CRM" add task "Длинная задача номер $i: $(printf 'x%.0s' $(seq 1 60))" \
			--for "$co" --due 2026-12-20 >/dev/null || break
		i=$((i + 1))
	done
	"$CRM" export ics >"$TEST_ROOT/big.ics"
	big=$(stat -c %s "$TEST_ROOT/big.ics")
	avail=$(df -k --output=avail "$MNT" | tail -1 | tr -d ' ')
	dd if=/dev/zero of="$MNT/fill" bs=1k count=$((avail - 8)) 2>/dev/null
	sync
	run export ics -o "$MNT/t.ics"
	is "$rc" 1 "a full disk: exit 1 (the export is $big bytes)"
	like "$err" "^crm: error: cannot write '$MNT/t.ics': No space left on device" \
		"a full disk: one line saying so"
	is "$(printf '%s\n' "$err" | grep -c .)" 1 "a full disk: one line of error"
	is "$(cat "$MNT/t.ics")" "old" "a full disk: the old file is intact"
	is "$(ls -A "$MNT" | tr '\n' ' ')" "fill t.ics " "a full disk: no temporary file is left"
	rm -f "$MNT/fill"
	run export ics -o "$MNT/t.ics"
	is "$rc" 0 "once space is freed the export is written"
	cmp -s "$MNT/t.ics" "$TEST_ROOT/big.ics"
	ok $? "once space is freed: the whole export"
else
	mkdir "$TEST_ROOT/ro"
	printf 'old\n' >"$TEST_ROOT/ro/t.ics"
	chmod 555 "$TEST_ROOT/ro"
	run export ics -o "$TEST_ROOT/ro/t.ics"
	is "$rc" 1 "a read-only directory: exit 1"
	is "$(cat "$TEST_ROOT/ro/t.ics")" "old" "a read-only directory: the old file is intact"
	echo "ok $((_tap_n + 1)) # SKIP cannot mount a small file system here (needs root)"
	_tap_n=$((_tap_n + 1))
fi

# --- the query -------------------------------------------------------------------
"$CRM" export ics owner:bob >"$TEST_ROOT/q.ics"
is "$(ics "$TEST_ROOT/q.ics" | cut -f1)" "$t4@crm" "owner:bob selects bob's task"
"$CRM" export ics -owner:bob >"$TEST_ROOT/q.ics"
ics "$TEST_ROOT/q.ics" >"$TEST_ROOT/got"
grep -q "^$t4@crm" "$TEST_ROOT/got"
is "$?" 1 "-owner:bob (a query's word, not -o) leaves bob's task out"
grep -q "^$t1@crm" "$TEST_ROOT/got"
ok $? "-owner:bob keeps the others"
"$CRM" export ics 'due<2026-12-13' priority:low >"$TEST_ROOT/q.ics"
is "$(ics "$TEST_ROOT/q.ics" | cut -f1)" "$t2@crm" "due< and priority: select"
run export ics nosuchfield:x
is "$rc" 2 "an unknown field in the query exits 2"
run export ics "$(printf 'name:\xff\xfe')"
is "$rc" 2 "invalid UTF-8 in the query exits 2"
is "$out" "" "invalid UTF-8 in the query: nothing written"

# --- events ----------------------------------------------------------------------
run export ics --events owner:ann
is "$rc" 0 "--events exits 0"
like "$err" "^crm: warning: [0-9]+ tasks without a due date are not in the calendar" \
	"--events says how many undated tasks are left out"
printf '%s\n' "$out" >"$TEST_ROOT/e.ics"
ics "$TEST_ROOT/e.ics" VEVENT >"$TEST_ROOT/got"
is "$(ics "$TEST_ROOT/e.ics" lint | grep VTODO)" "VTODO 0" "--events: no VTODO"
is "$(field "$t1" 3) $(field "$t1" 4)" "2026-12-15 2026-12-16" \
	"--events: a whole day is DTSTART;VALUE=DATE, DTEND the next day"
is "$(field "$t2" 3) | $(field "$t2" 4)" \
	"2026-12-11T15:30:00+03:00 Europe/Moscow | 2026-12-11T16:00:00+03:00 Europe/Moscow" \
	"--events: a time lasts 30 minutes"
is "$(field "$t3" 1)" "" "--events: the undated task is left out"
"$CRM" export ics --events --duration 90 priority:low >"$TEST_ROOT/e.ics" 2>/dev/null
ics "$TEST_ROOT/e.ics" VEVENT >"$TEST_ROOT/got"
is "$(field "$t2" 4)" "2026-12-11T17:00:00+03:00 Europe/Moscow" "--duration 90"
"$CRM" export ics --events --tz UTC owner:bob >"$TEST_ROOT/e.ics"
grep -q VTIMEZONE "$TEST_ROOT/e.ics"
is "$?" 1 "--tz UTC: no VTIMEZONE"
"$CRM" export ics --tz UTC priority:low >"$TEST_ROOT/u.ics"
ics "$TEST_ROOT/u.ics" >"$TEST_ROOT/got"
is "$(field "$t2" 3)" "2026-12-11T12:30:00+00:00" "--tz UTC: the time in UTC"
grep -q '^DUE:20261211T123000Z' "$TEST_ROOT/u.ics"
ok $? "--tz UTC: DUE ends in Z"
"$CRM" export ics --tz America/New_York priority:low >"$TEST_ROOT/u.ics"
ics "$TEST_ROOT/u.ics" >"$TEST_ROOT/got"
is "$(field "$t2" 3)" "2026-12-11T07:30:00-05:00 America/New_York" "--tz America/New_York"

# --- bad arguments -----------------------------------------------------------------
run export ics --nope
is "$rc" 2 "an unknown option exits 2"
run export ics --duration 30
is "$rc" 2 "--duration without --events exits 2"
like "$err" "--duration is for --events" "--duration without --events: says so"
run export ics --events --duration 0
is "$rc" 2 "--duration 0 exits 2"
run export ics --events --duration abc
is "$rc" 2 "--duration abc exits 2"
run export ics --tz Mars/Olympus
is "$rc" 2 "an unknown zone exits 2"
like "$err" "unknown time zone 'Mars/Olympus'" "an unknown zone is named"
run export ics --tz ../../../etc/passwd
is "$rc" 2 "a path as a zone exits 2"
run export icss
is "$rc" 2 "an unknown subcommand exits 2"
like "$err" "unknown subcommand 'icss' of 'crm export' \(did you mean 'crm export ics'\?\)" \
	"an unknown subcommand: the nearest one"
run export
is "$rc" 2 "crm export alone exits 2"
like "$err" "which subcommand of 'crm export'" "crm export alone: asks which"
run export ics --help
is "$rc" 0 "export ics --help exits 0"
like "$out" "usage: crm export ics" "export ics --help: the usage"
run help export ics
is "$rc" 0 "crm help export ics exits 0"
out=$(LC_ALL=ru_RU.UTF-8 "$CRM" export ics --duration 5 2>&1)
if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$'; then
	like "$out" "задаётся только вместе с --events" "ru: the error in Russian"
else
	ok 0 "# SKIP ru_RU.UTF-8 is not installed"
fi

# --- broken files, invalid UTF-8 -------------------------------------------------------
mkdir -p tasks/zz tasks/zy
printf 'id: zzzzzzzzzz\nname: [broken\n' >tasks/zz/zzzzzzzzzz.yaml
printf 'id: zyzyzyzyzy\nname: "bad \xff\xfe title"\nfor: %s\ndue: 2026-12-10\n' "$co" \
	>tasks/zy/zyzyzyzyzy.yaml
git add -A && git commit -qm "broken by hand" || exit 1
run export ics -o "$TEST_ROOT/br.ics"
is "$rc" 0 "broken task files: the export still exits 0"
like "$err" "tasks/zz/zzzzzzzzzz.yaml" "a broken YAML file is named in a warning"
like "$err" "tasks/zy/zyzyzyzyzy.yaml" "a file with invalid UTF-8 is named in a warning"
ics "$TEST_ROOT/br.ics" >"$TEST_ROOT/got"
grep -q "^$t1@crm" "$TEST_ROOT/got" && ! grep -q "zzzzzzzzzz\|zyzyzyzyzy" "$TEST_ROOT/got"
ok $? "the broken files are left out, the other tasks are there"
is "$(ics "$TEST_ROOT/br.ics" lint | grep -v '^V')" "" "the file is still valid"

store_clean "export ics"
done_testing
