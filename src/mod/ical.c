/*
 * ical.c - crm-ical.so, the module that wraps libical (ical-module.h):
 * the only part of crm linked with it, loaded by crm export ics alone.
 * It gets plain values from the library (ics.c) and has libical build
 * each component and write it as text: escaping, folding and line ends
 * are libical's.  The calendar is written as it goes, one component at
 * a time, so that memory does not grow with the number of entries: the
 * head is the text libical writes for the VCALENDAR (its properties and
 * VTIMEZONE) up to its END:VCALENDAR line, which crm_icalmod_end writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "ical-module.h"

/* The last line of every calendar libical writes. */
static const char calendar_end[] = "END:VCALENDAR\r\n";

struct crm_ical {
	icaltimezone *zone;     /* NULL: UTC */
	char *tzid;             /* the zone's name, as TZID */
	crm_ical_write_fn write;
	void *data;
};

int crm_icalmod_abi(void)
{
	return CRM_ICAL_ABI;
}

/* Writes the text of component comp (all of it, or without its last
 * line when no_end) through c's write; -1 when libical cannot. */
static int write_component(struct crm_ical *c, icalcomponent *comp,
			   bool no_end)
{
	char *s = icalcomponent_as_ical_string_r(comp);
	size_t len, elen = sizeof(calendar_end) - 1;
	int rc;

	if (s == NULL)
		return -1;
	len = strlen(s);
	if (no_end) {
		if (len < elen || strcmp(s + len - elen, calendar_end) != 0) {
			icalmemory_free_buffer(s);
			return -1;
		}
		len -= elen;
	}
	rc = c->write(s, len, c->data);
	icalmemory_free_buffer(s);
	return rc;
}

/* A copy of zone's VTIMEZONE, its observances from 1970 on (crm's times
 * are Unix times), with tzid as its TZID: libical names the zones of the
 * system's data "/freeassociation.sourceforge.net/Europe/Moscow", and
 * calendar programs know the Olson name itself. */
static icalcomponent *vtimezone(icaltimezone *zone, const char *tzid)
{
	icalcomponent *vtz = icaltimezone_get_component(zone);
	icalproperty *p;
	struct icaltimetype start;

	if (vtz == NULL)
		return NULL;
	vtz = icalcomponent_new_clone(vtz);
	start = icaltime_from_timet_with_zone(0, 0,
					      icaltimezone_get_utc_timezone());
	icaltimezone_truncate_vtimezone(vtz, start, icaltime_null_time(), 0);
	p = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
	if (p)
		icalproperty_set_tzid(p, tzid);
	else
		icalcomponent_add_property(vtz, icalproperty_new_tzid(tzid));
	return vtz;
}

/* Writes the head of c's calendar; -1 when libical cannot. */
static int write_head(struct crm_ical *c, const char *prodid)
{
	icalcomponent *cal = icalcomponent_new_vcalendar(), *vtz;
	int rc;

	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid(prodid));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	if (c->zone) {
		if ((vtz = vtimezone(c->zone, c->tzid)) == NULL) {
			icalcomponent_free(cal);
			return -1;
		}
		icalcomponent_add_component(cal, vtz);
	}
	rc = write_component(c, cal, true);
	icalcomponent_free(cal);
	return rc;
}

struct crm_ical *crm_icalmod_begin(const char *zone, const char *prodid,
				   crm_ical_write_fn write, void *data,
				   char *msg, size_t size)
{
	struct crm_ical *c = calloc(1, sizeof(*c));

	icalerror_set_errors_are_fatal(0);
	if (c == NULL) {
		snprintf(msg, size, "out of memory");
		return NULL;
	}
	c->write = write;
	c->data = data;
	if (zone && zone[0] && strcmp(zone, "UTC") != 0) {
		c->zone = icaltimezone_get_builtin_timezone(zone);
		c->tzid = strdup(zone);
		if (c->zone == NULL || c->tzid == NULL) {
			snprintf(msg, size, "unknown time zone");
			crm_icalmod_end(c, false);
			return NULL;
		}
	}
	if (write_head(c, prodid) != 0) {
		snprintf(msg, size, "cannot write the calendar's head");
		crm_icalmod_end(c, false);
		return NULL;
	}
	return c;
}

/* A moment as c writes it: in its zone (a floating time beside a TZID
 * parameter, see with_zone), else in UTC. */
static struct icaltimetype moment(const struct crm_ical *c, long long at)
{
	struct icaltimetype t;

	if (c->zone == NULL)
		return icaltime_from_timet_with_zone((time_t)at, 0,
						     icaltimezone_get_utc_timezone());
	t = icaltime_from_timet_with_zone((time_t)at, 0, c->zone);
	t.zone = NULL;
	return t;
}

/* A whole day. */
static struct icaltimetype day(int year, int month, int dom)
{
	struct icaltimetype t = icaltime_null_date();

	t.year = year;
	t.month = month;
	t.day = dom;
	t.is_date = 1;
	return t;
}

/* p, with the TZID of c's zone when t is a moment of it. */
static icalproperty *with_zone(const struct crm_ical *c, icalproperty *p,
			       struct icaltimetype t)
{
	if (c->zone && !t.is_date)
		icalproperty_add_parameter(p, icalparameter_new_tzid(c->tzid));
	return p;
}

/* Adds the properties every entry has: UID, the stamps, SEQUENCE,
 * SUMMARY, DESCRIPTION, PRIORITY. */
static void add_common(icalcomponent *comp, const struct crm_ical_entry *e)
{
	icaltimezone *utc = icaltimezone_get_utc_timezone();

	icalcomponent_add_property(comp, icalproperty_new_uid(e->uid));
	icalcomponent_add_property(comp, icalproperty_new_dtstamp(
		icaltime_from_timet_with_zone((time_t)e->stamp, 0, utc)));
	if (e->created >= 0)
		icalcomponent_add_property(comp, icalproperty_new_created(
			icaltime_from_timet_with_zone((time_t)e->created, 0, utc)));
	icalcomponent_add_property(comp, icalproperty_new_lastmodified(
		icaltime_from_timet_with_zone((time_t)e->stamp, 0, utc)));
	icalcomponent_add_property(comp, icalproperty_new_sequence(e->sequence));
	icalcomponent_add_property(comp, icalproperty_new_summary(e->summary));
	if (e->description && e->description[0])
		icalcomponent_add_property(comp,
			icalproperty_new_description(e->description));
	if (e->priority > 0)
		icalcomponent_add_property(comp,
			icalproperty_new_priority(e->priority));
}

/* The VTODO of e. */
static icalcomponent *todo(const struct crm_ical *c,
			   const struct crm_ical_entry *e)
{
	icalcomponent *comp = icalcomponent_new_vtodo();
	struct icaltimetype t;

	add_common(comp, e);
	if (e->when != CRM_ICAL_NONE) {
		t = e->when == CRM_ICAL_DAY ? day(e->year, e->month, e->day)
					    : moment(c, e->at);
		icalcomponent_add_property(comp,
			with_zone(c, icalproperty_new_due(t), t));
	}
	icalcomponent_add_property(comp,
		icalproperty_new_status(ICAL_STATUS_NEEDSACTION));
	return comp;
}

/* The VEVENT of e: a whole day ends the next day (DTEND is not part of
 * the event), a moment after e->minutes. */
static icalcomponent *event(const struct crm_ical *c,
			    const struct crm_ical_entry *e)
{
	icalcomponent *comp = icalcomponent_new_vevent();
	struct icaltimetype start, end;

	add_common(comp, e);
	if (e->when == CRM_ICAL_DAY) {
		start = end = day(e->year, e->month, e->day);
		icaltime_adjust(&end, 1, 0, 0, 0);
	} else {
		start = moment(c, e->at);
		end = moment(c, e->at + 60LL * e->minutes);
	}
	icalcomponent_add_property(comp,
		with_zone(c, icalproperty_new_dtstart(start), start));
	icalcomponent_add_property(comp,
		with_zone(c, icalproperty_new_dtend(end), end));
	return comp;
}

int crm_icalmod_add(struct crm_ical *c, const struct crm_ical_entry *e,
		    bool is_event)
{
	icalcomponent *comp;
	int rc;

	if (is_event && e->when == CRM_ICAL_NONE)
		return -1;
	comp = is_event ? event(c, e) : todo(c, e);
	if (comp == NULL)
		return -1;
	rc = write_component(c, comp, false);
	icalcomponent_free(comp);
	return rc;
}

int crm_icalmod_end(struct crm_ical *c, bool finish)
{
	int rc = 0;

	if (c == NULL)
		return 0;
	if (finish)
		rc = c->write(calendar_end, sizeof(calendar_end) - 1, c->data);
	free(c->tzid);
	free(c);
	/* the zones libical loaded from the system's data */
	icaltimezone_free_builtin_timezones();
	return rc;
}
