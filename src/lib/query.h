/*
 * query.h - what the two halves of the query language share: the syntax
 * tree crm_query_parse() makes (query.c, the parser, which needs no
 * store) and crm_query_sql() compiles (query-sql.c, the SQL compiler).
 */
#ifndef CRM_QUERY_H
#define CRM_QUERY_H

#include "crm.h"

/* The most fields a query knows (type, has, no, kind, at, and the
 * registry's by term and by name). */
#define QUERY_FIELDS_MAX (5 + 2 * CRM_FIELDS_MAX)

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

/*
 * Sets err to CRM_EUSAGE "query: column COL: MESSAGE", MESSAGE formatted
 * from fmt (already translated).  Returns CRM_EUSAGE.
 */
int query_syntax_error(struct crm_err *err, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefixes err's message with "query: column COL".  Returns its status. */
int query_column_prefix(struct crm_err *err, size_t col);
/* The number of code points of s. */
size_t query_utf8_length(const char *s);
/* The known field called name, or NULL. */
const struct qfield *query_find_qfield(const char *name);
/* Reads a decimal number "[+-]D[.D]" the same in every locale into *out;
 * false when s is none or has more digits than a double holds exactly. */
bool query_parse_number(const char *s, double *out);

#endif
