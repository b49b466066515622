/*
 * test_query.c - the query language against a small hand-made index in
 * memory: which records each query finds, and the errors it gives.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crm.h"
#include "indexrow.h"

/* The index's own tables (indexrow.c), and its full-text table. */
static const char fts_schema[] =
	"CREATE VIRTUAL TABLE fts USING fts5(text, content='', "
	"tokenize='trigram case_sensitive 1');";

/* A hand-made record; NULL and 0 mean absent. */
struct rec {
	const char *id;
	int type;
	const char *name, *owner, *stage, *source, *role, *currency;
	double amount;
	const char *company, *contact, *for_id, *due, *birthday;
	const char *created, *updated;
	const char *phones, *emails, *tags; /* '\n'-joined */
	const char *notes;
	const char *custom;                 /* "key=value\n..." */
	const char *broken;
};

#define A30B "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"

static const struct rec recs[] = {
	{"a000000001", CRM_COMPANY, "ООО Ромашка", "ann", NULL, "site", NULL,
	 NULL, 0, NULL, NULL, NULL, NULL, NULL, "2026-01-10", "2026-03-05",
	 "+7 (495) 123-45-67", NULL, "vip", NULL,
	 "industry=retail\nemployees=50\nwebsite=romashka.ru", NULL},
	{"a000000002", CRM_COMPANY, "Acme Corp", "bob", NULL, NULL, NULL, NULL,
	 0, NULL, NULL, NULL, NULL, NULL, "2025-12-01",
	 "2026-03-10T09:00:00Z", NULL, "info@acme.com", "vip\npartner", NULL,
	 "industry=tech\nemployees=300", NULL},
	{"b000000001", CRM_CONTACT, "Иванов Иван", "ann", NULL, "site",
	 "director", NULL, 0, "a000000001", NULL, NULL, NULL, "1980-05-12",
	 "2026-01-11", "2026-01-11", "8 916 555-12-34", "Ivanov@Romashka.ru",
	 NULL, "Любит чай", NULL, NULL},
	{"b000000002", CRM_CONTACT, "Əliyev Rəşad", "bob", NULL, NULL,
	 "manager", NULL, 0, "a000000002", NULL, NULL, NULL, "1990-03-10",
	 "2026-02-01", "2026-02-01", "+994 12 555 66 77", NULL, NULL, NULL,
	 NULL, NULL},
	{"b000000003", CRM_CONTACT, "John O'Brien", "ann", NULL, "referral",
	 NULL, NULL, 0, "a000000002", NULL, NULL, NULL, NULL, "2026-02-15",
	 "2026-03-01", NULL, "john@acme.com", NULL,
	 "met at expo; likes 'quoted' stuff; ёж", NULL, NULL},
	{"b000000004", CRM_CONTACT, "Ёлкина Анна", "bob", NULL, NULL, NULL,
	 NULL, 0, NULL, NULL, NULL, NULL, NULL, "2026-03-01", "2026-03-01",
	 NULL, NULL, "cold", NULL, NULL, NULL},
	{"d000000001", CRM_DEAL, "Поставка ромашек", "ann", "won", NULL, NULL,
	 "RUB", 150000, "a000000001", "b000000001", NULL, NULL, NULL,
	 "2026-02-01", "2026-03-02", NULL, NULL, NULL, NULL, NULL, NULL},
	{"d000000002", CRM_DEAL, "Acme expansion", "bob", "negotiation", NULL,
	 NULL, "USD", 50000, "a000000002", NULL, NULL, NULL, NULL,
	 "2026-02-20", "2026-03-09", NULL, NULL, "vip", NULL, NULL, NULL},
	{"d000000003", CRM_DEAL, "Small deal", "ann", "lost", NULL, NULL, "USD",
	 999.5, "a000000002", "b000000003", NULL, NULL, NULL, "2026-01-05",
	 "2026-01-20", NULL, NULL, NULL, A30B, NULL, NULL},
	{"e000000001", CRM_TASK, "Позвонить Иванову", "ann", NULL, NULL, NULL,
	 NULL, 0, NULL, NULL, "b000000001", "2026-03-09", NULL, "2026-03-01",
	 "2026-03-01", NULL, NULL, NULL, NULL, NULL, NULL},
	{"e000000002", CRM_TASK, "Send offer", "bob", NULL, NULL, NULL, NULL, 0,
	 NULL, NULL, "d000000002", "2026-03-10T15:00:00Z", NULL, "2026-03-02",
	 "2026-03-02", NULL, NULL, NULL, NULL, NULL, NULL},
	{"e000000003", CRM_TASK, "Follow up", "ann", NULL, NULL, NULL, NULL, 0,
	 NULL, NULL, "a000000002", "2026-03-12", NULL, "2026-03-03",
	 "2026-03-03", NULL, NULL, NULL, NULL, NULL, NULL},
	{"f000000001", CRM_CONTACT, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL,
	 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	 "line 1: bad"},
};
#define NRECS (sizeof(recs) / sizeof(recs[0]))

#define ALL_OK "a000000001 a000000002 b000000001 b000000002 b000000003 " \
	       "b000000004 d000000001 d000000002 d000000003 e000000001 " \
	       "e000000002 e000000003"

static sqlite3 *db;
static time_t now;

static void exec(const char *sql)
{
	char *msg = NULL;

	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK,
		     "%s: %s", sql, msg ? msg : "");
}

/* Binds s (or NULL) to parameter i. */
static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Binds the Unix time of a stored date (or NULL) to parameter i. */
static void bind_date(sqlite3_stmt *st, int i, const char *s)
{
	struct crm_date d;

	if (s == NULL) {
		sqlite3_bind_null(st, i);
		return;
	}
	cr_assert_eq(crm_date_parse_stored(s, &d), CRM_OK, "%s", s);
	sqlite3_bind_int64(st, i, (sqlite3_int64)d.when);
}

/* Runs one-row statement sql with parameters rid, a and b. */
static void insert3(const char *sql, long rid, const char *a, const char *b)
{
	sqlite3_stmt *st;

	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, rid);
	bind_text(st, 2, a);
	bind_text(st, 3, b);
	cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
}

/* Appends s and a newline to b when s is set. */
static void add_line(struct crm_buf *b, const char *s)
{
	if (s == NULL)
		return;
	crm_buf_adds(b, s);
	crm_buf_addc(b, '\n');
}

/* The searchable text of r, '\n'-joined.  Caller owns it. */
static char *rec_text(const struct rec *r)
{
	struct crm_buf b = {0};
	char *custom = crm_xstrdup(r->custom ? r->custom : ""), *line, *save;

	add_line(&b, r->name);
	add_line(&b, r->phones);
	add_line(&b, r->emails);
	add_line(&b, r->tags);
	add_line(&b, r->notes);
	for (line = strtok_r(custom, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		add_line(&b, strchr(line, '=') + 1);
	free(custom);
	return crm_buf_detach(&b);
}

/* What the fts table holds for r: its folded text and phone digits. */
static char *rec_fts(const struct rec *r, const char *text)
{
	struct crm_buf b = {0};
	char *fold = crm_fold(text), *phones, *line, *save, *d;

	crm_buf_adds(&b, fold);
	free(fold);
	phones = crm_xstrdup(r->phones ? r->phones : "");
	for (line = strtok_r(phones, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if ((d = crm_phone_digits(line)) != NULL)
			crm_buf_addf(&b, "\n%s", d);
		free(d);
	}
	free(phones);
	return crm_buf_detach(&b);
}

/* What the facets table holds for r: a word per value of each facet. */
static char *rec_facets(const struct rec *r)
{
	const char *cols[] = {"owner", "stage", "source", "role", "currency",
			      "company", "contact", "for_id"};
	const char *vals[] = {r->owner, r->stage, r->source, r->role,
			      r->currency, r->company, r->contact, r->for_id};
	struct crm_buf b = {0};
	char type[8], *tags, *line, *save;
	size_t i;

	snprintf(type, sizeof(type), "%d", r->type);
	crm_facet_word(&b, "type", type);
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (vals[i])
			crm_facet_word(&b, cols[i], vals[i]);
	tags = crm_xstrdup(r->tags ? r->tags : "");
	for (line = strtok_r(tags, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		crm_facet_word(&b, "tags", line);
	free(tags);
	return crm_buf_detach(&b);
}

/* Inserts the custom fields of r. */
static void insert_extra(const struct rec *r, long rid)
{
	char *list, *line, *save, *eq;

	list = crm_xstrdup(r->custom ? r->custom : "");
	for (line = strtok_r(list, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		eq = strchr(line, '=');
		*eq = '\0';
		insert3("INSERT INTO fields(rid, key, value) "
			"VALUES(?1, ?2, ?3)", rid, line, eq + 1);
	}
	free(list);
}

/* Inserts r as row rid of records, with its tags, fields and fts row. */
static void insert_rec(const struct rec *r, long rid)
{
	static const char sql[] =
		"INSERT INTO records(rid, id, type, name, name_fold, owner, "
		"stage, source, role, currency, amount, company, contact, "
		"for_id, due, due_at, birthday, created_at, updated_at, "
		"phones, emails, tags, broken) VALUES(?1, ?2, ?3, ?4, "
		"?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
		"?18, ?19, ?20, ?21, ?22, ?23)";
	char *text = r->broken ? NULL : rec_text(r), *fts, *fold;
	sqlite3_stmt *st;

	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, rid);
	bind_text(st, 2, r->id);
	sqlite3_bind_int(st, 3, r->type);
	bind_text(st, 4, r->name);
	fold = r->name ? crm_fold(r->name) : NULL;
	bind_text(st, 5, fold);
	free(fold);
	bind_text(st, 6, r->owner);
	bind_text(st, 7, r->stage);
	bind_text(st, 8, r->source);
	bind_text(st, 9, r->role);
	bind_text(st, 10, r->currency);
	if (r->amount != 0)
		sqlite3_bind_double(st, 11, r->amount);
	bind_text(st, 12, r->company);
	bind_text(st, 13, r->contact);
	bind_text(st, 14, r->for_id);
	bind_text(st, 15, r->due);
	bind_date(st, 16, r->due);
	bind_text(st, 17, r->birthday);
	bind_date(st, 18, r->created);
	bind_date(st, 19, r->updated);
	bind_text(st, 20, r->phones);
	bind_text(st, 21, r->emails);
	bind_text(st, 22, r->tags);
	bind_text(st, 23, r->broken);
	cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (text == NULL)
		return;
	insert_extra(r, rid);
	insert3("INSERT INTO texts(rid, text) VALUES(?1, ?2)", rid, text, NULL);
	fts = rec_fts(r, text);
	insert3("INSERT INTO fts(rowid, text) VALUES(?1, ?2)", rid, fts, NULL);
	free(fts);
	fts = rec_facets(r);
	insert3("INSERT INTO facets(rowid, t) VALUES(?1, ?2)", rid, fts, NULL);
	free(fts);
	free(text);
}

static void setup(void)
{
	struct tm tm = { .tm_year = 126, .tm_mon = 2, .tm_mday = 10,
			 .tm_hour = 12 };
	size_t i;

	setenv("TZ", "UTC", 1);
	tzset();
	now = timegm(&tm);
	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	cr_assert_eq(crm_sql_register(db), CRM_OK);
	exec(index_tables_sql());
	exec(fts_schema);
	for (i = 0; i < NRECS; i++)
		insert_rec(&recs[i], (long)i + 1);
}

static void teardown(void)
{
	sqlite3_close(db);
	db = NULL;
}

/* A fake store: resolves names and id prefixes among recs. */
static int fake_resolve(const char *ref, unsigned mask,
			char id[CRM_ID_LEN + 1], void *data,
			struct crm_err *err)
{
	size_t i, found = 0;

	for (i = 0; i < NRECS; i++) {
		if (recs[i].broken || !(mask & CRM_TYPE_BIT(recs[i].type)))
			continue;
		if (strcmp(recs[i].name, ref) == 0 ||
		    strncmp(recs[i].id, ref, strlen(ref)) == 0) {
			memcpy(id, recs[i].id, CRM_ID_LEN + 1);
			found++;
		}
	}
	if (strcmp(ref, "acme") == 0) {
		memcpy(id, "a000000002", CRM_ID_LEN + 1);
		found = 1;
	}
	if (found > 1)
		return crm_seterr(err, CRM_EAMBIGUOUS, "'%s' is ambiguous",
				  ref);
	if (found == 0)
		return crm_seterr(err, CRM_ENOTFOUND, "no record matches '%s'",
				  ref);
	return CRM_OK;
}

static bool fake_has_custom(const char *key, void *data)
{
	return strcmp(key, "industry") == 0 || strcmp(key, "employees") == 0;
}

static const struct crm_query_env env = {
	fake_resolve, fake_has_custom, NULL,
};

/* Binds the parameters of sql to st. */
static void bind_params(sqlite3_stmt *st, const struct crm_sql *sql)
{
	size_t i;

	for (i = 0; i < sql->nparams; i++) {
		if (sql->params[i].is_num)
			sqlite3_bind_double(st, (int)i + 1, sql->params[i].num);
		else
			sqlite3_bind_text(st, (int)i + 1, sql->params[i].text,
					  -1, SQLITE_STATIC);
	}
}

/* Runs the compiled query; the ids found space-separated, or "SQL: msg". */
static char *select_ids(const struct crm_sql *sql)
{
	struct crm_buf q = {0}, ids = {0};
	sqlite3_stmt *st;
	int rc;

	crm_buf_addf(&q, "SELECT r.id FROM records r WHERE %s ORDER BY r.id",
		     sql->where.s);
	rc = sqlite3_prepare_v2(db, q.s, -1, &st, NULL);
	cr_assert_eq(rc, SQLITE_OK, "%s: %s", q.s, sqlite3_errmsg(db));
	crm_buf_free(&q);
	bind_params(st, sql);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (ids.len > 0)
			crm_buf_addc(&ids, ' ');
		crm_buf_adds(&ids, (const char *)sqlite3_column_text(st, 0));
	}
	if (rc != SQLITE_DONE) {
		crm_buf_free(&ids);
		crm_buf_addf(&ids, "SQL: %s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return crm_buf_detach(&ids);
}

/*
 * Parses and runs the query words[0..n): the ids found, or "ERR N: msg"
 * with the status.  Caller owns it.
 */
static char *run_words_in(const struct crm_query_env *qenv,
			  const char *const *words, size_t n)
{
	struct crm_err err = {0};
	struct crm_query *q = NULL;
	struct crm_sql sql = {0};
	char buf[1200];
	char *ids;

	if (crm_query_parse(words, n, now, &q, &err) != CRM_OK ||
	    crm_query_sql(q, qenv, &sql, &err) != CRM_OK) {
		crm_query_free(q);
		snprintf(buf, sizeof(buf), "ERR %d: %s", err.status, err.msg);
		return crm_xstrdup(buf);
	}
	ids = select_ids(&sql);
	crm_sql_free(&sql);
	crm_query_free(q);
	return ids;
}

/* run_words_in the environment of the tests. */
static char *run_words(const char *const *words, size_t n)
{
	return run_words_in(&env, words, n);
}

/* Expects the one-word query s to give want. */
static void expect(const char *s, const char *want)
{
	char *got = run_words(&s, 1);

	cr_expect_str_eq(got, want, "query [%s]", s);
	free(got);
}

/* Expects the queries a and b to find the same records, and some. */
static void expect_same(const char *a, const char *b)
{
	char *got_a = run_words(&a, 1), *got_b = run_words(&b, 1);

	cr_expect_str_eq(got_a, got_b, "query [%s] against [%s]", a, b);
	cr_expect(got_a[0] != '\0' && strncmp(got_a, "ERR", 3) != 0,
		  "query [%s] found nothing", a);
	free(got_a);
	free(got_b);
}

/* Expects the query s to fail with usage error msg. */
static void expect_err(const char *s, const char *msg)
{
	char want[1200];

	snprintf(want, sizeof(want), "ERR %d: %s", CRM_EUSAGE, msg);
	expect(s, want);
}

TestSuite(query, .init = setup, .fini = teardown);

Test(query, empty)
{
	struct crm_err err = {0};
	struct crm_query *q = NULL;
	const char *blank = "  ";
	char *got;

	cr_assert_eq(crm_query_parse(NULL, 0, now, &q, &err), CRM_OK);
	cr_expect(crm_query_empty(q));
	crm_query_free(q);
	cr_assert_eq(crm_query_parse(&blank, 1, now, &q, &err), CRM_OK);
	cr_expect(crm_query_empty(q));
	crm_query_free(q);
	got = run_words(NULL, 0);
	cr_expect_str_eq(got, ALL_OK);
	free(got);
}

Test(query, exact_fields)
{
	expect("type:company", "a000000001 a000000002");
	expect("type:deals", "d000000001 d000000002 d000000003");
	expect("type!=contact type!=task",
	       "a000000001 a000000002 d000000001 d000000002 d000000003");
	expect("stage:won", "d000000001");
	expect("stage=won", "d000000001");
	expect("stage!=won",
	       "a000000001 a000000002 b000000001 b000000002 b000000003 "
	       "b000000004 d000000002 d000000003 e000000001 e000000002 "
	       "e000000003");
	expect("owner:ann type:deal", "d000000001 d000000003");
	expect("source:site", "a000000001 b000000001");
	expect("role:director", "b000000001");
	expect("currency:USD", "d000000002 d000000003");
	expect("tag:vip", "a000000001 a000000002 d000000002");
	expect("tags:partner", "a000000002");
	expect("tag!=vip type:company", "");
	expect("type:company -tag:partner", "a000000001");
}

/* Equality terms under one AND are answered by one search of the facet
 * index; the answers must be those of the same terms looked up one by
 * one (which an OR of a term with itself forces). */
Test(query, facet_groups)
{
	expect_same("owner:ann tag:vip",
		    "(owner:ann or owner:ann) (tag:vip or tag:vip)");
	expect_same("type:deal owner:ann currency:USD",
		    "(type:deal or type:deal) (owner:ann or owner:ann) "
		    "(currency:USD or currency:USD)");
	expect_same("type:company tag:vip -tag:partner",
		    "(type:company or type:company) (tag:vip or tag:vip) "
		    "-tag:partner");
	expect_same("-(type:company tag:vip)",
		    "-((type:company or type:company) (tag:vip or tag:vip))");
	expect_same("(type:deal owner:ann) or (type:company source:site)",
		    "((type:deal or type:deal) (owner:ann or owner:ann)) or "
		    "((type:company or type:company) (source:site or "
		    "source:site))");
	expect_same("type:contact company:acme",
		    "(type:contact or type:contact) "
		    "(company:acme or company:acme)");
	expect("owner:ann owner:bob", "");
}

/* A search of one type (crm list TYPE) looks its type up with the facet
 * terms; it must find what the same query with type:TYPE finds. */
Test(query, facet_groups_of_one_type)
{
	struct crm_query_env contacts = env, deals = env;
	const char *q1 = "company:acme", *q2 = "owner:ann currency:USD";
	const char *q3 = "(type:deal or type:deal) (owner:ann or owner:ann) "
			 "(currency:USD or currency:USD)";
	char *got, *want;

	contacts.types = CRM_TYPE_BIT(CRM_CONTACT);
	deals.types = CRM_TYPE_BIT(CRM_DEAL);
	got = run_words_in(&contacts, &q1, 1);
	cr_expect_str_eq(got, "b000000002 b000000003");
	free(got);
	got = run_words_in(&deals, &q2, 1);
	want = run_words(&q3, 1);
	cr_expect_str_eq(got, want);
	cr_expect_str_neq(got, "");
	free(got);
	free(want);
	expect("stage:\"won\" stage=won type:deal", "d000000001");
}

Test(query, text_fields)
{
	expect("name:иван", "b000000001 e000000001");
	expect("name:ИВАНОВ", "b000000001 e000000001");
	expect("name=\"иванов иван\"", "b000000001");
	expect("name:ƏLİYEV", "b000000002");
	expect("email:ACME", "a000000002 b000000003");
	expect("email=john@acme.com", "b000000003");
	expect("email=acme.com", "");
	expect("email:romashka", "b000000001");
	expect("phone:495", "a000000001");
	expect("phone:\"555-12\"", "b000000001");
	expect("phone:555", "b000000001 b000000002");
	expect("phone=\"+7 495 1234567\"", "a000000001");
	expect("phone=495", "");
	expect("website:ROMASHKA", "a000000001");
	expect_err("phone:abc", "query: column 7: 'abc' is not a phone number");
}

Test(query, ids_and_references)
{
	expect("id:a0", "a000000001 a000000002");
	expect("id:A00000000l", "a000000001");
	expect("id:e", "e000000001 e000000002 e000000003");
	expect_err("id:a0u", "query: column 4: 'a0u' is not an id prefix");
	expect("company:acme", "b000000002 b000000003 d000000002 d000000003");
	expect("company:\"ООО Ромашка\"", "b000000001 d000000001");
	expect("contact:b000000001", "d000000001");
	expect("for:acme", "e000000003");
	expect("for:d0000000", "ERR 4: query: column 5: 'd0000000' is "
	       "ambiguous");
	expect("type:deal company!=acme", "d000000001");
	expect("company:nothing",
	       "ERR 3: query: column 9: no record matches 'nothing'");
	expect("company:e000000001",
	       "ERR 3: query: column 9: no record matches 'e000000001'");
}

Test(query, numbers)
{
	expect("amount>=50000", "d000000001 d000000002");
	expect("amount>50000", "d000000001");
	expect("amount<1000", "d000000003");
	expect("amount<=999.5", "d000000003");
	expect("amount:50000", "d000000002");
	expect("amount=+50000.0", "d000000002");
	expect("amount!=50000",
	       "a000000001 a000000002 b000000001 b000000002 b000000003 "
	       "b000000004 d000000001 d000000003 e000000001 e000000002 "
	       "e000000003");
	expect("amount<=999,5", "d000000003");
	expect("amount<\"1 000\"", "d000000003");
	expect("amount<1\xc2\xa0" "000", "d000000003");
	expect_err("amount>abc", "query: column 8: cannot read amount 'abc' "
		   "(try: 350000, 350 000, 350000.50)");
	expect_err("amount>1e5", "query: column 8: cannot read amount '1e5' "
		   "(try: 350000, 350 000, 350000.50)");
	expect_err("amount:1.", "query: column 8: cannot read amount '1.' "
		   "(try: 350000, 350 000, 350000.50)");
	expect_err("amount:1,500", "query: column 8: ambiguous amount '1,500': "
		   "',' may separate thousands or decimals (write 1500 or 1.5)");
	expect_err("amount>-5", "query: column 8: '-5' is negative "
		   "(amounts are never below zero)");
}

Test(query, dates)
{
	expect("due<today", "e000000001");
	expect("due:today", "e000000002");
	expect("due=today", "e000000002");
	expect("due<=today", "e000000001 e000000002");
	expect("due>today", "e000000003");
	expect("due>=today", "e000000002 e000000003");
	expect("due>=tomorrow", "e000000003");
	expect("due:+2d", "e000000003");
	expect("due>2026-03-10T14:00", "e000000002 e000000003");
	expect("due<\"2026-03-10 15:00\"", "e000000001");
	expect("due<=\"2026-03-10 15:00\"", "e000000001 e000000002");
	expect("due!=today type:task", "e000000001 e000000003");
	expect("created>=2026-03-01",
	       "b000000004 e000000001 e000000002 e000000003");
	expect("created<2026-01-01", "a000000002");
	expect("updated>-7d", "a000000001 a000000002 d000000002");
	expect("birthday:1990-03-10", "b000000002");
	expect("birthday<1985-01-01", "b000000001");
	expect("birthday>=1985-01-01", "b000000002");
	expect("birthday!=1990-03-10 type:contact",
	       "b000000001 b000000003 b000000004");
	expect_err("due<soon",
		   "query: column 5: cannot read date 'soon' (try: today, "
		   "monday, 31.12.2026, -7d)");
}

Test(query, presence)
{
	expect("has:task", "a000000002 b000000001 d000000002");
	expect("no:task type:company", "a000000001");
	expect("has:deal type:contact", "b000000001 b000000003");
	expect("has:deals type:company", "a000000001 a000000002");
	expect("has:phone", "a000000001 b000000001 b000000002");
	expect("no:email type:contact", "b000000002 b000000004");
	expect("has:tag", "a000000001 a000000002 b000000004 d000000002");
	expect("has:amount", "d000000001 d000000002 d000000003");
	expect("has:due", "e000000001 e000000002 e000000003");
	expect("has:company type:contact", "b000000001 b000000002 "
	       "b000000003");
	expect("has:industry", "a000000001 a000000002");
	expect("has:website", "a000000001");
	expect("has:nothing", "");
	expect("no:nothing type:company", "a000000001 a000000002");
	expect_err("has<x", "query: column 1: operator '<' does not apply to "
		   "'has'");
}

Test(query, custom_fields)
{
	expect("industry:tech", "a000000002");
	expect("industry=retail", "a000000001");
	expect("industry!=tech type:company", "a000000001");
	expect("employees>100", "a000000002");
	expect("employees<=50", "a000000001");
	expect_err("employees>many",
		   "query: column 11: 'many' is not a number");
	expect_err("stge:won",
		   "query: column 1: unknown field 'stge' (did you mean "
		   "'stage'?)");
	expect_err("type:deal or stge:won",
		   "query: column 14: unknown field 'stge' (did you mean "
		   "'stage'?)");
	expect_err("иван stge:won",
		   "query: column 6: unknown field 'stge' (did you mean "
		   "'stage'?)");
	expect_err("zzzzzz:1", "query: column 1: unknown field 'zzzzzz'");
	expect_err("type:dael",
		   "query: column 6: unknown type 'dael' (did you mean "
		   "'deal'?)");
	expect_err("stage<won",
		   "query: column 1: operator '<' does not apply to 'stage'");
}

Test(query, free_text)
{
	expect("иван", "b000000001 e000000001");
	expect("ИВАНОВ", "b000000001 e000000001");
	expect("ƏLİYEV", "b000000002");
	expect("əliyev", "b000000002");
	expect("ЕЛКИНА", "b000000004");
	expect("ёлкина", "b000000004");
	expect("495 123", "a000000001");
	expect("4951234", "a000000001");
	/* digits typed with spaces are one phone fragment, in that order */
	expect("123 495", "");
	expect("123 and 495", "a000000001");
	expect("+7 (495) 123", "a000000001");
	expect("\"123\" 495", "a000000001");
	expect("495 -123", "");
	expect("\"+7 (495) 123-45-67\"", "a000000001");
	expect("123-45-67", "a000000001");
	expect("romashka.ru", "a000000001 b000000001");
	expect("\"at expo\"", "b000000003");
	expect("\"expo at\"", "");
	expect("\"O'Brien\"", "b000000003");
	expect("\"say \\\"hi\\\"\"", "");
	expect("acme -corp", "b000000003 d000000002");
}

Test(query, short_terms)
{
	expect("ёж", "b000000003");
	expect("ча", "b000000001");
	expect("UP", "e000000003");
	expect("x", "b000000003 d000000002");
	expect("'", "b000000003");
}

Test(query, regex)
{
	expect("/^acme/", "a000000002 d000000002");
	expect("/иван\\w*\\s+иван/", "b000000001");
	expect("/ромаш(ка|ек)/", "a000000001 d000000001");
	expect("/a b/", "");
	expect("/\\d{3}-\\d{2}-\\d{2}/", "a000000001 b000000001");
	expect("/x\\/y/", "");
	expect("/(a+)+$/", "SQL: regular expression too complex");
	expect_err("/ab(c/", "query: column 2: regular expression: column 5: "
		   "missing closing parenthesis");
	expect_err("type:deal /[иван/",
		   "query: column 12: regular expression: column 6: missing "
		   "terminating ] for character class");
	expect_err("/abc", "query: column 1: unterminated regular expression");
	expect_err("//", "query: column 1: empty regular expression");
	expect_err("/abc/i", "query: column 6: unexpected text after a "
		   "regular expression");
}

Test(query, boolean)
{
	expect("stage:won or stage:lost", "d000000001 d000000003");
	expect("stage:won OR stage:lost", "d000000001 d000000003");
	expect("type:deal (stage:won OR stage:lost) owner:ann",
	       "d000000001 d000000003");
	expect("type:deal not stage:won", "d000000002 d000000003");
	expect("type:deal NOT stage:won", "d000000002 d000000003");
	expect("type:deal -stage:won", "d000000002 d000000003");
	expect("type:deal -(stage:won or stage:lost)", "d000000002");
	expect("type:deal not (stage:won or stage:lost)", "d000000002");
	expect("type:contact not company:acme", "b000000001 b000000004");
	expect("tag:vip or owner:ann and type:task",
	       "a000000001 a000000002 d000000002 e000000001 e000000003");
	expect("tag:vip or owner:ann AND type:task",
	       "a000000001 a000000002 d000000002 e000000001 e000000003");
	expect("(tag:vip or owner:ann) type:task", "e000000001 e000000003");
	expect("NOT type:task AND owner:ann",
	       "a000000001 b000000001 b000000003 d000000001 d000000003");
	expect("not not stage:won", "d000000001");
	expect("((stage:won))", "d000000001");
	expect("-иван type:contact", "b000000002 b000000003 b000000004");
	expect("-ёж type:contact", "b000000001 b000000002 b000000004");
}

Test(query, words_joined)
{
	const char *w1[] = {"stage:won", "or", "stage:lost"};
	const char *w2[] = {"type:deal", "stge:won"};
	const char *w3[] = {"\"at", "expo\""};
	char *got;

	got = run_words(w1, 3);
	cr_expect_str_eq(got, "d000000001 d000000003");
	free(got);
	got = run_words(w2, 2);
	cr_expect_str_eq(got, "ERR 2: query: column 11: unknown field 'stge' "
			 "(did you mean 'stage'?)");
	free(got);
	got = run_words(w3, 2);
	cr_expect_str_eq(got, "b000000003");
	free(got);
}

Test(query, highlight_words)
{
	const char *w = "иван -ёж \"At Expo\" stage:won /re/ not ab";
	struct crm_err err = {0};
	struct crm_query *q = NULL;
	struct crm_sql sql = {0};

	cr_assert_eq(crm_query_parse(&w, 1, now, &q, &err), CRM_OK, "%s",
		     err.msg);
	cr_assert_eq(crm_query_sql(q, &env, &sql, &err), CRM_OK, "%s",
		     err.msg);
	cr_assert_eq(sql.nwords, 2);
	cr_expect_str_eq(sql.words[0], "иван");
	cr_expect_str_eq(sql.words[1], "at expo");
	crm_sql_free(&sql);
	crm_query_free(q);
}

Test(query, syntax_errors)
{
	expect_err("(stage:won", "query: column 1: '(' is not closed");
	expect_err("a (b (c)", "query: column 3: '(' is not closed");
	expect_err("stage:won)",
		   "query: column 10: ')' without a matching '('");
	expect_err("()", "query: column 1: empty parentheses");
	expect_err("a ( ) b", "query: column 3: empty parentheses");
	expect_err("stage:won or", "query: column 11: 'or' needs a term "
		   "after it");
	expect_err("a OR )", "query: column 3: 'OR' needs a term after it");
	expect_err("not", "query: column 1: 'not' needs a term after it");
	expect_err("a and or b",
		   "query: column 3: 'and' needs a term after it");
	expect_err("or a", "query: column 1: 'or' needs a term before it");
	expect_err("(and a)", "query: column 2: 'and' needs a term before it");
	expect_err("-", "query: column 1: '-' needs a term after it");
	expect_err("a - b", "query: column 3: '-' needs a term after it");
	expect_err("(", "query: column 1: '(' is not closed");
	expect_err("\"abc", "query: column 1: unterminated quote");
	expect_err("name:\"abc", "query: column 6: unterminated quote");
	expect_err("\"\"", "query: column 1: empty phrase");
	expect_err("\"a\"b", "query: column 4: unexpected text after a "
		   "closing quote");
	expect_err("stage:", "query: column 1: no value after 'stage:'");
	expect_err("x stage:\"\"", "query: column 3: no value after 'stage:'");
	expect_err("amount>=", "query: column 1: no value after 'amount>='");
	expect_err("ж (a", "query: column 3: '(' is not closed");
}

Test(query, hostile_input)
{
	char *big = crm_xmalloc(5000), *deep = crm_xmalloc(300);
	const char *bad = "иван \xd0";

	expect_err(bad, "query: invalid UTF-8");
	expect("name:\"x'; DROP TABLE records; --\"", "");
	expect("'; DROP TABLE records; --", "");
	expect("\"\\\"); DELETE FROM records; --\"", "");
	expect_err("\"a\"\"b OR c\"", "query: column 4: unexpected text "
		   "after a closing quote");
	memset(big, 'a', 4999);
	big[4999] = '\0';
	expect_err(big, "query: longer than 4096 bytes");
	memset(deep, '(', 200);
	memcpy(deep + 200, "a", 2);
	expect_err(deep, "query: column 65: too deeply nested");
	expect("type:company", "a000000001 a000000002");
	free(big);
	free(deep);
}

/* The FTS5 queries crm_query_fts gives for the one-word query s into
 * all and names (caller frees both); false when it gives none. */
static bool fts_of(const char *s, struct crm_buf *all, struct crm_buf *names)
{
	struct crm_err err = {0};
	struct crm_query *q = NULL;
	bool yes;

	memset(all, 0, sizeof(*all));
	memset(names, 0, sizeof(*names));
	cr_assert_eq(crm_query_parse(&s, 1, now, &q, &err), CRM_OK, "%s",
		     err.msg);
	yes = crm_query_fts(q, all, names);
	crm_query_free(q);
	return yes;
}

/* The ids of the records whose full text matches the FTS5 query m. */
static char *fts_ids(const char *m)
{
	struct crm_sql sql = {0};
	char *ids;

	crm_buf_adds(&sql.where, "r.rid IN (SELECT rowid FROM fts WHERE fts "
		     "MATCH ?1)");
	sql.params = crm_xcalloc(1, sizeof(*sql.params));
	sql.params[0].text = crm_xstrdup(m);
	sql.nparams = sql.cap = 1;
	ids = select_ids(&sql);
	crm_sql_free(&sql);
	return ids;
}

/* Expects crm_query_fts to turn s into want_all and want_names, and its
 * query of the full text to find what the query s finds. */
static void expect_fts(const char *s, const char *want_all,
		       const char *want_names)
{
	struct crm_buf all, names;
	char *got, *want;

	cr_assert(fts_of(s, &all, &names), "query [%s] has no FTS form", s);
	cr_expect_str_eq(all.s, want_all, "query [%s]", s);
	cr_expect_str_eq(names.s, want_names, "query [%s]", s);
	got = fts_ids(all.s);
	want = run_words(&s, 1);
	cr_expect_str_eq(got, want, "query [%s] through [%s]", s, all.s);
	free(got);
	free(want);
	crm_buf_free(&all);
	crm_buf_free(&names);
}

/* Expects s to have no FTS form, and nothing appended. */
static void expect_no_fts(const char *s)
{
	struct crm_buf all, names;

	cr_expect(!fts_of(s, &all, &names), "query [%s] has an FTS form", s);
	cr_expect_eq(all.len + names.len, 0, "query [%s]: text appended", s);
	crm_buf_free(&all);
	crm_buf_free(&names);
}

Test(query, fts_of_words)
{
	expect_fts("иван", "(\"иван\")", "\"иван\"");
	expect_fts("ИВАНОВ", "(\"иванов\")", "\"иванов\"");
	expect_fts("ƏLİYEV", "(\"eliyev\")", "\"eliyev\"");
	expect_fts("495 123", "(\"495 123\" OR \"495123\")", "\"495 123\"");
	expect_fts("romashka.ru", "(\"romashka.ru\")", "\"romashka.ru\"");
	expect_fts("\"At Expo\" acme", "(\"at expo\") AND (\"acme\")",
		   "\"at expo\" AND \"acme\"");
	expect_fts("иван and иванов", "(\"иван\") AND (\"иванов\")",
		   "\"иван\" AND \"иванов\"");
	expect_fts("\"O'Brien\"", "(\"o'brien\")", "\"o'brien\"");
	expect_fts("\"say \\\"hi\\\"\"", "(\"say \"\"hi\"\"\")",
		   "\"say \"\"hi\"\"\"");
	/* anything but words of three characters or more joined by and */
	expect_no_fts("");
	expect_no_fts("ёж");
	expect_no_fts("иван ёж");
	expect_no_fts("stage:won");
	expect_no_fts("иван type:contact");
	expect_no_fts("иван or acme");
	expect_no_fts("-иван");
	expect_no_fts("иван -acme");
	expect_no_fts("/иван/");
	expect_no_fts("(иван or acme) expo");
}
