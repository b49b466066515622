/*
 * report-internal.h - what the reports share (report-data.c): one scan of
 * the index's deal_facts table into small structs, names interned, the
 * pipeline and stage of each deal looked up once per name, sums of money
 * kept per currency, and the builders of sections and cells.
 */
#ifndef CRM_REPORT_INTERNAL_H
#define CRM_REPORT_INTERNAL_H

#include <sqlite3.h>

#include "report.h"
#include "store-internal.h"

/* Names met in a scan (owners, stages, sources, reasons...), each given
 * a number once: 0 is the empty name. */
struct rnames {
	char **s;            /* by number; s[0] is "" */
	uint32_t *len, *hash; /* by number: the length and hash of each */
	size_t n, cap;
	uint32_t *slots;     /* open addressing: number + 1, 0 free */
	size_t nslots;
};

/* One stage_history entry of a deal. */
struct rhist {
	int64_t at;
	uint32_t stage, reason;
	int32_t touches;     /* the deal's timeline entries at or before at */
};

/* A deal as the scan passes it on; everything borrowed for the call. */
struct rdeal {
	sqlite3_int64 rid;
	uint32_t pipeline, stage, owner, source;
	const char *currency;  /* its own, else the default one, else "" */
	bool has_cents, has_created, has_close;
	int64_t cents, created, close;
	int probability;     /* its chance in percent: its own, else its
				stage's; -1 when neither is known */
	const struct rhist *hist;   /* oldest first (up to as_of) */
	size_t nhist;
	const char *competitors;    /* ids '\n'-joined (not NUL-ended) */
	size_t ncompetitors;        /* their length */
	int32_t touches;     /* its timeline entries */
	const struct crm_pipeline *pl; /* its pipeline, NULL when unknown */
	int stage_at;        /* its stage's place in pl, -1 when unknown */
	int now_at;          /* the same of the stage it is in now (as_of
				aside) */
};

/* A sum of money per currency. */
struct rsum {
	struct crm_rmoney *v;
	size_t n;
	const char *last;    /* the currency last added (a stable string:
				interned, or crm.yaml's) */
	size_t last_i;       /* its place in v */
	bool overflow;       /* a sum went past what 64 bits of cents hold */
};

/* The state of a report being computed. */
struct rscan {
	struct crm_store *s;
	const struct crm_config *cfg;
	const struct crm_report_opts *o;
	struct rnames names;
	struct rhist *hist;    /* the current deal's, reused */
	size_t hcap;
	int **stage_idx;       /* per pipeline of cfg, per name: the
				  stage's place, -1 none, -2 not looked up */
	size_t *stage_cap;
	int *pl_idx;           /* per name: the pipeline of cfg, -1 none,
				  -2 not looked up */
	size_t pl_cap;
	struct crm_report *r;
	uint32_t last[16];     /* the last name of each kind of field */
	struct crm_report_opts own;  /* o narrowed by a report (o points
					here then) */
	bool overflow;         /* a sum shown overflowed (cell_money) */
};

/* The array v of *cap elements of size bytes grown, when it holds fewer
 * than n, to a power of two (at least 16) that holds them, the new ones
 * zeroed; *cap is updated.  Returns the array (v's owner owns it). */
void *report_grow(void *v, size_t *cap, size_t size, size_t n);
/* The number of name s[0..len) (0 for ""). */
uint32_t rnames_id(struct rnames *t, const char *s, size_t len);
/* True when name id is s[0..len). */
bool rnames_is(const struct rnames *t, uint32_t id, const char *s,
	       size_t len);
/* The name numbered id ("" for 0). */
const char *rnames_str(const struct rnames *t, uint32_t id);

/* Called for each deal the report's options select. */
typedef void (*rdeal_cb)(struct rscan *sc, const struct rdeal *d, void *data);
/*
 * Passes each deal of the index that sc->o selects (owner, pipeline,
 * query) to cb, as it stood at sc->o->as_of when that is set (deals made
 * later left out, the history cut there, the stage the last entry's).
 * Query errors are CRM_EUSAGE.
 */
int report_scan(struct rscan *sc, rdeal_cb cb, void *data,
		struct crm_err *err);
/* The place of stage (a name's number) in pipeline pl of sc->cfg, or -1. */
int report_stage_at(struct rscan *sc, const struct crm_pipeline *pl,
		    uint32_t stage);
/* The kind of stage i of pl. */
enum crm_stage_kind report_kind(const struct crm_pipeline *pl, int i);
/* The pipeline report options name, or the default one: NULL when
 * the store has none. */
const struct crm_pipeline *report_pipeline(const struct rscan *sc);

/* The index of the entry that brought d into the stage it is in (its
 * last entry), or -1 when it has none. */
long report_entered(const struct rdeal *d);
/* True when t is in the report's period. */
bool report_in_period(const struct rscan *sc, int64_t t);

/* Adds cents in currency cur to m (converted by crm.yaml's rates when
 * they give one). */
void rsum_add(struct rscan *sc, struct rsum *m, const char *cur,
	      int64_t cents);
/* Adds what b holds to a. */
void rsum_merge(struct rsum *a, const struct rsum *b);
void rsum_free(struct rsum *m);

/* Appends a section of ncols static cols to sc->r; returns it. */
struct crm_rsection *report_section(struct rscan *sc, const char *key,
				    const char *title,
				    const struct crm_rcol *cols, size_t ncols,
				    int bar);
/* Appends a row of empty cells to s; returns its cells (valid until the
 * next row). */
struct crm_rcell *report_row(struct crm_rsection *s);
void cell_text(struct crm_rcell *c, const char *s);
void cell_int(struct crm_rcell *c, int64_t n);
/* An AMOUNT cell for one currency, MONEY for several, 0 for none (in the
 * default currency). */
void cell_money(struct rscan *sc, struct crm_rcell *c, const struct rsum *m);
/* 100 * num / den, EMPTY when den is 0. */
void cell_percent(struct crm_rcell *c, double num, double den);
void cell_days(struct crm_rcell *c, double days);
/* A stage's name in the report's language. */
const char *report_stage_text(const struct crm_pipeline *pl, int i,
			      const char *lang);
/* A lost reason's name in the report's language (itself when crm.yaml
 * has no such reason). */
const char *report_reason_text(const struct rscan *sc, const char *reason);

/* A period as whole spans of the index's day_totals (CRM_TOTALS_SPAN)
 * and the parts of spans at its edges, in seconds, all inclusive. */
struct day_spans {
	bool has_days;
	int64_t days[2];
	int64_t edge[2][2];
	size_t nedges;
};
/* The spans of o's period (open ends: from and to any time). */
int report_day_spans(const struct crm_report_opts *o, struct day_spans *ds);

/* The median of v[0..n) (sorted in place); 0 for none. */
double report_median(double *v, size_t n);

/* The reports (report-funnel.c, report-deals.c, report-activity.c). */
int report_funnel(struct rscan *sc, struct crm_err *err);
int report_forecast(struct rscan *sc, struct crm_err *err);
int report_conversion(struct rscan *sc, struct crm_err *err);
int report_lost(struct rscan *sc, struct crm_err *err);
int report_cycle(struct rscan *sc, struct crm_err *err);
int report_sources(struct rscan *sc, struct crm_err *err);
int report_activity(struct rscan *sc, struct crm_err *err);

#endif
