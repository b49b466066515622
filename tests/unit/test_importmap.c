/*
 * test_importmap.c - the fields crm import guesses for the headers of
 * CSV exports (English, Russian, amoCRM, Bitrix24), the type it guesses,
 * and --map / map files.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

/* A sheet of one row, the headers h[0..n). */
static struct crm_sheet *header_sheet(const char *const *h, size_t n)
{
	struct crm_sheet *s = calloc(1, sizeof(*s));

	s->nrows = 1;
	s->rows = calloc(1, sizeof(*s->rows));
	s->rows[0].line = 1;
	s->rows[0].ncells = n;
	s->rows[0].cells = (const char **)h;
	return s;
}

static void free_sheet(struct crm_sheet *s)
{
	free(s->rows);
	free(s);
}

/* Expects the guessed fields of headers h for type t to be want (NULL:
 * not imported). */
static void expect_map(enum crm_type t, const char *const *h,
		       const char *const *want, size_t n)
{
	struct crm_sheet *s = header_sheet(h, n);
	struct crm_import_map m;
	size_t i;

	crm_import_map_guess(s, t, &m);
	cr_assert_eq(m.ncols, n);
	for (i = 0; i < n; i++) {
		if (want[i] == NULL)
			cr_expect_null(m.cols[i].field, "'%s' is not imported, "
				       "not '%s'", h[i], m.cols[i].field);
		else
			cr_expect(m.cols[i].field &&
				  strcmp(m.cols[i].field, want[i]) == 0,
				  "'%s' -> '%s', not '%s'", h[i], want[i],
				  m.cols[i].field ? m.cols[i].field : "(none)");
	}
	crm_import_map_free(&m);
	free_sheet(s);
}

Test(importmap, russian_contacts)
{
	static const char *const h[] = {
		"Фамилия", "Имя", "Отчество", "Компания", "Должность",
		"Телефон", "Мобильный телефон", "E-mail", "Почта", "ИНН",
		"Адрес", "Ответственный", "Источник", "Теги", "Примечание",
		"День рождения", "Город",
	};
	static const char *const want[] = {
		"last_name", "first_name", "middle_name", "company", "role",
		"phones", "phones", "emails", "emails", "tax_id", "address",
		"owner", "source", "tags", "notes", "birthday", NULL,
	};

	expect_map(CRM_CONTACT, h, want, sizeof(h) / sizeof(h[0]));
}

Test(importmap, bitrix24_and_amocrm_contacts)
{
	static const char *const h[] = {
		"ID", "Имя", "Фамилия", "Рабочий телефон", "Домашний телефон",
		"Рабочий e-mail", "Частный e-mail", "Дата рождения",
		"Комментарий", "Полное имя контакта", "Рабочий email",
	};
	static const char *const want[] = {
		"id", "first_name", "last_name", "phones", "phones", "emails",
		"emails", "birthday", "notes", "name", "emails",
	};

	expect_map(CRM_CONTACT, h, want, sizeof(h) / sizeof(h[0]));
}

Test(importmap, english_and_case)
{
	static const char *const h[] = {
		"First Name", "LAST NAME", "Company", "Job Title", "Phone 1",
		"Phone 2", "Email", "notes", "Telegram", "  Tags ",
	};
	static const char *const want[] = {
		"first_name", "last_name", "company", "role", "phones",
		"phones", "emails", "notes", NULL, "tags",
	};

	expect_map(CRM_CONTACT, h, want, sizeof(h) / sizeof(h[0]));
}

Test(importmap, companies_and_deals)
{
	static const char *const hc[] = {"Компания", "ИНН", "Сайт", "Телефон"};
	static const char *const wc[] = {"name", "tax_id", "website", "phones"};
	static const char *const hd[] = {
		"Название сделки", "Компания", "Бюджет", "Этап", "Ответственный",
	};
	static const char *const wd[] = {
		"name", "company", "amount", "stage", "owner",
	};

	expect_map(CRM_COMPANY, hc, wc, 4);
	expect_map(CRM_DEAL, hd, wd, 5);
}

Test(importmap, one_column_per_field)
{
	static const char *const h[] = {"Name", "ФИО", "Phone", "Tel"};
	static const char *const want[] = {"name", NULL, "phones", "phones"};

	expect_map(CRM_CONTACT, h, want, 4);
}

Test(importmap, guessed_type)
{
	static const char *const deal[] = {"Название", "Сумма"};
	static const char *const co[] = {"Организация", "ИНН", "Телефон"};
	static const char *const cn[] = {"Компания", "ФИО", "Телефон"};
	struct crm_sheet *s;

	s = header_sheet(deal, 2);
	cr_expect_eq(crm_import_guess_type(s), CRM_DEAL);
	free_sheet(s);
	s = header_sheet(co, 3);
	cr_expect_eq(crm_import_guess_type(s), CRM_COMPANY);
	free_sheet(s);
	s = header_sheet(cn, 3);
	cr_expect_eq(crm_import_guess_type(s), CRM_CONTACT);
	free_sheet(s);
}

Test(importmap, set_and_files)
{
	static const char *const h[] = {"Клиент", "Моб.", "Город"};
	struct crm_sheet *s = header_sheet(h, 3);
	struct crm_import_map m;
	struct crm_err err = {0};
	struct crm_buf b = {0};

	crm_import_map_guess(s, CRM_CONTACT, &m);
	cr_expect_null(m.cols[0].field);
	cr_expect_str_eq(m.cols[1].field, "phones");
	cr_assert_eq(crm_import_map_set(&m, CRM_CONTACT, "клиент=name", NULL,
					&err), CRM_OK, "%s", err.msg);
	cr_expect_str_eq(m.cols[0].field, "name");
	cr_assert_eq(crm_import_map_set(&m, CRM_CONTACT, "3=city", NULL, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_str_eq(m.cols[2].field, "city");
	cr_expect_eq(crm_import_map_set(&m, CRM_CONTACT, "2=-", NULL, &err),
		     CRM_OK);
	cr_expect_null(m.cols[1].field);
	cr_expect_eq(crm_import_map_set(&m, CRM_CONTACT, "Nope=name", NULL,
					&err), CRM_EUSAGE);
	cr_expect(strstr(err.msg, "Nope") != NULL, "%s", err.msg);
	cr_expect_eq(crm_import_map_set(&m, CRM_CONTACT, "1=stage", NULL,
					&err), CRM_EUSAGE);
	cr_expect_eq(crm_import_map_set(&m, CRM_CONTACT, "9=name", NULL,
					&err), CRM_EUSAGE);
	cr_expect_eq(crm_import_map_set(&m, CRM_CONTACT, "noequals", NULL,
					&err), CRM_EUSAGE);
	crm_import_map_write(&m, &b);
	cr_expect(strstr(b.s, "Клиент=name\n") != NULL, "%s", b.s);
	cr_expect(strstr(b.s, "Моб.=-\n") != NULL, "%s", b.s);
	crm_import_map_free(&m);

	crm_import_map_guess(s, CRM_CONTACT, &m);
	cr_assert_eq(crm_import_map_load(&m, CRM_CONTACT, "x.map", b.s, NULL,
					 &err), CRM_OK, "%s", err.msg);
	cr_expect_str_eq(m.cols[0].field, "name");
	cr_expect_null(m.cols[1].field);
	cr_expect_str_eq(m.cols[2].field, "city");
	cr_expect_eq(crm_import_map_load(&m, CRM_CONTACT, "x.map",
					 "# c\n\nКлиент=name\nbad line\n", NULL,
					 &err), CRM_EUSAGE);
	cr_expect(strstr(err.msg, "'x.map': line 4") != NULL, "%s", err.msg);
	crm_buf_free(&b);
	crm_import_map_free(&m);
	free_sheet(s);
}
