#!/bin/bash
# Field names and values as people type them: a new field close to an
# existing one is refused as a typo unless --new-field; tags and text
# field values compare with case folded.
. "$(dirname "$0")/lib.sh"

new_store fields
deal=$("$CRM" add deal "Supply 2027" --amount 100)
contact=$("$CRM" add contact "Ivan Petrov" --role Buyer --tag VIP)
"$CRM" add contact "Olga Buyer" --role seller --tag other >/dev/null
n=$(commits)

# --- typos of field names ---
run set "$deal" stgae=won
is "$rc" 2 "a misspelt known field is a usage error"
like "$err" "^crm: error: 'stgae' is not a field of deal [0-9a-z]+ '[^']+' \(did you mean 'stage'\?\); to add it as a new field use --new-field$" \
	"the nearest field is suggested"
is "$(commits)" "$n" "nothing committed for a typo"
run set "$contact" colour=red
is "$rc" 0 "a new field far from every other is added"
run set "$deal" color=blue
is "$rc" 2 "a name one letter from a field another record uses is refused"
like "$err" "did you mean 'colour'" "the custom field in use is suggested"
run set "$deal" color=blue --new-field
is "$rc" 0 "--new-field adds it anyway"
run set "$contact" colour=green
is "$rc" 0 "an existing custom field is set without --new-field"
run set "$contact" memo=hello
is "$rc" 0 "'memo' is not taken for a typo of 'name'"
run set "$contact" emial=x@example.com
is "$rc" 2 "emial is refused"
like "$err" "did you mean 'email'" "the list field's singular name is suggested"
run set "$contact" email+=x@example.com
is "$rc" 0 "the singular name of a list field is not a typo"

# --- tags are one tag whatever their case ---
m=$(commits)
run tag "$contact" +vip
is "$rc" 0 "tag +vip exits 0"
like "$out" "nothing changed" "+vip on a record tagged VIP changes nothing"
is "$(commits)" "$m" "no commit for the same tag in another case"
run list contact tag:vip --format ids
is "$out" "$contact" "tag:vip finds the record tagged VIP"
run list contact tag:Vip --format ids
is "$out" "$contact" "tag:Vip finds it too"
run tag "$contact" -vip
is "$rc" 0 "tag -vip removes VIP"
run list contact tag:VIP --format ids
is "$out" "" "the tag is gone"

# --- text field values fold case in queries ---
run list contact role:buyer --format ids
is "$out" "$contact" "role:buyer finds role Buyer"
run list contact role:BUYER --format ids
is "$out" "$contact" "role:BUYER finds role Buyer"
run list contact 'role!=buyer' --format ids
is "$(printf '%s\n' "$out" | grep -c .)" 1 "role!=buyer leaves the other contact"
"$CRM" add contact "Анна Смирнова" --role Бухгалтер >/dev/null
run list contact role:бухгалтер --format ids
is "$(printf '%s\n' "$out" | grep -c .)" 1 "role:бухгалтер finds Бухгалтер"

# --- custom fields declared in crm.yaml with a kind ---
cat >>crm.yaml <<'YAML'
fields:
  industry: text
  employees: {kind: number, types: [company]}
  renewal: {kind: date, types: deal}
  manager: user
  partners: list
YAML
git commit -qam "declare custom fields"
n=$(commits)
run add company Initech --set employees=120 --set industry=software
is "$rc" 0 "a number field takes a number"
initech=$out
run add company Bad --set employees=lots
is "$rc" 2 "a number field refuses text"
like "$err" "field 'employees': 'lots' is not a number" "the field is named"
run set "$deal" renewal=2026-12-31
is "$rc" 0 "a date field takes a date as set reads it"
like "$(cat "$(file_of deal "$deal")")" "renewal: '2026-12-31'" "the date is stored in ISO form"
run set "$deal" renewal=someday
is "$rc" 2 "a date field refuses what is not a date"
run set "$deal" manager=zed
is "$rc" 2 "a user field refuses an unknown user"
like "$err" "unknown user 'zed'" "the user is named"
run set "$initech" partners+=alpha partners+=beta
is "$rc" 0 "a list field takes +="
like "$(cat "$(file_of company "$initech")")" "partners:
- alpha
- beta" "the list is written as a list"
"$CRM" add company Tiny --set employees=9 >/dev/null
run list company 'employees>100' --format ids
is "$out" "$initech" "a number field is compared as a number"
run list deal 'renewal<2027-01-01' --format ids
is "$out" "$deal" "a date field is compared as a date"
run list deal 'renewal>31.12.2026' --format ids
is "$out" "" "a date after the stored one finds nothing"
run list deal 'renewal=2026-12-31' --format ids
is "$out" "$deal" "a date field equals its day"
run list deal 'renewal<soon'
is "$rc" 2 "a date field compared with what is not a date is a usage error"
like "$err" "'soon' is not a date" "the value is named"
n2=$(commits)
printf 'fields:\n  x: numbr\n' >crm.extra
sed -i 's/  partners: list/  partners: lsit/' crm.yaml
run list company
is "$rc" 1 "an unknown kind in crm.yaml is an error"
like "$err" "crm.yaml': line [0-9]+: field 'partners': unknown kind 'lsit' \\(did you mean 'list'\\?\\)" \
	"the kind is named with the nearest"
git checkout -q crm.yaml
rm -f crm.extra
is "$(commits)" "$n2" "nothing committed"

store_clean "fields"
done_testing
