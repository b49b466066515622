#!/bin/bash
# 53-completion-fields.t - completing the fields of crm set: the custom
# fields crm.yaml declares for the record's type (with += and -= for a
# list, users for a user field) and those its records hold; and fish,
# which cannot be told to add no space: in a real interactive fish no space
# follows "name=" of crm set or "owner:" of a query.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
COMP="$SRC/completions"
BIN="$TEST_ROOT/bin"
mkdir -p "$BIN"
ln -s "$CRM" "$BIN/crm"

# words TEXT: TEXT's lines joined by spaces.
words() { printf '%s\n' "$1" | paste -sd' ' -; }
# values ARGS...: the values crm __complete words offers, joined by spaces.
values() { words "$("$CRM" __complete words -- crm "$@" | cut -f1)"; }
has() {
	case " $1 " in *" $2 "*) ok 0 "$3" ;; *) ok 1 "$3"; printf '# got: %s\n' "$1" ;; esac
}
hasnt() {
	case " $1 " in *" $2 "*) ok 1 "$3"; printf '# got: %s\n' "$1" ;; *) ok 0 "$3" ;; esac
}

# bcomp LINE: what bash completion puts in COMPREPLY for LINE, one a line,
# "(nospace)" last when the script asked for no space.
bcomp() {
	PATH="$BIN:$PATH" timeout 20 bash --norc --noprofile -c '
. "$1" || exit 9
compopt() { [[ $* == *nospace* ]] && NOSPACE=1; return 0; }
COMP_LINE=$2
COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<<"$COMP_LINE"
[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_crm crm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
(( ${#COMPREPLY[@]} )) && printf "%s\n" "${COMPREPLY[@]}"
[[ -n ${NOSPACE-} ]] && echo "(nospace)"
exit 0
' bcomp "$COMP/crm.bash" "$1"
}

new_store s
cat >>crm.yaml <<'EOF'
fields:
  industry: text
  employees: {kind: number, types: [company]}
  renewal: {kind: date, types: deal, label: Renewal}
  regions: {kind: list, types: [company, contact]}
  manager: {kind: user, types: [company]}
EOF
sed -i 's/^  email: ann@example.com$/&\n- login: bob\n  name: Bob Jones\n  email: bob@example.com/' crm.yaml
git commit -qam "custom fields" || exit 1
cid=$("$CRM" add company "Acme Ltd")
did=$("$CRM" add deal "Big deal" --company "$cid")
pid=$("$CRM" add contact "Иван Петров")
"$CRM" set "$cid" legacy_code=X1 >/dev/null || exit 1
"$CRM" set "$did" dealonly=1 >/dev/null || exit 1
head=$(git rev-parse HEAD)

# --- crm set REF <Tab>: the type's declared custom fields ---
got=$(values set "Acme Ltd" "")
for w in name= owner= tags+= industry= employees= regions= regions+= regions-= manager= legacy_code=; do
	has "$got" "$w" "set company: offers $w"
done
hasnt "$got" "renewal=" "set company: not the deal's declared field"
hasnt "$got" "dealonly=" "set company: not a field only a deal holds"
hasnt "$got" "stage=" "set company: not a deal's built-in field"
is "$(printf '%s\n' "$got" | tr ' ' '\n' | sort | uniq -d)" "" "set company: each field once"
is "$("$CRM" __complete words -- crm set "Acme Ltd" emp)" "employees=	custom field (number)
	nospace" "set company: a declared field's kind described"

got=$(values set "Big deal" "")
for w in stage= amount= industry= renewal= dealonly=; do
	has "$got" "$w" "set deal: offers $w"
done
for w in employees= regions= manager= legacy_code=; do
	hasnt "$got" "$w" "set deal: not $w"
done
is "$("$CRM" __complete words -- crm set "$did" ren)" "renewal=	Renewal (date)
	nospace" "set deal: the label describes the field"

got=$(values set "Иван Петров" "reg")
is "$got" "regions= regions+= regions-=" "set contact: a declared list takes += and -="

got=$(values set "nobody at all" "")
for w in industry= employees= renewal= regions= manager= legacy_code= dealonly=; do
	has "$got" "$w" "set with an unknown REF: offers $w of any type"
done
got=$(values add company X --set "")
has "$got" "employees=" "add company --set: the declared fields of companies"
hasnt "$got" "renewal=" "add company --set: not those of deals"
got=$(values add deal X --set=ren)
is "$got" "--set=renewal=" "add deal --set=ren: renewal="

got=$(values set "Acme Ltd" manager=)
is "$got" "manager=ann manager=bob" "a user field's values are the users"
got=$(values set "Acme Ltd" industry=)
is "$got" "" "a text field has no values to offer"

# bash: the declared field completes with no space after it
is "$(bcomp "crm set Acme\\ Ltd indus")" "industry=
(nospace)" "bash: 'indus' completes to industry= with no space"
is "$(bcomp "crm set Acme\\ Ltd manager=b")" "bob" "bash: manager=b completes to bob (readline keeps 'manager=')"

# --- the fish form: a query's field name ends with its ':' ---
is "$("$CRM" __complete fish -- crm list company ow)" "owner:	field (: = !=)" \
	"__complete fish: owner: for a query"
is "$("$CRM" __complete words -- crm list company ow)" "owner	field (: = !=)
	nospace" "__complete words: the bare name and nospace, as before"
is "$("$CRM" __complete fish -- crm list company "(-ow" | cut -f1)" "(-owner:" "__complete fish: after ( and -"
got=$(words "$("$CRM" __complete fish -- crm list deal "" | cut -f1)")
has "$got" "stage:" "__complete fish: every field name with ':'"
has "$got" "dealonly:" "__complete fish: custom fields too"
hasnt "$got" "stage" "__complete fish: no bare name"
is "$("$CRM" __complete fish -- crm list company owner:)" "owner:ann	Ann Smith
owner:bob	Bob Jones" "__complete fish: the values after owner:"
is "$("$CRM" __complete fish -- crm list company has:ow | cut -f1)" "has:owner" \
	"__complete fish: has: takes a bare field name"
is "$("$CRM" __complete fish -- crm set "Acme Ltd" na | cut -f1)" "name=" "__complete fish: set as words"
is "$(git rev-parse HEAD)" "$head" "completion wrote nothing"

# --- real fish ---
if command -v fish >/dev/null && command -v python3 >/dev/null; then
	fish -n "$COMP/crm.fish"
	ok $? "fish: crm.fish parses"
	got=$(cd "$TEST_ROOT/s" && timeout 120 python3 "$SRC/tests/e2e/tools/fish-complete.py" "$BIN" "$COMP" \
		"crm set Acme\\ Ltd na" "crm set 'Acme Ltd' indus" "crm set Acme\\ Ltd own" \
		"crm list company ow" "crm search stag" "crm list company owner:a" \
		"crm set Acme\\ Ltd manager=b" "crm show Иван\\ П")
	is "$got" "set|Acme Ltd|name=X
set|Acme Ltd|industry=X
set|Acme Ltd|owner=X
list|company|owner:X
search|stage:X
list|company|owner:ann|X
set|Acme Ltd|manager=bob|X
show|Иван Петров|X" \
		"fish: no space after name=, industry=, owner=, owner: and stage:; one after a value"
else
	ok 0 "# SKIP fish or python3 is not installed"
fi

done_testing
