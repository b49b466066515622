# crm - command-line CRM over git.  See README.md.

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
LIBDIR    ?= $(PREFIX)/lib
# crm's modules: crm-phone.so, which wraps libphonenumber (src/lib/phone.cc),
# and the others (src/lib/module.h)
MODULEDIR ?= $(LIBDIR)/crm
LOCALEDIR ?= $(PREFIX)/share/locale
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DESTDIR   ?=

VERSION   := 0.1.0
BUILD     ?= build
CC        ?= cc
CXX       ?= c++
PKGS      := yaml-0.1 libgit2 libpcre2-8 sqlite3 libcrypto zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
# libgit2, libcrypto and zlib are loaded when first needed
# (src/lib/libgit2.c, libcrypto.c, libz.c), by their sonames.
LAZY_PKGS  := libgit2 libcrypto zlib
PKG_LIBS   := $(shell pkg-config --libs $(filter-out $(LAZY_PKGS),$(PKGS))) -ldl
soname = $(shell objdump -p $$(pkg-config --variable=libdir $(1))/$(1).so \
	 2>/dev/null | awk '/SONAME/ {print $$2}')
LIBGIT2_SONAME := $(call soname,libgit2)
LIBCRYPTO_SONAME := $(call soname,libcrypto)
LIBZ_SONAME := $(shell objdump -p $$(pkg-config --variable=libdir zlib)/libz.so \
	 2>/dev/null | awk '/SONAME/ {print $$2}')
OPT       ?= -O2 -g
WARN      := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter -Wno-missing-field-initializers
CFLAGS    ?= $(OPT)
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SAN_FLAGS) $(PKG_CFLAGS) \
	     -Isrc -Isrc/lib -DCRM_VERSION='"$(VERSION)"' \
	     -DCRM_LOCALEDIR='"$(LOCALEDIR)"' -MMD -MP \
	     -DCRM_MODULE_DIR='"$(MODULEDIR)"' \
	     $(if $(LIBGIT2_SONAME),-DCRM_LIBGIT2='"$(LIBGIT2_SONAME)"') \
	     $(if $(LIBCRYPTO_SONAME),-DCRM_LIBCRYPTO='"$(LIBCRYPTO_SONAME)"') \
	     $(if $(LIBZ_SONAME),-DCRM_LIBZ='"$(LIBZ_SONAME)"')
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS) -pthread
# The phone module is C++ and the only part linked with libphonenumber
# (which has no pkg-config file): crm loads it when it first parses a
# phone number (src/lib/phone.c), so other commands never load it, ICU
# and protobuf.
# (-Wshadow is C's: in C++ crm.h's functions named as their structs,
# crm_next_task, would "hide" them.)
ALL_CXXFLAGS = -std=c++17 -fPIC $(filter-out -Wstrict-prototypes -Wshadow,$(WARN)) \
	       $(CFLAGS) $(SAN_FLAGS) -Isrc/lib -MMD -MP
PHONE_LIBS := -lphonenumber
PHONE_MOD := $(BUILD)/crm-phone.so
# The C modules: src/mod/NAME.c is crm-NAME.so, linked with the
# pkg-config packages MOD_PKGS_NAME (src/lib/module.h).
# MOD_LIBS_NAME: the libraries it links that have no pkg-config file.
# A module of several files has its others as objects, MOD_PARTS_NAME.
MOD_SRC   = $(filter-out $(MOD_PARTS),$(wildcard src/mod/*.c))
# crm-ical.so: crm export ics (src/lib/ics.c)
MOD_PKGS_ical := libical
MODS      = $(MOD_SRC:src/mod/%.c=$(BUILD)/crm-%.so)
# crm-mail.so: GMime writes the e-mail of crm digest --mail
MOD_PKGS_mail := gmime-3.0
# crm-sheet.so: crm import reads CSV (libcsv; uchardet and iconv for its
# encoding) and xlsx workbooks (libzip, expat) with it (src/lib/sheet.c)
MOD_PKGS_sheet := uchardet libzip expat
MOD_LIBS_sheet := -lcsv
MOD_PARTS_sheet := src/mod/sheet-csv.c src/mod/sheet-xlsx.c
MOD_PARTS := $(MOD_PARTS_sheet)
MOD_PART_OBJ := $(MOD_PARTS:%.c=$(BUILD)/%.o)
# crm-xlsx.so: libxlsxwriter writes the workbook of crm export xlsx
MOD_PKGS_xlsx := xlsxwriter
# crm-icu.so: ICU transliterates names for crm dupes (src/lib/namekey.c)
MOD_PKGS_icu := icu-uc icu-i18n

ifeq ($(SANITIZE),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=undefined
endif

LIB_SRC   := $(wildcard src/lib/*.c)
CLI_SRC   := $(wildcard src/*.c)
UNIT_SRC  := $(wildcard tests/unit/*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ  := $(UNIT_SRC:%.c=$(BUILD)/%.o)
# The CLI's HTML writer, tested alone (test_html.c), with the printing
# helpers it uses.
UNIT_CLI_OBJ := $(addprefix $(BUILD)/src/,html.o print.o safe.o pager.o)
PO        := $(wildcard po/*.po)
MO        := $(PO:po/%.po=$(BUILD)/locale/%/LC_MESSAGES/crm.mo)
MAN       := $(wildcard man/*.[157])

all: $(BUILD)/crm $(PHONE_MOD) $(MODS) $(MO)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/src/lib/phone-cc.o: src/lib/phone.cc
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

$(PHONE_MOD): $(BUILD)/src/lib/phone-cc.o
	$(CXX) -shared $(ALL_LDFLAGS) -o $@ $< $(PHONE_LIBS)

$(BUILD)/crm-%.so: src/mod/%.c
	@mkdir -p $(dir $@)
	$(CC) -fPIC -shared $(ALL_CFLAGS) \
		$(shell pkg-config --cflags $(MOD_PKGS_$*)) -o $@ $< \
		$(filter %.o,$^) \
		$(ALL_LDFLAGS) $(shell pkg-config --libs $(MOD_PKGS_$*)) \
		$(MOD_LIBS_$*)

$(BUILD)/crm-sheet.so: $(MOD_PARTS_sheet:%.c=$(BUILD)/%.o)
$(MOD_PART_OBJ): ALL_CFLAGS += -fPIC \
	$(shell pkg-config --cflags $(MOD_PKGS_sheet))

$(BUILD)/libcrm.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/crm: $(CLI_OBJ) $(BUILD)/libcrm.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libcrm.a $(PKG_LIBS)

$(BUILD)/unit-tests: $(UNIT_OBJ) $(UNIT_CLI_OBJ) $(BUILD)/libcrm.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(UNIT_OBJ) $(UNIT_CLI_OBJ) $(BUILD)/libcrm.a \
		$(PKG_LIBS) \
		$(shell pkg-config --libs criterion)

$(BUILD)/locale/%/LC_MESSAGES/crm.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# Runs the unit tests, then the end-to-end tests against the built binary.
# Criterion reports a sanitizer's findings in a test without failing it,
# so its output is searched for them too.
test: $(BUILD)/crm $(PHONE_MOD) $(MODS) $(BUILD)/unit-tests $(MO)
	$(BUILD)/unit-tests --jobs 2 >$(BUILD)/unit-tests.log 2>&1; \
		rc=$$?; cat $(BUILD)/unit-tests.log; test $$rc = 0 && \
		! grep -E 'Sanitizer|runtime error' $(BUILD)/unit-tests.log
	CRM=$(CURDIR)/$(BUILD)/crm prove -j2 tests/e2e/

# Everything under AddressSanitizer and UndefinedBehaviorSanitizer.
# GCC 12's LeakSanitizer misreads the dynamic TLS of libraries loaded
# with dlopen() on glibc 2.36 (the phone module's libstdc++ and ICU) and
# crashes at exit ("Tracer caught signal 11"); without the interception
# of __tls_get_addr it does not track those blocks, and still scans the
# rest.
check:
	ASAN_OPTIONS=$${ASAN_OPTIONS:+$$ASAN_OPTIONS:}intercept_tls_get_addr=0 \
		$(MAKE) BUILD=build-san SANITIZE=1 OPT='-O1 -g' test

po/crm.pot: $(LIB_SRC) $(CLI_SRC) $(MOD_SRC) $(MOD_PARTS)
	xgettext --from-code=UTF-8 -k_ -kN_ -kNC_:1c,2 -kngettext:1,2 -c/ --package-name=crm \
		--package-version=$(VERSION) -o $@ $^

update-po: po/crm.pot
	for p in $(PO); do msgmerge -q -U --backup=none $$p po/crm.pot; done

fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT='-O1 -g' \
		SAN_FLAGS='-fsanitize=fuzzer-no-link,address,undefined' \
		build-fuzz/libcrm.a
	for t in record input; do \
		clang -O1 -g -fsanitize=fuzzer,address,undefined -Isrc/lib \
			$(PKG_CFLAGS) -o build-fuzz/fuzz-$$t \
			tests/fuzz/fuzz_$$t.c build-fuzz/libcrm.a $(PKG_LIBS) \
			|| exit 1; \
	done
	mkdir -p build-fuzz/corpus build-fuzz/corpus-input
	build-fuzz/fuzz-record -max_total_time=$${FUZZ_SECONDS:-60} \
		-max_len=4096 build-fuzz/corpus tests/fuzz/corpus
	build-fuzz/fuzz-input -max_total_time=$${FUZZ_SECONDS:-60} \
		-max_len=4096 build-fuzz/corpus-input tests/fuzz/corpus-input

# The crash-safety soak, at a size CI runs in well under three minutes.
SOAK_KILLS ?= 60
soak: $(BUILD)/crm $(PHONE_MOD) $(MODS)
	CRM=$(CURDIR)/$(BUILD)/crm tests/soak/run $(SOAK_KILLS)

bench: $(BUILD)/crm $(PHONE_MOD) $(MODS)
	CRM=$(CURDIR)/$(BUILD)/crm tests/bench/run $(BENCH_ARGS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BUILD)/crm $(DESTDIR)$(BINDIR)/crm
	install -d $(DESTDIR)$(MODULEDIR)
	install -m 644 $(PHONE_MOD) $(DESTDIR)$(MODULEDIR)/crm-phone.so
	for m in $(MODS); do \
		install -m 644 $$m $(DESTDIR)$(MODULEDIR)/ || exit 1; done
	for m in $(MAN); do \
		s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; \
	done
	install -m 644 completions/crm.bash $(DESTDIR)$(BASHCOMPDIR)/crm
	install -m 644 completions/_crm $(DESTDIR)$(ZSHCOMPDIR)/_crm
	install -m 644 completions/crm.fish $(DESTDIR)$(FISHCOMPDIR)/crm.fish
	for mo in $(MO); do \
		l=$${mo#$(BUILD)/locale/}; l=$${l%%/*}; \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
		install -m 644 $$mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/crm.mo; \
	done

clean:
	rm -rf build build-san build-fuzz

.PHONY: all test check soak fuzz bench install clean update-po

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) \
	$(BUILD)/src/lib/phone-cc.d $(MODS:.so=.d) $(MOD_PART_OBJ:.o=.d)
