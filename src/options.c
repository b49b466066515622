/*
 * options.c - the one options parser.  Its tables (struct opt_spec) also
 * feed --help, the usage lines and shell completion.  Every kind of value
 * is checked and converted here, once, so that a command reads a number,
 * a keyword or a date, never a text to parse again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* The spec entry for a long name (or a one-letter name), or NULL. */
static const struct opt_spec *find_long(const struct opt_spec *spec,
					const char *name, size_t len)
{
	const struct opt_spec *o;

	for (o = spec; o && o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static const struct opt_spec *find_short(const struct opt_spec *spec, char c)
{
	const struct opt_spec *o;

	for (o = spec; o && o->name; o++)
		if (o->shortname == c)
			return o;
	return NULL;
}

/* Number of entries of a NULL-terminated spec (NULL: none). */
static size_t spec_len(const struct opt_spec *spec)
{
	size_t n = 0;

	while (spec && spec[n].name)
		n++;
	return n;
}

/* The values slot of option o, which is in p's own spec or inherited. */
static struct opt_values *slot(struct parsed *p, const struct opt_spec *o)
{
	if (o >= p->spec && o < p->spec + p->nopt)
		return &p->opt[o - p->spec];
	return &p->iopt[o - p->inherited];
}

/* The closest long option name to the unknown name, or NULL. */
static const char *nearest_option(const struct parsed *p, const char *name)
{
	const char *cands[128];
	size_t n = 0, i;

	for (i = 0; i < p->nopt && n < 128; i++)
		cands[n++] = p->spec[i].name;
	for (i = 0; i < p->niopt && n < 128; i++)
		cands[n++] = p->inherited[i].name;
	return crm_suggest(name, cands, n);
}

/* Sets err for an unknown option name given before any command, with
 * hint the closest option's name or NULL. */
static int unknown_global(const char *name, const char *hint,
			  struct crm_err *err)
{
	if (hint && hint[1])
		return crm_seterr(err, CRM_EUSAGE, _("unknown option '%s' "
				  "(did you mean '--%s'?)"), name, hint);
	if (hint)
		return crm_seterr(err, CRM_EUSAGE, _("unknown option '%s' "
				  "(did you mean '-%s'?)"), name, hint);
	return crm_seterr(err, CRM_EUSAGE, _("unknown option '%s'"), name);
}

/* Sets err for an unknown option arg given to command ("" before any). */
static int unknown_option(const struct parsed *p, const char *command,
			  const char *arg, struct crm_err *err)
{
	char name[64];
	const char *hint;
	size_t len = strcspn(arg, "=");

	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	while (len > 0 && ((unsigned char)arg[len] & 0xc0) == 0x80)
		len--;          /* cut at a character, not inside one */
	snprintf(name, sizeof(name), "%.*s", (int)len, arg);
	hint = nearest_option(p, name + strspn(name, "-"));
	if (command[0] == '\0')
		return unknown_global(name, hint, err);
	if (hint && hint[1])
		return crm_seterr(err, CRM_EUSAGE, _("unknown option '%s' for "
				  "'crm %s' (did you mean '--%s'?)"), name,
				  command, hint);
	if (hint)
		return crm_seterr(err, CRM_EUSAGE, _("unknown option '%s' for "
				  "'crm %s' (did you mean '-%s'?)"), name,
				  command, hint);
	return crm_seterr(err, CRM_EUSAGE, _("unknown option '%s' for 'crm %s'"),
			  name, command);
}

/* The keywords of o as "a, b or c" into buf. */
static const char *keyword_list(const struct opt_spec *o, char *buf,
				size_t size)
{
	size_t i, n = 0, used = 0;

	while (o->keywords[n])
		n++;
	buf[0] = '\0';
	for (i = 0; i < n && used < size; i++) {
		int w = snprintf(buf + used, size - used, "%s%s",
				 i == 0 ? "" : i + 1 == n ? _(" or ") : ", ",
				 o->keywords[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return buf;
}

/* Checks and converts value for option o into v. */
static int convert(const struct opt_spec *o, const char *value, time_t now,
		   struct opt_values *v, struct crm_err *err)
{
	char list[256], *end;
	const char *hint;
	size_t i;

	switch (o->kind) {
	case OPT_INT:
		errno = 0;
		v->num = strtol(value, &end, 10);
		if (value[0] < '0' || value[0] > '9' || *end || errno)
			return crm_seterr(err, CRM_EUSAGE, _("--%s needs a "
					  "whole number, not '%s'"), o->name, value);
		return CRM_OK;
	case OPT_ENUM:
		for (i = 0; o->keywords[i]; i++) {
			if (strcasecmp(o->keywords[i], value) == 0) {
				v->keyword = (int)i;
				return CRM_OK;
			}
		}
		hint = crm_suggest(value, o->keywords, i);
		if (hint)
			return crm_seterr(err, CRM_EUSAGE, _("--%s: unknown value "
					  "'%s' (did you mean '%s'?)"), o->name,
					  value, hint);
		return crm_seterr(err, CRM_EUSAGE, _("--%s: unknown value '%s' "
				  "(use %s)"), o->name, value,
				  keyword_list(o, list, sizeof(list)));
	case OPT_DATE:
	case OPT_PAST:
		if (crm_date_parse(value, now, &v->date, err))
			return crm_err_prefix(err, "--%s", o->name);
		if (o->kind == OPT_PAST && v->date.when > now)
			return crm_seterr(err, CRM_EUSAGE, _("--%s: '%s' is in "
					  "the future, and this says when "
					  "something happened"), o->name, value);
		return CRM_OK;
	case OPT_REF:
		if (value[strspn(value, " \t\n\v\f\r")] == '\0')
			return crm_seterr(err, CRM_EUSAGE, "--%s: %s", o->name,
					  _("empty record reference"));
		return CRM_OK;
	default:
		return CRM_OK;
	}
}

/* Records value (NULL for a flag) for option o. */
static int store_value(struct parsed *p, const struct opt_spec *o,
		       char *value, time_t now, struct crm_err *err)
{
	struct opt_values *v = slot(p, o);

	if (value && !crm_utf8_valid(value, strlen(value)) && !o->name[1])
		return crm_seterr(err, CRM_EUSAGE, _("-%s: the value is not "
				  "valid UTF-8"), o->name);
	if (value && !crm_utf8_valid(value, strlen(value)))
		return crm_seterr(err, CRM_EUSAGE, _("--%s: the value is not "
				  "valid UTF-8"), o->name);
	if (value && convert(o, value, now, v, err))
		return CRM_EUSAGE;
	v->vals = crm_xrealloc(v->vals, (v->count + 1) * sizeof(char *));
	v->vals[v->count++] = value;
	return CRM_OK;
}

/* True when arg looks like an option rather than a value. */
static bool is_option(const char *arg)
{
	return arg[0] == '-' && arg[1] != '\0';
}

/* The option arg names: the command's own first, then an inherited one. */
static const struct opt_spec *lookup(const struct parsed *p, const char *arg)
{
	const struct opt_spec *o;
	size_t len;

	if (arg[1] == '-') {
		len = strcspn(arg + 2, "=");
		o = find_long(p->spec, arg + 2, len);
		return o ? o : find_long(p->inherited, arg + 2, len);
	}
	o = find_short(p->spec, arg[1]);
	return o ? o : find_short(p->inherited, arg[1]);
}

/* Handles argv[*i], an option; may consume the next argument. */
static int parse_one(struct parsed *p, const char *command, time_t now,
		     int argc, char **argv, int *i, struct crm_err *err)
{
	char *arg = argv[*i], *value = NULL;
	const struct opt_spec *o = lookup(p, arg);

	if (o == NULL)
		return unknown_option(p, command, arg, err);
	if (arg[1] == '-' && strchr(arg, '='))
		value = strchr(arg, '=') + 1;
	else if (arg[1] != '-' && arg[2])
		value = arg + 2;
	if (o->kind == OPT_FLAG) {
		if (value)
			return crm_seterr(err, CRM_EUSAGE,
					  _("option '--%s' takes no value"), o->name);
		return store_value(p, o, NULL, now, err);
	}
	if (value == NULL) {
		if (*i + 1 >= argc && !o->name[1])
			return crm_seterr(err, CRM_EUSAGE,
					  _("option '-%s' needs a value"), o->name);
		if (*i + 1 >= argc)
			return crm_seterr(err, CRM_EUSAGE,
					  _("option '--%s' needs a value"), o->name);
		value = argv[++*i];
	}
	return store_value(p, o, value, now, err);
}

/* True when arg is taken as a positional argument in dash_args mode: a
 * "-word" that is neither one of the command's short options nor an
 * inherited one that takes a value given alone ("-C DIR"; "-q" stays a
 * word, and so does "-Customer": no value is glued to -C here, nor to
 * the command's own "-o FILE": "-owner:ann" is a query's word). */
static bool dash_positional(const struct parsed *p, const char *arg)
{
	const struct opt_spec *o = find_short(p->inherited, arg[1]);
	const struct opt_spec *own = find_short(p->spec, arg[1]);

	if (arg[1] == '-')
		return false;
	if (own)
		return own->kind != OPT_FLAG && arg[2] != '\0';
	return o == NULL || o->kind == OPT_FLAG || arg[2] != '\0';
}

int cli_parse(const struct opt_spec *spec, const struct opt_spec *inherited,
	      const char *command, bool dash_args, time_t now, int argc,
	      char **argv, struct parsed *p, struct crm_err *err)
{
	bool only_pos = false;
	int i, rc;

	memset(p, 0, sizeof(*p));
	p->spec = spec;
	p->nopt = spec_len(spec);
	p->opt = crm_xcalloc(p->nopt + 1, sizeof(*p->opt));
	p->inherited = inherited;
	p->niopt = spec_len(inherited);
	p->iopt = crm_xcalloc(p->niopt + 1, sizeof(*p->iopt));
	p->pos = crm_xcalloc((size_t)argc + 1, sizeof(char *));
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (!only_pos && strcmp(arg, "--") == 0) {
			only_pos = true;
			p->dashdash = true;
			p->before_dashdash = p->npos;
			continue;
		}
		if (only_pos || !is_option(arg) ||
		    (dash_args && dash_positional(p, arg))) {
			p->pos[p->npos++] = argv[i];
			continue;
		}
		if ((rc = parse_one(p, command, now, argc, argv, &i, err)))
			return rc;
	}
	return CRM_OK;
}

void cli_parsed_free(struct parsed *p)
{
	size_t i;

	for (i = 0; p->opt && i < p->nopt; i++)
		free(p->opt[i].vals);
	for (i = 0; p->iopt && i < p->niopt; i++)
		free(p->iopt[i].vals);
	free(p->opt);
	free(p->iopt);
	free(p->pos);
	memset(p, 0, sizeof(*p));
}

const struct opt_values *opt_all(const struct parsed *p,
				 const struct opt_spec *spec, const char *name)
{
	size_t len = strlen(name);
	const struct opt_spec *o;

	(void)spec;
	if (p->opt && (o = find_long(p->spec, name, len)))
		return &p->opt[o - p->spec];
	if (p->iopt && (o = find_long(p->inherited, name, len)))
		return &p->iopt[o - p->inherited];
	return NULL;
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
	return opt_given(p, name);
}

bool opt_given(const struct parsed *p, const char *name)
{
	const struct opt_values *v = opt_all(p, NULL, name);

	return v && v->count > 0;
}

long opt_int(const struct parsed *p, const char *name, long def)
{
	const struct opt_values *v = opt_all(p, NULL, name);

	return v && v->count ? v->num : def;
}

int opt_keyword(const struct parsed *p, const char *name, int def)
{
	const struct opt_values *v = opt_all(p, NULL, name);

	return v && v->count ? v->keyword : def;
}

bool opt_date(const struct parsed *p, const char *name, struct crm_date *d)
{
	const struct opt_values *v = opt_all(p, NULL, name);

	if (v == NULL || v->count == 0)
		return false;
	*d = v->date;
	return true;
}
