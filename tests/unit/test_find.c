/*
 * test_find.c - finding records through the index in a real store: the
 * order of --sort stage (pipeline order, not alphabetical) and the custom
 * fields a type's records hold.
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
#include "fixture.h"

#define NOW ((time_t)1772359200) /* 2026-03-01T10:00:00Z */

static char fdir[64];
static struct crm_store *fst;

static void setup(void)
{
	fst = fixture_store("find", fdir, sizeof(fdir), NOW);
	/* names and stages in alphabetical order differ from pipeline order */
	fixture_add(fst, NOW, CRM_DEAL, "d000000001", "Alpha", "stage", "won",
	    NULL);
	fixture_add(fst, NOW, CRM_DEAL, "d000000002", "Beta", "stage", "lead",
	    NULL);
	fixture_add(fst, NOW, CRM_DEAL, "d000000003", "Gamma", "stage",
	    "proposal", NULL);
	fixture_add(fst, NOW, CRM_DEAL, "d000000004", "Delta", "stage",
	    "negotiation", NULL);
	fixture_add(fst, NOW, CRM_COMPANY, "c000000001", "Acme", "zeta", "1",
	    "inn", "7701", NULL);
	fixture_add(fst, NOW, CRM_COMPANY, "c000000002", "Globex", "alpha", "x",
	    "inn", "7702", NULL);
	fixture_add(fst, NOW, CRM_CONTACT, "p000000001", "Ivan",
	    "only_contacts", "y", NULL);
}

static void teardown(void)
{
	fixture_remove(fst, fdir);
	fst = NULL;
}

TestSuite(find, .init = setup, .fini = teardown);

/* Row callback: appends the row's id and a space to the buffer. */
static int collect_id(const struct crm_row *r, void *data)
{
	crm_buf_addf(data, "%s ", r->id);
	return 0;
}

/* The ids f finds, in order, space-separated (caller frees). */
static char *ids(const struct crm_find *f)
{
	struct crm_buf b = {0};
	struct crm_err err = {0};
	size_t total;

	cr_assert_eq(crm_find_each(fst, f, collect_id, &b, &total, NULL, NULL,
				   &err), CRM_OK, "%s", err.msg);
	crm_buf_add(&b, "", 0);
	return crm_buf_detach(&b);
}

Test(find, sort_stage_is_pipeline_order)
{
	struct crm_find f = {.mask = CRM_TYPE_BIT(CRM_DEAL), .sort = "stage"};
	char *got = ids(&f);

	cr_assert_str_eq(got, "d000000002 d000000003 d000000004 d000000001 ");
	free(got);
	f.reverse = true;
	got = ids(&f);
	cr_assert_str_eq(got, "d000000001 d000000004 d000000003 d000000002 ");
	free(got);
}

Test(find, sort_stage_of_records_without_stages)
{
	struct crm_find f = {.mask = CRM_TYPE_BIT(CRM_COMPANY), .sort = "stage"};
	char *got = ids(&f);

	cr_assert_str_eq(got, "c000000001 c000000002 ");
	free(got);
}

Test(find, sort_by_name_still_alphabetical)
{
	struct crm_find f = {.mask = CRM_TYPE_BIT(CRM_DEAL)};
	char *got = ids(&f);

	cr_assert_str_eq(got, "d000000001 d000000002 d000000004 d000000003 ");
	free(got);
}

Test(find, custom_keys_of_a_type_sorted)
{
	struct crm_err err = {0};
	char **keys = NULL;
	size_t n = 0;

	cr_assert_eq(crm_find_custom_keys(fst, CRM_COMPANY, &keys, &n, &err),
		     CRM_OK, "%s", err.msg);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(keys[0], "alpha");
	cr_assert_str_eq(keys[1], "inn");
	cr_assert_str_eq(keys[2], "zeta");
	crm_words_free(keys, n);
	cr_assert_eq(crm_find_custom_keys(fst, CRM_TASK, &keys, &n, &err),
		     CRM_OK, "%s", err.msg);
	cr_assert_eq(n, 0);
	cr_assert_null(keys);
}
