/*
 * libz.c - zlib, loaded when first needed: crm compresses objects itself
 * only when a bulk change writes its pack (pack.c), and every other
 * command would pay for loading it.  (libgit2, loaded by then, has
 * mapped zlib already: loading it again costs nothing.)  As in
 * libgit2.c, each function crm calls is defined here with zlib's own
 * prototype and calls the real one.
 */
#include <zlib.h>

#include "store-internal.h"

/* zlib's soname, as the build found it (e.g. "libz.so.1"). */
#ifndef CRM_LIBZ
#define CRM_LIBZ "libz.so"
#endif

static struct crm_dl libz = {CRM_LIBZ, PTHREAD_MUTEX_INITIALIZER};

int crm_zlib_load(struct crm_err *err)
{
	return crm_dl_load(&libz, err);
}

/* The function name of zlib (crm_dl_resolve). */
static void *resolve(void **slot, const char *name)
{
	return crm_dl_resolve(&libz, slot, name);
}

uLong compressBound(uLong sourceLen)
{
	static void *fn;
	__typeof__(compressBound) *f = resolve(&fn, "compressBound");

	return f(sourceLen);
}

int compress2(Bytef *dest, uLongf *destLen, const Bytef *source,
	      uLong sourceLen, int level)
{
	static void *fn;
	__typeof__(compress2) *f = resolve(&fn, "compress2");

	return f(dest, destLen, source, sourceLen, level);
}
