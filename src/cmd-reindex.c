/*
 * cmd-reindex.c - crm reindex: rebuild the index from the committed
 * records, with progress on a terminal.
 */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"

const struct opt_spec reindex_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

/* Shows "indexing: N/M records" on the terminal, rewriting one line. */
void cli_progress(size_t done, size_t total, void *data)
{
	(void)data;
	fprintf(stderr, _("\rcrm: indexing: %zu/%zu records"), done, total);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

int cmd_reindex(struct cli *cli, struct parsed *p)
{
	bool tty = isatty(STDERR_FILENO) && !cli->quiet;

	if (p->npos)
		return cli_usage_error(cli->cmd,
				       _("too many arguments"));
	if (crm_store_reindex(cli->store, tty ? cli_progress : NULL, NULL,
			      &cli->err))
		return cli_fail(cli);
	return CRM_OK;
}
