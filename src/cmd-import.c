/*
 * cmd-import.c - crm import FILE: the rows of a CSV file or a workbook
 * as records, in one commit (import.c).  Here: the options, reading the
 * file, the column map shown and saved, each row's outcome (the bad
 * ones always, every one with --verbose), the rejected rows written for
 * fixing (--errors), progress on a terminal, and the summary.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "import.h"

const struct opt_spec import_opts[] = {
	{"type", 't', OPT_VALUE, N_("TYPE"),
	 N_("what the rows are: company, contact or deal (default: guessed "
	    "from the headers)")},
	{"map", 'm', OPT_LIST, N_("COLUMN=FIELD"),
	 N_("import column COLUMN (a header or a number) into FIELD; '-': "
	    "not at all (repeatable)")},
	{"map-file", 0, OPT_VALUE, N_("FILE"),
	 N_("read COLUMN=FIELD lines from FILE (as --save-map writes them)")},
	{"save-map", 0, OPT_VALUE, N_("FILE"),
	 N_("write the map used to FILE, for --map-file")},
	{"dry-run", 'n', OPT_FLAG, NULL,
	 N_("say what would be created, merged and rejected; write nothing")},
	{"verbose", 'v', OPT_FLAG, NULL, N_("say what became of every row")},
	{"update", 0, OPT_FLAG, NULL,
	 N_("where a row differs from the record it matches, the row's "
	    "values win")},
	{"skip-existing", 0, OPT_FLAG, NULL,
	 N_("leave the records rows match as they are")},
	{"encoding", 0, OPT_VALUE, N_("NAME"),
	 N_("the file's character set, as cp1251 or koi8-r (default: "
	    "detected)")},
	{"sheet", 0, OPT_VALUE, N_("NAME"),
	 N_("the workbook's sheet to read (default: the first)")},
	{"errors", 0, OPT_VALUE, N_("FILE"),
	 N_("write the rejected rows to FILE (CSV, with the reason), to fix "
	    "and import again")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* The most bytes of a file read. */
#define IMPORT_MAX ((size_t)1 << 30)
/* The rejected rows told on stderr without --verbose. */
#define REJECTS_TOLD 20

/* What the command keeps while it runs. */
struct run {
	struct cli *cli;
	const char *file;        /* as given ("-": standard input) */
	const char *name;        /* as messages name it */
	struct crm_sheet *sheet;
	struct crm_import_map map;
	enum crm_type type;
	bool dry_run, verbose, progress;
	size_t told;             /* rejected rows told */
	struct crm_buf errors;   /* the --errors file's text */
	struct timespec start, last;
};

/* ---- reading ---- */

/* Reads the file of r (or standard input) into a sheet. */
static int read_sheet(struct run *r, struct parsed *p)
{
	struct crm_sheet_opts o = {CRM_SHEET_AUTO, NULL, NULL};
	char *buf = NULL;
	size_t len = 0;
	int fd, rc;

	o.encoding = opt_get(p, import_opts, "encoding");
	o.sheet = opt_get(p, import_opts, "sheet");
	fd = strcmp(r->file, "-") == 0 ? STDIN_FILENO
	     : open(r->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || crm_read_fd(fd, IMPORT_MAX, &buf, &len) != 0)
		return cli_error(r->cli, CRM_ERR, _("cannot read '%s': %s"),
				 r->file, strerror(errno));
	if (len > IMPORT_MAX) {
		free(buf);
		return cli_error(r->cli, CRM_ERR, _("cannot read '%s': %s"),
				 r->file, strerror(EFBIG));
	}
	rc = crm_sheet_read(r->name, buf, len, &o, &r->sheet, &r->cli->err);
	free(buf);
	return rc ? cli_fail(r->cli) : CRM_OK;
}

/* ---- the map ---- */

/* "contacts" (translated) for type t. */
static const char *type_plural(enum crm_type t)
{
	switch (t) {
	case CRM_COMPANY: return _("companies");
	case CRM_DEAL: return _("deals");
	default: return _("contacts");
	}
}

/* The longest header, in bytes, the map shows whole. */
#define HEADER_SHOWN 60

/* Header h as the map shows it: safe for the terminal, and cut with
 * "..." at a character boundary past HEADER_SHOWN bytes (a header may be
 * a megabyte).  Caller owns it. */
static char *shown_header(const char *h)
{
	size_t n = strlen(h);
	char *cut, *safe;

	if (n <= HEADER_SHOWN)
		return cli_safe(h);
	n = HEADER_SHOWN;
	while (n > 0 && ((unsigned char)h[n] & 0xC0) == 0x80)
		n--;
	cut = crm_xmalloc(n + 4);
	memcpy(cut, h, n);
	memcpy(cut + n, "...", 4);
	safe = cli_safe(cut);
	free(cut);
	return safe;
}

/* Tells on stderr which column goes where. */
static void show_map(const struct run *r)
{
	const struct crm_import_column *c;
	char *h;
	size_t i, w;

	fprintf(stderr, _("crm: importing %s from '%s' (%s, %s):\n"),
		type_plural(r->type), r->name, r->sheet->encoding,
		r->sheet->delimiter == ';' ? "';'" : r->sheet->delimiter == '\t'
		? "tab" : r->sheet->delimiter ? "','" : "xlsx");
	for (i = 0; i < r->map.ncols; i++) {
		c = &r->map.cols[i];
		h = shown_header(c->header[0] ? c->header : "?");
		w = crm_utf8_width(h);
		fprintf(stderr, "  %3zu %s%*s", i + 1, h,
			w < 28 ? (int)(28 - w) : 0, "");
		if (c->field)
			fprintf(stderr, " -> %s\n", c->field);
		else
			fprintf(stderr, _("    (not imported)\n"));
		free(h);
	}
}

/* Sets the import's type and its map: guessed, then the map file's
 * lines, then each --map. */
static int make_map(struct run *r, struct parsed *p)
{
	const struct crm_config *cfg = crm_store_config(r->cli->store);
	const struct opt_values *maps = opt_all(p, import_opts, "map");
	const char *type = opt_get(p, import_opts, "type");
	const char *file = opt_get(p, import_opts, "map-file");
	char *text;
	const struct crm_sheet_row *head = r->sheet->nrows ? r->sheet->rows : NULL;
	size_t i, len;

	/* the headers, cut short, would be the map of another file */
	if (head && head->error)
		return cli_error(r->cli, CRM_EUSAGE, _("'%s': line %zu: %s"),
				 r->name, head->error_line ? head->error_line
				 : head->line, head->error);
	if (type && (!crm_type_parse(type, &r->type) || r->type == CRM_TASK))
		return cli_usage_error(r->cli->cmd, _("cannot import '%s': use "
				       "company, contact or deal"), type);
	if (type == NULL)
		r->type = crm_import_guess_type(r->sheet);
	crm_import_map_guess(r->sheet, r->type, &r->map);
	if (file) {
		if (crm_read_file(file, &text, &len) != 0)
			return cli_error(r->cli, CRM_EUSAGE, _("cannot read "
					 "'%s': %s"), file, strerror(errno));
		if (crm_import_map_load(&r->map, r->type, file, text, cfg,
					&r->cli->err)) {
			free(text);
			return cli_usage_fail(r->cli, r->cli->cmd);
		}
		free(text);
	}
	for (i = 0; i < maps->count; i++)
		if (crm_import_map_set(&r->map, r->type, maps->vals[i], cfg,
				       &r->cli->err))
			return cli_usage_fail(r->cli, r->cli->cmd);
	if (r->sheet->nrows > r->map.first_row && !crm_import_map_named(&r->map)) {
		show_map(r);
		return cli_error(r->cli, CRM_EUSAGE, _("no column of '%s' gives "
				 "the %s their names\nhint: name it with --map "
				 "COLUMN=name"), r->name, type_plural(r->type));
	}
	return CRM_OK;
}

/* Writes text[0..len) to file as an export writes (export_open): whole,
 * or not at all, the old file kept (a full disk). */
static int write_whole(struct run *r, const char *file, const char *text,
		       size_t len)
{
	struct export_out o;
	int rc;

	if ((rc = export_open(r->cli, file, &o)))
		return rc;
	/* a failed write is o's to tell: export_close reports it */
	export_write(text, len, &o);
	return export_close(r->cli, &o, true);
}

/* Writes the map to the --save-map file. */
static int save_map(struct run *r, const char *file)
{
	struct crm_buf b = {0};
	int rc;

	crm_import_map_write(&r->map, &b);
	rc = write_whole(r, file, b.s ? b.s : "", b.len);
	crm_buf_free(&b);
	return rc;
}

/* ---- the rows ---- */

/* Appends s to b as one CSV field. */
static void csv_cell(struct crm_buf *b, const char *s)
{
	if (strpbrk(s, ",;\"\r\n\t") == NULL) {
		crm_buf_adds(b, s);
		return;
	}
	crm_buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			crm_buf_addc(b, '"');
		crm_buf_addc(b, *s);
	}
	crm_buf_addc(b, '"');
}

/* Appends row i of the sheet to the --errors text, with why at the end;
 * the header row first. */
static void keep_rejected(struct run *r, size_t i, const char *why)
{
	char sep = r->sheet->delimiter ? r->sheet->delimiter : ',';
	size_t c;

	if (r->errors.len == 0) {
		for (c = 0; c < r->map.ncols; c++) {
			csv_cell(&r->errors, r->map.cols[c].header);
			crm_buf_addc(&r->errors, sep);
		}
		crm_buf_adds(&r->errors, "crm_error\r\n");
	}
	for (c = 0; c < r->map.ncols; c++) {
		csv_cell(&r->errors, crm_sheet_cell(r->sheet, i, c));
		crm_buf_addc(&r->errors, sep);
	}
	csv_cell(&r->errors, why);
	crm_buf_adds(&r->errors, "\r\n");
}

/* The verb of an outcome, for --verbose. */
static const char *outcome_text(enum crm_import_outcome o, bool dry)
{
	switch (o) {
	case CRM_IMPORT_CREATED: return dry ? _("would create") : _("created");
	case CRM_IMPORT_UPDATED: return dry ? _("would update") : _("updated");
	case CRM_IMPORT_MERGED:
		return dry ? _("would merge into") : _("merged into");
	case CRM_IMPORT_SKIPPED: return _("skipped, already in");
	default: return _("rejected");
	}
}

/* Tells what became of a row: a rejected one on stderr (the first
 * ones, or all with --verbose), the others with --verbose on stdout. */
static void tell_row(struct run *r, const struct crm_import_row *res)
{
	char *name, *why;
	size_t i;

	if (res->outcome == CRM_IMPORT_REJECTED) {
		if (r->verbose || r->told++ < REJECTS_TOLD)
			cli_warning(_("'%s': line %zu: %s"), r->name, res->line,
				    res->why);
		return;
	}
	if (!r->verbose)
		return;
	name = cli_safe(res->name ? res->name : "");
	why = cli_safe(res->why ? res->why : "");
	printf(_("line %zu: %s %s %s '%s'"), res->line,
	       outcome_text(res->outcome, r->dry_run),
	       crm_type_name(res->type), cli_short_id(res->id), name);
	if (res->why && res->outcome != CRM_IMPORT_CREATED)
		printf(" (%s)", why);
	if (res->company_created)
		printf(_(", with a new company %s"),
		       cli_short_id(res->company_created));
	putchar('\n');
	free(name);
	free(why);
	for (i = 0; i < res->nconflicts; i++) {
		const struct crm_merge_conflict *c = &res->conflicts[i];
		char *kept = cli_safe(c->kept), *other = cli_safe(c->other);

		printf(_("  kept %s '%s', not '%s'\n"), c->field, kept, other);
		free(kept);
		free(other);
	}
}

/* Seconds from a to b. */
static double seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Shows on the terminal how far the rows are, now and then: rows a
 * second and the time left. */
static void show_progress(struct run *r, size_t done, size_t total, bool end)
{
	struct timespec now;
	double t, rate;

	if (!r->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!end && seconds(&r->last, &now) < 0.2)
		return;
	r->last = now;
	t = seconds(&r->start, &now);
	rate = t > 0 ? (double)done / t : 0;
	fputc('\r', stderr);
	fprintf(stderr, _("crm: import: %zu/%zu rows, %.0f rows/s, %.0f s "
			  "left   "), done, total, rate,
		rate > 0 ? (double)(total - done) / rate : 0.0);
	if (end)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Imports every row after the header row. */
static int import_rows(struct run *r, struct crm_import *im)
{
	struct crm_import_row res;
	size_t i, first = r->map.first_row;
	size_t total = r->sheet->nrows > first ? r->sheet->nrows - first : 0;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->last = r->start;
	for (i = first; i < r->sheet->nrows; i++) {
		if ((rc = crm_import_row(im, r->sheet, i, &res, &r->cli->err)))
			return cli_fail(r->cli);
		if (res.outcome == CRM_IMPORT_REJECTED)
			keep_rejected(r, i, res.why);
		tell_row(r, &res);
		if (i % 256 == 0)
			show_progress(r, i - first + 1, total, false);
	}
	show_progress(r, total, total, true);
	if (r->told > REJECTS_TOLD && !r->verbose)
		cli_warning(_("%zu more rejected rows (--verbose tells them all, "
			      "--errors FILE writes them)"), r->told -
			    REJECTS_TOLD);
	return CRM_OK;
}

/* Writes the --errors file (with a header alone when nothing was
 * rejected, so that an old one does not linger). */
static int write_errors(struct run *r, const char *file)
{
	return write_whole(r, file, r->errors.s ? r->errors.s : "",
			   r->errors.len);
}

/* ---- the summary ---- */

/* Prints the counts, as text or JSON. */
static void print_summary(const struct run *r, const struct crm_import_counts *n)
{
	if (r->cli->format == FMT_JSON) {
		printf("{\"format_version\": 1, \"dry_run\": %s, \"type\": \"%s\", "
		       "\"rows\": %zu, \"created\": %zu, \"updated\": %zu, "
		       "\"merged\": %zu, \"skipped\": %zu, \"rejected\": %zu, "
		       "\"companies_created\": %zu, \"conflicts\": %zu, "
		       "\"phones_normalised\": %zu, \"phones_as_typed\": %zu, "
		       "\"phones_invalid\": %zu}\n",
		       r->dry_run ? "true" : "false", crm_type_name(r->type),
		       n->rows, n->created, n->updated, n->merged, n->skipped,
		       n->rejected, n->companies, n->conflicts,
		       n->phones_normalised, n->phones_as_typed,
		       n->phones_invalid);
		return;
	}
	printf(_("%s%zu rows read: %zu created, %zu updated, %zu merged, %zu "
		 "skipped, %zu rejected\n"), r->dry_run ? _("dry run: ") : "",
	       n->rows, n->created, n->updated, n->merged, n->skipped,
	       n->rejected);
	if (n->companies || n->conflicts)
		printf(_("  %zu companies created, %zu differing values kept "
			 "(--verbose lists them)\n"), n->companies,
		       n->conflicts);
	printf(_("  phones: %zu in E.164, %zu kept as typed (not valid "
		 "numbers), %zu rejected (not numbers)\n"),
	       n->phones_normalised, n->phones_as_typed, n->phones_invalid);
}

/* Checks the options that exclude each other, and the one FILE. */
/* True when path is the file imported (input, "-" for standard
 * input), or a link to it: writing path would destroy what is read. */
static bool is_input(const char *path, const char *input)
{
	struct stat a, b;

	if (path == NULL || stat(path, &a) != 0)
		return false;
	if (strcmp(input, "-") == 0 ? fstat(STDIN_FILENO, &b) != 0
	    : stat(input, &b) != 0)
		return false;
	return S_ISREG(a.st_mode) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static int check_args(struct cli *cli, struct parsed *p)
{
	static const char *const writes[] = {"errors", "save-map"};
	size_t i;

	if (p->npos != 1)
		return cli_usage_error(cli->cmd, p->npos ? _("one FILE only")
				       : _("a FILE is needed ('-': standard "
					   "input)"));
	if (opt_flag(p, import_opts, "update") &&
	    opt_flag(p, import_opts, "skip-existing"))
		return cli_usage_error(cli->cmd, _("--update and "
				       "--skip-existing exclude each other"));
	for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
		if (is_input(opt_get(p, import_opts, writes[i]), p->pos[0]))
			return cli_usage_error(cli->cmd, _("'%s' is the file "
					       "imported: --%s would overwrite "
					       "it"), opt_get(p, import_opts,
					       writes[i]), writes[i]);
	return CRM_OK;
}

/* Runs the import once the file is read and mapped. */
static int run_import(struct run *r, struct parsed *p)
{
	struct crm_import_opts o = {0};
	struct crm_import *im = NULL;
	const char *errors = opt_get(p, import_opts, "errors");
	int rc;

	o.type = r->type;
	o.existing = opt_flag(p, import_opts, "update") ? CRM_IMPORT_UPDATE
		     : opt_flag(p, import_opts, "skip-existing")
		     ? CRM_IMPORT_SKIP : CRM_IMPORT_MERGE;
	o.source = r->name;
	o.by = cli_login(r->cli);
	o.now = r->cli->now;
	if (crm_import_new(r->cli->store, &o, &r->map, &im, &r->cli->err))
		return cli_fail(r->cli);
	cli_trace_phase("match keys");
	rc = import_rows(r, im);
	cli_trace_phase("rows");
	if (rc == CRM_OK && errors)
		rc = write_errors(r, errors);
	if (rc == CRM_OK && !r->dry_run && crm_import_pending(im)) {
		if (r->progress)
			fprintf(stderr, _("crm: writing %zu records\n"),
				crm_import_pending(im));
		if (crm_import_commit(im, "import", NULL, NULL, &r->cli->err))
			rc = cli_fail(r->cli);
		cli_trace_phase("commit");
		cli_trace_commit(r->cli);
	}
	if (rc == CRM_OK && !r->cli->quiet)
		print_summary(r, crm_import_counts(im));
	crm_import_free(im);
	return rc;
}

int cmd_import(struct cli *cli, struct parsed *p)
{
	struct run r = {0};
	const char *save = opt_get(p, import_opts, "save-map");
	int rc;

	if ((rc = check_args(cli, p)))
		return rc;
	r.cli = cli;
	r.file = p->pos[0];
	r.name = strcmp(r.file, "-") == 0 ? _("standard input") : r.file;
	r.dry_run = opt_flag(p, import_opts, "dry-run");
	r.verbose = opt_flag(p, import_opts, "verbose");
	r.progress = isatty(STDERR_FILENO) && !cli->quiet;
	cli_trace_phase("start");
	if ((rc = read_sheet(&r, p)) || (rc = make_map(&r, p)))
		goto out;
	cli_trace_phase("read");
	if (!cli->quiet)
		show_map(&r);
	if (save && (rc = save_map(&r, save)))
		goto out;
	rc = run_import(&r, p);
out:
	crm_import_map_free(&r.map);
	crm_sheet_free(r.sheet);
	crm_buf_free(&r.errors);
	return rc;
}
