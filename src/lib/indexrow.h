/*
 * indexrow.h - what a record becomes in the index (indexrow.c): the
 * records table made from the field registry, the rows read from record
 * files, and the statements that insert and delete them.  Shared by the
 * index's rebuild and its updates (index.c).
 */
#ifndef CRM_INDEXROW_H
#define CRM_INDEXROW_H

#include <sqlite3.h>

#include "store-internal.h"

/* Prepared statements of one writing session. */
struct writer {
	sqlite3 *db;
	sqlite3_stmt *insert, *text, *deltext, *field, *fts, *find, *del,
		*delfields, *ftsdel, *facet, *facetdel, *names, *namesdel,
		*entry, *delentries, *totals, *deal, *deldeal, *daytot,
		*deldaytot;
	bool bulk;           /* a rebuild: day_totals are made at its end
				(index_day_totals_sql), not row by row */
	struct daytot_delta *deltas; /* an update: its changes of
				day_totals, summed, written by
				writer_flush (deltas_n of them, in a
				hash of delta_slots slots: index + 1) */
	size_t deltas_n, deltas_cap, *delta_slots, delta_nslots;
};

/* Writes the changes of day_totals the session has summed; call it once
 * the rows are written, before the transaction commits. */
int writer_flush(struct writer *w);

/* The separators of deal_facts.facts (indexdeal.c), a text of records
 * of fields, each field ended by FS but a record's last, ended by RS.
 * The first record is the deal's: PIPELINE, STAGE, OWNER, SOURCE,
 * CURRENCY, CENTS (its amount), PROBABILITY (its own), CREATED, CLOSE
 * (Unix times), TOUCHES (its timeline entries) and COMPETITORS (ids
 * '\n'-joined); then one per stage_history entry, oldest first: AT,
 * STAGE, BY, REASON, TOUCHES (the timeline entries at or before AT).
 * Fields are empty when absent; the separators in texts are spaces. */
#define DEAL_HIST_FS '\x1f'
#define DEAL_HIST_RS '\x1e'

/* What reports read of a deal (indexdeal.c). */
struct deal_facts;
/* The facts of deal r; caller frees them with deal_facts_free. */
struct deal_facts *deal_facts_make(const struct crm_record *r);
void deal_facts_free(struct deal_facts *f);
/* The stage of the deal whose facts text is facts as it stood at as_of
 * (that of its last stage_history entry up to then) into stage; false
 * when the deal was made after as_of. */
bool deal_facts_stage_at(const char *facts, long long as_of,
			 struct crm_buf *stage);
/* Field k (0: the pipeline) of the deal's record of facts, its length
 * into *len (0 when empty or past the last). */
const char *deal_facts_field(const char *facts, size_t k, size_t *len);
/* Inserts f as the deal_facts row rid with st (deal_facts_sql). */
int deal_facts_insert(sqlite3_stmt *st, sqlite3_int64 rid,
		      const struct deal_facts *f);

/* One file made ready for the index: everything computed, so that it can
 * be built on one thread and inserted on another. */
struct index_row;

/* What a rebuild's end fills day_totals with, from the entries and
 * records tables: what counting each row as it comes would give. */
extern const char index_day_totals_sql[];
/* The tables of the index but its full-text ones (crm_index_schema). */
const char *index_tables_sql(void);
/* Prepares w's statements on db; non-zero (nothing left) on failure. */
int writer_start(struct writer *w, sqlite3 *db);
void writer_finish(struct writer *w);
/* Runs a prepared statement once and resets it; SQLITE_DONE -> OK. */
int step_once(sqlite3_stmt *st);
/* Reads and parses the blob oid at path into a new row, which records a
 * file that does not parse as broken; NULL when path is no record file. */
struct index_row *index_row_make(struct crm_store *s, git_repository *repo,
				 const char *path, const git_oid *oid);
void index_row_free(struct index_row *r);
/* Inserts one row with its fields, text and facets; not its full text,
 * which index_row_insert_fts adds.  SQLite's status. */
int index_row_insert(struct writer *w, struct index_row *row);
/* Adds the full text of the inserted row with st, an INSERT INTO fts,
 * and its folded name with names (INSERT INTO names). */
int index_row_insert_fts(sqlite3_stmt *st, sqlite3_stmt *names,
			 const struct index_row *row);
/* Removes row rid, with its fields, facets and full text. */
int index_row_delete(struct writer *w, sqlite3_int64 rid);

#endif
