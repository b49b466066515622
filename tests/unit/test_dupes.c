/*
 * test_dupes.c - the same client twice: name keys across scripts
 * (crm-icu.so, built next to this program), the matcher over a real
 * store's index, and merging one record into another.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "crm.h"
#include "fixture.h"
#include "module.h"

#define NOW ((time_t)1772359200) /* 2026-03-01T10:00:00Z */

static char module_dir[4096];

/* The modules built next to this test program, as the CLI finds them. */
__attribute__((constructor)) static void find_modules(void)
{
	ssize_t n = readlink("/proc/self/exe", module_dir,
			     sizeof(module_dir) - 1);
	char *slash;

	if (n <= 0)
		return;
	module_dir[n] = '\0';
	if ((slash = strrchr(module_dir, '/')) == NULL)
		return;
	*slash = '\0';
	crm_module_set_dir(module_dir);
}

/* crm_name_key of name for type t equals want. */
static void key_is(const char *name, enum crm_type t, const char *want)
{
	char *k = crm_name_key(name, t);

	cr_expect_str_eq(k, want, "key of '%s'", name);
	free(k);
}

Test(namekey, cyrillic_and_latin_meet)
{
	key_is("Иванов Иван", CRM_CONTACT, "ivan ivanov");
	key_is("Ivanov Ivan", CRM_CONTACT, "ivan ivanov");
	key_is("Ромашка", CRM_COMPANY, "romashka");
	key_is("ООО «Ромашка»", CRM_COMPANY, "romashka");
	key_is("Romashka LLC", CRM_COMPANY, "romashka");
	key_is("Щукин Юрий", CRM_CONTACT, "shchukin yury");
	key_is("Елена Хабибуллина", CRM_CONTACT, "elena habibullina");
	key_is("Elena Khabibullina", CRM_CONTACT, "elena habibullina");
}

Test(namekey, word_order_of_people_only)
{
	key_is("Иван Иванов", CRM_CONTACT, "ivan ivanov");
	key_is("Иванов Иван", CRM_CONTACT, "ivan ivanov");
	key_is("Альфа Банк", CRM_COMPANY, "alfa bank");
	key_is("Банк Альфа", CRM_COMPANY, "bank alfa");
}

Test(namekey, legal_forms_and_quotes)
{
	key_is("ЗАО \"Вектор\"", CRM_COMPANY, "vektor");
	key_is("ПАО 'Вектор'", CRM_COMPANY, "vektor");
	key_is("АО „Вектор“", CRM_COMPANY, "vektor");
	key_is("Vektor GmbH", CRM_COMPANY, "vektor");
	key_is("Acme, Inc.", CRM_COMPANY, "acme");
	key_is("Acme Ltd", CRM_COMPANY, "acme");
	key_is("ИП Сидоров", CRM_COMPANY, "sidorov");
	key_is("ООО", CRM_COMPANY, "");
	key_is("«»", CRM_COMPANY, "");
	key_is("", CRM_COMPANY, "");
}

Test(namekey, azerbaijani)
{
	key_is("Məmmədov Əli", CRM_CONTACT, "ali mammadov");
	key_is("Mammadov Ali", CRM_CONTACT, "ali mammadov");
	key_is("Şirin Ağayev", CRM_CONTACT, "agaev sirin");
	key_is("Sirin Agayev", CRM_CONTACT, "agaev sirin");
	key_is("Ширин Агаев", CRM_CONTACT, "agaev shirin");
	key_is("Gülşən Çələbi", CRM_CONTACT, "calabi gulsan");
	key_is("İlqar Öztürk", CRM_CONTACT, "ilqar ozturk");
	key_is("\"Azər-Qaz\" MMC", CRM_COMPANY, "azar qaz");
	key_is("Bakı ASC", CRM_COMPANY, "baki");
}

Test(namekey, folded_key_is_not_transliterated)
{
	char *fold, *latin;

	crm_name_keys("ООО «Ромашка»", CRM_COMPANY, NULL, &fold, &latin);
	cr_expect_str_eq(fold, "ромашка");
	cr_expect_str_eq(latin, "romashka");
	free(fold);
	free(latin);
}

Test(namekey, cache_gives_the_same_keys)
{
	struct crm_name_cache *c = crm_name_cache_new();
	char *a, *b;
	int i;

	for (i = 0; i < 3; i++) {
		crm_name_keys("Пётр Сидоров", CRM_CONTACT, c, NULL, &a);
		b = crm_name_key("Пётр Сидоров", CRM_CONTACT);
		cr_expect_str_eq(a, b);
		cr_expect_str_eq(a, "petr sidorov");
		free(a);
		free(b);
	}
	crm_name_cache_free(c);
}

/* ---- the matcher, over a real store ---- */

static char mdir[64];
static struct crm_store *mst;

static void setup_store(void)
{
	mst = fixture_store("dupes", mdir, sizeof(mdir), NOW);
}

static void teardown_store(void)
{
	fixture_remove(mst, mdir);
}

/* The best match of the record id of type t into *out. */
static int find_for(enum crm_type t, const char *id,
		    struct crm_dupe_match *out)
{
	struct crm_matcher *m;
	struct crm_record *r;
	struct crm_err err = {0};
	int rc;

	cr_assert_eq(crm_matcher_load(mst, t, &m, &err), CRM_OK, "%s",
		     err.msg);
	cr_assert_eq(crm_store_read(mst, t, id, &r, &err), CRM_OK, "%s",
		     err.msg);
	rc = crm_matcher_find(m, r, out);
	crm_record_free(r);
	crm_matcher_free(m);
	return rc;
}

Test(matcher, email_case_and_scores, .init = setup_store,
     .fini = teardown_store)
{
	struct crm_dupe_match dm;

	fixture_add(mst, NOW, CRM_CONTACT, "k000000001", "Анна Смирнова",
		    "email", "Anna@Example.RU", NULL);
	fixture_add(mst, NOW, CRM_CONTACT, "k000000002", "Ann Smith",
		    "email", "anna@example.ru", NULL);
	fixture_add(mst, NOW, CRM_CONTACT, "k000000003", "Someone Else",
		    "email", "anna@example.com", NULL);
	cr_assert_eq(find_for(CRM_CONTACT, "k000000001", &dm), CRM_OK);
	cr_expect_str_eq(dm.id, "k000000002");
	cr_expect_eq(dm.score, 95);
	cr_expect_str_eq(dm.reason, "e-mail anna@example.ru");
	/* a whole address, never a domain */
	cr_expect_eq(find_for(CRM_CONTACT, "k000000003", &dm), CRM_ENOTFOUND);
}

Test(matcher, shared_phone_is_not_enough, .init = setup_store,
     .fini = teardown_store)
{
	struct crm_dupe_match dm;
	char id[CRM_ID_LEN + 1], name[32];
	int i;

	/* a switchboard number on six records says nothing */
	for (i = 0; i < 6; i++) {
		snprintf(id, sizeof(id), "k00000001%c", (char)('0' + i));
		snprintf(name, sizeof(name), "Person %c", 'A' + i);
		fixture_add(mst, NOW, CRM_CONTACT, id, name, "phones",
			    "+7 495 111-22-33", NULL);
	}
	cr_expect_eq(find_for(CRM_CONTACT, "k000000010", &dm), CRM_ENOTFOUND);
	/* on two it does, whatever its form */
	fixture_add(mst, NOW, CRM_CONTACT, "k000000020", "Olga",
		    "phones", "+7 (495) 222-33-44", NULL);
	fixture_add(mst, NOW, CRM_CONTACT, "k000000021", "Ольга Петрова",
		    "phones", "8 495 222 33 44", NULL);
	cr_assert_eq(find_for(CRM_CONTACT, "k000000020", &dm), CRM_OK);
	cr_expect_str_eq(dm.id, "k000000021");
	cr_expect_eq(dm.score, 90);
	cr_expect_str_eq(dm.reason, "phone +74952223344");
}

Test(matcher, suffix_of_digits_never_matches, .init = setup_store,
     .fini = teardown_store)
{
	struct crm_dupe_match dm;

	/* the same last seven digits in two cities, and in two countries */
	fixture_add(mst, NOW, CRM_COMPANY, "c000000001", "Alpha",
		    "phones", "+7 495 123-45-67", NULL);
	fixture_add(mst, NOW, CRM_COMPANY, "c000000002", "Beta",
		    "phones", "+7 812 123-45-67", NULL);
	fixture_add(mst, NOW, CRM_COMPANY, "c000000003", "Gamma",
		    "phones", "+994 12 123 45 67", NULL);
	cr_expect_eq(find_for(CRM_COMPANY, "c000000001", &dm), CRM_ENOTFOUND);
	cr_expect_eq(find_for(CRM_COMPANY, "c000000003", &dm), CRM_ENOTFOUND);
}

Test(matcher, names_tax_ids_and_companies, .init = setup_store,
     .fini = teardown_store)
{
	struct crm_dupe_match dm;

	fixture_add(mst, NOW, CRM_COMPANY, "c000000001", "ООО «Ромашка»",
		    "tax_id", "7701 234 567", NULL);
	fixture_add(mst, NOW, CRM_COMPANY, "c000000002", "Romashka LLC", NULL);
	fixture_add(mst, NOW, CRM_COMPANY, "c000000003", "ЗАО Ромашка",
		    NULL);
	fixture_add(mst, NOW, CRM_COMPANY, "c000000004", "Vektor",
		    "tax_id", "7701234567", NULL);
	/* the tax id wins over the name */
	cr_assert_eq(find_for(CRM_COMPANY, "c000000001", &dm), CRM_OK);
	cr_expect_str_eq(dm.id, "c000000004");
	cr_expect_eq(dm.score, 100);
	cr_expect_str_eq(dm.reason, "tax id 7701234567");
	/* the same spelling beats a transliterated one */
	cr_assert_eq(find_for(CRM_COMPANY, "c000000003", &dm), CRM_OK);
	cr_expect_str_eq(dm.id, "c000000001");
	cr_expect_eq(dm.score, 90);
	cr_expect_str_eq(dm.reason, "name ромашка");
	cr_assert_eq(find_for(CRM_COMPANY, "c000000002", &dm), CRM_OK);
	cr_expect_eq(dm.score, 85);
	cr_expect_str_eq(dm.reason, "name romashka");
	/* contacts: a name alone is weak, with the same company strong */
	fixture_add(mst, NOW, CRM_CONTACT, "k000000001", "Иван Петров",
		    "company", "c000000001", NULL);
	fixture_add(mst, NOW, CRM_CONTACT, "k000000002", "Petrov Ivan", NULL);
	cr_assert_eq(find_for(CRM_CONTACT, "k000000001", &dm), CRM_OK);
	cr_expect_eq(dm.score, 55);
	fixture_add(mst, NOW, CRM_CONTACT, "k000000003", "Петров Иван",
		    "company", "c000000001", NULL);
	cr_assert_eq(find_for(CRM_CONTACT, "k000000001", &dm), CRM_OK);
	cr_expect_str_eq(dm.id, "k000000003");
	cr_expect_eq(dm.score, 90);
}

Test(matcher, long_reason_is_cut_on_a_character,
     .init = setup_store, .fini = teardown_store)
{
	struct crm_dupe_match dm;
	struct crm_buf name = {0};
	int i;

	for (i = 0; i < 40; i++)
		crm_buf_adds(&name, "Ж");
	fixture_add(mst, NOW, CRM_COMPANY, "c000000001", name.s, NULL);
	fixture_add(mst, NOW, CRM_COMPANY, "c000000002", name.s, NULL);
	crm_buf_free(&name);
	cr_assert_eq(find_for(CRM_COMPANY, "c000000001", &dm), CRM_OK);
	cr_expect(strlen(dm.reason) < sizeof(dm.reason));
	cr_expect(crm_utf8_valid(dm.reason, strlen(dm.reason)));
	cr_expect_eq(strncmp(dm.reason, "name жжж", strlen("name жжж")), 0);
}

Test(matcher, add_replaces_a_records_keys, .init = setup_store,
     .fini = teardown_store)
{
	struct crm_matcher *m;
	struct crm_record *r = crm_record_new(CRM_CONTACT, "k000000009",
					      "Row", NOW);
	struct crm_record *q = crm_record_new(CRM_CONTACT, "", "Query", NOW);
	struct crm_dupe_match dm;
	struct crm_err err = {0};

	cr_assert_eq(crm_matcher_load(mst, CRM_CONTACT, &m, &err), CRM_OK);
	cr_expect_eq(crm_matcher_count(m), 0);
	crm_map_set(r->map, "emails", crm_node_new_seq());
	crm_seq_push(crm_map_get(r->map, "emails"),
		     crm_node_new_scalar("x@y.ru"));
	crm_matcher_add(m, r);
	crm_map_set(q->map, "emails", crm_node_dup(crm_map_get(r->map,
							       "emails")));
	cr_assert_eq(crm_matcher_find(m, q, &dm), CRM_OK);
	cr_expect_str_eq(dm.id, "k000000009");
	/* changed: its old address names it no more */
	crm_seq_push(crm_map_get(r->map, "emails"),
		     crm_node_new_scalar("z@y.ru"));
	crm_map_del(r->map, "emails");
	crm_matcher_add(m, r);
	cr_expect_eq(crm_matcher_find(m, q, &dm), CRM_ENOTFOUND);
	cr_expect_eq(crm_matcher_count(m), 1);
	crm_matcher_free(m);
	crm_record_free(r);
	crm_record_free(q);
}

/* ---- merging records ---- */

/* A record parsed from text (in the form of a file). */
static struct crm_record *rec(enum crm_type t, const char *id,
			      const char *text)
{
	struct crm_record *r = NULL;
	struct crm_err err = {0};

	cr_assert_eq(crm_record_parse(t, id, text, strlen(text), NULL, &r,
				      &err), CRM_OK, "%s", err.msg);
	return r;
}

Test(recmerge, fills_unites_and_keeps_conflicts)
{
	struct crm_record *keep = rec(CRM_CONTACT, "k000000001",
		"id: k000000001\nname: Иван Петров\nrole: accountant\n"
		"phones:\n- '+7 495 123-45-67'\nemails:\n- Ivan@X.ru\n"
		"tags:\n- VIP\ncreated: '2026-01-01T10:00:00+03:00'\n"
		"timeline:\n- id: t000000001\n  kind: call\n"
		"  at: '2026-02-01T10:00:00+03:00'\n  text: a\n");
	struct crm_record *other = rec(CRM_CONTACT, "k000000002",
		"id: k000000002\nname: Ivan Petrov\nrole: director\n"
		"birthday: '1980-05-01'\n"
		"phones:\n- '+74951234567'\n- '+7 903 000-00-00'\n"
		"emails:\n- ivan@x.ru\n- i@y.ru\ntags:\n- vip\n- new\n"
		"created: '2025-01-01T10:00:00+03:00'\n"
		"timeline:\n- id: t000000002\n  kind: note\n"
		"  at: '2026-01-15T10:00:00+03:00'\n  text: b\n"
		"- id: t000000001\n  kind: call\n"
		"  at: '2026-02-01T10:00:00+03:00'\n  text: a\n");
	struct crm_merge_result res;
	const struct crm_node *n;

	crm_record_merge_into(keep, other, &res);
	cr_expect_str_eq(crm_record_name(keep), "Иван Петров");
	cr_expect_str_eq(crm_map_str(keep->map, "created"),
			 "2026-01-01T10:00:00+03:00");
	cr_expect_str_eq(crm_map_str(keep->map, "birthday"), "1980-05-01");
	cr_expect_eq(res.filled, 1);
	/* phones by E.164, e-mails in any case, tags folded */
	n = crm_map_get(keep->map, "phones");
	cr_expect_eq(n->len, 2);
	cr_expect_str_eq(n->items[1]->str, "+7 903 000-00-00");
	cr_expect_eq(crm_map_get(keep->map, "emails")->len, 2);
	cr_expect_eq(crm_map_get(keep->map, "tags")->len, 2);
	/* the timeline united by id, in time order */
	n = crm_map_get(keep->map, "timeline");
	cr_assert_eq(n->len, 2);
	cr_expect_str_eq(crm_map_str(n->items[0], "id"), "t000000002");
	cr_expect_str_eq(crm_map_str(n->items[1], "id"), "t000000001");
	cr_expect_eq(res.added, 4); /* a phone, an e-mail, a tag, an entry */
	/* name and role differ: kept, and said */
	cr_assert_eq(res.nconflicts, 2);
	cr_expect_str_eq(res.conflicts[0].field, "name");
	cr_expect_str_eq(res.conflicts[1].field, "role");
	cr_expect_str_eq(res.conflicts[1].kept, "accountant");
	cr_expect_str_eq(res.conflicts[1].other, "director");
	cr_expect_str_eq(crm_map_str(keep->map, "role"), "accountant");
	crm_merge_result_free(&res);
	crm_record_free(keep);
	crm_record_free(other);
}

Test(recmerge, maps_and_empty_names)
{
	struct crm_record *keep = rec(CRM_COMPANY, "c000000001",
		"id: c000000001\nname: Acme\nextra:\n  a: '1'\n");
	struct crm_record *other = rec(CRM_COMPANY, "c000000002",
		"id: c000000002\nname: Acme Ltd\nextra:\n  a: '2'\n  b: '3'\n");
	struct crm_merge_result res;
	const struct crm_node *m;

	crm_record_merge_into(keep, other, &res);
	m = crm_map_get(keep->map, "extra");
	cr_assert_eq(m->len, 2);
	cr_expect_str_eq(crm_map_str(m, "a"), "1");
	cr_expect_str_eq(crm_map_str(m, "b"), "3");
	cr_expect_eq(res.nconflicts, 1); /* the name */
	crm_merge_result_free(&res);
	crm_record_free(keep);
	crm_record_free(other);
}

Test(recmerge, repoint_references)
{
	struct crm_record *deal = rec(CRM_DEAL, "d000000001",
		"id: d000000001\nname: D\ncompany: c000000002\n"
		"competitors:\n- c000000002\n- c000000001\n");

	cr_expect_eq(crm_record_repoint(deal, "c000000002", "c000000001",
					NULL), 2);
	cr_expect_str_eq(crm_map_str(deal->map, "company"), "c000000001");
	cr_expect_eq(crm_map_get(deal->map, "competitors")->len, 1);
	cr_expect_eq(crm_record_repoint(deal, "c000000001", NULL, NULL), 2);
	cr_expect_null(crm_map_get(deal->map, "company"));
	cr_expect_eq(crm_map_get(deal->map, "competitors")->len, 0);
	crm_record_free(deal);
}
