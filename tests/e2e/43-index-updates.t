#!/bin/bash
# 43-index-updates.t - the index follows commits made by git itself that
# change whole directories: a type's directory removed and brought back,
# a record's file replaced by a directory and the other way round, files
# that are no records, and a pull that changes many records at once.
# After each, the index (updated from the trees' difference) must answer
# as one rebuilt from nothing.

. "$(dirname "$0")/lib.sh"

# answers: what a handful of read commands print.
answers() {
	local q
	for q in "list company" "list contact" "list deal" "list task" \
		"search Tree" "search 555" "list contact owner:ann tag:vip"; do
		# shellcheck disable=SC2086
		"$CRM" --format ids $q --limit 100000 2>&1 | LC_ALL=C sort
		echo "[$q: exit ${PIPESTATUS[0]}]"
	done
	# the index's deal rows and day totals, through the reports
	for q in funnel sources activity cycle; do
		"$CRM" --format json report $q 2>&1
		echo "[report $q: exit $?]"
	done
}

# same_as_rebuilt DESC: the incrementally updated index answers as a
# rebuilt one does.
same_as_rebuilt() {
	local now rebuilt
	now=$(answers)
	"$CRM" reindex >/dev/null 2>&1
	rebuilt=$(answers)
	is "$now" "$rebuilt" "$1: the updated index answers as a rebuilt one"
}

new_store s
for i in 1 2 3 4 5; do
	"$CRM" add company "Treetop $i" --phone "+7 495 555-00-0$i" --tag vip >/dev/null
	"$CRM" add contact "Contact Tree $i" --owner ann --tag vip >/dev/null
done
"$CRM" add task "Call Tree people" --for "Treetop 1" >/dev/null
"$CRM" add deal "Tree deal" --amount 100 >/dev/null
"$CRM" list company >/dev/null   # the index reflects HEAD
base=$(git rev-parse HEAD)

git rm -q -r tasks && git commit -q -m "no tasks"
run --format ids list task
is "$out" "" "tasks removed with their directory are gone from the index"
same_as_rebuilt "a type's directory removed"

git revert --no-edit HEAD >/dev/null
run --format ids list task
is "$(printf '%s\n' "$out" | grep -c .)" "1" "the directory brought back brings its task back"
same_as_rebuilt "a type's directory brought back"

co=$("$CRM" --format ids list company | head -1)
f=$(file_of company "$co")
git rm -q "$f" && mkdir -p "$f" && printf 'x\n' >"$f/inner.yaml" &&
	git add "$f" && git commit -q -m "a record's file becomes a directory"
run --format ids list company
is "$(printf '%s\n' "$out" | grep -c "^$co$")" "0" "a file replaced by a directory leaves the index"
same_as_rebuilt "a file replaced by a directory"

git rm -q -r "$f" && git checkout -q "$base" -- "$f" && git commit -q -m "and back"
run --format ids list company
is "$(printf '%s\n' "$out" | grep -c "^$co$")" "1" "the file back in place of the directory is found again"
same_as_rebuilt "a directory replaced by a file"

printf 'notes\n' >contacts/README && mkdir -p deals/zz/sub && printf 'y\n' >deals/zz/sub/x.yaml &&
	git add contacts/README deals/zz && git commit -q -m "files that are no records"
run list company
is "$rc" "0" "files that are no records do not disturb the index"
same_as_rebuilt "files that are no records"

# a pull from another clone changing every record at once
git clone -q "$TEST_ROOT/s" "$TEST_ROOT/other"
(
	cd "$TEST_ROOT/other" || exit 1
	for id in $("$CRM" --format ids list contact); do
		"$CRM" tag "$id" -vip +lead >/dev/null || exit 1
	done
) || ok 1 "changes in the other clone"
git pull -q --ff-only "$TEST_ROOT/other" main
run --format ids list contact owner:ann tag:vip
is "$out" "" "after the pull no contact is tagged vip"
run --format ids list contact owner:ann tag:lead
is "$(printf '%s\n' "$out" | grep -c .)" "5" "every contact is tagged lead"
same_as_rebuilt "a pull that changed every contact"

# history rewritten under the index: the old commit is gone
git reset -q --hard "$base"
git reflog expire --expire=now --all && git gc -q --prune=now
run --format ids list contact owner:ann tag:vip
is "$(printf '%s\n' "$out" | grep -c .)" "5" "after a reset and gc the index follows HEAD"
same_as_rebuilt "history rewritten and the old objects pruned"

done_testing
