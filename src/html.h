/*
 * html.h - one self-contained HTML page, as crm report and crm board
 * write it for --format html: a page a manager opens in a browser or
 * mails, with its style and its charts (SVG) inline, no script and no
 * reference to anything outside it.
 *
 * Every text given to these functions is data: it is escaped (html_add)
 * wherever it goes, text, attribute or SVG alike, and nothing from it
 * ever reaches the markup as it is.  The functions write to a FILE and
 * report nothing: a write error shows in ferror(f), which main() checks.
 *
 * Example:
 *
 *	html_page_begin(f, cli_lang(), title);
 *	html_heading(f, 1, title);
 *	html_bar_chart(f, caption, n, labels, values, texts);
 *	html_page_end(f);
 */
#ifndef CRM_HTML_H
#define CRM_HTML_H

#include <stdio.h>

#include "cli.h"
#include "report.h"

/*
 * Appends s to b as HTML text, fit for an element's content or a quoted
 * attribute value: & < > " ' as references; C0 and C1 controls and DEL
 * as the terminal shows them (\t, \n, \x1b, \u0085); bytes that are not
 * UTF-8, and noncharacters, as U+FFFD.  NULL appends nothing.
 */
void html_add(struct crm_buf *b, const char *s);
/* Writes s to f escaped as html_add does. */
void html_text(FILE *f, const char *s);

/* The language tag of locale name lang for the lang attribute ("ru" for
 * "ru_RU.UTF-8", "en" for "C" and what is not a locale name) into buf
 * of size >= 16; returns buf. */
const char *html_lang_tag(const char *lang, char *buf, size_t size);

/* Writes the start of a page to f, up to and including <body>: the
 * doctype, the language of lang (a locale name: cli_lang()), the
 * character set, a Content-Security-Policy that allows no script and no
 * load from anywhere, the title and the style sheet. */
void html_page_begin(FILE *f, const char *lang, const char *title);
/* Writes the end of a page: what follows the content. */
void html_page_end(FILE *f);
/* Writes <hLEVEL>text</hLEVEL>, level 1 to 6. */
void html_heading(FILE *f, int level, const char *text);

/*
 * Writes an inline SVG chart of n horizontal bars under caption (may be
 * NULL): for each row its label (cut to fit, in full in a tooltip), a
 * bar as long as values[i] in proportion to the largest value (negative
 * ones and a largest of 0 draw none), and texts[i] (may be NULL) after
 * it.  Nothing is written when n is 0.
 */
void html_bar_chart(FILE *f, const char *caption, size_t n,
		    const char *const *labels, const double *values,
		    const char *const *texts);

/* The text of report cell c for people, as crm report's table shows
 * it: a count, an amount with its currency (the locale's grouping), the
 * amounts of several currencies separated by ", ", a percentage, a
 * number of days; "-" for an empty cell.  Caller owns it. */
char *html_cell_text(const struct crm_rcell *c);
/* Writes section s of a report: its title, the chart of its bar column
 * (if any), then its table (numbers right-aligned). */
void html_report_section(FILE *f, const struct crm_rsection *s);
/* Writes report r as a whole page to f: the title from its name and
 * period, then each section. */
void html_print_report(struct cli *cli, FILE *f, const struct crm_report *r);

#endif
