/*
 * sqlfunc.c - the SQL functions the index and queries use: fold(),
 * digits() and regexp().
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

/* fold(X): crm_fold(X); NULL for NULL. */
static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s = sqlite3_value_text(argv[0]);

	if (s == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text(ctx, crm_fold((const char *)s), -1, free);
}

/*
 * digits(X): the digits of each '\n'-separated line of X that is a phone
 * number (crm_phone_digits), '\n'-joined, so that a list of phones gives
 * a list of digit strings; '' when no line is one; NULL for NULL.
 */
static void sql_digits(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s = sqlite3_value_text(argv[0]);
	struct crm_buf b = {0};
	char *copy, *line, *save = NULL, *d;

	if (s == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	copy = crm_xstrdup((const char *)s);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if ((d = crm_phone_digits(line)) == NULL)
			continue;
		if (b.len > 0)
			crm_buf_addc(&b, '\n');
		crm_buf_adds(&b, d);
		free(d);
	}
	free(copy);
	sqlite3_result_text(ctx, crm_buf_detach(&b), -1, free);
}

/* Frees a cached compiled pattern (an auxdata destructor). */
static void regex_destroy(void *p)
{
	crm_regex_free(p);
}

/*
 * regexp(P, X): 1 when the PCRE2 pattern P matches X, else 0 (also when
 * either is NULL).  The compiled pattern is kept as auxiliary data of
 * argument 0, so a statement compiles it once.  A pattern that does not
 * compile, or a match that hits the limits, fails the statement.
 */
static void sql_regexp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *pat = sqlite3_value_text(argv[0]);
	const unsigned char *text = sqlite3_value_text(argv[1]);
	struct crm_regex *re;
	struct crm_err err = {0};
	bool fresh;
	int m;

	if (pat == NULL || text == NULL) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	re = sqlite3_get_auxdata(ctx, 0);
	fresh = re == NULL;
	if (fresh &&
	    crm_regex_compile((const char *)pat, &re, &err) != CRM_OK) {
		sqlite3_result_error(ctx, err.msg, -1);
		return;
	}
	m = crm_regex_match(re, (const char *)text,
			    (size_t)sqlite3_value_bytes(argv[1]));
	/* SQLite owns re from here, and may free it at once. */
	if (fresh)
		sqlite3_set_auxdata(ctx, 0, re, regex_destroy);
	if (m < 0) {
		sqlite3_result_error(ctx, _("regular expression too complex"),
				     -1);
		return;
	}
	sqlite3_result_int(ctx, m);
}

int crm_sql_register(struct sqlite3 *db)
{
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

	if (sqlite3_create_function(db, "fold", 1, flags, NULL, sql_fold,
				    NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "digits", 1, flags, NULL, sql_digits,
				    NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "regexp", 2, flags, NULL, sql_regexp,
				    NULL, NULL) != SQLITE_OK)
		return CRM_ERR;
	return CRM_OK;
}
