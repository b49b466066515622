/*
 * check.c - crm check: the rules of the sales process over the whole
 * store, from the index.  One pass over the records table finds what
 * each row breaks; no record file is read.
 */
#include <stdint.h>
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

/* An id of the store with its type and what the check learns of it. */
struct known {
	char id[CRM_ID_LEN + 1];
	unsigned char type;
	unsigned char idlen;  /* its shortest unique prefix, at least 4 */
	bool tasked;          /* it has an open task */
};

/* What a check collects. */
struct check {
	struct crm_store *s;
	const struct crm_config *cfg;
	const char *owner;    /* the filter, or NULL */
	time_t now;
	struct known *ids;    /* every record, sorted by id, while loading */
	size_t nids;
	struct known *slots;  /* then a hash table of them (id "": free) */
	size_t mask;          /* its size less one (a power of two) */
	int phones_state;     /* the phone module: 0 not tried, 1 loaded,
				 -1 missing */
	struct crm_finding *f;
	size_t n, cap;
	uint32_t *owner_of;   /* by finding: its owner's place in owners + 1
				 (0: none) */
	char **owners;        /* the owners found, each once */
	size_t nowners, capowners;
	uint32_t *oslots;     /* a hash table of owners: place + 1, 0 free */
	size_t omask;         /* its size less one (a power of two) */
};

static uint32_t id_hash(const char *id);

/* Doubles the hash table of owners (or makes it), putting them back. */
static void grow_owners(struct check *c)
{
	size_t size = c->omask ? 2 * (c->omask + 1) : 64, i, pos;

	free(c->oslots);
	c->oslots = crm_xcalloc(size, sizeof(*c->oslots));
	c->omask = size - 1;
	for (i = 0; i < c->nowners; i++) {
		for (pos = id_hash(c->owners[i]); c->oslots[pos & c->omask]; pos++)
			;
		c->oslots[pos & c->omask] = (uint32_t)(i + 1);
	}
	c->capowners = size / 2;
	c->owners = crm_xrealloc(c->owners, c->capowners * sizeof(*c->owners));
}

/* The place of owner in c->owners, where it is added the first time. */
static uint32_t owner_place(struct check *c, const char *owner)
{
	size_t pos;
	uint32_t k;

	if (c->nowners == c->capowners)
		grow_owners(c);
	for (pos = id_hash(owner); (k = c->oslots[pos & c->omask]) != 0; pos++)
		if (strcmp(c->owners[k - 1], owner) == 0)
			return k - 1;
	c->owners[c->nowners] = crm_xstrdup(owner);
	c->oslots[pos & c->omask] = (uint32_t)(c->nowners + 1);
	return (uint32_t)c->nowners++;
}

/* Adds a finding for a record (owner, field, value may be NULL; field
 * is a static name); drops it when the check is for another owner. */
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
		c->owner_of = crm_xrealloc(c->owner_of,
					   c->cap * sizeof(*c->owner_of));
	}
	f = &c->f[c->n++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->type = type;
	snprintf(f->id, sizeof(f->id), "%s", id ? id : "");
	f->name = crm_xstrdup(name ? name : "");
	f->owner = owner ? crm_xstrdup(owner) : NULL;
	f->field = field;
	f->value = value ? crm_xstrdup(value) : NULL;
	c->owner_of[c->n - 1] = owner ? owner_place(c, owner) + 1 : 0;
	return f;
}

/* The hash of id. */
static uint32_t id_hash(const char *id)
{
	return crm_hash(id, strlen(id));
}

/* The next known of id from place *pos of the hash table on (of any
 * type), moving *pos past it; NULL when there is none.  Start with *pos
 * the id's hash. */
static struct known *next_known(const struct check *c, const char *id,
				size_t *pos)
{
	struct known *k;

	for (; (k = &c->slots[*pos & c->mask])->id[0] != '\0'; (*pos)++)
		if (strcmp(k->id, id) == 0) {
			(*pos)++;
			return k;
		}
	return NULL;
}

/* The known id of a type in mask, or NULL. */
static struct known *find_known(const struct check *c, const char *id,
				unsigned mask)
{
	size_t pos = id_hash(id);
	struct known *k;

	while ((k = next_known(c, id, &pos)) != NULL)
		if (mask & CRM_TYPE_BIT(k->type))
			return k;
	return NULL;
}

/* Moves every known id into the hash table (one cache line a lookup
 * reads, not two). */
static void hash_ids(struct check *c)
{
	size_t size = 16, i, pos;

	while (size < 2 * c->nids)
		size *= 2;
	c->slots = crm_xcalloc(size, sizeof(*c->slots));
	c->mask = size - 1;
	for (i = 0; i < c->nids; i++) {
		for (pos = id_hash(c->ids[i].id); c->slots[pos & c->mask].id[0];
		     pos++)
			;
		c->slots[pos & c->mask] = c->ids[i];
	}
	free(c->ids);
	c->ids = NULL;
}

/* The length of the common prefix of a and b. */
static size_t common(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	return i;
}

/* Sets each id's idlen: one more than its longest common prefix with
 * its neighbours in order, at least 4, at most its length. */
static void set_idlens(struct check *c)
{
	size_t i, l;

	for (i = 0; i < c->nids; i++)
		c->ids[i].idlen = 4;
	for (i = 1; i < c->nids; i++) {
		l = common(c->ids[i - 1].id, c->ids[i].id) + 1;
		if (l > c->ids[i - 1].idlen)
			c->ids[i - 1].idlen = (unsigned char)l;
		if (l > c->ids[i].idlen)
			c->ids[i].idlen = (unsigned char)l;
	}
	for (i = 0; i < c->nids; i++)
		if (c->ids[i].idlen > strlen(c->ids[i].id))
			c->ids[i].idlen = (unsigned char)strlen(c->ids[i].id);
}

/* Merges the types' sorted runs of ids[0..n) (run t from first[t]) into
 * c->ids, in order of id. */
static void merge_runs(struct check *c, const struct known *ids, size_t n,
		       const size_t first[CRM_NTYPES + 1])
{
	size_t at[CRM_NTYPES], i;
	int t, best;

	c->ids = crm_xcalloc(n + 1, sizeof(*c->ids));
	c->nids = n;
	for (t = 0; t < CRM_NTYPES; t++)
		at[t] = first[t];
	for (i = 0; i < n; i++) {
		best = -1;
		for (t = 0; t < CRM_NTYPES; t++)
			if (at[t] < first[t + 1] &&
			    (best < 0 || strcmp(ids[at[t]].id,
						ids[at[best]].id) < 0))
				best = t;
		c->ids[i] = ids[at[best]++];
	}
}

/* Reads every record's id and type, in the order of the index on (type,
 * id): each type's ids sorted (SQLite's BINARY order is strcmp's for
 * ASCII ids), then merged; hashes them and finds their unique
 * prefixes. */
static int load_ids(struct check *c, sqlite3 *db, struct crm_err *err)
{
	size_t first[CRM_NTYPES + 1], cap = 0, n = 0;
	struct known *ids = NULL;
	sqlite3_stmt *st;
	int t, k = 0;

	if (sqlite3_prepare_v2(db, "SELECT type, id FROM records"
			       " ORDER BY type, id", -1, &st, NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		t = sqlite3_column_int(st, 0);
		if (t < 0 || t >= CRM_NTYPES || sqlite3_column_text(st, 1) == NULL)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			ids = crm_xrealloc(ids, cap * sizeof(*ids));
		}
		while (k <= t)
			first[k++] = n;
		memset(&ids[n], 0, sizeof(ids[n]));
		snprintf(ids[n].id, sizeof(ids[n].id), "%s",
			 (const char *)sqlite3_column_text(st, 1));
		ids[n++].type = (unsigned char)t;
	}
	while (k <= CRM_NTYPES)
		first[k++] = n;
	sqlite3_finalize(st);
	merge_runs(c, ids, n, first);
	free(ids);
	set_idlens(c);
	hash_ids(c);
	return CRM_OK;
}

/* Marks the records that have an open task. */
static int load_tasked(struct check *c, sqlite3 *db, struct crm_err *err)
{
	sqlite3_stmt *st;
	const char *id;
	struct known *k;
	size_t pos;

	if (sqlite3_prepare_v2(db, "SELECT DISTINCT for_id FROM records"
			       " WHERE type = 3 AND broken IS NULL AND for_id"
			       " IS NOT NULL", -1, &st, NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		id = (const char *)sqlite3_column_text(st, 0);
		pos = id_hash(id);
		while ((k = next_known(c, id, &pos)) != NULL)
			k->tasked = true;
	}
	sqlite3_finalize(st);
	return CRM_OK;
}

/* True when a record of a type in mask has id. */
static bool exists(const struct check *c, const char *id, unsigned mask)
{
	return crm_id_valid(id) && find_known(c, id, mask) != NULL;
}

/* The columns the pass reads, in this order. */
enum {
	COL_ID, COL_TYPE, COL_NAME, COL_OWNER, COL_STATUS, COL_RELATION,
	COL_PIPELINE, COL_STAGE, COL_UPDATED, COL_COMPANY, COL_CONTACT,
	COL_FOR, COL_COMPETITORS, COL_PHONES, COL_EMAILS, COL_DUE, COL_DUE_AT,
	COL_UNKEYED, COL_ACTIVE,
};

static const char pass_sql[] =
	"SELECT r.id, r.type, r.name, r.owner, r.status, r.relation,"
	" r.pipeline, r.stage, r.updated_at, r.company, r.contact, r.for_id,"
	" r.competitors, r.phones, r.emails, r.due, r.due_at, r.unkeyed,"
	" r.active_at"
	" FROM records r WHERE r.broken IS NULL";

/* A column's text, or NULL. */
static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
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

/* Phones and e-mails that cannot be valid: a phone that does not parse,
 * or does but is no valid number (crm stores every valid one in E.164
 * form, so what is left as typed is read again here). */
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
	if (v == NULL || v[0] == '\0')
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
		    CRM_OK || !ph.valid)
			add(c, CRM_CHECK_BAD_PHONE, t, col(st, COL_ID),
			    col(st, COL_NAME), col(st, COL_OWNER), "phones",
			    one);
	}
}

/* An open deal of the row past its stage's rot_days since its last
 * activity (its latest timeline entry or stage change, else its
 * creation). */
static void check_stale(struct check *c, sqlite3_stmt *st)
{
	const struct crm_pipeline *p = crm_config_pipeline(c->cfg,
							   col(st, COL_PIPELINE));
	const struct crm_stage *stage = crm_pipeline_stage(p, col(st, COL_STAGE)
							   ? col(st, COL_STAGE)
							   : "");
	bool known = sqlite3_column_type(st, COL_ACTIVE) != SQLITE_NULL;
	long long last = sqlite3_column_int64(st, COL_ACTIVE);
	struct crm_finding *f;

	if (!crm_deal_stale(stage, known, last, c->now))
		return;
	f = add(c, CRM_CHECK_STALE, CRM_DEAL, col(st, COL_ID), col(st, COL_NAME),
		col(st, COL_OWNER), "stage", stage->label.id);
	if (f)
		f->days = (long)(((long long)c->now - last) / 86400);
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
static void check_row(struct check *c, sqlite3_stmt *st)
{
	enum crm_type t = (enum crm_type)sqlite3_column_int(st, COL_TYPE);
	const char *id = col(st, COL_ID);
	const struct known *k;

	if (id == NULL || t >= CRM_NTYPES)
		return;
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
		return;
	}
	k = find_known(c, id, CRM_TYPE_BIT(t));
	if ((k == NULL || !k->tasked) &&
	    crm_is_active_fields(c->cfg, t, col(st, COL_STATUS),
				 col(st, COL_RELATION), col(st, COL_PIPELINE),
				 col(st, COL_STAGE)))
		add(c, CRM_CHECK_NO_TASK, t, id, col(st, COL_NAME),
		    col(st, COL_OWNER), NULL, NULL);
	if (t == CRM_DEAL)
		check_stale(c, st);
}

/* The pass over every record that reads. */
static int check_rows(struct check *c, sqlite3 *db, struct crm_err *err)
{
	sqlite3_stmt *st;
	int rc = CRM_OK, sr;

	if (sqlite3_prepare_v2(db, pass_sql, -1, &st, NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	while ((sr = sqlite3_step(st)) == SQLITE_ROW)
		check_row(c, st);
	if (sr != SQLITE_DONE)
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

/* Sets each finding's idlen (its id's shortest unique prefix). */
static void finding_idlens(struct check *c)
{
	const struct known *k;
	size_t i;

	for (i = 0; i < c->n; i++) {
		c->f[i].idlen = strlen(c->f[i].id);
		if (crm_id_valid(c->f[i].id) &&
		    (k = find_known(c, c->f[i].id, CRM_TYPE_ALL)) != NULL)
			c->f[i].idlen = k->idlen;
	}
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

/* A finding's place in the order: its owner's rank (0: none) and its
 * kind, the first bytes of its name, and itself. */
struct order_key {
	uint64_t group;
	uint64_t name8;
	const struct crm_finding *f;
};

static int cmp_order_key(const void *pa, const void *pb)
{
	const struct order_key *a = pa, *b = pb;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->name8 != b->name8)
		return a->name8 < b->name8 ? -1 : 1;
	return cmp_finding(a->f, b->f);
}

/* The first 8 bytes of s as a number that orders as strcmp does. */
static uint64_t prefix8(const char *s)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		v = v << 8 | (unsigned char)*s;
		if (*s)
			s++;
	}
	return v;
}

/* Orders pointers to strings by the strings. */
static int cmp_str_ptr(const void *a, const void *b)
{
	char *const *x = *(char *const *const *)a;
	char *const *y = *(char *const *const *)b;

	return strcmp(*x, *y);
}

/* The ranks of the owners in login order, by place in c->owners. */
static uint32_t *owner_ranks(const struct check *c)
{
	uint32_t *rank = crm_xcalloc(c->nowners + 1, sizeof(*rank));
	char **order_of, ***order = crm_xcalloc(c->nowners + 1, sizeof(*order));
	size_t i;

	for (i = 0; i < c->nowners; i++)
		order[i] = &c->owners[i];
	qsort(order, c->nowners, sizeof(*order), cmp_str_ptr);
	for (i = 0; i < c->nowners; i++) {
		order_of = order[i];
		rank[order_of - c->owners] = (uint32_t)i;
	}
	free(order);
	return rank;
}

/* Sorts the findings by owner (none first), kind, name, id, value. */
static void sort_findings(struct check *c)
{
	struct order_key *keys = crm_xcalloc(c->n + 1, sizeof(*keys));
	struct crm_finding *sorted = crm_xcalloc(c->n + 1, sizeof(*sorted));
	uint32_t *rank = owner_ranks(c);
	size_t i;

	for (i = 0; i < c->n; i++) {
		keys[i].group = (c->owner_of[i] ? rank[c->owner_of[i] - 1] + 1
						: 0) * (uint64_t)CRM_CHECK_NKINDS +
				c->f[i].kind;
		keys[i].name8 = prefix8(c->f[i].name);
		keys[i].f = &c->f[i];
	}
	qsort(keys, c->n, sizeof(*keys), cmp_order_key);
	for (i = 0; i < c->n; i++)
		sorted[i] = *keys[i].f;
	free(c->f);
	c->f = sorted;
	free(keys);
	free(rank);
}

int crm_check(struct crm_store *s, const char *owner, time_t now,
	      struct crm_finding **out, size_t *n, struct crm_err *err)
{
	struct check c = {.s = s, .cfg = &s->cfg, .owner = owner, .now = now};
	sqlite3 *db;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = crm_store_index(s, &db, err)) ||
	    (rc = load_ids(&c, db, err)) ||
	    (rc = load_tasked(&c, db, err)) ||
	    (rc = check_rows(&c, db, err)) || (rc = check_config(&c, err)))
		goto out;
	finding_idlens(&c);
	sort_findings(&c);
	*out = c.f;
	*n = c.n;
	c.f = NULL;
	c.n = 0;
out:
	crm_findings_free(c.f, c.n);
	free(c.ids);
	free(c.slots);
	free(c.owner_of);
	for (i = 0; i < c.nowners; i++)
		free(c.owners[i]);
	free(c.owners);
	free(c.oslots);
	return rc;
}

void crm_findings_free(struct crm_finding *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].owner);
		free(f[i].value);
	}
	free(f);
}
