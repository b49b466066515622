/*
 * txncheck.c - what a transaction checks before it commits: every record
 * it writes goes through the change pass (change.c) against HEAD's
 * version, and a crm.yaml it writes through confcheck.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store-internal.h"

/* What the reference lookups of the pass need. */
struct lookup_ctx {
	struct crm_store *s;
	const struct crm_txn_item *items;
	size_t n;
	size_t *order; /* items' places sorted by path (NULL when n is 0) */
};

/* Orders places of sort_items by their paths (qsort). */
static const struct crm_txn_item *sort_items;
static int by_path(const void *a, const void *b)
{
	return strcmp(sort_items[*(const size_t *)a].path,
		      sort_items[*(const size_t *)b].path);
}

/* Sorts the items' places by path, so that a bulk change's thousands of
 * references are each one search, not a scan of every item. */
static void lookup_init(struct lookup_ctx *c)
{
	size_t i;

	c->order = NULL;
	if (c->n == 0)
		return;
	c->order = crm_xcalloc(c->n, sizeof(*c->order));
	for (i = 0; i < c->n; i++)
		c->order[i] = i;
	sort_items = c->items;
	qsort(c->order, c->n, sizeof(*c->order), by_path);
}

/* The item of path, or NULL. */
static const struct crm_txn_item *item_at(const struct lookup_ctx *c,
					  const char *path)
{
	size_t lo = 0, hi = c->n, mid;
	int cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = strcmp(c->items[c->order[mid]].path, path);
		if (cmp == 0)
			return &c->items[c->order[mid]];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The type of the record id, as the commit will leave it: what the
 * transaction writes or removes, else what HEAD has. */
static int lookup(const char *id, enum crm_type *t, void *data)
{
	const struct lookup_ctx *c = data;
	const struct crm_txn_item *it;
	char path[64];
	int k;

	if (!crm_id_valid(id))
		return CRM_ENOTFOUND;
	for (k = 0; k < CRM_NTYPES && c->n; k++) {
		crm_record_path((enum crm_type)k, id, path, sizeof(path));
		if ((it = item_at(c, path)) == NULL)
			continue;
		if (it->rec == NULL && it->buf == NULL)
			return CRM_ENOTFOUND;
		*t = (enum crm_type)k;
		return CRM_OK;
	}
	return crm_store_find_id(c->s, id, t, NULL);
}

/* The record id as the commit will leave it into *out (caller frees):
 * what the transaction writes, else HEAD's (raw bytes queued are not
 * read: CRM_ENOTFOUND). */
static int read_rec(const char *id, struct crm_record **out, void *data)
{
	const struct lookup_ctx *c = data;
	const struct crm_txn_item *it;
	enum crm_type t;
	char path[64];

	if (lookup(id, &t, data) != CRM_OK)
		return CRM_ENOTFOUND;
	crm_record_path(t, id, path, sizeof(path));
	if (c->n && (it = item_at(c, path)) != NULL) {
		if (it->rec == NULL)
			return CRM_ENOTFOUND;
		*out = crm_record_dup(it->rec);
		return CRM_OK;
	}
	return crm_store_read(c->s, t, id, out, NULL) == CRM_OK ? CRM_OK
							       : CRM_ENOTFOUND;
}

/* The configuration HEAD's crm.yaml holds into *cfg; false when HEAD
 * has none that parses. */
static bool head_config(struct crm_store *s, struct crm_config *cfg)
{
	git_tree *tree;
	char *buf;
	size_t len;
	bool ok;

	memset(cfg, 0, sizeof(*cfg));
	if (crm_store_head_tree(s, &tree, NULL) != CRM_OK || tree == NULL ||
	    crm_tree_read(s->repo, tree, "crm.yaml", &buf, &len, NULL) != CRM_OK)
		return false;
	ok = crm_config_parse(buf, len, cfg, NULL) == CRM_OK;
	free(buf);
	if (!ok)
		crm_config_free(cfg);
	return ok;
}

/* The crm.yaml the transaction writes, or NULL. */
static const struct crm_txn_item *config_item(const struct crm_txn_item *items,
					      size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(items[i].path, "crm.yaml") == 0 && items[i].buf)
			return &items[i];
	return NULL;
}

/* What the automation rules made in a transaction: the tasks, and the
 * commit's trailers that say so. */
struct made {
	struct crm_txn_made *out; /* NULL: rules do not run */
	struct crm_store *s;
	const struct crm_txn_item *items;
	size_t n;
};

/* A record a rule's title names, as the commit will leave it. */
static struct crm_record *load_named(enum crm_type t, const char *id,
				     void *data)
{
	const struct made *m = data;
	struct crm_record *r = NULL;
	char path[64];
	size_t i;

	if (!crm_record_path(t, id, path, sizeof(path)))
		return NULL;
	for (i = 0; i < m->n; i++)
		if (strcmp(m->items[i].path, path) == 0)
			return m->items[i].rec ? crm_record_dup(m->items[i].rec)
					       : NULL;
	if (crm_store_read(m->s, t, id, &r, NULL) != CRM_OK)
		return NULL;
	return r;
}

/* True when the task id is already in the store or in the change (a
 * clone ran the rule already, or another rule made it). */
static bool task_exists(const struct made *m, const char *id)
{
	enum crm_type t;
	char path[64];
	size_t i;

	crm_record_path(CRM_TASK, id, path, sizeof(path));
	for (i = 0; i < m->n; i++)
		if (strcmp(m->items[i].path, path) == 0)
			return true;
	for (i = 0; i < m->out->n; i++)
		if (strcmp(m->out->recs[i]->id, id) == 0)
			return true;
	return crm_store_find_id(m->s, id, &t, NULL) == CRM_OK;
}

/* Runs the automation rules for deal (after the change pass; before is
 * HEAD's version or NULL): a new deal runs the created rules, a deal
 * whose stage changed those of the stage it entered.  Each task made
 * goes through the change pass too. */
static int run_rules(struct made *m, const struct crm_record *before,
		     const struct crm_record *deal,
		     const struct crm_change_env *env, struct crm_err *err)
{
	const struct crm_config *cfg = env->cfg;
	const char *s0 = before ? crm_map_str(before->map, "stage") : NULL;
	const char *s1 = crm_map_str(deal->map, "stage");
	struct crm_record *task;
	char entry[128], line[256];
	size_t i;
	int rc;

	if (m->out == NULL || deal->type != CRM_DEAL ||
	    (before && (s1 == NULL || (s0 && strcmp(s0, s1) == 0))))
		return CRM_OK;
	crm_rule_entry_key(deal, entry, sizeof(entry));
	for (i = 0; i < cfg->nrules; i++) {
		if (!crm_rule_matches(&cfg->rules[i], deal, before == NULL))
			continue;
		if ((rc = crm_rule_make_task(&cfg->rules[i], deal, entry,
					     env->now, load_named, m, &task,
					     err)))
			return rc;
		if (task_exists(m, task->id)) {
			crm_record_free(task);
			continue;
		}
		if ((rc = crm_record_apply_change(NULL, task, env, err))) {
			crm_record_free(task);
			return crm_err_prefix(err, _("automation rule '%s'"),
					      cfg->rules[i].name);
		}
		snprintf(line, sizeof(line), "Crm-Automation: %s made task %s "
			 "for deal %s\n", cfg->rules[i].name, task->id, deal->id);
		crm_buf_adds(&m->out->trailers, line);
		m->out->recs = crm_xrealloc(m->out->recs, (m->out->n + 1) *
					    sizeof(*m->out->recs));
		m->out->recs[m->out->n++] = task;
	}
	return CRM_OK;
}

/* Runs the change pass on the record of item against HEAD's version,
 * then the automation rules it fires. */
static int check_record(struct crm_store *s, struct crm_txn_item *item,
			const struct crm_change_env *env, struct made *m,
			struct crm_err *err)
{
	struct crm_record *read = NULL;
	const struct crm_record *before = item->before;
	int rc;

	if (!item->has_before) {
		if (crm_store_read(s, item->rec->type, item->rec->id, &read,
				   NULL) != CRM_OK)
			read = NULL; /* new, or broken: all is checked */
		before = read;
	}
	rc = crm_record_apply_change(before, item->rec, env, err);
	if (rc == CRM_OK)
		rc = run_rules(m, before, item->rec, env, err);
	crm_record_free(read);
	if (rc)
		crm_err_prefix(err, "%s", item->path);
	return rc;
}

/* Refuses a crm.yaml whose automation rules cannot all run. */
static int check_rules(const struct crm_config *cfg, struct crm_err *err)
{
	size_t i;

	for (i = 0; i < cfg->nrules; i++)
		if (cfg->rules[i].problem)
			return crm_seterr(err, CRM_ERR, _("crm.yaml: line %d: "
					  "automation rule '%s': %s"),
					  cfg->rules[i].line, cfg->rules[i].name,
					  cfg->rules[i].problem);
	return CRM_OK;
}

int crm_txn_check_orphans(struct crm_store *s, const struct crm_config *to,
			  const struct crm_txn_item *items, size_t n,
			  struct crm_err *err)
{
	struct crm_config from;
	const struct crm_record **writes = crm_xcalloc(n + 1, sizeof(*writes));
	struct crm_record **parsed = crm_xcalloc(n + 1, sizeof(*parsed));
	const char **gone = crm_xcalloc(n + 1, sizeof(*gone));
	enum crm_type t;
	char id[CRM_ID_LEN + 1];
	size_t i, nw = 0, ng = 0, np = 0;
	int rc = CRM_OK;

	for (i = 0; i < n; i++) {
		if (items[i].rec)
			writes[nw++] = items[i].rec;
		else if (!crm_record_path_parse(items[i].path, &t, id))
			continue;
		else if (items[i].buf == NULL)
			gone[ng++] = strrchr(items[i].path, '/') + 1;
		else if (crm_store_parse_path(s, items[i].path, items[i].buf,
					      items[i].len, &parsed[np],
					      NULL) == CRM_OK)
			writes[nw++] = parsed[np++]; /* raw bytes (undo) */
	}
	/* ids of removed files: "xx/ID.yaml" ends in the id and ".yaml" */
	for (i = 0; i < ng; i++)
		gone[i] = crm_xstrndup(gone[i], CRM_ID_LEN);
	if (head_config(s, &from)) {
		rc = crm_config_check_names(&from, to, err);
		if (rc == CRM_OK)
			rc = crm_config_check_orphans(s, &from, to, writes, nw,
						      gone, ng, err);
		crm_config_free(&from);
	} else {
		rc = crm_config_check_names(NULL, to, err);
	}
	for (i = 0; i < ng; i++)
		free((char *)gone[i]);
	for (i = 0; i < np; i++)
		crm_record_free(parsed[i]);
	free(parsed);
	free(gone);
	free(writes);
	return rc;
}

/* The item of the change at the file of record (type, id), or NULL. */
static const struct crm_txn_item *item_for(const struct crm_txn_item *items,
					   size_t n, enum crm_type type,
					   const char *id)
{
	char path[64];
	size_t i;

	crm_record_path(type, id, path, sizeof(path));
	for (i = 0; i < n; i++)
		if (strcmp(items[i].path, path) == 0)
			return &items[i];
	return NULL;
}

/* True when the record of row will still name id after the change: the
 * change leaves it alone, or writes a version that names id. */
static bool still_refers(struct crm_store *s, const struct crm_txn_item *items,
			 size_t n, const struct crm_config *cfg,
			 const struct crm_row *row, const char *id)
{
	const struct crm_txn_item *it = item_for(items, n, row->type, row->id);
	struct crm_record *r;
	bool refers;

	if (it == NULL)
		return true;
	if (it->rec)
		return crm_record_refers_to(it->rec, id, cfg);
	if (it->buf == NULL)
		return false;
	if (crm_store_parse_path(s, it->path, it->buf, it->len, &r,
				 NULL) != CRM_OK)
		return false; /* raw bytes that do not parse name nothing */
	refers = crm_record_refers_to(r, id, cfg);
	crm_record_free(r);
	return refers;
}

/* Refuses the removal of the record (type, id) at item while records
 * the change leaves will still refer to it. */
static int check_removal(struct crm_store *s, const struct crm_txn_item *item,
			 const struct crm_txn_item *items, size_t n,
			 const struct crm_config *cfg, enum crm_type type,
			 const char *id, struct crm_err *err)
{
	struct crm_find f = {.mask = CRM_TYPE_ALL, .refers_to = id};
	struct crm_row *rows = NULL;
	const struct crm_row *example = NULL;
	size_t nrows = 0, total, i, left = 0;
	int rc;

	if ((rc = crm_find_rows(s, &f, &rows, &nrows, &total, err)))
		return rc;
	for (i = 0; i < nrows; i++) {
		if (!still_refers(s, items, n, cfg, &rows[i], id))
			continue;
		if (left++ == 0)
			example = &rows[i];
	}
	if (left)
		rc = crm_seterr(err, CRM_ERR, ngettext(
			"%s: %s %s is removed, but %zu record still refers to "
			"it (%s %s)\nhint: change or remove it in the same "
			"commit, or use 'crm rm --force'",
			"%s: %s %s is removed, but %zu records still refer to "
			"it (e.g. %s %s)\nhint: change or remove them in the "
			"same commit, or use 'crm rm --force'", left),
			item->path, crm_type_name(type), id, left,
			crm_type_name(example->type), example->id);
	crm_rows_free(rows, nrows);
	return rc;
}

/* Refuses, unless allowed, a change that removes records others keep
 * referring to. */
static int check_removals(struct crm_store *s, const struct crm_txn_item *items,
			  size_t n, const struct crm_config *cfg,
			  struct crm_err *err)
{
	enum crm_type type;
	char id[CRM_ID_LEN + 1];
	size_t i;
	int rc = CRM_OK;

	for (i = 0; i < n && rc == CRM_OK; i++)
		if (items[i].rec == NULL && items[i].buf == NULL &&
		    crm_record_path_parse(items[i].path, &type, id))
			rc = check_removal(s, &items[i], items, n, cfg, type,
					   id, err);
	return rc;
}

int crm_txn_check(struct crm_store *s, struct crm_txn_item *items, size_t n,
		  bool allow_dangling, struct crm_err *err)
{
	return crm_txn_check_rules(s, items, n, allow_dangling, NULL, err);
}

void crm_txn_made_free(struct crm_txn_made *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		crm_record_free(m->recs[i]);
	free(m->recs);
	crm_buf_free(&m->trailers);
	memset(m, 0, sizeof(*m));
}

int crm_txn_check_rules(struct crm_store *s, struct crm_txn_item *items,
			size_t n, bool allow_dangling,
			struct crm_txn_made *made, struct crm_err *err)
{
	const struct crm_txn_item *conf = config_item(items, n);
	struct made m = {.out = made, .s = s, .items = items, .n = n};
	struct lookup_ctx lc = {.s = s, .items = items, .n = n};
	struct crm_change_env env = {.cfg = &s->cfg, .lookup = lookup,
				     .read = read_rec, .data = &lc};
	struct crm_config newcfg;
	size_t i;
	int rc = CRM_OK;

	if (conf) {
		if (crm_config_parse(conf->buf, conf->len, &newcfg, err) != CRM_OK)
			return crm_err_prefix(err, _("cannot read '%s'"),
					      "crm.yaml");
		newcfg.locale_decimal = s->cfg.locale_decimal;
		env.cfg = &newcfg;
	}
	env.by = s->user ? s->user->login : NULL;
	env.now = s->now ? s->now : time(NULL);
	lookup_init(&lc);
	if (conf)
		rc = check_rules(&newcfg, err);
	for (i = 0; i < n && rc == CRM_OK; i++)
		if (items[i].rec)
			rc = check_record(s, &items[i], &env, &m, err);
	if (rc == CRM_OK && !allow_dangling)
		rc = check_removals(s, items, n, env.cfg, err);
	if (rc == CRM_OK && conf)
		rc = crm_txn_check_orphans(s, &newcfg, items, n, err);
	/* as crm user rm refuses: the change may not remove its own user */
	if (rc == CRM_OK && conf && s->user && newcfg.nusers > 0 &&
	    crm_config_user(&newcfg, s->user->login) == NULL)
		rc = crm_seterr(err, CRM_ERR, _("'crm.yaml' would no longer have "
				"the user making the change ('%s')"),
				s->user->login);
	if (conf)
		crm_config_free(&newcfg);
	free(lc.order);
	return rc;
}

int crm_store_check_record(struct crm_store *s, struct crm_record *r,
			   struct crm_err *err)
{
	struct lookup_ctx lc = {.s = s};
	struct crm_change_env env = {.cfg = &s->cfg, .lookup = lookup,
				     .read = read_rec, .data = &lc};
	struct crm_record *before = NULL;
	int rc;

	env.by = s->user ? s->user->login : NULL;
	env.now = s->now ? s->now : time(NULL);
	if (crm_store_read(s, r->type, r->id, &before, NULL) != CRM_OK)
		before = NULL;
	rc = crm_record_apply_change(before, r, &env, err);
	crm_record_free(before);
	return rc;
}
