/*
 * cmd-commit.c - crm commit: validate and commit files edited by hand.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

const struct opt_spec commit_opts[] = {
	{"message", 'm', OPT_VALUE, N_("MESSAGE"), N_("the commit message")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

int cmd_commit(struct cli *cli, struct parsed *p)
{
	const char *msg = opt_get(p, commit_opts, "message");
	size_t n = 0;
	int rc;

	if (p->npos)
		return cli_usage_error(cli->cmd,
				       _("too many arguments"));
	if (msg && (msg[0] == '\0' || !crm_utf8_valid(msg, strlen(msg))))
		return cli_usage_error(cli->cmd,
				       _("the message must be non-empty UTF-8"));
	rc = crm_worktree_commit(cli->store, msg ? msg : "commit: files edited by hand",
				 &n, &cli->err);
	if (rc)
		return cli_fail(cli);
	if (!cli->quiet) {
		if (n)
			printf(ngettext("committed %zu file\n", "committed %zu files\n", n), n);
		else
			printf(_("nothing to commit\n"));
	}
	return CRM_OK;
}
