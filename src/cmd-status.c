/*
 * cmd-status.c - crm status: record files edited outside crm, and a git
 * operation (merge, rebase...) the store is in the middle of, with its
 * conflicted files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec status_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

/* True when path is one of gs's conflicted files. */
static bool is_conflicted(const struct crm_gitstate *gs, const char *path)
{
	size_t i;

	for (i = 0; i < gs->nconflicts; i++)
		if (strcmp(gs->conflicts[i], path) == 0)
			return true;
	return false;
}

/* Prints s made safe for the terminal. */
static void put_safe(const char *s)
{
	char *t = cli_safe(s);

	fputs(t, stdout);
	free(t);
}

/* Prints a file's error message: its first line in red after the path,
 * each further line ("hint: ...") on a line of its own, indented; every
 * line made safe for the terminal. */
static void put_error(struct cli *cli, const char *msg)
{
	const char *nl;
	char *line;
	bool first = true;

	do {
		nl = strchr(msg, '\n');
		line = nl ? crm_xstrndup(msg, (size_t)(nl - msg))
			  : crm_xstrdup(msg);
		if (first)
			fputs(color_red(cli), stdout);
		else
			fputs("    ", stdout);
		put_safe(line);
		printf("%s\n", first ? color_reset(cli) : "");
		free(line);
		first = false;
		if (nl)
			msg = nl + 1;
	} while (nl);
}

/* The readable form: the operation, the conflicted files ('U'), the
 * other changed files, and what to do next. */
static void print_table(struct cli *cli, const struct crm_gitstate *gs,
			const struct crm_wt_change *c, size_t n, size_t bad)
{
	size_t i, shown = 0;

	if (gs->op != CRM_GITOP_NONE)
		printf("%s%s%s\n", color_yellow(cli),
		       crm_gitop_describe(gs->op), color_reset(cli));
	for (i = 0; i < gs->nconflicts; i++) {
		fputs("U ", stdout);
		put_safe(gs->conflicts[i]);
		printf("  %s%s%s\n", color_red(cli), _("unresolved conflict"),
		       color_reset(cli));
	}
	for (i = 0; i < n; i++) {
		if (is_conflicted(gs, c[i].path))
			continue;
		shown++;
		printf("%c ", c[i].status);
		put_safe(c[i].path);
		fputs("  ", stdout);
		if (c[i].valid) {
			printf("%s%s%s\n", color_green(cli), _("ok"),
			       color_reset(cli));
		} else {
			put_error(cli, c[i].error);
		}
	}
	if (gs->op != CRM_GITOP_NONE)
		printf("%s\n", crm_gitop_hint(gs->op));
	else if (gs->nconflicts)
		printf("%s\n", crm_conflicts_hint());
	else if (shown == 0)
		printf(_("nothing edited outside crm\n"));
	else
		printf(bad ? _("fix the files above, then run 'crm commit'\n")
			   : _("run 'crm commit' to commit these changes\n"));
}

/* The JSON form (schema in crm-status(1)). */
static void print_json(const struct crm_gitstate *gs,
		       const struct crm_wt_change *c, size_t n)
{
	size_t i, shown = 0;

	fputs("{\"format_version\": 1,\n \"operation\": ", stdout);
	if (gs->op != CRM_GITOP_NONE)
		json_string(stdout, crm_gitop_name(gs->op));
	else
		fputs("null", stdout);
	fputs(",\n \"conflicts\": [", stdout);
	for (i = 0; i < gs->nconflicts; i++) {
		if (i)
			fputs(", ", stdout);
		json_string(stdout, gs->conflicts[i]);
	}
	fputs("],\n \"changes\": [", stdout);
	for (i = 0; i < n; i++) {
		if (is_conflicted(gs, c[i].path))
			continue;
		printf("%s\n  {\"path\": ", shown++ ? "," : "");
		json_string(stdout, c[i].path);
		printf(", \"status\": \"%c\", \"valid\": %s, \"error\": ",
		       c[i].status, c[i].valid ? "true" : "false");
		if (c[i].valid)
			fputs("null", stdout);
		else
			json_string(stdout, c[i].error);
		putchar('}');
	}
	printf("%s]}\n", shown ? "\n " : "");
}

int cmd_status(struct cli *cli, struct parsed *p)
{
	struct crm_wt_change *c = NULL;
	struct crm_gitstate gs;
	size_t n = 0, i, bad = 0;
	int rc;

	if (p->npos)
		return cli_usage_error(cli->cmd,
				       _("too many arguments"));
	if (crm_store_gitstate(cli->store, &gs, &cli->err))
		return cli_fail(cli);
	rc = crm_worktree_changes(cli->store, &c, &n, &cli->err);
	if (rc) {
		crm_gitstate_free(&gs);
		return cli_fail(cli);
	}
	for (i = 0; i < n; i++)
		if (!c[i].valid && !is_conflicted(&gs, c[i].path))
			bad++;
	if (!cli->quiet && cli->format == FMT_JSON)
		print_json(&gs, c, n);
	else if (!cli->quiet)
		print_table(cli, &gs, c, n, bad);
	rc = bad || gs.nconflicts || gs.op != CRM_GITOP_NONE ? CRM_ERR : CRM_OK;
	crm_wt_changes_free(c, n);
	crm_gitstate_free(&gs);
	return rc;
}
