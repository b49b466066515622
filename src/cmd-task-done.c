/*
 * cmd-task-done.c - crm task done: a finished task becomes an entry of
 * the timeline of its record (kind task, the task's id), its file is
 * removed, and the follow-up task --next names is made, all in one
 * commit.  An active record left without an open task is warned about,
 * or with --strict (or require_next_task: true) refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec task_done_opts[] = {
	{"outcome", 0, OPT_VALUE, N_("TEXT"), N_("what came of it")},
	{"next", 0, OPT_VALUE, N_("TITLE"),
	 N_("the follow-up task, for the same record and owner")},
	{"due", 0, OPT_VALUE, N_("WHEN"), N_("when the follow-up task is due")},
	{"strict", 0, OPT_FLAG, NULL,
	 N_("refuse to leave an active record without an open task")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* What one task done changes. */
struct done {
	struct crm_record *task;   /* the task finished */
	struct crm_record *parent; /* the record it was for */
	struct crm_record *next;   /* the follow-up, or NULL */
};

/* Reads the task's record into d->parent; reports it missing. */
static int load_parent(struct cli *cli, struct done *d)
{
	const char *for_id = crm_map_str(d->task->map, "for");
	enum crm_type t;

	if (for_id == NULL || !crm_id_valid(for_id) ||
	    crm_store_find_id(cli->store, for_id, &t, &cli->err) != CRM_OK)
		return cli_error(cli, CRM_ENOTFOUND, _("the record of task %s "
				 "('%s') is missing"), cli_short_id(d->task->id),
				 for_id ? for_id : "");
	if (crm_store_read(cli->store, t, for_id, &d->parent, &cli->err))
		return cli_fail(cli);
	return CRM_OK;
}

/* Sets field key of r to value as crm set would; reports a bad value. */
static int set_value(struct cli *cli, struct crm_record *r, const char *key,
		     const char *value)
{
	if (crm_record_set_field(r, key, '=', value,
				 crm_store_config(cli->store), cli_login(cli),
				 cli->now, &cli->err))
		return cli_fail_as(cli, CRM_EUSAGE);
	return CRM_OK;
}

/* Makes the follow-up task titled title, due when, for the same record
 * and owner as the task, into d->next. */
static int make_next(struct cli *cli, struct done *d, const char *title,
		     const char *when)
{
	const char *owner = crm_map_str(d->task->map, "owner");
	char id[CRM_ID_LEN + 1];
	int rc;

	if (title[strspn(title, " \t\n\v\f\r")] == '\0')
		return cli_usage_error(cli->cmd, _("--next needs a title"));
	if (crm_store_new_id(cli->store, id, &cli->err))
		return cli_fail(cli);
	d->next = crm_record_new(CRM_TASK, id, title, cli->now);
	crm_map_set_str(d->next->map, "for", d->parent->id);
	if ((rc = set_value(cli, d->next, "due", when)))
		return rc;
	if (owner)
		crm_map_set_str(d->next->map, "owner", owner);
	else if (cli_login(cli)[0])
		crm_map_set_str(d->next->map, "owner", cli_login(cli));
	if (crm_record_normalize(d->next, crm_store_config(cli->store),
				 cli->now, &cli->err))
		return cli_fail_as(cli, CRM_EUSAGE);
	if (crm_record_validate(d->next, crm_store_config(cli->store),
				&cli->err))
		return cli_fail(cli);
	return CRM_OK;
}

/* Appends the task's entry to its record's timeline. */
static int add_entry(struct cli *cli, struct done *d, const char *outcome)
{
	struct crm_entry e = {
		.id = d->task->id,
		.kind = "task",
		.by = cli_login(cli),
		.text = crm_record_name(d->task),
		.due = crm_map_str(d->task->map, "due"),
		.outcome = outcome,
	};
	char at[64], id[CRM_ID_LEN + 1];

	crm_date_now(cli->now, at, sizeof(at));
	e.at = at;
	if (crm_timeline_append(d->parent, &e, id, &cli->err))
		return cli_fail(cli);
	cli_touch(cli, d->parent);
	return CRM_OK;
}

/* True when the task's record has an open task besides the task. */
static int has_other_task(struct cli *cli, const struct done *d, bool *yes)
{
	struct crm_find f = {
		.mask = CRM_TYPE_BIT(CRM_TASK),
		.refers_to = d->parent->id,
	};
	struct crm_next_task nt;
	struct crm_row *rows = NULL;
	size_t n = 0, total, i;

	*yes = false;
	if (crm_next_task(cli->store, d->parent->id, &nt, &cli->err))
		return cli_fail(cli);
	if (!nt.found)
		return CRM_OK;
	if (strcmp(nt.id, d->task->id) != 0) {
		*yes = true;
		return CRM_OK;
	}
	/* the next one is this one: is there another? */
	if (crm_find_rows(cli->store, &f, &rows, &n, &total, &cli->err))
		return cli_fail(cli);
	for (i = 0; i < n && !*yes; i++)
		*yes = strcmp(rows[i].id, d->task->id) != 0 &&
		       crm_row_get(&rows[i], "for") &&
		       strcmp(crm_row_get(&rows[i], "for"), d->parent->id) == 0;
	crm_rows_free(rows, n);
	return CRM_OK;
}

/* Warns, or refuses when strict, when the task's record is active and
 * would be left without an open task. */
static int check_next(struct cli *cli, struct parsed *p, const struct done *d)
{
	const struct crm_config *cfg = crm_store_config(cli->store);
	bool strict = opt_flag(p, task_done_opts, "strict") ||
		      cfg->require_next_task;
	bool other;
	char *name;
	int rc;

	if (d->next || !crm_is_active(cfg, d->parent))
		return CRM_OK;
	if ((rc = has_other_task(cli, d, &other)) || other)
		return rc;
	name = cli_safe(crm_record_name(d->parent));
	if (strict) {
		rc = cli_error(cli, CRM_ERR, _("%s %s '%s' would be left without "
			       "an open task\nhint: give the next one with "
			       "--next TITLE --due WHEN; nothing was changed"),
			       crm_type_name(d->parent->type),
			       cli_short_id(d->parent->id), name);
	} else {
		cli_warning(_("%s %s '%s' has no open task now"),
			    crm_type_name(d->parent->type),
			    cli_short_id(d->parent->id), name);
		fputs(_("hint: give the next one with --next TITLE --due WHEN\n"),
		      stderr);
	}
	free(name);
	return rc;
}

/* Reads the task TASK names into d->task; a finished one is refused by
 * the resolver, saying where it went. */
static int load_task(struct cli *cli, const char *ref, struct done *d)
{
	struct cli_ref how = {"task done", NULL, CRM_TYPE_BIT(CRM_TASK)};

	return cli_load(cli, &how, ref, &d->task);
}

/* Commits the change d holds. */
static int commit(struct cli *cli, const struct done *d)
{
	struct crm_txn *txn = crm_txn_new(cli->store);
	char subject[512], line[CRM_ID_LEN + 2];
	int rc;

	snprintf(subject, sizeof(subject), "task %s: done %s",
		 cli_short_id(d->task->id), crm_record_name(d->task));
	if (crm_txn_put(txn, d->parent, &cli->err) ||
	    (d->next && crm_txn_put(txn, d->next, &cli->err))) {
		crm_txn_free(txn);
		return cli_fail(cli);
	}
	crm_txn_delete(txn, CRM_TASK, d->task->id);
	if (d->next)
		snprintf(line, sizeof(line), "%s\n", d->next->id);
	rc = cli_commit_say(cli, txn, subject, "task done",
			    d->next && !cli->quiet ? line : NULL);
	crm_txn_free(txn);
	return rc;
}

int cmd_task_done(struct cli *cli, struct parsed *p)
{
	const char *next = opt_get(p, task_done_opts, "next");
	const char *due = opt_get(p, task_done_opts, "due");
	struct done d = {0};
	int rc;

	if ((rc = cli_nargs(cli->cmd, p, 1)))
		return rc;
	if (next && due == NULL)
		return cli_usage_error(cli->cmd, _("--next needs --due WHEN"));
	if (due && next == NULL)
		return cli_usage_error(cli->cmd, _("--due is for the task --next "
				       "makes"));
	if ((rc = load_task(cli, p->pos[0], &d)) ||
	    (rc = load_parent(cli, &d)) ||
	    (next && (rc = make_next(cli, &d, next, due))) ||
	    (rc = check_next(cli, p, &d)) ||
	    (rc = add_entry(cli, &d, opt_get(p, task_done_opts, "outcome"))))
		goto out;
	rc = commit(cli, &d);
out:
	crm_record_free(d.task);
	crm_record_free(d.parent);
	crm_record_free(d.next);
	return rc;
}
