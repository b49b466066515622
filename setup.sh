#!/bin/sh
# setup.sh - install what crm needs on Debian, build it, then run it or
# its tests.
#
#   ./setup.sh run    build, create the default store with a sample if it
#                     does not exist yet, and show today's work from it
#   ./setup.sh test   build and run every test under the sanitizers
#   ./setup.sh deps   only install the packages
#   ./setup.sh bench  also install the benchmark's peers (taskwarrior,
#                     ripgrep), build, and run the benchmark
#
# Packages are installed with apt-get when running as root (or with sudo
# when it is available); otherwise the script says what to run.
set -eu

cd "$(dirname "$0")"

# Build and run time dependencies (libical: crm export ics writes
# iCalendar through it, in the module crm-ical.so; libgmime-3.0-dev: the
# e-mail of crm digest --mail, in crm-mail.so; libcsv-dev, libuchardet-dev,
# libzip-dev and libexpat1-dev: crm import reads CSV files, their encoding,
# and xlsx workbooks with them, in crm-sheet.so; libxlsxwriter-dev: the
# workbook of crm export xlsx, in crm-xlsx.so; libicu-dev: crm dupes
# transliterates names through ICU, in crm-icu.so).
PKGS="build-essential pkg-config git libyaml-dev libgit2-dev libpcre2-dev
libsqlite3-dev libssl-dev zlib1g-dev libphonenumber-dev gettext locales
libical-dev libgmime-3.0-dev libcsv-dev libuchardet-dev libzip-dev
libexpat1-dev libxlsxwriter-dev libicu-dev"
# Tests: Criterion, TAP runner (perl's prove), PyYAML as a second YAML
# reader, man and groff to check the man pages, bash, zsh and fish to run
# the completion scripts, strace to kill writes at each system call and
# e2fsprogs to make a small file system to fill, python3-icalendar as an
# iCalendar reader independent of libical for crm export ics; msmtp and
# python3-aiosmtpd to send crm digest's mail to a local SMTP server;
# sqlite3 to compare the report tables of an updated index with a rebuilt
# one; chromium to open the pages of --format html in a real browser
# (tests/e2e/87-html.t); python3-openpyxl and python3-vobject as a
# workbook and a vCard reader independent of crm's writers
# (tests/e2e/57-export.t); python3-phonenumbers, the Python port of
# libphonenumber with its metadata, as an oracle for the table of phone
# numbers (tests/e2e/55-phones-e164.t).
TEST_PKGS="libcriterion-dev perl python3 python3-yaml man-db groff-base
bash-completion zsh fish strace e2fsprogs python3-icalendar msmtp
python3-aiosmtpd sqlite3 chromium python3-openpyxl python3-vobject
python3-phonenumbers"

# The benchmark's peers, measured in the same run as crm; hyperfine for
# the medians of tests/bench/report.sh.
BENCH_PKGS="taskwarrior ripgrep time hyperfine"

missing_packages() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q 'install ok installed' || echo "$p"
	done
}

# Runs a command as root: directly, with sudo, or not at all.
as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		return 1
	fi
}

install_packages() {
	# shellcheck disable=SC2086
	need=$(missing_packages $PKGS $TEST_PKGS ${EXTRA_PKGS:-})
	if [ -n "$need" ]; then
		echo "setup: installing:" $need
		if ! { as_root apt-get update -qq &&
		       as_root env DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -qq $need >/dev/null; }; then
			echo "setup: cannot install packages; run as root:" >&2
			echo "  apt-get install -y" $need >&2
			exit 1
		fi
	fi
	ensure_locale
}

# Generates the locales the tests run under: Russian for the translation,
# Russian and US English for the grouping of amounts.
ensure_locale() {
	locale -a 2>/dev/null | grep -qix 'ru_RU.utf8' &&
		locale -a 2>/dev/null | grep -qix 'en_US.utf8' && return 0
	as_root sh -c "grep -q '^ru_RU.UTF-8 UTF-8' /etc/locale.gen ||
		echo 'ru_RU.UTF-8 UTF-8' >> /etc/locale.gen;
		grep -q '^en_US.UTF-8 UTF-8' /etc/locale.gen ||
		echo 'en_US.UTF-8 UTF-8' >> /etc/locale.gen; locale-gen" \
		>/dev/null 2>&1 || echo "setup: cannot generate the locales" >&2
}

build() {
	make -j"$(nproc)" >/dev/null
}

case "${1:-}" in
deps)
	install_packages
	;;
run)
	install_packages
	build
	CRM=./build/crm
	if ! $CRM list company >/dev/null 2>&1; then
		$CRM init --sample
	fi
	echo
	echo "== Deals =="
	$CRM list deal
	echo
	echo "== Tasks =="
	$CRM list task --sort due
	echo
	echo "== The funnel =="
	$CRM report funnel
	echo
	echo "Try: $CRM show <id or name>, $CRM board, $CRM digest --always, $CRM help"
	;;
test)
	install_packages
	make check
	make soak    # 60 writes killed at random moments, the store checked after each
	;;
bench)
	EXTRA_PKGS=$BENCH_PKGS install_packages
	build
	make bench
	;;
*)
	echo "usage: ./setup.sh run|test|deps|bench" >&2
	exit 2
	;;
esac
