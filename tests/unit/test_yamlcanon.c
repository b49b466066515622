/*
 * test_yamlcanon.c - the reader of the canonical form against libyaml:
 * whatever it reads, it reads as libyaml does (text, typed flag, source
 * lines, key order), and it reads what the writer writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "crm.h"

/* A deal as crm writes it: every shape a record file has. */
static const char deal[] =
	"id: bhn56bw5es\n"
	"name: Аренда техники Меридиан 2027\n"
	"company: g2snt6wmhq\n"
	"contact: '27rbrp83y7'\n"
	"stage: qualified\n"
	"amount: 4941000\n"
	"owner: olga\n"
	"website: https://example.org/a:b?c=d#e\n"
	"tags: []\n"
	"extra: {}\n"
	"created: '2025-12-24T01:29:28+03:00'\n"
	"stage_history:\n"
	"- stage: lead\n"
	"  at: '2025-12-24T01:29:28+03:00'\n"
	"  by: olga\n"
	"- stage: qualified\n"
	"  at: '2026-03-21T22:39:32+03:00'\n"
	"timeline:\n"
	"- id: rxt47k442q\n"
	"  kind: note\n"
	"  text: 'Встреча: показали демо, it''s #1'\n"
	"  tags:\n"
	"  - ƏLİYEV\n"
	"  - yes\n"
	"  meta:\n"
	"    x: y\n"
	"phones:\n"
	"- '+7 (495) 123-45-67'\n"
	"- Call me maybe\n"
	"phones_typed:\n"
	"  '+74951234567': '+7 (495) 123-45-67'\n"
	"  '12': x\n";

/* Texts it must leave to libyaml, valid YAML or not. */
static const char *const foreign[] = {
	"# comment\nname: x\n", "name: x # comment\n", "name:  x\n",
	"name: x\n  continued\n", "name: x\r\n", "name:\tx\n", "name: x\n\n",
	"name: [a, b]\n", "name: {a: b}\n", "name: |\n  x\n", "name: >\n  x\n",
	"name: \"x\"\n", "---\nname: x\n", "\xef\xbb\xbfname: x\n",
	"name: x\n...\n", "a:\nb: c\n", "a:\n  - x\n", "a:\n- - x\n",
	"a: b\na: c\n", "name: x \n", "a: b: c\n", "name x\n", "'q': x\n",
	"name: 'multi\n  line'\n", "name: a\xc2\x85" "b\n", "name: &a x\n",
	"name: *a\n", "name: !t x\n", "- x\n", "x\n", "name: 'x' \n", "name: 'x'y\n", "name: %x\n",
	"name: x\n- y\n", "a:\n- x\n  - y\n", "a:\n- x\n y: z\n",
	"name: \xe2\x80\xa8x\n", "name: a\x7f" "b\n", "name: \xef\xbf\xbe\n",
	"a:\n", "a:\n  b: c\n d: e\n", "a: x\n   \n", "a:\n -x\n",
};

/* Reads text both ways; when the canonical reader reads it, both must
 * agree.  Returns whether it read it.  Text crm_yaml_parse refuses before
 * either reader sees it (invalid UTF-8, NUL) does not count. */
static bool agree(const char *text, size_t len)
{
	struct crm_node *fast = NULL, *slow = NULL;
	struct crm_err err = {0};
	bool read;
	int rc;

	if (memchr(text, '\0', len) || !crm_utf8_valid(text, len))
		return false;
	read = crm_yaml_parse_canonical(text, len, &fast);
	rc = crm_yaml_parse_libyaml(text, len, &slow, &err);

	if (read) {
		cr_assert_eq(rc, CRM_OK, "libyaml refuses what the canonical "
			     "reader read (%s):\n%.*s", err.msg, (int)len, text);
		cr_assert(crm_node_same(fast, slow),
			  "the readers differ on:\n%.*s", (int)len, text);
	} else {
		cr_assert_null(fast);
	}
	crm_node_free(fast);
	crm_node_free(slow);
	return read;
}

Test(yamlcanon, reads_a_record_as_libyaml_does)
{
	cr_expect(agree(deal, strlen(deal)));
}

Test(yamlcanon, leaves_everything_else_to_libyaml)
{
	struct crm_node *a = NULL, *b = NULL;
	struct crm_err ea = {0}, eb = {0};
	size_t i;

	for (i = 0; i < sizeof(foreign) / sizeof(*foreign); i++) {
		cr_expect(!agree(foreign[i], strlen(foreign[i])),
			  "read foreign text %zu:\n%s", i, foreign[i]);
		/* so crm_yaml_parse gives libyaml's answer, error and all */
		cr_expect_eq(crm_yaml_parse(foreign[i], strlen(foreign[i]), &a,
					    &ea),
			     crm_yaml_parse_libyaml(foreign[i],
						    strlen(foreign[i]), &b, &eb));
		cr_expect_str_eq(ea.msg, eb.msg);
		cr_expect(crm_node_same(a, b));
		crm_node_free(a);
		crm_node_free(b);
		a = b = NULL;
		ea.msg[0] = eb.msg[0] = '\0';
	}
}

/* Strings in every place a record holds one, as the writer writes them. */
static const char *const strings[] = {
	"NO", "yes", "~", "", "0123", "12:30", "2026-01-01", "+7 495 123",
	"-", "-1", "- item", "key: value", "#hash", "a #b", "a# b", " lead",
	"trail ", "multi\nline", "tab\there", "Иван Петров", "ƏLİYEV", "😀",
	"quote ' and \"", "*star", "[x]", "{y}", "|pipe", "?q", ":colon",
	"end:", "http://x.org/a:b", "a\xc2\xa0" "b", "x\r\ny", "line\u2028sep",
	"\xc2\x85", "'", "''", "back\\slash", "a,b", "a]b", "%", "@", "`x",
	".5", "<<", "=", "null", "a  b", "\xee\x80\x80", "plain_key",
	"x-y",
};

/* Builds a record holding s as a value, a list item, a key and deeper. */
static struct crm_node *holding(const char *s)
{
	struct crm_node *m = crm_node_new_map(), *seq = crm_node_new_seq();
	struct crm_node *item = crm_node_new_map(), *deep = crm_node_new_map();

	crm_map_set_str(m, "name", s);
	crm_seq_push(seq, crm_node_new_scalar(s));
	crm_seq_push(seq, crm_node_new_typed("42"));
	crm_map_set(m, "phones", seq);
	crm_map_set_str(deep, s, "v");
	crm_map_set(item, "deep", deep);
	crm_map_set_str(item, "text", s);
	seq = crm_node_new_seq();
	crm_seq_push(seq, item);
	crm_map_set(m, "timeline", seq);
	return m;
}

Test(yamlcanon, agrees_on_every_string_the_writer_writes)
{
	struct crm_err err = {0};
	char *text;
	size_t i, len, read = 0;
	struct crm_node *m;

	for (i = 0; i < sizeof(strings) / sizeof(*strings); i++) {
		m = holding(strings[i]);
		cr_assert_eq(crm_yaml_emit(m, &text, &len, &err), CRM_OK);
		read += agree(text, len);
		free(text);
		crm_node_free(m);
	}
	/* the writer quotes keys that need it, which this leaves to libyaml;
	 * values alone must be read whatever they hold, but for line breaks */
	cr_expect_gt(read, 0);
	m = crm_node_new_map();
	for (i = 0, read = 0; i < sizeof(strings) / sizeof(*strings); i++) {
		crm_map_set_str(m, "v", strings[i]);
		cr_assert_eq(crm_yaml_emit(m, &text, &len, &err), CRM_OK);
		if (agree(text, len))
			read++;
		else
			cr_expect(strpbrk(strings[i], "\n\r\t") ||
				  strstr(strings[i], "\u2028") ||
				  strstr(strings[i], "\xc2\x85"),
				  "not read: '%s' as\n%s", strings[i], text);
		free(text);
	}
	crm_node_free(m);
	cr_expect_geq(read, sizeof(strings) / sizeof(*strings) - 6);
}

/* Every text one edit away from the deal: each byte removed, and each of
 * a set of characters put in or over it. */
Test(yamlcanon, agrees_on_every_text_one_edit_away)
{
	static const char edits[] = " :-#'\"\n\tx[]{}|>&*!?%@,\\";
	size_t n = strlen(deal), i, k, read = 0, tried = 0;
	char *buf = malloc(n + 2);

	for (i = 0; i <= n; i++) {
		if (i < n) {
			memcpy(buf, deal, i);
			memcpy(buf + i, deal + i + 1, n - i - 1);
			read += agree(buf, n - 1);
			tried++;
		}
		for (k = 0; edits[k]; k++) {
			memcpy(buf, deal, i);
			buf[i] = edits[k];
			memcpy(buf + i + 1, deal + i, n - i);
			read += agree(buf, n + 1);
			if (i < n) {
				memcpy(buf, deal, n);
				buf[i] = edits[k];
				read += agree(buf, n);
			}
			tried += 2;
		}
	}
	free(buf);
	/* most edits leave YAML the reader still reads: it is no stub */
	cr_expect_gt(read, tried / 4, "read %zu of %zu", read, tried);
}

/* libyaml takes no key of more than 1024 characters: neither does this. */
Test(yamlcanon, agrees_on_long_keys)
{
	static const char *const before[] = {"", "x:\n- a: b\n  "};
	struct crm_buf b = {0};
	size_t i, k, len;

	for (i = 0; i < 2; i++)
		for (len = 1000; len <= 1100; len += 25) {
			crm_buf_adds(&b, before[i]);
			for (k = 0; k < len; k++)
				crm_buf_addc(&b, 'k');
			crm_buf_adds(&b, ": v\n");
			agree(b.s, b.len);
			crm_buf_free(&b);
		}
}

Test(yamlcanon, refuses_deeper_than_libyaml_allows)
{
	struct crm_buf b = {0};
	int i;

	for (i = 0; i < CRM_YAML_MAX_DEPTH; i++)
		crm_buf_addf(&b, "%*sk:\n", 2 * i, "");
	crm_buf_addf(&b, "%*sk: v\n", 2 * i, "");
	cr_expect(!agree(b.s, b.len));
	crm_buf_free(&b);
	/* an empty list or map is a level too */
	for (i = 0; i < CRM_YAML_MAX_DEPTH - 1; i++)
		crm_buf_addf(&b, "%*sk:\n", 2 * i, "");
	crm_buf_addf(&b, "%*sk: []\n", 2 * i, "");
	cr_expect(!agree(b.s, b.len));
	crm_buf_free(&b);
	for (i = 0; i < CRM_YAML_MAX_DEPTH - 1; i++)
		crm_buf_addf(&b, "%*sk:\n", 2 * i, "");
	crm_buf_addf(&b, "%*sk: v\n", 2 * i, "");
	cr_expect(agree(b.s, b.len));
	crm_buf_free(&b);
}
