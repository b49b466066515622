/*
 * cmd-search.c - crm search: records of every type matching a query, best
 * matches first, with the matching text highlighted on a terminal.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec search_opts[] = {
	{"limit", 0, OPT_INT, N_("N"), N_("show at most N results (default 50)")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* Code points of context the MATCH cell shows around a match. */
#define MATCH_BEFORE 20
#define MATCH_WIDTH 60

/* The number of code points of s[0..n). */
static size_t cp_count(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n && s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* The byte offset of code point cp of s (its length when s is shorter). */
static size_t cp_offset(const char *s, size_t cp)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && cp-- == 0)
			break;
	return i;
}

/* A part of a line: bytes [off, off + len). */
struct span {
	size_t off, len;
};

/* Finds word (folded) in line, folded the same way (one code point for
 * one), into *m, in the line's own bytes.  False when absent. */
static bool find_folded(const char *line, const char *word, struct span *m)
{
	char *fold = crm_fold(line), *hit = strstr(fold, word);
	size_t c0, c1;

	if (hit == NULL || *word == '\0') {
		free(fold);
		return false;
	}
	c0 = cp_count(fold, (size_t)(hit - fold));
	c1 = c0 + cp_count(word, strlen(word));
	m->off = cp_offset(line, c0);
	m->len = cp_offset(line, c1) - m->off;
	free(fold);
	return true;
}

/* Finds the digits of a phone-like word among those of a phone-like line
 * (which the index matches whatever spaces, dashes and brackets either
 * is written with), from the first digit to the last, into *m. */
static bool find_digits(const char *line, const char *word, struct span *m)
{
	char *want = crm_phone_digits(word), *have = crm_phone_digits(line);
	char *hit = want && have ? strstr(have, want) : NULL;
	size_t i, k, first = 0, last = 0;

	if (hit) {
		for (i = 0, k = 0; line[i]; i++) {
			if (line[i] < '0' || line[i] > '9')
				continue;
			if (k == (size_t)(hit - have))
				first = i;
			if (k == (size_t)(hit - have) + strlen(want) - 1)
				last = i;
			k++;
		}
		m->off = first;
		m->len = last + 1 - first;
	}
	free(want);
	free(have);
	return hit != NULL;
}

/* The first line of text other than the record's name itself that holds
 * one of the words, with the match in *m; NULL when none does (the name
 * alone matched, or a term other than a word).  Caller owns it. */
static char *matching_line(const char *text, const char *name, char **words,
			   size_t nwords, struct span *m)
{
	const char *p = text ? text : "", *nl;
	char *line;
	size_t w;

	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		line = crm_xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		if (name == NULL || strcmp(line, name) != 0)
			for (w = 0; w < nwords; w++)
				if (find_folded(line, words[w], m) ||
				    find_digits(line, words[w], m))
					return line;
		free(line);
		if (nl == NULL)
			break;
	}
	return NULL;
}

/* Cuts line to MATCH_WIDTH code points around the match *m (moved to
 * match), marking the cuts with an ellipsis.  Caller owns the result. */
static char *around(const char *line, struct span *m)
{
	struct crm_buf b = {0};
	size_t total = cp_count(line, strlen(line));
	size_t c0 = cp_count(line, m->off), from = 0, to, start, end;

	if (total <= MATCH_WIDTH)
		return crm_xstrdup(line);
	if (c0 > MATCH_BEFORE)
		from = c0 - MATCH_BEFORE;
	if (from + MATCH_WIDTH > total)
		from = total - MATCH_WIDTH;
	to = from + MATCH_WIDTH;
	start = cp_offset(line, from);
	end = cp_offset(line, to);
	if (from)
		crm_buf_adds(&b, "\u2026");
	m->off = m->off - start + b.len;
	if (m->off + m->len > b.len + end - start)
		m->len = b.len + end - start - m->off;
	crm_buf_add(&b, line + start, end - start);
	if (to < total)
		crm_buf_adds(&b, "\u2026");
	return crm_buf_detach(&b);
}

/* True when the stored phone number phone, read in region, is one of
 * the numbers nums[0..n). */
static bool phone_is_one_of(const char *phone, const char *region,
			    const struct crm_phone *nums, size_t n)
{
	struct crm_phone p;
	size_t i;

	if (crm_phone_parse(phone, region, &p, NULL) != CRM_OK)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(p.e164, nums[i].e164) == 0)
			return true;
	return false;
}

/* The first of the newline-separated phones that is a number word may
 * mean, in the region of the store's crm.yaml, whatever either is
 * written with ("+7 495 123-45-67" is "84951234567"), whole in *m; NULL
 * when none is or word is no full number.  Caller owns it. */
static char *phone_of_number(const char *phones, const char *word,
			     const char *region, struct span *m)
{
	struct crm_phone *nums = NULL;
	const char *p, *nl;
	char *line = NULL, *digits;
	size_t n = 0;

	/* only a number-like word can be another form of a phone: words
	 * of names never load the phone module */
	if (phones == NULL || (digits = crm_phone_digits(word)) == NULL)
		return NULL;
	free(digits);
	if (crm_phone_matches(word, region, &nums, &n, NULL) != CRM_OK)
		return NULL;
	for (p = phones; n && *p && line == NULL; p = nl + 1) {
		nl = strchr(p, '\n');
		line = crm_xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		if (!phone_is_one_of(line, region, nums, n)) {
			free(line);
			line = NULL;
		}
		if (nl == NULL)
			break;
	}
	free(nums);
	if (line) {
		m->off = 0;
		m->len = strlen(line);
	}
	return line;
}

/* The phone of r that one of the words is another written form of, whole
 * in *m, as it was typed (the index's phones_shown) when that form reads
 * as the number too, else as stored; NULL when none.  Caller owns it. */
static char *matching_phone(struct cli *cli, const struct crm_row *r,
			    char **words, size_t nwords, struct span *m)
{
	const char *region = crm_store_config(cli->store)->default_region;
	const char *shown = crm_row_get(r, "phones_typed");
	char *line = NULL;
	size_t w;

	for (w = 0; w < nwords && line == NULL; w++) {
		line = phone_of_number(shown, words[w], region, m);
		if (line == NULL)
			line = phone_of_number(crm_row_get(r, "phones"),
					       words[w], region, m);
	}
	return line;
}

/* The MATCH cell: the text that matched, with some context, and in *m
 * the span that matched (the printer highlights it on a terminal with
 * colour): a line of the record that holds a word, else its phone that
 * a number searched for is another form of; "" when only the name
 * matched.  Caller owns it. */
static char *match_cell(struct cli *cli, const struct crm_row *r,
			char **words, size_t nwords, struct span *m)
{
	char *line = matching_line(r->text, r->name, words, nwords, m), *cut;

	if (line == NULL)
		line = matching_phone(cli, r, words, nwords, m);
	if (line == NULL) {
		m->off = m->len = 0;
		return crm_xstrdup("");
	}
	cut = around(line, m);
	free(line);
	return cut;
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
	struct span sp = {0, 0};
	char *m = match_cell(o->cli, r, o->words, o->nwords, &sp);
	struct table_hl hl = {3, sp.off, sp.len};

	cells[0] = crm_type_name(r->type);
	cells[1] = r->id;
	cells[2] = r->name;
	cells[3] = m;
	table_add_row(&o->tab, r->id, cells, TSTYLE_PLAIN,
		      sp.len ? &hl : NULL);
	free(m);
	o->n++;
	return 0;
}

/* Row callback: one result as a JSON object. */
static int print_json_result(const struct crm_row *r, void *data)
{
	struct search_out *o = data;
	struct span sp;
	char *m = match_cell(o->cli, r, o->words, o->nwords, &sp);

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
	f.limit = (size_t)opt_int(p, "limit", (long)f.limit);
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
