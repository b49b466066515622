/*
 * gitstate.c - a store in the middle of a git operation.  A merge, a
 * rebase, a cherry-pick, a revert, an am or a bisect that stopped leaves
 * the work tree and .git/index half-way between two commits (and record
 * files with conflict markers); a commit made by crm then would build on
 * a tree no one chose.  Here crm tells what is in progress and which
 * files are conflicted, and refuses to write until it is finished.
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

/* What crm reads of a file to look for conflict markers: a record file
 * is far smaller (the reader refuses more than 1 MiB). */
#define MARKER_SCAN_MAX ((size_t)4 << 20)

/* True when gitdir/name exists and is a directory (dir) or not (file). */
static bool git_has(const char *gitdir, const char *name, bool dir)
{
	char path[PATH_MAX];
	struct stat st;
	int n = snprintf(path, sizeof(path), "%s/%s", gitdir, name);

	if (n < 0 || (size_t)n >= sizeof(path) || stat(path, &st) != 0)
		return false;
	return dir ? S_ISDIR(st.st_mode) : !S_ISDIR(st.st_mode);
}

/*
 * The checks of libgit2's git_repository_state, in its order, made with
 * stat alone: a read that the index answers never loads libgit2.  A
 * rebase-apply/ directory with neither "rebasing" nor "applying" in it
 * (git is between the two) counts as a rebase.
 */
enum crm_gitop crm_gitop_at(const char *gitdir)
{
	if (git_has(gitdir, "rebase-merge", true))
		return CRM_GITOP_REBASE;
	if (git_has(gitdir, "rebase-apply/rebasing", false))
		return CRM_GITOP_REBASE;
	if (git_has(gitdir, "rebase-apply/applying", false))
		return CRM_GITOP_AM;
	if (git_has(gitdir, "rebase-apply", true))
		return CRM_GITOP_REBASE;
	if (git_has(gitdir, "MERGE_HEAD", false))
		return CRM_GITOP_MERGE;
	if (git_has(gitdir, "REVERT_HEAD", false))
		return CRM_GITOP_REVERT;
	if (git_has(gitdir, "CHERRY_PICK_HEAD", false))
		return CRM_GITOP_CHERRY_PICK;
	if (git_has(gitdir, "BISECT_LOG", false))
		return CRM_GITOP_BISECT;
	return CRM_GITOP_NONE;
}

enum crm_gitop crm_store_gitop(const struct crm_store *s)
{
	return crm_gitop_at(s->gitdir);
}

const char *crm_gitop_name(enum crm_gitop op)
{
	switch (op) {
	case CRM_GITOP_MERGE: return "merge";
	case CRM_GITOP_REBASE: return "rebase";
	case CRM_GITOP_CHERRY_PICK: return "cherry-pick";
	case CRM_GITOP_REVERT: return "revert";
	case CRM_GITOP_AM: return "am";
	case CRM_GITOP_BISECT: return "bisect";
	default: return "";
	}
}

const char *crm_gitop_describe(enum crm_gitop op)
{
	switch (op) {
	case CRM_GITOP_MERGE:
		return _("the store is in the middle of a merge (git merge)");
	case CRM_GITOP_REBASE:
		return _("the store is in the middle of a rebase (git rebase)");
	case CRM_GITOP_CHERRY_PICK:
		return _("the store is in the middle of a cherry-pick "
			 "(git cherry-pick)");
	case CRM_GITOP_REVERT:
		return _("the store is in the middle of a revert (git revert)");
	case CRM_GITOP_AM:
		return _("the store is in the middle of applying patches "
			 "(git am)");
	case CRM_GITOP_BISECT:
		return _("the store is in the middle of a bisect (git bisect)");
	default:
		return "";
	}
}

const char *crm_gitop_hint(enum crm_gitop op)
{
	switch (op) {
	case CRM_GITOP_MERGE:
		return _("hint: fix the conflicted files, 'git add' them and run "
			 "'git merge --continue';\nhint: or run 'git merge "
			 "--abort' to go back");
	case CRM_GITOP_REBASE:
		return _("hint: fix the conflicted files, 'git add' them and run "
			 "'git rebase --continue';\nhint: or run 'git rebase "
			 "--abort' to go back");
	case CRM_GITOP_CHERRY_PICK:
		return _("hint: fix the conflicted files, 'git add' them and run "
			 "'git cherry-pick --continue';\nhint: or run 'git "
			 "cherry-pick --abort' to go back");
	case CRM_GITOP_REVERT:
		return _("hint: fix the conflicted files, 'git add' them and run "
			 "'git revert --continue';\nhint: or run 'git revert "
			 "--abort' to go back");
	case CRM_GITOP_AM:
		return _("hint: fix the conflicted files, 'git add' them and run "
			 "'git am --continue';\nhint: or run 'git am --abort' to "
			 "go back");
	case CRM_GITOP_BISECT:
		return _("hint: run 'git bisect reset' when the bisect is "
			 "done");
	default:
		return "";
	}
}

const char *crm_conflicts_hint(void)
{
	return _("hint: remove the conflict markers, keeping the right "
		 "values, and run 'crm commit'\nhint: (a file git lists as "
		 "unmerged also needs 'git add FILE' first)");
}

bool crm_has_conflict_markers(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;

	while (p < end) {
		if ((size_t)(end - p) >= 8 &&
		    (memcmp(p, "<<<<<<< ", 8) == 0 ||
		     memcmp(p, ">>>>>>> ", 8) == 0))
			return true;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return false;
}

/* True when the work-tree file path (relative to the store) is a regular
 * file that holds conflict markers; a file that cannot be read has none. */
static bool file_has_markers(const struct crm_store *s, const char *path)
{
	char full[PATH_MAX], *buf = NULL;
	size_t len = 0, want;
	struct stat st;
	ssize_t r;
	bool found = false;
	int fd, n;

	n = snprintf(full, sizeof(full), "%s/%s", s->root, path);
	if (n < 0 || (size_t)n >= sizeof(full))
		return false;
	fd = open(full, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	want = (size_t)st.st_size < MARKER_SCAN_MAX ? (size_t)st.st_size
						    : MARKER_SCAN_MAX;
	buf = crm_xmalloc(want + 1);
	while (len < want && (r = read(fd, buf + len, want - len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		len += (size_t)r;
	}
	found = crm_has_conflict_markers(buf, len);
out:
	free(buf);
	close(fd);
	return found;
}

/* Adds path to st's conflicts (crm_store_gitstate drops the repeats). */
static void add_conflict(struct crm_gitstate *st, const char *path)
{
	st->conflicts = crm_xrealloc(st->conflicts,
				     (st->nconflicts + 1) * sizeof(char *));
	st->conflicts[st->nconflicts++] = crm_xstrdup(path);
}

/* crm_gitindex_path_cb: adds an unmerged path to the crm_gitstate. */
static void add_unmerged(const char *path, size_t len, void *data)
{
	char *p = crm_xmalloc(len + 1);

	memcpy(p, path, len);
	p[len] = '\0';
	add_conflict(data, p);
	free(p);
}

/* The same through libgit2, for an index crm_gitindex_conflicts does not
 * walk. */
static int libgit2_conflicts(struct crm_store *s, struct crm_gitstate *st,
			     struct crm_err *err)
{
	const git_index_entry *anc, *ours, *theirs, *e;
	git_index_conflict_iterator *it = NULL;
	git_index *idx = NULL;
	char path[PATH_MAX];
	int n, rc = CRM_OK;

	n = snprintf(path, sizeof(path), "%s/index", s->gitdir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return crm_seterr(err, CRM_ERR, _("path too long: '%s'"),
				  s->gitdir);
	if ((rc = crm_git_init(err)))
		return rc;
	if (git_index_open(&idx, path) < 0 ||
	    git_index_conflict_iterator_new(&it, idx) < 0) {
		rc = crm_git_error(err, _("cannot read '.git/index'"));
		goto out;
	}
	while (git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
		e = ours ? ours : theirs ? theirs : anc;
		if (e && e->path)
			add_conflict(st, e->path);
	}
out:
	git_index_conflict_iterator_free(it);
	git_index_free(idx);
	git_libgit2_shutdown();
	return rc;
}

/* Adds the paths that .git/index holds conflict entries for: from the
 * walk of the file, or, when that fails (a format it does not walk, a
 * damaged file), from libgit2, which says what is wrong. */
static int index_conflicts(struct crm_store *s, struct crm_gitstate *st,
			   struct crm_err *err)
{
	struct crm_err ierr = {0};

	if (crm_gitindex_conflicts(s->gitdir, add_unmerged, st, &ierr) ==
	    CRM_OK)
		return CRM_OK;
	crm_gitstate_free(st);  /* what the walk found before it failed */
	return libgit2_conflicts(s, st, err);
}

/*
 * Adds the record files that do not parse in HEAD (so says the index)
 * and hold conflict markers in the work tree: a conflict someone
 * committed.  An index that cannot be opened (a full disk, .git/crm
 * not a directory) hides none of the other checks and changes no
 * command's error: these files are then not looked for.
 */
static int committed_conflicts(struct crm_store *s, struct crm_gitstate *st,
			       struct crm_err *err)
{
	struct crm_broken *b = NULL;
	struct crm_err ierr = {0};
	git_tree *head;
	size_t n = 0, i;
	int rc;

	if ((rc = crm_store_head_tree(s, &head, err)))
		return rc;
	if (head == NULL)
		return CRM_OK;      /* no commit yet: no records */
	if (crm_find_broken(s, CRM_TYPE_ALL, &b, &n, &ierr) != CRM_OK)
		return CRM_OK;
	for (i = 0; i < n; i++)
		if (file_has_markers(s, b[i].path))
			add_conflict(st, b[i].path);
	crm_broken_free(b, n);
	return CRM_OK;
}

/* Orders paths as strcmp does. */
static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts st's conflicts and drops the repeats (a path at several conflict
 * stages, or also holding markers). */
static void sort_unique(struct crm_gitstate *st)
{
	size_t i, n = 0;

	if (st->nconflicts < 2)
		return;
	qsort(st->conflicts, st->nconflicts, sizeof(char *), path_cmp);
	for (i = 0; i < st->nconflicts; i++) {
		if (n && strcmp(st->conflicts[n - 1], st->conflicts[i]) == 0)
			free(st->conflicts[i]);
		else
			st->conflicts[n++] = st->conflicts[i];
	}
	st->nconflicts = n;
}

int crm_store_gitstate(struct crm_store *s, struct crm_gitstate *st,
		       struct crm_err *err)
{
	int rc;

	memset(st, 0, sizeof(*st));
	st->op = crm_store_gitop(s);
	if ((rc = index_conflicts(s, st, err)) ||
	    (rc = committed_conflicts(s, st, err))) {
		crm_gitstate_free(st);
		return rc;
	}
	if (file_has_markers(s, "crm.yaml"))
		add_conflict(st, "crm.yaml");
	sort_unique(st);
	return CRM_OK;
}

void crm_gitstate_free(struct crm_gitstate *st)
{
	size_t i;

	for (i = 0; i < st->nconflicts; i++)
		free(st->conflicts[i]);
	free(st->conflicts);
	st->conflicts = NULL;
	st->nconflicts = 0;
}

/* The refusal for a store in the middle of op (a bisect has no
 * conflicted files to list). */
static int refuse_op(enum crm_gitop op, struct crm_err *err)
{
	crm_seterr(err, CRM_ERR, _("%s: crm will not write to it until it is "
				   "finished"), crm_gitop_describe(op));
	if (op != CRM_GITOP_BISECT)
		crm_err_hint(err, _("hint: 'crm status' lists the conflicted "
				    "files"));
	crm_err_hint(err, crm_gitop_hint(op));
	return CRM_ERR;
}

/* The refusal for conflicted files (the first of them named). */
static int refuse_conflicts(const struct crm_gitstate *st,
			    struct crm_err *err)
{
	if (st->nconflicts == 1)
		crm_seterr(err, CRM_ERR, _("'%s' holds an unresolved conflict: "
			   "crm will not write to the store until it is "
			   "resolved"), st->conflicts[0]);
	else
		crm_seterr(err, CRM_ERR, ngettext("'%s' and %zu more file hold "
			   "unresolved conflicts: crm will not write to the "
			   "store until they are resolved\nhint: 'crm status' "
			   "lists them", "'%s' and %zu more files hold "
			   "unresolved conflicts: crm will not write to the "
			   "store until they are resolved\nhint: 'crm status' "
			   "lists them", st->nconflicts - 1),
			   st->conflicts[0], st->nconflicts - 1);
	crm_err_hint(err, crm_conflicts_hint());
	return CRM_ERR;
}

int crm_store_check_writable(struct crm_store *s, struct crm_err *err)
{
	struct crm_gitstate st;
	enum crm_gitop op = crm_store_gitop(s);
	int rc;

	if (op != CRM_GITOP_NONE)
		return refuse_op(op, err);
	if (s->writable_checked)
		return CRM_OK;
	if ((rc = crm_store_gitstate(s, &st, err)))
		return rc;
	rc = st.nconflicts ? refuse_conflicts(&st, err) : CRM_OK;
	crm_gitstate_free(&st);
	if (rc == CRM_OK)
		s->writable_checked = true;
	return rc;
}
