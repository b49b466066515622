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

/* Expects s, read at now, refused with exactly the message want. */
static void expect_message(const char *s, time_t now, const char *want)
{
	struct crm_err err = { 0 };
	struct crm_date d = { .when = 42 };

	cr_expect_eq(crm_date_parse(s, now, &d, &err), CRM_EUSAGE,
		     "'%s' accepted", s);
	cr_expect_str_eq(err.msg, want, "'%s': %s", s, err.msg);
	cr_expect_eq(d.when, 42, "'%s': out changed", s);
}

Test(date_msk, day_past_the_month)
{
	time_t now = sunday_noon();

	expect_message("31.02.2026", now, "cannot read date '31.02.2026': "
		       "February 2026 has only 28 days");
	expect_message("2026-02-31", now, "cannot read date '2026-02-31': "
		       "February 2026 has only 28 days");
	expect_message("29.02.2027", now, "cannot read date '29.02.2027': "
		       "February 2027 has only 28 days");
	expect_message("2100-02-29", now, "cannot read date '2100-02-29': "
		       "February 2100 has only 28 days");
	expect_message("2028-02-30", now, "cannot read date '2028-02-30': "
		       "February 2028 has only 29 days");
	expect_message("31.04.2026 15:00", now, "cannot read date "
		       "'31.04.2026 15:00': April 2026 has only 30 days");
	expect_message("2026-06-31T10:00+03:00", now, "cannot read date "
		       "'2026-06-31T10:00+03:00': June 2026 has only 30 days");
	expect_message("31 ноября 2026", now, "cannot read date "
		       "'31 ноября 2026': November 2026 has only 30 days");
	expect_message("32.01.2026", now, "cannot read date '32.01.2026': "
		       "January 2026 has only 31 days");
	/* without a year: the coming February, 2027's */
	expect_message("feb 29", now, "cannot read date 'feb 29': "
		       "February 2027 has only 28 days");
	/* a day 0 or a month 13 is no day of a month: the usual message */
	expect_invalid("00.01.2026");
	expect_invalid("31.13.2026");
	/* 29 February exists in leap years */
	expect_date("29.02.2028", now, "2028-02-29", false);
	expect_date("2000-02-29", now, "2000-02-29", false);
	expect_date("29 feb 2028", now, "2028-02-29", false);
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

/* Parses s as a date of kind relative to now; expects the stored form
 * want. */
static void expect_kind(const char *s, enum crm_date_kind kind, time_t now,
			const char *want)
{
	struct crm_err err = { 0 };
	struct crm_date d;
	char buf[64];

	cr_assert_eq(crm_date_parse_as(s, now, kind, &d, &err), CRM_OK,
		     "'%s': %s", s, err.msg);
	crm_date_format(&d, buf, sizeof(buf));
	cr_expect_str_eq(buf, want, "'%s' gave %s, want %s", s, buf, want);
}

/* Expects s refused as a date of kind with exactly the message want. */
static void expect_kind_refused(const char *s, enum crm_date_kind kind,
				const char *want)
{
	struct crm_err err = { 0 };
	struct crm_date d = { .when = 42 };

	cr_expect_eq(crm_date_parse_as(s, sunday_noon(), kind, &d, &err),
		     CRM_EUSAGE, "'%s' accepted", s);
	cr_expect_str_eq(err.msg, want);
	cr_expect_eq(d.when, 42);
}

Test(date_msk, russian_words)
{
	time_t now = sunday_noon();

	expect_date("сегодня", now, "2026-11-22", false);
	expect_date("Завтра", now, "2026-11-23", false);
	expect_date("ЗАВТРА", now, "2026-11-23", false);
	expect_date("послезавтра", now, "2026-11-24", false);
	expect_date("вчера", now, "2026-11-21", false);
	expect_date("позавчера", now, "2026-11-20", false);
	expect_date("сейчас", now, "2026-11-22T15:00:00+03:00", true);
	expect_date("завтра 15:00", now, "2026-11-23T15:00:00+03:00", true);
	expect_date("завтра в 9:30", now, "2026-11-23T09:30:00+03:00", true);
	expect_date("сегодня в 18:05:30", now, "2026-11-22T18:05:30+03:00",
		    true);
}

Test(date_msk, relative_phrases)
{
	time_t now = sunday_noon();

	expect_date("через 3 дня", now, "2026-11-25", false);
	expect_date("через 5 дней", now, "2026-11-27", false);
	expect_date("через день", now, "2026-11-23", false);
	expect_date("через 2 часа", now, "2026-11-22T17:00:00+03:00", true);
	expect_date("через час", now, "2026-11-22T16:00:00+03:00", true);
	expect_date("через 15 минут", now, "2026-11-22T15:15:00+03:00", true);
	expect_date("через неделю", now, "2026-11-29", false);
	expect_date("через 2 недели", now, "2026-12-06", false);
	expect_date("через месяц", now, "2026-12-22", false);
	expect_date("3 дня назад", now, "2026-11-19", false);
	expect_date("in 3 days", now, "2026-11-25", false);
	expect_date("in 2 hours", now, "2026-11-22T17:00:00+03:00", true);
	expect_date("in a week", now, "2026-11-29", false);
	expect_date("2 weeks ago", now, "2026-11-08", false);
}

Test(date_msk, month_end_clamps)
{
	/* 2027-01-31 12:00 UTC */
	expect_date("через месяц", utc(2027, 1, 31, 12, 0, 0), "2027-02-28",
		    false);
	expect_date("in 1 month", utc(2028, 1, 31, 12, 0, 0), "2028-02-29",
		    false);
}

Test(date_msk, dotted_dates)
{
	time_t now = sunday_noon();

	expect_date("31.12.2026", now, "2026-12-31", false);
	expect_date("1.2.2027", now, "2027-02-01", false);
	expect_date("29.02.2028", now, "2028-02-29", false);
	expect_date("31.12.2026 15:30", now, "2026-12-31T15:30:00+03:00",
		    true);
	expect_date("31.12.2026 в 15:30", now, "2026-12-31T15:30:00+03:00",
		    true);
	expect_date("31.12", now, "2026-12-31", false);
	/* without a year: the coming one, today included */
	expect_date("22.11", now, "2026-11-22", false);
	expect_date("21.11", now, "2027-11-21", false);
}

Test(date_msk, month_names)
{
	time_t now = sunday_noon();

	expect_date("31 dec", now, "2026-12-31", false);
	expect_date("31 December 2027", now, "2027-12-31", false);
	expect_date("dec 31, 2026", now, "2026-12-31", false);
	expect_date("Dec. 31", now, "2026-12-31", false);
	expect_date("1 jan", now, "2027-01-01", false);
	expect_date("31 декабря", now, "2026-12-31", false);
	expect_date("1 января 2027", now, "2027-01-01", false);
	expect_date("8 марта", now, "2027-03-08", false);
	expect_date("1 мая 15:00", now, "2027-05-01T15:00:00+03:00", true);
}

Test(date_msk, weekdays_in_values)
{
	time_t now = sunday_noon();     /* Sunday 22nd */

	/* the coming one, never today */
	expect_date("в понедельник", now, "2026-11-23", false);
	expect_date("во вторник", now, "2026-11-24", false);
	expect_date("в среду", now, "2026-11-25", false);
	expect_date("в четверг", now, "2026-11-26", false);
	expect_date("в пятницу", now, "2026-11-27", false);
	expect_date("в субботу", now, "2026-11-28", false);
	expect_date("в воскресенье", now, "2026-11-29", false);
	expect_date("пт", now, "2026-11-27", false);
	expect_date("sunday", now, "2026-11-29", false);
	expect_date("monday 10:00", now, "2026-11-23T10:00:00+03:00", true);
	expect_date("в понедельник в 10:00", now,
		    "2026-11-23T10:00:00+03:00", true);
	/* weeks start on Monday: this week is Nov 16-22, next Nov 23-29 */
	expect_date("this monday", now, "2026-11-16", false);
	expect_date("this sunday", now, "2026-11-22", false);
	expect_date("next monday", now, "2026-11-23", false);
	expect_date("next sunday", now, "2026-11-29", false);
	expect_date("в эту пятницу", now, "2026-11-20", false);
	expect_date("в следующий понедельник", now, "2026-11-23", false);
	expect_date("в следующую среду", now, "2026-11-25", false);
}

Test(date_msk, weekdays_midweek)
{
	time_t wed = utc(2026, 11, 25, 12, 0, 0);   /* Wednesday 25th */

	expect_date("wednesday", wed, "2026-12-02", false);
	expect_date("friday", wed, "2026-11-27", false);
	expect_date("monday", wed, "2026-11-30", false);
	expect_date("this monday", wed, "2026-11-23", false);
	expect_date("this friday", wed, "2026-11-27", false);
	expect_date("next friday", wed, "2026-12-04", false);
	expect_kind("monday", CRM_DATE_QUERY, wed, "2026-11-23");
	expect_kind("friday", CRM_DATE_QUERY, wed, "2026-11-27");
	expect_kind("в понедельник", CRM_DATE_QUERY, wed, "2026-11-23");
	expect_kind("next monday", CRM_DATE_QUERY, wed, "2026-11-30");
}

Test(date_msk, query_weekdays_are_this_weeks)
{
	time_t now = sunday_noon();

	expect_kind("monday", CRM_DATE_QUERY, now, "2026-11-16");
	expect_kind("sunday", CRM_DATE_QUERY, now, "2026-11-22");
	expect_kind("friday", CRM_DATE_QUERY, now, "2026-11-20");
	expect_kind("31.12", CRM_DATE_QUERY, now, "2026-12-31");
	expect_kind("1 jan", CRM_DATE_QUERY, now, "2026-01-01");
	expect_kind("today", CRM_DATE_QUERY, now, "2026-11-22");
}

Test(date_msk, kinds_and_their_examples)
{
	time_t now = sunday_noon();

	expect_kind("31.12.1990", CRM_DATE_DAY, now, "1990-12-31");
	expect_kind("31 декабря 1990", CRM_DATE_DAY, now, "1990-12-31");
	expect_kind("now", CRM_DATE_STAMP, now, "2026-11-22T15:00:00+03:00");
	expect_kind_refused("+2h", CRM_DATE_DAY,
			    "cannot read date '+2h': a date without a time is "
			    "needed (try: 31.12.1990, 1990-12-31, 31 dec 1990)");
	expect_kind_refused("31 dec", CRM_DATE_DAY,
			    "cannot read date '31 dec': the year is needed "
			    "(try: 31.12.1990, 1990-12-31, 31 dec 1990)");
	expect_kind_refused("today", CRM_DATE_STAMP,
			    "cannot read date 'today': a time of day is needed "
			    "(try: now, 31.12.2026 15:30, 2026-12-31T15:30)");
	expect_kind_refused("soon", CRM_DATE_WHEN,
			    "cannot read date 'soon' (try: tomorrow 15:00, "
			    "31.12.2026, +3d)");
	expect_kind_refused("zavtra", CRM_DATE_WHEN,
			    "cannot read date 'zavtra' (did you mean "
			    "'завтра'?)");
	expect_kind_refused("завтро", CRM_DATE_WHEN,
			    "cannot read date 'завтро' (did you mean "
			    "'завтра'?)");
	expect_kind_refused("soon", CRM_DATE_QUERY,
			    "cannot read date 'soon' (try: today, monday, "
			    "31.12.2026, -7d)");
	expect_kind_refused("\xff", CRM_DATE_WHEN,
			    "cannot read date: invalid UTF-8 (try: tomorrow "
			    "15:00, 31.12.2026, +3d)");
}

Test(date_msk, new_forms_refused)
{
	static const char *const bad[] = {
		"31.13.2026", "32.12.2026", "29.02.2027", "0.12.2026",
		"31.12.26", "31/12/2026", "12.31.2026", "31.12.2026.",
		"31..12.2026", "31.12.20266", "31 dek", "32 dec", "dec 32",
		"31 dec 26", "31 dec 2026 2027", "в", "в в понедельник",
		"this", "next", "this next monday", "в следующий",
		"через", "через 3", "через 3 лет", "через -3 дня",
		"через 1000000 дней", "in days", "3 дня", "назад",
		"завтра 25:00", "завтра 15:60", "завтра 15", "завтра в",
		"at 15:00 tomorrow", "15:00 завтра", "завтра завтра",
		"1 2 3 4 5 6 7 8 9", "mon day", "понедельникк",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_invalid(bad[i]);
}

Test(date_ny, time_of_day_in_a_dst_gap_and_overlap)
{
	/* 2026-03-07 12:00 EST: clocks go 02:00 -> 03:00 on the 8th */
	time_t sat = utc(2026, 3, 7, 17, 0, 0);

	expect_date("tomorrow 12:00", sat, "2026-03-08T12:00:00-04:00", true);
	expect_date("tomorrow 01:30", sat, "2026-03-08T01:30:00-05:00", true);
	expect_date("08.03.2026 15:00", sat, "2026-03-08T15:00:00-04:00",
		    true);
	expect_date("через 2 дня", sat, "2026-03-09", false);
}
