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
	CRM_RCELL_NUMBER,  /* x: a number with decimals (an average count) */
	CRM_RCELL_MONEY,   /* money[0..nmoney): amounts in cents of several
			      currencies, never added together (sorted by
			      currency); an amount of one currency is an
			      AMOUNT cell */
};

/* An amount of one currency, in a MONEY cell. */
struct crm_rmoney {
	char currency[4];    /* ISO 4217, "" for none */
	int64_t n;           /* cents */
};

/* One cell. */
struct crm_rcell {
	enum crm_rcell_kind kind;
	char *text;          /* TEXT: valid UTF-8, owned; else NULL */
	int64_t n;           /* INT, AMOUNT */
	double x;            /* PERCENT, DAYS, NUMBER */
	char currency[4];    /* AMOUNT: the ISO 4217 code, "" for none */
	struct crm_rmoney *money; /* MONEY: owned */
	size_t nmoney;
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
				proportion to the largest; a MONEY or EMPTY
				cell draws none), -1 for none */
};

/* A report. */
struct crm_report {
	const char *name;    /* "funnel", "conversion", ... */
	const char *title;   /* N_("Sales funnel"), untranslated */
	time_t since, until; /* the period, 0 where open */
	time_t as_of;        /* --as-of, 0 for now */
	size_t nsections;
	struct crm_rsection *sections;   /* owned */
};

/* Frees what r holds (not r itself); r may be NULL. */
void crm_report_free(struct crm_report *r);
/* The number a bar of cell c is drawn for: its n or x (0 for a cell of
 * text, money of several currencies, or nothing). */
double crm_rcell_value(const struct crm_rcell *c);

/* ---- computing reports (report-*.c) ---- */

/* What a report is asked for. */
struct crm_report_opts {
	time_t since, until;       /* the period, 0 where open (until: the
				      moment it ends, inclusive) */
	time_t as_of;              /* 0: now; else the deals as they stood
				      then (reports that support it) */
	time_t now;
	const char *owner;         /* only this owner's deals (NULL: all) */
	const char *pipeline;      /* only this pipeline (NULL: every one;
				      a funnel: the default one) */
	const struct crm_query *query; /* only the deals it selects (NULL or
				      empty: every one) */
	bool strict_stages;        /* funnel: only stages actually entered */
	bool actual;               /* forecast with as_of: what was won */
	const char *lang;          /* stage and reason names' language */
};

/* The names of the reports, NULL-terminated, in the order help lists
 * them ("funnel", "conversion", ...). */
extern const char *const crm_report_names[];
/* True when report name can be shown as of a past date (--as-of). */
bool crm_report_has_as_of(const char *name);

/*
 * Computes report name over the deals of the store's index that o
 * selects into *out (free with crm_report_free, also on failure).
 * CRM_EUSAGE for an unknown report, owner or pipeline, a bad query, or
 * an as_of the report does not support.
 */
int crm_report_run(struct crm_store *s, const char *name,
		   const struct crm_report_opts *o, struct crm_report *out,
		   struct crm_err *err);

#endif
