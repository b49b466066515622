/*
 * ref.c - references: what a user typed for a record (an id or a prefix
 * of one, a name, a prefix of a name, words of a name) resolved to one
 * record through the index, never by a guess.  The order of the levels
 * is described at crm_store_resolve in crm.h and in crm(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store-internal.h"

/* Rows read at a level: one more than is reported, to know there are
 * more. */
#define MATCH_ROOM (CRM_MATCH_MAX + 1)

/* The levels of matching, and the narrowing of the exact one. */
enum level {
	L_EXACT,   /* folded name equal */
	L_BYTES,   /* folded name equal and the name byte for byte */
	L_ID,      /* id prefix */
	L_PREFIX,  /* folded name prefix */
	L_WORDS,   /* every word a word of the name */
};

/* Matches collected at a level. */
struct matches {
	struct crm_match *m;
	size_t n, cap;
};

/* One reference being resolved. */
struct lookup {
	sqlite3 *db;
	const char *ref;    /* as typed */
	char *fold;         /* crm_fold(ref) */
	char *upper;        /* fold followed by the highest code point */
	char *words;        /* facet query of ref's words; NULL when none */
	char idprefix[CRM_ID_LEN + 1]; /* "" when ref is no id prefix */
	char idupper[CRM_ID_LEN + 2];
	unsigned accept;    /* CRM_TYPE_BIT bits */
	unsigned prefer;    /* CRM_TYPE_BIT bits, within accept */
};

void crm_matches_free(struct crm_match *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(m[i].name);
	free(m);
}

static void matches_clear(struct matches *ms)
{
	crm_matches_free(ms->m, ms->n);
	memset(ms, 0, sizeof(*ms));
}

/* Adds (t, id, name) to ms unless its id is there already. */
static void add_match(struct matches *ms, enum crm_type t, const char *id,
		      const char *name)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		if (strcmp(ms->m[i].id, id) == 0)
			return;
	if (ms->n == ms->cap) {
		ms->cap = ms->cap ? ms->cap * 2 : 8;
		ms->m = crm_xrealloc(ms->m, ms->cap * sizeof(*ms->m));
	}
	memset(&ms->m[ms->n], 0, sizeof(ms->m[ms->n]));
	ms->m[ms->n].type = t;
	snprintf(ms->m[ms->n].id, sizeof(ms->m[ms->n].id), "%s", id);
	ms->m[ms->n].name = crm_xstrdup(name ? name : "?");
	ms->n++;
}

/* Moves the matches of from to the end of to (skipping ids already
 * there) and empties from. */
static void matches_merge(struct matches *to, struct matches *from)
{
	size_t i;

	for (i = 0; i < from->n; i++)
		add_match(to, from->m[i].type, from->m[i].id, from->m[i].name);
	matches_clear(from);
}

/* Appends "type IN (0, 2)" for the types of mask to b. */
static void type_list(struct crm_buf *b, const char *col, unsigned mask)
{
	const char *sep = "";
	int t;

	crm_buf_addf(b, "%s IN (", col);
	for (t = 0; t < CRM_NTYPES; t++) {
		if (mask & CRM_TYPE_BIT(t)) {
			crm_buf_addf(b, "%s%d", sep, t);
			sep = ", ";
		}
	}
	crm_buf_adds(b, ")");
}

/*
 * The select of level lv among the types of mask into sql, and its two
 * text parameters into *a and *b (b may be NULL); false when the level
 * cannot match ref at all.  Every select yields type, id, name, and is
 * limited by ?3.
 */
static bool level_sql(const struct lookup *lk, enum level lv, unsigned mask,
		      struct crm_buf *sql, const char **a, const char **b)
{
	*b = NULL;
	if (lv == L_WORDS) {
		if (lk->words == NULL)
			return false;
		crm_buf_adds(sql, "SELECT r.type, r.id, r.name FROM facets"
			     " JOIN records r ON r.rid = facets.rowid"
			     " WHERE facets MATCH ?1 AND ");
		type_list(sql, "r.type", mask);
		*a = lk->words;
		crm_buf_adds(sql, " LIMIT ?3");
		return true;
	}
	if (lv == L_ID && lk->idprefix[0] == '\0')
		return false;
	crm_buf_adds(sql, "SELECT type, id, name FROM records WHERE ");
	type_list(sql, "type", mask);
	switch (lv) {
	case L_EXACT:
		crm_buf_adds(sql, " AND name_fold = ?1");
		*a = lk->fold;
		break;
	case L_BYTES:
		crm_buf_adds(sql, " AND name_fold = ?1 AND name = ?2");
		*a = lk->fold;
		*b = lk->ref;
		break;
	case L_ID:
		crm_buf_adds(sql, " AND id >= ?1 AND id < ?2");
		*a = lk->idprefix;
		*b = lk->idupper;
		break;
	default:
		crm_buf_adds(sql, " AND name_fold >= ?1 AND name_fold < ?2");
		*a = lk->fold;
		*b = lk->upper;
		break;
	}
	crm_buf_adds(sql, " LIMIT ?3");
	return true;
}

/* Adds to ms the records (at most limit) that level lv finds among the
 * types of mask. */
static int collect(const struct lookup *lk, enum level lv, unsigned mask,
		   size_t limit, struct matches *ms, struct crm_err *err)
{
	struct crm_buf sql = {0};
	sqlite3_stmt *st = NULL;
	const char *a, *b;
	int rc;

	if (mask == 0 || !level_sql(lk, lv, mask, &sql, &a, &b)) {
		crm_buf_free(&sql);
		return CRM_OK;
	}
	rc = sqlite3_prepare_v2(lk->db, sql.s, -1, &st, NULL);
	crm_buf_free(&sql);
	if (rc != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(lk->db));
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add_match(ms, (enum crm_type)sqlite3_column_int(st, 0),
			  (const char *)sqlite3_column_text(st, 1),
			  (const char *)sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(lk->db));
	return CRM_OK;
}

/* Replaces ms by one when one holds a single match. */
static void take_single(struct matches *ms, struct matches *one)
{
	if (one->n == 1) {
		matches_clear(ms);
		*ms = *one;
	} else {
		matches_clear(one);
	}
}

/*
 * Narrows ms, the several matches of name level lv, to the one match
 * that is preferred, if there is exactly one: at the exact level the
 * name spelt byte for byte as typed, then at any name level the record
 * of a preferred type.  Leaves ms as it is otherwise.
 */
static int narrow(const struct lookup *lk, enum level lv, struct matches *ms,
		  struct crm_err *err)
{
	struct matches one = {0};
	int rc;

	if (lv == L_EXACT) {
		if ((rc = collect(lk, L_BYTES, lk->accept, 2, &one, err)))
			return rc;
		take_single(ms, &one);
		if (ms->n == 1)
			return CRM_OK;
	}
	if (lk->prefer == 0 || lk->prefer == lk->accept)
		return CRM_OK;
	if ((rc = collect(lk, lv, lk->prefer, 2, &one, err)))
		return rc;
	take_single(ms, &one);
	return CRM_OK;
}

/* Collects at the first of the name levels (prefix, words) that matches
 * into ms, setting *lv to it. */
static int fuzzy_names(const struct lookup *lk, struct matches *ms,
		       enum level *lv, struct crm_err *err)
{
	int rc;

	*lv = L_PREFIX;
	if ((rc = collect(lk, L_PREFIX, lk->accept, MATCH_ROOM, ms, err)) ||
	    ms->n)
		return rc;
	*lv = L_WORDS;
	return collect(lk, L_WORDS, lk->accept, MATCH_ROOM, ms, err);
}

/* Finds the records ref can mean, level by level, into ms: one when it
 * resolves, several when it is ambiguous, none when nothing matches. */
static int match_ref(const struct lookup *lk, struct matches *ms,
		     struct crm_err *err)
{
	struct matches names = {0};
	enum level lv;
	int rc;

	if ((rc = collect(lk, L_EXACT, lk->accept, MATCH_ROOM, ms, err)))
		return rc;
	if (ms->n > 1)
		return narrow(lk, L_EXACT, ms, err);
	if (ms->n == 1)
		return CRM_OK;
	if ((rc = collect(lk, L_ID, lk->accept, MATCH_ROOM, ms, err)) ||
	    (rc = fuzzy_names(lk, &names, &lv, err)))
		goto out;
	if (ms->n == 0) {
		*ms = names;
		memset(&names, 0, sizeof(names));
		if (ms->n > 1)
			rc = narrow(lk, lv, ms, err);
	} else {
		matches_merge(ms, &names);  /* an id that spells a name */
	}
out:
	matches_clear(&names);
	return rc;
}

/* The length of the common prefix of a and b (b may be NULL). */
static size_t common_prefix(const char *a, const char *b)
{
	size_t i = 0;

	if (b == NULL)
		return 0;
	while (a[i] && a[i] == b[i])
		i++;
	return i;
}

/* Sets the idlen of each match: one more than the longest prefix its id
 * shares with its neighbours in the index, at least 4. */
static void set_idlens(sqlite3 *db, struct matches *ms)
{
	static const char *const sql =
		"SELECT (SELECT max(id) FROM records WHERE id < ?1),"
		" (SELECT min(id) FROM records WHERE id > ?1)";
	sqlite3_stmt *st = NULL;
	size_t i, lo, hi, len;

	for (i = 0; i < ms->n; i++)
		ms->m[i].idlen = CRM_ID_LEN;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	for (i = 0; i < ms->n; i++) {
		sqlite3_bind_text(st, 1, ms->m[i].id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			lo = common_prefix(ms->m[i].id,
				(const char *)sqlite3_column_text(st, 0));
			hi = common_prefix(ms->m[i].id,
				(const char *)sqlite3_column_text(st, 1));
			len = (lo > hi ? lo : hi) + 1;
			ms->m[i].idlen = len < 4 ? 4 : len > CRM_ID_LEN
					 ? CRM_ID_LEN : len;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

/* Orders candidates by type, then name, then id. */
static int by_type_name(const void *pa, const void *pb)
{
	const struct crm_match *a = pa, *b = pb;
	int c;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if ((c = strcmp(a->name, b->name)) != 0)
		return c;
	return strcmp(a->id, b->id);
}

/* The facet query for the words of ref, every one required and the
 * record of a type in accept: NULL when ref has no words. */
static char *words_query(const char *ref, unsigned accept)
{
	struct crm_buf q = {0}, w = {0};
	char **words, type[4];
	size_t i, n = crm_fold_words(ref, &words);
	const char *sep = "";
	int t;

	if (n == 0)
		return NULL;
	for (i = 0; i < n; i++) {
		crm_facet_word(&w, "words", words[i]);
		crm_buf_addf(&q, "%s%s", i ? " AND " : "", w.s);
		w.len = 0;
	}
	crm_words_free(words, n);
	if ((accept & CRM_TYPE_ALL) != CRM_TYPE_ALL) {
		crm_buf_adds(&q, " AND (");
		for (t = 0; t < CRM_NTYPES; t++) {
			if (!(accept & CRM_TYPE_BIT(t)))
				continue;
			snprintf(type, sizeof(type), "%d", t);
			crm_facet_word(&w, "type", type);
			crm_buf_addf(&q, "%s%s", sep, w.s);
			w.len = 0;
			sep = " OR ";
		}
		crm_buf_adds(&q, ")");
	}
	crm_buf_free(&w);
	return crm_buf_detach(&q);
}

/* Prepares lk for ref among the types of mask. */
static void lookup_init(struct lookup *lk, const char *ref, unsigned mask)
{
	struct crm_buf upper = {0};

	memset(lk, 0, sizeof(*lk));
	lk->ref = ref;
	lk->accept = mask & CRM_TYPE_ALL;
	lk->prefer = (mask >> 8) & lk->accept;
	lk->fold = crm_fold(ref);
	crm_buf_addf(&upper, "%s\xf4\x8f\xbf\xbf", lk->fold);
	lk->upper = crm_buf_detach(&upper);
	lk->words = words_query(ref, lk->accept);
	if (crm_id_normalize_prefix(ref, lk->idprefix))
		snprintf(lk->idupper, sizeof(lk->idupper), "%s~", lk->idprefix);
	else
		lk->idprefix[0] = '\0';
}

static void lookup_free(struct lookup *lk)
{
	free(lk->fold);
	free(lk->upper);
	free(lk->words);
}

/* Matches lk's reference through the index, once more on a rebuilt
 * index when the first was found corrupt. */
static int match_indexed(struct crm_store *s, struct lookup *lk,
			 struct matches *ms, struct crm_err *err)
{
	int rc = crm_store_index(s, &lk->db, err);

	if (rc == CRM_OK)
		rc = match_ref(lk, ms, err);
	if (rc == CRM_ERR && crm_index_discard_if_corrupt(s)) {
		matches_clear(ms);
		rc = crm_store_index(s, &lk->db, err);
		if (rc == CRM_OK)
			rc = match_ref(lk, ms, err);
	}
	return rc;
}

/* The error of a reference that matched ms->n (not one) records; hands
 * the candidates over to *cands when asked. */
static int report(struct lookup *lk, struct matches *ms,
		  struct crm_match **cands, size_t *ncands,
		  struct crm_err *err)
{
	int rc;

	if (ms->n == 0)
		return crm_seterr(err, CRM_ENOTFOUND,
				  _("no record matches '%s'"), lk->ref);
	if (ms->n > CRM_MATCH_MAX)
		rc = crm_seterr(err, CRM_EAMBIGUOUS,
				_("'%s' is ambiguous: more than %d records match"),
				lk->ref, CRM_MATCH_MAX);
	else
		rc = crm_seterr(err, CRM_EAMBIGUOUS,
				ngettext("'%s' is ambiguous: %zu record matches",
					 "'%s' is ambiguous: %zu records match",
					 ms->n), lk->ref, ms->n);
	qsort(ms->m, ms->n, sizeof(*ms->m), by_type_name);
	while (ms->n > CRM_MATCH_MAX)
		free(ms->m[--ms->n].name);
	if (cands) {
		set_idlens(lk->db, ms);
		*cands = ms->m;
		*ncands = ms->n;
		memset(ms, 0, sizeof(*ms));
	}
	return rc;
}

/* Resolves a whole id (any case) without the index; false when ref is
 * none of the types of mask. */
static bool whole_id(struct crm_store *s, const char *ref, unsigned mask,
		     enum crm_type *type, char id[CRM_ID_LEN + 1])
{
	char full[CRM_ID_LEN + 1];
	enum crm_type t;

	if (strlen(ref) != CRM_ID_LEN || !crm_id_normalize_prefix(ref, full) ||
	    crm_store_find_id(s, full, &t, NULL) != CRM_OK ||
	    !(mask & CRM_TYPE_BIT(t)))
		return false;
	*type = t;
	memcpy(id, full, CRM_ID_LEN + 1);
	return true;
}

/* True for the ASCII white space trimmed off a reference. */
static bool is_ascii_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* A copy of ref without the ASCII white space at either end (a pasted
 * " 7k2m" or "Acme\n" means the id or the name).  Caller frees it. */
static char *trimmed_ref(const char *ref)
{
	size_t len;

	while (is_ascii_space(*ref))
		ref++;
	len = strlen(ref);
	while (len > 0 && is_ascii_space(ref[len - 1]))
		len--;
	return crm_xstrndup(ref, len);
}

/* crm_store_resolve for ref with no white space at either end; ref is
 * not empty and is valid UTF-8. */
static int resolve_trimmed(struct crm_store *s, unsigned mask,
			   const char *ref, enum crm_type *type,
			   char id[CRM_ID_LEN + 1], struct crm_match **cands,
			   size_t *ncands, struct crm_err *err)
{
	struct matches ms = {0};
	struct lookup lk;
	int rc;

	if (whole_id(s, ref, mask, type, id))
		return CRM_OK;
	lookup_init(&lk, ref, mask);
	if (lk.fold[strspn(lk.fold, " \t\n\v\f\r")] == '\0')
		rc = crm_seterr(err, CRM_EUSAGE, _("empty record reference"));
	else
		rc = match_indexed(s, &lk, &ms, err);
	if (rc == CRM_OK && ms.n == 1) {
		*type = ms.m[0].type;
		memcpy(id, ms.m[0].id, CRM_ID_LEN + 1);
	} else if (rc == CRM_OK) {
		rc = report(&lk, &ms, cands, ncands, err);
	}
	matches_clear(&ms);
	lookup_free(&lk);
	return rc;
}

int crm_store_resolve(struct crm_store *s, unsigned mask, const char *ref,
		      enum crm_type *type, char id[CRM_ID_LEN + 1],
		      struct crm_match **cands, size_t *ncands,
		      struct crm_err *err)
{
	char *trimmed;
	int rc;

	if (cands)
		*cands = NULL, *ncands = 0;
	if (!crm_utf8_valid(ref, strlen(ref)))
		return crm_seterr(err, CRM_EUSAGE,
				  _("invalid UTF-8 in reference '%s'"), ref);
	trimmed = trimmed_ref(ref);
	if (trimmed[0] == '\0')
		rc = crm_seterr(err, CRM_EUSAGE, _("empty record reference"));
	else
		rc = resolve_trimmed(s, mask, trimmed, type, id, cands, ncands,
				     err);
	free(trimmed);
	return rc;
}

int crm_store_named(struct crm_store *s, unsigned mask, const char *name,
		    size_t max, struct crm_match **out, size_t *n,
		    struct crm_err *err)
{
	struct lookup lk = {0};
	struct matches ms = {0};
	int rc;

	*out = NULL;
	*n = 0;
	if (!crm_utf8_valid(name, strlen(name)))
		return CRM_OK;
	lookup_init(&lk, name, mask);
	if ((rc = crm_store_index(s, &lk.db, err)) == CRM_OK)
		rc = collect(&lk, L_EXACT, lk.accept, max, &ms, err);
	lookup_free(&lk);
	if (rc) {
		matches_clear(&ms);
		return rc;
	}
	*out = ms.m;
	*n = ms.n;
	return CRM_OK;
}
