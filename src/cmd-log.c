/*
 * cmd-log.c - crm log: the history of the store or of one record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec log_opts[] = {
	{"n", 'n', OPT_VALUE, N_("N"), N_("show at most N changes")},
	{"type", 0, OPT_VALUE, N_("TYPE"),
	 N_("take REF among the records of TYPE only")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* Formats the commit time in its own offset: "2026-11-22 21:15 +03:00". */
static void format_when(const struct crm_log_entry *e, char *buf, size_t size)
{
	time_t t = e->when + (time_t)e->offset * 60;
	struct tm tm;
	int off = e->offset < 0 ? -e->offset : e->offset;

	gmtime_r(&t, &tm);
	snprintf(buf, size, "%04d-%02d-%02d %02d:%02d %c%02d:%02d",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, e->offset < 0 ? '-' : '+', off / 60, off % 60);
}

/* Prints one entry in the readable form. */
static void print_entry(struct cli *cli, const struct crm_log_entry *e,
			bool record)
{
	char when[64];
	size_t i;

	format_when(e, when, sizeof(when));
	printf("%s%.8s%s  %s  %s%s%s  %s\n", color_dim(cli), e->hash,
	       color_reset(cli), when, color_bold(cli), e->author,
	       color_reset(cli), e->subject);
	if (record)
		for (i = 0; i < e->nchanges; i++)
			printf("    %s\n", e->changes[i]);
}

/* Prints the entries as JSON. */
static void print_json(const struct crm_log_entry *e, size_t n)
{
	size_t i, j;

	printf("{\n  \"format_version\": 1,\n  \"log\": [");
	for (i = 0; i < n; i++) {
		printf("%s\n    {\"commit\": \"%s\", \"author\": ", i ? "," : "",
		       e[i].hash);
		json_string(stdout, e[i].author);
		printf(", \"email\": ");
		json_string(stdout, e[i].email);
		printf(", \"time\": %lld, \"subject\": ", (long long)e[i].when);
		json_string(stdout, e[i].subject);
		printf(", \"changes\": [");
		for (j = 0; j < e[i].nchanges; j++) {
			if (j)
				printf(", ");
			json_string(stdout, e[i].changes[j]);
		}
		printf("], \"paths\": [");
		for (j = 0; j < e[i].npaths; j++) {
			if (j)
				printf(", ");
			json_string(stdout, e[i].paths[j]);
		}
		printf("]}");
	}
	printf("%s]\n}\n", n ? "\n  " : "");
}

/* Parses -n. */
static int parse_max(const char *s, size_t *max)
{
	char *end;
	long v;

	*max = 0;
	if (s == NULL)
		return CRM_OK;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v <= 0)
		return cli_usage_error(cli_find_command("log"),
				       _("-n needs a positive number, not '%s'"), s);
	*max = (size_t)v;
	return CRM_OK;
}

int cmd_log(struct cli *cli, struct parsed *p)
{
	struct crm_log_entry *e = NULL;
	char path[64], id[CRM_ID_LEN + 1];
	struct cli_ref how;
	enum crm_type t;
	size_t n = 0, i, max;
	int rc;

	if (p->npos > 1)
		return cli_usage_error(cli_find_command("log"),
				       _("too many arguments"));
	if ((rc = parse_max(opt_get(p, log_opts, "n"), &max)))
		return rc;
	if ((rc = cli_ref_arg(p, log_opts, "log", CLI_REF_ANY, &how)))
		return rc;
	if (p->npos == 1) {
		if ((rc = cli_resolve(cli, &how, p->pos[0], &t, id)))
			return rc;
		crm_record_path(t, id, path, sizeof(path));
	}
	rc = crm_history(cli->store, p->npos ? path : NULL, max, &e, &n,
			 &cli->err);
	if (rc)
		return cli_fail(cli);
	if (cli->format == FMT_JSON)
		print_json(e, n);
	else
		for (i = 0; i < n; i++)
			print_entry(cli, &e[i], p->npos == 1);
	crm_log_entries_free(e, n);
	return CRM_OK;
}
