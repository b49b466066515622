/*
 * cli.h - the command-line layer: the command table, the one options
 * parser, output, and what every command shares.
 */
#ifndef CRM_CLI_H
#define CRM_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "crm.h"

/* How an option takes its value. */
enum opt_kind {
	OPT_FLAG,  /* no value */
	OPT_VALUE, /* one value; given twice, the last wins */
	OPT_LIST,  /* repeatable value */
};

/* One option of a command, for parsing, --help and completion alike. */
struct opt_spec {
	const char *name;   /* long name without "--" */
	char shortname;     /* 0 when none */
	enum opt_kind kind;
	const char *arg;    /* value placeholder for help, e.g. "DATE" */
	const char *help;   /* N_() text */
};

/* What the parser found: values per option (same index as the spec). */
struct opt_values {
	size_t count;
	char **vals;
};

struct parsed {
	struct opt_values *opt;
	size_t nopt;
	char **pos;         /* positional arguments (borrowed from argv) */
	size_t npos;
};

/* Output formats. */
enum out_format { FMT_TABLE, FMT_JSON, FMT_CSV, FMT_TSV, FMT_IDS, FMT_YAML };

/* State shared by every command. */
struct cli {
	struct crm_store *store;  /* opened when the command needs it */
	enum out_format format;
	bool format_set;          /* --format was given */
	bool color;
	bool quiet;
	const char *user;         /* --user or $CRM_USER, may be NULL */
	time_t now;
	long lock_timeout_ms;
	const char *dir_opt;      /* -C */
	struct crm_err err;
};

/* Command flags. */
#define CMD_STORE 0x1  /* needs an open store */
#define CMD_LOCK  0x2  /* takes the writer lock before running */
#define CMD_DASH  0x4  /* "-word" arguments are positional (crm tag) */
#define CMD_HIDDEN 0x8 /* not listed in help */
#define CMD_WRITES 0x10 /* commits, taking the lock itself (crm edit) */

struct cmd {
	const char *name;
	int (*fn)(struct cli *cli, struct parsed *p);
	unsigned flags;
	const struct opt_spec *opts; /* terminated by a NULL name */
	const char *usage;           /* N_() text after "crm " */
	const char *summary;         /* N_() one line */
};

extern const struct cmd crm_commands[];
const struct cmd *cli_find_command(const char *name);

/* Parses argv against spec.  Returns CRM_OK or CRM_EUSAGE with err set. */
int cli_parse(const struct opt_spec *spec, bool dash_args, int argc,
	      char **argv, struct parsed *p, struct crm_err *err);
void cli_parsed_free(struct parsed *p);
/* The last value of option name, or NULL. */
const char *opt_get(const struct parsed *p, const struct opt_spec *spec,
		    const char *name);
/* All values of option name. */
const struct opt_values *opt_all(const struct parsed *p,
				 const struct opt_spec *spec, const char *name);
bool opt_flag(const struct parsed *p, const struct opt_spec *spec,
	      const char *name);

/* Prints "crm: error: MSG" (translated prefix) to stderr; returns status. */
int cli_error(struct cli *cli, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prints err's message as an error and returns its status. */
int cli_fail(struct cli *cli);
/* Prints the command's usage line and a hint; returns CRM_EUSAGE. */
int cli_usage_error(const struct cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Reads the record type that is the first argument of command name into
 * *t; reports a usage error when it is missing or unknown. */
int cli_type_arg(const struct parsed *p, const char *name, enum crm_type *t);
/* CRM_OK when exactly one argument (a REF) was given to command name,
 * else reports a usage error and returns CRM_EUSAGE. */
int cli_one_ref(const struct parsed *p, const char *name);
/* Progress of a long index rebuild, on stderr (a terminal). */
void cli_progress(size_t done, size_t total, void *data);
/* Parses the value of --limit of command cmd into *limit (unchanged when
 * s is NULL); reports a usage error. */
int cli_parse_limit(const char *s, const char *cmd, size_t *limit);
/* Prints help for one command to f. */
void cli_print_command_help(const struct cmd *c, FILE *f);

/*
 * Where a command takes a record, and what it may be there.  Every
 * reference goes through cli_resolve, which resolves it with
 * crm_store_resolve (the levels are described there and in crm(1)).
 */
struct cli_ref {
	const char *cmd;    /* the command, for its usage line */
	const char *label;  /* "--company", "company" (set's KEY=REF), or
			     * NULL for a positional argument, which takes
			     * --type */
	unsigned mask;      /* the types it may be (CRM_TYPE_BIT) and the
			     * types preferred (CRM_PREFER) */
};

/* Every type, a company preferred: what a positional REF takes. */
#define CLI_REF_ANY (CRM_TYPE_ALL | CRM_PREFER(CRM_COMPANY))

/* The types the reference field key (company, contact, for) may name,
 * for a cli_ref's mask; 0 when key is no reference. */
unsigned cli_ref_field_mask(const char *key);

/*
 * Fills *how for the positional REF of command cmd, which may be any of
 * the types of mask unless --type (in the command's option table spec)
 * names one.  Reports a usage error for an unknown type.
 */
int cli_ref_arg(const struct parsed *p, const struct opt_spec *spec,
		const char *cmd, unsigned mask, struct cli_ref *how);
/*
 * Resolves ref as how says into *type and id.  On failure reports it,
 * naming how->label: the message, the candidates of an ambiguous
 * reference (type, shortest unique id, name made terminal-safe) and a
 * hint; returns the status (CRM_EUSAGE for an empty reference or
 * invalid UTF-8, CRM_ENOTFOUND, CRM_EAMBIGUOUS...).
 */
int cli_resolve(struct cli *cli, const struct cli_ref *how, const char *ref,
		enum crm_type *type, char id[CRM_ID_LEN + 1]);
/* Reads the record ref names into *out (caller frees), resolved as
 * cli_resolve does.  Reports failures. */
int cli_load(struct cli *cli, const struct cli_ref *how, const char *ref,
	     struct crm_record **out);
/* Commits one record change with a subject; reports failures; prints the
 * trace when asked. */
int cli_commit_record(struct cli *cli, const struct crm_record *r,
		      const char *subject, const char *command);
/* Commits a prepared transaction (reports failures, prints the trace). */
int cli_commit(struct cli *cli, struct crm_txn *txn, const char *subject,
	       const char *command);
/* Sets the record's "updated" to now. */
void cli_touch(struct cli *cli, struct crm_record *r);
/* The login of the acting user ("" when the store has none). */
const char *cli_login(struct cli *cli);
/* "7k2m" - the short id shown in messages. */
const char *cli_short_id(const char *id);

/* ---- output (print.c) ---- */

/*
 * A table printed as its rows come: CSV, TSV and ids at once; an aligned
 * table holds its first rows to size the columns, then streams, so that
 * memory does not grow with the number of rows.
 */
struct table {
	size_t ncols;
	const char **headers;  /* NC_("column", ...) strings */
	struct cli *cli;
	FILE *out;
	char **cells;          /* rows held: nrows * ncols owned strings */
	size_t nrows, cap;
	size_t widths[16];
	bool streaming;
};

/* Starts a table; nothing is printed before the first row. */
void table_init(struct table *t, size_t ncols, const char **headers,
		struct cli *cli, FILE *out);
/* Adds a row; cells are copied when held; NULL cells print empty. */
void table_add(struct table *t, const char *id, const char *const *cells);
/* Prints what is held (the header at least) when print is true, and
 * frees the table. */
void table_finish(struct table *t, bool print);

/* ---- terminal-safe text (safe.c) ---- */

/* Appends s to b with what a terminal would act on escaped: controls as
 * \t, \n, \r, \xNN (ESC is \x1b), C1 controls, line separators and
 * bidirectional overrides as \uNNNN, bytes that are not UTF-8 as \xNN.
 * Backslashes are kept as they are. */
void cli_safe_add(struct crm_buf *b, const char *s);
/* The same into a new string (caller frees); NULL gives "". */
char *cli_safe(const char *s);

/* Writes n as JSON (scalars as strings; typed numbers as numbers). */
void json_node(FILE *f, const struct crm_node *n, int indent);
void json_string(FILE *f, const char *s);

/* Colour escape sequences, empty when colour is off. */
const char *color_bold(const struct cli *cli);
const char *color_dim(const struct cli *cli);
const char *color_red(const struct cli *cli);
const char *color_green(const struct cli *cli);
const char *color_reset(const struct cli *cli);

/* ---- sample data (sample.c) ---- */

/* Adds the sample records to a new store, as one commit. */
int sample_populate(struct cli *cli);

/* ---- the commands ---- */

int cmd_init(struct cli *cli, struct parsed *p);
int cmd_add(struct cli *cli, struct parsed *p);
int cmd_show(struct cli *cli, struct parsed *p);
int cmd_list(struct cli *cli, struct parsed *p);
int cmd_set(struct cli *cli, struct parsed *p);
int cmd_tag(struct cli *cli, struct parsed *p);
int cmd_rm(struct cli *cli, struct parsed *p);
int cmd_edit(struct cli *cli, struct parsed *p);
int cmd_log(struct cli *cli, struct parsed *p);
int cmd_undo(struct cli *cli, struct parsed *p);
int cmd_status(struct cli *cli, struct parsed *p);
int cmd_commit(struct cli *cli, struct parsed *p);
int cmd_help(struct cli *cli, struct parsed *p);
int cmd_search(struct cli *cli, struct parsed *p);
int cmd_reindex(struct cli *cli, struct parsed *p);
int cmd_complete(struct cli *cli, struct parsed *p);

/* Option tables, shared with help and completion. */
extern const struct opt_spec init_opts[], add_opts[], show_opts[],
	list_opts[], set_opts[], tag_opts[], rm_opts[], edit_opts[],
	log_opts[], undo_opts[], status_opts[], commit_opts[], help_opts[],
	search_opts[], reindex_opts[],
	global_opts[], no_opts[];

#endif
