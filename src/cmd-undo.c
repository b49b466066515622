/*
 * cmd-undo.c - crm undo and crm redo: revert the user's last change made
 * by crm, and re-apply what the last undo reverted; both say what they
 * reverted and show the changes they made as crm log does.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const struct opt_spec undo_opts[] = {
	{"any", 0, OPT_FLAG, NULL,
	 N_("undo the last change whoever made it, not only yours")},
	{"force", 0, OPT_FLAG, NULL,
	 N_("revert even records changed since, keeping the later changes "
	    "to other fields")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

const struct opt_spec redo_opts[] = {
	{"any", 0, OPT_FLAG, NULL,
	 N_("redo the last undo whoever made it, not only yours")},
	{"force", 0, OPT_FLAG, NULL,
	 N_("re-apply even to records changed since, keeping the later "
	    "changes to other fields")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* Prints what the commit just made (HEAD) changed, as crm log does. */
static void print_made(struct cli *cli)
{
	struct crm_log_query q = {.max = 1, .changes = true,
				  .max_records = 10};
	struct crm_log_entry *e = NULL;
	size_t n = 0;

	if (crm_log(cli->store, &q, &e, &n, &cli->err) == CRM_OK && n == 1)
		cli_print_log_changes(cli, e, false);
	crm_log_entries_free(e, n);
}

/* Prints "undid 1a2b3c4d 'subject' (author)" and the changes made. */
static void report(struct cli *cli, bool redo,
		   const struct crm_undo_result *res)
{
	char *subject, *author;

	if (cli->quiet)
		return;
	subject = cli_safe(res->subject);
	author = cli_safe(res->author);
	if (redo)
		printf(_("redid %.8s '%s' (%s)\n"), res->target, subject,
		       author);
	else
		printf(_("undid %.8s '%s' (%s)\n"), res->target, subject,
		       author);
	free(subject);
	free(author);
	print_made(cli);
	if (res->merged)
		printf(ngettext("merged with the later changes of %zu record\n",
				"merged with the later changes of %zu records\n",
				res->merged), res->merged);
}

/* crm undo and crm redo. */
static int run(struct cli *cli, struct parsed *p, bool redo)
{
	struct crm_undo_opts o = {
		.any = opt_given(p, "any"),
		.force = opt_given(p, "force"),
	};
	struct crm_undo_result res;
	int rc;

	if (p->npos)
		return cli_usage_error(cli->cmd, _("too many arguments"));
	rc = redo ? crm_redo(cli->store, &o, &res, &cli->err)
		  : crm_undo(cli->store, &o, &res, &cli->err);
	if (rc)
		return cli_fail(cli);
	report(cli, redo, &res);
	crm_undo_result_free(&res);
	return CRM_OK;
}

int cmd_undo(struct cli *cli, struct parsed *p)
{
	return run(cli, p, false);
}

int cmd_redo(struct cli *cli, struct parsed *p)
{
	return run(cli, p, true);
}
