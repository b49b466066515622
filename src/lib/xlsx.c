/*
 * xlsx.c - the records a query selects as a workbook (rectable.h): their
 * table (rectable.c) handed as strings to crm-xlsx.so (src/mod/xlsx.c),
 * which has libxlsxwriter write it, loaded on first use.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "rectable.h"
#include "xlsx-module.h"

static struct crm_module xlsx_module = {
	"xlsx", "crm_xlsxmod_abi", CRM_XLSX_ABI,
	N_("the workbook writing module"), N_("write workbooks"),
	PTHREAD_MUTEX_INITIALIZER,
};

/* The module's functions. */
struct xlsx_fns {
	struct crm_xlsx *(*open)(const char *, const char *,
				 const char *const *, const double *, size_t,
				 char *, size_t);
	int (*row)(struct crm_xlsx *, const char *const *, char *, size_t);
	int (*close)(struct crm_xlsx *, bool, char *, size_t);
};

/* Loads the module and finds its functions into *fns. */
static int load_module(struct xlsx_fns *fns, struct crm_err *err)
{
	char path[PATH_MAX + 32];

	if (crm_module_load(&xlsx_module, err) != CRM_OK)
		return CRM_ERR;
	*(void **)&fns->open = crm_module_sym(&xlsx_module, "crm_xlsxmod_open");
	*(void **)&fns->row = crm_module_sym(&xlsx_module, "crm_xlsxmod_row");
	*(void **)&fns->close = crm_module_sym(&xlsx_module, "crm_xlsxmod_close");
	if (fns->open && fns->row && fns->close)
		return CRM_OK;
	crm_module_path(xlsx_module.name, path, sizeof(path));
	return crm_seterr(err, CRM_ERR, _("cannot load %s '%s': not the one "
					  "of this crm\nhint: reinstall crm"),
			  _(xlsx_module.title), path);
}

/* The width of a column of field kind k named name, in characters:
 * what its values usually take, at least its name's. */
static double width_of(unsigned k, const char *name)
{
	double w, min = (double)crm_utf8_width(name) + 3;

	switch (k) {
	case CRM_FIELD_ID: case CRM_FIELD_REF: case CRM_FIELD_DAY:
		w = 12;
		break;
	case CRM_FIELD_NAME: case CRM_FIELD_EMAILS:
		w = 30;
		break;
	case CRM_FIELD_TEXT:
		w = strcmp(name, "notes") == 0 ? 50 : 24;
		break;
	case CRM_FIELD_PHONES: case CRM_FIELD_WHEN: case CRM_FIELD_REFS:
		w = 20;
		break;
	case CRM_FIELD_STAMP:
		w = 26;
		break;
	case CRM_FIELD_USER: case CRM_FIELD_CURRENCY: case CRM_FIELD_PERCENT:
	case CRM_FIELD_CHOICE:
		w = 10;
		break;
	default:
		w = 16;
		break;
	}
	return w > min ? w : min;
}

/* The export under way. */
struct xlsx_run {
	const struct crm_rectable *sh;
	struct xlsx_fns fns;
	struct crm_xlsx *x;
	size_t n;
	struct crm_err *err;
};

/* The error of a cell too long for a sheet: column c of the record
 * whose id is id. */
static int too_long(const struct crm_rectable *sh, const char *id, size_t c,
		    struct crm_err *err)
{
	crm_seterr(err, CRM_ERR, _("%s '%s': field '%s' is longer than a cell "
				   "of a workbook holds (%d characters)"),
		   crm_type_name(sh->type), id, sh->cols[c], CRM_XLSX_MAX_CELL);
	crm_err_hint(err, _("hint: export it as CSV or JSON, which have no "
			    "such limit"));
	return CRM_ERR;
}

/* The number of characters of the UTF-8 text s. */
static size_t chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Row callback: one row of the workbook. */
static int each_row(const char *const *cells, void *data)
{
	struct xlsx_run *run = data;
	char msg[256] = "";
	size_t i;

	for (i = 0; i < run->sh->ncols; i++)
		if (chars(cells[i]) > CRM_XLSX_MAX_CELL)
			return too_long(run->sh, cells[0], i, run->err);
	if (run->n + 1 >= CRM_XLSX_MAX_ROWS)
		return crm_seterr(run->err, CRM_ERR, _("more records than a "
				  "sheet of a workbook holds (%d rows)"),
				  CRM_XLSX_MAX_ROWS - 1);
	if (run->fns.row(run->x, cells, msg, sizeof(msg)))
		return crm_seterr(run->err, CRM_ERR, _("cannot write %s '%s' to "
				  "the workbook: %s"), crm_type_name(run->sh->type),
				  cells[0], msg);
	run->n++;
	return CRM_OK;
}

int crm_xlsx_export(struct crm_rectable *sh, const char *path,
		    struct crm_err *err)
{
	struct xlsx_run run = {sh, {0}, NULL, 0, err};
	double *widths;
	char msg[256] = "";
	size_t i;
	int rc, end;

	if ((rc = load_module(&run.fns, err)))
		return rc;
	widths = crm_xcalloc(sh->ncols ? sh->ncols : 1, sizeof(*widths));
	for (i = 0; i < sh->ncols; i++)
		widths[i] = width_of(sh->kinds[i], sh->cols[i]);
	run.x = run.fns.open(path, crm_type_dir(sh->type),
			     (const char *const *)sh->cols, widths, sh->ncols,
			     msg, sizeof(msg));
	free(widths);
	if (run.x == NULL)
		return crm_seterr(err, CRM_ERR, _("cannot write the workbook: %s"),
				  msg);
	rc = crm_rectable_rows(sh, each_row, &run, err);
	end = run.fns.close(run.x, rc == CRM_OK, msg, sizeof(msg));
	if (rc == CRM_OK && end)
		rc = crm_seterr(err, CRM_ERR, _("cannot write the workbook: %s"),
				msg);
	return rc;
}
