/*
 * records.c - loading sets of records for the commands that show many:
 * every record of some types, with broken files reported as warnings, and
 * an id -> name lookup.
 */
#include <stdlib.h>
#include <string.h>

#include "records.h"

/* Walk callback: keeps a copy of each record, warns about broken files. */
static int collect_cb(const struct crm_record *rec, const char *path,
		      const struct crm_err *ferr, void *data)
{
	struct record_set *set = data;

	if (rec == NULL) {
		fprintf(stderr, _("crm: warning: %s\n"), ferr->msg);
		set->broken++;
		return 0;
	}
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 256;
		set->r = crm_xrealloc(set->r, set->cap * sizeof(*set->r));
	}
	set->r[set->n++] = crm_record_dup(rec);
	return 0;
}

/* Orders records by id, for lookups. */
static int by_id(const void *a, const void *b)
{
	const struct crm_record *const *x = a, *const *y = b;

	return strcmp((*x)->id, (*y)->id);
}

int record_set_load(struct cli *cli, unsigned mask, struct record_set *set)
{
	int rc;

	memset(set, 0, sizeof(*set));
	rc = crm_store_foreach(cli->store, mask, collect_cb, set, &cli->err);
	if (rc)
		return cli_fail(cli);
	if (set->n)
		qsort(set->r, set->n, sizeof(*set->r), by_id);
	return CRM_OK;
}

const struct crm_record *record_set_find(const struct record_set *set,
					 const char *id)
{
	struct crm_record key, *kp = &key;
	struct crm_record **hit;

	if (id == NULL || strlen(id) != CRM_ID_LEN || set->n == 0)
		return NULL;
	memcpy(key.id, id, CRM_ID_LEN + 1);
	hit = bsearch(&kp, set->r, set->n, sizeof(*set->r), by_id);
	return hit ? *hit : NULL;
}

const char *record_set_name(const struct record_set *set, const char *id)
{
	const struct crm_record *r = record_set_find(set, id);

	return r ? crm_record_name(r) : id;
}

void record_set_free(struct record_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		crm_record_free(set->r[i]);
	free(set->r);
	memset(set, 0, sizeof(*set));
}

bool record_refers_to(const struct crm_record *r, const char *id)
{
	static const char *const refs[] = {"company", "contact", "for"};
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		if ((v = crm_map_str(r->map, refs[i])) && strcmp(v, id) == 0)
			return true;
	return false;
}

char *node_text(const struct crm_node *n)
{
	struct crm_buf b = {0};
	size_t i;

	if (n == NULL)
		return crm_xstrdup("");
	if (n->kind == CRM_NODE_SCALAR)
		return crm_xstrdup(n->str);
	for (i = 0; i < n->len; i++) {
		char *s = node_text(n->items[i]);

		if (i)
			crm_buf_adds(&b, ", ");
		crm_buf_adds(&b, s);
		free(s);
	}
	return crm_buf_detach(&b);
}
