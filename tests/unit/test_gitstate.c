/*
 * test_gitstate.c - a store in the middle of a git operation: the
 * operation told from .git's files, in agreement with libgit2's
 * git_repository_state for every layout git leaves; conflict markers;
 * the conflicted files (unmerged .git/index entries, markers committed);
 * crm_store_check_writable and crm_txn_commit refusing with nothing
 * written.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <git2.h>

#include "crm.h"

#define NOW ((time_t)1772359200) /* 2026-03-01T10:00:00Z */
#define IVAN "q4r5s6t7v8"
#define IVAN_PATH "contacts/q4/q4r5s6t7v8.yaml"

static char dir[64];
static char gitdir[80];
static struct crm_store *st;

/* Runs the shell command fmt makes in the store; returns its exit code. */
static int sh(const char *fmt, ...)
{
	char cmd[2048], full[2200];
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	cr_assert(n > 0 && (size_t)n < sizeof(cmd));
	snprintf(full, sizeof(full), "cd '%s' && { %s; } >/dev/null 2>&1", dir,
		 cmd);
	rc = system(full);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Commits Ivan with the given role, as crm would. */
static void put_ivan(const char *role)
{
	struct crm_record *r = crm_record_new(CRM_CONTACT, IVAN, "Ivan Petrov",
					      NOW);
	struct crm_txn *t = crm_txn_new(st);
	struct crm_err err = {0};

	cr_assert_eq(crm_record_set_field(r, "role", '=', role,
					  crm_store_config(st), "ann", NOW,
					  &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_txn_put(t, r, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_txn_commit(t, "set role", "set", &err), CRM_OK,
		     "commit: %s", err.msg);
	crm_txn_free(t);
	crm_record_free(r);
}

static void setup(void)
{
	struct crm_err err = {0};

	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(dir, sizeof(dir), "/tmp/crm-gitstate-XXXXXX");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(gitdir, sizeof(gitdir), "%s/.git", dir);
	cr_assert_eq(crm_store_init(dir, "ann", "Ann", "ann@example.com", NOW,
				    &err), CRM_OK, "init: %s", err.msg);
	cr_assert_eq(crm_store_open(dir, &st, &err), CRM_OK, "open: %s",
		     err.msg);
	cr_assert_eq(crm_store_lock(st, 1000, &err), CRM_OK, "lock: %s",
		     err.msg);
	put_ivan("buyer");
}

static void teardown(void)
{
	char cmd[128];

	crm_store_close(st);
	st = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(gitstate, .init = setup, .fini = teardown);

/* The crm operation for a git_repository_state. */
static enum crm_gitop from_libgit2(int state)
{
	switch (state) {
	case GIT_REPOSITORY_STATE_NONE:
		return CRM_GITOP_NONE;
	case GIT_REPOSITORY_STATE_MERGE:
		return CRM_GITOP_MERGE;
	case GIT_REPOSITORY_STATE_REVERT:
	case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
		return CRM_GITOP_REVERT;
	case GIT_REPOSITORY_STATE_CHERRYPICK:
	case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
		return CRM_GITOP_CHERRY_PICK;
	case GIT_REPOSITORY_STATE_BISECT:
		return CRM_GITOP_BISECT;
	case GIT_REPOSITORY_STATE_REBASE:
	case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE:
	case GIT_REPOSITORY_STATE_REBASE_MERGE:
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE:
		return CRM_GITOP_REBASE;
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX:
		return CRM_GITOP_AM;
	default:
		return (enum crm_gitop)-1;
	}
}

/* What libgit2 says the store is in the middle of. */
static enum crm_gitop libgit2_op(void)
{
	git_repository *repo = NULL;
	struct crm_err err = {0};
	int state;

	cr_assert_eq(crm_git_init(&err), CRM_OK, "%s", err.msg);
	cr_assert_eq(git_repository_open_ext(&repo, dir,
					     GIT_REPOSITORY_OPEN_NO_SEARCH,
					     NULL), 0);
	state = git_repository_state(repo);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return from_libgit2(state);
}

/* The files git leaves for each operation, and what crm makes of them. */
static const struct {
	const char *files;     /* created under .git, "d/" a directory */
	enum crm_gitop op;
} layouts[] = {
	{"", CRM_GITOP_NONE},
	{"MERGE_HEAD", CRM_GITOP_MERGE},
	{"rebase-merge/", CRM_GITOP_REBASE},
	{"rebase-merge/ rebase-merge/interactive", CRM_GITOP_REBASE},
	{"rebase-apply/ rebase-apply/rebasing", CRM_GITOP_REBASE},
	{"rebase-apply/ rebase-apply/applying", CRM_GITOP_AM},
	{"rebase-apply/", CRM_GITOP_REBASE},
	{"REVERT_HEAD", CRM_GITOP_REVERT},
	{"REVERT_HEAD sequencer/ sequencer/todo", CRM_GITOP_REVERT},
	{"CHERRY_PICK_HEAD", CRM_GITOP_CHERRY_PICK},
	{"CHERRY_PICK_HEAD sequencer/ sequencer/todo",
	 CRM_GITOP_CHERRY_PICK},
	{"BISECT_LOG", CRM_GITOP_BISECT},
	/* several at once: the order of git_repository_state */
	{"MERGE_HEAD rebase-merge/", CRM_GITOP_REBASE},
	{"MERGE_HEAD REVERT_HEAD", CRM_GITOP_MERGE},
	{"REVERT_HEAD CHERRY_PICK_HEAD", CRM_GITOP_REVERT},
	{"CHERRY_PICK_HEAD BISECT_LOG", CRM_GITOP_CHERRY_PICK},
	/* a directory where git leaves a file counts for nothing */
	{"MERGE_HEAD/", CRM_GITOP_NONE},
	/* sequencer/ alone: a range picked and committed, not stopped */
	{"sequencer/ sequencer/todo", CRM_GITOP_NONE},
};

/* Creates the files of a layout under .git. */
static void make_layout(const char *files)
{
	char *copy = strdup(files), *save = NULL, *w, path[PATH_MAX];
	size_t len;
	FILE *f;

	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		len = strlen(w);
		snprintf(path, sizeof(path), "%s/%.*s", gitdir,
			 (int)(w[len - 1] == '/' ? len - 1 : len), w);
		if (w[len - 1] == '/') {
			cr_assert_eq(mkdir(path, 0755), 0, "mkdir %s", path);
			continue;
		}
		f = fopen(path, "w");
		cr_assert_not_null(f, "create %s", path);
		fputs("0000000000000000000000000000000000000000\n", f);
		fclose(f);
	}
	free(copy);
}

/* Removes what make_layout made. */
static void clear_layout(void)
{
	cr_assert_eq(sh("rm -rf .git/MERGE_HEAD .git/REVERT_HEAD "
			".git/CHERRY_PICK_HEAD .git/BISECT_LOG "
			".git/rebase-merge .git/rebase-apply .git/sequencer"),
		     0);
}

Test(gitstate, every_layout_agrees_with_libgit2)
{
	size_t i;

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		make_layout(layouts[i].files);
		cr_expect_eq(crm_gitop_at(gitdir), layouts[i].op,
			     "'%s': %d, want %d", layouts[i].files,
			     crm_gitop_at(gitdir), layouts[i].op);
		cr_expect_eq(crm_store_gitop(st), layouts[i].op, "'%s'",
			     layouts[i].files);
		cr_expect_eq(libgit2_op(), layouts[i].op,
			     "libgit2 disagrees on '%s'", layouts[i].files);
		clear_layout();
	}
}

Test(gitstate, names_and_hints)
{
	cr_expect_str_eq(crm_gitop_name(CRM_GITOP_NONE), "");
	cr_expect_str_eq(crm_gitop_name(CRM_GITOP_MERGE), "merge");
	cr_expect_str_eq(crm_gitop_name(CRM_GITOP_CHERRY_PICK), "cherry-pick");
	cr_expect_str_eq(crm_gitop_name(CRM_GITOP_AM), "am");
	cr_expect_str_eq(crm_gitop_describe(CRM_GITOP_NONE), "");
	cr_expect_not_null(strstr(crm_gitop_hint(CRM_GITOP_MERGE),
				  "'git merge --abort'"));
	cr_expect_not_null(strstr(crm_gitop_hint(CRM_GITOP_REBASE),
				  "'git rebase --continue'"));
	cr_expect_not_null(strstr(crm_gitop_hint(CRM_GITOP_AM),
				  "'git am --abort'"));
	cr_expect_not_null(strstr(crm_gitop_hint(CRM_GITOP_REVERT),
				  "'git revert --abort'"));
	cr_expect_not_null(strstr(crm_gitop_hint(CRM_GITOP_CHERRY_PICK),
				  "'git cherry-pick --abort'"));
	cr_expect_not_null(strstr(crm_gitop_hint(CRM_GITOP_BISECT),
				  "'git bisect reset'"));
}

/* crm_has_conflict_markers on a C string. */
static bool markers(const char *s)
{
	return crm_has_conflict_markers(s, strlen(s));
}

Test(gitstate, conflict_markers)
{
	cr_expect(markers("<<<<<<< HEAD\nrole: a\n=======\nrole: b\n"
			  ">>>>>>> 1234567\n"));
	cr_expect(markers("name: x\n<<<<<<< ours\n"));
	cr_expect(markers("name: x\n>>>>>>> theirs"), "at the very end");
	cr_expect(!markers(""));
	cr_expect(!markers("name: x\n"));
	cr_expect(!markers("notes: |\n  <<<<<<< HEAD\n"), "indented");
	cr_expect(!markers("notes: a <<<<<<< b\n"), "inside a line");
	cr_expect(!markers("<<<<<<<\n"), "no space after the marker");
	cr_expect(!markers("<<<<<< HEAD\n"), "six, not seven");
	cr_expect(!markers("=======\n"), "the separator alone");
	/* a marker past a NUL byte is still found: the length counts */
	cr_expect(crm_has_conflict_markers("a\n\0\n<<<<<<< x\n", 15));
	cr_expect(!crm_has_conflict_markers("<<<<<<< x", 7), "cut short");
}

Test(gitstate, clean_store_is_writable)
{
	struct crm_gitstate gs;
	struct crm_err err = {0};

	cr_assert_eq(crm_store_gitstate(st, &gs, &err), CRM_OK, "%s", err.msg);
	cr_expect_eq(gs.op, CRM_GITOP_NONE);
	cr_expect_eq(gs.nconflicts, 0);
	crm_gitstate_free(&gs);
	cr_expect_eq(crm_store_check_writable(st, &err), CRM_OK, "%s", err.msg);
}

/* HEAD's commit id. */
static void head(char hex[GIT_OID_HEXSZ + 1])
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/head.txt", gitdir);
	cr_assert_eq(sh("git rev-parse HEAD >.git/head.txt"), 0);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(hex, GIT_OID_HEXSZ + 1, f));
	fclose(f);
}

Test(gitstate, mid_merge_refuses_and_commits_nothing)
{
	struct crm_record *r = crm_record_new(CRM_COMPANY, "c1c2c3c4c5", "Acme",
					      NOW);
	char before[GIT_OID_HEXSZ + 1], after[GIT_OID_HEXSZ + 1];
	struct crm_err err = {0};
	struct crm_txn *t;

	head(before);
	cr_assert_eq(sh("git rev-parse HEAD >.git/MERGE_HEAD"), 0);
	cr_expect_eq(crm_store_check_writable(st, &err), CRM_ERR);
	cr_expect_not_null(strstr(err.msg, "middle of a merge"), "%s", err.msg);
	cr_expect_not_null(strstr(err.msg, "\nhint: "), "%s", err.msg);
	cr_expect_not_null(strstr(err.msg, "'git merge --abort'"), "%s",
			   err.msg);
	t = crm_txn_new(st);
	cr_assert_eq(crm_txn_put(t, r, &err), CRM_OK, "%s", err.msg);
	memset(&err, 0, sizeof(err));
	cr_expect_eq(crm_txn_commit(t, "add", "add", &err), CRM_ERR);
	cr_expect_not_null(strstr(err.msg, "'git merge --abort'"), "%s",
			   err.msg);
	crm_txn_free(t);
	crm_record_free(r);
	head(after);
	cr_expect_str_eq(after, before, "no commit was made");
	cr_expect_eq(sh("test -e companies/c1/c1c2c3c4c5.yaml"), 1,
		     "no file was written");
	cr_expect_eq(sh("git status --porcelain | grep -q ."), 1,
		     "git status is clean");
}

Test(gitstate, unmerged_index_entries_are_conflicts)
{
	struct crm_store *s2;
	struct crm_gitstate gs;
	struct crm_err err = {0};

	/* the three stages of a conflict, as git merge or stash pop leaves
	 * them, with no operation in progress */
	cr_assert_eq(sh("b=$(git rev-parse HEAD:" IVAN_PATH ") && "
			"printf '0 %%s\\t%%s\\n100644 %%s 1\\t%%s\\n"
			"100644 %%s 2\\t%%s\\n100644 %%s 3\\t%%s\\n' "
			"0000000000000000000000000000000000000000 " IVAN_PATH
			" $b " IVAN_PATH " $b " IVAN_PATH " $b " IVAN_PATH
			" | git update-index --index-info && "
			"git ls-files -u | grep -q " IVAN_PATH), 0);
	cr_assert_eq(crm_store_gitstate(st, &gs, &err), CRM_OK, "%s", err.msg);
	cr_expect_eq(gs.op, CRM_GITOP_NONE);
	cr_assert_eq(gs.nconflicts, 1);
	cr_expect_str_eq(gs.conflicts[0], IVAN_PATH);
	crm_gitstate_free(&gs);
	/* st looked for conflicted files at its first commit, and found
	 * none: a store opened now finds this one */
	cr_expect_eq(crm_store_check_writable(st, &err), CRM_OK);
	cr_assert_eq(crm_store_open(dir, &s2, &err), CRM_OK, "%s", err.msg);
	cr_expect_eq(crm_store_check_writable(s2, &err), CRM_ERR);
	cr_expect_not_null(strstr(err.msg, "'" IVAN_PATH "' holds an "
				  "unresolved conflict"), "%s", err.msg);
	crm_store_close(s2);
}

/* crm_gitindex_path_cb: counts the calls, keeps the last path. */
static void count_path(const char *path, size_t len, void *data)
{
	char *last = data;

	snprintf(last, 256, "%.*s", (int)len, path);
	last[255]++;    /* the count, in the last byte */
}

Test(gitstate, unmerged_entries_of_every_index_version)
{
	struct crm_gitstate gs;
	struct crm_err err = {0};
	char last[256] = {0};

	/* stages 2 and 3 of one path */
	cr_assert_eq(sh("b=$(git rev-parse HEAD:" IVAN_PATH ") && "
			"printf '0 %%s\t%%s\n100644 %%s 2\t%%s\n"
			"100644 %%s 3\t%%s\n' "
			"0000000000000000000000000000000000000000 " IVAN_PATH
			" $b " IVAN_PATH " $b " IVAN_PATH
			" | git update-index --index-info"), 0);
	cr_assert_eq(crm_gitindex_conflicts(gitdir, count_path, last, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_eq(last[255], 2, "once per stage");
	last[255] = 0;
	cr_expect_str_eq(last, IVAN_PATH);
	/* version 4 (prefix-compressed names) is left to libgit2 */
	cr_assert_eq(sh("git update-index --index-version 4"), 0);
	cr_expect_eq(crm_gitindex_conflicts(gitdir, count_path, last, &err),
		     CRM_EUSAGE);
	cr_assert_eq(crm_store_gitstate(st, &gs, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(gs.nconflicts, 1, "version 4, through libgit2");
	cr_expect_str_eq(gs.conflicts[0], IVAN_PATH);
	crm_gitstate_free(&gs);
	/* no index file at all: no conflicts */
	cr_assert_eq(sh("rm .git/index"), 0);
	cr_expect_eq(crm_gitindex_conflicts(gitdir, count_path, last, &err),
		     CRM_OK, "%s", err.msg);
}

Test(gitstate, committed_markers_are_conflicts)
{
	static const char text[] =
		"id: 'q4r5s6t7v8'\nname: Ivan Petrov\n<<<<<<< HEAD\n"
		"role: a\n=======\nrole: b\n>>>>>>> 1234567\n";
	static const char other[] =
		"id: 'k1k2k3k4k5'\nname: Olga\n<<<<<<< HEAD\nrole: a\n"
		"=======\nrole: b\n>>>>>>> 1234567\n";
	struct crm_store *s2;
	struct crm_gitstate gs;
	struct crm_err err = {0};
	struct crm_txn *t = crm_txn_new(st);

	crm_txn_put_raw(t, IVAN_PATH, text, sizeof(text) - 1);
	crm_txn_put_raw(t, "contacts/k1/k1k2k3k4k5.yaml", other,
			sizeof(other) - 1);
	cr_assert_eq(crm_txn_commit(t, "markers", "commit", &err), CRM_OK,
		     "%s", err.msg);
	crm_txn_free(t);
	cr_assert_eq(crm_store_open(dir, &s2, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_store_gitstate(s2, &gs, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(gs.nconflicts, 2);
	cr_expect_str_eq(gs.conflicts[0], "contacts/k1/k1k2k3k4k5.yaml",
			 "sorted");
	cr_expect_str_eq(gs.conflicts[1], IVAN_PATH);
	crm_gitstate_free(&gs);
	cr_expect_eq(crm_store_check_writable(s2, &err), CRM_ERR);
	cr_expect_not_null(strstr(err.msg, "and 1 more file hold"), "%s",
			   err.msg);
	/* the work-tree file fixed by hand: that one is no longer listed */
	cr_assert_eq(sh("git show HEAD~1:" IVAN_PATH " >" IVAN_PATH), 0);
	cr_assert_eq(crm_store_gitstate(s2, &gs, &err), CRM_OK, "%s", err.msg);
	cr_expect_eq(gs.nconflicts, 1);
	crm_gitstate_free(&gs);
	crm_store_close(s2);
}

/* The number of conflicted files crm_store_gitstate finds. */
static size_t nconflicts(void)
{
	struct crm_gitstate gs;
	struct crm_err err = {0};
	size_t n;

	cr_assert_eq(crm_store_gitstate(st, &gs, &err), CRM_OK, "%s", err.msg);
	n = gs.nconflicts;
	crm_gitstate_free(&gs);
	return n;
}

Test(gitstate, crm_yaml_markers_regular_files_only)
{
	cr_assert_eq(sh("cp crm.yaml .git/crm.yaml.orig && "
			"printf '<<<<<<< HEAD\n' >>crm.yaml"), 0);
	cr_expect_eq(nconflicts(), 1, "markers in crm.yaml");
	/* a symlink is not followed, a FIFO neither blocks nor counts */
	cr_assert_eq(sh("mv crm.yaml .git/marked && ln -s .git/marked crm.yaml"),
		     0);
	cr_expect_eq(nconflicts(), 0, "crm.yaml a symlink");
	cr_assert_eq(sh("rm crm.yaml && mkfifo crm.yaml"), 0);
	cr_expect_eq(nconflicts(), 0, "crm.yaml a FIFO");
	cr_assert_eq(sh("rm crm.yaml && mv .git/crm.yaml.orig crm.yaml"), 0);
	cr_expect_eq(nconflicts(), 0, "crm.yaml restored");
}
