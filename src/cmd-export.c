/*
 * cmd-export.c - crm export FORMAT: records in the formats of other
 * programs; with -o, a file replaced atomically (export.c).
 *
 *   ics: open tasks as an iCalendar file (to-dos, or events), for the
 *        calendar programs people already use, written by the library
 *        (ics.c); here the options and the local time zone's name.
 *   csv, json, xlsx, vcard: the records a query selects, whole, for
 *        spreadsheets, scripts and address books.  The table of a type
 *        and the walk are the library's (rectable.h), as are the workbook
 *        (through crm-xlsx.so) and the vCards (vcard.h); here the options,
 *        the CSV and JSON text (print.c's writers), and what is said.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ics.h"
#include "rectable.h"
#include "vcard.h"

const struct opt_spec export_ics_opts[] = {
	{"output", 'o', OPT_VALUE, N_("FILE"),
	 N_("write to FILE, replaced atomically ('-': standard output)")},
	{"events", 0, OPT_FLAG, NULL,
	 N_("events (VEVENT), not to-dos (VTODO): the dated tasks")},
	{"duration", 0, OPT_INT, N_("MINUTES"),
	 N_("how long an event at a time lasts (default: 30)")},
	{"tz", 0, OPT_VALUE, N_("ZONE"),
	 N_("write times in this time zone, as Europe/Moscow, or UTC "
	    "(default: the local one)")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* Where the system's time zone files are. */
static const char zoneinfo[] = "/usr/share/zoneinfo/";

/* The zone name in path, a file under a zoneinfo directory
 * ("/usr/share/zoneinfo/Europe/Moscow"), into buf; NULL when it is not. */
static const char *zone_of_path(const char *path, char *buf, size_t size)
{
	const char *z = strstr(path, "/zoneinfo/");
	int n;

	if (z == NULL || z[10] == '\0')
		return NULL;
	n = snprintf(buf, size, "%s", z + 10);
	return n > 0 && (size_t)n < size ? buf : NULL;
}

/* The zone the link /etc/localtime names, into buf; NULL when none. */
static const char *zone_of_localtime(const char *file, char *buf, size_t size)
{
	char link[PATH_MAX];
	ssize_t n = readlink(file, link, sizeof(link) - 1);

	if (n <= 0)
		return NULL;
	link[n] = '\0';
	return zone_of_path(link, buf, size);
}

/* The name of the local time zone (an Olson name) into buf: $TZ when it
 * names a zone of the system or a file under zoneinfo, else the zone
 * /etc/localtime links to, else "UTC". */
static const char *local_zone(char *buf, size_t size)
{
	const char *tz = getenv("TZ");
	char path[PATH_MAX];
	struct stat st;
	int n;

	if (tz && tz[0] == ':')
		tz++;
	if (tz && tz[0] == '/') {
		if (zone_of_path(tz, buf, size))
			return buf;
		if (zone_of_localtime(tz, buf, size))
			return buf;
	} else if (tz && tz[0] && strstr(tz, "..") == NULL) {
		n = snprintf(path, sizeof(path), "%s%s", zoneinfo, tz);
		if (n > 0 && (size_t)n < sizeof(path) && stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode) && (size_t)snprintf(buf, size, "%s", tz) < size)
			return buf;
	}
	if (zone_of_localtime("/etc/localtime", buf, size))
		return buf;
	snprintf(buf, size, "UTC");
	return buf;
}

/* Checks the options against each other. */
static int check_options(struct cli *cli, const struct parsed *p)
{
	const struct cmd *self = cli->cmd;

	if (opt_given(p, "duration") && !opt_flag(p, export_ics_opts, "events"))
		return cli_usage_error(self, _("--duration is for --events"));
	if (opt_given(p, "duration") && (opt_int(p, "duration", 0) < 1 ||
					 opt_int(p, "duration", 0) > 10080))
		return cli_usage_error(self, _("--duration must be from 1 to "
					       "10080 minutes (a week)"));
	return CRM_OK;
}

/* Says what was left out. */
static void say_counts(struct cli *cli, const struct crm_ics_counts *n)
{
	if (!cli->quiet && n->too_late)
		cli_warning(ngettext("%zu task due after the year 2998 is not "
				     "in the calendar (iCalendar files written "
				     "by libical end in 3000)",
				     "%zu tasks due after the year 2998 are not "
				     "in the calendar (iCalendar files written "
				     "by libical end in 3000)", n->too_late),
			    n->too_late);
	if (cli->quiet || n->undated == 0)
		return;
	cli_warning(ngettext("%zu task without a due date is not in the "
			     "calendar (an event needs a time)",
			     "%zu tasks without a due date are not in the "
			     "calendar (an event needs a time)", n->undated),
		    n->undated);
}

int cmd_export_ics(struct cli *cli, struct parsed *p)
{
	struct crm_ics_opts o = {0};
	struct crm_ics_counts n;
	struct crm_query *q = NULL;
	struct export_out out;
	char zone[256];
	int rc;

	if ((rc = check_options(cli, p)) || (rc = export_query(cli, p, 0, &q)))
		return rc;
	o.query = q;
	o.events = opt_flag(p, export_ics_opts, "events");
	o.minutes = (int)opt_int(p, "duration", 0);
	o.zone = opt_get(p, export_ics_opts, "tz");
	if (o.zone == NULL)
		o.zone = local_zone(zone, sizeof(zone));
	if ((rc = export_open(cli, opt_get(p, export_ics_opts, "output"), &out)))
		goto done;
	o.write = export_write;
	o.data = &out;
	cli_warn_broken(cli, CRM_TASK);
	rc = crm_ics_export(cli->store, &o, &n, &cli->err);
	if (rc && !out.err) {
		/* the library's failure; a write's is export_close's */
		rc = rc == CRM_EUSAGE ? cli_usage_fail(cli, cli->cmd)
				      : cli_fail(cli);
		export_close(cli, &out, false);
	} else if ((rc = export_close(cli, &out, true)) == CRM_OK) {
		say_counts(cli, &n);
	}
done:
	crm_query_free(q);
	return rc;
}

/* ---- csv, json, xlsx, vcard ---- */

#define OUTPUT_OPT                                                      \
	{"output", 'o', OPT_VALUE, N_("FILE"),                          \
	 N_("write to FILE, replaced atomically ('-': standard output)")}

const struct opt_spec export_csv_opts[] = {
	OUTPUT_OPT,
	{"bom", 0, OPT_FLAG, NULL,
	 N_("begin with a UTF-8 byte order mark (for Excel)")},
	{"sep", 0, OPT_VALUE, N_("SEP"),
	 N_("the separator: ',' (default), ';' or tab")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

const struct opt_spec export_json_opts[] = {
	OUTPUT_OPT,
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

const struct opt_spec export_xlsx_opts[] = {
	OUTPUT_OPT,
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

const struct opt_spec export_vcard_opts[] = {
	OUTPUT_OPT,
	{"vcard3", 0, OPT_FLAG, NULL,
	 N_("vCard 3.0, for address books that read no 4.0")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* "All types", for a JSON export without TYPE. */
#define ALL_TYPES CRM_NTYPES

/*
 * Reads the TYPE that may be the first positional argument into *t
 * (def when there is none; the query starts at *first).  A first word
 * of letters close to a type's name is taken for a misspelt type and
 * refused; any other is the query's.
 */
static int type_arg(struct cli *cli, const struct parsed *p, enum crm_type def,
		    enum crm_type *t, size_t *first)
{
	static const char *const types[] = {
		"company", "contact", "deal", "task",
		"companies", "contacts", "deals", "tasks",
	};
	const char *w = p->npos ? p->pos[0] : NULL, *hint, *c;

	*t = def;
	*first = 0;
	if (w == NULL)
		return CRM_OK;
	if (crm_type_parse(w, t)) {
		*first = 1;
		return CRM_OK;
	}
	for (c = w; (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'); c++)
		;
	if (*c || (hint = crm_suggest(w, types, 8)) == NULL)
		return CRM_OK;
	return cli_usage_error(cli->cmd, _("unknown type '%s' (did you mean "
				"'%s'?)"), w, hint);
}

/* The option --sep as a character; 0 (reported) when it is none of
 * those CSV takes. */
static char sep_arg(struct cli *cli, const struct parsed *p)
{
	const char *s = opt_get(p, export_csv_opts, "sep");

	if (s == NULL)
		return ',';
	if (strcmp(s, ",") == 0 || strcmp(s, ";") == 0 || strcmp(s, "\t") == 0)
		return s[0];
	if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)
		return '\t';
	cli_usage_error(cli->cmd, _("--sep must be ',', ';' or tab, not '%s'"),
			s);
	return 0;
}

/* Says what was written: n records of type t (ALL_TYPES: of any) to
 * path (NULL: standard output), on stderr, unless --quiet. */
static void say_done(struct cli *cli, enum crm_type t, size_t n,
		     const char *path)
{
	const char *what;

	if (cli->quiet)
		return;
	switch (t) {
	case CRM_COMPANY:
		what = ngettext("exported %zu company", "exported %zu companies", n);
		break;
	case CRM_CONTACT:
		what = ngettext("exported %zu contact", "exported %zu contacts", n);
		break;
	case CRM_DEAL:
		what = ngettext("exported %zu deal", "exported %zu deals", n);
		break;
	case CRM_TASK:
		what = ngettext("exported %zu task", "exported %zu tasks", n);
		break;
	default:
		what = ngettext("exported %zu record", "exported %zu records", n);
		break;
	}
	fprintf(stderr, what, n);
	if (path && strcmp(path, "-") != 0)
		fprintf(stderr, _(" to '%s'"), path);
	fputc('\n', stderr);
}

/* The set-up every data export shares: the TYPE (def when none), the
 * query, the check that no file of mask is broken. */
static int prepare(struct cli *cli, const struct parsed *p, enum crm_type def,
		   enum crm_type *t, struct crm_query **q)
{
	size_t first;
	unsigned mask;
	int rc;

	*q = NULL;
	if ((rc = type_arg(cli, p, def, t, &first)) ||
	    (rc = export_query(cli, p, first, q)))
		return rc;
	mask = *t == ALL_TYPES ? CRM_TYPE_ALL : CRM_TYPE_BIT(*t);
	if (crm_export_check(cli->store, mask, &cli->err)) {
		crm_query_free(*q);
		*q = NULL;
		return cli_fail(cli);
	}
	return CRM_OK;
}

/* Finishes an export written to out: closes it (in place when rc is
 * CRM_OK), reports the library's failure rc, or says what was done. */
static int finish(struct cli *cli, struct export_out *out, int rc,
		  enum crm_type t, size_t n, const char *path)
{
	if (rc && !out->err) {
		/* the library's failure; a write's is export_close's */
		rc = rc == CRM_EUSAGE ? cli_usage_fail(cli, cli->cmd)
		     : rc & CLI_REPORTED ? rc : cli_fail(cli);
		export_close(cli, out, false);
		return rc;
	}
	if ((rc = export_close(cli, out, true)) == CRM_OK)
		say_done(cli, t, n, path);
	return rc;
}

/* ---- csv ---- */

/* A CSV export under way. */
struct csv_run {
	const struct crm_rectable *sh;
	FILE *f;
};

/* Row callback: one CSV row. */
static int csv_row(const char *const *cells, void *data)
{
	struct csv_run *run = data;

	cli_delimited_row(run->f, cells, run->sh->ncols, FMT_CSV);
	return ferror(run->f) ? CRM_ERR : 0;
}

/* Reports the failure rc of crm_rectable_build. */
static int build_failed(struct cli *cli, int rc)
{
	return rc == CRM_EUSAGE ? cli_usage_fail(cli, cli->cmd) : cli_fail(cli);
}

int cmd_export_csv(struct cli *cli, struct parsed *p)
{
	const char *path = opt_get(p, export_csv_opts, "output");
	struct crm_rectable sh = {0};
	struct crm_query *q = NULL;
	struct export_out out;
	struct csv_run run = {&sh, NULL};
	enum crm_type t;
	char sep;
	int rc;

	if ((sep = sep_arg(cli, p)) == 0)
		return CRM_EUSAGE | CLI_REPORTED;
	if ((rc = prepare(cli, p, CRM_CONTACT, &t, &q)))
		return rc;
	if ((rc = crm_rectable_build(cli->store, t, q, &sh, &cli->err))) {
		rc = build_failed(cli, rc);
		goto done;
	}
	if ((rc = export_open(cli, path, &out)))
		goto done;
	run.f = out.f;
	cli_csv_mode(CSV_NEUTRALISE | CSV_CRLF, sep);
	if (opt_flag(p, export_csv_opts, "bom"))
		fputs("\xef\xbb\xbf", out.f);
	cli_delimited_row(out.f, (const char *const *)sh.cols, sh.ncols, FMT_CSV);
	rc = crm_rectable_rows(&sh, csv_row, &run, &cli->err);
	if (rc && ferror(out.f))
		out.err = errno ? errno : EIO;
	rc = finish(cli, &out, rc, t, sh.nrows, path);
	cli_csv_mode(0, ',');
done:
	crm_rectable_free(&sh);
	crm_query_free(q);
	return rc;
}

/* ---- json ---- */

/* A JSON export under way. */
struct json_run {
	struct cli *cli;
	FILE *f;
	bool with_type;    /* each record says its type (all types) */
	size_t n;
};

/* The error of a record with a field named type, which the JSON of
 * every type gives each record itself. */
static int type_field(struct json_run *run, const struct crm_record *r)
{
	crm_seterr(&run->cli->err, CRM_ERR, _("%s '%s': a field is named "
		   "'type', as the JSON of every type names each record's "
		   "type"), crm_type_name(r->type), r->id);
	crm_err_hint(&run->cli->err, _("hint: export one type at a time "
				       "('crm export json contact')"));
	return CRM_ERR;
}

/* Export callback: the record, every field of it, as a JSON object. */
static int json_record(const struct crm_record *r, const struct crm_row *row,
		       void *data)
{
	struct json_run *run = data;
	FILE *f = run->f;
	size_t i;

	if (run->with_type && crm_map_get(r->map, "type"))
		return type_field(run, r);
	fprintf(f, "%s\n    {", run->n ? "," : "");
	if (run->with_type) {
		fputs("\n      \"type\": ", f);
		json_string(f, crm_type_name(r->type));
	}
	for (i = 0; i < r->map->len; i++) {
		fprintf(f, "%s\n      ", i || run->with_type ? "," : "");
		json_string(f, r->map->keys[i]);
		fputs(": ", f);
		json_node(f, r->map->items[i], 6);
	}
	fputs("\n    }", f);
	run->n++;
	return ferror(f) ? CRM_ERR : 0;
}

int cmd_export_json(struct cli *cli, struct parsed *p)
{
	const char *path = opt_get(p, export_json_opts, "output");
	struct crm_query *q = NULL;
	struct export_out out;
	struct json_run run = {cli, NULL, false, 0};
	enum crm_type t, i;
	int rc;

	if ((rc = prepare(cli, p, ALL_TYPES, &t, &q)))
		return rc;
	if ((rc = export_open(cli, path, &out)))
		goto done;
	run.f = out.f;
	run.with_type = t == ALL_TYPES;
	fputs("{\n  \"format_version\": 1,\n  \"type\": ", out.f);
	if (t == ALL_TYPES)
		fputs("null", out.f);
	else
		json_string(out.f, crm_type_name(t));
	fputs(",\n  \"records\": [", out.f);
	for (i = 0; i < CRM_NTYPES && rc == CRM_OK; i++)
		if (t == ALL_TYPES || t == i)
			rc = crm_export_each(cli->store, i, q, json_record, &run,
					     &cli->err);
	fprintf(out.f, "%s]\n}\n", run.n ? "\n  " : "");
	if (rc == CRM_ERR && ferror(out.f))
		out.err = errno ? errno : EIO;
	rc = finish(cli, &out, rc, t, run.n, path);
done:
	crm_query_free(q);
	return rc;
}

/* ---- vcard ---- */

/* A vCard export under way. */
struct vcard_run {
	struct export_out *out;
	bool v3;
	size_t n;
};

/* Export callback: the record's vCard. */
static int vcard_record(const struct crm_record *r, const struct crm_row *row,
			void *data)
{
	struct vcard_run *run = data;
	struct crm_buf b = {0};
	int rc;

	crm_vcard_add(&b, r, crm_row_ref_name(row, "company"), run->v3);
	rc = export_write(b.s, b.len, run->out);
	crm_buf_free(&b);
	run->n++;
	return rc ? CRM_ERR : 0;
}

int cmd_export_vcard(struct cli *cli, struct parsed *p)
{
	const char *path = opt_get(p, export_vcard_opts, "output");
	struct crm_query *q = NULL;
	struct export_out out;
	struct vcard_run run = {&out, opt_flag(p, export_vcard_opts, "vcard3"), 0};
	enum crm_type t;
	int rc;

	if ((rc = prepare(cli, p, CRM_CONTACT, &t, &q)))
		return rc;
	if (t != CRM_CONTACT && t != CRM_COMPANY) {
		rc = cli_usage_error(cli->cmd, _("vCards are of contacts and "
				     "companies, not of %s records"),
				     crm_type_name(t));
		goto done;
	}
	if ((rc = export_open(cli, path, &out)))
		goto done;
	rc = crm_export_each(cli->store, t, q, vcard_record, &run, &cli->err);
	rc = finish(cli, &out, rc, t, run.n, path);
done:
	crm_query_free(q);
	return rc;
}

/* ---- xlsx ---- */

/* Copies the file tmp (a workbook written) to out. */
static int copy_out(struct cli *cli, const char *tmp, struct export_out *out)
{
	char buf[65536];
	size_t n;
	FILE *f = fopen(tmp, "rbe");

	if (f == NULL)
		return cli_error(cli, CRM_ERR, _("cannot read '%s': %s"), tmp,
				 strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (export_write(buf, n, out))
			break;
	fclose(f);
	return CRM_OK;
}

/* A temporary file for a workbook that goes to a stream (standard
 * output, a FIFO), in $TMPDIR or /tmp; its name into *tmp (caller
 * frees and removes it). */
static int stream_temp(struct cli *cli, char **tmp)
{
	const char *dir = getenv("TMPDIR");
	struct crm_buf b = {0};
	int fd;

	crm_buf_addf(&b, "%s/crm-xlsx.XXXXXX", dir && dir[0] ? dir : "/tmp");
	fd = mkostemp(b.s, O_CLOEXEC);
	if (fd < 0) {
		crm_buf_free(&b);
		return cli_error(cli, CRM_ERR, _("cannot create a temporary "
				 "file: %s"), strerror(errno));
	}
	close(fd);
	*tmp = crm_buf_detach(&b);
	cli_guard_temp(*tmp);
	return CRM_OK;
}

/* Writes the workbook of sh to out: into its temporary file, or
 * through one of our own when out is a stream. */
static int write_workbook(struct cli *cli, struct crm_rectable *sh,
			  struct export_out *out)
{
	char *tmp = NULL;
	int rc;

	if (out->tmp)
		return crm_xlsx_export(sh, out->tmp, &cli->err);
	if ((rc = stream_temp(cli, &tmp)))
		return rc;
	rc = crm_xlsx_export(sh, tmp, &cli->err);
	if (rc == CRM_OK)
		rc = copy_out(cli, tmp, out);
	unlink(tmp);
	cli_guard_temp(NULL);
	free(tmp);
	return rc;
}

int cmd_export_xlsx(struct cli *cli, struct parsed *p)
{
	const char *path = opt_get(p, export_xlsx_opts, "output");
	struct crm_rectable sh = {0};
	struct crm_query *q = NULL;
	struct export_out out;
	enum crm_type t;
	int rc;

	if ((path == NULL || strcmp(path, "-") == 0) && isatty(STDOUT_FILENO))
		return cli_usage_error(cli->cmd, _("a workbook is not for a "
				       "terminal: give -o FILE, or redirect "
				       "standard output"));
	if ((rc = prepare(cli, p, CRM_CONTACT, &t, &q)))
		return rc;
	if ((rc = crm_rectable_build(cli->store, t, q, &sh, &cli->err))) {
		rc = build_failed(cli, rc);
		goto done;
	}
	if ((rc = export_open(cli, path, &out)))
		goto done;
	rc = write_workbook(cli, &sh, &out);
	rc = finish(cli, &out, rc, t, sh.nrows, path);
done:
	crm_rectable_free(&sh);
	crm_query_free(q);
	return rc;
}
