/*
 * undo.c - crm undo and crm redo: a change reverted as a new commit.
 *
 * Which change: walking HEAD's first parents, the newest commit crm made
 * (it has a Crm-Command trailer) that the store's user authored (or
 * anyone's, with any) and that no later undo reverted.  An undo names
 * what it reverted in its Crm-Undoes trailer and is never a change to
 * undo itself, so repeated undos walk back; a redo names the undo it
 * reverted in Crm-Redoes, which makes that undo's revert void.  crm redo
 * reverts the newest undo of the user that no redo reverted yet, as long
 * as the user made no other change since.
 *
 * How: every file the change touched goes back to its version before
 * the change, when HEAD still has the version the change left.  When a
 * later commit changed it again, the revert is refused, or with force
 * made three-way, field by field: a field that only the change touched
 * goes back, a field changed later keeps its later value unless the
 * change touched it too (then the revert wins), lists are merged by
 * item.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store-internal.h"

/* A set of commit ids (hex), small: searched linearly. */
struct idset {
	char **v;
	size_t n;
};

static bool idset_has(const struct idset *s, const char *hex)
{
	size_t i;

	for (i = 0; hex && i < s->n; i++)
		if (strcmp(s->v[i], hex) == 0)
			return true;
	return false;
}

/* Adds hex (taken; may be NULL, then nothing). */
static void idset_take(struct idset *s, char *hex)
{
	if (hex == NULL)
		return;
	s->v = crm_xrealloc(s->v, (s->n + 1) * sizeof(char *));
	s->v[s->n++] = hex;
}

static void idset_free(struct idset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* The e-mail address crm's commits by u carry (commit.c's signature). */
static void user_email(const struct crm_user *u, char *buf, size_t size)
{
	if (u == NULL)
		snprintf(buf, size, "crm@localhost");
	else if (u->email && u->email[0])
		snprintf(buf, size, "%s", u->email);
	else
		snprintf(buf, size, "%s@localhost", u->login);
}

/* True when the store's user authored c. */
static bool is_mine(const struct crm_store *s, git_commit *c)
{
	const git_signature *sig = git_commit_author(c);
	char email[256];

	user_email(s->user, email, sizeof(email));
	return sig && sig->email && strcasecmp(sig->email, email) == 0;
}

/* The id of the blob at path in tree (may be NULL), or false when
 * absent. */
static bool blob_of(git_tree *tree, const char *path, git_oid *oid)
{
	git_tree_entry *e;

	if (tree == NULL || git_tree_entry_bypath(&e, tree, path) < 0)
		return false;
	*oid = *git_tree_entry_id(e);
	git_tree_entry_free(e);
	return true;
}

/* What a walk found. */
struct found {
	git_commit *target;   /* the commit to revert, or NULL */
	git_commit *other;    /* undo: the newest change of someone else
				 passed over; redo: the change that ends
				 the walk (owned; may be NULL) */
};

/* The Crm-Command of c (caller frees; NULL for a plain git commit). */
static char *command_of(git_commit *c)
{
	return crm_commit_trailer(git_commit_message(c), "Crm-Command");
}

/* A revision walk, newest first, over every commit HEAD has (the sides
 * a pull merged in too, where a user's last change may be) but those
 * hide has (NULL: none); NULL when unborn. */
static git_revwalk *history(struct crm_store *s, const git_oid *hide)
{
	git_revwalk *walk = NULL;

	if (git_revwalk_new(&walk, s->repo) < 0)
		return NULL;
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if (git_revwalk_push_head(walk) < 0 ||
	    (hide && git_revwalk_hide(walk, hide) < 0)) {
		git_revwalk_free(walk);
		return NULL;
	}
	return walk;
}

/*
 * Decides about commit c of an undo walk.  Returns true when c is the
 * target.  undone: changes later undos reverted; voided: undos later
 * redos reverted.
 */
static bool undo_step(struct crm_store *s, git_commit *c, bool any,
		      struct idset *undone, struct idset *voided,
		      struct found *f, bool *stop)
{
	const char *msg = git_commit_message(c);
	char hex[41], *cmd;
	bool take = false;

	git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
	if (idset_has(undone, hex) || (cmd = command_of(c)) == NULL)
		return false;
	if (strcmp(cmd, "init") == 0) {
		*stop = true;
	} else if (strcmp(cmd, "undo") == 0) {
		if (!idset_has(voided, hex))
			idset_take(undone, crm_commit_trailer(msg, "Crm-Undoes"));
	} else {
		if (strcmp(cmd, "redo") == 0)
			idset_take(voided, crm_commit_trailer(msg, "Crm-Redoes"));
		take = any || is_mine(s, c);
		if (!take && f->other == NULL)
			git_commit_lookup(&f->other, s->repo, git_commit_id(c));
	}
	free(cmd);
	return take;
}

/*
 * Decides about commit c of a redo walk: returns true when c is the undo
 * to revert; sets *stop at a change that is no undo (a new change ends
 * what can be redone).  redone: undos later redos reverted.
 */
static bool redo_step(struct crm_store *s, git_commit *c, bool any,
		      struct idset *redone, struct found *f, bool *stop)
{
	char hex[41], *cmd;
	bool take = false;

	if ((cmd = command_of(c)) == NULL)
		return false;
	if (!any && !is_mine(s, c)) {
		free(cmd);
		return false;
	}
	git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
	if (strcmp(cmd, "redo") == 0) {
		idset_take(redone, crm_commit_trailer(git_commit_message(c),
						      "Crm-Redoes"));
	} else if (strcmp(cmd, "undo") == 0) {
		take = !idset_has(redone, hex);
	} else {
		if (strcmp(cmd, "init") != 0)
			git_commit_lookup(&f->other, s->repo, git_commit_id(c));
		*stop = true;
	}
	free(cmd);
	return take;
}

/* Walks the history for the commit undo (or redo) reverts, into f. */
static int find_target(struct crm_store *s, bool redo, bool any,
		       struct found *f, struct crm_err *err)
{
	struct idset a = {0}, b = {0};
	git_revwalk *walk = history(s, NULL);
	git_commit *c;
	git_oid oid;
	bool stop = false, take;
	int rc = CRM_OK;

	memset(f, 0, sizeof(*f));
	while (walk && !stop && git_revwalk_next(&oid, walk) == 0) {
		if (git_commit_lookup(&c, s->repo, &oid) < 0) {
			rc = crm_git_error(err, _("cannot read the history"));
			break;
		}
		take = redo ? redo_step(s, c, any, &a, f, &stop)
			    : undo_step(s, c, any, &a, &b, f, &stop);
		if (take) {
			f->target = c;
			break;
		}
		git_commit_free(c);
	}
	idset_free(&a);
	idset_free(&b);
	git_revwalk_free(walk);
	return rc;
}

/* The error when there is nothing to undo or redo. */
static int nothing(struct crm_store *s, bool redo, const struct found *f,
		   struct crm_err *err)
{
	char hex[41];
	const git_signature *sig;

	if (f->other == NULL)
		return crm_seterr(err, CRM_ERR, redo ? _("nothing to redo")
						     : _("nothing to undo"));
	git_oid_tostr(hex, 9, git_commit_id(f->other));
	sig = git_commit_author(f->other);
	if (redo)
		return crm_seterr(err, CRM_ERR, _("nothing to redo: no undo "
				  "of yours is left since your change %s "
				  "'%s'\nhint: a redo re-applies what the last "
				  "undo reverted, before any new change"), hex,
				  git_commit_summary(f->other));
	return crm_seterr(err, CRM_ERR, _("nothing of yours (%s) to undo\n"
			  "hint: the last change, %s '%s', is by %s; 'crm undo "
			  "--any' undoes it"),
			  s->user ? s->user->login : "crm", hex,
			  git_commit_summary(f->other),
			  sig && sig->name ? sig->name : "?");
}

/* ---- the three-way revert ---- */

/* Parses the YAML at path of tree: *n NULL when absent; false when it
 * is there and does not parse. */
static bool yaml_at(git_repository *repo, git_tree *tree, const char *path,
		    struct crm_node **n)
{
	char *buf;
	size_t len;
	bool ok;

	*n = NULL;
	if (tree == NULL || crm_tree_read(repo, tree, path, &buf, &len,
					  NULL) != CRM_OK)
		return true;
	ok = crm_yaml_parse(buf, len, n, NULL) == CRM_OK;
	free(buf);
	return ok;
}

/* True when seq holds an item equal to x. */
static bool seq_has(const struct crm_node *seq, const struct crm_node *x)
{
	size_t i;

	for (i = 0; seq && i < seq->len; i++)
		if (crm_node_equal(seq->items[i], x))
			return true;
	return false;
}

/* The three-way merge of lists: ours' items but those the change added
 * (in base, not in theirs), then the change's removals (in theirs, not
 * in base) that ours lacks.  Owned by the caller. */
static struct crm_node *merge_seq(const struct crm_node *base,
				  const struct crm_node *ours,
				  const struct crm_node *theirs)
{
	struct crm_node *out = crm_node_new_seq();
	size_t i;

	for (i = 0; ours && i < ours->len; i++)
		if (!(seq_has(base, ours->items[i]) &&
		      !seq_has(theirs, ours->items[i])))
			crm_seq_push(out, crm_node_dup(ours->items[i]));
	for (i = 0; theirs && i < theirs->len; i++)
		if (!seq_has(base, theirs->items[i]) &&
		    !seq_has(out, theirs->items[i]))
			crm_seq_push(out, crm_node_dup(theirs->items[i]));
	return out;
}

/* True when n is absent or a list. */
static bool seq_or_absent(const struct crm_node *n)
{
	return n == NULL || n->kind == CRM_NODE_SEQ;
}

/* Equality of possibly absent values. */
static bool same(const struct crm_node *a, const struct crm_node *b)
{
	return a == NULL ? b == NULL : b != NULL && crm_node_equal(a, b);
}

/* Sets key of out to the merge of base's, ours' and theirs' values. */
static void merge_key(struct crm_node *out, const char *key,
		      const struct crm_node *b, const struct crm_node *o,
		      const struct crm_node *t)
{
	struct crm_node *v;

	if (same(o, b) || (!same(t, b) && !same(o, t) &&
			   !(seq_or_absent(b) && seq_or_absent(o) &&
			     seq_or_absent(t) && (o || t))))
		v = t ? crm_node_dup(t) : NULL; /* ours unchanged, or overlap */
	else if (same(t, b) || same(o, t))
		v = crm_node_dup(o);
	else
		v = merge_seq(b, o, t);
	if (v)
		crm_map_set(out, key, v);
	else
		crm_map_del(out, key);
}

/* Applies key's merge unless done (keys are visited once). */
static void visit_key(struct crm_node *out, struct idset *done,
		      const char *key, const struct crm_node *b,
		      const struct crm_node *o, const struct crm_node *t)
{
	if (idset_has(done, key))
		return;
	idset_take(done, crm_xstrdup(key));
	merge_key(out, key, crm_map_get(b, key), crm_map_get(o, key),
		  crm_map_get(t, key));
}

/* The mapping merged field by field; owned by the caller. */
static struct crm_node *merge_map(const struct crm_node *b,
				  const struct crm_node *o,
				  const struct crm_node *t)
{
	struct crm_node *out = crm_node_dup(o);
	struct idset done = {0};
	size_t i;

	for (i = 0; i < o->len; i++)
		visit_key(out, &done, o->keys[i], b, o, t);
	for (i = 0; i < t->len; i++)
		visit_key(out, &done, t->keys[i], b, o, t);
	for (i = 0; i < b->len; i++)
		visit_key(out, &done, b->keys[i], b, o, t);
	idset_free(&done);
	return out;
}

/* The stage of the last entry of map's stage_history, or NULL. */
static const char *last_stage(const struct crm_node *map)
{
	const struct crm_node *h = crm_map_get(map, "stage_history");

	if (h == NULL || h->kind != CRM_NODE_SEQ || h->len == 0 ||
	    h->items[h->len - 1]->kind != CRM_NODE_MAP)
		return NULL;
	return crm_map_str(h->items[h->len - 1], "stage");
}

/*
 * Queues in txn the three-way revert of path: base is the version the
 * reverted commit made, ours HEAD's, theirs the one before it.  A
 * version that does not parse, or a record added or removed on one side,
 * gives theirs whole.  A deal whose merged stage_history does not end
 * with its merged stage gets an entry for it.
 */
static int queue_merged(struct crm_store *s, struct crm_txn *txn,
			git_tree *base, git_tree *ours, git_tree *theirs,
			const char *path, struct crm_err *err)
{
	struct crm_node *b, *o, *t;
	struct crm_record r = {0};
	char stamp[40], *out;
	const char *s0, *s1;
	size_t len;
	int rc = CRM_OK;
	bool ok = yaml_at(s->repo, base, path, &b) &
		  yaml_at(s->repo, ours, path, &o) &
		  yaml_at(s->repo, theirs, path, &t);

	if (!ok || !b || !o || !t || b->kind != CRM_NODE_MAP ||
	    o->kind != CRM_NODE_MAP || t->kind != CRM_NODE_MAP) {
		if (crm_tree_read(s->repo, theirs, path, &out, &len,
				  NULL) == CRM_OK) {
			crm_txn_put_raw(txn, path, out, len);
			free(out);
		} else {
			crm_txn_delete_path(txn, path);
		}
		goto out;
	}
	r.map = merge_map(b, o, t);
	if (!crm_record_path_parse(path, &r.type, r.id)) {
		if ((rc = crm_yaml_emit(r.map, &out, &len, err)) == CRM_OK)
			crm_txn_put_raw(txn, path, out, len);
		free(out);
		goto out;
	}
	s0 = last_stage(r.map);
	s1 = crm_map_str(r.map, "stage");
	if (r.type == CRM_DEAL && s1 && (s0 == NULL || strcmp(s0, s1) != 0))
		crm_record_note_stage(&r, s1, s->user ? s->user->login : NULL,
				      s->now ? s->now : time(NULL));
	crm_date_now(s->now ? s->now : time(NULL), stamp, sizeof(stamp));
	crm_map_set_str(r.map, "updated", stamp);
	rc = crm_txn_put(txn, &r, err);
out:
	crm_node_free(r.map);
	crm_node_free(b);
	crm_node_free(o);
	crm_node_free(t);
	return rc;
}

/* ---- refusing ---- */

/* True when commit c changed path (from its first parent). */
static bool commit_changed(git_commit *c, const char *path)
{
	git_tree *tc = NULL, *tp = NULL;
	git_commit *p = NULL;
	git_oid a, b;
	bool ha, hb, hit;

	hit = git_commit_tree(&tc, c) == 0 &&
	      (git_commit_parentcount(c) == 0 ||
	       (git_commit_parent(&p, c, 0) == 0 &&
		git_commit_tree(&tp, p) == 0));
	if (hit) {
		ha = blob_of(tc, path, &a);
		hb = blob_of(tp, path, &b);
		hit = ha != hb || (ha && !git_oid_equal(&a, &b));
	}
	git_tree_free(tc);
	git_tree_free(tp);
	git_commit_free(p);
	return hit;
}

/* Of the commits since stop (those HEAD has and stop has not, merged
 * sides included; merges themselves are no change) that changed path,
 * the newest by someone else than the store's user, else the newest;
 * NULL when none is found.  Caller frees it. */
static git_commit *who_changed(struct crm_store *s, const git_oid *stop,
			       const char *path)
{
	git_revwalk *walk = history(s, stop);
	git_commit *c, *newest = NULL;
	git_oid oid;

	while (walk && git_revwalk_next(&oid, walk) == 0) {
		if (git_commit_lookup(&c, s->repo, &oid) < 0)
			break;
		if (git_commit_parentcount(c) > 1) {
			git_commit_free(c);
			continue;
		}
		if (commit_changed(c, path) && !is_mine(s, c)) {
			git_commit_free(newest);
			newest = c;
			break;
		}
		if (newest == NULL && commit_changed(c, path))
			newest = c;
		else
			git_commit_free(c);
	}
	git_revwalk_free(walk);
	return newest;
}

/* "deal 7k2m 'Supply 2027'" for a record path (HEAD's name, else the
 * old one), else the path; into b. */
static void describe_path(struct crm_store *s, git_tree *head, git_tree *old,
			  const char *path, struct crm_buf *b)
{
	struct crm_node *n = NULL;
	enum crm_type t;
	char id[CRM_ID_LEN + 1];
	const char *name;

	if (!crm_record_path_parse(path, &t, id)) {
		crm_buf_addf(b, "'%s'", path);
		return;
	}
	yaml_at(s->repo, head, path, &n);
	if (n == NULL)
		yaml_at(s->repo, old, path, &n);
	name = n ? crm_map_str(n, "name") : NULL;
	crm_buf_addf(b, "%s %.4s", crm_type_name(t), id);
	if (name)
		crm_buf_addf(b, " '%s'", name);
	crm_node_free(n);
}

/* The refusal: what changed since and who changed it. */
static int refuse(struct crm_store *s, bool redo, git_commit *target,
		  const char *subject, git_tree *head, git_tree *tree, char **paths, size_t n,
		  struct crm_err *err)
{
	struct crm_buf what = {0};
	git_commit *by = who_changed(s, git_commit_id(target), paths[0]);
	const git_signature *sig = by ? git_commit_author(by) : NULL;
	char hex[41] = "?";
	int rc;

	describe_path(s, head, tree, paths[0], &what);
	if (by)
		git_oid_tostr(hex, 9, git_commit_id(by));
	if (n > 1)
		crm_buf_addf(&what, ngettext(" (and %zu more record)",
					     " (and %zu more records)", n - 1),
			     n - 1);
	rc = crm_seterr(err, CRM_ERR, redo
			? _("cannot redo '%s': %s changed since, in %s '%s' by "
			    "%s\nhint: 'crm redo --force' re-applies it anyway, "
			    "keeping the later changes to other fields")
			: _("cannot undo '%s': %s changed since, in %s '%s' by "
			    "%s\nhint: 'crm undo --force' reverts it anyway, "
			    "keeping the later changes to other fields"),
			subject, what.s, hex,
			by ? git_commit_summary(by) : "?",
			sig && sig->name ? sig->name : "?");
	crm_buf_free(&what);
	git_commit_free(by);
	return rc;
}

/* ---- reverting ---- */

/*
 * Queues in txn the revert of target: each file it changed back to its
 * parent's version.  Files changed since are refused, or with force
 * merged three-way (counted in *merged); subject names the change in
 * the refusal.
 */
static int queue_revert(struct crm_store *s, bool redo, bool force,
			git_commit *target, const char *subject,
			struct crm_txn *txn,
			size_t *merged, struct crm_err *err)
{
	git_tree *tree = NULL, *ptree = NULL, *head;
	git_commit *parent = NULL;
	char **paths = NULL, **late = NULL, *buf;
	size_t n = 0, nlate = 0, i, len;
	git_oid a, b;
	bool ha, hb;
	int rc;

	if (git_commit_tree(&tree, target) < 0 ||
	    git_commit_parent(&parent, target, 0) < 0 ||
	    git_commit_tree(&ptree, parent) < 0 ||
	    crm_tree_changed_paths(s->repo, ptree, tree, &paths, &n) < 0) {
		rc = crm_git_error(err, _("cannot read the change to undo"));
		goto out;
	}
	if ((rc = crm_store_head_tree(s, &head, err)))
		goto out;
	late = crm_xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		ha = blob_of(head, paths[i], &a);
		hb = blob_of(tree, paths[i], &b);
		if (ha != hb || (ha && !git_oid_equal(&a, &b))) {
			late[nlate++] = paths[i];
			continue;
		}
		if (crm_tree_read(s->repo, ptree, paths[i], &buf, &len,
				  NULL) == CRM_OK) {
			crm_txn_put_raw(txn, paths[i], buf, len);
			free(buf);
		} else {
			crm_txn_delete_path(txn, paths[i]);
		}
	}
	if (nlate && !force) {
		rc = refuse(s, redo, target, subject, head, tree, late, nlate,
			    err);
		goto out;
	}
	for (i = 0; i < nlate && rc == CRM_OK; i++)
		rc = queue_merged(s, txn, tree, head, ptree, late[i], err);
	*merged = nlate;
out:
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(late);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	return rc;
}

/* The subject of the change that target (an undo) reverted, else its
 * own without "undo: "; a redo's "redo: " left out (redone, a redo is
 * the change it re-applies).  Caller owns it. */
static char *undone_subject(struct crm_store *s, git_commit *target)
{
	char *hex = crm_commit_trailer(git_commit_message(target),
				       "Crm-Undoes");
	const char *sub = git_commit_summary(target);
	git_commit *c = NULL;
	git_oid oid;
	char *out;

	if (hex && git_oid_fromstr(&oid, hex) == 0 &&
	    git_commit_lookup(&c, s->repo, &oid) == 0)
		sub = git_commit_summary(c);
	else if (sub && strncmp(sub, "undo: ", 6) == 0)
		sub += 6;
	while (sub && strncmp(sub, "redo: ", 6) == 0)
		sub += 6;
	out = crm_xstrdup(sub ? sub : "");
	git_commit_free(c);
	free(hex);
	return out;
}

/* Fills res from the target. */
static void fill_result(struct crm_store *s, bool redo, git_commit *target,
			struct crm_undo_result *res)
{
	const git_signature *sig = git_commit_author(target);

	git_oid_tostr(res->target, sizeof(res->target), git_commit_id(target));
	res->subject = redo ? undone_subject(s, target)
			    : crm_xstrdup(git_commit_summary(target));
	res->author = crm_xstrdup(sig && sig->name ? sig->name : "");
	res->mine = is_mine(s, target);
}

/* crm_undo and crm_redo. */
static int revert(struct crm_store *s, bool redo,
		  const struct crm_undo_opts *o, struct crm_undo_result *res,
		  struct crm_err *err)
{
	struct found f;
	struct crm_txn *txn = NULL;
	struct crm_buf msg = {0};
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = crm_store_repo(s, err)) ||
	    (rc = find_target(s, redo, o->any, &f, err)))
		return rc;
	if (f.target == NULL) {
		rc = nothing(s, redo, &f, err);
		goto out;
	}
	txn = crm_txn_new(s);
	fill_result(s, redo, f.target, res);
	if ((rc = queue_revert(s, redo, o->force, f.target, res->subject, txn,
			       &res->merged, err)))
		goto out;
	crm_txn_add_trailer(txn, redo ? "Crm-Redoes" : "Crm-Undoes",
			    res->target);
	crm_buf_addf(&msg, "%s: %s", redo ? "redo" : "undo", res->subject);
	rc = crm_txn_commit(txn, msg.s, redo ? "redo" : "undo", err);
out:
	if (rc)
		crm_undo_result_free(res);
	crm_buf_free(&msg);
	crm_txn_free(txn);
	git_commit_free(f.target);
	git_commit_free(f.other);
	return rc;
}

int crm_undo(struct crm_store *s, const struct crm_undo_opts *o,
	     struct crm_undo_result *res, struct crm_err *err)
{
	return revert(s, false, o, res, err);
}

int crm_redo(struct crm_store *s, const struct crm_undo_opts *o,
	     struct crm_undo_result *res, struct crm_err *err)
{
	return revert(s, true, o, res, err);
}

void crm_undo_result_free(struct crm_undo_result *res)
{
	free(res->subject);
	free(res->author);
	memset(res, 0, sizeof(*res));
}
