/*
 * test_fold.c - folding for search, phone digits and bounded regular
 * expressions.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crm.h"

/* Folds in and expects want. */
static void expect_fold(const char *in, const char *want)
{
	char *got = crm_fold(in);

	cr_expect_str_eq(got, want, "crm_fold(\"%s\")", in);
	free(got);
}

Test(fold, table)
{
	static const char *const cases[][2] = {
		{"", ""},
		{"Hello, World 42", "hello, world 42"},
		{"ИВАНОВ Иван", "иванов иван"},
		{"Ёлкин ЁЖ ёж", "елкин еж еж"},
		{"ƏLİYEV", "eliyev"},
		{"Əliyev", "eliyev"},
		{"ISPARTA ıspanak İstanbul", "isparta ispanak istanbul"},
		{"ΑΘΗΝΑ Σοφία", "αθηνα σοφια"},
		{"Straße ÄÖÜ", "strasse aou"},
		{"ÇĞŞ", "cgs"},
		{"日本", "日本"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_fold(cases[i][0], cases[i][1]);
}

Test(fold, diacritics)
{
	static const char *const cases[][2] = {
		/* Azerbaijani */
		{"Elçin", "elcin"},
		{"Şirkət", "sirket"},
		{"ŞİRKƏT", "sirket"},
		{"Gülər Ağayeva", "guler agayeva"},
		{"Ölkə", "olke"},
		{"İlqar Qasımov", "ilqar qasimov"},
		/* Russian: ё is е, й stays a letter of its own */
		{"Пётр Алёшин", "петр алешин"},
		{"Йошкар-Ола", "йошкар-ола"},
		{"Андрей", "андрей"},
		/* Latin */
		{"Łódź Ørsted", "lodz orsted"},
		{"Ștefan Țăran", "stefan taran"},
		{"Œuvre Æsir", "oeuvre aesir"},
		{"Ñoño Ÿvette", "nono yvette"},
		{"Dvořák Čapek Ďáblice", "dvorak capek dablice"},
		{"ẞ", "ss"},
		/* Greek without tonos, final sigma as sigma */
		{"Άρης ΈΡΩΣ", "αρησ ερωσ"},
		/* not letters with marks: kept */
		{"× ÷ þ ŋ", "× ÷ þ ŋ"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_fold(cases[i][0], cases[i][1]);
}

Test(fold, combining_marks)
{
	/* decomposed text folds as its composed form does */
	expect_fold("Jose\xcc\x81", "jose");                 /* e + acute */
	expect_fold("S\xcc\xa7irk\xc9\x99t", "sirket");     /* S + cedilla */
	expect_fold("\xd0\x98\xd0\xb8\xcc\x86", "ий");       /* Ии + breve */
	expect_fold("\xd0\xb5\xcc\x88\xd0\xb6", "еж");       /* е + diaeresis */
	expect_fold("I\xcc\x87stanbul", "istanbul");         /* I + dot above */
	expect_fold("\xcc\x81" "a", "a");                    /* a mark first */
}

Test(fold, idempotent)
{
	static const char *const cases[] = {
		"Straße", "ƏLİYEV Şirkət", "Пётр Йошкар", "Œuvre ẞ", "Άρης",
		"Jose\xcc\x81", "\xd0\xb8\xcc\x86", "A\xff",
	};
	size_t i;
	char *once, *twice;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		once = crm_fold(cases[i]);
		twice = crm_fold(once);
		cr_expect_str_eq(twice, once, "fold of fold of \"%s\"",
				 cases[i]);
		free(once);
		free(twice);
	}
}

/* Expects crm_fold_words(in) to be the n words of want. */
static void expect_words(const char *in, const char *const *want, size_t n)
{
	char **words;
	size_t got = crm_fold_words(in, &words), i;

	cr_expect_eq(got, n, "crm_fold_words(\"%s\"): %zu words", in, got);
	for (i = 0; i < got && i < n; i++)
		cr_expect_str_eq(words[i], want[i], "word %zu of \"%s\"", i, in);
	crm_words_free(words, got);
}

Test(fold, words)
{
	static const char *const sokolov[] = {"андрей", "соколов"};
	static const char *const romashka[] = {"ооо", "ромашка"};
	static const char *const smith[] = {"mary", "smith", "jones", "o",
					    "neil"};
	static const char *const supply[] = {"supply", "2027", "a1"};
	static const char *const sirket[] = {"elcin", "sirket"};
	static const char *const repeat[] = {"new", "new", "york"};
	char big[300];

	expect_words("Андрей Соколов", sokolov, 2);
	expect_words("ООО «Ромашка»", romashka, 2);
	expect_words("Mary Smith-Jones, O'Neil", smith, 5);
	expect_words("  Supply 2027 (A1) ", supply, 3);
	expect_words("Elçin Şirkət", sirket, 2);
	expect_words("New New York", repeat, 3);
	expect_words("", NULL, 0);
	expect_words("--- «» !", NULL, 0);
	/* a word longer than CRM_WORD_MAX is no word */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_words(big, NULL, 0);
}

Test(fold, invalid_bytes_kept)
{
	expect_fold("A\xff" "B\xc3", "a\xff" "b\xc3");
	expect_fold("\xed\xa0\x80X", "\xed\xa0\x80x");
	expect_fold("\xc0\xaf", "\xc0\xaf");
}

/* Expects crm_phone_digits(in) to be want (NULL: not a phone). */
static void expect_digits(const char *in, const char *want)
{
	char *got = crm_phone_digits(in);

	if (want == NULL)
		cr_expect_null(got, "crm_phone_digits(\"%s\")", in);
	else
		cr_expect_str_eq(got, want, "crm_phone_digits(\"%s\")", in);
	free(got);
}

Test(fold, phone_digits)
{
	expect_digits("+7 (495) 123-45-67", "74951234567");
	expect_digits("495 123", "495123");
	expect_digits("8.800.555/35.35", "88005553535");
	expect_digits("123", "123");
	expect_digits("12", NULL);
	expect_digits("+-()", NULL);
	expect_digits("", NULL);
	expect_digits("ext 123", NULL);
	expect_digits("123x", NULL);
	expect_digits("12\n34", NULL);
}

/* Compiles pattern, expects CRM_EUSAGE with message want. */
static void expect_regex_error(const char *pattern, const char *want)
{
	struct crm_err err = {0};
	struct crm_regex *re = NULL;

	cr_expect_eq(crm_regex_compile(pattern, &re, &err), CRM_EUSAGE,
		     "pattern %s", pattern);
	cr_expect_null(re);
	cr_expect_str_eq(err.msg, want);
}

Test(regex, compile_errors)
{
	char big[1100];

	expect_regex_error("ab(c",
			   "regular expression: column 5: missing closing "
			   "parenthesis");
	expect_regex_error("иван[",
			   "regular expression: column 6: missing terminating "
			   "] for character class");
	expect_regex_error("a\xff", "regular expression: invalid UTF-8");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_regex_error(big, "regular expression: longer than 1000 bytes");
}

/* Matches pattern against subject. */
static int match(const char *pattern, const char *subject)
{
	struct crm_err err = {0};
	struct crm_regex *re = NULL;
	int m;

	cr_assert_eq(crm_regex_compile(pattern, &re, &err), CRM_OK, "%s",
		     err.msg);
	m = crm_regex_match(re, subject, strlen(subject));
	crm_regex_free(re);
	return m;
}

Test(regex, caseless_unicode)
{
	cr_expect_eq(match("иванов", "ИВАНОВ Иван"), 1);
	cr_expect_eq(match("^Иван\\b", "иван петров"), 1);
	cr_expect_eq(match("\\p{Cyrillic}{3}", "abc где"), 1);
	cr_expect_eq(match("\\w+ев$", "ƏLİYEV"), 0);
	cr_expect_eq(match("ПЕТР", "иван"), 0);
	cr_expect_eq(match("^.$", "ж"), 1);
	cr_expect_eq(match("a", "\xff" "a"), 0);
}

Test(regex, catastrophic_pattern_fails_fast)
{
	char subject[40];
	struct timespec t0, t1;
	double secs;

	memset(subject, 'a', 30);
	subject[30] = 'b';
	subject[31] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_expect_eq(match("(a+)+$", subject), -1);
	subject[30] = '!';
	cr_expect_eq(match("^(\\w+\\s?)*$", subject), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_expect_lt(secs, 1.0, "took %.3f s", secs);
}
