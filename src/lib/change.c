/*
 * change.c - the one pass every change of a record goes through, whatever
 * made it (crm add, set, tag, edit, a hand edit committed with crm commit,
 * and whatever comes later): the derived fields (stage_history, updated,
 * the phones' E.164 forms and phones_typed) are kept true and what changed is checked against crm.yaml and the
 * store.  The transaction (commit.c) runs it on every record it writes,
 * so that no command can forget it; crm edit and crm status run it too,
 * to say what is wrong before anything is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

/* The value of key in r, or NULL (also when r is NULL). */
static const struct crm_node *value_of(const struct crm_record *r,
				       const char *key)
{
	return r ? crm_map_get(r->map, key) : NULL;
}

/* True when key's value differs between before (NULL: a new record) and
 * after. */
static bool key_changed(const struct crm_record *before,
			const struct crm_record *after, const char *key)
{
	const struct crm_node *a = value_of(before, key);
	const struct crm_node *b = value_of(after, key);

	if (before == NULL)
		return true;
	if (a == NULL || b == NULL)
		return a != b;
	return !crm_node_equal(a, b);
}

/* The types a reference field key of r may name: the registry's, any
 * type for a declared custom reference, 0 when key is no reference. */
static unsigned ref_types(const struct crm_record *r, const char *key,
			  const struct crm_config *cfg)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_BIT(r->type), key,
						   false);
	const struct crm_custom_field *cf;

	if (f)
		return f->kind == CRM_FIELD_REF || f->kind == CRM_FIELD_REFS
		       ? f->refers & CRM_TYPE_ALL : 0;
	cf = crm_config_field(cfg, r->type, key);
	return cf && cf->kind == CRM_CF_REF ? CRM_TYPE_ALL : 0;
}

bool crm_record_refers_to(const struct crm_record *r, const char *id,
			  const struct crm_config *cfg)
{
	const struct crm_node *n;
	size_t i;

	size_t j;

	for (i = 0; i < r->map->len; i++) {
		n = r->map->items[i];
		if (!ref_types(r, r->map->keys[i], cfg))
			continue;
		if (n->kind == CRM_NODE_SCALAR && strcmp(n->str, id) == 0)
			return true;
		for (j = 0; n->kind == CRM_NODE_SEQ && j < n->len; j++)
			if (n->items[j]->kind == CRM_NODE_SCALAR &&
			    strcmp(n->items[j]->str, id) == 0)
				return true;
	}
	return false;
}

/* Sets err to "line N: field 'key': MSG" (or without the line) for n. */
static int ref_error(struct crm_err *err, const struct crm_node *n,
		     const char *key, const char *msg)
{
	if (n->line > 0)
		return crm_seterr(err, CRM_ERR, _("line %d: field '%s': %s"),
				  n->line, key, msg);
	return crm_seterr(err, CRM_ERR, _("field '%s': %s"), key, msg);
}

/* Checks that the reference n (key of r) names a record of a type it
 * may. */
static int check_one_ref(const struct crm_record *r, const char *key,
			 const struct crm_node *n, unsigned types,
			 const struct crm_change_env *env, struct crm_err *err)
{
	enum crm_type t;
	char msg[256];

	if (n->kind != CRM_NODE_SCALAR || env->lookup == NULL)
		return CRM_OK;
	if (strcmp(n->str, r->id) == 0) {
		snprintf(msg, sizeof(msg), _("a record cannot refer to itself"));
		return ref_error(err, n, key, msg);
	}
	if (env->lookup(n->str, &t, env->data) != CRM_OK) {
		snprintf(msg, sizeof(msg), _("no record '%s'"), n->str);
		return ref_error(err, n, key, msg);
	}
	if (types & CRM_TYPE_BIT(t))
		return CRM_OK;
	snprintf(msg, sizeof(msg), _("'%s' is a %s, which '%s' cannot name"),
		 n->str, crm_type_name(t), key);
	return ref_error(err, n, key, msg);
}

/* Checks the reference (or each of the list of references) key of r. */
static int check_ref(const struct crm_record *r, const char *key,
		     unsigned types, const struct crm_change_env *env,
		     struct crm_err *err)
{
	const struct crm_node *n = crm_map_get(r->map, key);
	size_t i;
	int rc;

	if (n == NULL)
		return CRM_OK;
	if (n->kind != CRM_NODE_SEQ)
		return check_one_ref(r, key, n, types, env, err);
	for (i = 0; i < n->len; i++)
		if ((rc = check_one_ref(r, key, n->items[i], types, env, err)))
			return rc;
	return CRM_OK;
}

/* Normalises and checks every field that changed, and looks up the
 * references among them. */
static int check_changed(const struct crm_record *before,
			 struct crm_record *after,
			 const struct crm_change_env *env, struct crm_err *err)
{
	bool pipeline_moved = key_changed(before, after, "pipeline");
	unsigned types;
	const char *key;
	size_t i;
	int rc;

	for (i = 0; i < after->map->len; i++) {
		key = after->map->keys[i];
		if (!key_changed(before, after, key) &&
		    !(pipeline_moved && strcmp(key, "stage") == 0 &&
		      after->type == CRM_DEAL))
			continue;
		if ((rc = crm_record_check_key(after, key, env->cfg, env->now,
					       err)))
			return rc;
		types = ref_types(after, key, env->cfg);
		if (types && (rc = check_ref(after, key, types, env, err)))
			return rc;
	}
	return CRM_OK;
}

/* Keeps a deal's stage_history true: a changed stage gets its entry,
 * unless the change wrote one itself. */
static int note_stage(const struct crm_record *before,
		      struct crm_record *after,
		      const struct crm_change_env *env, struct crm_err *err)
{
	const char *s0 = before ? crm_map_str(before->map, "stage") : NULL;
	const char *s1 = crm_map_str(after->map, "stage");
	const struct crm_node *h1 = crm_map_get(after->map, "stage_history");
	const struct crm_node *last;
	const char *was;

	if (after->type != CRM_DEAL || s1 == NULL ||
	    (s0 && strcmp(s0, s1) == 0))
		return CRM_OK;
	if (!key_changed(before, after, "stage_history") ||
	    h1 == NULL || h1->kind != CRM_NODE_SEQ || h1->len == 0) {
		crm_record_note_stage(after, s1, env->by, env->now);
		return CRM_OK;
	}
	last = h1->items[h1->len - 1];
	was = last->kind == CRM_NODE_MAP ? crm_map_str(last, "stage") : NULL;
	if (was && strcmp(was, s1) == 0)
		return CRM_OK;
	return crm_seterr(err, CRM_ERR, _("field 'stage_history': its last "
			  "entry is stage '%s', but the deal's stage is '%s'"),
			  was ? was : "", s1);
}

/* The number of keys of map other than skip. */
static size_t keys_but(const struct crm_node *map, const char *skip)
{
	return map->len - (crm_map_get(map, skip) ? 1 : 0);
}

/* True when before and after differ in anything but updated (key order
 * aside: files are written in canonical order). */
static bool content_changed(const struct crm_record *before,
			    const struct crm_record *after)
{
	size_t i;

	if (before == NULL ||
	    keys_but(before->map, "updated") != keys_but(after->map, "updated"))
		return true;
	for (i = 0; i < after->map->len; i++)
		if (strcmp(after->map->keys[i], "updated") != 0 &&
		    key_changed(before, after, after->map->keys[i]))
			return true;
	return false;
}

/* Sets updated (and created, on a new record without it) to now. */
static void touch(const struct crm_record *before, struct crm_record *after,
		  time_t now)
{
	char stamp[40];

	crm_date_now(now, stamp, sizeof(stamp));
	if (before == NULL && crm_map_get(after->map, "created") == NULL)
		crm_map_set_str(after->map, "created", stamp);
	crm_map_set_str(after->map, "updated", stamp);
}

int crm_record_apply_change(const struct crm_record *before,
			    struct crm_record *after,
			    const struct crm_change_env *env,
			    struct crm_err *err)
{
	int rc;

	if ((rc = crm_record_validate_read(after, env->cfg, err)))
		return rc;
	if (before && crm_node_equal(before->map, after->map))
		return CRM_OK;
	if (key_changed(before, after, "phones") ||
	    key_changed(before, after, "phones_typed"))
		crm_record_normalize_phones(after, env->cfg);
	if ((rc = check_changed(before, after, env, err)) ||
	    (rc = note_stage(before, after, env, err)) ||
	    (rc = crm_deal_check_change(before, after, env, err)))
		return rc;
	if (content_changed(before, after) &&
	    !(key_changed(before, after, "updated") &&
	      crm_map_get(after->map, "updated")))
		touch(before, after, env->now);
	return CRM_OK;
}
