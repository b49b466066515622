/*
 * indexrow.c - what a record becomes in the index: a row of the records
 * table, whose columns are those the field registry gives (field.c), its
 * custom fields, its searchable text, its facet words and its folded
 * name; and the statements that insert and delete such rows.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexrow.h"

/* The first parameter of the registered fields' columns in the insert:
 * field i's column is ?(FIELD_PARAM + 2i), its time column the next. */
#define FIELD_PARAM 9

/* A timeline entry as the entries table has it (borrowed strings are
 * copies the row owns). */
struct row_entry {
	char *id, *kind, *by;
	bool has_at;
	long long at;
};

struct index_row {
	char *path;
	char *broken;                   /* why it did not parse, or NULL */
	char *name, *fold;              /* its name, and folded */
	char *text;                     /* its searchable text */
	char *col[CRM_FIELDS_MAX];      /* by field: its column's text
					   ('\n'-joined lists); NULL: none */
	bool has_time[CRM_FIELDS_MAX];  /* by field: its time column is set */
	long long time[CRM_FIELDS_MAX];
	char *phone_keys;               /* crm_phone_index_keys of its phones */
	int unkeyed;                    /* its phones with no key */
	bool has_active;                /* active_at is known */
	long long active_at;            /* its last activity (timeline entry,
					   stage change or creation) */
	char *fts;                      /* what the full-text index holds */
	char *facets;                   /* what the facet index holds */
	git_oid oid;                    /* its blob */
	sqlite3_int64 rid;              /* its row, once inserted */
	char **fkeys, **fvals;          /* custom scalar fields */
	size_t nfields;
	struct row_entry *entries;      /* its timeline */
	size_t nentries;
	struct deal_facts *deal;        /* a deal's, for reports */
};

static char *tables_sql, *insert_sql, *find_sql;
static pthread_once_t sql_once = PTHREAD_ONCE_INIT;

/* The registered field whose column holds the phones. */
static const struct crm_field *phones_field(void)
{
	return crm_field_find(CRM_TYPE_ALL, "phones", false);
}

/* Appends ", COL TYPE" for each column of the registered fields. */
static void add_field_columns(struct crm_buf *b)
{
	const struct crm_field *f;
	size_t i;

	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		if (f->column)
			crm_buf_addf(b, " %s %s,", f->column,
				     f->kind == CRM_FIELD_AMOUNT ||
				     f->kind == CRM_FIELD_PERCENT ? "REAL" : "TEXT");
		if (f->time_column)
			crm_buf_addf(b, " %s INTEGER,", f->time_column);
	}
}

/* The tables: every index is made after a rebuild's bulk load, which
 * sorts once instead of inserting a million keys at random places. */
static char *make_tables_sql(void)
{
	struct crm_buf b = {0};

	crm_buf_adds(&b, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)"
		     " WITHOUT ROWID;"
		     "CREATE TABLE records(rid INTEGER PRIMARY KEY,"
		     " id TEXT NOT NULL, type INTEGER NOT NULL, name TEXT,"
		     " name_fold TEXT, active_at INTEGER, unkeyed INTEGER,");
	add_field_columns(&b);
	crm_buf_adds(&b, " broken TEXT, blob BLOB);"
		     "CREATE TABLE trees(path TEXT PRIMARY KEY, oid BLOB NOT NULL)"
		     " WITHOUT ROWID;"
		     "CREATE TABLE texts(rid INTEGER PRIMARY KEY, text TEXT,"
		     " phone_keys TEXT);"
		     "CREATE TABLE fields(key TEXT NOT NULL, rid INTEGER NOT NULL,"
		     " value TEXT);"
		     "CREATE TABLE entries(rid INTEGER NOT NULL, id TEXT NOT NULL,"
		     " kind TEXT, at INTEGER, by TEXT);"
		     "CREATE TABLE stage_totals(pipeline TEXT NOT NULL,"
		     " stage TEXT NOT NULL, currency TEXT NOT NULL,"
		     " n INTEGER NOT NULL, priced INTEGER NOT NULL,"
		     " cents INTEGER NOT NULL,"
		     " PRIMARY KEY(pipeline, stage, currency)) WITHOUT ROWID;"
		     "CREATE TABLE deal_facts(rid INTEGER PRIMARY KEY,"
		     " facts TEXT NOT NULL);"
		     "CREATE TABLE day_totals(what TEXT NOT NULL,"
		     " user TEXT NOT NULL, key TEXT NOT NULL, day INTEGER NOT NULL,"
		     " n INTEGER NOT NULL, PRIMARY KEY(what, user, key, day))"
		     " WITHOUT ROWID;"
		     "CREATE VIRTUAL TABLE facets USING fts5(t, content='',"
		     " detail=none, columnsize=0, tokenize='ascii');");
	return crm_buf_detach(&b);
}

/* The insert of a row: ?1 id, ?2 type, ?3 blob, ?4 broken, ?5 name,
 * ?6 name_fold, ?7 active_at, ?8 unkeyed, then the fields' columns
 * (FIELD_PARAM). */
static char *make_insert_sql(void)
{
	struct crm_buf cols = {0}, vals = {0}, sql = {0};
	const struct crm_field *f;
	size_t i;

	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		if (f->column) {
			crm_buf_addf(&cols, ", %s", f->column);
			crm_buf_addf(&vals, ", ?%zu", FIELD_PARAM + 2 * i);
		}
		if (f->time_column) {
			crm_buf_addf(&cols, ", %s", f->time_column);
			crm_buf_addf(&vals, ", ?%zu", FIELD_PARAM + 2 * i + 1);
		}
	}
	crm_buf_addf(&sql, "INSERT INTO records(id, type, blob, broken, name,"
		     " name_fold, active_at, unkeyed%s)"
		     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8%s)",
		     cols.s ? cols.s : "", vals.s ? vals.s : "");
	crm_buf_free(&cols);
	crm_buf_free(&vals);
	return crm_buf_detach(&sql);
}

/* What a delete reads of a row: rid, text, type, phone_keys, name,
 * name_fold, then each field's column (NULL for those without), then
 * created_at. */
static char *make_find_sql(void)
{
	struct crm_buf b = {0};
	const struct crm_field *f;
	size_t i;

	crm_buf_adds(&b, "SELECT r.rid, t.text, r.type, t.phone_keys, r.name,"
		     " r.name_fold");
	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		if (f->column)
			crm_buf_addf(&b, ", r.%s", f->column);
		else
			crm_buf_adds(&b, ", NULL");
	}
	/* last, when it was made: what the leads of day_totals count */
	crm_buf_adds(&b, ", r.created_at FROM records r LEFT JOIN texts t"
		     " ON t.rid = r.rid WHERE r.rid = ?1");
	return crm_buf_detach(&b);
}

/* The column of field i in make_find_sql's select. */
#define FIND_FIELD_COL 6

/* Makes the statements' text (pthread_once). */
static void make_sql(void)
{
	tables_sql = make_tables_sql();
	insert_sql = make_insert_sql();
	find_sql = make_find_sql();
}

const char *index_tables_sql(void)
{
	pthread_once(&sql_once, make_sql);
	return tables_sql;
}

static void deltas_free(struct writer *w);

void writer_finish(struct writer *w)
{
	sqlite3_finalize(w->insert);
	sqlite3_finalize(w->field);
	sqlite3_finalize(w->fts);
	sqlite3_finalize(w->text);
	sqlite3_finalize(w->deltext);
	sqlite3_finalize(w->find);
	sqlite3_finalize(w->del);
	sqlite3_finalize(w->delfields);
	sqlite3_finalize(w->ftsdel);
	sqlite3_finalize(w->facet);
	sqlite3_finalize(w->facetdel);
	sqlite3_finalize(w->names);
	sqlite3_finalize(w->namesdel);
	sqlite3_finalize(w->entry);
	sqlite3_finalize(w->delentries);
	sqlite3_finalize(w->totals);
	sqlite3_finalize(w->deal);
	sqlite3_finalize(w->deldeal);
	sqlite3_finalize(w->daytot);
	sqlite3_finalize(w->deldaytot);
	deltas_free(w);
	memset(w, 0, sizeof(*w));
}

/* Prepares sql on db into *st; non-zero on failure. */
static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK;
}

/* Counts a deal in (?4 = 1) or out of (?4 = -1) the totals of its
 * pipeline ?1, stage ?2 and currency ?3 ("" for none), with its amount
 * in cents ?5 (NULL for none).  A total that falls to no deals stays,
 * and is not shown. */
static const char totals_sql[] =
	"INSERT INTO stage_totals VALUES(?1, ?2, ?3, ?4, (?5 IS NOT NULL) * ?4,"
	" coalesce(?5, 0) * ?4) ON CONFLICT DO UPDATE SET n = n + excluded.n,"
	" priced = priced + excluded.priced, cents = cents + excluded.cents";

/* CRM_TOTALS_SPAN as SQL text. */
#define SPAN "2764800"

/* Counts ?5 (1 or -1) of what ?1 ('entry', 'lead') by user ?2 of key
 * ?3 (an entry's kind, a lead's source) in the span ?4. */
static const char daytot_sql[] =
	"INSERT INTO day_totals VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT DO"
	" UPDATE SET n = n + excluded.n";
/* The timeline entries of row ?1 as day_totals counts them: user, kind,
 * span and how many. */
static const char deldaytot_sql[] =
	"SELECT coalesce(by, ''), coalesce(kind, ''),"
	" (at - ((at % " SPAN ") + " SPAN ") % " SPAN ") / " SPAN ", count(*)"
	" FROM entries WHERE rid = ?1 AND at IS NOT NULL GROUP BY 1, 2, 3";

/* The span of day_totals (CRM_TOTALS_SPAN) of the Unix time t. */
static long long utc_day(long long t)
{
	return (t - ((t % CRM_TOTALS_SPAN) + CRM_TOTALS_SPAN) % CRM_TOTALS_SPAN) /
	       CRM_TOTALS_SPAN;
}

const char index_day_totals_sql[] =
	"INSERT INTO day_totals SELECT 'entry', coalesce(by, ''),"
	" coalesce(kind, ''), (at - ((at % " SPAN ") + " SPAN ") % " SPAN ")"
	" / " SPAN ","
	" count(*) FROM entries WHERE at IS NOT NULL GROUP BY 2, 3, 4;"
	"INSERT INTO day_totals SELECT 'lead', coalesce(owner, ''),"
	" coalesce(source, ''), (created_at - ((created_at % " SPAN ") + "
	SPAN ") % " SPAN ") / " SPAN ", count(*) FROM records"
	" WHERE type IN (0, 1)"
	" AND broken IS NULL AND created_at IS NOT NULL GROUP BY 2, 3, 4;";

/* One count of day_totals an update changes, and by how much. */
struct daytot_delta {
	char *what, *user, *key;
	long long span, n;
};

/* The hash of a count's key. */
static size_t delta_hash(const char *what, const char *user, const char *key,
			 long long span)
{
	const char *parts[3] = {what, user, key};
	uint64_t h = 1469598103934665603ull ^ (uint64_t)span;
	size_t i;
	const char *c;

	for (i = 0; i < 3; i++) {
		for (c = parts[i]; *c; c++)
			h = (h ^ (unsigned char)*c) * 1099511628211ull;
		h = (h ^ 0x1f) * 1099511628211ull;
	}
	return (size_t)(h ^ (h >> 29));
}

/* Makes the hash of w's deltas twice as big (the first: 64 slots). */
static void deltas_rehash(struct writer *w)
{
	size_t n = w->delta_nslots ? w->delta_nslots * 2 : 64, i, j;
	const struct daytot_delta *d;

	free(w->delta_slots);
	w->delta_slots = crm_xcalloc(n, sizeof(*w->delta_slots));
	w->delta_nslots = n;
	for (i = 0; i < w->deltas_n; i++) {
		d = &w->deltas[i];
		j = delta_hash(d->what, d->user, d->key, d->span) & (n - 1);
		while (w->delta_slots[j])
			j = (j + 1) & (n - 1);
		w->delta_slots[j] = i + 1;
	}
}

/* The delta of w for what by user of key in span, made (0) when new. */
static struct daytot_delta *delta_of(struct writer *w, const char *what,
				     const char *user, const char *key,
				     long long span)
{
	struct daytot_delta *d;
	size_t j;

	if (2 * (w->deltas_n + 1) > w->delta_nslots)
		deltas_rehash(w);
	j = delta_hash(what, user, key, span) & (w->delta_nslots - 1);
	for (; w->delta_slots[j]; j = (j + 1) & (w->delta_nslots - 1)) {
		d = &w->deltas[w->delta_slots[j] - 1];
		if (d->span == span && strcmp(d->what, what) == 0 &&
		    strcmp(d->user, user) == 0 && strcmp(d->key, key) == 0)
			return d;
	}
	if (w->deltas_n == w->deltas_cap) {
		w->deltas_cap = w->deltas_cap ? w->deltas_cap * 2 : 64;
		w->deltas = crm_xrealloc(w->deltas, w->deltas_cap *
					 sizeof(*w->deltas));
	}
	d = &w->deltas[w->deltas_n];
	w->delta_slots[j] = ++w->deltas_n;
	d->what = crm_xstrdup(what);
	d->user = crm_xstrdup(user);
	d->key = crm_xstrdup(key);
	d->span = span;
	d->n = 0;
	return d;
}

/* Counts n of what by user of key in span of day_totals: summed in w,
 * written by writer_flush (a rebuild counts them all at its end). */
static void count_span(struct writer *w, const char *what, const char *user,
		       const char *key, long long span, long long n)
{
	if (!w->bulk)
		delta_of(w, what, user ? user : "", key ? key : "", span)->n += n;
}

/* Counts sign of what by user of key in the span of t in day_totals. */
static int count_day(struct writer *w, const char *what, const char *user,
		     const char *key, long long t, int sign)
{
	count_span(w, what, user, key, utc_day(t), sign);
	return SQLITE_OK;
}

/* Frees w's deltas. */
static void deltas_free(struct writer *w)
{
	size_t i;

	for (i = 0; i < w->deltas_n; i++) {
		free(w->deltas[i].what);
		free(w->deltas[i].user);
		free(w->deltas[i].key);
	}
	free(w->deltas);
	free(w->delta_slots);
	w->deltas = NULL;
	w->delta_slots = NULL;
	w->deltas_n = w->deltas_cap = w->delta_nslots = 0;
}

int writer_flush(struct writer *w)
{
	const struct daytot_delta *d;
	size_t i;
	int rc = SQLITE_OK;

	for (i = 0; i < w->deltas_n && rc == SQLITE_OK; i++) {
		d = &w->deltas[i];
		if (d->n == 0)
			continue;
		sqlite3_bind_text(w->daytot, 1, d->what, -1, SQLITE_STATIC);
		sqlite3_bind_text(w->daytot, 2, d->user, -1, SQLITE_STATIC);
		sqlite3_bind_text(w->daytot, 3, d->key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(w->daytot, 4, d->span);
		sqlite3_bind_int64(w->daytot, 5, d->n);
		rc = step_once(w->daytot);
	}
	deltas_free(w);
	return rc;
}

/* Counts the timeline entries of row rid out of day_totals. */
static int uncount_entries(struct writer *w, sqlite3_int64 rid)
{
	sqlite3_stmt *st = w->deldaytot;
	int rc;

	if (w->bulk)
		return SQLITE_OK;
	sqlite3_bind_int64(st, 1, rid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		count_span(w, "entry", (const char *)sqlite3_column_text(st, 0),
			   (const char *)sqlite3_column_text(st, 1),
			   sqlite3_column_int64(st, 2),
			   -sqlite3_column_int64(st, 3));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int writer_start(struct writer *w, sqlite3 *db)
{
	pthread_once(&sql_once, make_sql);
	memset(w, 0, sizeof(*w));
	w->db = db;
	if (prepare(db, insert_sql, &w->insert) ||
	    prepare(db, "INSERT INTO fields VALUES(?1, ?2, ?3)", &w->field) ||
	    prepare(db, "INSERT INTO fts(rowid, text) VALUES(?1, ?2)", &w->fts) ||
	    prepare(db, "INSERT INTO texts(rid, text, phone_keys)"
		    " VALUES(?1, ?2, ?3)", &w->text) ||
	    prepare(db, "DELETE FROM texts WHERE rid = ?1", &w->deltext) ||
	    prepare(db, find_sql, &w->find) ||
	    prepare(db, "INSERT INTO facets(rowid, t) VALUES(?1, ?2)",
		    &w->facet) ||
	    prepare(db, "INSERT INTO facets(facets, rowid, t)"
		    " VALUES('delete', ?1, ?2)", &w->facetdel) ||
	    prepare(db, "DELETE FROM records WHERE rid = ?1", &w->del) ||
	    prepare(db, "DELETE FROM fields WHERE rid = ?1", &w->delfields) ||
	    prepare(db, "INSERT INTO fts(fts, rowid, text)"
		    " VALUES('delete', ?1, ?2)", &w->ftsdel) ||
	    prepare(db, "INSERT INTO names(rowid, name) VALUES(?1, ?2)",
		    &w->names) ||
	    prepare(db, "INSERT INTO names(names, rowid, name)"
		    " VALUES('delete', ?1, ?2)", &w->namesdel) ||
	    prepare(db, "INSERT INTO entries(rid, id, kind, at, by)"
		    " VALUES(?1, ?2, ?3, ?4, ?5)", &w->entry) ||
	    prepare(db, "DELETE FROM entries WHERE rid = ?1",
		    &w->delentries) ||
	    prepare(db, totals_sql, &w->totals) ||
	    prepare(db, "INSERT INTO deal_facts VALUES(?1, ?2)", &w->deal) ||
	    prepare(db, "DELETE FROM deal_facts WHERE rid = ?1", &w->deldeal) ||
	    prepare(db, daytot_sql, &w->daytot) ||
	    prepare(db, deldaytot_sql, &w->deldaytot)) {
		writer_finish(w);
		return -1;
	}
	return 0;
}

int step_once(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* What the full-text index holds for a record: its folded text, the
 * digits of each phone and the phones' keys (crm_phone_index_keys, kept
 * in texts so that a delete does not read the numbers again, which the
 * phone module's absence or a new version of its metadata could make
 * come out otherwise).  Caller owns it. */
static char *fts_text(const char *text, const char *phones,
		      const char *keys)
{
	struct crm_buf b = {0};
	char *fold = crm_fold(text ? text : ""), *line, *save = NULL, *copy, *d;

	crm_buf_adds(&b, fold);
	free(fold);
	copy = crm_xstrdup(phones ? phones : "");
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if ((d = crm_phone_digits(line)) != NULL) {
			crm_buf_addf(&b, "\n%s", d);
			free(d);
		}
	}
	free(copy);
	if (keys != NULL)
		crm_buf_adds(&b, keys);
	return crm_buf_detach(&b);
}

/* Appends to b the facet words of the lines of value for column. */
static void facet_lines(struct crm_buf *b, const char *column,
			const char *value)
{
	char *copy = crm_xstrdup(value), *line, *save = NULL;

	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		crm_facet_word(b, column, line);
	free(copy);
}

/* What the facet index holds for a record of type t with the column
 * values vals (by field; NULL when absent) and name (or NULL): the
 * type, each value of a facet field (each item of a list) and each word
 * of the name, by which a reference finds a record.  Caller owns it. */
static char *facet_text(enum crm_type t, char *const vals[CRM_FIELDS_MAX],
			const char *name)
{
	const struct crm_field *f;
	struct crm_buf b = {0};
	char type[16], **words;
	size_t i, n;

	snprintf(type, sizeof(type), "%d", (int)t);
	crm_facet_word(&b, "type", type);
	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		if (!(f->flags & CRM_FIELD_FACET) || vals[i] == NULL)
			continue;
		if (crm_field_is_list(f->kind))
			facet_lines(&b, f->column, vals[i]);
		else
			crm_facet_word(&b, f->column, vals[i]);
	}
	n = crm_fold_words(name ? name : "", &words);
	for (i = 0; i < n; i++)
		crm_facet_word(&b, "words", words[i]);
	crm_words_free(words, n);
	return crm_buf_detach(&b);
}

/* True for keys whose values are no text worth searching: ids, dates
 * and histories, and the same keys of timeline entries. */
static bool not_text(const char *key)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_ALL, key, false);

	if (f != NULL)
		return f->kind == CRM_FIELD_ID || f->kind == CRM_FIELD_REF ||
		       f->kind == CRM_FIELD_REFS || f->kind == CRM_FIELD_IDS ||
		       f->kind == CRM_FIELD_HISTORY || crm_field_is_date(f->kind);
	return strcmp(key, "at") == 0 || strcmp(key, "by") == 0;
}

/* Appends every searchable string under n to b, one a line. */
static void collect_text(const struct crm_node *n, struct crm_buf *b)
{
	size_t i;

	if (n->kind == CRM_NODE_SCALAR) {
		if (n->str[0]) {
			crm_buf_adds(b, n->str);
			crm_buf_addc(b, '\n');
		}
		return;
	}
	for (i = 0; i < n->len; i++)
		if (n->kind == CRM_NODE_SEQ || !not_text(n->keys[i]))
			collect_text(n->items[i], b);
}

/* A field as its column's text: a scalar's copy, a list '\n'-joined;
 * NULL when absent.  Caller owns it. */
static char *column_text(const struct crm_node *map, const char *key)
{
	const struct crm_node *n = crm_map_get(map, key);
	struct crm_buf b = {0};
	size_t i;

	if (n == NULL)
		return NULL;
	if (n->kind == CRM_NODE_SCALAR)
		return crm_xstrdup(n->str);
	for (i = 0; n->kind == CRM_NODE_SEQ && i < n->len; i++) {
		if (n->items[i]->kind != CRM_NODE_SCALAR)
			continue;
		if (b.len)
			crm_buf_addc(&b, '\n');
		crm_buf_adds(&b, n->items[i]->str);
	}
	return n->kind == CRM_NODE_SEQ ? crm_buf_detach(&b) : NULL;
}

/* The phones of map as shown, '\n'-joined: each as typed when
 * phones_typed has it, else as stored; NULL when it has none.  Caller
 * owns it. */
static char *phones_shown(const struct crm_node *map)
{
	const struct crm_node *n = crm_map_get(map, "phones");
	const struct crm_node *typed = crm_map_get(map, "phones_typed");
	struct crm_buf b = {0};
	size_t i;

	if (n == NULL || n->kind != CRM_NODE_SEQ)
		return column_text(map, "phones");
	for (i = 0; i < n->len; i++) {
		if (n->items[i]->kind != CRM_NODE_SCALAR)
			continue;
		if (b.len)
			crm_buf_addc(&b, '\n');
		crm_buf_adds(&b, crm_phone_shown(n->items[i]->str, typed));
	}
	return crm_buf_detach(&b);
}

/* Appends the searchable text of the record map to b, one string a
 * line, its phones as they were typed (the E.164 forms of those are
 * found by their digits and keys). */
static void record_text(const struct crm_node *map, struct crm_buf *b)
{
	char *shown;
	size_t i;

	for (i = 0; i < map->len; i++) {
		if (strcmp(map->keys[i], "phones_typed") == 0 ||
		    not_text(map->keys[i]))
			continue;
		if (strcmp(map->keys[i], "phones") != 0) {
			collect_text(map->items[i], b);
			continue;
		}
		shown = phones_shown(map);
		if (shown && shown[0]) {
			crm_buf_adds(b, shown);
			crm_buf_addc(b, '\n');
		}
		free(shown);
	}
}

/* The Unix time of the stored date at key into *t; false when absent. */
static bool time_of(const struct crm_node *map, const char *key,
		    long long *t)
{
	struct crm_date d;
	const char *v = crm_map_str(map, key);

	if (v == NULL || crm_date_parse_stored(v, &d) != CRM_OK)
		return false;
	*t = (long long)d.when;
	return true;
}

/* True for the keys the index keeps in columns of their own. */
static bool is_known(enum crm_type t, const char *key)
{
	return crm_field_find(CRM_TYPE_BIT(t), key, false) != NULL;
}

/* Fills the custom fields of row from r. */
static void row_fields(struct index_row *row, const struct crm_record *r)
{
	const struct crm_node *v;
	size_t i;

	for (i = 0; i < r->map->len; i++) {
		v = r->map->items[i];
		if (v->kind != CRM_NODE_SCALAR || is_known(r->type, r->map->keys[i]))
			continue;
		row->fkeys = crm_xrealloc(row->fkeys,
					  (row->nfields + 1) * sizeof(char *));
		row->fvals = crm_xrealloc(row->fvals,
					  (row->nfields + 1) * sizeof(char *));
		row->fkeys[row->nfields] = crm_xstrdup(r->map->keys[i]);
		row->fvals[row->nfields++] = crm_xstrdup(v->str);
	}
}

/* Fills the registered fields' columns of row from the record r. */
static void row_columns(struct index_row *row, const struct crm_record *r)
{
	const struct crm_field *f;
	size_t i;

	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		if (!(f->types & CRM_TYPE_BIT(r->type)))
			continue;
		if (f->column)
			row->col[i] = f->kind == CRM_FIELD_PHONE_FORMS
				      ? phones_shown(r->map)
				      : column_text(r->map, f->name);
		if (f->time_column)
			row->has_time[i] = time_of(r->map, f->name, &row->time[i]);
	}
}

/* The length of r's list key (0 when it is none). */
static size_t list_len(const struct crm_record *r, const char *key)
{
	const struct crm_node *n = crm_map_get(r->map, key);

	return n && n->kind == CRM_NODE_SEQ ? n->len : 0;
}

/* Fills the entries of row of kind "merged" from r's merged_from: the
 * ids of the records merged into r, which resolve to r (no time, no
 * user: day_totals does not count them).  row->entries has room. */
static void row_merged(struct index_row *row, const struct crm_record *r)
{
	const struct crm_node *m = crm_map_get(r->map, "merged_from");
	struct row_entry *re;
	size_t i;

	for (i = 0; i < list_len(r, "merged_from"); i++) {
		if (m->items[i]->kind != CRM_NODE_SCALAR ||
		    !crm_id_valid(m->items[i]->str))
			continue;
		re = &row->entries[row->nentries++];
		re->id = crm_xstrdup(m->items[i]->str);
		re->kind = crm_xstrdup("merged");
	}
}

/* Fills the timeline entries of row from r (those with an id), and the
 * ids merged into r. */
static void row_entries(struct index_row *row, const struct crm_record *r)
{
	const struct crm_node *tl = crm_map_get(r->map, "timeline"), *e;
	struct row_entry *re;
	const char *id, *v;
	size_t i, n = list_len(r, "timeline") + list_len(r, "merged_from");

	if (n == 0)
		return;
	row->entries = crm_xcalloc(n, sizeof(*row->entries));
	row_merged(row, r);
	for (i = 0; i < list_len(r, "timeline"); i++) {
		e = tl->items[i];
		if (e->kind != CRM_NODE_MAP || (id = crm_map_str(e, "id")) == NULL)
			continue;
		re = &row->entries[row->nentries++];
		re->id = crm_xstrdup(id);
		if ((v = crm_map_str(e, "kind")))
			re->kind = crm_xstrdup(v);
		if ((v = crm_map_str(e, "by")))
			re->by = crm_xstrdup(v);
		re->has_at = time_of(e, "at", &re->at);
	}
}

/* The number of lines of phones less the number of keys (each ends in
 * ';'): the phones that are not of a possible length. */
static int unkeyed_phones(const char *phones, const char *keys)
{
	int n = 0;

	if (phones == NULL || phones[0] == '\0')
		return 0;
	for (n = 1; *phones; phones++)
		n += *phones == '\n';
	for (; keys && *keys; keys++)
		n -= *keys == ';';
	return n;
}

/* Fills row from the parsed record r of a store whose phones are read in
 * region. */
static void row_from_record(struct index_row *row, const struct crm_record *r,
			    const char *region)
{
	const char *phones;
	struct crm_buf text = {0}, keys = {0};

	row->name = crm_xstrdup(crm_record_name(r));
	row->fold = crm_fold(row->name);
	row_columns(row, r);
	phones = row->col[crm_field_index(phones_field())];
	record_text(r->map, &text);
	row->text = crm_buf_detach(&text);
	crm_phone_index_keys(&keys, phones, region);
	row->phone_keys = crm_buf_detach(&keys);
	row->unkeyed = unkeyed_phones(phones, row->phone_keys);
	row->fts = fts_text(row->text, phones, row->phone_keys);
	row->facets = facet_text(r->type, row->col, row->name);
	row_fields(row, r);
	row_entries(row, r);
	row->has_active = crm_record_last_activity(r, &row->active_at);
	if (r->type == CRM_DEAL)
		row->deal = deal_facts_make(r);
}

struct index_row *index_row_make(struct crm_store *s, git_repository *repo,
				 const char *path, const git_oid *oid)
{
	struct index_row *row;
	struct crm_record *rec = NULL;
	struct crm_err ferr = {0};
	enum crm_type t;
	char id[CRM_ID_LEN + 1];
	git_blob *blob;

	if (!crm_record_path_parse(path, &t, id))
		return NULL;
	row = crm_xcalloc(1, sizeof(*row));
	row->path = crm_xstrdup(path);
	git_oid_cpy(&row->oid, oid);
	if (git_blob_lookup(&blob, repo, oid) < 0) {
		crm_git_error(&ferr, path);
	} else {
		crm_store_parse_path(s, path, git_blob_rawcontent(blob),
				     (size_t)git_blob_rawsize(blob), &rec, &ferr);
		git_blob_free(blob);
	}
	if (rec)
		row_from_record(row, rec, s->cfg.default_region);
	else
		row->broken = crm_xstrdup(ferr.msg[0] ? ferr.msg : "?");
	crm_record_free(rec);
	return row;
}

void index_row_free(struct index_row *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->path);
	free(r->broken);
	free(r->name);
	free(r->fold);
	free(r->text);
	for (i = 0; i < CRM_FIELDS_MAX; i++)
		free(r->col[i]);
	free(r->phone_keys);
	free(r->fts);
	free(r->facets);
	for (i = 0; i < r->nfields; i++) {
		free(r->fkeys[i]);
		free(r->fvals[i]);
	}
	free(r->fkeys);
	free(r->fvals);
	for (i = 0; i < r->nentries; i++) {
		free(r->entries[i].id);
		free(r->entries[i].kind);
		free(r->entries[i].by);
	}
	free(r->entries);
	deal_facts_free(r->deal);
	free(r);
}

/* Inserts the custom fields of row at rid. */
static int insert_fields(struct writer *w, const struct index_row *row,
			 sqlite3_int64 rid)
{
	size_t i;
	int rc = SQLITE_OK;

	for (i = 0; i < row->nfields && rc == SQLITE_OK; i++) {
		sqlite3_bind_text(w->field, 1, row->fkeys[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(w->field, 2, rid);
		sqlite3_bind_text(w->field, 3, row->fvals[i], -1, SQLITE_STATIC);
		rc = step_once(w->field);
	}
	return rc;
}

/* Inserts the timeline entries of row at rid. */
static int insert_entries(struct writer *w, const struct index_row *row,
			  sqlite3_int64 rid)
{
	const struct row_entry *e;
	size_t i;
	int rc = SQLITE_OK;

	for (i = 0; i < row->nentries && rc == SQLITE_OK; i++) {
		e = &row->entries[i];
		sqlite3_bind_int64(w->entry, 1, rid);
		sqlite3_bind_text(w->entry, 2, e->id, -1, SQLITE_STATIC);
		if (e->kind)
			sqlite3_bind_text(w->entry, 3, e->kind, -1, SQLITE_STATIC);
		if (e->has_at)
			sqlite3_bind_int64(w->entry, 4, e->at);
		if (e->by)
			sqlite3_bind_text(w->entry, 5, e->by, -1, SQLITE_STATIC);
		rc = step_once(w->entry);
		if (rc == SQLITE_OK && e->has_at)
			rc = count_day(w, "entry", e->by, e->kind, e->at, 1);
	}
	return rc;
}

/* Binds the registered fields' columns of row to st. */
static void bind_columns(sqlite3_stmt *st, const struct index_row *row)
{
	const struct crm_field *f;
	size_t i;
	int p;

	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		p = (int)(FIELD_PARAM + 2 * i);
		if (row->col[i] && f->kind == CRM_FIELD_AMOUNT)
			sqlite3_bind_double(st, p, crm_amount_value(row->col[i]));
		else if (row->col[i] && f->kind == CRM_FIELD_PERCENT)
			sqlite3_bind_double(st, p, strtod(row->col[i], NULL));
		else if (row->col[i])
			sqlite3_bind_text(st, p, row->col[i], -1, SQLITE_STATIC);
		if (row->has_time[i])
			sqlite3_bind_int64(st, p + 1, row->time[i]);
	}
}

/* The text of field name among vals (by field), or "". */
static const char *val_of(char *const vals[CRM_FIELDS_MAX], const char *name)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_ALL, name, false);
	const char *v = f ? vals[crm_field_index(f)] : NULL;

	return v ? v : "";
}

/* Counts a deal with the column values vals in the totals of its stage
 * (sign 1) or out of them (sign -1); has_amount and amount: its amount. */
static int count_deal(struct writer *w, char *const vals[CRM_FIELDS_MAX],
		      bool has_amount, double amount, int sign)
{
	sqlite3_stmt *st = w->totals;

	sqlite3_bind_text(st, 1, val_of(vals, "pipeline"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, val_of(vals, "stage"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, val_of(vals, "currency"), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, sign);
	if (has_amount)
		sqlite3_bind_int64(st, 5, (sqlite3_int64)(amount * 100 +
						      (amount < 0 ? -0.5 : 0.5)));
	return step_once(st);
}

/* Counts a company or contact with the column values vals (and time
 * columns) in the leads of its owner and source on the day it was made
 * (sign 1) or out of them (-1); nothing when it has no created. */
static int count_lead(struct writer *w, char *const vals[CRM_FIELDS_MAX],
		      const bool has_time[CRM_FIELDS_MAX],
		      const long long time[CRM_FIELDS_MAX], int sign)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_ALL, "created",
						   false);
	size_t i = crm_field_index(f);

	if (!has_time[i])
		return SQLITE_OK;
	return count_day(w, "lead", val_of(vals, "owner"),
			 val_of(vals, "source"), time[i], sign);
}

int index_row_insert(struct writer *w, struct index_row *row)
{
	sqlite3_stmt *st = w->insert;
	enum crm_type t;
	char id[CRM_ID_LEN + 1];
	sqlite3_int64 rid;
	int rc;

	crm_record_path_parse(row->path, &t, id);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, (int)t);
	sqlite3_bind_blob(st, 3, row->oid.id, GIT_OID_RAWSZ, SQLITE_STATIC);
	if (row->broken)
		sqlite3_bind_text(st, 4, row->broken, -1, SQLITE_STATIC);
	if (row->name)
		sqlite3_bind_text(st, 5, row->name, -1, SQLITE_STATIC);
	if (row->fold)
		sqlite3_bind_text(st, 6, row->fold, -1, SQLITE_STATIC);
	if (row->has_active)
		sqlite3_bind_int64(st, 7, row->active_at);
	if (row->unkeyed)
		sqlite3_bind_int(st, 8, row->unkeyed);
	bind_columns(st, row);
	rc = step_once(st);
	rid = row->rid = sqlite3_last_insert_rowid(w->db);
	if (rc != SQLITE_OK || row->broken)
		return rc;
	if (t == CRM_DEAL && (rc = count_deal(w, row->col,
					       val_of(row->col, "amount")[0],
					       crm_amount_value(val_of(row->col,
								     "amount")),
					       1)) != SQLITE_OK)
		return rc;
	if (row->deal && (rc = deal_facts_insert(w->deal, rid, row->deal)) !=
	    SQLITE_OK)
		return rc;
	if ((t == CRM_COMPANY || t == CRM_CONTACT) &&
	    (rc = count_lead(w, row->col, row->has_time, row->time, 1)) !=
	    SQLITE_OK)
		return rc;
	rc = insert_fields(w, row, rid);
	if (rc == SQLITE_OK)
		rc = insert_entries(w, row, rid);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(w->text, 1, rid);
	sqlite3_bind_text(w->text, 2, row->text, -1, SQLITE_STATIC);
	sqlite3_bind_text(w->text, 3, row->phone_keys, -1, SQLITE_STATIC);
	if ((rc = step_once(w->text)) != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(w->facet, 1, rid);
	sqlite3_bind_text(w->facet, 2, row->facets, -1, SQLITE_STATIC);
	return step_once(w->facet);
}

int index_row_insert_fts(sqlite3_stmt *st, sqlite3_stmt *names,
			 const struct index_row *row)
{
	int rc;

	if (row->broken)
		return SQLITE_OK;
	sqlite3_bind_int64(st, 1, row->rid);
	sqlite3_bind_text(st, 2, row->fts, -1, SQLITE_STATIC);
	if ((rc = step_once(st)) != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(names, 1, row->rid);
	sqlite3_bind_text(names, 2, row->fold ? row->fold : "", -1,
			  SQLITE_STATIC);
	return step_once(names);
}

/* The text of column i of the row find stands on, or NULL. */
static const char *found(struct writer *w, int i)
{
	return (const char *)sqlite3_column_text(w->find, i);
}

/* The full text and facets the index holds for the row find stands on
 * (what the contentless tables need to delete it), into *fts and
 * *facets (caller owns them). */
static void stored_texts(struct writer *w, char **fts, char **facets)
{
	char *vals[CRM_FIELDS_MAX] = {0};
	size_t i, n = crm_field_count();
	size_t phones = crm_field_index(phones_field());

	for (i = 0; i < n; i++)
		if (found(w, FIND_FIELD_COL + (int)i))
			vals[i] = crm_xstrdup(found(w, FIND_FIELD_COL + (int)i));
	*fts = fts_text(found(w, 1), vals[phones], found(w, 3));
	*facets = facet_text((enum crm_type)sqlite3_column_int(w->find, 2),
			     vals, found(w, 4));
	for (i = 0; i < n; i++)
		free(vals[i]);
}

/* Deletes the full text, folded name and facets of row rid. */
static int delete_texts(struct writer *w, sqlite3_int64 rid, const char *fts,
			const char *fold, const char *facets)
{
	int rc;

	sqlite3_bind_int64(w->ftsdel, 1, rid);
	sqlite3_bind_text(w->ftsdel, 2, fts, -1, SQLITE_STATIC);
	if ((rc = step_once(w->ftsdel)) != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(w->namesdel, 1, rid);
	sqlite3_bind_text(w->namesdel, 2, fold ? fold : "", -1, SQLITE_STATIC);
	if ((rc = step_once(w->namesdel)) != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(w->facetdel, 1, rid);
	sqlite3_bind_text(w->facetdel, 2, facets, -1, SQLITE_STATIC);
	return step_once(w->facetdel);
}

/* Counts the deal find stands on out of its stage's totals. */
static int uncount_deal(struct writer *w)
{
	char *vals[CRM_FIELDS_MAX] = {0};
	const struct crm_field *amount = crm_field_find(CRM_TYPE_ALL, "amount",
							false);
	int col = FIND_FIELD_COL + (int)crm_field_index(amount);
	size_t i, n = crm_field_count();
	int rc;

	for (i = 0; i < n; i++)
		if (found(w, FIND_FIELD_COL + (int)i))
			vals[i] = crm_xstrdup(found(w, FIND_FIELD_COL + (int)i));
	rc = count_deal(w, vals, sqlite3_column_type(w->find, col) !=
			SQLITE_NULL, sqlite3_column_double(w->find, col), -1);
	for (i = 0; i < n; i++)
		free(vals[i]);
	return rc;
}

/* Counts the company or contact find stands on out of the leads. */
static int uncount_lead(struct writer *w)
{
	char *vals[CRM_FIELDS_MAX] = {0};
	bool has_time[CRM_FIELDS_MAX] = {0};
	long long time[CRM_FIELDS_MAX] = {0};
	const struct crm_field *f = crm_field_find(CRM_TYPE_ALL, "created",
						   false);
	size_t i, n = crm_field_count(), c = crm_field_index(f);
	int rc, at = FIND_FIELD_COL + (int)n;

	for (i = 0; i < n; i++)
		if (found(w, FIND_FIELD_COL + (int)i))
			vals[i] = crm_xstrdup(found(w, FIND_FIELD_COL + (int)i));
	if (sqlite3_column_type(w->find, at) != SQLITE_NULL) {
		has_time[c] = true;
		time[c] = sqlite3_column_int64(w->find, at);
	}
	rc = count_lead(w, vals, has_time, time, -1);
	for (i = 0; i < n; i++)
		free(vals[i]);
	return rc;
}

int index_row_delete(struct writer *w, sqlite3_int64 rid)
{
	char *fts = NULL, *facets = NULL, *fold = NULL;
	int rc = SQLITE_OK;

	sqlite3_bind_int64(w->find, 1, rid);
	if (sqlite3_step(w->find) != SQLITE_ROW) {
		sqlite3_reset(w->find);
		return SQLITE_OK;
	}
	if (sqlite3_column_type(w->find, 1) != SQLITE_NULL) {
		stored_texts(w, &fts, &facets);
		fold = crm_xstrdup(found(w, 5) ? found(w, 5) : "");
		if (sqlite3_column_int(w->find, 2) == CRM_DEAL)
			rc = uncount_deal(w);
		else if (sqlite3_column_int(w->find, 2) == CRM_COMPANY ||
			 sqlite3_column_int(w->find, 2) == CRM_CONTACT)
			rc = uncount_lead(w);
	}
	sqlite3_reset(w->find);
	if (fts && rc == SQLITE_OK)
		rc = delete_texts(w, rid, fts, fold, facets);
	free(fts);
	free(facets);
	free(fold);
	sqlite3_bind_int64(w->deltext, 1, rid);
	sqlite3_bind_int64(w->delfields, 1, rid);
	sqlite3_bind_int64(w->del, 1, rid);
	sqlite3_bind_int64(w->delentries, 1, rid);
	sqlite3_bind_int64(w->deldeal, 1, rid);
	if (rc == SQLITE_OK)
		rc = uncount_entries(w, rid);
	if (rc == SQLITE_OK)
		rc = step_once(w->delentries);
	if (rc == SQLITE_OK)
		rc = step_once(w->deldeal);
	if (rc == SQLITE_OK)
		rc = step_once(w->deltext);
	if (rc == SQLITE_OK)
		rc = step_once(w->delfields);
	if (rc == SQLITE_OK)
		rc = step_once(w->del);
	return rc;
}
