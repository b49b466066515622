/*
 * query.c - the query language of crm-query(7).  crm_query_parse() turns
 * the words of a query into a tree of terms joined by and, or and not,
 * checking everything that needs no store (syntax, numbers, dates,
 * regular expressions); crm_query_sql() compiles the tree into an SQL
 * expression over the index's records table, resolving references and
 * custom fields through the store.  User text only ever reaches SQL as a
 * bound parameter.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include "crm.h"

#define QUERY_MAX_LEN 4096   /* bytes in the joined query */
#define QUERY_MAX_DEPTH 64   /* nested parentheses and nots */
#define NUMBER_MAX_DIGITS 15 /* exact in a double */

/* Operators between a field and its value.  Values of text fields are
 * compared with case folded, as free text is (role:Buyer finds "buyer"). */
enum op { OP_COLON, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

/* How a known field is queried. */
enum fkind {
	F_TYPE,     /* the record type */
	F_EXACT,    /* a text column compared exactly */
	F_TAG,      /* one of the tags */
	F_NAME,     /* the folded name */
	F_EMAIL,    /* one of the e-mail addresses */
	F_PHONE,    /* one of the phone numbers, by digits */
	F_TEXT,     /* a free-form field of the fields table */
	F_ID,       /* an id prefix */
	F_REF,      /* a reference to another record */
	F_AMOUNT,   /* a number */
	F_DATE,     /* a Unix time column */
	F_BIRTHDAY, /* a YYYY-MM-DD text column */
	F_HAS,      /* has:FIELD */
	F_NO,       /* no:FIELD */
	F_ENTRY_KIND, /* kind: the kind of one of its timeline entries */
	F_ENTRY_AT, /* at: the time of one of its timeline entries */
};

/* Which operators a field accepts (sets of bits of enum op). */
#define OPS_EQ ((1u << OP_COLON) | (1u << OP_EQ))
#define OPS_EQNE (OPS_EQ | (1u << OP_NE))
#define OPS_ALL 0x7fu

struct qfield {
	const char *name;
	enum fkind kind;
	unsigned ops;      /* bits of enum op */
	const char *col;   /* its records column (F_EXACT, F_REF, F_DATE...) */
	const char *has;   /* the column has:NAME tests, or NULL */
	unsigned mask;     /* F_REF: the types it may name */
	bool facet;        /* equality is answered by the facet index */
};

/* The fields a query knows: its own (type, has, no), then those of the
 * registry by term and by name; every other name is a custom field.
 * Made once, from the registry. */
static struct qfield qfields[5 + 2 * CRM_FIELDS_MAX];
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
	case CRM_FIELD_CHOICE:
		q->kind = f->column ? F_EXACT : F_TEXT;
		q->ops = f->column ? OPS_EQNE : OPS_EQ;
		return true;
	case CRM_FIELD_TAGS: q->kind = F_TAG; q->ops = OPS_EQNE; break;
	case CRM_FIELD_EMAILS: q->kind = F_EMAIL; q->ops = OPS_EQ; break;
	case CRM_FIELD_PHONES: q->kind = F_PHONE; q->ops = OPS_EQ; break;
	case CRM_FIELD_AMOUNT: case CRM_FIELD_PERCENT: q->kind = F_AMOUNT;
		q->ops = OPS_ALL; return true;
	case CRM_FIELD_REFS: q->kind = F_TAG; q->ops = OPS_EQNE; break;
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
static const char *const op_sql[] = {"=", "=", "!=", "<", "<=", ">", ">="};

enum term_kind { T_TEXT, T_REGEX, T_FIELD };

/* One term, as parsed. */
struct term {
	enum term_kind kind;
	size_t col;                 /* column of the term (its field name) */
	size_t vcol;                /* column of its value */
	char *key;                  /* T_FIELD: the field name as typed */
	const struct qfield *field; /* T_FIELD: NULL for a custom field */
	enum op op;
	char *value;                /* word, phrase, pattern or value */
	bool quoted;                /* T_TEXT: written as a "phrase" */
	bool is_date;               /* custom field: the value reads as a date,
				       in date */
	enum crm_type type;         /* F_TYPE */
	double num;                 /* F_AMOUNT */
	struct crm_date date;       /* F_DATE, F_BIRTHDAY */
	time_t next;                /* F_DATE: start of the day after a day */
	char id[CRM_ID_LEN + 1];    /* F_ID: the normalised prefix */
	struct crm_regex *re;       /* T_REGEX: compiled to check it */
};

enum node_kind { N_TERM, N_AND, N_OR, N_NOT };

struct node {
	enum node_kind kind;
	struct node *a, *b;         /* operands: a for N_NOT, both for and/or */
	struct term *term;          /* N_TERM */
};

struct crm_query {
	struct node *root;          /* NULL: no terms */
};

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
static int __attribute__((format(printf, 3, 4)))
syntax_error(struct crm_err *err, size_t col, const char *fmt, ...)
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
static int column_prefix(struct crm_err *err, size_t col)
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
static size_t utf8_length(const char *s)
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
static const struct qfield *find_qfield(const char *name)
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
static bool parse_number(const char *s, double *out)
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
			return syntax_error(p->err, column_of(s, start),
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
		return syntax_error(p->err, column_of(s, p->pos),
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
			return syntax_error(p->err, column_of(s, start),
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
		return syntax_error(p->err, t->col,
				    _("empty regular expression"));
	if (!is_delim(s[p->pos]))
		return syntax_error(p->err, column_of(s, p->pos),
				    _("unexpected text after a regular "
				      "expression"));
	if (crm_regex_compile(t->value, &t->re, p->err) != CRM_OK)
		return column_prefix(p->err, t->vcol);
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
		return column_prefix(p->err, t->vcol);
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
		return column_prefix(p->err, t->vcol);
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
		return syntax_error(p->err, t->vcol,
				    _("unknown kind of timeline entry '%s' "
				      "(did you mean '%s'?)"), t->value, hint);
	return syntax_error(p->err, t->vcol,
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
		return syntax_error(p->err, t->vcol,
				    _("unknown type '%s' (did you mean "
				      "'%s'?)"), t->value, hint);
	return syntax_error(p->err, t->vcol,
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
		return syntax_error(p->err, t->col,
				    _("operator '%s' does not apply to '%s'"),
				    op_names[t->op], t->key);
	switch (f->kind) {
	case F_TYPE:
		return check_type(p, t);
	case F_ID:
		if (!crm_id_normalize_prefix(t->value, t->id))
			return syntax_error(p->err, t->vcol,
					    _("'%s' is not an id prefix"),
					    t->value);
		return CRM_OK;
	case F_PHONE:
		digits = crm_phone_digits(t->value);
		if (digits == NULL)
			return syntax_error(p->err, t->vcol,
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
			return syntax_error(p->err, t->col, _("empty phrase"));
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
			return syntax_error(p->err, t->col,
					    _("no value after '%s%s'"),
					    t->key, op_names[t->op]);
		t->field = find_qfield(t->key);
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
			return syntax_error(p->err, p->col,
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
		return syntax_error(p->err, p->prev_col,
				    _("'%.*s' needs a term after it"),
				    word_len(p->prev_word), p->prev_word);
	if (p->tok == TOK_AND || p->tok == TOK_OR)
		return syntax_error(p->err, p->col,
				    _("'%.*s' needs a term before it"),
				    word_len(p->word), p->word);
	if (p->tok == TOK_RPAREN)
		return syntax_error(p->err, p->col,
				    _("')' without a matching '('"));
	return syntax_error(p->err, p->col, _("a term is missing"));
}

static int parse_or(struct parser *p, struct node **out);

/* Parses "( or-expression )" at the current '(' token. */
static int parse_group(struct parser *p, struct node **out)
{
	size_t col = p->col;
	int rc;

	if (++p->depth > QUERY_MAX_DEPTH)
		return syntax_error(p->err, col, _("too deeply nested"));
	if ((rc = lex_next(p)) != CRM_OK)
		return rc;
	if (p->tok == TOK_RPAREN)
		return syntax_error(p->err, col, _("empty parentheses"));
	if (p->tok == TOK_END)
		return syntax_error(p->err, col, _("'(' is not closed"));
	if ((rc = parse_or(p, out)) != CRM_OK)
		return rc;
	if (p->tok != TOK_RPAREN)
		return syntax_error(p->err, col, _("'(' is not closed"));
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
			return syntax_error(p->err, p->col,
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

/* ---- compiling to SQL ---- */

struct compiler {
	const struct crm_query_env *env;
	struct crm_sql *out;
	struct crm_buf *w;          /* out->where */
	struct crm_err *err;
};

/* Adds a parameter; returns its number (1-based). */
static size_t add_param(struct crm_sql *out, bool is_num, char *text,
			double num)
{
	struct crm_sql_param *prm;

	if (out->nparams == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 8;
		out->params = crm_xrealloc(out->params,
					   out->cap * sizeof(*out->params));
	}
	prm = &out->params[out->nparams++];
	prm->is_num = is_num;
	prm->text = text;
	prm->num = num;
	return out->nparams;
}

/* Adds a copy of text as a parameter; returns its number. */
static size_t add_text(struct compiler *c, const char *text)
{
	return add_param(c->out, false, crm_xstrdup(text), 0);
}

/* Adds text as a parameter, taking it; returns its number. */
static size_t take_text(struct compiler *c, char *text)
{
	return add_param(c->out, false, text, 0);
}

/* Adds a number parameter; returns its number. */
static size_t add_num(struct compiler *c, double num)
{
	return add_param(c->out, true, NULL, num);
}

/* Appends s as an FTS5 string literal ("..." with '"' doubled) to b. */
static void fts_literal(struct crm_buf *b, const char *s)
{
	crm_buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			crm_buf_addc(b, '"');
		crm_buf_addc(b, *s);
	}
	crm_buf_addc(b, '"');
}

/* Adds "\nS\n" as a parameter, to find S as a whole line; returns its
 * number. */
static size_t add_line(struct compiler *c, const char *s)
{
	struct crm_buf b = {0};

	crm_buf_addc(&b, '\n');
	crm_buf_adds(&b, s);
	crm_buf_addc(&b, '\n');
	return take_text(c, crm_buf_detach(&b));
}

/* Appends to lit the FTS5 query of the fts table for the text of t
 * folded as fold (three characters or more): the folded text, or its
 * phone digits when it looks like a phone. */
static void text_match(const struct term *t, const char *fold,
		       struct crm_buf *lit)
{
	char *digits = crm_phone_digits(t->value);

	fts_literal(lit, fold);
	if (digits != NULL && strcmp(digits, fold) != 0) {
		crm_buf_adds(lit, " OR ");
		fts_literal(lit, digits);
	}
	free(digits);
}

/*
 * A free-text word or phrase: a substring of the folded text through the
 * trigram index (or of its phone digits, when it looks like a phone, or
 * the key of a number it may be: crm_phone_query_keys), or a scan for
 * terms under three characters.  The folded word is kept for
 * highlighting unless it is negated.
 */
static int compile_text(struct compiler *c, const struct term *t, bool neg)
{
	struct crm_sql *out = c->out;
	char *fold = crm_fold(t->value);
	struct crm_buf lit = {0};
	int rc;

	if (!neg) {
		out->words = crm_xrealloc(out->words, (out->nwords + 1) *
					  sizeof(*out->words));
		out->words[out->nwords++] = crm_xstrdup(fold);
	}
	if (utf8_length(fold) < 3) {
		crm_buf_addf(c->w, "instr(fold(" CRM_TEXT_OF_R "), ?%zu) > 0",
			     take_text(c, fold));
		return CRM_OK;
	}
	text_match(t, fold, &lit);
	free(fold);
	rc = crm_phone_query_keys(t->value, c->env->region, &lit, c->err);
	crm_buf_addf(c->w, "r.rid IN (SELECT rowid FROM fts WHERE fts MATCH "
		     "?%zu)", take_text(c, crm_buf_detach(&lit)));
	return rc;
}

/* Number of ASCII digits in s. */
static size_t count_digits(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s >= '0' && *s <= '9';
	return n;
}

/* True when n is a free-text term the trigram index answers alone: not a
 * number that may be a phone, whose other forms compile_text adds. */
static bool is_fts_term(const struct node *n)
{
	char *fold;
	bool yes;

	if (n->kind != N_TERM || n->term->kind != T_TEXT ||
	    count_digits(n->term->value) >= CRM_PHONE_QUERY_DIGITS)
		return false;
	fold = crm_fold(n->term->value);
	yes = utf8_length(fold) >= 3;
	free(fold);
	return yes;
}

/* Appends the FTS5 queries of the terms of the AND n (is_fts_term
 * checked) to all and names, after " AND " when they hold some. */
static void fts_and(const struct node *n, struct crm_buf *all,
		    struct crm_buf *names)
{
	char *fold;

	if (n->kind == N_AND) {
		fts_and(n->a, all, names);
		fts_and(n->b, all, names);
		return;
	}
	fold = crm_fold(n->term->value);
	crm_buf_adds(all, all->len ? " AND (" : "(");
	text_match(n->term, fold, all);
	crm_buf_addc(all, ')');
	if (names->len)
		crm_buf_adds(names, " AND ");
	fts_literal(names, fold);
	free(fold);
}

/* True when every operand of the ANDs under n is an FTS term. */
static bool all_fts(const struct node *n)
{
	if (n->kind == N_AND)
		return all_fts(n->a) && all_fts(n->b);
	return is_fts_term(n);
}

bool crm_query_fts(const struct crm_query *q, struct crm_buf *all,
		   struct crm_buf *names)
{
	if (crm_query_empty(q) || !all_fts(q->root))
		return false;
	fts_and(q->root, all, names);
	return true;
}

/* col = value, or col != value counting NULL as different. */
static void compile_exact(struct compiler *c, const char *col, enum op op,
			  const char *value)
{
	size_t i = add_text(c, value);

	if (op == OP_NE)
		crm_buf_addf(c->w, "(r.%s IS NULL OR fold(r.%s) != fold(?%zu))",
			     col, col, i);
	else
		crm_buf_addf(c->w, "fold(r.%s) = fold(?%zu)", col, i);
}

/* name:TEXT contains, name=TEXT equals, both folded. */
static void compile_name(struct compiler *c, const struct term *t)
{
	size_t i = take_text(c, crm_fold(t->value));

	if (t->op == OP_EQ)
		crm_buf_addf(c->w, "r.name_fold = ?%zu", i);
	else
		crm_buf_addf(c->w, "instr(r.name_fold, ?%zu) > 0", i);
}

/* email:TEXT: one address contains TEXT; email=TEXT: one equals it. */
static void compile_email(struct compiler *c, const struct term *t)
{
	char *fold = crm_fold(t->value);

	if (t->op == OP_EQ)
		crm_buf_addf(c->w, "instr(char(10) || fold(r.emails) || "
			     "char(10), ?%zu) > 0", add_line(c, fold));
	else
		crm_buf_addf(c->w, "instr(fold(r.emails), ?%zu) > 0",
			     add_text(c, fold));
	free(fold);
}

/* phone:TEXT: one number's digits contain TEXT's; '=': they are equal;
 * either way, or it is a number TEXT may be (crm_phone_query_keys). */
static int compile_phone(struct compiler *c, const struct term *t)
{
	char *digits = crm_phone_digits(t->value);
	struct crm_buf keys = {0};
	bool has_keys;
	int rc;

	rc = crm_phone_query_keys(t->value, c->env->region, &keys, c->err);
	has_keys = keys.len > 0;
	if (has_keys)
		crm_buf_addf(c->w, "(r.rid IN (SELECT rowid FROM fts WHERE fts "
			     "MATCH ?%zu) OR ",
			     take_text(c, crm_buf_detach(&keys)));
	if (t->op == OP_EQ)
		crm_buf_addf(c->w, "instr(char(10) || digits(r.phones) || "
			     "char(10), ?%zu) > 0", add_line(c, digits));
	else
		crm_buf_addf(c->w, "instr(digits(r.phones), ?%zu) > 0",
			     add_text(c, digits));
	if (has_keys)
		crm_buf_addc(c->w, ')');
	crm_buf_free(&keys);
	free(digits);
	return rc;
}

/* website:, address:: a field of the fields table contains (or equals)
 * the text, folded. */
static void compile_text_field(struct compiler *c, const struct term *t)
{
	size_t k = add_text(c, t->field->name);
	size_t v = take_text(c, crm_fold(t->value));

	crm_buf_addf(c->w, "EXISTS (SELECT 1 FROM fields f WHERE f.key = ?%zu "
		     "AND f.rid = r.rid AND ", k);
	if (t->op == OP_EQ)
		crm_buf_addf(c->w, "fold(f.value) = ?%zu)", v);
	else
		crm_buf_addf(c->w, "instr(fold(f.value), ?%zu) > 0)", v);
}

/* id:PREFIX: the ids in [PREFIX, PREFIX with its last symbol + 1). */
static void compile_id(struct compiler *c, const struct term *t)
{
	char hi[CRM_ID_LEN + 1];
	size_t len = strlen(t->id);

	memcpy(hi, t->id, len + 1);
	hi[len - 1]++;
	crm_buf_addf(c->w, "(r.id >= ?%zu AND r.id < ?%zu)",
		     add_text(c, t->id), add_text(c, hi));
}

/* The id the reference of t names, into id. */
static int resolve_ref(struct compiler *c, const struct term *t,
		       char id[CRM_ID_LEN + 1])
{
	int rc;

	if (c->env == NULL || c->env->resolve == NULL) {
		if (!crm_id_valid(t->value))
			return syntax_error(c->err, t->vcol,
					    _("cannot resolve '%s' here"),
					    t->value);
		memcpy(id, t->value, CRM_ID_LEN + 1);
		return CRM_OK;
	}
	rc = c->env->resolve(t->value, t->field->mask, id, c->env->data,
			     c->err);
	if (rc != CRM_OK) {
		if (c->err != NULL)
			c->err->status = rc;
		return column_prefix(c->err, t->vcol);
	}
	return CRM_OK;
}

/* company:REF and the like: the reference resolved through the store. */
static int compile_ref(struct compiler *c, const struct term *t)
{
	char id[CRM_ID_LEN + 1];
	int rc;

	if ((rc = resolve_ref(c, t, id)) != CRM_OK)
		return rc;
	compile_exact(c, t->field->col, t->op, id);
	return CRM_OK;
}

/* amount OP N; ':' is '=', '!=' counts a missing amount as different. */
static void compile_amount(struct compiler *c, const struct term *t)
{
	size_t i = add_num(c, t->num);

	if (t->op == OP_NE)
		crm_buf_addf(c->w, "(r.amount IS NULL OR r.amount != ?%zu)", i);
	else
		crm_buf_addf(c->w, "r.amount %s ?%zu", op_sql[t->op], i);
}

/*
 * The date column col (qualified: "r.due_at") against a date: a whole
 * day D is the interval [start of D, start of D+1), a moment is
 * compared as it is.
 */
static void compile_date_col(struct compiler *c, const char *col,
			     const struct term *t)
{
	double lo = (double)t->date.when, hi = (double)t->next;

	if (t->date.has_time && t->op == OP_NE) {
		crm_buf_addf(c->w, "(%s IS NULL OR %s != ?%zu)", col, col,
			     add_num(c, lo));
		return;
	}
	if (t->date.has_time) {
		crm_buf_addf(c->w, "%s %s ?%zu", col, op_sql[t->op],
			     add_num(c, lo));
		return;
	}
	switch (t->op) {
	case OP_LT:
		crm_buf_addf(c->w, "%s < ?%zu", col, add_num(c, lo));
		break;
	case OP_LE:
		crm_buf_addf(c->w, "%s < ?%zu", col, add_num(c, hi));
		break;
	case OP_GT:
		crm_buf_addf(c->w, "%s >= ?%zu", col, add_num(c, hi));
		break;
	case OP_GE:
		crm_buf_addf(c->w, "%s >= ?%zu", col, add_num(c, lo));
		break;
	case OP_NE:
		crm_buf_addf(c->w, "(%s IS NULL OR %s < ?%zu OR %s >= "
			     "?%zu)", col, col, add_num(c, lo), col,
			     add_num(c, hi));
		break;
	default:
		crm_buf_addf(c->w, "(%s >= ?%zu AND %s < ?%zu)", col,
			     add_num(c, lo), col, add_num(c, hi));
		break;
	}
}

/* A date field of the records table against a date. */
static void compile_date(struct compiler *c, const struct term *t)
{
	char col[64];

	snprintf(col, sizeof(col), "r.%s", t->field->col);
	compile_date_col(c, col, t);
}

/* kind:K, the records with a timeline entry of kind K; kind!=K, those
 * with none. */
static void compile_entry_kind(struct compiler *c, const struct term *t)
{
	crm_buf_addf(c->w, "r.rid %sIN (SELECT e.rid FROM entries e WHERE"
		     " e.kind = ?%zu)", t->op == OP_NE ? "NOT " : "",
		     add_text(c, t->value));
}

/* at OP D, the records with a timeline entry whose time is OP D. */
static void compile_entry_at(struct compiler *c, const struct term *t)
{
	crm_buf_adds(c->w, "r.rid IN (SELECT e.rid FROM entries e WHERE ");
	compile_date_col(c, "e.at", t);
	crm_buf_addc(c->w, ')');
}

/* birthday OP D: the text column against the day "YYYY-MM-DD" of D. */
static void compile_birthday(struct compiler *c, const struct term *t)
{
	struct crm_date day = { .when = t->date.when, .has_time = false };
	char buf[32];

	crm_date_format(&day, buf, sizeof(buf));
	if (t->op == OP_NE)
		compile_exact(c, "birthday", OP_NE, buf);
	else
		crm_buf_addf(c->w, "r.birthday %s ?%zu", op_sql[t->op],
			     add_text(c, buf));
}

/*
 * has:NAME: the record has a task or a deal, a non-empty known column,
 * or else a custom field called NAME.  no:NAME is its negation.
 */
static void compile_has(struct compiler *c, const struct term *t)
{
	const char *name = t->value;
	const struct qfield *f = find_qfield(name);

	if (t->field->kind == F_NO)
		crm_buf_adds(c->w, "NOT coalesce(");
	if (strcmp(name, "task") == 0 || strcmp(name, "tasks") == 0)
		crm_buf_addf(c->w, "EXISTS (SELECT 1 FROM records k WHERE "
			     "k.type = %d AND k.broken IS NULL AND "
			     "k.for_id = r.id)", CRM_TASK);
	else if (strcmp(name, "deal") == 0 || strcmp(name, "deals") == 0)
		crm_buf_addf(c->w, "EXISTS (SELECT 1 FROM records k WHERE "
			     "k.type = %d AND k.broken IS NULL AND "
			     "(k.company = r.id OR k.contact = r.id))",
			     CRM_DEAL);
	else if (f != NULL && f->has != NULL)
		crm_buf_addf(c->w, "(r.%s IS NOT NULL AND r.%s != '')", f->has,
			     f->has);
	else
		crm_buf_addf(c->w, "EXISTS (SELECT 1 FROM fields f WHERE "
			     "f.key = ?%zu AND f.rid = r.rid)",
			     add_text(c, name));
	if (t->field->kind == F_NO)
		crm_buf_adds(c->w, ", 0)");
}

/* The error for a field that is neither known nor in the store. */
static int unknown_field(struct compiler *c, const struct term *t)
{
	const char *names[sizeof(qfields) / sizeof(qfields[0])];
	const char *hint;
	size_t i;

	for (i = 0; crm_query_field(i); i++)
		names[i] = qfields[i].name;
	hint = crm_suggest(t->key, names, i);
	if (hint != NULL)
		return syntax_error(c->err, t->col,
				    _("unknown field '%s' (did you mean "
				      "'%s'?)"), t->key, hint);
	return syntax_error(c->err, t->col, _("unknown field '%s'"), t->key);
}

/* True when key is a custom field crm.yaml declares as a date for one of
 * the types searched. */
static bool custom_is_date(const struct crm_query_env *env, const char *key)
{
	const struct crm_custom_field *f;
	int t;

	for (t = 0; env->cfg && t < CRM_NTYPES; t++) {
		if (env->types && !(env->types & CRM_TYPE_BIT(t)))
			continue;
		f = crm_config_field(env->cfg, t, key);
		if (f && f->kind == CRM_CF_DATE)
			return true;
	}
	return false;
}

/* KEY OP DATE on a custom date field: its day ("YYYY-MM-DD", the start
 * of the stored text) compared with DATE's. */
static int compile_custom_date(struct compiler *c, const struct term *t)
{
	struct crm_date day = { .when = t->date.when, .has_time = false };
	char buf[32];

	if (!t->is_date)
		return syntax_error(c->err, t->vcol, _("'%s' is not a date"),
				    t->value);
	crm_date_format(&day, buf, sizeof(buf));
	crm_buf_addf(c->w, "%sEXISTS (SELECT 1 FROM fields f WHERE f.key = "
		     "?%zu AND f.rid = r.rid AND substr(f.value, 1, 10) %s ?%zu)",
		     t->op == OP_NE ? "NOT " : "", add_text(c, t->key),
		     op_sql[t->op == OP_NE || t->op == OP_COLON ? OP_EQ : t->op],
		     add_text(c, buf));
	return CRM_OK;
}

/*
 * KEY OP VALUE on a custom field: the text equal (or, with '!=', no such
 * field equal), or its number compared; a field crm.yaml declares as a
 * date is compared as a date.
 */
static int compile_custom(struct compiler *c, const struct term *t)
{
	const struct crm_query_env *env = c->env;
	size_t k;
	double num = 0;

	if (env == NULL || env->has_custom_field == NULL ||
	    !env->has_custom_field(t->key, env->data))
		return unknown_field(c, t);
	if (custom_is_date(env, t->key))
		return compile_custom_date(c, t);
	if (t->op >= OP_LT && !parse_number(t->value, &num))
		return syntax_error(c->err, t->vcol, _("'%s' is not a number"),
				    t->value);
	k = add_text(c, t->key);
	crm_buf_addf(c->w, "%sEXISTS (SELECT 1 FROM fields f WHERE f.key = "
		     "?%zu AND f.rid = r.rid AND ",
		     t->op == OP_NE ? "NOT " : "", k);
	if (t->op >= OP_LT)
		crm_buf_addf(c->w, "CAST(f.value AS REAL) %s ?%zu)",
			     op_sql[t->op], add_num(c, num));
	else
		crm_buf_addf(c->w, "f.value = ?%zu)", add_text(c, t->value));
	return CRM_OK;
}

/* True when term t is answered by the facet index: a field queried by
 * equality (stage, owner, tag, company...; the type only together with
 * one of those, see compile_chain). */
static bool is_facet_term(const struct term *t)
{
	if (t->kind != T_FIELD || t->field == NULL ||
	    (t->op != OP_COLON && t->op != OP_EQ))
		return false;
	return t->field->facet;
}

/* True when n is a facet term other than a type. */
static bool is_facet(const struct node *n)
{
	return n->kind == N_TERM && is_facet_term(n->term) &&
	       n->term->field->kind != F_TYPE;
}

/* True when n is a type term (type:deal). */
static bool is_type(const struct node *n)
{
	return n->kind == N_TERM && is_facet_term(n->term) &&
	       n->term->field->kind == F_TYPE;
}

/* Appends the facet word of term t (is_facet_term) to words, after an
 * AND when words has some. */
static int facet_word(struct compiler *c, const struct term *t,
		      struct crm_buf *words)
{
	char value[CRM_ID_LEN + 16];
	int rc;

	if (words->len)
		crm_buf_adds(words, " AND");
	switch (t->field->kind) {
	case F_TYPE:
		snprintf(value, sizeof(value), "%d", (int)t->type);
		crm_facet_word(words, "type", value);
		return CRM_OK;
	case F_TAG:
		crm_facet_word(words, t->field->has, t->value);
		return CRM_OK;
	case F_REF:
		if ((rc = resolve_ref(c, t, value)) != CRM_OK)
			return rc;
		crm_facet_word(words, t->field->col, value);
		return CRM_OK;
	default:
		crm_facet_word(words, t->field->col, t->value);
		return CRM_OK;
	}
}

/* The records that have every facet word of words. */
static void compile_facet_words(struct compiler *c, const char *words)
{
	crm_buf_addf(c->w, "r.rid IN (SELECT rowid FROM facets WHERE "
		     "facets MATCH ?%zu)", add_text(c, words));
}

/* The records that have the facet word of term t (a type, exact, tag or
 * reference term), whatever its operator. */
static int compile_facet(struct compiler *c, const struct term *t)
{
	struct crm_buf words = {0};
	int rc = facet_word(c, t, &words);

	if (rc == CRM_OK)
		compile_facet_words(c, words.s);
	crm_buf_free(&words);
	return rc;
}

/* A field term. */
static int compile_field(struct compiler *c, const struct term *t)
{
	if (t->field == NULL)
		return compile_custom(c, t);
	switch (t->field->kind) {
	case F_TYPE:
		crm_buf_addf(c->w, "r.type %s %d", op_sql[t->op], (int)t->type);
		return CRM_OK;
	case F_EXACT:
		if (t->op != OP_NE)
			return compile_facet(c, t);
		compile_exact(c, t->field->col, t->op, t->value);
		return CRM_OK;
	case F_TAG:
		/* tag!=T: none of the tags is T */
		if (t->op == OP_NE)
			crm_buf_adds(c->w, "NOT ");
		return compile_facet(c, t);
	case F_NAME:
		compile_name(c, t);
		return CRM_OK;
	case F_EMAIL:
		compile_email(c, t);
		return CRM_OK;
	case F_PHONE:
		return compile_phone(c, t);
	case F_TEXT:
		compile_text_field(c, t);
		return CRM_OK;
	case F_ID:
		compile_id(c, t);
		return CRM_OK;
	case F_REF:
		if (t->op != OP_NE)
			return compile_facet(c, t);
		return compile_ref(c, t);
	case F_AMOUNT:
		compile_amount(c, t);
		return CRM_OK;
	case F_DATE:
		compile_date(c, t);
		return CRM_OK;
	case F_BIRTHDAY:
		compile_birthday(c, t);
		return CRM_OK;
	case F_HAS:
	case F_NO:
		compile_has(c, t);
		return CRM_OK;
	case F_ENTRY_KIND:
		compile_entry_kind(c, t);
		return CRM_OK;
	case F_ENTRY_AT:
		compile_entry_at(c, t);
		return CRM_OK;
	}
	return CRM_OK;
}

/* A term; neg tells whether it sits under a not. */
static int compile_term(struct compiler *c, const struct term *t, bool neg)
{
	switch (t->kind) {
	case T_TEXT:
		return compile_text(c, t, neg);
	case T_REGEX:
		crm_buf_addf(c->w, "regexp(?%zu, " CRM_TEXT_OF_R ")",
			     add_text(c, t->value));
		return CRM_OK;
	case T_FIELD:
		return compile_field(c, t);
	}
	return CRM_OK;
}

/*
 * A subtree.  A not is "NOT coalesce(X, 0)" so that a term that is NULL
 * on a record (a missing column) counts as false and its negation as true.
 */
static int compile_chain(struct compiler *c, const struct node *n,
			 enum node_kind kind, bool neg, int type);

static int compile_node(struct compiler *c, const struct node *n, bool neg);

/*
 * A run of nots, compiled flat: an even number of them is
 * "coalesce(X, 0)", an odd one "NOT coalesce(X, 0)" (the same truth as
 * the nested form for true, false and NULL), so that 64 nested nots do
 * not overflow SQLite's parser stack.
 */
static int compile_nots(struct compiler *c, const struct node *n, bool neg)
{
	bool odd = false;
	int rc;

	for (; n->kind == N_NOT; n = n->a) {
		odd = !odd;
		neg = !neg;
	}
	crm_buf_adds(c->w, odd ? "NOT coalesce(" : "coalesce(");
	if ((rc = compile_node(c, n, neg)) != CRM_OK)
		return rc;
	crm_buf_adds(c->w, ", 0)");
	return CRM_OK;
}

static int compile_node(struct compiler *c, const struct node *n, bool neg)
{
	int rc;

	switch (n->kind) {
	case N_TERM:
		return compile_term(c, n->term, neg);
	case N_NOT:
		return compile_nots(c, n, neg);
	case N_AND:
	case N_OR:
		crm_buf_addc(c->w, '(');
		if ((rc = compile_chain(c, n, n->kind, neg, -1)) != CRM_OK)
			return rc;
		crm_buf_addc(c->w, ')');
		return CRM_OK;
	}
	return CRM_OK;
}

/* The operands of a run of ANDs (or ORs), left to right, into *out. */
static void chain_operands(const struct node *n, enum node_kind kind,
			   const struct node ***out, size_t *len)
{
	if (n->kind != kind) {
		*out = crm_xrealloc(*out, (*len + 1) * sizeof(**out));
		(*out)[(*len)++] = n;
		return;
	}
	chain_operands(n->a, kind, out, len);
	chain_operands(n->b, kind, out, len);
}

/*
 * The facet terms of the operands of an AND as one search of the facet
 * index, which merges their lists of records, into words; type (-1:
 * none) is a type they join.  Types join only when some other facet
 * term is there: on its own a type is a filter on rows read anyway.
 * Sets *used when the words are to be used.
 */
static int facet_group(struct compiler *c, const struct node **ops,
		       size_t len, int type, struct crm_buf *words,
		       bool *used)
{
	char value[16];
	size_t i;
	int rc = CRM_OK;

	*used = false;
	for (i = 0; i < len && !*used; i++)
		*used = is_facet(ops[i]);
	if (!*used)
		return CRM_OK;
	if (type >= 0) {
		snprintf(value, sizeof(value), "%d", type);
		crm_facet_word(words, "type", value);
	}
	for (i = 0; i < len && rc == CRM_OK; i++)
		if (is_facet(ops[i]) || is_type(ops[i]))
			rc = facet_word(c, ops[i]->term, words);
	return rc;
}

/*
 * Compiles a run of ANDs (or ORs) as one flat list, so that a long query
 * does not nest parentheses as deep as it has terms.  The facet terms
 * under an AND become one search of the facet index (facet_group); type
 * is the record type searched, or -1.
 */
static int compile_chain(struct compiler *c, const struct node *n,
			 enum node_kind kind, bool neg, int type)
{
	const struct node **ops = NULL;
	struct crm_buf words = {0};
	size_t i, len = 0;
	bool grouped = false, first = true;
	int rc = CRM_OK;

	chain_operands(n, kind, &ops, &len);
	if (kind == N_AND)
		rc = facet_group(c, ops, len, type, &words, &grouped);
	if (grouped && rc == CRM_OK) {
		compile_facet_words(c, words.s);
		first = false;
	}
	for (i = 0; i < len && rc == CRM_OK; i++) {
		if (grouped && (is_facet(ops[i]) || is_type(ops[i])))
			continue;
		if (!first)
			crm_buf_adds(c->w, kind == N_AND ? " AND " : " OR ");
		first = false;
		rc = compile_node(c, ops[i], neg);
	}
	crm_buf_free(&words);
	free(ops);
	return rc;
}

/* The one type in mask, or -1 when it has none or several. */
static int only_type(unsigned mask)
{
	int t, found = -1;

	for (t = 0; t < CRM_NTYPES; t++) {
		if (!(mask & CRM_TYPE_BIT(t)))
			continue;
		if (found >= 0)
			return -1;
		found = t;
	}
	return found;
}

/* The whole query: its top AND (or its one term) with the one type
 * searched, when there is one, joining its facet terms. */
static int compile_root(struct compiler *c, const struct node *root)
{
	int type = c->env ? only_type(c->env->types) : -1;
	int rc;

	if (root->kind != N_AND && !is_facet(root))
		return compile_node(c, root, false);
	crm_buf_addc(c->w, '(');
	rc = compile_chain(c, root, N_AND, false, type);
	crm_buf_addc(c->w, ')');
	return rc;
}

int crm_query_sql(const struct crm_query *q, const struct crm_query_env *env,
		  struct crm_sql *out, struct crm_err *err)
{
	struct compiler c = { env, out, &out->where, err };
	int rc;

	memset(out, 0, sizeof(*out));
	crm_buf_adds(&out->where, "r.broken IS NULL");
	if (crm_query_empty(q))
		return CRM_OK;
	crm_buf_adds(&out->where, " AND ");
	rc = compile_root(&c, q->root);
	if (rc != CRM_OK)
		crm_sql_free(out);
	return rc;
}

void crm_sql_free(struct crm_sql *sql)
{
	size_t i;

	crm_buf_free(&sql->where);
	for (i = 0; i < sql->nparams; i++)
		free(sql->params[i].text);
	free(sql->params);
	for (i = 0; i < sql->nwords; i++)
		free(sql->words[i]);
	free(sql->words);
	memset(sql, 0, sizeof(*sql));
}
