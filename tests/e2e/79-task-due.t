#!/bin/bash
# crm task due: what to do now, checked against a brute-force scan of the
# YAML files (python, not crm's code) on a store of random tasks: due in
# the past, today (whole days and times before and after now), the next
# days and later, undated; several owners; tasks for companies, contacts
# and deals.  Then its options, formats, refusals and Russian.
. "$(dirname "$0")/lib.sh"

ru() { LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 LANGUAGE=ru run "$@"; }

new_store due
"$CRM" user add bob --name "Bob Brown" >/dev/null
"$CRM" user add leyla --name "Leyla Əliyeva" >/dev/null

# --- a random store, made through crm itself ---------------------------------
python3 - "$TEST_ROOT/gen.sh" <<'PY'
import random, sys, datetime
rnd = random.Random(79)
owners = ["ann", "bob", "leyla"]
names = ["ООО Ромашка", "Azərsu ASC", "Acme Ltd", "Şəki İpək", "ИП Петров",
         "Globex", "Çay Evi", "Northwind"]
out = ['set -e', 'C="$CRM"']
# companies (some with phones), contacts (some with phones), deals
for i, n in enumerate(names):
    ph = ' --phone "+7 495 %03d-%02d-%02d"' % (100 + i, i, i) if i % 3 else ""
    out.append('co%d=$("$C" add company "%s" --owner %s%s)' % (i, n, owners[i % 3], ph))
for i in range(10):
    ph = ' --phone "+994 50 %03d %02d %02d"' % (200 + i, i, i) if i % 2 else ""
    comp = ' --company "$co%d"' % (i % len(names)) if i % 4 else ""
    out.append('ct%d=$("$C" add contact "Контакт %d Əliyev"%s%s --owner %s)'
               % (i, i, comp, ph, owners[(i + 1) % 3]))
for i in range(8):
    comp = ' --company "$co%d"' % (i % len(names)) if i % 3 else ""
    cont = ' --contact "$ct%d"' % (i % 10) if i % 2 else ""
    out.append('dl%d=$("$C" add deal "Сделка %d"%s%s --owner %s)'
               % (i, i, comp, cont, owners[(i + 2) % 3]))
parents = (["$co%d" % i for i in range(len(names))] +
           ["$ct%d" % i for i in range(10)] + ["$dl%d" % i for i in range(8)])
now = datetime.datetime.now()
for i in range(120):
    p = rnd.choice(parents)
    kind = rnd.random()
    title = "Задача %d %s" % (i, rnd.choice(["позвонить", "call", "görüş", "КП"]))
    opts = ""
    if rnd.random() < 0.5:
        opts += " --owner %s" % rnd.choice(owners)
    if rnd.random() < 0.4:
        opts += " --priority %s" % rnd.choice(["high", "normal", "low"])
    if kind < 0.1:          # undated
        out.append('"$C" add task "%s" --for "%s"%s >/dev/null' % (title, p, opts))
        continue
    if kind < 0.25:         # today, at a time hours before or after now
        t = now + datetime.timedelta(hours=rnd.choice([-5, -3, 3, 5]))
        due = t.strftime("%Y-%m-%d %H:%M")
    elif kind < 0.4:        # today, the whole day
        due = "today"
    else:                   # another day, sometimes at a time
        d = (now + datetime.timedelta(days=rnd.randint(-12, 14))).date()
        due = d.isoformat()
        if rnd.random() < 0.3:
            due += " %02d:%02d" % (rnd.randint(8, 19), rnd.choice([0, 30]))
    out.append('"$C" task add "%s" --for "%s" --due "%s"%s >/dev/null'
               % (title, p, due, opts))
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
CRM="$CRM" bash "$TEST_ROOT/gen.sh"
ok $? "the random store is made"
is "$(ls tasks/*/*.yaml | wc -l | tr -d ' ')" 120 "it has 120 tasks"
store_clean "generated store"

# brute OWNER WITHIN OVERDUE PRIO: what crm task due should print as TSV
# (OWNER "" for everyone, WITHIN days, OVERDUE 1 for --overdue only, PRIO a
# priority the query asks for or ""), from the YAML files alone.
brute() {
	python3 - "$@" <<'PY'
import glob, sys, time, datetime, yaml
owner, within, overdue, prio = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4]
recs = {}
for d, t in (("companies", 0), ("contacts", 1), ("deals", 2), ("tasks", 3)):
    for p in glob.glob(d + "/*/*.yaml"):
        r = yaml.safe_load(open(p))
        r["_t"] = t
        recs[r["id"]] = r
now = time.time()
def midnight(day):
    return time.mktime(day.timetuple()[:3] + (0, 0, 0, 0, 0, -1))
today = datetime.date.today()
start = midnight(today)
until = midnight(today + datetime.timedelta(days=within + 1))
def when(due):
    if "T" in due:
        return datetime.datetime.fromisoformat(due).timestamp(), True
    return midnight(datetime.date.fromisoformat(due)), False
def first(r, key):
    v = (r or {}).get(key) or []
    if not v:
        return ""
    # a phone is shown as typed (phones_typed), else as stored
    return ((r or {}).get("phones_typed") or {}).get(v[0], v[0])
rows = []
for r in recs.values():
    if r["_t"] != 3 or "due" not in r:
        continue
    if owner and r.get("owner") != owner:
        continue
    if prio and r.get("priority") != prio:
        continue
    at, timed = when(r["due"])
    if at >= (now + 1 if overdue else until):
        continue
    if at < start or (timed and at < now):
        group = "overdue"
    elif at < midnight(today + datetime.timedelta(days=1)):
        group = "today"
    else:
        group = time.strftime("%Y-%m-%d", time.localtime(at))
    if overdue and group != "overdue":
        continue
    f = recs.get(r["for"])
    contact = company = None
    if f["_t"] == 0:
        company = f
    elif f["_t"] == 1:
        contact, company = f, recs.get(f.get("company"))
    else:
        contact, company = recs.get(f.get("contact")), recs.get(f.get("company"))
    client = contact if f["_t"] == 1 or company is None else company
    phone = first(contact, "phones") or first(company, "phones")
    shown = (time.strftime("%Y-%m-%d %H:%M", time.localtime(at)) if timed
             else r["due"])
    rank = {"high": 0, "low": 2}.get(r.get("priority"), 1)
    rows.append(((group != "overdue", at, rank, r["id"]), "\t".join([
        group, shown, r["name"], client["name"] if client else "", phone,
        f["name"] if f["_t"] == 2 else "", r.get("priority", ""),
        r.get("owner", ""), r["id"]])))
print("DAY\tDUE\tTASK\tCLIENT\tPHONE\tDEAL\tPRIORITY\tOWNER\tID")
for _, line in sorted(rows):
    print(line)
PY
}

# agrees DESC WANT ARGS...: crm --format tsv task due ARGS prints WANT.
agrees() {
	local desc=$1 want=$2
	shift 2
	run --format tsv task due "$@"
	is "$rc" 0 "$desc: exits 0"
	if [ "$out" = "$want" ]; then
		ok 0 "$desc: agrees with the scan of the files ($(($(printf '%s\n' "$want" | wc -l) - 1)) tasks)"
	else
		ok 1 "$desc: agrees with the scan of the files"
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$out") | head -20 | sed 's/^/# /'
	fi
}

agrees "the current user's, 7 days" "$(brute ann 7 0 "")"
agrees "--all" "$(brute "" 7 0 "")" --all
agrees "--owner bob" "$(brute bob 7 0 "")" --owner bob
agrees "--all --overdue" "$(brute "" 0 1 "")" --all --overdue
agrees "--owner leyla --overdue" "$(brute leyla 0 1 "")" --owner leyla --overdue
agrees "--all --within 0" "$(brute "" 0 0 "")" --all --within 0
agrees "--all --within 2d" "$(brute "" 2 0 "")" --all --within 2d
agrees "--all --within 2w" "$(brute "" 14 0 "")" --all --within 2w
agrees "--all priority:high" "$(brute "" 7 0 high)" --all priority:high
agrees "--user bob" "$(brute bob 7 0 "")" --user bob
n_over=$(brute "" 0 1 "" | tail -n +2 | wc -l)
[ "$n_over" -gt 5 ]
ok $? "the store has overdue tasks to compare ($n_over)"
[ "$(brute "" 0 0 "" | grep -c '^today')" -gt 3 ]
ok $? "and tasks due today"
[ "$(brute "" 14 0 "" | cut -f1 | sort -u | wc -l)" -gt 6 ]
ok $? "and tasks on many days"

# --- the other formats carry the same tasks ----------------------------------
want_ids=$(brute "" 7 0 "" | tail -n +2 | cut -f9)
run --format ids task due --all
is "$out" "$want_ids" "--format ids: the same tasks in the same order"
run --format json task due --all
is "$(printf '%s' "$out" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["format_version"]); print("\n".join(t["id"] for t in d["tasks"]))')" \
	"1
$want_ids" "--format json: format_version 1 and the same tasks"
is "$(printf '%s' "$out" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(sorted(set(k for t in d["tasks"] for k in t)))')" \
	"['client', 'client_name', 'deal', 'deal_name', 'due', 'for', 'for_type', 'group', 'id', 'name', 'owner', 'phone', 'priority']" \
	"--format json: the keys of a task"
run --format csv task due --all --overdue
is "$(printf '%s\n' "$out" | head -1)" "DAY,DUE,TASK,CLIENT,PHONE,DEAL,PRIORITY,OWNER,ID" "--format csv: the header"
is "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | sort -u)" "overdue" "--format csv: the group on every row"

# --- the table for people ---------------------------------------------------
run task due --all
like "$out" "^DAY +DUE +TASK +CLIENT +PHONE +DEAL" "the table's header"
is "$(printf '%s\n' "$out" | sed -n 2p | awk '{print $1}')" "overdue" "overdue comes first"
like "$out" "
today " "then today"
is "$(printf '%s\n' "$out" | grep -c '^overdue')" 1 "a group's name is on its first line only"

# --- an empty answer, the options' refusals -------------------------------------
"$CRM" user add nadia --name "Nadia" >/dev/null
run task due --owner nadia
is "$rc" 0 "nothing due exits 0"
is "$out" "nothing due" "and says so"
run --format json task due --owner nadia
is "$(printf '%s' "$out" | python3 -c 'import json, sys; print(json.load(sys.stdin)["tasks"])')" "[]" \
	"--format json: an empty list"
n=$(commits)
run task due --owner nobody
is "$rc" 2 "an unknown --owner is a usage error"
like "$err" "unknown user 'nobody'" "it names the user"
run task due --owner lelya
like "$err" "did you mean 'leyla'" "with the nearest login"
run task due --owner bob --all
is "$rc" 2 "--owner with --all is a usage error"
run task due --overdue --within 2d
is "$rc" 2 "--overdue with --within is a usage error"
for w in x 2x -1 1.5d 99999d ""; do
	run task due --within "$w"
	is "$rc" 2 "--within '$w' is a usage error"
done
like "$err" "--within needs a number of days" "it says what --within takes"
run task due 'owner:('
is "$rc" 2 "a bad query is a usage error"
run task due "$(printf 'bad \377')"
is "$rc" 2 "a query that is not UTF-8 is a usage error"
run --format yaml task due
is "$rc" 2 "--format yaml is refused"
is "$(commits)" "$n" "task due writes nothing"
store_clean "task due"

# --- a new task shows at once; a moved one moves --------------------------------
t=$("$CRM" task add "Срочно" --for "ООО Ромашка" --due yesterday --owner nadia)
run --format ids task due --owner nadia
is "$out" "$t" "a new task is due at once"
"$CRM" task move "$t" +30d >/dev/null
run --format ids task due --owner nadia
is "$out" "" "a task moved past the window is not"
run --format ids task due --owner nadia --within 31d
is "$out" "$t" "--within 31d finds it"
"$CRM" task rm "$t" >/dev/null
run --format ids task due --owner nadia --within 31d
is "$out" "" "a removed task is gone"

# --- Russian ---------------------------------------------------------------------
ru task due --all --overdue
like "$out" "^ДЕНЬ +СРОК +ЗАДАЧА +КЛИЕНТ" "Russian: the header"
like "$out" "просрочено" "Russian: the overdue group"
ru task due --owner nadia
is "$out" "задач на этот срок нет" "Russian: nothing due"
ru task due --within 3x
like "$err" "--within ожидает число дней" "Russian: a bad --within"

store_clean "end"
done_testing
