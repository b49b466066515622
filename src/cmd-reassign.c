/*
 * cmd-reassign.c - crm reassign FROM TO [QUERY]: hand records over from
 * one owner to another in one commit.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const struct opt_spec reassign_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

/* The query words of p after FROM and TO, joined by spaces (NULL when
 * there are none); caller frees. */
static char *query_text(const struct parsed *p)
{
	struct crm_buf b = {0};
	size_t i;

	if (p->npos < 3)
		return NULL;
	for (i = 2; i < p->npos; i++)
		crm_buf_addf(&b, "%s%s", i > 2 ? " " : "", p->pos[i]);
	return crm_buf_detach(&b);
}

int cmd_reassign(struct cli *cli, struct parsed *p)
{
	struct crm_txn *txn;
	char subject[512], done[512], *q;
	size_t n;
	int rc;

	if (p->npos < 2)
		return cli_usage_error(cli->cmd, _("not enough arguments"));
	q = query_text(p);
	txn = crm_txn_new(cli->store);
	rc = crm_reassign(cli->store, txn, p->pos[0], p->pos[1], q, &n,
			  &cli->err);
	if (rc) {
		rc = rc == CRM_EUSAGE && q ? cli_usage_error(cli->cmd, "%s",
							     cli->err.msg)
					   : cli_fail(cli);
		goto out;
	}
	if (n == 0) {
		if (!cli->quiet)
			printf(_("no records of '%s' to reassign\n"), p->pos[0]);
		goto out;
	}
	snprintf(subject, sizeof(subject), "reassign %s -> %s (%zu %s)",
		 p->pos[0], p->pos[1], n, n == 1 ? "record" : "records");
	snprintf(done, sizeof(done), ngettext("reassigned %zu record from '%s' "
		 "to '%s'", "reassigned %zu records from '%s' to '%s'", n), n,
		 p->pos[0], p->pos[1]);
	rc = cli_commit_config(cli, txn, subject, "reassign", done);
out:
	crm_txn_free(txn);
	free(q);
	return rc;
}
