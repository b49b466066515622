/*
 * facet.c - the words of the facet index: one word for each value a
 * record has in a field queried by equality (its type, owner, stage,
 * tags, references...).  A query naming several of them is answered by
 * merging their sorted lists of records instead of reading every record
 * that has one of the values.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

/*
 * The letter a facet's words start with: 'a' for the type, 'b' for the
 * words of names, then 'c' onwards for the fields of the registry marked
 * CRM_FIELD_FACET, in its order, by their index column.  '?' for any
 * other column.
 */
static char facet_letter(const char *column)
{
	const struct crm_field *f;
	size_t i;
	char letter = 'c';

	if (strcmp(column, "type") == 0)
		return 'a';
	if (strcmp(column, "words") == 0)
		return 'b';
	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		if (!(f->flags & CRM_FIELD_FACET))
			continue;
		if (strcmp(f->column, column) == 0)
			return letter;
		letter++;
	}
	return '?';
}

void crm_facet_word(struct crm_buf *b, const char *column, const char *value)
{
	static const char hex[] = "0123456789abcdef";
	char *folded = crm_fold(value);
	const char *p;

	if (b->len)
		crm_buf_addc(b, ' ');
	crm_buf_addc(b, facet_letter(column));
	for (p = folded; *p != '\0'; p++) {
		crm_buf_addc(b, hex[(unsigned char)*p >> 4]);
		crm_buf_addc(b, hex[(unsigned char)*p & 0xf]);
	}
	free(folded);
}
