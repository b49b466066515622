/*
 * fixture.h - what unit tests that work on a real store share: a new
 * store in a directory of its own, records added one commit each, and
 * the directory removed afterwards.  Each fails the test on error.
 */
#ifndef CRM_TEST_FIXTURE_H
#define CRM_TEST_FIXTURE_H

#include <stddef.h>
#include <time.h>

#include "crm.h"

/* Makes a store for ann in a new directory /tmp/crm-NAME-XXXXXX, written
 * into dir (size bytes), at now in UTC, and returns it open and locked. */
struct crm_store *fixture_store(const char *name, char *dir, size_t size,
				time_t now);
/* Adds a record of type with id and name to s, and fields given as key,
 * value pairs ending with NULL (phones are added to, the rest set), in
 * a commit of its own, as ann at now. */
void fixture_add(struct crm_store *s, time_t now, enum crm_type type,
		 const char *id, const char *name, ...);
/* Closes s (may be NULL) and removes dir (when it names one). */
void fixture_remove(struct crm_store *s, const char *dir);

#endif
