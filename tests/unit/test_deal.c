/*
 * test_deal.c - deals in the sales process (deal.c): probabilities,
 * stages found with a did-you-mean, lost reasons (free and strict),
 * moves with their stage_history entries, the change pass's rules of
 * deals, last activity and staleness.
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
#define ID "d1d1d1d1d1"
#define CO "c0c0c0c0c0"
#define RV "c1c1c1c1c1"

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

TestSuite(deal, .init = setup, .fini = teardown);

static struct crm_record *deal_in(const char *stage)
{
	struct crm_record *r = crm_record_new(CRM_DEAL, ID, "Supply", NOW);

	crm_map_set_str(r->map, "pipeline", "sales");
	crm_map_set_str(r->map, "stage", stage);
	return r;
}

/* The entry i of r's stage_history (borrowed). */
static const struct crm_node *entry(const struct crm_record *r, size_t i)
{
	const struct crm_node *h = crm_map_get(r->map, "stage_history");

	cr_assert(h && h->kind == CRM_NODE_SEQ && h->len > i);
	return h->items[i];
}

Test(deal, probability_follows_the_stage_unless_set)
{
	struct crm_record *r = deal_in("proposal");

	cr_expect_eq(crm_deal_probability(&cfg, r), 60);
	crm_map_set(r->map, "probability", crm_node_new_typed("35"));
	cr_expect_eq(crm_deal_probability(&cfg, r), 35, "its own wins");
	cr_expect_eq(crm_deal_probability_of(&cfg, NULL, "won", NULL), 100);
	cr_expect_eq(crm_deal_probability_of(&cfg, NULL, "lost", ""), 0);
	cr_expect_eq(crm_deal_probability_of(&cfg, NULL, "nope", NULL), -1);
	cr_expect_eq(crm_deal_probability_of(&cfg, "other", "lead", NULL), -1,
		     "unknown pipeline");
	cr_expect_eq(crm_deal_probability_of(&cfg, NULL, NULL, "120"), -1,
		     "out of range is ignored");
	crm_record_free(r);
}

Test(deal, unknown_stage_suggests)
{
	const struct crm_stage *st;
	struct crm_err err = {0};

	cr_expect_eq(crm_deal_find_stage(&cfg, "sales", "won", &st, &err), CRM_OK);
	cr_expect_eq(st->kind, CRM_STAGE_WON);
	cr_expect_eq(crm_deal_find_stage(&cfg, NULL, "wonn", &st, &err),
		     CRM_ENOTFOUND);
	cr_expect_str_eq(err.msg, "unknown stage 'wonn' (did you mean 'won'?)");
	cr_expect_null(st);
	cr_expect_eq(crm_deal_find_stage(&cfg, "nope", "won", &st, &err),
		     CRM_ENOTFOUND);
	cr_expect_str_eq(err.msg, "unknown pipeline 'nope'");
}

Test(deal, lost_needs_a_reason_strict_from_the_list)
{
	const struct crm_stage *lost, *open;
	struct crm_err err = {0};

	crm_deal_find_stage(&cfg, NULL, "lost", &lost, NULL);
	crm_deal_find_stage(&cfg, NULL, "proposal", &open, NULL);
	cr_expect_eq(crm_deal_check_reason(&cfg, open, NULL, &err), CRM_OK);
	cr_expect_eq(crm_deal_check_reason(&cfg, lost, NULL, &err), CRM_EUSAGE);
	cr_expect(strstr(err.msg, "needs a reason") != NULL);
	cr_expect(strstr(err.msg, "price, competitor, no_budget") != NULL);
	cr_expect_eq(crm_deal_check_reason(&cfg, lost, "", &err), CRM_EUSAGE);
	cr_expect_eq(crm_deal_check_reason(&cfg, lost, "late", &err), CRM_OK);
	cfg.lost_reasons_strict = true;
	cr_expect_eq(crm_deal_check_reason(&cfg, lost, "late", &err), CRM_EUSAGE);
	cr_expect(strstr(err.msg, "unknown lost reason 'late'") != NULL);
	cr_expect_eq(crm_deal_check_reason(&cfg, lost, "price", &err), CRM_OK);
	cfg.lost_reasons_strict = false;
}

Test(deal, move_appends_an_entry_with_an_id)
{
	struct crm_record *r = deal_in("proposal");
	struct crm_err err = {0};
	const struct crm_node *e;

	cr_assert_eq(crm_deal_move(r, &cfg, "lost", "price", STAMP, "ann",
				   &err), CRM_OK, "%s", err.msg);
	cr_expect_str_eq(crm_map_str(r->map, "stage"), "lost");
	e = entry(r, 0);
	cr_expect(crm_id_valid(crm_map_str(e, "id")), "an id of its own");
	cr_expect_str_eq(crm_map_str(e, "stage"), "lost");
	cr_expect_str_eq(crm_map_str(e, "at"), STAMP);
	cr_expect_str_eq(crm_map_str(e, "by"), "ann");
	cr_expect_str_eq(crm_map_str(e, "reason"), "price");
	cr_expect_neq(crm_deal_move(r, &cfg, "wonn", NULL, STAMP, "ann", &err),
		      CRM_OK);
	cr_expect_neq(crm_deal_move(r, &cfg, "lost", NULL, STAMP, "ann", &err),
		      CRM_OK);
	cr_expect_eq(crm_map_get(r->map, "stage_history")->len, 1,
		     "a refused move adds nothing");
	crm_record_free(r);
}

Test(deal, note_stage_keeps_an_earlier_reason)
{
	struct crm_record *r = deal_in("proposal");

	crm_record_add_stage_entry(r, "lost", STAMP, "ann", "price");
	crm_record_note_stage(r, "proposal", "ann", NOW);
	crm_record_note_stage(r, "lost", "bob", NOW);
	cr_expect_null(crm_map_str(entry(r, 1), "reason"));
	cr_expect_str_eq(crm_map_str(entry(r, 2), "reason"), "price");
	cr_expect_str_eq(crm_map_str(entry(r, 2), "by"), "bob");
	cr_expect_str_neq(crm_map_str(entry(r, 1), "id"),
			  crm_map_str(entry(r, 2), "id"));
	crm_record_free(r);
}

/* Competitors: CO is a client, RV a competitor. */
static int lookup(const char *id, enum crm_type *t, void *data)
{
	(void)data;
	*t = CRM_COMPANY;
	return strcmp(id, CO) == 0 || strcmp(id, RV) == 0 ? CRM_OK
							   : CRM_ENOTFOUND;
}

static int read_company(const char *id, struct crm_record **out, void *data)
{
	(void)data;
	if (strcmp(id, CO) != 0 && strcmp(id, RV) != 0)
		return CRM_ENOTFOUND;
	*out = crm_record_new(CRM_COMPANY, id, id[1] == '0' ? "Acme" : "Rival",
			      NOW);
	if (id[1] == '1')
		crm_map_set_str((*out)->map, "relation", "competitor");
	return CRM_OK;
}

Test(deal, change_pass_rules)
{
	struct crm_change_env env = {.cfg = &cfg, .by = "ann", .now = NOW,
				     .lookup = lookup, .read = read_company};
	struct crm_record *before = deal_in("proposal"), *r;
	struct crm_node *c;
	struct crm_err err = {0};

	r = crm_record_dup(before);
	crm_map_set_str(r->map, "stage", "lost");
	cr_expect_neq(crm_record_apply_change(before, r, &env, &err), CRM_OK,
		      "lost without a reason");
	cr_expect(strstr(err.msg, "needs a reason") != NULL, "%s", err.msg);
	crm_record_free(r);

	r = crm_record_dup(before);
	crm_map_set_str(r->map, "stage", "lost");
	crm_record_add_stage_entry(r, "lost", STAMP, "ann", "price");
	cr_expect_eq(crm_record_apply_change(before, r, &env, &err), CRM_OK,
		     "%s", err.msg);
	crm_record_free(r);

	r = crm_record_dup(before);
	c = crm_node_new_seq();
	crm_seq_push(c, crm_node_new_scalar(CO));
	crm_map_set(r->map, "competitors", c);
	cr_expect_neq(crm_record_apply_change(before, r, &env, &err), CRM_OK);
	cr_expect(strstr(err.msg, "company 'Acme' is no competitor") != NULL,
		  "%s", err.msg);
	crm_record_free(r);

	r = crm_record_dup(before);
	c = crm_node_new_seq();
	crm_seq_push(c, crm_node_new_scalar(RV));
	crm_map_set(r->map, "competitors", c);
	cr_expect_eq(crm_record_apply_change(before, r, &env, &err), CRM_OK,
		     "%s", err.msg);
	crm_record_free(r);
	crm_record_free(before);
}

Test(deal, last_activity_and_staleness)
{
	struct crm_record *r = deal_in("lead");
	const struct crm_stage *lead, *won;
	struct crm_entry e = {.kind = "call", .at = "2026-03-05T10:00:00+00:00",
			      .by = "ann", .text = "hi"};
	char id[CRM_ID_LEN + 1];
	long long when = 0;

	crm_map_del(r->map, "created");
	cr_expect_not(crm_record_last_activity(r, &when), "nothing yet");
	crm_map_set_str(r->map, "created", "2026-02-01T10:00:00+00:00");
	cr_expect(crm_record_last_activity(r, &when));
	cr_expect_eq(when, 1769940000LL, "created, when nothing else");
	crm_record_add_stage_entry(r, "lead", STAMP, "ann", NULL);
	cr_expect(crm_record_last_activity(r, &when));
	cr_expect_eq(when, (long long)NOW, "the stage change");
	cr_assert_eq(crm_timeline_append(r, &e, id, NULL), CRM_OK);
	cr_expect(crm_record_last_activity(r, &when));
	cr_expect_eq(when, (long long)NOW + 4 * 86400, "the later timeline entry");

	crm_deal_find_stage(&cfg, NULL, "lead", &lead, NULL);
	crm_deal_find_stage(&cfg, NULL, "won", &won, NULL);
	cr_expect_eq(lead->rot_days, 3);
	cr_expect_not(crm_deal_stale(lead, true, NOW, NOW + 3 * 86400));
	cr_expect(crm_deal_stale(lead, true, NOW, NOW + 3 * 86400 + 1));
	cr_expect_not(crm_deal_stale(won, true, NOW, NOW + 999 * 86400),
		      "a won deal never rots");
	cr_expect_not(crm_deal_stale(NULL, true, NOW, NOW + 999 * 86400));
	crm_record_free(r);
}
