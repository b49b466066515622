/*
 * store.c - finding, creating and opening a store; the writer lock;
 * reading committed records.  References are resolved in ref.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store-internal.h"

int crm_git_error(struct crm_err *err, const char *what)
{
	const git_error *e = git_error_last();

	return crm_seterr(err, CRM_ERR, "%s: %s", what,
			  e && e->message ? e->message : _("unknown git error"));
}

double crm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* True when dir/name exists. */
static bool has_file(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	return n > 0 && (size_t)n < sizeof(path) && stat(path, &st) == 0;
}

/* True when dir holds a store: crm.yaml beside a .git directory. */
static bool is_store(const char *dir)
{
	return has_file(dir, "crm.yaml") && has_file(dir, ".git");
}

/* Looks for a store in dir and its parents; sets *root on success. */
static bool search_up(const char *dir, char **root)
{
	char *p = realpath(dir, NULL), *slash;

	if (p == NULL)
		return false;
	for (;;) {
		if (is_store(p[0] ? p : "/")) {
			*root = p;
			return true;
		}
		slash = strrchr(p, '/');
		if (slash == NULL || p[0] == '\0')
			break;
		*slash = '\0';
	}
	free(p);
	return false;
}

int crm_store_discover(const char *dir_opt, const char *env_dir,
		       const char *cwd, const char *default_dir, char **root,
		       struct crm_err *err)
{
	*root = NULL;
	if (dir_opt) {
		if (search_up(dir_opt, root))
			return CRM_OK;
		return crm_seterr(err, CRM_ENOSTORE,
				  _("not a crm store (or any parent): '%s'"),
				  dir_opt);
	}
	if (env_dir && env_dir[0]) {
		if (is_store(env_dir) && (*root = realpath(env_dir, NULL)))
			return CRM_OK;
		return crm_seterr(err, CRM_ENOSTORE,
				  _("CRM_DIR: not a crm store: '%s'"), env_dir);
	}
	if (cwd && search_up(cwd, root))
		return CRM_OK;
	if (default_dir && is_store(default_dir) &&
	    (*root = realpath(default_dir, NULL)))
		return CRM_OK;
	return crm_seterr(err, CRM_ENOSTORE,
			  _("no crm store here or in '%s' (run 'crm init')"),
			  default_dir ? default_dir : "?");
}

/* mkdir -p. */
static int make_dirs(const char *dir, struct crm_err *err)
{
	char path[PATH_MAX], *p;
	int n = snprintf(path, sizeof(path), "%s", dir);

	if (n <= 0 || (size_t)n >= sizeof(path))
		return crm_seterr(err, CRM_ERR, _("path too long: '%s'"), dir);
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(path, 0777) != 0 && errno != EEXIST)
		goto fail;
	return CRM_OK;
fail:
	return crm_seterr(err, CRM_ERR, _("cannot create '%s': %s"), path,
			  strerror(errno));
}

int crm_store_init(const char *dir, const char *login, const char *name,
		   const char *email, time_t now, struct crm_err *err)
{
	git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
	git_repository *repo = NULL;
	struct crm_store *s = NULL;
	struct crm_txn *txn;
	char *conf = NULL, subject[256];
	int rc;

	if (is_store(dir) || has_file(dir, "crm.yaml"))
		return crm_seterr(err, CRM_ERR, _("'%s' already holds a store"), dir);
	if (has_file(dir, ".git"))
		return crm_seterr(err, CRM_ERR,
				  _("'%s' is already a git repository"), dir);
	if ((rc = make_dirs(dir, err)))
		return rc;
	if ((rc = crm_git_init(err)))
		return rc;
	opts.flags = GIT_REPOSITORY_INIT_MKPATH;
	opts.initial_head = "main";
	if (git_repository_init_ext(&repo, dir, &opts) < 0) {
		rc = crm_git_error(err, _("cannot create the repository"));
		goto out;
	}
	git_repository_free(repo);
	conf = crm_config_initial(login, name, email);
	if (conf == NULL) {
		rc = crm_seterr(err, CRM_ERR, _("invalid user '%s'"), login);
		goto out;
	}
	if ((rc = crm_store_open(dir, &s, err)) != CRM_OK &&
	    rc != CRM_ENOSTORE)
		goto out;
	(void)now;
	if ((rc = crm_config_parse(conf, strlen(conf), &s->cfg, err)))
		goto out;
	s->user = &s->cfg.users[0];
	txn = crm_txn_new(s);
	crm_txn_put_raw(txn, "crm.yaml", conf, strlen(conf));
	snprintf(subject, sizeof(subject), "init: store for %s", login);
	rc = crm_txn_commit(txn, subject, "init", err);
	crm_txn_free(txn);
out:
	free(conf);
	crm_store_close(s);
	git_libgit2_shutdown();
	return rc;
}

/* Replaces *buf (freed) with HEAD's crm.yaml: what a store whose own
 * holds conflict markers (a merge in progress) is read with, so that
 * reads keep answering.  False, *buf untouched, when HEAD has none. */
static bool head_config(struct crm_store *s, char **buf, size_t *len)
{
	git_tree *tree;
	char *head;
	size_t n;

	if (crm_store_head_tree(s, &tree, NULL) != CRM_OK || tree == NULL ||
	    crm_tree_read(s->repo, tree, "crm.yaml", &head, &n, NULL) != CRM_OK)
		return false;
	free(*buf);
	*buf = head;
	*len = n;
	return true;
}

/* Reads crm.yaml of the work tree into s->cfg. A missing file is an empty
 * configuration (during init). */
static int load_config(struct crm_store *s, struct crm_err *err)
{
	char *buf;
	size_t len;
	int rc;

	if (crm_path_read(s->root, "crm.yaml", &buf, &len) != 0) {
		if (errno == ENOENT)
			return CRM_ENOSTORE;
		return crm_seterr(err, CRM_ERR, _("cannot read 'crm.yaml': %s"),
				  crm_path_strerror(errno));
	}
	if (crm_has_conflict_markers(buf, len))
		head_config(s, &buf, &len); /* writes are refused (gitstate.c) */
	rc = crm_config_parse(buf, len, &s->cfg, err);
	crm_config_sum(buf, len, s->cfg_sum);
	free(buf);
	if (rc)
		return crm_err_prefix(err, _("cannot read '%s'"), "crm.yaml");
	return CRM_OK;
}

void crm_config_sum(const char *buf, size_t len, char sum[17])
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)buf[i];
		h *= 1099511628211ULL;
	}
	snprintf(sum, 17, "%016llx", (unsigned long long)h);
}

int crm_store_open(const char *root, struct crm_store **out,
		   struct crm_err *err)
{
	struct crm_store *s = crm_xcalloc(1, sizeof(*s));
	char gitdir[PATH_MAX];
	int rc;

	s->lockfd = -1;
	s->root = realpath(root, NULL);
	if (s->root == NULL) {
		rc = crm_seterr(err, CRM_ENOSTORE, _("cannot open store '%s': %s"),
				root, strerror(errno));
		goto fail;
	}
	snprintf(gitdir, sizeof(gitdir), "%s/.git", s->root);
	s->gitdir = crm_xstrdup(gitdir);
	if (access(gitdir, F_OK) != 0) {
		rc = crm_seterr(err, CRM_ENOSTORE, _("'%s' is not a git repository"),
				s->root);
		goto fail;
	}
	rc = load_config(s, err);
	if (rc == CRM_OK && s->cfg.nusers)
		s->user = &s->cfg.users[0];
	*out = s;
	return rc;
fail:
	crm_store_close(s);
	*out = NULL;
	return rc;
}

void crm_store_close(struct crm_store *s)
{
	if (s == NULL)
		return;
	crm_store_unlock(s);
	crm_index_close(s);
	if (s->repo) { /* else libgit2 was not even loaded */
		git_tree_free(s->head_tree);
		git_repository_free(s->repo);
		git_libgit2_shutdown();
	}
	crm_config_free(&s->cfg);
	free(s->root);
	free(s->gitdir);
	free(s);
}

const char *crm_store_root(const struct crm_store *s)
{
	return s->root;
}

const struct crm_config *crm_store_config(const struct crm_store *s)
{
	return &s->cfg;
}

const struct crm_timings *crm_store_timings(const struct crm_store *s)
{
	return &s->timings;
}

int crm_store_set_user(struct crm_store *s, const char *login,
		       struct crm_err *err)
{
	const struct crm_user *u = crm_config_user(&s->cfg, login);

	if (u == NULL)
		return crm_seterr(err, CRM_EUSAGE,
				  _("unknown user '%s' (not in crm.yaml)"), login);
	s->user = u;
	return CRM_OK;
}

const struct crm_user *crm_store_user(const struct crm_store *s)
{
	return s->user;
}

/* Tries once to take the fcntl lock; returns the holder's pid if busy. */
static int try_lock(int fd, pid_t *holder)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

	if (fcntl(fd, F_SETLK, &fl) == 0)
		return 0;
	fl.l_type = F_WRLCK;
	*holder = fcntl(fd, F_GETLK, &fl) == 0 ? fl.l_pid : 0;
	return -1;
}

int crm_store_lock(struct crm_store *s, long timeout_ms, struct crm_err *err)
{
	char path[PATH_MAX];
	double deadline = crm_now_ms() + (double)timeout_ms;
	struct timespec nap = {0, 5 * 1000 * 1000};
	pid_t holder = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/crm", s->gitdir);
	if (mkdir(path, 0777) != 0 && errno != EEXIST)
		return crm_seterr(err, CRM_ERR, _("cannot create '%s': %s"), path,
				  strerror(errno));
	snprintf(path, sizeof(path), "%s/crm/lock", s->gitdir);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0)
		return crm_seterr(err, CRM_ERR, _("cannot open '%s': %s"), path,
				  strerror(errno));
	while (try_lock(fd, &holder) != 0) {
		if (timeout_ms >= 0 && crm_now_ms() >= deadline) {
			close(fd);
			return crm_seterr(err, CRM_ELOCKED,
					  _("the store is locked by process %ld "
					    "(waited %ld s; see CRM_LOCK_TIMEOUT)"),
					  (long)holder, timeout_ms / 1000);
		}
		nanosleep(&nap, NULL);
	}
	s->lockfd = fd;
	if (crm_store_repo(s, err) != CRM_OK) {
		crm_store_unlock(s);
		return err ? err->status : CRM_ERR;
	}
	/* Another writer may have committed while we waited, or died. */
	crm_store_forget_head(s);
	crm_gitindex_remove_stale(s->gitdir);
	if (crm_txn_recover(s, err) != CRM_OK) {
		crm_store_unlock(s);
		return crm_err_prefix(err, _("cannot repair the store"));
	}
	return CRM_OK;
}

void crm_store_unlock(struct crm_store *s)
{
	if (s->lockfd >= 0)
		close(s->lockfd);
	s->lockfd = -1;
}

void crm_store_forget_head(struct crm_store *s)
{
	s->db_fresh = false;
	if (s->head_tree)
		git_tree_free(s->head_tree);
	s->head_tree = NULL;
	s->head_loaded = false;
}

int crm_store_repo(struct crm_store *s, struct crm_err *err)
{
	int rc;

	if (s->repo)
		return CRM_OK;
	if ((rc = crm_git_init(err)))
		return rc;
	/* Bound the pack windows libgit2 keeps mapped (8 GiB by default),
	 * so that walking a large store does not hold its packs in memory
	 * (mapped pages count in a process's resident size). */
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)1 << 20);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)4 << 20);
	/* Keep the trees of the type directories in the object cache (by
	 * default only trees under 4 KiB are): reading each record of a
	 * list would otherwise inflate its type's tree again, 15 times the
	 * cost of the rest of the read. */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE,
			 (size_t)1 << 20);
	if (git_repository_open_ext(&s->repo, s->root,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		crm_git_error(err, _("cannot open the store's repository"));
		s->repo = NULL;
		git_libgit2_shutdown();
		return err ? err->status : CRM_ERR;
	}
	return CRM_OK;
}

/* Reads the first line of gitdir/name into buf (newline dropped). */
static bool read_git_line(const struct crm_store *s, const char *name,
			  char *buf, size_t size)
{
	char path[PATH_MAX];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", s->gitdir, name);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/* True when s is 40 hexadecimal digits. */
static bool is_hex_oid(const char *s)
{
	return strlen(s) == GIT_OID_HEXSZ &&
	       strspn(s, "0123456789abcdef") == GIT_OID_HEXSZ;
}

/* Looks ref up in packed-refs. */
static bool packed_ref(const struct crm_store *s, const char *ref,
		       char hex[GIT_OID_HEXSZ + 1])
{
	char path[PATH_MAX], line[1024];
	size_t rlen = strlen(ref);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/packed-refs", s->gitdir);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line) == GIT_OID_HEXSZ + 1 + rlen &&
		    line[GIT_OID_HEXSZ] == ' ' &&
		    strcmp(line + GIT_OID_HEXSZ + 1, ref) == 0) {
			snprintf(hex, GIT_OID_HEXSZ + 1, "%.40s", line);
			found = is_hex_oid(hex);
		}
	}
	fclose(f);
	return found;
}

bool crm_store_head_hex(struct crm_store *s, char hex[GIT_OID_HEXSZ + 1])
{
	char head[PATH_MAX], ref[PATH_MAX];

	if (!read_git_line(s, "HEAD", head, sizeof(head)))
		return false;
	if (is_hex_oid(head)) {
		snprintf(hex, GIT_OID_HEXSZ + 1, "%s", head);
		return true;
	}
	if (strncmp(head, "ref: refs/", 10) != 0 || strstr(head, ".."))
		return false;
	if (read_git_line(s, head + 5, ref, sizeof(ref)))
		return is_hex_oid(ref) &&
		       snprintf(hex, GIT_OID_HEXSZ + 1, "%s", ref) > 0;
	return packed_ref(s, head + 5, hex);
}

int crm_store_head_tree(struct crm_store *s, git_tree **tree,
			struct crm_err *err)
{
	git_commit *c = NULL;
	int rc;

	if (s->head_loaded) {
		*tree = s->head_tree;
		return CRM_OK;
	}
	*tree = NULL;
	if ((rc = crm_store_repo(s, err)))
		return rc;
	rc = git_reference_name_to_id(&s->head_oid, s->repo, "HEAD");
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) {
		s->head_loaded = true;
		return CRM_OK;
	}
	if (rc < 0 || git_commit_lookup(&c, s->repo, &s->head_oid) < 0 ||
	    git_commit_tree(&s->head_tree, c) < 0) {
		git_commit_free(c);
		return crm_git_error(err, _("cannot read HEAD"));
	}
	git_commit_free(c);
	s->head_loaded = true;
	*tree = s->head_tree;
	return CRM_OK;
}

int crm_tree_read(git_repository *repo, git_tree *tree, const char *path,
		  char **buf, size_t *len, struct crm_err *err)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int rc = CRM_OK;

	*buf = NULL;
	*len = 0;
	if (tree == NULL || git_tree_entry_bypath(&e, tree, path) < 0)
		return crm_seterr(err, CRM_ENOTFOUND, _("no such file '%s'"), path);
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
	    git_blob_lookup(&blob, repo, git_tree_entry_id(e)) < 0) {
		rc = crm_git_error(err, path);
		goto out;
	}
	*len = (size_t)git_blob_rawsize(blob);
	*buf = crm_xstrndup(git_blob_rawcontent(blob), *len);
out:
	git_blob_free(blob);
	git_tree_entry_free(e);
	return rc;
}

/* Parses the record file path holds: as committed, or (input) as a
 * person wrote it, its values read as crm set reads them. */
static int parse_path(struct crm_store *s, const char *path, const char *buf,
		      size_t len, bool input, struct crm_record **out,
		      struct crm_err *err)
{
	enum crm_type t;
	char id[CRM_ID_LEN + 1];
	int rc;

	if (!crm_record_path_parse(path, &t, id))
		return crm_seterr(err, CRM_ERR, _("'%s' is not a record file"),
				  path);
	rc = input ? crm_record_parse_input(t, id, buf, len, &s->cfg, s->now,
					    out, err)
		   : crm_record_parse(t, id, buf, len, &s->cfg, out, err);
	if (rc && err)
		crm_err_prefix(err, _("cannot read '%s'"), path);
	return rc;
}

int crm_store_parse_path(struct crm_store *s, const char *path,
			 const char *buf, size_t len, struct crm_record **out,
			 struct crm_err *err)
{
	return parse_path(s, path, buf, len, false, out, err);
}

int crm_store_parse_input_path(struct crm_store *s, const char *path,
			       const char *buf, size_t len,
			       struct crm_record **out, struct crm_err *err)
{
	return parse_path(s, path, buf, len, true, out, err);
}

void crm_store_set_input(struct crm_store *s, time_t now, char locale_decimal)
{
	s->now = now;
	s->cfg.locale_decimal = locale_decimal;
}

int crm_store_read(struct crm_store *s, enum crm_type t, const char *id,
		   struct crm_record **out, struct crm_err *err)
{
	git_tree *tree;
	char path[64], *buf;
	size_t len;
	int rc;

	*out = NULL;
	if (!crm_record_path(t, id, path, sizeof(path)))
		return crm_seterr(err, CRM_ENOTFOUND, _("invalid id '%s'"), id);
	if ((rc = crm_store_head_tree(s, &tree, err)))
		return rc;
	rc = crm_tree_read(s->repo, tree, path, &buf, &len, err);
	if (rc == CRM_ENOTFOUND)
		return crm_seterr(err, CRM_ENOTFOUND, _("no %s '%s'"),
				  crm_type_name(t), id);
	if (rc)
		return rc;
	rc = crm_store_parse_path(s, path, buf, len, out, err);
	free(buf);
	return rc;
}

/* True when the committed tree has type t's file for id. */
static bool tree_has(git_tree *tree, enum crm_type t, const char *id)
{
	git_tree_entry *e;
	char path[64];

	if (tree == NULL || !crm_record_path(t, id, path, sizeof(path)) ||
	    git_tree_entry_bypath(&e, tree, path) < 0)
		return false;
	git_tree_entry_free(e);
	return true;
}

int crm_store_find_id(struct crm_store *s, const char *id, enum crm_type *t,
		      struct crm_err *err)
{
	git_tree *tree;
	int i, rc;

	if ((rc = crm_store_head_tree(s, &tree, err)))
		return rc;
	for (i = 0; i < CRM_NTYPES; i++) {
		if (tree_has(tree, (enum crm_type)i, id)) {
			*t = (enum crm_type)i;
			return CRM_OK;
		}
	}
	return crm_seterr(err, CRM_ENOTFOUND, _("no record '%s'"), id);
}

int crm_store_new_id(struct crm_store *s, char id[CRM_ID_LEN + 1],
		     struct crm_err *err)
{
	enum crm_type t;
	int tries, rc;

	for (tries = 0; tries < 100; tries++) {
		if ((rc = crm_id_generate(id, err)))
			return rc;
		rc = crm_store_find_id(s, id, &t, err);
		if (rc == CRM_ENOTFOUND)
			return CRM_OK;
		if (rc != CRM_OK)
			return rc;
	}
	return crm_seterr(err, CRM_ERR, _("cannot find a free id"));
}

/* Calls cb for each blob of one shard tree; stops on non-zero. */
static int walk_shard(git_tree *shard, enum crm_type t, const char *dir,
		      crm_blob_cb cb, void *data)
{
	size_t i, n = git_tree_entrycount(shard);
	char path[128];
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(shard, i);

		if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", crm_type_dir(t), dir,
			 git_tree_entry_name(e));
		rc = cb(path, git_tree_entry_id(e), data);
	}
	return rc;
}

/* Walks every shard of type t. */
static int walk_type(struct crm_store *s, git_tree *root, enum crm_type t,
		     crm_blob_cb cb, void *data)
{
	const git_tree_entry *te = git_tree_entry_byname(root, crm_type_dir(t));
	git_tree *top = NULL, *shard;
	size_t i, n;
	int rc = 0;

	if (te == NULL || git_tree_entry_type(te) != GIT_OBJECT_TREE ||
	    git_tree_lookup(&top, s->repo, git_tree_entry_id(te)) < 0)
		return 0;
	n = git_tree_entrycount(top);
	for (i = 0; i < n && rc == 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(top, i);

		if (git_tree_entry_type(e) != GIT_OBJECT_TREE ||
		    git_tree_lookup(&shard, s->repo, git_tree_entry_id(e)) < 0)
			continue;
		rc = walk_shard(shard, t, git_tree_entry_name(e), cb, data);
		git_tree_free(shard);
	}
	git_tree_free(top);
	return rc;
}

int crm_store_walk(struct crm_store *s, git_tree *root, unsigned mask,
		   crm_blob_cb cb, void *data)
{
	int i, rc = 0;

	for (i = 0; i < CRM_NTYPES && rc == 0; i++)
		if (mask & CRM_TYPE_BIT(i))
			rc = walk_type(s, root, (enum crm_type)i, cb, data);
	return rc;
}

/* What crm_store_foreach passes through crm_store_walk. */
struct foreach {
	struct crm_store *s;
	crm_record_cb cb;
	void *data;
};

/* Blob callback of crm_store_foreach: parses the record for cb. */
static int parse_blob(const char *path, const git_oid *oid, void *data)
{
	struct foreach *f = data;
	struct crm_record *rec = NULL;
	struct crm_err ferr = {0};
	git_blob *blob;
	int rc;

	if (git_blob_lookup(&blob, f->s->repo, oid) < 0) {
		crm_git_error(&ferr, path);
	} else {
		crm_store_parse_path(f->s, path, git_blob_rawcontent(blob),
				     (size_t)git_blob_rawsize(blob), &rec, &ferr);
		git_blob_free(blob);
	}
	rc = f->cb(rec, path, rec ? NULL : &ferr, f->data);
	crm_record_free(rec);
	return rc;
}

int crm_store_foreach(struct crm_store *s, unsigned mask, crm_record_cb cb,
		      void *data, struct crm_err *err)
{
	struct foreach f = {s, cb, data};
	git_tree *root;
	int rc;

	if ((rc = crm_store_head_tree(s, &root, err)) || root == NULL)
		return rc;
	return crm_store_walk(s, root, mask, parse_blob, &f);
}
