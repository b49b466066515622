/*
 * facts.c - what the rules of the sales process are about: whether a
 * record is active (it must always have a next task), and the open tasks
 * each record has, from the index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store-internal.h"

bool crm_is_active(const struct crm_config *cfg, const struct crm_record *r)
{
	return crm_is_active_fields(cfg, r->type, crm_map_str(r->map, "status"),
				    crm_map_str(r->map, "relation"),
				    crm_map_str(r->map, "pipeline"),
				    crm_map_str(r->map, "stage"));
}

bool crm_is_active_fields(const struct crm_config *cfg, enum crm_type t,
			  const char *status, const char *relation,
			  const char *pipeline, const char *stage)
{
	const struct crm_stage *st;

	if (t == CRM_DEAL) {
		st = crm_pipeline_stage(crm_config_pipeline(cfg, pipeline),
					stage ? stage : "");
		return st != NULL && st->kind == CRM_STAGE_OPEN;
	}
	if (t != CRM_COMPANY && t != CRM_CONTACT)
		return false;
	if (relation && strcmp(relation, "client") != 0)
		return false;
	/* a record without a status is a prospect, the first status */
	return status == NULL || strcmp(status, "prospect") == 0 ||
	       strcmp(status, "active") == 0;
}

int crm_next_task(struct crm_store *s, const char *id,
		  struct crm_next_task *out, struct crm_err *err)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = crm_store_index(s, &db, err)))
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT id, due, due_at FROM records"
			       " WHERE for_id = ?1 AND type = 3 AND broken IS NULL"
			       " ORDER BY due_at IS NULL, due_at, id LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->found = true;
		snprintf(out->id, sizeof(out->id), "%s",
			 (const char *)sqlite3_column_text(st, 0));
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			snprintf(out->due, sizeof(out->due), "%s",
				 (const char *)sqlite3_column_text(st, 1));
		out->has_due = sqlite3_column_type(st, 2) != SQLITE_NULL;
		out->due_at = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return CRM_OK;
}

int crm_next_tasks(struct crm_store *s, crm_next_task_cb cb, void *data,
		   struct crm_err *err)
{
	struct crm_next_task t;
	sqlite3 *db;
	sqlite3_stmt *st;
	const char *for_id;
	int rc;

	if ((rc = crm_store_index(s, &db, err)))
		return rc;
	/* per record, its task due first (undated last), as crm_next_task */
	if (sqlite3_prepare_v2(db, "SELECT for_id, id, due, due_at FROM ("
			       "SELECT for_id, id, due, due_at, row_number() OVER"
			       " (PARTITION BY for_id ORDER BY due_at IS NULL,"
			       " due_at, id) AS k FROM records WHERE type = 3"
			       " AND broken IS NULL AND for_id IS NOT NULL)"
			       " WHERE k = 1", -1, &st, NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	while (rc == CRM_OK && sqlite3_step(st) == SQLITE_ROW) {
		memset(&t, 0, sizeof(t));
		t.found = true;
		for_id = (const char *)sqlite3_column_text(st, 0);
		snprintf(t.id, sizeof(t.id), "%s",
			 (const char *)sqlite3_column_text(st, 1));
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			snprintf(t.due, sizeof(t.due), "%s",
				 (const char *)sqlite3_column_text(st, 2));
		t.has_due = sqlite3_column_type(st, 3) != SQLITE_NULL;
		t.due_at = sqlite3_column_int64(st, 3);
		rc = cb(for_id, &t, data);
	}
	sqlite3_finalize(st);
	return rc;
}

enum crm_task_state crm_task_state(const struct crm_next_task *t, time_t now)
{
	time_t day_start, day_end;

	if (!t->found)
		return CRM_TASK_NONE;
	if (!t->has_due)
		return CRM_TASK_LATER;
	day_start = crm_day_start(now, 0);
	day_end = crm_day_start(now, 1);
	/* a date-time passed is overdue; a whole day is due all that day */
	if (t->due_at < day_start || (strchr(t->due, 'T') && t->due_at < now))
		return CRM_TASK_OVERDUE;
	if (t->due_at < day_end)
		return CRM_TASK_TODAY;
	return CRM_TASK_LATER;
}
