#!/bin/bash
# 45-values.t - dates, amounts and currencies as people write them, read
# by one parser each in crm add, crm set, crm edit, hand edits committed
# with crm commit, and queries; in English and Russian locales; refusals
# with their messages and exit codes, and nothing written on failure.

. "$(dirname "$0")/lib.sh"

ED="$TEST_ROOT/editors"
mkdir -p "$ED"

# editor NAME BODY: an editor script running BODY on the file "$1" the
# first time, and leaving the file as it is (giving up) afterwards.
editor() {
	cat >"$ED/$1" <<EOF
#!/bin/sh
if grep -q '^# error: ' "\$1"; then exit 0; fi
$2
EOF
	chmod +x "$ED/$1"
}

# field FILE KEY: the value of a top-level key of a record file, unquoted.
field() { sed -n "s/^$2: //p" "$1" | tr -d "'"; }

# unchanged HEAD DESCRIPTION: HEAD is still HEAD and git status is clean.
unchanged() {
	is "$(git rev-parse HEAD)" "$1" "$2: HEAD unchanged"
	is "$(git status --porcelain)" "" "$2: git status is clean"
}

day() { date -d "$1" +%F; }
dow=$(date +%u)                        # 1 Monday .. 7 Sunday
ahead=$(( (8 - dow) % 7 )); [ "$ahead" -eq 0 ] && ahead=7
coming_monday=$(day "+$ahead days")
this_monday=$(day "-$((dow - 1)) days")
next_monday=$(day "+$((8 - dow)) days")
fri=$(( (5 - dow + 7) % 7 )); [ "$fri" -eq 0 ] && fri=7
coming_friday=$(day "+$fri days")
tomorrow=$(day tomorrow)

new_store s
cid=$("$CRM" add company "Acme Ltd")

# --- dates through crm add and crm set --------------------------------------------
tid=$("$CRM" add task "Call back" --for "$cid" --due "tomorrow 15:00")
ok $? "add --due 'tomorrow 15:00' exits 0"
tf=$(file_of task "$tid")
is "$(field "$tf" due)" "${tomorrow}T15:00:00+03:00" "'tomorrow 15:00' is stored as tomorrow at 15:00 local time"

set_due() {
	run set "$tid" "due=$1"
	is "$rc" 0 "set due='$1' exits 0"
	is "$(field "$tf" due)" "$2" "due='$1' is stored as $2"
}
set_due "завтра" "$tomorrow"
set_due "Завтра 9:30" "${tomorrow}T09:30:00+03:00"
set_due "сегодня" "$(day today)"
set_due "послезавтра" "$(day '+2 days')"
set_due "вчера" "$(day yesterday)"
set_due "31.12.2026" "2026-12-31"
set_due "31.12.2026 15:30" "2026-12-31T15:30:00+03:00"
set_due "через 3 дня" "$(day '+3 days')"
set_due "через неделю" "$(day '+7 days')"
set_due "в понедельник" "$coming_monday"
set_due "в пятницу" "$coming_friday"
set_due "monday" "$coming_monday"
set_due "this monday" "$this_monday"
set_due "next monday" "$next_monday"
set_due "31 декабря 2027" "2027-12-31"
set_due "dec 31 2028" "2028-12-31"
set_due "2026-12-01T15:30:00-05:00" "2026-12-01T23:30:00+03:00"

run set "$tid" "due=через 2 часа"
is "$rc" 0 "set due='через 2 часа' exits 0"
like "$(field "$tf" due)" "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+03:00$" "'через 2 часа' is stored as a moment"

# --- bad dates: messages, exit codes, nothing written -----------------------------
head=$(git rev-parse HEAD)
before=$(cat "$tf")
run set "$tid" "due=zavtra"
is "$rc" 2 "due=zavtra exits 2"
is "$err" "crm: error: due: cannot read date 'zavtra' (did you mean 'завтра'?)" "due=zavtra suggests завтра"
run set "$tid" "due=soon"
is "$err" "crm: error: due: cannot read date 'soon' (try: tomorrow 15:00, 31.12.2026, +3d)" "a bad due shows examples that fit a due date"
is "$rc" 2 "due=soon exits 2"
out=$(LC_ALL=ru_RU.UTF-8 "$CRM" set "$tid" "due=soon" 2>&1)
is "$?" 2 "due=soon in Russian exits 2"
is "$out" "crm: ошибка: due: не удалось прочитать дату 'soon' (пример: завтра 15:00, 31.12.2026, +3d)" "the message is in Russian"
run set "$tid" "due=31.02.2026"
is "$rc" 2 "due=31.02.2026 (no such day) exits 2"
run set "$tid" "$(printf 'due=\xff')"
is "$rc" 2 "due with invalid UTF-8 exits 2"
like "$err" "invalid UTF-8" "due with invalid UTF-8 says so"
is "$(cat "$tf")" "$before" "the task file is unchanged"
unchanged "$head" "bad dates"

kid=$("$CRM" add contact "Ivan Petrov" --birthday "31.12.1990")
ok $? "add contact --birthday 31.12.1990 exits 0"
kf=$(file_of contact "$kid")
is "$(field "$kf" birthday)" "1990-12-31" "birthday 31.12.1990 is stored as 1990-12-31"
run set "$kid" "birthday=1 мая 1985"
is "$(field "$kf" birthday)" "1985-05-01" "birthday '1 мая 1985' is stored as 1985-05-01"
head=$(git rev-parse HEAD)
run set "$kid" "birthday=+2h"
is "$rc" 2 "birthday=+2h exits 2"
is "$err" "crm: error: birthday: cannot read date '+2h': a date without a time is needed (try: 31.12.1990, 1990-12-31, 31 dec 1990)" "a birthday is no moment, and the examples are dates"
run set "$kid" "birthday=31 dec"
is "$rc" 2 "a birthday without a year exits 2"
like "$err" "the year is needed" "a birthday without a year says so"
n=$(commits)
run add contact "Olga" --birthday "tomorrow 15:00"
is "$rc" 2 "add --birthday 'tomorrow 15:00' exits 2"
is "$(commits)" "$n" "a refused add makes no commit"
unchanged "$head" "bad birthdays"

# --- amounts and currencies --------------------------------------------------------
did=$("$CRM" add deal "Supply" --company "$cid" --amount "350 000,50" --currency usd)
ok $? "add deal --amount '350 000,50' --currency usd exits 0"
df=$(file_of deal "$did")
is "$(field "$df" amount)" "350000.50" "'350 000,50' is stored as 350000.50"
is "$(field "$df" currency)" "USD" "usd is stored as USD"
grep -q "^amount: 350000.50$" "$df"
ok $? "the amount is written as a plain number"

set_amount() {
	run set "$did" "amount=$1"
	is "$rc" 0 "set amount='$1' exits 0"
	is "$(field "$df" amount)" "$2" "amount='$1' is stored as $2"
}
set_amount "1 500 000" 1500000
set_amount "$(printf '1\xc2\xa0500\xc2\xa0000,25')" 1500000.25
set_amount "$(printf '2\xe2\x80\xaf000')" 2000
set_amount "350,000.50" 350000.50
set_amount "350.000,50" 350000.50
set_amount "350,000" 350000
set_amount "1,5" 1.5
set_amount "0" 0

head=$(git rev-parse HEAD)
before=$(cat "$df")
refuse_amount() {
	run set "$did" "amount=$1"
	is "$rc" 2 "amount='$1' exits 2"
	like "$err" "$2" "amount='$1': $3"
}
refuse_amount "-5" "amount: '-5' is negative" "negative amounts are refused"
refuse_amount "1.500" "amount: '1.500' has 3 decimal places, but USD has 2" "three decimals are too many for USD"
refuse_amount "abc" "amount: cannot read amount 'abc' \(try: 350000, 350 000, 350000.50\)" "the message shows how to write an amount"
refuse_amount "1.5k" "cannot read amount" "no 1.5k"
refuse_amount "1 50" "cannot read amount" "a group of two digits is refused"
refuse_amount "$(printf '1\xff')" "invalid UTF-8" "invalid UTF-8 is refused"
run set "$did" currency=usx
is "$rc" 2 "currency=usx exits 2"
is "$err" "crm: error: currency: unknown currency 'USX' (did you mean 'USD'?)" "an unknown currency suggests the closest"
run set "$did" currency=руб
is "$rc" 2 "currency=руб exits 2"
run set "$did" amount=1500.5 currency=jpy
is "$rc" 2 "1500.5 JPY exits 2"
like "$err" "JPY has none" "JPY has no minor unit"
is "$(cat "$df")" "$before" "the deal file is unchanged"
unchanged "$head" "bad amounts"

run set "$did" currency=kwd amount=1.505
is "$rc" 0 "1.505 KWD (three decimals) exits 0"
is "$(field "$df" amount) $(field "$df" currency)" "1.505 KWD" "1.505 KWD is stored"
run set "$did" amount=1500.5 currency=rub
is "$rc" 0 "back to RUB"

# the decimal separator follows the locale, then crm.yaml
out=$(LC_ALL=ru_RU.UTF-8 "$CRM" set "$did" "amount=2.500" 2>&1)
is "$?" 0 "amount=2.500 under a Russian locale exits 0"
is "$(field "$df" amount)" "2500" "under a Russian locale '2.500' is two thousand five hundred"
out=$(LC_ALL=ru_RU.UTF-8 "$CRM" set "$did" "amount=1.505" 2>&1)
is "$?" 0 "amount=1.505 under a Russian locale exits 0"
is "$(field "$df" amount)" "1505" "under a Russian locale '1.505' is 1505"
out=$(LC_ALL=ru_RU.UTF-8 "$CRM" set "$did" "amount=1,505" 2>&1)
is "$?" 2 "amount=1,505 under a Russian locale exits 2 (three decimals for RUB)"
is "$out" "crm: ошибка: amount: в '1.505' 3 знака после запятой, а у RUB их 2" "the message is in Russian"
cp crm.yaml "$TEST_ROOT/crm.yaml"
printf '  decimal_separator: ","\n' >>crm.yaml
run commit -m "amounts use a decimal comma"
is "$rc" 0 "crm.yaml with defaults.decimal_separator commits"
run set "$did" "amount=3.500"
is "$(field "$df" amount)" "3500" "with decimal_separator ',' in crm.yaml '3.500' is 3500 in a C locale"
cp "$TEST_ROOT/crm.yaml" crm.yaml
run commit -m "amounts use the locale's decimal point"
is "$rc" 0 "crm.yaml without decimal_separator commits"
printf '  decimal_separator: ";"\n' >>crm.yaml
run set "$did" "amount=1"
is "$rc" 1 "a bad decimal_separator in crm.yaml is an error"
like "$err" "decimal_separator must be ',' or '.'" "a bad decimal_separator says what it may be"
git checkout -q -- crm.yaml

# --- crm edit reads the same words ---------------------------------------------------
editor due 'sed -i "s/^due: .*/due: в пятницу 10:00/" "$1"'
EDITOR="$ED/due" "$CRM" edit "$tid" >/dev/null
ok $? "edit writing 'due: в пятницу 10:00' exits 0"
is "$(field "$tf" due)" "${coming_friday}T10:00:00+03:00" "the edited due is stored canonically"
store_clean "after an edit with words"

editor money 'sed -i "s/^amount: .*/amount: 350 000,50/; s/^currency: .*/currency: eur/" "$1"'
EDITOR="$ED/money" "$CRM" edit "$did" >/dev/null
ok $? "edit writing 'amount: 350 000,50' and 'currency: eur' exits 0"
is "$(field "$df" amount) $(field "$df" currency)" "350000.50 EUR" "the edited amount and currency are stored canonically"

head=$(git rev-parse HEAD)
editor bad 'sed -i "s/^due: .*/due: zavtra/" "$1"'
EDITOR="$ED/bad" "$CRM" edit "$tid" >/dev/null 2>"$TEST_ROOT/e"
is "$?" 1 "an edit left with 'due: zavtra' exits 1"
like "$(cat "$TEST_ROOT/e")" "line [0-9]+: field 'due': cannot read date 'zavtra'" "the edit error names the line and field"
unchanged "$head" "a refused edit"

# --- hand edits committed with crm commit ------------------------------------------
sed -i "s/^due: .*/due: завтра 15:00/" "$tf"
run status
like "$out" "M +$tf +ok" "status says a hand-written 'due: завтра 15:00' is fine"
run commit
is "$rc" 0 "commit of 'due: завтра 15:00' exits 0"
is "$(field "$tf" due)" "${tomorrow}T15:00:00+03:00" "the committed due is canonical"
is "$(git show HEAD:"$tf" | sed -n 's/^due: //p' | tr -d "'")" "${tomorrow}T15:00:00+03:00" "the commit holds the canonical due"
store_clean "after a hand edit with words"

sed -i "s/^amount: .*/amount: 1 500 000/; s/^currency: .*/currency: rub/" "$df"
run commit
is "$rc" 0 "commit of 'amount: 1 500 000' exits 0"
is "$(field "$df" amount) $(field "$df" currency)" "1500000 RUB" "the committed amount and currency are canonical"
store_clean "after a hand edit of money"

# a stored date in another offset reads back byte for byte
sed -i "s/^due: .*/due: '2026-12-01T15:30:00-05:00'/" "$tf"
"$CRM" commit >/dev/null
ok $? "commit of a stored date with another offset exits 0"
grep -q "^due: '2026-12-01T15:30:00-05:00'$" "$tf"
ok $? "the stored date keeps its bytes"
sed -i "s/^name: .*/name: Call back soon/" "$tf"
cp "$tf" "$TEST_ROOT/expected"
"$CRM" commit >/dev/null
# (updated is set by the commit: compare the rest)
cmp -s <(grep -v '^updated:' "$tf") <(grep -v '^updated:' "$TEST_ROOT/expected")
ok $? "a hand edit of another field leaves the stored dates byte-identical"

head=$(git rev-parse HEAD)
sed -i "s/^due: .*/due: zavtra/" "$tf"
run commit
is "$rc" 1 "commit of 'due: zavtra' exits 1"
like "$err" "cannot read '$tf': line [0-9]+: field 'due': cannot read date 'zavtra'" "the commit error names file, line and field"
is "$(git rev-parse HEAD)" "$head" "a refused commit makes no commit"
git checkout -q -- "$tf"
sed -i "s/^amount: .*/amount: 10.505/" "$df"
run commit
is "$rc" 1 "commit of 'amount: 10.505' RUB exits 1"
like "$err" "field 'amount': '10.505' has 3 decimal places, but RUB has 2" "too many decimals in a file are refused"
git checkout -q -- "$df"
sed -i "s/^currency: .*/currency: usx/" "$df"
run commit
is "$rc" 1 "commit of 'currency: usx' exits 1"
like "$err" "unknown currency 'USX' \(did you mean 'USD'\?\)" "an unknown currency in a file is refused"
git checkout -q -- "$df"
unchanged "$head" "refused hand edits"

# --- the same in a Russian locale: add, edit, hand edit + commit ---------------------
ru() { LC_ALL=ru_RU.UTF-8 "$CRM" "$@"; }
rid=$(ru add deal "Поставка" --company "$cid" --amount "1.500" --currency rub)
ok $? "add --amount 1.500 under a Russian locale exits 0"
rf=$(file_of deal "$rid")
is "$(field "$rf" amount)" "1500" "under a Russian locale --amount 1.500 is 1500"
head=$(git rev-parse HEAD)
out=$(ru add deal "Ошибка" --amount "10,505" --currency rub 2>&1)
is "$?" 2 "add --amount 10,505 RUB under a Russian locale exits 2"
is "$out" "crm: ошибка: amount: в '10.505' 3 знака после запятой, а у RUB их 2" "the refusal is in Russian"
unchanged "$head" "a refused Russian add"
editor ru_money 'sed -i "s/^amount: .*/amount: 2.500,50/" "$1"'
EDITOR="$ED/ru_money" ru edit "$rid" >/dev/null
ok $? "edit writing 'amount: 2.500,50' under a Russian locale exits 0"
is "$(field "$rf" amount)" "2500.50" "the edited amount is 2500.50"
sed -i "s/^amount: .*/amount: 3 000,5/" "$rf"
ru commit >/dev/null
ok $? "commit of 'amount: 3 000,5' under a Russian locale exits 0"
is "$(field "$rf" amount)" "3000.5" "a hand-written '3 000,5' under a Russian locale is 3000.5"
# in a file, digits with a point are the stored form, whatever the locale
sed -i "s/^amount: .*/amount: 3.000/" "$rf"
out=$(ru commit 2>&1)
is "$?" 1 "commit of 'amount: 3.000' under a Russian locale exits 1 (the stored form, three decimals for RUB)"
like "$out" "в '3.000' 3 знака после запятой, а у RUB их 2" "the refusal says why"
git checkout -q -- "$rf"
sed -i "s/^name: .*/name: Звонок/; s/^due: .*/due: послезавтра в 11:00/" "$tf"
out=$(ru commit 2>&1)
is "$?" 0 "commit of 'due: послезавтра в 11:00' under a Russian locale exits 0"
is "$(field "$tf" due)" "$(day '+2 days')T11:00:00+03:00" "the committed due is the day after tomorrow at 11:00"
sed -i "s/^due: .*/due: в пятницк/" "$tf"
out=$(ru commit 2>&1)
is "$?" 1 "commit of a misspelt Russian weekday exits 1"
like "$out" "не удалось прочитать дату 'в пятницк' \(пример: завтра 15:00, 31.12.2026, \+3d\)" "the commit error is in Russian with examples"
git checkout -q -- "$tf"
store_clean "after Russian edits"

# --- queries use the same readers ----------------------------------------------------
run --format ids list task "due<=$(day '+400 days')"
is "$out" "$tid" "due<= a date finds the task"
run --format ids list company "created>=monday"
is "$out" "$cid" "created>=monday (this week's) finds what was created today"
run --format ids list company "created>=сегодня"
is "$out" "$cid" "created>=сегодня finds what was created today"
run --format ids list company "created<вчера"
is "$out" "" "created<вчера finds nothing"
run --format ids list deal 'amount>="1 000 000"'
is "$out" "$did" "amount>=\"1 000 000\" finds the deal"
run --format ids list deal "amount>1500000,5"
is "$out" "" "amount>1500000,5 finds nothing"
run list deal "amount>=1,500"
is "$rc" 2 "an ambiguous amount in a query exits 2"
like "$err" "ambiguous amount '1,500'" "an ambiguous amount in a query says so"
run list task "due<zavtra"
is "$rc" 2 "a bad date in a query exits 2"
like "$err" "cannot read date 'zavtra'" "a bad date in a query says so"

# the index reads amounts the same in every locale
run set "$did" amount=1500.50
out=$(LC_ALL=ru_RU.UTF-8 "$CRM" --format ids list deal "amount>1500.4" "amount<1500.6")
is "$out" "$did" "under a Russian locale the index keeps 1500.50, not 1500"
store_clean "at the end"

done_testing
