/*
 * icu.c - crm-icu.so, the module that wraps ICU's transliterators
 * (icu-module.h): the only part of crm linked with ICU's i18n library,
 * loaded when names are compared across scripts (crm dupes, crm merge,
 * an import's matching).  One transliterator is opened on first use and
 * kept; a mutex serialises its use.
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "icu-module.h"

/* Russian first (BGN/PCGN: "Ромашка" is "Romashka" as people write it,
 * not ISO 9's "Romaška"), then any other script, then ASCII only. */
static const char translit_id[] =
	"Russian-Latin/BGN; Any-Latin; Latin-ASCII; Lower";

/* The most UTF-16 units of a text transliterated (a longer one fails). */
#define TEXT_MAX 1024

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static UTransliterator *trans;
static bool open_failed;

int crm_icumod_abi(void)
{
	return CRM_ICU_ABI;
}

/* The transliterator, opened on first use; NULL when ICU cannot open
 * it.  The caller holds lock. */
static UTransliterator *get_trans(void)
{
	UChar id[sizeof(translit_id)];
	UErrorCode status = U_ZERO_ERROR;
	UParseError perr;

	if (trans || open_failed)
		return trans;
	u_uastrcpy(id, translit_id);
	trans = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, &perr, &status);
	if (U_FAILURE(status)) {
		trans = NULL;
		open_failed = true;
	}
	return trans;
}

/* Transliterates text[0..*n) (capacity TEXT_MAX) in place with t. */
static bool run(UTransliterator *t, UChar *text, int32_t *n)
{
	UErrorCode status = U_ZERO_ERROR;
	int32_t limit = *n;

	utrans_transUChars(t, text, n, TEXT_MAX, 0, &limit, &status);
	return !U_FAILURE(status);
}

long crm_icumod_latin(const char *s, size_t len, char *out, size_t size)
{
	UChar text[TEXT_MAX];
	int32_t n = 0, outlen = 0;
	UErrorCode status = U_ZERO_ERROR;
	UTransliterator *t;
	bool ok;

	if (len > TEXT_MAX / 2 || size == 0)
		return -1;
	u_strFromUTF8(text, TEXT_MAX, &n, s, (int32_t)len, &status);
	if (U_FAILURE(status))
		return -1;
	pthread_mutex_lock(&lock);
	t = get_trans();
	ok = t && run(t, text, &n);
	pthread_mutex_unlock(&lock);
	if (!ok)
		return -1;
	u_strToUTF8(out, (int32_t)size, &outlen, text, n, &status);
	if (U_FAILURE(status) || status == U_STRING_NOT_TERMINATED_WARNING ||
	    (size_t)outlen >= size)
		return -1;
	return outlen;
}
