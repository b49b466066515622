/*
 * index.c - the SQLite index under .git/crm/: created, checked against
 * HEAD and brought up to date by re-indexing only the files that changed
 * (HEAD's trees against the tree and blob ids the index keeps), rebuilt
 * whole when missing, corrupt or of another format.  The schema is
 * described in crm.h.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pthread.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "indexrow.h"

/* The full-text index, and the same of the folded names alone (which a
 * search ranks first).  A rebuild makes them in a file of its own, then
 * copies their tables (fts_data, fts_idx, fts_config and the same of
 * names) into the index. */
static const char *const fts_sql =
	"CREATE VIRTUAL TABLE fts USING fts5(text, content='', columnsize=0,"
	" tokenize='trigram case_sensitive 1');"
	"CREATE VIRTUAL TABLE names USING fts5(name, content='', columnsize=0,"
	" tokenize='trigram case_sensitive 1');";

/* For a rebuild's bulk load: no merges of the full-text index's segments
 * while it grows (one merge at the end writes each entry once), and
 * bigger segments, so that there are fewer to merge. */
static const char *const bulk_sql =
	"INSERT INTO fts(fts, rank) VALUES('automerge', 0);"
	"INSERT INTO fts(fts, rank) VALUES('crisismerge', 64);"
	"INSERT INTO fts(fts, rank) VALUES('hashsize', 8388608);";

/* After the bulk load: the full-text index merged into one segment, so
 * that later updates do not inherit merges of the load's many small
 * segments and searches read one b-tree; the settings for those updates. */
static const char *const fts_finish_sql =
	"INSERT INTO fts(fts) VALUES('optimize');"
	"INSERT INTO names(names) VALUES('optimize');"
	"INSERT INTO fts(fts, rank) VALUES('automerge', 4);"
	"INSERT INTO fts(fts, rank) VALUES('crisismerge', 16);"
	"INSERT INTO fts(fts, rank) VALUES('hashsize', 1048576);"
	"COMMIT";

/* Copies the full-text index of the file attached as load into the
 * index (its own, created empty by fts_sql and not used before: the
 * connection would otherwise hold a stale copy of its structure). */
static const char *const fts_copy_sql =
	"BEGIN;"
	"DELETE FROM main.fts_data;"
	"INSERT INTO main.fts_data SELECT * FROM load.fts_data;"
	"DELETE FROM main.fts_idx;"
	"INSERT INTO main.fts_idx SELECT * FROM load.fts_idx;"
	"DELETE FROM main.fts_config;"
	"INSERT INTO main.fts_config SELECT * FROM load.fts_config;"
	"DELETE FROM main.names_data;"
	"INSERT INTO main.names_data SELECT * FROM load.names_data;"
	"DELETE FROM main.names_idx;"
	"INSERT INTO main.names_idx SELECT * FROM load.names_idx;"
	"DELETE FROM main.names_config;"
	"INSERT INTO main.names_config SELECT * FROM load.names_config;"
	"COMMIT;";

/* Last: the statistics the query planner chooses indexes by. */
static const char *const analyze_sql =
	"PRAGMA analysis_limit=1000; ANALYZE;";

/* Made after a rebuild's bulk load. */
static const char *const indexes_sql =
	/* references by id, and the few columns a join of a record with
	 * what it refers to reads (crm task due), without its row */
	"CREATE INDEX records_id ON records(id, name, type, company, contact,"
	" phones, broken);"
	"CREATE INDEX records_name ON records(type, name_fold);"
	"CREATE INDEX records_file ON records(type, id, blob);"
	"CREATE INDEX records_company ON records(company);"
	"CREATE INDEX records_contact ON records(contact);"
	"CREATE INDEX records_for ON records(for_id);"
	"CREATE INDEX records_due ON records(due_at);"
	/* the order of crm list task: due first, undated last */
	"CREATE INDEX records_due_order ON records(type, due_at IS NULL,"
	" due_at);"
	"CREATE INDEX records_updated ON records(updated_at DESC, id);"
	/* crm board: each stage's first deals by name */
	"CREATE INDEX records_stage_name ON records(type, stage, name_fold, id);"
	/* crm task due: one owner's open tasks by due, with what it shows */
	"CREATE INDEX records_task_due ON records(owner, due_at, id, name, due,"
	" priority, for_id) WHERE type = 3 AND broken IS NULL;"
	"CREATE INDEX fields_key ON fields(key, rid);"
	"CREATE INDEX fields_rid ON fields(rid);"
	"CREATE INDEX entries_id ON entries(id);"
	"CREATE INDEX entries_rid ON entries(rid);"
	"CREATE INDEX entries_kind ON entries(kind, at);"
	"CREATE INDEX entries_at ON entries(at);"
	"CREATE INDEX records_broken ON records(type) WHERE broken IS NOT NULL;"
	/* crm report sources: the leads made at the edges of a period */
	"CREATE INDEX records_leads ON records(created_at, source, owner)"
	" WHERE type IN (0, 1) AND broken IS NULL;"
	"INSERT INTO facets(facets) VALUES('optimize');";


/* Sets err from the database's last error. */
/*
 * Set when writing the index failed for the file system's sake (a full
 * disk, an I/O error, a read-only file system): crm_store_index() then
 * answers from an index in memory, as in a store it cannot write.  Any
 * thread of a build may set it; crm_store_index() clears it.
 */
static bool index_io_failed;

/* True when the SQLite status rc is the file system's failure. */
static bool is_io_error(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_FULL || rc == SQLITE_IOERR || rc == SQLITE_CANTOPEN ||
	       rc == SQLITE_READONLY || rc == SQLITE_PERM;
}

/* Notes errno, after a failed system call on the index's files. */
static void note_errno_io(void)
{
	if (errno == ENOSPC || errno == EDQUOT || errno == EIO ||
	    errno == EROFS || errno == EACCES || errno == EPERM)
		__atomic_store_n(&index_io_failed, true, __ATOMIC_RELAXED);
}

static int db_error(sqlite3 *db, struct crm_err *err, const char *what)
{
	if (db && is_io_error(sqlite3_errcode(db)))
		__atomic_store_n(&index_io_failed, true, __ATOMIC_RELAXED);
	return crm_seterr(err, CRM_ERR, "%s: %s", what,
			  db ? sqlite3_errmsg(db) : "out of memory");
}

/* True when rc says the file is not a (sound) database. */
static bool is_corrupt(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

/* Paths of the database and its companions. */
static void db_path(const struct crm_store *s, const char *suffix, char *buf,
		    size_t size)
{
	snprintf(buf, size, "%s/crm/index.db%s", s->gitdir, suffix);
}

/* Opens the database file path with the connection settings crm uses. */
static int db_open(const char *path, sqlite3 **out, struct crm_err *err)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
				 SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 crm_sql_vfs());

	if (rc != SQLITE_OK) {
		rc = is_corrupt(rc) ? CRM_ECORRUPT : db_error(db, err,
							    _("cannot open the index"));
		sqlite3_close(db);
		*out = NULL;
		return rc;
	}
	sqlite3_busy_timeout(db, 30000);
	crm_sql_register(db);
	*out = db;
	return CRM_OK;
}

/* The index format recorded in the file (PRAGMA user_version); -1 when
 * the file cannot be read as a database. */
static int db_format(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The commit the index reflects into hex (41 bytes); "" when unknown. */
static int db_commit(sqlite3 *db, char *hex)
{
	sqlite3_stmt *st;
	int rc;

	hex[0] = '\0';
	rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'commit'",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(hex, 41, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * True when the phone keys of db were made reading numbers in region
 * (meta 'region'): a store whose crm.yaml now names another region
 * has its index rebuilt, as for another format.
 */
static bool db_region_is(sqlite3 *db, const char *region)
{
	sqlite3_stmt *st;
	bool same = false;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'region'",
			       -1, &st, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		same = strcmp((const char *)sqlite3_column_text(st, 0),
			      region) == 0;
	sqlite3_finalize(st);
	return same;
}

static int set_region(sqlite3 *db, const char *region)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta VALUES"
				    "('region', ?1)", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, region, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* True when db's records were checked against the crm.yaml whose
 * fingerprint is sum (meta 'config'). */
static bool db_config_is(sqlite3 *db, const char *sum)
{
	sqlite3_stmt *st;
	bool same = false;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'config'",
			       -1, &st, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		same = strcmp((const char *)sqlite3_column_text(st, 0), sum) == 0;
	sqlite3_finalize(st);
	return same;
}

static int set_config(sqlite3 *db, const char *sum)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta VALUES"
				    "('config', ?1)", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, sum, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int set_commit(sqlite3 *db, const char *hex)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta VALUES"
				    "('commit', ?1)", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Parses the blob oid at path and indexes it. */
static int index_blob(struct crm_store *s, struct writer *w, const char *path,
		      const git_oid *oid)
{
	struct index_row *row = index_row_make(s, s->repo, path, oid);
	int rc = row ? index_row_insert(w, row) : SQLITE_OK;

	if (row && rc == SQLITE_OK)
		rc = index_row_insert_fts(w->fts, w->names, row);
	index_row_free(row);
	return rc;
}

/* Rows handed over at a time: one wake-up of the other side per batch. */
#define BATCH 64

struct reader;

/* Rows from one reading thread, which also frees them once indexed:
 * memory freed by another thread than the one that took it costs that
 * thread's allocator a lock each time. */
struct row_batch {
	struct index_row *row[BATCH];
	size_t n;
	struct row_batch *next;
	struct reader *home;           /* the thread that made it */
};

/* Frees the batches of list, rows and all. */
static void batches_free(struct row_batch *list)
{
	struct row_batch *next;
	size_t i;

	for (; list != NULL; list = next) {
		next = list->next;
		for (i = 0; i < list->n; i++)
			index_row_free(list->row[i]);
		free(list);
	}
}

/* Batches of rows passed from some threads to the next one. */
struct row_queue {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct row_batch *slot[16];
	size_t head, count;
	size_t producers;  /* still adding batches */
};

static void queue_init(struct row_queue *q, size_t producers)
{
	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->changed, NULL);
	q->producers = producers;
}

static void queue_destroy(struct row_queue *q)
{
	pthread_cond_destroy(&q->changed);
	pthread_mutex_destroy(&q->lock);
}

/* Adds batch b, waiting while the queue is full. */
static void queue_push(struct row_queue *q, struct row_batch *b)
{
	size_t n = sizeof(q->slot) / sizeof(q->slot[0]);

	pthread_mutex_lock(&q->lock);
	while (q->count == n)
		pthread_cond_wait(&q->changed, &q->lock);
	q->slot[(q->head + q->count++) % n] = b;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

/* Takes the next batch; NULL once every producer is done and all are
 * taken. */
static struct row_batch *queue_pop(struct row_queue *q)
{
	size_t n = sizeof(q->slot) / sizeof(q->slot[0]);
	struct row_batch *b = NULL;

	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && q->producers > 0)
		pthread_cond_wait(&q->changed, &q->lock);
	if (q->count) {
		b = q->slot[q->head];
		q->head = (q->head + 1) % n;
		q->count--;
		pthread_cond_broadcast(&q->changed);
	}
	pthread_mutex_unlock(&q->lock);
	return b;
}

/* Marks one producer done. */
static void queue_done(struct row_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->producers--;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

/* A record file to index, and where its blob lies in the packs. */
struct entry {
	git_oid oid;
	uint64_t key;                 /* crm_packs_key */
	char id[CRM_ID_LEN + 1];
	unsigned char type;
};

/* The record files of a tree, collected by collect_cb. */
struct entries {
	struct entry *e;
	size_t n, cap;
	struct crm_packs *packs;
};

static int collect_cb(const char *path, const git_oid *oid, void *data)
{
	struct entries *es = data;
	struct entry *e;
	enum crm_type t;
	char id[CRM_ID_LEN + 1];

	if (!crm_record_path_parse(path, &t, id))
		return 0;
	if (es->n == es->cap) {
		es->cap = es->cap ? es->cap * 2 : 1024;
		es->e = crm_xrealloc(es->e, es->cap * sizeof(*es->e));
	}
	e = &es->e[es->n++];
	git_oid_cpy(&e->oid, oid);
	e->key = crm_packs_key(es->packs, oid);
	memcpy(e->id, id, sizeof(id));
	e->type = (unsigned char)t;
	return 0;
}

/* Pack order; files in no pack last, by type and id. */
static int by_pack_order(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The record files of tree (NULL: none) into es, in pack order. */
static void collect_entries(struct crm_store *s, git_tree *tree,
			    struct entries *es)
{
	memset(es, 0, sizeof(*es));
	if (tree == NULL)
		return;
	es->packs = crm_packs_open(s->gitdir);
	crm_store_walk(s, tree, CRM_TYPE_ALL, collect_cb, es);
	crm_packs_close(es->packs);
	if (es->n > 0)
		qsort(es->e, es->n, sizeof(*es->e), by_pack_order);
}

/* Entries taken at a time by a reading thread: a run of the pack whose
 * delta bases its thread's cache then holds. */
#define READ_CHUNK 4096

struct load;

/* One reading thread. */
struct reader {
	struct load *ld;
	git_repository *repo;          /* its own: libgit2 objects are not
					  shared between threads */
	pthread_t thread;
	struct row_batch *spent;       /* indexed, for it to free */
};

/*
 * A rebuild's load: threads of their own read and parse the records, in
 * runs of the order the packs hold them in, and queue them as rows; the
 * rebuilding thread inserts the rows into the index and queues them on;
 * a last thread adds their text to the full-text index, which it builds
 * in a file of its own (SQLite writes a file from one connection at a
 * time, and that index is half the work), and gives them back to their
 * reader to free.
 */
struct load {
	struct crm_store *s;
	struct entries es;
	pthread_mutex_t lock;          /* next and the readers' spent lists */
	size_t next;                   /* first entry nobody has taken */
	struct row_queue read;         /* rows read, for the index */
	struct row_queue inserted;     /* rows in it, for the full text */
	bool failed;                   /* a write failed: only pass rows on */
	sqlite3 *fts_db;               /* the full-text index's own file */
	char fts_path[PATH_MAX];
	sqlite3_stmt *fts_insert, *names_insert;
	pthread_t fts_thread;
	int fts_rc;                    /* SQLite status of the full text */
	struct reader rd[4];
	size_t nreaders;
};

/* True once a write of the load has failed. */
static bool load_failed(struct load *ld)
{
	bool failed;

	pthread_mutex_lock(&ld->lock);
	failed = ld->failed;
	pthread_mutex_unlock(&ld->lock);
	return failed;
}

static void load_fail(struct load *ld)
{
	pthread_mutex_lock(&ld->lock);
	ld->failed = true;
	pthread_mutex_unlock(&ld->lock);
}

/* Takes the next chunk of entries into [*from, *to); false when none is
 * left or the load failed. */
static bool take_chunk(struct load *ld, size_t *from, size_t *to)
{
	size_t n = ld->es.n;

	pthread_mutex_lock(&ld->lock);
	*from = ld->failed ? n : ld->next;
	*to = n - *from < READ_CHUNK ? n : *from + READ_CHUNK;
	ld->next = *to;
	pthread_mutex_unlock(&ld->lock);
	return *from < *to;
}

/* Gives the indexed batch b back to the reader that made it. */
static void give_back(struct load *ld, struct row_batch *b)
{
	pthread_mutex_lock(&ld->lock);
	b->next = b->home->spent;
	b->home->spent = b;
	pthread_mutex_unlock(&ld->lock);
}

/* Frees the batches of reader r that were indexed meanwhile. */
static void free_spent(struct load *ld, struct reader *r)
{
	struct row_batch *spent;

	pthread_mutex_lock(&ld->lock);
	spent = r->spent;
	r->spent = NULL;
	pthread_mutex_unlock(&ld->lock);
	batches_free(spent);
}

/* A reading thread: entries into rows for the queue, chunk by chunk. */
static void *read_thread(void *data)
{
	struct reader *r = data;
	struct load *ld = r->ld;
	const struct entry *e;
	struct row_batch *b = NULL;
	struct index_row *row;
	size_t i, from, to;
	char path[64];

	while (take_chunk(ld, &from, &to)) {
		for (i = from; i < to; i++) {
			e = &ld->es.e[i];
			crm_record_path((enum crm_type)e->type, e->id, path,
					sizeof(path));
			if ((row = index_row_make(ld->s, r->repo, path, &e->oid)) == NULL)
				continue;
			if (b == NULL) {
				b = crm_xcalloc(1, sizeof(*b));
				b->home = r;
			}
			b->row[b->n++] = row;
			if (b->n == BATCH) {
				queue_push(&ld->read, b);
				b = NULL;
				free_spent(ld, r);
			}
		}
	}
	if (b != NULL)
		queue_push(&ld->read, b);
	queue_done(&ld->read);
	return NULL;
}

/* The CPUs a rebuild uses: those online, at most 4. */
static size_t cpu_count(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus < 1 ? 1 : cpus > 4 ? 4 : (size_t)cpus;
}

/* How many threads read and parse the records. */
static size_t reader_count(size_t nentries)
{
	return nentries < READ_CHUNK ? 1 : cpu_count();
}

/* Runs sql (several statements); SQLite's status. */
static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* The full-text index's thread: adds the text of each inserted row, then
 * merges the index into one segment. */
static void *fts_thread(void *data)
{
	struct load *ld = data;
	struct row_batch *b;
	size_t i;
	int rc = SQLITE_OK;

	while ((b = queue_pop(&ld->inserted)) != NULL) {
		if (rc == SQLITE_OK && load_failed(ld))
			rc = SQLITE_ABORT;
		for (i = 0; i < b->n && rc == SQLITE_OK; i++)
			rc = index_row_insert_fts(ld->fts_insert, ld->names_insert,
					b->row[i]);
		if (rc != SQLITE_OK)
			load_fail(ld);
		give_back(ld, b);
	}
	if (rc == SQLITE_OK)
		rc = exec(ld->fts_db, fts_finish_sql);
	ld->fts_rc = rc;
	return NULL;
}

/* Opens the full-text index's own file next to tmp, the index being
 * built, and starts its thread; nothing open or left when it fails. */
static int fts_start(struct load *ld, const char *tmp, struct crm_err *err)
{
	int rc;

	snprintf(ld->fts_path, sizeof(ld->fts_path), "%s-fts", tmp);
	unlink(ld->fts_path);
	if ((rc = db_open(ld->fts_path, &ld->fts_db, err)))
		return rc == CRM_ECORRUPT ? crm_seterr(err, CRM_ERR,
			_("cannot create the index '%s'"), ld->fts_path) : rc;
	if (exec(ld->fts_db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
			     "PRAGMA cache_size=-4096; BEGIN") ||
	    exec(ld->fts_db, fts_sql) || exec(ld->fts_db, bulk_sql) ||
	    sqlite3_prepare_v2(ld->fts_db, "INSERT INTO fts(rowid, text)"
			       " VALUES(?1, ?2)", -1, &ld->fts_insert, NULL) ||
	    sqlite3_prepare_v2(ld->fts_db, "INSERT INTO names(rowid, name)"
			       " VALUES(?1, ?2)", -1,
			       &ld->names_insert, NULL))
		rc = db_error(ld->fts_db, err, _("cannot build the index"));
	else if (pthread_create(&ld->fts_thread, NULL, fts_thread, ld) != 0)
		rc = crm_seterr(err, CRM_ERR, _("cannot start a thread"));
	if (rc != CRM_OK) {
		sqlite3_finalize(ld->fts_insert);
		sqlite3_finalize(ld->names_insert);
		sqlite3_close(ld->fts_db);
		ld->fts_db = NULL;
		unlink(ld->fts_path);
	}
	return rc;
}

/* Waits for the full-text index's thread (when started), then closes its
 * file; CRM_OK when it holds the whole full-text index. */
static int fts_finish(struct load *ld, struct crm_err *err)
{
	int rc = CRM_OK;

	if (ld->fts_db == NULL)
		return CRM_ERR;
	pthread_join(ld->fts_thread, NULL);
	if (ld->fts_rc != SQLITE_OK)
		rc = db_error(ld->fts_db, err, _("cannot build the index"));
	sqlite3_finalize(ld->fts_insert);
	sqlite3_finalize(ld->names_insert);
	sqlite3_close(ld->fts_db);
	ld->fts_db = NULL;
	return rc;
}

/* Starts the reading threads; returns how many started. */
static size_t start_readers(struct load *ld)
{
	struct reader *r;
	size_t i, started = 0;

	for (i = 0; i < ld->nreaders; i++) {
		r = &ld->rd[i];
		*r = (struct reader){ld, NULL, 0, NULL};
		if (git_repository_open_bare(&r->repo, ld->s->gitdir) < 0 ||
		    pthread_create(&r->thread, NULL, read_thread, r) != 0) {
			git_repository_free(r->repo);
			r->repo = NULL;
			queue_done(&ld->read);
			continue;
		}
		started++;
	}
	return started;
}

/* Waits for the reading threads. */
static void join_readers(struct load *ld)
{
	size_t i;

	for (i = 0; i < ld->nreaders; i++) {
		if (ld->rd[i].repo == NULL)
			continue;
		pthread_join(ld->rd[i].thread, NULL);
		git_repository_free(ld->rd[i].repo);
		ld->rd[i].repo = NULL;
	}
}

/* Inserts every row the readers queue into db and queues it on for the
 * full-text index (or, without a file of its own, adds it to db's).
 * Returns SQLite's status, SQLITE_ABORT when the full text failed. */
static int insert_all(struct load *ld, struct writer *w)
{
	struct row_batch *b;
	size_t i, n, done = 0, total = ld->es.n;
	int rc = SQLITE_OK;

	while ((b = queue_pop(&ld->read)) != NULL) {
		n = b->n; /* b is not this thread's once passed on */
		if (rc == SQLITE_OK && load_failed(ld))
			rc = SQLITE_ABORT;
		for (i = 0; i < b->n && rc == SQLITE_OK; i++) {
			rc = index_row_insert(w, b->row[i]);
			if (rc == SQLITE_OK && ld->fts_db == NULL)
				rc = index_row_insert_fts(w->fts, w->names, b->row[i]);
		}
		if (rc != SQLITE_OK)
			load_fail(ld);
		if (ld->fts_db)
			queue_push(&ld->inserted, b);
		else
			give_back(ld, b);
		if (ld->s->progress && (done + n) / 5000 != done / 5000)
			ld->s->progress(done + n, total, ld->s->progress_data);
		done += n;
	}
	queue_done(&ld->inserted);
	return rc;
}

/* Prepares ld for a load of s. */
static void load_init(struct load *ld, struct crm_store *s)
{
	memset(ld, 0, sizeof(*ld));
	ld->s = s;
	pthread_mutex_init(&ld->lock, NULL);
	queue_init(&ld->read, 0);
	queue_init(&ld->inserted, 1);
}

/* Frees what a load leaves once its threads are done. */
static void load_free(struct load *ld)
{
	size_t i;

	for (i = 0; i < ld->nreaders; i++)
		batches_free(ld->rd[i].spent);
	free(ld->es.e);
	queue_destroy(&ld->read);
	queue_destroy(&ld->inserted);
	pthread_mutex_destroy(&ld->lock);
}

/*
 * Indexes every record of tree (NULL: none) into the (empty) database
 * db, being built at tmp, as struct load says.  On CRM_OK the full-text
 * index is in ld's file of its own, its thread still merging it:
 * fts_finish waits for it.  On error nothing of it is left.  With tmp
 * NULL (a database in memory), the full text goes into db's own table.
 */
static int load_all(struct load *ld, sqlite3 *db, git_tree *tree,
		    const char *tmp, struct crm_err *err)
{
	struct writer w;
	size_t started;
	int rc = CRM_OK, src, frc;

	collect_entries(ld->s, tree, &ld->es);
	ld->nreaders = reader_count(ld->es.n);
	ld->read.producers = ld->nreaders;
	if (writer_start(&w, db) != 0)
		return db_error(db, err, _("cannot build the index"));
	w.bulk = true;
	if (tmp != NULL && (rc = fts_start(ld, tmp, err)) != CRM_OK) {
		writer_finish(&w);
		return rc;
	}
	/* Blobs come from the store's own object database, hashed when they
	 * were written: checking each hash again would cost a tenth of the
	 * rebuild. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	started = start_readers(ld);
	src = insert_all(ld, &w);
	join_readers(ld);
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
	writer_finish(&w);
	if (src == SQLITE_OK)
		src = sqlite3_exec(db, index_day_totals_sql, NULL, NULL, NULL);
	free(ld->es.e);
	ld->es.e = NULL;
	if (started < ld->nreaders)
		rc = crm_seterr(err, CRM_ERR, _("cannot start a thread"));
	else if (src != SQLITE_OK && src != SQLITE_ABORT)
		rc = db_error(db, err, _("cannot build the index"));
	if ((rc != CRM_OK || src != SQLITE_OK) && ld->fts_db != NULL) {
		frc = fts_finish(ld, rc == CRM_OK ? err : NULL);
		unlink(ld->fts_path);
		rc = rc == CRM_OK ? frc : rc;
	}
	if (rc == CRM_OK && ld->s->progress)
		ld->s->progress(ld->es.n, ld->es.n, ld->s->progress_data);
	return rc;
}

/* Copies the full-text index built in the file at path into db. */
static int fts_copy(sqlite3 *db, const char *path)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db, "ATTACH ?1 AS load", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	rc = step_once(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return rc;
	rc = exec(db, fts_copy_sql);
	if (rc != SQLITE_OK)
		exec(db, "ROLLBACK");
	exec(db, "DETACH load");
	return rc;
}

/* A record file that differs between HEAD and the index, or a directory
 * of records whose tree changed. */
struct change {
	char *path;
	sqlite3_int64 rid; /* its row in the index, or 0 */
	bool new;          /* it is there */
	git_oid oid;       /* new: its blob (or tree) */
};

/* The changes between HEAD and the index, as diff_index finds them. */
struct changes {
	git_repository *repo;
	sqlite3 *db;
	sqlite3_stmt *tree, *trees_under, *shard_rows;
	struct change *v;                 /* record files */
	size_t n, cap;
	struct change *dirs;              /* directories, for the trees table */
	size_t ndirs, capdirs;
};

/* Appends a change of path (at row rid, 0 when the index has none; now
 * new, NULL when gone) to *v (n of cap). */
static void push_change(struct change **v, size_t *n, size_t *cap,
			const char *path, sqlite3_int64 rid, const git_oid *new)
{
	struct change *ch;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = crm_xrealloc(*v, *cap * sizeof(**v));
	}
	ch = &(*v)[(*n)++];
	ch->path = crm_xstrdup(path);
	ch->rid = rid;
	ch->new = new != NULL;
	if (new)
		git_oid_cpy(&ch->oid, new);
}

/* Frees the changes c holds. */
static void changes_free(struct changes *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].path);
	for (i = 0; i < c->ndirs; i++)
		free(c->dirs[i].path);
	free(c->v);
	free(c->dirs);
	sqlite3_finalize(c->tree);
	sqlite3_finalize(c->trees_under);
	sqlite3_finalize(c->shard_rows);
}

/* True when the tree id the index holds for path is oid. */
static bool tree_unchanged(struct changes *c, const char *path,
			   const git_oid *oid)
{
	bool same;

	sqlite3_bind_text(c->tree, 1, path, -1, SQLITE_STATIC);
	same = sqlite3_step(c->tree) == SQLITE_ROW &&
	       sqlite3_column_bytes(c->tree, 0) == GIT_OID_RAWSZ &&
	       memcmp(sqlite3_column_blob(c->tree, 0), oid->id,
		      GIT_OID_RAWSZ) == 0;
	sqlite3_reset(c->tree);
	return same;
}

/* The id of the record file name ("ID.yaml") in shard into id; false
 * when it is none. */
static bool file_id(enum crm_type t, const char *shard, const char *name,
		    char id[CRM_ID_LEN + 1])
{
	char path[64];
	enum crm_type pt;

	snprintf(path, sizeof(path), "%s/%s/%s", crm_type_dir(t), shard, name);
	return crm_record_path_parse(path, &pt, id) && pt == t;
}

/*
 * Notes the record files of the shard (a directory named by the first
 * two characters of its records' ids) of type t whose tree in HEAD is
 * now (NULL: gone) that differ from the rows the index holds for it.
 * Both sides come sorted by id and are merged.
 */
static void diff_shard(struct changes *c, enum crm_type t, const char *shard,
		       git_tree *now)
{
	size_t i = 0, n = now ? git_tree_entrycount(now) : 0;
	const git_tree_entry *e = NULL;
	const char *have = NULL;
	char id[CRM_ID_LEN + 1], hi[3], path[64];
	sqlite3_int64 rid;
	bool row;
	int cmp;

	snprintf(hi, sizeof(hi), "%c%c", shard[0], shard[1] + 1);
	sqlite3_bind_text(c->shard_rows, 1, shard, 2, SQLITE_STATIC);
	sqlite3_bind_text(c->shard_rows, 2, hi, -1, SQLITE_STATIC);
	sqlite3_bind_int(c->shard_rows, 3, (int)t);
	row = sqlite3_step(c->shard_rows) == SQLITE_ROW;
	for (;;) {
		while (e == NULL && i < n) {
			e = git_tree_entry_byindex(now, i++);
			if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
			    !file_id(t, shard, git_tree_entry_name(e), id))
				e = NULL;
		}
		have = row ? (const char *)sqlite3_column_text(c->shard_rows, 0)
			   : NULL;
		rid = row ? sqlite3_column_int64(c->shard_rows, 2) : 0;
		if (e == NULL && have == NULL)
			break;
		cmp = e == NULL ? 1 : have == NULL ? -1 : strcmp(id, have);
		snprintf(path, sizeof(path), "%s/%s/%s.yaml", crm_type_dir(t),
			 shard, cmp <= 0 ? id : have);
		if (cmp > 0) {          /* gone */
			push_change(&c->v, &c->n, &c->cap, path, rid, NULL);
		} else if (cmp < 0) {   /* new */
			push_change(&c->v, &c->n, &c->cap, path, 0,
				    git_tree_entry_id(e));
		} else if (sqlite3_column_bytes(c->shard_rows, 1) != GIT_OID_RAWSZ ||
			   memcmp(sqlite3_column_blob(c->shard_rows, 1),
				  git_tree_entry_id(e)->id, GIT_OID_RAWSZ) != 0) {
			push_change(&c->v, &c->n, &c->cap, path, rid,
				    git_tree_entry_id(e));
		}
		if (cmp >= 0)
			row = sqlite3_step(c->shard_rows) == SQLITE_ROW;
		if (cmp <= 0)
			e = NULL;
	}
	sqlite3_reset(c->shard_rows);
}

/* True when name can be a shard: two characters of an id. */
static bool shard_name(const char *name)
{
	return name[0] && name[1] && !name[2] &&
	       strchr(CRM_ID_ALPHABET, name[0]) && strchr(CRM_ID_ALPHABET, name[1]);
}

/* Diffs the shard entry e of type t's directory in HEAD (NULL: gone,
 * named name) against the index.  -1 when its tree cannot be read. */
static int diff_shard_entry(struct changes *c, enum crm_type t,
			    const char *name, const git_tree_entry *e)
{
	char path[64];
	git_tree *now = NULL;

	snprintf(path, sizeof(path), "%s/%s", crm_type_dir(t), name);
	if (e && tree_unchanged(c, path, git_tree_entry_id(e)))
		return 0;
	if (e && git_tree_lookup(&now, c->repo, git_tree_entry_id(e)) < 0)
		return -1;
	if (shard_name(name))
		diff_shard(c, t, name, now);
	push_change(&c->dirs, &c->ndirs, &c->capdirs, path, 0,
		    e ? git_tree_entry_id(e) : NULL);
	git_tree_free(now);
	return 0;
}

/*
 * Notes the records of type t that differ between HEAD, whose directory
 * for t is dir (NULL: none), and the index: only the shards whose tree
 * id changed are read.  -1 when a tree cannot be read.
 */
static int diff_type(struct changes *c, enum crm_type t, git_tree *dir)
{
	char lo[32], hi[32];
	const git_tree_entry *e;
	const char *path;
	size_t i, n = dir ? git_tree_entrycount(dir) : 0;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		e = git_tree_entry_byindex(dir, i);
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
			rc = diff_shard_entry(c, t, git_tree_entry_name(e), e);
	}
	/* shards the index has that HEAD has no more */
	snprintf(lo, sizeof(lo), "%s/", crm_type_dir(t));
	snprintf(hi, sizeof(hi), "%s0", crm_type_dir(t));
	sqlite3_bind_text(c->trees_under, 1, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(c->trees_under, 2, hi, -1, SQLITE_STATIC);
	while (rc == 0 && sqlite3_step(c->trees_under) == SQLITE_ROW) {
		path = (const char *)sqlite3_column_text(c->trees_under, 0) +
		       strlen(lo);
		e = dir ? git_tree_entry_byname(dir, path) : NULL;
		if (e == NULL || git_tree_entry_type(e) != GIT_OBJECT_TREE)
			rc = diff_shard_entry(c, t, path, NULL);
	}
	sqlite3_reset(c->trees_under);
	return rc;
}

/*
 * Notes what differs between the tree head (HEAD's) and the index: the
 * record files, and the directories whose tree id changed.  The index
 * holds the id of every directory of records and of every file, so only
 * HEAD's trees that changed are read, not those of the commit the index
 * reflects (which may be gone).  -1 when a tree cannot be read.
 */
static int diff_index(struct changes *c, git_tree *head)
{
	const git_tree_entry *e;
	git_tree *dir;
	int t, rc = 0;

	if (sqlite3_prepare_v2(c->db, "SELECT oid FROM trees WHERE path = ?1",
			       -1, &c->tree, NULL) ||
	    sqlite3_prepare_v2(c->db, "SELECT path FROM trees WHERE path > ?1"
			       " AND path < ?2", -1, &c->trees_under, NULL) ||
	    sqlite3_prepare_v2(c->db, "SELECT id, blob, rid FROM records"
			       " INDEXED BY records_file WHERE type = ?3"
			       " AND id >= ?1 AND id < ?2 ORDER BY id", -1,
			       &c->shard_rows, NULL))
		return -1;
	for (t = 0; t < CRM_NTYPES && rc == 0; t++) {
		e = git_tree_entry_byname(head, crm_type_dir(t));
		if (e && git_tree_entry_type(e) != GIT_OBJECT_TREE)
			e = NULL;
		if (e && tree_unchanged(c, crm_type_dir(t), git_tree_entry_id(e)))
			continue;
		dir = NULL;
		if (e && git_tree_lookup(&dir, c->repo, git_tree_entry_id(e)) < 0)
			return -1;
		rc = diff_type(c, (enum crm_type)t, dir);
		push_change(&c->dirs, &c->ndirs, &c->capdirs, crm_type_dir(t),
			    0, e ? git_tree_entry_id(e) : NULL);
		git_tree_free(dir);
	}
	return rc;
}

/* Writes the tree id of each changed directory of c (or removes it). */
static int store_dirs(sqlite3 *db, const struct changes *c)
{
	sqlite3_stmt *put = NULL, *del = NULL;
	const struct change *d;
	size_t i;
	int rc;

	rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO trees VALUES(?1, ?2)",
				-1, &put, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "DELETE FROM trees WHERE path = ?1",
					-1, &del, NULL);
	for (i = 0; i < c->ndirs && rc == SQLITE_OK; i++) {
		d = &c->dirs[i];
		if (d->new) {
			sqlite3_bind_text(put, 1, d->path, -1, SQLITE_STATIC);
			sqlite3_bind_blob(put, 2, d->oid.id, GIT_OID_RAWSZ,
					  SQLITE_STATIC);
			rc = step_once(put);
		} else {
			sqlite3_bind_text(del, 1, d->path, -1, SQLITE_STATIC);
			rc = step_once(del);
		}
	}
	sqlite3_finalize(put);
	sqlite3_finalize(del);
	return rc;
}

/* Records in the trees table the id of each directory of root (NULL:
 * none) that holds records: each type's and each directory in it.
 * Returns SQLite's status, SQLITE_ERROR when a tree cannot be read. */
static int store_trees(git_repository *repo, sqlite3 *db, git_tree *root)
{
	struct changes c = {.repo = repo};
	const git_tree_entry *e;
	git_tree *dir;
	char path[64];
	size_t i;
	int t, rc = SQLITE_OK;

	for (t = 0; t < CRM_NTYPES && root && rc == SQLITE_OK; t++) {
		e = git_tree_entry_byname(root, crm_type_dir(t));
		if (e == NULL || git_tree_entry_type(e) != GIT_OBJECT_TREE)
			continue;
		if (git_tree_lookup(&dir, repo, git_tree_entry_id(e)) < 0) {
			rc = SQLITE_ERROR;
			break;
		}
		push_change(&c.dirs, &c.ndirs, &c.capdirs, crm_type_dir(t), 0,
			    git_tree_entry_id(e));
		for (i = 0; i < git_tree_entrycount(dir); i++) {
			e = git_tree_entry_byindex(dir, i);
			if (git_tree_entry_type(e) != GIT_OBJECT_TREE)
				continue;
			snprintf(path, sizeof(path), "%s/%s", crm_type_dir(t),
				 git_tree_entry_name(e));
			push_change(&c.dirs, &c.ndirs, &c.capdirs, path, 0,
				    git_tree_entry_id(e));
		}
		git_tree_free(dir);
	}
	if (rc == SQLITE_OK)
		rc = store_dirs(db, &c);
	changes_free(&c);
	return rc;
}

/* Removes the database and its WAL companions. */
static void remove_db(const struct crm_store *s)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < 3; i++) {
		db_path(s, suffixes[i], path, sizeof(path));
		unlink(path);
	}
}

/* Removes the half-built index files of rebuilds whose process died. */
static void remove_dead_rebuilds(const struct crm_store *s)
{
	char dir[PATH_MAX], path[PATH_MAX + 300];
	struct dirent *de;
	DIR *d;
	long pid;

	snprintf(dir, sizeof(dir), "%s/crm", s->gitdir);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (sscanf(de->d_name, "index.db.new-%ld", &pid) != 1 ||
		    (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
}

/*
 * Completes the index load_all filled into db for commit hex: makes its
 * indexes while the full-text index merges on its thread, then copies
 * that in.  Waits for the thread and removes its file in every case.
 */
static int finish_index(sqlite3 *db, struct load *ld, const char *hex,
			struct crm_err *err)
{
	char version[32], threads[32];
	int rc, frc;

	snprintf(version, sizeof(version), "PRAGMA user_version=%d",
		 CRM_INDEX_FORMAT);
	snprintf(threads, sizeof(threads), "PRAGMA threads=%zu", cpu_count());
	exec(db, threads); /* sorts for the indexes on several CPUs */
	rc = exec(db, indexes_sql) || set_commit(db, hex) ||
	     set_region(db, ld->s->cfg.default_region) ||
	     set_config(db, ld->s->cfg_sum) ||
	     exec(db, version) || exec(db, "COMMIT") ?
	     db_error(db, err, _("cannot build the index")) : CRM_OK;
	frc = fts_finish(ld, rc == CRM_OK ? err : NULL);
	if (rc == CRM_OK && (rc = frc) == CRM_OK &&
	    (fts_copy(db, ld->fts_path) || exec(db, analyze_sql) ||
	     exec(db, "PRAGMA journal_mode=WAL")))
		rc = db_error(db, err, _("cannot build the index"));
	unlink(ld->fts_path);
	return rc;
}

/*
 * Builds a whole new index for HEAD in a file of its own, then renames it
 * over the old one, so that readers never see a half-built index.
 */
static int rebuild(struct crm_store *s, struct crm_err *err)
{
	char tmp[PATH_MAX], path[PATH_MAX], hex[GIT_OID_HEXSZ + 1] = "";
	char suffix[32];
	struct load ld;
	git_tree *tree;
	sqlite3 *db = NULL;
	int rc;

	if ((rc = crm_store_head_tree(s, &tree, err)))
		return rc;
	if (tree)
		git_oid_tostr(hex, sizeof(hex), &s->head_oid);
	remove_dead_rebuilds(s);
	snprintf(suffix, sizeof(suffix), ".new-%ld", (long)getpid());
	db_path(s, suffix, tmp, sizeof(tmp));
	unlink(tmp);
	if ((rc = db_open(tmp, &db, err)))
		return rc == CRM_ECORRUPT ? crm_seterr(err, CRM_ERR,
			_("cannot create the index '%s'"), tmp) : rc;
	load_init(&ld, s);
	if (exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
		     "PRAGMA cache_size=-16384; BEGIN") ||
	    exec(db, index_tables_sql()) || exec(db, fts_sql) ||
	    store_trees(s->repo, db, tree)) {
		rc = db_error(db, err, _("cannot build the index"));
		goto fail;
	}
	if ((rc = load_all(&ld, db, tree, tmp, err)) ||
	    (rc = finish_index(db, &ld, hex, err)) ||
	    (rc = crm_phone_load_status(err)))
		goto fail;
	sqlite3_close(db);
	load_free(&ld);
	crm_index_close(s);
	remove_db(s);
	db_path(s, "", path, sizeof(path));
	if (rename(tmp, path) != 0) {
		note_errno_io();
		rc = crm_seterr(err, CRM_ERR, _("cannot rename '%s': %s"), tmp,
				strerror(errno));
		unlink(tmp);
		return rc;
	}
	return CRM_OK;
fail:
	sqlite3_close(db);
	load_free(&ld);
	unlink(tmp);
	return rc;
}

static int by_rid(const void *a, const void *b)
{
	sqlite3_int64 x = *(const sqlite3_int64 *)a, y = *(const sqlite3_int64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Applies the changes c to the index: first every old row goes, in the
 * order of its row id, then the new ones come.  The full-text index
 * takes its entries in rising row ids; one out of order makes it write
 * out what it holds, and a thousand such writes made a pull of a thousand
 * records cost seconds.
 */
static int apply_changes(struct crm_store *s, struct writer *w,
			 const struct changes *c)
{
	sqlite3_int64 *rids = crm_xcalloc(c->n + 1, sizeof(*rids));
	size_t i, n = 0;
	int rc = SQLITE_OK;

	for (i = 0; i < c->n; i++)
		if (c->v[i].rid)
			rids[n++] = c->v[i].rid;
	qsort(rids, n, sizeof(*rids), by_rid);
	for (i = 0; i < n && rc == SQLITE_OK; i++)
		rc = index_row_delete(w, rids[i]);
	for (i = 0; i < c->n && rc == SQLITE_OK; i++)
		if (c->v[i].new)
			rc = index_blob(s, w, c->v[i].path, &c->v[i].oid);
	free(rids);
	return rc;
}

/* Re-indexes the records that differ between HEAD's tree head and the
 * index, in the open transaction of db.  CRM_EREBUILD when a tree cannot
 * be read: the caller rebuilds. */
static int update_changed(struct crm_store *s, sqlite3 *db, git_tree *head,
			  struct crm_err *err)
{
	struct changes c = {.repo = s->repo, .db = db};
	struct writer w;
	int rc = CRM_OK, st;

	/* as for a rebuild: the objects are the store's own, hashed when
	 * they were written */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	if (diff_index(&c, head) != 0) {
		rc = CRM_EREBUILD;
	} else if (writer_start(&w, db) != 0) {
		rc = db_error(db, err, _("cannot update the index"));
	} else {
		st = apply_changes(s, &w, &c);
		if (st == SQLITE_OK)
			st = writer_flush(&w);
		if (st == SQLITE_OK)
			st = store_dirs(db, &c);
		if (st != SQLITE_OK)
			rc = is_corrupt(st) ? CRM_ECORRUPT : db_error(db, err,
					_("cannot update the index"));
		writer_finish(&w);
	}
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
	changes_free(&c);
	return rc;
}

/* The rows of files that did not parse: row id, path and blob id. */
struct broken_rows {
	sqlite3_int64 *rid;
	char (*path)[64];
	git_oid *oid;
	size_t n;
};

/* Reads the broken rows of db into b; SQLite's status. */
static int read_broken(sqlite3 *db, struct broken_rows *b)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "SELECT rid, type, id, blob FROM records"
				    " INDEXED BY records_broken"
				    " WHERE broken IS NOT NULL", -1, &st, NULL);
	const char *id;

	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = (const char *)sqlite3_column_text(st, 2);
		if (id == NULL || sqlite3_column_bytes(st, 3) != GIT_OID_RAWSZ)
			continue;
		b->rid = crm_xrealloc(b->rid, (b->n + 1) * sizeof(*b->rid));
		b->path = crm_xrealloc(b->path, (b->n + 1) * sizeof(*b->path));
		b->oid = crm_xrealloc(b->oid, (b->n + 1) * sizeof(*b->oid));
		b->rid[b->n] = sqlite3_column_int64(st, 0);
		crm_record_path((enum crm_type)sqlite3_column_int(st, 1), id,
				b->path[b->n], sizeof(b->path[b->n]));
		memcpy(b->oid[b->n].id, sqlite3_column_blob(st, 3), GIT_OID_RAWSZ);
		b->n++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * crm.yaml is not the one the index's records were checked against:
 * the files that did not parse are read again (what crm.yaml lists
 * never breaks a record, but the kinds it declares may have), and the
 * new fingerprint is kept, in the open transaction of db.
 */
static int recheck_config(struct crm_store *s, sqlite3 *db,
			  struct crm_err *err)
{
	struct broken_rows b = {0};
	struct writer w;
	size_t i;
	int st;

	if ((st = crm_store_repo(s, err)))
		return st;
	st = read_broken(db, &b);
	if (st == SQLITE_OK && b.n && (st = writer_start(&w, db)) == SQLITE_OK) {
		for (i = 0; i < b.n && st == SQLITE_OK; i++)
			st = index_row_delete(&w, b.rid[i]);
		for (i = 0; i < b.n && st == SQLITE_OK; i++)
			st = index_blob(s, &w, b.path[i], &b.oid[i]);
		if (st == SQLITE_OK)
			st = writer_flush(&w);
		writer_finish(&w);
	}
	if (st == SQLITE_OK)
		st = set_config(db, s->cfg_sum);
	free(b.rid);
	free(b.path);
	free(b.oid);
	if (st != SQLITE_OK)
		return is_corrupt(st) ? CRM_ECORRUPT : db_error(db, err,
				_("cannot update the index"));
	return CRM_OK;
}

/*
 * Brings an open, well-formed index up to HEAD.  CRM_ECORRUPT when it
 * turned out corrupt and CRM_EREBUILD when it needs a rebuild.
 */
static int refresh(struct crm_store *s, struct crm_err *err)
{
	char have[41], want[GIT_OID_HEXSZ + 1] = "";
	git_tree *head;
	bool same_config;
	int rc;

	if ((rc = db_commit(s->db, have)) != SQLITE_OK)
		return is_corrupt(rc) ? CRM_ECORRUPT : CRM_EREBUILD;
	same_config = db_config_is(s->db, s->cfg_sum);
	/* The common case, answered without opening the repository. */
	if (same_config && have[0] && crm_store_head_hex(s, want) &&
	    strcmp(have, want) == 0)
		return CRM_OK;
	if ((rc = crm_store_head_tree(s, &head, err)))
		return rc;
	want[0] = '\0';
	if (head)
		git_oid_tostr(want, sizeof(want), &s->head_oid);
	if (same_config && strcmp(have, want) == 0)
		return CRM_OK;
	rc = exec(s->db, "BEGIN IMMEDIATE");
	if (rc == SQLITE_OK)
		rc = db_commit(s->db, have); /* another process may have done it */
	if (rc != SQLITE_OK) {
		exec(s->db, "ROLLBACK");
		return is_corrupt(rc) ? CRM_ECORRUPT : db_error(s->db, err,
						_("cannot update the index"));
	}
	if (strcmp(have, want) != 0) {
		rc = head ? update_changed(s, s->db, head, err) : CRM_EREBUILD;
		if (rc == CRM_OK)
			rc = crm_phone_load_status(err);
		if (rc == CRM_OK && set_commit(s->db, want) != SQLITE_OK)
			rc = db_error(s->db, err, _("cannot update the index"));
	}
	if (rc == CRM_OK && !db_config_is(s->db, s->cfg_sum))
		rc = recheck_config(s, s->db, err);
	if (rc != CRM_OK) {
		exec(s->db, "ROLLBACK");
		return rc;
	}
	if (exec(s->db, "COMMIT") != SQLITE_OK)
		return db_error(s->db, err, _("cannot update the index"));
	return CRM_OK;
}

/* Opens the existing index file; CRM_EREBUILD when it is missing or of
 * another format, CRM_ECORRUPT when corrupt. */
static int open_existing(struct crm_store *s, struct crm_err *err)
{
	char path[PATH_MAX];
	int rc;

	db_path(s, "", path, sizeof(path));
	if (access(path, F_OK) != 0)
		return CRM_EREBUILD;
	if ((rc = db_open(path, &s->db, err)))
		return rc;
	if (db_format(s->db) != CRM_INDEX_FORMAT ||
	    !db_region_is(s->db, s->cfg.default_region)) {
		crm_index_close(s);
		return CRM_EREBUILD;
	}
	return CRM_OK;
}

bool crm_index_discard_if_corrupt(struct crm_store *s)
{
	if (s->db == NULL || !is_corrupt(sqlite3_errcode(s->db)))
		return false;
	crm_index_close(s);
	remove_db(s);
	return true;
}

void crm_index_close(struct crm_store *s)
{
	if (s->db)
		sqlite3_close_v2(s->db);
	s->db = NULL;
	s->db_fresh = false;
}

/* Makes sure .git/crm exists. */
static void make_state_dir(const struct crm_store *s)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/crm", s->gitdir);
	mkdir(path, 0777);
}

/* Builds the index in memory, for this process only: the store cannot be
 * written (a read-only file system or directory). */
static int memory_index(struct crm_store *s, struct crm_err *err)
{
	char hex[GIT_OID_HEXSZ + 1] = "";
	struct load ld;
	git_tree *tree;
	sqlite3 *db;
	int rc;

	crm_index_close(s);
	if ((rc = crm_store_head_tree(s, &tree, err)) ||
	    (rc = db_open(":memory:", &db, err)))
		return rc;
	if (tree)
		git_oid_tostr(hex, sizeof(hex), &s->head_oid);
	load_init(&ld, s);
	if (exec(db, index_tables_sql()) || exec(db, fts_sql) ||
	    store_trees(s->repo, db, tree) ||
	    (rc = load_all(&ld, db, tree, NULL, err)) ||
	    (rc = crm_phone_load_status(err)) ||
	    exec(db, indexes_sql) || exec(db, analyze_sql) ||
	    set_commit(db, hex) || set_region(db, s->cfg.default_region) ||
	    set_config(db, s->cfg_sum)) {
		rc = rc ? rc : db_error(db, err, _("cannot build the index"));
		load_free(&ld);
		sqlite3_close(db);
		return rc;
	}
	load_free(&ld);
	s->db = db;
	s->db_fresh = true;
	return CRM_OK;
}

/* In a store crm cannot write: the index on disk when it reflects HEAD
 * (opened read-only, as an immutable file), else one built in memory. */
static int readonly_index(struct crm_store *s, struct crm_err *err)
{
	char path[PATH_MAX], uri[PATH_MAX + 32], have[41], want[GIT_OID_HEXSZ + 1];
	sqlite3 *db = NULL;

	db_path(s, "", path, sizeof(path));
	snprintf(uri, sizeof(uri), "file:%s?immutable=1", path);
	if (access(path, R_OK) == 0 &&
	    sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
			    SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
	    db_format(db) == CRM_INDEX_FORMAT &&
	    db_region_is(db, s->cfg.default_region) &&
	    db_config_is(db, s->cfg_sum) &&
	    db_commit(db, have) == SQLITE_OK &&
	    crm_store_head_hex(s, want) && strcmp(have, want) == 0) {
		crm_sql_register(db);
		crm_index_close(s);
		s->db = db;
		s->db_fresh = true;
		return CRM_OK;
	}
	sqlite3_close(db);
	return memory_index(s, err);
}

/* True when crm may write its state under .git/crm. */
static bool state_writable(const struct crm_store *s)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/crm", s->gitdir);
	return access(path, W_OK) == 0;
}

/* Opens, refreshes or rebuilds the index file, into s->db. */
static int index_on_disk(struct crm_store *s, struct crm_err *err)
{
	int rc, attempt;

	for (attempt = 0; attempt < 3; attempt++) {
		rc = s->db ? CRM_OK : open_existing(s, err);
		if (rc == CRM_OK)
			rc = refresh(s, err);
		if (rc == CRM_OK) {
			s->db_fresh = true;
			return CRM_OK;
		}
		if (rc != CRM_EREBUILD && rc != CRM_ECORRUPT)
			return rc;
		/* missing, corrupt, of another format, or history rewritten */
		crm_index_close(s);
		if ((rc = rebuild(s, err)))
			return rc;
	}
	return crm_seterr(err, CRM_ERR, _("cannot open the index"));
}

/*
 * The index for a store whose .git/crm cannot be written (read-only, or
 * the disk full): the file as it is when it reflects HEAD, else one built
 * in memory.  failed is the status of the failed write (CRM_OK: none),
 * returned with its message if this fails too.
 */
static int index_in_memory(struct crm_store *s, sqlite3 **db, int failed,
			   struct crm_err *err)
{
	struct crm_err saved = {0};
	int rc;

	if (err)
		saved = *err;
	crm_index_close(s);
	rc = readonly_index(s, err);
	if (rc == CRM_OK) {
		*db = s->db;
		return CRM_OK;
	}
	if (failed != CRM_OK && err)
		*err = saved;
	return failed != CRM_OK ? failed : rc;
}

int crm_store_index(struct crm_store *s, sqlite3 **db, struct crm_err *err)
{
	int rc;

	*db = NULL;
	if (s->db && s->db_fresh) {
		*db = s->db;
		return CRM_OK;
	}
	make_state_dir(s);
	if (!state_writable(s))
		return index_in_memory(s, db, CRM_OK, err);
	__atomic_store_n(&index_io_failed, false, __ATOMIC_RELAXED);
	rc = index_on_disk(s, err);
	if (rc == CRM_OK) {
		*db = s->db;
		return CRM_OK;
	}
	if (!__atomic_load_n(&index_io_failed, __ATOMIC_RELAXED))
		return rc;
	return index_in_memory(s, db, rc, err);
}

int crm_store_reindex(struct crm_store *s, crm_progress_cb progress,
		      void *data, struct crm_err *err)
{
	crm_progress_cb saved = s->progress;
	void *saved_data = s->progress_data;
	sqlite3 *db;
	int rc;

	make_state_dir(s);
	s->progress = progress;
	s->progress_data = data;
	crm_index_close(s);
	rc = rebuild(s, err);
	s->progress = saved;
	s->progress_data = saved_data;
	return rc ? rc : crm_store_index(s, &db, err);
}

void crm_store_set_progress(struct crm_store *s, crm_progress_cb progress,
			    void *data)
{
	s->progress = progress;
	s->progress_data = data;
}
