/*
 * main.c - crm's entry point: global options, the command table, store
 * set-up for the commands that need it, external crm-NAME commands.
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "module.h"

const struct opt_spec no_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

/* The names of the output formats, in enum out_format order. */
const char *const cli_format_names[FMT_COUNT + 1] = {
	"table", "json", "csv", "tsv", "ids", "yaml", "html", NULL,
};

const struct opt_spec global_opts[] = {
	{"C", 'C', OPT_VALUE, N_("DIR"), N_("use the store in DIR")},
	{"format", 0, OPT_ENUM, N_("FMT"),
	 N_("output format: table, json, csv, tsv, ids, yaml, html"),
	 cli_format_names},
	{"no-color", 0, OPT_FLAG, NULL, N_("no colour")},
	{"no-pager", 0, OPT_FLAG, NULL, N_("do not page the output")},
	{"quiet", 'q', OPT_FLAG, NULL, N_("print nothing but errors")},
	{"user", 0, OPT_VALUE, N_("LOGIN"), N_("act as this user of crm.yaml")},
	{"version", 0, OPT_FLAG, NULL, N_("print the version")},
	{"help", 'h', OPT_FLAG, NULL, N_("show help")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* The subcommands of crm stage and crm user. */
static const struct cmd stage_subs[] = {
	{"stage add", cmd_stage_add, CMD_STORE | CMD_LOCK, stage_add_opts,
	 N_("PIPELINE STAGE"), N_("add a stage to a pipeline")},
	{"stage rm", cmd_stage_rm, CMD_STORE | CMD_LOCK, stage_rm_opts,
	 N_("PIPELINE STAGE"),
	 N_("remove a stage that no deal is in, or move its deals")},
	{"stage rename", cmd_stage_rename, CMD_STORE | CMD_LOCK,
	 stage_rename_opts, N_("PIPELINE OLD NEW"),
	 N_("rename a stage and every deal's use of it")},
	{NULL, NULL, 0, NULL, NULL, NULL, 0, NULL},
};

static const struct cmd task_subs[] = {
	{"task add", cmd_task_add, CMD_STORE | CMD_LOCK, task_add_opts,
	 N_("TITLE..."), N_("add a task for a company, contact or deal")},
	{"task due", cmd_task_due, CMD_STORE | CMD_DASH | CMD_PAGER,
	 task_due_opts, N_("[QUERY...]"),
	 N_("what to do now: overdue tasks, today's, the next days'"),
	 FMTS_RECORDS},
	{"task list", cmd_task_list, CMD_STORE | CMD_DASH | CMD_PAGER,
	 list_opts, N_("[QUERY...]"), N_("list tasks, by due date"),
	 FMTS_RECORDS},
	{"task move", cmd_task_move, CMD_STORE | CMD_LOCK, task_move_opts,
	 N_("TASK WHEN"), N_("reschedule a task")},
	{"task rm", cmd_task_rm, CMD_STORE | CMD_LOCK, task_rm_opts,
	 N_("TASK"), N_("remove a task that is not to be done")},
	{"task done", cmd_task_done, CMD_STORE | CMD_LOCK, task_done_opts,
	 N_("TASK"),
	 N_("finish a task: it becomes an entry of its record's timeline")},
	{NULL, NULL, 0, NULL, NULL, NULL, 0, NULL},
};

static const struct cmd deal_subs[] = {
	{"deal move", cmd_deal_move, CMD_STORE | CMD_LOCK, deal_move_opts,
	 N_("DEAL STAGE"), N_("move a deal to another stage")},
	{"deal list", cmd_deal_list, CMD_STORE | CMD_DASH | CMD_PAGER,
	 deal_list_opts, N_("[QUERY...]"),
	 N_("list deals with their stages, amounts and next tasks"),
	 FMT_BIT(FMT_TABLE) | FMT_BIT(FMT_JSON) | FMT_BIT(FMT_CSV) |
	 FMT_BIT(FMT_TSV) | FMT_BIT(FMT_IDS)},
	{NULL, NULL, 0, NULL, NULL, NULL, 0, NULL},
};

static const struct cmd user_subs[] = {
	{"user add", cmd_user_add, CMD_STORE | CMD_LOCK, user_add_opts,
	 N_("LOGIN"), N_("add a user")},
	{"user rename", cmd_user_rename, CMD_STORE | CMD_LOCK, user_rename_opts,
	 N_("OLD NEW"), N_("rename a user in crm.yaml and in every record")},
	{"user rm", cmd_user_rm, CMD_STORE | CMD_LOCK, user_rm_opts,
	 N_("LOGIN"),
	 N_("remove a user who owns nothing, or hand the records over")},
	{NULL, NULL, 0, NULL, NULL, NULL, 0, NULL},
};

static const struct cmd export_subs[] = {
	{"export ics", cmd_export_ics, CMD_STORE | CMD_DASH, export_ics_opts,
	 N_("[QUERY...]"),
	 N_("write open tasks as an iCalendar file, for calendar programs")},
	{"export csv", cmd_export_csv, CMD_STORE | CMD_DASH, export_csv_opts,
	 N_("[TYPE] [QUERY...]"),
	 N_("write records as CSV, for spreadsheets")},
	{"export json", cmd_export_json, CMD_STORE | CMD_DASH, export_json_opts,
	 N_("[TYPE] [QUERY...]"),
	 N_("write whole records as one JSON document")},
	{"export xlsx", cmd_export_xlsx, CMD_STORE | CMD_DASH, export_xlsx_opts,
	 N_("[TYPE] [QUERY...]"),
	 N_("write records as an Excel workbook")},
	{"export vcard", cmd_export_vcard, CMD_STORE | CMD_DASH,
	 export_vcard_opts, N_("[contact|company] [QUERY...]"),
	 N_("write contacts or companies as vCards, for address books")},
	{NULL, NULL, 0, NULL, NULL, NULL, 0, NULL},
};

const struct cmd crm_commands[] = {
	{"init", cmd_init, 0, init_opts,
	 N_("[DIR]"),
	 N_("create a new store")},
	{"add", cmd_add, CMD_STORE | CMD_LOCK, add_opts,
	 N_("company|contact|deal|task [NAME...]"),
	 N_("add a record and print its id"),
	 FMT_BIT(FMT_TABLE) | FMT_BIT(FMT_IDS) | FMT_BIT(FMT_JSON)},
	{"show", cmd_show, CMD_STORE | CMD_PAGER, show_opts, N_("REF"),
	 N_("show one record and what hangs on it"),
	 FMT_BIT(FMT_TABLE) | FMT_BIT(FMT_JSON) | FMT_BIT(FMT_YAML) |
	 FMT_BIT(FMT_IDS)},
	{"list", cmd_list, CMD_STORE | CMD_DASH | CMD_PAGER, list_opts,
	 N_("TYPE [QUERY...]"),
	 N_("list the records of a type"), FMTS_RECORDS},
	{"search", cmd_search, CMD_STORE | CMD_DASH | CMD_PAGER,
	 search_opts,
	 N_("QUERY..."),
	 N_("find records of every type, best matches first"), FMTS_RECORDS},
	{"set", cmd_set, CMD_STORE | CMD_LOCK, set_opts,
	 N_("REF KEY=VALUE|KEY+=VALUE|KEY-=VALUE|KEY=..."),
	 N_("change fields of a record")},
	{"tag", cmd_tag, CMD_STORE | CMD_LOCK | CMD_DASH, tag_opts,
	 N_("REF [+]TAG... [-TAG...]"), N_("add and remove tags")},
	{"rm", cmd_rm, CMD_STORE | CMD_LOCK, rm_opts, N_("REF"),
	 N_("remove a record")},
	{"edit", cmd_edit, CMD_STORE | CMD_WRITES, edit_opts, N_("REF"),
	 N_("edit a record in $EDITOR")},
	{"log", cmd_log, CMD_STORE | CMD_PAGER, log_opts, N_("[REF]"),
	 N_("show the history of the store or of a record"),
	 FMT_BIT(FMT_TABLE) | FMT_BIT(FMT_JSON) | FMT_BIT(FMT_CSV) |
	 FMT_BIT(FMT_TSV) | FMT_BIT(FMT_IDS)},
	{"undo", cmd_undo, CMD_STORE | CMD_LOCK, undo_opts, "",
	 N_("revert your last change made by crm")},
	{"redo", cmd_redo, CMD_STORE | CMD_LOCK, redo_opts, "",
	 N_("re-apply what the last undo reverted")},
	{"status", cmd_status, CMD_STORE | CMD_GITSTATE, status_opts, "",
	 N_("list files edited outside crm"),
	 FMT_BIT(FMT_TABLE) | FMT_BIT(FMT_JSON)},
	{"commit", cmd_commit, CMD_STORE | CMD_LOCK, commit_opts,
	 "", N_("validate and commit files edited by hand")},
	{"reindex", cmd_reindex, CMD_STORE, reindex_opts, "",
	 N_("rebuild the search index")},
	{"stage", NULL, 0, stage_opts, N_("add|rm|rename ARGS..."),
	 N_("change the stages of a pipeline"), 0, stage_subs},
	{"user", NULL, 0, user_opts, N_("add|rename|rm ARGS..."),
	 N_("change the users of the store"), 0, user_subs},
	{"task", NULL, 0, task_opts, N_("add|due|list|move|rm|done ARGS..."),
	 N_("add, find, reschedule and finish tasks"), 0, task_subs},
	{"reassign", cmd_reassign, CMD_STORE | CMD_LOCK | CMD_DASH,
	 reassign_opts, N_("FROM TO [QUERY...]"),
	 N_("hand the records of one owner over to another")},
	{"dupes", cmd_dupes, CMD_STORE | CMD_DASH | CMD_PAGER, dupes_opts,
	 N_("[company|contact] [QUERY...]"),
	 N_("list records that are probably the same client"),
	 FMT_BIT(FMT_TABLE) | FMT_BIT(FMT_JSON) | FMT_BIT(FMT_CSV) |
	 FMT_BIT(FMT_TSV)},
	{"merge", cmd_merge, CMD_STORE | CMD_LOCK, merge_opts,
	 N_("KEEP OTHER..."),
	 N_("merge records into one, re-pointing what refers to them")},
	{"deal", NULL, 0, deal_opts, N_("move|list ARGS..."),
	 N_("move deals through their stages, and list them"), 0, deal_subs},
	{"board", cmd_board, CMD_STORE | CMD_DASH | CMD_PAGER, board_opts,
	 N_("[PIPELINE] [QUERY...]"),
	 N_("show a pipeline's deals as columns of stages"),
	 FMT_BIT(FMT_TABLE) | FMT_BIT(FMT_JSON) | FMT_BIT(FMT_HTML)},
	{"report", cmd_report, CMD_STORE | CMD_DASH | CMD_PAGER, report_opts,
	 N_("NAME [QUERY...]"),
	 N_("funnel, conversion, lost deals, cycle, activity, sources and "
	    "forecast"),
	 FMT_BIT(FMT_TABLE) | FMT_BIT(FMT_JSON) | FMT_BIT(FMT_CSV) |
	 FMT_BIT(FMT_TSV) | FMT_BIT(FMT_HTML)},
	{"note", cmd_note, CMD_STORE | CMD_LOCK, note_opts, N_("REF TEXT..."),
	 N_("log a note, call, meeting or e-mail in a record's timeline")},
	{"call", cmd_call, CMD_STORE | CMD_LOCK, call_opts, N_("REF TEXT..."),
	 N_("log a call in a record's timeline")},
	{"meeting", cmd_meeting, CMD_STORE | CMD_LOCK, call_opts,
	 N_("REF TEXT..."), N_("log a meeting in a record's timeline")},
	{"import", cmd_import, CMD_STORE | CMD_LOCK, import_opts,
	 N_("FILE"),
	 N_("add records from a CSV file or an Excel workbook, merging "
	    "duplicates"),
	 FMT_BIT(FMT_TABLE) | FMT_BIT(FMT_JSON)},
	{"export", NULL, 0, export_opts, N_("ics|csv|json|xlsx|vcard ARGS..."),
	 N_("write records in the formats of other programs"), 0,
	 export_subs},
	{"check", cmd_check, CMD_STORE | CMD_PAGER, check_opts, "",
	 N_("find what breaks the rules of the sales process"),
	 FMTS_RECORDS},
	{"digest", cmd_digest, CMD_STORE, digest_opts, "",
	 N_("the morning digest of what to do, for cron: text or e-mail")},
	{"automate", cmd_automate, CMD_STORE | CMD_LOCK, automate_opts,
	 N_("[--replay [--dry-run] [RULE]]"),
	 N_("list the automation rules, or apply them to deals"),
	 FMT_BIT(FMT_TABLE) | FMT_BIT(FMT_IDS)},
	{"help", cmd_help, 0, help_opts, N_("[COMMAND [SUBCOMMAND]]"),
	 N_("show help for crm or a command")},
	{"__complete", cmd_complete, CMD_HIDDEN | CMD_NO_GLOBALS, no_opts,
	 N_("WHAT [ARG]"), N_("answers for shell completion")},
	{NULL, NULL, 0, NULL, NULL, NULL, 0, NULL},
};

const struct cmd *cli_find_command(const char *name)
{
	const struct cmd *c;

	for (c = crm_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* Writes prefix and msg, a finished message, to stderr, made safe for
 * the terminal (a name quoted in it can hold an escape sequence or
 * invalid UTF-8); its newlines, before its hint lines, stay: a newline an
 * argument brought is there as the two characters \n already. */
static void message_text(const char *prefix, const char *msg)
{
	struct crm_buf b = {0};

	cli_safe_addn(&b, msg, strlen(msg), true);
	fprintf(stderr, "%s%s\n", prefix, b.s);
	crm_buf_free(&b);
}

/* Writes prefix and the message fmt makes to stderr: its own newlines
 * (hint lines) stay, one that an argument brings is shown as \n
 * (crm_buf_vaddf_msg), the rest as message_text makes it safe. */
static void message_line(const char *prefix, const char *fmt, va_list ap)
{
	struct crm_buf b = {0};

	crm_buf_vaddf_msg(&b, fmt, ap);
	message_text(prefix, b.s);
	crm_buf_free(&b);
}

void cli_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message_line(_("crm: warning: "), fmt, ap);
	va_end(ap);
}

void cli_warning_text(const char *msg)
{
	message_text(_("crm: warning: "), msg);
}

int cli_error(struct cli *cli, int status, const char *fmt, ...)
{
	va_list ap;

	(void)cli;
	va_start(ap, fmt);
	message_line(_("crm: error: "), fmt, ap);
	va_end(ap);
	return status | CLI_REPORTED;
}

int cli_fail_as(struct cli *cli, int status)
{
	message_text(_("crm: error: "), cli->err.msg);
	return status | CLI_REPORTED;
}

int cli_fail(struct cli *cli)
{
	return cli_fail_as(cli, cli->err.status ? cli->err.status : CRM_ERR);
}

int cli_fail_bulk(struct cli *cli, int status, const struct crm_record *r)
{
	crm_err_prefix(&cli->err, "%s %s '%s'", crm_type_name(r->type), r->id,
		       crm_record_name(r));
	crm_err_hint(&cli->err, _("hint: nothing was changed"));
	return cli_fail_as(cli, status);
}

int cli_usage_error(const struct cmd *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message_line(_("crm: error: "), fmt, ap);
	va_end(ap);
	if (c)
		cli_print_short_usage(c, stderr);
	return CRM_EUSAGE | CLI_REPORTED;
}

int cli_usage_fail(struct cli *cli, const struct cmd *c)
{
	message_text(_("crm: error: "), cli->err.msg);
	if (c)
		cli_print_short_usage(c, stderr);
	return CRM_EUSAGE | CLI_REPORTED;
}

int cli_type_arg(const struct parsed *p, const char *name, enum crm_type *t)
{
	static const char *const types[] = {
		"company", "contact", "deal", "task",
		"companies", "contacts", "deals", "tasks",
	};
	const struct cmd *c = cli_find_command(name);
	const char *hint;

	if (p->npos == 0)
		return cli_usage_error(c, _("which type: company, contact, "
					    "deal or task?"));
	if (!crm_type_parse(p->pos[0], t)) {
		hint = crm_suggest(p->pos[0], types, 8);
		if (hint)
			return cli_usage_error(c, _("unknown type '%s' (did you "
					       "mean '%s'?)"), p->pos[0], hint);
		return cli_usage_error(c, _("unknown type '%s' (use company, "
					    "contact, deal or task)"), p->pos[0]);
	}
	return CRM_OK;
}

int cli_one_ref(const struct parsed *p, const char *name)
{
	if (p->npos == 1)
		return CRM_OK;
	return cli_usage_error(cli_find_command(name),
			       p->npos ? _("too many arguments")
				       : _("which record?"));
}

const char *cli_login(struct cli *cli)
{
	const struct crm_user *u = cli->store ? crm_store_user(cli->store) : NULL;

	return u ? u->login : "";
}

const char *cli_short_id(const char *id)
{
	static char buf[5];

	snprintf(buf, sizeof(buf), "%.4s", id);
	return buf;
}

void cli_touch(struct cli *cli, struct crm_record *r)
{
	char stamp[40];

	crm_date_now(cli->now, stamp, sizeof(stamp));
	crm_map_set_str(r->map, "updated", stamp);
}

/* The most memory the process has held so far (VmHWM), in MB; -1 when
 * it cannot be read. */
static long peak_mb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb / 1024;
}

void cli_trace_phase(const char *what)
{
	static double last;
	struct timespec ts;
	double now;
	const char *e = getenv("CRM_TRACE");

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
	if (e && *e && last > 0)
		fprintf(stderr, "crm: trace: %s %.2f ms, peak %ld MB\n", what,
			now - last, peak_mb());
	last = now;
}

/* Prints the phases of the last commit when CRM_TRACE is set. */
void cli_trace_commit(struct cli *cli)
{
	const struct crm_timings *t = crm_store_timings(cli->store);
	const char *e = getenv("CRM_TRACE");

	if (e == NULL || e[0] == '\0' || strcmp(e, "0") == 0)
		return;
	fprintf(stderr, "crm: trace: worktree %.2f ms\n", t->worktree_ms);
	fprintf(stderr, "crm: trace: tree+commit %.2f ms\n", t->tree_ms);
	fprintf(stderr, "crm: trace: ref %.2f ms\n", t->ref_ms);
	fprintf(stderr, "crm: trace: index %.2f ms%s\n", t->index_ms,
		t->index_fallback ? " (libgit2)" : "");
	fprintf(stderr, "crm: trace: pack %.2f ms\n", t->pack_ms);
}

/* The publish callback of every commit: prints line (may be NULL) and
 * flushes standard output just before the branch moves, so that what a
 * command says about a change reaches its reader first; when it cannot,
 * the change is not made (a script that could not learn the new id must
 * not retry into a duplicate). */
static int say_before_commit(void *data, struct crm_err *err)
{
	const char *line = data;

	if (line)
		fputs(line, stdout);
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		return crm_seterr(err, CRM_ERR, _("cannot write output: %s; "
				  "nothing changed"),
				  strerror(errno ? errno : EIO));
	return CRM_OK;
}

int cli_commit_say(struct cli *cli, struct crm_txn *txn, const char *subject,
		   const char *command, const char *line)
{
	int rc;

	crm_txn_on_publish(txn, say_before_commit, (void *)line);
	rc = crm_txn_commit(txn, subject, command, &cli->err);

	if (rc)
		return cli_fail(cli);
	cli_trace_commit(cli);
	return CRM_OK;
}

int cli_commit(struct cli *cli, struct crm_txn *txn, const char *subject,
	       const char *command)
{
	return cli_commit_say(cli, txn, subject, command, NULL);
}

int cli_commit_record_say(struct cli *cli, const struct crm_record *r,
			  const char *subject, const char *command,
			  const char *line)
{
	struct crm_txn *txn = crm_txn_new(cli->store);
	int rc = crm_txn_put(txn, r, &cli->err);

	rc = rc ? cli_fail(cli)
		: cli_commit_say(cli, txn, subject, command, line);
	crm_txn_free(txn);
	return rc;
}

int cli_commit_record(struct cli *cli, const struct crm_record *r,
		      const char *subject, const char *command)
{
	return cli_commit_record_say(cli, r, subject, command, NULL);
}

const char cli_no_home_msg[] =
	N_("there is no default store: HOME is not set (or not an absolute "
	   "path)");
const char cli_no_home_hint[] =
	N_("hint: use -C DIR, or set CRM_DIR or HOME");

const char *cli_default_store(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/crm", xdg);
	else if (home && home[0] == '/')
		n = snprintf(buf, size, "%s/.local/share/crm", home);
	else
		return NULL;
	return n > 0 && (size_t)n < size ? buf : NULL;
}

int cli_find_store(const char *dir_opt, char **root, struct crm_err *err)
{
	char def[PATH_MAX], cwd[PATH_MAX];
	const char *d = cli_default_store(def, sizeof(def));
	int rc;

	rc = crm_store_discover(dir_opt, getenv("CRM_DIR"),
				getcwd(cwd, sizeof(cwd)), d, root, err);
	if (rc == CRM_ENOSTORE && d == NULL && dir_opt == NULL &&
	    !(getenv("CRM_DIR") && getenv("CRM_DIR")[0])) {
		rc = crm_seterr(err, CRM_ENOSTORE, "%s", _(cli_no_home_msg));
		crm_err_hint(err, _(cli_no_home_hint));
	}
	return rc;
}

/* The login of the user whose e-mail is git's user.email, or NULL. */
static const char *user_from_git(struct crm_store *s)
{
	char gitdir[4096];
	char *email;

	snprintf(gitdir, sizeof(gitdir), "%s/.git", crm_store_root(s));
	email = crm_git_config_at(gitdir, "user.email");
	const struct crm_user *u = email ? crm_config_user_by_email(
		crm_store_config(s), email) : NULL;

	free(email);
	return u ? u->login : NULL;
}

/* The decimal separator of the locale's LC_NUMERIC, ',' or '.'; 0 when it
 * is something else. */
static char locale_decimal(void)
{
	const struct lconv *lc = localeconv();
	const char *dp = lc ? lc->decimal_point : NULL;

	if (dp && (strcmp(dp, ",") == 0 || strcmp(dp, ".") == 0))
		return dp[0];
	return 0;
}

/* Reports a store that did not open; when git is in the middle of an
 * operation (a conflicted crm.yaml does not parse), says how to finish. */
static int open_failed(struct cli *cli)
{
	enum crm_gitop op = cli->store ? crm_store_gitop(cli->store)
				       : CRM_GITOP_NONE;
	int rc = cli_fail(cli);

	if (op != CRM_GITOP_NONE)
		fprintf(stderr, _("hint: %s\n%s\n"), crm_gitop_describe(op),
			crm_gitop_hint(op));
	return rc;
}

/* Warns of each automation rule of crm.yaml that cannot run, as a
 * command that writes reads it: such a rule refuses the changes that
 * would fire it (crm-automate(1)). */
static void warn_rules(const struct cli *cli)
{
	const struct crm_config *cfg = crm_store_config(cli->store);
	size_t i;

	for (i = 0; !cli->quiet && i < cfg->nrules; i++)
		if (cfg->rules[i].problem)
			cli_warning(_("crm.yaml: line %d: automation rule '%s' "
				      "cannot run: %s"), cfg->rules[i].line,
				    cfg->rules[i].name, cfg->rules[i].problem);
}

/* Opens the store for a command and, for one that writes, picks the
 * acting user. */
static int open_store(struct cli *cli, bool writes)
{
	char *root = NULL;
	const char *login;
	int rc;

	rc = cli_find_store(cli->dir_opt, &root, &cli->err);
	if (rc)
		return cli_fail(cli);
	rc = crm_store_open(root, &cli->store, &cli->err);
	free(root);
	if (rc)
		return open_failed(cli);
	crm_store_set_input(cli->store, cli->now, locale_decimal());
	login = cli->user ? cli->user : writes ? user_from_git(cli->store) : NULL;
	if (login && crm_store_set_user(cli->store, login, &cli->err))
		return cli_fail(cli);
	if (writes)
		warn_rules(cli);
	return CRM_OK;
}

/* Exports the context a crm-NAME command needs, as git does for git-NAME:
 * the store crm would use (CRM_DIR), the output format and the user; with
 * -C, the external command runs in that directory. */
static int export_context(struct cli *cli)
{
	char def[PATH_MAX], cwd[PATH_MAX], *root = NULL;

	if (crm_store_discover(cli->dir_opt, getenv("CRM_DIR"),
			       getcwd(cwd, sizeof(cwd)),
			       cli_default_store(def, sizeof(def)), &root,
			       NULL) == CRM_OK)
		setenv("CRM_DIR", root, 1);
	free(root);
	if (cli->format_set)
		setenv("CRM_FORMAT", cli_format_name(cli->format), 1);
	if (cli->user)
		setenv("CRM_USER", cli->user, 1);
	if (cli->quiet)
		setenv("CRM_QUIET", "1", 1);
	if (!cli->color)
		setenv("NO_COLOR", "1", 1);
	if (cli->dir_opt && chdir(cli->dir_opt) != 0)
		return cli_error(cli, CRM_ERR, _("cannot change to '%s': %s"),
				 cli->dir_opt, strerror(errno));
	return CRM_OK;
}

/* Runs crm-NAME from PATH, as git does; returns only on failure. */
static int run_external(struct cli *cli, const char *name, char **argv)
{
	char prog[256];
	const struct cmd *c;
	const char *cands[64], *hint;
	size_t n = 0;

	snprintf(prog, sizeof(prog), "crm-%s", name);
	argv[0] = prog;
	if (strchr(name, '/') == NULL && name[0] != '-') {
		if (export_context(cli))
			return CRM_ERR | CLI_REPORTED;
		execvp(prog, argv);
	}
	for (c = crm_commands; c->name && n < 64; c++)
		if (!(c->flags & CMD_HIDDEN))
			cands[n++] = c->name;
	hint = crm_suggest(name, cands, n);
	cli_error(cli, CRM_EUSAGE, _("'%s' is not a crm command. See 'crm help'."),
		  name);
	if (hint)
		fprintf(stderr, _("hint: did you mean 'crm %s'?\n"), hint);
	return CRM_EUSAGE | CLI_REPORTED;
}

const char *cli_format_name(enum out_format f)
{
	return f < FMT_COUNT ? cli_format_names[f] : "?";
}

/* Applies the global options found in p (given before or after the
 * command) to cli; options not given leave cli as it is. */
static void apply_globals(struct cli *cli, const struct parsed *p)
{
	int f = opt_keyword(p, "format", -1);

	if (opt_get(p, NULL, "C"))
		cli->dir_opt = opt_get(p, NULL, "C");
	if (opt_given(p, "quiet"))
		cli->quiet = true;
	if (opt_get(p, NULL, "user"))
		cli->user = opt_get(p, NULL, "user");
	if (opt_given(p, "no-color"))
		cli->color = false;
	if (opt_given(p, "no-pager"))
		cli->no_pager = true;
	if (f >= 0) {
		cli->format = (enum out_format)f;
		cli->format_set = true;
	}
}

/* Refuses a --format that command c does not print. */
static int check_format(struct cli *cli, const struct cmd *c)
{
	unsigned have = c->formats ? c->formats : FMT_BIT(FMT_TABLE);
	struct crm_buf b = {0};
	int f;

	if (!cli->format_set || (have & FMT_BIT(cli->format)))
		return CRM_OK;
	for (f = 0; f < FMT_COUNT; f++)
		if (have & FMT_BIT(f))
			crm_buf_addf(&b, "%s%s", b.len ? ", " : "",
				     cli_format_name((enum out_format)f));
	cli_usage_error(c, _("'crm %s' does not print --format %s (it prints: "
			     "%s)"), c->name, cli_format_name(cli->format), b.s);
	crm_buf_free(&b);
	return CRM_EUSAGE | CLI_REPORTED;
}

/* The lock timeout from CRM_LOCK_TIMEOUT (seconds), default 60 s. */
static long lock_timeout(void)
{
	const char *e = getenv("CRM_LOCK_TIMEOUT");
	char *end;
	long v;

	if (e == NULL || e[0] == '\0')
		return 60000;
	v = strtol(e, &end, 10);
	if (*end != '\0' || v < 0 || v > 86400)
		return 60000;
	return v * 1000;
}

/* True when global option arg ("-C", "--format") takes the next argument
 * as its value. */
static bool global_takes_next(const char *arg)
{
	const struct opt_spec *o;

	for (o = global_opts; o->name; o++) {
		if (o->kind == OPT_FLAG)
			continue;
		if ((arg[1] == '-' && strcmp(arg + 2, o->name) == 0) ||
		    (arg[1] == o->shortname && arg[2] == '\0'))
			return true;
	}
	return false;
}

/* Counts the leading global options of argv (up to the command). */
static int count_globals(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || strcmp(argv[i], "-") == 0)
			break;
		if (strcmp(argv[i], "--") == 0)
			return i;
		if (global_takes_next(argv[i]) && i + 1 < argc)
			i++;
	}
	return i - 1;
}

const struct cmd *cli_find_subcommand(const struct cmd *c, const char *name)
{
	const struct cmd *s;
	size_t len = strlen(c->name);

	for (s = c->subs; s && s->name; s++)
		if (strcmp(s->name + len + 1, name) == 0)
			return s;
	return NULL;
}

/* Reports that name (NULL: none given) is no subcommand of c, with the
 * nearest one as a hint. */
static int no_such_subcommand(const struct cmd *c, const char *name)
{
	const char *cands[32], *hint;
	const struct cmd *s;
	size_t n = 0, len = strlen(c->name);

	for (s = c->subs; s->name && n < 32; s++)
		cands[n++] = s->name + len + 1;
	if (name == NULL)
		return cli_usage_error(c, _("which subcommand of 'crm %s'?"),
				       c->name);
	hint = crm_suggest(name, cands, n);
	if (hint)
		return cli_usage_error(c, _("unknown subcommand '%s' of 'crm %s' "
				       "(did you mean 'crm %s %s'?)"), name,
				       c->name, c->name, hint);
	return cli_usage_error(c, _("unknown subcommand '%s' of 'crm %s'"),
			       name, c->name);
}

/* True when argv (a command's arguments) asks for its help. */
static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

/*
 * The one place that keeps commands from writing to a store in the
 * middle of a git operation or with conflicted files: a command that
 * writes is refused before it starts (crm_txn_commit refuses too); one
 * that reads says, on stderr, that what it shows is the last commit.
 */
static int check_git_state(struct cli *cli, const struct cmd *c)
{
	enum crm_gitop op;

	if (c->flags & (CMD_LOCK | CMD_WRITES))
		return crm_store_check_writable(cli->store, &cli->err)
		       ? cli_fail(cli) : CRM_OK;
	if ((c->flags & CMD_GITSTATE) || cli->quiet)
		return CRM_OK;
	op = crm_store_gitop(cli->store);
	if (op != CRM_GITOP_NONE)
		cli_warning(_("%s: crm shows the records of the last commit "
			      "(see 'crm status')"), crm_gitop_describe(op));
	return CRM_OK;
}

/* Opens the store and takes the lock as command c's flags ask. */
static int set_up(struct cli *cli, const struct cmd *c)
{
	int rc;

	if ((c->flags & CMD_STORE) &&
	    (rc = open_store(cli, c->flags & (CMD_LOCK | CMD_WRITES))))
		return rc;
	if ((c->flags & CMD_LOCK) &&
	    crm_store_lock(cli->store, cli->lock_timeout_ms, &cli->err))
		return cli_fail(cli);
	if (cli->store && isatty(STDERR_FILENO) && !cli->quiet)
		crm_store_set_progress(cli->store, cli_progress, NULL);
	/* under the lock: what the check reads (HEAD, the index) is what
	 * the command then works on */
	if (cli->store)
		return check_git_state(cli, c);
	return CRM_OK;
}

/* Runs command c (or the subcommand its first argument names) with its
 * arguments; argv[0] is the command's name. */
static int run_command(struct cli *cli, const struct cmd *c, int argc,
		       char **argv)
{
	struct parsed p = {0};
	const struct cmd *sub;
	int rc;

	if (c->subs && argc > 1 && (sub = cli_find_subcommand(c, argv[1])))
		return run_command(cli, sub, argc - 1, argv + 1);
	if (wants_help(argc, argv)) {
		cli_print_command_help(c, stdout);
		return CRM_OK;
	}
	if (c->subs && c->fn == NULL)
		return no_such_subcommand(c, argc > 1 ? argv[1] : NULL);
	cli->cmd = c;
	rc = cli_parse(c->opts, (c->flags & CMD_NO_GLOBALS) ? NULL : global_opts,
		       c->name, c->flags & CMD_DASH, cli->now, argc - 1,
		       argv + 1, &p, &cli->err);
	if (rc) {
		rc = cli_usage_fail(cli, c);
		goto out;
	}
	apply_globals(cli, &p);
	if ((rc = check_format(cli, c)) || (rc = set_up(cli, c)))
		goto out;
	if (c->flags & CMD_PAGER)
		pager_start(cli->no_pager);
	rc = c->fn(cli, &p);
out:
	cli_parsed_free(&p);
	return rc;
}

/* The directory of the running binary into buf, or "" when unknown. */
static const char *exe_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n <= 0)
		n = 0;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	else
		buf[0] = '\0';
	return buf;
}

/* Sets up translation: CRM_LOCALEDIR's catalogue when set, else the one
 * beside a binary run from its build directory (build/locale), else the
 * installed one. */
static void setup_i18n(void)
{
	const char *dir = getenv("CRM_LOCALEDIR");
	char exe[PATH_MAX], local[PATH_MAX + 16];
	struct stat st;

	setlocale(LC_ALL, "");
	if (dir == NULL || dir[0] == '\0') {
		snprintf(local, sizeof(local), "%s/locale", exe_dir(exe, sizeof(exe)));
		dir = exe[0] && stat(local, &st) == 0 && S_ISDIR(st.st_mode)
		      ? local : CRM_LOCALEDIR;
	}
	bindtextdomain("crm", dir);
	bind_textdomain_codeset("crm", "UTF-8");
	textdomain("crm");
}

#ifndef CRM_MODULE_DIR
#define CRM_MODULE_DIR "/usr/local/lib/crm"
#endif

/*
 * Tells the library where its modules (crm-phone.so and the others) are:
 * next to the program when it runs from its build directory, else where
 * make install puts them.  Nothing is loaded here.
 */
static void setup_modules(void)
{
	char exe[PATH_MAX], path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/crm-phone.so", exe_dir(exe, sizeof(exe)));
	crm_module_set_dir(exe[0] && access(path, F_OK) == 0 ? exe
							     : CRM_MODULE_DIR);
}

/* The exit code for status rc (see crm(1)): library statuses are not
 * exit codes, and this is the one place that maps them. */
static int exit_code(int rc)
{
	switch (rc & ~CLI_REPORTED) {
	case CRM_OK: return 0;
	case CRM_EUSAGE: return 2;
	case CRM_ENOTFOUND: return 3;
	case CRM_EAMBIGUOUS: return 4;
	case CRM_ELOCKED: return 5;
	case CRM_ENOSTORE: return 6;
	case CLI_EFINDINGS: return 10;
	default: return 1;
	}
}

/* Runs what the arguments after the global options ask for. */
static int dispatch(struct cli *cli, const struct parsed *g, int ng,
		    int argc, char **argv)
{
	const struct cmd *c;
	bool help = opt_given(g, "help");

	if (opt_given(g, "version")) {
		printf("crm %s\n", CRM_VERSION);
		return CRM_OK;
	}
	if (ng + 1 >= argc || help) {
		cli_print_main_help(help ? stdout : stderr);
		return help ? CRM_OK : CRM_EUSAGE | CLI_REPORTED;
	}
	c = cli_find_command(argv[ng + 1]);
	if (c == NULL)
		return run_external(cli, argv[ng + 1], argv + ng + 1);
	setup_modules();
	return run_command(cli, c, argc - ng - 1, argv + ng + 1);
}

/* Fixes the local time zone the library reads dates in.  With TZ unset,
 * glibc checks /etc/localtime again at every mktime(), one stat() per
 * date a command reads (a quarter of crm task due over 5,000 tasks);
 * naming the same file in TZ lets it check once. */
static void fix_time_zone(void)
{
	if (getenv("TZ") == NULL)
		setenv("TZ", ":/etc/localtime", 0);
	tzset();
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	struct parsed g = {0};
	int ng, rc;

	setup_i18n();
	cli_add_options_init();
	cli.now = time(NULL);
	fix_time_zone();
	cli.lock_timeout_ms = lock_timeout();
	cli.color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	if (getenv("CRM_USER") && getenv("CRM_USER")[0])
		cli.user = getenv("CRM_USER");
	ng = count_globals(argc, argv);
	if (cli_parse(global_opts, NULL, "", false, cli.now, ng, argv + 1, &g,
		      &cli.err)) {
		rc = cli_usage_fail(&cli, NULL);
		goto out;
	}
	apply_globals(&cli, &g);
	rc = dispatch(&cli, &g, ng, argc, argv);
out:
	if (rc != CRM_OK && !(rc & CLI_REPORTED) && cli.err.msg[0])
		cli_fail(&cli);
	cli_parsed_free(&g);
	crm_store_close(cli.store);
	if (fflush(stdout) != 0 && rc == CRM_OK)
		rc = cli_error(&cli, CRM_ERR, _("cannot write output: %s"),
			       strerror(errno));
	return exit_code(rc);
}
