/*
 * sqlvfs.c - the SQLite file layer the index opens its files through:
 * the default one, except that the shared memory of a WAL database (the
 * -shm file, which SQLite maps) is given its disk blocks before it is
 * used.
 *
 * SQLite grows the -shm file by writing one byte at the end of each 4 KiB
 * page.  On a file system with smaller blocks (ext4 makes 1 KiB blocks on
 * small disks) the rest of each page stays a hole, and when the disk is
 * full the first store into the mapping kills the process with SIGBUS.
 * So after each region is mapped, its pages are populated for writing
 * (madvise), which allocates their blocks or fails, and a failure is
 * returned to SQLite as SQLITE_FULL: the query fails with a message and
 * the caller falls back to an index in memory.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  /* Linux 5.14 */
#endif

#include <sqlite3.h>

#include "crm.h"

/* What the layer adds to the default layer's file object. */
struct shim_file {
	bool shm;               /* a main database: its shm is allocated */
};

static sqlite3_vfs shim_vfs;
static sqlite3_io_methods shim_methods;
static const sqlite3_io_methods *real_methods;
static pthread_once_t shim_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t shim_lock = PTHREAD_MUTEX_INITIALIZER;

/* The extra part of a file object: at the end, after the default layer's
 * szOsFile bytes, rounded up for alignment. */
static size_t shim_offset(void)
{
	const sqlite3_vfs *real = shim_vfs.pAppData;
	size_t a = sizeof(void *);

	return ((size_t)real->szOsFile + a - 1) / a * a;
}

static struct shim_file *shim_of(sqlite3_file *f)
{
	return (struct shim_file *)((char *)f + shim_offset());
}

/*
 * Makes the kernel allocate the disk blocks of a mapped region of the
 * -shm file (a write fault on each page, without changing a byte), so
 * that a full disk fails here rather than at SQLite's first store.  The
 * file is not opened again for this: closing another descriptor of it
 * would drop the process's locks on it, which SQLite's other connections
 * rely on.  Returns SQLITE_FULL when a page could not be allocated, else
 * SQLITE_OK (also on a kernel without MADV_POPULATE_WRITE, before 5.14,
 * or for a read-only mapping).
 */
static int shm_populate(void volatile *p, int size)
{
	if (madvise((void *)p, (size_t)size, MADV_POPULATE_WRITE) == 0)
		return SQLITE_OK;
	return errno == EFAULT || errno == ENOMEM ? SQLITE_FULL : SQLITE_OK;
}

/* xShmMap: the default's, then the region's blocks allocated. */
static int shim_shm_map(sqlite3_file *f, int region, int size, int extend,
			void volatile **pp)
{
	struct shim_file *sf = shim_of(f);
	int rc = real_methods->xShmMap(f, region, size, extend, pp);

	if (rc != SQLITE_OK || *pp == NULL || !sf->shm)
		return rc;
	rc = shm_populate(*pp, size);
	if (rc != SQLITE_OK)
		*pp = NULL; /* SQLite keeps what *pp holds, even on failure */
	return rc;
}

/* xOpen: the default's; main databases get the xShmMap above. */
static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f,
		     int flags, int *out_flags)
{
	sqlite3_vfs *real = vfs->pAppData;
	struct shim_file *sf = shim_of(f);
	int rc;

	sf->shm = false;
	rc = real->xOpen(real, name, f, flags, out_flags);
	if (rc != SQLITE_OK || f->pMethods == NULL || name == NULL ||
	    !(flags & SQLITE_OPEN_MAIN_DB) || f->pMethods->iVersion < 2 ||
	    f->pMethods->xShmMap == NULL)
		return rc;
	pthread_mutex_lock(&shim_lock);
	if (real_methods == NULL) {
		shim_methods = *f->pMethods;
		shim_methods.xShmMap = shim_shm_map;
		real_methods = f->pMethods;
	}
	if (f->pMethods == real_methods) { /* else another kind: as it is */
		sf->shm = true;
		f->pMethods = &shim_methods;
	}
	pthread_mutex_unlock(&shim_lock);
	return rc;
}

/* Registers the layer (once), over the default one. */
static void shim_register(void)
{
	sqlite3_vfs *real = sqlite3_vfs_find(NULL);

	if (real == NULL)
		return;
	shim_vfs = *real;
	shim_vfs.pAppData = real;
	shim_vfs.zName = CRM_SQL_VFS;
	shim_vfs.pNext = NULL;
	shim_vfs.xOpen = shim_open;
	shim_vfs.szOsFile = (int)(shim_offset() + sizeof(struct shim_file));
	if (sqlite3_vfs_register(&shim_vfs, 0) != SQLITE_OK)
		shim_vfs.zName = NULL;
}

const char *crm_sql_vfs(void)
{
	pthread_once(&shim_once, shim_register);
	return shim_vfs.zName;
}
