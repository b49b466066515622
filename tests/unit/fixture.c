/*
 * fixture.c - a real store for unit tests (fixture.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "fixture.h"

struct crm_store *fixture_store(const char *name, char *dir, size_t size,
				time_t now)
{
	struct crm_store *s = NULL;
	struct crm_err err = {0};

	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(dir, size, "/tmp/crm-%s-XXXXXX", name);
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	cr_assert_eq(crm_store_init(dir, "ann", "Ann", "ann@example.com", now,
				    &err), CRM_OK, "init: %s", err.msg);
	cr_assert_eq(crm_store_open(dir, &s, &err), CRM_OK, "open: %s",
		     err.msg);
	cr_assert_eq(crm_store_lock(s, 1000, &err), CRM_OK, "lock: %s",
		     err.msg);
	return s;
}

void fixture_add(struct crm_store *s, time_t now, enum crm_type type,
		 const char *id, const char *name, ...)
{
	struct crm_record *r = crm_record_new(type, id, name, now);
	struct crm_txn *t;
	struct crm_err err = {0};
	const char *k, *v;
	va_list ap;

	va_start(ap, name);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		cr_assert_eq(crm_record_set_field(r, k, strcmp(k, "phones") == 0 ?
						  '+' : '=', v,
						  crm_store_config(s), "ann",
						  now, &err),
			     CRM_OK, "%s=%s: %s", k, v, err.msg);
	}
	va_end(ap);
	t = crm_txn_new(s);
	cr_assert_eq(crm_txn_put(t, r, &err), CRM_OK, "%s", err.msg);
	cr_assert_eq(crm_txn_commit(t, "add", "add", &err), CRM_OK, "%s",
		     err.msg);
	crm_txn_free(t);
	crm_record_free(r);
}

void fixture_remove(struct crm_store *s, const char *dir)
{
	char cmd[128];

	crm_store_close(s);
	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		cr_assert_eq(system(cmd), 0);
	}
}
