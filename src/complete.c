/*
 * complete.c - crm __complete: the answers of the shell completion
 * scripts, from the tables that drive parsing and help (the commands,
 * their option specs, the query and record fields, the sort keys), from
 * crm.yaml (users, stages, pipelines) and from the store's index (names,
 * ids, tags).  Record files are never read.
 *
 *   crm __complete words -- WORD... CUR
 *	candidates for CUR, the word under the cursor, after the words of
 *	the command line before it (the first is "crm"); the store is found
 *	as the command itself would find it, -C on the line included
 *   crm __complete fish -- WORD... CUR
 *	the same for a shell that cannot be told to add no space after a
 *	word (fish adds none after one ending in = : / and a few others):
 *	a field name of a query comes with its ':' ("owner:"), and there
 *	is no "\tnospace" line
 *   crm __complete commands | options [CMD] | types | fields | users |
 *		    stages | pipelines | reasons | formats | sort |
 *		    tags [PREFIX] | refs [TYPE] [PREFIX]
 *	one list each, values alone (refs: "NAME<TAB>ID (TYPE)")
 *
 * Output: one candidate a line, "VALUE" or "VALUE<TAB>DESCRIPTION", VALUE
 * being the whole word to put in place of CUR.  A line starting with a tab
 * is a directive for the script: "\tnospace" (add no space after the
 * word).  Nothing at all, and status 0, when no store is found or it
 * cannot be opened.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cli.h"
#include "lib/report.h"

const struct opt_spec help_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

/* Names (or ids, or tags, or directories) offered at most. */
#define COMP_MAX 200

/* What a word may be. */
enum what {
	W_NONE, W_COMMANDS, W_TYPES, W_REFS, W_QUERY, W_ASSIGN, W_TAGS,
	W_USERS, W_STAGES, W_PIPELINES, W_FORMATS, W_SORT, W_DIRS, W_FIELDS,
	W_SUBS, W_TASKS, W_KEYWORDS, W_KINDS, W_RULES, W_REASONS, W_FILES,
};

/* The state of one completion. */
struct comp {
	struct cli *cli;
	const char *dir;        /* -C of the line, or NULL */
	char dirbuf[PATH_MAX];  /* -C with ~ expanded */
	int store;              /* 0 not tried yet, 1 open, -1 none */
	sqlite3 *db;            /* the index, once asked for */
	bool db_tried;
	const char *cur;        /* the text candidates must start with */
	const char *pre;        /* printed before each candidate */
	bool query;             /* values are query values (quoted if need be) */
	const char *ref;        /* the record the line is about, or NULL */
	int type;               /* its type (or the line's), -1 when unknown */
	bool plain;             /* no descriptions */
	bool nospace;
	bool fish;              /* end words where no space goes with ':' */
	const char *suffix;     /* after each query field name ("" or ":") */
	const char *pipeline;   /* stages: only this pipeline's (NULL: all) */
	const struct cmd *parent; /* subcommands: of this command */
	const char *const *keywords; /* W_KEYWORDS: an option's values */
	unsigned formats;       /* W_FORMATS: FMT_BIT()s of the command (0:
				   no command yet, every format) */
	size_t n;               /* candidates printed */
};

/* ---- printing ---- */

/* True when s reaches a terminal as it is (cli_safe leaves it alone). */
static bool term_safe(const char *s)
{
	char *safe = cli_safe(s);
	bool same = strcmp(safe, s) == 0;

	free(safe);
	return same;
}

/* Prints pre+value (and the description, made safe for the terminal
 * the shell shows it on): the caller filtered.  Values that cannot be
 * one line of the answer, or that hold what a terminal would act on,
 * are left out. */
static void emit_raw(struct comp *c, const char *value, const char *descr)
{
	size_t len = strlen(value);
	char *safe;

	if (len == 0 || strpbrk(value, "\t\n") ||
	    !crm_utf8_valid(value, len) || !term_safe(value))
		return;
	printf("%s%s", c->pre, value);
	if (descr && descr[0] && !c->plain) {
		safe = cli_safe(descr);
		printf("\t%s", safe);
		free(safe);
	}
	putchar('\n');
	if (strchr("=:/", value[len - 1]))
		c->nospace = true;
	c->n++;
}

/* Prints value when it starts with the typed text. */
static void emit(struct comp *c, const char *value, const char *descr)
{
	if (strncmp(value, c->cur, strlen(c->cur)) == 0)
		emit_raw(c, value, descr);
}

/* Prints a value of a query term: quoted when the query would not read
 * it as one bare word. */
static void emit_query_value(struct comp *c, const char *value,
			     const char *descr)
{
	struct crm_buf b = {0};
	const char *s;

	if (!c->query || (value[0] != '"' && value[0] != '/' &&
			  !strpbrk(value, " ()"))) {
		emit_raw(c, value, descr);
		return;
	}
	crm_buf_addc(&b, '"');
	for (s = value; *s; s++) {
		if (*s == '"' || *s == '\\')
			crm_buf_addc(&b, '\\');
		crm_buf_addc(&b, *s);
	}
	crm_buf_addc(&b, '"');
	emit_raw(c, b.s, descr);
	crm_buf_free(&b);
}

/* ---- the store ---- */

/* Opens the store as the command would, once; false when there is none
 * or it cannot be opened (nothing is said). */
static bool comp_store(struct comp *c)
{
	char *root = NULL;
	int rc;

	if (c->store)
		return c->store > 0;
	c->store = -1;
	rc = cli_find_store(c->dir, &root, &c->cli->err);
	if (rc == CRM_OK)
		rc = crm_store_open(root, &c->cli->store, &c->cli->err);
	free(root);
	if (rc == CRM_OK)
		c->store = 1;
	return rc == CRM_OK;
}

/* The store's index, brought up to date; NULL when there is none. */
static sqlite3 *comp_db(struct comp *c)
{
	if (!c->db_tried && comp_store(c)) {
		c->db_tried = true;
		if (crm_store_index(c->cli->store, &c->db, &c->cli->err))
			c->db = NULL;
	}
	return c->db;
}

/* ---- lists from the tables ---- */

static void print_commands(struct comp *c)
{
	const struct cmd *k;

	for (k = crm_commands; k->name; k++)
		if (!(k->flags & CMD_HIDDEN))
			emit(c, k->name, _(k->summary));
}

/* Prints the subcommands of c->parent ("rename" of "stage"). */
static void print_subs(struct comp *c)
{
	const struct cmd *k;
	size_t len;

	if (c->parent == NULL || c->parent->subs == NULL)
		return;
	len = strlen(c->parent->name) + 1;
	for (k = c->parent->subs; k->name; k++)
		emit(c, k->name + len, _(k->summary));
}

/* Prints the crm-NAME executables of PATH as NAME. */
static void print_externals(struct comp *c)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, full[PATH_MAX];
	struct dirent *e;
	DIR *d;

	if (path == NULL)
		return;
	copy = crm_xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if ((d = opendir(dir)) == NULL)
			continue;
		while ((e = readdir(d)) != NULL && c->n < COMP_MAX) {
			if (strncmp(e->d_name, "crm-", 4) != 0 || !e->d_name[4])
				continue;
			if (snprintf(full, sizeof(full), "%s/%s", dir, e->d_name) >=
			    (int)sizeof(full) || access(full, X_OK) != 0)
				continue;
			emit(c, e->d_name + 4, _("external command"));
		}
		closedir(d);
	}
	free(copy);
}

/* Prints the options of spec: "--name", or "-n" for one-letter names. */
static void print_opts(struct comp *c, const struct opt_spec *spec)
{
	const struct opt_spec *o;
	char buf[128];

	for (o = spec; o->name; o++) {
		if (snprintf(buf, sizeof(buf), "%s%s", o->name[1] ? "--" : "-",
			     o->name) >= (int)sizeof(buf))
			continue;
		emit(c, buf, _(o->help));
	}
}

static void print_types(struct comp *c)
{
	int i;

	for (i = 0; i < CRM_NTYPES; i++)
		emit(c, crm_type_name((enum crm_type)i), NULL);
}

static void print_formats(struct comp *c)
{
	size_t i;

	for (i = 0; cli_format_names[i] != NULL; i++)
		if (c->formats == 0 || (c->formats & FMT_BIT(i)))
			emit(c, cli_format_names[i], NULL);
}

/* The kinds of timeline entries (--kind, kind:). */
static void print_kinds(struct comp *c)
{
	const char *const *k;

	for (k = crm_timeline_kinds(); *k; k++)
		emit(c, *k, NULL);
}

static void print_sort(struct comp *c)
{
	size_t i;

	for (i = 0; crm_find_sort_field(i); i++)
		emit(c, crm_find_sort_field(i), NULL);
}

/* Prints the directories whose path starts with the typed text, each
 * with a trailing slash, and with files the other files too; a leading
 * "~/" stands for $HOME. */
static void print_paths(struct comp *c, bool files)
{
	const char *slash = strrchr(c->cur, '/'), *home = getenv("HOME");
	const char *base = slash ? slash + 1 : c->cur;
	char dir[PATH_MAX], full[PATH_MAX], value[PATH_MAX];
	size_t dlen = slash ? (size_t)(slash - c->cur + 1) : 0;
	struct dirent *e;
	struct stat st;
	DIR *d;
	int n;

	if (dlen && c->cur[0] == '~' && c->cur[1] == '/' && home)
		n = snprintf(dir, sizeof(dir), "%s%.*s", home, (int)dlen - 1,
			     c->cur + 1);
	else
		n = snprintf(dir, sizeof(dir), "%.*s", (int)dlen, c->cur);
	if (n < 0 || n >= (int)sizeof(dir) || (d = opendir(dlen ? dir : ".")) == NULL)
		return;
	while ((e = readdir(d)) != NULL && c->n < COMP_MAX) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    (e->d_name[0] == '.' && base[0] != '.') ||
		    strncmp(e->d_name, base, strlen(base)) != 0)
			continue;
		if (snprintf(full, sizeof(full), "%s%s", dir, e->d_name) >=
		    (int)sizeof(full) || stat(full, &st) != 0 ||
		    (!S_ISDIR(st.st_mode) && !files))
			continue;
		if (snprintf(value, sizeof(value), "%.*s%s%s", (int)dlen, c->cur,
			     e->d_name, S_ISDIR(st.st_mode) ? "/" : "") <
		    (int)sizeof(value))
			emit_raw(c, value, NULL);
	}
	closedir(d);
}

static void print_dirs(struct comp *c)
{
	print_paths(c, false);
}

/* ---- lists from crm.yaml ---- */

static void print_users(struct comp *c)
{
	const struct crm_config *cfg;
	size_t i;

	if (!comp_store(c))
		return;
	cfg = crm_store_config(c->cli->store);
	for (i = 0; i < cfg->nusers; i++)
		if (strncmp(cfg->users[i].login, c->cur, strlen(c->cur)) == 0)
			emit_query_value(c, cfg->users[i].login, cfg->users[i].name);
}

/* The names of the automation rules of crm.yaml. */
static void print_rules(struct comp *c)
{
	const struct crm_config *cfg;
	size_t i;

	if (!comp_store(c))
		return;
	cfg = crm_store_config(c->cli->store);
	for (i = 0; i < cfg->nrules; i++)
		if (strncmp(cfg->rules[i].name, c->cur, strlen(c->cur)) == 0)
			emit_query_value(c, cfg->rules[i].name,
					 cfg->rules[i].title);
}

/* True when stage is among the first n pipelines' stages. */
static bool stage_seen(const struct crm_config *cfg, size_t n,
		       const char *stage)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (crm_pipeline_has_stage(&cfg->pipelines[i], stage))
			return true;
	return false;
}

/* Prints the stages of every pipeline, once each, with their pipeline. */
static void print_stages(struct comp *c)
{
	const struct crm_config *cfg;
	const struct crm_pipeline *p;
	size_t i, j;

	if (!comp_store(c))
		return;
	cfg = crm_store_config(c->cli->store);
	for (i = 0; i < cfg->npipelines; i++) {
		p = &cfg->pipelines[i];
		if (c->pipeline && strcmp(c->pipeline, p->name) != 0)
			continue;
		for (j = 0; j < p->nstages; j++)
			if (!stage_seen(cfg, i, p->stages[j]) &&
			    strncmp(p->stages[j], c->cur, strlen(c->cur)) == 0)
				emit_query_value(c, p->stages[j], p->name);
	}
}

/* Prints the lost reasons of crm.yaml, each with its name in the user's
 * language. */
static void print_reasons(struct comp *c)
{
	const struct crm_config *cfg;
	const struct crm_label *l;
	size_t i;

	if (!comp_store(c))
		return;
	cfg = crm_store_config(c->cli->store);
	for (i = 0; i < cfg->nlost_reasons; i++) {
		l = &cfg->lost_reasons[i];
		if (strncmp(l->id, c->cur, strlen(c->cur)) == 0)
			emit_query_value(c, l->id, crm_label_text(l, cli_lang()));
	}
}

static void print_pipelines(struct comp *c)
{
	const struct crm_config *cfg;
	size_t i;

	if (!comp_store(c))
		return;
	cfg = crm_store_config(c->cli->store);
	for (i = 0; i < cfg->npipelines; i++)
		if (strncmp(cfg->pipelines[i].name, c->cur, strlen(c->cur)) == 0)
			emit_query_value(c, cfg->pipelines[i].name, NULL);
}

/* ---- lists from the index ---- */

/* One record whose name is offered. */
struct name_row {
	enum crm_type type;
	char id[CRM_ID_LEN + 1];
	char *name, *fold;
};

struct name_rows {
	struct name_row *r;
	size_t n, cap;
};

/* Adds to rows the first COMP_MAX records of type t, in name order, whose
 * folded name is in [lo, hi), through the index on (type, name_fold). */
static void names_of_type(sqlite3 *db, enum crm_type t, const char *lo,
			  const char *hi, struct name_rows *rows)
{
	static const char *const sql =
		"SELECT id, name, name_fold FROM records WHERE type = ?1"
		" AND name_fold >= ?2 AND name_fold < ?3"
		" ORDER BY name_fold, name LIMIT ?4";
	struct name_row *r;
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int(st, 1, (int)t);
	sqlite3_bind_text(st, 2, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hi, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, COMP_MAX);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (rows->n == rows->cap) {
			rows->cap = rows->cap ? rows->cap * 2 : 64;
			rows->r = crm_xrealloc(rows->r, rows->cap * sizeof(*r));
		}
		r = &rows->r[rows->n++];
		r->type = t;
		snprintf(r->id, sizeof(r->id), "%s", sqlite3_column_text(st, 0));
		r->name = crm_xstrdup((const char *)sqlite3_column_text(st, 1));
		r->fold = crm_xstrdup((const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
}

/* Name order: folded name, then name, then id. */
static int cmp_names(const void *a, const void *b)
{
	const struct name_row *x = a, *y = b;
	int d = strcmp(x->fold, y->fold);

	if (d == 0)
		d = strcmp(x->name, y->name);
	return d ? d : strcmp(x->id, y->id);
}

/* True when the name of rows[i] is that of a neighbour: the name alone
 * would be ambiguous. */
static bool name_shared(const struct name_rows *rows, size_t i)
{
	return (i > 0 && strcmp(rows->r[i - 1].name, rows->r[i].name) == 0) ||
	       (i + 1 < rows->n && strcmp(rows->r[i + 1].name, rows->r[i].name) == 0);
}

/* Prints the ids starting with the typed text (a possible id prefix) of
 * the records of the types in mask, with their names. */
static int print_ids(struct comp *c, sqlite3 *db, unsigned mask)
{
	static const char *const sql =
		"SELECT type, id, name FROM records WHERE id >= ?1 AND id < ?2"
		" AND ((1 << type) & ?3) != 0 ORDER BY id LIMIT ?4";
	char prefix[CRM_ID_LEN + 1], upper[CRM_ID_LEN + 2], descr[512];
	const char *name;
	sqlite3_stmt *st;

	if (!crm_id_normalize_prefix(c->cur, prefix) ||
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	snprintf(upper, sizeof(upper), "%s~", prefix);
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, upper, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)mask);
	sqlite3_bind_int(st, 4, COMP_MAX);
	while (sqlite3_step(st) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 2);
		snprintf(descr, sizeof(descr), "%s (%s)", name ? name : "?",
			 crm_type_name((enum crm_type)sqlite3_column_int(st, 0)));
		emit_raw(c, (const char *)sqlite3_column_text(st, 1), descr);
	}
	sqlite3_finalize(st);
	return 0;
}

/*
 * Prints the records of the types in mask whose name starts with the typed
 * text, ignoring case (at most COMP_MAX, in name order), as their name
 * with the id as description; a name several of them share (which would
 * be ambiguous), or one a terminal would act on, as the id.  When no
 * name matches, ids do.
 */
static void print_refs(struct comp *c, unsigned mask)
{
	struct name_rows rows = {0};
	struct crm_buf hi = {0};
	char descr[512];
	sqlite3 *db = comp_db(c);
	char *fold;
	size_t i;
	int t;

	if (db == NULL)
		return;
	fold = crm_fold(c->cur);
	crm_buf_addf(&hi, "%s\xf4\x8f\xbf\xbf", fold);
	for (t = 0; t < CRM_NTYPES; t++)
		if (mask & CRM_TYPE_BIT(t))
			names_of_type(db, (enum crm_type)t, fold, hi.s, &rows);
	if (rows.n)
		qsort(rows.r, rows.n, sizeof(*rows.r), cmp_names);
	for (i = 0; i < rows.n && i < COMP_MAX; i++) {
		if (name_shared(&rows, i) || !term_safe(rows.r[i].name)) {
			snprintf(descr, sizeof(descr), "%s (%s)", rows.r[i].name,
				 crm_type_name(rows.r[i].type));
			emit_raw(c, rows.r[i].id, descr);
		} else {
			snprintf(descr, sizeof(descr), "%s (%s)", rows.r[i].id,
				 crm_type_name(rows.r[i].type));
			emit_query_value(c, rows.r[i].name, descr);
		}
	}
	if (rows.n == 0)
		print_ids(c, db, mask);
	for (i = 0; i < rows.n; i++) {
		free(rows.r[i].name);
		free(rows.r[i].fold);
	}
	free(rows.r);
	crm_buf_free(&hi);
	free(fold);
}

/* Decodes a facet word's hex digits (after its letter) into b. */
static void facet_value(const char *word, struct crm_buf *b)
{
	unsigned v;

	for (word++; word[0] && word[1]; word += 2) {
		if (sscanf(word, "%2x", &v) != 1)
			break;
		crm_buf_addc(b, (char)v);
	}
}

/*
 * Prints the tags in use that start with the typed text, from the words
 * of the facet index (one per tag value, its letter then the value in
 * hex, so that a prefix of the value is a prefix of the word).
 */
static void print_all_tags(struct comp *c)
{
	static const char *const vocab =
		"CREATE VIRTUAL TABLE IF NOT EXISTS temp.crm_facet_words"
		" USING fts5vocab(main, 'facets', 'row')";
	static const char *const sql =
		"SELECT term FROM temp.crm_facet_words WHERE term >= ?1"
		" AND term < ?2 AND doc > 0 ORDER BY term LIMIT ?3";
	struct crm_buf lo = {0}, hi = {0}, tag = {0};
	sqlite3 *db = comp_db(c);
	sqlite3_stmt *st;

	if (db == NULL || sqlite3_exec(db, vocab, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	crm_facet_word(&lo, "tags", c->cur);
	crm_buf_addf(&hi, "%sg", lo.s);
	sqlite3_bind_text(st, 1, lo.s, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hi.s, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, COMP_MAX);
	while (sqlite3_step(st) == SQLITE_ROW) {
		tag.len = 0;
		facet_value((const char *)sqlite3_column_text(st, 0), &tag);
		if (tag.len)
			emit(c, tag.s, NULL);
	}
	sqlite3_finalize(st);
	crm_buf_free(&lo);
	crm_buf_free(&hi);
	crm_buf_free(&tag);
}

/* Adds to *n (at most 2) the records sql finds with parameters a and b;
 * the first one's type and id in *t and id. */
static void count_matches(sqlite3 *db, const char *sql, const char *a,
			  const char *b, int *n, enum crm_type *t, char *id)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	while (*n < 2 && sqlite3_step(st) == SQLITE_ROW) {
		if ((*n)++ == 0) {
			*t = (enum crm_type)sqlite3_column_int(st, 0);
			snprintf(id, CRM_ID_LEN + 1, "%s",
				 sqlite3_column_text(st, 1));
		}
	}
	sqlite3_finalize(st);
}

/*
 * Finds the record c->ref names through the index alone, as crm's
 * references do (a unique id prefix or exact name; a whole id too, which
 * crm_store_resolve would look up in git, costing a completion the
 * loading of libgit2).  False when none or several.
 */
static bool ref_record(struct comp *c, enum crm_type *t,
		       char id[CRM_ID_LEN + 1])
{
	static const char *const by_id =
		"SELECT type, id FROM records WHERE id >= ?1 AND id < ?2 LIMIT 2";
	static const char *const by_name =
		"SELECT type, id FROM records WHERE type IN (0, 1, 2, 3)"
		" AND name_fold = ?1 AND name = ?2 LIMIT 2";
	char prefix[CRM_ID_LEN + 1], upper[CRM_ID_LEN + 2], *fold;
	sqlite3 *db = comp_db(c);
	int n = 0;

	_Static_assert(CRM_NTYPES == 4, "by_name names each type");
	if (db == NULL || c->ref == NULL)
		return false;
	if (crm_id_normalize_prefix(c->ref, prefix)) {
		snprintf(upper, sizeof(upper), "%s~", prefix);
		count_matches(db, by_id, prefix, upper, &n, t, id);
	}
	fold = crm_fold(c->ref);
	count_matches(db, by_name, fold, c->ref, &n, t, id);
	free(fold);
	return n == 1;
}

/* The pipeline of the deal c->ref names, from the index (the default
 * pipeline when the deal names none); NULL when c->ref names no one
 * deal or its pipeline is not in crm.yaml.  Borrowed from the store's
 * configuration. */
static const char *deal_pipeline(struct comp *c)
{
	static const char *const sql =
		"SELECT pipeline FROM records WHERE id = ?1";
	const struct crm_pipeline *p = NULL;
	char id[CRM_ID_LEN + 1];
	sqlite3 *db = comp_db(c);
	sqlite3_stmt *st;
	enum crm_type t;

	if (db == NULL || !ref_record(c, &t, id) || t != CRM_DEAL ||
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		p = crm_config_pipeline(crm_store_config(c->cli->store),
					(const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return p ? p->name : NULL;
}

/* Prints the tags of the record the line is about (to remove one), or
 * every tag when the reference names no one record. */
static void print_record_tags(struct comp *c)
{
	static const char *const sql = "SELECT tags FROM records WHERE id = ?1";
	char id[CRM_ID_LEN + 1], *tags, *tag, *save = NULL;
	sqlite3 *db = comp_db(c);
	sqlite3_stmt *st;
	enum crm_type t;

	if (db == NULL)
		return;
	if (!ref_record(c, &t, id)) {
		print_all_tags(c);
		return;
	}
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		tags = crm_xstrdup((const char *)sqlite3_column_text(st, 0));
		for (tag = strtok_r(tags, "\n", &save); tag;
		     tag = strtok_r(NULL, "\n", &save))
			emit(c, tag, NULL);
		free(tags);
	}
	sqlite3_finalize(st);
}

/* ---- fields ---- */

/* True when a query may compare field name with < and > (it parses
 * "name<0" or "name<today"). */
static bool compares(const char *name, time_t now)
{
	static const char *const probes[] = {"<0", "<today"};
	struct crm_query *q;
	struct crm_err err;
	char term[128];
	const char *w = term;
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(term, sizeof(term), "%s%s", name, probes[i]);
		if (crm_query_parse(&w, 1, now, &q, &err) == CRM_OK) {
			crm_query_free(q);
			return true;
		}
	}
	return false;
}

/* True when name is a field the query language knows. */
static bool known_field(const char *name)
{
	size_t i;

	for (i = 0; crm_query_field(i); i++)
		if (strcmp(crm_query_field(i), name) == 0)
			return true;
	return false;
}

/* Emits KEY plus suffix for each custom field key some record holds that
 * starts with the typed text and that keep accepts, one index seek each,
 * at most 50 keys. */
static void emit_held_keys(struct comp *c, const char *suffix,
			   bool (*keep)(struct comp *c, const char *key,
					void *data), void *data)
{
	static const char *const sql =
		"SELECT key FROM fields WHERE key > ?1 AND key < ?2"
		" ORDER BY key LIMIT 1";
	struct crm_buf hi = {0}, v = {0};
	char *last = crm_xstrdup(c->cur);
	sqlite3 *db = comp_db(c);
	sqlite3_stmt *st;
	size_t n;

	if (db == NULL || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	crm_buf_addf(&hi, "%s\xf4\x8f\xbf\xbf", c->cur);
	for (n = 0; n < 50; n++) {
		sqlite3_bind_text(st, 1, last, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, hi.s, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			break;
		free(last);
		last = crm_xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		if (!keep(c, last, data))
			continue;
		v.len = 0;
		crm_buf_addf(&v, "%s%s", last, suffix);
		emit(c, v.s, _("custom field"));
	}
	sqlite3_finalize(st);
out:
	crm_buf_free(&hi);
	crm_buf_free(&v);
	free(last);
}

/* emit_held_keys' filter for queries: a custom field a query can name. */
static bool query_key(struct comp *c, const char *key, void *data)
{
	(void)c;
	(void)data;
	return !known_field(key) && strchr(key, ' ') == NULL;
}

/* Prints the custom fields some record has that start with the typed
 * text, one index seek each. */
static void print_custom_fields(struct comp *c, const char *suffix)
{
	emit_held_keys(c, suffix, query_key, NULL);
}

/* Prints the field names of the query language (and the custom fields),
 * followed by c->suffix: bare ("") when the user types the operator. */
static void print_query_fields(struct comp *c, bool custom)
{
	struct crm_buf b = {0};
	size_t i;

	for (i = 0; crm_query_field(i); i++) {
		b.len = 0;
		crm_buf_addf(&b, "%s%s", crm_query_field(i), c->suffix);
		emit(c, b.s, compares(crm_query_field(i), c->cli->now)
			     ? _("field (: = != < > <= >=)")
			     : _("field (: = !=)"));
	}
	if (custom)
		print_custom_fields(c, c->suffix);
	crm_buf_free(&b);
}

/* True when field is one a command may set (not id, the times, the
 * derived history and phones_typed, the timeline). */
static bool settable(const char *field)
{
	static const char *const derived[] = {
		"id", "created", "updated", "stage_history", "timeline",
		"rescheduled", "phones_typed",
	};
	size_t i;

	for (i = 0; i < sizeof(derived) / sizeof(derived[0]); i++)
		if (strcmp(field, derived[i]) == 0)
			return false;
	return true;
}

/* True when field holds a list (KEY+=VALUE and KEY-=VALUE apply). */
static bool list_field(const char *field)
{
	return strcmp(field, "phones") == 0 || strcmp(field, "emails") == 0 ||
	       strcmp(field, "tags") == 0;
}

/* True when a type before t has the field too. */
static bool earlier_type_has(int t, const char *field)
{
	const char *const *f;
	int i;

	for (i = 0; i < t; i++)
		for (f = crm_record_fields((enum crm_type)i); *f; f++)
			if (strcmp(*f, field) == 0)
				return true;
	return false;
}

/* Prints "field=" (and "field+=", "field-=" for a list) for a field. */
static void print_assignment(struct comp *c, const char *field)
{
	static const char *const ops[] = {"=", "+=", "-="};
	char buf[128];
	size_t i;

	for (i = 0; i < (list_field(field) ? 3 : 1); i++) {
		snprintf(buf, sizeof(buf), "%s%s", field, ops[i]);
		emit(c, buf, NULL);
	}
}

/* The crm.yaml custom field called name that type t (every type when
 * -1) has, or NULL. */
static const struct crm_custom_field *declared_field(struct comp *c, int t,
						     const char *name)
{
	const struct crm_config *cfg;
	const struct crm_custom_field *f = NULL;
	int i;

	if (!comp_store(c))
		return NULL;
	cfg = crm_store_config(c->cli->store);
	for (i = t < 0 ? 0 : t; f == NULL && i < (t < 0 ? CRM_NTYPES : t + 1);
	     i++)
		f = crm_config_field(cfg, i, name);
	return f;
}

/* True when a field record type t (every type when -1) knows is called
 * name, so that it is offered already. */
static bool built_in(int t, const char *name)
{
	int i;

	for (i = t < 0 ? 0 : t; i < (t < 0 ? CRM_NTYPES : t + 1); i++)
		if (crm_record_known_field((enum crm_type)i, name))
			return true;
	return false;
}

/* Prints "name=" for the custom fields crm.yaml declares for type t
 * (every type when -1), with "name+=" and "name-=" for a list. */
static void print_declared_fields(struct comp *c, int t)
{
	static const char *const ops[] = {"=", "+=", "-="};
	const struct crm_config *cfg;
	const struct crm_custom_field *f;
	char buf[256], descr[512];
	size_t i, k;

	if (!comp_store(c))
		return;
	cfg = crm_store_config(c->cli->store);
	for (i = 0; i < cfg->nfields; i++) {
		f = &cfg->fields[i];
		if ((t >= 0 && !(f->types & CRM_TYPE_BIT(t))) ||
		    built_in(t, f->name) || declared_field(c, t, f->name) != f)
			continue;
		snprintf(descr, sizeof(descr), "%s (%s)",
			 f->label ? f->label : _("custom field"),
			 crm_custom_kind_name(f->kind));
		for (k = 0; k < (f->kind == CRM_CF_LIST ? 3 : 1); k++)
			if (snprintf(buf, sizeof(buf), "%s%s", f->name, ops[k]) <
			    (int)sizeof(buf))
				emit(c, buf, descr);
	}
}

/* True when a record of type t (any when -1) holds the custom field key,
 * by the index. */
static bool type_holds(sqlite3 *db, int t, const char *key)
{
	static const char *const sql =
		"SELECT 1 FROM fields JOIN records USING (rid)"
		" WHERE fields.key = ?1 AND (?2 < 0 OR records.type = ?2)"
		" LIMIT 1";
	sqlite3_stmt *st;
	bool found;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, t);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* emit_held_keys' filter for assignments to records of type *data (any
 * when -1): held, not built in and not declared (print_declared_fields
 * offers those). */
static bool assignable_key(struct comp *c, const char *key, void *data)
{
	int t = *(const int *)data;

	return !built_in(t, key) && !declared_field(c, t, key) &&
	       crm_field_name_valid(key) && type_holds(comp_db(c), t, key);
}

/* Prints "key=" for the custom fields that records of type t (any when
 * -1) hold and crm.yaml does not declare, a seek for each key of the
 * index, at most 50 keys. */
static void print_held_fields(struct comp *c, int t)
{
	emit_held_keys(c, "=", assignable_key, &t);
}

/* Prints the assignments of the fields of type t, or of every type
 * (each field once) when t is -1: the built-in ones, then the custom
 * fields crm.yaml declares for it, then those its records hold. */
static void print_assign_fields(struct comp *c, int t)
{
	const char *const *f;
	int i;

	for (i = t < 0 ? 0 : t; i < (t < 0 ? CRM_NTYPES : t + 1); i++)
		for (f = crm_record_fields((enum crm_type)i); *f; f++)
			if (settable(*f) && (t >= 0 || !earlier_type_has(i, *f)))
				print_assignment(c, *f);
	print_declared_fields(c, t);
	print_held_fields(c, t);
}

/* ---- dispatch ---- */

/* What the value of an option, a field term or an assignment is, by its
 * name (option names and field names agree). */
static const struct {
	const char *name;
	enum what what;
	unsigned mask;   /* W_REFS: the types it may name */
} value_kinds[] = {
	{"C", W_DIRS, 0}, {"format", W_FORMATS, 0}, {"sort", W_SORT, 0},
	{"user", W_USERS, 0}, {"type", W_TYPES, 0}, {"set", W_ASSIGN, 0},
	{"has", W_FIELDS, 0}, {"no", W_FIELDS, 0}, {"kind", W_KINDS, 0},
	{"output", W_FILES, 0}, {"map-file", W_FILES, 0},
	{"save-map", W_FILES, 0}, {"errors", W_FILES, 0},
};

/* What the values of the registered field f are; W_NONE: free text. */
static enum what field_value_kind(const struct crm_field *f, unsigned *mask)
{
	*mask = f->refers & CRM_TYPE_ALL;
	switch (f->kind) {
	case CRM_FIELD_USER: return W_USERS;
	case CRM_FIELD_STAGE: return W_STAGES;
	case CRM_FIELD_PIPELINE: return W_PIPELINES;
	case CRM_FIELD_TAGS: return W_TAGS;
	case CRM_FIELD_REF: return W_REFS;
	default: return W_NONE;
	}
}

/* Looks up the value kind of name[0..len): the options' own, else the
 * field's of that name or term; W_NONE when free text. */
static enum what value_kind(const char *name, size_t len, unsigned *mask)
{
	const struct crm_field *f;
	char key[64];
	size_t i;

	for (i = 0; i < sizeof(value_kinds) / sizeof(value_kinds[0]); i++) {
		if (strlen(value_kinds[i].name) == len &&
		    strncmp(value_kinds[i].name, name, len) == 0) {
			*mask = value_kinds[i].mask;
			return value_kinds[i].what;
		}
	}
	if (len >= sizeof(key))
		return W_NONE;
	snprintf(key, sizeof(key), "%.*s", (int)len, name);
	f = crm_field_find(CRM_TYPE_ALL, key, true);
	return f ? field_value_kind(f, mask) : W_NONE;
}

static void complete_what(struct comp *c, enum what w, unsigned mask);

/*
 * Completes c->cur as prefix + value, where prefix is its first plen bytes
 * (an option and '=', a field and its operator, a tag's sign; printed
 * after what is printed already) and value is of kind w.
 */
static void complete_after(struct comp *c, size_t plen, enum what w,
			   unsigned mask)
{
	const char *cur = c->cur, *pre = c->pre;
	struct crm_buf p = {0};

	crm_buf_adds(&p, pre);
	crm_buf_add(&p, cur, plen);
	c->pre = p.s;
	c->cur = cur + plen;
	complete_what(c, w, mask);
	c->cur = cur;
	c->pre = pre;
	crm_buf_free(&p);
}

/* Completes a query word: a field name, or the value of a field term;
 * leading '(' and '-' (not) are kept. */
static void complete_query(struct comp *c)
{
	size_t keep = strspn(c->cur, "(-"), len, oplen;
	const char *name = c->cur + keep, *op;
	unsigned mask = 0;
	enum what w;

	for (len = 0; name[len] && (strchr("_-", name[len]) ||
		       (name[len] >= 'a' && name[len] <= 'z') ||
		       (name[len] >= 'A' && name[len] <= 'Z') ||
		       (name[len] >= '0' && name[len] <= '9')); len++)
		;
	op = name + len;
	if (*op == '\0') {
		c->suffix = c->fish ? ":" : "";
		complete_after(c, keep, W_FIELDS, 0);
		c->suffix = "";
		c->nospace = c->n > 0;  /* the operator comes next */
		return;
	}
	oplen = strspn(op, ":=!<>");
	if (oplen == 0 || oplen > 2)
		return;
	w = value_kind(name, len, &mask);
	if (w == W_SORT || w == W_FORMATS || w == W_DIRS || w == W_ASSIGN ||
	    w == W_FILES)
		return;
	c->query = true;
	complete_after(c, keep + len + oplen, w, mask);
	c->query = false;
}

/* What the value of the custom field c->cur[0..klen) is, by its kind in
 * crm.yaml: users, records, or free text (W_NONE). */
static enum what custom_value_kind(struct comp *c, size_t klen,
				   unsigned *mask)
{
	const struct crm_custom_field *f;
	char *key = crm_xstrndup(c->cur, klen);

	f = declared_field(c, c->type, key);
	free(key);
	*mask = 0;
	if (f && f->kind == CRM_CF_USER)
		return W_USERS;
	if (f && f->kind == CRM_CF_REF)
		return W_REFS;
	return W_NONE;
}

/* Completes a word of crm set (or --set): "field=" or a field's value. */
static void complete_assign(struct comp *c)
{
	const char *eq = strchr(c->cur, '=');
	size_t klen;
	unsigned mask = 0;
	enum what w;
	const char *ref = c->ref;

	if (eq == NULL) {
		print_assign_fields(c, c->type);
		return;
	}
	klen = (size_t)(eq - c->cur);
	if (klen > 1 && (eq[-1] == '+' || eq[-1] == '-'))
		klen--;
	w = value_kind(c->cur, klen, &mask);
	if (w == W_NONE)
		w = custom_value_kind(c, klen, &mask);
	if (w == W_TAGS && eq[-1] != '-')
		c->ref = NULL;  /* adding: every tag, not the record's */
	if (w != W_FIELDS && w != W_ASSIGN && w != W_SORT && w != W_FORMATS)
		complete_after(c, (size_t)(eq - c->cur + 1), w, mask);
	c->ref = ref;
}

/* Completes a word of crm tag after the REF: +TAG, -TAG (one of the
 * record's) or TAG. */
static void complete_tag_word(struct comp *c)
{
	const char *ref = c->ref;

	if (c->cur[0] == '+')
		c->ref = NULL;
	if (c->cur[0] == '+' || c->cur[0] == '-')
		complete_after(c, 1, W_TAGS, 0);
	else {
		c->ref = NULL;
		complete_what(c, W_TAGS, 0);
	}
	c->ref = ref;
}

/* Prints the values of an OPT_ENUM option (c->keywords). */
static void print_keywords(struct comp *c)
{
	size_t i;

	for (i = 0; c->keywords && c->keywords[i]; i++)
		if (strncmp(c->keywords[i], c->cur, strlen(c->cur)) == 0)
			emit(c, c->keywords[i], NULL);
}

static void complete_what(struct comp *c, enum what w, unsigned mask)
{
	switch (w) {
	case W_NONE: break;
	case W_COMMANDS: print_commands(c); break;
	case W_TYPES: print_types(c); break;
	case W_REFS: print_refs(c, mask ? mask : CRM_TYPE_ALL); break;
	case W_QUERY: complete_query(c); break;
	case W_ASSIGN: complete_assign(c); break;
	case W_TAGS:
		if (c->ref)
			print_record_tags(c);
		else
			print_all_tags(c);
		break;
	case W_USERS: print_users(c); break;
	case W_STAGES: print_stages(c); break;
	case W_PIPELINES: print_pipelines(c); break;
	case W_FORMATS: print_formats(c); break;
	case W_SORT: print_sort(c); break;
	case W_DIRS: print_dirs(c); break;
	case W_FILES: print_paths(c, true); break;
	case W_FIELDS: print_query_fields(c, true); break;
	case W_SUBS: print_subs(c); break;
	case W_TASKS: print_refs(c, CRM_TYPE_BIT(CRM_TASK)); break;
	case W_KEYWORDS: print_keywords(c); break;
	case W_KINDS: print_kinds(c); break;
	case W_RULES: print_rules(c); break;
	case W_REASONS: print_reasons(c); break;
	}
}

/* ---- the command line ---- */

/* What the positional arguments of a command are: the first, the rest. */
static const struct {
	const char *cmd;
	enum what first, rest;
} positionals[] = {
	{"add", W_TYPES, W_NONE}, {"list", W_TYPES, W_QUERY},
	{"search", W_QUERY, W_QUERY}, {"show", W_REFS, W_NONE},
	{"set", W_REFS, W_ASSIGN}, {"tag", W_REFS, W_TAGS},
	{"rm", W_REFS, W_NONE}, {"edit", W_REFS, W_NONE},
	{"log", W_REFS, W_NONE}, {"help", W_COMMANDS, W_NONE},
	{"init", W_DIRS, W_NONE}, {"automate", W_RULES, W_NONE},
	{"board", W_PIPELINES, W_QUERY},
	{"note", W_REFS, W_NONE}, {"call", W_REFS, W_NONE},
	{"meeting", W_REFS, W_NONE}, {"import", W_FILES, W_NONE},
	{"dupes", W_TYPES, W_QUERY}, {"merge", W_REFS, W_REFS},
};

/* What the positional arguments of a subcommand (and of crm reassign)
 * are: the first, the second, the rest. */
static const struct {
	const char *cmd;
	enum what first, second, rest;
} sub_positionals[] = {
	{"stage add", W_PIPELINES, W_NONE, W_NONE},
	{"stage rm", W_PIPELINES, W_STAGES, W_NONE},
	{"stage rename", W_PIPELINES, W_STAGES, W_NONE},
	{"user add", W_NONE, W_NONE, W_NONE},
	{"user rename", W_USERS, W_NONE, W_NONE},
	{"user rm", W_USERS, W_NONE, W_NONE},
	{"reassign", W_USERS, W_USERS, W_QUERY},
	{"task add", W_NONE, W_NONE, W_NONE},
	{"task due", W_QUERY, W_QUERY, W_QUERY},
	{"task list", W_QUERY, W_QUERY, W_QUERY},
	{"task move", W_TASKS, W_NONE, W_NONE},
	{"task rm", W_TASKS, W_NONE, W_NONE},
	{"task done", W_TASKS, W_NONE, W_NONE},
	{"deal list", W_QUERY, W_QUERY, W_QUERY},
	{"export ics", W_QUERY, W_QUERY, W_QUERY},
	{"export csv", W_TYPES, W_QUERY, W_QUERY},
	{"export json", W_TYPES, W_QUERY, W_QUERY},
	{"export xlsx", W_TYPES, W_QUERY, W_QUERY},
	{"export vcard", W_TYPES, W_QUERY, W_QUERY},
};

/* The option of spec, else of the global options, that word (an option)
 * names; *value gets a value given in the word itself ("--x=v", "-xv"). */
static const struct opt_spec *find_opt(const struct opt_spec *spec,
				       const char *word, const char **value)
{
	const struct opt_spec *specs[2] = {spec, global_opts}, *o;
	const char *eq = strchr(word, '=');
	size_t len, i;

	*value = NULL;
	for (i = 0; i < 2; i++) {
		for (o = specs[i]; o->name; o++) {
			if (word[1] == '-') {
				len = eq ? (size_t)(eq - word - 2) : strlen(word + 2);
				if (strlen(o->name) != len ||
				    strncmp(o->name, word + 2, len) != 0)
					continue;
				*value = eq ? eq + 1 : NULL;
				return o;
			}
			if (o->shortname == word[1]) {
				*value = word[2] ? word + 2 : NULL;
				return o;
			}
		}
	}
	return NULL;
}

/* True when word is an option of command k ("-word" of a command that
 * takes such words is a positional argument unless a short option). */
static bool is_option_of(const struct cmd *k, const char *word)
{
	const struct opt_spec *o;

	if (word[0] != '-' || word[1] == '\0')
		return false;
	if (!(k->flags & CMD_DASH) || word[1] == '-')
		return true;
	for (o = k->opts; o->name; o++)
		if (o->shortname == word[1])
			return true;
	return false;
}

/* v with a leading "~/" (or "~" alone) as $HOME, as the shell would have
 * expanded it when running the command; in buf or v itself. */
static const char *expand_home(const char *v, char *buf, size_t size)
{
	const char *home = getenv("HOME");
	int n;

	if (home == NULL || v[0] != '~' || (v[1] != '/' && v[1] != '\0'))
		return v;
	n = snprintf(buf, size, "%s%s", home, v + 1);
	return n >= 0 && (size_t)n < size ? buf : v;
}

/* A command line read up to the word being completed. */
struct line {
	const struct cmd *cmd;      /* NULL: not given yet */
	bool unknown;               /* an external or unknown command */
	const struct opt_spec *want;/* the option whose value is completed */
	char **pos;                 /* positional arguments after the command */
	size_t npos;
	bool dashdash;              /* "--" was given */
};

/*
 * Reads words[1..n) (words[0] is the program) as main() and the parser
 * will: the global options and the command, then its options and
 * positional arguments.  Sets c->dir from -C.  ln->pos borrows words.
 */
static void read_line(struct comp *c, char **words, size_t n,
		      struct line *ln)
{
	const struct opt_spec *o;
	const char *v;
	size_t i;

	ln->pos = crm_xcalloc(n + 1, sizeof(char *));
	for (i = 1; i < n; i++) {
		const struct opt_spec *spec = ln->cmd ? ln->cmd->opts : global_opts;

		if (ln->unknown)
			return;
		if (!ln->cmd && (words[i][0] != '-' || !words[i][1])) {
			ln->cmd = cli_find_command(words[i]);
			ln->unknown = ln->cmd == NULL || (ln->cmd->flags & CMD_HIDDEN);
			continue;
		}
		if (ln->cmd && (ln->dashdash || !is_option_of(ln->cmd, words[i]))) {
			if (ln->cmd->subs && ln->npos == 0) {
				ln->cmd = cli_find_subcommand(ln->cmd, words[i]);
				ln->unknown = ln->cmd == NULL;
				continue;
			}
			ln->pos[ln->npos++] = words[i];
			continue;
		}
		if (strcmp(words[i], "--") == 0) {
			ln->dashdash = ln->cmd != NULL;
			continue;
		}
		if ((o = find_opt(spec, words[i], &v)) == NULL)
			continue;
		if (o->kind != OPT_FLAG && v == NULL) {
			if (i + 1 == n) {
				ln->want = o;
				return;
			}
			v = words[++i];
		}
		if (v && strcmp(o->name, "C") == 0)
			c->dir = expand_home(v, c->dirbuf, sizeof(c->dirbuf));
	}
}

/* What the value of option o of the line's command is: a stage of the
 * pipeline named first for crm stage's --to, --after and --before, a
 * user for crm user rm --to, a lost reason of crm.yaml for --reason
 * (no field of that name), else as value_kind says. */
static enum what option_value_kind(struct comp *c, const struct line *ln,
				   const struct opt_spec *o, unsigned *mask)
{
	const char *name = ln->cmd ? ln->cmd->name : "";

	*mask = 0;
	if (strncmp(name, "stage ", 6) == 0 && strcmp(o->arg, N_("STAGE")) == 0) {
		c->pipeline = ln->npos ? ln->pos[0] : NULL;
		return W_STAGES;
	}
	if (strncmp(name, "user ", 5) == 0 && strcmp(o->name, "to") == 0)
		return W_USERS;
	if (strcmp(o->name, "reason") == 0)
		return W_REASONS;
	if (o->kind == OPT_ENUM && strcmp(o->name, "format") != 0) {
		c->keywords = o->keywords;
		return W_KEYWORDS;
	}
	if (strcmp(name, "reassign") == 0 &&
	    (strcmp(o->name, "to") == 0 || strcmp(o->name, "from") == 0))
		return W_USERS;
	return value_kind(o->name, strlen(o->name), mask);
}

/* Completes an option: its name, or "--name=value". */
static void complete_option(struct comp *c, const struct line *ln)
{
	const char *eq = strchr(c->cur, '='), *v;
	const struct opt_spec *o;
	unsigned mask = 0;
	enum what w;

	if (c->cur[1] == '-' && eq) {
		o = find_opt(ln->cmd ? ln->cmd->opts : global_opts, c->cur, &v);
		if (o && o->kind != OPT_FLAG) {
			w = option_value_kind(c, ln, o, &mask);
			complete_after(c, (size_t)(eq - c->cur + 1), w, mask);
		}
		return;
	}
	if (ln->cmd)
		print_opts(c, ln->cmd->opts);
	print_opts(c, global_opts);
}

/* The type the line is about: the first argument of add and list, the
 * record set and tag change.  -1 when unknown. */
static void line_context(struct comp *c, const struct line *ln)
{
	enum crm_type t;
	char id[CRM_ID_LEN + 1];

	c->type = -1;
	if (ln->npos == 0)
		return;
	if (strcmp(ln->cmd->name, "add") == 0 || strcmp(ln->cmd->name, "list") == 0) {
		if (crm_type_parse(ln->pos[0], &t))
			c->type = (int)t;
		return;
	}
	if (strcmp(ln->cmd->name, "set") != 0 && strcmp(ln->cmd->name, "tag") != 0)
		return;
	c->ref = ln->pos[0];
	if (strcmp(ln->cmd->name, "set") == 0 && ref_record(c, &t, id))
		c->type = (int)t;
}

/* Completes a positional argument of the command. */
static void complete_positional(struct comp *c, const struct line *ln)
{
	const struct cmd *k;
	size_t i;

	if (ln->cmd->subs) {
		c->parent = ln->cmd;
		complete_what(c, W_SUBS, 0);
		return;
	}
	if (strcmp(ln->cmd->name, "help") == 0 && ln->npos == 1) {
		k = cli_find_command(ln->pos[0]);
		c->parent = k;
		complete_what(c, k && k->subs ? W_SUBS : W_NONE, 0);
		return;
	}
	if (strcmp(ln->cmd->name, "report") == 0) {
		/* NAME, then a query */
		c->keywords = crm_report_names;
		complete_what(c, ln->npos == 0 ? W_KEYWORDS : W_QUERY, 0);
		return;
	}
	if (strcmp(ln->cmd->name, "deal move") == 0) {
		/* DEAL STAGE: a deal, then the stages of its pipeline (of
		 * every pipeline when the index cannot say which) */
		c->ref = ln->npos == 1 ? ln->pos[0] : NULL;
		c->pipeline = ln->npos == 1 ? deal_pipeline(c) : NULL;
		c->ref = NULL;
		complete_what(c, ln->npos == 0 ? W_REFS : ln->npos == 1
				 ? W_STAGES : W_NONE, CRM_TYPE_BIT(CRM_DEAL));
		return;
	}
	for (i = 0; i < sizeof(sub_positionals) / sizeof(sub_positionals[0]);
	     i++) {
		if (strcmp(sub_positionals[i].cmd, ln->cmd->name) != 0)
			continue;
		c->pipeline = ln->npos ? ln->pos[0] : NULL;
		complete_what(c, ln->npos == 0 ? sub_positionals[i].first
				 : ln->npos == 1 ? sub_positionals[i].second
				 : sub_positionals[i].rest, 0);
		return;
	}

	for (i = 0; i < sizeof(positionals) / sizeof(positionals[0]); i++) {
		if (strcmp(positionals[i].cmd, ln->cmd->name) != 0)
			continue;
		if (ln->npos == 0)
			complete_what(c, positionals[i].first, 0);
		else if (positionals[i].rest == W_TAGS)
			complete_tag_word(c);
		else
			complete_what(c, positionals[i].rest, 0);
		return;
	}
}

/* True when the word being completed is an option: it starts with '-',
 * except after the REF of crm tag ("-TAG" removes a tag) and in a query
 * ("-TERM" is "not TERM"). */
static bool completes_option(const struct comp *c, const struct line *ln)
{
	if (ln->dashdash || c->cur[0] != '-')
		return false;
	if (c->cur[1] == '-' || ln->cmd == NULL || ln->npos == 0)
		return true;
	if (strcmp(ln->cmd->name, "tag") == 0)
		return false;
	return !((ln->cmd->flags & CMD_DASH) && c->cur[1]);
}

/* crm __complete words -- WORD... CUR */
static void complete_words(struct comp *c, char **words, size_t n)
{
	struct line ln = {0};
	unsigned mask = 0;
	enum what w;

	c->cur = n ? words[n - 1] : "";
	read_line(c, words, n ? n - 1 : 0, &ln);
	if (ln.unknown)
		goto out;
	if (ln.cmd) {
		line_context(c, &ln);
		c->formats = ln.cmd->formats ? ln.cmd->formats
					     : FMT_BIT(FMT_TABLE);
	}
	if (ln.want) {
		w = option_value_kind(c, &ln, ln.want, &mask);
		complete_what(c, w, mask);
		goto out;
	}
	if (completes_option(c, &ln))
		complete_option(c, &ln);
	else if (ln.cmd == NULL) {
		print_commands(c);
		print_externals(c);
	} else
		complete_positional(c, &ln);
out:
	if (c->nospace && c->n && !c->fish)
		printf("\tnospace\n");
	free(ln.pos);
}

/* The one-list forms: crm __complete WHAT [ARG...]. */
static int complete_list(struct comp *c, const char *what, char **args,
			 size_t nargs)
{
	static const struct {
		const char *name;
		enum what what;
	} lists[] = {
		{"commands", W_COMMANDS}, {"types", W_TYPES}, {"users", W_USERS},
		{"stages", W_STAGES}, {"pipelines", W_PIPELINES},
		{"formats", W_FORMATS}, {"sort", W_SORT}, {"tags", W_TAGS},
		{"fields", W_FIELDS}, {"reasons", W_REASONS},
	};
	enum crm_type t;
	const struct cmd *k;
	size_t i;

	c->cur = nargs ? args[0] : "";
	c->plain = strcmp(what, "refs") != 0;
	if (strcmp(what, "options") == 0) {
		c->cur = "";
		k = nargs ? cli_find_command(args[0]) : NULL;
		print_opts(c, k ? k->opts : global_opts);
		return CRM_OK;
	}
	if (strcmp(what, "refs") == 0) {
		if (nargs && crm_type_parse(args[0], &t)) {
			c->cur = nargs > 1 ? args[1] : "";
			print_refs(c, CRM_TYPE_BIT(t));
		} else
			print_refs(c, CRM_TYPE_ALL);
		return CRM_OK;
	}
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		if (strcmp(what, lists[i].name) == 0) {
			complete_what(c, lists[i].what, 0);
			return CRM_OK;
		}
	}
	return cli_error(c->cli, CRM_EUSAGE, _("unknown completion '%s'"), what);
}

int cmd_complete(struct cli *cli, struct parsed *p)
{
	struct comp c = {.cli = cli, .pre = "", .cur = "", .type = -1,
			 .suffix = ""};
	const char *what = p->npos ? p->pos[0] : "";

	c.dir = cli->dir_opt;
	c.fish = strcmp(what, "fish") == 0;
	if (strcmp(what, "words") == 0 || c.fish) {
		complete_words(&c, p->pos + 1, p->npos - 1);
		return CRM_OK;
	}
	return complete_list(&c, what, p->pos + 1, p->npos ? p->npos - 1 : 0);
}
