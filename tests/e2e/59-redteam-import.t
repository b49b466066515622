#!/bin/bash
# 59-redteam-import.t - crm import, export, dupes and merge against what a
# hostile file or user does: crm's own CSV export read back (into the
# same store: nothing changes; into a fresh one: the same records), rows
# of strangers that share a switchboard phone, and the like.

. "$(dirname "$0")/lib.sh"

F=$TEST_ROOT/files
mkdir -p "$F"

# --- crm export csv read back ---
new_store rt
c=$("$CRM" add contact "Иван Петров" --phone "+7 495 123-45-67" \
	--email ivan@romashka.ru --tag vip --tag cold --role Директор --relation client)
"$CRM" set "$c" favorite_color=blue >/dev/null
run export csv contact -o "$F/contacts.csv"
is "$rc" 0 "crm export csv writes the contacts"
head -1 "$F/contacts.csv" | grep -q phones_typed
ok $((! $?)) "the export has no column for phones_typed, a mapping no cell holds"
grep -q '{\.\.\.}' "$F/contacts.csv"
ok $((! $?)) "no cell reads {...}"
before=$(commits)
run import "$F/contacts.csv"
is "$rc" 0 "the store's own export imports"
like "$out" "1 rows read: 0 created, 0 updated, 0 merged, 1 skipped, 0 rejected" \
	"into the same store, its row is skipped, not rejected"
is "$(commits)" "$before" "and no commit is made"
store_clean "re-import of the export"

new_store fresh
run import "$F/contacts.csv"
is "$rc" 0 "the export imports into a fresh store"
like "$out" "1 rows read: 1 created, 0 updated, 0 merged, 0 skipped, 0 rejected" \
	"its row is made, its created and updated stamps kept"
"$CRM" export csv contact -o "$F/again.csv" 2>/dev/null
diff "$F/contacts.csv" "$F/again.csv" >/dev/null
ok $? "the fresh store exports the same table: name, phones, e-mails, tags, stamps, custom fields"
store_clean "import into a fresh store"

# crm's own workbook reads back the same way
cd "$TEST_ROOT/rt" || exit 1
run export xlsx contact -o "$F/contacts.xlsx"
is "$rc" 0 "crm export xlsx writes the contacts"
before=$(commits)
run import "$F/contacts.xlsx"
is "$rc" 0 "the store's own workbook imports (libxlsxwriter's zip is read)"
like "$out" "1 rows read: 0 created, 0 updated, 0 merged, 1 skipped, 0 rejected" \
	"into the same store, its row is skipped"
is "$(commits)" "$before" "and no commit is made"
new_store freshxl
run import "$F/contacts.xlsx"
is "$rc" 0 "the workbook imports into a fresh store"
"$CRM" export csv contact -o "$F/again-xl.csv" 2>/dev/null
diff "$F/contacts.csv" "$F/again-xl.csv" >/dev/null
ok $? "the fresh store exports the same table as the one the workbook came from"

# crm's export of companies imports as companies, not contacts
cd "$TEST_ROOT/rt" || exit 1
"$CRM" add company "ООО Ромашка" --tax_id 7701234567 --phone "+7 495 765-43-21" >/dev/null
run export csv company -o "$F/companies.csv"
before=$(commits)
run import "$F/companies.csv"
is "$rc" 0 "the store's export of companies imports without --type"
like "$err" "importing companies" "as companies"
like "$out" "1 rows read: 0 created, 0 updated, 0 merged, 1 skipped" "its row is skipped"
is "$(commits)" "$before" "and no commit is made"
new_store freshco
run import "$F/companies.csv"
like "$err" "importing companies" "into a fresh store too, as companies"
"$CRM" export csv company -o "$F/again-co.csv" 2>/dev/null
diff "$F/companies.csv" "$F/again-co.csv" >/dev/null
ok $? "the fresh store exports the same companies"
printf 'Name,Company,Website\nIvan,Acme,ivan.example.com\n' >"$F/people2.csv"
run import --dry-run "$F/people2.csv"
like "$err" "importing contacts" "a list of people with their company and website is still contacts"

# a stamp that is no stamp is rejected with its row
printf 'name,created\nX,garbage\nY,2026-01-01T00:00:00+00:00\n' >"$F/stamps.csv"
run import "$F/stamps.csv"
like "$out" "2 rows read: 1 created, 0 updated, 0 merged, 0 skipped, 1 rejected" \
	"a created column that is not a time rejects its row"
like "$err" "line 2: .*created.*garbage" "the error names the line and the value"

# --- strangers sharing a switchboard phone ---
new_store sw
cat >"$F/sw.csv" <<'CSV'
Name,Company,Phone,Email
Ivan Petrov,Acme,+7 495 000 00 01,ivan@acme.ru
Maria Sidorova,Acme,+7 495 000 00 01,maria@acme.ru
Oleg Orlov,Acme,+7 495 000 00 01,
CSV
run import "$F/sw.csv"
like "$out" "3 rows read: 3 created, 0 updated, 0 merged" \
	"three people under one office phone are three contacts"
n=$("$CRM" --format json list contact | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["records"]))')
is "$n" 3 "the store holds three contacts"
before=$(commits)
run import "$F/sw.csv"
like "$out" "3 rows read: 0 created, 0 updated, 0 merged, 3 skipped" \
	"imported again, each row finds its own contact"
is "$(commits)" "$before" "and no commit is made"
printf 'Name,Phone\nI. Petrov,+7 495 000 00 01\n' >"$F/same.csv"
run import "$F/same.csv"
like "$out" "1 rows read: 1 created, 0 updated, 0 merged, 0 skipped" \
	"a row under another name, that shares only the phone, is another contact"
printf 'Name,Phone,Email\nPetrov Ivan Ivanovich,+7 495 000 00 01,ivan@acme.ru\n' >"$F/same3.csv"
run import --verbose "$F/same3.csv"
like "$out" "line 2: skipped, already in contact [0-9a-z]+ 'Ivan Petrov' \\(e-mail" \
	"--verbose names the record a row went into by its own name, not the row's"
printf 'Name,Phone,Email\nIvan Petrov,+7 495 000 00 01,ip@gmail.com\n' >"$F/same2.csv"
run import "$F/same2.csv"
like "$out" "1 rows read: 0 created, 1 updated|0 merged, 1 merged|1 merged" \
	"a row of the same name and phone is merged into its contact"
store_clean "switchboard imports"
new_store info
cat >"$F/info.csv" <<'CSV'
Name,Company,Email
Maria Sidorova,Acme,info@acme.ru
Olga Orlova,Acme,info@acme.ru
CSV
run import "$F/info.csv"
like "$out" "2 rows read: 2 created, 0 updated, 0 merged" \
	"two people under the firm's one e-mail address are two contacts"
run import "$F/info.csv"
like "$out" "2 rows read: 0 created, 0 updated, 0 merged, 2 skipped" \
	"imported again, each finds its own"
store_clean "imports under one e-mail"

# --- huge headers ---
new_store huge
python3 -c 'import sys; sys.stdout.write(",".join("c%d" % i for i in range(1500)) + ",name\n" + "x," * 1500 + "Bob\n")' >"$F/cols.csv"
before=$(commits)
run import "$F/cols.csv"
is "$rc" 2 "a header row of 1501 columns is refused"
like "$err" "cols.csv': line 1: more than 1000 columns" "the error says why, on line 1"
is "$(commits)" "$before" "and nothing is written"
python3 -c 'import sys; sys.stdout.write("N" * 100000 + ",Name\nx,Bob\n")' >"$F/long.csv"
run import --dry-run "$F/long.csv"
is "$rc" 0 "a header of 100000 characters imports"
n=$(printf '%s\n' "$err" | awk '{ if (length($0) > m) m = length($0) } END { print m }')
[ "$n" -lt 200 ]
ok $? "the map shows it cut short, not 100000 characters wide (longest line: $n)"
store_clean "huge headers"

# --- --errors and --save-map at the input itself, or a store locked ---
new_store errs
cat >"$F/in.csv" <<'CSV'
Name,Phone,Birthday
Anna,+7 495 000 00 02,01.01.1990
Boris,+7 495 000 00 03,garbage
CSV
cp "$F/in.csv" "$F/in.orig"
before=$(commits)
run import --errors "$F/in.csv" "$F/in.csv"
is "$rc" 2 "--errors naming the file imported is refused"
like "$err" "in.csv" "the error names the file"
cmp -s "$F/in.csv" "$F/in.orig"
ok $? "the file imported is left whole"
ln -s "$F/in.csv" "$F/link.csv"
run import --errors "$F/link.csv" "$F/in.csv"
is "$rc" 2 "so is a symbolic link to it"
run import --save-map "$F/link.csv" "$F/in.csv"
is "$rc" 2 "and --save-map at it"
cmp -s "$F/in.csv" "$F/in.orig"
ok $? "the file imported is still whole"
is "$(commits)" "$before" "nothing was imported"
rm -f "$TEST_ROOT/held"
python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "a+")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(4)
' .git/crm/lock "$TEST_ROOT/held" &
holder=$!
for _ in $(seq 100); do [ -e "$TEST_ROOT/held" ] && break; sleep 0.05; done
CRM_LOCK_TIMEOUT=1 run import --errors "$F/rejected.csv" "$F/in.csv"
is "$rc" 5 "a locked store fails"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
[ ! -e "$F/rejected.csv" ]
ok $? "and writes no --errors file for an import that did not happen"
is "$(commits)" "$before" "nothing is written while locked"
run import --errors "$F/rejected.csv" "$F/in.csv"
is "$rc" 0 "unlocked, it imports"
like "$(cat "$F/rejected.csv")" "^Name,Phone,Birthday,crm_error" "and writes the rejected rows"
store_clean "--errors"

# --- a full disk under --save-map and --errors ---
MNT=$TEST_ROOT/mnt
mkdir -p "$MNT"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1m tmpfs "$MNT" 2>/dev/null; then
	trap 'cd /; umount "$MNT" 2>/dev/null; chmod -R u+w "$TEST_ROOT" 2>/dev/null; rm -rf "$TEST_ROOT"' EXIT
	python3 -c 'import sys
print("Name,Phone,Birthday")
for i in range(3000): print("Person %d,+7 495 100 %02d %02d,garbage %d" % (i, i // 100, i % 100, i))' >"$F/bad.csv"
	printf 'old\n' >"$MNT/old-errors.csv"
	dd if=/dev/zero of="$MNT/fill" bs=1k count=2048 2>/dev/null
	run import --dry-run --save-map "$MNT/new.map" "$F/in.csv"
	is "$rc" 1 "--save-map on a full disk fails"
	[ ! -e "$MNT/new.map" ]
	ok $? "and leaves no empty map file"
	run import --dry-run --errors "$MNT/old-errors.csv" "$F/bad.csv"
	is "$rc" 1 "--errors on a full disk fails"
	is "$(cat "$MNT/old-errors.csv")" "old" "and leaves the old file whole, not cut short"
	is "$(ls -A "$MNT" | grep -cv '^old-errors.csv$\|^fill$')" 0 "no temporary file is left"
	cd / && umount "$MNT"
else
	ok 0 "# SKIP no tmpfs to fill here (needs root)"
fi

# --- crm dupes and merge given nothing to find, or hostile words ---
new_store dp
"$CRM" add contact "Anna Smirnova" >/dev/null
run dupes
is "$rc" 0 "crm dupes with no pair to show exits 0 (the sanitizer build too)"
like "$out" "no probable duplicates among 1 contact" "and says so"
run dupes $'\033[31m'
is "$rc" 0 "a query selecting nothing: no pair, exit 0"
run merge $'\377\376' "Anna Smirnova"
is "$rc" 2 "an argument of invalid UTF-8 is a usage error"
like "$err" "invalid UTF-8" "that says why"
store_clean "dupes and merge"

# --- rows of one file that are one record, matched by name alone ---
new_store same
printf 'Name;Phone;Company\nПётр Сидоров;12-34;\nПётр Сидоров;12-34;\n' >"$F/twice.csv"
run import "$F/twice.csv"
like "$out" "2 rows read: 1 created, 0 updated, 0 merged, 1 skipped" \
	"a row the same as an earlier one of the file is skipped, as it would be a second time"
before=$(commits)
run import "$F/twice.csv"
like "$out" "2 rows read: 0 created, 0 updated, 0 merged, 2 skipped" "imported again: skipped"
is "$(commits)" "$before" "and no commit is made"
store_clean "a row twice"

done_testing
