/*
 * xlsx.c - crm-xlsx.so, the module that wraps libxlsxwriter
 * (xlsx-module.h): the only part of crm linked with it, loaded by crm
 * export xlsx alone.  It gets the header and the rows as strings from
 * the library (src/lib/xlsx.c) and writes each as a string cell.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "xlsx-module.h"

struct crm_xlsx {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *text;       /* the cells: text number format */
	size_t ncols;
	lxw_row_t row;          /* the next row to write */
};

int crm_xlsxmod_abi(void)
{
	return CRM_XLSX_ABI;
}

/* Writes libxlsxwriter's message for e into msg. */
static void say(lxw_error e, char *msg, size_t size)
{
	snprintf(msg, size, "%s", lxw_strerror(e));
}

/* Frees x without writing its file. */
static void discard(struct crm_xlsx *x)
{
	/* libxlsxwriter frees a workbook only by writing it: write it, and
	 * the caller removes the file */
	if (x->wb)
		workbook_close(x->wb);
	free(x);
}

/* Writes the header row of x, in bold, frozen. */
static int header(struct crm_xlsx *x, const char *const *headers,
		  const double *widths, char *msg, size_t size)
{
	lxw_format *bold = workbook_add_format(x->wb);
	lxw_error e;
	size_t c;

	format_set_bold(bold);
	format_set_num_format(bold, "@");
	for (c = 0; c < x->ncols; c++) {
		worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c,
				     widths[c], x->text);
		e = worksheet_write_string(x->ws, 0, (lxw_col_t)c, headers[c],
					   bold);
		if (e) {
			say(e, msg, size);
			return -1;
		}
	}
	worksheet_freeze_panes(x->ws, 1, 0);
	x->row = 1;
	return 0;
}

struct crm_xlsx *crm_xlsxmod_open(const char *path, const char *sheet,
				  const char *const *headers,
				  const double *widths, size_t ncols,
				  char *msg, size_t size)
{
	lxw_workbook_options o = {.constant_memory = LXW_TRUE,
				  .tmpdir = NULL, .use_zip64 = LXW_TRUE};
	struct crm_xlsx *x = calloc(1, sizeof(*x));

	if (x == NULL) {
		snprintf(msg, size, "out of memory");
		return NULL;
	}
	x->ncols = ncols;
	x->wb = workbook_new_opt(path, &o);
	if (x->wb)
		x->ws = workbook_add_worksheet(x->wb, sheet);
	if (x->wb == NULL || x->ws == NULL) {
		snprintf(msg, size, "cannot start the workbook");
		discard(x);
		return NULL;
	}
	x->text = workbook_add_format(x->wb);
	format_set_num_format(x->text, "@");
	if (header(x, headers, widths, msg, size)) {
		discard(x);
		return NULL;
	}
	return x;
}

int crm_xlsxmod_row(struct crm_xlsx *x, const char *const *cells, char *msg,
		    size_t size)
{
	lxw_error e;
	size_t c;

	if (x->row >= CRM_XLSX_MAX_ROWS) {
		say(LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE, msg, size);
		return -1;
	}
	for (c = 0; c < x->ncols; c++) {
		if (cells[c][0] == '\0')
			continue;
		e = worksheet_write_string(x->ws, x->row, (lxw_col_t)c, cells[c],
					   x->text);
		if (e) {
			say(e, msg, size);
			return -1;
		}
	}
	x->row++;
	return 0;
}

int crm_xlsxmod_close(struct crm_xlsx *x, bool finish, char *msg,
		      size_t size)
{
	lxw_error e;

	if (x == NULL)
		return 0;
	if (!finish) {
		discard(x);
		return 0;
	}
	if (x->ncols)
		worksheet_autofilter(x->ws, 0, 0, x->row - 1,
				     (lxw_col_t)(x->ncols - 1));
	e = workbook_close(x->wb);
	free(x);
	if (e) {
		say(e, msg, size);
		return -1;
	}
	return 0;
}
