/*
 * cmd-tag.c - crm tag: add and remove tags of one record or of many, in
 * one commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec tag_opts[] = {
	{"stdin", 0, OPT_FLAG, NULL,
	 N_("tag the records named on standard input, one id a line")},
	{"type", 0, OPT_VALUE, N_("TYPE"),
	 N_("take REF among the records of TYPE only")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* Checks the tag words: "+TAG", "-TAG" or "TAG", none empty. */
static int check_words(struct cli *cli, const struct cli_args *args)
{
	const char *arg;
	size_t i;

	for (i = 0; i < args->n; i++) {
		arg = args->v[i];
		if (arg[arg[0] == '-' || arg[0] == '+'] == '\0')
			return cli_usage_error(cli->cmd, _("empty tag in '%s'"),
					       arg);
	}
	return CRM_OK;
}

/* Applies the tag words to r; *changed when one changed it, and the
 * words that did go to subject (when not NULL). */
static int tag_record(struct cli *cli, struct crm_record *r,
		      const struct cli_args *args, bool bulk, bool *changed,
		      struct crm_buf *subject)
{
	const char *arg, *tag;
	char op;
	size_t i;
	int rc;

	*changed = false;
	for (i = 0; i < args->n; i++) {
		arg = args->v[i];
		op = arg[0] == '-' ? '-' : '+';
		tag = arg[0] == '-' || arg[0] == '+' ? arg + 1 : arg;
		if ((op == '+') == crm_record_has_tag(r, tag))
			continue;
		rc = crm_record_set_field(r, "tags", op, tag,
					  crm_store_config(cli->store),
					  cli_login(cli), cli->now, &cli->err);
		if (rc && !bulk)
			return cli_fail_as(cli, rc);
		if (rc)
			return cli_fail_bulk(cli, rc, r);
		if (subject)
			crm_buf_addf(subject, " %c%s", op, tag);
		*changed = true;
	}
	return CRM_OK;
}

/* The subject of a change of several records: "tag +vip -old on 12
 * contacts". */
static char *bulk_subject(const struct cli_args *args,
			  const enum crm_type *types, size_t n)
{
	struct crm_buf b = {0};
	size_t i;

	crm_buf_adds(&b, "tag");
	for (i = 0; i < args->n; i++)
		crm_buf_addf(&b, " %s%s", args->v[i][0] == '-' ||
			     args->v[i][0] == '+' ? "" : "+", args->v[i]);
	cli_bulk_subject(&b, types, n);
	return crm_buf_detach(&b);
}

/* Tags record (t, id) and queues it when it changed; the first record
 * changed gives *first its subject. */
static int tag_one(struct cli *cli, const struct cli_args *args, bool bulk,
		   enum crm_type t, const char *id, struct crm_txn *txn,
		   bool *changed, struct crm_buf *first)
{
	struct crm_record *r = NULL, *before;
	struct crm_buf subject = {0};
	int rc;

	if (crm_store_read(cli->store, t, id, &r, &cli->err))
		return cli_fail(cli);
	before = crm_record_dup(r);
	crm_buf_addf(&subject, "%s %s: tag", crm_type_name(r->type),
		     cli_short_id(r->id));
	rc = tag_record(cli, r, args, bulk, changed, &subject);
	/* +x -x, or a tag added that it had: no change, no commit */
	if (rc == CRM_OK && *changed && crm_node_equal(before->map, r->map))
		*changed = false;
	crm_record_free(before);
	if (rc == CRM_OK && *changed) {
		cli_touch(cli, r);
		if (crm_txn_put(txn, r, &cli->err))
			rc = cli_fail(cli);
		if (first->len == 0)
			crm_buf_add(first, subject.s, subject.len);
	}
	crm_buf_free(&subject);
	crm_record_free(r);
	return rc;
}

int cmd_tag(struct cli *cli, struct parsed *p)
{
	struct cli_args refs, args;
	struct cli_records rs = {0};
	struct cli_ref how;
	struct crm_txn *txn = NULL;
	struct crm_buf first = {0};
	enum crm_type *types = NULL;
	bool from_stdin = opt_given(p, "stdin"), changed = false;
	char *subject;
	size_t i, n = 0;
	int rc;

	if ((rc = cli_split_refs(cli, p, from_stdin, &refs, &args)))
		return rc;
	if ((!from_stdin && refs.n == 0) || args.n == 0)
		return cli_usage_error(cli->cmd,
				       _("need a record and +TAG or -TAG"));
	if ((rc = check_words(cli, &args)) ||
	    (rc = cli_ref_arg(p, tag_opts, "tag", CLI_REF_ANY, &how)) ||
	    (rc = cli_resolve_many(cli, &how, &refs, from_stdin, &rs)))
		goto out;
	txn = crm_txn_new(cli->store);
	types = crm_xcalloc(rs.n + 1, sizeof(*types));
	for (i = 0; i < rs.n && rc == CRM_OK; i++) {
		rc = tag_one(cli, &args, from_stdin || rs.n > 1, rs.t[i],
			     rs.id[i], txn, &changed, &first);
		if (rc == CRM_OK && changed)
			types[n++] = rs.t[i];
	}
	if (rc == CRM_OK && n == 0 && !cli->quiet)
		printf(_("nothing changed\n"));
	if (rc || n == 0)
		goto out;
	subject = n == 1 ? crm_xstrdup(first.s) : bulk_subject(&args, types, n);
	rc = cli_commit(cli, txn, subject, "tag");
	free(subject);
	if (rc == CRM_OK && (from_stdin || rs.n > 1) && !cli->quiet)
		printf(ngettext("%zu record changed\n", "%zu records changed\n",
				n), n);
out:
	cli_records_free(&rs);
	crm_txn_free(txn);
	crm_buf_free(&first);
	free(types);
	return rc;
}
