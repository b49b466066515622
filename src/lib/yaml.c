/*
 * yaml.c - the strict YAML reader and the canonical YAML writer, over
 * libyaml's event API.  The reader builds a crm_node tree and refuses
 * everything a record file has no use for (anchors, aliases, tags, several
 * documents); the writer produces one canonical text for a given tree.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "crm.h"

/* ---- classifying scalars ---- */

/* Words that some YAML 1.1 or 1.2 reader resolves to a non-string. */
static const char *const ambiguous_words[] = {
	"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~",
	"nan", "inf", "<<", "=",
};

/* True when a YAML reader could take plain s for a non-string (crm.h). */
bool crm_yaml_is_ambiguous(const char *s)
{
	size_t i;

	if (s[0] == '\0')
		return true;
	if (isdigit((unsigned char)s[0]) || s[0] == '+' || s[0] == '-' ||
	    s[0] == '.')
		return true;
	if (strnlen(s, 6) > 5) /* longer than every ambiguous word */
		return false;
	for (i = 0; i < sizeof(ambiguous_words) / sizeof(*ambiguous_words);
	     i++)
		if (strcasecmp(s, ambiguous_words[i]) == 0)
			return true;
	return false;
}

/* 1-based line of byte offset off in buf[0..len). */
static int line_at(const char *buf, size_t len, size_t off)
{
	const char *p = buf, *end = buf + (off < len ? off : len);
	int line = 1;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

/* ---- checks on the raw bytes ---- */

/* Offset of the first line of buf that is not valid UTF-8, or len. */
static size_t first_bad_utf8(const char *buf, size_t len)
{
	size_t off = 0, n;
	const char *nl;

	while (off < len) {
		nl = memchr(buf + off, '\n', len - off);
		n = nl ? (size_t)(nl - (buf + off)) : len - off;
		if (!crm_utf8_valid(buf + off, n))
			return off;
		off += n + 1;
	}
	return len;
}

/*
 * Refuses input that must not reach libyaml: too large, empty, UTF-16,
 * NUL bytes, invalid UTF-8.  Returns CRM_OK or CRM_ERR with err set.
 */
static int check_bytes(const char *buf, size_t len, struct crm_err *err)
{
	const char *nul;
	size_t bad;

	if (len > CRM_YAML_MAX_SIZE)
		return crm_seterr(err, CRM_ERR, _("the file is %zu bytes, more "
				  "than the %d a file may hold (1 MiB)"), len,
				  CRM_YAML_MAX_SIZE);
	if (len == 0)
		return crm_seterr(err, CRM_ERR, _("line %d: %s"), 1, _("empty file"));
	if (len >= 2 && ((buf[0] == '\xff' && buf[1] == '\xfe') ||
			 (buf[0] == '\xfe' && buf[1] == '\xff')))
		return crm_seterr(err, CRM_ERR, _("line %d: %s"), 1,
				  _("UTF-16 is not supported; use UTF-8"));
	nul = memchr(buf, '\0', len);
	if (nul != NULL)
		return crm_seterr(err, CRM_ERR, _("line %d: %s"),
				  line_at(buf, len, (size_t)(nul - buf)),
				  _("NUL bytes are not allowed"));
	bad = first_bad_utf8(buf, len);
	if (bad < len)
		return crm_seterr(err, CRM_ERR, _("line %d: %s"),
				  line_at(buf, len, bad), _("invalid UTF-8"));
	return CRM_OK;
}

/* ---- the reader ---- */

/* An open map or sequence, and for a map the key awaiting its value. */
struct frame {
	struct crm_node *node;
	char *key;
};

struct reader {
	yaml_parser_t parser;
	struct frame stack[CRM_YAML_MAX_DEPTH];
	int depth;
	int ndocs;
	struct crm_node *root;
	struct crm_err *err;
	const char *buf; /* the input, for the line of a reader error */
	size_t len;
};

/* Sets err from a libyaml parser failure.  Returns CRM_ERR. */
static int parser_error(struct reader *r)
{
	yaml_parser_t *p = &r->parser;
	const char *problem = p->problem ? p->problem : "syntax error";

	if (p->error == YAML_READER_ERROR) /* its mark is the offset only */
		return crm_seterr(r->err, CRM_ERR, _("line %d: %s"),
				  line_at(r->buf, r->len, p->problem_offset),
				  problem);
	if (p->context != NULL)
		return crm_seterr(r->err, CRM_ERR, "line %d: %s (%s at line %d)",
				  (int)p->problem_mark.line + 1, problem,
				  p->context, (int)p->context_mark.line + 1);
	return crm_seterr(r->err, CRM_ERR, _("line %d: %s"),
			  (int)p->problem_mark.line + 1, problem);
}

/* Sets err to "line N: msg" for event ev.  Returns CRM_ERR. */
static int event_error(struct reader *r, const yaml_event_t *ev,
		       const char *msg)
{
	return crm_seterr(r->err, CRM_ERR, _("line %d: %s"),
			  (int)ev->start_mark.line + 1, msg);
}

/* Refuses an anchor or a tag on a node event.  Returns CRM_OK or CRM_ERR. */
static int check_props(struct reader *r, const yaml_event_t *ev,
		       const yaml_char_t *anchor, const yaml_char_t *tag)
{
	if (anchor != NULL)
		return event_error(r, ev,
				   _("anchors and aliases are not allowed"));
	if (tag != NULL)
		return event_error(r, ev, _("tags are not allowed"));
	return CRM_OK;
}

/* Uses v[0..len), a key scalar read at line, as the pending key of map
 * frame f.  Refuses duplicates. */
static int take_key_text(struct reader *r, struct frame *f, const char *v,
			 size_t len, int line)
{
	char *key = crm_xstrndup(v, len);

	if (crm_map_index(f->node, key) >= 0) {
		crm_seterr(r->err, CRM_ERR, _("line %d: duplicate key '%s'"),
			   line, key);
		free(key);
		return CRM_ERR;
	}
	f->key = key;
	return CRM_OK;
}

/*
 * Attaches a new node n (scalar or container) where the parse stands: as
 * the root, a sequence item or a map value (a container where a key is
 * due is refused).  Takes n in every case (freed on error).
 */
static int attach(struct reader *r, struct crm_node *n)
{
	struct frame *f;

	if (r->depth == 0) {
		if (r->root != NULL || n->kind != CRM_NODE_MAP) {
			crm_seterr(r->err, CRM_ERR, _("line %d: %s"), n->line,
				   _("the top level must be a mapping"));
			crm_node_free(n);
			return CRM_ERR;
		}
		r->root = n;
		return CRM_OK;
	}
	f = &r->stack[r->depth - 1];
	if (f->node->kind == CRM_NODE_SEQ) {
		crm_seq_push(f->node, n);
		return CRM_OK;
	}
	if (f->key == NULL) { /* scalar keys are taken by on_scalar */
		crm_seterr(r->err, CRM_ERR, _("line %d: %s"), n->line,
			   _("keys must be plain strings, not lists or maps"));
		crm_node_free(n);
		return CRM_ERR;
	}
	crm_map_append(f->node, f->key, n); /* take_key_text refused duplicates */
	f->key = NULL;
	return CRM_OK;
}

/* Handles a scalar event.  Returns CRM_OK or CRM_ERR. */
static int on_scalar(struct reader *r, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct crm_node *n;

	if (check_props(r, ev, ev->data.scalar.anchor, ev->data.scalar.tag))
		return CRM_ERR;
	if (memchr(v, '\0', len) != NULL)
		return event_error(r, ev, _("NUL bytes are not allowed"));
	if (!crm_utf8_valid(v, len))
		return event_error(r, ev, _("invalid UTF-8"));
	if (r->depth > 0 && r->stack[r->depth - 1].node->kind == CRM_NODE_MAP &&
	    r->stack[r->depth - 1].key == NULL)
		return take_key_text(r, &r->stack[r->depth - 1], v, len,
				     (int)ev->start_mark.line + 1);
	n = crm_node_new_scalar_n(v, len);
	n->line = (int)ev->start_mark.line + 1;
	n->typed = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		   crm_yaml_is_ambiguous(n->str) &&
		   strchr(n->str, '\n') == NULL;
	return attach(r, n);
}

/* Handles a sequence or mapping start: attaches and opens n. */
static int on_open(struct reader *r, const yaml_event_t *ev,
		   struct crm_node *n, const yaml_char_t *anchor,
		   const yaml_char_t *tag)
{
	n->line = (int)ev->start_mark.line + 1;
	if (check_props(r, ev, anchor, tag) != CRM_OK)
		goto fail;
	if (r->depth >= CRM_YAML_MAX_DEPTH) {
		crm_seterr(r->err, CRM_ERR, _("line %d: nesting deeper than %d levels"),
			   n->line, CRM_YAML_MAX_DEPTH);
		goto fail;
	}
	if (attach(r, n) != CRM_OK)
		return CRM_ERR;
	r->stack[r->depth].node = n;
	r->stack[r->depth].key = NULL;
	r->depth++;
	return CRM_OK;
fail:
	crm_node_free(n);
	return CRM_ERR;
}

/* Handles a sequence or mapping end. */
static void on_close(struct reader *r)
{
	r->depth--;
	free(r->stack[r->depth].key);
	r->stack[r->depth].key = NULL;
}

/* Handles a document start: only the first one is allowed. */
static int on_document(struct reader *r, const yaml_event_t *ev)
{
	if (r->ndocs++ > 0)
		return event_error(r, ev, _("only one document is allowed"));
	return CRM_OK;
}

/* Handles one parser event.  Returns CRM_OK or CRM_ERR. */
static int on_event(struct reader *r, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		return on_document(r, ev);
	case YAML_ALIAS_EVENT:
		return event_error(r, ev,
				   _("anchors and aliases are not allowed"));
	case YAML_SCALAR_EVENT:
		return on_scalar(r, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_open(r, ev, crm_node_new_seq(),
			       ev->data.sequence_start.anchor,
			       ev->data.sequence_start.tag);
	case YAML_MAPPING_START_EVENT:
		return on_open(r, ev, crm_node_new_map(),
			       ev->data.mapping_start.anchor,
			       ev->data.mapping_start.tag);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		on_close(r);
		return CRM_OK;
	case YAML_STREAM_END_EVENT:
		if (r->root == NULL)
			return crm_seterr(r->err, CRM_ERR, _("line %d: %s"), 1,
					  _("empty document"));
		return CRM_OK;
	default:
		return CRM_OK;
	}
}

/* Runs the parser to the end of the stream.  Returns CRM_OK or CRM_ERR. */
static int read_events(struct reader *r)
{
	yaml_event_t ev;
	bool end;
	int rc;

	for (;;) {
		if (!yaml_parser_parse(&r->parser, &ev))
			return parser_error(r);
		rc = on_event(r, &ev);
		end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (rc != CRM_OK || end)
			return rc;
	}
}

/* Parses checked bytes (check_bytes) with libyaml into *out. */
static int parse_checked(const char *buf, size_t len, struct crm_node **out,
			 struct crm_err *err)
{
	struct reader r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.err = err;
	r.buf = buf;
	r.len = len;
	if (!yaml_parser_initialize(&r.parser))
		return crm_seterr(err, CRM_ERR, "%s",
				  _("cannot initialise the YAML parser"));
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)buf,
				     len);
	rc = read_events(&r);
	while (r.depth > 0)
		on_close(&r);
	yaml_parser_delete(&r.parser);
	if (rc != CRM_OK) {
		crm_node_free(r.root);
		return rc;
	}
	*out = r.root;
	return CRM_OK;
}

/* Parses one strict YAML document with a mapping root (crm.h). */
int crm_yaml_parse(const char *buf, size_t len, struct crm_node **out,
		   struct crm_err *err)
{
	int rc;

	*out = NULL;
	rc = check_bytes(buf, len, err);
	if (rc != CRM_OK || crm_yaml_parse_canonical(buf, len, out))
		return rc;
	return parse_checked(buf, len, out, err);
}

/* crm_yaml_parse by libyaml alone (crm.h). */
int crm_yaml_parse_libyaml(const char *buf, size_t len, struct crm_node **out,
			   struct crm_err *err)
{
	int rc;

	*out = NULL;
	rc = check_bytes(buf, len, err);
	return rc != CRM_OK ? rc : parse_checked(buf, len, out, err);
}

/* ---- the writer ---- */

/* libyaml output handler: appends to the crm_buf in data. */
static int write_buf(void *data, unsigned char *buffer, size_t size)
{
	crm_buf_add(data, (const char *)buffer, size);
	return 1;
}

/*
 * True when s holds a character that YAML treats as a line break but that
 * only a double-quoted scalar keeps as it is: CR, NEL, LS, PS.
 */
static bool has_odd_break(const char *s)
{
	return strchr(s, '\r') != NULL || strstr(s, "\xc2\x85") != NULL ||
	       strstr(s, "\xe2\x80\xa8") != NULL ||
	       strstr(s, "\xe2\x80\xa9") != NULL;
}

/*
 * The scalar style to ask libyaml for.  libyaml falls back to a quoted
 * style by itself when the one asked for cannot hold the text.
 */
static yaml_scalar_style_t scalar_style(const char *s, bool typed)
{
	if (has_odd_break(s))
		return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	if (strchr(s, '\n') != NULL)
		return YAML_LITERAL_SCALAR_STYLE;
	if (typed)
		return YAML_PLAIN_SCALAR_STYLE;
	if (crm_yaml_is_ambiguous(s))
		return YAML_SINGLE_QUOTED_SCALAR_STYLE;
	return YAML_PLAIN_SCALAR_STYLE;
}

/*
 * libyaml's emitter escapes every character outside the Basic Multilingual
 * Plane ("\U0001F600") and forces double quotes on the whole scalar.  To
 * keep such text (emoji, rare CJK) readable, each one is handed to libyaml
 * as two private-use characters, U+E000 + high 10 bits and U+E400 + low 10
 * bits, which it writes as they are, and restored in the output.  A real
 * U+E000..U+E800 in the text is protected by a U+E800 marker in front.
 */
#define PUA_HI 0xe000
#define PUA_LO 0xe400
#define PUA_MARK 0xe800

/* Decodes the UTF-8 character at s (valid, at most n bytes); sets *len. */
static unsigned long utf8_get(const unsigned char *s, size_t n, size_t *len)
{
	if (s[0] < 0x80 || n < 2) {
		*len = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*len = 2;
		return ((s[0] & 0x1fUL) << 6) | (s[1] & 0x3f);
	}
	if (s[0] < 0xf0 && n >= 3) {
		*len = 3;
		return ((s[0] & 0x0fUL) << 12) | ((s[1] & 0x3fUL) << 6) |
		       (s[2] & 0x3f);
	}
	if (n >= 4) {
		*len = 4;
		return ((s[0] & 0x07UL) << 18) | ((s[1] & 0x3fUL) << 12) |
		       ((s[2] & 0x3fUL) << 6) | (s[3] & 0x3f);
	}
	*len = 1;
	return s[0];
}

/* Appends the three-byte UTF-8 form of BMP code point cp to b. */
static void utf8_put3(struct crm_buf *b, unsigned long cp)
{
	char u[3];

	u[0] = (char)(0xe0 | (cp >> 12));
	u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[2] = (char)(0x80 | (cp & 0x3f));
	crm_buf_add(b, u, 3);
}

/* True when s may hold a character that needs the private-use mapping. */
static bool needs_pua(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s == 0xee || (unsigned char)*s >= 0xf0)
			return true;
	return false;
}

/*
 * s (valid UTF-8) with characters above U+FFFF and in U+E000..U+E800
 * mapped as described above.  Caller owns the result; NULL when s needs
 * no mapping or is not valid UTF-8 (libyaml then reports it).
 */
static char *pua_encode(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	struct crm_buf b = {0};
	unsigned long cp;

	if (!needs_pua(s) || !crm_utf8_valid(s, n))
		return NULL;
	while (*p) {
		cp = utf8_get(p, n - (size_t)(p - (const unsigned char *)s),
			      &len);
		if (cp >= 0x10000) {
			utf8_put3(&b, PUA_HI + ((cp - 0x10000) >> 10));
			utf8_put3(&b, PUA_LO + ((cp - 0x10000) & 0x3ff));
		} else {
			if (cp >= PUA_HI && cp <= PUA_MARK)
				utf8_put3(&b, PUA_MARK);
			crm_buf_add(&b, (const char *)p, len);
		}
		p += len;
	}
	return crm_buf_detach(&b);
}

/* Appends the UTF-8 form of code point cp (above U+FFFF) to b. */
static void utf8_put4(struct crm_buf *b, unsigned long cp)
{
	char u[4];

	u[0] = (char)(0xf0 | (cp >> 18));
	u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	crm_buf_add(b, u, 4);
}

/* Undoes pua_encode() over the emitted text in[0..n) into out. */
static void pua_decode(const char *in, size_t n, struct crm_buf *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, len, len2;
	unsigned long cp, lo;

	while (i < n) {
		cp = utf8_get(p + i, n - i, &len);
		if (cp == PUA_MARK && i + len < n) {
			utf8_get(p + i + len, n - i - len, &len2);
			crm_buf_add(out, in + i + len, len2);
			i += len + len2;
			continue;
		}
		if (cp >= PUA_HI && cp < PUA_LO && i + len < n) {
			lo = utf8_get(p + i + len, n - i - len, &len2);
			if (lo >= PUA_LO && lo < PUA_MARK) {
				utf8_put4(out, 0x10000 + ((cp - PUA_HI) << 10) +
					       (lo - PUA_LO));
				i += len + len2;
				continue;
			}
		}
		crm_buf_add(out, in + i, len);
		i += len;
	}
}

/* Sets err from a libyaml emitter failure.  Returns CRM_ERR. */
static int emitter_error(yaml_emitter_t *em, struct crm_err *err)
{
	return crm_seterr(err, CRM_ERR, _("cannot write YAML: %s"),
			  em->problem ? em->problem : "unknown error");
}

/* Emits ev (libyaml takes it).  Returns CRM_OK or CRM_ERR. */
static int emit_event(yaml_emitter_t *em, yaml_event_t *ev,
		      struct crm_err *err)
{
	if (!yaml_emitter_emit(em, ev))
		return emitter_error(em, err);
	return CRM_OK;
}

/* Emits one scalar s (NULL counts as "").  Returns CRM_OK or CRM_ERR. */
static int emit_scalar(yaml_emitter_t *em, const char *s, bool typed,
		       struct crm_err *err)
{
	yaml_event_t ev;
	char *enc;
	const char *t;
	int ok;

	if (s == NULL)
		s = "";
	enc = pua_encode(s);
	t = enc ? enc : s;
	ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)t,
					  (int)strlen(t), 1, 1,
					  scalar_style(s, typed));
	free(enc);
	if (!ok)
		return crm_seterr(err, CRM_ERR, "%s",
				  _("cannot write YAML: invalid UTF-8 in text"));
	return emit_event(em, &ev, err);
}

static int emit_node(yaml_emitter_t *em, const struct crm_node *n, int depth,
		     struct crm_err *err);

/* Emits the items (and keys) of a sequence or map, then its end. */
static int emit_items(yaml_emitter_t *em, const struct crm_node *n, int depth,
		      struct crm_err *err)
{
	yaml_event_t ev;
	size_t i;

	for (i = 0; i < n->len; i++) {
		if (n->kind == CRM_NODE_MAP &&
		    emit_scalar(em, n->keys[i], false, err) != CRM_OK)
			return CRM_ERR;
		if (emit_node(em, n->items[i], depth + 1, err) != CRM_OK)
			return CRM_ERR;
	}
	if (n->kind == CRM_NODE_MAP)
		yaml_mapping_end_event_initialize(&ev);
	else
		yaml_sequence_end_event_initialize(&ev);
	return emit_event(em, &ev, err);
}

/*
 * Emits node n at nesting depth (the root map is 1): block style, empty
 * containers in flow style.  Returns CRM_OK or CRM_ERR.
 */
static int emit_node(yaml_emitter_t *em, const struct crm_node *n, int depth,
		     struct crm_err *err)
{
	yaml_event_t ev;

	if (n == NULL)
		return emit_scalar(em, "", true, err);
	if (n->kind == CRM_NODE_SCALAR)
		return emit_scalar(em, n->str, n->typed, err);
	if (depth > CRM_YAML_MAX_DEPTH)
		return crm_seterr(err, CRM_ERR, _("nesting deeper than %d levels"),
				  CRM_YAML_MAX_DEPTH);
	if (n->kind == CRM_NODE_MAP)
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
			n->len ? YAML_BLOCK_MAPPING_STYLE
			       : YAML_FLOW_MAPPING_STYLE);
	else
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
			n->len ? YAML_BLOCK_SEQUENCE_STYLE
			       : YAML_FLOW_SEQUENCE_STYLE);
	if (emit_event(em, &ev, err) != CRM_OK)
		return CRM_ERR;
	return emit_items(em, n, depth, err);
}

/* Emits the stream and document around root.  Returns CRM_OK or CRM_ERR. */
static int emit_document(yaml_emitter_t *em, const struct crm_node *root,
			 struct crm_err *err)
{
	yaml_event_t ev;

	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (emit_event(em, &ev, err) != CRM_OK)
		return CRM_ERR;
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	if (emit_event(em, &ev, err) != CRM_OK)
		return CRM_ERR;
	if (emit_node(em, root, 1, err) != CRM_OK)
		return CRM_ERR;
	yaml_document_end_event_initialize(&ev, 1);
	if (emit_event(em, &ev, err) != CRM_OK)
		return CRM_ERR;
	yaml_stream_end_event_initialize(&ev);
	if (emit_event(em, &ev, err) != CRM_OK)
		return CRM_ERR;
	if (!yaml_emitter_flush(em))
		return emitter_error(em, err);
	return CRM_OK;
}

/* Writes root (a map) in the canonical form (crm.h).  Caller owns *out. */
int crm_yaml_emit(const struct crm_node *root, char **out, size_t *outlen,
		  struct crm_err *err)
{
	yaml_emitter_t em;
	struct crm_buf b = {0};
	int rc;

	*out = NULL;
	if (outlen)
		*outlen = 0;
	if (root == NULL || root->kind != CRM_NODE_MAP)
		return crm_seterr(err, CRM_ERR, "%s",
				  _("the top level must be a mapping"));
	if (!yaml_emitter_initialize(&em))
		return crm_seterr(err, CRM_ERR, "%s",
				  _("cannot initialise the YAML writer"));
	yaml_emitter_set_output(&em, write_buf, &b);
	yaml_emitter_set_encoding(&em, YAML_UTF8_ENCODING);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_indent(&em, 2);
	yaml_emitter_set_break(&em, YAML_LN_BREAK);
	rc = emit_document(&em, root, err);
	yaml_emitter_delete(&em);
	if (rc != CRM_OK) {
		crm_buf_free(&b);
		return rc;
	}
	if (b.s != NULL && needs_pua(b.s)) {
		struct crm_buf dec = {0};

		pua_decode(b.s, b.len, &dec);
		crm_buf_free(&b);
		b = dec;
	}
	if (outlen)
		*outlen = b.len;
	*out = crm_buf_detach(&b);
	return CRM_OK;
}
