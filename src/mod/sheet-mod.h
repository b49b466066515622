/*
 * sheet-mod.h - the parts of crm-sheet.so (sheet.c, sheet-csv.c,
 * sheet-xlsx.c) to each other: a sheet being read, its memory, and the
 * text helpers both readers use.
 */
#ifndef CRM_SHEET_MOD_H
#define CRM_SHEET_MOD_H

#include <stdbool.h>
#include <stddef.h>

#include "sheet-module.h"

/* A block of the sheet's memory: its cells and their rows' arrays. */
struct sheet_block {
	struct sheet_block *next;
	size_t used, cap;
	char data[];
};

/* A sheet being read: the public part, then its memory. */
struct sheet {
	struct crm_sheet pub;
	size_t rows_cap;
	struct sheet_block *blocks;
};

/* A new, empty sheet (NULL: no memory); free it with crm_sheetmod_free. */
struct sheet *sheet_new(void);
/* n bytes of s's memory, aligned for a pointer, freed with s; NULL: no
 * memory. */
void *sheet_alloc(struct sheet *s, size_t n);
/* A copy of the n bytes at p in s's memory as valid UTF-8 text: a byte
 * that is not UTF-8 (or a NUL) becomes U+FFFD and sets *bad (when bad is
 * not NULL).  NULL: no memory. */
char *sheet_text(struct sheet *s, const char *p, size_t n, bool *bad);
/* Appends a row of n cells (the array is copied into s; the strings must
 * be s's) starting at line, with error (NULL: none) at line eline,
 * column ecol.  A row without error whose cells are all empty is
 * dropped.  -1: no memory. */
int sheet_add_row(struct sheet *s, size_t line, const char **cells, size_t n,
		  const char *error, size_t eline, size_t ecol);
/* The length of the valid UTF-8 character (not NUL) at p (n bytes
 * left), 0 when it is not one. */
size_t sheet_utf8_len(const unsigned char *p, size_t n);
/* Formats the message fmt makes into msg (size bytes); returns -1. */
int sheet_fail(char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The readers: fill s from buf (len bytes) as o says; 0, or -1 with why
 * in msg. */
int sheet_read_csv(struct sheet *s, const char *buf, size_t len,
		   const struct crm_sheet_opts *o, char *msg, size_t size);
int sheet_read_xlsx(struct sheet *s, const char *buf, size_t len,
		    const struct crm_sheet_opts *o, char *msg, size_t size);

#endif
