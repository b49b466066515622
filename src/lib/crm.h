/*
 * crm.h - the crm library: records, their YAML form, the store and its git
 * history.  Library code never prints, never exits and never reads the
 * environment: every failure is a status code plus a one-line message on a
 * struct crm_err, and the command-line layer decides what to show.
 */
#ifndef CRM_H
#define CRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "i18n.h"

/* Status codes.  Values double as the process exit codes listed in crm(1). */
enum crm_status {
	CRM_OK = 0,
	CRM_ERR = 1,       /* anything else: invalid data, I/O, git */
	CRM_EUSAGE = 2,    /* bad arguments */
	CRM_ENOTFOUND = 3, /* a reference matched nothing */
	CRM_EAMBIGUOUS = 4,/* a reference matched several records */
	CRM_ELOCKED = 5,   /* the store stayed locked past the timeout */
	CRM_ENOSTORE = 6,  /* no store where one was looked for */
};

/* The error context: a status and a message without the "crm: error: " prefix. */
struct crm_err {
	int status;
	char msg[1024];
};

/* Sets err (if not NULL) and returns status.  printf-style message. */
int crm_seterr(struct crm_err *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prepends "PREFIX: " to err->msg (e.g. a file name).  Returns err->status. */
int crm_err_prefix(struct crm_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- growable string (util.c) ---- */

struct crm_buf {
	char *s;    /* always NUL-terminated when len > 0 or after any add */
	size_t len;
	size_t cap;
};

void crm_buf_add(struct crm_buf *b, const char *s, size_t n);
void crm_buf_adds(struct crm_buf *b, const char *s);
void crm_buf_addf(struct crm_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void crm_buf_addc(struct crm_buf *b, char c);
/* Returns the string (caller owns it) and resets b; never NULL. */
char *crm_buf_detach(struct crm_buf *b);
void crm_buf_free(struct crm_buf *b);

/* Allocation that aborts on exhaustion, as git's xmalloc does. */
void *crm_xmalloc(size_t n);
void *crm_xcalloc(size_t n, size_t size);
void *crm_xrealloc(void *p, size_t n);
char *crm_xstrdup(const char *s);
char *crm_xstrndup(const char *s, size_t n);

/* Decodes the UTF-8 sequence at s (n bytes available) into *cp; its
 * length, or 0 when invalid (overlong, surrogate, truncated). */
size_t crm_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* True when s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
bool crm_utf8_valid(const char *s, size_t n);
/* Terminal column width of a UTF-8 string (wide chars count 2). */
size_t crm_utf8_width(const char *s);
/* Edit distance counting a swap of neighbouring letters as one edit
 * (optimal string alignment), for "did you mean" hints. */
size_t crm_edit_distance(const char *a, const char *b);
/* Of cands[0..n), the one closest to word if close enough, else NULL. */
const char *crm_suggest(const char *word, const char *const *cands, size_t n);

/* ---- YAML nodes (node.c) ---- */

enum crm_node_kind { CRM_NODE_SCALAR, CRM_NODE_SEQ, CRM_NODE_MAP };

/*
 * A YAML node.  Scalars are UTF-8 strings.  A scalar is "typed" when it was
 * written plain and a YAML reader would resolve it to something other than
 * a string (a number, a boolean, null): typed scalars are written back
 * plain, every other scalar is a string and is quoted whenever any YAML 1.1
 * or 1.2 reader could take it for something else.  Maps keep key order.
 */
struct crm_node {
	enum crm_node_kind kind;
	int line;               /* 1-based source line; 0 when built in memory */
	char *str;              /* SCALAR: owned text */
	bool typed;             /* SCALAR: see above */
	size_t len;             /* SEQ, MAP: number of items */
	size_t cap;
	char **keys;            /* MAP: owned keys */
	struct crm_node **items;/* SEQ items, MAP values; owned */
};

struct crm_node *crm_node_new_scalar(const char *s);
/* A string scalar holding s[0..len) (a reader's copy, no second one). */
struct crm_node *crm_node_new_scalar_n(const char *s, size_t len);
/* A typed scalar (number, boolean): written plain. */
struct crm_node *crm_node_new_typed(const char *s);
struct crm_node *crm_node_new_seq(void);
struct crm_node *crm_node_new_map(void);
void crm_node_free(struct crm_node *n);
struct crm_node *crm_node_dup(const struct crm_node *n);
/* Deep equality (kind, text, typed flag, key order). */
bool crm_node_equal(const struct crm_node *a, const struct crm_node *b);
/* The same, and read from the same source lines. */
bool crm_node_same(const struct crm_node *a, const struct crm_node *b);

/* A node as one line of text: a list as "a, b", a mapping as "{...}".
 * Caller owns the result. */
char *crm_node_text(const struct crm_node *n);
/* Map lookup: the value for key, or NULL. */
struct crm_node *crm_map_get(const struct crm_node *map, const char *key);
/* The scalar text for key, or NULL when absent or not a scalar. */
const char *crm_map_str(const struct crm_node *map, const char *key);
/* Sets key to val (taking ownership of val), replacing in place or appending. */
void crm_map_set(struct crm_node *map, const char *key, struct crm_node *val);
/* Appends key (taking it, malloc'd) and val to map, which must not have
 * key yet: for readers that checked. */
void crm_map_append(struct crm_node *map, char *key, struct crm_node *val);
/* Sets key to a string scalar copy of s. */
void crm_map_set_str(struct crm_node *map, const char *key, const char *s);
/* Removes key; returns true if it was there. */
bool crm_map_del(struct crm_node *map, const char *key);
/* Index of key in map, or -1. */
long crm_map_index(const struct crm_node *map, const char *key);
/* Appends val to seq, taking ownership. */
void crm_seq_push(struct crm_node *seq, struct crm_node *val);

/* ---- YAML text (yaml.c) ---- */

#define CRM_YAML_MAX_SIZE (1024 * 1024) /* bytes in one record file */
#define CRM_YAML_MAX_DEPTH 16           /* nesting of maps and sequences */

/*
 * Parses one YAML document whose root is a mapping.  Strict: refuses
 * anchors, aliases, tags, several documents, duplicate or non-scalar keys,
 * invalid UTF-8, nesting deeper than CRM_YAML_MAX_DEPTH and input larger
 * than CRM_YAML_MAX_SIZE.  On error returns CRM_ERR with a message of the
 * form "line N: what" and leaves *out NULL.  Caller owns *out.
 */
int crm_yaml_parse(const char *buf, size_t len, struct crm_node **out,
		   struct crm_err *err);
/* The same, by libyaml alone.  crm_yaml_parse first tries the reader of
 * the canonical form below and asks libyaml only when it gives up. */
int crm_yaml_parse_libyaml(const char *buf, size_t len, struct crm_node **out,
			   struct crm_err *err);
/*
 * Reads buf[0..len) (checked: valid UTF-8, no NUL, not too large) when it
 * is in the form crm_yaml_emit writes, plain and single-quoted scalars
 * only, into *out exactly as libyaml would (yamlcanon.c says what else it
 * leaves to libyaml).  False, *out NULL, for any other text, valid or not.
 */
bool crm_yaml_parse_canonical(const char *buf, size_t len,
			      struct crm_node **out);

/*
 * Writes root (a mapping) in the one canonical form: block style, two-space
 * indentation, "- " items not indented under their key, UTF-8 unescaped,
 * no line folding, strings quoted when crm_yaml_is_ambiguous() says so,
 * multi-line strings as literal blocks.  Same tree, same bytes.  Caller owns
 * *out (NUL-terminated, length in *outlen).
 */
int crm_yaml_emit(const struct crm_node *root, char **out, size_t *outlen,
		  struct crm_err *err);

/*
 * True when a YAML 1.1 or 1.2 reader could resolve the plain scalar s to
 * something other than a string: null, booleans (yes/no/on/off/y/n...),
 * integers (including octal 0123, hex, sexagesimal), floats (1e3, .5,
 * .inf), timestamps, "<<", "=", "~", "" - and, conservatively, anything
 * starting with a digit, '+', '-' or '.'.
 */
bool crm_yaml_is_ambiguous(const char *s);

/* ---- ids (id.c) ---- */

#define CRM_ID_LEN 10
#define CRM_ID_ALPHABET "0123456789abcdefghjkmnpqrstvwxyz"

/* Fills id (CRM_ID_LEN + 1 bytes) with a fresh random id. */
int crm_id_generate(char id[CRM_ID_LEN + 1], struct crm_err *err);
/* True when s is a full, valid id. */
bool crm_id_valid(const char *s);
/*
 * Normalises a possible id prefix typed by a user into out (size >=
 * CRM_ID_LEN + 1): lowercases and maps Crockford's look-alikes (i, l -> 1,
 * o -> 0).  Returns false when s cannot be an id prefix (empty, too long,
 * other characters).
 */
bool crm_id_normalize_prefix(const char *s, char *out);

/* ---- dates (date.c) ---- */

/*
 * A parsed date: either a whole day (has_time false; stored "2026-12-01")
 * or a moment (stored "2026-12-01T15:30:00+03:00" with the local offset).
 */
struct crm_date {
	time_t when;     /* start of day (local) for whole days */
	bool has_time;
};

/*
 * Parses what a user types: "2026-12-01", "2026-12-01 15:30",
 * "2026-12-01T15:30[:SS][+03:00|Z]", "today", "tomorrow", "yesterday",
 * "+3d", "-2w", "+2h", "+15m", weekday names ("monday", "mon": the next
 * such day, never today), relative to now in the local time zone (TZ).
 * Returns CRM_EUSAGE with a message naming the text when it cannot.
 */
int crm_date_parse(const char *s, time_t now, struct crm_date *out,
		   struct crm_err *err);
/* Writes the stored form of d into buf (>= 32 bytes). */
void crm_date_format(const struct crm_date *d, char *buf, size_t size);
/* Parses a stored form strictly (ISO 8601 date or date-time with offset). */
int crm_date_parse_stored(const char *s, struct crm_date *out);
/* The current time as a stored date-time. */
void crm_date_now(time_t now, char *buf, size_t size);

/* ---- configuration: crm.yaml (config.c) ---- */

struct crm_user {
	char *login;
	char *name;
	char *email;
};

struct crm_pipeline {
	char *name;
	char **stages;
	size_t nstages;
};

struct crm_config {
	struct crm_user *users;
	size_t nusers;
	struct crm_pipeline *pipelines;
	size_t npipelines;
	char *default_pipeline;
	char *default_currency;
	struct crm_node *root; /* the whole file, for keys crm does not know */
};

/* Parses crm.yaml text; messages are "line N: ...". */
int crm_config_parse(const char *buf, size_t len, struct crm_config *cfg,
		     struct crm_err *err);
void crm_config_free(struct crm_config *cfg);
/* The text of a new store's crm.yaml for one user. Caller owns it. */
char *crm_config_initial(const char *login, const char *name,
			 const char *email);
const struct crm_user *crm_config_user(const struct crm_config *cfg,
				       const char *login);
/* The user whose e-mail is email, or NULL. */
const struct crm_user *crm_config_user_by_email(const struct crm_config *cfg,
						const char *email);
/* The named pipeline, or the default one when name is NULL. */
const struct crm_pipeline *crm_config_pipeline(const struct crm_config *cfg,
					       const char *name);
bool crm_pipeline_has_stage(const struct crm_pipeline *p, const char *stage);

/* ---- records (record.c) ---- */

enum crm_type { CRM_COMPANY, CRM_CONTACT, CRM_DEAL, CRM_TASK, CRM_NTYPES };

#define CRM_TYPE_ALL ((1u << CRM_NTYPES) - 1)
/* With crm_store_resolve: a case-insensitive name prefix resolves too
 * when it is unambiguous (crm show). */
#define CRM_RESOLVE_NAME_PREFIX (1u << 8)
#define CRM_TYPE_BIT(t) (1u << (t))

const char *crm_type_name(enum crm_type t);   /* "company" */
const char *crm_type_dir(enum crm_type t);    /* "companies" */
/* Accepts "company", "companies" (and so on); false when unknown. */
bool crm_type_parse(const char *s, enum crm_type *t);

struct crm_record {
	enum crm_type type;
	char id[CRM_ID_LEN + 1];
	struct crm_node *map; /* the whole file; owned */
};

/* "contacts/7k/7k2m9xqa4d.yaml" into buf; returns false if it does not fit. */
bool crm_record_path(enum crm_type t, const char *id, char *buf, size_t size);
/* Splits a store path back into type and id; false when not a record path. */
bool crm_record_path_parse(const char *path, enum crm_type *t, char *id);

/* A new record with id, name and created/updated set to now. */
struct crm_record *crm_record_new(enum crm_type t, const char *id,
				  const char *name, time_t now);
void crm_record_free(struct crm_record *r);
struct crm_record *crm_record_dup(const struct crm_record *r);

/*
 * Parses and validates a record file's text.  expect_id (may be NULL) is
 * the id the file name gives.  cfg (may be NULL) enables the owner, stage
 * and pipeline checks.  Messages are "line N: field 'x': ...".
 */
int crm_record_parse(enum crm_type t, const char *expect_id, const char *buf,
		     size_t len, const struct crm_config *cfg,
		     struct crm_record **out, struct crm_err *err);
/* Validates fields of an in-memory record (same checks as parsing). */
int crm_record_validate(const struct crm_record *r,
			const struct crm_config *cfg, struct crm_err *err);
/* Reorders keys canonically: known fields first in their fixed order, then
 * custom fields in their existing order, then history and timeline. */
void crm_record_canonicalize(struct crm_record *r);
/* Canonical YAML text of r (keys in canonical order, r unchanged).
 * Caller owns *out. */
int crm_record_serialize(const struct crm_record *r, char **out,
			 size_t *outlen, struct crm_err *err);

const char *crm_record_name(const struct crm_record *r);

/*
 * Sets one field from a user's "key=value": validates known fields (dates
 * parsed, amount numeric, stage in the pipeline, owner a known user,
 * birthday a date), maps phone/email/tag to their lists; a stage change
 * is recorded in stage_history as made by `by` at `now`.  op is '=' (set;
 * empty value removes), '+' (append to a list), '-' (remove from a list).
 * Reference fields (company, contact, for) must already hold a full id.
 */
int crm_record_set_field(struct crm_record *r, const char *key, char op,
			 const char *value, const struct crm_config *cfg,
			 const char *by, time_t now, struct crm_err *err);
/* Appends {stage, at, by} to a deal's stage_history. */
void crm_record_note_stage(struct crm_record *r, const char *stage,
			   const char *by, time_t now);
/* Known field names of a type (NULL-terminated). */
const char *const *crm_record_fields(enum crm_type t);
/* True when key holds a reference to another record's id. */
bool crm_field_is_ref(const char *key);

/* ---- the store (store.c) ---- */

struct crm_store;

/*
 * Finds a store as git finds a repository.  dir_opt is -C DIR (or NULL),
 * env_dir is $CRM_DIR (or NULL), cwd is the working directory, default_dir
 * the default store.  Sets *root (caller owns).  CRM_ENOSTORE when none.
 */
int crm_store_discover(const char *dir_opt, const char *env_dir,
		       const char *cwd, const char *default_dir, char **root,
		       struct crm_err *err);
/*
 * Creates a store in dir (created if missing): a git repository, crm.yaml
 * for the user, the record directories' merge attributes, one commit.
 * Refuses (CRM_ERR) when dir already holds a store.
 */
int crm_store_init(const char *dir, const char *login, const char *name,
		   const char *email, time_t now, struct crm_err *err);
int crm_store_open(const char *root, struct crm_store **out,
		   struct crm_err *err);
void crm_store_close(struct crm_store *s);
const char *crm_store_root(const struct crm_store *s);
const struct crm_config *crm_store_config(const struct crm_store *s);

/*
 * Takes the writer lock (.git/crm/lock, an fcntl lock: a killed holder
 * releases it).  Waits up to timeout_ms (negative: forever).  CRM_ELOCKED
 * on timeout.
 */
int crm_store_lock(struct crm_store *s, long timeout_ms, struct crm_err *err);
void crm_store_unlock(struct crm_store *s);

/* How long the phases of the last commit took, for CRM_TRACE. */
struct crm_timings {
	double worktree_ms; /* writing the work-tree files */
	double tree_ms;     /* blobs, trees and the commit object */
	double ref_ms;      /* moving HEAD's branch */
	double index_ms;    /* bringing .git/index up to date */
	double pack_ms;     /* counting (and now and then packing) loose objects */
	bool index_fallback;/* .git/index was rewritten by libgit2 */
};
const struct crm_timings *crm_store_timings(const struct crm_store *s);

/* Sets who commits: a login of crm.yaml's users (CRM_ERR when unknown). */
int crm_store_set_user(struct crm_store *s, const char *login,
		       struct crm_err *err);
const struct crm_user *crm_store_user(const struct crm_store *s);

/* Reads the committed record type/id.  CRM_ENOTFOUND when absent. */
int crm_store_read(struct crm_store *s, enum crm_type t, const char *id,
		   struct crm_record **out, struct crm_err *err);
/* Finds the type of a full id.  CRM_ENOTFOUND when no record has it. */
int crm_store_find_id(struct crm_store *s, const char *id, enum crm_type *t,
		      struct crm_err *err);

/*
 * Calls cb for each committed record of the types in mask.  A file that
 * fails to parse is passed with rec NULL and its error in ferr, so one
 * broken file never hides the others.  cb returning non-zero stops the
 * walk and is returned.  The record passed belongs to the walk.
 */
typedef int (*crm_record_cb)(const struct crm_record *rec, const char *path,
			     const struct crm_err *ferr, void *data);
int crm_store_foreach(struct crm_store *s, unsigned mask, crm_record_cb cb,
		      void *data, struct crm_err *err);

/* A record a reference matched. */
struct crm_match {
	enum crm_type type;
	char id[CRM_ID_LEN + 1];
	char *name;
};

/*
 * Resolves a user's reference (unique id prefix, or exact name) among the
 * types in mask.  On success fills *type and id.  CRM_ENOTFOUND when
 * nothing matches; CRM_EAMBIGUOUS when several do, with the candidates in
 * *cands (caller frees with crm_matches_free) if cands is not NULL.
 */
int crm_store_resolve(struct crm_store *s, unsigned mask, const char *ref,
		      enum crm_type *type, char id[CRM_ID_LEN + 1],
		      struct crm_match **cands, size_t *ncands,
		      struct crm_err *err);
void crm_matches_free(struct crm_match *m, size_t n);

/* A fresh id that no record uses. */
int crm_store_new_id(struct crm_store *s, char id[CRM_ID_LEN + 1],
		     struct crm_err *err);

/* ---- writing: one commit per command (commit.c) ---- */

struct crm_txn;

struct crm_txn *crm_txn_new(struct crm_store *s);
void crm_txn_free(struct crm_txn *t);
/* Queues a record to be written (serialised now; r stays the caller's). */
int crm_txn_put(struct crm_txn *t, const struct crm_record *r,
		struct crm_err *err);
/* Queues raw bytes for a path (already validated by the caller). */
void crm_txn_put_raw(struct crm_txn *t, const char *path, const char *buf,
		     size_t len);
/* Queues a record file's removal. */
void crm_txn_delete(struct crm_txn *t, enum crm_type type, const char *id);
void crm_txn_delete_path(struct crm_txn *t, const char *path);
/* Adds a "Key: value" trailer to the commit message. */
void crm_txn_add_trailer(struct crm_txn *t, const char *key,
			 const char *value);
/* Number of queued changes. */
size_t crm_txn_count(const struct crm_txn *t);

/*
 * Makes the one commit: writes the work-tree files atomically, builds the
 * tree from HEAD's without a checkout, commits with HEAD as parent
 * (retrying if HEAD moved), and brings .git/index up to date so that
 * `git status` stays clean.  command is recorded as the commit's
 * "Crm-Command:" trailer.  The caller holds the lock.
 */
int crm_txn_commit(struct crm_txn *t, const char *subject,
		   const char *command, struct crm_err *err);

/*
 * Packs the store's loose objects into one pack with deltas once there are
 * at least limit of them (0: the default, 1000), as `git gc --auto`
 * would; crm_txn_commit() calls it after each commit.
 */
int crm_store_autopack(struct crm_store *s, size_t limit, struct crm_err *err);

/*
 * Repairs what a writer killed in the middle of crm_txn_commit() left:
 * the files it was writing are brought back to HEAD's content in the work
 * tree and the index, and its stale lock files are removed.  Called by
 * crm_store_lock(), under the writer lock.
 */
int crm_txn_recover(struct crm_store *s, struct crm_err *err);

/* Reads a whole file (at most CRM_YAML_MAX_SIZE + 8 KiB); 0 on success.
 * Caller frees *buf (NUL-terminated). */
int crm_read_file(const char *path, char **buf, size_t *len);

/* ---- .git/index patching (gitindex.c) ---- */

/* One path's new state for the index. */
struct crm_index_change {
	const char *path;       /* repository-relative, '/'-separated */
	bool remove;            /* true: drop the entry */
	unsigned char oid[20];  /* blob id (SHA-1) when !remove */
	unsigned mode;          /* 0100644 */
	const char *fullpath;   /* work-tree file, for its stat data */
};

/*
 * Rewrites gitdir/index with the changes applied, under git's own
 * index.lock protocol, without parsing it into memory structures: entries
 * are spliced in place and the trailing checksum recomputed.  Drops the
 * optional cache extensions (git recomputes them).  Returns CRM_ENOTFOUND
 * when the index file does not exist and CRM_EUSAGE when its format is one
 * this code does not handle (version 4, split index, unknown mandatory
 * extension): the caller then falls back to libgit2.
 */
int crm_gitindex_apply(const char *gitdir, const struct crm_index_change *ch,
		       size_t n, struct crm_err *err);

/* A held gitdir/index.lock, taken before a commit moves the branch so that
 * the index can always follow it. */
struct crm_index_lock {
	int fd;                 /* -1 when not held */
	unsigned long inode;    /* of the lock file, to recognise it later */
	char path[4096];
	char lockpath[4096];
};

/* Takes index.lock as git does (retrying for about a second). */
int crm_gitindex_lock(const char *gitdir, struct crm_index_lock *lk,
		      struct crm_err *err);
/* Applies ch to the index under the held lock and renames it into place;
 * releases the lock in every case.  Statuses as crm_gitindex_apply(). */
int crm_gitindex_commit(struct crm_index_lock *lk,
			const struct crm_index_change *ch, size_t n,
			struct crm_err *err);
/* Releases the lock without changing the index. */
void crm_gitindex_unlock(struct crm_index_lock *lk);

/* ---- history (history.c) ---- */

struct crm_log_entry {
	char hash[41];
	char *author;
	char *email;
	time_t when;
	int offset;           /* minutes east of UTC */
	char *subject;
	char *command;        /* the Crm-Command trailer, or NULL */
	char **changes;       /* readable per-field changes (log of one record) */
	size_t nchanges;
	char **paths;         /* paths changed by the commit */
	size_t npaths;
};

/*
 * History, newest first, at most max entries (0: all).  With path set,
 * only commits that changed that file, each with its per-field changes.
 */
int crm_history(struct crm_store *s, const char *path, size_t max,
		struct crm_log_entry **out, size_t *n, struct crm_err *err);
void crm_log_entries_free(struct crm_log_entry *e, size_t n);

/*
 * Reverts the newest commit that crm made, as a new commit.  Refuses when
 * a later commit changed the same files.  *subject gets the undone subject.
 */
int crm_undo(struct crm_store *s, char **subject, struct crm_err *err);

/* A file of the work tree that differs from HEAD. */
struct crm_wt_change {
	char *path;
	char status;            /* 'M' modified, 'A' new, 'D' deleted */
	bool valid;             /* parses and validates */
	char *error;            /* why not, when !valid */
};

/* Finds record files (and crm.yaml) edited outside crm, and validates them. */
int crm_worktree_changes(struct crm_store *s, struct crm_wt_change **out,
			 size_t *n, struct crm_err *err);
void crm_wt_changes_free(struct crm_wt_change *c, size_t n);
/*
 * Commits every change crm_worktree_changes() finds, record files
 * rewritten in canonical form, as one commit.  Refuses (CRM_ERR, nothing
 * written) when any is invalid.  *n gets the number of files committed
 * (0: nothing to commit).
 */
int crm_worktree_commit(struct crm_store *s, const char *subject, size_t *n,
			struct crm_err *err);

/* ---- text folding and regular expressions (fold.c) ---- */

/*
 * Folds UTF-8 text for case-insensitive search, the same for every locale:
 * lowercase by Unicode's simple case mapping (Latin, Cyrillic, Greek,
 * Azerbaijani's Ə), every dotted and dotless i (I, İ, ı) to 'i', and
 * Russian ё to е.  Invalid UTF-8 bytes are copied as they are.  Caller
 * owns the result.
 */
char *crm_fold(const char *s);
/*
 * The digits of a phone number-like text ("+7 (495) 123-45-67" ->
 * "74951234567"), or NULL when s holds other letters or fewer than three
 * digits.  Caller owns the result.
 */
char *crm_phone_digits(const char *s);

struct sqlite3;

/*
 * Registers on db the SQL functions the index and queries use:
 * fold(TEXT) (crm_fold), digits(TEXT) (crm_phone_digits, or '' when
 * not a phone) and regexp(PATTERN, TEXT) (PCRE2 as crm_regex_compile;
 * compiled patterns are cached per statement).  An over-long match makes
 * the statement fail with "regular expression too complex".
 */
int crm_sql_register(struct sqlite3 *db);

struct crm_regex;
/*
 * Compiles a PCRE2 pattern (UTF, Unicode properties, caseless) with JIT and
 * a bounded match and depth limit, so that a catastrophic pattern fails
 * quickly instead of hanging.  CRM_EUSAGE with the error's column.
 */
int crm_regex_compile(const char *pattern, struct crm_regex **out,
		      struct crm_err *err);
/* 1 on a match, 0 on none, -1 when the match limit was hit. */
int crm_regex_match(const struct crm_regex *re, const char *subject,
		    size_t len);
void crm_regex_free(struct crm_regex *re);

/* ---- libgit2 (libgit2.c) ---- */

/* Loads libgit2, once: crm is not linked with it, so that the reads the
 * index answers do not pay for loading it.  CRM_ERR when it cannot be.
 * Call it before the first libgit2 function. */
int crm_git_load(struct crm_err *err);
/* Loads libgit2 and initialises it (git_libgit2_init, which each call
 * must pair with git_libgit2_shutdown).  CRM_ERR when it cannot load. */
int crm_git_init(struct crm_err *err);
/* The value of key in the user's git configuration (global and system
 * files), or NULL when unset or empty.  Caller owns it. */
char *crm_git_config(const char *key);
/* Loads libcrypto (for the SHA-1 of .git/index) the same way. */
int crm_crypto_load(struct crm_err *err);

/* ---- the index (index.c) ---- */

/*
 * The index is a SQLite database at .git/crm/index.db (WAL), derived from
 * the committed records and never committed.  Its schema:
 *
 *   meta(key TEXT PRIMARY KEY, value TEXT)       'commit' -> HEAD it reflects
 *   records(rid INTEGER PRIMARY KEY, id TEXT, type INTEGER,
 *           name TEXT, name_fold TEXT,
 *           owner, stage, pipeline, source, role, currency TEXT,
 *           amount REAL, company, contact, for_id TEXT,
 *           due TEXT, due_at INTEGER, birthday TEXT,
 *           created_at INTEGER, updated_at INTEGER,
 *           phones, emails, tags TEXT ('\n'-joined; a tag holds no
 *                                 white space),
 *           broken TEXT,          why the file did not parse, else NULL
 *           blob BLOB)            the id of the file's blob
 *   trees(path TEXT PRIMARY KEY, oid BLOB)  the tree id of each type's
 *                                 directory and of each directory in it;
 *                                 with blob, what an update compares
 *                                 HEAD's trees with
 *   texts(rid INTEGER PRIMARY KEY, text TEXT)  every searchable string of
 *                                 a record, '\n'-joined; apart, so that
 *                                 records rows stay small
 *   fields(key TEXT, rid INTEGER, value TEXT)  every top-level scalar
 *                                 custom field (keys crm does not know)
 *   fts(text)                     FTS5, trigram, contentless; rowid = rid;
 *                                 holds crm_fold(text) plus phone digits
 *   names(name)                   FTS5, trigram, contentless; rowid = rid;
 *                                 holds name_fold, for ranking searches
 *   facets(t)                     FTS5, contentless, no positions; rowid =
 *                                 rid; one word per value of type, owner,
 *                                 stage, pipeline, source, role, currency,
 *                                 company, contact, for_id and each tag
 *                                 (crm_facet_word)
 *
 * Dates are Unix times (a whole day: its local midnight).  Rows with
 * broken set have only id and type (a record's file is the path
 * crm_record_path gives for them).
 */
#define CRM_INDEX_FORMAT 9

/* The SQL for the searchable text of the record "r". */
#define CRM_TEXT_OF_R "(SELECT x.text FROM texts x WHERE x.rid = r.rid)"

/* Appends to b (after a space unless b is empty) the facets word for
 * value in column (one of the facet columns crm.h lists above, or
 * "tags"): a letter for the column, then value in hex. */
void crm_facet_word(struct crm_buf *b, const char *column, const char *value);

/* Progress of a long rebuild: done of total records. */
typedef void (*crm_progress_cb)(size_t done, size_t total, void *data);

/*
 * The store's index, opened and brought up to date with HEAD: created or
 * rebuilt when missing, corrupt or of another format; otherwise HEAD's
 * trees are compared with the tree and blob ids the index keeps (only
 * the trees whose id changed are read) and only the changed files
 * re-indexed, in one transaction.  Owned by the store.
 */
int crm_store_index(struct crm_store *s, struct sqlite3 **db,
		    struct crm_err *err);
/* Rebuilds the index from scratch (crm reindex). */
int crm_store_reindex(struct crm_store *s, crm_progress_cb progress,
		      void *data, struct crm_err *err);
/* Where progress of an automatic rebuild goes (NULL: nowhere). */
void crm_store_set_progress(struct crm_store *s, crm_progress_cb progress,
			    void *data);

/* ---- finding records through the index (find.c) ---- */

/* One record as the index holds it, for lists and searches. */
struct crm_row {
	enum crm_type type;
	char id[CRM_ID_LEN + 1];
	char *name, *owner, *stage, *currency, *role, *company, *contact,
		*for_id, *due, *phones, *emails, *tags, *text;
	char *company_name, *contact_name, *for_name; /* resolved names */
	double amount;
	bool has_amount;
	long long updated_at;
};

/* What to find. */
struct crm_find {
	unsigned mask;                /* record types */
	const struct crm_query *query; /* NULL: every record */
	const char *refers_to;        /* only records whose company, contact
					 or for is this id (NULL: any) */
	const char *sort;             /* a field; NULL: name (search: rank) */
	bool reverse;
	bool rank;                    /* best matches first (crm search) */
	size_t limit;                 /* 0: no limit */
	bool count;                   /* *total counts the matches beyond
					 the limit too */
};

/* Called for each row found; the row belongs to the caller of cb only
 * for the call.  Non-zero stops the walk. */
typedef int (*crm_row_cb)(const struct crm_row *row, void *data);

/*
 * Finds records through the index, passing them to cb one by one (memory
 * does not grow with their number).  *total gets how many match: all of
 * them with f->count or without a limit; otherwise it may count only
 * those passed on (counting beyond a limit costs a pass over every
 * match, which a search of words alone spares).  words (may be
 * NULL) gets the query's free-text words, folded, for highlighting (free
 * with crm_words_free).  Query errors are
 * CRM_EUSAGE.  A row's text is filled only when ranking (crm search).
 */
int crm_find_each(struct crm_store *s, const struct crm_find *f,
		  crm_row_cb cb, void *data, size_t *total, char ***words,
		  size_t *nwords, struct crm_err *err);
/* The same, collecting the rows (for small sets: a record's related
 * records).  Caller frees them with crm_rows_free. */
int crm_find_rows(struct crm_store *s, const struct crm_find *f,
		  struct crm_row **rows, size_t *n, size_t *total,
		  struct crm_err *err);
void crm_rows_free(struct crm_row *rows, size_t n);
void crm_words_free(char **words, size_t n);

/* The files of the types in mask that do not parse, with why. */
struct crm_broken {
	char *path;
	char *error;
};
int crm_find_broken(struct crm_store *s, unsigned mask,
		    struct crm_broken **out, size_t *n, struct crm_err *err);
void crm_broken_free(struct crm_broken *b, size_t n);

/* ---- the query language (query.c), see crm-query(7) ---- */

struct crm_query;

/*
 * Parses a query given as words (argv of crm search / crm list), joined
 * with single spaces for column numbers.  Errors are CRM_EUSAGE with
 * "query: column N: ..." and a did-you-mean hint for field names.
 */
int crm_query_parse(const char *const *words, size_t n, time_t now,
		    struct crm_query **out, struct crm_err *err);
void crm_query_free(struct crm_query *q);
/* The i-th field name the language knows (for completion); NULL past
 * the last. */
const char *crm_query_field(size_t i);
/* True when the query has no terms (matches everything). */
bool crm_query_empty(const struct crm_query *q);

/* SQL parameters collected while compiling a query (texts or numbers). */
struct crm_sql_param {
	bool is_num;
	char *text;
	double num;
};

struct crm_sql {
	struct crm_buf where;       /* a boolean SQL expression over "r" */
	struct crm_sql_param *params; /* bound to ?1, ?2, ... in order */
	size_t nparams, cap;
	char **words;               /* free-text terms, for highlighting */
	size_t nwords;
};

/* What compiling a query needs from the store. */
struct crm_query_env {
	/* Turns the REF of company:/contact:/for: into an id (mask: the types
	 * it may name); reports failures in err. */
	int (*resolve)(const char *ref, unsigned mask, char id[CRM_ID_LEN + 1],
		       void *data, struct crm_err *err);
	/* True when some record has the custom field key. */
	bool (*has_custom_field)(const char *key, void *data);
	void *data;
	/* The record types searched (0: any); when it is one type, the
	 * query's equality terms are looked up together with it. */
	unsigned types;
};

/*
 * Compiles q into an SQL expression over the records table aliased "r".
 * The fold(), digits() and regexp() SQL functions must be registered on
 * the connection (crm_sql_register).
 */
int crm_query_sql(const struct crm_query *q, const struct crm_query_env *env,
		  struct crm_sql *out, struct crm_err *err);
void crm_sql_free(struct crm_sql *sql);
/*
 * When q is nothing but free-text words and phrases joined by and, each
 * of three characters or more: true, with the FTS5 query over the index's
 * fts table that finds the same records appended to all, and the one
 * over its names table that finds those whose name holds every word
 * appended to names.  False (nothing appended) for any other query.
 */
bool crm_query_fts(const struct crm_query *q, struct crm_buf *all,
		   struct crm_buf *names);

#endif
