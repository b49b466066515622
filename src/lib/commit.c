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

#include <git2/sys/odb_backend.h>

#include "store-internal.h"

struct txn_change {
	char *path;     /* repository-relative */
	char *buf;      /* new content; NULL when removed */
	size_t len;
	git_oid blob;
	struct crm_record *rec; /* a record to write: checked and
				   serialised into buf by txn_prepare */
	struct crm_record *before; /* HEAD's version, when the caller gave
				      it (crm_txn_put_change) */
	bool has_before;
	bool has_base;  /* the writer said what the file held (crm_txn_expect) */
	bool base_gone; /* ... and that it held nothing */
	git_oid base;
};

struct crm_txn {
	struct crm_store *s;
	struct txn_change *ch;
	size_t n, cap;
	size_t *slots;           /* hash of the paths: index + 1, 0 empty */
	size_t nslots;           /* a power of two, > 2 * n */
	struct crm_buf trailers; /* "Key: value\n" lines */
	crm_txn_publish_cb publish;
	void *publish_data;
	bool allow_dangling; /* crm_txn_allow_dangling */
	bool no_rules;       /* crm_txn_set_rules(t, false) */
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
		crm_record_free(t->ch[i].rec);
		crm_record_free(t->ch[i].before);
	}
	free(t->ch);
	free(t->slots);
	crm_buf_free(&t->trailers);
	free(t);
}

void crm_txn_add_trailer(struct crm_txn *t, const char *key,
			 const char *value)
{
	crm_buf_addf(&t->trailers, "%s: %s\n", key, value);
}

void crm_txn_on_publish(struct crm_txn *t, crm_txn_publish_cb cb, void *data)
{
	t->publish = cb;
	t->publish_data = data;
}

size_t crm_txn_count(const struct crm_txn *t)
{
	return t->n;
}

/* The slot of path in t's hash: where it is, or the empty one where it
 * goes. */
static size_t *slot_for(struct crm_txn *t, const char *path)
{
	size_t i = crm_hash(path, strlen(path)) & (t->nslots - 1);

	while (t->slots[i] && strcmp(t->ch[t->slots[i] - 1].path, path) != 0)
		i = (i + 1) & (t->nslots - 1);
	return &t->slots[i];
}

/* Makes room in the hash for one more path (a bulk change queues
 * thousands: one lookup each, not a scan of those before). */
static void grow_slots(struct crm_txn *t)
{
	size_t i;

	if (2 * (t->n + 1) < t->nslots)
		return;
	t->nslots = t->nslots ? t->nslots * 2 : 16;
	free(t->slots);
	t->slots = crm_xcalloc(t->nslots, sizeof(size_t));
	for (i = 0; i < t->n; i++)
		*slot_for(t, t->ch[i].path) = i + 1;
}

/* The change for path, added if new (emptied if queued before). */
static struct txn_change *change_for(struct crm_txn *t, const char *path)
{
	size_t *slot;

	grow_slots(t);
	slot = slot_for(t, path);
	if (*slot) {
		struct txn_change *c = &t->ch[*slot - 1];

		free(c->buf);
		c->buf = NULL;
		crm_record_free(c->rec);
		crm_record_free(c->before);
		c->rec = c->before = NULL;
		c->has_before = false;
		return c;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 4;
		t->ch = crm_xrealloc(t->ch, t->cap * sizeof(*t->ch));
	}
	memset(&t->ch[t->n], 0, sizeof(t->ch[t->n]));
	t->ch[t->n].path = crm_xstrdup(path);
	*slot = ++t->n;
	return &t->ch[t->n - 1];
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
	char path[64];

	if (!crm_record_path(r->type, r->id, path, sizeof(path)))
		return crm_seterr(err, CRM_ERR, _("invalid id '%s'"), r->id);
	change_for(t, path)->rec = crm_record_dup(r);
	return CRM_OK;
}

int crm_txn_put_change(struct crm_txn *t, const struct crm_record *before,
		       const struct crm_record *r, struct crm_err *err)
{
	char path[64];
	struct txn_change *c;

	if (!crm_record_path(r->type, r->id, path, sizeof(path)))
		return crm_seterr(err, CRM_ERR, _("invalid id '%s'"), r->id);
	c = change_for(t, path);
	c->rec = crm_record_dup(r);
	c->before = before ? crm_record_dup(before) : NULL;
	c->has_before = true;
	return CRM_OK;
}

int crm_txn_take_change(struct crm_txn *t, struct crm_record *before,
			struct crm_record *r, struct crm_err *err)
{
	char path[64];
	struct txn_change *c;

	if (!crm_record_path(r->type, r->id, path, sizeof(path))) {
		crm_seterr(err, CRM_ERR, _("invalid id '%s'"), r->id);
		crm_record_free(before);
		crm_record_free(r);
		return CRM_ERR;
	}
	c = change_for(t, path);
	c->rec = r;
	c->before = before;
	c->has_before = true;
	return CRM_OK;
}

/* The path of record r's file in buf. */
static const char *path_of(const struct crm_record *r, char *buf, size_t size)
{
	crm_record_path(r->type, r->id, buf, size);
	return buf;
}

/* Runs the change pass on each record queued, serialising it (change.c,
 * txncheck.c), with the tasks the automation rules make, and checks a
 * changed crm.yaml against the store. */
static int txn_prepare(struct crm_txn *t, struct crm_err *err)
{
	struct crm_txn_item *items = crm_xcalloc(t->n + 1, sizeof(*items));
	struct crm_txn_made made = {0};
	char path[64];
	size_t i;
	int rc;

	for (i = 0; i < t->n; i++) {
		items[i].path = t->ch[i].path;
		items[i].rec = t->ch[i].rec;
		items[i].before = t->ch[i].before;
		items[i].has_before = t->ch[i].has_before;
		items[i].buf = t->ch[i].buf;
		items[i].len = t->ch[i].len;
	}
	rc = crm_txn_check_rules(t->s, items, t->n, t->allow_dangling,
				 t->no_rules ? NULL : &made, err);
	free(items);
	/* the tasks the automation made join the commit, checked already */
	for (i = 0; rc == CRM_OK && i < made.n; i++) {
		change_for(t, path_of(made.recs[i], path, sizeof(path)))->rec =
			made.recs[i];
		made.recs[i] = NULL;
	}
	if (rc == CRM_OK && made.trailers.len)
		crm_buf_add(&t->trailers, made.trailers.s, made.trailers.len);
	crm_txn_made_free(&made);
	for (i = 0; rc == CRM_OK && i < t->n; i++) {
		if (t->ch[i].rec == NULL)
			continue;
		rc = crm_record_serialize(t->ch[i].rec, &t->ch[i].buf,
					  &t->ch[i].len, err);
		crm_record_free(t->ch[i].rec);
		t->ch[i].rec = NULL;
	}
	return rc;
}

void crm_txn_set_rules(struct crm_txn *t, bool on)
{
	t->no_rules = !on;
}

void crm_txn_expect(struct crm_txn *t, const char *path, const char *buf,
		    size_t len)
{
	struct txn_change *c = NULL;
	size_t i;

	for (i = 0; i < t->n && c == NULL; i++)
		if (strcmp(t->ch[i].path, path) == 0)
			c = &t->ch[i];
	if (c == NULL)
		return;
	c->has_base = true;
	c->base_gone = buf == NULL;
	if (buf && git_odb_hash(&c->base, buf, len, GIT_OBJECT_BLOB) < 0)
		c->has_base = false; /* HEAD's content is then expected */
}

void crm_txn_expect_current(struct crm_txn *t, const char *path)
{
	char *buf;
	size_t len;

	if (crm_path_read(t->s->root, path, &buf, &len) != 0) {
		if (errno == ENOENT)
			crm_txn_expect(t, path, NULL, 0);
		return; /* the check before writing reports the error */
	}
	crm_txn_expect(t, path, buf, len);
	free(buf);
}

void crm_txn_allow_dangling(struct crm_txn *t)
{
	t->allow_dangling = true;
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

/*
 * A transaction of at least this many files is a bulk change: its
 * objects are written as one pack, not as loose files (each of which
 * costs a file of its own now and its packing later), and its work-tree
 * files are rewritten in place (see write_inplace).
 */
#define BULK_MIN 256

/* Writes the blob of c into repo, or, when mp is not NULL, straight into
 * that mempack backend of repo: git_blob_create_from_buffer would first
 * look for it in every pack of the store, and rescan the pack directory
 * when it is in none, as a new blob never is. */
static int write_blob(git_repository *repo, git_odb_backend *mp,
		      struct txn_change *c)
{
	if (mp == NULL)
		return git_blob_create_from_buffer(&c->blob, repo, c->buf,
						   c->len);
	if (git_odb_hash(&c->blob, c->buf, c->len, GIT_OBJECT_BLOB) < 0)
		return -1;
	return mp->write(mp, &c->blob, c->buf, c->len, GIT_OBJECT_BLOB);
}

/* Writes the blobs and the commit object on top of parent (NULL: none)
 * into repo (the store's, or one writing into the mempack backend mp,
 * else NULL). */
static int make_commit(struct crm_txn *t, git_repository *repo,
		       git_odb_backend *mp, const git_oid *parent_oid,
		       const char *message, git_oid *out, struct crm_err *err)
{
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

		if (c->buf && write_blob(repo, mp, c) < 0)
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

/* The objects a bulk change packs: those the store lacks, once each. */
struct new_objects {
	struct crm_packs *packs; /* the store's packs before the change */
	git_oid *oid;
	size_t n, cap;
};

/* Adds oid to l unless the store has it in a pack.  (One it has loose,
 * rare, is packed again: two copies of an object do no harm, and the
 * store's odb would look for each id with a system call.) */
static void add_if_new(struct new_objects *l, const git_oid *oid)
{
	if (crm_packs_key(l->packs, oid) != UINT64_MAX)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->oid = crm_xrealloc(l->oid, l->cap * sizeof(*l->oid));
	}
	l->oid[l->n++] = *oid;
}

/* Adds to l the trees of root on the way to path, but for the
 * directories path shares with prev (the path before it in sorted order,
 * or NULL), added with it.  A directory root no longer has (all its
 * files removed) is left out.  False when path is too long. */
static bool add_dirs(struct new_objects *l, git_tree *root, const char *path,
		     const char *prev)
{
	const char *slash;
	char dir[PATH_MAX];
	git_tree_entry *e;
	size_t len;

	for (slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		len = (size_t)(slash - path);
		if (prev && strncmp(prev, path, len + 1) == 0)
			continue;
		if (len >= sizeof(dir))
			return false;
		memcpy(dir, path, len);
		dir[len] = '\0';
		if (git_tree_entry_bypath(&e, root, dir) < 0)
			continue;
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
			add_if_new(l, git_tree_entry_id(e));
		git_tree_entry_free(e);
	}
	return true;
}

/* Orders changes by path (qsort of pointers to them). */
static int by_path(const void *a, const void *b)
{
	const struct txn_change *x = *(const struct txn_change *const *)a;
	const struct txn_change *y = *(const struct txn_change *const *)b;

	return strcmp(x->path, y->path);
}

/* Orders pointers to object ids by id, then by place. */
static int by_oid(const void *a, const void *b)
{
	const git_oid *x = *(const git_oid *const *)a;
	const git_oid *y = *(const git_oid *const *)b;
	int c = memcmp(x->id, y->id, GIT_OID_RAWSZ);

	return c ? c : x < y ? -1 : x > y;
}

/* Drops from l the ids it holds twice (two files of the same text),
 * keeping the first of each and the order. */
static void drop_twice(struct new_objects *l)
{
	const git_oid **s = crm_xcalloc(l->n + 1, sizeof(*s));
	bool *drop = crm_xcalloc(l->n + 1, sizeof(*drop));
	size_t i, k;

	for (i = 0; i < l->n; i++)
		s[i] = &l->oid[i];
	qsort(s, l->n, sizeof(*s), by_oid);
	for (i = 1; i < l->n; i++)
		if (git_oid_equal(s[i], s[i - 1]))
			drop[s[i] - l->oid] = true;
	for (i = k = 0; i < l->n; i++)
		if (!drop[i])
			l->oid[k++] = l->oid[i];
	l->n = k;
	free(s);
	free(drop);
}

/* Adds to l what the commit (whose tree is root) brings that the store
 * lacks: the commit, that tree, the trees on the way to each changed
 * file and the blobs written, in that order.  Nothing else of the tree
 * is read.  False when a path is too long. */
static bool add_changed(struct crm_txn *t, struct new_objects *l,
			const git_oid *commit, git_tree *root)
{
	const struct txn_change **sorted = crm_xcalloc(t->n + 1,
						       sizeof(*sorted));
	const char *prev = NULL;
	size_t i;
	bool ok = true;

	for (i = 0; i < t->n; i++)
		sorted[i] = &t->ch[i];
	qsort(sorted, t->n, sizeof(*sorted), by_path);
	add_if_new(l, commit);
	add_if_new(l, git_tree_id(root));
	for (i = 0; i < t->n && ok; i++) {
		ok = add_dirs(l, root, sorted[i]->path, prev);
		prev = sorted[i]->path;
	}
	for (i = 0; i < t->n && ok; i++)
		if (sorted[i]->buf)
			add_if_new(l, &sorted[i]->blob);
	free(sorted);
	if (ok)
		drop_twice(l);
	return ok;
}

/*
 * Writes into the store, as one pack, the commit oid made in the
 * repository mem and the new objects it needs, each whole: a delta
 * search among them (what git_packbuilder does) took longer than all
 * the rest of the commit and saved 2% of the pack, since each is the
 * only version of its file there.  (git_mempack_dump would pack the
 * commit's whole tree: every record of the store, read back from its
 * packs.)
 */
static int pack_commit(struct crm_txn *t, git_repository *mem,
		       const git_oid *oid, struct crm_err *err)
{
	struct new_objects l = {0};
	git_commit *commit = NULL;
	git_tree *root = NULL;
	git_odb *memodb = NULL, *odb = NULL;
	int rc;

	l.packs = crm_packs_open(t->s->gitdir);
	if (git_repository_odb(&memodb, mem) < 0 ||
	    git_commit_lookup(&commit, mem, oid) < 0 ||
	    git_commit_tree(&root, commit) < 0) {
		rc = crm_git_error(err, _("cannot write the commit"));
		goto out;
	}
	if (!add_changed(t, &l, oid, root)) {
		rc = crm_seterr(err, CRM_ERR, _("cannot write the commit"));
		goto out;
	}
	rc = crm_pack_write(t->s->gitdir, memodb, l.oid, l.n, err);
	if (rc == CRM_OK && (git_repository_odb(&odb, t->s->repo) < 0 ||
			     git_odb_refresh(odb) < 0))
		rc = crm_git_error(err, _("cannot write the commit"));
out:
	free(l.oid);
	crm_packs_close(l.packs);
	git_tree_free(root);
	git_commit_free(commit);
	git_odb_free(memodb);
	git_odb_free(odb);
	return rc;
}

/*
 * make_commit for a bulk change: the objects are made in memory (a
 * repository on the store's objects whose new ones go into a mempack
 * backend), then the new ones are written as one pack.
 */
static int make_commit_packed(struct crm_txn *t, const git_oid *parent_oid,
			      const char *message, git_oid *out,
			      struct crm_err *err)
{
	git_repository *mem;
	git_odb_backend *mp;
	int rc;

	if ((rc = crm_store_mem_repo(t->s, &mem, &mp, err)))
		return rc;
	rc = make_commit(t, mem, mp, parent_oid, message, out, err);
	if (rc == CRM_OK)
		rc = pack_commit(t, mem, out, err);
	git_mempack_reset(mp);
	git_repository_free(mem);
	return rc;
}

/* Writes buf to a new file under tmpdir (.git/crm, on the same file
 * system, never seen in the work tree); its path into tmp. */
static int write_tmp(const char *tmpdir, char *tmp, size_t size,
		     const char *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	if (snprintf(tmp, size, "%s/write-%ld.tmp", tmpdir, (long)getpid()) >=
	    (int)size)
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
	if (close(fd) == 0)
		return 0;
	fd = -1;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

/*
 * Rewrites an existing file with buf in place (no truncation
 * to zero, no rename): on ext4 replacing a file either way forces its
 * data to disk at once (auto_da_alloc), about a millisecond a file, ten
 * seconds for a bulk change of ten thousand.  Not atomic for a reader,
 * but safe against a crash: the journal names the file, and the next
 * writer rewrites it.  The file is base of directory dirfd (a link is
 * not followed).  -1 (errno ENOENT) when there is no such file.
 */
static int write_inplace(int dirfd, const char *base, const char *buf,
			 size_t len)
{
	size_t off = 0;
	ssize_t n;
	int fd = openat(dirfd, base, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto fail;
	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (ftruncate(fd, (off_t)len) != 0)
		goto fail;
	return close(fd);
fail:
	close(fd);
	return -1;
}

/* Replaces the file base of directory dirfd with buf atomically: written
 * under tmpdir, then renamed into place (a link at base is replaced, not
 * followed). */
static int write_atomic_at(const char *tmpdir, int dirfd, const char *base,
			   const char *buf, size_t len)
{
	char tmp[PATH_MAX];
	int saved;

	if (write_tmp(tmpdir, tmp, sizeof(tmp), buf, len) != 0)
		return -1;
	if (renameat(AT_FDCWD, tmp, dirfd, base) == 0)
		return 0;
	saved = errno;
	unlink(tmp);
	errno = saved;
	return -1;
}

/* write_atomic_at() for the file at full path (below .git). */
static int write_atomic(const char *tmpdir, const char *full, const char *buf,
			size_t len)
{
	return write_atomic_at(tmpdir, AT_FDCWD, full, buf, len);
}

/* .git/crm, created if needed, into buf. */
static const char *tmp_dir(const struct crm_store *s, char *buf, size_t size)
{
	snprintf(buf, size, "%s/crm", s->gitdir);
	mkdir(buf, 0777);
	return buf;
}

/* Removes the work-tree file path, then its directory if that is empty
 * now, following no link below the store's top. */
static int remove_file(const struct crm_store *s, const char *path)
{
	char dir[PATH_MAX], *slash;
	const char *base;
	int fd, rc;

	if ((fd = crm_path_parent(s->root, path, false, &base)) < 0)
		return errno == ENOENT ? 0 : -1;
	rc = unlinkat(fd, base, 0) != 0 && errno != ENOENT ? -1 : 0;
	close(fd);
	if (rc != 0 || snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir) ||
	    (slash = strrchr(dir, '/')) == NULL)
		return rc;
	*slash = '\0';
	if ((fd = crm_path_parent(s->root, dir, false, &base)) >= 0) {
		unlinkat(fd, base, AT_REMOVEDIR); /* only once the shard is empty */
		close(fd);
	}
	return 0;
}

/* The directory a bulk change last wrote in, kept open for the next
 * file of the same shard. */
struct dir_cache {
	char dir[PATH_MAX]; /* its path below the top, "" when none */
	int fd;
};

/* The descriptor of the directory holding path (created if missing and
 * create is set, following no link below the store's top), through c;
 * *base is path's last component.  -1 with errno set on failure.  Not
 * to be closed. */
static int parent_fd(const struct crm_store *s, struct dir_cache *c,
		     const char *path, bool create, const char **base)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (c->fd >= 0 && n < sizeof(c->dir) && strlen(c->dir) == n &&
	    strncmp(c->dir, path, n) == 0) {
		*base = slash ? slash + 1 : path;
		return c->fd;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->dir[0] = '\0';
	if ((c->fd = crm_path_parent(s->root, path, create, base)) < 0)
		return -1;
	if (n < sizeof(c->dir)) {
		memcpy(c->dir, path, n);
		c->dir[n] = '\0';
	}
	return c->fd;
}

/* Writes the work-tree file path with buf, creating its directories,
 * following no link below the store's top, in the directory c keeps
 * open; with bulk (a bulk change), an existing file is rewritten in
 * place (write_inplace). */
static int put_file(const struct crm_store *s, struct dir_cache *c,
		    const char *tmpdir, const char *path, const char *buf,
		    size_t len, bool bulk)
{
	const char *base;
	int fd;

	if ((fd = parent_fd(s, c, path, true, &base)) < 0)
		return -1;
	if (bulk && len > 0 && write_inplace(fd, base, buf, len) == 0)
		return 0;
	return write_atomic_at(tmpdir, fd, base, buf, len);
}

/* put_file of one file, replaced atomically. */
static int put_one(const struct crm_store *s, const char *tmpdir,
		   const char *path, const char *buf, size_t len)
{
	struct dir_cache dc = {"", -1};
	int rc = put_file(s, &dc, tmpdir, path, buf, len, false), saved = errno;

	if (dc.fd >= 0)
		close(dc.fd);
	errno = saved;
	return rc;
}

/* Orders places in sort_changes by their paths (qsort). */
static const struct txn_change *sort_changes;
static int change_order(const void *a, const void *b)
{
	return strcmp(sort_changes[*(const size_t *)a].path,
		      sort_changes[*(const size_t *)b].path);
}

/* Brings the work tree to the transaction's content, in the order of the
 * paths, so that the files of one shard are written one after the other
 * in the directory kept open. */
static int write_worktree(struct crm_txn *t, struct crm_err *err)
{
	struct dir_cache dc = {"", -1};
	char tmp[PATH_MAX];
	size_t i, *order = crm_xcalloc(t->n + 1, sizeof(*order));
	int rc = CRM_OK;

	tmp_dir(t->s, tmp, sizeof(tmp));
	for (i = 0; i < t->n; i++)
		order[i] = i;
	sort_changes = t->ch;
	qsort(order, t->n, sizeof(*order), change_order);
	for (i = 0; i < t->n && rc == CRM_OK; i++) {
		struct txn_change *c = &t->ch[order[i]];

		if (c->buf == NULL && dc.fd >= 0) {
			close(dc.fd); /* a removal may remove its directory */
			dc.fd = -1;
		}
		if ((c->buf ? put_file(t->s, &dc, tmp, c->path, c->buf, c->len,
				       t->n >= BULK_MIN)
			    : remove_file(t->s, c->path)) != 0)
			rc = crm_seterr(err, CRM_ERR, _("cannot write '%s': %s"),
					c->path, crm_path_strerror(errno));
	}
	if (dc.fd >= 0)
		close(dc.fd);
	free(order);
	return rc;
}

/* Puts the files the transaction touched back as they are in tree.
 * Returns -1 when one could not be (the journal then stays, for the next
 * writer to finish). */
static int restore_worktree(struct crm_txn *t, git_tree *tree)
{
	char tmp[PATH_MAX], *buf;
	size_t i, len;
	int ret = 0;

	tmp_dir(t->s, tmp, sizeof(tmp));
	for (i = 0; i < t->n; i++) {
		if (crm_tree_read(t->s->repo, tree, t->ch[i].path, &buf, &len,
				  NULL) != CRM_OK) {
			if (remove_file(t->s, t->ch[i].path) != 0)
				ret = -1;
			continue;
		}
		if (put_one(t->s, tmp, t->ch[i].path, buf, len) != 0)
			ret = -1;
		free(buf);
	}
	return ret;
}

/* The blob id the work tree should hold at c's path for the write to
 * lose nothing: what the writer said it started from, else HEAD's.
 * False when that is no file at all. */
static bool expected_blob(const struct txn_change *c, git_tree *head,
			  git_oid *oid)
{
	git_tree_entry *e;

	if (c->has_base) {
		*oid = c->base;
		return !c->base_gone;
	}
	if (head == NULL || git_tree_entry_bypath(&e, head, c->path) < 0)
		return false;
	*oid = *git_tree_entry_id(e);
	git_tree_entry_free(e);
	return true;
}

/* Refuses, naming it, a file the transaction would overwrite or remove
 * whose work-tree content is not what the writer started from: a hand
 * edit not committed yet is never discarded. */
/* Opens the regular file path for reading through the directory dc
 * keeps, following no link below the store's top; -1 with errno set
 * (ENOENT when it or its directory is missing). */
static int open_file(const struct crm_store *s, struct dir_cache *dc,
		     const char *path)
{
	const char *base;
	struct stat st;
	int dirfd = parent_fd(s, dc, path, false, &base), fd;

	if (dirfd < 0)
		return -1;
	fd = openat(dirfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = CRM_ENOTREG;
		return -1;
	}
	return fd;
}

static int check_one(struct crm_txn *t, struct dir_cache *dc,
		     const struct txn_change *c, git_tree *head,
		     struct crm_err *err)
{
	git_oid want, have;
	bool want_file = expected_blob(c, head, &want), have_file = true;
	char *buf;
	size_t len;
	int fd, rc;

	/* the whole file, however large: a record too large to parse
	 * still has to match HEAD's to be removed */
	fd = open_file(t->s, dc, c->path);
	if (fd < 0 || crm_read_fd(fd, SIZE_MAX, &buf, &len) != 0) {
		if (errno != ENOENT)
			return crm_seterr(err, CRM_ERR, _("cannot write '%s': %s"),
					  c->path, crm_path_strerror(errno));
		have_file = false;
	} else {
		rc = git_odb_hash(&have, buf, len, GIT_OBJECT_BLOB);
		free(buf);
		if (rc < 0)
			return crm_git_error(err, _("cannot read the work tree"));
	}
	if (want_file == have_file && (!have_file || git_oid_equal(&want, &have)))
		return CRM_OK;
	return crm_seterr(err, CRM_ERR,
			  _("'%s' has changes that are not committed; crm "
			    "will not overwrite them\nhint: run 'crm commit' "
			    "to keep them, or 'git checkout -- %s' to drop "
			    "them"), c->path, c->path);
}

int crm_txn_check_worktree(struct crm_txn *t, git_tree *head,
			   struct crm_err *err)
{
	struct dir_cache dc = {"", -1};
	size_t i, *order = crm_xcalloc(t->n + 1, sizeof(*order));
	int rc = CRM_OK;

	for (i = 0; i < t->n; i++)
		order[i] = i;
	sort_changes = t->ch;
	qsort(order, t->n, sizeof(*order), change_order);
	for (i = 0; i < t->n && rc == CRM_OK; i++)
		rc = check_one(t, &dc, &t->ch[order[i]], head, err);
	if (dc.fd >= 0)
		close(dc.fd);
	free(order);
	return rc;
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

/* Writes to oid the blob of the work-tree file c started from, when it
 * is a hand edit (not HEAD's version, head_tree may be NULL), or the zero
 * id when the hand edit removed the file.  False when the file is HEAD's
 * or its text could not be kept. */
static bool keep_hand_edit(struct crm_txn *t, const struct txn_change *c,
			   git_tree *head_tree, git_oid *oid)
{
	git_oid head;
	char *buf;
	size_t len;
	bool in_head = expected_blob(&(struct txn_change){.path = c->path},
				     head_tree, &head);
	int rc;

	if (!c->has_base)
		return false;
	if (c->base_gone) {
		memset(oid, 0, sizeof(*oid));
		return in_head;
	}
	if (in_head && git_oid_equal(&head, &c->base))
		return false;
	if (crm_path_read(t->s->root, c->path, &buf, &len) != 0)
		return false;
	rc = git_blob_create_from_buffer(oid, t->s->repo, buf, len);
	free(buf);
	return rc == 0 && git_oid_equal(oid, &c->base);
}

/* Writes the journal for t, whose work tree is compared with head_tree:
 * "path P" for a file the recovery puts back to HEAD's version, and
 * "keep BASE NEW P" for a hand edit the write started from: the blob the
 * user's file held and the one the write gives it (zero ids: no file),
 * so that the recovery puts the user's text back unless the commit
 * landed. */
static int journal_write(struct crm_txn *t, git_tree *head_tree,
			 struct crm_err *err)
{
	struct crm_buf b = {0};
	char path[PATH_MAX], tmp[PATH_MAX];
	char base[GIT_OID_HEXSZ + 1], new[GIT_OID_HEXSZ + 1];
	git_oid kept, none = {{0}};
	size_t i;
	int rc = CRM_OK;

	for (i = 0; i < t->n; i++) {
		const struct txn_change *c = &t->ch[i];

		if (!keep_hand_edit(t, c, head_tree, &kept)) {
			crm_buf_addf(&b, "path %s\n", c->path);
			continue;
		}
		git_oid_tostr(base, sizeof(base), &kept);
		git_oid_tostr(new, sizeof(new), c->buf ? &c->blob : &none);
		crm_buf_addf(&b, "keep %s %s %s\n", base, new, c->path);
	}
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
 * transaction's own.  The subject is one line: a line break a record's
 * name brings into it becomes a space, so that no name can write a
 * trailer of its own (a "Crm-Undoes:" line would hide a commit from
 * crm undo). */
static char *commit_message(const struct crm_txn *t, const char *subject,
			    const char *command)
{
	struct crm_buf b = {0};
	size_t len = strlen(subject), i;

	/* a subject cut to a buffer by its caller may end inside a
	 * character: drop the part, git log must stay UTF-8 */
	while (len > 0 && !crm_utf8_valid(subject, len))
		len--;
	for (i = 0; i < len; i++)
		crm_buf_addc(&b, subject[i] == '\n' || subject[i] == '\r'
			     ? ' ' : subject[i]);
	crm_buf_addf(&b, "\n\nCrm-Command: %s\n", command);
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
	if (t->n >= BULK_MIN)
		rc = make_commit_packed(t, *head_tree ? parent : NULL, message,
					oid, err);
	else
		rc = make_commit(t, s->repo, NULL, *head_tree ? parent : NULL,
				 message, oid, err);
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
	char *message = NULL;
	struct crm_index_lock lk = {.fd = -1};
	git_tree *head_tree;
	git_oid commit_oid, parent;
	bool output_ok = true;
	int rc;
	double t0;

	memset(tm, 0, sizeof(*tm));
	if ((rc = crm_store_check_writable(s, err)) ||
	    (rc = txn_prepare(t, err)))
		goto out;
	/* after the rules ran: their trailers are part of the message */
	message = commit_message(t, subject, command);
	if ((rc = build_commit(t, message, &head_tree, &parent, &commit_oid,
			       err))) {
		say_disk_full(s, rc, errno, err);
		goto out;
	}
	if ((rc = crm_txn_check_worktree(t, head_tree, err)))
		goto out;
	if ((rc = journal_write(t, head_tree, err))) {
		say_disk_full(s, rc, errno, err);
		goto out;
	}
	t0 = crm_now_ms();
	rc = write_worktree(t, err);
	tm->worktree_ms = crm_now_ms() - t0;
	if (rc == CRM_OK)
		rc = crm_gitindex_lock(s->gitdir, &lk, err);
	if (rc == CRM_OK && t->publish &&
	    (rc = t->publish(t->publish_data, err)) != CRM_OK)
		output_ok = false; /* its own message: the output failed */
	if (rc == CRM_OK)
		rc = advance_head(t, message, subject, &head_tree, &parent,
				  &commit_oid, err);
	if (rc) {
		if (output_ok)
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

/* Reads the id at *p (40 hex digits and a space) into oid and moves *p
 * past it.  False when there is none. */
static bool parse_oid(const char **p, git_oid *oid)
{
	char hex[GIT_OID_HEXSZ + 1];

	if (strlen(*p) < GIT_OID_HEXSZ + 1 || (*p)[GIT_OID_HEXSZ] != ' ')
		return false;
	memcpy(hex, *p, GIT_OID_HEXSZ);
	hex[GIT_OID_HEXSZ] = '\0';
	*p += GIT_OID_HEXSZ + 1;
	return git_oid_fromstr(oid, hex) == 0;
}

/* Acts on a journal line "keep BASE NEW PATH" of a killed write that
 * started from a hand edit: unless HEAD holds NEW at PATH (the commit
 * landed), puts the user's file back as BASE had it, in the work tree
 * only, as git's index still has HEAD's version.  Returns 0 when done,
 * 1 when the file is instead to be put back to HEAD's version (*path set),
 * -1 when the file could not be written. */
static int restore_hand_edit(struct crm_store *s, git_tree *tree,
			     const char *line, const char **path)
{
	struct txn_change probe = {0};
	git_oid base, new, head;
	git_blob *blob;
	char tmp[PATH_MAX];
	bool in_head;
	int rc;

	*path = line + 5;
	if (!parse_oid(path, &base) || !parse_oid(path, &new))
		return **path ? 1 : 0;
	probe.path = (char *)*path;
	in_head = expected_blob(&probe, tree, &head);
	if (in_head ? git_oid_equal(&head, &new) : git_oid_is_zero(&new))
		return 1;
	if (git_oid_is_zero(&base))
		return remove_file(s, *path) == 0 ? 0 : -1;
	if (git_blob_lookup(&blob, s->repo, &base) < 0)
		return 1; /* the text is gone: HEAD's is all there is */
	rc = put_one(s, tmp_dir(s, tmp, sizeof(tmp)), *path,
		     git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return rc == 0 ? 0 : -1;
}

/* Queues, for each journal path, the content HEAD has for it; puts hand
 * edits back (restore_hand_edit). */
static int queue_head_versions(struct crm_txn *t, char *journal,
			       unsigned long *lock_ino, struct crm_err *err)
{
	git_tree *tree;
	char *line, *save = NULL, *buf;
	const char *path;
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
		if (strncmp(line, "path ", 5) == 0)
			path = line + 5;
		else if (strncmp(line, "keep ", 5) != 0)
			continue;
		else if ((rc = restore_hand_edit(t->s, tree, line, &path)) < 0)
			return crm_seterr(err, CRM_ERR,
					  _("cannot write '%s': %s"), path,
					  crm_path_strerror(errno));
		else if (rc == 0)
			continue;
		if (crm_tree_read(t->s->repo, tree, path, &buf, &len,
				  NULL) == CRM_OK) {
			crm_txn_put_raw(t, path, buf, len);
			free(buf);
		} else {
			crm_txn_delete_path(t, path);
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
