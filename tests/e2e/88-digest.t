#!/bin/bash
# crm digest as text: nothing on an empty day, each section with the
# client's phone, --owner and --all, the day kept under .git/crm/digest/
# (no repeat on the same day, missed days said and covered, a corrupt or
# unwritable state), refusals, a locked store, broken records, hostile
# names, Russian.
. "$(dirname "$0")/lib.sh"

ru() { LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 run "$@"; }
day() { date -d "$1" +%F; }
today=$(day today)

# --- an empty store: nothing to say -------------------------------------------------
new_store s
n=$(commits)
run digest
is "$rc:$out:$err" "0::" "an empty digest prints nothing and exits 0"
is "$(cat .git/crm/digest/ann 2>&1)" "$today" "the day is kept in .git/crm/digest/ann"
run digest --always
is "$rc" 0 "--always on an empty day exits 0"
like "$out" "^crm digest for Ann Smith \(ann\), [A-Z][a-z][a-z] $today$" "--always: the title alone"
store_clean "the digest's state"
is "$(commits)" "$n" "a digest commits nothing"

# --- refusals ---------------------------------------------------------------------
run digest extra
is "$rc" 2 "an argument is a usage error"
run digest --owner ann --all
is "$rc" 2 "--owner with --all is a usage error"
like "$err" "--owner and --all cannot be given together" "--owner with --all: the message"
run digest --owner anne
is "$rc" 2 "an unknown owner is a usage error"
like "$err" "unknown user 'anne' \(did you mean 'ann'\?\)" "an unknown owner: did you mean"
run digest --owner "$(printf 'a\xffb')"
is "$rc" 2 "an owner in invalid UTF-8 is a usage error"
run digest --date someday
is "$rc" 2 "a bad --date is a usage error"
like "$err" "cannot read date 'someday'" "a bad --date: the message names it"
run digest --date "tomorrow 10:00"
is "$rc" 2 "--date with a time is a usage error"
like "$err" "--date takes a day, not a time" "--date with a time: the message"
run digest --sendmail " "
is "$rc" 2 "an empty --sendmail is a usage error"
run digest --format json
is "$rc" 2 "--format json is refused"
# --- each section -------------------------------------------------------------------
"$CRM" user add bob --name "Bob Brown" >/dev/null
co=$("$CRM" add company "ООО Ромашка" --phone "+7 495 123-45-67")
ct=$("$CRM" add contact "Иван Петров" --company "$co" --phone "+7 916 000-11-22" \
	--birthday "1980-$(date -d '+2 days' +%m-%d)")
far=$("$CRM" add contact "Far Birthday" --company "$co" --birthday "1990-$(date -d '+20 days' +%m-%d)")
dl=$("$CRM" add deal "Поставка" --company "$co" --contact "$ct" --stage negotiation)
t1=$("$CRM" add task "Перезвонить" --for "$co" --due "$(day '-3 days')")
t2=$("$CRM" add task "Встреча" --for "$dl" --due "today 23:59")
t3=$("$CRM" add task "Send the offer" --for "$ct" --due "+3d")
t4=$("$CRM" add task "Much later" --for "$far" --due "+30d")
lo=$("$CRM" add contact "Lonely" --company "$co")
"$CRM" add task "Lonely's call" --for "$lo" --due "+1d" >/dev/null
"$CRM" task rm "$("$CRM" list task "Lonely's" --format ids)" >/dev/null
bc=$("$CRM" add company "Bob Co" --owner bob --phone "+7 812 000-00-01")
# a stale deal: its last activity 20 days ago (rot_days of negotiation: 14)
old=$(date -d '-20 days' +%Y-%m-%dT00:00:00+03:00)
sd=$("$CRM" add deal "Old deal" --company "$bc" --owner bob --stage negotiation)
"$CRM" add task "Keep it warm" --for "$sd" --owner bob --due "+60d" >/dev/null
sed -i "s/^created: .*/created: '$old'/; s/^  at: .*/  at: '$old'/; s/^updated: .*/updated: '$old'/" \
	"$(file_of deal "$sd")"
git commit -qam "an old deal"
rm -f .git/crm/digest/ann
run digest
is "$rc" 0 "a digest with something to say exits 0"
like "$out" "^crm digest for Ann Smith \(ann\), " "the title names the owner"
like "$out" "Overdue \(1\)" "the overdue section"
like "$out" "  $(day '-3 days')  Перезвонить, 3 days late — ООО Ромашка, \+7 495 123-45-67  ${t1:0:6}" \
	"the overdue task: its day, how late, the client and the phone"
like "$out" "Due today \(1\)" "today's section"
like "$out" "  23:59  Встреча \[Поставка\] — ООО Ромашка, \+7 916 000-11-22  ${t2:0:6}" \
	"today's task: its time, its deal, the client, the contact's phone"
like "$out" "Due in the next 7 days \(1\)" "the next days' section"
like "$out" "  [A-Z][a-z][a-z] $(day '+3 days')  Send the offer — Иван Петров, \+7 916 000-11-22" \
	"the next days: weekday and day, the contact and its phone"
ok "$(printf '%s' "$out" | grep -c "Much later")" "a task a month away is not shown"
like "$out" "Birthdays \(1\)" "the birthdays' section"
like "$out" "  [A-Z][a-z][a-z] $(date -d '+2 days' +%Y-%m-%d)  Иван Петров, turns $(( $(date -d '+2 days' +%Y) - 1980 )) — ООО Ромашка, \+7 916 000-11-22" \
	"a birthday this week: the day, the age, the company, the phone"
ok "$(printf '%s' "$out" | grep -c "Far Birthday.*turns")" "a birthday in 20 days is not shown"
like "$out" "Active, with no next task \(1\)" "the records with no next task"
like "$out" "  contact  Lonely — ООО Ромашка, \+7 495 123-45-67  ${lo:0:6}" \
	"a contact with no task: its company and the company's phone"
ok "$(printf '%s' "$out" | grep -c "contact  Far Birthday")" "a contact whose task is far has one"
ok "$(printf '%s' "$out" | grep -c "Bob Co")" "--owner ann shows none of bob's"
is "$(cat .git/crm/digest/ann)" "$today" "the day is recorded"

# bob: the stale deal and its company's phone
run digest --owner bob
like "$out" "Stale deals \(1\)" "bob: the stale deals' section"
like "$out" "  deal  Old deal \(Negotiation\), no activity for 20 days — Bob Co, \+7 812 000-00-01  ${sd:0:6}" \
	"the stale deal: its stage's name, the days, the client's phone"
like "$out" "Active, with no next task \(1\)" "bob: a company with no task"
like "$out" "  company  Bob Co, \+7 812 000-00-01  ${bc:0:6}" "the company's line has its own phone"

# --- the state: no repeat, --always, missed days ---------------------------------------
run digest
is "$rc:$out" "0:" "run again the same day: nothing"
run digest --always
like "$out" "Перезвонить" "--always: the same digest again"
printf '%s\n' "$(day '-4 days')" >.git/crm/digest/ann
"$CRM" set "$ct" birthday="1980-$(date -d '-2 days' +%m-%d)" >/dev/null
run digest
like "$out" "No digest was made on 3 days: the last one was of $(day '-4 days')\." \
	"missed days: said at the top"
like "$out" "  [A-Z][a-z][a-z] $(day '-2 days')  Иван Петров, turns" "missed days: their birthdays are covered"
is "$(cat .git/crm/digest/ann)" "$today" "after missed days the day is today's"
printf '%s\n' "$(day '-1 days')" >.git/crm/digest/ann
run digest --always
ok "$(printf '%s' "$out" | grep -c "No digest was made")" "yesterday's digest: nothing missed"
ok "$(printf '%s' "$out" | grep -c "$(day '-2 days')  Иван")" "yesterday's digest: an older birthday is not shown"
printf 'garbage\n' >.git/crm/digest/ann
run digest
is "$rc" 0 "a corrupt state: exit 0"
like "$err" "warning: '.git/crm/digest/ann' is not the digest's state" "a corrupt state: a warning names it"
like "$out" "Перезвонить" "a corrupt state: the digest is made"
is "$(cat .git/crm/digest/ann)" "$today" "a corrupt state is replaced"
run digest --date yesterday --always
like "$out" "$(day yesterday)" "--date yesterday --always: yesterday's digest"
is "$(cat .git/crm/digest/ann)" "$today" "--date yesterday does not move the day kept back"
run digest --date yesterday
is "$out" "" "--date yesterday, made already: nothing"
run digest --date "$(day '+5 days')" --always
like "$out" "$(day '+5 days')" "--date in the future: that day's digest"
is "$(cat .git/crm/digest/ann)" "$today" "--date in the future keeps no state"
run digest --date "$(day '+5 days')"
like "$out" "Overdue" "--date in the future: a preview, even when made today"
if [ "$(id -u)" != 0 ]; then
	chmod 555 .git/crm/digest
	rm -f .git/crm/digest/ann 2>/dev/null
	run digest --owner bob --always
	is "$rc" 1 "an unwritable state: exit 1"
	like "$err" "cannot keep the digest's day in '.git/crm/digest/bob'" "an unwritable state: the message"
	is "$out" "" "an unwritable state: nothing is written out"
	chmod 755 .git/crm/digest
else
	mv .git/crm/digest .git/crm/digest.saved
	printf 'x' >.git/crm/digest
	run digest --owner bob --always
	is "$rc" 1 "a state that cannot be kept: exit 1"
	like "$err" "cannot (read|keep the digest's day in) '.git/crm/digest/bob'" "a state that cannot be kept: the message"
	is "$out" "" "a state that cannot be kept: nothing is written out"
	rm -f .git/crm/digest
	mv .git/crm/digest.saved .git/crm/digest
fi
printf 'x' >.git/crm/digest/bob.lnk && ln -sf /etc/passwd .git/crm/digest/bob && rm -f .git/crm/digest/bob.lnk
run digest --owner bob
is "$rc" 0 "a state that is a link: not followed, replaced"
like "$err" "warning: '.git/crm/digest/bob' is not the digest's state" "a state that is a link: a warning"
is "$(cat .git/crm/digest/bob)" "$today" "a state that is a link is replaced by a file"
ok "$([ ! -L .git/crm/digest/bob ]; echo $?)" "the link is gone"

# --- every owner --------------------------------------------------------------------
run digest --all
is "$rc" 0 "--all exits 0"
like "$out" "^crm digest of every owner, " "--all: its title"
like "$out" "== Ann Smith \(ann\) ==" "--all: ann's heading"
like "$out" "== Bob Brown \(bob\) ==" "--all: bob's heading"
is "$(cat .git/crm/digest/@all)" "$today" "--all keeps a state of its own"
run digest --all
is "$out" "" "--all again: nothing"

# --- a locked store: the digest takes no lock -----------------------------------------
rm -f "$TEST_ROOT/held"
python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "a+")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(20)
' .git/crm/lock "$TEST_ROOT/held" &
holder=$!
for _ in $(seq 100); do [ -e "$TEST_ROOT/held" ] && break; sleep 0.05; done
start=$(date +%s%3N)
CRM_LOCK_TIMEOUT=0 run digest --always
el=$(( $(date +%s%3N) - start ))
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
is "$rc" 0 "a locked store: the digest runs"
like "$out" "Перезвонить" "a locked store: the digest is whole"
ok "$([ "$el" -lt 5000 ]; echo $?)" "a locked store: no wait (${el} ms)"

# --- broken records and hostile names -----------------------------------------------
mkdir -p tasks/zz
printf 'id: zzzzzzzzzz\nname: [unclosed\n' >tasks/zz/zzzzzzzzzz.yaml
printf 'id: zzzzzzzzzy\nname: "bad \xff utf8"\ntype: x\n' >tasks/zz/zzzzzzzzzy.yaml
git add tasks && git commit -qm "broken files"
mkdir -p companies/zz
printf 'id: zzzzzzzzzx\nname: "Evil\\e[31mRed\\e[0m\\nBcc: x@y"\nphones:\n- "+7 495 000-00-09"\nowner: ann\ncreated: %s\nupdated: %s\n' \
	"'2026-01-01T10:00:00+03:00'" "'2026-01-01T10:00:00+03:00'" >companies/zz/zzzzzzzzzx.yaml
git add companies && git commit -qm "a hostile name"
run digest --always
is "$rc" 0 "broken records: the digest still runs"
like "$out" "Перезвонить" "broken records: the others are shown"
ok "$(printf '%s' "$out" | grep -c "unclosed")" "a broken record is left out"
printf '%s' "$out" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1
ok $? "a record in invalid UTF-8 is left out: the digest is valid UTF-8"
ok "$(printf '%s' "$out" | grep -c "$(printf '\033')")" "no escape reaches the terminal"
like "$out" 'Evil\\x1b\[31mRed\\x1b\[0m\\nBcc: x@y' "a hostile name is shown escaped, on one line"

# --- Russian ------------------------------------------------------------------------
python3 - <<'PY'
t = open("crm.yaml").read()
t = t.replace("    name: Negotiation\n", "    name:\n      en: Negotiation\n      ru: Переговоры\n")
open("crm.yaml", "w").write(t)
PY
git commit -qam "stage names in Russian"
ru digest --always
like "$out" "^Сводка crm для Ann Smith \(ann\), " "Russian: the title"
like "$out" "Просрочено \(1\)" "Russian: overdue"
like "$out" "Перезвонить, просрочено на 3 дня" "Russian: days late"
like "$out" "На сегодня \(1\)" "Russian: today"
ru digest --owner bob --always
like "$out" "Переговоры" "Russian: the stage's name in the user's language"
like "$out" "Зависшие сделки \(1\)" "Russian: stale deals"
like "$out" "нет активности 20 дней" "Russian: days without activity"

store_clean "after the digests"
done_testing
