/*
 * cmd-show.c - crm show: one record, readable, with what hangs on it.
 */
#include <stdlib.h>
#include <string.h>

#include "records.h"

const struct opt_spec show_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

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

/* Prints the record's plain fields; references by name. */
static void print_fields(struct cli *cli, const struct crm_record *r,
			 const struct record_set *all)
{
	size_t i;
	char *text, buf[512];

	for (i = 0; i < r->map->len; i++) {
		const char *key = r->map->keys[i];
		const struct crm_node *v = r->map->items[i];

		if (strcmp(key, "name") == 0 || strcmp(key, "timeline") == 0 ||
		    strcmp(key, "stage_history") == 0)
			continue;
		if (crm_field_is_ref(key) && v->kind == CRM_NODE_SCALAR) {
			snprintf(buf, sizeof(buf), "%s (%s)",
				 record_set_name(all, v->str), v->str);
			field_line(cli, key, buf);
			continue;
		}
		text = node_text(v);
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
static void print_related(struct cli *cli, const struct record_set *all,
			  const char *id, enum crm_type t, const char *heading)
{
	size_t i, shown = 0;
	const char *extra;

	for (i = 0; i < all->n; i++) {
		const struct crm_record *o = all->r[i];

		if (o->type != t || !record_refers_to(o, id))
			continue;
		if (shown++ == 0)
			printf("\n%s%s%s\n", color_bold(cli), heading,
			       color_reset(cli));
		extra = t == CRM_DEAL ? crm_map_str(o->map, "stage")
			: t == CRM_TASK ? crm_map_str(o->map, "due")
			: t == CRM_CONTACT ? crm_map_str(o->map, "role") : NULL;
		printf("  %s  %s%s%s%s\n", o->id, crm_record_name(o),
		       extra ? "  (" : "", extra ? extra : "", extra ? ")" : "");
	}
}

/* The readable form. */
static void print_readable(struct cli *cli, const struct crm_record *r,
			   const struct record_set *all)
{
	printf("%s%s%s  %s%s %s%s\n", color_bold(cli), crm_record_name(r),
	       color_reset(cli), color_dim(cli), crm_type_name(r->type), r->id,
	       color_reset(cli));
	print_fields(cli, r, all);
	if (r->type == CRM_DEAL)
		print_history(cli, crm_map_get(r->map, "stage_history"));
	if (r->type == CRM_COMPANY)
		print_related(cli, all, r->id, CRM_CONTACT, _("Contacts:"));
	if (r->type == CRM_COMPANY || r->type == CRM_CONTACT)
		print_related(cli, all, r->id, CRM_DEAL, _("Deals:"));
	if (r->type != CRM_TASK)
		print_related(cli, all, r->id, CRM_TASK, _("Open tasks:"));
	print_timeline(cli, crm_map_get(r->map, "timeline"));
}

int cmd_show(struct cli *cli, struct parsed *p)
{
	struct crm_record *r = NULL;
	struct record_set all = {0};
	char *text;
	size_t len;
	int rc;

	if ((rc = cli_one_ref(p, "show")))
		return rc;
	if ((rc = cli_load(cli, CRM_TYPE_ALL, p->pos[0], &r)))
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
	} else if ((rc = record_set_load(cli, CRM_TYPE_ALL, &all)) == 0) {
		print_readable(cli, r, &all);
	}
	record_set_free(&all);
	crm_record_free(r);
	return rc;
}
