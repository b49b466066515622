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

/* The columns of a card from the records row r, then its facts. */
#define AS_OF_COLUMNS "r.id, r.name, r.pipeline, r.stage, r.company," \
	" (SELECT name FROM records x WHERE x.id = r.company)," \
	" r.amount, r.currency, r.probability, r.updated_at, r.active_at," \
	" f.facts"

/* Passes each row of the bound st that existed at as_of to cb as a
 * card, its stage the one it was in then. */
static int walk_as_of(sqlite3_stmt *st, time_t as_of, crm_row_cb cb,
		      void *data)
{
	const struct crm_field *sf = crm_field_find(CRM_TYPE_ALL, "stage",
						    false);
	struct crm_buf stage = {0};
	struct crm_row *r;
	int rc = CRM_OK;
	size_t i = crm_field_index(sf);

	while (rc == CRM_OK && sqlite3_step(st) == SQLITE_ROW) {
		if (!deal_facts_stage_at(text_at(st, 11), (long long)as_of,
					 &stage))
			continue;
		r = crm_xcalloc(1, sizeof(*r));
		read_card(st, r);
		free(r->value[i]);
		r->value[i] = stage.len ? crm_xstrdup(stage.s) : NULL;
		rc = cb(r, data);
		crm_rows_free(r, 1);
	}
	crm_buf_free(&stage);
	return rc;
}

int crm_board_as_of(struct crm_store *s, const struct crm_query *q,
		    time_t as_of, crm_row_cb cb, void *data,
		    struct crm_err *err)
{
	struct crm_find f = {0};
	struct crm_buf sql = {0};
	struct crm_sql params = {0};
	sqlite3_stmt *st = NULL;
	sqlite3 *db;
	int rc;

	f.mask = CRM_TYPE_BIT(CRM_DEAL);
	f.query = q;
	crm_buf_adds(&sql, "SELECT " AS_OF_COLUMNS " FROM records r"
		     " JOIN deal_facts f ON f.rid = r.rid");
	if ((rc = crm_store_index(s, &db, err)) ||
	    (rc = crm_find_where(s, &f, &sql, &params, err)))
		goto out;
	crm_buf_adds(&sql, " ORDER BY r.name_fold, r.id");
	if (sqlite3_prepare_v2(db, sql.s, -1, &st, NULL) != SQLITE_OK) {
		rc = crm_seterr(err, CRM_ERR, _("index: %s"), sqlite3_errmsg(db));
		goto out;
	}
	crm_sql_bind(st, &params);
	rc = walk_as_of(st, as_of, cb, data);
out:
	sqlite3_finalize(st);
	crm_buf_free(&sql);
	crm_sql_free(&params);
	return rc;
}
