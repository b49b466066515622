/*
 * test_tasks.c - open tasks (tasks.c): which are due and in what order,
 * with whom they concern, from the index of a real store; moving a task
 * and the check of its rescheduled list.
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
#include "fixture.h"

#define NOW ((time_t)1772359200) /* 2026-03-01T10:00:00Z, a Sunday */
#define DAY 86400
#define MIDNIGHT (NOW - 10 * 3600)

static char tdir[64];
static struct crm_store *tst;

static void setup(void)
{
	tst = fixture_store("tasks", tdir, sizeof(tdir), NOW);
	fixture_add(tst, NOW, CRM_COMPANY, "c000000001", "ООО Ромашка",
	    "phones", "+7 495 123-45-67", NULL);
	fixture_add(tst, NOW, CRM_CONTACT, "p000000001", "Əli Həsənov",
	    "company", "c000000001", "phones", "+994 50 123 45 67", NULL);
	fixture_add(tst, NOW, CRM_CONTACT, "p000000002", "Без телефона",
	    "company", "c000000001", NULL);
	fixture_add(tst, NOW, CRM_DEAL, "d000000001", "Поставка", "company",
	    "c000000001", "contact", "p000000001", NULL);
	fixture_add(tst, NOW, CRM_TASK, "t000000001", "yesterday", "for",
	    "c000000001", "due", "2026-02-28", "owner", "ann", NULL);
	fixture_add(tst, NOW, CRM_TASK, "t000000002", "today 08:00", "for",
	    "p000000002", "due", "2026-03-01T08:00:00Z", "owner", "ann", NULL);
	fixture_add(tst, NOW, CRM_TASK, "t000000003", "today", "for",
	    "d000000001", "due", "2026-03-01", "owner", "ann", NULL);
	fixture_add(tst, NOW, CRM_TASK, "t000000004", "tomorrow low", "for",
	    "c000000001", "due", "2026-03-02", "priority", "low", "owner",
	    "ann", NULL);
	fixture_add(tst, NOW, CRM_TASK, "t000000005", "tomorrow high", "for",
	    "c000000001", "due", "2026-03-02", "priority", "high", "owner",
	    "ann", NULL);
	fixture_add(tst, NOW, CRM_TASK, "t000000006", "undated", "for",
	    "c000000001", "owner", "ann", NULL);
	fixture_add(tst, NOW, CRM_TASK, "t000000007", "nobody's", "for",
	    "c000000001", "due", "2026-02-27", NULL);
	fixture_add(tst, NOW, CRM_TASK, "t000000008", "next week", "for",
	    "c000000001", "due", "2026-03-09", "owner", "ann", NULL);
}

static void teardown(void)
{
	fixture_remove(tst, tdir);
	tst = NULL;
}

TestSuite(tasks, .init = setup, .fini = teardown);

/* Callback: appends "id(client|phone|deal) " to the buffer. */
static int collect(const struct crm_due_task *t, void *data)
{
	crm_buf_addf(data, "%.4s%s(%s|%s|%s) ", t->id, t->id + 9,
		     t->client_name, t->phone, t->deal_name);
	return 0;
}

/* Callback: appends the id's last character. */
static int collect_ids(const struct crm_due_task *t, void *data)
{
	crm_buf_addc(data, t->id[9]);
	return 0;
}

/* The tasks q finds, as the callback writes them (caller frees). */
static char *due(struct crm_due_query *q, crm_due_cb cb)
{
	struct crm_buf b = {0};
	struct crm_err err = {0};

	q->now = NOW;
	cr_assert_eq(crm_tasks_due(tst, q, cb, &b, &err), CRM_OK, "%s",
		     err.msg);
	crm_buf_add(&b, "", 0);
	return crm_buf_detach(&b);
}

Test(tasks, overdue_first_then_by_day_and_priority)
{
	struct crm_due_query q = {.owner = "ann", .until = MIDNIGHT + 2 * DAY};
	char *got = due(&q, collect_ids);

	/* the time passed today is overdue, before the whole day today */
	cr_assert_str_eq(got, "12354");
	free(got);
	q.owner = NULL;
	got = due(&q, collect_ids);
	cr_assert_str_eq(got, "712354", "every owner: %s", got);
	free(got);
	q.until = MIDNIGHT + 9 * DAY;
	got = due(&q, collect_ids);
	cr_assert_str_eq(got, "7123548", "a week on: %s", got);
	free(got);
}

Test(tasks, client_phone_and_deal)
{
	struct crm_due_query q = {.owner = "ann", .until = MIDNIGHT + DAY};
	char *got = due(&q, collect);

	cr_assert_str_eq(got,
		"t0001(ООО Ромашка|+7 495 123-45-67|) "
		"t0002(Без телефона|+7 495 123-45-67|) "
		"t0003(ООО Ромашка|+994 50 123 45 67|Поставка) ",
		"got %s", got);
	free(got);
}

Test(tasks, query_narrows)
{
	const char *words[] = {"priority:high"};
	struct crm_due_query q = {.until = MIDNIGHT + 30 * DAY};
	struct crm_query *query;
	struct crm_err err = {0};
	char *got;

	cr_assert_eq(crm_query_parse(words, 1, NOW, &query, &err), CRM_OK,
		     "%s", err.msg);
	q.query = query;
	got = due(&q, collect_ids);
	cr_assert_str_eq(got, "5");
	free(got);
	crm_query_free(query);
}

Test(tasks, reschedule_records_the_move)
{
	struct crm_record *r = crm_record_new(CRM_TASK, "t000000009", "x", NOW);
	const struct crm_node *h, *e;
	struct crm_err err = {0};
	bool same;

	crm_map_set_str(r->map, "due", "2026-03-02");
	cr_assert_eq(crm_task_reschedule(r, "2026-03-05", "ann", NOW, &same,
					 &err), CRM_OK, "%s", err.msg);
	cr_assert(!same);
	cr_assert_str_eq(crm_map_str(r->map, "due"), "2026-03-05");
	h = crm_map_get(r->map, "rescheduled");
	cr_assert(h && h->kind == CRM_NODE_SEQ && h->len == 1);
	e = h->items[0];
	cr_assert_str_eq(crm_map_str(e, "from"), "2026-03-02");
	cr_assert_str_eq(crm_map_str(e, "to"), "2026-03-05");
	cr_assert_str_eq(crm_map_str(e, "by"), "ann");
	cr_assert_not_null(crm_map_str(e, "at"));
	cr_assert_eq(crm_rescheduled_check(h, "rescheduled", &err), CRM_OK,
		     "%s", err.msg);
	cr_assert_eq(crm_task_reschedule(r, "2026-03-05", "ann", NOW, &same,
					 &err), CRM_OK);
	cr_assert(same, "to the due it has: nothing to do");
	cr_assert_eq(h->len, 1);
	cr_assert_eq(crm_task_reschedule(r, "next friday", "ann", NOW, &same,
					 &err), CRM_EUSAGE);
	crm_map_del(r->map, "due");
	cr_assert_eq(crm_task_reschedule(r, "2026-03-06T09:00:00Z", NULL, NOW,
					 &same, &err), CRM_OK);
	e = h->items[1];
	cr_assert_null(crm_map_get(e, "from"), "no due before: no from");
	cr_assert_null(crm_map_get(e, "by"));
	crm_record_free(r);
}

/* The check of one rescheduled value written as YAML: its status, and
 * the message into msg. */
static int check_yaml(const char *yaml, char *msg, size_t size)
{
	struct crm_node *n;
	struct crm_err err = {0};
	struct crm_buf b = {0};
	int rc;

	crm_buf_addf(&b, "rescheduled:\n%s", yaml);
	cr_assert_eq(crm_yaml_parse(b.s, b.len, &n, &err), CRM_OK, "%s",
		     err.msg);
	rc = crm_rescheduled_check(crm_map_get(n, "rescheduled"),
				   "rescheduled", &err);
	snprintf(msg, size, "%.200s", err.msg);
	crm_node_free(n);
	crm_buf_free(&b);
	return rc;
}

Test(tasks, rescheduled_check)
{
	char msg[256];

	cr_assert_eq(check_yaml("- {from: '2026-03-01', to: '2026-03-02', "
				"at: '2026-03-01T10:00:00Z', by: ann}\n", msg,
				sizeof(msg)), CRM_OK, "%s", msg);
	cr_assert_eq(check_yaml("- {to: '2026-03-02', at: "
				"'2026-03-01T10:00:00Z'}\n", msg, sizeof(msg)),
		     CRM_OK, "from and by may be left out: %s", msg);
	cr_assert_eq(check_yaml("  x\n", msg, sizeof(msg)), CRM_ERR);
	cr_assert(strstr(msg, "must be a list"), "%s", msg);
	cr_assert_eq(check_yaml("- x\n", msg, sizeof(msg)), CRM_ERR);
	cr_assert(strstr(msg, "items must be mappings"), "%s", msg);
	cr_assert_eq(check_yaml("- {at: '2026-03-01T10:00:00Z'}\n", msg,
				sizeof(msg)), CRM_ERR);
	cr_assert(strstr(msg, "an entry needs 'to'"), "%s", msg);
	cr_assert_eq(check_yaml("- {to: soon, at: '2026-03-01T10:00:00Z'}\n",
				msg, sizeof(msg)), CRM_ERR);
	cr_assert(strstr(msg, "'to' of an entry is no date"), "%s", msg);
	cr_assert_eq(check_yaml("- {to: '2026-03-02', at: "
				"'2026-03-01T10:00:00Z', by: ''}\n", msg,
				sizeof(msg)), CRM_ERR);
	cr_assert(strstr(msg, "'by' of an entry must not be empty"), "%s", msg);
	cr_assert_eq(check_yaml("- {to: [a], at: '2026-03-01T10:00:00Z'}\n",
				msg, sizeof(msg)), CRM_ERR);
	cr_assert(strstr(msg, "single value"), "%s", msg);
}
