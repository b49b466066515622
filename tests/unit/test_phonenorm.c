/*
 * test_phonenorm.c - phones stored in E.164 with the form as typed kept:
 * crm_phone_normalize against tests/data/phones.tsv (numbers of eight
 * countries typed the ways people type them, the expected E.164 forms
 * computed by python3-phonenumbers, libphonenumber's metadata in the
 * Python port), the area code, what is no number; and the change pass
 * that stores them (phones, phones_typed), removing a number by any
 * form of it, and a missing module.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"
#include "module.h"

#define NOW ((time_t)1772359200)
#define ID "q4r5s6t7v8"

static char build_dir[PATH_MAX];

/* The modules built next to this test program, as the command-line layer
 * finds them. */
__attribute__((constructor)) static void find_build_dir(void)
{
	ssize_t n = readlink("/proc/self/exe", build_dir,
			     sizeof(build_dir) - 1);
	char *slash;

	if (n <= 0)
		return;
	build_dir[n] = '\0';
	slash = strrchr(build_dir, '/');
	if (slash == NULL)
		return;
	*slash = '\0';
	crm_module_set_dir(build_dir);
}

/* A configuration of crm.yaml's defaults: text. */
static void config(struct crm_config *cfg, const char *defaults)
{
	struct crm_err err = {0};
	char text[256];

	snprintf(text, sizeof(text), "defaults:\n%s", defaults);
	cr_assert_eq(crm_config_parse(text, strlen(text), cfg, &err), CRM_OK,
		     "%s", err.msg);
}

/* "\t" in a field of the table is a tab. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++, d++) {
		if (s[0] == '\\' && s[1] == 't') {
			*d = '\t';
			s++;
		} else {
			*d = *s;
		}
	}
	*d = '\0';
}

/* Checks one row of the table; false (with the reason in why) when
 * crm_phone_normalize disagrees. */
static bool row_agrees(char *typed, const char *region, const char *want,
		       char *why, size_t size)
{
	struct crm_config cfg = {0};
	struct crm_err err = {0};
	char e164[CRM_PHONE_MAX];
	enum crm_phone_norm how;
	const char *t = typed;
	int rc;

	snprintf(cfg.default_region, sizeof(cfg.default_region), "%s", region);
	rc = crm_phone_normalize(typed, &cfg, e164, &how, &err);
	while (*t == ' ' || *t == '\t')
		t++;
	if (strcmp(want, "invalid") == 0) {
		if (rc == CRM_ERR || how == CRM_PHONE_AS_TYPED)
			return true;
		snprintf(why, size, "'%.100s' in %s: got %s, want invalid", typed,
			 region, e164);
		return false;
	}
	if (rc != CRM_OK || how == CRM_PHONE_AS_TYPED ||
	    strcmp(e164, want) != 0) {
		snprintf(why, size, "'%.100s' in %s: got %.100s (%d), want %s", typed,
			 region, rc == CRM_OK ? e164 : err.msg, (int)how, want);
		return false;
	}
	if (how != (strncmp(t, want, strlen(want)) == 0 &&
		    strspn(t + strlen(want), " \t") == strlen(t + strlen(want))
		    ? CRM_PHONE_E164 : CRM_PHONE_NORMALISED)) {
		snprintf(why, size, "'%.100s' in %s: E.164 or not, wrong", typed,
			 region);
		return false;
	}
	return true;
}

Test(phonenorm, table)
{
	char path[PATH_MAX + 32], line[512], why[512];
	char *typed, *region, *want, *save;
	size_t rows = 0, valid = 0, bad = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/../tests/data/phones.tsv", build_dir);
	f = fopen(path, "r");
	cr_assert_neq(f, NULL, "cannot open %s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		typed = line;
		region = strchr(typed, '\t');
		cr_assert_neq(region, NULL, "row %zu", rows + 1);
		*region++ = '\0';
		want = strtok_r(region, "\t", &save);
		want = want ? strtok_r(NULL, "\t", &save) : NULL;
		cr_assert_neq(want, NULL, "row %zu", rows + 1);
		unescape(typed);
		rows++;
		valid += strcmp(want, "invalid") != 0;
		if (!row_agrees(typed, region, want, why, sizeof(why))) {
			cr_log_error("%s", why);
			bad++;
		}
	}
	fclose(f);
	cr_expect_geq(rows, 200, "the table has %zu rows", rows);
	cr_expect_geq(valid, 150);
	cr_expect_geq(rows - valid, 20, "it has invalid numbers too");
	cr_expect_eq(bad, 0, "%zu of %zu rows disagree", bad, rows);
}

Test(phonenorm, forms)
{
	struct crm_config cfg;
	struct crm_err err = {0};
	char e164[CRM_PHONE_MAX];
	enum crm_phone_norm how;

	config(&cfg, "  region: RU\n");
	cr_assert_eq(crm_phone_normalize("+74951234567", &cfg, e164, &how,
					 &err), CRM_OK);
	cr_expect_eq(how, CRM_PHONE_E164);
	cr_expect_str_eq(e164, "+74951234567");
	cr_assert_eq(crm_phone_normalize(" +74951234567\t", &cfg, e164, &how,
					 &err), CRM_OK);
	cr_expect_eq(how, CRM_PHONE_E164, "blanks around do not count");
	cr_assert_eq(crm_phone_normalize("8 (495) 123-45-67", &cfg, e164, &how,
					 &err), CRM_OK);
	cr_expect_eq(how, CRM_PHONE_NORMALISED);
	cr_expect_str_eq(e164, "+74951234567");
	/* an extension: the number in E.164, the extension in the form typed */
	cr_assert_eq(crm_phone_normalize("+7 495 123-45-67 ext. 89", &cfg, e164,
					 &how, &err), CRM_OK);
	cr_expect_eq(how, CRM_PHONE_NORMALISED);
	cr_expect_str_eq(e164, "+74951234567");
	/* possible but not valid, too short: kept as typed (no blanks) */
	cr_assert_eq(crm_phone_normalize(" +7 999 123 ", &cfg, e164, &how,
					 &err), CRM_OK);
	cr_expect_eq(how, CRM_PHONE_AS_TYPED);
	cr_expect_str_eq(e164, "+7 999 123");
	cr_assert_eq(crm_phone_normalize("1234", &cfg, e164, &how, &err),
		     CRM_OK);
	cr_expect_eq(how, CRM_PHONE_AS_TYPED);
	cr_expect_str_eq(e164, "1234");
	crm_config_free(&cfg);
}

Test(phonenorm, no_number)
{
	struct crm_config cfg;
	struct crm_err err = {0};
	char e164[CRM_PHONE_MAX], longer[200];
	enum crm_phone_norm how;

	config(&cfg, "  region: RU\n");
	cr_expect_eq(crm_phone_normalize("", &cfg, e164, &how, &err), CRM_ERR);
	cr_expect_eq(crm_phone_normalize("   ", &cfg, e164, &how, &err),
		     CRM_ERR);
	cr_expect_eq(crm_phone_normalize("abc", &cfg, e164, &how, &err),
		     CRM_ERR);
	cr_expect_str_eq(err.msg, "'abc' is not a phone number");
	cr_expect_eq(how, CRM_PHONE_AS_TYPED);
	cr_expect_eq(crm_phone_normalize("звоните", &cfg, e164, &how, &err),
		     CRM_ERR);
	cr_expect_neq(strstr(err.msg, "'звоните'"), NULL, "%s", err.msg);
	cr_expect_eq(crm_phone_normalize("\xff" "123", &cfg, e164, &how, &err),
		     CRM_ERR);
	/* longer than the buffer: valid, it is normalised; else refused */
	memset(longer, ' ', sizeof(longer));
	memcpy(longer + 100, "+7 495 123-45-67", 16);
	longer[150] = '\0';
	cr_expect_eq(crm_phone_normalize(longer, &cfg, e164, &how, &err),
		     CRM_OK, "blanks around a number are no part of it");
	memset(longer, '1', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	cr_expect_eq(crm_phone_normalize(longer, &cfg, e164, &how, &err),
		     CRM_ERR);
	cr_expect_neq(strstr(err.msg, "too long"), NULL, "%s", err.msg);
	crm_config_free(&cfg);
}

Test(phonenorm, area_code)
{
	struct crm_config cfg;
	struct crm_err err = {0};
	char e164[CRM_PHONE_MAX];
	enum crm_phone_norm how;

	config(&cfg, "  region: RU\n  area_code: '495'\n");
	cr_expect_str_eq(cfg.default_area_code, "495");
	cr_assert_eq(crm_phone_normalize("123-45-67", &cfg, e164, &how, &err),
		     CRM_OK);
	cr_expect_eq(how, CRM_PHONE_NORMALISED);
	cr_expect_str_eq(e164, "+74951234567");
	/* a whole number keeps its own area code */
	cr_assert_eq(crm_phone_normalize("8 812 555-01-02", &cfg, e164, &how,
					 &err), CRM_OK);
	cr_expect_str_eq(e164, "+78125550102");
	/* with a country code nothing is put in front */
	cr_assert_eq(crm_phone_normalize("+7 123-45-67", &cfg, e164, &how,
					 &err), CRM_OK);
	cr_expect_eq(how, CRM_PHONE_AS_TYPED);
	crm_config_free(&cfg);
	/* Baku's 12 */
	config(&cfg, "  region: AZ\n  area_code: 12\n");
	cr_assert_eq(crm_phone_normalize("404 00 00", &cfg, e164, &how, &err),
		     CRM_OK);
	cr_expect_str_eq(e164, "+994124040000");
	crm_config_free(&cfg);
	/* without one, a local number cannot be made valid */
	config(&cfg, "  region: RU\n");
	cr_assert_eq(crm_phone_normalize("123-45-67", &cfg, e164, &how, &err),
		     CRM_OK);
	cr_expect_eq(how, CRM_PHONE_AS_TYPED);
	crm_config_free(&cfg);
}

Test(phonenorm, area_code_config)
{
	static const char *const bad[] = {
		"  area_code: 49x\n", "  area_code: ''\n", "  area_code: [495]\n",
		"  area_code: '12345678'\n", "  area_code: '+7495'\n",
	};
	struct crm_config cfg;
	struct crm_err err = {0};
	char text[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "defaults:\n%s", bad[i]);
		cr_expect_eq(crm_config_parse(text, strlen(text), &cfg, &err),
			     CRM_ERR, "%s", bad[i]);
		cr_expect_neq(strstr(err.msg, "defaults.area_code"), NULL,
			      "%s", err.msg);
	}
	config(&cfg, "  currency: RUB\n");
	cr_expect_str_eq(cfg.default_area_code, "");
	crm_config_free(&cfg);
}

/* ---- the change pass ---- */

static const char *const contact_text =
	"id: " ID "\nname: Ivan\ncreated: '2026-01-01T10:00:00+00:00'\n"
	"updated: '2026-01-01T10:00:00+00:00'\n";

/* A contact with the phones given (NULL ended), changed by the pass. */
static struct crm_record *with_phones(const struct crm_config *cfg, ...)
{
	struct crm_change_env env = {.cfg = cfg, .by = "ann", .now = NOW};
	struct crm_record *before = NULL, *after;
	struct crm_err err = {0};
	const char *p;
	va_list ap;

	cr_assert_eq(crm_record_parse(CRM_CONTACT, ID, contact_text,
				      strlen(contact_text), NULL, &before,
				      &err), CRM_OK, "%s", err.msg);
	after = crm_record_dup(before);
	va_start(ap, cfg);
	while ((p = va_arg(ap, const char *)) != NULL)
		cr_assert_eq(crm_record_set_field(after, "phone", '+', p, cfg,
						  "ann", NOW, &err), CRM_OK,
			     "%s", err.msg);
	va_end(ap);
	cr_assert_eq(crm_record_apply_change(before, after, &env, &err), CRM_OK,
		     "%s", err.msg);
	crm_record_free(before);
	return after;
}

/* The record's file text.  Caller frees it. */
static char *file_of(const struct crm_record *r)
{
	struct crm_err err = {0};
	size_t len;
	char *out;

	cr_assert_eq(crm_record_serialize(r, &out, &len, &err), CRM_OK);
	return out;
}

Test(phonenorm, change_pass_stores_e164)
{
	struct crm_config cfg;
	struct crm_record *r;
	char *text;

	config(&cfg, "  region: RU\n");
	r = with_phones(&cfg, "8 (495) 123-45-67", "1234", "+79035551234",
			"+7 495 1234567", " 8 916 000 11 22 ", NULL);
	text = file_of(r);
	cr_expect_str_eq(text,
		"id: " ID "\nname: Ivan\nphones:\n- '+74951234567'\n- '1234'\n"
		"- '+79035551234'\n- '+79160001122'\nphones_typed:\n"
		"  '+74951234567': '8 (495) 123-45-67'\n"
		"  '+79160001122': '8 916 000 11 22'\n"
		"created: '2026-01-01T10:00:00+00:00'\n"
		"updated: '2026-03-01T10:00:00+00:00'\n");
	free(text);
	crm_record_free(r);
	crm_config_free(&cfg);
}

Test(phonenorm, remove_by_any_form)
{
	struct crm_change_env env = {.by = "ann", .now = NOW};
	struct crm_config cfg;
	struct crm_record *r, *before;
	struct crm_err err = {0};
	const struct crm_node *phones;

	config(&cfg, "  region: RU\n");
	env.cfg = &cfg;
	r = with_phones(&cfg, "8 (495) 123-45-67", "+7 903 555 12 34", "1234",
			NULL);
	before = crm_record_dup(r);
	cr_expect_eq(crm_record_set_field(r, "phone", '-', "+7 495 123 45 67",
					  &cfg, "ann", NOW, &err), CRM_OK,
		     "%s", err.msg);
	cr_expect_eq(crm_record_set_field(r, "phone", '-', "89035551234", &cfg,
					  "ann", NOW, &err), CRM_OK, "%s",
		     err.msg);
	cr_expect_eq(crm_record_set_field(r, "phone", '-', "+7 495 000 00 00",
					  &cfg, "ann", NOW, &err), CRM_EUSAGE);
	cr_assert_eq(crm_record_apply_change(before, r, &env, &err), CRM_OK);
	phones = crm_map_get(r->map, "phones");
	cr_assert_eq(phones->len, 1);
	cr_expect_str_eq(phones->items[0]->str, "1234");
	cr_expect_eq(crm_map_get(r->map, "phones_typed"), NULL,
		     "the forms of numbers removed go with them");
	crm_record_free(before);
	crm_record_free(r);
	crm_config_free(&cfg);
}

Test(phonenorm, unchanged_phones_keep_their_bytes)
{
	static const char text[] =
		"id: " ID "\nname: Ivan\nphones:\n- 8 (495) 123-45-67\n"
		"created: '2026-01-01T10:00:00+00:00'\n"
		"updated: '2026-01-01T10:00:00+00:00'\n";
	struct crm_change_env env = {.by = "ann", .now = NOW};
	struct crm_config cfg;
	struct crm_record *before, *after;
	struct crm_err err = {0};

	config(&cfg, "  region: RU\n");
	env.cfg = &cfg;
	cr_assert_eq(crm_record_parse(CRM_CONTACT, ID, text, strlen(text),
				      NULL, &before, &err), CRM_OK);
	after = crm_record_dup(before);
	crm_map_set_str(after->map, "role", "buyer");
	cr_assert_eq(crm_record_apply_change(before, after, &env, &err),
		     CRM_OK);
	cr_expect(crm_node_equal(crm_map_get(before->map, "phones"),
				 crm_map_get(after->map, "phones")));
	cr_expect_eq(crm_map_get(after->map, "phones_typed"), NULL);
	crm_record_free(before);
	crm_record_free(after);
	crm_config_free(&cfg);
}

Test(phonenorm, hand_edited_forms)
{
	static const char text[] =
		"id: " ID "\nname: Ivan\nphones:\n- '+74951234567'\n"
		"- 8 903 555 12 34\nphones_typed:\n"
		"  '+79990000000': gone\n  '+74951234567': мой\n"
		"created: '2026-01-01T10:00:00+00:00'\n"
		"updated: '2026-01-01T10:00:00+00:00'\n";
	struct crm_change_env env = {.by = "ann", .now = NOW};
	struct crm_config cfg;
	struct crm_record *after;
	struct crm_err err = {0};
	char *out;

	config(&cfg, "  region: RU\n");
	env.cfg = &cfg;
	cr_assert_eq(crm_record_parse(CRM_CONTACT, ID, text, strlen(text),
				      NULL, &after, &err), CRM_OK, "%s",
		     err.msg);
	cr_assert_eq(crm_record_apply_change(NULL, after, &env, &err), CRM_OK,
		     "%s", err.msg);
	out = file_of(after);
	cr_expect_str_eq(out,
		"id: " ID "\nname: Ivan\nphones:\n- '+74951234567'\n"
		"- '+79035551234'\nphones_typed:\n  '+74951234567': мой\n"
		"  '+79035551234': '8 903 555 12 34'\n"
		"created: '2026-01-01T10:00:00+00:00'\n"
		"updated: '2026-01-01T10:00:00+00:00'\n");
	free(out);
	crm_record_free(after);
	crm_config_free(&cfg);
}

Test(phonenorm, forms_validated)
{
	static const char *const bad[] = {
		"phones_typed: x\n", "phones_typed:\n  '8495': x\n",
		"phones_typed:\n  '+74951234567': [x]\n",
		"phones_typed:\n  '+74951234567': ''\n",
	};
	struct crm_record *r;
	struct crm_err err = {0};
	char text[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "id: " ID "\nname: X\n%s", bad[i]);
		cr_expect_eq(crm_record_parse(CRM_CONTACT, ID, text,
					      strlen(text), NULL, &r, &err),
			     CRM_ERR, "%s", bad[i]);
		cr_expect_neq(strstr(err.msg, "phones_typed"), NULL, "%s",
			      err.msg);
	}
	snprintf(text, sizeof(text), "id: " ID "\nname: X\n");
	cr_assert_eq(crm_record_parse(CRM_CONTACT, ID, text, strlen(text), NULL,
				      &r, &err), CRM_OK);
	cr_expect_eq(crm_record_set_field(r, "phones_typed", '=', "x", NULL,
					  "ann", NOW, &err), CRM_EUSAGE,
		     "crm keeps phones_typed");
	crm_record_free(r);
}

Test(phonenorm, without_module)
{
	struct crm_config cfg;
	struct crm_err err = {0};
	char e164[CRM_PHONE_MAX];
	enum crm_phone_norm how;
	struct crm_record *r;
	char *text;

	crm_module_set_dir("/nonexistent");
	config(&cfg, "  region: RU\n");
	cr_assert_eq(crm_phone_normalize("8 (495) 123-45-67", &cfg, e164, &how,
					 &err), CRM_OK, "%s", err.msg);
	cr_expect_eq(how, CRM_PHONE_AS_TYPED);
	cr_expect_str_eq(e164, "8 (495) 123-45-67");
	r = with_phones(&cfg, "8 (495) 123-45-67", NULL);
	text = file_of(r);
	cr_expect_neq(strstr(text, "phones:\n- '8 (495) 123-45-67'\n"), NULL,
		      "%s", text);
	cr_expect_eq(strstr(text, "phones_typed"), NULL);
	free(text);
	crm_record_free(r);
	crm_config_free(&cfg);
}
