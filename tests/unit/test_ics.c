/*
 * test_ics.c - open tasks as iCalendar (ics.c, through crm-ical.so): the
 * entries of a real store's tasks, the query, events, time zones, and a
 * writer that stops.  The expected lines are written out by hand from
 * RFC 5545, not computed by the code under test.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "crm.h"
#include "fixture.h"
#include "ics.h"
#include "module.h"

#define NOW ((time_t)1772359200) /* 2026-03-01T10:00:00Z */

static char tdir[64];
static struct crm_store *tst;

/* The modules built next to this test program, as the command-line
 * layer finds them. */
static void find_modules(void)
{
	char dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	char *slash;

	if (n <= 0)
		return;
	dir[n] = '\0';
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		crm_module_set_dir(dir);
	}
}

static void setup(void)
{
	find_modules();
	tst = fixture_store("ics", tdir, sizeof(tdir), NOW);
	fixture_add(tst, NOW, CRM_COMPANY, "c000000001", "ООО Ромашка",
	    "phones", "+7 495 123-45-67", NULL);
	fixture_add(tst, NOW, CRM_TASK, "t000000001", "Позвонить; уточнить, \\ всё",
	    "for", "c000000001", "due", "2026-03-02", "priority", "high",
	    "owner", "ann", NULL);
	fixture_add(tst, NOW, CRM_TASK, "t000000002", "at a time", "for",
	    "c000000001", "due", "2026-03-02T08:30:00Z", "priority", "low",
	    NULL);
	fixture_add(tst, NOW, CRM_TASK, "t000000003", "undated", "for",
	    "c000000001", NULL);
}

static void teardown(void)
{
	fixture_remove(tst, tdir);
	tst = NULL;
}

TestSuite(ics, .init = setup, .fini = teardown);

/* A writer appending to a crm_buf. */
static int to_buf(const char *text, size_t len, void *data)
{
	crm_buf_add(data, text, len);
	return 0;
}

/* The calendar of the tasks words select (NULL: all), as o asks, with
 * its counts into *n; caller frees. */
static char *export(const char *words, struct crm_ics_opts *o,
		    struct crm_ics_counts *n)
{
	struct crm_buf b = {0};
	struct crm_err err = {0};
	struct crm_query *q = NULL;
	const char *w[1] = {words};

	cr_assert_eq(crm_query_parse(w, words ? 1 : 0, NOW, &q, &err), CRM_OK,
		     "%s", err.msg);
	o->query = q;
	o->write = to_buf;
	o->data = &b;
	cr_assert_eq(crm_ics_export(tst, o, n, &err), CRM_OK, "%s", err.msg);
	crm_query_free(q);
	crm_buf_add(&b, "", 0);
	return crm_buf_detach(&b);
}

/* How many times needle is in s. */
static int count(const char *s, const char *needle)
{
	int n = 0;

	for (; (s = strstr(s, needle)) != NULL; s += strlen(needle))
		n++;
	return n;
}

Test(ics, every_open_task_a_vtodo)
{
	struct crm_ics_opts o = {.zone = "UTC"};
	struct crm_ics_counts n;
	char *got = export(NULL, &o, &n);

	cr_assert_eq(n.entries, 3);
	cr_assert_eq(count(got, "BEGIN:VTODO\r\n"), 3);
	cr_assert(strncmp(got, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30) == 0);
	cr_assert(strstr(got, "\r\nEND:VCALENDAR\r\n") + 17 == got + strlen(got));
	cr_assert(strstr(got, "UID:t000000001@crm\r\n"));
	cr_assert(strstr(got, "SUMMARY:Позвонить\\; уточнить\\, \\\\ всё\r\n"),
		  "%s", got);
	cr_assert(strstr(got, "DUE;VALUE=DATE:20260302\r\n"));
	cr_assert(strstr(got, "DUE:20260302T083000Z\r\n"));
	cr_assert(strstr(got, "PRIORITY:1\r\n"));
	cr_assert(strstr(got, "PRIORITY:9\r\n"));
	cr_assert_eq(count(got, "PRIORITY:"), 2, "none without a priority");
	cr_assert(strstr(got, "DTSTAMP:20260301T100000Z\r\n"));
	cr_assert(strstr(got, "SEQUENCE:0\r\n"));
	cr_assert(strstr(got, "STATUS:NEEDS-ACTION\r\n"));
	cr_assert_null(strstr(got, "VTIMEZONE"), "UTC has none");
	free(got);
}

Test(ics, the_query_selects)
{
	struct crm_ics_opts o = {.zone = "UTC"};
	struct crm_ics_counts n;
	char *got = export("priority:low", &o, &n);

	cr_assert_eq(n.entries, 1);
	cr_assert(strstr(got, "UID:t000000002@crm"));
	cr_assert_null(strstr(got, "UID:t000000001@crm"));
	free(got);
}

Test(ics, events_and_zones)
{
	struct crm_ics_opts o = {.zone = "Europe/Moscow", .events = true,
				 .minutes = 45};
	struct crm_ics_counts n;
	char *got = export(NULL, &o, &n);

	cr_assert_eq(n.entries, 2);
	cr_assert_eq(n.undated, 1);
	cr_assert_eq(count(got, "BEGIN:VEVENT\r\n"), 2);
	cr_assert(strstr(got, "TZID:Europe/Moscow\r\n"), "the VTIMEZONE");
	cr_assert(strstr(got, "DTSTART;TZID=Europe/Moscow:20260302T113000\r\n"),
		  "%s", got);
	cr_assert(strstr(got, "DTEND;TZID=Europe/Moscow:20260302T121500\r\n"));
	cr_assert(strstr(got, "DTSTART;VALUE=DATE:20260302\r\n"));
	cr_assert(strstr(got, "DTEND;VALUE=DATE:20260303\r\n"));
	free(got);
}

Test(ics, unknown_zones)
{
	struct crm_ics_opts o = {.zone = "Mars/Olympus", .write = to_buf};
	struct crm_ics_counts n;
	struct crm_buf b = {0};
	struct crm_err err = {0};

	o.data = &b;
	cr_assert_eq(crm_ics_export(tst, &o, &n, &err), CRM_EUSAGE);
	cr_assert(strstr(err.msg, "unknown time zone 'Mars/Olympus'"), "%s",
		  err.msg);
	o.zone = "../../etc/passwd";
	cr_assert_eq(crm_ics_export(tst, &o, &n, &err), CRM_EUSAGE);
	cr_assert_eq(b.len, 0, "nothing written");
	crm_buf_free(&b);
}

/* A writer that fails at its second piece. */
static int fail_second(const char *text, size_t len, void *data)
{
	int *calls = data;

	(void)text;
	(void)len;
	return ++*calls == 2 ? 7 : 0;
}

Test(ics, a_writer_that_stops)
{
	int calls = 0;
	struct crm_ics_opts o = {.zone = "UTC", .write = fail_second,
				 .data = &calls};
	struct crm_ics_counts n;
	struct crm_err err = {0};

	cr_assert_eq(crm_ics_export(tst, &o, &n, &err), 7);
	cr_assert_eq(calls, 2, "nothing written after the stop");
}
