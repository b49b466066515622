#!/bin/bash
# 49-completion.t - shell completion as a user gets it: real bash
# completion (crm.bash sourced into `bash --norc`, COMP_* set, _crm
# called, COMPREPLY printed) for every kind of word, the store found as
# the command finds it, quoting of names with spaces; zsh and fish load
# their scripts and get the descriptions they show; no store, a broken
# crm.yaml and bad requests.

. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
COMP="$SRC/completions"
mkdir -p "$TEST_ROOT/bin"
ln -s "$CRM" "$TEST_ROOT/bin/crm"
BIN="$TEST_ROOT/bin"

# bcomp LINE: what bash completion puts in COMPREPLY for LINE (the cursor
# at its end), one a line, in the order given; "(nospace)" last when the
# script asked for no space after the word.  COMP_WORDS is split roughly
# (the script reads COMP_LINE, as bash gives it).
bcomp() {
	PATH="$BIN:$PATH" timeout 20 bash --norc --noprofile -c '
. "$1" || exit 9
compopt() { [[ $* == *nospace* ]] && NOSPACE=1; return 0; }
COMP_LINE=$2
COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<<"$COMP_LINE"
[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_crm crm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
(( ${#COMPREPLY[@]} )) && printf "%s\n" "${COMPREPLY[@]}"
[[ -n ${NOSPACE-} ]] && echo "(nospace)"
exit 0
' bcomp "$COMP/crm.bash" "$1"
}

# words TEXT: TEXT's lines joined by spaces (for comparisons).
words() {
	printf '%s\n' "$1" | paste -sd' ' -
}

# has TEXT LINE DESC: TEXT has the line LINE.
has() {
	printf '%s\n' "$1" | grep -qxF -- "$2"
	ok $? "$3"
}

# hasnt TEXT LINE DESC: TEXT has no line LINE.
hasnt() {
	if printf '%s\n' "$1" | grep -qxF -- "$2"; then
		ok 1 "$3"
		printf '# got: %s\n' "$(words "$1")"
	else
		ok 0 "$3"
	fi
}

# --- a store with records, two users, two pipelines -------------------------------
old_store s
S1=$PWD
cat >crm.yaml <<'EOF'
version: 1
users:
- login: ann
  name: Ann Smith
  email: ann@example.com
- login: bob
  name: Bob Jones
  email: bob@example.com
pipelines:
- name: sales
  stages:
  - lead
  - qualified
  - proposal
  - negotiation
  - won
  - lost
- name: partners
  stages:
  - intro
  - pilot
  - signed
defaults:
  pipeline: sales
  currency: RUB
EOF
"$CRM" commit -m "users and pipelines" >/dev/null || echo "Bail out! crm commit failed"
"$CRM" add company "Acme Ltd" --tag vip --tag b2b >/dev/null
"$CRM" add company "Иванов и партнёры" >/dev/null
ivan=$("$CRM" add contact "Иван Петров" --company "Acme Ltd" --tag ключевой --tag vip)
"$CRM" add contact "Иванова Анна" >/dev/null
deal=$("$CRM" add deal "Supply 2027" --company "Acme Ltd" --amount 100)
twin1=$("$CRM" add contact "Twin Name")
twin2=$("$CRM" add contact "Twin Name")
"$CRM" add task "Call back" --for "Supply 2027" >/dev/null
head_before=$(git rev-parse HEAD)

# --- record references ----------------------------------------------------------
got=$(bcomp "crm show Ив")
is "$(words "$got")" 'Иван\ Петров Иванов\ и\ партнёры Иванова\ Анна' \
	"bash: 'crm show Ив' offers the names, spaces escaped"
got=$(bcomp "crm show ив")
has "$got" 'Иван\ Петров' "bash: names match ignoring case (Cyrillic)"
got=$(bcomp "crm show Иван\\ П")
is "$got" 'Иван\ Петров' "bash: 'crm show Иван\\ П' completes the escaped name"
got=$(bcomp 'crm show "Иван П')
is "$got" 'Иван Петров' "bash: inside double quotes the name is left as it is"
got=$(bcomp "crm show 'Иван П")
is "$got" 'Иван Петров' "bash: inside single quotes too"
# the completed word, read back by the shell, is a reference crm resolves
got=$(bcomp "crm show Иван\\ П")
out=$(eval "\"\$CRM\" --format json show $got" 2>&1)
like "$out" "$ivan" "the completed word names the record for crm show"
for cmd in show set tag rm edit log; do
	got=$(bcomp "crm $cmd Sup")
	is "$got" 'Supply\ 2027' "bash: 'crm $cmd Sup' completes the deal's name"
done
"$CRM" add contact 'Glob * Co [x]' >/dev/null
got=$(cd "$TEST_ROOT" && bcomp "crm -C $S1 show Gl")
is "$got" 'Glob\ \*\ Co\ \[x\]' "bash: glob characters in a name are escaped, not expanded"
got=$(bcomp "crm show \"Gl")
is "$got" 'Glob * Co [x]' "bash: ... and left alone inside double quotes"
got=$(bcomp "crm show Twin")
is "$(words "$got")" "$(printf '%s\n' "$twin1" "$twin2" | sort | paste -sd' ' -)" \
	"bash: a name two records share is offered as their ids"
got=$(bcomp "crm show ${deal:0:4}")
is "$got" "$deal" "bash: an id prefix matching no name completes the id"
got=$(bcomp "crm show zzzz")
is "$got" "" "bash: a prefix matching nothing offers nothing"

# options naming records: only the right types
got=$(bcomp "crm add contact X --company ")
is "$(words "$got")" 'Acme\ Ltd Иванов\ и\ партнёры' "bash: --company offers companies only"
got=$(bcomp "crm add deal X --contact ")
hasnt "$got" 'Acme\ Ltd' "bash: --contact offers no company"
has "$got" 'Иван\ Петров' "bash: --contact offers the contact"
got=$(bcomp "crm add task X --for S")
is "$got" 'Supply\ 2027' "bash: --for offers the deal"
got=$(bcomp "crm add task X --for Call\\ b")
is "$got" "" "bash: --for offers no task"
got=$(bcomp "crm add contact X --company=Ac")
is "$got" 'Acme\ Ltd' "bash: --company=Ac completes the name after '='"

# --- crm.yaml: users, stages, pipelines -----------------------------------------
got=$(bcomp "crm add task X --owner ")
is "$(words "$got")" "ann bob" "bash: --owner offers the users of crm.yaml"
got=$(bcomp "crm --user b")
is "$got" "bob" "bash: --user offers the users"
got=$(bcomp "crm list task owner:")
is "$(words "$got")" "ann bob" "bash: 'owner:' offers the users"
got=$(bcomp "crm add deal X --stage ")
is "$(words "$got")" "lead qualified proposal negotiation won lost intro pilot signed" \
	"bash: --stage offers the stages of every pipeline"
got=$(bcomp "crm list deal stage:ne")
is "$got" "negotiation" "bash: 'stage:ne' completes the stage"
got=$(bcomp "crm list deal stage:")
is "$(words "$got")" "lead qualified proposal negotiation won lost intro pilot signed" \
	"bash: 'stage:' offers every stage"
got=$(bcomp "crm add deal X --pipeline ")
is "$(words "$got")" "sales partners" "bash: --pipeline offers the pipelines"

# --- fields -----------------------------------------------------------------------
got=$(bcomp "crm set Supply\\ 2027 st")
is "$(words "$got")" "stage= (nospace)" "bash: 'crm set DEAL st' offers stage=, no space after"
got=$(bcomp "crm set Acme\\ Ltd we")
is "$(words "$got")" "website= (nospace)" "bash: 'crm set COMPANY we' offers website="
got=$(bcomp "crm set Acme\\ Ltd stag")
is "$got" "" "bash: a company has no stage field"
got=$(bcomp "crm set Acme\\ Ltd tag")
is "$(words "$got")" "tags= tags+= tags-= (nospace)" "bash: list fields offer += and -="
got=$(bcomp "crm set Supply\\ 2027 stage=w")
is "$got" "won" "bash: 'stage=w' completes the stage"
got=$(bcomp "crm set Supply\\ 2027 owner=")
is "$(words "$got")" "ann bob" "bash: 'owner=' offers the users"
got=$(bcomp "crm set Supply\\ 2027 company=Ac")
is "$got" 'Acme\ Ltd' "bash: 'company=' offers company names"
got=$(bcomp "crm list deal am")
is "$(words "$got")" "amount (nospace)" "bash: 'crm list deal am' offers the query field amount"
got=$(bcomp "crm search own")
is "$(words "$got")" "owner (nospace)" "bash: query fields in crm search"
got=$(bcomp "crm list deal -stag")
is "$(words "$got")" "-stage (nospace)" "bash: a negated term keeps its '-'"
got=$(bcomp "crm list deal company:Ac")
is "$got" '\"Acme\ Ltd\"' "bash: 'company:' offers names, quoted for the query"
eval "set -- $got"
run --format ids list deal "company:$1"
is "$out" "$deal" "the completed company: term finds the deal"
got=$(bcomp "crm list deal type:")
is "$(words "$got")" "company contact deal task" "bash: 'type:' offers the types"

# --- tags ---------------------------------------------------------------------------
got=$(bcomp "crm tag Acme\\ Ltd +")
is "$(words "$got")" "+b2b +vip +ключевой" "bash: 'crm tag REF +' offers every tag"
got=$(bcomp "crm tag Acme\\ Ltd +к")
is "$got" "+ключевой" "bash: '+к' completes a Cyrillic tag"
got=$(bcomp "crm tag Иван\\ Петров -")
is "$(words "$got")" "-ключевой -vip" "bash: 'crm tag REF -' offers the record's own tags"
got=$(bcomp "crm tag Иванова\\ Анна -")
is "$got" "" "bash: a record without tags has none to remove"
got=$(bcomp "crm list contact tag:")
is "$(words "$got")" "b2b vip ключевой" "bash: 'tag:' offers the tags"
got=$(bcomp "crm add contact X --tag v")
is "$got" "vip" "bash: --tag offers the tags"
got=$(bcomp "crm tag Nobody -")
is "$(words "$got")" "-b2b -vip -ключевой" "bash: '-' after an unknown REF offers every tag"
tmp=$("$CRM" add company "Short Lived" --tag fleeting)
got=$(bcomp "crm tag Acme\\ Ltd +f")
is "$got" "+fleeting" "bash: a new tag is offered at once"
"$CRM" rm "$tmp" >/dev/null
head_before=$(git rev-parse HEAD)
got=$(bcomp "crm tag Acme\\ Ltd +f")
is "$got" "" "bash: a tag no record has any more is not offered"
got=$(bcomp "crm add deal X --set st")
is "$(words "$got")" "stage= (nospace)" "bash: --set offers the fields of the type added"
got=$(bcomp "crm add deal X --set=stage=ne")
is "$got" "negotiation" "bash: --set=stage=ne completes the stage"
got=$(bcomp "crm list deal (stage:w")
is "$got" "won" "bash: a term after '(' completes"
got=$(bcomp "crm add company X --set stag")
is "$got" "" "bash: --set of a company offers no stage"

# --- commands, types, options -----------------------------------------------------
got=$(bcomp "crm ")
is "$(printf '%s\n' "$got" | grep -c .)" "$("$CRM" __complete commands | grep -c .)" \
	"bash: 'crm ' offers every command"
got=$(bcomp "crm se")
is "$(words "$got")" "search set" "bash: 'crm se' offers search and set"
got=$(bcomp "crm list ")
is "$(words "$got")" "company contact deal task" "bash: 'crm list ' offers the types"
got=$(bcomp "crm add ")
is "$(words "$got")" "company contact deal task" "bash: 'crm add ' offers the types"
got=$(bcomp "crm list --")
for o in --format --sort --limit --reverse --quiet --user --no-color; do
	has "$got" "$o" "bash: 'crm list --' offers $o"
done
got=$(bcomp "crm list deal --f")
is "$got" "--format" "bash: global options after the command's arguments"
got=$(bcomp "crm add contact --ph")
is "$got" "--phone" "bash: 'crm add contact --ph' offers --phone"
got=$(bcomp "crm --")
has "$got" "--format" "bash: 'crm --' offers the global options"
hasnt "$got" "--sort" "bash: 'crm --' offers no command's option"
got=$(bcomp "crm --format ")
is "$(words "$got")" "table json csv tsv ids yaml html" \
	"bash: --format before a command offers every format"
got=$(bcomp "crm list company --format ")
is "$(words "$got")" "table json csv tsv ids" \
	"bash: --format after a command offers the formats it prints"
for f in $got; do
	run --format "$f" list company
	is "$rc" 0 "the offered format '$f' is accepted by list"
done
got=$(bcomp "crm show 'Acme Ltd' --format ")
for f in $got; do
	run --format "$f" show "Acme Ltd"
	is "$rc" 0 "the offered format '$f' is accepted by show"
done
got=$(bcomp "crm --format=ya")
is "$got" "yaml" "bash: --format=ya completes"
got=$(bcomp "crm list deal --sort am")
is "$got" "amount" "bash: --sort offers the sort fields"
got=$(bcomp "crm list deal --sort ")
for f in $got; do
	run list deal --sort "$f"
	[ "$rc" = 0 ] || break
done
is "$rc" 0 "every offered sort field is accepted by crm list"
got=$(bcomp "crm help s")
is "$(words "$got")" "show search set status stage" "bash: 'crm help s' offers commands"
got=$(bcomp "crm log -")
has "$got" "--limit" "bash: 'crm log -' offers --limit"
mkdir -p "$TEST_ROOT/dirs/alpha" "$TEST_ROOT/dirs/beta"
: >"$TEST_ROOT/dirs/afile"
got=$(cd "$TEST_ROOT/dirs" && bcomp "crm -C a")
is "$(words "$got")" "alpha/ (nospace)" "bash: -C offers directories only"
got=$(cd "$TEST_ROOT/dirs" && bcomp "crm init " | sort)
is "$(words "$got")" "(nospace) alpha/ beta/" "bash: crm init offers directories"

# --- where the store is found ---------------------------------------------------------
"$CRM" init --user zoe --name "Zoe Zed" --email zoe@example.com "$TEST_ROOT/s2" >/dev/null
"$CRM" -C "$TEST_ROOT/s2" add company "Zeta Corp" >/dev/null
got=$(bcomp "crm -C $TEST_ROOT/s2 show ")
is "$got" 'Zeta\ Corp' "bash: -C DIR on the line picks that store"
got=$(bcomp "crm -C $TEST_ROOT/s2 add task X --owner ")
is "$got" "zoe" "bash: -C DIR gives that store's users"
mkdir -p "$HOME/stores"
ln -s "$TEST_ROOT/s2" "$HOME/stores/s2"
got=$(bcomp "crm -C ~/stores/s2 show ")
is "$got" 'Zeta\ Corp' "bash: -C ~/DIR is read as the shell will expand it"
got=$(bcomp "crm --format ids -C $TEST_ROOT/s2 show Z")
is "$got" 'Zeta\ Corp' "bash: -C after another global option"
mkdir -p "$TEST_ROOT/elsewhere/deep"
got=$(cd "$TEST_ROOT/elsewhere" && CRM_DIR="$TEST_ROOT/s2" bcomp "crm show ")
is "$got" 'Zeta\ Corp' "bash: \$CRM_DIR picks the store"
got=$(cd "$TEST_ROOT/elsewhere" && CRM_DIR="$TEST_ROOT/s2" bcomp "crm -C $S1 show Sup")
is "$got" 'Supply\ 2027' "bash: -C wins over \$CRM_DIR"
mkdir -p "$S1/sub/dir"
got=$(cd "$S1/sub/dir" && bcomp "crm show Sup")
is "$got" 'Supply\ 2027' "bash: the nearest parent holding crm.yaml"
# the default store, under a temporary XDG_DATA_HOME and HOME
xdg="$TEST_ROOT/xdg"
XDG_DATA_HOME=$xdg "$CRM" init --user dee --name Dee --email dee@example.com "$xdg/crm" >/dev/null
XDG_DATA_HOME=$xdg "$CRM" -C "$xdg/crm" add company "Default Co" >/dev/null
got=$(cd "$TEST_ROOT/elsewhere/deep" && XDG_DATA_HOME=$xdg bcomp "crm show ")
is "$got" 'Default\ Co' "bash: the default store \$XDG_DATA_HOME/crm"
home2="$TEST_ROOT/home2"
"$CRM" init --user hal --name Hal --email hal@example.com "$home2/.local/share/crm" >/dev/null
"$CRM" -C "$home2/.local/share/crm" add company "Home Co" >/dev/null
got=$(cd "$TEST_ROOT/elsewhere/deep" && unset XDG_DATA_HOME && HOME=$home2 bcomp "crm show ")
is "$got" 'Home\ Co' "bash: the default store ~/.local/share/crm without XDG_DATA_HOME"

# --- no store, broken store, bad requests ------------------------------------------------
empty="$TEST_ROOT/empty"
mkdir -p "$empty/home"
out=$(cd "$empty" && HOME=$empty/home XDG_DATA_HOME=$empty/home/x \
	"$CRM" __complete words -- crm show "" 2>&1)
rc=$?
is "$rc" 0 "no store: crm __complete exits 0"
is "$out" "" "no store: prints nothing"
got=$(cd "$empty" && HOME=$empty/home XDG_DATA_HOME=$empty/home/x bcomp "crm show ")
is "$got" "" "no store: bash offers nothing"
for w in users stages tags refs; do
	out=$(cd "$empty" && HOME=$empty/home XDG_DATA_HOME=$empty/home/x \
		"$CRM" __complete "$w" 2>&1)
	is "$rc$out" "0" "no store: crm __complete $w prints nothing"
done
got=$(cd "$empty" && HOME=$empty/home XDG_DATA_HOME=$empty/home/x bcomp "crm li")
is "$got" "list" "no store: commands still complete"
cp -a "$S1" "$TEST_ROOT/broken"
printf 'users: [\n  - {login: ann\n' >"$TEST_ROOT/broken/crm.yaml"
out=$(cd "$TEST_ROOT/broken" && timeout 10 "$CRM" __complete words -- crm show "" 2>&1)
rc=$?
is "$rc" 0 "broken crm.yaml: crm __complete exits 0 (in time)"
is "$out" "" "broken crm.yaml: prints nothing"
out=$(cd "$TEST_ROOT/broken" && timeout 10 "$CRM" __complete words -- crm add deal --owner "" 2>&1)
is "$?$out" "0" "broken crm.yaml: no users, nothing said"
got=$(cd "$TEST_ROOT/broken" && bcomp "crm show ")
is "$got" "" "broken crm.yaml: bash offers nothing"
run __complete nonsense
is "$rc" 2 "an unknown completion exits 2"
like "$err" "unknown completion 'nonsense'" "an unknown completion is named"
run __complete words -- crm show "$(printf 'bad\377')"
is "$rc$out" "0" "invalid UTF-8 in the word: nothing offered, exit 0"
run __complete words -- crm no-such-command ""
is "$rc$out" "0" "after an unknown command: nothing offered"
run __complete words
is "$rc" 0 "no words: exit 0"
is "$(git rev-parse HEAD)" "$head_before" "completion wrote nothing"
store_clean "after completion"

# --- the one-list forms ----------------------------------------------------------------
run __complete refs company
is "$out" "$(printf 'Acme Ltd\t%s (company)\nИванов и партнёры\t%s (company)' \
	"$("$CRM" --format ids list company | head -1)" \
	"$("$CRM" --format ids list company | tail -1)")" \
	"crm __complete refs company: names with ids"
run __complete stages
is "$(words "$out")" "lead qualified proposal negotiation won lost intro pilot signed" \
	"crm __complete stages: every pipeline's"
run __complete pipelines
is "$(words "$out")" "sales partners" "crm __complete pipelines"
run __complete tags
is "$(words "$out")" "b2b vip ключевой" "crm __complete tags"

# --- crm deal move: the deal's own stages; --reason: the lost reasons ---------------------
cat >>crm.yaml <<'EOF2'
lost_reasons:
- id: price
  name: Price
- id: competitor
  name: {en: Chose a competitor, ru: Выбрали конкурента}
- id: no_budget
  name: No budget
EOF2
"$CRM" commit -m "lost reasons" >/dev/null || echo "Bail out! crm commit failed"
pilot=$("$CRM" add deal "Pilot project" --pipeline partners)
got=$(bcomp "crm deal move Supply\\ 2027 ")
is "$(words "$got")" "lead qualified proposal negotiation won lost" \
	"bash: 'crm deal move DEAL ' offers only the stages of the deal's pipeline"
got=$(bcomp "crm deal move Pilot\\ project ")
is "$(words "$got")" "intro pilot signed" "bash: ... of the other pipeline for a deal in it"
got=$(bcomp "crm deal move ${pilot:0:6} p")
is "$got" "pilot" "bash: a deal named by an id prefix gives its pipeline too"
got=$(bcomp "crm deal move --reason price Pilot\\ project ")
is "$(words "$got")" "intro pilot signed" "bash: an option before the deal changes nothing"
got=$(bcomp "crm deal move Nosuch ")
is "$(words "$got")" "lead qualified proposal negotiation won lost intro pilot signed" \
	"bash: a deal the index does not know: the stages of every pipeline"
got=$(bcomp "crm deal move Supply\\ 2027 lost --reason ")
is "$(words "$got")" "price competitor no_budget" "bash: 'deal move --reason ' offers the lost reasons"
got=$(bcomp "crm deal move Supply\\ 2027 lost --reason=c")
is "$got" "competitor" "bash: --reason=c completes after '='"
got=$(bcomp "crm set Supply\\ 2027 stage=lost --reason n")
is "$got" "no_budget" "bash: crm set --reason offers the lost reasons"
got=$(bcomp "crm add deal X --stage lost --reason p")
is "$got" "price" "bash: crm add deal --reason offers the lost reasons"
got=$(bcomp "crm set Supply\\ 2027 reason=")
is "$got" "" "bash: a field named reason is free text, no lost reasons"
out=$("$CRM" __complete words -- crm deal move "Supply 2027" lost --reason "")
like "$out" "^competitor	Chose a competitor$" "the lost reasons come with their names (zsh, fish)"
if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$'; then
	out=$(LC_ALL=ru_RU.UTF-8 "$CRM" __complete words -- crm deal move "Supply 2027" lost --reason c)
	is "$out" "competitor	Выбрали конкурента" "the names in the user's language"
else
	echo "ok $((_tap_n + 1)) # SKIP no ru_RU.UTF-8 locale"
	_tap_n=$((_tap_n + 1))
fi
run __complete reasons
is "$(words "$out")" "price competitor no_budget" "crm __complete reasons"

# --- zsh and fish ----------------------------------------------------------------------
out=$("$CRM" __complete words -- crm show "Иван П")
is "$out" "$(printf 'Иван Петров\t%s (contact)' "$ivan")" \
	"crm __complete words: the name, described by the id (zsh, fish)"
if command -v zsh >/dev/null; then
	zsh -n "$COMP/_crm"
	ok $? "zsh: _crm parses"
	out=$(PATH="$BIN:$PATH" timeout 20 zsh -f -c '
fpath=("$1" $fpath)
autoload -Uz compinit && compinit -u -d "$2/zcompdump" || exit 3
print -r -- ${_comps[crm]}' zcomp "$COMP" "$TEST_ROOT" 2>&1)
	is "$out" "_crm" "zsh: compinit loads _crm for crm without errors"
	# real zsh completion (tests/e2e/49-completion.zsh)
	zcomp() {
		PATH="$BIN:$PATH" timeout 90 zsh -f "$SRC/tests/e2e/49-completion.zsh" \
			"$BIN" "$COMP" "$TEST_ROOT" "$@" 2>&1
	}
	got=$(zcomp 'crm show Иван\ П' 'crm show "Иван П' 'crm add deal x --company Ac' \
		'crm list deal stage:ne' 'crm set Supply\ 2027 st' \
		"crm -C $TEST_ROOT/s2 show Z")
	is "$got" "$(printf '%s\n' 'show|Иван Петров' 'show|Иван Петров' \
		'add|deal|x|--company|Acme Ltd' 'list|deal|stage:negotiation' \
		'set|Supply 2027|stage=' "-C|$TEST_ROOT/s2|show|Zeta Corp")" \
		"zsh: real completion of names (escaped, quoted), --company, stage:, set, -C"
	got=$(zcomp 'crm deal move Pilot\ project si' 'crm deal move Supply\ 2027 lost --reason no')
	is "$got" "$(printf '%s\n' 'deal|move|Pilot project|signed' \
		'deal|move|Supply 2027|lost|--reason|no_budget')" \
		"zsh: deal move completes the deal's own stage and a lost reason"
else
	echo "ok $((_tap_n + 1)) # SKIP zsh is not installed"
	_tap_n=$((_tap_n + 1))
fi
if command -v fish >/dev/null; then
	fcomp() {
		PATH="$BIN:$PATH" timeout 20 fish --no-config -c \
			"source '$COMP/crm.fish'; complete -C '$1'" 2>&1
	}
	got=$(fcomp "crm show Иван\\ П")
	is "$got" "$(printf 'Иван Петров\t%s (contact)' "$ivan")" \
		"fish: 'crm show Иван' offers the name with the id"
	got=$(fcomp "crm add contact X --company ")
	like "$got" "^Acme Ltd	" "fish: --company offers the company"
	if printf '%s\n' "$got" | grep -q "Иван Петров"; then
		ok 1 "fish: --company offers no contact"
	else
		ok 0 "fish: --company offers no contact"
	fi
	got=$(fcomp "crm list deal stage:ne" | cut -f1)
	is "$got" "stage:negotiation" "fish: 'stage:ne' completes"
	got=$(fcomp 'crm set "Supply 2027" st' | cut -f1)
	is "$got" "stage=" "fish: fields for crm set"
	got=$(fcomp 'crm tag "Иван Петров" -' | cut -f1)
	is "$(words "$got")" "-vip -ключевой" "fish: the quoted REF's own tags after '-'"
	got=$(fcomp "crm list --li" | cut -f1)
	is "$got" "--limit" "fish: options after the command"
	got=$(fcomp 'crm deal move "Pilot project" ' | cut -f1)
	is "$(words "$got")" "intro pilot signed" "fish: deal move offers the deal's own stages"
	got=$(fcomp 'crm deal move "Supply 2027" lost --reason ')
	is "$(words "$(printf '%s\n' "$got" | cut -f1 | sort)")" "competitor no_budget price" \
		"fish: --reason offers the lost reasons"
	like "$got" "^competitor	Chose a competitor$" "fish: with their names"
else
	echo "ok $((_tap_n + 1)) # SKIP fish is not installed"
	_tap_n=$((_tap_n + 1))
fi

done_testing
