#!/bin/bash
# 50-dates.t - crm log --since/--until read by the options parser as every
# date option is (the same words, the option named in errors); a day its
# month lacks (31.02, 29.02 outside leap years) refused with the month's
# length, wherever a date is read; in English and Russian.
. "$(dirname "$0")/lib.sh"

# heads: the number of commit heading lines in $out
heads() {
	printf '%s\n' "$out" | grep -cE '^[0-9a-f]{8}  '
}

ru() {
	out=$(LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 "$CRM" "$@" 2>"$TEST_ROOT/stderr")
	rc=$?
	err=$(cat "$TEST_ROOT/stderr")
}
have_ru=false
locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$' && have_ru=true

new_store dates
cid=$("$CRM" add company "Acme Ltd")
tid=$("$CRM" add task "Call back" --for "$cid" --due tomorrow)
total=$(commits)

# --- --since and --until take every word a date takes ---
for w in yesterday вчера Вчера -7d "-1w" "1 день назад" "$(date -d yesterday +%d.%m.%Y)" \
	"$(date -d yesterday +%F)" "$(date -d '-1 hour' '+%d.%m.%Y %H:%M')" today сегодня; do
	run log --since "$w"
	is "$rc" 0 "log --since '$w' exits 0"
	is "$(heads)" "$total" "log --since '$w': every commit of today"
done
for w in tomorrow завтра +1d "$(date -d tomorrow +%d.%m.%Y)" "31.12.2099" "в понедельник"; do
	run log --until "$w"
	is "$rc" 0 "log --until '$w' exits 0"
	is "$(heads)" "$total" "log --until '$w': every commit so far"
done
run log --since=завтра
is "$rc" 0 "--since=WHEN exits 0"
is "$out" "" "--since=завтра: nothing"
run log --until 31.12.2020
is "$out" "" "--until 31.12.2020: nothing"
run log --since +1h --since -1h
is "$(heads)" "$total" "--since given twice: the last one counts"
run log --until вчера "$cid"
is "$rc" 0 "--until with a REF exits 0"
is "$out" "" "--until yesterday in one record's history: nothing"

# --- bad dates: exit 2, the option named, nothing written ---
n=$(commits)
for opt in --since --until; do
	run log $opt nonsense
	is "$rc" 2 "log $opt nonsense exits 2"
	like "$err" "^crm: error: $opt: cannot read date 'nonsense'" "$opt nonsense: the option and the text named"
	like "$err" "usage: crm log" "$opt nonsense: the usage line"
	run log $opt vchera
	is "$rc" 2 "log $opt vchera exits 2"
	like "$err" "^crm: error: $opt: cannot read date 'vchera' \(did you mean 'вчера'\?\)" \
		"$opt vchera: the same did-you-mean as every date"
	run log "$opt=31.02.2026"
	is "$rc" 2 "log $opt=31.02.2026 exits 2"
	is "$(printf '%s\n' "$err" | head -1)" \
		"crm: error: $opt: cannot read date '31.02.2026': February 2026 has only 28 days" \
		"$opt 31.02.2026: the month's length"
	run log $opt $'\xff'
	is "$rc" 2 "log $opt with invalid UTF-8 exits 2"
	like "$err" "$opt" "invalid UTF-8: the option named"
done
run log --since
is "$rc" 2 "--since without a value exits 2"
like "$err" "option '--since' needs a value" "and says so"
is "$(commits)" "$n" "no commit after the bad values"
store_clean "after bad log dates"

# --- a day the month lacks, wherever a date is read ---
tf=$(file_of task "$tid")
before=$(cat "$tf")
head=$(git rev-parse HEAD)
bad_day() {   # bad_day WHEN WANT: set, add and a query refuse WHEN
	run set "$tid" "due=$1"
	is "$rc" 2 "set due='$1' exits 2"
	is "$err" "crm: error: due: cannot read date '$1': $2" "set due='$1': $2"
	run add task "Other" --for "$cid" --due "$1"
	is "$rc" 2 "add --due '$1' exits 2"
	like "$err" "^crm: error: due: cannot read date '$1': $2" "add --due '$1': $2"
	run list task "due<\"$1\""
	is "$rc" 2 "list 'due<\"$1\"' exits 2"
	like "$err" "cannot read date '$1': $2" "query due<\"$1\": $2"
}
bad_day 31.02.2026 "February 2026 has only 28 days"
bad_day 2026-02-31 "February 2026 has only 28 days"
bad_day 29.02.2027 "February 2027 has only 28 days"
bad_day 2027-02-29 "February 2027 has only 28 days"
bad_day 2100-02-29 "February 2100 has only 28 days"
bad_day 30.02.2028 "February 2028 has only 29 days"
bad_day "31.04.2026 15:00" "April 2026 has only 30 days"
bad_day "31 июня 2027" "June 2027 has only 30 days"
bad_day 32.12.2026 "December 2026 has only 31 days"
is "$(git rev-parse HEAD)" "$head" "no commit after the days that do not exist"
is "$(cat "$tf")" "$before" "the task file is unchanged"

# 29 February in leap years is a day
run set "$tid" due=29.02.2028
is "$rc" 0 "set due=29.02.2028 exits 0"
like "$(cat "$tf")" "^due: '?2028-02-29'?$" "29.02.2028 is stored"
run set "$tid" due=2000-02-29
is "$rc" 0 "set due=2000-02-29 exits 0"
run log --since 29.02.2028
is "$out" "" "log --since 29.02.2028: nothing yet"

# a hand edit with such a day is refused by crm commit
head=$(git rev-parse HEAD)
sed -i 's/^due: .*/due: 31.02.2026/' "$tf"
run commit
is "$rc" 1 "commit of a hand-edited due: 31.02.2026 exits 1"
like "$err" "cannot read date '31.02.2026': February 2026 has only 28 days" "commit: the month's length"
is "$(git rev-parse HEAD)" "$head" "commit: nothing committed"
git checkout -q -- "$tf"
store_clean "after the hand edit"

# --- Russian ---
if $have_ru; then
	ru log --since 31.02.2026
	is "$rc" 2 "ru: log --since 31.02.2026 exits 2"
	is "$(printf '%s\n' "$err" | head -1)" \
		"crm: ошибка: --since: не удалось прочитать дату '31.02.2026': в феврале 2026 года всего 28 дней" \
		"ru: February has 28 days"
	ru log --until 32.03.2027
	is "$(printf '%s\n' "$err" | head -1)" \
		"crm: ошибка: --until: не удалось прочитать дату '32.03.2027': в марте 2027 года всего 31 день" \
		"ru: March has 31 days (singular)"
	ru set "$tid" due=29.02.2027
	is "$rc" 2 "ru: set due=29.02.2027 exits 2"
	like "$err" "в феврале 2027 года всего 28 дней" "ru: 2027 is no leap year"
	ru set "$tid" due=2028-02-30
	like "$err" "в феврале 2028 года всего 29 дней" "ru: 2028 is"
	ru log --since вчера
	is "$(heads)" "$(commits)" "ru: --since вчера"
else
	ok 0 "# SKIP ru_RU.UTF-8 is not installed"
fi


# "next working day": a weekday after today, at its time (9:00 without one)
run set "$tid" "due=next working day 10:00"
is "$rc" 0 "due=next working day 10:00 is read"
got=$(python3 - "$(file_of task "$tid")" <<'PY'
import sys, yaml, datetime
due = yaml.safe_load(open(sys.argv[1]))["due"]
d = datetime.datetime.fromisoformat(str(due))
today = datetime.date.today()
print("ok" if d.weekday() < 5 and d.date() > today and
      (d.date() - today).days <= 3 and d.strftime("%H:%M") == "10:00" else "bad %s" % due)
PY
)
is "$got" "ok" "next working day 10:00 is a Monday-to-Friday after today, at 10:00"
run set "$tid" "due=next working day at noon"
is "$rc" 2 "next working day with words after it is refused"

done_testing
