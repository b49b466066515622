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
		{"ƏLİYEV", "əliyev"},
		{"Əliyev", "əliyev"},
		{"ISPARTA ıspanak İstanbul", "isparta ispanak istanbul"},
		{"ΑΘΗΝΑ Σοφία", "αθηνα σοφία"},
		{"Straße ÄÖÜ", "straße äöü"},
		{"ÇĞŞ", "çğş"},
		{"日本", "日本"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_fold(cases[i][0], cases[i][1]);
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
