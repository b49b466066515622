#!/bin/bash
# Every example of the README and of the man pages runs as written in
# bash, on a fresh copy of the sample store (the examples of one page run
# in order, in one store), and succeeds.  Programs the examples hand their
# output to (an editor, a pager) are stand-ins that succeed.
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN="$TEST_ROOT/bin"
mkdir -p "$BIN"
ln -s "$CRM" "$BIN/crm"
for prog in nano vi vim; do
	printf '#!/bin/sh\nexit 0\n' >"$BIN/$prog"
	chmod +x "$BIN/$prog"
done
export PATH="$BIN:$PATH" EDITOR=true VISUAL=true PAGER=cat

"$CRM" init --user ann --name "Ann Smith" --email ann@example.com --sample \
	"$TEST_ROOT/sample" >/dev/null || { echo "Bail out! no sample"; exit 1; }

# run_page PAGE: makes a fresh store for the examples of PAGE.
fresh_store() {
	rm -rf "$TEST_ROOT/work" "$TEST_ROOT/home/work" "$XDG_DATA_HOME/crm"
	cp -a "$TEST_ROOT/sample" "$TEST_ROOT/work"
	cd "$TEST_ROOT/work" || exit 1
}

page=
while IFS=$'\t' read -r -d '' file example; do
	if [ "$file" != "$page" ]; then
		page=$file
		fresh_store
	fi
	case $example in
	"crm init"*) rm -rf "$XDG_DATA_HOME/crm" "$HOME/work/crm"; cd "$TEST_ROOT" ;;
	esac
	out=$(timeout 20 bash -c "$example" 2>"$TEST_ROOT/stderr" </dev/null)
	rc=$?
	err=$(cat "$TEST_ROOT/stderr")
	ok $rc "$file: $example"
	[ $rc -eq 0 ] || printf '# exit %s: %s\n' "$rc" "$err" | head -5
	case $example in
	"crm init"*) cd "$TEST_ROOT/work" || exit 1 ;;
	esac
done < <(python3 "$TOP/tests/e2e/tools/doc-examples.py" "$TOP/README.md" \
	"$TOP"/man/*.[157])

done_testing
