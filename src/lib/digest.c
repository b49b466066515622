/*
 * digest.c - the morning digest of each owner, from the index: the open
 * tasks due (crm_tasks_due, one query), then one pass over the other
 * records for the rules crm check applies (crm_is_active_fields,
 * crm_deal_stale) and the birthdays; each section keeps its first items
 * only, and counts the rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "digest.h"
#include "store-internal.h"

/*
 * A set of ids, each kept as the number its CRM_ID_LEN symbols of 5 bits
 * make (50 bits: exact, and compared at once), in a table of open
 * addressing (0 marks a free slot: a number is stored plus one), with a
 * filter of one bit a number (128 KiB: it stays in the cache, which a
 * lookup in the table of a hundred thousand ids misses): a clear bit
 * answers no at once, as it does for most records.
 */
struct idset {
	uint64_t *slot;
	size_t mask, n;
	uint64_t *bits;
};

#define FILTER_BITS (1u << 20)

/* The value of symbol c of CRM_ID_ALPHABET (Crockford's base 32, no i,
 * l, o, u), or -1. */
static int id_symbol(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'h')
		return c - 'a' + 10;
	if (c == 'j' || c == 'k')
		return c - 'j' + 18;
	if (c == 'm' || c == 'n')
		return c - 'm' + 20;
	if (c >= 'p' && c <= 't')
		return c - 'p' + 22;
	if (c >= 'v' && c <= 'z')
		return c - 'v' + 27;
	return -1;
}

/* The number of id into *key; false when it is no id. */
static bool id_key(const char *id, uint64_t *key)
{
	uint64_t k = 0;
	int i, v;

	for (i = 0; i < CRM_ID_LEN; i++) {
		if ((v = id_symbol(id[i])) < 0)
			return false;
		k = k << 5 | (uint64_t)v;
	}
	*key = k + 1;
	return id[CRM_ID_LEN] == '\0';
}

/* The place of key in a table: a mix of its bits. */
static size_t key_hash(uint64_t key)
{
	key ^= key >> 29;
	key *= 0xbf58476d1ce4e5b9ULL;
	key ^= key >> 32;
	return (size_t)key;
}

/* Puts key into slot (size mask + 1), once. */
static bool slot_put(uint64_t *slot, size_t mask, uint64_t key)
{
	size_t pos;

	for (pos = key_hash(key); slot[pos & mask]; pos++)
		if (slot[pos & mask] == key)
			return false;
	slot[pos & mask] = key;
	return true;
}

/* Adds id to set (growing it at half full); an id that is none is
 * left out (no record has it). */
static void idset_add(struct idset *set, const char *id)
{
	size_t i, size, oldsize = set->slot ? set->mask + 1 : 0, pos;
	uint64_t *old = set->slot, key;

	if (!id_key(id, &key))
		return;
	if (2 * (set->n + 1) > oldsize) {
		size = oldsize ? 4 * oldsize : 4096;
		set->slot = crm_xcalloc(size, sizeof(*set->slot));
		set->mask = size - 1;
		for (i = 0; i < oldsize; i++)
			if (old[i])
				slot_put(set->slot, set->mask, old[i]);
		free(old);
	}
	if (slot_put(set->slot, set->mask, key))
		set->n++;
	if (set->bits == NULL)
		set->bits = crm_xcalloc(FILTER_BITS / 64, sizeof(*set->bits));
	pos = key_hash(key) >> 7 & (FILTER_BITS - 1);
	set->bits[pos / 64] |= (uint64_t)1 << (pos % 64);
}

/* True when id is in set. */
static bool idset_has(const struct idset *set, const char *id)
{
	uint64_t key;
	size_t pos;

	if (set->slot == NULL || !id_key(id, &key))
		return false;
	pos = key_hash(key) >> 7 & (FILTER_BITS - 1);
	if (!(set->bits[pos / 64] & (uint64_t)1 << (pos % 64)))
		return false;
	for (pos = key_hash(key); set->slot[pos & set->mask]; pos++)
		if (set->slot[pos & set->mask] == key)
			return true;
	return false;
}

/* What a gathering holds. */
struct gather {
	struct crm_store *s;
	const struct crm_digest_query *q;
	struct crm_digest *d;    /* by owner, as q->owners */
	size_t last;             /* the owner found last */
	struct idset tasked;     /* the records that have an open task */
	long long today;         /* local midnight of today */
	long long today_num;     /* its day number */
	/* the birthdays' days: by month * 32 + day, the day's offset from
	 * today plus BDAY_BIAS, 0 when outside */
	int bday[13 * 32];
	long long bday_at[13 * 32];
	int bday_year[13 * 32];
	char bday_when[13 * 32][16]; /* the day it falls on */
};

#define BDAY_BIAS 1000

/* The digest of owner, or NULL when it is of no owner asked for. */
static struct crm_digest *digest_of(struct gather *g, const char *owner)
{
	size_t i;

	if (owner == NULL)
		return NULL;
	if (g->last < g->q->nowners && strcmp(g->q->owners[g->last], owner) == 0)
		return &g->d[g->last];
	for (i = 0; i < g->q->nowners; i++)
		if (strcmp(g->q->owners[i], owner) == 0) {
			g->last = i;
			return &g->d[i];
		}
	return NULL;
}

/* A copy of s, NULL for NULL or "". */
static char *dup_or_null(const char *s)
{
	return s && s[0] ? crm_xstrdup(s) : NULL;
}

static void item_free(struct crm_digest_item *it)
{
	free(it->name);
	free(it->when);
	free(it->client);
	free(it->deal);
	free(it->phone);
	free(it->pipeline);
	free(it->stage);
	free(it->priority);
}

/* The first line of a '\n'-joined list, NULL when empty.  Caller owns
 * it. */
static char *first_line(const char *list)
{
	size_t n;

	if (list == NULL || list[0] == '\0')
		return NULL;
	n = strcspn(list, "\n");
	return n ? crm_xstrndup(list, n) : NULL;
}

/* The number of the civil day y-m-d (days since 1970-01-01). */
static long long civil_days(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The number of the local day of t. */
static long long local_day_number(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return civil_days(tm.tm_year + 1900LL, tm.tm_mon + 1, tm.tm_mday);
}

/* ---- sections ---- */

/* Orders two items of a section of kind k: the first to show first. */
static int item_cmp(enum crm_digest_kind k, const struct crm_digest_item *a,
		    const struct crm_digest_item *b)
{
	int d;

	if (k == CRM_DIGEST_NO_TASK && a->at != b->at)
		return a->at > b->at ? -1 : 1;
	if (k == CRM_DIGEST_STALE && a->days != b->days)
		return a->days > b->days ? -1 : 1;
	if (k == CRM_DIGEST_BIRTHDAY && a->at != b->at)
		return a->at < b->at ? -1 : 1;
	if ((d = strcmp(a->name ? a->name : "", b->name ? b->name : "")))
		return d;
	return strcmp(a->id, b->id);
}

/* True when an item like probe would be kept by section sec of kind k
 * (counting it in the total either way). */
static bool section_wants(struct crm_digest_section *sec,
			  const struct crm_digest_query *q,
			  enum crm_digest_kind k,
			  const struct crm_digest_item *probe)
{
	sec->total++;
	if (q->limit == 0 || sec->n < q->limit)
		return true;
	return item_cmp(k, probe, &sec->items[sec->n - 1]) < 0;
}

/* Puts it (owned now by the section) into sec in its place, dropping
 * the last item past the limit. */
static void section_put(struct crm_digest_section *sec,
			const struct crm_digest_query *q,
			enum crm_digest_kind k, struct crm_digest_item *it)
{
	size_t at;

	if (q->limit && sec->n == q->limit) {
		item_free(&sec->items[--sec->n]);
	}
	if (sec->n == sec->cap) {
		sec->cap = sec->cap ? 2 * sec->cap : 16;
		sec->items = crm_xrealloc(sec->items,
					  sec->cap * sizeof(*sec->items));
	}
	for (at = sec->n; at > 0 && item_cmp(k, it, &sec->items[at - 1]) < 0;
	     at--)
		;
	memmove(&sec->items[at + 1], &sec->items[at],
		(sec->n - at) * sizeof(*sec->items));
	sec->items[at] = *it;
	sec->n++;
}

/* ---- the open tasks ---- */

/* A walk over one owner's tasks due in one range. */
struct walk {
	struct gather *g;
	struct crm_digest *d;
};

/* What stops a walk once the section of its task is full (no error). */
#define WALK_FULL 100

/* crm_tasks_due callback: puts task t last in its section of the
 * owner's digest (they come by due), while it has room. */
static int take_task(const struct crm_due_task *t, void *data)
{
	struct walk *w = data;
	struct gather *g = w->g;
	struct crm_next_task nt = {.found = true, .has_due = true,
				   .due_at = t->due_at};
	struct crm_digest_item it = {0};
	struct crm_digest_section *sec;
	enum crm_digest_kind k;

	snprintf(nt.due, sizeof(nt.due), "%s", t->due);
	switch (crm_task_state(&nt, g->q->now)) {
	case CRM_TASK_OVERDUE: k = CRM_DIGEST_OVERDUE; break;
	case CRM_TASK_TODAY: k = CRM_DIGEST_TODAY; break;
	default: k = CRM_DIGEST_UPCOMING; break;
	}
	sec = &w->d->sec[k];
	if (g->q->limit && sec->n >= g->q->limit)
		return WALK_FULL;
	it.type = CRM_TASK;
	snprintf(it.id, sizeof(it.id), "%s", t->id);
	it.name = crm_xstrdup(t->name);
	it.when = crm_xstrdup(t->due);
	it.at = t->due_at;
	it.client = dup_or_null(t->client_name);
	it.deal = dup_or_null(t->deal_name);
	it.phone = dup_or_null(t->phone);
	it.priority = dup_or_null(t->priority);
	if (k == CRM_DIGEST_OVERDUE)
		it.days = (long)(g->today_num - local_day_number((time_t)t->due_at));
	if (sec->n == sec->cap) {
		sec->cap = sec->cap ? 2 * sec->cap : 16;
		sec->items = crm_xrealloc(sec->items,
					  sec->cap * sizeof(*sec->items));
	}
	sec->items[sec->n++] = it;
	return 0;
}

/* Walks owner d's tasks due in [since, until) into d, by due, until
 * the section of one is full. */
static int walk_range(struct gather *g, struct crm_digest *d, long long since,
		      long long until, struct crm_err *err)
{
	struct crm_due_query dq = {0};
	struct walk w = {g, d};
	int rc;

	if (since >= until)
		return CRM_OK;
	dq.owner = d->owner;
	dq.now = g->q->now;
	dq.since = since;
	dq.until = until;
	dq.by_due = true;
	rc = crm_tasks_due(g->s, &dq, take_task, &w, err);
	return rc == WALK_FULL ? CRM_OK : rc;
}

/* The number of owner's tasks due in [since, until) into *n, of them
 * at a time of day into *timed (may be NULL). */
static int count_range(struct gather *g, const char *owner, long long since,
		       long long until, size_t *n, size_t *timed,
		       struct crm_err *err)
{
	struct crm_due_query dq = {0};

	*n = 0;
	if (timed)
		*timed = 0;
	if (since >= until)
		return CRM_OK;
	dq.owner = owner;
	dq.now = g->q->now;
	dq.since = since;
	dq.until = until;
	return crm_tasks_count(g->s, &dq, n, timed, err);
}

/*
 * The open tasks of owner d due before the end of the last day shown,
 * counted from the index, of each section the first ones read:
 *	[0, today)           overdue
 *	[today, now)         a whole day today (due at midnight), or a
 *	                     time passed today: overdue
 *	[now, tomorrow)      today
 *	[tomorrow, end)      the next days
 * Today's whole-day tasks are read first (they are due at midnight),
 * then the times passed, so that neither has to be read whole.
 */
static int owner_tasks(struct gather *g, struct crm_digest *d,
		       struct crm_err *err)
{
	long long t0 = g->today, now = (long long)g->q->now;
	long long t1 = (long long)crm_day_start(g->q->now, 1);
	long long end = (long long)crm_day_start(g->q->now, g->q->days + 1);
	size_t before, passed, timed, rest, later;
	int rc;

	if (now < t0)
		now = t0;
	if ((rc = count_range(g, d->owner, 0, t0, &before, NULL, err)) ||
	    (rc = count_range(g, d->owner, t0, now, &passed, &timed, err)) ||
	    (rc = count_range(g, d->owner, now, t1, &rest, NULL, err)) ||
	    (rc = count_range(g, d->owner, t1, end, &later, NULL, err)))
		return rc;
	d->sec[CRM_DIGEST_OVERDUE].total = before + timed;
	d->sec[CRM_DIGEST_TODAY].total = passed - timed + rest;
	d->sec[CRM_DIGEST_UPCOMING].total = later;
	if ((before && (rc = walk_range(g, d, 0, t0, err))) ||
	    (passed > timed && (rc = walk_range(g, d, t0, t0 + 1, err))) ||
	    (timed && (rc = walk_range(g, d, t0 + 1, now, err))) ||
	    (rest && (rc = walk_range(g, d, now, t1, err))) ||
	    (later && (rc = walk_range(g, d, t1, end, err))))
		return rc;
	return CRM_OK;
}

/* The open tasks of every owner asked for. */
static int gather_tasks(struct gather *g, struct crm_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < g->q->nowners; i++)
		if ((rc = owner_tasks(g, &g->d[i], err)))
			return rc;
	return CRM_OK;
}

/* ---- the other records ---- */

/* The records that have an open task, into g->tasked. */
static int load_tasked(struct gather *g, sqlite3 *db, struct crm_err *err)
{
	sqlite3_stmt *st;
	const char *id;
	int rc;

	/* the covering index of the open tasks: through the index on type
	 * each task's row would be read */
	if (sqlite3_prepare_v2(db, "SELECT for_id FROM records INDEXED BY"
			       " records_task_due WHERE type = 3 AND broken IS"
			       " NULL AND for_id IS NOT NULL", -1, &st,
			       NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((id = (const char *)sqlite3_column_text(st, 0)) != NULL)
			idset_add(&g->tasked, id);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	return CRM_OK;
}

/* Marks the days whose birthdays the digests show: from the most days
 * missed before today to q->days after it. */
static void birthday_days(struct gather *g)
{
	int from = 0, i, k;
	long long at;
	struct tm tm;
	time_t t;
	size_t o;

	for (o = 0; g->q->missed && o < g->q->nowners; o++)
		if (g->q->missed[o] > from)
			from = g->q->missed[o];
	for (i = -from; i <= g->q->days; i++) {
		at = (long long)crm_day_start(g->q->now, i);
		t = (time_t)at;
		localtime_r(&t, &tm);
		k = (tm.tm_mon + 1) * 32 + tm.tm_mday;
		if (g->bday[k])
			continue; /* a year or more covered: the earliest */
		g->bday[k] = i + BDAY_BIAS;
		g->bday_at[k] = at;
		g->bday_year[k] = tm.tm_year + 1900;
		if (strftime(g->bday_when[k], sizeof(g->bday_when[k]),
			     "%Y-%m-%d", &tm) == 0)
			g->bday_when[k][0] = '\0';
		/* in a year without 29 February, it is kept on the 28th */
		if (tm.tm_mon == 1 && tm.tm_mday == 28 &&
		    !(((tm.tm_year + 1900) % 4 == 0 &&
		       (tm.tm_year + 1900) % 100 != 0) ||
		      (tm.tm_year + 1900) % 400 == 0)) {
			g->bday[2 * 32 + 29] = g->bday[k];
			g->bday_at[2 * 32 + 29] = at;
			g->bday_year[2 * 32 + 29] = g->bday_year[k];
			memcpy(g->bday_when[2 * 32 + 29], g->bday_when[k],
			       sizeof(g->bday_when[k]));
		}
	}
}

/* The columns of the pass, in this order. */
enum {
	COL_ID, COL_TYPE, COL_NAME, COL_OWNER, COL_STATUS, COL_RELATION,
	COL_PIPELINE, COL_STAGE, COL_ACTIVE, COL_BIRTHDAY, COL_PHONES,
	COL_COMPANY, COL_CONTACT,
};

static const char pass_sql[] =
	"SELECT id, type, name, owner, status, relation, pipeline, stage,"
	" active_at, birthday, phones_shown, company, contact FROM records NOT INDEXED"
	" WHERE type < 3 AND broken IS NULL";

/* A column's text, or NULL. */
static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* The item of the row, its strings borrowed (a probe); its name is read
 * when it is a candidate (keep_row). */
static void row_probe(sqlite3_stmt *st, enum crm_type t,
		      struct crm_digest_item *it)
{
	const char *id = col(st, COL_ID);
	size_t n = strnlen(id, CRM_ID_LEN);

	memset(it, 0, sizeof(*it));
	it->type = t;
	memcpy(it->id, id, n);
	it->id[n] = '\0';
	it->at = sqlite3_column_int64(st, COL_ACTIVE);
}

/* Keeps the row as an item of section k of d when it is among the
 * first; owned copies of what it shows. */
static void keep_row(struct gather *g, struct crm_digest *d,
		     enum crm_digest_kind k, sqlite3_stmt *st,
		     struct crm_digest_item *probe)
{
	struct crm_digest_item it;
	const char *ref;

	probe->name = (char *)col(st, COL_NAME);
	if (!section_wants(&d->sec[k], g->q, k, probe))
		return;
	it = *probe;
	it.name = crm_xstrdup(probe->name ? probe->name : "");
	it.when = dup_or_null(probe->when);
	it.phone = first_line(col(st, COL_PHONES));
	if (it.type == CRM_DEAL) {
		it.pipeline = dup_or_null(col(st, COL_PIPELINE));
		it.stage = dup_or_null(col(st, COL_STAGE));
	}
	if ((ref = col(st, COL_COMPANY)) && crm_id_valid(ref))
		snprintf(it.company_id, sizeof(it.company_id), "%s", ref);
	if ((ref = col(st, COL_CONTACT)) && crm_id_valid(ref))
		snprintf(it.contact_id, sizeof(it.contact_id), "%s", ref);
	section_put(&d->sec[k], g->q, k, &it);
}

/* A contact's birthday in the days shown. */
static void check_birthday(struct gather *g, struct crm_digest *d,
			   sqlite3_stmt *st, struct crm_digest_item *probe)
{
	const char *b = col(st, COL_BIRTHDAY);
	int y, m, day, k, missed;

	if (b == NULL || sscanf(b, "%4d-%2d-%2d", &y, &m, &day) != 3 ||
	    m < 1 || m > 12 || day < 1 || day > 31)
		return;
	k = m * 32 + day;
	missed = g->q->missed ? g->q->missed[d - g->d] : 0;
	if (g->bday[k] == 0 || g->bday[k] - BDAY_BIAS < -missed)
		return;
	probe->when = g->bday_when[k];
	probe->at = g->bday_at[k];
	probe->days = y > 0 && y <= g->bday_year[k] ? g->bday_year[k] - y : 0;
	keep_row(g, d, CRM_DIGEST_BIRTHDAY, st, probe);
}

/* The rules of one record row. */
static void check_row(struct gather *g, sqlite3_stmt *st)
{
	struct crm_digest *d = digest_of(g, col(st, COL_OWNER));
	enum crm_type t = (enum crm_type)sqlite3_column_int(st, COL_TYPE);
	const struct crm_stage *stage;
	struct crm_digest_item probe;
	bool known;

	if (d == NULL || col(st, COL_ID) == NULL || t >= CRM_TASK)
		return;
	row_probe(st, t, &probe);
	/* the rule first: a lookup in the set misses the cache */
	if (crm_is_active_fields(&g->s->cfg, t, col(st, COL_STATUS),
				 col(st, COL_RELATION), col(st, COL_PIPELINE),
				 col(st, COL_STAGE)) &&
	    !idset_has(&g->tasked, probe.id))
		keep_row(g, d, CRM_DIGEST_NO_TASK, st, &probe);
	if (t == CRM_DEAL) {
		stage = crm_pipeline_stage(crm_config_pipeline(&g->s->cfg,
					   col(st, COL_PIPELINE)),
					   col(st, COL_STAGE) ? col(st, COL_STAGE)
							      : "");
		known = sqlite3_column_type(st, COL_ACTIVE) != SQLITE_NULL;
		if (crm_deal_stale(stage, known, probe.at, g->q->now)) {
			probe.days = (long)(((long long)g->q->now - probe.at) /
					    86400);
			keep_row(g, d, CRM_DIGEST_STALE, st, &probe);
		}
	}
	if (t == CRM_CONTACT) {
		probe.days = 0;
		check_birthday(g, d, st, &probe);
	}
}

/* The pass over the records that are not tasks: a scan of the table
 * (through an index on type it would read each row's page again). */
static int gather_records(struct gather *g, sqlite3 *db, struct crm_err *err)
{
	struct crm_buf sql = {0};
	sqlite3_stmt *st;
	int rc;

	crm_buf_adds(&sql, pass_sql);
	if (g->q->nowners == 1)
		crm_buf_adds(&sql, " AND owner = ?1");
	rc = sqlite3_prepare_v2(db, sql.s, -1, &st, NULL);
	crm_buf_free(&sql);
	if (rc != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	if (g->q->nowners == 1)
		sqlite3_bind_text(st, 1, g->q->owners[0], -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		check_row(g, st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	return CRM_OK;
}

/* ---- what the items refer to ---- */

/* The name and first phone of record id into *name and *phone (each
 * left alone when not found, or already set). */
static void lookup(sqlite3_stmt *st, const char *id, char **name,
		   char **phone)
{
	if (id[0] == '\0')
		return;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return;
	if (name && *name == NULL)
		*name = dup_or_null((const char *)sqlite3_column_text(st, 0));
	if (phone && *phone == NULL)
		*phone = first_line((const char *)sqlite3_column_text(st, 1));
}

/* Fills a record item's client and phone: a contact's company (and its
 * phone when the contact has none); a deal's company, else contact,
 * and the contact's phone, else the company's. */
static void refer(sqlite3_stmt *st, struct crm_digest_item *it)
{
	if (it->type == CRM_CONTACT) {
		lookup(st, it->company_id, &it->client, &it->phone);
	} else if (it->type == CRM_DEAL) {
		lookup(st, it->contact_id, NULL, &it->phone);
		lookup(st, it->company_id, &it->client, &it->phone);
		lookup(st, it->contact_id, &it->client, NULL);
	}
}

/* The clients and phones of the records kept. */
static int resolve_refs(struct gather *g, sqlite3 *db, struct crm_err *err)
{
	static const enum crm_digest_kind kinds[] = {
		CRM_DIGEST_NO_TASK, CRM_DIGEST_STALE, CRM_DIGEST_BIRTHDAY,
	};
	sqlite3_stmt *st;
	size_t o, i, j;

	if (sqlite3_prepare_v2(db, "SELECT name, phones_shown FROM records"
			       " WHERE id = ?1 AND broken IS NULL", -1, &st,
			       NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	for (o = 0; o < g->q->nowners; o++)
		for (j = 0; j < sizeof(kinds) / sizeof(kinds[0]); j++)
			for (i = 0; i < g->d[o].sec[kinds[j]].n; i++)
				refer(st, &g->d[o].sec[kinds[j]].items[i]);
	sqlite3_finalize(st);
	return CRM_OK;
}

int crm_digest_gather(struct crm_store *s, const struct crm_digest_query *q,
		      struct crm_digest **out, struct crm_err *err)
{
	struct gather g = {.s = s, .q = q};
	sqlite3 *db;
	size_t i;
	int rc;

	*out = NULL;
	g.d = crm_xcalloc(q->nowners + 1, sizeof(*g.d));
	for (i = 0; i < q->nowners; i++)
		g.d[i].owner = crm_xstrdup(q->owners[i]);
	g.today = (long long)crm_day_start(q->now, 0);
	g.today_num = local_day_number(q->now);
	birthday_days(&g);
	if (q->nowners == 0)
		goto done;
	if ((rc = crm_store_index(s, &db, err)))
		goto fail;
	/* room for the indexes the tasks' joins and the lookups read again
	 * and again (16 MiB, taken only as pages are read) */
	sqlite3_exec(db, "PRAGMA cache_size=-16384", NULL, NULL, NULL);
	if ((rc = gather_tasks(&g, err)) || (rc = load_tasked(&g, db, err)) ||
	    (rc = gather_records(&g, db, err)) ||
	    (rc = resolve_refs(&g, db, err)))
		goto fail;
done:
	free(g.tasked.slot);
	free(g.tasked.bits);
	*out = g.d;
	return CRM_OK;
fail:
	crm_digests_free(g.d, q->nowners);
	free(g.tasked.slot);
	free(g.tasked.bits);
	return rc;
}

void crm_digests_free(struct crm_digest *d, size_t n)
{
	size_t i, j;
	int k;

	for (i = 0; d && i < n; i++) {
		for (k = 0; k < CRM_DIGEST_NKINDS; k++) {
			for (j = 0; j < d[i].sec[k].n; j++)
				item_free(&d[i].sec[k].items[j]);
			free(d[i].sec[k].items);
		}
		free(d[i].owner);
	}
	free(d);
}

bool crm_digest_empty(const struct crm_digest *d)
{
	int k;

	for (k = 0; k < CRM_DIGEST_NKINDS; k++)
		if (d->sec[k].total)
			return false;
	return true;
}
