/*
 * test_packorder.c - crm_packs_key() against git: the keys of packed
 * objects sort them as `git verify-pack -v` lists them by offset, loose
 * objects and unknown pack indexes give UINT64_MAX, and a clone's
 * alternates are followed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "store-internal.h"

static char top[64];

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
static void line_of(char *buf, size_t size, const char *cmd)
{
	char full[4200];
	FILE *p;

	snprintf(full, sizeof(full), "cd %s && %s", top, cmd);
	p = popen(full, "r");
	cr_assert_not_null(p);
	buf[0] = '\0';
	if (fgets(buf, (int)size, p) != NULL)
		buf[strcspn(buf, "\n")] = '\0';
	pclose(p);
}

static void setup(void)
{
	snprintf(top, sizeof(top), "/tmp/crm-packorder-XXXXXX");
	cr_assert_not_null(mkdtemp(top));
	cr_assert_eq(sh("git init -q r && cd r && for i in $(seq 1 40); do "
			"printf 'file %%s\\n%%s\\n' $i $(seq $i) > f$i; done && "
			"git add . && git -c user.name=a -c user.email=a@b "
			"commit -q -m one && git gc -q"), 0);
}

static void teardown(void)
{
	sh("rm -rf %s", top);
}

TestSuite(packorder, .init = setup, .fini = teardown);

/* The key of the blob at path in r's HEAD. */
static uint64_t key_of(struct crm_packs *p, const char *repo, const char *path)
{
	char cmd[256], hex[64];
	git_oid oid;

	snprintf(cmd, sizeof(cmd), "git -C %s rev-parse HEAD:%s", repo, path);
	line_of(hex, sizeof(hex), cmd);
	cr_assert_eq(git_oid_fromstr(&oid, hex), 0, "%s", hex);
	return crm_packs_key(p, &oid);
}

Test(packorder, keys_follow_the_offsets_git_lists)
{
	char gitdir[128], cmd[512], want[4096] = "", got[4096] = "", line[64];
	struct crm_packs *p;
	uint64_t keys[40];
	int order[40], i, j, t;

	snprintf(gitdir, sizeof(gitdir), "%s/r/.git", top);
	p = crm_packs_open(gitdir);
	for (i = 0; i < 40; i++) {
		snprintf(line, sizeof(line), "f%d", i + 1);
		keys[i] = key_of(p, "r", line);
		cr_assert_neq(keys[i], UINT64_MAX, "f%d is packed", i + 1);
		order[i] = i;
	}
	for (i = 0; i < 40; i++)        /* the files by key */
		for (j = i + 1; j < 40; j++)
			if (keys[order[j]] < keys[order[i]]) {
				t = order[i];
				order[i] = order[j];
				order[j] = t;
			}
	for (i = 0; i < 40; i++) {
		snprintf(line, sizeof(line), "f%d ", order[i] + 1);
		strcat(got, line);
	}
	/* the files by the offsets git gives their blobs */
	snprintf(cmd, sizeof(cmd),
		 "git -C r ls-tree HEAD | awk '{print $3, $4}' | sort > ids && "
		 "git verify-pack -v r/.git/objects/pack/*.idx | "
		 "awk '$2 == \"blob\" {print $1, $5}' | sort > offs && "
		 "join ids offs | sort -k3,3n | awk '{printf \"%%s \", $2}'");
	line_of(want, sizeof(want), cmd);
	cr_expect_str_eq(got, want);
	crm_packs_close(p);
}

Test(packorder, loose_objects_and_strange_indexes_come_last)
{
	char gitdir[128];
	struct crm_packs *p;

	cr_assert_eq(sh("cd r && echo new > g && git add g && "
			"git -c user.name=a -c user.email=a@b commit -q -m two"), 0);
	snprintf(gitdir, sizeof(gitdir), "%s/r/.git", top);
	p = crm_packs_open(gitdir);
	cr_expect_eq(key_of(p, "r", "g"), UINT64_MAX, "a loose object");
	cr_expect_neq(key_of(p, "r", "f1"), UINT64_MAX);
	crm_packs_close(p);
	/* a cut index and one of another version are not read */
	cr_assert_eq(sh("cd r/.git/objects/pack && for f in *.idx; do "
			"head -c 2000 $f > cut.idx; printf '\\377tOc\\0\\0\\0\\3' "
			"> v3.idx; head -c 3000 $f | tail -c +9 >> v3.idx; "
			"chmod u+w $f; rm $f; done"), 0);
	p = crm_packs_open(gitdir);
	cr_expect_eq(key_of(p, "r", "f1"), UINT64_MAX);
	crm_packs_close(p);
}

Test(packorder, a_clone_follows_its_alternates)
{
	char gitdir[128];
	struct crm_packs *p;

	cr_assert_eq(sh("git clone -q --shared r c"), 0);
	snprintf(gitdir, sizeof(gitdir), "%s/c/.git", top);
	p = crm_packs_open(gitdir);
	cr_expect_neq(key_of(p, "c", "f7"), UINT64_MAX,
		      "the object is in the alternate's pack");
	crm_packs_close(p);
}
