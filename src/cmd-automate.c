/*
 * cmd-automate.c - crm automate: the automation rules of crm.yaml.
 * Without arguments it lists them (and why one cannot run); --replay
 * applies rules to the deals already where they apply, in one commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec automate_opts[] = {
	{"replay", 0, OPT_FLAG, NULL,
	 N_("apply the rules to the deals already in their stage")},
	{"dry-run", 'n', OPT_FLAG, NULL,
	 N_("only print the tasks that would be made")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* Lists the rules: NAME, WHEN, STAGE, TITLE, PROBLEM. */
static int list_rules(struct cli *cli, const struct crm_config *cfg)
{
	static const struct table_col cols[] = {
		{NC_("column", "NAME"), 100, 0, 0},
		{NC_("column", "WHEN"), 90, 0, 0},
		{NC_("column", "STAGE"), 80, 0, 0},
		{NC_("column", "TITLE"), 70, TCOL_SHRINK, 12},
		{NC_("column", "PROBLEM"), 60, TCOL_SHRINK, 12},
	};
	struct table t;
	const char *cells[5];
	size_t i, bad = 0;

	table_init_cols(&t, 5, cols, cli, stdout);
	for (i = 0; i < cfg->nrules; i++) {
		const struct crm_rule *r = &cfg->rules[i];

		cells[0] = r->name;
		cells[1] = r->on == CRM_RULE_CREATED ? "created" : "stage";
		cells[2] = r->stage ? r->stage : "";
		cells[3] = r->title ? r->title : "";
		cells[4] = r->problem ? r->problem : "";
		bad += r->problem != NULL;
		table_add_row(&t, r->name, cells,
			      r->problem ? TSTYLE_RED : TSTYLE_PLAIN, NULL);
	}
	table_finish(&t, cfg->nrules > 0);
	if (cfg->nrules == 0 && !cli->quiet)
		printf(_("no automation rules in crm.yaml\n"));
	return bad ? CLI_EFINDINGS | CLI_REPORTED : CRM_OK;
}

/* Finds the rule called name, reporting an unknown one. */
static const struct crm_rule *find_rule(struct cli *cli,
					const struct crm_config *cfg,
					const char *name)
{
	const struct crm_rule *r = crm_rule_find(cfg, name);
	const char **cands, *hint;
	size_t i;

	if (r)
		return r;
	cands = crm_xcalloc(cfg->nrules + 1, sizeof(*cands));
	for (i = 0; i < cfg->nrules; i++)
		cands[i] = cfg->rules[i].name;
	hint = crm_suggest(name, cands, cfg->nrules);
	if (hint)
		cli_error(cli, CRM_ENOTFOUND, _("unknown automation rule '%s' "
			  "(did you mean '%s'?)"), name, hint);
	else
		cli_error(cli, CRM_ENOTFOUND, _("unknown automation rule '%s'\n"
			  "hint: 'crm automate' lists them"), name);
	free(cands);
	return NULL;
}

/* Prints one task a replay makes: ID  RULE  DEAL  TITLE  DUE. */
static void say_task(struct cli *cli, const struct crm_rule *r,
		     const struct crm_record *task)
{
	char *name = cli_safe(crm_record_name(task));
	char *due = cli_when_text(crm_map_str(task->map, "due"));

	if (cli->format == FMT_IDS)
		printf("%s\n", task->id);
	else if (!cli->quiet)
		printf("%s  %s  %s %s  %s%s%s\n", task->id, r->name,
		       _("deal"), cli_short_id(crm_map_str(task->map, "for")),
		       name, due[0] ? "  " : "", due);
	free(name);
	free(due);
}

/* Replays rules[0..n): prints each task they make and, unless dry,
 * queues it in txn with its trailer.  *made is the number of tasks. */
static int replay(struct cli *cli, const struct crm_rule *rules, size_t n,
		  struct crm_txn *txn, bool dry, size_t *made)
{
	struct crm_rule_task *tasks;
	char trailer[256];
	size_t i, ntasks;
	int rc = CRM_OK;

	if (crm_automation_replay(cli->store, rules, n, cli->now, &tasks,
				  &ntasks, &cli->err))
		return cli_fail(cli);
	for (i = 0; i < ntasks && rc == CRM_OK; i++) {
		say_task(cli, tasks[i].rule, tasks[i].task);
		if (dry)
			continue;
		snprintf(trailer, sizeof(trailer), "%s made task %s for deal %s",
			 tasks[i].rule->name, tasks[i].task->id,
			 crm_map_str(tasks[i].task->map, "for"));
		crm_txn_add_trailer(txn, "Crm-Automation", trailer);
		/* a new record: the replay made no task the store has */
		if (crm_txn_put_change(txn, NULL, tasks[i].task, &cli->err))
			rc = cli_fail(cli);
	}
	crm_rule_tasks_free(tasks, ntasks);
	*made = ntasks;
	return rc;
}

int cmd_automate(struct cli *cli, struct parsed *p)
{
	const struct crm_config *cfg = crm_store_config(cli->store);
	bool dry = opt_flag(p, automate_opts, "dry-run");
	const struct crm_rule *one = NULL;
	struct crm_txn *txn;
	char subject[256];
	size_t made = 0;
	int rc;

	if (!opt_flag(p, automate_opts, "replay")) {
		if (p->npos || dry)
			return cli_usage_error(cli->cmd, _("a rule and --dry-run "
					       "go with --replay"));
		return list_rules(cli, cfg);
	}
	if (p->npos > 1)
		return cli_usage_error(cli->cmd, _("too many arguments"));
	if (p->npos == 1 && (one = find_rule(cli, cfg, p->pos[0])) == NULL)
		return CRM_ENOTFOUND | CLI_REPORTED;
	txn = crm_txn_new(cli->store);
	crm_txn_set_rules(txn, false); /* tasks fire no rules anyway */
	rc = replay(cli, one ? one : cfg->rules, one ? 1 : cfg->nrules, txn,
		    dry, &made);
	if (rc == CRM_OK && made == 0 && !cli->quiet)
		printf(_("no deals need a task from the rules\n"));
	if (rc == CRM_OK && made && !dry) {
		snprintf(subject, sizeof(subject), "automate %s: %zu %s",
			 one ? one->name : "all rules", made,
			 made == 1 ? "task" : "tasks");
		rc = cli_commit(cli, txn, subject, "automate");
	}
	crm_txn_free(txn);
	return rc;
}
