/*
 * cmd-add.c - crm add: a new record from flags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* --name, an option for each field of the registry crm add takes
 * (cli_add_options_init), --reason, --set. */
struct opt_spec add_opts[CRM_FIELDS_MAX + 4];

void cli_add_options_init(void)
{
	const struct crm_field *f;
	size_t i, n = 0;

	add_opts[n++] = (struct opt_spec){"name", 0, OPT_VALUE, N_("NAME"),
		N_("the name (or use NAME words)"), NULL};
	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		if (!(f->flags & CRM_FIELD_ADD))
			continue;
		add_opts[n++] = (struct opt_spec){crm_field_term(f), 0,
			crm_field_is_list(f->kind) ? OPT_LIST
			: f->kind == CRM_FIELD_REF ? OPT_REF : OPT_VALUE,
			f->metavar, f->help, NULL};
	}
	add_opts[n++] = (struct opt_spec){"reason", 0, OPT_VALUE, N_("TEXT"),
		N_("why the deal is in its stage; a lost stage needs one "
		   "(deal)"), NULL};
	add_opts[n++] = (struct opt_spec){"set", 0, OPT_LIST, N_("KEY=VALUE"),
		N_("any field (repeatable)"), NULL};
	add_opts[n] = (struct opt_spec){NULL, 0, OPT_FLAG, NULL, NULL, NULL};
}

/* The name from --name or the NAME words (joined by spaces). */
static char *record_name(struct parsed *p)
{
	const char *opt = opt_get(p, add_opts, "name");
	struct crm_buf b = {0};
	size_t i;

	if (opt)
		return crm_xstrdup(opt);
	for (i = 1; i < p->npos; i++) {
		if (i > 1)
			crm_buf_addc(&b, ' ');
		crm_buf_adds(&b, p->pos[i]);
	}
	return crm_buf_detach(&b);
}

/* Sets one field from the value of option opt, resolving references
 * among the types of ref_mask. */
static int set_from_option(struct cli *cli, struct crm_record *r,
			   const char *opt, const char *field,
			   unsigned ref_mask, char op, const char *value)
{
	char id[CRM_ID_LEN + 1], label[32];
	struct cli_ref how = {"add", label, ref_mask};
	enum crm_type t;
	int rc;

	if (ref_mask) {
		snprintf(label, sizeof(label), "--%s", opt);
		if ((rc = cli_resolve(cli, &how, value, &t, id)))
			return rc;
		value = id;
	}
	if (value[0] == '\0')
		return cli_usage_error(cli->cmd,
				       _("field '%s' needs a value"), field);
	rc = crm_record_set_field(r, field, op, value,
				  crm_store_config(cli->store), cli_login(cli),
				  cli->now, &cli->err);
	if (rc)
		return cli_fail_as(cli, CRM_EUSAGE);
	return CRM_OK;
}

/* Applies every option of a field that was given; refuses those not
 * for the record's type. */
static int apply_options(struct cli *cli, struct parsed *p,
			 struct crm_record *r)
{
	const struct opt_values *v;
	const struct crm_field *f;
	const char *opt;
	size_t i, j;
	int rc;

	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		if (!(f->flags & CRM_FIELD_ADD))
			continue;
		opt = crm_field_term(f);
		v = opt_all(p, add_opts, opt);
		if (v->count == 0)
			continue;
		if (!(f->types & CRM_TYPE_BIT(r->type)))
			return cli_usage_error(cli->cmd,
				_("option '--%s' does not apply to a %s"),
				opt, crm_type_name(r->type));
		for (j = 0; j < v->count; j++) {
			rc = set_from_option(cli, r, opt, f->name, f->refers,
					     crm_field_is_list(f->kind) ? '+' : '=',
					     v->vals[j]);
			if (rc)
				return rc;
		}
	}
	return CRM_OK;
}

/* Applies --set KEY=VALUE options. */
static int apply_set(struct cli *cli, struct parsed *p, struct crm_record *r)
{
	const struct opt_values *v = opt_all(p, add_opts, "set");
	char *key, *eq;
	size_t i;
	int rc = CRM_OK;

	for (i = 0; i < v->count && rc == CRM_OK; i++) {
		eq = strchr(v->vals[i], '=');
		if (eq == NULL || eq == v->vals[i])
			return cli_usage_error(cli->cmd,
				_("--set needs KEY=VALUE, not '%s'"), v->vals[i]);
		key = crm_xstrndup(v->vals[i], (size_t)(eq - v->vals[i]));
		rc = set_from_option(cli, r, "set", key, cli_ref_field_mask(key),
				     '=', eq + 1);
		free(key);
	}
	return rc;
}

/* Fills the defaults: a task's owner (its record's), then those of
 * every new record (crm_record_apply_defaults). */
static int apply_defaults(struct cli *cli, struct crm_record *r)
{
	int rc;

	if (r->type == CRM_TASK && !crm_map_get(r->map, "owner") &&
	    (rc = cli_task_default_owner(cli, r)))
		return rc;
	if (crm_record_apply_defaults(r, crm_store_config(cli->store),
				      cli_login(cli), cli->now, &cli->err))
		return cli_fail_as(cli, CRM_EUSAGE);
	return CRM_OK;
}

/* Gives a deal's first stage_history entry the reason --reason gives,
 * checked as crm deal move checks it (a lost stage needs one, of
 * lost_reasons when lost_reasons_strict); refuses --reason for the
 * other types. */
static int apply_reason(struct cli *cli, struct parsed *p,
			struct crm_record *r)
{
	const char *reason = opt_get(p, add_opts, "reason");

	if (reason && r->type != CRM_DEAL)
		return cli_usage_error(cli->cmd,
			_("option '--%s' does not apply to a %s"), "reason",
			crm_type_name(r->type));
	if (r->type != CRM_DEAL)
		return CRM_OK;
	if (crm_deal_note_reason(r, crm_store_config(cli->store), reason,
				 &cli->err))
		return cli_fail(cli);
	return CRM_OK;
}

int cmd_add(struct cli *cli, struct parsed *p)
{
	const struct cmd *self = cli->cmd;
	struct crm_record *r = NULL;
	char id[CRM_ID_LEN + 1], subject[512], line[CRM_ID_LEN + 2], *name = NULL;
	bool blank;
	enum crm_type t;
	int rc;

	if ((rc = cli_type_arg(p, self->name, &t)))
		return rc;
	name = record_name(p);
	blank = name[strspn(name, " \t\n\v\f\r")] == '\0';
	if (blank || !crm_utf8_valid(name, strlen(name))) {
		rc = cli_usage_error(self, blank ? _("a name is needed")
					   : _("the name is not valid UTF-8"));
		goto out;
	}
	if (t == CRM_TASK && opt_get(p, add_opts, "for") == NULL) {
		rc = cli_usage_error(self, _("a task needs --for REF"));
		goto out;
	}
	if ((rc = crm_store_new_id(cli->store, id, &cli->err))) {
		rc = cli_fail(cli);
		goto out;
	}
	r = crm_record_new(t, id, name, cli->now);
	if ((rc = apply_options(cli, p, r)) || (rc = apply_set(cli, p, r)) ||
	    (rc = apply_defaults(cli, r)) || (rc = apply_reason(cli, p, r)))
		goto out;
	if (crm_record_normalize(r, crm_store_config(cli->store), cli->now,
				 &cli->err) != CRM_OK) {
		rc = cli_fail_as(cli, CRM_EUSAGE);
		goto out;
	}
	if ((rc = crm_record_validate(r, crm_store_config(cli->store),
				      &cli->err))) {
		rc = cli_fail(cli);
		goto out;
	}
	snprintf(subject, sizeof(subject), "%s %s: add %s", crm_type_name(t),
		 cli_short_id(id), name);
	/* printed just before the branch moves: not committed when the id
	 * cannot be written (see crm-add(1)) */
	snprintf(line, sizeof(line), "%s\n", id);
	rc = cli_commit_record_say(cli, r, subject, "add",
				   cli->quiet ? NULL : line);
out:
	crm_record_free(r);
	free(name);
	return rc;
}
