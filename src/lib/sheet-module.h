/*
 * sheet-module.h - what crm-sheet.so, the module that reads spreadsheets
 * (src/mod/sheet.c, sheet-csv.c, sheet-xlsx.c), exports, and sheet.c
 * finds with crm_module_sym.  The module fills sheet.h's structures, all
 * of a sheet in one allocation of its own that it frees.  Change
 * CRM_SHEET_ABI with any change here or in sheet.h's structures.
 */
#ifndef CRM_SHEET_MODULE_H
#define CRM_SHEET_MODULE_H

#include <stddef.h>

#include "sheet.h"

#define CRM_SHEET_ABI 1

/* CRM_SHEET_ABI, as the module was built. */
int crm_sheetmod_abi(void);
/* Reads buf (len bytes) as crm_sheet_read says into *out.  Returns 0, or
 * -1 with why in msg (size bytes, one translated line without the
 * file's name) and *out NULL. */
int crm_sheetmod_read(const char *buf, size_t len,
		      const struct crm_sheet_opts *o, struct crm_sheet **out,
		      char *msg, size_t size);
/* Frees s, read by crm_sheetmod_read (NULL: nothing). */
void crm_sheetmod_free(struct crm_sheet *s);

#endif
