#!/bin/bash
# The options parser: global options after the command, values checked
# once by kind, unknown options with a hint, the context external
# commands get, the formats each command prints, and --help against the
# man pages.
. "$(dirname "$0")/lib.sh"

TOOLS=$(cd "$(dirname "$0")/tools" && pwd)
MAN=$(cd "$(dirname "$0")/../../man" && pwd)
new_store opts
"$CRM" add company "Acme" --tag vip >/dev/null
"$CRM" add contact "Ivan Petrov" --company Acme --tag vip >/dev/null

# --- global options where people put them ---
run list contact tag:vip --format ids
is "$rc" 0 "--format after the command's arguments"
like "$out" "^[0-9a-z]{10}$" "--format ids after the query prints ids"
run list contact --format=json tag:vip
like "$out" '"format_version": 1' "--format=json after the command"
run search --format=json petrov
like "$out" '"results"' "search --format=json"
run --format json list company --format ids
like "$out" "^[0-9a-z]{10}$" "the later --format wins"
n=$(commits)
run add company "Quiet Ltd" -q
is "$rc" 0 "add ... -q exits 0"
is "$out" "" "-q after the command silences the id"
is "$(commits)" "$((n + 1))" "add -q committed"
other="$TEST_ROOT/other"
"$CRM" init --user bob "$other" >/dev/null
"$CRM" -C "$other" add company "Elsewhere" >/dev/null
run list company -C "$other" --format ids
is "$(printf '%s\n' "$out" | grep -c .)" 1 "-C after the command picks the other store"
run list company --no-color
is "$rc" 0 "--no-color after the command"

# --- values checked once, by kind ---
run list company --limit x
is "$rc" 2 "--limit x is a usage error"
like "$err" "^crm: error: --limit needs a whole number, not 'x'" "--limit names the option"
run list company --limit -3
is "$rc" 2 "--limit -3 is a usage error"
run list company --format xyz
is "$rc" 2 "--format xml is a usage error"
like "$err" "--format: unknown value 'xyz' \(use table, json, csv, tsv, ids, yaml or html\)" \
	"--format lists the formats"
run list company --format jsno
like "$err" "did you mean 'json'" "--format suggests the nearest"
run list company "--format"
is "$rc" 2 "--format without a value"
like "$err" "needs a value" "--format without a value says so"
run add company "$(printf 'Bad\377')" --source "$(printf '\377')"
is "$rc" 2 "an option value that is not UTF-8 is a usage error"
like "$err" "--source: the value is not valid UTF-8" "the option is named"

run list company --format JSON --limit 1
like "$out" '"format_version": 1' "a keyword is read in any case (--format JSON)"
run list Company --format ids
is "$rc" 0 "a record type is read in any case"
run list compan
is "$rc" 2 "a misspelt type is a usage error"
like "$err" "unknown type 'compan' \(did you mean 'company'\?\)" "the nearest type is suggested"

# --- unknown options name the command and suggest ---
run list company --formt json
is "$rc" 2 "an unknown option exits 2"
like "$err" "^crm: error: unknown option '--formt' for 'crm list' \(did you mean '--format'\?\)$" \
	"an unknown option names the command and the nearest option"
run add company X --phnoe 1
like "$err" "did you mean '--phone'" "a command's own option is suggested"
run user add bob --x
is "$rc" 2 "a one-letter unknown option exits 2"
like "$err" "^crm: error: unknown option '--x' for 'crm user add'$" \
	"a one-letter unknown option is near every one-letter name: no suggestion"
run add company X --zzzzzz
like "$err" "^crm: error: unknown option '--zzzzzz' for 'crm add'$" \
	"no hint when nothing is near"
is "$(printf '%s\n' "$err" | wc -l)" 2 "the error, then one usage line"

# --- formats each command prints ---
run --format yaml log
is "$rc" 2 "log refuses --format yaml"
like "$err" "'crm log' does not print --format yaml \(it prints: table, json, csv, tsv, ids\)" \
	"the formats log prints are listed"
run search x --format yaml
is "$rc" 2 "search refuses --format yaml"
run show Acme --format csv
is "$rc" 2 "show refuses --format csv"
run set Acme source=web --format json
is "$rc" 2 "set refuses --format json"
is "$(commits)" "$((n + 1))" "nothing committed by refused commands"

# --- help lists the global options that apply ---
run help list
like "$out" "global options" "crm help list has a global options section"
like "$out" "\-\-format FMT" "crm help list lists --format"
like "$out" "usage: crm list TYPE \[QUERY...\] \[--sort FIELD\] \[--limit N\]" \
	"the usage line is made from the option table"

# --- the exit codes of errors already reported are kept ---
run show nosuch
is "$rc" 3 "not found exits 3"
is "$(printf '%s\n' "$err" | grep -c 'no record')" 1 "the error is printed once"

# --- external commands get the context ---
mkdir -p "$TEST_ROOT/bin"
cat >"$TEST_ROOT/bin/crm-ctx" <<'SH'
#!/bin/sh
echo "dir=$CRM_DIR"
echo "format=${CRM_FORMAT:-}"
echo "user=${CRM_USER:-}"
echo "pwd=$(pwd)"
echo "args=$*"
SH
chmod +x "$TEST_ROOT/bin/crm-ctx"
cd "$TEST_ROOT"
out=$(PATH="$TEST_ROOT/bin:$PATH" "$CRM" -C "$other" --format json --user aysel ctx a b)
like "$out" "dir=$other" "CRM_DIR is the store -C names"
like "$out" "format=json" "CRM_FORMAT is set"
like "$out" "user=aysel" "CRM_USER is set"
like "$out" "pwd=$other" "the external command runs in the -C directory"
like "$out" "args=a b" "the arguments are passed on"
cd "$TEST_ROOT/opts"
out=$(PATH="$TEST_ROOT/bin:$PATH" "$CRM" ctx)
like "$out" "dir=$TEST_ROOT/opts" "CRM_DIR is the store found from the working directory"
cd "$TEST_ROOT/opts"

# --- every man page lists the options --help lists, and no others ---
"$CRM" --help >"$TEST_ROOT/global-help"
for c in $("$CRM" help | awk '/^commands:/ {on=1; next} /^$/ {on=0} on {print $1}'); do
	"$CRM" "$c" --help >"$TEST_ROOT/help-$c"
	diff=$(python3 "$TOOLS/options-vs-man.py" "$TEST_ROOT/help-$c" \
		"$MAN/crm-$c.1" "$TEST_ROOT/global-help" 2>&1)
	is "$diff" "" "crm-$c(1) and 'crm $c --help' list the same options"
done

store_clean "options"
done_testing
