/*
 * digest-text.c - the text of crm digest, for a terminal, for cron's
 * mail and for the body of an e-mail alike: a title, what was missed,
 * then one section a kind, one line an item, each with the client's
 * phone.  Every name is made safe (cli_safe_add): a record cannot bring
 * an escape sequence, a line of its own or bytes that are not UTF-8.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "digest.h"

/* The weekday names, as crm task due shows them. */
static const char *const wdays[] = {
	N_("Sun"), N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"),
	N_("Sat"),
};

/* Characters of an id the digest shows: enough to tell records apart in
 * a large store, short enough to type. */
#define SHOWN_ID 6

/* Appends s made safe for a terminal (NULL: nothing). */
static void add_safe(struct crm_buf *b, const char *s)
{
	if (s)
		cli_safe_add(b, s);
}

/* The weekday of t, translated ("Thu"). */
static const char *weekday(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return "?";
	return _(wdays[tm.tm_wday % 7]);
}

void cli_digest_day_label(time_t t, char *buf, size_t size)
{
	struct tm tm;
	char day[16];

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(day, sizeof(day), "%Y-%m-%d", &tm) == 0) {
		snprintf(buf, size, "?");
		return;
	}
	snprintf(buf, size, "%s %s", _(wdays[tm.tm_wday % 7]), day);
}

/* The local moment of the stored date s (a day: its midnight), or
 * fallback when it is none. */
static time_t stored_time(const char *s, long long fallback)
{
	struct crm_date d;

	if (s && crm_date_parse_stored(s, &d) == CRM_OK)
		return d.when;
	return (time_t)fallback;
}

/* When item it of section k happens, for people: a day, a day and a
 * time, a time today; with the weekday after today.  Caller owns it. */
static char *when_text(enum crm_digest_kind k, const struct crm_digest_item *it)
{
	struct crm_buf b = {0};
	char *when = cli_when_text(it->when), *time;

	switch (k) {
	case CRM_DIGEST_TODAY:
		/* "2026-12-01 11:30": the time alone; a whole day: "today" */
		time = strchr(when, ' ');
		crm_buf_adds(&b, time ? time + 1 : _("today"));
		break;
	case CRM_DIGEST_UPCOMING:
	case CRM_DIGEST_BIRTHDAY:
		crm_buf_addf(&b, "%s %s", weekday(stored_time(it->when, it->at)),
			     when);
		break;
	case CRM_DIGEST_OVERDUE:
		crm_buf_adds(&b, when);
		break;
	default:
		crm_buf_adds(&b, crm_type_name(it->type));
		break;
	}
	free(when);
	return crm_buf_detach(&b);
}

/* Appends " — CLIENT, PHONE" (the parts there are) to b. */
static void add_client(struct crm_buf *b, const char *client, const char *phone)
{
	if (client && client[0]) {
		crm_buf_adds(b, " — ");
		add_safe(b, client);
	}
	if (phone && phone[0]) {
		crm_buf_adds(b, ", ");
		add_safe(b, phone);
	}
}

/* What item it of section k is, after its time: the task and what it
 * concerns; the record and its state. */
static void add_what(struct cli *cli, struct crm_buf *b, enum crm_digest_kind k,
		     const struct crm_digest_item *it)
{
	add_safe(b, it->name);
	if (it->type == CRM_DEAL && it->stage) {
		crm_buf_adds(b, " (");
		add_safe(b, cli_stage_text(cli, it->pipeline, it->stage));
		crm_buf_adds(b, ")");
	}
	if (k == CRM_DIGEST_OVERDUE)
		crm_buf_addf(b, ngettext(", %ld day late", ", %ld days late",
					 (unsigned long)it->days), it->days);
	else if (k == CRM_DIGEST_STALE)
		crm_buf_addf(b, ngettext(", no activity for %ld day",
					 ", no activity for %ld days",
					 (unsigned long)it->days), it->days);
	else if (k == CRM_DIGEST_BIRTHDAY && it->days > 0)
		crm_buf_addf(b, _(", turns %ld"), it->days);
	if (it->deal) {
		crm_buf_adds(b, " [");
		add_safe(b, it->deal);
		crm_buf_adds(b, "]");
	}
	add_client(b, it->client, it->phone);
	crm_buf_addf(b, "  %.*s", SHOWN_ID, it->id);
}

/* The title of section k (days: the days after today shown). */
static void section_title(enum crm_digest_kind k, int days, size_t total,
			  char *buf, size_t size)
{
	switch (k) {
	case CRM_DIGEST_OVERDUE:
		snprintf(buf, size, _("Overdue (%zu)"), total);
		break;
	case CRM_DIGEST_TODAY:
		snprintf(buf, size, _("Due today (%zu)"), total);
		break;
	case CRM_DIGEST_UPCOMING:
		snprintf(buf, size, ngettext("Due in the next %d day (%zu)",
					     "Due in the next %d days (%zu)",
					     (unsigned long)days), days, total);
		break;
	case CRM_DIGEST_NO_TASK:
		snprintf(buf, size, _("Active, with no next task (%zu)"), total);
		break;
	case CRM_DIGEST_STALE:
		snprintf(buf, size, _("Stale deals (%zu)"), total);
		break;
	case CRM_DIGEST_BIRTHDAY:
		snprintf(buf, size, _("Birthdays (%zu)"), total);
		break;
	default:
		snprintf(buf, size, "?");
		break;
	}
}

/* The command that lists all of section k of owner. */
static void more_command(enum crm_digest_kind k, const char *owner,
			 struct crm_buf *b)
{
	if (k <= CRM_DIGEST_UPCOMING)
		crm_buf_adds(b, "crm task due --owner ");
	else if (k <= CRM_DIGEST_STALE)
		crm_buf_adds(b, "crm check --owner ");
	else
		crm_buf_adds(b, "crm list contact has:birthday owner:");
	add_safe(b, owner);
	if (k == CRM_DIGEST_OVERDUE)
		crm_buf_adds(b, " --overdue");
}

/* Appends section k of d: its title, its lines (the time column padded
 * to its widest), how many more there are. */
static void add_section(const struct digest_text *t, const struct crm_digest *d,
			enum crm_digest_kind k, struct crm_buf *b)
{
	const struct crm_digest_section *sec = &d->sec[k];
	char title[160], **when = crm_xcalloc(sec->n + 1, sizeof(*when));
	size_t i, w, width = 0;

	for (i = 0; i < sec->n; i++) {
		when[i] = when_text(k, &sec->items[i]);
		if ((w = cli_text_width(when[i])) > width)
			width = w;
	}
	section_title(k, t->days, sec->total, title, sizeof(title));
	crm_buf_addf(b, "\n%s%s%s\n", t->bold, title, t->reset);
	for (i = 0; i < sec->n; i++) {
		crm_buf_addf(b, "  %s%*s  ", when[i],
			     (int)(width - cli_text_width(when[i])), "");
		add_what(t->cli, b, k, &sec->items[i]);
		crm_buf_addc(b, '\n');
		free(when[i]);
	}
	if (sec->total > sec->n) {
		crm_buf_addf(b, _("  ... and %zu more: "), sec->total - sec->n);
		more_command(k, d->owner, b);
		crm_buf_addc(b, '\n');
	}
	free(when);
}

/* "Ann Smith (ann)", or the login alone, made safe. */
static void add_owner(struct cli *cli, const char *login, struct crm_buf *b)
{
	const struct crm_user *u = crm_config_user(crm_store_config(cli->store),
						   login);

	if (u && u->name && u->name[0]) {
		add_safe(b, u->name);
		crm_buf_adds(b, " (");
		add_safe(b, login);
		crm_buf_adds(b, ")");
	} else
		add_safe(b, login);
}

/* Appends the sections of d that have something. */
static void add_sections(const struct digest_text *t,
			 const struct crm_digest *d, struct crm_buf *b)
{
	int k;

	for (k = 0; k < CRM_DIGEST_NKINDS; k++)
		if (d->sec[k].total)
			add_section(t, d, (enum crm_digest_kind)k, b);
}

/* What was missed: the day of the last digest and the days since. */
static void add_missed(const struct digest_text *t, struct crm_buf *b)
{
	if (t->missed <= 0)
		return;
	crm_buf_adds(b, "\n");
	crm_buf_addf(b, ngettext("No digest was made on %d day: the last one "
				 "was of %s.  This one covers it: what fell "
				 "due then is overdue now, and its birthdays "
				 "are below.\n",
				 "No digest was made on %d days: the last one "
				 "was of %s.  This one covers them: what fell "
				 "due then is overdue now, and their birthdays "
				 "are below.\n", (unsigned long)t->missed),
		     t->missed, t->last);
}

void cli_digest_text(const struct digest_text *t, const struct crm_digest *d,
		     size_t n, struct crm_buf *b)
{
	size_t i;

	struct crm_buf who = {0};

	if (!t->all) {
		add_owner(t->cli, d[0].owner, &who);
		crm_buf_addf(b, "%s", t->bold);
		crm_buf_addf(b, _("crm digest for %s, %s"), who.s, t->day_label);
		crm_buf_addf(b, "%s\n", t->reset);
		crm_buf_free(&who);
		add_missed(t, b);
		add_sections(t, &d[0], b);
		return;
	}
	crm_buf_addf(b, "%s", t->bold);
	crm_buf_addf(b, _("crm digest of every owner, %s"), t->day_label);
	crm_buf_addf(b, "%s\n", t->reset);
	add_missed(t, b);
	for (i = 0; i < n; i++) {
		if (crm_digest_empty(&d[i]))
			continue;
		crm_buf_addf(b, "\n%s== ", t->bold);
		add_owner(t->cli, d[i].owner, b);
		crm_buf_addf(b, " ==%s\n", t->reset);
		add_sections(t, &d[i], b);
	}
}

char *cli_digest_subject(const struct digest_text *t, const struct crm_digest *d)
{
	struct crm_buf b = {0};
	size_t over = d->sec[CRM_DIGEST_OVERDUE].total;
	size_t today = d->sec[CRM_DIGEST_TODAY].total;

	crm_buf_addf(&b, _("crm digest, %s: "), t->day_label);
	if (over)
		crm_buf_addf(&b, ngettext("%zu overdue", "%zu overdue",
					  (unsigned long)over), over);
	if (over && today)
		crm_buf_adds(&b, ", ");
	if (today)
		crm_buf_addf(&b, ngettext("%zu due today", "%zu due today",
					  (unsigned long)today), today);
	if (!over && !today)
		crm_buf_adds(&b, _("nothing overdue or due today"));
	return crm_buf_detach(&b);
}
