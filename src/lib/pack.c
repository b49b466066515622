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
