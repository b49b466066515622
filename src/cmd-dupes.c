/*
 * cmd-dupes.c - crm dupes [TYPE] [QUERY...]: the pairs of contacts (or
 * companies) that are probably the same client, with why and how sure,
 * best first (the matcher of dupes.c); crm merge joins them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec dupes_opts[] = {
	{"min-score", 0, OPT_INT, N_("N"),
	 N_("only pairs scoring N (0 to 100) or more (default 50)")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* The score below which pairs are not shown, unless --min-score. */
#define DEFAULT_MIN_SCORE 50

/* One pair found, its strings owned. */
struct pair {
	char *a, *b, *name_a, *name_b, *reason;
	int score;
};

/* What the walk collects. */
struct dupes_run {
	struct pair *v;
	size_t n, cap;
	char **only;        /* sorted ids the query selects; NULL: all */
	size_t nonly;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* True when id is among the records the query selects. */
static bool selected(const struct dupes_run *run, const char *id)
{
	return run->only == NULL ||
	       bsearch(&id, run->only, run->nonly, sizeof(char *),
		       cmp_str) != NULL;
}

/* Keeps pair p when one of its records is selected. */
static int collect(const struct crm_dupe_pair *p, void *data)
{
	struct dupes_run *run = data;
	struct pair *q;

	if (!selected(run, p->a) && !selected(run, p->b))
		return 0;
	if (run->n == run->cap) {
		run->cap = run->cap ? run->cap * 2 : 64;
		run->v = crm_xrealloc(run->v, run->cap * sizeof(*run->v));
	}
	q = &run->v[run->n++];
	q->a = crm_xstrdup(p->a);
	q->b = crm_xstrdup(p->b);
	q->name_a = crm_xstrdup(p->name_a);
	q->name_b = crm_xstrdup(p->name_b);
	q->reason = crm_xstrdup(p->reason);
	q->score = p->score;
	return 0;
}

/* Best score first, then by name and id: the same order every run. */
static int cmp_pair(const void *pa, const void *pb)
{
	const struct pair *a = pa, *b = pb;
	int d;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if ((d = strcmp(a->name_a, b->name_a)))
		return d;
	if ((d = strcmp(a->a, b->a)))
		return d;
	return strcmp(a->b, b->b);
}

static int add_selected(const struct crm_row *row, void *data)
{
	struct dupes_run *run = data;

	run->only = crm_xrealloc(run->only,
				 (run->nonly + 1) * sizeof(char *));
	run->only[run->nonly++] = crm_xstrdup(row->id);
	return 0;
}

/* Collects the ids of the records of type t that q selects. */
static int select_ids(struct cli *cli, enum crm_type t,
		      const struct crm_query *q, struct dupes_run *run)
{
	struct crm_find f = {0};
	size_t total;
	int rc;

	f.mask = CRM_TYPE_BIT(t);
	f.query = q;
	run->only = crm_xcalloc(1, sizeof(char *));
	rc = crm_find_each(cli->store, &f, add_selected, run, &total, NULL,
			   NULL, &cli->err);
	if (rc == CRM_OK)
		qsort(run->only, run->nonly, sizeof(char *), cmp_str);
	return rc;
}

static void run_free(struct dupes_run *run)
{
	size_t i;

	for (i = 0; i < run->n; i++) {
		free(run->v[i].a);
		free(run->v[i].b);
		free(run->v[i].name_a);
		free(run->v[i].name_b);
		free(run->v[i].reason);
	}
	free(run->v);
	crm_words_free(run->only, run->nonly);
}

/* The pairs as a table, CSV or TSV. */
static void print_table(struct cli *cli, const struct dupes_run *run)
{
	static const struct table_col cols[] = {
		{NC_("column", "SCORE"), 100, TCOL_RIGHT},
		{NC_("column", "ID"), 100, 0},
		{NC_("column", "NAME"), 90, TCOL_SHRINK},
		{NC_("column", "OTHER ID"), 100, 0},
		{NC_("column", "OTHER NAME"), 90, TCOL_SHRINK},
		{NC_("column", "REASON"), 80, TCOL_SHRINK},
	};
	const char *cells[6];
	char score[16];
	struct table t;
	size_t i;

	table_init_cols(&t, 6, cols, cli, stdout);
	for (i = 0; i < run->n; i++) {
		snprintf(score, sizeof(score), "%d", run->v[i].score);
		cells[0] = score;
		cells[1] = run->v[i].a;
		cells[2] = run->v[i].name_a;
		cells[3] = run->v[i].b;
		cells[4] = run->v[i].name_b;
		cells[5] = run->v[i].reason;
		table_add(&t, run->v[i].a, cells);
	}
	table_finish(&t, true);
}

/* Writes ', "key": s' as a member of a pair's object after its first. */
static void member(const char *key, const char *s)
{
	fputs(",\n      ", stdout);
	json_string(stdout, key);
	fputs(": ", stdout);
	json_string(stdout, s);
}

/* The pairs as JSON: {"format_version": 1, "type": T, "count": N,
 * "pairs": [{"score", "id", "name", "other_id", "other_name",
 * "reason"}]}. */
static void print_json(enum crm_type t, const struct dupes_run *run)
{
	size_t i;

	printf("{\n  \"format_version\": 1,\n  \"type\": \"%s\",\n"
	       "  \"count\": %zu,\n  \"pairs\": %s", crm_type_name(t), run->n,
	       run->n ? "[" : "[]");
	for (i = 0; i < run->n; i++) {
		printf("%s{\n      \"score\": %d", i ? ",\n    " : "\n    ",
		       run->v[i].score);
		member("id", run->v[i].a);
		member("name", run->v[i].name_a);
		member("other_id", run->v[i].b);
		member("other_name", run->v[i].name_b);
		member("reason", run->v[i].reason);
		fputs("\n    }", stdout);
	}
	fputs(run->n ? "\n  ]\n}\n" : "\n}\n", stdout);
}

/* Says that none of the n records of type t has a probable duplicate. */
static void print_none(enum crm_type t, size_t n)
{
	unsigned long k = (unsigned long)n;

	if (t == CRM_COMPANY)
		printf(ngettext("no probable duplicates among %zu company\n",
				"no probable duplicates among %zu companies\n",
				k), n);
	else
		printf(ngettext("no probable duplicates among %zu contact\n",
				"no probable duplicates among %zu contacts\n",
				k), n);
}

/* Reads the optional TYPE (company or contact) at the head of p's
 * arguments into *t; *first gets the first word of the query. */
static int type_arg(struct cli *cli, const struct parsed *p, enum crm_type *t,
		    size_t *first)
{
	*t = CRM_CONTACT;
	*first = 0;
	if (p->npos == 0 || !crm_type_parse(p->pos[0], t)) {
		*t = CRM_CONTACT;
		return CRM_OK;
	}
	*first = 1;
	if (*t == CRM_COMPANY || *t == CRM_CONTACT)
		return CRM_OK;
	return cli_usage_error(cli->cmd, _("crm dupes finds companies or "
			       "contacts, not %s records"), crm_type_name(*t));
}

int cmd_dupes(struct cli *cli, struct parsed *p)
{
	struct dupes_run run = {0};
	struct crm_matcher *m = NULL;
	struct crm_query *q = NULL;
	long min = opt_int(p, "min-score", DEFAULT_MIN_SCORE);
	enum crm_type t;
	size_t first;
	int rc;

	if ((rc = type_arg(cli, p, &t, &first)))
		return rc;
	if (min > 100)
		return cli_usage_error(cli->cmd, _("--min-score must be 0 to "
				       "100, not %ld"), min);
	if (crm_query_parse((const char *const *)p->pos + first,
			    p->npos - first, cli->now, &q, &cli->err))
		return cli_usage_fail(cli, cli->cmd);
	if (!crm_query_empty(q) && (rc = select_ids(cli, t, q, &run))) {
		rc = rc == CRM_EUSAGE ? cli_usage_fail(cli, cli->cmd)
				      : cli_fail(cli);
		goto out;
	}
	if ((rc = crm_matcher_load(cli->store, t, &m, &cli->err))) {
		rc = cli_fail(cli);
		goto out;
	}
	crm_matcher_each_pair(m, (int)(min > 1 ? min : 1), collect, &run);
	if (run.n > 1) /* run.v is NULL when nothing matched */
		qsort(run.v, run.n, sizeof(*run.v), cmp_pair);
	if (cli->format == FMT_JSON)
		print_json(t, &run);
	else if (run.n || cli->format != FMT_TABLE)
		print_table(cli, &run);
	if (cli->format == FMT_TABLE && !cli->quiet && run.n == 0)
		print_none(t, crm_matcher_count(m));
out:
	crm_matcher_free(m);
	crm_query_free(q);
	run_free(&run);
	return rc;
}
