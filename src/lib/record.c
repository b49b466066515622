/*
 * record.c - the record model: types, known fields and their order,
 * validation, canonical form, and field changes from the command line.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pthread.h>

#include "crm.h"

static const char *const type_names[CRM_NTYPES] = {
	"company", "contact", "deal", "task",
};
static const char *const type_dirs[CRM_NTYPES] = {
	"companies", "contacts", "deals", "tasks",
};

/* The kind of record field each kind of custom field is checked as. */
static const enum crm_field_kind custom_kind_fields[] = {
	[CRM_CF_TEXT] = CRM_FIELD_TEXT, [CRM_CF_NUMBER] = CRM_FIELD_NUMBER,
	[CRM_CF_DATE] = CRM_FIELD_WHEN, [CRM_CF_USER] = CRM_FIELD_USER,
	[CRM_CF_REF] = CRM_FIELD_REF, [CRM_CF_LIST] = CRM_FIELD_LIST,
};

/* Field names per type for crm_record_fields(), made once. */
static const char *field_names[CRM_NTYPES][CRM_FIELDS_MAX + 1];
static pthread_once_t field_names_once = PTHREAD_ONCE_INIT;

const char *crm_type_name(enum crm_type t)
{
	return t < CRM_NTYPES ? type_names[t] : "?";
}

const char *crm_type_dir(enum crm_type t)
{
	return t < CRM_NTYPES ? type_dirs[t] : "?";
}

bool crm_type_parse(const char *s, enum crm_type *t)
{
	int i;

	for (i = 0; i < CRM_NTYPES; i++) {
		if (strcasecmp(s, type_names[i]) == 0 ||
		    strcasecmp(s, type_dirs[i]) == 0) {
			*t = (enum crm_type)i;
			return true;
		}
	}
	return false;
}

/* The known field called name for type t, or NULL (custom field). */
static const struct crm_field *find_field(enum crm_type t, const char *name)
{
	return crm_field_find(CRM_TYPE_BIT(t), name, false);
}

bool crm_record_known_field(enum crm_type t, const char *name)
{
	return find_field(t, name) != NULL;
}

/* The field key of r: a known field of its type, else a custom field
 * declared in cfg (described in *buf), else NULL. */
static const struct crm_field *field_of(const struct crm_record *r,
				    const char *key, const struct crm_config *cfg,
				    struct crm_field *buf)
{
	const struct crm_field *f = find_field(r->type, key);
	const struct crm_custom_field *cf;

	if (f)
		return f;
	cf = crm_config_field(cfg, r->type, key);
	if (cf == NULL)
		return NULL;
	buf->name = cf->name;
	buf->kind = custom_kind_fields[cf->kind];
	return buf;
}

/* Fills field_names from the registry. */
static void make_field_names(void)
{
	const struct crm_field *f;
	size_t i, t, n;

	for (t = 0; t < CRM_NTYPES; t++) {
		n = 0;
		for (i = 0; (f = crm_field_at(i)) != NULL; i++)
			if (f->name[0] && (f->types & CRM_TYPE_BIT(t)))
				field_names[t][n++] = f->name;
	}
}

const char *const *crm_record_fields(enum crm_type t)
{
	pthread_once(&field_names_once, make_field_names);
	return field_names[t];
}

bool crm_field_is_ref(const char *key)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_ALL, key, false);

	return f != NULL && f->kind == CRM_FIELD_REF;
}

bool crm_record_path(enum crm_type t, const char *id, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%.2s/%s.yaml", crm_type_dir(t), id, id);

	return n > 0 && (size_t)n < size;
}

bool crm_record_path_parse(const char *path, enum crm_type *t, char *id)
{
	const char *slash = strchr(path, '/');
	char dir[16];
	size_t dlen;

	if (slash == NULL || (dlen = (size_t)(slash - path)) >= sizeof(dir))
		return false;
	memcpy(dir, path, dlen);
	dir[dlen] = '\0';
	if (!crm_type_parse(dir, t) || strcmp(dir, crm_type_dir(*t)) != 0)
		return false;
	path = slash + 1;
	if (strlen(path) != 3 + CRM_ID_LEN + 5 || path[2] != '/' ||
	    strcmp(path + 3 + CRM_ID_LEN, ".yaml") != 0 ||
	    strncmp(path, path + 3, 2) != 0)
		return false;
	memcpy(id, path + 3, CRM_ID_LEN);
	id[CRM_ID_LEN] = '\0';
	return crm_id_valid(id);
}

struct crm_record *crm_record_new(enum crm_type t, const char *id,
				  const char *name, time_t now)
{
	struct crm_record *r = crm_xcalloc(1, sizeof(*r));
	char stamp[40];

	r->type = t;
	snprintf(r->id, sizeof(r->id), "%s", id);
	r->map = crm_node_new_map();
	crm_map_set_str(r->map, "id", id);
	crm_map_set_str(r->map, "name", name);
	crm_date_now(now, stamp, sizeof(stamp));
	crm_map_set_str(r->map, "created", stamp);
	crm_map_set_str(r->map, "updated", stamp);
	return r;
}

int crm_record_apply_defaults(struct crm_record *r,
			      const struct crm_config *cfg, const char *by,
			      time_t now, struct crm_err *err)
{
	const struct crm_pipeline *pl;

	if (!crm_map_get(r->map, "owner") && by && by[0])
		crm_map_set_str(r->map, "owner", by);
	if (r->type != CRM_DEAL)
		return CRM_OK;
	pl = crm_config_pipeline(cfg, crm_map_str(r->map, "pipeline"));
	if (!crm_map_get(r->map, "pipeline") && pl)
		crm_map_set_str(r->map, "pipeline", pl->name);
	if (!crm_map_get(r->map, "currency") && cfg->default_currency)
		crm_map_set_str(r->map, "currency", cfg->default_currency);
	if (!crm_map_get(r->map, "stage") && pl && pl->nstages)
		return crm_record_set_field(r, "stage", '=', pl->stages[0],
					    cfg, by, now, err);
	return CRM_OK;
}

void crm_record_free(struct crm_record *r)
{
	if (r == NULL)
		return;
	crm_node_free(r->map);
	free(r);
}

struct crm_record *crm_record_dup(const struct crm_record *r)
{
	struct crm_record *d = crm_xcalloc(1, sizeof(*d));

	d->type = r->type;
	memcpy(d->id, r->id, sizeof(d->id));
	d->map = crm_node_dup(r->map);
	return d;
}

const char *crm_record_name(const struct crm_record *r)
{
	const char *s = crm_map_str(r->map, "name");

	return s ? s : "";
}

/* Sets err to "line N: field 'key': MSG", or "field 'key': MSG" for a
 * value read from no file (n->line 0), and returns CRM_ERR. */
static int field_error(struct crm_err *err, const struct crm_node *n,
		       const char *key, const char *msg)
{
	if (n == NULL || n->line == 0)
		return crm_seterr(err, CRM_ERR, _("field '%s': %s"), key, msg);
	return crm_seterr(err, CRM_ERR, _("line %d: field '%s': %s"),
			  n->line, key, msg);
}

/* True when s is a decimal number: an amount's stored form with an
 * optional minus sign. */
static bool is_number(const char *s)
{
	return crm_amount_is_stored(s[0] == '-' ? s + 1 : s);
}

/* True when s holds a C0 control character or DEL. */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* True for a character that shows as nothing but space: Unicode's
 * White_Space, and the zero-width space and no-break space. */
static bool is_space_char(uint32_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 ||
	       c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200b) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	       c == 0x3000 || c == 0xfeff;
}

/* True when the UTF-8 text s is empty or holds nothing but white space
 * (a name nobody could see or type back); text that is not UTF-8 is not
 * blank. */
static bool is_blank_text(const char *s)
{
	size_t n = strlen(s), k;
	uint32_t c;

	while (n > 0) {
		k = crm_utf8_decode(s, n, &c);
		if (k == 0 || !is_space_char(c))
			return false;
		s += k;
		n -= k;
	}
	return true;
}

/* Checks that a list field is a sequence of non-empty scalars. */
static int check_list(const struct crm_node *n, const char *key,
		      enum crm_field_kind kind, struct crm_err *err)
{
	size_t i;
	char msg[256];

	if (n->kind != CRM_NODE_SEQ)
		return field_error(err, n, key, _("must be a list"));
	for (i = 0; i < n->len; i++) {
		const struct crm_node *it = n->items[i];

		if (it->kind != CRM_NODE_SCALAR || it->str[0] == '\0')
			return field_error(err, it, key,
					   _("items must be non-empty text"));
		if (kind == CRM_FIELD_EMAILS && strchr(it->str, '@') == NULL) {
			snprintf(msg, sizeof(msg), _("invalid e-mail '%s'"),
				 it->str);
			return field_error(err, it, key, msg);
		}
		if ((kind == CRM_FIELD_REFS || kind == CRM_FIELD_IDS) &&
		    !crm_id_valid(it->str)) {
			snprintf(msg, sizeof(msg), _("'%s' is not a record id"),
				 it->str);
			return field_error(err, it, key, msg);
		}
		if (kind == CRM_FIELD_TAGS && strpbrk(it->str, " \t\n\v\f\r,") != NULL) {
			snprintf(msg, sizeof(msg),
				 _("invalid tag '%s' (no spaces or commas)"),
				 it->str);
			return field_error(err, it, key, msg);
		}
	}
	return CRM_OK;
}

/* Checks phones_typed: a map from E.164 numbers to their non-empty forms
 * as typed, text without control characters (which of its keys are in
 * phones is the change pass's business: it drops the others). */
static int check_phone_forms(const struct crm_node *n, const char *key,
			     struct crm_err *err)
{
	const struct crm_node *v;
	char msg[256];
	size_t i;

	if (n->kind != CRM_NODE_MAP)
		return field_error(err, n, key,
				   _("must be a mapping of phone numbers"));
	for (i = 0; i < n->len; i++) {
		v = n->items[i];
		if (!crm_phone_is_e164(n->keys[i])) {
			snprintf(msg, sizeof(msg), _("'%s' is not a phone "
				 "number in E.164 form, such as "
				 "+74951234567"), n->keys[i]);
			return field_error(err, v, key, msg);
		}
		if (v->kind != CRM_NODE_SCALAR || v->str[0] == '\0' ||
		    has_control(v->str)) {
			snprintf(msg, sizeof(msg), _("the form of '%s' must "
				 "be text on one line"), n->keys[i]);
			return field_error(err, v, key, msg);
		}
	}
	return CRM_OK;
}

/* Checks that owner is a user of cfg, with a hint when it is not. */
static int check_owner(const struct crm_node *n, const char *key,
		       const struct crm_config *cfg, struct crm_err *err)
{
	const char *cands[64], *hint;
	char msg[512];
	size_t i, nc = 0;

	if (cfg == NULL || cfg->nusers == 0 || crm_config_user(cfg, n->str))
		return CRM_OK;
	for (i = 0; i < cfg->nusers && nc < 64; i++)
		cands[nc++] = cfg->users[i].login;
	hint = crm_suggest(n->str, cands, nc);
	if (hint)
		snprintf(msg, sizeof(msg),
			 _("unknown user '%s' (did you mean '%s'?)"), n->str, hint);
	else
		snprintf(msg, sizeof(msg), _("unknown user '%s'"), n->str);
	return field_error(err, n, key, msg);
}

/* Checks a deal's stage against its pipeline, with a hint. */
static int check_stage(const struct crm_record *r, const struct crm_node *n,
		       const struct crm_config *cfg, struct crm_err *err)
{
	const struct crm_pipeline *p;
	const char *hint;
	char msg[512];

	if (cfg == NULL || cfg->npipelines == 0)
		return CRM_OK;
	p = crm_config_pipeline(cfg, crm_map_str(r->map, "pipeline"));
	if (p == NULL) {
		snprintf(msg, sizeof(msg), _("unknown pipeline '%s'"),
			 crm_map_str(r->map, "pipeline"));
		return field_error(err, n, "stage", msg);
	}
	if (crm_pipeline_has_stage(p, n->str))
		return CRM_OK;
	hint = crm_suggest(n->str, (const char *const *)p->stages, p->nstages);
	if (hint)
		snprintf(msg, sizeof(msg),
			 _("unknown stage '%s' (did you mean '%s'?)"), n->str, hint);
	else
		snprintf(msg, sizeof(msg), _("unknown stage '%s' in pipeline '%s'"),
			 n->str, p->name);
	return field_error(err, n, "stage", msg);
}

/* Checks a status against crm.yaml's statuses, with a hint. */
static int check_status(const struct crm_node *n, const char *key,
			const struct crm_config *cfg, struct crm_err *err)
{
	const char *cands[64], *hint;
	char msg[512];
	size_t i, nc = 0;

	if (cfg == NULL || crm_label_find(cfg->statuses, cfg->nstatuses, n->str))
		return CRM_OK;
	for (i = 0; i < cfg->nstatuses && nc < 64; i++)
		cands[nc++] = cfg->statuses[i].id;
	hint = crm_suggest(n->str, cands, nc);
	if (hint)
		snprintf(msg, sizeof(msg),
			 _("unknown status '%s' (did you mean '%s'?)"), n->str,
			 hint);
	else
		snprintf(msg, sizeof(msg), _("unknown status '%s'"), n->str);
	return field_error(err, n, key, msg);
}

/* Checks a value against the field's fixed choices. */
static int check_choice(const struct crm_node *n, const struct crm_field *f,
			struct crm_err *err)
{
	char msg[512], list[256] = "";
	size_t i, n_choices = 0;
	const char *hint;

	for (i = 0; f->choices[i]; i++) {
		if (strcmp(f->choices[i], n->str) == 0)
			return CRM_OK;
		n_choices++;
	}
	hint = crm_suggest(n->str, f->choices, n_choices);
	for (i = 0; f->choices[i]; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", i ? ", " : "", f->choices[i]);
	if (hint)
		snprintf(msg, sizeof(msg), _("'%s' is not one of %s (did you "
			 "mean '%s'?)"), n->str, list, hint);
	else
		snprintf(msg, sizeof(msg), _("'%s' is not one of %s"), n->str,
			 list);
	return field_error(err, n, f->name, msg);
}

/* Checks a whole number of percent. */
static int check_percent(const struct crm_node *n, const char *key,
			 struct crm_err *err)
{
	char msg[256], *end;
	long v;

	if (n->str[0] >= '0' && n->str[0] <= '9' &&
	    (v = strtol(n->str, &end, 10), *end == '\0') && v <= 100)
		return CRM_OK;
	snprintf(msg, sizeof(msg), _("'%s' is not a whole number of percent "
		 "from 0 to 100"), n->str);
	return field_error(err, n, key, msg);
}

/* Checks a list of maps (stage_history, timeline). */
static int check_map_list(const struct crm_node *n, const char *key,
			  struct crm_err *err)
{
	size_t i;

	if (n->kind != CRM_NODE_SEQ)
		return field_error(err, n, key, _("must be a list"));
	for (i = 0; i < n->len; i++)
		if (n->items[i]->kind != CRM_NODE_MAP)
			return field_error(err, n->items[i], key,
					   _("items must be mappings"));
	return CRM_OK;
}

/* The first of e's by, text, outcome and due that is a list or a map,
 * or NULL when each is a single value or absent. */
static const struct crm_node *single_values(const struct crm_node *e)
{
	static const char *const keys[] = {"by", "text", "outcome", "due"};
	const struct crm_node *v;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((v = crm_map_get(e, keys[i])) && v->kind != CRM_NODE_SCALAR)
			return v;
	return NULL;
}

/* Checks one timeline entry e (a map) of list key: an id, a known kind,
 * a stored time, single values for by, text, outcome and due; with cfg,
 * its by a user of cfg. */
static int check_entry(const struct crm_node *e, const char *key,
		       const struct crm_config *cfg, struct crm_err *err)
{
	const struct crm_node *id = crm_map_get(e, "id"), *v;
	struct crm_date d;
	char msg[512];

	if (id == NULL || id->kind != CRM_NODE_SCALAR || id->str[0] == '\0')
		return field_error(err, e, key, _("an entry has no id"));
	v = crm_map_get(e, "kind");
	if (v == NULL || v->kind != CRM_NODE_SCALAR ||
	    !crm_timeline_kind_valid(v->str)) {
		snprintf(msg, sizeof(msg), _("entry '%s': unknown kind '%s' (it "
			 "is one of call, meeting, email, note, task)"), id->str,
			 v && v->kind == CRM_NODE_SCALAR ? v->str : "");
		return field_error(err, v ? v : e, key, msg);
	}
	v = crm_map_get(e, "at");
	if (v == NULL || v->kind != CRM_NODE_SCALAR ||
	    crm_date_parse_stored(v->str, &d) != CRM_OK) {
		snprintf(msg, sizeof(msg), _("entry '%s': invalid time '%s' "
			 "(expected ISO 8601)"), id->str,
			 v && v->kind == CRM_NODE_SCALAR ? v->str : "");
		return field_error(err, v ? v : e, key, msg);
	}
	if ((v = single_values(e)) != NULL)
		return field_error(err, v, key, _("must be a single value"));
	v = crm_map_get(e, "by");
	return v && cfg ? check_owner(v, key, cfg, err) : CRM_OK;
}

/* An entry's id node, for the sort of check_ids. */
static int by_entry_id(const void *pa, const void *pb)
{
	const struct crm_node *a = *(const struct crm_node *const *)pa;
	const struct crm_node *b = *(const struct crm_node *const *)pb;
	int c = strcmp(a->str, b->str);

	return c ? c : a->line - b->line;
}

/* Refuses an id that two entries of timeline n (checked by check_entry)
 * have, naming the later of the first such pair in the file. */
static int check_ids(const struct crm_node *n, const char *key,
		     struct crm_err *err)
{
	const struct crm_node **ids, *dup = NULL;
	char msg[512];
	size_t i;
	int rc = CRM_OK;

	ids = crm_xcalloc(n->len + 1, sizeof(*ids));
	for (i = 0; i < n->len; i++)
		ids[i] = crm_map_get(n->items[i], "id");
	qsort(ids, n->len, sizeof(*ids), by_entry_id);
	for (i = 1; i < n->len; i++)
		if (strcmp(ids[i - 1]->str, ids[i]->str) == 0 &&
		    (dup == NULL || ids[i]->line < dup->line))
			dup = ids[i];
	if (dup) {
		snprintf(msg, sizeof(msg), _("entry id '%s' is given twice"),
			 dup->str);
		rc = field_error(err, dup, key, msg);
	}
	free(ids);
	return rc;
}

/* Checks a timeline: a list of entries as check_entry wants them, each
 * id given once (sorted: a timeline may hold thousands). */
static int check_timeline(const struct crm_node *n, const char *key,
			  const struct crm_config *cfg, struct crm_err *err)
{
	size_t i;
	int rc;

	if ((rc = check_map_list(n, key, err)))
		return rc;
	for (i = 0; i < n->len; i++)
		if ((rc = check_entry(n->items[i], key, cfg, err)))
			return rc;
	return check_ids(n, key, err);
}

/* Checks one stage_history entry e (a map) of list key: a stage, a
 * stored time, and a by and a reason that are single values. */
static int check_stage_entry(const struct crm_node *e, const char *key,
			     struct crm_err *err)
{
	const struct crm_node *st = crm_map_get(e, "stage"), *v;
	struct crm_date d;
	char msg[512];

	if (st == NULL || st->kind != CRM_NODE_SCALAR || st->str[0] == '\0')
		return field_error(err, st ? st : e, key,
				   _("an entry has no stage"));
	v = crm_map_get(e, "at");
	if (v == NULL || v->kind != CRM_NODE_SCALAR ||
	    crm_date_parse_stored(v->str, &d) != CRM_OK) {
		snprintf(msg, sizeof(msg), _("entry of stage '%s': invalid time "
			 "'%s' (expected ISO 8601)"), st->str,
			 v && v->kind == CRM_NODE_SCALAR ? v->str : "");
		return field_error(err, v ? v : e, key, msg);
	}
	if ((v = crm_map_get(e, "by")) && v->kind != CRM_NODE_SCALAR)
		return field_error(err, v, key, _("must be a single value"));
	if ((v = crm_map_get(e, "reason")) && v->kind != CRM_NODE_SCALAR)
		return field_error(err, v, key, _("must be a single value"));
	return CRM_OK;
}

/* Checks a stage_history: a list of entries as check_stage_entry wants
 * them. */
static int check_history(const struct crm_node *n, const char *key,
			 struct crm_err *err)
{
	size_t i;
	int rc;

	if ((rc = check_map_list(n, key, err)))
		return rc;
	for (i = 0; i < n->len; i++)
		if ((rc = check_stage_entry(n->items[i], key, err)))
			return rc;
	return CRM_OK;
}

/* Checks a date field's stored form. */
static int check_date(const struct crm_node *n, const char *key,
		      enum crm_field_kind kind, struct crm_err *err)
{
	struct crm_date d;
	char msg[256];

	if (crm_date_parse_stored(n->str, &d) == CRM_OK &&
	    (kind == CRM_FIELD_WHEN || (kind == CRM_FIELD_DAY) != d.has_time))
		return CRM_OK;
	snprintf(msg, sizeof(msg),
		 kind == CRM_FIELD_DAY ? _("invalid date '%s' (expected YYYY-MM-DD)")
			       : _("invalid date '%s' (expected ISO 8601)"),
		 n->str);
	return field_error(err, n, key, msg);
}

/* Validates the value n of known field f of record r. */
static int check_field(const struct crm_record *r, const struct crm_field *f,
		       const struct crm_node *n, const struct crm_config *cfg,
		       struct crm_err *err)
{
	char msg[256];

	if (f->kind == CRM_FIELD_TIMELINE)
		return check_timeline(n, f->name, cfg, err);
	if (f->kind == CRM_FIELD_HISTORY)
		return check_history(n, f->name, err);
	if (f->kind == CRM_FIELD_RESCHEDULES)
		return crm_rescheduled_check(n, f->name, err);
	if (crm_field_is_list(f->kind))
		return check_list(n, f->name, f->kind, err);
	if (f->kind == CRM_FIELD_PHONE_FORMS)
		return check_phone_forms(n, f->name, err);
	if (n->kind != CRM_NODE_SCALAR)
		return field_error(err, n, f->name, _("must be a single value"));
	switch (f->kind) {
	case CRM_FIELD_ID:
		if (strcmp(n->str, r->id) != 0) {
			snprintf(msg, sizeof(msg),
				 _("'%s' does not match the file name"), n->str);
			return field_error(err, n, f->name, msg);
		}
		return CRM_OK;
	case CRM_FIELD_NAME:
		if (n->str[0] == '\0')
			return field_error(err, n, f->name, _("must not be empty"));
		if (is_blank_text(n->str))
			return field_error(err, n, f->name,
					   _("must not be blank"));
		return CRM_OK;
	case CRM_FIELD_REF:
		if (!crm_id_valid(n->str)) {
			snprintf(msg, sizeof(msg), _("'%s' is not a record id"),
				 n->str);
			return field_error(err, n, f->name, msg);
		}
		return CRM_OK;
	case CRM_FIELD_USER:
		return check_owner(n, f->name, cfg, err);
	case CRM_FIELD_DAY:
	case CRM_FIELD_WHEN:
	case CRM_FIELD_STAMP:
		return check_date(n, f->name, f->kind, err);
	case CRM_FIELD_AMOUNT:
		if (!crm_amount_is_stored(n->str)) {
			snprintf(msg, sizeof(msg), _("'%s' is not an amount"),
				 n->str);
			return field_error(err, n, f->name, msg);
		}
		return CRM_OK;
	case CRM_FIELD_CURRENCY:
		if (strlen(n->str) != 3 || !isupper((unsigned char)n->str[0]) ||
		    !isupper((unsigned char)n->str[1]) ||
		    !isupper((unsigned char)n->str[2])) {
			snprintf(msg, sizeof(msg),
				 _("'%s' is not a currency code such as RUB"),
				 n->str);
			return field_error(err, n, f->name, msg);
		}
		return CRM_OK;
	case CRM_FIELD_NUMBER:
		if (!is_number(n->str)) {
			snprintf(msg, sizeof(msg), _("'%s' is not a number"),
				 n->str);
			return field_error(err, n, f->name, msg);
		}
		return CRM_OK;
	case CRM_FIELD_PIPELINE:
		if (cfg && cfg->npipelines && !crm_config_pipeline(cfg, n->str)) {
			snprintf(msg, sizeof(msg), _("unknown pipeline '%s'"),
				 n->str);
			return field_error(err, n, f->name, msg);
		}
		return CRM_OK;
	case CRM_FIELD_STAGE:
		return check_stage(r, n, cfg, err);
	case CRM_FIELD_STATUS:
		return check_status(n, f->name, cfg, err);
	case CRM_FIELD_CHOICE:
		return check_choice(n, f, err);
	case CRM_FIELD_PERCENT:
		return check_percent(n, f->name, err);
	case CRM_FIELD_TAXID:
		if (!crm_taxid_is_stored(n->str)) {
			snprintf(msg, sizeof(msg), _("'%s' is not a tax id "
				 "(8 to 15 digits)"), n->str);
			return field_error(err, n, f->name, msg);
		}
		return CRM_OK;
	default:
		return CRM_OK;
	}
}

/* True for the kinds whose values crm.yaml lists (users, pipelines,
 * stages): what a record read from the store may name wrongly without
 * being broken. */
static bool names_config(enum crm_field_kind kind)
{
	return kind == CRM_FIELD_USER || kind == CRM_FIELD_PIPELINE ||
	       kind == CRM_FIELD_STAGE || kind == CRM_FIELD_STATUS;
}

/* Validates r; with strict, its values are checked against cfg too
 * (users, pipelines, stages, the kinds of declared custom fields). */
static int validate(const struct crm_record *r, const struct crm_config *cfg,
		    bool strict, struct crm_err *err)
{
	const struct crm_field *f;
	struct crm_field custom;
	size_t i;
	int rc;

	if (r->map == NULL || r->map->kind != CRM_NODE_MAP)
		return crm_seterr(err, CRM_ERR, _("a record must be a mapping"));
	if (crm_map_str(r->map, "name") == NULL)
		return crm_seterr(err, CRM_ERR, _("line %d: field '%s' is missing"),
				  r->map->line ? r->map->line : 1, "name");
	if (r->type == CRM_TASK && crm_map_str(r->map, "for") == NULL)
		return crm_seterr(err, CRM_ERR, _("line %d: field '%s' is missing"),
				  r->map->line ? r->map->line : 1, "for");
	for (i = 0; i < r->map->len; i++) {
		f = strict ? field_of(r, r->map->keys[i], cfg, &custom)
			   : find_field(r->type, r->map->keys[i]);
		if (f == NULL || (!strict && names_config(f->kind) &&
				  r->map->items[i]->kind == CRM_NODE_SCALAR))
			continue;
		/* read, an entry by an unknown user is a problem, not broken */
		if ((rc = check_field(r, f, r->map->items[i],
				      !strict && f->kind == CRM_FIELD_TIMELINE
				      ? NULL : cfg, err)))
			return rc;
	}
	return CRM_OK;
}

int crm_record_validate(const struct crm_record *r,
			const struct crm_config *cfg, struct crm_err *err)
{
	return validate(r, cfg, true, err);
}

int crm_record_validate_read(const struct crm_record *r,
			     const struct crm_config *cfg, struct crm_err *err)
{
	return validate(r, cfg, false, err);
}

/* The problem of field key of r (at index i) against cfg, appended to
 * *out (grown; *n counts), when it has one. */
static void add_problem(const struct crm_record *r, size_t i,
			const struct crm_config *cfg, struct crm_problem **out,
			size_t *n)
{
	const struct crm_field *f;
	struct crm_field custom;
	struct crm_err err = {0};
	int rc;

	f = field_of(r, r->map->keys[i], cfg, &custom);
	if (f == NULL)
		return;
	rc = check_field(r, f, r->map->items[i], cfg, &err);
	if (rc == CRM_OK)
		return;
	*out = crm_xrealloc(*out, (*n + 1) * sizeof(**out));
	(*out)[*n].field = crm_xstrdup(r->map->keys[i]);
	(*out)[*n].message = crm_xstrdup(err.msg);
	(*n)++;
}

size_t crm_record_problems(const struct crm_record *r,
			   const struct crm_config *cfg,
			   struct crm_problem **out)
{
	size_t i, n = 0;

	*out = NULL;
	if (r->map == NULL || r->map->kind != CRM_NODE_MAP)
		return 0;
	for (i = 0; i < r->map->len; i++)
		add_problem(r, i, cfg, out, &n);
	return n;
}

void crm_problems_free(struct crm_problem *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].field);
		free(p[i].message);
	}
	free(p);
}

bool crm_config_knows(const struct crm_config *cfg, const char *field,
		      const char *value, const char *pipeline)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_ALL, field, false);
	const struct crm_pipeline *p;

	if (f == NULL || value == NULL || cfg == NULL)
		return true;
	switch (f->kind) {
	case CRM_FIELD_USER:
		return cfg->nusers == 0 || crm_config_user(cfg, value) != NULL;
	case CRM_FIELD_PIPELINE:
		return cfg->npipelines == 0 ||
		       crm_config_pipeline(cfg, value) != NULL;
	case CRM_FIELD_STAGE:
		if (cfg->npipelines == 0)
			return true;
		p = crm_config_pipeline(cfg, pipeline);
		return p != NULL && crm_pipeline_has_stage(p, value);
	default:
		return true;
	}
}

int crm_record_parse(enum crm_type t, const char *expect_id, const char *buf,
		     size_t len, const struct crm_config *cfg,
		     struct crm_record **out, struct crm_err *err)
{
	struct crm_record *r;
	const char *id;
	int rc;

	*out = NULL;
	r = crm_xcalloc(1, sizeof(*r));
	r->type = t;
	rc = crm_yaml_parse(buf, len, &r->map, err);
	if (rc)
		goto fail;
	id = crm_map_str(r->map, "id");
	if (expect_id == NULL && (id == NULL || !crm_id_valid(id))) {
		rc = crm_seterr(err, CRM_ERR, _("field 'id' is missing or invalid"));
		goto fail;
	}
	snprintf(r->id, sizeof(r->id), "%s", expect_id ? expect_id : id);
	rc = crm_record_validate_read(r, cfg, err);
	if (rc)
		goto fail;
	*out = r;
	return CRM_OK;
fail:
	crm_record_free(r);
	return rc;
}

/* The kind of date a date field holds. */
static enum crm_date_kind date_kind(enum crm_field_kind kind)
{
	return kind == CRM_FIELD_DAY ? CRM_DATE_DAY
	       : kind == CRM_FIELD_STAMP ? CRM_DATE_STAMP : CRM_DATE_WHEN;
}

bool crm_taxid_is_stored(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return s[n] == '\0' && n >= CRM_TAXID_MIN && n <= CRM_TAXID_MAX;
}

int crm_taxid_parse(const char *s, char *buf, size_t size,
		    struct crm_err *err)
{
	size_t n = 0;
	const char *p;

	for (p = s; *p; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9' || n > CRM_TAXID_MAX || n + 1 >= size)
			break;
		buf[n++] = *p;
	}
	buf[n] = '\0';
	if (*p == '\0' && n >= CRM_TAXID_MIN)
		return CRM_OK;
	buf[0] = '\0';
	return crm_seterr(err, CRM_EUSAGE, _("'%s' is not a tax id (8 to 15 "
			  "digits, spaces allowed)"), s);
}

/*
 * Reads a value of a date, amount or currency field (kind) as a person
 * typed it into its stored form in buf (CRM_AMOUNT_SIZE bytes): dates
 * relative to now, amounts with cfg's decimal separator.  CRM_EUSAGE
 * with the reader's message.
 */
static int read_value(enum crm_field_kind kind, const char *value,
		      const struct crm_config *cfg, time_t now, char *buf,
		      size_t size, struct crm_err *err)
{
	struct crm_date d;

	if (kind == CRM_FIELD_AMOUNT)
		return crm_amount_parse(value, crm_config_decimal(cfg), buf,
					size, err);
	if (kind == CRM_FIELD_CURRENCY)
		return crm_currency_parse(value, buf, err);
	if (kind == CRM_FIELD_TAXID)
		return crm_taxid_parse(value, buf, size, err);
	if (kind == CRM_FIELD_PERCENT) {
		/* "30" or "30%": the number is checked by the validator */
		snprintf(buf, size, "%.*s", (int)strcspn(value, "%"), value);
		return CRM_OK;
	}
	if (crm_date_parse_as(value, now, date_kind(kind), &d, err) != CRM_OK)
		return CRM_EUSAGE;
	crm_date_format(&d, buf, size);
	return CRM_OK;
}

/* Checks that a deal's amount has no more decimals than its currency
 * allows.  CRM_EUSAGE. */
static int check_money(const struct crm_record *r, struct crm_err *err)
{
	const char *amount = crm_map_str(r->map, "amount");
	const char *currency = crm_map_str(r->map, "currency");

	if (amount == NULL || currency == NULL)
		return CRM_OK;
	return crm_amount_check_currency(amount, currency, err);
}

/* Sets err to "line N: field 'key': " and the message already in err
 * (for a value read from a file), or "key: ..." for one built in memory.
 * Returns CRM_ERR. */
static int input_error(struct crm_err *err, const struct crm_node *n,
		       const char *key)
{
	char msg[sizeof(err->msg)];

	if (err == NULL)
		return CRM_ERR;
	snprintf(msg, sizeof(msg), "%s", err->msg);
	if (n->line > 0)
		return field_error(err, n, key, msg);
	return crm_seterr(err, CRM_ERR, "%s: %s", key, msg);
}

/* Replaces the value at index i of r's map with text, typed (an amount)
 * or not, on the same line. */
static void replace_value(struct crm_record *r, size_t i, const char *text,
			  bool typed)
{
	struct crm_node *n = typed ? crm_node_new_typed(text)
				   : crm_node_new_scalar(text);

	n->line = r->map->items[i]->line;
	crm_node_free(r->map->items[i]);
	r->map->items[i] = n;
}

/* True when the scalar n already is the stored form of a field of kind. */
static bool is_stored(const struct crm_node *n, enum crm_field_kind kind)
{
	struct crm_date d;

	switch (kind) {
	case CRM_FIELD_DAY:
	case CRM_FIELD_WHEN:
	case CRM_FIELD_STAMP:
		return crm_date_parse_stored(n->str, &d) == CRM_OK &&
		       (kind == CRM_FIELD_WHEN || (kind == CRM_FIELD_DAY) != d.has_time);
	case CRM_FIELD_AMOUNT:
		return crm_amount_is_stored(n->str);
	case CRM_FIELD_CURRENCY:
		return crm_currency_find(n->str) != NULL;
	case CRM_FIELD_PERCENT:
		return n->typed;
	case CRM_FIELD_TAXID:
		return crm_taxid_is_stored(n->str);
	default:
		return true;
	}
}

/* Reads the value at index i (known field f) as a person wrote it and
 * puts its stored form in its place. */
static int normalize_value(struct crm_record *r, size_t i,
			   const struct crm_field *f, const struct crm_config *cfg,
			   time_t now, struct crm_err *err)
{
	const struct crm_node *n = r->map->items[i];
	char buf[CRM_AMOUNT_SIZE];
	int rc;

	if (n->kind != CRM_NODE_SCALAR || is_stored(n, f->kind))
		return CRM_OK;
	rc = read_value(f->kind, n->str, cfg, now, buf, sizeof(buf), err);
	if (rc)
		return input_error(err, n, f->name);
	replace_value(r, i, buf, f->kind == CRM_FIELD_AMOUNT ||
				    f->kind == CRM_FIELD_PERCENT);
	return CRM_OK;
}

int crm_record_normalize(struct crm_record *r, const struct crm_config *cfg,
			 time_t now, struct crm_err *err)
{
	const struct crm_field *f;
	long i;
	size_t k;
	int rc;

	if (r->map == NULL || r->map->kind != CRM_NODE_MAP)
		return CRM_OK;  /* validation says what is wrong */
	for (k = 0; k < r->map->len; k++) {
		f = find_field(r->type, r->map->keys[k]);
		if (f && (rc = normalize_value(r, k, f, cfg, now, err)))
			return rc;
	}
	if (check_money(r, err) == CRM_OK)
		return CRM_OK;
	i = crm_map_index(r->map, "amount");
	return input_error(err, r->map->items[i], "amount");
}

int crm_record_parse_input(enum crm_type t, const char *expect_id,
			   const char *buf, size_t len,
			   const struct crm_config *cfg, time_t now,
			   struct crm_record **out, struct crm_err *err)
{
	struct crm_record *r;
	int rc;

	*out = NULL;
	r = crm_xcalloc(1, sizeof(*r));
	r->type = t;
	if ((rc = crm_yaml_parse(buf, len, &r->map, err)))
		goto fail;
	snprintf(r->id, sizeof(r->id), "%s",
		 expect_id ? expect_id : crm_map_str(r->map, "id") ?
		 crm_map_str(r->map, "id") : "");
	if ((rc = crm_record_normalize(r, cfg, now, err)) ||
	    (rc = crm_record_validate_read(r, cfg, err)))
		goto fail;
	*out = r;
	return CRM_OK;
fail:
	crm_record_free(r);
	return rc;
}

/* Moves key (if present in src) to the end of dst. */
static void move_key(struct crm_node *src, struct crm_node *dst, const char *key)
{
	long i = crm_map_index(src, key);

	if (i < 0)
		return;
	crm_map_set(dst, key, src->items[i]);
	src->items[i] = NULL;
}

/* The phones and their forms as typed are text: no "+74951234567" may
 * read back as a number. */
static void untype_phones(struct crm_node *n)
{
	size_t i;

	for (i = 0; n->kind != CRM_NODE_SCALAR && i < n->len; i++)
		if (n->items[i]->kind == CRM_NODE_SCALAR)
			n->items[i]->typed = false;
}

/* Known string fields are strings, whatever they looked like. */
static void untype_strings(struct crm_record *r)
{
	const struct crm_field *f;
	struct crm_node *n;
	size_t i;

	for (i = 0; i < r->map->len; i++) {
		n = r->map->items[i];
		f = find_field(r->type, r->map->keys[i]);
		if (f && n && (f->kind == CRM_FIELD_PHONES ||
			       f->kind == CRM_FIELD_PHONE_FORMS))
			untype_phones(n);
		if (f == NULL || n == NULL || n->kind != CRM_NODE_SCALAR)
			continue;
		n->typed = f->kind == CRM_FIELD_AMOUNT ||
			   f->kind == CRM_FIELD_PERCENT;
	}
}

/* Puts phones_typed's keys in the order of phones (those not in it
 * last, as they were: a record read, not yet changed). */
static void order_phone_forms(struct crm_record *r)
{
	const struct crm_node *phones = crm_map_get(r->map, "phones");
	struct crm_node *forms = crm_map_get(r->map, "phones_typed"), *dst;
	size_t i;

	if (phones == NULL || phones->kind != CRM_NODE_SEQ || forms == NULL ||
	    forms->kind != CRM_NODE_MAP)
		return;
	dst = crm_node_new_map();
	for (i = 0; i < phones->len; i++)
		if (phones->items[i]->kind == CRM_NODE_SCALAR &&
		    crm_map_get(forms, phones->items[i]->str) != NULL)
			move_key(forms, dst, phones->items[i]->str);
	for (i = 0; i < forms->len; i++)
		if (forms->items[i] != NULL)
			move_key(forms, dst, forms->keys[i]);
	crm_map_set(r->map, "phones_typed", dst);
}

void crm_record_canonicalize(struct crm_record *r)
{
	struct crm_node *src = r->map, *dst = crm_node_new_map();
	const struct crm_field *f;
	size_t i, k;

	untype_strings(r);
	order_phone_forms(r);
	for (k = 0; (f = crm_field_at(k)) != NULL; k++) {
		if (!(f->types & CRM_TYPE_BIT(r->type)))
			continue;
		if (f->kind != CRM_FIELD_CUSTOM) {
			move_key(src, dst, f->name);
			continue;
		}
		for (i = 0; i < src->len; i++)
			if (src->items[i] && find_field(r->type, src->keys[i]) == NULL)
				move_key(src, dst, src->keys[i]);
	}
	crm_node_free(src);
	r->map = dst;
}

int crm_record_serialize(const struct crm_record *r, char **out,
			 size_t *outlen, struct crm_err *err)
{
	struct crm_record *copy = crm_record_dup(r);
	int rc;

	crm_record_canonicalize(copy);
	rc = crm_yaml_emit(copy->map, out, outlen, err);
	crm_record_free(copy);
	if (rc == CRM_OK && *outlen > CRM_YAML_MAX_SIZE) {
		/* the reader would refuse it: it could never be shown,
		 * changed or removed */
		rc = crm_seterr(err, CRM_ERR, _("the record would take %zu "
				"bytes, more than the %d a record may hold "
				"(1 MiB)"), *outlen, CRM_YAML_MAX_SIZE);
		free(*out);
		*out = NULL;
		*outlen = 0;
	}
	return rc;
}

/* The list node for key, created if missing. */
static struct crm_node *list_for(struct crm_record *r, const char *key)
{
	struct crm_node *n = crm_map_get(r->map, key);

	if (n == NULL || n->kind != CRM_NODE_SEQ) {
		n = crm_node_new_seq();
		crm_map_set(r->map, key, n);
	}
	return n;
}

/* True when list field key compares its items with case folded: tags
 * (VIP and vip are one tag) and e-mail addresses. */
static bool folds_case(const char *key)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_ALL, key, false);

	return f != NULL && (f->kind == CRM_FIELD_TAGS ||
			     f->kind == CRM_FIELD_EMAILS);
}

/* Index of the scalar s in seq, or -1; with fold, case is ignored. */
static long seq_find(const struct crm_node *seq, const char *s, bool fold)
{
	char *want = fold ? crm_fold(s) : NULL, *have;
	long found = -1;
	size_t i;

	for (i = 0; i < seq->len && found < 0; i++) {
		if (seq->items[i]->kind != CRM_NODE_SCALAR)
			continue;
		if (!fold) {
			if (strcmp(seq->items[i]->str, s) == 0)
				found = (long)i;
			continue;
		}
		have = crm_fold(seq->items[i]->str);
		if (strcmp(have, want) == 0)
			found = (long)i;
		free(have);
	}
	free(want);
	return found;
}

bool crm_record_has_tag(const struct crm_record *r, const char *tag)
{
	const struct crm_node *tags = crm_map_get(r->map, "tags");

	return tags && tags->kind == CRM_NODE_SEQ && seq_find(tags, tag, true) >= 0;
}

/* The form phone is stored in, read with cfg: its E.164 form when it is
 * valid, else itself, into buf[CRM_PHONE_MAX] (cut when longer). */
static const char *phone_stored(const char *phone,
				const struct crm_config *cfg, char *buf)
{
	enum crm_phone_norm how;

	if (crm_phone_normalize(phone, cfg, buf, &how, NULL) == CRM_OK &&
	    how != CRM_PHONE_AS_TYPED)
		return buf;
	return phone;
}

/* Index of the phone of seq that phone is a form of (the same text,
 * the form phones_typed keeps of it, or the same number once both are
 * normalised with cfg), or -1. */
static long phone_find(const struct crm_record *r, const struct crm_node *seq,
		       const char *phone, const struct crm_config *cfg)
{
	const struct crm_node *forms = crm_map_get(r->map, "phones_typed");
	char want[CRM_PHONE_MAX], have[CRM_PHONE_MAX];
	const char *w = NULL, *it;
	size_t i;

	for (i = 0; i < seq->len; i++) {
		if (seq->items[i]->kind != CRM_NODE_SCALAR)
			continue;
		it = seq->items[i]->str;
		if (strcmp(it, phone) == 0 ||
		    strcmp(crm_phone_shown(it, forms), phone) == 0)
			return (long)i;
	}
	for (i = 0; i < seq->len; i++) {
		if (seq->items[i]->kind != CRM_NODE_SCALAR)
			continue;
		if (w == NULL)
			w = phone_stored(phone, cfg, want);
		if (strcmp(phone_stored(seq->items[i]->str, cfg, have), w) == 0)
			return (long)i;
	}
	return -1;
}

/* Applies op to the list field key. */
static int set_list(struct crm_record *r, const char *key, char op,
		    const char *value, const struct crm_config *cfg,
		    struct crm_err *err)
{
	struct crm_node *seq;
	long i;

	seq = list_for(r, key);
	if (op == '=') {
		while (seq->len)
			crm_node_free(seq->items[--seq->len]);
		op = '+';
	}
	i = op == '-' && strcmp(key, "phones") == 0
	    ? phone_find(r, seq, value, cfg)
	    : seq_find(seq, value, folds_case(key));
	if (op == '+' && i < 0 && value[0])
		crm_seq_push(seq, crm_node_new_scalar(value));
	if (op == '-') {
		if (i == -1)
			return crm_seterr(err, CRM_EUSAGE,
					  _("'%s' is not in '%s'"), value, key);
		crm_node_free(seq->items[i]);
		memmove(&seq->items[i], &seq->items[i + 1],
			(seq->len - (size_t)i - 1) * sizeof(*seq->items));
		seq->len--;
	}
	if (seq->len == 0)
		crm_map_del(r->map, key);
	return CRM_OK;
}

/* Maps the singular names users type to the list fields. */
static const char *canonical_key(const char *key)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_ALL, key, true);

	return f && f->term && strcmp(f->term, key) == 0 ? f->name : key;
}

/* True when key names a field of r: known to its type, or one of its own
 * keys, or one of used[0..nused). */
static bool field_exists(const struct crm_record *r, const char *key,
			 const char *const *used, size_t nused)
{
	size_t i;

	if (find_field(r->type, key) || crm_map_get(r->map, key))
		return true;
	for (i = 0; i < nused; i++)
		if (strcmp(used[i], key) == 0)
			return true;
	return false;
}

const char *crm_field_typo(const struct crm_record *r, const char *key,
			   const char *const *used, size_t nused)
{
	static const char *const singular[] = {"phone", "email", "tag"};
	const char *const *known = crm_record_fields(r->type);
	const char **cands;
	const char *hint;
	size_t n = 0, i;

	key = canonical_key(key);
	if (field_exists(r, key, used, nused))
		return NULL;
	cands = crm_xcalloc(r->map->len + nused + 32, sizeof(char *));
	for (i = 0; known[i] && n < 29; i++)
		cands[n++] = known[i];
	for (i = 0; i < 3; i++)
		cands[n++] = singular[i];
	for (i = 0; i < r->map->len; i++)
		cands[n++] = r->map->keys[i];
	for (i = 0; i < nused; i++)
		cands[n++] = used[i];
	hint = crm_suggest(key, cands, n);
	/* stricter than a did-you-mean: "note" is not a typo of "name" */
	if (hint && crm_edit_distance(key, hint) > (strlen(key) >= 8 ? 2 : 1))
		hint = NULL;
	free(cands);
	return hint;
}

/* The reason of the latest entry of hist for stage that has one, or
 * NULL; borrowed from hist. */
static const char *earlier_reason(const struct crm_node *hist,
				  const char *stage)
{
	const struct crm_node *e;
	const char *s, *why;
	size_t i;

	for (i = hist->len; i-- > 0;) {
		e = hist->items[i];
		if (e->kind != CRM_NODE_MAP || (s = crm_map_str(e, "stage")) == NULL ||
		    strcmp(s, stage) != 0)
			continue;
		if ((why = crm_map_str(e, "reason")) != NULL && why[0])
			return why;
	}
	return NULL;
}

void crm_record_add_stage_entry(struct crm_record *r, const char *stage,
				const char *at, const char *by,
				const char *reason)
{
	struct crm_node *hist = list_for(r, "stage_history");
	struct crm_node *entry = crm_node_new_map();
	char id[CRM_ID_LEN + 1];

	/* an id of its own, so that two clones' histories merge by id; the
	 * system without randomness gets an entry without one */
	if (crm_id_generate(id, NULL) == CRM_OK)
		crm_map_set_str(entry, "id", id);
	crm_map_set_str(entry, "stage", stage);
	crm_map_set_str(entry, "at", at);
	if (by)
		crm_map_set_str(entry, "by", by);
	if (reason && reason[0])
		crm_map_set_str(entry, "reason", reason);
	crm_seq_push(hist, entry);
}

void crm_record_note_stage(struct crm_record *r, const char *stage,
			   const char *by, time_t now)
{
	const struct crm_node *hist = crm_map_get(r->map, "stage_history");
	char stamp[40], *why = NULL;
	const char *was;

	crm_date_now(now, stamp, sizeof(stamp));
	if (hist && hist->kind == CRM_NODE_SEQ &&
	    (was = earlier_reason(hist, stage)) != NULL)
		why = crm_xstrdup(was);
	crm_record_add_stage_entry(r, stage, stamp, by, why);
	free(why);
}

/* Puts saved (owned, may be NULL) back as key's value. */
static void restore_field(struct crm_record *r, const char *key,
			  struct crm_node *saved)
{
	if (saved)
		crm_map_set(r->map, key, saved);
	else
		crm_map_del(r->map, key);
}

/* Validates key after a change; on failure restores saved and returns
 * CRM_EUSAGE with a message without a line number (the value has none). */
static int check_changed(struct crm_record *r, const struct crm_field *f,
			 const char *key, struct crm_node *saved,
			 const struct crm_config *cfg, struct crm_err *err)
{
	struct crm_node *n = crm_map_get(r->map, key);

	if (f == NULL || n == NULL || check_field(r, f, n, cfg, err) == CRM_OK) {
		crm_node_free(saved);
		return CRM_OK;
	}
	restore_field(r, key, saved);
	if (err == NULL)
		return CRM_EUSAGE;
	err->status = CRM_EUSAGE;
	return CRM_EUSAGE;
}

/* True when key of r is (or becomes, with op) a list. */
static bool is_list_field(const struct crm_record *r, const struct crm_field *f,
			  const char *key, char op)
{
	const struct crm_node *n;

	if (f)
		return crm_field_is_list(f->kind);
	n = crm_map_get(r->map, key);
	return op != '=' || (n && n->kind == CRM_NODE_SEQ);
}

bool crm_field_name_valid(const char *key)
{
	if (key[0] == '\0' || !crm_utf8_valid(key, strlen(key)) ||
	    strpbrk(key, ": \t\n#\"'") != NULL)
		return false;
	return !has_control(key);
}

/* Checks the key and value a user gave (a tag with a control character
 * is refused here, not when read, so that one already stored can still
 * be shown and removed). */
static int check_user_input(const struct crm_record *r, const struct crm_field *f,
			    const char *key, char op, const char *value,
			    struct crm_err *err)
{
	if (!crm_field_name_valid(key))
		return crm_seterr(err, CRM_EUSAGE, _("invalid field name '%s'"), key);
	if (!crm_utf8_valid(value, strlen(value)))
		return crm_seterr(err, CRM_EUSAGE,
				  _("field '%s': invalid UTF-8 in the value"), key);
	if (f && (f->kind == CRM_FIELD_ID || f->kind == CRM_FIELD_STAMP || f->kind == CRM_FIELD_HISTORY ||
		  f->kind == CRM_FIELD_TIMELINE || f->kind == CRM_FIELD_IDS ||
		  f->kind == CRM_FIELD_RESCHEDULES ||
		  f->kind == CRM_FIELD_PHONE_FORMS))
		return crm_seterr(err, CRM_EUSAGE,
				  _("field '%s' is maintained by crm"), key);
	if (f && f->kind == CRM_FIELD_TAGS && op != '-' && has_control(value))
		return crm_seterr(err, CRM_EUSAGE, _("field '%s': invalid tag "
				  "'%s' (no control characters)"), key, value);
	if (op != '=' && !is_list_field(r, f, key, op))
		return crm_seterr(err, CRM_EUSAGE,
				  _("field '%s' is not a list"), key);
	if (op == '=' && value[0] == '\0' && f &&
	    (f->kind == CRM_FIELD_NAME || (r->type == CRM_TASK && strcmp(key, "for") == 0)))
		return crm_seterr(err, CRM_EUSAGE,
				  _("field '%s' cannot be removed"), key);
	return CRM_OK;
}

int crm_record_set_field(struct crm_record *r, const char *key, char op,
			 const char *value, const struct crm_config *cfg,
			 const char *by, time_t now, struct crm_err *err)
{
	const struct crm_field *f;
	struct crm_field custom;
	struct crm_node *old, *saved;
	char stamp[CRM_AMOUNT_SIZE];
	char *old_stage = NULL;
	int rc = CRM_OK;

	key = canonical_key(key);
	f = field_of(r, key, cfg, &custom);
	if ((rc = check_user_input(r, f, key, op, value, err)))
		return rc;
	old = crm_map_get(r->map, key);
	saved = old ? crm_node_dup(old) : NULL;
	if (is_list_field(r, f, key, op)) {
		rc = set_list(r, key, op, value, cfg, err);
		if (rc) {
			restore_field(r, key, saved);
			return rc;
		}
		return check_changed(r, f, key, saved, cfg, err);
	}
	if (value[0] == '\0') {
		crm_node_free(saved);
		crm_map_del(r->map, key);
		return CRM_OK;
	}
	if (f && (f->kind == CRM_FIELD_DAY || f->kind == CRM_FIELD_WHEN ||
		  f->kind == CRM_FIELD_AMOUNT || f->kind == CRM_FIELD_CURRENCY ||
		  f->kind == CRM_FIELD_PERCENT || f->kind == CRM_FIELD_TAXID)) {
		if (read_value(f->kind, value, cfg, now, stamp, sizeof(stamp),
			       err) != CRM_OK) {
			crm_node_free(saved);
			return crm_err_prefix(err, "%s", key);
		}
		value = stamp;
	}
	if (f && f->kind == CRM_FIELD_STAGE && saved && saved->kind == CRM_NODE_SCALAR)
		old_stage = crm_xstrdup(saved->str);
	crm_map_set(r->map, key, f && (f->kind == CRM_FIELD_AMOUNT ||
				       f->kind == CRM_FIELD_PERCENT ||
				       (f->kind == CRM_FIELD_NUMBER && is_number(value)))
				 ? crm_node_new_typed(value)
				 : crm_node_new_scalar(value));
	if (f && (f->kind == CRM_FIELD_AMOUNT || f->kind == CRM_FIELD_CURRENCY) &&
	    check_money(r, err) != CRM_OK) {
		restore_field(r, key, saved);
		free(old_stage);
		return crm_err_prefix(err, "%s", "amount");
	}
	rc = check_changed(r, f, key, saved, cfg, err);
	if (rc == CRM_OK && f && f->kind == CRM_FIELD_STAGE &&
	    (old_stage == NULL || strcmp(old_stage, value) != 0))
		crm_record_note_stage(r, value, by, now);
	free(old_stage);
	return rc;
}

/* The forms being built of a record's phones. */
struct phone_forms {
	struct crm_node *phones;      /* the new phones: */
	struct crm_node *typed;       /* and phones_typed: */
	const struct crm_node *was;   /* the record's phones_typed, or NULL */
};

/* A copy of s without the blanks and tabs around it.  Caller owns it. */
static char *trimmed(const char *s)
{
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return crm_xstrndup(s, n);
}

/* Adds the phone item (one of the record's phones), normalised with
 * cfg, to pf, unless it is a form of one there already (the first form
 * typed of a number is kept).  Its form as typed is item when it was
 * normalised, else what the record's phones_typed had for it. */
static void add_phone(struct phone_forms *pf, const char *item,
		      const struct crm_config *cfg)
{
	enum crm_phone_norm how = CRM_PHONE_AS_TYPED;
	char e164[CRM_PHONE_MAX], *typed;
	const char *key = item, *was;

	if (!has_control(item) &&
	    crm_phone_normalize(item, cfg, e164, &how, NULL) == CRM_OK &&
	    how != CRM_PHONE_AS_TYPED)
		key = e164;
	if (seq_find(pf->phones, key, false) >= 0)
		return;
	crm_seq_push(pf->phones, crm_node_new_scalar(key));
	was = pf->was ? crm_map_str(pf->was, key) : NULL;
	if (how == CRM_PHONE_NORMALISED)
		typed = trimmed(item);
	else if (was != NULL && !has_control(was))
		typed = crm_xstrdup(was);
	else
		return;
	if (typed[0] != '\0' && strcmp(typed, key) != 0)
		crm_map_set_str(pf->typed, key, typed);
	free(typed);
}

int crm_record_normalize_phones(struct crm_record *r,
				const struct crm_config *cfg)
{
	const struct crm_node *phones = crm_map_get(r->map, "phones");
	struct phone_forms pf;
	size_t i;

	if (!crm_field_find(CRM_TYPE_BIT(r->type), "phones", false))
		return CRM_OK;
	if (phones == NULL) {
		crm_map_del(r->map, "phones_typed");
		return CRM_OK;
	}
	if (phones->kind != CRM_NODE_SEQ)
		return CRM_OK;  /* validation says what is wrong */
	for (i = 0; i < phones->len; i++)
		if (phones->items[i]->kind != CRM_NODE_SCALAR)
			return CRM_OK;
	pf.phones = crm_node_new_seq();
	pf.typed = crm_node_new_map();
	pf.was = crm_map_get(r->map, "phones_typed");
	if (pf.was && pf.was->kind != CRM_NODE_MAP)
		pf.was = NULL;
	for (i = 0; i < phones->len; i++)
		add_phone(&pf, phones->items[i]->str, cfg);
	pf.phones->line = phones->line;
	crm_map_set(r->map, "phones", pf.phones);
	if (pf.typed->len == 0) {
		crm_node_free(pf.typed);
		crm_map_del(r->map, "phones_typed");
	} else {
		crm_map_set(r->map, "phones_typed", pf.typed);
	}
	return CRM_OK;
}

int crm_record_check_key(struct crm_record *r, const char *key,
			 const struct crm_config *cfg, time_t now,
			 struct crm_err *err)
{
	const struct crm_field *f;
	struct crm_field custom;
	long i = crm_map_index(r->map, key);
	int rc;

	if (i < 0)
		return CRM_OK;
	f = find_field(r->type, key);
	if (f && (rc = normalize_value(r, (size_t)i, f, cfg, now, err)))
		return rc;
	f = field_of(r, key, cfg, &custom);
	if (f && (rc = check_field(r, f, r->map->items[i], cfg, err)))
		return rc;
	if (f && (f->kind == CRM_FIELD_AMOUNT || f->kind == CRM_FIELD_CURRENCY) &&
	    check_money(r, err) != CRM_OK) {
		i = crm_map_index(r->map, "amount");
		return input_error(err, r->map->items[i], "amount");
	}
	return CRM_OK;
}
