/*
 * confedit.c - changes to crm.yaml's stages and users that carry the
 * records using them along, in the caller's one transaction: a stage or a
 * user renamed is renamed in every record, one removed leaves no record
 * naming it.
 *
 * crm.yaml is rewritten from its parsed tree by the canonical emitter, so
 * its comments and its own layout are not kept (crm-stage(1) says so).
 * The edit starts from HEAD's crm.yaml, and is refused while the work
 * tree's differs from it: a hand edit is neither lost nor committed
 * unseen.  The records are found through the index and read from HEAD.
 * When the transaction is staged the store's configuration is the new
 * one, so that what checks the records before the commit checks them
 * against what will be committed with them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store-internal.h"

/* Sets err for a name that is no valid id: a new stage's (stage true)
 * or a new user's login. */
static int invalid_name(bool stage, const char *name, struct crm_err *err)
{
	const char *hint = crm_config_name_hint();

	if (stage)
		return crm_seterr(err, CRM_EUSAGE, _("invalid stage name '%s'"
				  "\n%s"), name, hint);
	return crm_seterr(err, CRM_EUSAGE, _("invalid login '%s'\n%s"), name,
			  hint);
}

/* ---- crm.yaml's tree ---- */

/*
 * Reads HEAD's crm.yaml into *root (caller frees).  A hand edit of the
 * work tree's is refused by the commit (crm_txn_check_worktree).
 */
static int head_config(struct crm_store *s, struct crm_node **root,
		       struct crm_err *err)
{
	char *head = NULL;
	size_t hlen;
	git_tree *tree;
	int rc;

	*root = NULL;
	if ((rc = crm_store_head_tree(s, &tree, err)) ||
	    (rc = crm_tree_read(s->repo, tree, "crm.yaml", &head, &hlen, err)))
		goto out;
	rc = crm_yaml_parse(head, hlen, root, err);
	if (rc)
		crm_err_prefix(err, _("cannot read '%s'"), "crm.yaml");
out:
	free(head);
	return rc;
}

/* The list under key of root, added empty when absent; NULL when key
 * holds something else (crm.yaml's parser refused that already). */
static struct crm_node *root_list(struct crm_node *root, const char *key)
{
	struct crm_node *n = crm_map_get(root, key);

	if (n == NULL) {
		crm_map_set(root, key, crm_node_new_seq());
		n = crm_map_get(root, key);
	}
	return n->kind == CRM_NODE_SEQ ? n : NULL;
}

/* The stages list of the pipeline called name in root, or NULL. */
static struct crm_node *stages_node(struct crm_node *root, const char *name)
{
	struct crm_node *pipes = crm_map_get(root, "pipelines"), *st;
	size_t i;

	for (i = 0; pipes && pipes->kind == CRM_NODE_SEQ && i < pipes->len; i++) {
		const char *pn = crm_map_str(pipes->items[i], "name");

		st = crm_map_get(pipes->items[i], "stages");
		if (pn && strcmp(pn, name) == 0 && st && st->kind == CRM_NODE_SEQ)
			return st;
	}
	return NULL;
}

/* The id of a labelled item of crm.yaml: a plain scalar, or a map's
 * "id" (pipeline.c); NULL for anything else. */
static const char *item_id(const struct crm_node *n)
{
	return n->kind == CRM_NODE_SCALAR ? n->str : crm_map_str(n, "id");
}

/* Index of the item whose id is text in seq, or -1. */
static long seq_index(const struct crm_node *seq, const char *text)
{
	const char *id;
	size_t i;

	for (i = 0; i < seq->len; i++)
		if ((id = item_id(seq->items[i])) != NULL && strcmp(id, text) == 0)
			return (long)i;
	return -1;
}

/* A new stage id for list seq: a map like its neighbours', else a plain
 * id as in the lists of older stores. */
static struct crm_node *new_item(const struct crm_node *seq, const char *id)
{
	struct crm_node *m;

	if (seq->len == 0 || seq->items[0]->kind != CRM_NODE_MAP)
		return crm_node_new_scalar(id);
	m = crm_node_new_map();
	crm_map_set_str(m, "id", id);
	return m;
}

/* Index of the user whose login is login in the users list, or -1. */
static long user_index(const struct crm_node *users, const char *login)
{
	size_t i;

	for (i = 0; users && i < users->len; i++) {
		const char *l = crm_map_str(users->items[i], "login");

		if (l && strcmp(l, login) == 0)
			return (long)i;
	}
	return -1;
}

/* Inserts val (taken) into seq at position at (<= seq->len). */
static void seq_insert(struct crm_node *seq, size_t at, struct crm_node *val)
{
	crm_seq_push(seq, val);
	memmove(&seq->items[at + 1], &seq->items[at],
		(seq->len - 1 - at) * sizeof(seq->items[0]));
	seq->items[at] = val;
}

/* Removes (and frees) item at of seq. */
static void seq_remove(struct crm_node *seq, size_t at)
{
	crm_node_free(seq->items[at]);
	memmove(&seq->items[at], &seq->items[at + 1],
		(seq->len - at - 1) * sizeof(seq->items[0]));
	seq->len--;
}

/* Replaces the text of scalar n by text. */
static void set_scalar(struct crm_node *n, const char *text)
{
	free(n->str);
	n->str = crm_xstrdup(text);
	n->typed = false;
}

/* Renames the labelled item n to id. */
static void set_item_id(struct crm_node *n, const char *id)
{
	if (n->kind == CRM_NODE_MAP)
		crm_map_set_str(n, "id", id);
	else
		set_scalar(n, id);
}

/*
 * Emits root as the new crm.yaml, parses it back into *cfg (the check
 * that it is one crm reads) and queues it in t.
 */
static int stage_config(struct crm_store *s, struct crm_txn *t,
			const struct crm_node *root, struct crm_config *cfg,
			struct crm_err *err)
{
	char *text = NULL;
	size_t len;
	int rc;

	if ((rc = crm_yaml_emit(root, &text, &len, err)))
		return rc;
	rc = crm_config_parse(text, len, cfg, err);
	if (rc == CRM_OK) {
		cfg->locale_decimal = s->cfg.locale_decimal;
		crm_txn_put_raw(t, "crm.yaml", text, len);
	} else {
		crm_err_prefix(err, _("the new '%s' would not be valid"),
			       "crm.yaml");
	}
	free(text);
	return rc;
}

/* Makes cfg (taken) the store's configuration; the acting user stays
 * who it was, under its new login when it is the one renamed from old
 * to new (both may be NULL). */
static void swap_config(struct crm_store *s, struct crm_config *cfg,
			const char *old, const char *new)
{
	char *login = s->user ? crm_xstrdup(s->user->login) : NULL;

	if (login && old && new && strcmp(login, old) == 0) {
		free(login);
		login = crm_xstrdup(new);
	}
	crm_config_free(&s->cfg);
	s->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	s->user = login ? crm_config_user(&s->cfg, login) : NULL;
	free(login);
}

/* ---- what names exist ---- */

/* Sets err (CRM_ENOTFOUND) for an unknown name among cands[0..n):
 * fmt_hint (translated: the name, the nearest candidate) when one is
 * close, else fmt_plain (the name). */
static int unknown(const char *fmt_hint, const char *fmt_plain,
		   const char *name, const char *const *cands, size_t n,
		   struct crm_err *err)
{
	const char *hint = crm_suggest(name, cands, n);

	if (hint)
		return crm_seterr(err, CRM_ENOTFOUND, fmt_hint, name, hint);
	return crm_seterr(err, CRM_ENOTFOUND, fmt_plain, name);
}

/* The pipeline called name of s, or NULL with err set. */
static const struct crm_pipeline *find_pipeline(struct crm_store *s,
						const char *name,
						struct crm_err *err)
{
	const char **cands;
	size_t i;

	for (i = 0; i < s->cfg.npipelines; i++)
		if (strcmp(s->cfg.pipelines[i].name, name) == 0)
			return &s->cfg.pipelines[i];
	cands = crm_xcalloc(s->cfg.npipelines + 1, sizeof(char *));
	for (i = 0; i < s->cfg.npipelines; i++)
		cands[i] = s->cfg.pipelines[i].name;
	unknown(_("unknown pipeline '%s' (did you mean '%s'?)"),
		_("unknown pipeline '%s'"), name, cands, s->cfg.npipelines, err);
	free(cands);
	return NULL;
}

/* CRM_OK when stage is one of p's, else CRM_ENOTFOUND with a hint. */
static int find_stage(const struct crm_pipeline *p, const char *stage,
		      struct crm_err *err)
{
	if (crm_pipeline_has_stage(p, stage))
		return CRM_OK;
	unknown(_("unknown stage '%s' (did you mean '%s'?)"),
		_("unknown stage '%s'"), stage, (const char *const *)p->stages,
		p->nstages, err);
	return crm_err_prefix(err, _("pipeline '%s'"), p->name);
}

/* CRM_OK when login is a user of s, else CRM_ENOTFOUND with a hint. */
static int find_user(struct crm_store *s, const char *login,
		     struct crm_err *err)
{
	return crm_config_check_user(&s->cfg, login, err);
}

/* ---- the records that use a name ---- */

/* Records found: type and id each. */
struct targets {
	struct target {
		enum crm_type type;
		char id[CRM_ID_LEN + 1];
	} *v;
	size_t n, cap;
	const struct crm_config *cfg;
	/* what is kept: deals of a pipeline and in a stage, records of an
	 * owner (NULL: any) */
	const char *pipeline;
	const char *stage;
	const char *owner;
};

/* True when a deal whose pipeline field is pipeline (NULL: absent) and
 * stage is stage (may be NULL), owned by owner (may be NULL), is one t
 * keeps. */
static bool wanted(const struct targets *t, const char *pipeline,
		   const char *stage, const char *owner)
{
	const struct crm_pipeline *p;

	if (t->stage && (stage == NULL || strcmp(stage, t->stage) != 0))
		return false;
	if (t->owner && (owner == NULL || strcmp(owner, t->owner) != 0))
		return false;
	if (t->pipeline == NULL)
		return true;
	p = crm_config_pipeline(t->cfg, pipeline);
	return p && strcmp(p->name, t->pipeline) == 0;
}

/* Adds type/id to t. */
static void push_target(struct targets *t, enum crm_type type,
			const char *id)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = crm_xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	t->v[t->n].type = type;
	snprintf(t->v[t->n].id, sizeof(t->v[t->n].id), "%s", id);
	t->n++;
}

/* crm_find_each's callback: keeps the rows wanted (records are
 * checked again when read). */
static int add_target(const struct crm_row *row, void *data)
{
	struct targets *t = data;

	if (wanted(t, crm_row_get(row, "pipeline"), crm_row_get(row, "stage"),
		   crm_row_get(row, "owner")))
		push_target(t, row->type, row->id);
	return 0;
}

/* True when t holds type/id already. */
static bool has_target(const struct targets *t, enum crm_type type,
		       const char *id)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].type == type && strcmp(t->v[i].id, id) == 0)
			return true;
	return false;
}

/*
 * Reads the committed record type/id without checking its owners and
 * stages against crm.yaml (a record may name a user crm.yaml lost: it is
 * what is being put right).  A hand edit of its file is refused by the
 * commit that rewrites it.
 */
static int read_raw(struct crm_store *s, enum crm_type type, const char *id,
		    struct crm_record **out, struct crm_err *err)
{
	char path[64], *buf = NULL;
	git_tree *tree;
	size_t len;
	int rc;

	*out = NULL;
	crm_record_path(type, id, path, sizeof(path));
	if ((rc = crm_store_head_tree(s, &tree, err)) ||
	    (rc = crm_tree_read(s->repo, tree, path, &buf, &len, err)))
		goto out;
	rc = crm_record_parse(type, id, buf, len, NULL, out, err);
	if (rc)
		crm_err_prefix(err, _("cannot read '%s'"), path);
out:
	free(buf);
	return rc;
}

/*
 * Adds to t the records of the types in mask that the index holds as
 * broken (a file that does not validate, naming a stage or a user
 * crm.yaml lacks, say) and that t wants; those that do not parse at all
 * are left alone.
 */
static int add_broken(struct crm_store *s, unsigned mask, struct targets *t,
		      struct crm_err *err)
{
	struct crm_broken *b = NULL;
	struct crm_record *r;
	char id[CRM_ID_LEN + 1];
	enum crm_type type;
	size_t n = 0, i;
	int rc;

	if ((rc = crm_find_broken(s, mask, &b, &n, err)))
		return rc;
	for (i = 0; i < n; i++) {
		if (!crm_record_path_parse(b[i].path, &type, id) ||
		    has_target(t, type, id) ||
		    read_raw(s, type, id, &r, NULL) != CRM_OK)
			continue;
		if (wanted(t, crm_map_str(r->map, "pipeline"),
			   crm_map_str(r->map, "stage"),
			   crm_map_str(r->map, "owner")))
			push_target(t, type, id);
		crm_record_free(r);
	}
	crm_broken_free(b, n);
	return CRM_OK;
}

/* Finds into t the records of the types in mask that query (text of the
 * query language; NULL: every record) matches, and, with broken, those
 * of the broken records t wants. */
static int find_targets(struct crm_store *s, unsigned mask,
			const char *query, bool broken, struct targets *t,
			struct crm_err *err)
{
	struct crm_query *q = NULL;
	struct crm_find f = {.mask = mask};
	size_t total;
	int rc;

	t->cfg = &s->cfg;
	if (query && (rc = crm_query_parse(&query, 1, s->now, &q, err)))
		return rc;
	f.query = q;
	rc = crm_find_each(s, &f, add_target, t, &total, NULL, NULL, err);
	crm_query_free(q);
	if (rc == CRM_OK && broken)
		rc = add_broken(s, mask, t, err);
	return rc;
}

/* The deals of pipeline (in stage, unless NULL) into t. */
static int find_deals(struct crm_store *s, const char *pipeline,
		      const char *stage, struct targets *t,
		      struct crm_err *err)
{
	t->pipeline = pipeline;
	t->stage = stage;
	return find_targets(s, CRM_TYPE_BIT(CRM_DEAL), NULL, true, t, err);
}

/* True when name is one of names[0..n). */
static bool among(const char *name, char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/*
 * The query "owner:LOGIN or F:LOGIN..." for every custom field F of
 * kind user that some record has (the query language knows no other
 * custom field).  Caller frees it.
 */
static int user_query(struct crm_store *s, const char *login, char **out,
		      struct crm_err *err)
{
	const struct crm_config *cfg = &s->cfg;
	struct crm_buf b = {0};
	char **used = NULL;
	size_t nused = 0, i;
	int rc;

	if ((rc = crm_find_field_names(s, &used, &nused, err)))
		return rc;
	crm_buf_addf(&b, "owner:%s", login);
	for (i = 0; i < cfg->nfields; i++)
		if (cfg->fields[i].kind == CRM_CF_USER &&
		    among(cfg->fields[i].name, used, nused))
			crm_buf_addf(&b, " or %s:%s", cfg->fields[i].name, login);
	crm_words_free(used, nused);
	*out = crm_buf_detach(&b);
	return CRM_OK;
}

/* The records whose owner or custom field of kind user may be login,
 * by the index, and every broken record, into t (the migration checks
 * each when it reads it). */
static int find_user_records(struct crm_store *s, const char *login,
			     struct targets *t, struct crm_err *err)
{
	char *q = NULL;
	int rc = user_query(s, login, &q, err);

	if (rc == CRM_OK)
		rc = find_targets(s, CRM_TYPE_ALL, q, true, t, err);
	free(q);
	return rc;
}

/* Changes a record in place; true when it changed anything. */
typedef bool (*migrate_fn)(struct crm_record *r, void *data);

/*
 * Reads each record of targets, lets fn change it and queues those it
 * changed in t, with "updated" set; a record that was valid must stay
 * valid against cfg (the configuration to be committed).  One already
 * invalid is not made worse and is written as changed.  *n gets how
 * many changed.
 */
static int migrate(struct crm_store *s, struct crm_txn *t,
		   const struct targets *tg, migrate_fn fn, void *data,
		   const struct crm_config *cfg, size_t *n,
		   struct crm_err *err)
{
	struct crm_record *r;
	char stamp[40];
	bool valid;
	size_t i;
	int rc = CRM_OK;

	*n = 0;
	crm_date_now(s->now, stamp, sizeof(stamp));
	for (i = 0; i < tg->n && rc == CRM_OK; i++) {
		if ((rc = read_raw(s, tg->v[i].type, tg->v[i].id, &r, err)))
			break;
		valid = crm_record_validate(r, &s->cfg, NULL) == CRM_OK;
		if (fn(r, data)) {
			crm_map_set_str(r->map, "updated", stamp);
			if (valid && (rc = crm_record_validate(r, cfg, err)))
				crm_err_prefix(err, "%s %s", crm_type_name(r->type),
					       r->id);
			if (rc == CRM_OK)
				rc = crm_txn_put(t, r, err);
			(*n)++;
		}
		crm_record_free(r);
	}
	return rc;
}

/* ---- stages ---- */

/* What a stage rename changes in a deal. */
struct stage_rename {
	const char *old, *new;
	size_t moved;       /* deals whose stage it was */
};

/* Renames the stage of a deal and in its stage_history. */
static bool rename_stage_in(struct crm_record *r, void *data)
{
	struct stage_rename *sr = data;
	struct crm_node *st = crm_map_get(r->map, "stage");
	struct crm_node *h = crm_map_get(r->map, "stage_history");
	bool changed = false;
	size_t i;

	if (st && st->kind == CRM_NODE_SCALAR && strcmp(st->str, sr->old) == 0) {
		set_scalar(st, sr->new);
		sr->moved++;
		changed = true;
	}
	for (i = 0; h && h->kind == CRM_NODE_SEQ && i < h->len; i++) {
		struct crm_node *e = crm_map_get(h->items[i], "stage");

		if (e && e->kind == CRM_NODE_SCALAR && strcmp(e->str, sr->old) == 0) {
			set_scalar(e, sr->new);
			changed = true;
		}
	}
	return changed;
}

/* Checks that new can become a stage of pipeline p. */
static int check_new_stage(const struct crm_pipeline *p, const char *new,
			   struct crm_err *err)
{
	if (!crm_config_name_valid(new))
		return invalid_name(true, new, err);
	if (crm_pipeline_has_stage(p, new))
		return crm_seterr(err, CRM_ERR, _("pipeline '%s' already has a "
				  "stage '%s'"), p->name, new);
	return CRM_OK;
}

/* Renames value old of key to new in the automation rules of root (for
 * a stage, in the rules of pipeline or of none): a rename keeps the
 * rules that name it running. */
static void rename_in_rules(struct crm_node *root, const char *key,
			    const char *pipeline, const char *old,
			    const char *new)
{
	struct crm_node *rules = crm_map_get(root, "automation"), *r;
	const char *p;
	size_t i;

	for (i = 0; rules && rules->kind == CRM_NODE_SEQ && i < rules->len;
	     i++) {
		r = rules->items[i];
		if (r->kind != CRM_NODE_MAP || crm_map_str(r, key) == NULL ||
		    strcmp(crm_map_str(r, key), old) != 0)
			continue;
		p = crm_map_str(r, "pipeline");
		if (pipeline && p && strcmp(p, pipeline) != 0)
			continue;
		crm_map_set_str(r, key, new);
	}
}

int crm_stage_rename(struct crm_store *s, struct crm_txn *t,
		     const char *pipeline, const char *old, const char *new,
		     size_t *moved, size_t *records, struct crm_err *err)
{
	const struct crm_pipeline *p = find_pipeline(s, pipeline, err);
	struct stage_rename sr = {old, new, 0};
	struct crm_config cfg = {0};
	struct targets tg = {0};
	struct crm_node *root = NULL, *st;
	int rc;

	*moved = *records = 0;
	if (p == NULL)
		return err ? err->status : CRM_ENOTFOUND;
	if ((rc = find_stage(p, old, err)) || (rc = check_new_stage(p, new, err)) ||
	    (rc = head_config(s, &root, err)))
		goto out;
	st = stages_node(root, pipeline);
	if (st == NULL || seq_index(st, old) < 0) {
		rc = crm_seterr(err, CRM_ERR, _("cannot find stage '%s' in "
				"'crm.yaml'"), old);
		goto out;
	}
	set_item_id(st->items[seq_index(st, old)], new);
	rename_in_rules(root, "stage", pipeline, old, new);
	if ((rc = stage_config(s, t, root, &cfg, err)) ||
	    (rc = find_deals(s, pipeline, NULL, &tg, err)) ||
	    (rc = migrate(s, t, &tg, rename_stage_in, &sr, &cfg, records, err)))
		goto out;
	*moved = sr.moved;
	swap_config(s, &cfg, NULL, NULL);
out:
	crm_config_free(&cfg);
	crm_node_free(root);
	free(tg.v);
	return rc;
}

/* Sets key of map m to the whole number v (unless v < 0). */
static void set_number(struct crm_node *m, const char *key, int v)
{
	char num[16];

	if (v < 0)
		return;
	snprintf(num, sizeof(num), "%d", v);
	crm_map_set(m, key, crm_node_new_typed(num));
}

/* The item of a new stage id described by spec (may be NULL): a map
 * when spec says anything, else as new_item makes it. */
static struct crm_node *spec_item(const struct crm_node *seq, const char *id,
				  const struct crm_stage_spec *spec)
{
	struct crm_node *m;

	if (spec == NULL || (!spec->name && !spec->kind &&
			     spec->probability < 0 && spec->rot_days < 0))
		return new_item(seq, id);
	m = crm_node_new_map();
	crm_map_set_str(m, "id", id);
	if (spec->name)
		crm_map_set_str(m, "name", spec->name);
	if (spec->kind)
		crm_map_set_str(m, "kind", spec->kind);
	set_number(m, "probability", spec->probability);
	set_number(m, "rot_days", spec->rot_days);
	return m;
}

/* True when s holds a control character (C0 or DEL). */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Checks what spec says of a new stage: a name of UTF-8 text that is
 * not blank, a kind of open, won or lost, numbers in range. */
static int check_spec(const struct crm_stage_spec *spec, struct crm_err *err)
{
	const char *k;

	if (spec == NULL)
		return CRM_OK;
	if (spec->name && (spec->name[strspn(spec->name, " ")] == '\0' ||
			   !crm_utf8_valid(spec->name, strlen(spec->name)) ||
			   has_control(spec->name)))
		return crm_seterr(err, CRM_EUSAGE, _("invalid stage name '%s' "
				  "(one line of UTF-8 text)"), spec->name);
	k = spec->kind;
	if (k && strcmp(k, "open") != 0 && strcmp(k, "won") != 0 &&
	    strcmp(k, "lost") != 0)
		return crm_seterr(err, CRM_EUSAGE, _("unknown kind of stage "
				  "'%s' (it is open, won or lost)"), k);
	if (spec->probability > 100)
		return crm_seterr(err, CRM_EUSAGE, _("a probability is a whole "
				  "number from 0 to 100, not %d"),
				  spec->probability);
	if (spec->rot_days > 36500)
		return crm_seterr(err, CRM_EUSAGE, _("rot days must be from 0 "
				  "to 36500, not %d"), spec->rot_days);
	return CRM_OK;
}

int crm_stage_add(struct crm_store *s, struct crm_txn *t,
		  const char *pipeline, const char *stage, const char *after,
		  const char *before, struct crm_err *err)
{
	return crm_stage_add_spec(s, t, pipeline, stage, after, before, NULL,
				  err);
}

int crm_stage_add_spec(struct crm_store *s, struct crm_txn *t,
		       const char *pipeline, const char *stage,
		       const char *after, const char *before,
		       const struct crm_stage_spec *spec, struct crm_err *err)
{
	const struct crm_pipeline *p = find_pipeline(s, pipeline, err);
	const char *next_to = after ? after : before;
	struct crm_config cfg = {0};
	struct crm_node *root = NULL, *st;
	size_t at;
	int rc;

	if (p == NULL)
		return err ? err->status : CRM_ENOTFOUND;
	if ((rc = check_new_stage(p, stage, err)) ||
	    (rc = check_spec(spec, err)) ||
	    (next_to && (rc = find_stage(p, next_to, err))) ||
	    (rc = head_config(s, &root, err)))
		goto out;
	st = stages_node(root, pipeline);
	if (st == NULL) {
		rc = crm_seterr(err, CRM_ERR, _("cannot find pipeline '%s' in "
				"'crm.yaml'"), pipeline);
		goto out;
	}
	at = st->len;
	if (next_to && seq_index(st, next_to) >= 0)
		at = (size_t)seq_index(st, next_to) + (after ? 1 : 0);
	seq_insert(st, at, spec_item(st, stage, spec));
	if ((rc = stage_config(s, t, root, &cfg, err)) == CRM_OK)
		swap_config(s, &cfg, NULL, NULL);
out:
	crm_config_free(&cfg);
	crm_node_free(root);
	return rc;
}

/* What a stage rm --to changes in a deal. */
struct stage_move {
	const char *from, *to, *by;
	time_t now;
	bool lost;   /* to is a lost stage: the move says why */
};

/* Moves a deal in stage from to stage to, noting it in its history. */
static bool move_stage_in(struct crm_record *r, void *data)
{
	struct stage_move *m = data;
	struct crm_node *st = crm_map_get(r->map, "stage");
	char why[160], stamp[40];

	if (st == NULL || st->kind != CRM_NODE_SCALAR ||
	    strcmp(st->str, m->from) != 0)
		return false;
	set_scalar(st, m->to);
	if (m->lost) {
		/* a lost stage needs a reason: the only one there is */
		snprintf(why, sizeof(why), "stage '%s' was removed", m->from);
		crm_date_now(m->now, stamp, sizeof(stamp));
		crm_record_add_stage_entry(r, m->to, stamp, m->by, why);
	} else {
		crm_record_note_stage(r, m->to, m->by, m->now);
	}
	return true;
}

/* Checks the --to stage of crm stage rm. */
static int check_move_to(const struct crm_pipeline *p, const char *stage,
			 const char *to, struct crm_err *err)
{
	int rc = find_stage(p, to, err);

	if (rc == CRM_OK && strcmp(to, stage) == 0)
		rc = crm_seterr(err, CRM_EUSAGE, _("cannot move the deals of "
				"stage '%s' to itself"), stage);
	return rc;
}

int crm_stage_rm(struct crm_store *s, struct crm_txn *t, const char *pipeline,
		 const char *stage, const char *to, size_t *moved,
		 struct crm_err *err)
{
	const struct crm_pipeline *p = find_pipeline(s, pipeline, err);
	struct stage_move m = {stage, to, s->user ? s->user->login : NULL,
			       s->now};
	struct crm_config cfg = {0};
	struct targets tg = {0};
	struct crm_node *root = NULL, *st;
	int rc;

	*moved = 0;
	if (p == NULL)
		return err ? err->status : CRM_ENOTFOUND;
	if ((rc = find_stage(p, stage, err)) ||
	    (to && (rc = check_move_to(p, stage, to, err))))
		goto out;
	m.lost = to && crm_pipeline_stage(p, to) &&
		 crm_pipeline_stage(p, to)->kind == CRM_STAGE_LOST;
	if (p->nstages == 1) {
		rc = crm_seterr(err, CRM_ERR, _("cannot remove '%s', the only "
				"stage of pipeline '%s'"), stage, pipeline);
		goto out;
	}
	if ((rc = find_deals(s, pipeline, stage, &tg, err)))
		goto out;
	if (tg.n && to == NULL) {
		rc = crm_seterr(err, CRM_ERR, ngettext("stage '%s' of pipeline "
				"'%s' still has %zu deal\nhint: move it with 'crm "
				"stage rm %s %s --to STAGE', or rename the stage "
				"with 'crm stage rename'", "stage '%s' of pipeline "
				"'%s' still has %zu deals\nhint: move them with "
				"'crm stage rm %s %s --to STAGE', or rename the "
				"stage with 'crm stage rename'", tg.n), stage,
				pipeline, tg.n, pipeline, stage);
		goto out;
	}
	if ((rc = head_config(s, &root, err)))
		goto out;
	st = stages_node(root, pipeline);
	if (st == NULL || seq_index(st, stage) < 0) {
		rc = crm_seterr(err, CRM_ERR, _("cannot find stage '%s' in "
				"'crm.yaml'"), stage);
		goto out;
	}
	seq_remove(st, (size_t)seq_index(st, stage));
	if ((rc = stage_config(s, t, root, &cfg, err)) ||
	    (rc = migrate(s, t, &tg, move_stage_in, &m, &cfg, moved, err)))
		goto out;
	swap_config(s, &cfg, NULL, NULL);
out:
	crm_config_free(&cfg);
	crm_node_free(root);
	free(tg.v);
	return rc;
}

/* ---- users ---- */

/* What a user rename or removal changes in a record. */
struct user_move {
	const char *from, *to;
	const struct crm_config *cfg;
	bool fields;        /* custom fields of kind user too */
};

/* Sets key of r to m->to when it is m->from; true when it did. */
static bool move_value(struct crm_record *r, const char *key,
		       const struct user_move *m)
{
	struct crm_node *n = crm_map_get(r->map, key);

	if (n == NULL || n->kind != CRM_NODE_SCALAR || strcmp(n->str, m->from))
		return false;
	set_scalar(n, m->to);
	return true;
}

/* Moves a record's owner (and user fields) from m->from to m->to. */
static bool move_user_in(struct crm_record *r, void *data)
{
	struct user_move *m = data;
	bool changed = move_value(r, "owner", m);
	size_t i;

	for (i = 0; m->fields && i < m->cfg->nfields; i++)
		if (m->cfg->fields[i].kind == CRM_CF_USER &&
		    (m->cfg->fields[i].types & CRM_TYPE_BIT(r->type)) &&
		    move_value(r, m->cfg->fields[i].name, m))
			changed = true;
	return changed;
}

/* Checks that login can be a new user's. */
static int check_new_login(struct crm_store *s, const char *login,
			   struct crm_err *err)
{
	if (!crm_config_name_valid(login))
		return invalid_name(false, login, err);
	if (crm_config_user(&s->cfg, login))
		return crm_seterr(err, CRM_ERR, _("user '%s' already exists"),
				  login);
	return CRM_OK;
}

/* True when s is text a person's name may be: valid UTF-8, not blank,
 * no control characters. */
static bool good_text(const char *s)
{
	size_t i;
	bool blank = true;

	if (!crm_utf8_valid(s, strlen(s)))
		return false;
	for (i = 0; s[i]; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
		if (s[i] != ' ')
			blank = false;
	}
	return !blank;
}

/* Checks a new user's name and e-mail (may be NULL). */
static int check_person(struct crm_store *s, const char *name,
			const char *email, struct crm_err *err)
{
	const struct crm_user *u;

	if (!good_text(name))
		return crm_seterr(err, CRM_EUSAGE, _("invalid name '%s' (it "
				  "must not be blank, nor hold control "
				  "characters)"), name);
	if (email == NULL)
		return CRM_OK;
	if (!good_text(email) || strchr(email, '@') == NULL ||
	    strpbrk(email, " <>,;") != NULL)
		return crm_seterr(err, CRM_EUSAGE, _("invalid e-mail address "
				  "'%s'"), email);
	if ((u = crm_config_user_by_email(&s->cfg, email)) != NULL)
		return crm_seterr(err, CRM_ERR, _("e-mail address '%s' is "
				  "already the address of user '%s'"), email,
				  u->login);
	return CRM_OK;
}

int crm_user_add(struct crm_store *s, struct crm_txn *t, const char *login,
		 const char *name, const char *email, struct crm_err *err)
{
	struct crm_config cfg = {0};
	struct crm_node *root = NULL, *users, *u;
	int rc;

	if ((rc = check_new_login(s, login, err)) ||
	    (rc = check_person(s, name, email, err)) ||
	    (rc = head_config(s, &root, err)))
		goto out;
	if ((users = root_list(root, "users")) == NULL) {
		rc = crm_seterr(err, CRM_ERR, _("'users' in 'crm.yaml' is not "
				"a list"));
		goto out;
	}
	u = crm_node_new_map();
	crm_map_set_str(u, "login", login);
	crm_map_set_str(u, "name", name);
	if (email)
		crm_map_set_str(u, "email", email);
	crm_seq_push(users, u);
	if ((rc = stage_config(s, t, root, &cfg, err)) == CRM_OK)
		swap_config(s, &cfg, NULL, NULL);
out:
	crm_config_free(&cfg);
	crm_node_free(root);
	return rc;
}

int crm_user_rename(struct crm_store *s, struct crm_txn *t, const char *old,
		    const char *new, size_t *records, struct crm_err *err)
{
	struct user_move m = {old, new, &s->cfg, true};
	struct crm_config cfg = {0};
	struct targets tg = {0};
	struct crm_node *root = NULL, *users, *login;
	long i;
	int rc;

	*records = 0;
	if ((rc = find_user(s, old, err)) || (rc = check_new_login(s, new, err)) ||
	    (rc = head_config(s, &root, err)))
		goto out;
	users = crm_map_get(root, "users");
	if ((i = user_index(users, old)) < 0) {
		rc = crm_seterr(err, CRM_ERR, _("cannot find user '%s' in "
				"'crm.yaml'"), old);
		goto out;
	}
	login = crm_map_get(users->items[i], "login");
	set_scalar(login, new);
	rename_in_rules(root, "owner", NULL, old, new);
	if ((rc = find_user_records(s, old, &tg, err)) ||
	    (rc = stage_config(s, t, root, &cfg, err)) ||
	    (rc = migrate(s, t, &tg, move_user_in, &m, &cfg, records, err)))
		goto out;
	swap_config(s, &cfg, old, new);
out:
	crm_config_free(&cfg);
	crm_node_free(root);
	free(tg.v);
	return rc;
}

/* Checks the user records are handed over to in crm user rm --to and
 * crm reassign. */
static int check_heir(struct crm_store *s, const char *from, const char *to,
		      struct crm_err *err)
{
	int rc = find_user(s, to, err);

	if (rc == CRM_OK && strcmp(from, to) == 0)
		rc = crm_seterr(err, CRM_EUSAGE, _("cannot hand the records of "
				"'%s' over to '%s' itself"), from, to);
	return rc;
}

/* Checks that login may be removed: not the last user, nor the one
 * acting (whose name the commit is made in). */
static int check_removable(struct crm_store *s, const char *login,
			   struct crm_err *err)
{
	if (s->cfg.nusers == 1)
		return crm_seterr(err, CRM_ERR, _("cannot remove '%s', the only "
				  "user of the store"), login);
	if (s->user && strcmp(s->user->login, login) == 0)
		return crm_seterr(err, CRM_ERR, _("cannot remove user '%s', who "
				  "is making this change\nhint: let another "
				  "user remove it (--user LOGIN)"), login);
	return CRM_OK;
}

/* The records of tg that name m->from (the index may match more: it
 * folds case), counted by reading them. */
static int count_named(struct crm_store *s, const struct targets *tg,
		       struct user_move *m, size_t *n, struct crm_err *err)
{
	struct crm_record *r;
	size_t i;
	int rc;

	*n = 0;
	for (i = 0; i < tg->n; i++) {
		if ((rc = read_raw(s, tg->v[i].type, tg->v[i].id, &r, err)))
			return rc;
		if (move_user_in(r, m))
			(*n)++;
		crm_record_free(r);
	}
	return CRM_OK;
}

int crm_user_rm(struct crm_store *s, struct crm_txn *t, const char *login,
		const char *to, size_t *records, struct crm_err *err)
{
	struct user_move m = {login, to ? to : "", &s->cfg, true};
	struct crm_config cfg = {0};
	struct targets tg = {0};
	struct crm_node *root = NULL, *users;
	size_t named;
	long i;
	int rc;

	*records = 0;
	if ((rc = find_user(s, login, err)) ||
	    (to && (rc = check_heir(s, login, to, err))) ||
	    (rc = check_removable(s, login, err)) ||
	    (rc = find_user_records(s, login, &tg, err)))
		goto out;
	if (to == NULL) {
		if ((rc = count_named(s, &tg, &m, &named, err)) || named == 0)
			goto drop;
		rc = crm_seterr(err, CRM_ERR, ngettext("user '%s' still owns or "
				"is named in %zu record\nhint: hand it over with "
				"'crm reassign %s LOGIN' or 'crm user rm %s --to "
				"LOGIN'", "user '%s' still owns or is named in %zu "
				"records\nhint: hand them over with 'crm reassign "
				"%s LOGIN' or 'crm user rm %s --to LOGIN'", named),
				login, named, login, login);
		goto out;
	}
drop:
	if ((rc = head_config(s, &root, err)))
		goto out;
	users = crm_map_get(root, "users");
	if ((i = user_index(users, login)) < 0) {
		rc = crm_seterr(err, CRM_ERR, _("cannot find user '%s' in "
				"'crm.yaml'"), login);
		goto out;
	}
	seq_remove(users, (size_t)i);
	if ((rc = stage_config(s, t, root, &cfg, err)) ||
	    (to && (rc = migrate(s, t, &tg, move_user_in, &m, &cfg, records,
				 err))))
		goto out;
	swap_config(s, &cfg, NULL, NULL);
out:
	crm_config_free(&cfg);
	crm_node_free(root);
	free(tg.v);
	return rc;
}

/* Checks reassign's FROM: a user, or a login the records found (tg)
 * still have although crm.yaml lost it. */
static int check_from(struct crm_store *s, const char *from,
		      const struct targets *tg, struct crm_err *err)
{
	if (tg->n || crm_config_user(&s->cfg, from))
		return CRM_OK;
	return find_user(s, from, err);
}

_Static_assert(CRM_NTYPES == 4, "crm_reassign_result counts 4 types");

/* What reassign moves in a record, noted in its result. */
struct reassign_move {
	struct user_move m;
	struct crm_reassign_result *res;
};

/* move_user_in, noting the record moved. */
static bool reassign_in(struct crm_record *r, void *data)
{
	struct reassign_move *rm = data;
	struct crm_reassign_result *res = rm->res;

	if (!move_user_in(r, &rm->m))
		return false;
	res->by_type[r->type]++;
	res->v = crm_xrealloc(res->v, (res->n + 1) * sizeof(*res->v));
	res->v[res->n].type = r->type;
	memcpy(res->v[res->n].id, r->id, CRM_ID_LEN + 1);
	res->v[res->n].name = crm_xstrdup(crm_record_name(r) ?
					  crm_record_name(r) : "");
	res->n++;
	return true;
}

void crm_reassign_result_free(struct crm_reassign_result *res)
{
	size_t i;

	for (i = 0; i < res->n; i++)
		free(res->v[i].name);
	free(res->v);
	memset(res, 0, sizeof(*res));
}

int crm_reassign(struct crm_store *s, struct crm_txn *t, const char *from,
		 const char *to, const char *query, size_t *records,
		 struct crm_err *err)
{
	struct crm_reassign_result res = {0};
	int rc = crm_reassign_list(s, t, from, to, query, &res, err);

	*records = res.n;
	crm_reassign_result_free(&res);
	return rc;
}

int crm_reassign_list(struct crm_store *s, struct crm_txn *t,
		      const char *from, const char *to, const char *query,
		      struct crm_reassign_result *res, struct crm_err *err)
{
	struct reassign_move rm = {{from, to, &s->cfg, true}, res};
	size_t records;
	struct targets tg = {0};
	struct crm_buf q = {0};
	struct crm_query *check = NULL;
	int rc;

	memset(res, 0, sizeof(*res));
	if (!crm_config_name_valid(from) && !crm_config_user(&s->cfg, from))
		return find_user(s, from, err);
	if ((rc = check_heir(s, from, to, err)))
		return rc;
	if (query && (rc = crm_query_parse(&query, 1, s->now, &check, err)))
		return rc;
	crm_query_free(check);
	crm_buf_addf(&q, "owner:%s", from);
	if (query)
		crm_buf_addf(&q, " and (%s)", query);
	tg.owner = from;
	if ((rc = find_targets(s, CRM_TYPE_ALL, q.s, query == NULL, &tg, err)) ||
	    (rc = check_from(s, from, &tg, err)))
		goto out;
	rc = migrate(s, t, &tg, reassign_in, &rm, &s->cfg, &records, err);
out:
	crm_buf_free(&q);
	free(tg.v);
	return rc;
}
