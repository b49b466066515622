/*
 * sheet.c - records as a table (sheet.h): its columns, the cells of a
 * record, and the walk of the records a query selects that every data
 * export makes, with the refusal of an export that a broken file would
 * make incomplete.
 */
#include <stdlib.h>
#include <string.h>

#include "sheet.h"

int crm_export_check(struct crm_store *s, unsigned mask, struct crm_err *err)
{
	struct crm_broken *b = NULL;
	size_t n = 0;
	int rc;

	if ((rc = crm_find_broken(s, mask, &b, &n, err)))
		return rc;
	if (n == 0)
		return CRM_OK;
	crm_seterr(err, CRM_ERR, "%s", b[0].error);
	crm_err_hint(err, n == 1
		     ? _("hint: the export would leave it out; fix the file "
			 "(crm edit, or by hand and crm commit): nothing was "
			 "written")
		     : _("hint: it and others would be left out; 'crm check' "
			 "lists them: nothing was written"));
	crm_broken_free(b, n);
	return CRM_ERR;
}

/* The walk under way. */
struct walk {
	struct crm_store *s;
	crm_export_cb cb;
	void *data;
	int rc;                 /* why it stopped */
	struct crm_err *err;
};

/* Row callback: reads the record and passes it on. */
static int each_row(const struct crm_row *row, void *data)
{
	struct walk *w = data;
	struct crm_record *r;
	int rc;

	rc = crm_store_read(w->s, row->type, row->id, &r, w->err);
	if (rc) {
		w->rc = rc;
		return rc;
	}
	rc = w->cb(r, row, w->data);
	crm_record_free(r);
	if (rc)
		w->rc = rc;
	return rc;
}

int crm_export_each(struct crm_store *s, enum crm_type t,
		    const struct crm_query *q, crm_export_cb cb, void *data,
		    struct crm_err *err)
{
	struct walk w = {s, cb, data, CRM_OK, err};
	struct crm_find f = {0};
	size_t total;
	int rc;

	f.mask = CRM_TYPE_BIT(t);
	f.query = q;
	f.sort = "id";
	rc = crm_find_each(s, &f, each_row, &w, &total, NULL, NULL, err);
	return w.rc ? w.rc : rc;
}

/* True for the kinds of registered fields whose value fits a cell. */
static bool cell_kind(enum crm_field_kind k)
{
	switch (k) {
	case CRM_FIELD_HISTORY:
	case CRM_FIELD_TIMELINE:
	case CRM_FIELD_RESCHEDULES:
	case CRM_FIELD_CUSTOM:
		return false;
	default:
		return true;
	}
}

/* True when node n is a scalar or a list of scalars. */
static bool cell_node(const struct crm_node *n)
{
	size_t i;

	if (n->kind == CRM_NODE_MAP)
		return false;
	for (i = 0; n->kind == CRM_NODE_SEQ && i < n->len; i++)
		if (n->items[i]->kind != CRM_NODE_SCALAR)
			return false;
	return true;
}

/* A set of custom field names, kept sorted. */
struct keys {
	char **v;
	size_t n;
	enum crm_type type;
};

/* Adds key (copied) to ks unless it is there. */
static void keys_add(struct keys *ks, const char *key)
{
	size_t lo = 0, hi = ks->n, mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(ks->v[mid], key);
		if (c == 0)
			return;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	ks->v = crm_xrealloc(ks->v, (ks->n + 1) * sizeof(*ks->v));
	memmove(ks->v + lo + 1, ks->v + lo, (ks->n - lo) * sizeof(*ks->v));
	ks->v[lo] = crm_xstrdup(key);
	ks->n++;
}

/* Export callback: collects the custom fields of r that fit a cell. */
static int collect_keys(const struct crm_record *r, const struct crm_row *row,
			void *data)
{
	struct keys *ks = data;
	size_t i;

	for (i = 0; i < r->map->len; i++)
		if (!crm_record_known_field(ks->type, r->map->keys[i]) &&
		    cell_node(r->map->items[i]))
			keys_add(ks, r->map->keys[i]);
	return 0;
}

/* Appends column name of kind to sh. */
static void add_col(struct crm_sheet *sh, const char *name, unsigned kind)
{
	sh->cols = crm_xrealloc(sh->cols, (sh->ncols + 1) * sizeof(*sh->cols));
	sh->kinds = crm_xrealloc(sh->kinds, (sh->ncols + 1) * sizeof(*sh->kinds));
	sh->cols[sh->ncols] = crm_xstrdup(name);
	sh->kinds[sh->ncols++] = kind;
}

int crm_sheet_columns(struct crm_store *s, enum crm_type t,
		      const struct crm_query *q, struct crm_sheet *sh,
		      struct crm_err *err)
{
	struct keys ks = {NULL, 0, t};
	const struct crm_field *f;
	size_t i, k;
	int rc;

	memset(sh, 0, sizeof(*sh));
	sh->type = t;
	if ((rc = crm_export_each(s, t, q, collect_keys, &ks, err)))
		goto done;
	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		if (f->kind == CRM_FIELD_CUSTOM)
			for (k = 0; k < ks.n; k++)
				add_col(sh, ks.v[k], CRM_FIELD_CUSTOM);
		if ((f->types & CRM_TYPE_BIT(t)) && cell_kind(f->kind))
			add_col(sh, f->name, f->kind);
	}
done:
	crm_words_free(ks.v, ks.n);
	if (rc)
		crm_sheet_free(sh);
	return rc;
}

void crm_sheet_free(struct crm_sheet *sh)
{
	crm_words_free(sh->cols, sh->ncols);
	free(sh->kinds);
	memset(sh, 0, sizeof(*sh));
}

/* The cell of node n (NULL: ""): a scalar as it is, a list of scalars
 * joined with ", ", anything else as one line.  Caller owns it. */
static char *node_cell(const struct crm_node *n)
{
	struct crm_buf b = {0};
	size_t i;

	if (n == NULL)
		return crm_xstrdup("");
	if (n->kind == CRM_NODE_SCALAR)
		return crm_xstrdup(n->str);
	if (n->kind == CRM_NODE_MAP)
		return crm_node_text(n);
	for (i = 0; i < n->len; i++) {
		char *item = node_cell(n->items[i]);

		crm_buf_addf(&b, "%s%s", i ? ", " : "", item);
		free(item);
	}
	return b.s ? crm_buf_detach(&b) : crm_xstrdup("");
}

char **crm_sheet_cells(const struct crm_sheet *sh, const struct crm_record *r)
{
	char **cells = crm_xcalloc(sh->ncols ? sh->ncols : 1, sizeof(*cells));
	size_t i;

	for (i = 0; i < sh->ncols; i++)
		cells[i] = node_cell(crm_map_get(r->map, sh->cols[i]));
	return cells;
}

void crm_sheet_cells_free(const struct crm_sheet *sh, char **cells)
{
	size_t i;

	for (i = 0; cells && i < sh->ncols; i++)
		free(cells[i]);
	free(cells);
}
