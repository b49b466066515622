/*
 * namekey.c - the keys by which two records' names are compared when
 * duplicates are looked for: legal forms (ООО, LLC, MMC...) and quotes
 * dropped, case and accents folded, and, through crm-icu.so, every word
 * written in Latin ASCII so that "Иванов Иван" and "Ivanov Ivan" meet.
 * A contact's words are sorted ("Иван Иванов" is "Иванов Иван").
 * Without the module, names are compared folded only.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "icu-module.h"
#include "module.h"

static struct crm_module icu_module = {
	"icu", "crm_icumod_abi", CRM_ICU_ABI,
	N_("the transliteration module"), N_("compare names across scripts"),
	PTHREAD_MUTEX_INITIALIZER,
};

/* The legal forms a name may carry, folded (crm_fold): they are no part
 * of what a company is called.  Latin "ip" and "ao" are left out: they
 * are parts of names too. */
static const char *const legal_forms[] = {
	"ооо", "оао", "зао", "пао", "нао", "ип", "ао", "тоо", "чп",
	"ooo", "oao", "zao", "pao",
	"llc", "ltd", "limited", "inc", "corp", "gmbh", "ag", "plc", "llp",
	"mmc", "asc", "qsc",
	NULL,
};

/* The longest word transliterated (longer ones are kept as folded). */
#define WORD_TRANSLIT_MAX 256

/* A cache of the words transliterated: word -> Latin (open addressing). */
struct crm_name_cache {
	char **words;
	char **latin;
	size_t n, cap;
};

struct crm_name_cache *crm_name_cache_new(void)
{
	return crm_xcalloc(1, sizeof(struct crm_name_cache));
}

void crm_name_cache_free(struct crm_name_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->cap; i++) {
		free(c->words[i]);
		free(c->latin[i]);
	}
	free(c->words);
	free(c->latin);
	free(c);
}

/* FNV-1a of s. */
static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The slot of word in c: where it is, or the empty one it would go to. */
static size_t cache_slot(const struct crm_name_cache *c, const char *word)
{
	size_t i = hash_str(word) & (c->cap - 1);

	while (c->words[i] && strcmp(c->words[i], word) != 0)
		i = (i + 1) & (c->cap - 1);
	return i;
}

/* Doubles c's table (or makes its first). */
static void cache_grow(struct crm_name_cache *c)
{
	struct crm_name_cache old = *c;
	size_t i, k;

	c->cap = old.cap ? old.cap * 2 : 1024;
	c->words = crm_xcalloc(c->cap, sizeof(char *));
	c->latin = crm_xcalloc(c->cap, sizeof(char *));
	for (i = 0; i < old.cap; i++) {
		if (old.words[i] == NULL)
			continue;
		k = cache_slot(c, old.words[i]);
		c->words[k] = old.words[i];
		c->latin[k] = old.latin[i];
	}
	free(old.words);
	free(old.latin);
}

/* True when word is a legal form. */
static bool is_legal_form(const char *word)
{
	size_t i;

	for (i = 0; legal_forms[i]; i++)
		if (strcmp(word, legal_forms[i]) == 0)
			return true;
	return false;
}

/* True when s is ASCII only. */
static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* crm_icumod_latin's type. */
typedef long (*latin_fn)(const char *, size_t, char *, size_t);

/* The module's function, or NULL when it does not load (names are then
 * compared folded, and nothing is said). */
static latin_fn icu_latin(void)
{
	struct crm_err err = {0};
	latin_fn fn;

	if (crm_module_load(&icu_module, &err) != CRM_OK)
		return NULL;
	*(void **)&fn = crm_module_sym(&icu_module, "crm_icumod_latin");
	return fn;
}

/*
 * Reduces the spellings of Russian transliteration that differ from
 * what people write to one (both sides of a comparison pass here): "kh"
 * is "h" (Khabibullin, Habibullin), "ye" is "e" (Yelena, Elena), and a
 * final "iy", "yy", "ii" or "ij" is "y" (Dmitriy, Dmitry).  In place.
 */
static void reduce_latin(char *w)
{
	char *r = w, *o = w;
	size_t n;

	while (*r) {
		if ((r[0] == 'k' && r[1] == 'h') || (r[0] == 'y' && r[1] == 'e')) {
			*o++ = r[1];
			r += 2;
			continue;
		}
		*o++ = *r++;
	}
	*o = '\0';
	n = strlen(w);
	if (n > 2 && (strcmp(w + n - 2, "iy") == 0 ||
		      strcmp(w + n - 2, "yy") == 0 ||
		      strcmp(w + n - 2, "ii") == 0 ||
		      strcmp(w + n - 2, "ij") == 0)) {
		w[n - 2] = 'y';
		w[n - 1] = '\0';
	}
}

/* The Latin ASCII form of the folded word (not reduced), caller owns it:
 * the word itself when ASCII, or when ICU cannot be had. */
static char *translit_word(const char *word)
{
	latin_fn fn;
	char out[WORD_TRANSLIT_MAX * 4];
	struct crm_buf b = {0};
	long n, i;

	if (is_ascii(word) || strlen(word) > WORD_TRANSLIT_MAX ||
	    (fn = icu_latin()) == NULL ||
	    (n = fn(word, strlen(word), out, sizeof(out))) < 0)
		return crm_xstrdup(word);
	for (i = 0; i < n; i++)
		if ((out[i] >= 'a' && out[i] <= 'z') ||
		    (out[i] >= '0' && out[i] <= '9'))
			crm_buf_addc(&b, out[i]);
	if (b.len == 0) {
		crm_buf_free(&b);
		return crm_xstrdup(word);
	}
	return crm_buf_detach(&b);
}

/* The reduced Latin form of a folded word, caller owns it; through the
 * cache c when not NULL. */
static char *latin_word(const char *word, struct crm_name_cache *c)
{
	char *w;
	size_t k;

	if (c == NULL || is_ascii(word)) {
		w = translit_word(word);
		reduce_latin(w);
		return w;
	}
	if (c->cap == 0 || (c->n + 1) * 2 > c->cap)
		cache_grow(c);
	k = cache_slot(c, word);
	if (c->words[k] == NULL) {
		c->words[k] = crm_xstrdup(word);
		c->latin[k] = translit_word(word);
		reduce_latin(c->latin[k]);
		c->n++;
	}
	return crm_xstrdup(c->latin[k]);
}

static int cmp_words(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* words[0..n) joined by single spaces (sorted first with sort); caller
 * owns the result, "" when n is 0. */
static char *join_words(char **words, size_t n, bool sort)
{
	struct crm_buf b = {0};
	size_t i;

	if (sort && n > 1)
		qsort(words, n, sizeof(*words), cmp_words);
	for (i = 0; i < n; i++) {
		if (i > 0)
			crm_buf_addc(&b, ' ');
		crm_buf_adds(&b, words[i]);
	}
	return b.s ? crm_buf_detach(&b) : crm_xstrdup("");
}

/* The words of name (crm_fold_words) but its legal forms into *words
 * (caller frees them with crm_words_free); returns how many. */
static size_t name_words(const char *name, char ***words)
{
	size_t n = crm_fold_words(name, words), i, k = 0;

	for (i = 0; i < n; i++) {
		if (is_legal_form((*words)[i]))
			free((*words)[i]);
		else
			(*words)[k++] = (*words)[i];
	}
	return k;
}

/* name with Azerbaijani ə and Ə written a, as Azerbaijani names are in
 * Latin letters (Məmmədov is Mammadov; folding alone makes it e).
 * Caller frees. */
static char *schwa_as_a(const char *name)
{
	struct crm_buf b = {0};
	const char *p;

	for (p = name; *p; p++) {
		if (((unsigned char)p[0] == 0xc9 && (unsigned char)p[1] == 0x99) ||
		    ((unsigned char)p[0] == 0xc6 && (unsigned char)p[1] == 0x8f)) {
			crm_buf_addc(&b, 'a');
			p++;
			continue;
		}
		crm_buf_addc(&b, *p);
	}
	return b.s ? crm_buf_detach(&b) : crm_xstrdup("");
}

void crm_name_keys(const char *name, enum crm_type t,
		   struct crm_name_cache *c, char **fold, char **latin)
{
	char **words = NULL, *a;
	size_t n, i;
	bool sort = t == CRM_CONTACT;

	name = name ? name : "";
	if (fold) {
		n = name_words(name, &words);
		*fold = join_words(words, n, sort);
		crm_words_free(words, n);
	}
	if (latin == NULL)
		return;
	a = schwa_as_a(name);
	n = name_words(a, &words);
	free(a);
	for (i = 0; i < n; i++) {
		a = latin_word(words[i], c);
		free(words[i]);
		words[i] = a;
	}
	*latin = join_words(words, n, sort);
	crm_words_free(words, n);
}

char *crm_name_key(const char *name, enum crm_type t)
{
	char *latin;

	crm_name_keys(name, t, NULL, NULL, &latin);
	return latin;
}
