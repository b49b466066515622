#!/bin/bash
# help, version, unknown commands, external crm-NAME commands, -q,
# colour, global option errors.
. "$(dirname "$0")/lib.sh"

new_store misc

# --- version and help ---
run --version
is "$rc" 0 "--version exits 0"
like "$out" "^crm [0-9]+\.[0-9]+" "--version prints 'crm X.Y'"
run help
is "$rc" 0 "crm help exits 0"
like "$out" "[Uu]sage" "crm help mentions usage"
for c in init add show list set tag rm edit log undo status commit help; do
	like "$out" "(^|[[:space:]])$c([[:space:]]|$)" "crm help lists '$c'"
done
run --help
is "$rc" 0 "crm --help exits 0"
like "$out" "[Uu]sage" "crm --help mentions usage"
run help add
is "$rc" 0 "crm help add exits 0"
like "$out" "[Uu]sage: crm add" "crm help add: usage of add"
like "$out" "\-\-company" "crm help add lists its options"
help_add=$out
run add --help
is "$rc" 0 "crm add --help exits 0"
like "$out" "[Uu]sage: crm add" "crm add --help: usage of add"
is "$out" "$help_add" "crm add --help is crm help add"
for c in init show list set tag rm log undo; do
	run "$c" --help
	is "$rc" 0 "crm $c --help exits 0"
	like "$out" "[Uu]sage: crm $c" "crm $c --help shows its usage"
done
run help nosuch
is "$rc" 2 "crm help nosuch exits 2"
like "$err" "'nosuch'" "crm help nosuch names it"

# --- no command ---
run
is "$rc" 2 "crm alone exits 2"
like "$out$err" "[Uu]sage" "crm alone prints usage"

# --- unknown commands ---
run nosuch
is "$rc" 2 "unknown command exits 2"
like "$err" "'nosuch' is not a crm command" "unknown command: 'not a crm command'"
run lsit
is "$rc" 2 "crm lsit exits 2"
like "$err" "not a crm command" "crm lsit: not a crm command"
like "$err" "did you mean.*'?(crm )?list'?" "crm lsit suggests list"
run shwo x
is "$rc" 2 "crm shwo exits 2"
like "$err" "did you mean.*show" "crm shwo suggests show"
run ad company X
like "$err" "did you mean.*add" "crm ad suggests add"
is "$(commits)" 1 "no commit from unknown commands"

# --- external commands ---
mkdir -p "$TEST_ROOT/bin"
cat >"$TEST_ROOT/bin/crm-hello" <<'SH'
#!/bin/sh
printf 'hello %s\n' "$#"
for a in "$@"; do printf '[%s]\n' "$a"; done
exit 7
SH
chmod +x "$TEST_ROOT/bin/crm-hello"
PATH="$TEST_ROOT/bin:$PATH" run hello a "b c"
is "$out" "hello 2
[a]
[b c]" "crm hello runs crm-hello with the arguments"
is "$rc" 7 "the external command's exit status is passed on"
PATH="$TEST_ROOT/bin:$PATH" run hello
is "$out" "hello 0" "crm hello without arguments"
printf 'not executable\n' >"$TEST_ROOT/bin/crm-noexec"
PATH="$TEST_ROOT/bin:$PATH" run noexec
is "$rc" 2 "a non-executable crm-noexec is not run (exit 2)"

# --- -q ---
run -q add company Quiet
is "$rc" 0 "-q add exits 0"
is "$out" "" "-q silences add's id"
run --quiet add company Quieter
is "$out" "" "--quiet silences add's id"
run add company Loud
like "$out" "^[0-9a-z]{10}$" "without -q add prints the id"
run -q --format ids list company
is "$(printf '%s\n' "$out" | grep -c .)" 3 "-q does not silence list output"

# --- colour ---
tty_run() { script -qec "$*" /dev/null 2>/dev/null; }
if command -v script >/dev/null; then
	o=$(tty_run "'$CRM' list company")
	ok "$(printf '%s' "$o" | grep -q $'\e\\['; echo $?)" "colour on a terminal"
	o=$(tty_run "'$CRM' --no-color list company")
	ok "$(printf '%s' "$o" | grep -q $'\e'; [ $? -ne 0 ]; echo $?)" "--no-color: no escape sequences on a terminal"
	o=$(NO_COLOR=1 tty_run "'$CRM' list company")
	ok "$(printf '%s' "$o" | grep -q $'\e'; [ $? -ne 0 ]; echo $?)" "NO_COLOR: no escape sequences on a terminal"
	o=$(NO_COLOR=1 tty_run "'$CRM' show Loud")
	ok "$(printf '%s' "$o" | grep -q $'\e'; [ $? -ne 0 ]; echo $?)" "NO_COLOR: show has no escape sequences"
fi
run list company
ok "$(printf '%s' "$out$err" | grep -q $'\e'; [ $? -ne 0 ]; echo $?)" "no escape sequences when not a terminal"
run show nosuch
ok "$(printf '%s' "$err" | grep -q $'\e'; [ $? -ne 0 ]; echo $?)" "no escape sequences in errors when not a terminal"

# --- global option errors ---
n=$(commits)
run --bogus list company
is "$rc" 2 "unknown global option exits 2"
like "$err" "'--bogus'" "unknown global option named"
run --format bogus list company
is "$rc" 2 "--format bogus exits 2"
like "$err" "'bogus'" "bad format named"
run --format
is "$rc" 2 "--format without a value exits 2"
run -C
is "$rc" 2 "-C without a value exits 2"
run --user
is "$rc" 2 "--user without a value exits 2"
run --user nosuch add company X
ok "$([ "$rc" -ne 0 ]; echo $?)" "--user with an unknown login fails"
like "$err" "'nosuch'" "unknown user named"
is "$(commits)" "$n" "no commit from option errors"
run --format json --no-color -q --format ids list company
is "$rc" 0 "global options combine; the last --format wins"
is "$(printf '%s\n' "$out" | grep -c .)" 3 "last --format ids used"

# --- errors are one line, git style ---
run show nosuch
is "$(printf '%s\n' "$err" | wc -l)" 1 "an error is one line"
like "$err" "^crm: error: " "errors start with 'crm: error: '"
store_clean "misc"

done_testing
