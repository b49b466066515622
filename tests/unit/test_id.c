/*
 * test_id.c - record ids: generation, validation, user prefixes.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

#define NIDS 1000

/* qsort comparator for an array of ids. */
static int cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

Test(id, generate_valid_and_distinct)
{
	static char ids[NIDS][CRM_ID_LEN + 1];
	struct crm_err err = { 0 };
	size_t i, j;

	for (i = 0; i < NIDS; i++) {
		cr_assert_eq(crm_id_generate(ids[i], &err), CRM_OK, "%s",
			     err.msg);
		cr_assert_eq(strlen(ids[i]), CRM_ID_LEN);
		cr_assert(crm_id_valid(ids[i]), "invalid id %s", ids[i]);
		for (j = 0; j < CRM_ID_LEN; j++)
			cr_assert(strchr(CRM_ID_ALPHABET, ids[i][j]) != NULL,
				  "bad symbol in %s", ids[i]);
	}
	qsort(ids, NIDS, sizeof(ids[0]), cmp_id);
	for (i = 1; i < NIDS; i++)
		cr_assert_str_neq(ids[i - 1], ids[i]);
}

Test(id, generate_uses_whole_alphabet)
{
	char id[CRM_ID_LEN + 1];
	bool seen[32] = { false };
	size_t i, j, nseen = 0;

	for (i = 0; i < 200; i++) {
		cr_assert_eq(crm_id_generate(id, NULL), CRM_OK);
		for (j = 0; j < CRM_ID_LEN; j++) {
			size_t k = (size_t)(strchr(CRM_ID_ALPHABET, id[j]) -
					    CRM_ID_ALPHABET);

			if (!seen[k])
				nseen++;
			seen[k] = true;
		}
	}
	/* 2000 symbols: missing one of 32 has odds below 1e-25. */
	cr_expect_eq(nseen, 32);
}

Test(id, valid)
{
	cr_expect(crm_id_valid("7k2m9xqa4d"));
	cr_expect(crm_id_valid("0000000000"));
	cr_expect(crm_id_valid("zzzzzzzzzz"));
	cr_expect_not(crm_id_valid("7k2m9xqa4"));
	cr_expect_not(crm_id_valid("7k2m9xqa4dd"));
	cr_expect_not(crm_id_valid("7K2M9XQA4D"));
	cr_expect_not(crm_id_valid("7k2m9xqa4u"));
	cr_expect_not(crm_id_valid("7k2m9xqa4i"));
	cr_expect_not(crm_id_valid("7k2m9xqa4l"));
	cr_expect_not(crm_id_valid("7k2m9xqa4o"));
	cr_expect_not(crm_id_valid("7k2m-xqa4d"));
	cr_expect_not(crm_id_valid(""));
	cr_expect_not(crm_id_valid(NULL));
}

Test(id, normalize_prefix)
{
	static const struct {
		const char *in;
		const char *out; /* NULL: refused */
	} cases[] = {
		{ "7K2M", "7k2m" },
		{ "7k2m", "7k2m" },
		{ "iLo", "110" },
		{ "IlOo", "1100" },
		{ "7", "7" },
		{ "7K2M9XQA4D", "7k2m9xqa4d" },
		{ "abcdefghjk", "abcdefghjk" },
		{ "u", NULL },
		{ "U", NULL },
		{ "", NULL },
		{ "7k2m9xqa4dz", NULL },
		{ "7k-2", NULL },
		{ "7k 2", NULL },
		{ " 7k2", NULL },
		{ "7k2\xc3\xa9", NULL },
		{ "\xd0\xb0", NULL },
		{ "7k2m*", NULL },
	};
	char out[CRM_ID_LEN + 1];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok = crm_id_normalize_prefix(cases[i].in, out);

		if (cases[i].out == NULL) {
			cr_expect_not(ok, "'%s' accepted", cases[i].in);
			continue;
		}
		cr_expect(ok, "'%s' refused", cases[i].in);
		if (ok)
			cr_expect_str_eq(out, cases[i].out);
	}
}

Test(id, normalized_full_id_is_valid)
{
	char out[CRM_ID_LEN + 1];

	cr_assert(crm_id_normalize_prefix("OIL7K2M9XQ", out));
	cr_expect_str_eq(out, "0117k2m9xq");
	cr_expect(crm_id_valid(out));
}
