#!/bin/bash
# crm init: the new store, its crm.yaml and first commit, refusing an
# existing store, the default location, --sample, the login from git
# config; and store discovery (-C, CRM_DIR, parent search, default store,
# no store).
. "$(dirname "$0")/lib.sh"

expected_yaml='version: 1
users:
- login: ann
  name: Ann Smith
  email: ann@example.com
pipelines:
- name: sales
  stages:
  - id: lead
    name: Lead
    probability: 10
    rot_days: 3
  - id: first_contact
    name: First contact
    probability: 20
    rot_days: 7
  - id: needs_analysis
    name: Needs analysis
    probability: 40
    rot_days: 14
  - id: proposal
    name: Proposal
    probability: 60
    rot_days: 14
  - id: negotiation
    name: Negotiation
    probability: 80
    rot_days: 14
  - id: won
    name: Won
    kind: won
    probability: 100
  - id: lost
    name: Lost
    kind: lost
    probability: 0
lost_reasons:
- id: price
  name: Price
- id: competitor
  name: Chose a competitor
- id: no_budget
  name: No budget
automation:
- name: call-back
  when: created
  stage: lead
  title: Call back within 15 minutes
  owner: deal
  due: '"'"'+15m'"'"'
defaults:
  pipeline: sales
  currency: RUB'

# --- init with explicit user ---
cd "$TEST_ROOT" || exit 1
run init --user ann --name "Ann Smith" --email ann@example.com s1
is "$rc" 0 "init exits 0"
is "$err" "" "init prints nothing on stderr"
ok "$([ -f s1/crm.yaml ]; echo $?)" "crm.yaml exists"
is "$(cat s1/crm.yaml)" "$expected_yaml" "crm.yaml has the user and the sales pipeline"
python3 -c 'import yaml,sys; d=yaml.safe_load(open(sys.argv[1])); assert d["users"][0]["login"]=="ann"' s1/crm.yaml
ok $? "crm.yaml parses with python yaml"
cd s1 || exit 1
is "$(commits)" 1 "init makes exactly one commit"
is "$(git symbolic-ref --short HEAD)" main "branch is main"
is "$(git log -1 --format='%an <%ae>')" "Ann Smith <ann@example.com>" "first commit authored by the user"
is "$(git ls-files)" "crm.yaml" "only crm.yaml is committed"
store_clean "after init"

# --- refuses an existing store ---
head_before=$(git rev-parse HEAD)
yaml_before=$(cat crm.yaml)
cd "$TEST_ROOT" || exit 1
run init --user bob --name "Bob" --email bob@example.com s1
is "$rc" 1 "init on an existing store exits 1"
like "$err" "^crm: error: .*already holds a store" "error says it already holds a store"
is "$(git -C s1 rev-parse HEAD)" "$head_before" "no new commit on refusal"
is "$(cat s1/crm.yaml)" "$yaml_before" "crm.yaml unchanged on refusal"
cd s1 && store_clean "after refused init" && cd "$TEST_ROOT"

# --- default location from XDG_DATA_HOME ---
export XDG_DATA_HOME="$TEST_ROOT/xdg"
run init
is "$rc" 0 "init without DIR exits 0"
ok "$([ -f "$TEST_ROOT/xdg/crm/crm.yaml" ]; echo $?)" "init without DIR creates \$XDG_DATA_HOME/crm/crm.yaml"
run init
is "$rc" 1 "second init of the default store exits 1"
# a default store is found from anywhere
mkdir -p "$TEST_ROOT/elsewhere" && cd "$TEST_ROOT/elsewhere" || exit 1
run add company "Default Co"
is "$rc" 0 "add works in the default store from an unrelated directory"
is "$(git -C "$TEST_ROOT/xdg/crm" rev-list --count HEAD)" 2 "the default store got the commit"
# HOME fallback when XDG_DATA_HOME is unset
unset XDG_DATA_HOME
cd "$TEST_ROOT" || exit 1
run init
is "$rc" 0 "init with XDG_DATA_HOME unset exits 0"
ok "$([ -f "$HOME/.local/share/crm/crm.yaml" ]; echo $?)" "init falls back to ~/.local/share/crm"
export XDG_DATA_HOME="$TEST_ROOT/xdg"

# --- login derived from git config user.email ---
git config --global user.email "Bob.Jones@Example.COM"
git config --global user.name "Bob Jones"
run init "$TEST_ROOT/s2"
is "$rc" 0 "init without --user exits 0"
login=$(python3 -c 'import yaml,sys; print(yaml.safe_load(open(sys.argv[1]))["users"][0]["login"])' s2/crm.yaml)
is "$login" "bob.jones" "login is the e-mail's local part, lowercased"
name=$(python3 -c 'import yaml,sys; print(yaml.safe_load(open(sys.argv[1]))["users"][0]["name"])' s2/crm.yaml)
is "$name" "Bob Jones" "name from git config user.name"
is "$(git -C s2 log -1 --format='%an')" "Bob Jones" "first commit authored by git's user"
git config --global user.email "ann@example.com"
git config --global user.name "Ann Smith"

# --- argument errors ---
run init --bogus "$TEST_ROOT/s3"
is "$rc" 2 "init with an unknown option exits 2"
ok "$([ ! -e "$TEST_ROOT/s3/crm.yaml" ]; echo $?)" "nothing created on a usage error"

# --- --sample ---
run init --user ann --name "Ann Smith" --email ann@example.com --sample "$TEST_ROOT/smp"
is "$rc" 0 "init --sample exits 0"
cd "$TEST_ROOT/smp" || exit 1
store_clean "after init --sample"
ok "$([ "$(commits)" -ge 1 ]; echo $?)" "sample store has commits"
nco=$("$CRM" --format ids list company | wc -l)
nct=$("$CRM" --format ids list contact | wc -l)
nde=$("$CRM" --format ids list deal | wc -l)
nta=$("$CRM" --format ids list task | wc -l)
ok "$([ "$nco" -ge 2 ]; echo $?)" "sample has companies ($nco)"
ok "$([ "$nct" -ge 2 ]; echo $?)" "sample has contacts ($nct)"
ok "$([ "$nde" -ge 2 ]; echo $?)" "sample has deals ($nde)"
ok "$([ "$nta" -ge 2 ]; echo $?)" "sample has tasks ($nta)"
contacts=$("$CRM" --format json list contact)
printf '%s' "$contacts" | python3 -c '
import json,sys,re
d=json.load(sys.stdin)
names=[r["name"] for r in d["records"]]
assert any(re.search("[\u0400-\u04ff]", n) for n in names), names
assert any(re.fullmatch("[A-Za-z .]+", n) for n in names), names'
ok $? "sample contacts have Cyrillic and English names"
stages=$("$CRM" --format json list deal | python3 -c '
import json,sys
print(len({r["stage"] for r in json.load(sys.stdin)["records"]}))')
ok "$([ "$stages" -ge 3 ]; echo $?)" "sample deals are in several stages ($stages)"
today=$(date +%F)
dues=$("$CRM" --format json list task | python3 -c '
import json,sys
for r in json.load(sys.stdin)["records"]: print(r.get("due","")[:10])')
ok "$(printf '%s\n' "$dues" | grep -qx "$today"; echo $?)" "a sample task is due today"
ok "$(printf '%s\n' "$dues" | awk -v t="$today" '$0 != "" && $0 < t {f=1} END {exit !f}'; echo $?)" "a sample task is overdue"
# every sample file parses
bad=0
for f in $(git ls-files companies contacts deals tasks); do
	python3 -c 'import yaml,sys; yaml.safe_load(open(sys.argv[1]))' "$f" 2>/dev/null || bad=1
done
is "$bad" 0 "every sample record parses with python yaml"

# --- store discovery ---
new_store disc
"$CRM" add company "Disc Co" >/dev/null
mkdir -p "$TEST_ROOT/disc/a/b"
cd "$TEST_ROOT/disc/a/b" || exit 1
run --format ids list company
is "$rc" 0 "list from a subdirectory exits 0"
is "$(printf '%s\n' "$out" | wc -l)" 1 "store found from a subdirectory (parent search)"
cd "$TEST_ROOT" || exit 1
run -C "$TEST_ROOT/disc" --format json list company
like "$out" '"Disc Co"' "-C DIR selects the store"
CRM_DIR="$TEST_ROOT/disc" run --format json list company
like "$out" '"Disc Co"' "CRM_DIR selects the store"
# -C wins over CRM_DIR
out=$(CRM_DIR="$TEST_ROOT/smp" "$CRM" -C "$TEST_ROOT/disc" --format json list company)
like "$out" '"Disc Co"' "-C takes precedence over CRM_DIR"
# CRM_DIR wins over the parent search
cd "$TEST_ROOT/disc/a" || exit 1
out=$(CRM_DIR="$TEST_ROOT/smp" "$CRM" --format json list company)
ok "$(printf '%s' "$out" | grep -q '"Disc Co"'; [ $? -ne 0 ]; echo $?)" "CRM_DIR takes precedence over the parent search"
# no store at all
mkdir -p "$TEST_ROOT/empty" && cd "$TEST_ROOT/empty" || exit 1
XDG_DATA_HOME="$TEST_ROOT/none" run list company
is "$rc" 6 "no store found exits 6"
like "$err" "^crm: error: .*store" "no store: a message about the store"
like "$err" "crm init" "no store: hints at crm init"
run -C "$TEST_ROOT/empty" list company
is "$rc" 6 "-C to a directory without a store exits 6"
CRM_DIR="$TEST_ROOT/empty" run list company
is "$rc" 6 "CRM_DIR without a store exits 6"
run -C "$TEST_ROOT/nonexistent" list company
is "$rc" 6 "-C to a missing directory exits 6"

# --- an invalid login is refused before anything is created ---
run init --user "Bad Name" "$TEST_ROOT/badlogin"
is "$rc" 2 "init with a login holding a space exits 2"
like "$err" "invalid login 'Bad Name'" "the message names the login"
[ ! -e "$TEST_ROOT/badlogin" ]
ok $? "nothing was created for an invalid login"

done_testing
