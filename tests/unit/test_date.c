/*
 * test_date.c - dates as users type them and as records store them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crm.h"

/* Sets the process time zone. */
static void use_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static void tz_moscow(void)
{
	use_tz("Europe/Moscow");
}

static void tz_new_york(void)
{
	use_tz("America/New_York");
}

static void tz_utc(void)
{
	use_tz("UTC");
}

/* The time_t of a UTC calendar time. */
static time_t utc(int y, int mon, int d, int h, int min, int s)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = min;
	tm.tm_sec = s;
	return timegm(&tm);
}

/* Sunday 2026-11-22 12:00 UTC. */
static time_t sunday_noon(void)
{
	return utc(2026, 11, 22, 12, 0, 0);
}

/* Parses s relative to now, expects success and the stored form want. */
static void expect_date(const char *s, time_t now, const char *want,
			bool has_time)
{
	struct crm_err err = { 0 };
	struct crm_date d;
	char buf[64];

	cr_assert_eq(crm_date_parse(s, now, &d, &err), CRM_OK,
		     "'%s': %s", s, err.msg);
	crm_date_format(&d, buf, sizeof(buf));
	cr_expect_str_eq(buf, want, "'%s' gave %s, want %s", s, buf, want);
	cr_expect_eq(d.has_time, has_time, "'%s': has_time", s);
}

/* Expects s to be refused with CRM_EUSAGE and a message quoting it. */
static void expect_invalid(const char *s)
{
	struct crm_err err = { 0 };
	struct crm_date d = { .when = 42, .has_time = true };
	char quoted[256];

	cr_expect_eq(crm_date_parse(s, sunday_noon(), &d, &err), CRM_EUSAGE,
		     "'%s' accepted", s);
	cr_expect_eq(err.status, CRM_EUSAGE);
	snprintf(quoted, sizeof(quoted), "cannot read date '%s'", s);
	cr_expect(strstr(err.msg, quoted) != NULL ||
		  (!crm_utf8_valid(s, strlen(s)) &&
		   strncmp(err.msg, "cannot read date: invalid UTF-8", 31) == 0),
		  "'%s': message %s", s, err.msg);
	cr_expect_eq(d.when, 42, "'%s': out changed", s);
}

TestSuite(date_msk, .init = tz_moscow);
TestSuite(date_ny, .init = tz_new_york);
TestSuite(date_utc, .init = tz_utc);

Test(date_msk, words)
{
	time_t now = sunday_noon();

	expect_date("today", now, "2026-11-22", false);
	expect_date("tomorrow", now, "2026-11-23", false);
	expect_date("yesterday", now, "2026-11-21", false);
	expect_date("now", now, "2026-11-22T15:00:00+03:00", true);
	expect_date("  TODAY \t", now, "2026-11-22", false);
	expect_date("Tomorrow", now, "2026-11-23", false);
}

Test(date_msk, whole_day_is_local_midnight)
{
	struct crm_date d;

	cr_assert_eq(crm_date_parse("today", sunday_noon(), &d, NULL), CRM_OK);
	cr_expect_eq(d.when, utc(2026, 11, 21, 21, 0, 0));
	cr_assert_eq(crm_date_parse("2026-12-01", sunday_noon(), &d, NULL),
		     CRM_OK);
	cr_expect_eq(d.when, utc(2026, 11, 30, 21, 0, 0));
}

Test(date_msk, day_boundary_uses_local_date)
{
	/* 22:30 UTC on the 22nd is already the 23rd in Moscow. */
	time_t now = utc(2026, 11, 22, 22, 30, 0);

	expect_date("today", now, "2026-11-23", false);
	expect_date("now", now, "2026-11-23T01:30:00+03:00", true);
}

Test(date_msk, weekdays)
{
	time_t now = sunday_noon();

	expect_date("sunday", now, "2026-11-29", false);
	expect_date("sun", now, "2026-11-29", false);
	expect_date("monday", now, "2026-11-23", false);
	expect_date("Mon", now, "2026-11-23", false);
	expect_date("tuesday", now, "2026-11-24", false);
	expect_date("wed", now, "2026-11-25", false);
	expect_date("thursday", now, "2026-11-26", false);
	expect_date("fri", now, "2026-11-27", false);
	expect_date("SATURDAY", now, "2026-11-28", false);
}

Test(date_msk, relative_days_and_weeks)
{
	time_t now = sunday_noon();

	expect_date("+3d", now, "2026-11-25", false);
	expect_date("3d", now, "2026-11-25", false);
	expect_date("-3d", now, "2026-11-19", false);
	expect_date("+0d", now, "2026-11-22", false);
	expect_date("+2w", now, "2026-12-06", false);
	expect_date("-1w", now, "2026-11-15", false);
	expect_date("+10d", now, "2026-12-02", false);
	expect_date("+40D", now, "2027-01-01", false);
	expect_date("+100000d", now, "2300-09-07", false);
}

Test(date_msk, relative_moments)
{
	time_t now = sunday_noon();

	expect_date("+2h", now, "2026-11-22T17:00:00+03:00", true);
	expect_date("-1h", now, "2026-11-22T14:00:00+03:00", true);
	expect_date("+15m", now, "2026-11-22T15:15:00+03:00", true);
	expect_date("+10h", now, "2026-11-23T01:00:00+03:00", true);
	expect_date("90m", now, "2026-11-22T16:30:00+03:00", true);
}

Test(date_msk, absolute)
{
	time_t now = sunday_noon();

	expect_date("2026-12-01", now, "2026-12-01", false);
	expect_date("2028-02-29", now, "2028-02-29", false);
	expect_date("2000-02-29", now, "2000-02-29", false);
	expect_date("2026-12-01 15:30", now, "2026-12-01T15:30:00+03:00",
		    true);
	expect_date("2026-12-01T15:30", now, "2026-12-01T15:30:00+03:00",
		    true);
	expect_date("2026-12-01t15:30:45", now, "2026-12-01T15:30:45+03:00",
		    true);
	expect_date("2026-12-01T15:30Z", now, "2026-12-01T18:30:00+03:00",
		    true);
	expect_date("2026-12-01T15:30:00z", now, "2026-12-01T18:30:00+03:00",
		    true);
	expect_date("2026-12-01T15:30+03:00", now,
		    "2026-12-01T15:30:00+03:00", true);
	expect_date("2026-12-01 15:30+0300", now, "2026-12-01T15:30:00+03:00",
		    true);
	expect_date("2026-12-01T15:30:00-05:00", now,
		    "2026-12-01T23:30:00+03:00", true);
	expect_date("2026-12-01T23:30-05:30", now,
		    "2026-12-02T08:00:00+03:00", true);
	expect_date("2026-12-01T00:00", now, "2026-12-01T00:00:00+03:00",
		    true);
	expect_date(" 2026-12-01 ", now, "2026-12-01", false);
}

Test(date_msk, offset_is_exact)
{
	struct crm_date d;

	cr_assert_eq(crm_date_parse("2026-12-01T15:30:10+03:00", 0, &d, NULL),
		     CRM_OK);
	cr_expect_eq(d.when, utc(2026, 12, 1, 12, 30, 10));
	cr_assert_eq(crm_date_parse("2026-12-01T15:30:10-05:00", 0, &d, NULL),
		     CRM_OK);
	cr_expect_eq(d.when, utc(2026, 12, 1, 20, 30, 10));
}

Test(date_msk, invalid)
{
	static const char *const bad[] = {
		"", "   ", "2026-13-01", "2026-00-10", "2026-02-29",
		"2026-04-31", "2026-12-00", "2026-12-32", "0000-01-01",
		"12/01/2026", "2026-12-1", "26-12-01", "2026-12-01x",
		"+d", "d", "+", "+3", "3", "+3x", "+3dd", "++3d", "+-3d",
		"+ 3d", "+99999999999d", "+100001d", "+18446744073709551617h",
		"tomorow", "mond", "mo", "nowx", "today tomorrow",
		"2026-12-01 25:00", "2026-12-01 24:00", "2026-12-01 12:60",
		"2026-12-01 12:00:60", "2026-12-01 12",
		"2026-12-01T",
		"2026-12-01T10:00+25:00", "2026-12-01T10:00+03:60",
		"2026-12-01T10:00+3", "2026-12-01T10:00+03:0",
		"2026-12-01T10:00 +03:00", "2026-12-01T10:00:00Zz",
		"2026-12-01_10:00", "\xff\xfe", "tod\xc3\x28y", "2026-12-01\xe2",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_invalid(bad[i]);
}

Test(date_msk, invalid_message)
{
	struct crm_err err = { 0 };
	struct crm_date d;

	cr_assert_eq(crm_date_parse("tomorow", 0, &d, &err), CRM_EUSAGE);
	cr_expect_str_eq(err.msg,
			 "cannot read date 'tomorow' (did you mean "
			 "'tomorrow'?)");
}

Test(date_msk, very_long_input)
{
	char s[5000];
	struct crm_err err = { 0 };
	struct crm_date d;

	memset(s, '1', sizeof(s) - 2);
	s[sizeof(s) - 2] = 'd';
	s[sizeof(s) - 1] = '\0';
	cr_expect_eq(crm_date_parse(s, 0, &d, &err), CRM_EUSAGE);
	cr_expect(strncmp(err.msg, "cannot read date '111", 21) == 0);
}

Test(date_utc, format_utc_offset)
{
	time_t now = sunday_noon();

	expect_date("now", now, "2026-11-22T12:00:00+00:00", true);
	expect_date("today", now, "2026-11-22", false);
	expect_date("2026-12-01T15:30+03:00", now,
		    "2026-12-01T12:30:00+00:00", true);
	expect_date("sunday", now, "2026-11-29", false);
}

Test(date_ny, format_negative_offset)
{
	time_t now = sunday_noon();

	expect_date("now", now, "2026-11-22T07:00:00-05:00", true);
	expect_date("2026-07-04 09:15", now, "2026-07-04T09:15:00-04:00",
		    true);
	expect_date("2026-12-01 09:15", now, "2026-12-01T09:15:00-05:00",
		    true);
}

Test(date_ny, days_across_fall_back)
{
	/* Saturday 2026-10-31 12:00 EDT; clocks go back on 2026-11-01. */
	time_t now = utc(2026, 10, 31, 16, 0, 0);
	struct crm_date d1, d2;

	expect_date("+1d", now, "2026-11-01", false);
	expect_date("tomorrow", now, "2026-11-01", false);
	expect_date("+2d", now, "2026-11-02", false);
	expect_date("sunday", now, "2026-11-01", false);
	expect_date("monday", now, "2026-11-02", false);
	expect_date("+1w", now, "2026-11-07", false);
	cr_assert_eq(crm_date_parse("+1d", now, &d1, NULL), CRM_OK);
	cr_assert_eq(crm_date_parse("+2d", now, &d2, NULL), CRM_OK);
	cr_expect_eq(d1.when, utc(2026, 11, 1, 4, 0, 0));
	cr_expect_eq(d2.when, utc(2026, 11, 2, 5, 0, 0));
	cr_expect_eq(d2.when - d1.when, 25 * 3600);
}

Test(date_ny, days_across_fall_back_late_evening)
{
	/* 2026-11-01 23:30 EST: "-1d" is 2026-10-31 although 24h ago was too. */
	time_t now = utc(2026, 11, 2, 4, 30, 0);

	expect_date("today", now, "2026-11-01", false);
	expect_date("-1d", now, "2026-10-31", false);
	expect_date("+1d", now, "2026-11-02", false);
}

Test(date_ny, days_across_spring_forward)
{
	/* 2026-03-08 00:30 EST; clocks go forward at 02:00. */
	time_t now = utc(2026, 3, 8, 5, 30, 0);
	struct crm_date d;

	expect_date("today", now, "2026-03-08", false);
	expect_date("+1d", now, "2026-03-09", false);
	expect_date("-1d", now, "2026-03-07", false);
	cr_assert_eq(crm_date_parse("+1d", now, &d, NULL), CRM_OK);
	cr_expect_eq(d.when, utc(2026, 3, 9, 4, 0, 0));
	expect_date("+2h", now, "2026-03-08T03:30:00-04:00", true);
}

Test(date_ny, hours_across_fall_back)
{
	/* 2026-11-01 00:30 EDT; two real hours later is 01:30 EST. */
	time_t now = utc(2026, 11, 1, 4, 30, 0);

	expect_date("now", now, "2026-11-01T00:30:00-04:00", true);
	expect_date("+1h", now, "2026-11-01T01:30:00-04:00", true);
	expect_date("+2h", now, "2026-11-01T01:30:00-05:00", true);
	expect_date("+3h", now, "2026-11-01T02:30:00-05:00", true);
}

Test(date_ny, stored_round_trip_across_fall_back)
{
	struct crm_date d;
	char buf[64];

	/* Both 01:30s of 2026-11-01 are told apart by their offsets. */
	cr_assert_eq(crm_date_parse_stored("2026-11-01T01:30:00-04:00", &d),
		     CRM_OK);
	cr_expect_eq(d.when, utc(2026, 11, 1, 5, 30, 0));
	crm_date_format(&d, buf, sizeof(buf));
	cr_expect_str_eq(buf, "2026-11-01T01:30:00-04:00");
	cr_assert_eq(crm_date_parse_stored("2026-11-01T01:30:00-05:00", &d),
		     CRM_OK);
	cr_expect_eq(d.when, utc(2026, 11, 1, 6, 30, 0));
	crm_date_format(&d, buf, sizeof(buf));
	cr_expect_str_eq(buf, "2026-11-01T01:30:00-05:00");
}

/* Expects the stored form s to parse and to format back as s. */
static void expect_stored(const char *s, bool has_time)
{
	struct crm_date d;
	char buf[64];

	cr_assert_eq(crm_date_parse_stored(s, &d), CRM_OK, "'%s' refused", s);
	cr_expect_eq(d.has_time, has_time, "'%s': has_time", s);
	crm_date_format(&d, buf, sizeof(buf));
	cr_expect_str_eq(buf, s);
}

Test(date_msk, stored_round_trip)
{
	expect_stored("2026-12-01", false);
	expect_stored("2028-02-29", false);
	expect_stored("1969-07-20", false);
	expect_stored("2026-12-01T15:30:00+03:00", true);
	expect_stored("2026-12-01T00:00:59+03:00", true);
	expect_stored("9999-12-31", false);
}

Test(date_msk, stored_other_offsets)
{
	struct crm_date d;
	char buf[64];

	cr_assert_eq(crm_date_parse_stored("2026-12-01T12:00:00Z", &d), CRM_OK);
	cr_expect_eq(d.when, utc(2026, 12, 1, 12, 0, 0));
	cr_expect(d.has_time);
	crm_date_format(&d, buf, sizeof(buf));
	cr_expect_str_eq(buf, "2026-12-01T15:00:00+03:00");
	cr_assert_eq(crm_date_parse_stored("2026-12-01T12:00:00-05:00", &d),
		     CRM_OK);
	cr_expect_eq(d.when, utc(2026, 12, 1, 17, 0, 0));
	cr_assert_eq(crm_date_parse_stored("2026-12-01T12:00:00+00:00", &d),
		     CRM_OK);
	cr_expect_eq(d.when, utc(2026, 12, 1, 12, 0, 0));
}

Test(date_msk, stored_near_misses)
{
	static const char *const bad[] = {
		"", "2026-12-1", "2026-12-01 ", " 2026-12-01",
		"2026-12-01T15:30", "2026-12-01T15:30:00",
		"2026-12-01 15:30:00+03:00", "2026-12-01t15:30:00+03:00",
		"2026-12-01T15:30:00z", "2026-12-01T15:30:00+0300",
		"2026-12-01T15:30:00+03", "2026-12-01T15:30:00+24:00",
		"2026-12-01T15:30:00.5+03:00", "2026-12-01T24:00:00Z",
		"2026-02-29", "2026-13-01", "today", "now",
		"2026-12-01T15:30:00+03:00x", "20261201",
	};
	struct crm_date d = { .when = 42 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(crm_date_parse_stored(bad[i], &d), CRM_ERR,
			     "'%s' accepted", bad[i]);
	cr_expect_eq(d.when, 42);
}

Test(date_msk, stored_reads_back_every_user_form)
{
	static const char *const forms[] = {
		"today", "now", "monday", "+3d", "+2h", "2026-12-01",
		"2026-12-01 15:30", "2026-12-01T15:30:10-05:00",
	};
	struct crm_date d, back;
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		cr_assert_eq(crm_date_parse(forms[i], sunday_noon(), &d, NULL),
			     CRM_OK);
		crm_date_format(&d, buf, sizeof(buf));
		cr_assert_eq(crm_date_parse_stored(buf, &back), CRM_OK, "%s",
			     buf);
		cr_expect_eq(back.when, d.when, "%s", forms[i]);
		cr_expect_eq(back.has_time, d.has_time, "%s", forms[i]);
	}
}

Test(date_msk, now_string)
{
	char buf[64];

	crm_date_now(sunday_noon(), buf, sizeof(buf));
	cr_expect_str_eq(buf, "2026-11-22T15:00:00+03:00");
}

Test(date_ny, now_string)
{
	char buf[64];

	crm_date_now(utc(2026, 7, 1, 12, 0, 0), buf, sizeof(buf));
	cr_expect_str_eq(buf, "2026-07-01T08:00:00-04:00");
}

Test(date_msk, format_small_buffer)
{
	struct crm_date d = { .when = sunday_noon(), .has_time = true };
	char buf[10];

	memset(buf, 'x', sizeof(buf));
	crm_date_format(&d, buf, sizeof(buf));
	cr_expect_str_eq(buf, "");
}
