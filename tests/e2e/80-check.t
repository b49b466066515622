#!/bin/bash
# crm check: every rule of the sales process over the whole store.  On a
# generated store (random companies, contacts, deals, tasks, timelines
# and stages, written as YAML files and committed with plain git) its
# findings are those a brute-force scan of the files in Python finds;
# --owner, the formats, the exit status, a broken rule, a broken file, a
# store with the old plain stage list, refusals, nothing written;
# English and Russian.
. "$(dirname "$0")/lib.sh"

ru() { LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 run "$@"; }

# --- a clean store -----------------------------------------------------------------
new_store clean
run check
is "$rc" 0 "check of an empty store exits 0"
is "$out" "nothing to do: every rule holds" "check says every rule holds"
run check --format json
is "$rc" 0 "check --format json of a clean store exits 0"
is "$out" '{
  "format_version": 1,
  "count": 0,
  "findings": []
}' "check --format json: no findings"
run check -q
is "$rc$out" "0" "check -q says nothing when clean"

# --- refusals ----------------------------------------------------------------------
n=$(commits)
run check extra
is "$rc" 2 "check with an argument is a usage error"
like "$err" "too many arguments" "check with an argument: the message"
run check --owner anne
is "$rc" 3 "check --owner of an unknown user exits 3"
like "$err" "unknown user 'anne' \(did you mean 'ann'\?\)" "check --owner: did you mean"
run check --owner "$(printf 'a\xffb')"
is "$rc" 2 "check --owner with invalid UTF-8 is a usage error"
like "$err" "--owner: the value is not valid UTF-8" "check --owner with invalid UTF-8: the message"
run check --format yaml
is "$rc" 2 "check --format yaml is refused"
is "$(commits)" "$n" "refusals commit nothing"
store_clean "check refusals"

# --- each rule, once ----------------------------------------------------------------
"$CRM" user add bob --name "Bob Brown" >/dev/null
co=$("$CRM" add company "ООО Ромашка")
ct=$("$CRM" add contact "Leyla Əliyeva" --company "$co" --phone "+7 12" \
	--email "leyla@x")
qu=$("$CRM" add company "Quiet Ltd" --owner bob)
"$CRM" set "$qu" status=inactive >/dev/null
tk=$("$CRM" add task "Перезвонить" --for "$co" --due yesterday)
run check
is "$rc" 10 "check with findings exits 10"
like "$out" "ann +${ct:0:4} +contact +Leyla Əliyeva +active client with no open task +crm task add TITLE --for ${ct:0:4} --due WHEN" \
	"a contact without a task: its line says what to do"
like "$out" "ann +${tk:0:4} +task +Перезвонить +overdue by 1 day" "the overdue task"
like "$out" "crm task done ${tk:0:4}, or crm task move ${tk:0:4} WHEN" "the overdue task: what to do"
like "$out" "phone '\+7 12' cannot be valid +crm set ${ct:0:4} 'phones-=\+7 12'" "the impossible phone, and how to drop it"
like "$out" "e-mail 'leyla@x' cannot be valid" "the impossible e-mail"
ok "$(printf '%s' "$out" | grep -q "Quiet Ltd"; [ $? -eq 1 ]; echo $?)" "an inactive company needs no task"
ok "$(printf '%s' "$out" | grep -q "ООО Ромашка.*no open task"; [ $? -eq 1 ]; echo $?)" "a company with a task (overdue) has one"
like "$err" "^4 findings$" "the count on standard error"
like "$(printf '%s\n' "$out" | head -1)" "^OWNER  ID    TYPE     NAME           PROBLEM +FIX$" \
	"the header"
run check --owner bob
is "$rc" 0 "check --owner bob: bob's records are fine"
run check --owner ann --format ids
is "$rc" 10 "check --owner ann --format ids exits 10"
is "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" "$(printf '%s\n' "$ct" "$tk" | sort | tr '\n' ' ')" \
	"--format ids: the ids of the records found, each once"
run check --format csv
is "$(printf '%s\n' "$out" | head -1)" "OWNER,ID,TYPE,NAME,PROBLEM,FIX" "--format csv: the header"
ru check
like "$out" "без открытой задачи" "Russian: no open task"
like "$out" "просрочена на 1 день" "Russian: overdue"
like "$err" "^4 замечания$" "Russian: the count"

# a reference to a missing record, an unknown and no owner: hand edits
# committed with plain git (crm would refuse them)
dl=$("$CRM" add deal "Поставка" --company "$co" --stage won)
sed -i "s/^company: .*/company: zzzzzzzzzz/" "$(file_of deal "$dl")"
sed -i "s/^owner: .*/owner: ghost/" "$(file_of company "$qu")"
sed -i "/^owner: /d" "$(file_of task "$tk")"
git commit -qam "hand edits"
run check --format json
is "$rc" 10 "hand-made faults: exits 10"
got=$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(sorted("%s:%s:%s" % (f["kind"], f.get("id", "")[:4], f.get("value", "")) for f in d["findings"])))')
is "$got" "bad-email:${ct:0:4}:leyla@x bad-phone:${ct:0:4}:+7 12 missing-ref:${dl:0:4}:zzzzzzzzzz no-owner:${tk:0:4}: no-task:${ct:0:4}: overdue:${tk:0:4}:$(grep '^due:' "$(file_of task "$tk")" | sed "s/due: //; s/'//g") unknown-owner:${qu:0:4}:ghost" \
	"json: every finding with its kind and value"
like "$out" '"fix": "crm set '"${dl:0:4}"' company=REF"' "json: the fix of a missing reference"
is "$(git status --porcelain)" "" "check writes nothing"
n=$(commits)
run check
is "$(commits)" "$n" "check commits nothing"

# --- a broken rule and a broken file --------------------------------------------------
init_store rules
cat >>crm.yaml <<'EOF'
EOF
python3 - <<'PY'
import re
t = open("crm.yaml").read()
t = t.replace("  owner: deal\n", "  owner: deal\n- name: greet\n  when: stage\n  stage: proposl\n  title: Send {deal.nme}\n", 1)
open("crm.yaml", "w").write(t)
PY
git commit -qam "a broken rule"
mkdir -p contacts/zz && printf 'name: [unterminated\n' > contacts/zz/zzzzzzzzzz.yaml
git add -A && git commit -qm "a broken file"
run check
is "$rc" 10 "a broken rule: exits 10"
like "$out" "crm.yaml +rule +greet +automation rule cannot run: unknown stage 'proposl'" "the broken rule is reported"
like "$out" "contact +contacts/zz/zzzzzzzzzz.yaml +cannot read" "the broken file is reported"
like "$out" "cannot read 'contacts/zz/zzzzzzzzzz.yaml': line [0-9]+: " "...with the reader's message, naming the file and line"
case $out in *"cannot read: cannot read"*) ok 1 "the message is not said twice" ;; *) ok 0 "the message is not said twice" ;; esac
run check --owner ann --format json
like "$out" '"kind": "rule"' "--owner keeps the rules"

# --- the old plain stage list ---------------------------------------------------------
old_store old
d=$("$CRM" add deal "Old deal" --stage qualified)
w=$("$CRM" add deal "Old won" --stage won)
run check --format json
is "$rc" 10 "old store: an open deal without a task"
is "$(printf '%s' "$out" | python3 -c '
import json, sys
print(" ".join("%s:%s" % (f["kind"], f["id"]) for f in json.load(sys.stdin)["findings"]))')" \
	"no-task:$d" "old store: the open deal, not the won one; no stage rots"

# --- a generated store against a brute-force scan --------------------------------------
new_store gen
"$CRM" user add bob --name "Bob Brown" >/dev/null
SEED=${CHECK_SEED:-$RANDOM}
echo "# seed $SEED"
python3 - "$SEED" <<'PY' || echo "Bail out! generator"
import random, sys, time, os, datetime
random.seed(int(sys.argv[1]))
A = "0123456789abcdefghjkmnpqrstvwxyz"
def rid(): return "".join(random.choice(A) for _ in range(10))
now = time.time()
def stamp(t): return datetime.datetime.fromtimestamp(t).astimezone().isoformat(timespec="seconds")
def day(t): return datetime.date.fromtimestamp(t).isoformat()
def q(s): return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
owners = ["ann", "ann", "bob", "ghost", None]
good_phones = ["+7 903 555 12 34", "+994 50 321 65 87", "8 (495) 123-45-67"]
bad_phones = ["+7 12", "12345", "+7 903 555 12 34 56 78 90"]
good_emails = ["ivan@example.com", "leyla@пример.az"]
bad_emails = ["bad@x", "a b@example.com", "x@.com", "two@@example.com"]
stages = ["lead", "first_contact", "needs_analysis", "proposal", "negotiation", "won", "lost"]
recs = {"companies": [], "contacts": [], "deals": [], "tasks": []}
ids = {k: [rid() for _ in range(n)] for k, n in
       [("companies", 40), ("contacts", 60), ("deals", 60), ("tasks", 90)]}
def ref(kind, p_missing=0.05):
    return rid() if random.random() < p_missing else random.choice(ids[kind])
def common(r):
    o = random.choice(owners)
    if o: r.append(("owner", q(o)))
def contactish(r):
    if random.random() < 0.3:
        r.append(("phones", [q(random.choice(good_phones + bad_phones))]))
    if random.random() < 0.3:
        r.append(("emails", [q(random.choice(good_emails + bad_emails))]))
def times(r, created, last):
    r.append(("created", q(stamp(created))))
    r.append(("updated", q(stamp(last))))
def timeline(r, created):
    ents, last = [], created
    for _ in range(random.randint(0, 3)):
        at = created + random.randint(0, int(now - created))
        ents.append({"id": rid(), "kind": random.choice(["call", "note", "email"]),
                     "at": stamp(at), "by": "ann", "text": "touch"})
        last = max(last, at)
    ents.sort(key=lambda e: e["at"])
    return ents, last
out = {}
for i in ids["companies"]:
    r = [("id", i), ("name", q("Company " + i))]
    st = random.choice([None, "prospect", "active", "inactive", "lost"])
    if st: r.append(("status", st))
    rel = random.choice([None, "client", "client", "partner", "competitor"])
    if rel: r.append(("relation", rel))
    common(r); contactish(r)
    created = now - 86400 * (random.randint(1, 60) + 0.5)
    tl, last = timeline(r, created)
    times(r, created, last)
    out[("companies", i)] = (r, [], tl)
for i in ids["contacts"]:
    r = [("id", i), ("name", q("Контакт " + i))]
    if random.random() < 0.6: r.append(("company", ref("companies")))
    st = random.choice([None, "prospect", "active", "inactive"])
    if st: r.append(("status", st))
    common(r); contactish(r)
    created = now - 86400 * (random.randint(1, 60) + 0.5)
    tl, last = timeline(r, created)
    times(r, created, last)
    out[("contacts", i)] = (r, [], tl)
for i in ids["deals"]:
    r = [("id", i), ("name", q("Deal " + i))]
    if random.random() < 0.6: r.append(("company", ref("companies")))
    if random.random() < 0.3: r.append(("contact", ref("contacts")))
    stage = random.choice(stages)
    r.append(("pipeline", "sales")); r.append(("stage", stage))
    if random.random() < 0.2: r.append(("competitors", [ref("companies", 0.3)]))
    common(r)
    created = now - 86400 * (random.randint(0, 40) + 0.5)
    hist = [{"stage": "lead", "at": stamp(created), "by": "ann"}]
    last = created
    if stage != "lead":
        at = created + random.randint(0, int(now - created) - 3600) if now - created > 7200 else created
        hist.append({"stage": stage, "at": stamp(at), "by": "ann"})
        last = at
    tl, tlast = timeline(r, created)
    times(r, created, max(last, tlast))
    out[("deals", i)] = (r, hist, tl)
for i in ids["tasks"]:
    r = [("id", i), ("name", q("Task " + i))]
    r.append(("for", ref(random.choice(["companies", "contacts", "deals"]))))
    k = random.random()
    if k < 0.3:
        r.append(("due", q(day(now + 86400 * random.randint(-20, 20)))))
    elif k < 0.8:
        sign = random.choice([-1, 1])
        r.append(("due", q(stamp(now + sign * random.randint(7200, 86400 * 20)))))
    common(r)
    created = now - 86400 * 30
    times(r, created, created)
    out[("tasks", i)] = (r, [], [])
def emit(v, ind):
    if isinstance(v, list):
        return "".join("\n%s- %s" % (ind, x) for x in v)
    return " " + v
for (d, i), (r, hist, tl) in out.items():
    os.makedirs("%s/%s" % (d, i[:2]), exist_ok=True)
    with open("%s/%s/%s.yaml" % (d, i[:2], i), "w") as f:
        for k, v in r:
            f.write("%s:%s\n" % (k, emit(v, "")))
        if hist:
            f.write("stage_history:\n")
            for h in hist:
                f.write("- stage: %s\n  at: %s\n  by: %s\n" % (h["stage"], q(h["at"]), h["by"]))
        if tl:
            f.write("timeline:\n")
            for e in tl:
                f.write("- id: %s\n  kind: %s\n  at: %s\n  by: %s\n  text: %s\n"
                        % (e["id"], e["kind"], q(e["at"]), e["by"], e["text"]))
PY
git add -A && git commit -qm "generated store"
run check --format json
is "$rc" 10 "generated store: exits 10"
printf '%s' "$out" >"$TEST_ROOT/check.json"
brute() {
python3 - "$TEST_ROOT/check.json" "$@" <<'PY'
# The rules, read off crm-check(1), applied to the files themselves.
import glob, json, sys, time, datetime, yaml, re
now = time.time()
owner_filter = sys.argv[2] if len(sys.argv) > 2 else None
cfg = yaml.safe_load(open("crm.yaml"))
users = {u["login"] for u in cfg["users"]}
st = {s["id"]: s for s in cfg["pipelines"][0]["stages"]}
recs = {}
for d, t in [("companies", "company"), ("contacts", "contact"), ("deals", "deal"), ("tasks", "task")]:
    for p in glob.glob(d + "/*/*.yaml"):
        recs[yaml.safe_load(open(p))["id"]] = (t, yaml.safe_load(open(p)))
def when(s):
    s = str(s)
    if "T" in s:
        return datetime.datetime.fromisoformat(s).timestamp(), True
    return time.mktime(datetime.date.fromisoformat(s).timetuple()), False
tasked = {r["for"] for t, r in recs.values() if t == "task"}
today = time.mktime(datetime.date.today().timetuple())
def email_ok(e):
    return re.fullmatch(r'[^@\s,;<>()\[\]\\"]+@(?![.-])([a-zA-Z0-9-]|[^\x00-\x7f])+(\.([a-zA-Z0-9-]|[^\x00-\x7f])+)+', e) is not None \
        and not re.search(r'-\.', e)
bad_phones = {"+7 12", "12345", "+7 903 555 12 34 56 78 90"}
found = set()
def add(kind, i, r, value=""):
    if owner_filter and r.get("owner") != owner_filter:
        return
    found.add("%s %s %s" % (kind, i, value))
for i, (t, r) in recs.items():
    o = r.get("owner")
    if o is None: add("no-owner", i, r)
    elif o not in users: add("unknown-owner", i, r, o)
    for f, want in [("company", {"company"}), ("contact", {"contact"}),
                    ("for", {"company", "contact", "deal"})]:
        if f in r and (r[f] not in recs or recs[r[f]][0] not in want):
            add("missing-ref", i, r, r[f])
    for c in r.get("competitors", []):
        if c not in recs or recs[c][0] != "company":
            add("missing-ref", i, r, c)
    for p in r.get("phones", []):
        if p in bad_phones: add("bad-phone", i, r, p)
    for e in r.get("emails", []):
        if not email_ok(e): add("bad-email", i, r, e)
    if t == "task":
        if "due" in r:
            w, has_time = when(r["due"])
            if w < today or (has_time and w < now):
                add("overdue", i, r, r["due"])
        continue
    if t == "deal":
        active = st[r["stage"]].get("kind", "open") == "open"
    else:
        active = r.get("relation", "client") == "client" and \
            r.get("status", "prospect") in ("prospect", "active")
    if active and i not in tasked:
        add("no-task", i, r)
    if t == "deal" and active and st[r["stage"]].get("rot_days"):
        last = max([when(r["created"])[0]] + [when(e["at"])[0] for e in
                   r.get("stage_history", []) + r.get("timeline", [])])
        if last < now - st[r["stage"]]["rot_days"] * 86400:
            add("stale", i, r, r["stage"])
got = set()
for f in json.load(open(sys.argv[1]))["findings"]:
    got.add("%s %s %s" % (f["kind"], f.get("id", ""), f.get("value", "")))
print("found %d" % len(found))
for x in sorted(found - got): print("missing from crm check: " + x)
for x in sorted(got - found): print("not found by the scan: " + x)
PY
}
res=$(brute)
like "$res" "^found [0-9]+$" "crm check finds what the brute-force scan finds ($(printf '%s' "$res" | head -1))"
printf '%s\n' "$res" | sed -n '2,20s/^/# /p'
nfound=$(printf '%s' "$res" | head -1 | cut -d' ' -f2)
ok "$([ "$nfound" -gt 50 ]; echo $?)" "the generated store breaks the rules many ways ($nfound findings)"
for k in no-task overdue stale no-owner unknown-owner missing-ref bad-phone bad-email; do
	like "$(cat "$TEST_ROOT/check.json")" "\"kind\": \"$k\"" "the generated store has findings of kind $k"
done
run check --format json --owner bob
printf '%s' "$out" >"$TEST_ROOT/check.json"
res=$(brute bob)
like "$res" "^found [0-9]+$" "check --owner bob agrees with the scan"
printf '%s\n' "$res" | sed -n '2,20s/^/# /p'
store_clean "generated store"

done_testing
