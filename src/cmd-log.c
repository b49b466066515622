/*
 * cmd-log.c - crm log: the history of the store or of one record, with
 * what changed field by field; readable, JSON (schema in crm-log(1)),
 * CSV or TSV (one row per field change), or the commit ids.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec log_opts[] = {
	{"limit", 'n', OPT_INT, N_("N"),
	 N_("show at most N changes (0: all)")},
	{"author", 0, OPT_VALUE, N_("LOGIN"),
	 N_("only the changes of this user (a login, or part of a name or "
	    "e-mail)")},
	{"since", 0, OPT_DATE, N_("WHEN"),
	 N_("only the changes made at or after WHEN")},
	{"until", 0, OPT_DATE, N_("WHEN"),
	 N_("only the changes made at or before WHEN")},
	{"type", 0, OPT_VALUE, N_("TYPE"),
	 N_("take REF among the records of TYPE only")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* Records whose changes the readable form shows per commit. */
#define TEXT_RECORDS 10

/* ---- text ---- */

/* Prints s made safe for the terminal. */
static void put_safe(const char *s)
{
	struct crm_buf b = {0};

	cli_safe_add(&b, s ? s : "");
	fputs(b.s, stdout);
	crm_buf_free(&b);
}

/* True for a list of mappings (timeline, stage_history). */
static bool is_entry_list(const struct crm_node *n)
{
	return n && n->kind == CRM_NODE_SEQ && n->len &&
	       n->items[0]->kind == CRM_NODE_MAP;
}

/* The readable text of a value (NULL: "-"); a list of mappings counted.
 * Caller frees it. */
static char *value_text(const struct crm_node *n)
{
	struct crm_buf b = {0};

	if (n == NULL)
		return crm_xstrdup("-");
	if (!is_entry_list(n))
		return crm_node_text(n);
	crm_buf_addf(&b, ngettext("%zu entry", "%zu entries", n->len), n->len);
	return crm_buf_detach(&b);
}

/* Prints "INDENTfield: old -> new", or for lists of entries "field: +N
 * entries". */
static void print_field(const struct crm_change *c, const char *indent)
{
	char *a, *b;

	if (is_entry_list(c->before) || is_entry_list(c->after)) {
		long diff = (long)(c->after ? c->after->len : 0) -
			    (long)(c->before ? c->before->len : 0);

		printf("%s", indent);
		put_safe(c->field);
		printf(ngettext(": %+ld entry\n", ": %+ld entries\n",
				(unsigned long)labs(diff)), diff);
		return;
	}
	a = value_text(c->before);
	b = value_text(c->after);
	printf("%s", indent);
	put_safe(c->field);
	fputs(": ", stdout);
	put_safe(a);
	fputs(" -> ", stdout);
	put_safe(b);
	putchar('\n');
	free(a);
	free(b);
}

/* The word for a whole-record change. */
static const char *action_word(char action)
{
	return action == 'A' ? _("added") : action == 'D' ? _("removed")
	       : _("cannot be read");
}

/* Prints "  deal 7k2m  Supply 2027" (and the action of a whole-record
 * change) for the store's history. */
static void print_record_line(struct cli *cli, const struct crm_change *c)
{
	printf("  %s%s %s%s  ", color_dim(cli), crm_type_name(c->type),
	       cli_short_id(c->id), color_reset(cli));
	put_safe(c->name);
	if (c->action != 'M')
		printf("  (%s)", action_word(c->action));
	putchar('\n');
}

/* Formats the commit time in local time: "2026-11-22 21:15". */
static void local_when(time_t when, char *buf, size_t size)
{
	struct tm tm;

	if (localtime_r(&when, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)when);
}

void cli_print_log_changes(struct cli *cli, const struct crm_log_entry *e,
			   bool one_record)
{
	const char *indent = one_record ? "  " : "    ";
	size_t i;

	for (i = 0; i < e->nchanges; i++) {
		const struct crm_change *c = &e->changes[i];
		bool first = i == 0 || strcmp(c->id, e->changes[i - 1].id) != 0;

		if (one_record && c->action != 'M')
			printf("  %s\n", action_word(c->action));
		else if (!one_record && first)
			print_record_line(cli, c);
		if (c->action == 'M')
			print_field(c, indent);
	}
	if (e->nunread)
		printf(ngettext("  ... and %zu more record\n",
				"  ... and %zu more records\n", e->nunread),
		       e->nunread);
}

/* Prints one entry in the readable form. */
static void print_entry(struct cli *cli, const struct crm_log_entry *e,
			bool one_record)
{
	char when[64];
	size_t i;

	local_when(e->when, when, sizeof(when));
	printf("%s%.8s%s  %s  %s", color_dim(cli), e->hash, color_reset(cli),
	       when, color_bold(cli));
	put_safe(e->author);
	printf("%s", color_reset(cli));
	if (e->login) {
		fputs(" (", stdout);
		put_safe(e->login);
		putchar(')');
	}
	fputs("  ", stdout);
	put_safe(e->subject);
	putchar('\n');
	cli_print_log_changes(cli, e, one_record);
	if (one_record)
		return;
	for (i = 0; i < e->npaths; i++) {
		enum crm_type t;
		char id[CRM_ID_LEN + 1];

		if (crm_record_path_parse(e->paths[i], &t, id))
			continue;
		fputs("  ", stdout);
		put_safe(e->paths[i]);
		putchar('\n');
	}
}

/* ---- JSON ---- */

/* The commit time as ISO 8601 in its own offset:
 * "2026-11-22T21:15:00+03:00". */
static void iso_when(const struct crm_log_entry *e, char *buf, size_t size)
{
	time_t t = e->when + (time_t)e->offset * 60;
	struct tm tm;
	int off = e->offset < 0 ? -e->offset : e->offset;

	gmtime_r(&t, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, e->offset < 0 ? '-' : '+', off / 60,
		 off % 60);
}

/* Writes s as a JSON string, or null. */
static void json_str_or_null(const char *s)
{
	if (s)
		json_string(stdout, s);
	else
		fputs("null", stdout);
}

/* Writes n as JSON, or null. */
static void json_node_or_null(const struct crm_node *n, int indent)
{
	if (n)
		json_node(stdout, n, indent);
	else
		fputs("null", stdout);
}

/* The JSON word of a change's action. */
static const char *action_key(char action)
{
	return action == 'A' ? "added" : action == 'D' ? "removed"
	       : action == 'M' ? "changed" : "unreadable";
}

/* Writes one change as a JSON object. */
static void json_change(const struct crm_change *c)
{
	printf("{\"record\": {\"type\": \"%s\", \"id\": \"%s\", \"name\": ",
	       crm_type_name(c->type), c->id);
	json_string(stdout, c->name);
	printf("},\n         \"action\": \"%s\", \"field\": ",
	       action_key(c->action));
	json_str_or_null(c->field);
	fputs(", \"old\": ", stdout);
	json_node_or_null(c->before, 8);
	fputs(", \"new\": ", stdout);
	json_node_or_null(c->after, 8);
	putchar('}');
}

/* Writes one entry as a JSON object. */
static void json_entry(const struct crm_log_entry *e)
{
	char when[64];
	size_t j;

	iso_when(e, when, sizeof(when));
	printf("{\"id\": \"%s\",\n     \"author\": {\"login\": ", e->hash);
	json_str_or_null(e->login);
	fputs(", \"name\": ", stdout);
	json_string(stdout, e->author);
	fputs(", \"email\": ", stdout);
	json_string(stdout, e->email);
	printf("},\n     \"time\": \"%s\", \"subject\": ", when);
	json_string(stdout, e->subject);
	fputs(", \"command\": ", stdout);
	json_str_or_null(e->command);
	printf(",\n     \"records\": %zu, \"changes\": [", e->nrecords);
	for (j = 0; j < e->nchanges; j++) {
		printf("%s\n        ", j ? "," : "");
		json_change(&e->changes[j]);
	}
	printf("%s],\n     \"paths\": [", e->nchanges ? "\n     " : "");
	for (j = 0; j < e->npaths; j++) {
		if (j)
			fputs(", ", stdout);
		json_string(stdout, e->paths[j]);
	}
	fputs("]}", stdout);
}

/* Prints the entries as one JSON document. */
static void print_json(const struct crm_log_entry *e, size_t n)
{
	size_t i;

	printf("{\n  \"format_version\": 1,\n  \"log\": [");
	for (i = 0; i < n; i++) {
		printf("%s\n    ", i ? "," : "");
		json_entry(&e[i]);
	}
	printf("%s]\n}\n", n ? "\n  " : "");
}

/* ---- CSV and TSV: one row per field change ---- */

static const char *csv_headers[] = {
	NC_("column", "COMMIT"), NC_("column", "TIME"),
	NC_("column", "AUTHOR"), NC_("column", "TYPE"), NC_("column", "ID"),
	NC_("column", "NAME"), NC_("column", "ACTION"),
	NC_("column", "FIELD"), NC_("column", "OLD"), NC_("column", "NEW"),
};

#define NCSV (sizeof(csv_headers) / sizeof(csv_headers[0]))

/* A value as one cell: scalars as they are, lists "a, b", mappings and
 * lists of them as JSON-like text; "" when absent.  Caller frees it. */
static char *cell_text(const struct crm_node *n)
{
	return n ? crm_node_text(n) : crm_xstrdup("");
}

/* Adds the rows of one entry to t. */
static void table_entry(struct table *t, const struct crm_log_entry *e)
{
	char when[64], *old, *new;
	const char *cells[NCSV];
	size_t i;

	iso_when(e, when, sizeof(when));
	for (i = 0; i < e->nchanges; i++) {
		const struct crm_change *c = &e->changes[i];

		old = c->action == 'M' ? cell_text(c->before) : crm_xstrdup("");
		new = c->action == 'M' ? cell_text(c->after) : crm_xstrdup("");
		cells[0] = e->hash;
		cells[1] = when;
		cells[2] = e->login ? e->login : e->author;
		cells[3] = crm_type_name(c->type);
		cells[4] = c->id;
		cells[5] = c->name;
		cells[6] = action_key(c->action);
		cells[7] = c->field ? c->field : "";
		cells[8] = old;
		cells[9] = new;
		table_add(t, e->hash, cells);
		free(old);
		free(new);
	}
}

/* Prints the field changes as CSV or TSV rows. */
static void print_table(struct cli *cli, const struct crm_log_entry *e,
			size_t n)
{
	struct table t;
	size_t i;

	table_init(&t, NCSV, csv_headers, cli, stdout);
	for (i = 0; i < n; i++)
		table_entry(&t, &e[i]);
	table_finish(&t, true);
}

/* ---- options ---- */

/* CRM_OK when log prints the chosen format, else a usage error naming
 * the formats it does print. */
static int log_format_ok(struct cli *cli)
{
	if (cli->format != FMT_YAML)
		return CRM_OK;
	return cli_usage_error(cli->cmd,
			       _("'crm log' prints table, json, csv, tsv or "
				 "ids, not yaml"));
}

/* The moment option name (an OPT_DATE, read by the options parser) sets
 * into *out, 0 when not given: a whole day's start for --since, its last
 * second for --until. */
static time_t when_opt(const struct parsed *p, const char *name)
{
	struct crm_date d;
	struct tm tm;

	if (!opt_date(p, name, &d))
		return 0;
	if (d.has_time || strcmp(name, "until") != 0)
		return d.when;
	localtime_r(&d.when, &tm);
	tm.tm_mday++;
	tm.tm_isdst = -1;
	return mktime(&tm) - 1;
}

/* Fills q from the options. */
static int parse_query(struct cli *cli, struct parsed *p,
		       struct crm_log_query *q)
{
	const char *author = opt_get(p, log_opts, "author");

	q->max = (size_t)opt_int(p, "limit", (long)q->max);
	q->since = when_opt(p, "since");
	q->until = when_opt(p, "until");
	if (author && *author == '\0')
		return cli_usage_error(cli->cmd,
				       _("--author needs a login, a name or "
					 "an e-mail"));
	if (q->since && q->until && q->until < q->since)
		return cli_usage_error(cli->cmd,
				       _("--until is before --since"));
	q->author = author;
	q->changes = cli->format != FMT_IDS;
	q->max_records = cli->format == FMT_TABLE ? TEXT_RECORDS : 0;
	return CRM_OK;
}

int cmd_log(struct cli *cli, struct parsed *p)
{
	struct crm_log_query q = {0};
	struct crm_log_entry *e = NULL;
	char path[64], id[CRM_ID_LEN + 1];
	struct cli_ref how;
	enum crm_type t;
	size_t n = 0, i;
	int rc;

	if ((rc = log_format_ok(cli)))
		return rc;
	if (p->npos > 1)
		return cli_usage_error(cli->cmd,
				       _("too many arguments"));
	if ((rc = parse_query(cli, p, &q)))
		return rc;
	if ((rc = cli_ref_arg(p, log_opts, "log", CLI_REF_ANY, &how)))
		return rc;
	if (p->npos == 1) {
		if ((rc = cli_resolve(cli, &how, p->pos[0], &t, id)))
			return rc;
		crm_record_path(t, id, path, sizeof(path));
		q.path = path;
	}
	if (crm_log(cli->store, &q, &e, &n, &cli->err))
		return cli_fail(cli);
	if (cli->format == FMT_JSON)
		print_json(e, n);
	else if (cli->format == FMT_TABLE)
		for (i = 0; i < n; i++)
			print_entry(cli, &e[i], p->npos == 1);
	else if (cli->format == FMT_IDS)
		for (i = 0; i < n; i++)
			puts(e[i].hash);
	else
		print_table(cli, e, n);
	crm_log_entries_free(e, n);
	return CRM_OK;
}
