/*
 * report-funnel.c - the reports of a pipeline's stages, which can also
 * be shown as they stood on a past date: the funnel (deals that reached
 * each stage in the period, conversions, where deals were lost) and the
 * forecast (open deals by expected close month, raw and weighted).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report-internal.h"

/* ---- funnel ---- */

/* Deals lost from one stage for one reason. */
struct lost_key {
	int from;            /* the stage lost from, -1 none */
	uint32_t reason;
	int64_t n;
	struct rsum sum;
};

struct funnel {
	const struct crm_pipeline *pl;
	int *rank;           /* per stage of pl: its row, -1 for lost ones */
	int *stage_of;       /* per row: its stage */
	size_t nrows;
	int64_t *count;      /* per row */
	struct rsum *sum;    /* per row */
	bool *hit;           /* per row, for the deal being counted */
	struct lost_key *lost;
	size_t nlost;
};

/* Counts deal d lost from stage from (-1: none) for reason. */
static void count_lost(struct rscan *sc, struct funnel *f,
		       const struct rdeal *d, int from, uint32_t reason)
{
	struct lost_key *k = NULL;
	size_t i;

	for (i = 0; i < f->nlost; i++)
		if (f->lost[i].from == from && f->lost[i].reason == reason)
			k = &f->lost[i];
	if (k == NULL) {
		f->lost = crm_xrealloc(f->lost, (f->nlost + 1) * sizeof(*f->lost));
		k = &f->lost[f->nlost++];
		memset(k, 0, sizeof(*k));
		k->from = from;
		k->reason = reason;
	}
	k->n++;
	if (d->has_cents)
		rsum_add(sc, &k->sum, d->currency, d->cents);
}

/* Marks the rows deal d reached in the period; the last lost entry in
 * it is counted as where it was lost. */
static void funnel_marks(struct rscan *sc, struct funnel *f,
			 const struct rdeal *d)
{
	int st, prev, lost_from = -2;
	uint32_t reason = 0;
	size_t i;

	if (d->nhist == 0 && d->stage_at >= 0 &&
	    (d->has_created ? report_in_period(sc, d->created)
			    : sc->o->since == 0 && sc->o->until == 0) &&
	    f->rank[d->stage_at] >= 0)
		f->hit[f->rank[d->stage_at]] = true;
	for (i = 0; i < d->nhist; i++) {
		if (!report_in_period(sc, d->hist[i].at))
			continue;
		if ((st = report_stage_at(sc, f->pl, d->hist[i].stage)) < 0)
			continue;
		if (f->rank[st] >= 0) {
			f->hit[f->rank[st]] = true;
			continue;
		}
		prev = i ? report_stage_at(sc, f->pl, d->hist[i - 1].stage) : -1;
		lost_from = prev >= 0 && f->rank[prev] >= 0 ? prev : -1;
		reason = d->hist[i].reason;
	}
	if (lost_from != -2)
		count_lost(sc, f, d, lost_from, reason);
}

/* Counts deal d in the funnel. */
static void funnel_deal(struct rscan *sc, const struct rdeal *d, void *data)
{
	struct funnel *f = data;
	size_t i, last = 0;
	bool any = false;

	if (d->pl != f->pl)
		return;
	memset(f->hit, 0, f->nrows * sizeof(*f->hit));
	funnel_marks(sc, f, d);
	for (i = 0; i < f->nrows; i++)
		if (f->hit[i]) {
			any = true;
			last = i;
		}
	if (!any)
		return;
	for (i = 0; i < f->nrows; i++) {
		/* a stage skipped counts as passed, unless strict */
		if (!f->hit[i] && (sc->o->strict_stages || i > last))
			continue;
		f->count[i]++;
		if (d->has_cents)
			rsum_add(sc, &f->sum[i], d->currency, d->cents);
	}
}

static const struct crm_rcol funnel_cols[] = {
	{"stage", NC_("column", "STAGE")},
	{"deals", NC_("column", "DEALS")},
	{"amount", NC_("column", "AMOUNT")},
	{"step", NC_("column", "STEP")},
	{"cumulative", NC_("column", "CUMULATIVE")},
};

static const struct crm_rcol lost_cols[] = {
	{"stage", NC_("column", "LOST AT")},
	{"reason", NC_("column", "REASON")},
	{"deals", NC_("column", "DEALS")},
	{"amount", NC_("column", "AMOUNT")},
};

/* Orders lost keys by deals, most first, then stage, then reason. */
static const struct rnames *lost_names;

static int lost_cmp(const void *a, const void *b)
{
	const struct lost_key *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return strcmp(rnames_str(lost_names, x->reason),
		      rnames_str(lost_names, y->reason));
}

/* The sections of the funnel f. */
static void funnel_sections(struct rscan *sc, struct funnel *f)
{
	struct crm_rsection *s;
	struct crm_rcell *c;
	size_t i;

	s = report_section(sc, "stages", N_("Stages"), funnel_cols, 5, 1);
	for (i = 0; i < f->nrows; i++) {
		c = report_row(s);
		cell_text(&c[0], report_stage_text(f->pl, f->stage_of[i],
						   sc->o->lang));
		cell_int(&c[1], f->count[i]);
		cell_money(sc, &c[2], &f->sum[i]);
		cell_percent(&c[3], (double)f->count[i],
			     (double)(i ? f->count[i - 1] : f->count[0]));
		cell_percent(&c[4], (double)f->count[i], (double)f->count[0]);
	}
	lost_names = &sc->names;
	if (f->nlost) /* qsort(NULL, 0) is undefined */
		qsort(f->lost, f->nlost, sizeof(*f->lost), lost_cmp);
	s = report_section(sc, "lost", N_("Lost"), lost_cols, 4, 2);
	for (i = 0; i < f->nlost; i++) {
		c = report_row(s);
		if (f->lost[i].from >= 0)
			cell_text(&c[0], report_stage_text(f->pl, f->lost[i].from,
							   sc->o->lang));
		cell_text(&c[1], report_reason_text(sc, rnames_str(&sc->names,
						    f->lost[i].reason)));
		cell_int(&c[2], f->lost[i].n);
		cell_money(sc, &c[3], &f->lost[i].sum);
	}
}

static void funnel_free(struct funnel *f)
{
	size_t i;

	for (i = 0; i < f->nrows; i++)
		rsum_free(&f->sum[i]);
	for (i = 0; i < f->nlost; i++)
		rsum_free(&f->lost[i].sum);
	free(f->rank);
	free(f->stage_of);
	free(f->count);
	free(f->sum);
	free(f->hit);
	free(f->lost);
}

/* Sets up the rows of f for pl: its open and won stages in order. */
static void funnel_init(struct funnel *f, const struct crm_pipeline *pl)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	f->pl = pl;
	f->rank = crm_xcalloc(pl->nstages + 1, sizeof(int));
	f->stage_of = crm_xcalloc(pl->nstages + 1, sizeof(int));
	for (i = 0; i < pl->nstages; i++) {
		f->rank[i] = -1;
		if (pl->defs[i].kind == CRM_STAGE_LOST)
			continue;
		f->rank[i] = (int)f->nrows;
		f->stage_of[f->nrows++] = (int)i;
	}
	f->count = crm_xcalloc(f->nrows + 1, sizeof(*f->count));
	f->sum = crm_xcalloc(f->nrows + 1, sizeof(*f->sum));
	f->hit = crm_xcalloc(f->nrows + 1, sizeof(*f->hit));
}

/* Narrows sc's options to one pipeline, the one asked for or the
 * default; NULL (err set) when the store has none. */
static const struct crm_pipeline *one_pipeline(struct rscan *sc,
					       struct crm_err *err)
{
	const struct crm_pipeline *pl = report_pipeline(sc);

	if (pl == NULL) {
		crm_seterr(err, CRM_ERR, _("crm.yaml has no pipeline"));
		return NULL;
	}
	sc->own = *sc->o;
	sc->own.pipeline = pl->name;
	sc->o = &sc->own;
	return pl;
}

int report_funnel(struct rscan *sc, struct crm_err *err)
{
	const struct crm_pipeline *pl = one_pipeline(sc, err);
	struct funnel f;
	int rc;

	if (pl == NULL)
		return err->status;
	funnel_init(&f, pl);
	if ((rc = report_scan(sc, funnel_deal, &f, err)) == CRM_OK)
		funnel_sections(sc, &f);
	funnel_free(&f);
	return rc;
}

/* ---- forecast ---- */

/* The open deals of one expected close month. */
struct month {
	int key;             /* year * 12 + month - 1; -1 for no date */
	int64_t n, won, lost;
	struct rsum raw, weighted, won_sum;
};

struct forecast {
	struct month *m;
	size_t n;
	bool actual;
	bool mixed;          /* several currencies among the weighted */
};

/* The month of forecast f for key, added when new. */
static struct month *month_of(struct forecast *f, int key)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->m[i].key == key)
			return &f->m[i];
	f->m = crm_xrealloc(f->m, (f->n + 1) * sizeof(*f->m));
	memset(&f->m[f->n], 0, sizeof(*f->m));
	f->m[f->n].key = key;
	return &f->m[f->n++];
}

/* The month key of the day t (a local midnight). */
static int month_key(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return -1;
	return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

/* Counts open deal d in its month. */
static void forecast_deal(struct rscan *sc, const struct rdeal *d, void *data)
{
	struct forecast *f = data;
	struct month *m;
	int64_t w;

	if (d->stage_at < 0 || report_kind(d->pl, d->stage_at) != CRM_STAGE_OPEN)
		return;
	if ((sc->o->since || sc->o->until) &&
	    (!d->has_close || !report_in_period(sc, d->close)))
		return;
	m = month_of(f, d->has_close ? month_key(d->close) : -1);
	m->n++;
	if (d->has_cents) {
		rsum_add(sc, &m->raw, d->currency, d->cents);
		/* (whole cents: at most 10^17 of them, times 100 at most) */
		w = d->probability > 0 ? (int64_t)((__int128)d->cents *
						    d->probability / 100) : 0;
		rsum_add(sc, &m->weighted, d->currency, w);
		f->mixed |= m->weighted.n > 1;
	}
	if (!f->actual)
		return;
	if (report_kind(d->pl, d->now_at) == CRM_STAGE_WON) {
		m->won++;
		if (d->has_cents)
			rsum_add(sc, &m->won_sum, d->currency, d->cents);
	} else if (report_kind(d->pl, d->now_at) == CRM_STAGE_LOST &&
		   d->now_at >= 0) {
		m->lost++;
	}
}

static const struct crm_rcol forecast_cols[] = {
	{"month", NC_("column", "MONTH")},
	{"deals", NC_("column", "DEALS")},
	{"amount", NC_("column", "AMOUNT")},
	{"weighted", NC_("column", "WEIGHTED")},
	{"won", NC_("column", "WON")},
	{"won_amount", NC_("column", "WON AMOUNT")},
	{"lost", NC_("column", "LOST")},
};

/* Orders months, the undated last. */
static int month_cmp(const void *a, const void *b)
{
	const struct month *x = a, *y = b;

	if ((x->key < 0) != (y->key < 0))
		return x->key < 0 ? 1 : -1;
	return x->key < y->key ? -1 : x->key > y->key;
}

static const struct crm_rcol forecast_total_cols[] = {
	{"total", NC_("column", "TOTAL")},
	{"deals", NC_("column", "DEALS")},
	{"amount", NC_("column", "AMOUNT")},
	{"weighted", NC_("column", "WEIGHTED")},
	{"won", NC_("column", "WON")},
	{"won_amount", NC_("column", "WON AMOUNT")},
	{"lost", NC_("column", "LOST")},
};

/* Fills the cells after the first of a forecast row from m. */
static void month_cells(struct rscan *sc, struct crm_rcell *c,
			const struct month *m, bool actual)
{
	cell_int(&c[1], m->n);
	cell_money(sc, &c[2], &m->raw);
	cell_money(sc, &c[3], &m->weighted);
	if (actual) {
		cell_int(&c[4], m->won);
		cell_money(sc, &c[5], &m->won_sum);
		cell_int(&c[6], m->lost);
	}
}

/* The sections of forecast f: its months, then their total. */
static void forecast_section(struct rscan *sc, struct forecast *f)
{
	struct crm_rsection *s;
	struct crm_rcell *c;
	struct month all = {0};
	char buf[16];
	size_t i, ncols = f->actual ? 7 : 4;

	if (f->n) /* qsort(NULL, 0) is undefined */
		qsort(f->m, f->n, sizeof(*f->m), month_cmp);
	s = report_section(sc, "months", N_("Open deals by expected close"),
			   forecast_cols, ncols, f->mixed ? 1 : 3);
	for (i = 0; i < f->n; i++) {
		const struct month *m = &f->m[i];

		c = report_row(s);
		if (m->key >= 0) {
			snprintf(buf, sizeof(buf), "%04d-%02d", m->key / 12,
				 m->key % 12 + 1);
			cell_text(&c[0], buf);
		}
		month_cells(sc, c, m, f->actual);
		all.n += m->n;
		all.won += m->won;
		all.lost += m->lost;
		rsum_merge(&all.raw, &m->raw);
		rsum_merge(&all.weighted, &m->weighted);
		rsum_merge(&all.won_sum, &m->won_sum);
	}
	s = report_section(sc, "total", N_("All open deals"),
			   forecast_total_cols, ncols, -1);
	c = report_row(s);
	cell_text(&c[0], _("all deals"));
	month_cells(sc, c, &all, f->actual);
	rsum_free(&all.raw);
	rsum_free(&all.weighted);
	rsum_free(&all.won_sum);
}

int report_forecast(struct rscan *sc, struct crm_err *err)
{
	struct forecast f = {0};
	size_t i;
	int rc;

	if (sc->o->actual && sc->o->as_of == 0)
		return crm_seterr(err, CRM_EUSAGE, _("--actual needs --as-of"));
	f.actual = sc->o->actual;
	if ((rc = report_scan(sc, forecast_deal, &f, err)) == CRM_OK)
		forecast_section(sc, &f);
	for (i = 0; i < f.n; i++) {
		rsum_free(&f.m[i].raw);
		rsum_free(&f.m[i].weighted);
		rsum_free(&f.m[i].won_sum);
	}
	free(f.m);
	return rc;
}
