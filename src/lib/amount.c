/*
 * amount.c - amounts of money as people write them and as records store
 * them, and currency codes.
 *
 * The stored form is an exact decimal, "350000.50": digits, optionally a
 * point and digits, never a sign, a group separator or an exponent, so
 * nothing is ever rounded through floating point.  People write groups
 * of thousands with a space, a no-break space (U+00A0) or a narrow one
 * (U+202F, as Russian locales print), or with the separator that is not
 * the decimal one; which of ',' and '.' is decimal follows crm.yaml or
 * the locale (see crm_amount_parse in crm.h).
 */
#include <stdio.h>
#include <string.h>

#include "crm.h"

#define AMOUNT_MAX_INPUT 128    /* longer input is never an amount */
#define AMOUNT_MAX_GROUPS 16    /* digit runs in one amount */
#define AMOUNT_MAX_FRACTION 15  /* digits after the decimal separator */

/* What separates two runs of digits. */
enum sep { SEP_SPACE, SEP_DOT, SEP_COMMA };

/* An amount cut into runs of digits and the separators between them. */
struct pieces {
	const char *run[AMOUNT_MAX_GROUPS];  /* start of each run */
	size_t len[AMOUNT_MAX_GROUPS];       /* its number of digits */
	enum sep sep[AMOUNT_MAX_GROUPS];     /* sep[i] follows run[i] */
	size_t n;                            /* number of runs */
};

/* True for an ASCII digit. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* True for the ASCII blanks that may surround input. */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * The length of the group separator at p that is a space: ' ', U+00A0,
 * U+2009 (thin space) or U+202F (narrow no-break space); 0 when none.
 */
static size_t space_len(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	if (u[0] == ' ')
		return 1;
	if (u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0x89 || u[2] == 0xaf))
		return 3;
	return 0;
}

/*
 * Cuts s[0..len) into runs of digits with one separator between each two.
 * Returns false when s holds anything else, starts or ends with a
 * separator, or has two separators in a row.
 */
static bool cut(const char *s, size_t len, struct pieces *pc)
{
	const char *p = s, *end = s + len;
	size_t sl;

	pc->n = 0;
	for (;;) {
		if (p == end || !is_digit(*p) || pc->n == AMOUNT_MAX_GROUPS)
			return false;
		pc->run[pc->n] = p;
		while (p < end && is_digit(*p))
			p++;
		pc->len[pc->n] = (size_t)(p - pc->run[pc->n]);
		pc->n++;
		if (p == end)
			return true;
		if (*p == '.' || *p == ',') {
			pc->sep[pc->n - 1] = *p == '.' ? SEP_DOT : SEP_COMMA;
			p++;
		} else if ((sl = space_len(p)) != 0 && p + sl <= end) {
			pc->sep[pc->n - 1] = SEP_SPACE;
			p += sl;
		} else {
			return false;
		}
	}
}

/* How many separators of kind k pc holds. */
static size_t count_sep(const struct pieces *pc, enum sep k)
{
	size_t i, n = 0;

	for (i = 0; i + 1 < pc->n; i++)
		n += pc->sep[i] == k;
	return n;
}

/* The character of separator kind k. */
static char sep_char(enum sep k)
{
	return k == SEP_DOT ? '.' : k == SEP_COMMA ? ',' : ' ';
}

/* What reading the separators found. */
enum verdict { V_OK, V_INVALID, V_AMBIGUOUS };

/*
 * Decides which separator of pc (if any) is the decimal one: sets *frac
 * to the index of the run after it, or to pc->n for a whole number.
 */
static enum verdict find_decimal(const struct pieces *pc, char decimal,
				 size_t *frac)
{
	size_t ndot = count_sep(pc, SEP_DOT), ncomma = count_sep(pc, SEP_COMMA);
	enum sep last, k;

	*frac = pc->n;
	if (pc->n == 1)
		return V_OK;
	last = pc->sep[pc->n - 2];
	if (ndot && ncomma) {
		/* both: the last one, written once, is decimal */
		if (last == SEP_SPACE || (last == SEP_DOT ? ndot : ncomma) != 1)
			return V_INVALID;
		*frac = pc->n - 1;
		return V_OK;
	}
	if (ndot + ncomma != 1 || last == SEP_SPACE)
		return V_OK;    /* only groups, checked by the caller */
	k = last;
	if (pc->len[pc->n - 1] != 3 || sep_char(k) == decimal) {
		*frac = pc->n - 1;
		return V_OK;
	}
	if (decimal == 0)
		return V_AMBIGUOUS;
	return V_OK;            /* the other separator: a thousands group */
}

/*
 * Checks the integer runs pc->run[0..nint) as groups of thousands: one
 * kind of separator, the first group of 1 to 3 digits, the others of 3.
 */
static bool groups_valid(const struct pieces *pc, size_t nint)
{
	size_t i;

	if (nint == 1)
		return true;
	if (pc->len[0] > 3)
		return false;
	for (i = 1; i < nint; i++)
		if (pc->len[i] != 3 || pc->sep[i - 1] != pc->sep[0])
			return false;
	return true;
}

/*
 * Writes the stored form of the runs: the integer runs [0..nint) without
 * leading zeros, then '.' and run nint when nint < pc->n.  False when the
 * result has too many digits or does not fit.
 */
static bool write_stored(const struct pieces *pc, size_t nint, char *buf,
			 size_t size)
{
	struct crm_buf b = {0};
	size_t i, j, digits = 0;
	bool ok;

	for (i = 0; i < nint; i++)
		for (j = 0; j < pc->len[i]; j++) {
			if (b.len == 0 && pc->run[i][j] == '0')
				continue;
			crm_buf_addc(&b, pc->run[i][j]);
			digits++;
		}
	if (b.len == 0)
		crm_buf_addc(&b, '0');
	if (nint < pc->n) {
		crm_buf_addc(&b, '.');
		crm_buf_add(&b, pc->run[nint], pc->len[nint]);
	}
	ok = digits <= CRM_AMOUNT_MAX_DIGITS &&
	     (nint == pc->n || pc->len[nint] <= AMOUNT_MAX_FRACTION) &&
	     b.len < size;
	if (ok)
		memcpy(buf, b.s, b.len + 1);
	crm_buf_free(&b);
	return ok;
}

/* Sets err for s, which is no amount; decimal picks the example. */
static int not_an_amount(const char *s, char decimal, struct crm_err *err)
{
	return crm_seterr(err, CRM_EUSAGE,
			  decimal == ','
			  ? _("cannot read amount '%s' (try: 350000, 350 000, "
			      "350 000,50)")
			  : _("cannot read amount '%s' (try: 350000, 350 000, "
			      "350000.50)"), s);
}

/* Sets err for the ambiguous s of pieces pc, showing both readings. */
static int ambiguous(const char *s, const struct pieces *pc,
		     struct crm_err *err)
{
	char whole[CRM_AMOUNT_SIZE], frac[CRM_AMOUNT_SIZE];
	size_t n;

	if (!write_stored(pc, pc->n, whole, sizeof(whole)) ||
	    !write_stored(pc, pc->n - 1, frac, sizeof(frac)))
		return not_an_amount(s, 0, err);
	n = strlen(frac);
	while (frac[n - 1] == '0')
		frac[--n] = '\0';
	if (frac[n - 1] == '.')
		frac[n - 1] = '\0';
	return crm_seterr(err, CRM_EUSAGE,
			  _("ambiguous amount '%s': '%c' may separate thousands "
			    "or decimals (write %s or %s)"),
			  s, sep_char(pc->sep[pc->n - 2]), whole, frac);
}

int crm_amount_parse(const char *s, char decimal, char *buf, size_t size,
		     struct crm_err *err)
{
	struct pieces pc;
	const char *p = s;
	size_t len, frac;
	enum verdict v;

	while (is_blank(*p))
		p++;
	len = strnlen(p, AMOUNT_MAX_INPUT + 1);
	if (len > AMOUNT_MAX_INPUT || !crm_utf8_valid(p, len))
		return not_an_amount(s, decimal, err);
	while (len > 0 && is_blank(p[len - 1]))
		len--;
	if (len > 1 && p[0] == '-' && p[1] >= '0' && p[1] <= '9')
		return crm_seterr(err, CRM_EUSAGE,
				  _("'%s' is negative (amounts are never below "
				    "zero)"), s);
	if (len > 0 && p[0] == '+')
		p++, len--;
	if (!cut(p, len, &pc))
		return not_an_amount(s, decimal, err);
	v = find_decimal(&pc, decimal, &frac);
	if (v == V_AMBIGUOUS)
		return ambiguous(s, &pc, err);
	if (v == V_INVALID || !groups_valid(&pc, frac))
		return not_an_amount(s, decimal, err);
	if (!write_stored(&pc, frac, buf, size))
		return crm_seterr(err, CRM_EUSAGE,
				  _("'%s' has too many digits"), s);
	return CRM_OK;
}

bool crm_amount_is_stored(const char *s)
{
	size_t i = 0, digits = 0;

	while (is_digit(s[i]))
		i++, digits++;
	if (digits == 0 || digits > CRM_AMOUNT_MAX_DIGITS)
		return false;
	if (s[i] == '.') {
		i++;
		if (!is_digit(s[i]))
			return false;
		while (is_digit(s[i]))
			i++;
	}
	return s[i] == '\0';
}

int crm_amount_decimals(const char *stored)
{
	const char *dot = strchr(stored, '.');

	return dot ? (int)strlen(dot + 1) : 0;
}

double crm_amount_value(const char *stored)
{
	double v = 0, scale = 1;
	bool frac = false;
	const char *p;

	if (!crm_amount_is_stored(stored))
		return 0;
	for (p = stored; *p; p++) {
		if (*p == '.') {
			frac = true;
			continue;
		}
		v = v * 10 + (*p - '0');
		if (frac)
			scale *= 10;
	}
	return v / scale;
}

int64_t crm_amount_cents(const char *stored)
{
	int64_t n = 0;
	const char *p = stored;
	int i;

	if (!crm_amount_is_stored(stored))
		return 0;
	for (; *p && *p != '.'; p++)
		n = n * 10 + (*p - '0');
	if (*p == '.')
		p++;
	for (i = 0; i < 2; i++) {
		n = n * 10 + (is_digit(*p) ? *p - '0' : 0);
		if (is_digit(*p))
			p++;
	}
	return n + (*p >= '5' && *p <= '9');
}

int crm_amount_check_currency(const char *stored, const char *currency,
			      struct crm_err *err)
{
	const struct crm_currency *c = crm_currency_find(currency);
	int n = crm_amount_decimals(stored);

	if (c == NULL || c->minor < 0 || n <= c->minor)
		return CRM_OK;
	if (c->minor == 0)
		return crm_seterr(err, CRM_EUSAGE,
				  _("'%s' has decimals, but %s has none (write a "
				    "whole number)"),
				  stored, c->code);
	return crm_seterr(err, CRM_EUSAGE,
			  ngettext("'%s' has %d decimal place, but %s has %d",
				   "'%s' has %d decimal places, but %s has %d",
				   (unsigned long)n),
			  stored, n, c->code, c->minor);
}

/* The closest known code to code (capital letters), or NULL.  The codes
 * most used come first, so that they win a tie ("USX": USD, not UGX). */
static const char *suggest_currency(const char *code)
{
	static const char *const common[] = {
		"USD", "EUR", "RUB", "GBP", "CNY", "JPY", "CHF", "AZN", "KZT",
		"TRY", "AED", "BYN", "UAH", "GEL", "AMD", "UZS", "KGS", "INR",
	};
	const char *cands[256];
	const struct crm_currency *c;
	size_t n, i;

	for (n = 0; n < sizeof(common) / sizeof(common[0]); n++)
		cands[n] = common[n];
	for (i = 0; n < sizeof(cands) / sizeof(cands[0]) &&
		    (c = crm_currency_at(i)) != NULL; i++)
		cands[n++] = c->code;
	return crm_suggest(code, cands, n);
}

int crm_currency_parse(const char *s, char out[4], struct crm_err *err)
{
	const char *p = s, *hint;
	char code[4];
	size_t len, i;

	while (is_blank(*p))
		p++;
	len = strlen(p);
	while (len > 0 && is_blank(p[len - 1]))
		len--;
	for (i = 0; i < len && i < 3; i++) {
		char c = p[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			break;
		code[i] = c;
	}
	code[i] = '\0';
	if (len != 3 || i != 3)
		return crm_seterr(err, CRM_EUSAGE,
				  _("'%s' is not a currency code (try: RUB, USD, "
				    "EUR)"), s);
	if (crm_currency_find(code) == NULL) {
		hint = suggest_currency(code);
		if (hint)
			return crm_seterr(err, CRM_EUSAGE,
					  _("unknown currency '%s' (did you "
					    "mean '%s'?)"), code, hint);
		return crm_seterr(err, CRM_EUSAGE,
				  _("unknown currency '%s' (not an ISO 4217 "
				    "code)"), code);
	}
	memcpy(out, code, 4);
	return CRM_OK;
}
