/*
 * resolve.c - record references from the command line: one way to turn
 * what a user typed (an id prefix, a name) into a record, for every
 * command and option that takes one.
 */
#include <stdio.h>

#include "cli.h"

int cli_resolve(struct cli *cli, unsigned mask, const char *ref,
		enum crm_type *type, char id[CRM_ID_LEN + 1])
{
	struct crm_match *cands = NULL;
	size_t n = 0, i;
	int rc;

	rc = crm_store_resolve(cli->store, mask, ref, type, id, &cands, &n,
			       &cli->err);
	if (rc == CRM_OK)
		return rc;
	cli_fail(cli);
	for (i = 0; i < n; i++)
		fprintf(stderr, "  %-8s %s  %s\n", crm_type_name(cands[i].type),
			cands[i].id, cands[i].name);
	if (rc == CRM_EAMBIGUOUS)
		fprintf(stderr, _("hint: use a longer id prefix\n"));
	crm_matches_free(cands, n);
	return rc | CLI_REPORTED;
}

int cli_load(struct cli *cli, unsigned mask, const char *ref,
	     struct crm_record **out)
{
	enum crm_type t;
	char id[CRM_ID_LEN + 1];
	int rc = cli_resolve(cli, mask, ref, &t, id);

	if (rc)
		return rc;
	rc = crm_store_read(cli->store, t, id, out, &cli->err);
	return rc ? cli_fail(cli) : CRM_OK;
}
