/*
 * cmd-rm.c - crm rm: remove a record, unless others refer to it.
 */
#include <stdio.h>

#include "records.h"

const struct opt_spec rm_opts[] = {
	{"force", 'f', OPT_FLAG, NULL,
	 N_("remove even when other records refer to it")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* Lists on stderr the records referring to id; returns how many. */
static size_t report_referrers(const struct record_set *all, const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < all->n; i++) {
		if (!record_refers_to(all->r[i], id))
			continue;
		fprintf(stderr, "  %-8s %s  %s\n", crm_type_name(all->r[i]->type),
			all->r[i]->id, crm_record_name(all->r[i]));
		n++;
	}
	return n;
}

/* Counts the records referring to id. */
static size_t count_referrers(const struct record_set *all, const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < all->n; i++)
		n += record_refers_to(all->r[i], id);
	return n;
}

int cmd_rm(struct cli *cli, struct parsed *p)
{
	struct record_set all = {0};
	struct crm_record *r = NULL;
	struct crm_txn *txn;
	char subject[512];
	size_t refs;
	int rc;

	if ((rc = cli_one_ref(p, "rm")))
		return rc;
	if ((rc = cli_load(cli, CRM_TYPE_ALL, p->pos[0], &r)))
		return rc;
	if ((rc = record_set_load(cli, CRM_TYPE_ALL, &all)))
		goto out;
	refs = count_referrers(&all, r->id);
	if (refs && !opt_flag(p, rm_opts, "force")) {
		rc = cli_error(cli, CRM_ERR,
			       ngettext("%s '%s' is referred to by %zu record; "
					"use --force to remove it anyway",
					"%s '%s' is referred to by %zu records; "
					"use --force to remove it anyway", refs),
			       crm_type_name(r->type), crm_record_name(r), refs);
		report_referrers(&all, r->id);
		goto out;
	}
	snprintf(subject, sizeof(subject), "%s %s: remove %s",
		 crm_type_name(r->type), cli_short_id(r->id), crm_record_name(r));
	txn = crm_txn_new(cli->store);
	crm_txn_delete(txn, r->type, r->id);
	rc = cli_commit(cli, txn, subject, "rm");
	crm_txn_free(txn);
	if (rc == CRM_OK && !cli->quiet)
		printf(_("removed %s %s\n"), crm_type_name(r->type), r->id);
out:
	record_set_free(&all);
	crm_record_free(r);
	return rc;
}
