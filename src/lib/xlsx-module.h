/*
 * xlsx-module.h - what crm-xlsx.so, the module that wraps libxlsxwriter
 * (src/mod/xlsx.c), exports, and xlsx.c finds with crm_module_sym.
 * Plain C types only.  The workbook has one sheet, written a row at a
 * time (libxlsxwriter's constant-memory mode: memory does not grow with
 * the rows); every cell is a string cell in the text number format, so
 * that a spreadsheet never reads an id, a phone or a tax id as a number.
 * Change CRM_XLSX_ABI with any change here.
 */
#ifndef CRM_XLSX_MODULE_H
#define CRM_XLSX_MODULE_H

#include <stdbool.h>
#include <stddef.h>

#define CRM_XLSX_ABI 1

#ifdef __cplusplus
extern "C" {
#endif

/* The most rows and the longest cell (in characters) a sheet holds:
 * Excel's limits, which libxlsxwriter keeps. */
#define CRM_XLSX_MAX_ROWS 1048576
#define CRM_XLSX_MAX_CELL 32767

/* A workbook being written. */
struct crm_xlsx;

/* CRM_XLSX_ABI, as the module was built. */
int crm_xlsxmod_abi(void);
/*
 * Starts the workbook file path (created or truncated when closed) with
 * one sheet named sheet: the header row of ncols names in bold, frozen,
 * and each column widths[i] characters wide.  NULL, with why in msg
 * (size bytes), on failure; finish it with crm_xlsxmod_close.
 */
struct crm_xlsx *crm_xlsxmod_open(const char *path, const char *sheet,
				  const char *const *headers,
				  const double *widths, size_t ncols,
				  char *msg, size_t size);
/* Adds a row of the ncols cells (UTF-8, any length up to
 * CRM_XLSX_MAX_CELL characters) as text.  0, or -1 with why in msg. */
int crm_xlsxmod_row(struct crm_xlsx *x, const char *const *cells, char *msg,
		    size_t size);
/* With finish, sets the autofilter over the rows written and writes
 * the file; frees x either way (NULL: nothing).  0, or -1 with why in
 * msg. */
int crm_xlsxmod_close(struct crm_xlsx *x, bool finish, char *msg,
		      size_t size);

#ifdef __cplusplus
}
#endif

#endif
