/*
 * dupes.c - finding the records that are probably the same client: the
 * keys of every record of one type (E.164 phones, e-mails, tax ids and
 * name keys, namekey.c) in a hash of key -> records, loaded from the
 * index, so that a record's matches are a few lookups.  A key more than
 * CRM_MATCH_SHARED_MAX records hold (a switchboard number, a common
 * name) says nothing.  crm dupes lists the pairs; an import asks for the
 * best match of each row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crm.h"

/* The kinds of keys, the first character of each key's text. */
#define K_TAX 't'
#define K_EMAIL 'e'
#define K_PHONE 'p'
#define K_NAME 'n'      /* the folded name key */
#define K_LATIN 'l'     /* the transliterated one */
#define K_NAME_CO 'c'   /* a contact's company and folded name key */
#define K_LATIN_CO 'd'  /* its company and transliterated name key */

/* What each kind of evidence counts for: SCORE_TAX and the rest. */
#define SCORE_TAX 100
#define SCORE_EMAIL 95
#define SCORE_PHONE 90
#define SCORE_COMPANY_NAME 90
#define SCORE_CONTACT_NAME 60
#define SCORE_SAME_COMPANY 30
#define SCORE_TRANSLIT 5      /* taken off a name met only transliterated */
#define SCORE_MORE 5          /* added per further kind of evidence */

/* The most candidates one record's keys bring (each key at most
 * CRM_MATCH_SHARED_MAX records). */
#define CANDS_MAX 64

/* One key and the records holding it. */
struct slot {
	char *key;
	size_t *recs;   /* indexes into the matcher's records */
	size_t n, cap;
};

/* One record's keys. */
struct mrec {
	char id[CRM_ID_LEN + 1];
	char *name;
	size_t *slots;  /* the slots of its keys */
	size_t nslots;
};

struct crm_matcher {
	enum crm_type type;
	char region[4];
	struct crm_name_cache *names;
	struct slot *slots;
	size_t nslots, slots_cap;
	size_t *table;      /* key hash: slot index + 1, 0 empty */
	size_t table_cap;
	struct mrec *recs;
	size_t nrecs, recs_cap;
	size_t *ids;        /* id hash: record index + 1, 0 empty */
	size_t ids_cap;
};

/* A record's keys while they are made. */
struct keyset {
	char **keys;
	size_t n, cap;
};

/* FNV-1a of s. */
static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* ---- the key hash ---- */

/* The table position of key: where its slot is, or the empty one. */
static size_t key_pos(const struct crm_matcher *m, const char *key)
{
	size_t i = hash_str(key) & (m->table_cap - 1), k;

	while ((k = m->table[i]) != 0 && strcmp(m->slots[k - 1].key, key) != 0)
		i = (i + 1) & (m->table_cap - 1);
	return i;
}

/* Doubles the key hash. */
static void grow_table(struct crm_matcher *m)
{
	size_t i;

	free(m->table);
	m->table_cap = m->table_cap ? m->table_cap * 2 : 4096;
	m->table = crm_xcalloc(m->table_cap, sizeof(size_t));
	for (i = 0; i < m->nslots; i++)
		m->table[key_pos(m, m->slots[i].key)] = i + 1;
}

/* The slot of key, made when missing. */
static size_t slot_of(struct crm_matcher *m, const char *key)
{
	size_t pos;

	if ((m->nslots + 1) * 2 > m->table_cap)
		grow_table(m);
	pos = key_pos(m, key);
	if (m->table[pos])
		return m->table[pos] - 1;
	if (m->nslots == m->slots_cap) {
		m->slots_cap = m->slots_cap ? m->slots_cap * 2 : 4096;
		m->slots = crm_xrealloc(m->slots,
					m->slots_cap * sizeof(*m->slots));
	}
	memset(&m->slots[m->nslots], 0, sizeof(m->slots[0]));
	m->slots[m->nslots].key = crm_xstrdup(key);
	m->table[pos] = ++m->nslots;
	return m->nslots - 1;
}

/* The slot of key, or NULL when no record has it. */
static const struct slot *find_slot(const struct crm_matcher *m,
				    const char *key)
{
	size_t k;

	if (m->table_cap == 0)
		return NULL;
	k = m->table[key_pos(m, key)];
	return k ? &m->slots[k - 1] : NULL;
}

/* ---- the id hash ---- */

static size_t id_pos(const struct crm_matcher *m, const char *id)
{
	size_t i = hash_str(id) & (m->ids_cap - 1), k;

	while ((k = m->ids[i]) != 0 && strcmp(m->recs[k - 1].id, id) != 0)
		i = (i + 1) & (m->ids_cap - 1);
	return i;
}

static void grow_ids(struct crm_matcher *m)
{
	size_t i;

	free(m->ids);
	m->ids_cap = m->ids_cap ? m->ids_cap * 2 : 4096;
	m->ids = crm_xcalloc(m->ids_cap, sizeof(size_t));
	for (i = 0; i < m->nrecs; i++)
		m->ids[id_pos(m, m->recs[i].id)] = i + 1;
}

/* The index of the record id, or -1. */
static long rec_of(const struct crm_matcher *m, const char *id)
{
	size_t k;

	if (m->ids_cap == 0)
		return -1;
	k = m->ids[id_pos(m, id)];
	return k ? (long)(k - 1) : -1;
}

/* ---- making a record's keys ---- */

static void keys_add(struct keyset *ks, char kind, const char *a,
		     const char *b)
{
	struct crm_buf buf = {0};

	if (a == NULL || a[0] == '\0')
		return;
	crm_buf_addc(&buf, kind);
	crm_buf_adds(&buf, a);
	if (b) {
		crm_buf_addc(&buf, '\t');
		crm_buf_adds(&buf, b);
	}
	if (ks->n == ks->cap) {
		ks->cap = ks->cap ? ks->cap * 2 : 8;
		ks->keys = crm_xrealloc(ks->keys, ks->cap * sizeof(char *));
	}
	ks->keys[ks->n++] = crm_buf_detach(&buf);
}

static void keys_free(struct keyset *ks)
{
	crm_words_free(ks->keys, ks->n);
	memset(ks, 0, sizeof(*ks));
}

/* Adds the e-mail keys of the '\n'-separated addresses emails, each
 * whole, lower case. */
static void add_emails(struct keyset *ks, const char *emails)
{
	const char *p = emails, *nl;
	char *one, *c;

	while (p && *p) {
		nl = strchr(p, '\n');
		one = nl ? crm_xstrndup(p, (size_t)(nl - p)) : crm_xstrdup(p);
		for (c = one; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		keys_add(ks, K_EMAIL, one, NULL);
		free(one);
		p = nl ? nl + 1 : NULL;
	}
}

/* Adds the phone keys of keys, the index's phone keys of a record
 * (crm_phone_index_keys: "+" digits as U+E000 + d ";" a line each), as
 * E.164 numbers. */
static void add_phone_keys(struct keyset *ks, const char *keys)
{
	char num[CRM_PHONE_MAX + 2];
	size_t i, n = keys ? strlen(keys) : 0, k, len = 0;
	uint32_t cp;

	for (i = 0; i < n; i += k ? k : 1) {
		k = crm_utf8_decode(keys + i, n - i, &cp);
		if (k == 0) {
			len = 0;
		} else if (cp == '+') {
			len = 0;
			num[len++] = '+';
		} else if (cp >= 0xe000 && cp <= 0xe009 && len > 0 &&
			   len < sizeof(num) - 1) {
			num[len++] = (char)('0' + (cp - 0xe000));
		} else if (cp == ';' && len > 1) {
			num[len] = '\0';
			keys_add(ks, K_PHONE, num, NULL);
			len = 0;
		} else {
			len = 0;
		}
	}
}

/* Adds the name keys of a record of m's type named name, of company
 * (may be NULL) for a contact. */
static void add_names(struct crm_matcher *m, struct keyset *ks,
		      const char *name, const char *company)
{
	char *fold, *latin;

	crm_name_keys(name, m->type, m->names, &fold, &latin);
	keys_add(ks, K_NAME, fold, NULL);
	keys_add(ks, K_LATIN, latin, NULL);
	if (m->type == CRM_CONTACT && company && fold[0]) {
		keys_add(ks, K_NAME_CO, company, fold);
		keys_add(ks, K_LATIN_CO, company, latin);
	}
	free(fold);
	free(latin);
}

/* A list field of r as its '\n'-joined lines, caller owns it ("" when
 * absent). */
static char *list_lines(const struct crm_record *r, const char *key)
{
	const struct crm_node *n = crm_map_get(r->map, key);
	struct crm_buf b = {0};
	size_t i;

	if (n && n->kind == CRM_NODE_SCALAR)
		return crm_xstrdup(n->str);
	for (i = 0; n && n->kind == CRM_NODE_SEQ && i < n->len; i++) {
		if (n->items[i]->kind != CRM_NODE_SCALAR)
			continue;
		if (b.len)
			crm_buf_addc(&b, '\n');
		crm_buf_adds(&b, n->items[i]->str);
	}
	return b.s ? crm_buf_detach(&b) : crm_xstrdup("");
}

/* The keys of the record r into *ks. */
static void record_keys(struct crm_matcher *m, const struct crm_record *r,
			struct keyset *ks)
{
	struct crm_buf pk = {0};
	char *lines;

	keys_add(ks, K_TAX, crm_map_str(r->map, "tax_id"), NULL);
	lines = list_lines(r, "emails");
	add_emails(ks, lines);
	free(lines);
	lines = list_lines(r, "phones");
	crm_phone_index_keys(&pk, lines, m->region);
	add_phone_keys(ks, pk.s);
	crm_buf_free(&pk);
	free(lines);
	add_names(m, ks, crm_record_name(r), crm_map_str(r->map, "company"));
}

/* ---- records ---- */

/* Takes record i out of the slots of its keys. */
static void unlink_rec(struct crm_matcher *m, size_t i)
{
	struct mrec *mr = &m->recs[i];
	struct slot *sl;
	size_t j, k;

	for (j = 0; j < mr->nslots; j++) {
		sl = &m->slots[mr->slots[j]];
		for (k = 0; k < sl->n; k++) {
			if (sl->recs[k] == i) {
				sl->recs[k] = sl->recs[--sl->n];
				break;
			}
		}
	}
	free(mr->slots);
	mr->slots = NULL;
	mr->nslots = 0;
}

/* Puts record i (id, name) with the keys ks (taken) in m. */
static void link_rec(struct crm_matcher *m, size_t i, struct keyset *ks)
{
	struct mrec *mr = &m->recs[i];
	struct slot *sl;
	size_t j, s;

	mr->slots = crm_xcalloc(ks->n ? ks->n : 1, sizeof(size_t));
	for (j = 0; j < ks->n; j++) {
		s = slot_of(m, ks->keys[j]);
		sl = &m->slots[s];
		if (sl->n && sl->recs[sl->n - 1] == i)
			continue; /* the same key twice (two equal phones) */
		if (sl->n == sl->cap) {
			sl->cap = sl->cap ? sl->cap * 2 : 2;
			sl->recs = crm_xrealloc(sl->recs,
						sl->cap * sizeof(size_t));
		}
		sl->recs[sl->n++] = i;
		mr->slots[mr->nslots++] = s;
	}
	keys_free(ks);
}

/* Puts the record id named name with keys ks (taken) in m, replacing
 * the keys it had. */
static void put_rec(struct crm_matcher *m, const char *id, const char *name,
		    struct keyset *ks)
{
	long i = rec_of(m, id);

	if (i >= 0) {
		unlink_rec(m, (size_t)i);
		free(m->recs[i].name);
		m->recs[i].name = crm_xstrdup(name ? name : "");
		link_rec(m, (size_t)i, ks);
		return;
	}
	if ((m->nrecs + 1) * 2 > m->ids_cap)
		grow_ids(m);
	if (m->nrecs == m->recs_cap) {
		m->recs_cap = m->recs_cap ? m->recs_cap * 2 : 1024;
		m->recs = crm_xrealloc(m->recs, m->recs_cap * sizeof(*m->recs));
	}
	memset(&m->recs[m->nrecs], 0, sizeof(m->recs[0]));
	snprintf(m->recs[m->nrecs].id, sizeof(m->recs[0].id), "%s", id);
	m->recs[m->nrecs].name = crm_xstrdup(name ? name : "");
	m->ids[id_pos(m, id)] = m->nrecs + 1;
	link_rec(m, m->nrecs++, ks);
}

static struct crm_matcher *matcher_new(struct crm_store *s, enum crm_type t)
{
	struct crm_matcher *m = crm_xcalloc(1, sizeof(*m));

	m->type = t;
	snprintf(m->region, sizeof(m->region), "%s",
		 crm_store_config(s)->default_region);
	m->names = crm_name_cache_new();
	return m;
}

/* The text of column i of st, or NULL. */
static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static const char load_sql[] =
	"SELECT r.id, r.name, r.tax_id, r.emails, x.phone_keys, r.company"
	" FROM records r LEFT JOIN texts x ON x.rid = r.rid"
	" WHERE r.type = ?1 AND r.broken IS NULL";

int crm_matcher_load(struct crm_store *s, enum crm_type t,
		     struct crm_matcher **out, struct crm_err *err)
{
	struct crm_matcher *m;
	struct keyset ks = {0};
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = crm_store_index(s, &db, err)))
		return rc;
	if (sqlite3_prepare_v2(db, load_sql, -1, &st, NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	m = matcher_new(s, t);
	sqlite3_bind_int(st, 1, (int)t);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (col(st, 0) == NULL)
			continue;
		keys_add(&ks, K_TAX, col(st, 2), NULL);
		add_emails(&ks, col(st, 3));
		add_phone_keys(&ks, col(st, 4));
		add_names(m, &ks, col(st, 1), col(st, 5));
		put_rec(m, col(st, 0), col(st, 1), &ks);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		crm_matcher_free(m);
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	}
	*out = m;
	return CRM_OK;
}

void crm_matcher_add(struct crm_matcher *m, const struct crm_record *r)
{
	struct keyset ks = {0};

	if (r->type != m->type)
		return;
	record_keys(m, r, &ks);
	put_rec(m, r->id, crm_record_name(r), &ks);
}

void crm_matcher_free(struct crm_matcher *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nslots; i++) {
		free(m->slots[i].key);
		free(m->slots[i].recs);
	}
	for (i = 0; i < m->nrecs; i++) {
		free(m->recs[i].name);
		free(m->recs[i].slots);
	}
	free(m->slots);
	free(m->table);
	free(m->recs);
	free(m->ids);
	crm_name_cache_free(m->names);
	free(m);
}

/* ---- scoring ---- */

/* What one key kind says: its score, and its evidence bit. */
static int key_score(const struct crm_matcher *m, char kind, unsigned *bit)
{
	bool contact = m->type == CRM_CONTACT;

	*bit = 8;
	switch (kind) {
	case K_TAX: *bit = 1; return SCORE_TAX;
	case K_EMAIL: *bit = 2; return SCORE_EMAIL;
	case K_PHONE: *bit = 4; return SCORE_PHONE;
	case K_NAME:
		return contact ? SCORE_CONTACT_NAME : SCORE_COMPANY_NAME;
	case K_LATIN:
		return (contact ? SCORE_CONTACT_NAME : SCORE_COMPANY_NAME) -
		       SCORE_TRANSLIT;
	case K_NAME_CO:
		return SCORE_CONTACT_NAME + SCORE_SAME_COMPANY;
	case K_LATIN_CO:
		return SCORE_CONTACT_NAME + SCORE_SAME_COMPANY - SCORE_TRANSLIT;
	default:
		return 0;
	}
}

/* Writes the reason key gives into buf: "phone +7...", "name ..." (a
 * contact's company and name: the name), cut on a character boundary. */
static void key_reason(const char *key, char *buf, size_t size)
{
	const char *what, *v = key + 1, *tab;
	size_t n;

	switch (key[0]) {
	case K_TAX: what = "tax id"; break;
	case K_EMAIL: what = "e-mail"; break;
	case K_PHONE: what = "phone"; break;
	default: what = "name"; break;
	}
	if ((key[0] == K_NAME_CO || key[0] == K_LATIN_CO) &&
	    (tab = strchr(v, '\t')))
		v = tab + 1;
	snprintf(buf, size, "%s %s", what, v);
	/* cut short: not inside a character */
	n = strlen(buf);
	while (n > 0 && !crm_utf8_valid(buf, n))
		buf[--n] = '\0';
}

/* A candidate's evidence, gathered over the keys. */
struct cand {
	size_t rec;
	int best;
	unsigned bits;
	const char *key;    /* the key of the best score */
};

/* Counts the evidence of key (score, bit) for record rec in cands. */
static void note(struct cand *cands, size_t *n, size_t rec, int score,
		 unsigned bit, const char *key)
{
	size_t i;

	for (i = 0; i < *n && cands[i].rec != rec; i++)
		;
	if (i == *n) {
		if (*n == CANDS_MAX)
			return;
		cands[i] = (struct cand){rec, 0, 0, NULL};
		(*n)++;
	}
	cands[i].bits |= bit;
	if (score > cands[i].best) {
		cands[i].best = score;
		cands[i].key = key;
	}
}

/* The number of bits set in b. */
static int bit_count(unsigned b)
{
	int n = 0;

	for (; b; b &= b - 1)
		n++;
	return n;
}

/* A candidate's score: its best key's, and SCORE_MORE for each further
 * kind of evidence, at most 100. */
static int cand_score(const struct cand *c)
{
	int s = c->best + SCORE_MORE * (bit_count(c->bits) - 1);

	return s > 100 ? 100 : s;
}

/* Gathers into cands the records other than self (an index, or -1)
 * that the keys keys[0..n) name, each key held by at most
 * CRM_MATCH_SHARED_MAX records, the one looked for counted. */
static void gather(const struct crm_matcher *m, char *const *keys, size_t n,
		   long self, struct cand *cands, size_t *ncands)
{
	const struct slot *sl;
	size_t i, j, others;
	unsigned bit;
	int score;

	for (i = 0; i < n; i++) {
		if ((sl = find_slot(m, keys[i])) == NULL)
			continue;
		others = sl->n;
		for (j = 0; j < sl->n; j++)
			others -= (long)sl->recs[j] == self;
		/* with the record itself, more than the most: common */
		if (others == 0 || others + 1 > CRM_MATCH_SHARED_MAX)
			continue;
		score = key_score(m, keys[i][0], &bit);
		for (j = 0; j < sl->n; j++)
			if ((long)sl->recs[j] != self)
				note(cands, ncands, sl->recs[j], score, bit,
				     sl->key);
	}
}

/* Fills out with candidate c. */
static void fill_match(const struct crm_matcher *m, const struct cand *c,
		       struct crm_dupe_match *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", m->recs[c->rec].id);
	out->score = cand_score(c);
	key_reason(c->key, out->reason, sizeof(out->reason));
}

/* The best of cands[0..n) (higher score, then smaller id), or NULL. */
static const struct cand *best_cand(const struct crm_matcher *m,
				    const struct cand *cands, size_t n)
{
	const struct cand *best = NULL;
	size_t i;
	int s, bs = 0;

	for (i = 0; i < n; i++) {
		s = cand_score(&cands[i]);
		if (best == NULL || s > bs ||
		    (s == bs && strcmp(m->recs[cands[i].rec].id,
				       m->recs[best->rec].id) < 0)) {
			best = &cands[i];
			bs = s;
		}
	}
	return best;
}

int crm_matcher_find(const struct crm_matcher *m, const struct crm_record *r,
		     struct crm_dupe_match *out)
{
	struct crm_matcher *mm = (struct crm_matcher *)m;
	struct keyset ks = {0};
	struct cand cands[CANDS_MAX];
	const struct cand *best;
	size_t n = 0;

	/* the name cache is the only thing a lookup changes */
	record_keys(mm, r, &ks);
	gather(m, ks.keys, ks.n, rec_of(m, r->id), cands, &n);
	best = best_cand(m, cands, n);
	if (best)
		fill_match(m, best, out);
	keys_free(&ks);
	return best ? CRM_OK : CRM_ENOTFOUND;
}

/* The keys of record i, as an array of their texts (borrowed). */
static size_t rec_keys(const struct crm_matcher *m, size_t i, char **keys,
		       size_t max)
{
	size_t j, n = 0;

	for (j = 0; j < m->recs[i].nslots && n < max; j++)
		keys[n++] = m->slots[m->recs[i].slots[j]].key;
	return n;
}

/* The most keys of one record the pairs walk looks at. */
#define REC_KEYS_MAX 64

int crm_matcher_each_pair(const struct crm_matcher *m, int min_score,
			  crm_dupe_pair_cb cb, void *data)
{
	struct cand cands[CANDS_MAX];
	struct crm_dupe_pair p;
	char *keys[REC_KEYS_MAX];
	size_t i, j, n, nk;
	int rc;

	for (i = 0; i < m->nrecs; i++) {
		nk = rec_keys(m, i, keys, REC_KEYS_MAX);
		n = 0;
		gather(m, keys, nk, (long)i, cands, &n);
		for (j = 0; j < n; j++) {
			/* each pair once: from the record of the smaller id */
			if (strcmp(m->recs[cands[j].rec].id, m->recs[i].id) < 0 ||
			    cand_score(&cands[j]) < min_score)
				continue;
			memset(&p, 0, sizeof(p));
			p.a = m->recs[i].id;
			p.name_a = m->recs[i].name;
			p.b = m->recs[cands[j].rec].id;
			p.name_b = m->recs[cands[j].rec].name;
			p.score = cand_score(&cands[j]);
			key_reason(cands[j].key, p.reason, sizeof(p.reason));
			if ((rc = cb(&p, data)) != 0)
				return rc;
		}
	}
	return 0;
}

size_t crm_matcher_count(const struct crm_matcher *m)
{
	return m->nrecs;
}
