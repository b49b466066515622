/*
 * report-deals.c - the reports of closed deals: conversion (won of
 * closed, by owner, source and pipeline), lost (by stage, reason and
 * competitor), cycle (days to win, time spent in each stage) and
 * sources (leads, deals and won revenue by where clients come from).
 * A deal is closed when the stage it is in is of kind won or lost; it
 * closed when it entered that stage (its last stage_history entry).
 */
#include <stdlib.h>
#include <string.h>

#include "report-internal.h"

/* The seconds of a day, for durations in days. */
#define DAY 86400.0

/* One group of deals: an owner, a source, a stage... */
struct group {
	bool used;
	const struct crm_pipeline *pl; /* the pipeline a stage key is of */
	int64_t n, won, lost, extra;
	struct rsum sum, won_sum;
	float *days;         /* durations (cycle) */
	size_t ndays, cap;
};

/* Groups by a name's number. */
struct groups {
	struct group *g;
	size_t n;
};

/* The group of key in gs, made when new. */
static struct group *group_of(struct groups *gs, uint32_t key)
{
	gs->g = report_grow(gs->g, &gs->n, sizeof(*gs->g), (size_t)key + 1);
	gs->g[key].used = true;
	return &gs->g[key];
}

static void groups_free(struct groups *gs)
{
	size_t i;

	for (i = 0; i < gs->n; i++) {
		rsum_free(&gs->g[i].sum);
		rsum_free(&gs->g[i].won_sum);
		free(gs->g[i].days);
	}
	free(gs->g);
	memset(gs, 0, sizeof(*gs));
}

/* Adds a duration of days to g. */
static void add_days(struct group *g, double days)
{
	if (g->ndays == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->days = crm_xrealloc(g->days, g->cap * sizeof(*g->days));
	}
	g->days[g->ndays++] = (float)days;
}

/* The kind of d's stage, and when d entered it, into *at: CRM_STAGE_OPEN
 * for an open deal, or a closed one that did not close in the period. */
static enum crm_stage_kind closed_kind(const struct rscan *sc,
				       const struct rdeal *d, int64_t *at)
{
	enum crm_stage_kind k = report_kind(d->pl, d->stage_at);
	long e = report_entered(d);

	if (d->stage_at < 0 || k == CRM_STAGE_OPEN)
		return CRM_STAGE_OPEN;
	if (e >= 0)
		*at = d->hist[e].at;
	else if (d->has_created)
		*at = d->created;
	else
		return sc->o->since || sc->o->until ? CRM_STAGE_OPEN : k;
	return report_in_period(sc, *at) ? k : CRM_STAGE_OPEN;
}

/* Orders the keys of gs (numbers of names) by their names. */
static const struct rnames *sort_names;

static int key_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if ((x == 0) != (y == 0))
		return x == 0 ? 1 : -1;   /* none last */
	return strcmp(rnames_str(sort_names, x), rnames_str(sort_names, y));
}

/* The used keys of gs sorted by name, into *out (caller frees). */
static size_t sorted_keys(struct rscan *sc, const struct groups *gs,
			  uint32_t **out)
{
	size_t i, n = 0;

	*out = crm_xcalloc(gs->n + 1, sizeof(**out));
	for (i = 0; i < gs->n; i++)
		if (gs->g[i].used)
			(*out)[n++] = (uint32_t)i;
	sort_names = &sc->names;
	qsort(*out, n, sizeof(**out), key_cmp);
	return n;
}

/* A key's cell: its name, or empty for none. */
static void key_cell(struct rscan *sc, struct crm_rcell *c, uint32_t key)
{
	if (key)
		cell_text(c, rnames_str(&sc->names, key));
}

/* ---- conversion ---- */

struct conversion {
	struct groups owner, source, pipeline;
	struct group all;
};

/* Counts a closed deal d in g. */
static void count_closed(struct rscan *sc, struct group *g,
			 const struct rdeal *d, enum crm_stage_kind k)
{
	g->used = true;
	if (k == CRM_STAGE_WON) {
		g->won++;
		if (d->has_cents)
			rsum_add(sc, &g->won_sum, d->currency, d->cents);
	} else {
		g->lost++;
	}
}

/* The number of the name of d's pipeline (the default one's for none). */
static uint32_t pipeline_key(struct rscan *sc, const struct rdeal *d)
{
	const struct crm_pipeline *def;

	if (d->pipeline || (def = crm_config_pipeline(sc->cfg, NULL)) == NULL)
		return d->pipeline;
	return rnames_id(&sc->names, def->name, strlen(def->name));
}

static void conversion_deal(struct rscan *sc, const struct rdeal *d,
			    void *data)
{
	struct conversion *cv = data;
	enum crm_stage_kind k;
	int64_t at = 0;

	if ((k = closed_kind(sc, d, &at)) == CRM_STAGE_OPEN)
		return;
	count_closed(sc, group_of(&cv->owner, d->owner), d, k);
	count_closed(sc, group_of(&cv->source, d->source), d, k);
	count_closed(sc, group_of(&cv->pipeline, pipeline_key(sc, d)), d, k);
	count_closed(sc, &cv->all, d, k);
}

static const struct crm_rcol owner_cols[] = {
	{"owner", NC_("column", "OWNER")},
	{"won", NC_("column", "WON")},
	{"lost", NC_("column", "LOST")},
	{"closed", NC_("column", "CLOSED")},
	{"conversion", NC_("column", "CONVERSION")},
	{"won_amount", NC_("column", "WON AMOUNT")},
};
static const struct crm_rcol source_cols[] = {
	{"source", NC_("column", "SOURCE")},
	{"won", NC_("column", "WON")},
	{"lost", NC_("column", "LOST")},
	{"closed", NC_("column", "CLOSED")},
	{"conversion", NC_("column", "CONVERSION")},
	{"won_amount", NC_("column", "WON AMOUNT")},
};
static const struct crm_rcol pipeline_cols[] = {
	{"pipeline", NC_("column", "PIPELINE")},
	{"won", NC_("column", "WON")},
	{"lost", NC_("column", "LOST")},
	{"closed", NC_("column", "CLOSED")},
	{"conversion", NC_("column", "CONVERSION")},
	{"won_amount", NC_("column", "WON AMOUNT")},
};

/* Fills the cells after the key of a conversion row from g. */
static void closed_cells(struct rscan *sc, struct crm_rcell *c,
			 const struct group *g)
{
	cell_int(&c[1], g->won);
	cell_int(&c[2], g->lost);
	cell_int(&c[3], g->won + g->lost);
	cell_percent(&c[4], (double)g->won, (double)(g->won + g->lost));
	cell_money(sc, &c[5], &g->won_sum);
}

/* A section of conversions by the keys of gs; pipelines name the
 * default one for none. */
static void conversion_section(struct rscan *sc, const char *key,
			       const char *title, const struct crm_rcol *cols,
			       const struct groups *gs, bool pipelines)
{
	struct crm_rsection *s = report_section(sc, key, title, cols, 6, 4);
	const struct crm_pipeline *def = crm_config_pipeline(sc->cfg, NULL);
	struct crm_rcell *c;
	uint32_t *keys;
	size_t i, n = sorted_keys(sc, gs, &keys);

	for (i = 0; i < n; i++) {
		c = report_row(s);
		if (pipelines && keys[i] == 0 && def)
			cell_text(&c[0], def->name);
		else
			key_cell(sc, &c[0], keys[i]);
		closed_cells(sc, c, &gs->g[keys[i]]);
	}
	free(keys);
}

static const struct crm_rcol total_cols[] = {
	{"total", NC_("column", "TOTAL")},
	{"won", NC_("column", "WON")},
	{"lost", NC_("column", "LOST")},
	{"closed", NC_("column", "CLOSED")},
	{"conversion", NC_("column", "CONVERSION")},
	{"won_amount", NC_("column", "WON AMOUNT")},
};

int report_conversion(struct rscan *sc, struct crm_err *err)
{
	struct conversion cv = {0};
	struct crm_rsection *s;
	struct crm_rcell *c;
	int rc;

	if ((rc = report_scan(sc, conversion_deal, &cv, err)) == CRM_OK) {
		s = report_section(sc, "total", N_("Won of closed deals"),
				   total_cols, 6, -1);
		c = report_row(s);
		cell_text(&c[0], _("all deals"));
		closed_cells(sc, c, &cv.all);
		conversion_section(sc, "by_owner", N_("By owner"), owner_cols,
				   &cv.owner, false);
		conversion_section(sc, "by_source", N_("By source"), source_cols,
				   &cv.source, false);
		conversion_section(sc, "by_pipeline", N_("By pipeline"),
				   pipeline_cols, &cv.pipeline, true);
	}
	groups_free(&cv.owner);
	groups_free(&cv.source);
	groups_free(&cv.pipeline);
	rsum_free(&cv.all.won_sum);
	return rc;
}

/* ---- lost ---- */

struct lost {
	struct groups stage, reason, competitor;
	int64_t n;
};

/* Counts deal d in g, remembering pl. */
static void count_in(struct rscan *sc, struct group *g, const struct rdeal *d,
		     const struct crm_pipeline *pl)
{
	g->n++;
	if (g->pl == NULL)
		g->pl = pl;
	if (d->has_cents)
		rsum_add(sc, &g->sum, d->currency, d->cents);
}

static void lost_deal(struct rscan *sc, const struct rdeal *d, void *data)
{
	struct lost *l = data;
	const char *p, *e, *end = d->competitors + d->ncompetitors;
	int64_t at = 0;
	long last = report_entered(d);
	uint32_t from = last > 0 ? d->hist[last - 1].stage : 0;

	if (closed_kind(sc, d, &at) != CRM_STAGE_LOST)
		return;
	l->n++;
	count_in(sc, group_of(&l->stage, from), d, d->pl);
	count_in(sc, group_of(&l->reason, last >= 0 ? d->hist[last].reason : 0),
		 d, d->pl);
	for (p = d->competitors; p < end; p = e + 1) {
		for (e = p; e < end && *e != '\n'; e++)
			;
		count_in(sc, group_of(&l->competitor,
				      rnames_id(&sc->names, p, (size_t)(e - p))),
			 d, d->pl);
	}
}

static const struct crm_rcol lost_stage_cols[] = {
	{"stage", NC_("column", "LOST AT")},
	{"deals", NC_("column", "DEALS")},
	{"amount", NC_("column", "AMOUNT")},
	{"share", NC_("column", "SHARE")},
};
static const struct crm_rcol lost_reason_cols[] = {
	{"reason", NC_("column", "REASON")},
	{"deals", NC_("column", "DEALS")},
	{"amount", NC_("column", "AMOUNT")},
	{"share", NC_("column", "SHARE")},
};
static const struct crm_rcol lost_comp_cols[] = {
	{"competitor", NC_("column", "COMPETITOR")},
	{"name", NC_("column", "NAME")},
	{"deals", NC_("column", "DEALS")},
	{"amount", NC_("column", "AMOUNT")},
	{"share", NC_("column", "SHARE")},
};

/* The groups of gs in the order of most deals first. */
static const struct groups *count_groups;

static int count_cmp(const void *a, const void *b)
{
	const struct group *x = &count_groups->g[*(const uint32_t *)a];
	const struct group *y = &count_groups->g[*(const uint32_t *)b];

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return key_cmp(a, b);
}

static size_t by_count(struct rscan *sc, const struct groups *gs,
		       uint32_t **keys)
{
	size_t n = sorted_keys(sc, gs, keys);

	count_groups = gs;
	qsort(*keys, n, sizeof(**keys), count_cmp);
	return n;
}

/* The name of the company whose id is id, or NULL; caller owns it. */
static char *company_name(struct rscan *sc, const char *id)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	char *name = NULL;

	if (crm_store_index(sc->s, &db, NULL) != CRM_OK ||
	    sqlite3_prepare_v2(db, "SELECT name FROM records WHERE id = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		name = crm_xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return name;
}

/* A section of lost deals by the keys of gs. */
static void lost_section(struct rscan *sc, const struct lost *l, int which,
			 const struct groups *gs)
{
	static const char *const keys_of[] = {"by_stage", "by_reason",
					      "by_competitor"};
	static const char *const titles[] = {N_("Lost at stage"),
					     N_("Lost for reason"),
					     N_("Lost to competitor")};
	static const struct crm_rcol *const cols[] = {
		lost_stage_cols, lost_reason_cols, lost_comp_cols};
	size_t off = which == 2, i, n;
	struct crm_rsection *s = report_section(sc, keys_of[which],
						titles[which], cols[which],
						4 + off, 1 + (int)off);
	const struct group *g;
	struct crm_rcell *c;
	uint32_t *keys;
	const char *name;
	char *cname;
	int at;

	n = by_count(sc, gs, &keys);
	for (i = 0; i < n; i++) {
		g = &gs->g[keys[i]];
		c = report_row(s);
		name = rnames_str(&sc->names, keys[i]);
		if (which == 0 && keys[i] &&
		    (at = report_stage_at(sc, g->pl, keys[i])) >= 0)
			cell_text(&c[0], report_stage_text(g->pl, at, sc->o->lang));
		else if (which == 1 && keys[i])
			cell_text(&c[0], report_reason_text(sc, name));
		else
			key_cell(sc, &c[0], keys[i]);
		if (which == 2 && (cname = company_name(sc, name)) != NULL) {
			cell_text(&c[1], cname);
			free(cname);
		}
		cell_int(&c[1 + off], g->n);
		cell_money(sc, &c[2 + off], &g->sum);
		cell_percent(&c[3 + off], (double)g->n, (double)l->n);
	}
	free(keys);
}

int report_lost(struct rscan *sc, struct crm_err *err)
{
	struct lost l = {0};
	int rc;

	if ((rc = report_scan(sc, lost_deal, &l, err)) == CRM_OK) {
		lost_section(sc, &l, 0, &l.stage);
		lost_section(sc, &l, 1, &l.reason);
		lost_section(sc, &l, 2, &l.competitor);
	}
	groups_free(&l.stage);
	groups_free(&l.reason);
	groups_free(&l.competitor);
	return rc;
}

/* ---- cycle ---- */

struct cycle {
	struct group won;    /* days from creation to won */
	struct groups stage; /* days in each stage, by stage */
};

static void cycle_deal(struct rscan *sc, const struct rdeal *d, void *data)
{
	struct cycle *cy = data;
	struct group *g;
	int64_t at = 0;
	size_t i;

	for (i = 0; i + 1 < d->nhist; i++) {
		if (!report_in_period(sc, d->hist[i + 1].at))
			continue;
		g = group_of(&cy->stage, d->hist[i].stage);
		if (g->pl == NULL)
			g->pl = d->pl;
		add_days(g, (double)(d->hist[i + 1].at - d->hist[i].at) / DAY);
	}
	if (closed_kind(sc, d, &at) != CRM_STAGE_WON || !d->has_created)
		return;
	add_days(&cy->won, (double)(at - d->created) / DAY);
}

/* The average and median of g's durations into *avg and *median. */
static void day_stats(struct group *g, double *avg, double *median)
{
	double *v = crm_xcalloc(g->ndays + 1, sizeof(*v)), sum = 0;
	size_t i;

	for (i = 0; i < g->ndays; i++)
		sum += v[i] = g->days[i];
	*avg = g->ndays ? sum / (double)g->ndays : 0;
	*median = report_median(v, g->ndays);
	free(v);
}

static const struct crm_rcol cycle_won_cols[] = {
	{"deals", NC_("column", "WON DEALS")},
	{"average_days", NC_("column", "AVERAGE DAYS")},
	{"median_days", NC_("column", "MEDIAN DAYS")},
};
static const struct crm_rcol cycle_stage_cols[] = {
	{"stage", NC_("column", "STAGE")},
	{"pipeline", NC_("column", "PIPELINE")},
	{"stays", NC_("column", "STAYS")},
	{"average_days", NC_("column", "AVERAGE DAYS")},
	{"median_days", NC_("column", "MEDIAN DAYS")},
};

/* Orders stage keys by pipeline, then place in it; unknown ones last. */
static const struct groups *stage_groups;
static struct rscan *stage_scan;

static int stage_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const struct crm_pipeline *px = stage_groups->g[x].pl;
	const struct crm_pipeline *py = stage_groups->g[y].pl;
	int ix = report_stage_at(stage_scan, px, x);
	int iy = report_stage_at(stage_scan, py, y);

	if ((ix < 0) != (iy < 0))
		return ix < 0 ? 1 : -1;
	if (px != py)
		return px < py ? -1 : 1;
	if (ix != iy)
		return ix < iy ? -1 : 1;
	return key_cmp(a, b);
}

static void cycle_sections(struct rscan *sc, struct cycle *cy)
{
	struct crm_rsection *s;
	struct crm_rcell *c;
	struct group *g;
	double avg, med;
	uint32_t *keys;
	size_t i, n;
	int at;

	s = report_section(sc, "won", N_("Days from creation to won"),
			   cycle_won_cols, 3, -1);
	c = report_row(s);
	day_stats(&cy->won, &avg, &med);
	cell_int(&c[0], (int64_t)cy->won.ndays);
	if (cy->won.ndays) {
		cell_days(&c[1], avg);
		cell_days(&c[2], med);
	}
	s = report_section(sc, "stages", N_("Days spent in each stage"),
			   cycle_stage_cols, 5, 3);
	n = sorted_keys(sc, &cy->stage, &keys);
	stage_groups = &cy->stage;
	stage_scan = sc;
	qsort(keys, n, sizeof(*keys), stage_cmp);
	for (i = 0; i < n; i++) {
		g = &cy->stage.g[keys[i]];
		c = report_row(s);
		if ((at = report_stage_at(sc, g->pl, keys[i])) >= 0)
			cell_text(&c[0], report_stage_text(g->pl, at, sc->o->lang));
		else
			key_cell(sc, &c[0], keys[i]);
		if (g->pl)
			cell_text(&c[1], g->pl->name);
		day_stats(g, &avg, &med);
		cell_int(&c[2], (int64_t)g->ndays);
		cell_days(&c[3], avg);
		cell_days(&c[4], med);
	}
	free(keys);
}

int report_cycle(struct rscan *sc, struct crm_err *err)
{
	struct cycle cy = {0};
	int rc;

	if ((rc = report_scan(sc, cycle_deal, &cy, err)) == CRM_OK)
		cycle_sections(sc, &cy);
	free(cy.won.days);
	groups_free(&cy.stage);
	return rc;
}

/* ---- sources ---- */

struct sources {
	struct groups source;  /* n: deals made, won: won, extra: leads */
};

static void sources_deal(struct rscan *sc, const struct rdeal *d, void *data)
{
	struct sources *so = data;
	struct group *g;
	int64_t at = 0;

	if (d->has_created ? report_in_period(sc, d->created)
			   : !sc->o->since && !sc->o->until) {
		g = group_of(&so->source, d->source);
		g->n++;
		if (d->has_cents)
			rsum_add(sc, &g->sum, d->currency, d->cents);
	}
	if (closed_kind(sc, d, &at) == CRM_STAGE_WON) {
		g = group_of(&so->source, d->source);
		g->won++;
		if (d->has_cents)
			rsum_add(sc, &g->won_sum, d->currency, d->cents);
	}
}

/* The leads of the whole spans ?2 to ?3 by source, from the totals. */
static const char lead_days_sql[] =
	"SELECT key, sum(n) FROM day_totals WHERE what = 'lead'"
	" AND day BETWEEN ?2 AND ?3 AND (?1 IS NULL OR user = ?1)"
	" GROUP BY key HAVING sum(n) > 0";
/* The leads made from ?2 to ?3 (seconds) by source. */
static const char leads_sql[] =
	"SELECT coalesce(source, ''), count(*) FROM records"
	" INDEXED BY records_leads WHERE type IN (0, 1) AND broken IS NULL"
	" AND created_at BETWEEN ?2 AND ?3 AND (?1 IS NULL OR owner = ?1)"
	" GROUP BY 1";

/* Runs sql (sources and counts of leads over the span lo to hi) into
 * so. */
static int lead_rows(struct rscan *sc, struct sources *so, const char *sql,
		     int64_t lo, int64_t hi, struct crm_err *err)
{
	const char *s;
	sqlite3_stmt *st;
	sqlite3 *db;
	int rc;

	if ((rc = crm_store_index(sc->s, &db, err)))
		return rc;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"), sqlite3_errmsg(db));
	if (sc->o->owner)
		sqlite3_bind_text(st, 1, sc->o->owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	while (sqlite3_step(st) == SQLITE_ROW) {
		s = (const char *)sqlite3_column_text(st, 0);
		group_of(&so->source, rnames_id(&sc->names, s, strlen(s)))->extra +=
			sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return CRM_OK;
}

/* Counts the companies and contacts made in the period by source as
 * leads (the owner option applies; the query selects deals only): whole
 * spans from the index's totals, the edges record by record. */
static int count_leads(struct rscan *sc, struct sources *so,
		       struct crm_err *err)
{
	struct day_spans ds;
	size_t i;
	int rc = CRM_OK;

	report_day_spans(sc->o, &ds);
	if (ds.has_days)
		rc = lead_rows(sc, so, lead_days_sql, ds.days[0], ds.days[1], err);
	for (i = 0; rc == CRM_OK && i < ds.nedges; i++)
		rc = lead_rows(sc, so, leads_sql, ds.edge[i][0], ds.edge[i][1],
			       err);
	return rc;
}

static const struct crm_rcol sources_cols[] = {
	{"source", NC_("column", "SOURCE")},
	{"leads", NC_("column", "LEADS")},
	{"deals", NC_("column", "DEALS")},
	{"amount", NC_("column", "AMOUNT")},
	{"won", NC_("column", "WON")},
	{"won_amount", NC_("column", "WON AMOUNT")},
};

int report_sources(struct rscan *sc, struct crm_err *err)
{
	struct sources so = {0};
	struct crm_rsection *s;
	struct crm_rcell *c;
	struct group *g;
	uint32_t *keys;
	size_t i, n;
	int rc;

	if ((rc = report_scan(sc, sources_deal, &so, err)) == CRM_OK &&
	    (rc = count_leads(sc, &so, err)) == CRM_OK) {
		s = report_section(sc, "by_source", N_("By source"), sources_cols,
				   6, 4);
		n = sorted_keys(sc, &so.source, &keys);
		for (i = 0; i < n; i++) {
			g = &so.source.g[keys[i]];
			c = report_row(s);
			key_cell(sc, &c[0], keys[i]);
			cell_int(&c[1], g->extra);
			cell_int(&c[2], g->n);
			cell_money(sc, &c[3], &g->sum);
			cell_int(&c[4], g->won);
			cell_money(sc, &c[5], &g->won_sum);
		}
		free(keys);
	}
	groups_free(&so.source);
	return rc;
}
