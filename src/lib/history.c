/*
 * history.c - the store's history (crm log), undo, and files edited by
 * hand (crm status, crm commit).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store-internal.h"

/* Appends s to the string array *v of *n entries. */
static void push_str(char ***v, size_t *n, char *s)
{
	*v = crm_xrealloc(*v, (*n + 1) * sizeof(char *));
	(*v)[(*n)++] = s;
}

/* The value of trailer key in a commit message, or NULL. Caller owns it. */
static char *trailer(const char *message, const char *key)
{
	size_t klen = strlen(key);
	const char *p = message, *end;

	while ((p = strstr(p, key)) != NULL) {
		if ((p == message || p[-1] == '\n') && p[klen] == ':' &&
		    p[klen + 1] == ' ') {
			p += klen + 2;
			end = strchrnul(p, '\n');
			return crm_xstrndup(p, (size_t)(end - p));
		}
		p += klen;
	}
	return NULL;
}

/* The id of the blob at path in tree, or false when absent. */
static bool blob_at(git_tree *tree, const char *path, git_oid *oid)
{
	git_tree_entry *e;

	if (tree == NULL || git_tree_entry_bypath(&e, tree, path) < 0)
		return false;
	*oid = *git_tree_entry_id(e);
	git_tree_entry_free(e);
	return true;
}

/* Parses the YAML at path of tree (NULL when absent or broken). */
static struct crm_node *yaml_at(git_repository *repo, git_tree *tree,
				const char *path)
{
	struct crm_node *n = NULL;
	char *buf;
	size_t len;

	if (crm_tree_read(repo, tree, path, &buf, &len, NULL) != CRM_OK)
		return NULL;
	if (crm_yaml_parse(buf, len, &n, NULL) != CRM_OK)
		n = NULL;
	free(buf);
	return n;
}

/* Describes how key changed from a to b (either may be NULL). */
static char *describe_change(const char *key, const struct crm_node *a,
			     const struct crm_node *b)
{
	struct crm_buf out = {0};
	char *va, *vb;

	if ((a && a->kind == CRM_NODE_SEQ && a->len && a->items[0]->kind ==
	     CRM_NODE_MAP) || (b && b->kind == CRM_NODE_SEQ && b->len &&
			       b->items[0]->kind == CRM_NODE_MAP)) {
		long diff = (long)(b ? b->len : 0) - (long)(a ? a->len : 0);

		crm_buf_addf(&out, ngettext("%s: %+ld entry", "%s: %+ld entries",
					    (unsigned long)labs(diff)), key, diff);
		return crm_buf_detach(&out);
	}
	va = a ? crm_node_text(a) : crm_xstrdup("-");
	vb = b ? crm_node_text(b) : crm_xstrdup("-");
	crm_buf_addf(&out, "%s: %s -> %s", key, va, vb);
	free(va);
	free(vb);
	return crm_buf_detach(&out);
}

/* Per-field changes between two versions of a record. */
static void field_changes(const struct crm_node *a, const struct crm_node *b,
			  struct crm_log_entry *e)
{
	size_t i;

	if (a == NULL && b == NULL)
		return;
	if (a == NULL || b == NULL) {
		push_str(&e->changes, &e->nchanges,
			 crm_xstrdup(a ? _("removed") : _("created")));
		return;
	}
	for (i = 0; i < b->len; i++) {
		const struct crm_node *old = crm_map_get(a, b->keys[i]);

		if (strcmp(b->keys[i], "updated") == 0 ||
		    (old && crm_node_equal(old, b->items[i])))
			continue;
		push_str(&e->changes, &e->nchanges,
			 describe_change(b->keys[i], old, b->items[i]));
	}
	for (i = 0; i < a->len; i++)
		if (crm_map_get(b, a->keys[i]) == NULL)
			push_str(&e->changes, &e->nchanges,
				 describe_change(a->keys[i], a->items[i], NULL));
}

/* Collects the paths that differ between two trees into e. */
static int changed_paths(git_repository *repo, git_tree *a, git_tree *b,
			 struct crm_log_entry *e)
{
	git_diff *diff = NULL;
	size_t i;

	if (git_diff_tree_to_tree(&diff, repo, a, b, NULL) < 0)
		return -1;
	for (i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		push_str(&e->paths, &e->npaths, crm_xstrdup(d->new_file.path));
	}
	git_diff_free(diff);
	return 0;
}

/* Fills e from commit c; with path, only if c changed that file. Returns
 * 1 when e was filled, 0 when c is skipped, -1 on error. */
static int log_entry(git_repository *repo, git_commit *c, const char *path,
		     struct crm_log_entry *e)
{
	git_commit *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	const git_signature *sig = git_commit_author(c);
	git_oid oa, ob;
	bool ha, hb;
	int rc = -1;

	if (git_commit_tree(&tree, c) < 0)
		return -1;
	if (git_commit_parentcount(c) > 0 &&
	    (git_commit_parent(&parent, c, 0) < 0 ||
	     git_commit_tree(&ptree, parent) < 0))
		goto out;
	memset(e, 0, sizeof(*e));
	if (path) {
		ha = blob_at(ptree, path, &oa);
		hb = blob_at(tree, path, &ob);
		if (ha == hb && (!ha || git_oid_equal(&oa, &ob))) {
			rc = 0;
			goto out;
		}
		struct crm_node *na = yaml_at(repo, ptree, path);
		struct crm_node *nb = yaml_at(repo, tree, path);

		field_changes(na, nb, e);
		crm_node_free(na);
		crm_node_free(nb);
	} else if (changed_paths(repo, ptree, tree, e) < 0) {
		goto out;
	}
	git_oid_tostr(e->hash, sizeof(e->hash), git_commit_id(c));
	e->author = crm_xstrdup(sig->name);
	e->email = crm_xstrdup(sig->email);
	e->when = (time_t)sig->when.time;
	e->offset = sig->when.offset;
	e->subject = crm_xstrdup(git_commit_summary(c) ? git_commit_summary(c)
						       : "");
	e->command = trailer(git_commit_message(c), "Crm-Command");
	rc = 1;
out:
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(parent);
	return rc;
}

int crm_history(struct crm_store *s, const char *path, size_t max,
		struct crm_log_entry **out, size_t *n, struct crm_err *err)
{
	git_revwalk *walk = NULL;
	git_commit *c;
	git_oid oid;
	struct crm_log_entry e;
	int rc = CRM_OK, got;

	*out = NULL;
	*n = 0;
	if ((rc = crm_store_repo(s, err)))
		return rc;
	if (git_revwalk_new(&walk, s->repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TIME | GIT_SORT_TOPOLOGICAL) < 0)
		return crm_git_error(err, _("cannot read the history"));
	if (git_revwalk_push_head(walk) < 0)
		goto out; /* no commits yet */
	while ((max == 0 || *n < max) && git_revwalk_next(&oid, walk) == 0) {
		if (git_commit_lookup(&c, s->repo, &oid) < 0) {
			rc = crm_git_error(err, _("cannot read the history"));
			break;
		}
		got = log_entry(s->repo, c, path, &e);
		git_commit_free(c);
		if (got < 0) {
			rc = crm_git_error(err, _("cannot read the history"));
			break;
		}
		if (got == 0)
			continue;
		*out = crm_xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = e;
	}
out:
	git_revwalk_free(walk);
	return rc;
}

void crm_log_entries_free(struct crm_log_entry *e, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		free(e[i].author);
		free(e[i].email);
		free(e[i].subject);
		free(e[i].command);
		for (j = 0; j < e[i].nchanges; j++)
			free(e[i].changes[j]);
		free(e[i].changes);
		for (j = 0; j < e[i].npaths; j++)
			free(e[i].paths[j]);
		free(e[i].paths);
	}
	free(e);
}

/* Finds the newest crm commit not already undone.  Undo commits undo
 * their target, so repeated undos walk back through history. */
static int find_undo_target(struct crm_store *s, git_commit **target,
			    struct crm_err *err)
{
	git_revwalk *walk = NULL;
	git_commit *c;
	git_oid oid;
	char **undone = NULL, *cmd, *t;
	size_t nundone = 0, i;
	bool skip;
	int rc = CRM_ERR;

	*target = NULL;
	if (git_revwalk_new(&walk, s->repo) < 0 ||
	    git_revwalk_push_head(walk) < 0)
		return crm_seterr(err, CRM_ERR, _("nothing to undo"));
	git_revwalk_simplify_first_parent(walk);
	while (git_revwalk_next(&oid, walk) == 0) {
		char hex[41];

		if (git_commit_lookup(&c, s->repo, &oid) < 0)
			break;
		git_oid_tostr(hex, sizeof(hex), &oid);
		cmd = trailer(git_commit_message(c), "Crm-Command");
		t = trailer(git_commit_message(c), "Crm-Undoes");
		for (skip = false, i = 0; i < nundone; i++)
			skip |= strcmp(undone[i], hex) == 0;
		if (t && !skip)
			push_str(&undone, &nundone, t), t = NULL;
		if (cmd && !skip && strcmp(cmd, "undo") != 0) {
			if (strcmp(cmd, "init") != 0) {
				*target = c;
				c = NULL;
				rc = CRM_OK;
			}
			free(cmd);
			free(t);
			git_commit_free(c);
			break;
		}
		free(cmd);
		free(t);
		git_commit_free(c);
	}
	for (i = 0; i < nundone; i++)
		free(undone[i]);
	free(undone);
	git_revwalk_free(walk);
	if (*target == NULL)
		return crm_seterr(err, CRM_ERR, _("nothing to undo"));
	return rc;
}

/* Queues in txn the reversal of target's changes, refusing when a later
 * commit changed one of its files again. */
static int queue_reversal(struct crm_store *s, git_commit *target,
			  struct crm_txn *txn, struct crm_err *err)
{
	git_tree *tree = NULL, *ptree = NULL, *head;
	git_commit *parent = NULL;
	struct crm_log_entry e = {0};
	git_oid now_oid, then_oid;
	bool has_now, has_then;
	char *buf;
	size_t i, len;
	int rc = CRM_ERR;

	if (git_commit_tree(&tree, target) < 0 ||
	    git_commit_parent(&parent, target, 0) < 0 ||
	    git_commit_tree(&ptree, parent) < 0 ||
	    changed_paths(s->repo, ptree, tree, &e) < 0) {
		rc = crm_git_error(err, _("cannot read the change to undo"));
		goto out;
	}
	if ((rc = crm_store_head_tree(s, &head, err)))
		goto out;
	for (i = 0; i < e.npaths; i++) {
		has_now = blob_at(head, e.paths[i], &now_oid);
		has_then = blob_at(tree, e.paths[i], &then_oid);
		if (has_now != has_then ||
		    (has_now && !git_oid_equal(&now_oid, &then_oid))) {
			rc = crm_seterr(err, CRM_ERR,
					_("cannot undo: '%s' changed again since"),
					e.paths[i]);
			goto out;
		}
		if (crm_tree_read(s->repo, ptree, e.paths[i], &buf, &len,
				  NULL) == CRM_OK) {
			crm_txn_put_raw(txn, e.paths[i], buf, len);
			free(buf);
		} else {
			crm_txn_delete_path(txn, e.paths[i]);
		}
	}
	rc = CRM_OK;
out:
	for (i = 0; i < e.npaths; i++)
		free(e.paths[i]);
	free(e.paths);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	return rc;
}

int crm_undo(struct crm_store *s, char **subject, struct crm_err *err)
{
	git_commit *target = NULL;
	struct crm_txn *txn = NULL;
	struct crm_buf msg = {0};
	char hex[41];
	int rc;

	*subject = NULL;
	if ((rc = crm_store_repo(s, err)) ||
	    (rc = find_undo_target(s, &target, err)))
		return rc;
	txn = crm_txn_new(s);
	if ((rc = queue_reversal(s, target, txn, err)))
		goto out;
	git_oid_tostr(hex, sizeof(hex), git_commit_id(target));
	crm_txn_add_trailer(txn, "Crm-Undoes", hex);
	crm_buf_addf(&msg, "undo: %s", git_commit_summary(target));
	rc = crm_txn_commit(txn, msg.s, "undo", err);
	if (rc == CRM_OK)
		*subject = crm_xstrdup(git_commit_summary(target));
out:
	crm_buf_free(&msg);
	crm_txn_free(txn);
	git_commit_free(target);
	return rc;
}

/* Reads the work-tree file at path. Caller frees *buf. */
static int read_worktree(struct crm_store *s, const char *path, char **buf,
			 size_t *len)
{
	char full[PATH_MAX];

	snprintf(full, sizeof(full), "%s/%s", s->root, path);
	return crm_read_file(full, buf, len);
}

/* True for the paths crm status looks at. */
static bool is_store_path(const char *path)
{
	enum crm_type t;
	const char *slash = strchr(path, '/');
	char dir[16];

	if (strcmp(path, "crm.yaml") == 0)
		return true;
	if (slash == NULL || (size_t)(slash - path) >= sizeof(dir))
		return false;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return crm_type_parse(dir, &t) && strcmp(dir, crm_type_dir(t)) == 0;
}

/* Validates the work-tree file of change c; *rec gets the record. */
static void validate_change(struct crm_store *s, struct crm_wt_change *c,
			    struct crm_record **rec)
{
	struct crm_config cfg;
	struct crm_err err = {0};
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*rec = NULL;
	c->valid = true;
	if (c->status == 'D')
		return;
	if (read_worktree(s, c->path, &buf, &len) != 0) {
		rc = crm_seterr(&err, CRM_ERR, _("cannot read '%s': %s"),
				c->path, strerror(errno));
	} else if (strcmp(c->path, "crm.yaml") == 0) {
		rc = crm_config_parse(buf, len, &cfg, &err);
		if (rc == CRM_OK)
			crm_config_free(&cfg);
		else
			crm_err_prefix(&err, _("cannot read '%s'"), c->path);
	} else {
		rc = crm_store_parse_input_path(s, c->path, buf, len, rec, &err);
	}
	free(buf);
	if (rc) {
		c->valid = false;
		c->error = crm_xstrdup(err.msg);
	}
}

/* Appends the change for path with status M, A or D. */
static void add_wt_change(struct crm_wt_change **out, size_t *n,
			  const char *path, char status)
{
	struct crm_wt_change *c;

	*out = crm_xrealloc(*out, (*n + 1) * sizeof(**out));
	c = &(*out)[(*n)++];
	memset(c, 0, sizeof(*c));
	c->path = crm_xstrdup(path);
	c->status = status;
}

/* The M/A/D letter for a delta between HEAD and the work tree, or 0 when
 * the file is the same in both. */
static char delta_letter(const git_diff_delta *d)
{
	switch (d->status) {
	case GIT_DELTA_ADDED:
	case GIT_DELTA_UNTRACKED:
		return 'A';
	case GIT_DELTA_DELETED:
		return 'D';
	case GIT_DELTA_MODIFIED:
	case GIT_DELTA_TYPECHANGE:
		return git_oid_equal(&d->old_file.id, &d->new_file.id) &&
		       !git_oid_is_zero(&d->new_file.id) ? 0 : 'M';
	default:
		return 0;
	}
}

/* For a file that .git/index lacks: 0 when the work tree still has it as
 * HEAD does (the index fell behind), 'M' when it has it changed, 'D' when
 * it is gone. */
static char deleted_letter(struct crm_store *s, const git_diff_delta *d)
{
	char full[PATH_MAX];
	git_oid oid;

	snprintf(full, sizeof(full), "%s/%s", s->root, d->old_file.path);
	if (git_odb_hashfile(&oid, full, GIT_OBJECT_BLOB) < 0)
		return 'D';
	return git_oid_equal(&oid, &d->old_file.id) ? 0 : 'M';
}

/*
 * Compares HEAD's tree with the work tree, .git/index serving as a cache
 * of file hashes; an index that fell behind HEAD cannot make an unchanged
 * file look deleted.
 */
int crm_worktree_changes(struct crm_store *s, struct crm_wt_change **out,
			 size_t *n, struct crm_err *err)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	git_diff *diff = NULL;
	git_tree *head;
	struct crm_record *rec;
	size_t i, count;
	char letter;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = crm_store_head_tree(s, &head, err)))
		return rc;
	opts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS |
		     GIT_DIFF_INCLUDE_TYPECHANGE;
	if (git_diff_tree_to_workdir_with_index(&diff, s->repo, head, &opts) < 0)
		return crm_git_error(err, _("cannot compare the work tree"));
	count = git_diff_num_deltas(diff);
	for (i = 0; i < count; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->status == GIT_DELTA_DELETED
				   ? d->old_file.path : d->new_file.path;

		if ((letter = delta_letter(d)) == 0 || !is_store_path(path))
			continue;
		if (letter == 'D' && (letter = deleted_letter(s, d)) == 0)
			continue;
		add_wt_change(out, n, path, letter);
		validate_change(s, &(*out)[*n - 1], &rec);
		crm_record_free(rec);
	}
	git_diff_free(diff);
	return CRM_OK;
}

void crm_wt_changes_free(struct crm_wt_change *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].path);
		free(c[i].error);
	}
	free(c);
}

int crm_worktree_commit(struct crm_store *s, const char *subject, size_t *n,
			struct crm_err *err)
{
	struct crm_wt_change *ch = NULL;
	struct crm_txn *txn = crm_txn_new(s);
	struct crm_record *rec;
	char *buf;
	size_t nch = 0, i, len;
	int rc;

	*n = 0;
	if ((rc = crm_worktree_changes(s, &ch, &nch, err)))
		goto out;
	for (i = 0; i < nch; i++)
		if (!ch[i].valid) {
			rc = crm_seterr(err, CRM_ERR, "%s", ch[i].error);
			goto out;
		}
	for (i = 0; i < nch && rc == CRM_OK; i++) {
		if (ch[i].status == 'D') {
			crm_txn_delete_path(txn, ch[i].path);
		} else if (strcmp(ch[i].path, "crm.yaml") == 0) {
			if (read_worktree(s, ch[i].path, &buf, &len) != 0) {
				rc = crm_seterr(err, CRM_ERR, _("cannot read '%s'"),
						ch[i].path);
				break;
			}
			crm_txn_put_raw(txn, ch[i].path, buf, len);
			free(buf);
		} else {
			validate_change(s, &ch[i], &rec);
			rc = rec ? crm_txn_put(txn, rec, err)
				 : crm_seterr(err, CRM_ERR, "%s", ch[i].error);
			crm_record_free(rec);
		}
	}
	if (rc == CRM_OK && nch > 0)
		rc = crm_txn_commit(txn, subject, "commit", err);
	if (rc == CRM_OK)
		*n = nch;
out:
	crm_wt_changes_free(ch, nch);
	crm_txn_free(txn);
	return rc;
}
