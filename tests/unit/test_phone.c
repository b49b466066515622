/*
 * test_phone.c - phone numbers through crm-phone.so (libphonenumber):
 * parsing numbers typed the ways people type them, the numbers a query's
 * number may mean, the index's keys, defaults.region in crm.yaml, and a
 * missing module.  The expected E.164 forms are written out by hand from
 * the countries' numbering plans, not computed by the code under test.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"
#include "module.h"

static char module_dir[PATH_MAX];

/* The modules built next to this test program (build/crm-phone.so), for
 * every test of the program: as the command-line layer finds them. */
__attribute__((constructor)) static void find_module(void)
{
	ssize_t n = readlink("/proc/self/exe", module_dir,
			     sizeof(module_dir) - 1);
	char *slash;

	if (n <= 0)
		return;
	module_dir[n] = '\0';
	slash = strrchr(module_dir, '/');
	if (slash == NULL)
		return;
	*slash = '\0';
	crm_module_set_dir(module_dir);
}

struct parse_case {
	const char *typed, *region, *e164, *national, *country;
	int cc;
	bool international;
};

/* Numbers of eight countries, typed with spaces, dashes, brackets, trunk
 * prefixes (8, 0, 1), international prefixes (00, 8~10) and '+'. */
static const struct parse_case parse_cases[] = {
	/* Russia: trunk prefix 8, international prefix 8~10 */
	{"+7 903 555-12-34", "RU", "+79035551234", "9035551234", "RU", 7, true},
	{"8 (903) 555-12-34", "RU", "+79035551234", "9035551234", "RU", 7, false},
	{"8-903-555-12-34", "RU", "+79035551234", "9035551234", "RU", 7, false},
	{"89035551234", "RU", "+79035551234", "9035551234", "RU", 7, false},
	{"903 555 12 34", "RU", "+79035551234", "9035551234", "RU", 7, false},
	{"+7 (495) 123-45-67", "RU", "+74951234567", "4951234567", "RU", 7, true},
	{"8 812 555-01-02", "RU", "+78125550102", "8125550102", "RU", 7, false},
	{"8 10 994 50 321 65 87", "RU", "+994503216587", "503216587", "AZ",
	 994, true},
	{"8~10 1 202 456 1111", "RU", "+12024561111", "2024561111", "US", 1,
	 true},
	/* Azerbaijan: trunk prefix 0, international prefix 00 */
	{"050 321 65 87", "AZ", "+994503216587", "503216587", "AZ", 994, false},
	{"(012) 404 00 00", "AZ", "+994124040000", "124040000", "AZ", 994, false},
	{"+994 50 321 65 87", "RU", "+994503216587", "503216587", "AZ", 994, true},
	{"00 994 50 321 65 87", "AZ", "+994503216587", "503216587", "AZ", 994,
	 true},
	/* Kazakhstan shares +7 with Russia */
	{"8 701 123 45 67", "KZ", "+77011234567", "7011234567", "KZ", 7, false},
	{"8 (701) 123-45-67", "RU", "+77011234567", "7011234567", "KZ", 7, false},
	{"+7 727 258 00 00", "RU", "+77272580000", "7272580000", "KZ", 7, true},
	/* Ukraine */
	{"050 123 45 67", "UA", "+380501234567", "501234567", "UA", 380, false},
	{"+380 (44) 123-45-67", "RU", "+380441234567", "441234567", "UA", 380,
	 true},
	/* Turkey */
	{"0532 123 45 67", "TR", "+905321234567", "5321234567", "TR", 90, false},
	{"+90 (212) 555 12 34", "AZ", "+902125551234", "2125551234", "TR", 90,
	 true},
	/* the United Kingdom */
	{"020 7946 0958", "GB", "+442079460958", "2079460958", "GB", 44, false},
	{"+44 (0)20 7946 0958", "RU", "+442079460958", "2079460958", "GB", 44,
	 true},
	/* Germany */
	{"030 123456", "DE", "+4930123456", "30123456", "DE", 49, false},
	{"0151 12345678", "DE", "+4915112345678", "15112345678", "DE", 49, false},
	{"+49 (0)30 1234567", "RU", "+49301234567", "301234567", "DE", 49, true},
	/* the United States: trunk prefix 1 */
	{"(202) 456-1111", "US", "+12024561111", "2024561111", "US", 1, false},
	/* the 1 is the trunk prefix and the country code: libphonenumber
	 * takes it for the latter */
	{"1-202-456-1111", "US", "+12024561111", "2024561111", "US", 1, true},
	{"+1 202.456.1111", "RU", "+12024561111", "2024561111", "US", 1, true},
};

Test(phone, parse_countries)
{
	struct crm_err err = {0};
	struct crm_phone p;
	size_t i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		int rc = crm_phone_parse(c->typed, c->region, &p, &err);

		cr_assert_eq(rc, CRM_OK, "'%s' in %s: %s", c->typed, c->region,
			     err.msg);
		cr_expect_str_eq(p.e164, c->e164, "'%s' in %s", c->typed,
				 c->region);
		cr_expect_str_eq(p.national, c->national, "'%s'", c->typed);
		cr_expect_str_eq(p.region, c->country, "'%s'", c->typed);
		cr_expect_eq(p.country_code, c->cc, "'%s'", c->typed);
		cr_expect(p.valid, "'%s' in %s is valid", c->typed, c->region);
		cr_expect(p.possible, "'%s' is possible", c->typed);
		cr_expect_eq(p.international, c->international, "'%s'",
			     c->typed);
	}
}

Test(phone, parse_invalid_but_possible)
{
	struct crm_err err = {0};
	struct crm_phone p;

	/* a Russian number must start 3, 4, 8 or 9; 0 is no trunk prefix */
	cr_assert_eq(crm_phone_parse("050 321 65 87", "RU", &p, &err), CRM_OK,
		     "%s", err.msg);
	cr_expect_not(p.valid);
	cr_expect(p.possible);
	cr_expect_str_eq(p.region, "");
	/* two digits are a number to libphonenumber, of no possible length */
	cr_assert_eq(crm_phone_parse("12", "RU", &p, &err), CRM_OK);
	cr_expect_not(p.valid);
	cr_expect_not(p.possible);
}

Test(phone, parse_refusals)
{
	static const char *const bad[] = {
		"hello", "+999 123 456 789", "", "+",
		"1234567890123456789012345",
	};
	struct crm_err err = {0};
	struct crm_phone p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		cr_expect_eq(crm_phone_parse(bad[i], "RU", &p, &err), CRM_EUSAGE,
			     "'%s'", bad[i]);
		cr_expect_neq(strstr(err.msg, "phone number"), NULL,
			      "'%s': %s", bad[i], err.msg);
		cr_expect_str_eq(p.e164, "");
	}
	cr_expect_eq(crm_phone_parse("\xff" "9035551234", "RU", &p, &err),
		     CRM_EUSAGE);
	cr_expect_neq(strstr(err.msg, "UTF-8"), NULL, "%s", err.msg);
	cr_expect_eq(crm_phone_parse("8 903 555 12 34", "XX", &p, &err),
		     CRM_EUSAGE);
	cr_expect_neq(strstr(err.msg, "'XX'"), NULL, "%s", err.msg);
	/* without a region only numbers with a country code parse */
	cr_expect_eq(crm_phone_parse("8 903 555 12 34", NULL, &p, &err),
		     CRM_EUSAGE);
	cr_expect_eq(crm_phone_parse("+7 903 555 12 34", NULL, &p, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_str_eq(p.e164, "+79035551234");
}

/* True when one of m[0..n) is e164. */
static bool has_match(const struct crm_phone *m, size_t n, const char *e164)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(m[i].e164, e164) == 0)
			return true;
	return false;
}

Test(phone, matches_home_first)
{
	struct crm_err err = {0};
	struct crm_phone *m;
	size_t n;

	cr_assert_eq(crm_phone_matches("8 903 555 12 34", "RU", &m, &n, &err),
		     CRM_OK, "%s", err.msg);
	cr_assert_geq(n, 1);
	cr_expect_str_eq(m[0].e164, "+79035551234");
	free(m);
	/* with a country code: that number only */
	cr_assert_eq(crm_phone_matches("+79035551234", "AZ", &m, &n, &err),
		     CRM_OK);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(m[0].e164, "+79035551234");
	free(m);
	cr_assert_eq(crm_phone_matches("8 10 994 50 321 65 87", "RU", &m, &n,
				       &err), CRM_OK);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(m[0].e164, "+994503216587");
	free(m);
}

Test(phone, matches_other_countries)
{
	struct crm_err err = {0};
	struct crm_phone *m;
	size_t n;

	/* invalid in Russia; an Azerbaijani or a Ukrainian mobile number */
	cr_assert_eq(crm_phone_matches("050 321 65 87", "RU", &m, &n, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect(has_match(m, n, "+994503216587"));
	cr_expect(has_match(m, n, "+380503216587"));
	cr_expect_not(has_match(m, n, "+70503216587"));
	free(m);
	/* dialled from Azerbaijan, Ukraine... with their prefix 00 */
	cr_assert_eq(crm_phone_matches("00 994 50 321 65 87", "RU", &m, &n,
				       &err), CRM_OK);
	cr_expect(has_match(m, n, "+994503216587"));
	free(m);
}

Test(phone, matches_nothing)
{
	struct crm_err err = {0};
	struct crm_phone *m;
	size_t n;

	cr_assert_eq(crm_phone_matches("ivanov", "RU", &m, &n, &err), CRM_OK);
	cr_expect_eq(n, 0);
	cr_expect_null(m);
	cr_assert_eq(crm_phone_matches("\xff\xfe", "RU", &m, &n, &err), CRM_OK);
	cr_expect_eq(n, 0);
}

/* s with the key digits (U+E000 + d) written as digits, for comparing.
 * Caller frees it. */
static char *readable(const char *s)
{
	struct crm_buf out = {0};

	for (; *s; s++) {
		if ((unsigned char)s[0] == 0xee && (unsigned char)s[1] == 0x80 &&
		    (unsigned char)s[2] >= 0x80 && (unsigned char)s[2] <= 0x89) {
			crm_buf_addc(&out, (char)('0' + ((unsigned char)s[2] - 0x80)));
			s += 2;
		} else {
			crm_buf_addc(&out, *s);
		}
	}
	return crm_buf_detach(&out);
}

/* Expects the keys in got to read as want. */
static void expect_keys(const char *got, const char *want)
{
	char *r = readable(got);

	cr_expect_str_eq(r, want);
	free(r);
}

Test(phone, query_keys)
{
	struct crm_err err = {0};
	struct crm_buf b = {0};

	/* a fragment: no module needed, nothing added */
	cr_assert_eq(crm_phone_query_keys("495 123", "RU", &b, &err), CRM_OK);
	cr_expect_eq(b.len, 0);
	cr_assert_eq(crm_phone_query_keys("Ivanov", "RU", &b, &err), CRM_OK);
	cr_expect_eq(b.len, 0);
	cr_assert_eq(crm_phone_query_keys("+7 903 555-12-34", "RU", &b, &err),
		     CRM_OK, "%s", err.msg);
	expect_keys(b.s, "\"+79035551234;\"");
	crm_buf_adds(&b, "");
	cr_assert_eq(crm_phone_query_keys("+1 202 456 1111", "RU", &b, &err),
		     CRM_OK);
	expect_keys(b.s, "\"+79035551234;\" OR \"+12024561111;\"");
	crm_buf_free(&b);
}

Test(phone, index_keys)
{
	struct crm_buf b = {0};

	crm_buf_adds(&b, "text");
	crm_phone_index_keys(&b, "8 (903) 555-12-34\n+994 50 321 65 87\n"
			     "not a phone\n12\n050 321 65 87\n"
			     "+1 415 555 0100", "RU");
	/* 050...: no Russian number, but of the length of one (a query
	 * for it finds the Azerbaijani number by its own key); +1 415 555
	 * 0100: fictional, of a possible length */
	expect_keys(b.s, "text\n+79035551234;\n+994503216587;\n"
			 "+70503216587;\n+14155550100;");
	crm_buf_free(&b);
	crm_phone_index_keys(&b, "050 321 65 87", "AZ");
	expect_keys(b.s, "\n+994503216587;");
	crm_buf_free(&b);
	crm_phone_index_keys(&b, NULL, "AZ");
	crm_phone_index_keys(&b, "", "AZ");
	cr_expect_eq(b.len, 0);
}

/* The table crm.yaml is checked with is the library's list of regions. */
Test(phone, region_table_is_the_library_s)
{
	struct crm_err err = {0};
	char *all, *r, *save = NULL;
	size_t n = 0;

	cr_assert_eq(crm_phone_module_regions(&all, &err), CRM_OK, "%s",
		     err.msg);
	for (r = strtok_r(all, " ", &save); r; r = strtok_r(NULL, " ", &save)) {
		cr_expect(crm_phone_region_known(r), "region %s", r);
		n++;
	}
	free(all);
	cr_expect_gt(n, 200);
	cr_expect(crm_phone_region_known("RU"));
	cr_expect(crm_phone_region_known("AZ"));
	cr_expect_not(crm_phone_region_known("XX"));
	cr_expect_not(crm_phone_region_known("ru"));
	cr_expect_not(crm_phone_region_known("UK"));
	cr_expect_not(crm_phone_region_known(""));
	cr_expect_not(crm_phone_region_known(NULL));
	cr_expect_str_eq(crm_phone_region_suggest("UK"), "GB");
	cr_expect_null(crm_phone_region_suggest("XX"));
}

/* Parses crm.yaml text; the status, with cfg filled on success. */
static int config(const char *text, struct crm_config *cfg,
		  struct crm_err *err)
{
	return crm_config_parse(text, strlen(text), cfg, err);
}

Test(phone, config_region)
{
	struct crm_err err = {0};
	struct crm_config cfg;

	cr_assert_eq(config("version: 1\n", &cfg, &err), CRM_OK, "%s", err.msg);
	cr_expect_str_eq(cfg.default_region, "RU");
	crm_config_free(&cfg);
	cr_assert_eq(config("defaults:\n  region: AZ\n", &cfg, &err), CRM_OK);
	cr_expect_str_eq(cfg.default_region, "AZ");
	crm_config_free(&cfg);
	cr_assert_eq(config("defaults:\n  region: kz\n", &cfg, &err), CRM_OK);
	cr_expect_str_eq(cfg.default_region, "KZ");
	crm_config_free(&cfg);
	cr_expect_eq(config("defaults:\n  currency: RUB\n  region: XX\n", &cfg,
			    &err), CRM_ERR);
	cr_expect_neq(strstr(err.msg, "line 3: field 'defaults.region': "
			     "unknown region 'XX'"), NULL, "%s", err.msg);
	cr_expect_eq(config("defaults:\n  region: uk\n", &cfg, &err), CRM_ERR);
	cr_expect_neq(strstr(err.msg, "did you mean 'GB'?"), NULL, "%s",
		      err.msg);
	cr_expect_eq(config("defaults:\n  region: [RU]\n", &cfg, &err),
		     CRM_ERR);
	cr_expect_neq(strstr(err.msg, "defaults.region"), NULL, "%s", err.msg);
	cr_expect_eq(config("defaults:\n  region: RUS\n", &cfg, &err), CRM_ERR);
}

Test(phone, missing_module)
{
	struct crm_err err = {0};
	struct crm_phone p, *m;
	struct crm_buf b = {0};
	size_t n;

	char fake[] = "/tmp/crm-phone-XXXXXX", link[PATH_MAX];

	crm_module_set_dir("/nonexistent");
	cr_expect_eq(crm_phone_load_status(&err), CRM_OK, "nothing tried yet");
	cr_expect_eq(crm_phone_parse("+7 903 555 12 34", "RU", &p, &err),
		     CRM_ERR);
	cr_expect_neq(strstr(err.msg, "'/nonexistent/crm-phone.so'"), NULL,
		      "%s", err.msg);
	cr_expect_eq(crm_phone_load_status(&err), CRM_ERR);
	cr_expect_eq(crm_phone_matches("+7 903 555 12 34", "RU", &m, &n, &err),
		     CRM_ERR);
	cr_expect_eq(crm_phone_query_keys("+7 903 555 12 34", "RU", &b, &err),
		     CRM_ERR);
	crm_phone_index_keys(&b, "+7 903 555 12 34", "RU");
	cr_expect_eq(b.len, 0);
	/* not a module of crm's */
	cr_assert_neq(mkdtemp(fake), NULL);
	snprintf(link, sizeof(link), "%s/crm-phone.so", fake);
	cr_assert_eq(symlink("/proc/self/exe", link), 0);
	crm_module_set_dir(fake);
	cr_expect_eq(crm_phone_load(&err), CRM_ERR);
	cr_expect_neq(strstr(err.msg, link), NULL, "%s", err.msg);
	unlink(link);
	rmdir(fake);
	crm_module_set_dir(NULL);
	cr_expect_eq(crm_phone_load(&err), CRM_ERR);
	cr_expect_neq(strstr(err.msg, "not known"), NULL, "%s", err.msg);
	/* once the right place is given, it loads */
	crm_module_set_dir(module_dir);
	cr_expect_eq(crm_phone_load(&err), CRM_OK, "%s", err.msg);
	cr_expect_eq(crm_phone_load_status(&err), CRM_OK);
}
