/*
 * cmd-edit.c - crm edit: the record's file as it is on disk (a hand edit
 * not committed yet included) in $EDITOR, in a private temporary file,
 * validated, re-opened with the error until it is right, left unchanged,
 * or saved invalid EDIT_MAX_INVALID times; then committed.
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

/* Invalid saves after which crm edit gives up (a non-interactive editor
 * that keeps saving the same mistake must not loop forever). */
#define EDIT_MAX_INVALID 5

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

/* What one crm edit works on: the record as committed, the text the
 * editor is first shown, and the private file it edits. */
struct edit {
	const struct crm_record *orig;
	const char *text;  /* the file on disk, else HEAD's version */
	bool from_disk;    /* text is a hand edit that HEAD lacks */
	char path[PATH_MAX];
	bool keep;         /* leave path for the user: it holds their text */
};

/* True when the editor's save got ends the loop without a record: the
 * user left it as shown (after an error, or with nothing to commit). */
static bool left_unchanged(const struct edit *e, const char *got,
			   const char *shown)
{
	return strcmp(got, shown) == 0 &&
	       (strcmp(shown, e->text) != 0 || !e->from_disk);
}

/* Edits until the text parses as a valid record, the user gives up, the
 * editor fails or saves EDIT_MAX_INVALID invalid texts.  *out gets the
 * record, NULL when there is nothing to do. */
static int edit_loop(struct cli *cli, struct edit *e, struct crm_record **out)
{
	char *shown = crm_xstrdup(e->text), *got = NULL;
	size_t len;
	int rc, invalid = 0;

	*out = NULL;
	for (;;) {
		if (write_file(e->path, shown, strlen(shown)) != 0) {
			rc = cli_error(cli, CRM_ERR, _("cannot write '%s': %s"),
				       e->path, strerror(errno));
			break;
		}
		if (run_editor(e->path) != 0) {
			rc = cli_error(cli, CRM_ERR,
				       _("the editor failed; nothing changed"));
			break;
		}
		free(got);
		got = NULL;
		if (crm_read_file(e->path, &got, &len) != 0) {
			rc = cli_error(cli, CRM_ERR, _("cannot read '%s'"), e->path);
			break;
		}
		if (left_unchanged(e, got, shown)) {
			rc = strcmp(shown, e->text) == 0
			     ? CRM_OK
			     : cli_error(cli, CRM_ERR, _("gave up; nothing changed"));
			break;
		}
		if (is_blank(got)) {
			rc = cli_error(cli, CRM_ERR,
				       _("the file is empty; nothing changed"));
			break;
		}
		rc = crm_record_parse_input(e->orig->type, e->orig->id, got, len,
					    crm_store_config(cli->store),
					    cli->now, out, &cli->err);
		if (rc == CRM_OK &&
		    (rc = crm_store_check_record(cli->store, *out, &cli->err))) {
			crm_record_free(*out);
			*out = NULL;
		}
		if (rc == CRM_OK)
			break;
		cli_fail_as(cli, rc);
		free(shown);
		shown = with_error(cli->err.msg, got);
		if (++invalid == EDIT_MAX_INVALID) {
			e->keep = write_file(e->path, got, len) == 0;
			rc = e->keep
			     ? cli_error(cli, CRM_ERR, _("gave up after %d invalid "
					 "saves; nothing changed\nhint: your "
					 "text is kept in '%s'"), invalid, e->path)
			     : cli_error(cli, CRM_ERR, _("gave up after %d invalid "
					 "saves; nothing changed"), invalid);
			break;
		}
	}
	free(shown);
	free(got);
	return rc;
}

/* Takes the lock and checks nobody changed the record meanwhile. */
static int lock_unchanged(struct cli *cli, const struct crm_record *orig)
{
	struct crm_record *now = NULL;
	char *name;
	int rc = crm_store_lock(cli->store, cli->lock_timeout_ms, &cli->err);

	if (rc)
		return cli_fail(cli);
	rc = crm_store_read(cli->store, orig->type, orig->id, &now, &cli->err);
	if (rc)
		return cli_fail(cli);
	if (!crm_node_equal(now->map, orig->map)) {
		name = cli_safe(crm_record_name(orig));
		rc = cli_error(cli, CRM_ERR, _("%s %s '%s' was changed by "
					       "someone else while you edited "
					       "it; nothing changed"),
			       crm_type_name(orig->type), cli_short_id(orig->id),
			       name);
		free(name);
	}
	crm_record_free(now);
	return rc;
}

/* Reads the record's file as it is in the work tree into *disk (NULL
 * when there is none); *from_disk tells whether it differs from head,
 * HEAD's version serialised. */
static int read_disk(struct cli *cli, const struct crm_record *r,
		     const char *head, char **disk, size_t *len,
		     bool *from_disk)
{
	char rel[64];

	crm_record_path(r->type, r->id, rel, sizeof(rel));
	*from_disk = false;
	if (crm_path_read(crm_store_root(cli->store), rel, disk, len) != 0) {
		*disk = NULL;
		if (errno == ENOENT)
			return CRM_OK;
		return cli_error(cli, CRM_ERR, _("cannot read '%s': %s"), rel,
				 crm_path_strerror(errno));
	}
	*from_disk = *len != strlen(head) || memcmp(*disk, head, *len) != 0;
	return CRM_OK;
}

/* Creates the private file crm edit works in (mode 0600, a name of its
 * own under .git/crm/tmp) into e->path. */
static int make_edit_file(struct cli *cli, struct edit *e)
{
	const char *root = crm_store_root(cli->store);
	int fd = -1, saved = 0;

	snprintf(e->path, sizeof(e->path), "%s/.git/crm", root);
	if (mkdir(e->path, 0777) != 0 && errno != EEXIST)
		saved = errno;
	snprintf(e->path, sizeof(e->path), "%s/.git/crm/tmp", root);
	if (mkdir(e->path, 0700) != 0 && errno != EEXIST && !saved)
		saved = errno;
	if (snprintf(e->path, sizeof(e->path), "%s/.git/crm/tmp/edit-%s-XXXXXX.yaml",
		     root, e->orig->id) < (int)sizeof(e->path) &&
	    (fd = mkstemps(e->path, 5)) >= 0) {
		close(fd);
		return CRM_OK;
	}
	/* a directory that could not be made says why better than ENOENT */
	saved = saved ? saved : errno;
	if (saved == ENOSPC || saved == EDQUOT)
		return cli_error(cli, CRM_ERR, _("cannot write to '%s': no space "
				 "left on the disk"), root);
	return cli_error(cli, CRM_ERR, _("cannot create a file in '%s': %s"),
			 ".git/crm/tmp", strerror(saved));
}

/* Commits edited, made from the work-tree file disk (NULL: none). */
static int commit_edit(struct cli *cli, const struct crm_record *edited,
		       const char *disk, size_t disklen)
{
	struct crm_txn *txn = crm_txn_new(cli->store);
	char subject[256], rel[64];
	int rc;

	snprintf(subject, sizeof(subject), "%s %s: edit",
		 crm_type_name(edited->type), cli_short_id(edited->id));
	crm_record_path(edited->type, edited->id, rel, sizeof(rel));
	if ((rc = crm_txn_put(txn, edited, &cli->err))) {
		rc = cli_fail(cli);
	} else {
		crm_txn_expect(txn, rel, disk, disklen);
		rc = cli_commit(cli, txn, subject, "edit");
	}
	crm_txn_free(txn);
	return rc;
}

int cmd_edit(struct cli *cli, struct parsed *p)
{
	struct crm_record *orig = NULL, *edited = NULL;
	struct edit e = {0};
	struct cli_ref how;
	char *text = NULL, *disk = NULL;
	size_t len, disklen = 0;
	int rc;

	if ((rc = cli_one_ref(p, "edit")) ||
	    (rc = cli_ref_arg(p, edit_opts, "edit", CLI_REF_ANY, &how)) ||
	    (rc = cli_load(cli, &how, p->pos[0], &orig)))
		return rc;
	e.orig = orig;
	if ((rc = crm_record_serialize(orig, &text, &len, &cli->err))) {
		rc = cli_fail(cli);
		goto out;
	}
	if ((rc = read_disk(cli, orig, text, &disk, &disklen, &e.from_disk)) ||
	    (rc = make_edit_file(cli, &e)))
		goto out;
	e.text = e.from_disk ? disk : text;
	rc = edit_loop(cli, &e, &edited);
	if (rc || edited == NULL || crm_node_equal(edited->map, orig->map)) {
		if (rc == CRM_OK && !cli->quiet)
			printf(_("nothing changed\n"));
		goto done;
	}
	if ((rc = lock_unchanged(cli, orig)) == CRM_OK) {
		cli_touch(cli, edited);
		rc = commit_edit(cli, edited, disk, disklen);
	}
	/* a valid change that could not be committed (the record changed
	 * meanwhile, a hand edit, a lock) is the user's work: kept */
	if (rc) {
		e.keep = true;
		fprintf(stderr, _("hint: your text is kept in '%s'\n"), e.path);
	}
done:
	if (!e.keep)
		unlink(e.path);
out:
	free(text);
	free(disk);
	crm_record_free(edited);
	crm_record_free(orig);
	return rc;
}
