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

/* Prints the results as JSON. */
static void print_json(struct cli *cli, const struct crm_row *rows, size_t n,
		       size_t total, char **words, size_t nwords)
{
	size_t i;
	char *m;

	printf("{\n  \"format_version\": 1,\n  \"total\": %zu,\n  \"results\": [",
	       total);
	for (i = 0; i < n; i++) {
		m = match_cell(cli, &rows[i], words, nwords);
		printf("%s\n    {\"type\": \"%s\", \"id\": \"%s\", \"name\": ",
		       i ? "," : "", crm_type_name(rows[i].type), rows[i].id);
		json_string(stdout, rows[i].name ? rows[i].name : "");
		printf(", \"match\": ");
		json_string(stdout, m);
		printf("}");
		free(m);
	}
	printf("%s]\n}\n", n ? "\n  " : "");
}

/* Prints the results as a table (or CSV, TSV, ids). */
static void print_rows(struct cli *cli, const struct crm_row *rows, size_t n,
		       char **words, size_t nwords)
{
	static const char *headers[] = {
		NC_("column", "TYPE"), NC_("column", "ID"), NC_("column", "NAME"),
		NC_("column", "MATCH"),
	};
	const char *cells[4];
	struct table tab;
	size_t i;
	char *m;

	table_init(&tab, 4, headers);
	for (i = 0; i < n; i++) {
		m = match_cell(cli, &rows[i], words, nwords);
		cells[0] = crm_type_name(rows[i].type);
		cells[1] = rows[i].id;
		cells[2] = rows[i].name;
		cells[3] = m;
		table_add(&tab, rows[i].id, cells);
		free(m);
	}
	table_print(&tab, cli, stdout);
	table_free(&tab);
}

int cmd_search(struct cli *cli, struct parsed *p)
{
	const struct cmd *self = cli_find_command("search");
	struct crm_find f = {.mask = CRM_TYPE_ALL, .rank = true, .limit = 50};
	struct crm_query *q = NULL;
	struct crm_row *rows = NULL;
	char **words = NULL;
	size_t n = 0, total = 0, nwords = 0;
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
	rc = crm_find_rows(cli->store, &f, &rows, &n, &total, &words, &nwords,
			   &cli->err);
	if (rc) {
		rc = cli_fail(cli);
		goto out;
	}
	if (cli->format == FMT_JSON)
		print_json(cli, rows, n, total, words, nwords);
	else
		print_rows(cli, rows, n, words, nwords);
	if (total > n && cli->format != FMT_JSON && !cli->quiet)
		fprintf(stderr, _("crm: %zu more; use --limit to see them\n"),
			total - n);
out:
	crm_words_free(words, nwords);
	crm_rows_free(rows, n);
	crm_query_free(q);
	return rc;
}
