/*
 * sheet.c - crm-sheet.so, the module that reads spreadsheets
 * (sheet-module.h): the only part of crm linked with libcsv, uchardet,
 * libzip and expat.  This file holds what both readers share: the
 * sheet's memory (one list of large blocks, so that a hundred thousand
 * rows cost few allocations and are freed at once), its rows, and the
 * choice of reader; sheet-csv.c and sheet-xlsx.c read.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "sheet-mod.h"

/* The size of a block of a sheet's memory; a larger request gets a block
 * of its own. */
#define BLOCK_SIZE (1024 * 1024)

int crm_sheetmod_abi(void)
{
	return CRM_SHEET_ABI;
}

struct sheet *sheet_new(void)
{
	return calloc(1, sizeof(struct sheet));
}

void *sheet_alloc(struct sheet *s, size_t n)
{
	struct sheet_block *b = s->blocks;
	size_t cap;
	void *p;

	n = (n + 7) & ~(size_t)7;
	if (b == NULL || b->cap - b->used < n) {
		cap = n > BLOCK_SIZE / 4 ? n : BLOCK_SIZE;
		if (cap > SIZE_MAX - sizeof(*b))
			return NULL;
		b = malloc(sizeof(*b) + cap);
		if (b == NULL)
			return NULL;
		b->cap = cap;
		b->used = 0;
		if (cap == n && s->blocks) {
			/* A large one goes behind the block being filled. */
			b->next = s->blocks->next;
			s->blocks->next = b;
		} else {
			b->next = s->blocks;
			s->blocks = b;
		}
	}
	p = b->data + b->used;
	b->used += n;
	return p;
}

size_t sheet_utf8_len(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (n == 0 || p[0] == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

char *sheet_text(struct sheet *s, const char *p, size_t n, bool *bad)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0, k, out = 0;
	char *t;

	/* Each bad byte grows to three: count first. */
	for (i = 0; i < n; i += k ? k : 1) {
		k = sheet_utf8_len(u + i, n - i);
		out += k ? k : 3;
	}
	if (out == 0)
		return "";
	if ((t = sheet_alloc(s, out + 1)) == NULL)
		return NULL;
	if (out == n) {
		memcpy(t, p, n);
		t[n] = '\0';
		return t;
	}
	for (i = 0, out = 0; i < n; i += k ? k : 1) {
		k = sheet_utf8_len(u + i, n - i);
		if (k) {
			memcpy(t + out, p + i, k);
			out += k;
			continue;
		}
		memcpy(t + out, "\xef\xbf\xbd", 3);
		out += 3;
		if (bad)
			*bad = true;
	}
	t[out] = '\0';
	return t;
}

/* True when every one of the n cells is empty. */
static bool all_empty(const char **cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cells[i][0] != '\0')
			return false;
	return true;
}

int sheet_add_row(struct sheet *s, size_t line, const char **cells, size_t n,
		  const char *error, size_t eline, size_t ecol)
{
	struct crm_sheet_row *r;
	size_t cap;

	if (error == NULL && all_empty(cells, n))
		return 0;
	if (s->pub.nrows == s->rows_cap) {
		cap = s->rows_cap ? s->rows_cap * 2 : 256;
		r = reallocarray(s->pub.rows, cap, sizeof(*r));
		if (r == NULL)
			return -1;
		s->pub.rows = r;
		s->rows_cap = cap;
	}
	r = &s->pub.rows[s->pub.nrows];
	memset(r, 0, sizeof(*r));
	if (n && (r->cells = sheet_alloc(s, n * sizeof(*cells))) == NULL)
		return -1;
	if (n)
		memcpy(r->cells, cells, n * sizeof(*cells));
	r->line = line;
	r->ncells = n;
	r->error = error;
	r->error_line = error ? eline : 0;
	r->error_col = error ? ecol : 0;
	s->pub.nrows++;
	return 0;
}

int sheet_fail(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(msg, size, fmt, ap) < 0 && size)
		msg[0] = '\0';
	va_end(ap);
	return -1;
}

/* True when buf starts as a zip file does. */
static bool is_zip(const char *buf, size_t len)
{
	return len >= 4 && memcmp(buf, "PK\3\4", 4) == 0;
}

int crm_sheetmod_read(const char *buf, size_t len,
		      const struct crm_sheet_opts *o, struct crm_sheet **out,
		      char *msg, size_t size)
{
	struct sheet *s = sheet_new();
	bool xlsx;
	int rc;

	*out = NULL;
	if (s == NULL)
		return sheet_fail(msg, size, "%s", _("out of memory"));
	xlsx = o->format == CRM_SHEET_XLSX ||
	       (o->format == CRM_SHEET_AUTO && is_zip(buf, len));
	if (xlsx)
		rc = sheet_read_xlsx(s, buf, len, o, msg, size);
	else
		rc = sheet_read_csv(s, buf, len, o, msg, size);
	if (rc != 0) {
		crm_sheetmod_free(&s->pub);
		return -1;
	}
	*out = &s->pub;
	return 0;
}

void crm_sheetmod_free(struct crm_sheet *pub)
{
	struct sheet *s = (struct sheet *)pub;
	struct sheet_block *b, *next;

	if (s == NULL)
		return;
	for (b = s->blocks; b; b = next) {
		next = b->next;
		free(b);
	}
	free(s->pub.rows);
	free(s);
}
