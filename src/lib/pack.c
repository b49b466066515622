/*
 * pack.c - keeps a store's object database small.  Every commit rewrites
 * its type's tree (1024 shard entries, ~30 KB) as a new loose object;
 * once enough loose objects have gathered they are packed together, with
 * deltas, so that each such tree then costs a few hundred bytes - what
 * `git gc --auto` does, without needing git.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <git2/sys/odb_backend.h>
#include <openssl/evp.h>

#include "store-internal.h"

/* Loose objects tolerated before packing (git's gc.auto is 6700). */
#define LOOSE_LIMIT 1000

/* Loose object ids found under objects/. */
struct loose {
	git_oid *oid;
	size_t n, cap;
};

/* Adds the objects of one fan-out directory (hex name dir) to l. */
static void scan_fanout(const char *objdir, const char *dir, struct loose *l)
{
	char path[PATH_MAX], hex[GIT_OID_HEXSZ + 1];
	struct dirent *de;
	DIR *d;

	if (snprintf(path, sizeof(path), "%s/%s", objdir, dir) >= (int)sizeof(path) ||
	    (d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != GIT_OID_HEXSZ - 2)
			continue;
		snprintf(hex, sizeof(hex), "%.2s%.38s", dir, de->d_name);
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 256;
			l->oid = crm_xrealloc(l->oid, l->cap * sizeof(*l->oid));
		}
		if (git_oid_fromstr(&l->oid[l->n], hex) == 0)
			l->n++;
	}
	closedir(d);
}

/* Collects every loose object of the store. */
static void scan_loose(const char *objdir, struct loose *l)
{
	char dir[3];
	int i;

	for (i = 0; i < 256; i++) {
		snprintf(dir, sizeof(dir), "%02x", i);
		scan_fanout(objdir, dir, l);
	}
}

/* Writes the loose objects into one new pack. */
static int write_pack(git_repository *repo, const struct loose *l,
		      struct crm_err *err)
{
	git_packbuilder *pb = NULL;
	size_t i;
	int rc = CRM_OK;

	if (git_packbuilder_new(&pb, repo) < 0)
		return crm_git_error(err, _("cannot pack objects"));
	git_packbuilder_set_threads(pb, 1);
	for (i = 0; i < l->n; i++)
		if (git_packbuilder_insert(pb, &l->oid[i], NULL) < 0)
			goto fail;
	if (git_packbuilder_write(pb, NULL, 0, NULL, NULL) < 0)
		goto fail;
	git_packbuilder_free(pb);
	return rc;
fail:
	git_packbuilder_free(pb);
	return crm_git_error(err, _("cannot pack objects"));
}

/* Removes the loose copies of objects that are now packed. */
static void remove_loose(const char *objdir, const struct loose *l)
{
	char hex[GIT_OID_HEXSZ + 1], path[PATH_MAX];
	size_t i;

	for (i = 0; i < l->n; i++) {
		git_oid_tostr(hex, sizeof(hex), &l->oid[i]);
		if (snprintf(path, sizeof(path), "%s/%.2s/%s", objdir, hex,
			     hex + 2) < (int)sizeof(path))
			unlink(path);
	}
}

/* The prefix of the temporary files crm_pack_write writes a pack and its
 * index to, before the writer's process id. */
#define TMP_PREFIX "tmp_crm_"

/* Removes from objdir/pack the temporary files of pack writers that died
 * before renaming them (their process is gone). */
static void remove_dead_tmp(const char *objdir)
{
	char dir[PATH_MAX], path[PATH_MAX + 256], *end;
	struct dirent *de;
	long pid;
	DIR *d;

	if (snprintf(dir, sizeof(dir), "%s/pack", objdir) >= (int)sizeof(dir) ||
	    (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) != 0)
			continue;
		pid = strtol(de->d_name + strlen(TMP_PREFIX), &end, 10);
		if (*end != '_' || pid <= 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) <
		    (int)sizeof(path))
			unlink(path);
	}
	closedir(d);
}

int crm_store_autopack(struct crm_store *s, size_t limit, struct crm_err *err)
{
	struct loose l = {0};
	char objdir[PATH_MAX];
	int rc = CRM_OK;

	snprintf(objdir, sizeof(objdir), "%s/objects", s->gitdir);
	remove_dead_tmp(objdir);
	scan_loose(objdir, &l);
	if (l.n >= (limit ? limit : LOOSE_LIMIT)) {
		rc = write_pack(s->repo, &l, err);
		if (rc == CRM_OK) {
			git_odb *odb;

			remove_loose(objdir, &l);
			if (git_repository_odb(&odb, s->repo) == 0) {
				git_odb_refresh(odb);
				git_odb_free(odb);
			}
		}
	}
	free(l.oid);
	return rc;
}

/* A pack, or its index, being written in memory. */
struct pack_out {
	unsigned char *p;
	size_t len, cap;
};

/* Makes room for n more bytes in o. */
static void out_reserve(struct pack_out *o, size_t n)
{
	if (n <= o->cap - o->len)
		return;
	while (n > o->cap - o->len)
		o->cap = o->cap ? o->cap * 2 : 64 * 1024;
	o->p = crm_xrealloc(o->p, o->cap);
}

/* Appends the n bytes at p (NULL when n is 0) to o. */
static void out_add(struct pack_out *o, const void *p, size_t n)
{
	if (n == 0)
		return;
	out_reserve(o, n);
	memcpy(o->p + o->len, p, n);
	o->len += n;
}

/* Appends the big-endian 32-bit number v to o. */
static void out_be32(struct pack_out *o, uint32_t v)
{
	unsigned char b[4] = {v >> 24, v >> 16, v >> 8, v};

	out_add(o, b, 4);
}

/* Appends the header of a pack entry: its type, then its size, 4 bits
 * and then 7 a byte, each byte but the last with its high bit set. */
static void out_entry_header(struct pack_out *o, git_object_t type,
			     size_t size)
{
	out_reserve(o, 16);
	o->p[o->len] = (unsigned char)((unsigned)type << 4 | (size & 0x0f));
	for (size >>= 4; size; size >>= 7) {
		o->p[o->len++] |= 0x80;
		o->p[o->len] = (unsigned char)(size & 0x7f);
	}
	o->len++;
}

/* Appends to o the entry of an object of type whose size bytes are at
 * data, compressed with z (ready: initialised, or reset after the last
 * entry); its CRC-32, which the pack index holds, into *crc.  False when
 * zlib fails. */
static bool out_entry(struct pack_out *o, z_stream *z, git_object_t type,
		      const void *data, size_t size, uint32_t *crc)
{
	size_t room, start = o->len;
	int zrc;

	out_entry_header(o, type, size);
	room = deflateBound(z, (uLong)size);
	out_reserve(o, room);
	z->next_in = (Bytef *)data;
	z->avail_in = (uInt)size;
	z->next_out = o->p + o->len;
	z->avail_out = (uInt)room;
	zrc = deflate(z, Z_FINISH);
	if (zrc != Z_STREAM_END || deflateReset(z) != Z_OK)
		return false;
	o->len += room - z->avail_out;
	*crc = (uint32_t)crc32(0, o->p + start, (uInt)(o->len - start));
	return true;
}

/* Appends the SHA-1 of all o holds: the trailer of a pack or index. */
static int out_trailer(struct pack_out *o, struct crm_err *err)
{
	unsigned int mdlen = 0;

	out_reserve(o, EVP_MAX_MD_SIZE);
	if (EVP_Digest(o->p, o->len, o->p + o->len, &mdlen, EVP_sha1(),
		       NULL) != 1 || mdlen != 20)
		return crm_seterr(err, CRM_ERR, _("cannot pack objects"));
	o->len += mdlen;
	return CRM_OK;
}

/* The objects of a pack being written: ids, CRC-32s and offsets. */
struct pack_entries {
	const git_oid *oid;
	uint32_t *crc;
	uint64_t *off;
	size_t n;
};

/* The entries of objects [from, to) of a pack, compressed by a thread
 * of their own into out; their offsets in out. */
struct deflate_job {
	git_odb_object **obj;
	size_t from, to;
	struct pack_out out;
	uint32_t *crc;
	uint64_t *off;
	bool ok;
};

/* Compresses the objects of the deflate_job arg (a thread's start). */
static void *deflate_objects(void *arg)
{
	struct deflate_job *j = arg;
	z_stream z = {0};
	size_t i;

	j->ok = deflateInit(&z, Z_BEST_SPEED) == Z_OK;
	for (i = j->from; i < j->to && j->ok; i++) {
		j->off[i] = j->out.len;
		j->ok = out_entry(&j->out, &z, git_odb_object_type(j->obj[i]),
				  git_odb_object_data(j->obj[i]),
				  git_odb_object_size(j->obj[i]), &j->crc[i]);
	}
	deflateEnd(&z);
	return NULL;
}

/* Reads the objects e->oid of odb into obj (each freed by the caller,
 * which sets obj to NULLs first). */
static int read_objects(git_odb *odb, const struct pack_entries *e,
			git_odb_object **obj, struct crm_err *err)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		if (git_odb_read(&obj[i], odb, &e->oid[i]) < 0) {
			obj[i] = NULL;
			return crm_git_error(err, _("cannot pack objects"));
		}
		if (git_odb_object_size(obj[i]) > UINT32_MAX / 2)
			return crm_seterr(err, CRM_ERR, _("cannot pack objects"));
	}
	return CRM_OK;
}

/*
 * Compresses the objects obj of e into o, after its header, filling
 * e->crc and e->off: the second half by a second thread (zlib takes most
 * of the time a bulk change spends writing its objects), the first half
 * meanwhile.
 */
static bool deflate_all(struct pack_out *o, git_odb_object **obj,
			struct pack_entries *e)
{
	struct deflate_job j[2] = {
		{obj, 0, e->n / 2, {0}, e->crc, e->off, false},
		{obj, e->n / 2, e->n, {0}, e->crc, e->off, false},
	};
	pthread_t th;
	bool threaded = e->n >= 64 &&
			pthread_create(&th, NULL, deflate_objects, &j[1]) == 0;
	size_t i;
	bool ok;

	deflate_objects(&j[0]);
	if (threaded)
		pthread_join(th, NULL);
	else
		deflate_objects(&j[1]);
	ok = j[0].ok && j[1].ok;
	for (i = 0; i < e->n; i++)
		e->off[i] += o->len + (i < e->n / 2 ? 0 : j[0].out.len);
	if (ok) {
		out_add(o, j[0].out.p, j[0].out.len);
		out_add(o, j[1].out.p, j[1].out.len);
	}
	free(j[0].out.p);
	free(j[1].out.p);
	return ok;
}

/* Writes into o the pack of the objects e->oid of odb, in that order,
 * filling e->crc and e->off. */
static int build_pack(struct pack_out *o, git_odb *odb,
		      struct pack_entries *e, struct crm_err *err)
{
	git_odb_object **obj = crm_xcalloc(e->n + 1, sizeof(*obj));
	size_t i;
	int rc;

	out_add(o, "PACK", 4);
	out_be32(o, 2);
	out_be32(o, (uint32_t)e->n);
	rc = read_objects(odb, e, obj, err);
	if (rc == CRM_OK && !deflate_all(o, obj, e))
		rc = crm_seterr(err, CRM_ERR, _("cannot pack objects"));
	for (i = 0; i < e->n; i++)
		git_odb_object_free(obj[i]);
	free(obj);
	return rc ? rc : out_trailer(o, err);
}

/* Orders the entries of sort_e by id (qsort of their places). */
static const struct pack_entries *sort_e;
static int by_oid(const void *a, const void *b)
{
	return memcmp(sort_e->oid[*(const size_t *)a].id,
		      sort_e->oid[*(const size_t *)b].id, GIT_OID_RAWSZ);
}

/* Writes into o the index (version 2, gitformat-pack(5)) of the pack
 * whose entries are e and whose trailer is sum. */
static int build_idx(struct pack_out *o, const struct pack_entries *e,
		     const unsigned char *sum, struct crm_err *err)
{
	static const unsigned char magic[8] = {0xff, 't', 'O', 'c', 0, 0, 0, 2};
	size_t *ix = crm_xcalloc(e->n + 1, sizeof(*ix)), i, k, nlarge = 0;
	int rc;

	for (i = 0; i < e->n; i++)
		ix[i] = i;
	sort_e = e;
	qsort(ix, e->n, sizeof(*ix), by_oid);
	out_add(o, magic, sizeof(magic));
	for (i = k = 0; i < 256; i++) {
		while (k < e->n && e->oid[ix[k]].id[0] <= i)
			k++;
		out_be32(o, (uint32_t)k);
	}
	for (i = 0; i < e->n; i++)
		out_add(o, e->oid[ix[i]].id, GIT_OID_RAWSZ);
	for (i = 0; i < e->n; i++)
		out_be32(o, e->crc[ix[i]]);
	for (i = 0; i < e->n; i++)
		out_be32(o, e->off[ix[i]] < 0x80000000u ? (uint32_t)e->off[ix[i]]
			 : 0x80000000u | (uint32_t)nlarge++);
	for (i = 0; i < e->n; i++)
		if (e->off[ix[i]] >= 0x80000000u) {
			out_be32(o, (uint32_t)(e->off[ix[i]] >> 32));
			out_be32(o, (uint32_t)e->off[ix[i]]);
		}
	out_add(o, sum, 20);
	rc = out_trailer(o, err);
	free(ix);
	return rc;
}

/* Writes the n bytes at p as the file dir/name, read-only as git's
 * packs are, through a temporary file in dir renamed into place. */
static int put_pack_file(const char *dir, const char *name,
			 const unsigned char *p, size_t n, struct crm_err *err)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	size_t off = 0;
	ssize_t w = 0;
	int fd, saved;

	if (snprintf(tmp, sizeof(tmp), "%s/" TMP_PREFIX "%ld_%s", dir,
		     (long)getpid(), name) >= (int)sizeof(tmp) ||
	    snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return crm_seterr(err, CRM_ERR, _("cannot pack objects"));
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0444);
	if (fd < 0)
		goto fail;
	while (off < n && (w = write(fd, p + off, n - off)) > 0)
		off += (size_t)w;
	if (off < n) {
		saved = w < 0 ? errno : ENOSPC;
		close(fd);
		errno = saved;
		goto fail;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0)
		goto fail;
	return CRM_OK;
fail:
	saved = errno;
	unlink(tmp);
	return crm_seterr(err, CRM_ERR, _("cannot write '%s': %s"), path,
			  strerror(saved));
}

/* Writes the pack in pack and its index idx into dir, the pack first
 * (a pack without its index is not seen), unless a pack of the same
 * objects (the same name, its checksum) is there already. */
static int put_pack(const char *dir, const struct pack_out *pack,
		    const struct pack_out *idx, struct crm_err *err)
{
	char hex[2 * 20 + 1], name[64], path[PATH_MAX + 64];
	size_t i;
	int rc;

	for (i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", pack->p[pack->len - 20 + i]);
	snprintf(path, sizeof(path), "%s/pack-%s.idx", dir, hex);
	if (access(path, F_OK) == 0)
		return CRM_OK;
	snprintf(name, sizeof(name), "pack-%s.pack", hex);
	if ((rc = put_pack_file(dir, name, pack->p, pack->len, err)))
		return rc;
	snprintf(name, sizeof(name), "pack-%s.idx", hex);
	if ((rc = put_pack_file(dir, name, idx->p, idx->len, err))) {
		snprintf(path, sizeof(path), "%s/pack-%s.pack", dir, hex);
		unlink(path);
	}
	return rc;
}

int crm_pack_write(const char *gitdir, git_odb *odb, const git_oid *oids,
		   size_t n, struct crm_err *err)
{
	struct pack_entries e = {oids, NULL, NULL, n};
	struct pack_out pack = {0}, idx = {0};
	char dir[PATH_MAX];
	int rc;

	if (n > UINT32_MAX ||
	    snprintf(dir, sizeof(dir), "%s/objects/pack", gitdir) >=
	    (int)sizeof(dir))
		return crm_seterr(err, CRM_ERR, _("cannot pack objects"));
	if ((rc = crm_zlib_load(err)) || (rc = crm_crypto_load(err)))
		return rc;
	e.crc = crm_xcalloc(n + 1, sizeof(*e.crc));
	e.off = crm_xcalloc(n + 1, sizeof(*e.off));
	rc = build_pack(&pack, odb, &e, err);
	if (rc == CRM_OK)
		rc = build_idx(&idx, &e, pack.p + pack.len - 20, err);
	if (rc == CRM_OK)
		rc = put_pack(dir, &pack, &idx, err);
	free(pack.p);
	free(idx.p);
	free(e.crc);
	free(e.off);
	return rc;
}

/*
 * The store's objects, seen read-only from an object database of its
 * own: what the store's odb has, without its refresh.  (libgit2 writes
 * an object only after looking for it, and rescans the pack directory
 * when it is found nowhere, as a new object never is: 0.1 ms a tree.)
 */
struct store_backend {
	git_odb_backend parent;
	git_odb *store;
};

static int sb_read(void **buf, size_t *len, git_object_t *type,
		   git_odb_backend *b, const git_oid *oid)
{
	git_odb *store = ((struct store_backend *)b)->store;
	git_odb_object *obj;

	if (!git_odb_exists_ext(store, oid, GIT_ODB_LOOKUP_NO_REFRESH))
		return GIT_ENOTFOUND;
	if (git_odb_read(&obj, store, oid) < 0)
		return -1;
	*len = git_odb_object_size(obj);
	*type = git_odb_object_type(obj);
	if ((*buf = git_odb_backend_data_alloc(b, *len + 1)) != NULL && *len)
		memcpy(*buf, git_odb_object_data(obj), *len);
	git_odb_object_free(obj);
	return *buf ? 0 : -1;
}

static int sb_read_header(size_t *len, git_object_t *type,
			  git_odb_backend *b, const git_oid *oid)
{
	git_odb *store = ((struct store_backend *)b)->store;

	if (!git_odb_exists_ext(store, oid, GIT_ODB_LOOKUP_NO_REFRESH))
		return GIT_ENOTFOUND;
	return git_odb_read_header(len, type, store, oid);
}

static int sb_exists(git_odb_backend *b, const git_oid *oid)
{
	return git_odb_exists_ext(((struct store_backend *)b)->store, oid,
				  GIT_ODB_LOOKUP_NO_REFRESH);
}

static void sb_free(git_odb_backend *b)
{
	git_odb_free(((struct store_backend *)b)->store);
	free(b);
}

int crm_store_mem_repo(struct crm_store *s, git_repository **mem,
		       git_odb_backend **mp, struct crm_err *err)
{
	struct store_backend *sb = crm_xcalloc(1, sizeof(*sb));
	git_odb *odb = NULL;

	*mem = NULL;
	*mp = NULL;
	sb->parent.version = GIT_ODB_BACKEND_VERSION;
	sb->parent.read = sb_read;
	sb->parent.read_header = sb_read_header;
	sb->parent.exists = sb_exists;
	sb->parent.free = sb_free;
	if (git_repository_odb(&sb->store, s->repo) < 0) {
		free(sb);
		goto fail;
	}
	if (git_odb_new(&odb) < 0) {
		sb_free(&sb->parent);
		goto fail;
	}
	if (git_odb_add_backend(odb, &sb->parent, 1) < 0) {
		sb_free(&sb->parent);
		goto fail;
	}
	if (git_mempack_new(mp) < 0)
		goto fail;
	if (git_odb_add_backend(odb, *mp, 2) < 0) {
		(*mp)->free(*mp);
		goto fail;
	}
	if (git_repository_wrap_odb(mem, odb) < 0)
		goto fail;
	git_odb_free(odb);
	return CRM_OK;
fail:
	git_odb_free(odb);
	*mp = NULL;
	return crm_git_error(err, _("cannot write the commit"));
}
