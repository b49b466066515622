/*
 * cmd-check.c - crm check [--owner U]: the rules of the sales process
 * over the whole store, one line per finding, grouped by owner; exit
 * status 10 when anything is found (crm-check(1)).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec check_opts[] = {
	{"owner", 0, OPT_VALUE, N_("LOGIN"),
	 N_("only the records this user owns")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* Appends s to b quoted for a POSIX shell when it needs it. */
static void shell_word(struct crm_buf *b, const char *s)
{
	const char *p;

	if (s[0] && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "0123456789@%+=:,./_-") == strlen(s)) {
		crm_buf_adds(b, s);
		return;
	}
	crm_buf_addc(b, '\'');
	for (p = s; *p; p++)
		if (*p == '\'')
			crm_buf_adds(b, "'\\''");
		else
			crm_buf_addc(b, *p);
	crm_buf_addc(b, '\'');
}

/* The short id of f, as unique as the store needs. */
static void short_id(const struct crm_finding *f, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", (int)f->idlen, f->id);
}

/* The translation of msgid, looked up the first time only: a store can
 * have a hundred thousand findings of one kind. */
static const char *tr_once(const char **cache, const char *msgid)
{
	if (*cache == NULL)
		*cache = _(msgid);
	return *cache;
}

/* What is wrong, for people.  Caller frees. */
static char *problem_text(const struct crm_finding *f)
{
	struct crm_buf b = {0};
	const char *v = f->value ? f->value : "";

	static const char *deal_msg, *client_msg;

	switch (f->kind) {
	case CRM_CHECK_NO_TASK:
		crm_buf_adds(&b, f->type == CRM_DEAL ?
			     tr_once(&deal_msg, N_("open deal with no open task")) :
			     tr_once(&client_msg,
				     N_("active client with no open task")));
		break;
	case CRM_CHECK_OVERDUE:
		crm_buf_addf(&b, ngettext("overdue by %ld day (due %s)",
					  "overdue by %ld days (due %s)",
					  (unsigned long)f->days), f->days, v);
		break;
	case CRM_CHECK_STALE:
		crm_buf_addf(&b, ngettext("stale: no activity for %ld day in "
					  "stage '%s'",
					  "stale: no activity for %ld days in "
					  "stage '%s'", (unsigned long)f->days),
			     f->days, v);
		break;
	case CRM_CHECK_NO_OWNER:
		crm_buf_adds(&b, _("no owner"));
		break;
	case CRM_CHECK_UNKNOWN_OWNER:
		crm_buf_addf(&b, _("unknown owner '%s'"), v);
		break;
	case CRM_CHECK_MISSING_REF:
		crm_buf_addf(&b, _("%s: no record '%s'"), f->field, v);
		break;
	case CRM_CHECK_BAD_PHONE:
		crm_buf_addf(&b, _("phone '%s' cannot be valid"), v);
		break;
	case CRM_CHECK_BAD_EMAIL:
		crm_buf_addf(&b, _("e-mail '%s' cannot be valid"), v);
		break;
	case CRM_CHECK_RULE:
		crm_buf_addf(&b, _("automation rule cannot run: %s"), v);
		break;
	case CRM_CHECK_BROKEN: /* the reader's message names the file */
		crm_buf_addf(&b, "%s", v);
		break;
	default:
		break;
	}
	return crm_buf_detach(&b);
}

/* The command that puts it right.  Caller frees. */
static char *fix_text(const struct crm_finding *f)
{
	static const char *add_msg;
	struct crm_buf b = {0}, arg = {0};
	char id[CRM_ID_LEN + 1];

	short_id(f, id, sizeof(id));
	switch (f->kind) {
	case CRM_CHECK_NO_TASK:
		crm_buf_addf(&b, tr_once(&add_msg, N_("crm task add TITLE --for %s"
						      " --due WHEN")), id);
		break;
	case CRM_CHECK_OVERDUE:
		crm_buf_addf(&b, _("crm task done %s, or crm task move %s WHEN"),
			     id, id);
		break;
	case CRM_CHECK_STALE:
		crm_buf_addf(&b, _("crm note %s TEXT, or crm deal move %s STAGE"),
			     id, id);
		break;
	case CRM_CHECK_NO_OWNER:
	case CRM_CHECK_UNKNOWN_OWNER:
		crm_buf_addf(&b, "crm set %s owner=LOGIN", id);
		break;
	case CRM_CHECK_MISSING_REF:
	case CRM_CHECK_BAD_PHONE:
	case CRM_CHECK_BAD_EMAIL:
		if (f->kind == CRM_CHECK_MISSING_REF &&
		    strcmp(f->field, "competitors") != 0) {
			crm_buf_addf(&b, "crm set %s %s=REF", id, f->field);
			break;
		}
		crm_buf_addf(&arg, "%s-=%s", f->field, f->value);
		crm_buf_addf(&b, "crm set %s ", id);
		shell_word(&b, arg.s);
		crm_buf_free(&arg);
		break;
	case CRM_CHECK_RULE:
		crm_buf_addf(&b, _("fix rule '%s' under automation: in crm.yaml"),
			     f->name);
		break;
	case CRM_CHECK_BROKEN:
		crm_buf_addf(&b, _("fix the file, then crm commit"));
		break;
	default:
		break;
	}
	return crm_buf_detach(&b);
}

/* The findings as a table: OWNER, ID, TYPE, NAME, PROBLEM, FIX. */
static void print_table(struct cli *cli, const struct crm_finding *f,
			size_t n)
{
	static const struct table_col cols[] = {
		{NC_("column", "OWNER"), 90, 0, 0},
		{NC_("column", "ID"), 100, 0, 0},
		{NC_("column", "TYPE"), 40, 0, 0},
		{NC_("column", "NAME"), 95, TCOL_SHRINK, 12},
		{NC_("column", "PROBLEM"), 80, TCOL_SHRINK, 20},
		{NC_("column", "FIX"), 70, TCOL_SHRINK, 20},
	};
	struct table t;
	char id[CRM_ID_LEN + 1], *problem, *fix;
	const char *cells[6];
	size_t i;

	table_init_cols(&t, 6, cols, cli, stdout);
	for (i = 0; i < n; i++) {
		short_id(&f[i], id, sizeof(id));
		problem = problem_text(&f[i]);
		fix = fix_text(&f[i]);
		cells[0] = f[i].owner ? f[i].owner : "-";
		cells[1] = f[i].kind == CRM_CHECK_RULE ? "crm.yaml" : id;
		cells[2] = f[i].type < CRM_NTYPES ? crm_type_name(f[i].type)
						  : "rule";
		cells[3] = f[i].name;
		cells[4] = problem;
		cells[5] = fix;
		table_add_row(&t, f[i].id[0] ? f[i].id : f[i].name, cells,
			      f[i].kind == CRM_CHECK_OVERDUE ? TSTYLE_RED
							     : TSTYLE_PLAIN,
			      NULL);
		free(problem);
		free(fix);
	}
	table_finish(&t, true);
}

/* Findings ordered by id, then by their place (what qsort sorts). */
struct by_id {
	const char *id;
	size_t at;
};

static int cmp_by_id(const void *pa, const void *pb)
{
	const struct by_id *a = pa, *b = pb;
	int d = strcmp(a->id, b->id);

	return d ? d : (a->at < b->at ? -1 : a->at > b->at);
}

/* The ids of the records found, each once, in the order of the
 * findings (a record may break several rules). */
static void print_ids(const struct crm_finding *f, size_t n)
{
	struct by_id *v = crm_xcalloc(n + 1, sizeof(*v));
	bool *first = crm_xcalloc(n + 1, sizeof(*first));
	size_t i;

	for (i = 0; i < n; i++) {
		v[i].id = f[i].id;
		v[i].at = i;
	}
	qsort(v, n, sizeof(*v), cmp_by_id);
	for (i = 0; i < n; i++)
		if (v[i].id[0] && (i == 0 || strcmp(v[i].id, v[i - 1].id) != 0))
			first[v[i].at] = true;
	for (i = 0; i < n; i++)
		if (first[i])
			printf("%s\n", f[i].id);
	free(first);
	free(v);
}

/* Writes the member key: s of a finding's object (nothing when s is
 * NULL; a number as it is when number is set). */
static void member(const char *key, const char *s, bool number, bool *first)
{
	if (s == NULL)
		return;
	fputs(*first ? "\n      " : ",\n      ", stdout);
	*first = false;
	json_string(stdout, key);
	fputs(": ", stdout);
	if (number)
		fputs(s, stdout);
	else
		json_string(stdout, s);
}

/* Writes finding f as a JSON object, indented as a member of the
 * findings' list. */
static void json_finding(const struct crm_finding *f)
{
	char *problem = problem_text(f), *fix = fix_text(f), days[32];
	bool first = true;

	fputs("{", stdout);
	member("kind", crm_check_kind_name(f->kind), false, &first);
	member("owner", f->owner, false, &first);
	member("type", f->type < CRM_NTYPES ? crm_type_name(f->type) : "rule",
	       false, &first);
	member("id", f->id[0] ? f->id : NULL, false, &first);
	member("name", f->name, false, &first);
	member("field", f->field, false, &first);
	member("value", f->value, false, &first);
	if (f->kind == CRM_CHECK_STALE || f->kind == CRM_CHECK_OVERDUE) {
		snprintf(days, sizeof(days), "%ld", f->days);
		member("days", days, true, &first);
	}
	member("problem", problem, false, &first);
	member("fix", fix, false, &first);
	fputs("\n    }", stdout);
	free(problem);
	free(fix);
}

/* The findings as JSON: {"format_version": 1, "count": N, "findings":
 * [{...}]}, written as they come (a store can have a million). */
static void print_json(const struct crm_finding *f, size_t n)
{
	size_t i;

	flockfile(stdout); /* once, not at every write */
	printf("{\n  \"format_version\": 1,\n  \"count\": %zu,\n"
	       "  \"findings\": %s", n, n ? "[" : "[]");
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n    " : "\n    ", stdout);
		json_finding(&f[i]);
	}
	fputs(n ? "\n  ]\n}\n" : "\n}\n", stdout);
	funlockfile(stdout);
}

/* Refuses --owner naming no user of crm.yaml, with a did-you-mean. */
static int check_owner_arg(struct cli *cli, const char *owner)
{
	if (crm_config_check_user(crm_store_config(cli->store), owner,
				  &cli->err) == CRM_OK)
		return CRM_OK;
	return cli_fail(cli);
}

int cmd_check(struct cli *cli, struct parsed *p)
{
	const char *owner = opt_get(p, check_opts, "owner");
	struct crm_finding *f;
	size_t n;
	int rc;

	if ((rc = cli_nargs(cli->cmd, p, 0)))
		return rc;
	if (owner && (rc = check_owner_arg(cli, owner)))
		return rc;
	if ((rc = crm_check(cli->store, owner, cli->now, &f, &n, &cli->err)))
		return cli_fail(cli);
	if (cli->format == FMT_JSON)
		print_json(f, n);
	else if (cli->format == FMT_IDS)
		print_ids(f, n);
	else if (n || cli->format != FMT_TABLE)
		print_table(cli, f, n);
	if (cli->format == FMT_TABLE && !cli->quiet) {
		if (n == 0)
			printf(_("nothing to do: every rule holds\n"));
		else
			fprintf(stderr, ngettext("%zu finding\n",
						 "%zu findings\n", n), n);
	}
	crm_findings_free(f, n);
	return n ? CLI_EFINDINGS | CLI_REPORTED : CRM_OK;
}
