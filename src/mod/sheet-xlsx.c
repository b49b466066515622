/*
 * sheet-xlsx.c - a sheet of an .xlsx workbook as a sheet (sheet-mod.h).
 * The workbook is a zip (libzip, read from memory) of XML parts (expat,
 * fed as they inflate): xl/workbook.xml names the sheets and says which
 * date system is used, xl/_rels/workbook.xml.rels where each sheet's
 * part is, xl/sharedStrings.xml holds the strings cells point to,
 * xl/styles.xml which cell styles are dates; then the sheet itself, and
 * its merged ranges.
 *
 * Hostile workbooks are refused: XML with a DTD (entities are how XML
 * bombs grow), parts that inflate to more than MAX_UNZIPPED bytes in
 * all or claim an absurd ratio, more than MAX_STRINGS shared strings,
 * MAX_CELLS cells or MAX_DEPTH nested elements.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#include "i18n.h"
#include "sheet-mod.h"

#define MAX_UNZIPPED ((zip_uint64_t)256 * 1024 * 1024)
/* A part this large that is this many times its compressed size is a
 * zip bomb: XML compresses some ten times. */
#define RATIO_FROM ((zip_uint64_t)32 * 1024 * 1024)
#define MAX_RATIO 200
#define MAX_STRINGS (1 << 22)
#define MAX_CELLS (16 * 1024 * 1024)
#define MAX_DEPTH 64
#define MAX_SHEETS 4096
#define MAX_XFS 65536
#define MAX_MERGES 65536
#define MAX_RELS 65536
/* Excel's own bounds. */
#define MAX_COL 16384
#define MAX_ROW 1048576
#define CHUNK 65536

/* Growable text, at most CRM_SHEET_MAX_CELL bytes. */
struct strbuf {
	char *s;
	size_t len, cap;
	bool over;     /* more was given */
};

enum part { PART_RELS, PART_WORKBOOK, PART_STYLES, PART_STRINGS, PART_SHEET };

struct wsheet {
	const char *name, *rid;
};

struct rel {
	const char *id, *target;
};

struct numfmt {
	unsigned id;
	bool date;
};

struct cell {
	size_t col;
	const char *v;
};

struct merge {
	size_t r1, c1, r2, c2;
};

/* A workbook being read. */
struct xl {
	struct sheet *s;
	zip_t *zip;
	zip_uint64_t unzipped;   /* inflated so far, in all parts */
	const char *path;        /* the part being parsed */
	enum part part;
	XML_Parser parser;
	char *msg;
	size_t size;
	bool failed;             /* a handler refused: msg says why */
	int depth;
	struct strbuf text;      /* the text being collected */
	bool collect;
	size_t t_start;          /* where the <t> being read began */
	bool t_preserve;         /* it has xml:space="preserve" */
	bool in_rph;             /* in a phonetic run: not text */

	struct wsheet *sheets;
	size_t nsheets;
	bool date1904;
	struct rel *rels;
	size_t nrels;
	const char *strings_part, *styles_part;

	bool in_numfmts, in_cellxfs;
	struct numfmt *fmts;
	size_t nfmts;
	bool *xf_date;
	size_t nxfs;

	const char **strings;
	size_t nstrings;

	bool in_data, in_row, in_cell, in_is;
	size_t row, col;         /* the row and cell being read */
	char type;
	size_t style;
	bool has_v;
	struct cell *cells;      /* the row's */
	size_t ncells;
	const char **dense;      /* its cells laid out */
	size_t dense_cap;
	const char *row_error;
	size_t row_error_col;
	size_t total_cells;
	size_t last_row, max_row, max_col;
	struct merge *merges;
	size_t nmerges;
};

/* ---- small helpers ---- */

/* Makes room for one more element of size elem in *arr of *n; -1: no
 * memory.  The capacity doubles as n crosses each power of two. */
static int grow(void *arr, size_t n, size_t elem)
{
	void **p = arr, *q;
	size_t cap;

	if (n != 0 && (n < 16 || (n & (n - 1)) != 0))
		return 0;
	cap = n == 0 ? 16 : n * 2;
	if ((q = reallocarray(*p, cap, elem)) == NULL)
		return -1;
	*p = q;
	return 0;
}

/* Appends n bytes at p to b, up to its bound; -1: no memory. */
static int sb_add(struct strbuf *b, const char *p, size_t n)
{
	size_t cap;
	char *q;

	if (b->len + n > CRM_SHEET_MAX_CELL) {
		b->over = true;
		n = CRM_SHEET_MAX_CELL - b->len;
	}
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((q = realloc(b->s, cap)) == NULL)
			return -1;
		b->s = q;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

/* Empties b, keeping its memory. */
static void sb_reset(struct strbuf *b)
{
	b->len = 0;
	b->over = false;
	if (b->s)
		b->s[0] = '\0';
}

/* The local name of an XML name: after its prefix. */
static const char *local(const XML_Char *name)
{
	const char *c = strrchr(name, ':');

	return c ? c + 1 : name;
}

/* The value of attribute name (local name) in atts, or NULL. */
static const char *attr(const XML_Char **atts, const char *name)
{
	size_t i;

	for (i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

/* The r:id of a sheet: an "id" with a prefix (the relationships'). */
static const char *attr_rid(const XML_Char **atts)
{
	size_t i;

	for (i = 0; atts[i]; i += 2)
		if (strchr(atts[i], ':') && strcmp(local(atts[i]), "id") == 0)
			return atts[i + 1];
	return NULL;
}

/* The number s holds (digits only), or (size_t)-1. */
static size_t number(const char *s)
{
	size_t v = 0;

	if (s == NULL || *s == '\0')
		return (size_t)-1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > SIZE_MAX / 10 - 10)
			return (size_t)-1;
		v = v * 10 + (size_t)(*s - '0');
	}
	return v;
}

/* Reads a cell reference ("B2", "$B$2") at *p into col and row (0
 * when it has none), moving *p past it; false when it is not one. */
static bool cell_ref(const char **p, size_t *col, size_t *row)
{
	const char *s = *p;

	*col = *row = 0;
	if (*s == '$')
		s++;
	while (*s >= 'A' && *s <= 'Z' && *col <= MAX_COL)
		*col = *col * 26 + (size_t)(*s++ - 'A' + 1);
	if (*s == '$')
		s++;
	while (*s >= '0' && *s <= '9' && *row <= MAX_ROW)
		*row = *row * 10 + (size_t)(*s++ - '0');
	*p = s;
	return *col >= 1 && *col <= MAX_COL && *row <= MAX_ROW;
}

/* A copy of s in the sheet's memory; NULL: no memory. */
static const char *keep(struct xl *x, const char *s)
{
	return sheet_text(x->s, s, strlen(s), NULL);
}

/* Stops the parse with why, at the parser's place in the part. */
static void refuse(struct xl *x, const char *why)
{
	if (x->failed)
		return;
	sheet_fail(x->msg, x->size, _("%s: line %lu, column %lu: %s"),
		   x->path, (unsigned long)XML_GetCurrentLineNumber(x->parser),
		   (unsigned long)XML_GetCurrentColumnNumber(x->parser) + 1,
		   why);
	x->failed = true;
	XML_StopParser(x->parser, XML_FALSE);
}

/* Stops the parse: no memory. */
static void out_of_memory(struct xl *x)
{
	refuse(x, _("out of memory"));
}

/* ---- numbers and dates ---- */

/* The days since 1970-01-01 as year, month and day (H. Hinnant's
 * civil_from_days). */
static void civil(long long z, int *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Serial date v of the 1900 (or, with d1904, 1904) system as
 * "YYYY-MM-DD", "YYYY-MM-DD HH:MM", or "HH:MM" for a time alone, into
 * out; false when v is no date. */
static bool date_text(const char *v, bool d1904, char *out, size_t size)
{
	char *end;
	double f = strtod(v, &end);
	long long days, mins;
	int y, m, d;

	if (end == v || *end || !(f >= 0 && f < 2958466))
		return false;
	days = (long long)f;
	mins = (long long)((f - (double)days) * 1440 + 0.5);
	if (mins >= 1440) {
		days++;
		mins -= 1440;
	}
	if (!d1904 && days == 0) {
		snprintf(out, size, "%02lld:%02lld", mins / 60, mins % 60);
		return true;
	}
	if (!d1904 && days == 60) {
		/* Lotus's 1900-02-29, which Excel keeps. */
		y = 1900, m = 2, d = 29;
	} else {
		/* Serial 1 is 1900-01-01, and after the false leap day
		 * the days count from 1899-12-30; 0 is 1904-01-01. */
		civil(days + (d1904 ? -24107 : days < 60 ? -25568 : -25569),
		      &y, &m, &d);
	}
	if (mins == 0)
		snprintf(out, size, "%04d-%02d-%02d", y, m, d);
	else
		snprintf(out, size, "%04d-%02d-%02d %02lld:%02lld", y, m, d,
			 mins / 60, mins % 60);
	return true;
}

/* Number v as written, or, when it is an integer below 2^53 written with
 * an exponent ("7.4951234567E10"), its digits ("74951234567"), into out
 * (size bytes, at least 32).  Returns out or v. */
static const char *number_text(const char *v, char *out, size_t size)
{
	char digits[40];
	const char *p = v, *e = strpbrk(v, "eE");
	size_t nd = 0, point = 0, o = 0, i;
	long exp;
	bool neg = false, seen_point = false;
	char *end;

	if (e == NULL)
		return v;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; p < e; p++) {
		if (*p == '.' && !seen_point) {
			seen_point = true;
			continue;
		}
		if (*p < '0' || *p > '9' || nd >= 20)
			return v;
		if (nd == 0 && *p == '0') {
			/* A leading zero moves nothing but the point. */
			if (seen_point)
				point--;
			continue;
		}
		digits[nd++] = *p;
		point += !seen_point;
	}
	exp = strtol(e + 1, &end, 10);
	if (end == e + 1 || *end || exp > 20 || exp < -40)
		return v;
	if (nd == 0) {
		snprintf(out, size, "0");
		return out;
	}
	if ((long)point + exp < 0 || (long)point + exp > 16)
		return v;
	point = (size_t)((long)point + exp);
	for (i = point; i < nd; i++)
		if (digits[i] != '0')
			return v;   /* not an integer */
	if (neg)
		out[o++] = '-';
	for (i = 0; i < point; i++)
		out[o++] = i < nd ? digits[i] : '0';
	out[o] = '\0';
	if (strtoull(out + neg, NULL, 10) >= (1ULL << 53))
		return v;
	return out;
}

/* True when the number format code (a custom numFmt) shows a date or a
 * time: d, m, y, h or s outside quotes and brackets. */
static bool date_code(const char *code)
{
	const char *p;

	for (p = code; *p; p++) {
		switch (*p) {
		case '"':
			p = strchr(p + 1, '"');
			if (p == NULL)
				return false;
			break;
		case '[':
			p = strchr(p + 1, ']');
			if (p == NULL)
				return false;
			break;
		case '\\': case '_': case '*':
			if (p[1] == '\0')
				return false;
			p++;
			break;
		default:
			if (strchr("dmyhsDMYHS", *p))
				return true;
		}
	}
	return false;
}

/* True when built-in number format id is a date or time. */
static bool date_builtin(unsigned id)
{
	return (id >= 14 && id <= 22) || (id >= 45 && id <= 47);
}

/* True when number format id (built-in or the workbook's) is a date. */
static bool date_fmt(const struct xl *x, unsigned id)
{
	size_t i;

	for (i = 0; i < x->nfmts; i++)
		if (x->fmts[i].id == id)
			return x->fmts[i].date;
	return date_builtin(id);
}

/* ---- the parts' elements ---- */

/* Begins collecting text for a <t> with attributes atts. */
static void start_t(struct xl *x, const XML_Char **atts)
{
	const char *sp = attr(atts, "space");

	x->collect = !x->in_rph;
	x->t_start = x->text.len;
	x->t_preserve = sp && strcmp(sp, "preserve") == 0;
}

/* Ends a <t>: without xml:space="preserve", its text is trimmed. */
static void end_t(struct xl *x)
{
	struct strbuf *b = &x->text;
	size_t a = x->t_start, z = b->len;

	x->collect = false;
	if (x->t_preserve || x->in_rph)
		return;
	while (z > a && strchr(" \t\r\n", b->s[z - 1]))
		z--;
	while (a < z && strchr(" \t\r\n", b->s[a]))
		a++;
	memmove(b->s + x->t_start, b->s + a, z - a);
	b->len = x->t_start + z - a;
	if (b->s)
		b->s[b->len] = '\0';
}

/* A relationship of the workbook: a sheet's part, the shared strings',
 * the styles'; each target is kept as a path in the zip. */
static void start_rels(struct xl *x, const char *el, const XML_Char **atts)
{
	const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
	const char *type = attr(atts, "Type");
	const char *path;
	char buf[1024];
	size_t tl;

	if (strcmp(el, "Relationship") || !id || !target || !type)
		return;
	if (target[0] == '/')
		snprintf(buf, sizeof(buf), "%s", target + 1);
	else
		snprintf(buf, sizeof(buf), "xl/%s", target);
	if ((path = keep(x, buf)) == NULL)
		return out_of_memory(x);
	tl = strlen(type);
	if (tl >= 14 && strcmp(type + tl - 14, "/sharedStrings") == 0)
		x->strings_part = path;
	else if (tl >= 7 && strcmp(type + tl - 7, "/styles") == 0)
		x->styles_part = path;
	if (x->nrels >= MAX_RELS)
		return refuse(x, _("too many relationships"));
	if (grow(&x->rels, x->nrels, sizeof(*x->rels)) != 0 ||
	    (x->rels[x->nrels].id = keep(x, id)) == NULL)
		return out_of_memory(x);
	x->rels[x->nrels++].target = path;
}

/* The workbook's sheets, in order, and its date system. */
static void start_workbook(struct xl *x, const char *el,
			   const XML_Char **atts)
{
	const char *name = attr(atts, "name"), *rid = attr_rid(atts);
	const char *d;

	if (strcmp(el, "workbookPr") == 0) {
		d = attr(atts, "date1904");
		x->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
		return;
	}
	if (strcmp(el, "sheet") || !name || !rid)
		return;
	if (x->nsheets >= MAX_SHEETS)
		return refuse(x, _("too many sheets"));
	if (grow(&x->sheets, x->nsheets, sizeof(*x->sheets)) != 0 ||
	    (x->sheets[x->nsheets].name = keep(x, name)) == NULL ||
	    (x->sheets[x->nsheets].rid = keep(x, rid)) == NULL)
		return out_of_memory(x);
	x->nsheets++;
}

/* The custom number formats, then the cell styles (cellXfs), each
 * noted as a date or not. */
static void start_styles(struct xl *x, const char *el, const XML_Char **atts)
{
	size_t id = number(attr(atts, "numFmtId"));
	const char *code = attr(atts, "formatCode");

	if (strcmp(el, "numFmts") == 0)
		x->in_numfmts = true;
	else if (strcmp(el, "cellXfs") == 0)
		x->in_cellxfs = true;
	else if (x->in_numfmts && strcmp(el, "numFmt") == 0 && code &&
		 id <= UINT32_MAX) {
		if (x->nfmts >= MAX_XFS)
			return refuse(x, _("too many number formats"));
		if (grow(&x->fmts, x->nfmts, sizeof(*x->fmts)) != 0)
			return out_of_memory(x);
		x->fmts[x->nfmts].id = (unsigned)id;
		x->fmts[x->nfmts++].date = date_code(code);
	} else if (x->in_cellxfs && strcmp(el, "xf") == 0) {
		if (x->nxfs >= MAX_XFS)
			return refuse(x, _("too many cell styles"));
		if (grow(&x->xf_date, x->nxfs, sizeof(*x->xf_date)) != 0)
			return out_of_memory(x);
		x->xf_date[x->nxfs++] = id <= UINT32_MAX &&
					date_fmt(x, (unsigned)id);
	}
}

/* Leaves the lists of formats and of cell styles. */
static void end_styles(struct xl *x, const char *el)
{
	if (strcmp(el, "numFmts") == 0)
		x->in_numfmts = false;
	else if (strcmp(el, "cellXfs") == 0)
		x->in_cellxfs = false;
}

/* A shared string (si): its text runs, not its phonetic ones. */
static void start_strings(struct xl *x, const char *el,
			  const XML_Char **atts)
{
	if (strcmp(el, "si") == 0)
		sb_reset(&x->text);
	else if (strcmp(el, "rPh") == 0)
		x->in_rph = true;
	else if (strcmp(el, "t") == 0)
		start_t(x, atts);
}

/* Ends a run, or a shared string, which is kept (NULL when it is
 * longer than a cell may be). */
static void end_strings(struct xl *x, const char *el)
{
	const char *s;

	if (strcmp(el, "t") == 0)
		end_t(x);
	else if (strcmp(el, "rPh") == 0)
		x->in_rph = false;
	if (strcmp(el, "si"))
		return;
	if (x->nstrings >= MAX_STRINGS)
		return refuse(x, _("more than 4194304 shared strings"));
	if (grow(&x->strings, x->nstrings, sizeof(*x->strings)) != 0)
		return out_of_memory(x);
	s = NULL;
	if (!x->text.over &&
	    (s = sheet_text(x->s, x->text.s, x->text.len, NULL)) == NULL)
		return out_of_memory(x);
	x->strings[x->nstrings++] = s;
}

/* A merged range "A1:C2", kept for the end. */
static void add_merge(struct xl *x, const char *ref)
{
	struct merge m;
	const char *p = ref;

	if (ref == NULL || !cell_ref(&p, &m.c1, &m.r1) || m.r1 == 0)
		return;
	m.c2 = m.c1, m.r2 = m.r1;
	if (*p == ':' && (p++, !cell_ref(&p, &m.c2, &m.r2)))
		return;
	if (*p || m.r2 < m.r1 || m.c2 < m.c1)
		return;
	if (x->nmerges >= MAX_MERGES)
		return refuse(x, _("too many merged ranges"));
	if (grow(&x->merges, x->nmerges, sizeof(*x->merges)) != 0)
		return out_of_memory(x);
	x->merges[x->nmerges++] = m;
}

/* Begins row r (or the one after the last). */
static void start_row(struct xl *x, const XML_Char **atts)
{
	size_t r = number(attr(atts, "r"));

	if (r == (size_t)-1 || r == 0)
		r = x->last_row + 1;
	if (r > MAX_ROW)
		return refuse(x, _("a row number past the sheet's end"));
	x->row = x->last_row = r;
	x->in_row = true;
	x->ncells = 0;
	x->col = 0;
	x->row_error = NULL;
}

/* Begins a cell: its column (or the one after the last), type, style. */
static void start_cell(struct xl *x, const XML_Char **atts)
{
	const char *r = attr(atts, "r"), *t = attr(atts, "t");
	size_t style = number(attr(atts, "s")), col, row;

	if (r == NULL)
		col = x->col + 1;
	else if (!cell_ref(&r, &col, &row) || *r)
		return refuse(x, _("a bad cell reference"));
	if (col > MAX_COL)
		return refuse(x, _("a bad cell reference"));
	x->col = col;
	x->type = t == NULL ? 'n' : strcmp(t, "inlineStr") == 0 ? 'i' :
		  strcmp(t, "str") == 0 ? 'S' : t[0];
	x->style = style;
	x->has_v = false;
	x->in_cell = true;
	sb_reset(&x->text);
}

/* The sheet's rows, cells, values, inline strings, merged ranges. */
static void start_sheet(struct xl *x, const char *el, const XML_Char **atts)
{
	if (strcmp(el, "sheetData") == 0)
		x->in_data = true;
	else if (strcmp(el, "mergeCell") == 0)
		add_merge(x, attr(atts, "ref"));
	else if (!x->in_data)
		return;
	else if (strcmp(el, "row") == 0)
		start_row(x, atts);
	else if (strcmp(el, "c") == 0 && x->in_row)
		start_cell(x, atts);
	else if (!x->in_cell)
		return;
	else if (strcmp(el, "v") == 0) {
		x->collect = true;
		x->has_v = true;
	} else if (strcmp(el, "is") == 0) {
		x->in_is = true;
		x->has_v = true;
	} else if (strcmp(el, "rPh") == 0)
		x->in_rph = true;
	else if (strcmp(el, "t") == 0 && x->in_is)
		start_t(x, atts);
}

/* Notes error at the cell being read, unless its row has one. */
static void cell_fault(struct xl *x, const char *error)
{
	if (x->row_error == NULL) {
		x->row_error = error;
		x->row_error_col = x->col;
	}
}

/* The value of the cell just read: its text by its type and style, in
 * the sheet's memory, or NULL with why noted. */
static const char *cell_value(struct xl *x)
{
	char buf[64];
	const char *v = x->text.s ? x->text.s : "";
	size_t i;

	switch (x->type) {
	case 's':
		i = number(v);
		if (i >= x->nstrings) {
			cell_fault(x, _("a shared string that is not in "
					"the workbook"));
			return "";
		}
		if (x->strings[i] == NULL)
			cell_fault(x, _("a cell longer than 1 MiB"));
		return x->strings[i] ? x->strings[i] : "";
	case 'b':
		return strcmp(v, "1") == 0 ? "TRUE" :
		       strcmp(v, "0") == 0 ? "FALSE" : keep(x, v);
	case 'n':
		if (x->style < x->nxfs && x->xf_date[x->style] &&
		    date_text(v, x->date1904, buf, sizeof(buf)))
			return keep(x, buf);
		return keep(x, number_text(v, buf, sizeof(buf)));
	default:
		return keep(x, v);
	}
}

/* Keeps the cell just read in its row, when it has a value. */
static void end_cell(struct xl *x)
{
	const char *v;

	x->in_cell = x->in_is = false;
	if (!x->has_v)
		return;
	if (x->text.over) {
		cell_fault(x, _("a cell longer than 1 MiB"));
		return;
	}
	if ((v = cell_value(x)) == NULL)
		return out_of_memory(x);
	if (v[0] == '\0')
		return;
	if (x->col > CRM_SHEET_MAX_COLS) {
		cell_fault(x, _("more than 1000 columns"));
		return;
	}
	if (++x->total_cells > MAX_CELLS)
		return refuse(x, _("more than 16777216 cells"));
	if (grow(&x->cells, x->ncells, sizeof(*x->cells)) != 0)
		return out_of_memory(x);
	x->cells[x->ncells].col = x->col;
	x->cells[x->ncells++].v = v;
}

/* Lays the row's cells out in x->dense; returns their number, or
 * (size_t)-1 for no memory. */
static size_t lay_out(struct xl *x)
{
	size_t n = 0, i;
	const char **d;

	for (i = 0; i < x->ncells; i++)
		if (x->cells[i].col > n)
			n = x->cells[i].col;
	if (n > x->dense_cap) {
		if ((d = reallocarray(x->dense, n, sizeof(*d))) == NULL)
			return (size_t)-1;
		x->dense = d;
		x->dense_cap = n;
	}
	for (i = 0; i < n; i++)
		x->dense[i] = "";
	for (i = 0; i < x->ncells; i++)
		x->dense[x->cells[i].col - 1] = x->cells[i].v;
	return n;
}

/* Adds the row just read to the sheet (dropped when empty). */
static void end_row(struct xl *x)
{
	size_t n = lay_out(x);

	x->in_row = false;
	if (n == (size_t)-1)
		return out_of_memory(x);
	if (n > 0 && x->row > x->max_row)
		x->max_row = x->row;
	if (n > x->max_col)
		x->max_col = n;
	if (sheet_add_row(x->s, x->row, x->dense, n, x->row_error, x->row,
			  x->row_error_col) != 0)
		out_of_memory(x);
}

/* Ends what start_sheet began. */
static void end_sheet(struct xl *x, const char *el)
{
	if (strcmp(el, "sheetData") == 0)
		x->in_data = false;
	else if (strcmp(el, "row") == 0 && x->in_row)
		end_row(x);
	else if (!x->in_cell)
		return;
	else if (strcmp(el, "c") == 0)
		end_cell(x);
	else if (strcmp(el, "v") == 0)
		x->collect = false;
	else if (strcmp(el, "is") == 0)
		x->in_is = false;
	else if (strcmp(el, "rPh") == 0)
		x->in_rph = false;
	else if (strcmp(el, "t") == 0 && x->in_is)
		end_t(x);
}

/* ---- expat's handlers ---- */

/* expat's start of an element: bounds the depth, then the part's. */
static void XMLCALL on_start(void *data, const XML_Char *name,
			     const XML_Char **atts)
{
	struct xl *x = data;
	const char *el = local(name);

	if (++x->depth > MAX_DEPTH)
		return refuse(x, _("elements nested too deep"));
	switch (x->part) {
	case PART_RELS: start_rels(x, el, atts); break;
	case PART_WORKBOOK: start_workbook(x, el, atts); break;
	case PART_STYLES: start_styles(x, el, atts); break;
	case PART_STRINGS: start_strings(x, el, atts); break;
	case PART_SHEET: start_sheet(x, el, atts); break;
	}
}

/* expat's end of an element. */
static void XMLCALL on_end(void *data, const XML_Char *name)
{
	struct xl *x = data;
	const char *el = local(name);

	x->depth--;
	if (x->part == PART_STYLES)
		end_styles(x, el);
	else if (x->part == PART_STRINGS)
		end_strings(x, el);
	else if (x->part == PART_SHEET)
		end_sheet(x, el);
}

/* expat's text: kept when a value or a run is being read. */
static void XMLCALL on_text(void *data, const XML_Char *s, int len)
{
	struct xl *x = data;

	if (x->collect && sb_add(&x->text, s, (size_t)len) != 0)
		out_of_memory(x);
}

/* A DTD (in any part) stops the reading. */
static void XMLCALL on_doctype(void *data, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal_subset)
{
	refuse(data, _("forbidden DTD"));
}

/* So does an entity declared anyhow. */
static void XMLCALL on_entity(void *data, const XML_Char *name, int is_param,
			      const XML_Char *value, int value_length,
			      const XML_Char *base, const XML_Char *sysid,
			      const XML_Char *pubid, const XML_Char *notation)
{
	refuse(data, _("forbidden DTD"));
}

/* ---- the zip ---- */

/* Says that part path inflates to more than is allowed; -1. */
static int bomb(struct xl *x, const char *path)
{
	return sheet_fail(x->msg, x->size, _("%s: inflates to more than "
		"256 MiB (a zip bomb?)"), path);
}

/* Checks what the zip says of entry idx (path) against the bounds;
 * *declared is the size it claims. */
static int check_entry(struct xl *x, zip_int64_t idx, const char *path,
		       zip_uint64_t *declared)
{
	zip_stat_t st;

	*declared = MAX_UNZIPPED;

	if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) != 0)
		return sheet_fail(x->msg, x->size, "%s: %s", path,
				  zip_strerror(x->zip));
	if (!(st.valid & ZIP_STAT_SIZE))
		return 0;
	if (st.size > MAX_UNZIPPED - x->unzipped)
		return bomb(x, path);
	*declared = st.size;
	if ((st.valid & ZIP_STAT_COMP_SIZE) && st.size > RATIO_FROM &&
	    st.size / (st.comp_size ? st.comp_size : 1) > MAX_RATIO)
		return bomb(x, path);
	return 0;
}

/* Feeds part f (path), which says it is declared bytes long, to x's
 * parser as it inflates; -1 with why. */
static int feed(struct xl *x, zip_file_t *f, const char *path,
		zip_uint64_t declared)
{
	char buf[CHUNK];
	zip_int64_t n;
	zip_uint64_t done = 0;
	int final = 0;

	while (!final) {
		n = zip_fread(f, buf, sizeof(buf));
		if (n < 0)
			return sheet_fail(x->msg, x->size, "%s: %s", path,
					  zip_file_strerror(f));
		x->unzipped += (zip_uint64_t)n;
		done += (zip_uint64_t)n;
		if (x->unzipped > MAX_UNZIPPED)
			return bomb(x, path);
		if (done > declared)
			return sheet_fail(x->msg, x->size, _("%s: inflates to "
				"more than its size in the zip says (a zip "
				"bomb?)"), path);
		final = n == 0;
		if (XML_Parse(x->parser, buf, (int)n, final) != XML_STATUS_ERROR)
			continue;
		if (x->failed)
			return -1;
		return sheet_fail(x->msg, x->size,
			_("%s: line %lu, column %lu: %s"), path,
			(unsigned long)XML_GetCurrentLineNumber(x->parser),
			(unsigned long)XML_GetCurrentColumnNumber(x->parser) + 1,
			XML_ErrorString(XML_GetErrorCode(x->parser)));
	}
	return x->failed ? -1 : 0;
}

/* A new parser for x, its DTDs refused; NULL: no memory. */
static XML_Parser new_parser(struct xl *x)
{
	XML_Parser p = XML_ParserCreate("UTF-8");

	if (p == NULL)
		return NULL;
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_text);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	XML_SetEntityDeclHandler(p, on_entity);
	XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
	return p;
}

/* Parses part path of the workbook as part; 0, 1 when it has no such
 * part and it may lack it, -1 with why in x->msg. */
static int parse_part(struct xl *x, const char *path, enum part part,
		      bool required)
{
	zip_int64_t idx = zip_name_locate(x->zip, path, 0);
	zip_file_t *f;
	zip_uint64_t declared;
	int rc;

	if (idx < 0 && !required)
		return 1;
	if (idx < 0)
		return sheet_fail(x->msg, x->size, _("not a workbook: "
			"it has no %s"), path);
	if (check_entry(x, idx, path, &declared) != 0)
		return -1;
	if ((f = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0)) == NULL)
		return sheet_fail(x->msg, x->size, "%s: %s", path,
				  zip_strerror(x->zip));
	if ((x->parser = new_parser(x)) == NULL) {
		zip_fclose(f);
		return sheet_fail(x->msg, x->size, "%s", _("out of memory"));
	}
	x->path = path;
	x->part = part;
	x->depth = 0;
	x->collect = x->in_rph = false;
	rc = feed(x, f, path, declared);
	XML_ParserFree(x->parser);
	x->parser = NULL;
	zip_fclose(f);
	return rc;
}

/* ---- the sheet ---- */

/* A row's number and its place in the sheet, to find it by. */
struct row_at {
	size_t line, i;
};

/* Orders rows by number, then by place. */
static int by_line(const void *a, const void *b)
{
	const struct row_at *p = a, *q = b;

	if (p->line != q->line)
		return (p->line > q->line) - (p->line < q->line);
	return (p->i > q->i) - (p->i < q->i);
}

/* The sheet's rows by number (n of them), to be freed; NULL: no
 * memory. */
static struct row_at *index_rows(const struct sheet *s)
{
	struct row_at *at = reallocarray(NULL, s->pub.nrows ? s->pub.nrows : 1,
					 sizeof(*at));
	size_t i;

	if (at == NULL)
		return NULL;
	for (i = 0; i < s->pub.nrows; i++) {
		at[i].line = s->pub.rows[i].line;
		at[i].i = i;
	}
	qsort(at, s->pub.nrows, sizeof(*at), by_line);
	return at;
}

/* The row numbered r (its first, if the sheet has two), or NULL. */
static struct crm_sheet_row *find_row(struct sheet *s,
				      const struct row_at *at, size_t r)
{
	size_t lo = 0, hi = s->pub.nrows, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (at[mid].line < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->pub.nrows && at[lo].line == r)
		return &s->pub.rows[at[lo].i];
	return NULL;
}

/* Widens row to n cells, the new ones empty; -1: no memory. */
static int widen(struct sheet *s, struct crm_sheet_row *row, size_t n)
{
	const char **c;
	size_t i;

	if (row->ncells >= n)
		return 0;
	if ((c = sheet_alloc(s, n * sizeof(*c))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		c[i] = i < row->ncells ? row->cells[i] : "";
	row->cells = c;
	row->ncells = n;
	return 0;
}

/* Fills the empty cells of merge m in row (but its top-left cell) with
 * v; -1: no memory. */
static int fill_row(struct sheet *s, struct crm_sheet_row *row,
		    const struct merge *m, const char *v)
{
	size_t c;

	if (widen(s, row, m->c2) != 0)
		return -1;
	for (c = m->c1; c <= m->c2; c++) {
		if ((row->line != m->r1 || c != m->c1) &&
		    row->cells[c - 1][0] == '\0')
			row->cells[c - 1] = v;
	}
	return 0;
}

/* Gives each cell of each merged range the value of its top-left one,
 * in the rows the sheet has (a row that is empty but for a merged
 * range's copies is none); -1 with why. */
static int fill_merges(struct xl *x)
{
	struct sheet *s = x->s;
	struct crm_sheet_row *top, *row;
	struct row_at *at;
	struct merge m;
	size_t i, r;
	int rc = 0;

	if (x->nmerges == 0)
		return 0;
	if ((at = index_rows(s)) == NULL)
		return sheet_fail(x->msg, x->size, "%s", _("out of memory"));
	for (i = 0; i < x->nmerges && rc == 0; i++) {
		m = x->merges[i];
		m.r2 = m.r2 < x->max_row ? m.r2 : x->max_row;
		m.c2 = m.c2 < x->max_col ? m.c2 : x->max_col;
		top = find_row(s, at, m.r1);
		if (top == NULL || top->ncells < m.c1 || m.c2 < m.c1 ||
		    top->cells[m.c1 - 1][0] == '\0')
			continue;
		x->total_cells += (m.r2 - m.r1 + 1) * (m.c2 - m.c1 + 1);
		if (x->total_cells > MAX_CELLS) {
			rc = sheet_fail(x->msg, x->size, "%s",
					_("more than 16777216 cells"));
			break;
		}
		for (r = m.r1; r <= m.r2 && rc == 0; r++)
			if ((row = find_row(s, at, r)) != NULL &&
			    fill_row(s, row, &m, top->cells[m.c1 - 1]) != 0)
				rc = sheet_fail(x->msg, x->size, "%s",
						_("out of memory"));
	}
	free(at);
	return rc;
}

/* The sheet to read: named o->sheet, else the first; NULL with why. */
static const struct wsheet *choose_sheet(struct xl *x,
					 const struct crm_sheet_opts *o)
{
	char list[256] = "";
	size_t i, used = 0;
	int n;

	if (x->nsheets == 0) {
		sheet_fail(x->msg, x->size, "%s", _("the workbook has no sheets"));
		return NULL;
	}
	if (o->sheet == NULL)
		return &x->sheets[0];
	for (i = 0; i < x->nsheets; i++)
		if (strcmp(x->sheets[i].name, o->sheet) == 0)
			return &x->sheets[i];
	for (i = 0; i < x->nsheets && used < sizeof(list); i++) {
		n = snprintf(list + used, sizeof(list) - used, "%s'%s'",
			     i ? ", " : "", x->sheets[i].name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	sheet_fail(x->msg, x->size, _("no sheet '%s'; the workbook has %s"),
		   o->sheet, list);
	return NULL;
}

/* The part of sheet w, from the workbook's relationships. */
static const char *sheet_part(struct xl *x, const struct wsheet *w)
{
	size_t i;

	for (i = 0; i < x->nrels; i++)
		if (strcmp(x->rels[i].id, w->rid) == 0)
			return x->rels[i].target;
	sheet_fail(x->msg, x->size, _("not a workbook: sheet '%s' has no "
		   "part"), w->name);
	return NULL;
}

/* Reads the workbook's parts and the chosen sheet into x->s. */
static int read_book(struct xl *x, const struct crm_sheet_opts *o)
{
	const struct wsheet *w;
	const char *part;

	if (parse_part(x, "xl/workbook.xml", PART_WORKBOOK, true) < 0 ||
	    parse_part(x, "xl/_rels/workbook.xml.rels", PART_RELS, true) < 0)
		return -1;
	if ((w = choose_sheet(x, o)) == NULL || (part = sheet_part(x, w)) == NULL)
		return -1;
	if (parse_part(x, x->styles_part ? x->styles_part : "xl/styles.xml",
		       PART_STYLES, false) < 0 ||
	    parse_part(x, x->strings_part ? x->strings_part :
		       "xl/sharedStrings.xml", PART_STRINGS, false) < 0)
		return -1;
	if (parse_part(x, part, PART_SHEET, true) < 0 || fill_merges(x) != 0)
		return -1;
	if ((x->s->pub.sheet_name = (char *)keep(x, w->name)) == NULL)
		return sheet_fail(x->msg, x->size, "%s", _("out of memory"));
	return 0;
}

/* Opens buf (len bytes) as a zip into x->zip; -1 with why.  Without
 * ZIP_CHECKCONS: libxlsxwriter's workbooks (crm export xlsx's) fail its
 * comparison of local and central headers, which Excel does not make;
 * a damaged part still fails when it is read. */
static int open_zip(struct xl *x, const char *buf, size_t len)
{
	zip_error_t ze;
	zip_source_t *src;

	zip_error_init(&ze);
	src = zip_source_buffer_create(buf, len, 0, &ze);
	if (src && (x->zip = zip_open_from_source(src, ZIP_RDONLY,
						  &ze)) != NULL)
		return 0;
	sheet_fail(x->msg, x->size, _("not a workbook: the zip is truncated "
		   "or damaged (%s)"), zip_error_strerror(&ze));
	if (src)
		zip_source_free(src);
	zip_error_fini(&ze);
	return -1;
}

int sheet_read_xlsx(struct sheet *s, const char *buf, size_t len,
		    const struct crm_sheet_opts *o, char *msg, size_t size)
{
	struct xl x = {.s = s, .msg = msg, .size = size};
	int rc;

	/* The parts are XML, which expat reads as UTF-8. */
	snprintf(s->pub.encoding, sizeof(s->pub.encoding), "UTF-8");
	if (open_zip(&x, buf, len) != 0)
		return -1;
	rc = read_book(&x, o);
	zip_discard(x.zip);
	free(x.sheets);
	free(x.rels);
	free(x.fmts);
	free(x.xf_date);
	free(x.strings);
	free(x.cells);
	free(x.dense);
	free(x.merges);
	free(x.text.s);
	return rc;
}
