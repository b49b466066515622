/*
 * yamlcanon.c - a reader for the form crm_yaml_emit writes: block maps
 * and sequences, each nested map two spaces in, "- " items level with
 * their key, one scalar a line, plain or single-quoted.  libyaml's scanner
 * allocates every token and mark; this reads a record in one pass, which
 * is what a rebuild of the index over a million files needs.
 *
 * It reads nothing else.  Comments, flow style other than the empty [] and
 * {}, block and double-quoted scalars, lines continued, tabs, blank lines,
 * document markers, line breaks other than LF and characters libyaml
 * refuses all make it give up, and crm_yaml_parse then asks libyaml.  So
 * what it accepts it reads as libyaml does (tests/unit/test_yamlcanon.c checks
 * both on the same texts), and every error message comes from libyaml.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

/* Where the reading stands. */
struct canon {
	const char *s, *end;   /* the next byte, the end of the text */
	int line;              /* 1-based line of s */
	int depth;             /* open maps and sequences */
};

static struct crm_node *read_map(struct canon *c, size_t col);
static struct crm_node *read_seq(struct canon *c, size_t col);

/* Bytes of the character at s (valid UTF-8) that a plain or single-quoted
 * scalar can hold as libyaml reads it, or 0: no control characters, no
 * C1 characters (NEL among them), no byte order mark, no U+FFFE/U+FFFF,
 * no line or paragraph separator. */
static size_t text_char(const unsigned char *s)
{
	if (s[0] >= 0x20 && s[0] < 0x7f)
		return 1;
	if (s[0] < 0x80)
		return 0;
	if (s[0] < 0xe0)
		return s[0] == 0xc2 && s[1] < 0xa0 ? 0 : 2;
	if (s[0] < 0xf0) {
		if ((s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9)) ||
		    (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) ||
		    (s[0] == 0xef && s[1] == 0xbf && s[2] >= 0xbe))
			return 0;
		return 3;
	}
	return 4;
}

/* True when s can start a plain scalar: no YAML indicator, but for '-',
 * '?' and ':' before something other than a space ("-1", ":x"). */
static bool plain_start(const char *s, const char *end)
{
	static const char indicators[] = "-?:,[]{}#&*!|>'\"%@` ";
	unsigned char c = (unsigned char)s[0];

	if (c == '-' || c == '?' || c == ':')
		return s + 1 < end && s[1] != ' ' && s[1] != '\n';
	return c >= 0x80 || (c > 0x20 && c < 0x7f && !strchr(indicators, c));
}

/* The length of the line at s (without its LF). */
static size_t line_len(const struct canon *c)
{
	const char *nl = memchr(c->s, '\n', (size_t)(c->end - c->s));

	return nl ? (size_t)(nl - c->s) : (size_t)(c->end - c->s);
}

/* Steps over the LF ending the line at s (or stands at the end). */
static void next_line(struct canon *c)
{
	if (c->s < c->end) {
		c->s++;
		c->line++;
	}
}

/* True when s[0..n) is a plain scalar libyaml reads as exactly these
 * bytes: a safe start, no ": " or " #", no trailing ':' or space. */
static bool plain_text(const char *s, size_t n)
{
	size_t i = 0, k;

	if (n == 0 || !plain_start(s, s + n) || s[n - 1] == ' ' ||
	    s[n - 1] == ':')
		return false;
	while (i < n) {
		if ((s[i] == ':' && i + 1 < n && s[i + 1] == ' ') ||
		    (s[i] == ' ' && i + 1 < n && s[i + 1] == '#'))
			return false;
		if ((k = text_char((const unsigned char *)s + i)) == 0)
			return false;
		i += k;
	}
	return true;
}

/* A scalar node of s[0..n) read at line. */
static struct crm_node *scalar(const char *s, size_t n, int line, bool plain)
{
	struct crm_node *node = crm_node_new_scalar_n(s, n);

	node->line = line;
	node->typed = plain && crm_yaml_is_ambiguous(node->str);
	return node;
}

/* Reads the single-quoted scalar s[0..n) (quotes included) that fills the
 * rest of the line; NULL when it does not. */
static struct crm_node *quoted(const char *s, size_t n, int line)
{
	struct crm_buf b = {0};
	struct crm_node *node;
	size_t i = 1, k;

	while (i < n) {
		if (s[i] == '\'') {
			if (i + 1 < n && s[i + 1] == '\'') {
				crm_buf_addc(&b, '\'');
				i += 2;
				continue;
			}
			break;
		}
		if ((k = text_char((const unsigned char *)s + i)) == 0)
			break;
		crm_buf_add(&b, s + i, k);
		i += k;
	}
	if (i + 1 != n || s[i] != '\'') {
		crm_buf_free(&b);
		return NULL;
	}
	node = scalar(b.s ? b.s : "", b.len, line, false);
	crm_buf_free(&b);
	return node;
}

/* Reads the scalar (or empty [] or {}) that fills the rest of the line
 * at s and steps to the next line; NULL when it is none this reads. */
static struct crm_node *read_scalar(struct canon *c)
{
	size_t n = line_len(c);
	struct crm_node *node = NULL;

	if (n == 2 && (memcmp(c->s, "[]", 2) == 0 || memcmp(c->s, "{}", 2) == 0)) {
		if (c->depth >= CRM_YAML_MAX_DEPTH) /* a container too */
			return NULL;
		node = c->s[0] == '[' ? crm_node_new_seq() : crm_node_new_map();
		node->line = c->line;
	} else if (n > 0 && c->s[0] == '\'') {
		node = quoted(c->s, n, c->line);
	} else if (plain_text(c->s, n)) {
		node = scalar(c->s, n, c->line, true);
	}
	if (node != NULL) {
		c->s += n;
		next_line(c);
	}
	return node;
}

/* The indentation of the line at s (not at the end of the text) when it
 * is one this reads: spaces, then something other than a space, a tab, a
 * comment or the end of the line; -1 otherwise. */
static long indent(const struct canon *c)
{
	const char *p = c->s;

	while (p < c->end && *p == ' ')
		p++;
	if (p == c->end || *p == '\n' || *p == '\t' || *p == '#')
		return -1;
	return (long)(p - c->s);
}

/* True when the text at s + col is a "- " item. */
static bool item_at(const struct canon *c, size_t col)
{
	return (size_t)(c->end - c->s) >= col + 2 && c->s[col] == '-' &&
	       c->s[col + 1] == ' ';
}

/* What follows an item of a container at column col. */
enum next { NEXT_ITEM, NEXT_END, NEXT_BAD };

/* Whether the line at s holds the next item of a container at column col
 * (a line level with it), ends it (a line further out, or the end of the
 * text) or is one this does not read. */
static enum next next_at(const struct canon *c, size_t col)
{
	long ind;

	if (c->s == c->end)
		return NEXT_END;
	ind = indent(c);
	if (ind < 0 || ind > (long)col)
		return NEXT_BAD;
	return ind == (long)col ? NEXT_ITEM : NEXT_END;
}

/* Keys at most this long: libyaml refuses a key whose ':' comes more
 * than 1024 characters after its start. */
#define KEY_MAX 256

/* The length of the key at s, when the line at s is "key:" or "key: ...",
 * key ASCII letters, digits, '_' and '-' (not first), or a phone number
 * in E.164 form single-quoted ('+74951234567', quotes counted); 0
 * otherwise. */
static size_t key_len(const struct canon *c)
{
	const char *p = c->s;

	if (p == c->end || *p == '-')
		return 0;
	if (*p == '\'') {
		if (++p < c->end && *p == '+')
			p++;
		while (p < c->end && *p >= '0' && *p <= '9')
			p++;
		if (p == c->end || *p != '\'' || p - c->s < 3)
			return 0;
		p++;
	} else {
		while (p < c->end && ((*p >= 'a' && *p <= 'z') ||
				      (*p >= 'A' && *p <= 'Z') ||
				      (*p >= '0' && *p <= '9') || *p == '_' ||
				      *p == '-'))
			p++;
	}
	if (p == c->s || p == c->end || *p != ':' || p - c->s > KEY_MAX ||
	    (p + 1 < c->end && p[1] != ' ' && p[1] != '\n'))
		return 0;
	return (size_t)(p - c->s);
}

/* Opens a container of kind k at the line of s: NULL when too deep. */
static struct crm_node *open_node(struct canon *c, enum crm_node_kind k)
{
	struct crm_node *n;

	if (c->depth >= CRM_YAML_MAX_DEPTH)
		return NULL;
	c->depth++;
	n = k == CRM_NODE_MAP ? crm_node_new_map() : crm_node_new_seq();
	n->line = c->line;
	return n;
}

/* Reads the value after "key:" of a map at column col and steps past it:
 * a scalar on the same line, or on the lines below, a sequence level with
 * the key or a map two spaces in.  NULL when it is none of these. */
static struct crm_node *read_value(struct canon *c, size_t col)
{
	if (c->s < c->end && *c->s == ' ') {
		c->s++;
		return read_scalar(c);
	}
	next_line(c);
	if (c->s == c->end)
		return NULL;
	if (indent(c) == (long)col && item_at(c, col)) {
		c->s += col;
		return read_seq(c, col);
	}
	if (indent(c) == (long)col + 2) {
		c->s += col + 2;
		return read_map(c, col + 2);
	}
	return NULL;
}

/* Reads the map whose first key is at s, at column col.  NULL when it is
 * not one this reads (duplicate keys among them: libyaml words that). */
static struct crm_node *read_map(struct canon *c, size_t col)
{
	struct crm_node *map = open_node(c, CRM_NODE_MAP), *v;
	enum next next;
	size_t n;
	char *key;

	if (map == NULL)
		return NULL;
	for (;;) {
		if ((n = key_len(c)) == 0)
			goto fail;
		key = *c->s == '\''
		      ? crm_xstrndup(c->s + 1, n - 2)  /* '+7...' */
		      : crm_xstrndup(c->s, n);
		c->s += n + 1;
		if (crm_map_index(map, key) >= 0 ||
		    (v = read_value(c, col)) == NULL) {
			free(key);
			goto fail;
		}
		crm_map_append(map, key, v);
		if ((next = next_at(c, col)) == NEXT_END)
			break;
		if (next == NEXT_BAD)
			goto fail;
		c->s += col;
	}
	c->depth--;
	return map;
fail:
	crm_node_free(map);
	return NULL;
}

/* Reads an item of a sequence after its "- ", at column col: a scalar,
 * or a map whose first key is on this line. */
static struct crm_node *read_item(struct canon *c, size_t col)
{
	if (key_len(c) > 0)
		return read_map(c, col);
	return read_scalar(c);
}

/* Reads the sequence whose first "- " is at s, at column col.  A line
 * level with it that is no item ends it: the key after a list. */
static struct crm_node *read_seq(struct canon *c, size_t col)
{
	struct crm_node *seq = open_node(c, CRM_NODE_SEQ), *item;
	enum next next;

	if (seq == NULL)
		return NULL;
	for (;;) {
		c->s += 2;
		if ((item = read_item(c, col + 2)) == NULL)
			goto fail;
		crm_seq_push(seq, item);
		next = next_at(c, col);
		if (next == NEXT_BAD)
			goto fail;
		if (next == NEXT_END || !item_at(c, col))
			break;
		c->s += col;
	}
	c->depth--;
	return seq;
fail:
	crm_node_free(seq);
	return NULL;
}

/* Reads buf[0..len) when it is in the form crm_yaml_emit writes (crm.h). */
bool crm_yaml_parse_canonical(const char *buf, size_t len,
			      struct crm_node **out)
{
	struct canon c = {buf, buf + len, 1, 0};

	*out = read_map(&c, 0);
	return *out != NULL;
}
