/*
 * bulk.c - what commands that change many records at once need from the
 * store: the types of many full ids, found in one pass over HEAD's tree.
 *
 * Not through the index: a bulk change usually follows another (a list,
 * a set, an undo), and the index would first re-read every record the
 * last one changed; the tree answers at once, and the next read brings
 * the index up to date as it always does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"

/* True when tree has the file of record (t, id). */
static bool has_file(git_tree *tree, enum crm_type t, const char *id)
{
	git_tree_entry *e;
	char path[64];

	if (!crm_record_path(t, id, path, sizeof(path)) ||
	    git_tree_entry_bypath(&e, tree, path) < 0)
		return false;
	git_tree_entry_free(e);
	return true;
}

/* The type of id among the types in mask (tried from first on: ids of
 * a list are mostly of one type): CRM_IDS_NONE or CRM_IDS_SEVERAL when
 * not exactly one has it. */
static int type_of(git_tree *tree, unsigned mask, const char *id, int first)
{
	int found = CRM_IDS_NONE, i, t;

	for (i = 0; i < CRM_NTYPES; i++) {
		t = (first + i) % CRM_NTYPES;
		if (!(mask & CRM_TYPE_BIT(t)) || !has_file(tree, (enum crm_type)t, id))
			continue;
		if (found != CRM_IDS_NONE)
			return CRM_IDS_SEVERAL;
		found = t;
	}
	return found;
}

int crm_store_find_ids(struct crm_store *s, unsigned mask,
		       const char *const *ids, size_t n, int *types,
		       struct crm_err *err)
{
	git_tree *tree;
	size_t i;
	int rc, last = 0;

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
	for (i = 0; i < n; i++) {
		types[i] = type_of(tree, mask, ids[i], last);
		if (types[i] >= 0)
			last = types[i];
	}
	return CRM_OK;
}
