/*
 * report.c - what every report shares (report.h): freeing one.
 */
#include <stdlib.h>

#include "report.h"

/* Frees the cells of section s. */
static void free_section(struct crm_rsection *s)
{
	size_t i;

	for (i = 0; i < s->nrows * s->ncols; i++) {
		free(s->cells[i].text);
		free(s->cells[i].money);
	}
	free(s->cells);
}

void crm_report_free(struct crm_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nsections; i++)
		free_section(&r->sections[i]);
	free(r->sections);
	r->sections = NULL;
	r->nsections = 0;
}

double crm_rcell_value(const struct crm_rcell *c)
{
	switch (c->kind) {
	case CRM_RCELL_INT:
	case CRM_RCELL_AMOUNT:
		return (double)c->n;
	case CRM_RCELL_PERCENT:
	case CRM_RCELL_DAYS:
	case CRM_RCELL_NUMBER:
		return c->x;
	default:
		return 0;
	}
}
