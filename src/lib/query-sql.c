/*
 * query-sql.c - the SQL compiler of the query language: crm_query_sql()
 * turns the tree crm_query_parse() made (query.c) into an SQL expression
 * over the index's records table, resolving references and custom
 * fields through the store.  User text only ever reaches SQL as a bound
 * parameter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

static const char *const op_sql[] = {"=", "=", "!=", "<", "<=", ">", ">="};


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
	if (query_utf8_length(fold) < 3) {
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
	yes = query_utf8_length(fold) >= 3;
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
			return query_syntax_error(c->err, t->vcol,
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
		return query_column_prefix(c->err, t->vcol);
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
	const struct qfield *f = query_find_qfield(name);

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
	const char *names[QUERY_FIELDS_MAX];
	const char *hint;
	size_t i;

	for (i = 0; crm_query_field(i); i++)
		names[i] = crm_query_field(i);
	hint = crm_suggest(t->key, names, i);
	if (hint != NULL)
		return query_syntax_error(c->err, t->col,
				    _("unknown field '%s' (did you mean "
				      "'%s'?)"), t->key, hint);
	return query_syntax_error(c->err, t->col, _("unknown field '%s'"), t->key);
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
		return query_syntax_error(c->err, t->vcol, _("'%s' is not a date"),
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
	if (t->op >= OP_LT && !query_parse_number(t->value, &num))
		return query_syntax_error(c->err, t->vcol, _("'%s' is not a number"),
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
