/*
 * history.c - the store's history (crm log), and files edited by hand
 * (crm status, crm commit).
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

/* Frees what one entry holds (not the entry). */
static void entry_free(struct crm_log_entry *e)
{
	size_t j;

	free(e->author);
	free(e->email);
	free(e->login);
	free(e->subject);
	free(e->command);
	for (j = 0; j < e->nchanges; j++) {
		free(e->changes[j].name);
		free(e->changes[j].field);
		crm_node_free(e->changes[j].before);
		crm_node_free(e->changes[j].after);
	}
	free(e->changes);
	for (j = 0; j < e->npaths; j++)
		free(e->paths[j]);
	free(e->paths);
	memset(e, 0, sizeof(*e));
}

/* Appends a change of record (type, id) to e and returns it; name is
 * taken from nb, else na. */
static struct crm_change *add_change(struct crm_log_entry *e,
				     enum crm_type type, const char *id,
				     const struct crm_node *na,
				     const struct crm_node *nb, char action)
{
	struct crm_change *c;
	const char *name = nb ? crm_map_str(nb, "name") : NULL;

	if (name == NULL && na)
		name = crm_map_str(na, "name");
	e->changes = crm_xrealloc(e->changes,
				  (e->nchanges + 1) * sizeof(*e->changes));
	c = &e->changes[e->nchanges++];
	memset(c, 0, sizeof(*c));
	c->type = type;
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->name = crm_xstrdup(name ? name : "");
	c->action = action;
	return c;
}

/* Appends to e the change of field key from a to b (either may be NULL). */
static void add_field_change(struct crm_log_entry *e, enum crm_type type,
			     const char *id, const struct crm_node *na,
			     const struct crm_node *nb, const char *key,
			     const struct crm_node *a, const struct crm_node *b)
{
	struct crm_change *c = add_change(e, type, id, na, nb, 'M');

	c->field = crm_xstrdup(key);
	c->before = a ? crm_node_dup(a) : NULL;
	c->after = b ? crm_node_dup(b) : NULL;
}

/*
 * Appends to e how record (type, id) changed from na to nb: added,
 * removed, or field by field in nb's key order and then the fields nb
 * dropped.  "updated" changes with every write and is left out.
 */
static void field_changes(const struct crm_node *na, const struct crm_node *nb,
			  enum crm_type type, const char *id,
			  struct crm_log_entry *e)
{
	size_t i;

	if (na == NULL && nb == NULL)
		return;
	if (na == NULL || nb == NULL) {
		struct crm_change *c = add_change(e, type, id, na, nb,
						  na ? 'D' : 'A');

		if (na)
			c->before = crm_node_dup(na);
		else
			c->after = crm_node_dup(nb);
		return;
	}
	for (i = 0; i < nb->len; i++) {
		const struct crm_node *old = crm_map_get(na, nb->keys[i]);

		if (strcmp(nb->keys[i], "updated") == 0 ||
		    (old && crm_node_equal(old, nb->items[i])))
			continue;
		add_field_change(e, type, id, na, nb, nb->keys[i], old,
				 nb->items[i]);
	}
	for (i = 0; i < na->len; i++)
		if (strcmp(na->keys[i], "updated") != 0 &&
		    crm_map_get(nb, na->keys[i]) == NULL)
			add_field_change(e, type, id, na, nb, na->keys[i],
					 na->items[i], NULL);
}

/* Reads the versions of path in trees a and b and appends to e how the
 * record changed; a version that does not parse gives one 'U' change. */
static void record_changes(git_repository *repo, git_tree *a, git_tree *b,
			   const char *path, struct crm_log_entry *e)
{
	struct crm_node *na, *nb;
	enum crm_type type;
	char id[CRM_ID_LEN + 1];
	git_oid oid;
	bool ha = blob_at(a, path, &oid), hb = blob_at(b, path, &oid);

	if (!crm_record_path_parse(path, &type, id))
		return;
	na = ha ? yaml_at(repo, a, path) : NULL;
	nb = hb ? yaml_at(repo, b, path) : NULL;
	if ((ha && na == NULL) || (hb && nb == NULL))
		add_change(e, type, id, na, nb, 'U');
	else
		field_changes(na, nb, type, id, e);
	crm_node_free(na);
	crm_node_free(nb);
}

/* Trees nested deeper than this are not compared (a store has three
 * levels: type, shard, file). */
#define DIFF_MAX_DEPTH 16

/* Compares two entries' names in git's tree order, where a tree's name
 * sorts as if it ended with '/'. */
static int entry_cmp(const git_tree_entry *a, const git_tree_entry *b)
{
	const char *na = git_tree_entry_name(a), *nb = git_tree_entry_name(b);
	size_t la = strlen(na), lb = strlen(nb), n = la < lb ? la : lb;
	int c = memcmp(na, nb, n);
	unsigned char ca, cb;

	if (c)
		return c;
	ca = la > n ? (unsigned char)na[n]
	     : git_tree_entry_type(a) == GIT_OBJECT_TREE ? '/' : 0;
	cb = lb > n ? (unsigned char)nb[n]
	     : git_tree_entry_type(b) == GIT_OBJECT_TREE ? '/' : 0;
	return ca - cb;
}

static int diff_trees(git_repository *repo, git_tree *a, git_tree *b,
		      struct crm_buf *path, int depth, struct crm_log_entry *e);

/* Compares two entries of the same name (either may be NULL) under path:
 * a blob on either side is a changed path, trees are compared in turn. */
static int diff_entries(git_repository *repo, const git_tree_entry *ea,
			const git_tree_entry *eb, struct crm_buf *path,
			int depth, struct crm_log_entry *e)
{
	const git_tree_entry *name = ea ? ea : eb;
	git_tree *ta = NULL, *tb = NULL;
	size_t len = path->len;
	int rc = 0;

	crm_buf_adds(path, git_tree_entry_name(name));
	if ((ea && git_tree_entry_type(ea) != GIT_OBJECT_TREE) ||
	    (eb && git_tree_entry_type(eb) != GIT_OBJECT_TREE))
		push_str(&e->paths, &e->npaths, crm_xstrdup(path->s));
	if ((ea && git_tree_entry_type(ea) == GIT_OBJECT_TREE &&
	     git_tree_lookup(&ta, repo, git_tree_entry_id(ea)) < 0) ||
	    (eb && git_tree_entry_type(eb) == GIT_OBJECT_TREE &&
	     git_tree_lookup(&tb, repo, git_tree_entry_id(eb)) < 0))
		rc = -1;
	else if (ta || tb) {
		crm_buf_addc(path, '/');
		rc = diff_trees(repo, ta, tb, path, depth + 1, e);
	}
	git_tree_free(ta);
	git_tree_free(tb);
	path->len = len;
	path->s[len] = '\0';
	return rc;
}

/* Appends to e->paths the blobs that differ between trees a and b (either
 * may be NULL) under path, in one merge of their sorted entries: a subtree
 * whose id is the same on both sides is not read. */
static int diff_trees(git_repository *repo, git_tree *a, git_tree *b,
		      struct crm_buf *path, int depth, struct crm_log_entry *e)
{
	size_t i = 0, j = 0, na = a ? git_tree_entrycount(a) : 0,
	       nb = b ? git_tree_entrycount(b) : 0;
	const git_tree_entry *ea, *eb;
	int c, rc = 0;

	if (depth > DIFF_MAX_DEPTH)
		return -1;
	while (rc == 0 && (i < na || j < nb)) {
		ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		c = ea == NULL ? 1 : eb == NULL ? -1 : entry_cmp(ea, eb);
		if (c == 0 && git_oid_equal(git_tree_entry_id(ea),
					    git_tree_entry_id(eb)) &&
		    git_tree_entry_type(ea) == git_tree_entry_type(eb)) {
			i++, j++;
			continue;
		}
		rc = diff_entries(repo, c <= 0 ? ea : NULL, c >= 0 ? eb : NULL,
				  path, depth, e);
		i += c <= 0;
		j += c >= 0;
	}
	return rc;
}

/* Collects the paths of the files that differ between two trees (either
 * may be NULL) into e, in path order. */
static int changed_paths(git_repository *repo, git_tree *a, git_tree *b,
			 struct crm_log_entry *e)
{
	struct crm_buf path = {0};
	int rc;

	crm_buf_adds(&path, "");
	rc = diff_trees(repo, a, b, &path, 0, e);
	crm_buf_free(&path);
	return rc;
}

/* The trees read last: walking one file's history reads each type
 * directory's tree (too large for libgit2's own cache) once, not twice
 * per commit. */
#define TREE_CACHE 4

struct tree_cache {
	git_oid id[TREE_CACHE];
	git_tree *tree[TREE_CACHE];
	size_t next;
};

/* The tree id (borrowed from tc, valid until TREE_CACHE more are read). */
static int cached_tree(git_repository *repo, struct tree_cache *tc,
		       const git_oid *id, git_tree **out)
{
	size_t i;

	for (i = 0; i < TREE_CACHE; i++)
		if (tc->tree[i] && git_oid_equal(&tc->id[i], id)) {
			*out = tc->tree[i];
			return 0;
		}
	i = tc->next++ % TREE_CACHE;
	git_tree_free(tc->tree[i]);
	tc->tree[i] = NULL;
	if (git_tree_lookup(&tc->tree[i], repo, id) < 0)
		return -1;
	git_oid_cpy(&tc->id[i], id);
	*out = tc->tree[i];
	return 0;
}

static void tree_cache_free(struct tree_cache *tc)
{
	size_t i;

	for (i = 0; i < TREE_CACHE; i++)
		git_tree_free(tc->tree[i]);
}

/* True when the file at path differs between trees a and b (either may
 * be NULL), read level by level: an equal directory id ends it. */
static bool path_changed(git_repository *repo, struct tree_cache *tc,
			 git_tree *a, git_tree *b, const char *path)
{
	const git_tree_entry *ea, *eb;
	char name[256];
	const char *slash;
	size_t len;

	for (;;) {
		slash = strchrnul(path, '/');
		len = (size_t)(slash - path);
		if (len >= sizeof(name))
			return true;
		memcpy(name, path, len);
		name[len] = '\0';
		ea = a ? git_tree_entry_byname(a, name) : NULL;
		eb = b ? git_tree_entry_byname(b, name) : NULL;
		if (ea == NULL || eb == NULL)
			return ea != eb;
		if (git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
			return false;
		if (*slash == '\0')
			return true;
		if (git_tree_entry_type(ea) != GIT_OBJECT_TREE ||
		    git_tree_entry_type(eb) != GIT_OBJECT_TREE ||
		    cached_tree(repo, tc, git_tree_entry_id(ea), &a) < 0 ||
		    cached_tree(repo, tc, git_tree_entry_id(eb), &b) < 0)
			return true;
		path = slash + 1;
	}
}

/* Fills e's changes between trees a and b: of q->path, or of every record
 * the commit changed (the first q->max_records of them). */
static int entry_changes(git_repository *repo, git_tree *a, git_tree *b,
			 const struct crm_log_query *q,
			 struct crm_log_entry *e)
{
	enum crm_type t;
	char id[CRM_ID_LEN + 1];
	size_t i;

	if (q->path) {
		e->nrecords = 1;
		if (q->changes)
			record_changes(repo, a, b, q->path, e);
		return 0;
	}
	if (changed_paths(repo, a, b, e) < 0)
		return -1;
	for (i = 0; i < e->npaths; i++) {
		if (!crm_record_path_parse(e->paths[i], &t, id))
			continue;
		if (q->changes && (q->max_records == 0 ||
				   e->nrecords < q->max_records))
			record_changes(repo, a, b, e->paths[i], e);
		else
			e->nunread++;
		e->nrecords++;
	}
	if (!q->changes)
		e->nunread = 0;
	return 0;
}

/* True when c (its author sig) is one q->author names: the crm user of
 * that login by e-mail or name, else a part of the name or e-mail. */
static bool author_matches(struct crm_store *s, const git_signature *sig,
			   const char *author)
{
	const struct crm_user *u;

	if (author == NULL)
		return true;
	u = crm_config_user(&s->cfg, author);
	if (u)
		return (u->email && sig->email &&
			strcasecmp(u->email, sig->email) == 0) ||
		       (u->name && sig->name && strcmp(u->name, sig->name) == 0);
	return (sig->name && strcasestr(sig->name, author)) ||
	       (sig->email && strcasestr(sig->email, author));
}

/* Fills e's commit data from c. */
static void entry_commit(struct crm_store *s, git_commit *c,
			 struct crm_log_entry *e)
{
	const git_signature *sig = git_commit_author(c);
	const struct crm_user *u = sig->email
		? crm_config_user_by_email(&s->cfg, sig->email) : NULL;

	git_oid_tostr(e->hash, sizeof(e->hash), git_commit_id(c));
	e->author = crm_xstrdup(sig->name ? sig->name : "");
	e->email = crm_xstrdup(sig->email ? sig->email : "");
	e->login = u && u->login ? crm_xstrdup(u->login) : NULL;
	e->when = (time_t)sig->when.time;
	e->offset = sig->when.offset;
	e->subject = crm_xstrdup(git_commit_summary(c) ? git_commit_summary(c)
						       : "");
	e->command = trailer(git_commit_message(c), "Crm-Command");
}

/* What log_entry decided about a commit. */
enum { ENTRY_ERROR = -1, ENTRY_SKIP = 0, ENTRY_FILLED = 1, ENTRY_OLD = 2 };

/* Commits older than --since in a row after which the walk stops (as
 * git's, a few, so that one commit with a wrong clock hides nothing). */
#define SINCE_SLOP 5

/* Fills e from commit c if q wants it.  Returns one of the ENTRY_ values;
 * ENTRY_OLD when c is older than q->since. */
static int log_entry(struct crm_store *s, git_commit *c,
		     const struct crm_log_query *q, struct tree_cache *tc,
		     struct crm_log_entry *e)
{
	git_commit *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	const git_signature *sig = git_commit_author(c);
	time_t when = (time_t)sig->when.time;
	int rc = ENTRY_ERROR;

	memset(e, 0, sizeof(*e));
	if (q->since && when < q->since)
		return ENTRY_OLD;
	if ((q->until && when > q->until) ||
	    !author_matches(s, sig, q->author))
		return ENTRY_SKIP;
	if (git_commit_tree(&tree, c) < 0)
		return ENTRY_ERROR;
	if (git_commit_parentcount(c) > 0 &&
	    (git_commit_parent(&parent, c, 0) < 0 ||
	     git_commit_tree(&ptree, parent) < 0))
		goto out;
	if (q->path && !path_changed(s->repo, tc, ptree, tree, q->path)) {
		rc = ENTRY_SKIP;
		goto out;
	}
	if (entry_changes(s->repo, ptree, tree, q, e) < 0)
		goto out;
	entry_commit(s, c, e);
	rc = ENTRY_FILLED;
out:
	if (rc != ENTRY_FILLED)
		entry_free(e);
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(parent);
	return rc;
}

int crm_log(struct crm_store *s, const struct crm_log_query *q,
	    struct crm_log_entry **out, size_t *n, struct crm_err *err)
{
	git_revwalk *walk = NULL;
	git_commit *c;
	git_oid oid;
	struct crm_log_entry e;
	struct tree_cache tc = {0};
	size_t cap = 0, old = 0;
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
	while ((q->max == 0 || *n < q->max) && old < SINCE_SLOP &&
	       git_revwalk_next(&oid, walk) == 0) {
		if (git_commit_lookup(&c, s->repo, &oid) < 0) {
			rc = crm_git_error(err, _("cannot read the history"));
			break;
		}
		got = log_entry(s, c, q, &tc, &e);
		git_commit_free(c);
		if (got == ENTRY_ERROR) {
			rc = crm_git_error(err, _("cannot read the history"));
			break;
		}
		old = got == ENTRY_OLD ? old + 1 : 0;
		if (got != ENTRY_FILLED)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = crm_xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[(*n)++] = e;
	}
out:
	tree_cache_free(&tc);
	git_revwalk_free(walk);
	return rc;
}

int crm_history(struct crm_store *s, const char *path, size_t max,
		struct crm_log_entry **out, size_t *n, struct crm_err *err)
{
	struct crm_log_query q = {.path = path, .max = max,
				  .changes = path != NULL};

	return crm_log(s, &q, out, n, err);
}

void crm_log_entries_free(struct crm_log_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		entry_free(&e[i]);
	free(e);
}

int crm_tree_changed_paths(git_repository *repo, git_tree *a, git_tree *b,
			   char ***paths, size_t *n)
{
	struct crm_log_entry e = {0};
	int rc = changed_paths(repo, a, b, &e);

	*paths = e.paths;
	*n = e.npaths;
	return rc;
}

char *crm_commit_trailer(const char *message, const char *key)
{
	return trailer(message, key);
}

/* Reads the work-tree file at path. Caller frees *buf. */
static int read_worktree(struct crm_store *s, const char *path, char **buf,
			 size_t *len)
{
	return crm_path_read(s->root, path, buf, len);
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
				c->path, crm_path_strerror(errno));
	} else if (strcmp(c->path, "crm.yaml") == 0) {
		rc = crm_config_parse(buf, len, &cfg, &err);
		if (rc == CRM_OK)
			crm_config_free(&cfg);
		else
			crm_err_prefix(&err, _("cannot read '%s'"), c->path);
	} else {
		rc = crm_store_parse_input_path(s, c->path, buf, len, rec, &err);
		if (rc == CRM_OK &&
		    (rc = crm_store_check_record(s, *rec, &err)) != CRM_OK) {
			crm_err_prefix(&err, _("cannot read '%s'"), c->path);
			crm_record_free(*rec);
			*rec = NULL;
		}
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
	git_oid oid;
	char *buf;
	size_t len;
	int rc;

	/* read as every file below the store is (no link followed, no
	 * FIFO opened): something there that is no regular file is 'M',
	 * and its check says what it is */
	if (crm_path_read(s->root, d->old_file.path, &buf, &len) != 0)
		return errno == ENOENT ? 'D' : 'M';
	rc = git_odb_hash(&oid, buf, len, GIT_OBJECT_BLOB);
	free(buf);
	if (rc < 0)
		return 'M';
	return git_oid_equal(&oid, &d->old_file.id) ? 0 : 'M';
}

/* The change of ch[0..n) a message of the whole change's check is
 * about: the one whose path it starts with (perhaps quoted), else the
 * crm.yaml change (the check's other messages are about it), else the
 * first. */
static struct crm_wt_change *change_named(struct crm_wt_change *ch, size_t n,
					  const char *msg)
{
	struct crm_wt_change *conf = NULL;
	size_t i, len;

	for (i = 0; i < n; i++) {
		len = strlen(ch[i].path);
		if (strncmp(msg + (msg[0] == '\''), ch[i].path, len) == 0)
			return &ch[i];
		if (strcmp(ch[i].path, "crm.yaml") == 0)
			conf = &ch[i];
	}
	return conf ? conf : &ch[0];
}

/* Runs the checks the commit of all of ch[0..n) would (crm_txn_check,
 * with the records recs[], NULL when removed or invalid), marking the
 * change a refusal is about invalid: a crm.yaml that drops what records
 * use or brings in bad names, a removal of a record others refer to. */
static void check_whole_change(struct crm_store *s, struct crm_wt_change *ch,
			       size_t n, struct crm_record **recs)
{
	struct crm_txn_item *items = crm_xcalloc(n + 1, sizeof(*items));
	struct crm_wt_change *bad;
	struct crm_err err = {0};
	char **bufs = crm_xcalloc(n + 1, sizeof(*bufs));
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (!ch[i].valid)
			goto out; /* the commit refuses that first */
		items[m].path = ch[i].path;
		if (strcmp(ch[i].path, "crm.yaml") == 0 && ch[i].status != 'D') {
			if (read_worktree(s, ch[i].path, &bufs[i],
					  &items[m].len) != 0)
				goto out;
			items[m].buf = bufs[i];
		} else if (ch[i].status != 'D' && recs[i] == NULL) {
			goto out;
		}
		items[m++].rec = recs[i];
	}
	if (m && crm_txn_check(s, items, m, false, &err) != CRM_OK) {
		bad = change_named(ch, n, err.msg);
		bad->valid = false;
		bad->error = crm_xstrdup(err.msg);
	}
out:
	for (i = 0; i < n; i++)
		free(bufs[i]);
	free(bufs);
	free(items);
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
	struct crm_record *rec, **recs = NULL;
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
		recs = crm_xrealloc(recs, *n * sizeof(*recs));
		recs[*n - 1] = rec;
	}
	git_diff_free(diff);
	check_whole_change(s, *out, *n, recs);
	for (i = 0; i < *n; i++)
		crm_record_free(recs[i]);
	free(recs);
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
		crm_txn_expect_current(txn, ch[i].path);
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
