/*
 * cmd-edit.c - crm edit: the record's YAML in $EDITOR, validated, re-opened
 * with the error until it is right or left unchanged, then committed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

const struct opt_spec edit_opts[] = {
	{"type", 0, OPT_VALUE, N_("TYPE"),
	 N_("take REF among the records of TYPE only")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* Writes len bytes of buf to path (created or truncated). */
static int write_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		      0600);
	ssize_t n = -1;

	if (fd < 0)
		return -1;
	if (len == 0 || (n = write(fd, buf, len)) == (ssize_t)len)
		n = 0;
	if (close(fd) != 0)
		n = -1;
	return n == 0 ? 0 : -1;
}

/* Runs the user's editor on path; 0 when it exits successfully. */
static int run_editor(const char *path)
{
	const char *ed = getenv("VISUAL");
	pid_t pid;
	int status;

	if (ed == NULL || ed[0] == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || ed[0] == '\0')
		ed = "vi";
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setenv("CRM_EDITOR", ed, 1);
		execl("/bin/sh", "sh", "-c", "$CRM_EDITOR \"$1\"", "sh", path,
		      (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* True when text holds nothing but blanks and comments. */
static bool is_blank(const char *s)
{
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		if (*s == '#')
			while (*s && *s != '\n')
				s++;
		else if (*s)
			return false;
	}
	return true;
}

/* The text put back in the editor after an error. Caller owns it. */
static char *with_error(const char *msg, const char *text)
{
	struct crm_buf b = {0};
	const char *body = text;

	/* drop an earlier error header */
	while (strncmp(body, "# error: ", 9) == 0 || strncmp(body, "#  ", 3) == 0)
		body = strchr(body, '\n') ? strchr(body, '\n') + 1 : "";
	crm_buf_addf(&b, "# error: %s\n", msg);
	crm_buf_addf(&b, "#  %s\n", _("fix the record below, or save it "
				       "unchanged to give up"));
	crm_buf_adds(&b, body);
	return crm_buf_detach(&b);
}

/* Edits until the text parses as a valid record, the user gives up, or the
 * editor fails.  *out gets the record, NULL when there is nothing to do. */
static int edit_loop(struct cli *cli, const struct crm_record *orig,
		     const char *path, const char *text, struct crm_record **out)
{
	char *shown = crm_xstrdup(text), *got = NULL;
	size_t len;
	int rc;

	*out = NULL;
	for (;;) {
		if (write_file(path, shown, strlen(shown)) != 0) {
			rc = cli_error(cli, CRM_ERR, _("cannot write '%s': %s"),
				       path, strerror(errno));
			break;
		}
		if (run_editor(path) != 0) {
			rc = cli_error(cli, CRM_ERR,
				       _("the editor failed; nothing changed"));
			break;
		}
		free(got);
		got = NULL;
		if (crm_read_file(path, &got, &len) != 0) {
			rc = cli_error(cli, CRM_ERR, _("cannot read '%s'"), path);
			break;
		}
		if (strcmp(got, shown) == 0) {
			rc = strcmp(shown, text) == 0
			     ? CRM_OK
			     : cli_error(cli, CRM_ERR, _("gave up; nothing changed"));
			break;
		}
		if (is_blank(got)) {
			rc = cli_error(cli, CRM_ERR,
				       _("the file is empty; nothing changed"));
			break;
		}
		rc = crm_record_parse_input(orig->type, orig->id, got, len,
					    crm_store_config(cli->store),
					    cli->now, out, &cli->err);
		if (rc == CRM_OK &&
		    (rc = crm_store_check_record(cli->store, *out, &cli->err))) {
			crm_record_free(*out);
			*out = NULL;
		}
		if (rc == CRM_OK)
			break;
		cli_error(cli, rc, "%s", cli->err.msg);
		free(shown);
		shown = with_error(cli->err.msg, got);
	}
	free(shown);
	free(got);
	return rc;
}

/* Takes the lock and checks nobody changed the record meanwhile. */
static int lock_unchanged(struct cli *cli, const struct crm_record *orig)
{
	struct crm_record *now = NULL;
	int rc = crm_store_lock(cli->store, cli->lock_timeout_ms, &cli->err);

	if (rc)
		return cli_fail(cli);
	rc = crm_store_read(cli->store, orig->type, orig->id, &now, &cli->err);
	if (rc)
		return cli_fail(cli);
	if (!crm_node_equal(now->map, orig->map))
		rc = cli_error(cli, CRM_ERR, _("the record was changed by someone "
					       "else while you edited it"));
	crm_record_free(now);
	return rc;
}

int cmd_edit(struct cli *cli, struct parsed *p)
{
	struct crm_record *orig = NULL, *edited = NULL;
	struct cli_ref how;
	char path[PATH_MAX], subject[256], *text = NULL;
	size_t len;
	int rc;

	if ((rc = cli_one_ref(p, "edit")) ||
	    (rc = cli_ref_arg(p, edit_opts, "edit", CLI_REF_ANY, &how)) ||
	    (rc = cli_load(cli, &how, p->pos[0], &orig)))
		return rc;
	if ((rc = crm_record_serialize(orig, &text, &len, &cli->err))) {
		rc = cli_fail(cli);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/.git/crm", crm_store_root(cli->store));
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/.git/crm/EDIT-%s.yaml",
		 crm_store_root(cli->store), orig->id);
	rc = edit_loop(cli, orig, path, text, &edited);
	unlink(path);
	if (rc || edited == NULL || crm_node_equal(edited->map, orig->map)) {
		if (rc == CRM_OK && !cli->quiet)
			printf(_("nothing changed\n"));
		goto out;
	}
	if ((rc = lock_unchanged(cli, orig)))
		goto out;
	cli_touch(cli, edited);
	snprintf(subject, sizeof(subject), "%s %s: edit", crm_type_name(orig->type),
		 cli_short_id(orig->id));
	rc = cli_commit_record(cli, edited, subject, "edit");
out:
	free(text);
	crm_record_free(edited);
	crm_record_free(orig);
	return rc;
}
