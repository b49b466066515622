/*
 * test_history.c - crm_log on a real store: field changes as data, added
 * and removed records, a commit of several records, the author, since
 * and until filters; a record read with no error context; the records
 * that hang on one through another (crm_find.indirect).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "crm.h"

#define NOW ((time_t)1772359200) /* 2026-03-01T10:00:00Z */

#define CO "c1c2c3c4c5"  /* company "Acme" */
#define CT "k1k2k3k4k5"  /* contact "Ivan" at CO */
#define DE "d1d2d3d4d5"  /* deal "Supply" of CO */
#define TC "t1t2t3t4t5"  /* task for CO, due 2026-03-05 */
#define TK "t6t7t8t9ta"  /* task for CT, due 2026-03-03 */
#define TD "tbtctdtetf"  /* task for DE, due 2026-03-04 */

static char hdir[64];
static struct crm_store *hs;

/* A new record with fields given as key, value pairs (NULL-terminated). */
static struct crm_record *rec(enum crm_type type, const char *id,
			      const char *name, ...)
{
	struct crm_record *r = crm_record_new(type, id, name, NOW);
	struct crm_err err = {0};
	const char *k, *v;
	va_list ap;

	va_start(ap, name);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		cr_assert_eq(crm_record_set_field(r, k, '=', v,
						  crm_store_config(hs), "ann",
						  NOW, &err),
			     CRM_OK, "%s=%s: %s", k, v, err.msg);
	}
	va_end(ap);
	return r;
}

/* Commits r (taken) as one commit, or removes type/id when r is NULL. */
static void put(const char *subject, struct crm_record *r, enum crm_type type,
		const char *id)
{
	struct crm_txn *t = crm_txn_new(hs);
	struct crm_err err = {0};

	if (r)
		cr_assert_eq(crm_txn_put(t, r, &err), CRM_OK, "%s", err.msg);
	else
		crm_txn_delete(t, type, id);
	cr_assert_eq(crm_txn_commit(t, subject, "test", &err), CRM_OK, "%s",
		     err.msg);
	crm_txn_free(t);
	crm_record_free(r);
}

static void hsetup(void)
{
	struct crm_err err = {0};

	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(hdir, sizeof(hdir), "/tmp/crm-history-XXXXXX");
	cr_assert_not_null(mkdtemp(hdir), "mkdtemp: %s", strerror(errno));
	cr_assert_eq(crm_store_init(hdir, "ann", "Ann", "ann@example.com", NOW,
				    &err),
		     CRM_OK, "init: %s", err.msg);
	cr_assert_eq(crm_store_open(hdir, &hs, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_store_lock(hs, 1000, &err), CRM_OK, "%s", err.msg);
	put("add co", rec(CRM_COMPANY, CO, "Acme", NULL), 0, NULL);
	put("add ct", rec(CRM_CONTACT, CT, "Ivan", "company", CO, NULL), 0, NULL);
	put("add de", rec(CRM_DEAL, DE, "Supply", "company", CO, "amount",
			  "1000", NULL), 0, NULL);
}

static void hteardown(void)
{
	char cmd[128];

	crm_store_close(hs);
	hs = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", hdir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(history, .init = hsetup, .fini = hteardown);

/* The change of field in e, or NULL. */
static const struct crm_change *change_of(const struct crm_log_entry *e,
					  const char *id, const char *field)
{
	size_t i;

	for (i = 0; i < e->nchanges; i++)
		if (strcmp(e->changes[i].id, id) == 0 && e->changes[i].field &&
		    strcmp(e->changes[i].field, field) == 0)
			return &e->changes[i];
	return NULL;
}

Test(history, field_changes_as_values)
{
	struct crm_log_query q = {.max = 3, .changes = true};
	struct crm_log_entry *e = NULL;
	struct crm_err err = {0};
	struct crm_record *r = NULL;
	const struct crm_change *c;
	size_t n = 0;

	cr_assert_eq(crm_store_read(hs, CRM_DEAL, DE, &r, &err), CRM_OK);
	cr_assert_eq(crm_record_set_field(r, "amount", '=', "2000",
					  crm_store_config(hs), "ann", NOW,
					  &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_record_set_field(r, "tag", '+', "hot",
					  crm_store_config(hs), "ann", NOW,
					  &err), CRM_OK, "%s", err.msg);
	put("set de", r, 0, NULL);
	put("rm ct", NULL, CRM_CONTACT, CT);
	cr_assert_eq(crm_log(hs, &q, &e, &n, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(n, 3);

	/* the removal: one change with the record's last version */
	cr_expect_str_eq(e[0].subject, "rm ct");
	cr_assert_eq(e[0].nchanges, 1);
	cr_expect_eq(e[0].changes[0].action, 'D');
	cr_expect_eq(e[0].changes[0].type, CRM_CONTACT);
	cr_expect_str_eq(e[0].changes[0].id, CT);
	cr_expect_str_eq(e[0].changes[0].name, "Ivan");
	cr_assert_not_null(e[0].changes[0].before);
	cr_expect_str_eq(crm_map_str(e[0].changes[0].before, "company"), CO);
	cr_expect_null(e[0].changes[0].after);

	/* the set: amount's old and new value, the tag list, no "updated" */
	cr_expect_eq(e[1].nrecords, 1);
	c = change_of(&e[1], DE, "amount");
	cr_assert_not_null(c);
	cr_expect_eq(c->action, 'M');
	cr_expect_str_eq(c->before->str, "1000");
	cr_expect_str_eq(c->after->str, "2000");
	cr_expect_str_eq(c->name, "Supply");
	c = change_of(&e[1], DE, "tags");
	cr_assert_not_null(c);
	cr_expect_null(c->before);
	cr_assert_eq(c->after->kind, CRM_NODE_SEQ);
	cr_expect_str_eq(c->after->items[0]->str, "hot");
	cr_expect_null(change_of(&e[1], DE, "updated"));

	/* the addition: the whole record */
	cr_expect_eq(e[2].changes[0].action, 'A');
	cr_expect_str_eq(crm_map_str(e[2].changes[0].after, "name"), "Supply");
	cr_expect_eq(e[2].npaths, 1);
	cr_expect_str_eq(e[2].paths[0], "deals/d1/" DE ".yaml");
	cr_expect_str_eq(e[2].login, "ann");
	crm_log_entries_free(e, n);
}

Test(history, one_commit_of_several_records_and_max_records)
{
	struct crm_log_query q = {.max = 1, .changes = true};
	struct crm_log_entry *e = NULL;
	struct crm_txn *t = crm_txn_new(hs);
	struct crm_err err = {0};
	struct crm_record *a = rec(CRM_COMPANY, "x1x2x3x4x5", "One", NULL);
	struct crm_record *b = rec(CRM_COMPANY, "y1y2y3y4y5", "Two", NULL);
	size_t n = 0;

	cr_assert_eq(crm_txn_put(t, a, &err), CRM_OK);
	cr_assert_eq(crm_txn_put(t, b, &err), CRM_OK);
	crm_txn_delete(t, CRM_DEAL, DE);
	cr_assert_eq(crm_txn_commit(t, "bulk", "test", &err), CRM_OK);
	crm_txn_free(t);
	crm_record_free(a);
	crm_record_free(b);
	cr_assert_eq(crm_log(hs, &q, &e, &n, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(n, 1);
	cr_expect_eq(e[0].nrecords, 3);
	cr_expect_eq(e[0].nchanges, 3);
	cr_expect_eq(e[0].nunread, 0);
	cr_expect_eq(e[0].npaths, 3);
	crm_log_entries_free(e, n);

	q.max_records = 2;
	cr_assert_eq(crm_log(hs, &q, &e, &n, &err), CRM_OK, "%s", err.msg);
	cr_expect_eq(e[0].nrecords, 3);
	cr_expect_eq(e[0].nchanges, 2);
	cr_expect_eq(e[0].nunread, 1);
	crm_log_entries_free(e, n);
}

Test(history, author_since_until_and_path)
{
	struct crm_log_query q = {.author = "ann"};
	struct crm_log_entry *e = NULL;
	struct crm_err err = {0};
	char path[64];
	size_t n = 0;

	/* every commit is ann's: a login, a part of the name, the e-mail */
	cr_assert_eq(crm_log(hs, &q, &e, &n, &err), CRM_OK);
	cr_expect_eq(n, 4);
	crm_log_entries_free(e, n);
	q.author = "ANN@EXAMPLE";
	cr_assert_eq(crm_log(hs, &q, &e, &n, &err), CRM_OK);
	cr_expect_eq(n, 4);
	crm_log_entries_free(e, n);
	q.author = "bob";
	cr_assert_eq(crm_log(hs, &q, &e, &n, &err), CRM_OK);
	cr_expect_eq(n, 0);
	crm_log_entries_free(e, n);

	/* the commits were made now; the store's first at NOW */
	q.author = NULL;
	q.since = time(NULL) + 3600;
	cr_assert_eq(crm_log(hs, &q, &e, &n, &err), CRM_OK);
	cr_expect_eq(n, 0);
	crm_log_entries_free(e, n);
	q.since = 0;
	q.until = time(NULL) - 24 * 3600;
	cr_assert_eq(crm_log(hs, &q, &e, &n, &err), CRM_OK);
	cr_expect_leq(n, 1, "only the init commit may be that old: %zu", n);
	crm_log_entries_free(e, n);

	/* one file's history, with its changes */
	q.until = 0;
	q.changes = true;
	cr_assert(crm_record_path(CRM_CONTACT, CT, path, sizeof(path)));
	q.path = path;
	cr_assert_eq(crm_log(hs, &q, &e, &n, &err), CRM_OK);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(e[0].subject, "add ct");
	cr_expect_eq(e[0].changes[0].action, 'A');
	crm_log_entries_free(e, n);
}

Test(history, read_and_parse_accept_a_null_error)
{
	struct crm_record *r = NULL;
	struct crm_txn *t = crm_txn_new(hs);
	struct crm_err err = {0};
	const char *path = "companies/c1/" CO ".yaml";

	/* a committed file that does not parse, read with and without a
	 * context: a status, never a crash */
	crm_txn_put_raw(t, path, "broken: [\n", 10);
	cr_assert_eq(crm_txn_commit(t, "break", "test", &err), CRM_OK, "%s",
		     err.msg);
	crm_txn_free(t);
	cr_expect_eq(crm_err_prefix(NULL, "x"), CRM_ERR);
	cr_expect_eq(crm_store_read(hs, CRM_COMPANY, CO, &r, NULL), CRM_ERR);
	cr_expect_null(r);
	cr_expect_eq(crm_store_read(hs, CRM_COMPANY, CO, &r, &err), CRM_ERR);
	cr_expect_not_null(strstr(err.msg, path), "%s", err.msg);
	cr_expect_neq(crm_record_parse(CRM_COMPANY, CO, "broken: [\n", 10, NULL,
				       &r, NULL), CRM_OK);
	cr_expect_eq(crm_store_read(hs, CRM_COMPANY, "zzzzzzzzzz", &r, NULL),
		     CRM_ENOTFOUND);
}

Test(history, find_indirect_tasks_by_due)
{
	struct crm_find f = {.mask = CRM_TYPE_BIT(CRM_TASK), .refers_to = CO,
			     .sort = "due"};
	struct crm_err err = {0};
	struct crm_row *rows = NULL;
	size_t n = 0, total = 0;

	put("t1", rec(CRM_TASK, TC, "Own", "for", CO, "due", "2026-03-05",
		      NULL), 0, NULL);
	put("t2", rec(CRM_TASK, TK, "Contact's", "for", CT, "due",
		      "2026-03-03", NULL), 0, NULL);
	put("t3", rec(CRM_TASK, TD, "Deal's", "for", DE, "due",
		      "2026-03-04T10:00:00+00:00", NULL), 0, NULL);
	cr_assert_eq(crm_find_rows(hs, &f, &rows, &n, &total, &err), CRM_OK,
		     "%s", err.msg);
	cr_assert_eq(n, 1, "without indirect, only the company's own task");
	cr_expect_str_eq(rows[0].id, TC);
	crm_rows_free(rows, n);

	f.indirect = true;
	cr_assert_eq(crm_find_rows(hs, &f, &rows, &n, &total, &err), CRM_OK,
		     "%s", err.msg);
	cr_assert_eq(n, 3);
	cr_expect_str_eq(rows[0].id, TK);
	cr_expect_str_eq(rows[1].id, TD);
	cr_expect_str_eq(rows[2].id, TC);
	cr_expect_str_eq(crm_row_ref_name(&rows[1], "for"), "Supply");
	crm_rows_free(rows, n);

	/* a contact's deals' tasks hang on the contact */
	f.refers_to = CT;
	cr_assert_eq(crm_find_rows(hs, &f, &rows, &n, &total, &err), CRM_OK);
	cr_expect_eq(n, 1);
	crm_rows_free(rows, n);
}
