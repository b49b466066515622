/*
 * ical-module.h - what crm-ical.so, the module that wraps libical
 * (src/mod/ical.c), exports, and ics.c finds with crm_module_sym.  Plain
 * C types only.  libical writes every line of the calendar: it escapes
 * text (\, ; , and newlines), folds lines at 75 octets on character
 * boundaries and ends them with CRLF; the library gives it only values.
 * Change CRM_ICAL_ABI with any change here.
 */
#ifndef CRM_ICAL_MODULE_H
#define CRM_ICAL_MODULE_H

#include <stdbool.h>
#include <stddef.h>

#define CRM_ICAL_ABI 1

#ifdef __cplusplus
extern "C" {
#endif

/* When an entry is: not at all, a whole day, a moment. */
enum crm_ical_when { CRM_ICAL_NONE, CRM_ICAL_DAY, CRM_ICAL_TIME };

/* One entry of the calendar (a VTODO, or a VEVENT); every string valid
 * UTF-8 without control characters but newlines and tabs, borrowed. */
struct crm_ical_entry {
	const char *uid;
	const char *summary;
	const char *description;  /* NULL: none */
	enum crm_ical_when when;  /* a VTODO's DUE, a VEVENT's DTSTART */
	int year, month, day;     /* CRM_ICAL_DAY */
	long long at;             /* CRM_ICAL_TIME: Unix time */
	int minutes;              /* a VEVENT at a time: how long it lasts */
	long long stamp;          /* DTSTAMP and LAST-MODIFIED: Unix time */
	long long created;        /* CREATED: Unix time; < 0: none */
	int sequence;             /* SEQUENCE, >= 0 */
	int priority;             /* PRIORITY 1-9; 0: none */
};

/* Called with each piece of the calendar's text, in order; non-zero
 * stops the writing and is returned. */
typedef int (*crm_ical_write_fn)(const char *text, size_t len, void *data);

/* A calendar being written. */
struct crm_ical;

/* CRM_ICAL_ABI, as the module was built. */
int crm_icalmod_abi(void);
/*
 * Starts a calendar whose times are in zone (an Olson name such as
 * "Europe/Moscow", written with its VTIMEZONE; NULL or "UTC": in UTC),
 * named prodid, and writes its head (BEGIN:VCALENDAR, its properties,
 * the VTIMEZONE).  Returns NULL, with why in msg (size bytes), when zone
 * is unknown or the head cannot be written; free it with crm_icalmod_end.
 */
struct crm_ical *crm_icalmod_begin(const char *zone, const char *prodid,
				   crm_ical_write_fn write, void *data,
				   char *msg, size_t size);
/* Writes one entry, a VEVENT when event, else a VTODO (STATUS
 * NEEDS-ACTION).  An event needs a when.  Returns 0, -1 when libical
 * fails, or what write returned. */
int crm_icalmod_add(struct crm_ical *c, const struct crm_ical_entry *e,
		    bool event);
/* Writes END:VCALENDAR when finish, and frees c (NULL: nothing).
 * Returns 0 or what write returned. */
int crm_icalmod_end(struct crm_ical *c, bool finish);

#ifdef __cplusplus
}
#endif

#endif
