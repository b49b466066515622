/*
 * bulk.c - the records a command changes at once: the references before
 * "--" (crm set A B -- k=v), one reference (crm set A k=v), or the
 * references on standard input, one a line (--stdin).  Each is resolved
 * as every reference is, but the full ids of a long list are looked up
 * together, in one pass over HEAD's tree (crm_store_find_ids).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_split_refs(struct cli *cli, const struct parsed *p, bool from_stdin,
		   struct cli_args *refs, struct cli_args *args)
{
	size_t i, sep = 0, skip = 0;
	bool have_sep = false;

	if (p->dashdash && p->before_dashdash > 0) {
		sep = p->before_dashdash;
		have_sep = true;
	} else {
		for (i = 0; i < p->npos && !have_sep; i++)
			if (strcmp(p->pos[i], "--") == 0) {
				sep = i;
				have_sep = true;
				skip = 1; /* the literal "--" among them */
			}
	}
	if (from_stdin && have_sep)
		return cli_usage_error(cli->cmd, _("--stdin reads the records "
				       "from standard input: give none before "
				       "'--'"));
	refs->v = p->pos;
	refs->n = from_stdin ? 0 : have_sep ? sep : p->npos ? 1 : 0;
	args->v = p->pos + refs->n + skip;
	args->n = p->npos - refs->n - skip;
	return CRM_OK;
}

/* Appends (type, id) to rs. */
static void push(struct cli_records *rs, enum crm_type t, const char *id)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->t = crm_xrealloc(rs->t, rs->cap * sizeof(*rs->t));
		rs->id = crm_xrealloc(rs->id, rs->cap * sizeof(*rs->id));
	}
	rs->t[rs->n] = t;
	snprintf(rs->id[rs->n], sizeof(rs->id[rs->n]), "%s", id);
	rs->n++;
}

/* Compares records by id, then by position (qsort of indexes). */
static const struct cli_records *sort_rs;
static int by_id(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(sort_rs->id[i], sort_rs->id[j]);

	return c ? c : i < j ? -1 : i > j;
}

/* Drops the records named twice, keeping the first of each. */
static void dedupe(struct cli_records *rs)
{
	size_t *ix = crm_xcalloc(rs->n + 1, sizeof(size_t)), i, k;
	bool *drop = crm_xcalloc(rs->n + 1, sizeof(bool));

	for (i = 0; i < rs->n; i++)
		ix[i] = i;
	sort_rs = rs;
	qsort(ix, rs->n, sizeof(size_t), by_id);
	for (i = 1; i < rs->n; i++)
		drop[ix[i]] = strcmp(rs->id[ix[i]], rs->id[ix[i - 1]]) == 0;
	for (i = k = 0; i < rs->n; i++) {
		if (drop[i])
			continue;
		rs->t[k] = rs->t[i];
		memcpy(rs->id[k], rs->id[i], sizeof(rs->id[k]));
		k++;
	}
	rs->n = k;
	free(ix);
	free(drop);
}

/* The references typed, with where each came from (0: an argument,
 * else its line of standard input). */
struct typed {
	char **ref;
	size_t *line;
	size_t n, cap;
};

static void typed_push(struct typed *t, char *ref, size_t line)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->ref = crm_xrealloc(t->ref, t->cap * sizeof(char *));
		t->line = crm_xrealloc(t->line, t->cap * sizeof(size_t));
	}
	t->ref[t->n] = ref;
	t->line[t->n++] = line;
}

static void typed_free(struct typed *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->ref[i]);
	free(t->ref);
	free(t->line);
}

/* Reads the references on standard input, one a line, blank lines and
 * the white space around each left out. */
static int read_stdin(struct cli *cli, struct typed *t)
{
	char *line = NULL, *s, *e;
	size_t cap = 0, no = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, stdin)) >= 0) {
		no++;
		if (memchr(line, '\0', (size_t)len) != NULL) {
			free(line);
			return cli_usage_error(cli->cmd, _("standard input, line "
					       "%zu: a NUL byte"), no);
		}
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		for (e = line + len; e > s && strchr(" \t\r\n", e[-1]); e--)
			;
		if (e > s)
			typed_push(t, crm_xstrndup(s, (size_t)(e - s)), no);
	}
	free(line);
	if (ferror(stdin))
		return cli_error(cli, CRM_ERR, _("cannot read standard input"));
	return CRM_OK;
}

/* Resolves t->ref[i] alone, as every reference is. */
static int resolve_one(struct cli *cli, const struct cli_ref *how,
		       const struct typed *t, size_t i, struct cli_records *rs)
{
	struct cli_ref h = *how;
	char label[64], id[CRM_ID_LEN + 1];
	enum crm_type type;
	int rc;

	if (t->line[i]) {
		snprintf(label, sizeof(label), _("standard input, line %zu"),
			 t->line[i]);
		h.label = label;
	}
	if ((rc = cli_resolve(cli, &h, t->ref[i], &type, id)))
		return rc;
	push(rs, type, id);
	return CRM_OK;
}

/* Resolves the references typed into rs: the full ids in one query, the
 * others (and the ids no record has, for the message) one by one. */
static int resolve_all(struct cli *cli, const struct cli_ref *how,
		       const struct typed *t, struct cli_records *rs)
{
	char (*norm)[CRM_ID_LEN + 1] = crm_xcalloc(t->n + 1, sizeof(*norm));
	const char **ids = crm_xcalloc(t->n + 1, sizeof(char *));
	int *types = crm_xcalloc(t->n + 1, sizeof(int));
	size_t *at = crm_xcalloc(t->n + 1, sizeof(size_t)), nids = 0, i, j;
	int rc;

	for (i = 0; i < t->n; i++)
		if (crm_id_normalize_prefix(t->ref[i], norm[i]) &&
		    crm_id_valid(norm[i])) {
			at[nids] = i;
			ids[nids++] = norm[i];
		}
	rc = crm_store_find_ids(cli->store, how->mask & CRM_TYPE_ALL, ids, nids,
				types, &cli->err);
	if (rc) {
		rc = cli_fail(cli);
		goto out;
	}
	for (i = j = 0; i < t->n && rc == CRM_OK; i++) {
		if (j < nids && at[j] == i && types[j] >= 0)
			push(rs, (enum crm_type)types[j], norm[i]);
		else
			rc = resolve_one(cli, how, t, i, rs);
		if (j < nids && at[j] == i)
			j++;
	}
out:
	free(norm);
	free(ids);
	free(types);
	free(at);
	return rc;
}

int cli_resolve_many(struct cli *cli, const struct cli_ref *how,
		     const struct cli_args *refs, bool from_stdin,
		     struct cli_records *out)
{
	struct typed t = {0};
	size_t i;
	int rc = CRM_OK;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < refs->n; i++)
		typed_push(&t, crm_xstrdup(refs->v[i]), 0);
	if (from_stdin)
		rc = read_stdin(cli, &t);
	if (rc == CRM_OK)
		rc = resolve_all(cli, how, &t, out);
	if (rc == CRM_OK)
		dedupe(out);
	typed_free(&t);
	return rc;
}

void cli_records_free(struct cli_records *rs)
{
	free(rs->t);
	free(rs->id);
	memset(rs, 0, sizeof(*rs));
}

void cli_bulk_subject(struct crm_buf *b, const enum crm_type *types,
		      size_t n)
{
	size_t i;
	bool one_type = true;

	for (i = 1; i < n; i++)
		one_type &= types[i] == types[0];
	if (n && one_type)
		crm_buf_addf(b, " on %zu %s", n, crm_type_dir(types[0]));
	else
		crm_buf_addf(b, " on %zu records", n);
}
