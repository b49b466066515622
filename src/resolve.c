/*
 * resolve.c - record references from the command line: one way to turn
 * what a user typed (an id prefix, a name) into a record, for every
 * command and option that takes one, and one way to say why it did not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

unsigned cli_ref_field_mask(const char *key)
{
	if (strcmp(key, "company") == 0)
		return CRM_TYPE_BIT(CRM_COMPANY);
	if (strcmp(key, "contact") == 0)
		return CRM_TYPE_BIT(CRM_CONTACT);
	if (strcmp(key, "for") == 0)
		return CRM_TYPE_BIT(CRM_COMPANY) | CRM_TYPE_BIT(CRM_CONTACT) |
		       CRM_TYPE_BIT(CRM_DEAL) | CRM_PREFER(CRM_COMPANY);
	return 0;
}

int cli_ref_arg(const struct parsed *p, const struct opt_spec *spec,
		const char *cmd, unsigned mask, struct cli_ref *how)
{
	const char *type = opt_get(p, spec, "type");
	enum crm_type t;

	how->cmd = cmd;
	how->label = NULL;
	how->mask = mask;
	if (type == NULL)
		return CRM_OK;
	if (!crm_type_parse(type, &t))
		return cli_usage_error(cli_find_command(cmd),
				       _("unknown type '%s' (use company, "
					 "contact, deal or task)"), type);
	how->mask = CRM_TYPE_BIT(t);
	return CRM_OK;
}

/*
 * The one type of the candidates that exactly one of them has, when
 * they are of several types and all of them are listed: what --type
 * can pick.  NULL when there is none.
 */
static const char *picking_type(const struct crm_match *c, size_t n)
{
	size_t count[CRM_NTYPES] = {0}, i, kinds = 0;
	int t;

	if (n >= CRM_MATCH_MAX)
		return NULL;
	for (i = 0; i < n; i++)
		if (count[c[i].type]++ == 0)
			kinds++;
	if (kinds < 2)
		return NULL;
	for (t = 0; t < CRM_NTYPES; t++)
		if (count[t] == 1)
			return crm_type_name((enum crm_type)t);
	return NULL;
}

/* Lists the candidates of an ambiguous reference on stderr, and how to
 * pick one of them. */
static void print_candidates(const struct cli_ref *how,
			     const struct crm_match *c, size_t n)
{
	const char *type = how->label ? NULL : picking_type(c, n);
	char *name;
	size_t i;

	for (i = 0; i < n; i++) {
		name = cli_safe(c[i].name);
		fprintf(stderr, "  %-8s %-*.*s  %s\n", crm_type_name(c[i].type),
			(int)c[i].idlen, (int)c[i].idlen, c[i].id, name);
		free(name);
	}
	if (type)
		fprintf(stderr, _("hint: use the id, a longer prefix, or "
				  "--type %s\n"), type);
	else
		fprintf(stderr, _("hint: use the id or a longer prefix\n"));
}

/* Reports the failure rc of resolving a reference from how->label. */
static int report(struct cli *cli, const struct cli_ref *how, int rc)
{
	if (how->label)
		crm_err_prefix(&cli->err, "%s", how->label);
	if (rc == CRM_EUSAGE)
		return cli_usage_fail(cli, cli_find_command(how->cmd));
	return cli_fail_as(cli, rc);
}

/* True when ref, which names no record, is the id (or an id prefix) of
 * a finished task: an entry of kind task, into *e. */
static bool finished_task(struct cli *cli, unsigned mask, const char *ref,
			  struct crm_entry_ref *e)
{
	struct crm_err err = {0};

	if (!(mask & CRM_TYPE_BIT(CRM_TASK)))
		return false;
	return crm_store_find_entry(cli->store, ref, e, &err) == CRM_OK &&
	       strcmp(e->kind, "task") == 0;
}

/* True when ref, which names no record, is the id (or an id prefix) of
 * a record merged into a record of the types of mask: into *type and
 * id. */
static bool merged_record(struct cli *cli, unsigned mask, const char *ref,
			  enum crm_type *type, char id[CRM_ID_LEN + 1])
{
	struct crm_err err = {0};

	return crm_store_resolve_merged(cli->store, mask, ref, type, id,
					&err) == CRM_OK;
}

/* Reports that ref is a task done, and where its entry is. */
static int report_done(struct cli *cli, const char *ref,
		       const struct crm_entry_ref *e)
{
	struct crm_record *r = NULL;
	struct crm_err err = {0};
	char *name, *safe = cli_safe(ref);
	int rc;

	name = cli_safe(crm_store_read(cli->store, e->type, e->record, &r,
				       &err) == CRM_OK ? crm_record_name(r)
				       : e->record);
	rc = cli_error(cli, CRM_ENOTFOUND, _("task '%s' is done: it is an "
		       "entry of the timeline of %s %s '%s'\nhint: crm show %s"),
		       safe, crm_type_name(e->type), cli_short_id(e->record),
		       name, e->record);
	crm_record_free(r);
	free(name);
	free(safe);
	return rc;
}

/* After ref named no record of the types how takes, hints on stderr at
 * the one record of another type it names, if there is one (a
 * company's id given to crm deal move). */
static void hint_other_type(struct cli *cli, const struct cli_ref *how,
			    const char *ref)
{
	struct crm_record *r = NULL;
	struct crm_err err = {0};
	enum crm_type t;
	char id[CRM_ID_LEN + 1], *name;

	if ((how->mask & CRM_TYPE_ALL) == CRM_TYPE_ALL ||
	    crm_store_resolve(cli->store, CRM_TYPE_ALL, ref, &t, id, NULL,
			      NULL, &err) != CRM_OK)
		return;
	name = cli_safe(crm_store_read(cli->store, t, id, &r, &err) == CRM_OK
			? crm_record_name(r) : id);
	fprintf(stderr, _("hint: it names %s %s '%s', which is not taken "
			  "here\n"), crm_type_name(t), cli_short_id(id), name);
	crm_record_free(r);
	free(name);
}

/* cli_resolve; with entry, a finished task's id gives its entry there
 * (*type CRM_NTYPES) instead of a failure. */
static int resolve(struct cli *cli, const struct cli_ref *how, const char *ref,
		   enum crm_type *type, char id[CRM_ID_LEN + 1],
		   struct crm_entry_ref *entry)
{
	struct crm_match *cands = NULL;
	struct crm_entry_ref e;
	char *safe;
	size_t n = 0;
	int rc;

	rc = crm_store_resolve(cli->store, how->mask, ref, type, id, &cands,
			       &n, &cli->err);
	if (rc == CRM_OK)
		return rc;
	if (rc == CRM_ENOTFOUND && merged_record(cli, how->mask, ref, type,
						 id)) {
		crm_matches_free(cands, n);
		safe = cli_safe(ref);
		fprintf(stderr, _("crm: '%s' was merged into %s\n"), safe, id);
		free(safe);
		return CRM_OK;
	}
	if (rc == CRM_ENOTFOUND && finished_task(cli, how->mask, ref, &e)) {
		crm_matches_free(cands, n);
		if (entry == NULL)
			return report_done(cli, ref, &e);
		*entry = e;
		*type = CRM_NTYPES;
		snprintf(id, CRM_ID_LEN + 1, "%s", e.id);
		return CRM_OK;
	}
	report(cli, how, rc);
	if (rc == CRM_EAMBIGUOUS)
		print_candidates(how, cands, n);
	if (rc == CRM_ENOTFOUND)
		hint_other_type(cli, how, ref);
	crm_matches_free(cands, n);
	return rc | CLI_REPORTED;
}

int cli_resolve(struct cli *cli, const struct cli_ref *how, const char *ref,
		enum crm_type *type, char id[CRM_ID_LEN + 1])
{
	return resolve(cli, how, ref, type, id, NULL);
}

int cli_resolve_entry(struct cli *cli, const struct cli_ref *how,
		      const char *ref, enum crm_type *type,
		      char id[CRM_ID_LEN + 1], struct crm_entry_ref *entry)
{
	return resolve(cli, how, ref, type, id, entry);
}

int cli_load(struct cli *cli, const struct cli_ref *how, const char *ref,
	     struct crm_record **out)
{
	enum crm_type t;
	char id[CRM_ID_LEN + 1];
	int rc = cli_resolve(cli, how, ref, &t, id);

	if (rc)
		return rc;
	rc = crm_store_read(cli->store, t, id, out, &cli->err);
	return rc ? cli_fail(cli) : CRM_OK;
}
