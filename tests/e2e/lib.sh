# lib.sh - helpers for crm's end-to-end tests: TAP output, a private HOME
# and git identity, fresh stores, and running the real binary.
#
# Each test script sources this file, calls the helpers below, and ends
# with `done_testing`.  $CRM is the binary under test (make sets it).

set -u

: "${CRM:=$(cd "$(dirname "$0")/../.." && pwd)/build/crm}"
TEST_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/crm-e2e.XXXXXX")
trap 'chmod -R u+w "$TEST_ROOT" 2>/dev/null; rm -rf "$TEST_ROOT"' EXIT
export HOME="$TEST_ROOT/home"
export XDG_DATA_HOME="$HOME/.local/share"
export GIT_CONFIG_NOSYSTEM=1
export TZ=Europe/Moscow
export LC_ALL=C.UTF-8 LANG=C.UTF-8 LANGUAGE=
export CRM_LOCK_TIMEOUT=10
unset CRM_DIR CRM_USER CRM_TRACE NO_COLOR VISUAL EDITOR CRM_PAGER LESS LV COLUMNS
# no pager unless a test asks for one, as git's test-lib does
export PAGER=cat
mkdir -p "$HOME"
git config --global user.name "Ann Smith"
git config --global user.email "ann@example.com"
git config --global init.defaultBranch main

_tap_n=0
_tap_failed=0

# ok COND_STATUS DESCRIPTION: prints one TAP line for the status of the
# previous command given as $1 (0 = pass).
ok() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

# is GOT WANT DESCRIPTION: passes when the two strings are equal.
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '# got:  %s\n# want: %s\n' "$1" "$2" | head -20
	fi
}

# like GOT PATTERN DESCRIPTION: passes when GOT matches the grep -E PATTERN.
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '# got:  %s\n# want match: %s\n' "$1" "$2" | head -20
	fi
}

# run ARGS...: runs crm, setting $rc, $out and $err.
run() {
	out=$("$CRM" "$@" 2>"$TEST_ROOT/stderr")
	rc=$?
	err=$(cat "$TEST_ROOT/stderr")
}

# init_store NAME [init options]: creates a store in $TEST_ROOT/NAME with
# the crm.yaml of crm init, and cds into it; prints nothing.
init_store() {
	local dir="$TEST_ROOT/$1"
	shift
	"$CRM" init --user ann --name "Ann Smith" --email ann@example.com \
		"$@" "$dir" >/dev/null || { echo "Bail out! crm init failed"; exit 1; }
	cd "$dir" || exit 1
}

# new_store NAME [init options]: init_store without crm init's automation
# rule (a new deal in the first stage gets a task; 81-automation.t tests
# it), so that a test counts only the records it makes.
new_store() {
	init_store "$@"
	sed -i '/^automation:/,/^defaults:/{/^defaults:/!d}' crm.yaml
	git commit -q --amend -a --no-edit || { echo "Bail out! new_store"; exit 1; }
}

# old_store NAME [init options]: new_store, with crm.yaml's stages as the
# plain list of names that stores made before stages had names and
# probabilities hold (lead qualified proposal negotiation won lost), as
# the first commit.
old_store() {
	new_store "$@"
	python3 - <<'PY' || { echo "Bail out! old_store"; exit 1; }
import re
t = open("crm.yaml").read()
i = t.index("pipelines:")
j = t.index("defaults:")
plain = "pipelines:\n- name: sales\n  stages:\n" + "".join(
    "  - %s\n" % s for s in
    ["lead", "qualified", "proposal", "negotiation", "won", "lost"])
open("crm.yaml", "w").write(t[:i] + plain + t[j:])
PY
	git commit -q --amend -a --no-edit || { echo "Bail out! old_store commit"; exit 1; }
}

# store_clean DESCRIPTION: git status is clean and git fsck --strict passes.
store_clean() {
	local st
	st=$(git status --porcelain 2>&1)
	is "$st" "" "$1: git status is clean"
	git fsck --strict >/dev/null 2>&1
	ok $? "$1: git fsck --strict passes"
}

# file_of TYPE ID: the path of a record's file in the store.
file_of() {
	local d
	case $1 in
	company) d=companies ;; contact) d=contacts ;; deal) d=deals ;; task) d=tasks ;;
	esac
	echo "$d/$(printf '%s' "$2" | cut -c1-2)/$2.yaml"
}

# commits: the number of commits in the current store.
commits() {
	git rev-list --count HEAD
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}
