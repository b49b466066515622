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

/* The records columns (and "tags", and "words" of names) that are
 * facets; a facet's word starts with the letter 'a' + its place here. */
static const char *const facet_columns[] = {
	"type", "owner", "stage", "pipeline", "source", "role", "currency",
	"company", "contact", "for_id", "tags", "words",
};

#define NFACETS (sizeof(facet_columns) / sizeof(facet_columns[0]))

void crm_facet_word(struct crm_buf *b, const char *column, const char *value)
{
	static const char hex[] = "0123456789abcdef";
	char *folded = crm_fold(value);
	const char *p;
	size_t i;

	for (i = 0; i < NFACETS; i++)
		if (strcmp(facet_columns[i], column) == 0)
			break;
	if (b->len)
		crm_buf_addc(b, ' ');
	crm_buf_addc(b, (char)('a' + i));
	for (p = folded; *p != '\0'; p++) {
		crm_buf_addc(b, hex[(unsigned char)*p >> 4]);
		crm_buf_addc(b, hex[(unsigned char)*p & 0xf]);
	}
	free(folded);
}
