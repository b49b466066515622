/*
 * test_digest.c - the morning digest (digest.c, digeststate.c) on a real
 * store: its sections, their limits and totals, the birthdays of the
 * week and of the days missed (29 February in a year without one), the
 * day kept under .git/crm/digest/.
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
#include "digest.h"
#include "fixture.h"

#define NOW ((time_t)1772359200) /* 2026-03-01T10:00:00Z, a Sunday */

static char ddir[64];
static struct crm_store *dst;

static void setup(void)
{
	dst = fixture_store("digest", ddir, sizeof(ddir), NOW);
	fixture_add(dst, NOW, CRM_COMPANY, "c000000001", "ООО Ромашка",
	    "phones", "+7 495 123-45-67", "owner", "ann", NULL);
	fixture_add(dst, NOW, CRM_COMPANY, "c000000002", "Idle Ltd",
	    "owner", "ann", NULL);
	fixture_add(dst, NOW, CRM_CONTACT, "p000000001", "Leap Day",
	    "company", "c000000001", "birthday", "1992-02-29", "owner", "ann", NULL);
	fixture_add(dst, NOW, CRM_CONTACT, "p000000002", "Next Week",
	    "company", "c000000001", "phones", "+7 916 000-11-22",
	    "birthday", "1980-03-05", "owner", "ann", NULL);
	fixture_add(dst, NOW, CRM_TASK, "t000000001", "two days ago", "for",
	    "c000000001", "due", "2026-02-27", "owner", "ann", NULL);
	fixture_add(dst, NOW, CRM_TASK, "t000000002", "yesterday", "for",
	    "p000000001", "due", "2026-02-28", "owner", "ann", NULL);
	fixture_add(dst, NOW, CRM_TASK, "t000000003", "this morning", "for",
	    "p000000002", "due", "2026-03-01T08:00:00Z", "owner", "ann", NULL);
	fixture_add(dst, NOW, CRM_TASK, "t000000004", "tonight", "for",
	    "c000000001", "due", "2026-03-01T20:00:00Z", "owner", "ann", NULL);
	fixture_add(dst, NOW, CRM_TASK, "t000000005", "in a week", "for",
	    "c000000001", "due", "2026-03-08", "owner", "ann", NULL);
	fixture_add(dst, NOW, CRM_TASK, "t000000006", "in two weeks", "for",
	    "c000000001", "due", "2026-03-15", "owner", "ann", NULL);
}

static void teardown(void)
{
	fixture_remove(dst, ddir);
	dst = NULL;
}

TestSuite(digest, .init = setup, .fini = teardown);

/* The digest of ann at NOW with limit and missed days. */
static struct crm_digest *gather(size_t limit, int missed)
{
	static const char *const owners[] = {"ann"};
	struct crm_digest_query q = {owners, 1, NOW, 7, &missed, limit};
	struct crm_digest *d = NULL;
	struct crm_err err = {0};

	cr_assert_eq(crm_digest_gather(dst, &q, &d, &err), CRM_OK, "%s",
		     err.msg);
	return d;
}

/* The last characters of the ids of section k of d, in order. */
static void ids(const struct crm_digest *d, enum crm_digest_kind k,
		char *buf, size_t size)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < d->sec[k].n && n + 1 < size; i++) {
		buf[n++] = d->sec[k].items[i].id[9];
		buf[n] = '\0';
	}
}

Test(digest, sections)
{
	struct crm_digest *d = gather(0, 0);
	char got[16];

	ids(d, CRM_DIGEST_OVERDUE, got, sizeof(got));
	cr_assert_str_eq(got, "123", "overdue: by due, this morning's too");
	cr_assert_eq(d->sec[CRM_DIGEST_OVERDUE].items[0].days, 2);
	cr_assert_str_eq(d->sec[CRM_DIGEST_OVERDUE].items[0].phone,
			 "+7 495 123-45-67");
	ids(d, CRM_DIGEST_TODAY, got, sizeof(got));
	cr_assert_str_eq(got, "4", "today: tonight");
	ids(d, CRM_DIGEST_UPCOMING, got, sizeof(got));
	cr_assert_str_eq(got, "5", "the next 7 days, not the 15th");
	/* the first company and both contacts have tasks */
	ids(d, CRM_DIGEST_NO_TASK, got, sizeof(got));
	cr_assert_str_eq(got, "2", "the company with no task: %s", got);
	ids(d, CRM_DIGEST_BIRTHDAY, got, sizeof(got));
	cr_assert_str_eq(got, "2", "this week's birthday only: %s", got);
	cr_assert_str_eq(d->sec[CRM_DIGEST_BIRTHDAY].items[0].when,
			 "2026-03-05");
	cr_assert_eq(d->sec[CRM_DIGEST_BIRTHDAY].items[0].days, 46);
	cr_assert_str_eq(d->sec[CRM_DIGEST_BIRTHDAY].items[0].client,
			 "ООО Ромашка");
	cr_assert(!crm_digest_empty(d));
	crm_digests_free(d, 1);
}

Test(digest, limit_keeps_the_first_and_counts_all)
{
	struct crm_digest *d = gather(1, 0);

	cr_assert_eq(d->sec[CRM_DIGEST_OVERDUE].n, 1);
	cr_assert_eq(d->sec[CRM_DIGEST_OVERDUE].total, 3);
	cr_assert_str_eq(d->sec[CRM_DIGEST_OVERDUE].items[0].id, "t000000001");
	crm_digests_free(d, 1);
}

Test(digest, missed_days_cover_leap_day_birthdays)
{
	struct crm_digest *d = gather(0, 1);
	char got[16];

	ids(d, CRM_DIGEST_BIRTHDAY, got, sizeof(got));
	cr_assert_str_eq(got, "12", "29 February is kept on the 28th in 2026: %s", got);
	cr_assert_str_eq(d->sec[CRM_DIGEST_BIRTHDAY].items[0].when,
			 "2026-02-28");
	cr_assert_eq(d->sec[CRM_DIGEST_BIRTHDAY].items[0].days, 34);
	crm_digests_free(d, 1);
}

Test(digest, tasks_count)
{
	struct crm_due_query q = {0};
	struct crm_err err = {0};
	size_t n = 0;

	q.owner = "ann";
	q.now = NOW;
	q.until = NOW + 30 * 86400;
	cr_assert_eq(crm_tasks_count(dst, &q, &n, NULL, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(n, 6);
	q.since = NOW - 10 * 3600; /* today's midnight */
	q.until = NOW + 14 * 3600;
	cr_assert_eq(crm_tasks_count(dst, &q, &n, NULL, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(n, 2, "today's");
}

Test(digest, state)
{
	struct crm_digest_mark m;
	struct crm_err err = {0};
	char day[11], path[128];
	FILE *f;

	cr_assert_eq(crm_digest_last(dst, "ann", day, &err), CRM_OK);
	cr_assert_str_eq(day, "", "never made");
	cr_assert_eq(crm_digest_mark_begin(dst, "ann", &m, &err), CRM_OK,
		     "%s", err.msg);
	cr_assert_eq(crm_digest_mark_commit(&m, "2026-03-01", &err), CRM_OK,
		     "%s", err.msg);
	cr_assert_eq(crm_digest_last(dst, "ann", day, &err), CRM_OK);
	cr_assert_str_eq(day, "2026-03-01");
	cr_assert_eq(crm_digest_mark_begin(dst, "ann", &m, &err), CRM_OK);
	crm_digest_mark_abort(&m);
	cr_assert_eq(crm_digest_last(dst, "ann", day, &err), CRM_OK);
	cr_assert_str_eq(day, "2026-03-01", "an abort keeps the day");
	snprintf(path, sizeof(path), "%s/.git/crm/digest/ann", ddir);
	f = fopen(path, "w");
	cr_assert(f != NULL);
	fputs("2026-13-01\n", f);
	fclose(f);
	cr_assert_eq(crm_digest_last(dst, "ann", day, &err), CRM_ECORRUPT);
	cr_assert_str_eq(day, "");
	cr_assert_eq(crm_digest_last(dst, "../x", day, &err), CRM_EUSAGE);
	cr_assert_eq(crm_digest_mark_begin(dst, "a/b", &m, &err), CRM_EUSAGE);
	cr_assert_eq(crm_digest_last(dst, CRM_DIGEST_ALL, day, &err), CRM_OK);
}
