/*
 * options.c - the one options parser.  Its tables (struct opt_spec) also
 * feed --help and shell completion.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The spec entry for a long name (or a one-letter name), or NULL. */
static const struct opt_spec *find_long(const struct opt_spec *spec,
					const char *name, size_t len)
{
	const struct opt_spec *o;

	for (o = spec; o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static const struct opt_spec *find_short(const struct opt_spec *spec, char c)
{
	const struct opt_spec *o;

	for (o = spec; o->name; o++)
		if (o->shortname == c)
			return o;
	return NULL;
}

/* Records value (NULL for a flag) for option o. */
static void store_value(struct parsed *p, const struct opt_spec *spec,
			const struct opt_spec *o, char *value)
{
	struct opt_values *v = &p->opt[o - spec];

	v->vals = crm_xrealloc(v->vals, (v->count + 1) * sizeof(char *));
	v->vals[v->count++] = value;
}

/* True when arg looks like an option rather than a value. */
static bool is_option(const char *arg)
{
	return arg[0] == '-' && arg[1] != '\0';
}

/* Handles argv[*i], an option; may consume the next argument. */
static int parse_one(const struct opt_spec *spec, int argc, char **argv,
		     int *i, struct parsed *p, struct crm_err *err)
{
	char *arg = argv[*i], *value = NULL, *eq;
	const struct opt_spec *o;

	if (arg[1] == '-') {
		eq = strchr(arg + 2, '=');
		o = find_long(spec, arg + 2, eq ? (size_t)(eq - arg - 2)
					       : strlen(arg + 2));
		if (eq)
			value = eq + 1;
	} else {
		o = find_short(spec, arg[1]);
		if (o && arg[2])
			value = arg + 2;
	}
	if (o == NULL)
		return crm_seterr(err, CRM_EUSAGE, _("unknown option '%s'"), arg);
	if (o->kind == OPT_FLAG) {
		if (value)
			return crm_seterr(err, CRM_EUSAGE,
					  _("option '--%s' takes no value"), o->name);
		store_value(p, spec, o, NULL);
		return CRM_OK;
	}
	if (value == NULL) {
		if (*i + 1 >= argc)
			return crm_seterr(err, CRM_EUSAGE,
					  _("option '--%s' needs a value"), o->name);
		value = argv[++*i];
	}
	store_value(p, spec, o, value);
	return CRM_OK;
}

int cli_parse(const struct opt_spec *spec, bool dash_args, int argc,
	      char **argv, struct parsed *p, struct crm_err *err)
{
	size_t n = 0;
	bool only_pos = false;
	int i, rc;

	while (spec[n].name)
		n++;
	p->opt = crm_xcalloc(n ? n : 1, sizeof(*p->opt));
	p->nopt = n;
	p->pos = crm_xcalloc((size_t)argc + 1, sizeof(char *));
	p->npos = 0;
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (!only_pos && strcmp(arg, "--") == 0) {
			only_pos = true;
			continue;
		}
		if (only_pos || !is_option(arg) ||
		    (dash_args && arg[1] != '-' && find_short(spec, arg[1]) == NULL)) {
			p->pos[p->npos++] = argv[i];
			continue;
		}
		if ((rc = parse_one(spec, argc, argv, &i, p, err)))
			return rc;
	}
	return CRM_OK;
}

void cli_parsed_free(struct parsed *p)
{
	size_t i;

	for (i = 0; i < p->nopt; i++)
		free(p->opt[i].vals);
	free(p->opt);
	free(p->pos);
	memset(p, 0, sizeof(*p));
}

const struct opt_values *opt_all(const struct parsed *p,
				 const struct opt_spec *spec, const char *name)
{
	const struct opt_spec *o = find_long(spec, name, strlen(name));

	if (o == NULL || p->opt == NULL)
		return NULL;
	return &p->opt[o - spec];
}

const char *opt_get(const struct parsed *p, const struct opt_spec *spec,
		    const char *name)
{
	const struct opt_values *v = opt_all(p, spec, name);

	return v && v->count ? v->vals[v->count - 1] : NULL;
}

bool opt_flag(const struct parsed *p, const struct opt_spec *spec,
	      const char *name)
{
	const struct opt_values *v = opt_all(p, spec, name);

	return v && v->count > 0;
}

int cli_parse_limit(const char *s, const char *cmd, size_t *limit)
{
	char *end;
	long v;

	if (s == NULL)
		return CRM_OK;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 0)
		return cli_usage_error(cli_find_command(cmd),
				       _("--limit needs a number, not '%s'"), s);
	*limit = (size_t)v;
	return CRM_OK;
}
