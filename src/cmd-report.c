/*
 * cmd-report.c - crm report NAME: the analytics of the sales process
 * (report-*.c in the library) printed as tables with a bar chart drawn
 * in the terminal (Unicode eighth blocks, or '#' with --ascii or a
 * locale that is not UTF-8), or as JSON, CSV or TSV.  Every number a
 * report shows is a cell of its struct crm_report, which this file only
 * prints.
 */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "html.h"
#include "lib/report.h"

const struct opt_spec report_opts[] = {
	{"since", 0, OPT_DATE, N_("WHEN"),
	 N_("only what happened at or after WHEN")},
	{"until", 0, OPT_DATE, N_("WHEN"),
	 N_("only what happened until WHEN (a day: its end)")},
	{"owner", 0, OPT_VALUE, N_("USER"), N_("only the deals of USER")},
	{"pipeline", 0, OPT_VALUE, N_("PIPELINE"),
	 N_("only the deals of PIPELINE (funnel: default pipeline)")},
	{"as-of", 0, OPT_DATE, N_("DATE"),
	 N_("funnel, forecast: the deals as they stood at the end of DATE")},
	{"actual", 0, OPT_FLAG, NULL,
	 N_("forecast --as-of: also what was won and lost since")},
	{"strict-stages", 0, OPT_FLAG, NULL,
	 N_("funnel: count only the stages deals entered, not those skipped")},
	{"ascii", 0, OPT_FLAG, NULL, N_("draw the bars with '#'")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* The widest a bar is drawn, and the narrowest worth drawing. */
#define BAR_MAX 40
#define BAR_MIN 8

/* The moment option name sets, 0 when not given: a whole day's start,
 * or with end its last second (--until, --as-of). */
static time_t when_opt(const struct parsed *p, const char *name, bool end)
{
	struct crm_date d;
	struct tm tm;

	if (!opt_date(p, name, &d))
		return 0;
	if (d.has_time || !end)
		return d.when;
	localtime_r(&d.when, &tm);
	tm.tm_mday++;
	tm.tm_isdst = -1;
	return mktime(&tm) - 1;
}

/* ---- cells as text ---- */

/* Appends cents as "1234.50" (exact; the C locale's point). */
static void add_cents(struct crm_buf *b, int64_t n)
{
	uint64_t a = n < 0 ? (uint64_t)-(n + 1) + 1 : (uint64_t)n;

	crm_buf_addf(b, "%s%llu.%02llu", n < 0 ? "-" : "",
		     (unsigned long long)(a / 100), (unsigned long long)(a % 100));
}

/* Appends one amount for people ("1 200 000 RUB"). */
static void add_money_text(struct crm_buf *b, int64_t n, const char *cur)
{
	char *a = cli_cents_text(n);

	crm_buf_addf(b, "%s%s%s", a, cur[0] ? " " : "", cur);
	free(a);
}

/* The text of cell c for people (human: amounts of several currencies
 * one a line) or for CSV and TSV; caller owns it. */
static char *cell_str(const struct crm_rcell *c, bool human)
{
	struct crm_buf b = {0};
	size_t i;

	switch (c->kind) {
	case CRM_RCELL_TEXT:
		return human ? cli_safe(c->text) : crm_xstrdup(c->text);
	case CRM_RCELL_INT:
		crm_buf_addf(&b, "%lld", (long long)c->n);
		break;
	case CRM_RCELL_AMOUNT:
		if (human) {
			add_money_text(&b, c->n, c->currency);
			break;
		}
		add_cents(&b, c->n);
		crm_buf_addf(&b, "%s%s", c->currency[0] ? " " : "", c->currency);
		break;
	case CRM_RCELL_MONEY:
		for (i = 0; i < c->nmoney; i++) {
			if (i)
				crm_buf_adds(&b, human ? "\n" : "; ");
			if (human) {
				add_money_text(&b, c->money[i].n,
					       c->money[i].currency);
				continue;
			}
			add_cents(&b, c->money[i].n);
			crm_buf_addf(&b, " %s", c->money[i].currency);
		}
		break;
	case CRM_RCELL_PERCENT:
		if (human)
			crm_buf_addf(&b, "%.1f%%", c->x);
		else
			cli_add_fixed(&b, c->x, 2);
		break;
	case CRM_RCELL_DAYS:
	case CRM_RCELL_NUMBER:
		if (human)
			crm_buf_addf(&b, "%.1f", c->x);
		else
			cli_add_fixed(&b, c->x, 2);
		break;
	case CRM_RCELL_EMPTY:
		return crm_xstrdup(human ? "-" : "");
	}
	return b.s ? crm_buf_detach(&b) : crm_xstrdup("");
}

/* True for cells that are right-aligned (numbers). */
static bool is_number(const struct crm_rcell *c)
{
	return c->kind != CRM_RCELL_TEXT && c->kind != CRM_RCELL_EMPTY;
}

/* ---- the table ---- */

/* Appends a bar of v in proportion to max over width columns: whole
 * blocks and the eighth that is left, or '#'s with ascii. */
static void add_bar(struct crm_buf *b, double v, double max, size_t width,
		    bool ascii)
{
	static const char *const eighths[] = {
		"", "▏", "▎", "▍", "▌", "▋", "▊", "▉",
	};
	size_t units, i;

	if (max <= 0 || v <= 0)
		return;
	if (ascii) {
		units = (size_t)(v / max * (double)width + 0.5);
		for (i = 0; i < units; i++)
			crm_buf_addc(b, '#');
		return;
	}
	units = (size_t)(v / max * (double)width * 8 + 0.5);
	for (i = 0; i < units / 8; i++)
		crm_buf_adds(b, "█");
	crm_buf_adds(b, eighths[units % 8]);
}

/* Appends s padded to width, on the right when right. */
static void add_padded(struct crm_buf *b, const char *s, size_t width,
		       bool right)
{
	size_t w = cli_text_width(s), i;

	if (right)
		for (i = w; i < width; i++)
			crm_buf_addc(b, ' ');
	crm_buf_adds(b, s);
	if (!right)
		for (i = w; i < width; i++)
			crm_buf_addc(b, ' ');
}

/* Prints one line, its trailing blanks cut. */
static void put_line(struct crm_buf *b)
{
	while (b->len && b->s[b->len - 1] == ' ')
		b->s[--b->len] = '\0';
	printf("%s\n", b->len ? b->s : "");
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

/* Line k of text s (lines end in '\n') into b, "" past the last;
 * returns b's text. */
static const char *line_of(struct crm_buf *b, const char *s, size_t k)
{
	const char *e;

	for (; k > 0 && s; k--)
		s = (s = strchr(s, '\n')) ? s + 1 : NULL;
	b->len = 0;
	crm_buf_adds(b, "");
	if (s)
		crm_buf_add(b, s, (e = strchr(s, '\n')) ? (size_t)(e - s)
							: strlen(s));
	return b->s;
}

/* The number of lines of s. */
static size_t nlines(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The widest of the lines of column c (its header among them). */
static size_t column_width(const struct crm_rsection *s, char **texts,
			   size_t c)
{
	size_t w = cli_text_width(crm_pgettext(s->cols[c].header)), r, x, k;
	struct crm_buf b = {0};

	for (r = 0; r < s->nrows; r++)
		for (k = 0; k < nlines(texts[r * s->ncols + c]); k++)
			if ((x = cli_text_width(line_of(&b, texts[r * s->ncols +
							     c], k))) > w)
				w = x;
	crm_buf_free(&b);
	return w;
}

/* Prints row r of s (texts: its cells' texts, widths: its columns'),
 * a line for each line of its tallest cell, the bar (bw wide) on the
 * first. */
static void print_row(const struct crm_rsection *s, char **texts,
		      const size_t *widths, size_t r, size_t bw, double max,
		      bool ascii)
{
	struct crm_buf line = {0}, one = {0};
	size_t c, k, h = 1;

	for (c = 0; c < s->ncols; c++)
		if (nlines(texts[r * s->ncols + c]) > h)
			h = nlines(texts[r * s->ncols + c]);
	for (k = 0; k < h; k++) {
		for (c = 0; c < s->ncols; c++) {
			if (c)
				crm_buf_adds(&line, "  ");
			add_padded(&line, line_of(&one, texts[r * s->ncols + c],
						  k), widths[c],
				   is_number(&s->cells[r * s->ncols + c]));
		}
		if (bw && k == 0) {
			crm_buf_adds(&line, "  ");
			add_bar(&line, crm_rcell_value(&s->cells[r * s->ncols +
								 s->bar]),
				max, bw, ascii);
		}
		put_line(&line);
	}
	crm_buf_free(&line);
	crm_buf_free(&one);
}

/* The width the bars of a table as wide as used get. */
static size_t bar_width(size_t used)
{
	size_t term = cli_term_width();

	if (term == 0)
		term = 80;
	if (used + 2 + BAR_MIN > term)
		return 0;
	term -= used + 2;
	return term > BAR_MAX ? BAR_MAX : term;
}

/* Prints section s as an aligned table, its bars at the right. */
static void section_table(struct cli *cli, const struct crm_rsection *s,
			  bool ascii)
{
	char **texts = crm_xcalloc(s->nrows * s->ncols + 1, sizeof(char *));
	size_t *widths = crm_xcalloc(s->ncols + 1, sizeof(size_t));
	struct crm_buf line = {0};
	size_t r, c, used = 0, bw;
	double max = 0;

	for (r = 0; r < s->nrows * s->ncols; r++)
		texts[r] = cell_str(&s->cells[r], true);
	for (c = 0; c < s->ncols; c++)
		used += (widths[c] = column_width(s, texts, c)) + (c ? 2 : 0);
	for (r = 0; s->bar >= 0 && r < s->nrows; r++)
		if (crm_rcell_value(&s->cells[r * s->ncols + s->bar]) > max)
			max = crm_rcell_value(&s->cells[r * s->ncols + s->bar]);
	bw = s->bar >= 0 && max > 0 ? bar_width(used) : 0;
	printf("%s%s%s\n", color_bold(cli), _(s->title), color_reset(cli));
	for (c = 0; c < s->ncols; c++) {
		if (c)
			crm_buf_adds(&line, "  ");
		add_padded(&line, crm_pgettext(s->cols[c].header), widths[c],
			   s->nrows && is_number(&s->cells[c]));
	}
	put_line(&line);
	for (r = 0; r < s->nrows; r++)
		print_row(s, texts, widths, r, bw, max, ascii);
	if (s->nrows == 0)
		printf("%s%s%s\n", color_dim(cli), _("(none)"), color_reset(cli));
	crm_buf_free(&line);
	for (r = 0; r < s->nrows * s->ncols; r++)
		free(texts[r]);
	free(texts);
	free(widths);
}

/* True when the locale's characters are UTF-8 (bars of blocks). */
static bool utf8_locale(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* Prints r as a heading, then each section as a table with bars. */
static void report_table(struct cli *cli, const struct crm_report *r,
			 bool ascii)
{
	struct crm_buf title = {0}, period = {0};
	size_t i;

	cli_report_heading(cli, r, &title, &period);
	printf("%s%s%s\n%s\n\n", color_bold(cli), title.s, color_reset(cli),
	       period.s);
	crm_buf_free(&title);
	crm_buf_free(&period);
	for (i = 0; i < r->nsections; i++) {
		if (i)
			fputc('\n', stdout);
		section_table(cli, &r->sections[i], ascii || !utf8_locale());
	}
}

/* ---- JSON ---- */

/* Writes cents as a JSON number with two decimals. */
static void json_cents(int64_t n)
{
	struct crm_buf b = {0};

	add_cents(&b, n);
	fputs(b.s, stdout);
	crm_buf_free(&b);
}

/* Writes x with two decimals and a point, in any locale. */
static void json_fixed(double x)
{
	struct crm_buf b = {0};

	cli_add_fixed(&b, x, 2);
	fputs(b.s, stdout);
	crm_buf_free(&b);
}

/* Writes one amount as {"currency": C, "amount": N}. */
static void json_amount(const char *cur, int64_t n)
{
	printf("{\"currency\": ");
	json_string(stdout, cur);
	printf(", \"amount\": ");
	json_cents(n);
	printf("}");
}

/* Writes cell c: numbers as numbers, amounts as lists of amounts of one
 * currency each, empty as null. */
static void json_cell(const struct crm_rcell *c)
{
	size_t i;

	switch (c->kind) {
	case CRM_RCELL_TEXT:
		json_string(stdout, c->text);
		break;
	case CRM_RCELL_INT:
		printf("%lld", (long long)c->n);
		break;
	case CRM_RCELL_AMOUNT:
		printf("[");
		json_amount(c->currency, c->n);
		printf("]");
		break;
	case CRM_RCELL_MONEY:
		printf("[");
		for (i = 0; i < c->nmoney; i++) {
			if (i)
				printf(", ");
			json_amount(c->money[i].currency, c->money[i].n);
		}
		printf("]");
		break;
	case CRM_RCELL_PERCENT:
	case CRM_RCELL_DAYS:
	case CRM_RCELL_NUMBER:
		json_fixed(c->x);
		break;
	case CRM_RCELL_EMPTY:
		printf("null");
		break;
	}
}

/* Writes a moment as a stored date-time, null for 0. */
static void json_when(const char *key, time_t t)
{
	char buf[64];

	printf(",\n  \"%s\": ", key);
	if (t == 0) {
		printf("null");
		return;
	}
	crm_date_now(t, buf, sizeof(buf));
	json_string(stdout, buf);
}

static void json_section(const struct crm_rsection *s)
{
	size_t r, c;

	printf("\n    {\n      \"key\": ");
	json_string(stdout, s->key);
	printf(",\n      \"title\": ");
	json_string(stdout, _(s->title));
	printf(",\n      \"columns\": [");
	for (c = 0; c < s->ncols; c++) {
		printf("%s", c ? ", " : "");
		json_string(stdout, s->cols[c].key);
	}
	printf("],\n      \"bar\": ");
	if (s->bar >= 0)
		json_string(stdout, s->cols[s->bar].key);
	else
		printf("null");
	printf(",\n      \"rows\": [");
	for (r = 0; r < s->nrows; r++) {
		printf("%s\n        {", r ? "," : "");
		for (c = 0; c < s->ncols; c++) {
			printf("%s", c ? ", " : "");
			json_string(stdout, s->cols[c].key);
			printf(": ");
			json_cell(&s->cells[r * s->ncols + c]);
		}
		printf("}");
	}
	printf("%s]\n    }", s->nrows ? "\n      " : "");
}

static void report_json(const struct crm_report *r)
{
	size_t i;

	printf("{\n  \"format_version\": 1,\n  \"report\": ");
	json_string(stdout, r->name);
	json_when("since", r->since);
	json_when("until", r->until);
	json_when("as_of", r->as_of);
	printf(",\n  \"sections\": [");
	for (i = 0; i < r->nsections; i++)
		printf("%s", i ? "," : ""), json_section(&r->sections[i]);
	printf("\n  ]\n}\n");
}

/* ---- CSV and TSV ---- */

/* Each section as a block: a header row (section, then its columns'
 * keys), its rows; a blank line between blocks. */
static void report_delimited(const struct cli *cli, const struct crm_report *r)
{
	const struct crm_rsection *s;
	const char **row;
	char **texts;
	size_t i, j, c;

	for (i = 0; i < r->nsections; i++) {
		s = &r->sections[i];
		row = crm_xcalloc(s->ncols + 1, sizeof(char *));
		texts = crm_xcalloc(s->ncols + 1, sizeof(char *));
		if (i)
			fputc('\n', stdout);
		row[0] = "section";
		for (c = 0; c < s->ncols; c++)
			row[c + 1] = s->cols[c].key;
		cli_delimited_row(stdout, row, s->ncols + 1, cli->format);
		for (j = 0; j < s->nrows; j++) {
			row[0] = s->key;
			for (c = 0; c < s->ncols; c++)
				row[c + 1] = texts[c] =
					cell_str(&s->cells[j * s->ncols + c], false);
			cli_delimited_row(stdout, row, s->ncols + 1, cli->format);
			for (c = 0; c < s->ncols; c++)
				free(texts[c]);
		}
		free(row);
		free(texts);
	}
}

/* ---- the command ---- */

/* Warns about the deal files that do not parse (left out). */
static void warn_broken(struct cli *cli)
{
	struct crm_broken *b = NULL;
	size_t n = 0, i;

	if (crm_find_broken(cli->store, CRM_TYPE_BIT(CRM_DEAL), &b, &n,
			    &cli->err))
		return;
	for (i = 0; i < n; i++)
		cli_warning_text(b[i].error);
	crm_broken_free(b, n);
}

/* Refuses the options of one report given to another. */
static int check_report_opts(struct cli *cli, const struct parsed *p,
			     const char *name)
{
	if (opt_flag(p, report_opts, "strict-stages") &&
	    strcmp(name, "funnel") != 0)
		return cli_usage_error(cli->cmd, _("--strict-stages is an option "
				       "of 'crm report funnel'"));
	if (opt_flag(p, report_opts, "actual") && strcmp(name, "forecast") != 0)
		return cli_usage_error(cli->cmd, _("--actual is an option of "
				       "'crm report forecast'"));
	if (opt_given(p, "as-of") && !crm_report_has_as_of(name))
		return cli_usage_error(cli->cmd, _("report '%s' cannot be shown "
				       "--as-of a date (funnel and forecast "
				       "can)"), name);
	return CRM_OK;
}

/* True when name is a report's. */
static bool known_report(const char *name)
{
	size_t i;

	for (i = 0; crm_report_names[i]; i++)
		if (strcmp(crm_report_names[i], name) == 0)
			return true;
	return false;
}

/* Reports an unknown report name, with the closest one. */
static int unknown_report(struct cli *cli, const char *name)
{
	const char *hint;
	size_t n = 0;

	while (crm_report_names[n])
		n++;
	hint = crm_suggest(name, crm_report_names, n);

	if (hint)
		return cli_usage_error(cli->cmd, _("unknown report '%s' (did you "
				       "mean '%s'?)"), name, hint);
	return cli_usage_error(cli->cmd, _("unknown report '%s' (reports: "
			       "funnel, conversion, lost, cycle, activity, "
			       "sources, forecast)"), name);
}

/* Fills o from the options and arguments. */
static int report_options(struct cli *cli, struct parsed *p,
			  struct crm_report_opts *o, struct crm_query **q)
{
	memset(o, 0, sizeof(*o));
	o->now = cli->now;
	o->since = when_opt(p, "since", false);
	o->until = when_opt(p, "until", true);
	o->as_of = when_opt(p, "as-of", true);
	o->owner = opt_get(p, report_opts, "owner");
	o->pipeline = opt_get(p, report_opts, "pipeline");
	o->strict_stages = opt_flag(p, report_opts, "strict-stages");
	o->actual = opt_flag(p, report_opts, "actual");
	o->lang = cli_lang();
	if (o->since && o->until && o->since > o->until)
		return cli_usage_error(cli->cmd, _("--since is after --until"));
	if (crm_query_parse((const char *const *)p->pos + 1, p->npos - 1,
			    cli->now, q, &cli->err))
		return cli_usage_fail(cli, cli->cmd);
	o->query = *q;
	return CRM_OK;
}

/* crm report NAME [QUERY...] */
int cmd_report(struct cli *cli, struct parsed *p)
{
	struct crm_report r = {0};
	struct crm_report_opts o;
	struct crm_query *q = NULL;
	const char *name;
	int rc;

	if (p->npos == 0)
		return cli_usage_error(cli->cmd, _("which report? (funnel, "
				       "conversion, lost, cycle, activity, "
				       "sources, forecast)"));
	name = p->pos[0];
	if (!known_report(name))
		return unknown_report(cli, name);
	if ((rc = check_report_opts(cli, p, name)) ||
	    (rc = report_options(cli, p, &o, &q)))
		goto out;
	if ((rc = crm_report_run(cli->store, name, &o, &r, &cli->err))) {
		rc = rc == CRM_EUSAGE ? cli_usage_fail(cli, cli->cmd)
				      : cli_fail(cli);
		goto out;
	}
	if (cli->format == FMT_JSON)
		report_json(&r);
	else if (cli->format == FMT_CSV || cli->format == FMT_TSV) {
		/* a spreadsheet opens it: no cell runs as a formula */
		cli_csv_mode(CSV_NEUTRALISE, ',');
		report_delimited(cli, &r);
	}
	else if (cli->format == FMT_HTML)
		html_print_report(cli, stdout, &r);
	else
		report_table(cli, &r, opt_flag(p, report_opts, "ascii"));
	warn_broken(cli);
out:
	crm_report_free(&r);
	crm_query_free(q);
	return rc;
}
