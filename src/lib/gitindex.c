/*
 * gitindex.c - bring .git/index up to date after a commit made without a
 * checkout, by splicing the changed entries into the index file itself.
 *
 * libgit2 parses the whole index into memory and writes it back, which
 * costs ~200 ms at 100k entries.  The index file is a sorted list of
 * variable-length entries; a commit of a few records changes a few of
 * them.  So the file is mapped, the unchanged runs of entries are written
 * out of the mapping as they are (one writev), the changed entries are
 * built from lstat() as git builds them, and the checksum is recomputed.
 * The mapping is safe from truncation because git writes the index only
 * by renaming index.lock over it, and we hold index.lock.  Only versions 2 and 3 are
 * handled; anything else (version 4, split index, sparse index, conflict
 * stages on a changed path) returns CRM_EUSAGE so that the caller falls
 * back to libgit2.
 *
 * The format: Documentation/gitformat-index.txt in git.
 */
#ifndef _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "crm.h"

#define HDR_SIZE 12
#define SHA_SIZE 20
#define ENTRY_FIXED 62          /* stat data, oid and flags */
#define FLAG_EXTENDED 0x4000
#define FLAG_STAGE_MASK 0x3000
#define FLAG_STAGE_SHIFT 12
#define NAME_MASK 0x0fff
#define LOCK_TRIES 50           /* times LOCK_WAIT_NS: about one second */
#define LOCK_WAIT_NS 20000000L

/* The old index file, mapped read-only. */
struct index_file {
	const unsigned char *data;
	size_t len;
	unsigned version;
	uint32_t count;
	struct stat st;         /* its stat data when mapped */
	bool known;             /* it is the file crm wrote last, unchanged */
};

/* One entry of the old file, as found by entry_parse(). */
struct entry {
	const char *name;
	size_t namelen;
	unsigned stage;
	size_t size;            /* bytes from its start to the next entry */
};

/*
 * The new file being built, as pieces: iov[0] is the header, then runs of
 * the old mapping and new entries (built in fresh, which has room for all
 * of them and never moves), then the trailer.
 */
struct out {
	struct iovec *iov;
	size_t niov;
	size_t cap;
	unsigned char hdr[HDR_SIZE];
	unsigned char *fresh;
	size_t freshlen;
	unsigned char trailer[SHA_SIZE];
	uint32_t count;
};

/* Reads a big-endian 32-bit value at p. */
static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Reads a big-endian 16-bit value at p. */
static unsigned get_be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Writes v big-endian at p. */
static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Writes v big-endian at p. */
static void put_be16(unsigned char *p, unsigned v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/*
 * Orders two changes by path bytes (the index order); equal paths keep
 * their order in the caller's array, so that the last one can win.
 */
static int change_cmp(const void *a, const void *b)
{
	const struct crm_index_change *x = *(const struct crm_index_change **)a;
	const struct crm_index_change *y = *(const struct crm_index_change **)b;
	int c = strcmp(x->path, y->path);

	if (c != 0)
		return c;
	return (x > y) - (x < y);
}

/*
 * True when path is one git could hold: not empty, relative, no empty
 * component and no ".", ".." or ".git" component.
 */
static bool path_valid(const char *path)
{
	const char *p = path, *slash;
	size_t n;

	for (;;) {
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.') ||
		    (n == 4 && strncasecmp(p, ".git", 4) == 0))
			return false;
		if (slash == NULL)
			return true;
		p = slash + 1;
	}
}

/*
 * Returns a new array of pointers to ch[0..n), sorted by path, with only
 * the last change of each path kept; *m gets its length.  Caller frees.
 * Fails (NULL) on an invalid path.
 */
static const struct crm_index_change **
changes_sort(const struct crm_index_change *ch, size_t n, size_t *m,
	     struct crm_err *err)
{
	const struct crm_index_change **v;
	size_t i, k = 0;

	v = crm_xcalloc(n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		if (ch[i].path == NULL || !path_valid(ch[i].path) ||
		    (!ch[i].remove && ch[i].fullpath == NULL)) {
			crm_seterr(err, CRM_ERR, _("invalid index path '%s'"),
				   ch[i].path ? ch[i].path : "(null)");
			free(v);
			return NULL;
		}
		v[i] = &ch[i];
	}
	qsort(v, n, sizeof(*v), change_cmp);
	for (i = 0; i < n; i++) {
		if (i + 1 < n && strcmp(v[i]->path, v[i + 1]->path) == 0)
			continue;
		v[k++] = v[i];
	}
	*m = k;
	return v;
}

/*
 * Creates lockpath as git does, retrying for about a second while another
 * process holds it, as a second name of holdpath: the lock file never
 * exists unless a file crm owns under .git/crm is the same file, so that
 * a process killed at any instruction leaves a lock that
 * crm_gitindex_remove_stale() can prove its own.  holdpath is created
 * first (O_EXCL), then linked to lockpath (link() fails if lockpath
 * exists, as O_EXCL does).  Returns the descriptor, or -1 with err set
 * and nothing left behind.
 */
static int lock_acquire(const char *gitdir, const char *holdpath,
			const char *lockpath, struct crm_err *err)
{
	struct timespec ts = { 0, LOCK_WAIT_NS };
	int fd, tries, saved;

	fd = open(holdpath, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW |
		  O_CLOEXEC, 0666);
	if (fd < 0 && errno == EEXIST) {
		crm_gitindex_remove_stale(gitdir);
		fd = open(holdpath, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW |
			  O_CLOEXEC, 0666);
	}
	if (fd < 0) {
		crm_seterr(err, CRM_ERR, _("cannot create '%s': %s"), holdpath,
			   strerror(errno));
		return -1;
	}
	for (tries = 0;; tries++) {
		if (link(holdpath, lockpath) == 0)
			return fd;
		if (errno != EEXIST || tries >= LOCK_TRIES)
			break;
		nanosleep(&ts, NULL);
	}
	saved = errno;
	close(fd);
	unlink(holdpath);
	crm_seterr(err, CRM_ERR,
		   _("cannot lock '%s': %s; is another git process running?"),
		   lockpath, strerror(saved));
	return -1;
}

/* gitdir/crm/name into buf; false when it does not fit. */
static bool state_path(const char *gitdir, const char *name, char *buf,
		       size_t size)
{
	int n = snprintf(buf, size, "%s/crm/%s", gitdir, name);

	return n > 0 && (size_t)n < size;
}

void crm_gitindex_remove_stale(const char *gitdir)
{
	char hold[PATH_MAX], lock[PATH_MAX], priv[PATH_MAX];
	struct stat hs, ls;
	int n;

	n = snprintf(lock, sizeof(lock), "%s/index.lock", gitdir);
	if (n < 0 || (size_t)n >= sizeof(lock) ||
	    !state_path(gitdir, CRM_INDEX_HOLD, hold, sizeof(hold)))
		return;
	if (lstat(hold, &hs) != 0)
		return; /* the fallback's files exist only while it does */
	if (lstat(lock, &ls) == 0 && hs.st_dev == ls.st_dev &&
	    hs.st_ino == ls.st_ino)
		unlink(lock);
	unlink(hold);
	if (state_path(gitdir, CRM_INDEX_PRIVATE, priv, sizeof(priv)))
		unlink(priv);
	if (state_path(gitdir, CRM_INDEX_PRIVATE ".lock", priv, sizeof(priv)))
		unlink(priv);
}

/*
 * Maps the file at path into f->data (index_unmap() releases it).
 * Returns CRM_ENOTFOUND when it does not exist.
 */
static int index_map(const char *path, struct index_file *f,
		     struct crm_err *err)
{
	struct stat st;
	void *p;
	int fd, ret = CRM_ERR;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return crm_seterr(err, CRM_ENOTFOUND,
					  _("'%s' does not exist"), path);
		return crm_seterr(err, CRM_ERR, _("cannot open '%s': %s"),
				  path, strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		crm_seterr(err, CRM_ERR, _("cannot read '%s': not a file"),
			   path);
		goto out;
	}
	if (st.st_size < HDR_SIZE + SHA_SIZE) {
		crm_seterr(err, CRM_ERR, _("'%s': not an index file"), path);
		goto out;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ,
		 MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED) {
		crm_seterr(err, CRM_ERR, _("cannot read '%s': %s"), path,
			   strerror(errno));
		goto out;
	}
	f->data = p;
	f->len = (size_t)st.st_size;
	f->st = st;
	ret = CRM_OK;
out:
	close(fd);
	return ret;
}

/* Releases what index_map() mapped, if anything. */
static void index_unmap(struct index_file *f)
{
	if (f->data != NULL)
		munmap((void *)f->data, f->len);
	f->data = NULL;
}

/* SHA-1 of p[0..n) into md.  Returns false when OpenSSL fails. */
static bool sha1(const unsigned char *p, size_t n, unsigned char *md)
{
	unsigned len = 0;

	return EVP_Digest(p, n, md, &len, EVP_sha1(), NULL) == 1 &&
	       len == SHA_SIZE;
}

/*
 * Checks the header and the trailing checksum of f and fills in its
 * version and count.  An all-zero trailer (index.skipHash) is accepted.
 * Returns CRM_EUSAGE for a version this code does not write.
 */
static int index_check(const char *path, struct index_file *f,
		       struct crm_err *err)
{
	static const unsigned char zero[SHA_SIZE];
	unsigned char md[SHA_SIZE];
	const unsigned char *trailer;

	if (memcmp(f->data, "DIRC", 4) != 0)
		return crm_seterr(err, CRM_ERR,
				  _("'%s': not an index file"), path);
	f->version = get_be32(f->data + 4);
	f->count = get_be32(f->data + 8);
	if (f->version == 4)
		return crm_seterr(err, CRM_EUSAGE,
				  _("'%s': index version 4 is not supported"),
				  path);
	if (f->version != 2 && f->version != 3)
		return crm_seterr(err, CRM_ERR,
				  _("'%s': unknown index version %u"),
				  path, f->version);
	trailer = f->data + f->len - SHA_SIZE;
	if (memcmp(trailer, zero, SHA_SIZE) == 0 || f->known)
		return CRM_OK;
	if (!sha1(f->data, f->len - SHA_SIZE, md))
		return crm_seterr(err, CRM_ERR, _("cannot compute SHA-1"));
	if (memcmp(md, trailer, SHA_SIZE) != 0)
		return crm_seterr(err, CRM_ERR, _("'%s': bad checksum"), path);
	return CRM_OK;
}

/*
 * Parses the entry at f->data[off], which must end before end.  Returns
 * false when it is truncated or malformed.  An empty name is let through:
 * it is valid in a split index, which the extensions reveal later.
 */
static bool entry_parse(const struct index_file *f, size_t off, size_t end,
			struct entry *e)
{
	const unsigned char *p = f->data + off;
	const char *nul;
	size_t fixed = ENTRY_FIXED, avail;
	unsigned flags;

	if (end - off < ENTRY_FIXED + 2)
		return false;
	flags = get_be16(p + 60);
	if (flags & FLAG_EXTENDED) {
		if (f->version < 3)
			return false;
		fixed += 2;
	}
	avail = end - off - fixed;
	e->name = (const char *)p + fixed;
	e->stage = (flags & FLAG_STAGE_MASK) >> FLAG_STAGE_SHIFT;
	e->namelen = flags & NAME_MASK;
	if (e->namelen == NAME_MASK) {
		nul = memchr(e->name, '\0', avail);
		if (nul == NULL)
			return false;
		e->namelen = (size_t)(nul - e->name);
	}
	e->size = (fixed + e->namelen + 8) & ~(size_t)7;
	if (e->size > end - off || e->name[e->namelen] != '\0')
		return false;
	return true;
}

/* Compares change c's path with entry e's name, in index order. */
static int entry_cmp(const struct crm_index_change *c, const struct entry *e)
{
	size_t len = strlen(c->path);
	size_t min = len < e->namelen ? len : e->namelen;
	int r = memcmp(c->path, e->name, min);

	if (r != 0)
		return r;
	return (len > e->namelen) - (len < e->namelen);
}

/* Appends the n bytes at p, which must outlive o, to the pieces of o. */
static void out_add(struct out *o, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (o->niov == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 16;
		o->iov = crm_xrealloc(o->iov, o->cap * sizeof(*o->iov));
	}
	o->iov[o->niov].iov_base = (void *)p;
	o->iov[o->niov].iov_len = n;
	o->niov++;
}

/* Bytes the entry for path takes in a version 2 or 3 index. */
static size_t entry_size(const char *path)
{
	return (ENTRY_FIXED + strlen(path) + 8) & ~(size_t)7;
}

/*
 * Appends the stage-0 entry for change c to o, with the stat data of
 * c->fullpath as git records it.
 */
static int entry_emit(struct out *o, const struct crm_index_change *c,
		      struct crm_err *err)
{
	unsigned char *p = o->fresh + o->freshlen;
	size_t len = strlen(c->path), size = entry_size(c->path);
	struct stat st;

	if (lstat(c->fullpath, &st) < 0)
		return crm_seterr(err, CRM_ERR, _("cannot stat '%s': %s"),
				  c->fullpath, strerror(errno));
	memset(p, 0, size);
	put_be32(p, (uint32_t)st.st_ctim.tv_sec);
	put_be32(p + 4, (uint32_t)st.st_ctim.tv_nsec);
	put_be32(p + 8, (uint32_t)st.st_mtim.tv_sec);
	put_be32(p + 12, (uint32_t)st.st_mtim.tv_nsec);
	put_be32(p + 16, (uint32_t)st.st_dev);
	put_be32(p + 20, (uint32_t)st.st_ino);
	put_be32(p + 24, c->mode);
	put_be32(p + 28, (uint32_t)st.st_uid);
	put_be32(p + 32, (uint32_t)st.st_gid);
	put_be32(p + 36, (uint32_t)st.st_size);
	memcpy(p + 40, c->oid, SHA_SIZE);
	put_be16(p + 60, len < NAME_MASK ? (unsigned)len : NAME_MASK);
	memcpy(p + ENTRY_FIXED, c->path, len);
	o->freshlen += size;
	o->count++;
	out_add(o, p, size);
	return CRM_OK;
}

/* Appends the old entries f->data[from..to) to o unchanged. */
static void run_copy(struct out *o, const struct index_file *f, size_t from,
		     size_t to, uint32_t entries)
{
	out_add(o, f->data + from, to - from);
	o->count += entries;
}

/*
 * Checks the extensions in f->data[off..end): optional ones (uppercase
 * signature) are dropped, so only their framing matters; a mandatory one
 * means a format this code must not rewrite (CRM_EUSAGE).
 */
static int extensions_check(const char *path, const struct index_file *f,
			    size_t off, size_t end, struct crm_err *err)
{
	const unsigned char *p;
	uint32_t size;

	while (off < end) {
		p = f->data + off;
		if (end - off < 8)
			return crm_seterr(err, CRM_ERR,
					  _("'%s': truncated extension"), path);
		size = get_be32(p + 4);
		if (size > end - off - 8)
			return crm_seterr(err, CRM_ERR,
					  _("'%s': truncated extension"), path);
		if (p[0] < 'A' || p[0] > 'Z')
			return crm_seterr(err, CRM_EUSAGE,
					  _("'%s': unsupported index extension '%.4s'"),
					  path, (const char *)p);
		off += 8 + (size_t)size;
	}
	return CRM_OK;
}

/*
 * Builds in o the entries of f with the sorted changes v[0..m) spliced
 * in, then checks the extensions that follow the entries.  o->fresh
 * must have room for all the changes' entries.
 */
static int entries_splice(const char *path, const struct index_file *f,
			  const struct crm_index_change **v, size_t m,
			  struct out *o, struct crm_err *err)
{
	size_t off = HDR_SIZE, run = HDR_SIZE, end = f->len - SHA_SIZE;
	size_t ci = 0;
	uint32_t i, nrun = 0, bad = UINT32_MAX;
	struct entry e;
	int c, ret;

	for (i = 0; i < f->count; i++) {
		if (!entry_parse(f, off, end, &e))
			return crm_seterr(err, CRM_ERR,
					  _("'%s': corrupt entry %u"), path, i);
		if (e.namelen == 0 && bad == UINT32_MAX)
			bad = i;
		for (; ci < m && (c = entry_cmp(v[ci], &e)) <= 0; ci++) {
			if (c == 0 && e.stage != 0)
				return crm_seterr(err, CRM_EUSAGE,
						  _("'%s': '%s' has conflicts"),
						  path, v[ci]->path);
			run_copy(o, f, run, off, nrun);
			run = c == 0 ? off + e.size : off;
			nrun = 0;
			if (!v[ci]->remove &&
			    (ret = entry_emit(o, v[ci], err)) != CRM_OK)
				return ret;
		}
		if (run <= off)
			nrun++;
		off += e.size;
	}
	run_copy(o, f, run, off, nrun);
	for (; ci < m; ci++)
		if (!v[ci]->remove &&
		    (ret = entry_emit(o, v[ci], err)) != CRM_OK)
			return ret;
	ret = extensions_check(path, f, off, end, err);
	if (ret == CRM_OK && bad != UINT32_MAX)
		ret = crm_seterr(err, CRM_ERR, _("'%s': corrupt entry %u"),
				 path, bad);
	return ret;
}

/*
 * Writes the pieces iov[0..n) to fd, consuming iov.  Returns false with
 * errno set on failure.
 */
static bool writev_all(int fd, struct iovec *iov, size_t n)
{
	ssize_t r;

	while (n > 0) {
		r = writev(fd, iov, n < IOV_MAX ? (int)n : IOV_MAX);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return false;
		}
		for (; n > 0 && (size_t)r >= iov->iov_len; iov++, n--)
			r -= (ssize_t)iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return true;
}

/* Appends the SHA-1 of all pieces of o as its trailer. */
static bool out_checksum(struct out *o)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned len = 0;
	bool ok;
	size_t i;

	ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1;
	for (i = 0; ok && i < o->niov; i++)
		ok = EVP_DigestUpdate(ctx, o->iov[i].iov_base,
				      o->iov[i].iov_len) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, o->trailer, &len) == 1 &&
	     len == SHA_SIZE;
	EVP_MD_CTX_free(ctx);
	if (ok)
		out_add(o, o->trailer, SHA_SIZE);
	return ok;
}

/*
 * Finishes the new index in o (header, trailer) and writes it to the lock
 * file fd, which this closes.
 */
static int out_write(struct out *o, unsigned version, int fd,
		     const char *lockpath, struct crm_err *err)
{
	int saved;

	memcpy(o->hdr, "DIRC", 4);
	put_be32(o->hdr + 4, version);
	put_be32(o->hdr + 8, o->count);
	if (!out_checksum(o)) {
		close(fd);
		return crm_seterr(err, CRM_ERR, _("cannot compute SHA-1"));
	}
	if (!writev_all(fd, o->iov, o->niov)) {
		saved = errno;
		close(fd);
		return crm_seterr(err, CRM_ERR, _("cannot write '%s': %s"),
				  lockpath, strerror(saved));
	}
	if (close(fd) < 0)
		return crm_seterr(err, CRM_ERR, _("cannot write '%s': %s"),
				  lockpath, strerror(errno));
	return CRM_OK;
}

/* The stamp of an index file: the stat data that change when it is
 * replaced or written, and its checksum, in hexadecimal. */
static void stamp_text(const struct stat *st, const unsigned char *sha,
		       char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	char h[2 * SHA_SIZE + 1];
	int i;

	for (i = 0; i < SHA_SIZE; i++) {
		h[2 * i] = hex[sha[i] >> 4];
		h[2 * i + 1] = hex[sha[i] & 15];
	}
	h[2 * SHA_SIZE] = '\0';
	snprintf(buf, size, "%llu %llu %lld %lld.%09ld %lld.%09ld %s\n",
		 (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
		 (long long)st->st_size, (long long)st->st_mtim.tv_sec,
		 st->st_mtim.tv_nsec, (long long)st->st_ctim.tv_sec,
		 st->st_ctim.tv_nsec, h);
}

/* True when the file of stat data st and checksum sha is the one the
 * stamp at path describes: crm wrote it and nobody has written it since
 * (git replaces the index by a rename, which changes its inode and
 * ctime). */
static bool stamp_describes(const char *path, const struct stat *st,
			    const unsigned char *sha)
{
	char want[256], have[256];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, have, sizeof(have) - 1);
	close(fd);
	if (n <= 0)
		return false;
	have[n] = '\0';
	stamp_text(st, sha, want, sizeof(want));
	return strcmp(want, have) == 0;
}

/* stamp_describes() for the mapped f. */
static bool stamp_matches(const char *path, const struct index_file *f)
{
	return stamp_describes(path, &f->st, f->data + f->len - SHA_SIZE);
}

/* True when the index at path is, by its stat data, size, header and
 * trailer, the one the stamp at stamppath describes, read without
 * mapping the whole file. */
static bool index_is_stamped(const char *path, const char *stamppath)
{
	unsigned char hdr[HDR_SIZE], sha[SHA_SIZE];
	struct stat st;
	bool ok = false;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size >= HDR_SIZE + SHA_SIZE &&
	    pread(fd, hdr, HDR_SIZE, 0) == HDR_SIZE &&
	    pread(fd, sha, SHA_SIZE, st.st_size - SHA_SIZE) == SHA_SIZE)
		ok = memcmp(hdr, "DIRC", 4) == 0 &&
		     (get_be32(hdr + 4) == 2 || get_be32(hdr + 4) == 3) &&
		     stamp_describes(stamppath, &st, sha);
	close(fd);
	return ok;
}

/* Records the index file at index, whose checksum is sha, in the stamp
 * at path (through a temporary file and a rename, so that a reader sees
 * all of it or none).  Failing costs only a checksum next time. */
static void stamp_write(const char *index, const unsigned char *sha,
			const char *path)
{
	char tmp[PATH_MAX], text[256];
	struct stat st;
	size_t len;
	int fd, n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);

	if (n < 0 || (size_t)n >= sizeof(tmp) || stat(index, &st) < 0)
		return;
	stamp_text(&st, sha, text, sizeof(text));
	len = strlen(text);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0666);
	if (fd < 0)
		return;
	if (write(fd, text, len) != (ssize_t)len || close(fd) < 0 ||
	    rename(tmp, path) < 0)
		unlink(tmp);
}

/*
 * Under the lock fd: reads the index at path, splices the changes in and
 * writes the result to lockpath.  Closes fd.  Its checksum is checked
 * unless it was verified under this lock or is the one the stamp at
 * stamppath describes.
 */
static int apply_locked(const char *path, const char *lockpath, int fd,
			const char *stamppath, bool verified,
			const struct crm_index_change **v, size_t m,
			unsigned char *sha, struct crm_err *err)
{
	struct index_file f = { 0 };
	struct out o = { 0 };
	size_t room = 0, i;
	int ret;

	ret = index_map(path, &f, err);
	if (ret == CRM_OK) {
		f.known = verified || stamp_matches(stamppath, &f);
		ret = index_check(path, &f, err);
	}
	if (ret != CRM_OK) {
		close(fd);
		goto out;
	}
	for (i = 0; i < m; i++)
		room += entry_size(v[i]->path);
	o.fresh = crm_xmalloc(room ? room : 1);
	out_add(&o, o.hdr, HDR_SIZE);
	ret = entries_splice(path, &f, v, m, &o, err);
	if (ret != CRM_OK) {
		close(fd);
		goto out;
	}
	ret = out_write(&o, f.version, fd, lockpath, err);
	memcpy(sha, o.trailer, SHA_SIZE);
out:
	free(o.iov);
	free(o.fresh);
	index_unmap(&f);
	return ret;
}

/*
 * Checks the index at lk->path under the held lock: its header, and its
 * checksum unless it is the file crm wrote last.  CRM_OK too when it is
 * missing or of a format the libgit2 fallback writes (that fallback
 * reads it itself); CRM_ERR, with a hint, when it is corrupt.
 */
static int index_verify(struct crm_index_lock *lk, struct crm_err *err)
{
	struct index_file f = { 0 };
	int ret;

	if (index_is_stamped(lk->path, lk->stamppath)) {
		lk->verified = true;
		return CRM_OK;
	}
	ret = index_map(lk->path, &f, err);
	if (ret == CRM_OK) {
		f.known = stamp_matches(lk->stamppath, &f);
		ret = index_check(lk->path, &f, err);
		lk->verified = ret == CRM_OK;
	}
	index_unmap(&f);
	if (ret == CRM_ENOTFOUND || ret == CRM_EUSAGE)
		return CRM_OK;
	if (ret != CRM_OK && err != NULL) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg);
		crm_seterr(err, ret, "%s\n%s", why,
			   _("hint: nothing was committed; 'git reset' "
			     "rebuilds the index from the last commit"));
	}
	return ret;
}

int crm_gitindex_lock(const char *gitdir, struct crm_index_lock *lk,
		      struct crm_err *err)
{
	char dir[PATH_MAX];
	int r1, r2;

	lk->fd = -1;
	lk->held = false;
	if (crm_crypto_load(err))
		return CRM_ERR;
	r1 = snprintf(lk->path, sizeof(lk->path), "%s/index", gitdir);
	r2 = snprintf(lk->lockpath, sizeof(lk->lockpath), "%s/index.lock",
		      gitdir);
	if (r1 < 0 || r2 < 0 || (size_t)r2 >= sizeof(lk->lockpath) ||
	    !state_path(gitdir, CRM_INDEX_HOLD, lk->holdpath,
			sizeof(lk->holdpath)) ||
	    !state_path(gitdir, CRM_INDEX_STAMP, lk->stamppath,
			sizeof(lk->stamppath)) ||
	    !state_path(gitdir, "", dir, sizeof(dir)))
		return crm_seterr(err, CRM_ERR, _("path too long: '%s'"),
				  gitdir);
	mkdir(dir, 0777); /* .git/crm, absent in a plain repository */
	lk->fd = lock_acquire(gitdir, lk->holdpath, lk->lockpath, err);
	if (lk->fd < 0)
		return CRM_ERR;
	lk->held = true;
	lk->verified = false;
	if (index_verify(lk, err) != CRM_OK) {
		crm_gitindex_unlock(lk);
		return CRM_ERR;
	}
	return CRM_OK;
}

void crm_gitindex_unlock(struct crm_index_lock *lk)
{
	if (lk->fd >= 0)
		close(lk->fd);
	lk->fd = -1;
	if (!lk->held)
		return;
	unlink(lk->lockpath); /* first: alone, the hold link is harmless */
	unlink(lk->holdpath);
	lk->held = false;
}

int crm_gitindex_replace(struct crm_index_lock *lk, const char *newpath,
			 struct crm_err *err)
{
	int ret = CRM_OK;

	if (rename(newpath, lk->path) < 0)
		ret = crm_seterr(err, CRM_ERR, _("cannot rename '%s': %s"),
				 newpath, strerror(errno));
	crm_gitindex_unlock(lk);
	return ret;
}

int crm_gitindex_commit(struct crm_index_lock *lk,
			const struct crm_index_change *ch, size_t n,
			struct crm_err *err)
{
	const struct crm_index_change **v;
	unsigned char sha[SHA_SIZE];
	size_t m;
	int ret;

	v = changes_sort(ch, n, &m, err);
	if (v == NULL) {
		crm_gitindex_unlock(lk);
		return CRM_ERR;
	}
	ret = apply_locked(lk->path, lk->lockpath, lk->fd, lk->stamppath,
			   lk->verified, v, m, sha, err);
	lk->fd = -1; /* apply_locked closed it */
	free(v);
	if (ret == CRM_ENOTFOUND || ret == CRM_EUSAGE)
		return ret; /* still held, for the caller's fallback */
	if (ret == CRM_OK && rename(lk->lockpath, lk->path) < 0)
		ret = crm_seterr(err, CRM_ERR, _("cannot rename '%s': %s"),
				 lk->lockpath, strerror(errno));
	crm_gitindex_unlock(lk); /* after a rename, only the hold is left */
	if (ret == CRM_OK) /* after: removing the hold changes the ctime */
		stamp_write(lk->path, sha, lk->stamppath);
	return ret;
}

int crm_gitindex_apply(const char *gitdir, const struct crm_index_change *ch,
		       size_t n, struct crm_err *err)
{
	struct crm_index_lock lk;
	int ret = crm_gitindex_lock(gitdir, &lk, err);

	if (ret)
		return ret;
	ret = crm_gitindex_commit(&lk, ch, n, err);
	crm_gitindex_unlock(&lk);
	return ret;
}

/* The entries of the mapped index f, from its header, walked for the
 * ones at a conflict stage. */
static int conflicts_walk(const char *path, const struct index_file *f,
			  crm_gitindex_path_cb cb, void *data,
			  struct crm_err *err)
{
	size_t off = HDR_SIZE, end = f->len - SHA_SIZE;
	struct entry e;
	uint32_t i;

	for (i = 0; i < f->count; i++) {
		if (!entry_parse(f, off, end, &e))
			return crm_seterr(err, CRM_ERR,
					  _("'%s': truncated entry"), path);
		if (e.stage != 0)
			cb(e.name, e.namelen, data);
		off += e.size;
	}
	return extensions_check(path, f, off, end, err);
}

int crm_gitindex_conflicts(const char *gitdir, crm_gitindex_path_cb cb,
			   void *data, struct crm_err *err)
{
	struct index_file f = {0};
	char path[PATH_MAX];
	int ret;

	if (snprintf(path, sizeof(path), "%s/index", gitdir) >=
	    (int)sizeof(path))
		return crm_seterr(err, CRM_ERR, _("path too long: '%s'"), gitdir);
	ret = index_map(path, &f, err);
	if (ret == CRM_ENOTFOUND)
		return CRM_OK;
	if (ret)
		return ret;
	if (memcmp(f.data, "DIRC", 4) != 0) {
		ret = crm_seterr(err, CRM_ERR, _("'%s': not an index file"),
				 path);
		goto out;
	}
	f.version = get_be32(f.data + 4);
	f.count = get_be32(f.data + 8);
	if (f.version != 2 && f.version != 3)
		ret = crm_seterr(err, CRM_EUSAGE,
				 _("'%s': unknown index version %u"), path,
				 f.version);
	else
		ret = conflicts_walk(path, &f, cb, data, err);
out:
	index_unmap(&f);
	return ret;
}
