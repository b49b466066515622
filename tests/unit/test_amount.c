/*
 * test_amount.c - amounts and currencies as people write them, and the
 * input pass that turns what a person wrote in a record file (dates,
 * amounts, currencies) into the stored form.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "crm.h"

/* Reads s with decimal separator dec; expects success and want. */
static void expect_amount(const char *s, char dec, const char *want)
{
	struct crm_err err = {0};
	char buf[CRM_AMOUNT_SIZE];

	cr_assert_eq(crm_amount_parse(s, dec, buf, sizeof(buf), &err), CRM_OK,
		     "'%s' (%c): %s", s, dec ? dec : '0', err.msg);
	cr_expect_str_eq(buf, want, "'%s' (%c) gave %s, want %s", s,
			 dec ? dec : '0', buf, want);
	cr_expect(crm_amount_is_stored(buf), "'%s' is no stored form", buf);
}

/* Expects s to be refused with CRM_EUSAGE and a message holding want. */
static void expect_refused(const char *s, char dec, const char *want)
{
	struct crm_err err = {0};
	char buf[CRM_AMOUNT_SIZE] = "untouched";

	cr_expect_eq(crm_amount_parse(s, dec, buf, sizeof(buf), &err),
		     CRM_EUSAGE, "'%s' (%c) accepted as %s", s,
		     dec ? dec : '0', buf);
	cr_expect_eq(err.status, CRM_EUSAGE);
	cr_expect(strstr(err.msg, want) != NULL, "'%s': message '%s', want '%s'",
		  s, err.msg, want);
}

Test(amount, plain_and_grouped)
{
	expect_amount("350000", '.', "350000");
	expect_amount("350000", ',', "350000");
	expect_amount("350000", 0, "350000");
	expect_amount("0", '.', "0");
	expect_amount("007", '.', "7");
	expect_amount("0,50", ',', "0.50");
	expect_amount("  1500 ", '.', "1500");
	expect_amount("+1500", '.', "1500");
	expect_amount("350 000", '.', "350000");
	expect_amount("1 500 000", ',', "1500000");
	expect_amount("1\xc2\xa0" "500\xc2\xa0" "000", '.', "1500000");
	expect_amount("1\xe2\x80\xaf" "500\xe2\x80\xaf" "000,50", ',',
		      "1500000.50");
	expect_amount("1\xe2\x80\x89" "500", '.', "1500");
	expect_amount("999999999999999", '.', "999999999999999");
}

Test(amount, decimals)
{
	expect_amount("350 000,50", ',', "350000.50");
	expect_amount("350 000,50", '.', "350000.50");
	expect_amount("350000.50", ',', "350000.50");
	expect_amount("1,5", '.', "1.5");
	expect_amount("1.5", ',', "1.5");
	expect_amount("1.5", 0, "1.5");
	expect_amount("1500.0001", '.', "1500.0001");
	expect_amount("350,000.50", ',', "350000.50");
	expect_amount("350,000.50", '.', "350000.50");
	expect_amount("350.000,50", '.', "350000.50");
	expect_amount("1.500.000", '.', "1500000");
	expect_amount("1,500,000", ',', "1500000");
	expect_amount("1.500.000,50", ',', "1500000.50");
}

Test(amount, three_digits_follow_the_rule)
{
	expect_amount("350,000", '.', "350000");
	expect_amount("350.000", ',', "350000");
	expect_amount("350,000", ',', "350.000");
	expect_amount("350.000", '.', "350.000");
	expect_amount("1 500,000", ',', "1500.000");
	expect_refused("350,000", 0, "ambiguous amount '350,000'");
	expect_refused("1.500", 0, "(write 1500 or 1.5)");
	expect_refused("1,000", 0, "(write 1000 or 1)");
}

Test(amount, refused)
{
	static const char *const bad[] = {
		"", "   ", "abc", "1e5", "1.", ".5", ",5", "1..5", "1,,5",
		"1  500", "1 50", "1 5000", "12345 000", "1.5.5,5,5",
		"350,000.50.1", "1,000.000,50", "1 500,000", "1,500.000,5",
		"0x10", "1_000", "1500 RUB", "$1500", "1 500.", "++5",
		"1\xc2\xa0", "\xff", "15\xc3", "1'500", "inf", "nan",
		"1000000000000000", "1.1234567890123456",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(bad[i], '.', "'");
	expect_refused("1 500,000", '.', "cannot read amount");
	expect_refused("abc", ',', "(try: 350000, 350 000, 350 000,50)");
	expect_refused("abc", '.', "(try: 350000, 350 000, 350000.50)");
	expect_refused("1000000000000000", '.', "too many digits");
}

Test(amount, negative_refused)
{
	expect_refused("-5", '.', "'-5' is negative");
	expect_refused(" -1 500,50", ',', "is negative");
}

Test(amount, dash_without_digit_is_not_negative)
{
	expect_refused("--5", '.', "cannot read amount '--5'");
	expect_refused("-", '.', "cannot read amount '-'");
}

Test(amount, stored_form)
{
	cr_expect(crm_amount_is_stored("1500"));
	cr_expect(crm_amount_is_stored("1500.50"));
	cr_expect(crm_amount_is_stored("0"));
	cr_expect_not(crm_amount_is_stored(""));
	cr_expect_not(crm_amount_is_stored("1 500"));
	cr_expect_not(crm_amount_is_stored("1,5"));
	cr_expect_not(crm_amount_is_stored("-1"));
	cr_expect_not(crm_amount_is_stored("1."));
	cr_expect_not(crm_amount_is_stored("1e5"));
	cr_expect_eq(crm_amount_decimals("1500"), 0);
	cr_expect_eq(crm_amount_decimals("1500.505"), 3);
}

Test(amount, value_is_the_same_in_every_locale)
{
	cr_expect_eq(crm_amount_value("1500.50"), 1500.5);
	cr_expect_eq(crm_amount_value("0.25"), 0.25);
	cr_expect_eq(crm_amount_value("350000"), 350000.0);
	cr_expect_eq(crm_amount_value("junk"), 0.0);
}

Test(currency, codes_any_case)
{
	struct crm_err err = {0};
	char code[4];

	cr_assert_eq(crm_currency_parse("usd", code, &err), CRM_OK, "%s",
		     err.msg);
	cr_expect_str_eq(code, "USD");
	cr_assert_eq(crm_currency_parse(" Rub ", code, &err), CRM_OK);
	cr_expect_str_eq(code, "RUB");
	cr_assert_eq(crm_currency_parse("azn", code, &err), CRM_OK);
	cr_expect_str_eq(code, "AZN");
}

Test(currency, unknown_and_malformed)
{
	static const char *const bad[] = {
		"", "US", "USDD", "руб", "U$D", "12A", "US D", "\xff\xfe\xfd",
	};
	struct crm_err err = {0};
	char code[4] = "ZZZ";
	size_t i;

	cr_expect_eq(crm_currency_parse("usx", code, &err), CRM_EUSAGE);
	cr_expect_str_eq(err.msg,
			 "unknown currency 'USX' (did you mean 'USD'?)");
	cr_expect_eq(crm_currency_parse("eru", code, &err), CRM_EUSAGE);
	cr_expect_str_eq(err.msg,
			 "unknown currency 'ERU' (did you mean 'EUR'?)");
	cr_expect_eq(crm_currency_parse("QQQ", code, &err), CRM_EUSAGE);
	cr_expect(strstr(err.msg, "unknown currency 'QQQ'") != NULL, "%s",
		  err.msg);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(crm_currency_parse(bad[i], code, &err), CRM_EUSAGE,
			     "'%s' accepted", bad[i]);
		cr_expect(strstr(err.msg, "not a currency code") != NULL,
			  "'%s': %s", bad[i], err.msg);
	}
	cr_expect_str_eq(code, "ZZZ");
}

Test(currency, table_is_sorted_and_has_minor_units)
{
	const struct crm_currency *c, *prev = NULL;
	size_t i;

	for (i = 0; (c = crm_currency_at(i)) != NULL; i++) {
		if (prev)
			cr_expect(strcmp(prev->code, c->code) < 0, "%s before %s",
				  prev->code, c->code);
		cr_expect_eq(crm_currency_find(c->code), c, "%s", c->code);
		prev = c;
	}
	cr_expect_gt(i, 170);
	cr_expect_eq(crm_currency_find("JPY")->minor, 0);
	cr_expect_eq(crm_currency_find("KWD")->minor, 3);
	cr_expect_eq(crm_currency_find("RUB")->minor, 2);
	cr_expect_eq(crm_currency_find("CLF")->minor, 4);
	cr_expect_eq(crm_currency_find("XAU")->minor, -1);
	cr_expect_eq(crm_currency_find("RUB")->number, 643);
	cr_expect_null(crm_currency_find("usd"));
	cr_expect_null(crm_currency_find("AAA"));
}

Test(currency, minor_units_limit_decimals)
{
	struct crm_err err = {0};

	cr_expect_eq(crm_amount_check_currency("1500.50", "RUB", &err), CRM_OK);
	cr_expect_eq(crm_amount_check_currency("1500.5", "USD", &err), CRM_OK);
	cr_expect_eq(crm_amount_check_currency("1500", "JPY", &err), CRM_OK);
	cr_expect_eq(crm_amount_check_currency("1.505", "KWD", &err), CRM_OK);
	cr_expect_eq(crm_amount_check_currency("1.12345", "XAU", &err), CRM_OK);
	cr_expect_eq(crm_amount_check_currency("1.123", "ZZZ", &err), CRM_OK);
	cr_expect_eq(crm_amount_check_currency("1500.505", "RUB", &err),
		     CRM_EUSAGE);
	cr_expect_str_eq(err.msg, "'1500.505' has 3 decimal places, but RUB "
			 "has 2");
	cr_expect_eq(crm_amount_check_currency("1500.5", "JPY", &err),
		     CRM_EUSAGE);
	cr_expect_str_eq(err.msg, "'1500.5' has decimals, but JPY has none "
			 "(write a whole number)");
	cr_expect_eq(crm_amount_check_currency("1.5055", "KWD", &err),
		     CRM_EUSAGE);
}

/* ---- the input pass over a record file ---- */

/* 2026-11-22T12:00:00Z, a Sunday. */
#define NOW ((time_t)1795348800)

static struct crm_config cfg;

static void setup(void)
{
	struct crm_err err = {0};
	char *text;

	setenv("TZ", "Europe/Moscow", 1);
	tzset();
	text = crm_config_initial("ann", "Ann", "ann@example.com");
	cr_assert_not_null(text);
	cr_assert_eq(crm_config_parse(text, strlen(text), &cfg, &err), CRM_OK,
		     "config: %s", err.msg);
	free(text);
}

static void teardown(void)
{
	crm_config_free(&cfg);
}

TestSuite(input, .init = setup, .fini = teardown);

/* Reads text as a hand-written record of type t and returns its
 * canonical text (caller frees), or NULL with err set. */
static char *read_input(enum crm_type t, const char *text, struct crm_err *err)
{
	struct crm_record *r = NULL;
	char *out = NULL;
	size_t len;

	if (crm_record_parse_input(t, "q4r5s6t7v8", text, strlen(text), &cfg,
				   NOW, &r, err) != CRM_OK)
		return NULL;
	cr_assert_eq(crm_record_serialize(r, &out, &len, err), CRM_OK);
	crm_record_free(r);
	return out;
}

Test(input, now_is_a_sunday)
{
	struct tm tm;
	time_t now = NOW;

	cr_assert_not_null(localtime_r(&now, &tm));
	cr_expect_eq(tm.tm_wday, 0);
	cr_expect_eq(tm.tm_mday, 22);
	cr_expect_eq(tm.tm_hour, 15);
}

Test(input, words_become_the_stored_form)
{
	struct crm_err err = {0};
	char *out;

	out = read_input(CRM_TASK,
			 "id: q4r5s6t7v8\nname: Call\nfor: a1b2c3d4e5\n"
			 "due: завтра 15:00\n", &err);
	cr_assert_not_null(out, "%s", err.msg);
	cr_expect(strstr(out, "due: '2026-11-23T15:00:00+03:00'\n") != NULL,
		  "%s", out);
	free(out);
	out = read_input(CRM_TASK,
			 "id: q4r5s6t7v8\nname: Call\nfor: a1b2c3d4e5\n"
			 "due: 31.12.2026\n", &err);
	cr_assert_not_null(out, "%s", err.msg);
	cr_expect(strstr(out, "due: '2026-12-31'\n") != NULL, "%s", out);
	free(out);
	out = read_input(CRM_CONTACT,
			 "id: q4r5s6t7v8\nname: Ivan\n"
			 "birthday: 31 декабря 1990\n", &err);
	cr_assert_not_null(out, "%s", err.msg);
	cr_expect(strstr(out, "birthday: '1990-12-31'\n") != NULL, "%s", out);
	free(out);
	out = read_input(CRM_DEAL,
			 "id: q4r5s6t7v8\nname: Supply\n"
			 "amount: 350 000,50\ncurrency: usd\n", &err);
	cr_assert_not_null(out, "%s", err.msg);
	cr_expect(strstr(out, "amount: 350000.50\ncurrency: USD\n") != NULL,
		  "%s", out);
	free(out);
}

Test(input, stored_values_are_kept_byte_for_byte)
{
	static const char *const text =
		"id: q4r5s6t7v8\nname: Call\nfor: a1b2c3d4e5\n"
		"due: '2026-12-01T15:30:00-05:00'\n"
		"created: '2026-01-15T10:20:00+01:00'\n"
		"updated: '2026-01-15T10:20:00Z'\n";
	static const char *const deal =
		"id: q4r5s6t7v8\nname: Supply\namount: 1500.5\n"
		"currency: USD\n";
	struct crm_err err = {0};
	char *out;

	out = read_input(CRM_TASK, text, &err);
	cr_assert_not_null(out, "%s", err.msg);
	cr_expect_str_eq(out, text);
	free(out);
	out = read_input(CRM_DEAL, deal, &err);
	cr_assert_not_null(out, "%s", err.msg);
	cr_expect_str_eq(out, deal);
	free(out);
}

Test(input, refusals_name_line_and_field)
{
	struct crm_err err = {0};

	cr_expect_null(read_input(CRM_TASK,
				  "id: q4r5s6t7v8\nname: Call\n"
				  "for: a1b2c3d4e5\ndue: zavtra\n", &err));
	cr_expect_str_eq(err.msg, "line 4: field 'due': cannot read date "
			 "'zavtra' (did you mean 'завтра'?)");
	cr_expect_null(read_input(CRM_CONTACT,
				  "id: q4r5s6t7v8\nname: Ivan\n"
				  "birthday: +2h\n", &err));
	cr_expect(strncmp(err.msg, "line 3: field 'birthday': cannot read "
			  "date '+2h': a date without a time", 60) == 0, "%s",
		  err.msg);
	cr_expect_null(read_input(CRM_DEAL,
				  "id: q4r5s6t7v8\nname: S\ncurrency: usx\n",
				  &err));
	cr_expect_str_eq(err.msg, "line 3: field 'currency': unknown currency "
			 "'USX' (did you mean 'USD'?)");
	cr_expect_null(read_input(CRM_DEAL,
				  "id: q4r5s6t7v8\nname: S\namount: 10.505\n"
				  "currency: RUB\n", &err));
	cr_expect_str_eq(err.msg, "line 3: field 'amount': '10.505' has 3 "
			 "decimal places, but RUB has 2");
	cr_expect_null(read_input(CRM_DEAL,
				  "id: q4r5s6t7v8\nname: S\namount: -3\n",
				  &err));
	cr_expect(strstr(err.msg, "is negative") != NULL, "%s", err.msg);
	cr_expect_null(read_input(CRM_DEAL,
				  "id: q4r5s6t7v8\nname: S\ncurrency: XYZ\n",
				  &err));
	cr_expect(strstr(err.msg, "unknown currency 'XYZ'") != NULL, "%s",
		  err.msg);
}

Test(input, decimal_separator_from_config)
{
	static const char *const conf =
		"users:\n- login: ann\ndefaults:\n  decimal_separator: ','\n";
	struct crm_config c2;
	struct crm_err err = {0};
	char buf[CRM_AMOUNT_SIZE];
	const char *bad;

	cr_assert_eq(crm_config_parse(conf, strlen(conf), &c2, &err), CRM_OK,
		     "%s", err.msg);
	cr_expect_eq(crm_config_decimal(&c2), ',');
	c2.locale_decimal = '.';
	cr_expect_eq(crm_config_decimal(&c2), ',');
	cr_assert_eq(crm_amount_parse("1.500", crm_config_decimal(&c2), buf,
				      sizeof(buf), &err), CRM_OK);
	cr_expect_str_eq(buf, "1500");
	crm_config_free(&c2);
	cr_expect_eq(crm_config_decimal(&cfg), 0);
	cfg.locale_decimal = ',';
	cr_expect_eq(crm_config_decimal(&cfg), ',');
	bad = "defaults:\n  decimal_separator: ';'\n";
	cr_expect_eq(crm_config_parse(bad, strlen(bad), &c2, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "decimal_separator must be ',' or '.'") !=
		  NULL, "%s", err.msg);
}

Test(input, set_field_uses_the_same_readers)
{
	struct crm_err err = {0};
	struct crm_record *r = crm_record_new(CRM_DEAL, "q4r5s6t7v8", "S", NOW);

	cfg.locale_decimal = ',';
	cr_assert_eq(crm_record_set_field(r, "amount", '=', "1 500 000,25",
					  &cfg, "ann", NOW, &err), CRM_OK,
		     "%s", err.msg);
	cr_expect_str_eq(crm_map_str(r->map, "amount"), "1500000.25");
	cr_assert_eq(crm_record_set_field(r, "currency", '=', "eur", &cfg,
					  "ann", NOW, &err), CRM_OK);
	cr_expect_str_eq(crm_map_str(r->map, "currency"), "EUR");
	cr_expect_eq(crm_record_set_field(r, "currency", '=', "jpy", &cfg,
					  "ann", NOW, &err), CRM_EUSAGE);
	cr_expect_str_eq(err.msg, "amount: '1500000.25' has decimals, but "
			 "JPY has none (write a whole number)");
	cr_expect_str_eq(crm_map_str(r->map, "currency"), "EUR");
	cr_expect_eq(crm_record_set_field(r, "amount", '=', "abc", &cfg, "ann",
					  NOW, &err), CRM_EUSAGE);
	cr_expect_str_eq(err.msg, "amount: cannot read amount 'abc' (try: "
			 "350000, 350 000, 350 000,50)");
	cr_expect_str_eq(crm_map_str(r->map, "amount"), "1500000.25");
	crm_record_free(r);
}
