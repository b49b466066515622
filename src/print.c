/*
 * print.c - output for people and for scripts: aligned tables that fit
 * the terminal, CSV, TSV, ids and JSON; text made safe for a terminal;
 * amounts and times as people read them; colour only on a terminal.
 */
#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "cli.h"
#include "report.h"

const char *color_bold(const struct cli *cli)
{
	return cli->color ? "\033[1m" : "";
}

const char *color_dim(const struct cli *cli)
{
	return cli->color ? "\033[2m" : "";
}

const char *color_red(const struct cli *cli)
{
	return cli->color ? "\033[31m" : "";
}

const char *color_green(const struct cli *cli)
{
	return cli->color ? "\033[32m" : "";
}

const char *color_yellow(const struct cli *cli)
{
	return cli->color ? "\033[33m" : "";
}

const char *color_reset(const struct cli *cli)
{
	return cli->color ? "\033[0m" : "";
}

/* The escape sequence that starts a row of style st ("" when colour is
 * off or the style is plain). */
static const char *style_start(const struct cli *cli, enum table_style st)
{
	switch (st) {
	case TSTYLE_RED: return color_red(cli);
	case TSTYLE_YELLOW: return color_yellow(cli);
	case TSTYLE_DIM: return color_dim(cli);
	case TSTYLE_BOLD: return color_bold(cli);
	case TSTYLE_PLAIN: break;
	}
	return "";
}

/* ---- text safe for a terminal ---- */

/* Markers of a highlighted span inside safe text: never in safe text
 * otherwise, since every control character is escaped. */
#define HL_ON '\001'
#define HL_OFF '\002'

/* Appends s[0..n) to b made safe for a terminal (cli_safe_addn). */
static void safe_add(struct crm_buf *b, const char *s, size_t n)
{
	cli_safe_addn(b, s, n, false);
}

/* The safe text of a cell, with the span hl names (if any) between the
 * highlight markers.  Caller owns it. */
static char *safe_cell(const char *s, const struct table_hl *hl)
{
	struct crm_buf b = {0};
	size_t n = strlen(s), off, len;

	if (hl == NULL) {
		safe_add(&b, s, n);
		return crm_buf_detach(&b);
	}
	off = hl->off < n ? hl->off : n;
	len = hl->len < n - off ? hl->len : n - off;
	safe_add(&b, s, off);
	crm_buf_addc(&b, HL_ON);
	safe_add(&b, s + off, len);
	crm_buf_addc(&b, HL_OFF);
	safe_add(&b, s + off + len, n - off - len);
	return crm_buf_detach(&b);
}

/* ---- display width ---- */

/* Terminal columns of code point cp: 2 for wide CJK, 0 for combining
 * marks and the highlight markers, 1 for what wcwidth() does not know. */
static size_t cp_width(uint32_t cp)
{
	int w;

	if (cp == HL_ON || cp == HL_OFF)
		return 0;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : (size_t)w;
}

/* The length in bytes of the longest prefix of the safe text s that is
 * at most max columns wide (whole characters, and the zero-width marks
 * that follow the last one); its width in *w. */
static size_t fit_prefix(const char *s, size_t max, size_t *w)
{
	size_t n = strlen(s), i = 0, len, cw;
	uint32_t cp;

	*w = 0;
	while (i < n) {
		len = crm_utf8_decode(s + i, n - i, &cp);
		if (len == 0) {
			cp = '?';
			len = 1;
		}
		cw = cp_width(cp);
		if (*w + cw > max)
			break;
		*w += cw;
		i += len;
	}
	return i;
}

size_t cli_text_width(const char *s)
{
	size_t w;

	fit_prefix(s, SIZE_MAX, &w);
	return w;
}

size_t cli_term_width(void)
{
	const char *e = getenv("COLUMNS");
	struct winsize ws;
	char *end;
	unsigned long v;

	if (e && e[0]) {
		v = strtoul(e, &end, 10);
		if (*end == '\0' && v > 0 && v < 100000)
			return (size_t)v;
	}
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

/* ---- amounts and times ---- */

/* Appends the digits d (at most 31 of them) to b with sep between the
 * groups that grouping (as localeconv() gives it) asks for, counted from
 * the right. */
static void group_digits(struct crm_buf *b, const char *d, const char *sep,
			 const char *grouping)
{
	size_t n = strlen(d), pos = n, size, nb = 0, i, breaks[32];
	const char *g = grouping;

	if (sep == NULL || sep[0] == '\0' || g == NULL || g[0] <= 0 ||
	    g[0] == CHAR_MAX || n >= 32) {
		crm_buf_adds(b, d);
		return;
	}
	size = (size_t)g[0];
	while (pos > size) {
		pos -= size;
		breaks[nb++] = pos;
		if (g[1] == CHAR_MAX)
			break;
		if (g[1] > 0)
			size = (size_t)*++g;
	}
	pos = 0;
	for (i = nb; i-- > 0;) {
		crm_buf_add(b, d + pos, breaks[i] - pos);
		crm_buf_adds(b, sep);
		pos = breaks[i];
	}
	crm_buf_adds(b, d + pos);
}

void cli_add_fixed(struct crm_buf *b, double x, int decimals)
{
	const struct lconv *lc = localeconv();
	const char *dp = lc && lc->decimal_point[0] ? lc->decimal_point : ".";
	size_t start = b->len, dlen = strlen(dp);
	char *at;

	crm_buf_addf(b, "%.*f", decimals, x);
	if (strcmp(dp, ".") == 0 || (at = strstr(b->s + start, dp)) == NULL)
		return;
	*at = '.';
	memmove(at + 1, at + dlen, b->len - (size_t)(at + dlen - b->s) + 1);
	b->len -= dlen - 1;
}

char *cli_cents_text(int64_t n)
{
	const struct lconv *lc = localeconv();
	struct crm_buf b = {0};
	uint64_t cents = n < 0 ? (uint64_t)-(n + 1) + 1 : (uint64_t)n;
	char digits[32];

	snprintf(digits, sizeof(digits), "%llu",
		 (unsigned long long)(cents / 100));
	if (n < 0)
		crm_buf_addc(&b, '-');
	group_digits(&b, digits, lc->thousands_sep, lc->grouping);
	if (cents % 100)
		crm_buf_addf(&b, "%s%02llu", lc->decimal_point[0]
			     ? lc->decimal_point : ".",
			     (unsigned long long)(cents % 100));
	return crm_buf_detach(&b);
}

char *cli_amount_text(double v)
{
	struct crm_buf b = {0};
	int64_t cents;
	bool neg = v < 0;

	if (neg)
		v = -v;
	if (!(v < 1e17)) { /* beyond what amounts hold, or not a number */
		crm_buf_addf(&b, "%s%.0f", neg ? "-" : "", v);
		return crm_buf_detach(&b);
	}
	cents = (int64_t)(v * 100 + 0.5);
	return cli_cents_text(neg ? -cents : cents);
}

char *cli_money_text(double v, const char *currency)
{
	struct crm_buf b = {0};
	char *a = cli_amount_text(v);

	crm_buf_addf(&b, "%s%s%s", a, currency && currency[0] ? " " : "",
		     currency ? currency : "");
	free(a);
	return crm_buf_detach(&b);
}

char *cli_when_text(const char *stored)
{
	struct crm_date d;
	struct tm tm;
	char buf[64];

	if (stored == NULL)
		return crm_xstrdup("");
	if (crm_date_parse_stored(stored, &d) != CRM_OK || !d.has_time ||
	    localtime_r(&d.when, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm) == 0)
		return crm_xstrdup(stored);
	return crm_xstrdup(buf);
}

/* The local date of t as "YYYY-MM-DD" into buf (>= 16 bytes). */
static void local_day(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d", &tm) == 0)
		buf[0] = '\0';
}

enum table_style cli_due_style(const char *stored, time_t now)
{
	struct crm_date d;
	char today[16], day[16];
	int cmp;

	if (stored == NULL || crm_date_parse_stored(stored, &d) != CRM_OK)
		return TSTYLE_PLAIN;
	local_day(now, today, sizeof(today));
	if (d.has_time) {
		if (d.when < now)
			return TSTYLE_RED;
		local_day(d.when, day, sizeof(day));
		return strcmp(day, today) == 0 ? TSTYLE_YELLOW : TSTYLE_PLAIN;
	}
	cmp = strncmp(stored, today, 10);
	return cmp < 0 ? TSTYLE_RED : cmp == 0 ? TSTYLE_YELLOW : TSTYLE_PLAIN;
}

/* ---- CSV and TSV ---- */

/* How CSV is written: cli_csv_mode's flags and separator. */
static unsigned csv_flags;
static char csv_sep = ',';

void cli_csv_mode(unsigned flags, char sep)
{
	csv_flags = flags;
	csv_sep = sep ? sep : ',';
}

/* True when s is a plain negative number ("-12.5"): no formula, left
 * as it is. */
static bool negative_number(const char *s)
{
	size_t i = 1;

	if (s[0] != '-' || s[1] < '0' || s[1] > '9')
		return false;
	while (s[i] >= '0' && s[i] <= '9')
		i++;
	if (s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9')
		for (i++; s[i] >= '0' && s[i] <= '9'; i++)
			;
	return s[i] == '\0';
}

bool cli_csv_formula(const char *s)
{
	return s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL &&
	       !negative_number(s);
}

/* Writes s as one CSV field (RFC 4180), its bytes exact; quoted when it
 * holds the separator, a quote or a line end; with CSV_NEUTRALISE, a
 * cell a spreadsheet would take for a formula (cli_csv_formula) after
 * a "'". */
static void csv_field(FILE *f, const char *s)
{
	const char special[] = {csv_sep, '"', '\r', '\n', '\0'};
	const char *prefix = (csv_flags & CSV_NEUTRALISE) && cli_csv_formula(s)
			     ? "'" : "";

	if (strpbrk(s, special) == NULL) {
		fprintf(f, "%s%s", prefix, s);
		return;
	}
	fprintf(f, "\"%s", prefix);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Writes s as one TSV field: tabs, newlines and backslashes escaped. */
static void tsv_field(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\t')
			fputs("\\t", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\r')
			fputs("\\r", f);
		else if (*s == '\\')
			fputs("\\\\", f);
		else
			fputc(*s, f);
	}
}

/* True when what goes to f is read on a terminal: f is one, or is the
 * pipe to the pager. */
static bool to_terminal(FILE *f)
{
	int fd = fileno(f);

	return (f == stdout && pager_active()) || (fd >= 0 && isatty(fd));
}

void cli_delimited_row(FILE *f, const char *const *cells, size_t n,
		       enum out_format fmt)
{
	struct crm_buf safe = {0};
	bool tty = to_terminal(f);
	const char *cell;
	size_t i;

	for (i = 0; i < n; i++) {
		cell = cells[i] ? cells[i] : "";
		if (tty) {
			safe.len = 0;
			if (safe.s)
				safe.s[0] = '\0';
			cli_safe_addn(&safe, cell, strlen(cell), true);
			cell = safe.s;
		}
		if (i)
			fputc(fmt == FMT_CSV ? csv_sep : '\t', f);
		if (fmt == FMT_CSV)
			csv_field(f, cell);
		else
			tsv_field(f, cell);
	}
	fputs(fmt == FMT_CSV && (csv_flags & CSV_CRLF) ? "\r\n" : "\n", f);
	crm_buf_free(&safe);
}

/* ---- aligned tables ---- */

/* Rows an aligned table holds to size its columns before it prints. */
#define TABLE_SAMPLE 1000
/* The narrowest a shrinkable column is cut to when it does not say
 * (unless its header is wider, or its widest cell narrower). */
#define TABLE_MIN_CUT 8

/* The translated header of column c. */
static const char *header(const struct table *t, size_t c)
{
	return crm_pgettext(t->cols[c].header);
}

/* The width below which column c is not shrunk. */
static size_t min_width(const struct table *t, size_t c)
{
	size_t m = cli_text_width(header(t, c));
	size_t want = t->cols[c].min ? t->cols[c].min : TABLE_MIN_CUT;

	if (!(t->cols[c].flags & TCOL_SHRINK))
		return t->widths[c];
	if (m < want)
		m = want;
	return m < t->widths[c] ? m : t->widths[c];
}

/* The width of a line of the shown columns, each at its width or, when
 * at_min, at its narrowest. */
static size_t line_width(const struct table *t, bool at_min)
{
	size_t c, w = 0, n = 0;

	for (c = 0; c < t->ncols; c++) {
		if (t->hidden[c])
			continue;
		w += at_min ? min_width(t, c) : t->widths[c];
		n++;
	}
	return n ? w + 2 * (n - 1) : 0;
}

/* Hides the columns of lowest priority (the rightmost first among
 * equals) until the others fit the limit at their narrowest; one column
 * always stays. */
static void drop_columns(struct table *t)
{
	size_t c, shown, low;

	while (line_width(t, true) > t->limit) {
		shown = 0;
		low = t->ncols;
		for (c = 0; c < t->ncols; c++) {
			if (t->hidden[c])
				continue;
			shown++;
			if (low == t->ncols ||
			    t->cols[c].priority <= t->cols[low].priority)
				low = c;
		}
		if (shown <= 1)
			return;
		t->hidden[low] = true;
	}
}

/* Narrows the widest shrinkable shown column, one column at a time,
 * until the line fits the limit or nothing can shrink. */
static void shrink_columns(struct table *t)
{
	size_t c, wide, w = line_width(t, false);

	while (w > t->limit) {
		wide = t->ncols;
		for (c = 0; c < t->ncols; c++)
			if (!t->hidden[c] && t->widths[c] > min_width(t, c) &&
			    (wide == t->ncols || t->widths[c] > t->widths[wide]))
				wide = c;
		if (wide == t->ncols)
			return;
		t->widths[wide]--;
		w--;
	}
}

/* Sizes the columns from the header and the rows held, then fits them
 * to the limit (when there is one). */
static void size_columns(struct table *t)
{
	size_t r, c, w;

	for (c = 0; c < t->ncols; c++)
		t->widths[c] = cli_text_width(header(t, c));
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			w = cli_text_width(t->cells[r * t->ncols + c]);
			if (w > t->widths[c])
				t->widths[c] = w;
		}
	if (t->limit == 0)
		return;
	drop_columns(t);
	shrink_columns(t);
}

/* Writes n bytes of safe text s, the highlight markers turned into
 * colour (or nothing); *hl tracks whether a highlight is open. */
static void put_text(const struct table *t, const char *s, size_t n,
		     enum table_style st, bool *hl)
{
	size_t i, start = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != HL_ON && s[i] != HL_OFF)
			continue;
		fwrite(s + start, 1, i - start, t->out);
		start = i + 1;
		if (i == n)
			break;
		*hl = s[i] == HL_ON;
		if (*hl)
			fprintf(t->out, "%s%s", color_bold(t->cli),
				color_red(t->cli));
		else
			fprintf(t->out, "%s%s", color_reset(t->cli),
				style_start(t->cli, st));
	}
}

/* Writes spaces. */
static void spaces(FILE *f, size_t n)
{
	while (n--)
		fputc(' ', f);
}

/*
 * Writes the safe text s as a cell of column c: cut to the column's
 * width with "…" when there is a limit, padded to it (but for a
 * left-aligned last column), right-aligned when the column asks.
 * Exactly the column's width is written, so later columns never shift.
 */
static void put_cell(const struct table *t, const char *s, size_t c,
		     enum table_style st, bool last)
{
	size_t width = t->widths[c], w, n, pad;
	bool cut = false, hl = false, right = t->cols[c].flags & TCOL_RIGHT;

	n = fit_prefix(s, SIZE_MAX, &w);
	if (t->limit && w > width) {
		n = fit_prefix(s, width ? width - 1 : 0, &w);
		cut = true;
	}
	pad = w + cut < width ? width - w - cut : 0;
	if (right)
		spaces(t->out, pad);
	put_text(t, s, n, st, &hl);
	if (hl)
		fprintf(t->out, "%s%s", color_reset(t->cli),
			style_start(t->cli, st));
	if (cut)
		fputs("…", t->out);
	if (!right && !last)
		spaces(t->out, pad);
}

/* The index of the last shown column with something in it on this
 * line (the line ends there, without trailing blanks). */
static size_t last_shown(const struct table *t, const char *const *cells)
{
	size_t c = t->ncols;

	while (c > 1 && (t->hidden[c - 1] || cells[c - 1][0] == '\0'))
		c--;
	return c ? c - 1 : 0;
}

/* Prints one aligned line of the shown columns. */
static void aligned_line(const struct table *t, const char *const *cells,
			 enum table_style st)
{
	size_t c, last = last_shown(t, cells);
	bool first = true;
	const char *start = style_start(t->cli, st);

	fputs(start, t->out);
	for (c = 0; c <= last; c++) {
		if (t->hidden[c])
			continue;
		if (!first)
			fputs("  ", t->out);
		first = false;
		put_cell(t, cells[c], c, st, c == last);
	}
	fprintf(t->out, "%s\n", start[0] ? color_reset(t->cli) : "");
}

/* Sizes the columns from the rows held, prints the header and them, and
 * from then on prints each row as it comes. */
static void start_streaming(struct table *t)
{
	const char **hdr = crm_xcalloc(t->ncols, sizeof(*hdr));
	size_t r, c;

	size_columns(t);
	for (c = 0; c < t->ncols; c++)
		hdr[c] = header(t, c);
	aligned_line(t, hdr, TSTYLE_BOLD);
	for (r = 0; r < t->nrows; r++)
		aligned_line(t, (const char *const *)&t->cells[r * t->ncols],
			     (enum table_style)t->styles[r]);
	for (r = 0; r < t->nrows * t->ncols; r++)
		free(t->cells[r]);
	free(hdr);
	t->nrows = 0;
	t->streaming = true;
}

void table_init_cols(struct table *t, size_t ncols,
		     const struct table_col *cols, struct cli *cli, FILE *out)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->cols = crm_xcalloc(ncols ? ncols : 1, sizeof(*t->cols));
	memcpy(t->cols, cols, ncols * sizeof(*cols));
	t->widths = crm_xcalloc(ncols ? ncols : 1, sizeof(*t->widths));
	t->hidden = crm_xcalloc(ncols ? ncols : 1, sizeof(*t->hidden));
	t->cli = cli;
	t->out = out;
	t->limit = cli->format == FMT_TABLE ? cli_term_width() : 0;
}

void table_init(struct table *t, size_t ncols, const char **headers,
		struct cli *cli, FILE *out)
{
	struct table_col *cols = crm_xcalloc(ncols ? ncols : 1, sizeof(*cols));
	size_t c;

	for (c = 0; c < ncols; c++) {
		cols[c].header = headers[c];
		cols[c].priority = (int)(ncols - c);
		cols[c].flags = TCOL_SHRINK;
		if (strcmp(headers[c], NC_("column", "ID")) == 0) {
			cols[c].priority = INT_MAX; /* an id is never cut */
			cols[c].flags = 0;
		}
	}
	table_init_cols(t, ncols, cols, cli, out);
	free(cols);
}

/* Prints the CSV or TSV header row once (the untranslated names). */
static void delimited_header(struct table *t)
{
	const char **hdr;
	const char *eot;
	size_t c;

	if (t->streaming)
		return;
	hdr = crm_xcalloc(t->ncols ? t->ncols : 1, sizeof(*hdr));
	for (c = 0; c < t->ncols; c++) {
		eot = strchr(t->cols[c].header, '\004');
		hdr[c] = eot ? eot + 1 : t->cols[c].header;
	}
	cli_delimited_row(t->out, hdr, t->ncols, t->cli->format);
	free(hdr);
	t->streaming = true;
}

/* Holds a row (safe copies of its cells) until the columns are sized. */
static void hold_row(struct table *t, const char *const *cells,
		     enum table_style st, const struct table_hl *hl)
{
	size_t i;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cells = crm_xrealloc(t->cells,
					t->cap * t->ncols * sizeof(char *));
		t->styles = crm_xrealloc(t->styles, t->cap);
	}
	for (i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = safe_cell(
			cells[i] ? cells[i] : "", hl && hl->col == i ? hl : NULL);
	t->styles[t->nrows++] = (unsigned char)st;
}

/* Prints a row at once with the widths already fixed. */
static void stream_row(struct table *t, const char *const *cells,
		       enum table_style st, const struct table_hl *hl)
{
	char **safe = crm_xcalloc(t->ncols ? t->ncols : 1, sizeof(*safe));
	size_t i;

	for (i = 0; i < t->ncols; i++)
		safe[i] = safe_cell(cells[i] ? cells[i] : "",
				    hl && hl->col == i ? hl : NULL);
	aligned_line(t, (const char *const *)safe, st);
	for (i = 0; i < t->ncols; i++)
		free(safe[i]);
	free(safe);
}

void table_add_row(struct table *t, const char *id, const char *const *cells,
		   enum table_style st, const struct table_hl *hl)
{
	switch (t->cli->format) {
	case FMT_IDS:
		fprintf(t->out, "%s\n", id ? id : "");
		return;
	case FMT_CSV:
	case FMT_TSV:
		delimited_header(t);
		cli_delimited_row(t->out, cells, t->ncols, t->cli->format);
		return;
	default:
		break;
	}
	if (t->streaming) {
		stream_row(t, cells, st, hl);
		return;
	}
	hold_row(t, cells, st, hl);
	if (t->nrows == TABLE_SAMPLE)
		start_streaming(t);
}

void table_add(struct table *t, const char *id, const char *const *cells)
{
	table_add_row(t, id, cells, TSTYLE_PLAIN, NULL);
}

void table_finish(struct table *t, bool print)
{
	size_t i;

	if (print && (t->cli->format == FMT_CSV || t->cli->format == FMT_TSV))
		delimited_header(t);
	else if (print && !t->streaming && t->cli->format != FMT_IDS)
		start_streaming(t);
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->styles);
	free(t->cols);
	free(t->widths);
	free(t->hidden);
	memset(t, 0, sizeof(*t));
}

/* ---- JSON ---- */

void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run;

	fputc('"', f);
	while (*p) {
		for (run = p; *p && *p != '"' && *p != '\\' && *p >= 0x20 &&
		     *p != 0x7f; p++)
			;
		if (p > run)
			fwrite(run, 1, (size_t)(p - run), f);
		if (*p == '\0')
			break;
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p == '\r')
			fputs("\\r", f);
		else
			fprintf(f, "\\u%04x", *p);
		p++;
	}
	fputc('"', f);
}

/* True when a typed scalar is a JSON number or literal as written. */
static bool json_literal(const char *s)
{
	size_t i = 0;

	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
		return true;
	if (s[i] == '-')
		i++;
	if (s[i] < '0' || s[i] > '9' || (s[i] == '0' && s[i + 1] >= '0' &&
					 s[i + 1] <= '9'))
		return false;
	while (s[i] >= '0' && s[i] <= '9')
		i++;
	if (s[i] == '.') {
		i++;
		if (s[i] < '0' || s[i] > '9')
			return false;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return s[i] == '\0';
}

void json_node(FILE *f, const struct crm_node *n, int indent)
{
	size_t i;

	if (n->kind == CRM_NODE_SCALAR) {
		if (n->typed && json_literal(n->str))
			fputs(n->str, f);
		else if (n->typed && (n->str[0] == '\0' || strcmp(n->str, "~") == 0 ||
				      strcasecmp(n->str, "null") == 0))
			fputs("null", f);
		else
			json_string(f, n->str);
		return;
	}
	if (n->len == 0) {
		fputs(n->kind == CRM_NODE_MAP ? "{}" : "[]", f);
		return;
	}
	fputc(n->kind == CRM_NODE_MAP ? '{' : '[', f);
	for (i = 0; i < n->len; i++) {
		fprintf(f, "%s\n%*s", i ? "," : "", indent + 2, "");
		if (n->kind == CRM_NODE_MAP) {
			json_string(f, n->keys[i]);
			fputs(": ", f);
		}
		json_node(f, n->items[i], indent + 2);
	}
	fprintf(f, "\n%*s%c", indent, "", n->kind == CRM_NODE_MAP ? '}' : ']');
}

/* ---- reports ---- */

/* The local date of t ("2026-12-01"), with its time when with_time,
 * into buf. */
static const char *local_text(time_t t, bool with_time, char *buf,
			      size_t size)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, with_time ? "%Y-%m-%d %H:%M" : "%Y-%m-%d",
		     &tm) == 0)
		snprintf(buf, size, "?");
	return buf;
}

void cli_report_heading(struct cli *cli, const struct crm_report *r,
			struct crm_buf *title, struct crm_buf *period)
{
	char from[32], to[32], at[32];

	crm_buf_adds(title, _(r->title ? r->title : r->name));
	local_text(r->since, false, from, sizeof(from));
	local_text(r->until, false, to, sizeof(to));
	if (r->since && r->until)
		crm_buf_addf(period, _("from %s to %s"), from, to);
	else if (r->since)
		crm_buf_addf(period, _("since %s"), from);
	else if (r->until)
		crm_buf_addf(period, _("until %s"), to);
	else
		crm_buf_adds(period, _("all time"));
	crm_buf_adds(period, " \xc2\xb7 ");
	crm_buf_addf(period, _("as of %s"), local_text(r->as_of ? r->as_of
						       : cli->now, true, at,
						       sizeof(at)));
}
