/*
 * test_automation.c - automation rules (automation.c): reading them and
 * the problems of those that cannot run, matching deals, the task ids
 * the same in every clone, due offsets, templates; on a real store the
 * task made in the commit of the change, none with the rules off, and
 * what crm_check (check.c) finds.
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

#define NOW ((time_t)1772359200) /* 2026-03-01T10:00:00Z, a Sunday */

static const char base_yaml[] =
	"version: 1\n"
	"users:\n- login: ann\n  name: Ann\n- login: bob\n  name: Bob\n"
	"pipelines:\n- name: sales\n  stages: [lead, proposal, won, lost]\n";

/* crm.yaml: base_yaml and rules (text of the automation: list). */
static void parse(const char *rules, struct crm_config *cfg, int want)
{
	char buf[4096];
	struct crm_err err = {0};

	snprintf(buf, sizeof(buf), "%sautomation:\n%s", base_yaml, rules);
	cr_assert_eq(crm_config_parse(buf, strlen(buf), cfg, &err), want,
		     "%s", err.msg);
}

Test(automation, good_rules_have_no_problem)
{
	struct crm_config cfg;

	parse("- name: a\n  when: created\n  stage: lead\n  title: Call {deal.name}\n"
	      "  due: +15m\n"
	      "- name: b\n  when: stage\n  stage: proposal\n  pipeline: sales\n"
	      "  title: Offer to {contact.name} of {company.name}\n  owner: bob\n"
	      "  due: next working day 10:00\n  priority: high\n", &cfg, CRM_OK);
	cr_assert_eq(cfg.nrules, 2);
	cr_expect_null(cfg.rules[0].problem, "%s", cfg.rules[0].problem);
	cr_expect_null(cfg.rules[1].problem, "%s", cfg.rules[1].problem);
	cr_expect_eq(cfg.rules[0].on, CRM_RULE_CREATED);
	cr_expect_eq(cfg.rules[1].on, CRM_RULE_STAGE);
	cr_expect_null(cfg.rules[0].owner, "owner: absent is the deal's");
	cr_expect_str_eq(cfg.rules[1].owner, "bob");
	cr_expect_eq(crm_rule_find(&cfg, "b"), &cfg.rules[1]);
	cr_expect_null(crm_rule_find(&cfg, "c"));
	crm_config_free(&cfg);
}

/* The problem of the one rule text gives. */
static void expect_problem(const char *rule, const char *want)
{
	struct crm_config cfg;

	parse(rule, &cfg, CRM_OK);
	cr_assert_eq(cfg.nrules, 1);
	cr_expect(cfg.rules[0].problem && strstr(cfg.rules[0].problem, want),
		  "%s: got %s", want, cfg.rules[0].problem);
	crm_config_free(&cfg);
}

Test(automation, problems_are_kept_not_fatal)
{
	expect_problem("- name: x\n  when: stage\n  stage: nope\n  title: t\n",
		       "unknown stage 'nope'");
	expect_problem("- name: x\n  stage: lead\n  pipeline: pipe\n  title: t\n",
		       "unknown pipeline 'pipe'");
	expect_problem("- name: x\n  owner: carol\n  title: t\n",
		       "unknown user 'carol'");
	expect_problem("- name: x\n  title: Call {deal.nmae}\n",
		       "unknown field 'nmae' of a deal");
	expect_problem("- name: x\n  title: Call {person.name}\n",
		       "unknown placeholder '{person.name}'");
	expect_problem("- name: x\n  title: Call {deal.name\n", "without '}'");
	expect_problem("- name: x\n  title: t\n  due: whenever\n",
		       "cannot read 'whenever'");
	expect_problem("- name: x\n  title: t\n  due: next working day 25:00\n",
		       "cannot read");
	expect_problem("- name: x\n  when: stage\n  title: t\n",
		       "needs the 'stage'");
	expect_problem("- name: x\n  when: later\n  title: t\n",
		       "'when' must be created or stage");
	expect_problem("- name: x\n  title: t\n  colour: red\n",
		       "unknown key 'colour'");
	expect_problem("- name: x\n  title: t\n  priority: urgent\n",
		       "priority must be");
	expect_problem("- name: x\n", "needs a 'title'");
}

Test(automation, structure_errors_are_fatal)
{
	struct crm_config cfg;

	parse("  name: x\n", &cfg, CRM_ERR);
	parse("- title: t\n", &cfg, CRM_ERR);
	parse("- name: Bad Name\n  title: t\n", &cfg, CRM_ERR);
	parse("- name: x\n  title: t\n- name: x\n  title: u\n", &cfg, CRM_ERR);
}

Test(automation, task_ids_are_the_same_everywhere)
{
	char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], c[CRM_ID_LEN + 1];
	char d[CRM_ID_LEN + 1];

	crm_rule_task_id("7k2m9xqa4d", "call-back", "1:lead@2026", a);
	crm_rule_task_id("7k2m9xqa4d", "call-back", "1:lead@2026", b);
	crm_rule_task_id("7k2m9xqa4d", "offer", "1:lead@2026", c);
	crm_rule_task_id("7k2m9xqa4d", "call-back", "2:lead@2026", d);
	cr_expect(crm_id_valid(a), "%s", a);
	cr_expect_str_eq(a, b);
	/* the value itself, whatever the machine's byte order: a clone on
	 * any machine makes this task */
	cr_expect_str_eq(a, "m6dn4npk75");
	cr_expect_str_neq(a, c);
	cr_expect_str_neq(a, d);
}

Test(automation, due_offsets)
{
	struct crm_date d;
	struct crm_tm_check {
		int wday, hour, min;
	} want = {1, 10, 0};
	struct tm tm;
	struct crm_err err = {0};

	setenv("TZ", "UTC", 1);
	tzset();
	cr_assert_eq(crm_date_parse_as("+15m", NOW, CRM_DATE_WHEN, &d, &err), CRM_OK, "%s", err.msg);
	cr_expect_eq(d.when, NOW + 15 * 60);
	cr_assert_eq(crm_date_parse_as("+2h", NOW, CRM_DATE_WHEN, &d, &err), CRM_OK, "%s", err.msg);
	cr_expect_eq(d.when, NOW + 2 * 3600);
	/* from a Sunday, the next working day is Monday */
	cr_assert_eq(crm_date_parse_as("next working day 10:00", NOW, CRM_DATE_WHEN, &d, &err),
		     CRM_OK, "%s", err.msg);
	gmtime_r(&d.when, &tm);
	cr_expect_eq(tm.tm_wday, want.wday);
	cr_expect_eq(tm.tm_hour, want.hour);
	cr_expect_eq(tm.tm_min, want.min);
	cr_expect(d.has_time);
	/* from a Friday: Monday */
	cr_assert_eq(crm_date_parse_as("next working day", NOW - 2 * 86400, CRM_DATE_WHEN, &d, &err),
		     CRM_OK, "%s", err.msg);
	gmtime_r(&d.when, &tm);
	cr_expect_eq(tm.tm_wday, 1);
	cr_expect_eq(tm.tm_hour, 9);
	cr_expect_eq(crm_date_parse_as("next working day at noon", NOW, CRM_DATE_WHEN, &d, &err),
		     CRM_EUSAGE);
}

/* A deal record of stage, with tag and source (may be NULL). */
static struct crm_record *deal(const char *stage, const char *tag,
			       const char *source)
{
	struct crm_record *r = crm_record_new(CRM_DEAL, "7k2m9xqa4d",
					      "Трубы", NOW);
	struct crm_node *tags;

	crm_map_set_str(r->map, "stage", stage);
	if (tag) {
		tags = crm_node_new_seq();
		crm_seq_push(tags, crm_node_new_scalar(tag));
		crm_map_set(r->map, "tags", tags);
	}
	if (source)
		crm_map_set_str(r->map, "source", source);
	crm_map_set_str(r->map, "owner", "ann");
	crm_record_note_stage(r, stage, "ann", NOW);
	return r;
}

Test(automation, matching_and_the_task)
{
	struct crm_config cfg;
	struct crm_record *d1 = deal("proposal", "vip", "web");
	struct crm_record *d2 = deal("proposal", NULL, "web");
	struct crm_record *t = NULL;
	struct crm_err err = {0};
	char key[128], id[CRM_ID_LEN + 1];

	parse("- name: offer\n  when: stage\n  stage: proposal\n  tag: vip\n"
	      "  title: Offer  {deal.name} to {contact.name}\n  due: +1d\n"
	      "  priority: high\n", &cfg, CRM_OK);
	cr_expect(crm_rule_matches(&cfg.rules[0], d1, false));
	cr_expect(!crm_rule_matches(&cfg.rules[0], d1, true),
		  "a stage rule is not a creation rule");
	cr_expect(!crm_rule_matches(&cfg.rules[0], d2, false), "no tag vip");
	crm_rule_entry_key(d1, key, sizeof(key));
	{
		const struct crm_node *h = crm_map_get(d1->map, "stage_history");

		/* the entry's own id, which every new entry has */
		cr_expect_str_eq(key, crm_map_str(h->items[h->len - 1], "id"));
	}
	/* two days after the stage entry: the task's times are the entry's */
	cr_assert_eq(crm_rule_make_task(&cfg.rules[0], d1, key,
					NOW + 2 * 24 * 3600,
					NULL, NULL, &t, &err), CRM_OK, "%s",
		     err.msg);
	crm_rule_task_id(d1->id, "offer", key, id);
	cr_expect_str_eq(t->id, id);
	cr_expect_str_eq(crm_map_str(t->map, "name"), "Offer Трубы to",
			 "no contact: its placeholder gives nothing");
	cr_expect_str_eq(crm_map_str(t->map, "for"), d1->id);
	cr_expect_str_eq(crm_map_str(t->map, "owner"), "ann");
	cr_expect_str_eq(crm_map_str(t->map, "priority"), "high");
	{
		const struct crm_node *h = crm_map_get(d1->map, "stage_history");
		const char *at = crm_map_str(h->items[h->len - 1], "at");
		time_t next = NOW + 24 * 3600;
		struct crm_date due;
		struct tm tm;

		cr_expect_str_eq(crm_map_str(t->map, "created"), at);
		cr_expect_str_eq(crm_map_str(t->map, "updated"), at);
		cr_assert_eq(crm_date_parse_stored(crm_map_str(t->map, "due"),
						   &due), CRM_OK);
		localtime_r(&next, &tm);
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		cr_expect(!due.has_time, "+1d is a day");
		cr_expect_eq(due.when, mktime(&tm),
			     "+1d from the stage entry, not from the clock");
	}
	crm_record_free(t);
	crm_record_free(d1);
	crm_record_free(d2);
	crm_config_free(&cfg);
}

/* ---- on a real store ---- */

static char sdir[64];
static struct crm_store *st;

static void ssetup(void)
{
	struct crm_err err = {0};

	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(sdir, sizeof(sdir), "/tmp/crm-automation-XXXXXX");
	cr_assert_not_null(mkdtemp(sdir), "mkdtemp: %s", strerror(errno));
	cr_assert_eq(crm_store_init(sdir, "ann", "Ann", "ann@example.com", NOW,
				    &err), CRM_OK, "init: %s", err.msg);
	cr_assert_eq(crm_store_open(sdir, &st, &err), CRM_OK, "%s", err.msg);
	crm_store_set_input(st, NOW, 0);
	cr_assert_eq(crm_store_set_user(st, "ann", &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_store_lock(st, 1000, &err), CRM_OK, "%s", err.msg);
}

static void steardown(void)
{
	char cmd[128];

	crm_store_close(st);
	st = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sdir);
	cr_expect_eq(system(cmd), 0);
}

/* Commits a new deal id in lead, with the rules on or off. */
static void add_deal(const char *id, bool rules)
{
	struct crm_record *r = crm_record_new(CRM_DEAL, id, id, NOW);
	struct crm_txn *t = crm_txn_new(st);
	struct crm_err err = {0};

	crm_map_set_str(r->map, "stage", "lead");
	crm_map_set_str(r->map, "owner", "ann");
	crm_txn_set_rules(t, rules);
	cr_assert_eq(crm_txn_put(t, r, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_txn_commit(t, "add deal", "test", &err), CRM_OK, "%s",
		     err.msg);
	crm_txn_free(t);
	crm_record_free(r);
}

/* The id of the task the default rule makes for deal id. */
static void rule_task(const char *id, char out[CRM_ID_LEN + 1])
{
	struct crm_record *d = NULL;
	struct crm_err err = {0};
	char key[128];

	cr_assert_eq(crm_store_read(st, CRM_DEAL, id, &d, &err), CRM_OK, "%s",
		     err.msg);
	crm_rule_entry_key(d, key, sizeof(key));
	crm_rule_task_id(id, "call-back", key, out);
	crm_record_free(d);
}

TestSuite(automation_store, .init = ssetup, .fini = steardown);

Test(automation_store, the_default_rule_runs_in_the_commit)
{
	struct crm_record *task = NULL;
	struct crm_err err = {0};
	char tid[CRM_ID_LEN + 1];

	add_deal("d1d2d3d4d5", true);
	rule_task("d1d2d3d4d5", tid);
	cr_assert_eq(crm_store_read(st, CRM_TASK, tid, &task, &err), CRM_OK,
		     "%s", err.msg);
	cr_expect_str_eq(crm_map_str(task->map, "for"), "d1d2d3d4d5");
	cr_expect_str_eq(crm_map_str(task->map, "owner"), "ann");
	cr_expect_str_eq(crm_map_str(task->map, "due"),
			 "2026-03-01T10:15:00+00:00");
	crm_record_free(task);
}

Test(automation_store, rules_off_make_nothing)
{
	struct crm_record *task = NULL;
	char tid[CRM_ID_LEN + 1];

	add_deal("d6d7d8d9da", false);
	rule_task("d6d7d8d9da", tid);
	cr_expect_eq(crm_store_read(st, CRM_TASK, tid, &task, NULL),
		     CRM_ENOTFOUND);
	crm_record_free(task);
}

/* The number of findings of kind for id in f[0..n). */
static size_t count(const struct crm_finding *f, size_t n,
		    enum crm_check_kind kind, const char *id)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += f[i].kind == kind && strcmp(f[i].id, id) == 0;
	return k;
}

Test(automation_store, check_finds_the_deal_without_a_task)
{
	struct crm_finding *f = NULL;
	struct crm_err err = {0};
	size_t n = 0;

	add_deal("d1d2d3d4d5", true);
	add_deal("d6d7d8d9da", false);
	cr_assert_eq(crm_check(st, NULL, NOW, &f, &n, &err), CRM_OK, "%s",
		     err.msg);
	cr_expect_eq(count(f, n, CRM_CHECK_NO_TASK, "d6d7d8d9da"), 1);
	cr_expect_eq(count(f, n, CRM_CHECK_NO_TASK, "d1d2d3d4d5"), 0,
		     "the rule gave it one");
	cr_expect_eq(n, 1, "nothing else: %zu", n);
	cr_expect_eq(f[0].idlen, 4, "ids differ in their first letters");
	cr_expect_str_eq(f[0].owner, "ann");
	crm_findings_free(f, n);
	/* the task falls due, and then is overdue */
	cr_assert_eq(crm_check(st, NULL, NOW + 86400, &f, &n, &err), CRM_OK,
		     "%s", err.msg);
	cr_expect_eq(n, 2, "%zu", n);
	cr_expect_eq(n ? (int)f[0].kind : -1, (int)CRM_CHECK_NO_TASK);
	cr_expect_eq(n > 1 ? (int)f[1].kind : -1, (int)CRM_CHECK_OVERDUE);
	crm_findings_free(f, n);
	/* lead rots in 3 days */
	cr_assert_eq(crm_check(st, "ann", NOW + 4 * 86400, &f, &n, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_eq(count(f, n, CRM_CHECK_STALE, "d6d7d8d9da"), 1);
	cr_expect_eq(count(f, n, CRM_CHECK_STALE, "d1d2d3d4d5"), 1);
	crm_findings_free(f, n);
}
