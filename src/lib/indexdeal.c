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
	char *text;              /* the row's facts column */
};

/* Appends s to b with the separators of the encoding made spaces. */
static void add_field(struct crm_buf *b, const char *s)
{
	for (; s && *s; s++)
		crm_buf_addc(b, *s == DEAL_HIST_FS || *s == DEAL_HIST_RS ? ' '
								   : *s);
	crm_buf_addc(b, DEAL_HIST_FS);
}

/* Appends the scalar at key of map (may be absent) as a field. */
static void add_str(struct crm_buf *b, const struct crm_node *map,
		    const char *key)
{
	add_field(b, crm_map_str(map, key));
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

/* Appends the competitors' ids '\n'-joined as a field. */
static void add_competitors(struct crm_buf *b, const struct crm_node *map)
{
	const struct crm_node *n = crm_map_get(map, "competitors");
	struct crm_buf ids = {0};
	size_t i;

	for (i = 0; n && n->kind == CRM_NODE_SEQ && i < n->len; i++) {
		if (n->items[i]->kind != CRM_NODE_SCALAR || !n->items[i]->str[0])
			continue;
		if (ids.len)
			crm_buf_addc(&ids, '\n');
		crm_buf_adds(&ids, n->items[i]->str);
	}
	add_field(b, ids.s);
	crm_buf_free(&ids);
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

/* Appends the stage history of map encoded (indexrow.h), sorted by
 * time, each entry with the number of timeline entries (of the ntimes
 * sorted times) at or before it. */
static void add_history(struct crm_buf *b, const struct crm_node *map,
			const long long *times, size_t ntimes)
{
	const struct crm_node *h = crm_map_get(map, "stage_history"), *e;
	struct hist *v;
	size_t i, n = 0, k = 0;

	if (h == NULL || h->kind != CRM_NODE_SEQ || h->len == 0)
		return;
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
		crm_buf_addf(b, "%lld%c", v[i].at, DEAL_HIST_FS);
		add_field(b, v[i].stage);
		add_field(b, v[i].by);
		add_field(b, v[i].reason);
		crm_buf_addf(b, "%zu%c", k, DEAL_HIST_RS);
	}
	free(v);
}

/* Appends the Unix time of the stored date at key of map as a field
 * (empty when absent). */
static void add_when(struct crm_buf *b, const struct crm_node *map,
		     const char *key)
{
	long long t;

	if (when_of(map, key, &t))
		crm_buf_addf(b, "%lld", t);
	crm_buf_addc(b, DEAL_HIST_FS);
}

struct deal_facts *deal_facts_make(const struct crm_record *r)
{
	struct deal_facts *f = crm_xcalloc(1, sizeof(*f));
	const struct crm_node *m = r->map;
	struct crm_buf b = {0};
	const char *v;
	long long *times;
	size_t ntimes;

	add_str(&b, m, "pipeline");
	add_str(&b, m, "stage");
	add_str(&b, m, "owner");
	add_str(&b, m, "source");
	add_str(&b, m, "currency");
	if ((v = crm_map_str(m, "amount")) != NULL && v[0])
		crm_buf_addf(&b, "%lld", (long long)crm_amount_cents(v));
	crm_buf_addc(&b, DEAL_HIST_FS);
	if ((v = crm_map_str(m, "probability")) != NULL && v[0])
		crm_buf_addf(&b, "%d", atoi(v));
	crm_buf_addc(&b, DEAL_HIST_FS);
	add_when(&b, m, "created");
	add_when(&b, m, "close");
	ntimes = timeline_times(m, &times);
	crm_buf_addf(&b, "%zu%c", ntimes, DEAL_HIST_FS);
	add_competitors(&b, m);
	b.s[b.len - 1] = DEAL_HIST_RS;
	add_history(&b, m, times, ntimes);
	free(times);
	f->text = crm_buf_detach(&b);
	return f;
}

void deal_facts_free(struct deal_facts *f)
{
	if (f == NULL)
		return;
	free(f->text);
	free(f);
}

int deal_facts_insert(sqlite3_stmt *st, sqlite3_int64 rid,
		      const struct deal_facts *f)
{
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_text(st, 2, f->text, -1, SQLITE_STATIC);
	return step_once(st);
}

/* The length of the field at p (up to its separator). */
static size_t field_len(const char *p)
{
	size_t n = 0;

	while (p[n] && p[n] != DEAL_HIST_FS && p[n] != DEAL_HIST_RS)
		n++;
	return n;
}

/* Sets stage to the field after the first of the record at rec. */
static void second_field(struct crm_buf *stage, const char *rec)
{
	const char *f = rec + field_len(rec) + 1;

	stage->len = 0;
	crm_buf_adds(stage, "");
	crm_buf_add(stage, f, field_len(f));
}

bool deal_facts_stage_at(const char *facts, long long as_of,
			 struct crm_buf *stage)
{
	const char *p = facts, *created = NULL;
	bool has_created, any = false;
	size_t k = 0;

	/* the deal's record: its stage the second field, created the 8th */
	for (; *p && *p != DEAL_HIST_RS; p++)
		if (*p == DEAL_HIST_FS && ++k == 7)
			created = p + 1;
	has_created = created && field_len(created) > 0;
	if (has_created && strtoll(created, NULL, 10) > as_of)
		return false;
	/* as report-data.c's cut_to: the last entry up to as_of, else the
	 * first one's stage, else (no history) the stage it has */
	second_field(stage, facts);
	for (; *p == DEAL_HIST_RS && p[1]; p++) {
		if (strtoll(p + 1, NULL, 10) > as_of) {
			if (!any)
				second_field(stage, p + 1);
			return any || has_created;
		}
		second_field(stage, p + 1);
		any = true;
		for (p++; *p && *p != DEAL_HIST_RS; p++)
			;
		p--;
	}
	return any || has_created;
}

const char *deal_facts_field(const char *facts, size_t k, size_t *len)
{
	const char *p = facts;

	for (; k > 0 && *p && *p != DEAL_HIST_RS; p++)
		if (*p == DEAL_HIST_FS)
			k--;
	*len = k ? 0 : field_len(p);
	return p;
}
