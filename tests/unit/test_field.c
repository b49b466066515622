/*
 * test_field.c - the field registry: each field declared once and
 * consistently (what the index, the query language, crm add and the
 * tables read from it), and the orders and lookups made from it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "crm.h"
#include "indexrow.h"

Test(field, names_and_terms_are_unique)
{
	const struct crm_field *f, *g;
	size_t i, j;

	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		for (j = i + 1; (g = crm_field_at(j)) != NULL; j++) {
			cr_assert_str_neq(f->name, g->name);
			cr_assert_str_neq(crm_field_term(f), crm_field_term(g));
		}
	}
	cr_assert_eq(i, crm_field_count());
	cr_assert(i <= CRM_FIELDS_MAX);
}

Test(field, one_place_for_custom_fields)
{
	const struct crm_field *f;
	size_t i, n = 0;

	for (i = 0; (f = crm_field_at(i)) != NULL; i++)
		if (f->kind == CRM_FIELD_CUSTOM) {
			n++;
			cr_assert_eq(f->types, CRM_TYPE_ALL);
		}
	cr_assert_eq(n, 1, "exactly one mark of where custom fields go");
}

Test(field, declarations_are_complete)
{
	const struct crm_field *f;
	size_t i, facets = 0;

	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		if (f->kind == CRM_FIELD_CUSTOM)
			continue;
		cr_assert_not_null(f->label, "%s has a label", f->name);
		cr_assert_neq(f->types & CRM_TYPE_ALL, 0, "%s has types",
			      f->name);
		if (f->kind == CRM_FIELD_REF) {
			cr_assert_neq(f->refers & CRM_TYPE_ALL, 0,
				      "reference %s names types", f->name);
			cr_assert_not_null(f->column, "%s has a column",
					   f->name);
		}
		if (f->flags & CRM_FIELD_FACET) {
			cr_assert_not_null(f->column, "facet %s has a column",
					   f->name);
			facets++;
		}
		if (f->flags & CRM_FIELD_ADD) {
			cr_assert_not_null(f->metavar, "%s: add's placeholder",
					   f->name);
			cr_assert_not_null(f->help, "%s: add's help", f->name);
		}
		if (f->time_column)
			cr_assert(crm_field_is_date(f->kind), "%s is a date",
				  f->name);
	}
	/* facet words start with a letter: 'a', 'b', then one a field */
	cr_assert(facets <= 24, "%zu facet fields", facets);
}

Test(field, lookup_by_name_term_and_type)
{
	const struct crm_field *f;

	f = crm_field_find(CRM_TYPE_ALL, "tag", true);
	cr_assert_not_null(f);
	cr_assert_str_eq(f->name, "tags");
	cr_assert_null(crm_field_find(CRM_TYPE_ALL, "tag", false));
	cr_assert_null(crm_field_find(CRM_TYPE_BIT(CRM_COMPANY), "stage",
				      false), "a company has no stage");
	f = crm_field_find(CRM_TYPE_BIT(CRM_DEAL), "stage", false);
	cr_assert_not_null(f);
	cr_assert_eq(crm_field_at(crm_field_index(f)), f);
	cr_assert_null(crm_field_find(CRM_TYPE_ALL, "", false),
		       "the custom mark is no field");
	cr_assert_null(crm_field_at(crm_field_count()));
}

Test(field, record_fields_follow_the_registry_order)
{
	static const char *const deal[] = {
		"id", "name", "company", "contact", "pipeline", "stage",
		"amount", "currency", "probability", "close", "competitors",
		"owner", "source", "notes", "tags", "created", "updated",
		"merged_from", "stage_history", "timeline", NULL,
	};
	const char *const *got = crm_record_fields(CRM_DEAL);
	size_t i;

	for (i = 0; deal[i]; i++) {
		cr_assert_not_null(got[i]);
		cr_assert_str_eq(got[i], deal[i]);
	}
	cr_assert_null(got[i]);
}

Test(field, every_column_is_in_the_index_tables)
{
	const char *sql = index_tables_sql();
	const struct crm_field *f;
	char want[80];
	size_t i;

	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		if (f->column) {
			snprintf(want, sizeof(want), " %s %s,", f->column,
				 f->kind == CRM_FIELD_AMOUNT ||
				 f->kind == CRM_FIELD_PERCENT ? "REAL" : "TEXT");
			cr_assert_not_null(strstr(sql, want), "%s", want);
		}
		if (f->time_column) {
			snprintf(want, sizeof(want), " %s INTEGER,",
				 f->time_column);
			cr_assert_not_null(strstr(sql, want), "%s", want);
		}
	}
}

Test(field, query_knows_every_field_by_name_and_term)
{
	const struct crm_field *f;
	size_t i, j;
	bool name, term;

	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		/* phones_typed: phone: finds a number by any of its forms */
		if (f->kind == CRM_FIELD_CUSTOM || f->kind == CRM_FIELD_HISTORY ||
		    f->kind == CRM_FIELD_TIMELINE ||
		    f->kind == CRM_FIELD_RESCHEDULES ||
		    f->kind == CRM_FIELD_PHONE_FORMS)
			continue;
		name = term = false;
		for (j = 0; crm_query_field(j); j++) {
			name = name || strcmp(crm_query_field(j), f->name) == 0;
			term = term || strcmp(crm_query_field(j),
					      crm_field_term(f)) == 0;
		}
		cr_assert(name && term, "query field %s", f->name);
	}
}
