/*
 * pack.c - keeps a store's object database small.  Every commit rewrites
 * its type's tree (1024 shard entries, ~30 KB) as a new loose object;
 * once enough loose objects have gathered they are packed together, with
 * deltas, so that each such tree then costs a few hundred bytes - what
 * `git gc --auto` does, without needing git.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

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

int crm_store_autopack(struct crm_store *s, size_t limit, struct crm_err *err)
{
	struct loose l = {0};
	char objdir[PATH_MAX];
	int rc = CRM_OK;

	snprintf(objdir, sizeof(objdir), "%s/objects", s->gitdir);
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

/* A pack being written. */
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

/* Appends the big-endian 32-bit number v to o. */
static void out_be32(struct pack_out *o, uint32_t v)
{
	out_reserve(o, 4);
	o->p[o->len++] = (unsigned char)(v >> 24);
	o->p[o->len++] = (unsigned char)(v >> 16);
	o->p[o->len++] = (unsigned char)(v >> 8);
	o->p[o->len++] = (unsigned char)v;
}

/* Appends the header of an entry: its type, then its size, 4 bits and
 * then 7 a byte, each byte but the last with its high bit set. */
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

/* Appends the entry of the object oid of odb to o. */
static int out_object(struct pack_out *o, git_odb *odb, const git_oid *oid,
		      struct crm_err *err)
{
	git_odb_object *obj;
	const void *data;
	uLongf zlen;
	size_t size;
	int zrc;

	if (git_odb_read(&obj, odb, oid) < 0)
		return crm_git_error(err, _("cannot pack objects"));
	data = git_odb_object_data(obj);
	size = git_odb_object_size(obj);
	out_entry_header(o, git_odb_object_type(obj), size);
	zlen = compressBound((uLong)size);
	out_reserve(o, zlen);
	zrc = compress2(o->p + o->len, &zlen, data, (uLong)size, Z_BEST_SPEED);
	git_odb_object_free(obj);
	if (zrc != Z_OK)
		return crm_seterr(err, CRM_ERR, _("cannot pack objects"));
	o->len += zlen;
	return CRM_OK;
}

/* Appends the SHA-1 of all o holds, the pack's trailer. */
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

int crm_pack_objects(git_odb *odb, const git_oid *oids, size_t n, char **out,
		     size_t *len, struct crm_err *err)
{
	struct pack_out o = {0};
	size_t i;
	int rc;

	*out = NULL;
	*len = 0;
	if (n > UINT32_MAX)
		return crm_seterr(err, CRM_ERR, _("cannot pack objects"));
	if ((rc = crm_zlib_load(err)) || (rc = crm_crypto_load(err)))
		return rc;
	out_reserve(&o, 12);
	memcpy(o.p, "PACK", 4);
	o.len = 4;
	out_be32(&o, 2);
	out_be32(&o, (uint32_t)n);
	for (i = 0; i < n && rc == CRM_OK; i++)
		rc = out_object(&o, odb, &oids[i], err);
	if (rc == CRM_OK)
		rc = out_trailer(&o, err);
	if (rc != CRM_OK) {
		free(o.p);
		return rc;
	}
	*out = (char *)o.p;
	*len = o.len;
	return CRM_OK;
}
