/*
 * complete.c - crm __complete: answers for the shell completion scripts,
 * from the same tables that drive parsing and help.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec help_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

/* Prints options as "--name" or "--name=" (takes a value), tab, help. */
static void print_opts(const struct opt_spec *spec)
{
	const struct opt_spec *o;

	for (o = spec; o->name; o++) {
		if (!o->name[1])
			printf("-%s", o->name);
		else
			printf("--%s%s", o->name, o->kind == OPT_FLAG ? "" : "=");
		printf("\t%s\n", _(o->help));
	}
}

/* Opens the store quietly; false when there is none. */
static bool quiet_store(struct cli *cli)
{
	char *root = NULL;
	int rc;

	rc = crm_store_discover(cli->dir_opt, getenv("CRM_DIR"), ".", NULL,
				&root, NULL);
	if (rc == CRM_OK)
		rc = crm_store_open(root, &cli->store, NULL);
	free(root);
	return rc == CRM_OK;
}

/* Row callback: prints "id<TAB>name". */
static int print_ref(const struct crm_row *r, void *data)
{
	printf("%s\t%s\n", r->id, r->name ? r->name : "");
	return 0;
}

/* Prints "id<TAB>name" for the records of the given type (or all). */
static void print_refs(struct cli *cli, const char *type)
{
	struct crm_find f = {.mask = CRM_TYPE_ALL};
	enum crm_type t;
	size_t total;

	if (type && crm_type_parse(type, &t))
		f.mask = CRM_TYPE_BIT(t);
	if (quiet_store(cli))
		crm_find_each(cli->store, &f, print_ref, NULL, &total, NULL, NULL,
			      NULL);
}

/* Prints users or stages from crm.yaml. */
static void print_config(struct cli *cli, bool users)
{
	const struct crm_config *cfg;
	size_t i, j;

	if (!quiet_store(cli))
		return;
	cfg = crm_store_config(cli->store);
	if (users)
		for (i = 0; i < cfg->nusers; i++)
			printf("%s\n", cfg->users[i].login);
	else
		for (i = 0; i < cfg->npipelines; i++)
			for (j = 0; j < cfg->pipelines[i].nstages; j++)
				printf("%s\n", cfg->pipelines[i].stages[j]);
}

int cmd_complete(struct cli *cli, struct parsed *p)
{
	const struct cmd *c;
	const char *what = p->npos ? p->pos[0] : "";
	int i;

	if (strcmp(what, "commands") == 0) {
		for (c = crm_commands; c->name; c++)
			if (!(c->flags & CMD_HIDDEN))
				printf("%s\n", c->name);
	} else if (strcmp(what, "options") == 0) {
		c = p->npos > 1 ? cli_find_command(p->pos[1]) : NULL;
		print_opts(c ? c->opts : global_opts);
	} else if (strcmp(what, "fields") == 0) {
		for (i = 0; crm_query_field((size_t)i); i++)
			printf("%s:\n", crm_query_field((size_t)i));
	} else if (strcmp(what, "types") == 0) {
		for (i = 0; i < CRM_NTYPES; i++)
			printf("%s\n", crm_type_name((enum crm_type)i));
	} else if (strcmp(what, "users") == 0 || strcmp(what, "stages") == 0) {
		print_config(cli, strcmp(what, "users") == 0);
	} else if (strcmp(what, "refs") == 0) {
		print_refs(cli, p->npos > 1 ? p->pos[1] : NULL);
	} else {
		return cli_error(cli, CRM_EUSAGE, _("unknown completion '%s'"), what);
	}
	return CRM_OK;
}
