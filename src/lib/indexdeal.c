/*
 * indexdeal.c - what reports read of a deal (crm report, crm board
 * --as-of): one narrow row of the index's deal_facts table per deal that
 * parses, kept by the index writer with the deal's records row, so that
 * a report is one scan of a small table and never a walk of the files
 * or of git history.  The table is described in crm.h above
 * CRM_INDEX_FORMAT; its history column is read back by report-data.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexrow.h"

/* One stage_history entry, as the table encodes it. */
struct hist {
	long long at;
	const char *stage, *by, *reason;
	long touches;    /* timeline entries at or before at */
	size_t ord;      /* its place in the file */
};

struct deal_facts {
	char *pipeline, *stage, *owner, *source, *currency, *competitors;
	bool has_cents, has_created, has_close;
	long long cents, created, close;
	int probability;         /* its own, -1 when it has none */
	char *history;           /* DEAL_HIST_* encoded, oldest first */
	long touches;            /* timeline entries in all */
};

/* A copy of the scalar at key of map, or NULL. */
static char *str_of(const struct crm_node *map, const char *key)
{
	const char *v = crm_map_str(map, key);

	return v && v[0] ? crm_xstrdup(v) : NULL;
}

/* The Unix time of the stored date at key of map into *t. */
static bool when_of(const struct crm_node *map, const char *key, long long *t)
{
	const char *v = crm_map_str(map, key);
	struct crm_date d;

	if (v == NULL || crm_date_parse_stored(v, &d) != CRM_OK)
		return false;
	*t = (long long)d.when;
	return true;
}

/* The competitors' ids '\n'-joined, or NULL for none. */
static char *competitors_of(const struct crm_node *map)
{
	const struct crm_node *n = crm_map_get(map, "competitors");
	struct crm_buf b = {0};
	size_t i;

	for (i = 0; n && n->kind == CRM_NODE_SEQ && i < n->len; i++) {
		if (n->items[i]->kind != CRM_NODE_SCALAR || !n->items[i]->str[0])
			continue;
		if (b.len)
			crm_buf_addc(&b, '\n');
		crm_buf_adds(&b, n->items[i]->str);
	}
	return crm_buf_detach(&b);
}

/* Appends s to b with the separators of the encoding made spaces. */
static void add_field(struct crm_buf *b, const char *s)
{
	for (; s && *s; s++)
		crm_buf_addc(b, *s == DEAL_HIST_FS || *s == DEAL_HIST_RS ? ' '
								   : *s);
	crm_buf_addc(b, DEAL_HIST_FS);
}

/* Orders entries by time, equal times in the order the file has them. */
static int hist_cmp(const void *a, const void *b)
{
	const struct hist *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* The times of the timeline entries of map, sorted, into *out (caller
 * frees); returns how many. */
static size_t timeline_times(const struct crm_node *map, long long **out)
{
	const struct crm_node *tl = crm_map_get(map, "timeline");
	long long *v;
	size_t i, n = 0;

	*out = NULL;
	if (tl == NULL || tl->kind != CRM_NODE_SEQ || tl->len == 0)
		return 0;
	v = crm_xcalloc(tl->len, sizeof(*v));
	for (i = 0; i < tl->len; i++)
		if (tl->items[i]->kind == CRM_NODE_MAP &&
		    when_of(tl->items[i], "at", &v[n]))
			n++;
	for (i = 1; i < n; i++) {  /* insertion sort: timelines are sorted */
		long long t = v[i];
		size_t j = i;

		for (; j > 0 && v[j - 1] > t; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	*out = v;
	return n;
}

/* The stage history of map encoded (see DEAL_HIST_FS), sorted by time,
 * each entry with the number of timeline entries (of the ntimes sorted
 * times) at or before it.  Caller owns it; NULL when it has none. */
static char *history_of(const struct crm_node *map, const long long *times,
			size_t ntimes)
{
	const struct crm_node *h = crm_map_get(map, "stage_history"), *e;
	struct hist *v;
	struct crm_buf b = {0};
	size_t i, n = 0, k = 0;

	if (h == NULL || h->kind != CRM_NODE_SEQ || h->len == 0)
		return NULL;
	v = crm_xcalloc(h->len, sizeof(*v));
	for (i = 0; i < h->len; i++) {
		e = h->items[i];
		if (e->kind != CRM_NODE_MAP || !when_of(e, "at", &v[n].at) ||
		    (v[n].stage = crm_map_str(e, "stage")) == NULL)
			continue;
		v[n].by = crm_map_str(e, "by");
		v[n].reason = crm_map_str(e, "reason");
		v[n].ord = n;
		n++;
	}
	qsort(v, n, sizeof(*v), hist_cmp);
	for (i = 0; i < n; i++) {
		while (k < ntimes && times[k] <= v[i].at)
			k++;
		crm_buf_addf(&b, "%lld%c", v[i].at, DEAL_HIST_FS);
		add_field(&b, v[i].stage);
		add_field(&b, v[i].by);
		add_field(&b, v[i].reason);
		crm_buf_addf(&b, "%zu%c", k, DEAL_HIST_RS);
	}
	free(v);
	return crm_buf_detach(&b);
}

struct deal_facts *deal_facts_make(const struct crm_record *r)
{
	struct deal_facts *f = crm_xcalloc(1, sizeof(*f));
	const struct crm_node *m = r->map;
	const char *v;
	long long *times;
	size_t ntimes;
	double a;

	f->pipeline = str_of(m, "pipeline");
	f->stage = str_of(m, "stage");
	f->owner = str_of(m, "owner");
	f->source = str_of(m, "source");
	f->currency = str_of(m, "currency");
	f->competitors = competitors_of(m);
	if ((v = crm_map_str(m, "amount")) != NULL && v[0]) {
		a = crm_amount_value(v);
		f->has_cents = true;
		f->cents = (long long)(a * 100 + (a < 0 ? -0.5 : 0.5));
	}
	f->probability = -1;
	if ((v = crm_map_str(m, "probability")) != NULL && v[0])
		f->probability = atoi(v);
	f->has_created = when_of(m, "created", &f->created);
	f->has_close = when_of(m, "close", &f->close);
	ntimes = timeline_times(m, &times);
	f->touches = (long)ntimes;
	f->history = history_of(m, times, ntimes);
	free(times);
	return f;
}

void deal_facts_free(struct deal_facts *f)
{
	if (f == NULL)
		return;
	free(f->pipeline);
	free(f->stage);
	free(f->owner);
	free(f->source);
	free(f->currency);
	free(f->competitors);
	free(f->history);
	free(f);
}

/* Binds s (may be NULL) to parameter i of st. */
static void bind_str(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

int deal_facts_insert(sqlite3_stmt *st, sqlite3_int64 rid,
		      const struct deal_facts *f)
{
	sqlite3_bind_int64(st, 1, rid);
	bind_str(st, 2, f->pipeline);
	bind_str(st, 3, f->stage);
	bind_str(st, 4, f->owner);
	bind_str(st, 5, f->source);
	bind_str(st, 6, f->currency);
	if (f->has_cents)
		sqlite3_bind_int64(st, 7, f->cents);
	if (f->probability >= 0)
		sqlite3_bind_int(st, 8, f->probability);
	if (f->has_created)
		sqlite3_bind_int64(st, 9, f->created);
	if (f->has_close)
		sqlite3_bind_int64(st, 10, f->close);
	bind_str(st, 11, f->competitors);
	bind_str(st, 12, f->history);
	sqlite3_bind_int64(st, 13, f->touches);
	return step_once(st);
}
