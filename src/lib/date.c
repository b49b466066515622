/*
 * date.c - dates as users type them and as records store them.
 *
 * A date is a whole day (stored "2026-12-01", kept as the local midnight
 * that starts it) or a moment (stored "2026-12-01T15:30:00+03:00").  Day
 * arithmetic works on struct tm fields and lets mktime normalise them, so
 * days that are 23 or 25 hours long (DST changes) come out right.
 *
 * What people type is folded (crm_fold: lowercase, ё as е) and cut into
 * words, then read as an offset ("+3d"), an ISO 8601 date or date-time,
 * or words: "now", "через 3 дня", "in 2 hours", or a day ("завтра",
 * "31.12.2026", "31 декабря", "в пятницу", "next monday") followed by an
 * optional time of day ("в 15:00").  Times are local: the process's time
 * zone, which the command-line layer sets up (TZ, tzset).
 */
#include <stdio.h>
#include <stdlib.h>
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

/* A day written well that the calendar lacks ("31.02.2026"): what an
 * error names.  mon is 0 when there was none. */
struct nonday {
	int year, mon, mday;
};

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
 * Checks day mday of month mon of year (years 1 to 9999).  True when it
 * exists; false when not, and then, when the month and year are real and
 * mday is only past the month's end, notes the day in *bad (may be NULL).
 */
static bool day_exists(int year, int mon, int mday, struct nonday *bad)
{
	if (year < 1 || year > 9999 || mon < 1 || mon > 12 || mday < 1)
		return false;
	if (mday <= month_days(year, mon))
		return true;
	if (bad) {
		bad->year = year;
		bad->mon = mon;
		bad->mday = mday;
	}
	return false;
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
 * Reads the digits of "YYYY-MM-DD" at *p into f, whether or not the day
 * exists.  Advances *p; returns false when the text is not of that form.
 */
static bool read_ymd_text(const char **p, struct date_fields *f)
{
	return read_digits(p, 4, &f->year) && read_char(p, '-') &&
	       read_digits(p, 2, &f->mon) && read_char(p, '-') &&
	       read_digits(p, 2, &f->mday);
}

/*
 * Reads "YYYY-MM-DD" at *p into f and checks it names a real day (years
 * 0001 to 9999).  Advances *p; returns false when it is no such date.
 */
static bool read_ymd(const char **p, struct date_fields *f)
{
	return read_ymd_text(p, f) &&
	       day_exists(f->year, f->mon, f->mday, NULL);
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

/* crm_day_start(): mktime on a noon, which always exists, finds the
 * calendar date, so that a change of clocks does not shift the result by
 * a day. */
time_t crm_day_start(time_t now, long days)
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
 * "+0300").  s is lowercased.  Returns false when s is no such date,
 * noting in *bad a well-written day that does not exist ("2026-02-31").
 */
static bool parse_absolute(const char *s, struct crm_date *out,
			   struct nonday *bad)
{
	struct date_fields f = { 0 };
	const char *p = s;

	if (!read_ymd_text(&p, &f))
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
	if (*p != '\0' || !day_exists(f.year, f.mon, f.mday, bad))
		return false;
	fields_to_date(&f, out);
	return true;
}

/* ---- words people type ---- */

#define DATE_MAX_WORDS 8        /* words in one date */

/* A word and what it stands for. */
struct name {
	const char *word;
	int value;
};

#define NNAMES(t) (sizeof(t) / sizeof((t)[0]))

/* Days counted from today. */
static const struct name day_words[] = {
	{"today", 0}, {"tomorrow", 1}, {"yesterday", -1},
	{"сегодня", 0}, {"завтра", 1}, {"вчера", -1}, {"послезавтра", 2},
	{"позавчера", -2},
};

/* Weekdays, 0 for Monday to 6 for Sunday; Russian in the nominative and
 * the accusative ("в среду"). */
static const struct name weekday_words[] = {
	{"monday", 0}, {"mon", 0}, {"понедельник", 0}, {"пн", 0},
	{"tuesday", 1}, {"tue", 1}, {"вторник", 1}, {"вт", 1},
	{"wednesday", 2}, {"wed", 2}, {"среда", 2}, {"среду", 2}, {"ср", 2},
	{"thursday", 3}, {"thu", 3}, {"четверг", 3}, {"чт", 3},
	{"friday", 4}, {"fri", 4}, {"пятница", 4}, {"пятницу", 4}, {"пт", 4},
	{"saturday", 5}, {"sat", 5}, {"суббота", 5}, {"субботу", 5},
	{"сб", 5},
	{"sunday", 6}, {"sun", 6}, {"воскресенье", 6}, {"вс", 6},
};

/* Months, 1 to 12; Russian in the genitive ("31 декабря") and the
 * nominative. */
static const struct name month_words[] = {
	{"january", 1}, {"jan", 1}, {"february", 2}, {"feb", 2},
	{"march", 3}, {"mar", 3}, {"april", 4}, {"apr", 4}, {"may", 5},
	{"june", 6}, {"jun", 6}, {"july", 7}, {"jul", 7}, {"august", 8},
	{"aug", 8}, {"september", 9}, {"sep", 9}, {"sept", 9},
	{"october", 10}, {"oct", 10}, {"november", 11}, {"nov", 11},
	{"december", 12}, {"dec", 12},
	{"января", 1}, {"январь", 1}, {"янв", 1}, {"февраля", 2},
	{"февраль", 2}, {"фев", 2}, {"марта", 3}, {"март", 3}, {"мар", 3},
	{"апреля", 4}, {"апрель", 4}, {"апр", 4}, {"мая", 5}, {"май", 5},
	{"июня", 6}, {"июнь", 6}, {"июн", 6}, {"июля", 7}, {"июль", 7},
	{"июл", 7}, {"августа", 8}, {"август", 8}, {"авг", 8},
	{"сентября", 9}, {"сентябрь", 9}, {"сен", 9}, {"сент", 9},
	{"октября", 10}, {"октябрь", 10}, {"окт", 10}, {"ноября", 11},
	{"ноябрь", 11}, {"ноя", 11}, {"нояб", 11}, {"декабря", 12},
	{"декабрь", 12}, {"дек", 12},
};

/* Units of "in 3 days" and "через 2 часа". */
enum unit { U_MINUTE, U_HOUR, U_DAY, U_WEEK, U_MONTH };

static const struct name unit_words[] = {
	{"minute", U_MINUTE}, {"minutes", U_MINUTE}, {"min", U_MINUTE},
	{"минуту", U_MINUTE}, {"минуты", U_MINUTE}, {"минут", U_MINUTE},
	{"мин", U_MINUTE},
	{"hour", U_HOUR}, {"hours", U_HOUR}, {"час", U_HOUR},
	{"часа", U_HOUR}, {"часов", U_HOUR},
	{"day", U_DAY}, {"days", U_DAY}, {"день", U_DAY}, {"дня", U_DAY},
	{"дней", U_DAY},
	{"week", U_WEEK}, {"weeks", U_WEEK}, {"неделю", U_WEEK},
	{"неделя", U_WEEK}, {"недели", U_WEEK}, {"недель", U_WEEK},
	{"month", U_MONTH}, {"months", U_MONTH}, {"месяц", U_MONTH},
	{"месяца", U_MONTH}, {"месяцев", U_MONTH},
};

/* Which week a weekday is in. */
enum week { W_COMING, W_THIS, W_NEXT };

static const struct name week_words[] = {
	{"this", W_THIS}, {"этот", W_THIS}, {"эту", W_THIS}, {"это", W_THIS},
	{"эта", W_THIS}, {"next", W_NEXT}, {"следующий", W_NEXT},
	{"следующую", W_NEXT}, {"следующее", W_NEXT},
	{"следующая", W_NEXT},
};

/* The value of w in table (n entries), or -1000 when it is not there.  A
 * trailing '.' ("dec.") is ignored. */
static int lookup(const char *w, const struct name *table, size_t n)
{
	size_t i, len = strlen(w);

	if (len > 1 && w[len - 1] == '.')
		len--;
	for (i = 0; i < n; i++)
		if (strlen(table[i].word) == len &&
		    memcmp(table[i].word, w, len) == 0)
			return table[i].value;
	return -1000;
}

/* True when w is one of the NULL-terminated words. */
static bool is_one_of(const char *w, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(w, *words) == 0)
			return true;
	return false;
}

/* A value cut into folded words (lowercase, ё as е), and joined again
 * with single spaces. */
struct words {
	char joined[DATE_MAX_INPUT * 2];
	char split[DATE_MAX_INPUT * 2];
	char *w[DATE_MAX_WORDS];
	size_t n;
};

/*
 * Folds s and cuts it into words at ASCII white space.  False when s is
 * not valid UTF-8, is empty, too long or has too many words.
 */
static bool cut_words(const char *s, struct words *ws)
{
	char *folded, *p, *save = NULL;
	size_t len = strnlen(s, DATE_MAX_INPUT * 2), at = 0, wl;
	bool ok = false;

	ws->n = 0;
	ws->joined[0] = '\0';
	if (len >= DATE_MAX_INPUT || !crm_utf8_valid(s, len))
		return false;
	folded = crm_fold(s);
	if (strlen(folded) >= sizeof(ws->split))
		goto out;
	memcpy(ws->split, folded, strlen(folded) + 1);
	for (p = strtok_r(ws->split, " \t\n\r\f\v", &save); p;
	     p = strtok_r(NULL, " \t\n\r\f\v", &save)) {
		if (ws->n == DATE_MAX_WORDS)
			goto out;
		wl = strlen(p);
		if (ws->n)
			ws->joined[at++] = ' ';
		memcpy(ws->joined + at, p, wl + 1);   /* fits: split did */
		at += wl;
		ws->w[ws->n++] = p;
	}
	ok = ws->n > 0;
out:
	free(folded);
	return ok;
}

/* The calendar date of the local day that starts at day into f. */
static void ymd_of(time_t day, struct date_fields *f)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (localtime_r(&day, &tm) == NULL)
		return;
	f->year = tm.tm_year + 1900;
	f->mon = tm.tm_mon + 1;
	f->mday = tm.tm_mday;
}

/* Today's weekday, 0 for Monday to 6 for Sunday. */
static int today_weekday(time_t now)
{
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL)
		return 0;
	return (tm.tm_wday + 6) % 7;
}

/* Days from today to weekday wd (0 Monday) of week w: the coming one is
 * 1 to 7 days ahead, this week's and next week's count from Monday. */
static long weekday_ahead(time_t now, int wd, enum week w)
{
	int today = today_weekday(now);

	if (w == W_THIS)
		return wd - today;
	if (w == W_NEXT)
		return wd - today + 7;
	return (wd - today + 7) % 7 ? (wd - today + 7) % 7 : 7;
}

/* Reads a number of 1 to max_digits digits (w may end in ','). */
static bool read_number(const char *w, size_t max_digits, int *val)
{
	size_t len = strlen(w), i;
	int v = 0;

	if (len > 1 && w[len - 1] == ',')
		len--;
	if (len == 0 || len > max_digits)
		return false;
	for (i = 0; i < len; i++) {
		if (!is_digit(w[i]))
			return false;
		v = v * 10 + (w[i] - '0');
	}
	*val = v;
	return true;
}

/* Reads a year of exactly four digits (w may end in ','). */
static bool read_year(const char *w, int *year)
{
	size_t len = strlen(w);

	if (len > 0 && w[len - 1] == ',')
		len--;
	return len == 4 && read_number(w, 4, year) && *year >= 1;
}

/* What reading the date part of a value found. */
struct day {
	struct date_fields f;   /* the calendar date */
	bool yearless;          /* written without a year */
	struct nonday bad;      /* a day that does not exist, when read_day
				   fails for that */
};

/*
 * Fills d with month mon and day mday of year, or when year is 0 of the
 * coming such day (today included), or this year's when this_year.
 * False when there is no such day.
 */
static bool month_day(int year, int mon, int mday, time_t now,
		      bool this_year, struct day *d)
{
	struct date_fields today = { 0 };

	ymd_of(crm_day_start(now, 0), &today);
	d->yearless = year == 0;
	if (year == 0) {
		year = today.year;
		if (!this_year && (mon < today.mon ||
				   (mon == today.mon && mday < today.mday)))
			year++;
	}
	if (!day_exists(year, mon, mday, &d->bad))
		return false;
	d->f.year = year;
	d->f.mon = mon;
	d->f.mday = mday;
	return true;
}

/* Reads "31.12.2026" or "31.12" (day and month of one or two digits). */
static bool read_dotted(const char *w, time_t now, bool this_year,
			struct day *d)
{
	int mday = 0, mon = 0, year = 0, *part[3] = { &mday, &mon, &year };
	const char *p = w;
	size_t i, n;

	for (i = 0; i < 3 && *p; i++) {
		for (n = 0; is_digit(p[n]); n++)
			;
		if (n == 0 || n > (i == 2 ? 4 : 2) || (i == 2 && n != 4))
			return false;
		read_digits(&p, (int)n, part[i]);
		if (*p == '.' && i < 2 && p[1] != '\0')
			p++;
		else if (*p != '\0')
			return false;
	}
	if (i < 2 || *p != '\0')
		return false;
	return month_day(year, mon, mday, now, this_year, d);
}

/* Reads the date part of a value, words w[0..n), into d. */
static bool read_day(char *const *w, size_t n, time_t now,
		     enum crm_date_kind kind, struct day *d)
{
	static const char *const on[] = { "в", "во", "on", NULL };
	bool query = kind == CRM_DATE_QUERY;
	enum week week = query ? W_THIS : W_COMING;
	const char *p;
	int v, mday, mon, year = 0;

	memset(d, 0, sizeof(*d));
	if (n == 0) {
		ymd_of(crm_day_start(now, 0), &d->f);
		return true;
	}
	if (n == 1 && (v = lookup(w[0], day_words, NNAMES(day_words))) > -1000) {
		ymd_of(crm_day_start(now, v), &d->f);
		return true;
	}
	if (n == 1 && (p = w[0], read_ymd_text(&p, &d->f)) && *p == '\0')
		return day_exists(d->f.year, d->f.mon, d->f.mday, &d->bad);
	if (n == 1 && read_dotted(w[0], now, query, d))
		return true;
	/* [в|on] [this|next] WEEKDAY */
	if (n >= 2 && is_one_of(w[0], on))
		w++, n--;
	if (n == 2 && (v = lookup(w[0], week_words, NNAMES(week_words))) > -1000)
		week = (enum week)v, w++, n--;
	if (n == 1 && (v = lookup(w[0], weekday_words,
				  NNAMES(weekday_words))) > -1000) {
		ymd_of(crm_day_start(now, weekday_ahead(now, v, week)), &d->f);
		return true;
	}
	/* 31 dec [2026] | dec 31 [2026] */
	if (n < 2 || n > 3 || (n == 3 && !read_year(w[2], &year)))
		return false;
	if (read_number(w[0], 2, &mday) &&
	    (mon = lookup(w[1], month_words, NNAMES(month_words))) > 0)
		return month_day(year, mon, mday, now, query, d);
	if ((mon = lookup(w[0], month_words, NNAMES(month_words))) > 0 &&
	    read_number(w[1], 2, &mday))
		return month_day(year, mon, mday, now, query, d);
	return false;
}

/* Reads a time of day "9:30", "15:00" or "15:00:30" into f. */
static bool read_time(const char *w, struct date_fields *f)
{
	const char *p = w;
	int hour_digits = is_digit(w[0]) && w[1] == ':' ? 1 : 2;

	if (!read_digits(&p, hour_digits, &f->hour) || !read_char(&p, ':') ||
	    !read_digits(&p, 2, &f->min))
		return false;
	f->sec = 0;
	if (*p == ':' && (!read_char(&p, ':') || !read_digits(&p, 2, &f->sec)))
		return false;
	f->has_time = true;
	return *p == '\0' && f->hour <= 23 && f->min <= 59 && f->sec <= 59;
}

/* The start of the local day that is months after today's date (the day
 * of the month kept, or the month's last day when it has fewer). */
static time_t months_ahead(time_t now, long months)
{
	struct date_fields f = { 0 };
	long m;

	ymd_of(crm_day_start(now, 0), &f);
	m = (long)f.year * 12 + (f.mon - 1) + months;
	if (m < 12 || m >= 10000L * 12)
		return crm_day_start(now, 0);
	f.year = (int)(m / 12);
	f.mon = (int)(m % 12) + 1;
	if (f.mday > month_days(f.year, f.mon))
		f.mday = month_days(f.year, f.mon);
	return local_day_start(f.year, f.mon, f.mday);
}

/* Moves now by n units (negative: back); fills out. */
static void move_by(time_t now, long n, enum unit u, struct crm_date *out)
{
	switch (u) {
	case U_MINUTE:
		set_moment(out, now + (time_t)(n * 60));
		break;
	case U_HOUR:
		set_moment(out, now + (time_t)(n * 3600));
		break;
	case U_DAY:
		set_day(out, crm_day_start(now, n));
		break;
	case U_WEEK:
		set_day(out, crm_day_start(now, n * 7));
		break;
	case U_MONTH:
		set_day(out, months_ahead(now, n));
		break;
	}
}

/* Reads a count of units: digits up to DATE_MAX_UNITS, or "a"/"an". */
static bool read_count(const char *w, long *n)
{
	int v;

	if (strcmp(w, "a") == 0 || strcmp(w, "an") == 0) {
		*n = 1;
		return true;
	}
	if (!read_number(w, 6, &v) || v > DATE_MAX_UNITS)
		return false;
	*n = v;
	return true;
}

/*
 * Reads "через [N] UNIT", "in N UNIT", "N UNIT назад" and "N UNIT ago"
 * from words w[0..n).  False when they are no such phrase.
 */
static bool read_relative_words(char *const *w, size_t n, time_t now,
				struct crm_date *out)
{
	long count = 1;
	int u;

	if (n >= 2 && (strcmp(w[0], "через") == 0 || strcmp(w[0], "in") == 0)) {
		if (n == 3 && !read_count(w[1], &count))
			return false;
		if (n > 3 || (n == 2 && strcmp(w[0], "in") == 0))
			return false;
		u = lookup(w[n - 1], unit_words, NNAMES(unit_words));
		if (u < 0)
			return false;
		move_by(now, count, (enum unit)u, out);
		return true;
	}
	if (n == 3 && (strcmp(w[2], "назад") == 0 || strcmp(w[2], "ago") == 0) &&
	    read_count(w[0], &count) &&
	    (u = lookup(w[1], unit_words, NNAMES(unit_words))) >= 0) {
		move_by(now, -count, (enum unit)u, out);
		return true;
	}
	return false;
}

/* What reading a value found besides the date. */
struct reading {
	bool yearless;          /* a day and month without a year */
	struct nonday bad;      /* a day that does not exist, when that is
				   why the words are no date */
};

/*
 * Reads words: "now", a relative phrase, or a date part followed by an
 * optional time ("[at|в] 15:00").  False when they are none of these.
 */
static bool read_words(struct words *ws, time_t now, enum crm_date_kind kind,
		       struct crm_date *out, struct reading *rd)
{
	static const char *const at[] = { "at", "в", "во", NULL };
	struct day d;
	struct date_fields tf = { 0 };
	size_t n = ws->n;

	rd->yearless = false;
	if (n == 1 && (strcmp(ws->w[0], "now") == 0 ||
		       strcmp(ws->w[0], "сейчас") == 0)) {
		set_moment(out, now);
		return true;
	}
	if (read_relative_words(ws->w, n, now, out))
		return true;
	if (read_time(ws->w[n - 1], &tf)) {
		n--;
		if (n > 0 && is_one_of(ws->w[n - 1], at))
			n--;
	}
	if (!read_day(ws->w, n, now, kind, &d)) {
		rd->bad = d.bad;
		return false;
	}
	rd->yearless = d.yearless;
	d.f.has_time = tf.has_time;
	d.f.hour = tf.hour;
	d.f.min = tf.min;
	d.f.sec = tf.sec;
	fields_to_date(&d.f, out);
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
		move_by(now, sign * n, U_DAY, out);
	else if (*p == 'w')
		move_by(now, sign * n, U_WEEK, out);
	else if (*p == 'h')
		move_by(now, sign * n, U_HOUR, out);
	else if (*p == 'm')
		move_by(now, sign * n, U_MINUTE, out);
	else
		return false;
	return true;
}

/* The examples an error shows for a date of kind (translated). */
static const char *examples(enum crm_date_kind kind)
{
	switch (kind) {
	case CRM_DATE_DAY:
		return _("31.12.1990, 1990-12-31, 31 dec 1990");
	case CRM_DATE_WHEN:
		return _("tomorrow 15:00, 31.12.2026, +3d");
	case CRM_DATE_STAMP:
		return _("now, 31.12.2026 15:30, 2026-12-31T15:30");
	case CRM_DATE_QUERY:
		return _("today, monday, 31.12.2026, -7d");
	default:
		return _("tomorrow 15:00, 31.12.2026, 2026-12-31, +3d, monday");
	}
}

/* Russian words typed in Latin letters, and what they stand for. */
static const struct {
	const char *latin, *word;
} latin_words[] = {
	{"segodnya", "сегодня"}, {"segodnia", "сегодня"},
	{"zavtra", "завтра"}, {"vchera", "вчера"},
	{"poslezavtra", "послезавтра"}, {"seichas", "сейчас"},
	{"seychas", "сейчас"},
};

/* The known word closest to the one word of ws, or NULL. */
static const char *suggest_word(const struct words *ws)
{
	const char *cands[64];
	size_t n = 0, i;

	if (ws->n != 1)
		return NULL;
	for (i = 0; i < NNAMES(latin_words); i++)
		if (strcmp(ws->w[0], latin_words[i].latin) == 0)
			return latin_words[i].word;
	for (i = 0; i < NNAMES(day_words); i++)
		cands[n++] = day_words[i].word;
	for (i = 0; i < NNAMES(weekday_words) && n < 64; i++)
		if (strlen(weekday_words[i].word) > 4)
			cands[n++] = weekday_words[i].word;
	if (n < 64)
		cands[n++] = "now";
	return crm_suggest(ws->w[0], cands, n);
}

/* Sets err for s, which cannot be read as a date of kind. */
static int unreadable(const char *s, const struct words *ws,
		      enum crm_date_kind kind, struct crm_err *err)
{
	const char *hint = ws->n ? suggest_word(ws) : NULL;

	if (!crm_utf8_valid(s, strlen(s)))
		return crm_seterr(err, CRM_EUSAGE,
				  _("cannot read date: invalid UTF-8 (try: %s)"),
				  examples(kind));
	if (hint)
		return crm_seterr(err, CRM_EUSAGE,
				  _("cannot read date '%s' (did you mean '%s'?)"),
				  s, hint);
	return crm_seterr(err, CRM_EUSAGE, _("cannot read date '%s' (try: %s)"),
			  s, examples(kind));
}

/* The month names of no_such_day's message, in the form that it takes. */
static const char *const month_names[12] = {
	NC_("month in 'February 2026 has only 28 days'", "January"),
	NC_("month in 'February 2026 has only 28 days'", "February"),
	NC_("month in 'February 2026 has only 28 days'", "March"),
	NC_("month in 'February 2026 has only 28 days'", "April"),
	NC_("month in 'February 2026 has only 28 days'", "May"),
	NC_("month in 'February 2026 has only 28 days'", "June"),
	NC_("month in 'February 2026 has only 28 days'", "July"),
	NC_("month in 'February 2026 has only 28 days'", "August"),
	NC_("month in 'February 2026 has only 28 days'", "September"),
	NC_("month in 'February 2026 has only 28 days'", "October"),
	NC_("month in 'February 2026 has only 28 days'", "November"),
	NC_("month in 'February 2026 has only 28 days'", "December"),
};

/* Sets err for s, a day that its month lacks (bad). */
static int no_such_day(const char *s, const struct nonday *bad,
		       struct crm_err *err)
{
	int days = month_days(bad->year, bad->mon);

	return crm_seterr(err, CRM_EUSAGE,
			  ngettext("cannot read date '%s': %s %d has only "
				   "%d day", "cannot read date '%s': %s %d has "
				   "only %d days", (unsigned long)days),
			  s, crm_pgettext(month_names[bad->mon - 1]),
			  bad->year, days);
}

/* Checks that d (read from s) fits kind; sets err when it does not. */
static int check_kind(const char *s, const struct crm_date *d,
		      const struct reading *rd, enum crm_date_kind kind,
		      struct crm_err *err)
{
	if (kind == CRM_DATE_DAY && d->has_time)
		return crm_seterr(err, CRM_EUSAGE,
				  _("cannot read date '%s': a date without a "
				    "time is needed (try: %s)"), s,
				  examples(kind));
	if (kind == CRM_DATE_DAY && rd->yearless)
		return crm_seterr(err, CRM_EUSAGE,
				  _("cannot read date '%s': the year is needed "
				    "(try: %s)"), s, examples(kind));
	if (kind == CRM_DATE_STAMP && !d->has_time)
		return crm_seterr(err, CRM_EUSAGE,
				  _("cannot read date '%s': a time of day is "
				    "needed (try: %s)"), s, examples(kind));
	return CRM_OK;
}

/* The next Monday-to-Friday after now's day, at hh:mm local time. */
static time_t next_working_day(time_t now, int hh, int mm)
{
	struct tm tm;

	localtime_r(&now, &tm);
	do {
		tm.tm_mday++;
		tm.tm_hour = 12;
		tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		mktime(&tm); /* normalises tm_wday */
	} while (tm.tm_wday == 0 || tm.tm_wday == 6);
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* Reads "next working day [HH:MM]" (9:00 when no time is given), what
 * a due of an automation rule is often.  False when s is not that. */
static bool parse_working_day(const char *s, time_t now, struct crm_date *d)
{
	static const char nwd[] = "next working day";
	int hh = 9, mm = 0, used = 0;

	if (strncmp(s, nwd, sizeof(nwd) - 1) != 0)
		return false;
	s += sizeof(nwd) - 1;
	while (*s == ' ')
		s++;
	if (*s && (sscanf(s, "%2d:%2d%n", &hh, &mm, &used) != 2 ||
		   s[used] != '\0' || hh > 23 || mm > 59 || hh < 0 || mm < 0))
		return false;
	d->when = next_working_day(now, hh, mm);
	d->has_time = true;
	return true;
}

int crm_date_parse_as(const char *s, time_t now, enum crm_date_kind kind,
		      struct crm_date *out, struct crm_err *err)
{
	struct words ws;
	struct reading rd = { false };
	struct nonday bad = { 0 };
	struct crm_date d;
	int rc;

	if (!cut_words(s, &ws))
		return unreadable(s, &ws, kind, err);
	if (!(parse_relative(ws.joined, now, &d) ||
	      parse_working_day(ws.joined, now, &d) ||
	      parse_absolute(ws.joined, &d, &bad) ||
	      read_words(&ws, now, kind, &d, &rd))) {
		if (bad.mon == 0)
			bad = rd.bad;
		if (bad.mon)
			return no_such_day(s, &bad, err);
		return unreadable(s, &ws, kind, err);
	}
	if ((rc = check_kind(s, &d, &rd, kind, err)))
		return rc;
	*out = d;
	return CRM_OK;
}

/*
 * Parses a date as a user types it (see crm.h), relative to now in the
 * local time zone.  Fills *out and returns CRM_OK, or returns CRM_EUSAGE
 * with a message quoting s and leaves *out alone.
 */
int crm_date_parse(const char *s, time_t now, struct crm_date *out,
		   struct crm_err *err)
{
	return crm_date_parse_as(s, now, CRM_DATE_ANY, out, err);
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
