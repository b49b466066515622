/*
 * sheet-csv.c - a CSV file as a sheet (sheet-mod.h).  The bytes are
 * made UTF-8 first: a BOM says UTF-8 or UTF-16, text that is valid UTF-8
 * (or nearly: more good multi-byte characters than bad bytes) is UTF-8,
 * anything else is what uchardet says it is, and iconv converts it.
 * The delimiter is the one of ',' ';' TAB that gives the first lines one
 * same number of fields.  libcsv (strict) parses, fed one line at a time
 * so that each row's first line is known: a fault ends its row, and
 * parsing goes on on the next line; a quote left open at the end of the
 * file ends its row where it opened, and parsing goes on on the line
 * after that one.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <uchardet.h>

#include "i18n.h"
#include "sheet-mod.h"

/* libcsv's state between rows (its enum's first value). */
#define CSV_ROW_NOT_BEGUN 0
/* How many of the first lines choose the delimiter, and in how much. */
#define SAMPLE_RECORDS 20
#define SAMPLE_BYTES (64 * 1024)
/* How many times the text is parsed (from its start, then after each
 * quote left open) before the rest is one broken row, not read: each
 * parse may cost the whole text. */
#define MAX_REOPENS 10
/* Marks a byte iconv could not convert; never valid UTF-8. */
#define BAD_BYTE '\xff'

/* The text being read, UTF-8. */
struct text {
	const char *s;
	size_t len;
	char *owned;      /* the converted copy, or NULL */
	bool converted;   /* from another encoding */
};

/* A parse under way. */
struct csv_run {
	struct sheet *s;
	const struct text *t;
	char delim;
	struct csv_parser p;
	const char **cells;   /* the row's cells so far */
	size_t n, cap;
	bool bad;             /* a cell had bytes that are not UTF-8 */
	size_t row_start;     /* where the row began, and its line */
	size_t row_line;
	const char *error;    /* the row's fault, at that field */
	size_t error_field;
	bool oom;
};

/* ---- encodings ---- */

/* Counts the valid multi-byte characters and the bad bytes of s. */
static void utf8_census(const char *s, size_t len, size_t *good, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	*good = *bad = 0;
	while (i < len) {
		k = sheet_utf8_len(u + i, len - i);
		if (k == 0 && u[i] == 0)
			k = 1;   /* a NUL is the row's fault, not the file's */
		if (k == 0) {
			(*bad)++;
			i++;
			continue;
		}
		if (k > 1)
			(*good)++;
		i += k;
	}
}

/* Grows the buffer *out (of *cap bytes, *used of them used) to hold
 * more; -1: no memory. */
static int grow(char **out, size_t *cap)
{
	size_t ncap = *cap * 2;
	char *n;

	if (ncap < *cap || (n = realloc(*out, ncap)) == NULL)
		return -1;
	*out = n;
	*cap = ncap;
	return 0;
}

/* Converts len bytes at in, in encoding from (unit bytes per code
 * unit), to UTF-8 into t->owned; a byte that cannot be converted
 * becomes BAD_BYTE.  -1 with why in msg. */
static int convert(struct text *t, iconv_t cd, const char *in, size_t len,
		   size_t unit, char *msg, size_t size)
{
	size_t cap = len * 2 + 16, used = 0, left = len, room, r;
	char *out = malloc(cap), *ip = (char *)in, *op;

	while (out) {
		op = out + used;
		room = cap - used - 1;
		r = iconv(cd, &ip, &left, &op, &room);
		used = op - out;
		if (r != (size_t)-1 && left == 0)
			break;
		if (r == (size_t)-1 && errno == E2BIG) {
			if (grow(&out, &cap) != 0)
				break;
			continue;
		}
		if (cap - used < 2 && grow(&out, &cap) != 0)
			break;
		/* EILSEQ or EINVAL: mark it, skip a unit. */
		out[used++] = BAD_BYTE;
		r = left < unit ? left : unit;
		ip += r;
		left -= r;
		if (left == 0)
			break;
	}
	if (out == NULL || left != 0) {
		free(out);
		return sheet_fail(msg, size, "%s", _("out of memory"));
	}
	out[used] = '\0';
	t->owned = out;
	t->s = out;
	t->len = used;
	t->converted = true;
	return 0;
}

/* Converts len bytes at in from encoding name (an iconv name) into t.
 * -1 with why in msg: unknown names the encoding. */
static int convert_from(struct text *t, const char *name, const char *in,
			size_t len, char *msg, size_t size)
{
	iconv_t cd = iconv_open("UTF-8", name);
	size_t unit = strncasecmp(name, "UTF-16", 6) == 0 ? 2 :
		      strncasecmp(name, "UTF-32", 6) == 0 ? 4 : 1;
	int rc;

	if (cd == (iconv_t)-1)
		return sheet_fail(msg, size, _("unknown encoding '%s'"), name);
	rc = convert(t, cd, in, len, unit, msg, size);
	iconv_close(cd);
	return rc;
}

/* The encoding uchardet finds for buf into enc (size bytes); -1 with why
 * in msg when it finds none. */
static int detect(const char *buf, size_t len, char *enc, size_t encsize,
		  char *msg, size_t size)
{
	uchardet_t ud = uchardet_new();
	const char *cs;
	int rc = 0;

	if (ud == NULL)
		return sheet_fail(msg, size, "%s", _("out of memory"));
	if (uchardet_handle_data(ud, buf, len) != 0)
		rc = sheet_fail(msg, size, "%s", _("out of memory"));
	uchardet_data_end(ud);
	cs = uchardet_get_charset(ud);
	if (rc == 0 && (cs == NULL || cs[0] == '\0'))
		rc = sheet_fail(msg, size, "%s", _("the text is in no encoding "
			"that can be detected; name it"));
	if (rc == 0)
		snprintf(enc, encsize, "%s", cs);
	uchardet_delete(ud);
	return rc;
}

/* Copies name, in capitals, into the sheet's encoding. */
static void set_encoding(struct sheet *s, const char *name)
{
	size_t i;
	char c;

	for (i = 0; name[i] && i + 1 < sizeof(s->pub.encoding); i++) {
		c = name[i];
		s->pub.encoding[i] = c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
	}
	s->pub.encoding[i] = '\0';
}

/* Drops a UTF-8 BOM at the start of t. */
static void skip_bom(struct text *t)
{
	if (t->len >= 3 && memcmp(t->s, "\xef\xbb\xbf", 3) == 0) {
		t->s += 3;
		t->len -= 3;
	}
}

/* Makes t the UTF-8 text of buf, as o says or as detected; sets s's
 * encoding.  -1 with why in msg. */
static int decode(struct sheet *s, struct text *t, const char *buf,
		  size_t len, const struct crm_sheet_opts *o, char *msg,
		  size_t size)
{
	char enc[64];
	size_t good, bad;

	memset(t, 0, sizeof(*t));
	t->s = buf;
	t->len = len;
	if (o->encoding && (strcasecmp(o->encoding, "UTF-8") == 0 ||
			    strcasecmp(o->encoding, "UTF8") == 0)) {
		set_encoding(s, "UTF-8");
		skip_bom(t);
		return 0;
	}
	if (o->encoding) {
		set_encoding(s, o->encoding);
		if (convert_from(t, o->encoding, buf, len, msg, size) != 0)
			return -1;
		skip_bom(t);
		return 0;
	}
	if (len >= 2 && (memcmp(buf, "\xff\xfe", 2) == 0 ||
			 memcmp(buf, "\xfe\xff", 2) == 0)) {
		set_encoding(s, buf[0] == '\xff' ? "UTF-16LE" : "UTF-16BE");
		return convert_from(t, s->pub.encoding, buf + 2, len - 2, msg,
				    size);
	}
	set_encoding(s, "UTF-8");
	skip_bom(t);
	utf8_census(t->s, t->len, &good, &bad);
	if (bad == 0 || good > bad)
		return 0;
	if (detect(buf, len, enc, sizeof(enc), msg, size) != 0)
		return -1;
	if (strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "ASCII") == 0)
		return 0;
	set_encoding(s, enc);
	if (convert_from(t, enc, buf, len, msg, size) != 0)
		return -1;
	skip_bom(t);
	return 0;
}

/* ---- the delimiter ---- */

/* The delimiter of text t: of ',' ';' TAB, the one whose count outside
 * quotes is the same on each of the first records and largest; else
 * the most frequent on the first record; else ','. */
static char detect_delim(const struct text *t)
{
	static const char cand[3] = {',', ';', '\t'};
	size_t count[SAMPLE_RECORDS][3] = {{0}};
	size_t nrec = 0, i, c, best = 0, bestk = 0, end;
	bool quoted = false, any = false, same;

	end = t->len < SAMPLE_BYTES ? t->len : SAMPLE_BYTES;
	for (i = 0; i < end && nrec < SAMPLE_RECORDS; i++) {
		char ch = t->s[i];

		if (ch == '"')
			quoted = !quoted;
		else if (!quoted && ch == '\n') {
			nrec += any;
			any = false;
		} else if (!quoted) {
			for (c = 0; c < 3; c++)
				count[nrec][c] += ch == cand[c];
			any |= ch != '\r';
		}
	}
	/* A record cut by the sample's end is not counted. */
	if (any && end == t->len && nrec < SAMPLE_RECORDS)
		nrec++;
	if (nrec == 0)
		return ',';
	for (c = 0; c < 3; c++) {
		same = count[0][c] > 0;
		for (i = 1; i < nrec && same; i++)
			same = count[i][c] == count[0][c];
		if (same && count[0][c] > bestk) {
			best = c;
			bestk = count[0][c];
		}
	}
	if (bestk > 0)
		return cand[best];
	for (c = 0; c < 3; c++)
		if (count[0][c] > count[0][best])
			best = c;
	return cand[best];
}

/* ---- parsing ---- */

/* The line and character column of offset off, in the row being read. */
static void locate(const struct csv_run *run, size_t off, size_t *line,
		   size_t *col)
{
	size_t i, start = run->row_start;

	*line = run->row_line;
	for (i = run->row_start; i < off && i < run->t->len; i++)
		if (run->t->s[i] == '\n') {
			(*line)++;
			start = i + 1;
		}
	*col = 1;
	for (i = start; i < off && i < run->t->len; i++)
		*col += ((unsigned char)run->t->s[i] & 0xc0) != 0x80;
}

/* The offset where field number k (0-based) of the row being read
 * starts. */
static size_t field_offset(const struct csv_run *run, size_t k)
{
	size_t i;
	bool quoted = false;

	for (i = run->row_start; i < run->t->len && k > 0; i++) {
		if (run->t->s[i] == '"')
			quoted = !quoted;
		else if (!quoted && run->t->s[i] == run->delim)
			k--;
	}
	return i;
}

/* The offset of the first byte of the row being read that is not
 * UTF-8. */
static size_t first_bad(const struct csv_run *run)
{
	const unsigned char *u = (const unsigned char *)run->t->s;
	size_t i = run->row_start, k;

	while (i < run->t->len) {
		k = sheet_utf8_len(u + i, run->t->len - i);
		if (k == 0)
			return i;
		i += k;
	}
	return i;
}

/* The offset of the quote that opened the field still open at the end
 * of the text, in the row being read. */
static size_t open_quote(const struct csv_run *run)
{
	const char *s = run->t->s;
	size_t i, at = run->row_start;
	bool quoted = false, start = true;

	for (i = run->row_start; i < run->t->len; i++) {
		if (quoted) {
			if (s[i] == '"' && i + 1 < run->t->len && s[i + 1] == '"')
				i++;
			else if (s[i] == '"')
				quoted = false;
			continue;
		}
		if (s[i] == '"' && start) {
			quoted = true;
			at = i;
		}
		start = s[i] == run->delim || s[i] == '\n' || s[i] == '\r' ||
			(start && s[i] == ' ');
	}
	return at;
}

/* Appends the row read so far, with error (NULL: its own, if any) at
 * offset off, and starts the next. */
static void end_row(struct csv_run *run, const char *error, size_t off)
{
	size_t line = 0, col = 0;

	if (error == NULL && run->error) {
		error = run->error;
		off = field_offset(run, run->error_field);
	}
	if (error == NULL && run->bad) {
		error = run->t->converted ?
			_("bytes invalid in the file's encoding") :
			_("invalid UTF-8");
		off = first_bad(run);
	}
	if (error)
		locate(run, off, &line, &col);
	if (sheet_add_row(run->s, run->row_line, run->cells, run->n, error,
			  line, col) != 0)
		run->oom = true;
	run->n = 0;
	run->bad = false;
	run->error = NULL;
}

/* Notes fault error at field k of the row, unless it has one. */
static void row_fault(struct csv_run *run, const char *error, size_t k)
{
	if (run->error)
		return;
	run->error = error;
	run->error_field = k;
}

/* libcsv's end of a field. */
static void on_field(void *field, size_t len, void *data)
{
	struct csv_run *run = data;
	const char *cell = "";
	const char **n;

	if (run->n >= CRM_SHEET_MAX_COLS) {
		row_fault(run, _("more than 1000 columns"), run->n);
		return;
	}
	if (len > CRM_SHEET_MAX_CELL)
		row_fault(run, _("a cell longer than 1 MiB"), run->n);
	else if (len && (cell = sheet_text(run->s, field, len, &run->bad)) == NULL) {
		run->oom = true;
		cell = "";
	}
	if (run->n == run->cap) {
		run->cap = run->cap ? run->cap * 2 : 16;
		n = reallocarray(run->cells, run->cap, sizeof(*n));
		if (n == NULL) {
			run->oom = true;
			return;
		}
		run->cells = n;
	}
	run->cells[run->n++] = cell;
}

/* libcsv's end of a row. */
static void on_row(int c, void *data)
{
	end_row(data, NULL, 0);
}

/* Keeps libcsv from dropping tabs around fields: only spaces are. */
static int is_space(unsigned char c)
{
	return c == ' ';
}

/* (Re)starts libcsv for run; -1: no memory. */
static int start_parser(struct csv_run *run)
{
	if (csv_init(&run->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return -1;
	csv_set_delim(&run->p, run->delim);
	csv_set_space_func(&run->p, is_space);
	return 0;
}

/* The offset after the line that holds offset off. */
static size_t next_line(const struct text *t, size_t off)
{
	const char *nl = memchr(t->s + off, '\n', t->len - off);

	return nl ? (size_t)(nl - t->s) + 1 : t->len;
}

/* The fault of libcsv at byte c: a quote inside an unquoted field, or
 * something after a closing one. */
static const char *fault_text(char c)
{
	return c == '"' ? _("a stray quote in an unquoted field") :
			  _("text after a closing quote");
}

/* Parses the text from offset pos (line line) to its end, mending
 * faults; returns where to go on after a quote left open (the text's
 * length when done), and the line there in *line. */
static size_t parse_from(struct csv_run *run, size_t pos, size_t *line)
{
	const struct text *t = run->t;
	size_t end, k, fault, q, ql, qc;

	while (pos < t->len && !run->oom) {
		end = next_line(t, pos);
		if (run->p.pstate == CSV_ROW_NOT_BEGUN) {
			run->row_start = pos;
			run->row_line = *line;
		}
		k = csv_parse(&run->p, t->s + pos, end - pos, on_field, on_row,
			      run);
		if (k < end - pos && csv_error(&run->p) == CSV_EPARSE) {
			fault = pos + k;
			end_row(run, fault_text(t->s[fault]), fault);
			csv_free(&run->p);
			if (start_parser(run) != 0)
				run->oom = true;
		} else if (k < end - pos) {
			run->oom = true;
		}
		pos = end;
		(*line)++;
	}
	if (run->oom)
		return t->len;
	if (csv_fini(&run->p, on_field, on_row, run) == 0)
		return t->len;
	/* A quote is still open: the row ends where it opened. */
	q = open_quote(run);
	locate(run, q, &ql, &qc);
	end_row(run, _("unterminated quoted field"), q);
	csv_free(&run->p);
	if (start_parser(run) != 0)
		run->oom = true;
	*line = ql + 1;
	return next_line(t, q);
}

/* Parses text t with delimiter delim into s; -1 with why in msg. */
static int parse(struct sheet *s, const struct text *t, char delim,
		 char *msg, size_t size)
{
	struct csv_run run = {.s = s, .t = t, .delim = delim};
	size_t pos = 0, line = 1;
	int reopens = 0;

	if (start_parser(&run) != 0)
		return sheet_fail(msg, size, "%s", _("out of memory"));
	while (pos < t->len && !run.oom) {
		if (reopens++ == MAX_REOPENS) {
			if (sheet_add_row(s, line, NULL, 0, _("too many "
				"unterminated quotes: the rest is not read"),
				line, 1) != 0)
				run.oom = true;
			break;
		}
		pos = parse_from(&run, pos, &line);
	}
	csv_free(&run.p);
	free(run.cells);
	if (run.oom)
		return sheet_fail(msg, size, "%s", _("out of memory"));
	return 0;
}

int sheet_read_csv(struct sheet *s, const char *buf, size_t len,
		   const struct crm_sheet_opts *o, char *msg, size_t size)
{
	struct text t;
	int rc;

	if (decode(s, &t, buf, len, o, msg, size) != 0)
		return -1;
	s->pub.delimiter = detect_delim(&t);
	rc = parse(s, &t, s->pub.delimiter, msg, size);
	free(t.owned);
	return rc;
}
