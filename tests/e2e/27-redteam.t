#!/bin/bash
# Hostile arguments: what the command line gets back in an error reaches
# the terminal made safe, messages name the option as it is spelt, and
# a refused command writes nothing.
. "$(dirname "$0")/lib.sh"

new_store redteam
"$CRM" add company "Acme" >/dev/null
n=$(commits)

# --- an argument quoted in an error cannot drive the terminal ---
esc=$(printf '\033')
run list company --format "${esc}[31mred"
is "$rc" 2 "an unknown --format value is a usage error"
case $err in *"$esc"*) ok 1 "no raw escape in the --format error" ;;
*) ok 0 "no raw escape in the --format error" ;; esac
like "$err" "unknown value '\\\\x1b\\[31mred'" "the escape is shown as \\x1b"
run "lis${esc}t" company
is "$rc" 2 "an unknown command with an escape is a usage error"
case $err in *"$esc"*) ok 1 "no raw escape in the unknown-command error" ;;
*) ok 0 "no raw escape in the unknown-command error" ;; esac
run list company "--$(printf 'é%.0s' {1..40})"
is "$rc" 2 "a long unknown option is a usage error"
printf '%s' "$err" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1
ok $? "the unknown-option error is valid UTF-8 even when cut"
case $err in *'\x'*) ok 1 "the long option is cut at a character" ;;
*) ok 0 "the long option is cut at a character" ;; esac

# --- one-letter options are named as they are spelt ---
run list company -C
is "$rc" 2 "-C with no directory is a usage error"
like "$err" "^crm: error: option '-C' needs a value$" "the error names -C, not --C"
run list company -C "$(printf 'x\377')"
is "$rc" 2 "-C with invalid UTF-8 is a usage error"
like "$err" "^crm: error: -C: the value is not valid UTF-8" "the UTF-8 error names -C"

# --- a reference with nothing to match is empty, not every record ---
run show "$(printf '\314\201')"
is "$rc" 2 "a lone combining mark is an empty reference"
like "$err" "^crm: error: empty record reference" "and says so"
run show "   "
is "$rc" 2 "a reference of spaces is an empty reference"
run rm "$(printf '\t')"
is "$rc" 2 "rm of a tab is an empty reference"

# --- a field name with a control character is no field name ---
run set Acme "$(printf 'x\033')=1"
is "$rc" 2 "set of a key with an escape is a usage error"
like "$err" "^crm: error: invalid field name 'x\\\\x1b'" "and names the key, made safe"
run set Acme "$(printf 'x\033')=1" --new-field
is "$rc" 2 "--new-field does not let it through"
is "$(commits)" "$n" "no commit for the bad key"
cp crm.yaml "$TEST_ROOT/crm.yaml.orig"
printf 'fields:\n  "a\\e[2J": text\n' >>crm.yaml
run list company
is "$rc" 1 "a declared field name with an escape is refused"
like "$err" "line [0-9]+: invalid field name 'a\\\\x1b\\[2J'" "with its line"
printf 'fields:\n  "": text\n' >"$TEST_ROOT/f" && cp "$TEST_ROOT/crm.yaml.orig" crm.yaml && cat "$TEST_ROOT/f" >>crm.yaml
run list company
is "$rc" 1 "an empty declared field name is refused"
cp "$TEST_ROOT/crm.yaml.orig" crm.yaml

# --- a pager that does not exist does not take the output with it ---
if command -v script >/dev/null && script -qec true /dev/null >/dev/null 2>&1; then
	tty_out=$(PAGER=nosuch-pager-xyz timeout 20 script -qec \
		"'$CRM' list company --no-color; echo rc=\$?" /dev/null 2>&1)
	like "$tty_out" "pager 'nosuch-pager-xyz' not found" "a missing pager is named in a warning"
	like "$tty_out" "Acme" "and the output is written without it"
	like "$tty_out" "rc=0" "and crm exits 0"
	tty_out=$(PAGER="cat -v" timeout 20 script -qec \
		"'$CRM' list company --no-color" /dev/null 2>&1)
	like "$tty_out" "Acme" "a pager that exists still runs"
	case $tty_out in *"not found"*) ok 1 "with no warning" ;; *) ok 0 "with no warning" ;; esac
else
	for i in 1 2 3 4 5; do ok 0 "# skip no script(1)"; done
fi

# --- a tag with a control character is refused, one already stored can go ---
n=$(commits)
run tag Acme "+$(printf 'x\033')"
is "$rc" 2 "tag +ESC is a usage error"
like "$err" "invalid tag 'x\\\\x1b' \\(no control characters\\)" "and says why"
run add company Tagged --tag "$(printf 'a\001')"
is "$rc" 2 "add --tag with a control character is a usage error"
is "$(commits)" "$n" "nothing committed for either"
f=$(file_of company "$(printf '%s' "$("$CRM" list company Acme --format ids)" | head -1)")
printf 'tags:\n- "b\\e"\n' >>"$f"
git commit -qam "a tag from elsewhere"
run show Acme
is "$rc" 0 "a stored tag with a control character is still shown"
run tag Acme "-$(printf 'b\033')"
is "$rc" 0 "and can be removed"
case $(cat "$f") in *tags*) ok 1 "the tag is gone" ;; *) ok 0 "the tag is gone" ;; esac

# --- completion hands the shell nothing a terminal would act on ---
evil=$("$CRM" add company "$(printf 'Evil\033[2JCo')")
bidi=$("$CRM" add company "$(printf 'Bidi\342\200\256oc')")
n=$(commits)
run __complete words -- crm show Ev
case $out in *"$esc"*) ok 1 "no raw escape in the completion of a name" ;;
*) ok 0 "no raw escape in the completion of a name" ;; esac
like "$out" "^$evil	Evil\\\\x1b\\[2JCo \\(company\\)$" "the record is offered by its id, its name shown safe"
run __complete words -- crm show Bi
like "$out" "^$bidi	Bidi\\\\u202eoc" "a bidi override is offered as the id too"
run __complete words -- crm show A
like "$out" "^Acme	" "a plain name is still offered as itself"

# --- external commands: a -C that cannot be entered ---
bin="$TEST_ROOT/bin"
mkdir -p "$bin"
printf '#!/bin/sh\necho "ran in $(pwd)"\n' >"$bin/crm-where"
chmod +x "$bin/crm-where"
PATH="$bin:$PATH" run -C "$TEST_ROOT/missing" where
is "$rc" 1 "an external command with -C to a missing directory fails"
like "$err" "^crm: error: cannot change to '.*/missing': " "and says which directory"
is "$out" "" "the command is not run elsewhere"
PATH="$bin:$PATH" run -C crm.yaml where
is "$rc" 1 "-C to a file fails"
run --bogus list company
is "$rc" 2 "an unknown global option is a usage error"
is "$err" "crm: error: unknown option '--bogus'" "with no empty command name in the message"
run --formt json list company
like "$err" "^crm: error: unknown option '--formt' \\(did you mean '--format'\\?\\)$" "and a did-you-mean"

# --- a warning about a broken record is made safe too ---
f=$(file_of company "$evil")
printf 'tags:\n- "a \\e[2J"\n' >>"$f"
git commit -qam "a broken record from elsewhere"
run list company
is "$rc" 0 "a list with a broken record still exits 0"
like "$err" "^crm: warning: cannot read '.*': .*invalid tag 'a \\\\x1b\\[2J'" "the warning names the tag, made safe"
case $err in *"$esc"*) ok 1 "no raw escape in the warning" ;; *) ok 0 "no raw escape in the warning" ;; esac
git checkout -q HEAD~1 -- "$f" && git commit -qam "repaired"
n=$(commits)

# --- CSV and TSV keep exact bytes for a script, not for a terminal ---
run list company Evil --format csv
case $out in *"$esc"*) ok 0 "piped CSV keeps the escape byte" ;;
*) ok 1 "piped CSV keeps the escape byte" ;; esac
if command -v script >/dev/null && script -qec true /dev/null >/dev/null 2>&1; then
	for f in csv tsv; do
		tty_out=$(timeout 20 script -qec "'$CRM' list company Evil --format $f" /dev/null 2>&1)
		case $tty_out in *"$esc"*) ok 1 "$f on a terminal has no raw escape" ;;
		*) ok 0 "$f on a terminal has no raw escape" ;; esac
		like "$tty_out" 'Evil\\{1,2}x1b\[2JCo' "$f on a terminal shows it as \\x1b"
	done
else
	for i in 1 2 3 4; do ok 0 "# skip no script(1)"; done
fi

# --- crm help of a misspelt command says which was meant ---
run help lst
is "$rc" 2 "help of an unknown command is a usage error"
like "$err" "^hint: did you mean 'crm list'\\?$" "with the closest command as a hint"

# --- "-Customer" in crm tag and crm list is a word, not -C ustomer ---
"$CRM" tag Acme +Customer >/dev/null
run tag Acme -Customer
is "$rc" 0 "tag -Customer removes a tag"
like "$("$CRM" show Acme)" "^Acme" "the store is the same one"
case $("$CRM" show Acme) in *Customer*) ok 1 "the tag Customer is gone" ;; *) ok 0 "the tag Customer is gone" ;; esac
run list company -Corporation --format ids
is "$rc" 0 "list -Corporation is a query word"
run list company -C "$PWD" --format ids
is "$rc" 0 "-C DIR as its own word still names a store"
n=$(commits)

# --- a name of blanks is no name ---
n=$(commits)
run add company "   "
is "$rc" 2 "add with a name of spaces is a usage error"
like "$err" "^crm: error: a name is needed" "and says a name is needed"
run add company --name "$(printf '\t')"
is "$rc" 2 "add --name TAB is a usage error"
run set Acme "name=  "
is "$rc" 2 "set name to spaces is a usage error"
like "$err" "^crm: error: field 'name': must not be blank" "and says so"
is "$(commits)" "$n" "no commit for a blank name"

is "$(commits)" "$n" "refused commands made no commit"
store_clean "redteam"
done_testing
