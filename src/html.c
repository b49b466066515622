/*
 * html.c - one self-contained HTML page (html.h): escaping, the page's
 * head and style, headings, bar charts as inline SVG, and a report of
 * any kind (report.h) as a page.
 *
 * The page holds no script, loads nothing (no font, image or style from
 * anywhere; its Content-Security-Policy forbids it too) and reads the
 * same in a browser, a mail reader, on paper, in light and dark.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "html.h"

/* The geometry of a chart, in SVG user units (pixels at full width):
 * each row a label, then its bar from BAR_X, then its value. */
#define CHART_W   900
#define ROW_H     26
#define BAR_X     270
#define BAR_MAX   440
#define BAR_H     16
/* The columns a label of a chart shows before it is cut. */
#define LABEL_COLS 34

/* The style sheet: colours as variables, for dark and for print. */
static const char style[] =
	":root{color-scheme:light dark;--fg:#1d2330;--bg:#fff;--muted:#5b6475;"
	"--line:#d5dbe3;--head:#f2f4f7;--bar:#3566d6;--bad:#b42318;"
	"--warn:#9a5b00;--ok:#1a7f37}\n"
	"@media (prefers-color-scheme:dark){:root{--fg:#e6e9ef;--bg:#15181d;"
	"--muted:#9aa3b2;--line:#343a46;--head:#1e222a;--bar:#6e9bff;"
	"--bad:#ff7b72;--warn:#e3b341;--ok:#56d364}}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0 auto;max-width:78rem;padding:1.5rem;color:var(--fg);"
	"background:var(--bg);font:15px/1.45 system-ui,-apple-system,"
	"\"Segoe UI\",Roboto,\"Noto Sans\",\"DejaVu Sans\",sans-serif;"
	"overflow-wrap:anywhere}\n"
	"h1{font-size:1.5rem;margin:0 0 .25rem}\n"
	"h2{font-size:1.15rem;margin:1.75rem 0 .5rem}\n"
	".meta,.empty,.more,.sub,figcaption{color:var(--muted)}\n"
	".meta{margin:0 0 1rem}\n"
	"table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}\n"
	"th,td{padding:.3rem .6rem;border-bottom:1px solid var(--line);"
	"text-align:start;vertical-align:top}\n"
	"th{background:var(--head);font-weight:600}\n"
	".n{text-align:end;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}\n"
	"figure{margin:.5rem 0 1rem}\n"
	"figcaption{font-size:.9rem}\n"
	"svg{display:block;width:100%;max-width:60rem;height:auto}\n"
	"svg text{font-size:13px;fill:var(--fg)}\n"
	"svg .bar{fill:var(--bar)}\n"
	"svg .v{fill:var(--muted)}\n"
	".board{display:grid;grid-template-columns:repeat(auto-fill,"
	"minmax(14rem,1fr));gap:1rem;align-items:start}\n"
	".stage{border:1px solid var(--line);border-radius:6px;"
	"padding:.6rem;background:var(--head)}\n"
	".stage h2{margin:0 0 .2rem;font-size:1.05rem}\n"
	".stage p{margin:.1rem 0}\n"
	".stage ul{list-style:none;margin:0;padding:0}\n"
	".card{background:var(--bg);border:1px solid var(--line);"
	"border-radius:4px;padding:.4rem .5rem;margin-top:.5rem}\n"
	".name{font-weight:600}\n"
	".card .name,.card div.sub{display:-webkit-box;-webkit-box-orient:"
	"vertical;-webkit-line-clamp:4;line-clamp:4;overflow:hidden}\n"
	".sub{font-size:.9rem}\n"
	".tag{display:inline-block;font-size:.8rem;padding:0 .35rem;"
	"margin:.2rem .3rem 0 0;border:1px solid currentColor;"
	"border-radius:3px}\n"
	".overdue{color:var(--bad)}.today{color:var(--ok)}"
	".later{color:var(--muted)}.none,.stale{color:var(--warn)}\n"
	".more{margin-top:.5rem}\n"
	"@media print{:root{color-scheme:light;--fg:#000;--bg:#fff;"
	"--muted:#444;--line:#999;--head:#eee;--bar:#555;--bad:#000;"
	"--warn:#000;--ok:#000}body{max-width:none;padding:0}"
	"section,figure,tr,.card{break-inside:avoid}}\n";

/* True for the code points HTML calls noncharacters. */
static bool is_nonchar(uint32_t cp)
{
	return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe;
}

/* The reference of the ASCII character c that markup would act on, or
 * NULL when c stands for itself. */
static const char *reference(char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

/* The length of the run of plain ASCII at s[0..n): what stands for
 * itself as it is. */
static size_t plain_run(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (unsigned char)s[i] >= 0x20 &&
	       (unsigned char)s[i] < 0x7f && reference(s[i]) == NULL)
		i++;
	return i;
}

void html_add(struct crm_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0, len;
	const char *ref;
	uint32_t cp;

	while (n > 0) {
		if ((len = plain_run(s, n)) > 0) {
			crm_buf_add(b, s, len);
			s += len;
			n -= len;
			continue;
		}
		len = crm_utf8_decode(s, n, &cp);
		if (len == 0) {
			crm_buf_adds(b, "\xef\xbf\xbd");
			len = 1;
		} else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			cli_escape_cp(b, cp);
		} else if (is_nonchar(cp)) {
			crm_buf_adds(b, "\xef\xbf\xbd");
		} else if (len == 1 && (ref = reference(*s)) != NULL) {
			crm_buf_adds(b, ref);
		} else {
			crm_buf_add(b, s, len);
		}
		s += len;
		n -= len;
	}
}

void html_text(FILE *f, const char *s)
{
	struct crm_buf b = {0};

	html_add(&b, s);
	if (b.len)
		fwrite(b.s, 1, b.len, f);
	crm_buf_free(&b);
}

/* True for an ASCII letter. */
static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

const char *html_lang_tag(const char *lang, char *buf, size_t size)
{
	size_t i = 0, lead = 0;
	bool region = false;

	for (; lang && lang[i] && i + 1 < size; i++) {
		if (is_alpha(lang[i]) && !region)
			lead++;
		else if (lang[i] == '_' && lead && !region)
			region = true;
		else if (!(region && (is_alpha(lang[i]) ||
				      (lang[i] >= '0' && lang[i] <= '9'))))
			break;
		buf[i] = lang[i] == '_' ? '-' : lang[i];
	}
	buf[i] = '\0';
	/* "C", "POSIX" and what is not a language name: English */
	if (lead < 2 || lead > 3 || buf[i - 1] == '-')
		snprintf(buf, size, "en");
	return buf;
}

void html_page_begin(FILE *f, const char *lang, const char *title)
{
	char tag[16];

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\""
		"default-src 'none'; style-src 'unsafe-inline'; "
		"base-uri 'none'; form-action 'none'\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, "
		"initial-scale=1\">\n"
		"<meta name=\"color-scheme\" content=\"light dark\">\n"
		"<meta name=\"generator\" content=\"crm %s\">\n<title>",
		html_lang_tag(lang, tag, sizeof(tag)), CRM_VERSION);
	html_text(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
}

void html_page_end(FILE *f)
{
	fputs("</body>\n</html>\n", f);
}

void html_heading(FILE *f, int level, const char *text)
{
	if (level < 1 || level > 6)
		level = 2;
	fprintf(f, "<h%d>", level);
	html_text(f, text);
	fprintf(f, "</h%d>\n", level);
}

/* ---- charts ---- */

/* The display width of code point cp (1 for what wcwidth does not
 * know). */
static size_t cp_width(uint32_t cp)
{
	int w = wcwidth((wchar_t)cp);

	return w < 0 ? 1 : (size_t)w;
}

/* s cut at a character boundary to at most cols display columns, "…"
 * ending a cut text.  Caller owns it. */
static char *cut_text(const char *s, size_t cols)
{
	size_t n = strlen(s), i = 0, w = 0, len, cw;
	struct crm_buf b = {0};
	uint32_t cp;

	if (cli_text_width(s) <= cols)
		return crm_xstrdup(s);
	while (i < n) {
		len = crm_utf8_decode(s + i, n - i, &cp);
		cw = len ? cp_width(cp) : 1;
		if (w + cw > cols - 1)
			break;
		i += len ? len : 1;
		w += cw;
	}
	crm_buf_add(&b, s, i);
	crm_buf_adds(&b, "…");
	return crm_buf_detach(&b);
}

/* The largest finite one of values[0..n), 0 when none is above 0. */
static double largest(size_t n, const double *values)
{
	double max = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (isfinite(values[i]) && values[i] > max)
			max = values[i];
	return max;
}

/* The length of the bar of v when the largest is max: 0 to BAR_MAX (0
 * for what is not a finite positive number). */
static int bar_length(double v, double max)
{
	double r = max > 0 && isfinite(v) ? v / max : 0;

	if (!(r > 0))
		return 0;
	return r >= 1 ? BAR_MAX : (int)(r * BAR_MAX + 0.5);
}

/* Writes row i of a chart: its label, its bar of length w, its text. */
static void chart_row(FILE *f, size_t i, const char *label, int w,
		      const char *text)
{
	char *cut = cut_text(label ? label : "", LABEL_COLS);
	int y = (int)i * ROW_H;

	fputs("<g><title>", f);
	html_text(f, label);
	fprintf(f, "</title><text x=\"0\" y=\"%d\">", y + 17);
	html_text(f, cut);
	fprintf(f, "</text><rect class=\"bar\" fill=\"#3566d6\" x=\"%d\" "
		"y=\"%d\" width=\"%d\" height=\"%d\" rx=\"2\"/>", BAR_X, y + 5,
		w, BAR_H);
	fprintf(f, "<text class=\"v\" x=\"%d\" y=\"%d\">", BAR_X + w + 6,
		y + 17);
	html_text(f, text);
	fputs("</text></g>\n", f);
	free(cut);
}

void html_bar_chart(FILE *f, const char *caption, size_t n,
		    const char *const *labels, const double *values,
		    const char *const *texts)
{
	double max = largest(n, values);
	size_t i;

	if (n == 0)
		return;
	fputs("<figure>\n", f);
	if (caption) {
		fputs("<figcaption>", f);
		html_text(f, caption);
		fputs("</figcaption>\n", f);
	}
	fprintf(f, "<svg role=\"img\" viewBox=\"0 0 %d %zu\" width=\"%d\" "
		"height=\"%zu\"", CHART_W, n * ROW_H, CHART_W, n * ROW_H);
	if (caption) {
		fputs(" aria-label=\"", f);
		html_text(f, caption);
		fputs("\"", f);
	}
	fputs(">\n", f);
	for (i = 0; i < n; i++)
		chart_row(f, i, labels[i], bar_length(values[i], max),
			  texts ? texts[i] : NULL);
	fputs("</svg>\n</figure>\n", f);
}

/* ---- reports ---- */

/* The translation of s, a text marked N_() (NULL and "" give "": the
 * translation of "" is the catalogue's header). */
static const char *tr(const char *s)
{
	return s && s[0] ? _(s) : "";
}

/* Appends the amounts of MONEY cell c, sep between them. */
static void add_money(struct crm_buf *b, const struct crm_rcell *c,
		      const char *sep)
{
	char *m;
	size_t i;

	for (i = 0; i < c->nmoney; i++) {
		m = cli_money_text((double)c->money[i].n / 100.0,
				   c->money[i].currency);
		crm_buf_addf(b, "%s%s", i ? sep : "", m);
		free(m);
	}
}

char *html_cell_text(const struct crm_rcell *c)
{
	struct crm_buf b = {0};

	/* as crm report's table shows them */
	switch (c->kind) {
	case CRM_RCELL_TEXT:
		return crm_xstrdup(c->text ? c->text : "");
	case CRM_RCELL_INT:
		crm_buf_addf(&b, "%lld", (long long)c->n);
		break;
	case CRM_RCELL_AMOUNT:
		return cli_money_text((double)c->n / 100.0, c->currency);
	case CRM_RCELL_MONEY:
		add_money(&b, c, ", ");
		break;
	case CRM_RCELL_PERCENT:
		crm_buf_addf(&b, "%.1f%%", c->x);
		break;
	case CRM_RCELL_DAYS:
	case CRM_RCELL_NUMBER:
		crm_buf_addf(&b, "%.1f", c->x);
		break;
	case CRM_RCELL_EMPTY:
		return crm_xstrdup("-");
	}
	return b.s ? crm_buf_detach(&b) : crm_xstrdup("");
}

/* Writes the content of a table's cell c: the amounts of a MONEY cell
 * one a line, else its text. */
static void cell_html(FILE *f, const struct crm_rcell *c)
{
	char *t;
	size_t i;

	if (c->kind == CRM_RCELL_MONEY) {
		for (i = 0; i < c->nmoney; i++) {
			t = cli_money_text((double)c->money[i].n / 100.0,
					   c->money[i].currency);
			fputs(i ? "<br>" : "", f);
			html_text(f, t);
			free(t);
		}
		return;
	}
	t = html_cell_text(c);
	html_text(f, t);
	free(t);
}

/* True for a cell that holds a number. */
static bool is_numeric(const struct crm_rcell *c)
{
	return c->kind != CRM_RCELL_TEXT && c->kind != CRM_RCELL_EMPTY;
}

/* The cell of section s at row, col. */
static const struct crm_rcell *cell_at(const struct crm_rsection *s,
				       size_t row, size_t col)
{
	return &s->cells[row * s->ncols + col];
}

/* The column of s whose text names a row: its first column that holds
 * text, or s->ncols when it has none. */
static size_t label_column(const struct crm_rsection *s)
{
	size_t c, r;

	for (c = 0; c < s->ncols; c++)
		for (r = 0; r < s->nrows; r++)
			if (cell_at(s, r, c)->kind == CRM_RCELL_TEXT)
				return c;
	return s->ncols;
}

/* Writes the chart of s's bar column, each bar named by the row's
 * label (its text, or its number when s has no text column). */
static void section_chart(FILE *f, const struct crm_rsection *s)
{
	size_t lc = label_column(s), i, bar = (size_t)s->bar;
	char **labels = crm_xcalloc(s->nrows, sizeof(*labels));
	char **texts = crm_xcalloc(s->nrows, sizeof(*texts));
	double *values = crm_xcalloc(s->nrows, sizeof(*values));

	for (i = 0; i < s->nrows; i++) {
		if (lc < s->ncols) {
			labels[i] = html_cell_text(cell_at(s, i, lc));
		} else {
			labels[i] = crm_xcalloc(24, 1);
			snprintf(labels[i], 24, "%zu", i + 1);
		}
		values[i] = crm_rcell_value(cell_at(s, i, bar));
		texts[i] = html_cell_text(cell_at(s, i, bar));
	}
	html_bar_chart(f, crm_pgettext(s->cols[bar].header), s->nrows,
		       (const char *const *)labels, values,
		       (const char *const *)texts);
	for (i = 0; i < s->nrows; i++) {
		free(texts[i]);
		free(labels[i]);
	}
	free(labels);
	free(texts);
	free(values);
}

/* True when a cell of column col of s holds a number. */
static bool numeric_column(const struct crm_rsection *s, size_t col)
{
	size_t i;

	for (i = 0; i < s->nrows; i++)
		if (is_numeric(cell_at(s, i, col)))
			return true;
	return false;
}

/* Writes the table of s: a column of numbers right-aligned, its empty
 * cells too. */
static void section_table(FILE *f, const struct crm_rsection *s)
{
	bool *num = crm_xcalloc(s->ncols + 1, sizeof(*num));
	size_t i, c;

	fputs("<table>\n<thead><tr>", f);
	for (c = 0; c < s->ncols; c++) {
		num[c] = numeric_column(s, c);
		fputs(num[c] ? "<th class=\"n\">" : "<th>", f);
		html_text(f, crm_pgettext(s->cols[c].header));
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (i = 0; i < s->nrows; i++) {
		fputs("<tr>", f);
		for (c = 0; c < s->ncols; c++) {
			fputs(num[c] ? "<td class=\"n\">" : "<td>", f);
			cell_html(f, cell_at(s, i, c));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
	free(num);
}

void html_report_section(FILE *f, const struct crm_rsection *s)
{
	fputs("<section>\n", f);
	html_heading(f, 2, tr(s->title));
	if (s->nrows == 0) {
		fputs("<p class=\"empty\">", f);
		html_text(f, _("nothing to show"));
		fputs("</p>\n</section>\n", f);
		return;
	}
	if (s->bar >= 0 && (size_t)s->bar < s->ncols)
		section_chart(f, s);
	section_table(f, s);
	fputs("</section>\n", f);
}

void html_print_report(struct cli *cli, FILE *f, const struct crm_report *r)
{
	struct crm_buf title = {0}, period = {0};
	size_t i;

	cli_report_heading(cli, r, &title, &period);
	html_page_begin(f, cli_lang(), title.s);
	html_heading(f, 1, title.s);
	fputs("<p class=\"meta\">", f);
	html_text(f, period.s);
	fputs("</p>\n", f);
	for (i = 0; i < r->nsections; i++)
		html_report_section(f, &r->sections[i]);
	html_page_end(f);
	crm_buf_free(&title);
	crm_buf_free(&period);
}
