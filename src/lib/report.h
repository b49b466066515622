/*
 * report.h - a report as the library computes it from the index and the
 * CLI prints it (an aligned table with bars, JSON, CSV, TSV, or an HTML
 * page).  A report is a list of sections; a section is a table of typed
 * cells, one of whose columns may be drawn as bars.  The library fills
 * it; nothing in it is formatted for a terminal or a page.
 */
#ifndef CRM_REPORT_H
#define CRM_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "crm.h"

/* What a cell holds. */
enum crm_rcell_kind {
	CRM_RCELL_EMPTY,   /* nothing (a ratio of nothing to nothing) */
	CRM_RCELL_TEXT,    /* text: a stage's or owner's name, a reason */
	CRM_RCELL_INT,     /* n: a count */
	CRM_RCELL_AMOUNT,  /* n: an amount in cents, in currency */
	CRM_RCELL_PERCENT, /* x: a percentage, 0 to 100 */
	CRM_RCELL_DAYS,    /* x: a number of days */
};

/* One cell. */
struct crm_rcell {
	enum crm_rcell_kind kind;
	char *text;          /* TEXT: valid UTF-8, owned; else NULL */
	int64_t n;           /* INT, AMOUNT */
	double x;            /* PERCENT, DAYS */
	char currency[4];    /* AMOUNT: the ISO 4217 code, "" for none */
};

/* One column of a section. */
struct crm_rcol {
	const char *key;     /* the stable name scripts see: "stage",
				"deals", "amount" (JSON keys, CSV headers) */
	const char *header;  /* NC_("column", ...), untranslated */
};

/* One section: a table. */
struct crm_rsection {
	const char *key;     /* stable name: "stages", "lost_by_reason" */
	const char *title;   /* N_(), untranslated */
	size_t ncols;
	const struct crm_rcol *cols;   /* static */
	size_t nrows;
	struct crm_rcell *cells;       /* nrows * ncols, row by row, owned */
	int bar;             /* the column drawn as bars (a numeric one:
				its cells' n or x, each row's length in
				proportion to the largest), -1 for none */
};

/* A report. */
struct crm_report {
	const char *name;    /* "funnel", "conversion", ... */
	time_t since, until; /* the period, 0 where open */
	time_t as_of;        /* --as-of, 0 for now */
	size_t nsections;
	struct crm_rsection *sections;   /* owned */
};

/* Frees what r holds (not r itself); r may be NULL. */
void crm_report_free(struct crm_report *r);

#endif
