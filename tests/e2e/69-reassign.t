#!/bin/bash
# crm reassign FROM TO [QUERY]: every record owned by FROM, or those the
# query matches, to TO in one commit; crm undo takes it back; a login
# crm.yaml lost is put right; refusals write nothing; the workflow with
# crm user rm; help and completion; English and Russian.
. "$(dirname "$0")/lib.sh"

ru() { LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 run "$@"; }

# owners DIR: the owners of the record files under DIR, counted
# ("ann=2 bob=1 ").
owners() {
	cat "$1"/*/*.yaml | sed -n 's/^owner: //p' | sort | uniq -c |
		awk '{ printf "%s=%s ", $2, $1 }'
}

new_store reassign
"$CRM" user add bob --name "Bob Brown" --email bob@example.com >/dev/null
"$CRM" user add leyla --name "Leyla Əliyeva" >/dev/null
co=$("$CRM" add company "ООО Ромашка")
ct=$("$CRM" add contact "Иван Петров" --company "ООО Ромашка")
dw=$("$CRM" add deal "Поставка" --company "ООО Ромашка" --stage won)
dl=$("$CRM" add deal "Lead deal" --stage lead)
db=$("$CRM" add deal "Bob's deal" --stage won --owner bob)
ta=$("$CRM" add task "Перезвонить" --for "Поставка")
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	"$CRM" add contact "Contact $i" >/dev/null
done
store_clean "setup"
is "$(owners contacts)" "ann=13 " "setup: ann owns the contacts"

# --- every record of FROM ---------------------------------------------------------
n=$(commits)
run reassign ann leyla
is "$rc" 0 "reassign exits 0"
is "$out" "reassigned 17 records from 'ann' to 'leyla'
  1 company, 13 contacts, 2 deals, 1 open task" "reassign counts the records, by type"
is "$(commits)" $((n + 1)) "reassign is one commit"
is "$(git log -1 --format=%s)" "reassign ann -> leyla (17 records)" "reassign: the subject"
is "$(git show --stat --format= HEAD | grep -c '|')" 17 "the commit holds the 17 records"
is "$(owners companies) $(owners contacts) $(owners tasks)" "leyla=1  leyla=13  leyla=1 " \
	"companies, contacts and tasks are leyla's"
is "$(owners deals)" "bob=1 leyla=2 " "ann's deals are leyla's, bob's stays his"
like "$(grep '^updated:' "$(file_of company "$co")")" "^updated: " "a reassigned record's updated is set"
ok "$(! grep -q 'owner: ann' companies/*/*.yaml contacts/*/*.yaml deals/*/*.yaml tasks/*/*.yaml; echo $?)" \
	"no file names ann as owner"
is "$(git diff HEAD~1 -- crm.yaml)" "" "reassign does not touch crm.yaml"
store_clean "reassign"
run undo
is "$rc" 0 "undo of reassign exits 0"
like "$out" "reassign ann -> leyla" "undo says what it undid"
is "$(owners contacts)" "ann=13 " "undo: ann owns the contacts again"
is "$(owners deals)" "ann=2 bob=1 " "undo: and her deals"
store_clean "undo reassign"

# --- a query -----------------------------------------------------------------------
n=$(commits)
run reassign ann bob stage:won
is "$rc" 0 "reassign with a query exits 0"
is "$(printf '%s\n' "$out" | head -1)" "reassigned 1 record from 'ann' to 'bob'" "only the record the query matches"
is "$(grep '^owner:' "$(file_of deal "$dw")")" "owner: bob" "the won deal is bob's"
is "$(grep '^owner:' "$(file_of deal "$dl")")" "owner: ann" "the lead deal stays ann's"
is "$(commits)" $((n + 1)) "one commit"
run reassign ann bob type:contact '(' 'name:"Contact 5"' or 'name:"Contact 6"' ')'
is "$rc" 0 "a query of several words"
is "$(printf '%s\n' "$out" | head -1)" "reassigned 2 records from 'ann' to 'bob'" "a query of several words: its records"
run reassign ann bob '"Contact 3"'
is "$(printf '%s\n' "$out" | head -1)" "reassigned 1 record from 'ann' to 'bob'" "free text"
n=$(commits)
run reassign ann bob stage:negotiation
is "$rc" 0 "a query no record matches exits 0"
is "$out" "no records of 'ann' to reassign" "and says so"
is "$(commits)" "$n" "nothing committed when nothing matches"
store_clean "query"

# --- refusals -------------------------------------------------------------------------
n=$(commits)
run reassign ann bobb
is "$rc" 3 "an unknown TO exits 3"
like "$err" "unknown user 'bobb' \(did you mean 'bob'\?\)" "an unknown TO: did you mean"
run reassign anna bob
is "$rc" 3 "an unknown FROM nobody has exits 3"
like "$err" "unknown user 'anna' \(did you mean 'ann'\?\)" "an unknown FROM: did you mean"
run reassign ann ann
is "$rc" 2 "FROM and TO the same exit 2"
run reassign ann bob 'stage:('
is "$rc" 2 "a query that does not parse exits 2"
like "$err" "query: column" "the query error is the query's"
run reassign ann
is "$rc" 2 "one argument exits 2"
like "$err" "usage: crm reassign FROM TO" "one argument: the usage"
run reassign "$(printf 'a\377n')" bob
is "$rc" 3 "a FROM of invalid UTF-8 is an unknown user"
ok "$(printf '%s' "$err" | grep -q "$(printf '\377')"; [ $? -ne 0 ]; echo $?)" \
	"the invalid byte is not printed raw"
nothing_now=$(commits)
is "$nothing_now" "$n" "refusals commit nothing"
is "$(git status --porcelain)" "" "refusals leave the work tree clean"

# --- a login crm.yaml lost (a plain git commit of someone's) ------------------------------
sed -i 's/^owner: .*/owner: zed/' "$(file_of deal "$dl")"
git commit -qam "a colleague's commit naming a user crm.yaml lacks"
n=$(commits)
run reassign zed ann
is "$rc" 0 "reassign from a login crm.yaml lacks exits 0"
is "$(printf '%s\n' "$out" | head -1)" "reassigned 1 record from 'zed' to 'ann'" "the record of the lost login is found"
is "$(grep '^owner:' "$(file_of deal "$dl")")" "owner: ann" "and put right"
is "$(commits)" $((n + 1)) "in one commit"
run show "$dl"
is "$rc" 0 "the deal is shown again"
store_clean "lost login"

# --- the workflow of someone leaving -------------------------------------------------
run user rm ann --user bob
is "$rc" 1 "ann, who owns records, cannot be removed"
run --user bob reassign ann leyla
is "$rc" 0 "her records are handed over"
run --user bob user rm ann
is "$rc" 0 "then ann is removed"
ok "$(! grep -q 'login: ann' crm.yaml; echo $?)" "ann is gone from crm.yaml"
run --format ids list deal owner:leyla
is "$out" "$dl" "leyla has ann's deal"
store_clean "workflow"

# --- Russian ----------------------------------------------------------------------------
ru --user bob reassign leyla bob stage:lead
is "$rc" 0 "ru: reassign exits 0"
is "$(printf '%s\n' "$out" | head -1)" "1 запись передана от 'leyla' к 'bob'" "ru: one record"
ru --user bob reassign leyla bob
like "$out" "^[0-9]+ записей передано от 'leyla' к 'bob'$" "ru: many records"
ru --user bob reassign leyla bob
is "$out" "у 'leyla' нет записей, которые нужно передать" "ru: nothing to reassign"
ru --user bob reassign leyla bobb
like "$err" "неизвестный пользователь 'bobb' \(может быть, 'bob'\?\)" "ru: an unknown user"
store_clean "ru"

# --- help and completion ------------------------------------------------------------------
run reassign --help
is "$rc" 0 "reassign --help exits 0"
like "$out" "^usage: crm reassign FROM TO \[QUERY...\]" "reassign --help: the usage"
run help reassign
like "$out" "hand the records of one owner over to another" "crm help reassign"
comp() { "$CRM" __complete words -- crm "$@" | cut -f1 | tr '\n' ' '; }
is "$(comp reassign "")" "bob leyla " "completion: FROM is a user"
is "$(comp reassign bob "")" "bob leyla " "completion: TO is a user"
like "$(comp reassign bob leyla stag)" "^stage " "completion: then a query"
is "$(comp reassign bob leyla owner:l)" "owner:leyla " "completion: the query's values"
is "$(comp rea)" "reassign " "completion: the command"
done_testing
