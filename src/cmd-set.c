/*
 * cmd-set.c - crm set: change fields of one record or of many, in one
 * commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec set_opts[] = {
	{"new-field", 0, OPT_FLAG, NULL,
	 N_("add a field even when its name is close to an existing one")},
	{"stdin", 0, OPT_FLAG, NULL,
	 N_("change the records named on standard input, one id a line")},
	{"type", 0, OPT_VALUE, N_("TYPE"),
	 N_("take REF among the records of TYPE only")},
	{"reason", 0, OPT_VALUE, N_("TEXT"),
	 N_("why a deal's stage changes (a lost stage needs one)")},
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
	char *name;
	size_t i;
	int rc;

	if (opt_given(p, "new-field") || !crm_field_name_valid(key) ||
	    crm_record_known_field(r->type, key) || crm_map_get(r->map, key))
		return CRM_OK; /* no typo: nothing to load (the index) */
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
	name = cli_safe(crm_record_name(r));
	rc = cli_usage_error(cli->cmd, _("'%s' is not a field of %s %s '%s' "
			     "(did you mean '%s'?); to add it as a new field "
			     "use --new-field"), key, crm_type_name(r->type),
			     cli_short_id(r->id), name, hint);
	free(name);
	return rc;
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

/* One KEY=VALUE of the command line, read once for every record. */
struct assign {
	char *key;
	char op;
	const char *value;        /* borrowed from argv, or id */
	char id[CRM_ID_LEN + 1];  /* a reference's value, resolved */
};

/* Reads the assignments args[0..n) into *out (caller frees with
 * assigns_free); references are resolved here, once. */
static int parse_assigns(struct cli *cli, const struct cli_args *args,
			 struct assign **out)
{
	struct assign *a = crm_xcalloc(args->n + 1, sizeof(*a));
	struct cli_ref how = {"set", NULL, 0};
	enum crm_type t;
	size_t i;
	int rc = CRM_OK;

	*out = a;
	for (i = 0; i < args->n && rc == CRM_OK; i++) {
		if (!split_assignment(args->v[i], &a[i].key, &a[i].op,
				      &a[i].value))
			return cli_usage_error(cli->cmd, _("expected KEY=VALUE, "
					       "not '%s'"), args->v[i]);
		if (!crm_field_is_ref(a[i].key) || !a[i].value[0])
			continue;
		how.label = a[i].key;
		how.mask = cli_ref_field_mask(a[i].key);
		rc = cli_resolve(cli, &how, a[i].value, &t, a[i].id);
		a[i].value = a[i].id;
	}
	return rc;
}

static void assigns_free(struct assign *a, size_t n)
{
	size_t i;

	for (i = 0; a && i < n; i++)
		free(a[i].key);
	free(a);
}

/* Reports cli->err (status rc) about record r; for a change of several
 * records, naming r and saying that nothing was changed. */
static int set_error(struct cli *cli, const struct crm_record *r, int rc,
		     bool bulk)
{
	return bulk ? cli_fail_bulk(cli, rc, r) : cli_fail_as(cli, rc);
}

/* Applies one assignment to r.  A failure names the record when the
 * command changes several (bulk). */
static int apply(struct cli *cli, struct parsed *p, struct used_fields *u,
		 struct crm_record *r, const struct assign *a, bool bulk)
{
	int rc;

	if ((rc = check_new_field(cli, p, u, r, a->key)))
		return rc;
	rc = crm_record_set_field(r, a->key, a->op, a->value,
				  crm_store_config(cli->store), cli_login(cli),
				  cli->now, &cli->err);
	return rc == CRM_OK ? CRM_OK : set_error(cli, r, rc, bulk);
}

/* The commit subject: "deal 7k2m: lead -> won" for a stage change, else
 * "deal 7k2m: set k=v, ...". */
static void make_subject(const struct crm_record *before,
			 const struct crm_record *after,
			 const struct cli_args *args, char *buf, size_t size)
{
	const char *s0 = crm_map_str(before->map, "stage");
	const char *s1 = crm_map_str(after->map, "stage");
	bool stage = s0 && s1 && strcmp(s0, s1) != 0 && args->n == 1;
	struct crm_buf b = {0};
	size_t i;

	crm_buf_addf(&b, "%s %s: ", crm_type_name(after->type),
		     cli_short_id(after->id));
	if (stage)
		crm_buf_addf(&b, "%s -> %s", s0, s1);
	for (i = 0; i < args->n && !stage; i++)
		crm_buf_addf(&b, "%s%s", i == 0 ? "set " : ", ", args->v[i]);
	snprintf(buf, size, "%s", b.s);
	crm_buf_free(&b);
}

/* The subject of a change of several records: "set k=v, ... on 312
 * deals". */
static char *bulk_subject(const struct cli_args *args,
			  const enum crm_type *types, size_t n)
{
	struct crm_buf b = {0};
	size_t i;

	for (i = 0; i < args->n; i++)
		crm_buf_addf(&b, "%s%s", i == 0 ? "set " : ", ", args->v[i]);
	cli_bulk_subject(&b, types, n);
	return crm_buf_detach(&b);
}

/* Gives the stage_history entry a change of stage noted in deal r
 * (before was its version before) the reason --reason gave, and checks
 * it as crm deal move does: a lost stage needs one. */
static int note_reason(struct cli *cli, const struct crm_record *before,
		       struct crm_record *r, const char *reason, bool bulk)
{
	const char *s0 = crm_map_str(before->map, "stage");
	const char *s1 = crm_map_str(r->map, "stage");
	int rc;

	if (s1 == NULL || (s0 && strcmp(s0, s1) == 0))
		return CRM_OK;
	rc = crm_deal_note_reason(r, crm_store_config(cli->store), reason,
				  &cli->err);
	return rc == CRM_OK ? CRM_OK : set_error(cli, r, rc, bulk);
}

/* CRM_OK unless --reason was given without a stage=... assignment, or
 * is not UTF-8 (a usage error). */
static int check_reason(struct cli *cli, const char *reason,
			const struct cli_args *args)
{
	size_t i;

	if (reason == NULL)
		return CRM_OK;
	if (!crm_utf8_valid(reason, strlen(reason)))
		return cli_usage_error(cli->cmd, _("invalid UTF-8 in --reason"));
	for (i = 0; i < args->n; i++)
		if (strncmp(args->v[i], "stage=", 6) == 0)
			return CRM_OK;
	return cli_usage_error(cli->cmd, _("--reason is for a change of stage "
			       "(stage=STAGE)"));
}

/* What one run of crm set changes. */
struct set_run {
	struct cli *cli;
	struct parsed *p;
	struct used_fields used;
	const struct cli_args *args;
	struct assign *assigns;
	bool bulk;
	struct crm_txn *txn;
	enum crm_type *types; /* of the records changed */
	size_t nchanged;
	char subject[512];    /* of the first record changed */
};

/* Applies the assignments to record (t, id) and queues it when it
 * changed. */
static int set_one(struct set_run *run, enum crm_type t, const char *id)
{
	struct cli *cli = run->cli;
	struct crm_record *r = NULL, *before = NULL;
	size_t i;
	int rc;

	if (crm_store_read(cli->store, t, id, &r, &cli->err))
		return cli_fail(cli);
	before = crm_record_dup(r);
	run->used.before = before;
	for (i = 0, rc = CRM_OK; i < run->args->n && rc == CRM_OK; i++)
		rc = apply(cli, run->p, &run->used, r, &run->assigns[i],
			   run->bulk);
	if (rc == CRM_OK && r->type == CRM_DEAL)
		rc = note_reason(cli, before, r, opt_get(run->p, set_opts,
							 "reason"), run->bulk);
	if (rc || crm_node_equal(before->map, r->map))
		goto out;
	cli_touch(cli, r);
	if (run->nchanged == 0)
		make_subject(before, r, run->args, run->subject,
			     sizeof(run->subject));
	if (crm_txn_put(run->txn, r, &cli->err)) {
		rc = cli_fail(cli);
		goto out;
	}
	run->types[run->nchanged++] = r->type;
out:
	run->used.before = NULL;
	crm_record_free(before);
	crm_record_free(r);
	return rc;
}

/* Commits what run queued, one commit for every record. */
static int set_commit(struct set_run *run)
{
	struct cli *cli = run->cli;
	char *subject;
	int rc;

	if (run->nchanged == 0) {
		if (!cli->quiet)
			printf(_("nothing changed\n"));
		return CRM_OK;
	}
	subject = run->nchanged == 1 ? crm_xstrdup(run->subject)
		  : bulk_subject(run->args, run->types, run->nchanged);
	rc = cli_commit(cli, run->txn, subject, "set");
	free(subject);
	if (rc == CRM_OK && run->bulk && !cli->quiet)
		printf(ngettext("%zu record changed\n", "%zu records changed\n",
				run->nchanged), run->nchanged);
	return rc;
}

int cmd_set(struct cli *cli, struct parsed *p)
{
	struct set_run run = {.cli = cli, .p = p};
	struct cli_args refs, args;
	struct cli_records rs = {0};
	struct cli_ref how;
	bool from_stdin = opt_given(p, "stdin");
	size_t i;
	int rc;

	if ((rc = cli_split_refs(cli, p, from_stdin, &refs, &args)))
		return rc;
	if ((!from_stdin && refs.n == 0) || args.n == 0)
		return cli_usage_error(cli->cmd,
				       _("need a record and KEY=VALUE"));
	if ((rc = check_reason(cli, opt_get(p, set_opts, "reason"), &args)) ||
	    (rc = cli_ref_arg(p, set_opts, "set", CLI_REF_ANY, &how)) ||
	    (rc = parse_assigns(cli, &args, &run.assigns)) ||
	    (rc = cli_resolve_many(cli, &how, &refs, from_stdin, &rs)))
		goto out;
	run.args = &args;
	run.bulk = from_stdin || rs.n > 1;
	run.txn = crm_txn_new(cli->store);
	run.types = crm_xcalloc(rs.n + 1, sizeof(*run.types));
	for (i = 0; i < rs.n && rc == CRM_OK; i++)
		rc = set_one(&run, rs.t[i], rs.id[i]);
	if (rc == CRM_OK)
		rc = set_commit(&run);
out:
	used_fields_free(&run.used);
	assigns_free(run.assigns, args.n);
	cli_records_free(&rs);
	crm_txn_free(run.txn);
	free(run.types);
	return rc;
}
