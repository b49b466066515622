/*
 * cmd-show.c - crm show: one record, readable, with what hangs on it.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec show_opts[] = {
	{"type", 0, OPT_VALUE, N_("TYPE"),
	 N_("take REF among the records of TYPE only")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* Prints one "  key  value" line. */
static void field_line(struct cli *cli, const char *key, const char *value)
{
	size_t w = crm_utf8_width(key);

	printf("  %s%s%s", color_dim(cli), key, color_reset(cli));
	while (w++ < 14)
		putchar(' ');
	for (; *value; value++) {
		putchar(*value);
		if (*value == '\n' && value[1])
			printf("%16s", "");
	}
	putchar('\n');
}

/* The name of the record id into buf, or id itself when it is not there. */
static const char *ref_name(struct cli *cli, const char *id, char *buf,
			    size_t size)
{
	struct crm_record *r;
	enum crm_type t;

	if (crm_store_find_id(cli->store, id, &t, NULL) != CRM_OK ||
	    crm_store_read(cli->store, t, id, &r, NULL) != CRM_OK)
		return id;
	snprintf(buf, size, "%s", crm_record_name(r));
	crm_record_free(r);
	return buf;
}

/* Prints the record's plain fields; references by name. */
static void print_fields(struct cli *cli, const struct crm_record *r)
{
	size_t i;
	char *text, buf[512], name[256];

	for (i = 0; i < r->map->len; i++) {
		const char *key = r->map->keys[i];
		const struct crm_node *v = r->map->items[i];

		if (strcmp(key, "name") == 0 || strcmp(key, "timeline") == 0 ||
		    strcmp(key, "stage_history") == 0)
			continue;
		if (crm_field_is_ref(key) && v->kind == CRM_NODE_SCALAR) {
			snprintf(buf, sizeof(buf), "%s (%s)",
				 ref_name(cli, v->str, name, sizeof(name)), v->str);
			field_line(cli, key, buf);
			continue;
		}
		text = crm_node_text(v);
		field_line(cli, key, text);
		free(text);
	}
}

/* Prints a deal's stage history. */
static void print_history(struct cli *cli, const struct crm_node *h)
{
	size_t i;

	if (h == NULL || h->kind != CRM_NODE_SEQ || h->len == 0)
		return;
	printf("\n%s%s%s\n", color_bold(cli), _("Stage history:"), color_reset(cli));
	for (i = 0; i < h->len; i++) {
		const struct crm_node *e = h->items[i];

		if (e->kind != CRM_NODE_MAP)
			continue;
		printf("  %-26s %-14s %s\n",
		       crm_map_str(e, "at") ? crm_map_str(e, "at") : "",
		       crm_map_str(e, "stage") ? crm_map_str(e, "stage") : "",
		       crm_map_str(e, "by") ? crm_map_str(e, "by") : "");
	}
}

/* Prints the timeline, oldest first. */
static void print_timeline(struct cli *cli, const struct crm_node *tl)
{
	size_t i;

	if (tl == NULL || tl->kind != CRM_NODE_SEQ || tl->len == 0)
		return;
	printf("\n%s%s%s\n", color_bold(cli), _("Timeline:"), color_reset(cli));
	for (i = 0; i < tl->len; i++) {
		const struct crm_node *e = tl->items[i];
		const char *v;

		if (e->kind != CRM_NODE_MAP)
			continue;
		printf("  %s", (v = crm_map_str(e, "at")) ? v : "");
		if ((v = crm_map_str(e, "by")))
			printf("  %s", v);
		if ((v = crm_map_str(e, "kind")))
			printf("  %s%s%s", color_bold(cli), v, color_reset(cli));
		if ((v = crm_map_str(e, "text")))
			printf("  %s", v);
		putchar('\n');
	}
}

/* Prints the records of type t that refer to id, under a heading. */
static int print_related(struct cli *cli, const char *id, enum crm_type t,
			 const char *heading)
{
	struct crm_find f = {.mask = CRM_TYPE_BIT(t), .refers_to = id};
	struct crm_row *rows;
	size_t n, total, i;
	const char *extra;

	if (crm_find_rows(cli->store, &f, &rows, &n, &total, &cli->err))
		return cli_fail(cli);
	if (n)
		printf("\n%s%s%s\n", color_bold(cli), heading, color_reset(cli));
	for (i = 0; i < n; i++) {
		extra = t == CRM_DEAL ? rows[i].stage
			: t == CRM_TASK ? rows[i].due
			: t == CRM_CONTACT ? rows[i].role : NULL;
		printf("  %s  %s%s%s%s\n", rows[i].id, rows[i].name,
		       extra ? "  (" : "", extra ? extra : "", extra ? ")" : "");
	}
	crm_rows_free(rows, n);
	return CRM_OK;
}

/* The readable form. */
static int print_readable(struct cli *cli, const struct crm_record *r)
{
	int rc = CRM_OK;

	printf("%s%s%s  %s%s %s%s\n", color_bold(cli), crm_record_name(r),
	       color_reset(cli), color_dim(cli), crm_type_name(r->type), r->id,
	       color_reset(cli));
	print_fields(cli, r);
	if (r->type == CRM_DEAL)
		print_history(cli, crm_map_get(r->map, "stage_history"));
	if (r->type == CRM_COMPANY)
		rc = print_related(cli, r->id, CRM_CONTACT, _("Contacts:"));
	if (rc == CRM_OK && (r->type == CRM_COMPANY || r->type == CRM_CONTACT))
		rc = print_related(cli, r->id, CRM_DEAL, _("Deals:"));
	if (rc == CRM_OK && r->type != CRM_TASK)
		rc = print_related(cli, r->id, CRM_TASK, _("Open tasks:"));
	print_timeline(cli, crm_map_get(r->map, "timeline"));
	return rc;
}

int cmd_show(struct cli *cli, struct parsed *p)
{
	struct crm_record *r = NULL;
	struct cli_ref how;
	char *text;
	size_t len;
	int rc;

	if ((rc = cli_one_ref(p, "show")) ||
	    (rc = cli_ref_arg(p, show_opts, "show", CLI_REF_ANY, &how)) ||
	    (rc = cli_load(cli, &how, p->pos[0], &r)))
		return rc;
	if (cli->format == FMT_JSON) {
		json_node(stdout, r->map, 0);
		putchar('\n');
	} else if (cli->format == FMT_YAML) {
		if ((rc = crm_record_serialize(r, &text, &len, &cli->err)) == 0) {
			fwrite(text, 1, len, stdout);
			free(text);
		} else {
			rc = cli_fail(cli);
		}
	} else if (cli->format != FMT_TABLE) {
		rc = cli_usage_error(cli_find_command("show"),
				     _("'crm show' prints table, json or yaml"));
	} else {
		rc = print_readable(cli, r);
	}
	crm_record_free(r);
	return rc;
}
