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
 * The letters of U+00C0..U+017F (Latin-1 and Latin Extended-A) without
 * their marks, one byte each: the base letter, '.' when the letter has
 * none (it folds by case alone), '+' for the two-letter ones of
 * fold_pairs.
 */
static const char latin_base[] =
	"aaaaaa+ceeeeiiii" "dnooooo.ouuuuy.+"   /* U+00C0 */
	"aaaaaa+ceeeeiiii" "dnooooo.ouuuuy.y"   /* U+00E0 */
	"aaaaaaccccccccdd" "ddeeeeeeeeeegggg"   /* U+0100 */
	"gggghhhhiiiiiiii" "ii++jjkk.lllllll"   /* U+0120 */
	"lllnnnnnn...oooo" "oo++rrrrrrssssss"   /* U+0140 */
	"ssttttttuuuuuuuu" "uuuuwwyyyzzzzzzs";  /* U+0160 */

#define LATIN_FIRST 0xc0
#define LATIN_LAST 0x17f

/* The letters that fold to two: æ, ß, ĳ, œ (either case), ẞ. */
static const struct {
	uint32_t cp;
	char to[3];
} fold_pairs[] = {
	{0xc6, "ae"}, {0xdf, "ss"}, {0xe6, "ae"}, {0x132, "ij"},
	{0x133, "ij"}, {0x152, "oe"}, {0x153, "oe"}, {0x1e9e, "ss"},
};

/*
 * Other letters with marks, sorted: Latin Extended-B (Azerbaijani Ə,
 * Romanian Ș Ț, pinyin's carons), Greek with tonos and dialytika, and
 * the Cyrillic е and и with grave (Ё/ё are handled with the i's).
 */
static const struct {
	uint16_t cp, to;
} fold_marks[] = {
	{0x180, 'b'},   {0x18f, 'e'},   {0x197, 'i'},   {0x1a0, 'o'},
	{0x1a1, 'o'},   {0x1af, 'u'},   {0x1b0, 'u'},   {0x1b5, 'z'},
	{0x1b6, 'z'},   {0x1cd, 'a'},   {0x1ce, 'a'},   {0x1cf, 'i'},
	{0x1d0, 'i'},   {0x1d1, 'o'},   {0x1d2, 'o'},   {0x1d3, 'u'},
	{0x1d4, 'u'},   {0x1d5, 'u'},   {0x1d6, 'u'},   {0x1d7, 'u'},
	{0x1d8, 'u'},   {0x1d9, 'u'},   {0x1da, 'u'},   {0x1db, 'u'},
	{0x1dc, 'u'},   {0x1e6, 'g'},   {0x1e7, 'g'},   {0x1e8, 'k'},
	{0x1e9, 'k'},   {0x1ea, 'o'},   {0x1eb, 'o'},   {0x1f0, 'j'},
	{0x1f4, 'g'},   {0x1f5, 'g'},   {0x1f8, 'n'},   {0x1f9, 'n'},
	{0x218, 's'},   {0x219, 's'},   {0x21a, 't'},   {0x21b, 't'},
	{0x259, 'e'},   {0x268, 'i'},
	{0x386, 0x3b1}, {0x388, 0x3b5}, {0x389, 0x3b7}, {0x38a, 0x3b9},
	{0x38c, 0x3bf}, {0x38e, 0x3c5}, {0x38f, 0x3c9}, {0x390, 0x3b9},
	{0x3aa, 0x3b9}, {0x3ab, 0x3c5}, {0x3ac, 0x3b1}, {0x3ad, 0x3b5},
	{0x3ae, 0x3b7}, {0x3af, 0x3b9}, {0x3b0, 0x3c5}, {0x3c2, 0x3c3},
	{0x3ca, 0x3b9}, {0x3cb, 0x3c5}, {0x3cc, 0x3bf}, {0x3cd, 0x3c5},
	{0x3ce, 0x3c9},
	{0x400, 0x435}, {0x40d, 0x438}, {0x450, 0x435}, {0x45d, 0x438},
};

#define NFOLD_MARKS (sizeof(fold_marks) / sizeof(fold_marks[0]))
#define NFOLD_PAIRS (sizeof(fold_pairs) / sizeof(fold_pairs[0]))

/* The letter without marks that cp folds to from fold_marks, or 0. */
static uint32_t marks_lookup(uint32_t cp)
{
	size_t lo = 0, hi = NFOLD_MARKS, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (fold_marks[mid].cp == cp)
			return fold_marks[mid].to;
		if (fold_marks[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The two letters cp folds to, or NULL. */
static const char *pair_lookup(uint32_t cp)
{
	size_t i;

	for (i = 0; i < NFOLD_PAIRS; i++)
		if (fold_pairs[i].cp == cp)
			return fold_pairs[i].to;
	return NULL;
}

/*
 * The folded form of one code point that folds to one: i for every
 * I/İ/ı, е for Ё/ё, the base letter of a Latin, Greek or Cyrillic
 * letter with marks, else its simple lowercase (ASCII only when C.UTF-8
 * is unavailable).  A mapping that would give an invalid code point
 * leaves cp alone.
 */
static uint32_t fold_cp(uint32_t cp)
{
	uint32_t base;
	wint_t lc;

	if (cp == 'I' || cp == 0x130 || cp == 0x131)
		return 'i';
	if (cp == 0x401 || cp == 0x451)
		return 0x435;
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp;
	if (cp >= LATIN_FIRST && cp <= LATIN_LAST &&
	    latin_base[cp - LATIN_FIRST] != '.')
		return (uint32_t)(unsigned char)latin_base[cp - LATIN_FIRST];
	if ((base = marks_lookup(cp)) != 0)
		return base;
	if (fold_locale == (locale_t)0)
		return cp;
	lc = towlower_l((wint_t)cp, fold_locale);
	if (lc == 0 || lc > 0x10ffff || (lc >= 0xd800 && lc <= 0xdfff))
		return cp;
	return (uint32_t)lc;
}

/* True for the combining diacritical marks (U+0300..U+036F). */
static bool is_mark(uint32_t cp)
{
	return cp >= 0x300 && cp <= 0x36f;
}

/*
 * Appends the folded form of cp to b.  A combining mark is dropped, as
 * the letter it decorates lost its mark above; except the breve of и,
 * which makes й, a letter of its own in Russian.
 */
static void fold_append(struct crm_buf *b, uint32_t cp)
{
	const char *pair;

	if (is_mark(cp)) {
		if (cp == 0x306 && b->len >= 2 &&
		    (unsigned char)b->s[b->len - 2] == 0xd0 &&
		    (unsigned char)b->s[b->len - 1] == 0xb8)
			b->s[b->len - 1] = (char)0xb9;  /* и -> й */
		return;
	}
	if (cp >= LATIN_FIRST && (pair = pair_lookup(cp)) != NULL) {
		crm_buf_adds(b, pair);
		return;
	}
	utf8_encode(b, fold_cp(cp));
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
			fold_append(&b, cp);
		}
		p += len;
		n -= len;
	}
	return crm_buf_detach(&b);
}

/* True when the code point cp of folded text is part of a word. */
static bool word_cp(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9');
	if (fold_locale == (locale_t)0)
		return true;
	return iswalnum_l((wint_t)cp, fold_locale) != 0;
}

/* Appends a copy of s[0..n) to *words (*n words, *cap room) unless it is
 * empty or longer than CRM_WORD_MAX. */
static void add_word(char ***words, size_t *nwords, size_t *cap,
		     const char *s, size_t n)
{
	if (n == 0 || n > CRM_WORD_MAX)
		return;
	if (*nwords == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		*words = crm_xrealloc(*words, *cap * sizeof(**words));
	}
	(*words)[(*nwords)++] = crm_xstrndup(s, n);
}

size_t crm_fold_words(const char *s, char ***words)
{
	char *fold = crm_fold(s);
	size_t n = strlen(fold), i = 0, start = 0, len, nwords = 0, cap = 0;
	uint32_t cp;

	*words = NULL;
	while (i < n) {
		len = crm_utf8_decode(fold + i, n - i, &cp);
		if (len == 0 || !word_cp(cp)) {
			add_word(words, &nwords, &cap, fold + start, i - start);
			i += len ? len : 1;
			start = i;
		} else {
			i += len;
		}
	}
	add_word(words, &nwords, &cap, fold + start, n - start);
	free(fold);
	return nwords;
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
