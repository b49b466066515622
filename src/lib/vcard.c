/*
 * vcard.c - a contact or a company as a vCard (vcard.h): each property
 * built as one logical line (its name, parameters and escaped value),
 * then folded into lines of at most 75 octets ended by CR LF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vcard.h"

/* The most octets of a line, its CR LF not counted (RFC 6350 3.2). */
#define LINE_MAX_OCTETS 75

/* Appends the logical line s to b folded: a line break (CR LF and a
 * space) before the octet that would make a line longer than 75 octets,
 * moved back to the start of the UTF-8 character it falls in. */
static void add_folded(struct crm_buf *b, const char *s)
{
	size_t n = strlen(s), i = 0, room = LINE_MAX_OCTETS, k;

	while (n - i > room) {
		k = room;
		while (k > 0 && ((unsigned char)s[i + k] & 0xc0) == 0x80)
			k--;
		crm_buf_add(b, s + i, k);
		crm_buf_adds(b, "\r\n ");
		i += k;
		room = LINE_MAX_OCTETS - 1;  /* the space counts */
	}
	crm_buf_add(b, s + i, n - i);
	crm_buf_adds(b, "\r\n");
}

/* Appends s to line escaped as a vCard text value: \ , ; as \\ \, \;,
 * CR LF, CR and LF as \n; other control characters but tab dropped. */
static void add_escaped(struct crm_buf *line, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == ',' || *s == ';') {
			crm_buf_addc(line, '\\');
			crm_buf_addc(line, *s);
		} else if (*s == '\r' || *s == '\n') {
			crm_buf_adds(line, "\\n");
			if (s[0] == '\r' && s[1] == '\n')
				s++;
		} else if ((unsigned char)*s >= 0x20 && *s != 0x7f) {
			crm_buf_addc(line, *s);
		} else if (*s == '\t') {
			crm_buf_addc(line, '\t');
		}
	}
}

/* Appends the property "name:value" (name with its parameters), value
 * escaped, to b; nothing for a NULL or empty value. */
static void prop(struct crm_buf *b, const char *name, const char *value)
{
	struct crm_buf line = {0};

	if (value == NULL || value[0] == '\0')
		return;
	crm_buf_addf(&line, "%s:", name);
	add_escaped(&line, value);
	add_folded(b, line.s);
	crm_buf_free(&line);
}

/* Appends "name:raw" to b, raw written as it is (a value with no
 * character to escape, or escaped already). */
static void prop_raw(struct crm_buf *b, const char *name, const char *raw)
{
	struct crm_buf line = {0};

	crm_buf_addf(&line, "%s:%s", name, raw);
	add_folded(b, line.s);
	crm_buf_free(&line);
}

/* The scalar items of the list field key of r, one property each. */
static void prop_each(struct crm_buf *b, const struct crm_record *r,
		      const char *key, const char *name)
{
	const struct crm_node *l = crm_map_get(r->map, key);
	size_t i;

	if (l == NULL)
		return;
	if (l->kind == CRM_NODE_SCALAR) {
		prop(b, name, l->str);
		return;
	}
	for (i = 0; l->kind == CRM_NODE_SEQ && i < l->len; i++)
		if (l->items[i]->kind == CRM_NODE_SCALAR)
			prop(b, name, l->items[i]->str);
}

/* The length of s without its trailing blanks. */
static size_t trimmed(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

/* N of a contact: the last word of name the family name, the words
 * before it the given names. */
static void prop_n(struct crm_buf *b, const char *name)
{
	struct crm_buf v = {0};
	size_t n = trimmed(name, strlen(name)), at = n;
	char *family, *given;

	while (at > 0 && name[at - 1] != ' ' && name[at - 1] != '\t')
		at--;
	family = crm_xstrndup(name + at, n - at);
	given = crm_xstrndup(name, trimmed(name, at));
	add_escaped(&v, family);
	crm_buf_addc(&v, ';');
	add_escaped(&v, given);
	crm_buf_adds(&v, ";;;");
	prop_raw(b, "N", v.s);
	crm_buf_free(&v);
	free(family);
	free(given);
}

/* N of a company, which vCard 3.0 requires: its name as the family
 * name. */
static void prop_n_company(struct crm_buf *b, const char *name)
{
	struct crm_buf v = {0};

	add_escaped(&v, name);
	crm_buf_adds(&v, ";;;;");
	prop_raw(b, "N", v.s);
	crm_buf_free(&v);
}

/* CATEGORIES: the tags, each escaped, joined with commas. */
static void prop_categories(struct crm_buf *b, const struct crm_record *r)
{
	const struct crm_node *l = crm_map_get(r->map, "tags");
	struct crm_buf v = {0};
	size_t i;

	if (l == NULL || l->kind != CRM_NODE_SEQ || l->len == 0)
		return;
	for (i = 0; i < l->len; i++) {
		if (l->items[i]->kind != CRM_NODE_SCALAR)
			continue;
		if (v.len)
			crm_buf_addc(&v, ',');
		add_escaped(&v, l->items[i]->str);
	}
	if (v.len)
		prop_raw(b, "CATEGORIES", v.s);
	crm_buf_free(&v);
}

/* True when phone, less its blanks and the separators - . ( ), is +
 * and digits only: an international number, a tel: URI's global
 * number.  Its + and digits into buf. */
static bool global_number(const char *phone, char *buf, size_t size)
{
	size_t n = 0;
	const char *c;

	if (phone[0] != '+')
		return false;
	for (c = phone; *c; c++) {
		if (strchr(" -.()", *c))
			continue;
		if ((*c != '+' || c != phone) && (*c < '0' || *c > '9'))
			return false;
		if (n + 1 >= size)
			return false;
		buf[n++] = *c;
	}
	buf[n] = '\0';
	return n > 1;
}

/* TEL for each phone. */
static void prop_tels(struct crm_buf *b, const struct crm_record *r, bool v3)
{
	const struct crm_node *l = crm_map_get(r->map, "phones");
	char num[64], uri[80];
	size_t i;

	if (v3) {
		prop_each(b, r, "phones", "TEL;TYPE=VOICE");
		return;
	}
	for (i = 0; l && l->kind == CRM_NODE_SEQ && i < l->len; i++) {
		const char *p = l->items[i]->kind == CRM_NODE_SCALAR
				? l->items[i]->str : NULL;

		if (p == NULL)
			continue;
		if (global_number(p, num, sizeof(num)) &&
		    snprintf(uri, sizeof(uri), "tel:%s", num) < (int)sizeof(uri))
			prop_raw(b, "TEL;VALUE=uri;TYPE=voice", uri);
		else
			prop(b, "TEL;TYPE=voice", p);
	}
}

/* REV: the stored time-stamp updated in UTC, in the form of the
 * version; nothing when it does not parse. */
static void prop_rev(struct crm_buf *b, const struct crm_record *r, bool v3)
{
	const char *v = crm_map_str(r->map, "updated");
	struct crm_date d;
	struct tm tm;
	char buf[32];

	if (v == NULL || crm_date_parse_stored(v, &d) != CRM_OK ||
	    gmtime_r(&d.when, &tm) == NULL ||
	    strftime(buf, sizeof(buf), v3 ? "%Y-%m-%dT%H:%M:%SZ"
					  : "%Y%m%dT%H%M%SZ", &tm) == 0)
		return;
	prop_raw(b, "REV", buf);
}

/* BDAY: a birthday stored as YYYY-MM-DD, in 4.0's basic form
 * (YYYYMMDD) or as it is in 3.0. */
static void prop_bday(struct crm_buf *b, const struct crm_record *r, bool v3)
{
	const char *v = crm_map_str(r->map, "birthday");
	int y, m, d;
	char buf[16];

	if (v == NULL || strlen(v) != 10 ||
	    sscanf(v, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return;
	snprintf(buf, sizeof(buf), v3 ? "%04d-%02d-%02d" : "%04d%02d%02d",
		 y, m, d);
	prop_raw(b, "BDAY", buf);
}

/* ADR of a company: its address as the street (the address is one
 * free text), the other parts empty. */
static void prop_adr(struct crm_buf *b, const struct crm_record *r)
{
	const char *a = crm_map_str(r->map, "address");
	struct crm_buf v = {0};

	if (a == NULL || a[0] == '\0')
		return;
	crm_buf_adds(&v, ";;");
	add_escaped(&v, a);
	crm_buf_adds(&v, ";;;;");
	prop_raw(b, "ADR", v.s);
	crm_buf_free(&v);
}

void crm_vcard_add(struct crm_buf *b, const struct crm_record *r,
		   const char *org, bool v3)
{
	const char *name = crm_record_name(r);
	bool company = r->type == CRM_COMPANY;
	struct crm_buf uid = {0};

	crm_buf_adds(b, "BEGIN:VCARD\r\n");
	crm_buf_adds(b, v3 ? "VERSION:3.0\r\n" : "VERSION:4.0\r\n");
	if (company && !v3)
		crm_buf_adds(b, "KIND:org\r\n");
	prop(b, "FN", name);
	if (!company)
		prop_n(b, name);
	else if (v3)
		prop_n_company(b, name);
	prop(b, "ORG", company ? name : org);
	if (!company)
		prop(b, "TITLE", crm_map_str(r->map, "role"));
	prop_tels(b, r, v3);
	prop_each(b, r, "emails", v3 ? "EMAIL;TYPE=INTERNET" : "EMAIL");
	if (company) {
		prop(b, "URL", crm_map_str(r->map, "website"));
		prop_adr(b, r);
	} else {
		prop_bday(b, r, v3);
	}
	prop_categories(b, r);
	prop(b, "NOTE", crm_map_str(r->map, "notes"));
	crm_buf_addf(&uid, "%s@crm", r->id);
	prop_raw(b, v3 ? "UID" : "UID;VALUE=text", uid.s);
	crm_buf_free(&uid);
	prop_rev(b, r, v3);
	crm_buf_adds(b, "END:VCARD\r\n");
}
