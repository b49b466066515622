/*
 * fold.c - text folding for case-insensitive search, phone digits, and
 * PCRE2 regular expressions bounded so that no pattern can hang a search.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <locale.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "crm.h"

#define REGEX_MAX_LEN 1000          /* bytes in one pattern */
#define REGEX_MATCH_LIMIT 1000000   /* backtracking steps per match */
#define REGEX_DEPTH_LIMIT 10000     /* nested backtracking points */
#define REGEX_HEAP_LIMIT 16384      /* KiB of heap per match */
#define REGEX_JIT_STACK_MIN (32 * 1024)
#define REGEX_JIT_STACK_MAX (1024 * 1024)

struct crm_regex {
	pcre2_code *code;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit_stack;   /* NULL without JIT */
	pcre2_match_data *md;         /* reused by each match */
};

static pthread_once_t fold_once = PTHREAD_ONCE_INIT;
static locale_t fold_locale;        /* (locale_t)0 when C.UTF-8 is missing */

/* Creates the locale whose case mappings folding uses, once. */
static void fold_init(void)
{
	fold_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}


/* Appends code point cp to b as UTF-8. */
static void utf8_encode(struct crm_buf *b, uint32_t cp)
{
	char u[4];

	if (cp < 0x80) {
		crm_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		crm_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		crm_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		crm_buf_add(b, u, 4);
	}
}

/*
 * The folded form of one code point: i for every I/İ/ı, е for Ё/ё, else
 * its simple lowercase (ASCII only when C.UTF-8 is unavailable).  A
 * mapping that would give an invalid code point leaves cp alone.
 */
static uint32_t fold_cp(uint32_t cp)
{
	wint_t lc;

	if (cp == 'I' || cp == 0x130 || cp == 0x131)
		return 'i';
	if (cp == 0x401 || cp == 0x451)
		return 0x435;
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp;
	if (fold_locale == (locale_t)0)
		return cp;
	lc = towlower_l((wint_t)cp, fold_locale);
	if (lc == 0 || lc > 0x10ffff || (lc >= 0xd800 && lc <= 0xdfff))
		return cp;
	return (uint32_t)lc;
}

char *crm_fold(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	struct crm_buf b = {0};
	uint32_t cp;

	pthread_once(&fold_once, fold_init);
	while (n > 0) {
		len = crm_utf8_decode((const char *)p, n, &cp);
		if (len == 0) {
			crm_buf_addc(&b, (char)*p);
			len = 1;
		} else {
			utf8_encode(&b, fold_cp(cp));
		}
		p += len;
		n -= len;
	}
	return crm_buf_detach(&b);
}

/* True for the characters a phone number may hold besides digits. */
static bool phone_punct(char c)
{
	return c == ' ' || c == '+' || c == '(' || c == ')' || c == '-' ||
	       c == '.' || c == '/';
}

char *crm_phone_digits(const char *s)
{
	struct crm_buf b = {0};
	const char *p;

	for (p = s; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9') {
			crm_buf_addc(&b, *p);
		} else if (!phone_punct(*p)) {
			crm_buf_free(&b);
			return NULL;
		}
	}
	if (b.len < 3) {
		crm_buf_free(&b);
		return NULL;
	}
	return crm_buf_detach(&b);
}

/* The number of code points in s[0..off), counting invalid bytes as one. */
static size_t utf8_chars(const char *s, size_t off)
{
	size_t i, n = 0;

	for (i = 0; i < off && s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Sets err to PCRE2's message for code at the column of byte offset off. */
static int regex_error(const char *pattern, int code, size_t off,
		       struct crm_err *err)
{
	PCRE2_UCHAR msg[256];

	if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
		memcpy(msg, "unknown error", sizeof("unknown error"));
	return crm_seterr(err, CRM_EUSAGE,
			  _("regular expression: column %zu: %s"),
			  utf8_chars(pattern, off) + 1, (const char *)msg);
}

/*
 * Sets up re's match context: the limits, and a JIT stack when the
 * pattern was JIT-compiled.  False when memory ran out.
 */
static bool regex_setup_match(struct crm_regex *re, bool jit)
{
	re->mctx = pcre2_match_context_create(NULL);
	if (re->mctx == NULL)
		return false;
	pcre2_set_match_limit(re->mctx, REGEX_MATCH_LIMIT);
	pcre2_set_depth_limit(re->mctx, REGEX_DEPTH_LIMIT);
	pcre2_set_heap_limit(re->mctx, REGEX_HEAP_LIMIT);
	if (jit) {
		re->jit_stack = pcre2_jit_stack_create(REGEX_JIT_STACK_MIN,
						       REGEX_JIT_STACK_MAX,
						       NULL);
		if (re->jit_stack != NULL)
			pcre2_jit_stack_assign(re->mctx, NULL, re->jit_stack);
	}
	re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	return re->md != NULL;
}

int crm_regex_compile(const char *pattern, struct crm_regex **out,
		      struct crm_err *err)
{
	size_t len = strlen(pattern);
	PCRE2_SIZE off = 0;
	struct crm_regex *re;
	int code = 0;

	*out = NULL;
	if (len > REGEX_MAX_LEN)
		return crm_seterr(err, CRM_EUSAGE,
				  _("regular expression: longer than %d bytes"),
				  REGEX_MAX_LEN);
	if (!crm_utf8_valid(pattern, len))
		return crm_seterr(err, CRM_EUSAGE,
				  _("regular expression: invalid UTF-8"));
	re = crm_xcalloc(1, sizeof(*re));
	re->code = pcre2_compile((PCRE2_SPTR)pattern, len,
				 PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS,
				 &code, &off, NULL);
	if (re->code == NULL) {
		free(re);
		return regex_error(pattern, code, off, err);
	}
	if (!regex_setup_match(re, pcre2_jit_compile(re->code,
					PCRE2_JIT_COMPLETE) == 0)) {
		crm_regex_free(re);
		return crm_seterr(err, CRM_ERR, _("out of memory"));
	}
	*out = re;
	return CRM_OK;
}

/*
 * Matches re against subject[0..len).  Not for use by several threads at
 * once on one re: the match data is shared.  A subject that is not valid
 * UTF-8 does not match.
 */
int crm_regex_match(const struct crm_regex *re, const char *subject,
		    size_t len)
{
	int rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, re->md,
			     re->mctx);

	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
		return -1;
	return 0;
}

void crm_regex_free(struct crm_regex *re)
{
	if (re == NULL)
		return;
	pcre2_match_data_free(re->md);
	pcre2_match_context_free(re->mctx);
	pcre2_jit_stack_free(re->jit_stack);
	pcre2_code_free(re->code);
	free(re);
}
