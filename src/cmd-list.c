/*
 * cmd-list.c - crm list: the records of one type that match a query, as a
 * table, JSON, CSV, TSV or ids, straight from the index (and, for JSON,
 * CSV and TSV, which carry every field, from the records).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec list_opts[] = {
	{"sort", 0, OPT_VALUE, N_("FIELD"),
	 N_("sort by this field (default: name; tasks: due)")},
	{"limit", 0, OPT_INT, N_("N"), N_("show at most N records")},
	{"reverse", 0, OPT_FLAG, NULL, N_("reverse the order")},
	{"bom", 0, OPT_FLAG, NULL,
	 N_("start CSV or TSV with a UTF-8 byte order mark (for Excel)")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* A column of the table: the field it shows (its header is the
 * field's), how it prints. */
struct column {
	const char *field;
	int priority;
	unsigned flags;     /* TCOL_* */
	size_t min;
};

/* Priorities: ID and NAME go last; the others in the order in which
 * they matter for the type. */
#define P_ID 100
#define P_NAME 90
/* The narrowest a name is cut to before columns are dropped. */
#define NAME_MIN 16

static const struct column company_cols[] = {
	{"id", P_ID, 0, 0}, {"name", P_NAME, TCOL_SHRINK, NAME_MIN},
	{"owner", 40, TCOL_SHRINK, 0}, {"phones", 60, TCOL_SHRINK, 0},
	{"tags", 30, TCOL_SHRINK, 0}, {NULL, 0, 0, 0},
};
static const struct column contact_cols[] = {
	{"id", P_ID, 0, 0}, {"name", P_NAME, TCOL_SHRINK, NAME_MIN},
	{"company", 60, TCOL_SHRINK, 0}, {"role", 40, TCOL_SHRINK, 0},
	{"phones", 55, TCOL_SHRINK, 0}, {"emails", 50, TCOL_SHRINK, 0},
	{"owner", 30, TCOL_SHRINK, 0}, {NULL, 0, 0, 0},
};
static const struct column deal_cols[] = {
	{"id", P_ID, 0, 0}, {"name", P_NAME, TCOL_SHRINK, NAME_MIN},
	{"stage", 60, TCOL_SHRINK, 0}, {"amount", 70, TCOL_RIGHT, 0},
	{"currency", 50, 0, 0}, {"company", 40, TCOL_SHRINK, 0},
	{"owner", 30, TCOL_SHRINK, 0}, {NULL, 0, 0, 0},
};
static const struct column task_cols[] = {
	{"id", P_ID, 0, 0}, {"due", 80, 0, 0},
	{"name", P_NAME, TCOL_SHRINK, NAME_MIN}, {"for", 50, TCOL_SHRINK, 0},
	{"owner", 30, TCOL_SHRINK, 0}, {NULL, 0, 0, 0},
};
static const struct column *const type_cols[CRM_NTYPES] = {
	company_cols, contact_cols, deal_cols, task_cols,
};

/* A copy of the first line of s (a '\n'-joined list), or "". */
static char *first_line(const char *s)
{
	return s ? crm_xstrndup(s, strcspn(s, "\n")) : crm_xstrdup("");
}

/* A copy of a '\n'-joined list as "a, b". */
static char *comma_list(const char *s)
{
	struct crm_buf b = {0};

	for (; s && *s; s++) {
		if (*s == '\n')
			crm_buf_adds(&b, ", ");
		else
			crm_buf_addc(&b, *s);
	}
	return crm_buf_detach(&b);
}

/* A copy of s, or "" for NULL. */
static char *dup_or_empty(const char *s)
{
	return crm_xstrdup(s ? s : "");
}

/* The phones of row r as typed (the index's phones_shown), else as
 * stored; borrowed. */
static const char *shown_phones(const struct crm_row *r)
{
	const char *s = crm_row_get(r, "phones_typed");

	return s ? s : crm_row_get(r, "phones");
}

/* The text of the registered field f of row r, for the table: a
 * reference as the name of the record, the first phone (as typed) or
 * e-mail, tags
 * joined, amounts and times as the locale writes them.  Caller owns it. */
static char *cell(const struct crm_row *r, const struct crm_field *f)
{
	size_t i = crm_field_index(f);

	switch (f->kind) {
	case CRM_FIELD_ID: return dup_or_empty(r->id);
	case CRM_FIELD_NAME: return dup_or_empty(r->name);
	case CRM_FIELD_REF:
		return dup_or_empty(r->ref_name[i] ? r->ref_name[i] : r->value[i]);
	case CRM_FIELD_PHONES: return first_line(shown_phones(r));
	case CRM_FIELD_EMAILS: return first_line(r->value[i]);
	case CRM_FIELD_TAGS:
	case CRM_FIELD_REFS: return comma_list(r->value[i]);
	case CRM_FIELD_AMOUNT:
		return r->has_amount ? cli_amount_text(r->amount)
				     : crm_xstrdup("");
	case CRM_FIELD_WHEN: return cli_when_text(r->value[i]);
	default: return dup_or_empty(r->value[i]);
	}
}

/* The columns of a CSV or TSV list: every field of the type, a
 * reference followed by the name it refers to, then the custom fields
 * the records hold. */
struct fields {
	char **keys;   /* owned; "company_name" for the name of "company" */
	size_t n;
};

/* The flagged rows whose problems a list spells out. */
#define FLAGGED_MAX 10

/* What printing a list needs while the rows stream by. */
struct list_out {
	struct cli *cli;
	enum crm_type type;
	struct table tab;
	const struct crm_field *cols[CRM_FIELDS_MAX]; /* the table's */
	struct fields fields;
	size_t ncols, n;
	size_t nflagged;    /* rows naming what crm.yaml does not have */
	char flagged[FLAGGED_MAX][CRM_ID_LEN + 1]; /* the first of them */
	int rc;
};

/* True when field f of row r holds a user, pipeline or stage that the
 * store's crm.yaml does not have. */
static bool unknown_value(const struct list_out *o, const struct crm_row *r,
			  const struct crm_field *f)
{
	const char *v = r->value[crm_field_index(f)];

	if (f->kind != CRM_FIELD_USER && f->kind != CRM_FIELD_PIPELINE &&
	    f->kind != CRM_FIELD_STAGE)
		return false;
	return !crm_config_knows(crm_store_config(o->cli->store), f->name, v,
				 crm_row_get(r, "pipeline"));
}

/* True when row r names a user, pipeline or stage crm.yaml lacks. */
static bool row_flagged(const struct list_out *o, const struct crm_row *r)
{
	static const char *const names[] = {"owner", "pipeline", "stage"};
	const struct crm_field *f;
	size_t i;

	for (i = 0; i < 3; i++) {
		f = crm_field_find(CRM_TYPE_BIT(r->type), names[i], false);
		if (f && unknown_value(o, r, f))
			return true;
	}
	return false;
}

/* Marks a cell whose value crm.yaml does not have: "won (?)". */
static char *flag_cell(char *cell)
{
	struct crm_buf b = {0};

	crm_buf_addf(&b, "%s (?)", cell);
	free(cell);
	return crm_buf_detach(&b);
}

/* Warns about the problems of the flagged record id of type t: its
 * file, line and field, as crm show does. */
static void warn_record(struct cli *cli, enum crm_type t, const char *id)
{
	struct crm_record *r;
	struct crm_problem *pr;
	char path[64];
	size_t n, i;

	if (crm_store_read(cli->store, t, id, &r, &cli->err) != CRM_OK)
		return;
	crm_record_path(t, id, path, sizeof(path));
	n = crm_record_problems(r, crm_store_config(cli->store), &pr);
	for (i = 0; i < n; i++)
		cli_warning("'%s': %s", path, pr[i].message);
	crm_problems_free(pr, n);
	crm_record_free(r);
}

/* Warns, after the list, about its flagged rows: the first few one by
 * one, then how many there are. */
static void warn_flagged(const struct list_out *o)
{
	size_t i, n = o->nflagged;

	if (n == 0)
		return;
	for (i = 0; i < n && i < FLAGGED_MAX; i++)
		warn_record(o->cli, o->type, o->flagged[i]);
	cli_warning(ngettext("%zu record names a user, pipeline or stage that "
			     "crm.yaml does not have (marked '(?)'; 'crm show "
			     "ID' says what)",
			     "%zu records name a user, pipeline or stage that "
			     "crm.yaml does not have (marked '(?)'; 'crm show "
			     "ID' says what)", n), n);
}

/* Row callback: one table row, a task coloured by when it is due. */
static int print_row(const struct crm_row *r, void *data)
{
	struct list_out *o = data;
	char **cells = crm_xcalloc(o->ncols, sizeof(*cells));
	enum table_style st = TSTYLE_PLAIN;
	size_t c;

	for (c = 0; c < o->ncols; c++) {
		cells[c] = cell(r, o->cols[c]);
		if (unknown_value(o, r, o->cols[c]))
			cells[c] = flag_cell(cells[c]);
		else if (o->cols[c]->kind == CRM_FIELD_STAGE &&
			 o->cli->format == FMT_TABLE) {
			/* people read the stage's display name */
			free(cells[c]);
			cells[c] = crm_xstrdup(cli_stage_text(o->cli,
					       crm_row_get(r, "pipeline"),
					       crm_row_get(r, "stage")));
		}
	}
	if (row_flagged(o, r) && o->nflagged++ < FLAGGED_MAX)
		memcpy(o->flagged[o->nflagged - 1], r->id, CRM_ID_LEN + 1);
	if (o->type == CRM_TASK)
		st = cli_due_style(crm_row_get(r, "due"), o->cli->now);
	table_add_row(&o->tab, r->id, (const char *const *)cells, st, NULL);
	for (c = 0; c < o->ncols; c++)
		free(cells[c]);
	free(cells);
	return 0;
}

/* Reads the record of row into *r; a failure is left on o (and in the
 * error context) for cmd_list to report. */
static int read_record(struct list_out *o, const struct crm_row *row,
		       struct crm_record **r)
{
	if (crm_store_read(o->cli->store, row->type, row->id, r,
			   &o->cli->err) == CRM_OK)
		return CRM_OK;
	o->rc = o->cli->err.status ? o->cli->err.status : CRM_ERR;
	return o->rc;
}

/* ---- JSON ---- */

/* The start of the JSON document of a list. */
static void json_list_head(enum crm_type t)
{
	printf("{\n  \"format_version\": 1,\n  \"type\": \"%s\",\n"
	       "  \"records\": [", crm_type_name(t));
}

/* A copy of the record's map with "KEY_name" after each reference KEY:
 * the name of the record it refers to, or null when there is none.  A
 * record's own KEY_name field is kept as it is.  Caller owns it. */
static struct crm_node *with_ref_names(const struct crm_node *map,
				       const struct crm_row *row)
{
	struct crm_node *out = crm_node_new_map();
	const char *name;
	char key[64];
	size_t i;

	for (i = 0; i < map->len; i++) {
		crm_map_append(out, crm_xstrdup(map->keys[i]),
			       crm_node_dup(map->items[i]));
		if (!crm_field_is_ref(map->keys[i]) ||
		    map->items[i]->kind != CRM_NODE_SCALAR)
			continue;
		snprintf(key, sizeof(key), "%s_name", map->keys[i]);
		if (crm_map_get(map, key))
			continue;
		name = crm_row_ref_name(row, map->keys[i]);
		crm_map_append(out, crm_xstrdup(key), name
			       ? crm_node_new_scalar(name)
			       : crm_node_new_typed("null"));
	}
	return out;
}

/* Row callback: the whole record (read from the store) as JSON. */
static int print_json_row(const struct crm_row *row, void *data)
{
	struct list_out *o = data;
	struct crm_record *r;
	struct crm_node *m, *problems;

	if (read_record(o, row, &r))
		return 1;
	if (o->n == 0)
		json_list_head(o->type);
	printf("%s\n    ", o->n++ ? "," : "");
	m = with_ref_names(r->map, row);
	if (crm_map_get(m, "problems") == NULL &&
	    (problems = cli_problems_node(o->cli, r)) != NULL)
		crm_map_set(m, "problems", problems);
	json_node(stdout, m, 4);
	crm_node_free(m);
	crm_record_free(r);
	return 0;
}

/* ---- CSV and TSV ---- */

/* True for the fields that are lists of entries, not values: JSON
 * carries them, a CSV cell would not hold them usefully. */
static bool entry_list(const char *key)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_ALL, key, false);

	return f && (f->kind == CRM_FIELD_TIMELINE ||
		     f->kind == CRM_FIELD_HISTORY ||
		     f->kind == CRM_FIELD_RESCHEDULES);
}

/* Appends key (copied) to fs unless it is there. */
static void fields_add(struct fields *fs, const char *key)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->keys[i], key) == 0)
			return;
	fs->keys = crm_xrealloc(fs->keys, (fs->n + 1) * sizeof(*fs->keys));
	fs->keys[fs->n++] = crm_xstrdup(key);
}

/* Fills fs with the columns of a CSV or TSV list of type t; a failure
 * is left in cli->err. */
static int list_fields(struct cli *cli, enum crm_type t, struct fields *fs)
{
	const char *const *known = crm_record_fields(t);
	char **custom = NULL, key[64];
	size_t ncustom = 0, i;

	for (i = 0; known[i]; i++) {
		if (entry_list(known[i]))
			continue;
		fields_add(fs, known[i]);
		if (!crm_field_is_ref(known[i]))
			continue;
		snprintf(key, sizeof(key), "%s_name", known[i]);
		fields_add(fs, key);
	}
	if (crm_find_custom_keys(cli->store, t, &custom, &ncustom, &cli->err))
		return cli->err.status ? cli->err.status : CRM_ERR;
	for (i = 0; i < ncustom; i++)
		fields_add(fs, custom[i]);
	crm_words_free(custom, ncustom);
	return CRM_OK;
}

static void fields_free(struct fields *fs)
{
	crm_words_free(fs->keys, fs->n);
	fs->keys = NULL;
	fs->n = 0;
}

/* The cell of phones_typed: r's phones as typed, else as stored, ", "
 * joined as phones' cell is.  Caller owns it. */
static char *typed_phones_cell(const struct crm_record *r)
{
	const struct crm_node *n = crm_map_get(r->map, "phones");
	const struct crm_node *typed = crm_map_get(r->map, "phones_typed");
	struct crm_buf b = {0};
	size_t i;

	for (i = 0; n && n->kind == CRM_NODE_SEQ && i < n->len; i++)
		if (n->items[i]->kind == CRM_NODE_SCALAR)
			crm_buf_addf(&b, "%s%s", i ? ", " : "",
				     crm_phone_shown(n->items[i]->str, typed));
	return crm_buf_detach(&b);
}

/* The cell of field key of record r (row gives the names of references).
 * Caller owns it. */
static char *field_cell(const struct crm_record *r, const struct crm_row *row,
			const char *key)
{
	const struct crm_node *n = crm_map_get(r->map, key);
	size_t len = strlen(key);
	char ref[64];

	if (strcmp(key, "phones_typed") == 0)
		return typed_phones_cell(r);
	if (n)
		return crm_node_cell(n);
	if (len > 5 && strcmp(key + len - 5, "_name") == 0 && len - 5 < sizeof(ref)) {
		snprintf(ref, sizeof(ref), "%.*s", (int)(len - 5), key);
		if (crm_field_is_ref(ref))
			return dup_or_empty(crm_row_ref_name(row, ref));
	}
	return crm_xstrdup("");
}

/* Row callback: the whole record as a CSV or TSV row. */
static int print_delimited_row(const struct crm_row *row, void *data)
{
	struct list_out *o = data;
	char **cells = crm_xcalloc(o->fields.n ? o->fields.n : 1, sizeof(*cells));
	struct crm_record *r;
	size_t i;

	if (read_record(o, row, &r)) {
		free(cells);
		return 1;
	}
	for (i = 0; i < o->fields.n; i++)
		cells[i] = field_cell(r, row, o->fields.keys[i]);
	cli_delimited_row(stdout, (const char *const *)cells, o->fields.n,
			  o->cli->format);
	for (i = 0; i < o->fields.n; i++)
		free(cells[i]);
	free(cells);
	crm_record_free(r);
	o->n++;
	return 0;
}

/* Prints the records f finds as CSV or TSV: a header of field names,
 * then one row per record, a byte order mark first when bom. */
static int print_delimited(struct cli *cli, enum crm_type t,
			   const struct crm_find *f, bool bom)
{
	struct list_out o = {.cli = cli, .type = t};
	size_t total;
	int rc;

	if ((rc = list_fields(cli, t, &o.fields)))
		return rc;
	if (bom)
		fputs("\xef\xbb\xbf", stdout);
	cli_delimited_row(stdout, (const char *const *)o.fields.keys, o.fields.n,
			  cli->format);
	rc = crm_find_each(cli->store, f, print_delimited_row, &o, &total,
			   NULL, NULL, &cli->err);
	fields_free(&o.fields);
	return o.rc ? o.rc : rc;
}

/* Prints the records f finds as JSON. */
static int print_json(struct cli *cli, enum crm_type t,
		      const struct crm_find *f)
{
	struct list_out o = {.cli = cli, .type = t};
	size_t total;
	int rc = crm_find_each(cli->store, f, print_json_row, &o, &total, NULL,
			       NULL, &cli->err);

	if (rc == CRM_OK && o.rc == CRM_OK) {
		if (o.n == 0)
			json_list_head(t);
		printf("%s]\n}\n", o.n ? "\n  " : "");
	}
	return o.rc ? o.rc : rc;
}

/* Prints the records f finds, as the format asks. */
static int print_list(struct cli *cli, enum crm_type t,
		      const struct crm_find *f, bool bom)
{
	const struct column *cols = type_cols[t];
	struct table_col *tc;
	struct list_out o = {.cli = cli, .type = t};
	size_t total;
	int rc;

	if (cli->format == FMT_JSON)
		return print_json(cli, t, f);
	if (cli->format == FMT_CSV || cli->format == FMT_TSV)
		return print_delimited(cli, t, f, bom);
	while (cols[o.ncols].field)
		o.ncols++;
	tc = crm_xcalloc(o.ncols, sizeof(*tc));
	for (total = 0; total < o.ncols; total++) {
		o.cols[total] = crm_field_find(CRM_TYPE_BIT(t),
					       cols[total].field, false);
		tc[total].header = o.cols[total]->header;
		tc[total].priority = cols[total].priority;
		tc[total].flags = cols[total].flags;
		tc[total].min = cols[total].min;
	}
	table_init_cols(&o.tab, o.ncols, tc, cli, stdout);
	free(tc);
	rc = crm_find_each(cli->store, f, print_row, &o, &total, NULL, NULL,
			   &cli->err);
	table_finish(&o.tab, rc == CRM_OK);
	if (rc == CRM_OK)
		warn_flagged(&o);
	return rc;
}

void cli_warn_broken(struct cli *cli, enum crm_type t)
{
	struct crm_broken *b = NULL;
	size_t n = 0, i;

	if (crm_find_broken(cli->store, CRM_TYPE_BIT(t), &b, &n, &cli->err))
		return;
	for (i = 0; i < n; i++)
		cli_warning_text(b[i].error);
	crm_broken_free(b, n);
}

int cmd_list(struct cli *cli, struct parsed *p)
{
	const struct cmd *self = cli->cmd;
	struct crm_find f = {0};
	struct crm_query *q = NULL;
	bool bom = opt_flag(p, list_opts, "bom");
	enum crm_type t;
	int rc;

	if ((rc = cli_type_arg(p, self->name, &t)))
		return rc;
	if (cli->format == FMT_YAML)
		return cli_usage_error(self, _("--format yaml is for 'crm show'"));
	if (bom && cli->format != FMT_CSV && cli->format != FMT_TSV)
		return cli_usage_error(self, _("--bom is for --format csv or tsv"));
	f.limit = (size_t)opt_int(p, "limit", 0);
	if (crm_query_parse((const char *const *)p->pos + 1, p->npos - 1,
			    cli->now, &q, &cli->err))
		return cli_fail(cli);
	f.mask = opt_get(p, list_opts, "limit") && f.limit == 0
		 ? 0 : CRM_TYPE_BIT(t); /* --limit 0: nothing */
	f.query = q;
	f.sort = opt_get(p, list_opts, "sort");
	if (f.sort == NULL && t == CRM_TASK)
		f.sort = "due";
	f.reverse = opt_flag(p, list_opts, "reverse");
	cli_warn_broken(cli, t);
	rc = print_list(cli, t, &f, bom);
	if (rc == CRM_EUSAGE)
		rc = cli_usage_fail(cli, self);
	else if (rc)
		rc = cli->err.msg[0] ? cli_fail(cli) : rc;
	crm_query_free(q);
	return rc;
}
