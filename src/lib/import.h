/*
 * import.h - crm import: the rows of a spreadsheet (sheet.h) made into
 * records in one commit (import.c), after their columns were mapped to
 * fields (importmap.c).  Rows that match records already in the store
 * (dupes.c's rules) are merged into them (recmerge.c), so that running
 * the same import twice changes nothing.
 */
#ifndef CRM_IMPORT_H
#define CRM_IMPORT_H

#include "crm.h"
#include "sheet.h"

/* ---- the columns' fields (importmap.c) ---- */

/* Where a column goes. */
struct crm_import_column {
	char *header;   /* as the file has it ("" when none) */
	char *field;    /* a field of the type, a custom field, "first_name",
			   "middle_name" or "last_name" (joined into name),
			   or NULL: not imported */
	bool given;     /* set by --map or a map file, not guessed */
};

struct crm_import_map {
	struct crm_import_column *cols;
	size_t ncols;
	size_t first_row;  /* the sheet's first row of data: 1, or 2 below
			      a header of two rows (merged cells over the
			      headers of the second) */
};

/*
 * Guesses the field of each column of s from its headers (the first row
 * of s; with merged cells there, a group's header over the second row's:
 * its headers are the second row's where it has one) for records of type t: English and Russian headers and those
 * of amoCRM's and Bitrix24's exports.  Columns it does not know are not
 * imported.  Free m with crm_import_map_free.
 */
void crm_import_map_guess(const struct crm_sheet *s, enum crm_type t,
			  struct crm_import_map *m);
/* The type whose fields the headers of s look like: deal when they hold
 * an amount or a stage, company when they name a company and no person,
 * else contact. */
enum crm_type crm_import_guess_type(const struct crm_sheet *s);
/*
 * Applies one "COLUMN=FIELD" of --map or of a map file: COLUMN is a
 * header (compared case- and accent-insensitively) or a 1-based column
 * number, FIELD a field of type t, first_name, middle_name, last_name, a
 * custom field name, or "-" (not imported).  CRM_EUSAGE naming what is
 * wrong.
 */
int crm_import_map_set(struct crm_import_map *m, enum crm_type t,
		       const char *spec, const struct crm_config *cfg,
		       struct crm_err *err);
/* Applies a map file's text: one COLUMN=FIELD a line, '#' comments and
 * blank lines skipped.  name is the file's, for messages ("line N"). */
int crm_import_map_load(struct crm_import_map *m, enum crm_type t,
			const char *name, const char *text,
			const struct crm_config *cfg, struct crm_err *err);
/* The map as a map file's text (the columns imported, then "-" for the
 * others), into b. */
void crm_import_map_write(const struct crm_import_map *m, struct crm_buf *b);
/* True when a column of m gives the records their names (name, or for
 * contacts a first or last name). */
bool crm_import_map_named(const struct crm_import_map *m);
void crm_import_map_free(struct crm_import_map *m);

/* ---- importing the rows (import.c) ---- */

/* What to do with a row that matches a record already in the store. */
enum crm_import_existing {
	CRM_IMPORT_MERGE,  /* fill its empty fields, add list values; keep
			      its values where the row differs (conflicts) */
	CRM_IMPORT_UPDATE, /* as MERGE, but the row's values win */
	CRM_IMPORT_SKIP,   /* leave it as it is */
};

/* What became of a row. */
enum crm_import_outcome {
	CRM_IMPORT_CREATED,  /* a new record */
	CRM_IMPORT_UPDATED,  /* an existing record (its id) got its values */
	CRM_IMPORT_MERGED,   /* merged into a record it matched */
	CRM_IMPORT_SKIPPED,  /* matched, and nothing to change */
	CRM_IMPORT_REJECTED, /* bad: nothing written for it */
};

/* The counts of an import. */
struct crm_import_counts {
	size_t rows, created, updated, merged, skipped, rejected;
	size_t companies;         /* companies created for contact rows */
	size_t conflicts;         /* values kept where the row differs */
	size_t phones_normalised; /* stored in E.164 */
	size_t phones_as_typed;   /* could not be made valid: kept as typed */
	size_t phones_invalid;    /* not phone numbers: their rows rejected */
};

/* One row's result, for the caller to report (valid until the next
 * row). */
struct crm_import_row {
	size_t line;              /* the sheet's row->line */
	enum crm_import_outcome outcome;
	enum crm_type type;
	char id[CRM_ID_LEN + 1];  /* the record written or matched */
	const char *name;         /* its name */
	const char *why;          /* matched: the reason ("phone +7...");
				     rejected: the message */
	const struct crm_merge_conflict *conflicts; /* values kept */
	size_t nconflicts;
	const char *company_created; /* a company made for this row, or NULL */
};

struct crm_import_opts {
	enum crm_type type;
	enum crm_import_existing existing;
	const char *source;   /* the file's name, for the commit message */
	const char *by;       /* the importing user's login ("" none) */
	time_t now;
};

struct crm_import;

/* Starts an import into s of records of o->type, their columns as m
 * says (m is borrowed for the import's life): loads what the rows are
 * matched against.  Free with crm_import_free. */
int crm_import_new(struct crm_store *s, const struct crm_import_opts *o,
		   const struct crm_import_map *m, struct crm_import **out,
		   struct crm_err *err);
/*
 * Imports row i of sheet (not the header row): the record it makes is
 * checked as crm add checks one, then matched, merged or created in
 * memory; nothing is written before crm_import_commit.  *res says what
 * became of it.  CRM_OK for every row, the rejected too; another status
 * only when the import cannot go on (err set).
 */
int crm_import_row(struct crm_import *im, const struct crm_sheet *sheet,
		   size_t i, struct crm_import_row *res, struct crm_err *err);
/* The counts so far. */
const struct crm_import_counts *crm_import_counts(const struct crm_import *im);
/* The number of records the commit would write. */
size_t crm_import_pending(const struct crm_import *im);
/* Writes every record made or changed in one commit (the caller holds
 * the lock); none: no commit, CRM_OK.  publish is as crm_txn_on_publish. */
int crm_import_commit(struct crm_import *im, const char *command,
		      crm_txn_publish_cb publish, void *data,
		      struct crm_err *err);
void crm_import_free(struct crm_import *im);

#endif
