/*
 * cmd-board.c - crm board: a pipeline as columns of stages, each with its
 * count, its total per currency and its deals as cards (name, company,
 * amount, a mark for the next task's state and for a stale deal), fitted
 * to the terminal; --format json gives the same structure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "cli.h"

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

/* One card: a deal. */
struct card {
	char id[CRM_ID_LEN + 1];
	char *name, *company, *company_name, *amount, *currency;
	double value;
	bool has_amount;
	int probability;
	struct crm_next_task task;
	enum crm_task_state state;
	bool stale;
};

/* A total of one currency. */
struct total {
	char currency[8];
	double sum;
};

/* One column: a stage. */
struct column {
	const struct crm_stage *st;
	size_t count;
	struct total *totals;
	size_t ntotals;
	struct card *cards;
	size_t ncards, cap;
};

struct board {
	struct cli *cli;
	const struct crm_pipeline *p;
	bool is_default;          /* deals without a pipeline are in it */
	struct column *cols;
	struct next_map *next;
	size_t limit;             /* cards kept a stage; 0: all */
	size_t skipped;           /* deals in stages the pipeline lacks */
	time_t as_of;             /* --as-of, 0 for now */
};

static const char *const state_names[] = {"none", "overdue", "today", "later"};

/* Adds amount v in currency cur (may be NULL: "") to c's totals. */
static void add_total(struct column *c, const char *cur, double v)
{
	size_t i;

	cur = cur ? cur : "";
	for (i = 0; i < c->ntotals; i++)
		if (strcmp(c->totals[i].currency, cur) == 0) {
			c->totals[i].sum += v;
			return;
		}
	c->totals = crm_xrealloc(c->totals, (c->ntotals + 1) * sizeof(*c->totals));
	snprintf(c->totals[c->ntotals].currency, sizeof(c->totals[0].currency),
		 "%s", cur);
	c->totals[c->ntotals++].sum = v;
}

/* A copy of s, or NULL. */
static char *dup_or_null(const char *s)
{
	return s ? crm_xstrdup(s) : NULL;
}

/* Fills card k from row r, in stage st. */
static void fill_card(struct board *b, struct card *k, const struct crm_row *r,
		      const struct crm_stage *st)
{
	const struct crm_next_task *t = NULL;
	struct crm_next_task one;

	/* few cards: each one's next task looked up; many: all at once */
	if (b->next)
		t = cli_next_task_of(b->next, r->id);
	else if (crm_next_task(b->cli->store, r->id, &one, NULL) == CRM_OK &&
		 one.found)
		t = &one;
	memset(k, 0, sizeof(*k));
	snprintf(k->id, sizeof(k->id), "%s", r->id);
	k->name = crm_xstrdup(r->name ? r->name : "");
	k->company = dup_or_null(crm_row_get(r, "company"));
	k->company_name = dup_or_null(crm_row_ref_name(r, "company"));
	k->amount = dup_or_null(crm_row_get(r, "amount"));
	k->currency = dup_or_null(crm_row_get(r, "currency"));
	k->value = r->amount;
	k->has_amount = r->has_amount;
	k->probability = crm_deal_probability_of(crm_store_config(b->cli->store),
						 b->p->name, st->label.id,
						 crm_row_get(r, "probability"));
	if (t)
		k->task = *t;
	k->state = crm_task_state(&k->task, b->cli->now);
	k->stale = crm_deal_stale(st, r->has_active, r->active_at,
				  b->cli->now);
}

/* The column of stage (NULL: none). */
static struct column *column_of(struct board *b, const char *stage)
{
	size_t i;

	for (i = 0; stage && i < b->p->nstages; i++)
		if (strcmp(b->p->stages[i], stage) == 0)
			return &b->cols[i];
	return NULL;
}

/* Keeps the card of deal r in column c while it has room. */
static void keep_card(struct board *b, struct column *c,
		      const struct crm_row *r)
{
	if (b->limit && c->ncards >= b->limit)
		return;
	if (c->ncards == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->cards = crm_xrealloc(c->cards, c->cap * sizeof(*c->cards));
	}
	fill_card(b, &c->cards[c->ncards++], r, c->st);
}

/* Row callback of a query: counts deal r in its stage's column, and
 * keeps its card. */
static int board_row(const struct crm_row *r, void *data)
{
	struct board *b = data;
	const char *pipe = crm_row_get(r, "pipeline");
	struct column *c;

	if (pipe ? strcmp(pipe, b->p->name) != 0 : !b->is_default)
		return 0;
	if ((c = column_of(b, crm_row_get(r, "stage"))) == NULL) {
		b->skipped++;
		return 0;
	}
	c->count++;
	if (r->has_amount)
		add_total(c, crm_row_get(r, "currency"), r->amount);
	keep_card(b, c, r);
	return 0;
}

/* Wants callback of a past board (crm_board_as_of): whether the column
 * of stage of pipeline has room for a card. */
static bool board_wants(const char *pipeline, const char *stage, void *data)
{
	struct board *b = data;
	struct column *c;

	if (pipeline ? strcmp(pipeline, b->p->name) != 0 : !b->is_default)
		return false;
	c = column_of(b, stage);
	return c && (b->limit == 0 || c->ncards < b->limit);
}

/* Total callback of the whole pipeline (crm_board_totals). */
static int board_total(const char *stage, const char *currency, size_t count,
		       double sum, bool has_sum, void *data)
{
	struct board *b = data;
	struct column *c = column_of(b, stage);

	if (c == NULL) {
		b->skipped += count;
		return 0;
	}
	c->count += count;
	if (has_sum)
		add_total(c, currency, sum);
	return 0;
}

/* Card callback of the whole pipeline (crm_board_cards). */
static int board_card(const struct crm_row *r, void *data)
{
	struct board *b = data;
	struct column *c = column_of(b, crm_row_get(r, "stage"));

	if (c)
		keep_card(b, c, r);
	return 0;
}

/* Fills the board: the whole pipeline from the index's grouped counts
 * and first cards, or the deals q selects one by one. */
static int board_fill(struct board *b, const struct crm_query *q,
		      time_t as_of)
{
	struct cli *cli = b->cli;
	struct crm_find f = {0};
	size_t total;

	size_t skipped;
	int past;

	if (as_of && (q == NULL || crm_query_empty(q)) && b->limit) {
		past = crm_board_past(cli->store, b->p->name, b->is_default,
				      as_of, b->limit, board_total, board_card,
				      b, &skipped, &cli->err);
		b->skipped += skipped;
		return past;
	}
	if (as_of)
		return crm_board_as_of(cli->store, q, as_of, board_wants,
				       board_row, b, &cli->err);
	if (q == NULL || crm_query_empty(q)) {
		int rc = crm_board_totals(cli->store, b->p->name, b->is_default,
					  board_total, b, &cli->err);

		return rc ? rc : crm_board_cards(cli->store, b->p->name,
						 b->is_default, b->limit,
						 board_card, b, &cli->err);
	}
	f.mask = CRM_TYPE_BIT(CRM_DEAL);
	f.query = q;
	return crm_find_each(cli->store, &f, board_row, b, &total, NULL, NULL,
			     &cli->err);
}

static void board_free(struct board *b)
{
	struct card *k;
	size_t i, j;

	for (i = 0; b->cols && i < b->p->nstages; i++) {
		for (j = 0; j < b->cols[i].ncards; j++) {
			k = &b->cols[i].cards[j];
			free(k->name);
			free(k->company);
			free(k->company_name);
			free(k->amount);
			free(k->currency);
		}
		free(b->cols[i].cards);
		free(b->cols[i].totals);
	}
	free(b->cols);
	cli_next_tasks_free(b->next);
}

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

static void json_card(const struct card *k)
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

static void json_column(struct board *b, const struct column *c)
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
		printf(", \"amount\": %.2f}", c->totals[i].sum);
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

/* "1 200 000 RUB" into a new string. */
static char *money_text(double v, const char *cur)
{
	struct crm_buf b = {0};
	char *a = cli_amount_text(v);

	crm_buf_addf(&b, "%s%s%s", a, cur && cur[0] ? " " : "", cur ? cur : "");
	free(a);
	return crm_buf_detach(&b);
}

/* Adds the lines of card k to l; a deal of a closed stage (won, lost)
 * needs no next task, and gets no mark for it. */
static void card_lines(struct board *b, struct lines *l, const struct card *k,
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
		money = money_text(k->value, k->currency);
		add_line(l, "", " ", "", money, width);
		free(money);
	}
}

/* The lines of column c, width wide. */
static void column_lines(struct board *b, const struct column *c,
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
		money = money_text(c->totals[i].sum, c->totals[i].currency);
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
	struct board b = {.cli = cli};
	struct crm_query *q = NULL;
	size_t skip, i;
	time_t as_of;
	bool few;
	int rc;

	pick_pipeline(cli, p, &b.p, &skip);
	if (b.p == NULL)
		return cli_error(cli, CRM_ERR, _("crm.yaml has no pipeline"));
	b.is_default = b.p == crm_config_pipeline(crm_store_config(cli->store),
						  NULL);
	b.limit = (size_t)opt_int(p, "limit", cli->format == FMT_JSON ? 0
					       : CARDS_DEFAULT);
	if (crm_query_parse((const char *const *)p->pos + skip, p->npos - skip,
			    cli->now, &q, &cli->err))
		return cli_usage_fail(cli, cli->cmd);
	b.cols = crm_xcalloc(b.p->nstages, sizeof(*b.cols));
	for (i = 0; i < b.p->nstages; i++)
		b.cols[i].st = &b.p->defs[i];
	as_of = b.as_of = as_of_opt(p);
	/* a past board reads its cards as a whole one does: one by one */
	few = b.limit && (q == NULL || crm_query_empty(q) || as_of);
	if ((!few && (rc = cli_next_tasks_load(cli, &b.next))) ||
	    (rc = board_fill(&b, q, as_of))) {
		rc = rc == CRM_EUSAGE ? cli_usage_fail(cli, cli->cmd)
				      : cli_fail(cli);
		goto out;
	}
	if (cli->format == FMT_JSON)
		board_json(&b);
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
