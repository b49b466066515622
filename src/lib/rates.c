/*
 * rates.c - the rates: section of crm.yaml, what reports add amounts of
 * several currencies by:
 *
 *	rates:
 *	  base: RUB       the currency sums are given in
 *	  USD: 92.5       what one unit of each other currency is worth in it
 *	  EUR: 100.25
 *
 * Without it (or for a currency it does not name) amounts of different
 * currencies are never added together.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

/* Reads a rate "D[.D]" (digits, a point; the same in every locale) into
 * *out; false when s is none or not above 0. */
static bool parse_rate(const char *s, double *out)
{
	double v = 0, scale = 1;
	bool digits = false, point = false;

	for (; *s; s++) {
		if (*s == '.' && !point) {
			point = true;
			continue;
		}
		if (*s < '0' || *s > '9')
			return false;
		digits = true;
		if (point)
			v += (*s - '0') * (scale /= 10);
		else
			v = v * 10 + (*s - '0');
	}
	*out = v;
	return digits && v > 0 && v < 1e9;
}

/* Checks that the key or value s at line is a currency code. */
static int check_code(const char *s, int line, struct crm_err *err)
{
	char code[4];

	if (crm_currency_find(s) != NULL)
		return CRM_OK;
	if (crm_currency_parse(s, code, err) == CRM_OK)
		return crm_seterr(err, CRM_ERR, _("line %d: rates: currency "
				  "codes are written in capitals ('%s', not "
				  "'%s')"), line, code, s);
	return crm_err_prefix(err, _("line %d: rates"), line);
}

/* Reads one rate, key code at item n, into cfg. */
static int parse_one(const char *code, const struct crm_node *n,
		     struct crm_config *cfg, struct crm_err *err)
{
	struct crm_rate *r;
	size_t i;
	int rc;

	if ((rc = check_code(code, n->line, err)))
		return rc;
	if (strcmp(code, cfg->rates_base) == 0)
		return crm_seterr(err, CRM_ERR, _("line %d: rates: '%s' is the "
				  "base currency, whose rate is 1"), n->line, code);
	for (i = 0; i < cfg->nrates; i++)
		if (strcmp(cfg->rates[i].currency, code) == 0)
			return crm_seterr(err, CRM_ERR, _("line %d: rates: '%s' "
					  "is given twice"), n->line, code);
	r = &cfg->rates[cfg->nrates];
	if (n->kind != CRM_NODE_SCALAR || !parse_rate(n->str, &r->rate))
		return crm_seterr(err, CRM_ERR, _("line %d: rates: the rate of "
				  "'%s' must be a number above 0 and below "
				  "a billion, such as 92.5"), n->line, code);
	snprintf(r->currency, sizeof(r->currency), "%s", code);
	cfg->nrates++;
	return CRM_OK;
}

int crm_config_parse_rates(const struct crm_node *root,
			   struct crm_config *cfg, struct crm_err *err)
{
	const struct crm_node *n = crm_map_get(root, "rates"), *base;
	size_t i;
	int rc;

	if (n == NULL)
		return CRM_OK;
	if (n->kind != CRM_NODE_MAP)
		return crm_seterr(err, CRM_ERR, _("line %d: 'rates' must map "
				  "currencies to rates, with a 'base'"), n->line);
	if ((base = crm_map_get(n, "base")) == NULL ||
	    base->kind != CRM_NODE_SCALAR)
		return crm_seterr(err, CRM_ERR, _("line %d: rates: 'base' must "
				  "name the currency rates are given in, such "
				  "as RUB"), base ? base->line : n->line);
	if ((rc = check_code(base->str, base->line, err)))
		return rc;
	snprintf(cfg->rates_base, sizeof(cfg->rates_base), "%s", base->str);
	cfg->rates = crm_xcalloc(n->len + 1, sizeof(*cfg->rates));
	for (i = 0; i < n->len; i++)
		if (strcmp(n->keys[i], "base") != 0 &&
		    (rc = parse_one(n->keys[i], n->items[i], cfg, err)))
			return rc;
	return CRM_OK;
}

void crm_config_free_rates(struct crm_config *cfg)
{
	free(cfg->rates);
	cfg->rates = NULL;
	cfg->nrates = 0;
	cfg->rates_base[0] = '\0';
}
