/*
 * crm.h - the crm library: records, their YAML form, the store and its git
 * history.  Library code never prints, never exits and never reads the
 * environment: every failure is a status code plus a one-line message on a
 * struct crm_err, and the command-line layer decides what to show.
 */
#ifndef CRM_H
#define CRM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "i18n.h"

/*
 * Status codes: what happened.  They are not exit codes; the command line
 * maps them to the exit codes of crm(1) in one place.
 */
enum crm_status {
	CRM_OK = 0,
	CRM_ERR = 1,       /* anything else: invalid data, I/O, git */
	CRM_EUSAGE = 2,    /* bad input from the caller: arguments, a query */
	CRM_ENOTFOUND = 3, /* a reference matched nothing */
	CRM_EAMBIGUOUS = 4,/* a reference matched several records */
	CRM_ELOCKED = 5,   /* the store stayed locked past the timeout */
	CRM_ENOSTORE = 6,  /* no store where one was looked for */
	CRM_ECORRUPT = 7,  /* the index is damaged (it is rebuilt) */
	CRM_EREBUILD = 8,  /* the index is missing, of another format or
			      cannot follow HEAD: it needs a rebuild */
};

/* The error context: a status and a message without the "crm: error: " prefix. */
struct crm_err {
	int status;
	char msg[1024];
};

/* Sets err (if not NULL) and returns status.  printf-style message; its
 * lines are those of fmt (its hint lines), a newline in an argument is
 * kept as the two characters \n (crm_buf_vaddf_msg). */
int crm_seterr(struct crm_err *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prepends "PREFIX: " to err->msg (e.g. a file name), formatted as
 * crm_seterr formats.  Returns err->status (CRM_ERR when err is NULL:
 * callers that may get NULL keep their status). */
int crm_err_prefix(struct crm_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends hint (text of crm's own, "hint: ..." lines) to err->msg on a
 * line of its own. */
void crm_err_hint(struct crm_err *err, const char *hint);

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
/* Appends the message fmt makes of ap (which is left unused: copies are
 * read), each newline an argument brings shown as the two characters
 * \n: the message's own line breaks, before its hint lines, are those of
 * fmt alone.  crm_seterr and the CLI's printer format with it. */
void crm_buf_vaddf_msg(struct crm_buf *b, const char *fmt, va_list ap);
/* Returns the string (caller owns it) and resets b; never NULL. */
char *crm_buf_detach(struct crm_buf *b);
void crm_buf_free(struct crm_buf *b);

/* The FNV-1a hash of s[0..len), for the hash tables of the library. */
uint32_t crm_hash(const char *s, size_t len);

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
/* Of cands[0..n), the one closest to word if close enough (a third of
 * its length in edits, at most 3, fewer than its letters), else NULL. */
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
/* A node as a table's cell: a scalar as it is, a list of scalars joined
 * with ", ", anything else as crm_node_text.  Caller owns it. */
char *crm_node_cell(const struct crm_node *n);
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

/* The newest crm.yaml 'version' this crm understands. */
#define CRM_CONFIG_VERSION 1
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
 * such day, never today), relative to now in the local time zone (TZ),
 * and every form crm_date_parse_as() lists (it is that, for
 * CRM_DATE_ANY).  Returns CRM_EUSAGE with a message naming the text when
 * it cannot.
 */
int crm_date_parse(const char *s, time_t now, struct crm_date *out,
		   struct crm_err *err);
/* What a date is read for: the forms that fit, and the examples that an
 * error shows. */
enum crm_date_kind {
	CRM_DATE_ANY,   /* a day or a moment, generic examples */
	CRM_DATE_DAY,   /* a whole day (birthday): no time, a year needed */
	CRM_DATE_WHEN,  /* a day or a moment (due) */
	CRM_DATE_STAMP, /* a moment (created, updated) */
	CRM_DATE_QUERY, /* a query bound: a bare weekday is this week's */
};
/*
 * The same as crm_date_parse, for a date of kind: besides the forms above
 * "31.12.2026", "31.12.2026 15:30", "tomorrow 15:00", "завтра",
 * "сегодня", "послезавтра", "вчера", "через 3 дня", "через 2 часа",
 * "in 3 days", "в понедельник", "this monday", "next monday", "в
 * следующую пятницу", "31 dec", "31 декабря 2026".  Weeks start on
 * Monday.  A bare weekday is the coming one, never today, except in
 * CRM_DATE_QUERY where it is this week's (as "this monday").  A date
 * without a year is the coming one (today included; this year's in a
 * query).  Returns CRM_EUSAGE "cannot read date 'S' (try: EXAMPLES)",
 * with examples that fit kind, and leaves *out alone.
 */
int crm_date_parse_as(const char *s, time_t now, enum crm_date_kind kind,
		      struct crm_date *out, struct crm_err *err);
/* Writes the stored form of d into buf (>= 32 bytes). */
void crm_date_format(const struct crm_date *d, char *buf, size_t size);
/* Parses a stored form strictly (ISO 8601 date or date-time with offset). */
int crm_date_parse_stored(const char *s, struct crm_date *out);
/* The start of the local day days (may be negative) after the local day
 * of now: its midnight, or the first hour that exists when a change of
 * clocks skips midnight, as whole-day dates are stored.  now itself when
 * it has no local time. */
time_t crm_day_start(time_t now, long days);
/* The current time as a stored date-time. */
void crm_date_now(time_t now, char *buf, size_t size);

/* ---- amounts and currencies (amount.c, currency.c) ---- */

#define CRM_AMOUNT_MAX_DIGITS 15   /* digits before the decimal point */
#define CRM_AMOUNT_SIZE 40         /* a stored amount fits in this many bytes */

/* An ISO 4217 currency. */
struct crm_currency {
	char code[4];   /* "USD" */
	int minor;      /* digits after the decimal point; -1 when it has none */
	int number;     /* ISO 4217 numeric code */
};

/* The currency whose code is exactly code (capital letters), or NULL. */
const struct crm_currency *crm_currency_find(const char *code);
/* The i-th currency of the table (sorted by code), or NULL past the end. */
const struct crm_currency *crm_currency_at(size_t i);
/*
 * Reads a currency code as a person types it (any case, surrounding
 * blanks ignored) into out ("USD").  CRM_EUSAGE "unknown currency 'USX'
 * (did you mean 'USD'?)" when it is not an ISO 4217 code.
 */
int crm_currency_parse(const char *s, char out[4], struct crm_err *err);

/*
 * Reads an amount as a person writes it ("350000", "350 000,50",
 * "350,000.50", "350.000,50", "1 500 000" with a space, U+00A0 or U+202F
 * between groups) into its stored form, an exact decimal "350000.50"
 * (buf of CRM_AMOUNT_SIZE bytes).  decimal is the decimal separator in
 * effect, ',' or '.', or 0 for none.  A lone ',' or '.' followed by
 * exactly three digits is the decimal separator when it is decimal, a
 * thousands separator when the other one is, and refused as ambiguous
 * when decimal is 0.  Negative amounts are refused.  CRM_EUSAGE with a
 * message quoting s and showing how to write it.
 */
int crm_amount_parse(const char *s, char decimal, char *buf, size_t size,
		     struct crm_err *err);
/* True when s is an amount's stored form: up to 15 digits, optionally a
 * '.' and digits. */
bool crm_amount_is_stored(const char *s);
/* The number of digits after the point of a stored amount. */
int crm_amount_decimals(const char *stored);
/* The value of a stored amount as a double, the same in every locale
 * (for the index); 0 when s is not one. */
double crm_amount_value(const char *stored);
/* The value of a stored amount in hundredths, exact (a double holds
 * no more than 15 or 16 digits: 999999999999999 would gain 4 cents),
 * the third decimal rounding half up; 0 when s is not one. */
int64_t crm_amount_cents(const char *stored);
/*
 * Checks that a stored amount has no more decimals than currency allows
 * (an unknown currency allows any).  CRM_EUSAGE with a message saying
 * how to write it.
 */
int crm_amount_check_currency(const char *stored, const char *currency,
			      struct crm_err *err);

/* ---- configuration: crm.yaml (config.c) ---- */

struct crm_user {
	char *login;
	char *name;
	char *email;
};

/*
 * An id of crm.yaml with the name people are shown (pipeline.c): a
 * stage, a lost reason, a status.  Written as a plain id, or as a map
 * with id and name, the name a text or a map of languages to texts.
 */
struct crm_label {
	char *id;                    /* what files hold */
	char *name;                  /* its one name, or NULL */
	const struct crm_node *names; /* its names by language ("ru"), in
					the configuration's tree, or NULL */
};

enum crm_stage_kind { CRM_STAGE_OPEN, CRM_STAGE_WON, CRM_STAGE_LOST };

/* A stage of a pipeline. */
struct crm_stage {
	struct crm_label label;
	enum crm_stage_kind kind;  /* a plain "won"/"lost" id is of that kind */
	int probability;           /* percent: a deal's chance to be won */
	int rot_days;              /* days without activity after which a
				      deal in it is stale; 0: never */
};

struct crm_pipeline {
	char *name;
	char **stages;           /* the stages' ids, in order */
	size_t nstages;
	struct crm_stage *defs;  /* each stage's definition, in that order */
};

/* The kinds a custom field declared in crm.yaml may have. */
enum crm_custom_kind {
	CRM_CF_TEXT, CRM_CF_NUMBER, CRM_CF_DATE, CRM_CF_USER, CRM_CF_REF,
	CRM_CF_LIST,
};

/* A custom field declared under fields: in crm.yaml. */
struct crm_custom_field {
	char *name;
	enum crm_custom_kind kind;
	unsigned types;  /* CRM_TYPE_BIT()s of the types that have it */
	char *label;     /* for tables and show, or NULL */
};

/* One exchange rate of crm.yaml's rates: */
struct crm_rate {
	char currency[4];
	double rate;    /* > 0: one unit in the base currency */
};

struct crm_config {
	struct crm_custom_field *fields;
	size_t nfields;
	struct crm_user *users;
	size_t nusers;
	struct crm_pipeline *pipelines;
	size_t npipelines;
	char *default_pipeline;
	char *default_currency;
	char decimal_separator; /* defaults.decimal_separator, 0 when absent */
	char locale_decimal;    /* the caller's locale's, set by the caller */
	/* defaults.region: the ISO 3166 code phone numbers written without
	 * their country code are read in; "RU" when absent */
	char default_region[4];
	/* defaults.area_code: the digits put in front of a local number too
	 * short for one of default_region's ("495"); "" when absent */
	char default_area_code[8];
	struct crm_label *lost_reasons; /* lost_reasons: */
	size_t nlost_reasons;
	bool lost_reasons_strict; /* a lost deal's reason must be one of them */
	struct crm_label *statuses;     /* statuses: of companies and contacts
					   (prospect, active, inactive, lost
					   when absent) */
	size_t nstatuses;
	bool require_next_task; /* task done refuses to leave an active
				   record without an open task */
	struct crm_rule *rules; /* automation: (automation.c) */
	size_t nrules;
	/* rates: (config.c): what one unit of each currency is worth in
	 * rates_base, for reports that add amounts ("" base: none) */
	char rates_base[4];
	struct crm_rate *rates;
	size_t nrates;
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
/* CRM_OK when login is a user of cfg, else CRM_ENOTFOUND with the
 * nearest login as a hint, or how to add one. */
int crm_config_check_user(const struct crm_config *cfg, const char *login,
			  struct crm_err *err);
const struct crm_user *crm_config_user_by_email(const struct crm_config *cfg,
						const char *email);
/* The named pipeline, or the default one when name is NULL. */
const struct crm_pipeline *crm_config_pipeline(const struct crm_config *cfg,
					       const char *name);
bool crm_pipeline_has_stage(const struct crm_pipeline *p, const char *stage);

/* ---- the sales process in crm.yaml (pipeline.c) ---- */

/* Reads one pipelines: entry into p (zeroed by the caller; freed with
 * crm_pipeline_free even on failure).  Stages are plain ids or maps with
 * id, name, kind, probability and rot_days; those without a probability
 * get one (100 won, 0 lost, open ones spread evenly in their order). */
int crm_pipeline_parse(const struct crm_node *n, struct crm_pipeline *p,
		       struct crm_err *err);
void crm_pipeline_free(struct crm_pipeline *p);
/* The stage id of p, or NULL. */
const struct crm_stage *crm_pipeline_stage(const struct crm_pipeline *p,
					   const char *id);
/* The id of the stage of p (may be NULL) that text names: its id, or
 * its name in any language, case and accents folded; NULL when none. */
const char *crm_pipeline_stage_named(const struct crm_pipeline *p,
				     const char *text);
/* Reads lost_reasons, lost_reasons_strict, require_next_task and
 * statuses of root into cfg. */
int crm_config_parse_process(const struct crm_node *root,
			     struct crm_config *cfg, struct crm_err *err);
void crm_config_free_process(struct crm_config *cfg);
/* The name l is shown by in language lang ("ru", "ru_RU.UTF-8" or NULL):
 * its name in that language, else in English, else its one name, else
 * its id.  Borrowed from l. */
const char *crm_label_text(const struct crm_label *l, const char *lang);
/* The label of l[0..n) whose id is id, or NULL. */
const struct crm_label *crm_label_find(const struct crm_label *l, size_t n,
				       const char *id);
/* The default pipeline crm init writes (lead to won/lost, display names
 * translated into the current language) and its lost reasons.  Caller
 * owns the nodes. */
struct crm_node *crm_pipeline_default(void);
struct crm_node *crm_lost_reasons_default(void);
/* The custom field name declared for type t (an enum crm_type), or NULL. */
const struct crm_custom_field *crm_config_field(const struct crm_config *cfg,
						int t, const char *name);
/* The name of a custom field kind ("number"). */
const char *crm_custom_kind_name(enum crm_custom_kind k);
/* Reads the rates: section of root into cfg (rates.c): a map of base (a
 * currency code) and of currency codes to rates above 0; messages name
 * the line.  Absent: no rates. */
int crm_config_parse_rates(const struct crm_node *root,
			   struct crm_config *cfg, struct crm_err *err);
void crm_config_free_rates(struct crm_config *cfg);
/* The decimal separator amounts are read with: crm.yaml's, else the
 * locale's, else 0 (none: ambiguous amounts are refused). */
char crm_config_decimal(const struct crm_config *cfg);

/* ---- changing stages and users with their records (confedit.c) ----
 *
 * Each function checks its names against the store's crm.yaml, queues in
 * t the new crm.yaml (rewritten from its tree: comments are not kept)
 * and every record it migrates (with "updated" set, validated against
 * the new configuration), and on success makes the new configuration the
 * store's; the caller commits t.  They refuse while the work tree's
 * crm.yaml differs from HEAD's.  Unknown pipelines, stages and users are
 * CRM_ENOTFOUND with a did-you-mean, names that are no valid id
 * CRM_EUSAGE, a name taken or still used CRM_ERR with a hint.
 */
struct crm_store;
struct crm_txn;

/* True when s can name a new stage, pipeline or user: 1 to 64 of a-z,
 * 0-9, '.', '_' and '-', starting with a letter or a digit. */
bool crm_config_name_valid(const char *s);
/* The "hint: ..." line saying what such a name may hold (translated). */
const char *crm_config_name_hint(void);
/* Renames stage from of pipeline to to, in every deal of the pipeline
 * (its stage and its stage_history entries).  *moved gets the deals
 * whose stage it was, *records the deals rewritten. */
int crm_stage_rename(struct crm_store *s, struct crm_txn *t,
		     const char *pipeline, const char *from, const char *to,
		     size_t *moved, size_t *records, struct crm_err *err);
/* Adds stage to pipeline, after stage after or before stage before (at
 * most one of them; both NULL: last). */
int crm_stage_add(struct crm_store *s, struct crm_txn *t,
		  const char *pipeline, const char *stage, const char *after,
		  const char *before, struct crm_err *err);
/* What crm stage add says of a new stage: each NULL or -1 when not
 * given (then the stage is a plain id in a plain list, or {id: ...}). */
struct crm_stage_spec {
	const char *name;  /* display name */
	const char *kind;  /* open, won or lost */
	int probability;   /* 0..100 */
	int rot_days;      /* 0..36500 */
};
/* crm_stage_add with the stage's name, kind, probability and rotting
 * limit (spec may be NULL); a bad spec is CRM_EUSAGE. */
int crm_stage_add_spec(struct crm_store *s, struct crm_txn *t,
		       const char *pipeline, const char *stage,
		       const char *after, const char *before,
		       const struct crm_stage_spec *spec, struct crm_err *err);
/* Removes stage of pipeline: refused while deals are in it, unless to
 * (may be NULL) names the stage they move to (noted in their history as
 * the acting user's move, now).  *moved gets how many moved. */
int crm_stage_rm(struct crm_store *s, struct crm_txn *t, const char *pipeline,
		 const char *stage, const char *to, size_t *moved,
		 struct crm_err *err);
/* Adds user login (name required, email may be NULL). */
int crm_user_add(struct crm_store *s, struct crm_txn *t, const char *login,
		 const char *name, const char *email, struct crm_err *err);
/* Renames user from to to in crm.yaml and in every record's owner and
 * custom fields of kind user (stage_history and timeline entries keep
 * the login of who acted).  *records gets the records rewritten. */
int crm_user_rename(struct crm_store *s, struct crm_txn *t, const char *from,
		    const char *to, size_t *records, struct crm_err *err);
/* Removes user login: refused while records name it (owner or a custom
 * field of kind user), unless to (may be NULL) takes them over; refused
 * for the last user and for the acting one. */
int crm_user_rm(struct crm_store *s, struct crm_txn *t, const char *login,
		const char *to, size_t *records, struct crm_err *err);
/* Hands the records owned by from (a user, or a login records still
 * have) that query matches (query language text; NULL: all) over to
 * user to: their owner, and their custom fields of kind user that name
 * from.  *records gets how many; crm.yaml is not changed. */
int crm_reassign(struct crm_store *s, struct crm_txn *t, const char *from,
		 const char *to, const char *query, size_t *records,
		 struct crm_err *err);
/* What crm_reassign_list moved: each record, and how many of each type
 * (open tasks are task records). */
struct crm_reassign_result {
	size_t by_type[4];       /* by enum crm_type */
	struct crm_moved {
		int type;                /* an enum crm_type */
		char id[CRM_ID_LEN + 1];
		char *name;
	} *v;
	size_t n;
};
/* crm_reassign, saying which records it moves into *res (free it with
 * crm_reassign_result_free, also on failure). */
int crm_reassign_list(struct crm_store *s, struct crm_txn *t,
		      const char *from, const char *to, const char *query,
		      struct crm_reassign_result *res, struct crm_err *err);
void crm_reassign_result_free(struct crm_reassign_result *res);

/* ---- records (record.c) ---- */

enum crm_type { CRM_COMPANY, CRM_CONTACT, CRM_DEAL, CRM_TASK, CRM_NTYPES };

#define CRM_TYPE_ALL ((1u << CRM_NTYPES) - 1)
#define CRM_TYPE_BIT(t) (1u << (t))
/* In the mask of crm_store_resolve: type t is preferred when a name
 * matches several records and exactly one of them is of type t. */
#define CRM_PREFER(t) (1u << (8 + (t)))

const char *crm_type_name(enum crm_type t);   /* "company" */
const char *crm_type_dir(enum crm_type t);    /* "companies" */
/* Accepts "company", "companies" (and so on), in any case; false when
 * unknown. */
bool crm_type_parse(const char *s, enum crm_type *t);

/* ---- the field registry (field.c) ---- */

/* How a field's value is written and checked. */
enum crm_field_kind {
	CRM_FIELD_ID,       /* the record's own id */
	CRM_FIELD_NAME,     /* non-empty string */
	CRM_FIELD_TEXT,     /* string */
	CRM_FIELD_REF,      /* id of another record */
	CRM_FIELD_USER,     /* login of a user */
	CRM_FIELD_PHONES,   /* list of phone numbers */
	CRM_FIELD_PHONE_FORMS, /* map of a phone's E.164 form to its form as
				  typed (phones_typed) */
	CRM_FIELD_EMAILS,   /* list of e-mail addresses */
	CRM_FIELD_TAGS,     /* list of words */
	CRM_FIELD_DAY,      /* whole date */
	CRM_FIELD_WHEN,     /* date or date-time */
	CRM_FIELD_STAMP,    /* date-time */
	CRM_FIELD_AMOUNT,   /* non-negative decimal number */
	CRM_FIELD_CURRENCY, /* ISO 4217 code */
	CRM_FIELD_PIPELINE, /* a pipeline of crm.yaml */
	CRM_FIELD_STAGE,    /* a stage of the record's pipeline */
	CRM_FIELD_HISTORY,  /* list of {stage, at, by} */
	CRM_FIELD_TIMELINE, /* list of maps */
	CRM_FIELD_STATUS,   /* a status of crm.yaml's statuses */
	CRM_FIELD_CHOICE,   /* one of the registry's choices */
	CRM_FIELD_PERCENT,  /* whole number 0..100 */
	CRM_FIELD_REFS,     /* list of ids of other records */
	CRM_FIELD_NUMBER,   /* decimal number, may be negative (custom) */
	CRM_FIELD_LIST,     /* list of strings (custom) */
	CRM_FIELD_RESCHEDULES, /* list of {from, to, at, by} (tasks.c) */
	CRM_FIELD_TAXID,    /* a tax id (ИНН, VÖEN): 8 to 15 digits */
	CRM_FIELD_IDS,      /* list of record ids, not references (the
			       records merged into this one) */
	CRM_FIELD_CUSTOM,   /* the registry's mark of where custom fields go */
};

/* Flags of a registered field. */
#define CRM_FIELD_FACET 1u /* the facet index holds its values */
#define CRM_FIELD_ADD 2u   /* crm add takes it as --TERM */

/*
 * One field of the record types, declared once: what the validator
 * checks, the index keeps, the query language and sorting accept, the
 * tables and crm show print and crm add takes as an option.
 */
struct crm_field {
	const char *name;        /* its key in record files */
	enum crm_field_kind kind;
	unsigned types;          /* CRM_TYPE_BIT()s of the types having it */
	const char *term;        /* its singular, for queries and crm add
				    ("tag"), or NULL: its name */
	unsigned refers;         /* references: the types it may name, with
				    CRM_PREFER bits */
	const char *label;       /* NC_("field", ...): in crm show */
	const char *header;      /* NC_("column", ...): in table headers */
	const char *column;      /* its text column in the index's records
				    table (REAL for amounts), or NULL */
	const char *time_column; /* dates: its Unix time column, or NULL */
	unsigned flags;          /* CRM_FIELD_* */
	const char *metavar;     /* N_(): crm add's value placeholder */
	const char *help;        /* N_(): crm add's option help */
	const char *const *choices; /* CRM_FIELD_CHOICE: its values, NULL
				       ended */
};

/* The most fields the registry may hold (its size bounds arrays that
 * keep a value per field). */
#define CRM_FIELDS_MAX 48

/* The i-th registered field, in file order (custom fields go at the one
 * of kind CRM_FIELD_CUSTOM); NULL past the last. */
const struct crm_field *crm_field_at(size_t i);
/* The number of registered fields. */
size_t crm_field_count(void);
/* The registered field called name (or, with by_term, whose term is
 * name) that records of the types in mask may have; NULL when none. */
const struct crm_field *crm_field_find(unsigned mask, const char *name,
				       bool by_term);
/* The position of f in the registry (f from crm_field_at/find). */
size_t crm_field_index(const struct crm_field *f);
/* The term of f: its term, else its name. */
const char *crm_field_term(const struct crm_field *f);
/* True for fields whose value is a list of strings. */
bool crm_field_is_list(enum crm_field_kind kind);
/* True for fields whose value is a date or a date-time. */
bool crm_field_is_date(enum crm_field_kind kind);

/* Digits a tax id (ИНН, VÖEN) has. */
#define CRM_TAXID_MIN 8
#define CRM_TAXID_MAX 15
/* True when s is a tax id's stored form: CRM_TAXID_MIN to CRM_TAXID_MAX
 * digits and nothing else. */
bool crm_taxid_is_stored(const char *s);
/* Reads a tax id as typed ("7701 234 567") into its stored form in buf
 * (at least CRM_TAXID_MAX + 1 bytes): its digits, the spaces dropped.
 * CRM_EUSAGE naming s for anything else. */
int crm_taxid_parse(const char *s, char *buf, size_t size,
		    struct crm_err *err);

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
/* Fills what a new record has unless given: its owner (by, the login
 * of who makes it, when not empty), and for a deal its pipeline (the
 * default), first stage (recorded in stage_history as by's at now) and
 * currency (cfg's default). */
int crm_record_apply_defaults(struct crm_record *r,
			      const struct crm_config *cfg, const char *by,
			      time_t now, struct crm_err *err);
struct crm_record *crm_record_dup(const struct crm_record *r);

/*
 * Parses and validates a record file's text.  expect_id (may be NULL) is
 * the id the file name gives.  cfg (may be NULL) enables the owner, stage
 * and pipeline checks.  Messages are "line N: field 'x': ...".
 */
int crm_record_parse(enum crm_type t, const char *expect_id, const char *buf,
		     size_t len, const struct crm_config *cfg,
		     struct crm_record **out, struct crm_err *err);
/* Validates every field of an in-memory record, strictly: users,
 * pipelines, stages and declared custom fields are checked against cfg. */
int crm_record_validate(const struct crm_record *r,
			const struct crm_config *cfg, struct crm_err *err);
/*
 * The checks of a record read from the store (crm_record_parse): its
 * form and the form of each value, but not what crm.yaml lists (users,
 * pipelines, stages, the kinds of declared custom fields), so that a
 * record naming a stage that crm.yaml dropped stays readable; those are
 * its problems (crm_record_problems).
 */
int crm_record_validate_read(const struct crm_record *r,
			     const struct crm_config *cfg, struct crm_err *err);
/*
 * Stores r's phones as crm_phone_normalize says (cfg may be NULL): each
 * valid number in E.164 form, its form as typed, when another, in
 * phones_typed (E.164 -> typed; a number typed in E.164 keeps what
 * phones_typed had for it); two forms of one number become its first;
 * phones_typed keeps only the numbers of phones.  Phones that are no
 * list of text are left for validation to report.  CRM_OK.
 */
int crm_record_normalize_phones(struct crm_record *r,
				const struct crm_config *cfg);
/* Normalises (as crm_record_normalize) and checks strictly (as
 * crm_record_validate) the one field key of r, if r has it. */
int crm_record_check_key(struct crm_record *r, const char *key,
			 const struct crm_config *cfg, time_t now,
			 struct crm_err *err);

/* What is wrong with a readable record against crm.yaml. */
struct crm_problem {
	char *field;   /* its key */
	char *message; /* "line 4: field 'stage': unknown stage 'won' ..."
			  (no line for a record built in memory) */
};
/* The problems of r against cfg, in field order, into *out (caller
 * frees with crm_problems_free; NULL when none); returns how many. */
size_t crm_record_problems(const struct crm_record *r,
			   const struct crm_config *cfg,
			   struct crm_problem **out);
void crm_problems_free(struct crm_problem *p, size_t n);
/* False when value of the registered field (owner, pipeline, stage: a
 * stage of pipeline, NULL for the default one) is one cfg does not
 * know; true for every other field and for a NULL value. */
bool crm_config_knows(const struct crm_config *cfg, const char *field,
		      const char *value, const char *pipeline);

/*
 * The one pass every change of a record goes through (change.c; the
 * transaction runs it on each record it writes, crm_txn_commit).
 * before is the record as HEAD has it (NULL: a new record), after the
 * record to write, changed in place:
 *
 *   - each field whose value differs from before's (every field of a
 *     new record) is normalised and checked strictly against cfg (a
 *     deal's stage also when its pipeline changed), and each such
 *     reference must name an existing record of a type it may name;
 *     fields left as they were are not (a stage crm.yaml dropped does
 *     not block a change of another field);
 *   - a deal whose stage changed gets a stage_history entry {stage, at:
 *     now, by} unless the change itself added one whose stage is the
 *     new stage (a hand edit that keeps the history is kept as written;
 *     one whose last entry names another stage is refused);
 *   - updated is set to now when anything changed, unless the change
 *     wrote updated itself (a hand edit or an import that sets it is
 *     kept); created too, for a new record that has none.
 *
 * Messages are "field 'x': ..." (with "line N: " for values read from a
 * file).  CRM_ERR.
 */
struct crm_change_env {
	const struct crm_config *cfg;
	const char *by;         /* the committing user's login, or NULL */
	time_t now;
	/* The type of the record whose id is id: CRM_OK and *t, or
	 * CRM_ENOTFOUND.  NULL: references are not looked up. */
	int (*lookup)(const char *id, enum crm_type *t, void *data);
	/* The record id as the commit will leave it into *out (caller
	 * frees): CRM_OK, or CRM_ENOTFOUND.  NULL: not read. */
	int (*read)(const char *id, struct crm_record **out, void *data);
	void *data;
};
int crm_record_apply_change(const struct crm_record *before,
			    struct crm_record *after,
			    const struct crm_change_env *env,
			    struct crm_err *err);
/* True when a reference field of r (the registry's, or one cfg declares)
 * names the record id. */
bool crm_record_refers_to(const struct crm_record *r, const char *id,
			  const struct crm_config *cfg);
/*
 * The input pass for values people wrote in a file (crm edit, a hand
 * edit): dates, amounts and currencies of known fields that are not in
 * their stored form are read as crm set reads them (dates relative to
 * now, amounts with crm_config_decimal(cfg)) and replaced by the stored
 * form; values already stored are kept byte for byte.  Currencies must be
 * ISO 4217 codes and an amount may have no more decimals than its
 * currency.  Messages are "line N: field 'x': ...".
 */
int crm_record_normalize(struct crm_record *r, const struct crm_config *cfg,
			 time_t now, struct crm_err *err);
/* crm_record_parse for a file a person wrote: the input pass above runs
 * before validation. */
int crm_record_parse_input(enum crm_type t, const char *expect_id,
			   const char *buf, size_t len,
			   const struct crm_config *cfg, time_t now,
			   struct crm_record **out, struct crm_err *err);
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
/* Appends {id, stage, at, by} to a deal's stage_history, now; a stage
 * the deal was in before with a reason (lost: price) gets that reason
 * again (what crm undo of a move out of it needs). */
void crm_record_note_stage(struct crm_record *r, const char *stage,
			   const char *by, time_t now);
/* Appends {id (a new one), stage, at (stored form), by, reason} to a
 * deal's stage_history; by and reason may be NULL. */
void crm_record_add_stage_entry(struct crm_record *r, const char *stage,
				const char *at, const char *by,
				const char *reason);
/* Known field names of a type (NULL-terminated). */
const char *const *crm_record_fields(enum crm_type t);
/* True when key holds a reference to another record's id. */
bool crm_field_is_ref(const char *key);
/* True when key can name a field: not empty, valid UTF-8, with no
 * control character and none of : # ' " or a blank. */
bool crm_field_name_valid(const char *key);
/* True when name is a field every record of type t may have. */
bool crm_record_known_field(enum crm_type t, const char *name);
/* True when r has tag, compared with case folded (VIP is vip). */
bool crm_record_has_tag(const struct crm_record *r, const char *tag);
/*
 * For a field name a user is about to add to r: when key is neither a
 * field of r's type (nor its singular name), nor a key of r, nor one of
 * used[0..nused) (custom fields of the store), the nearest of those if it
 * is close enough to be a typo; else NULL.  The result points into the
 * field table, r or used.
 */
const char *crm_field_typo(const struct crm_record *r, const char *key,
			   const char *const *used, size_t nused);

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
/* How the store reads values people wrote by hand: dates relative to now,
 * amounts with the caller's locale's decimal separator (',' or '.', 0 for
 * none) when crm.yaml names none. */
void crm_store_set_input(struct crm_store *s, time_t now, char locale_decimal);
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
	char *name;          /* "?" for a file that does not parse */
	size_t idlen;        /* the shortest prefix of id (at least 4) that
			      * no other record's id starts with */
};

/* The most candidates an ambiguous reference reports. */
#define CRM_MATCH_MAX 20

/*
 * Resolves a user's reference among the types in mask (CRM_TYPE_BIT
 * bits, and CRM_PREFER bits for the types preferred), through the index
 * (ref.c), once the ASCII white space at either end of ref is dropped:
 *
 *   1. a whole id (any case, Crockford's look-alikes) or, failing that,
 *      the exact name, case and accents folded (crm_fold): of several
 *      such names, the one spelt byte for byte as ref is taken;
 *   2. else the records whose id starts with ref;
 *   3. else the records whose folded name starts with folded ref;
 *   4. else the records having every word of ref among the words of
 *      their name (crm_fold_words).
 *
 * The first level that matches anything decides; at a name level, of
 * several records exactly one of a preferred type is taken.  An id
 * prefix that is also a name prefix or word of another record (levels 2
 * and 3 or 4 both matching) is ambiguous: a random id that happens to
 * spell a name never wins by chance.
 *
 * On success fills *type and id.  CRM_EUSAGE for an empty ref (nothing but
 * spaces and marks once folded) or invalid
 * UTF-8; CRM_ENOTFOUND when nothing matches; CRM_EAMBIGUOUS when several
 * do, with at most CRM_MATCH_MAX candidates in *cands, sorted by type,
 * name and id (caller frees with crm_matches_free), if cands is not
 * NULL, and their number in *ncands; err's message says how many
 * matched.
 */
int crm_store_resolve(struct crm_store *s, unsigned mask, const char *ref,
		      enum crm_type *type, char id[CRM_ID_LEN + 1],
		      struct crm_match **cands, size_t *ncands,
		      struct crm_err *err);
void crm_matches_free(struct crm_match *m, size_t n);
/* The records among the types of mask whose name is name, case and
 * accents folded (crm_fold), at most max of them, into *out (caller
 * frees with crm_matches_free; their idlen is not set) and their number
 * into *n: an exact look-up, without the other levels of
 * crm_store_resolve. */
int crm_store_named(struct crm_store *s, unsigned mask, const char *name,
		    size_t max, struct crm_match **out, size_t *n,
		    struct crm_err *err);

/* What crm_store_find_ids gives an id no record (or several) has. */
#define CRM_IDS_NONE (-1)
#define CRM_IDS_SEVERAL (-2)

/*
 * The types of the full ids ids[0..n) among the types in mask, in one
 * pass over HEAD's tree (not one search of the index each, nor a wait
 * for the index to catch up with the last bulk change first): types[i]
 * gets ids[i]'s type, CRM_IDS_NONE
 * when no record of those types has it, CRM_IDS_SEVERAL when records of
 * several types do.  CRM_EUSAGE, naming it, for a string that is no full
 * id (bulk.c).
 */
int crm_store_find_ids(struct crm_store *s, unsigned mask,
		       const char *const *ids, size_t n, int *types,
		       struct crm_err *err);

/* A fresh id that no record uses. */
int crm_store_new_id(struct crm_store *s, char id[CRM_ID_LEN + 1],
		     struct crm_err *err);

/* ---- a store in the middle of a git operation (gitstate.c) ---- */

/* What git is in the middle of in a repository. */
enum crm_gitop {
	CRM_GITOP_NONE = 0,
	CRM_GITOP_MERGE,       /* MERGE_HEAD: git merge, git pull */
	CRM_GITOP_REBASE,      /* rebase-merge/, rebase-apply/ */
	CRM_GITOP_CHERRY_PICK, /* CHERRY_PICK_HEAD */
	CRM_GITOP_REVERT,      /* REVERT_HEAD */
	CRM_GITOP_AM,          /* rebase-apply/applying */
	CRM_GITOP_BISECT,      /* BISECT_LOG */
};

/*
 * The operation in progress in the repository whose git directory is
 * gitdir, told by the files git leaves there, checked in the order of
 * libgit2's git_repository_state() and agreeing with it: rebase-merge/
 * or rebase-apply/ (with rebase-apply/applying: am), MERGE_HEAD,
 * REVERT_HEAD, CHERRY_PICK_HEAD, BISECT_LOG.  A few stat calls, no
 * libgit2: every read asks.
 */
enum crm_gitop crm_gitop_at(const char *gitdir);
enum crm_gitop crm_store_gitop(const struct crm_store *s);
/* git's name of op ("merge", "cherry-pick"...); "" for none. */
const char *crm_gitop_name(enum crm_gitop op);
/* "the store is in the middle of a merge (git merge)", translated; ""
 * for none.  Static text. */
const char *crm_gitop_describe(enum crm_gitop op);
/* The "hint:" lines (no final newline) that say how to finish or abort
 * op, translated; "" for none.  Static text. */
const char *crm_gitop_hint(enum crm_gitop op);
/* The "hint:" lines for conflicted files with no operation in progress. */
const char *crm_conflicts_hint(void);
/* True when a line of buf starts with a conflict marker, " * ">>>>>>> ". */
bool crm_has_conflict_markers(const char *buf, size_t len);

/* What the store is in the middle of. */
struct crm_gitstate {
	enum crm_gitop op;
	char **conflicts;   /* conflicted files, sorted, each once */
	size_t nconflicts;
};
/*
 * Fills *st (free with crm_gitstate_free): the operation in progress and
 * the conflicted files, which are the paths .git/index holds conflict
 * entries for, the record files that do not parse in HEAD and hold
 * conflict markers in the work tree (a conflict someone committed; not
 * looked for when the index cannot be opened), and crm.yaml when it
 * holds conflict markers.  Loads libgit2 and brings the index up to date.
 */
int crm_store_gitstate(struct crm_store *s, struct crm_gitstate *st,
		       struct crm_err *err);
void crm_gitstate_free(struct crm_gitstate *st);
/*
 * CRM_OK when crm may write to the store; CRM_ERR, with a message and
 * hint lines saying how to finish or abort, while a git operation is in
 * progress or a file is conflicted.  The conflicted files are looked for
 * once per open store (the operation, at every call): crm_txn_commit()
 * calls it, and so does every command that writes, before it starts.
 */
int crm_store_check_writable(struct crm_store *s, struct crm_err *err);

/*
 * Runs crm_record_apply_change on r against the version HEAD has (none:
 * a new record), with the store's configuration, user and now, its
 * references looked up in HEAD: what the commit of r will check and
 * change, for a command to say so before it writes (crm edit, crm
 * status).  Messages as crm_record_apply_change's.
 */
int crm_store_check_record(struct crm_store *s, struct crm_record *r,
			   struct crm_err *err);
/*
 * Refuses (CRM_ERR) a change of crm.yaml from `from` to `to` that would
 * leave records naming a user, pipeline or stage that `to` lacks
 * (confcheck.c), with a message naming what, how many records, one of
 * their ids, and a hint of the commands that migrate them.  The records
 * are found through the index; writes[0..nwrites) are the records the
 * same change writes (counted as they will be), gone[0..ngone) the ids
 * it removes.  A configuration without users or pipelines checks none.
 */
int crm_config_check_orphans(struct crm_store *s, const struct crm_config *from,
			     const struct crm_config *to,
			     const struct crm_record *const *writes,
			     size_t nwrites, const char *const *gone,
			     size_t ngone, struct crm_err *err);

/*
 * Refuses (CRM_ERR) the names a change of crm.yaml from `from` (NULL: a
 * new store) to `to` brings in when they are no valid ids
 * (crm_config_name_valid) — logins, pipelines, stages — or are given
 * twice: a stage in one pipeline, a pipeline, a user's e-mail address.
 * Names `from` already had are left as they were (confcheck.c).
 */
int crm_config_check_names(const struct crm_config *from,
			   const struct crm_config *to, struct crm_err *err);

/* ---- the timeline of a record (timeline.c) ----
 *
 * A record's timeline: list holds its entries, oldest first, each a map
 * of id (an id of the record alphabet, unique in the store), kind (call,
 * meeting, email, note or task), at (when, a stored date-time), by (the
 * user's login), text, and optionally outcome; an entry of kind task is a
 * finished task: its id is the task's, text its title, due its due date,
 * by who finished it and at when. */
struct crm_entry {
	const char *id;      /* NULL: a new random id */
	const char *kind;
	const char *at;      /* stored form (crm_date_now, crm_date_format) */
	const char *by;
	const char *text;
	const char *due;     /* kind task: when it was due, or NULL */
	const char *outcome; /* or NULL */
};

/* The kinds of timeline entries, NULL ended. */
const char *const *crm_timeline_kinds(void);
bool crm_timeline_kind_valid(const char *kind);
/* Appends entry e to r's timeline, its id into id (e->id, or a new one).
 * CRM_EUSAGE for an unknown kind or a missing time. */
int crm_timeline_append(struct crm_record *r, const struct crm_entry *e,
			char id[CRM_ID_LEN + 1], struct crm_err *err);
/* The entry of r's timeline whose id is id, or NULL; borrowed from r. */
const struct crm_node *crm_timeline_find(const struct crm_record *r,
					 const char *id);

/* ---- deals in the sales process (deal.c) ---- */

/* The stage definition of deal's stage in its pipeline, or NULL. */
const struct crm_stage *crm_deal_stage(const struct crm_config *cfg,
				       const struct crm_record *deal);
/* A deal's chance to be won in percent: its own probability (own, the
 * field's text; NULL or "" when unset), else its stage's; -1 when
 * neither is known.  Every report and board uses this. */
int crm_deal_probability_of(const struct crm_config *cfg, const char *pipeline,
			    const char *stage, const char *own);
int crm_deal_probability(const struct crm_config *cfg,
			 const struct crm_record *deal);
/* The stage stage of pipeline (NULL: the default) into *out;
 * CRM_ENOTFOUND with a did-you-mean when there is none. */
int crm_deal_find_stage(const struct crm_config *cfg, const char *pipeline,
			const char *stage, const struct crm_stage **out,
			struct crm_err *err);
/* CRM_OK unless st is a lost stage and reason is missing or blank, or
 * not one of cfg's lost_reasons when lost_reasons_strict (CRM_EUSAGE,
 * with a hint listing them). */
int crm_deal_check_reason(const struct crm_config *cfg,
			  const struct crm_stage *st, const char *reason,
			  struct crm_err *err);
/* Moves deal to stage (checked: crm_deal_find_stage and
 * crm_deal_check_reason), appending {id, stage, at, by, reason} to its
 * stage_history; at is a stored date-time, by and reason may be NULL.
 * The caller has checked that the deal is not in stage already. */
int crm_deal_move(struct crm_record *deal, const struct crm_config *cfg,
		  const char *stage, const char *reason, const char *at,
		  const char *by, struct crm_err *err);
/* Gives reason (unless NULL or "") to the newest entry of deal's
 * stage_history, the one the stage it has just entered was noted with,
 * and checks that entry's reason as crm_deal_move checks its own
 * (crm_deal_check_reason, for the deal's stage): for crm add and crm
 * set, whose stage field notes the entry. */
int crm_deal_note_reason(struct crm_record *deal,
			 const struct crm_config *cfg, const char *reason,
			 struct crm_err *err);
/* The change pass's rules of deals (crm_record_apply_change runs it
 * after stage_history is noted): a stage entered of kind lost has a
 * reason in its history entry (from lost_reasons when strict), and the
 * competitors newly named are companies whose relation is competitor
 * (when env->read is given). */
int crm_deal_check_change(const struct crm_record *before,
			  const struct crm_record *deal,
			  const struct crm_change_env *env,
			  struct crm_err *err);
/* When anything last happened to r: the latest "at" of its timeline and
 * stage_history, else its created time, into *when; false when it has
 * none of them. */
bool crm_record_last_activity(const struct crm_record *r, long long *when);
/* True when a deal in stage st (may be NULL) whose last activity was at
 * last is stale at now: st is open with a rot_days limit that has
 * passed. */
bool crm_deal_stale(const struct crm_stage *st, bool has_activity,
		    long long last, time_t now);

/* ---- a pipeline's board from the index (board.c) ---- */

/* Called for each stage and currency of a pipeline's deals: count of
 * deals, sum of their amounts (has_sum false when none has one). */
typedef int (*crm_board_total_cb)(const char *stage, const char *currency,
				  size_t count, double sum, bool has_sum,
				  void *data);
/* The counts and totals of the deals of pipeline (with is_default, also
 * those naming no pipeline), per stage and currency, in one pass. */
int crm_board_totals(struct crm_store *s, const char *pipeline,
		     bool is_default, crm_board_total_cb cb, void *data,
		     struct crm_err *err);
/* The first per_stage deals by name of each stage of pipeline (0:
 * every deal), as rows with their name, pipeline, stage, company (and
 * its name), amount, currency, probability, updated_at and last
 * activity. */
struct crm_row;
typedef int (*crm_row_cb)(const struct crm_row *row, void *data);
int crm_board_cards(struct crm_store *s, const char *pipeline, bool is_default,
		    size_t per_stage, crm_row_cb cb, void *data,
		    struct crm_err *err);
/* crm_board_totals and crm_board_cards of the board as it stood at
 * as_of (each deal in the stage of its last stage_history entry up to
 * then, deals made later left out), from the index's deal_facts in one
 * pass and the index of names; *skipped gets the deals then in stages
 * the pipeline lacks. */
int crm_board_past(struct crm_store *s, const char *pipeline, bool is_default,
		   time_t as_of, size_t per_stage, crm_board_total_cb total,
		   crm_row_cb cb, void *data, size_t *skipped,
		   struct crm_err *err);
/* Whether the board wants the card of a deal of pipeline (NULL: none)
 * in stage. */
typedef bool (*crm_board_wants_cb)(const char *pipeline, const char *stage,
				   void *data);
/* Every deal q selects (NULL: all) that existed at as_of, by name, as a
 * row whose stage is the one it was in then (the last stage_history
 * entry up to as_of), from the index's deal_facts: a whole card when
 * wants says so, else only its pipeline, stage, currency and amount. */
struct crm_query;
int crm_board_as_of(struct crm_store *s, const struct crm_query *q,
		    time_t as_of, crm_board_wants_cb wants, crm_row_cb cb,
		    void *data, struct crm_err *err);
/* Where a timeline entry is, as the index has it. */
struct crm_entry_ref {
	char id[CRM_ID_LEN + 1];     /* the entry's */
	char kind[16];
	enum crm_type type;          /* the record whose timeline holds it */
	char record[CRM_ID_LEN + 1];
};
/* Finds the timeline entry whose id is ref, or the one whose id begins
 * with ref (4 characters at least, any case), into *out: how a finished
 * task's id still resolves.  CRM_ENOTFOUND when none has it,
 * CRM_EAMBIGUOUS when several do. */
int crm_store_find_entry(struct crm_store *s, const char *ref,
			 struct crm_entry_ref *out, struct crm_err *err);

/* ---- the rules of the sales process (facts.c) ---- */

/* True when r must always have a next task: a company or contact whose
 * relation is client (or none) and whose status is prospect or active
 * (or none), or a deal in an open stage of cfg. */
bool crm_is_active(const struct crm_config *cfg, const struct crm_record *r);
/* The same of a record of type t with these fields (each may be NULL). */
bool crm_is_active_fields(const struct crm_config *cfg, enum crm_type t,
			  const char *status, const char *relation,
			  const char *pipeline, const char *stage);

/* A record's next open task, as the index has it. */
struct crm_next_task {
	bool found;
	char id[CRM_ID_LEN + 1];
	char due[40];     /* stored form, "" when undated */
	bool has_due;
	long long due_at; /* Unix time (a whole day: its local midnight) */
};
/* The open task for record id due first (undated last) into *out
 * (out->found false when it has none). */
int crm_next_task(struct crm_store *s, const char *id,
		  struct crm_next_task *out, struct crm_err *err);
/* Called for each record that has open tasks, with its next one; a
 * non-zero return stops the walk and is returned. */
typedef int (*crm_next_task_cb)(const char *for_id,
				const struct crm_next_task *t, void *data);
/* Every record's next open task, in one pass over the index. */
int crm_next_tasks(struct crm_store *s, crm_next_task_cb cb, void *data,
		   struct crm_err *err);

/* The state of a next task as Pipedrive marks it. */
enum crm_task_state {
	CRM_TASK_NONE,    /* none scheduled */
	CRM_TASK_OVERDUE, /* its day has passed (or its time, when it has one) */
	CRM_TASK_TODAY,
	CRM_TASK_LATER,   /* after today, or undated */
};
enum crm_task_state crm_task_state(const struct crm_next_task *t, time_t now);

/* ---- open tasks: what is due, and rescheduling (tasks.c) ---- */

/* One open task as crm task due shows it, with whom it concerns; every
 * string is borrowed for the callback only, "" when absent. */
struct crm_due_task {
	const char *id, *name, *due, *owner, *priority;
	long long due_at;       /* Unix time (a whole day: local midnight) */
	const char *for_id;     /* what it is for, and its type */
	enum crm_type for_type;
	const char *client_id;  /* the company or contact it is for, or the
				   deal's company (else its contact) */
	const char *client_name;
	const char *phone;      /* the first phone of the contact concerned,
				   else of the company, as typed */
	const char *deal_id, *deal_name; /* a task for a deal: the deal */
};

/* Which open tasks crm_tasks_due finds: dated ones, due before until. */
struct crm_due_query {
	const char *owner;             /* NULL: every owner */
	const struct crm_query *query; /* NULL: no more condition */
	long long until;               /* due_at < until */
	time_t now;                    /* what is overdue is before it */
	long long since;               /* due_at >= since (0: no bound) */
	bool by_due;                   /* by due and id alone: one owner's
					  tasks come in the order of the
					  index, so that a walk stopped
					  early reads no more */
};

typedef int (*crm_due_cb)(const struct crm_due_task *t, void *data);

/*
 * Passes each dated open task q selects to cb, the overdue first (due
 * before today, or at a time before now), then by due (then high
 * priority first, then by id), with its client, phone and deal, in
 * one query over the index.  A non-zero return of cb stops the walk.
 * Query errors are CRM_EUSAGE.
 */
int crm_tasks_due(struct crm_store *s, const struct crm_due_query *q,
		  crm_due_cb cb, void *data, struct crm_err *err);
/* The number of tasks crm_tasks_due would pass for q, into *n, and of
 * those due at a time of day (not a whole day) into *timed (may be
 * NULL), from the index alone. */
int crm_tasks_count(struct crm_store *s, const struct crm_due_query *q,
		    size_t *n, size_t *timed, struct crm_err *err);

/*
 * Sets task r's due to the stored date to, and appends {from, to, at, by}
 * to its rescheduled list (from left out when it had no due).  Returns
 * CRM_OK, or CRM_EUSAGE when to is no stored date; *same is set when the
 * task was due at to already (r is then unchanged).
 */
int crm_task_reschedule(struct crm_record *r, const char *to, const char *by,
			time_t now, bool *same, struct crm_err *err);
/* Checks the value of a task's rescheduled field: a list of maps, each
 * with a stored due "to", an optional stored due "from", a stored time
 * "at" and a login "by".  The message names key. */
int crm_rescheduled_check(const struct crm_node *n, const char *key,
			  struct crm_err *err);
/* ---- automation rules in crm.yaml (automation.c) ----
 *
 * automation: is a list of rules; each makes one task for a deal when
 * the deal is created (when: created) or enters a stage (when: stage):
 *
 *   - name: call-back           an id, unique among the rules
 *     when: created             created | stage
 *     stage: lead               created: only deals created in it;
 *                               stage: the stage entered (required)
 *     pipeline: sales           optional filters: the deal's pipeline,
 *     tag: vip                  one of its tags, its source
 *     source: web
 *     title: Call {contact.name} about {deal.name}
 *     owner: deal               deal (its owner) or a user's login
 *     due: +15m                 +15m +2h +1d, next working day 10:00,
 *                               or anything crm_date_parse_as reads
 *     priority: high            optional
 *
 * A rule that names an unknown stage, pipeline, user or field, or whose
 * due cannot be read, is kept with its problem: crm check reports it, a
 * commit of crm.yaml with it is refused, and a change that would fire
 * it is refused (a rule is never skipped silently).
 */
enum crm_rule_on { CRM_RULE_CREATED, CRM_RULE_STAGE };

struct crm_rule {
	char *name;
	enum crm_rule_on on;
	char *stage, *pipeline, *tag, *source; /* NULL: any */
	char *title;    /* the template */
	char *owner;    /* NULL: the deal's owner; else a login */
	char *due;      /* NULL: no due date */
	char *priority; /* NULL: none */
	char *problem;  /* why it cannot run, or NULL */
	int line;
};

/* Reads the automation: list of root into cfg (users, pipelines and
 * fields already read).  CRM_ERR "line N: ..." for a list that is no
 * list of maps with names; the rest is each rule's problem. */
int crm_automation_parse(const struct crm_node *root, struct crm_config *cfg,
			 struct crm_err *err);
void crm_automation_free(struct crm_config *cfg);
/* The default rule crm init writes.  Caller owns it. */
struct crm_node *crm_automation_default(void);
/* The rule of cfg called name, or NULL. */
const struct crm_rule *crm_rule_find(const struct crm_config *cfg,
				     const char *name);
/* True when rule r fires for deal d entering stage (created: d is new). */
bool crm_rule_matches(const struct crm_rule *r, const struct crm_record *d,
		      bool created);
/* The id of the task rule r makes for deal id on the stage_history entry
 * whose key is entry: a hash of the three in the id alphabet, the same
 * in every clone. */
void crm_rule_task_id(const char *deal, const char *rule, const char *entry,
		      char id[CRM_ID_LEN + 1]);
/* The key of deal d's last stage_history entry (its id, else its place
 * in the list, its stage and its time: entering a stage twice in one
 * second is two entries) into buf; "" when it has none. */
void crm_rule_entry_key(const struct crm_record *d, char *buf, size_t size);
/* Lookup of the records a title template names: the record of type t
 * whose id is id, or NULL (caller frees). */
typedef struct crm_record *(*crm_rule_load_cb)(enum crm_type t,
					       const char *id, void *data);
/* The task rule r makes for deal d (its stage_history entry key entry),
 * into *out (caller frees): id, name from the template, for, owner, due,
 * priority, and created and updated.  Nothing in it comes from the clock
 * or from who runs the rule, so that two clones make the same file: its
 * times are those of the moment the deal records for the rule (a stage
 * rule: its last stage_history entry's at; a creation rule: its
 * created; now only for a deal that has neither), and the due counts
 * from that moment.  CRM_ERR naming the rule when it cannot. */
int crm_rule_make_task(const struct crm_rule *r, const struct crm_record *d,
		       const char *entry, time_t now, crm_rule_load_cb load,
		       void *data, struct crm_record **out,
		       struct crm_err *err);
/* A task a replay makes, and the rule that makes it (of the rules the
 * replay was given). */
struct crm_rule_task {
	const struct crm_rule *rule;
	struct crm_record *task;
};
/* The tasks rules[0..nrules) make for the deals already where they
 * apply (in their stage, and their filters), those not in the store
 * yet, into *tasks and *n (crm_rule_tasks_free): what crm automate
 * --replay commits, in the rules' order and for each rule in the
 * store's order of the deals.  The deals are read once for all the
 * rules.  Their ids are those the rules gave when they ran, so a replay
 * makes none twice.  CRM_ERR naming the first rule that cannot run,
 * before anything is made. */
int crm_automation_replay(struct crm_store *s, const struct crm_rule *rules,
			  size_t nrules, time_t now,
			  struct crm_rule_task **tasks, size_t *n,
			  struct crm_err *err);
void crm_rule_tasks_free(struct crm_rule_task *tasks, size_t n);

/* ---- the rules checked over the whole store: crm check (check.c) ---- */

enum crm_check_kind {
	CRM_CHECK_NO_TASK,      /* an active record with no open task */
	CRM_CHECK_OVERDUE,      /* a task past its due */
	CRM_CHECK_STALE,        /* an open deal past its stage's rot_days */
	CRM_CHECK_NO_OWNER,
	CRM_CHECK_UNKNOWN_OWNER,
	CRM_CHECK_MISSING_REF,  /* a reference to a record that is not */
	CRM_CHECK_BAD_PHONE,
	CRM_CHECK_BAD_EMAIL,
	CRM_CHECK_RULE,         /* an automation rule that cannot run */
	CRM_CHECK_BROKEN,       /* a record file that does not read */
	CRM_CHECK_NKINDS,
};

/* One finding.  Strings are owned by the finding. */
struct crm_finding {
	enum crm_check_kind kind;
	enum crm_type type;      /* the record's (a rule: none, CRM_NTYPES) */
	char id[CRM_ID_LEN + 1]; /* "" for a rule */
	char *name;              /* the record's or the rule's name */
	char *owner;             /* its owner's login, or NULL */
	const char *field;       /* the field at fault (missing ref, phone,
				    email, owner; a static name) or NULL */
	char *value;             /* what it holds (the id, the phone...), the
				    due of an overdue task, the stage of a
				    stale deal, a rule's problem; or NULL */
	long days;               /* stale: days since the last activity;
				    overdue: days past due */
	size_t idlen;            /* the shortest prefix of id (at least 4)
				    that no other record's id has */
};

/* The machine name of kind ("no-task"). */
const char *crm_check_kind_name(enum crm_check_kind k);
/*
 * Checks the whole store at now from the index alone: every finding of
 * enum crm_check_kind, for records owned by owner (NULL: all; rules and
 * broken files always), into *out (caller frees with
 * crm_findings_free) and *n, sorted by owner (none first), kind, name.
 */
int crm_check(struct crm_store *s, const char *owner, time_t now,
	      struct crm_finding **out, size_t *n, struct crm_err *err);
void crm_findings_free(struct crm_finding *f, size_t n);

/* ---- writing: one commit per command (commit.c) ---- */

struct crm_txn;

struct crm_txn *crm_txn_new(struct crm_store *s);
void crm_txn_free(struct crm_txn *t);
/* Queues a record to be written (a copy: r stays the caller's).  At
 * commit the copy goes through crm_record_apply_change against HEAD's
 * version, then is serialised. */
int crm_txn_put(struct crm_txn *t, const struct crm_record *r,
		struct crm_err *err);
/* The same for a caller that read r's HEAD version before (NULL: r is
 * new), which the change pass then compares r with instead of reading
 * it again: for commands that change many records at once.  before
 * must be HEAD's version, as crm_store_read gave it. */
int crm_txn_put_change(struct crm_txn *t, const struct crm_record *before,
		       const struct crm_record *r, struct crm_err *err);
/* crm_txn_put_change that takes before and r (freed by t, even on
 * failure) instead of copying them: for the tens of thousands of
 * records of an import. */
int crm_txn_take_change(struct crm_txn *t, struct crm_record *before,
			struct crm_record *r, struct crm_err *err);
/* Queues raw bytes for a path (already validated by the caller). */
void crm_txn_put_raw(struct crm_txn *t, const char *path, const char *buf,
		     size_t len);
/* Queues a record file's removal. */
void crm_txn_delete(struct crm_txn *t, enum crm_type type, const char *id);
void crm_txn_delete_path(struct crm_txn *t, const char *path);

/*
 * Says that the change queued for path was made from the work-tree file
 * holding buf (NULL: from no file), not from HEAD's version, as crm edit
 * and crm commit make theirs.  crm_txn_commit() refuses to write when the
 * work tree holds anything else.  A path not queued yet is ignored.
 */
void crm_txn_expect(struct crm_txn *t, const char *path, const char *buf,
		    size_t len);

/* crm_txn_expect() with what the work tree holds at path now. */
void crm_txn_expect_current(struct crm_txn *t, const char *path);

/*
 * cb is called by crm_txn_commit() once everything that can fail before
 * the branch moves has succeeded, just before it moves: the command line
 * prints there what it says about the change (a new id), so that what
 * cannot be said is not done.  A non-zero return (with err set) abandons
 * the commit, leaving the store as it was.
 */
typedef int (*crm_txn_publish_cb)(void *data, struct crm_err *err);
void crm_txn_on_publish(struct crm_txn *t, crm_txn_publish_cb cb, void *data);
/* Lets t remove records other records still refer to (crm rm --force);
 * by default such a removal is refused. */
void crm_txn_allow_dangling(struct crm_txn *t);
/* Adds a "Key: value" trailer to the commit message. */
void crm_txn_add_trailer(struct crm_txn *t, const char *key,
			 const char *value);
/* Number of queued changes. */
size_t crm_txn_count(const struct crm_txn *t);
/* Turns the automation rules off (on: the default) for t: an import
 * runs none unless asked. */
void crm_txn_set_rules(struct crm_txn *t, bool on);

/*
 * Makes the one commit: writes the work-tree files atomically, builds the
 * tree from HEAD's without a checkout, commits with HEAD as parent
 * (retrying if HEAD moved), and brings .git/index up to date so that
 * `git status` stays clean.  command is recorded as the commit's
 * "Crm-Command:" trailer.  The caller holds the lock.  Refuses, with
 * nothing written, while crm_store_check_writable() does.
 */
int crm_txn_commit(struct crm_txn *t, const char *subject,
		   const char *command, struct crm_err *err);

/*
 * Packs the store's loose objects into one pack with deltas once there are
 * at least limit of them (0: the default, 1000), as `git gc --auto`
 * would, and removes the temporary files of pack writers that died;
 * crm_txn_commit() calls it after each commit.
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

/* Reads the rest of the open file fd (at most max + 8 KiB) and closes
 * it; 0 on success, -1 with errno set.  Caller frees *buf. */
int crm_read_fd(int fd, size_t max, char **buf, size_t *len);

/* ---- paths below the store's top (path.c) ---- */
/* errno of a file crm will not read because it is not a regular file. */
#define CRM_ENOTREG EMEDIUMTYPE

/*
 * Opens the directory holding rel (a '/'-separated path below root, no
 * "." or ".." in it) without following a symbolic link below root,
 * creating missing directories when create is set.  Returns the
 * directory's descriptor (the caller closes it) and points *base at
 * rel's last component, or -1 with errno set (ELOOP or ENOTDIR for a
 * link on the way).
 */
int crm_path_parent(const char *root, const char *rel, bool create,
		    const char **base);

/* Opens the regular file rel below root for reading, following no link
 * and never blocking on a FIFO; -1 with errno set (CRM_ENOTREG for a
 * file that is not a regular one). */
int crm_path_open(const char *root, const char *rel);

/* Reads the regular file rel below root as crm_path_open() opens it;
 * 0 on success, -1 with errno set.  Caller frees *buf. */
int crm_path_read(const char *root, const char *rel, char **buf, size_t *len);

/* What went wrong for errno e, said for a path below the store (static
 * text). */
const char *crm_path_strerror(int e);

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

/* The SQLite file layer the index opens its files through (sqlvfs.c):
 * the default one, with the shared memory of WAL databases allocated on
 * disk before it is used, so that a full disk fails a query instead of
 * raising SIGBUS.  NULL when it cannot be registered (then the default). */
#define CRM_SQL_VFS "crm"
const char *crm_sql_vfs(void);

/* A held gitdir/index.lock, taken before a commit moves the branch so that
 * the index can always follow it.  The lock file is a second link of
 * holdpath (gitdir/crm/index.lock): while the two are one file, the lock
 * is crm's, and crm_gitindex_remove_stale() removes it once its holder
 * died.  Users of the lock hold the store's writer lock. */
struct crm_index_lock {
	int fd;                 /* the lock file open for writing; -1 if not */
	bool held;              /* index.lock and the hold link exist */
	char path[4096];
	char lockpath[4096];
	char holdpath[4096];
	char stamppath[4096];   /* what crm knows of the index it wrote last */
	bool verified;          /* the index was found sound under the lock */
};

/* The hold link, and the private index the libgit2 fallback writes,
 * under gitdir/crm. */
#define CRM_INDEX_HOLD "index.lock"
#define CRM_INDEX_PRIVATE "index.new"
/* The stat data and checksum of the index file crm wrote last, under
 * gitdir/crm: while the file is still that one, its checksum is not
 * computed again before a splice. */
#define CRM_INDEX_STAMP "index.stamp"

/* Takes index.lock as git does (retrying for about a second). */
int crm_gitindex_lock(const char *gitdir, struct crm_index_lock *lk,
		      struct crm_err *err);
/* Applies ch to the index under the held lock and renames it into place;
 * releases the lock, except on CRM_ENOTFOUND and CRM_EUSAGE (statuses as
 * crm_gitindex_apply()), when the caller still holds it for its
 * fallback and ends with crm_gitindex_replace() or crm_gitindex_unlock(). */
int crm_gitindex_commit(struct crm_index_lock *lk,
			const struct crm_index_change *ch, size_t n,
			struct crm_err *err);
/* Renames the index file newpath over gitdir/index under the held lock,
 * then releases the lock (in every case). */
int crm_gitindex_replace(struct crm_index_lock *lk, const char *newpath,
			 struct crm_err *err);
/* Removes gitdir/index.lock when it is the second link of crm's hold
 * link (its holder was killed), then the hold link and the fallback's
 * private files.  Only a holder of the store's writer lock calls it. */
void crm_gitindex_remove_stale(const char *gitdir);
/* Releases the lock without changing the index. */
void crm_gitindex_unlock(struct crm_index_lock *lk);

/* Called with a path (not NUL-terminated: len bytes) and data. */
typedef void (*crm_gitindex_path_cb)(const char *path, size_t len,
				     void *data);
/*
 * Calls cb for each entry of gitdir/index at a conflict stage (1, 2 or
 * 3: a path git left unmerged), as many times as it has such stages,
 * walking the mapped file without parsing it into memory (libgit2 takes
 * ~25 ms at 20k entries; this, under 1 ms).  The checksum is not
 * verified: git renames a whole file into place.  No index file: no
 * conflicts.  CRM_EUSAGE for a format this code does not walk (version
 * 4, a mandatory extension such as a split index's): the caller then
 * asks libgit2.
 */
int crm_gitindex_conflicts(const char *gitdir, crm_gitindex_path_cb cb,
			   void *data, struct crm_err *err);

/* ---- history (history.c) ---- */

/* One change to one record in a commit. */
struct crm_change {
	enum crm_type type;
	char id[CRM_ID_LEN + 1];
	char *name;           /* the record's name (newer version first) */
	char action;          /* 'A' added, 'D' removed, 'M' a field changed,
				 'U' a version that does not parse */
	char *field;          /* 'M': the field; otherwise NULL */
	struct crm_node *before; /* 'M': the old value (NULL: absent); 'D':
				    the removed record; otherwise NULL */
	struct crm_node *after;  /* 'M': the new value (NULL: removed); 'A':
				    the added record; otherwise NULL */
};

struct crm_log_entry {
	char hash[41];
	char *author;
	char *email;
	char *login;          /* the crm user with the author's e-mail, or NULL */
	time_t when;
	int offset;           /* minutes east of UTC */
	char *subject;
	char *command;        /* the Crm-Command trailer, or NULL */
	struct crm_change *changes; /* field by field ("updated" left out) */
	size_t nchanges;
	size_t nrecords;      /* records the commit changed */
	size_t nunread;       /* of them, not read: past max_records */
	char **paths;         /* paths changed by the commit (the store's
				 history) */
	size_t npaths;
};

/* What crm_log() looks for. */
struct crm_log_query {
	const char *path;     /* only commits that changed this file (NULL: all) */
	size_t max;           /* at most this many entries (0: all) */
	const char *author;   /* a crm login (its user's e-mail or name), or
				 text in the author's name or e-mail, any
				 case (NULL: anyone) */
	time_t since;         /* older commits are skipped; the walk stops
				 after a few in a row (0: no bound) */
	time_t until;         /* newer commits are skipped (0: no bound) */
	bool changes;         /* read the field changes */
	size_t max_records;   /* records read per commit (0: all) */
};

/*
 * History, newest first, as q asks.  A record file that does not parse
 * gives one 'U' change.  Caller frees *out with crm_log_entries_free.
 */
int crm_log(struct crm_store *s, const struct crm_log_query *q,
	    struct crm_log_entry **out, size_t *n, struct crm_err *err);
/*
 * The same for a path (NULL: the store) and at most max entries (0: all);
 * with path set, with its field changes.
 */
int crm_history(struct crm_store *s, const char *path, size_t max,
		struct crm_log_entry **out, size_t *n, struct crm_err *err);
void crm_log_entries_free(struct crm_log_entry *e, size_t n);

/* How crm_undo and crm_redo pick and make their revert. */
struct crm_undo_opts {
	bool any;   /* the newest change of anyone, not only the store's
		       user's */
	bool force; /* revert even records changed since, three-way: the
		       later changes to other fields are kept */
};

/* What crm_undo or crm_redo reverted. */
struct crm_undo_result {
	char target[41]; /* the commit reverted: the change (undo), the
			    undo (redo) */
	char *subject;   /* the change's subject (redo: the change the undo
			    had reverted) */
	char *author;    /* the name of the target's author */
	bool mine;       /* the store's user is that author */
	size_t merged;   /* files merged three-way (force) */
};

/*
 * Reverts, as one new commit, the newest change crm made (a commit with
 * a Crm-Command trailer, but init and undos) by the store's user (by
 * anyone with o->any) that no later undo reverted: each file it changed
 * goes back to its version before.  Repeated, it walks back.  The commit
 * says what it reverted in its Crm-Undoes trailer.  CRM_ERR when there is
 * nothing to undo, or when a later commit changed one of its files again
 * (the message names the record, the commit and its author) unless
 * o->force.  Caller frees *res with crm_undo_result_free on success.
 */
int crm_undo(struct crm_store *s, const struct crm_undo_opts *o,
	     struct crm_undo_result *res, struct crm_err *err);
/*
 * Reverts the newest undo of the store's user (anyone's with o->any)
 * that no redo reverted yet, when no other change of that user came
 * after it: re-applies what it reverted (trailer Crm-Redoes).  Refuses
 * as crm_undo does.
 */
int crm_redo(struct crm_store *s, const struct crm_undo_opts *o,
	     struct crm_undo_result *res, struct crm_err *err);
void crm_undo_result_free(struct crm_undo_result *res);

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
 * Folds UTF-8 text for case- and accent-insensitive search and for
 * references, the same for every locale: lowercase by Unicode's simple
 * case mapping; every dotted and dotless i (I, İ, ı) to 'i'; Latin
 * letters with marks to their base letter (ç -> c, ş -> s, ğ -> g,
 * Azerbaijani ə -> e; ß -> ss, æ -> ae, œ -> oe); Greek without tonos;
 * Russian ё to е (й stays й); combining marks dropped (but и + breve is
 * й).  Invalid UTF-8 bytes are copied as they are.  Caller owns the
 * result.
 */
char *crm_fold(const char *s);

/* Words longer than this (in bytes, folded) are not words of a name. */
#define CRM_WORD_MAX 128

/*
 * The words of crm_fold(s) into *words (caller frees with
 * crm_words_free): its runs of letters and digits, in order, repeats
 * kept, those longer than CRM_WORD_MAX left out.  Returns how many.
 */
size_t crm_fold_words(const char *s, char ***words);
/*
 * The digits of a phone number-like text ("+7 (495) 123-45-67" ->
 * "74951234567"), or NULL when s holds other letters or fewer than three
 * digits.  Caller owns the result.
 */
char *crm_phone_digits(const char *s);

/* ---- phone numbers (phone.c; libphonenumber in crm-phone.so) ---- */

/* What parsing a phone number gives (crm_phone_parse). */
enum crm_phone_result {
	CRM_PHONE_PARSED,
	CRM_PHONE_NOT_A_NUMBER,
	CRM_PHONE_BAD_COUNTRY,    /* a country code no country has */
	CRM_PHONE_TOO_SHORT,
	CRM_PHONE_TOO_LONG,
	CRM_PHONE_BAD_REGION,     /* the region given is not one */
	CRM_PHONE_FAILED,         /* libphonenumber failed (out of memory) */
};

/* Bytes of an E.164 or national number, or of a number as typed that
 * crm_phone_normalize gives back (with its NUL). */
#define CRM_PHONE_MAX 64

/* A parsed phone number, as libphonenumber sees it. */
struct crm_phone {
	char e164[CRM_PHONE_MAX];     /* "+79035551234" */
	char national[CRM_PHONE_MAX]; /* national significant number,
					 "9035551234": no trunk prefix */
	int country_code;             /* 7 */
	char region[4];               /* the number's country, "RU"; "001"
					 for a non-geographic number; ""
					 when none fits */
	bool valid;                   /* a number in a range the country
					 has (libphonenumber's metadata) */
	bool possible;                /* of a length its numbers have */
	bool international;           /* typed with its country code (+,
					 00, 8~10...), not in national form */
};

/* Loads the module, once.  CRM_ERR, naming it, when it is missing or
 * cannot be loaded; later calls give the same answer. */
int crm_phone_load(struct crm_err *err);
/* CRM_ERR with the loader's message when a load was tried and failed,
 * else CRM_OK (also when none was tried): what the index checks before
 * it commits rows made without the module. */
int crm_phone_load_status(struct crm_err *err);
/*
 * Parses typed, a phone number as someone typed it (spaces, dashes,
 * brackets, a trunk prefix 8 or 0, an international prefix 00 or 8~10,
 * +), dialled from region (ISO 3166 alpha-2, e.g. "RU"; NULL: none, so
 * only numbers with their country code parse).  Fills *out; CRM_OK
 * also for a number that is not valid (out->valid says).  CRM_EUSAGE
 * with a message naming typed when it is not a phone number (or not
 * UTF-8), CRM_ERR when the module cannot be loaded.
 */
int crm_phone_parse(const char *typed, const char *region,
		    struct crm_phone *out, struct crm_err *err);
/*
 * The numbers a query's typed number may mean, for finding every stored
 * form of them: its parse in region when valid (or possible, when typed
 * with its country code); and, for a number typed in national form
 * starting with a trunk prefix (8 ..., 0 ...), each other country whose
 * trunk prefix that is and in which it is a valid number ("050 321 65
 * 87" is also +994 50 321 65 87).  Distinct, region's first.  *out
 * (caller frees; NULL when *n is 0) and *n; CRM_OK with *n 0 when typed
 * is no full number; CRM_ERR when the module cannot be loaded.
 */
int crm_phone_matches(const char *typed, const char *region,
		      struct crm_phone **out, size_t *n, struct crm_err *err);
/* How crm_phone_normalize stored a typed number. */
enum crm_phone_norm {
	CRM_PHONE_E164,       /* typed was already the E.164 form */
	CRM_PHONE_NORMALISED, /* stored as e164; typed differs (kept in
				 phones_typed) */
	CRM_PHONE_AS_TYPED,   /* cannot be made valid: kept as typed */
};
/*
 * Normalises typed (valid UTF-8) for storage with cfg's default region
 * and area code (cfg may be NULL: none): e164 gets the E.164 form of the
 * valid number typed is, read in the region, or, when that is not valid
 * and typed is a local number shorter than the region's, with the area
 * code in front of it; for CRM_PHONE_AS_TYPED, typed itself.  Blanks
 * around typed are ignored (" +7..." is CRM_PHONE_E164; e164 never has
 * them).  Without the module every number is CRM_PHONE_AS_TYPED.
 * CRM_OK, or CRM_ERR when typed is no phone number at all (empty, no
 * digit, letters libphonenumber cannot read, longer than CRM_PHONE_MAX
 * and not valid), with a message naming it.
 */
int crm_phone_normalize(const char *typed, const struct crm_config *cfg,
			char e164[CRM_PHONE_MAX], enum crm_phone_norm *how,
			struct crm_err *err);
/* True when s has the form of an E.164 number: '+', then 2 to 15 digits,
 * the first not 0. */
bool crm_phone_is_e164(const char *s);
/* The form of phone to show: its value in phones_typed (a record's map,
 * may be NULL) when it has one, else phone itself; borrowed. */
const char *crm_phone_shown(const char *phone, const struct crm_node *typed);
/* True when region is an ISO 3166 code libphonenumber knows ("RU",
 * "AZ"; upper case); needs no module. */
bool crm_phone_region_known(const char *region);
/* The known region closest to a mistyped one, or NULL. */
const char *crm_phone_region_suggest(const char *region);
/* The regions the module's libphonenumber knows, space-separated (to
 * check crm_phone_region_known's table against).  Caller owns *out. */
int crm_phone_module_regions(char **out, struct crm_err *err);
/*
 * The index's key of a stored phone number: its E.164 form with each
 * digit written as U+E000 + d, between '+' and ';' (characters nobody
 * types, so that no word of a search matches inside a key), appended to b after a newline, for each
 * '\n'-separated line of phones that crm_phone_digits accepts and that
 * parses in region as a number of a possible length (valid or not: that
 * costs twice as much, and a query looks for valid numbers' keys only).
 * Lines that do not parse add nothing; when the module cannot be loaded
 * neither do they (crm_phone_load_status tells).
 */
void crm_phone_index_keys(struct crm_buf *b, const char *phones,
			  const char *region);
/* The key of one parsed number, as crm_phone_index_keys writes it. */
void crm_phone_key(struct crm_buf *b, const struct crm_phone *p);
/* Digits from which a query's phone-like term is a whole number. */
#define CRM_PHONE_QUERY_DIGITS 7
/*
 * For a query's term typed: when it is made of what phone numbers are
 * written with and holds CRM_PHONE_QUERY_DIGITS digits or more, appends
 * to lit the FTS5 phrase of each number it may mean (crm_phone_matches:
 * "\"+79035551234;\""), joined by " OR " (and after one when lit is not
 * empty), to find the index keys of those numbers.  Appends nothing
 * otherwise; CRM_ERR when the module is needed and cannot be loaded.
 */
int crm_phone_query_keys(const char *typed, const char *region,
			 struct crm_buf *lit, struct crm_err *err);

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
/* The same, the repository's own config at gitdir/config first (as git
 * reads user.email in a clone), when gitdir is not NULL. */
char *crm_git_config_at(const char *gitdir, const char *key);
/* Loads libcrypto (for the SHA-1 of .git/index) the same way. */
int crm_crypto_load(struct crm_err *err);

/* ---- the index (index.c) ---- */

/*
 * The index is a SQLite database at .git/crm/index.db (WAL), derived from
 * the committed records and never committed.  Its schema:
 *
 *   meta(key TEXT PRIMARY KEY, value TEXT)       'commit' -> HEAD it reflects,
 *                                 'region' -> defaults.region its phone
 *                                 keys were read in (another: rebuilt),
 *                                 'config' -> the fingerprint of the
 *                                 crm.yaml its records were checked
 *                                 against (another: the files that did
 *                                 not parse are read again)
 *   records(rid INTEGER PRIMARY KEY, id TEXT, type INTEGER,
 *           name TEXT, name_fold TEXT,
 *           active_at INTEGER,    the last activity: the latest timeline
 *                                 entry or stage change, else created
 *                                 (crm_record_last_activity)
 *           unkeyed INTEGER,      how many phones have no key (are of no
 *                                 possible length), NULL for none
 *           then the columns of the field registry (field.c: each
 *           field's column, TEXT, or REAL for amounts, and its time
 *           column, INTEGER), today owner, stage, pipeline, source,
 *           role, currency, amount, company, contact, for_id, due,
 *           due_at, birthday, created_at, updated_at, phones, emails,
 *           tags ('\n'-joined lists; a tag holds no white space),
 *           phones_shown (the phones as shown: line by line those of
 *           phones, each as typed when phones_typed has it),
 *           broken TEXT,          why the file did not parse, else NULL
 *           blob BLOB)            the id of the file's blob
 *   trees(path TEXT PRIMARY KEY, oid BLOB)  the tree id of each type's
 *                                 directory and of each directory in it;
 *                                 with blob, what an update compares
 *                                 HEAD's trees with
 *   texts(rid INTEGER PRIMARY KEY, text TEXT,  every searchable string of
 *                                 a record, '\n'-joined; apart, so that
 *                                 records rows stay small;
 *         phone_keys TEXT)        its phones' keys (crm_phone_index_keys)
 *   fields(key TEXT, rid INTEGER, value TEXT)  every top-level scalar
 *                                 custom field (keys crm does not know)
 *   fts(text)                     FTS5, trigram, contentless; rowid = rid;
 *                                 holds crm_fold(text) plus phone digits
 *                                 and phone_keys
 *   names(name)                   FTS5, trigram, contentless; rowid = rid;
 *                                 holds name_fold, for ranking searches
 *   facets(t)                     FTS5, contentless, no positions; rowid =
 *                                 rid; one word for the type, per value
 *                                 of each field the registry marks
 *                                 CRM_FIELD_FACET (each item of a list),
 *                                 and per word of the name ("words",
 *                                 crm_fold_words) (crm_facet_word)
 *   entries(rid, id, kind, at, by)  one row per timeline entry with an
 *                                 id: the record's rid, the entry's id,
 *                                 kind, time (at, Unix) and user; a
 *                                 finished task's id is found here;
 *                                 and one of kind 'merged' (no time, no
 *                                 user) per id of its merged_from
 *   stage_totals(pipeline, stage, currency, n, priced, cents)  per
 *                                 pipeline, stage and currency ("" for
 *                                 none) of the deals that parse: how
 *                                 many, how many with an amount, and the
 *                                 sum of their amounts in cents; kept as
 *                                 rows come and go
 *   deal_facts(rid INTEGER PRIMARY KEY, facts TEXT)  one narrow row
 *                                 per deal that parses, what reports read
 *                                 in one column (indexdeal.c; encoding in
 *                                 indexrow.h, DEAL_HIST_FS): pipeline,
 *                                 stage, owner, source, currency, amount
 *                                 in cents, its own probability, created
 *                                 and close as Unix times, its timeline
 *                                 entries, competitors, and its
 *                                 stage_history with the number of
 *                                 timeline entries before each entry
 *   day_totals(what, user, key, day, n)  per span of 32 days
 *                                 (CRM_TOTALS_SPAN: day is the Unix time
 *                                 divided by it, floored): what 'entry',
 *                                 the timeline entries by user of kind
 *                                 key; what 'lead', the companies and
 *                                 contacts of owner user and source key
 *                                 ('' for none) made then; kept as rows
 *                                 come and go
 *                                 (crm report activity, sources)
 *
 * Dates are Unix times (a whole day: its local midnight).  Rows with
 * broken set have only id and type (a record's file is the path
 * crm_record_path gives for them).
 */
#define CRM_INDEX_FORMAT 24

/* The seconds of a span of day_totals: 32 days (few rows to add up for
 * any period; its edges are counted from the entries and records). */
#define CRM_TOTALS_SPAN 2764800

/* The SQL for the searchable text of the record "r". */
#define CRM_TEXT_OF_R "(SELECT x.text FROM texts x WHERE x.rid = r.rid)"

/* Appends to b (after a space unless b is empty) the facets word for
 * value in column (one of the facet columns crm.h lists above,
 * "tags" or "words"): a letter for the column, then value in hex. */
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
	char *name;
	char *text;                     /* searchable text, when ranking */
	char *value[CRM_FIELDS_MAX];    /* by field (crm_field_index): the
					   text of its index column ('\n'-
					   joined lists); NULL when absent */
	char *ref_name[CRM_FIELDS_MAX]; /* references: the name of the
					   record named, NULL when missing */
	double amount;
	bool has_amount;
	long long updated_at;
	bool has_active;                /* board cards: active_at is known */
	long long active_at;            /* board cards: the last activity */
};

/* The value of the field called field of r (its index column's text),
 * or NULL. */
const char *crm_row_get(const struct crm_row *r, const char *field);
/* For a reference field: the name of the record r's field names, or
 * NULL (no such record, or no such field). */
const char *crm_row_ref_name(const struct crm_row *r, const char *field);

/* What to find. */
struct crm_find {
	unsigned mask;                /* record types */
	const struct crm_query *query; /* NULL: every record */
	const char *refers_to;        /* only records whose company, contact
					 or for is this id (NULL: any) */
	bool indirect;                /* with refers_to: also the records
					 whose contact refers to it, and
					 whose for is a record that does
					 (a company's contacts' deals, and
					 the tasks of its contacts, of its
					 deals and of its contacts' deals) */
	const char *sort;             /* a field; NULL: name (search: rank);
					 "stage": pipeline order */
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
/* The i-th field crm_find's sort may name (besides custom fields), for
 * completion; NULL past the last. */
const char *crm_find_sort_field(size_t i);
void crm_words_free(char **words, size_t n);
/* The keys of the custom scalar fields (keys crm does not know) that
 * records of type t hold, sorted, into *keys (free with crm_words_free). */
int crm_find_custom_keys(struct crm_store *s, enum crm_type t, char ***keys,
			 size_t *n, struct crm_err *err);

/* The files of the types in mask that do not parse, with why. */
struct crm_broken {
	char *path;
	char *error;
};
int crm_find_broken(struct crm_store *s, unsigned mask,
		    struct crm_broken **out, size_t *n, struct crm_err *err);
void crm_broken_free(struct crm_broken *b, size_t n);
/* The names of the custom fields records of any type use (sorted, at
 * most 512), found with one index seek each, into *out; caller frees
 * each and the array. */
int crm_find_field_names(struct crm_store *s, char ***out, size_t *n,
			 struct crm_err *err);

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
	/* Where phone numbers typed without their country code are read
	 * (crm.yaml's defaults.region); NULL: only those with one. */
	const char *region;
	/* The configuration whose declared custom fields are queried as
	 * their kind (a date field compared as a date); may be NULL. */
	const struct crm_config *cfg;
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
/*
 * The WHERE clause crm_find_each uses for f (" WHERE ..." over the
 * records table aliased r) appended to where, its parameters into *sql
 * (free with crm_sql_free): for a command that reads another table of
 * the records f selects (crm report).  Query errors are CRM_EUSAGE.
 */
int crm_find_where(struct crm_store *s, const struct crm_find *f,
		   struct crm_buf *where, struct crm_sql *sql,
		   struct crm_err *err);
/* Binds sql's parameters to st, from ?1 on. */
struct sqlite3_stmt;
void crm_sql_bind(struct sqlite3_stmt *st, const struct crm_sql *sql);

/* ---- the same client twice (namekey.c, dupes.c, recmerge.c) ---- */

/* Words transliterated before, kept for the next names (a matcher's). */
struct crm_name_cache;
struct crm_name_cache *crm_name_cache_new(void);
void crm_name_cache_free(struct crm_name_cache *c);
/*
 * The keys by which names are compared, each caller-owned: *fold, the
 * name's words (crm_fold_words: case and accents folded, quotes and
 * punctuation dropped) without legal forms (ООО, ОАО, ЗАО, ПАО, ИП, АО,
 * LLC, Ltd, Inc, GmbH, MMC, ASC...), joined by spaces; *latin, the same
 * words written in Latin ASCII (crm-icu.so: Russian as BGN/PCGN spells
 * it, other scripts by ICU's Any-Latin; without the module, as folded)
 * with a few spellings of Russian transliteration made one (kh -> h, ye
 * -> e, a final iy/yy/ii -> y).  A contact's words are sorted, so that
 * word order does not count.  "" for a name that is only a legal form.
 * fold or latin may be NULL; c (may be NULL) caches transliterated words.
 */
void crm_name_keys(const char *name, enum crm_type t,
		   struct crm_name_cache *c, char **fold, char **latin);
/* The *latin key of crm_name_keys; caller frees. */
char *crm_name_key(const char *name, enum crm_type t);

/* The keys of every record of one type, to find a record's duplicates. */
struct crm_matcher;
/* A record another matched, and why. */
struct crm_dupe_match {
	char id[CRM_ID_LEN + 1];
	int score;           /* 0..100 */
	char reason[96];     /* "phone +74951234567", "e-mail a@b.ru", "tax
				id 7701234567", "name romashka" (words not
				translated, then the value) */
};
/* A score at which an import merges without asking. */
#define CRM_MATCH_SURE 90
/* A key (a phone, an e-mail...) more records than this hold (the one
 * looked for counted) says nothing of which one is meant. */
#define CRM_MATCH_SHARED_MAX 5
/*
 * Loads the keys (E.164 phones, e-mails, tax ids, name keys) of every
 * record of type t from the index (one query, no file read) into *out
 * (free with crm_matcher_free).
 *
 * Scores (crm-dupes(1)): tax id 100, e-mail 95, phone 90; a company's
 * name key 90; a contact's 60, 90 when they also name the same company;
 * a name that matches only once transliterated 5 less; 5 more for each
 * further kind of evidence (tax id, e-mail, phone, name), at most 100.
 * Keys are compared whole (a number's E.164 form, a whole address); a
 * key held by more than CRM_MATCH_SHARED_MAX records counts for nothing.
 */
int crm_matcher_load(struct crm_store *s, enum crm_type t,
		     struct crm_matcher **out, struct crm_err *err);
/* Adds r's keys under r's id (a record just made or changed, so that a
 * later one matches it), replacing what that id had; a record of
 * another type is ignored. */
void crm_matcher_add(struct crm_matcher *m, const struct crm_record *r);
/* The best record other than r itself (by id; r need not be in m)
 * that r matches (score > 0; of equal scores, the smaller id) into
 * *out: CRM_OK, or CRM_ENOTFOUND.  m caches the words it transliterates:
 * not for use from several threads at once. */
int crm_matcher_find(const struct crm_matcher *m, const struct crm_record *r,
		     struct crm_dupe_match *out);
/* The number of records m holds. */
size_t crm_matcher_count(const struct crm_matcher *m);
void crm_matcher_free(struct crm_matcher *m);
/* Two records that match; strings borrowed for the call. */
struct crm_dupe_pair {
	const char *a, *b;           /* ids, a's the smaller */
	const char *name_a, *name_b;
	int score;
	char reason[96];
};
typedef int (*crm_dupe_pair_cb)(const struct crm_dupe_pair *p, void *data);
/* Calls cb once for each pair of m's records that match with a score of
 * min_score or more, in no order; a non-zero return stops the walk and
 * is returned. */
int crm_matcher_each_pair(const struct crm_matcher *m, int min_score,
			  crm_dupe_pair_cb cb, void *data);

/* One field whose values differ: kept, not overwritten. */
struct crm_merge_conflict {
	char *field;
	char *kept;   /* keep's value as one line (crm_node_text) */
	char *other;  /* other's */
};
struct crm_merge_result {
	struct crm_merge_conflict *conflicts;
	size_t nconflicts;
	size_t filled;  /* empty fields filled */
	size_t added;   /* list values added */
};
/*
 * Merges other into keep (changed in place): fills keep's missing or
 * empty fields from other's; adds other's list values that keep lacks
 * (phones compared by E.164, read as crm_phone_parse reads them without
 * a region: those typed without their country code by their digits;
 * e-mails case-insensitively, tags folded); unions timeline and stage_history by entry id (keep's
 * entries first, then other's it lacks, in time order); unions map
 * fields (keep's value of a key wins); and lists each scalar field both
 * have with different values as a conflict (keep's value stays).  Never
 * touches id, created, updated or merged_from; name only when keep's is
 * empty.  res is zeroed first; free it with crm_merge_result_free.
 */
void crm_record_merge_into(struct crm_record *keep,
			   const struct crm_record *other,
			   struct crm_merge_result *res);
/* The same, phones typed without their country code read in region
 * (crm.yaml's defaults.region): what a store's commands call. */
void crm_record_merge_in_region(struct crm_record *keep,
				const struct crm_record *other,
				const char *region,
				struct crm_merge_result *res);
void crm_merge_result_free(struct crm_merge_result *res);
/* Replaces each reference of r to the id from (its reference fields,
 * the registry's and custom ones of cfg, and the values of its timeline
 * entries) with the id to, a list keeping each id once; to NULL removes
 * them (timeline values stay).  Returns how many it changed. */
size_t crm_record_repoint(struct crm_record *r, const char *from,
			  const char *to, const struct crm_config *cfg);

/* A record crm_store_merge re-points. */
struct crm_merge_repoint {
	enum crm_type type;
	char id[CRM_ID_LEN + 1];
	char *name;
	size_t refs;          /* references changed */
};
/* What crm_store_merge does. */
struct crm_merge_plan {
	enum crm_type type;
	struct crm_record *keep;           /* as it is written */
	char (*others)[CRM_ID_LEN + 1];    /* merged into it, in order */
	char **other_names;
	size_t nothers;
	struct crm_merge_result *results;  /* per other: its conflicts */
	struct crm_merge_repoint *repointed;
	size_t nrepointed;
};
/*
 * Queues in t the merge of the records others[0..n) of type into keep
 * (all full ids, of that type, keep not among them): each merged into
 * keep in turn (crm_record_merge_in_region, the store's region), their
 * ids and those merged into them before added to keep's merged_from
 * (which the index makes resolve to keep), every record of the store
 * that names one of them re-pointed to keep (crm_record_repoint; found
 * through the index), and their files removed.  *plan says what (free
 * it with crm_merge_plan_free, also on failure); the caller commits t.
 */
int crm_store_merge(struct crm_store *s, struct crm_txn *t, enum crm_type type,
		    const char *keep, const char *const *others, size_t n,
		    struct crm_merge_plan *plan, struct crm_err *err);
void crm_merge_plan_free(struct crm_merge_plan *plan);
/* When ref, which names no record, is the id (or an id prefix of 4
 * characters or more) of a record merged into a record of the types in
 * mask (its merged_from): CRM_OK, that record's type and id into *type
 * and id.  CRM_ENOTFOUND, CRM_EAMBIGUOUS otherwise (through the index's
 * entries of kind merged). */
int crm_store_resolve_merged(struct crm_store *s, unsigned mask,
			     const char *ref, enum crm_type *type,
			     char id[CRM_ID_LEN + 1], struct crm_err *err);

#endif
