/*
 * sheet.h - a CSV file or a sheet of an .xlsx workbook as a table of
 * UTF-8 text cells, for crm import.  The reading is done by the module
 * crm-sheet.so (src/mod/sheet.c, with libcsv, uchardet, iconv, libzip and
 * expat), which sheet.c loads the first time a file is read.
 *
 * CSV: the delimiter (',', ';' or TAB) and the encoding are detected
 * (src/mod/sheet-csv.c tells how); quoting is RFC 4180's, spaces (not
 * tabs) around a field are dropped, a quoted field may hold line breaks
 * (kept as written, CR LF or LF), so a row may span lines: its line is
 * the first.  A formula (=SUM(A1)) is text like any other.  xlsx: the
 * cells' values unformatted: shared and inline strings, numbers as
 * written (an integer in exponent form in its digits), numbers in a date
 * style as "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" ("HH:MM" for a time alone),
 * TRUE/FALSE, error texts ("#N/A"), a formula's last value; a merged
 * range has its top-left value in each of its cells, in the rows the
 * sheet has.  Rows are in the file's order; a CSV row has as many cells
 * as fields, an xlsx one those up to its last non-empty cell
 * (crm_sheet_cell gives "" past a row's end).
 */
#ifndef CRM_SHEET_H
#define CRM_SHEET_H

#include <stddef.h>

#include "crm.h"

/* What to read and how. */
enum crm_sheet_format { CRM_SHEET_AUTO, CRM_SHEET_CSV, CRM_SHEET_XLSX };
struct crm_sheet_opts {
	enum crm_sheet_format format; /* AUTO: a zip (PK\3\4) is a workbook, else CSV */
	const char *encoding;  /* CSV: iconv name given by the user ("cp1251"), NULL: detect */
	const char *sheet;     /* xlsx: the sheet's name, NULL: the first */
};
/* One row: its cells, every one valid UTF-8 ("" when empty). */
struct crm_sheet_row {
	size_t line;          /* CSV: the line (1-based) the row starts on; xlsx: its row number */
	size_t ncells;
	const char **cells;   /* into the sheet's memory */
	const char *error;    /* NULL, or why this row could not be read ("unterminated quoted field"); translated */
	size_t error_col;     /* with error: the 1-based column (CSV: the character column in the line; xlsx: the cell's column) */
	size_t error_line;    /* with error: CSV: the line of the fault (a row may span lines); xlsx: the row number */
};
struct crm_sheet {
	size_t nrows;
	struct crm_sheet_row *rows;  /* empty rows (all cells empty) are dropped */
	char encoding[32];    /* what the bytes were read as: "UTF-8", "UTF-16LE", "WINDOWS-1251", "KOI8-R"... */
	char delimiter;       /* CSV: ',', ';' or '\t'; 0 for a workbook */
	char *sheet_name;     /* xlsx: the name of the sheet read; NULL for CSV */
	/* private memory follows */
};

/* The most a cell may hold, and the most columns a row may have: more
 * is that row's error. */
#define CRM_SHEET_MAX_CELL (1024 * 1024)
#define CRM_SHEET_MAX_COLS 1000

/* Reads buf (len bytes, the whole file; name is for messages) into *out (caller frees with crm_sheet_free).
 * CRM_ERR with a one-line message naming the file (and line/column, the
 * xlsx part) for a file that cannot be read at all (not a workbook, a
 * truncated zip, hostile XML, a zip bomb, text that is in no encoding it
 * can detect, an unknown --encoding, no such sheet: list the sheets in the message).
 * Rows that are broken (a stray or unterminated quote, invalid bytes) are
 * kept with row->error, and reading goes on with the next row.
 * A broken row keeps the cells read before its fault (all of them, the
 * bad bytes as U+FFFD, for invalid bytes; the first
 * CRM_SHEET_MAX_COLS for too many columns; "" for a cell too long). */
int crm_sheet_read(const char *name, const char *buf, size_t len,
		   const struct crm_sheet_opts *o, struct crm_sheet **out,
		   struct crm_err *err);
void crm_sheet_free(struct crm_sheet *s);
/* The cell (row, col), "" past the row's end. */
const char *crm_sheet_cell(const struct crm_sheet *s, size_t row, size_t col);

#endif
