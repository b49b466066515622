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

/*
 * How an option takes its value.  The parser checks and converts every
 * kind once; commands read the result with opt_get(), opt_int(),
 * opt_keyword() or opt_date().
 */
enum opt_kind {
	OPT_FLAG,  /* no value */
	OPT_VALUE, /* one string; given twice, the last wins */
	OPT_LIST,  /* repeatable string */
	OPT_INT,   /* a whole number >= 0 */
	OPT_ENUM,  /* one of keywords[] */
	OPT_DATE,  /* a date or time as crm_date_parse() reads it */
	OPT_PAST,  /* an OPT_DATE that is not after now: when something
		      happened */
	OPT_REF,   /* a record: a name or an id, not blank (the command
		      resolves it, see cli_resolve) */
};

/* One option of a command, for parsing, --help and completion alike. */
struct opt_spec {
	const char *name;   /* long name without "--" */
	char shortname;     /* 0 when none */
	enum opt_kind kind;
	const char *arg;    /* value placeholder for help, e.g. "DATE" */
	const char *help;   /* N_() text */
	const char *const *keywords; /* OPT_ENUM: NULL-terminated */
};

/* What the parser found for one option. */
struct opt_values {
	size_t count;
	char **vals;        /* the texts given, in order (borrowed from argv) */
	long num;           /* OPT_INT: the last value */
	int keyword;        /* OPT_ENUM: index of the last value in keywords */
	struct crm_date date; /* OPT_DATE: the last value */
};

struct parsed {
	const struct opt_spec *spec;     /* the command's options */
	struct opt_values *opt;          /* one per spec entry */
	size_t nopt;
	const struct opt_spec *inherited;/* options every command takes */
	struct opt_values *iopt;         /* one per inherited entry */
	size_t niopt;
	char **pos;         /* positional arguments (borrowed from argv) */
	size_t npos;
	bool dashdash;      /* "--" ended the options */
	size_t before_dashdash; /* positional arguments before it */
};

/* Output formats. */
enum out_format { FMT_TABLE, FMT_JSON, FMT_CSV, FMT_TSV, FMT_IDS, FMT_YAML,
		  FMT_HTML, FMT_COUNT };
/* Their names, in that order, NULL-terminated ("table", ...). */
extern const char *const cli_format_names[FMT_COUNT + 1];
#define FMT_BIT(f) (1u << (f))
/* The formats of a command that prints records. */
#define FMTS_RECORDS (FMT_BIT(FMT_TABLE) | FMT_BIT(FMT_JSON) | \
		      FMT_BIT(FMT_CSV) | FMT_BIT(FMT_TSV) | FMT_BIT(FMT_IDS))
/* The name of format f ("json"). */
const char *cli_format_name(enum out_format f);

/* State shared by every command. */
struct cli {
	struct crm_store *store;  /* opened when the command needs it */
	enum out_format format;
	bool format_set;          /* --format was given */
	bool color;
	bool quiet;
	bool no_pager;            /* --no-pager */
	const char *user;         /* --user or $CRM_USER, may be NULL */
	time_t now;
	long lock_timeout_ms;
	const char *dir_opt;      /* -C */
	const struct cmd *cmd;    /* the command running */
	struct crm_err err;
};

/* Command flags. */
#define CMD_STORE 0x1  /* needs an open store */
#define CMD_LOCK  0x2  /* takes the writer lock before running */
#define CMD_DASH  0x4  /* "-word" arguments are positional (crm tag) */
#define CMD_HIDDEN 0x8 /* not listed in help */
#define CMD_WRITES 0x10 /* commits, taking the lock itself (crm edit) */
#define CMD_NO_GLOBALS 0x20 /* takes no global options after its name */

/*
 * Marks a status whose error the CLI has already printed (cli_error,
 * cli_fail, cli_usage_error return it), so that nothing prints it again;
 * main() maps statuses to exit codes.
 */
#define CLI_REPORTED 0x100
#define CMD_PAGER 0x40 /* long output goes through a pager on a terminal */
#define CMD_GITSTATE 0x200 /* reports a git operation in progress itself */
/* The status of crm check (and crm automate) when it found something:
 * exit code 10, which no error has. */
#define CLI_EFINDINGS 10

struct cmd {
	const char *name;            /* "add", or "deal move" for a subcommand */
	int (*fn)(struct cli *cli, struct parsed *p);
	unsigned flags;
	const struct opt_spec *opts; /* terminated by a NULL name */
	const char *usage;           /* N_() arguments after the name; the
					options are added from opts */
	const char *summary;         /* N_() one line */
	unsigned formats;            /* FMT_BIT()s it prints; 0: table only */
	const struct cmd *subs;      /* subcommands, NULL-name terminated */
};

extern const struct cmd crm_commands[];
const struct cmd *cli_find_command(const char *name);
/* The subcommand of c called name ("move" of "deal"), or NULL. */
const struct cmd *cli_find_subcommand(const struct cmd *c, const char *name);

/*
 * Parses argv against spec, and against inherited (may be NULL) for the
 * options every command takes; command is named in messages.  Values of
 * every kind are checked and converted here (dates relative to now).
 * Returns CRM_OK or CRM_EUSAGE with err set; free p with
 * cli_parsed_free() either way.
 */
int cli_parse(const struct opt_spec *spec, const struct opt_spec *inherited,
	      const char *command, bool dash_args, time_t now, int argc,
	      char **argv, struct parsed *p, struct crm_err *err);
void cli_parsed_free(struct parsed *p);
/* The values of option name (the command's own, else an inherited one);
 * NULL when the option does not exist. */
const struct opt_values *opt_all(const struct parsed *p,
				 const struct opt_spec *spec, const char *name);
/* The last value of option name, or NULL. */
const char *opt_get(const struct parsed *p, const struct opt_spec *spec,
		    const char *name);
bool opt_flag(const struct parsed *p, const struct opt_spec *spec,
	      const char *name);
/* The value of an OPT_INT option, or def when it was not given. */
long opt_int(const struct parsed *p, const char *name, long def);
/* The keyword index of an OPT_ENUM option, or def when not given. */
int opt_keyword(const struct parsed *p, const char *name, int def);
/* The value of an OPT_DATE or OPT_PAST option; false when it was not
 * given. */
bool opt_date(const struct parsed *p, const char *name, struct crm_date *d);
/* True when option name was given at all. */
bool opt_given(const struct parsed *p, const char *name);

/* Prints "crm: error: MSG" (translated prefix) to stderr; returns status
 * marked CLI_REPORTED (as do cli_fail and cli_usage_error).  MSG is made
 * safe for the terminal; its lines are those of fmt (its hint lines): a
 * newline in an argument is shown as \n.  A message that is finished
 * already (cli->err's) goes through cli_fail, cli_fail_as or
 * cli_usage_fail instead, never as an argument of "%s". */
int cli_error(struct cli *cli, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prints "crm: warning: " and the message, made safe for the terminal
 * as cli_error's is, on stderr. */
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "crm: warning: " and msg, a finished message (an error's of the
 * library, its lines kept), on stderr. */
void cli_warning_text(const char *msg);
/* The problems of r against crm.yaml (crm_record_problems) as a list of
 * {field, message} maps for JSON, or NULL when it has none.  Caller owns
 * it. */
struct crm_node *cli_problems_node(struct cli *cli, const struct crm_record *r);
/* Prints err's message as an error and returns its status. */
int cli_fail(struct cli *cli);
/* Prints err's message as an error and returns status (marked
 * CLI_REPORTED). */
int cli_fail_as(struct cli *cli, int status);
/* Prints err's message about record r, one of several a command changes,
 * as "TYPE ID 'NAME': MSG" with the hint that nothing was changed;
 * returns status (marked CLI_REPORTED). */
int cli_fail_bulk(struct cli *cli, int status, const struct crm_record *r);
/* Prints the command's usage line and a hint; returns CRM_EUSAGE. */
int cli_usage_error(const struct cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* cli_usage_error with err's message: a usage error of command c (may
 * be NULL) the library found. */
int cli_usage_fail(struct cli *cli, const struct cmd *c);
/* Reads the record type that is the first argument of command name into
 * *t; reports a usage error when it is missing or unknown. */
int cli_type_arg(const struct parsed *p, const char *name, enum crm_type *t);
/* CRM_OK when exactly one argument (a REF) was given to command name,
 * else reports a usage error and returns CRM_EUSAGE. */
int cli_one_ref(const struct parsed *p, const char *name);
/* Finds the store as every command does: dir_opt (-C), $CRM_DIR, the
 * nearest parent of the working directory holding crm.yaml, the default
 * store.  Sets *root (caller owns); CRM_ENOSTORE when there is none. */
int cli_find_store(const char *dir_opt, char **root, struct crm_err *err);

/* ${XDG_DATA_HOME:-$HOME/.local/share}/crm into buf, an absolute path
 * only: NULL when neither variable holds one (a relative default store
 * would be looked for wherever crm runs). */
const char *cli_default_store(char *buf, size_t size);

/* The message and its hint line (untranslated) for a command that needs
 * the default store when cli_default_store() has none. */
extern const char cli_no_home_msg[];
extern const char cli_no_home_hint[];
/* Progress of a long index rebuild, on stderr (a terminal). */
void cli_progress(size_t done, size_t total, void *data);
/* Prints help for one command to f: usage, options, global options. */
void cli_print_command_help(const struct cmd *c, FILE *f);
/* Prints c's usage line, its options generated from its table. */
void cli_print_usage(const struct cmd *c, FILE *f);
/* Prints c's usage in one line ("[options]" for its options), as a usage
 * error shows it. */
void cli_print_short_usage(const struct cmd *c, FILE *f);
/* Prints the general help (the commands and the global options). */
void cli_print_main_help(FILE *f);

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
/* cli_resolve, where a finished task's id (an entry of kind task in the
 * index) resolves to its entry: *type is then CRM_NTYPES, id the
 * entry's and *entry where it is.  cli_resolve reports such an id as a
 * task done, naming its record. */
int cli_resolve_entry(struct cli *cli, const struct cli_ref *how,
		      const char *ref, enum crm_type *type,
		      char id[CRM_ID_LEN + 1], struct crm_entry_ref *entry);
/* Reads the record ref names into *out (caller frees), resolved as
 * cli_resolve does.  Reports failures. */
int cli_load(struct cli *cli, const struct cli_ref *how, const char *ref,
	     struct crm_record **out);
/* ---- several records at once (bulk.c) ---- */

/* Some of a command's positional arguments (borrowed). */
struct cli_args {
	char **v;
	size_t n;
};

/*
 * Splits the positional arguments of a command that changes several
 * records (crm set, crm tag): "REF... -- ARG..." (the first "--" that
 * follows references, or a second one after "--" ended the options),
 * else "REF ARG...", or with from_stdin every one an ARG.  Reports a
 * usage error for references with --stdin.
 */
int cli_split_refs(struct cli *cli, const struct parsed *p, bool from_stdin,
		   struct cli_args *refs, struct cli_args *args);

/* Records found, each once, in the order first named. */
struct cli_records {
	enum crm_type *t;
	char (*id)[CRM_ID_LEN + 1];
	size_t n, cap;
};

/*
 * Resolves refs, and with from_stdin the references on standard input
 * (one a line; blank lines skipped), as cli_resolve does, naming the
 * line of one that fails; full ids are looked up together
 * (crm_store_find_ids).  Reports failures.  Free *out with cli_records_free.
 */
int cli_resolve_many(struct cli *cli, const struct cli_ref *how,
		     const struct cli_args *refs, bool from_stdin,
		     struct cli_records *out);
void cli_records_free(struct cli_records *rs);
/* Appends " on 312 deals" (one type) or " on 5 records" to a subject. */
void cli_bulk_subject(struct crm_buf *b, const enum crm_type *types,
		      size_t n);

/* Commits one record change with a subject; reports failures; prints the
 * trace when asked. */
int cli_commit_record(struct cli *cli, const struct crm_record *r,
		      const char *subject, const char *command);
/* Commits a prepared transaction (reports failures, prints the trace). */
int cli_commit(struct cli *cli, struct crm_txn *txn, const char *subject,
	       const char *command);
/* cli_commit() that prints line (NULL: nothing) on standard output just
 * before the branch moves, and flushes it with whatever the command
 * printed before; when that output cannot be written nothing is
 * committed (see crm-add(1)). */
int cli_commit_say(struct cli *cli, struct crm_txn *txn, const char *subject,
		   const char *command, const char *line);
/* cli_commit_record() that says line as cli_commit_say() does. */
int cli_commit_record_say(struct cli *cli, const struct crm_record *r,
			  const char *subject, const char *command,
			  const char *line);
/* Prints the phases of the last commit on stderr when CRM_TRACE is set. */
void cli_trace_commit(struct cli *cli);
/* Prints "crm: trace: WHAT N ms" on stderr, the time since the last
 * call (or the first), when CRM_TRACE is set. */
void cli_trace_phase(const char *what);
/* Sets the record's "updated" to now. */
void cli_touch(struct cli *cli, struct crm_record *r);
/* The login of the acting user ("" when the store has none). */
const char *cli_login(struct cli *cli);
/* "7k2m" - the short id shown in messages. */
const char *cli_short_id(const char *id);

/* ---- output (print.c) ----
 *
 * One printer for what people read and what scripts read, as notmuch's
 * sprinter.  A command builds a table of columns and adds rows; the
 * printer writes them in the format asked for:
 *
 *   table  aligned columns fitted to the terminal (cli_term_width): too
 *          wide, the widest shrinkable columns are cut first, then the
 *          columns of lowest priority dropped; every cell is made safe
 *          for the terminal (cli_safe_text) and cut at a character
 *          boundary with "…" by display width; piped with no COLUMNS,
 *          nothing is cut.
 *   csv, tsv  a header row of the untranslated headers, then the cells'
 *          exact bytes (RFC 4180 quoting; TSV escapes \t \n \r \\).
 *   ids    the id given with each row, one a line.
 *
 * Nothing has a fixed size: any number of columns, cells of any length.
 * Example:
 *
 *	static const struct table_col cols[] = {
 *		{NC_("column", "ID"), 100, 0},
 *		{NC_("column", "NAME"), 90, TCOL_SHRINK},
 *		{NC_("column", "AMOUNT"), 50, TCOL_RIGHT},
 *	};
 *	struct table t;
 *	table_init_cols(&t, 3, cols, cli, stdout);
 *	... table_add_row(&t, id, cells, TSTYLE_PLAIN, NULL); ...
 *	table_finish(&t, rc == CRM_OK);
 */

/* Column flags. */
#define TCOL_SHRINK 0x1 /* may be cut with "…" to fit the terminal */
#define TCOL_RIGHT  0x2 /* right-aligned (amounts) */

/* One column of a table. */
struct table_col {
	const char *header; /* NC_("column", ...) string */
	int priority;       /* when the table does not fit even with its
			       shrinkable columns cut, the columns of the
			       lowest priority go first (the rightmost
			       among equals); ID and NAME have the highest */
	unsigned flags;     /* TCOL_* */
	size_t min;         /* a shrinkable column's narrowest width (0: 8;
			       never below its header's width) */
};

/* How a whole row is shown on a terminal with colour (else plainly). */
enum table_style {
	TSTYLE_PLAIN, TSTYLE_RED, TSTYLE_YELLOW, TSTYLE_DIM, TSTYLE_BOLD,
};

/* A span of one cell shown highlighted (bold red) on a terminal with
 * colour: bytes [off, off + len) of the cell's text as given.  Cells
 * never carry escape sequences themselves: they would be shown escaped. */
struct table_hl {
	size_t col, off, len;
};

/*
 * A table printed as its rows come: CSV, TSV and ids at once; an aligned
 * table holds its first rows to size the columns, then streams, so that
 * memory does not grow with the number of rows.  All fields are the
 * printer's.
 */
struct table {
	size_t ncols;
	struct table_col *cols;  /* owned copy */
	struct cli *cli;
	FILE *out;
	char **cells;            /* rows held: nrows * ncols safe strings */
	unsigned char *styles;   /* per row held */
	size_t nrows, cap;
	size_t *widths;          /* per column, once sized */
	bool *hidden;            /* per column: dropped to fit */
	size_t limit;            /* the line width to fit; 0: none */
	bool streaming;
};

/* Starts a table of ncols columns (cols is copied); nothing is printed
 * before the first row. */
void table_init_cols(struct table *t, size_t ncols,
		     const struct table_col *cols, struct cli *cli, FILE *out);
/* The same with plain headers: every column shrinkable, the leftmost
 * kept longest, but for an ID column, which is never cut and goes last. */
void table_init(struct table *t, size_t ncols, const char **headers,
		struct cli *cli, FILE *out);
/* Adds a row of ncols cells (copied when held; NULL cells print empty),
 * in style st, with the span hl (may be NULL) highlighted. */
void table_add_row(struct table *t, const char *id, const char *const *cells,
		   enum table_style st, const struct table_hl *hl);
/* table_add_row, plain and without highlight. */
void table_add(struct table *t, const char *id, const char *const *cells);
/* Prints what is held (the header at least) when print is true, and
 * frees the table. */
void table_finish(struct table *t, bool print);

/* Writes one CSV (fmt FMT_CSV) or TSV row of n cells (NULL: empty),
 * CSV as cli_csv_mode says; on a terminal (or its pager) each cell is
 * made safe first. */
void cli_delimited_row(FILE *f, const char *const *cells, size_t n,
		       enum out_format fmt);
/* cli_csv_mode's flags. */
#define CSV_NEUTRALISE 0x1 /* a cell a spreadsheet would run as a formula
			      gets a leading "'" (what a spreadsheet opens:
			      crm export csv, crm report --format csv) */
#define CSV_CRLF 0x2       /* rows end in CR LF (RFC 4180, Excel) */
/* How CSV rows are written from now on: flags, and the separator sep
 * (0: ','); by default plainly, with ',' and LF (what scripts read). */
void cli_csv_mode(unsigned flags, char sep);
/* True when a spreadsheet would take cell s for a formula: it starts
 * with = + - @, a tab or a CR, and is not a plain negative number
 * ("-12.5", which it takes for that number). */
bool cli_csv_formula(const char *s);

/* Terminal columns of the UTF-8 text s: wide CJK 2, combining marks 0. */
size_t cli_text_width(const char *s);
/* The width tables fit: $COLUMNS when it is a positive number, else the
 * width of the terminal on stdout, else 0 (no limit). */
size_t cli_term_width(void);
/* An amount for people: grouped as the locale (LC_NUMERIC) says, with its
 * decimal point and two decimals only when they are not zero: "4 500 000"
 * in ru_RU (with the locale's no-break space), "4,500,000.50" in en_US,
 * "4500000" in the C locale, which has no grouping.  Caller owns it. */
char *cli_amount_text(double v);
/* cli_amount_text of n hundredths, exact however large n is (a double
 * is not: reports sum amounts in cents).  Caller owns it. */
char *cli_cents_text(int64_t n);
/* Appends x with the given number of decimals and a point, whatever the
 * locale's decimal point ("12.50": what JSON, CSV and TSV hold; printf's
 * %f writes "12,50" in ru_RU). */
void cli_add_fixed(struct crm_buf *b, double x, int decimals);
/* cli_amount_text(v) followed by " " and currency unless it is NULL or
 * "": "1 200 000 RUB".  Caller owns it. */
char *cli_money_text(double v, const char *currency);
/* A stored date or date-time for people: a date as it is, a moment in
 * local time without seconds or offset ("2026-12-01 11:30"); anything
 * else as it is.  Caller owns it (NULL gives ""). */
char *cli_when_text(const char *stored);
/* How a task due at stored is shown at now: TSTYLE_RED when overdue,
 * TSTYLE_YELLOW when due later today, else TSTYLE_PLAIN. */
enum table_style cli_due_style(const char *stored, time_t now);

/* ---- terminal-safe text (safe.c) ---- */

/* Appends s to b with what a terminal would act on escaped: controls as
 * \t, \n, \r, \xNN (ESC is \x1b), C1 controls, line separators and
 * bidirectional overrides as \uNNNN, bytes that are not UTF-8 as \xNN.
 * Backslashes are kept as they are. */
void cli_safe_add(struct crm_buf *b, const char *s);
/* The same for s[0..n); with keep_newlines, newlines stay as they are
 * (a multi-line value shown on several lines). */
void cli_safe_addn(struct crm_buf *b, const char *s, size_t n,
		   bool keep_newlines);
/* The same into a new string (caller frees); NULL gives "". */
char *cli_safe(const char *s);
/* Appends the escape of code point cp as those show it: \t, \n, \r,
 * \xNN for the other ASCII ones, \uNNNN for the rest. */
void cli_escape_cp(struct crm_buf *b, uint32_t cp);

/* Writes n as JSON (scalars as strings; typed numbers as numbers). */
void json_node(FILE *f, const struct crm_node *n, int indent);
void json_string(FILE *f, const char *s);

/* Colour escape sequences, empty when colour is off. */
const char *color_bold(const struct cli *cli);
const char *color_dim(const struct cli *cli);
const char *color_red(const struct cli *cli);
const char *color_green(const struct cli *cli);
const char *color_yellow(const struct cli *cli);
const char *color_reset(const struct cli *cli);

/* Prints the field changes of a log entry as crm log does: each record
 * changed, then its fields ("    stage: lead -> won"); without the record
 * lines when one_record (cmd-log.c). */
void cli_print_log_changes(struct cli *cli, const struct crm_log_entry *e,
			   bool one_record);

/* ---- the pager (pager.c) ---- */

/*
 * Sends the rest of stdout (and stderr, when it is a terminal) through a
 * pager, as git does, when stdout is a terminal and disabled is false:
 * $CRM_PAGER, else $PAGER, else "less -FRX", run by /bin/sh; "" or "cat"
 * mean none.  LESS=FRX and LV=-c are set unless already set, and COLUMNS
 * to the terminal's width, so that tables still fit.  crm waits for the
 * pager before it exits; a pager that quits early makes later output
 * vanish quietly (no error, no SIGPIPE).  Called once, before the
 * command writes; commands with CMD_PAGER get it from main.c.
 */
void pager_start(bool disabled);
/* True when output goes to a pager. */
bool pager_active(void);

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
int cmd_redo(struct cli *cli, struct parsed *p);
int cmd_status(struct cli *cli, struct parsed *p);
int cmd_commit(struct cli *cli, struct parsed *p);
int cmd_help(struct cli *cli, struct parsed *p);
int cmd_search(struct cli *cli, struct parsed *p);
int cmd_reindex(struct cli *cli, struct parsed *p);
int cmd_complete(struct cli *cli, struct parsed *p);
int cmd_stage_add(struct cli *cli, struct parsed *p);
int cmd_stage_rm(struct cli *cli, struct parsed *p);
int cmd_stage_rename(struct cli *cli, struct parsed *p);
int cmd_user_add(struct cli *cli, struct parsed *p);
int cmd_user_rename(struct cli *cli, struct parsed *p);
int cmd_user_rm(struct cli *cli, struct parsed *p);
int cmd_reassign(struct cli *cli, struct parsed *p);
int cmd_import(struct cli *cli, struct parsed *p);
int cmd_task_add(struct cli *cli, struct parsed *p);
int cmd_task_due(struct cli *cli, struct parsed *p);
int cmd_task_list(struct cli *cli, struct parsed *p);
int cmd_task_move(struct cli *cli, struct parsed *p);
int cmd_task_rm(struct cli *cli, struct parsed *p);
int cmd_task_done(struct cli *cli, struct parsed *p);
/* Sets the owner of a new task to the owner of the record it is for,
 * else (none, or no user any more) to the current user (cmd-task.c). */
int cli_task_default_owner(struct cli *cli, struct crm_record *task);
int cmd_deal_move(struct cli *cli, struct parsed *p);
int cmd_deal_list(struct cli *cli, struct parsed *p);
int cmd_board(struct cli *cli, struct parsed *p);
int cmd_report(struct cli *cli, struct parsed *p);
struct crm_report;
/* The title of report r ("Sales funnel", translated) into title, and its
 * period and moment ("from 2026-10-01 to 2026-12-31 · as of 2026-12-01
 * 09:00") into period: what the table and the page head it with. */
void cli_report_heading(struct cli *cli, const struct crm_report *r,
			struct crm_buf *title, struct crm_buf *period);

/* ---- deals (cmd-deal.c) ---- */

/* The language display names are shown in: $LANGUAGE, else the locale
 * of messages ("ru_RU.UTF-8"), else "C". */
const char *cli_lang(void);
/* The display name of stage of pipeline (NULL: the default) in
 * cli_lang(), or stage itself when crm.yaml has no such stage; "" for
 * NULL.  Borrowed from the store's configuration. */
const char *cli_stage_text(struct cli *cli, const char *pipeline,
			   const char *stage);
/* Every record's next open task (crm_next_tasks), to look up by id. */
struct next_map;
int cli_next_tasks_load(struct cli *cli, struct next_map **out);
/* The next task of record id, or NULL when it has none. */
const struct crm_next_task *cli_next_task_of(const struct next_map *m,
					     const char *id);
void cli_next_tasks_free(struct next_map *m);
/* the timeline (cmd-note.c, cmd-task-done.c) */
int cmd_note(struct cli *cli, struct parsed *p);
int cmd_call(struct cli *cli, struct parsed *p);
int cmd_meeting(struct cli *cli, struct parsed *p);
int cmd_task_done(struct cli *cli, struct parsed *p);
extern const struct opt_spec note_opts[], call_opts[], task_done_opts[];
int cmd_check(struct cli *cli, struct parsed *p);
int cmd_automate(struct cli *cli, struct parsed *p);
int cmd_digest(struct cli *cli, struct parsed *p);

/* ---- the text of crm digest (digest-text.c) ---- */

struct crm_digest;
/* How a digest's text is made. */
struct digest_text {
	struct cli *cli;
	const char *day_label;   /* "Tue 2026-12-01" */
	int days;                /* the days after today it shows */
	int missed;              /* days with no digest before today */
	const char *last;        /* the day of the last digest, when missed */
	const char *bold, *reset;/* around titles ("" for none) */
	bool all;                /* every owner's, each under its name */
};
/* Appends the text of the digests d[0..n): one owner's, or with t->all
 * every owner's that has something, each under its name. */
void cli_digest_text(const struct digest_text *t, const struct crm_digest *d,
		     size_t n, struct crm_buf *b);
/* The subject of an e-mail of digest d.  Caller owns it. */
char *cli_digest_subject(const struct digest_text *t,
			 const struct crm_digest *d);
/* The day of t as the digest shows it, "Tue 2026-12-01", into buf. */
void cli_digest_day_label(time_t t, char *buf, size_t size);

/* Warns about the files of type t that do not parse, each on a line of
 * its own, as crm list does (cmd-list.c). */
void cli_warn_broken(struct cli *cli, enum crm_type t);

/* ---- exports (export.c): what every crm export FORMAT shares ---- */

/*
 * Where an export writes: standard output, or a temporary file in the
 * directory of the file it replaces (the file a symbolic link names),
 * renamed over it once written and synced, so that a reader (a calendar
 * fetching a published file) sees the old file or the new one, whole,
 * never a part; on any failure (a full disk) the temporary file is
 * removed and the old file stays.  The new file keeps the old one's
 * mode, or gets 0644 less the umask.  A file that is not a regular one
 * (/dev/stdout, a FIFO) is written as it is.
 */
struct export_out {
	FILE *f;            /* where to write */
	char *path;         /* the file replaced (owned); NULL: stdout */
	char *tmp;          /* the temporary file (owned); NULL when path
			       is written as it is */
	unsigned mode;      /* the mode the file gets */
	int err;            /* errno of the first write that failed */
};

/* Opens o for path: standard output for NULL or "-".  Reports failures
 * (a directory, one crm cannot create a file in). */
int export_open(struct cli *cli, const char *path, struct export_out *o);
/* Makes the signals that end crm (INT, TERM, HUP, QUIT) remove the
 * temporary file tmp first (its name copied); NULL: the handlers as they
 * were (call it only after a tmp).  One file at a time. */
void cli_guard_temp(const char *tmp);
/* A crm_ics_write_fn (and the like) writing to o (data): 0, or -1 with
 * o->err set. */
int export_write(const char *text, size_t len, void *data);
/* Finishes o: with ok, flushes, syncs and renames the file into place
 * (reporting a failure, after which the old file is intact); without,
 * removes the temporary file.  Returns CRM_OK or the status reported. */
int export_close(struct cli *cli, struct export_out *o, bool ok);
/* Parses the query of an export, the positional arguments from first
 * on, into *q (caller frees; NULL words: every record).  Reports
 * failures. */
int export_query(struct cli *cli, const struct parsed *p, size_t first,
		 struct crm_query **q);
int cmd_export_ics(struct cli *cli, struct parsed *p);
/* crm export csv, json, xlsx, vcard (cmd-export.c) */
int cmd_export_csv(struct cli *cli, struct parsed *p);
int cmd_export_json(struct cli *cli, struct parsed *p);
int cmd_export_xlsx(struct cli *cli, struct parsed *p);
int cmd_export_vcard(struct cli *cli, struct parsed *p);

/* CRM_OK when command c got exactly n arguments, else reports a usage
 * error. */
int cli_nargs(const struct cmd *c, const struct parsed *p, size_t n);
/* Commits txn (filled by a confedit.c function of the library) with
 * subject, and prints done, a translated line, unless --quiet. */
int cli_commit_config(struct cli *cli, struct crm_txn *txn,
		      const char *subject, const char *command,
		      const char *done);

/* Option tables, shared with help and completion. */
extern const struct opt_spec init_opts[], show_opts[],
	list_opts[], set_opts[], tag_opts[], rm_opts[], edit_opts[],
	log_opts[], undo_opts[], redo_opts[], status_opts[], commit_opts[], help_opts[],
	search_opts[], reindex_opts[],
	stage_opts[], stage_add_opts[], stage_rm_opts[], stage_rename_opts[],
	user_opts[], user_add_opts[], user_rename_opts[], user_rm_opts[],
	reassign_opts[], check_opts[], automate_opts[], digest_opts[],
	task_opts[], task_add_opts[], task_due_opts[], task_move_opts[],
	task_rm_opts[], task_done_opts[],
	deal_opts[], deal_move_opts[], deal_list_opts[], board_opts[],
	report_opts[],
	export_opts[], export_ics_opts[], import_opts[], export_csv_opts[],
	export_json_opts[], export_xlsx_opts[], export_vcard_opts[],
	global_opts[], no_opts[];
/* crm add's options, made from the field registry by
 * cli_add_options_init, which main() calls first. */
extern struct opt_spec add_opts[];
void cli_add_options_init(void);

/* ---- duplicates (cmd-dupes.c, cmd-merge.c) ---- */
int cmd_dupes(struct cli *cli, struct parsed *p);
int cmd_merge(struct cli *cli, struct parsed *p);
extern const struct opt_spec dupes_opts[], merge_opts[];

#endif
