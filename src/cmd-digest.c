/*
 * cmd-digest.c - crm digest [--owner U | --all] [--mail] [--sendmail CMD]
 * [--date DAY] [--always]: the morning digest, for cron (crm-digest(1)).
 * It prints nothing when there is nothing to say, says so when days
 * were missed, and does not repeat a day: the day each digest was last
 * made is kept under .git/crm/digest/ (digeststate.c), recorded only
 * once the digest was written out or handed to the mail command.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "digest.h"
#include "mail.h"

const struct opt_spec digest_opts[] = {
	{"owner", 0, OPT_VALUE, N_("LOGIN"),
	 N_("the digest of this user (default: yours)")},
	{"all", 0, OPT_FLAG, NULL,
	 N_("the digest of every user: one text, or with --mail one message "
	    "each")},
	{"mail", 0, OPT_FLAG, NULL,
	 N_("write e-mail for sendmail -t (several messages: an mbox)")},
	{"sendmail", 0, OPT_VALUE, N_("COMMAND"),
	 N_("run COMMAND (such as '/usr/sbin/sendmail -t') with each message "
	    "on its input; implies --mail")},
	{"date", 0, OPT_VALUE, N_("DAY"),
	 N_("the day of the digest (default: today)")},
	{"always", 0, OPT_FLAG, NULL,
	 N_("write it even when it has nothing to say or was made already")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* The days after today whose tasks and birthdays a digest shows. */
#define DIGEST_DAYS 7
/* The most lines a section shows; the rest is counted. */
#define DIGEST_LIMIT 50
/* The most missed days whose birthdays a digest still shows. */
#define DIGEST_MISSED_MAX 31

/* One digest written out, and the state that remembers it. */
struct unit {
	const char *key;   /* the state file: a login, or CRM_DIGEST_ALL */
	size_t first, n;   /* its owners' places in run.owners */
	char last[11];     /* the day of its last digest, "" for none */
	int missed;        /* the days between that and today */
	bool skip;         /* made for this day already */
	bool keep;         /* its day is to be recorded: never one before
			      the day recorded (--date yesterday --always) */
};

/* What a run of crm digest does. */
struct run {
	struct cli *cli;
	const char **owners;  /* logins */
	size_t nowners;
	struct unit *units;
	size_t nunits;
	bool all, mail, mbox, always, keep_state;
	const char *sendmail; /* the command, or NULL */
	time_t now;           /* the moment the digest is of */
	char day[16];         /* its day, YYYY-MM-DD */
	char day_label[64];   /* "Tue 2026-12-01" */
};

/* ---- arguments ---- */

/* Checks what crm digest was given, before anything is read. */
static int check_args(struct cli *cli, struct parsed *p)
{
	const char *cmd = opt_get(p, digest_opts, "sendmail");
	int rc;

	if ((rc = cli_nargs(cli->cmd, p, 0)))
		return rc;
	if (opt_get(p, digest_opts, "owner") && opt_flag(p, digest_opts, "all"))
		return cli_usage_error(cli->cmd, _("--owner and --all cannot "
				       "be given together"));
	if (cmd && cmd[strspn(cmd, " \t")] == '\0')
		return cli_usage_error(cli->cmd, _("--sendmail needs a command, "
				       "such as '/usr/sbin/sendmail -t'"));
	return CRM_OK;
}

/* The owners the digest is of: every user, the one named, or the
 * current user. */
static int pick_owners(struct run *r, struct parsed *p)
{
	const struct crm_config *cfg = crm_store_config(r->cli->store);
	const char *o = opt_get(p, digest_opts, "owner");
	size_t i;

	r->owners = crm_xcalloc(cfg->nusers + 1, sizeof(*r->owners));
	if (r->all) {
		for (i = 0; i < cfg->nusers; i++)
			r->owners[r->nowners++] = cfg->users[i].login;
		return CRM_OK;
	}
	if (o == NULL && cli_login(r->cli)[0] == '\0')
		return cli_usage_error(r->cli->cmd, _("whose digest? give "
				       "--owner LOGIN or --all"));
	if (o == NULL)
		o = cli_login(r->cli);
	if (crm_config_check_user(cfg, o, &r->cli->err) != CRM_OK)
		return cli_usage_fail(r->cli, r->cli->cmd);
	r->owners[r->nowners++] = o;
	return CRM_OK;
}

/* The local day of t, "YYYY-MM-DD", into buf (>= 16 bytes). */
static void local_day(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, size, "%Y-%m-%d",
						     &tm) == 0)
		snprintf(buf, size, "?");
}

/* Reads --date: the digest's moment is that day at the time of day it
 * is now.  A day after today is a preview: no state is read or kept. */
static int pick_day(struct run *r, struct parsed *p)
{
	const char *s = opt_get(p, digest_opts, "date");
	struct crm_date d;
	char today[16];

	r->now = r->cli->now;
	if (s) {
		if (crm_date_parse_as(s, r->cli->now, CRM_DATE_WHEN, &d,
				      &r->cli->err) != CRM_OK)
			return cli_usage_fail(r->cli, r->cli->cmd);
		if (d.has_time)
			return cli_usage_error(r->cli->cmd, _("--date takes a "
					       "day, not a time: '%s'"), s);
		r->now = d.when + (r->cli->now - crm_day_start(r->cli->now, 0));
		/* across a change of summer time: still that day */
		if (crm_day_start(r->now, 0) != crm_day_start(d.when, 0))
			r->now = d.when + 12 * 3600;
	}
	local_day(r->now, r->day, sizeof(r->day));
	local_day(r->cli->now, today, sizeof(today));
	r->keep_state = strcmp(r->day, today) <= 0;
	cli_digest_day_label(r->now, r->day_label, sizeof(r->day_label));
	return CRM_OK;
}

/* ---- the state ---- */

/* The days from the day last to the day of the run (0 when unknown). */
static int days_since(const struct run *r, const char *last)
{
	struct crm_date a, b;
	long long diff;

	if (crm_date_parse_stored(last, &a) != CRM_OK ||
	    crm_date_parse_stored(r->day, &b) != CRM_OK)
		return 0;
	diff = (long long)b.when - (long long)a.when;
	/* whole days, rounded: a day of summer time is 23 or 25 hours */
	diff = (diff >= 0 ? diff + 43200 : diff - 43200) / 86400;
	return diff > 100000 ? 100000 : diff < -100000 ? -100000 : (int)diff;
}

/* Reads the state of u: the day of its last digest, the days missed
 * since, whether this day's was made already.  A state that is no day
 * is reported and forgotten. */
static int read_state(struct run *r, struct unit *u)
{
	int rc, since;

	if (!r->keep_state)
		return CRM_OK;
	u->keep = true;
	rc = crm_digest_last(r->cli->store, u->key, u->last, &r->cli->err);
	if (rc == CRM_ECORRUPT) {
		cli_warning_text(r->cli->err.msg);
		cli_warning(_("starting afresh: this digest is made as if it "
			      "were the first"));
		rc = CRM_OK;
	}
	if (rc)
		return cli_fail(r->cli);
	if (u->last[0] == '\0')
		return CRM_OK;
	since = days_since(r, u->last);
	u->skip = since <= 0 && !r->always;
	u->keep = since >= 0;
	u->missed = since > 1 ? since - 1 : 0;
	return CRM_OK;
}

/* The units of the run: with --all and no mail one text (its own
 * state), else one a owner. */
static int make_units(struct run *r)
{
	size_t i, n = r->all && !r->mail ? 1 : r->nowners;
	int rc;

	r->units = crm_xcalloc(n + 1, sizeof(*r->units));
	r->nunits = n;
	for (i = 0; i < n; i++) {
		if (n == 1 && r->all && !r->mail) {
			r->units[i].key = CRM_DIGEST_ALL;
			r->units[i].first = 0;
			r->units[i].n = r->nowners;
		} else {
			r->units[i].key = r->owners[i];
			r->units[i].first = i;
			r->units[i].n = 1;
		}
		if ((rc = read_state(r, &r->units[i])))
			return rc;
	}
	return CRM_OK;
}

/* ---- gathering ---- */

/* Gathers the digests of the owners of the units not skipped; *wanted
 * (by owner) says which. */
static int gather(struct run *r, struct crm_digest **out)
{
	struct crm_digest_query q = {0};
	const char **owners = crm_xcalloc(r->nowners + 1, sizeof(*owners));
	int *missed = crm_xcalloc(r->nowners + 1, sizeof(*missed));
	struct crm_digest *got = NULL;
	size_t i, j, n = 0;
	int rc;

	for (i = 0; i < r->nunits; i++)
		for (j = 0; !r->units[i].skip && j < r->units[i].n; j++) {
			owners[n] = r->owners[r->units[i].first + j];
			missed[n++] = r->units[i].missed > DIGEST_MISSED_MAX
				      ? DIGEST_MISSED_MAX : r->units[i].missed;
		}
	q.owners = owners;
	q.nowners = n;
	q.now = r->now;
	q.days = DIGEST_DAYS;
	q.missed = missed;
	q.limit = DIGEST_LIMIT;
	rc = crm_digest_gather(r->cli->store, &q, &got, &r->cli->err);
	*out = crm_xcalloc(r->nowners + 1, sizeof(**out));
	/* back in the places of r->owners: a skipped owner's stays empty */
	for (i = 0, j = 0; rc == CRM_OK && i < r->nowners && j < n; i++)
		if (strcmp(r->owners[i], owners[j]) == 0)
			(*out)[i] = got[j++];
	for (i = 0; i < r->nowners; i++)
		if ((*out)[i].owner == NULL)
			(*out)[i].owner = crm_xstrdup(r->owners[i]);
	free(got); /* its digests moved */
	free(owners);
	free(missed);
	return rc ? cli_fail(r->cli) : CRM_OK;
}

/* ---- writing out ---- */

/* Writes buf to standard output; CRM_OK when all of it went. */
static int write_out(struct run *r, const char *buf, size_t len)
{
	if ((len && fwrite(buf, 1, len, stdout) != len) || fflush(stdout) != 0)
		return cli_error(r->cli, CRM_ERR, _("cannot write the digest: "
				 "%s"), strerror(errno));
	return CRM_OK;
}

/* Runs the mail command with buf on its standard input; CRM_OK when it
 * exits with 0. */
static int run_sendmail(struct run *r, const char *buf, size_t len)
{
	int fd[2], status, e = 0;
	ssize_t w;
	size_t off = 0;
	pid_t pid;

	fflush(stdout);
	if (pipe(fd) != 0 || (pid = fork()) < 0)
		return cli_error(r->cli, CRM_ERR, _("cannot run '%s': %s"),
				 r->sendmail, strerror(errno));
	if (pid == 0) {
		close(fd[1]);
		if (dup2(fd[0], STDIN_FILENO) < 0)
			_exit(127);
		close(fd[0]);
		execl("/bin/sh", "sh", "-c", r->sendmail, (char *)NULL);
		_exit(127);
	}
	close(fd[0]);
	while (off < len) {
		w = write(fd[1], buf + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = errno;
			break;
		}
		off += (size_t)w;
	}
	close(fd[1]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return cli_error(r->cli, CRM_ERR, _("cannot run '%s': %s"),
					 r->sendmail, strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && off == len)
		return CRM_OK;
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return cli_error(r->cli, CRM_ERR, _("'%s' failed (exit status "
				 "%d): the digest was not sent"), r->sendmail,
				 WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		return cli_error(r->cli, CRM_ERR, _("'%s' was killed by signal "
				 "%d: the digest was not sent"), r->sendmail,
				 WTERMSIG(status));
	return cli_error(r->cli, CRM_ERR, _("'%s' did not read the message: "
			 "%s"), r->sendmail, strerror(e ? e : EPIPE));
}

/* Appends the mbox "From " line of a message of now and the message,
 * its lines that start with ">*From " quoted with one more '>'
 * (mboxrd), and the blank line that ends it. */
static void add_mbox(struct crm_buf *b, time_t now, const char *msg)
{
	static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu",
					 "Fri", "Sat"};
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May",
					  "Jun", "Jul", "Aug", "Sep", "Oct",
					  "Nov", "Dec"};
	const char *line, *nl;
	struct tm tm;

	gmtime_r(&now, &tm);
	crm_buf_addf(b, "From crm-digest %s %s %2d %02d:%02d:%02d %d\n",
		     wd[tm.tm_wday % 7], mon[tm.tm_mon % 12], tm.tm_mday,
		     tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
	for (line = msg; *line; line = nl ? nl + 1 : line + strlen(line)) {
		nl = strchr(line, '\n');
		if (strncmp(line + strspn(line, ">"), "From ", 5) == 0)
			crm_buf_addc(b, '>');
		crm_buf_add(b, line, nl ? (size_t)(nl - line) : strlen(line));
		crm_buf_addc(b, '\n');
	}
	crm_buf_addc(b, '\n');
}

/* The user of login, or NULL. */
static const struct crm_user *user_of(struct run *r, const char *login)
{
	return crm_config_user(crm_store_config(r->cli->store), login);
}

/* Writes the message of digest d, whose text is body, into msg: to its
 * owner, from the current user (else the owner). */
static int compose(struct run *r, const struct digest_text *t,
		   const struct crm_digest *d, const char *body,
		   struct crm_buf *msg)
{
	static const char *const extra[] = {
		"Auto-Submitted", "auto-generated", NULL,
	};
	const struct crm_user *to = user_of(r, d->owner);
	const struct crm_user *from = crm_store_user(r->cli->store);
	struct crm_mail m = {0};
	char *subject;
	int rc;

	if (to == NULL || to->email == NULL || to->email[0] == '\0')
		return cli_error(r->cli, CRM_EUSAGE, _("user '%s' has no e-mail "
				 "address: the digest cannot be mailed\n"
				 "hint: add 'email: ADDRESS' to the user in "
				 "crm.yaml, then crm commit"), d->owner);
	if (from == NULL || from->email == NULL || from->email[0] == '\0')
		from = to;
	subject = cli_digest_subject(t, d);
	m.from_name = from->name;
	m.from_addr = from->email;
	m.to_name = to->name;
	m.to_addr = to->email;
	m.subject = subject;
	m.body = body;
	m.date = r->cli->now;
	m.extra = extra;
	rc = crm_mail_compose(&m, msg, &r->cli->err);
	free(subject);
	if (rc)
		return cli_fail(r->cli);
	return CRM_OK;
}

/* Delivers what unit u made: out as it is to standard output (text, one
 * message), or in the mbox, or to the mail command. */
static int deliver(struct run *r, const char *out, size_t len)
{
	struct crm_buf b = {0};
	int rc;

	if (r->sendmail)
		return run_sendmail(r, out, len);
	if (!r->mbox)
		return write_out(r, out, len);
	add_mbox(&b, r->cli->now, out);
	rc = write_out(r, b.s, b.len);
	crm_buf_free(&b);
	return rc;
}

/* Makes the text (or message) of unit u into out; empty when there is
 * nothing to say and it is not asked for always. */
static int render(struct run *r, const struct unit *u,
		  const struct crm_digest *d, struct crm_buf *out)
{
	struct digest_text t = {r->cli, r->day_label, DIGEST_DAYS, u->missed,
				u->last, "", "", r->all && !r->mail};
	struct crm_buf body = {0};
	bool empty = true;
	size_t i;
	int rc = CRM_OK;

	for (i = 0; i < u->n; i++)
		if (!crm_digest_empty(&d[u->first + i]))
			empty = false;
	if (empty && !r->always)
		return CRM_OK;
	if (!r->mail && r->cli->color) {
		t.bold = color_bold(r->cli);
		t.reset = color_reset(r->cli);
	}
	cli_digest_text(&t, &d[u->first], u->n, &body);
	if (r->mail)
		rc = compose(r, &t, &d[u->first], body.s, out);
	else
		crm_buf_add(out, body.s, body.len);
	crm_buf_free(&body);
	return rc;
}

/* Writes out unit u and records its day: the state's temporary file is
 * made first (a state that cannot be kept fails before anything is
 * sent), put in place after. */
static int write_unit(struct run *r, const struct unit *u,
		      const struct crm_digest *d)
{
	struct crm_digest_mark m = {0};
	struct crm_buf out = {0};
	int rc;

	m.fd = -1;
	if (u->keep &&
	    crm_digest_mark_begin(r->cli->store, u->key, &m, &r->cli->err))
		return cli_fail(r->cli);
	if (u->keep) /* a sendmail that hangs is killed: no file left */
		cli_guard_temp(m.tmp);
	rc = render(r, u, d, &out);
	if (rc == CRM_OK && out.len)
		rc = deliver(r, out.s, out.len);
	crm_buf_free(&out);
	if (!u->keep)
		return rc;
	if (rc)
		crm_digest_mark_abort(&m);
	else if (crm_digest_mark_commit(&m, r->day, &r->cli->err))
		rc = cli_fail(r->cli);
	cli_guard_temp(NULL);
	return rc;
}

/* crm digest [--owner U | --all] [--mail] [--sendmail CMD] [--date DAY]
 * [--always] */
int cmd_digest(struct cli *cli, struct parsed *p)
{
	struct run r = {.cli = cli};
	struct crm_digest *d = NULL;
	void (*old_pipe)(int);
	size_t i;
	int rc, one;

	r.all = opt_flag(p, digest_opts, "all");
	r.sendmail = opt_get(p, digest_opts, "sendmail");
	r.mail = opt_flag(p, digest_opts, "mail") || r.sendmail;
	r.mbox = r.mail && r.all && !r.sendmail;
	r.always = opt_flag(p, digest_opts, "always");
	if ((rc = check_args(cli, p)) || (rc = pick_owners(&r, p)) ||
	    (rc = pick_day(&r, p)) || (rc = make_units(&r)) ||
	    (rc = gather(&r, &d)))
		goto out;
	/* a reader gone is an error to report, not a signal to die of */
	old_pipe = signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < r.nunits; i++)
		if (!r.units[i].skip && (one = write_unit(&r, &r.units[i], d)))
			rc = one; /* the other owners' digests still go */
	signal(SIGPIPE, old_pipe);
out:
	crm_digests_free(d, r.nowners);
	free(r.owners);
	free(r.units);
	return rc;
}
