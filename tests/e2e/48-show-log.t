#!/bin/bash
# 48-show-log.t - crm show with what hangs on a record (a company's tasks
# through its contacts and deals, by due date), missing and unreadable
# references, its JSON; crm log's field changes as data, its filters and
# their errors; terminal-safe text; Russian labels.
. "$(dirname "$0")/lib.sh"

# py SCRIPT: runs python3 on the JSON in $out (as `d`), printing its result
py() {
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); $1"
}

# section TITLE: the lines of $out from TITLE to the next empty line
section() {
	printf '%s\n' "$out" | sed -n "/^$1/,/^\$/p" | sed 1d
}

# heads: the number of commit heading lines in $out
heads() {
	printf '%s\n' "$out" | grep -cE '^[0-9a-f]{8}  '
}

new_store showlog
sed -i 's/^  email: ann@example.com$/&\n- login: bob\n  name: Bob Jones\n  email: bob@example.com/' crm.yaml
git commit -qam "add bob" || exit 1

# --- a company with tasks of its own, of its contacts and of its deals ---
co=$("$CRM" add company "Acme Ltd")
ct=$("$CRM" add contact "Иван Петров" --company "Acme Ltd" --role buyer)
de=$("$CRM" add deal "Supply 2027" --company "Acme Ltd" --amount 1000)
other=$("$CRM" add company "Other Co")
t1=$("$CRM" add task "Company call" --for "Acme Ltd" --due 2026-12-05)
t2=$("$CRM" add task "Contact birthday" --for "Иван Петров" --due 2026-12-03 --owner bob)
t3=$("$CRM" add task "Deal offer" --for "Supply 2027" --due "2026-12-04 11:30")
t4=$("$CRM" add task "Long overdue" --for "Иван Петров" --due 2020-01-10)
t5=$("$CRM" add task "Not ours" --for "Other Co" --due 2020-01-01)
cd2=$("$CRM" add deal "Ivan's own deal" --contact "Иван Петров")
t6=$("$CRM" add task "Contact's deal task" --for "Ivan's own deal" --due 2026-12-06)
store_clean "setup"

run show "Acme Ltd"
is "$rc" 0 "show company exits 0"
tasks=$(section "Timeline:")
is "$(printf '%s\n' "$tasks" | grep -c ' open task ')" 5 "the company's timeline has its five open tasks (own, contact's, deal's, contact's deal's)"
order=$(printf '%s\n' "$tasks" | grep -oE "Long overdue|Contact birthday|Deal offer|Company call|Contact's deal task" | tr '\n' ,)
is "$order" "Contact's deal task,Company call,Deal offer,Contact birthday,Long overdue," "tasks at their due dates, newest first"
like "$tasks" "2020-01-10 +ann +open task +Long overdue" "a task line: due, owner, kind, title"
like "$(printf '%s\n' "$tasks" | grep -A1 'Long overdue')" "for Иван Петров \(${ct:0:4}\)" "what it is for under it"
like "$tasks" "2026-12-04 11:30 +ann +open task +Deal offer" "a deal's task: due in local time without seconds"
like "$(printf '%s\n' "$tasks" | grep -A1 'Deal offer')" "for Supply 2027 \(${de:0:4}\)" "for the deal"
like "$tasks" "bob +open task +Contact birthday" "the task's owner shown"
ok "$(printf '%s' "$tasks" | grep -q 'Not ours'; [ $? -ne 0 ]; echo $?)" "another company's task is not shown"
ok "$(printf '%s' "$out" | grep -q '^Open tasks:'; [ $? -ne 0 ]; echo $?)" "no section of open tasks beside the timeline"
is "$(printf '%s\n' "$out" | grep -c 'Long overdue')" 1 "each open task is shown once"
like "$(section "Contacts:")" "Иван Петров +buyer" "the company's contact with its role"
like "$(section "Deals:")" "Supply 2027 +lead +1000" "the company's deal with stage and amount"
like "$(section "Deals:")" "Ivan's own deal" "a deal of the company's contact is the company's too"
run --format json show "Acme Ltd"
is "$rc" 0 "show company --format json exits 0"
is "$(py 'print(",".join(t["id"] for t in d["related"]["tasks"]))')" "$t4,$t2,$t3,$t1,$t6" "json: related tasks by due"
is "$(py 't=d["related"]["tasks"][0]; print(t["due"], t["for"], t["for_name"], t["owner"], t["name"])')" \
	"2020-01-10 $ct Иван Петров ann Long overdue" "json: a task's due, for, for_name, owner, name"
is "$(py 'print([c["id"] for c in d["related"]["contacts"]], [x["id"] for x in d["related"]["deals"]])')" \
	"['$ct'] ['$cd2', '$de']" "json: related contacts and deals (by name)"
is "$(py 'print(d["format_version"], d["type"], d["id"], d["name"])')" "1 company $co Acme Ltd" "json: format_version, type, id, name"

run show "Иван Петров"
tasks=$(section "Timeline:")
is "$(printf '%s\n' "$tasks" | grep -oE 'Long overdue|Contact birthday' | tr '\n' ,)" "Contact birthday,Long overdue," "a contact shows its tasks in its timeline"
like "$out" "company +Acme Ltd \(${co:0:4}\)" "a contact shows its company by name with the short id"

run show "$t3"
like "$out" "due +2026-12-04 11:30$" "a task's due: local time, no seconds, no offset"
like "$out" "for +Supply 2027 \(${de:0:4}\)" "a task's parent by name"
like "$out" "created +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$" "created in local time without seconds"
run --format json show "$t3"
is "$(py 'print(d["due"], d["for"], d["for_name"])')" "2026-12-04T11:30:00+03:00 $de Supply 2027" "json keeps the stored time and names the parent"

# --- a private client: a deal with only a contact ---
pc=$("$CRM" add contact "Мария Частная")
pd=$("$CRM" add deal "Ремонт кухни" --contact "Мария Частная" --amount 250000 --stage lead)
pt=$("$CRM" add task "Замер" --for "Ремонт кухни" --due 2026-12-10)
run show "Ремонт кухни"
is "$rc" 0 "show a deal with only a contact exits 0"
like "$out" "contact +Мария Частная \(${pc:0:4}\)" "the deal shows its contact"
ok "$(printf '%s\n' "$out" | grep -qE '^  company '; [ $? -ne 0 ]; echo $?)" "no company line for a deal without one"
like "$out" "stage +Lead \(lead\)" "the deal's stage"
like "$out" "amount +250000" "the deal's amount"
like "$(section "Timeline:")" "open task +Замер" "the deal's task"
run --format json show "Ремонт кухни"
is "$(py 'print(d["contact"], d["contact_name"], "company" in d, d["amount"])')" "$pc Мария Частная False 250000" \
	"json: contact and its name, no company, the amount a number"
is "$(py 'print(",".join(h["stage"] for h in d["stage_history"]))')" "lead" "json: the stage history"
run show "Мария Частная"
like "$(section "Deals:")" "Ремонт кухни" "the private client shows her deal"
like "$(section "Timeline:")" "open task +Замер" "and her deal's task"

# --- a dangling reference after rm --force ---
gone=$("$CRM" add company "Gone Co")
left=$("$CRM" add contact "Left Behind" --company "Gone Co" --role cfo)
"$CRM" rm --force "Gone Co" >/dev/null || echo "# rm --force failed"
run show "Left Behind"
is "$rc" 0 "show with a dangling reference exits 0"
is "$err" "" "a dangling reference: nothing on stderr"
like "$out" "company +\(missing: $gone\)$" "the dangling reference is shown as missing with its id"
like "$out" "role +cfo" "the rest of the record is shown"
run --format json show "Left Behind"
is "$(py 'print(d["company"], d["company_name"], d["company_error"])')" "$gone None missing" "json: a missing reference"

# --- a reference to a file that does not parse ---
bco=$("$CRM" add company "Broken Co")
bct=$("$CRM" add contact "Bro Ken" --company "Broken Co" --role buyer)
bfile=$(file_of company "$bco")
echo 'broken: [' >>"$bfile"
git commit -qam break || exit 1
n=$(commits)
run show "Bro Ken"
is "$rc" 0 "show with an unreadable company file exits 0 (no signal)"
like "$out" "company +\(unreadable: $bfile\)" "the unreadable reference names the file"
like "$out" "role +buyer" "the rest of the contact prints"
like "$err" "^crm: warning: .*'$bfile'" "a warning names the file"
run --format json show "Bro Ken"
is "$rc" 0 "json with an unreadable company file exits 0"
like "$(py 'print(d["company_name"], d["company_error"])')" "^None cannot read '$bfile'" "json: the reference's error names the file"
run show "$bco"
is "$rc" 1 "showing the unreadable record itself exits 1"
like "$err" "$bfile" "and names its file"
is "$(commits)" "$n" "show writes nothing"
run --format json log -n 1
is "$(py 'c=d["log"][0]["changes"][0]; print(c["action"], c["record"]["id"], c["record"]["name"])')" \
	"unreadable $bco Broken Co" "log: a version that does not parse is 'unreadable'"
git revert --no-edit HEAD >/dev/null 2>&1 || echo "# revert failed"

# --- formats of show ---
run --format ids show "Acme Ltd"
is "$out" "$co" "show --format ids prints the id"
run --format csv show "Acme Ltd"
is "$rc" 2 "show --format csv exits 2"
like "$err" "it prints: table, json, ids, yaml" "the error names the formats show prints"
run --format tsv show "Acme Ltd"
is "$rc" 2 "show --format tsv exits 2"
run --format yaml log
is "$rc" 2 "log --format yaml exits 2"
like "$err" "it prints: table, json, csv, tsv, ids" "the error names the formats log prints"

# --- multi-line values and control characters ---
"$CRM" set "Acme Ltd" "notes=first line
second line" >/dev/null
run show "Acme Ltd"
like "$out" "notes +first line" "a multi-line value's first line"
like "$out" "$(printf '\n                  second line')" "its next line indented under the first"
evil=$(printf 'Evil\033[31mCo\007\rX')
ev=$("$CRM" add company "$evil")
run show "$ev"
is "$rc" 0 "show a name with control characters exits 0"
ok "$(printf '%s' "$out" | grep -q "$(printf '[\033\007\r]')"; [ $? -ne 0 ]; echo $?)" "no raw ESC, BEL or CR reaches the terminal"
like "$out" 'Evil\\x1b\[31mCo\\x07\\rX' "control characters shown escaped"
run --format json show "$ev"
is "$(py 'print(d["name"] == "Evil\x1b[31mCo\x07\rX")')" True "json keeps the name exact"
run log -n 1
ok "$(printf '%s' "$out" | grep -q "$(printf '[\033\007\r]')"; [ $? -ne 0 ]; echo $?)" "log: no raw control characters"
like "$out" 'Evil\\x1b\[31mCo' "log: control characters escaped"
run --format json log -n 1
is "$(py 'print(d["log"][0]["changes"][0]["record"]["name"] == "Evil\x1b[31mCo\x07\rX")')" True "log json keeps the name exact"

# --- log: field changes as data ---
"$CRM" set "Supply 2027" amount=2000 stage=proposal >/dev/null
"$CRM" tag "Supply 2027" +hot >/dev/null
nw=$("$CRM" add contact "New Person" --role intern)
"$CRM" rm "Other Co" --force >/dev/null
run --format json log -n 4
is "$rc" 0 "log --format json exits 0"
is "$(py 'print(d["format_version"], len(d["log"]))')" "1 4" "log json: format_version and -n 4 entries"
is "$(py 'e=d["log"][0]; print(e["id"], e["author"]["login"], e["author"]["name"], e["author"]["email"])')" \
	"$(git rev-parse HEAD) ann Ann Smith ann@example.com" "log json: commit id and author login, name, e-mail"
like "$(py 'print(d["log"][0]["time"])')" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+03:00$' \
	"log json: ISO 8601 time with its offset"
is "$(py 'c=d["log"][0]["changes"]; print(len(c), c[0]["action"], c[0]["record"]["type"], c[0]["record"]["id"], c[0]["record"]["name"], c[0]["old"]["name"], c[0]["new"])')" \
	"1 removed company $other Other Co Other Co None" "log json: a removed record, with its last version"
is "$(py 'c=d["log"][1]["changes"]; print(len(c), c[0]["action"], c[0]["record"]["id"], c[0]["field"], c[0]["old"], c[0]["new"]["name"], c[0]["new"]["role"])')" \
	"1 added $nw None None New Person intern" "log json: an added record, with its content"
is "$(py 'c=d["log"][2]["changes"]; print([(x["action"], x["field"], x["old"], x["new"]) for x in c])')" \
	"[('changed', 'tags', None, ['hot'])]" "log json: a tag change"
is "$(py 'c=d["log"][3]["changes"]; print(sorted((x["field"], x["old"], x["new"]) for x in c if x["field"] != "stage_history"))')" \
	"[('amount', 1000, 2000), ('stage', 'lead', 'proposal')]" "log json: a set of two fields, old and new values typed"
is "$(py 'c=d["log"][3]["changes"]; h=[x for x in c if x["field"] == "stage_history"][0]; print(len(h["old"]), len(h["new"]), h["new"][-1]["stage"])')" \
	"1 2 proposal" "log json: the stage history's new entry"
is "$(py 'print(set(x["record"]["name"] for x in d["log"][3]["changes"]))')" "{'Supply 2027'}" "log json: each change names its record"

run log -n 4
like "$out" "$(printf '  deal %s  Supply 2027\n    amount: 1000 -> 2000' "${de:0:4}")" "log text: the record, then field: old -> new"
like "$out" "stage: lead -> proposal" "log text: the stage change"
like "$out" "tags: - -> hot" "log text: the tag change"
like "$out" "company ${other:0:4}  Other Co  \(removed\)" "log text: the removed record"
like "$out" "contact ${nw:0:4}  New Person  \(added\)" "log text: the added record"
like "$(printf '%s\n' "$out" | head -1)" "^[0-9a-f]{8}  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}  Ann Smith \(ann\)  " \
	"log text: hash, local time without seconds, who"
run log "Supply 2027" -n 2
like "$out" "$(printf '\n  tags: - -> hot')" "log REF: field lines without the record line"
ok "$(printf '%s' "$out" | grep -q "deal ${de:0:4}  Supply"; [ $? -ne 0 ]; echo $?)" "log REF: no record heading"

# a commit of several records lists each
sed -i 's/^role: buyer$/role: chief buyer/' "$(file_of contact "$ct")"
sed -i 's/^role: intern$/role: junior/' "$(file_of contact "$nw")"
"$CRM" commit -m "two roles" >/dev/null || echo "# commit failed"
run --format json log -n 1
is "$(py 'print(sorted((x["record"]["id"], x["field"], x["old"], x["new"]) for x in d["log"][0]["changes"]))')" \
	"$(python3 -c "print(sorted([('$ct', 'role', 'buyer', 'chief buyer'), ('$nw', 'role', 'intern', 'junior')]))")" \
	"log json: a commit of two records lists the changes of each"
run --format csv log -n 1
is "$rc" 0 "log --format csv exits 0"
is "$(printf '%s\n' "$out" | python3 -c '
import csv,sys
r=list(csv.reader(sys.stdin))
print(r[0]); print(len(r)-1, sorted((x[4], x[7], x[8], x[9]) for x in r[1:]))')" \
	"$(printf "%s\n%s" "['COMMIT', 'TIME', 'AUTHOR', 'TYPE', 'ID', 'NAME', 'ACTION', 'FIELD', 'OLD', 'NEW']" \
	   "2 $(python3 -c "print(sorted([('$ct', 'role', 'buyer', 'chief buyer'), ('$nw', 'role', 'intern', 'junior')]))")")" \
	"log csv: a header, one row per field change"
run --format tsv log -n 1
is "$(printf '%s\n' "$out" | sed 1d | cut -f7,8 | sort -u)" "$(printf 'changed\trole')" "log tsv: one row per field change"
run --format ids log -n 2
is "$out" "$(git log -2 --format=%H)" "log --format ids prints commit ids"

# the changed paths of each commit are those git finds
run --format json log -n 8
got=$(py 'print("\n".join(" ".join([e["id"]] + sorted(e["paths"])) for e in d["log"]))')
want=$(git log -8 --format=%H | while read -r h; do
	printf '%s' "$h"; git diff-tree --no-commit-id --name-only -r "$h" | sort | sed 's/^/ /' | tr -d '\n'; echo
done)
is "$got" "$want" "log json: the paths of the last 8 commits are git's"

# --- --author: two users, by --user and by git's user.email ---
"$CRM" --user bob set "Acme Ltd" source=fair >/dev/null
git config --global user.email bob@example.com
"$CRM" set "Acme Ltd" website=acme.example >/dev/null
git config --global user.email ann@example.com
"$CRM" set "Acme Ltd" address=Moscow >/dev/null
run log --author bob
is "$rc" 0 "--author bob exits 0"
is "$(heads)" 2 "--author bob: bob's two commits (--user and git's user.email)"
like "$out" "set website=acme.example" "the commit by git's user.email is bob's"
like "$out" "set source=fair" "the commit by --user bob"
run --format json log --author bob
is "$(py 'print(set(e["author"]["login"] for e in d["log"]))')" "{'bob'}" "--author bob: json authors are bob"
run log --author ann -n 3
ok "$(printf '%s' "$out" | grep -q 'Bob Jones'; [ $? -ne 0 ]; echo $?)" "--author ann leaves bob's commits out"
like "$(printf '%s\n' "$out" | head -1)" "set address=Moscow" "--author ann -n 3 starts with ann's newest"
run log "Acme Ltd" --author bob
is "$(heads)" 2 "--author in one record's history"
run log "Acme Ltd" --author bob --since +1h
is "$out" "" "--since in one record's history"
run log --author "jones"
is "$(heads)" 2 "--author matches part of a git author's name"
git -c user.name="Carol Git" -c user.email=carol@example.com commit -q --allow-empty -m "carol's note" || exit 1
run log --author carol@example.com
is "$(heads)" 1 "--author matches a git author who is no crm user"
run --format json log --author carol -n 1
is "$(py 'a=d["log"][0]["author"]; print(a["login"], a["name"], a["email"])')" "None Carol Git carol@example.com" \
	"json: a git author who is no crm user has no login"
run log --author nobody-at-all
is "$rc" 0 "an author with no commits exits 0"
is "$out" "" "and prints nothing"

# --- --since and --until ---
total=$(commits)
run log --since yesterday
is "$(heads)" "$total" "--since yesterday: every commit of today"
run log --since 2026-01-01 -n 3
is "$(heads)" 3 "--since with --limit"
run log --since +1h
is "$out" "" "--since in an hour: nothing"
run log --until -1d
is "$out" "" "--until yesterday... none of today's commits"
run log --until +1h --since -1h
is "$(heads)" "$total" "--since and --until around now: every commit"
GIT_AUTHOR_DATE="2026-01-15T10:00:00+03:00" GIT_COMMITTER_DATE="2026-01-15T10:00:00+03:00" \
	git commit -q --allow-empty -m "an old clock" || exit 1
run log --until 2026-01-15
is "$(heads)" 1 "--until a day includes that day's commit"
like "$out" "an old clock" "the commit of that day"
run log --until 2026-01-14
is "$out" "" "--until the day before: nothing"
run log --since yesterday
is "$(heads)" "$total" "--since skips one commit with an old clock and goes on"
run --format json log --since 2026-01-15 --until 2026-01-15
is "$(py 'print([e["subject"] for e in d["log"]])')" "['an old clock']" "--since and --until the same day"

# --- bad values: exit 2, the option named, nothing written ---
n=$(commits)
for bad in "-n abc" "--limit -3" "--limit 1.5" "--since nonsense" "--until 2026-13-45" "--since" "--author="; do
	run log $bad
	is "$rc" 2 "log $bad exits 2"
	opt=${bad%% *}; opt=${opt%%=*}; [ "$opt" = "-n" ] && opt=--limit
	like "$err" "$opt" "log $bad: the error names $opt"
done
run log --since today --until yesterday
is "$rc" 2 "--until before --since exits 2"
like "$err" "--until" "and says so"
run log --author ""
is "$rc" 2 "an empty --author exits 2"
is "$(commits)" "$n" "no commit after the bad values"
store_clean "after log"

# --- Russian ---
ru() {
	out=$(LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 "$CRM" "$@" 2>"$TEST_ROOT/stderr")
	rc=$?
	err=$(cat "$TEST_ROOT/stderr")
}
if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$'; then
	ru show "Supply 2027"
	is "$rc" 0 "ru: show exits 0"
	like "$out" "компания +Acme Ltd" "ru: the company label"
	like "$out" "этап +Proposal \(proposal\)" "ru: the stage label"
	like "$out" "сумма +2000" "ru: the amount label"
	like "$out" "Хронология:" "ru: the timeline heading (the stage changes are in it)"
	like "$out" " задача +" "ru: an open task in the timeline"
	ru show "Left Behind"
	like "$out" "компания +\(нет записи: $gone\)" "ru: a missing reference"
	ru log -n 20
	like "$out" "New Person  \(добавлена\)" "ru: an added record in the log"
	ru log --since nonsense
	is "$rc" 2 "ru: a bad --since exits 2"
	like "$err" "^crm: ошибка: --since" "ru: the error names the option"
else
	ok 0 "# SKIP ru_RU.UTF-8 is not installed"
fi

done_testing
