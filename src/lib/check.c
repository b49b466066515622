/*
 * check.c - crm check: the rules of the sales process over the whole
 * store, from the index.  One pass over the records table finds what
 * each row breaks; record files are read only for the open deals whose
 * last change is old enough for them to be stale, to find their last
 * timeline entry or stage change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store-internal.h"

static const char *const kind_names[CRM_CHECK_NKINDS] = {
	"no-task", "overdue", "stale", "no-owner", "unknown-owner",
	"missing-ref", "bad-phone", "bad-email", "rule", "broken",
};

const char *crm_check_kind_name(enum crm_check_kind k)
{
	return k < CRM_CHECK_NKINDS ? kind_names[k] : "";
}

/* An id of the store with its type, for the references' lookups. */
struct known {
	char id[CRM_ID_LEN + 1];
	enum crm_type type;
};

/* What a check collects. */
struct check {
	struct crm_store *s;
	const struct crm_config *cfg;
	const char *owner;    /* the filter, or NULL */
	time_t now;
	struct known *ids;    /* every record, sorted by type, then id */
	size_t nids;
	size_t first[CRM_NTYPES + 1]; /* where each type's ids start */
	char (*tasked)[CRM_ID_LEN + 1]; /* records with an open task, sorted */
	size_t ntasked, captasked;
	int phones_state;     /* the phone module: 0 not tried, 1 loaded,
				 -1 missing */
	struct crm_finding *f;
	size_t n, cap;
};

static int cmp_known(const void *a, const void *b)
{
	return strcmp(((const struct known *)a)->id,
		      ((const struct known *)b)->id);
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Adds a finding for a record (owner, field, value may be NULL); drops
 * it when the check is for another owner. */
static struct crm_finding *add(struct check *c, enum crm_check_kind kind,
			       enum crm_type type, const char *id,
			       const char *name, const char *owner,
			       const char *field, const char *value)
{
	struct crm_finding *f;

	if (c->owner && kind != CRM_CHECK_RULE && kind != CRM_CHECK_BROKEN &&
	    (owner == NULL || strcmp(owner, c->owner) != 0))
		return NULL;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->f = crm_xrealloc(c->f, c->cap * sizeof(*c->f));
	}
	f = &c->f[c->n++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->type = type;
	snprintf(f->id, sizeof(f->id), "%s", id ? id : "");
	f->name = crm_xstrdup(name ? name : "");
	f->owner = owner ? crm_xstrdup(owner) : NULL;
	f->field = field ? crm_xstrdup(field) : NULL;
	f->value = value ? crm_xstrdup(value) : NULL;
	return f;
}

/* Reads every record's id and type, in the order of the index on (type,
 * id): each type's ids sorted (SQLite's BINARY order is strcmp's for
 * ASCII ids), with no sort here. */
static int load_ids(struct check *c, sqlite3 *db, struct crm_err *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int t, k = 0;

	if (sqlite3_prepare_v2(db, "SELECT type, id FROM records"
			       " ORDER BY type, id", -1, &st, NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		t = sqlite3_column_int(st, 0);
		if (t < 0 || t >= CRM_NTYPES || sqlite3_column_text(st, 1) == NULL)
			continue;
		if (c->nids == cap) {
			cap = cap ? cap * 2 : 1024;
			c->ids = crm_xrealloc(c->ids, cap * sizeof(*c->ids));
		}
		while (k <= t)
			c->first[k++] = c->nids;
		snprintf(c->ids[c->nids].id, sizeof(c->ids[c->nids].id), "%s",
			 (const char *)sqlite3_column_text(st, 1));
		c->ids[c->nids++].type = (enum crm_type)t;
	}
	while (k <= CRM_NTYPES)
		c->first[k++] = c->nids;
	sqlite3_finalize(st);
	return CRM_OK;
}

/* The known id of type t, or NULL. */
static struct known *find_known(const struct check *c, enum crm_type t,
				const char *id)
{
	struct known key;

	if (c->first[t + 1] == c->first[t])
		return NULL;
	memcpy(key.id, id, CRM_ID_LEN + 1); /* valid: that long */
	return bsearch(&key, c->ids + c->first[t], c->first[t + 1] - c->first[t],
		       sizeof(*c->ids), cmp_known);
}

/* Notes that for_id has an open task (crm_next_tasks' callback). */
static int note_tasked(const char *for_id, const struct crm_next_task *t,
		       void *data)
{
	struct check *c = data;

	(void)t;
	if (c->ntasked == c->captasked) {
		c->captasked = c->captasked ? c->captasked * 2 : 1024;
		c->tasked = crm_xrealloc(c->tasked, c->captasked *
					 sizeof(*c->tasked));
	}
	snprintf(c->tasked[c->ntasked++], CRM_ID_LEN + 1, "%s", for_id);
	return CRM_OK;
}

/* True when a record of a type in mask has id. */
static bool exists(const struct check *c, const char *id, unsigned mask)
{
	int t;

	if (!crm_id_valid(id))
		return false;
	for (t = 0; t < CRM_NTYPES; t++)
		if ((mask & CRM_TYPE_BIT(t)) && find_known(c, (enum crm_type)t, id))
			return true;
	return false;
}

/* The columns the pass reads, in this order. */
enum {
	COL_ID, COL_TYPE, COL_NAME, COL_OWNER, COL_STATUS, COL_RELATION,
	COL_PIPELINE, COL_STAGE, COL_UPDATED, COL_COMPANY, COL_CONTACT,
	COL_FOR, COL_COMPETITORS, COL_PHONES, COL_EMAILS, COL_DUE, COL_DUE_AT,
	COL_KEYS,
};

static const char pass_sql[] =
	"SELECT r.id, r.type, r.name, r.owner, r.status, r.relation,"
	" r.pipeline, r.stage, r.updated_at, r.company, r.contact, r.for_id,"
	" r.competitors, r.phones, r.emails, r.due, r.due_at,"
	" CASE WHEN r.phones IS NOT NULL THEN (SELECT x.phone_keys FROM texts x"
	" WHERE x.rid = r.rid) END"
	" FROM records r WHERE r.broken IS NULL";

/* A column's text, or NULL. */
static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* The row as a record of the fields crm_is_active looks at. */
static bool row_active(const struct check *c, sqlite3_stmt *st,
		       enum crm_type type)
{
	static const struct {
		const char *key;
		int col;
	} keys[] = {
		{"status", COL_STATUS}, {"relation", COL_RELATION},
		{"pipeline", COL_PIPELINE}, {"stage", COL_STAGE},
	};
	struct crm_record r = {.type = type};
	size_t i;
	bool active;

	r.map = crm_node_new_map();
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (col(st, keys[i].col))
			crm_map_set_str(r.map, keys[i].key,
					col(st, keys[i].col));
	active = crm_is_active(c->cfg, &r);
	crm_node_free(r.map);
	return active;
}

/* Owner rules: every record has a known owner. */
static void check_owner(struct check *c, sqlite3_stmt *st, enum crm_type t)
{
	const char *owner = col(st, COL_OWNER);

	if (owner == NULL)
		add(c, CRM_CHECK_NO_OWNER, t, col(st, COL_ID),
		    col(st, COL_NAME), NULL, "owner", NULL);
	else if (crm_config_user(c->cfg, owner) == NULL)
		add(c, CRM_CHECK_UNKNOWN_OWNER, t, col(st, COL_ID),
		    col(st, COL_NAME), owner, "owner", owner);
}

/* A reference of the row (the list of ids text, '\n'-joined) that names
 * no record of mask. */
static void check_refs(struct check *c, sqlite3_stmt *st, enum crm_type t,
		       int column, const char *field, unsigned mask)
{
	const char *v = col(st, column), *nl;
	char id[64];
	size_t len;

	for (; v && *v; v = nl ? nl + 1 : NULL) {
		nl = strchr(v, '\n');
		len = nl ? (size_t)(nl - v) : strlen(v);
		snprintf(id, sizeof(id), "%.*s", (int)(len < sizeof(id) - 1 ? len : sizeof(id) - 1), v);
		if (!exists(c, id, mask))
			add(c, CRM_CHECK_MISSING_REF, t, col(st, COL_ID),
			    col(st, COL_NAME), col(st, COL_OWNER), field, id);
	}
}

/* True when s can be an e-mail address: one '@' with text before it, a
 * domain of dot-separated labels of letters, digits and '-' (or any
 * non-ASCII: international domains), no spaces. */
static bool email_possible(const char *s)
{
	const char *at = strchr(s, '@'), *p;
	bool dot = false;

	if (at == NULL || at == s || strchr(at + 1, '@') ||
	    strpbrk(s, " \t\r\n,;<>()[]\\\"") != NULL)
		return false;
	if (at[1] == '.' || at[1] == '-' || at[1] == '\0')
		return false;
	for (p = at + 1; *p; p++) {
		if (*p == '.') {
			if (p[1] == '.' || p[1] == '\0' || p[-1] == '-')
				return false;
			dot = true;
		} else if (!((*p >= 'a' && *p <= 'z') ||
			     (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || *p == '-' ||
			     (unsigned char)*p >= 0x80)) {
			return false;
		}
	}
	return dot;
}

/* The number of '\n'-separated lines of s (NULL: 0). */
static size_t count_lines(const char *s, char sep)
{
	size_t n = 0;

	if (s == NULL)
		return 0;
	if (sep == '\n' && *s)
		n = 1;
	for (; *s; s++)
		if (*s == sep)
			n++;
	return n;
}

/* Phones and e-mails that cannot be valid.  The index keeps a key for
 * each phone of a possible length: a row with fewer keys than phones
 * has one that is not, found by parsing its phones again. */
static void check_contacts(struct check *c, sqlite3_stmt *st,
			   enum crm_type t)
{
	const char *v, *nl;
	char one[256];
	struct crm_phone ph;
	size_t len;

	for (v = col(st, COL_EMAILS); v && *v; v = nl ? nl + 1 : NULL) {
		nl = strchr(v, '\n');
		len = nl ? (size_t)(nl - v) : strlen(v);
		snprintf(one, sizeof(one), "%.*s",
			 (int)(len < 255 ? len : 255), v);
		if (!email_possible(one))
			add(c, CRM_CHECK_BAD_EMAIL, t, col(st, COL_ID),
			    col(st, COL_NAME), col(st, COL_OWNER), "emails",
			    one);
	}
	v = col(st, COL_PHONES);
	/* each key ends in ';' */
	if (v == NULL ||
	    count_lines(v, '\n') == count_lines(col(st, COL_KEYS), ';'))
		return;
	if (c->phones_state == 0)
		c->phones_state = crm_phone_load(NULL) == CRM_OK ? 1 : -1;
	if (c->phones_state < 0)
		return; /* no module: no phone can be judged */
	for (; v && *v; v = nl ? nl + 1 : NULL) {
		nl = strchr(v, '\n');
		len = nl ? (size_t)(nl - v) : strlen(v);
		snprintf(one, sizeof(one), "%.*s",
			 (int)(len < 255 ? len : 255), v);
		if (crm_phone_parse(one, c->cfg->default_region, &ph, NULL) !=
		    CRM_OK || !ph.possible)
			add(c, CRM_CHECK_BAD_PHONE, t, col(st, COL_ID),
			    col(st, COL_NAME), col(st, COL_OWNER), "phones",
			    one);
	}
}

/* An open deal of the row past its stage's rot_days since its latest
 * timeline entry or stage change (its creation when it has neither). */
static int check_stale(struct check *c, sqlite3_stmt *st)
{
	const struct crm_pipeline *p = crm_config_pipeline(c->cfg,
							   col(st, COL_PIPELINE));
	const struct crm_stage *stage = crm_pipeline_stage(p, col(st, COL_STAGE)
							   ? col(st, COL_STAGE)
							   : "");
	struct crm_record *r;
	struct crm_finding *f;
	long long last = 0;
	bool known;
	time_t limit;

	if (stage == NULL || stage->kind != CRM_STAGE_OPEN || stage->rot_days <= 0)
		return CRM_OK;
	limit = c->now - (time_t)stage->rot_days * 86400;
	/* every activity changes updated: a deal changed since is not */
	if (sqlite3_column_type(st, COL_UPDATED) != SQLITE_NULL &&
	    sqlite3_column_int64(st, COL_UPDATED) >= limit)
		return CRM_OK;
	if (crm_store_read(c->s, CRM_DEAL, col(st, COL_ID), &r, NULL) != CRM_OK)
		return CRM_OK; /* broken meanwhile: reported as such */
	known = crm_record_last_activity(r, &last);
	crm_record_free(r);
	if (!crm_deal_stale(stage, known, last, c->now))
		return CRM_OK;
	f = add(c, CRM_CHECK_STALE, CRM_DEAL, col(st, COL_ID), col(st, COL_NAME),
		col(st, COL_OWNER), "stage", stage->label.id);
	if (f)
		f->days = (long)(((long long)c->now - last) / 86400);
	return CRM_OK;
}

/* A task of the row past its due. */
static void check_overdue(struct check *c, sqlite3_stmt *st)
{
	struct crm_next_task t = {.found = true};
	struct crm_finding *f;

	if (sqlite3_column_type(st, COL_DUE_AT) == SQLITE_NULL ||
	    col(st, COL_DUE) == NULL)
		return;
	t.has_due = true;
	t.due_at = sqlite3_column_int64(st, COL_DUE_AT);
	/* two days from now either way, crm_task_state decides; beyond,
	 * the answer is plain (and spares a time zone lookup per task) */
	if (t.due_at > c->now + 2 * 86400)
		return;
	snprintf(t.due, sizeof(t.due), "%s", col(st, COL_DUE));
	if (t.due_at >= c->now - 2 * 86400 &&
	    crm_task_state(&t, c->now) != CRM_TASK_OVERDUE)
		return;
	f = add(c, CRM_CHECK_OVERDUE, CRM_TASK, col(st, COL_ID),
		col(st, COL_NAME), col(st, COL_OWNER), "due", t.due);
	if (f)
		f->days = t.due_at < c->now ? (long)((c->now - t.due_at) / 86400)
					    : 0;
}

/* Every rule of one row. */
static int check_row(struct check *c, sqlite3_stmt *st)
{
	enum crm_type t = (enum crm_type)sqlite3_column_int(st, COL_TYPE);
	const char *id = col(st, COL_ID);

	if (id == NULL || t >= CRM_NTYPES)
		return CRM_OK;
	check_owner(c, st, t);
	check_refs(c, st, t, COL_COMPANY, "company",
		   CRM_TYPE_BIT(CRM_COMPANY));
	check_refs(c, st, t, COL_CONTACT, "contact",
		   CRM_TYPE_BIT(CRM_CONTACT));
	check_refs(c, st, t, COL_COMPETITORS, "competitors",
		   CRM_TYPE_BIT(CRM_COMPANY));
	check_refs(c, st, t, COL_FOR, "for", CRM_TYPE_BIT(CRM_COMPANY) |
		   CRM_TYPE_BIT(CRM_CONTACT) | CRM_TYPE_BIT(CRM_DEAL));
	check_contacts(c, st, t);
	if (t == CRM_TASK) {
		check_overdue(c, st);
		return CRM_OK;
	}
	if (row_active(c, st, t) &&
	    (c->ntasked == 0 || bsearch(id, c->tasked, c->ntasked,
					sizeof(*c->tasked), cmp_id) == NULL))
		add(c, CRM_CHECK_NO_TASK, t, id, col(st, COL_NAME),
		    col(st, COL_OWNER), NULL, NULL);
	return t == CRM_DEAL ? check_stale(c, st) : CRM_OK;
}

/* The pass over every record that reads. */
static int check_rows(struct check *c, sqlite3 *db, struct crm_err *err)
{
	sqlite3_stmt *st;
	int rc = CRM_OK, sr;

	if (sqlite3_prepare_v2(db, pass_sql, -1, &st, NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	while (rc == CRM_OK && (sr = sqlite3_step(st)) == SQLITE_ROW)
		rc = check_row(c, st);
	if (rc == CRM_OK && sr != SQLITE_DONE)
		rc = crm_seterr(err, CRM_ERR, _("index: %s"),
				sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

/* The rules of crm.yaml that cannot run, and the files that do not read. */
static int check_config(struct check *c, struct crm_err *err)
{
	struct crm_broken *b = NULL;
	size_t i, nb = 0;
	int rc;

	for (i = 0; i < c->cfg->nrules; i++)
		if (c->cfg->rules[i].problem)
			add(c, CRM_CHECK_RULE, CRM_NTYPES, NULL,
			    c->cfg->rules[i].name, NULL, "automation",
			    c->cfg->rules[i].problem);
	if ((rc = crm_find_broken(c->s, CRM_TYPE_ALL, &b, &nb, err)))
		return rc;
	for (i = 0; i < nb; i++) {
		enum crm_type t = CRM_NTYPES;
		char id[CRM_ID_LEN + 1] = "";

		crm_record_path_parse(b[i].path, &t, id);
		add(c, CRM_CHECK_BROKEN, t, id, b[i].path, NULL, NULL,
		    b[i].error);
	}
	crm_broken_free(b, nb);
	return CRM_OK;
}

/* The length of the common prefix of a and b. */
static size_t common(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	return i;
}

/* One id of the store with the length of its shortest unique prefix. */
struct unique {
	const char *id;
	size_t len;
};

static int cmp_unique(const void *a, const void *b)
{
	return strcmp(((const struct unique *)a)->id,
		      ((const struct unique *)b)->id);
}

/* Every id of the store in order, merged from the types' sorted runs,
 * each with one more than its longest common prefix with its
 * neighbours (at least 4).  Caller frees. */
static struct unique *unique_prefixes(const struct check *c)
{
	struct unique *u = crm_xcalloc(c->nids + 1, sizeof(*u));
	size_t at[CRM_NTYPES], i, l;
	int t, best;

	for (t = 0; t < CRM_NTYPES; t++)
		at[t] = c->first[t];
	for (i = 0; i < c->nids; i++) {
		best = -1;
		for (t = 0; t < CRM_NTYPES; t++)
			if (at[t] < c->first[t + 1] &&
			    (best < 0 || strcmp(c->ids[at[t]].id,
						c->ids[at[best]].id) < 0))
				best = t;
		u[i].id = c->ids[at[best]++].id;
		u[i].len = 4;
	}
	for (i = 1; i < c->nids; i++) {
		l = common(u[i - 1].id, u[i].id) + 1;
		if (l > u[i - 1].len)
			u[i - 1].len = l;
		if (l > u[i].len)
			u[i].len = l;
	}
	return u;
}

/* Sets each finding's idlen (its id's shortest unique prefix). */
static void set_idlens(struct check *c)
{
	struct unique *u = unique_prefixes(c), key, *k;
	size_t i;

	for (i = 0; i < c->n; i++) {
		c->f[i].idlen = strlen(c->f[i].id);
		if (!crm_id_valid(c->f[i].id))
			continue;
		key.id = c->f[i].id;
		k = bsearch(&key, u, c->nids, sizeof(*u), cmp_unique);
		c->f[i].idlen = k && k->len < CRM_ID_LEN ? k->len : CRM_ID_LEN;
	}
	free(u);
}

/* True when ids[0..n) are in order. */
static bool sorted(char (*ids)[CRM_ID_LEN + 1], size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (strcmp(ids[i - 1], ids[i]) > 0)
			return false;
	return true;
}

/* Findings by owner (none first), kind, name, id. */
static int cmp_finding(const void *pa, const void *pb)
{
	const struct crm_finding *a = pa, *b = pb;
	int d;

	if ((a->owner == NULL) != (b->owner == NULL))
		return a->owner == NULL ? -1 : 1;
	if (a->owner && (d = strcmp(a->owner, b->owner)) != 0)
		return d;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((d = strcmp(a->name, b->name)) != 0)
		return d;
	if ((d = strcmp(a->id, b->id)) != 0)
		return d;
	return strcmp(a->value ? a->value : "", b->value ? b->value : "");
}

int crm_check(struct crm_store *s, const char *owner, time_t now,
	      struct crm_finding **out, size_t *n, struct crm_err *err)
{
	struct check c = {.s = s, .cfg = &s->cfg, .owner = owner, .now = now};
	sqlite3 *db;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = crm_store_index(s, &db, err)) ||
	    (rc = load_ids(&c, db, err)) ||
	    (rc = crm_next_tasks(s, note_tasked, &c, err)))
		goto out;
	if (!sorted(c.tasked, c.ntasked)) /* they come by for_id, as a rule */
		qsort(c.tasked, c.ntasked, sizeof(*c.tasked), cmp_id);
	if ((rc = check_rows(&c, db, err)) || (rc = check_config(&c, err)))
		goto out;
	set_idlens(&c);
	if (c.n)
		qsort(c.f, c.n, sizeof(*c.f), cmp_finding);
	*out = c.f;
	*n = c.n;
	c.f = NULL;
	c.n = 0;
out:
	crm_findings_free(c.f, c.n);
	free(c.ids);
	free(c.tasked);
	return rc;
}

void crm_findings_free(struct crm_finding *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].owner);
		free(f[i].field);
		free(f[i].value);
	}
	free(f);
}
