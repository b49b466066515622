/*
 * cmd-status.c - crm status: record files edited outside crm.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const struct opt_spec status_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

int cmd_status(struct cli *cli, struct parsed *p)
{
	struct crm_wt_change *c = NULL;
	size_t n = 0, i, bad = 0;
	char *path, *msg;
	int rc;

	if (p->npos)
		return cli_usage_error(cli->cmd,
				       _("too many arguments"));
	rc = crm_worktree_changes(cli->store, &c, &n, &cli->err);
	if (rc)
		return cli_fail(cli);
	for (i = 0; i < n; i++) {
		if (!c[i].valid)
			bad++;
		if (cli->quiet)
			continue;
		/* a file name and a message quoting a value are text from
		 * the store: never raw to the terminal */
		path = cli_safe(c[i].path);
		msg = cli_safe(c[i].valid ? "" : c[i].error);
		printf("%c %s", c[i].status, path);
		if (c[i].valid)
			printf("  %s%s%s\n", color_green(cli), _("ok"),
			       color_reset(cli));
		else
			printf("  %s%s%s\n", color_red(cli), msg,
			       color_reset(cli));
		free(path);
		free(msg);
	}
	if (n == 0 && !cli->quiet)
		printf(_("nothing edited outside crm\n"));
	else if (n && !cli->quiet)
		printf(bad ? _("fix the files above, then run 'crm commit'\n")
			   : _("run 'crm commit' to commit these changes\n"));
	crm_wt_changes_free(c, n);
	return bad ? CRM_ERR : CRM_OK;
}
