/*
 * rectable.c - records as a table (rectable.h): its columns, the cells of a
 * record, and the walk of the records a query selects that every data
 * export makes, with the refusal of an export that a broken file would
 * make incomplete.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "rectable.h"

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

/* True for the kinds of registered fields whose value fits a cell (a
 * mapping such as phones_typed does not: JSON carries it, and the
 * phones' cell its forms). */
static bool cell_kind(enum crm_field_kind k)
{
	switch (k) {
	case CRM_FIELD_HISTORY:
	case CRM_FIELD_TIMELINE:
	case CRM_FIELD_RESCHEDULES:
	case CRM_FIELD_CUSTOM:
	case CRM_FIELD_PHONE_FORMS: /* in the phones' cell (phones_cell) */
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

/* The cell of phones, a record's list of numbers: each as it was typed
 * (forms: its phones_typed, may be NULL), which is what people read and
 * what crm import stores again as it was.  Caller owns it. */
static char *phones_cell(const struct crm_node *phones,
			 const struct crm_node *forms)
{
	struct crm_buf b = {0};
	size_t i;

	if (phones->kind != CRM_NODE_SEQ)
		return crm_node_cell(phones);
	for (i = 0; i < phones->len; i++)
		if (phones->items[i]->kind == CRM_NODE_SCALAR)
			crm_buf_addf(&b, "%s%s", b.len ? ", " : "",
				     crm_phone_shown(phones->items[i]->str,
						     forms));
	return b.s ? crm_buf_detach(&b) : crm_xstrdup("");
}

/* The table being built. */
struct build {
	struct crm_rectable *sh;
	struct keys custom;
};

/* True when field key of a record of type t is a column: a registered
 * field whose value fits a cell, or a custom field (added to b's) whose
 * value n does. */
static bool is_column(struct build *b, const char *key,
		      const struct crm_node *n)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_BIT(b->sh->type),
						   key, false);

	if (f)
		return cell_kind(f->kind);
	if (!cell_node(n))
		return false;
	keys_add(&b->custom, key);
	return true;
}

/* Export callback: the cells of r into the spool. */
static int spool_record(const struct crm_record *r, const struct crm_row *row,
			void *data)
{
	struct build *b = data;
	FILE *f = b->sh->spool;
	size_t i;
	char *cell;

	for (i = 0; i < r->map->len; i++) {
		if (!is_column(b, r->map->keys[i], r->map->items[i]))
			continue;
		cell = strcmp(r->map->keys[i], "phones") == 0
		       ? phones_cell(r->map->items[i],
				     crm_map_get(r->map, "phones_typed"))
		       : crm_node_cell(r->map->items[i]);
		fwrite(r->map->keys[i], 1, strlen(r->map->keys[i]) + 1, f);
		fwrite(cell, 1, strlen(cell) + 1, f);
		free(cell);
	}
	fputc('\0', f);
	b->sh->nrows++;
	return ferror(f) ? CRM_ERR : 0;
}

/* Appends column name of kind to sh. */
static void add_col(struct crm_rectable *sh, const char *name, unsigned kind)
{
	sh->cols = crm_xrealloc(sh->cols, (sh->ncols + 1) * sizeof(*sh->cols));
	sh->kinds = crm_xrealloc(sh->kinds, (sh->ncols + 1) * sizeof(*sh->kinds));
	sh->cols[sh->ncols] = crm_xstrdup(name);
	sh->kinds[sh->ncols++] = kind;
}

/* Sets the columns of sh: the registry's for its type, with the custom
 * fields found where the registry marks them. */
static void set_columns(struct crm_rectable *sh, const struct keys *custom)
{
	const struct crm_field *f;
	size_t i, k;

	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		if (f->kind == CRM_FIELD_CUSTOM)
			for (k = 0; k < custom->n; k++)
				add_col(sh, custom->v[k], CRM_FIELD_CUSTOM);
		if ((f->types & CRM_TYPE_BIT(sh->type)) && cell_kind(f->kind))
			add_col(sh, f->name, f->kind);
	}
}

int crm_rectable_build(struct crm_store *s, enum crm_type t,
		    const struct crm_query *q, struct crm_rectable *sh,
		    struct crm_err *err)
{
	struct build b = {sh, {NULL, 0}};
	int rc;

	memset(sh, 0, sizeof(*sh));
	sh->type = t;
	if ((sh->spool = tmpfile()) == NULL)
		return crm_seterr(err, CRM_ERR, _("cannot create a temporary "
				  "file: %s"), strerror(errno));
	rc = crm_export_each(s, t, q, spool_record, &b, err);
	if (rc == CRM_ERR && ferror(sh->spool))
		rc = crm_seterr(err, CRM_ERR, _("cannot write a temporary "
				"file: %s"), strerror(errno ? errno : EIO));
	if (rc == CRM_OK && (fflush(sh->spool) != 0 || fseek(sh->spool, 0,
							      SEEK_SET) != 0))
		rc = crm_seterr(err, CRM_ERR, _("cannot write a temporary "
				"file: %s"), strerror(errno ? errno : EIO));
	if (rc == CRM_OK)
		set_columns(sh, &b.custom);
	crm_words_free(b.custom.v, b.custom.n);
	if (rc)
		crm_rectable_free(sh);
	return rc;
}

/* The column of sh called key, by a linear search from *hint (the
 * fields of a record come in the columns' order, mostly); ncols when
 * there is none. */
static size_t column_of(const struct crm_rectable *sh, const char *key,
			size_t *hint)
{
	size_t i, c;

	for (i = 0; i < sh->ncols; i++) {
		c = (*hint + i) % sh->ncols;
		if (strcmp(sh->cols[c], key) == 0) {
			*hint = c + 1;
			return c;
		}
	}
	return sh->ncols;
}

/* Reads one NUL-ended string of f into *s (of *size bytes); its length,
 * or -1 at the end or on an error. */
static ssize_t read_str(FILE *f, char **s, size_t *size)
{
	ssize_t n = getdelim(s, size, '\0', f);

	return n > 0 ? n - 1 : -1;
}

int crm_rectable_rows(struct crm_rectable *sh, crm_rectable_cb cb, void *data,
		   struct crm_err *err)
{
	const char **cells = crm_xcalloc(sh->ncols ? sh->ncols : 1,
					 sizeof(*cells));
	char **vals = crm_xcalloc(sh->ncols ? sh->ncols : 1, sizeof(*vals));
	size_t *sizes = crm_xcalloc(sh->ncols ? sh->ncols : 1, sizeof(*sizes));
	char *key = NULL, *skip = NULL;
	size_t ksize = 0, ssize = 0, r, i, c, hint;
	int rc = CRM_OK;

	for (r = 0; r < sh->nrows && rc == CRM_OK; r++) {
		for (i = 0; i < sh->ncols; i++)
			cells[i] = "";
		hint = 0;
		while (read_str(sh->spool, &key, &ksize) > 0) {
			c = column_of(sh, key, &hint);
			if (c == sh->ncols) {
				read_str(sh->spool, &skip, &ssize);
				continue;
			}
			if (read_str(sh->spool, &vals[c], &sizes[c]) < 0)
				break;
			cells[c] = vals[c];
		}
		if (ferror(sh->spool) || feof(sh->spool))
			rc = crm_seterr(err, CRM_ERR, _("cannot read a temporary "
					"file: %s"), strerror(errno ? errno : EIO));
		else
			rc = cb(cells, data);
	}
	for (i = 0; i < sh->ncols; i++)
		free(vals[i]);
	free(vals);
	free(sizes);
	free(cells);
	free(key);
	free(skip);
	return rc;
}

void crm_rectable_free(struct crm_rectable *sh)
{
	crm_words_free(sh->cols, sh->ncols);
	free(sh->kinds);
	if (sh->spool)
		fclose(sh->spool);
	memset(sh, 0, sizeof(*sh));
}
