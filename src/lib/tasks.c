/*
 * tasks.c - open tasks: which are due, with whom they concern, in one
 * query over the index; and moving a task to another day, recorded in
 * the task itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store-internal.h"

/*
 * The select of crm_tasks_due over the task "r": f is what it is for, k
 * the contact concerned (the contact itself, or the deal's), m the
 * company (itself, the contact's, the deal's).  The WHERE follows.
 */
static const char due_select[] =
	"SELECT r.id, r.name, r.due, r.due_at, r.owner, r.priority,"
	" r.for_id, f.type, f.name, m.id, m.name, k.id, k.name,"
	" coalesce(nullif(k.phones_shown, ''), m.phones_shown)"
	" FROM records r"
	" LEFT JOIN records f ON f.id = r.for_id AND f.broken IS NULL"
	" LEFT JOIN records k ON k.id = CASE f.type WHEN 1 THEN f.id"
	"  WHEN 2 THEN f.contact END AND k.broken IS NULL"
	" LEFT JOIN records m ON m.id = CASE f.type WHEN 0 THEN f.id"
	"  ELSE f.company END AND m.broken IS NULL"
	" WHERE r.type = 3 AND r.broken IS NULL AND r.due_at IS NOT NULL";

/* After the overdue (?1: today's local midnight, ?2: now; a time
 * passed today is overdue too), by due, high priority first. */
static const char due_order[] =
	" ORDER BY r.due_at >= ?%zu AND (instr(r.due, 'T') = 0"
	" OR r.due_at >= ?%zu), r.due_at, CASE r.priority WHEN 'high'"
	" THEN 0 WHEN 'low' THEN 2 ELSE 1 END, r.id";

/* Query environment: references resolved as on the command line. */
static int env_resolve(const char *ref, unsigned mask,
		       char id[CRM_ID_LEN + 1], void *data, struct crm_err *err)
{
	enum crm_type t;

	if (mask & CRM_TYPE_BIT(CRM_COMPANY))
		mask |= CRM_PREFER(CRM_COMPANY);
	return crm_store_resolve(data, mask, ref, &t, id, NULL, NULL, err);
}

/* Query environment: true when some record has the custom field key. */
static bool env_custom(const char *key, void *data)
{
	struct crm_store *s = data;
	sqlite3_stmt *st;
	bool found;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM fields WHERE key = ?1"
			       " LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* Appends a parameter to sql: text when text is not NULL, else num. */
static void add_param(struct crm_sql *sql, const char *text, double num)
{
	struct crm_sql_param *p;

	if (sql->nparams == sql->cap) {
		sql->cap = sql->cap ? sql->cap * 2 : 8;
		sql->params = crm_xrealloc(sql->params,
					   sql->cap * sizeof(*sql->params));
	}
	p = &sql->params[sql->nparams++];
	memset(p, 0, sizeof(*p));
	if (text)
		p->text = crm_xstrdup(text);
	else {
		p->is_num = true;
		p->num = num;
	}
}

/* The count of crm_tasks_count over the task "r"; the WHERE follows. */
static const char count_select[] =
	"SELECT count(*), total(instr(r.due, 'T') > 0) FROM records r"
	" WHERE r.type = 3 AND r.broken IS NULL AND r.due_at IS NOT NULL";

/* The whole statement of q into b (with count, the count of its tasks),
 * its parameters into sql. */
static int due_statement(struct crm_store *s, const struct crm_due_query *q,
			 bool count, struct crm_sql *sql, struct crm_buf *b,
			 struct crm_err *err)
{
	struct crm_query_env env = {env_resolve, env_custom, s,
				    CRM_TYPE_BIT(CRM_TASK),
				    s->cfg.default_region, &s->cfg};
	int rc;

	crm_buf_adds(b, count ? count_select : due_select);
	if (q->query && !crm_query_empty(q->query)) {
		if ((rc = crm_query_sql(q->query, &env, sql, err)))
			return rc;
		crm_buf_addf(b, " AND (%s)", sql->where.s);
	}
	add_param(sql, NULL, (double)q->until);
	crm_buf_addf(b, " AND r.due_at < ?%zu", sql->nparams);
	if (q->since) {
		add_param(sql, NULL, (double)q->since);
		crm_buf_addf(b, " AND r.due_at >= ?%zu", sql->nparams);
	}
	if (q->owner) {
		add_param(sql, q->owner, 0);
		crm_buf_addf(b, " AND r.owner = ?%zu", sql->nparams);
	}
	if (count)
		return CRM_OK;
	if (q->by_due) {
		/* the order of records_task_due: nothing to sort first */
		crm_buf_adds(b, " ORDER BY r.due_at, r.id");
		return CRM_OK;
	}
	add_param(sql, NULL, (double)crm_day_start(q->now, 0));
	add_param(sql, NULL, (double)q->now);
	crm_buf_addf(b, due_order, sql->nparams - 1, sql->nparams);
	return CRM_OK;
}

/* Column i of st as text, "" when NULL. */
static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v ? (const char *)v : "";
}

/* Fills t from the current row of st; phone is filled with the first
 * phone of the column (the caller's buffer). */
static void read_due(sqlite3_stmt *st, struct crm_due_task *t,
		     struct crm_buf *phone)
{
	const char *phones = col(st, 13);
	bool is_deal, is_contact;

	memset(t, 0, sizeof(*t));
	t->id = col(st, 0);
	t->name = col(st, 1);
	t->due = col(st, 2);
	t->due_at = sqlite3_column_int64(st, 3);
	t->owner = col(st, 4);
	t->priority = col(st, 5);
	t->for_id = col(st, 6);
	t->for_type = sqlite3_column_type(st, 7) == SQLITE_NULL
		      ? CRM_NTYPES : (enum crm_type)sqlite3_column_int(st, 7);
	is_deal = t->for_type == CRM_DEAL;
	is_contact = t->for_type == CRM_CONTACT;
	/* a contact is its own client; a deal's is its company first */
	t->client_id = is_contact || col(st, 9)[0] == '\0' ? col(st, 11)
							  : col(st, 9);
	t->client_name = is_contact || col(st, 9)[0] == '\0' ? col(st, 12)
							    : col(st, 10);
	t->deal_id = is_deal ? t->for_id : "";
	t->deal_name = is_deal ? col(st, 8) : "";
	phone->len = 0;
	crm_buf_add(phone, phones, strcspn(phones, "\n"));
	t->phone = phone->s ? phone->s : "";
}

/* Binds sql's parameters to st. */
static void bind_params(sqlite3_stmt *st, const struct crm_sql *sql)
{
	size_t i;

	for (i = 0; i < sql->nparams; i++) {
		if (sql->params[i].is_num)
			sqlite3_bind_int64(st, (int)i + 1,
					   (sqlite3_int64)sql->params[i].num);
		else
			sqlite3_bind_text(st, (int)i + 1, sql->params[i].text,
					  -1, SQLITE_STATIC);
	}
}

int crm_tasks_due(struct crm_store *s, const struct crm_due_query *q,
		  crm_due_cb cb, void *data, struct crm_err *err)
{
	struct crm_sql sql = {0};
	struct crm_buf b = {0}, phone = {0};
	struct crm_due_task t;
	sqlite3_stmt *st = NULL;
	sqlite3 *db;
	int rc, step, stop = 0;

	if ((rc = crm_store_index(s, &db, err)) ||
	    (rc = due_statement(s, q, false, &sql, &b, err)))
		goto out;
	if (sqlite3_prepare_v2(db, b.s, -1, &st, NULL) != SQLITE_OK) {
		rc = crm_seterr(err, CRM_ERR, _("index: %s"), sqlite3_errmsg(db));
		goto out;
	}
	bind_params(st, &sql);
	while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
		read_due(st, &t, &phone);
		stop = cb(&t, data);
	}
	if (stop)
		rc = stop;
	else if (step != SQLITE_DONE)
		rc = crm_seterr(err, strstr(sqlite3_errmsg(db), "regular")
				? CRM_EUSAGE : CRM_ERR, _("query: %s"),
				sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	crm_sql_free(&sql);
	crm_buf_free(&b);
	crm_buf_free(&phone);
	return rc;
}

int crm_tasks_count(struct crm_store *s, const struct crm_due_query *q,
		    size_t *n, size_t *timed, struct crm_err *err)
{
	struct crm_sql sql = {0};
	struct crm_buf b = {0};
	sqlite3_stmt *st = NULL;
	sqlite3 *db;
	int rc;

	*n = 0;
	if (timed)
		*timed = 0;
	if ((rc = crm_store_index(s, &db, err)) ||
	    (rc = due_statement(s, q, true, &sql, &b, err)))
		goto out;
	if (sqlite3_prepare_v2(db, b.s, -1, &st, NULL) != SQLITE_OK) {
		rc = crm_seterr(err, CRM_ERR, _("index: %s"), sqlite3_errmsg(db));
		goto out;
	}
	bind_params(st, &sql);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*n = (size_t)sqlite3_column_int64(st, 0);
		if (timed)
			*timed = (size_t)sqlite3_column_int64(st, 1);
	} else
		rc = crm_seterr(err, CRM_ERR, _("query: %s"), sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	crm_sql_free(&sql);
	crm_buf_free(&b);
	return rc;
}

/* The rescheduled list of r, added empty when absent. */
static struct crm_node *rescheduled_of(struct crm_record *r)
{
	struct crm_node *n = crm_map_get(r->map, "rescheduled");

	if (n == NULL || n->kind != CRM_NODE_SEQ) {
		crm_map_set(r->map, "rescheduled", crm_node_new_seq());
		n = crm_map_get(r->map, "rescheduled");
	}
	return n;
}

int crm_task_reschedule(struct crm_record *r, const char *to, const char *by,
			time_t now, bool *same, struct crm_err *err)
{
	const char *from = crm_map_str(r->map, "due");
	struct crm_node *m;
	struct crm_date d;
	char at[40];

	*same = false;
	if (crm_date_parse_stored(to, &d) != CRM_OK)
		return crm_seterr(err, CRM_EUSAGE, _("invalid date '%s' "
				  "(expected ISO 8601)"), to);
	if (from && strcmp(from, to) == 0) {
		*same = true;
		return CRM_OK;
	}
	crm_date_now(now, at, sizeof(at));
	m = crm_node_new_map();
	if (from && from[0])
		crm_map_set_str(m, "from", from);
	crm_map_set_str(m, "to", to);
	crm_map_set_str(m, "at", at);
	if (by && by[0])
		crm_map_set_str(m, "by", by);
	crm_seq_push(rescheduled_of(r), m);
	crm_map_set_str(r->map, "due", to);
	return CRM_OK;
}

/* The error about entry n of key: line and what is wrong. */
static int entry_error(const struct crm_node *n, const char *key,
		       const char *msg, struct crm_err *err)
{
	if (n->line)
		return crm_seterr(err, CRM_ERR, _("line %d: field '%s': %s"),
				  n->line, key, msg);
	return crm_seterr(err, CRM_ERR, _("field '%s': %s"), key, msg);
}

/* Checks that the value of name in entry e, when present (or required),
 * is a scalar; with date, a stored date.  NULL: fine, else the message. */
static const char *entry_value(const struct crm_node *e, const char *name,
			       bool required, bool date)
{
	const struct crm_node *v = crm_map_get(e, name);
	struct crm_date d;

	if (v == NULL)
		return required ? N_("an entry needs '%s'") : NULL;
	if (v->kind != CRM_NODE_SCALAR)
		return N_("'%s' of an entry must be a single value");
	if (date && crm_date_parse_stored(v->str, &d) != CRM_OK)
		return N_("'%s' of an entry is no date (expected ISO 8601)");
	if (!date && v->str[0] == '\0')
		return N_("'%s' of an entry must not be empty");
	return NULL;
}

int crm_rescheduled_check(const struct crm_node *n, const char *key,
			  struct crm_err *err)
{
	static const struct {
		const char *name;
		bool required, date;
	} parts[] = {
		{"from", false, true}, {"to", true, true},
		{"at", true, true}, {"by", false, false},
	};
	const struct crm_node *e;
	const char *bad;
	char msg[256];
	size_t i, j;

	if (n->kind != CRM_NODE_SEQ)
		return entry_error(n, key, _("must be a list"), err);
	for (i = 0; i < n->len; i++) {
		e = n->items[i];
		if (e->kind != CRM_NODE_MAP)
			return entry_error(e, key, _("items must be mappings"),
					   err);
		for (j = 0; j < sizeof(parts) / sizeof(parts[0]); j++) {
			bad = entry_value(e, parts[j].name, parts[j].required,
					  parts[j].date);
			if (bad == NULL)
				continue;
			snprintf(msg, sizeof(msg), _(bad), parts[j].name);
			return entry_error(e, key, msg, err);
		}
	}
	return CRM_OK;
}
