/*
 * module.c - crm's modules: parts built as shared objects of their own
 * (crm-NAME.so), each the only part linked with a library that a few
 * commands need (libphonenumber, GMime, libical), so that every other
 * command starts without loading it.  The command-line layer says where
 * they lie; each is opened the first time it is needed, once, and must
 * have been built with the interface (ABI number) crm expects.
 */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "module.h"

/* Where the modules are: set once, before the first load. */
static char module_dir[PATH_MAX];
/* Counts the places set: a module that did not load from one place is
 * tried again from the next. */
static unsigned dir_generation = 1;
static pthread_mutex_t dir_lock = PTHREAD_MUTEX_INITIALIZER;

void crm_module_set_dir(const char *dir)
{
	pthread_mutex_lock(&dir_lock);
	snprintf(module_dir, sizeof(module_dir), "%s", dir ? dir : "");
	dir_generation++;
	pthread_mutex_unlock(&dir_lock);
}

/* The generation of the place set now. */
static unsigned generation(void)
{
	unsigned g;

	pthread_mutex_lock(&dir_lock);
	g = dir_generation;
	pthread_mutex_unlock(&dir_lock);
	return g;
}

void crm_module_path(const char *name, char *buf, size_t size)
{
	pthread_mutex_lock(&dir_lock);
	if (module_dir[0])
		snprintf(buf, size, "%s/crm-%s.so", module_dir, name);
	else if (size > 0)
		buf[0] = '\0';
	pthread_mutex_unlock(&dir_lock);
}

/* Opens m and checks its ABI; with m->lock held.  Sets m->err when it
 * cannot. */
static void load_locked(struct crm_module *m)
{
	char path[PATH_MAX + 32];
	int (*abi)(void);
	const char *e;
	void *h;

	m->tried = generation();
	crm_module_path(m->name, path, sizeof(path));
	if (path[0] == '\0') {
		crm_seterr(&m->err, CRM_ERR, _("cannot load %s: its place is not "
					       "known"), _(m->title));
		return;
	}
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		e = dlerror();
		crm_seterr(&m->err, CRM_ERR, _("cannot load %s '%s': %s\n"
					       "hint: crm needs it to %s; "
					       "reinstall crm"),
			   _(m->title), path, e ? e : "?", _(m->purpose));
		return;
	}
	abi = (int (*)(void))dlsym(h, m->abi_symbol);
	if (abi == NULL || abi() != m->abi) {
		crm_seterr(&m->err, CRM_ERR, _("cannot load %s '%s': not the one "
					       "of this crm\nhint: reinstall crm"),
			   _(m->title), path);
		dlclose(h);
		return;
	}
	m->handle = h;
}

int crm_module_load(struct crm_module *m, struct crm_err *err)
{
	struct crm_err why;
	bool ok;

	pthread_mutex_lock(&m->lock);
	if (m->handle == NULL && m->tried != generation())
		load_locked(m);
	ok = m->handle != NULL;
	if (!ok)
		why = m->err;
	pthread_mutex_unlock(&m->lock);
	if (!ok && err)
		*err = why;
	return ok ? CRM_OK : CRM_ERR;
}

bool crm_module_failed(struct crm_module *m)
{
	bool failed;

	pthread_mutex_lock(&m->lock);
	failed = m->tried == generation() && m->handle == NULL;
	pthread_mutex_unlock(&m->lock);
	return failed;
}

void *crm_module_sym(struct crm_module *m, const char *symbol)
{
	void *h;

	pthread_mutex_lock(&m->lock);
	h = m->handle;
	pthread_mutex_unlock(&m->lock);
	return h ? dlsym(h, symbol) : NULL;
}
