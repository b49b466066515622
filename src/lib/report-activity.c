/*
 * report-activity.c - crm report activity: per user, the calls,
 * meetings, e-mails and notes they logged and the tasks they finished in
 * the period (timeline entries by them, from the index's entries
 * table), their tasks overdue now, the deals they own that were won in
 * the period, and the average number of timeline entries those deals
 * had when they were won.  QUERY and --pipeline select the deals.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report-internal.h"

/* The kinds of entries counted, in the order of their columns. */
static const char *const kinds[] = {"call", "meeting", "email", "note",
				    "task"};
#define NKINDS 5

/* One user's row. */
struct user_row {
	bool used;
	int64_t kind[NKINDS];
	int64_t overdue, won, touches;
	struct rsum won_sum;
};

struct activity {
	struct user_row *u;  /* by name number */
	size_t n;
};

/* The row of user (a name's number), made when new. */
static struct user_row *user_of(struct activity *a, uint32_t user)
{
	a->u = report_grow(a->u, &a->n, sizeof(*a->u), (size_t)user + 1);
	a->u[user].used = true;
	return &a->u[user];
}

/* Counts deal d if it was won in the period. */
static void activity_deal(struct rscan *sc, const struct rdeal *d, void *data)
{
	struct activity *a = data;
	struct user_row *u;
	long e = report_entered(d);

	if (d->stage_at < 0 || report_kind(d->pl, d->stage_at) != CRM_STAGE_WON ||
	    e < 0 || !report_in_period(sc, d->hist[e].at))
		return;
	u = user_of(a, d->owner);
	u->won++;
	u->touches += d->hist[e].touches;
	if (d->has_cents)
		rsum_add(sc, &u->won_sum, d->currency, d->cents);
}

/* Runs sql, which selects (user, kind or NULL, count) with ?1 the
 * owner, ?2 and ?3 a span, ?4 today's midnight and ?5 now, into a. */
static int count_rows(struct rscan *sc, struct activity *a, const char *sql,
		      int64_t lo, int64_t hi, struct crm_err *err)
{
	const struct crm_report_opts *o = sc->o;
	const char *user, *kind;
	struct user_row *u;
	sqlite3_stmt *st;
	sqlite3 *db;
	size_t k;
	int rc;

	if ((rc = crm_store_index(sc->s, &db, err)))
		return rc;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"), sqlite3_errmsg(db));
	if (o->owner)
		sqlite3_bind_text(st, 1, o->owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	sqlite3_bind_int64(st, 4, (long long)crm_day_start(o->now, 0));
	sqlite3_bind_int64(st, 5, (sqlite3_int64)o->now);
	while (sqlite3_step(st) == SQLITE_ROW) {
		user = (const char *)sqlite3_column_text(st, 0);
		kind = (const char *)sqlite3_column_text(st, 1);
		u = user_of(a, user ? rnames_id(&sc->names, user, strlen(user))
				    : 0);
		if (kind == NULL) {
			u->overdue += sqlite3_column_int64(st, 2);
			continue;
		}
		for (k = 0; k < NKINDS; k++)
			if (strcmp(kinds[k], kind) == 0)
				u->kind[k] += sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return CRM_OK;
}

/* The timeline entries of the whole spans ?2 to ?3 by user and kind,
 * from the index's totals. */
static const char days_sql[] =
	"SELECT user, key, sum(n) FROM day_totals WHERE what = 'entry'"
	" AND day BETWEEN ?2 AND ?3 AND (?1 IS NULL OR user = ?1)"
	" AND ?4 = ?4 AND ?5 = ?5 GROUP BY user, key HAVING sum(n) > 0";
/* The timeline entries from ?2 to ?3 (seconds) by user and kind. */
static const char entries_sql[] =
	"SELECT by, kind, count(*) FROM entries INDEXED BY entries_at"
	" WHERE at BETWEEN ?2 AND ?3 AND (?1 IS NULL OR by = ?1)"
	" AND ?4 = ?4 AND ?5 = ?5 GROUP BY by, kind";
/* The open tasks overdue now (?4 today's midnight, ?5 now) by owner. */
static const char overdue_sql[] =
	"SELECT owner, NULL, count(*) FROM records INDEXED BY records_task_due"
	" WHERE type = 3 AND broken IS NULL AND (?1 IS NULL OR owner = ?1)"
	" AND (due_at < ?4 OR (instr(due, 'T') > 0 AND due_at < ?5))"
	" AND ?2 = ?2 AND ?3 = ?3 GROUP BY owner";

/* The span of the index's day_totals, in seconds. */
#define SPAN ((int64_t)CRM_TOTALS_SPAN)

/* a / b rounded down (b > 0). */
static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && a < 0);
}

int report_day_spans(const struct crm_report_opts *o, struct day_spans *ds)
{
	int64_t lo = o->since ? (int64_t)o->since : INT64_MIN;
	int64_t hi = o->until ? (int64_t)o->until : INT64_MAX;
	int64_t dlo, dhi;

	memset(ds, 0, sizeof(*ds));
	/* the first whole day at or after lo, the last ending by hi */
	dlo = lo == INT64_MIN ? INT64_MIN / SPAN : -floor_div(-lo, SPAN);
	dhi = hi == INT64_MAX ? INT64_MAX / SPAN : floor_div(hi + 1, SPAN) - 1;
	if (dlo > dhi) {
		ds->edge[ds->nedges][0] = lo;
		ds->edge[ds->nedges++][1] = hi;
		return 0;
	}
	ds->days[0] = dlo;
	ds->days[1] = dhi;
	ds->has_days = true;
	if (lo != INT64_MIN && lo < dlo * SPAN) {
		ds->edge[ds->nedges][0] = lo;
		ds->edge[ds->nedges++][1] = dlo * SPAN - 1;
	}
	if (hi != INT64_MAX && hi > dhi * SPAN + SPAN - 1) {
		ds->edge[ds->nedges][0] = dhi * SPAN + SPAN;
		ds->edge[ds->nedges++][1] = hi;
	}
	return 0;
}

/* Counts the timeline entries of the period into a: whole spans from
 * the index's totals, the parts of spans at its edges entry by entry. */
static int count_entries(struct rscan *sc, struct activity *a,
			 struct crm_err *err)
{
	struct day_spans ds;
	size_t i;
	int rc = CRM_OK;

	report_day_spans(sc->o, &ds);
	if (ds.has_days)
		rc = count_rows(sc, a, days_sql, ds.days[0], ds.days[1], err);
	for (i = 0; rc == CRM_OK && i < ds.nedges; i++)
		rc = count_rows(sc, a, entries_sql, ds.edge[i][0],
				ds.edge[i][1], err);
	return rc;
}

static const struct crm_rcol activity_cols[] = {
	{"owner", NC_("column", "OWNER")},
	{"calls", NC_("column", "CALLS")},
	{"meetings", NC_("column", "MEETINGS")},
	{"emails", NC_("column", "E-MAILS")},
	{"notes", NC_("column", "NOTES")},
	{"tasks_done", NC_("column", "TASKS DONE")},
	{"tasks_overdue", NC_("column", "OVERDUE")},
	{"won", NC_("column", "WON")},
	{"won_amount", NC_("column", "WON AMOUNT")},
	{"touches", NC_("column", "TOUCHES")},
};

/* Orders users by login, none last. */
static const struct rnames *user_names;

static int user_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if ((x == 0) != (y == 0))
		return x == 0 ? 1 : -1;
	return strcmp(rnames_str(user_names, x), rnames_str(user_names, y));
}

static void activity_section(struct rscan *sc, struct activity *a)
{
	struct crm_rsection *s = report_section(sc, "by_owner", N_("By owner"),
						activity_cols, 10, 7);
	struct user_row *u;
	struct crm_rcell *c;
	uint32_t *keys = crm_xcalloc(a->n + 1, sizeof(*keys));
	size_t i, k, n = 0;

	for (i = 0; i < a->n; i++)
		if (a->u[i].used)
			keys[n++] = (uint32_t)i;
	user_names = &sc->names;
	qsort(keys, n, sizeof(*keys), user_cmp);
	for (i = 0; i < n; i++) {
		u = &a->u[keys[i]];
		c = report_row(s);
		if (keys[i])
			cell_text(&c[0], rnames_str(&sc->names, keys[i]));
		for (k = 0; k < NKINDS; k++)
			cell_int(&c[1 + k], u->kind[k]);
		cell_int(&c[6], u->overdue);
		cell_int(&c[7], u->won);
		cell_money(sc, &c[8], &u->won_sum);
		if (u->won) {
			c[9].kind = CRM_RCELL_NUMBER;
			c[9].x = (double)u->touches / (double)u->won;
		}
	}
	free(keys);
}

int report_activity(struct rscan *sc, struct crm_err *err)
{
	struct activity a = {0};
	size_t i;
	int rc;

	/* every user of crm.yaml has a row, active or not */
	for (i = 0; i < sc->cfg->nusers; i++)
		if (sc->o->owner == NULL ||
		    strcmp(sc->o->owner, sc->cfg->users[i].login) == 0)
			user_of(&a, rnames_id(&sc->names, sc->cfg->users[i].login,
					      strlen(sc->cfg->users[i].login)));
	if ((rc = report_scan(sc, activity_deal, &a, err)) == CRM_OK &&
	    (rc = count_entries(sc, &a, err)) == CRM_OK &&
	    (rc = count_rows(sc, &a, overdue_sql, 0, 0, err)) == CRM_OK)
		activity_section(sc, &a);
	for (i = 0; i < a.n; i++)
		rsum_free(&a.u[i].won_sum);
	free(a.u);
	return rc;
}
