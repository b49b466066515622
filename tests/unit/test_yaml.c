/*
 * test_yaml.c - the node model, the strict YAML reader and the canonical
 * writer, cross-checked against PyYAML (a YAML 1.1 reader).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "crm.h"

/* Strings that a careless writer would let a YAML reader misread. */
static const char *const tricky[] = {
	"NO", "no", "yes", "Yes", "on", "off", "y", "n", "null", "Null", "~",
	"", "0123", "1e3", "1_000", "0x1F", "12:30", "2026-01-01",
	"+7 495 123-45-67", "+74951234567", "0", "-", "- item", "key: value",
	"#hash", "a #b", "trailing space ", " leading", "multi\nline\nnote",
	"multi\nline\n", "tab\there", "Иван Петров", "ƏLİYEV Əli",
	"emoji 😀", "quote ' and \"", "*star", "&amp", "!bang", "%pct", "@at",
	"`tick", "[x]", "{y}", "|pipe", ">gt", "?q", ":colon",
	"TRUE", "False", "OFF", ".5", ".inf", "-.inf", "NaN", "<<", "=",
	"1:20:30", "0o17", "0b101", "1.5", "-1", "yes\n", "\nleading break",
	"a\n\n\nb", "  indented\nblock", "x\r\ny", "line\u2028sep",
	"trailing\nspace \nline", "'single'", "\"double\"", "a: b: c",
	"end:", "- ", "? ", "back\\slash",
};
#define NTRICKY (sizeof(tricky) / sizeof(*tricky))

/* Parses text (NUL-terminated), failing the test on error. */
static struct crm_node *parse_ok(const char *text)
{
	struct crm_node *n = NULL;
	struct crm_err err = {0};
	int rc = crm_yaml_parse(text, strlen(text), &n, &err);

	cr_assert_eq(rc, CRM_OK, "parse failed: %s\n--- text:\n%s", err.msg,
		     text);
	cr_assert_not_null(n);
	return n;
}

/* Emits n, failing the test on error.  Caller frees. */
static char *emit_ok(const struct crm_node *n)
{
	struct crm_err err = {0};
	char *out = NULL;
	size_t len = 0;

	cr_assert_eq(crm_yaml_emit(n, &out, &len, &err), CRM_OK,
		     "emit failed: %s", err.msg);
	cr_assert_eq(strlen(out), len);
	return out;
}

/* Parses buf[0..len) expecting failure with a message containing want. */
static void parse_fails(const char *buf, size_t len, const char *want)
{
	struct crm_node *n = (struct crm_node *)1;
	struct crm_err err = {0};

	cr_assert_eq(crm_yaml_parse(buf, len, &n, &err), CRM_ERR,
		     "accepted input that must be refused (want '%s')", want);
	cr_assert_null(n);
	cr_assert(strstr(err.msg, want) != NULL,
		  "message '%s' does not contain '%s'", err.msg, want);
}

#define FAILS(text, want) parse_fails(text, strlen(text), want)

/* A key for tricky[i]: "k00".."k99". */
static void table_key(size_t i, char *buf, size_t size)
{
	int n = snprintf(buf, size, "k%02zu", i);

	cr_assert(n > 0 && (size_t)n < size);
}

/* A map holding every tricky string under its table key.  Caller frees. */
static struct crm_node *table_map(void)
{
	struct crm_node *m = crm_node_new_map();
	char key[16];
	size_t i;

	for (i = 0; i < NTRICKY; i++) {
		table_key(i, key, sizeof(key));
		crm_map_set_str(m, key, tricky[i]);
	}
	return m;
}

Test(yaml, round_trip_each_tricky_string)
{
	size_t i;

	for (i = 0; i < NTRICKY; i++) {
		struct crm_node *m = crm_node_new_map(), *back;
		const struct crm_node *v;
		char *text;

		crm_map_set_str(m, "name", tricky[i]);
		text = emit_ok(m);
		back = parse_ok(text);
		v = crm_map_get(back, "name");
		cr_assert_not_null(v, "no name in:\n%s", text);
		cr_expect_eq(v->kind, CRM_NODE_SCALAR);
		cr_expect_str_eq(v->str, tricky[i], "emitted as:\n%s", text);
		cr_expect(!v->typed, "'%s' came back typed from:\n%s",
			  tricky[i], text);
		cr_expect(crm_node_equal(m, back));
		free(text);
		crm_node_free(m);
		crm_node_free(back);
	}
}

Test(yaml, tricky_strings_as_keys_round_trip)
{
	size_t i;

	for (i = 0; i < NTRICKY; i++) {
		struct crm_node *m = crm_node_new_map(), *back;
		char *text;

		crm_map_set_str(m, tricky[i], "v");
		text = emit_ok(m);
		back = parse_ok(text);
		cr_expect_eq(back->len, 1);
		cr_expect_str_eq(back->keys[0], tricky[i], "emitted as:\n%s",
				 text);
		free(text);
		crm_node_free(m);
		crm_node_free(back);
	}
}

/* Appends s to b as a JSON string, as Python's json.dumps writes it. */
static void json_string(struct crm_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	crm_buf_addc(b, '"');
	for (; *p; p++) {
		if (*p == '"' || *p == '\\') {
			crm_buf_addc(b, '\\');
			crm_buf_addc(b, (char)*p);
		} else if (*p == '\n') {
			crm_buf_adds(b, "\\n");
		} else if (*p == '\r') {
			crm_buf_adds(b, "\\r");
		} else if (*p == '\t') {
			crm_buf_adds(b, "\\t");
		} else if (*p < 0x20) {
			crm_buf_addf(b, "\\u%04x", *p);
		} else {
			crm_buf_addc(b, (char)*p);
		}
	}
	crm_buf_addc(b, '"');
}

/* The JSON that PyYAML should print for table_map().  Caller frees. */
static char *table_json(void)
{
	struct crm_buf b = {0};
	char key[16];
	size_t i;

	crm_buf_addc(&b, '{');
	for (i = 0; i < NTRICKY; i++) {
		table_key(i, key, sizeof(key));
		if (i > 0)
			crm_buf_adds(&b, ", ");
		json_string(&b, key);
		crm_buf_adds(&b, ": ");
		json_string(&b, tricky[i]);
	}
	crm_buf_adds(&b, "}\n");
	return crm_buf_detach(&b);
}

/* Runs PyYAML's safe_load on path and returns its JSON.  Caller frees. */
static char *pyyaml_json(const char *path)
{
	struct crm_buf b = {0};
	char cmd[512], chunk[4096];
	size_t n;
	FILE *p;
	int st;

	cr_assert_eq(system("python3 -c 'import yaml' 2>/dev/null"), 0,
		     "python3 with PyYAML is required for this test "
		     "(apt-get install python3-yaml)");
	n = (size_t)snprintf(cmd, sizeof(cmd),
			     "python3 -c \"import yaml,sys,json; "
			     "print(json.dumps(yaml.safe_load(open(sys.argv[1], "
			     "encoding='utf-8')), ensure_ascii=False))\" %s",
			     path);
	cr_assert_lt(n, sizeof(cmd));
	p = popen(cmd, "r");
	cr_assert_not_null(p, "cannot run python3");
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		crm_buf_add(&b, chunk, n);
	st = pclose(p);
	cr_assert_eq(st, 0, "PyYAML failed on %s (status %d)", path, st);
	return crm_buf_detach(&b);
}

Test(yaml, pyyaml_reads_every_string_back_as_the_same_string)
{
	struct crm_node *m = table_map();
	char path[] = "/tmp/crm-test-yaml-XXXXXX";
	char *text = emit_ok(m), *want = table_json(), *got;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	got = pyyaml_json(path);
	unlink(path);
	cr_expect_str_eq(got, want, "emitted:\n%s", text);
	free(got);
	free(want);
	free(text);
	crm_node_free(m);
}

Test(yaml, emit_is_canonical_and_idempotent)
{
	struct crm_node *m = table_map(), *back;
	char *a = emit_ok(m), *b;

	back = parse_ok(a);
	b = emit_ok(back);
	cr_expect_str_eq(a, b);
	cr_expect(crm_node_equal(m, back));
	cr_expect(strncmp(a, "---", 3) != 0, "document start marker written");
	cr_expect(strstr(a, "Иван Петров") != NULL,
		  "Cyrillic is escaped:\n%s", a);
	cr_expect(strstr(a, "ƏLİYEV Əli") != NULL);
	cr_expect(strstr(a, "😀") != NULL);
	free(a);
	free(b);
	crm_node_free(m);
	crm_node_free(back);
}

Test(yaml, exact_canonical_bytes)
{
	const char *in =
		"name:   \"Иван\"\n"
		"phones: [\"+74951234567\", '8 800']\n"
		"amount: 150000\n"
		"flag: yes\n"
		"answer: 'no'\n"
		"empty_list: []\n"
		"empty_map: {}\n"
		"nested: {a: {b: [1, two]}}\n"
		"note: |\n"
		"  first\n"
		"  second\n";
	const char *want =
		"name: Иван\n"
		"phones:\n"
		"- '+74951234567'\n"
		"- '8 800'\n"
		"amount: 150000\n"
		"flag: yes\n"
		"answer: 'no'\n"
		"empty_list: []\n"
		"empty_map: {}\n"
		"nested:\n"
		"  a:\n"
		"    b:\n"
		"    - 1\n"
		"    - two\n"
		"note: |\n"
		"  first\n"
		"  second\n";
	struct crm_node *n = parse_ok(in);
	char *out = emit_ok(n);

	cr_expect_str_eq(out, want);
	free(out);
	crm_node_free(n);
}

Test(yaml, never_folds_long_lines)
{
	struct crm_node *m = crm_node_new_map();
	char long_text[600];
	char *out;

	memset(long_text, 'a', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	for (size_t i = 5; i < sizeof(long_text) - 1; i += 6)
		long_text[i] = ' ';
	crm_map_set_str(m, "note", long_text);
	out = emit_ok(m);
	cr_expect_eq(strchr(out, '\n'), out + strlen(out) - 1,
		     "folded:\n%s", out);
	free(out);
	crm_node_free(m);
}

Test(yaml, typed_scalar_stays_plain_and_typed)
{
	struct crm_node *n = parse_ok("amount: 150000\nopen: true\nnone:\n"
				      "s: '150000'\n");
	const struct crm_node *v = crm_map_get(n, "amount");
	char *out;

	cr_assert_not_null(v);
	cr_expect(v->typed);
	cr_expect_str_eq(v->str, "150000");
	cr_expect(crm_map_get(n, "open")->typed);
	cr_expect(crm_map_get(n, "none")->typed);
	cr_expect_str_eq(crm_map_str(n, "none"), "");
	cr_expect(!crm_map_get(n, "s")->typed);
	out = emit_ok(n);
	cr_expect_str_eq(out, "amount: 150000\nopen: true\nnone:\n"
			      "s: '150000'\n");
	free(out);
	crm_node_free(n);
}

Test(yaml, in_memory_typed_scalar_written_plain)
{
	struct crm_node *m = crm_node_new_map();
	char *out;

	crm_map_set(m, "amount", crm_node_new_typed("42.5"));
	crm_map_set_str(m, "code", "42.5");
	out = emit_ok(m);
	cr_expect_str_eq(out, "amount: 42.5\ncode: '42.5'\n");
	free(out);
	crm_node_free(m);
}

Test(yaml, ambiguous_classification)
{
	static const char *const yes[] = {
		"", "0", "0123", "+1", "-", ".5", "y", "Y", "n", "NO", "yes",
		"True", "FALSE", "on", "Off", "null", "NULL", "~", "nan", "Inf",
		"<<", "=", "2026-01-01", "12:30",
	};
	static const char *const no[] = {
		"Ivan", "yes please", "nullable", "Иван", "a1", "o", "none",
		"x-1", "info",
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		cr_expect(crm_yaml_is_ambiguous(yes[i]), "'%s'", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(*no); i++)
		cr_expect(!crm_yaml_is_ambiguous(no[i]), "'%s'", no[i]);
}

Test(yaml, emit_refuses_non_map_root)
{
	struct crm_node *s = crm_node_new_seq();
	struct crm_err err = {0};
	char *out = (char *)1;
	size_t len;

	cr_expect_eq(crm_yaml_emit(s, &out, &len, &err), CRM_ERR);
	cr_expect_null(out);
	crm_node_free(s);
}

Test(yaml, emit_refuses_invalid_utf8)
{
	struct crm_node *m = crm_node_new_map();
	struct crm_err err = {0};
	char *out = (char *)1;
	size_t len;

	crm_map_set_str(m, "name", "bad \xff byte");
	cr_expect_eq(crm_yaml_emit(m, &out, &len, &err), CRM_ERR);
	cr_expect_null(out);
	crm_node_free(m);
}

/* ---- the reader accepts ---- */

Test(yaml, reads_nested_maps_and_sequences_with_lines)
{
	struct crm_node *n = parse_ok(
		"# a comment\n"
		"name: Acme   # trailing comment\n"
		"people:\n"
		"  - name: Ann\n"
		"    tags: [a, b]\n"
		"  - name: Bob\n"
		"meta:\n"
		"  deep:\n"
		"    x: 1\n");
	const struct crm_node *people, *bob, *tags;

	cr_expect_eq(n->kind, CRM_NODE_MAP);
	cr_expect_eq(n->len, 3);
	cr_expect_str_eq(crm_map_str(n, "name"), "Acme");
	cr_expect_eq(crm_map_get(n, "name")->line, 2);
	people = crm_map_get(n, "people");
	cr_assert_not_null(people);
	cr_assert_eq(people->kind, CRM_NODE_SEQ);
	cr_assert_eq(people->len, 2);
	bob = people->items[1];
	cr_expect_str_eq(crm_map_str(bob, "name"), "Bob");
	cr_expect_eq(bob->line, 6);
	tags = crm_map_get(people->items[0], "tags");
	cr_assert_eq(tags->kind, CRM_NODE_SEQ);
	cr_expect_str_eq(tags->items[1]->str, "b");
	cr_expect_str_eq(crm_map_str(crm_map_get(crm_map_get(n, "meta"),
						 "deep"), "x"), "1");
	crm_node_free(n);
}

Test(yaml, reads_block_literals_and_folded)
{
	struct crm_node *n = parse_ok("a: |\n  one\n  two\n"
				      "b: >\n  folded\n  text\n"
				      "c: |-\n  no newline\n");

	cr_expect_str_eq(crm_map_str(n, "a"), "one\ntwo\n");
	cr_expect_str_eq(crm_map_str(n, "b"), "folded text\n");
	cr_expect_str_eq(crm_map_str(n, "c"), "no newline");
	cr_expect(!crm_map_get(n, "a")->typed);
	crm_node_free(n);
}

Test(yaml, accepts_utf8_bom_and_document_markers)
{
	struct crm_node *n = parse_ok("\xef\xbb\xbf---\nname: x\n...\n");

	cr_expect_str_eq(crm_map_str(n, "name"), "x");
	crm_node_free(n);
}

Test(yaml, accepts_depth_sixteen)
{
	struct crm_buf b = {0};
	struct crm_node *n;
	int i;

	for (i = 0; i < CRM_YAML_MAX_DEPTH - 1; i++)
		crm_buf_addf(&b, "%*sk:\n", 2 * i, "");
	crm_buf_addf(&b, "%*sk: v\n", 2 * i, "");
	n = parse_ok(b.s);
	crm_node_free(n);
	crm_buf_free(&b);
}

/* ---- the reader refuses ---- */

Test(yaml, refuses_empty_input)
{
	parse_fails("", 0, "line 1: empty file");
	FAILS("# only a comment\n\n", "line 1: empty document");
}

Test(yaml, refuses_anchors_and_aliases)
{
	FAILS("a: &x 1\n", "line 1: anchors and aliases are not allowed");
	FAILS("a: 1\nb: *x\n", "line 2: anchors and aliases are not allowed");
	FAILS("a: 1\nb: &m {c: 1}\n", "line 2: anchors");
	FAILS("a: 1\nb:\n- &s [1]\n", "line 3: anchors");
}

Test(yaml, refuses_billion_laughs)
{
	FAILS("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
	      "line 1: anchors and aliases are not allowed");
	FAILS("a: 1\nb: &b\n  <<: *a\n", "line 2: anchors");
}

Test(yaml, refuses_tags)
{
	FAILS("a: !!str 1\n", "line 1: tags are not allowed");
	FAILS("a: 1\nb: !custom x\n", "line 2: tags are not allowed");
	FAILS("a: 1\n\nb: !!map {c: 1}\n", "line 3: tags are not allowed");
	FAILS("a: ! x\n", "line 1: tags are not allowed");
	FAILS("!!map\na: 1\n", "line 1: tags are not allowed");
}

Test(yaml, refuses_duplicate_keys)
{
	FAILS("a: 1\nb: 2\na: 3\n", "line 3: duplicate key 'a'");
	FAILS("m:\n  x: 1\n  'x': 2\n", "line 3: duplicate key 'x'");
}

Test(yaml, refuses_non_map_roots)
{
	FAILS("- a\n- b\n", "line 1: the top level must be a mapping");
	FAILS("just text\n", "line 1: the top level must be a mapping");
	FAILS("---\n", "the top level must be a mapping");
}

Test(yaml, refuses_complex_keys)
{
	FAILS("a: 1\n? [x, y]\n: 2\n", "line 2: keys must be");
	FAILS("{a: 1}: 2\n", "line 1: keys must be");
}

Test(yaml, refuses_second_document)
{
	FAILS("a: 1\n---\nb: 2\n", "line 2: only one document is allowed");
	FAILS("a: 1\n...\n---\nb: 2\n", "line 3: only one document");
}

Test(yaml, refuses_depth_seventeen)
{
	struct crm_buf b = {0};
	int i;

	for (i = 0; i < CRM_YAML_MAX_DEPTH; i++)
		crm_buf_addf(&b, "%*sk:\n", 2 * i, "");
	crm_buf_addf(&b, "%*sk: v\n", 2 * i, "");
	parse_fails(b.s, b.len, "line 17: nesting deeper than 16 levels");
	crm_buf_free(&b);
}

Test(yaml, refuses_deep_flow_nesting_quickly)
{
	struct crm_buf b = {0};
	int i;

	crm_buf_adds(&b, "a: ");
	for (i = 0; i < 100000; i++)
		crm_buf_addc(&b, '[');
	parse_fails(b.s, b.len, "line 1: nesting deeper than 16 levels");
	crm_buf_free(&b);
}

Test(yaml, refuses_oversized_input)
{
	size_t len = CRM_YAML_MAX_SIZE + 1;
	char *buf = crm_xmalloc(len);

	memset(buf, 'a', len);
	memcpy(buf, "a: ", 3);
	parse_fails(buf, len, "more than the 1048576 a file may hold");
	free(buf);
}

Test(yaml, refuses_invalid_utf8_with_its_line)
{
	FAILS("a: 1\nb: ok\nc: bad \xc3\x28 byte\nd: 4\n",
	      "line 3: invalid UTF-8");
	FAILS("a: \xed\xa0\x80\n", "line 1: invalid UTF-8");
	FAILS("a: 1\nb: \xc0\xaf\n", "line 2: invalid UTF-8");
	FAILS("a: 1\nb: trunc \xe2\x82", "line 2: invalid UTF-8");
}

Test(yaml, refuses_nul_bytes)
{
	static const char raw[] = "a: 1\nb: x\0y\n";

	parse_fails(raw, sizeof(raw) - 1, "line 2: NUL bytes are not allowed");
	FAILS("a: 1\nb: \"x\\0y\"\n", "line 2: NUL bytes are not allowed");
}

Test(yaml, refuses_utf16)
{
	static const char le[] = "\xff\xfe" "a\0:\0 \0" "1\0\n\0";
	static const char be[] = "\xfe\xff" "\0a\0:\0 \0" "1\0\n";

	parse_fails(le, sizeof(le) - 1, "line 1: UTF-16");
	parse_fails(be, sizeof(be) - 1, "line 1: UTF-16");
}

Test(yaml, reports_libyaml_errors_with_a_line)
{
	FAILS("a: 1\nb: \"unterminated\nc: 3\n", "line 2");
	FAILS("a: 1\nb: [1, 2\n", "line 3");
	FAILS("a: 1\n  b: 2\n", "line 2");
	FAILS("a: 1\n\tb: 2\n", "line 2");
}

/* ---- the node model ---- */

Test(yaml_node, map_set_replaces_in_place_or_appends)
{
	struct crm_node *m = crm_node_new_map();

	crm_map_set_str(m, "a", "1");
	crm_map_set_str(m, "b", "2");
	crm_map_set_str(m, "c", "3");
	crm_map_set(m, "b", crm_node_new_typed("20"));
	cr_assert_eq(m->len, 3);
	cr_expect_str_eq(m->keys[1], "b");
	cr_expect_str_eq(m->items[1]->str, "20");
	cr_expect(m->items[1]->typed);
	crm_map_set_str(m, "d", "4");
	cr_expect_eq(crm_map_index(m, "d"), 3);
	cr_expect_eq(crm_map_index(m, "zz"), -1);
	cr_expect_null(crm_map_get(m, "zz"));
	crm_node_free(m);
}

Test(yaml_node, map_del_keeps_order)
{
	struct crm_node *m = crm_node_new_map();

	crm_map_set_str(m, "a", "1");
	crm_map_set(m, "b", crm_node_new_seq());
	crm_map_set_str(m, "c", "3");
	cr_expect(crm_map_del(m, "b"));
	cr_expect(!crm_map_del(m, "b"));
	cr_assert_eq(m->len, 2);
	cr_expect_str_eq(m->keys[0], "a");
	cr_expect_str_eq(m->keys[1], "c");
	cr_expect_str_eq(crm_map_str(m, "c"), "3");
	cr_expect(crm_map_del(m, "c"));
	cr_expect(crm_map_del(m, "a"));
	cr_expect_eq(m->len, 0);
	crm_node_free(m);
}

Test(yaml_node, map_str_only_for_scalars)
{
	struct crm_node *m = crm_node_new_map();

	crm_map_set(m, "list", crm_node_new_seq());
	crm_map_set_str(m, "s", "x");
	cr_expect_null(crm_map_str(m, "list"));
	cr_expect_null(crm_map_str(m, "missing"));
	cr_expect_str_eq(crm_map_str(m, "s"), "x");
	crm_node_free(m);
}

Test(yaml_node, dup_and_equal)
{
	struct crm_node *m = crm_node_new_map(), *seq = crm_node_new_seq(),
			*d;

	crm_seq_push(seq, crm_node_new_scalar("x"));
	crm_seq_push(seq, crm_node_new_map());
	crm_map_set(m, "s", seq);
	crm_map_set(m, "n", crm_node_new_typed("1"));
	d = crm_node_dup(m);
	cr_expect(crm_node_equal(m, d));
	cr_expect_neq(d->items[0], m->items[0]);
	crm_map_set_str(d, "n", "1");
	cr_expect(!crm_node_equal(m, d), "typed flag ignored");
	crm_map_set(d, "n", crm_node_new_typed("1"));
	cr_expect(crm_node_equal(m, d));
	crm_map_del(d, "s");
	crm_map_set(d, "s", crm_node_dup(seq));
	cr_expect(!crm_node_equal(m, d), "key order ignored");
	cr_expect(crm_node_equal(NULL, NULL));
	cr_expect(!crm_node_equal(m, NULL));
	cr_expect_null(crm_node_dup(NULL));
	crm_node_free(m);
	crm_node_free(d);
	crm_node_free(NULL);
}

Test(yaml_node, many_items_grow)
{
	struct crm_node *m = crm_node_new_map(), *s = crm_node_new_seq();
	char key[16];
	int i;

	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		crm_map_set_str(m, key, key);
		crm_seq_push(s, crm_node_new_scalar(key));
	}
	cr_expect_eq(m->len, 1000);
	cr_expect_eq(s->len, 1000);
	cr_expect_str_eq(crm_map_str(m, "k999"), "k999");
	cr_expect_str_eq(s->items[500]->str, "k500");
	crm_node_free(m);
	crm_node_free(s);
}

Test(yaml, astral_and_private_use_text_written_unescaped)
{
	static const char *const texts[] = {
		"emoji 😀", "😀", "a😀b😀", "\xee\x80\x80 private",
		"\xee\x80\x80\xee\x90\x80 looks like a pair", "\xee\xa0\x80 mark",
		"\xee\xa0\x80\xee\xa0\x80", "😀\xee\xa0\x80😀", "tab\t😀",
		"𝕏 and 中文 and 𠜎",
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		struct crm_node *m = crm_node_new_map(), *back;
		char *out;

		crm_map_set_str(m, "t", texts[i]);
		crm_map_set_str(m, texts[i], "k");
		out = emit_ok(m);
		cr_expect(strstr(out, "\\U") == NULL, "escaped:\n%s", out);
		back = parse_ok(out);
		cr_expect_str_eq(crm_map_str(back, "t"), texts[i],
				 "emitted:\n%s", out);
		cr_expect_str_eq(back->keys[1], texts[i]);
		free(out);
		crm_node_free(m);
		crm_node_free(back);
	}
}
