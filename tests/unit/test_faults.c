/*
 * test_faults.c - what keeps a killed or starved writer from harming the
 * store: index.lock taken as a second link of crm's hold file, and its
 * removal once the holder died (crm_gitindex_remove_stale); the SQLite
 * file layer that allocates a WAL database's shared memory (crm_sql_vfs).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "crm.h"

static char top[64];            /* this test's temporary directory */
static char gitdir[128];        /* top/.git, with its crm/ */

static void setup(void)
{
	snprintf(top, sizeof(top), "/tmp/crm-faults-XXXXXX");
	cr_assert(mkdtemp(top) != NULL);
	snprintf(gitdir, sizeof(gitdir), "%s/.git", top);
	cr_assert(mkdir(gitdir, 0777) == 0);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	cr_assert(system(cmd) == 0);
}

/* The path gitdir/name, in a static buffer (one of two, alternately). */
static const char *in_git(const char *name)
{
	static char buf[2][256];
	static int k;

	k = !k;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", gitdir, name);
	return buf[k];
}

/* True when the two paths are one file. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The xShmMap method of db's main file. */
static void *shm_map_of(sqlite3 *db)
{
	sqlite3_file *f = NULL;

	if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &f) !=
	    SQLITE_OK || f == NULL || f->pMethods == NULL)
		return NULL;
	return (void *)f->pMethods->xShmMap;
}

TestSuite(faults, .init = setup, .fini = teardown);

Test(faults, lock_is_a_second_link_of_the_hold)
{
	struct crm_index_lock lk;
	struct crm_err err = {0};

	cr_assert_eq(crm_gitindex_lock(gitdir, &lk, &err), CRM_OK, "%s", err.msg);
	cr_assert(same_file(in_git("index.lock"), in_git("crm/index.lock")));
	crm_gitindex_unlock(&lk);
	cr_assert(access(in_git("index.lock"), F_OK) != 0);
	cr_assert(access(in_git("crm/index.lock"), F_OK) != 0);
}

Test(faults, dead_holders_lock_is_removed)
{
	struct crm_index_lock lk;
	struct crm_err err = {0};

	cr_assert_eq(crm_gitindex_lock(gitdir, &lk, &err), CRM_OK, "%s", err.msg);
	close(lk.fd); /* the holder dies: nothing is released */
	crm_gitindex_remove_stale(gitdir);
	cr_assert(access(in_git("index.lock"), F_OK) != 0,
		  "the dead holder's index.lock is left");
	cr_assert(access(in_git("crm/index.lock"), F_OK) != 0);
	cr_assert_eq(crm_gitindex_lock(gitdir, &lk, &err), CRM_OK,
		     "the lock cannot be taken again: %s", err.msg);
	crm_gitindex_unlock(&lk);
}

Test(faults, gits_own_lock_is_kept)
{
	struct crm_index_lock lk;
	struct crm_err err = {0};
	int fd;

	/* a hold left by a holder killed before its link, and git's lock */
	cr_assert(mkdir(in_git("crm"), 0777) == 0);
	fd = open(in_git("crm/index.lock"), O_CREAT | O_WRONLY, 0666);
	cr_assert(fd >= 0);
	close(fd);
	fd = open(in_git("index.lock"), O_CREAT | O_WRONLY, 0666);
	cr_assert(fd >= 0);
	close(fd);
	crm_gitindex_remove_stale(gitdir);
	cr_assert(access(in_git("index.lock"), F_OK) == 0,
		  "git's own index.lock was removed");
	cr_assert(access(in_git("crm/index.lock"), F_OK) != 0,
		  "the stale hold is left");
	cr_assert_eq(crm_gitindex_lock(gitdir, &lk, &err), CRM_ERR);
	cr_assert(strstr(err.msg, "index.lock") != NULL, "%s", err.msg);
	cr_assert(access(in_git("crm/index.lock"), F_OK) != 0,
		  "a failed lock leaves its hold");
}

Test(faults, lock_held_after_a_rename_leaves_only_the_hold)
{
	struct crm_index_lock lk;
	struct crm_err err = {0};

	cr_assert_eq(crm_gitindex_lock(gitdir, &lk, &err), CRM_OK, "%s", err.msg);
	close(lk.fd);
	/* killed right after renaming the lock over the index */
	cr_assert(rename(in_git("index.lock"), in_git("index")) == 0);
	crm_gitindex_remove_stale(gitdir);
	cr_assert(access(in_git("index"), F_OK) == 0, "the index was removed");
	cr_assert(access(in_git("crm/index.lock"), F_OK) != 0);
}

Test(faults, sql_vfs_allocates_the_shared_memory)
{
	char path[256], shm[300], p2[300];
	sqlite3 *db = NULL, *plain = NULL;
	struct stat st;
	const char *vfs = crm_sql_vfs();

	cr_assert_str_eq(vfs, CRM_SQL_VFS);
	cr_assert_not_null(sqlite3_vfs_find(vfs));
	snprintf(path, sizeof(path), "%s/t.db", top);
	snprintf(shm, sizeof(shm), "%s-shm", path);
	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
				     SQLITE_OPEN_CREATE, vfs), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
				  "CREATE TABLE t(x); INSERT INTO t VALUES(1)",
				  NULL, NULL, NULL), SQLITE_OK, "%s",
		     sqlite3_errmsg(db));
	cr_assert(stat(shm, &st) == 0);
	/* the layer's own xShmMap maps it, not the default's */
	snprintf(p2, sizeof(p2), "%s/u.db", top);
	cr_assert_eq(sqlite3_open(p2, &plain), SQLITE_OK);
	cr_assert(shm_map_of(db) != NULL);
	cr_assert(shm_map_of(db) != shm_map_of(plain),
		  "the database is mapped by the default layer");
	sqlite3_close(plain);
	cr_assert_geq(st.st_size, 32768);
	cr_assert_geq((long long)st.st_blocks * 512, (long long)st.st_size,
		      "the -shm file has holes: %lld blocks for %lld bytes",
		      (long long)st.st_blocks, (long long)st.st_size);
	sqlite3_close(db);
}
