/*
 * libgit2.c - libgit2, loaded when first needed.  Most reads are answered
 * by the index without touching a git object, yet loading libgit2 and the
 * libraries it needs (TLS, SSH, Kerberos, HTTP) took 2.3 ms of every
 * command, a quarter of a search in 100k records.  So crm is not linked
 * with libgit2: each libgit2 function crm calls is defined here with
 * libgit2's own prototype (from git2.h, which the compiler checks it
 * against), and calls the real one, looked up with dlsym the first time.
 * A function crm starts to use needs its definition here, or the program
 * does not link.
 */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include <git2/sys/odb_backend.h>

#include "store-internal.h"

/* libgit2's soname, as the build found it (e.g. "libgit2.so.1.5"). */
#ifndef CRM_LIBGIT2
#define CRM_LIBGIT2 "libgit2.so"
#endif

static struct crm_dl libgit2 = {CRM_LIBGIT2, PTHREAD_MUTEX_INITIALIZER};

int crm_git_load(struct crm_err *err)
{
	return crm_dl_load(&libgit2, err);
}

int crm_git_init(struct crm_err *err)
{
	int rc = crm_git_load(err);

	if (rc == CRM_OK)
		git_libgit2_init();
	return rc;
}

char *crm_git_config(const char *key)
{
	return crm_git_config_at(NULL, key);
}

char *crm_git_config_at(const char *gitdir, const char *key)
{
	git_config *cfg = NULL;
	git_buf b = {0};
	char path[4096];
	char *v = NULL;

	if (crm_git_init(NULL) != CRM_OK)
		return NULL;
	if (git_config_open_default(&cfg) == 0 && gitdir != NULL &&
	    snprintf(path, sizeof(path), "%s/config", gitdir) <
	    (int)sizeof(path) && access(path, R_OK) == 0)
		git_config_add_file_ondisk(cfg, path, GIT_CONFIG_LEVEL_LOCAL,
					   NULL, 0);
	if (cfg != NULL &&
	    git_config_get_string_buf(&b, cfg, key) == 0 && b.ptr[0])
		v = crm_xstrdup(b.ptr);
	git_buf_dispose(&b);
	git_config_free(cfg);
	git_libgit2_shutdown();
	return v;
}

/* The function name of libgit2 (crm_dl_resolve). */
static void *resolve(void **slot, const char *name)
{
	return crm_dl_resolve(&libgit2, slot, name);
}

/* The options crm sets take an int, a size_t, or an object type and a
 * size_t. */
int git_libgit2_opts(int option, ...)
{
	static void *fn;
	__typeof__(git_libgit2_opts) *f = resolve(&fn, "git_libgit2_opts");
	va_list ap;
	int rc;

	va_start(ap, option);
	switch (option) {
	case GIT_OPT_SET_MWINDOW_SIZE:
	case GIT_OPT_SET_MWINDOW_MAPPED_LIMIT:
		rc = f(option, va_arg(ap, size_t));
		break;
	case GIT_OPT_SET_CACHE_OBJECT_LIMIT: {
		int type = va_arg(ap, int);

		rc = f(option, type, va_arg(ap, size_t));
		break;
	}
	default:
		rc = f(option, va_arg(ap, int));
		break;
	}
	va_end(ap);
	return rc;
}

int git_blob_create_from_buffer(git_oid *id, git_repository *repo,
	const void *buffer, size_t len)
{
	static void *fn;
	__typeof__(git_blob_create_from_buffer) *f =
		resolve(&fn, "git_blob_create_from_buffer");

	return f(id, repo, buffer, len);
}

void git_blob_free(git_blob *blob)
{
	static void *fn;
	__typeof__(git_blob_free) *f = resolve(&fn, "git_blob_free");

	f(blob);
}

int git_blob_lookup(git_blob **blob, git_repository *repo, const git_oid *id)
{
	static void *fn;
	__typeof__(git_blob_lookup) *f = resolve(&fn, "git_blob_lookup");

	return f(blob, repo, id);
}

const void *git_blob_rawcontent(const git_blob *blob)
{
	static void *fn;
	__typeof__(git_blob_rawcontent) *f =
		resolve(&fn, "git_blob_rawcontent");

	return f(blob);
}

git_object_size_t git_blob_rawsize(const git_blob *blob)
{
	static void *fn;
	__typeof__(git_blob_rawsize) *f = resolve(&fn, "git_blob_rawsize");

	return f(blob);
}

void git_buf_dispose(git_buf *buffer)
{
	static void *fn;
	__typeof__(git_buf_dispose) *f = resolve(&fn, "git_buf_dispose");

	f(buffer);
}

const git_signature *git_commit_author(const git_commit *commit)
{
	static void *fn;
	__typeof__(git_commit_author) *f = resolve(&fn, "git_commit_author");

	return f(commit);
}

int git_commit_create(git_oid *id, git_repository *repo, const char *update_ref,
	const git_signature *author, const git_signature *committer,
	const char *message_encoding, const char *message, const git_tree *tree,
	size_t parent_count, const git_commit *parents[])
{
	static void *fn;
	__typeof__(git_commit_create) *f = resolve(&fn, "git_commit_create");

	return f(id, repo, update_ref, author, committer, message_encoding,
		message, tree, parent_count, parents);
}

void git_commit_free(git_commit *commit)
{
	static void *fn;
	__typeof__(git_commit_free) *f = resolve(&fn, "git_commit_free");

	f(commit);
}

const git_oid *git_commit_id(const git_commit *commit)
{
	static void *fn;
	__typeof__(git_commit_id) *f = resolve(&fn, "git_commit_id");

	return f(commit);
}

int git_commit_lookup(git_commit **commit, git_repository *repo,
	const git_oid *id)
{
	static void *fn;
	__typeof__(git_commit_lookup) *f = resolve(&fn, "git_commit_lookup");

	return f(commit, repo, id);
}

const char *git_commit_message(const git_commit *commit)
{
	static void *fn;
	__typeof__(git_commit_message) *f = resolve(&fn, "git_commit_message");

	return f(commit);
}

int git_commit_parent(git_commit **out, const git_commit *commit,
	unsigned int n)
{
	static void *fn;
	__typeof__(git_commit_parent) *f = resolve(&fn, "git_commit_parent");

	return f(out, commit, n);
}

unsigned int git_commit_parentcount(const git_commit *commit)
{
	static void *fn;
	__typeof__(git_commit_parentcount) *f =
		resolve(&fn, "git_commit_parentcount");

	return f(commit);
}

const char *git_commit_summary(git_commit *commit)
{
	static void *fn;
	__typeof__(git_commit_summary) *f = resolve(&fn, "git_commit_summary");

	return f(commit);
}

int git_commit_tree(git_tree **tree_out, const git_commit *commit)
{
	static void *fn;
	__typeof__(git_commit_tree) *f = resolve(&fn, "git_commit_tree");

	return f(tree_out, commit);
}

void git_config_free(git_config *cfg)
{
	static void *fn;
	__typeof__(git_config_free) *f = resolve(&fn, "git_config_free");

	f(cfg);
}

int git_config_get_string_buf(git_buf *out, const git_config *cfg,
	const char *name)
{
	static void *fn;
	__typeof__(git_config_get_string_buf) *f =
		resolve(&fn, "git_config_get_string_buf");

	return f(out, cfg, name);
}

int git_config_add_file_ondisk(git_config *cfg, const char *path,
			       git_config_level_t level,
			       const git_repository *repo, int force)
{
	static void *fn;
	__typeof__(git_config_add_file_ondisk) *f =
		resolve(&fn, "git_config_add_file_ondisk");

	return f(cfg, path, level, repo, force);
}

int git_config_open_default(git_config **out)
{
	static void *fn;
	__typeof__(git_config_open_default) *f =
		resolve(&fn, "git_config_open_default");

	return f(out);
}

void git_diff_free(git_diff *diff)
{
	static void *fn;
	__typeof__(git_diff_free) *f = resolve(&fn, "git_diff_free");

	f(diff);
}

const git_diff_delta *git_diff_get_delta(const git_diff *diff, size_t idx)
{
	static void *fn;
	__typeof__(git_diff_get_delta) *f = resolve(&fn, "git_diff_get_delta");

	return f(diff, idx);
}

size_t git_diff_num_deltas(const git_diff *diff)
{
	static void *fn;
	__typeof__(git_diff_num_deltas) *f =
		resolve(&fn, "git_diff_num_deltas");

	return f(diff);
}

int git_diff_tree_to_tree(git_diff **diff, git_repository *repo,
	git_tree *old_tree, git_tree *new_tree, const git_diff_options *opts)
{
	static void *fn;
	__typeof__(git_diff_tree_to_tree) *f =
		resolve(&fn, "git_diff_tree_to_tree");

	return f(diff, repo, old_tree, new_tree, opts);
}

int git_diff_tree_to_workdir_with_index(git_diff **diff, git_repository *repo,
	git_tree *old_tree, const git_diff_options *opts)
{
	static void *fn;
	__typeof__(git_diff_tree_to_workdir_with_index) *f =
		resolve(&fn, "git_diff_tree_to_workdir_with_index");

	return f(diff, repo, old_tree, opts);
}

const git_error *git_error_last(void)
{
	static void *fn;
	__typeof__(git_error_last) *f = resolve(&fn, "git_error_last");

	return f();
}

int git_index_add_bypath(git_index *index, const char *path)
{
	static void *fn;
	__typeof__(git_index_add_bypath) *f =
		resolve(&fn, "git_index_add_bypath");

	return f(index, path);
}

int git_index_conflict_iterator_new(git_index_conflict_iterator **it,
	git_index *index)
{
	static void *fn;
	__typeof__(git_index_conflict_iterator_new) *f =
		resolve(&fn, "git_index_conflict_iterator_new");

	return f(it, index);
}

int git_index_conflict_next(const git_index_entry **ancestor,
	const git_index_entry **ours, const git_index_entry **theirs,
	git_index_conflict_iterator *it)
{
	static void *fn;
	__typeof__(git_index_conflict_next) *f =
		resolve(&fn, "git_index_conflict_next");

	return f(ancestor, ours, theirs, it);
}

void git_index_conflict_iterator_free(git_index_conflict_iterator *it)
{
	static void *fn;
	__typeof__(git_index_conflict_iterator_free) *f =
		resolve(&fn, "git_index_conflict_iterator_free");

	f(it);
}

void git_index_free(git_index *index)
{
	static void *fn;
	__typeof__(git_index_free) *f = resolve(&fn, "git_index_free");

	f(index);
}

int git_index_open(git_index **index, const char *index_path)
{
	static void *fn;
	__typeof__(git_index_open) *f = resolve(&fn, "git_index_open");

	return f(index, index_path);
}

int git_index_read(git_index *index, int force)
{
	static void *fn;
	__typeof__(git_index_read) *f = resolve(&fn, "git_index_read");

	return f(index, force);
}

int git_index_remove_bypath(git_index *index, const char *path)
{
	static void *fn;
	__typeof__(git_index_remove_bypath) *f =
		resolve(&fn, "git_index_remove_bypath");

	return f(index, path);
}

int git_index_write(git_index *index)
{
	static void *fn;
	__typeof__(git_index_write) *f = resolve(&fn, "git_index_write");

	return f(index);
}

int git_libgit2_init(void)
{
	static void *fn;
	__typeof__(git_libgit2_init) *f = resolve(&fn, "git_libgit2_init");

	return f();
}

int git_libgit2_shutdown(void)
{
	static void *fn;
	__typeof__(git_libgit2_shutdown) *f =
		resolve(&fn, "git_libgit2_shutdown");

	return f();
}

void git_odb_free(git_odb *db)
{
	static void *fn;
	__typeof__(git_odb_free) *f = resolve(&fn, "git_odb_free");

	f(db);
}

void *git_odb_backend_data_alloc(git_odb_backend *backend, size_t len)
{
	static void *fn;
	__typeof__(git_odb_backend_data_alloc) *f =
		resolve(&fn, "git_odb_backend_data_alloc");

	return f(backend, len);
}

int git_odb_exists_ext(git_odb *db, const git_oid *id, unsigned int flags)
{
	static void *fn;
	__typeof__(git_odb_exists_ext) *f = resolve(&fn, "git_odb_exists_ext");

	return f(db, id, flags);
}

int git_odb_hash(git_oid *out, const void *data, size_t len,
		 git_object_t type)
{
	static void *fn;
	__typeof__(git_odb_hash) *f = resolve(&fn, "git_odb_hash");

	return f(out, data, len, type);
}

int git_odb_hashfile(git_oid *out, const char *path, git_object_t type)
{
	static void *fn;
	__typeof__(git_odb_hashfile) *f = resolve(&fn, "git_odb_hashfile");

	return f(out, path, type);
}

int git_odb_new(git_odb **out)
{
	static void *fn;
	__typeof__(git_odb_new) *f = resolve(&fn, "git_odb_new");

	return f(out);
}

void git_odb_object_free(git_odb_object *object)
{
	static void *fn;
	__typeof__(git_odb_object_free) *f =
		resolve(&fn, "git_odb_object_free");

	f(object);
}

const void *git_odb_object_data(git_odb_object *object)
{
	static void *fn;
	__typeof__(git_odb_object_data) *f =
		resolve(&fn, "git_odb_object_data");

	return f(object);
}

size_t git_odb_object_size(git_odb_object *object)
{
	static void *fn;
	__typeof__(git_odb_object_size) *f =
		resolve(&fn, "git_odb_object_size");

	return f(object);
}

git_object_t git_odb_object_type(git_odb_object *object)
{
	static void *fn;
	__typeof__(git_odb_object_type) *f =
		resolve(&fn, "git_odb_object_type");

	return f(object);
}

int git_odb_read(git_odb_object **out, git_odb *db, const git_oid *id)
{
	static void *fn;
	__typeof__(git_odb_read) *f = resolve(&fn, "git_odb_read");

	return f(out, db, id);
}

int git_odb_read_header(size_t *len_out, git_object_t *type_out, git_odb *db,
	const git_oid *id)
{
	static void *fn;
	__typeof__(git_odb_read_header) *f =
		resolve(&fn, "git_odb_read_header");

	return f(len_out, type_out, db, id);
}

int git_odb_refresh(struct git_odb *db)
{
	static void *fn;
	__typeof__(git_odb_refresh) *f = resolve(&fn, "git_odb_refresh");

	return f(db);
}

int git_oid_cpy(git_oid *out, const git_oid *src)
{
	static void *fn;
	__typeof__(git_oid_cpy) *f = resolve(&fn, "git_oid_cpy");

	return f(out, src);
}

int git_oid_equal(const git_oid *a, const git_oid *b)
{
	static void *fn;
	__typeof__(git_oid_equal) *f = resolve(&fn, "git_oid_equal");

	return f(a, b);
}

int git_oid_fromstr(git_oid *out, const char *str)
{
	static void *fn;
	__typeof__(git_oid_fromstr) *f = resolve(&fn, "git_oid_fromstr");

	return f(out, str);
}

int git_oid_is_zero(const git_oid *id)
{
	static void *fn;
	__typeof__(git_oid_is_zero) *f = resolve(&fn, "git_oid_is_zero");

	return f(id);
}

char *git_oid_tostr(char *out, size_t n, const git_oid *id)
{
	static void *fn;
	__typeof__(git_oid_tostr) *f = resolve(&fn, "git_oid_tostr");

	return f(out, n, id);
}

void git_packbuilder_free(git_packbuilder *pb)
{
	static void *fn;
	__typeof__(git_packbuilder_free) *f =
		resolve(&fn, "git_packbuilder_free");

	f(pb);
}

int git_packbuilder_insert(git_packbuilder *pb, const git_oid *id,
	const char *name)
{
	static void *fn;
	__typeof__(git_packbuilder_insert) *f =
		resolve(&fn, "git_packbuilder_insert");

	return f(pb, id, name);
}

int git_packbuilder_new(git_packbuilder **out, git_repository *repo)
{
	static void *fn;
	__typeof__(git_packbuilder_new) *f =
		resolve(&fn, "git_packbuilder_new");

	return f(out, repo);
}

unsigned int git_packbuilder_set_threads(git_packbuilder *pb, unsigned int n)
{
	static void *fn;
	__typeof__(git_packbuilder_set_threads) *f =
		resolve(&fn, "git_packbuilder_set_threads");

	return f(pb, n);
}

int git_packbuilder_write(git_packbuilder *pb, const char *path,
	unsigned int mode, git_indexer_progress_cb progress_cb,
	void *progress_cb_payload)
{
	static void *fn;
	__typeof__(git_packbuilder_write) *f =
		resolve(&fn, "git_packbuilder_write");

	return f(pb, path, mode, progress_cb, progress_cb_payload);
}

int git_reference_create(git_reference **out, git_repository *repo,
	const char *name, const git_oid *id, int force, const char *log_message)
{
	static void *fn;
	__typeof__(git_reference_create) *f =
		resolve(&fn, "git_reference_create");

	return f(out, repo, name, id, force, log_message);
}

int git_reference_create_matching(git_reference **out, git_repository *repo,
	const char *name, const git_oid *id, int force,
	const git_oid *current_id, const char *log_message)
{
	static void *fn;
	__typeof__(git_reference_create_matching) *f =
		resolve(&fn, "git_reference_create_matching");

	return f(out, repo, name, id, force, current_id, log_message);
}

void git_reference_free(git_reference *ref)
{
	static void *fn;
	__typeof__(git_reference_free) *f = resolve(&fn, "git_reference_free");

	f(ref);
}

int git_reference_lookup(git_reference **out, git_repository *repo,
	const char *name)
{
	static void *fn;
	__typeof__(git_reference_lookup) *f =
		resolve(&fn, "git_reference_lookup");

	return f(out, repo, name);
}

int git_reference_name_to_id(git_oid *out, git_repository *repo,
	const char *name)
{
	static void *fn;
	__typeof__(git_reference_name_to_id) *f =
		resolve(&fn, "git_reference_name_to_id");

	return f(out, repo, name);
}

const char *git_reference_symbolic_target(const git_reference *ref)
{
	static void *fn;
	__typeof__(git_reference_symbolic_target) *f =
		resolve(&fn, "git_reference_symbolic_target");

	return f(ref);
}

git_reference_t git_reference_type(const git_reference *ref)
{
	static void *fn;
	__typeof__(git_reference_type) *f = resolve(&fn, "git_reference_type");

	return f(ref);
}

void git_repository_free(git_repository *repo)
{
	static void *fn;
	__typeof__(git_repository_free) *f =
		resolve(&fn, "git_repository_free");

	f(repo);
}

int git_repository_index(git_index **out, git_repository *repo)
{
	static void *fn;
	__typeof__(git_repository_index) *f =
		resolve(&fn, "git_repository_index");

	return f(out, repo);
}

int git_repository_set_index(git_repository *repo, git_index *index)
{
	static void *fn;
	__typeof__(git_repository_set_index) *f =
		resolve(&fn, "git_repository_set_index");

	return f(repo, index);
}

int git_repository_init_ext(git_repository **out, const char *repo_path,
	git_repository_init_options *opts)
{
	static void *fn;
	__typeof__(git_repository_init_ext) *f =
		resolve(&fn, "git_repository_init_ext");

	return f(out, repo_path, opts);
}

int git_repository_odb(git_odb **out, git_repository *repo)
{
	static void *fn;
	__typeof__(git_repository_odb) *f = resolve(&fn, "git_repository_odb");

	return f(out, repo);
}

int git_repository_wrap_odb(git_repository **out, git_odb *odb)
{
	static void *fn;
	__typeof__(git_repository_wrap_odb) *f =
		resolve(&fn, "git_repository_wrap_odb");

	return f(out, odb);
}

int git_repository_open_bare(git_repository **out, const char *bare_path)
{
	static void *fn;
	__typeof__(git_repository_open_bare) *f =
		resolve(&fn, "git_repository_open_bare");

	return f(out, bare_path);
}

int git_repository_open_ext(git_repository **out, const char *path,
	unsigned int flags, const char *ceiling_dirs)
{
	static void *fn;
	__typeof__(git_repository_open_ext) *f =
		resolve(&fn, "git_repository_open_ext");

	return f(out, path, flags, ceiling_dirs);
}

int git_repository_state(git_repository *repo)
{
	static void *fn;
	__typeof__(git_repository_state) *f =
		resolve(&fn, "git_repository_state");

	return f(repo);
}

void git_revwalk_free(git_revwalk *walk)
{
	static void *fn;
	__typeof__(git_revwalk_free) *f = resolve(&fn, "git_revwalk_free");

	f(walk);
}

int git_revwalk_new(git_revwalk **out, git_repository *repo)
{
	static void *fn;
	__typeof__(git_revwalk_new) *f = resolve(&fn, "git_revwalk_new");

	return f(out, repo);
}

int git_revwalk_next(git_oid *out, git_revwalk *walk)
{
	static void *fn;
	__typeof__(git_revwalk_next) *f = resolve(&fn, "git_revwalk_next");

	return f(out, walk);
}

int git_revwalk_push_head(git_revwalk *walk)
{
	static void *fn;
	__typeof__(git_revwalk_push_head) *f =
		resolve(&fn, "git_revwalk_push_head");

	return f(walk);
}

int git_revwalk_simplify_first_parent(git_revwalk *walk)
{
	static void *fn;
	__typeof__(git_revwalk_simplify_first_parent) *f =
		resolve(&fn, "git_revwalk_simplify_first_parent");

	return f(walk);
}

int git_revwalk_hide(git_revwalk *walk, const git_oid *commit_id)
{
	static void *fn;
	__typeof__(git_revwalk_hide) *f = resolve(&fn, "git_revwalk_hide");

	return f(walk, commit_id);
}

int git_revwalk_sorting(git_revwalk *walk, unsigned int sort_mode)
{
	static void *fn;
	__typeof__(git_revwalk_sorting) *f =
		resolve(&fn, "git_revwalk_sorting");

	return f(walk, sort_mode);
}

void git_signature_free(git_signature *sig)
{
	static void *fn;
	__typeof__(git_signature_free) *f = resolve(&fn, "git_signature_free");

	f(sig);
}

int git_signature_now(git_signature **out, const char *name, const char *email)
{
	static void *fn;
	__typeof__(git_signature_now) *f = resolve(&fn, "git_signature_now");

	return f(out, name, email);
}

int git_tree_create_updated(git_oid *out, git_repository *repo,
	git_tree *baseline, size_t nupdates, const git_tree_update *updates)
{
	static void *fn;
	__typeof__(git_tree_create_updated) *f =
		resolve(&fn, "git_tree_create_updated");

	return f(out, repo, baseline, nupdates, updates);
}

const git_tree_entry *git_tree_entry_byindex(const git_tree *tree, size_t idx)
{
	static void *fn;
	__typeof__(git_tree_entry_byindex) *f =
		resolve(&fn, "git_tree_entry_byindex");

	return f(tree, idx);
}

const git_tree_entry *git_tree_entry_byname(const git_tree *tree,
	const char *filename)
{
	static void *fn;
	__typeof__(git_tree_entry_byname) *f =
		resolve(&fn, "git_tree_entry_byname");

	return f(tree, filename);
}

int git_tree_entry_bypath(git_tree_entry **out, const git_tree *root,
	const char *path)
{
	static void *fn;
	__typeof__(git_tree_entry_bypath) *f =
		resolve(&fn, "git_tree_entry_bypath");

	return f(out, root, path);
}

void git_tree_entry_free(git_tree_entry *entry)
{
	static void *fn;
	__typeof__(git_tree_entry_free) *f =
		resolve(&fn, "git_tree_entry_free");

	f(entry);
}

const git_oid *git_tree_entry_id(const git_tree_entry *entry)
{
	static void *fn;
	__typeof__(git_tree_entry_id) *f = resolve(&fn, "git_tree_entry_id");

	return f(entry);
}

const char *git_tree_entry_name(const git_tree_entry *entry)
{
	static void *fn;
	__typeof__(git_tree_entry_name) *f =
		resolve(&fn, "git_tree_entry_name");

	return f(entry);
}

git_object_t git_tree_entry_type(const git_tree_entry *entry)
{
	static void *fn;
	__typeof__(git_tree_entry_type) *f =
		resolve(&fn, "git_tree_entry_type");

	return f(entry);
}

size_t git_tree_entrycount(const git_tree *tree)
{
	static void *fn;
	__typeof__(git_tree_entrycount) *f =
		resolve(&fn, "git_tree_entrycount");

	return f(tree);
}

const git_oid *git_tree_id(const git_tree *tree)
{
	static void *fn;
	__typeof__(git_tree_id) *f = resolve(&fn, "git_tree_id");

	return f(tree);
}

void git_tree_free(git_tree *tree)
{
	static void *fn;
	__typeof__(git_tree_free) *f = resolve(&fn, "git_tree_free");

	f(tree);
}

int git_tree_lookup(git_tree **out, git_repository *repo, const git_oid *id)
{
	static void *fn;
	__typeof__(git_tree_lookup) *f = resolve(&fn, "git_tree_lookup");

	return f(out, repo, id);
}

void git_treebuilder_free(git_treebuilder *bld)
{
	static void *fn;
	__typeof__(git_treebuilder_free) *f =
		resolve(&fn, "git_treebuilder_free");

	f(bld);
}

int git_treebuilder_new(git_treebuilder **out, git_repository *repo,
	const git_tree *source)
{
	static void *fn;
	__typeof__(git_treebuilder_new) *f =
		resolve(&fn, "git_treebuilder_new");

	return f(out, repo, source);
}

int git_treebuilder_write(git_oid *id, git_treebuilder *bld)
{
	static void *fn;
	__typeof__(git_treebuilder_write) *f =
		resolve(&fn, "git_treebuilder_write");

	return f(id, bld);
}

/* ---- writing many objects as one pack (commit.c) ---- */

int git_mempack_new(git_odb_backend **out)
{
	static void *fn;
	__typeof__(git_mempack_new) *f = resolve(&fn, "git_mempack_new");

	return f(out);
}

int git_mempack_reset(git_odb_backend *backend)
{
	static void *fn;
	__typeof__(git_mempack_reset) *f = resolve(&fn, "git_mempack_reset");

	return f(backend);
}

int git_odb_add_backend(git_odb *odb, git_odb_backend *backend, int priority)
{
	static void *fn;
	__typeof__(git_odb_add_backend) *f =
		resolve(&fn, "git_odb_add_backend");

	return f(odb, backend, priority);
}

