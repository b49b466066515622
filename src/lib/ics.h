/*
 * ics.h - open tasks as an iCalendar file (RFC 5545), for the calendar
 * people already use (ics.c; crm export ics).  The text is libical's,
 * written by the module crm-ical.so (ical-module.h), loaded on first use.
 *
 * What identifies an entry, derived from the record alone (no state
 * besides the store, so two clones of one commit write the same bytes):
 *
 *   UID       "ID@crm": the task's id, the same in every clone and never
 *             reused (ids are random, 50 bits), so a calendar that reads
 *             the file again updates its entries instead of adding them.
 *             Nothing of the store is in it: what every clone shares (its
 *             first commit) costs a walk of the history to find, and ids
 *             of two stores do not meet in practice (2^-50 a pair).
 *   SEQUENCE  seconds from the task's created to its updated (0 when one
 *             is missing or updated is earlier; at most 2^31 - 1): every
 *             change crm makes moves updated on, so it grows.
 *   DTSTAMP   updated (else created, else the epoch), as LAST-MODIFIED:
 *             for a calendar without METHOD, RFC 5545 makes DTSTAMP when
 *             the entry was last revised in the store.
 */
#ifndef CRM_ICS_H
#define CRM_ICS_H

#include <stdbool.h>
#include <stddef.h>

#include "crm.h"

/* Called with each piece of the calendar's text, in order; non-zero
 * stops the export and is returned. */
typedef int (*crm_ics_write_fn)(const char *text, size_t len, void *data);

/* What crm_ics_export writes. */
struct crm_ics_opts {
	const struct crm_query *query; /* which open tasks; NULL: every one */
	bool events;                   /* VEVENTs (dated tasks only), not
					  VTODOs */
	const char *zone;              /* an Olson name, times written in it
					  with its VTIMEZONE; NULL or "UTC":
					  in UTC */
	int minutes;                   /* how long an event at a time lasts
					  (0: 30) */
	crm_ics_write_fn write;
	void *data;
};

/* What it wrote. */
struct crm_ics_counts {
	size_t entries;     /* tasks written */
	size_t undated;     /* tasks left out: undated, with events */
	size_t too_late;    /* tasks left out: due after the year 2998,
			       beyond what libical writes */
};

/*
 * Writes the open tasks o->query selects (records of type task that
 * parse; a finished task is an entry of its record's timeline, not a
 * task), by id, as one VCALENDAR through o->write: each one's title
 * (SUMMARY), due (DUE, or with events DTSTART and DTEND: a date alone is
 * a whole day, VALUE=DATE), priority (high 1, normal 5, low 9; none
 * without one), and a DESCRIPTION of what it is for (the company,
 * contact or deal, the deal's client, the phone), its owner, its id and
 * its notes, in the language of the messages.  Text is UTF-8 without
 * control characters (CR LF and CR become LF, the others are dropped).
 * CRM_EUSAGE for a query that fails or an unknown zone; CRM_ERR when the
 * module cannot load; what write returned when it stopped (err not set).
 */
int crm_ics_export(struct crm_store *s, const struct crm_ics_opts *o,
		   struct crm_ics_counts *n, struct crm_err *err);

#endif
