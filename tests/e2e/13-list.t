#!/bin/bash
# crm list: table, json, csv, tsv, ids; sorting, --reverse, --limit;
# argument errors; a broken record file does not hide the others.
. "$(dirname "$0")/lib.sh"

new_store list
# empty store
run --format ids list company
is "$rc" 0 "list of an empty type exits 0"
is "$out" "" "list of an empty type prints no ids"
run list deal
is "$rc" 0 "table of an empty type exits 0"

c1=$("$CRM" add company "Zeta Corp" --phone "+7 495 000-00-01")
c2=$("$CRM" add company "Alpha, Beta & Co" --tag vip)
c3=$("$CRM" add company "Mid \"Quoted\" Inc")
c4=$("$CRM" add company "Ёж и Ко")
d1=$("$CRM" add deal "Big deal" --amount 1500000 --company "Zeta Corp" --stage won)
d2=$("$CRM" add deal "Small deal" --amount 900)
d3=$("$CRM" add deal "Medium deal" --amount 20000 --stage proposal)
store_clean "setup"

# --- table ---
run list company
is "$rc" 0 "list company exits 0"
is "$err" "" "list: nothing on stderr"
hdr=$(printf '%s\n' "$out" | head -1)
like "$hdr" "^ID +NAME" "table header starts with ID and NAME"
is "$(printf '%s\n' "$out" | wc -l)" 5 "table: header + 4 rows"
names=$(printf '%s\n' "$out" | tail -n +2 | awk '{print $1}')
is "$(printf '%s\n' "$out" | tail -n +2 | cut -c1-10 | tr '\n' ' ')" "$c2 $c3 $c1 $c4 " "table sorted by name"
run list companies
is "$rc" 0 "plural type accepted"
run list deal
like "$(printf '%s\n' "$out" | head -1)" "STAGE" "deal table has a STAGE column"
like "$(printf '%s\n' "$out" | grep "$d1")" "Zeta Corp" "deal table shows the company by name"

# --- json ---
run --format json list company
is "$rc" 0 "json exits 0"
printf '%s' "$out" | python3 -m json.tool >/dev/null 2>&1
ok $? "json is valid"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["format_version"], d["type"], len(d["records"]))')" \
	"1 company 4" "json has format_version 1, type and records"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print("|".join(r["name"] for r in json.load(sys.stdin)["records"]))')" \
	'Alpha, Beta & Co|Mid "Quoted" Inc|Zeta Corp|Ёж и Ко' "json records sorted by name, names exact"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print([r for r in json.load(sys.stdin)["records"] if r["name"]=="Zeta Corp"][0]["phones"][0])')" \
	"+74950000001" "json records carry their fields (phones in E.164)"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print([r for r in json.load(sys.stdin)["records"] if r["name"]=="Zeta Corp"][0]["phones_typed"]["+74950000001"])')" \
	"+7 495 000-00-01" "json records carry the phones as typed"
run --format json list contacts
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["type"], len(d["records"]))')" "contact 0" "json of an empty type: type singular, no records"

# --- csv ---
run --format csv list company
is "$rc" 0 "csv exits 0"
is "$(printf '%s\n' "$out" | wc -l)" 5 "csv: header + 4 rows"
printf '%s\n' "$out" >"$TEST_ROOT/c.csv"
chk=$(python3 - "$TEST_ROOT/c.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
h = rows[0]
assert h[0] == "id" and h[1] == "name", h
assert all(len(r) == len(h) for r in rows), rows
print("|".join(r[1] for r in rows[1:]))
PY
)
is "$chk" 'Alpha, Beta & Co|Mid "Quoted" Inc|Zeta Corp|Ёж и Ко' "csv parses with python csv; comma and quote names exact"
is "$(printf '%s
' "$out" | head -1)" "id,name,status,relation,owner,phones,phones_typed,emails,tax_id,website,address,source,notes,tags,created,updated,merged_from" \
	"csv header: every field of the type, by its key"

# --- tsv ---
run --format tsv list company
is "$rc" 0 "tsv exits 0"
is "$(printf '%s\n' "$out" | head -1 | cut -f1,2)" "$(printf 'id\tname')" "tsv header"
is "$(printf '%s\n' "$out" | tail -n +2 | cut -f2 | tr '\n' '|')" 'Alpha, Beta & Co|Mid "Quoted" Inc|Zeta Corp|Ёж и Ко|' "tsv names in fields"
nf=$(printf '%s\n' "$out" | awk -F'\t' '{print NF}' | sort -u | wc -l)
is "$nf" 1 "tsv: every row has the same number of fields"

# --- ids ---
run --format ids list company
is "$rc" 0 "ids exits 0"
is "$(printf '%s\n' "$out" | wc -l)" 4 "ids: one line per record"
is "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" "$(printf '%s\n' "$c1" "$c2" "$c3" "$c4" | sort | tr '\n' ' ')" "ids are the records' ids"
is "$(printf '%s\n' "$out" | grep -cvE '^[0-9a-z]{10}$')" 0 "ids: nothing but ids"

# --- sort, reverse, limit ---
run --format ids list deal --sort amount
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$d2 $d3 $d1 " "--sort amount is numeric"
run --format ids list deal --sort amount --reverse
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$d1 $d3 $d2 " "--sort amount --reverse"
run --format ids list deal --reverse
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$d2 $d3 $d1 " "--reverse of name order"
run --format ids list deal --sort amount --reverse --limit 2
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$d1 $d3 " "--limit 2 after sort and reverse"
run list deal --limit 1
is "$(printf '%s\n' "$out" | wc -l)" 2 "table --limit 1: header + 1 row"
run --format ids list deal --limit 10
is "$(printf '%s\n' "$out" | wc -l)" 3 "--limit larger than the count"
run --format ids list deal --sort name
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "$d1 $d3 $d2 " "--sort name"
run --format ids list deal --sort stage
is "$rc" 0 "--sort stage exits 0"

# --- argument errors ---
run list nosuch
is "$rc" 2 "unknown type exits 2"
like "$err" "'nosuch'" "unknown type quoted"
run list
is "$rc" 2 "list without a type exits 2"
run list deal --limit x
is "$rc" 2 "--limit x exits 2"
like "$err" "'x'" "bad limit quoted"
run list deal --limit -1
is "$rc" 2 "--limit -1 exits 2"
run list deal --limit
is "$rc" 2 "--limit without a value exits 2"
run list deal --sort nosuchfield
is "$rc" 2 "unknown --sort field exits 2 (crm-list(1))"
run list deal --bogus
is "$rc" 2 "unknown option exits 2"
run --format yaml list deal
is "$rc" 2 "--format yaml is not a list format (exit 2)"

# --- broken files committed with plain git ---
mkdir -p companies/zz
printf 'id: zzzzzzzzzz\nname: [broken\n' >companies/zz/zzzzzzzzzz.yaml
sed -i 's/^stage: won$/stage: wonn/' "deals/${d1:0:2}/$d1.yaml"
git add -A && git commit -qm "broken by hand" || exit 1
run --format ids list company
like "$err" "companies/zz/zzzzzzzzzz.yaml" "invalid YAML: warning names the file"
like "$err" "^crm: (warning|error): " "invalid YAML: message prefixed crm:"
is "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" "$(printf '%s\n' "$c1" "$c2" "$c3" "$c4" | sort | tr '\n' ' ')" "the other companies are still listed"
run list company
is "$(printf '%s\n' "$out" | tail -n +2 | wc -l)" 4 "table still lists the valid companies"
run --format ids list deal
like "$err" "deals/${d1:0:2}/$d1.yaml" "unknown stage: message names the file"
like "$err" "line [0-9]+" "unknown stage: message has the line"
like "$err" "unknown stage 'wonn'" "unknown stage named"
like "$err" "did you mean 'won'" "unknown stage: did you mean"
like "$out" "$d2" "other deals still listed"
like "$out" "$d3" "other deals still listed (2)"
store_clean "broken files are not rewritten"
is "$(sed -n 2p companies/zz/zzzzzzzzzz.yaml)" "name: [broken" "broken file left as it was"

done_testing
