/*
 * cmd-reassign.c - crm reassign FROM TO [QUERY] (or --from U --to U):
 * hand records, open tasks among them, over from one owner to another
 * in one commit, saying what moved; --dry-run only says it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const struct opt_spec reassign_opts[] = {
	{"from", 0, OPT_VALUE, N_("LOGIN"),
	 N_("the owner whose records move (instead of FROM)")},
	{"to", 0, OPT_VALUE, N_("LOGIN"),
	 N_("the user they move to (instead of TO)")},
	{"dry-run", 'n', OPT_FLAG, NULL,
	 N_("only say what would move; write nothing")},
	{"verbose", 'v', OPT_FLAG, NULL, N_("list the records that move")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* The query words of p from its first (NULL when none); caller frees. */
static char *query_text(const struct parsed *p, size_t first)
{
	struct crm_buf b = {0};
	size_t i;

	if (p->npos <= first)
		return NULL;
	for (i = first; i < p->npos; i++)
		crm_buf_addf(&b, "%s%s", i > first ? " " : "", p->pos[i]);
	return crm_buf_detach(&b);
}

/* "3 companies" for n records of type t (translated). */
static void count_text(struct crm_buf *b, int t, size_t n)
{
	unsigned long k = (unsigned long)n;

	switch (t) {
	case CRM_COMPANY:
		crm_buf_addf(b, ngettext("%zu company", "%zu companies", k), n);
		break;
	case CRM_CONTACT:
		crm_buf_addf(b, ngettext("%zu contact", "%zu contacts", k), n);
		break;
	case CRM_DEAL:
		crm_buf_addf(b, ngettext("%zu deal", "%zu deals", k), n);
		break;
	default:
		crm_buf_addf(b, ngettext("%zu open task", "%zu open tasks", k),
			     n);
		break;
	}
}

/* Prints what moves: "  3 companies, 2 deals, 4 open tasks" and, with
 * verbose, each record. */
static void print_summary(const struct crm_reassign_result *r, bool verbose)
{
	struct crm_buf b = {0};
	char *name;
	size_t i;

	for (i = 0; i < CRM_NTYPES; i++) {
		if (r->by_type[i] == 0)
			continue;
		crm_buf_adds(&b, b.len ? ", " : "  ");
		count_text(&b, (int)i, r->by_type[i]);
	}
	printf("%s\n", b.s ? b.s : "");
	crm_buf_free(&b);
	for (i = 0; verbose && i < r->n; i++) {
		name = cli_safe(r->v[i].name);
		printf("  %-7s %s  %s\n", crm_type_name(r->v[i].type),
		       r->v[i].id, name);
		free(name);
	}
}

int cmd_reassign(struct cli *cli, struct parsed *p)
{
	const char *from = opt_get(p, reassign_opts, "from");
	const char *to = opt_get(p, reassign_opts, "to");
	bool dry = opt_flag(p, reassign_opts, "dry-run");
	bool verbose = opt_flag(p, reassign_opts, "verbose");
	struct crm_reassign_result res = {0};
	struct crm_txn *txn;
	char subject[512], done[512], *q;
	size_t first = 0;
	int rc;

	if ((from == NULL) != (to == NULL))
		return cli_usage_error(cli->cmd, _("--from and --to go "
				       "together"));
	if (from == NULL) {
		if (p->npos < 2)
			return cli_usage_error(cli->cmd,
					       _("not enough arguments"));
		from = p->pos[0];
		to = p->pos[1];
		first = 2;
	}
	q = query_text(p, first);
	txn = crm_txn_new(cli->store);
	rc = crm_reassign_list(cli->store, txn, from, to, q, &res, &cli->err);
	if (rc) {
		rc = rc == CRM_EUSAGE && q ? cli_usage_fail(cli, cli->cmd)
					   : cli_fail(cli);
		goto out;
	}
	if (res.n == 0) {
		if (!cli->quiet)
			printf(_("no records of '%s' to reassign\n"), from);
		goto out;
	}
	if (dry) {
		if (!cli->quiet) {
			printf(ngettext("would reassign %zu record from '%s' to "
					"'%s':\n", "would reassign %zu records "
					"from '%s' to '%s':\n", res.n), res.n,
			       from, to);
			print_summary(&res, verbose);
		}
		goto out;
	}
	snprintf(subject, sizeof(subject), "reassign %s -> %s (%zu %s)",
		 from, to, res.n, res.n == 1 ? "record" : "records");
	snprintf(done, sizeof(done), ngettext("reassigned %zu record from '%s' "
		 "to '%s'", "reassigned %zu records from '%s' to '%s'", res.n),
		 res.n, from, to);
	rc = cli_commit_config(cli, txn, subject, "reassign", done);
	if (rc == CRM_OK && !cli->quiet)
		print_summary(&res, verbose);
out:
	crm_reassign_result_free(&res);
	crm_txn_free(txn);
	free(q);
	return rc;
}
