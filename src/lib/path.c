/*
 * path.c - files below the store's top, opened without following a
 * symbolic link at any step: a shard directory replaced by a link to a
 * directory elsewhere must not let crm read or write there.  Each
 * directory is opened from its parent with O_NOFOLLOW | O_DIRECTORY, and
 * a file crm reads must be a regular one (a FIFO in place of crm.yaml
 * would otherwise hang every command).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store-internal.h"

/* Opens the directory name below dirfd without following a link,
 * creating it first when create is set.  The descriptor, or -1. */
static int open_dir_at(int dirfd, const char *name, bool create)
{
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT || !create)
		return fd;
	if (mkdirat(dirfd, name, 0777) != 0 && errno != EEXIST)
		return -1;
	return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* True when the component [s, s + n) may appear in a store path. */
static bool component_ok(const char *s, size_t n)
{
	return n > 0 && n < NAME_MAX && !(n == 1 && s[0] == '.') &&
	       !(n == 2 && s[0] == '.' && s[1] == '.');
}

int crm_path_parent(const char *root, const char *rel, bool create,
		    const char **base)
{
	char name[NAME_MAX + 1];
	const char *p = rel, *slash;
	int fd, next;

	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (fd >= 0 && (slash = strchr(p, '/')) != NULL) {
		if (!component_ok(p, (size_t)(slash - p))) {
			close(fd);
			errno = EINVAL;
			return -1;
		}
		memcpy(name, p, (size_t)(slash - p));
		name[slash - p] = '\0';
		next = open_dir_at(fd, name, create);
		close(fd);
		fd = next;
		p = slash + 1;
	}
	if (fd >= 0 && !component_ok(p, strlen(p))) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	*base = p;
	return fd;
}

int crm_path_open(const char *root, const char *rel)
{
	const char *base;
	struct stat st;
	int dir, fd;

	if ((dir = crm_path_parent(root, rel, false, &base)) < 0)
		return -1;
	fd = openat(dir, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dir);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = CRM_ENOTREG;
		return -1;
	}
	return fd;
}

int crm_path_read(const char *root, const char *rel, char **buf, size_t *len)
{
	int fd = crm_path_open(root, rel);

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return -1;
	return crm_read_fd(fd, CRM_YAML_MAX_SIZE, buf, len);
}

const char *crm_path_strerror(int e)
{
	if (e == ELOOP || e == ENOTDIR)
		return _("it is a symbolic link or lies below one, and crm "
			 "follows no links inside the store");
	if (e == CRM_ENOTREG)
		return _("not a regular file");
	return strerror(e);
}
