/*
 * test_undo.c - undo and redo in a store two users share (undo.c), the
 * ids of a bulk change (bulk.c), and a transaction of many files, which
 * is written as one pack (commit.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <criterion/criterion.h>

#include "crm.h"

#define NOW ((time_t)1772359200) /* 2026-03-01T10:00:00Z */
#define ACME "7k2m9xqa4d"
#define GLOBEX "g1b2c3d4e5"

static char dir[64];
static struct crm_store *st;

/* Runs a shell command built from fmt; its output (caller frees). */
static char *sh(int *status, const char *fmt, ...)
{
	struct crm_buf b = {0};
	char cmd[4096], chunk[4096];
	va_list ap;
	size_t r;
	FILE *p;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	while ((r = fread(chunk, 1, sizeof(chunk), p)) > 0)
		crm_buf_add(&b, chunk, r);
	rc = pclose(p);
	*status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	crm_buf_add(&b, "", 0);
	return crm_buf_detach(&b);
}

static void expect_clean(void)
{
	int status;
	char *o = sh(&status, "git -C '%s' status --porcelain 2>&1; "
		     "git -C '%s' fsck --strict 2>&1 >/dev/null", dir, dir);

	cr_expect_eq(status, 0, "%s", o);
	cr_expect_str_eq(o, "", "not clean:\n%s", o);
	free(o);
}

/* Acts as login from now on. */
static void as(const char *login)
{
	struct crm_err err = {0};

	cr_assert_eq(crm_store_set_user(st, login, &err), CRM_OK, "%s", err.msg);
}

/* Sets key=value on record (t, id) as one commit of the current user. */
static void set(enum crm_type t, const char *id, const char *key,
		const char *value)
{
	struct crm_record *r = NULL;
	struct crm_txn *txn = crm_txn_new(st);
	struct crm_err err = {0};
	char subject[128];

	if (crm_store_read(st, t, id, &r, &err) == CRM_ENOTFOUND)
		r = crm_record_new(t, id, "Acme", NOW);
	cr_assert_not_null(r, "%s", err.msg);
	cr_assert_eq(crm_record_set_field(r, key, '=', value,
					  crm_store_config(st), "ann", NOW, &err),
		     CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_txn_put(txn, r, &err), CRM_OK, "%s", err.msg);
	snprintf(subject, sizeof(subject), "%s: set %s=%s", id, key, value);
	cr_assert_eq(crm_txn_commit(txn, subject, "set", &err), CRM_OK, "%s",
		     err.msg);
	crm_txn_free(txn);
	crm_record_free(r);
}

/* The value of key of record (t, id), or NULL; caller frees. */
static char *get(enum crm_type t, const char *id, const char *key)
{
	struct crm_record *r = NULL;
	struct crm_err err = {0};
	const char *v;
	char *out;

	if (crm_store_read(st, t, id, &r, &err) != CRM_OK)
		return NULL;
	v = crm_map_str(r->map, key);
	out = v ? crm_xstrdup(v) : NULL;
	crm_record_free(r);
	return out;
}

static void expect_value(enum crm_type t, const char *id, const char *key,
			 const char *want)
{
	char *v = get(t, id, key);

	if (want == NULL)
		cr_expect_null(v, "%s: %s is '%s'", id, key, v);
	else
		cr_expect(v && strcmp(v, want) == 0, "%s: %s is '%s', not '%s'",
			  id, key, v ? v : "(none)", want);
	free(v);
}

static void setup(void)
{
	static const char yaml[] =
		"version: 1\nusers:\n"
		"- login: ann\n  name: Ann\n  email: ann@example.com\n"
		"- login: bob\n  name: Bob\n  email: bob@example.com\n"
		"pipelines:\n- name: sales\n  stages:\n  - lead\n  - won\n"
		"defaults:\n  pipeline: sales\n  currency: RUB\n";
	struct crm_err err = {0};
	struct crm_txn *t;

	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(dir, sizeof(dir), "/tmp/crm-undo-XXXXXX");
	cr_assert_not_null(mkdtemp(dir), "%s", strerror(errno));
	cr_assert_eq(crm_store_init(dir, "ann", "Ann", "ann@example.com", NOW,
				    &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_store_open(dir, &st, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_store_lock(st, 1000, &err), CRM_OK, "%s", err.msg);
	t = crm_txn_new(st);
	crm_txn_put_raw(t, "crm.yaml", yaml, strlen(yaml));
	cr_assert_eq(crm_txn_commit(t, "add bob", "commit", &err), CRM_OK,
		     "%s", err.msg);
	crm_txn_free(t);
	crm_store_close(st);
	cr_assert_eq(crm_store_open(dir, &st, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_store_lock(st, 1000, &err), CRM_OK, "%s", err.msg);
}

static void teardown(void)
{
	int status;

	crm_store_close(st);
	free(sh(&status, "rm -rf '%s'", dir));
}

TestSuite(undo, .init = setup, .fini = teardown);

Test(undo, own_change_not_the_last)
{
	struct crm_undo_opts o = {0};
	struct crm_undo_result res;
	struct crm_err err = {0};

	as("ann");
	set(CRM_COMPANY, ACME, "industry", "retail");
	as("bob");
	set(CRM_COMPANY, GLOBEX, "industry", "food");
	as("ann");
	cr_assert_eq(crm_undo(st, &o, &res, &err), CRM_OK, "%s", err.msg);
	cr_expect_str_eq(res.subject, ACME ": set industry=retail");
	cr_expect_str_eq(res.author, "Ann");
	cr_expect(res.mine);
	cr_expect_eq(res.merged, 0);
	crm_undo_result_free(&res);
	expect_value(CRM_COMPANY, ACME, "name", NULL); /* its creation undone */
	expect_value(CRM_COMPANY, GLOBEX, "industry", "food");
	expect_clean();

	/* Bob's undo takes his own; then nothing of his is left, and the
	 * hint names the last change, ann's. */
	as("bob");
	cr_assert_eq(crm_undo(st, &o, &res, &err), CRM_OK, "%s", err.msg);
	cr_expect_str_eq(res.author, "Bob");
	crm_undo_result_free(&res);
	expect_value(CRM_COMPANY, GLOBEX, "name", NULL);
	cr_expect_eq(crm_undo(st, &o, &res, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "nothing of yours (bob)") &&
		  strstr(err.msg, "'add bob', is by Ann"), "%s", err.msg);
	/* --any would take ann's, the crm.yaml that added bob: a change may
	 * not remove the user making it, so bob is refused, ann is not. */
	o.any = true;
	cr_expect_eq(crm_undo(st, &o, &res, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "the user making the change ('bob')") != NULL,
		  "%s", err.msg);
	as("ann");
	cr_assert_eq(crm_undo(st, &o, &res, &err), CRM_OK, "%s", err.msg);
	cr_expect_str_eq(res.subject, "add bob");
	cr_expect(res.mine); /* ann's own, now */
	crm_undo_result_free(&res);
	expect_clean();
}

Test(undo, refuses_later_edit_then_merges)
{
	struct crm_undo_opts o = {0};
	struct crm_undo_result res;
	struct crm_err err = {0};

	as("ann");
	set(CRM_COMPANY, ACME, "industry", "retail");
	set(CRM_COMPANY, ACME, "website", "acme.example");
	as("bob");
	set(CRM_COMPANY, ACME, "source", "fair");
	as("ann");
	cr_expect_eq(crm_undo(st, &o, &res, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "changed since") && strstr(err.msg, "by Bob") &&
		  strstr(err.msg, ACME ": set source=fair"), "%s", err.msg);
	expect_value(CRM_COMPANY, ACME, "website", "acme.example");
	o.force = true;
	cr_assert_eq(crm_undo(st, &o, &res, &err), CRM_OK, "%s", err.msg);
	cr_expect_eq(res.merged, 1);
	crm_undo_result_free(&res);
	expect_value(CRM_COMPANY, ACME, "website", NULL);
	expect_value(CRM_COMPANY, ACME, "source", "fair");
	expect_value(CRM_COMPANY, ACME, "industry", "retail");
	expect_clean();
}

Test(undo, redo_until_a_new_change)
{
	struct crm_undo_opts o = {0};
	struct crm_undo_result res;
	struct crm_err err = {0};

	as("ann");
	set(CRM_COMPANY, ACME, "industry", "retail");
	set(CRM_COMPANY, ACME, "industry", "steel");
	cr_assert_eq(crm_undo(st, &o, &res, &err), CRM_OK, "%s", err.msg);
	crm_undo_result_free(&res);
	cr_assert_eq(crm_undo(st, &o, &res, &err), CRM_OK, "%s", err.msg);
	crm_undo_result_free(&res);
	expect_value(CRM_COMPANY, ACME, "name", NULL);
	/* The last undo first: the creation, then the steel. */
	cr_assert_eq(crm_redo(st, &o, &res, &err), CRM_OK, "%s", err.msg);
	cr_expect_str_eq(res.subject, ACME ": set industry=retail");
	crm_undo_result_free(&res);
	expect_value(CRM_COMPANY, ACME, "industry", "retail");
	cr_assert_eq(crm_redo(st, &o, &res, &err), CRM_OK, "%s", err.msg);
	cr_expect_str_eq(res.subject, ACME ": set industry=steel");
	crm_undo_result_free(&res);
	expect_value(CRM_COMPANY, ACME, "industry", "steel");
	cr_expect_eq(crm_redo(st, &o, &res, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "nothing to redo") != NULL, "%s", err.msg);
	/* An undo, then a new change: nothing to redo. */
	cr_assert_eq(crm_undo(st, &o, &res, &err), CRM_OK, "%s", err.msg);
	crm_undo_result_free(&res);
	set(CRM_COMPANY, ACME, "website", "acme.example");
	cr_expect_eq(crm_redo(st, &o, &res, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "since your change") != NULL, "%s", err.msg);
	expect_clean();
}

Test(undo, find_ids)
{
	const char *ids[] = {ACME, GLOBEX, "zzzzzzzzzz"};
	int types[3];
	struct crm_err err = {0};

	as("ann");
	set(CRM_COMPANY, ACME, "industry", "retail");
	set(CRM_CONTACT, GLOBEX, "role", "cto");
	cr_assert_eq(crm_store_find_ids(st, CRM_TYPE_ALL, ids, 3, types, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_eq(types[0], CRM_COMPANY);
	cr_expect_eq(types[1], CRM_CONTACT);
	cr_expect_eq(types[2], CRM_IDS_NONE);
	/* Only the types asked for. */
	cr_assert_eq(crm_store_find_ids(st, CRM_TYPE_BIT(CRM_COMPANY), ids, 2,
					types, &err), CRM_OK);
	cr_expect_eq(types[0], CRM_COMPANY);
	cr_expect_eq(types[1], CRM_IDS_NONE);
	ids[2] = "7k2m";
	cr_expect_eq(crm_store_find_ids(st, CRM_TYPE_ALL, ids, 3, types, &err),
		     CRM_EUSAGE);
	cr_expect(strstr(err.msg, "'7k2m'") != NULL, "%s", err.msg);
}

Test(undo, many_files_one_pack)
{
	struct crm_txn *t = crm_txn_new(st);
	struct crm_undo_opts o = {0};
	struct crm_undo_result res;
	struct crm_err err = {0};
	struct crm_record *r;
	char id[CRM_ID_LEN + 1], *out;
	int i, status;

	as("ann");
	for (i = 0; i < 300; i++) {
		snprintf(id, sizeof(id), "a%09d", i);
		r = crm_record_new(CRM_CONTACT, id, "Bulk", NOW);
		cr_assert_eq(crm_txn_put(t, r, &err), CRM_OK, "%s", err.msg);
		/* the same path twice is one change */
		cr_assert_eq(crm_txn_put(t, r, &err), CRM_OK, "%s", err.msg);
		crm_record_free(r);
	}
	cr_expect_eq(crm_txn_count(t), 300);
	cr_assert_eq(crm_txn_commit(t, "add 300 contacts", "add", &err), CRM_OK,
		     "%s", err.msg);
	crm_txn_free(t);
	expect_value(CRM_CONTACT, "a000000299", "name", "Bulk");
	out = sh(&status, "git -C '%s' count-objects | cut -d' ' -f1", dir);
	cr_expect_lt(atoi(out), 20, "%s loose objects: not one pack", out);
	free(out);
	expect_clean();
	/* One undo takes them all back, one pack too. */
	cr_assert_eq(crm_undo(st, &o, &res, &err), CRM_OK, "%s", err.msg);
	crm_undo_result_free(&res);
	expect_value(CRM_CONTACT, "a000000000", "name", NULL);
	expect_clean();
}
