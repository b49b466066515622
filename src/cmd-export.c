/*
 * cmd-export.c - crm export FORMAT, of which ics: open tasks as an iCalendar file
 * (to-dos, or events), for the calendar programs people already use;
 * with -o, a file replaced atomically, to publish (export.c).  The
 * library writes it (ics.c); here: the options, the local time zone's
 * name, and what is said about it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ics.h"

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
