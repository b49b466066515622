/*
 * recmerge.c - one record merged into another (crm merge, an import
 * that meets a client it has): what the kept record lacks is taken from
 * the other, lists are united, timelines and stage histories united by
 * entry id, and a field both hold with different values stays the kept
 * one's and is reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"

/* True when n holds nothing: an empty text, list or map. */
static bool is_empty(const struct crm_node *n)
{
	if (n == NULL)
		return true;
	if (n->kind == CRM_NODE_SCALAR)
		return n->str[0] == '\0';
	return n->len == 0;
}

/* The fields merged apart, or never. */
static bool untouched(const char *key)
{
	return strcmp(key, "id") == 0 || strcmp(key, "created") == 0 ||
	       strcmp(key, "updated") == 0 || strcmp(key, "merged_from") == 0;
}

static bool is_entry_list(const char *key)
{
	return strcmp(key, "timeline") == 0 ||
	       strcmp(key, "stage_history") == 0;
}

/* The form list items of key are compared in, caller owns it: a phone's
 * E.164 form in region (its digits when it does not parse), an e-mail
 * in lower case, a tag folded, anything else as it is. */
static char *item_key(const char *key, const char *v, const char *region)
{
	struct crm_phone p;
	char *s, *c;

	if (strcmp(key, "phones") == 0) {
		if (crm_phone_parse(v, region, &p, NULL) == CRM_OK &&
		    p.possible)
			return crm_xstrdup(p.e164);
		s = crm_phone_digits(v);
		return s ? s : crm_xstrdup(v);
	}
	if (strcmp(key, "emails") == 0) {
		s = crm_xstrdup(v);
		for (c = s; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		return s;
	}
	if (strcmp(key, "tags") == 0)
		return crm_fold(v);
	return crm_xstrdup(v);
}

/* True when the list seq has an item equal to v, as key's items are
 * compared. */
static bool list_has(const char *key, const struct crm_node *seq,
		     const struct crm_node *v, const char *region)
{
	char *want, *have;
	bool found = false;
	size_t i;

	if (v->kind != CRM_NODE_SCALAR) {
		for (i = 0; i < seq->len && !found; i++)
			found = crm_node_equal(seq->items[i], v);
		return found;
	}
	want = item_key(key, v->str, region);
	for (i = 0; i < seq->len && !found; i++) {
		if (seq->items[i]->kind != CRM_NODE_SCALAR)
			continue;
		have = item_key(key, seq->items[i]->str, region);
		found = strcmp(have, want) == 0;
		free(have);
	}
	free(want);
	return found;
}

/* The time of entry e ("at"), 0 when it has none. */
static time_t entry_time(const struct crm_node *e)
{
	struct crm_date d;
	const char *at = e->kind == CRM_NODE_MAP ? crm_map_str(e, "at") : NULL;

	if (at == NULL || crm_date_parse_stored(at, &d) != CRM_OK)
		return 0;
	return d.when;
}

/* True when seq holds entry e: one of the same id, or (e without an id)
 * an equal one. */
static bool has_entry(const struct crm_node *seq, const struct crm_node *e)
{
	const char *id = e->kind == CRM_NODE_MAP ? crm_map_str(e, "id") : NULL;
	const char *other;
	size_t i;

	for (i = 0; i < seq->len; i++) {
		other = seq->items[i]->kind == CRM_NODE_MAP
			? crm_map_str(seq->items[i], "id") : NULL;
		if (id ? other && strcmp(id, other) == 0
		       : crm_node_equal(seq->items[i], e))
			return true;
	}
	return false;
}

/* Puts seq's items in time order, keeping the order of equal times
 * (insertion sort: timelines are short). */
static void sort_entries(struct crm_node *seq)
{
	struct crm_node *e;
	time_t t;
	size_t i, j;

	for (i = 1; i < seq->len; i++) {
		e = seq->items[i];
		t = entry_time(e);
		for (j = i; j > 0 && entry_time(seq->items[j - 1]) > t; j--)
			seq->items[j] = seq->items[j - 1];
		seq->items[j] = e;
	}
}

/* Adds the entries of from that mine lacks to mine, in time order. */
static size_t union_entries(struct crm_node *mine, const struct crm_node *from)
{
	size_t i, added = 0;

	for (i = 0; i < from->len; i++) {
		if (has_entry(mine, from->items[i]))
			continue;
		crm_seq_push(mine, crm_node_dup(from->items[i]));
		added++;
	}
	if (added)
		sort_entries(mine);
	return added;
}

/* Adds the items of from that mine lacks to mine (the list key). */
static size_t union_list(const char *key, struct crm_node *mine,
			 const struct crm_node *from, const char *region)
{
	size_t i, added = 0;

	for (i = 0; i < from->len; i++) {
		if (list_has(key, mine, from->items[i], region))
			continue;
		crm_seq_push(mine, crm_node_dup(from->items[i]));
		added++;
	}
	return added;
}

/* Adds the keys of from that mine lacks to mine. */
static size_t union_map(struct crm_node *mine, const struct crm_node *from)
{
	size_t i, added = 0;

	for (i = 0; i < from->len; i++) {
		if (crm_map_get(mine, from->keys[i]))
			continue;
		crm_map_set(mine, from->keys[i], crm_node_dup(from->items[i]));
		added++;
	}
	return added;
}

/* Notes that key is kept as mine though other's is theirs. */
static void add_conflict(struct crm_merge_result *res, const char *key,
			 const struct crm_node *mine,
			 const struct crm_node *theirs)
{
	struct crm_merge_conflict *c;

	res->conflicts = crm_xrealloc(res->conflicts, (res->nconflicts + 1) *
				      sizeof(*res->conflicts));
	c = &res->conflicts[res->nconflicts++];
	c->field = crm_xstrdup(key);
	c->kept = crm_node_text(mine);
	c->other = crm_node_text(theirs);
}

/* Merges other's value theirs of key into keep. */
static void merge_field(struct crm_record *keep, const char *key,
			const struct crm_node *theirs, const char *region,
			struct crm_merge_result *res)
{
	struct crm_node *mine = crm_map_get(keep->map, key);

	if (is_empty(theirs))
		return;
	if (is_empty(mine)) {
		crm_map_set(keep->map, key, crm_node_dup(theirs));
		res->filled++;
		return;
	}
	if (mine->kind != theirs->kind) {
		add_conflict(res, key, mine, theirs);
		return;
	}
	if (mine->kind == CRM_NODE_SEQ && is_entry_list(key))
		res->added += union_entries(mine, theirs);
	else if (mine->kind == CRM_NODE_SEQ)
		res->added += union_list(key, mine, theirs, region);
	else if (mine->kind == CRM_NODE_MAP)
		res->added += union_map(mine, theirs);
	else if (strcmp(mine->str, theirs->str) != 0)
		add_conflict(res, key, mine, theirs);
}

void crm_record_merge_in_region(struct crm_record *keep,
				const struct crm_record *other,
				const char *region,
				struct crm_merge_result *res)
{
	size_t i;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < other->map->len; i++) {
		if (untouched(other->map->keys[i]))
			continue;
		merge_field(keep, other->map->keys[i], other->map->items[i],
			    region, res);
	}
	crm_record_canonicalize(keep);
}

void crm_record_merge_into(struct crm_record *keep,
			   const struct crm_record *other,
			   struct crm_merge_result *res)
{
	crm_record_merge_in_region(keep, other, NULL, res);
}

void crm_merge_result_free(struct crm_merge_result *res)
{
	size_t i;

	for (i = 0; i < res->nconflicts; i++) {
		free(res->conflicts[i].field);
		free(res->conflicts[i].kept);
		free(res->conflicts[i].other);
	}
	free(res->conflicts);
	memset(res, 0, sizeof(*res));
}

/* ---- merging records of the store (crm merge) ---- */

/* True when key of r is a reference field (the registry's, or a custom
 * one cfg declares of kind ref). */
static bool is_ref_key(const struct crm_record *r, const char *key,
		       const struct crm_config *cfg)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_BIT(r->type), key,
						   false);
	const struct crm_custom_field *cf;

	if (f)
		return f->kind == CRM_FIELD_REF || f->kind == CRM_FIELD_REFS;
	cf = cfg ? crm_config_field(cfg, r->type, key) : NULL;
	return cf && cf->kind == CRM_CF_REF;
}

/* Replaces from with to in the list seq (removes it when to is NULL),
 * leaving each id once; returns how many it replaced. */
static size_t repoint_seq(struct crm_node *seq, const char *from,
			  const char *to)
{
	size_t i, j, k = 0, n = 0;
	bool dup;

	for (i = 0; i < seq->len; i++) {
		struct crm_node *it = seq->items[i];

		if (it->kind == CRM_NODE_SCALAR && strcmp(it->str, from) == 0) {
			n++;
			if (to == NULL) {
				crm_node_free(it);
				continue;
			}
			free(it->str);
			it->str = crm_xstrdup(to);
		}
		dup = false;
		for (j = 0; j < k && it->kind == CRM_NODE_SCALAR && !dup; j++)
			dup = seq->items[j]->kind == CRM_NODE_SCALAR &&
			      strcmp(seq->items[j]->str, it->str) == 0;
		if (dup) {
			crm_node_free(it);
			continue;
		}
		seq->items[k++] = it;
	}
	seq->len = k;
	return n;
}

/* Replaces from with to in the values of r's timeline entries (but
 * their ids); returns how many. */
static size_t repoint_timeline(struct crm_record *r, const char *from,
			       const char *to)
{
	struct crm_node *tl = crm_map_get(r->map, "timeline"), *e;
	size_t i, j, n = 0;

	for (i = 0; to && tl && tl->kind == CRM_NODE_SEQ && i < tl->len; i++) {
		e = tl->items[i];
		for (j = 0; e->kind == CRM_NODE_MAP && j < e->len; j++) {
			if (strcmp(e->keys[j], "id") == 0 ||
			    e->items[j]->kind != CRM_NODE_SCALAR ||
			    strcmp(e->items[j]->str, from) != 0)
				continue;
			free(e->items[j]->str);
			e->items[j]->str = crm_xstrdup(to);
			n++;
		}
	}
	return n;
}

size_t crm_record_repoint(struct crm_record *r, const char *from,
			  const char *to, const struct crm_config *cfg)
{
	struct crm_node *v;
	size_t i = 0, n = 0;

	while (i < r->map->len) {
		v = r->map->items[i];
		if (!is_ref_key(r, r->map->keys[i], cfg)) {
			i++;
			continue;
		}
		if (v->kind == CRM_NODE_SEQ) {
			n += repoint_seq(v, from, to);
		} else if (v->kind == CRM_NODE_SCALAR &&
			   strcmp(v->str, from) == 0) {
			n++;
			if (to == NULL) {
				crm_map_del(r->map, r->map->keys[i]);
				continue;
			}
			free(v->str);
			v->str = crm_xstrdup(to);
		}
		i++;
	}
	return n + repoint_timeline(r, from, to);
}

/* True when id is one of the records plan merges into its keep. */
static bool merge_other(const struct crm_merge_plan *plan, const char *id)
{
	size_t i;

	for (i = 0; i < plan->nothers; i++)
		if (strcmp(plan->others[i], id) == 0)
			return true;
	return false;
}

/* The records that may name id (but id itself), from the index: by
 * their references (company, contact, for, competitors), custom fields
 * and searchable text (timeline entries). */
static const char referrers_sql[] =
	"SELECT r.type, r.id FROM records r WHERE r.broken IS NULL"
	" AND r.id <> ?1 AND (r.company = ?1 OR r.contact = ?1"
	" OR r.for_id = ?1 OR instr(r.competitors, ?1) > 0"
	" OR r.rid IN (SELECT f.rid FROM fields f WHERE f.value = ?1)"
	" OR r.rid IN (SELECT x.rid FROM texts x WHERE instr(x.text, ?1) > 0))";

/* The referrer (type, id) of plan, read and added when new; NULL when
 * it cannot be read. */
static struct crm_merge_repoint *referrer(struct crm_store *s,
					  struct crm_merge_plan *plan,
					  enum crm_type t, const char *id,
					  struct crm_record ***recs)
{
	struct crm_merge_repoint *rp;
	struct crm_record *r;
	size_t i;

	for (i = 0; i < plan->nrepointed; i++)
		if (strcmp(plan->repointed[i].id, id) == 0)
			return &plan->repointed[i];
	if (crm_store_read(s, t, id, &r, NULL) != CRM_OK)
		return NULL;
	plan->repointed = crm_xrealloc(plan->repointed, (plan->nrepointed + 1) *
				       sizeof(*plan->repointed));
	*recs = crm_xrealloc(*recs, (plan->nrepointed + 1) * sizeof(**recs));
	(*recs)[plan->nrepointed] = r;
	rp = &plan->repointed[plan->nrepointed++];
	memset(rp, 0, sizeof(*rp));
	rp->type = t;
	snprintf(rp->id, sizeof(rp->id), "%s", id);
	rp->name = crm_xstrdup(crm_record_name(r));
	return rp;
}

/* Re-points the records that name other to keep (plan->keep), reading
 * each once into recs (parallel to plan->repointed). */
static int repoint_referrers(struct crm_store *s, struct crm_merge_plan *plan,
			     const char *other, struct crm_record ***recs,
			     struct crm_err *err)
{
	struct crm_merge_repoint *rp;
	sqlite3 *db;
	sqlite3_stmt *st;
	const char *id;
	size_t k;
	int rc;

	if ((rc = crm_store_index(s, &db, err)))
		return rc;
	if (sqlite3_prepare_v2(db, referrers_sql, -1, &st, NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, other, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = (const char *)sqlite3_column_text(st, 1);
		if (id == NULL || strcmp(id, plan->keep->id) == 0 ||
		    merge_other(plan, id))
			continue;
		rp = referrer(s, plan, (enum crm_type)sqlite3_column_int(st, 0),
			      id, recs);
		if (rp == NULL)
			continue;
		k = (size_t)(rp - plan->repointed);
		rp->refs += crm_record_repoint((*recs)[k], other, plan->keep->id,
					       crm_store_config(s));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CRM_OK
	       : crm_seterr(err, CRM_ERR, _("index: %s"), sqlite3_errmsg(db));
}

/* Adds id to keep's merged_from unless it is there. */
static void note_merged(struct crm_record *keep, const char *id)
{
	struct crm_node *m = crm_map_get(keep->map, "merged_from");
	size_t i;

	if (m == NULL || m->kind != CRM_NODE_SEQ) {
		crm_map_set(keep->map, "merged_from", crm_node_new_seq());
		m = crm_map_get(keep->map, "merged_from");
	}
	for (i = 0; i < m->len; i++)
		if (m->items[i]->kind == CRM_NODE_SCALAR &&
		    strcmp(m->items[i]->str, id) == 0)
			return;
	crm_seq_push(m, crm_node_new_scalar(id));
}

/* Merges the record other (read) into plan->keep: its fields, its id and
 * the ids merged into it before, and drops keep's references to it. */
static void merge_one(struct crm_store *s, struct crm_merge_plan *plan,
		      const struct crm_record *other, size_t i)
{
	const struct crm_config *cfg = crm_store_config(s);
	const struct crm_node *m = crm_map_get(other->map, "merged_from");
	size_t j;

	crm_record_merge_in_region(plan->keep, other, cfg->default_region,
				   &plan->results[i]);
	/* keep names neither the other nor itself (what the other named) */
	crm_record_repoint(plan->keep, other->id, NULL, cfg);
	crm_record_repoint(plan->keep, plan->keep->id, NULL, cfg);
	note_merged(plan->keep, other->id);
	for (j = 0; m && m->kind == CRM_NODE_SEQ && j < m->len; j++)
		if (m->items[j]->kind == CRM_NODE_SCALAR)
			note_merged(plan->keep, m->items[j]->str);
	crm_record_canonicalize(plan->keep);
}

/* Reads keep and others into plan, and merges them. */
static int read_and_merge(struct crm_store *s, struct crm_merge_plan *plan,
			  enum crm_type t, const char *keep,
			  struct crm_err *err)
{
	struct crm_record *o;
	size_t i;
	int rc;

	if ((rc = crm_store_read(s, t, keep, &plan->keep, err)))
		return rc;
	plan->results = crm_xcalloc(plan->nothers, sizeof(*plan->results));
	plan->other_names = crm_xcalloc(plan->nothers, sizeof(char *));
	for (i = 0; i < plan->nothers; i++) {
		if ((rc = crm_store_read(s, t, plan->others[i], &o, err)))
			return rc;
		plan->other_names[i] = crm_xstrdup(crm_record_name(o));
		merge_one(s, plan, o, i);
		crm_record_free(o);
	}
	return CRM_OK;
}

int crm_store_merge(struct crm_store *s, struct crm_txn *t, enum crm_type type,
		    const char *keep, const char *const *others, size_t n,
		    struct crm_merge_plan *plan, struct crm_err *err)
{
	struct crm_record **recs = NULL;
	size_t i;
	int rc;

	memset(plan, 0, sizeof(*plan));
	plan->type = type;
	plan->others = crm_xcalloc(n ? n : 1, sizeof(*plan->others));
	for (i = 0; i < n; i++)
		snprintf(plan->others[i], sizeof(plan->others[i]), "%s",
			 others[i]);
	plan->nothers = n;
	if ((rc = read_and_merge(s, plan, type, keep, err)))
		goto out;
	for (i = 0; i < n && rc == CRM_OK; i++)
		rc = repoint_referrers(s, plan, others[i], &recs, err);
	if (rc)
		goto out;
	if ((rc = crm_txn_put(t, plan->keep, err)))
		goto out;
	for (i = 0; i < plan->nrepointed && rc == CRM_OK; i++)
		rc = crm_txn_put(t, recs[i], err);
	for (i = 0; i < n && rc == CRM_OK; i++)
		crm_txn_delete(t, type, others[i]);
out:
	for (i = 0; i < plan->nrepointed; i++)
		crm_record_free(recs[i]);
	free(recs);
	return rc;
}

void crm_merge_plan_free(struct crm_merge_plan *plan)
{
	size_t i;

	crm_record_free(plan->keep);
	for (i = 0; plan->results && i < plan->nothers; i++)
		crm_merge_result_free(&plan->results[i]);
	for (i = 0; plan->other_names && i < plan->nothers; i++)
		free(plan->other_names[i]);
	for (i = 0; i < plan->nrepointed; i++)
		free(plan->repointed[i].name);
	free(plan->results);
	free(plan->other_names);
	free(plan->others);
	free(plan->repointed);
	memset(plan, 0, sizeof(*plan));
}

int crm_store_resolve_merged(struct crm_store *s, unsigned mask,
			     const char *ref, enum crm_type *type,
			     char id[CRM_ID_LEN + 1], struct crm_err *err)
{
	struct crm_entry_ref e;
	int rc = crm_store_find_entry(s, ref, &e, err);

	if (rc)
		return rc;
	if (strcmp(e.kind, "merged") != 0 || !(mask & CRM_TYPE_BIT(e.type)))
		return crm_seterr(err, CRM_ENOTFOUND, _("no record '%s'"), ref);
	*type = e.type;
	snprintf(id, CRM_ID_LEN + 1, "%s", e.record);
	return CRM_OK;
}
