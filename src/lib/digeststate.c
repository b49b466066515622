/*
 * digeststate.c - the day each digest was last made in this clone: one
 * small file per owner under .git/crm/digest/ (never committed, as the
 * index is not), holding "YYYY-MM-DD".  It is replaced whole (a
 * temporary file renamed over it), made before the digest is written
 * out and put in place only after, so that a digest that was not sent
 * is not marked as sent.  No fsync: a state lost in a crash makes a
 * digest come twice, and one left empty reads as no day (the caller
 * warns and starts afresh).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "store-internal.h"

/* True when key can name a state file: a login crm.yaml may hold, or
 * CRM_DIGEST_ALL. */
static bool key_valid(const char *key)
{
	return strcmp(key, CRM_DIGEST_ALL) == 0 || crm_config_name_valid(key);
}

/* The path of key's state file.  Caller owns it. */
static char *state_path(struct crm_store *s, const char *key)
{
	struct crm_buf b = {0};

	crm_buf_addf(&b, "%s/crm/digest/%s", s->gitdir, key);
	return crm_buf_detach(&b);
}

/* The state file's path as messages show it. */
static void shown_path(const char *key, char *buf, size_t size)
{
	snprintf(buf, size, ".git/crm/digest/%s", key);
}

/* True when text (len bytes) is one day "YYYY-MM-DD", then a newline or
 * not; the day into day. */
static bool read_day(const char *text, size_t len, char day[11])
{
	struct crm_date d;

	if (len > 0 && text[len - 1] == '\n')
		len--;
	if (len != 10)
		return false;
	memcpy(day, text, 10);
	day[10] = '\0';
	return strspn(day, "0123456789-") == 10 &&
	       crm_date_parse_stored(day, &d) == CRM_OK && !d.has_time;
}

int crm_digest_last(struct crm_store *s, const char *key, char day[11],
		    struct crm_err *err)
{
	char *path, *text = NULL, shown[128];
	size_t len = 0;
	int fd, rc = CRM_OK;

	day[0] = '\0';
	if (!key_valid(key))
		return crm_seterr(err, CRM_EUSAGE, _("login '%s' cannot name "
				  "a file of its own"), key);
	shown_path(key, shown, sizeof(shown));
	path = state_path(s, key);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (fd < 0 && errno == ENOENT)
		return CRM_OK;
	if (fd < 0 && errno == ELOOP) /* a link: never followed, replaced */
		return crm_seterr(err, CRM_ECORRUPT, _("'%s' is not the "
				  "digest's state (a day YYYY-MM-DD)"), shown);
	if (fd < 0)
		return crm_seterr(err, CRM_ERR, _("cannot read '%s': %s"),
				  shown, strerror(errno));
	if (crm_read_fd(fd, 64, &text, &len) != 0)
		rc = crm_seterr(err, CRM_ECORRUPT, _("'%s' is not the digest's "
				"state (a day YYYY-MM-DD)"), shown);
	else if (!read_day(text, len, day)) {
		day[0] = '\0';
		rc = crm_seterr(err, CRM_ECORRUPT, _("'%s' is not the digest's "
				"state (a day YYYY-MM-DD)"), shown);
	}
	close(fd);
	free(text);
	return rc;
}

int crm_digest_mark_begin(struct crm_store *s, const char *key,
			  struct crm_digest_mark *m, struct crm_err *err)
{
	struct crm_buf b = {0};
	char shown[128];

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	if (!key_valid(key))
		return crm_seterr(err, CRM_EUSAGE, _("login '%s' cannot name "
				  "a file of its own"), key);
	crm_buf_addf(&b, "%s/crm", s->gitdir);
	mkdir(b.s, 0777); /* .git/crm: absent before the index is made */
	crm_buf_adds(&b, "/digest");
	mkdir(b.s, 0777);
	crm_buf_free(&b);
	m->path = state_path(s, key);
	crm_buf_addf(&b, "%s.XXXXXX", m->path);
	m->tmp = crm_buf_detach(&b);
	m->fd = mkostemp(m->tmp, O_CLOEXEC);
	if (m->fd >= 0)
		return CRM_OK;
	shown_path(key, shown, sizeof(shown));
	crm_seterr(err, CRM_ERR, _("cannot keep the digest's day in '%s': %s\n"
		   "hint: crm digest needs to write under .git/crm/ to know "
		   "what it sent"), shown, strerror(errno));
	free(m->tmp);
	m->tmp = NULL;
	crm_digest_mark_abort(m);
	return CRM_ERR;
}

/* Writes all of buf to fd; false on failure (errno set). */
static bool write_all(int fd, const char *buf, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		buf += w;
		n -= (size_t)w;
	}
	return true;
}

int crm_digest_mark_commit(struct crm_digest_mark *m, const char *day,
			   struct crm_err *err)
{
	char line[16], *key;
	bool ok;
	int rc = CRM_OK, e;

	snprintf(line, sizeof(line), "%.10s\n", day);
	ok = write_all(m->fd, line, strlen(line));
	e = errno;
	if (close(m->fd) != 0 && ok) {
		ok = false;
		e = errno;
	}
	m->fd = -1;
	if (ok && rename(m->tmp, m->path) != 0) {
		ok = false;
		e = errno;
	}
	if (ok) {
		free(m->tmp); /* in place: nothing to remove */
		m->tmp = NULL;
	} else {
		key = strrchr(m->path, '/');
		rc = crm_seterr(err, CRM_ERR, _("cannot keep the digest's day "
				"in '.git/crm/digest/%s': %s"),
				key ? key + 1 : m->path, strerror(e));
	}
	crm_digest_mark_abort(m);
	return rc;
}

void crm_digest_mark_abort(struct crm_digest_mark *m)
{
	if (m->fd >= 0)
		close(m->fd);
	if (m->tmp)
		unlink(m->tmp);
	free(m->tmp);
	free(m->path);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}
