/*
 * board.c - what crm board shows of a whole pipeline, straight from the
 * index: the count and total per currency of each stage, which the index
 * keeps as deals come and go (stage_totals), and only the first cards of
 * each stage, so that the cost follows neither the number of deals nor
 * the number of cards printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "indexrow.h"

/* The deals of pipeline: named so, or without a pipeline when it is the
 * default one (?1 the name, ?2 whether it is the default). */
#define IN_PIPELINE "type = 2 AND broken IS NULL AND (pipeline = ?1 OR" \
		    " (?2 AND pipeline IS NULL))"

/* Prepares sql on the store's index into *st. */
static int prepare(struct crm_store *s, const char *sql, sqlite3_stmt **st,
		   struct crm_err *err)
{
	sqlite3 *db;
	int rc;

	if ((rc = crm_store_index(s, &db, err)))
		return rc;
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	return CRM_OK;
}

/* Column i of st as text, or NULL. */
static const char *text_at(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int crm_board_totals(struct crm_store *s, const char *pipeline,
		     bool is_default, crm_board_total_cb cb, void *data,
		     struct crm_err *err)
{
	sqlite3_stmt *st;
	int rc;

	/* kept by the index as deals come and go (indexrow.c) */
	if ((rc = prepare(s, "SELECT nullif(stage, ''), nullif(currency, ''),"
			  " sum(n), sum(cents) / 100.0, sum(priced)"
			  " FROM stage_totals WHERE pipeline = ?1 OR"
			  " (?2 AND pipeline = '') GROUP BY stage, currency"
			  " HAVING sum(n) > 0",
			  &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, pipeline, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, is_default);
	while (rc == CRM_OK && sqlite3_step(st) == SQLITE_ROW)
		rc = cb(text_at(st, 0), text_at(st, 1),
			(size_t)sqlite3_column_int64(st, 2),
			sqlite3_column_double(st, 3),
			sqlite3_column_int64(st, 4) > 0, data);
	sqlite3_finalize(st);
	return rc;
}

/* Sets the value of field name of row r to a copy of s (may be NULL). */
static void row_set(struct crm_row *r, const char *name, const char *s)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_ALL, name, false);

	if (f && s)
		r->value[crm_field_index(f)] = crm_xstrdup(s);
}

/* Reads the current card of st into r (crm_rows_free's kind of row). */
static void read_card(sqlite3_stmt *st, struct crm_row *r)
{
	const struct crm_field *co = crm_field_find(CRM_TYPE_ALL, "company",
						    false);

	memset(r, 0, sizeof(*r));
	r->type = CRM_DEAL;
	snprintf(r->id, sizeof(r->id), "%s", text_at(st, 0));
	r->name = text_at(st, 1) ? crm_xstrdup(text_at(st, 1)) : NULL;
	row_set(r, "pipeline", text_at(st, 2));
	row_set(r, "stage", text_at(st, 3));
	row_set(r, "company", text_at(st, 4));
	if (co && text_at(st, 5))
		r->ref_name[crm_field_index(co)] = crm_xstrdup(text_at(st, 5));
	r->has_amount = sqlite3_column_type(st, 6) != SQLITE_NULL;
	r->amount = sqlite3_column_double(st, 6);
	row_set(r, "amount", text_at(st, 6));
	row_set(r, "currency", text_at(st, 7));
	row_set(r, "probability", text_at(st, 8));
	r->updated_at = sqlite3_column_int64(st, 9);
	r->has_active = sqlite3_column_type(st, 10) != SQLITE_NULL;
	r->active_at = sqlite3_column_int64(st, 10);
}

/* The columns of a card, from the records row c. */
#define CARD_COLUMNS "id, name, pipeline, stage, company," \
	" (SELECT name FROM records x WHERE x.id = c.company)," \
	" amount, currency, probability, updated_at, active_at"

/* Passes each row of the bound st to cb as a card. */
static int walk_cards(sqlite3_stmt *st, crm_row_cb cb, void *data)
{
	struct crm_row *r;
	int rc = CRM_OK;

	while (rc == CRM_OK && sqlite3_step(st) == SQLITE_ROW) {
		r = crm_xcalloc(1, sizeof(*r));
		read_card(st, r);
		rc = cb(r, data);
		crm_rows_free(r, 1);
	}
	return rc;
}

/* Every deal of the pipeline, by stage, then name. */
static int all_cards(struct crm_store *s, const char *pipeline,
		     bool is_default, crm_row_cb cb, void *data,
		     struct crm_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prepare(s, "SELECT " CARD_COLUMNS " FROM records c WHERE "
			  IN_PIPELINE " ORDER BY stage, name_fold, id", &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, pipeline, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, is_default);
	rc = walk_cards(st, cb, data);
	sqlite3_finalize(st);
	return rc;
}

int crm_board_cards(struct crm_store *s, const char *pipeline, bool is_default,
		    size_t per_stage, crm_row_cb cb, void *data,
		    struct crm_err *err)
{
	const struct crm_pipeline *p = crm_config_pipeline(&s->cfg, pipeline);
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if (per_stage == 0 || p == NULL)
		return all_cards(s, pipeline, is_default, cb, data, err);
	/* each stage's first cards by name, as crm list orders deals: one
	 * walk of the index of stages and names per stage, not a sort of
	 * the pipeline's every deal (a board shows only its stages) */
	if ((rc = prepare(s, "SELECT " CARD_COLUMNS " FROM records c"
			  " INDEXED BY records_stage_name WHERE " IN_PIPELINE
			  " AND stage = ?4 ORDER BY name_fold, id LIMIT ?3",
			  &st, err)))
		return rc;
	for (i = 0; rc == CRM_OK && i < p->nstages; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, pipeline, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, is_default);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)per_stage);
		sqlite3_bind_text(st, 4, p->stages[i], -1, SQLITE_STATIC);
		rc = walk_cards(st, cb, data);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Field k of facts as a copy into r's field name (nothing when empty). */
static void facts_to_row(struct crm_row *r, const char *facts, size_t k,
			 const char *name)
{
	size_t len;
	const char *v = deal_facts_field(facts, k, &len);
	const struct crm_field *f = crm_field_find(CRM_TYPE_ALL, name, false);

	if (len && f)
		r->value[crm_field_index(f)] = crm_xstrndup(v, len);
}

/* The light row of a deal: its pipeline, stage (then), currency and
 * amount, from its facts. */
static void light_row(struct crm_row *r, const char *facts, const char *stage)
{
	const struct crm_field *sf = crm_field_find(CRM_TYPE_ALL, "stage", false);
	size_t len;
	const char *v;

	memset(r, 0, sizeof(*r));
	r->type = CRM_DEAL;
	facts_to_row(r, facts, 0, "pipeline");
	facts_to_row(r, facts, 4, "currency");
	if (stage[0])
		r->value[crm_field_index(sf)] = crm_xstrdup(stage);
	v = deal_facts_field(facts, 5, &len);
	if ((r->has_amount = len > 0))
		r->amount = (double)strtoll(v, NULL, 10) / 100.0;
}

/* The full card of row rid with card (bound and reset here), its stage
 * the one it was in then. */
static void full_row(sqlite3_stmt *card, sqlite3_int64 rid, const char *stage,
		     struct crm_row *r)
{
	const struct crm_field *sf = crm_field_find(CRM_TYPE_ALL, "stage", false);
	size_t i = crm_field_index(sf);

	sqlite3_reset(card);
	sqlite3_bind_int64(card, 1, rid);
	if (sqlite3_step(card) != SQLITE_ROW) {
		memset(r, 0, sizeof(*r));
		return;
	}
	read_card(card, r);
	free(r->value[i]);
	r->value[i] = stage[0] ? crm_xstrdup(stage) : NULL;
}

/* Passes each row of the bound st (rid, facts) that existed at as_of
 * to cb: as a full card when wants says its stage has room for one,
 * else with its pipeline, stage, currency and amount only. */
static int walk_as_of(sqlite3_stmt *st, sqlite3_stmt *card, time_t as_of,
		      crm_board_wants_cb wants, crm_row_cb cb, void *data)
{
	struct crm_buf stage = {0};
	struct crm_row *r;
	const char *facts, *pl;
	size_t len;
	char *pipe;
	int rc = CRM_OK;

	while (rc == CRM_OK && sqlite3_step(st) == SQLITE_ROW) {
		facts = text_at(st, 1);
		if (facts == NULL || !deal_facts_stage_at(facts, (long long)as_of,
							  &stage))
			continue;
		pl = deal_facts_field(facts, 0, &len);
		pipe = len ? crm_xstrndup(pl, len) : NULL;
		r = crm_xcalloc(1, sizeof(*r));
		if (wants(pipe, stage.s, data))
			full_row(card, sqlite3_column_int64(st, 0), stage.s, r);
		else
			light_row(r, facts, stage.s);
		free(pipe);
		rc = cb(r, data);
		crm_rows_free(r, 1);
	}
	crm_buf_free(&stage);
	return rc;
}

/* A deal of a past board: its row and the stage it was in then. */
struct past {
	sqlite3_int64 rid;
	int stage;           /* its place in the pipeline, -1 none */
};

/* One stage and currency's count and sum in a past board. */
struct past_total {
	int stage;
	char currency[8];
	size_t n, priced;
	long long cents;
};

struct past_board {
	const struct crm_pipeline *p;
	bool is_default;
	struct past *deal;   /* in rising rid, the deals of the pipeline */
	size_t n, cap;
	struct past_total *tot;
	size_t ntot;
	size_t skipped;      /* in stages the pipeline lacks */
};

/* Counts a deal of stage i (-1: unknown) and facts in b's totals. */
static void past_count(struct past_board *b, int i, const char *facts)
{
	const char *cur, *cents;
	size_t len, clen, k;
	struct past_total *t = NULL;

	cur = deal_facts_field(facts, 4, &len);
	cents = deal_facts_field(facts, 5, &clen);
	for (k = 0; k < b->ntot && t == NULL; k++)
		if (b->tot[k].stage == i && strlen(b->tot[k].currency) == len &&
		    strncmp(b->tot[k].currency, cur, len) == 0)
			t = &b->tot[k];
	if (t == NULL) {
		b->tot = crm_xrealloc(b->tot, (b->ntot + 1) * sizeof(*b->tot));
		t = &b->tot[b->ntot++];
		memset(t, 0, sizeof(*t));
		t->stage = i;
		snprintf(t->currency, sizeof(t->currency), "%.*s", (int)len, cur);
	}
	t->n++;
	if (clen) {
		t->priced++;
		t->cents += strtoll(cents, NULL, 10);
	}
}

/* Reads every deal's facts in row order: the past stage of each deal
 * of b's pipeline, and its counts and sums. */
static int past_scan(struct crm_store *s, struct past_board *b, time_t as_of,
		     struct crm_err *err)
{
	struct crm_buf stage = {0}, pipe = {0};
	const char *facts, *v;
	sqlite3_stmt *st;
	size_t len;
	int rc, i;

	if ((rc = prepare(s, "SELECT rid, facts FROM deal_facts", &st, err)))
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		facts = text_at(st, 1);
		v = deal_facts_field(facts, 0, &len);
		if (len ? strlen(b->p->name) != len ||
			  strncmp(v, b->p->name, len) != 0 : !b->is_default)
			continue;
		if (!deal_facts_stage_at(facts, (long long)as_of, &stage))
			continue;
		for (i = (int)b->p->nstages - 1; i >= 0; i--)
			if (strcmp(b->p->stages[i], stage.s) == 0)
				break;
		if (i < 0) {
			b->skipped++;
			continue;
		}
		past_count(b, i, facts);
		if (b->n == b->cap) {
			b->cap = b->cap ? b->cap * 2 : 1024;
			b->deal = crm_xrealloc(b->deal, b->cap * sizeof(*b->deal));
		}
		b->deal[b->n].rid = sqlite3_column_int64(st, 0);
		b->deal[b->n++].stage = i;
	}
	sqlite3_finalize(st);
	crm_buf_free(&stage);
	crm_buf_free(&pipe);
	return CRM_OK;
}

/* The past stage of row rid among b's deals, or -1. */
static int past_stage(const struct past_board *b, sqlite3_int64 rid)
{
	size_t lo = 0, hi = b->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (b->deal[mid].rid < rid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < b->n && b->deal[lo].rid == rid ? b->deal[lo].stage : -1;
}

/* Passes the first per_stage deals by name of each stage (0: all) to
 * cb as cards, their stage the past one: a walk of the index of names,
 * each card read when its stage has room, until every stage is full. */
static int past_cards(struct crm_store *s, const struct past_board *b,
		      size_t per_stage, crm_row_cb cb, void *data,
		      struct crm_err *err)
{
	const struct crm_field *sf = crm_field_find(CRM_TYPE_ALL, "stage", false);
	size_t *kept = crm_xcalloc(b->p->nstages + 1, sizeof(size_t));
	size_t full = 0, want[64] = {0}, k;
	sqlite3_stmt *st = NULL, *card = NULL;
	struct crm_row *r;
	int rc, i;

	for (k = 0; k < b->ntot; k++)
		if (b->tot[k].stage < 64)
			want[b->tot[k].stage] += b->tot[k].n;
	if ((rc = prepare(s, "SELECT rid FROM records INDEXED BY records_name"
			  " WHERE type = 2 ORDER BY name_fold", &st, err)) ||
	    (rc = prepare(s, "SELECT " CARD_COLUMNS " FROM records c"
			  " WHERE c.rid = ?1", &card, err)))
		goto out;
	while (rc == CRM_OK && full < b->p->nstages &&
	       sqlite3_step(st) == SQLITE_ROW) {
		if ((i = past_stage(b, sqlite3_column_int64(st, 0))) < 0 ||
		    (per_stage && kept[i] >= per_stage))
			continue;
		sqlite3_reset(card);
		sqlite3_bind_int64(card, 1, sqlite3_column_int64(st, 0));
		if (sqlite3_step(card) != SQLITE_ROW)
			continue;
		r = crm_xcalloc(1, sizeof(*r));
		read_card(card, r);
		free(r->value[crm_field_index(sf)]);
		r->value[crm_field_index(sf)] = crm_xstrdup(b->p->stages[i]);
		rc = cb(r, data);
		crm_rows_free(r, 1);
		if (++kept[i] == per_stage || (i < 64 && kept[i] == want[i]))
			full++;
	}
	for (k = 0; k < b->p->nstages && k < 64; k++)
		if (want[k] == 0)
			full++;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(card);
	free(kept);
	return rc;
}

/* Orders totals by stage, then currency, as crm_board_totals gives them. */
static int total_cmp(const void *a, const void *b)
{
	const struct past_total *x = a, *y = b;

	if (x->stage != y->stage)
		return x->stage < y->stage ? -1 : 1;
	return strcmp(x->currency, y->currency);
}

int crm_board_past(struct crm_store *s, const char *pipeline, bool is_default,
		   time_t as_of, size_t per_stage, crm_board_total_cb total,
		   crm_row_cb cb, void *data, size_t *skipped,
		   struct crm_err *err)
{
	struct past_board b = {0};
	size_t k;
	int rc;

	b.p = crm_config_pipeline(&s->cfg, pipeline);
	b.is_default = is_default;
	*skipped = 0;
	if (b.p == NULL)
		return CRM_OK;
	if ((rc = past_scan(s, &b, as_of, err)) == CRM_OK) {
		if (b.ntot) /* qsort(NULL, 0) is undefined */
			qsort(b.tot, b.ntot, sizeof(*b.tot), total_cmp);
		for (k = 0; rc == CRM_OK && k < b.ntot; k++)
			rc = total(b.p->stages[b.tot[k].stage],
				   b.tot[k].currency[0] ? b.tot[k].currency : NULL,
				   b.tot[k].n, (double)b.tot[k].cents / 100.0,
				   b.tot[k].priced > 0, data);
		if (rc == CRM_OK)
			rc = past_cards(s, &b, per_stage, cb, data, err);
	}
	*skipped = b.skipped;
	free(b.deal);
	free(b.tot);
	return rc;
}

int crm_board_as_of(struct crm_store *s, const struct crm_query *q,
		    time_t as_of, crm_board_wants_cb wants, crm_row_cb cb,
		    void *data, struct crm_err *err)
{
	struct crm_find f = {0};
	struct crm_buf sql = {0};
	struct crm_sql params = {0};
	sqlite3_stmt *st = NULL, *card = NULL;
	sqlite3 *db;
	int rc;

	f.mask = CRM_TYPE_BIT(CRM_DEAL);
	f.query = q;
	if ((rc = crm_store_index(s, &db, err)))
		goto out;
	if (q == NULL || crm_query_empty(q)) {
		/* by the index of names alone, and the narrow rows: only
		 * deals that parse have facts, and no records row is read */
		crm_buf_adds(&sql, "SELECT r.rid, f.facts FROM records r"
			     " INDEXED BY records_name JOIN deal_facts f"
			     " ON f.rid = r.rid WHERE r.type = 2"
			     " ORDER BY r.name_fold");
	} else {
		crm_buf_adds(&sql, "SELECT r.rid, f.facts FROM records r"
			     " JOIN deal_facts f ON f.rid = r.rid");
		if ((rc = crm_find_where(s, &f, &sql, &params, err)))
			goto out;
		crm_buf_adds(&sql, " ORDER BY r.name_fold, r.id");
	}
	if ((rc = prepare(s, sql.s, &st, err)) ||
	    (rc = prepare(s, "SELECT " CARD_COLUMNS " FROM records c"
			  " WHERE c.rid = ?1", &card, err)))
		goto out;
	crm_sql_bind(st, &params);
	rc = walk_as_of(st, card, as_of, wants, cb, data);
out:
	sqlite3_finalize(st);
	sqlite3_finalize(card);
	crm_buf_free(&sql);
	crm_sql_free(&params);
	return rc;
}
