/*
 * cmd-task.c - crm task add|due|list|move|rm: the open tasks of the
 * sales process.  crm task done lives in a file of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const priority_words[] = {"high", "normal", "low", NULL};

const struct opt_spec task_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

const struct opt_spec task_add_opts[] = {
	{"for", 0, OPT_REF, N_("REF"),
	 N_("the company, contact or deal the task is for")},
	{"due", 0, OPT_VALUE, N_("WHEN"), N_("when it is due")},
	{"owner", 0, OPT_VALUE, N_("LOGIN"),
	 N_("who does it (default: the owner of what it is for)")},
	{"priority", 0, OPT_ENUM, N_("PRIORITY"), N_("high, normal or low"),
	 priority_words},
	{"note", 0, OPT_VALUE, N_("TEXT"), N_("notes on the task")},
	{"tag", 0, OPT_LIST, N_("TAG"), N_("a tag (repeatable)")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

const struct opt_spec task_due_opts[] = {
	{"owner", 0, OPT_VALUE, N_("LOGIN"),
	 N_("the tasks of this user (default: yours)")},
	{"all", 0, OPT_FLAG, NULL, N_("the tasks of every user")},
	{"overdue", 0, OPT_FLAG, NULL, N_("only the overdue tasks")},
	{"within", 0, OPT_VALUE, N_("DAYS"),
	 N_("the days after today to show, such as 2d or 1w (default 7d)")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

const struct opt_spec task_move_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};
const struct opt_spec task_rm_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

/* The days crm task due shows after today when --within is not given. */
#define DUE_DAYS_DEFAULT 7
/* The most days --within takes (ten years). */
#define DUE_DAYS_MAX 3660

/* The words of p->pos[from..] joined by spaces.  Caller owns it. */
static char *join_words(const struct parsed *p, size_t from)
{
	struct crm_buf b = {0};
	size_t i;

	for (i = from; i < p->npos; i++) {
		if (i > from)
			crm_buf_addc(&b, ' ');
		crm_buf_adds(&b, p->pos[i]);
	}
	return b.s ? crm_buf_detach(&b) : crm_xstrdup("");
}

/* True when s is nothing but white space. */
static bool blank(const char *s)
{
	return s[strspn(s, " \t\n\v\f\r")] == '\0';
}

/* What a task's REF may name: tasks only. */
static const struct cli_ref task_ref = {"task", NULL, CRM_TYPE_BIT(CRM_TASK)};

int cli_task_default_owner(struct cli *cli, struct crm_record *task)
{
	const struct crm_config *cfg = crm_store_config(cli->store);
	const char *for_id = crm_map_str(task->map, "for"), *owner = NULL;
	struct crm_record *parent = NULL;
	enum crm_type t;

	if (for_id && crm_store_find_id(cli->store, for_id, &t, &cli->err) ==
	    CRM_OK && crm_store_read(cli->store, t, for_id, &parent,
				     &cli->err) == CRM_OK)
		owner = crm_map_str(parent->map, "owner");
	/* an owner who is no user any more hands it to whoever adds it */
	if (owner == NULL || crm_config_user(cfg, owner) == NULL)
		owner = cli_login(cli)[0] ? cli_login(cli) : NULL;
	if (owner)
		crm_map_set_str(task->map, "owner", owner);
	crm_record_free(parent);
	return CRM_OK;
}

/* Sets field of r to value as crm set would; a bad value is a usage
 * error. */
static int set_value(struct cli *cli, struct crm_record *r, const char *field,
		     char op, const char *value)
{
	if (crm_record_set_field(r, field, op, value,
				 crm_store_config(cli->store), cli_login(cli),
				 cli->now, &cli->err) == CRM_OK)
		return CRM_OK;
	return cli_usage_fail(cli, cli->cmd);
}

/* Fills the new task r from the options: for (resolved), due, priority,
 * notes, tags, owner. */
static int task_fields(struct cli *cli, struct parsed *p, struct crm_record *r)
{
	static const struct cli_ref for_ref = {"task", "--for",
		CRM_TYPE_BIT(CRM_COMPANY) | CRM_TYPE_BIT(CRM_CONTACT) |
		CRM_TYPE_BIT(CRM_DEAL) | CRM_PREFER(CRM_COMPANY)};
	const struct opt_values *tags = opt_all(p, task_add_opts, "tag");
	const char *v;
	char id[CRM_ID_LEN + 1];
	enum crm_type t;
	size_t i;
	int rc;

	if ((rc = cli_resolve(cli, &for_ref, opt_get(p, task_add_opts, "for"),
			      &t, id)) ||
	    (rc = set_value(cli, r, "for", '=', id)) ||
	    (rc = set_value(cli, r, "due", '=',
			    opt_get(p, task_add_opts, "due"))))
		return rc;
	if ((v = opt_get(p, task_add_opts, "priority")) &&
	    (rc = set_value(cli, r, "priority", '=', v)))
		return rc;
	if ((v = opt_get(p, task_add_opts, "note")) &&
	    (rc = set_value(cli, r, "notes", '=', v)))
		return rc;
	for (i = 0; i < tags->count; i++)
		if ((rc = set_value(cli, r, "tags", '+', tags->vals[i])))
			return rc;
	if ((v = opt_get(p, task_add_opts, "owner")))
		return set_value(cli, r, "owner", '=', v);
	return cli_task_default_owner(cli, r);
}

/* Checks what crm task add needs before anything is looked up. */
static int check_add_args(struct cli *cli, struct parsed *p, const char *title)
{
	const char *due = opt_get(p, task_add_opts, "due");

	if (blank(title))
		return cli_usage_error(cli->cmd, _("a task needs a title"));
	if (!crm_utf8_valid(title, strlen(title)))
		return cli_usage_error(cli->cmd,
				       _("the title is not valid UTF-8"));
	if (opt_get(p, task_add_opts, "for") == NULL)
		return cli_usage_error(cli->cmd, _("a task needs --for REF: "
				       "the company, contact or deal it is for"));
	if (due == NULL || blank(due))
		return cli_usage_error(cli->cmd, _("a task needs --due WHEN "
				       "(such as 'tomorrow 10:00' or +3d)"));
	return CRM_OK;
}

/* crm task add TITLE... --for REF --due WHEN */
int cmd_task_add(struct cli *cli, struct parsed *p)
{
	const struct crm_config *cfg = crm_store_config(cli->store);
	struct crm_record *r = NULL;
	char id[CRM_ID_LEN + 1], subject[512], line[CRM_ID_LEN + 2];
	char *title = join_words(p, 0);
	int rc;

	if ((rc = check_add_args(cli, p, title)))
		goto out;
	if ((rc = crm_store_new_id(cli->store, id, &cli->err))) {
		rc = cli_fail(cli);
		goto out;
	}
	r = crm_record_new(CRM_TASK, id, title, cli->now);
	if ((rc = task_fields(cli, p, r)))
		goto out;
	if (crm_record_normalize(r, cfg, cli->now, &cli->err) != CRM_OK ||
	    crm_record_validate(r, cfg, &cli->err) != CRM_OK) {
		rc = cli_fail(cli);
		goto out;
	}
	snprintf(subject, sizeof(subject), "task %s: add %s", cli_short_id(id),
		 title);
	snprintf(line, sizeof(line), "%s\n", id);
	rc = cli_commit_record_say(cli, r, subject, "task add",
				   cli->quiet ? NULL : line);
out:
	crm_record_free(r);
	free(title);
	return rc;
}

/* ---- crm task due ---- */

/* The output of crm task due. */
struct due_out {
	struct cli *cli;
	struct table tab;
	bool overdue_only;
	char last[16];     /* the group of the row before */
	size_t n;
};

/* Reads --within ("2d", "1w", "3"): days after today into *days. */
static int within_days(struct cli *cli, const char *s, int *days)
{
	char *end;
	long v;

	if (s[0] >= '0' && s[0] <= '9') {
		v = strtol(s, &end, 10);
		if (*end == 'w' && end[1] == '\0')
			v *= 7;
		else if (!((*end == 'd' && end[1] == '\0') || *end == '\0'))
			v = -1;
		if (v >= 0 && v <= DUE_DAYS_MAX) {
			*days = (int)v;
			return CRM_OK;
		}
	}
	return cli_usage_error(cli->cmd, _("--within needs a number of days "
			       "such as 2d or 1w, not '%s'"), s);
}

/* The state of task t at now: overdue, today or later. */
static enum crm_task_state due_state(const struct crm_due_task *t, time_t now)
{
	struct crm_next_task nt = {.found = true, .has_due = true,
				   .due_at = t->due_at};

	snprintf(nt.due, sizeof(nt.due), "%s", t->due);
	return crm_task_state(&nt, now);
}

/* The group of a task in state st due at due_at: "overdue", "today" or
 * its local day, into key (>= 16 bytes). */
static void due_group(enum crm_task_state st, long long due_at, char *key,
		      size_t size)
{
	time_t when = (time_t)due_at;
	struct tm tm;

	if (st == CRM_TASK_OVERDUE || st == CRM_TASK_TODAY) {
		snprintf(key, size, "%s", st == CRM_TASK_OVERDUE ? "overdue"
							       : "today");
		return;
	}
	localtime_r(&when, &tm);
	if (strftime(key, size, "%Y-%m-%d", &tm) == 0)
		key[0] = '\0';
}

/* The label of group key for people ("overdue", "tomorrow", "Thu
 * 2026-12-03"), translated, into buf. */
static void group_label(const char *key, time_t now, char *buf, size_t size)
{
	static const char *const wdays[] = {
		N_("Sun"), N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"),
		N_("Fri"), N_("Sat"),
	};
	char tomorrow[16];
	time_t t = crm_day_start(now, 1);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(tomorrow, sizeof(tomorrow), "%Y-%m-%d", &tm);
	if (strcmp(key, "overdue") == 0 || strcmp(key, "today") == 0)
		snprintf(buf, size, "%s", strcmp(key, "today") == 0 ? _("today")
					  : _("overdue"));
	else if (strcmp(key, tomorrow) == 0)
		snprintf(buf, size, "%s", _("tomorrow"));
	else if (strptime(key, "%Y-%m-%d", &tm) != NULL) {
		tm.tm_isdst = -1;
		t = mktime(&tm);
		localtime_r(&t, &tm);
		snprintf(buf, size, "%s %s", _(wdays[tm.tm_wday % 7]), key);
	} else
		snprintf(buf, size, "%s", key);
}

/* The style of a row of state st. */
static enum table_style due_style(enum crm_task_state st)
{
	return st == CRM_TASK_OVERDUE ? TSTYLE_RED
	       : st == CRM_TASK_TODAY ? TSTYLE_YELLOW : TSTYLE_PLAIN;
}

/* Writes "key": value, with value NULL or "" as null. */
static void json_pair(const char *key, const char *value, bool first)
{
	printf("%s\n      ", first ? "" : ",");
	json_string(stdout, key);
	fputs(": ", stdout);
	if (value && value[0])
		json_string(stdout, value);
	else
		fputs("null", stdout);
}

/* One task as JSON. */
static void due_json(struct due_out *o, const struct crm_due_task *t,
		     const char *group)
{
	const char *type = t->for_type < CRM_NTYPES
			   ? crm_type_name(t->for_type) : NULL;

	printf("%s\n    {", o->n ? "," : "");
	json_pair("id", t->id, true);
	json_pair("group", group, false);
	json_pair("due", t->due, false);
	json_pair("name", t->name, false);
	json_pair("priority", t->priority, false);
	json_pair("owner", t->owner, false);
	json_pair("for", t->for_id, false);
	json_pair("for_type", type, false);
	json_pair("client", t->client_id, false);
	json_pair("client_name", t->client_name, false);
	json_pair("phone", t->phone, false);
	json_pair("deal", t->deal_id, false);
	json_pair("deal_name", t->deal_name, false);
	fputs("\n    }", stdout);
}

/* One task as a row of the table (CSV, TSV, ids): the group shown on its
 * first row only in a table for people, on every row for scripts. */
static void due_row(struct due_out *o, const struct crm_due_task *t,
		    const char *group, enum crm_task_state st)
{
	char label[64] = "", *when = cli_when_text(t->due);
	const char *cells[9];

	if (o->cli->format != FMT_TABLE)
		snprintf(label, sizeof(label), "%s", group);
	else if (strcmp(group, o->last) != 0)
		group_label(group, o->cli->now, label, sizeof(label));
	cells[0] = label;
	cells[1] = when;
	cells[2] = t->name;
	cells[3] = t->client_name;
	cells[4] = t->phone;
	cells[5] = t->deal_name;
	cells[6] = t->priority;
	cells[7] = t->owner;
	cells[8] = t->id;
	table_add_row(&o->tab, t->id, cells, due_style(st), NULL);
	free(when);
}

/* crm_tasks_due callback: prints one task. */
static int print_due(const struct crm_due_task *t, void *data)
{
	struct due_out *o = data;
	enum crm_task_state st = due_state(t, o->cli->now);
	char group[16];

	if (o->overdue_only && st != CRM_TASK_OVERDUE)
		return 0;
	due_group(st, t->due_at, group, sizeof(group));
	if (o->cli->format == FMT_JSON)
		due_json(o, t, group);
	else
		due_row(o, t, group, st);
	snprintf(o->last, sizeof(o->last), "%s", group);
	o->n++;
	return 0;
}

/* The owner crm task due shows (NULL: every one); reports an unknown
 * user. */
static int due_owner(struct cli *cli, struct parsed *p, const char **owner)
{
	const struct crm_config *cfg = crm_store_config(cli->store);
	const char *o = opt_get(p, task_due_opts, "owner");

	if (o && opt_flag(p, task_due_opts, "all"))
		return cli_usage_error(cli->cmd, _("--owner and --all cannot "
				       "be given together"));
	if (opt_flag(p, task_due_opts, "all")) {
		*owner = NULL;
		return CRM_OK;
	}
	if (o == NULL) {
		*owner = cli_login(cli)[0] ? cli_login(cli) : NULL;
		return CRM_OK;
	}
	*owner = o;
	if (crm_config_check_user(cfg, o, &cli->err) == CRM_OK)
		return CRM_OK;
	return cli_usage_fail(cli, cli->cmd);
}

/* The end of crm task due's output. */
static void due_finish(struct due_out *o, int rc)
{
	if (o->cli->format == FMT_JSON) {
		if (rc == CRM_OK)
			printf("%s]\n}\n", o->n ? "\n  " : "");
		return;
	}
	table_finish(&o->tab, rc == CRM_OK &&
		     (o->n || o->cli->format != FMT_TABLE));
	if (rc == CRM_OK && o->n == 0 && o->cli->format == FMT_TABLE &&
	    !o->cli->quiet)
		printf("%s\n", _("nothing due"));
}

/* crm task due [--owner U | --all] [--overdue] [--within N] [QUERY] */
int cmd_task_due(struct cli *cli, struct parsed *p)
{
	static const struct table_col cols[] = {
		{NC_("column", "DAY"), 95, 0, 0},
		{NC_("column", "DUE"), 85, 0, 0},
		{NC_("column", "TASK"), 90, TCOL_SHRINK, 16},
		{NC_("column", "CLIENT"), 80, TCOL_SHRINK, 12},
		{NC_("column", "PHONE"), 70, 0, 0},
		{NC_("column", "DEAL"), 60, TCOL_SHRINK, 0},
		{NC_("column", "PRIORITY"), 30, 0, 0},
		{NC_("column", "OWNER"), 40, TCOL_SHRINK, 0},
		{NC_("column", "ID"), 100, 0, 0},
	};
	const char *within = opt_get(p, task_due_opts, "within");
	struct due_out o = {.cli = cli};
	struct crm_due_query q = {0};
	struct crm_query *query = NULL;
	int rc, days = DUE_DAYS_DEFAULT;

	o.overdue_only = opt_flag(p, task_due_opts, "overdue");
	if (o.overdue_only && within)
		return cli_usage_error(cli->cmd, _("--overdue and --within "
				       "cannot be given together"));
	if ((within && (rc = within_days(cli, within, &days))) ||
	    (rc = due_owner(cli, p, &q.owner)))
		return rc;
	if (crm_query_parse((const char *const *)p->pos, p->npos, cli->now,
			    &query, &cli->err))
		return cli_usage_fail(cli, cli->cmd);
	q.query = query;
	q.now = cli->now;
	q.until = o.overdue_only ? (long long)cli->now + 1
				 : (long long)crm_day_start(cli->now, days + 1);
	if (cli->format == FMT_JSON)
		printf("{\n  \"format_version\": 1,\n  \"tasks\": [");
	else
		table_init_cols(&o.tab, 9, cols, cli, stdout);
	rc = crm_tasks_due(cli->store, &q, print_due, &o, &cli->err);
	due_finish(&o, rc);
	crm_query_free(query);
	if (rc == CRM_EUSAGE)
		return cli_usage_fail(cli, cli->cmd);
	return rc ? cli_fail(cli) : CRM_OK;
}

/* ---- crm task list, move, rm ---- */

/* crm task list [QUERY]: crm list task, sorted by due. */
int cmd_task_list(struct cli *cli, struct parsed *p)
{
	char **pos = crm_xcalloc(p->npos + 1, sizeof(*pos));
	char **saved = p->pos;
	size_t saved_n = p->npos;
	int rc;

	pos[0] = (char *)"task";
	if (p->npos)
		memcpy(pos + 1, p->pos, p->npos * sizeof(*pos));
	p->pos = pos;
	p->npos++;
	rc = cmd_list(cli, p);
	p->pos = saved;
	p->npos = saved_n;
	free(pos);
	return rc;
}

/* Reads WHEN (the words after the task) as a due date's stored form
 * into buf. */
static int move_date(struct cli *cli, struct parsed *p, char *buf,
		     size_t size)
{
	char *when = join_words(p, 1);
	struct crm_date d;
	int rc = CRM_OK;

	if (blank(when))
		rc = cli_usage_error(cli->cmd, _("when should it be due?"));
	else if (crm_date_parse_as(when, cli->now, CRM_DATE_WHEN, &d,
				   &cli->err) != CRM_OK)
		rc = cli_usage_fail(cli, cli->cmd);
	else
		crm_date_format(&d, buf, size);
	free(when);
	return rc;
}

/* crm task move TASK WHEN... */
int cmd_task_move(struct cli *cli, struct parsed *p)
{
	struct crm_record *r = NULL;
	char to[64], from[64], subject[512], line[256];
	char *shown = NULL;
	bool same;
	int rc;

	if (p->npos < 2)
		return cli_usage_error(cli->cmd, p->npos ? _("when should it "
				       "be due?") : _("which task?"));
	if ((rc = move_date(cli, p, to, sizeof(to))) ||
	    (rc = cli_load(cli, &task_ref, p->pos[0], &r)))
		return rc;
	snprintf(from, sizeof(from), "%s", crm_map_str(r->map, "due")
		 ? crm_map_str(r->map, "due") : "none");
	if (crm_task_reschedule(r, to, cli_login(cli), cli->now, &same,
				&cli->err)) {
		rc = cli_fail(cli);
		goto out;
	}
	shown = cli_when_text(to);
	if (same) {
		if (!cli->quiet)
			printf(_("task %s is due %s already; nothing to "
				 "change\n"), cli_short_id(r->id), shown);
		goto out;
	}
	snprintf(subject, sizeof(subject), "task %s: due %s -> %s",
		 cli_short_id(r->id), from, to);
	snprintf(line, sizeof(line), _("moved task %s to %s\n"),
		 cli_short_id(r->id), shown);
	rc = cli_commit_record_say(cli, r, subject, "task move",
				   cli->quiet ? NULL : line);
out:
	free(shown);
	crm_record_free(r);
	return rc;
}

/* crm task rm TASK */
int cmd_task_rm(struct cli *cli, struct parsed *p)
{
	struct crm_record *r = NULL;
	struct crm_txn *txn;
	char subject[512], line[128];
	int rc;

	if ((rc = cli_nargs(cli->cmd, p, 1)) ||
	    (rc = cli_load(cli, &task_ref, p->pos[0], &r)))
		return rc;
	snprintf(subject, sizeof(subject), "task %s: remove %s",
		 cli_short_id(r->id), crm_record_name(r));
	snprintf(line, sizeof(line), _("removed task %s\n"), r->id);
	txn = crm_txn_new(cli->store);
	crm_txn_delete(txn, CRM_TASK, r->id);
	rc = cli_commit_say(cli, txn, subject, "task rm",
			    cli->quiet ? NULL : line);
	crm_txn_free(txn);
	crm_record_free(r);
	return rc;
}
