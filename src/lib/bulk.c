/*
 * bulk.c - what commands that change many records at once need from the
 * store: the types of many full ids, found in one pass over HEAD's tree.
 *
 * Not through the index: a bulk change usually follows another (a list,
 * a set, an undo), and the index would first re-read every record the
 * last one changed; the tree answers at once, and the next read brings
 * the index up to date as it always does.  The ids are taken in sorted
 * order, so that each shard of a type's directory is looked up once and
 * each id costs one search among the files of its shard.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"

/* Where the files of one type lie in HEAD's tree: its directory, and the
 * shard of that directory last looked in. */
struct type_dir {
	bool opened;
	git_tree *dir;    /* NULL: no such directory */
	git_tree *shard;  /* NULL: no such shard */
	char name[3];     /* that shard's name; "" before the first */
};

/* The subtree of tree named name into *out (caller frees), or NULL when
 * there is none or it cannot be read. */
static void subtree(git_repository *repo, git_tree *tree, const char *name,
		    git_tree **out)
{
	const git_tree_entry *e = git_tree_entry_byname(tree, name);

	*out = NULL;
	if (e != NULL && git_tree_entry_type(e) == GIT_OBJECT_TREE &&
	    git_tree_lookup(out, repo, git_tree_entry_id(e)) < 0)
		*out = NULL;
}

/* True when the directory of type t in root, d, has the file of id.
 * Opens d, and the shard of id in it, when they are not yet. */
static bool has_file(git_repository *repo, git_tree *root,
		     struct type_dir *d, enum crm_type t, const char *id)
{
	char file[CRM_ID_LEN + 8];

	if (!d->opened) {
		subtree(repo, root, crm_type_dir(t), &d->dir);
		d->opened = true;
	}
	if (d->dir == NULL)
		return false;
	if (strncmp(d->name, id, 2) != 0) {
		git_tree_free(d->shard);
		memcpy(d->name, id, 2);
		d->name[2] = '\0';
		subtree(repo, d->dir, d->name, &d->shard);
	}
	if (d->shard == NULL ||
	    snprintf(file, sizeof(file), "%s.yaml", id) >= (int)sizeof(file))
		return false;
	return git_tree_entry_byname(d->shard, file) != NULL;
}

/* The type of id among the types in mask (tried from first on: ids of
 * a list are mostly of one type): CRM_IDS_NONE or CRM_IDS_SEVERAL when
 * not exactly one has it. */
static int type_of(git_repository *repo, git_tree *root, struct type_dir *dirs,
		   unsigned mask, const char *id, int first)
{
	int found = CRM_IDS_NONE, i, t;

	for (i = 0; i < CRM_NTYPES; i++) {
		t = (first + i) % CRM_NTYPES;
		if (!(mask & CRM_TYPE_BIT(t)) ||
		    !has_file(repo, root, &dirs[t], (enum crm_type)t, id))
			continue;
		if (found != CRM_IDS_NONE)
			return CRM_IDS_SEVERAL;
		found = t;
	}
	return found;
}

/* Orders places in sort_ids by the ids there (qsort). */
static const char *const *sort_ids;
static int by_id(const void *a, const void *b)
{
	return strcmp(sort_ids[*(const size_t *)a], sort_ids[*(const size_t *)b]);
}

int crm_store_find_ids(struct crm_store *s, unsigned mask,
		       const char *const *ids, size_t n, int *types,
		       struct crm_err *err)
{
	struct type_dir dirs[CRM_NTYPES] = {{0}};
	git_tree *tree;
	size_t i, *ix;
	int rc, t, last = 0;

	for (i = 0; i < n; i++) {
		types[i] = CRM_IDS_NONE;
		if (!crm_id_valid(ids[i]))
			return crm_seterr(err, CRM_EUSAGE, _("invalid id '%s'"),
					  ids[i]);
	}
	if (n == 0)
		return CRM_OK;
	if ((rc = crm_store_head_tree(s, &tree, err)) || tree == NULL)
		return rc;
	ix = crm_xcalloc(n, sizeof(*ix));
	for (i = 0; i < n; i++)
		ix[i] = i;
	sort_ids = ids;
	qsort(ix, n, sizeof(*ix), by_id);
	for (i = 0; i < n; i++) {
		types[ix[i]] = type_of(s->repo, tree, dirs, mask, ids[ix[i]],
				       last);
		if (types[ix[i]] >= 0)
			last = types[ix[i]];
	}
	for (t = 0; t < CRM_NTYPES; t++) {
		git_tree_free(dirs[t].shard);
		git_tree_free(dirs[t].dir);
	}
	free(ix);
	return CRM_OK;
}
