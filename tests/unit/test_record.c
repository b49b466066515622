/*
 * test_record.c - the record model: types, paths, the canonical text,
 * key order, validation with line numbers, and field changes from the
 * command line (crm_record_set_field).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "crm.h"

/* 2026-03-01T10:00:00Z, a Sunday. */
#define NOW ((time_t)1772359200)
#define STAMP "2026-03-01T10:00:00+00:00"

static struct crm_config cfg;

static void setup(void)
{
	struct crm_err err = {0};
	char *text;

	setenv("TZ", "UTC", 1);
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

TestSuite(record, .init = setup, .fini = teardown);

/* Canonical text of r (not reordered here).  Caller frees. */
static char *text_of(const struct crm_record *r)
{
	struct crm_err err = {0};
	char *out = NULL;
	size_t len = 0;

	cr_assert_eq(crm_record_serialize(r, &out, &len, &err), CRM_OK,
		     "serialize: %s", err.msg);
	cr_assert_not_null(out);
	cr_assert_eq(strlen(out), len);
	return out;
}

/* Parses text as a record of type t, failing the test on error. */
static struct crm_record *parse_ok(enum crm_type t, const char *id,
				   const char *text)
{
	struct crm_record *r = NULL;
	struct crm_err err = {0};

	cr_assert_eq(crm_record_parse(t, id, text, strlen(text), &cfg, &r, &err),
		     CRM_OK, "parse failed: %s\n---\n%s", err.msg, text);
	cr_assert_not_null(r);
	return r;
}

/* Sets a field, failing the test on error. */
static void set_ok(struct crm_record *r, const char *key, char op,
		   const char *value)
{
	struct crm_err err = {0};

	cr_assert_eq(crm_record_set_field(r, key, op, value, &cfg, "ann", NOW,
					  &err),
		     CRM_OK, "%s %c '%s': %s", key, op, value, err.msg);
}

/* Keys of r's map joined by ','.  Caller frees. */
static char *key_order(const struct crm_record *r)
{
	struct crm_buf b = {0};
	size_t i;

	for (i = 0; i < r->map->len; i++) {
		if (i)
			crm_buf_addc(&b, ',');
		crm_buf_adds(&b, r->map->keys[i]);
	}
	crm_buf_add(&b, "", 0);
	return crm_buf_detach(&b);
}

/* ---- types and paths ---- */

Test(record, type_parse)
{
	static const struct {
		const char *s;
		enum crm_type t;
	} ok[] = {
		{"company", CRM_COMPANY}, {"companies", CRM_COMPANY},
		{"Company", CRM_COMPANY}, {"DEALS", CRM_DEAL},
		{"contact", CRM_CONTACT}, {"contacts", CRM_CONTACT},
		{"deal", CRM_DEAL},       {"deals", CRM_DEAL},
		{"task", CRM_TASK},       {"tasks", CRM_TASK},
	};
	static const char *const bad[] = {
		"", "compan", "companys", "people", "contactss",
		"deal ", "tasks/", "timeline",
	};
	enum crm_type t;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		t = CRM_NTYPES;
		cr_expect(crm_type_parse(ok[i].s, &t), "'%s' refused", ok[i].s);
		cr_expect_eq(t, ok[i].t, "'%s' gave %d", ok[i].s, t);
	}
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_expect(!crm_type_parse(bad[i], &t), "'%s' accepted", bad[i]);
	for (i = 0; i < CRM_NTYPES; i++) {
		cr_expect(crm_type_parse(crm_type_name((enum crm_type)i), &t));
		cr_expect_eq(t, (enum crm_type)i);
		cr_expect(crm_type_parse(crm_type_dir((enum crm_type)i), &t));
		cr_expect_eq(t, (enum crm_type)i);
	}
}

Test(record, path_round_trip)
{
	static const char *const want[CRM_NTYPES] = {
		"companies/7k/7k2m9xqa4d.yaml", "contacts/7k/7k2m9xqa4d.yaml",
		"deals/7k/7k2m9xqa4d.yaml", "tasks/7k/7k2m9xqa4d.yaml",
	};
	char buf[64], id[CRM_ID_LEN + 1];
	enum crm_type t;
	int i;

	for (i = 0; i < CRM_NTYPES; i++) {
		cr_assert(crm_record_path((enum crm_type)i, "7k2m9xqa4d", buf,
					  sizeof(buf)));
		cr_expect_str_eq(buf, want[i]);
		memset(id, 0, sizeof(id));
		cr_assert(crm_record_path_parse(buf, &t, id), "%s refused", buf);
		cr_expect_eq(t, (enum crm_type)i);
		cr_expect_str_eq(id, "7k2m9xqa4d");
	}
	/* A buffer too small is reported, not overrun. */
	cr_expect(!crm_record_path(CRM_DEAL, "7k2m9xqa4d", buf, 10));
	cr_expect(!crm_record_path(CRM_DEAL, "7k2m9xqa4d", buf,
				   strlen(want[CRM_DEAL])));
	cr_expect(crm_record_path(CRM_DEAL, "7k2m9xqa4d", buf,
				  strlen(want[CRM_DEAL]) + 1));
}

Test(record, path_parse_rejects)
{
	static const char *const bad[] = {
		"company/7k/7k2m9xqa4d.yaml",    /* singular dir */
		"people/7k/7k2m9xqa4d.yaml",     /* unknown dir */
		"templates/7k/7k2m9xqa4d.yaml",
		"Contacts/7k/7k2m9xqa4d.yaml",
		"contacts/7m/7k2m9xqa4d.yaml",   /* wrong shard */
		"contacts/k2/7k2m9xqa4d.yaml",
		"contacts/7k2m9xqa4d.yaml",      /* no shard */
		"contacts/7k/x/7k2m9xqa4d.yaml", /* too deep */
		"contacts/7k/7k2m9xqa4.yaml",    /* short id */
		"contacts/7k/7k2m9xqa4dd.yaml",  /* long id */
		"contacts/7k/7k2m9xqa4u.yaml",   /* 'u' is not Crockford */
		"contacts/7K/7K2M9XQA4D.yaml",   /* uppercase */
		"contacts/7k/7k2m9xqa4d",        /* no .yaml */
		"contacts/7k/7k2m9xqa4d.yml",
		"contacts/7k/7k2m9xqa4d.yaml~",
		"contacts/7k/7k2m9xqa4d.yamlx",
		"contacts/7k/.7k2m9xqa4d.yaml",
		"crm.yaml", "", "/", "contacts/",
	};
	char id[CRM_ID_LEN + 1];
	enum crm_type t;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_expect(!crm_record_path_parse(bad[i], &t, id),
			  "'%s' accepted", bad[i]);
}

/* ---- canonical text ---- */

Test(record, new_record_text)
{
	struct crm_record *r = crm_record_new(CRM_COMPANY, "q4r5s6t7v8",
					      "Acme", NOW);
	char *text = text_of(r);

	cr_expect_eq(r->type, CRM_COMPANY);
	cr_expect_str_eq(r->id, "q4r5s6t7v8");
	cr_expect_str_eq(crm_record_name(r), "Acme");
	cr_expect_str_eq(text, "id: q4r5s6t7v8\n"
			       "name: Acme\n"
			       "created: '" STAMP "'\n"
			       "updated: '" STAMP "'\n");
	free(text);
	crm_record_free(r);
}

/* A full contact built as the command line builds one. */
static struct crm_record *full_contact(void)
{
	struct crm_record *r = crm_record_new(CRM_CONTACT, "7k2m9xqa4d",
					      "Иван Петров", NOW);
	struct crm_node *tl = crm_node_new_seq(), *e = crm_node_new_map();

	set_ok(r, "company", '=', "cmp4ny0001");
	set_ok(r, "role", '=', "CEO");
	set_ok(r, "owner", '=', "ann");
	set_ok(r, "phone", '+', "+7 495 123-45-67");
	set_ok(r, "phone", '+', "8 800 555-35-35");
	set_ok(r, "email", '+', "ivan@example.com");
	set_ok(r, "birthday", '=', "1980-05-17");
	set_ok(r, "source", '=', "referral");
	set_ok(r, "tag", '+', "vip");
	set_ok(r, "tag", '+', "no");
	set_ok(r, "linkedin", '=', "ivan-petrov");
	set_ok(r, "nickname", '=', "yes");
	crm_map_set_str(e, "id", "tl00000001");
	crm_map_set_str(e, "at", STAMP);
	crm_map_set_str(e, "kind", "call");
	crm_map_set_str(e, "text", "Discussed the offer.\nCall back in May.");
	crm_seq_push(tl, e);
	crm_map_set(r->map, "timeline", tl);
	return r;
}

static const char full_contact_text[] =
	"id: '7k2m9xqa4d'\n"
	"name: Иван Петров\n"
	"company: cmp4ny0001\n"
	"role: CEO\n"
	"owner: ann\n"
	"phones:\n"
	"- '+7 495 123-45-67'\n"
	"- '8 800 555-35-35'\n"
	"emails:\n"
	"- ivan@example.com\n"
	"birthday: '1980-05-17'\n"
	"source: referral\n"
	"tags:\n"
	"- vip\n"
	"- 'no'\n"
	"created: '" STAMP "'\n"
	"updated: '" STAMP "'\n"
	"linkedin: ivan-petrov\n"
	"nickname: 'yes'\n"
	"timeline:\n"
	"- id: tl00000001\n"
	"  at: '" STAMP "'\n"
	"  kind: call\n"
	"  text: |-\n"
	"    Discussed the offer.\n"
	"    Call back in May.\n";

Test(record, full_contact_canonical_text)
{
	struct crm_record *r = full_contact(), *back;
	struct crm_err err = {0};
	char *text, *again;

	crm_record_canonicalize(r);
	text = text_of(r);
	cr_expect_str_eq(text, full_contact_text, "got:\n%s", text);
	cr_expect_eq(crm_record_validate(r, &cfg, &err), CRM_OK, "%s", err.msg);

	/* It reads back to the same tree and the same bytes. */
	back = parse_ok(CRM_CONTACT, "7k2m9xqa4d", text);
	cr_expect(crm_node_equal(back->map, r->map));
	crm_record_canonicalize(back);
	again = text_of(back);
	cr_expect_str_eq(again, text);
	free(again);
	free(text);
	crm_record_free(back);
	crm_record_free(r);
}

Test(record, field_order_does_not_change_the_bytes)
{
	struct crm_record *a = full_contact();
	struct crm_record *b = crm_record_new(CRM_CONTACT, "7k2m9xqa4d",
					      "Иван Петров", NOW);
	char *ta, *tb;

	/* Same data set in another order. */
	crm_map_set(b->map, "timeline",
		    crm_node_dup(crm_map_get(a->map, "timeline")));
	set_ok(b, "linkedin", '=', "ivan-petrov");
	set_ok(b, "tag", '+', "vip");
	set_ok(b, "birthday", '=', "1980-05-17");
	set_ok(b, "phone", '+', "+7 495 123-45-67");
	set_ok(b, "nickname", '=', "yes");
	set_ok(b, "owner", '=', "ann");
	set_ok(b, "email", '+', "ivan@example.com");
	set_ok(b, "tag", '+', "no");
	set_ok(b, "source", '=', "referral");
	set_ok(b, "role", '=', "CEO");
	set_ok(b, "phone", '+', "8 800 555-35-35");
	set_ok(b, "company", '=', "cmp4ny0001");
	crm_record_canonicalize(a);
	crm_record_canonicalize(b);
	ta = text_of(a);
	tb = text_of(b);
	/* Custom keys keep their relative order: linkedin before nickname. */
	cr_expect_str_eq(tb, ta);
	free(ta);
	free(tb);
	crm_record_free(a);
	crm_record_free(b);
}

Test(record, canonicalize_order)
{
	static const char text[] =
		"timeline:\n"
		"- id: n0te000001\n"
		"  at: '2026-01-02'\n"
		"  kind: note\n"
		"  text: hello\n"
		"zeta: 1\n"
		"updated: '2026-01-01T00:00:00+00:00'\n"
		"stage_history:\n"
		"- stage: lead\n"
		"  at: '2026-01-01T00:00:00+00:00'\n"
		"  by: ann\n"
		"amount: 1500\n"
		"name: Big deal\n"
		"alpha:\n"
		"  nested: [1, two]\n"
		"  more: yes\n"
		"owner: ann\n"
		"id: d0e1f2g3h4\n"
		"mid: 'text'\n"
		"stage: lead\n"
		"created: '2026-01-01T00:00:00+00:00'\n"
		"pipeline: sales\n"
		"currency: RUB\n";
	struct crm_record *r = parse_ok(CRM_DEAL, "d0e1f2g3h4", text);
	struct crm_node *zeta = crm_node_dup(crm_map_get(r->map, "zeta"));
	struct crm_node *alpha = crm_node_dup(crm_map_get(r->map, "alpha"));
	struct crm_node *tl = crm_node_dup(crm_map_get(r->map, "timeline"));
	char *order, *out, *out2;
	struct crm_record *back;

	crm_record_canonicalize(r);
	order = key_order(r);
	cr_expect_str_eq(order,
			 "id,name,pipeline,stage,amount,currency,owner,created,"
			 "updated,zeta,alpha,mid,stage_history,timeline");
	/* Custom keys are kept as they were, typed scalars included. */
	cr_expect(crm_node_equal(crm_map_get(r->map, "zeta"), zeta));
	cr_expect(crm_map_get(r->map, "zeta")->typed);
	cr_expect(crm_node_equal(crm_map_get(r->map, "alpha"), alpha));
	cr_expect(crm_node_equal(crm_map_get(r->map, "timeline"), tl));
	cr_expect_str_eq(crm_map_str(r->map, "mid"), "text");
	out = text_of(r);
	cr_expect(strstr(out, "\nzeta: 1\n") != NULL, "%s", out);
	cr_expect(strstr(out, "\namount: 1500\n") != NULL, "%s", out);
	cr_expect(strstr(out, "  more: yes\n") != NULL, "%s", out);
	/* Canonicalizing twice changes nothing; reading back neither. */
	crm_record_canonicalize(r);
	out2 = text_of(r);
	cr_expect_str_eq(out2, out);
	back = parse_ok(CRM_DEAL, "d0e1f2g3h4", out);
	crm_record_canonicalize(back);
	free(out2);
	out2 = text_of(back);
	cr_expect_str_eq(out2, out);
	free(out2);
	free(out);
	free(order);
	crm_node_free(zeta);
	crm_node_free(alpha);
	crm_node_free(tl);
	crm_record_free(back);
	crm_record_free(r);
}

Test(record, canonicalize_each_type)
{
	static const struct {
		enum crm_type t;
		const char *text, *order;
	} cases[] = {
		{CRM_COMPANY,
		 "x: 1\ntimeline: []\ntags: [a]\nwebsite: w\nname: N\n"
		 "id: q4r5s6t7v8\naddress: a\nphones: ['1']\nowner: ann\n",
		 "id,name,owner,phones,website,address,tags,x,timeline"},
		{CRM_CONTACT,
		 "role: r\nname: N\nid: q4r5s6t7v8\ny: 2\nx: 1\n"
		 "company: cmp4ny0001\nbirthday: '1990-01-01'\n",
		 "id,name,company,role,birthday,y,x"},
		{CRM_TASK,
		 "due: '2026-03-02'\ncustom: c\nfor: cmp4ny0001\nname: N\n"
		 "id: q4r5s6t7v8\ntags: [t]\n",
		 "id,name,for,due,tags,custom"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct crm_record *r = parse_ok(cases[i].t, "q4r5s6t7v8",
						cases[i].text);
		char *order;

		crm_record_canonicalize(r);
		order = key_order(r);
		cr_expect_str_eq(order, cases[i].order, "%s", cases[i].text);
		free(order);
		crm_record_free(r);
	}
}

Test(record, known_string_fields_written_as_strings)
{
	/* A plain "name: 2026" is a number to YAML; crm writes it back as the
	 * string it is, while a custom number stays a number. */
	struct crm_record *r = parse_ok(CRM_COMPANY, "q4r5s6t7v8",
					"id: q4r5s6t7v8\nname: 2026\n"
					"source: no\nscore: 42\n");
	char *out;

	crm_record_canonicalize(r);
	out = text_of(r);
	cr_expect_str_eq(out, "id: q4r5s6t7v8\nname: '2026'\nsource: 'no'\n"
			      "score: 42\n");
	free(out);
	crm_record_free(r);
}

/* ---- validation ---- */

struct bad_case {
	enum crm_type type;
	const char *what;
	const char *text;
	int line;
	const char *field;
	const char *also; /* another substring the message needs, or NULL */
};

static const struct bad_case bad_cases[] = {
	{CRM_COMPANY, "missing name", "id: q4r5s6t7v8\nowner: ann\n", 1,
	 "name", NULL},
	{CRM_COMPANY, "empty name", "id: q4r5s6t7v8\nowner: ann\nname: ''\n", 3,
	 "name", NULL},
	{CRM_COMPANY, "id mismatch", "name: Acme\nid: q4r5s6t7v9\n", 2, "id",
	 "q4r5s6t7v9"},
	{CRM_DEAL, "timeline entry with a list for a text",
	 "id: q4r5s6t7v8\nname: Big\ntimeline:\n- id: a1b2c3d4e5\n"
	 "  kind: note\n  at: '2026-01-01T10:00:00Z'\n  text: [a]\n", 7,
	 "timeline", "single value"},
	{CRM_DEAL, "stage entry at no time",
	 "id: q4r5s6t7v8\nname: Big\nstage_history:\n- stage: lead\n"
	 "  at: soon\n", 5, "stage_history", "invalid time 'soon'"},
	{CRM_DEAL, "stage entry with no stage",
	 "id: q4r5s6t7v8\nname: Big\nstage_history:\n"
	 "- at: '2026-01-01T10:00:00Z'\n", 4, "stage_history", "no stage"},
	{CRM_DEAL, "stage entry with a list for a reason",
	 "id: q4r5s6t7v8\nname: Big\nstage_history:\n- stage: lost\n"
	 "  at: '2026-01-01T10:00:00Z'\n  reason: [a]\n", 6, "stage_history",
	 "single value"},
	{CRM_CONTACT, "bad company ref",
	 "id: q4r5s6t7v8\nname: Ivan\ncompany: acme\n", 3, "company", "acme"},
	{CRM_CONTACT, "bad email",
	 "id: q4r5s6t7v8\nname: Ivan\nemails:\n- ivan@example.com\n"
	 "- ivan.example.com\n",
	 5, "emails", "ivan.example.com"},
	{CRM_COMPANY, "tag with space",
	 "id: q4r5s6t7v8\nname: Acme\ntags:\n- vip\n- big client\n", 5, "tags",
	 "big client"},
	{CRM_COMPANY, "tag with a line break",
	 "id: q4r5s6t7v8\nname: Acme\ntags:\n- vip\n- \"big\\nclient\"\n", 5,
	 "tags", "invalid tag"},
	{CRM_TASK, "bad date in due",
	 "id: q4r5s6t7v8\nname: Call\nfor: cmp4ny0001\ndue: '2026-13-45'\n", 4,
	 "due", "2026-13-45"},
	{CRM_CONTACT, "birthday with a time",
	 "id: q4r5s6t7v8\nname: Ivan\n"
	 "birthday: '1980-05-17T10:00:00+03:00'\n",
	 3, "birthday", NULL},
	{CRM_DEAL, "amount 12abc",
	 "id: q4r5s6t7v8\nname: Deal\nstage: lead\namount: 12abc\n", 4,
	 "amount", "12abc"},
	{CRM_DEAL, "currency rub",
	 "id: q4r5s6t7v8\nname: Deal\ncurrency: rub\n", 3, "currency", "rub"},
	{CRM_CONTACT, "phones not a list",
	 "id: q4r5s6t7v8\nname: Ivan\nphones: '+7 495 123-45-67'\n", 3,
	 "phones", NULL},
	{CRM_COMPANY, "timeline item not a map",
	 "id: q4r5s6t7v8\nname: Acme\ntimeline:\n- id: n0te000001\n"
	 "  at: '2026-01-01'\n  kind: note\n- just text\n",
	 7, "timeline", NULL},
	{CRM_COMPANY, "timeline entry without an id",
	 "id: q4r5s6t7v8\nname: Acme\ntimeline:\n- at: '2026-01-01'\n"
	 "  kind: note\n",
	 4, "timeline", "no id"},
	{CRM_COMPANY, "timeline entry id given twice",
	 "id: q4r5s6t7v8\nname: Acme\ntimeline:\n- id: n0te000001\n"
	 "  at: '2026-01-01'\n  kind: note\n- id: n0te000001\n"
	 "  at: '2026-01-02'\n  kind: call\n",
	 7, "timeline", "twice"},
	{CRM_CONTACT, "timeline entry of an unknown kind",
	 "id: q4r5s6t7v8\nname: Ivan\ntimeline:\n- id: n0te000001\n"
	 "  at: '2026-01-01'\n  kind: cal\n",
	 6, "timeline", "unknown kind 'cal'"},
	{CRM_DEAL, "timeline entry with a bad time",
	 "id: q4r5s6t7v8\nname: Deal\ntimeline:\n- id: n0te000001\n"
	 "  at: tomorrow\n  kind: note\n",
	 5, "timeline", "invalid time 'tomorrow'"},
	{CRM_DEAL, "timeline entry without a time",
	 "id: q4r5s6t7v8\nname: Deal\ntimeline:\n- id: n0te000001\n"
	 "  kind: note\n",
	 4, "timeline", "invalid time"},
	{CRM_COMPANY, "name of spaces",
	 "id: q4r5s6t7v8\nname: '   '\n", 2, "name", "must not be blank"},
	{CRM_CONTACT, "name of tabs and spaces",
	 "id: q4r5s6t7v8\nname: \"\\t \\t\"\n", 2, "name",
	 "must not be blank"},
	{CRM_DEAL, "name of no-break spaces",
	 "id: q4r5s6t7v8\nname: \"\xc2\xa0\xe3\x80\x80\"\n", 2, "name",
	 "must not be blank"},
	{CRM_TASK, "task without for",
	 "id: q4r5s6t7v8\nname: Call\ndue: '2026-03-02'\n", 1, "for", NULL},
};

Test(record, parse_validation_table)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(*bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct crm_record *r = (struct crm_record *)1;
		struct crm_err err = {0};
		char want_line[32], want_field[64];
		int rc;

		rc = crm_record_parse(c->type, "q4r5s6t7v8", c->text,
				      strlen(c->text), &cfg, &r, &err);
		cr_expect_eq(rc, CRM_ERR, "%s: accepted (rc %d)", c->what, rc);
		cr_expect_null(r, "%s: *out set on failure", c->what);
		if (rc == CRM_OK) {
			crm_record_free(r);
			continue;
		}
		cr_expect_eq(err.status, CRM_ERR, "%s", c->what);
		snprintf(want_line, sizeof(want_line), "line %d", c->line);
		snprintf(want_field, sizeof(want_field), "'%s'", c->field);
		cr_expect(strstr(err.msg, want_line) != NULL,
			  "%s: message '%s' lacks '%s'", c->what, err.msg,
			  want_line);
		cr_expect(strstr(err.msg, want_field) != NULL,
			  "%s: message '%s' lacks the field %s", c->what,
			  err.msg, want_field);
		if (c->also)
			cr_expect(strstr(err.msg, c->also) != NULL,
				  "%s: message '%s' lacks '%s'", c->what,
				  err.msg, c->also);
	}
}

Test(record, unknown_owner_and_stage_need_cfg)
{
	/* Without a configuration, owners and stages are not checked. */
	static const char text[] =
		"id: q4r5s6t7v8\nname: Deal\nstage: wonn\nowner: bob\n";
	struct crm_record *r = NULL;
	struct crm_err err = {0};

	cr_expect_eq(crm_record_parse(CRM_DEAL, "q4r5s6t7v8", text,
				      strlen(text), NULL, &r, &err),
		     CRM_OK, "%s", err.msg);
	crm_record_free(r);
}

Test(record, unknown_owner_hint)
{
	static const char text[] = "id: q4r5s6t7v8\nname: Acme\nowner: anne\n";
	struct crm_record *r = NULL;
	struct crm_err err = {0};

	/* read (a record crm.yaml does not fit stays readable), but not
	 * valid when checked strictly */
	cr_assert_eq(crm_record_parse(CRM_COMPANY, "q4r5s6t7v8", text,
				      strlen(text), &cfg, &r, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_eq(crm_record_validate(r, &cfg, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "did you mean 'ann'") != NULL, "%s", err.msg);
	crm_record_free(r);
}

/* What crm.yaml lists: read, then refused by the strict check with the
 * line and field. */
static const struct bad_case config_cases[] = {
	{CRM_DEAL, "unknown stage",
	 "id: q4r5s6t7v8\nname: Deal\npipeline: sales\nstage: wonn\n", 4,
	 "stage", "did you mean 'won'"},
	{CRM_COMPANY, "unknown owner",
	 "id: q4r5s6t7v8\nname: Acme\nowner: bob\n", 3, "owner", "bob"},
	{CRM_DEAL, "unknown pipeline",
	 "id: q4r5s6t7v8\nname: Deal\npipeline: support\nstage: lead\n", 3,
	 "pipeline", "support"},
};

Test(record, config_cases_read_but_invalid)
{
	size_t i;

	for (i = 0; i < sizeof(config_cases) / sizeof(*config_cases); i++) {
		const struct bad_case *c = &config_cases[i];
		struct crm_record *r = NULL;
		struct crm_err err = {0};
		char want[96];

		cr_assert_eq(crm_record_parse(c->type, "q4r5s6t7v8", c->text,
					      strlen(c->text), &cfg, &r, &err),
			     CRM_OK, "%s: %s", c->what, err.msg);
		cr_expect_eq(crm_record_validate(r, &cfg, &err), CRM_ERR,
			     "%s", c->what);
		snprintf(want, sizeof(want), "line %d: field '%s'", c->line,
			 c->field);
		cr_expect(strstr(err.msg, want) != NULL, "%s: %s", c->what,
			  err.msg);
		cr_expect(strstr(err.msg, c->also) != NULL, "%s: %s", c->what,
			  err.msg);
		crm_record_free(r);
	}
}

Test(record, id_from_file_when_no_expected_id)
{
	struct crm_record *r = NULL;
	struct crm_err err = {0};
	const char *text = "id: q4r5s6t7v8\nname: Acme\n";

	cr_assert_eq(crm_record_parse(CRM_COMPANY, NULL, text, strlen(text),
				      &cfg, &r, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_str_eq(r->id, "q4r5s6t7v8");
	crm_record_free(r);
	text = "name: Acme\n";
	cr_expect_eq(crm_record_parse(CRM_COMPANY, NULL, text, strlen(text),
				      &cfg, &r, &err),
		     CRM_ERR);
	cr_expect_null(r);
	cr_expect(strstr(err.msg, "'id'") != NULL, "%s", err.msg);
}

Test(record, valid_record_of_each_type)
{
	static const struct {
		enum crm_type t;
		const char *text;
	} ok[] = {
		{CRM_COMPANY,
		 "id: q4r5s6t7v8\nname: Acme\nowner: ann\n"
		 "phones:\n- '+7 495 123-45-67'\nemails:\n- info@acme.example\n"
		 "website: https://acme.example\naddress: Moscow\n"
		 "source: fair\ntags:\n- vip\n- b2b\n"
		 "created: '2026-01-01T10:00:00+03:00'\n"
		 "updated: '2026-01-02T10:00:00Z'\n"
		 "custom:\n  any: [1, 2]\n"
		 "timeline:\n- id: n0te000001\n  at: '2026-01-01'\n"
		 "  kind: note\n  text: hi\n"},
		{CRM_CONTACT,
		 "id: q4r5s6t7v8\nname: Иван Петров\ncompany: cmp4ny0001\n"
		 "role: CEO\nowner: ann\nphones:\n- '8 800 555-35-35'\n"
		 "emails:\n- ivan@example.com\nbirthday: '1980-05-17'\n"
		 "tags: []\n"},
		{CRM_DEAL,
		 "id: q4r5s6t7v8\nname: Big deal\ncompany: cmp4ny0001\n"
		 "contact: q4r5s6t7v9\npipeline: sales\nstage: negotiation\n"
		 "amount: 1500000.50\ncurrency: RUB\nowner: ann\n"
		 "stage_history:\n- stage: lead\n  at: '2026-01-01T10:00:00Z'\n"
		 "  by: ann\n"},
		{CRM_DEAL, "id: q4r5s6t7v8\nname: Minimal deal\n"},
		{CRM_TASK,
		 "id: q4r5s6t7v8\nname: Call back\nfor: q4r5s6t7v9\n"
		 "due: '2026-03-02T15:30:00+03:00'\nowner: ann\n"},
		{CRM_TASK,
		 "id: q4r5s6t7v8\nname: Send offer\nfor: q4r5s6t7v9\n"
		 "due: '2026-03-02'\n"},
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		struct crm_record *r = parse_ok(ok[i].t, "q4r5s6t7v8", ok[i].text);

		cr_expect_eq(r->type, ok[i].t);
		cr_expect_str_eq(r->id, "q4r5s6t7v8");
		crm_record_free(r);
	}
}

/* ---- set_field ---- */

Test(record, set_and_remove)
{
	struct crm_record *r = crm_record_new(CRM_CONTACT, "q4r5s6t7v8", "Ivan",
					      NOW);
	struct crm_err err = {0};

	set_ok(r, "role", '=', "CEO");
	cr_expect_str_eq(crm_map_str(r->map, "role"), "CEO");
	set_ok(r, "role", '=', "CTO");
	cr_expect_str_eq(crm_map_str(r->map, "role"), "CTO");
	set_ok(r, "role", '=', "");
	cr_expect_null(crm_map_get(r->map, "role"));
	set_ok(r, "name", '=', "Ivan Petrov");
	cr_expect_str_eq(crm_record_name(r), "Ivan Petrov");
	/* The name cannot be removed. */
	cr_expect_neq(crm_record_set_field(r, "name", '=', "", &cfg, "ann", NOW,
					   &err),
		      CRM_OK);
	cr_expect_str_eq(crm_record_name(r), "Ivan Petrov");
	/* A custom field, set and removed. */
	set_ok(r, "linkedin", '=', "ivan");
	cr_expect_str_eq(crm_map_str(r->map, "linkedin"), "ivan");
	set_ok(r, "linkedin", '=', "");
	cr_expect_null(crm_map_get(r->map, "linkedin"));
	crm_record_free(r);
}

/* Checks that the list at key holds exactly the items (NULL-terminated). */
static void expect_list(const struct crm_record *r, const char *key, ...)
{
	const struct crm_node *n = crm_map_get(r->map, key);
	const char *want;
	size_t i = 0;
	va_list ap;

	cr_assert_not_null(n, "no '%s'", key);
	cr_assert_eq(n->kind, CRM_NODE_SEQ, "'%s' is not a list", key);
	va_start(ap, key);
	while ((want = va_arg(ap, const char *)) != NULL) {
		cr_assert_lt(i, n->len, "'%s' is too short", key);
		cr_expect_str_eq(n->items[i]->str, want, "%s[%zu]", key, i);
		i++;
	}
	va_end(ap);
	cr_expect_eq(n->len, i, "'%s' has %zu items, want %zu", key, n->len, i);
}

Test(record, list_ops_and_aliases)
{
	struct crm_record *r = crm_record_new(CRM_CONTACT, "q4r5s6t7v8", "Ivan",
					      NOW);
	struct crm_err err = {0};

	set_ok(r, "phone", '+', "+7 495 123-45-67");
	set_ok(r, "phones", '+', "8 800 555-35-35");
	expect_list(r, "phones", "+7 495 123-45-67", "8 800 555-35-35", NULL);
	cr_expect_null(crm_map_get(r->map, "phone"));
	set_ok(r, "email", '+', "a@example.com");
	set_ok(r, "email", '+', "b@example.com");
	expect_list(r, "emails", "a@example.com", "b@example.com", NULL);
	cr_expect_null(crm_map_get(r->map, "email"));
	set_ok(r, "tag", '+', "vip");
	set_ok(r, "tags", '+', "b2b");
	set_ok(r, "tag", '+', "vip"); /* no duplicates */
	expect_list(r, "tags", "vip", "b2b", NULL);
	cr_expect_null(crm_map_get(r->map, "tag"));

	set_ok(r, "phone", '-', "+7 495 123-45-67");
	expect_list(r, "phones", "8 800 555-35-35", NULL);
	set_ok(r, "email", '-', "a@example.com");
	expect_list(r, "emails", "b@example.com", NULL);
	set_ok(r, "tag", '-', "vip");
	expect_list(r, "tags", "b2b", NULL);

	/* '=' replaces the whole list; '' removes it. */
	set_ok(r, "tag", '=', "new");
	expect_list(r, "tags", "new", NULL);
	set_ok(r, "tag", '=', "");
	cr_expect_null(crm_map_get(r->map, "tags"));
	/* Removing the last item removes the key. */
	set_ok(r, "phone", '-', "8 800 555-35-35");
	cr_expect_null(crm_map_get(r->map, "phones"));

	/* Removing what is not there is an error. */
	cr_expect_eq(crm_record_set_field(r, "email", '-', "zz@example.com",
					  &cfg, "ann", NOW, &err),
		     CRM_EUSAGE);
	cr_expect(strstr(err.msg, "zz@example.com") != NULL, "%s", err.msg);
	expect_list(r, "emails", "b@example.com", NULL);
	/* '+' on a single-value field is refused. */
	cr_expect_eq(crm_record_set_field(r, "role", '+', "x", &cfg, "ann", NOW,
					  &err),
		     CRM_EUSAGE);
	cr_expect_null(crm_map_get(r->map, "role"));
	crm_record_free(r);
}

/* Expects a failing set_field to leave r exactly as it was. */
static void expect_refused(struct crm_record *r, const char *key, char op,
			   const char *value, const char *want)
{
	struct crm_record *copy = crm_record_dup(r);
	struct crm_err err = {0};
	int rc = crm_record_set_field(r, key, op, value, &cfg, "ann", NOW, &err);

	cr_expect_neq(rc, CRM_OK, "%s %c '%s' accepted", key, op, value);
	cr_expect(crm_node_equal(r->map, copy->map),
		  "%s %c '%s' changed the record", key, op, value);
	if (want)
		cr_expect(strstr(err.msg, want) != NULL,
			  "%s %c '%s': message '%s' lacks '%s'", key, op, value,
			  err.msg, want);
	crm_record_free(copy);
}

Test(record, failed_validation_leaves_record_unchanged)
{
	struct crm_record *c = crm_record_new(CRM_CONTACT, "q4r5s6t7v8", "Ivan",
					      NOW);
	struct crm_record *d = crm_record_new(CRM_DEAL, "d0e1f2g3h4", "Deal",
					      NOW);
	struct crm_record *t = crm_record_new(CRM_TASK, "t9v8w7x6y5", "Call",
					      NOW);

	set_ok(c, "email", '+', "a@example.com");
	set_ok(c, "tag", '+', "vip");
	set_ok(c, "owner", '=', "ann");
	set_ok(c, "birthday", '=', "1980-05-17");
	set_ok(c, "company", '=', "cmp4ny0001");
	expect_refused(c, "email", '+', "not-an-email", "not-an-email");
	expect_refused(c, "email", '=', "not-an-email", "not-an-email");
	expect_refused(c, "tag", '+', "big client", "big client");
	expect_refused(c, "owner", '=', "bob", "bob");
	expect_refused(c, "owner", '=', "anne", "did you mean 'ann'");
	expect_refused(c, "birthday", '=', "soon", "birthday");
	expect_refused(c, "birthday", '=', "2026-03-02 15:30", "birthday");
	expect_refused(c, "company", '=', "acme", "acme");
	expect_refused(c, "id", '=', "q4r5s6t7v9", "id");
	expect_refused(c, "created", '=', "2026-01-01", "created");
	expect_refused(c, "updated", '=', "2026-01-01", "updated");
	expect_refused(c, "timeline", '=', "x", "timeline");
	expect_refused(c, "timeline", '+', "x", "timeline");
	expect_refused(c, "bad key", '=', "x", NULL);
	expect_refused(c, "", '=', "x", NULL);
	expect_refused(c, "role", '=', "\xff\xfe", NULL);
	expect_refused(c, "name", '=', "   ", "must not be blank");
	expect_refused(c, "name", '=', "\t \xc2\xa0", "must not be blank");
	set_ok(c, "name", '=', " Ivan\xc2\xa0");
	set_ok(c, "name", '=', "Ivan");

	set_ok(d, "stage", '=', "lead");
	set_ok(d, "amount", '=', "1500");
	set_ok(d, "currency", '=', "RUB");
	expect_refused(d, "amount", '=', "12abc", "12abc");
	expect_refused(d, "amount", '=', "-5", "amount");
	expect_refused(d, "currency", '=', "usx", "USX");
	expect_refused(d, "stage", '=', "wonn", "did you mean 'won'");
	expect_refused(d, "pipeline", '=', "support", "support");
	expect_refused(d, "stage_history", '=', "x", "stage_history");

	set_ok(t, "for", '=', "q4r5s6t7v8");
	set_ok(t, "due", '=', "2026-03-05");
	expect_refused(t, "due", '=', "someday", "due");
	expect_refused(t, "for", '=', "", "for");
	expect_refused(t, "for", '=', "nope", "nope");

	/* Messages from set_field carry no "line 0". */
	{
		struct crm_err err = {0};

		crm_record_set_field(c, "owner", '=', "bob", &cfg, "ann", NOW,
				     &err);
		cr_expect(strstr(err.msg, "line") == NULL, "%s", err.msg);
	}
	crm_record_free(c);
	crm_record_free(d);
	crm_record_free(t);
}

Test(record, error_status_matches_return)
{
	/* err->status is what the function returned (crm.h: crm_seterr). */
	static const struct {
		enum crm_type t;
		const char *key, *value;
	} cases[] = {
		{CRM_CONTACT, "owner", "bob"},      {CRM_CONTACT, "email", "x"},
		{CRM_CONTACT, "company", "acme"},   {CRM_DEAL, "amount", "12abc"},
		{CRM_DEAL, "stage", "wonn"},        {CRM_DEAL, "currency", "usx"},
		{CRM_CONTACT, "birthday", "soon"},  {CRM_CONTACT, "id", "x"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct crm_record *r = crm_record_new(cases[i].t, "q4r5s6t7v8",
						      "X", NOW);
		struct crm_err err = {0};
		int rc = crm_record_set_field(r, cases[i].key, '=',
					      cases[i].value, &cfg, "ann", NOW,
					      &err);

		cr_expect_neq(rc, CRM_OK, "%s accepted", cases[i].key);
		cr_expect_eq(err.status, rc,
			     "%s='%s': returned %d but err.status is %d (%s)",
			     cases[i].key, cases[i].value, rc, err.status,
			     err.msg);
		crm_record_free(r);
	}
}

Test(record, maintained_fields_refused)
{
	static const char *const keys[] = {"id", "created", "timeline"};
	struct crm_record *r = crm_record_new(CRM_COMPANY, "q4r5s6t7v8", "Acme",
					      NOW);
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		struct crm_record *copy = crm_record_dup(r);
		struct crm_err err = {0};

		cr_expect_eq(crm_record_set_field(r, keys[i], '=', "q4r5s6t7v9",
						  &cfg, "ann", NOW, &err),
			     CRM_EUSAGE, "'%s' accepted", keys[i]);
		cr_expect(strstr(err.msg, keys[i]) != NULL, "%s", err.msg);
		cr_expect(crm_node_equal(r->map, copy->map));
		/* Nor may they be removed. */
		cr_expect_neq(crm_record_set_field(r, keys[i], '=', "", &cfg,
						   "ann", NOW, &err),
			      CRM_OK, "removing '%s' accepted", keys[i]);
		cr_expect(crm_node_equal(r->map, copy->map));
		crm_record_free(copy);
	}
	crm_record_free(r);
}

Test(record, stage_change_noted)
{
	struct crm_record *d = crm_record_new(CRM_DEAL, "d0e1f2g3h4", "Deal",
					      NOW);
	const struct crm_node *h, *e;
	struct crm_err err = {0};

	set_ok(d, "pipeline", '=', "sales");
	set_ok(d, "stage", '=', "lead");
	h = crm_map_get(d->map, "stage_history");
	cr_assert_not_null(h);
	cr_assert_eq(h->kind, CRM_NODE_SEQ);
	cr_assert_eq(h->len, 1);
	e = h->items[0];
	cr_assert_eq(e->kind, CRM_NODE_MAP);
	cr_expect_str_eq(crm_map_str(e, "stage"), "lead");
	cr_expect_str_eq(crm_map_str(e, "at"), STAMP);
	cr_expect_str_eq(crm_map_str(e, "by"), "ann");

	cr_assert_eq(crm_record_set_field(d, "stage", '=', "won", &cfg, "ann",
					  NOW + 3600, &err),
		     CRM_OK, "%s", err.msg);
	cr_expect_str_eq(crm_map_str(d->map, "stage"), "won");
	h = crm_map_get(d->map, "stage_history");
	cr_assert_eq(h->len, 2);
	cr_expect_str_eq(crm_map_str(h->items[0], "stage"), "lead");
	cr_expect_str_eq(crm_map_str(h->items[1], "stage"), "won");
	cr_expect_str_eq(crm_map_str(h->items[1], "at"),
			 "2026-03-01T11:00:00+00:00");
	cr_expect_str_eq(crm_map_str(h->items[1], "by"), "ann");

	/* Setting the same stage again is not a change. */
	set_ok(d, "stage", '=', "won");
	cr_expect_eq(crm_map_get(d->map, "stage_history")->len, 2);
	/* A refused stage is not noted. */
	expect_refused(d, "stage", '=', "wonn", NULL);
	cr_expect_eq(crm_map_get(d->map, "stage_history")->len, 2);

	/* History goes after the custom fields in the file. */
	set_ok(d, "zz_custom", '=', "x");
	crm_record_canonicalize(d);
	{
		char *order = key_order(d);

		cr_expect_str_eq(order, "id,name,pipeline,stage,created,updated,"
					"zz_custom,stage_history");
		free(order);
	}
	crm_record_free(d);
}

Test(record, date_words_stored_as_dates)
{
	struct crm_record *t = crm_record_new(CRM_TASK, "t9v8w7x6y5", "Call",
					      NOW);
	struct crm_record *c = crm_record_new(CRM_CONTACT, "q4r5s6t7v8", "Ivan",
					      NOW);
	char *out;

	set_ok(t, "for", '=', "q4r5s6t7v8");
	set_ok(t, "due", '=', "tomorrow");
	cr_expect_str_eq(crm_map_str(t->map, "due"), "2026-03-02");
	set_ok(t, "due", '=', "2026-03-05 15:30");
	cr_expect_str_eq(crm_map_str(t->map, "due"), "2026-03-05T15:30:00+00:00");
	set_ok(t, "due", '=', "+3d");
	cr_expect_str_eq(crm_map_str(t->map, "due"), "2026-03-04");
	set_ok(c, "birthday", '=', "tomorrow");
	cr_expect_str_eq(crm_map_str(c->map, "birthday"), "2026-03-02");
	out = text_of(c);
	cr_expect(strstr(out, "\nbirthday: '2026-03-02'\n") != NULL, "%s", out);
	free(out);
	crm_record_free(t);
	crm_record_free(c);
}

Test(record, amount_is_a_plain_number)
{
	struct crm_record *d = crm_record_new(CRM_DEAL, "d0e1f2g3h4", "Deal",
					      NOW);
	struct crm_record *back;
	const struct crm_node *n;
	char *out;

	set_ok(d, "amount", '=', "1500000.50");
	n = crm_map_get(d->map, "amount");
	cr_assert_not_null(n);
	cr_expect_eq(n->kind, CRM_NODE_SCALAR);
	cr_expect(n->typed);
	cr_expect_str_eq(n->str, "1500000.50");
	crm_record_canonicalize(d);
	cr_expect(crm_map_get(d->map, "amount")->typed);
	out = text_of(d);
	cr_expect(strstr(out, "\namount: 1500000.50\n") != NULL, "%s", out);
	back = parse_ok(CRM_DEAL, "d0e1f2g3h4", out);
	cr_expect(crm_map_get(back->map, "amount")->typed);
	cr_expect_str_eq(crm_map_str(back->map, "amount"), "1500000.50");
	free(out);
	crm_record_free(back);
	crm_record_free(d);
}

Test(record, field_name_valid)
{
	cr_expect(crm_field_name_valid("employees"));
	cr_expect(crm_field_name_valid("a.b"));
	cr_expect(crm_field_name_valid("отрасль"));
	cr_expect_not(crm_field_name_valid(""));
	cr_expect_not(crm_field_name_valid("a b"));
	cr_expect_not(crm_field_name_valid("a:b"));
	cr_expect_not(crm_field_name_valid("x\033[2J"));
	cr_expect_not(crm_field_name_valid("x\177"));
	cr_expect_not(crm_field_name_valid("x\r"));
	cr_expect_not(crm_field_name_valid("\xff"));
}

/* A timeline entry by a user crm.yaml lacks: read, the record is not
 * broken but has a problem; a write (strict validation) refuses it. */
Test(record, timeline_entry_by_unknown_user)
{
	static const char text[] =
		"id: q4r5s6t7v8\nname: Acme\ntimeline:\n- id: n0te000001\n"
		"  at: '2026-01-01T10:00:00+00:00'\n  kind: call\n"
		"  by: zed\n  text: hi\n";
	struct crm_record *r = parse_ok(CRM_COMPANY, "q4r5s6t7v8", text);
	struct crm_problem *pr;
	struct crm_err err = {0};
	size_t n;

	n = crm_record_problems(r, &cfg, &pr);
	cr_expect_eq(n, 1);
	if (n == 1) {
		cr_expect_str_eq(pr[0].field, "timeline");
		cr_expect(strstr(pr[0].message, "unknown user 'zed'") != NULL,
			  "%s", pr[0].message);
		cr_expect(strstr(pr[0].message, "line 7") != NULL, "%s",
			  pr[0].message);
	}
	crm_problems_free(pr, n);
	cr_expect_eq(crm_record_validate(r, &cfg, &err), CRM_ERR);
	cr_expect(strstr(err.msg, "unknown user 'zed'") != NULL, "%s", err.msg);
	crm_record_free(r);
}

/* crm_timeline_append: the entry's fields in order, a new id or the one
 * given; an unknown kind or no time refused. */
Test(record, timeline_append)
{
	struct crm_record *r = crm_record_new(CRM_DEAL, "q4r5s6t7v8", "Deal",
					      NOW);
	struct crm_entry e = {.kind = "task", .at = STAMP, .by = "ann",
			      .text = "Call", .due = "2026-03-02",
			      .id = "t4sk000001", .outcome = "done"};
	const struct crm_node *n;
	struct crm_err err = {0};
	char id[CRM_ID_LEN + 1];

	cr_assert_eq(crm_timeline_append(r, &e, id, &err), CRM_OK, "%s",
		     err.msg);
	cr_expect_str_eq(id, "t4sk000001");
	n = crm_timeline_find(r, "t4sk000001");
	cr_assert_not_null(n);
	cr_expect_str_eq(crm_map_str(n, "outcome"), "done");
	cr_expect_str_eq(crm_map_str(n, "due"), "2026-03-02");
	e.id = NULL;
	e.kind = "note";
	cr_assert_eq(crm_timeline_append(r, &e, id, &err), CRM_OK);
	cr_expect(crm_id_valid(id), "%s", id);
	cr_expect_neq(strcmp(id, "t4sk000001"), 0);
	cr_expect_eq(crm_map_get(r->map, "timeline")->len, 2);
	cr_expect_eq(crm_record_validate(r, &cfg, &err), CRM_OK, "%s", err.msg);
	e.kind = "fax";
	cr_expect_eq(crm_timeline_append(r, &e, id, &err), CRM_EUSAGE);
	e.kind = "call";
	e.at = NULL;
	cr_expect_eq(crm_timeline_append(r, &e, id, &err), CRM_EUSAGE);
	cr_expect_eq(crm_map_get(r->map, "timeline")->len, 2);
	crm_record_free(r);
}
