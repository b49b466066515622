/*
 * automation.c - the automation: rules of crm.yaml (the format is in
 * crm.h): reading them, checking what they name, and making the task a
 * rule gives a deal.  When they run is the transaction's business
 * (txncheck.c); crm check reports the rules that cannot run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crm.h"

/* The objects a title template may name, and their record types. */
static const struct {
	const char *name;
	enum crm_type type;
} objects[] = {
	{"deal", CRM_DEAL}, {"contact", CRM_CONTACT}, {"company", CRM_COMPANY},
};

#define NOBJECTS (sizeof(objects) / sizeof(objects[0]))

/* A copy of the scalar at key of map, or NULL.  Caller owns it. */
static char *dup_str(const struct crm_node *map, const char *key)
{
	const char *s = crm_map_str(map, key);

	return s && s[0] ? crm_xstrdup(s) : NULL;
}

/* Sets r's problem (first one wins) from fmt. */
static void problem(struct crm_rule *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void problem(struct crm_rule *r, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (r->problem)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	r->problem = crm_xstrdup(buf);
}

/* The object index of name[0..n) in objects, or -1. */
static int object_of(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < NOBJECTS; i++)
		if (strlen(objects[i].name) == n &&
		    strncmp(objects[i].name, name, n) == 0)
			return (int)i;
	return -1;
}

/* True when field is one records of type t have: known, or declared in
 * cfg. */
static bool field_known(const struct crm_config *cfg, enum crm_type t,
			const char *field)
{
	return crm_record_known_field(t, field) ||
	       crm_config_field(cfg, (int)t, field) != NULL;
}

/* Checks each {object.field} of r's title; notes the first bad one. */
static void check_template(const struct crm_config *cfg, struct crm_rule *r)
{
	const char *p = r->title, *open, *close, *dot;
	char field[128];
	int o;

	while ((open = strchr(p, '{')) != NULL) {
		close = strchr(open, '}');
		if (close == NULL) {
			problem(r, _("title: '{' without '}'"));
			return;
		}
		dot = memchr(open, '.', (size_t)(close - open));
		o = dot ? object_of(open + 1, (size_t)(dot - open - 1)) : -1;
		if (o < 0) {
			problem(r, _("title: unknown placeholder '%.*s' (try "
				  "{deal.name}, {contact.name}, {company.name})"),
				(int)(close - open + 1), open);
			return;
		}
		snprintf(field, sizeof(field), "%.*s", (int)(close - dot - 1),
			 dot + 1);
		if (!field_known(cfg, objects[o].type, field)) {
			problem(r, _("title: unknown field '%s' of a %s"), field,
				objects[o].name);
			return;
		}
		p = close + 1;
	}
}

/* Checks the stage and pipeline r names against cfg. */
static void check_stage(const struct crm_config *cfg, struct crm_rule *r)
{
	const struct crm_pipeline *p = NULL;
	size_t i;

	if (r->pipeline &&
	    (p = crm_config_pipeline(cfg, r->pipeline)) == NULL) {
		problem(r, _("unknown pipeline '%s'"), r->pipeline);
		return;
	}
	if (r->on == CRM_RULE_STAGE && r->stage == NULL) {
		problem(r, _("'when: stage' needs the 'stage' it is for"));
		return;
	}
	if (r->stage == NULL)
		return;
	if (p) {
		if (crm_pipeline_stage(p, r->stage) == NULL)
			problem(r, _("unknown stage '%s' of pipeline '%s'"),
				r->stage, p->name);
		return;
	}
	for (i = 0; i < cfg->npipelines; i++)
		if (crm_pipeline_stage(&cfg->pipelines[i], r->stage))
			return;
	problem(r, _("unknown stage '%s'"), r->stage);
}

/* Checks what else r names: its owner, its due and its priority. */
static void check_rest(const struct crm_config *cfg, struct crm_rule *r)
{
	struct crm_date d;
	struct crm_err err = {0};

	if (r->owner && cfg->nusers && crm_config_user(cfg, r->owner) == NULL)
		problem(r, _("unknown user '%s'"), r->owner);
	if (r->due && crm_date_parse_as(r->due, 0, CRM_DATE_WHEN, &d, &err) != CRM_OK)
		problem(r, _("due: cannot read '%s' (try +15m, +2h, +1d, "
			  "next working day 10:00)"), r->due);
	if (r->priority && strcmp(r->priority, "high") != 0 &&
	    strcmp(r->priority, "normal") != 0 && strcmp(r->priority, "low") != 0)
		problem(r, _("priority must be high, normal or low, not '%s'"),
			r->priority);
	if (r->title == NULL)
		problem(r, _("a rule needs a 'title'"));
}

/* Reads rule n into r. */
static void parse_rule(const struct crm_node *n, const struct crm_config *cfg,
		       struct crm_rule *r)
{
	const char *on = crm_map_str(n, "when");
	static const char *const known[] = {
		"name", "when", "stage", "pipeline", "tag", "source", "title",
		"owner", "due", "priority",
	};
	size_t i, k;

	r->line = n->line;
	r->name = dup_str(n, "name");
	r->stage = dup_str(n, "stage");
	r->pipeline = dup_str(n, "pipeline");
	r->tag = dup_str(n, "tag");
	r->source = dup_str(n, "source");
	r->title = dup_str(n, "title");
	r->owner = dup_str(n, "owner");
	if (r->owner && strcmp(r->owner, "deal") == 0) {
		free(r->owner);
		r->owner = NULL;
	}
	r->due = dup_str(n, "due");
	r->priority = dup_str(n, "priority");
	for (i = 0; i < n->len; i++) {
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strcmp(n->keys[i], known[k]) == 0)
				break;
		if (k == sizeof(known) / sizeof(known[0]))
			problem(r, _("unknown key '%s'"), n->keys[i]);
	}
	if (on == NULL || strcmp(on, "created") == 0)
		r->on = CRM_RULE_CREATED;
	else if (strcmp(on, "stage") == 0)
		r->on = CRM_RULE_STAGE;
	else
		problem(r, _("'when' must be created or stage, not '%s'"), on);
	check_stage(cfg, r);
	check_rest(cfg, r);
	if (r->title)
		check_template(cfg, r);
}

int crm_automation_parse(const struct crm_node *root, struct crm_config *cfg,
			 struct crm_err *err)
{
	const struct crm_node *seq = crm_map_get(root, "automation");
	const struct crm_node *n;
	size_t i, j;

	if (seq == NULL)
		return CRM_OK;
	if (seq->kind != CRM_NODE_SEQ)
		return crm_seterr(err, CRM_ERR,
				  _("line %d: 'automation' must be a list"),
				  seq->line);
	cfg->rules = crm_xcalloc(seq->len + 1, sizeof(*cfg->rules));
	for (i = 0; i < seq->len; i++) {
		n = seq->items[i];
		if (n->kind != CRM_NODE_MAP || crm_map_str(n, "name") == NULL ||
		    !crm_config_name_valid(crm_map_str(n, "name")))
			return crm_seterr(err, CRM_ERR, _("line %d: an automation "
					  "rule needs a 'name' (a-z, 0-9, '.', '_', "
					  "'-')"), n->line);
		for (j = 0; j < cfg->nrules; j++)
			if (strcmp(cfg->rules[j].name,
				   crm_map_str(n, "name")) == 0)
				return crm_seterr(err, CRM_ERR, _("line %d: "
						  "automation rule '%s' is named "
						  "twice"), n->line,
						  cfg->rules[j].name);
		parse_rule(n, cfg, &cfg->rules[cfg->nrules++]);
	}
	return CRM_OK;
}

void crm_automation_free(struct crm_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nrules; i++) {
		struct crm_rule *r = &cfg->rules[i];

		free(r->name);
		free(r->stage);
		free(r->pipeline);
		free(r->tag);
		free(r->source);
		free(r->title);
		free(r->owner);
		free(r->due);
		free(r->priority);
		free(r->problem);
	}
	free(cfg->rules);
	cfg->rules = NULL;
	cfg->nrules = 0;
}

struct crm_node *crm_automation_default(void)
{
	struct crm_node *seq = crm_node_new_seq(), *r = crm_node_new_map();

	crm_map_set_str(r, "name", "call-back");
	crm_map_set_str(r, "when", "created");
	crm_map_set_str(r, "stage", "lead");
	crm_map_set_str(r, "title", _("Call back within 15 minutes"));
	crm_map_set_str(r, "owner", "deal");
	crm_map_set_str(r, "due", "+15m");
	crm_seq_push(seq, r);
	return seq;
}

const struct crm_rule *crm_rule_find(const struct crm_config *cfg,
				     const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nrules; i++)
		if (strcmp(cfg->rules[i].name, name) == 0)
			return &cfg->rules[i];
	return NULL;
}

/* True when the deal's scalar key is want (want NULL: anything). */
static bool is(const struct crm_record *d, const char *key, const char *want)
{
	const char *v = crm_map_str(d->map, key);

	return want == NULL || (v && strcmp(v, want) == 0);
}

bool crm_rule_matches(const struct crm_rule *r, const struct crm_record *d,
		      bool created)
{
	if (d->type != CRM_DEAL || (r->on == CRM_RULE_CREATED) != created)
		return false;
	if (r->tag && !crm_record_has_tag(d, r->tag))
		return false;
	/* a deal without a pipeline is in the default one: the filter
	 * names it or the deal names it */
	if (r->pipeline && crm_map_str(d->map, "pipeline") &&
	    !is(d, "pipeline", r->pipeline))
		return false;
	return is(d, "stage", r->stage) && is(d, "source", r->source);
}

/* 64-bit FNV-1a of s[0..n) from h. */
static unsigned long long fnv(unsigned long long h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

void crm_rule_task_id(const char *deal, const char *rule, const char *entry,
		      char id[CRM_ID_LEN + 1])
{
	unsigned long long h = 14695981039346656037ull, g;
	char bytes[8];
	size_t i;

	h = fnv(h, deal, strlen(deal) + 1);
	h = fnv(h, rule, strlen(rule) + 1);
	h = fnv(h, entry, strlen(entry));
	/* a second round, so that every symbol has bits of the whole, over
	 * h's bytes low first whatever the machine's byte order: clones on
	 * any machine make the same id */
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (char)(h >> (8 * i) & 0xff);
	g = fnv(h ^ 0x9e3779b97f4a7c15ull, bytes, sizeof(bytes));
	for (i = 0; i < CRM_ID_LEN; i++) {
		id[i] = CRM_ID_ALPHABET[(i < 6 ? h : g) & 31];
		if (i < 6)
			h >>= 5;
		else
			g >>= 5;
	}
	id[CRM_ID_LEN] = '\0';
}

void crm_rule_entry_key(const struct crm_record *d, char *buf, size_t size)
{
	const struct crm_node *h = crm_map_get(d->map, "stage_history");
	const struct crm_node *last;
	const char *id, *stage, *at;

	buf[0] = '\0';
	if (h == NULL || h->kind != CRM_NODE_SEQ || h->len == 0)
		return;
	last = h->items[h->len - 1];
	if (last->kind != CRM_NODE_MAP)
		return;
	id = crm_map_str(last, "id");
	stage = crm_map_str(last, "stage");
	at = crm_map_str(last, "at");
	if (id)
		snprintf(buf, size, "%s", id);
	else
		snprintf(buf, size, "%zu:%s@%s", h->len, stage ? stage : "",
			 at ? at : "");
}

/* Appends r's title to b with its placeholders filled from the deal and
 * the records it names (an absent value gives nothing). */
static void render(const struct crm_rule *r, const struct crm_record *d,
		   crm_rule_load_cb load, void *data, struct crm_buf *b)
{
	struct crm_record *rec[NOBJECTS] = {NULL};
	const char *p = r->title, *open, *close, *dot, *ref, *v;
	char field[128];
	int o;
	size_t i;

	while ((open = strchr(p, '{')) != NULL &&
	       (close = strchr(open, '}')) != NULL &&
	       (dot = memchr(open, '.', (size_t)(close - open))) != NULL &&
	       (o = object_of(open + 1, (size_t)(dot - open - 1))) >= 0) {
		crm_buf_add(b, p, (size_t)(open - p));
		snprintf(field, sizeof(field), "%.*s", (int)(close - dot - 1),
			 dot + 1);
		if (o > 0 && rec[o] == NULL && load &&
		    (ref = crm_map_str(d->map, objects[o].name)) != NULL)
			rec[o] = load(objects[o].type, ref, data);
		v = o == 0 ? crm_map_str(d->map, field)
			   : rec[o] ? crm_map_str(rec[o]->map, field) : NULL;
		if (v)
			crm_buf_adds(b, v);
		p = close + 1;
	}
	crm_buf_adds(b, p);
	for (i = 0; i < NOBJECTS; i++)
		crm_record_free(rec[i]);
}

/* Squeezes runs of spaces in s to one and trims its ends, in place (a
 * placeholder with no value leaves "Call  about X"). */
static void squeeze(char *s)
{
	char *w = s, *r = s;

	while (*r == ' ')
		r++;
	for (; *r; r++)
		if (*r != ' ' || (r[1] != ' ' && r[1] != '\0'))
			*w++ = *r;
	*w = '\0';
}

/* The stored time of deal d's last stage_history entry, or NULL. */
static const char *entry_at(const struct crm_record *d)
{
	const struct crm_node *h = crm_map_get(d->map, "stage_history");
	const struct crm_node *last;

	if (h == NULL || h->kind != CRM_NODE_SEQ || h->len == 0)
		return NULL;
	last = h->items[h->len - 1];
	return last->kind == CRM_NODE_MAP ? crm_map_str(last, "at") : NULL;
}

/* Reads the stored date-time s into stamp (as it is) and *when; false
 * when s is NULL or no stored date. */
static bool read_at(const char *s, char *stamp, size_t size, time_t *when)
{
	struct crm_date d;

	if (s == NULL || crm_date_parse_stored(s, &d) != CRM_OK)
		return false;
	*when = d.when;
	if (d.has_time)
		snprintf(stamp, size, "%s", s);
	else
		crm_date_now(d.when, stamp, size);
	return true;
}

/* The moment rule r ran for deal d, as the deal records it: a creation
 * rule's is the deal's created, a stage rule's its last stage_history
 * entry's at (each falls back on the other, then on now).  Into stamp
 * (a stored date-time, the record's own bytes when it holds one) and
 * *when.  Every clone reads the same moment from the same deal. */
static void ran_at(const struct crm_rule *r, const struct crm_record *d,
		   time_t now, char *stamp, size_t size, time_t *when)
{
	const char *created = crm_map_str(d->map, "created");
	const char *at = entry_at(d);
	const char *first = r->on == CRM_RULE_CREATED ? created : at;
	const char *second = r->on == CRM_RULE_CREATED ? at : created;

	if (read_at(first, stamp, size, when) ||
	    read_at(second, stamp, size, when))
		return;
	*when = now;
	crm_date_now(now, stamp, size);
}

int crm_rule_make_task(const struct crm_rule *r, const struct crm_record *d,
		       const char *entry, time_t now, crm_rule_load_cb load,
		       void *data, struct crm_record **out,
		       struct crm_err *err)
{
	struct crm_buf title = {0};
	struct crm_record *t;
	struct crm_date due;
	char id[CRM_ID_LEN + 1], at[40], stamp[40], *text;
	const char *owner = r->owner ? r->owner : crm_map_str(d->map, "owner");
	time_t when;
	int rc;

	*out = NULL;
	if (r->problem)
		return crm_seterr(err, CRM_ERR, _("automation rule '%s' cannot "
				  "run: %s\nhint: fix it in 'crm.yaml', or remove "
				  "it"), r->name, r->problem);
	ran_at(r, d, now, at, sizeof(at), &when);
	if (r->due && (rc = crm_date_parse_as(r->due, when, CRM_DATE_WHEN, &due,
					      err)))
		return crm_err_prefix(err, _("automation rule '%s'"), r->name);
	render(r, d, load, data, &title);
	if ((text = crm_buf_detach(&title)) == NULL)
		text = crm_xstrdup("");
	squeeze(text);
	crm_rule_task_id(d->id, r->name, entry, id);
	t = crm_record_new(CRM_TASK, id, text[0] ? text : r->name, when);
	free(text);
	crm_map_set_str(t->map, "created", at);
	crm_map_set_str(t->map, "updated", at);
	crm_map_set_str(t->map, "for", d->id);
	if (owner)
		crm_map_set_str(t->map, "owner", owner);
	if (r->due) {
		crm_date_format(&due, stamp, sizeof(stamp));
		crm_map_set_str(t->map, "due", stamp);
	}
	if (r->priority)
		crm_map_set_str(t->map, "priority", r->priority);
	crm_record_canonicalize(t);
	*out = t;
	return CRM_OK;
}

/* A task a replay made, with where it goes in the replay's order. */
struct found {
	size_t rule; /* the rule's index */
	size_t deal; /* the deal's place in the walk */
	struct crm_record *task;
};

/* What a replay collects. */
struct replay {
	struct crm_store *s;
	const struct crm_rule *rules;
	const struct crm_rule **by_stage; /* the rules by stage, none first */
	size_t nrules, nany; /* nany: the rules of no stage, first in by_stage */
	size_t deals;        /* the deals walked so far */
	time_t now;
	struct found *found;
	size_t n, cap;
	struct crm_err *err;
};

/* qsort's order of pointers into one array of rules: by stage, a rule of
 * no stage first, then by place. */
static int by_stage(const void *a, const void *b)
{
	const struct crm_rule *x = *(const struct crm_rule *const *)a;
	const struct crm_rule *y = *(const struct crm_rule *const *)b;
	int c = strcmp(x->stage ? x->stage : "", y->stage ? y->stage : "");

	return c ? c : (x > y) - (x < y);
}

/* Fills rp->by_stage and rp->nany from rp->rules. */
static void index_rules(struct replay *rp)
{
	size_t i;

	rp->by_stage = crm_xcalloc(rp->nrules + 1, sizeof(*rp->by_stage));
	for (i = 0; i < rp->nrules; i++)
		rp->by_stage[i] = &rp->rules[i];
	qsort(rp->by_stage, rp->nrules, sizeof(*rp->by_stage), by_stage);
	for (rp->nany = 0; rp->nany < rp->nrules &&
	     rp->by_stage[rp->nany]->stage == NULL; rp->nany++)
		;
}

/* The first place in rp->by_stage past the rules of no stage whose rule
 * is for stage (nrules when none is); the rules for it follow. */
static size_t first_for(const struct replay *rp, const char *stage)
{
	size_t lo = rp->nany, hi = rp->nrules, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(rp->by_stage[mid]->stage, stage) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A record a title names, from the store. */
static struct crm_record *load_stored(enum crm_type t, const char *id,
				      void *data)
{
	struct replay *rp = data;
	struct crm_record *r = NULL;

	if (crm_store_read(rp->s, t, id, &r, NULL) != CRM_OK)
		return NULL;
	return r;
}

/* Notes the task rule r makes for deal rec, when it matches and the
 * task is not in the store already. */
static int replay_rule(struct replay *rp, const struct crm_rule *r,
		       const struct crm_record *rec, const char *entry)
{
	struct crm_record *task;
	enum crm_type t;
	int rc;

	/* a rule for the creation applies to the deals still in its stage */
	if (!crm_rule_matches(r, rec, r->on == CRM_RULE_CREATED))
		return CRM_OK;
	if ((rc = crm_rule_make_task(r, rec, entry, rp->now, load_stored, rp,
				     &task, rp->err)))
		return rc;
	if (crm_store_find_id(rp->s, task->id, &t, NULL) == CRM_OK) {
		crm_record_free(task);
		return CRM_OK;
	}
	if (rp->n == rp->cap) {
		rp->cap = rp->cap ? 2 * rp->cap : 64;
		rp->found = crm_xrealloc(rp->found,
					 rp->cap * sizeof(*rp->found));
	}
	rp->found[rp->n].rule = (size_t)(r - rp->rules);
	rp->found[rp->n].deal = rp->deals;
	rp->found[rp->n++].task = task;
	return CRM_OK;
}

/* The tasks the rules of no stage and those of deal rec's stage make
 * for it (crm_store_foreach's callback): the other rules cannot match,
 * so a deal costs what its own rules do. */
static int replay_deal(const struct crm_record *rec, const char *path,
		       const struct crm_err *ferr, void *data)
{
	struct replay *rp = data;
	const char *stage;
	char entry[128];
	size_t i;
	int rc = CRM_OK;

	(void)path;
	if (rec == NULL || ferr != NULL)
		return CRM_OK; /* a broken file: crm check reports it */
	crm_rule_entry_key(rec, entry, sizeof(entry));
	for (i = 0; i < rp->nany && rc == CRM_OK; i++)
		rc = replay_rule(rp, rp->by_stage[i], rec, entry);
	if ((stage = crm_map_str(rec->map, "stage")) != NULL)
		for (i = first_for(rp, stage); i < rp->nrules && rc == CRM_OK &&
		     strcmp(rp->by_stage[i]->stage, stage) == 0; i++)
			rc = replay_rule(rp, rp->by_stage[i], rec, entry);
	rp->deals++;
	return rc;
}

/* qsort's order of the tasks found: by rule, then by deal. */
static int found_order(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	if (x->rule != y->rule)
		return (x->rule > y->rule) - (x->rule < y->rule);
	return (x->deal > y->deal) - (x->deal < y->deal);
}

/* Hands rp's tasks, in the replay's order, to *tasks and *n. */
static void hand_over(struct replay *rp, struct crm_rule_task **tasks,
		      size_t *n)
{
	size_t i;

	if (rp->n)
		qsort(rp->found, rp->n, sizeof(*rp->found), found_order);
	*tasks = crm_xcalloc(rp->n + 1, sizeof(**tasks));
	for (i = 0; i < rp->n; i++) {
		(*tasks)[i].rule = &rp->rules[rp->found[i].rule];
		(*tasks)[i].task = rp->found[i].task;
	}
	*n = rp->n;
}

int crm_automation_replay(struct crm_store *s, const struct crm_rule *rules,
			  size_t nrules, time_t now,
			  struct crm_rule_task **tasks, size_t *n,
			  struct crm_err *err)
{
	struct replay rp = {.s = s, .rules = rules, .nrules = nrules,
			    .now = now, .err = err};
	size_t i;
	int rc;

	*tasks = NULL;
	*n = 0;
	for (i = 0; i < nrules; i++)
		if (rules[i].problem)
			return crm_seterr(err, CRM_ERR, _("automation rule '%s' "
					  "cannot run: %s\nhint: fix it in "
					  "'crm.yaml', or remove it"),
					  rules[i].name, rules[i].problem);
	index_rules(&rp);
	rc = crm_store_foreach(s, CRM_TYPE_BIT(CRM_DEAL), replay_deal, &rp, err);
	if (rc == CRM_OK)
		hand_over(&rp, tasks, n);
	else
		for (i = 0; i < rp.n; i++)
			crm_record_free(rp.found[i].task);
	free(rp.found);
	free(rp.by_stage);
	return rc;
}

void crm_rule_tasks_free(struct crm_rule_task *tasks, size_t n)
{
	size_t i;

	for (i = 0; tasks && i < n; i++)
		crm_record_free(tasks[i].task);
	free(tasks);
}
