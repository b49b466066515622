/*
 * query.c - the parser of the query language of crm-query(7):
 * crm_query_parse() turns the words of a query into a tree of terms
 * joined by and, or and not (query.h), checking everything that needs
 * no store (syntax, numbers, dates, regular expressions).  The tree is
 * compiled into SQL by query-sql.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include "query.h"

#define QUERY_MAX_LEN 4096   /* bytes in the joined query */
#define QUERY_MAX_DEPTH 64   /* nested parentheses and nots */
#define NUMBER_MAX_DIGITS 15 /* exact in a double */

/* The fields a query knows: its own (type, has, no), then those of the
 * registry by term and by name; every other name is a custom field.
 * Made once, from the registry. */
static struct qfield qfields[QUERY_FIELDS_MAX];
static size_t nqfields;
static pthread_once_t qfields_once = PTHREAD_ONCE_INIT;

/* How the registered field f is queried into *q (its name left unset);
 * false when it is not (histories and timelines). */
static bool query_kind(const struct crm_field *f, struct qfield *q)
{
	memset(q, 0, sizeof(*q));
	q->col = f->time_column ? f->time_column : f->column;
	q->has = f->column ? f->column : f->time_column;
	q->facet = (f->flags & CRM_FIELD_FACET) != 0;
	switch (f->kind) {
	case CRM_FIELD_ID: q->kind = F_ID; q->ops = OPS_EQ; q->has = "id";
		return true;
	case CRM_FIELD_NAME: q->kind = F_NAME; q->ops = OPS_EQ;
		q->has = "name"; return true;
	case CRM_FIELD_REF: q->kind = F_REF; q->ops = OPS_EQNE;
		q->mask = f->refers; return true;
	case CRM_FIELD_TEXT: case CRM_FIELD_USER: case CRM_FIELD_PIPELINE:
	case CRM_FIELD_STAGE: case CRM_FIELD_CURRENCY: case CRM_FIELD_STATUS:
	case CRM_FIELD_CHOICE: case CRM_FIELD_TAXID:
		q->kind = f->column ? F_EXACT : F_TEXT;
		q->ops = f->column ? OPS_EQNE : OPS_EQ;
		return true;
	case CRM_FIELD_TAGS: q->kind = F_TAG; q->ops = OPS_EQNE; break;
	case CRM_FIELD_EMAILS: q->kind = F_EMAIL; q->ops = OPS_EQ; break;
	case CRM_FIELD_PHONES: q->kind = F_PHONE; q->ops = OPS_EQ; break;
	case CRM_FIELD_AMOUNT: case CRM_FIELD_PERCENT: q->kind = F_AMOUNT;
		q->ops = OPS_ALL; return true;
	case CRM_FIELD_REFS: case CRM_FIELD_IDS:
		q->kind = F_TAG; q->ops = OPS_EQNE; break;
	case CRM_FIELD_WHEN: case CRM_FIELD_STAMP: q->kind = F_DATE;
		q->ops = OPS_ALL; return true;
	case CRM_FIELD_DAY: q->kind = F_BIRTHDAY; q->ops = OPS_ALL;
		return true;
	default:
		return false;
	}
	q->col = NULL;   /* lists: matched item by item */
	return true;
}

/* Appends a field of the query called name. */
static void add_qfield(const char *name, enum fkind kind, unsigned ops,
		       const struct qfield *like)
{
	struct qfield *q = &qfields[nqfields++];

	if (like != NULL)
		*q = *like;
	q->name = name;
	q->kind = kind;
	q->ops = ops;
	if (kind == F_TYPE)
		q->facet = true;
}

/* Fills qfields (pthread_once). */
static void make_qfields(void)
{
	const struct crm_field *f;
	struct qfield q;
	size_t i;

	add_qfield("type", F_TYPE, OPS_EQNE, NULL);
	for (i = 0; (f = crm_field_at(i)) != NULL; i++) {
		if (!query_kind(f, &q))
			continue;
		if (f->term != NULL)
			add_qfield(f->term, q.kind, q.ops, &q);
		add_qfield(f->name, q.kind, q.ops, &q);
	}
	add_qfield("has", F_HAS, 1u << OP_COLON, NULL);
	add_qfield("no", F_NO, 1u << OP_COLON, NULL);
	add_qfield("kind", F_ENTRY_KIND, OPS_EQNE, NULL);
	add_qfield("at", F_ENTRY_AT, OPS_ALL, NULL);
}

const char *crm_query_field(size_t i)
{
	pthread_once(&qfields_once, make_qfields);
	return i < nqfields ? qfields[i].name : NULL;
}

static const char *const op_names[] = {":", "=", "!=", "<", "<=", ">", ">="};

enum tok { TOK_END, TOK_LPAREN, TOK_RPAREN, TOK_AND, TOK_OR, TOK_NOT,
	   TOK_TERM };

/* The tokenizer and parser state over the joined query. */
struct parser {
	const char *s;
	size_t pos;                 /* byte offset of the next token */
	time_t now;
	struct crm_err *err;
	int depth;
	enum tok tok;               /* the current token */
	size_t col;                 /* its column */
	const char *word;           /* its text, for keywords and '-' */
	struct term *term;          /* TOK_TERM: owned until taken */
	bool neg;                   /* TOK_TERM: written with a leading '-' */
	enum tok prev;              /* the token before it */
	size_t prev_col;
	const char *prev_word;
};

/*
 * Sets err to CRM_EUSAGE "query: column COL: MESSAGE", MESSAGE formatted
 * from fmt (already translated).  Returns CRM_EUSAGE.
 */
int query_syntax_error(struct crm_err *err, size_t col, const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	return crm_seterr(err, CRM_EUSAGE, _("query: column %zu: %s"), col,
			  msg);
}

/* Prefixes err's message with "query: column COL".  Returns its status. */
int query_column_prefix(struct crm_err *err, size_t col)
{
	return crm_err_prefix(err, _("query: column %zu"), col);
}

/* The 1-based column (in code points) of byte offset pos of s. */
static size_t column_of(const char *s, size_t pos)
{
	size_t i, col = 1;

	for (i = 0; i < pos; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			col++;
	return col;
}

/* The number of code points of s. */
size_t query_utf8_length(const char *s)
{
	return column_of(s, strlen(s)) - 1;
}

/* True for ASCII white space, which separates words. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* True when c ends an unquoted word. */
static bool is_delim(char c)
{
	return c == '\0' || is_space(c) || c == '(' || c == ')';
}

/* True when c may be part of a field name (non-ASCII letters included). */
static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' ||
	       (unsigned char)c >= 0x80;
}

/* The known field called name, or NULL. */
const struct qfield *query_find_qfield(const char *name)
{
	size_t i;

	pthread_once(&qfields_once, make_qfields);
	for (i = 0; i < nqfields; i++)
		if (strcmp(qfields[i].name, name) == 0)
			return &qfields[i];
	return NULL;
}

/*
 * Parses a decimal number "[+-]D[.D]" the same in every locale into *out.
 * False when s is no such number or has more digits than a double holds
 * exactly.
 */
bool query_parse_number(const char *s, double *out)
{
	double mant = 0, scale = 1;
	bool neg = *s == '-', frac = false;
	size_t digits = 0;

	if (*s == '+' || *s == '-')
		s++;
	for (; *s != '\0'; s++) {
		if (*s == '.' && !frac && digits > 0 && s[1] != '\0') {
			frac = true;
			continue;
		}
		if (*s < '0' || *s > '9' || ++digits > NUMBER_MAX_DIGITS)
			return false;
		mant = mant * 10 + (*s - '0');
		if (frac)
			scale *= 10;
	}
	if (digits == 0)
		return false;
	*out = (neg ? -mant : mant) / scale;
	return true;
}

/* Frees t and what it owns; t may be NULL. */
static void term_free(struct term *t)
{
	if (t == NULL)
		return;
	free(t->key);
	free(t->value);
	crm_regex_free(t->re);
	free(t);
}

/* Frees the subtree n (may be NULL) with its terms. */
static void node_free(struct node *n)
{
	if (n == NULL)
		return;
	node_free(n->a);
	node_free(n->b);
	term_free(n->term);
	free(n);
}

/* A new node of kind over a and b (taking both). */
static struct node *node_new(enum node_kind kind, struct node *a,
			     struct node *b)
{
	struct node *n = crm_xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->a = a;
	n->b = b;
	return n;
}

/*
 * Reads the double-quoted string at p->pos ('"') into *out (caller owns),
 * undoing \" and \\, and leaves p->pos after it.  The closing quote must
 * end the word.
 */
static int read_quoted(struct parser *p, char **out)
{
	size_t start = p->pos;
	struct crm_buf b = {0};
	const char *s = p->s;

	p->pos++;
	for (;;) {
		if (s[p->pos] == '\0') {
			crm_buf_free(&b);
			return query_syntax_error(p->err, column_of(s, start),
					    _("unterminated quote"));
		}
		if (s[p->pos] == '"')
			break;
		if (s[p->pos] == '\\' &&
		    (s[p->pos + 1] == '"' || s[p->pos + 1] == '\\'))
			p->pos++;
		crm_buf_addc(&b, s[p->pos++]);
	}
	p->pos++;
	if (!is_delim(s[p->pos])) {
		crm_buf_free(&b);
		return query_syntax_error(p->err, column_of(s, p->pos),
				    _("unexpected text after a closing quote"));
	}
	*out = crm_buf_detach(&b);
	return CRM_OK;
}

/* Reads an unquoted word at p->pos into *out (caller owns; may be ""). */
static void read_bare(struct parser *p, char **out)
{
	size_t start = p->pos;

	while (!is_delim(p->s[p->pos]))
		p->pos++;
	*out = crm_xstrndup(p->s + start, p->pos - start);
}

/* Reads a value, quoted or not, at p->pos into *out (caller owns). */
static int read_value(struct parser *p, char **out)
{
	if (p->s[p->pos] == '"')
		return read_quoted(p, out);
	read_bare(p, out);
	return CRM_OK;
}

/* Reads "/PATTERN/" at p->pos into t and compiles it to check it. */
static int read_regex(struct parser *p, struct term *t)
{
	size_t start = p->pos, from;
	const char *s = p->s;

	from = ++p->pos;
	while (s[p->pos] != '/') {
		if (s[p->pos] == '\0')
			return query_syntax_error(p->err, column_of(s, start),
					    _("unterminated regular "
					      "expression"));
		if (s[p->pos] == '\\' && s[p->pos + 1] != '\0')
			p->pos++;
		p->pos++;
	}
	t->kind = T_REGEX;
	t->value = crm_xstrndup(s + from, p->pos - from);
	t->vcol = column_of(s, from);
	p->pos++;
	if (t->value[0] == '\0')
		return query_syntax_error(p->err, t->col,
				    _("empty regular expression"));
	if (!is_delim(s[p->pos]))
		return query_syntax_error(p->err, column_of(s, p->pos),
				    _("unexpected text after a regular "
				      "expression"));
	if (crm_regex_compile(t->value, &t->re, p->err) != CRM_OK)
		return query_column_prefix(p->err, t->vcol);
	return CRM_OK;
}

/*
 * If a field operator starts at p->pos, consumes it into *op and returns
 * true.
 */
static bool read_op(struct parser *p, enum op *op)
{
	const char *c = p->s + p->pos;

	if (c[0] == ':' || c[0] == '=') {
		*op = c[0] == ':' ? OP_COLON : OP_EQ;
		p->pos++;
	} else if (c[0] == '!' && c[1] == '=') {
		*op = OP_NE;
		p->pos += 2;
	} else if (c[0] == '<' || c[0] == '>') {
		if (c[1] == '=')
			*op = c[0] == '<' ? OP_LE : OP_GE;
		else
			*op = c[0] == '<' ? OP_LT : OP_GT;
		p->pos += c[1] == '=' ? 2 : 1;
	} else {
		return false;
	}
	return true;
}

/* Checks a date value of t (F_DATE, F_BIRTHDAY) and fills t->date, next. */
static int check_date(struct parser *p, struct term *t)
{
	struct crm_date next;

	if (crm_date_parse_as(t->value, p->now, CRM_DATE_QUERY, &t->date,
			      p->err) != CRM_OK)
		return query_column_prefix(p->err, t->vcol);
	t->next = t->date.when;
	if (!t->date.has_time &&
	    crm_date_parse("+1d", t->date.when, &next, NULL) == CRM_OK)
		t->next = next.when;
	return CRM_OK;
}

/* Checks an amount value of t (crm_amount_parse, no decimal separator
 * preferred: an ambiguous one is refused) and fills t->num. */
static int check_amount(struct parser *p, struct term *t)
{
	char stored[CRM_AMOUNT_SIZE];

	if (crm_amount_parse(t->value, 0, stored, sizeof(stored),
			     p->err) != CRM_OK)
		return query_column_prefix(p->err, t->vcol);
	t->num = crm_amount_value(stored);
	return CRM_OK;
}

/* Checks the value of kind:, a kind of timeline entry. */
static int check_entry_kind(struct parser *p, struct term *t)
{
	const char *const *kinds = crm_timeline_kinds();
	const char *hint;
	size_t n = 0;

	if (crm_timeline_kind_valid(t->value))
		return CRM_OK;
	while (kinds[n])
		n++;
	hint = crm_suggest(t->value, kinds, n);
	if (hint != NULL)
		return query_syntax_error(p->err, t->vcol,
				    _("unknown kind of timeline entry '%s' "
				      "(did you mean '%s'?)"), t->value, hint);
	return query_syntax_error(p->err, t->vcol,
			    _("unknown kind of timeline entry '%s' (it is one "
			      "of call, meeting, email, note, task)"),
			    t->value);
}

/* Checks the value of a term on a record type. */
static int check_type(struct parser *p, struct term *t)
{
	const char *names[CRM_NTYPES];
	const char *hint;
	int i;

	if (crm_type_parse(t->value, &t->type))
		return CRM_OK;
	for (i = 0; i < CRM_NTYPES; i++)
		names[i] = crm_type_name((enum crm_type)i);
	hint = crm_suggest(t->value, names, CRM_NTYPES);
	if (hint != NULL)
		return query_syntax_error(p->err, t->vcol,
				    _("unknown type '%s' (did you mean "
				      "'%s'?)"), t->value, hint);
	return query_syntax_error(p->err, t->vcol,
			    _("unknown type '%s' (use company, contact, deal "
			      "or task)"), t->value);
}

/*
 * Checks what can be checked without the store about a known field's
 * term: the operator, and values that must be numbers, dates, types, id
 * prefixes or phone numbers.
 */
static int check_field(struct parser *p, struct term *t)
{
	const struct qfield *f = t->field;
	char *digits;

	if (!(f->ops & (1u << t->op)))
		return query_syntax_error(p->err, t->col,
				    _("operator '%s' does not apply to '%s'"),
				    op_names[t->op], t->key);
	switch (f->kind) {
	case F_TYPE:
		return check_type(p, t);
	case F_ID:
		if (!crm_id_normalize_prefix(t->value, t->id))
			return query_syntax_error(p->err, t->vcol,
					    _("'%s' is not an id prefix"),
					    t->value);
		return CRM_OK;
	case F_PHONE:
		digits = crm_phone_digits(t->value);
		if (digits == NULL)
			return query_syntax_error(p->err, t->vcol,
					    _("'%s' is not a phone number"),
					    t->value);
		free(digits);
		return CRM_OK;
	case F_AMOUNT:
		return check_amount(p, t);
	case F_DATE:
	case F_BIRTHDAY:
	case F_ENTRY_AT:
		return check_date(p, t);
	case F_ENTRY_KIND:
		return check_entry_kind(p, t);
	default:
		return CRM_OK;
	}
}

/*
 * Reads a term at p->pos into t: a phrase, a regular expression, a field
 * term (NAME OP VALUE) or a free-text word.
 */
static int read_term(struct parser *p, struct term *t)
{
	const char *s = p->s;
	size_t start = p->pos, name_end;

	t->col = t->vcol = column_of(s, start);
	if (s[start] == '"') {
		t->kind = T_TEXT;
		t->quoted = true;
		if (read_quoted(p, &t->value) != CRM_OK)
			return CRM_EUSAGE;
		if (t->value[0] == '\0')
			return query_syntax_error(p->err, t->col, _("empty phrase"));
		return CRM_OK;
	}
	if (s[start] == '/')
		return read_regex(p, t);
	if (s[start] != '-' && !(s[start] >= '0' && s[start] <= '9'))
		while (is_name_char(s[p->pos]))
			p->pos++;
	name_end = p->pos;
	if (name_end > start && read_op(p, &t->op)) {
		t->kind = T_FIELD;
		t->key = crm_xstrndup(s + start, name_end - start);
		t->vcol = column_of(s, p->pos);
		if (read_value(p, &t->value) != CRM_OK)
			return CRM_EUSAGE;
		if (t->value[0] == '\0')
			return query_syntax_error(p->err, t->col,
					    _("no value after '%s%s'"),
					    t->key, op_names[t->op]);
		t->field = query_find_qfield(t->key);
		if (t->field == NULL)
			t->is_date = crm_date_parse_as(t->value, p->now,
						       CRM_DATE_QUERY, &t->date,
						       NULL) == CRM_OK;
		return t->field != NULL ? check_field(p, t) : CRM_OK;
	}
	p->pos = start;
	t->kind = T_TEXT;
	read_bare(p, &t->value);
	return CRM_OK;
}

/* The keyword token that word[0..len) is, or TOK_TERM. */
static enum tok keyword(const char *word, size_t len)
{
	static const struct { const char *w; enum tok tok; } kw[] = {
		{"and", TOK_AND}, {"AND", TOK_AND}, {"or", TOK_OR},
		{"OR", TOK_OR}, {"not", TOK_NOT}, {"NOT", TOK_NOT},
	};
	size_t i;

	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (strlen(kw[i].w) == len && memcmp(kw[i].w, word, len) == 0)
			return kw[i].tok;
	return TOK_TERM;
}

/* Reads a term, negated when neg, as the current token. */
static int lex_term(struct parser *p, bool neg)
{
	p->tok = TOK_TERM;
	p->neg = neg;
	p->term = crm_xcalloc(1, sizeof(*p->term));
	return read_term(p, p->term);
}

/*
 * Moves to the next token.  The previous token's term must have been
 * taken (or freed).
 */
static int lex_next(struct parser *p)
{
	const char *s = p->s;
	size_t len;

	p->prev = p->tok;
	p->prev_col = p->col;
	p->prev_word = p->word;
	while (is_space(s[p->pos]))
		p->pos++;
	p->col = column_of(s, p->pos);
	p->word = s + p->pos;
	if (s[p->pos] == '\0') {
		p->tok = TOK_END;
		return CRM_OK;
	}
	if (s[p->pos] == '(' || s[p->pos] == ')') {
		p->tok = s[p->pos++] == '(' ? TOK_LPAREN : TOK_RPAREN;
		return CRM_OK;
	}
	if (s[p->pos] == '-') {
		p->pos++;
		if (s[p->pos] == '(') {
			p->tok = TOK_NOT;
			return CRM_OK;
		}
		if (is_delim(s[p->pos]))
			return query_syntax_error(p->err, p->col,
					    _("'-' needs a term after it"));
		return lex_term(p, true);
	}
	for (len = 0; !is_delim(s[p->pos + len]); len++)
		;
	p->tok = keyword(s + p->pos, len);
	if (p->tok != TOK_TERM) {
		p->pos += len;
		return CRM_OK;
	}
	return lex_term(p, false);
}

/* The length of the keyword or '-' token at w, for messages. */
static int word_len(const char *w)
{
	int n = 0;

	if (*w == '-')
		return 1;
	while (!is_delim(w[n]))
		n++;
	return n;
}

/*
 * The error for a current token that cannot start a term: after a
 * keyword it lacks its operand, otherwise the token is out of place.
 */
static int missing_term(struct parser *p)
{
	if (p->prev == TOK_AND || p->prev == TOK_OR || p->prev == TOK_NOT)
		return query_syntax_error(p->err, p->prev_col,
				    _("'%.*s' needs a term after it"),
				    word_len(p->prev_word), p->prev_word);
	if (p->tok == TOK_AND || p->tok == TOK_OR)
		return query_syntax_error(p->err, p->col,
				    _("'%.*s' needs a term before it"),
				    word_len(p->word), p->word);
	if (p->tok == TOK_RPAREN)
		return query_syntax_error(p->err, p->col,
				    _("')' without a matching '('"));
	return query_syntax_error(p->err, p->col, _("a term is missing"));
}

static int parse_or(struct parser *p, struct node **out);

/* Parses "( or-expression )" at the current '(' token. */
static int parse_group(struct parser *p, struct node **out)
{
	size_t col = p->col;
	int rc;

	if (++p->depth > QUERY_MAX_DEPTH)
		return query_syntax_error(p->err, col, _("too deeply nested"));
	if ((rc = lex_next(p)) != CRM_OK)
		return rc;
	if (p->tok == TOK_RPAREN)
		return query_syntax_error(p->err, col, _("empty parentheses"));
	if (p->tok == TOK_END)
		return query_syntax_error(p->err, col, _("'(' is not closed"));
	if ((rc = parse_or(p, out)) != CRM_OK)
		return rc;
	if (p->tok != TOK_RPAREN)
		return query_syntax_error(p->err, col, _("'(' is not closed"));
	p->depth--;
	return lex_next(p);
}

/* Parses a term or a group, or not followed by either. */
static int parse_unary(struct parser *p, struct node **out)
{
	struct node *n = NULL;
	int rc;

	*out = NULL;
	if (p->tok == TOK_NOT) {
		if (++p->depth > QUERY_MAX_DEPTH)
			return query_syntax_error(p->err, p->col,
					    _("too deeply nested"));
		if ((rc = lex_next(p)) != CRM_OK)
			return rc;
		rc = parse_unary(p, &n);
		*out = node_new(N_NOT, n, NULL);
		p->depth--;
		return rc;
	}
	if (p->tok == TOK_LPAREN)
		return parse_group(p, out);
	if (p->tok != TOK_TERM)
		return missing_term(p);
	n = node_new(N_TERM, NULL, NULL);
	n->term = p->term;
	p->term = NULL;
	*out = p->neg ? node_new(N_NOT, n, NULL) : n;
	return lex_next(p);
}

/* True when n is an unquoted free-text word made only of what a phone
 * number is written with, holding a digit (or such words join_phone
 * joined, with spaces: "8 903 555 12 34" is one number). */
static bool is_phone_part(const struct node *n)
{
	const char *v;
	bool digit = false;

	if (n == NULL || n->kind != N_TERM || n->term->kind != T_TEXT ||
	    n->term->quoted)
		return false;
	for (v = n->term->value; *v != '\0'; v++) {
		if (*v >= '0' && *v <= '9')
			digit = true;
		else if (strchr("+()-./ ", *v) == NULL)
			return false;
	}
	return digit;
}

/*
 * A phone number typed with spaces ("495 123") is one fragment, not
 * words to find anywhere: when left and right are both parts of one
 * (and hold three digits or more together), right's text is appended to
 * left's and true returned.
 */
static bool join_phone(struct node *left, const struct node *right)
{
	char *joined, *digits;

	if (!is_phone_part(left) || !is_phone_part(right))
		return false;
	joined = crm_xmalloc(strlen(left->term->value) +
			     strlen(right->term->value) + 2);
	sprintf(joined, "%s %s", left->term->value, right->term->value);
	if ((digits = crm_phone_digits(joined)) == NULL) {
		free(joined);
		return false;
	}
	free(digits);
	free(left->term->value);
	left->term->value = joined;
	return true;
}

/* Parses terms joined by 'and' or by nothing. */
static int parse_and(struct parser *p, struct node **out)
{
	struct node *right, *last;
	bool written_and;
	int rc;

	if ((rc = parse_unary(p, out)) != CRM_OK)
		return rc;
	last = *out;
	for (;;) {
		written_and = p->tok == TOK_AND;
		if (written_and) {
			if ((rc = lex_next(p)) != CRM_OK)
				return rc;
		} else if (p->tok != TOK_TERM && p->tok != TOK_LPAREN &&
			   p->tok != TOK_NOT) {
			return CRM_OK;
		}
		rc = parse_unary(p, &right);
		if (rc == CRM_OK && !written_and && join_phone(last, right)) {
			node_free(right);
			continue;
		}
		*out = node_new(N_AND, *out, right);
		last = right;
		if (rc != CRM_OK)
			return rc;
	}
}

/* Parses and-expressions joined by 'or'. */
static int parse_or(struct parser *p, struct node **out)
{
	struct node *right;
	int rc;

	if ((rc = parse_and(p, out)) != CRM_OK)
		return rc;
	while (p->tok == TOK_OR) {
		if ((rc = lex_next(p)) != CRM_OK)
			return rc;
		rc = parse_and(p, &right);
		*out = node_new(N_OR, *out, right);
		if (rc != CRM_OK)
			return rc;
	}
	return CRM_OK;
}

/* Joins words with single spaces into a checked query string (caller owns). */
static int join_words(const char *const *words, size_t n, char **out,
		      struct crm_err *err)
{
	struct crm_buf b = {0};
	size_t i, len = 0;

	*out = NULL;
	for (i = 0; i < n; i++) {
		len += strlen(words[i]) + (i > 0);
		if (len > QUERY_MAX_LEN)
			return crm_seterr(err, CRM_EUSAGE,
					  _("query: longer than %d bytes"),
					  QUERY_MAX_LEN);
	}
	for (i = 0; i < n; i++) {
		if (i > 0)
			crm_buf_addc(&b, ' ');
		crm_buf_adds(&b, words[i]);
	}
	*out = crm_buf_detach(&b);
	if (!crm_utf8_valid(*out, strlen(*out))) {
		free(*out);
		*out = NULL;
		return crm_seterr(err, CRM_EUSAGE, _("query: invalid UTF-8"));
	}
	return CRM_OK;
}

/* Terms a query may hold: SQLite bounds the depth of an expression. */
#define CRM_QUERY_MAX_TERMS 200

/* The number of terms under n. */
static size_t count_terms(const struct node *n)
{
	if (n == NULL)
		return 0;
	if (n->kind == N_TERM)
		return 1;
	return count_terms(n->a) + count_terms(n->b);
}

int crm_query_parse(const char *const *words, size_t n, time_t now,
		    struct crm_query **out, struct crm_err *err)
{
	struct parser p = {0};
	struct node *root = NULL;
	char *s;
	int rc;

	*out = NULL;
	if ((rc = join_words(words, n, &s, err)) != CRM_OK)
		return rc;
	p.s = s;
	p.now = now;
	p.err = err;
	p.tok = TOK_END;
	if ((rc = lex_next(&p)) != CRM_OK)
		goto out;
	if (p.tok != TOK_END && (rc = parse_or(&p, &root)) != CRM_OK)
		goto out;
	if (p.tok != TOK_END) {
		rc = missing_term(&p);
		goto out;
	}
	if (count_terms(root) > CRM_QUERY_MAX_TERMS) {
		rc = crm_seterr(err, CRM_EUSAGE,
				_("query: more than %d terms"), CRM_QUERY_MAX_TERMS);
		goto out;
	}
	*out = crm_xcalloc(1, sizeof(**out));
	(*out)->root = root;
	root = NULL;
out:
	term_free(p.term);
	node_free(root);
	free(s);
	return rc;
}

void crm_query_free(struct crm_query *q)
{
	if (q == NULL)
		return;
	node_free(q->root);
	free(q);
}

bool crm_query_empty(const struct crm_query *q)
{
	return q == NULL || q->root == NULL;
}
