/*
 * cmd-set.c - crm set: change fields of a record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec set_opts[] = {
	{"type", 0, OPT_VALUE, N_("TYPE"),
	 N_("take REF among the records of TYPE only")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* Splits "key=value", "key+=value" or "key-=value". Returns false when arg
 * has no '='. *key is owned by the caller. */
static bool split_assignment(const char *arg, char **key, char *op,
			     const char **value)
{
	const char *eq = strchr(arg, '=');
	size_t klen;

	if (eq == NULL || eq == arg)
		return false;
	klen = (size_t)(eq - arg);
	*op = '=';
	if (klen > 1 && (eq[-1] == '+' || eq[-1] == '-')) {
		*op = eq[-1];
		klen--;
	}
	*key = crm_xstrndup(arg, klen);
	*value = eq + 1;
	return true;
}

/* Applies one assignment to r; references are resolved first. */
static int apply(struct cli *cli, struct crm_record *r, const char *arg)
{
	const struct cmd *self = cli_find_command("set");
	char *key, op, id[CRM_ID_LEN + 1];
	const char *value;
	struct cli_ref how = {"set", NULL, 0};
	enum crm_type t;
	int rc;

	if (!split_assignment(arg, &key, &op, &value))
		return cli_usage_error(self, _("expected KEY=VALUE, not '%s'"), arg);
	if (crm_field_is_ref(key) && value[0]) {
		how.label = key;
		how.mask = cli_ref_field_mask(key);
		if ((rc = cli_resolve(cli, &how, value, &t, id))) {
			free(key);
			return rc;
		}
		value = id;
	}
	rc = crm_record_set_field(r, key, op, value,
				  crm_store_config(cli->store), cli_login(cli),
				  cli->now, &cli->err);
	free(key);
	if (rc)
		return cli_error(cli, rc, "%s", cli->err.msg);
	return CRM_OK;
}

/* The commit subject: "deal 7k2m: lead -> won" for a stage change, else
 * "deal 7k2m: set k=v, ...". */
static void make_subject(const struct crm_record *before,
			 const struct crm_record *after, struct parsed *p,
			 char *buf, size_t size)
{
	const char *s0 = crm_map_str(before->map, "stage");
	const char *s1 = crm_map_str(after->map, "stage");
	struct crm_buf b = {0};
	size_t i;

	crm_buf_addf(&b, "%s %s: ", crm_type_name(after->type),
		     cli_short_id(after->id));
	if (s0 && s1 && strcmp(s0, s1) != 0 && p->npos == 2)
		crm_buf_addf(&b, "%s -> %s", s0, s1);
	for (i = 1; i < p->npos && !(s0 && s1 && strcmp(s0, s1) && p->npos == 2);
	     i++)
		crm_buf_addf(&b, "%s%s", i == 1 ? "set " : ", ", p->pos[i]);
	snprintf(buf, size, "%s", b.s);
	crm_buf_free(&b);
}

int cmd_set(struct cli *cli, struct parsed *p)
{
	struct crm_record *r = NULL, *before = NULL;
	struct cli_ref how;
	char subject[512];
	size_t i;
	int rc;

	if (p->npos < 2)
		return cli_usage_error(cli_find_command("set"),
				       _("need a record and KEY=VALUE"));
	if ((rc = cli_ref_arg(p, set_opts, "set", CLI_REF_ANY, &how)) ||
	    (rc = cli_load(cli, &how, p->pos[0], &r)))
		return rc;
	before = crm_record_dup(r);
	for (i = 1; i < p->npos && rc == CRM_OK; i++)
		rc = apply(cli, r, p->pos[i]);
	if (rc)
		goto out;
	if (crm_node_equal(before->map, r->map)) {
		if (!cli->quiet)
			printf(_("nothing changed\n"));
		goto out;
	}
	cli_touch(cli, r);
	make_subject(before, r, p, subject, sizeof(subject));
	rc = cli_commit_record(cli, r, subject, "set");
out:
	crm_record_free(before);
	crm_record_free(r);
	return rc;
}
