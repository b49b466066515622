/*
 * test_sheet.c - spreadsheets for crm import (sheet.c, through
 * crm-sheet.so): each file of tests/data/import read to the exact cells
 * or the exact error, and the bounds on bytes built here.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "crm.h"
#include "module.h"
#include "sheet.h"

static char data_dir[PATH_MAX];
static char *buf;
static size_t buf_len;
static struct crm_sheet *sh;

/* The modules built next to this test program, and the corpus two
 * levels up from it (build/unit-tests: tests/data/import). */
static void setup(void)
{
	char dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	char *slash;

	cr_assert(n > 0);
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	cr_assert(slash);
	*slash = '\0';
	crm_module_set_dir(dir);
	slash = strrchr(dir, '/');
	cr_assert(slash);
	*slash = '\0';
	cr_assert(snprintf(data_dir, sizeof(data_dir), "%s/tests/data/import",
			   dir) < (int)sizeof(data_dir));
}

static void teardown(void)
{
	crm_sheet_free(sh);
	sh = NULL;
	free(buf);
	buf = NULL;
}

TestSuite(sheet, .init = setup, .fini = teardown);

/* Loads the corpus file name into buf. */
static void load(const char *name)
{
	char path[PATH_MAX + 64];
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", data_dir, name);
	f = fopen(path, "rb");
	cr_assert(f, "%s", path);
	cr_assert(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	cr_assert(n >= 0);
	rewind(f);
	free(buf);
	buf = malloc((size_t)n + 1);
	cr_assert(buf);
	cr_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	buf_len = (size_t)n;
}

/* Reads buf as o says (NULL: detect all), which must succeed. */
static void read_buf(const char *name, const struct crm_sheet_opts *o)
{
	struct crm_err err = {0};

	crm_sheet_free(sh);
	sh = NULL;
	cr_assert_eq(crm_sheet_read(name, buf, buf_len, o, &sh, &err), CRM_OK,
		     "%s: %s", name, err.msg);
	cr_assert(sh);
}

/* Reads corpus file name, which must succeed. */
static void read_ok(const char *name, const struct crm_sheet_opts *o)
{
	load(name);
	read_buf(name, o);
}

/* Reads buf as o says, which must fail with message msg. */
static void read_fails(const char *name, const struct crm_sheet_opts *o,
		       const char *msg)
{
	struct crm_err err = {0};
	struct crm_sheet *s = (struct crm_sheet *)&err;

	cr_assert_eq(crm_sheet_read(name, buf, buf_len, o, &s, &err), CRM_ERR);
	cr_assert_null(s);
	cr_assert_str_eq(err.msg, msg);
}

/* Row i starts on line and holds exactly the cells given, NULL ended,
 * and no error. */
static void row_is(size_t i, size_t line, ...)
{
	const struct crm_sheet_row *r;
	const char *cell;
	size_t n = 0;
	va_list ap;

	cr_assert_lt(i, sh->nrows, "row %zu of %zu", i, sh->nrows);
	r = &sh->rows[i];
	cr_assert_eq(r->line, line, "row %zu: line %zu", i, r->line);
	cr_assert_null(r->error, "row %zu: %s", i, r->error);
	va_start(ap, line);
	while ((cell = va_arg(ap, const char *)) != NULL) {
		cr_assert_lt(n, r->ncells, "row %zu: %zu cells", i, r->ncells);
		cr_assert_str_eq(r->cells[n], cell, "row %zu, cell %zu", i, n);
		n++;
	}
	va_end(ap);
	cr_assert_eq(r->ncells, n, "row %zu: %zu cells, not %zu", i,
		     r->ncells, n);
}

/* Row i starts on line, holds ncells cells and has error at eline,
 * ecol. */
static void row_broken(size_t i, size_t line, size_t ncells,
		       const char *error, size_t eline, size_t ecol)
{
	const struct crm_sheet_row *r;

	cr_assert_lt(i, sh->nrows);
	r = &sh->rows[i];
	cr_assert_eq(r->line, line, "row %zu: line %zu", i, r->line);
	cr_assert_eq(r->ncells, ncells, "row %zu: %zu cells", i, r->ncells);
	cr_assert(r->error, "row %zu has no error", i);
	cr_assert_str_eq(r->error, error);
	cr_assert_eq(r->error_line, eline, "row %zu: error line %zu", i,
		     r->error_line);
	cr_assert_eq(r->error_col, ecol, "row %zu: error column %zu", i,
		     r->error_col);
}

/* ---- CSV ---- */

Test(sheet, rfc4180)
{
	read_ok("rfc4180.csv", NULL);
	cr_assert_str_eq(sh->encoding, "UTF-8");
	cr_assert_eq(sh->delimiter, ',');
	cr_assert_null(sh->sheet_name);
	cr_assert_eq(sh->nrows, 5);
	row_is(0, 1, "name", "note", "phone", NULL);
	row_is(1, 2, "Иванов, Иван", "сказал \"привет\"", "+7 495 123-45-67",
	       NULL);
	row_is(2, 3, "ООО «Ромашка»", "строка один\r\nстрока два", "", NULL);
	/* ",," on line 5 is an empty row, dropped. */
	row_is(3, 6, "plain", "", "x", "", NULL);
	row_is(4, 7, "last", "row", "no newline", NULL);
	cr_assert_str_eq(crm_sheet_cell(sh, 1, 0), "Иванов, Иван");
	cr_assert_str_eq(crm_sheet_cell(sh, 1, 3), "");
	cr_assert_str_eq(crm_sheet_cell(sh, 9, 0), "");
}

Test(sheet, utf8_bom)
{
	read_ok("utf8-bom.csv", NULL);
	cr_assert_str_eq(sh->encoding, "UTF-8");
	cr_assert_eq(sh->nrows, 2);
	row_is(0, 1, "имя", "телефон", NULL);
	row_is(1, 2, "Анна", "+7 916 000-00-01", NULL);
}

Test(sheet, utf16le_bom)
{
	read_ok("utf16le-bom.csv", NULL);
	cr_assert_str_eq(sh->encoding, "UTF-16LE");
	cr_assert_eq(sh->delimiter, '\t');
	cr_assert_eq(sh->nrows, 2);
	row_is(0, 1, "Имя", "Компания", NULL);
	row_is(1, 2, "Иванов Иван", "ООО «Ромашка»", NULL);
}

Test(sheet, utf16be_bom)
{
	static const char be[] = "\xfe\xff\x04\x18\x00,\x00x\x00\n";

	buf = malloc(sizeof(be));
	memcpy(buf, be, sizeof(be));
	buf_len = sizeof(be) - 1;
	read_buf("be.csv", NULL);
	cr_assert_str_eq(sh->encoding, "UTF-16BE");
	cr_assert_eq(sh->nrows, 1);
	row_is(0, 1, "И", "x", NULL);
}

Test(sheet, windows_1251_detected)
{
	read_ok("windows-1251.csv", NULL);
	cr_assert_str_eq(sh->encoding, "WINDOWS-1251");
	cr_assert_eq(sh->delimiter, ';');
	cr_assert_eq(sh->nrows, 4);
	row_is(0, 1, "Фамилия", "Имя", "Компания", "Город", NULL);
	row_is(1, 2, "Иванов", "Иван", "ООО «Ромашка»", "Москва", NULL);
	row_is(2, 3, "Петров", "Пётр", "ЗАО «Лютик»", "Санкт-Петербург", NULL);
	row_is(3, 4, "Сидорова", "Мария", "ИП Сидорова", "Новосибирск", NULL);
}

Test(sheet, koi8r_detected)
{
	read_ok("koi8-r.csv", NULL);
	cr_assert_str_eq(sh->encoding, "KOI8-R");
	cr_assert_eq(sh->delimiter, ',');
	cr_assert_eq(sh->nrows, 4);
	row_is(0, 1, "фамилия", "имя", "компания", "город", NULL);
	row_is(1, 2, "Иванов", "Иван", "ООО \"Ромашка\"", "Москва", NULL);
	row_is(3, 4, "Сидорова", "Мария", "ИП Сидорова", "Новосибирск", NULL);
}

Test(sheet, encoding_given)
{
	struct crm_sheet_opts o = {.encoding = "cp1251"};

	read_ok("windows-1251.csv", &o);
	cr_assert_str_eq(sh->encoding, "CP1251");
	row_is(1, 2, "Иванов", "Иван", "ООО «Ромашка»", "Москва", NULL);
	/* Read as what it is not, it is other letters, still UTF-8. */
	o.encoding = "koi8-r";
	read_buf("windows-1251.csv", &o);
	cr_assert_str_neq(crm_sheet_cell(sh, 1, 0), "Иванов");
	cr_assert_eq(sh->nrows, 4);
}

Test(sheet, encoding_unknown)
{
	struct crm_sheet_opts o = {.encoding = "no-such-charset"};

	load("windows-1251.csv");
	read_fails("w.csv", &o, "'w.csv': unknown encoding 'no-such-charset'");
}

Test(sheet, valid_utf8_is_utf8)
{
	/* Valid UTF-8 that a detector might take for Latin-1. */
	buf = strdup("caf\xc3\xa9,na\xc3\xafve\n");
	buf_len = strlen(buf);
	read_buf("u.csv", NULL);
	cr_assert_str_eq(sh->encoding, "UTF-8");
	row_is(0, 1, "café", "naïve", NULL);
}

Test(sheet, semicolons)
{
	read_ok("semicolon.csv", NULL);
	cr_assert_eq(sh->delimiter, ';');
	cr_assert_eq(sh->nrows, 3);
	row_is(0, 1, "name", "city", "amount", NULL);
	row_is(1, 2, "Anna", "Baku", "1,5", NULL);
	row_is(2, 3, "Əli Həsənov", "Gəncə", "2,75", NULL);
}

Test(sheet, tabs)
{
	read_ok("tab.tsv", NULL);
	cr_assert_eq(sh->delimiter, '\t');
	cr_assert_eq(sh->nrows, 3);
	row_is(0, 1, "name", "phone", "note", NULL);
	row_is(1, 2, "Anna", "+994 12 000 00 00", "a\ttab", NULL);
	/* Spaces around a field are dropped, tabs are delimiters. */
	row_is(2, 3, "Şəhla", "", "ok", NULL);
}

Test(sheet, one_column)
{
	buf = strdup("name\nАнна\nБорис\n");
	buf_len = strlen(buf);
	read_buf("one.csv", NULL);
	cr_assert_eq(sh->nrows, 3);
	row_is(2, 3, "Борис", NULL);
}

Test(sheet, empty_rows_and_columns)
{
	read_ok("empty-rows-cols.csv", NULL);
	cr_assert_eq(sh->nrows, 3);
	row_is(0, 1, "a", "", "c", NULL);
	row_is(1, 4, "d", "", "f", NULL);
	row_is(2, 6, "", "x", "", NULL);
}

Test(sheet, long_field)
{
	size_t i;

	read_ok("long-field.csv", NULL);
	cr_assert_eq(sh->nrows, 3);
	cr_assert_eq(sh->rows[1].ncells, 2);
	cr_assert_eq(strlen(sh->rows[1].cells[1]), 200000);
	for (i = 0; i < 200000; i += 2)
		cr_assert_eq(memcmp(sh->rows[1].cells[1] + i, "ж", 2), 0);
	row_is(2, 3, "2", "short", NULL);
}

Test(sheet, cell_too_long)
{
	size_t n = CRM_SHEET_MAX_CELL + 1;

	buf = malloc(n + 32);
	memcpy(buf, "a,b\nx,", 6);
	memset(buf + 6, 'z', n);
	memcpy(buf + 6 + n, "\nc,d\n", 5);
	buf_len = 6 + n + 5;
	read_buf("long.csv", NULL);
	cr_assert_eq(sh->nrows, 3);
	row_broken(1, 2, 2, "a cell longer than 1 MiB", 2, 3);
	cr_assert_str_eq(sh->rows[1].cells[0], "x");
	cr_assert_str_eq(sh->rows[1].cells[1], "");
	row_is(2, 3, "c", "d", NULL);
}

Test(sheet, too_many_columns)
{
	size_t i, at = 0;

	buf = malloc(4 * 1002 + 16);
	for (i = 0; i < 1001; i++)
		at += (size_t)sprintf(buf + at, i ? ",%zu" : "%zu", i % 10);
	at += (size_t)sprintf(buf + at, "\nok,fine\n");
	buf_len = at;
	read_buf("wide.csv", NULL);
	cr_assert_eq(sh->nrows, 2);
	/* Field 1001 starts at character 2001. */
	row_broken(0, 1, 1000, "more than 1000 columns", 1, 2001);
	row_is(1, 2, "ok", "fine", NULL);
}

Test(sheet, formulas_are_text)
{
	read_ok("formulas.csv", NULL);
	cr_assert_eq(sh->nrows, 2);
	row_is(0, 1, "=SUM(A1:A3)", "=1+2", "=HYPERLINK(\"http://x\")", NULL);
	row_is(1, 2, "+1", "-2", "@cmd", NULL);
}

Test(sheet, invalid_utf8_row)
{
	read_ok("invalid-utf8.csv", NULL);
	cr_assert_str_eq(sh->encoding, "UTF-8");
	cr_assert_eq(sh->nrows, 4);
	row_is(1, 2, "Анна", "Москва", NULL);
	row_broken(2, 3, 2, "invalid UTF-8", 3, 7);
	cr_assert_str_eq(sh->rows[2].cells[1], "\xef\xbf\xbd\xef\xbf\xbdБаку");
	row_is(3, 4, "Вера", "Казань", NULL);
}

Test(sheet, broken_quotes)
{
	read_ok("broken-quote.csv", NULL);
	cr_assert_eq(sh->nrows, 5);
	row_is(0, 1, "a", "b", "c", NULL);
	row_broken(1, 2, 1, "a stray quote in an unquoted field", 2, 4);
	row_is(2, 3, "4", "5", "6", NULL);
	row_broken(3, 4, 0, "text after a closing quote", 4, 4);
	row_is(4, 5, "10", "11", "12", NULL);
}

Test(sheet, unterminated_quote)
{
	read_ok("unterminated-quote.csv", NULL);
	cr_assert_eq(sh->nrows, 4);
	row_is(0, 1, "name", "note", NULL);
	row_broken(1, 2, 1, "unterminated quoted field", 2, 6);
	row_is(2, 3, "Борис", "ok", NULL);
	row_is(3, 4, "Вера", "fine", NULL);
}

Test(sheet, quote_opened_on_a_later_line)
{
	/* The row starts on line 2, its second quoted field opens on line 3
	 * and never closes: reading goes on on line 4. */
	buf = strdup("h1,h2\n\"multi\nline\",\"open\nnext,row\n");
	buf_len = strlen(buf);
	read_buf("q.csv", NULL);
	cr_assert_eq(sh->nrows, 3);
	row_broken(1, 2, 1, "unterminated quoted field", 3, 7);
	cr_assert_str_eq(sh->rows[1].cells[0], "multi\nline");
	row_is(2, 4, "next", "row", NULL);
}

Test(sheet, crlf_lf_and_no_final_newline)
{
	buf = strdup("a,b\r\nc,d\ne,f");
	buf_len = strlen(buf);
	read_buf("n.csv", NULL);
	cr_assert_eq(sh->nrows, 3);
	row_is(0, 1, "a", "b", NULL);
	row_is(1, 2, "c", "d", NULL);
	row_is(2, 3, "e", "f", NULL);
}

Test(sheet, empty_file)
{
	buf = strdup("");
	buf_len = 0;
	read_buf("e.csv", NULL);
	cr_assert_eq(sh->nrows, 0);
	cr_assert_eq(sh->delimiter, ',');
}

/* ---- xlsx ---- */

Test(sheet, xlsx_strings_numbers)
{
	read_ok("types.xlsx", NULL);
	cr_assert_eq(sh->delimiter, 0);
	cr_assert_str_eq(sh->sheet_name, "Контакты");
	cr_assert_eq(sh->nrows, 3);
	row_is(0, 1, "Имя", "Телефон", "ИНН", "Сумма", "Активен", "Ошибка",
	       "Формула", NULL);
	/* The formula has no value saved: openpyxl does not compute. */
	row_is(1, 2, "Иванов Иван", "74951234567", "770123456789", "1234.5",
	       "TRUE", "#N/A", NULL);
	row_is(2, 3, "ООО «Ромашка»", "79161234567", "7701234567", "-0.25",
	       "FALSE", "#DIV/0!", NULL);
}

Test(sheet, xlsx_by_hand)
{
	/* Shared strings (a count that lies, rich runs, a phonetic run,
	 * xml:space), an inline string, exponents, a formula's string,
	 * skipped rows and columns, a bad shared string index. */
	read_ok("handmade.xlsx", NULL);
	cr_assert_str_eq(sh->sheet_name, "Sheet1");
	cr_assert_eq(sh->nrows, 3);
	row_is(0, 1, "Имя", "", "ООО «Ромашка»", NULL);
	row_is(1, 3, "Иванов", "74951234567", "1.0E-3", "1.5E20", "Иванов",
	       NULL);
	row_broken(2, 7, 3, "a shared string that is not in the workbook", 7, 4);
	cr_assert_str_eq(sh->rows[2].cells[1], "  пробелы  ");
	cr_assert_str_eq(sh->rows[2].cells[2], "обрезать");
}

Test(sheet, xlsx_dates_1900)
{
	read_ok("dates-1900.xlsx", NULL);
	cr_assert_eq(sh->nrows, 3);
	row_is(0, 1, "Дата", "Время", "Свой", "Лотус", "Число", "Дни", NULL);
	row_is(1, 2, "2024-03-15", "2024-03-15 14:30", "2024-03-15",
	       "1900-02-29", "45366", "45366", NULL);
	row_is(2, 3, "1900-01-01", "1900-02-28", "1900-03-01", NULL);
}

Test(sheet, xlsx_dates_1904)
{
	read_ok("dates-1904.xlsx", NULL);
	cr_assert_eq(sh->nrows, 3);
	row_is(1, 2, "2024-03-15", NULL);
	row_is(2, 3, "1904-01-01 06:00", NULL);
}

Test(sheet, xlsx_merged_header)
{
	read_ok("merged.xlsx", NULL);
	cr_assert_eq(sh->nrows, 3);
	row_is(0, 1, "Контакт", "Контакт", "Контакт", "Телефон", NULL);
	row_is(1, 2, "Имя", "Фамилия", "Компания", "Телефон", NULL);
	row_is(2, 3, "Иван", "Иванов", "ООО «Ромашка»", "+7 495 123-45-67",
	       NULL);
}

Test(sheet, xlsx_sheet_by_name)
{
	struct crm_sheet_opts o = {.sheet = "Контакты"};

	read_ok("two-sheets.xlsx", NULL);
	cr_assert_str_eq(sh->sheet_name, "Компании");
	row_is(0, 1, "ООО «Ромашка»", "7701234567", NULL);
	read_buf("two-sheets.xlsx", &o);
	cr_assert_str_eq(sh->sheet_name, "Контакты");
	cr_assert_eq(sh->nrows, 2);
	row_is(0, 1, "Иванов Иван", "ООО «Ромашка»", NULL);
	row_is(1, 2, "Əli Həsənov", "Gəncə", NULL);
}

Test(sheet, xlsx_no_such_sheet)
{
	struct crm_sheet_opts o = {.sheet = "Сделки"};

	load("two-sheets.xlsx");
	read_fails("b.xlsx", &o, "'b.xlsx': no sheet 'Сделки'; the workbook "
		   "has 'Компании', 'Контакты'");
}

Test(sheet, xlsx_truncated)
{
	load("truncated.xlsx");
	read_fails("truncated.xlsx", NULL, "'truncated.xlsx': not a workbook: "
		   "the zip is truncated or damaged (Not a zip archive)");
}

Test(sheet, xlsx_forced_on_text)
{
	struct crm_sheet_opts o = {.format = CRM_SHEET_XLSX};

	load("rfc4180.csv");
	read_fails("r.xlsx", &o, "'r.xlsx': not a workbook: the zip is "
		   "truncated or damaged (Not a zip archive)");
}

Test(sheet, xlsx_billion_laughs)
{
	load("billion-laughs.xlsx");
	read_fails("l.xlsx", NULL, "'l.xlsx': xl/sharedStrings.xml: line 1, "
		   "column 37: forbidden DTD");
}

Test(sheet, xlsx_huge_shared_strings)
{
	load("huge-shared-strings.xlsx");
	read_fails("h.xlsx", NULL, "'h.xlsx': xl/sharedStrings.xml: line 1, "
		   "column 20971641: more than 4194304 shared strings");
}

Test(sheet, xlsx_zip_bomb)
{
	load("zip-bomb.xlsx");
	read_fails("z.xlsx", NULL, "'z.xlsx': xl/worksheets/sheet1.xml: "
		   "inflates to more than 256 MiB (a zip bomb?)");
}

Test(sheet, xlsx_zip_bomb_lying)
{
	load("zip-bomb-lying.xlsx");
	read_fails("z.xlsx", NULL, "'z.xlsx': xl/worksheets/sheet1.xml: "
		   "inflates to more than its size in the zip says (a zip "
		   "bomb?)");
}

Test(sheet, no_encoding_detected)
{
	buf = strdup("\x80\x81\x82\x83\x84");
	buf_len = strlen(buf);
	read_fails("x.csv", NULL, "'x.csv': the text is in no encoding that "
		   "can be detected; name it");
}

Test(sheet, bad_bytes_in_another_encoding)
{
	/* 0x98 is no character of Windows-1251. */
	struct crm_sheet_opts o = {.encoding = "WINDOWS-1251"};

	buf = strdup("\xc8\xec\xff,x\n\xc0\x98\xc1,y\n");
	buf_len = strlen(buf);
	read_buf("w.csv", &o);
	cr_assert_eq(sh->nrows, 2);
	row_is(0, 1, "Имя", "x", NULL);
	row_broken(1, 2, 2, "bytes invalid in the file's encoding", 2, 2);
	cr_assert_str_eq(sh->rows[1].cells[0], "А\xef\xbf\xbdБ");
}

Test(sheet, xlsx_deep_nesting)
{
	load("deep-nesting.xlsx");
	read_fails("d.xlsx", NULL, "'d.xlsx': xl/worksheets/sheet1.xml: line 1, "
		   "column 275: elements nested too deep");
}

Test(sheet, xlsx_zip_without_workbook)
{
	load("not-a-workbook.xlsx");
	read_fails("n.xlsx", NULL, "'n.xlsx': not a workbook: it has no "
		   "xl/workbook.xml");
}

Test(sheet, utf8_given)
{
	struct crm_sheet_opts o = {.encoding = "utf-8"};

	read_ok("invalid-utf8.csv", &o);
	cr_assert_str_eq(sh->encoding, "UTF-8");
	row_broken(2, 3, 2, "invalid UTF-8", 3, 7);
}

Test(sheet, xlsx_merges_odd)
{
	/* Rows stay in the file's order; a merged range fills the rows the
	 * sheet has, within its cells. */
	read_ok("merged-odd.xlsx", NULL);
	cr_assert_eq(sh->nrows, 2);
	row_is(0, 3, "top", "top", "c3", NULL);
	row_is(1, 1, "top", "top", NULL);
}

Test(sheet, xlsx_limits)
{
	read_ok("limits.xlsx", NULL);
	cr_assert_eq(sh->nrows, 3);
	row_broken(0, 1, 1, "a cell longer than 1 MiB", 1, 2);
	cr_assert_str_eq(sh->rows[0].cells[0], "ok");
	row_broken(1, 2, 1, "more than 1000 columns", 2, 1001);
	cr_assert_str_eq(sh->rows[1].cells[0], "x");
	row_is(2, 3, "1", NULL);
}
