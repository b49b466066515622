/*
 * test_gitindex.c - crm_gitindex_apply() against the git command: each
 * test makes a repository, changes its work tree, and checks that the
 * patched index is the one `git add` makes in an identical copy.
 */
#ifndef _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <openssl/evp.h>

#include "crm.h"

static char top[64];            /* this test's temporary directory */
static char repo_a[128];        /* patched by crm_gitindex_apply */
static char repo_b[128];        /* updated by git add, the reference */

/* Runs a shell command built from fmt; returns its exit status. */
static int sh(const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;
	int n, st;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	cr_assert(n > 0 && (size_t)n < sizeof(cmd));
	st = system(cmd);
	cr_assert(st != -1 && WIFEXITED(st), "command failed: %s", cmd);
	return WEXITSTATUS(st);
}

/* Output of a shell command built from fmt (caller frees). */
static char *out(const char *fmt, ...)
{
	struct crm_buf b = { 0 };
	char cmd[16384], chunk[4096];
	va_list ap;
	size_t r;
	FILE *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	cr_assert(n > 0 && (size_t)n < sizeof(cmd));
	p = popen(cmd, "r");
	cr_assert(p != NULL);
	while ((r = fread(chunk, 1, sizeof(chunk), p)) > 0)
		crm_buf_add(&b, chunk, r);
	cr_assert(pclose(p) == 0, "command failed: %s", cmd);
	crm_buf_add(&b, "", 0);
	return crm_buf_detach(&b);
}

/* Writes text to repo/rel, creating directories. */
static void put(const char *repo, const char *rel, const char *text)
{
	char path[8192];
	FILE *f;

	cr_assert(snprintf(path, sizeof(path), "%s/%s", repo, rel) <
		  (int)sizeof(path));
	cr_assert(sh("mkdir -p \"$(dirname '%s')\"", path) == 0);
	f = fopen(path, "w");
	cr_assert(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert(fclose(f) == 0);
}

/* Parses 40 hex digits into 20 bytes. */
static void unhex(const char *hex, unsigned char *oid)
{
	unsigned v;
	int i;

	for (i = 0; i < 20; i++) {
		cr_assert(sscanf(hex + 2 * i, "%2x", &v) == 1);
		oid[i] = (unsigned char)v;
	}
}

/* Hashes repo/rel into the object store and fills a change for it. */
static void change_put(struct crm_index_change *c, const char *repo,
		       const char *rel)
{
	char *hex = out("git -C '%s' hash-object -w -- '%s'", repo, rel);

	memset(c, 0, sizeof(*c));
	c->path = rel;
	c->mode = 0100644;
	unhex(hex, c->oid);
	free(hex);
	c->fullpath = crm_xmalloc(8192);
	snprintf((char *)c->fullpath, 8192, "%s/%s", repo, rel);
}

/* A change that removes rel. */
static void change_del(struct crm_index_change *c, const char *rel)
{
	memset(c, 0, sizeof(*c));
	c->path = rel;
	c->remove = true;
}

/* Frees what change_put() allocated. */
static void changes_free(struct crm_index_change *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free((char *)c[i].fullpath);
}

/* Makes a committed repository in repo_a and an identical copy in repo_b. */
static void setup(void)
{
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
	snprintf(top, sizeof(top), "/tmp/crm-gitindex-XXXXXX");
	cr_assert(mkdtemp(top) != NULL);
	snprintf(repo_a, sizeof(repo_a), "%s/a", top);
	snprintf(repo_b, sizeof(repo_b), "%s/b", top);
	cr_assert(sh("git init -q '%s'", repo_a) == 0);
	put(repo_a, "crm.yaml", "users: [ann]\n");
	put(repo_a, "contacts/ab/ab1.yaml", "name: One\n");
	put(repo_a, "contacts/ab/ab2.yaml", "name: Two\n");
	put(repo_a, "contacts/cd/cd1.yaml", "name: Three\n");
	put(repo_a, "companies/xy/xy1.yaml", "name: Acme\n");
	cr_assert(sh("cd '%s' && git add -A && git -c user.name=T "
		     "-c user.email=t@example.org commit -qm init", repo_a) == 0);
	cr_assert(sh("cp -a '%s' '%s'", repo_a, repo_b) == 0);
}

/* Removes the temporary directory. */
static void teardown(void)
{
	sh("rm -rf '%s'", top);
}

/* Path of the index file of repo (static buffer). */
static const char *gitdir(const char *repo)
{
	static char p[160];

	snprintf(p, sizeof(p), "%s/.git", repo);
	return p;
}

/* Applies ch[0..n) to repo_a and expects status want. */
static struct crm_err apply(struct crm_index_change *ch, size_t n, int want)
{
	struct crm_err err = { 0 };
	int r = crm_gitindex_apply(gitdir(repo_a), ch, n, &err);

	cr_assert_eq(r, want, "status %d, want %d: %s", r, want, err.msg);
	cr_assert(sh("test ! -e '%s/.git/index.lock'", repo_a) == 0,
		  "index.lock left behind");
	return err;
}

/* Asserts that a shell command's output is the same in both repos. */
static void same(const char *cmd)
{
	char *a = out("cd '%s' && %s", repo_a, cmd);
	char *b = out("cd '%s' && %s", repo_b, cmd);

	cr_assert_str_eq(a, b, "'%s' differs:\n--- crm\n%s--- git\n%s",
			 cmd, a, b);
	free(a);
	free(b);
}

/*
 * Asserts that repo_a's index is what `git add -A` made of repo_b, that
 * git reads it without complaint and finds the work tree clean.
 */
static void check_like_git_add(void)
{
	cr_assert(sh("cd '%s' && git add -A", repo_b) == 0);
	same("git ls-files -s");
	same("git status --porcelain");
	cr_assert(sh("cd '%s' && git diff-files --quiet", repo_a) == 0);
	cr_assert(sh("cd '%s' && git fsck --no-dangling --no-progress", repo_a) == 0);
}

/*
 * Asserts that the entry of rel carries the stat data of the file.  Call
 * it before any git status, which refreshes the index.
 */
static void check_stat(const char *rel)
{
	char path[8192], want[512];
	char *dbg;
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", repo_a, rel);
	cr_assert(lstat(path, &st) == 0);
	dbg = out("cd '%s' && git ls-files --debug -- '%s'", repo_a, rel);
	snprintf(want, sizeof(want),
		 "%s\n  ctime: %ld:%ld\n  mtime: %ld:%ld\n  dev: %lu\tino: %lu\n"
		 "  uid: %u\tgid: %u\n  size: %lu\tflags: 0\n", rel,
		 (long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec,
		 (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		 (unsigned long)st.st_dev, (unsigned long)st.st_ino,
		 st.st_uid, st.st_gid, (unsigned long)st.st_size);
	cr_assert_str_eq(dbg, want);
	free(dbg);
}

/* Writes the same text to rel in both repos. */
static void put2(const char *rel, const char *text)
{
	put(repo_a, rel, text);
	put(repo_b, rel, text);
}

/* Removes rel from both work trees. */
static void rm2(const char *rel)
{
	cr_assert(sh("rm '%s/%s' '%s/%s'", repo_a, rel, repo_b, rel) == 0);
}

/* Reads repo_a's index file into a buffer (caller frees). */
static unsigned char *index_slurp(size_t *len)
{
	char path[160];
	struct stat st;
	unsigned char *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/.git/index", repo_a);
	f = fopen(path, "rb");
	cr_assert(f != NULL);
	cr_assert(fstat(fileno(f), &st) == 0);
	p = crm_xmalloc((size_t)st.st_size);
	cr_assert(fread(p, 1, (size_t)st.st_size, f) == (size_t)st.st_size);
	fclose(f);
	*len = (size_t)st.st_size;
	return p;
}

/* Writes p[0..len) as repo_a's index, recomputing the trailer if asked. */
static void index_spill(unsigned char *p, size_t len, bool rehash)
{
	char path[160];
	unsigned mdlen;
	FILE *f;

	if (rehash)
		cr_assert(EVP_Digest(p, len - 20, p + len - 20, &mdlen,
				     EVP_sha1(), NULL) == 1);
	snprintf(path, sizeof(path), "%s/.git/index", repo_a);
	f = fopen(path, "wb");
	cr_assert(f != NULL);
	cr_assert(fwrite(p, 1, len, f) == len);
	cr_assert(fclose(f) == 0);
}

/* True when repo_a's index holds extension sig. */
static bool index_has(const char *sig)
{
	size_t len;
	unsigned char *p = index_slurp(&len);
	bool r = memmem(p, len, sig, 4) != NULL;

	free(p);
	return r;
}

TestSuite(gitindex, .init = setup, .fini = teardown);

Test(gitindex, modify_existing)
{
	struct crm_index_change c;

	put2("contacts/ab/ab2.yaml", "name: Two\nphone: \"+1 555\"\n");
	change_put(&c, repo_a, "contacts/ab/ab2.yaml");
	apply(&c, 1, CRM_OK);
	check_stat("contacts/ab/ab2.yaml");     /* before git status refreshes */
	check_like_git_add();
	changes_free(&c, 1);
}

Test(gitindex, add_first_middle_last_newdir)
{
	struct crm_index_change c[4];

	put2("a.yaml", "first\n");
	put2("contacts/ab/ab15.yaml", "middle\n");
	put2("zz/zz/zz9.yaml", "last\n");
	put2("contacts/ef/ef1.yaml", "new shard\n");
	change_put(&c[0], repo_a, "zz/zz/zz9.yaml");
	change_put(&c[1], repo_a, "a.yaml");
	change_put(&c[2], repo_a, "contacts/ef/ef1.yaml");
	change_put(&c[3], repo_a, "contacts/ab/ab15.yaml");
	apply(c, 4, CRM_OK);
	check_stat("a.yaml");
	check_stat("zz/zz/zz9.yaml");
	check_stat("contacts/ab/ab1.yaml");     /* an old entry, untouched */
	check_like_git_add();
	changes_free(c, 4);
}

Test(gitindex, add_each_alone)
{
	const char *rel[] = { "a.yaml", "contacts/ab/ab15.yaml",
			      "contacts/ab/ab1.yaml.bak", "contacts/ab0",
			      "contacts/ab-x/y", "zz.yaml" };
	struct crm_index_change c;
	size_t i;

	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		put2(rel[i], rel[i]);
		change_put(&c, repo_a, rel[i]);
		apply(&c, 1, CRM_OK);
		check_like_git_add();
		changes_free(&c, 1);
	}
}

Test(gitindex, delete)
{
	struct crm_index_change c[2];

	rm2("contacts/cd/cd1.yaml");
	rm2("crm.yaml");
	change_del(&c[0], "crm.yaml");
	change_del(&c[1], "contacts/cd/cd1.yaml");
	apply(c, 2, CRM_OK);
	check_like_git_add();
}

Test(gitindex, delete_absent_is_ignored)
{
	struct crm_index_change c[3];
	char *before = out("cd '%s' && git ls-files -s", repo_a);
	char *after;

	change_del(&c[0], "contacts/ab/ab0.yaml");
	change_del(&c[1], "nothing/here");
	change_del(&c[2], "zzz");
	apply(c, 3, CRM_OK);
	after = out("cd '%s' && git ls-files -s", repo_a);
	cr_assert_str_eq(before, after);
	check_like_git_add();
	free(before);
	free(after);
}

Test(gitindex, several_in_one_shard)
{
	struct crm_index_change c[5];

	put2("contacts/ab/ab1.yaml", "name: One!\n");
	put2("contacts/ab/ab0.yaml", "name: Zero\n");
	put2("contacts/ab/ab3.yaml", "name: Three\n");
	rm2("contacts/ab/ab2.yaml");
	put2("companies/xy/xy0.yaml", "name: Zeta\n");
	change_put(&c[0], repo_a, "contacts/ab/ab3.yaml");
	change_del(&c[1], "contacts/ab/ab2.yaml");
	change_put(&c[2], repo_a, "contacts/ab/ab0.yaml");
	change_put(&c[3], repo_a, "companies/xy/xy0.yaml");
	change_put(&c[4], repo_a, "contacts/ab/ab1.yaml");
	apply(c, 5, CRM_OK);
	check_like_git_add();
	changes_free(c, 5);
}

Test(gitindex, same_path_twice_last_wins)
{
	struct crm_index_change c[2];

	put2("contacts/ab/ab1.yaml", "name: Changed\n");
	change_del(&c[0], "contacts/ab/ab1.yaml");
	change_put(&c[1], repo_a, "contacts/ab/ab1.yaml");
	apply(c, 2, CRM_OK);
	check_like_git_add();
	changes_free(&c[1], 1);
}

Test(gitindex, tree_extension_dropped)
{
	struct crm_index_change c;

	cr_assert(index_has("TREE"), "git commit should leave a TREE");
	put2("contacts/cd/cd1.yaml", "name: Changed\n");
	change_put(&c, repo_a, "contacts/cd/cd1.yaml");
	apply(&c, 1, CRM_OK);
	cr_assert(!index_has("TREE"));
	check_like_git_add();
	/* git still commits from it, rebuilding the tree */
	cr_assert(sh("cd '%s' && git -c user.name=T -c user.email=t@x "
		     "commit -qm two && git status --porcelain | "
		     "grep -q . && exit 1 || exit 0", repo_a) == 0);
	changes_free(&c, 1);
}

Test(gitindex, empty_change_list_rewrites_same_entries)
{
	char *before = out("cd '%s' && git ls-files -s", repo_a);
	char *after;

	apply(NULL, 0, CRM_OK);
	after = out("cd '%s' && git ls-files -s", repo_a);
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
}

Test(gitindex, version4_refused)
{
	struct crm_index_change c;
	struct crm_err err;
	size_t l1, l2;
	unsigned char *before, *after;

	cr_assert(sh("cd '%s' && git update-index --index-version 4", repo_a) == 0);
	before = index_slurp(&l1);
	put(repo_a, "crm.yaml", "users: [bob]\n");
	change_put(&c, repo_a, "crm.yaml");
	err = apply(&c, 1, CRM_EUSAGE);
	cr_assert(strstr(err.msg, "version 4") != NULL, "%s", err.msg);
	after = index_slurp(&l2);
	cr_assert(l1 == l2 && memcmp(before, after, l1) == 0);
	free(before);
	free(after);
	changes_free(&c, 1);
}

Test(gitindex, version3_with_extended_flags)
{
	struct crm_index_change c[2];
	size_t len;
	unsigned char *p;

	cr_assert(sh("cd '%s' && git update-index --index-version 3 && "
		     "git update-index --skip-worktree contacts/ab/ab2.yaml",
		     repo_a) == 0);
	cr_assert(sh("cd '%s' && git update-index --index-version 3 && "
		     "git update-index --skip-worktree contacts/ab/ab2.yaml",
		     repo_b) == 0);
	put2("contacts/ab/ab1.yaml", "name: Changed\n");
	put2("contacts/ab/ab3.yaml", "name: New\n");
	change_put(&c[0], repo_a, "contacts/ab/ab1.yaml");
	change_put(&c[1], repo_a, "contacts/ab/ab3.yaml");
	apply(c, 2, CRM_OK);
	p = index_slurp(&len);
	cr_assert(p[7] == 3, "version kept");
	free(p);
	check_like_git_add();
	same("git ls-files -v");
	changes_free(c, 2);
}

Test(gitindex, missing_index)
{
	struct crm_index_change c;

	cr_assert(sh("rm '%s/.git/index'", repo_a) == 0);
	change_del(&c, "crm.yaml");
	apply(&c, 1, CRM_ENOTFOUND);
	cr_assert(sh("test ! -e '%s/.git/index'", repo_a) == 0);
}

Test(gitindex, bad_checksum)
{
	struct crm_index_change c;
	struct crm_err err;
	unsigned char *p;
	size_t len;

	p = index_slurp(&len);
	p[len - 1] ^= 1;
	index_spill(p, len, false);
	change_del(&c, "crm.yaml");
	err = apply(&c, 1, CRM_ERR);
	cr_assert(strstr(err.msg, "/.git/index': bad checksum") != NULL,
		  "%s", err.msg);
	free(p);
}

/* The stamp of the index crm wrote spares its checksum the next time,
 * but only while the file is that one: an index another program wrote
 * (here with a bad checksum, the same size, in place) is checked. */
Test(gitindex, stamp_only_for_our_own_index)
{
	struct crm_index_change c;
	struct crm_err err;
	char stamp[160];
	unsigned char *p;
	size_t len;
	struct stat st;

	put2("contacts/ab/ab2.yaml", "name: Two\n");
	change_put(&c, repo_a, "contacts/ab/ab2.yaml");
	apply(&c, 1, CRM_OK);
	changes_free(&c, 1);
	snprintf(stamp, sizeof(stamp), "%s/.git/crm/index.stamp", repo_a);
	cr_assert(stat(stamp, &st) == 0, "no stamp after a splice");
	put2("contacts/ab/ab3.yaml", "name: Three\n");
	change_put(&c, repo_a, "contacts/ab/ab3.yaml");
	apply(&c, 1, CRM_OK);           /* from the stamp */
	changes_free(&c, 1);
	check_like_git_add();
	p = index_slurp(&len);
	p[len - 1] ^= 1;
	index_spill(p, len, false);
	change_del(&c, "crm.yaml");
	err = apply(&c, 1, CRM_ERR);
	cr_assert(strstr(err.msg, "/.git/index': bad checksum") != NULL,
		  "%s", err.msg);
	free(p);
}

Test(gitindex, corrupt_entries)
{
	struct crm_index_change c;
	struct crm_err err;
	unsigned char *p;
	size_t len;

	p = index_slurp(&len);
	p[11] += 3;             /* claims more entries than it holds */
	index_spill(p, len, true);
	change_del(&c, "crm.yaml");
	err = apply(&c, 1, CRM_ERR);
	cr_assert(strstr(err.msg, "corrupt entry") != NULL, "%s", err.msg);
	free(p);
}

Test(gitindex, truncated)
{
	struct crm_index_change c;
	struct crm_err err;

	cr_assert(sh("truncate -s 20 '%s/.git/index'", repo_a) == 0);
	change_del(&c, "crm.yaml");
	err = apply(&c, 1, CRM_ERR);
	cr_assert(strstr(err.msg, "not an index file") != NULL, "%s", err.msg);
}

Test(gitindex, lock_held)
{
	struct crm_index_change c;
	struct crm_err err = { 0 };
	struct timespec t0, t1;
	double ms;
	int r;

	cr_assert(sh("touch '%s/.git/index.lock'", repo_a) == 0);
	change_del(&c, "crm.yaml");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = crm_gitindex_apply(gitdir(repo_a), &c, 1, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	cr_assert_eq(r, CRM_ERR);
	cr_assert(strstr(err.msg, "cannot lock '") != NULL, "%s", err.msg);
	cr_assert(strstr(err.msg, "index.lock") != NULL, "%s", err.msg);
	cr_assert(ms >= 900 && ms < 3000, "waited %.0f ms", ms);
	cr_assert(sh("test -e '%s/.git/index.lock'", repo_a) == 0,
		  "someone else's lock must stay");
}

Test(gitindex, lock_released_during_wait)
{
	struct crm_index_change c;

	cr_assert(sh("touch '%s/.git/index.lock'; "
		     "(sleep 0.3; rm '%s/.git/index.lock') &", repo_a, repo_a) == 0);
	rm2("crm.yaml");
	change_del(&c, "crm.yaml");
	apply(&c, 1, CRM_OK);
	check_like_git_add();
}

Test(gitindex, split_index_refused)
{
	struct crm_index_change c;
	struct crm_err err;

	cr_assert(sh("cd '%s' && git update-index --split-index", repo_a) == 0);
	change_del(&c, "crm.yaml");
	err = apply(&c, 1, CRM_EUSAGE);
	cr_assert(strstr(err.msg, "link") != NULL, "%s", err.msg);
}

Test(gitindex, conflict_refused)
{
	struct crm_index_change c;
	const char *git = "git -c user.name=T -c user.email=t@x";

	cr_assert(sh("cd '%s' && %s checkout -qb side && echo side > crm.yaml && "
		     "%s commit -qam side && %s checkout -q - && "
		     "echo main > crm.yaml && %s commit -qam main && "
		     "{ %s merge -q side >/dev/null 2>&1; true; } && "
		     "git ls-files -u | grep -q crm.yaml",
		     repo_a, git, git, git, git, git) == 0);
	put(repo_a, "crm.yaml", "resolved\n");
	change_put(&c, repo_a, "crm.yaml");
	apply(&c, 1, CRM_EUSAGE);
	changes_free(&c, 1);
}

Test(gitindex, long_paths)
{
	struct crm_index_change c[3];
	char *p4095 = crm_xmalloc(4096), *p5000 = crm_xmalloc(5001);
	char *hex;
	size_t i;

	/* names of 0xFFF bytes and more; the stat data comes from a short file */
	for (i = 0; i < 4095; i++)
		p4095[i] = i % 100 == 99 ? '/' : 'p';
	p4095[4095] = '\0';
	for (i = 0; i < 5000; i++)
		p5000[i] = i % 100 == 98 ? '/' : 'q';
	p5000[5000] = '\0';
	put(repo_a, "crm.yaml", "long\n");
	change_put(&c[0], repo_a, "crm.yaml");
	c[1] = c[0];
	c[1].path = p4095;
	c[2] = c[0];
	c[2].path = p5000;
	apply(c, 3, CRM_OK);
	hex = out("cd '%s' && git hash-object crm.yaml", repo_a);
	hex[40] = '\0';
	cr_assert(sh("cd '%s' && echo long > crm.yaml && "
		     "git update-index --add --cacheinfo 100644,%s,crm.yaml && "
		     "git update-index --add --cacheinfo 100644,%s,%s && "
		     "git update-index --add --cacheinfo 100644,%s,%s",
		     repo_b, hex, hex, p4095, hex, p5000) == 0);
	same("git ls-files -s");
	/* and the long entries parse on the next patch */
	put2("contacts/ab/ab1.yaml", "name: After\n");
	changes_free(c, 1);
	change_put(&c[0], repo_a, "contacts/ab/ab1.yaml");
	apply(c, 1, CRM_OK);
	cr_assert(sh("cd '%s' && git add contacts/ab/ab1.yaml", repo_b) == 0);
	same("git ls-files -s");
	changes_free(c, 1);
	free(hex);
	free(p4095);
	free(p5000);
}

Test(gitindex, invalid_path_refused)
{
	struct crm_index_change c;
	const char *bad[] = { "", "/abs", "a//b", "a/", "../x", "a/./b",
			      ".git/config", "x/.GIT/y" };
	struct crm_err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		change_del(&c, bad[i]);
		err = apply(&c, 1, CRM_ERR);
		cr_assert(strstr(err.msg, "invalid index path") != NULL);
	}
}
