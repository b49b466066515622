/*
 * libcrypto.c - OpenSSL's libcrypto, loaded when first needed: crm uses
 * it only for the SHA-1 of .git/index when a command commits, and loading
 * it took 0.7 ms of every command.  As in libgit2.c, each function crm
 * calls is defined here with its own prototype and calls the real one.
 */
#include <openssl/evp.h>

#include "store-internal.h"

/* libcrypto's soname, as the build found it (e.g. "libcrypto.so.3"). */
#ifndef CRM_LIBCRYPTO
#define CRM_LIBCRYPTO "libcrypto.so"
#endif

static struct crm_dl libcrypto = {CRM_LIBCRYPTO, PTHREAD_MUTEX_INITIALIZER};

int crm_crypto_load(struct crm_err *err)
{
	return crm_dl_load(&libcrypto, err);
}

/* The function name of libcrypto (crm_dl_resolve). */
static void *resolve(void **slot, const char *name)
{
	return crm_dl_resolve(&libcrypto, slot, name);
}

EVP_MD_CTX *EVP_MD_CTX_new(void)
{
	static void *fn;
	__typeof__(EVP_MD_CTX_new) *f = resolve(&fn, "EVP_MD_CTX_new");

	return f();
}

void EVP_MD_CTX_free(EVP_MD_CTX *ctx)
{
	static void *fn;
	__typeof__(EVP_MD_CTX_free) *f = resolve(&fn, "EVP_MD_CTX_free");

	f(ctx);
}

const EVP_MD *EVP_sha1(void)
{
	static void *fn;
	__typeof__(EVP_sha1) *f = resolve(&fn, "EVP_sha1");

	return f();
}

int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl)
{
	static void *fn;
	__typeof__(EVP_DigestInit_ex) *f = resolve(&fn, "EVP_DigestInit_ex");

	return f(ctx, type, impl);
}

int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt)
{
	static void *fn;
	__typeof__(EVP_DigestUpdate) *f = resolve(&fn, "EVP_DigestUpdate");

	return f(ctx, d, cnt);
}

int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s)
{
	static void *fn;
	__typeof__(EVP_DigestFinal_ex) *f = resolve(&fn, "EVP_DigestFinal_ex");

	return f(ctx, md, s);
}

int EVP_Digest(const void *data, size_t count, unsigned char *md,
	       unsigned int *size, const EVP_MD *type, ENGINE *impl)
{
	static void *fn;
	__typeof__(EVP_Digest) *f = resolve(&fn, "EVP_Digest");

	return f(data, count, md, size, type, impl);
}
