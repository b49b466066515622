/*
 * test_vcard.c - vCards (vcard.c) and the CSV writer's formula rule
 * (print.c): the expected lines are written out by hand from RFC 6350
 * and RFC 2426, not computed by the code under test.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cli.h"
#include "crm.h"
#include "vcard.h"

#define NOW ((time_t)1772359200) /* 2026-03-01T10:00:00Z */

/* A contact with name and the fields of kv ("key", "value", ... NULL). */
static struct crm_record *contact(const char *name, const char *const *kv)
{
	struct crm_record *r = crm_record_new(CRM_CONTACT, "7k2m9xqa4d", name,
					      NOW);

	for (; kv && kv[0]; kv += 2)
		crm_map_set_str(r->map, kv[0], kv[1]);
	return r;
}

/* The card of r as text.  Caller frees it. */
static char *card(const struct crm_record *r, const char *org, bool v3)
{
	struct crm_buf b = {0};

	crm_vcard_add(&b, r, org, v3);
	return crm_buf_detach(&b);
}

Test(vcard, contact_4_0)
{
	static const char *const kv[] = {"role", "Директор; главный",
					 "notes", "a, b\nc\\d", NULL};
	struct crm_record *r = contact("Иван Петров", kv);
	struct crm_node *phones = crm_node_new_seq();
	char *s;

	crm_seq_push(phones, crm_node_new_scalar("+7 (495) 123-45-67"));
	crm_seq_push(phones, crm_node_new_scalar("8 800 100"));
	crm_map_set(r->map, "phones", phones);
	s = card(r, "ООО Ромашка", false);
	cr_assert(strncmp(s, "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Иван Петров\r\n"
			  "N:Петров;Иван;;;\r\nORG:ООО Ромашка\r\n"
			  "TITLE:Директор\\; главный\r\n"
			  "TEL;VALUE=uri;TYPE=voice:tel:+74951234567\r\n"
			  "TEL;TYPE=voice:8 800 100\r\n"
			  "NOTE:a\\, b\\nc\\\\d\r\n"
			  "UID;VALUE=text:7k2m9xqa4d@crm\r\n"
			  "REV:20260301T100000Z\r\nEND:VCARD\r\n", strlen(s)) == 0,
		  "%s", s);
	free(s);
	crm_record_free(r);
}

Test(vcard, contact_3_0)
{
	struct crm_record *r = contact("Cher", NULL);
	struct crm_node *phones = crm_node_new_seq();
	char *s;

	crm_seq_push(phones, crm_node_new_scalar("+7 495 123-45-67"));
	crm_map_set(r->map, "phones", phones);
	s = card(r, NULL, true);
	cr_assert_str_eq(s, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cher\r\n"
			 "N:Cher;;;;\r\nTEL;TYPE=VOICE:+7 495 123-45-67\r\n"
			 "UID:7k2m9xqa4d@crm\r\nREV:2026-03-01T10:00:00Z\r\n"
			 "END:VCARD\r\n");
	free(s);
	crm_record_free(r);
}

/* The length of the line of s that starts at *at (without its CR LF);
 * *at moves to the next line. */
static size_t line_len(const char **at)
{
	const char *end = strstr(*at, "\r\n");
	size_t n;

	cr_assert(end);
	n = (size_t)(end - *at);
	*at = end + 2;
	return n;
}

Test(vcard, folds_on_character_boundaries)
{
	/* "NOTE:a" and 100 two-octet letters: the 75th octet falls inside
	 * the 35th letter, so the first line ends before it (74 octets:
	 * "NOTE:a" and 34 letters); the second is a space and 37 letters
	 * (75 octets); the third a space and the last 29 (59) */
	static const char *kv[] = {"notes", NULL, NULL};
	struct crm_buf text = {0};
	struct crm_record *r;
	const char *at;
	char *s;
	size_t i;

	crm_buf_adds(&text, "a");
	for (i = 0; i < 100; i++)
		crm_buf_adds(&text, "ж");
	kv[1] = text.s;
	r = contact("X", kv);
	s = card(r, NULL, false);
	at = strstr(s, "NOTE:");
	cr_assert(at);
	cr_assert_eq(line_len(&at), 74);
	cr_assert_eq(at[0], ' ');
	cr_assert_eq(line_len(&at), 75);
	cr_assert_eq(at[0], ' ');
	cr_assert_eq(line_len(&at), 59);
	cr_assert_eq(strncmp(at, "UID", 3), 0);
	free(s);
	crm_buf_free(&text);
	crm_record_free(r);
}

Test(vcard, company_kind_org)
{
	struct crm_record *r = crm_record_new(CRM_COMPANY, "q4r5s6t7v8",
					      "ООО Ромашка", NOW);
	char *s;

	crm_map_set_str(r->map, "address", "Москва, ул. Тверская; д. 1");
	s = card(r, NULL, false);
	cr_assert(strstr(s, "\r\nKIND:org\r\n"), "%s", s);
	cr_assert(strstr(s, "\r\nORG:ООО Ромашка\r\n"), "%s", s);
	cr_assert(strstr(s, "\r\nADR:;;Москва\\, ул. Тверская\\; д. 1;;;;\r\n"),
		  "%s", s);
	cr_assert_null(strstr(s, "\r\nN:"), "no N for a company in 4.0");
	free(s);
	crm_record_free(r);
}

Test(csv, formula_cells)
{
	cr_assert(cli_csv_formula("=1+2"));
	cr_assert(cli_csv_formula("+74951234567"));
	cr_assert(cli_csv_formula("+7"));
	cr_assert(cli_csv_formula("@SUM(A1)"));
	cr_assert(cli_csv_formula("\tx"));
	cr_assert(cli_csv_formula("\r=1"));
	cr_assert(cli_csv_formula("-2+3+cmd|' /C calc'!A0"));
	cr_assert(cli_csv_formula("-"));
	cr_assert(cli_csv_formula("-1."));
	cr_assert_not(cli_csv_formula("-12.5"));
	cr_assert_not(cli_csv_formula("-7"));
	cr_assert_not(cli_csv_formula("12"));
	cr_assert_not(cli_csv_formula(""));
	cr_assert_not(cli_csv_formula("a=b"));
}
