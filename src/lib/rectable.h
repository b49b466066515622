/*
 * rectable.h - records as a table, and the walk every data export makes
 * (rectable.c; crm export csv, xlsx, json, vcard).
 *
 * The columns of a table of type t, in this order:
 *
 *   1. every field of the registry (field.c) that type t has and whose
 *      value fits a cell, in the registry's order (the order of the
 *      files): not the lists of entries (timeline, stage_history,
 *      rescheduled), which only JSON carries;
 *   2. where the registry marks the custom fields (after updated): the
 *      custom fields the selected records hold (keys crm does not know
 *      whose value is a scalar or a list of scalars), sorted by their
 *      bytes (strcmp).
 *
 * A cell is the value as the file stores it: a scalar as it is (ids,
 * dates, amounts, phones: their stored text), a list of scalars joined
 * with ", ", a field the record does not have empty.
 */
#ifndef CRM_RECTABLE_H
#define CRM_RECTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "crm.h"

/* The table of the records an export selects: its columns, and its
 * rows, held in a temporary file until they are written. */
struct crm_rectable {
	enum crm_type type;
	char **cols;     /* field names (owned); the first is id */
	size_t ncols;
	unsigned *kinds; /* per column: its enum crm_field_kind, or
			    CRM_FIELD_CUSTOM for a custom field */
	size_t nrows;
	FILE *spool;     /* the rows: each a run of key NUL cell NUL
			    pairs ended by a NUL (keys are never empty) */
};

/* Called for each record of an export, with the index's row of it (its
 * references' names); the record belongs to the walk.  Non-zero stops
 * the walk and is returned. */
typedef int (*crm_export_cb)(const struct crm_record *r,
			     const struct crm_row *row, void *data);
/* Called with each row of a table, sh->ncols cells (never NULL, ""
 * for a field the record does not have), borrowed for the call.
 * Non-zero stops and is returned. */
typedef int (*crm_rectable_cb)(const char *const *cells, void *data);

/*
 * CRM_OK when no file of the types in mask fails to parse; else CRM_ERR
 * with the first one's error (which names the file) and a hint, since an
 * export that left a record out would lose it without a word.
 */
int crm_export_check(struct crm_store *s, unsigned mask, struct crm_err *err);
/*
 * Calls cb for each record of type t that q selects (NULL: every one),
 * read from the committed tree, in the order of their ids.  CRM_EUSAGE
 * for a query that fails; what cb returned when it stopped.
 */
int crm_export_each(struct crm_store *s, enum crm_type t,
		    const struct crm_query *q, crm_export_cb cb, void *data,
		    struct crm_err *err);
/*
 * Reads the records of type t that q selects, once each, into the
 * table *sh: its columns (the custom fields are those the records
 * hold) and its rows, kept in a temporary file (tmpfile(3)) so that
 * memory does not grow with them.  Free it with crm_rectable_free.
 */
int crm_rectable_build(struct crm_store *s, enum crm_type t,
		    const struct crm_query *q, struct crm_rectable *sh,
		    struct crm_err *err);
/* Calls cb with each row of sh, in the order of the ids.  CRM_ERR when
 * the temporary file cannot be read; what cb returned when it stopped. */
int crm_rectable_rows(struct crm_rectable *sh, crm_rectable_cb cb, void *data,
		   struct crm_err *err);
void crm_rectable_free(struct crm_rectable *sh);

/* ---- xlsx (xlsx.c, with the module crm-xlsx.so) ---- */

/*
 * Writes the table sh (crm_rectable_build) as a workbook of one sheet
 * into the file path (which it creates or truncates): the header of its
 * columns in bold, frozen, with an autofilter, and one row a record,
 * every cell a text (never a number: ids, phones and tax ids stay as
 * written).  CRM_ERR when the module cannot load, a cell or the rows
 * are beyond a workbook's limits, or libxlsxwriter fails.
 */
int crm_xlsx_export(struct crm_rectable *sh, const char *path,
		    struct crm_err *err);

#endif
