/*
 * sheet.c - spreadsheets for crm import (sheet.h): the C side of
 * crm-sheet.so, which does the reading (sheet-module.h), loaded the first
 * time a file is read.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>

#include "i18n.h"
#include "module.h"
#include "sheet-module.h"

static struct crm_module sheet_module = {
	"sheet", "crm_sheetmod_abi", CRM_SHEET_ABI,
	N_("the spreadsheet module"), N_("read spreadsheets"),
	PTHREAD_MUTEX_INITIALIZER,
};

/* The module's functions. */
struct sheet_fns {
	int (*read)(const char *, size_t, const struct crm_sheet_opts *,
		    struct crm_sheet **, char *, size_t);
	void (*free)(struct crm_sheet *);
};

/* Loads the module and finds its functions into *fns. */
static int load_module(struct sheet_fns *fns, struct crm_err *err)
{
	char path[PATH_MAX + 32];

	if (crm_module_load(&sheet_module, err) != CRM_OK)
		return CRM_ERR;
	*(void **)&fns->read = crm_module_sym(&sheet_module, "crm_sheetmod_read");
	*(void **)&fns->free = crm_module_sym(&sheet_module, "crm_sheetmod_free");
	if (fns->read && fns->free)
		return CRM_OK;
	crm_module_path(sheet_module.name, path, sizeof(path));
	return crm_seterr(err, CRM_ERR, _("cannot load %s '%s': not the one "
					  "of this crm\nhint: reinstall crm"),
			  _(sheet_module.title), path);
}

int crm_sheet_read(const char *name, const char *buf, size_t len,
		   const struct crm_sheet_opts *o, struct crm_sheet **out,
		   struct crm_err *err)
{
	static const struct crm_sheet_opts defaults;
	struct sheet_fns fns;
	char msg[512];

	*out = NULL;
	if (load_module(&fns, err) != CRM_OK)
		return CRM_ERR;
	if (fns.read(buf, len, o ? o : &defaults, out, msg, sizeof(msg)) == 0)
		return CRM_OK;
	*out = NULL;
	return crm_seterr(err, CRM_ERR, "'%s': %s", name, msg);
}

void crm_sheet_free(struct crm_sheet *s)
{
	struct sheet_fns fns;

	if (s == NULL)
		return;
	/* A sheet was read, so the module is loaded. */
	if (load_module(&fns, NULL) == CRM_OK)
		fns.free(s);
}

const char *crm_sheet_cell(const struct crm_sheet *s, size_t row, size_t col)
{
	if (s == NULL || row >= s->nrows || col >= s->rows[row].ncells)
		return "";
	return s->rows[row].cells[col];
}
