/*
 * test_change.c - the change pass (crm_record_apply_change): the stage
 * history, updated, checks of what changed and only that, references;
 * and what a record read from the store may name wrongly
 * (crm_record_validate_read, crm_record_problems, crm_config_knows).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "crm.h"

/* 2026-03-01T10:00:00Z. */
#define NOW ((time_t)1772359200)
#define STAMP "2026-03-01T10:00:00+00:00"
#define ID "q4r5s6t7v8"
#define CO "c0c0c0c0c0"
#define DE "d0d0d0d0d0"

static struct crm_config cfg;

static void setup(void)
{
	struct crm_err err = {0};
	char *text;

	setenv("TZ", "UTC", 1);
	tzset();
	text = crm_config_initial("ann", "Ann", "ann@example.com");
	cr_assert_eq(crm_config_parse(text, strlen(text), &cfg, &err), CRM_OK,
		     "config: %s", err.msg);
	free(text);
}

static void teardown(void)
{
	crm_config_free(&cfg);
}

TestSuite(change, .init = setup, .fini = teardown);

/* The store the lookups see: one company CO and one deal DE. */
static int lookup(const char *id, enum crm_type *t, void *data)
{
	(void)data;
	if (strcmp(id, CO) == 0) {
		*t = CRM_COMPANY;
		return CRM_OK;
	}
	if (strcmp(id, DE) == 0) {
		*t = CRM_DEAL;
		return CRM_OK;
	}
	return CRM_ENOTFOUND;
}

static const struct crm_change_env env = {
	.cfg = &cfg, .by = "ann", .now = NOW, .lookup = lookup,
};

/* Reads text as a record of type t as the store does (leniently). */
static struct crm_record *read_rec(enum crm_type t, const char *text)
{
	struct crm_record *r = NULL;
	struct crm_err err = {0};

	cr_assert_eq(crm_record_parse(t, ID, text, strlen(text), &cfg, &r, &err),
		     CRM_OK, "parse: %s\n%s", err.msg, text);
	return r;
}

/* The number of stage_history entries of r, and the last one's stage. */
static size_t history(const struct crm_record *r, const char **last)
{
	const struct crm_node *h = crm_map_get(r->map, "stage_history");

	*last = NULL;
	if (h == NULL || h->len == 0)
		return 0;
	*last = crm_map_str(h->items[h->len - 1], "stage");
	return h->len;
}

#define DEAL_LEAD "id: " ID "\nname: Supply\npipeline: sales\nstage: lead\n" \
	"owner: ann\ncreated: '2026-01-01T10:00:00+00:00'\n" \
	"updated: '2026-01-01T10:00:00+00:00'\nstage_history:\n- stage: lead\n" \
	"  at: '2026-01-01T10:00:00+00:00'\n  by: ann\n"

Test(change, stage_change_gets_one_entry)
{
	struct crm_record *before = read_rec(CRM_DEAL, DEAL_LEAD);
	struct crm_record *after = crm_record_dup(before);
	struct crm_err err = {0};
	const struct crm_node *e;
	const char *last;

	crm_map_set_str(after->map, "stage", "won");
	cr_assert_eq(crm_record_apply_change(before, after, &env, &err), CRM_OK,
		     "%s", err.msg);
	cr_expect_eq(history(after, &last), 2);
	cr_expect_str_eq(last, "won");
	e = crm_map_get(after->map, "stage_history")->items[1];
	cr_expect_str_eq(crm_map_str(e, "by"), "ann");
	cr_expect_str_eq(crm_map_str(e, "at"), STAMP);
	cr_expect_str_eq(crm_map_str(after->map, "updated"), STAMP);
	/* the pass is idempotent: a second run adds nothing */
	cr_assert_eq(crm_record_apply_change(before, after, &env, &err), CRM_OK);
	cr_expect_eq(history(after, &last), 2);
	crm_record_free(before);
	crm_record_free(after);
}

Test(change, unchanged_record_is_left_alone)
{
	struct crm_record *before = read_rec(CRM_DEAL, DEAL_LEAD);
	struct crm_record *after = crm_record_dup(before);
	struct crm_err err = {0};
	const char *last;

	cr_assert_eq(crm_record_apply_change(before, after, &env, &err), CRM_OK);
	cr_expect(crm_node_equal(before->map, after->map));
	cr_expect_eq(history(after, &last), 1);
	crm_record_free(before);
	crm_record_free(after);
}

Test(change, hand_written_entry_kept)
{
	struct crm_record *before = read_rec(CRM_DEAL, DEAL_LEAD);
	struct crm_record *after = read_rec(CRM_DEAL, DEAL_LEAD
		"- stage: won\n  at: '2026-02-01T10:00:00+00:00'\n  by: bob\n");
	struct crm_err err = {0};
	const char *last;

	crm_map_set_str(after->map, "stage", "won");
	cr_assert_eq(crm_record_apply_change(before, after, &env, &err), CRM_OK,
		     "%s", err.msg);
	cr_expect_eq(history(after, &last), 2);
	cr_expect_str_eq(crm_map_str(crm_map_get(after->map, "stage_history")
				     ->items[1], "by"), "bob");
	crm_record_free(before);
	crm_record_free(after);
}

Test(change, contradicting_entry_refused)
{
	struct crm_record *before = read_rec(CRM_DEAL, DEAL_LEAD);
	struct crm_record *after = read_rec(CRM_DEAL, DEAL_LEAD
		"- stage: proposal\n  at: '2026-02-01T10:00:00+00:00'\n");
	struct crm_err err = {0};

	crm_map_set_str(after->map, "stage", "won");
	cr_expect_eq(crm_record_apply_change(before, after, &env, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "'proposal'") && strstr(err.msg, "'won'"),
		  "%s", err.msg);
	crm_record_free(before);
	crm_record_free(after);
}

Test(change, new_deal_gets_its_first_entry_and_dates)
{
	struct crm_record *after = read_rec(CRM_DEAL,
		"id: " ID "\nname: New\npipeline: sales\nstage: first_contact\n");
	struct crm_err err = {0};
	const char *last;

	cr_assert_eq(crm_record_apply_change(NULL, after, &env, &err), CRM_OK,
		     "%s", err.msg);
	cr_expect_eq(history(after, &last), 1);
	cr_expect_str_eq(last, "first_contact");
	cr_expect_str_eq(crm_map_str(after->map, "created"), STAMP);
	cr_expect_str_eq(crm_map_str(after->map, "updated"), STAMP);
	crm_record_free(after);
}

Test(change, updated_written_by_the_change_is_kept)
{
	struct crm_record *before = read_rec(CRM_DEAL, DEAL_LEAD);
	struct crm_record *after = crm_record_dup(before);
	struct crm_err err = {0};

	crm_map_set_str(after->map, "updated", "2026-02-02T10:00:00+00:00");
	crm_map_set_str(after->map, "source", "fair");
	cr_assert_eq(crm_record_apply_change(before, after, &env, &err), CRM_OK);
	cr_expect_str_eq(crm_map_str(after->map, "updated"),
			 "2026-02-02T10:00:00+00:00");
	crm_record_free(before);
	crm_record_free(after);
}

Test(change, changed_values_checked_strictly)
{
	struct crm_record *before = read_rec(CRM_DEAL, DEAL_LEAD);
	struct crm_record *after = crm_record_dup(before);
	struct crm_err err = {0};

	crm_map_set_str(after->map, "stage", "wonn");
	cr_expect_eq(crm_record_apply_change(before, after, &env, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "unknown stage 'wonn'"), "%s", err.msg);
	crm_map_set_str(after->map, "stage", "lead");
	crm_map_set_str(after->map, "owner", "zed");
	cr_expect_eq(crm_record_apply_change(before, after, &env, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "unknown user 'zed'"), "%s", err.msg);
	crm_map_set_str(after->map, "owner", "ann");
	crm_map_set_str(after->map, "pipeline", "nosuch");
	cr_expect_eq(crm_record_apply_change(before, after, &env, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "unknown pipeline 'nosuch'"), "%s", err.msg);
	crm_record_free(before);
	crm_record_free(after);
}

Test(change, unchanged_unknown_values_not_checked)
{
	struct crm_record *before = read_rec(CRM_DEAL,
		"id: " ID "\nname: Old\npipeline: sales\nstage: closed\nowner: zed\n");
	struct crm_record *after = crm_record_dup(before);
	struct crm_err err = {0};

	crm_map_set_str(after->map, "source", "fair");
	cr_expect_eq(crm_record_apply_change(before, after, &env, &err), CRM_OK,
		     "%s", err.msg);
	/* but a new record is checked whole */
	cr_expect_eq(crm_record_apply_change(NULL, after, &env, &err), CRM_ERR);
	crm_record_free(before);
	crm_record_free(after);
}

Test(change, references_looked_up)
{
	struct crm_record *before = read_rec(CRM_CONTACT,
		"id: " ID "\nname: John\n");
	struct crm_record *after = crm_record_dup(before);
	struct crm_err err = {0};

	crm_map_set_str(after->map, "company", CO);
	cr_expect_eq(crm_record_apply_change(before, after, &env, &err), CRM_OK,
		     "%s", err.msg);
	crm_map_set_str(after->map, "company", DE);
	cr_expect_eq(crm_record_apply_change(before, after, &env, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "is a deal"), "%s", err.msg);
	crm_map_set_str(after->map, "company", "zzzzzzzzzz");
	cr_expect_eq(crm_record_apply_change(before, after, &env, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "no record 'zzzzzzzzzz'"), "%s", err.msg);
	crm_record_free(before);
	crm_record_free(after);
}

Test(change, read_is_lenient_and_problems_say_why)
{
	const char *text = "id: " ID "\nname: Old\npipeline: sales\n"
			   "stage: wonn\nowner: zed\n";
	struct crm_record *r = read_rec(CRM_DEAL, text);
	struct crm_problem *p;
	struct crm_err err = {0};
	size_t n;

	cr_expect_eq(crm_record_validate(r, &cfg, &err), CRM_ERR);
	n = crm_record_problems(r, &cfg, &p);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(p[0].field, "stage");
	cr_expect(strstr(p[0].message, "line 4: field 'stage': unknown stage "
			 "'wonn' (did you mean 'won'?)"), "%s", p[0].message);
	cr_expect_str_eq(p[1].field, "owner");
	crm_problems_free(p, n);
	cr_expect(!crm_config_knows(&cfg, "stage", "wonn", NULL));
	cr_expect(crm_config_knows(&cfg, "stage", "won", "sales"));
	cr_expect(!crm_config_knows(&cfg, "owner", "zed", NULL));
	cr_expect(crm_config_knows(&cfg, "name", "anything", NULL));
	crm_record_free(r);
	/* a broken form is still broken */
	text = "id: " ID "\nname: [x\n";
	cr_expect_neq(crm_record_parse(CRM_DEAL, ID, text, strlen(text), &cfg,
				       &r, &err), CRM_OK);
}
