#!/usr/bin/env python3
"""Independent answers to `crm report`, read straight from the YAML files.

report-check.py gen STORE SEED N
    writes N random deals (random stage moves with skips, lost reasons,
    sources, owners, several currencies, probabilities, close dates,
    competitors, timelines), competitor companies, contacts with sources
    and open tasks into STORE (its crm.yaml must have users ann, bob and
    kate, pipelines sales and partner); the caller commits them.
report-check.py check STORE REPORT JSON [--since T] [--until T]
        [--as-of T] [--owner U] [--pipeline P] [--strict] [--actual]
        [--tag TAG] [--now T]
    T are Unix times as crm reads them (--until and --as-of: the last
    second included).  Computes the report from the files (PyYAML, not
    crm's code) and compares it with crm's --format json output in the
    file JSON; prints "ok" or the differences, one a line.
"""
import datetime
import json
import os
import random
import sys

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
TZ = datetime.timezone(datetime.timedelta(hours=3))   # Europe/Moscow
DAY = 86400
KINDS = ["call", "meeting", "email", "note", "task"]


def new_id(r):
    return "".join(r.choice(ALPHABET[10:]) for _ in range(10))


def stamp(t):
    return datetime.datetime.fromtimestamp(t, TZ).isoformat()


def day(t):
    return datetime.datetime.fromtimestamp(t, TZ).strftime("%Y-%m-%d")


def write(store, kind, rec):
    d = os.path.join(store, kind, rec["id"][:2])
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, rec["id"] + ".yaml"), "w") as f:
        yaml.safe_dump(rec, f, allow_unicode=True, sort_keys=False)


def gen(store, seed, n):
    r = random.Random(seed)
    cfg = yaml.load(open(os.path.join(store, "crm.yaml")), Loader=Loader)
    users = [u["login"] for u in cfg["users"]]
    pipes = {p["name"]: [s["id"] if isinstance(s, dict) else s
                         for s in p["stages"]] for p in cfg["pipelines"]}
    reasons = [x["id"] if isinstance(x, dict) else x
               for x in cfg.get("lost_reasons", [])] + ["odd reason"]
    sources = ["web", "ads", "partner", "exhibition", None]
    base = 1767214800  # 2026-01-01T00:00:00+03:00
    comps = []
    for i in range(6):
        c = {"id": new_id(r), "name": "Rival %d" % i, "relation": "competitor",
             "owner": r.choice(users), "created": stamp(base - 400 * DAY)}
        comps.append(c["id"])
        write(store, "companies", c)
    for i in range(n // 2):
        created = base - r.randrange(0, 400) * DAY - r.randrange(DAY)
        c = {"id": new_id(r), "name": "Contact %d" % i,
             "owner": r.choice(users), "created": stamp(created)}
        s = r.choice(sources)
        if s:
            c["source"] = s
        c["timeline"] = entries(r, users, created, r.randrange(4))
        write(store, "contacts", c)
    for i in range(n):
        write(store, "deals", deal(r, i, users, pipes, reasons, sources,
                                   comps, base))
    now = int(datetime.datetime.now(TZ).timestamp())
    deals = [d for d in os.listdir(os.path.join(store, "deals"))]
    for i in range(n // 4):
        t = {"id": new_id(r), "name": "Task %d" % i,
             "for": comps[i % len(comps)], "owner": r.choice(users)}
        off = r.randrange(-30, 30)
        if off == 0:
            off = 3
        if r.random() < 0.5:
            t["due"] = day(now + off * DAY)
        else:
            t["due"] = stamp(now + off * DAY)
        write(store, "tasks", t)


def entries(r, users, start, k):
    out = []
    t = start
    for _ in range(k):
        t += r.randrange(1, 20 * DAY)
        out.append({"id": new_id(r), "kind": r.choice(KINDS), "at": stamp(t),
                    "by": r.choice(users), "text": "did something"})
    return out


def deal(r, i, users, pipes, reasons, sources, comps, base):
    pipe = "sales" if r.random() < 0.8 else "partner"
    stages = pipes[pipe]
    open_st = [s for s in stages if s not in ("won", "lost")]
    created = base - r.randrange(0, 500) * DAY - r.randrange(DAY)
    owner = r.choice(users)
    d = {"id": new_id(r), "name": "Deal %d" % i}
    if pipe != "sales" or r.random() < 0.5:
        d["pipeline"] = pipe
    hist, t, k = [], created, 0
    hist.append({"stage": open_st[0], "at": stamp(t), "by": owner})
    end = r.random()
    target = r.randrange(len(open_st))
    while k < target:
        k += r.choice((1, 1, 1, 2))           # skips a stage at times
        k = min(k, len(open_st) - 1)
        t += r.randrange(DAY // 2, 40 * DAY)
        hist.append({"stage": open_st[k], "at": stamp(t),
                     "by": r.choice(users)})
    if end < 0.35:
        t += r.randrange(DAY, 30 * DAY)
        hist.append({"stage": "won", "at": stamp(t), "by": owner})
    elif end < 0.65:
        t += r.randrange(DAY, 30 * DAY)
        hist.append({"stage": "lost", "at": stamp(t), "by": owner,
                     "reason": r.choice(reasons)})
    d["stage"] = hist[-1]["stage"]
    if r.random() < 0.9:
        d["amount"] = "%d" % (r.randrange(1, 900) * 1000) if r.random() < 0.8 \
            else "%d.%02d" % (r.randrange(1, 90000), r.randrange(100))
        cur = r.choice(("RUB", "RUB", "USD", "EUR", None))
        if cur:
            d["currency"] = cur
    if r.random() < 0.2:
        d["probability"] = r.randrange(0, 101)
    if r.random() < 0.7:
        d["close"] = day(created + r.randrange(10, 400) * DAY)
    if r.random() < 0.3:
        d["competitors"] = r.sample(comps, r.randrange(1, 3))
    d["owner"] = owner
    s = r.choice(sources)
    if s:
        d["source"] = s
    if r.random() < 0.3:
        d["tags"] = ["vip"]
    d["created"] = stamp(created)
    for h in hist:
        h["id"] = new_id(r)
    d["stage_history"] = hist
    d["timeline"] = entries(r, users, created, r.randrange(5))
    return d


# ---- reading the store ----

def ts(v):
    if v is None:
        return None
    if isinstance(v, datetime.datetime):
        return int(v.timestamp())
    if isinstance(v, datetime.date):
        return int(datetime.datetime(v.year, v.month, v.day,
                                     tzinfo=TZ).timestamp())
    s = str(v)
    if len(s) == 10:
        y, m, dd = map(int, s.split("-"))
        return int(datetime.datetime(y, m, dd, tzinfo=TZ).timestamp())
    return int(datetime.datetime.fromisoformat(s).timestamp())


def records(store, kind):
    top = os.path.join(store, kind)
    for dp, _, files in os.walk(top):
        for f in files:
            if not f.endswith(".yaml"):
                continue
            try:
                d = yaml.load(open(os.path.join(dp, f)), Loader=Loader)
            except yaml.YAMLError:
                continue
            if isinstance(d, dict):
                yield d


class Cfg:
    def __init__(self, store):
        c = yaml.load(open(os.path.join(store, "crm.yaml")), Loader=Loader)
        self.users = [u["login"] for u in c.get("users", [])]
        self.pipes = {}
        for p in c["pipelines"]:
            sts = []
            n_open = sum(1 for s in p["stages"] if kind_of(s) == "open")
            oi = 0
            for s in p["stages"]:
                sid = s["id"] if isinstance(s, dict) else s
                k = kind_of(s)
                if k == "open":
                    oi += 1
                if isinstance(s, dict) and "probability" in s:
                    prob = s["probability"]
                elif k == "won":
                    prob = 100
                elif k == "lost":
                    prob = 0
                else:   # spread evenly below 100 (crm-records(5))
                    prob = oi * 100 // (n_open + 1)
                name = s.get("name", sid) if isinstance(s, dict) else sid
                if isinstance(name, dict):
                    name = name.get("en", sid)
                sts.append((sid, k, prob, name))
            self.pipes[p["name"]] = sts
        dflt = c.get("defaults", {}) or {}
        self.default = dflt.get("pipeline", c["pipelines"][0]["name"])
        self.currency = dflt.get("currency", "")
        self.reasons = {}
        for x in c.get("lost_reasons", []):
            if isinstance(x, dict):
                self.reasons[x["id"]] = x.get("name", x["id"])
            else:
                self.reasons[x] = x
        rates = c.get("rates") or {}
        self.base = rates.get("base", "")
        self.rates = {k: float(v) for k, v in rates.items() if k != "base"}


def kind_of(s):
    if isinstance(s, dict):
        sid = s["id"]
        return s.get("kind", sid if sid in ("won", "lost") else "open")
    return s if s in ("won", "lost") else "open"


def cents(d):
    a = d.get("amount")
    if a is None or str(a) == "":
        return None
    return int(round(float(str(a)) * 100))


class Money(dict):
    def add(self, cfg, cur, n):
        if cfg.base and cur != cfg.base and cfg.rates.get(cur):
            n = int(n * cfg.rates[cur] + (0.5 if n >= 0 else -0.5))
            cur = cfg.base
        self[cur] = self.get(cur, 0) + n

    def merge(self, o):
        for k, v in o.items():
            self[k] = self.get(k, 0) + v


def money_json(cfg, m):
    if not m:
        cur = cfg.base or cfg.currency
        return [{"currency": cur, "amount": 0.0}]
    return [{"currency": k, "amount": round(m[k] / 100, 2)}
            for k in sorted(m)]


class Deal:
    pass


def load_deals(store, cfg, o):
    out = []
    for d in records(store, "deals"):
        x = Deal()
        x.id = d["id"]
        x.pipeline = d.get("pipeline") or cfg.default
        x.stage = d.get("stage")
        x.owner = d.get("owner")
        x.source = d.get("source")
        x.currency = d.get("currency") or cfg.currency
        x.cents = cents(d)
        x.own_prob = d.get("probability")
        x.created = ts(d.get("created"))
        x.close = ts(d.get("close"))
        x.competitors = d.get("competitors") or []
        x.tags = d.get("tags") or []
        tl = sorted(ts(e["at"]) for e in d.get("timeline") or [] if "at" in e)
        hist = [(ts(h["at"]), h["stage"], h.get("by"), h.get("reason"))
                for h in d.get("stage_history") or []]
        hist.sort(key=lambda h: h[0])
        x.hist = [(at, st, by, rs, sum(1 for t in tl if t <= at))
                  for at, st, by, rs in hist]
        x.now_stage = x.stage
        if o.owner and x.owner != o.owner:
            continue
        if o.tag and o.tag not in x.tags:
            continue
        if o.as_of:
            if (x.created > o.as_of) if x.created is not None else \
                    (not x.hist or x.hist[0][0] > o.as_of):
                continue
            cut = [h for h in x.hist if h[0] <= o.as_of]
            if cut:
                x.stage = cut[-1][1]
            elif x.hist:
                x.stage = x.hist[0][1]
            x.hist = cut
        if o.pipeline and x.pipeline != o.pipeline:
            continue
        st = {s[0]: s for s in cfg.pipes.get(x.pipeline, [])}
        x.kind = st[x.stage][1] if x.stage in st else None
        x.now_kind = st[x.now_stage][1] if x.now_stage in st else None
        x.prob = x.own_prob if x.own_prob is not None else \
            (st[x.stage][2] if x.stage in st else -1)
        out.append(x)
    return out


def in_period(o, t):
    return (o.since is None or t >= o.since) and \
        (o.until is None or t <= o.until)


def closed(o, x):
    """(kind, at) of a deal closed in the period, else None."""
    if x.kind not in ("won", "lost"):
        return None
    at = x.hist[-1][0] if x.hist else x.created
    if at is None:
        return None if (o.since or o.until) else (x.kind, None)
    return (x.kind, at) if in_period(o, at) else None


def pct(a, b):
    return None if b == 0 else round(100.0 * a / b, 2)


# ---- the reports ----

def funnel(cfg, o, deals):
    pipe = o.pipeline or cfg.default
    sts = cfg.pipes[pipe]
    rows = [s for s in sts if s[1] != "lost"]
    rank = {s[0]: i for i, s in enumerate(rows)}
    kinds = {s[0]: s[1] for s in sts}
    names = {s[0]: s[3] for s in sts}
    cnt = [0] * len(rows)
    sums = [Money() for _ in rows]
    lost = {}
    for x in deals:
        if x.pipeline != pipe:
            continue
        hit = set()
        if not x.hist and x.stage in rank and \
                (in_period(o, x.created) if x.created is not None
                 else o.since is None and o.until is None):
            hit.add(rank[x.stage])
        lk = None
        for i, (at, st, by, rs, _) in enumerate(x.hist):
            if not in_period(o, at) or st not in kinds:
                continue
            if st in rank:
                hit.add(rank[st])
                continue
            prev = x.hist[i - 1][1] if i else None
            lk = (names[prev] if prev in rank else None,
                  cfg.reasons.get(rs, rs) if rs else None)
        if lk:
            e = lost.setdefault(lk, [0, Money()])
            e[0] += 1
            if x.cents is not None:
                e[1].add(cfg, x.currency, x.cents)
        if not hit:
            continue
        top = max(hit)
        for i in range(len(rows)):
            if (i in hit) if o.strict else i <= top:
                cnt[i] += 1
                if x.cents is not None:
                    sums[i].add(cfg, x.currency, x.cents)
    stages = []
    for i, s in enumerate(rows):
        stages.append({"stage": s[3], "deals": cnt[i],
                       "amount": money_json(cfg, sums[i]),
                       "step": pct(cnt[i], cnt[i - 1] if i else cnt[0]),
                       "cumulative": pct(cnt[i], cnt[0])})
    lrows = [{"stage": k[0], "reason": k[1], "deals": v[0],
              "amount": money_json(cfg, v[1])} for k, v in lost.items()]
    return {"stages": stages, "lost": lrows}


def month_of(t):
    dt = datetime.datetime.fromtimestamp(t, TZ)
    return "%04d-%02d" % (dt.year, dt.month)


def forecast(cfg, o, deals):
    months = {}
    for x in deals:
        if x.kind != "open":
            continue
        if (o.since or o.until) and (x.close is None or
                                     not in_period(o, x.close)):
            continue
        k = month_of(x.close) if x.close is not None else None
        m = months.setdefault(k, {"n": 0, "raw": Money(), "w": Money(),
                                  "won": 0, "won_sum": Money(), "lost": 0})
        m["n"] += 1
        if x.cents is not None:
            m["raw"].add(cfg, x.currency, x.cents)
            w = x.cents * x.prob // 100 if x.prob > 0 else 0
            m["w"].add(cfg, x.currency, w)
        if o.actual:
            if x.now_kind == "won":
                m["won"] += 1
                if x.cents is not None:
                    m["won_sum"].add(cfg, x.currency, x.cents)
            elif x.now_kind == "lost":
                m["lost"] += 1
    keys = sorted((k for k in months if k), key=str) + \
        ([None] if None in months else [])
    rows = []
    tot = {"n": 0, "raw": Money(), "w": Money(), "won": 0,
           "won_sum": Money(), "lost": 0}
    for k in keys + ["__total"]:
        m = months[k] if k != "__total" else tot
        row = {"month": k if k != "__total" else "total", "deals": m["n"],
               "amount": money_json(cfg, m["raw"]),
               "weighted": money_json(cfg, m["w"])}
        if o.actual:
            row.update({"won": m["won"],
                        "won_amount": money_json(cfg, m["won_sum"]),
                        "lost": m["lost"]})
        rows.append(row)
        if k != "__total":
            tot["n"] += m["n"]
            tot["won"] += m["won"]
            tot["lost"] += m["lost"]
            for f in ("raw", "w", "won_sum"):
                tot[f].merge(m[f])
    return {"months": rows}


def conversion(cfg, o, deals):
    groups = {"by_owner": {}, "by_source": {}, "by_pipeline": {}}
    total = [0, 0, Money()]
    for x in deals:
        c = closed(o, x)
        if not c:
            continue
        for sec, key in (("by_owner", x.owner), ("by_source", x.source),
                         ("by_pipeline", x.pipeline)):
            g = groups[sec].setdefault(key, [0, 0, Money()])
            for t in (g,) + ((total,) if sec == "by_owner" else ()):
                if c[0] == "won":
                    t[0] += 1
                    if x.cents is not None:
                        t[2].add(cfg, x.currency, x.cents)
                else:
                    t[1] += 1

    def row(name, key, g):
        return {name: key, "won": g[0], "lost": g[1], "closed": g[0] + g[1],
                "conversion": pct(g[0], g[0] + g[1]),
                "won_amount": money_json(cfg, g[2])}
    out = {"total": [row("total", "all deals", total)]}
    for sec, name in (("by_owner", "owner"), ("by_source", "source"),
                      ("by_pipeline", "pipeline")):
        out[sec] = [row(name, k, g) for k, g in groups[sec].items()]
    return out


def lost_report(store, cfg, o, deals):
    names = {c["id"]: c.get("name") for c in records(store, "companies")}
    stnames = {}
    for sts in cfg.pipes.values():
        for s in sts:
            stnames.setdefault(s[0], s[3])
    g = {"by_stage": {}, "by_reason": {}, "by_competitor": {}}
    n = 0
    for x in deals:
        c = closed(o, x)
        if not c or c[0] != "lost":
            continue
        n += 1
        last = len(x.hist) - 1
        frm = x.hist[last - 1][1] if last > 0 else None
        rs = x.hist[last][3] if last >= 0 else None
        keys = [("by_stage", stnames.get(frm, frm) if frm else None),
                ("by_reason", cfg.reasons.get(rs, rs) if rs else None)]
        keys += [("by_competitor", cid) for cid in x.competitors]
        for sec, k in keys:
            e = g[sec].setdefault(k, [0, Money()])
            e[0] += 1
            if x.cents is not None:
                e[1].add(cfg, x.currency, x.cents)
    out = {}
    for sec, name in (("by_stage", "stage"), ("by_reason", "reason"),
                      ("by_competitor", "competitor")):
        out[sec] = []
        for k, e in g[sec].items():
            r = {name: k, "deals": e[0], "amount": money_json(cfg, e[1]),
                 "share": pct(e[0], n)}
            if sec == "by_competitor":
                r["name"] = names.get(k)
            out[sec].append(r)
    return out


def median(v):
    v = sorted(v)
    if not v:
        return 0
    h = len(v) // 2
    return v[h] if len(v) % 2 else (v[h - 1] + v[h]) / 2


def cycle(cfg, o, deals):
    won = []
    stays = {}
    for x in deals:
        for i in range(len(x.hist) - 1):
            if in_period(o, x.hist[i + 1][0]):
                stays.setdefault((x.hist[i][1]), []).append(
                    (x.hist[i + 1][0] - x.hist[i][0]) / DAY)
        c = closed(o, x)
        if c and c[0] == "won" and x.created is not None:
            won.append((c[1] - x.created) / DAY)
    stnames = {}
    for sts in cfg.pipes.values():
        for s in sts:
            stnames.setdefault(s[0], s[3])
    w = {"deals": len(won),
         "average_days": round(sum(won) / len(won), 2) if won else None,
         "median_days": round(median(won), 2) if won else None}
    rows = [{"stage": stnames.get(k, k), "stays": len(v),
             "average_days": round(sum(v) / len(v), 2),
             "median_days": round(median(v), 2)} for k, v in stays.items()]
    return {"won": [w], "stages": rows}


def sources(store, cfg, o, deals):
    g = {}
    for kind in ("companies", "contacts"):
        for c in records(store, kind):
            t = ts(c.get("created"))
            if t is None or not in_period(o, t):
                continue
            if o.owner and c.get("owner") != o.owner:
                continue
            e = g.setdefault(c.get("source"), [0, 0, Money(), 0, Money()])
            e[0] += 1
    for x in deals:
        if (in_period(o, x.created) if x.created is not None
                else o.since is None and o.until is None):
            e = g.setdefault(x.source, [0, 0, Money(), 0, Money()])
            e[1] += 1
            if x.cents is not None:
                e[2].add(cfg, x.currency, x.cents)
        c = closed(o, x)
        if c and c[0] == "won":
            e = g.setdefault(x.source, [0, 0, Money(), 0, Money()])
            e[3] += 1
            if x.cents is not None:
                e[4].add(cfg, x.currency, x.cents)
    return {"by_source": [{"source": k, "leads": e[0], "deals": e[1],
                           "amount": money_json(cfg, e[2]), "won": e[3],
                           "won_amount": money_json(cfg, e[4])}
                          for k, e in g.items()]}


def activity(store, cfg, o, deals):
    rows = {}

    def row(u):
        return rows.setdefault(u, {"owner": u, "calls": 0, "meetings": 0,
                                   "emails": 0, "notes": 0, "tasks_done": 0,
                                   "tasks_overdue": 0, "won": 0,
                                   "won_amount": Money(), "touches": 0})
    for u in cfg.users:
        if not o.owner or u == o.owner:
            row(u)
    col = {"call": "calls", "meeting": "meetings", "email": "emails",
           "note": "notes", "task": "tasks_done"}
    for kind in ("companies", "contacts", "deals", "tasks"):
        for r in records(store, kind):
            for e in r.get("timeline") or []:
                if "id" not in e or "at" not in e:
                    continue
                if not in_period(o, ts(e["at"])):
                    continue
                if o.owner and e.get("by") != o.owner:
                    continue
                if e.get("kind") in col:
                    row(e.get("by"))[col[e["kind"]]] += 1
    now = o.now
    today = int(datetime.datetime.fromtimestamp(now, TZ).replace(
        hour=0, minute=0, second=0, microsecond=0).timestamp())
    for t in records(store, "tasks"):
        if "due" not in t or (o.owner and t.get("owner") != o.owner):
            continue
        due = str(t["due"]) if not isinstance(t["due"], datetime.datetime) \
            else t["due"].isoformat()
        at = ts(t["due"])
        if at < today or ("T" in due and at < now):
            row(t.get("owner"))["tasks_overdue"] += 1
    for x in deals:
        if x.kind != "won" or not x.hist or not in_period(o, x.hist[-1][0]):
            continue
        r = row(x.owner)
        r["won"] += 1
        r["touches"] += x.hist[-1][4]
        if x.cents is not None:
            r["won_amount"].add(cfg, x.currency, x.cents)
    out = []
    for u, r in rows.items():
        r["won_amount"] = money_json(cfg, r["won_amount"])
        r["touches"] = round(r["touches"] / r["won"], 2) if r["won"] else None
        out.append(r)
    return {"by_owner": out}


# ---- comparing ----

def canon(rows):
    return sorted(json.dumps(r, sort_keys=True) for r in rows)


def close_enough(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) < 0.011
    return a == b


def compare(want, got):
    errs = []
    secs = {s["key"]: s for s in got["sections"]}
    for key, rows in want.items():
        if key not in secs:
            errs.append("section %s missing" % key)
            continue
        grows = secs[key]["rows"]
        if len(grows) != len(rows):
            errs.append("%s: %d rows, want %d" % (key, len(grows), len(rows)))
        # a row is found by its texts (its stage, reason, owner...)
        keys = [k for k, v in (rows[0].items() if rows else [])
                if v is None or isinstance(v, str)]

        def kv(r):
            return json.dumps([r.get(k) for k in keys])
        gmap = {kv(r): r for r in grows}
        for r in rows:
            g = gmap.get(kv(r))
            if g is None:
                errs.append("%s: no row %s" % (key, kv(r)))
                continue
            for k, v in r.items():
                if not close_enough(v, g.get(k)):
                    errs.append("%s %s: %s is %r, want %r" %
                                (key, kv(r), k, g.get(k), v))
    return errs


class Opts:
    pass


def main():
    if sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        return 0
    store, report, jfile = sys.argv[2:5]
    o = Opts()
    o.since = o.until = o.as_of = o.owner = o.pipeline = o.tag = None
    o.strict = o.actual = False
    o.now = int(datetime.datetime.now().timestamp())
    a = sys.argv[5:]
    while a:
        k = a.pop(0)
        if k in ("--strict", "--actual"):
            setattr(o, k[2:], True)
            continue
        v = a.pop(0)
        name = k[2:].replace("-", "_")
        setattr(o, name, int(v) if name in ("since", "until", "as_of", "now")
                else v)
    cfg = Cfg(store)
    deals = load_deals(store, cfg, o)
    fn = {"funnel": lambda: funnel(cfg, o, deals),
          "forecast": lambda: forecast(cfg, o, deals),
          "conversion": lambda: conversion(cfg, o, deals),
          "lost": lambda: lost_report(store, cfg, o, deals),
          "cycle": lambda: cycle(cfg, o, deals),
          "sources": lambda: sources(store, cfg, o, deals),
          "activity": lambda: activity(store, cfg, o, deals)}[report]
    got = json.load(open(jfile))
    errs = compare(fn(), got)
    if report == "funnel":   # its rows in the pipeline's order
        want = [r["stage"] for r in fn()["stages"]]
        have = [r["stage"] for r in got["sections"][0]["rows"]]
        if want != have:
            errs.append("funnel stages %r, want %r" % (have, want))
    print("\n".join(errs[:20]) if errs else "ok")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
