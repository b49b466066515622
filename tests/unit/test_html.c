/*
 * test_html.c - the HTML page of --format html (src/html.c): escaping of
 * hostile text, the language tag, and a report built by hand rendered
 * as a page (its structure, its numbers, its bars).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "html.h"

/* The CLI's cli_lang() lives in cmd-deal.c, which the unit tests do not
 * link: the page's language here is Russian. */
const char *cli_lang(void)
{
	return "ru_RU.UTF-8";
}

/* html_add(s) into a new string. */
static char *escaped(const char *s)
{
	struct crm_buf b = {0};

	html_add(&b, s);
	return b.s ? crm_buf_detach(&b) : crm_xstrdup("");
}

static void expect_escape(const char *s, const char *want)
{
	char *got = escaped(s);

	cr_expect_str_eq(got, want, "'%s' gave '%s', want '%s'", s, got, want);
	free(got);
}

Test(html, escapes_markup_and_controls)
{
	expect_escape("", "");
	expect_escape("plain", "plain");
	expect_escape("&<>\"'", "&amp;&lt;&gt;&quot;&#39;");
	expect_escape("&amp;", "&amp;amp;");
	expect_escape("<script>alert(1)</script>",
		      "&lt;script&gt;alert(1)&lt;/script&gt;");
	expect_escape("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
	expect_escape("a\tb\nc\rd\x7f", "a\\tb\\nc\\rd\\x7f");
	expect_escape("\xc2\x85", "\\u0085");           /* NEL, a C1 control */
	expect_escape("bad\xff\xfe!", "bad\xef\xbf\xbd\xef\xbf\xbd!");
	expect_escape("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	expect_escape("\xef\xbf\xbe", "\xef\xbf\xbd");  /* U+FFFE */
	expect_escape("\xef\xb7\x90", "\xef\xbf\xbd");  /* U+FDD0 */
	/* text stays as it is: Cyrillic, Azerbaijani, right-to-left marks */
	expect_escape("Ромашка Şəki \xe2\x80\x8f\xe2\x80\xae",
		      "Ромашка Şəki \xe2\x80\x8f\xe2\x80\xae");
	html_add(&(struct crm_buf){0}, NULL);
}

Test(html, lang_tag)
{
	static const char *const cases[][2] = {
		{"ru_RU.UTF-8", "ru-RU"}, {"az_AZ", "az-AZ"}, {"de", "de"},
		{"ru:en", "ru"}, {"sr_RS@latin", "sr-RS"}, {"C", "en"},
		{"C.UTF-8", "en"}, {"POSIX", "en"}, {"", "en"},
		{"\"><script>", "en"}, {"ru_\"x", "en"}, {"fil_PH", "fil-PH"},
	};
	char buf[16];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_str_eq(html_lang_tag(cases[i][0], buf, sizeof(buf)),
				 cases[i][1], "'%s'", cases[i][0]);
	cr_expect_str_eq(html_lang_tag(NULL, buf, sizeof(buf)), "en");
}

static const struct crm_rcol cols[] = {
	{"stage", NC_("column", "STAGE")},
	{"deals", NC_("column", "DEALS")},
	{"amount", NC_("column", "AMOUNT")},
	{"rate", NC_("column", "RATE")},
	{"days", NC_("column", "DAYS")},
};

/* Sets row i of s: a name, a count, an amount, a percentage, days. */
static void set_row(struct crm_rsection *s, size_t i, const char *name,
		    int64_t n, int64_t cents, double pct, double days)
{
	struct crm_rcell *c = &s->cells[i * s->ncols];

	c[0].kind = CRM_RCELL_TEXT;
	c[0].text = crm_xstrdup(name);
	c[1].kind = CRM_RCELL_INT;
	c[1].n = n;
	c[2].kind = CRM_RCELL_AMOUNT;
	c[2].n = cents;
	snprintf(c[2].currency, sizeof(c[2].currency), "RUB");
	c[3].kind = pct < 0 ? CRM_RCELL_EMPTY : CRM_RCELL_PERCENT;
	c[3].x = pct;
	c[4].kind = CRM_RCELL_DAYS;
	c[4].x = days;
}

/* A report of three sections: one with bars, one without, one empty. */
static void build(struct crm_report *r)
{
	struct crm_rsection *s;

	memset(r, 0, sizeof(*r));
	r->name = "funnel";
	r->title = "Sales funnel";
	r->nsections = 3;
	r->sections = crm_xcalloc(3, sizeof(*r->sections));
	s = &r->sections[0];
	s->key = "stages";
	s->title = "Stages";
	s->ncols = 5;
	s->cols = cols;
	s->nrows = 3;
	s->cells = crm_xcalloc(s->nrows * s->ncols, sizeof(*s->cells));
	s->bar = 1;
	set_row(s, 0, "<script>alert(1)</script>", 10, 120000000, 12.5, 3);
	set_row(s, 1, "</svg><img src=x onerror=alert(1)> and more", 5, 50, -1, 2.25);
	set_row(s, 2, "\x1b]0;pwned\x07\xe2\x80\xae\"'&amp;", 0, 0, 100, 0);
	s = &r->sections[1];
	s->key = "plain";
	s->title = "Plain";
	s->ncols = 3;
	s->cols = cols;
	s->nrows = 1;
	s->cells = crm_xcalloc(3, sizeof(*s->cells));
	s->bar = -1;
	s->cells[0].kind = CRM_RCELL_TEXT;
	s->cells[0].text = crm_xstrdup("Şəki");
	s->cells[1].kind = CRM_RCELL_INT;
	s->cells[1].n = 7;
	s->cells[2].kind = CRM_RCELL_MONEY;
	s->cells[2].nmoney = 2;
	s->cells[2].money = crm_xcalloc(2, sizeof(*s->cells[2].money));
	snprintf(s->cells[2].money[0].currency, 4, "AZN");
	s->cells[2].money[0].n = 700;
	snprintf(s->cells[2].money[1].currency, 4, "RUB");
	s->cells[2].money[1].n = 123456;
	s = &r->sections[2];
	s->key = "none";
	s->title = "None";
	s->cols = cols;
	s->ncols = 1;
	s->bar = 0;
}

/* Report r as a page, in a new string. */
static char *page_of(const struct crm_report *r)
{
	struct cli cli = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(f != NULL);
	cli.now = 1764547200; /* 2025-12-01 */
	html_print_report(&cli, f, r);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

/* The number of times needle occurs in hay. */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay += strlen(needle))
		n++;
	return n;
}

Test(html, report_page_structure)
{
	struct crm_report r;
	char *p;

	build(&r);
	p = page_of(&r);
	cr_expect(strncmp(p, "<!DOCTYPE html>\n<html lang=\"ru-RU\">", 35) == 0,
		  "starts with: %.60s", p);
	cr_expect(strstr(p, "<meta charset=\"utf-8\">") != NULL);
	cr_expect(strstr(p, "Content-Security-Policy\" content=\"default-src "
			 "'none'; style-src 'unsafe-inline'") != NULL);
	cr_expect(strstr(p, "<title>Sales funnel</title>") != NULL);
	cr_expect_eq(count(p, "<style>"), 1);
	cr_expect_eq(count(p, "<section>"), 3);
	cr_expect_eq(count(p, "</section>"), 3);
	/* one chart: the section with bars and rows */
	cr_expect_eq(count(p, "<svg "), 1);
	cr_expect_eq(count(p, "</svg>"), 1);
	cr_expect_eq(count(p, "<table>"), 2);
	cr_expect(strstr(p, "nothing to show") != NULL);
	cr_expect(strstr(p, "</body>\n</html>\n") != NULL);
	cr_expect_str_eq(p + strlen(p) - 8, "</html>\n");
	free(p);
	crm_report_free(&r);
}

Test(html, report_page_escapes_everything)
{
	struct crm_report r;
	char *p;

	build(&r);
	p = page_of(&r);
	/* the only markup is crm's: no script, no image, no handler */
	cr_expect(strstr(p, "<script") == NULL);
	cr_expect(strstr(p, "<img") == NULL);
	cr_expect(strstr(p, "</svg><") == NULL);
	cr_expect(strstr(p, "\x1b") == NULL && strstr(p, "\x07") == NULL);
	cr_expect(strstr(p, "://") == NULL, "a URL in the page");
	/* in the table, the chart's labels and its tooltips */
	cr_expect_eq(count(p, "&lt;script&gt;alert(1)&lt;/script&gt;"), 3);
	cr_expect_eq(count(p, "&lt;/svg&gt;&lt;img src=x onerror=alert(1)"
			   "&gt;"), 2, "long labels are cut in the chart");
	cr_expect_eq(count(p, "\\x1b]0;pwned\\x07\xe2\x80\xae&quot;&#39;"
			   "&amp;amp;"), 3);
	free(p);
	crm_report_free(&r);
}

Test(html, report_page_numbers_and_bars)
{
	struct crm_report r;
	char *p;

	build(&r);
	p = page_of(&r);
	/* the C locale: no grouping; right-aligned numbers */
	cr_expect(strstr(p, "<td class=\"n\">1200000 RUB</td>") != NULL);
	cr_expect(strstr(p, "<td class=\"n\">0.50 RUB</td>") != NULL);
	cr_expect(strstr(p, "<td class=\"n\">12.5%</td>") != NULL);
	cr_expect(strstr(p, "<td class=\"n\">100.0%</td>") != NULL);
	cr_expect(strstr(p, "<td class=\"n\">2.2</td>") != NULL ||
		  strstr(p, "<td class=\"n\">2.3</td>") != NULL);
	cr_expect(strstr(p, "<td class=\"n\">3.0</td>") != NULL);
	cr_expect(strstr(p, "<td class=\"n\">-</td>") != NULL,
		  "an empty cell of a column of numbers");
	cr_expect(strstr(p, "<td class=\"n\">10</td>") != NULL);
	cr_expect(strstr(p, "<th class=\"n\">DEALS</th>") != NULL);
	cr_expect(strstr(p, "<th>STAGE</th>") != NULL);
	cr_expect(strstr(p, "<td>Şəki</td>") != NULL);
	cr_expect(strstr(p, "<td class=\"n\">7 AZN<br>1234.56 RUB</td>") != NULL,
		  "amounts of several currencies, one a line");
	/* bars in proportion to the largest, 10: 440, 5: 220, 0: none */
	cr_expect(strstr(p, "width=\"440\"") != NULL);
	cr_expect(strstr(p, "width=\"220\"") != NULL);
	cr_expect(strstr(p, "width=\"0\"") != NULL);
	cr_expect(strstr(p, "<figcaption>DEALS</figcaption>") != NULL);
	free(p);
	crm_report_free(&r);
}

Test(html, chart_of_nothing_and_of_zeros)
{
	const char *labels[] = {"a", "b"};
	const double values[] = {0, -3};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	html_bar_chart(f, "none", 0, labels, values, NULL);
	fflush(f);
	cr_expect_eq(len, 0, "no rows, no chart");
	html_bar_chart(f, NULL, 2, labels, values, NULL);
	fclose(f);
	cr_expect_eq(count(buf, "width=\"0\""), 2, "%s", buf);
	cr_expect(strstr(buf, "figcaption") == NULL);
	free(buf);
}

Test(html, chart_of_what_is_no_number)
{
	const char *labels[] = {"inf", "nan", "one", "neg"};
	const double values[] = {1.0 / 0.0, 0.0 / 0.0, 1, -1.0 / 0.0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	html_bar_chart(f, "odd", 4, labels, values, NULL);
	fclose(f);
	/* only the finite one counts, and is the largest */
	cr_expect_eq(count(buf, "width=\"440\""), 1, "%s", buf);
	cr_expect_eq(count(buf, "width=\"0\""), 3, "%s", buf);
	cr_expect(strstr(buf, "y=\"57\" width=\"440\"") != NULL, "%s", buf);
	free(buf);
}
