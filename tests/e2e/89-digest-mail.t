#!/bin/bash
# crm digest --mail: the message read back by Python's email package
# (headers, RFC 2047 words, a Cyrillic subject and body in UTF-8), an mbox
# of one message per owner, names that would inject headers, a user with
# no address; and sent end to end, with msmtp as sendmail, to an SMTP
# server on 127.0.0.1 (tools/smtp-sink.py): what arrives is what was
# meant, an empty day sends nothing, a failing sendmail keeps the day
# unsent.
. "$(dirname "$0")/lib.sh"

TOOLS=$(cd "$(dirname "$0")/tools" && pwd)
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import aiosmtpd' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ] || ! command -v msmtp >/dev/null; then
	echo "1..0 # SKIP needs python3-aiosmtpd and msmtp"
	exit 0
fi
ru() { LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 run "$@"; }
day() { date -d "$1" +%F; }

# mailcheck FILE SCRIPT: runs SCRIPT (Python) with m, the message of FILE
# parsed by the email package, and raw, its bytes; prints what it prints.
mailcheck() {
	"$PY" - "$1" "$2" <<'PY'
import email, email.policy, sys
raw = open(sys.argv[1], "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.default)
exec(sys.argv[2])
PY
}

new_store s
python3 - <<'PY'
t = open("crm.yaml").read()
t = t.replace("  name: Ann Smith\n", "  name: Анна Смирнова\n")
open("crm.yaml", "w").write(t)
PY
git commit -qam "a Russian name"
"$CRM" user add bob --name "Bob Brown" --email bob@example.com >/dev/null
"$CRM" user add carol --name "Carol" >/dev/null
co=$("$CRM" add company "ООО «Ромашка»" --phone "+7 495 123-45-67")
t1=$("$CRM" add task "Перезвонить клиенту" --for "$co" --due "$(day '-2 days')")
bc=$("$CRM" add company "Bob Co" --owner bob --phone "+1 212 555 0100")
"$CRM" add task "Call Bob Co" --for "$bc" --owner bob --due today >/dev/null
cc=$("$CRM" add company "Carol Co" --owner carol)

# --- one message, read back -------------------------------------------------------
ru digest --owner ann --always
text=$out
ru digest --owner ann --mail --always
is "$rc" 0 "--mail exits 0"
printf '%s\n' "$out" >"$TEST_ROOT/ann.eml"
is "$(mailcheck "$TEST_ROOT/ann.eml" '
print(m["From"].addresses[0].display_name, m["From"].addresses[0].addr_spec)
print(len(m["To"].addresses), m["To"].addresses[0].display_name, m["To"].addresses[0].addr_spec)')" \
	"Анна Смирнова ann@example.com
1 Анна Смирнова ann@example.com" "From and To: the names and addresses of crm.yaml"
like "$(mailcheck "$TEST_ROOT/ann.eml" 'print(m["Subject"])')" \
	"^Сводка crm, [^ ]+ $(day today): просрочено: 1$" "the subject, in Russian, decoded"
like "$(mailcheck "$TEST_ROOT/ann.eml" 'print(m.get_content_type(), m.get_content_charset(), m["MIME-Version"])')" \
	"^text/plain utf-8 1.0$" "text/plain; charset=UTF-8, MIME 1.0"
is "$(mailcheck "$TEST_ROOT/ann.eml" '
import email.utils, time
d = email.utils.parsedate_to_datetime(m["Date"])
print(abs(d.timestamp() - time.time()) < 300, d.utcoffset().total_seconds())')" \
	"True 10800.0" "the Date: now, in the local zone (+03:00)"
like "$(mailcheck "$TEST_ROOT/ann.eml" 'print(m["Message-ID"])')" "^<[^<>@ ]+@example\.com>$" \
	"a Message-ID on the sender's domain"
is "$(mailcheck "$TEST_ROOT/ann.eml" 'print(m["Auto-Submitted"])')" "auto-generated" \
	"Auto-Submitted: auto-generated"
is "$(mailcheck "$TEST_ROOT/ann.eml" 'print(m.get_content().rstrip("\n"))')" "$text" \
	"the body is the digest's text"
is "$(mailcheck "$TEST_ROOT/ann.eml" '
head = raw.split(b"\n\n", 1)[0]
print(all(b < 128 for b in head), b"=?utf-8?" in head.lower(), b"\r" in raw)')" "True True False" \
	"headers in ASCII with RFC 2047 words; lines ended by LF for sendmail -t"

# --- names that would inject headers ----------------------------------------------
python3 - <<'PY'
t = open("crm.yaml").read()
t = t.replace("  name: Bob Brown\n", '  name: "Bob\\r\\nBcc: evil@example.com\\u2028X: y"\n')
open("crm.yaml", "w").write(t)
PY
git commit -qam "a hostile name"
run digest --owner bob --mail --always
is "$rc" 0 "a hostile name: exit 0"
printf '%s\n' "$out" >"$TEST_ROOT/bob.eml"
is "$(mailcheck "$TEST_ROOT/bob.eml" '
print(m["Bcc"], m["X"], len(m["To"].addresses), m["To"].addresses[0].addr_spec)')" \
	"None None 1 bob@example.com" "newlines in a name start no header"
like "$(mailcheck "$TEST_ROOT/bob.eml" 'print(m.get_content())')" 'Bob\\r\\nBcc: evil@example.com' \
	"the body shows the name escaped"
git revert --no-edit HEAD >/dev/null

# --- a user with no address -------------------------------------------------------
run digest --owner carol --mail
is "$rc" 2 "a user with no e-mail: an error"
like "$err" "user 'carol' has no e-mail address: the digest cannot be mailed" \
	"a user with no e-mail: the message"
is "$out" "" "a user with no e-mail: nothing written"
ok "$([ ! -e .git/crm/digest/carol ]; echo $?)" "a user with no e-mail: the day is not kept"

# --- every owner: an mbox ---------------------------------------------------------
rm -rf .git/crm/digest
run digest --all --mail
is "$rc" 2 "--all --mail with a user with no e-mail: an error"
like "$err" "carol" "--all --mail: the error names the user"
printf '%s\n' "$out" >"$TEST_ROOT/all.mbox"
is "$("$PY" -c '
import mailbox, sys, email.policy
box = mailbox.mbox(sys.argv[1], factory=lambda f:
    __import__("email").message_from_binary_file(f, policy=email.policy.default))
for m in box:
    print(m["To"], "|", m["Subject"])' "$TEST_ROOT/all.mbox" | sed 's/, [^ ]* [0-9-]*:/:/')" \
	"Анна Смирнова <ann@example.com> | crm digest: 1 overdue
Bob Brown <bob@example.com> | crm digest: 1 due today" \
	"--all --mail: an mbox of one message per owner, the others' still made"
ok "$([ -e .git/crm/digest/ann ] && [ -e .git/crm/digest/bob ] && [ ! -e .git/crm/digest/carol ]; echo $?)" \
	"--all --mail: each owner's day kept, not carol's"
# an address that is none, and a local one
setmail() {
	python3 - "$1" <<'PY'
import sys
t = open("crm.yaml").read()
t = t.replace("  name: Carol\n", "  name: Carol\n  email: %s\n" % sys.argv[1])
open("crm.yaml", "w").write(t)
PY
	git commit -qam "carol's address"
}
setmail '"carol <c@x.org>"'
run digest --owner carol --mail --always
is "$rc" 2 "an address that is none: an error"
like "$err" "To: 'carol <c@x.org>' is no e-mail address" "an address that is none: the message"
git revert --no-edit HEAD >/dev/null
setmail carol@localhost
run digest --owner carol --mail --always
is "$rc" 0 "a local address (no dot in the domain): mailed"
printf '%s\n' "$out" >"$TEST_ROOT/carol.eml"
is "$(mailcheck "$TEST_ROOT/carol.eml" 'print(m["To"].addresses[0].addr_spec)')" "carol@localhost" \
	"a local address: To"
"$CRM" rm "$cc" >/dev/null
"$CRM" user rm carol >/dev/null

# --- end to end: msmtp to an SMTP server on 127.0.0.1 ------------------------------
sink=$TEST_ROOT/sink
mkdir -p "$sink"
"$PY" "$TOOLS/smtp-sink.py" "$sink" 60 &
server=$!
trap 'kill $server 2>/dev/null; chmod -R u+w "$TEST_ROOT" 2>/dev/null; rm -rf "$TEST_ROOT"' EXIT
for _ in $(seq 100); do [ -e "$sink/port" ] && break; sleep 0.05; done
port=$(cat "$sink/port" 2>/dev/null)
like "$port" "^[0-9]+$" "the SMTP server listens"
printf 'account default\nhost 127.0.0.1\nport %s\nfrom crm@example.com\nauth off\ntls off\ntimeout 10\n' \
	"$port" >"$TEST_ROOT/msmtprc"
chmod 600 "$TEST_ROOT/msmtprc"
send="msmtp -C $TEST_ROOT/msmtprc -t"
# waitmail N: waits (at most 10 s) for the Nth message to arrive
waitmail() {
	for _ in $(seq 200); do [ -e "$sink/$1.eml" ] && return 0; sleep 0.05; done
	return 1
}

rm -rf .git/crm/digest
run digest --all --mail --sendmail "$send"
is "$rc:$err" "0:" "--all --sendmail: exit 0, nothing on standard error"
is "$out" "" "--sendmail: nothing on standard output"
waitmail 2
ok $? "two messages arrive"
is "$(cat "$sink/1.rcpt" "$sink/2.rcpt" | sort | tr '\n' ' ')" "ann@example.com bob@example.com " \
	"one to each owner, by the envelope"
got=
for n in 1 2; do
	got="$got$(mailcheck "$sink/$n.eml" 'print(m["To"].addresses[0].addr_spec, m["Subject"].split(": ")[1], m.get_content().splitlines()[0])')
"
done
is "$(printf '%s' "$got" | sort)" "ann@example.com 1 overdue crm digest for Анна Смирнова (ann), $(LC_ALL=C date +%a) $(day today)
bob@example.com 1 due today crm digest for Bob Brown (bob), $(LC_ALL=C date +%a) $(day today)" \
	"what arrives: the address, the subject, the text"
run digest --owner ann --always
is "$(mailcheck "$sink/$(grep -l ann@ "$sink"/[12].rcpt | sed 's/.*\///; s/\.rcpt//').eml" 'print(m.get_content().rstrip("\n"))')" \
	"$out" "ann's message holds her digest, byte for byte"

# an empty day sends nothing: the same day again, then a store with nothing
run digest --all --mail --sendmail "$send"
is "$rc:$out:$err" "0::" "the same day again: nothing sent, exit 0"
sleep 0.5
ok "$([ ! -e "$sink/3.eml" ]; echo $?)" "the same day again: no message arrives"
(
	new_store empty
	"$CRM" digest --mail --sendmail "$send"
) >"$TEST_ROOT/empty.out" 2>&1
is "$?:$(cat "$TEST_ROOT/empty.out")" "0:" "an empty store: nothing sent"
sleep 0.5
ok "$([ ! -e "$sink/3.eml" ]; echo $?)" "an empty store: no message arrives"

# the pipe of DESIGN.md: one message to sendmail -t
cd "$TEST_ROOT/s" || exit 1
"$CRM" digest --owner bob --mail --always | $send
ok $? "crm digest --mail | msmtp -t"
waitmail 3
ok $? "the piped message arrives"
is "$(cat "$sink/3.rcpt")" "bob@example.com" "the piped message goes to bob"

# a sendmail that fails: an error, the day not kept
rm -f .git/crm/digest/bob
run digest --owner bob --sendmail false
is "$rc" 1 "a failing sendmail: exit 1"
like "$err" "'false' failed \(exit status 1\): the digest was not sent" "a failing sendmail: the message"
ok "$([ ! -e .git/crm/digest/bob ]; echo $?)" "a failing sendmail: the day is not kept"
run digest --owner bob --sendmail "$send"
is "$rc" 0 "then a working sendmail: sent"
waitmail 4
ok $? "the day's digest arrives after all"
is "$(cat .git/crm/digest/bob)" "$(day today)" "and the day is kept"
# crm-mail.so missing: a clear error, nothing sent
mkdir -p "$TEST_ROOT/bin"
cp "$CRM" "$TEST_ROOT/bin/crm"
cp "$(dirname "$CRM")/crm-phone.so" "$TEST_ROOT/bin/" 2>/dev/null
"$TEST_ROOT/bin/crm" digest --owner bob --mail --always >"$TEST_ROOT/nomod.out" 2>"$TEST_ROOT/nomod.err"
is "$?" 1 "no crm-mail.so: exit 1"
like "$(cat "$TEST_ROOT/nomod.err")" "cannot load the mail module '.*crm-mail.so'" "no crm-mail.so: the message names it"
is "$(cat "$TEST_ROOT/nomod.out")" "" "no crm-mail.so: nothing written"

kill "$server" 2>/dev/null
wait "$server" 2>/dev/null
store_clean "after the mail"
done_testing
