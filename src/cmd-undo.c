/*
 * cmd-undo.c - crm undo: revert the last change made by crm.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const struct opt_spec undo_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

int cmd_undo(struct cli *cli, struct parsed *p)
{
	char *subject = NULL;
	int rc;

	if (p->npos)
		return cli_usage_error(cli->cmd,
				       _("too many arguments"));
	rc = crm_undo(cli->store, &subject, &cli->err);
	if (rc)
		return cli_fail(cli);
	if (!cli->quiet)
		printf(_("undid: %s\n"), subject);
	free(subject);
	return CRM_OK;
}
