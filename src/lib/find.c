/*
 * find.c - finding records through the index: lists, searches, the
 * records that refer to one, and the files that do not parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store-internal.h"

/* The columns a row is read from, in struct crm_row order; %s is the
 * text (the record's searchable text, or NULL when nobody needs it). */
static const char *const row_columns =
	"r.type, r.id, r.name, r.owner, r.stage, r.currency, r.role,"
	" r.company, r.contact, r.for_id, r.due, r.phones, r.emails, r.tags,"
	" %s, (SELECT name FROM records x WHERE x.id = r.company),"
	" (SELECT name FROM records x WHERE x.id = r.contact),"
	" (SELECT name FROM records x WHERE x.id = r.for_id),"
	" r.amount, r.updated_at";

/* Sort keys users may name, and the expression each sorts by. */
static const struct {
	const char *field;
	const char *expr;
} sort_keys[] = {
	{"name", "r.name_fold"}, {"id", "r.id"}, {"owner", "r.owner"},
	{"stage", "r.stage"}, {"pipeline", "r.pipeline"},
	{"source", "r.source"}, {"role", "r.role"}, {"currency", "r.currency"},
	{"amount", "r.amount"}, {"company", "r.company"},
	{"contact", "r.contact"}, {"for", "r.for_id"}, {"due", "r.due_at"},
	{"birthday", "r.birthday"}, {"created", "r.created_at"},
	{"updated", "r.updated_at"}, {"phones", "r.phones"},
	{"emails", "r.emails"}, {"tags", "r.tags"},
};

#define NSORT (sizeof(sort_keys) / sizeof(sort_keys[0]))

const char *crm_find_sort_field(size_t i)
{
	return i < NSORT ? sort_keys[i].field : NULL;
}

/* A copy of column i of st, or NULL. */
static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? crm_xstrdup((const char *)t) : NULL;
}

/* Number of string fields of a row. */
#define ROW_STRINGS 16

/* The addresses of r's string fields, in row_columns order from column 2. */
static void row_strings(struct crm_row *r, char **out[ROW_STRINGS])
{
	char **cols[ROW_STRINGS] = {
		&r->name, &r->owner, &r->stage, &r->currency, &r->role,
		&r->company, &r->contact, &r->for_id, &r->due, &r->phones,
		&r->emails, &r->tags, &r->text, &r->company_name,
		&r->contact_name, &r->for_name,
	};

	memcpy(out, cols, sizeof(cols));
}

/* Reads the current row of st into r. */
static void read_row(sqlite3_stmt *st, struct crm_row *r)
{
	char **cols[ROW_STRINGS];
	size_t i;

	memset(r, 0, sizeof(*r));
	row_strings(r, cols);
	r->type = (enum crm_type)sqlite3_column_int(st, 0);
	snprintf(r->id, sizeof(r->id), "%s", sqlite3_column_text(st, 1));
	for (i = 0; i < ROW_STRINGS; i++)
		*cols[i] = col_dup(st, (int)i + 2);
	r->has_amount = sqlite3_column_type(st, 18) != SQLITE_NULL;
	r->amount = sqlite3_column_double(st, 18);
	r->updated_at = sqlite3_column_int64(st, 19);
}

/* Frees the strings of one row. */
static void row_clear(struct crm_row *r)
{
	char **cols[ROW_STRINGS];
	size_t i;

	row_strings(r, cols);
	for (i = 0; i < ROW_STRINGS; i++) {
		free(*cols[i]);
		*cols[i] = NULL;
	}
}

void crm_rows_free(struct crm_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		row_clear(&rows[i]);
	free(rows);
}

void crm_words_free(char **words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(words[i]);
	free(words);
}

/* Query environment callbacks: references and custom fields. */
struct env_data {
	struct crm_store *s;
	sqlite3 *db;
};

static int env_resolve(const char *ref, unsigned mask,
		       char id[CRM_ID_LEN + 1], void *data, struct crm_err *err)
{
	struct env_data *e = data;
	enum crm_type t;

	/* as on the command line: a company preferred among several types */
	if (mask & CRM_TYPE_BIT(CRM_COMPANY))
		mask |= CRM_PREFER(CRM_COMPANY);
	return crm_store_resolve(e->s, mask, ref, &t, id, NULL, NULL, err);
}

static bool env_custom(const char *key, void *data)
{
	struct env_data *e = data;
	sqlite3_stmt *st;
	bool found = false;

	if (sqlite3_prepare_v2(e->db, "SELECT 1 FROM fields WHERE key = ?1 LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* Appends a text parameter to sql. */
static void add_param(struct crm_sql *sql, const char *text)
{
	if (sql->nparams == sql->cap) {
		sql->cap = sql->cap ? sql->cap * 2 : 8;
		sql->params = crm_xrealloc(sql->params,
					   sql->cap * sizeof(*sql->params));
	}
	memset(&sql->params[sql->nparams], 0, sizeof(*sql->params));
	sql->params[sql->nparams++].text = crm_xstrdup(text);
}

/*
 * Appends to out the rank of r's stage in pipeline order: pipelines in
 * the order of crm.yaml, each one's stages in theirs (a deal without a
 * pipeline is in the default one); stages crm.yaml does not have rank
 * after all the others.  The names are parameters appended to sql.
 */
static void stage_rank(const struct crm_config *cfg, struct crm_sql *sql,
		       struct crm_buf *out)
{
	const struct crm_pipeline *def = crm_config_pipeline(cfg, NULL);
	size_t p, i, rank = 0, defp;

	if (def == NULL) {
		crm_buf_adds(out, "r.stage");
		return;
	}
	add_param(sql, def->name);
	defp = sql->nparams;
	crm_buf_adds(out, "CASE");
	for (p = 0; p < cfg->npipelines; p++) {
		for (i = 0; i < cfg->pipelines[p].nstages; i++) {
			add_param(sql, cfg->pipelines[p].name);
			add_param(sql, cfg->pipelines[p].stages[i]);
			crm_buf_addf(out, " WHEN coalesce(r.pipeline, ?%zu) = ?%zu"
				     " AND r.stage = ?%zu THEN %zu", defp,
				     sql->nparams - 1, sql->nparams, rank++);
		}
	}
	crm_buf_addf(out, " ELSE %zu END", rank);
}

/* The ORDER BY of --sort stage: deals in pipeline order, records
 * without a stage last, unknown stages by name after the known. */
static void order_by_stage(const struct crm_find *f, struct env_data *env,
			   struct crm_sql *sql, struct crm_buf *out)
{
	const char *dir = f->reverse ? " DESC" : "";

	crm_buf_adds(out, " ORDER BY r.stage IS NULL, ");
	stage_rank(crm_store_config(env->s), sql, out);
	crm_buf_addf(out, "%s, r.stage%s, r.name_fold%s, r.id%s", dir, dir, dir,
		     dir);
}

/* The ORDER BY expression for f (appends its parameters to sql). */
static int order_by(const struct crm_find *f, struct env_data *env,
		    struct crm_sql *sql, struct crm_buf *out,
		    struct crm_err *err)
{
	const char *names[NSORT], *hint;
	const char *dir = f->reverse ? " DESC" : "";
	size_t i;

	if (f->rank && f->sort == NULL) {
		/* names holding every word first; not "(1)" alone, which
		 * SQLite would take for the first column */
		crm_buf_adds(out, " ORDER BY ");
		for (i = 0; i < sql->nwords; i++) {
			add_param(sql, sql->words[i]);
			crm_buf_addf(out, "%sinstr(r.name_fold, ?%zu) > 0",
				     i ? " AND " : "(", sql->nparams);
		}
		crm_buf_addf(out, "%sr.updated_at DESC, r.id",
			     sql->nwords ? ") DESC, " : "");
		return CRM_OK;
	}
	if (f->sort && strcmp(f->sort, "stage") == 0) {
		order_by_stage(f, env, sql, out);
		return CRM_OK;
	}
	for (i = 0; i < NSORT; i++) {
		names[i] = sort_keys[i].field;
		if (strcmp(f->sort ? f->sort : "name", sort_keys[i].field) == 0) {
			crm_buf_addf(out, " ORDER BY %s IS NULL, %s%s, r.id%s",
				     sort_keys[i].expr, sort_keys[i].expr, dir, dir);
			return CRM_OK;
		}
	}
	if (env_custom(f->sort, env)) {
		add_param(sql, f->sort);
		crm_buf_addf(out, " ORDER BY (SELECT value FROM fields s WHERE"
			     " s.rid = r.rid AND s.key = ?%zu)%s, r.id%s",
			     sql->nparams, dir, dir);
		return CRM_OK;
	}
	hint = crm_suggest(f->sort, names, NSORT);
	if (hint)
		return crm_seterr(err, CRM_EUSAGE,
				  _("unknown field '%s' (did you mean '%s'?)"),
				  f->sort, hint);
	return crm_seterr(err, CRM_EUSAGE, _("unknown field '%s'"), f->sort);
}

/* Builds the WHERE clause of f into out, parameters into sql. */
static int where_clause(const struct crm_find *f, struct env_data *env,
			struct crm_sql *sql, struct crm_buf *out,
			struct crm_err *err)
{
	struct crm_query_env qenv = {env_resolve, env_custom, env, f->mask,
				     env->s->cfg.default_region};
	int rc;

	int t;
	bool first = true;

	crm_buf_adds(out, " WHERE r.broken IS NULL AND r.type IN (");
	for (t = 0; t < CRM_NTYPES; t++) {
		if (!(f->mask & CRM_TYPE_BIT(t)))
			continue;
		crm_buf_addf(out, "%s%d", first ? "" : ", ", t);
		first = false;
	}
	crm_buf_adds(out, first ? "-1)" : ")");
	if (f->query && !crm_query_empty(f->query)) {
		if ((rc = crm_query_sql(f->query, &qenv, sql, err)))
			return rc;
		crm_buf_addf(out, " AND (%s)", sql->where.s);
	}
	if (f->refers_to) {
		add_param(sql, f->refers_to);
		crm_buf_addf(out, " AND (r.company = ?%zu OR r.contact = ?%zu"
			     " OR r.for_id = ?%zu", sql->nparams, sql->nparams,
			     sql->nparams);
		if (f->indirect)
			crm_buf_addf(out, " OR r.contact IN (SELECT k.id FROM"
				     " records k WHERE k.company = ?%zu)"
				     " OR r.for_id IN (SELECT k.id FROM records"
				     " k WHERE k.company = ?%zu OR k.contact ="
				     " ?%zu OR k.contact IN (SELECT j.id FROM"
				     " records j WHERE j.company = ?%zu))",
				     sql->nparams, sql->nparams, sql->nparams,
				     sql->nparams);
		crm_buf_adds(out, ")");
	}
	return CRM_OK;
}

/* Binds sql's parameters to st. */
static void bind_params(sqlite3_stmt *st, const struct crm_sql *sql)
{
	size_t i;

	for (i = 0; i < sql->nparams; i++) {
		if (sql->params[i].is_num)
			sqlite3_bind_double(st, (int)i + 1, sql->params[i].num);
		else
			sqlite3_bind_text(st, (int)i + 1, sql->params[i].text, -1,
					  SQLITE_STATIC);
	}
}

/* The error of a select that failed in its step: a bad regular
 * expression is the user's, anything else the index's. */
static int step_error(sqlite3 *db, struct crm_err *err)
{
	return crm_seterr(err, strstr(sqlite3_errmsg(db), "regular")
			  ? CRM_EUSAGE : CRM_ERR,
			  _("query: %s"), sqlite3_errmsg(db));
}

/* Prepares sql_text and binds sql's parameters to it. */
static int prepare(sqlite3 *db, const char *sql_text, const struct crm_sql *sql,
		   sqlite3_stmt **st, struct crm_err *err)
{
	if (sqlite3_prepare_v2(db, sql_text, -1, st, NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"), sqlite3_errmsg(db));
	if (sql)
		bind_params(*st, sql);
	return CRM_OK;
}

/* Runs the select of whole rows, passing each to cb; *total gets how many
 * were passed. */
static int select_each(sqlite3 *db, const char *sql_text,
		       const struct crm_sql *sql, crm_row_cb cb, void *data,
		       size_t *total, struct crm_err *err)
{
	sqlite3_stmt *st = NULL;
	struct crm_row row;
	int rc, stop = 0;

	*total = 0;
	if ((rc = prepare(db, sql_text, sql, &st, err)))
		return rc;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, &row);
		(*total)++;
		stop = cb(&row, data);
		row_clear(&row);
	}
	rc = stop || rc == SQLITE_DONE ? CRM_OK : step_error(db, err);
	sqlite3_finalize(st);
	return rc;
}

/* Runs the select of row ids in order, keeping the first limit of them in
 * *rids (caller frees) and counting them all into *total: one pass, so
 * that the rows beyond the limit cost no second query and no columns. */
static int select_first_rids(sqlite3 *db, const char *sql_text,
			     const struct crm_sql *sql, size_t limit,
			     sqlite3_int64 **rids, size_t *total,
			     struct crm_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	*total = 0;
	if ((rc = prepare(db, sql_text, sql, &st, err)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*total < limit && *total == cap) {
			cap = cap ? cap * 2 : 64;
			*rids = crm_xrealloc(*rids, cap * sizeof(**rids));
		}
		if (*total < limit)
			(*rids)[*total] = sqlite3_column_int64(st, 0);
		(*total)++;
	}
	rc = rc == SQLITE_DONE ? CRM_OK : step_error(db, err);
	sqlite3_finalize(st);
	return rc;
}

/* Rows read ahead before any is passed on: damage met in the index while
 * reading them is found before anything is shown, so the query can be
 * run again on a rebuilt index. */
#define READ_AHEAD 1000

/* Reads the rows of rids[0..n) with the prepared select of one row by
 * its rid into rows; false on an error of the index. */
static bool read_rids(sqlite3_stmt *st, const sqlite3_int64 *rids, size_t n,
		      struct crm_row *rows, size_t *nrows)
{
	size_t i;
	int rc;

	*nrows = 0;
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, rids[i]);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			read_row(st, &rows[(*nrows)++]);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return false;
	}
	return true;
}

/* Reads the rows of rids[0..n) with the select of one row by its rid
 * (?1), passing each to cb, READ_AHEAD at a time. */
static int select_rids(sqlite3 *db, const char *sql_text,
		       const sqlite3_int64 *rids, size_t n, crm_row_cb cb,
		       void *data, struct crm_err *err)
{
	struct crm_row *rows = crm_xcalloc(n < READ_AHEAD ? n + 1 : READ_AHEAD,
					   sizeof(*rows));
	sqlite3_stmt *st = NULL;
	size_t i, j, nrows, batch;
	int rc, stop = 0;

	if ((rc = prepare(db, sql_text, NULL, &st, err))) {
		free(rows);
		return rc;
	}
	for (i = 0; i < n && !stop && rc == CRM_OK; i += batch) {
		batch = n - i < READ_AHEAD ? n - i : READ_AHEAD;
		if (!read_rids(st, rids + i, batch, rows, &nrows))
			rc = step_error(db, err);
		for (j = 0; j < nrows; j++) {
			if (rc == CRM_OK && !stop)
				stop = cb(&rows[j], data);
			row_clear(&rows[j]);
		}
	}
	sqlite3_finalize(st);
	free(rows);
	return rc;
}

/* The rows of a limited find: their ids in order and the count in one
 * pass, then the columns of the rows shown. */
static int find_limited(sqlite3 *db, const struct crm_find *f,
			const char *where, const char *order,
			const struct crm_sql *sql, crm_row_cb cb, void *data,
			size_t *total, struct crm_err *err)
{
	struct crm_buf q = {0};
	sqlite3_int64 *rids = NULL;
	int rc;

	/* one snapshot for the ids and the rows read after them */
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	crm_buf_addf(&q, "SELECT r.rid FROM records r%s%s", where, order);
	rc = select_first_rids(db, q.s, sql, f->limit, &rids, total, err);
	crm_buf_free(&q);
	crm_buf_adds(&q, "SELECT ");
	crm_buf_addf(&q, row_columns, f->rank ? CRM_TEXT_OF_R : "NULL");
	crm_buf_adds(&q, " FROM records r WHERE r.rid = ?1");
	if (rc == CRM_OK)
		rc = select_rids(db, q.s, rids, *total < f->limit ? *total
				 : f->limit, cb, data, err);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	crm_buf_free(&q);
	free(rids);
	return rc;
}

/* The rows of a find without a limit, streamed in one select. */
static int find_all(sqlite3 *db, const struct crm_find *f, const char *where,
		    const char *order, const struct crm_sql *sql,
		    crm_row_cb cb, void *data, size_t *total,
		    struct crm_err *err)
{
	struct crm_buf q = {0};
	int rc;

	crm_buf_adds(&q, "SELECT ");
	crm_buf_addf(&q, row_columns, f->rank ? CRM_TEXT_OF_R : "NULL");
	crm_buf_addf(&q, " FROM records r%s%s", where, order);
	rc = select_each(db, q.s, sql, cb, data, total, err);
	crm_buf_free(&q);
	return rc;
}

/* One attempt of crm_find_each. */
static int find_each_once(struct crm_store *s, const struct crm_find *f,
			  crm_row_cb cb, void *data, size_t *total,
			  char ***words, size_t *nwords, struct crm_err *err)
{
	struct crm_sql sql = {0};
	struct crm_buf where = {0}, order = {0};
	struct env_data env = {s, NULL};
	int rc;

	if ((rc = crm_store_index(s, &env.db, err)))
		return rc;
	if ((rc = where_clause(f, &env, &sql, &where, err)) ||
	    (rc = order_by(f, &env, &sql, &order, err)))
		goto out;
	*total = 0;
	if (f->mask == 0)
		rc = CRM_OK; /* no type: nothing to read, the query checked */
	else if (f->limit)
		rc = find_limited(env.db, f, where.s, order.s, &sql, cb, data,
				  total, err);
	else
		rc = find_all(env.db, f, where.s, order.s, &sql, cb, data,
			      total, err);
	if (rc == CRM_OK && words) {
		*words = sql.words;
		*nwords = sql.nwords;
		sql.words = NULL;
		sql.nwords = 0;
	}
out:
	crm_buf_free(&where);
	crm_buf_free(&order);
	crm_sql_free(&sql);
	return rc;
}

/* Counts the rows passed on, so that a failed query is retried only
 * when nobody has seen any of its rows. */
struct counting {
	crm_row_cb cb;
	void *data;
	size_t seen;
};

static int counting_cb(const struct crm_row *row, void *data)
{
	struct counting *c = data;

	c->seen++;
	return c->cb(row, c->data);
}

int crm_find_each(struct crm_store *s, const struct crm_find *f,
		  crm_row_cb cb, void *data, size_t *total, char ***words,
		  size_t *nwords, struct crm_err *err)
{
	struct counting c = {cb, data, 0};
	int rc = find_each_once(s, f, counting_cb, &c, total, words, nwords,
				err);

	/* damage on a page only this query read: rebuild, and try again
	 * when nothing has been passed on yet */
	if (rc == CRM_ERR && crm_index_discard_if_corrupt(s) && c.seen == 0)
		rc = find_each_once(s, f, counting_cb, &c, total, words, nwords,
				    err);
	return rc;
}

/* Rows collected by crm_find_rows. */
struct collected {
	struct crm_row *rows;
	size_t n, cap;
};

/* Callback of crm_find_rows: keeps a copy of the row. */
static int collect_row(const struct crm_row *r, void *data)
{
	struct collected *c = data;
	char **cols[ROW_STRINGS];
	struct crm_row *d;
	size_t i;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->rows = crm_xrealloc(c->rows, c->cap * sizeof(*c->rows));
	}
	d = &c->rows[c->n++];
	*d = *r;
	row_strings(d, cols);
	for (i = 0; i < ROW_STRINGS; i++)
		if (*cols[i])
			*cols[i] = crm_xstrdup(*cols[i]);
	return 0;
}

int crm_find_rows(struct crm_store *s, const struct crm_find *f,
		  struct crm_row **rows, size_t *n, size_t *total,
		  struct crm_err *err)
{
	struct collected c = {0};
	int rc = crm_find_each(s, f, collect_row, &c, total, NULL, NULL, err);

	if (rc) {
		crm_rows_free(c.rows, c.n);
		c.rows = NULL;
		c.n = 0;
	}
	*rows = c.rows;
	*n = c.n;
	return rc;
}

int crm_find_broken(struct crm_store *s, unsigned mask,
		    struct crm_broken **out, size_t *n, struct crm_err *err)
{
	enum crm_type t;
	char path[64];
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = crm_store_index(s, &db, err)))
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT type, id, broken FROM records"
			       " INDEXED BY records_broken"
			       " WHERE broken IS NOT NULL", -1, &st,
			       NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"), sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		t = (enum crm_type)sqlite3_column_int(st, 0);
		if (!(mask & CRM_TYPE_BIT(t)) ||
		    !crm_record_path(t, (const char *)sqlite3_column_text(st, 1),
				     path, sizeof(path)))
			continue;
		*out = crm_xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].path = crm_xstrdup(path);
		(*out)[*n].error = col_dup(st, 2);
		(*n)++;
	}
	sqlite3_finalize(st);
	return CRM_OK;
}

int crm_find_custom_keys(struct crm_store *s, enum crm_type t, char ***keys,
			 size_t *n, struct crm_err *err)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db;
	int rc;

	*keys = NULL;
	*n = 0;
	if ((rc = crm_store_index(s, &db, err)) ||
	    (rc = prepare(db, "SELECT DISTINCT f.key FROM fields f"
			  " JOIN records r ON r.rid = f.rid"
			  " WHERE r.type = ?1 AND r.broken IS NULL ORDER BY f.key",
			  NULL, &st, err)))
		return rc;
	sqlite3_bind_int(st, 1, (int)t);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*keys = crm_xrealloc(*keys, (*n + 1) * sizeof(**keys));
		(*keys)[(*n)++] = col_dup(st, 0);
	}
	rc = rc == SQLITE_DONE ? CRM_OK : step_error(db, err);
	sqlite3_finalize(st);
	if (rc) {
		crm_words_free(*keys, *n);
		*keys = NULL;
		*n = 0;
	}
	return rc;
}

void crm_broken_free(struct crm_broken *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(b[i].path);
		free(b[i].error);
	}
	free(b);
}

/* The most custom field names crm_find_field_names() returns. */
#define MAX_FIELD_NAMES 512

int crm_find_field_names(struct crm_store *s, char ***out, size_t *n,
			 struct crm_err *err)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *last = crm_xstrdup("");
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = crm_store_index(s, &db, err))) {
		free(last);
		return rc;
	}
	/* one index seek a name: the names are few, the rows may be many */
	if (sqlite3_prepare_v2(db, "SELECT key FROM fields WHERE key > ?1"
			       " ORDER BY key LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK) {
		free(last);
		return crm_seterr(err, CRM_ERR, _("index: %s"), sqlite3_errmsg(db));
	}
	while (*n < MAX_FIELD_NAMES) {
		sqlite3_bind_text(st, 1, last, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_ROW)
			break;
		free(last);
		last = col_dup(st, 0);
		*out = crm_xrealloc(*out, (*n + 1) * sizeof(char *));
		(*out)[(*n)++] = crm_xstrdup(last);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	free(last);
	return CRM_OK;
}
