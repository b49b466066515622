/*
 * cmd-tag.c - crm tag: add and remove tags.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

const struct opt_spec tag_opts[] = {
	{"type", 0, OPT_VALUE, N_("TYPE"),
	 N_("take REF among the records of TYPE only")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

int cmd_tag(struct cli *cli, struct parsed *p)
{
	const struct cmd *self = cli->cmd;
	struct crm_record *r = NULL;
	struct cli_ref how;
	struct crm_buf subject = {0};
	const char *arg, *tag;
	bool changed = false;
	char op;
	size_t i;
	int rc;

	if (p->npos < 2)
		return cli_usage_error(self, _("need a record and +TAG or -TAG"));
	if ((rc = cli_ref_arg(p, tag_opts, "tag", CLI_REF_ANY, &how)) ||
	    (rc = cli_load(cli, &how, p->pos[0], &r)))
		return rc;
	crm_buf_addf(&subject, "%s %s: tag", crm_type_name(r->type),
		     cli_short_id(r->id));
	for (i = 1; i < p->npos && rc == CRM_OK; i++) {
		arg = p->pos[i];
		op = arg[0] == '-' ? '-' : '+';
		tag = arg[0] == '-' || arg[0] == '+' ? arg + 1 : arg;
		if (tag[0] == '\0') {
			rc = cli_usage_error(self, _("empty tag in '%s'"), arg);
			break;
		}
		if ((op == '+') == crm_record_has_tag(r, tag))
			continue;
		rc = crm_record_set_field(r, "tags", op, tag,
					  crm_store_config(cli->store),
					  cli_login(cli), cli->now, &cli->err);
		if (rc)
			rc = cli_error(cli, rc, "%s", cli->err.msg);
		crm_buf_addf(&subject, " %c%s", op, tag);
		changed = true;
	}
	if (rc == CRM_OK && !changed && !cli->quiet)
		printf(_("nothing changed\n"));
	if (rc == CRM_OK && changed) {
		cli_touch(cli, r);
		rc = cli_commit_record(cli, r, subject.s, "tag");
	}
	crm_buf_free(&subject);
	crm_record_free(r);
	return rc;
}
