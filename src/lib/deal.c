/*
 * deal.c - what a deal is in the sales process: the stage it is in, the
 * chance it is won (its own probability, else its stage's), its moves
 * from stage to stage with the reason a lost one needs, its competitors,
 * and when anything last happened to it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

const struct crm_stage *crm_deal_stage(const struct crm_config *cfg,
				       const struct crm_record *deal)
{
	const struct crm_pipeline *p;
	const char *stage = crm_map_str(deal->map, "stage");

	if (stage == NULL)
		return NULL;
	p = crm_config_pipeline(cfg, crm_map_str(deal->map, "pipeline"));
	return crm_pipeline_stage(p, stage);
}

int crm_deal_probability_of(const struct crm_config *cfg, const char *pipeline,
			    const char *stage, const char *own)
{
	const struct crm_stage *st;
	char *end;
	long v;

	if (own && own[0]) {
		v = strtol(own, &end, 10);
		if ((*end == '\0' || *end == '.') && v >= 0 && v <= 100)
			return (int)v;
	}
	if (stage == NULL)
		return -1;
	st = crm_pipeline_stage(crm_config_pipeline(cfg, pipeline), stage);
	return st ? st->probability : -1;
}

int crm_deal_probability(const struct crm_config *cfg,
			 const struct crm_record *deal)
{
	return crm_deal_probability_of(cfg, crm_map_str(deal->map, "pipeline"),
				       crm_map_str(deal->map, "stage"),
				       crm_map_str(deal->map, "probability"));
}

int crm_deal_find_stage(const struct crm_config *cfg, const char *pipeline,
			const char *stage, const struct crm_stage **out,
			struct crm_err *err)
{
	const struct crm_pipeline *p = crm_config_pipeline(cfg, pipeline);
	const char *hint;

	*out = NULL;
	if (p == NULL)
		return crm_seterr(err, CRM_ENOTFOUND, _("unknown pipeline '%s'"),
				  pipeline ? pipeline : "");
	if ((*out = crm_pipeline_stage(p, stage)) != NULL)
		return CRM_OK;
	hint = crm_suggest(stage, (const char *const *)p->stages, p->nstages);
	if (hint)
		return crm_seterr(err, CRM_ENOTFOUND, _("unknown stage '%s' (did "
				  "you mean '%s'?)"), stage, hint);
	return crm_seterr(err, CRM_ENOTFOUND, _("unknown stage '%s' in pipeline "
			  "'%s'"), stage, p->name);
}

/* The lost reasons of cfg as "price, competitor, no_budget" into b. */
static void reasons_list(const struct crm_config *cfg, struct crm_buf *b)
{
	size_t i;

	for (i = 0; i < cfg->nlost_reasons; i++)
		crm_buf_addf(b, "%s%s", i ? ", " : "", cfg->lost_reasons[i].id);
}

int crm_deal_check_reason(const struct crm_config *cfg,
			  const struct crm_stage *st, const char *reason,
			  struct crm_err *err)
{
	struct crm_buf b = {0};
	int rc;

	if (st == NULL || st->kind != CRM_STAGE_LOST)
		return CRM_OK;
	if (reason == NULL || reason[strspn(reason, " \t\n\v\f\r")] == '\0') {
		reasons_list(cfg, &b);
		rc = crm_seterr(err, CRM_EUSAGE, _("a deal moved to lost stage "
				"'%s' needs a reason\nhint: give one with "
				"--reason%s%s"), st->label.id, b.len ? ": " : "",
				b.len ? b.s : "");
		crm_buf_free(&b);
		return rc;
	}
	if (!cfg->lost_reasons_strict ||
	    crm_label_find(cfg->lost_reasons, cfg->nlost_reasons, reason))
		return CRM_OK;
	reasons_list(cfg, &b);
	rc = crm_seterr(err, CRM_EUSAGE, _("unknown lost reason '%s'\nhint: "
			"crm.yaml allows only these (lost_reasons_strict): %s"),
			reason, b.len ? b.s : "");
	crm_buf_free(&b);
	return rc;
}

int crm_deal_move(struct crm_record *deal, const struct crm_config *cfg,
		  const char *stage, const char *reason, const char *at,
		  const char *by, struct crm_err *err)
{
	const struct crm_stage *st;
	int rc;

	if ((rc = crm_deal_find_stage(cfg, crm_map_str(deal->map, "pipeline"),
				      stage, &st, err)) ||
	    (rc = crm_deal_check_reason(cfg, st, reason, err)))
		return rc;
	crm_map_set_str(deal->map, "stage", stage);
	crm_record_add_stage_entry(deal, stage, at, by, reason);
	return CRM_OK;
}

/* The newest entry of deal's stage_history (a map), or NULL. */
static struct crm_node *last_entry(const struct crm_record *deal)
{
	const struct crm_node *h = crm_map_get(deal->map, "stage_history");
	struct crm_node *e;

	if (h == NULL || h->kind != CRM_NODE_SEQ || h->len == 0)
		return NULL;
	e = h->items[h->len - 1];
	return e->kind == CRM_NODE_MAP ? e : NULL;
}

/* The reason of the newest entry of deal's stage_history, or NULL. */
static const char *last_reason(const struct crm_record *deal)
{
	const struct crm_node *e = last_entry(deal);

	return e ? crm_map_str(e, "reason") : NULL;
}

int crm_deal_note_reason(struct crm_record *deal,
			 const struct crm_config *cfg, const char *reason,
			 struct crm_err *err)
{
	struct crm_node *e = last_entry(deal);

	if (e && reason && reason[0])
		crm_map_set_str(e, "reason", reason);
	return crm_deal_check_reason(cfg, crm_deal_stage(cfg, deal),
				     e ? crm_map_str(e, "reason") : reason, err);
}

/* Checks that each competitor of deal newly named is a company whose
 * relation is competitor. */
static int check_competitors(const struct crm_record *before,
			     const struct crm_record *deal,
			     const struct crm_change_env *env,
			     struct crm_err *err)
{
	const struct crm_node *c = crm_map_get(deal->map, "competitors");
	const struct crm_node *old = before ? crm_map_get(before->map,
							  "competitors") : NULL;
	struct crm_record *co;
	const char *rel;
	size_t i;
	bool ok;

	if (c == NULL || c->kind != CRM_NODE_SEQ || env->read == NULL ||
	    (old && crm_node_equal(old, c)))
		return CRM_OK;
	for (i = 0; i < c->len; i++) {
		if (c->items[i]->kind != CRM_NODE_SCALAR ||
		    env->read(c->items[i]->str, &co, env->data) != CRM_OK)
			continue; /* the reference check says what is wrong */
		rel = crm_map_str(co->map, "relation");
		ok = co->type == CRM_COMPANY && rel && strcmp(rel, "competitor") == 0;
		if (!ok)
			crm_seterr(err, CRM_ERR, _("field 'competitors': company '%s' "
			   "is no competitor (its relation is '%s')\nhint: "
			   "crm set %s relation=competitor"), crm_record_name(co),
			   rel ? rel : "client", co->id);
		crm_record_free(co);
		if (!ok)
			return CRM_ERR;
	}
	return CRM_OK;
}

int crm_deal_check_change(const struct crm_record *before,
			  const struct crm_record *deal,
			  const struct crm_change_env *env,
			  struct crm_err *err)
{
	const char *s0 = before ? crm_map_str(before->map, "stage") : NULL;
	const char *s1 = crm_map_str(deal->map, "stage");
	const struct crm_stage *st;
	int rc;

	if (deal->type != CRM_DEAL)
		return CRM_OK;
	if ((rc = check_competitors(before, deal, env, err)))
		return rc;
	if (s1 == NULL || (s0 && strcmp(s0, s1) == 0) ||
	    (st = crm_deal_stage(env->cfg, deal)) == NULL)
		return CRM_OK;
	return crm_deal_check_reason(env->cfg, st, last_reason(deal), err) ?
	       crm_err_prefix(err, "%s", "stage") : CRM_OK;
}

/* The Unix time of the latest "at" of the maps of list key of r into
 * *latest, when later. */
static void latest_at(const struct crm_record *r, const char *key,
		      long long *latest, bool *found)
{
	const struct crm_node *l = crm_map_get(r->map, key);
	struct crm_date d;
	const char *at;
	size_t i;

	for (i = 0; l && l->kind == CRM_NODE_SEQ && i < l->len; i++) {
		if (l->items[i]->kind != CRM_NODE_MAP ||
		    (at = crm_map_str(l->items[i], "at")) == NULL ||
		    crm_date_parse_stored(at, &d) != CRM_OK)
			continue;
		if (!*found || (long long)d.when > *latest)
			*latest = (long long)d.when;
		*found = true;
	}
}

bool crm_record_last_activity(const struct crm_record *r, long long *when)
{
	bool found = false;

	const char *created = crm_map_str(r->map, "created");
	struct crm_date d;

	latest_at(r, "timeline", when, &found);
	latest_at(r, "stage_history", when, &found);
	if (!found && created && crm_date_parse_stored(created, &d) == CRM_OK) {
		*when = (long long)d.when;
		found = true;
	}
	return found;
}

bool crm_deal_stale(const struct crm_stage *st, bool has_activity,
		    long long last, time_t now)
{
	if (st == NULL || st->kind != CRM_STAGE_OPEN || st->rot_days <= 0 ||
	    !has_activity)
		return false;
	return (long long)now - last > (long long)st->rot_days * 86400;
}
