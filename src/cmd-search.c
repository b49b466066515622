/*
 * cmd-search.c - crm search: records of every type matching a query, best
 * matches first, with the matching text highlighted on a terminal.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec search_opts[] = {
	{"limit", 0, OPT_VALUE, N_("N"), N_("show at most N results (default 50)")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* Length of the UTF-8 sequence starting with byte c. */
static size_t seq_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* True when the folded text of s[0..n) starts with word. */
static bool folded_starts(const char *s, size_t n, const char *word)
{
	char *part = crm_xstrndup(s, n), *fold = crm_fold(part);
	bool yes = strncmp(fold, word, strlen(word)) == 0;

	free(part);
	free(fold);
	return yes;
}

/* Finds word (folded) in line: its byte offset and length in the line's
 * own spelling.  False when absent. */
static bool find_folded(const char *line, const char *word, size_t *off,
			size_t *len)
{
	size_t n = strlen(line), i, end;
	char *part, *fold;
	size_t want = strlen(word);

	for (i = 0; i < n; i += seq_len((unsigned char)line[i])) {
		if (!folded_starts(line + i, n - i, word))
			continue;
		for (end = i; end < n; end += seq_len((unsigned char)line[end])) {
			part = crm_xstrndup(line + i, end - i);
			fold = crm_fold(part);
			free(part);
			if (strlen(fold) >= want) {
				free(fold);
				break;
			}
			free(fold);
		}
		*off = i;
		*len = (end < n ? end : n) - i;
		if (*len == 0)
			*len = n - i;
		return true;
	}
	return false;
}

/* The line of text that best shows why the record matched: the first one
 * holding a word, with the word at off for len bytes; NULL when none
 * holds one. */
static char *matching_line(const char *text, char **words, size_t nwords,
			   size_t *off, size_t *len)
{
	const char *p = text ? text : "", *nl;
	char *line;
	size_t w;

	while (*p) {
		nl = strchr(p, '\n');
		line = crm_xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		for (w = 0; w < nwords; w++)
			if (find_folded(line, words[w], off, len))
				return line;
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return NULL;
}

/* The MATCH cell: the matching line, highlighted on a terminal. */
static char *match_cell(struct cli *cli, const struct crm_row *r,
			char **words, size_t nwords)
{
	struct crm_buf b = {0};
	size_t off = 0, len = 0;
	char *line = matching_line(r->text, words, nwords, &off, &len);

	if (line == NULL)
		return crm_xstrdup("");
	if (!cli->color || cli->format != FMT_TABLE)
		return line;
	crm_buf_add(&b, line, off);
	crm_buf_addf(&b, "%s%s%.*s%s", color_bold(cli), color_red(cli),
		     (int)len, line + off, color_reset(cli));
	crm_buf_adds(&b, line + off + len);
	free(line);
	return crm_buf_detach(&b);
}

/* What printing search results needs while they stream by. */
struct search_out {
	struct cli *cli;
	struct table tab;
	char **words;
	size_t nwords, n;
};

/* Row callback: one result as a table row. */
static int print_result(const struct crm_row *r, void *data)
{
	struct search_out *o = data;
	const char *cells[4];
	char *m = match_cell(o->cli, r, o->words, o->nwords);

	cells[0] = crm_type_name(r->type);
	cells[1] = r->id;
	cells[2] = r->name;
	cells[3] = m;
	table_add(&o->tab, r->id, cells);
	free(m);
	o->n++;
	return 0;
}

/* Row callback: one result as a JSON object. */
static int print_json_result(const struct crm_row *r, void *data)
{
	struct search_out *o = data;
	char *m = match_cell(o->cli, r, o->words, o->nwords);

	printf("%s\n    {\"type\": \"%s\", \"id\": \"%s\", \"name\": ",
	       o->n++ ? "," : "", crm_type_name(r->type), r->id);
	json_string(stdout, r->name ? r->name : "");
	printf(", \"match\": ");
	json_string(stdout, m);
	printf("}");
	free(m);
	return 0;
}

/* The query's words, for highlighting, before any row is printed. */
static int query_words(struct cli *cli, struct crm_query *q,
		       struct search_out *o)
{
	struct crm_find none = {.mask = 0, .query = q};
	size_t total;

	return crm_find_each(cli->store, &none, NULL, NULL, &total, &o->words,
			     &o->nwords, &cli->err);
}

int cmd_search(struct cli *cli, struct parsed *p)
{
	static const char *headers[] = {
		NC_("column", "TYPE"), NC_("column", "ID"), NC_("column", "NAME"),
		NC_("column", "MATCH"),
	};
	const struct cmd *self = cli_find_command("search");
	struct crm_find f = {.mask = CRM_TYPE_ALL, .rank = true, .limit = 50,
			      .count = true};
	struct search_out o = {.cli = cli};
	struct crm_query *q = NULL;
	size_t total = 0;
	int rc;

	if (p->npos == 0)
		return cli_usage_error(self, _("what to search for?"));
	if ((rc = cli_parse_limit(opt_get(p, search_opts, "limit"), "search",
				  &f.limit)))
		return rc;
	if (crm_query_parse((const char *const *)p->pos, p->npos, cli->now, &q,
			    &cli->err))
		return cli_fail(cli);
	f.query = q;
	if (f.limit == 0 && opt_get(p, search_opts, "limit"))
		f.mask = 0; /* --limit 0: nothing */
	if ((rc = query_words(cli, q, &o))) {
		rc = cli_fail(cli);
		goto out;
	}
	if (cli->format == FMT_JSON) {
		printf("{\n  \"format_version\": 1,\n  \"results\": [");
		rc = crm_find_each(cli->store, &f, print_json_result, &o, &total,
				   NULL, NULL, &cli->err);
		if (rc == CRM_OK)
			printf("%s],\n  \"total\": %zu\n}\n", o.n ? "\n  " : "",
			       total);
	} else {
		table_init(&o.tab, 4, headers, cli, stdout);
		rc = crm_find_each(cli->store, &f, print_result, &o, &total, NULL,
				   NULL, &cli->err);
		table_finish(&o.tab, rc == CRM_OK);
	}
	if (rc)
		rc = cli_fail(cli);
	else if (total > o.n && cli->format != FMT_JSON && !cli->quiet)
		fprintf(stderr, _("crm: %zu more; use --limit to see them\n"),
			total - o.n);
out:
	crm_words_free(o.words, o.nwords);
	crm_query_free(q);
	return rc;
}
