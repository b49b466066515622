/*
 * ics.c - open tasks as an iCalendar file: the tasks a query selects,
 * found through the index as crm list finds them, each read from its
 * record (its notes and stamps), what it is for looked up in the index,
 * and handed as plain values to crm-ical.so (src/mod/ical.c), which has
 * libical write them.  The identifiers (UID, SEQUENCE, DTSTAMP) are
 * described in ics.h.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ical-module.h"
#include "ics.h"
#include "module.h"
#include "store-internal.h"

/* Who wrote the calendar (PRODID); without crm's version, so that the
 * same commit gives the same bytes after an upgrade. */
static const char prodid[] = "-//crm//NONSGML crm export ics//EN";

/* How long an event at a time lasts, unless told. */
#define DEFAULT_MINUTES 30
/* The last year a due is written in: libical writes no date after the
 * year 3000 (DUE:00000000T000000, which calendars reject), and an
 * event ends up to a week and a day later.  The first moment after it
 * (2999-01-01T00:00:00Z). */
#define LAST_YEAR 2998
#define AFTER_LAST 32472144000LL

static struct crm_module ical_module = {
	"ical", "crm_icalmod_abi", CRM_ICAL_ABI,
	N_("the calendar module"), N_("write calendars"),
	PTHREAD_MUTEX_INITIALIZER,
};

/* The module's functions. */
struct ical_fns {
	struct crm_ical *(*begin)(const char *, const char *,
				  crm_ical_write_fn, void *, char *, size_t);
	int (*add)(struct crm_ical *, const struct crm_ical_entry *, bool);
	int (*end)(struct crm_ical *, bool);
};

/* Loads the module and finds its functions into *fns. */
static int load_module(struct ical_fns *fns, struct crm_err *err)
{
	char path[PATH_MAX + 32];

	if (crm_module_load(&ical_module, err) != CRM_OK)
		return CRM_ERR;
	*(void **)&fns->begin = crm_module_sym(&ical_module, "crm_icalmod_begin");
	*(void **)&fns->add = crm_module_sym(&ical_module, "crm_icalmod_add");
	*(void **)&fns->end = crm_module_sym(&ical_module, "crm_icalmod_end");
	if (fns->begin && fns->add && fns->end)
		return CRM_OK;
	crm_module_path(ical_module.name, path, sizeof(path));
	return crm_seterr(err, CRM_ERR, _("cannot load %s '%s': not the one "
					  "of this crm\nhint: reinstall crm"),
			  _(ical_module.title), path);
}

/* What a task is for, from the index: the record itself (company 0,
 * contact 1, deal 2), its contact (a contact itself, a deal's) and its
 * company (a company itself, a contact's or a deal's), and the first
 * phone of that contact, else of that company: the joins of
 * crm_tasks_due (tasks.c). */
static const char concern_sql[] =
	"SELECT f.type, f.name, k.name, m.name,"
	" coalesce(nullif(k.phones_shown, ''), m.phones_shown)"
	" FROM records f"
	" LEFT JOIN records k ON k.id = CASE f.type WHEN 1 THEN f.id"
	"  WHEN 2 THEN f.contact END AND k.broken IS NULL"
	" LEFT JOIN records m ON m.id = CASE f.type WHEN 0 THEN f.id"
	"  ELSE f.company END AND m.broken IS NULL"
	" WHERE f.id = ?1 AND f.broken IS NULL";

/* The export under way. */
struct ics_run {
	struct crm_store *s;
	const struct crm_ics_opts *o;
	struct ical_fns fns;
	struct crm_ical *cal;
	sqlite3_stmt *concern;
	struct crm_ics_counts *n;
	int rc;                 /* why the walk stopped */
	struct crm_err *err;
};

/* Appends s to b as an iCalendar text may hold it: valid UTF-8 (a byte
 * that is not is dropped), CR LF and CR as LF, the other control
 * characters but tab dropped. */
static void add_text(struct crm_buf *b, const char *s)
{
	size_t len = strlen(s), i = 0, k;
	uint32_t cp;

	while (i < len) {
		k = crm_utf8_decode(s + i, len - i, &cp);
		if (k == 0) {
			i++;
			continue;
		}
		if (cp == '\r') {
			crm_buf_addc(b, '\n');
			i += s[i + 1] == '\n' ? 2 : 1;
			continue;
		}
		if ((cp >= 0x20 && cp != 0x7f) || cp == '\n' || cp == '\t')
			crm_buf_add(b, s + i, k);
		i += k;
	}
	if (b->s == NULL)
		crm_buf_adds(b, "");
}

/* Appends the line label (a format with one %s) with value, cleaned,
 * to b; nothing for an empty value. */
static void add_line(struct crm_buf *b, const char *label, const char *value)
{
	struct crm_buf v = {0};

	if (value == NULL || value[0] == '\0')
		return;
	add_text(&v, value);
	crm_buf_addf(b, label, v.s);
	crm_buf_addc(b, '\n');
	crm_buf_free(&v);
}

/* Column i of st as text, or NULL. */
static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Appends what the task is for (the record for_id names) to b: the
 * deal, the contact, the company, the phone. */
static void add_concern(struct ics_run *run, struct crm_buf *b,
			const char *for_id)
{
	sqlite3_stmt *st = run->concern;
	const char *phones;
	struct crm_buf phone = {0};

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, for_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return;
	if (sqlite3_column_int(st, 0) == CRM_DEAL)
		add_line(b, _("Deal: %s"), col(st, 1));
	add_line(b, _("Contact: %s"), col(st, 2));
	add_line(b, _("Company: %s"), col(st, 3));
	if ((phones = col(st, 4)) != NULL) {
		crm_buf_add(&phone, phones, strcspn(phones, "\n"));
		add_line(b, _("Phone: %s"), phone.s);
		crm_buf_free(&phone);
	}
}

/* The DESCRIPTION of task r into b: what it is for, its owner, its id,
 * then its notes after an empty line. */
static void description(struct ics_run *run, const struct crm_record *r,
			struct crm_buf *b)
{
	const char *for_id = crm_map_str(r->map, "for");
	const char *owner = crm_map_str(r->map, "owner");
	const char *notes = crm_map_str(r->map, "notes");
	const struct crm_user *u = owner ? crm_config_user(&run->s->cfg, owner)
					 : NULL;
	struct crm_buf who = {0};

	if (for_id && for_id[0])
		add_concern(run, b, for_id);
	if (u && u->name && u->name[0] && strcmp(u->name, owner) != 0) {
		crm_buf_addf(&who, "%s (%s)", u->name, owner);
		add_line(b, _("Owner: %s"), who.s);
		crm_buf_free(&who);
	} else {
		add_line(b, _("Owner: %s"), owner);
	}
	add_line(b, _("Task: %s"), r->id);
	if (notes && notes[0]) {
		crm_buf_addc(b, '\n');
		add_text(b, notes);
	}
	/* no trailing newline */
	while (b->len && b->s[b->len - 1] == '\n')
		b->s[--b->len] = '\0';
}

/* The Unix time of the stored date-time field key of r into *t; false
 * when it has none that parses. */
static bool stamp_of(const struct crm_record *r, const char *key, long long *t)
{
	const char *v = crm_map_str(r->map, key);
	struct crm_date d;

	if (v == NULL || crm_date_parse_stored(v, &d) != CRM_OK)
		return false;
	*t = (long long)d.when;
	return true;
}

/* The due of r into e: a whole day (its date as written), a moment, or
 * none. */
static void due_of(const struct crm_record *r, struct crm_ical_entry *e)
{
	const char *v = crm_map_str(r->map, "due");
	struct crm_date d;

	e->when = CRM_ICAL_NONE;
	if (v == NULL || crm_date_parse_stored(v, &d) != CRM_OK)
		return;
	if (d.has_time) {
		e->when = CRM_ICAL_TIME;
		e->at = (long long)d.when;
	} else if (sscanf(v, "%4d-%2d-%2d", &e->year, &e->month, &e->day) == 3) {
		e->when = CRM_ICAL_DAY;
	}
}

/* PRIORITY of a task's priority: RFC 5545's 1 (highest), 5 (medium)
 * and 9 (lowest); 0 (none) for none. */
static int priority_of(const char *p)
{
	if (p == NULL)
		return 0;
	if (strcmp(p, "high") == 0)
		return 1;
	if (strcmp(p, "normal") == 0)
		return 5;
	if (strcmp(p, "low") == 0)
		return 9;
	return 0;
}

/* SEQUENCE and DTSTAMP of r (ics.h). */
static void stamps_of(const struct crm_record *r, struct crm_ical_entry *e)
{
	long long created, updated;
	bool has_c = stamp_of(r, "created", &created);
	bool has_u = stamp_of(r, "updated", &updated);

	e->created = has_c ? created : -1;
	e->stamp = has_u ? updated : has_c ? created : 0;
	e->sequence = 0;
	if (has_c && has_u && updated > created)
		e->sequence = updated - created > INT_MAX ? INT_MAX
							  : (int)(updated - created);
}

/* Writes the entry of task r; CRM_OK, else sets run->rc. */
static int write_task(struct ics_run *run, const struct crm_record *r)
{
	struct crm_ical_entry e = {0};
	struct crm_buf uid = {0}, summary = {0}, desc = {0};
	int rc;

	due_of(r, &e);
	if (run->o->events && e.when == CRM_ICAL_NONE) {
		run->n->undated++;
		return CRM_OK;
	}
	if ((e.when == CRM_ICAL_DAY && e.year > LAST_YEAR) ||
	    (e.when == CRM_ICAL_TIME && e.at >= AFTER_LAST)) {
		run->n->too_late++;
		return CRM_OK;
	}
	crm_buf_addf(&uid, "%s@crm", r->id);
	add_text(&summary, crm_record_name(r));
	description(run, r, &desc);
	e.uid = uid.s;
	e.summary = summary.s;
	e.description = desc.s;
	e.minutes = run->o->minutes > 0 ? run->o->minutes : DEFAULT_MINUTES;
	e.priority = priority_of(crm_map_str(r->map, "priority"));
	stamps_of(r, &e);
	rc = run->fns.add(run->cal, &e, run->o->events);
	if (rc == -1)
		rc = crm_seterr(run->err, CRM_ERR, _("cannot write task '%s' "
				"as iCalendar"), r->id);
	else if (rc == 0)
		run->n->entries++;
	crm_buf_free(&uid);
	crm_buf_free(&summary);
	crm_buf_free(&desc);
	run->rc = rc;
	return rc;
}

/* Row callback: reads the task and writes it. */
static int each_task(const struct crm_row *row, void *data)
{
	struct ics_run *run = data;
	struct crm_record *r;
	int rc;

	rc = crm_store_read(run->s, CRM_TASK, row->id, &r, run->err);
	if (rc == CRM_ENOTFOUND)
		return 0;  /* done or removed by a commit since the index */
	if (rc) {
		run->rc = rc;
		return rc;
	}
	rc = write_task(run, r);
	crm_record_free(r);
	return rc;
}

/* Walks the tasks into the calendar begun. */
static int walk(struct ics_run *run)
{
	struct crm_find f = {0};
	size_t total;
	sqlite3 *db;
	int rc;

	if ((rc = crm_store_index(run->s, &db, run->err)))
		return rc;
	if (sqlite3_prepare_v2(db, concern_sql, -1, &run->concern, NULL) !=
	    SQLITE_OK)
		return crm_seterr(run->err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	f.mask = CRM_TYPE_BIT(CRM_TASK);
	f.query = run->o->query;
	f.sort = "id";
	rc = crm_find_each(run->s, &f, each_task, run, &total, NULL, NULL,
			   run->err);
	return run->rc ? run->rc : rc;
}

/* The write function of the module, which calls the caller's: kept
 * apart so that a stop is told from libical's failure (-1). */
static int forward(const char *text, size_t len, void *data)
{
	struct ics_run *run = data;
	int rc = run->o->write(text, len, run->o->data);

	if (rc)
		run->rc = rc;
	return rc;
}

/* True when zone is UTC by one of its names. */
static bool is_utc(const char *zone)
{
	static const char *const names[] = {
		"UTC", "UCT", "GMT", "GMT0", "Zulu", "Universal", "Greenwich",
	};
	size_t i;

	if (strncmp(zone, "Etc/", 4) == 0)
		zone += 4;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(zone, names[i]) == 0)
			return true;
	return false;
}

/* True when zone can be the name of a zone of the system's data
 * ("America/Argentina/Buenos_Aires", "Etc/GMT+3"): no path of another
 * file. */
static bool zone_name_ok(const char *zone)
{
	const char *c;

	if (zone[0] == '\0' || zone[0] == '/' || strstr(zone, "..") ||
	    strlen(zone) > 64)
		return false;
	for (c = zone; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789/_+-", *c))
			return false;
	return true;
}

/* The error of an unknown time zone. */
static int unknown_zone(const char *zone, struct crm_err *err)
{
	crm_seterr(err, CRM_EUSAGE, _("unknown time zone '%s'"), zone);
	crm_err_hint(err, _("hint: name one of the system's, as "
			    "Europe/Moscow, or UTC"));
	return CRM_EUSAGE;
}

int crm_ics_export(struct crm_store *s, const struct crm_ics_opts *o,
		   struct crm_ics_counts *n, struct crm_err *err)
{
	struct ics_run run = {s, o, {0}, NULL, NULL, n, CRM_OK, err};
	char msg[256] = "";
	int rc, end;

	const char *zone = o->zone && !is_utc(o->zone) ? o->zone : NULL;

	memset(n, 0, sizeof(*n));
	if (zone && !zone_name_ok(zone))
		return unknown_zone(zone, err);
	if ((rc = load_module(&run.fns, err)))
		return rc;
	run.cal = run.fns.begin(zone, prodid, forward, &run, msg, sizeof(msg));
	if (run.cal == NULL) {
		if (run.rc)
			return run.rc;
		if (strstr(msg, "zone"))
			return unknown_zone(zone, err);
		return crm_seterr(err, CRM_ERR, _("cannot write the calendar: %s"),
				  msg);
	}
	rc = walk(&run);
	end = run.fns.end(run.cal, rc == CRM_OK);
	sqlite3_finalize(run.concern);
	return rc ? rc : end;
}
