/*
 * cmd-board.c - crm board: a pipeline as columns of stages, each with its
 * count, its total per currency and its deals as cards (name, company,
 * amount, a mark for the next task's state and for a stale deal), fitted
 * to the terminal; --format json gives the same structure, --format html
 * a page (html-board.c).  What they show is gathered once (board.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "board.h"

const struct opt_spec board_opts[] = {
	{"limit", 0, OPT_INT, N_("N"),
	 N_("show at most N cards a stage (default: 10 on a terminal; 0: all)")},
	{"as-of", 0, OPT_DATE, N_("DATE"),
	 N_("the deals as they stood at the end of DATE")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* The narrowest and widest a column of the board is. */
#define COL_MIN 18
#define COL_MAX 34
/* Cards a stage shows by default in a table. */
#define CARDS_DEFAULT 10

static const char *const state_names[] = {"none", "overdue", "today", "later"};

/* ---- JSON ---- */

/* Writes ", "key": s" (null for NULL). */
static void jpair(const char *indent, const char *key, const char *s)
{
	printf(",\n%s", indent);
	json_string(stdout, key);
	printf(": ");
	if (s)
		json_string(stdout, s);
	else
		printf("null");
}

/* Writes amount v with two decimals and a point, whatever the locale's
 * decimal point ("1200000.50"; printf's %f would write "1200000,50" in
 * ru_RU, which is no JSON). */
static void json_amount(double v)
{
	long long cents = (long long)(v * 100 + (v < 0 ? -0.5 : 0.5));
	unsigned long long a = cents < 0 ? -(unsigned long long)cents
					 : (unsigned long long)cents;

	printf("%s%llu.%02llu", cents < 0 ? "-" : "", a / 100, a % 100);
}

static void json_card(const struct board_card *k)
{
	const char *in = "          ";

	printf("\n        {\n%s\"id\": ", in);
	json_string(stdout, k->id);
	jpair(in, "name", k->name);
	jpair(in, "company", k->company);
	jpair(in, "company_name", k->company_name);
	printf(",\n%s\"amount\": %s", in, k->amount ? k->amount : "null");
	jpair(in, "currency", k->currency);
	printf(",\n%s\"probability\": ", in);
	if (k->probability >= 0)
		printf("%d", k->probability);
	else
		printf("null");
	jpair(in, "next_task", k->task.found ? k->task.id : NULL);
	jpair(in, "next_due", k->task.found && k->task.due[0] ? k->task.due
							       : NULL);
	jpair(in, "task_state", state_names[k->state]);
	printf(",\n%s\"stale\": %s\n        }", in, k->stale ? "true" : "false");
}

static void json_column(struct board *b, const struct board_column *c)
{
	static const char *const kinds[] = {"open", "won", "lost"};
	const char *in = "      ";
	size_t i;

	printf("\n    {\n%s\"id\": ", in);
	json_string(stdout, c->st->label.id);
	jpair(in, "name", crm_label_text(&c->st->label, cli_lang()));
	jpair(in, "kind", kinds[c->st->kind]);
	printf(",\n%s\"probability\": %d", in, c->st->probability);
	printf(",\n%s\"rot_days\": %d", in, c->st->rot_days);
	printf(",\n%s\"count\": %zu,\n%s\"totals\": [", in, c->count, in);
	for (i = 0; i < c->ntotals; i++) {
		printf("%s{\"currency\": ", i ? ", " : "");
		json_string(stdout, c->totals[i].currency);
		printf(", \"amount\": ");
		json_amount(c->totals[i].sum);
		printf("}");
	}
	printf("],\n%s\"cards\": [", in);
	for (i = 0; i < c->ncards; i++) {
		if (i)
			printf(",");
		json_card(&c->cards[i]);
	}
	printf("%s]\n    }", c->ncards ? "\n      " : "");
	(void)b;
}

static void board_json(struct board *b)
{
	size_t i;

	printf("{\n  \"format_version\": 1,\n  \"pipeline\": ");
	json_string(stdout, b->p->name);
	if (b->as_of) {   /* only then: a board of now is as it was */
		char when[64];

		crm_date_now(b->as_of, when, sizeof(when));
		printf(",\n  \"as_of\": ");
		json_string(stdout, when);
	}
	printf(",\n  \"stages\": [");
	for (i = 0; i < b->p->nstages; i++)
		printf("%s", i ? "," : ""), json_column(b, &b->cols[i]);
	printf("\n  ]\n}\n");
}

/* ---- the table: columns side by side ---- */

/* The display width of code point cp (1 for what wcwidth does not
 * know). */
static size_t cp_width(uint32_t cp)
{
	int w = wcwidth((wchar_t)cp);

	return w < 0 ? 1 : (size_t)w;
}

/*
 * Appends the safe text s to b cut to width columns at a character
 * boundary ("…" ends a cut text), padded with spaces to width.
 */
static void add_fitted(struct crm_buf *b, const char *s, size_t width)
{
	size_t n = strlen(s), i = 0, w = 0, len, cw, total;
	uint32_t cp;

	total = cli_text_width(s);
	while (i < n) {
		len = crm_utf8_decode(s + i, n - i, &cp);
		if (len == 0) {
			cp = '?';
			len = 1;
		}
		cw = cp_width(cp);
		if (w + cw > (total > width ? width - 1 : width))
			break;
		crm_buf_add(b, s + i, len);
		w += cw;
		i += len;
	}
	if (i < n) {
		crm_buf_adds(b, "…");
		w++;
	}
	for (; w < width; w++)
		crm_buf_addc(b, ' ');
}

/* The lines of one column, each exactly width columns wide (colour
 * escapes aside). */
struct lines {
	char **v;
	size_t n;
};

/* Adds the line (prefix + s cut to the width left) to l; prefix is one
 * display column wide or empty, pre and post its colour. */
static void add_line(struct lines *l, const char *pre, const char *prefix,
		     const char *post, const char *s, size_t width)
{
	struct crm_buf b = {0};
	char *safe = cli_safe(s);
	size_t pw = prefix[0] ? cli_text_width(prefix) : 0;

	crm_buf_addf(&b, "%s%s%s", pre, prefix, post);
	add_fitted(&b, safe, width - pw);
	free(safe);
	l->v = crm_xrealloc(l->v, (l->n + 1) * sizeof(char *));
	l->v[l->n++] = crm_buf_detach(&b);
	if (l->v[l->n - 1] == NULL)
		l->v[l->n - 1] = crm_xstrdup("");
}

/* The mark of a card: the next task's state, then staleness. */
static const char *state_mark(enum crm_task_state s)
{
	switch (s) {
	case CRM_TASK_OVERDUE: return "!";
	case CRM_TASK_TODAY: return "*";
	case CRM_TASK_LATER: return ">";
	default: return "?";
	}
}

static const char *state_color(struct cli *cli, enum crm_task_state s)
{
	switch (s) {
	case CRM_TASK_OVERDUE: return color_red(cli);
	case CRM_TASK_TODAY: return color_green(cli);
	case CRM_TASK_LATER: return color_dim(cli);
	default: return color_yellow(cli);
	}
}

/* Adds the lines of card k to l; a deal of a closed stage (won, lost)
 * needs no next task, and gets no mark for it. */
static void card_lines(struct board *b, struct lines *l, const struct board_card *k,
		       bool closed, size_t width)
{
	struct cli *cli = b->cli;
	struct crm_buf name = {0};
	char *money;

	crm_buf_addf(&name, "%s%s", k->stale ? "~" : " ", k->name);
	add_line(l, closed ? "" : state_color(cli, k->state),
		 closed ? " " : state_mark(k->state), closed ? "" : color_reset(cli),
		 name.s, width);
	crm_buf_free(&name);
	if (k->company_name || k->company)
		add_line(l, "", " ", "", k->company_name ? k->company_name
							  : k->company, width);
	if (k->has_amount) {
		money = cli_money_text(k->value, k->currency);
		add_line(l, "", " ", "", money, width);
		free(money);
	}
}

/* The lines of column c, width wide. */
static void column_lines(struct board *b, const struct board_column *c,
			 struct lines *l, size_t width)
{
	struct cli *cli = b->cli;
	struct crm_buf h = {0};
	char *money, *dashes;
	size_t i;

	crm_buf_addf(&h, "%s", crm_label_text(&c->st->label, cli_lang()));
	add_line(l, color_bold(cli), "", color_reset(cli), h.s, width);
	h.len = 0;
	crm_buf_free(&h);
	memset(&h, 0, sizeof(h));
	crm_buf_addf(&h, ngettext("%zu deal, %d%%", "%zu deals, %d%%", c->count),
		     c->count, c->st->probability);
	add_line(l, "", "", "", h.s, width);
	crm_buf_free(&h);
	for (i = 0; i < c->ntotals; i++) {
		money = cli_money_text(c->totals[i].sum, c->totals[i].currency);
		add_line(l, "", "", "", money, width);
		free(money);
	}
	dashes = crm_xcalloc(width * 3 + 1, 1);
	for (i = 0; i < width; i++)
		memcpy(dashes + i * 3, "─", 3);
	add_line(l, color_dim(cli), "", color_reset(cli), dashes, width);
	free(dashes);
	for (i = 0; i < c->ncards; i++)
		card_lines(b, l, &c->cards[i], c->st->kind != CRM_STAGE_OPEN,
			   width);
	if (c->count > c->ncards) {
		memset(&h, 0, sizeof(h));
		crm_buf_addf(&h, _("+%zu more"), c->count - c->ncards);
		add_line(l, color_dim(cli), "", color_reset(cli), h.s, width);
		crm_buf_free(&h);
	}
}

static void lines_free(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* Prints columns [from, to) side by side, each width wide. */
static void print_band(struct board *b, size_t from, size_t to, size_t width)
{
	struct lines *ls = crm_xcalloc(to - from, sizeof(*ls));
	size_t i, row, rows = 0;
	char *pad = crm_xcalloc(width + 1, 1);
	struct crm_buf line = {0};

	memset(pad, ' ', width);
	for (i = from; i < to; i++) {
		column_lines(b, &b->cols[i], &ls[i - from], width);
		if (ls[i - from].n > rows)
			rows = ls[i - from].n;
	}
	for (row = 0; row < rows; row++) {
		line.len = 0;
		for (i = 0; i < to - from; i++) {
			if (i)
				crm_buf_addc(&line, ' ');
			crm_buf_adds(&line, row < ls[i].n ? ls[i].v[row] : pad);
		}
		/* no trailing blanks: the padding of the last column */
		while (line.len && line.s[line.len - 1] == ' ')
			line.s[--line.len] = '\0';
		printf("%s\n", line.len ? line.s : "");
	}
	crm_buf_free(&line);
	for (i = 0; i < to - from; i++)
		lines_free(&ls[i]);
	free(ls);
	free(pad);
}

/* Prints the board in bands of as many columns as fit the terminal. */
static void board_table(struct board *b)
{
	size_t w = cli_term_width(), n = b->p->nstages, per, width, i;
	struct crm_buf legend = {0};

	if (w == 0)
		w = 80 > n * (COL_MIN + 1) ? 80 : n * (COL_MAX + 1);
	per = (w + 1) / (COL_MIN + 1);
	if (per == 0)
		per = 1;
	if (per > n)
		per = n;
	width = (w + 1) / per - 1;
	if (width > COL_MAX)
		width = COL_MAX;
	if (width < 4)
		width = 4;
	for (i = 0; i < n; i += per) {
		if (i)
			fputc('\n', stdout);
		print_band(b, i, i + per < n ? i + per : n, width);
	}
	legend.len = 0;
	add_fitted(&legend, _("! overdue  * due today  > later  ? no task  "
			      "~ stale"), w);
	while (legend.len && legend.s[legend.len - 1] == ' ')
		legend.s[--legend.len] = '\0';
	printf("\n%s\n", legend.s);
	crm_buf_free(&legend);
}

/* ---- the command ---- */

/* Takes the pipeline named by the first argument, if it names one, into
 * *p; *skip gets 1 then. */
static void pick_pipeline(struct cli *cli, struct parsed *p,
			  const struct crm_pipeline **out, size_t *skip)
{
	const struct crm_config *cfg = crm_store_config(cli->store);
	const struct crm_pipeline *pl = NULL;
	size_t i;

	*skip = 0;
	for (i = 0; p->npos && i < cfg->npipelines; i++)
		if (strcmp(cfg->pipelines[i].name, p->pos[0]) == 0)
			pl = &cfg->pipelines[i];
	if (pl)
		*skip = 1;
	*out = pl ? pl : crm_config_pipeline(cfg, NULL);
}

/* The cards a stage shows unless --limit says: every one in JSON, as
 * many as are read at a glance in a table or a page. */
static size_t default_limit(const struct cli *cli)
{
	return cli->format == FMT_JSON ? 0 : CARDS_DEFAULT;
}

/* The end of the day --as-of names (its moment when it has a time),
 * 0 when not given. */
static time_t as_of_opt(const struct parsed *p)
{
	struct crm_date d;
	struct tm tm;

	if (!opt_date(p, "as-of", &d))
		return 0;
	if (d.has_time)
		return d.when;
	localtime_r(&d.when, &tm);
	tm.tm_mday++;
	tm.tm_isdst = -1;
	return mktime(&tm) - 1;
}

/* crm board [PIPELINE] [QUERY...] */
int cmd_board(struct cli *cli, struct parsed *p)
{
	const struct crm_pipeline *pl;
	struct board b = {0};
	struct crm_query *q = NULL;
	size_t skip;
	int rc;

	pick_pipeline(cli, p, &pl, &skip);
	if (pl == NULL)
		return cli_error(cli, CRM_ERR, _("crm.yaml has no pipeline"));
	if (crm_query_parse((const char *const *)p->pos + skip, p->npos - skip,
			    cli->now, &q, &cli->err))
		return cli_usage_fail(cli, cli->cmd);
	if ((rc = board_gather(cli, pl, q, (size_t)opt_int(p, "limit",
				(long)default_limit(cli)), as_of_opt(p), &b))) {
		rc = rc == CRM_EUSAGE ? cli_usage_fail(cli, cli->cmd)
				      : cli_fail(cli);
		goto out;
	}
	if (cli->format == FMT_JSON)
		board_json(&b);
	else if (cli->format == FMT_HTML)
		html_print_board(cli, stdout, &b);
	else
		board_table(&b);
	if (b.skipped)
		cli_warning(ngettext("%zu deal is in a stage pipeline '%s' does "
				     "not have", "%zu deals are in stages "
				     "pipeline '%s' does not have", b.skipped),
			    b.skipped, b.p->name);
out:
	board_free(&b);
	crm_query_free(q);
	return rc;
}
