/*
 * find.c - finding records through the index: lists, searches, the
 * records that refer to one, and the files that do not parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>
#include <sqlite3.h>

#include "store-internal.h"

/* The columns a row is read from: type, id, name, %s (the record's
 * searchable text, or NULL when nobody needs it), amount, updated_at,
 * then the column of each registered field that has one, then the name
 * of the record each reference names.  Made once, from the registry. */
static char *row_columns;
static pthread_once_t row_columns_once = PTHREAD_ONCE_INIT;

/* The first of row_columns' field columns. */
#define ROW_FIELD_COL 6

/* Fills row_columns (pthread_once). */
static void make_row_columns(void)
{
	struct crm_buf b = {0};
	const struct crm_field *f;
	size_t i;

	crm_buf_adds(&b, "r.type, r.id, r.name, %s, r.amount, r.updated_at");
	for (i = 0; (f = crm_field_at(i)) != NULL; i++)
		if (f->column)
			crm_buf_addf(&b, ", r.%s", f->column);
	for (i = 0; (f = crm_field_at(i)) != NULL; i++)
		if (f->column && f->kind == CRM_FIELD_REF)
			crm_buf_addf(&b, ", (SELECT name FROM records x"
				     " WHERE x.id = r.%s)", f->column);
	row_columns = crm_buf_detach(&b);
}

/* Appends the columns a row is read from to q, with text as the text. */
static void add_row_columns(struct crm_buf *q, const char *text)
{
	pthread_once(&row_columns_once, make_row_columns);
	crm_buf_addf(q, row_columns, text);
}

/* The expression sorting by the registered field f sorts by; NULL when
 * the index keeps no column of it. */
static const char *sort_expr(const struct crm_field *f, char *buf,
			     size_t size)
{
	const char *col = f->time_column ? f->time_column : f->column;

	if (f->kind == CRM_FIELD_NAME)
		col = "name_fold";
	else if (f->kind == CRM_FIELD_ID)
		col = "id";
	if (col == NULL)
		return NULL;
	snprintf(buf, size, "r.%s", col);
	return buf;
}

const char *crm_find_sort_field(size_t i)
{
	const struct crm_field *f;
	char buf[64];
	size_t k, n = 0;

	for (k = 0; (f = crm_field_at(k)) != NULL; k++)
		if (sort_expr(f, buf, sizeof(buf)) && n++ == i)
			return f->name;
	return NULL;
}

/* A copy of column i of st, or NULL. */
static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? crm_xstrdup((const char *)t) : NULL;
}

/* Reads the current row of st (add_row_columns) into r. */
static void read_row(sqlite3_stmt *st, struct crm_row *r)
{
	const struct crm_field *f;
	size_t i;
	int col = ROW_FIELD_COL;

	memset(r, 0, sizeof(*r));
	r->type = (enum crm_type)sqlite3_column_int(st, 0);
	snprintf(r->id, sizeof(r->id), "%s", sqlite3_column_text(st, 1));
	r->name = col_dup(st, 2);
	r->text = col_dup(st, 3);
	r->has_amount = sqlite3_column_type(st, 4) != SQLITE_NULL;
	r->amount = sqlite3_column_double(st, 4);
	r->updated_at = sqlite3_column_int64(st, 5);
	for (i = 0; (f = crm_field_at(i)) != NULL; i++)
		if (f->column)
			r->value[i] = col_dup(st, col++);
	for (i = 0; (f = crm_field_at(i)) != NULL; i++)
		if (f->column && f->kind == CRM_FIELD_REF)
			r->ref_name[i] = col_dup(st, col++);
}

/* Frees the strings of one row. */
static void row_clear(struct crm_row *r)
{
	size_t i;

	free(r->name);
	free(r->text);
	for (i = 0; i < CRM_FIELDS_MAX; i++) {
		free(r->value[i]);
		free(r->ref_name[i]);
	}
	memset(r, 0, sizeof(*r));
}

const char *crm_row_get(const struct crm_row *r, const char *field)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_ALL, field, false);

	return f ? r->value[crm_field_index(f)] : NULL;
}

const char *crm_row_ref_name(const struct crm_row *r, const char *field)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_ALL, field, false);

	return f ? r->ref_name[crm_field_index(f)] : NULL;
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
	struct crm_err merr = {0};
	int rc;

	if (mask & CRM_TYPE_BIT(CRM_COMPANY))
		mask |= CRM_PREFER(CRM_COMPANY);
	rc = crm_store_resolve(e->s, mask, ref, &t, id, NULL, NULL, err);
	/* the id of a record merged into another names that one */
	if (rc == CRM_ENOTFOUND &&
	    crm_store_resolve_merged(e->s, mask, ref, &t, id, &merr) == CRM_OK)
		return CRM_OK;
	return rc;
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
	const char *names[CRM_FIELDS_MAX], *hint, *expr;
	const char *dir = f->reverse ? " DESC" : "";
	const struct crm_field *field;
	char buf[64];
	size_t i, n = 0;

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
	for (i = 0; (field = crm_field_at(i)) != NULL; i++) {
		if ((expr = sort_expr(field, buf, sizeof(buf))) == NULL)
			continue;
		names[n++] = field->name;
		if (strcmp(f->sort ? f->sort : "name", field->name) != 0)
			continue;
		/* empty values last; a name and an id are never empty, and
		 * without the test the index of names gives the order */
		if (field->kind != CRM_FIELD_NAME && field->kind != CRM_FIELD_ID)
			crm_buf_addf(out, " ORDER BY %s IS NULL, ", expr);
		else
			crm_buf_adds(out, " ORDER BY ");
		crm_buf_addf(out, "%s%s, r.id%s", expr, dir, dir);
		return CRM_OK;
	}
	if (env_custom(f->sort, env)) {
		add_param(sql, f->sort);
		crm_buf_addf(out, " ORDER BY (SELECT value FROM fields s WHERE"
			     " s.rid = r.rid AND s.key = ?%zu)%s, r.id%s",
			     sql->nparams, dir, dir);
		return CRM_OK;
	}
	hint = crm_suggest(f->sort, names, n);
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
				     env->s->cfg.default_region, &env->s->cfg};
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
		/* the rows found through the indexes on references, by row
		 * id: as a plain condition, a sort the index of dues can give
		 * made SQLite walk every task of the store instead */
		add_param(sql, f->refers_to);
		crm_buf_addf(out, " AND r.rid IN (SELECT x.rid FROM records x"
			     " WHERE x.company = ?%zu OR x.contact = ?%zu"
			     " OR x.for_id = ?%zu", sql->nparams, sql->nparams,
			     sql->nparams);
		if (f->indirect)
			crm_buf_addf(out, " OR x.contact IN (SELECT k.id FROM"
				     " records k WHERE k.company = ?%zu)"
				     " OR x.for_id IN (SELECT k.id FROM records"
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

void crm_sql_bind(sqlite3_stmt *st, const struct crm_sql *sql)
{
	bind_params(st, sql);
}

int crm_find_where(struct crm_store *s, const struct crm_find *f,
		   struct crm_buf *where, struct crm_sql *sql,
		   struct crm_err *err)
{
	struct env_data env = {s, NULL};
	int rc;

	if ((rc = crm_store_index(s, &env.db, err)))
		return rc;
	return where_clause(f, &env, sql, where, err);
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

/* Ends the read snapshot of a limited find, unless the index was found
 * damaged: ending it would clear the error crm_find_each looks at to
 * rebuild the index (which closes the snapshot with it). */
static void end_snapshot(sqlite3 *db)
{
	int e = sqlite3_errcode(db) & 0xff;

	if (e != SQLITE_CORRUPT && e != SQLITE_NOTADB)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
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

/* The rows of a limited find: their ids in order (and, with f->count,
 * the count of all in the same pass), then the columns of the rows
 * shown.  Without a count, the select has the limit, so that an index
 * in the order asked for (names, ids) gives the first rows without
 * sorting every match. */
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
	if (!f->count)
		crm_buf_addf(&q, " LIMIT %zu", f->limit);
	rc = select_first_rids(db, q.s, sql, f->limit, &rids, total, err);
	crm_buf_free(&q);
	crm_buf_adds(&q, "SELECT ");
	add_row_columns(&q, f->rank ? CRM_TEXT_OF_R : "NULL");
	crm_buf_adds(&q, " FROM records r WHERE r.rid = ?1");
	if (rc == CRM_OK)
		rc = select_rids(db, q.s, rids, *total < f->limit ? *total
				 : f->limit, cb, data, err);
	end_snapshot(db);
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
	add_row_columns(&q, f->rank ? CRM_TEXT_OF_R : "NULL");
	crm_buf_addf(&q, " FROM records r%s%s", where, order);
	rc = select_each(db, q.s, sql, cb, data, total, err);
	crm_buf_free(&q);
	return rc;
}

/* ---- free-text searches: ranked without reading every match ---- */

/* Row ids in ascending order, as a full-text index gives them, with a
 * bitmap of them once membership is asked. */
struct ridset {
	sqlite3_int64 *rid;
	size_t n, cap;
	unsigned char *bits;          /* bit r set: r is in; NULL: not made */
	size_t nbits;
	size_t asked, budget;         /* inset() calls, and how many it may
					 answer (0: any number) */
};

static void ridset_free(struct ridset *s)
{
	free(s->rid);
	free(s->bits);
	memset(s, 0, sizeof(*s));
}

static void ridset_add(struct ridset *s, sqlite3_int64 rid)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->rid = crm_xrealloc(s->rid, s->cap * sizeof(*s->rid));
	}
	s->rid[s->n++] = rid;
}

/* Makes the bitmap of s (its ids are positive, as SQLite's rowids). */
static void ridset_bits(struct ridset *s)
{
	size_t i;

	if (s->bits)
		return;
	s->nbits = s->n ? (size_t)s->rid[s->n - 1] + 1 : 1;
	s->bits = crm_xcalloc(s->nbits / 8 + 1, 1);
	for (i = 0; i < s->n; i++)
		s->bits[s->rid[i] / 8] |=
			(unsigned char)(1u << (s->rid[i] % 8));
}

/* True when rid is in s (NULL: the empty set); its bitmap must be made. */
static bool ridset_has(const struct ridset *s, sqlite3_int64 rid)
{
	return s && rid >= 0 && (size_t)rid < s->nbits &&
	       (s->bits[rid / 8] & (1u << (rid % 8)));
}

static int cmp_rid(const void *a, const void *b)
{
	sqlite3_int64 x = *(const sqlite3_int64 *)a;
	sqlite3_int64 y = *(const sqlite3_int64 *)b;

	return x < y ? -1 : x > y;
}

/* The rows of table (fts or names, an FTS5 table of the index) that
 * match the FTS5 query match, into out, ascending. */
static int match_rids(sqlite3 *db, const char *table, const char *match,
		      struct ridset *out, struct crm_err *err)
{
	char sql[80];
	sqlite3_stmt *st;
	bool sorted = true;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT rowid FROM %s WHERE %s MATCH ?1",
		 table, table);
	if ((rc = prepare(db, sql, NULL, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ridset_add(out, sqlite3_column_int64(st, 0));
		if (out->n > 1 && out->rid[out->n - 1] <= out->rid[out->n - 2])
			sorted = false;
	}
	rc = rc == SQLITE_DONE ? CRM_OK : step_error(db, err);
	sqlite3_finalize(st);
	if (!sorted)
		qsort(out->rid, out->n, sizeof(*out->rid), cmp_rid);
	return rc;
}

/* SQL function inset(SET, RID): whether RID is in the struct ridset
 * bound to SET with sqlite3_bind_pointer (a NULL one is empty); an error
 * once asked more than the set's budget. */
static void inset_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct ridset *s = sqlite3_value_pointer(argv[0], "crm_ridset");

	(void)argc;
	if (s && s->budget && ++s->asked > s->budget) {
		sqlite3_result_error(ctx, "over budget", -1);
		return;
	}
	sqlite3_result_int(ctx, ridset_has(s, sqlite3_value_int64(argv[1])));
}

/* The orders a free-text find can give without sorting every match. */
enum word_order {
	BY_UPDATED, /* most recently updated first, then by id */
	BY_NAME,    /* by folded name, then by id (one type) */
};

/* Rows ids in the order they are to be passed on. */
struct ridlist {
	sqlite3_int64 *rid;
	size_t n, cap;
};

static void ridlist_add(struct ridlist *l, sqlite3_int64 rid)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->rid = crm_xrealloc(l->rid, l->cap * sizeof(*l->rid));
	}
	l->rid[l->n++] = rid;
}

/* What a row is ordered by, read by its rid. */
struct row_key {
	sqlite3_int64 rid;
	bool has_updated;
	sqlite3_int64 updated;
	char id[CRM_ID_LEN + 1];
	char *name;
};

/* qsort order of BY_UPDATED: updated descending (none last), then id. */
static int cmp_updated(const void *a, const void *b)
{
	const struct row_key *x = a, *y = b;

	if (x->has_updated != y->has_updated)
		return x->has_updated ? -1 : 1;
	if (x->updated != y->updated)
		return x->updated > y->updated ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* qsort order of BY_NAME: name as SQLite's BINARY collation, then id. */
static int cmp_name(const void *a, const void *b)
{
	const struct row_key *x = a, *y = b;
	int c = strcmp(x->name ? x->name : "", y->name ? y->name : "");

	return c ? c : strcmp(x->id, y->id);
}

/* Reads the key of row rid with st (the select of seek_order) into k;
 * false when the row is not one of the types in mask. */
static bool read_key(sqlite3_stmt *st, sqlite3_int64 rid, unsigned mask,
		     struct row_key *k)
{
	bool found = false;

	sqlite3_bind_int64(st, 1, rid);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (mask & CRM_TYPE_BIT(sqlite3_column_int(st, 0)))) {
		k->rid = rid;
		k->has_updated = sqlite3_column_type(st, 1) != SQLITE_NULL;
		k->updated = sqlite3_column_int64(st, 1);
		snprintf(k->id, sizeof(k->id), "%s",
			 sqlite3_column_text(st, 2));
		k->name = col_dup(st, 3);
		found = true;
	}
	sqlite3_reset(st);
	return found;
}

/* Appends to out, up to want of them, the rows of set (less those of
 * minus) of the types in mask, in order: each row looked up by its id and
 * the lot sorted.  For small sets. */
static int seek_order(sqlite3 *db, const struct ridset *set,
		      const struct ridset *minus, unsigned mask,
		      enum word_order order, size_t want, struct ridlist *out,
		      struct crm_err *err)
{
	struct row_key *keys = crm_xcalloc(set->n + 1, sizeof(*keys));
	sqlite3_stmt *st;
	size_t i, n = 0;
	int rc;

	rc = prepare(db, "SELECT type, updated_at, id, name_fold FROM records"
		     " WHERE rid = ?1", NULL, &st, err);
	for (i = 0; rc == CRM_OK && i < set->n; i++)
		if (!ridset_has(minus, set->rid[i]) &&
		    read_key(st, set->rid[i], mask, &keys[n]))
			n++;
	sqlite3_finalize(st);
	qsort(keys, n, sizeof(*keys),
	      order == BY_NAME ? cmp_name : cmp_updated);
	for (i = 0; i < n; i++) {
		if (i < want)
			ridlist_add(out, keys[i].rid);
		free(keys[i].name);
	}
	free(keys);
	return rc;
}

/* The condition on r.type of mask (" AND r.type IN (...)"), none for
 * every type, into b. */
static void type_cond(unsigned mask, struct crm_buf *b)
{
	bool first = true;
	int t;

	if ((mask & CRM_TYPE_ALL) == CRM_TYPE_ALL)
		return;
	crm_buf_adds(b, " AND r.type IN (");
	for (t = 0; t < CRM_NTYPES; t++) {
		if (!(mask & CRM_TYPE_BIT(t)))
			continue;
		crm_buf_addf(b, "%s%d", first ? "" : ", ", t);
		first = false;
	}
	crm_buf_adds(b, first ? "-1)" : ")");
}

/* Appends to out, up to want of them, the rows of set (less those of
 * minus) of the types in mask, in order: by walking the index that holds
 * the rows in that order until enough are found, reading at most budget
 * rows of it (0: any number).  For big sets.  *done is false when the
 * budget ran out first (nothing appended then). */
static int walk_order(sqlite3 *db, struct ridset *set, struct ridset *minus,
		      unsigned mask, enum word_order order, size_t want,
		      size_t budget, struct ridlist *out, bool *done,
		      struct crm_err *err)
{
	struct crm_buf q = {0};
	size_t start = out->n;
	sqlite3_stmt *st;
	int rc;

	*done = true;
	set->asked = 0;
	set->budget = budget;
	ridset_bits(set);
	if (minus)
		ridset_bits(minus);
	crm_buf_addf(&q, "SELECT r.rid FROM records r INDEXED BY %s WHERE"
		     " inset(?1, r.rid) AND NOT inset(?2, r.rid)",
		     order == BY_NAME ? "records_name" : "records_updated");
	type_cond(mask, &q);
	crm_buf_adds(&q, order == BY_NAME ? " ORDER BY r.name_fold, r.id"
		     : " ORDER BY r.updated_at DESC, r.id");
	crm_buf_adds(&q, " LIMIT ?3");
	rc = prepare(db, q.s, NULL, &st, err);
	crm_buf_free(&q);
	if (rc)
		return rc;
	sqlite3_bind_pointer(st, 1, set, "crm_ridset", NULL);
	sqlite3_bind_pointer(st, 2, minus, "crm_ridset", NULL);
	sqlite3_bind_int64(st, 3, want > (size_t)INT64_MAX ? -1
			   : (sqlite3_int64)want);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ridlist_add(out, sqlite3_column_int64(st, 0));
	if (rc != SQLITE_DONE && budget && set->asked > budget) {
		*done = false;
		out->n = start;
		rc = SQLITE_DONE;
	}
	rc = rc == SQLITE_DONE ? CRM_OK : step_error(db, err);
	sqlite3_finalize(st);
	set->budget = 0;
	return rc;
}

/* How many of some rows of set (at most 16, spread over it) are of the
 * types in mask, as a share of those looked at. */
static double type_share(sqlite3 *db, const struct ridset *set,
			 unsigned mask)
{
	sqlite3_stmt *st;
	size_t i, step, seen = 0, in = 0;

	if ((mask & CRM_TYPE_ALL) == CRM_TYPE_ALL || set->n == 0)
		return 1;
	if (sqlite3_prepare_v2(db, "SELECT type FROM records WHERE rid = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return 1;
	step = set->n / 16 + 1;
	for (i = 0; i < set->n; i += step, seen++) {
		sqlite3_bind_int64(st, 1, set->rid[i]);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    (mask & CRM_TYPE_BIT(sqlite3_column_int(st, 0))))
			in++;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return (double)in / (double)seen;
}

/* The highest row id of the records: about how many rows a walk of a
 * whole index reads. */
static double rows_in_index(sqlite3 *db)
{
	sqlite3_stmt *st;
	double n = 1;

	if (sqlite3_prepare_v2(db, "SELECT max(rid) FROM records", -1, &st,
			       NULL) != SQLITE_OK)
		return n;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_double(st, 0) + 1;
	sqlite3_finalize(st);
	return n;
}

/* Cost of a lookup of a row by its id, in steps of an index walk: the
 * lookup reads a page of the table for one row, the walk one of the
 * index for some hundred. */
#define SEEK_COST 30.0


/* About how many rows of an index of rows rows a walk reads to find want
 * of in rows spread over it. */
static double walk_rows(size_t want, double in, double rows)
{
	double walk = (double)want / (in > 1 ? in : 1) * rows;

	return walk < rows ? walk : rows;
}

/*
 * Appends to out, up to want of them, the rows of set (less those of
 * minus) of the types in mask, in order, the cheaper way: a walk of the
 * ordered index reads about want / share rows of it, where share is the
 * part of its rows in the set; looking up every row of the set and
 * sorting costs SEEK_COST steps a row.  A walk that has cost as much as
 * the lookups would gives up for them: at worst twice the cheaper way.
 */
static int order_rids(sqlite3 *db, struct ridset *set, struct ridset *minus,
		      unsigned mask, enum word_order order, size_t want,
		      struct ridlist *out, struct crm_err *err)
{
	double rows = rows_in_index(db), in, walk;
	double seek = SEEK_COST * (double)set->n;
	bool done = false;
	int rc;

	if (set->n == 0 || want == 0)
		return CRM_OK;
	in = (double)(set->n - (minus ? minus->n : 0));
	/* the share of the types only matters when the walk may be cheaper */
	if (walk_rows(want, in, rows) < seek)
		in *= type_share(db, set, mask);
	walk = walk_rows(want, in, rows);
	if (walk < seek) {
		/* matches need not be spread evenly over the order (the
		 * records a word of names finds are, by name, in one
		 * place): walk while it costs less than the lookups */
		rc = walk_order(db, set, minus, mask, order, want,
				(size_t)seek + 1, out, &done, err);
		if (rc || done)
			return rc;
	}
	if (minus)
		ridset_bits(minus);
	return seek_order(db, set, minus, mask, order, want, out, err);
}

/* Keeps of names only the rows also in all (whose bitmap it makes). */
static void ridset_keep(struct ridset *names, struct ridset *all)
{
	size_t i, n = 0;

	ridset_bits(all);
	for (i = 0; i < names->n; i++)
		if (ridset_has(all, names->rid[i]))
			names->rid[n++] = names->rid[i];
	names->n = n;
}

/* The rows of a find that crm_query_fts turned into the FTS5 queries all
 * and names, in order (names first when ranking), into out; *count gets
 * how many rows match all. */
static int word_rids(sqlite3 *db, const struct crm_find *f, const char *all,
		     const char *names, struct ridlist *out, size_t *count,
		     struct crm_err *err)
{
	struct ridset a = {0}, n = {0};
	size_t want = f->limit ? f->limit : SIZE_MAX;
	enum word_order order = f->rank ? BY_UPDATED : BY_NAME;
	int rc;

	rc = sqlite3_create_function_v2(db, "inset", 2, SQLITE_UTF8, NULL,
					inset_fn, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	if ((rc = match_rids(db, "fts", all, &a, err)))
		goto out;
	*count = a.n;
	if (f->rank) {
		if ((rc = match_rids(db, "names", names, &n, err)))
			goto out;
		ridset_keep(&n, &a);
		rc = order_rids(db, &n, NULL, f->mask, order, want, out, err);
		if (rc == CRM_OK && out->n < want)
			rc = order_rids(db, &a, &n, f->mask, order,
					want - out->n, out, err);
	} else {
		rc = order_rids(db, &a, NULL, f->mask, order, want, out, err);
	}
out:
	ridset_free(&a);
	ridset_free(&n);
	return rc;
}

/* True when f is a find word_rids answers: free-text words only (the
 * FTS5 queries of crm_query_fts into all and names), ranked or by name
 * in one type, and counted only when it can count them from the
 * full-text index alone. */
static bool is_word_find(const struct crm_find *f, struct crm_buf *all,
			 struct crm_buf *names)
{
	bool one_type = f->mask && !(f->mask & (f->mask - 1));
	bool every_type = (f->mask & CRM_TYPE_ALL) == CRM_TYPE_ALL;

	if (f->mask == 0 || f->refers_to || f->reverse)
		return false;
	if (f->rank ? f->sort != NULL
	    : (f->sort && strcmp(f->sort, "name") != 0) || !one_type)
		return false;
	if (f->count && f->limit && !every_type)
		return false;
	return crm_query_fts(f->query, all, names);
}

/* The rows of a free-text find (is_word_find): their ids in order from
 * the full-text indexes, then the columns of the rows passed on. */
static int find_words(sqlite3 *db, const struct crm_find *f, const char *all,
		      const char *names, crm_row_cb cb, void *data,
		      size_t *total, struct crm_err *err)
{
	struct ridlist order = {0};
	struct crm_buf q = {0};
	size_t count = 0;
	int rc;

	/* one snapshot for the ids and the rows read after them */
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	rc = word_rids(db, f, all, names, &order, &count, err);
	crm_buf_adds(&q, "SELECT ");
	add_row_columns(&q, f->rank ? CRM_TEXT_OF_R : "NULL");
	crm_buf_adds(&q, " FROM records r WHERE r.rid = ?1");
	if (rc == CRM_OK)
		rc = select_rids(db, q.s, order.rid, order.n, cb, data, err);
	end_snapshot(db);
	*total = f->limit && f->count ? count : order.n;
	crm_buf_free(&q);
	free(order.rid);
	return rc;
}

/* One attempt of crm_find_each. */
static int find_each_once(struct crm_store *s, const struct crm_find *f,
			  crm_row_cb cb, void *data, size_t *total,
			  char ***words, size_t *nwords, struct crm_err *err)
{
	struct crm_sql sql = {0};
	struct crm_buf where = {0}, order = {0}, all = {0}, names = {0};
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
	else if (is_word_find(f, &all, &names))
		rc = find_words(env.db, f, all.s, names.s, cb, data, total,
				err);
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
	crm_buf_free(&all);
	crm_buf_free(&names);
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
	struct crm_row *d;
	size_t i;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->rows = crm_xrealloc(c->rows, c->cap * sizeof(*c->rows));
	}
	d = &c->rows[c->n++];
	*d = *r;
	d->name = r->name ? crm_xstrdup(r->name) : NULL;
	d->text = r->text ? crm_xstrdup(r->text) : NULL;
	for (i = 0; i < CRM_FIELDS_MAX; i++) {
		if (r->value[i])
			d->value[i] = crm_xstrdup(r->value[i]);
		if (r->ref_name[i])
			d->ref_name[i] = crm_xstrdup(r->ref_name[i]);
	}
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

/* crm_find_custom_keys, once. */
static int custom_keys_once(struct crm_store *s, enum crm_type t,
			    char ***keys, size_t *n, struct crm_err *err)
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

int crm_find_custom_keys(struct crm_store *s, enum crm_type t, char ***keys,
			 size_t *n, struct crm_err *err)
{
	int rc = custom_keys_once(s, t, keys, n, err);

	/* damage on a page this query read: rebuild, and try again */
	if (rc == CRM_ERR && crm_index_discard_if_corrupt(s))
		rc = custom_keys_once(s, t, keys, n, err);
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
