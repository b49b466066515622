/*
 * import.c - the rows of a spreadsheet made into records, in one commit.
 *
 * Each row becomes a record in memory, checked as crm add checks one; a
 * row that fails is rejected alone, with the column at fault, and leaves
 * nothing behind.  The record is then matched against the store and the
 * rows before it (dupes.c: phones, e-mails, tax ids, names): a sure
 * match is merged into the record it matches (recmerge.c), anything else
 * is created.  A contact's or deal's company is linked by name, and made
 * once when the store has none.  Only crm_import_commit writes: every
 * record made or changed, in one transaction, which runs the one change
 * pass on each (phones to E.164, stage_history, updated).  A row that
 * adds nothing to what it matches changes nothing, so importing a file
 * twice makes no second commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "import.h"

/* A record the commit writes. */
struct pending {
	struct crm_record *before; /* HEAD's version; NULL: new */
	struct crm_record *rec;
};

/* Strings to the places of records in the pending list (ids, and the
 * keys deals are matched by), open addressing. */
struct keymap {
	char **keys;
	size_t *vals;
	size_t n, cap;
};

struct crm_import {
	struct crm_store *s;
	const struct crm_config *cfg;
	struct crm_import_opts o;
	const struct crm_import_map *m;
	struct crm_matcher *match;     /* records of the import's type */
	struct crm_matcher *companies; /* for the company column */
	struct pending *p;
	size_t np, cap;
	struct keymap ids;             /* id -> place in p */
	struct keymap deals;           /* deal key -> place in p */
	struct keymap made;            /* folded name -> place in p of the
					  companies made for rows */
	struct keymap linked;          /* folded name -> place in linked_ids:
					  what a company name meant */
	char (*linked_ids)[CRM_ID_LEN + 1];
	size_t nlinked;
	struct keymap named;           /* folded name -> place in p of the
					  last record of the import's type
					  made by a row */
	struct crm_import_counts n;
	/* what the last row's result points to */
	struct crm_merge_result merge;
	char *why;
	char *name;
	char made_company[CRM_ID_LEN + 1];
};

/* ---- a map of strings ---- */

/* The slot of key in km (where it is, or the empty one for it). */
static size_t key_slot(const struct keymap *km, const char *key)
{
	size_t i = crm_hash(key, strlen(key)) & (km->cap - 1);

	while (km->keys[i] && strcmp(km->keys[i], key) != 0)
		i = (i + 1) & (km->cap - 1);
	return i;
}

/* Sets key (copied) to val in km. */
static void key_put(struct keymap *km, const char *key, size_t val)
{
	struct keymap old = *km;
	size_t i, at;

	if (2 * (km->n + 1) > km->cap) {
		km->cap = km->cap ? km->cap * 2 : 256;
		km->keys = crm_xcalloc(km->cap, sizeof(*km->keys));
		km->vals = crm_xcalloc(km->cap, sizeof(*km->vals));
		for (i = 0; i < old.cap; i++) {
			if (old.keys[i] == NULL)
				continue;
			at = key_slot(km, old.keys[i]);
			km->keys[at] = old.keys[i];
			km->vals[at] = old.vals[i];
		}
		free(old.keys);
		free(old.vals);
	}
	at = key_slot(km, key);
	if (km->keys[at] == NULL) {
		km->keys[at] = crm_xstrdup(key);
		km->n++;
	}
	km->vals[at] = val;
}

/* The value of key in km into *val; false when km has none. */
static bool key_get(const struct keymap *km, const char *key, size_t *val)
{
	size_t at;

	if (km->cap == 0)
		return false;
	at = key_slot(km, key);
	if (km->keys[at] == NULL)
		return false;
	*val = km->vals[at];
	return true;
}

static void keymap_free(struct keymap *km)
{
	size_t i;

	for (i = 0; i < km->cap; i++)
		free(km->keys[i]);
	free(km->keys);
	free(km->vals);
	memset(km, 0, sizeof(*km));
}

/* ---- the records the commit writes ---- */

/* Adds (before, rec), both taken, to the records written; returns its
 * place. */
static size_t pending_add(struct crm_import *im, struct crm_record *before,
			  struct crm_record *rec)
{
	if (im->np == im->cap) {
		im->cap = im->cap ? im->cap * 2 : 1024;
		im->p = crm_xrealloc(im->p, im->cap * sizeof(*im->p));
	}
	im->p[im->np].before = before;
	im->p[im->np].rec = rec;
	key_put(&im->ids, rec->id, im->np);
	return im->np++;
}

/* The record id as the import leaves it so far, for changing: the one
 * it writes already, else HEAD's, added to the records written.  NULL
 * when it cannot be read (err set). */
static struct crm_record *record_for_change(struct crm_import *im,
					    enum crm_type t, const char *id,
					    struct crm_err *err)
{
	struct crm_record *r = NULL;
	size_t at;

	if (key_get(&im->ids, id, &at))
		return im->p[at].rec;
	if (crm_store_read(im->s, t, id, &r, err) != CRM_OK)
		return NULL;
	at = pending_add(im, r, crm_record_dup(r));
	return im->p[at].rec;
}

/* A fresh id that the import has not made yet.  The store's ids are
 * checked all at once before the commit (check_new_ids): one pass over
 * HEAD's tree, not one lookup a row. */
static int new_id(struct crm_import *im, char id[CRM_ID_LEN + 1],
		  struct crm_err *err)
{
	size_t at;
	int tries, rc;

	for (tries = 0; tries < 100; tries++) {
		if ((rc = crm_id_generate(id, err)))
			return rc;
		if (!key_get(&im->ids, id, &at))
			return CRM_OK;
	}
	return crm_seterr(err, CRM_ERR, _("cannot find a free id"));
}

/* ---- values of cells ---- */

/* The cell's text as it is meant: without the blanks at either end and
 * without the quote a spreadsheet export puts before a formula's first
 * character (=, +, -, @, tab, CR) to neutralise it.  Caller owns it. */
static char *cell_text(const char *cell)
{
	size_t n;

	while (*cell == ' ' || *cell == '\t' || *cell == '\r' || *cell == '\n')
		cell++;
	if (cell[0] == '\'' && cell[1] && strchr("=+-@\t\r", cell[1]))
		cell++;
	n = strlen(cell);
	while (n && strchr(" \t\r\n", cell[n - 1]))
		n--;
	return crm_xstrndup(cell, n);
}

/* The next item of a cell holding a list, from *p on, into a new string
 * (blanks at either end dropped); NULL when no item is left.  seps are
 * the bytes between items. */
static char *next_item(const char **p, const char *seps)
{
	const char *s = *p, *e;
	size_t n;

	while (*s && (strchr(seps, *s) || *s == ' ' || *s == '\t'))
		s++;
	if (*s == '\0')
		return NULL;
	e = s + strcspn(s, seps);
	*p = e;
	n = (size_t)(e - s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return crm_xstrndup(s, n);
}

/* A tag from a word or words: blanks inside become '-'. */
static void tag_of(char *item)
{
	for (; *item; item++)
		if (*item == ' ' || *item == '\t')
			*item = '-';
}

/* The login of the user text names (a login, a name or an e-mail
 * address of crm.yaml's users, case folded), or NULL. */
static const char *user_of(const struct crm_config *cfg, const char *text)
{
	char *want = crm_fold(text), *have;
	const char *found = NULL;
	size_t i;

	for (i = 0; i < cfg->nusers && !found; i++) {
		const struct crm_user *u = &cfg->users[i];

		if (strcmp(u->login, text) == 0 ||
		    (u->email && strcasecmp(u->email, text) == 0)) {
			found = u->login;
			break;
		}
		have = crm_fold(u->name ? u->name : u->login);
		if (strcmp(have, want) == 0)
			found = u->login;
		free(have);
	}
	free(want);
	return found;
}

/* The id of the stage of r's pipeline text names (its id, or its name
 * in any language), or text itself (which the field check refuses,
 * with its hint). */
static const char *stage_of(const struct crm_config *cfg,
			    const struct crm_record *r, const char *text)
{
	const char *id = crm_pipeline_stage_named(
		crm_config_pipeline(cfg, crm_map_str(r->map, "pipeline")), text);

	return id ? id : text;
}

/* ---- a row into a record ---- */

/* What building a record from a row found out. */
struct row_build {
	struct crm_record *r;
	char *parts[3];        /* first, middle and last name */
	char *company;         /* the company column's text */
	char *contact;         /* a deal's contact column */
	bool has_id;           /* the id column named the record */
	size_t bad_col;        /* rejected: the 1-based column */
	bool bad_phone;        /* rejected for a text that is no number */
	size_t phones_norm, phones_typed;
};

static void row_build_free(struct row_build *b)
{
	size_t i;

	crm_record_free(b->r);
	for (i = 0; i < 3; i++)
		free(b->parts[i]);
	free(b->company);
	free(b->contact);
}

/* Rejects the row for column col (1-based; 0: the row) with err's
 * message, prefixed by the column's number and header. */
static int reject_col(struct crm_import *im, struct row_build *b, size_t col,
		      struct crm_err *err)
{
	const char *h = col && col <= im->m->ncols ? im->m->cols[col - 1].header
			: "";

	b->bad_col = col;
	if (col && h[0])
		crm_err_prefix(err, _("column %zu (%s)"), col, h);
	else if (col)
		crm_err_prefix(err, _("column %zu"), col);
	return CRM_EUSAGE;
}

/* Adds the phone numbers of a cell to r, counting how each is stored. */
static int add_phones(struct crm_import *im, struct row_build *b,
		      const char *text, struct crm_err *err)
{
	const char *p = text;
	char e164[CRM_PHONE_MAX], *item;
	enum crm_phone_norm how;
	int rc = CRM_OK;

	while (rc == CRM_OK && (item = next_item(&p, ",;\n")) != NULL) {
		rc = crm_phone_normalize(item, im->cfg, e164, &how, err);
		b->bad_phone = rc != CRM_OK;
		if (rc == CRM_OK) {
			if (how == CRM_PHONE_AS_TYPED)
				b->phones_typed++;
			else
				b->phones_norm++;
			rc = crm_record_set_field(b->r, "phone", '+', item,
						  im->cfg, im->o.by, im->o.now,
						  err);
		}
		free(item);
	}
	return rc;
}

/* Adds the items of a list cell (e-mails, tags) to r's field term. */
static int add_items(struct crm_import *im, struct row_build *b,
		     const char *term, const char *text, struct crm_err *err)
{
	const char *p = text;
	const char *seps = strcmp(term, "email") == 0 ? ",; \n" : ",;\n";
	char *item;
	int rc = CRM_OK;

	while (rc == CRM_OK && (item = next_item(&p, seps)) != NULL) {
		if (strcmp(term, "tag") == 0)
			tag_of(item);
		rc = crm_record_set_field(b->r, term, '+', item, im->cfg,
					  im->o.by, im->o.now, err);
		free(item);
	}
	return rc;
}

/* Sets merged_from, the ids of the records merged into this one, from
 * a cell that lists them. */
static int set_ids(struct row_build *b, const char *text, struct crm_err *err)
{
	struct crm_node *seq = crm_node_new_seq();
	const char *p = text;
	char *item;

	while ((item = next_item(&p, ", ;\n")) != NULL) {
		if (!crm_id_valid(item)) {
			crm_seterr(err, CRM_EUSAGE, _("invalid id '%s'"), item);
			free(item);
			crm_node_free(seq);
			return CRM_EUSAGE;
		}
		crm_seq_push(seq, crm_node_new_scalar(item));
		free(item);
	}
	crm_map_set(b->r->map, "merged_from", seq);
	return CRM_OK;
}

/* Sets field of the row's record from text, a cell of column col. */
static int set_cell(struct crm_import *im, struct row_build *b,
		    const char *field, const char *text, struct crm_err *err)
{
	const char *user;
	size_t i;

	static const char *const parts[] = {
		"first_name", "middle_name", "last_name",
	};
	for (i = 0; i < 3; i++)
		if (strcmp(field, parts[i]) == 0) {
			free(b->parts[i]);
			b->parts[i] = crm_xstrdup(text);
			return CRM_OK;
		}
	if (strcmp(field, "company") == 0 && b->r->type != CRM_COMPANY) {
		free(b->company);
		b->company = crm_xstrdup(text);
		return CRM_OK;
	}
	if (strcmp(field, "contact") == 0) {
		free(b->contact);
		b->contact = crm_xstrdup(text);
		return CRM_OK;
	}
	if (strcmp(field, "id") == 0) {
		if (!crm_id_valid(text))
			return crm_seterr(err, CRM_EUSAGE, _("invalid id '%s'"),
					  text);
		snprintf(b->r->id, sizeof(b->r->id), "%s", text);
		crm_map_set_str(b->r->map, "id", text);
		b->has_id = true;
		return CRM_OK;
	}
	if (strcmp(field, "created") == 0 || strcmp(field, "updated") == 0) {
		/* crm's own stamps, as an export wrote them: the record's
		 * check refuses any other text */
		crm_map_set_str(b->r->map, field, text);
		return CRM_OK;
	}
	if (strcmp(field, "merged_from") == 0)
		return set_ids(b, text, err);
	if (strcmp(field, "phones") == 0)
		return add_phones(im, b, text, err);
	if (strcmp(field, "emails") == 0)
		return add_items(im, b, "email", text, err);
	if (strcmp(field, "tags") == 0)
		return add_items(im, b, "tag", text, err);
	if (strcmp(field, "owner") == 0) {
		if ((user = user_of(im->cfg, text)) == NULL)
			return crm_seterr(err, CRM_EUSAGE, _("unknown user "
					  "'%s'"), text);
		text = user;
	}
	if (strcmp(field, "stage") == 0)
		text = stage_of(im->cfg, b->r, text);
	return crm_record_set_field(b->r, field, '=', text, im->cfg, im->o.by,
				    im->o.now, err);
}

/* The name of a contact made of its parts: first, middle and last, as
 * they are given.  NULL when none is. */
static char *joined_name(struct row_build *b)
{
	struct crm_buf out = {0};
	size_t i;

	for (i = 0; i < 3; i++) {
		if (b->parts[i] == NULL || b->parts[i][0] == '\0')
			continue;
		if (out.len)
			crm_buf_addc(&out, ' ');
		crm_buf_adds(&out, b->parts[i]);
	}
	return out.len ? crm_buf_detach(&out) : NULL;
}

/* The column (1-based) whose field is field, 0 when none: where a check
 * of the whole record puts its fault. */
static size_t column_of(const struct crm_import *im, const char *field)
{
	size_t i;

	for (i = 0; field && i < im->m->ncols; i++)
		if (im->m->cols[i].field &&
		    strcmp(im->m->cols[i].field, field) == 0)
			return i + 1;
	return 0;
}

/* The field a message of the record checks names ("field 'x': ..."), or
 * NULL.  Caller owns it. */
static char *field_in(const char *msg)
{
	const char *p = strstr(msg, "field '"), *e;

	if (p == NULL || (e = strchr(p + 7, '\'')) == NULL)
		return NULL;
	return crm_xstrndup(p + 7, (size_t)(e - p - 7));
}

/* Fills the row's record from its cells (not its company yet): the
 * record is checked as crm add checks one.  CRM_EUSAGE with err set and
 * b->bad_col for a rejected row. */
static int build_record(struct crm_import *im, const struct crm_sheet *sh,
			size_t row, struct row_build *b, struct crm_err *err)
{
	const struct crm_sheet_row *sr = &sh->rows[row];
	char id[CRM_ID_LEN + 1], *text, *name, *field;
	size_t c;
	int rc;

	if (sr->error) {
		/* a place in the file's text, not a column of the map */
		if (sh->delimiter && sr->error_col)
			return crm_seterr(err, CRM_EUSAGE, _("character %zu: %s"),
					  sr->error_col, sr->error);
		if (sr->error_col)
			return crm_seterr(err, CRM_EUSAGE, _("column %zu: %s"),
					  sr->error_col, sr->error);
		return crm_seterr(err, CRM_EUSAGE, "%s", sr->error);
	}
	if ((rc = new_id(im, id, err)))
		return rc;
	b->r = crm_record_new(im->o.type, id, "", im->o.now);
	for (c = 0; c < im->m->ncols; c++) {
		if (im->m->cols[c].field == NULL)
			continue;
		text = cell_text(crm_sheet_cell(sh, row, c));
		rc = text[0] ? set_cell(im, b, im->m->cols[c].field, text, err)
			     : CRM_OK;
		free(text);
		if (rc)
			return reject_col(im, b, c + 1, err);
	}
	name = (name = (char *)crm_record_name(b->r)) && name[0]
	       ? crm_xstrdup(name) : joined_name(b);
	if (name == NULL) {
		crm_seterr(err, CRM_EUSAGE, _("no name"));
		return reject_col(im, b, column_of(im, "name"), err);
	}
	crm_map_set_str(b->r->map, "name", name);
	free(name);
	/* the stage's history is the change pass's to write: merged into a
	 * deal, the row's own entry would be a move that never was */
	crm_map_del(b->r->map, "stage_history");
	/* the stamps are the change pass's unless the file gives them */
	if (column_of(im, "created") == 0)
		crm_map_del(b->r->map, "created");
	if (column_of(im, "updated") == 0)
		crm_map_del(b->r->map, "updated");
	crm_record_normalize_phones(b->r, im->cfg);
	if (crm_record_normalize(b->r, im->cfg, im->o.now, err) ||
	    crm_record_validate(b->r, im->cfg, err)) {
		field = field_in(err->msg);
		c = column_of(im, field);
		free(field);
		return reject_col(im, b, c, err);
	}
	return CRM_OK;
}

/* ---- companies, contacts and matches ---- */

/* The score at which a company column links a company of the store: its
 * name the same once legal forms are dropped, in either alphabet
 * (crm_matcher_load's scores). */
#define COMPANY_LINK_SCORE (CRM_MATCH_SURE - 5)
/* The most records of one name read to find the one a row is. */
#define NAMESAKES_MAX 20

/* The company of the store named exactly name (case and accents aside)
 * into id, the one made first (then the smallest id) when several are:
 * the same one at each import of a file, not a new one each time;
 * false when there is none. */
static bool store_company_named(struct crm_import *im, const char *name,
				char id[CRM_ID_LEN + 1])
{
	struct crm_match *cands = NULL;
	char best_at[64] = "";
	const char *at;
	size_t n = 0, i;
	bool found = false;

	if (crm_store_named(im->s, CRM_TYPE_BIT(CRM_COMPANY), name,
			    NAMESAKES_MAX, &cands, &n, NULL) != CRM_OK)
		n = 0;
	for (i = 0; i < n; i++) {
		struct crm_record *co = NULL;

		if (crm_store_read(im->s, CRM_COMPANY, cands[i].id, &co,
				   NULL) != CRM_OK)
			continue;
		at = crm_map_str(co->map, "created");
		at = at ? at : "";
		if (!found || strcmp(at, best_at) < 0 ||
		    (strcmp(at, best_at) == 0 && strcmp(co->id, id) < 0)) {
			snprintf(id, CRM_ID_LEN + 1, "%s", co->id);
			snprintf(best_at, sizeof(best_at), "%s", at);
			found = true;
		}
		crm_record_free(co);
	}
	crm_matches_free(cands, n);
	return found;
}

/* The company a company column's name means into id: one the import
 * made for that name, else the store's (or the import's) company the
 * name matches surely (legal forms and the alphabet aside), else the
 * store's company of exactly that name; false when none. */
static bool company_named(struct crm_import *im, const char *name,
			  char id[CRM_ID_LEN + 1])
{
	struct crm_dupe_match dm;
	struct crm_record *co;
	char *fold = crm_fold(name);
	size_t at;
	bool found;

	if (key_get(&im->made, fold, &at)) {
		snprintf(id, CRM_ID_LEN + 1, "%s", im->p[at].rec->id);
		free(fold);
		return true;
	}
	if (key_get(&im->linked, fold, &at)) {
		snprintf(id, CRM_ID_LEN + 1, "%s", im->linked_ids[at]);
		free(fold);
		return true;
	}
	co = crm_record_new(CRM_COMPANY, "", name, im->o.now);
	found = crm_matcher_find(im->companies, co, &dm) == CRM_OK &&
		dm.score >= COMPANY_LINK_SCORE;
	crm_record_free(co);
	if (found)
		snprintf(id, CRM_ID_LEN + 1, "%s", dm.id);
	else
		found = store_company_named(im, name, id);
	if (found) {
		/* the next rows of that name mean the same */
		im->linked_ids = crm_xrealloc(im->linked_ids, (im->nlinked + 1) *
					      sizeof(*im->linked_ids));
		snprintf(im->linked_ids[im->nlinked], CRM_ID_LEN + 1, "%s", id);
		key_put(&im->linked, fold, im->nlinked++);
	}
	free(fold);
	return found;
}

/* Sets the row's company: the company the company column names (its
 * id, or a name a company of the store or of the import matches), else
 * a new one, made once.  NULL *made unless one was made. */
static int link_company(struct crm_import *im, struct row_build *b,
			const char **made, struct crm_err *err)
{
	struct crm_record *co;
	enum crm_type t;
	char id[CRM_ID_LEN + 1], *fold;
	size_t at;
	int rc;

	*made = NULL;
	if (b->company == NULL)
		return CRM_OK;
	if (crm_id_valid(b->company) &&
	    (key_get(&im->ids, b->company, &at) ||
	     (crm_store_find_id(im->s, b->company, &t, NULL) == CRM_OK &&
	      t == CRM_COMPANY))) {
		crm_map_set_str(b->r->map, "company", b->company);
		return CRM_OK;
	}
	if (company_named(im, b->company, id)) {
		crm_map_set_str(b->r->map, "company", id);
		return CRM_OK;
	}
	if ((rc = new_id(im, id, err)))
		return rc;
	co = crm_record_new(CRM_COMPANY, id, b->company, im->o.now);
	if (crm_map_get(b->r->map, "owner"))
		crm_map_set_str(co->map, "owner",
				crm_map_str(b->r->map, "owner"));
	if ((rc = crm_record_apply_defaults(co, im->cfg, im->o.by, im->o.now,
					    err)) ||
	    (rc = crm_record_validate(co, im->cfg, err))) {
		crm_record_free(co);
		return reject_col(im, b, column_of(im, "company"), err);
	}
	crm_matcher_add(im->companies, co);
	fold = crm_fold(b->company);
	key_put(&im->made, fold, pending_add(im, NULL, co));
	free(fold);
	im->n.companies++;
	snprintf(im->made_company, sizeof(im->made_company), "%s", id);
	*made = im->made_company;
	crm_map_set_str(b->r->map, "company", id);
	return CRM_OK;
}

/* Sets a deal's contact from the contact column: a contact's id or
 * exact name. */
static int link_contact(struct crm_import *im, struct row_build *b,
			struct crm_err *err)
{
	enum crm_type t;
	char id[CRM_ID_LEN + 1];
	int rc;

	if (b->contact == NULL)
		return CRM_OK;
	rc = crm_store_resolve(im->s, CRM_TYPE_BIT(CRM_CONTACT), b->contact,
			       &t, id, NULL, NULL, err);
	if (rc)
		return reject_col(im, b, column_of(im, "contact"), err);
	crm_map_set_str(b->r->map, "contact", id);
	return CRM_OK;
}

/* The key a deal is matched by: its folded name and its company. */
static char *deal_key(const struct crm_record *r)
{
	struct crm_buf k = {0};
	char *fold = crm_fold(crm_record_name(r));
	const char *co = crm_map_str(r->map, "company");

	crm_buf_addf(&k, "%s\n%s", fold, co ? co : "");
	free(fold);
	return crm_buf_detach(&k);
}

/* The deal of the store or of the import r is the same as (same name
 * and company) into id; false when none. */
static bool find_deal(struct crm_import *im, const struct crm_record *r,
		      char id[CRM_ID_LEN + 1])
{
	struct crm_record *d = NULL;
	enum crm_type t;
	char *key = deal_key(r), *dkey;
	size_t at;
	bool same = false;

	if (key_get(&im->deals, key, &at)) {
		snprintf(id, CRM_ID_LEN + 1, "%s", im->p[at].rec->id);
		free(key);
		return true;
	}
	if (crm_store_resolve(im->s, CRM_TYPE_BIT(CRM_DEAL),
			      crm_record_name(r), &t, id, NULL, NULL,
			      NULL) == CRM_OK &&
	    crm_store_read(im->s, CRM_DEAL, id, &d, NULL) == CRM_OK) {
		dkey = deal_key(d);
		same = strcmp(dkey, key) == 0;
		free(dkey);
	}
	crm_record_free(d);
	free(key);
	return same;
}

/* True when match dm rests on one phone or one e-mail address and
 * nothing else, not even the name: a firm's switchboard or its info@
 * address, which the rows of its people share.  Such a match is no
 * match: skipped into it, a row of another person would be lost.  The
 * scores are crm_matcher_load's: a phone alone 90, an e-mail alone 95,
 * each further kind of evidence 5 more. */
static bool lone_key(const struct crm_dupe_match *dm)
{
	if (strncmp(dm->reason, "phone ", 6) == 0)
		return dm->score == CRM_MATCH_SURE;
	if (strncmp(dm->reason, "e-mail ", 7) == 0)
		return dm->score == CRM_MATCH_SURE + 5;
	return false;
}

/* The record of the store or of the import the row's record r is: by
 * its id, else the best sure match; into id with the reason.  false when
 * none.  A match that is not sure is taken only when r is named as it
 * is (same folded name) and would change nothing (decided by the
 * caller: *weak is set).  *refused is set for a match on a lone key
 * (lone_key), which is not taken. */
static bool find_match(struct crm_import *im, const struct row_build *b,
		       char id[CRM_ID_LEN + 1], char *why, size_t whysize,
		       bool *weak, bool *refused)
{
	struct crm_dupe_match dm;
	enum crm_type t;
	size_t at;

	*weak = *refused = false;
	if (b->has_id && (key_get(&im->ids, b->r->id, &at) ||
			  crm_store_find_id(im->s, b->r->id, &t, NULL) == CRM_OK)) {
		snprintf(id, CRM_ID_LEN + 1, "%s", b->r->id);
		snprintf(why, whysize, "id %s", b->r->id);
		return true;
	}
	if (im->o.type == CRM_DEAL) {
		snprintf(why, whysize, "name");
		return find_deal(im, b->r, id);
	}
	if (crm_matcher_find(im->match, b->r, &dm) != CRM_OK)
		return false;
	snprintf(id, CRM_ID_LEN + 1, "%s", dm.id);
	snprintf(why, whysize, "%s", dm.reason);
	if (lone_key(&dm)) {
		*refused = true;
		return false;
	}
	*weak = dm.score < CRM_MATCH_SURE;
	return true;
}

/* Gives the row's values to rec where they differ (--update): each
 * conflict's field takes the row's value. */
static void take_row_values(struct crm_record *rec, const struct crm_record *r,
			    const struct crm_merge_result *res)
{
	size_t i;

	for (i = 0; i < res->nconflicts; i++) {
		const struct crm_node *v = crm_map_get(r->map,
						       res->conflicts[i].field);

		/* another spelling of a name is not a better one */
		if (v && strcmp(res->conflicts[i].field, "name") != 0)
			crm_map_set(rec->map, res->conflicts[i].field,
				    crm_node_dup(v));
	}
}

/* Merges the row's record into rec as the import's mode says (--update:
 * the row's values win); true when that changed rec. */
static bool merge_values(struct crm_import *im, struct crm_record *rec,
			 const struct crm_record *row)
{
	struct crm_node *was = crm_node_dup(rec->map);
	bool changed;

	crm_merge_result_free(&im->merge);
	crm_record_merge_in_region(rec, row, im->cfg->default_region,
				   &im->merge);
	if (im->o.existing == CRM_IMPORT_UPDATE)
		take_row_values(rec, row, &im->merge);
	changed = !crm_node_equal(was, rec->map);
	crm_node_free(was);
	return changed;
}

/* Merges the row's record into the record id (of the store or of the
 * import): what its result says.  CRM_ENOTFOUND when the match is weak
 * and the row would change the record: it is not that record. */
static int merge_row(struct crm_import *im, struct row_build *b,
		     const char *id, bool weak, struct crm_import_row *res,
		     struct crm_err *err)
{
	struct crm_record *rec, *probe = NULL;
	size_t at;
	bool changed;

	if (key_get(&im->ids, id, &at))
		probe = crm_record_dup(im->p[at].rec);
	else if (crm_store_read(im->s, im->o.type, id, &probe, err) != CRM_OK)
		return CRM_ERR;
	changed = merge_values(im, probe, b->r);
	if (weak && changed) {
		crm_record_free(probe);
		return CRM_ENOTFOUND;
	}
	/* the row is told by the record it went into, by that one's name */
	free(im->name);
	im->name = crm_xstrdup(crm_record_name(probe));
	res->name = im->name;
	res->outcome = CRM_IMPORT_SKIPPED;
	if (changed && im->o.existing != CRM_IMPORT_SKIP) {
		if ((rec = record_for_change(im, im->o.type, id, err)) == NULL) {
			crm_record_free(probe);
			return CRM_ERR;
		}
		/* the merged copy takes the place of the record */
		crm_node_free(rec->map);
		rec->map = probe->map;
		probe->map = NULL;
		if (im->match)
			crm_matcher_add(im->match, rec);
		res->outcome = b->has_id ? CRM_IMPORT_UPDATED
					 : CRM_IMPORT_MERGED;
	}
	crm_record_free(probe);
	res->conflicts = im->merge.conflicts;
	res->nconflicts = im->o.existing == CRM_IMPORT_UPDATE ? 0
			  : im->merge.nconflicts;
	return CRM_OK;
}

/* True when merging the row's record r into the record id (of the
 * store, or of the import) would change nothing. */
static bool adds_nothing(struct crm_import *im, const struct crm_record *r,
			 const char *id)
{
	struct crm_record *probe = NULL;
	size_t at;
	bool changed;

	if (key_get(&im->ids, id, &at))
		probe = crm_record_dup(im->p[at].rec);
	else if (crm_store_read(im->s, im->o.type, id, &probe, NULL) != CRM_OK)
		return false;
	changed = merge_values(im, probe, r);
	crm_record_free(probe);
	return !changed;
}

/* True when r has what the matcher knows a client by whatever its name:
 * an e-mail, a tax id or a valid number (in E.164).  A row with one that
 * matched nothing is no record of the store. */
static bool has_key(const struct crm_record *r)
{
	const struct crm_node *ph = crm_map_get(r->map, "phones");
	size_t i;

	if (crm_map_get(r->map, "emails") || crm_map_get(r->map, "tax_id"))
		return true;
	for (i = 0; ph && ph->kind == CRM_NODE_SEQ && i < ph->len; i++)
		if (ph->items[i]->kind == CRM_NODE_SCALAR &&
		    crm_phone_is_e164(ph->items[i]->str))
			return true;
	return false;
}

/* A record named as the row's record r (case and accents aside) that r
 * adds nothing to, into id: a row imported before that has nothing by
 * which the matcher would know it (no phone, e-mail or tax id, and a
 * name many records have).  false when there is none. */
static bool unchanged_namesake(struct crm_import *im,
			       const struct crm_record *r,
			       char id[CRM_ID_LEN + 1])
{
	struct crm_match *cands = NULL;
	char *fold = crm_fold(crm_record_name(r));
	size_t at, n = 0, i;
	bool found = false;

	if (key_get(&im->named, fold, &at) &&
	    adds_nothing(im, r, im->p[at].rec->id)) {
		snprintf(id, CRM_ID_LEN + 1, "%s", im->p[at].rec->id);
		free(fold);
		return true;
	}
	if (crm_store_named(im->s, CRM_TYPE_BIT(im->o.type), crm_record_name(r),
			    NAMESAKES_MAX, &cands, &n, NULL) != CRM_OK)
		n = 0;
	for (i = 0; i < n && !found; i++)
		if ((found = adds_nothing(im, r, cands[i].id)))
			snprintf(id, CRM_ID_LEN + 1, "%s", cands[i].id);
	crm_matches_free(cands, n);
	free(fold);
	return found;
}

/* Makes the row's record a new one of the import (its defaults filled
 * as crm add fills them). */
static int create_row(struct crm_import *im, struct row_build *b,
		      struct crm_err *err)
{
	struct crm_record *r = b->r;
	size_t at;
	char *key;
	int rc;

	if ((rc = crm_record_apply_defaults(r, im->cfg, im->o.by, im->o.now,
					    err)))
		return rc;
	/* in the order of the file it will be: a later row merged into it
	 * is compared with it key by key, in order */
	crm_record_canonicalize(r);
	b->r = NULL;
	at = pending_add(im, NULL, r);
	if (im->o.type == CRM_DEAL) {
		key = deal_key(r);
		key_put(&im->deals, key, at);
		free(key);
	} else {
		crm_matcher_add(im->match, r);
	}
	key = crm_fold(crm_record_name(r));
	key_put(&im->named, key, at);
	free(key);
	return CRM_OK;
}

/* ---- the import ---- */

int crm_import_new(struct crm_store *s, const struct crm_import_opts *o,
		   const struct crm_import_map *m, struct crm_import **out,
		   struct crm_err *err)
{
	struct crm_import *im = crm_xcalloc(1, sizeof(*im));
	int rc;

	im->s = s;
	im->cfg = crm_store_config(s);
	im->o = *o;
	im->m = m;
	*out = NULL;
	if ((o->type != CRM_DEAL &&
	     (rc = crm_matcher_load(s, o->type, &im->match, err))) ||
	    (rc = crm_matcher_load(s, CRM_COMPANY, &im->companies, err))) {
		crm_import_free(im);
		return rc;
	}
	*out = im;
	return CRM_OK;
}

/* Clears what the last row's result points to. */
static void clear_row(struct crm_import *im, struct crm_import_row *res)
{
	crm_merge_result_free(&im->merge);
	free(im->why);
	free(im->name);
	im->why = im->name = NULL;
	memset(res, 0, sizeof(*res));
}

/* Ends the row as rejected, with err's message. */
static int rejected(struct crm_import *im, struct row_build *b,
		    struct crm_import_row *res, struct crm_err *err)
{
	res->outcome = CRM_IMPORT_REJECTED;
	im->why = crm_xstrdup(err->msg);
	res->why = im->why;
	im->n.rejected++;
	if (b->bad_phone)
		im->n.phones_invalid++;
	err->status = CRM_OK;
	err->msg[0] = '\0';
	row_build_free(b);
	return CRM_OK;
}

/* Counts the row's outcome. */
static void count(struct crm_import *im, const struct crm_import_row *res,
		  const struct row_build *b)
{
	switch (res->outcome) {
	case CRM_IMPORT_CREATED: im->n.created++; break;
	case CRM_IMPORT_UPDATED: im->n.updated++; break;
	case CRM_IMPORT_MERGED: im->n.merged++; break;
	case CRM_IMPORT_SKIPPED: im->n.skipped++; break;
	default: break;
	}
	im->n.conflicts += res->nconflicts;
	im->n.phones_normalised += b->phones_norm;
	im->n.phones_as_typed += b->phones_typed;
}

int crm_import_row(struct crm_import *im, const struct crm_sheet *sheet,
		   size_t i, struct crm_import_row *res, struct crm_err *err)
{
	struct row_build b = {0};
	char id[CRM_ID_LEN + 1], why[128];
	const char *made = NULL;
	bool weak, refused, matched;
	int rc;

	clear_row(im, res);
	res->line = sheet->rows[i].error && sheet->rows[i].error_line
		    ? sheet->rows[i].error_line : sheet->rows[i].line;
	res->type = im->o.type;
	im->n.rows++;
	if ((rc = build_record(im, sheet, i, &b, err)) == CRM_EUSAGE ||
	    (rc == CRM_OK && ((rc = link_contact(im, &b, err)) ||
			      (rc = link_company(im, &b, &made, err)))))
		return rc == CRM_EUSAGE ? rejected(im, &b, res, err) : rc;
	if (rc)
		goto out;
	im->name = crm_xstrdup(crm_record_name(b.r));
	res->name = im->name;
	res->company_created = made;
	matched = find_match(im, &b, id, why, sizeof(why), &weak, &refused);
	if (matched) {
		rc = merge_row(im, &b, id, weak, res, err);
		if (rc == CRM_ENOTFOUND)
			matched = false, rc = CRM_OK;
		else if (rc)
			goto out;
	}
	if (!matched && im->o.type != CRM_DEAL && (refused || !has_key(b.r)) &&
	    unchanged_namesake(im, b.r, id)) {
		matched = true;
		res->outcome = CRM_IMPORT_SKIPPED;
		res->conflicts = im->merge.conflicts;
		res->nconflicts = im->merge.nconflicts;
		snprintf(why, sizeof(why), "name");
	}
	if (matched) {
		snprintf(res->id, sizeof(res->id), "%s", id);
		im->why = crm_xstrdup(why);
		res->why = im->why;
	} else {
		snprintf(res->id, sizeof(res->id), "%s", b.r->id);
		res->outcome = CRM_IMPORT_CREATED;
		if ((rc = create_row(im, &b, err)))
			goto out;
	}
	count(im, res, &b);
out:
	row_build_free(&b);
	return rc;
}

const struct crm_import_counts *crm_import_counts(const struct crm_import *im)
{
	return &im->n;
}

size_t crm_import_pending(const struct crm_import *im)
{
	return im->np;
}

/* The commit's subject: "import 'x.csv': 80 created, 12 merged". */
static void subject_of(const struct crm_import *im, struct crm_buf *b)
{
	const char *src = im->o.source ? im->o.source : "-";
	const char *base = strrchr(src, '/');

	crm_buf_addf(b, "import '%s': %zu created, %zu updated, %zu merged",
		     base ? base + 1 : src, im->n.created + im->n.companies,
		     im->n.updated, im->n.merged);
}

/* Refuses ids made for new records that the store has meanwhile: a
 * writer between the id's choice and the lock. */
static int check_new_ids(struct crm_import *im, struct crm_err *err)
{
	const char **ids = crm_xcalloc(im->np + 1, sizeof(*ids));
	int *types = crm_xcalloc(im->np + 1, sizeof(int));
	size_t i, n = 0;
	int rc;

	for (i = 0; i < im->np; i++)
		if (im->p[i].before == NULL)
			ids[n++] = im->p[i].rec->id;
	rc = crm_store_find_ids(im->s, CRM_TYPE_ALL, ids, n, types, err);
	for (i = 0; rc == CRM_OK && i < n; i++)
		if (types[i] != CRM_IDS_NONE)
			rc = crm_seterr(err, CRM_ERR, _("the id %s was taken "
					"meanwhile: import again"), ids[i]);
	free(ids);
	free(types);
	return rc;
}

int crm_import_commit(struct crm_import *im, const char *command,
		      crm_txn_publish_cb publish, void *data,
		      struct crm_err *err)
{
	struct crm_txn *t;
	struct crm_buf subject = {0};
	size_t i;
	int rc;

	if (im->np == 0)
		return CRM_OK;
	if ((rc = check_new_ids(im, err)))
		return rc;
	t = crm_txn_new(im->s);
	crm_txn_set_rules(t, false);
	if (publish)
		crm_txn_on_publish(t, publish, data);
	for (i = 0; rc == CRM_OK && i < im->np; i++) {
		if (im->p[i].before &&
		    crm_node_equal(im->p[i].before->map, im->p[i].rec->map))
			continue; /* changed back by a later row */
		rc = crm_txn_take_change(t, im->p[i].before, im->p[i].rec, err);
		im->p[i].before = im->p[i].rec = NULL;
	}
	if (rc == CRM_OK && crm_txn_count(t) > 0) {
		subject_of(im, &subject);
		rc = crm_txn_commit(t, subject.s, command, err);
	}
	crm_buf_free(&subject);
	crm_txn_free(t);
	return rc;
}

void crm_import_free(struct crm_import *im)
{
	size_t i;

	if (im == NULL)
		return;
	for (i = 0; i < im->np; i++) {
		crm_record_free(im->p[i].before);
		crm_record_free(im->p[i].rec);
	}
	free(im->p);
	keymap_free(&im->ids);
	keymap_free(&im->deals);
	keymap_free(&im->made);
	keymap_free(&im->named);
	keymap_free(&im->linked);
	free(im->linked_ids);
	crm_matcher_free(im->match);
	crm_matcher_free(im->companies);
	crm_merge_result_free(&im->merge);
	free(im->why);
	free(im->name);
	free(im);
}
