/*
 * cmd-user.c - crm user add|rename|rm: change the users of crm.yaml, and
 * the records they own, in one commit.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const struct opt_spec user_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

const struct opt_spec user_add_opts[] = {
	{"name", 0, OPT_VALUE, N_("NAME"), N_("the user's full name (needed)")},
	{"email", 0, OPT_VALUE, N_("EMAIL"),
	 N_("the user's e-mail address, as git knows it")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

const struct opt_spec user_rename_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

const struct opt_spec user_rm_opts[] = {
	{"to", 0, OPT_VALUE, N_("LOGIN"),
	 N_("hand the user's records over to LOGIN first")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* crm user add LOGIN --name NAME [--email EMAIL] */
int cmd_user_add(struct cli *cli, struct parsed *p)
{
	const char *name = opt_get(p, user_add_opts, "name");
	struct crm_txn *txn;
	char subject[512], done[512];
	int rc;

	if ((rc = cli_nargs(cli->cmd, p, 1)))
		return rc;
	if (name == NULL)
		return cli_usage_error(cli->cmd, _("a new user needs --name"));
	txn = crm_txn_new(cli->store);
	rc = crm_user_add(cli->store, txn, p->pos[0], name,
			  opt_get(p, user_add_opts, "email"), &cli->err);
	if (rc) {
		rc = cli_fail(cli);
		goto out;
	}
	snprintf(subject, sizeof(subject), "user add %s", p->pos[0]);
	snprintf(done, sizeof(done), _("added user '%s'"), p->pos[0]);
	rc = cli_commit_config(cli, txn, subject, "user add", done);
out:
	crm_txn_free(txn);
	return rc;
}

/* crm user rename OLD NEW */
int cmd_user_rename(struct cli *cli, struct parsed *p)
{
	struct crm_txn *txn;
	char subject[512], done[512];
	size_t n;
	int rc;

	if ((rc = cli_nargs(cli->cmd, p, 2)))
		return rc;
	txn = crm_txn_new(cli->store);
	rc = crm_user_rename(cli->store, txn, p->pos[0], p->pos[1], &n,
			     &cli->err);
	if (rc) {
		rc = cli_fail(cli);
		goto out;
	}
	snprintf(subject, sizeof(subject), "user rename %s -> %s (%zu %s)",
		 p->pos[0], p->pos[1], n, n == 1 ? "record" : "records");
	snprintf(done, sizeof(done), ngettext("renamed user '%s' to '%s' (%zu "
		 "record)", "renamed user '%s' to '%s' (%zu records)", n),
		 p->pos[0], p->pos[1], n);
	rc = cli_commit_config(cli, txn, subject, "user rename", done);
out:
	crm_txn_free(txn);
	return rc;
}

/* crm user rm LOGIN [--to LOGIN] */
int cmd_user_rm(struct cli *cli, struct parsed *p)
{
	const char *to = opt_get(p, user_rm_opts, "to");
	struct crm_txn *txn;
	char subject[512], done[512];
	size_t n;
	int rc;

	if ((rc = cli_nargs(cli->cmd, p, 1)))
		return rc;
	txn = crm_txn_new(cli->store);
	rc = crm_user_rm(cli->store, txn, p->pos[0], to, &n, &cli->err);
	if (rc) {
		rc = cli_fail(cli);
		goto out;
	}
	if (n)
		snprintf(subject, sizeof(subject), "user rm %s (%zu %s -> %s)",
			 p->pos[0], n, n == 1 ? "record" : "records", to);
	else
		snprintf(subject, sizeof(subject), "user rm %s", p->pos[0]);
	if (n)
		snprintf(done, sizeof(done), ngettext("removed user '%s' (%zu "
			 "record handed over to '%s')", "removed user '%s' (%zu "
			 "records handed over to '%s')", n), p->pos[0], n, to);
	else
		snprintf(done, sizeof(done), _("removed user '%s'"), p->pos[0]);
	rc = cli_commit_config(cli, txn, subject, "user rm", done);
out:
	crm_txn_free(txn);
	return rc;
}
