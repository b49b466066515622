#!/bin/bash
# 91-redteam-reports.t - hostile inputs to crm report, crm digest and
# crm export ics that once gave wrong numbers or left files behind: the
# largest amounts (15 digits) summed exactly, in the table as in CSV;
# a digest killed while its sendmail hangs leaves no temporary file;
# crm export ics with a due beyond what libical writes.

. "$(dirname "$0")/lib.sh"

new_store red
# deal FILE-ID AMOUNT: commits a won deal of AMOUNT RUB by hand.
deal() {
	mkdir -p "deals/${1:0:2}"
	cat >"deals/${1:0:2}/$1.yaml" <<YAML
id: $1
name: Deal $1
pipeline: sales
stage: lead
amount: '$2'
currency: RUB
owner: ann
created: '2026-01-01T00:00:00+00:00'
updated: '2026-01-01T00:00:00+00:00'
stage_history:
- id: 'h1$1'
  stage: lead
  at: '2026-01-01T00:00:00+00:00'
  by: ann
YAML
	git add -A && git commit -qm "deal $1" || { echo "Bail out! commit"; exit 1; }
}

# --- amounts of 15 digits: exact, not through a double ---------------------------------
deal zzaaaaaaa1 999999999999999
run --format csv report funnel
like "$out" "stages,Lead,1,999999999999999\.00 RUB," \
	"CSV: the largest amount is exact (not .04)"
run report funnel
like "$out" "Lead +1 +999999999999999 RUB " "table: the largest amount is exact"
deal zzaaaaaaa2 999999999999999.99
run --format csv report funnel
like "$out" "stages,Lead,2,1999999999999998\.99 RUB," "two of them: the exact sum"
run --format json report funnel
like "$out" '"amount": 1999999999999998\.99' "JSON: the exact sum"
deal zzaaaaaaa3 0.005
run --format csv report funnel
like "$out" "stages,Lead,3,1999999999999999\.00 RUB," "a third decimal rounds half up"

# --- a digest whose sendmail hangs, killed by timeout: no temporary state left ---------
rm -rf .git/crm/digest
timeout -s TERM 1 "$CRM" digest --owner ann --always --sendmail 'sleep 30' 2>/dev/null
is "$?" 124 "a hanging sendmail: crm is ended by the signal"
is "$(ls -A .git/crm/digest 2>&1)" "" "SIGTERM: no temporary state file is left, no day recorded"
timeout -s INT 1 "$CRM" digest --owner ann --always --sendmail 'sleep 30' 2>/dev/null
is "$(ls -A .git/crm/digest 2>&1)" "" "SIGINT: nothing left either"
run digest --owner ann --always --sendmail 'cat >/dev/null'
is "$rc:$(ls -A .git/crm/digest)" "0:ann" "then a sendmail that works: the day is recorded"

# --- crm export ics: a due after the year 2998, which libical cannot write -------------
ic=$("$CRM" add deal "For tasks" --amount 1)
"$CRM" add task "Soon" --for "$ic" --due 2026-12-01 >/dev/null
far=$("$CRM" add task "Far away" --for "$ic" --due 2026-12-02)
sed -i "s/^due: .*/due: '9999-12-31'/" "$(file_of task "$far")"
git commit -qam "a task due in 9999"
for ev in "" --events; do
	run export ics $ev
	is "$rc" 0 "export ics $ev: a task due in 9999 does not fail the export"
	ok "$(printf '%s' "$out" | grep -c '00000000T000000')" \
		"export ics $ev: no DUE:00000000T000000 (libical's null time)"
	ok "$(printf '%s' "$out" | grep -c 'Far away')" "export ics $ev: the task is left out"
	like "$out" "SUMMARY:Soon" "export ics $ev: the others are written"
	like "$err" "1 task due after the year 2998 is not in the calendar" \
		"export ics $ev: the task left out is counted on standard error"
done
sed -i "s/^due: .*/due: '2999-01-01T00:00:00+00:00'/" "$(file_of task "$far")"
git commit -qam "a task due at 2999"
run export ics --events --tz Pacific/Kiritimati
ok "$(printf '%s' "$out" | grep -c 'Far away')" "a moment in 2999: left out as well"
sed -i "s/^due: .*/due: '2998-12-31'/" "$(file_of task "$far")"
git commit -qam "a task due at 2998"
run export ics --events
like "$out" "DTEND;VALUE=DATE:29990101" "the last day of 2998: written, its end the next day"

# --- sums past what 64 bits of cents hold, and rates that would overflow -------
cd "$TEST_ROOT" || exit 1
new_store big
for i in $(seq 1 100); do
	"$CRM" add deal "Big $i" --amount 999999999999999 --currency USD >/dev/null ||
		{ echo "Bail out! add deal"; exit 1; }
done
for r in funnel forecast sources; do
	run report "$r"
	is "$rc" 1 "report $r of 100 deals of 10^15 USD: exit 1"
	like "$err" "cannot add up the deals' amounts" "...with a clear error, not a wrong sum"
	is "$out" "" "...and no table"
done
for i in 1 2 3 4 5 6 7 8 9; do "$CRM" rm "Big $i" >/dev/null; done
run --format csv report funnel
is "$rc" 0 "91 deals of 10^15 USD add up"
like "$out" "Lead,91,90999999999999909.00 USD" "...exactly"
printf 'rates:\n  base: RUB\n  USD: 999999999\n' >>crm.yaml
git commit -qam "a rate near a billion"
run report funnel
is "$rc" 1 "a rate that would overflow the sum: exit 1"
like "$err" "cannot add up the deals' amounts" "...with the same error"
sed -i 's/^  USD: 999999999$/  USD: 1000000000/' crm.yaml
git commit -qam "a rate of a billion"
run report funnel
is "$rc" 1 "a rate of a billion is refused"
like "$err" "rates: the rate of 'USD' must be a number above 0 and below a billion" \
	"...saying what a rate may be"

done_testing
