/*
 * test_pack.c - crm_pack_write() against git: the pack and index it
 * writes pass `git verify-pack` and `git fsck --strict`, hold exactly the
 * objects given (large, empty, trees, commits) with their contents once
 * the loose copies are gone; a pack already there is not written again;
 * an object the odb lacks fails with nothing left in objects/pack.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "store-internal.h"

static char top[64], gitdir[128];
static git_repository *repo;
static git_odb *odb;

/* Runs a shell command built from fmt in top; its exit status. */
static int sh(const char *fmt, ...)
{
	char cmd[4096], full[4200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd %s && (%s) >/dev/null 2>&1", top, cmd);
	return system(full);
}

/* The first line of a command's output run in top, into buf. */
static void line_of(char *buf, size_t size, const char *fmt, ...)
{
	char cmd[4096], full[4200];
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd %s && %s", top, cmd);
	p = popen(full, "r");
	cr_assert_not_null(p);
	buf[0] = '\0';
	if (fgets(buf, (int)size, p) != NULL)
		buf[strcspn(buf, "\n")] = '\0';
	pclose(p);
}

/* The id of the object git names rev in r. */
static git_oid oid_of(const char *rev)
{
	char hex[64];
	git_oid oid;

	line_of(hex, sizeof(hex), "git -C r rev-parse %s", rev);
	cr_assert_eq(git_oid_fromstr(&oid, hex), 0, "%s: %s", rev, hex);
	return oid;
}

static void setup(void)
{
	snprintf(top, sizeof(top), "/tmp/crm-pack-XXXXXX");
	cr_assert_not_null(mkdtemp(top));
	/* big: 200 KB that zlib cannot shrink much, so that sizes and
	 * offsets take several bytes */
	cr_assert_eq(sh("git init -q r && cd r && printf 'small\\n' >small && "
			": >empty && head -c 200000 /dev/urandom >big && "
			"mkdir d && printf 'Əli Şəkili, Ärger, Привет\\n' >d/u && "
			"git add . && git -c user.name=a -c user.email=a@b "
			"commit -q -m one"), 0);
	snprintf(gitdir, sizeof(gitdir), "%s/r/.git", top);
	cr_assert_eq(crm_git_init(NULL), CRM_OK);
	cr_assert_eq(git_repository_open_bare(&repo, gitdir), 0);
	cr_assert_eq(git_repository_odb(&odb, repo), 0);
}

static void teardown(void)
{
	git_odb_free(odb);
	git_repository_free(repo);
	git_libgit2_shutdown();
	sh("rm -rf %s", top);
}

TestSuite(pack, .init = setup, .fini = teardown);

/* The number of files in r's objects/pack whose names match glob. */
static int files_in_pack_dir(const char *glob)
{
	char n[32];

	line_of(n, sizeof(n), "ls r/.git/objects/pack/ | grep -c '%s'", glob);
	return atoi(n);
}

Test(pack, git_reads_back_every_object_written)
{
	static const char *revs[] = {"HEAD", "HEAD^{tree}", "HEAD:d",
				     "HEAD:small", "HEAD:empty", "HEAD:big",
				     "HEAD:d/u"};
	git_oid oids[7];
	struct crm_err err = {0};
	char out[256];
	size_t i;

	for (i = 0; i < 7; i++)
		oids[i] = oid_of(revs[i]);
	cr_assert_eq(crm_pack_write(gitdir, odb, oids, 7, &err), CRM_OK,
		     "%s", err.msg);
	cr_assert_eq(files_in_pack_dir("^pack-[0-9a-f]\\{40\\}\\.pack$"), 1);
	cr_assert_eq(files_in_pack_dir("^pack-[0-9a-f]\\{40\\}\\.idx$"), 1);
	cr_assert_eq(files_in_pack_dir("tmp"), 0);
	cr_assert_eq(sh("cd r && git verify-pack .git/objects/pack/*.idx"), 0);
	line_of(out, sizeof(out), "cd r && git verify-pack -v "
		".git/objects/pack/*.idx | grep -c -E "
		"'^[0-9a-f]{40} (blob|tree|commit) '");
	cr_assert_str_eq(out, "7", "objects in the pack");
	line_of(out, sizeof(out), "cd r && git verify-pack -v "
		".git/objects/pack/*.idx | grep -c chain");
	cr_assert_str_eq(out, "0", "no deltas");
	/* the loose copies gone, git reads each object from the pack */
	cr_assert_eq(sh("cd r && git prune-packed && "
			"test $(git count-objects | cut -d' ' -f1) = 0"), 0);
	cr_assert_eq(sh("cd r && git cat-file blob HEAD:big | cmp - big && "
			"git cat-file blob HEAD:small | cmp - small && "
			"git cat-file blob HEAD:empty | cmp - empty && "
			"git cat-file blob HEAD:d/u | cmp - d/u && "
			"git fsck --strict --no-dangling"), 0);
}

Test(pack, the_same_pack_twice_is_written_once)
{
	git_oid oids[2] = {oid_of("HEAD:small"), oid_of("HEAD:big")};
	struct crm_err err = {0};

	cr_assert_eq(crm_pack_write(gitdir, odb, oids, 2, &err), CRM_OK);
	cr_assert_eq(crm_pack_write(gitdir, odb, oids, 2, &err), CRM_OK);
	cr_assert_eq(files_in_pack_dir("\\.pack$"), 1);
	cr_assert_eq(files_in_pack_dir("\\.idx$"), 1);
	cr_assert_eq(sh("cd r && git verify-pack .git/objects/pack/*.idx"), 0);
}

Test(pack, a_missing_object_writes_nothing)
{
	git_oid oids[2] = {oid_of("HEAD:small")};
	struct crm_err err = {0};

	cr_assert_eq(git_oid_fromstr(&oids[1],
		     "0123456789abcdef0123456789abcdef01234567"), 0);
	cr_assert_eq(crm_pack_write(gitdir, odb, oids, 2, &err), CRM_ERR);
	cr_assert_eq(strncmp(err.msg, "cannot pack objects", 19), 0, "%s",
		     err.msg);
	cr_assert_eq(files_in_pack_dir("."), 0);
}

Test(pack, many_objects_compressed_in_two_halves)
{
	git_oid oids[300];
	struct crm_err err = {0};
	char line[128], out[64];
	FILE *f;
	size_t n = 0;

	cr_assert_eq(sh("cd r && for i in $(seq 1 300); do "
			"seq $i | git hash-object -w --stdin; done >../oids"), 0);
	snprintf(line, sizeof(line), "%s/oids", top);
	f = fopen(line, "r");
	cr_assert_not_null(f);
	while (n < 300 && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		cr_assert_eq(git_oid_fromstr(&oids[n++], line), 0);
	}
	fclose(f);
	cr_assert_eq(n, 300);
	cr_assert_eq(crm_pack_write(gitdir, odb, oids, n, &err), CRM_OK,
		     "%s", err.msg);
	cr_assert_eq(sh("cd r && git verify-pack .git/objects/pack/*.idx"), 0);
	line_of(out, sizeof(out), "cd r && git verify-pack -v "
		".git/objects/pack/*.idx | grep -c '^[0-9a-f]\\{40\\} blob '");
	cr_assert_str_eq(out, "300");
	cr_assert_eq(sh("cd r && git prune-packed && "
			"test \"$(git cat-file blob $(sed -n 300p ../oids) | "
			"tail -1)\" = 300 && git fsck --strict --no-dangling"), 0);
}
