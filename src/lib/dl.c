/*
 * dl.c - libraries loaded when first needed (see libgit2.c and
 * libcrypto.c for which, and why).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "store-internal.h"

/* Loads l once; true when it is loaded. */
static bool load(struct crm_dl *l)
{
	const char *e;

	pthread_mutex_lock(&l->lock);
	if (!l->tried) {
		l->tried = true;
		l->handle = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
		if (l->handle == NULL && (e = dlerror()) != NULL)
			snprintf(l->error, sizeof(l->error), "%s", e);
	}
	pthread_mutex_unlock(&l->lock);
	return l->handle != NULL;
}

int crm_dl_load(struct crm_dl *l, struct crm_err *err)
{
	if (!load(l))
		return crm_seterr(err, CRM_ERR, _("cannot load %s: %s"),
				  l->soname, l->error);
	return CRM_OK;
}

void *crm_dl_resolve(struct crm_dl *l, void **slot, const char *name)
{
	void *f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

	if (f != NULL)
		return f;
	if (!load(l) || (f = dlsym(l->handle, name)) == NULL)
		abort();
	__atomic_store_n(slot, f, __ATOMIC_RELEASE);
	return f;
}
