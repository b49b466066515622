/*
 * mail.c - crm-mail.so, the module that writes e-mail with GMime: the
 * only part of crm linked with GMime and GLib, loaded by the commands
 * that write a message (crm digest --mail), so that the others never
 * load them.  GMime does what is easy to get wrong by hand: the RFC 2047
 * encoding and folding of headers, the Date, the Message-ID, the body's
 * transfer encoding.  Its interface: mail-module.h.
 */
#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "i18n.h"
#include "mail-module.h"

/* GMime is set up once, the first time a message is written. */
static GOnce init_once = G_ONCE_INIT;

static gpointer init_gmime(gpointer data)
{
	(void)data;
	g_mime_init();
	return NULL;
}

int crm_mailmod_abi(void)
{
	return CRM_MAIL_ABI;
}

/* The moment t in the zone utc_offset seconds east of UTC.  Caller
 * unrefs it. */
static GDateTime *message_date(long long t, int utc_offset)
{
	GTimeZone *tz = g_time_zone_new_offset(utc_offset);
	GDateTime *utc = g_date_time_new_from_unix_utc((gint64)t);
	GDateTime *local = utc ? g_date_time_to_timezone(utc, tz) : NULL;

	if (utc)
		g_date_time_unref(utc);
	g_time_zone_unref(tz);
	return local;
}

/* The name as GMime takes it: NULL for none. */
static const char *name_or_null(const char *name)
{
	return name && name[0] ? name : NULL;
}

/* Adds the mailbox name <addr> to list, the name encoded in UTF-8 (else
 * GMime picks the smallest charset that holds it, such as ISO-8859-5). */
static void add_mailbox(InternetAddressList *list, const char *name,
			const char *addr)
{
	InternetAddress *ia = internet_address_mailbox_new(name_or_null(name),
							   addr);

	internet_address_set_charset(ia, "utf-8");
	internet_address_list_add(list, ia);
	g_object_unref(ia);
}

/* Sets the headers of msg from m; false when the date cannot be made. */
static gboolean set_headers(GMimeMessage *msg, const struct crm_mailmod_msg *m)
{
	GDateTime *date = message_date(m->date, m->utc_offset);
	char *id;
	size_t i;

	if (date == NULL)
		return FALSE;
	add_mailbox(g_mime_message_get_from(msg), m->from_name, m->from_addr);
	add_mailbox(g_mime_message_get_to(msg), m->to_name, m->to_addr);
	g_mime_message_set_subject(msg, m->subject, "utf-8");
	g_mime_message_set_date(msg, date);
	g_date_time_unref(date);
	id = g_mime_utils_generate_message_id(m->msgid_domain);
	g_mime_message_set_message_id(msg, id);
	g_free(id);
	for (i = 0; m->extra && m->extra[i] && m->extra[i + 1]; i += 2)
		g_mime_object_set_header((GMimeObject *)msg, m->extra[i],
					 m->extra[i + 1], "utf-8");
	return TRUE;
}

/* The body: one text/plain part in UTF-8. */
static GMimeObject *body_part(const char *text)
{
	GMimeTextPart *part = g_mime_text_part_new_with_subtype("plain");

	g_mime_text_part_set_text(part, text);
	g_mime_text_part_set_charset(part, "UTF-8");
	return (GMimeObject *)part;
}

int crm_mailmod_compose(const struct crm_mailmod_msg *m, char **out,
			size_t *len, char *errbuf, size_t errsize)
{
	GMimeFormatOptions *opts;
	GMimeMessage *msg;
	GMimeObject *part;
	char *text;

	*out = NULL;
	*len = 0;
	g_once(&init_once, init_gmime, NULL);
	msg = g_mime_message_new(TRUE);
	if (!set_headers(msg, m)) {
		g_object_unref(msg);
		snprintf(errbuf, errsize, "%s", _("the date cannot be written"));
		return -1;
	}
	part = body_part(m->body);
	g_mime_message_set_mime_part(msg, part);
	g_object_unref(part);
	/* 7 bit: quoted-printable or base64, whichever is shorter */
	g_mime_object_encode((GMimeObject *)msg, GMIME_ENCODING_CONSTRAINT_7BIT);
	opts = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(opts, GMIME_NEWLINE_FORMAT_UNIX);
	text = g_mime_object_to_string((GMimeObject *)msg, opts);
	g_mime_format_options_free(opts);
	g_object_unref(msg);
	if (text == NULL) {
		snprintf(errbuf, errsize, "%s", _("GMime wrote nothing"));
		return -1;
	}
	*out = text;
	*len = strlen(text);
	return 0;
}

void crm_mailmod_free(char *p)
{
	g_free(p);
}
