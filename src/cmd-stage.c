/*
 * cmd-stage.c - crm stage add|rm|rename: change a pipeline's stages in
 * crm.yaml, and the deals in them, in one commit.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const struct opt_spec stage_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

static const char *const stage_kinds[] = {"open", "won", "lost", NULL};

const struct opt_spec stage_add_opts[] = {
	{"after", 0, OPT_VALUE, N_("STAGE"), N_("put the new stage after STAGE")},
	{"before", 0, OPT_VALUE, N_("STAGE"),
	 N_("put the new stage before STAGE")},
	{"name", 0, OPT_VALUE, N_("TEXT"), N_("the name people see")},
	{"kind", 0, OPT_ENUM, N_("KIND"), N_("open, won or lost"),
	 stage_kinds},
	{"probability", 0, OPT_INT, N_("PERCENT"),
	 N_("the chance a deal in it is won")},
	{"rot-days", 0, OPT_INT, N_("DAYS"),
	 N_("days without activity after which a deal in it is stale")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

const struct opt_spec stage_rm_opts[] = {
	{"to", 0, OPT_VALUE, N_("STAGE"),
	 N_("move the stage's deals to STAGE first")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

const struct opt_spec stage_rename_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

/* CRM_OK when command c got exactly n arguments, else a usage error. */
int cli_nargs(const struct cmd *c, const struct parsed *p, size_t n)
{
	if (p->npos == n)
		return CRM_OK;
	return cli_usage_error(c, p->npos > n ? _("too many arguments")
					      : _("not enough arguments"));
}

/*
 * Commits txn, which a confedit.c function filled, with subject; on
 * success prints done (a translated line) unless --quiet.
 */
int cli_commit_config(struct cli *cli, struct crm_txn *txn,
		      const char *subject, const char *command,
		      const char *done)
{
	int rc = cli_commit(cli, txn, subject, command);
	char *safe;

	if (rc == CRM_OK && !cli->quiet) {
		/* names come from crm.yaml, maybe a colleague's */
		safe = cli_safe(done);
		printf("%s\n", safe);
		free(safe);
	}
	return rc;
}

/* crm stage rename PIPELINE OLD NEW */
int cmd_stage_rename(struct cli *cli, struct parsed *p)
{
	struct crm_txn *txn;
	char subject[512], done[512];
	size_t moved, n;
	int rc;

	if ((rc = cli_nargs(cli->cmd, p, 3)))
		return rc;
	txn = crm_txn_new(cli->store);
	rc = crm_stage_rename(cli->store, txn, p->pos[0], p->pos[1], p->pos[2],
			      &moved, &n, &cli->err);
	if (rc) {
		rc = cli_fail(cli);
		goto out;
	}
	snprintf(subject, sizeof(subject), "stage rename %s: %s -> %s (%zu %s)",
		 p->pos[0], p->pos[1], p->pos[2], moved,
		 moved == 1 ? "deal" : "deals");
	snprintf(done, sizeof(done), ngettext("renamed stage '%s' of pipeline "
		 "'%s' to '%s' (%zu deal)", "renamed stage '%s' of pipeline "
		 "'%s' to '%s' (%zu deals)", moved), p->pos[1], p->pos[0],
		 p->pos[2], moved);
	rc = cli_commit_config(cli, txn, subject, "stage rename", done);
out:
	crm_txn_free(txn);
	return rc;
}

/* crm stage add PIPELINE STAGE [--after S|--before S] */
int cmd_stage_add(struct cli *cli, struct parsed *p)
{
	const char *after = opt_get(p, stage_add_opts, "after");
	const char *before = opt_get(p, stage_add_opts, "before");
	struct crm_stage_spec spec;
	struct crm_txn *txn;
	char subject[512], done[512];
	int rc;

	if ((rc = cli_nargs(cli->cmd, p, 2)))
		return rc;
	if (after && before)
		return cli_usage_error(cli->cmd, _("--after and --before cannot "
				       "be given together"));
	spec.name = opt_get(p, stage_add_opts, "name");
	spec.kind = opt_keyword(p, "kind", -1) >= 0
		    ? stage_kinds[opt_keyword(p, "kind", 0)] : NULL;
	spec.probability = (int)opt_int(p, "probability", -1);
	spec.rot_days = (int)opt_int(p, "rot-days", -1);
	if (spec.probability > 100 || opt_int(p, "rot-days", 0) > 36500)
		return cli_usage_error(cli->cmd, spec.probability > 100
				       ? _("--probability is a percent from 0 "
					   "to 100")
				       : _("--rot-days is at most 36500"));
	txn = crm_txn_new(cli->store);
	rc = crm_stage_add_spec(cli->store, txn, p->pos[0], p->pos[1], after,
				before, &spec, &cli->err);
	if (rc) {
		rc = cli_fail(cli);
		goto out;
	}
	snprintf(subject, sizeof(subject), "stage add %s: %s", p->pos[0],
		 p->pos[1]);
	snprintf(done, sizeof(done), _("added stage '%s' to pipeline '%s'"),
		 p->pos[1], p->pos[0]);
	rc = cli_commit_config(cli, txn, subject, "stage add", done);
out:
	crm_txn_free(txn);
	return rc;
}

/* crm stage rm PIPELINE STAGE [--to S] */
int cmd_stage_rm(struct cli *cli, struct parsed *p)
{
	const char *to = opt_get(p, stage_rm_opts, "to");
	struct crm_txn *txn;
	char subject[512], done[512];
	size_t moved;
	int rc;

	if ((rc = cli_nargs(cli->cmd, p, 2)))
		return rc;
	txn = crm_txn_new(cli->store);
	rc = crm_stage_rm(cli->store, txn, p->pos[0], p->pos[1], to, &moved,
			  &cli->err);
	if (rc) {
		rc = cli_fail(cli);
		goto out;
	}
	if (moved)
		snprintf(subject, sizeof(subject), "stage rm %s: %s (%zu %s -> %s)",
			 p->pos[0], p->pos[1], moved,
			 moved == 1 ? "deal" : "deals", to);
	else
		snprintf(subject, sizeof(subject), "stage rm %s: %s", p->pos[0],
			 p->pos[1]);
	if (moved)
		snprintf(done, sizeof(done), ngettext("removed stage '%s' of "
			 "pipeline '%s' (%zu deal moved to '%s')", "removed "
			 "stage '%s' of pipeline '%s' (%zu deals moved to '%s')",
			 moved), p->pos[1], p->pos[0], moved, to);
	else
		snprintf(done, sizeof(done), _("removed stage '%s' of pipeline "
			 "'%s'"), p->pos[1], p->pos[0]);
	rc = cli_commit_config(cli, txn, subject, "stage rm", done);
out:
	crm_txn_free(txn);
	return rc;
}
