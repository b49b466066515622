/*
 * test_sortfields.c - the sort keys crm_find offers for completion: a
 * finite list, each named once, with the default (name) among them.
 * (tests/e2e/49-completion.t checks that crm list accepts every one.)
 */
#include <criterion/criterion.h>
#include <string.h>

#include "crm.h"

Test(sortfields, list_ends_and_names_each_once)
{
	size_t i, j, n = 0;

	while (n < 1000 && crm_find_sort_field(n))
		n++;
	cr_assert(n > 0 && n < 1000, "the list ends (%zu fields)", n);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			cr_assert_str_neq(crm_find_sort_field(i),
					  crm_find_sort_field(j));
	cr_assert_null(crm_find_sort_field(n));
	cr_assert_null(crm_find_sort_field((size_t)-1));
}

Test(sortfields, default_and_amount_are_offered)
{
	bool name = false, amount = false;
	size_t i;

	for (i = 0; crm_find_sort_field(i); i++) {
		name = name || strcmp(crm_find_sort_field(i), "name") == 0;
		amount = amount || strcmp(crm_find_sort_field(i), "amount") == 0;
	}
	cr_assert(name, "name, the default sort, is offered");
	cr_assert(amount, "amount is offered");
}
