#!/bin/bash
# 41-index-agreement.t - the index agrees with the files: a generated store
# of 3000 records, random queries answered by `crm search` / `crm list`
# compared with a brute-force scan of the YAML files (python3 + PyYAML);
# again after crm edits, a plain `git pull` of ~200 changed records from
# another clone, `git reset --hard HEAD~3`, a detached checkout of an older
# commit and back, and a history rewrite that removes the indexed commit.
#
# SEED=N in the environment replays a run (the seed is printed).

. "$(dirname "$0")/lib.sh"

SEED=${SEED:-$((RANDOM * 32768 + RANDOM))}
echo "# seed $SEED (rerun with SEED=$SEED)"
GEN="$(cd "$(dirname "$0")/../bench" && pwd)/gen"
BF="$TEST_ROOT/bf.py"

cat >"$BF" <<'PY'
"""Brute-force answers to random crm queries, read straight from the YAML.

bf.py queries STORE SEED N [FIXED...]: prints N random queries (plus the
FIXED ones) as lines KIND<TAB>TYPE<TAB>QUERY<TAB>IDS, where KIND is search
or list, TYPE the type listed (list only), IDS the expected ids sorted and
space-separated.
bf.py pick STORE SEED N: prints N random record ids, one a line, with type.
"""
import os, random, re, sys, unicodedata
import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TYPES = {"companies": "company", "contacts": "contact", "deals": "deal",
         "tasks": "task"}
# keys whose values are not searchable text (references, dates, history)
NOT_TEXT = {"id", "created", "updated", "company", "contact", "for", "at",
            "due", "birthday", "stage_history", "by"}
STAGES = ["lead", "first_contact", "needs_analysis", "proposal", "negotiation", "won", "lost"]
KEYWORDS = {"and", "or", "not"}
PHONE_CHARS = set("0123456789 +()-./")
SEP = "\x1f"


# Letters crm_fold takes to others than their decomposition's base.
FOLD_SPECIAL = {"ß": "ss", "ẞ": "ss", "æ": "ae", "œ": "oe", "ĳ": "ij",
                "ə": "e", "ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ŧ": "t",
                "ð": "d", "ſ": "s", "ŀ": "l", "ς": "σ", "ƀ": "b", "ɨ": "i",
                "ƶ": "z"}

# The letters of Latin Extended-B crm_fold takes to their base letter.
FOLD_EXT_B = set("ƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǦǧǨǩǪǫǰǴǵǸǹȘșȚț" "ѐёѝ")


def fold(s):
    """crm_fold: lowercase, every i as i, letters without their marks (but
    й stays й), the few letters of FOLD_SPECIAL."""
    s = s.replace("İ", "i").replace("I", "i").replace("ı", "i")
    s = s.replace("Ƀ", "\ue000").lower()  # lowercased only: ƀ
    out = []
    for ch in s:
        if ch == "\ue000":
            out.append("ƀ")
        elif ch in FOLD_SPECIAL:
            out.append(FOLD_SPECIAL[ch])
        elif "\u0300" <= ch <= "\u036f":
            if ch == "\u0306" and out and out[-1] == "и":
                out[-1] = "й"
        elif ch == "й" or not ("\u00c0" <= ch <= "\u017f" or
                              "\u0386" <= ch <= "\u03ce" or
                              ch in FOLD_EXT_B):
            out.append(ch)
        else:
            d = unicodedata.normalize("NFD", ch)
            out.append(d[0] if d[0].isalpha() else ch)
    return "".join(out)


def phone_digits(s):
    if not set(s) <= PHONE_CHARS:
        return None
    d = "".join(c for c in s if c.isdigit())
    return d if len(d) >= 3 else None


def scalars(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if str(k) not in NOT_TEXT:
                scalars(v, out)
    elif isinstance(node, list):
        for v in node:
            scalars(v, out)
    elif node is not None and node != "":
        out.append(node if isinstance(node, str) else str(node))


class Rec:
    def __init__(self, typ, d):
        self.type = typ
        self.d = d
        self.id = d["id"]
        self.name = str(d.get("name", ""))
        self.owner = d.get("owner")
        self.stage = d.get("stage")
        self.tags = [str(t) for t in d.get("tags") or []]
        self.phones = [str(p) for p in d.get("phones") or []]
        a = d.get("amount")
        self.amount = float(a) if isinstance(a, (int, float)) and \
            not isinstance(a, bool) else None
        texts = []
        scalars(d, texts)
        digits = [phone_digits(p) for p in self.phones]
        self.doc = fold("\n".join(texts)) + "\n" + \
            "\n".join(x for x in digits if x)
        self.notes = [str(e.get("text", "")) for e in d.get("timeline") or []
                      if isinstance(e, dict)]
        self.emails = [str(e) for e in d.get("emails") or []]


def load(store):
    recs = []
    for sub, typ in TYPES.items():
        top = os.path.join(store, sub)
        if not os.path.isdir(top):
            continue
        for shard in os.listdir(top):
            for f in os.listdir(os.path.join(top, shard)):
                if f.endswith(".yaml"):
                    with open(os.path.join(top, shard, f), encoding="utf-8") as fh:
                        recs.append(Rec(typ, yaml.load(fh, Loader=Loader)))
    return recs


# ---- query trees: (render, predicate) pairs ----

def text_term(w):
    """A free-text word or phrase as crm-query(7) defines it."""
    f = fold(w)
    d = phone_digits(w)

    def pred(r):
        return f in r.doc or (d is not None and d in r.doc)
    return pred


class Gen:
    def __init__(self, recs, rng):
        self.recs = recs
        self.r = rng
        self.logins = sorted({r.owner for r in recs if r.owner})
        self.tags = sorted({t for r in recs for t in r.tags})
        self.amounts = sorted({r.amount for r in recs if r.amount is not None})
        # strings a free-text word must not hide in: ids, dates, logins,
        # stages, kinds (fields whose being text is not what is tested)
        bad = set()
        for r in recs:
            bad.add(r.id)
            for k in ("company", "contact", "for", "owner", "stage",
                      "pipeline", "currency"):
                if r.d.get(k):
                    bad.add(str(r.d[k]))
            for e in r.d.get("timeline") or []:
                bad.update(str(e.get(k, "")) for k in ("id", "by", "kind"))
        self.bad = "\n".join(fold(b) for b in bad) + "\n" + \
            "\n".join(self.logins + STAGES)

    def word(self):
        r = self.r
        for _ in range(100):
            rec = self.pickrec()
            pool = [rec.name] + rec.notes + rec.emails
            src = r.choice(pool)
            words = [w for w in re.split(r"[^\w]+", src)
                     if len(w) >= 3 and w.isalpha()
                     and fold(w) not in KEYWORDS and fold(w) not in self.bad]
            if not words:
                continue
            w = r.choice(words)
            x = r.random()
            if x < 0.25:
                w = w.upper()
            elif x < 0.5:
                w = w.lower()
            elif x < 0.6 and "е" in w:
                w = w.replace("е", "ё", 1)
            if r.random() < 0.3 and len(w) > 4:       # a substring of it
                a = r.randrange(0, len(w) - 3)
                w = w[a:a + r.randint(3, len(w) - a)]
                if fold(w) in self.bad or fold(w) in KEYWORDS:
                    continue
            return w, text_term(w)
        return "xyzzy", text_term("xyzzy")

    def phone(self):
        r = self.r
        recs = [x for x in self.recs if x.phones]
        p = r.choice((self.focus if self.focus.phones and r.random() < 0.7
                      else r.choice(recs)).phones)
        pos = [i for i, c in enumerate(p) if c.isdigit()]
        n = r.randint(4, min(7, len(pos)))
        a = r.randrange(0, len(pos) - n + 1)
        if r.random() < 0.5:
            w = "".join(p[i] for i in pos[a:a + n])
            return w, text_term(w)
        w = p[pos[a]:pos[a + n - 1] + 1]              # as written
        if " " in w or "(" in w or ")" in w:
            return '"%s"' % w, text_term(w)
        return w, text_term(w)

    def atom(self):
        r = self.r
        x = r.random()
        if x < 0.35:
            return self.word()
        if x < 0.5:
            return self.phone()
        f = self.focus if r.random() < 0.6 else r.choice(self.recs)
        if x < 0.6:
            s = f.stage if f.stage else r.choice(STAGES)
            return "stage:" + s, lambda rec: rec.stage == s
        if x < 0.7:
            o = f.owner if f.owner else r.choice(self.logins)
            return "owner:" + o, lambda rec: rec.owner == o
        if x < 0.8:
            t = r.choice(f.tags or self.tags)
            return "tag:" + t, lambda rec: t in rec.tags
        if x < 0.87:
            t = r.choice(sorted(set(TYPES.values())))
            return "type:" + t, lambda rec: rec.type == t
        a = r.choice(self.amounts)
        s = "%d" % a if a == int(a) else "%.2f" % a
        if r.random() < 0.5:
            return "amount>=" + s, \
                lambda rec: rec.amount is not None and rec.amount >= a
        return "amount<" + s, \
            lambda rec: rec.amount is not None and rec.amount < a

    def expr(self, depth=0):
        r = self.r
        x = r.random() if depth < 2 else 0
        if x < 0.4:
            return self.atom()
        if x < 0.65:
            (qa, pa), (qb, pb) = self.expr(depth + 1), self.expr(depth + 1)
            return "%s%s%s" % (self.grp(qa), self.conj(qa, qb),
                               self.grp(qb)), \
                lambda rec: pa(rec) and pb(rec)
        if x < 0.85:
            (qa, pa), (qb, pb) = self.expr(depth + 1), self.expr(depth + 1)
            return "%s or %s" % (qa, qb), lambda rec: pa(rec) or pb(rec)
        qa, pa = self.expr(depth + 1)
        (qb, pb) = self.atom()
        neg = "-" if r.random() < 0.5 else "not "
        return "%s %s%s" % (self.grp(qb), neg, self.paren(qa)), \
            lambda rec: pb(rec) and not pa(rec)

    def pickrec(self):
        """The query's focus record (most of the time), or any."""
        return self.focus if self.r.random() < 0.7 else self.r.choice(self.recs)

    def query(self):
        """A random query whose terms mostly come from one record, so that
        conjunctions often match something."""
        self.focus = self.r.choice(self.recs)
        return self.expr()

    @staticmethod
    def paren(q):
        return q if re.fullmatch(r'[^ ()]+|"[^"]*"', q) else "(%s)" % q

    @staticmethod
    def conj(qa, qb):
        """The and between qa and qb: written out when both sides of it
        are digits, which crm otherwise reads as one phone number."""
        part = r"[0-9+()./-]*[0-9][0-9+()./-]*"
        if re.fullmatch(part, qa.split(" ")[-1]) and \
                re.fullmatch(part, qb.split(" ")[0]):
            return " and "
        return " "

    @staticmethod
    def grp(q):
        """q as an operand of and: an or inside needs parentheses."""
        return "(%s)" % q if " or " in q else q


def main():
    store, seed, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    recs = load(store)
    rng = random.Random(seed)
    if sys.argv[1] == "pick":
        for rec in rng.sample(recs, n):
            print(rec.type, rec.id)
        return
    g = Gen(recs, rng)
    out = []
    for q in sys.argv[5:]:                              # fixed queries
        out.append(("search", "", q, parse_fixed(q)))
    for t in sorted(set(TYPES.values())):               # every record of a type
        out.append(("list", t, "", lambda rec, t=t: rec.type == t))
    lines = []
    for kind, typ, q, pred in out:
        ids = sorted(rec.id for rec in recs if pred(rec))
        lines.append(SEP.join((kind, typ, q, " ".join(ids))))
    for _ in range(n):
        q, pred = g.query()
        if rng.random() < 0.25:
            typ = rng.choice(sorted(set(TYPES.values())))
            ids = sorted(rec.id for rec in recs if rec.type == typ and pred(rec))
            lines.append(SEP.join(("list", typ, q, " ".join(ids))))
        else:
            ids = sorted(rec.id for rec in recs if pred(rec))
            lines.append(SEP.join(("search", "", q, " ".join(ids))))
    sys.stdout.write("\n".join(lines) + "\n")


def parse_fixed(q):
    """The fixed queries: space-separated terms, all of which must match."""
    preds = []
    for w in q.split():
        if w.startswith("tag:"):
            preds.append(lambda rec, t=w[4:]: t in rec.tags)
        elif w.startswith("owner:"):
            preds.append(lambda rec, o=w[6:]: rec.owner == o)
        elif w.startswith("stage:"):
            preds.append(lambda rec, s=w[6:]: rec.stage == s)
        elif w.startswith("amount>="):
            preds.append(lambda rec, a=float(w[8:]):
                         rec.amount is not None and rec.amount >= a)
        elif w.startswith("type:"):
            preds.append(lambda rec, t=w[5:]: rec.type == t)
        else:
            preds.append(text_term(w))
    return lambda rec: all(p(rec) for p in preds)


main()
PY

# compare PHASE N [FIXED...]: N random queries (and the FIXED ones) asked of
# crm and of the brute-force scan; one test per query.
compare() {
	local phase=$1 n=$2 kind typ q want got bad=0 total=0 t0 t1
	shift 2
	t0=$(date +%s%N)
	python3 "$BF" queries . "$((SEED + ${#phase} * 7919 + n))" "$n" "$@" >"$TEST_ROOT/queries" ||
		{ ok 1 "$phase: brute force ran"; return; }
	while IFS=$'\x1f' read -r kind typ q want; do
		total=$((total + 1))
		if [ "$kind" = list ]; then
			if [ -n "$q" ]; then
				run --format ids list "$typ" "$q"
			else
				run --format ids list "$typ"
			fi
		else
			run --format ids search "$q" --limit 100000
		fi
		got=$(printf '%s\n' "$out" | grep -v '^$' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
		if [ "$rc" -eq 0 ] && [ "$got" = "$want" ] && [ -z "$err" ]; then
			ok 0 "$phase: $kind $typ $q ($(echo "$want" | wc -w) records)"
		else
			bad=$((bad + 1))
			ok 1 "$phase: $kind $typ $q"
			echo "# repro: cd STORE && crm --format ids $kind $typ '$q'  (exit $rc) $(printf '%s' "$err" | head -c 300)"
			python3 - "$got" "$want" <<'PY'
import sys
got, want = set(sys.argv[1].split()), set(sys.argv[2].split())
print("# crm: %d, brute force: %d" % (len(got), len(want)))
print("# only in crm: %s" % " ".join(sorted(got - want)[:8]))
print("# only in the files: %s" % " ".join(sorted(want - got)[:8]))
PY
		fi
	done <"$TEST_ROOT/queries"
	t1=$(date +%s%N)
	echo "# $phase: $total queries, $bad disagree, $(((t1 - t0) / 1000000)) ms"
}

# --- a generated store ----------------------------------------------------------
S="$TEST_ROOT/s"
"$GEN" --records 3000 --out "$S" --seed "$SEED" >/dev/null 2>&1 ||
	{ echo "Bail out! tests/bench/gen failed"; exit 1; }
cd "$S" || exit 1
run reindex
is "$rc" 0 "reindex of the generated store"
is "$err" "" "reindex: no errors (no broken records)"
NQ=40
FIXED=("tag:vip" "type:deal stage:won" "owner:ann" "4951" "Москва")
compare generated "$NQ" "${FIXED[@]}"

# --- crm edits -----------------------------------------------------------------------
python3 "$BF" pick . "$SEED" 24 >"$TEST_ROOT/pick" || echo "Bail out! pick failed"
i=0
fails=0
while read -r typ id; do
	i=$((i + 1))
	case $((i % 6)) in
	0) "$CRM" set "$id" name="Quokka Edited $i" >/dev/null ;;
	1) "$CRM" set "$id" owner=kate >/dev/null ;;
	2) "$CRM" tag "$id" +vip +quokkatag -cold >/dev/null ;;
	3) "$CRM" rm --force "$id" >/dev/null ;;
	4) if [ "$typ" = deal ]; then "$CRM" set "$id" stage=won amount=777777 >/dev/null
	   else "$CRM" tag "$id" -vip -b2b >/dev/null; fi ;;
	5) "$CRM" add contact "Quokka Новый $i" --phone "+7 (999) 555-0$i" --tag vip --owner olga >/dev/null ;;
	esac || fails=$((fails + 1))
done <"$TEST_ROOT/pick"
"$CRM" add deal "Quokka сделка" --amount 123456 --stage won --owner ivan --tag hot >/dev/null || fails=$((fails + 1))
is "$fails" 0 "25 random edits with crm set/tag/rm/add succeed"
store_clean "after edits"
FIXED+=("quokka" "tag:quokkatag" "owner:kate" "9995550" "amount>=777777")
compare "after crm edits" "$NQ" "${FIXED[@]}"

# --- git pull from another clone that changed ~200 records ----------------------
O="$TEST_ROOT/other"
git clone -q "$S" "$O" || echo "Bail out! git clone failed"
(
	cd "$O" &&
	python3 - "$SEED" <<'PY' &&
import os, random, re, sys, unicodedata
r = random.Random(int(sys.argv[1]))
files = sorted(os.path.join(d, s, f) for d in ("companies", "contacts", "deals", "tasks")
               for s in os.listdir(d) for f in os.listdir(os.path.join(d, s)))
pick = r.sample(files, 200)
logins = ["ann", "bob", "ivan", "olga", "rashad"]
for i, f in enumerate(pick[:160]):
    t = open(f, encoding="utf-8").read()
    if i % 4 == 0:
        t = re.sub(r"(?m)^name: .*$", "name: Zebrapull Юпитер %d" % i, t, count=1)
    elif i % 4 == 1:
        t = re.sub(r"(?m)^owner: .*$", "owner: " + r.choice(logins), t, count=1)
    elif i % 4 == 2:
        if re.search(r"(?m)^tags:$", t):
            t = re.sub(r"(?m)^tags:$", "tags:\n- pulledtag", t, count=1)
        else:
            t = re.sub(r"(?m)^created: ", "tags:\n- pulledtag\ncreated: ", t, count=1)
    else:
        t = re.sub(r"(?m)^name: (.*)$", lambda m: "name: Zebrapull " +
                   (m.group(1)[1:-1].replace("''", "'") if m.group(1).startswith("'")
                    else m.group(1)), t, count=1)
    open(f, "w", encoding="utf-8").write(t)
for f in pick[160:180]:
    os.remove(f)
alpha = "0123456789abcdefghjkmnpqrstvwxyz"
for i in range(20):
    rid = "".join(r.choice(alpha) for _ in range(10))
    d = os.path.join("contacts", rid[:2])
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, rid + ".yaml"), "w", encoding="utf-8") as fh:
        fh.write("id: '%s'\nname: Zebrapull Newcomer %d\nowner: bob\nphones:\n"
                 "- '+7 (812) 700-%02d-%02d'\ntags:\n- pulledtag\n"
                 "created: '2026-01-02T10:00:00+03:00'\n"
                 "updated: '2026-01-02T10:00:00+03:00'\n" % (rid, i, i, i))
PY
	git add -A && git commit -q -m "200 records changed elsewhere"
) || echo "Bail out! changing the other clone failed"
git pull -q --ff-only "$O" main >/dev/null 2>&1
ok $? "git pull of the other clone's commit"
is "$(git status --porcelain)" "" "after the pull: git status clean"
FIXED+=("zebrapull" "tag:pulledtag" "юпитер" "812700")
compare "after git pull" "$NQ" "${FIXED[@]}"

# --- git reset --hard HEAD~3 ------------------------------------------------------------
git reset -q --hard HEAD~3
ok $? "git reset --hard HEAD~3"
compare "after git reset --hard HEAD~3" "$NQ" "${FIXED[@]}"

# --- detached checkout of an older commit, and back -----------------------------------
git checkout -q HEAD~6 2>/dev/null
ok $? "git checkout HEAD~6 (detached)"
compare "detached at HEAD~6" 25 "${FIXED[@]}"
git checkout -q main 2>/dev/null
ok $? "git checkout main"
compare "back on main" 25 "${FIXED[@]}"

# --- history rewrite: the indexed commit disappears --------------------------------
"$CRM" --format ids list contact >/dev/null 2>&1 # the index now reflects HEAD
indexed=$(git rev-parse HEAD)
inode=$(stat -c %i .git/crm/index.db)
f=$(git ls-files contacts | head -1)
sed -i 's/^name: .*/name: Wombat Amended/' "$f"
git commit -q -a --amend -m "amended" && git reflog expire --expire=now --all && git gc -q --prune=now 2>/dev/null
ok $? "git commit --amend, reflog expired, old objects pruned"
git cat-file -e "$indexed^{commit}" 2>/dev/null
ok $((! $?)) "the commit the index reflected is gone"
FIXED+=("wombat")
compare "after a history rewrite" "$NQ" "${FIXED[@]}"
is "$(stat -c %i .git/crm/index.db)" "$inode" "updated in place, not rebuilt: the index keeps the ids it compares HEAD with"
store_clean "end"

done_testing
