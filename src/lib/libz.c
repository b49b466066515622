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

uLong deflateBound(z_streamp strm, uLong sourceLen)
{
	static void *fn;
	__typeof__(deflateBound) *f = resolve(&fn, "deflateBound");

	return f(strm, sourceLen);
}

int deflateInit_(z_streamp strm, int level, const char *version,
		 int stream_size)
{
	static void *fn;
	__typeof__(deflateInit_) *f = resolve(&fn, "deflateInit_");

	return f(strm, level, version, stream_size);
}

int deflate(z_streamp strm, int flush)
{
	static void *fn;
	__typeof__(deflate) *f = resolve(&fn, "deflate");

	return f(strm, flush);
}

int deflateReset(z_streamp strm)
{
	static void *fn;
	__typeof__(deflateReset) *f = resolve(&fn, "deflateReset");

	return f(strm);
}

int deflateEnd(z_streamp strm)
{
	static void *fn;
	__typeof__(deflateEnd) *f = resolve(&fn, "deflateEnd");

	return f(strm);
}

uLong crc32(uLong crc, const Bytef *buf, uInt len)
{
	static void *fn;
	__typeof__(crc32) *f = resolve(&fn, "crc32");

	return f(crc, buf, len);
}
