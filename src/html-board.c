/*
 * html-board.c - crm board --format html: the board (board.h) as one
 * self-contained page (html.h): a chart of the deals per stage, then
 * the stages side by side, as many as the window holds, each with its
 * count, totals and cards.
 */
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "html.h"

/* The class of a next task's state in the style sheet. */
static const char *state_class(enum crm_task_state s)
{
	static const char *const names[] = {"none", "overdue", "today",
					    "later"};

	return s <= CRM_TASK_LATER ? names[s] : "none";
}

/* The words of a next task's state, translated. */
static const char *state_words(enum crm_task_state s)
{
	switch (s) {
	case CRM_TASK_OVERDUE: return _("overdue");
	case CRM_TASK_TODAY: return _("due today");
	case CRM_TASK_LATER: return _("next task");
	default: return _("no task");
	}
}

/* Writes the tag of card k's next task: its state, and when it is due. */
static void task_tag(FILE *f, const struct board_card *k)
{
	char *when;

	fprintf(f, "<span class=\"tag %s\">", state_class(k->state));
	html_text(f, state_words(k->state));
	if (k->task.found && k->task.due[0]) {
		when = cli_when_text(k->task.due);
		fputs(" \xc2\xb7 ", f);
		html_text(f, when);
		free(when);
	}
	fputs("</span>", f);
}

/* Writes card k; a deal of a closed stage (won, lost) needs no next
 * task, and gets no tag for it. */
static void card_html(FILE *f, const struct board_card *k, bool closed)
{
	const char *company = k->company_name ? k->company_name : k->company;
	char *money;

	/* a long name is cut to a few lines, in full in its tooltip */
	fputs("<li class=\"card\"><div class=\"name\" title=\"", f);
	html_text(f, k->name);
	fputs("\">", f);
	html_text(f, k->name);
	fputs("</div>\n", f);
	if (company) {
		fputs("<div class=\"sub\" title=\"", f);
		html_text(f, company);
		fputs("\">", f);
		html_text(f, company);
		fputs("</div>\n", f);
	}
	if (k->has_amount) {
		money = cli_money_text(k->value, k->currency);
		fputs("<div class=\"n\">", f);
		html_text(f, money);
		fputs("</div>\n", f);
		free(money);
	}
	fputs("<div>", f);
	if (!closed)
		task_tag(f, k);
	if (k->stale) {
		fputs("<span class=\"tag stale\">", f);
		html_text(f, _("stale"));
		fputs("</span>", f);
	}
	fprintf(f, "<span class=\"sub\">%s</span></div></li>\n",
		cli_short_id(k->id));
}

/* Writes line, a translated text of ours, as a paragraph of class cls. */
static void para(FILE *f, const char *cls, const char *line)
{
	fprintf(f, "<p class=\"%s\">", cls);
	html_text(f, line);
	fputs("</p>\n", f);
}

/* "3 deals, 60%" of column c into a new string. */
static char *count_text(const struct board_column *c)
{
	struct crm_buf b = {0};

	crm_buf_addf(&b, ngettext("%zu deal, %d%%", "%zu deals, %d%%",
				  c->count), c->count, c->st->probability);
	return crm_buf_detach(&b);
}

/* Writes column c: the stage's name, count, totals, cards. */
static void column_html(FILE *f, const struct board_column *c)
{
	static const char *const kinds[] = {"open", "won", "lost"};
	struct crm_buf more = {0};
	char *t;
	size_t i;

	fprintf(f, "<section class=\"stage %s\">\n", kinds[c->st->kind]);
	html_heading(f, 2, crm_label_text(&c->st->label, cli_lang()));
	para(f, "sub", t = count_text(c));
	free(t);
	for (i = 0; i < c->ntotals; i++) {
		t = cli_money_text(c->totals[i].sum, c->totals[i].currency);
		para(f, "sub", t);
		free(t);
	}
	if (c->ncards)
		fputs("<ul>\n", f);
	for (i = 0; i < c->ncards; i++)
		card_html(f, &c->cards[i], c->st->kind != CRM_STAGE_OPEN);
	if (c->ncards)
		fputs("</ul>\n", f);
	if (c->count > c->ncards) {
		crm_buf_addf(&more, _("+%zu more"), c->count - c->ncards);
		para(f, "more", more.s);
		crm_buf_free(&more);
	}
	fputs("</section>\n", f);
}

/* Writes the chart of the deals per stage. */
static void count_chart(FILE *f, const struct board *b)
{
	size_t n = b->p->nstages, i;
	const char **labels = crm_xcalloc(n, sizeof(*labels));
	char **texts = crm_xcalloc(n, sizeof(*texts));
	double *values = crm_xcalloc(n, sizeof(*values));

	for (i = 0; i < n; i++) {
		labels[i] = crm_label_text(&b->cols[i].st->label, cli_lang());
		values[i] = (double)b->cols[i].count;
		texts[i] = count_text(&b->cols[i]);
	}
	html_bar_chart(f, _("Deals per stage"), n, labels, values,
		       (const char *const *)texts);
	for (i = 0; i < n; i++)
		free(texts[i]);
	free(labels);
	free(texts);
	free(values);
}

void html_print_board(struct cli *cli, FILE *f, const struct board *b)
{
	struct crm_buf title = {0}, meta = {0};
	time_t when = b->as_of ? b->as_of : cli->now;
	char at[32];
	struct tm tm;
	size_t i;

	crm_buf_addf(&title, _("Pipeline %s"), b->p->name);
	if (localtime_r(&when, &tm) == NULL ||
	    strftime(at, sizeof(at), "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(at, sizeof(at), "?");
	crm_buf_addf(&meta, _("as of %s"), at);
	html_page_begin(f, cli_lang(), title.s);
	html_heading(f, 1, title.s);
	para(f, "meta", meta.s);
	count_chart(f, b);
	fputs("<div class=\"board\">\n", f);
	for (i = 0; i < b->p->nstages; i++)
		column_html(f, &b->cols[i]);
	fputs("</div>\n", f);
	html_page_end(f);
	crm_buf_free(&title);
	crm_buf_free(&meta);
}
