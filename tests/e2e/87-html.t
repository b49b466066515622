#!/bin/bash
# 87-html.t - --format html: crm board (and crm report) as one
# self-contained page, on a store whose names are hostile (markup, SVG
# breakouts, quotes, entities written literally, right-to-left marks,
# terminal escapes, very long, Cyrillic and Azerbaijani names).  Each
# page is checked with a parser that is not crm's (tools/html-check.py:
# well-formed, no script, no handler, no URL, every name shown as text),
# then opened in headless Chromium (tools/chromium-render.py: a
# screenshot that is not blank, no console message, the names in the
# DOM).  The Chromium checks are skipped only when it is not installed.
. "$(dirname "$0")/lib.sh"

tools=$(cd "$(dirname "$0")/tools" && pwd)

# check_page FILE WHAT TEXT...: the page in FILE passes html-check.py,
# every TEXT appearing as text.
check_page() {
	local f=$1 what=$2 res
	shift 2
	res=$(python3 "$tools/html-check.py" "$f" "$@" 2>&1)
	is "$res" "ok" "$what: well-formed, no script, handler or URL, the names as text"
}

# render FILE WHAT TEXT...: the page in FILE renders in Chromium.
render() {
	local f=$1 what=$2 res st
	shift 2
	res=$(python3 "$tools/chromium-render.py" "$f" "$TEST_ROOT/chromium-$_tap_n" "$@" 2>&1)
	st=$?
	if [ "$st" -eq 77 ]; then
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # SKIP $res"
		return
	fi
	ok "$st" "$what: renders in Chromium (not blank, no console message, the names in the DOM)"
	[ "$st" -eq 0 ] || printf '%s\n' "$res" | sed 's/^/# /' | head -20
}

# --- the hostile store --------------------------------------------------------
new_store html
script='<script>alert(1)</script>'
svg='</svg><img src=x onerror=alert(1)>'
quotes=$'"double" \'single\' `back` <b a="1">'
amp='&amp; literally &lt;b&gt; &#60;'
rtl=$'\u202eevil\u202c مرحبا \u200fשלום'
term=$'\e[31mred\e]0;title\a'
term_shown='\x1b[31mred\x1b]0;title\x07'
long="Общество с ограниченной ответственностью «Ромашка» $(printf 'очень-длинное-название-%.0s' $(seq 1 40))"
az='Şəki Əliyev ğ ı ö ü ç ş'
"$CRM" add company "$script" >/dev/null || echo "Bail out! add company"
"$CRM" add company "$long" >/dev/null || echo "Bail out! add long company"
d1=$("$CRM" add deal "$svg" --company "$script" --amount 1200000 --currency RUB --stage proposal)
d2=$("$CRM" add deal "$quotes" --amount 5000.50 --currency EUR --stage proposal)
d3=$("$CRM" add deal "$amp" --stage lead --amount 10 --currency RUB)
d4=$("$CRM" add deal "$rtl" --stage negotiation)
d5=$("$CRM" add deal "$term" --stage lead)
d6=$("$CRM" add deal "$long" --company "$long" --stage needs_analysis --amount 300000 --currency RUB)
d7=$("$CRM" add deal "$az" --stage won --amount 7 --currency AZN)
[ -n "$d7" ] || echo "Bail out! the deals were not added"
"$CRM" add task "$script" --for "$d1" --due 2020-01-01 >/dev/null
"$CRM" add task "Later" --for "$d2" --due 2099-01-01 >/dev/null
"$CRM" add task "Today" --for "$d3" --due today >/dev/null

# d5 entered its stage long ago (lead rots after 3 days): stale
sed -i -e "s/^\( *\(- \)\?at:\) .*/\1 '2026-01-01T10:00:00+03:00'/" \
	-e "s/^created: .*/created: '2026-01-01T10:00:00+03:00'/" "$(file_of deal "$d5")"
"$CRM" commit >/dev/null || echo "# the hand edit of the stage's time was refused"

# --- crm board --format html --------------------------------------------------
page=$TEST_ROOT/board.html
"$CRM" board --format html >"$page" 2>"$TEST_ROOT/stderr"
is "$?" 0 "board --format html exits 0"
is "$(cat "$TEST_ROOT/stderr")" "" "board --format html prints nothing on stderr"
out=$(cat "$page")
like "$out" '^<!DOCTYPE html>' "the page starts with its doctype"
like "$out" '<html lang="en">' "the language of the C locale is English"
like "$out" "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'" \
	"a Content-Security-Policy that allows no script and no load"
ok "$(grep -q $'\e' "$page"; [ $? -ne 0 ]; echo $?)" "no escape character reaches the page"
ok "$(grep -qiE '<script|<img|<svg[^>]* on' "$page"; [ $? -ne 0 ]; echo $?)" \
	"no script, image or handler in the page's bytes"
like "$out" '&lt;/svg&gt;&lt;img src=x onerror=alert\(1\)&gt;' "a name that closes the SVG is text"
like "$out" '&amp;amp; literally &amp;lt;b&amp;gt; &amp;#60;' "entities in a name are shown as written"
like "$out" '<h2>Proposal</h2>' "the stages by display name"
like "$out" '2 deals, 60%' "a stage's count and probability"
like "$out" '1200000 RUB' "a total in RUB"
like "$out" '5000.50 EUR' "a total in EUR, apart"
like "$out" 'class="tag overdue">overdue · 2020-01-01' "an overdue next task is marked, with its day"
like "$out" 'class="tag later">next task · 2099-01-01' "a later task, with its day"
like "$out" 'class="tag none">no task' "a deal without a task"
is "$(printf '%s' "$out" | grep -o '<span class="tag stale">stale</span>' | wc -l)" 1 "a stale deal is marked, the others not"
like "$out" "<svg role=\"img\" viewBox=\"0 0 900 182\"" "a chart of the deals per stage, one bar a stage"
check_page "$page" "board" "$script" "$svg" "$quotes" "$amp" "$rtl" \
	"$term_shown" "$long" "$az" "overdue"
render "$page" "board" "$svg" "$quotes" "$amp" "$rtl" "$term_shown" "$long" \
	"$az" "Proposal" "2 deals, 60%"

# --- its options ----------------------------------------------------------------
out=$("$CRM" board --format html --limit 1)
like "$out" '<p class="more">\+1 more</p>' "--limit 1: the other deals as +N more"
is "$(printf '%s' "$out" | grep -c '<li class="card">')" 5 "--limit 1: one card a stage that has deals"
out=$("$CRM" board --format html --limit 0)
is "$(printf '%s' "$out" | grep -c '<li class="card">')" 7 "--limit 0: every card"
out=$("$CRM" board --format html 'amount>1000')
is "$(printf '%s' "$out" | grep -c '<li class="card">')" 3 "a query: only the deals it selects"
like "$out" '<h2>Won</h2>' "a query: every stage is still a column"

out=$("$CRM" board --format html --as-of 2026-11-01 2>&1)
like "$out" '<p class="meta">as of 2026-11-01 23:59</p>' "--as-of: the page says when the board stood so"

# --- Russian ------------------------------------------------------------------
if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$'; then
	rpage=$TEST_ROOT/board-ru.html
	LC_ALL=ru_RU.UTF-8 "$CRM" board --format html >"$rpage"
	is "$?" 0 "ru_RU: board --format html exits 0"
	out=$(cat "$rpage")
	like "$out" '<html lang="ru-RU">' "ru_RU: the page is in Russian"
	like "$out" 'просрочено · 2020-01-01' "ru_RU: the states in Russian"
	like "$out" "1[^0-9]200[^0-9]000 RUB" "ru_RU: amounts grouped as the locale does"
	like "$out" '5000,50 EUR|5.000,50 EUR|5 000,50 EUR' "ru_RU: the decimal comma"
	check_page "$rpage" "ru_RU board" "$svg" "$az"
else
	echo "# ru_RU.UTF-8 is not installed: no Russian page"
fi

# --- failures -----------------------------------------------------------------
run board --format html 'amount>>'
is "$rc" 2 "a bad query exits 2"
is "$out" "" "a bad query writes no page"
like "$err" "query" "a bad query is named"
"$CRM" board --format html >/dev/full 2>"$TEST_ROOT/stderr"
st=$?
ok "$([ "$st" -ne 0 ]; echo $?)" "a page that cannot be written fails (status $st)"
like "$(cat "$TEST_ROOT/stderr")" "cannot write output" "a page that cannot be written is reported"
run board --format html nosuchpipeline
is "$rc" 0 "a word that is no pipeline is a query (free text)"
is "$(printf '%s' "$out" | grep -c '<li class="card">')" 0 "free text that matches nothing: no card"
(cd "$TEST_ROOT" && CRM_DIR="$TEST_ROOT/none" "$CRM" board --format html >"$TEST_ROOT/o" 2>&1)
ok "$([ $? -ne 0 ]; echo $?)" "no store: an error"
like "$(cat "$TEST_ROOT/o")" "error" "no store: the error, and no page"
store_clean "after the pages"

# --- crm report --format html -------------------------------------------------
# hostile sources of deals, and a hostile display name of a stage in
# crm.yaml: what reports show as text
for pair in "$d1:$svg" "$d2:$rtl" "$d3:$term" "$d6:$long" "$d4:$quotes"; do
	"$CRM" set "${pair%%:*}" "source=${pair#*:}" >/dev/null ||
		echo "# cannot set the source of ${pair%%:*}"
done
d8=$("$CRM" add deal "Lost one" --stage lead --amount 99 --currency RUB --source "$az")
"$CRM" deal move "$d8" lost --reason price >/dev/null
stage_name=$'<b>Переговоры</b> & "Müzakirə" \u202e'
python3 - "$stage_name" <<'PY' || echo "Bail out! cannot rename the stage"
import sys
t = open("crm.yaml", encoding="utf-8").read()
name = sys.argv[1].replace("\\", "\\\\").replace('"', '\\"')
t = t.replace("name: Negotiation", 'name: "%s"' % name.replace("\u202e", "\\u202E"), 1)
open("crm.yaml", "w", encoding="utf-8").write(t)
PY
git commit -qam "a hostile stage name" || echo "Bail out! commit crm.yaml"
# title R: the heading of report R's page
title() {
	case $1 in
	funnel) echo "Sales funnel" ;; conversion) echo "Conversion" ;;
	lost) echo "Lost deals" ;; cycle) echo "Sales cycle" ;;
	activity) echo "Activity" ;; sources) echo "Sources" ;;
	forecast) echo "Forecast" ;;
	esac
}
for r in funnel conversion lost cycle activity sources forecast; do
	"$CRM" report "$r" --format html >"$TEST_ROOT/report-$r.html" 2>"$TEST_ROOT/stderr"
	st=$?
	is "$st $(cat "$TEST_ROOT/stderr")" "0 " "report $r --format html exits 0, nothing on stderr"
done
check_page "$TEST_ROOT/report-funnel.html" "report funnel" "$stage_name" "Sales funnel"
check_page "$TEST_ROOT/report-sources.html" "report sources" "$svg" "$rtl" \
	"$term_shown" "$long" "$quotes" "$az"
check_page "$TEST_ROOT/report-conversion.html" "report conversion" "$az"
for r in lost cycle activity forecast; do
	check_page "$TEST_ROOT/report-$r.html" "report $r" "$(title "$r")"
done
out=$(cat "$TEST_ROOT/report-funnel.html")
like "$out" '<svg role="img"' "the funnel has its chart"
like "$out" '<th class="n">' "numbers are right-aligned"
ok "$(grep -q $'\e' "$TEST_ROOT/report-sources.html"; [ $? -ne 0 ]; echo $?)" "no escape character reaches a report's page"
render "$TEST_ROOT/report-funnel.html" "report funnel" "$stage_name" "Sales funnel"
render "$TEST_ROOT/report-sources.html" "report sources" "$svg" "$rtl" \
	"$term_shown" "$long" "$quotes" "$az"
out=$("$CRM" board --format html)
like "$out" '&lt;b&gt;Переговоры&lt;/b&gt; &amp; &quot;Müzakirə&quot;' "the board escapes a stage's name from crm.yaml"
check_page <(printf '%s\n' "$out") "board with a hostile stage name" "$stage_name"
out=$("$CRM" report funnel --format html --since 2026-01-01 --until 2099-12-31)
like "$out" '<p class="meta">from 2026-01-01 to 2099-12-31 · as of ' "the period of a report"
if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$'; then
	out=$(LC_ALL=ru_RU.UTF-8 "$CRM" report funnel --format html --since 2026-01-01 --until 2099-12-31)
	like "$out" '<p class="meta">с 2026-01-01 по 2099-12-31 · на ' "ru_RU: the period in Russian"
	like "$out" '<html lang="ru-RU">' "ru_RU: the report's page is in Russian"
fi
run report nosuch --format html
is "$rc" 2 "an unknown report exits 2"
is "$out" "" "an unknown report writes no page"
"$CRM" report funnel --format html >/dev/full 2>"$TEST_ROOT/stderr"
ok "$([ $? -ne 0 ]; echo $?)" "a report's page that cannot be written fails"
store_clean "after the reports"

# --- a store without deals ----------------------------------------------------
cd "$TEST_ROOT" || exit 1
new_store empty
"$CRM" board --format html >"$TEST_ROOT/empty-board.html" 2>"$TEST_ROOT/stderr"
is "$? $(cat "$TEST_ROOT/stderr")" "0 " "no deals: board --format html exits 0"
check_page "$TEST_ROOT/empty-board.html" "no deals: board" "0 deals, 10%"
like "$(cat "$TEST_ROOT/empty-board.html")" 'width="0"' "no deals: the chart has no bar"
"$CRM" board --format html --as-of 2026-01-01 >"$TEST_ROOT/empty-past.html" 2>"$TEST_ROOT/stderr"
is "$? $(cat "$TEST_ROOT/stderr")" "0 " "no deals: board --format html --as-of exits 0"
check_page "$TEST_ROOT/empty-past.html" "no deals: a past board" "0 deals, 10%"
for r in funnel conversion lost cycle activity sources forecast; do
	"$CRM" report "$r" --format html >"$TEST_ROOT/empty-$r.html" 2>"$TEST_ROOT/stderr"
	is "$? $(cat "$TEST_ROOT/stderr")" "0 " "no deals: report $r --format html exits 0"
	check_page "$TEST_ROOT/empty-$r.html" "no deals: report $r" "$(title "$r")"
done

# --- the checkers can fail ------------------------------------------------------
printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head><body><p>a<img src=x onerror=alert(1)></p></body></html>' >"$TEST_ROOT/bad.html"
res=$(python3 "$tools/html-check.py" "$TEST_ROOT/bad.html" "missing")
like "$res" "element <img>" "html-check finds an injected element"
like "$res" "onerror" "html-check finds a handler"
like "$res" "Content-Security-Policy" "html-check finds a missing policy"
like "$res" "'missing' does not appear" "html-check finds a missing text"
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head><body></body></html>' >"$TEST_ROOT/blank.html"
	res=$(python3 "$tools/chromium-render.py" "$TEST_ROOT/blank.html" "$TEST_ROOT/chromium-blank")
	like "$res" "one uniform colour" "the Chromium check finds a blank page"
	printf '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src '"'none'"'"></head><body><p>x</p><script>console.log(1)</script></body></html>' >"$TEST_ROOT/script.html"
	res=$(python3 "$tools/chromium-render.py" "$TEST_ROOT/script.html" "$TEST_ROOT/chromium-script")
	like "$res" "console: .*Content Security Policy" "the Chromium check finds a console message"
else
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP chromium is not installed"
fi

done_testing
