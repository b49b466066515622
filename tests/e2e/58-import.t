#!/bin/bash
# 58-import.t - crm import: rows of CSV files and workbooks made records
# in one commit; phones stored in E.164; companies made once; rows
# matched and merged into the records they are (by phone, e-mail, tax
# id, name), so that a second run changes nothing; bad rows rejected
# alone with their line and column, and written with --errors; the map
# guessed, changed, saved and read again; --dry-run, --update,
# --skip-existing; undo; a locked store, a killed import, bad arguments,
# hostile and broken files: nothing written.

. "$(dirname "$0")/lib.sh"

DATA=$(cd "$(dirname "$0")/../data" && pwd)
SAMPLE=$(cd "$(dirname "$0")/../.." && pwd)/../shared/data/customers-100.csv

# field FILE KEY: the scalar value of KEY in a record file.
field() {
	sed -n "s/^$2: //p" "$1" | sed "s/^'\(.*\)'$/\1/; s/^\"\(.*\)\"$/\1/"
}
# ids_named NAME: the ids of the contacts named NAME (exactly).
ids_named() {
	"$CRM" --format json list contact 2>/dev/null |
		python3 -c 'import json,sys
for r in json.load(sys.stdin)["records"]:
    if r["name"] == sys.argv[1]: print(r["id"])' "$1"
}
# file_named TYPE NAME: the file of the one record of TYPE named NAME.
file_named() {
	local id
	id=$("$CRM" --format json list "$1" 2>/dev/null |
		python3 -c 'import json,sys
for r in json.load(sys.stdin)["records"]:
    if r["name"] == sys.argv[1]: print(r["id"]); break' "$2")
	[ -n "$id" ] && file_of "$1" "$id"
}

new_store imp
# the files imported lie in the store, but out of git's sight
printf '*.csv\n*.map\n*.xlsx\n' >>.git/info/exclude
cat >clients.csv <<'CSV'
ФИО;Компания;Должность;Телефон;E-mail;Ответственный;Комментарий;День рождения
Иван Петров;ООО «Ромашка»;Директор;8 (495) 123-45-67;ivan@romashka.ru;ann;"Любит звонки; утром
и вечером";15.03.1980
Анна Смирнова;ООО «Ромашка»;Бухгалтер;+7 903 555-12-34;anna@romashka.ru;;;
Олег Сидоров;ИП Сидоров;;8-916-000-11-22;oleg@mail.ru;ann;;
CSV
iconv -f UTF-8 -t CP1251 clients.csv >clients-1251.csv
before=$(commits)
run import clients-1251.csv
is "$rc" 0 "a Windows-1251 CSV file with semicolons imports"
like "$err" "WINDOWS-1251|windows-1251|CP1251|cp1251" "the map names the detected character set"
like "$err" "ФИО +-> name" "the map shows ФИО going to name"
like "$err" "Телефон +-> phones" "the map shows Телефон going to phones"
like "$out" "3 rows read: 3 created" "the summary counts the rows"
like "$out" "2 companies created" "two companies are made for three rows"
is "$(commits)" "$((before + 1))" "the whole import is one commit"
is "$(git log -1 --format=%s)" "import 'clients-1251.csv': 5 created, 0 updated, 0 merged" \
	"the commit's subject counts what it made"
f=$(file_named contact "Иван Петров")
is "$(field "$f" role)" "Директор" "the role is read from the Windows-1251 text"
like "$(cat "$f")" "\+74951234567" "the phone is stored in E.164"
like "$(cat "$f")" "8 \(495\) 123-45-67" "the phone as typed is kept"
like "$(cat "$f")" "утром" "a quoted field with a line break is read whole"
is "$(field "$f" birthday)" "1980-03-15" "the birthday is stored as a date"
co=$(field "$f" company)
f2=$(file_named contact "Анна Смирнова")
is "$(field "$f2" company)" "$co" "both contacts of ООО «Ромашка» link the one company made"
is "$(field "$(file_of company "$co")" name)" "ООО «Ромашка»" "the company has the name of the file"
store_clean "after an import"

# the same file again: nothing new, no commit
before=$(commits)
run import clients-1251.csv
is "$rc" 0 "importing the same file again succeeds"
like "$out" "3 rows read: 0 created, 0 updated, 0 merged, 3 skipped, 0 rejected" \
	"a second run creates and changes nothing"
is "$(commits)" "$before" "a second run makes no commit"
run import clients.csv
like "$out" "0 created, 0 updated, 0 merged, 3 skipped" "the same rows in UTF-8 match too"

# matching and merging
cat >more.csv <<'CSV'
Name,Phone,Email,Job title,Company
Ivan Petrov,+7 495 123 45 67,,CEO,
"Петров Иван",,IVAN@ROMASHKA.RU,,
New Person,+7 (903) 111-22-33,new@example.com,,Romashka LLC
CSV
before=$(commits)
run import more.csv --verbose
is "$rc" 0 "an English CSV with the same clients imports"
like "$out" "line 2: merged into contact .* \(phone \+74951234567\)|line 2: skipped, already in contact .* \(phone \+74951234567\)" \
	"a row with the same number in another form matches by phone"
like "$out" "kept role 'Директор', not 'CEO'" "a differing value is kept and told"
like "$out" "line 3: .*contact .* \(e-mail ivan@romashka.ru\)" "an e-mail matches case-insensitively"
like "$out" "line 4: created contact" "a new client is created"
is "$(ids_named "Иван Петров" | wc -l)" "1" "no duplicate of Иван Петров is made"
f=$(file_named contact "New Person")
is "$(field "$f" company)" "$co" "'Romashka LLC' links ООО «Ромашка» (legal forms and alphabet aside)"
is "$(field "$(file_named contact "Иван Петров")" role)" "Директор" "merging kept the record's role"

run import more.csv --update
like "$out" "1 updated|1 merged" "--update merges the differing row"
is "$(field "$(file_named contact "Иван Петров")" role)" "CEO" "--update gives the row's value"
"$CRM" undo >/dev/null 2>&1
is "$(field "$(file_named contact "Иван Петров")" role)" "Директор" "crm undo takes the import back whole"
run import more.csv --skip-existing
like "$out" "0 created, 0 updated, 0 merged, 3 skipped" "--skip-existing leaves matched records alone"
run import more.csv --update --skip-existing
is "$rc" 2 "--update and --skip-existing exclude each other"

# bad rows: rejected alone, with line and column, written with --errors
cat >bad.csv <<'CSV'
Name,Email,Birthday,Owner,Phone
Good One,good@example.com,1990-01-02,ann,+7 495 765-43-21
Bad Mail,not-an-email,,,
Bad Date,bd@example.com,32.13.1990,,
Bad Owner,bo@example.com,,nobody,
Bad Phone,bp@example.com,,,call me maybe
Good Two,two@example.com,,,
CSV
before=$(commits)
run import bad.csv --errors rejected.csv
is "$rc" 0 "a file with bad rows imports the good ones"
like "$out" "6 rows read: 2 created, 0 updated, 0 merged, 0 skipped, 4 rejected" "the summary counts the rejected rows"
like "$err" "'bad.csv': line 3: column 2 \(Email\):.*not-an-email" "an invalid e-mail is told with its line and column"
like "$err" "line 4: column 3 \(Birthday\):" "an unparsable date is told with its column"
like "$err" "line 5: column 4 \(Owner\):.*nobody" "an unknown owner is told"
like "$err" "line 6: column 5 \(Phone\):" "a text that is no phone number is told"
like "$out" "1 rejected \(not numbers\)" "the phone that is no number is counted"
is "$(commits)" "$((before + 1))" "the good rows are one commit"
[ -z "$(ids_named "Bad Mail")" ]
ok $? "nothing is written for a rejected row"
is "$(sed -n 1p rejected.csv | tr -d '\r')" "Name,Email,Birthday,Owner,Phone,crm_error" "--errors writes the header and a reason column"
is "$(grep -c . rejected.csv)" "5" "--errors writes each rejected row"
sed -i 's/not-an-email/fixed@example.com/; s/32.13.1990/13.12.1990/; s/nobody/ann/; s/call me maybe/+7 495 765-00-00/' rejected.csv
run import rejected.csv
like "$out" "4 rows read: 4 created" "the fixed rejected rows import"

# a broken quote rejects its row, not the file
printf 'Name,Email\nQuote "Broken,qb@example.com\nAfter Quote,aq@example.com\n' >quote.csv
run import quote.csv
like "$err" "line 2: character [0-9]+: a stray quote" "a stray quote is told with its line and character"
[ -n "$(ids_named "After Quote")" ]
ok $? "the row after a broken quote is imported"
printf 'Name,Email\nUnterminated,"u@example.com\nLast,last@example.com\n' >unterm.csv
run import unterm.csv
like "$err" "line 2:" "an unterminated quote is told at the line it opens"
[ -n "$(ids_named "Last")" ]
ok $? "the rows after an unterminated quote are imported"

# the map: --map, --save-map, --map-file
printf 'Клиент,Моб.,Город\nМария Иванова,+7 903 555 12 35,Москва\n' >may.csv
run import may.csv --type contact --map Клиент=name --map 3=city --save-map may.map --dry-run
is "$rc" 0 "--map renames a column by header and by number"
like "$err" "Клиент +-> name" "the map shows the given field"
like "$(cat may.map)" "^# crm import" "--save-map writes a map file"
like "$(cat may.map)" "Клиент=name" "the map file holds the column"
[ -z "$(ids_named "Мария Иванова")" ]
ok $? "--dry-run writes nothing"
run import may.csv --map-file may.map
like "$out" "1 created" "--map-file reads the map again"
f=$(file_named contact "Мария Иванова")
is "$(field "$f" city)" "Москва" "a custom field takes its column"
run import may.csv --map Nope=name
is "$rc" 2 "--map naming no column is bad usage"
like "$err" "no column 'Nope'" "the message names the column"
run import may.csv --map Клиент=stage
is "$rc" 2 "--map naming a field the type lacks is bad usage"
run import may.csv --map "$(printf 'Клиент=\377')"
is "$rc" 2 "--map with invalid UTF-8 is bad usage"
run import may.csv --map-file /nonexistent.map
is "$rc" 2 "a missing map file is bad usage"

# standard input, deals
printf 'Название сделки,Компания,Сумма,Этап\nПоставка 2027,ООО «Ромашка»,"350 000,50",Proposal\nПлохая,ООО «Ромашка»,100,Несуществующий\n' >deals.csv
run import - <deals.csv
is "$rc" 0 "deals import from standard input"
like "$out" "deal|2 rows read: 1 created" "the type is guessed from the headers"
f=$(file_named deal "Поставка 2027")
is "$(field "$f" stage)" "proposal" "a stage is read by its name"
is "$(field "$f" company)" "$co" "a deal links its company by name"
like "$(field "$f" amount)" "^350000.5" "an amount with a decimal comma and spaces"
like "$err" "line 3: column 4" "an unknown stage rejects its row"
run import deals.csv
like "$out" "0 created" "the same deals again match by name and company"

# failures that write nothing
before=$(commits)
run import
is "$rc" 2 "no file is bad usage"
run import a.csv b.csv
is "$rc" 2 "two files is bad usage"
run import /nonexistent.csv
is "$rc" 1 "a missing file fails"
like "$err" "cannot read '/nonexistent.csv'" "the message names the file"
run import clients.csv --type task
is "$rc" 2 "tasks cannot be imported"
run import clients.csv --type thing
is "$rc" 2 "an unknown type is bad usage"
printf 'PK\003\004garbage' >broken.xlsx
run import broken.xlsx
is "$rc" 1 "a truncated workbook fails"
like "$err" "broken.xlsx" "the message names the workbook"
is "$(commits)" "$before" "no failure made a commit"
store_clean "after the failures"

# a locked store waits, then fails with nothing written
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
CRM_LOCK_TIMEOUT=1 run import more.csv
is "$rc" 5 "a locked store fails with exit code 5"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
is "$(commits)" "$before" "nothing is written while locked"

# workbooks: numbers read exactly, merged headers, sheets by name
new_store xl
run import "$DATA/import/types.xlsx" --type contact --map Сумма=-
is "$rc" 0 "a workbook imports"
f=$(file_named contact "Иванов Иван")
like "$(cat "$f")" "'\+74951234567'" "a phone stored as a number in the workbook keeps every digit"
is "$(field "$f" tax_id)" "770123456789" "a 12-digit ИНН stored as a number is exact"
run import "$DATA/import/merged.xlsx" --verbose
is "$rc" 0 "a workbook with merged header cells imports"
like "$err" "Фамилия +-> last_name" "the second header row names the columns under a merged cell"
like "$out" "merged into contact .* \(phone \+74951234567\)" "its row matches the contact of the first workbook"
run import "$DATA/import/two-sheets.xlsx" --sheet Контакты --type contact --map 1=name --dry-run
is "$rc" 0 "--sheet picks a sheet by its name"
run import "$DATA/import/two-sheets.xlsx" --sheet Сделки
is "$rc" 1 "a sheet the workbook lacks fails"
like "$err" "Компании" "the message lists the sheets there are"
store_clean "after the workbooks"

# every file of the corpus: a correct import or one clear error, never a
# crash, never part of an import
new_store corpus
for f in "$DATA"/import/*.csv "$DATA"/import/*.tsv "$DATA"/import/*.xlsx; do
	b=$(basename "$f")
	before=$(commits)
	"$CRM" import --type contact "$f" >"$TEST_ROOT/out" 2>"$TEST_ROOT/err"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		like "$(cat "$TEST_ROOT/out")" "rows read" "$b: imported, its rows counted"
	else
		n=$(grep -c '^crm: error: ' "$TEST_ROOT/err")
		is "$rc:$n:$(commits)" "$([ "$rc" -le 2 ] && echo "$rc"):1:$before" \
			"$b: exit $rc with one error line and nothing written"
	fi
done
store_clean "after the corpus"

# the public sample: every row accounted for
if [ -f "$SAMPLE" ]; then
	new_store sample
	sed -i 's/^defaults:/defaults:\n  region: US/' crm.yaml
	git commit -qam "US numbers"
	run --format json import "$SAMPLE" --type contact
	is "$rc" 0 "customers-100.csv imports"
	n=$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["rows"], d["created"]+d["updated"]+d["merged"]+d["skipped"]+d["rejected"])')
	is "$n" "100 100" "every one of its 100 rows is accounted for"
	is "$("$CRM" --format ids list contact | wc -l)" \
		"$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["created"])')" \
		"each row created is a contact of the store"
fi

# export then import into an empty store gives the same records, and
# importing the export into its own store changes nothing
new_store from
"$CRM" add company "ООО «Ромашка»" --phone "8 (495) 123-45-67" --tag vip >/dev/null
"$CRM" add contact "Иван Петров" --company "ООО «Ромашка»" --role "Директор" \
	--email ivan@romashka.ru --phone "+7 903 555-12-34" --phone "8 916 000 11 22" \
	--tag a --tag b --set city=Москва --birthday 1980-03-15 >/dev/null
"$CRM" add contact "Əli Həsənov" --phone "+994 50 123 45 67" \
	--set 'notes=line one
line two, "quoted"; =cmd' >/dev/null
"$CRM" export csv company -o "$TEST_ROOT/co.csv" 2>/dev/null
"$CRM" export csv contact -o "$TEST_ROOT/cn.csv" 2>/dev/null
before=$(commits)
run import "$TEST_ROOT/cn.csv"
like "$out" "2 rows read: 0 created, 0 updated, 0 merged, 2 skipped" \
	"its own export imported into a store changes nothing"
is "$(commits)" "$before" "and makes no commit"
new_store to
run import "$TEST_ROOT/co.csv"
like "$err" "importing companies" "crm's export of companies is read as companies"
run import "$TEST_ROOT/cn.csv"
like "$err" "importing contacts" "and of contacts as contacts"
diff -r "$TEST_ROOT/from/companies" "$TEST_ROOT/to/companies" >/dev/null &&
	diff -r "$TEST_ROOT/from/contacts" "$TEST_ROOT/to/contacts" >/dev/null
ok $? "export then import into an empty store gives the same record files, byte for byte"

# a kill at any moment leaves the store as it was or with the whole import
new_store kill
python3 - <<'PY'
import random
random.seed(7)
with open("big.csv", "w") as f:
    f.write("Name,Phone,Email,Company\n")
    for i in range(3000):
        f.write("Person %d,+7 495 %03d-%02d-%02d,p%d@example.com,Company %d\n" % (i, i % 1000, i % 100, i % 97, i, i % 50))
PY
killed_ok=0
for delay in 0.05 0.2 0.5 1 2; do
	before=$(commits)
	"$CRM" import big.csv >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	after=$(commits)
	# the next writer repairs what a killed one left (its journal)
	"$CRM" add company "Probe $delay" >/dev/null 2>&1
	n=$("$CRM" --format ids list contact 2>/dev/null | wc -l)
	st=$(git status --porcelain | grep -v '^?? big.csv$')
	if { [ "$after" = "$before" ] && [ "$n" -eq 0 ]; } ||
	   { [ "$after" = "$((before + 1))" ] && [ "$n" -eq 3000 ]; }; then
		[ -z "$st" ] && killed_ok=$((killed_ok + 1))
	fi
	"$CRM" undo >/dev/null 2>&1
	[ "$after" != "$before" ] && "$CRM" undo >/dev/null 2>&1
done
is "$killed_ok" 5 "a killed import leaves no part of itself, once the next writer repaired it"
st=$(git status --porcelain | grep -v '^?? big.csv$')
is "$st" "" "after the kills git status is clean"

# a full disk: the import fails whole, with one line, and nothing of it
# stays once the next writer has repaired the store
MNT="$TEST_ROOT/mnt"
mkdir -p "$MNT"
trap 'cd /; umount "$MNT" 2>/dev/null; chmod -R u+w "$TEST_ROOT" 2>/dev/null; rm -rf "$TEST_ROOT"' EXIT
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=6m tmpfs "$MNT" 2>/dev/null; then
	"$CRM" init --user ann --name "Ann Smith" --email ann@example.com \
		"$MNT/s" >/dev/null
	cd "$MNT/s" || exit 1
	before=$(commits)
	dd if=/dev/zero of="$MNT/fill" bs=64k 2>/dev/null
	rm -f "$MNT/fill"
	dd if=/dev/zero of="$MNT/fill" bs=1k count=$(( $(df -k --output=avail "$MNT" | tail -1) - 300 )) 2>/dev/null
	run import "$TEST_ROOT/kill/big.csv"
	is "$rc" 1 "an import onto a full disk fails"
	like "$err" "^crm: error: .*(No space left|space)" "the message says the disk is full"
	is "$(commits)" "$before" "a full disk makes no commit"
	rm -f "$MNT/fill"
	"$CRM" add company "After the disk" >/dev/null 2>&1
	is "$("$CRM" --format ids list contact | wc -l)" 0 "no contact of the failed import is in the store"
	st=$(git status --porcelain)
	is "$st" "" "after a full disk the store is clean"
	cd "$TEST_ROOT" || exit 1
	umount "$MNT"
else
	ok 0 "# SKIP no tmpfs to fill here (needs root)"
fi

done_testing
