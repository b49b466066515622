/*
 * fuzz_record.c - libFuzzer target for the YAML reader, the canonical
 * writer and the record parser.  Properties checked on every input that
 * parses: the canonical text parses again, and writing it again gives the
 * same bytes.  Any valid UTF-8 string, as a value or a key, reads back
 * as the same string.  What the reader of the canonical form reads,
 * libyaml reads the same.  Build:
 *   clang -fsanitize=fuzzer,address,undefined -Isrc/lib \
 *	tests/fuzz/fuzz_record.c build/libcrm.a $(pkg-config --libs ...)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

/* Parses, writes, re-parses and re-writes; aborts on a broken property. */
static void check_yaml(const char *buf, size_t size)
{
	struct crm_node *first = NULL, *second = NULL;
	struct crm_err err;
	char *a = NULL, *b = NULL;
	size_t alen, blen;

	if (crm_yaml_parse(buf, size, &first, &err) != CRM_OK)
		return;
	if (crm_yaml_emit(first, &a, &alen, &err) != CRM_OK)
		abort();
	if (crm_yaml_parse(a, alen, &second, &err) != CRM_OK)
		abort();
	if (crm_yaml_emit(second, &b, &blen, &err) != CRM_OK)
		abort();
	if (alen != blen || memcmp(a, b, alen) != 0)
		abort();
	free(a);
	free(b);
	crm_node_free(first);
	crm_node_free(second);
}

/*
 * Uses the bytes as one string, as a value and as a key: writing and
 * reading back must give the same string.
 */
static void check_string(const char *buf, size_t size)
{
	struct crm_node *m, *back = NULL;
	struct crm_err err;
	char *s, *text = NULL;
	size_t len;

	if (memchr(buf, '\0', size) != NULL || !crm_utf8_valid(buf, size))
		return;
	s = crm_xstrndup(buf, size);
	m = crm_node_new_map();
	crm_map_set_str(m, "k", s);
	if (strcmp(s, "k") != 0)
		crm_map_set_str(m, s, "v");
	if (crm_yaml_emit(m, &text, &len, &err) != CRM_OK)
		abort();
	if (crm_yaml_parse(text, len, &back, &err) != CRM_OK)
		abort();
	if (!crm_node_equal(m, back))
		abort();
	free(text);
	free(s);
	crm_node_free(m);
	crm_node_free(back);
}

/* Whatever the canonical reader reads, libyaml must read the same. */
static void check_canonical(const char *buf, size_t size)
{
	struct crm_node *fast = NULL, *slow = NULL;
	struct crm_err err;

	if (memchr(buf, '\0', size) != NULL || !crm_utf8_valid(buf, size) ||
	    !crm_yaml_parse_canonical(buf, size, &fast))
		return;
	if (crm_yaml_parse_libyaml(buf, size, &slow, &err) != CRM_OK ||
	    !crm_node_same(fast, slow))
		abort();
	crm_node_free(fast);
	crm_node_free(slow);
}

/* Runs the record parser on the same bytes; it must simply not crash. */
static void check_record(const char *buf, size_t size)
{
	struct crm_record *rec = NULL;
	struct crm_err err;

	if (crm_record_parse(CRM_CONTACT, NULL, buf, size, NULL, &rec,
			     &err) == CRM_OK)
		crm_record_free(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_yaml((const char *)data, size);
	check_canonical((const char *)data, size);
	check_string((const char *)data, size);
	check_record((const char *)data, size);
	return 0;
}
