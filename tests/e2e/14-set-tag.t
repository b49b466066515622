#!/bin/bash
# crm set and crm tag: setting, removing, appending to and removing from
# lists, stage changes and their history, references, validation, and
# no commit when nothing changes.
. "$(dirname "$0")/lib.sh"

# yv FILE KEY: python repr of a top-level key (None when absent)
yv() {
	python3 -c 'import yaml,sys; print(repr(yaml.safe_load(open(sys.argv[1], encoding="utf-8")).get(sys.argv[2])))' "$1" "$2"
}
nochange() {
	is "$(commits)" "$1" "$2: no commit"
	is "$(git status --porcelain)" "" "$2: nothing written"
}

new_store set
sed -i 's/^  email: ann@example.com$/&\n- login: bob\n  name: Bob Jones\n  email: bob@example.com/' crm.yaml
git commit -qam "add bob" || exit 1
co=$("$CRM" add company "Acme Ltd")
co2=$("$CRM" add company "Globex")
ct=$("$CRM" add contact "John Smith" --company "Acme Ltd" --phone "+7 916 000-00-00" --role buyer --tag cold)
de=$("$CRM" add deal "Supply 2027" --company "Acme Ltd" --amount 1000)
ta=$("$CRM" add task "Call" --for "John Smith" --due 2026-12-01)
fc=$(file_of contact "$ct"); fd=$(file_of deal "$de"); ft=$(file_of task "$ta")

# --- KEY=VALUE, KEY=, KEY+=, KEY-= ---
n=$(commits)
created=$(yv "$fc" created)
run set "John Smith" role=accountant industry=retail
is "$rc" 0 "set exits 0"
is "$(yv "$fc" role)" "'accountant'" "KEY=VALUE sets a known field"
is "$(yv "$fc" industry)" "'retail'" "KEY=VALUE sets a custom field"
is "$(commits)" $((n + 1)) "set makes one commit"
is "$(git log -1 --format='%an')" "Ann Smith" "set commit authored by the user"
like "$(git log -1 --format=%s)" "^contact ${ct:0:4}: " "set commit subject names the record"
is "$(yv "$fc" created)" "$created" "created unchanged by set"
store_clean "set KEY=VALUE"
run set "John Smith" role=
is "$(yv "$fc" role)" None "KEY= removes the field"
ok "$(grep -q '^role:' "$fc"; [ $? -ne 0 ]; echo $?)" "removed key is gone from the file"
store_clean "set KEY="
run set "John Smith" phones+="+7 999 111-22-33"
is "$(yv "$fc" phones)" "['+79160000000', '+79991112233']" "phones+= appends (in E.164)"
like "$(cat "$fc")" "- '\+79991112233'" "appended phone is quoted"
like "$(cat "$fc")" "'\+79991112233': '\+7 999 111-22-33'" "and kept as typed in phones_typed"
run set "John Smith" phones-="+7 916 000-00-00"
is "$(yv "$fc" phones)" "['+79991112233']" "phones-= removes (by the form typed)"
run set "John Smith" tags+=hot tags-=cold
is "$(yv "$fc" tags)" "['hot']" "tags+= and tags-= in one set"
run set "John Smith" colors+=red colors+=blue
is "$(yv "$fc" colors)" "['red', 'blue']" "+= on a custom list"
run set "John Smith" colors-=red
is "$(yv "$fc" colors)" "['blue']" "-= on a custom list"
run set "John Smith" emails+=j@example.com
is "$(yv "$fc" emails)" "['j@example.com']" "emails+= creates the list"
store_clean "list operations"
run set "John Smith" notes=$'two\nlines'
is "$(yv "$fc" notes)" "'two\\nlines'" "multi-line value via set"
run set "John Smith" nick=NO
is "$(yv "$fc" nick)" "'NO'" "a value YAML would misread stays a string"

# --- stage change ---
n=$(commits)
run set "Supply 2027" stage=won
is "$rc" 0 "stage change exits 0"
is "$(yv "$fd" stage)" "'won'" "stage set"
is "$(git log -1 --format=%s)" "deal ${de:0:4}: lead -> won" "commit subject 'deal XXXX: lead -> won'"
hist=$(python3 -c 'import yaml,sys; print(" ".join(e["stage"]+"/"+e["by"] for e in yaml.safe_load(open(sys.argv[1]))["stage_history"]))' "$fd")
is "$hist" "lead/ann won/ann" "stage_history gets an entry with the user"
at=$(python3 -c 'import yaml,sys; print(yaml.safe_load(open(sys.argv[1]))["stage_history"][-1]["at"])' "$fd")
like "$at" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$' "stage_history entry has a time"
is "$(yv "$fd" updated)" "'$at'" "updated is the time of the change"
is "$(commits)" $((n + 1)) "stage change is one commit"
store_clean "stage change"
run --user bob set "Supply 2027" stage=lost --reason price
hist=$(python3 -c 'import yaml,sys; print(yaml.safe_load(open(sys.argv[1]))["stage_history"][-1]["by"])' "$fd")
is "$hist" bob "stage_history records --user"
is "$(git log -1 --format='%an')" "Bob Jones" "commit authored by --user"

# --- references ---
run set "Supply 2027" company=Globex
is "$rc" 0 "set company=NAME exits 0"
is "$(yv "$fd" company)" "'$co2'" "company=NAME stores the id"
run set "Supply 2027" company="${co:0:5}"
is "$(yv "$fd" company)" "'$co'" "company=PREFIX stores the id"
run set "Supply 2027" contact="John Smith"
is "$(yv "$fd" contact)" "'$ct'" "contact=NAME stores the id"
run set Call for="Supply 2027"
is "$(yv "$ft" for)" "'$de'" "for=NAME stores the id"
n=$(commits)
run set "Supply 2027" company=nosuch
is "$rc" 3 "company=unknown exits 3"
nochange "$n" "unknown company"

# --- other fields ---
run set "Supply 2027" amount=1750000 currency=EUR
is "$(yv "$fd" amount)" 1750000 "amount set as a number"
is "$(yv "$fd" currency)" "'EUR'" "currency set"
run set Call due=2027-01-15
is "$(yv "$ft" due)" "'2027-01-15'" "due set and quoted"
run set Call due=tomorrow
is "$(yv "$ft" due)" "'$(date -d tomorrow +%F)'" "due=tomorrow parsed"
run set "John Smith" birthday=1990-02-03
is "$(yv "$fc" birthday)" "'1990-02-03'" "birthday set"
run set "John Smith" owner=bob
is "$(yv "$fc" owner)" "'bob'" "owner set to another user"
run set "John Smith" name="Johnny Smith"
is "$(yv "$fc" name)" "'Johnny Smith'" "name set"
run show "Johnny Smith"
is "$rc" 0 "record found by its new name"
store_clean "other fields"

# --- invalid values ---
n=$(commits)
before=$(cat "$fd")
run set "Supply 2027" stage=wonn
ok "$([ "$rc" -ne 0 ]; echo $?)" "unknown stage fails"
like "$err" "unknown stage 'wonn'" "unknown stage named"
like "$err" "did you mean 'won'" "unknown stage: did you mean"
run set "Supply 2027" amount=abc
ok "$([ "$rc" -ne 0 ]; echo $?)" "bad amount fails"
like "$err" "'abc'" "bad amount quoted"
run set "Supply 2027" amount=-1,5
ok "$([ "$rc" -ne 0 ]; echo $?)" "a negative amount fails"
run set Call due=2026-13-45
is "$rc" 2 "bad date exits 2"
like "$err" "'2026-13-45'" "bad date quoted"
run set "Johnny Smith" birthday=someday
is "$rc" 2 "bad birthday exits 2"
run set "Supply 2027" owner=carol
ok "$([ "$rc" -ne 0 ]; echo $?)" "unknown owner fails"
like "$err" "'carol'" "unknown owner named"
run set "Supply 2027" pipeline=nope
ok "$([ "$rc" -ne 0 ]; echo $?)" "unknown pipeline fails"
run set "Supply 2027" id=abcdefghjk
ok "$([ "$rc" -ne 0 ]; echo $?)" "setting id is refused"
like "$err" "'id'" "id refusal names the field"
run set "Supply 2027" created=2020-01-01T00:00:00+03:00
ok "$([ "$rc" -ne 0 ]; echo $?)" "setting created is refused"
run set "Supply 2027" updated=2020-01-01T00:00:00+03:00
ok "$([ "$rc" -ne 0 ]; echo $?)" "setting updated is refused"
run set "Supply 2027" name=
ok "$([ "$rc" -ne 0 ]; echo $?)" "removing the name is refused"
run set "Supply 2027" stage_history=
ok "$([ "$rc" -ne 0 ]; echo $?)" "removing stage_history by hand is refused"
run set "Supply 2027" stage=won amount=bad
ok "$([ "$rc" -ne 0 ]; echo $?)" "one bad value in several fails the whole set"
run set "Supply 2027" nick=$'bad\xff'
is "$rc" 2 "invalid UTF-8 value exits 2"
is "$(cat "$fd")" "$before" "deal file unchanged by invalid sets"
nochange "$n" "invalid values"

# --- usage errors ---
run set
is "$rc" 2 "set without arguments exits 2"
run set "Supply 2027"
is "$rc" 2 "set without KEY=VALUE exits 2"
run set "Supply 2027" foo
is "$rc" 2 "set with a non KEY=VALUE argument exits 2"
run set "Supply 2027" =x
is "$rc" 2 "set with an empty key exits 2"
run set nosuch a=b
is "$rc" 3 "set on an unknown ref exits 3"
nochange "$n" "usage errors"

# --- nothing changed ---
run set "Supply 2027" amount=1750000
is "$rc" 0 "setting the same value exits 0"
nochange "$n" "same value"
run set "Johnny Smith" nosuchkey=
is "$rc" 0 "removing an absent key exits 0"
nochange "$n" "remove absent key"
run set "Johnny Smith" tags-=absent
nochange "$n" "remove absent list item"

# --- tag ---
fco=$(file_of company "$co")
run tag "Acme Ltd" +vip wholesale
is "$rc" 0 "tag exits 0"
is "$(yv "$fco" tags)" "['vip', 'wholesale']" "+TAG and TAG add"
is "$(commits)" $((n + 1)) "tag makes one commit"
like "$(git log -1 --format=%s)" "^company ${co:0:4}: " "tag commit subject names the record"
store_clean "tag add"
n=$(commits)
run tag "Acme Ltd" vip
is "$rc" 0 "adding a present tag exits 0"
is "$(yv "$fco" tags)" "['vip', 'wholesale']" "no duplicate tag"
nochange "$n" "adding a present tag"
run tag "Acme Ltd" -absent
is "$rc" 0 "removing an absent tag exits 0"
nochange "$n" "removing an absent tag"
run tag "Acme Ltd" -vip
is "$(yv "$fco" tags)" "['wholesale']" "-TAG removes"
is "$(commits)" $((n + 1)) "tag removal makes one commit"
run tag "Acme Ltd" -wholesale +hot
is "$(yv "$fco" tags)" "['hot']" "add and remove in one call"
run tag "Acme Ltd" -hot
is "$(yv "$fco" tags)" None "removing the last tag removes the key"
ok "$(grep -q '^tags:' "$fco"; [ $? -ne 0 ]; echo $?)" "no empty tags key left"
store_clean "tag remove"
run tag "${de:0:4}" Ёлка
is "$(yv "$fd" tags)" "['Ёлка']" "tag by id prefix, Cyrillic tag"
n=$(commits)
run tag "Acme Ltd"
is "$rc" 2 "tag without tags exits 2"
run tag
is "$rc" 2 "tag without arguments exits 2"
run tag nosuch vip
is "$rc" 3 "tag on an unknown ref exits 3"
nochange "$n" "tag errors"

# a tag added and removed in one command changes nothing: no commit
tagged=$("$CRM" add company "Tag Twice")
before=$(git rev-parse HEAD)
run tag "$tagged" +twice -twice
is "$rc" 0 "tag +x -x exits 0"
is "$out" "nothing changed" "tag +x -x says nothing changed"
is "$(git rev-parse HEAD)" "$before" "tag +x -x commits nothing"

done_testing
