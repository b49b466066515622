#!/bin/bash
# 54-search-match-phone.t - crm search's MATCH column when a phone number
# is found through another written form of it (+7 ... for 8 ..., a
# national number, another country's trunk prefix): the record's phone
# that matched is shown, in the table, CSV and JSON, and highlighted on a
# terminal with real escape sequences (not escaped text).
. "$(dirname "$0")/lib.sh"

# match QUERY...: the MATCH cells of crm search's CSV, one a line
match() {
	"$CRM" --format csv search "$@" | sed 1d | cut -d, -f4-
}

new_store phones
p1=$("$CRM" add contact "Пётр Сидоров" --phone 84951234567)
p2=$("$CRM" add contact "Olga Brown" --phone "+7 (916) 555-44-33")
p3=$("$CRM" add company "Baku Trade" --phone "+994 50 321 65 87")
p4=$("$CRM" add contact "Two Phones" --phone "+7 903 000-00-01" --phone "8 (903) 555-12-34")
p5=$("$CRM" add company "Acme Ltd")
head=$(git rev-parse HEAD)

# --- other written forms of a number ---
for q in "+7 495 123-45-67" "+74951234567" "+7 (495) 123 45 67" "8 (495) 123-45-67" "4951234567" "(495) 123-45-67"; do
	run --format csv search "$q"
	is "$rc" 0 "search '$q' exits 0"
	is "$(printf '%s\n' "$out" | sed 1d)" "contact,$p1,Пётр Сидоров,84951234567" \
		"search '$q': MATCH is the stored 84951234567"
done
is "$(match 89165554433)" "+7 (916) 555-44-33" "8 916 ... finds +7 (916) ... and shows it"
is "$(match "8 916 555 44 33")" "+7 (916) 555-44-33" "spaced 8 916 ... too"
is "$(match 9165554433)" "+7 (916) 555-44-33" "the national number"
is "$(match "050 321 65 87")" "+994 50 321 65 87" "another country's trunk prefix: the Azerbaijani number"
is "$(match "+7 903 555 12 34")" "8 (903) 555-12-34" "of two phones, the one that matched"
is "$(match "+7 903 000 00 01")" "+7 903 000-00-01" "and the other"

# JSON carries the same match
run --format json search "+7 495 123-45-67"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["match"])')" \
	"84951234567" "json: match is the phone"

# the table (no terminal: nothing cut, no colour)
run search "+7 495 123-45-67"
like "$out" "Пётр Сидоров +84951234567$" "table: MATCH is the phone"
case $out in *$'\e'*) ok 1 "table: no escape sequence off a terminal" ;; *) ok 0 "table: no escape sequence off a terminal" ;; esac

# unchanged: a text match shows its line, a name match nothing, no match no row
is "$(match Baku)" "" "a match of the name alone: MATCH empty"
is "$(match 123-45-67)" "84951234567" "digits inside a number: the line, as before"
run --format csv search "+7 499 000-00-00"
is "$(printf '%s\n' "$out" | sed 1d)" "" "a number nobody has: no row"
run --format csv search Acme "+7 495 123-45-67"
is "$(printf '%s\n' "$out" | sed 1d)" "" "a number and a name of different records: no row"
run --format csv search Пётр "+7 495 123-45-67"
is "$(printf '%s\n' "$out" | sed 1d)" "contact,$p1,Пётр Сидоров,84951234567" "a name word and the number: the phone shown"

# on a terminal: the phone highlighted with real escape sequences
if command -v script >/dev/null; then
	got=$(TERM=xterm script -qc "'$CRM' search '+7 495 123-45-67'" /dev/null | tr -d '\r')
	like "$got" $'\e\\[1m\e\\[31m84951234567\e\\[0m' "terminal: the phone highlighted bold red"
	case $got in *'\x1b'*) ok 1 "terminal: no escaped escape sequence shown" ;; *) ok 0 "terminal: no escaped escape sequence shown" ;; esac
	got=$(TERM=xterm script -qc "'$CRM' search 4951234567" /dev/null | tr -d '\r')
	like "$got" $'8\e\\[1m\e\\[31m4951234567\e\\[0m' "terminal: the digits of a text match highlighted"
	case $got in *'\x1b'*) ok 1 "terminal: the text match's highlight is no escaped text" ;; *) ok 0 "terminal: the text match's highlight is no escaped text" ;; esac
else
	ok 0 "# SKIP script is not installed"
fi

# a search of name words never loads the phone module (start-up cost)
if command -v strace >/dev/null; then
	strace -f -e trace=openat -o "$TEST_ROOT/trace" "$CRM" search Пётр >/dev/null 2>&1
	if grep -q 'crm-phone' "$TEST_ROOT/trace"; then
		ok 1 "a name search does not load the phone module"
	else
		ok 0 "a name search does not load the phone module"
	fi
else
	ok 0 "# SKIP strace is not installed"
fi

is "$(git rev-parse HEAD)" "$head" "search wrote nothing"
store_clean "after searches"

done_testing
