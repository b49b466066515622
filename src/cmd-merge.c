/*
 * cmd-merge.c - crm merge KEEP OTHER... [--dry-run]: the records OTHER
 * (companies, contacts or deals, all of KEEP's type) merged into KEEP in
 * one commit: their fields where KEEP has none, their lists and
 * timelines united, every reference to them re-pointed to KEEP, their
 * files removed and their ids kept in KEEP's merged_from, so that they
 * still name KEEP.  What differs stays KEEP's and is said.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec merge_opts[] = {
	{"dry-run", 'n', OPT_FLAG, NULL,
	 N_("only say what would be merged and re-pointed; write nothing")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* The types crm merge joins. */
#define MERGE_TYPES (CRM_TYPE_BIT(CRM_COMPANY) | CRM_TYPE_BIT(CRM_CONTACT) | \
		     CRM_TYPE_BIT(CRM_DEAL) | CRM_PREFER(CRM_COMPANY))

/* The records named: [0] KEEP, then the others. */
struct named {
	enum crm_type *t;
	char (*id)[CRM_ID_LEN + 1];
	size_t n;
};

static void named_free(struct named *nm)
{
	free(nm->t);
	free(nm->id);
}

/* Resolves every argument into *nm; reports the first that fails. */
static int resolve_args(struct cli *cli, const struct parsed *p,
			struct named *nm)
{
	struct cli_ref how = {"merge", NULL, MERGE_TYPES};
	size_t i;
	int rc;

	nm->t = crm_xcalloc(p->npos, sizeof(*nm->t));
	nm->id = crm_xcalloc(p->npos, sizeof(*nm->id));
	for (i = 0; i < p->npos; i++) {
		if ((rc = cli_resolve(cli, &how, p->pos[i], &nm->t[i],
				      nm->id[i])))
			return rc;
		nm->n++;
	}
	return CRM_OK;
}

/* Refuses records of several types, KEEP among the others and a record
 * named twice. */
static int check_args(struct cli *cli, const struct parsed *p,
		      const struct named *nm)
{
	size_t i, j;

	for (i = 1; i < nm->n; i++) {
		if (nm->t[i] != nm->t[0])
			return cli_error(cli, CRM_EUSAGE, _("'%s' is a %s and "
					 "'%s' a %s: crm merge joins records "
					 "of one type"), p->pos[0],
					 crm_type_name(nm->t[0]), p->pos[i],
					 crm_type_name(nm->t[i]));
		if (strcmp(nm->id[i], nm->id[0]) == 0)
			return cli_error(cli, CRM_EUSAGE, _("'%s' is the record "
					 "kept (%s): it cannot be merged into "
					 "itself"), p->pos[i],
					 cli_short_id(nm->id[0]));
		for (j = 1; j < i; j++)
			if (strcmp(nm->id[i], nm->id[j]) == 0)
				return cli_error(cli, CRM_EUSAGE, _("'%s' and "
						 "'%s' name the same record "
						 "(%s)"), p->pos[j], p->pos[i],
						 cli_short_id(nm->id[i]));
	}
	return CRM_OK;
}

/* Prints the fields of res kept as keep had them. */
static void print_conflicts(const struct crm_merge_result *res)
{
	char *field, *kept, *other;
	size_t j;

	for (j = 0; j < res->nconflicts; j++) {
		field = cli_safe(res->conflicts[j].field);
		kept = cli_safe(res->conflicts[j].kept);
		other = cli_safe(res->conflicts[j].other);
		printf(_("  kept %s: '%s' (not '%s')\n"), field, kept, other);
		free(field);
		free(kept);
		free(other);
	}
}

/* Prints what the merge of plan does (would do, with dry). */
static void print_plan(const struct crm_merge_plan *plan, bool dry)
{
	char *keep = cli_safe(crm_record_name(plan->keep)), *name;
	size_t i;

	for (i = 0; i < plan->nothers; i++) {
		name = cli_safe(plan->other_names[i]);
		printf(dry ? _("would merge %s %.4s '%s' into %.4s '%s'\n")
			   : _("merged %s %.4s '%s' into %.4s '%s'\n"),
		       crm_type_name(plan->type), plan->others[i], name,
		       plan->keep->id, keep);
		free(name);
		print_conflicts(&plan->results[i]);
	}
	for (i = 0; i < plan->nrepointed; i++) {
		name = cli_safe(plan->repointed[i].name);
		printf(dry ? _("would re-point %s %.4s '%s' to %.4s\n")
			   : _("re-pointed %s %.4s '%s' to %.4s\n"),
		       crm_type_name(plan->repointed[i].type),
		       plan->repointed[i].id, name, plan->keep->id);
		free(name);
	}
	free(keep);
}

/* Queues the merge of nm in txn into *plan, and commits it unless dry. */
static int run_merge(struct cli *cli, const struct named *nm, bool dry,
		     struct crm_txn *txn, struct crm_merge_plan *plan)
{
	const char **others = crm_xcalloc(nm->n, sizeof(char *));
	char subject[128];
	size_t i;
	int rc;

	for (i = 1; i < nm->n; i++)
		others[i - 1] = nm->id[i];
	rc = crm_store_merge(cli->store, txn, nm->t[0], nm->id[0], others,
			     nm->n - 1, plan, &cli->err);
	free(others);
	if (rc)
		return cli_fail(cli);
	if (dry) {
		if (!cli->quiet)
			print_plan(plan, true);
		return CRM_OK;
	}
	snprintf(subject, sizeof(subject), "merge %s: %zu records",
		 cli_short_id(nm->id[0]), nm->n);
	if ((rc = cli_commit(cli, txn, subject, "merge")))
		return rc;
	if (!cli->quiet)
		print_plan(plan, false);
	return CRM_OK;
}

int cmd_merge(struct cli *cli, struct parsed *p)
{
	bool dry = opt_flag(p, merge_opts, "dry-run");
	struct crm_merge_plan plan = {0};
	struct named nm = {0};
	struct crm_txn *txn = NULL;
	int rc;

	if (p->npos < 2)
		return cli_usage_error(cli->cmd, _("give the record to keep "
				       "and at least one to merge into it"));
	if ((rc = resolve_args(cli, p, &nm)) || (rc = check_args(cli, p, &nm)))
		goto out;
	txn = crm_txn_new(cli->store);
	rc = run_merge(cli, &nm, dry, txn, &plan);
out:
	crm_merge_plan_free(&plan);
	crm_txn_free(txn);
	named_free(&nm);
	return rc;
}
