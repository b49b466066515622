/*
 * cmd-list.c - crm list: the records of one type as a table, JSON, CSV,
 * TSV or ids.
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

const struct opt_spec list_opts[] = {
	{"sort", 0, OPT_VALUE, N_("FIELD"), N_("sort by this field (default: name)")},
	{"limit", 0, OPT_VALUE, N_("N"), N_("show at most N records")},
	{"reverse", 0, OPT_FLAG, NULL, N_("reverse the order")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* A column: header and the field it shows ("" for the first phone...). */
struct column {
	const char *header;
	const char *field;
	bool ref;  /* show the referenced record's name */
};

static const struct column company_cols[] = {
	{NC_("column", "ID"), "id", false}, {NC_("column", "NAME"), "name", false},
	{NC_("column", "OWNER"), "owner", false}, {NC_("column", "PHONE"), "phones", false},
	{NC_("column", "TAGS"), "tags", false}, {NULL, NULL, false},
};
static const struct column contact_cols[] = {
	{NC_("column", "ID"), "id", false}, {NC_("column", "NAME"), "name", false},
	{NC_("column", "COMPANY"), "company", true}, {NC_("column", "ROLE"), "role", false},
	{NC_("column", "PHONE"), "phones", false}, {NC_("column", "EMAIL"), "emails", false},
	{NC_("column", "OWNER"), "owner", false}, {NULL, NULL, false},
};
static const struct column deal_cols[] = {
	{NC_("column", "ID"), "id", false}, {NC_("column", "NAME"), "name", false},
	{NC_("column", "STAGE"), "stage", false}, {NC_("column", "AMOUNT"), "amount", false},
	{NC_("column", "CURRENCY"), "currency", false}, {NC_("column", "COMPANY"), "company", true},
	{NC_("column", "OWNER"), "owner", false}, {NULL, NULL, false},
};
static const struct column task_cols[] = {
	{NC_("column", "ID"), "id", false}, {NC_("column", "DUE"), "due", false},
	{NC_("column", "NAME"), "name", false}, {NC_("column", "FOR"), "for", true},
	{NC_("column", "OWNER"), "owner", false}, {NULL, NULL, false},
};
static const struct column *const type_cols[CRM_NTYPES] = {
	company_cols, contact_cols, deal_cols, task_cols,
};

/* The field records are sorted by (qsort has no context argument). */
static const char *sort_field;

/* Compares two records by sort_field: numbers as numbers, text by the
 * locale's collation, missing values last, then by id. */
static int by_field(const void *a, const void *b)
{
	const struct crm_record *x = *(struct crm_record *const *)a;
	const struct crm_record *y = *(struct crm_record *const *)b;
	const struct crm_node *nx = crm_map_get(x->map, sort_field);
	const struct crm_node *ny = crm_map_get(y->map, sort_field);
	char *sx, *sy;
	int c;

	if (!nx || !ny)
		return nx ? -1 : ny ? 1 : strcmp(x->id, y->id);
	if (strcmp(sort_field, "amount") == 0) {
		double dx = atof(nx->str ? nx->str : "0");
		double dy = atof(ny->str ? ny->str : "0");

		if (dx != dy)
			return dx < dy ? -1 : 1;
		return strcmp(x->id, y->id);
	}
	sx = node_text(nx);
	sy = node_text(ny);
	c = strcoll(sx, sy);
	free(sx);
	free(sy);
	return c ? c : strcmp(x->id, y->id);
}

/* Prints the records as a JSON document with a format version. */
static void print_json(enum crm_type t, struct crm_record **r, size_t n)
{
	size_t i;

	printf("{\n  \"format_version\": 1,\n  \"type\": \"%s\",\n  \"records\": [",
	       crm_type_name(t));
	for (i = 0; i < n; i++) {
		printf("%s\n    ", i ? "," : "");
		json_node(stdout, r[i]->map, 4);
	}
	printf("%s]\n}\n", n ? "\n  " : "");
}

/* Prints the records through the table printer. */
static void print_table(struct cli *cli, enum crm_type t,
			struct crm_record **r, size_t n,
			const struct record_set *all)
{
	const struct column *cols = type_cols[t];
	const char *headers[16], *cells[16];
	char *owned[16];
	struct table tab;
	size_t nc = 0, i, c;

	while (cols[nc].header)
		nc++;
	for (c = 0; c < nc; c++)
		headers[c] = cols[c].header;
	table_init(&tab, nc, headers);
	for (i = 0; i < n; i++) {
		for (c = 0; c < nc; c++) {
			const struct crm_node *v = crm_map_get(r[i]->map, cols[c].field);

			owned[c] = node_text(v);
			if (cols[c].ref && v && v->kind == CRM_NODE_SCALAR)
				cells[c] = record_set_name(all, v->str);
			else if (v && v->kind == CRM_NODE_SEQ && v->len &&
				 cli->format == FMT_TABLE)
				cells[c] = v->items[0]->str ? v->items[0]->str : "";
			else
				cells[c] = owned[c];
		}
		table_add(&tab, r[i]->id, cells);
		for (c = 0; c < nc; c++)
			free(owned[c]);
	}
	table_print(&tab, cli, stdout);
	table_free(&tab);
}

/* Checks that records can be sorted by field: a known field of type t or
 * a custom field some of them have. */
static int check_sort_field(enum crm_type t, const char *field,
			    struct crm_record **r, size_t n)
{
	const char *const *known = crm_record_fields(t), *hint;
	size_t i, nk = 0;

	for (nk = 0; known[nk]; nk++)
		if (strcmp(known[nk], field) == 0)
			return CRM_OK;
	for (i = 0; i < n; i++)
		if (crm_map_get(r[i]->map, field))
			return CRM_OK;
	hint = crm_suggest(field, known, nk);
	if (hint)
		return cli_usage_error(cli_find_command("list"),
			_("unknown field '%s' (did you mean '%s'?)"), field, hint);
	return cli_usage_error(cli_find_command("list"),
			       _("unknown field '%s'"), field);
}

/* Parses --limit. */
static int parse_limit(const char *s, size_t *limit)
{
	char *end;
	long v;

	*limit = (size_t)-1;
	if (s == NULL)
		return CRM_OK;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 0)
		return cli_usage_error(cli_find_command("list"),
				       _("--limit needs a number, not '%s'"), s);
	*limit = (size_t)v;
	return CRM_OK;
}

int cmd_list(struct cli *cli, struct parsed *p)
{
	const struct cmd *self = cli_find_command("list");
	struct record_set all;
	struct crm_record **sel;
	enum crm_type t;
	size_t n = 0, i, limit;
	int rc;

	if (p->npos != 1)
		return cli_usage_error(self, p->npos ? _("too many arguments")
						     : _("which type: company, "
							 "contact, deal or task?"));
	if (!crm_type_parse(p->pos[0], &t))
		return cli_usage_error(self, _("unknown type '%s' (use company, "
					       "contact, deal or task)"), p->pos[0]);
	if (cli->format == FMT_YAML)
		return cli_usage_error(self, _("--format yaml is for 'crm show'"));
	if ((rc = parse_limit(opt_get(p, list_opts, "limit"), &limit)))
		return rc;
	if ((rc = record_set_load(cli, CRM_TYPE_ALL, &all)))
		return rc;
	sel = crm_xcalloc(all.n, sizeof(*sel));
	for (i = 0; i < all.n; i++)
		if (all.r[i]->type == t)
			sel[n++] = all.r[i];
	sort_field = opt_get(p, list_opts, "sort") ? opt_get(p, list_opts, "sort")
						    : "name";
	if ((rc = check_sort_field(t, sort_field, sel, n)))
		goto out;
	qsort(sel, n, sizeof(*sel), by_field);
	if (opt_flag(p, list_opts, "reverse"))
		for (i = 0; i < n / 2; i++) {
			struct crm_record *tmp = sel[i];

			sel[i] = sel[n - 1 - i];
			sel[n - 1 - i] = tmp;
		}
	if (n > limit)
		n = limit;
	if (cli->format == FMT_JSON)
		print_json(t, sel, n);
	else
		print_table(cli, t, sel, n, &all);
out:
	free(sel);
	record_set_free(&all);
	return rc;
}
