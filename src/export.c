/*
 * export.c - what every crm export FORMAT shares: the family's options,
 * where the output goes (standard output, or a file replaced atomically:
 * a temporary file in the same directory, synced, then renamed over the
 * old one, so that a web server publishing it never serves half a file),
 * and the query that selects the records.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

const struct opt_spec export_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

/* The temporary file being written, for the signal handler to remove;
 * "" when none. */
static char pending[PATH_MAX + 64];
/* The signals that remove it, and their handlers before. */
static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define NSIGNALS (sizeof(signals) / sizeof(signals[0]))
static struct sigaction saved[NSIGNALS];

/* Removes the pending temporary file, then dies of sig as before. */
static void on_signal(int sig)
{
	if (pending[0])
		unlink(pending);
	signal(sig, SIG_DFL);
	raise(sig);
}

void cli_guard_temp(const char *tmp)
{
	struct sigaction sa;
	size_t i;

	if (tmp == NULL) {
		for (i = 0; i < NSIGNALS; i++)
			sigaction(signals[i], &saved[i], NULL);
		pending[0] = '\0';
		return;
	}
	snprintf(pending, sizeof(pending), "%s", tmp);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NSIGNALS; i++)
		sigaction(signals[i], &sa, &saved[i]);
}

/* The file path stands for: the target of a symbolic link (so that the
 * link stays), else path itself.  Caller owns it. */
static char *target_of(const char *path)
{
	struct stat st;
	char *real;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    (real = realpath(path, NULL)) != NULL)
		return real;
	return crm_xstrdup(path);
}

/* The mode of the new file: the old one's, else 0644 less the umask. */
static unsigned new_mode(const struct stat *st, bool exists)
{
	mode_t mask;

	if (exists)
		return st->st_mode & 07777;
	mask = umask(022);
	umask(mask);
	return 0644 & ~mask;
}

/* Creates o->tmp, a new file beside o->path, open as o->f. */
static int create_temp(struct cli *cli, struct export_out *o)
{
	char *d = crm_xstrdup(o->path), *b = crm_xstrdup(o->path);
	const char *dir = dirname(d);  /* in d, as basename's in b */
	struct crm_buf t = {0};
	int fd, rc = CRM_OK;

	crm_buf_addf(&t, "%s/.%s.XXXXXX", dir, basename(b));
	fd = mkostemp(t.s, O_CLOEXEC);
	if (fd < 0 || (o->f = fdopen(fd, "w")) == NULL) {
		rc = cli_error(cli, CRM_ERR, _("cannot create a file in '%s': %s"),
			       dir, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(t.s);
		}
		crm_buf_free(&t);
	} else {
		o->tmp = crm_buf_detach(&t);
	}
	free(d);
	free(b);
	return rc;
}

/* Opens o->path, a file that is not a regular one (/dev/stdout, a
 * FIFO), to write to it as it is: there is nothing to replace. */
static int open_special(struct cli *cli, struct export_out *o)
{
	o->f = fopen(o->path, "we");
	if (o->f == NULL)
		return cli_error(cli, CRM_ERR, _("cannot write '%s': %s"), o->path,
				 strerror(errno));
	return CRM_OK;
}

int export_open(struct cli *cli, const char *path, struct export_out *o)
{
	struct stat st;
	bool exists;
	int rc;

	memset(o, 0, sizeof(*o));
	if (path == NULL || strcmp(path, "-") == 0) {
		o->f = stdout;
		return CRM_OK;
	}
	if (path[0] == '\0')
		return cli_usage_error(cli->cmd, _("option '--output' needs a "
					"file ('-': standard output)"));
	o->path = target_of(path);
	exists = stat(o->path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode))
		rc = cli_error(cli, CRM_ERR, _("cannot write '%s': it is a "
			       "directory"), path);
	else if (exists && !S_ISREG(st.st_mode))
		rc = open_special(cli, o);
	else
		rc = create_temp(cli, o);
	if (rc) {
		free(o->path);
		o->path = NULL;
		return rc;
	}
	o->mode = new_mode(&st, exists);
	if (o->tmp)
		cli_guard_temp(o->tmp);
	return CRM_OK;
}

int export_write(const char *text, size_t len, void *data)
{
	struct export_out *o = data;

	if (o->err)
		return -1;
	if (len && fwrite(text, 1, len, o->f) != len) {
		o->err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

/* Syncs the directory of path, so that the rename survives a crash;
 * what cannot be synced (a file system without it) is let be. */
static void sync_dir(const char *path)
{
	char *d = crm_xstrdup(path);
	int fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(d);
}

/* Writes out, syncs and closes o's temporary file, then renames it over
 * o->path; errno, or 0. */
static int put_in_place(struct export_out *o)
{
	FILE *f = o->f;
	int e;

	o->f = NULL;
	if (fflush(f) != 0 || ferror(f) || o->err) {
		e = o->err ? o->err : errno ? errno : EIO;
		fclose(f);
		return e;
	}
	if (fsync(fileno(f)) != 0 || fchmod(fileno(f), (mode_t)o->mode) != 0) {
		e = errno;
		fclose(f);
		return e;
	}
	if (fclose(f) != 0)
		return errno ? errno : EIO;
	if (rename(o->tmp, o->path) != 0)
		return errno;
	sync_dir(o->path);
	return 0;
}

/* Closes o, a file that is not a regular one; errno of a failed write
 * when ok, or 0. */
static int close_special(struct export_out *o, bool ok)
{
	int e = 0;

	errno = 0;
	if ((fflush(o->f) != 0 || ferror(o->f) || o->err) && ok)
		e = o->err ? o->err : errno ? errno : EIO;
	if (fclose(o->f) != 0 && ok && e == 0)
		e = errno ? errno : EIO;
	o->f = NULL;
	return e;
}

int export_close(struct cli *cli, struct export_out *o, bool ok)
{
	int e = 0, rc = CRM_OK;

	if (o->path == NULL) {
		errno = 0;
		if (ok && (fflush(stdout) != 0 || ferror(stdout) || o->err))
			rc = cli_error(cli, CRM_ERR, _("cannot write output: %s"),
				       strerror(o->err ? o->err : errno ? errno
						: EIO));
		return rc;
	}
	if (o->tmp == NULL)
		e = close_special(o, ok);
	else if (ok)
		e = put_in_place(o);
	else if (o->f)
		fclose(o->f);
	if (o->tmp && (!ok || e))
		unlink(o->tmp);
	if (o->tmp)
		cli_guard_temp(NULL);
	if (e && o->tmp == NULL)
		rc = cli_error(cli, CRM_ERR, _("cannot write '%s': %s"), o->path,
			       strerror(e));
	else if (e)
		rc = cli_error(cli, CRM_ERR, _("cannot write '%s': %s (nothing "
			       "was replaced)"), o->path, strerror(e));
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return rc;
}

int export_query(struct cli *cli, const struct parsed *p, size_t first,
		 struct crm_query **q)
{
	size_t n = p->npos > first ? p->npos - first : 0;

	*q = NULL;
	if (crm_query_parse((const char *const *)p->pos + first, n, cli->now, q,
			    &cli->err))
		return cli_fail(cli);
	return CRM_OK;
}
