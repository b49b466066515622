#!/bin/bash
# 44-search-rank.t - how crm search ranks and shows what it finds: records
# whose name holds the words before those that only mention them (Cyrillic,
# Azerbaijani, Latin), then the most recently updated; the MATCH column (the
# phone, e-mail or text that matched, never the name again); counts when more
# match than are shown; --limit at its edges; the same answers from a search
# of words alone (the full-text indexes) and from one the general query
# compiler answers; the index of names kept true by updates and removals.

. "$(dirname "$0")/lib.sh"

# put TYPE ID NAME UPDATED [LINE...]: writes a record file by hand, with
# created and updated at UPDATED (a date), and the extra YAML lines.
put() {
	local type=$1 id=$2 name=$3 when="'$4T10:00:00+03:00'" dir
	shift 4
	case $type in
	company) dir=companies ;; contact) dir=contacts ;; deal) dir=deals ;;
	esac
	mkdir -p "$dir/${id:0:2}"
	{
		printf 'id: %s\nname: %s\n' "$id" "$name"
		[ "$type" = deal ] && printf 'pipeline: sales\nstage: lead\n'
		printf 'owner: ann\n'
		for l in "$@"; do printf '%s\n' "$l"; done
		printf 'created: %s\nupdated: %s\n' "$when" "$when"
	} >"$dir/${id:0:2}/$id.yaml"
}

# note TEXT: the YAML lines of a timeline holding one note.
note() {
	printf '%s\n' "timeline:" "- id: '$(printf '%s' "$1" | md5sum | tr -d 'ilou' | cut -c1-10)'" \
		"  at: '2026-01-10T10:00:00+03:00'" "  by: ann" "  kind: note" "  text: '$1'"
}

# ids QUERY...: the ids crm search prints, in order, on one line.
ids() {
	run --format ids search "$@"
	printf '%s\n' "$out" | tr '\n' ' ' | sed 's/ $//'
}

# match_of ID QUERY...: the MATCH of record ID in crm --format json search.
match_of() {
	local id=$1
	shift
	run --format json search "$@" --limit 1000
	printf '%s' "$out" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["results"]:
    if r["id"] == sys.argv[1]:
        print(r["match"])' "$id"
}

new_store s

# Cyrillic: a company and a contact named Петров (older), a deal that
# mentions Петров in a note (newest)
put company c0pe7r0v01 "Петров и партнёры" 2020-01-01 "phones:" "- '+7 (812) 555-01-02'"
put contact c0pe7r0v02 "Иван Петров" 2021-01-01 "phones:" "- '+7 (495) 123-45-67'" \
	"emails:" "- ivan.petrov@example.ru"
mapfile -t nl < <(note "Звонил Петров, просил скидку")
put deal d0pe7r0v03 "Поставка 2026" 2026-01-01 "${nl[@]}"
# Azerbaijani
put contact a0a1yev001 "Rəşad Əliyev" 2020-02-01 "emails:" "- rashad@example.az"
mapfile -t nl < <(note "Əliyev zəng etdi, müqavilə")
put deal a0a1yev002 "Müqavilə 2026" 2026-02-01 "${nl[@]}"
# Latin
put contact t0h0mps001 "John Thompson" 2020-03-01
mapfile -t nl < <(note "Thompson asked for the price list")
put company t0h0mps002 "Globex" 2026-03-01 "${nl[@]}"
# a long note, to see the MATCH cut around the word
mapfile -t nl < <(note "Это очень длинная заметка о том, как мы долго обсуждали условия поставки, сроки, цены и скидки, и наконец договорились: зебрафиш, и ещё много слов после этого, чтобы строка была длинной")
put contact z0zebra001 "Zed Long" 2020-04-01 "${nl[@]}"
"$CRM" commit -m "ranking records" >/dev/null || { echo "Bail out! crm commit failed"; exit 1; }
c1=c0pe7r0v01 p1=c0pe7r0v02 d1=d0pe7r0v03 az1=a0a1yev001 az2=a0a1yev002
th1=t0h0mps001 th2=t0h0mps002 ze=z0zebra001

# --- names first, then the most recently updated ------------------------------
is "$(ids петров)" "$p1 $c1 $d1" "петров: names (newest first) above a newer note"
is "$(ids ПЕТРОВ)" "$p1 $c1 $d1" "ПЕТРОВ: the same, whatever the case"
is "$(ids əliyev)" "$az1 $az2" "əliyev: the name above a newer note"
is "$(ids ƏLİYEV)" "$az1 $az2" "ƏLİYEV: the same in capitals"
is "$(ids thompson)" "$th1 $th2" "thompson: the name above a newer note"
is "$(ids петров --limit 2)" "$p1 $c1" "--limit 2: the two names"
is "$(ids петров --limit 1)" "$p1" "--limit 1: the newest name"
is "$(ids "иван петров")" "$p1" "two words: the record holding both"

# the general query compiler (a field term that is always true) ranks alike
for q in петров əliyev thompson партн; do
	is "$(ids "$q" not id:zzzzzzzzzz --limit 100)" "$(ids "$q" --limit 100)" \
		"'$q': the same order with a field term as without"
done

# --- MATCH: what matched, never the name again --------------------------------
is "$(match_of $p1 495 123)" "+7 (495) 123-45-67" "phone fragment: MATCH shows the phone"
is "$(match_of $p1 74951234567)" "+7 (495) 123-45-67" "phone digits: MATCH shows the phone"
is "$(match_of $p1 ivan.petrov)" "ivan.petrov@example.ru" "e-mail fragment: MATCH shows the address"
is "$(match_of $az1 rashad@)" "rashad@example.az" "Azerbaijani contact: MATCH shows the address"
is "$(match_of $d1 петров)" "Звонил Петров, просил скидку" "a note: MATCH shows the note"
is "$(match_of $p1 петров)" "" "the name alone matched: MATCH is empty"
is "$(match_of $c1 петров)" "" "a company whose name matched: MATCH is empty"
is "$(match_of $th1 thompson)" "" "Latin name matched: MATCH is empty"
is "$(match_of $c1 "812 555")" "+7 (812) 555-01-02" "a company's phone: MATCH shows it"
for q in петров əliyev thompson bulk; do
	run --format json search "$q" --limit 1000
	is "$(printf '%s' "$out" | python3 -c '
import json, sys
print(sum(r["match"] == r["name"] for r in json.load(sys.stdin)["results"]))')" 0 \
		"'$q': no result repeats its name as its MATCH"
done
run search петров
like "$out" "deal +$d1 +Поставка 2026 +Звонил Петров, просил скидку" "table: the note in the MATCH column"
m=$(match_of $ze зебрафиш)
like "$m" "^….*зебрафиш.*…$" "a long line: cut around the match, with ellipses"
is "$(printf '%s' "$m" | python3 -c 'import sys; print(len(sys.stdin.read()) <= 62)')" True \
	"a long line: at most 60 characters and two ellipses"

# --- counts when more match than are shown ------------------------------------
for i in $(seq -w 1 60); do
	put contact "b0000000$i" "Bulk Person $i" "2025-01-$(printf '%02d' $(( (10#$i % 28) + 1 )))" \
		"emails:" "- bulk$i@example.com"
done
"$CRM" commit -m "bulk" >/dev/null || { echo "Bail out! bulk commit failed"; exit 1; }
run search bulk
is "$rc" 0 "search of 60 matches exits 0"
is "$(printf '%s\n' "$out" | tail -n +2 | grep -c .)" 50 "the default limit shows 50"
is "$err" "crm: 10 more; use --limit to see them" "and says how many more"
run --format json search bulk
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"], len(d["results"]))')" \
	"60 50" "json: total 60, 50 results"
all=$("$CRM" --format ids list contact bulk | wc -l)
is "$all" 60 "an unlimited list finds all 60"
run --format ids search bulk --limit 100000
is "$(printf '%s\n' "$out" | wc -l)" "$all" "search --limit 100000 finds as many as the list"
run search bulk --limit 7
is "$err" "crm: $((all - 7)) more; use --limit to see them" "--limit 7: the rest counted"
run --format ids list contact bulk --limit 50
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$("$CRM" --format ids list contact bulk | head -50 | tr '\n' ' ')" \
	"list --limit 50: the first 50 of the whole list, by name"
is "$(printf '%s\n' "$out" | head -3 | tr '\n' ' ')" "b000000001 b000000002 b000000003 " "list: by name"
is "$err" "" "list --limit: no count on stderr"
is "$("$CRM" --format ids list contact bulk not id:zzzzzzzzzz | tr '\n' ' ')" \
	"$("$CRM" --format ids list contact bulk | tr '\n' ' ')" "list: the same order with a field term"
is "$(ids bulk --limit 3)" "b000000027 b000000055 b000000026" "search: the most recently updated, then by id"
is "$(ids bulk --limit 3)" "$(ids bulk not id:zzzzzzzzzz --limit 3)" "search: the same order with a field term"

# --- --limit at its edges ------------------------------------------------------
head0=$(git rev-parse HEAD)
run --format ids search bulk --limit 0
is "$rc:$out:$err" "0::" "--limit 0: nothing, exit 0"
run search bulk --limit 0
is "$rc:$out" "0:$(printf 'TYPE  ID  NAME  MATCH')" "--limit 0, table: the header alone"
run --format ids search bulk --limit 1
is "$rc:$(printf '%s\n' "$out" | wc -l)" "0:1" "--limit 1: one result"
run --format ids search bulk --limit 99999999999999
is "$rc:$(printf '%s\n' "$out" | wc -l)" "0:60" "a huge --limit: every result"
run search bulk --limit -1
is "$rc" 2 "--limit -1 exits 2"
like "$err" "^crm: error: .*--limit" "--limit -1: says what is wrong"
run search bulk --limit abc
is "$rc:$out" "2:" "--limit abc exits 2, prints nothing"
run search bulk --limit ''
is "$rc" 2 "--limit '' exits 2"
run list contact bulk --limit x
is "$rc" 2 "list --limit x exits 2"
run --format ids list contact bulk --limit 0
is "$rc:$out" "0:" "list --limit 0: nothing"
is "$(git rev-parse HEAD)" "$head0" "bad limits write nothing"
store_clean "after the searches"

# --- the index of names follows updates and removals ---------------------------
"$CRM" set "$d1" "name=Петров: поставка" >/dev/null
is "$(ids петров)" "$d1 $p1 $c1" "a deal renamed to hold the word ranks among the names"
"$CRM" set "$p1" "name=Иван Сидоров" >/dev/null
is "$(ids петров)" "$d1 $c1" "a contact renamed away from the word is no longer found by it"
is "$(ids сидоров)" "$p1" "but by its new name"
is "$(match_of $p1 ivan.petrov)" "ivan.petrov@example.ru" "and its e-mail still matches"
"$CRM" rm "$c1" >/dev/null 2>&1
is "$(ids петров)" "$d1" "a removed record is no longer found"
is "$(ids партн)" "" "nor by the words of its name"
"$CRM" reindex >/dev/null 2>&1
is "$(ids петров)" "$d1" "the same after a rebuild"
is "$(ids сидоров)" "$p1" "the new name after a rebuild"
store_clean "end"

done_testing
