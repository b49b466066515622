/*
 * pager.c - long output through a pager on a terminal, as git's pager.c:
 * the pager reads a pipe that becomes crm's stdout; crm waits for it
 * before exiting, and a pager that quits early only makes the rest of
 * the output vanish.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static pid_t pager_pid = -1;
static bool pager_gone; /* the pager closed its end: output is dropped */

bool pager_active(void)
{
	return pager_pid > 0;
}

/* The pager command to run, or NULL when none is wanted. */
static const char *pager_command(void)
{
	const char *p = getenv("CRM_PAGER");

	if (p == NULL)
		p = getenv("PAGER");
	if (p == NULL)
		p = "less -FRX";
	if (p[0] == '\0' || strcmp(p, "cat") == 0)
		return NULL;
	return p;
}

/* Write function of the stdout stream once a pager reads it: writes all
 * of buf to fd 1, and once the pager has gone, drops it quietly. */
static ssize_t pager_write(void *cookie, const char *buf, size_t size)
{
	size_t done = 0;
	ssize_t n;

	(void)cookie;
	while (!pager_gone && done < size) {
		n = write(STDOUT_FILENO, buf + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pager_gone = errno == EPIPE;
			if (!pager_gone)
				return -1;
			break;
		}
		done += (size_t)n;
	}
	return (ssize_t)size;
}

/* Closes crm's ends of the pipe and waits for the pager to exit. */
static void wait_for_pager(void)
{
	int status;

	if (pager_pid <= 0)
		return;
	fflush(stdout);
	fflush(stderr);
	close(STDOUT_FILENO);
	close(STDERR_FILENO);
	while (waitpid(pager_pid, &status, 0) < 0 && errno == EINTR)
		;
	pager_pid = -1;
}

/* At a fatal signal: let the pager finish with the terminal, then die
 * of the signal as before.  Async-signal-safe calls only. */
static void wait_for_pager_signal(int sig)
{
	int status;

	if (pager_pid > 0) {
		close(STDOUT_FILENO);
		close(STDERR_FILENO);
		while (waitpid(pager_pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Sets what less and lv need to show colour, unless the user has. */
static void pager_env(size_t columns)
{
	char buf[32];

	setenv("LESS", "FRX", 0);
	setenv("LV", "-c", 0);
	if (columns > 0) {
		snprintf(buf, sizeof(buf), "%zu", columns);
		setenv("COLUMNS", buf, 0);
	}
}

/* Runs cmd with its standard input reading fd in a child; its pid, or
 * -1 when it cannot be started. */
static pid_t spawn_pager(const char *cmd, int rfd, int wfd)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	dup2(rfd, STDIN_FILENO);
	close(rfd);
	close(wfd);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	fprintf(stderr, _("crm: error: cannot run pager '%s': %s\n"), cmd,
		strerror(errno));
	_exit(127);
}

/* Makes stdout a stream over fd 1 that survives the pager's exit. */
static void stdout_to_pager(void)
{
	static const cookie_io_functions_t io = {.write = pager_write};
	FILE *f = fopencookie(NULL, "w", io);

	if (f == NULL)
		return;
	setvbuf(f, NULL, _IOFBF, BUFSIZ);
	stdout = f;
}

/* True when the program word (n bytes) names is executable: a path, or
 * a name found in one of $PATH's directories. */
static bool program_exists(const char *word, size_t n)
{
	const char *path = getenv("PATH"), *dir, *end;
	char buf[4096];
	int w;

	if (memchr(word, '/', n)) {
		w = snprintf(buf, sizeof(buf), "%.*s", (int)n, word);
		return w < 0 || (size_t)w >= sizeof(buf) || access(buf, X_OK) == 0;
	}
	for (dir = path ? path : "/usr/bin:/bin"; ; dir = end + 1) {
		end = strchrnul(dir, ':');
		if (end == dir)
			w = snprintf(buf, sizeof(buf), "./%.*s", (int)n, word);
		else
			w = snprintf(buf, sizeof(buf), "%.*s/%.*s",
				     (int)(end - dir), dir, (int)n, word);
		if (w >= 0 && (size_t)w < sizeof(buf) && access(buf, X_OK) == 0)
			return true;
		if (*end == '\0')
			return false;
	}
}

/* False when cmd is plain words (no shell syntax) whose first word is
 * no program: then the pager could only fail and take the output with
 * it.  A command with shell syntax is left for the shell to judge. */
static bool pager_runnable(const char *cmd)
{
	size_t skip = strspn(cmd, " \t");

	if (strpbrk(cmd, "|&;<>()$`\\\"'*?[#~=%{}\n") != NULL)
		return true;
	if (cmd[skip] == '\0')
		return false;
	return program_exists(cmd + skip, strcspn(cmd + skip, " \t"));
}

void pager_start(bool disabled)
{
	const char *cmd = pager_command();
	int fds[2];
	bool err_too = isatty(STDERR_FILENO);

	if (disabled || cmd == NULL || pager_pid > 0 || !isatty(STDOUT_FILENO))
		return;
	if (!pager_runnable(cmd)) {
		char *safe = cli_safe(cmd);

		fprintf(stderr, _("crm: warning: pager '%s' not found; "
				  "writing without it\n"), safe);
		free(safe);
		return;
	}
	pager_env(cli_term_width());
	fflush(stdout);
	if (pipe(fds) < 0)
		return;
	pager_pid = spawn_pager(cmd, fds[0], fds[1]);
	if (pager_pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	close(fds[0]);
	dup2(fds[1], STDOUT_FILENO);
	if (err_too)
		dup2(fds[1], STDERR_FILENO);
	close(fds[1]);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, wait_for_pager_signal);
	signal(SIGTERM, wait_for_pager_signal);
	signal(SIGHUP, wait_for_pager_signal);
	signal(SIGQUIT, wait_for_pager_signal);
	stdout_to_pager();
	atexit(wait_for_pager);
}
