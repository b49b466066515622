#!/bin/bash
# 46-references.t - one way to name a record everywhere: a whole id or the
# exact name, an id prefix, a name prefix, words of the name, with case
# and accents folded; ambiguity at each level (candidates, exit 4), type
# preference, --type, errors naming the option, empty and invalid
# references, terminal-safe candidates, Russian messages, and nothing
# written when a reference fails.
. "$(dirname "$0")/lib.sh"

# head_is DESC: HEAD has not moved since $head and the store is clean.
head_is() {
	is "$(git rev-parse HEAD)" "$head" "$1: HEAD unchanged"
	is "$(git status --porcelain)" "" "$1: git status is clean"
}

# shown REF [OPTIONS]: the id crm show REF resolves to (json), or the
# exit status when it fails.
shown() {
	run --format json show "$@"
	if [ "$rc" -ne 0 ]; then
		printf 'exit %s' "$rc"
		return
	fi
	printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}

new_store refs
acme=$("$CRM" add company "Acme")
acmedeal=$("$CRM" add deal "Acme" --company "$acme" --amount 100)
renewal=$("$CRM" add deal "Acme renewal" --company "$acme" --amount 200)
sok=$("$CRM" add contact "Андрей Соколов" --company "$acme")
ivan=$("$CRM" add contact "Ivan Petrov")
elcin=$("$CRM" add contact "Elçin Məmmədova")
sirket=$("$CRM" add company "Şirkət MMC")
yolka=$("$CRM" add company "Ёлка ООО")
for v in acme acmedeal renewal sok ivan elcin sirket yolka; do
	[ -n "${!v}" ] || { echo "Bail out! setup: $v was not created"; exit 1; }
done
store_clean "setup"

# --- each level, with show ----------------------------------------------------
is "$(shown "$ivan")" "$ivan" "a whole id"
is "$(shown "$(printf '%s' "$ivan" | tr a-z A-Z)")" "$ivan" "a whole id in capitals"
is "$(shown "${ivan:0:6}")" "$ivan" "an id prefix"
is "$(shown "$(printf '%s' "${ivan:0:6}" | tr a-z A-Z)")" "$ivan" "an id prefix in capitals"
is "$(shown "Ivan Petrov")" "$ivan" "the exact name"
is "$(shown "IVAN PETROV")" "$ivan" "the exact name in capitals"
is "$(shown "ivan pe")" "$ivan" "a name prefix"
is "$(shown "petrov")" "$ivan" "a word of a Latin name"
is "$(shown "petrov ivan")" "$ivan" "the words of a name in another order"
is "$(shown "Соколов")" "$sok" "a word of a Cyrillic name"
is "$(shown "андрей")" "$sok" "a Cyrillic name prefix, small letters"
is "$(shown "elcin")" "$elcin" "elcin finds Elçin (accents folded)"
is "$(shown "ELÇİN")" "$elcin" "ELÇİN finds Elçin (İ folded)"
is "$(shown "memmedova")" "$elcin" "a word with ə typed as e"
is "$(shown "sirket")" "$sirket" "sirket finds Şirkət"
is "$(shown "ŞİRKƏT mmc")" "$sirket" "the exact Azerbaijani name in capitals"
is "$(shown "елка")" "$yolka" "елка finds Ёлка (ё folded)"
is "$(shown "ооо")" "$yolka" "a Cyrillic word"
is "$(shown "Petr")" "exit 3" "a part of a word is no word"

# --- type preference and --type ----------------------------------------------
is "$(shown Acme)" "$acme" "show Acme: the company over the deal named Acme"
is "$(shown "acme ren")" "$renewal" "a prefix of the deal's name only"
is "$(shown Acme --type deal)" "$acmedeal" "--type deal takes the deal"
is "$(shown "$acme" --type deal)" "exit 3" "--type excludes a whole id of another type"
is "$(shown Acme --type contact)" "exit 3" "--type contact: no contact named Acme"
run show Acme --type person
is "$rc" 2 "--type with an unknown type exits 2"
like "$err" "unknown type 'person'" "--type: the unknown type is named"
run rm Acme
is "$rc" 4 "rm prefers no type: Acme is ambiguous"
like "$err" "company +${acme:0:4}[0-9a-z]* +Acme" "rm: the company is a candidate"
like "$err" "deal +${acmedeal:0:4}[0-9a-z]* +Acme" "rm: the deal is a candidate"
like "$err" "hint: use the id, a longer prefix, or --type company" "rm: the hint names the --type that picks one"

# --- every command takes every level -------------------------------------------
head=$(git rev-parse HEAD)
run set petrov role=buyer
is "$rc" 0 "set by a word"
is "$("$CRM" --format json show "$ivan" | python3 -c 'import json,sys; print(json.load(sys.stdin)["role"])')" \
	buyer "set changed the record the word named"
run tag elcin +vip
is "$rc" 0 "tag by a folded name prefix"
like "$("$CRM" --format json show "$elcin")" '"vip"' "tag tagged Elçin"
run log sirket
is "$rc" 0 "log by a folded name"
like "$out" "add" "log shows the record's history"
run log Acme
is "$rc" 0 "log Acme takes the company"
like "$out" "company ${acme:0:4}" "log of the company"
printf '#!/bin/sh\nsed -i "s/^name:.*/name: Ivan Petrov Jr/" "$1"\n' >"$TEST_ROOT/ed"
chmod +x "$TEST_ROOT/ed"
EDITOR="$TEST_ROOT/ed" run edit "ivan pet"
is "$rc" 0 "edit by a name prefix"
is "$(shown "Ivan Petrov Jr")" "$ivan" "edit changed the record the prefix named"
tmp=$("$CRM" add company "Temp Holding")
run rm holding
is "$rc" 0 "rm by a word"
is "$(shown "$tmp")" "exit 3" "rm removed the record the word named"

# --- options and fields that take a reference --------------------------------
c1=$("$CRM" add contact "Yusif" --company sirket)
is "$?" 0 "add --company by a folded name"
like "$("$CRM" --format json show "$c1")" "\"company\": \"$sirket\"" "--company stored the id"
d1=$("$CRM" add deal "Boxes" --company acme --contact elcin)
like "$("$CRM" --format json show "$d1")" "\"contact\": \"$elcin\"" "add --contact by a folded word"
like "$("$CRM" --format json show "$d1")" "\"company\": \"$acme\"" "add --company acme: the company (only companies)"
t1=$("$CRM" add task "Call" --for Acme --due 2026-12-01)
like "$("$CRM" --format json show "$t1")" "\"for\": \"$acme\"" "add --for Acme prefers the company"
t2=$("$CRM" add task "Call back" --for "acme ren" --due 2026-12-01)
like "$("$CRM" --format json show "$t2")" "\"for\": \"$renewal\"" "add --for by a deal's name prefix"
run set "$c1" company=ёлка
is "$rc" 0 "set company= by a folded Cyrillic name"
like "$("$CRM" --format json show "$c1")" "\"company\": \"$yolka\"" "set company= stored the id"
run set "$d1" contact="${sok:0:5}"
is "$rc" 0 "set contact= by an id prefix"
like "$("$CRM" --format json show "$d1")" "\"contact\": \"$sok\"" "set contact= stored the id"

# --- failures: exit codes, the option named, nothing written -------------------
head=$(git rev-parse HEAD)
run add contact "Nobody" --company "Elçin"
is "$rc" 3 "--company that names no company exits 3"
is "$(printf '%s\n' "$err" | head -1)" "crm: error: --company: no record matches 'Elçin'" "--company: the option is named"
head_is "add --company not found"
run add deal "X" --contact Nosuch
is "$rc" 3 "--contact not found exits 3"
is "$err" "crm: error: --contact: no record matches 'Nosuch'" "--contact: the option is named"
run add task "X" --for Nosuch --due tomorrow
is "$rc" 3 "--for not found exits 3"
like "$err" "^crm: error: --for: no record matches 'Nosuch'" "--for: the option is named"
run set "$c1" company=Nosuch
is "$rc" 3 "set company= not found exits 3"
is "$err" "crm: error: company: no record matches 'Nosuch'" "set company=: the field is named"
run show nosuch
is "$rc" 3 "show: not found exits 3"
is "$err" "crm: error: no record matches 'nosuch'" "show: a positional reference names no option"
for c in show rm edit log; do
	run "$c" ""
	is "$rc" 2 "$c '': an empty reference is a usage error"
	like "$err" "empty record reference" "$c '': says the reference is empty"
done
run set "" role=x
is "$rc" 2 "set '': exit 2"
run tag "" +x
is "$rc" 2 "tag '': exit 2"
run add contact X --company ""
is "$rc" 2 "--company '': exit 2"
like "$err" "^crm: error: --company: empty record reference" "--company '': names the option"
run add task X --for "" --due tomorrow
is "$rc" 2 "--for '': exit 2"
run show $'Acme\xff'
is "$rc" 2 "invalid UTF-8: exit 2"
like "$err" "invalid UTF-8 in reference 'Acme\\\\xff'" "invalid UTF-8: the bytes are shown escaped"
run add deal X --contact $'\xc3'
is "$rc" 2 "invalid UTF-8 in an option: exit 2"
like "$err" "^crm: error: --contact: the value is not valid UTF-8" "invalid UTF-8: the option is named"
run set Acme --type deal stage=nosuch
is "$rc" 2 "a bad value after a good --type exits 2"
head_is "failed references"

# --- ambiguity at each level --------------------------------------------------
t1=$("$CRM" add contact "Twin Brother")
t2=$("$CRM" add contact "Twin Brother")
head=$(git rev-parse HEAD)
run show "twin brother"
is "$rc" 4 "two exact names: exit 4"
like "$err" "^crm: error: 'twin brother' is ambiguous: 2 records match" "exact: the message"
like "$err" "contact +${t1:0:4}[0-9a-z]* +Twin Brother" "exact: first candidate"
like "$err" "contact +${t2:0:4}[0-9a-z]* +Twin Brother" "exact: second candidate"
like "$err" "hint: use the id or a longer prefix" "exact: one type, so no --type in the hint"
run set "Twin" role=x
is "$rc" 4 "two name prefixes: exit 4"
like "$err" "'Twin' is ambiguous" "prefix: the message"
"$CRM" add contact "Anna Brother" >/dev/null
head=$(git rev-parse HEAD)
run tag brother +x
is "$rc" 4 "three words: exit 4"
like "$err" "'brother' is ambiguous: 3 records match" "word: the message counts them"
like "$err" "Anna Brother" "word: candidates listed"
# an id prefix shared by several records
declare -A seen
a1="" a2=""
for i in $(seq 1 40); do
	id=$("$CRM" add company "Filler $i")
	c=${id:0:1}
	if [ -n "${seen[$c]:-}" ]; then a1=${seen[$c]}; a2=$id; break; fi
	seen[$c]=$id
done
head=$(git rev-parse HEAD)
pre=${a1:0:1}
while [ "${a1:0:$((${#pre} + 1))}" = "${a2:0:$((${#pre} + 1))}" ]; do pre=${a1:0:$((${#pre} + 1))}; done
# the prefix must not be a name prefix or word as well
if "$CRM" --format ids search "name~^$pre" 2>/dev/null | grep -q .; then
	ok 0 "id prefix ambiguity (skipped: '$pre' also begins a name)"
else
	run rm "$pre"
	is "$rc" 4 "an id prefix of two records: exit 4"
	like "$err" "Filler" "id prefix: the candidates listed"
fi
head_is "ambiguous references"

# --- a name that holds ESC is listed escaped ---------------------------------
e1=$("$CRM" add company $'Evil\e[2J Co')
e2=$("$CRM" add deal $'Evil\e[2J Co')
head=$(git rev-parse HEAD)
run rm evil
is "$rc" 4 "a prefix of two Evil records: exit 4"
case "$err" in
*$'\e'*) ok 1 "no ESC reaches the terminal" ;;
*) ok 0 "no ESC reaches the terminal" ;;
esac
like "$err" 'company +[0-9a-z]+ +Evil\\x1b\[2J Co' "the ESC is shown as \\x1b"
head_is "escaped candidates"

# --- at most 20 candidates ------------------------------------------------------
for i in $(seq 1 22); do "$CRM" add contact "Clone $i" >/dev/null; done
run show clone
is "$rc" 4 "22 name prefixes: exit 4"
like "$err" "more than 20 records match" "the message says more than 20"
is "$(printf '%s\n' "$err" | grep -c '^  contact ')" 20 "20 candidates listed"

# --- Russian ------------------------------------------------------------------
if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$'; then
	out=$(LC_ALL=ru_RU.UTF-8 "$CRM" add contact X --company Nosuch 2>&1 >/dev/null)
	is "$out" "crm: ошибка: --company: нет записей, подходящих под 'Nosuch'" "ru: not found, the option named"
	out=$(LC_ALL=ru_RU.UTF-8 "$CRM" rm Acme 2>&1 >/dev/null)
	like "$out" "'Acme' неоднозначно: подходят 2 записи" "ru: ambiguous"
	like "$out" "подсказка: укажите идентификатор, более длинное начало или --type company" "ru: the hint"
	out=$(LC_ALL=ru_RU.UTF-8 "$CRM" show "" 2>&1 >/dev/null)
	like "$out" "пустая ссылка на запись" "ru: empty reference"
	out=$(LC_ALL=ru_RU.UTF-8 "$CRM" show clone 2>&1 >/dev/null)
	like "$out" "подходят больше 20 записей" "ru: more than 20"
else
	ok 1 "ru_RU.UTF-8 is not installed"
fi

store_clean "end"
done_testing
