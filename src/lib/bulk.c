/*
 * bulk.c - what commands that change many records at once need from the
 * store: the records of many ids found in one pass over the index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store-internal.h"

/* The ids as one JSON array, for json_each.  Caller frees it. */
static char *json_ids(const char *const *ids, size_t n)
{
	struct crm_buf b = {0};
	size_t i;

	crm_buf_addc(&b, '[');
	for (i = 0; i < n; i++)
		crm_buf_addf(&b, "%s\"%s\"", i ? "," : "", ids[i]);
	crm_buf_addc(&b, ']');
	return crm_buf_detach(&b);
}

int crm_store_find_ids(struct crm_store *s, unsigned mask,
		       const char *const *ids, size_t n, int *types,
		       struct crm_err *err)
{
	static const char *const sql =
		"SELECT j.key, r.type FROM json_each(?1) j "
		"JOIN records r ON r.id = j.value";
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	char *json;
	size_t i;
	int rc, t;

	for (i = 0; i < n; i++) {
		types[i] = CRM_IDS_NONE;
		if (!crm_id_valid(ids[i]))
			return crm_seterr(err, CRM_EUSAGE, _("invalid id '%s'"),
					  ids[i]);
	}
	if (n == 0)
		return CRM_OK;
	if ((rc = crm_store_index(s, &db, err)))
		return rc;
	json = json_ids(ids, n);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC) != SQLITE_OK) {
		rc = crm_seterr(err, CRM_ERR, _("index: %s"),
				sqlite3_errmsg(db));
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		i = (size_t)sqlite3_column_int64(st, 0);
		t = sqlite3_column_int(st, 1);
		if (i >= n || t < 0 || t >= CRM_NTYPES ||
		    !(mask & CRM_TYPE_BIT(t)))
			continue;
		types[i] = types[i] == CRM_IDS_NONE ? t : CRM_IDS_SEVERAL;
	}
	rc = rc == SQLITE_DONE ? CRM_OK
	     : crm_seterr(err, CRM_ERR, _("index: %s"),
			  sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	free(json);
	return rc;
}
