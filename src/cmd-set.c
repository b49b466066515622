/*
 * cmd-set.c - crm set: change fields of a record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec set_opts[] = {
	{"new-field", 0, OPT_FLAG, NULL,
	 N_("add a field even when its name is close to an existing one")},
	{"type", 0, OPT_VALUE, N_("TYPE"),
	 N_("take REF among the records of TYPE only")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* The custom fields the store's records use, read once a command, and
 * the record as it was before the command (fields it adds do not count:
 * custom_01 and custom_02 set together are no typos of each other). */
struct used_fields {
	bool loaded;
	char **keys;
	size_t n;
	const struct crm_record *before;
};

/* Refuses key when it is a new field whose name is close to a field r
 * has or could have, or that other records use (a typo must not become
 * data); --new-field lets it through.  A name no field can have is
 * left for the record's own check to refuse. */
static int check_new_field(struct cli *cli, struct parsed *p,
			   struct used_fields *u, const struct crm_record *r,
			   const char *key)
{
	const struct crm_config *cfg = crm_store_config(cli->store);
	const char *hint;
	size_t i;

	if (opt_given(p, "new-field") || !crm_field_name_valid(key))
		return CRM_OK;
	if (!u->loaded) {
		u->loaded = true;
		if (crm_find_field_names(cli->store, &u->keys, &u->n, &cli->err))
			return cli_fail(cli);
		u->keys = crm_xrealloc(u->keys, (u->n + cfg->nfields + 1) *
				       sizeof(char *));
		for (i = 0; i < cfg->nfields; i++)
			u->keys[u->n++] = crm_xstrdup(cfg->fields[i].name);
	}
	hint = crm_field_typo(u->before, key, (const char *const *)u->keys,
			      u->n);
	if (hint == NULL)
		return CRM_OK;
	return cli_usage_error(cli->cmd, _("'%s' is not a field of this %s "
			       "(did you mean '%s'?); to add it as a new field "
			       "use --new-field"), key, crm_type_name(r->type),
			       hint);
}

/* Frees what check_new_field() loaded. */
static void used_fields_free(struct used_fields *u)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		free(u->keys[i]);
	free(u->keys);
}

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
static int apply(struct cli *cli, struct parsed *p, struct used_fields *u,
		 struct crm_record *r, const char *arg)
{
	const struct cmd *self = cli->cmd;
	char *key, op, id[CRM_ID_LEN + 1];
	const char *value;
	struct cli_ref how = {"set", NULL, 0};
	enum crm_type t;
	int rc;

	if (!split_assignment(arg, &key, &op, &value))
		return cli_usage_error(self, _("expected KEY=VALUE, not '%s'"), arg);
	if ((rc = check_new_field(cli, p, u, r, key))) {
		free(key);
		return rc;
	}
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
	struct used_fields used = {0};
	struct cli_ref how;
	char subject[512];
	size_t i;
	int rc;

	if (p->npos < 2)
		return cli_usage_error(cli->cmd,
				       _("need a record and KEY=VALUE"));
	if ((rc = cli_ref_arg(p, set_opts, "set", CLI_REF_ANY, &how)) ||
	    (rc = cli_load(cli, &how, p->pos[0], &r)))
		return rc;
	before = crm_record_dup(r);
	used.before = before;
	for (i = 1; i < p->npos && rc == CRM_OK; i++)
		rc = apply(cli, p, &used, r, p->pos[i]);
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
	used_fields_free(&used);
	crm_record_free(before);
	crm_record_free(r);
	return rc;
}
