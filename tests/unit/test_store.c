/*
 * test_store.c - a real store in a temporary directory: reading, finding
 * and resolving records, walking them, the writer lock, the git state
 * after commits, deletion, history, undo and discovery.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "crm.h"

#define NOW ((time_t)1772359200) /* 2026-03-01T10:00:00Z */

/* Records every test starts with. */
#define ACME1 "7k2m9xqa4d"  /* company "Acme" */
#define ACME2 "7k3n8wpb5e"  /* company "Acme" too */
#define GLOBEX "g1b2c3d4e5" /* company "Globex" */
#define IVAN "q4r5s6t7v8"   /* contact "Ivan Petrov" at ACME1 */
#define DEAL "d0e1f2g3h4"   /* deal "Big deal" */
#define TASK "t9v8w7x6y5"   /* task "Call Ivan" for IVAN */

static char dir[64];
static struct crm_store *st;

/* Runs a shell command built from fmt; returns its output (caller frees)
 * and its exit status in *status. */
static char *run(int *status, const char *fmt, ...)
{
	struct crm_buf b = {0};
	char cmd[4096], chunk[4096];
	va_list ap;
	size_t r;
	FILE *p;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	cr_assert(n > 0 && (size_t)n < sizeof(cmd));
	p = popen(cmd, "r");
	cr_assert_not_null(p, "popen %s", cmd);
	while ((r = fread(chunk, 1, sizeof(chunk), p)) > 0)
		crm_buf_add(&b, chunk, r);
	rc = pclose(p);
	*status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	crm_buf_add(&b, "", 0);
	return crm_buf_detach(&b);
}

/* Commits the records (NULL-terminated) in one commit. */
static void commit_records(const char *subject, const char *command, ...)
{
	struct crm_txn *t = crm_txn_new(st);
	struct crm_err err = {0};
	const struct crm_record *r;
	va_list ap;

	crm_txn_set_rules(t, false); /* exactly these records */
	va_start(ap, command);
	while ((r = va_arg(ap, const struct crm_record *)) != NULL)
		cr_assert_eq(crm_txn_put(t, r, &err), CRM_OK, "%s", err.msg);
	va_end(ap);
	cr_assert_eq(crm_txn_commit(t, subject, command, &err), CRM_OK,
		     "commit: %s", err.msg);
	crm_txn_free(t);
}

/* A new record with fields given as key, value pairs (NULL-terminated). */
static struct crm_record *make(enum crm_type type, const char *id,
			       const char *name, ...)
{
	struct crm_record *r = crm_record_new(type, id, name, NOW);
	const char *k, *v;
	struct crm_err err = {0};
	va_list ap;

	va_start(ap, name);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		cr_assert_eq(crm_record_set_field(r, k, '=', v,
						  crm_store_config(st), "ann",
						  NOW, &err),
			     CRM_OK, "%s=%s: %s", k, v, err.msg);
	}
	va_end(ap);
	return r;
}

/* Adds one record as its own commit. */
static void add(struct crm_record *r)
{
	char subject[128];

	snprintf(subject, sizeof(subject), "%s %s: add", crm_type_name(r->type),
		 r->id);
	commit_records(subject, "add", r, NULL);
	crm_record_free(r);
}

static void setup(void)
{
	struct crm_err err = {0};

	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(dir, sizeof(dir), "/tmp/crm-store-XXXXXX");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	cr_assert_eq(crm_store_init(dir, "ann", "Ann", "ann@example.com", NOW,
				    &err),
		     CRM_OK, "init: %s", err.msg);
	cr_assert_eq(crm_store_open(dir, &st, &err), CRM_OK, "open: %s",
		     err.msg);
	cr_assert_eq(crm_store_lock(st, 1000, &err), CRM_OK, "lock: %s",
		     err.msg);
	add(make(CRM_COMPANY, ACME1, "Acme", "owner", "ann", NULL));
	add(make(CRM_COMPANY, ACME2, "Acme", "website", "acme.example", NULL));
	add(make(CRM_COMPANY, GLOBEX, "Globex", NULL));
	add(make(CRM_CONTACT, IVAN, "Ivan Petrov", "company", ACME1, "phone",
		 "+7 495 123-45-67", NULL));
	add(make(CRM_DEAL, DEAL, "Big deal", "company", ACME1, "stage", "lead",
		 "amount", "1500", NULL));
	add(make(CRM_TASK, TASK, "Call Ivan", "for", IVAN, "due", "tomorrow",
		 NULL));
}

static void teardown(void)
{
	int status;
	char *o;

	crm_store_close(st);
	st = NULL;
	if (dir[0]) {
		o = run(&status, "rm -rf '%s'", dir);
		free(o);
	}
}

TestSuite(store, .init = setup, .fini = teardown);

/* ---- reading ---- */

Test(store, read_round_trip)
{
	struct crm_record *want = make(CRM_CONTACT, "v1w2x3y4z5", "Мария 'no'",
				       "company", GLOBEX, "tag", "vip",
				       "birthday", "1990-02-03", "linkedin",
				       "maria", NULL);
	struct crm_record *got = NULL;
	struct crm_err err = {0};
	char *a, *b;
	size_t la, lb;

	commit_records("contact v1w2: add", "add", want, NULL);
	cr_assert_eq(crm_store_read(st, CRM_CONTACT, "v1w2x3y4z5", &got, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_eq(got->type, CRM_CONTACT);
	cr_expect_str_eq(got->id, "v1w2x3y4z5");
	cr_expect_str_eq(crm_record_name(got), "Мария 'no'");
	crm_record_canonicalize(want);
	cr_expect(crm_node_equal(got->map, want->map));
	cr_assert_eq(crm_record_serialize(want, &a, &la, &err), CRM_OK);
	cr_assert_eq(crm_record_serialize(got, &b, &lb, &err), CRM_OK);
	cr_expect_str_eq(b, a);
	free(a);
	free(b);
	crm_record_free(got);
	crm_record_free(want);

	/* The amount is a number again after the round trip. */
	cr_assert_eq(crm_store_read(st, CRM_DEAL, DEAL, &got, &err), CRM_OK,
		     "%s", err.msg);
	cr_expect(crm_map_get(got->map, "amount")->typed);
	cr_expect_str_eq(crm_map_str(got->map, "stage"), "lead");
	crm_record_free(got);

	/* Absent records and wrong types. */
	got = (struct crm_record *)1;
	cr_expect_eq(crm_store_read(st, CRM_CONTACT, "zzzzzzzzzz", &got, &err),
		     CRM_ENOTFOUND);
	cr_expect_null(got);
	cr_expect_eq(crm_store_read(st, CRM_DEAL, IVAN, &got, &err),
		     CRM_ENOTFOUND);
}

Test(store, find_id)
{
	static const struct {
		const char *id;
		enum crm_type t;
	} ids[] = {
		{ACME1, CRM_COMPANY}, {ACME2, CRM_COMPANY}, {IVAN, CRM_CONTACT},
		{DEAL, CRM_DEAL},     {TASK, CRM_TASK},
	};
	struct crm_err err = {0};
	enum crm_type t;
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(*ids); i++) {
		t = CRM_NTYPES;
		cr_expect_eq(crm_store_find_id(st, ids[i].id, &t, &err), CRM_OK,
			     "%s: %s", ids[i].id, err.msg);
		cr_expect_eq(t, ids[i].t, "%s", ids[i].id);
	}
	cr_expect_eq(crm_store_find_id(st, "zzzzzzzzzz", &t, &err),
		     CRM_ENOTFOUND);
	cr_expect_eq(err.status, CRM_ENOTFOUND);
	cr_expect_eq(crm_store_find_id(st, "7k2m", &t, &err), CRM_ENOTFOUND,
		     "a prefix is not an id");
}

/* ---- resolving references ---- */

/* Expects ref (among mask) to resolve to type t and id. */
static void resolves(unsigned mask, const char *ref, enum crm_type t,
		     const char *id)
{
	struct crm_match *cands = NULL;
	size_t n = 0;
	struct crm_err err = {0};
	char got[CRM_ID_LEN + 1] = "";
	enum crm_type gt = CRM_NTYPES;

	cr_expect_eq(crm_store_resolve(st, mask, ref, &gt, got, &cands, &n, &err),
		     CRM_OK, "'%s': %s", ref, err.msg);
	cr_expect_eq(gt, t, "'%s': type %d", ref, gt);
	cr_expect_str_eq(got, id, "'%s' gave %s", ref, got);
	cr_expect_null(cands);
	cr_expect_eq(n, 0);
}

/* Expects ref to fail with status; returns the candidates. */
static struct crm_match *fails(unsigned mask, const char *ref, int status,
			       size_t *n)
{
	struct crm_match *cands = NULL;
	struct crm_err err = {0};
	char id[CRM_ID_LEN + 1];
	enum crm_type t;

	*n = 0;
	cr_expect_eq(crm_store_resolve(st, mask, ref, &t, id, &cands, n, &err),
		     status, "'%s': want status %d", ref, status);
	cr_expect_eq(err.status, status, "'%s': %s", ref, err.msg);
	cr_expect(strstr(err.msg, ref) != NULL, "'%s': message %s", ref,
		  err.msg);
	return cands;
}

Test(store, resolve_by_id_and_prefix)
{
	resolves(CRM_TYPE_ALL, ACME1, CRM_COMPANY, ACME1);
	resolves(CRM_TYPE_ALL, ACME2, CRM_COMPANY, ACME2);
	resolves(CRM_TYPE_ALL, IVAN, CRM_CONTACT, IVAN);
	resolves(CRM_TYPE_ALL, "q4", CRM_CONTACT, IVAN);
	resolves(CRM_TYPE_ALL, "d0", CRM_DEAL, DEAL);
	resolves(CRM_TYPE_ALL, "t9v8", CRM_TASK, TASK);
	resolves(CRM_TYPE_ALL, "7k2m", CRM_COMPANY, ACME1);
	resolves(CRM_TYPE_ALL, "7k3", CRM_COMPANY, ACME2);
	resolves(CRM_TYPE_ALL, "q", CRM_CONTACT, IVAN);
	/* Uppercase and Crockford look-alikes. */
	resolves(CRM_TYPE_ALL, "Q4R5", CRM_CONTACT, IVAN);
	resolves(CRM_TYPE_ALL, "7K2M9XQA4D", CRM_COMPANY, ACME1);
	resolves(CRM_TYPE_ALL, "DOE1", CRM_DEAL, DEAL);
	resolves(CRM_TYPE_ALL, "gIb2", CRM_COMPANY, GLOBEX);
}

Test(store, resolve_by_name)
{
	resolves(CRM_TYPE_ALL, "Ivan Petrov", CRM_CONTACT, IVAN);
	resolves(CRM_TYPE_ALL, "Big deal", CRM_DEAL, DEAL);
	resolves(CRM_TYPE_ALL, "Call Ivan", CRM_TASK, TASK);
	resolves(CRM_TYPE_ALL, "Globex", CRM_COMPANY, GLOBEX);
}

Test(store, resolve_not_found)
{
	size_t n;

	cr_expect_null(fails(CRM_TYPE_ALL, "nobody", CRM_ENOTFOUND, &n));
	cr_expect_eq(n, 0);
	cr_expect_null(fails(CRM_TYPE_ALL, "zzzz", CRM_ENOTFOUND, &n));
	cr_expect_null(fails(CRM_TYPE_ALL, "Petro", CRM_ENOTFOUND, &n));
	cr_expect_null(fails(CRM_TYPE_ALL, "ivan smith", CRM_ENOTFOUND, &n));
	cr_expect_null(fails(CRM_TYPE_ALL, "7k2m9xqa4dd", CRM_ENOTFOUND, &n));
	cr_expect_null(fails(CRM_TYPE_ALL, "\xff", CRM_EUSAGE, &n));
}

Test(store, resolve_empty_is_usage)
{
	struct crm_match *cands = NULL;
	struct crm_err err = {0};
	char id[CRM_ID_LEN + 1];
	enum crm_type t;
	size_t n = 0;

	cr_expect_eq(crm_store_resolve(st, CRM_TYPE_ALL, "", &t, id, &cands,
				       &n, &err), CRM_EUSAGE);
	cr_expect_null(cands);
}

Test(store, resolve_trims_white_space)
{
	struct crm_match *cands = NULL;
	struct crm_err err = {0};
	char id[CRM_ID_LEN + 1];
	enum crm_type t;
	size_t n = 0;

	/* a pasted id or name: ASCII white space at either end is dropped */
	resolves(CRM_TYPE_ALL, " " IVAN, CRM_CONTACT, IVAN);
	resolves(CRM_TYPE_ALL, IVAN "\n", CRM_CONTACT, IVAN);
	resolves(CRM_TYPE_ALL, "\t7k2m ", CRM_COMPANY, ACME1);
	resolves(CRM_TYPE_ALL, " 7K3\r\n", CRM_COMPANY, ACME2);
	resolves(CRM_TYPE_ALL, "  Ivan Petrov  ", CRM_CONTACT, IVAN);
	resolves(CRM_TYPE_ALL, "Globex\t", CRM_COMPANY, GLOBEX);
	/* the message quotes what was looked up */
	cr_expect_eq(crm_store_resolve(st, CRM_TYPE_ALL, "  nobody ", &t, id,
				       &cands, &n, &err), CRM_ENOTFOUND);
	cr_expect_str_eq(err.msg, "no record matches 'nobody'");
	/* nothing but white space is no reference */
	cr_expect_eq(crm_store_resolve(st, CRM_TYPE_ALL, " \t\n ", &t, id,
				       &cands, &n, &err), CRM_EUSAGE);
	cr_expect_str_eq(err.msg, "empty record reference");
	cr_expect_null(cands);
	/* a no-break space is not trimmed: it is part of what was typed */
	cr_expect_eq(crm_store_resolve(st, CRM_TYPE_ALL, "\xc2\xa0" IVAN, &t,
				       id, &cands, &n, &err), CRM_ENOTFOUND);
}

Test(store, resolve_folded_prefix_and_words)
{
	add(make(CRM_CONTACT, "a1a2a3a4a5", "Андрей Соколов", NULL));
	add(make(CRM_COMPANY, "b1b2b3b4b5", "Şirkət Elçin MMC", NULL));
	/* the exact name, case folded */
	resolves(CRM_TYPE_ALL, "ivan petrov", CRM_CONTACT, IVAN);
	resolves(CRM_TYPE_ALL, "АНДРЕЙ СОКОЛОВ", CRM_CONTACT, "a1a2a3a4a5");
	resolves(CRM_TYPE_ALL, "sirket elcin mmc", CRM_COMPANY, "b1b2b3b4b5");
	/* a prefix of the name */
	resolves(CRM_TYPE_ALL, "ivan p", CRM_CONTACT, IVAN);
	resolves(CRM_TYPE_ALL, "андр", CRM_CONTACT, "a1a2a3a4a5");
	resolves(CRM_TYPE_ALL, "SIRK", CRM_COMPANY, "b1b2b3b4b5");
	resolves(CRM_TYPE_ALL, "glob", CRM_COMPANY, GLOBEX);
	/* words of the name, in any order */
	resolves(CRM_TYPE_ALL, "Соколов", CRM_CONTACT, "a1a2a3a4a5");
	resolves(CRM_TYPE_ALL, "petrov", CRM_CONTACT, IVAN);
	resolves(CRM_TYPE_ALL, "petrov ivan", CRM_CONTACT, IVAN);
	resolves(CRM_TYPE_ALL, "elcin", CRM_COMPANY, "b1b2b3b4b5");
	resolves(CRM_TYPE_ALL, "MMC Şirkət", CRM_COMPANY, "b1b2b3b4b5");
	/* a word is not a part of a word */
	resolves(CRM_TYPE_ALL, "deal", CRM_DEAL, DEAL);
}

Test(store, resolve_ambiguous_at_each_level)
{
	struct crm_match *cands;
	size_t n;

	add(make(CRM_CONTACT, "a1a2a3a4a5", "Ivan Sokolov", NULL));
	add(make(CRM_CONTACT, "a1a2a3a4a6", "ACME", NULL));
	/* exact, folded: three of them, none spelt "acme" byte for byte */
	cands = fails(CRM_TYPE_ALL, "acme", CRM_EAMBIGUOUS, &n);
	cr_expect_eq(n, 3);
	crm_matches_free(cands, n);
	/* byte for byte: the contact */
	resolves(CRM_TYPE_ALL, "ACME", CRM_CONTACT, "a1a2a3a4a6");
	/* the prefix "ivan": Ivan Petrov and Ivan Sokolov */
	cands = fails(CRM_TYPE_ALL, "ivan", CRM_EAMBIGUOUS, &n);
	cr_expect_eq(n, 2);
	crm_matches_free(cands, n);
	/* the word "ivan" is not tried: the prefix level matched */
	add(make(CRM_CONTACT, "a1a2a3a4a7", "Anna Sokolova", NULL));
	add(make(CRM_CONTACT, "a1a2a3a4a8", "Boris Sokolov", NULL));
	cands = fails(CRM_TYPE_ALL, "sokolov", CRM_EAMBIGUOUS, &n);
	cr_expect_eq(n, 2, "the word, not Sokolova: %zu", n);
	crm_matches_free(cands, n);
}

static void expect_two_acmes(struct crm_match *cands, size_t n);

Test(store, resolve_prefers_a_type)
{
	struct crm_match *cands;
	size_t n;
	unsigned any = CRM_TYPE_ALL | CRM_PREFER(CRM_COMPANY);

	add(make(CRM_DEAL, "a1a2a3a4a5", "Globex", NULL));
	add(make(CRM_DEAL, "a1a2a3a4a6", "Globex renewal", NULL));
	add(make(CRM_COMPANY, "b1b2b3b4b5", "Initech", NULL));
	add(make(CRM_DEAL, "a1a2a3a4a7", "Initech supply", NULL));
	/* exact: a company and a deal named Globex */
	cands = fails(CRM_TYPE_ALL, "Globex", CRM_EAMBIGUOUS, &n);
	cr_expect_eq(n, 2);
	crm_matches_free(cands, n);
	resolves(any, "Globex", CRM_COMPANY, GLOBEX);
	/* prefix */
	resolves(any, "initech", CRM_COMPANY, "b1b2b3b4b5");
	resolves(CRM_TYPE_BIT(CRM_DEAL), "initech", CRM_DEAL, "a1a2a3a4a7");
	/* two companies named Acme: no preference picks one */
	cands = fails(any, "Acme", CRM_EAMBIGUOUS, &n);
	expect_two_acmes(cands, n);
	crm_matches_free(cands, n);
	/* an id prefix is not a name: no preference */
	add(make(CRM_COMPANY, "d0zzzzzzzz", "Zed", NULL));
	cands = fails(any, "d0", CRM_EAMBIGUOUS, &n);
	cr_expect_eq(n, 2);
	crm_matches_free(cands, n);
}

Test(store, resolve_candidates_sorted_with_short_ids)
{
	struct crm_match *cands;
	size_t n;

	add(make(CRM_DEAL, "7k2m9xzzzz", "Acme", NULL));
	cands = fails(CRM_TYPE_ALL, "Acme", CRM_EAMBIGUOUS, &n);
	cr_assert_eq(n, 3);
	cr_expect_eq(cands[0].type, CRM_COMPANY);
	cr_expect_str_eq(cands[0].id, ACME1);
	cr_expect_eq(cands[0].idlen, 7, "7k2m9xq is the shortest: %zu",
		     cands[0].idlen);
	cr_expect_str_eq(cands[1].id, ACME2);
	cr_expect_eq(cands[1].idlen, 4, "at least 4: %zu", cands[1].idlen);
	cr_expect_eq(cands[2].type, CRM_DEAL);
	cr_expect_eq(cands[2].idlen, 7);
	crm_matches_free(cands, n);
}

Test(store, resolve_caps_the_candidates)
{
	struct crm_match *cands;
	struct crm_err err = {0};
	char id[CRM_ID_LEN + 1];
	struct crm_txn *txn = crm_txn_new(st);
	struct crm_record *r;
	enum crm_type t;
	size_t n = 0;
	int i;

	for (i = 0; i < CRM_MATCH_MAX + 5; i++) {
		snprintf(id, sizeof(id), "m%09d", i);
		r = make(CRM_CONTACT, id, "Twin", NULL);
		cr_assert_eq(crm_txn_put(txn, r, &err), CRM_OK, "%s", err.msg);
		crm_record_free(r);
	}
	cr_assert_eq(crm_txn_commit(txn, "twins", "add", &err), CRM_OK, "%s",
		     err.msg);
	crm_txn_free(txn);
	cr_expect_eq(crm_store_resolve(st, CRM_TYPE_ALL, "twin", &t, id, &cands,
				       &n, &err), CRM_EAMBIGUOUS);
	cr_expect_eq(n, CRM_MATCH_MAX);
	cr_expect(strstr(err.msg, "more than 20") != NULL, "%s", err.msg);
	crm_matches_free(cands, n);
}

/* Checks that cands[0..n) are exactly the two Acme companies. */
static void expect_two_acmes(struct crm_match *cands, size_t n)
{
	bool seen1 = false, seen2 = false;
	size_t i;

	cr_assert_eq(n, 2, "%zu candidates", n);
	cr_assert_not_null(cands);
	for (i = 0; i < n; i++) {
		cr_expect_eq(cands[i].type, CRM_COMPANY);
		cr_assert_not_null(cands[i].name, "candidate %s has no name",
				   cands[i].id);
		cr_expect_str_eq(cands[i].name, "Acme");
		seen1 |= strcmp(cands[i].id, ACME1) == 0;
		seen2 |= strcmp(cands[i].id, ACME2) == 0;
	}
	cr_expect(seen1 && seen2);
}

Test(store, resolve_ambiguous)
{
	struct crm_match *cands;
	size_t n;

	cands = fails(CRM_TYPE_ALL, "Acme", CRM_EAMBIGUOUS, &n);
	expect_two_acmes(cands, n);
	crm_matches_free(cands, n);

	cands = fails(CRM_TYPE_ALL, "7", CRM_EAMBIGUOUS, &n);
	expect_two_acmes(cands, n);
	crm_matches_free(cands, n);

	cands = fails(CRM_TYPE_ALL, "7k", CRM_EAMBIGUOUS, &n);
	expect_two_acmes(cands, n);
	crm_matches_free(cands, n);

	/* Without a place for candidates, it still fails. */
	{
		struct crm_err err = {0};
		char id[CRM_ID_LEN + 1];
		enum crm_type t;

		cr_expect_eq(crm_store_resolve(st, CRM_TYPE_ALL, "Acme", &t, id,
					       NULL, NULL, &err),
			     CRM_EAMBIGUOUS);
	}
}

Test(store, resolve_ambiguous_across_types)
{
	struct crm_match *cands;
	size_t n, i;
	bool company = false, contact = false;

	/* A contact whose id shares the company's first character. */
	add(make(CRM_CONTACT, "gzzzzzzzzz", "Greta", NULL));
	cands = fails(CRM_TYPE_ALL, "g", CRM_EAMBIGUOUS, &n);
	cr_assert_eq(n, 2);
	for (i = 0; i < n; i++) {
		company |= cands[i].type == CRM_COMPANY &&
			   strcmp(cands[i].name, "Globex") == 0;
		contact |= cands[i].type == CRM_CONTACT &&
			   strcmp(cands[i].name, "Greta") == 0;
	}
	cr_expect(company && contact);
	crm_matches_free(cands, n);
	resolves(CRM_TYPE_BIT(CRM_CONTACT), "g", CRM_CONTACT, "gzzzzzzzzz");
	resolves(CRM_TYPE_BIT(CRM_COMPANY), "g", CRM_COMPANY, GLOBEX);
}

Test(store, resolve_mask)
{
	size_t n;

	cr_expect_null(fails(CRM_TYPE_BIT(CRM_CONTACT), "Acme", CRM_ENOTFOUND,
			     &n));
	cr_expect_null(fails(CRM_TYPE_BIT(CRM_CONTACT), "7k2m", CRM_ENOTFOUND,
			     &n));
	cr_expect_null(fails(CRM_TYPE_BIT(CRM_COMPANY), "Big deal",
			     CRM_ENOTFOUND, &n));
	cr_expect_null(fails(CRM_TYPE_BIT(CRM_COMPANY), "q4", CRM_ENOTFOUND,
			     &n));
	resolves(CRM_TYPE_BIT(CRM_DEAL), "Big deal", CRM_DEAL, DEAL);
	resolves(CRM_TYPE_BIT(CRM_DEAL) | CRM_TYPE_BIT(CRM_TASK), "t9",
		 CRM_TASK, TASK);
	resolves(CRM_TYPE_BIT(CRM_CONTACT) | CRM_TYPE_BIT(CRM_DEAL), "q4",
		 CRM_CONTACT, IVAN);
}

Test(store, resolve_name_that_looks_like_a_prefix)
{
	struct crm_match *cands;
	size_t n;

	/* "Dee" normalises to the prefix "dee", which no id has: the name
	 * still resolves.  An exact name comes before an id prefix (a
	 * random id spells a short name often in a big store); an id
	 * prefix that is also a name prefix or a word is ambiguous, never a
	 * guess. */
	add(make(CRM_COMPANY, "h1h2h3h4h5", "Dee", NULL));
	resolves(CRM_TYPE_ALL, "Dee", CRM_COMPANY, "h1h2h3h4h5");
	add(make(CRM_COMPANY, "j1j2j3j4j5", "q4r5", NULL));
	resolves(CRM_TYPE_ALL, "q4r5", CRM_COMPANY, "j1j2j3j4j5");
	resolves(CRM_TYPE_ALL, "q4r5s", CRM_CONTACT, IVAN);
	add(make(CRM_COMPANY, "k1k2k3k4k5", "Q4 Trading", NULL));
	cands = fails(CRM_TYPE_ALL, "q4", CRM_EAMBIGUOUS, &n);
	cr_expect_eq(n, 3, "q4r5s6t7v8, q4r5, Q4 Trading: %zu", n);
	crm_matches_free(cands, n);
	add(make(CRM_COMPANY, "k1k2k3k4k6", "Blue D0E1", NULL));
	cands = fails(CRM_TYPE_ALL, "d0e1", CRM_EAMBIGUOUS, &n);
	cr_expect_eq(n, 2, "the deal's id and the word: %zu", n);
	crm_matches_free(cands, n);
}

/* ---- walking ---- */

struct walk {
	size_t nrec, nbroken, calls;
	char ids[32][CRM_ID_LEN + 1];
	char broken_path[128];
	char broken_msg[1024];
	size_t stop_after; /* 0: never */
};

static int walk_cb(const struct crm_record *rec, const char *path,
		   const struct crm_err *ferr, void *data)
{
	struct walk *w = data;
	char want[64];

	w->calls++;
	if (rec == NULL) {
		cr_expect_not_null(ferr, "%s: neither record nor error", path);
		w->nbroken++;
		snprintf(w->broken_path, sizeof(w->broken_path), "%s", path);
		if (ferr)
			snprintf(w->broken_msg, sizeof(w->broken_msg), "%s",
				 ferr->msg);
	} else {
		cr_expect_null(ferr, "%s: record and error", path);
		cr_expect(crm_record_path(rec->type, rec->id, want,
					  sizeof(want)));
		cr_expect_str_eq(path, want);
		cr_assert_lt(w->nrec, 32);
		memcpy(w->ids[w->nrec++], rec->id, CRM_ID_LEN + 1);
	}
	return w->stop_after && w->calls >= w->stop_after ? 42 : 0;
}

/* How many times id was visited. */
static int visits(const struct walk *w, const char *id)
{
	size_t i;
	int n = 0;

	for (i = 0; i < w->nrec; i++)
		n += strcmp(w->ids[i], id) == 0;
	return n;
}

Test(store, foreach_visits_each_once_and_reports_broken)
{
	static const char broken[] = "contacts/zz/zzzzzzzzzz.yaml";
	static const char *const all[] = {ACME1, ACME2, GLOBEX, IVAN, DEAL,
					  TASK};
	struct crm_txn *t = crm_txn_new(st);
	struct crm_err err = {0};
	struct walk w = {0};
	size_t i;

	crm_txn_put_raw(t, broken, "name: [unterminated\n", 20);
	cr_assert_eq(crm_txn_commit(t, "broken file", "test", &err), CRM_OK,
		     "%s", err.msg);
	crm_txn_free(t);

	cr_assert_eq(crm_store_foreach(st, CRM_TYPE_ALL, walk_cb, &w, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_eq(w.nrec, 6);
	for (i = 0; i < sizeof(all) / sizeof(*all); i++)
		cr_expect_eq(visits(&w, all[i]), 1, "%s visited %d times",
			     all[i], visits(&w, all[i]));
	cr_expect_eq(w.nbroken, 1);
	cr_expect_str_eq(w.broken_path, broken);
	cr_expect(strstr(w.broken_msg, broken) != NULL,
		  "error does not name the file: %s", w.broken_msg);
	cr_expect(strstr(w.broken_msg, "line") != NULL, "%s", w.broken_msg);

	/* The mask restricts the walk. */
	memset(&w, 0, sizeof(w));
	cr_assert_eq(crm_store_foreach(st, CRM_TYPE_BIT(CRM_COMPANY), walk_cb,
				       &w, &err),
		     CRM_OK);
	cr_expect_eq(w.nrec, 3);
	cr_expect_eq(w.nbroken, 0);
	cr_expect_eq(visits(&w, GLOBEX), 1);

	/* A callback's non-zero return stops the walk and is returned. */
	memset(&w, 0, sizeof(w));
	w.stop_after = 2;
	cr_expect_eq(crm_store_foreach(st, CRM_TYPE_ALL, walk_cb, &w, &err), 42);
	cr_expect_eq(w.calls, 2);

	/* A broken file does not block resolving the others. */
	resolves(CRM_TYPE_ALL, "Ivan Petrov", CRM_CONTACT, IVAN);
	resolves(CRM_TYPE_ALL, "q4", CRM_CONTACT, IVAN);
}

Test(store, foreach_reports_invalid_record)
{
	/* A well-formed YAML file that fails validation (an amount that is
	 * none; an unknown owner would only be a problem, crm_record_problems). */
	static const char path[] = "deals/m1/m1m2m3m4m5.yaml";
	static const char text[] = "id: m1m2m3m4m5\nname: Odd\namount: 12abc\n";
	struct crm_txn *t = crm_txn_new(st);
	struct crm_err err = {0};
	struct walk w = {0};

	crm_txn_put_raw(t, path, text, strlen(text));
	cr_assert_eq(crm_txn_commit(t, "odd deal", "test", &err), CRM_OK);
	crm_txn_free(t);
	cr_assert_eq(crm_store_foreach(st, CRM_TYPE_BIT(CRM_DEAL), walk_cb, &w,
				       &err),
		     CRM_OK);
	cr_expect_eq(w.nrec, 1);
	cr_expect_eq(w.nbroken, 1);
	cr_expect(strstr(w.broken_msg, path) != NULL, "%s", w.broken_msg);
	cr_expect(strstr(w.broken_msg, "line 3") != NULL, "%s", w.broken_msg);
	cr_expect(strstr(w.broken_msg, "amount") != NULL, "%s", w.broken_msg);
}

/* ---- the lock ---- */

/* In a child: opens the store separately and tries to lock it within
 * timeout_ms.  Returns the status crm_store_lock gave (or 100+ on setup
 * failure); *ms gets how long it took. */
static int lock_in_child(long timeout_ms, double *ms)
{
	int fds[2], status;
	pid_t pid;
	double took = -1;

	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct crm_store *s2 = NULL;
		struct crm_err err = {0};
		struct timespec a, b;
		int rc;

		close(fds[0]);
		if (crm_store_open(dir, &s2, &err) != CRM_OK)
			_exit(100);
		clock_gettime(CLOCK_MONOTONIC, &a);
		rc = crm_store_lock(s2, timeout_ms, &err);
		clock_gettime(CLOCK_MONOTONIC, &b);
		took = (double)(b.tv_sec - a.tv_sec) * 1e3 +
		       (double)(b.tv_nsec - a.tv_nsec) / 1e6;
		if (write(fds[1], &took, sizeof(took)) != sizeof(took))
			_exit(101);
		if (rc == CRM_ELOCKED && (err.status != CRM_ELOCKED ||
					  strstr(err.msg, "locked") == NULL))
			_exit(102);
		_exit(rc);
	}
	close(fds[1]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	if (read(fds[0], &took, sizeof(took)) != sizeof(took))
		took = -1;
	close(fds[0]);
	cr_assert(WIFEXITED(status), "child died");
	*ms = took;
	return WEXITSTATUS(status);
}

Test(store, lock_excludes_other_processes)
{
	double ms;
	int rc;

	/* The fixture holds the lock. */
	rc = lock_in_child(100, &ms);
	cr_expect_eq(rc, CRM_ELOCKED, "child got %d", rc);
	cr_expect_geq(ms, 90.0, "gave up after %.1f ms", ms);
	cr_expect_lt(ms, 2000.0, "waited %.1f ms", ms);

	crm_store_unlock(st);
	rc = lock_in_child(100, &ms);
	cr_expect_eq(rc, CRM_OK, "child got %d after unlock", rc);

	/* And once the child has gone, the parent can lock again. */
	{
		struct crm_err err = {0};

		cr_expect_eq(crm_store_lock(st, 100, &err), CRM_OK, "%s",
			     err.msg);
	}
}

Test(store, lock_waits_for_release)
{
	/* A waiting writer gets the lock as soon as the holder lets go. */
	int fds[2], status;
	pid_t pid;
	char c;

	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct crm_store *s2 = NULL;
		struct crm_err err = {0};

		close(fds[1]);
		if (crm_store_open(dir, &s2, &err) != CRM_OK)
			_exit(100);
		if (read(fds[0], &c, 1) != 1) /* the parent is about to unlock */
			_exit(101);
		_exit(crm_store_lock(s2, 5000, &err));
	}
	close(fds[0]);
	c = 'x';
	cr_assert_eq(write(fds[1], &c, 1), 1);
	usleep(50 * 1000);
	crm_store_unlock(st);
	close(fds[1]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	cr_expect_eq(WEXITSTATUS(status), CRM_OK);
}

/* ---- the git state ---- */

/* Expects `git status` clean and `git fsck --strict` happy. */
static void expect_git_clean(void)
{
	int status;
	char *o;

	o = run(&status, "git -C '%s' status --porcelain 2>&1", dir);
	cr_expect_eq(status, 0, "git status failed: %s", o);
	cr_expect_str_eq(o, "", "git status not clean:\n%s", o);
	free(o);
	o = run(&status, "git -C '%s' fsck --strict 2>&1", dir);
	cr_expect_eq(status, 0, "git fsck --strict failed:\n%s", o);
	free(o);
	o = run(&status, "git -C '%s' diff --cached --stat HEAD 2>&1", dir);
	cr_expect_eq(status, 0, "%s", o);
	cr_expect_str_eq(o, "", "index differs from HEAD:\n%s", o);
	free(o);
}

Test(store, git_clean_after_commits)
{
	struct crm_record *r = NULL;
	struct crm_err err = {0};
	int status;
	char *o;

	expect_git_clean();
	/* A change, a multi-record commit, a delete. */
	cr_assert_eq(crm_store_read(st, CRM_DEAL, DEAL, &r, &err), CRM_OK);
	cr_assert_eq(crm_record_set_field(r, "stage", '=', "won",
					  crm_store_config(st), "ann", NOW,
					  &err),
		     CRM_OK, "%s", err.msg);
	{
		struct crm_record *a = make(CRM_COMPANY, "k1k2k3k4k5", "K", NULL);
		struct crm_record *b = make(CRM_CONTACT, "k9k8k7k6k5", "L", NULL);

		commit_records("two and a change", "import", r, a, b, NULL);
		crm_record_free(a);
		crm_record_free(b);
	}
	crm_record_free(r);
	expect_git_clean();

	o = run(&status, "git -C '%s' rev-list --count HEAD", dir);
	cr_expect_str_eq(o, "8\n", "commits: %s", o);
	free(o);
	o = run(&status, "git -C '%s' log -1 --format=%%an%%n%%ae%%n%%B", dir);
	cr_expect_str_eq(o, "Ann\nann@example.com\ntwo and a change\n\n"
			    "Crm-Command: import\n\n",
			 "%s", o);
	free(o);
	/* Files in the work tree are the committed bytes. */
	o = run(&status, "git -C '%s' show HEAD:deals/d0/" DEAL ".yaml | "
			 "cmp - '%s/deals/d0/" DEAL ".yaml' && echo same",
		dir, dir);
	cr_expect_str_eq(o, "same\n", "%s", o);
	free(o);
}

Test(store, delete_removes_file_and_tree_entry)
{
	struct crm_txn *t = crm_txn_new(st);
	struct crm_record *r = (struct crm_record *)1;
	struct crm_err err = {0};
	char path[PATH_MAX];
	struct stat sb;
	enum crm_type ty;
	int status;
	char *o;

	snprintf(path, sizeof(path), "%s/tasks/t9/" TASK ".yaml", dir);
	cr_assert_eq(stat(path, &sb), 0, "%s missing before delete", path);
	crm_txn_delete(t, CRM_TASK, TASK);
	cr_expect_eq(crm_txn_count(t), 1);
	cr_assert_eq(crm_txn_commit(t, "task t9v8: done", "task done", &err),
		     CRM_OK, "%s", err.msg);
	crm_txn_free(t);

	cr_expect_neq(stat(path, &sb), 0, "%s still there", path);
	snprintf(path, sizeof(path), "%s/tasks/t9", dir);
	cr_expect_neq(stat(path, &sb), 0, "empty shard %s left", path);
	cr_expect_eq(crm_store_read(st, CRM_TASK, TASK, &r, &err),
		     CRM_ENOTFOUND);
	cr_expect_null(r);
	cr_expect_eq(crm_store_find_id(st, TASK, &ty, &err), CRM_ENOTFOUND);
	o = run(&status, "git -C '%s' ls-tree -r --name-only HEAD", dir);
	cr_expect_null(strstr(o, TASK), "still in the tree:\n%s", o);
	cr_expect_not_null(strstr(o, IVAN), "%s", o);
	free(o);
	expect_git_clean();
}

/* ---- history and undo ---- */

Test(store, history_newest_first)
{
	struct crm_log_entry *e = NULL;
	struct crm_err err = {0};
	size_t n = 0, i;

	cr_assert_eq(crm_history(st, NULL, 0, &e, &n, &err), CRM_OK, "%s",
		     err.msg);
	cr_assert_eq(n, 7, "%zu entries", n);
	cr_expect_str_eq(e[0].subject, "task " TASK ": add");
	cr_expect_str_eq(e[1].subject, "deal " DEAL ": add");
	cr_expect_str_eq(e[5].subject, "company " ACME1 ": add");
	cr_expect_str_eq(e[6].subject, "init: store for ann");
	cr_expect_str_eq(e[6].command, "init");
	for (i = 0; i < 6; i++) {
		cr_assert_not_null(e[i].command, "entry %zu: no trailer", i);
		cr_expect_str_eq(e[i].command, "add");
		cr_expect_str_eq(e[i].author, "Ann");
		cr_expect_str_eq(e[i].email, "ann@example.com");
		cr_expect_geq(e[i].when, e[i + 1].when);
		cr_expect_eq(strlen(e[i].hash), 40);
		cr_expect_str_neq(e[i].hash, e[i + 1].hash);
	}
	cr_assert_eq(e[0].npaths, 1);
	cr_expect_str_eq(e[0].paths[0], "tasks/t9/" TASK ".yaml");
	crm_log_entries_free(e, n);

	/* max limits the count; a path limits it to that file's commits. */
	cr_assert_eq(crm_history(st, NULL, 2, &e, &n, &err), CRM_OK);
	cr_expect_eq(n, 2);
	cr_expect_str_eq(e[1].subject, "deal " DEAL ": add");
	crm_log_entries_free(e, n);
	cr_assert_eq(crm_history(st, "contacts/q4/" IVAN ".yaml", 0, &e, &n,
				 &err),
		     CRM_OK);
	cr_expect_eq(n, 1);
	if (n)
		cr_expect_str_eq(e[0].subject, "contact " IVAN ": add");
	crm_log_entries_free(e, n);
}

Test(store, history_trailer_among_others)
{
	struct crm_record *r = make(CRM_COMPANY, "k1k2k3k4k5", "K", NULL);
	struct crm_txn *t = crm_txn_new(st);
	struct crm_log_entry *e = NULL;
	struct crm_err err = {0};
	size_t n = 0;

	cr_assert_eq(crm_txn_put(t, r, &err), CRM_OK);
	crm_txn_add_trailer(t, "Crm-Import", "contacts.csv");
	cr_assert_eq(crm_txn_commit(t, "import: 1 record", "import contacts.csv",
				    &err),
		     CRM_OK);
	crm_txn_free(t);
	crm_record_free(r);
	cr_assert_eq(crm_history(st, NULL, 1, &e, &n, &err), CRM_OK);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(e[0].subject, "import: 1 record");
	cr_expect_str_eq(e[0].command, "import contacts.csv");
	crm_log_entries_free(e, n);
}

Test(store, undo_twice)
{
	struct crm_record *r = NULL;
	struct crm_err err = {0};
	struct crm_log_entry *e = NULL;
	struct crm_undo_opts opts = {0};
	struct crm_undo_result res;
	char *orig = NULL, *text;
	enum crm_type t;
	size_t n, len;

	/* Change the contact, then add a company. */
	cr_assert_eq(crm_store_read(st, CRM_CONTACT, IVAN, &r, &err), CRM_OK);
	cr_assert_eq(crm_record_serialize(r, &orig, &len, &err), CRM_OK);
	cr_assert_eq(crm_record_set_field(r, "role", '=', "CEO",
					  crm_store_config(st), "ann", NOW,
					  &err),
		     CRM_OK);
	commit_records("contact q4r5: role CEO", "set", r, NULL);
	crm_record_free(r);
	add(make(CRM_COMPANY, "k1k2k3k4k5", "Newco", NULL));
	resolves(CRM_TYPE_ALL, "Newco", CRM_COMPANY, "k1k2k3k4k5");

	/* The first undo removes the company. */
	cr_assert_eq(crm_undo(st, &opts, &res, &err), CRM_OK, "%s", err.msg);
	cr_expect_str_eq(res.subject, "company k1k2k3k4k5: add");
	crm_undo_result_free(&res);
	cr_expect_eq(crm_store_find_id(st, "k1k2k3k4k5", &t, &err),
		     CRM_ENOTFOUND);
	expect_git_clean();

	/* The second undoes the role change. */
	cr_assert_eq(crm_undo(st, &opts, &res, &err), CRM_OK, "%s", err.msg);
	cr_expect_str_eq(res.subject, "contact q4r5: role CEO");
	crm_undo_result_free(&res);
	cr_assert_eq(crm_store_read(st, CRM_CONTACT, IVAN, &r, &err), CRM_OK);
	cr_expect_null(crm_map_get(r->map, "role"));
	cr_assert_eq(crm_record_serialize(r, &text, &len, &err), CRM_OK);
	cr_expect_str_eq(text, orig);
	free(text);
	free(orig);
	crm_record_free(r);
	expect_git_clean();

	/* Both undos are commits of their own, with the undo trailer. */
	cr_assert_eq(crm_history(st, NULL, 2, &e, &n, &err), CRM_OK);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(e[0].subject, "undo: contact q4r5: role CEO");
	cr_expect_str_eq(e[0].command, "undo");
	cr_expect_str_eq(e[1].subject, "undo: company k1k2k3k4k5: add");
	crm_log_entries_free(e, n);

	/* The third goes on to the task's creation. */
	cr_assert_eq(crm_undo(st, &opts, &res, &err), CRM_OK, "%s", err.msg);
	cr_expect_str_eq(res.subject, "task " TASK ": add");
	crm_undo_result_free(&res);
	cr_expect_eq(crm_store_find_id(st, TASK, &t, &err), CRM_ENOTFOUND);
}

Test(store, undo_walks_back_to_init)
{
	/* Repeated undos walk back through every crm commit; the init
	 * commit is never undone. */
	struct crm_err err = {0};
	struct crm_undo_opts opts = {0};
	struct crm_undo_result res;
	int i;

	for (i = 0; i < 6; i++) {
		cr_assert_eq(crm_undo(st, &opts, &res, &err), CRM_OK,
			     "undo %d: %s", i, err.msg);
		crm_undo_result_free(&res);
	}
	res.subject = (char *)1;
	cr_expect_eq(crm_undo(st, &opts, &res, &err), CRM_ERR);
	cr_expect_null(res.subject);
	cr_expect(strstr(err.msg, "nothing to undo") != NULL, "%s", err.msg);
	expect_git_clean();
}

/* ---- discovery ---- */

Test(store, discover)
{
	char sub[PATH_MAX], other[64], *root = NULL, *want;
	struct crm_err err = {0};
	int status;
	char *o;

	want = realpath(dir, NULL);
	cr_assert_not_null(want);
	snprintf(sub, sizeof(sub), "%s/companies/7k", dir);
	snprintf(other, sizeof(other), "/tmp/crm-nostore-XXXXXX");
	cr_assert_not_null(mkdtemp(other));

	/* From a subdirectory. */
	cr_expect_eq(crm_store_discover(NULL, NULL, sub, NULL, &root, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_str_eq(root, want);
	free(root);
	/* From the root itself. */
	cr_expect_eq(crm_store_discover(NULL, NULL, dir, NULL, &root, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_str_eq(root, want);
	free(root);
	/* -C DIR, also a subdirectory of the store. */
	cr_expect_eq(crm_store_discover(sub, NULL, other, NULL, &root, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_str_eq(root, want);
	free(root);
	/* $CRM_DIR wins over the working directory. */
	cr_expect_eq(crm_store_discover(NULL, dir, other, NULL, &root, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_str_eq(root, want);
	free(root);
	/* The default store when nothing else is found. */
	cr_expect_eq(crm_store_discover(NULL, NULL, other, dir, &root, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_str_eq(root, want);
	free(root);
	/* An empty $CRM_DIR is unset. */
	cr_expect_eq(crm_store_discover(NULL, "", other, dir, &root, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_str_eq(root, want);
	free(root);

	/* Nothing: CRM_ENOSTORE, *root NULL. */
	root = (char *)1;
	cr_expect_eq(crm_store_discover(NULL, NULL, other, other, &root, &err),
		     CRM_ENOSTORE);
	cr_expect_null(root);
	cr_expect_eq(err.status, CRM_ENOSTORE);
	cr_expect_eq(crm_store_discover(NULL, NULL, other, "/nonexistent/crm",
					&root, &err),
		     CRM_ENOSTORE);
	cr_expect_null(root);
	/* A $CRM_DIR or -C that is not a store fails; no fallback. */
	cr_expect_eq(crm_store_discover(NULL, other, sub, dir, &root, &err),
		     CRM_ENOSTORE);
	cr_expect_null(root);
	cr_expect(strstr(err.msg, other) != NULL, "%s", err.msg);
	cr_expect_eq(crm_store_discover(other, NULL, sub, dir, &root, &err),
		     CRM_ENOSTORE);
	cr_expect_null(root);

	free(want);
	o = run(&status, "rm -rf '%s'", other);
	free(o);
}

Test(store, init_refuses_existing_store)
{
	struct crm_err err = {0};

	cr_expect_eq(crm_store_init(dir, "bob", "Bob", NULL, NOW, &err),
		     CRM_ERR);
	cr_expect(strstr(err.msg, dir) != NULL, "%s", err.msg);
}

/* The stage_history entries of the committed deal DEAL, and the last
 * one's stage in last (64 bytes). */
static size_t deal_history(char *last)
{
	struct crm_record *r = NULL;
	struct crm_err err = {0};
	const struct crm_node *h;
	size_t n;

	cr_assert_eq(crm_store_read(st, CRM_DEAL, DEAL, &r, &err), CRM_OK,
		     "%s", err.msg);
	h = crm_map_get(r->map, "stage_history");
	n = h ? h->len : 0;
	snprintf(last, 64, "%s", n ? crm_map_str(h->items[n - 1], "stage") : "");
	crm_record_free(r);
	return n;
}

Test(store, txn_runs_the_change_pass)
{
	struct crm_record *before = NULL, *r;
	struct crm_txn *t;
	struct crm_err err = {0};
	char last[64];

	cr_assert_eq(crm_store_read(st, CRM_DEAL, DEAL, &before, &err), CRM_OK);
	cr_expect_eq(deal_history(last), 1);
	/* a stage written without its entry gets it */
	r = crm_record_dup(before);
	crm_map_set_str(r->map, "stage", "won");
	commit_records("deal: won", "test", r, NULL);
	cr_expect_eq(deal_history(last), 2);
	cr_expect_str_eq(last, "won");
	/* the same with HEAD's version given by the caller */
	crm_record_free(before);
	crm_record_free(r);
	cr_assert_eq(crm_store_read(st, CRM_DEAL, DEAL, &before, &err), CRM_OK);
	r = crm_record_dup(before);
	crm_map_set_str(r->map, "stage", "proposal");
	t = crm_txn_new(st);
	cr_assert_eq(crm_txn_put_change(t, before, r, &err), CRM_OK);
	cr_assert_eq(crm_txn_commit(t, "deal: proposal", "test", &err), CRM_OK,
		     "%s", err.msg);
	crm_txn_free(t);
	cr_expect_eq(deal_history(last), 3);
	cr_expect_str_eq(last, "proposal");
	/* a reference to no record is refused, nothing committed */
	crm_map_set_str(r->map, "company", "zzzzzzzzzz");
	t = crm_txn_new(st);
	cr_assert_eq(crm_txn_put(t, r, &err), CRM_OK);
	cr_expect_eq(crm_txn_commit(t, "deal: bad", "test", &err), CRM_ERR);
	cr_expect(strstr(err.msg, "deals/") && strstr(err.msg, "no record "
		  "'zzzzzzzzzz'"), "%s", err.msg);
	crm_txn_free(t);
	cr_expect_eq(deal_history(last), 3);
	crm_record_free(before);
	crm_record_free(r);
}

Test(store, txn_refuses_a_crm_yaml_that_orphans)
{
	static const char conf[] =
		"version: 1\nusers:\n- login: ann\n  name: Ann\n"
		"pipelines:\n- name: sales\n  stages:\n  - qualified\n  - won\n";
	struct crm_txn *t = crm_txn_new(st);
	struct crm_err err = {0};

	crm_txn_put_raw(t, "crm.yaml", conf, strlen(conf));
	cr_expect_eq(crm_txn_commit(t, "drop lead", "test", &err), CRM_ERR);
	cr_expect(strstr(err.msg, "cannot remove stage 'lead'") &&
		  strstr(err.msg, DEAL) && strstr(err.msg, "hint: "),
		  "%s", err.msg);
	crm_txn_free(t);
}

/* ---- timeline entries in the index ---- */

/* Appends an entry of kind with id to record r. */
static void append(struct crm_record *r, const char *id, const char *kind)
{
	struct crm_entry e = {.id = id, .kind = kind, .at = "2026-03-01T10:00:00+00:00",
			      .by = "ann", .text = "x"};
	struct crm_err err = {0};
	char got[CRM_ID_LEN + 1];

	cr_assert_eq(crm_timeline_append(r, &e, got, &err), CRM_OK, "%s",
		     err.msg);
}

/* Entries are found by id and by a prefix of 4 characters or more, in
 * any case; their record and kind given; a finished task's entry found
 * once its file is gone; a prefix two entries share is ambiguous. */
Test(store, find_entry)
{
	struct crm_record *r = NULL;
	struct crm_entry_ref e;
	struct crm_err err = {0};
	struct crm_txn *t;

	cr_assert_eq(crm_store_read(st, CRM_CONTACT, IVAN, &r, &err), CRM_OK);
	append(r, "c4llaaaa01", "call");
	append(r, "c4llaaaa02", "note");
	append(r, TASK, "task");
	t = crm_txn_new(st);
	cr_assert_eq(crm_txn_put(t, r, &err), CRM_OK, "%s", err.msg);
	crm_txn_delete(t, CRM_TASK, TASK);
	cr_assert_eq(crm_txn_commit(t, "task t9v8: done", "task done", &err),
		     CRM_OK, "%s", err.msg);
	crm_txn_free(t);
	crm_record_free(r);

	cr_expect_eq(crm_store_find_entry(st, TASK, &e, &err), CRM_OK, "%s",
		     err.msg);
	cr_expect_str_eq(e.id, TASK);
	cr_expect_str_eq(e.kind, "task");
	cr_expect_eq(e.type, CRM_CONTACT);
	cr_expect_str_eq(e.record, IVAN);
	cr_expect_eq(crm_store_find_entry(st, "T9V8W", &e, &err), CRM_OK,
		     "a prefix in capitals: %s", err.msg);
	cr_expect_str_eq(e.id, TASK);
	cr_expect_eq(crm_store_find_entry(st, "c4llaaaa01", &e, &err), CRM_OK);
	cr_expect_str_eq(e.kind, "call");
	cr_expect_eq(crm_store_find_entry(st, "c4llaaaa", &e, &err),
		     CRM_EAMBIGUOUS);
	cr_expect_eq(crm_store_find_entry(st, "t9v", &e, &err), CRM_ENOTFOUND,
		     "too short a prefix");
	cr_expect_eq(crm_store_find_entry(st, "zzzzzz", &e, &err),
		     CRM_ENOTFOUND);
	cr_expect_eq(crm_store_find_entry(st, "t9v8*", &e, &err),
		     CRM_ENOTFOUND, "no pattern characters");
	cr_expect_eq(crm_store_find_entry(st, "", &e, &err), CRM_ENOTFOUND);
}
