/*
 * test_confedit.c - stages and users changed with the records using them
 * (confedit.c) on a real store: names valid as ids, a stage renamed in
 * deals and their histories, a stage removed only when empty or with its
 * deals moved, users renamed and removed with their records, reassign,
 * a hand-edited crm.yaml refused.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "crm.h"

#define NOW ((time_t)1772359200) /* 2026-03-01T10:00:00Z */

#define D1 "d1d2d3d4d5"  /* deal in "won", owned by bob, via "lead" */
#define D2 "d6d7d8d9da"  /* deal in "lead", owned by ann */

static char cdir[64];
static struct crm_store *cs;

/* Commits t as one commit and frees it. */
static void commit(struct crm_txn *t, const char *subject)
{
	struct crm_err err = {0};

	cr_assert_eq(crm_txn_commit(t, subject, "test", &err), CRM_OK, "%s",
		     err.msg);
	crm_txn_free(t);
}

/* A deal id with stage and owner, committed (stage_history: lead first
 * when stage is another). */
static void deal(const char *id, const char *stage, const char *owner)
{
	struct crm_record *r = crm_record_new(CRM_DEAL, id, id, NOW);
	const struct crm_config *cfg = crm_store_config(cs);
	struct crm_txn *t = crm_txn_new(cs);
	struct crm_err err = {0};

	cr_assert_eq(crm_record_set_field(r, "stage", '=', "lead", cfg, "ann",
					  NOW, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_record_set_field(r, "stage", '=', stage, cfg, "ann",
					  NOW, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_record_set_field(r, "owner", '=', owner, cfg, "ann",
					  NOW, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_txn_put(t, r, &err), CRM_OK, "%s", err.msg);
	commit(t, "add deal");
	crm_record_free(r);
}

/* Reopens the store (the configuration as committed). */
static void reopen(void)
{
	struct crm_err err = {0};

	crm_store_close(cs);
	cr_assert_eq(crm_store_open(cdir, &cs, &err), CRM_OK, "%s", err.msg);
	crm_store_set_input(cs, NOW, 0);
	cr_assert_eq(crm_store_set_user(cs, "ann", &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_store_lock(cs, 1000, &err), CRM_OK, "%s", err.msg);
}

static void csetup(void)
{
	struct crm_txn *t;
	struct crm_err err = {0};

	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(cdir, sizeof(cdir), "/tmp/crm-confedit-XXXXXX");
	cr_assert_not_null(mkdtemp(cdir), "mkdtemp: %s", strerror(errno));
	cr_assert_eq(crm_store_init(cdir, "ann", "Ann", "ann@example.com", NOW,
				    &err), CRM_OK, "init: %s", err.msg);
	reopen();
	t = crm_txn_new(cs);
	cr_assert_eq(crm_user_add(cs, t, "bob", "Борис", "bob@example.com",
				  &err), CRM_OK, "%s", err.msg);
	commit(t, "user add bob");
	reopen();
	deal(D1, "won", "bob");
	deal(D2, "lead", "ann");
}

static void cteardown(void)
{
	char cmd[128];

	crm_store_close(cs);
	cs = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cdir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(confedit, .init = csetup, .fini = cteardown);

/* The committed deal id. Caller frees. */
static struct crm_record *read_deal(const char *id)
{
	struct crm_record *r = NULL;
	struct crm_err err = {0};

	cr_assert_eq(crm_store_read(cs, CRM_DEAL, id, &r, &err), CRM_OK, "%s",
		     err.msg);
	return r;
}

/* The stage of entry i of r's stage_history. */
static const char *history_stage(const struct crm_record *r, size_t i)
{
	const struct crm_node *h = crm_map_get(r->map, "stage_history");

	cr_assert(h && h->kind == CRM_NODE_SEQ && i < h->len);
	return crm_map_str(h->items[i], "stage");
}

Test(confedit, names)
{
	cr_expect(crm_config_name_valid("closed_won"));
	cr_expect(crm_config_name_valid("follow-up"));
	cr_expect(crm_config_name_valid("2nd"));
	cr_expect(!crm_config_name_valid(""));
	cr_expect(!crm_config_name_valid("Won"));
	cr_expect(!crm_config_name_valid("-x"));
	cr_expect(!crm_config_name_valid("_x"));
	cr_expect(!crm_config_name_valid("a b"));
	cr_expect(!crm_config_name_valid("этап"));
	cr_expect(crm_config_name_valid(
		"a234567890123456789012345678901234567890123456789012345678901234"));
	cr_expect(!crm_config_name_valid(
		"a2345678901234567890123456789012345678901234567890123456789012345"));
}

Test(confedit, stage_rename_migrates_deals_and_history)
{
	struct crm_txn *t = crm_txn_new(cs);
	struct crm_err err = {0};
	struct crm_record *r;
	size_t moved, n;

	cr_assert_eq(crm_stage_rename(cs, t, "sales", "lead", "new_lead",
				      &moved, &n, &err), CRM_OK, "%s", err.msg);
	cr_expect_eq(moved, 1);
	cr_expect_eq(n, 2, "the deal that left lead has it in its history");
	cr_expect(crm_pipeline_has_stage(crm_config_pipeline(
		crm_store_config(cs), "sales"), "new_lead"));
	commit(t, "rename");
	r = read_deal(D2);
	cr_expect_str_eq(crm_map_str(r->map, "stage"), "new_lead");
	crm_record_free(r);
	r = read_deal(D1);
	cr_expect_str_eq(crm_map_str(r->map, "stage"), "won");
	cr_expect_str_eq(history_stage(r, 0), "new_lead");
	cr_expect_str_eq(history_stage(r, 1), "won");
	crm_record_free(r);
}

Test(confedit, stage_rename_refusals)
{
	struct crm_txn *t = crm_txn_new(cs);
	struct crm_err err = {0};
	size_t moved, n;

	cr_expect_eq(crm_stage_rename(cs, t, "sale", "won", "x", &moved, &n,
				      &err), CRM_ENOTFOUND);
	cr_expect(strstr(err.msg, "did you mean 'sales'"), "%s", err.msg);
	cr_expect_eq(crm_stage_rename(cs, t, "sales", "wn", "x", &moved, &n,
				      &err), CRM_ENOTFOUND);
	cr_expect(strstr(err.msg, "did you mean 'won'"), "%s", err.msg);
	cr_expect_eq(crm_stage_rename(cs, t, "sales", "won", "Won", &moved, &n,
				      &err), CRM_EUSAGE);
	cr_expect_eq(crm_stage_rename(cs, t, "sales", "won", "lost", &moved,
				      &n, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "already has"), "%s", err.msg);
	cr_expect_eq(crm_txn_count(t), 0, "nothing queued");
	crm_txn_free(t);
}

Test(confedit, stage_rm_refused_then_moved)
{
	struct crm_txn *t = crm_txn_new(cs);
	struct crm_err err = {0};
	struct crm_record *r;
	size_t moved;

	cr_expect_eq(crm_stage_rm(cs, t, "sales", "won", NULL, &moved, &err),
		     CRM_ERR);
	cr_expect(strstr(err.msg, "still has 1 deal"), "%s", err.msg);
	cr_expect_eq(crm_stage_rm(cs, t, "sales", "won", "won", &moved, &err),
		     CRM_EUSAGE);
	cr_expect_eq(crm_txn_count(t), 0);
	cr_assert_eq(crm_stage_rm(cs, t, "sales", "won", "lost", &moved, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_eq(moved, 1);
	commit(t, "rm");
	r = read_deal(D1);
	cr_expect_str_eq(crm_map_str(r->map, "stage"), "lost");
	cr_expect_str_eq(history_stage(r, 1), "won", "history kept");
	cr_expect_str_eq(history_stage(r, 2), "lost", "the move noted");
	crm_record_free(r);
	t = crm_txn_new(cs);
	cr_expect_eq(crm_stage_rm(cs, t, "sales", "first_contact", NULL, &moved,
				  &err), CRM_OK, "an empty stage: %s", err.msg);
	cr_expect_eq(moved, 0);
	crm_txn_free(t);
}

Test(confedit, stage_add_places_it)
{
	struct crm_txn *t = crm_txn_new(cs);
	const struct crm_pipeline *p;
	struct crm_err err = {0};

	cr_assert_eq(crm_stage_add(cs, t, "sales", "demo", "lead", NULL, &err),
		     CRM_OK, "%s", err.msg);
	p = crm_config_pipeline(crm_store_config(cs), "sales");
	cr_expect_str_eq(p->stages[1], "demo");
	crm_txn_free(t);
	t = crm_txn_new(cs);
	cr_expect_eq(crm_stage_add(cs, t, "sales", "demo", NULL, NULL, &err),
		     CRM_ERR);
	cr_expect_eq(crm_stage_add(cs, t, "sales", "x", "nowhere", NULL, &err),
		     CRM_ENOTFOUND);
	crm_txn_free(t);
}

Test(confedit, user_rename_and_rm)
{
	struct crm_txn *t = crm_txn_new(cs);
	struct crm_err err = {0};
	struct crm_record *r;
	size_t n;

	cr_assert_eq(crm_user_rename(cs, t, "bob", "boris", &n, &err), CRM_OK,
		     "%s", err.msg);
	cr_expect_eq(n, 1);
	commit(t, "rename");
	r = read_deal(D1);
	cr_expect_str_eq(crm_map_str(r->map, "owner"), "boris");
	crm_record_free(r);
	t = crm_txn_new(cs);
	cr_expect_eq(crm_user_rm(cs, t, "boris", NULL, &n, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "1 record"), "%s", err.msg);
	cr_expect_eq(crm_user_rm(cs, t, "ann", "boris", &n, &err), CRM_ERR,
		     "the acting user");
	cr_expect_eq(crm_user_rm(cs, t, "boris", "bob", &n, &err),
		     CRM_ENOTFOUND);
	cr_expect_eq(crm_txn_count(t), 0);
	cr_assert_eq(crm_user_rm(cs, t, "boris", "ann", &n, &err), CRM_OK, "%s",
		     err.msg);
	cr_expect_eq(n, 1);
	cr_expect_null(crm_config_user(crm_store_config(cs), "boris"));
	commit(t, "rm");
	r = read_deal(D1);
	cr_expect_str_eq(crm_map_str(r->map, "owner"), "ann");
	crm_record_free(r);
}

Test(confedit, reassign_with_query)
{
	struct crm_txn *t = crm_txn_new(cs);
	struct crm_err err = {0};
	struct crm_record *r;
	size_t n;

	cr_assert_eq(crm_reassign(cs, t, "ann", "bob", "stage:won", &n, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_eq(n, 0, "ann has no won deal");
	cr_assert_eq(crm_reassign(cs, t, "ann", "bob", "stage:lead", &n, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_eq(n, 1);
	commit(t, "reassign");
	r = read_deal(D2);
	cr_expect_str_eq(crm_map_str(r->map, "owner"), "bob");
	crm_record_free(r);
	t = crm_txn_new(cs);
	cr_expect_eq(crm_reassign(cs, t, "zed", "bob", NULL, &n, &err),
		     CRM_ENOTFOUND);
	cr_expect_eq(crm_reassign(cs, t, "ann", "ann", NULL, &n, &err),
		     CRM_EUSAGE);
	cr_expect_eq(crm_reassign(cs, t, "ann", "bob", "stage:(", &n, &err),
		     CRM_EUSAGE);
	crm_txn_free(t);
}

Test(confedit, hand_edited_config_refused)
{
	struct crm_txn *t = crm_txn_new(cs);
	struct crm_err err = {0};
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/crm.yaml", cdir);
	f = fopen(path, "a");
	cr_assert_not_null(f);
	fputs("# a note\n", f);
	fclose(f);
	cr_assert_eq(crm_user_add(cs, t, "carl", "Carl", NULL, &err), CRM_OK,
		     "%s", err.msg);
	/* the commit's check of the work tree refuses to overwrite it */
	cr_expect_eq(crm_txn_commit(t, "user add carl", "user add", &err),
		     CRM_ERR);
	cr_expect(strstr(err.msg, "not committed"), "%s", err.msg);
	crm_txn_free(t);
}
