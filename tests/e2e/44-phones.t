#!/bin/bash
# 44-phones.t - phone numbers in queries through libphonenumber: a number
# typed in any form finds every stored form of it (E.164, national form
# with a trunk prefix, 8~10, another country's national number), in an
# English and a Russian locale; digit fragments still work; crm.yaml's
# defaults.region (AZ, a change of it, an unknown one); invalid UTF-8; a
# missing or unloadable phone module.

. "$(dirname "$0")/lib.sh"

# sorted WORDS...: the words sorted, one space-separated line.
sorted() {
	printf '%s\n' "$@" | grep -v '^$' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

# in_locale LOCALE ARGS...: runs crm under LOCALE, setting $rc, $out, $err.
in_locale() {
	local loc=$1
	shift
	out=$(LC_ALL=$loc LANG=$loc "$CRM" "$@" 2>"$TEST_ROOT/stderr")
	rc=$?
	err=$(cat "$TEST_ROOT/stderr")
}

# finds LOCALE DESC WANT QUERY...: crm search QUERY finds exactly WANT.
finds() {
	local loc=$1 desc=$2 want=$3
	shift 3
	in_locale "$loc" --format ids search "$@" --limit 1000
	if [ "$rc" -ne 0 ]; then
		ok 1 "$loc: search $desc"
		printf '# exit %s: %s\n' "$rc" "$err"
		return
	fi
	# shellcheck disable=SC2086
	is "$(sorted $out)" "$(sorted $want)" "$loc: search $desc"
}

# lists LOCALE DESC WANT QUERY...: crm list contact QUERY finds WANT.
lists() {
	local loc=$1 desc=$2 want=$3
	shift 3
	in_locale "$loc" --format ids list contact "$@"
	if [ "$rc" -ne 0 ]; then
		ok 1 "$loc: list $desc"
		printf '# exit %s: %s\n' "$rc" "$err"
		return
	fi
	# shellcheck disable=SC2086
	is "$(sorted $out)" "$(sorted $want)" "$loc: list $desc"
}

# set_region VALUE: writes defaults.region into crm.yaml and commits it
# with plain git (VALUE empty: removes it).
set_region() {
	python3 - "$1" <<'PY' || echo "Bail out! cannot edit crm.yaml"
import re, sys
t = open("crm.yaml").read()
t = re.sub(r"\n  region: .*", "", t)
if sys.argv[1]:
    t = t.replace("\ndefaults:\n", "\ndefaults:\n  region: %s\n" % sys.argv[1])
open("crm.yaml", "w").write(t)
PY
	git commit -qam "region ${1:-none}" || echo "Bail out! cannot commit crm.yaml"
}

if ! locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$'; then
	echo "Bail out! locale ru_RU.UTF-8 is not installed (see locale -a)"
	exit 1
fi

# ---- a store in Russia (no defaults.region: RU) ----
new_store ru
ivan=$("$CRM" add contact "Иван Петров" --phone "8 (903) 555-12-34")
olga=$("$CRM" add contact "Olga Smirnova" --phone "+7 903 555-12-35")
aydin=$("$CRM" add contact "Aydın Məmmədov" --phone "+994 50 321 65 87")
john=$("$CRM" add contact "John Doe" --phone "+1 202 456 1111")
hans=$("$CRM" add contact "Hans Müller" --phone "+49 30 1234567")
asel=$("$CRM" add contact "Асель Нурланова" --phone "8 (701) 123-45-67")
rom=$("$CRM" add company "Ромашка" --phone "+7 (495) 123-45-67")
[ -n "$ivan" ] && [ -n "$olga" ] && [ -n "$aydin" ] && [ -n "$rom" ] ||
	echo "Bail out! cannot add the records"

for loc in C.UTF-8 ru_RU.UTF-8; do
	finds $loc "+79035551234 finds 8 (903) 555-12-34" "$ivan" +79035551234
	finds $loc "'+7 903 555-12-34' finds 8 (903) 555-12-34" "$ivan" \
		'+7 903 555-12-34'
	finds $loc "'8 903 555 12 35' finds +7 903 555-12-35" "$olga" \
		'8 903 555 12 35'
	finds $loc "8 903 555 12 35 (five words) finds +7 903 555-12-35" \
		"$olga" 8 903 555 12 35
	finds $loc "89035551235 finds +7 903 555-12-35" "$olga" 89035551235
	finds $loc "'(903) 555-12-35' finds +7 903 555-12-35" "$olga" \
		'(903) 555-12-35'
	finds $loc "'050 321 65 87' finds +994 50 321 65 87 (a number of Azerbaijan)" \
		"$aydin" '050 321 65 87'
	finds $loc "'8 10 994 50 321 65 87' finds +994 50 321 65 87" "$aydin" \
		'8 10 994 50 321 65 87'
	finds $loc "'00 994 50 321 65 87' finds +994 50 321 65 87" "$aydin" \
		'00 994 50 321 65 87'
	finds $loc "'8 10 1 202 456 1111' finds +1 202 456 1111" "$john" \
		'8 10 1 202 456 1111'
	finds $loc "'1 (202) 456-1111' finds +1 202 456 1111" "$john" \
		'1 (202) 456-1111'
	finds $loc "'030 1234567' finds +49 30 1234567 (a number of Germany)" \
		"$hans" '030 1234567'
	finds $loc "+77011234567 finds 8 (701) 123-45-67 (Kazakhstan, +7)" \
		"$asel" +77011234567
	finds $loc "'8 495 123 45 67' finds +7 (495) 123-45-67" "$rom" \
		'8 495 123 45 67'
	finds $loc "another number finds nothing" "" +79035551299
	finds $loc "a number with a digit more finds nothing" "" 890355512345
	# fragments of digits, as before
	finds $loc "'495 123' finds +7 (495) 123-45-67" "$rom" 495 123
	finds $loc "'903 555' finds both numbers" "$ivan $olga" '903 555'
	finds $loc "'321 65' finds +994 50 321 65 87" "$aydin" 321 65
	finds $loc "74951234567 finds +7 (495) 123-45-67" "$rom" 74951234567
	finds $loc "a name and a number" "$ivan" Иван +79035551234
	finds $loc "a name and another's number" "" Olga +79035551234
	finds $loc "not a number" "$olga $aydin $john $hans $asel $rom" \
		not +79035551234
	# field terms
	lists $loc "phone:+79035551234" "$ivan" phone:+79035551234
	lists $loc "phone=89035551234" "$ivan" phone=89035551234
	lists $loc "phone=+79035551235 (stored +7 903 555-12-35)" "$olga" \
		phone=+79035551235
	lists $loc "phone:\"8 903 555 12 35\"" "$olga" 'phone:"8 903 555 12 35"'
	lists $loc "phone=\"050 321 65 87\"" "$aydin" 'phone="050 321 65 87"'
	lists $loc "phone:903 (a fragment)" "$ivan $olga" phone:903
	lists $loc "phone:+79035551234 or phone:+994503216587" "$ivan $aydin" \
		phone:+79035551234 or phone:+994503216587
done

# a changed number: the index forgets the old one's key
"$CRM" set "$olga" phones="+7 916 000-11-22" >/dev/null ||
	echo "Bail out! crm set failed"
finds C.UTF-8 "after set: the old number finds nothing" "" '8 903 555 12 35'
finds C.UTF-8 "after set: the new one is found" "$olga" '8 916 000 11 22'
"$CRM" set "$olga" phones="+7 903 555-12-35" >/dev/null ||
	echo "Bail out! crm set failed"
finds C.UTF-8 "set back: found again" "$olga" '8 903 555 12 35'
finds C.UTF-8 "set back: the other number finds nothing" "" 89160001122

# invalid UTF-8 in a query: a usage error, in both locales
for loc in C.UTF-8 ru_RU.UTF-8; do
	in_locale $loc search $'\xff903 555 12 34'
	is "$rc" 2 "$loc: invalid UTF-8 in a number: exit 2"
	like "$err" "UTF-8" "$loc: invalid UTF-8: the message says so"
	in_locale $loc list contact $'phone:+7903\xff5551234'
	is "$rc" 2 "$loc: invalid UTF-8 in phone:: exit 2"
done
in_locale C.UTF-8 list contact phone:abc
is "$rc" 2 "phone:abc: exit 2"
like "$err" "'abc' is not a phone number" "phone:abc: the message"

# ---- defaults.region: an unknown one is refused, naming file and field ----
head_before=$(git rev-parse HEAD)
python3 - <<'PY'
t = open("crm.yaml").read()
open("crm.yaml", "w").write(t.replace("\ndefaults:\n", "\ndefaults:\n  region: XX\n"))
PY
for loc in C.UTF-8 ru_RU.UTF-8; do
	in_locale $loc list contact
	is "$rc" 1 "$loc: region XX: exit 1"
	like "$err" "crm.yaml.*defaults\.region.*'XX'" \
		"$loc: region XX: the message names file, field and value"
	in_locale $loc add contact "Nobody" --phone "+7 903 000 00 00"
	is "$rc" 1 "$loc: region XX: add refused"
done
like "$err" "поле 'defaults.region': неизвестный регион 'XX'" \
	"Russian: the message is translated"
like "$err" "^подсказка: " "Russian: so is the hint"
in_locale C.UTF-8 list contact
like "$err" "hint: .*ISO 3166" "region XX: a hint says what a region is"
is "$(git rev-parse HEAD)" "$head_before" "region XX: nothing committed"
sed -i 's/  region: XX/  region: uk/' crm.yaml
in_locale C.UTF-8 search Olga
is "$rc" 1 "region uk: exit 1"
like "$err" "did you mean 'GB'" "region uk: did you mean GB"
git checkout -q crm.yaml
in_locale C.UTF-8 --format ids search Olga
is "$out" "$olga" "crm.yaml restored: the store works again"

# ---- a store in Azerbaijan ----
new_store az
set_region AZ
leyla=$("$CRM" add contact "Leyla Əliyeva" --phone "050 321 65 87")
office=$("$CRM" add company "Bakı Ofis" --phone "(012) 404 00 00")
for loc in C.UTF-8 ru_RU.UTF-8; do
	finds $loc "AZ: +994503216587 finds 050 321 65 87" "$leyla" +994503216587
	finds $loc "AZ: '+994 (50) 321-65-87' finds 050 321 65 87" "$leyla" \
		'+994 (50) 321-65-87'
	finds $loc "AZ: '00 994 12 404 00 00' finds (012) 404 00 00" "$office" \
		'00 994 12 404 00 00'
	finds $loc "AZ: '50 321 65 87' finds 050 321 65 87" "$leyla" '50 321 65 87'
	lists $loc "AZ: phone=+994503216587" "$leyla" phone=+994503216587
done

# a change of region re-reads the numbers: the index is rebuilt
new_store change
nat=$("$CRM" add contact "Rəşad" --phone "050 321 65 87")
finds C.UTF-8 "RU: +994503216587 does not find 050 321 65 87 (a Russian number's form)" \
	"" +994503216587
set_region AZ
finds C.UTF-8 "region now AZ: +994503216587 finds 050 321 65 87" "$nat" \
	+994503216587
set_region ""
finds C.UTF-8 "region removed (RU again): it does not" "" +994503216587

# ---- without the phone module ----
cd "$TEST_ROOT/ru" || exit 1
mkdir -p "$TEST_ROOT/bin"
cp "$CRM" "$TEST_ROOT/bin/crm"
printf 'not a shared object\n' >"$TEST_ROOT/bin/crm-phone.so"
bad="$TEST_ROOT/bin/crm"
for loc in C.UTF-8 ru_RU.UTF-8; do
	out=$(LC_ALL=$loc "$bad" search +79035551234 2>"$TEST_ROOT/stderr")
	rc=$?
	err=$(cat "$TEST_ROOT/stderr")
	is "$rc" 1 "$loc: unloadable module: exit 1, no signal"
	like "$err" "crm-phone\.so" "$loc: unloadable module: the message names it"
	is "$out" "" "$loc: unloadable module: no output"
done
out=$("$bad" --format ids search Olga 2>&1)
is "$out" "$olga" "unloadable module: a search of no number still works"
out=$("$bad" reindex 2>"$TEST_ROOT/stderr")
rc=$?
is "$rc" 1 "unloadable module: reindex fails (numbers to read), no signal"
like "$(cat "$TEST_ROOT/stderr")" "phone number module" "reindex: says why"
run --format ids search +79035551234
is "$out" "$ivan" "the index kept after a failed reindex still finds numbers"
rm "$TEST_ROOT/bin/crm-phone.so"
if [ -e /usr/local/lib/crm/crm-phone.so ]; then
	ok 0 "# SKIP an installed module at /usr/local/lib/crm"
else
	out=$("$bad" search +79035551234 2>"$TEST_ROOT/stderr")
	rc=$?
	is "$rc" 1 "missing module: exit 1, no signal"
	like "$(cat "$TEST_ROOT/stderr")" "cannot load the phone number module" \
		"missing module: a clear message"
fi
store_clean "after the phone tests"

done_testing
