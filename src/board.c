/*
 * board.c - gathers crm board's model (board.h): the counts and totals
 * of a whole pipeline from the index's grouped totals and only the first
 * cards of each stage, or, for a query, the deals it selects one by one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

/* Adds amount v in currency cur (may be NULL: "") to c's totals. */
static void add_total(struct board_column *c, const char *cur, double v)
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
static void fill_card(struct board *b, struct board_card *k,
		      const struct crm_row *r, const struct crm_stage *st)
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
static struct board_column *column_of(struct board *b, const char *stage)
{
	size_t i;

	for (i = 0; stage && i < b->p->nstages; i++)
		if (strcmp(b->p->stages[i], stage) == 0)
			return &b->cols[i];
	return NULL;
}

/* Keeps the card of deal r in column c while it has room. */
static void keep_card(struct board *b, struct board_column *c,
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
	struct board_column *c;

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
	struct board_column *c;

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
	struct board_column *c = column_of(b, stage);

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
	struct board_column *c = column_of(b, crm_row_get(r, "stage"));

	if (c)
		keep_card(b, c, r);
	return 0;
}

/* Fills the board: the whole pipeline from the index's grouped counts
 * and first cards, or the deals q selects one by one; with b->as_of
 * each deal as it stood then (the whole pipeline's in one pass, its
 * first cards only). */
static int board_fill(struct board *b, const struct crm_query *q)
{
	struct cli *cli = b->cli;
	struct crm_find f = {0};
	size_t total;

	size_t skipped;
	int rc;

	if (b->as_of && (q == NULL || crm_query_empty(q)) && b->limit) {
		rc = crm_board_past(cli->store, b->p->name, b->is_default,
				    b->as_of, b->limit, board_total, board_card,
				    b, &skipped, &cli->err);
		b->skipped += skipped;
		return rc;
	}
	if (b->as_of)
		return crm_board_as_of(cli->store, q, b->as_of, board_wants,
				       board_row, b, &cli->err);
	if (q == NULL || crm_query_empty(q)) {
		rc = crm_board_totals(cli->store, b->p->name, b->is_default,
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

int board_gather(struct cli *cli, const struct crm_pipeline *p,
		 const struct crm_query *q, size_t limit, time_t as_of,
		 struct board *b)
{
	bool whole = q == NULL || crm_query_empty(q);
	size_t i;
	int rc;

	memset(b, 0, sizeof(*b));
	b->cli = cli;
	b->p = p;
	b->is_default = p == crm_config_pipeline(crm_store_config(cli->store),
						 NULL);
	b->limit = limit;
	b->as_of = as_of;
	b->cols = crm_xcalloc(p->nstages, sizeof(*b->cols));
	for (i = 0; i < p->nstages; i++)
		b->cols[i].st = &p->defs[i];
	/* few cards: each one's next task looked up as it comes (a past
	 * board reads its cards as a whole one does: one by one) */
	if (!(limit && (whole || as_of)) &&
	    (rc = cli_next_tasks_load(cli, &b->next)))
		return rc;
	return board_fill(b, q);
}

void board_free(struct board *b)
{
	struct board_card *k;
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
	b->cols = NULL;
	b->next = NULL;
}
