#!/bin/bash
# 52-help-words.t - crm help COMMAND takes one command: a word after it is
# a usage error naming it; a command that does not exist gets the nearest
# one as a hint (the one it begins, a close spelling), else the list of
# commands.  English and Russian.
. "$(dirname "$0")/lib.sh"

ru() {
	out=$(LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 "$CRM" "$@" 2>"$TEST_ROOT/stderr")
	rc=$?
	err=$(cat "$TEST_ROOT/stderr")
}

run help list
is "$rc" 0 "help list exits 0"
like "$out" "^usage: crm list" "help list: the usage of list"

# --- words after the command ---
for args in "list extra" "list extra more" "help help" "show 7k2m" "add company"; do
	run help $args
	is "$rc" 2 "help $args exits 2"
	second=$(printf '%s\n' $args | sed -n 2p)
	first=${args%% *}
	if [ -n "$second" ]; then
		is "$(printf '%s\n' "$err" | head -1)" \
			"crm: error: unexpected argument '$second' after 'crm help $first'" \
			"help $args: names '$second'"
	fi
	like "$err" "usage: crm help \[COMMAND \[SUBCOMMAND\]\]" "help $args: the usage line of help"
	is "$out" "" "help $args: no help printed"
done
run help list -- extra
is "$rc" 2 "help list -- extra exits 2"
like "$err" "unexpected argument 'extra'" "help list -- extra: names it"
run help list -q
is "$rc" 0 "a global option after help COMMAND is no extra word"
run help list --
is "$rc" 0 "help list -- (no word after it) exits 0"

# --- a command that does not exist ---
run help lsit
is "$rc" 2 "help lsit exits 2"
is "$err" "crm: error: no such command 'lsit'
hint: did you mean 'crm list'?" "help lsit: list is suggested"
run help stat
is "$err" "crm: error: no such command 'stat'
hint: did you mean 'crm status'?" "help stat: the one command it begins"
run help sear
like "$err" "did you mean 'crm search'\?" "help sear: search"
run help comit
like "$err" "did you mean 'crm commit'\?" "help comit: commit"
run help nosuch
is "$rc" 2 "help nosuch exits 2"
like "$err" "^crm: error: no such command 'nosuch'" "help nosuch: the error"
like "$err" "hint: the commands are: init, add, show, list" "help nosuch: the commands listed"
case $err in *"did you mean"*) ok 1 "help nosuch: no far-fetched guess" ;; *) ok 0 "help nosuch: no far-fetched guess" ;; esac
run help s
like "$err" "hint: the commands are:" "help s (several commands begin so): the list"
run help nosuch extra
is "$rc" 2 "help nosuch extra exits 2"
like "$err" "no such command 'nosuch'" "help nosuch extra: the unknown command first"
run help complete
is "$rc" 2 "a hidden command has no help"

# --- Russian ---
if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$'; then
	ru help list extra
	is "$rc" 2 "ru: help list extra exits 2"
	like "$err" "^crm: ошибка: лишний аргумент 'extra' после 'crm help list'" "ru: the extra word named"
	ru help zzzzzz
	like "$err" "подсказка: есть команды: init, add" "ru: the commands listed"
	ru help stat
	like "$err" "'crm status'" "ru: status suggested"
else
	ok 0 "# SKIP ru_RU.UTF-8 is not installed"
fi

done_testing
