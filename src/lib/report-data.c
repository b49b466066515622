/*
 * report-data.c - what every report shares (report-internal.h): the one
 * scan of the index's deal_facts table, names interned so that grouping
 * compares numbers, each deal's pipeline and stage looked up once per
 * name, money summed per currency, and the builders of sections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-internal.h"
#include "indexrow.h"

/* ---- names ---- */

/* Doubles the slots of t and places every name again. */
static void rnames_grow(struct rnames *t)
{
	size_t i, n = t->nslots ? t->nslots * 2 : 64, j;

	free(t->slots);
	t->slots = crm_xcalloc(n, sizeof(*t->slots));
	t->nslots = n;
	for (i = 1; i < t->n; i++) {
		for (j = t->hash[i] & (n - 1); t->slots[j]; j = (j + 1) & (n - 1))
			;
		t->slots[j] = (uint32_t)i + 1;
	}
}

bool rnames_is(const struct rnames *t, uint32_t id, const char *s,
	       size_t len)
{
	return id < t->n && t->len[id] == len &&
	       memcmp(t->s[id], s, len) == 0;
}

/* Makes room in t for one more name; the first is "". */
static void rnames_room(struct rnames *t)
{
	if (t->n < t->cap)
		return;
	t->cap = t->cap ? t->cap * 2 : 16;
	t->s = crm_xrealloc(t->s, t->cap * sizeof(*t->s));
	t->len = crm_xrealloc(t->len, t->cap * sizeof(*t->len));
	t->hash = crm_xrealloc(t->hash, t->cap * sizeof(*t->hash));
	if (t->n == 0) {
		t->s[0] = crm_xstrdup("");
		t->len[0] = t->hash[0] = 0;
		t->n = 1;
	}
}

uint32_t rnames_id(struct rnames *t, const char *s, size_t len)
{
	uint32_t h, k;
	size_t j;

	if (s == NULL || len == 0)
		return 0;
	rnames_room(t);
	if ((t->n + 1) * 2 > t->nslots)
		rnames_grow(t);
	h = crm_hash(s, len);
	for (j = h & (t->nslots - 1); (k = t->slots[j]) != 0;
	     j = (j + 1) & (t->nslots - 1))
		if (t->hash[k - 1] == h && rnames_is(t, k - 1, s, len))
			return k - 1;
	rnames_room(t);
	t->s[t->n] = crm_xstrndup(s, len);
	t->len[t->n] = (uint32_t)len;
	t->hash[t->n] = h;
	t->slots[j] = (uint32_t)t->n + 1;
	return (uint32_t)t->n++;
}

const char *rnames_str(const struct rnames *t, uint32_t id)
{
	return id < t->n ? t->s[id] : "";
}

static void rnames_free(struct rnames *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->len);
	free(t->hash);
	free(t->slots);
}

/* ---- pipelines and stages ---- */

void *report_grow(void *v, size_t *cap, size_t size, size_t n)
{
	size_t c = *cap ? *cap : 16;

	if (n <= *cap)
		return v;
	while (c < n)
		c *= 2;
	v = crm_xrealloc(v, c * size);
	memset((char *)v + *cap * size, 0, (c - *cap) * size);
	*cap = c;
	return v;
}

/* Grows the int array *v of *cap entries to hold n, new ones -2. */
static void grow_ints(int **v, size_t *cap, size_t n)
{
	size_t old = *cap, i;

	*v = report_grow(*v, cap, sizeof(int), n);
	for (i = old; i < *cap; i++)
		(*v)[i] = -2;
}

/* The pipeline of cfg named by name number id (0: the default one). */
static const struct crm_pipeline *pipeline_of(struct rscan *sc, uint32_t id)
{
	const char *name = rnames_str(&sc->names, id);
	size_t i;

	if (id == 0)
		return crm_config_pipeline(sc->cfg, NULL);
	grow_ints(&sc->pl_idx, &sc->pl_cap, (size_t)id + 1);
	if (sc->pl_idx[id] == -2) {
		sc->pl_idx[id] = -1;
		for (i = 0; i < sc->cfg->npipelines; i++)
			if (strcmp(sc->cfg->pipelines[i].name, name) == 0)
				sc->pl_idx[id] = (int)i;
	}
	return sc->pl_idx[id] < 0 ? NULL : &sc->cfg->pipelines[sc->pl_idx[id]];
}

int report_stage_at(struct rscan *sc, const struct crm_pipeline *pl,
		    uint32_t stage)
{
	size_t p = (size_t)(pl - sc->cfg->pipelines), i;
	int *v;

	if (pl == NULL || stage == 0)
		return -1;
	if (sc->stage_idx == NULL) {
		sc->stage_idx = crm_xcalloc(sc->cfg->npipelines + 1, sizeof(int *));
		sc->stage_cap = crm_xcalloc(sc->cfg->npipelines + 1,
					    sizeof(size_t));
	}
	grow_ints(&sc->stage_idx[p], &sc->stage_cap[p], (size_t)stage + 1);
	v = sc->stage_idx[p];
	if (v[stage] == -2) {
		v[stage] = -1;
		for (i = 0; i < pl->nstages; i++)
			if (strcmp(pl->stages[i], rnames_str(&sc->names, stage)) == 0)
				v[stage] = (int)i;
	}
	return v[stage];
}

enum crm_stage_kind report_kind(const struct crm_pipeline *pl, int i)
{
	return pl && i >= 0 ? pl->defs[i].kind : CRM_STAGE_OPEN;
}

const struct crm_pipeline *report_pipeline(const struct rscan *sc)
{
	return crm_config_pipeline(sc->cfg, sc->o->pipeline);
}

long report_entered(const struct rdeal *d)
{
	return d->nhist ? (long)d->nhist - 1 : -1;
}

bool report_in_period(const struct rscan *sc, int64_t t)
{
	return (sc->o->since == 0 || t >= (int64_t)sc->o->since) &&
	       (sc->o->until == 0 || t <= (int64_t)sc->o->until);
}

/* ---- the scan ---- */

/* Builds the select of the facts of the deals sc->o's query selects
 * (every deal without one) into sql_text. */
static int scan_sql(struct rscan *sc, struct crm_buf *sql_text,
		    struct crm_sql *sql, struct crm_err *err)
{
	const struct crm_report_opts *o = sc->o;
	struct crm_find f = {0};

	crm_buf_adds(sql_text, "SELECT f.facts FROM deal_facts f");
	if (o->query == NULL || crm_query_empty(o->query))
		return CRM_OK;
	f.mask = CRM_TYPE_BIT(CRM_DEAL);
	f.query = o->query;
	crm_buf_adds(sql_text, " JOIN records r ON r.rid = f.rid");
	return crm_find_where(sc->s, &f, sql_text, sql, err);
}

/* The next field of the facts text at *p (indexrow.h) into *len; *p is
 * moved past it and its separator. */
static const char *next_field(const char **p, size_t *len)
{
	const char *s = *p, *e = s;

	while (*e && *e != DEAL_HIST_FS && *e != DEAL_HIST_RS)
		e++;
	*len = (size_t)(e - s);
	*p = *e ? e + 1 : e;
	return s;
}

/* The next field of *p as a whole number (0 when empty; *has says
 * whether it has digits), read as it is passed: one walk. */
static int64_t next_number(const char **p, bool *has)
{
	const char *s = *p, *digits;
	bool neg = *s == '-';
	int64_t v = 0;

	s += neg;
	for (digits = s; (unsigned char)(*s - '0') < 10; s++)
		v = v * 10 + (*s - '0');
	*has = s > digits;
	while (*s && *s != DEAL_HIST_FS && *s != DEAL_HIST_RS)
		s++;
	*p = *s ? s + 1 : s;
	return neg ? -v : v;
}

/* The next field of *p as a name's number; slot (one per kind of
 * field) remembers the last, which the next row most often repeats. */
static uint32_t next_name(struct rscan *sc, const char **p, size_t slot)
{
	size_t len;
	const char *s = next_field(p, &len);
	uint32_t last = sc->last[slot];

	if (len == 0)
		return 0;
	if (last && rnames_is(&sc->names, last, s, len))
		return last;
	return sc->last[slot] = rnames_id(&sc->names, s, len);
}

/* Reads the history records at p into sc->hist; returns how many. */
static size_t read_history(struct rscan *sc, const char *p)
{
	struct rhist *e;
	size_t n = 0, len;
	bool has;

	while (*p) {
		if (n == sc->hcap) {
			sc->hcap = sc->hcap ? sc->hcap * 2 : 16;
			sc->hist = crm_xrealloc(sc->hist,
						sc->hcap * sizeof(*sc->hist));
		}
		e = &sc->hist[n++];
		e->at = next_number(&p, &has);
		/* the i-th entry of most deals is of the same stage */
		e->stage = next_name(sc, &p, 5 + (n - 1 < 9 ? n - 1 : 9));
		(void)next_field(&p, &len);   /* by: no report needs it */
		e->reason = next_name(sc, &p, 15);
		e->touches = (int32_t)next_number(&p, &has);
	}
	return n;
}

/* Cuts d back to what it was at as_of; false when it did not exist. */
static bool cut_to(struct rdeal *d, int64_t as_of)
{
	size_t n = d->nhist;

	if (d->has_created ? d->created > as_of
			   : (n == 0 || d->hist[0].at > as_of))
		return false;
	while (n > 0 && d->hist[n - 1].at > as_of)
		n--;
	if (n > 0)
		d->stage = d->hist[n - 1].stage;
	else if (d->nhist > 0)
		d->stage = d->hist[0].stage;
	d->nhist = n;
	return true;
}

/* Reads the facts text p into d. */
static void read_deal(struct rscan *sc, const char *p, struct rdeal *d)
{
	bool has;
	size_t len;

	memset(d, 0, sizeof(*d));
	d->pipeline = next_name(sc, &p, 0);
	d->stage = next_name(sc, &p, 1);
	d->owner = next_name(sc, &p, 2);
	d->source = next_name(sc, &p, 3);
	d->currency = rnames_str(&sc->names, next_name(sc, &p, 4));
	if (d->currency[0] == '\0')
		d->currency = sc->cfg->default_currency ?
			      sc->cfg->default_currency : "";
	d->cents = next_number(&p, &d->has_cents);
	d->probability = (int)next_number(&p, &has);
	if (!has)
		d->probability = -1;
	d->created = next_number(&p, &d->has_created);
	d->close = next_number(&p, &d->has_close);
	d->touches = (int32_t)next_number(&p, &has);
	d->competitors = next_field(&p, &len);
	d->ncompetitors = len;
	d->nhist = read_history(sc, p);
	d->hist = sc->hist;
}

/* Completes d, whose stage now is now: its pipeline and stage, and its
 * chance. */
static void place_deal(struct rscan *sc, struct rdeal *d, uint32_t now)
{
	d->pl = pipeline_of(sc, d->pipeline);
	d->stage_at = report_stage_at(sc, d->pl, d->stage);
	d->now_at = report_stage_at(sc, d->pl, now);
	if (d->probability < 0 && d->stage_at >= 0)
		d->probability = d->pl->defs[d->stage_at].probability;
}

int report_scan(struct rscan *sc, rdeal_cb cb, void *data,
		struct crm_err *err)
{
	const struct crm_pipeline *want = NULL;
	struct crm_buf text = {0};
	struct crm_sql sql = {0};
	sqlite3_stmt *st = NULL;
	uint32_t now, owner = 0;
	struct rdeal d;
	sqlite3 *db;
	int rc, step;

	if ((rc = crm_store_index(sc->s, &db, err)) ||
	    (rc = scan_sql(sc, &text, &sql, err)))
		goto out;
	if (sqlite3_prepare_v2(db, text.s, -1, &st, NULL) != SQLITE_OK) {
		rc = crm_seterr(err, CRM_ERR, _("index: %s"), sqlite3_errmsg(db));
		goto out;
	}
	crm_sql_bind(st, &sql);
	if (sc->o->owner)
		owner = rnames_id(&sc->names, sc->o->owner, strlen(sc->o->owner));
	if (sc->o->pipeline)
		want = report_pipeline(sc);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		read_deal(sc, (const char *)sqlite3_column_text(st, 0), &d);
		if (sc->o->owner && d.owner != owner)
			continue;
		now = d.stage;
		if (sc->o->as_of && !cut_to(&d, (int64_t)sc->o->as_of))
			continue;
		place_deal(sc, &d, now);
		if (want && d.pl != want)
			continue;
		cb(sc, &d, data);
	}
	if (step != SQLITE_DONE)
		rc = crm_seterr(err, strstr(sqlite3_errmsg(db), "regular")
				? CRM_EUSAGE : CRM_ERR, _("query: %s"),
				sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	crm_buf_free(&text);
	crm_sql_free(&sql);
	return rc;
}

/* ---- money ---- */

/* The rate of cur in crm.yaml's rates (to their base), or 0. */
static double rate_of(const struct crm_config *cfg, const char *cur)
{
	size_t i;

	for (i = 0; i < cfg->nrates; i++)
		if (strcmp(cfg->rates[i].currency, cur) == 0)
			return cfg->rates[i].rate;
	return 0;
}

/* Adds cents in cur (already converted) to m, kept sorted by currency;
 * the currency added last is found without a search. */
static void rsum_put(struct rsum *m, const char *cur, int64_t cents)
{
	size_t i;
	int c = 1;

	if (cur == m->last && m->last_i < m->n) {
		m->overflow |= __builtin_add_overflow(m->v[m->last_i].n, cents,
						      &m->v[m->last_i].n);
		return;
	}
	for (i = 0; i < m->n && (c = strcmp(m->v[i].currency, cur)) < 0; i++)
		;
	m->last = cur;
	m->last_i = i;
	if (i < m->n && c == 0) {
		m->overflow |= __builtin_add_overflow(m->v[i].n, cents,
						      &m->v[i].n);
		return;
	}
	m->v = crm_xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
	memmove(&m->v[i + 1], &m->v[i], (m->n - i) * sizeof(*m->v));
	memset(&m->v[i], 0, sizeof(*m->v));
	snprintf(m->v[i].currency, sizeof(m->v[i].currency), "%s", cur);
	m->v[i].n = cents;
	m->n++;
}

void rsum_add(struct rscan *sc, struct rsum *m, const char *cur,
	      int64_t cents)
{
	double rate, v;

	if (sc->cfg->rates_base[0] && strcmp(cur, sc->cfg->rates_base) != 0 &&
	    (rate = rate_of(sc->cfg, cur)) > 0) {
		v = (double)cents * rate + (cents < 0 ? -0.5 : 0.5);
		if (!(v > -9.2e18 && v < 9.2e18)) {
			m->overflow = true;
			return;
		}
		cents = (int64_t)v;
		cur = sc->cfg->rates_base;
	}
	rsum_put(m, cur, cents);
}

void rsum_merge(struct rsum *a, const struct rsum *b)
{
	size_t i;

	/* b's currencies are its own copies: no cached place for them */
	for (i = 0; i < b->n; i++) {
		a->last = NULL;
		rsum_put(a, b->v[i].currency, b->v[i].n);
	}
	a->last = NULL;
	a->overflow |= b->overflow;
}

void rsum_free(struct rsum *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* ---- sections and cells ---- */

struct crm_rsection *report_section(struct rscan *sc, const char *key,
				    const char *title,
				    const struct crm_rcol *cols, size_t ncols,
				    int bar)
{
	struct crm_report *r = sc->r;
	struct crm_rsection *s;

	r->sections = crm_xrealloc(r->sections, (r->nsections + 1) *
				   sizeof(*r->sections));
	s = &r->sections[r->nsections++];
	memset(s, 0, sizeof(*s));
	s->key = key;
	s->title = title;
	s->cols = cols;
	s->ncols = ncols;
	s->bar = bar;
	return s;
}

struct crm_rcell *report_row(struct crm_rsection *s)
{
	struct crm_rcell *c;

	s->cells = crm_xrealloc(s->cells, (s->nrows + 1) * s->ncols *
				sizeof(*s->cells));
	c = &s->cells[s->nrows++ * s->ncols];
	memset(c, 0, s->ncols * sizeof(*c));
	return c;
}

void cell_text(struct crm_rcell *c, const char *s)
{
	c->kind = CRM_RCELL_TEXT;
	c->text = crm_xstrdup(s ? s : "");
}

void cell_int(struct crm_rcell *c, int64_t n)
{
	c->kind = CRM_RCELL_INT;
	c->n = n;
}

void cell_money(struct rscan *sc, struct crm_rcell *c, const struct rsum *m)
{
	const char *def = sc->cfg->rates_base[0] ? sc->cfg->rates_base
			  : sc->cfg->default_currency ? sc->cfg->default_currency
						      : "";

	sc->overflow |= m->overflow;
	if (m->n > 1) {
		c->kind = CRM_RCELL_MONEY;
		c->money = crm_xcalloc(m->n, sizeof(*c->money));
		memcpy(c->money, m->v, m->n * sizeof(*c->money));
		c->nmoney = m->n;
		return;
	}
	c->kind = CRM_RCELL_AMOUNT;
	c->n = m->n ? m->v[0].n : 0;
	snprintf(c->currency, sizeof(c->currency), "%s",
		 m->n ? m->v[0].currency : def);
}

void cell_percent(struct crm_rcell *c, double num, double den)
{
	if (den == 0) {
		c->kind = CRM_RCELL_EMPTY;
		return;
	}
	c->kind = CRM_RCELL_PERCENT;
	c->x = 100.0 * num / den;
}

void cell_days(struct crm_rcell *c, double days)
{
	c->kind = CRM_RCELL_DAYS;
	c->x = days;
}

const char *report_stage_text(const struct crm_pipeline *pl, int i,
			      const char *lang)
{
	return crm_label_text(&pl->defs[i].label, lang);
}

const char *report_reason_text(const struct rscan *sc, const char *reason)
{
	const struct crm_label *l = crm_label_find(sc->cfg->lost_reasons,
						   sc->cfg->nlost_reasons,
						   reason);

	return l ? crm_label_text(l, sc->o->lang) : reason;
}

/* The k-th smallest of v[0..n) (k < n), v reordered: Hoare's
 * selection, linear on average, where a sort would cost n log n. */
static double select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1, i, j;
	double pivot, t;

	while (lo < hi) {
		pivot = v[lo + (hi - lo) / 2];
		i = lo;
		j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}

double report_median(double *v, size_t n)
{
	double hi, lo;
	size_t i;

	if (n == 0)
		return 0;
	hi = select_kth(v, n, n / 2);
	if (n % 2)
		return hi;
	/* the largest of the lower half, which selection left below */
	lo = v[0];
	for (i = 1; i < n / 2; i++)
		if (v[i] > lo)
			lo = v[i];
	return (lo + hi) / 2;
}

/* ---- running a report ---- */

/* A report by name. */
struct report_def {
	const char *name;
	const char *title;   /* N_() */
	int (*fn)(struct rscan *sc, struct crm_err *err);
	bool as_of;
};

static const struct report_def reports[] = {
	{"funnel", N_("Sales funnel"), report_funnel, true},
	{"conversion", N_("Conversion"), report_conversion, false},
	{"lost", N_("Lost deals"), report_lost, false},
	{"cycle", N_("Sales cycle"), report_cycle, false},
	{"activity", N_("Activity"), report_activity, false},
	{"sources", N_("Sources"), report_sources, false},
	{"forecast", N_("Forecast"), report_forecast, true},
};

const char *const crm_report_names[] = {
	"funnel", "conversion", "lost", "cycle", "activity", "sources",
	"forecast", NULL,
};

/* The report called name, or NULL. */
static const struct report_def *find_report(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++)
		if (strcmp(reports[i].name, name) == 0)
			return &reports[i];
	return NULL;
}

bool crm_report_has_as_of(const char *name)
{
	const struct report_def *d = find_report(name);

	return d && d->as_of;
}

/* Checks o's owner and pipeline against crm.yaml. */
static int check_opts(const struct crm_config *cfg,
		      const struct crm_report_opts *o, struct crm_err *err)
{
	const char *names[64];
	const char *hint;
	size_t i, n = 0;

	if (o->owner && crm_config_check_user(cfg, o->owner, err))
		return err->status = CRM_EUSAGE;
	if (o->pipeline == NULL || crm_config_pipeline(cfg, o->pipeline))
		return CRM_OK;
	for (i = 0; i < cfg->npipelines && n < 64; i++)
		names[n++] = cfg->pipelines[i].name;
	if ((hint = crm_suggest(o->pipeline, names, n)) != NULL)
		return crm_seterr(err, CRM_EUSAGE, _("unknown pipeline '%s' "
				  "(did you mean '%s'?)"), o->pipeline, hint);
	return crm_seterr(err, CRM_EUSAGE, _("unknown pipeline '%s'"),
			  o->pipeline);
}

int crm_report_run(struct crm_store *s, const char *name,
		   const struct crm_report_opts *o, struct crm_report *out,
		   struct crm_err *err)
{
	const struct report_def *d = find_report(name);
	struct rscan sc = {0};
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (d == NULL)
		return crm_seterr(err, CRM_EUSAGE, _("unknown report '%s'"), name);
	if (o->as_of && !d->as_of)
		return crm_seterr(err, CRM_EUSAGE, _("report '%s' cannot be "
				  "shown as of a date"), name);
	sc.s = s;
	sc.cfg = crm_store_config(s);
	sc.o = o;
	sc.r = out;
	if ((rc = check_opts(sc.cfg, o, err)))
		return rc;
	out->name = d->name;
	out->title = d->title;
	out->since = o->since;
	out->until = o->until;
	out->as_of = o->as_of;
	rc = d->fn(&sc, err);
	if (rc == CRM_OK && sc.overflow) {
		crm_report_free(out);
		rc = crm_seterr(err, CRM_ERR, _("cannot add up the deals' "
				"amounts: the sum is larger than crm holds "
				"exactly (about 92 quadrillion)"));
	}
	rnames_free(&sc.names);
	free(sc.hist);
	for (i = 0; sc.stage_idx && i <= sc.cfg->npipelines; i++)
		free(sc.stage_idx[i]);
	free(sc.stage_idx);
	free(sc.stage_cap);
	free(sc.pl_idx);
	return rc;
}
