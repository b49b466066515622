/*
 * test_guard.c - what a transaction refuses before it writes anything: a
 * file edited by hand and not committed, a path through a symbolic link;
 * the readers of files below the store (regular files only, no link
 * followed); a record too large to read back; a crm.yaml of a newer
 * version.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "crm.h"

#define NOW ((time_t)1772359200) /* 2026-03-01T10:00:00Z */
#define IVAN "q4r5s6t7v8"
#define IVAN_PATH "contacts/q4/q4r5s6t7v8.yaml"

static char dir[64], outside[64];
static struct crm_store *st;

/* Writes text to dir/rel (created or replaced). */
static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

/* The content of path (caller frees), NULL when unreadable. */
static char *slurp(const char *path)
{
	char *buf;
	size_t len;

	return crm_read_file(path, &buf, &len) == 0 ? buf : NULL;
}

/* A txn that sets Ivan's role to role; not committed.  Caller frees. */
static struct crm_txn *set_role(const char *role)
{
	struct crm_record *r = NULL;
	struct crm_txn *t = crm_txn_new(st);
	struct crm_err err = {0};

	cr_assert_eq(crm_store_read(st, CRM_CONTACT, IVAN, &r, &err), CRM_OK,
		     "%s", err.msg);
	cr_assert_eq(crm_record_set_field(r, "role", '=', role,
					  crm_store_config(st), "ann", NOW, &err),
		     CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_txn_put(t, r, &err), CRM_OK, "%s", err.msg);
	crm_record_free(r);
	return t;
}

static void setup(void)
{
	struct crm_record *r;
	struct crm_txn *t;
	struct crm_err err = {0};

	snprintf(dir, sizeof(dir), "/tmp/crm-guard-XXXXXX");
	snprintf(outside, sizeof(outside), "/tmp/crm-outside-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_not_null(mkdtemp(outside));
	cr_assert_eq(crm_store_init(dir, "ann", "Ann", "ann@example.com", NOW,
				    &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_store_open(dir, &st, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_store_lock(st, 1000, &err), CRM_OK, "%s", err.msg);
	r = crm_record_new(CRM_CONTACT, IVAN, "Ivan Petrov", NOW);
	t = crm_txn_new(st);
	cr_assert_eq(crm_txn_put(t, r, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_txn_commit(t, "contact q4r5: add", "add", &err), CRM_OK,
		     "%s", err.msg);
	crm_txn_free(t);
	crm_record_free(r);
}

static void teardown(void)
{
	char cmd[256];

	crm_store_close(st);
	st = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", dir, outside);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(guard, .init = setup, .fini = teardown);

Test(guard, clean_file_is_written)
{
	struct crm_txn *t = set_role("buyer");
	struct crm_err err = {0};
	char path[256], *s;

	cr_assert_eq(crm_txn_commit(t, "set", "set", &err), CRM_OK, "%s", err.msg);
	crm_txn_free(t);
	snprintf(path, sizeof(path), "%s/" IVAN_PATH, dir);
	s = slurp(path);
	cr_assert(s && strstr(s, "role: buyer"), "%s", s);
	free(s);
}

Test(guard, hand_edit_is_not_overwritten)
{
	struct crm_txn *t = set_role("buyer");
	struct crm_err err = {0};
	char path[256], *before, *after;

	snprintf(path, sizeof(path), "%s/" IVAN_PATH, dir);
	before = slurp(path);
	cr_assert_not_null(before);
	{
		FILE *f = fopen(path, "a");

		fputs("x: 1\n", f);
		fclose(f);
	}
	free(before);
	before = slurp(path);
	cr_assert_eq(crm_txn_commit(t, "set", "set", &err), CRM_ERR);
	cr_expect(strstr(err.msg, "'" IVAN_PATH "'") != NULL, "%s", err.msg);
	cr_expect(strstr(err.msg, "crm commit") != NULL, "%s", err.msg);
	cr_expect(strstr(err.msg, "git checkout -- " IVAN_PATH) != NULL, "%s",
		  err.msg);
	after = slurp(path);
	cr_expect_str_eq(after, before, "the hand edit is kept");
	free(before);
	free(after);
	crm_txn_free(t);
}

Test(guard, removal_of_a_hand_edit_is_refused)
{
	struct crm_txn *t = crm_txn_new(st);
	struct crm_err err = {0};

	put(IVAN_PATH, "id: q4r5s6t7v8\nname: Ivan\n");
	crm_txn_delete(t, CRM_CONTACT, IVAN);
	cr_assert_eq(crm_txn_commit(t, "rm", "rm", &err), CRM_ERR);
	cr_expect(strstr(err.msg, IVAN_PATH) != NULL, "%s", err.msg);
	crm_txn_free(t);
}

Test(guard, a_new_file_in_the_way_is_refused)
{
	struct crm_record *r = crm_record_new(CRM_COMPANY, "k1k2k3k4k5", "K", NOW);
	struct crm_txn *t = crm_txn_new(st);
	struct crm_err err = {0};
	char path[256];

	snprintf(path, sizeof(path), "%s/companies", dir);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/companies/k1", dir);
	mkdir(path, 0777);
	put("companies/k1/k1k2k3k4k5.yaml", "name: mine\n");
	cr_assert_eq(crm_txn_put(t, r, &err), CRM_OK);
	cr_assert_eq(crm_txn_commit(t, "add", "add", &err), CRM_ERR);
	cr_expect(strstr(err.msg, "companies/k1/k1k2k3k4k5.yaml") != NULL, "%s",
		  err.msg);
	crm_txn_free(t);
	crm_record_free(r);
}

Test(guard, expected_disk_content_is_written)
{
	struct crm_txn *t = set_role("buyer");
	struct crm_err err = {0};
	const char *edit = "id: q4r5s6t7v8\nname: Ivan Petrov\nx: 1\n";

	put(IVAN_PATH, edit);
	crm_txn_expect(t, IVAN_PATH, edit, strlen(edit));
	cr_assert_eq(crm_txn_commit(t, "edit", "edit", &err), CRM_OK, "%s",
		     err.msg);
	crm_txn_free(t);
	/* ...but not when the file changed again since */
	t = set_role("director");
	crm_txn_expect(t, IVAN_PATH, edit, strlen(edit));
	cr_assert_eq(crm_txn_commit(t, "edit", "edit", &err), CRM_ERR);
	crm_txn_free(t);
}

Test(guard, expect_current_and_absent)
{
	struct crm_txn *t = crm_txn_new(st);
	struct crm_err err = {0};
	char path[256];

	snprintf(path, sizeof(path), "%s/" IVAN_PATH, dir);
	cr_assert_eq(unlink(path), 0);
	crm_txn_delete(t, CRM_CONTACT, IVAN);
	crm_txn_expect_current(t, IVAN_PATH);
	cr_assert_eq(crm_txn_commit(t, "rm", "commit", &err), CRM_OK, "%s",
		     err.msg);
	crm_txn_free(t);
}

Test(guard, symlinked_shard_is_not_written_through)
{
	struct crm_txn *t = set_role("buyer");
	struct crm_err err = {0};
	char shard[256], target[256], cmd[1200], *s, *before;

	snprintf(shard, sizeof(shard), "%s/contacts/q4", dir);
	snprintf(cmd, sizeof(cmd), "cp -a '%s/.' '%s/' && rm -rf '%s' && "
		 "ln -s '%s' '%s'", shard, outside, shard, outside, shard);
	cr_assert_eq(system(cmd), 0);
	snprintf(target, sizeof(target), "%s/q4r5s6t7v8.yaml", outside);
	before = slurp(target);
	cr_assert_not_null(before);
	cr_assert_eq(crm_txn_commit(t, "set", "set", &err), CRM_ERR);
	cr_expect(strstr(err.msg, "symbolic link") != NULL, "%s", err.msg);
	s = slurp(target);
	cr_expect_str_eq(s, before, "the file outside is unchanged");
	free(s);
	free(before);
	crm_txn_free(t);
}

Test(guard, path_read_refuses_links_and_fifos)
{
	char path[256], *buf = NULL;
	size_t len;

	cr_assert_eq(crm_path_read(dir, "crm.yaml", &buf, &len), 0);
	free(buf);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_assert_eq(crm_path_read(dir, "fifo", &buf, &len), -1);
	cr_expect_eq(errno, CRM_ENOTREG);
	cr_assert_eq(crm_read_file(path, &buf, &len), -1);
	cr_expect_eq(errno, CRM_ENOTREG);
	snprintf(path, sizeof(path), "%s/link", dir);
	cr_assert_eq(symlink("crm.yaml", path), 0);
	cr_assert_eq(crm_path_read(dir, "link", &buf, &len), -1);
	cr_expect_eq(errno, ELOOP);
	snprintf(path, sizeof(path), "%s/d", dir);
	cr_assert_eq(symlink(".", path), 0);
	cr_assert_eq(crm_path_read(dir, "d/crm.yaml", &buf, &len), -1);
	cr_assert_eq(crm_path_read(dir, "../x", &buf, &len), -1);
	cr_expect_eq(errno, EINVAL);
	cr_assert_eq(crm_path_read(dir, "contacts/q4/nope.yaml", &buf, &len), -1);
	cr_expect_eq(errno, ENOENT);
}

Test(guard, oversized_record_is_refused)
{
	struct crm_record *r = crm_record_new(CRM_CONTACT, IVAN, "Ivan", NOW);
	struct crm_err err = {0};
	char *big = malloc(CRM_YAML_MAX_SIZE + 1), *out = NULL;
	size_t len = 1;

	memset(big, 'a', CRM_YAML_MAX_SIZE);
	big[CRM_YAML_MAX_SIZE] = '\0';
	cr_assert_eq(crm_record_set_field(r, "notes", '=', big, NULL, "ann", NOW,
					  &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_record_serialize(r, &out, &len, &err), CRM_ERR);
	cr_expect_null(out);
	cr_expect(strstr(err.msg, "1048576") != NULL, "%s", err.msg);
	big[CRM_YAML_MAX_SIZE / 2] = '\0';
	cr_assert_eq(crm_record_set_field(r, "notes", '=', big, NULL, "ann", NOW,
					  &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_record_serialize(r, &out, &len, &err), CRM_OK, "%s",
		     err.msg);
	free(out);
	free(big);
	crm_record_free(r);
}

Test(guard, config_version)
{
	struct crm_config cfg;
	struct crm_err err = {0};
	const char *ok[] = {"version: 1\n", "users: []\n"};
	const char *bad[] = {"version: 999\n", "version: x\n", "version: 0\n",
			     "version: 1.5\n", "version: [1]\n"};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cr_expect_eq(crm_config_parse(ok[i], strlen(ok[i]), &cfg, &err),
			     CRM_OK, "%s: %s", ok[i], err.msg);
		crm_config_free(&cfg);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(crm_config_parse(bad[i], strlen(bad[i]), &cfg, &err),
			     CRM_ERR, "%s accepted", bad[i]);
	crm_config_parse(bad[0], strlen(bad[0]), &cfg, &err);
	cr_expect(strstr(err.msg, "999") != NULL, "%s", err.msg);
}

/* Empty names in crm.yaml (found by the fuzz target): a user with an
 * empty login, a pipeline with an empty name or stage are refused. */
Test(guard, config_refuses_empty_names)
{
	static const char *const bad[] = {
		"version: 1\nusers:\n- login:\n",
		"version: 1\nusers:\n- login: ''\n",
		"version: 1\npipelines:\n- name: ''\n  stages: [a]\n",
		"version: 1\npipelines:\n- name: p\n  stages: [a, '']\n",
	};
	struct crm_config cfg;
	struct crm_err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(crm_config_parse(bad[i], strlen(bad[i]), &cfg, &err),
			     CRM_ERR, "%s accepted", bad[i]);
}
