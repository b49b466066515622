/*
 * packorder.c - where objects lie in the store's pack files, so that a
 * rebuild of the index can read a million blobs in the order they were
 * written.  Most blobs in a pack are deltas on a chain of others; read
 * in path order, each read unpacks its chain again (48 s for a million
 * records), read in pack order the chain's bases are still in libgit2's
 * cache (15 s).  libgit2 does not tell an object's offset, so this reads
 * the pack indexes (.idx, version 2, see gitformat-pack(5)) itself.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store-internal.h"

/* One mapped pack index. */
struct pack_idx {
	const unsigned char *map;
	size_t size;
	uint32_t count;              /* objects in the pack */
	const unsigned char *oids;   /* count ids of 20 bytes, sorted */
	const unsigned char *offs;   /* count offsets of 4 bytes */
	const unsigned char *large;  /* 8-byte offsets the big ones point to */
	size_t nlarge;
};

struct crm_packs {
	struct pack_idx *idx;
	size_t n;
};

/* The big-endian 32-bit number at p. */
static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Maps the pack index at path into *ix; false when it is not one this
 * code knows (the rebuild then reads those objects last). */
static bool idx_map(const char *path, struct pack_idx *ix)
{
	static const unsigned char magic[4] = {0xff, 't', 'O', 'c'};
	struct stat st;
	size_t need;
	void *map;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || st.st_size < 8 + 1024 + 40) {
		close(fd);
		return false;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return false;
	ix->map = map;
	ix->size = (size_t)st.st_size;
	ix->count = be32(ix->map + 8 + 255 * 4);
	need = 8 + 1024 + (size_t)ix->count * 28 + 40;
	if (memcmp(ix->map, magic, 4) != 0 || be32(ix->map + 4) != 2 ||
	    need > ix->size || (ix->size - need) % 8 != 0) {
		munmap(map, ix->size);
		return false;
	}
	ix->oids = ix->map + 8 + 1024;
	ix->offs = ix->oids + (size_t)ix->count * 24;
	ix->large = ix->offs + (size_t)ix->count * 4;
	ix->nlarge = (ix->size - need) / 8;
	return true;
}

/* Adds the pack indexes of the object directory objdir to p. */
static void add_pack_dir(struct crm_packs *p, const char *objdir)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	struct pack_idx ix;
	struct dirent *de;
	size_t len;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/pack", objdir);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".idx") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!idx_map(path, &ix))
			continue;
		p->idx = crm_xrealloc(p->idx, (p->n + 1) * sizeof(*p->idx));
		p->idx[p->n++] = ix;
	}
	closedir(d);
}

/* Adds the packs of the alternate object directories objdir names. */
static void add_alternates(struct crm_packs *p, const char *objdir)
{
	char path[PATH_MAX + 32], line[PATH_MAX], alt[2 * PATH_MAX + 2];
	FILE *f;
	size_t len;

	snprintf(path, sizeof(path), "%s/info/alternates", objdir);
	if ((f = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		len = strcspn(line, "\r\n");
		line[len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (line[0] == '/')
			snprintf(alt, sizeof(alt), "%s", line);
		else
			snprintf(alt, sizeof(alt), "%s/%s", objdir, line);
		add_pack_dir(p, alt);
	}
	fclose(f);
}

struct crm_packs *crm_packs_open(const char *gitdir)
{
	struct crm_packs *p = crm_xcalloc(1, sizeof(*p));
	char objdir[PATH_MAX];

	snprintf(objdir, sizeof(objdir), "%s/objects", gitdir);
	add_pack_dir(p, objdir);
	add_alternates(p, objdir);
	return p;
}

/* The offset of object i of ix. */
static uint64_t idx_offset(const struct pack_idx *ix, uint32_t i)
{
	uint32_t off = be32(ix->offs + (size_t)i * 4);
	const unsigned char *big;

	if (!(off & 0x80000000u))
		return off;
	off &= 0x7fffffffu;
	if (off >= ix->nlarge)
		return UINT64_MAX;
	big = ix->large + (size_t)off * 8;
	return (uint64_t)be32(big) << 32 | be32(big + 4);
}

/* The place of id in ix, or -1. */
static int64_t idx_find(const struct pack_idx *ix, const unsigned char *id)
{
	uint32_t lo = id[0] ? be32(ix->map + 8 + (id[0] - 1) * 4) : 0;
	uint32_t hi = be32(ix->map + 8 + id[0] * 4), mid;
	int c;

	if (hi > ix->count || lo > hi)
		return -1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = memcmp(ix->oids + (size_t)mid * 20, id, 20);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

uint64_t crm_packs_key(const struct crm_packs *p, const git_oid *oid)
{
	int64_t i;
	uint64_t off;
	size_t k;

	for (k = 0; k < p->n; k++) {
		if ((i = idx_find(&p->idx[k], oid->id)) < 0)
			continue;
		off = idx_offset(&p->idx[k], (uint32_t)i);
		if (off >= (UINT64_C(1) << 44))
			return UINT64_MAX;
		return (uint64_t)k << 44 | off;
	}
	return UINT64_MAX;
}

void crm_packs_close(struct crm_packs *p)
{
	size_t k;

	if (p == NULL)
		return;
	for (k = 0; k < p->n; k++)
		munmap((void *)p->idx[k].map, p->idx[k].size);
	free(p->idx);
	free(p);
}
