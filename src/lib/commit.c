/*
 * commit.c - one commit per command.  Objects first (invisible until the
 * branch moves), then the work-tree files (each replaced atomically), then
 * the branch (a compare-and-swap on its old value), then .git/index, so
 * that the work tree, the index and HEAD agree when it returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store-internal.h"

struct txn_change {
	char *path;     /* repository-relative */
	char *buf;      /* new content; NULL when removed */
	size_t len;
	git_oid blob;
};

struct crm_txn {
	struct crm_store *s;
	struct txn_change *ch;
	size_t n, cap;
	struct crm_buf trailers; /* "Key: value\n" lines */
};

struct crm_txn *crm_txn_new(struct crm_store *s)
{
	struct crm_txn *t = crm_xcalloc(1, sizeof(*t));

	t->s = s;
	return t;
}

void crm_txn_free(struct crm_txn *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->ch[i].path);
		free(t->ch[i].buf);
	}
	free(t->ch);
	crm_buf_free(&t->trailers);
	free(t);
}

void crm_txn_add_trailer(struct crm_txn *t, const char *key,
			 const char *value)
{
	crm_buf_addf(&t->trailers, "%s: %s\n", key, value);
}

size_t crm_txn_count(const struct crm_txn *t)
{
	return t->n;
}

/* The change for path, added if new. */
static struct txn_change *change_for(struct crm_txn *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (strcmp(t->ch[i].path, path) == 0) {
			free(t->ch[i].buf);
			t->ch[i].buf = NULL;
			return &t->ch[i];
		}
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 4;
		t->ch = crm_xrealloc(t->ch, t->cap * sizeof(*t->ch));
	}
	memset(&t->ch[t->n], 0, sizeof(t->ch[t->n]));
	t->ch[t->n].path = crm_xstrdup(path);
	return &t->ch[t->n++];
}

void crm_txn_put_raw(struct crm_txn *t, const char *path, const char *buf,
		     size_t len)
{
	struct txn_change *c = change_for(t, path);

	c->buf = crm_xstrndup(buf, len);
	c->len = len;
}

int crm_txn_put(struct crm_txn *t, const struct crm_record *r,
		struct crm_err *err)
{
	char path[64], *out;
	size_t len;
	int rc;

	rc = crm_record_serialize(r, &out, &len, err);
	if (rc)
		return rc;
	crm_record_path(r->type, r->id, path, sizeof(path));
	crm_txn_put_raw(t, path, out, len);
	free(out);
	return CRM_OK;
}

void crm_txn_delete_path(struct crm_txn *t, const char *path)
{
	change_for(t, path);
}

void crm_txn_delete(struct crm_txn *t, enum crm_type type, const char *id)
{
	char path[64];

	crm_record_path(type, id, path, sizeof(path));
	crm_txn_delete_path(t, path);
}

/* The author of crm's commits: the user's name and e-mail, falling back
 * to the login and login@localhost. */
static int signature(const struct crm_user *u, git_signature **sig)
{
	char email[256];

	if (u == NULL)
		return git_signature_now(sig, "crm", "crm@localhost");
	snprintf(email, sizeof(email), "%s@localhost", u->login);
	return git_signature_now(sig, u->name && u->name[0] ? u->name : u->login,
				 u->email && u->email[0] ? u->email : email);
}

/* Writes the blobs and the commit object on top of parent (NULL: none). */
static int make_commit(struct crm_txn *t, const git_oid *parent_oid,
		       const char *message, git_oid *out, struct crm_err *err)
{
	git_repository *repo = t->s->repo;
	git_tree_update *up = crm_xcalloc(t->n, sizeof(*up));
	git_commit *parent = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_treebuilder *tb = NULL;
	git_signature *sig = NULL;
	const struct crm_user *u = t->s->user;
	git_oid tree_oid, empty;
	size_t i;
	int rc = CRM_ERR;

	for (i = 0; i < t->n; i++) {
		struct txn_change *c = &t->ch[i];

		if (c->buf && git_blob_create_from_buffer(&c->blob, repo, c->buf,
							  c->len) < 0)
			goto git_fail;
		up[i].action = c->buf ? GIT_TREE_UPDATE_UPSERT
				      : GIT_TREE_UPDATE_REMOVE;
		up[i].id = c->blob;
		up[i].filemode = GIT_FILEMODE_BLOB;
		up[i].path = c->path;
	}
	if (parent_oid) {
		if (git_commit_lookup(&parent, repo, parent_oid) < 0 ||
		    git_commit_tree(&base, parent) < 0)
			goto git_fail;
	} else if (git_treebuilder_new(&tb, repo, NULL) < 0 ||
		   git_treebuilder_write(&empty, tb) < 0 ||
		   git_tree_lookup(&base, repo, &empty) < 0) {
		goto git_fail;
	}
	if (git_tree_create_updated(&tree_oid, repo, base, t->n, up) < 0 ||
	    git_tree_lookup(&tree, repo, &tree_oid) < 0)
		goto git_fail;
	if (signature(u, &sig) < 0)
		goto git_fail;
	if (git_commit_create(out, repo, NULL, sig, sig, "UTF-8", message, tree,
			      parent ? 1 : 0,
			      (const git_commit **)&parent) < 0)
		goto git_fail;
	rc = CRM_OK;
	goto out;
git_fail:
	rc = crm_git_error(err, _("cannot write the commit"));
out:
	git_signature_free(sig);
	git_treebuilder_free(tb);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent);
	free(up);
	return rc;
}

/* Creates the directories leading to the file at full path. */
static int make_parent_dirs(char *full, size_t rootlen)
{
	char *p;

	for (p = full + rootlen + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(full, 0777) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* Replaces the file at full with buf atomically: written under tmpdir
 * (.git/crm, on the same file system, never seen in the work tree), then
 * renamed into place. */
static int write_atomic(const char *tmpdir, const char *full, const char *buf,
			size_t len)
{
	char tmp[PATH_MAX];
	size_t off = 0;
	ssize_t n;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s/write-%ld.tmp", tmpdir,
		     (long)getpid()) >= (int)sizeof(tmp))
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0666);
	if (fd < 0)
		return -1;
	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, full) != 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

/* .git/crm, created if needed, into buf. */
static const char *tmp_dir(const struct crm_store *s, char *buf, size_t size)
{
	snprintf(buf, size, "%s/crm", s->gitdir);
	mkdir(buf, 0777);
	return buf;
}

/* Brings the work tree to the transaction's content. */
static int write_worktree(struct crm_txn *t, struct crm_err *err)
{
	char full[PATH_MAX], tmp[PATH_MAX], *slash;
	size_t rootlen = strlen(t->s->root), i;

	tmp_dir(t->s, tmp, sizeof(tmp));
	for (i = 0; i < t->n; i++) {
		struct txn_change *c = &t->ch[i];

		snprintf(full, sizeof(full), "%s/%s", t->s->root, c->path);
		if (c->buf == NULL) {
			if (unlink(full) != 0 && errno != ENOENT)
				goto fail;
			slash = strrchr(full, '/');
			*slash = '\0';
			rmdir(full); /* only succeeds once the shard is empty */
			continue;
		}
		if (make_parent_dirs(full, rootlen) != 0 ||
		    write_atomic(tmp, full, c->buf, c->len) != 0)
			goto fail;
	}
	return CRM_OK;
fail:
	return crm_seterr(err, CRM_ERR, _("cannot write '%s': %s"), full,
			  strerror(errno));
}

/* Puts the files the transaction touched back as they are in tree.
 * Returns -1 when one could not be (the journal then stays, for the next
 * writer to finish). */
static int restore_worktree(struct crm_txn *t, git_tree *tree)
{
	char full[PATH_MAX], tmp[PATH_MAX], *buf;
	size_t i, len;
	int ret = 0;

	tmp_dir(t->s, tmp, sizeof(tmp));
	for (i = 0; i < t->n; i++) {
		snprintf(full, sizeof(full), "%s/%s", t->s->root, t->ch[i].path);
		if (crm_tree_read(t->s->repo, tree, t->ch[i].path, &buf, &len,
				  NULL) != CRM_OK) {
			if (unlink(full) != 0 && errno != ENOENT)
				ret = -1;
			continue;
		}
		if (write_atomic(tmp, full, buf, len) != 0)
			ret = -1;
		free(buf);
	}
	return ret;
}

/* The branch HEAD points to (owned by the caller), or NULL if detached. */
static char *head_branch(git_repository *repo)
{
	git_reference *head;
	char *name = NULL;

	if (git_reference_lookup(&head, repo, "HEAD") < 0)
		return NULL;
	if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
		name = crm_xstrdup(git_reference_symbolic_target(head));
	git_reference_free(head);
	return name;
}

/* Moves HEAD's branch from old (NULL: unborn) to new. GIT_EMODIFIED if it
 * moved meanwhile. */
static int move_head(git_repository *repo, const git_oid *old,
		     const git_oid *new_oid, const char *subject)
{
	char *branch = head_branch(repo), msg[512];
	git_reference *ref = NULL;
	int rc;

	snprintf(msg, sizeof(msg), "crm: %s", subject);
	if (old)
		rc = git_reference_create_matching(&ref, repo,
						   branch ? branch : "HEAD",
						   new_oid, 1, old, msg);
	else
		rc = git_reference_create(&ref, repo, branch ? branch : "HEAD",
					  new_oid, 0, msg);
	if (rc == GIT_EEXISTS)
		rc = GIT_EMODIFIED;
	git_reference_free(ref);
	free(branch);
	return rc;
}

/* Fills one index change per queued change.  Caller frees the array and
 * the work-tree paths in *full. */
static struct crm_index_change *index_changes(struct crm_txn *t, char ***full)
{
	struct crm_index_change *ic = crm_xcalloc(t->n, sizeof(*ic));
	size_t i;

	*full = crm_xcalloc(t->n, sizeof(char *));
	for (i = 0; i < t->n; i++) {
		(*full)[i] = crm_xmalloc(PATH_MAX);
		snprintf((*full)[i], PATH_MAX, "%s/%s", t->s->root, t->ch[i].path);
		ic[i].path = t->ch[i].path;
		ic[i].remove = t->ch[i].buf == NULL;
		memcpy(ic[i].oid, t->ch[i].blob.id, 20);
		ic[i].mode = 0100644;
		ic[i].fullpath = (*full)[i];
	}
	return ic;
}

/* Copies gitdir/index, if there is one, to the private index at dst. */
static int copy_index(const struct crm_store *s, const char *dst,
		      struct crm_err *err)
{
	char src[PATH_MAX], tmp[PATH_MAX], *buf;
	size_t len;
	int rc = CRM_OK;

	snprintf(src, sizeof(src), "%s/index", s->gitdir);
	if (crm_read_file(src, &buf, &len) != 0)
		return errno == ENOENT ? CRM_OK : crm_seterr(err, CRM_ERR,
				_("cannot read '%s': %s"), src, strerror(errno));
	if (write_atomic(tmp_dir(s, tmp, sizeof(tmp)), dst, buf, len) != 0)
		rc = crm_seterr(err, CRM_ERR, _("cannot write '%s': %s"), dst,
				strerror(errno));
	free(buf);
	return rc;
}

/*
 * Updates .git/index with libgit2 (formats the patcher leaves alone),
 * under the held lock lk (released in every case).  libgit2 writes a
 * private copy under .git/crm with its own lock file there, which is
 * then renamed over .git/index: a process killed meanwhile leaves only
 * files that crm_gitindex_remove_stale() removes.
 */
static int update_index_libgit2(struct crm_txn *t, struct crm_index_lock *lk,
				struct crm_err *err)
{
	char priv[PATH_MAX];
	git_index *idx = NULL;
	size_t i;
	int rc;

	snprintf(priv, sizeof(priv), "%s/crm/%s", t->s->gitdir,
		 CRM_INDEX_PRIVATE);
	unlink(priv);
	if ((rc = copy_index(t->s, priv, err)))
		goto out;
	if (git_index_open(&idx, priv) < 0 ||
	    git_repository_set_index(t->s->repo, idx) < 0)
		goto git_fail;
	for (i = 0; i < t->n; i++)
		if ((t->ch[i].buf ? git_index_add_bypath(idx, t->ch[i].path)
				  : git_index_remove_bypath(idx, t->ch[i].path)) < 0)
			goto git_fail;
	if (git_index_write(idx) < 0)
		goto git_fail;
	git_repository_set_index(t->s->repo, NULL);
	git_index_free(idx);
	return crm_gitindex_replace(lk, priv, err);
git_fail:
	rc = crm_git_error(err, _("cannot update '.git/index'"));
out:
	git_repository_set_index(t->s->repo, NULL);
	git_index_free(idx);
	unlink(priv);
	crm_gitindex_unlock(lk);
	return rc;
}

/* Updates .git/index through the held lock lk (released in every case),
 * or with libgit2 when the patcher cannot handle the file. */
static int update_index(struct crm_txn *t, struct crm_index_lock *lk,
			struct crm_err *err)
{
	char **full;
	struct crm_index_change *ic = index_changes(t, &full);
	size_t i;
	int rc;

	rc = crm_gitindex_commit(lk, ic, t->n, err);
	t->s->timings.index_fallback = rc == CRM_ENOTFOUND || rc == CRM_EUSAGE;
	if (t->s->timings.index_fallback)
		rc = update_index_libgit2(t, lk, err);
	for (i = 0; i < t->n; i++)
		free(full[i]);
	free(full);
	free(ic);
	return rc;
}

/* .git/crm/journal: the paths of a commit in progress, so that the next
 * writer can repair what a killed crm left.  (Journals of older versions
 * also name the inode of the index.lock they held.) */
static void journal_path(const struct crm_store *s, char *buf, size_t size)
{
	snprintf(buf, size, "%s/crm/journal", s->gitdir);
}

/* Writes the journal for t. */
static int journal_write(struct crm_txn *t, struct crm_err *err)
{
	struct crm_buf b = {0};
	char path[PATH_MAX], tmp[PATH_MAX];
	size_t i;
	int rc = CRM_OK;

	for (i = 0; i < t->n; i++)
		crm_buf_addf(&b, "path %s\n", t->ch[i].path);
	journal_path(t->s, path, sizeof(path));
	if (write_atomic(tmp_dir(t->s, tmp, sizeof(tmp)), path, b.s, b.len) != 0)
		rc = crm_seterr(err, CRM_ERR, _("cannot write '%s': %s"), path,
				strerror(errno));
	crm_buf_free(&b);
	return rc;
}

static void journal_remove(const struct crm_store *s)
{
	char path[PATH_MAX];

	journal_path(s, path, sizeof(path));
	unlink(path);
}

/* The full commit message: subject, then the Crm-Command trailer and the
 * transaction's own. */
static char *commit_message(const struct crm_txn *t, const char *subject,
			    const char *command)
{
	struct crm_buf b = {0};

	crm_buf_addf(&b, "%s\n\nCrm-Command: %s\n", subject, command);
	if (t->trailers.len)
		crm_buf_add(&b, t->trailers.s, t->trailers.len);
	return crm_buf_detach(&b);
}

/* Builds the commit on the current HEAD into *oid; sets *head_tree. */
static int build_commit(struct crm_txn *t, const char *message,
			git_tree **head_tree, git_oid *parent, git_oid *oid,
			struct crm_err *err)
{
	struct crm_store *s = t->s;
	double t0 = crm_now_ms();
	int rc;

	crm_store_forget_head(s);
	if ((rc = crm_store_head_tree(s, head_tree, err)))
		return rc;
	*parent = s->head_oid;
	rc = make_commit(t, *head_tree ? parent : NULL, message, oid, err);
	s->timings.tree_ms += crm_now_ms() - t0;
	return rc;
}

/* Moves the branch to the commit, rebuilding it on a HEAD that moved
 * meanwhile (plain git in the store). */
static int advance_head(struct crm_txn *t, const char *message,
			const char *subject, git_tree **head_tree,
			git_oid *parent, git_oid *oid, struct crm_err *err)
{
	double t0;
	int rc = CRM_OK, tries;

	for (tries = 0; tries < 10; tries++) {
		if (tries && (rc = build_commit(t, message, head_tree, parent,
						oid, err)))
			return rc;
		t0 = crm_now_ms();
		rc = move_head(t->s->repo, *head_tree ? parent : NULL, oid,
			       subject);
		t->s->timings.ref_ms += crm_now_ms() - t0;
		if (rc != GIT_EMODIFIED)
			break;
	}
	return rc < 0 ? crm_git_error(err, _("cannot move HEAD")) : CRM_OK;
}

/*
 * After a commit failed before its branch moved (nothing changed): when
 * it was for want of space (errno saved, or the message, which quotes
 * strerror() as libgit2's do), says so in one message.  Returns rc.
 */
static int say_disk_full(const struct crm_store *s, int rc, int saved,
			 struct crm_err *err)
{
	bool full = saved == ENOSPC || saved == EDQUOT;

	if (err && !full)
		full = strstr(err->msg, strerror(ENOSPC)) ||
		       strstr(err->msg, strerror(EDQUOT));
	if (full)
		crm_seterr(err, rc, _("cannot write to '%s': no space left on the disk"),
			   s->root);
	return rc;
}

int crm_txn_commit(struct crm_txn *t, const char *subject,
		   const char *command, struct crm_err *err)
{
	struct crm_store *s = t->s;
	struct crm_timings *tm = &s->timings;
	char *message = commit_message(t, subject, command);
	struct crm_index_lock lk = {.fd = -1};
	git_tree *head_tree;
	git_oid commit_oid, parent;
	int rc;
	double t0;

	memset(tm, 0, sizeof(*tm));
	if ((rc = build_commit(t, message, &head_tree, &parent, &commit_oid, err)) ||
	    (rc = journal_write(t, err))) {
		say_disk_full(s, rc, errno, err);
		goto out;
	}
	t0 = crm_now_ms();
	rc = write_worktree(t, err);
	tm->worktree_ms = crm_now_ms() - t0;
	if (rc == CRM_OK)
		rc = crm_gitindex_lock(s->gitdir, &lk, err);
	if (rc == CRM_OK)
		rc = advance_head(t, message, subject, &head_tree, &parent,
				  &commit_oid, err);
	if (rc) {
		say_disk_full(s, rc, errno, err);
		crm_gitindex_unlock(&lk);
		if (restore_worktree(t, head_tree) == 0)
			journal_remove(s);
		goto out;
	}
	crm_store_forget_head(s);
	t0 = crm_now_ms();
	rc = update_index(t, &lk, err);
	tm->index_ms = crm_now_ms() - t0;
	if (rc == CRM_OK)
		journal_remove(s);
	t0 = crm_now_ms();
	crm_store_autopack(s, 0, NULL); /* the commit stands either way */
	tm->pack_ms = crm_now_ms() - t0;
out:
	free(message);
	return rc;
}

/* Removes gitdir/index.lock if it is the one a dead writer of an older
 * version recorded in its journal. */
static void remove_dead_index_lock(const struct crm_store *s, unsigned long ino)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/index.lock", s->gitdir);
	if (lstat(path, &st) == 0 && (unsigned long)st.st_ino == ino)
		unlink(path);
}

/* Removes the branch's lock file left by a writer killed while moving it. */
static void remove_dead_ref_lock(const struct crm_store *s)
{
	char *branch = head_branch(s->repo), path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s.lock", s->gitdir,
		     branch ? branch : "HEAD") < (int)sizeof(path))
		unlink(path);
	free(branch);
}

/* Queues, for each journal path, the content HEAD has for it. */
static int queue_head_versions(struct crm_txn *t, char *journal,
			       unsigned long *lock_ino, struct crm_err *err)
{
	git_tree *tree;
	char *line, *save = NULL, *buf;
	size_t len;
	int rc;

	if ((rc = crm_store_head_tree(t->s, &tree, err)))
		return rc;
	for (line = strtok_r(journal, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "index.lock ", 11) == 0) {
			*lock_ino = strtoul(line + 11, NULL, 10);
			continue;
		}
		if (strncmp(line, "path ", 5) != 0)
			continue;
		if (crm_tree_read(t->s->repo, tree, line + 5, &buf, &len,
				  NULL) == CRM_OK) {
			crm_txn_put_raw(t, line + 5, buf, len);
			free(buf);
		} else {
			crm_txn_delete_path(t, line + 5);
		}
	}
	return CRM_OK;
}

int crm_txn_recover(struct crm_store *s, struct crm_err *err)
{
	char path[PATH_MAX], *journal = NULL;
	struct crm_index_lock lk = {.fd = -1};
	struct crm_txn *t;
	unsigned long ino = 0;
	size_t i, len;
	int rc;

	journal_path(s, path, sizeof(path));
	if (crm_read_file(path, &journal, &len) != 0)
		return CRM_OK;
	t = crm_txn_new(s);
	rc = queue_head_versions(t, journal, &ino, err);
	if (ino)
		remove_dead_index_lock(s, ino);
	remove_dead_ref_lock(s);
	for (i = 0; rc == CRM_OK && i < t->n; i++)
		if (t->ch[i].buf && git_blob_create_from_buffer(&t->ch[i].blob,
				s->repo, t->ch[i].buf, t->ch[i].len) < 0)
			rc = crm_git_error(err, _("cannot repair the store"));
	if (rc == CRM_OK)
		rc = write_worktree(t, err);
	if (rc == CRM_OK)
		rc = crm_gitindex_lock(s->gitdir, &lk, err);
	if (rc == CRM_OK)
		rc = update_index(t, &lk, err);
	if (rc == CRM_OK)
		unlink(path);
	crm_txn_free(t);
	free(journal);
	return rc;
}
