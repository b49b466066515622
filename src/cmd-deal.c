/*
 * cmd-deal.c - crm deal move|list: move a deal from stage to stage (one
 * commit, its stage_history noted), and list the deals with their
 * stages' display names, amounts and next tasks.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec deal_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

const struct opt_spec deal_move_opts[] = {
	{"reason", 0, OPT_VALUE, N_("TEXT"),
	 N_("why (a lost stage needs one: a lost reason of crm.yaml)")},
	{"at", 0, OPT_PAST, N_("WHEN"),
	 N_("when the deal moved (default: now)")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

const struct opt_spec deal_list_opts[] = {
	{"sort", 0, OPT_VALUE, N_("FIELD"),
	 N_("sort by this field (default: name)")},
	{"limit", 0, OPT_INT, N_("N"), N_("show at most N deals")},
	{"reverse", 0, OPT_FLAG, NULL, N_("reverse the order")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

const char *cli_lang(void)
{
	const char *l = getenv("LANGUAGE");

	if (l && l[0])
		return l;
	l = setlocale(LC_MESSAGES, NULL);
	return l ? l : "C";
}

const char *cli_stage_text(struct cli *cli, const char *pipeline,
			   const char *stage)
{
	const struct crm_pipeline *p;
	const struct crm_stage *st;

	if (stage == NULL)
		return "";
	p = crm_config_pipeline(crm_store_config(cli->store), pipeline);
	st = crm_pipeline_stage(p, stage);
	return st ? crm_label_text(&st->label, cli_lang()) : stage;
}

/* Prints what a move to the stage the deal is in says. */
static int say_already(struct cli *cli, const struct crm_record *r,
		       const char *stage)
{
	char *name = cli_safe(crm_record_name(r));
	char *shown = cli_safe(cli_stage_text(cli, crm_map_str(r->map,
					      "pipeline"), stage));

	if (!cli->quiet)
		printf(_("deal %s '%s' is already in stage '%s'; nothing "
			 "changed\n"), cli_short_id(r->id), name, shown);
	free(name);
	free(shown);
	return CRM_OK;
}

/* The line a move prints: "deal 7k2m 'Name': Proposal -> Won".  Caller
 * owns it. */
static char *move_line(struct cli *cli, const struct crm_record *r,
		       const char *from, const char *to)
{
	const char *pipe = crm_map_str(r->map, "pipeline");
	struct crm_buf b = {0};
	char *name = cli_safe(crm_record_name(r));
	char *s0 = cli_safe(from ? cli_stage_text(cli, pipe, from) : "");
	char *s1 = cli_safe(cli_stage_text(cli, pipe, to));

	crm_buf_addf(&b, _("deal %s '%s': %s -> %s"), cli_short_id(r->id),
		     name, s0, s1);
	crm_buf_addc(&b, '\n');
	free(name);
	free(s0);
	free(s1);
	return crm_buf_detach(&b);
}

/* The stored form of --at, else of now, into buf. */
static void move_time(struct cli *cli, struct parsed *p, char *buf,
		      size_t size)
{
	struct crm_date d;

	if (opt_date(p, "at", &d))
		crm_date_format(&d, buf, size);
	else
		crm_date_now(cli->now, buf, size);
}

/* crm deal move DEAL STAGE [--reason TEXT] [--at WHEN] */
int cmd_deal_move(struct cli *cli, struct parsed *p)
{
	struct cli_ref how = {"deal move", NULL, CRM_TYPE_BIT(CRM_DEAL)};
	const char *reason = opt_get(p, deal_move_opts, "reason");
	struct crm_record *r = NULL;
	char subject[512], at[40], *from = NULL, *line = NULL;
	int rc;

	if ((rc = cli_nargs(cli->cmd, p, 2)))
		return rc;
	if (reason && !crm_utf8_valid(reason, strlen(reason)))
		return cli_usage_error(cli->cmd, _("invalid UTF-8 in --reason"));
	if ((rc = cli_load(cli, &how, p->pos[0], &r)))
		return rc;
	if (crm_map_str(r->map, "stage"))
		from = crm_xstrdup(crm_map_str(r->map, "stage"));
	if (from && strcmp(from, p->pos[1]) == 0) {
		rc = say_already(cli, r, from);
		goto out;
	}
	move_time(cli, p, at, sizeof(at));
	if (crm_deal_move(r, crm_store_config(cli->store), p->pos[1], reason,
			  at, cli_login(cli)[0] ? cli_login(cli) : NULL,
			  &cli->err)) {
		rc = cli_fail(cli);
		goto out;
	}
	cli_touch(cli, r);
	snprintf(subject, sizeof(subject), "deal %s: %s -> %s",
		 cli_short_id(r->id), from ? from : "(none)", p->pos[1]);
	line = cli->quiet ? NULL : move_line(cli, r, from, p->pos[1]);
	rc = cli_commit_record_say(cli, r, subject, "deal move", line);
out:
	free(line);
	free(from);
	crm_record_free(r);
	return rc;
}

/* ---- crm deal list ---- */

/* One record's next task, for looking up by id. */
struct next_of {
	char for_id[CRM_ID_LEN + 1];
	struct crm_next_task t;
};

struct next_map {
	struct next_of *v;
	size_t n, cap;
};

static int add_next(const char *for_id, const struct crm_next_task *t,
		    void *data)
{
	struct next_map *m = data;

	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->v = crm_xrealloc(m->v, m->cap * sizeof(*m->v));
	}
	snprintf(m->v[m->n].for_id, sizeof(m->v[m->n].for_id), "%s", for_id);
	m->v[m->n++].t = *t;
	return 0;
}

static int cmp_next(const void *a, const void *b)
{
	return strcmp(((const struct next_of *)a)->for_id,
		      ((const struct next_of *)b)->for_id);
}

int cli_next_tasks_load(struct cli *cli, struct next_map **out)
{
	struct next_map *m = crm_xcalloc(1, sizeof(*m));
	int rc = crm_next_tasks(cli->store, add_next, m, &cli->err);

	if (rc) {
		free(m->v);
		free(m);
		return rc;
	}
	if (m->n)
		qsort(m->v, m->n, sizeof(*m->v), cmp_next);
	*out = m;
	return CRM_OK;
}

const struct crm_next_task *cli_next_task_of(const struct next_map *m,
					     const char *id)
{
	struct next_of key;
	const struct next_of *hit;

	if (m == NULL || m->n == 0)
		return NULL;
	snprintf(key.for_id, sizeof(key.for_id), "%s", id);
	hit = bsearch(&key, m->v, m->n, sizeof(*m->v), cmp_next);
	return hit ? &hit->t : NULL;
}

void cli_next_tasks_free(struct next_map *m)
{
	if (m == NULL)
		return;
	free(m->v);
	free(m);
}

/* What printing the deal list needs while rows stream by. */
struct deal_out {
	struct cli *cli;
	struct table tab;
	struct next_map *next;
	size_t n;
};

static const struct table_col deal_cols[] = {
	{NC_("column", "ID"), 100, 0, 0},
	{NC_("column", "NAME"), 90, TCOL_SHRINK, 16},
	{NC_("column", "STAGE"), 60, TCOL_SHRINK, 0},
	{NC_("column", "AMOUNT"), 70, TCOL_RIGHT, 0},
	{NC_("column", "CURRENCY"), 50, 0, 0},
	{NC_("column", "PROB"), 35, TCOL_RIGHT, 0},
	{NC_("column", "COMPANY"), 40, TCOL_SHRINK, 0},
	{NC_("column", "NEXT TASK"), 55, 0, 0},
	{NC_("column", "OWNER"), 30, TCOL_SHRINK, 0},
};
#define NDEAL_COLS (sizeof(deal_cols) / sizeof(deal_cols[0]))

/* Writes key: s as JSON (null for NULL), with a comma before unless
 * first. */
static void json_pair(const char *key, const char *s)
{
	printf(",\n      ");
	json_string(stdout, key);
	printf(": ");
	if (s)
		json_string(stdout, s);
	else
		printf("null");
}

/* Prints one deal as a JSON object of the list. */
static void deal_json(struct deal_out *o, const struct crm_row *r,
		      const struct crm_next_task *t, int prob)
{
	const char *pipe = crm_row_get(r, "pipeline");
	const char *stage = crm_row_get(r, "stage");

	printf("%s\n    {\n      \"id\": ", o->n ? "," : "");
	json_string(stdout, r->id);
	json_pair("name", r->name);
	json_pair("pipeline", pipe);
	json_pair("stage", stage);
	json_pair("stage_name", stage ? cli_stage_text(o->cli, pipe, stage)
				      : NULL);
	printf(",\n      \"amount\": ");
	if (r->has_amount)
		printf("%s", crm_row_get(r, "amount"));
	else
		printf("null");
	json_pair("currency", crm_row_get(r, "currency"));
	printf(",\n      \"probability\": ");
	if (prob >= 0)
		printf("%d", prob);
	else
		printf("null");
	json_pair("company", crm_row_get(r, "company"));
	json_pair("company_name", crm_row_ref_name(r, "company"));
	json_pair("owner", crm_row_get(r, "owner"));
	json_pair("next_task", t ? t->id : NULL);
	json_pair("next_due", t && t->due[0] ? t->due : NULL);
	printf("\n    }");
}

/* Row callback: one deal. */
static int deal_row(const struct crm_row *r, void *data)
{
	struct deal_out *o = data;
	const struct crm_next_task *t = cli_next_task_of(o->next, r->id);
	const char *pipe = crm_row_get(r, "pipeline");
	const char *stage = crm_row_get(r, "stage");
	int prob = crm_deal_probability_of(crm_store_config(o->cli->store),
					   pipe, stage,
					   crm_row_get(r, "probability"));
	char *cells[NDEAL_COLS] = {0}, pct[16] = "";
	size_t i;

	if (o->cli->format == FMT_JSON) {
		if (o->n == 0)
			printf("{\n  \"format_version\": 1,\n  \"deals\": [");
		deal_json(o, r, t, prob);
		o->n++;
		return 0;
	}
	if (prob >= 0)
		snprintf(pct, sizeof(pct), "%d%%", prob);
	cells[0] = crm_xstrdup(r->id);
	cells[1] = crm_xstrdup(r->name ? r->name : "");
	cells[2] = crm_xstrdup(o->cli->format == FMT_TABLE
			       ? cli_stage_text(o->cli, pipe, stage)
			       : stage ? stage : "");
	cells[3] = o->cli->format != FMT_TABLE
		   ? crm_xstrdup(crm_row_get(r, "amount") ? crm_row_get(r, "amount") : "")
		   : r->has_amount ? cli_amount_text(r->amount) : crm_xstrdup("");
	cells[4] = crm_xstrdup(crm_row_get(r, "currency") ? crm_row_get(r, "currency") : "");
	cells[5] = crm_xstrdup(pct);
	cells[6] = crm_xstrdup(crm_row_ref_name(r, "company")
			       ? crm_row_ref_name(r, "company") : "");
	cells[7] = t ? cli_when_text(t->due) : crm_xstrdup("");
	cells[8] = crm_xstrdup(crm_row_get(r, "owner") ? crm_row_get(r, "owner") : "");
	table_add_row(&o->tab, r->id, (const char *const *)cells,
		      t ? cli_due_style(t->due, o->cli->now) : TSTYLE_PLAIN,
		      NULL);
	for (i = 0; i < NDEAL_COLS; i++)
		free(cells[i]);
	o->n++;
	return 0;
}

/* crm deal list [QUERY...] */
int cmd_deal_list(struct cli *cli, struct parsed *p)
{
	struct crm_find f = {0};
	struct crm_query *q = NULL;
	struct deal_out o = {.cli = cli};
	size_t total;
	int rc;

	f.limit = (size_t)opt_int(p, "limit", 0);
	if (crm_query_parse((const char *const *)p->pos, p->npos, cli->now, &q,
			    &cli->err))
		return cli_usage_fail(cli, cli->cmd);
	f.mask = opt_get(p, deal_list_opts, "limit") && f.limit == 0
		 ? 0 : CRM_TYPE_BIT(CRM_DEAL);
	f.query = q;
	f.sort = opt_get(p, deal_list_opts, "sort");
	f.reverse = opt_flag(p, deal_list_opts, "reverse");
	if ((rc = cli_next_tasks_load(cli, &o.next))) {
		rc = cli_fail(cli);
		goto out;
	}
	if (cli->format != FMT_JSON)
		table_init_cols(&o.tab, NDEAL_COLS, deal_cols, cli, stdout);
	rc = crm_find_each(cli->store, &f, deal_row, &o, &total, NULL, NULL,
			   &cli->err);
	if (cli->format == FMT_JSON && rc == CRM_OK)
		printf("%s%s]\n}\n", o.n ? "" : "{\n  \"format_version\": 1,"
		       "\n  \"deals\": [", o.n ? "\n  " : "");
	else if (cli->format != FMT_JSON)
		table_finish(&o.tab, rc == CRM_OK);
	if (rc == CRM_EUSAGE)
		rc = cli_usage_fail(cli, cli->cmd);
	else if (rc)
		rc = cli_fail(cli);
out:
	cli_next_tasks_free(o.next);
	crm_query_free(q);
	return rc;
}
