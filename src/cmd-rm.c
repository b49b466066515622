/*
 * cmd-rm.c - crm rm: remove a record, unless others refer to it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const struct opt_spec rm_opts[] = {
	{"force", 'f', OPT_FLAG, NULL,
	 N_("remove even when other records refer to it")},
	{"type", 0, OPT_VALUE, N_("TYPE"),
	 N_("take REF among the records of TYPE only")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/*
 * Resolves ref into *out, a record that need not be readable: one whose
 * file cannot be parsed (broken, or too large) is removed all the same,
 * so *out is then an empty record of its type and id, with a warning.
 * Caller frees *out.
 */
static int load_any(struct cli *cli, const struct cli_ref *how,
		    const char *ref, struct crm_record **out)
{
	enum crm_type t;
	char id[CRM_ID_LEN + 1];
	int rc = cli_resolve(cli, how, ref, &t, id);

	if (rc)
		return rc;
	rc = crm_store_read(cli->store, t, id, out, &cli->err);
	if (rc == CRM_OK)
		return CRM_OK;
	if (rc == CRM_ENOTFOUND)
		return cli_fail(cli);
	cli_warning_text(cli->err.msg);
	cli_warning(_("removing it all the same"));
	*out = crm_record_new(t, id, id, cli->now);
	return CRM_OK;
}

int cmd_rm(struct cli *cli, struct parsed *p)
{
	struct crm_find f = {.mask = CRM_TYPE_ALL};
	struct crm_row *refs = NULL;
	struct crm_record *r = NULL;
	struct cli_ref how;
	struct crm_txn *txn;
	char subject[512], line[128];
	size_t nrefs = 0, total, i;
	int rc;

	/* no type preferred: a removal takes only what is unambiguous */
	if ((rc = cli_one_ref(p, "rm")) ||
	    (rc = cli_ref_arg(p, rm_opts, "rm", CRM_TYPE_ALL, &how)) ||
	    (rc = load_any(cli, &how, p->pos[0], &r)))
		return rc;
	f.refers_to = r->id;
	if (crm_find_rows(cli->store, &f, &refs, &nrefs, &total, &cli->err)) {
		rc = cli_fail(cli);
		goto out;
	}
	if (nrefs && !opt_flag(p, rm_opts, "force")) {
		rc = cli_error(cli, CRM_ERR,
			       ngettext("%s '%s' is referred to by %zu record; "
					"use --force to remove it anyway",
					"%s '%s' is referred to by %zu records; "
					"use --force to remove it anyway", nrefs),
			       crm_type_name(r->type), crm_record_name(r), nrefs);
		for (i = 0; i < nrefs; i++) {
			char *name = cli_safe(refs[i].name);

			fprintf(stderr, "  %-8s %s  %s\n",
				crm_type_name(refs[i].type), refs[i].id, name);
			free(name);
		}
		goto out;
	}
	snprintf(subject, sizeof(subject), "%s %s: remove %s",
		 crm_type_name(r->type), cli_short_id(r->id), crm_record_name(r));
	/* printed just before the branch moves: nothing is removed when
	 * the line cannot be written */
	snprintf(line, sizeof(line), _("removed %s %s\n"),
		 crm_type_name(r->type), r->id);
	txn = crm_txn_new(cli->store);
	crm_txn_delete(txn, r->type, r->id);
	if (opt_flag(p, rm_opts, "force"))
		crm_txn_allow_dangling(txn);
	rc = cli_commit_say(cli, txn, subject, "rm", cli->quiet ? NULL : line);
	crm_txn_free(txn);
out:
	crm_rows_free(refs, nrefs);
	crm_record_free(r);
	return rc;
}
