#!/bin/bash
# 57-export.t - crm export csv, json, xlsx and vcard against real stores
# (Russian, Azerbaijani and English names, phones, e-mails, tags, custom
# fields, a 12-digit tax id, notes with newlines, commas, quotes and a
# formula), each read back by a reader independent of crm's writers:
# Python's csv module, its json module against PyYAML reading the files,
# openpyxl for the workbook, vobject for vCard 4.0 and 3.0.  Formula
# cells neutralised (and in crm report --format csv, not in crm list);
# --bom, --sep; the query; -o atomic; bad arguments, a broken file and
# a missing module: one error, a non-zero exit, nothing written.

. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if ! "$PY" -c 'import yaml, openpyxl, vobject' 2>/dev/null; then
	echo "1..0 # SKIP python3-yaml, python3-openpyxl or python3-vobject is not installed"
	exit 0
fi

# The reader: "check.py MODE FILE TYPE [ARG]" compares what crm wrote
# with the record files of TYPE in the store (read by PyYAML) and prints
# one line per mismatch, then "N records" (the ids it found, sorted, with
# ids).  The modes: csv (ARG: the separator), rawcsv (the cells as
# written, one a line, KEY=VALUE for the record ARG), json, xlsx, vcard4,
# vcard3, lint (vCard lines: CRLF, 75 octets, UTF-8 each).
cat >"$TEST_ROOT/check.py" <<'PY'
import csv, glob, io, json, re, sys
import yaml

mode, path, typ = sys.argv[1], sys.argv[2], sys.argv[3]
arg = sys.argv[4] if len(sys.argv) > 4 else None
dirs = {"company": "companies", "contact": "contacts", "deal": "deals",
        "task": "tasks"}
KNOWN = {
    "company": "id name status relation owner phones emails tax_id website "
               "address source notes tags created updated merged_from",
    "contact": "id name company role status relation owner phones emails "
               "tax_id birthday source notes tags created updated merged_from",
    "deal": "id name company contact pipeline stage amount currency "
            "probability close competitors owner source notes tags created "
            "updated merged_from",
}
# not cells: the entries, and phones_typed, whose forms are the phones'
# cell (each number as it was typed)
ENTRIES = {"timeline", "stage_history", "rescheduled", "phones_typed"}


def records(t, loader=yaml.SafeLoader):
    # BaseLoader: every scalar as the text written, as a cell holds it
    out = {}
    for f in glob.glob(dirs[t] + "/*/*.yaml"):
        r = yaml.load(open(f, encoding="utf-8"), Loader=loader)
        out[r["id"]] = r
    return out


def cell(v):
    if v is None:
        return ""
    if isinstance(v, list):
        return ", ".join(cell(x) for x in v)
    return str(v)


def columns(t, recs):
    known = KNOWN[t].split()
    custom = set()
    for r in recs.values():
        custom |= {k for k in r if k not in known and k not in ENTRIES}
    return known + sorted(custom)


def unneutralise(s):
    # what an importer does: a "'" before = + - @ TAB CR is taken away
    if len(s) > 1 and s[0] == "'" and s[1] in "=+-@\t\r":
        return s[1:]
    return s


def compare_rows(header, rows, recs, t, undo):
    bad = 0
    want = columns(t, recs)
    if header != want:
        print("header %s, want %s" % (",".join(header), ",".join(want)))
        bad += 1
    seen = []
    for row in rows:
        row = [undo(c) for c in row]
        rec = recs.get(row[0])
        seen.append(row[0])
        if rec is None:
            print("no record %s" % row[0])
            continue
        for k, v in zip(header, row):
            want_v = cell(rec.get(k))
            if k == "phones" and rec.get(k):
                forms = rec.get("phones_typed") or {}
                want_v = ", ".join(forms.get(p, p) for p in rec[k])
            if v != want_v:
                print("%s %s: %r, want %r" % (row[0], k, v, want_v))
                bad += 1
    return seen


recs = records(typ, yaml.BaseLoader) if typ != "all" else None
if mode == "csv":
    data = open(path, "rb").read()
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=arg or ","))
    if data.count(b"\r\n") != len(rows):
        print("%d CRLF for %d rows" % (data.count(b"\r\n"), len(rows)))
    seen = compare_rows(rows[0], rows[1:], recs, typ, unneutralise)
elif mode == "rawcsv":
    rows = list(csv.reader(open(path, encoding="utf-8", newline="")))
    for row in rows[1:]:
        if row[0] == arg:
            for k, v in zip(rows[0], row):
                print("%s=%s" % (k, v.replace("\n", "\\n")))
    sys.exit(0)
elif mode == "json":
    doc = json.load(open(path, encoding="utf-8"))
    if doc.get("format_version") != 1:
        print("format_version %r" % doc.get("format_version"))
    seen = []
    types = [typ] if typ != "all" else list(dirs)
    if doc.get("type") != (typ if typ != "all" else None):
        print("type %r" % doc.get("type"))
    every = {t: records(t) for t in types}
    for r in doc["records"]:
        t = r.pop("type") if typ == "all" else typ
        want = every[t].get(r.get("id"))
        seen.append(r.get("id"))
        if r != want:
            print("%s: %r\n want %r" % (r.get("id"), r, want))
        elif list(r) != list(want):
            print("%s: keys in another order" % r["id"])
elif mode == "xlsx":
    import openpyxl
    ws = openpyxl.load_workbook(path).active
    rows = []
    for i, r in enumerate(ws.iter_rows()):
        for c in r:
            if c.value is not None and c.data_type != "s":
                print("%s is not text (%s)" % (c.coordinate, c.data_type))
            if i == 0 and not c.font.b:
                print("%s is not bold" % c.coordinate)
        rows.append(["" if c.value is None else c.value for c in r])
    if ws.freeze_panes != "A2":
        print("freeze_panes %r" % ws.freeze_panes)
    if ws.auto_filter.ref != "A1:%s%d" % (
            openpyxl.utils.get_column_letter(len(rows[0])), len(rows)):
        print("autofilter %r" % ws.auto_filter.ref)
    if min(ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width
           for i in range(len(rows[0]))) < 8:
        print("a column narrower than 8")
    seen = compare_rows(rows[0], rows[1:], recs, typ, lambda s: s)
elif mode in ("vcard4", "vcard3"):
    import vobject
    seen = []
    recs = records(typ)
    companies = records("company")
    for c in vobject.readComponents(open(path, encoding="utf-8").read()):
        uid = c.uid.value
        rid = uid[:-4]
        seen.append(rid)
        rec = recs[rid]
        if c.version.value != ("4.0" if mode == "vcard4" else "3.0"):
            print("%s: VERSION %s" % (rid, c.version.value))
        if c.fn.value != rec["name"]:
            print("%s: FN %r" % (rid, c.fn.value))
        tels = [t.value for t in c.contents.get("tel", [])]
        phones = rec.get("phones", [])
        if mode == "vcard4":
            phones = ["tel:" + re.sub(r"[^+0-9]", "", p) for p in phones]
        if tels != phones:
            print("%s: TEL %r, want %r" % (rid, tels, phones))
        mails = [e.value for e in c.contents.get("email", [])]
        if mails != rec.get("emails", []):
            print("%s: EMAIL %r" % (rid, mails))
        note = c.note.value if "note" in c.contents else None
        if note != rec.get("notes"):
            print("%s: NOTE %r" % (rid, note))
        org = c.org.value[0] if "org" in c.contents else None
        want = rec["name"] if typ == "company" else (
            companies[rec["company"]]["name"] if rec.get("company") else None)
        if org != want:
            print("%s: ORG %r, want %r" % (rid, org, want))
        if typ == "contact":
            n = c.n.value
            words = rec["name"].split()
            if n.family != words[-1] or n.given != " ".join(words[:-1]):
                print("%s: N %r %r" % (rid, n.family, n.given))
        if "title" in c.contents and c.title.value != rec.get("role"):
            print("%s: TITLE %r" % (rid, c.title.value))
elif mode == "lint":
    data = open(path, "rb").read()
    lines = data.split(b"\r\n")
    if lines[-1] != b"":
        print("no CRLF at the end")
    folded = 0
    for i, l in enumerate(lines[:-1]):
        if b"\n" in l or b"\r" in l:
            print("bare LF or CR in line %d" % (i + 1))
        if len(l) > 75:
            print("line %d is %d octets" % (i + 1, len(l)))
        try:
            l.decode("utf-8")
        except UnicodeDecodeError:
            print("line %d is not UTF-8 on its own" % (i + 1))
        folded += l.startswith(b" ")
    print("folded %d" % min(folded, 1))
    sys.exit(0)
print("%d records: %s" % (len(seen), " ".join(sorted(seen))))
PY
# check MODE FILE TYPE [ARG]: the reader's lines.
check() {
	"$PY" "$TEST_ROOT/check.py" "$@"
}

new_store s
co1=$("$CRM" add company "ООО Ромашка" --phone "+7 495 123-45-67")
"$CRM" set "$co1" address="Москва, ул. Тверская; д. 1" website=https://romashka.example >/dev/null
co2=$("$CRM" add company "Azərbaycan Şirkəti MMC" --phone "+994 12 345 67 89")
NOTES=$(printf "=cmd|' /C calc'!A0\nвторая строка, \"в кавычках\"; с точкой с запятой \\\\ и чертой")
c1=$("$CRM" add contact "Иван Петров" --company "$co1" --phone "+7 916 000-11-22" \
	--phone "+7 495 765-43-21" --email ivan@example.ru --tag vip --tag b2b \
	--role "Директор; главный" --notes "$NOTES")
c2=$("$CRM" add contact "Gülşən Əliyeva" --company "$co2" --phone "+994 50 123 45 67" \
	--email gulshan@example.az --tag müştəri \
	--notes "Bakı ofisi: ğ ı ö ü ş ç ə — $(printf 'длинная заметка %.0s' 1 2 3 4 5 6)")
c3=$("$CRM" add contact "John O'Brien" --phone "+1 212 555 0100" \
	--email john@example.com --email j.obrien@example.org --notes "@SUM(A1:A9)")
c4=$("$CRM" add contact "Без телефона")
"$CRM" set "$c1" inn=770123456789 >/dev/null
"$CRM" set "$c3" score=-12.5 >/dev/null
"$CRM" set "$c2" langs+=az >/dev/null
"$CRM" set "$c2" langs+=ru >/dev/null
"$CRM" note "$c1" "Позвонил, договорились" >/dev/null
dl=$("$CRM" add deal "Поставка 2027" --company "$co1" --contact "$c1" --amount "350 000,50" \
	--currency RUB --source "=1+2")
"$CRM" deal move "$dl" first_contact >/dev/null || { echo "Bail out! deal move"; exit 1; }
[ -n "$c4" ] && [ -n "$dl" ] || { echo "Bail out! records"; exit 1; }
grep -q "^inn: '770123456789'" "$(file_of contact "$c1")" || { echo "Bail out! inn is not a string"; exit 1; }
ALL4=$(printf '%s\n' "$c1" "$c2" "$c3" "$c4" | sort | tr '\n' ' ' | sed 's/ $//')

# --- csv ---------------------------------------------------------------------
run export csv -o "$TEST_ROOT/a.csv"
is "$rc" 0 "export csv -o exits 0"
is "$out" "" "export csv -o prints nothing on standard output"
is "$err" "exported 4 contacts to '$TEST_ROOT/a.csv'" "export csv says what it wrote, in one line"
is "$(check csv "$TEST_ROOT/a.csv" contact)" "4 records: $ALL4" \
	"csv read back by Python's csv module equals the records (header, every cell, CRLF rows)"
is "$(head -1 "$TEST_ROOT/a.csv" | tr -d '\r')" \
	"id,name,company,role,status,relation,owner,phones,emails,tax_id,birthday,source,notes,tags,created,updated,merged_from,inn,langs,score" \
	"the header: the registry's fields, then the custom ones sorted"
raw=$(check rawcsv "$TEST_ROOT/a.csv" contact "$c1")
like "$raw" "^notes='=cmd\|' /C calc'!A0\\\\n" "a note starting with = is neutralised with a leading '"
like "$raw" "phones='\+7 916 000-11-22, \+7 495 765-43-21" "phones start with + and are neutralised; lists joined with ', '"
like "$raw" "inn=770123456789" "the 12-digit tax id is exact"
like "$raw" "company=$co1" "a reference is the full id"
like "$(check rawcsv "$TEST_ROOT/a.csv" contact "$c3")" "score=-12.5" \
	"a plain negative number is not neutralised"
like "$(check rawcsv "$TEST_ROOT/a.csv" contact "$c3")" "notes='@SUM" "a cell starting with @ is neutralised"
like "$(check rawcsv "$TEST_ROOT/a.csv" contact "$c2")" "name=Gülşən Əliyeva" "Azerbaijani letters exact"
"$CRM" export csv contact >"$TEST_ROOT/b.csv" 2>"$TEST_ROOT/b.err"
cmp -s "$TEST_ROOT/a.csv" "$TEST_ROOT/b.csv"
ok $? "standard output holds the same bytes as -o (TYPE given or not)"
is "$(cat "$TEST_ROOT/b.err")" "exported 4 contacts" "to standard output: the count alone"
is "$("$CRM" -q export csv 2>&1 >/dev/null)" "" "-q: no summary"
"$CRM" export csv --bom -o "$TEST_ROOT/bom.csv" 2>/dev/null
is "$(head -c 3 "$TEST_ROOT/bom.csv" | od -An -tx1 | tr -d ' ')" "efbbbf" "--bom: a UTF-8 byte order mark first"
is "$(check csv "$TEST_ROOT/bom.csv" contact)" "4 records: $ALL4" "--bom: the same records"
"$CRM" export csv --sep ';' -o "$TEST_ROOT/semi.csv" 2>/dev/null
is "$(check csv "$TEST_ROOT/semi.csv" contact ';')" "4 records: $ALL4" "--sep ';': read back with ';'"
grep -q '"Директор; главный"' "$TEST_ROOT/semi.csv"
ok $? "--sep ';': a cell holding ';' is quoted"
"$CRM" export csv --sep tab -o "$TEST_ROOT/tab.csv" 2>/dev/null
is "$(check csv "$TEST_ROOT/tab.csv" contact "$(printf '\t')")" "4 records: $ALL4" "--sep tab"
"$CRM" export csv --sep "$(printf '\t')" -o "$TEST_ROOT/tab2.csv" 2>/dev/null
cmp -s "$TEST_ROOT/tab.csv" "$TEST_ROOT/tab2.csv"
ok $? "--sep with a tab character is --sep tab"
"$CRM" export csv --sep , -o "$TEST_ROOT/comma.csv" 2>/dev/null
cmp -s "$TEST_ROOT/a.csv" "$TEST_ROOT/comma.csv"
ok $? "--sep , is the default"
run export csv company
is "$rc" 0 "export csv company exits 0"
printf '%s\n' "$out" | sed 's/$/\r/' >/dev/null
"$CRM" export csv company -o "$TEST_ROOT/co.csv" 2>/dev/null
is "$(check csv "$TEST_ROOT/co.csv" company)" \
	"2 records: $(printf '%s\n' "$co1" "$co2" | sort | tr '\n' ' ' | sed 's/ $//')" \
	"export csv company: the companies, their address with , and ;"
"$CRM" export csv deal -o "$TEST_ROOT/deal.csv" 2>/dev/null
like "$(check rawcsv "$TEST_ROOT/deal.csv" deal "$dl")" "amount=350000.50" "a deal's amount exact as stored"
is "$(check csv "$TEST_ROOT/deal.csv" deal)" "1 records: $dl" "export csv deal equals the record (no stage_history column)"

# the query
"$CRM" export csv contact tag:vip -o "$TEST_ROOT/q.csv" 2>/dev/null
is "$(check csv "$TEST_ROOT/q.csv" contact | tail -1)" "1 records: $c1" "tag:vip selects"
"$CRM" export csv Brien -o "$TEST_ROOT/q.csv" 2>/dev/null
is "$(check csv "$TEST_ROOT/q.csv" contact | tail -1)" "1 records: $c3" "a query without TYPE (free text): contacts"
"$CRM" export csv contact -tag:vip -o "$TEST_ROOT/q.csv" 2>/dev/null
is "$(check csv "$TEST_ROOT/q.csv" contact | tail -1 | cut -d' ' -f1)" "3" "-tag:vip is a query's word"

# the CSV writer's modes elsewhere
run report sources --format csv
like "$out" "'=1\+2" "crm report --format csv neutralises a formula cell"
run --format csv list contact
like "$out" "\"=cmd" "crm list --format csv keeps the exact bytes (for scripts)"
printf '%s\n' "$out" | grep -q $'\r'
is "$?" 1 "crm list --format csv: LF line ends"

# --- json ----------------------------------------------------------------------
run export json contact -o "$TEST_ROOT/a.json"
is "$rc" 0 "export json contact exits 0"
is "$(check json "$TEST_ROOT/a.json" contact)" "4 records: $ALL4" \
	"json: format_version 1, type, every record equal to PyYAML's reading of its file, keys in order"
grep -q '"timeline"' "$TEST_ROOT/a.json"
ok $? "json holds the timeline"
run export json -o "$TEST_ROOT/all.json"
is "$err" "exported 7 records to '$TEST_ROOT/all.json'" "export json without TYPE: every type"
like "$(check json "$TEST_ROOT/all.json" all)" "^7 records" "json of every type: each record with its type, equal to its file"
grep -q '"stage_history"' "$TEST_ROOT/all.json" && grep -q '"amount": 350000.50' "$TEST_ROOT/all.json"
ok $? "json holds a deal's stage_history, and its amount as stored"

# --- xlsx ----------------------------------------------------------------------
run export xlsx -o "$TEST_ROOT/a.xlsx"
is "$rc" 0 "export xlsx exits 0"
is "$err" "exported 4 contacts to '$TEST_ROOT/a.xlsx'" "export xlsx says what it wrote"
is "$(check xlsx "$TEST_ROOT/a.xlsx" contact)" "4 records: $ALL4" \
	"openpyxl: every cell text, values exact, bold frozen header, autofilter, widths"
"$CRM" export xlsx company >"$TEST_ROOT/co.xlsx" 2>/dev/null
is "$(check xlsx "$TEST_ROOT/co.xlsx" company | tail -1 | cut -d' ' -f1)" "2" \
	"export xlsx to standard output (not a terminal)"
"$CRM" export xlsx deal -o "$TEST_ROOT/deal.xlsx" 2>/dev/null
is "$(check xlsx "$TEST_ROOT/deal.xlsx" deal)" "1 records: $dl" "export xlsx deal: the amount a text"

# --- vcard ------------------------------------------------------------------------
run export vcard -o "$TEST_ROOT/a.vcf"
is "$rc" 0 "export vcard exits 0"
is "$err" "exported 4 contacts to '$TEST_ROOT/a.vcf'" "export vcard says what it wrote"
is "$(check vcard4 "$TEST_ROOT/a.vcf" contact)" "4 records: $ALL4" \
	"vobject reads vCard 4.0: FN, N, ORG, TITLE, TEL (tel: URIs), EMAIL, NOTE exact"
is "$(check lint "$TEST_ROOT/a.vcf" contact)" "folded 1" \
	"vCard 4.0 lines end in CRLF, are at most 75 octets, UTF-8 each, and long ones are folded"
# unfold FILE: the vCard's logical lines (folds joined)
unfold() {
	"$PY" -c 'import sys; sys.stdout.write(open(sys.argv[1], "rb").read().decode().replace("\r\n ", ""))' "$1"
}
unfold "$TEST_ROOT/a.vcf" >"$TEST_ROOT/a.unfolded"
grep -qF "NOTE:=cmd|' /C calc'!A0\nвторая строка\, \"в кавычках\"\; с точкой с запятой \\\\ и чертой" "$TEST_ROOT/a.unfolded"
ok $? "vCard escapes newlines, commas, semicolons and backslashes"
grep -q '^TITLE:Директор\\; главный' "$TEST_ROOT/a.unfolded"
ok $? "TITLE: ; escaped"
grep -q '^TEL;VALUE=uri;TYPE=voice:tel:+79160001122' "$TEST_ROOT/a.vcf"
ok $? "4.0: TEL;VALUE=uri:tel:+7..."
grep -q '^VERSION:4.0' "$TEST_ROOT/a.vcf"
ok $? "4.0: VERSION:4.0"
run export vcard --vcard3 -o "$TEST_ROOT/a3.vcf"
is "$(check vcard3 "$TEST_ROOT/a3.vcf" contact)" "4 records: $ALL4" \
	"vobject reads vCard 3.0: TEL as stored, the rest exact"
is "$(check lint "$TEST_ROOT/a3.vcf" contact)" "folded 1" "vCard 3.0 lines: CRLF, 75 octets, UTF-8"
grep -q '^TEL;TYPE=VOICE:+79160001122' "$TEST_ROOT/a3.vcf"
ok $? "3.0: TEL;TYPE=VOICE with the number in E.164, as stored"
"$CRM" export vcard company -o "$TEST_ROOT/co.vcf" 2>/dev/null
is "$(check vcard4 "$TEST_ROOT/co.vcf" company | tail -1 | cut -d' ' -f1)" "2" "export vcard company"
grep -q '^KIND:org' "$TEST_ROOT/co.vcf"
ok $? "a company is KIND:org"
run export vcard deal
is "$rc" 2 "export vcard deal is a usage error"
"$CRM" export vcard tag:vip -o "$TEST_ROOT/q.vcf" 2>/dev/null
is "$(grep -c '^BEGIN:VCARD' "$TEST_ROOT/q.vcf")" 1 "export vcard: the query selects"

# --- -o atomic, failures ------------------------------------------------------------
mkdir "$TEST_ROOT/pub"
for f in csv json xlsx vcf; do printf 'old\n' >"$TEST_ROOT/pub/t.$f"; done
chmod 640 "$TEST_ROOT/pub/t.csv"
run export csv -o "$TEST_ROOT/pub/t.csv"
is "$(stat -c %a "$TEST_ROOT/pub/t.csv")" 640 "-o over an old file keeps its mode"
like "$(head -1 "$TEST_ROOT/pub/t.csv")" "^id,name" "-o replaces the old content"
is "$(ls -A "$TEST_ROOT/pub" | tr '\n' ' ')" "t.csv t.json t.vcf t.xlsx " "no temporary file is left"
if [ "$(id -u)" -ne 0 ]; then
	mkdir "$TEST_ROOT/ro"
	printf 'old\n' >"$TEST_ROOT/ro/t.csv"
	chmod 555 "$TEST_ROOT/ro"
	run export csv -o "$TEST_ROOT/ro/t.csv"
	is "$rc" 1 "a read-only directory: exit 1"
	like "$err" "^crm: error: cannot create a file in '$TEST_ROOT/ro'" "a read-only directory: says so"
	is "$(cat "$TEST_ROOT/ro/t.csv")" "old" "a read-only directory: the old file is intact"
	chmod 755 "$TEST_ROOT/ro"
else
	# root writes in any directory: a directory in its place instead
	mkdir "$TEST_ROOT/pub/dir.csv"
	run export csv -o "$TEST_ROOT/pub/dir.csv"
	is "$rc" 1 "-o a directory: exit 1"
	like "$err" "it is a directory" "-o a directory: says so"
	rmdir "$TEST_ROOT/pub/dir.csv"
	ok 0 "# SKIP a read-only directory does not stop root"
fi
for f in csv json xlsx vcard; do
	ext=$f; [ $f = vcard ] && ext=vcf
	run export $f contact 'due<<' -o "$TEST_ROOT/pub/t.$ext"
	is "$rc" 2 "$f: a query that does not parse exits 2"
done
is "$(cat "$TEST_ROOT/pub/t.json" "$TEST_ROOT/pub/t.xlsx" "$TEST_ROOT/pub/t.vcf" | tr '\n' ' ')" \
	"old old old " "a query that does not parse leaves the old files"

# bad arguments
run export csv contakt
is "$rc" 2 "a misspelt type exits 2"
like "$err" "^crm: error: unknown type 'contakt' \(did you mean 'contact'\?\)" "a misspelt type: the nearest one"
is "$(printf '%s\n' "$err" | grep -c '^crm: error')" 1 "a misspelt type: one error line"
run export pdf
is "$rc" 2 "an unknown format exits 2"
like "$err" "unknown subcommand 'pdf' of 'crm export'" "an unknown format is named"
run export csv --nope
is "$rc" 2 "an unknown option exits 2"
run export csv --sep '|'
is "$rc" 2 "--sep '|' exits 2"
like "$err" "^crm: error: --sep must be ',', ';' or tab, not '\|'" "--sep '|': says which"
run export json --bom
is "$rc" 2 "--bom is csv's only"
run export csv "$(printf 'name:\xff\xfe')"
is "$rc" 2 "invalid UTF-8 in the query exits 2"
is "$out" "" "invalid UTF-8 in the query: nothing written"
"$CRM" export xlsx >"$TEST_ROOT/pipe.xlsx" 2>/dev/null
is "$?" 0 "export xlsx to a pipe (not a terminal) exits 0"
run help export csv
like "$out" "usage: crm export csv" "crm help export csv"

# a custom field named type, in the JSON of every type
"$CRM" set "$c4" type=vip >/dev/null
run export json -o "$TEST_ROOT/pub/t.json"
is "$rc" 1 "json of every type: a field named type is refused"
like "$err" "contact '$c4': a field is named 'type'" "it names the record"
is "$(cat "$TEST_ROOT/pub/t.json")" "old" "and leaves the old file"
"$CRM" export json contact -o "$TEST_ROOT/c.json" 2>/dev/null
is "$(check json "$TEST_ROOT/c.json" contact | tail -1 | cut -d' ' -f1)" "4" "json of one type keeps a field named type"
"$CRM" set "$c4" type= >/dev/null

# without the module
mkdir "$TEST_ROOT/nomod"
cp "$CRM" "$TEST_ROOT/nomod/crm"
cp "$(dirname "$CRM")/crm-phone.so" "$TEST_ROOT/nomod/"
"$TEST_ROOT/nomod/crm" export xlsx -o "$TEST_ROOT/pub/t.xlsx" 2>"$TEST_ROOT/nomod.err"
is "$?" 1 "without crm-xlsx.so: exit 1"
like "$(cat "$TEST_ROOT/nomod.err")" "^crm: error: cannot load the workbook writing module '$TEST_ROOT/nomod/crm-xlsx.so'" \
	"without crm-xlsx.so: names the module"
is "$(cat "$TEST_ROOT/pub/t.xlsx")" "old" "without crm-xlsx.so: the old file is intact"

# invalid UTF-8 in a record file: an error naming it, nothing written
mkdir -p contacts/zy
printf 'id: zyzyzyzyzy\nname: "bad \xff\xfe name"\n' >contacts/zy/zyzyzyzyzy.yaml
git add -A && git commit -qm "broken by hand" || exit 1
for f in csv json xlsx vcard; do
	ext=$f; [ $f = vcard ] && ext=vcf
	run export $f -o "$TEST_ROOT/pub/t.$ext"
	is "$rc" 1 "$f: invalid UTF-8 in a record file exits 1"
	like "$err" "^crm: error: cannot read 'contacts/zy/zyzyzyzyzy.yaml': line 2: invalid UTF-8" \
		"$f: the error names the file"
done
like "$err" "nothing was written" "the hint says nothing was written"
is "$(cat "$TEST_ROOT/pub/t.json" "$TEST_ROOT/pub/t.xlsx" "$TEST_ROOT/pub/t.vcf" | tr '\n' ' ')" \
	"old old old " "a broken record file: the old files are intact"
run export csv deal -o "$TEST_ROOT/deal2.csv"
is "$rc" 0 "a broken contact does not stop an export of deals"
is "$(ls -A "$TEST_ROOT/pub" | tr '\n' ' ')" "t.csv t.json t.vcf t.xlsx " "no temporary file is left"

store_clean "export"
done_testing
