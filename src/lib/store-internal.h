/*
 * store-internal.h - the store's private state, shared by the library files
 * that implement it (store.c, commit.c, history.c).
 */
#ifndef CRM_STORE_INTERNAL_H
#define CRM_STORE_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/repository.h>

#include "crm.h"

struct crm_store {
	char *root;               /* work tree, no trailing slash */
	char *gitdir;             /* root/.git */
	git_repository *repo;
	struct crm_config cfg;
	char cfg_sum[17];         /* crm.yaml's fingerprint (crm_config_sum) */
	const struct crm_user *user;
	int lockfd;               /* -1 when not locked */
	git_tree *head_tree;      /* cached; NULL when unborn or not loaded */
	git_oid head_oid;         /* commit the cached tree belongs to */
	bool head_loaded;
	bool writable_checked;    /* no conflicted file (gitstate.c) */
	struct crm_timings timings;
	struct sqlite3 *db;       /* the index, once opened */
	bool db_fresh;            /* checked against HEAD by this process */
	time_t now;               /* what hand-edited dates count from */
	crm_progress_cb progress; /* for automatic rebuilds */
	void *progress_data;
};

/* When the index's last error says the file is corrupt, closes and
 * removes it (the next crm_store_index rebuilds) and returns true. */
bool crm_index_discard_if_corrupt(struct crm_store *s);
/* Closes the index (store.c calls it from crm_store_close). */
void crm_index_close(struct crm_store *s);

/* Sets err from libgit2's last error, with what was being done. */
int crm_git_error(struct crm_err *err, const char *what);
/* Opens the git repository (and libgit2) on first use: a read answered
 * by a fresh index never pays for it. */
int crm_store_repo(struct crm_store *s, struct crm_err *err);
/* HEAD's commit id read from the files (.git/HEAD, the branch's loose ref
 * or packed-refs) without libgit2; false when it cannot tell. */
bool crm_store_head_hex(struct crm_store *s, char hex[GIT_OID_HEXSZ + 1]);
/* HEAD's tree (cached, owned by the store); *tree NULL for an unborn HEAD. */
int crm_store_head_tree(struct crm_store *s, git_tree **tree,
			struct crm_err *err);
/* Forgets the cached HEAD (after a commit). */
void crm_store_forget_head(struct crm_store *s);
/* Reads blob text at path of tree; caller frees *buf. CRM_ENOTFOUND if none. */
int crm_tree_read(git_repository *repo, git_tree *tree, const char *path,
		  char **buf, size_t *len, struct crm_err *err);
/* Called with each record file's path and blob id; non-zero stops. */
typedef int (*crm_blob_cb)(const char *path, const git_oid *oid, void *data);
/* Walks the record files of the types in mask under the tree root, shard
 * by shard, without reading them.  Returns what stopped it, or 0. */
int crm_store_walk(struct crm_store *s, git_tree *root, unsigned mask,
		   crm_blob_cb cb, void *data);
/* Parses a record file's text read from path, prefixing errors with it. */
int crm_store_parse_path(struct crm_store *s, const char *path,
			 const char *buf, size_t len, struct crm_record **out,
			 struct crm_err *err);
/* The same for a file a person wrote (crm_record_parse_input, relative
 * to the store's now). */
int crm_store_parse_input_path(struct crm_store *s, const char *path,
			       const char *buf, size_t len,
			       struct crm_record **out, struct crm_err *err);
/* The pack indexes of a repository (and of its alternates), mapped. */
struct crm_packs;
struct crm_packs *crm_packs_open(const char *gitdir);
/* A number that sorts objects by pack and by offset in it: the order
 * they were written in; UINT64_MAX for an object in no known pack. */
uint64_t crm_packs_key(const struct crm_packs *p, const git_oid *oid);
void crm_packs_close(struct crm_packs *p);
/*
 * Writes the n objects oids of odb into the object directory of gitdir
 * as one new pack (version 2, see gitformat-pack(5)) with its index:
 * each object whole (no deltas) and compressed, in that order.  The ids
 * must differ.  The caller then refreshes its object databases.
 */
int crm_pack_write(const char *gitdir, git_odb *odb, const git_oid *oids,
		   size_t n, struct crm_err *err);
/*
 * A repository (*mem, caller frees) whose objects are the store's, read
 * only, and those written into it, which go into the mempack backend *mp
 * (owned by *mem), so that a bulk change can write its pack at once.
 */
int crm_store_mem_repo(struct crm_store *s, git_repository **mem,
		       git_odb_backend **mp, struct crm_err *err);
/* Loads zlib (for crm_pack_write) as libgit2 is.  CRM_ERR when it
 * cannot be. */
int crm_zlib_load(struct crm_err *err);

/* A library crm is not linked with, loaded when first needed (dl.c). */
struct crm_dl {
	const char *soname;
	pthread_mutex_t lock;
	bool tried;
	void *handle;
	char error[256];
};
/* Loads l, once; CRM_ERR with dlopen's reason when it cannot be. */
int crm_dl_load(struct crm_dl *l, struct crm_err *err);
/*
 * The function name of l, through *slot, which caches it (threads may
 * look it up at once; they find the same).  crm_dl_load succeeds before
 * the first call wherever crm needs l, so a failure here means a library
 * without a function of its own API: crm cannot go on, and aborts.
 */
void *crm_dl_resolve(struct crm_dl *l, void **slot, const char *name);

/* The paths of the files that differ between trees a and b (either may
 * be NULL), in path order (history.c).  Caller frees each and *paths. */
int crm_tree_changed_paths(git_repository *repo, git_tree *a, git_tree *b,
			   char ***paths, size_t *n);
/* The value of trailer key ("Crm-Command") in a commit message, or NULL.
 * Caller owns it. */
char *crm_commit_trailer(const char *message, const char *key);

/* One change of a transaction, as the checks before a commit see it. */
struct crm_txn_item {
	const char *path;
	struct crm_record *rec; /* a record to write (changed in place by
				   crm_record_apply_change), or NULL */
	const char *buf;        /* raw bytes to write, or NULL */
	size_t len;
	const struct crm_record *before; /* HEAD's version, if has_before */
	bool has_before;        /* else it is read from HEAD */
};
/*
 * The checks of a transaction before it commits (txncheck.c): each record
 * goes through crm_record_apply_change against HEAD's version, with the
 * configuration the commit leaves (its crm.yaml when it writes one), the
 * store's user and now; a crm.yaml it writes must parse and must keep
 * every user, pipeline and stage that records use; a record it removes
 * may not be one that other records will still refer to, unless
 * allow_dangling.  Messages start with the file's path.
 */
int crm_txn_check(struct crm_store *s, struct crm_txn_item *items, size_t n,
		  bool allow_dangling,
		  struct crm_err *err);
/* What the automation rules add to a transaction: the tasks they made
 * (checked, owned) and "Crm-Automation: ..." trailer lines. */
struct crm_txn_made {
	struct crm_record **recs;
	size_t n;
	struct crm_buf trailers;
};
void crm_txn_made_free(struct crm_txn_made *m);
/* crm_txn_check that also runs the automation rules of the
 * configuration the commit leaves, the tasks they make into *made
 * (NULL: no rules run): a deal created runs the rules on: created, a
 * deal whose stage changed those of the stage it entered (one that
 * jumps several stages runs only those of the last).  A task whose id
 * is already in the store or in the change is not made again.  A rule
 * with a problem that would fire refuses the change. */
int crm_txn_check_rules(struct crm_store *s, struct crm_txn_item *items,
			size_t n, bool allow_dangling,
			struct crm_txn_made *made, struct crm_err *err);
/* The part of it for crm.yaml: refuses when to (the new configuration)
 * drops a user, pipeline or stage that records use, items (the records
 * written with it, the files removed) counted as they will be, against
 * HEAD's crm.yaml (nothing is checked when HEAD has none that parses). */
int crm_txn_check_orphans(struct crm_store *s, const struct crm_config *to,
			  const struct crm_txn_item *items, size_t n,
			  struct crm_err *err);

/* The fingerprint of crm.yaml's text buf[0..len) into sum: 16 hex
 * digits of its 64-bit FNV-1a hash; the index keeps the one its records
 * were checked against (meta 'config'). */
void crm_config_sum(const char *buf, size_t len, char sum[17]);

/* Milliseconds on a monotonic clock. */
double crm_now_ms(void);

/*
 * The guard against lost hand edits, run by crm_txn_commit() before it
 * writes anything: every path t writes or removes must hold in the work
 * tree what its writer started from (HEAD's version in tree head, NULL
 * when unborn, unless crm_txn_expect() said otherwise), else CRM_ERR
 * naming the file, with hints to commit or drop the edit.  A path that
 * cannot be read safely (a link on the way, not a regular file) is
 * refused too.
 */
int crm_txn_check_worktree(struct crm_txn *t, git_tree *head,
			   struct crm_err *err);


#endif
