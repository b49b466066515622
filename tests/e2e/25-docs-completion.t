#!/bin/bash
# 25-docs-completion.t - every command has a man page that renders without
# warnings, appears in each completion script and in `crm help`; bash (and
# fish, zsh when installed) completion really completes.

. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
MAN="$SRC/man"
COMP="$SRC/completions"

cmds=$("$CRM" __complete commands)
is "$?" 0 "crm __complete commands exits 0"
[ "$(printf '%s\n' "$cmds" | wc -l)" -ge 10 ]
ok $? "crm __complete commands lists the commands ($(printf '%s' "$cmds" | tr '\n' ' '))"
if printf '%s\n' "$cmds" | grep -q '^__'; then
	ok 1 "hidden commands are not listed"
else
	ok 0 "hidden commands are not listed"
fi

# renders PAGE DESC: the man page renders with no warnings (for a UTF-8
# terminal, as man(1) renders it: examples hold Cyrillic)
renders() {
	local e
	e=$(groff -man -ww -z -Tutf8 "$1" 2>&1)
	is "$e" "" "$2: groff -man -ww reports nothing"
	if command -v man >/dev/null; then
		e=$(MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null)
		is "$e" "" "$2: man --warnings reports nothing"
	fi
}

for page in crm.1 crm-records.5; do
	[ -f "$MAN/$page" ]
	ok $? "man/$page exists"
	renders "$MAN/$page" "man/$page"
done

for f in crm.bash _crm crm.fish; do
	[ -f "$COMP/$f" ]
	ok $? "completions/$f exists"
done

for c in $cmds; do
	page="$MAN/crm-$c.1"
	[ -f "$page" ]
	ok $? "$c: man/crm-$c.1 exists"
	[ -f "$page" ] && renders "$page" "$c: man/crm-$c.1"
	[ -f "$page" ] && like "$(grep -m1 '^\.TH' "$page")" "^\.TH \"?CRM\\\\?-$(echo "$c" | tr a-z A-Z)\"? \"?1\"? " \
		"$c: .TH names CRM-$(echo "$c" | tr a-z A-Z)(1)"
	[ -f "$page" ] && like "$(cat "$page")" "crm-$c|crm $c|crm\\\\-$c" "$c: page documents 'crm $c'"
	for f in crm.bash _crm crm.fish; do
		grep '^# commands:' "$COMP/$f" | tr ' ' '\n' | grep -qx -- "$c"
		ok $? "$c: in the '# commands:' line of completions/$f"
	done
	run help "$c"
	is "$rc" 0 "$c: crm help $c exits 0"
	like "$out" "$c" "$c: crm help $c prints its usage"
	is "$err" "" "$c: crm help $c prints nothing on stderr"
	run "$c" --help
	is "$rc" 0 "$c: crm $c --help exits 0"
done

# the '# commands:' lines list nothing that does not exist
for f in crm.bash _crm crm.fish; do
	extra=""
	for w in $(grep '^# commands:' "$COMP/$f" | sed 's/^# commands://'); do
		printf '%s\n' "$cmds" | grep -qx -- "$w" || extra="$extra $w"
	done
	is "$extra" "" "completions/$f lists no unknown command"
done
# every man page of a command names a command
for page in "$MAN"/crm-*.1; do
	c=$(basename "$page" .1)
	c=${c#crm-}
	# or of a subcommand: crm-task-done.1 is crm task done's
	printf '%s\n' "$cmds" | grep -qx -- "$c" ||
		{ [ "${c#*-}" != "$c" ] && "$CRM" help "${c%%-*}" "${c#*-}" >/dev/null 2>&1; }
	ok $? "man/crm-$c.1 is the page of a command"
done

run help
is "$rc" 0 "crm help exits 0"
run help no-such-command
is "$rc" 2 "crm help of an unknown command exits 2"

# --- bash completion -------------------------------------------------------------
new_store s
"$CRM" add contact "Ivan Petrov" >/dev/null
mkdir -p "$TEST_ROOT/bin"
ln -s "$CRM" "$TEST_ROOT/bin/crm"

# bcomp LINE: what bash completion offers for LINE (the cursor at its end),
# one word per line, sorted.
bcomp() {
	PATH="$TEST_ROOT/bin:$PATH" bash --norc --noprofile -c '
. "$1" || exit 9
COMP_LINE=$2
COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<<"$COMP_LINE"
[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_crm crm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf "%s\n" "${COMPREPLY[@]}" | sort
' bcomp "$COMP/crm.bash" "$1"
}

got=$(bcomp "crm ad")
is "$got" "add" "bash: 'crm ad' completes to add"
got=$(bcomp "crm add ")
is "$(printf '%s\n' "$got" | grep -x 'company\|contact\|deal\|task' | tr '\n' ' ')" \
	"company contact deal task " "bash: 'crm add ' offers the four types"
got=$(bcomp "crm add contact --ph")
like "$got" "^--phone=?$" "bash: 'crm add contact --ph' offers --phone"
got=$(bcomp "crm stat")
is "$(printf '%s' "$got" | tr '\n' ' ')" "status" "bash: 'crm stat' completes to status"
got=$(bcomp "crm ")
is "$(printf '%s\n' "$got" | grep -c .)" "$(printf '%s\n' "$cmds" | grep -c .)" "bash: 'crm ' offers every command"
iid=$("$CRM" --format ids list contact | head -1)
got=$(bcomp "crm show ${iid:0:3}")
is "$got" "$iid" "bash: 'crm show ${iid:0:3}' completes the record's id"
got=$(bcomp "crm add deal --stage ")
like "$(printf '%s' "$got" | tr '\n' ' ')" "lead .*won" "bash: 'crm add deal --stage ' offers the stages"
got=$(bcomp "crm add task --owner ")
is "$got" "ann" "bash: '--owner ' offers the users"

# the scripts ask crm for every option: none holds a list of its own
for f in crm.bash _crm crm.fish; do
	found=""
	for c in $cmds; do
		for o in $("$CRM" __complete options "$c" | grep '^--..'); do
			grep -qe "$o\b" "$COMP/$f" && found="$found $o"
		done
	done
	is "$found" "" "completions/$f names no command option itself"
done

# --- fish and zsh ----------------------------------------------------------------
if command -v fish >/dev/null; then
	got=$(PATH="$TEST_ROOT/bin:$PATH" HOME="$HOME" fish --no-config -c \
		"source '$COMP/crm.fish'; complete -C 'crm ad'" 2>&1 | cut -f1)
	like "$got" "^add$" "fish: 'crm ad' completes to add"
	got=$(PATH="$TEST_ROOT/bin:$PATH" HOME="$HOME" fish --no-config -c \
		"source '$COMP/crm.fish'; complete -C 'crm add contact --ph'" 2>&1 | cut -f1)
	like "$got" "^--phone" "fish: 'crm add contact --ph' offers --phone"
else
	echo "ok $((_tap_n + 1)) # SKIP fish is not installed"
	_tap_n=$((_tap_n + 1))
fi
if command -v zsh >/dev/null; then
	zsh -n "$COMP/_crm"
	ok $? "zsh: _crm parses"
else
	echo "ok $((_tap_n + 1)) # SKIP zsh is not installed"
	_tap_n=$((_tap_n + 1))
fi
bash -n "$COMP/crm.bash"
ok $? "bash: crm.bash parses"

done_testing
