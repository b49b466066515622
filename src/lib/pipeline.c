/*
 * pipeline.c - the sales process in crm.yaml: pipelines and their stages
 * (id, display name, win probability, kind, rotting limit), lost reasons
 * and the statuses of companies and contacts.  Each of these is a
 * labelled id: what files hold, and the name people are shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

static const char *const default_statuses[] = {
	"prospect", "active", "inactive", "lost",
};

/* Reads a whole number 0..max at key of map into *out (unchanged when
 * absent).  Error naming the key otherwise. */
static int parse_bounded(const struct crm_node *map, const char *key,
			 long max, int *out, struct crm_err *err)
{
	const struct crm_node *n = crm_map_get(map, key);
	char *end;
	long v;

	if (n == NULL)
		return CRM_OK;
	if (n->kind == CRM_NODE_SCALAR && n->str[0] >= '0' && n->str[0] <= '9') {
		v = strtol(n->str, &end, 10);
		if (*end == '\0' && v <= max) {
			*out = (int)v;
			return CRM_OK;
		}
	}
	return crm_seterr(err, CRM_ERR, _("line %d: '%s' must be a whole "
			  "number from 0 to %ld"), n->line, key, max);
}

/* The node of name that is no text: name itself when it is neither a
 * scalar nor a map, or blank; else the first value of the map of
 * languages that is not a scalar that is not blank; NULL when all is
 * text. */
static const struct crm_node *bad_name(const struct crm_node *name)
{
	size_t i;

	if (name->kind == CRM_NODE_SCALAR)
		return name->str[strspn(name->str, " \t")] ? NULL : name;
	if (name->kind != CRM_NODE_MAP || name->len == 0)
		return name;
	for (i = 0; i < name->len; i++)
		if (name->items[i]->kind != CRM_NODE_SCALAR ||
		    name->items[i]->str[strspn(name->items[i]->str, " \t")] ==
		    '\0')
			return name->items[i];
	return NULL;
}

/*
 * Reads a labelled id into l: a plain scalar (the id, its own name), or
 * a map with id and name, the name a scalar or a map of language codes
 * to names ({en: Proposal, ru: Предложение}).  what names the list in
 * messages.
 */
static int parse_label(const struct crm_node *n, const char *what,
		       struct crm_label *l, struct crm_err *err)
{
	const struct crm_node *name, *bad;
	const char *id;

	memset(l, 0, sizeof(*l));
	if (n->kind == CRM_NODE_SCALAR && n->str[0] != '\0') {
		l->id = crm_xstrdup(n->str);
		return CRM_OK;
	}
	if (n->kind != CRM_NODE_MAP || (id = crm_map_str(n, "id")) == NULL ||
	    id[0] == '\0')
		return crm_seterr(err, CRM_ERR, _("line %d: each of '%s' must be "
				  "an id, or a map with an 'id'"), n->line,
				  what);
	l->id = crm_xstrdup(id);
	name = crm_map_get(n, "name");
	if (name == NULL)
		return CRM_OK;
	if ((bad = bad_name(name)) != NULL) {
		crm_seterr(err, CRM_ERR, _("line %d: the name of '%s' must be "
			   "text, or a map of languages to text"),
			   bad->line ? bad->line : name->line, l->id);
		free(l->id);
		l->id = NULL; /* l holds nothing on failure */
		return CRM_ERR;
	}
	if (name->kind == CRM_NODE_SCALAR)
		l->name = crm_xstrdup(name->str);
	else
		l->names = name;
	return CRM_OK;
}

static void free_label(struct crm_label *l)
{
	free(l->id);
	free(l->name);
}

const char *crm_label_text(const struct crm_label *l, const char *lang)
{
	const char *s;
	char two[3];

	if (l->names == NULL)
		return l->name ? l->name : l->id;
	if (lang && lang[0]) {
		if ((s = crm_map_str(l->names, lang)) != NULL)
			return s;
		/* "ru_RU.UTF-8": the language is its first two letters */
		snprintf(two, sizeof(two), "%s", lang);
		if ((s = crm_map_str(l->names, two)) != NULL)
			return s;
	}
	if ((s = crm_map_str(l->names, "en")) != NULL)
		return s;
	return l->id;
}

/* The kind a stage has by its id alone: what a plain list of names
 * means. */
static enum crm_stage_kind kind_by_id(const char *id)
{
	if (strcmp(id, "won") == 0)
		return CRM_STAGE_WON;
	if (strcmp(id, "lost") == 0)
		return CRM_STAGE_LOST;
	return CRM_STAGE_OPEN;
}

/* Reads a stage's kind: open, won or lost. */
static int parse_kind(const struct crm_node *n, struct crm_stage *st,
		      struct crm_err *err)
{
	const struct crm_node *k = crm_map_get(n, "kind");

	st->kind = kind_by_id(st->label.id);
	if (k == NULL)
		return CRM_OK;
	if (k->kind == CRM_NODE_SCALAR) {
		if (strcmp(k->str, "open") == 0)
			st->kind = CRM_STAGE_OPEN;
		else if (strcmp(k->str, "won") == 0)
			st->kind = CRM_STAGE_WON;
		else if (strcmp(k->str, "lost") == 0)
			st->kind = CRM_STAGE_LOST;
		else
			k = NULL;
		if (k)
			return CRM_OK;
		k = crm_map_get(n, "kind");
	}
	return crm_seterr(err, CRM_ERR, _("line %d: the kind of stage '%s' "
			  "must be open, won or lost"), k->line, st->label.id);
}

/* Reads one stage: a plain id, or a map (parse_label) with kind,
 * probability and rot_days. */
static int parse_stage(const struct crm_node *n, struct crm_stage *st,
		       struct crm_err *err)
{
	int rc;

	memset(st, 0, sizeof(*st));
	st->probability = -1;
	if ((rc = parse_label(n, "stages", &st->label, err)))
		return rc;
	st->kind = kind_by_id(st->label.id);
	if (n->kind != CRM_NODE_MAP)
		return CRM_OK;
	if ((rc = parse_kind(n, st, err)) ||
	    (rc = parse_bounded(n, "probability", 100, &st->probability, err)) ||
	    (rc = parse_bounded(n, "rot_days", 36500, &st->rot_days, err)))
		return rc;
	return CRM_OK;
}

/* Gives the stages without a probability one: 100 won, 0 lost, the open
 * ones spread evenly below 100 in their order (what a plain list of
 * names gets). */
static void default_probabilities(struct crm_pipeline *p)
{
	size_t i, nopen = 0, k = 0;

	for (i = 0; i < p->nstages; i++)
		nopen += p->defs[i].kind == CRM_STAGE_OPEN;
	for (i = 0; i < p->nstages; i++) {
		struct crm_stage *st = &p->defs[i];

		if (st->kind == CRM_STAGE_OPEN)
			k++;
		if (st->probability >= 0)
			continue;
		st->probability = st->kind == CRM_STAGE_WON ? 100
				  : st->kind == CRM_STAGE_LOST ? 0
				  : (int)(k * 100 / (nopen + 1));
	}
}

int crm_pipeline_parse(const struct crm_node *n, struct crm_pipeline *p,
		       struct crm_err *err)
{
	const struct crm_node *stages;
	size_t i;
	int rc;

	if (n->kind != CRM_NODE_MAP || !crm_map_str(n, "name") ||
	    crm_map_str(n, "name")[0] == '\0')
		return crm_seterr(err, CRM_ERR,
				  _("line %d: a pipeline needs a 'name'"), n->line);
	p->name = crm_xstrdup(crm_map_str(n, "name"));
	stages = crm_map_get(n, "stages");
	if (stages == NULL || stages->kind != CRM_NODE_SEQ || stages->len == 0)
		return crm_seterr(err, CRM_ERR,
				  _("line %d: pipeline '%s' needs a list of 'stages'"),
				  n->line, p->name);
	p->stages = crm_xcalloc(stages->len, sizeof(char *));
	p->defs = crm_xcalloc(stages->len, sizeof(*p->defs));
	for (i = 0; i < stages->len; i++) {
		rc = parse_stage(stages->items[i], &p->defs[i], err);
		if (rc) {
			free_label(&p->defs[i].label);
			return rc;
		}
		p->stages[p->nstages++] = crm_xstrdup(p->defs[i].label.id);
	}
	default_probabilities(p);
	return CRM_OK;
}

void crm_pipeline_free(struct crm_pipeline *p)
{
	size_t i;

	for (i = 0; i < p->nstages; i++) {
		free(p->stages[i]);
		free_label(&p->defs[i].label);
	}
	free(p->stages);
	free(p->defs);
	free(p->name);
}

const struct crm_stage *crm_pipeline_stage(const struct crm_pipeline *p,
					   const char *id)
{
	size_t i;

	for (i = 0; p && i < p->nstages; i++)
		if (strcmp(p->stages[i], id) == 0)
			return &p->defs[i];
	return NULL;
}

/* Reads a list of labelled ids at key of root into *out, *n. */
static int parse_labels(const struct crm_node *root, const char *key,
			struct crm_label **out, size_t *n, struct crm_err *err)
{
	const struct crm_node *seq = crm_map_get(root, key);
	size_t i;
	int rc;

	if (seq == NULL)
		return CRM_OK;
	if (seq->kind != CRM_NODE_SEQ)
		return crm_seterr(err, CRM_ERR, _("line %d: '%s' must be a list"),
				  seq->line, key);
	*out = crm_xcalloc(seq->len + 1, sizeof(**out));
	for (i = 0; i < seq->len; i++) {
		if ((rc = parse_label(seq->items[i], key, &(*out)[i], err)))
			return rc;
		(*n)++;
	}
	return CRM_OK;
}

/* Reads a boolean at key of root into *out (false when absent). */
static int parse_flag(const struct crm_node *root, const char *key, bool *out,
		      struct crm_err *err)
{
	const struct crm_node *n = crm_map_get(root, key);

	*out = false;
	if (n == NULL)
		return CRM_OK;
	if (n->kind == CRM_NODE_SCALAR && (strcmp(n->str, "true") == 0 ||
					   strcmp(n->str, "false") == 0)) {
		*out = strcmp(n->str, "true") == 0;
		return CRM_OK;
	}
	return crm_seterr(err, CRM_ERR, _("line %d: '%s' must be true or "
			  "false"), n->line, key);
}

int crm_config_parse_process(const struct crm_node *root,
			     struct crm_config *cfg, struct crm_err *err)
{
	size_t i;
	int rc;

	if ((rc = parse_labels(root, "lost_reasons", &cfg->lost_reasons,
			       &cfg->nlost_reasons, err)) ||
	    (rc = parse_flag(root, "lost_reasons_strict",
			     &cfg->lost_reasons_strict, err)) ||
	    (rc = parse_flag(root, "require_next_task",
			     &cfg->require_next_task, err)) ||
	    (rc = parse_labels(root, "statuses", &cfg->statuses,
			       &cfg->nstatuses, err)))
		return rc;
	if (cfg->lost_reasons_strict && cfg->nlost_reasons == 0)
		return crm_seterr(err, CRM_ERR, _("line %d: 'lost_reasons_strict' "
				  "is true, but 'lost_reasons' lists none: no "
				  "deal could be lost"), crm_map_get(root,
				  "lost_reasons_strict")->line);
	if (crm_map_get(root, "statuses") != NULL)
		return CRM_OK;
	cfg->statuses = crm_xcalloc(4, sizeof(*cfg->statuses));
	for (i = 0; i < 4; i++)
		cfg->statuses[cfg->nstatuses++].id =
			crm_xstrdup(default_statuses[i]);
	return CRM_OK;
}

void crm_config_free_process(struct crm_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nlost_reasons; i++)
		free_label(&cfg->lost_reasons[i]);
	free(cfg->lost_reasons);
	for (i = 0; i < cfg->nstatuses; i++)
		free_label(&cfg->statuses[i]);
	free(cfg->statuses);
}

const struct crm_label *crm_label_find(const struct crm_label *l, size_t n,
				       const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(l[i].id, id) == 0)
			return &l[i];
	return NULL;
}

/* ---- the crm.yaml crm init writes ---- */

/* A stage of the default pipeline: id, display name, probability, kind,
 * rotting limit. */
struct default_stage {
	const char *id;
	const char *name; /* NC_("stage", ...) */
	int probability;
	const char *kind;
	int rot_days;
};

static const struct default_stage default_stages[] = {
	{"lead", NC_("stage", "Lead"), 10, NULL, 3},
	{"first_contact", NC_("stage", "First contact"), 20, NULL, 7},
	{"needs_analysis", NC_("stage", "Needs analysis"), 40, NULL, 14},
	{"proposal", NC_("stage", "Proposal"), 60, NULL, 14},
	{"negotiation", NC_("stage", "Negotiation"), 80, NULL, 14},
	{"won", NC_("stage", "Won"), 100, "won", 0},
	{"lost", NC_("stage", "Lost"), 0, "lost", 0},
};

static const char *const default_reasons[][2] = {
	{"price", NC_("lost reason", "Price")},
	{"competitor", NC_("lost reason", "Chose a competitor")},
	{"no_budget", NC_("lost reason", "No budget")},
};

/* A map {id: ID, name: NAME}. */
static struct crm_node *label_node(const char *id, const char *name)
{
	struct crm_node *m = crm_node_new_map();

	crm_map_set_str(m, "id", id);
	crm_map_set_str(m, "name", name);
	return m;
}

struct crm_node *crm_pipeline_default(void)
{
	struct crm_node *pipe = crm_node_new_map(), *st = crm_node_new_seq();
	const struct default_stage *d;
	struct crm_node *m;
	char num[16];
	size_t i;

	crm_map_set_str(pipe, "name", "sales");
	for (i = 0; i < sizeof(default_stages) / sizeof(default_stages[0]); i++) {
		d = &default_stages[i];
		m = label_node(d->id, crm_pgettext(d->name));
		if (d->kind)
			crm_map_set_str(m, "kind", d->kind);
		snprintf(num, sizeof(num), "%d", d->probability);
		crm_map_set(m, "probability", crm_node_new_typed(num));
		if (d->rot_days) {
			snprintf(num, sizeof(num), "%d", d->rot_days);
			crm_map_set(m, "rot_days", crm_node_new_typed(num));
		}
		crm_seq_push(st, m);
	}
	crm_map_set(pipe, "stages", st);
	return pipe;
}

struct crm_node *crm_lost_reasons_default(void)
{
	struct crm_node *seq = crm_node_new_seq();
	size_t i;

	for (i = 0; i < sizeof(default_reasons) / sizeof(default_reasons[0]); i++)
		crm_seq_push(seq, label_node(default_reasons[i][0],
					     crm_pgettext(default_reasons[i][1])));
	return seq;
}

/* True when the label l is called text (its id, or a name in any
 * language, case folded). */
static bool label_is(const struct crm_label *l, const char *text)
{
	char *want = crm_fold(text), *have;
	bool same = strcmp(l->id, text) == 0;
	size_t i;

	for (i = 0; !same && l->names && i < l->names->len; i++) {
		if (l->names->items[i]->kind != CRM_NODE_SCALAR)
			continue;
		have = crm_fold(l->names->items[i]->str);
		same = strcmp(have, want) == 0;
		free(have);
	}
	if (!same && l->name) {
		have = crm_fold(l->name);
		same = strcmp(have, want) == 0;
		free(have);
	}
	if (!same) {
		have = crm_fold(l->id);
		same = strcmp(have, want) == 0;
		free(have);
	}
	free(want);
	return same;
}

const char *crm_pipeline_stage_named(const struct crm_pipeline *p,
				     const char *text)
{
	size_t i;

	for (i = 0; p && i < p->nstages; i++)
		if (label_is(&p->defs[i].label, text))
			return p->stages[i];
	return NULL;
}
