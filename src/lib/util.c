/*
 * util.c - errors, allocation, growable strings, UTF-8 helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "crm.h"

int crm_seterr(struct crm_err *err, int status, const char *fmt, ...)
{
	struct crm_buf b = {0};
	va_list ap;

	if (err == NULL)
		return status;
	err->status = status;
	va_start(ap, fmt);
	crm_buf_vaddf_msg(&b, fmt, ap);
	va_end(ap);
	snprintf(err->msg, sizeof(err->msg), "%s", b.s ? b.s : "");
	crm_buf_free(&b);
	return status;
}

int crm_err_prefix(struct crm_err *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)];
	struct crm_buf prefix = {0};
	va_list ap;

	if (err == NULL)
		return CRM_ERR;
	va_start(ap, fmt);
	crm_buf_vaddf_msg(&prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	if (snprintf(err->msg, sizeof(err->msg), "%.255s: %s",
		     prefix.s ? prefix.s : "", old) < 0)
		err->msg[0] = '\0';
	crm_buf_free(&prefix);
	return err->status;
}

void crm_err_hint(struct crm_err *err, const char *hint)
{
	size_t len;

	if (err == NULL || hint == NULL || hint[0] == '\0')
		return;
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, "\n%s", hint);
}

void *crm_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		abort();
	return p;
}

void *crm_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		abort();
	return p;
}

void *crm_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		abort();
	return p;
}

char *crm_xstrdup(const char *s)
{
	return crm_xstrndup(s, strlen(s));
}

char *crm_xstrndup(const char *s, size_t n)
{
	char *p = crm_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Makes room for n more bytes plus a NUL. */
static void buf_grow(struct crm_buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	b->cap = (b->len + n + 1) * 2;
	b->s = crm_xrealloc(b->s, b->cap);
}

void crm_buf_add(struct crm_buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void crm_buf_adds(struct crm_buf *b, const char *s)
{
	crm_buf_add(b, s, strlen(s));
}

void crm_buf_addc(struct crm_buf *b, char c)
{
	crm_buf_add(b, &c, 1);
}

/* crm_buf_addf with a va_list (ap is left unused: copies are read). */
static void buf_vaddf(struct crm_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	va_copy(aq, ap);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, aq);
	va_end(aq);
	b->len += (size_t)n;
}

void crm_buf_addf(struct crm_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

/*
 * The arguments are formatted twice, the second time with each newline
 * of fmt made a space: both texts have the same length and differ only
 * where fmt put a newline, so a newline found in both came from an
 * argument.
 */
void crm_buf_vaddf_msg(struct crm_buf *b, const char *fmt, va_list ap)
{
	struct crm_buf all = {0}, flat = {0};
	char *flat_fmt = crm_xstrdup(fmt), *nl;
	size_t i;

	for (nl = flat_fmt; (nl = strchr(nl, '\n')) != NULL; nl++)
		*nl = ' ';
	buf_vaddf(&all, fmt, ap);
	buf_vaddf(&flat, flat_fmt, ap);
	for (i = 0; i < all.len; i++) {
		if (all.s[i] == '\n' && i < flat.len && flat.s[i] == '\n')
			crm_buf_adds(b, "\\n");
		else
			crm_buf_addc(b, all.s[i]);
	}
	if (b->s == NULL)
		crm_buf_adds(b, "");
	crm_buf_free(&all);
	crm_buf_free(&flat);
	free(flat_fmt);
}

char *crm_buf_detach(struct crm_buf *b)
{
	char *s = b->s ? b->s : crm_xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void crm_buf_free(struct crm_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

size_t crm_utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len, i;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, c &= 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

bool crm_utf8_valid(const char *s, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		k = crm_utf8_decode(s + i, n - i, &cp);
		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

size_t crm_utf8_width(const char *s)
{
	size_t w = 0, len, n = strlen(s);
	uint32_t cp;
	int cw;

	while (*s) {
		len = crm_utf8_decode(s, n, &cp);
		if (len == 0) {
			cp = (unsigned char)*s;
			len = 1;
		}
		s += len;
		n -= len;
		cw = wcwidth((wchar_t)cp);
		if (cw < 0)
			cw = cp >= 0x20 ? 1 : 0;
		w += (size_t)cw;
	}
	return w;
}

/* The smallest of three numbers. */
static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

size_t crm_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, w = lb + 1, d;
	size_t *m = crm_xcalloc((la + 1) * w, sizeof(*m));

	for (i = 0; i <= la; i++)
		m[i * w] = i;
	for (j = 0; j <= lb; j++)
		m[j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			m[i * w + j] = min3(m[(i - 1) * w + j] + 1,
					    m[i * w + j - 1] + 1,
					    m[(i - 1) * w + j - 1] +
						    (a[i - 1] != b[j - 1]));
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] &&
			    m[(i - 2) * w + j - 2] + 1 < m[i * w + j])
				m[i * w + j] = m[(i - 2) * w + j - 2] + 1;
		}
	}
	d = m[la * w + lb];
	free(m);
	return d;
}

const char *crm_suggest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, d, i, limit;

	limit = strlen(word) / 3 + 1;
	if (limit > 3)
		limit = 3;
	if (limit >= strlen(word)) /* "x" is as near to any one letter */
		limit = strlen(word) - (strlen(word) > 0);
	for (i = 0; i < n; i++) {
		d = crm_edit_distance(word, cands[i]);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return bestd <= limit ? best : NULL;
}

const char *crm_pgettext(const char *ctx_and_msg)
{
	const char *t = gettext(ctx_and_msg);

	if (t != ctx_and_msg)
		return t;
	return strchr(ctx_and_msg, '\004') + 1;
}

int crm_read_fd(int fd, size_t max, char **buf, size_t *len)
{
	struct crm_buf b = {0};
	char chunk[8192];
	ssize_t n;
	int saved;

	*buf = NULL;
	*len = 0;
	while (((n = read(fd, chunk, sizeof(chunk))) > 0 ||
		(n < 0 && errno == EINTR)) && b.len <= max)
		if (n > 0)
			crm_buf_add(&b, chunk, (size_t)n);
	saved = errno;
	close(fd);
	if (n < 0) {
		crm_buf_free(&b);
		errno = saved;
		return -1;
	}
	*len = b.len;
	*buf = crm_buf_detach(&b);
	return 0;
}

/* Opens path for reading if it is a regular file (never blocking on a
 * FIFO), else -1 with errno set. */
static int open_regular(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = CRM_ENOTREG;
		return -1;
	}
	return fd;
}

int crm_read_file(const char *path, char **buf, size_t *len)
{
	int fd = open_regular(path);

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return -1;
	return crm_read_fd(fd, CRM_YAML_MAX_SIZE, buf, len);
}

uint32_t crm_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}
