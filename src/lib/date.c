/*
 * date.c - dates as users type them and as records store them.
 *
 * A date is a whole day (stored "2026-12-01", kept as the local midnight
 * that starts it) or a moment (stored "2026-12-01T15:30:00+03:00").  Day
 * arithmetic works on struct tm fields and lets mktime normalise them, so
 * days that are 23 or 25 hours long (DST changes) come out right.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crm.h"

#define DATE_MAX_INPUT 64       /* longer input is never a date */
#define DATE_MAX_UNITS 100000   /* largest count in "+3d" and friends */

/* A calendar date and time of day, with an optional UTC offset. */
struct date_fields {
	int year, mon, mday;    /* mon 1..12 */
	int hour, min, sec;
	bool has_time;
	bool has_offset;
	long offset;            /* seconds east of UTC, when has_offset */
};

static const char *const weekdays[7] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday",
};

/* True for the ASCII white space that may surround user input. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* True for an ASCII digit. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* True when year is a leap year of the Gregorian calendar. */
static bool leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Number of days of month mon (1..12) of year. */
static int month_days(int year, int mon)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};

	if (mon == 2 && leap_year(year))
		return 29;
	return days[mon - 1];
}

/*
 * Reads exactly n digits at *p as a decimal number into *val and advances
 * *p past them.  Returns false, leaving *p alone, when there are fewer.
 */
static bool read_digits(const char **p, int n, int *val)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!is_digit((*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*val = v;
	return true;
}

/* Consumes the character c at *p; false when *p holds something else. */
static bool read_char(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

/*
 * Reads "YYYY-MM-DD" at *p into f and checks it names a real day (years
 * 0001 to 9999).  Advances *p; returns false when it is no such date.
 */
static bool read_ymd(const char **p, struct date_fields *f)
{
	if (!read_digits(p, 4, &f->year) || !read_char(p, '-') ||
	    !read_digits(p, 2, &f->mon) || !read_char(p, '-') ||
	    !read_digits(p, 2, &f->mday))
		return false;
	if (f->year < 1 || f->mon < 1 || f->mon > 12 || f->mday < 1)
		return false;
	return f->mday <= month_days(f->year, f->mon);
}

/* Whether read_hms needs the seconds. */
enum seconds { SEC_OPTIONAL, SEC_REQUIRED };

/*
 * Reads "HH:MM:SS" at *p into f; the ":SS" may be left out when sec is
 * SEC_OPTIONAL.  Returns false when absent or out of range.
 */
static bool read_hms(const char **p, enum seconds sec, struct date_fields *f)
{
	f->sec = 0;
	if (!read_digits(p, 2, &f->hour) || !read_char(p, ':') ||
	    !read_digits(p, 2, &f->min))
		return false;
	if (sec == SEC_REQUIRED || **p == ':')
		if (!read_char(p, ':') || !read_digits(p, 2, &f->sec))
			return false;
	f->has_time = true;
	return f->hour <= 23 && f->min <= 59 && f->sec <= 59;
}

/*
 * Reads a UTC offset at *p into f: "Z" (or "z" when lax), "+HH:MM" or
 * "-HH:MM", and when lax also "+HHMM".  Hours above 23 or minutes above 59
 * are refused.  Returns false when there is no valid offset.
 */
static bool read_offset(const char **p, bool lax, struct date_fields *f)
{
	int sign, hh, mm;

	if (**p == 'Z' || (lax && **p == 'z')) {
		(*p)++;
		f->has_offset = true;
		f->offset = 0;
		return true;
	}
	if (**p != '+' && **p != '-')
		return false;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (!read_digits(p, 2, &hh))
		return false;
	if (!read_char(p, ':') && !lax)
		return false;
	if (!read_digits(p, 2, &mm) || hh > 23 || mm > 59)
		return false;
	f->has_offset = true;
	f->offset = sign * (hh * 3600L + mm * 60L);
	return true;
}

/*
 * The time_t of the start of day year-mon-mday in local time: midnight,
 * or the first hour that exists when a DST change skips midnight.
 */
static time_t local_day_start(int year, int mon, int mday)
{
	struct tm tm, back;
	time_t t = 0;
	int hour;

	for (hour = 0; hour < 24; hour++) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = year - 1900;
		tm.tm_mon = mon - 1;
		tm.tm_mday = mday;
		tm.tm_hour = hour;
		tm.tm_isdst = -1;
		t = mktime(&tm);
		if (localtime_r(&t, &back) != NULL &&
		    back.tm_year == year - 1900 && back.tm_mon == mon - 1 &&
		    back.tm_mday == mday)
			return t;
	}
	return t;
}

/*
 * The start of the local day that lies days (may be negative) after the
 * local day of now.  Uses mktime on a noon that always exists to find the
 * calendar date, so DST changes do not shift the result by a day.
 * Returns now itself when it has no local time (far beyond year 9999).
 */
static time_t day_offset(time_t now, long days)
{
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL)
		return now;
	tm.tm_mday += (int)days;
	tm.tm_hour = 12;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	mktime(&tm);
	return local_day_start(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Fills out with a whole day. */
static int set_day(struct crm_date *out, time_t when)
{
	out->when = when;
	out->has_time = false;
	return CRM_OK;
}

/* Fills out with a moment. */
static int set_moment(struct crm_date *out, time_t when)
{
	out->when = when;
	out->has_time = true;
	return CRM_OK;
}

/*
 * Turns parsed fields into out: a whole day, a moment with an exact
 * offset (timegm less the offset) or a local moment (mktime, DST guessed).
 */
static int fields_to_date(const struct date_fields *f, struct crm_date *out)
{
	struct tm tm;

	if (!f->has_time)
		return set_day(out, local_day_start(f->year, f->mon, f->mday));
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = f->year - 1900;
	tm.tm_mon = f->mon - 1;
	tm.tm_mday = f->mday;
	tm.tm_hour = f->hour;
	tm.tm_min = f->min;
	tm.tm_sec = f->sec;
	if (f->has_offset)
		return set_moment(out, timegm(&tm) - f->offset);
	tm.tm_isdst = -1;
	return set_moment(out, mktime(&tm));
}

/*
 * Parses an absolute date as users type it: "YYYY-MM-DD", optionally
 * followed by ' ' or 't' and "HH:MM[:SS]" and an offset ("z", "+03:00",
 * "+0300").  s is lowercased.  Returns false when s is no such date.
 */
static bool parse_absolute(const char *s, struct crm_date *out)
{
	struct date_fields f = { 0 };
	const char *p = s;

	if (!read_ymd(&p, &f))
		return false;
	if (*p != '\0') {
		if (*p != ' ' && *p != 't')
			return false;
		p++;
		if (!read_hms(&p, SEC_OPTIONAL, &f))
			return false;
		if (*p != '\0' && !read_offset(&p, true, &f))
			return false;
	}
	if (*p != '\0')
		return false;
	fields_to_date(&f, out);
	return true;
}

/*
 * Parses "today", "tomorrow", "yesterday" and "now" (s lowercased).
 * Returns false for other words.
 */
static bool parse_word(const char *s, time_t now, struct crm_date *out)
{
	if (strcmp(s, "now") == 0)
		set_moment(out, now);
	else if (strcmp(s, "today") == 0)
		set_day(out, day_offset(now, 0));
	else if (strcmp(s, "tomorrow") == 0)
		set_day(out, day_offset(now, 1));
	else if (strcmp(s, "yesterday") == 0)
		set_day(out, day_offset(now, -1));
	else
		return false;
	return true;
}

/*
 * Parses a weekday name, full or its first three letters (s lowercased),
 * as the next such day strictly after today.  False for other words.
 */
static bool parse_weekday(const char *s, time_t now, struct crm_date *out)
{
	struct tm tm;
	int wd, ahead;

	for (wd = 0; wd < 7; wd++)
		if (strcmp(s, weekdays[wd]) == 0 ||
		    (strlen(s) == 3 && strncmp(s, weekdays[wd], 3) == 0))
			break;
	if (wd == 7 || localtime_r(&now, &tm) == NULL)
		return false;
	ahead = (wd - tm.tm_wday + 7) % 7;
	if (ahead == 0)
		ahead = 7;
	set_day(out, day_offset(now, ahead));
	return true;
}

/*
 * Parses "[+|-]N" followed by a unit: d (days) and w (weeks) give a whole
 * day, h (hours) and m (minutes) a moment, relative to now.  N is at most
 * DATE_MAX_UNITS.  s is lowercased.  False when s is no such offset.
 */
static bool parse_relative(const char *s, time_t now, struct crm_date *out)
{
	const char *p = s;
	long n = 0, sign = 1;

	if (*p == '-')
		sign = -1;
	if (*p == '+' || *p == '-')
		p++;
	if (!is_digit(*p))
		return false;
	for (; is_digit(*p); p++) {
		n = n * 10 + (*p - '0');
		if (n > DATE_MAX_UNITS)
			return false;
	}
	if (p[0] == '\0' || p[1] != '\0')
		return false;
	if (*p == 'd')
		set_day(out, day_offset(now, sign * n));
	else if (*p == 'w')
		set_day(out, day_offset(now, sign * n * 7));
	else if (*p == 'h')
		set_moment(out, now + (time_t)(sign * n * 3600));
	else if (*p == 'm')
		set_moment(out, now + (time_t)(sign * n * 60));
	else
		return false;
	return true;
}

/*
 * Copies s into buf (size bytes) without surrounding white space and with
 * ASCII letters lowercased.  Returns false when it does not fit.
 */
static bool trim_lower(const char *s, char *buf, size_t size)
{
	size_t len, i;

	while (is_space(*s))
		s++;
	len = strlen(s);
	while (len > 0 && is_space(s[len - 1]))
		len--;
	if (len >= size)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		buf[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	buf[len] = '\0';
	return true;
}

/*
 * Parses a date as a user types it (see crm.h), relative to now in the
 * local time zone.  Fills *out and returns CRM_OK, or returns CRM_EUSAGE
 * with a message quoting s and leaves *out alone.
 */
int crm_date_parse(const char *s, time_t now, struct crm_date *out,
		   struct crm_err *err)
{
	char buf[DATE_MAX_INPUT];
	struct crm_date d;

	if (trim_lower(s, buf, sizeof(buf)) &&
	    (parse_word(buf, now, &d) || parse_weekday(buf, now, &d) ||
	     parse_relative(buf, now, &d) || parse_absolute(buf, &d))) {
		*out = d;
		return CRM_OK;
	}
	return crm_seterr(err, CRM_EUSAGE,
			  _("invalid date '%s' (try 2026-12-01, "
			    "'2026-12-01 15:30', today, tomorrow, +3d, +2h, "
			    "monday)"), s);
}

/*
 * Writes the stored form of d into buf: "YYYY-MM-DD" (the local date) for
 * a whole day, "YYYY-MM-DDTHH:MM:SS+HH:MM" in local time for a moment.
 * When the local offset is not a whole number of minutes (old local mean
 * times) the moment is written in UTC, "+00:00", so it reads back exactly.
 * Writes "" when the date cannot be represented or buf is too small.
 */
void crm_date_format(const struct crm_date *d, char *buf, size_t size)
{
	struct tm tm;
	long off;
	int n;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (localtime_r(&d->when, &tm) == NULL)
		return;
	if (!d->has_time) {
		n = snprintf(buf, size, "%04d-%02d-%02d", tm.tm_year + 1900,
			     tm.tm_mon + 1, tm.tm_mday);
		if (n < 0 || (size_t)n >= size)
			buf[0] = '\0';
		return;
	}
	off = tm.tm_gmtoff;
	if (off % 60 != 0) {
		if (gmtime_r(&d->when, &tm) == NULL)
			return;
		off = 0;
	}
	n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
		     (off < 0 ? -off : off) / 3600,
		     (off < 0 ? -off : off) / 60 % 60);
	if (n < 0 || (size_t)n >= size)
		buf[0] = '\0';
}

/*
 * Parses a stored date strictly: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS"
 * followed by "Z", "+HH:MM" or "-HH:MM", nothing more.  Returns CRM_OK
 * with *out filled, or CRM_ERR leaving *out alone.
 */
int crm_date_parse_stored(const char *s, struct crm_date *out)
{
	struct date_fields f = { 0 };
	const char *p = s;

	if (!read_ymd(&p, &f))
		return CRM_ERR;
	if (*p != '\0') {
		if (!read_char(&p, 'T') || !read_hms(&p, SEC_REQUIRED, &f) ||
		    !read_offset(&p, false, &f) || *p != '\0')
			return CRM_ERR;
	}
	return fields_to_date(&f, out);
}

/* Writes now as a stored date-time (moment) into buf. */
void crm_date_now(time_t now, char *buf, size_t size)
{
	struct crm_date d = { .when = now, .has_time = true };

	crm_date_format(&d, buf, size);
}
