/*
 * cmd-list.c - crm list: the records of one type that match a query, as a
 * table, JSON, CSV, TSV or ids, straight from the index.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec list_opts[] = {
	{"sort", 0, OPT_VALUE, N_("FIELD"), N_("sort by this field (default: name)")},
	{"limit", 0, OPT_INT, N_("N"), N_("show at most N records")},
	{"reverse", 0, OPT_FLAG, NULL, N_("reverse the order")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* Which value of a row a column shows. */
enum col_value {
	V_ID, V_NAME, V_OWNER, V_PHONE, V_EMAIL, V_TAGS, V_COMPANY, V_ROLE,
	V_STAGE, V_AMOUNT, V_CURRENCY, V_DUE, V_FOR,
};

struct column {
	const char *header; /* NC_() */
	enum col_value value;
};

static const struct column company_cols[] = {
	{NC_("column", "ID"), V_ID}, {NC_("column", "NAME"), V_NAME},
	{NC_("column", "OWNER"), V_OWNER}, {NC_("column", "PHONE"), V_PHONE},
	{NC_("column", "TAGS"), V_TAGS}, {NULL, V_ID},
};
static const struct column contact_cols[] = {
	{NC_("column", "ID"), V_ID}, {NC_("column", "NAME"), V_NAME},
	{NC_("column", "COMPANY"), V_COMPANY}, {NC_("column", "ROLE"), V_ROLE},
	{NC_("column", "PHONE"), V_PHONE}, {NC_("column", "EMAIL"), V_EMAIL},
	{NC_("column", "OWNER"), V_OWNER}, {NULL, V_ID},
};
static const struct column deal_cols[] = {
	{NC_("column", "ID"), V_ID}, {NC_("column", "NAME"), V_NAME},
	{NC_("column", "STAGE"), V_STAGE}, {NC_("column", "AMOUNT"), V_AMOUNT},
	{NC_("column", "CURRENCY"), V_CURRENCY},
	{NC_("column", "COMPANY"), V_COMPANY}, {NC_("column", "OWNER"), V_OWNER},
	{NULL, V_ID},
};
static const struct column task_cols[] = {
	{NC_("column", "ID"), V_ID}, {NC_("column", "DUE"), V_DUE},
	{NC_("column", "NAME"), V_NAME}, {NC_("column", "FOR"), V_FOR},
	{NC_("column", "OWNER"), V_OWNER}, {NULL, V_ID},
};
static const struct column *const type_cols[CRM_NTYPES] = {
	company_cols, contact_cols, deal_cols, task_cols,
};

/* The first line of s (a '\n'-joined list) into buf, or "". */
static const char *first_line(const char *s, char *buf, size_t size)
{
	size_t n;

	if (s == NULL)
		return "";
	n = strcspn(s, "\n");
	snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), s);
	return buf;
}

/* A '\n'-joined list as "a, b" (for csv, tsv) into buf. */
static const char *comma_list(const char *s, char *buf, size_t size)
{
	size_t i, o = 0;

	if (s == NULL)
		return "";
	for (i = 0; s[i] && o + 3 < size; i++) {
		if (s[i] == '\n') {
			buf[o++] = ',';
			buf[o++] = ' ';
		} else {
			buf[o++] = s[i];
		}
	}
	buf[o] = '\0';
	return buf;
}

/* The text of value v of row r; buf holds it when it must be made. */
static const char *cell(const struct cli *cli, const struct crm_row *r,
			enum col_value v, char *buf, size_t size)
{
	bool table = cli->format == FMT_TABLE;

	switch (v) {
	case V_ID: return r->id;
	case V_NAME: return r->name;
	case V_OWNER: return r->owner;
	case V_PHONE: return table ? first_line(r->phones, buf, size)
				   : comma_list(r->phones, buf, size);
	case V_EMAIL: return table ? first_line(r->emails, buf, size)
				   : comma_list(r->emails, buf, size);
	case V_TAGS: return comma_list(r->tags, buf, size);
	case V_COMPANY: return r->company_name ? r->company_name : r->company;
	case V_ROLE: return r->role;
	case V_STAGE: return r->stage;
	case V_AMOUNT:
		if (!r->has_amount)
			return "";
		snprintf(buf, size, "%.15g", r->amount);
		return buf;
	case V_CURRENCY: return r->currency;
	case V_DUE: return r->due;
	case V_FOR: return r->for_name ? r->for_name : r->for_id;
	}
	return "";
}

/* What printing a list needs while the rows stream by. */
struct list_out {
	struct cli *cli;
	enum crm_type type;
	struct table tab;
	size_t n;
	int rc;
};

/* Row callback: one table row. */
static int print_row(const struct crm_row *r, void *data)
{
	struct list_out *o = data;
	const struct column *cols = type_cols[o->type];
	const char *cells[16];
	char bufs[16][512];
	size_t c;

	for (c = 0; cols[c].header; c++)
		cells[c] = cell(o->cli, r, cols[c].value, bufs[c], sizeof(bufs[c]));
	table_add(&o->tab, r->id, cells);
	return 0;
}

/* The start of the JSON document of a list. */
static void json_list_head(enum crm_type t)
{
	printf("{\n  \"format_version\": 1,\n  \"type\": \"%s\",\n"
	       "  \"records\": [", crm_type_name(t));
}

/* Row callback: the whole record (read from the store) as JSON. */
static int print_json_row(const struct crm_row *row, void *data)
{
	struct list_out *o = data;
	struct crm_record *r;

	if (crm_store_read(o->cli->store, row->type, row->id, &r,
			   &o->cli->err)) {
		o->rc = cli_fail(o->cli);
		return 1;
	}
	if (o->n == 0)
		json_list_head(o->type);
	printf("%s\n    ", o->n++ ? "," : "");
	json_node(stdout, r->map, 4);
	crm_record_free(r);
	return 0;
}

/* Prints the records f finds, as the format asks. */
static int print_list(struct cli *cli, enum crm_type t,
		      const struct crm_find *f)
{
	const struct column *cols = type_cols[t];
	const char *headers[16];
	struct list_out o = {.cli = cli, .type = t};
	size_t nc = 0, total;
	int rc;

	if (cli->format == FMT_JSON) {
		rc = crm_find_each(cli->store, f, print_json_row, &o, &total,
				   NULL, NULL, &cli->err);
		if (rc == CRM_OK && o.rc == CRM_OK) {
			if (o.n == 0)
				json_list_head(t);
			printf("%s]\n}\n", o.n ? "\n  " : "");
		}
		return o.rc ? o.rc : rc;
	}
	while (cols[nc].header) {
		headers[nc] = cols[nc].header;
		nc++;
	}
	table_init(&o.tab, nc, headers, cli, stdout);
	rc = crm_find_each(cli->store, f, print_row, &o, &total, NULL, NULL,
			   &cli->err);
	table_finish(&o.tab, rc == CRM_OK);
	return rc;
}

/* Warns about the files of type t that do not parse. */
static void warn_broken(struct cli *cli, enum crm_type t)
{
	struct crm_broken *b = NULL;
	size_t n = 0, i;

	if (crm_find_broken(cli->store, CRM_TYPE_BIT(t), &b, &n, &cli->err))
		return;
	for (i = 0; i < n; i++)
		fprintf(stderr, _("crm: warning: %s\n"), b[i].error);
	crm_broken_free(b, n);
}

int cmd_list(struct cli *cli, struct parsed *p)
{
	const struct cmd *self = cli_find_command("list");
	struct crm_find f = {0};
	struct crm_query *q = NULL;
	enum crm_type t;
	int rc;

	if ((rc = cli_type_arg(p, self->name, &t)))
		return rc;
	if (cli->format == FMT_YAML)
		return cli_usage_error(self, _("--format yaml is for 'crm show'"));
	if ((rc = cli_parse_limit(opt_get(p, list_opts, "limit"), "list",
				  &f.limit)))
		return rc;
	if (crm_query_parse((const char *const *)p->pos + 1, p->npos - 1,
			    cli->now, &q, &cli->err))
		return cli_fail(cli);
	f.mask = opt_get(p, list_opts, "limit") && f.limit == 0
		 ? 0 : CRM_TYPE_BIT(t); /* --limit 0: nothing */
	f.query = q;
	f.sort = opt_get(p, list_opts, "sort");
	f.reverse = opt_flag(p, list_opts, "reverse");
	warn_broken(cli, t);
	rc = print_list(cli, t, &f);
	if (rc == CRM_EUSAGE)
		rc = cli_usage_error(self, "%s", cli->err.msg);
	else if (rc)
		rc = cli->err.msg[0] ? cli_fail(cli) : rc;
	crm_query_free(q);
	return rc;
}
