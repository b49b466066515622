/*
 * config.c - crm.yaml: users, pipelines and their stages, defaults.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

/* Copies the scalar at key of map, or NULL. Caller owns the result. */
static char *dup_str(const struct crm_node *map, const char *key)
{
	const char *s = crm_map_str(map, key);

	return s ? crm_xstrdup(s) : NULL;
}

/*
 * Reads defaults.decimal_separator (may be absent) into cfg: "," or ".".
 * Anything else is an error naming the key.
 */
static int parse_decimal(const struct crm_node *defaults,
			 struct crm_config *cfg, struct crm_err *err)
{
	const struct crm_node *n = crm_map_get(defaults, "decimal_separator");

	if (n == NULL)
		return CRM_OK;
	if (n->kind == CRM_NODE_SCALAR &&
	    (strcmp(n->str, ",") == 0 || strcmp(n->str, ".") == 0)) {
		cfg->decimal_separator = n->str[0];
		return CRM_OK;
	}
	return crm_seterr(err, CRM_ERR,
			  _("line %d: defaults: decimal_separator must be "
			    "',' or '.'"), n->line);
}

/* Reads the users: list. */
static int parse_users(const struct crm_node *seq, struct crm_config *cfg,
		       struct crm_err *err)
{
	size_t i;

	if (seq->kind != CRM_NODE_SEQ)
		return crm_seterr(err, CRM_ERR, _("line %d: 'users' must be a list"),
				  seq->line);
	cfg->users = crm_xcalloc(seq->len, sizeof(*cfg->users));
	for (i = 0; i < seq->len; i++) {
		const struct crm_node *u = seq->items[i];
		struct crm_user *dst = &cfg->users[cfg->nusers];

		if (u->kind != CRM_NODE_MAP || !crm_map_str(u, "login") ||
		    crm_map_str(u, "login")[0] == '\0')
			return crm_seterr(err, CRM_ERR,
					  _("line %d: a user needs a 'login'"),
					  u->line);
		dst->login = dup_str(u, "login");
		dst->name = dup_str(u, "name");
		dst->email = dup_str(u, "email");
		cfg->nusers++;
		if (crm_config_user(cfg, dst->login) != dst)
			return crm_seterr(err, CRM_ERR,
					  _("line %d: duplicate user '%s'"),
					  u->line, dst->login);
	}
	return CRM_OK;
}

/*
 * Reads defaults.region into cfg (upper-cased; "RU" when absent).  An
 * unknown region is refused: phone numbers would be read wrong.
 */
static int parse_region(const struct crm_node *defaults,
			struct crm_config *cfg, struct crm_err *err)
{
	const struct crm_node *n = defaults ? crm_map_get(defaults, "region")
					    : NULL;
	const char *hint;
	char up[4] = "";
	size_t i;

	snprintf(cfg->default_region, sizeof(cfg->default_region), "RU");
	if (n == NULL)
		return CRM_OK;
	for (i = 0; n->kind == CRM_NODE_SCALAR && n->str[i] && i < 3; i++)
		up[i] = n->str[i] >= 'a' && n->str[i] <= 'z'
			? (char)(n->str[i] - 'a' + 'A') : n->str[i];
	if (n->kind == CRM_NODE_SCALAR && strlen(n->str) == 2 &&
	    crm_phone_region_known(up)) {
		memcpy(cfg->default_region, up, 3);
		return CRM_OK;
	}
	if (n->kind != CRM_NODE_SCALAR)
		return crm_seterr(err, CRM_ERR,
				  _("line %d: field 'defaults.region' must be "
				    "a country code such as RU"), n->line);
	hint = crm_phone_region_suggest(up);
	if (hint)
		return crm_seterr(err, CRM_ERR,
				  _("line %d: field 'defaults.region': unknown "
				    "region '%s' (did you mean '%s'?)"),
				  n->line, n->str, hint);
	return crm_seterr(err, CRM_ERR,
			  _("line %d: field 'defaults.region': unknown region "
			    "'%s'\nhint: use a two-letter ISO 3166 country "
			    "code, such as RU, AZ, KZ or GB"), n->line, n->str);
}

/*
 * Reads defaults.area_code (may be absent: "") into cfg: the digits of
 * an area code, which crm_phone_normalize puts in front of a local
 * number too short for the region's.
 */
static int parse_area_code(const struct crm_node *defaults,
			   struct crm_config *cfg, struct crm_err *err)
{
	const struct crm_node *n = crm_map_get(defaults, "area_code");
	size_t len;

	cfg->default_area_code[0] = '\0';
	if (n == NULL)
		return CRM_OK;
	len = n->kind == CRM_NODE_SCALAR ? strlen(n->str) : 0;
	if (len == 0 || len >= sizeof(cfg->default_area_code) ||
	    strspn(n->str, "0123456789") != len)
		return crm_seterr(err, CRM_ERR,
				  _("line %d: field 'defaults.area_code' must "
				    "be the digits of an area code such as "
				    "495 (at most %d)"), n->line,
				  (int)sizeof(cfg->default_area_code) - 1);
	memcpy(cfg->default_area_code, n->str, len + 1);
	return CRM_OK;
}

/* Reads the pipelines: list. */
static int parse_pipelines(const struct crm_node *seq, struct crm_config *cfg,
			   struct crm_err *err)
{
	size_t i;
	int rc;

	if (seq->kind != CRM_NODE_SEQ)
		return crm_seterr(err, CRM_ERR,
				  _("line %d: 'pipelines' must be a list"), seq->line);
	cfg->pipelines = crm_xcalloc(seq->len, sizeof(*cfg->pipelines));
	for (i = 0; i < seq->len; i++) {
		rc = crm_pipeline_parse(seq->items[i], &cfg->pipelines[i], err);
		cfg->npipelines++;
		if (rc)
			return rc;
	}
	return CRM_OK;
}

static const char *const custom_kinds[] = {
	"text", "number", "date", "user", "ref", "list", NULL,
};

const char *crm_custom_kind_name(enum crm_custom_kind k)
{
	return k <= CRM_CF_LIST ? custom_kinds[k] : "?";
}

/* Reads the kind named by scalar n into *kind. */
static int parse_kind(const struct crm_node *n, const char *name,
		      enum crm_custom_kind *kind, struct crm_err *err)
{
	const char *hint;
	size_t i;

	if (n == NULL || n->kind != CRM_NODE_SCALAR)
		return crm_seterr(err, CRM_ERR, _("line %d: field '%s' needs a "
				  "kind (text, number, date, user, ref or list)"),
				  n ? n->line : 1, name);
	for (i = 0; custom_kinds[i]; i++) {
		if (strcmp(custom_kinds[i], n->str) == 0) {
			*kind = (enum crm_custom_kind)i;
			return CRM_OK;
		}
	}
	hint = crm_suggest(n->str, custom_kinds, i);
	if (hint)
		return crm_seterr(err, CRM_ERR, _("line %d: field '%s': unknown "
				  "kind '%s' (did you mean '%s'?)"), n->line,
				  name, n->str, hint);
	return crm_seterr(err, CRM_ERR, _("line %d: field '%s': unknown kind "
			  "'%s' (use text, number, date, user, ref or list)"),
			  n->line, name, n->str);
}

/* Reads the types: list of a custom field into *types (all when absent). */
static int parse_field_types(const struct crm_node *n, const char *name,
			     unsigned *types, struct crm_err *err)
{
	enum crm_type t;
	size_t i;

	*types = CRM_TYPE_ALL;
	if (n == NULL)
		return CRM_OK;
	if (n->kind == CRM_NODE_SCALAR && crm_type_parse(n->str, &t)) {
		*types = CRM_TYPE_BIT(t);
		return CRM_OK;
	}
	if (n->kind != CRM_NODE_SEQ || n->len == 0)
		return crm_seterr(err, CRM_ERR, _("line %d: field '%s': 'types' "
				  "must be a list of record types"), n->line, name);
	*types = 0;
	for (i = 0; i < n->len; i++) {
		if (n->items[i]->kind != CRM_NODE_SCALAR ||
		    !crm_type_parse(n->items[i]->str, &t))
			return crm_seterr(err, CRM_ERR, _("line %d: field '%s': "
					  "unknown record type (use company, "
					  "contact, deal or task)"),
					  n->items[i]->line, name);
		*types |= CRM_TYPE_BIT(t);
	}
	return CRM_OK;
}

/* Reads one entry of fields: (NAME: KIND, or NAME: {kind, types, label}). */
static int parse_field(const char *name, const struct crm_node *n,
		       struct crm_custom_field *f, struct crm_err *err)
{
	const struct crm_node *spec = n->kind == CRM_NODE_MAP ? n : NULL;
	int t, rc;

	f->name = crm_xstrdup(name);
	if (!crm_field_name_valid(name))
		return crm_seterr(err, CRM_ERR, _("line %d: invalid field name "
				  "'%s'"), n->line, name);
	if ((rc = parse_kind(spec ? crm_map_get(n, "kind") : n, name, &f->kind,
			     err)) ||
	    (rc = parse_field_types(spec ? crm_map_get(n, "types") : NULL, name,
				    &f->types, err)))
		return rc;
	f->label = spec ? dup_str(spec, "label") : NULL;
	for (t = 0; t < CRM_NTYPES; t++)
		if ((f->types & CRM_TYPE_BIT(t)) &&
		    crm_record_known_field((enum crm_type)t, name))
			return crm_seterr(err, CRM_ERR, _("line %d: field '%s' is "
					  "already a field of every %s"), n->line,
					  name, crm_type_name((enum crm_type)t));
	return CRM_OK;
}

/* Reads the fields: map of custom fields. */
static int parse_fields(const struct crm_node *map, struct crm_config *cfg,
			struct crm_err *err)
{
	size_t i;
	int rc;

	if (map->kind != CRM_NODE_MAP)
		return crm_seterr(err, CRM_ERR, _("line %d: 'fields' must map "
				  "field names to their kinds"), map->line);
	cfg->fields = crm_xcalloc(map->len + 1, sizeof(*cfg->fields));
	for (i = 0; i < map->len; i++) {
		rc = parse_field(map->keys[i], map->items[i],
				 &cfg->fields[cfg->nfields++], err);
		if (rc)
			return rc;
	}
	return CRM_OK;
}

const struct crm_custom_field *crm_config_field(const struct crm_config *cfg,
						int t, const char *name)
{
	size_t i;

	for (i = 0; cfg && i < cfg->nfields; i++)
		if ((cfg->fields[i].types & CRM_TYPE_BIT(t)) &&
		    strcmp(cfg->fields[i].name, name) == 0)
			return &cfg->fields[i];
	return NULL;
}

/* Refuses a crm.yaml of a version this crm does not know: a newer crm
 * may have given its keys meanings this one would misread.  A file
 * without a version is of version 1. */
static int check_version(const struct crm_node *root, struct crm_err *err)
{
	const struct crm_node *n = crm_map_get(root, "version");
	const char *v = crm_map_str(root, "version");
	char *end;
	long ver;

	if (n == NULL)
		return CRM_OK;
	if (v == NULL || v[0] < '0' || v[0] > '9' ||
	    (ver = strtol(v, &end, 10), *end != '\0') || ver < 1)
		return crm_seterr(err, CRM_ERR, _("'version' must be a whole "
				  "number, not '%s'"), v ? v : "");
	if (ver > CRM_CONFIG_VERSION)
		return crm_seterr(err, CRM_ERR, _("this store's crm.yaml is of "
				  "version %ld, newer than this crm understands "
				  "(%d)\nhint: upgrade crm to use this store"),
				  ver, CRM_CONFIG_VERSION);
	return CRM_OK;
}

int crm_config_parse(const char *buf, size_t len, struct crm_config *cfg,
		     struct crm_err *err)
{
	const struct crm_node *n, *defaults;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	rc = crm_yaml_parse(buf, len, &cfg->root, err);
	if (rc)
		return rc;
	if ((rc = check_version(cfg->root, err)))
		goto fail;
	if ((n = crm_map_get(cfg->root, "users")) != NULL &&
	    (rc = parse_users(n, cfg, err)))
		goto fail;
	if ((n = crm_map_get(cfg->root, "pipelines")) != NULL &&
	    (rc = parse_pipelines(n, cfg, err)))
		goto fail;
	if ((n = crm_map_get(cfg->root, "fields")) != NULL &&
	    (rc = parse_fields(n, cfg, err)))
		goto fail;
	if ((rc = crm_config_parse_process(cfg->root, cfg, err)))
		goto fail;
	if ((rc = crm_automation_parse(cfg->root, cfg, err)))
		goto fail;
	if ((rc = crm_config_parse_rates(cfg->root, cfg, err)))
		goto fail;
	defaults = crm_map_get(cfg->root, "defaults");
	if (defaults && defaults->kind == CRM_NODE_MAP) {
		cfg->default_pipeline = dup_str(defaults, "pipeline");
		cfg->default_currency = dup_str(defaults, "currency");
		if ((rc = parse_decimal(defaults, cfg, err)) ||
		    (rc = parse_area_code(defaults, cfg, err)))
			goto fail;
	}
	if ((rc = parse_region(defaults && defaults->kind == CRM_NODE_MAP ?
			       defaults : NULL, cfg, err)))
		goto fail;
	if (cfg->default_pipeline &&
	    crm_config_pipeline(cfg, cfg->default_pipeline) == NULL) {
		rc = crm_seterr(err, CRM_ERR,
				_("defaults: unknown pipeline '%s'"),
				cfg->default_pipeline);
		goto fail;
	}
	return CRM_OK;
fail:
	crm_config_free(cfg);
	return rc;
}

void crm_config_free(struct crm_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nusers; i++) {
		free(cfg->users[i].login);
		free(cfg->users[i].name);
		free(cfg->users[i].email);
	}
	free(cfg->users);
	for (i = 0; i < cfg->npipelines; i++)
		crm_pipeline_free(&cfg->pipelines[i]);
	free(cfg->pipelines);
	crm_config_free_process(cfg);
	crm_automation_free(cfg);
	crm_config_free_rates(cfg);
	for (i = 0; i < cfg->nfields; i++) {
		free(cfg->fields[i].name);
		free(cfg->fields[i].label);
	}
	free(cfg->fields);
	free(cfg->default_pipeline);
	free(cfg->default_currency);
	crm_node_free(cfg->root);
	memset(cfg, 0, sizeof(*cfg));
}

char *crm_config_initial(const char *login, const char *name,
			 const char *email)
{
	struct crm_node *root = crm_node_new_map(), *users = crm_node_new_seq();
	struct crm_node *user = crm_node_new_map(), *pipes = crm_node_new_seq();
	struct crm_node *defaults = crm_node_new_map();
	char *out = NULL;
	size_t len;

	crm_map_set(root, "version", crm_node_new_typed("1")); /* CRM_CONFIG_VERSION */
	crm_map_set_str(user, "login", login);
	crm_map_set_str(user, "name", name ? name : login);
	if (email)
		crm_map_set_str(user, "email", email);
	crm_seq_push(users, user);
	crm_map_set(root, "users", users);
	crm_seq_push(pipes, crm_pipeline_default());
	crm_map_set(root, "pipelines", pipes);
	crm_map_set(root, "lost_reasons", crm_lost_reasons_default());
	crm_map_set(root, "automation", crm_automation_default());
	crm_map_set_str(defaults, "pipeline", "sales");
	crm_map_set_str(defaults, "currency", "RUB");
	crm_map_set(root, "defaults", defaults);
	if (crm_yaml_emit(root, &out, &len, NULL) != CRM_OK)
		out = NULL;
	crm_node_free(root);
	return out;
}

char crm_config_decimal(const struct crm_config *cfg)
{
	if (cfg == NULL)
		return 0;
	return cfg->decimal_separator ? cfg->decimal_separator
				      : cfg->locale_decimal;
}

const struct crm_user *crm_config_user(const struct crm_config *cfg,
				       const char *login)
{
	size_t i;

	for (i = 0; i < cfg->nusers; i++)
		if (strcmp(cfg->users[i].login, login) == 0)
			return &cfg->users[i];
	return NULL;
}

const struct crm_user *crm_config_user_by_email(const struct crm_config *cfg,
						const char *email)
{
	size_t i;

	for (i = 0; i < cfg->nusers; i++)
		if (cfg->users[i].email &&
		    strcasecmp(cfg->users[i].email, email) == 0)
			return &cfg->users[i];
	return NULL;
}

const struct crm_pipeline *crm_config_pipeline(const struct crm_config *cfg,
					       const char *name)
{
	size_t i;

	if (name == NULL)
		name = cfg->default_pipeline;
	if (name == NULL)
		return cfg->npipelines ? &cfg->pipelines[0] : NULL;
	for (i = 0; i < cfg->npipelines; i++)
		if (strcmp(cfg->pipelines[i].name, name) == 0)
			return &cfg->pipelines[i];
	return NULL;
}

bool crm_pipeline_has_stage(const struct crm_pipeline *p, const char *stage)
{
	size_t i;

	for (i = 0; i < p->nstages; i++)
		if (strcmp(p->stages[i], stage) == 0)
			return true;
	return false;
}

#define NAME_MAX_LEN 64

bool crm_config_name_valid(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0' || strlen(s) > NAME_MAX_LEN ||
	    s[0] == '-' || s[0] == '_' || s[0] == '.')
		return false;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

const char *crm_config_name_hint(void)
{
	return _("hint: use lowercase ASCII letters, digits, '.', '_' and "
		 "'-', starting with a letter or a digit, at most 64 "
		 "characters");
}

int crm_config_check_user(const struct crm_config *cfg, const char *login,
			  struct crm_err *err)
{
	const char **cands, *hint;
	size_t i;
	int rc;

	if (crm_config_user(cfg, login))
		return CRM_OK;
	cands = crm_xcalloc(cfg->nusers + 1, sizeof(*cands));
	for (i = 0; i < cfg->nusers; i++)
		cands[i] = cfg->users[i].login;
	hint = crm_suggest(login, cands, cfg->nusers);
	if (hint)
		rc = crm_seterr(err, CRM_ENOTFOUND, _("unknown user '%s' (did "
				"you mean '%s'?)"), login, hint);
	else
		rc = crm_seterr(err, CRM_ENOTFOUND, _("unknown user '%s'\n"
				"hint: 'crm user add' adds one"), login);
	free(cands);
	return rc;
}
