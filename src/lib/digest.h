/*
 * digest.h - the morning digest (digest.c): for each owner, what is
 * overdue, due today and in the next days, the active records with no
 * next task, the stale deals and the contacts' birthdays, each with the
 * client's phone, gathered from the index; and the day each digest was
 * last made in this clone (.git/crm/digest/, never committed).
 */
#ifndef CRM_DIGEST_H
#define CRM_DIGEST_H

#include <stdbool.h>
#include <time.h>

#include "crm.h"

/* The sections of a digest, in the order it shows them. */
enum crm_digest_kind {
	CRM_DIGEST_OVERDUE,  /* a task past its due */
	CRM_DIGEST_TODAY,    /* a task due today */
	CRM_DIGEST_UPCOMING, /* a task due in the next days */
	CRM_DIGEST_NO_TASK,  /* an active company or contact, or an open
				deal, with no open task */
	CRM_DIGEST_STALE,    /* an open deal past its stage's rot_days */
	CRM_DIGEST_BIRTHDAY, /* a contact's birthday in the days covered */
	CRM_DIGEST_NKINDS,
};

/* One line.  Strings are owned by the item, NULL when absent. */
struct crm_digest_item {
	enum crm_type type;      /* the record's */
	char id[CRM_ID_LEN + 1];
	char *name;              /* the task's title, the record's name */
	char *when;              /* a task's due (stored form); a birthday:
				    the day it falls on, YYYY-MM-DD */
	long long at;            /* that as Unix time (a day: its local
				    midnight); stale, no task: the last
				    activity (0 when none is known) */
	char *client;            /* the company or contact it concerns (a
				    deal's company, else its contact) */
	char company_id[CRM_ID_LEN + 1]; /* a record's company and contact */
	char contact_id[CRM_ID_LEN + 1]; /* ("" when none) */
	char *deal;              /* a task for a deal: the deal */
	char *phone;             /* the first phone of the contact
				    concerned, else of the company, as
				    typed */
	char *pipeline, *stage;  /* a deal: where it is */
	char *priority;          /* a task's */
	long days;               /* overdue: days past its day; stale: days
				    without activity; birthday: the age
				    reached (0: unknown) */
};

/* One section: its first items (at most the query's limit) and how many
 * there are in all. */
struct crm_digest_section {
	struct crm_digest_item *items;
	size_t n, cap;
	size_t total;
};

/* The digest of one owner. */
struct crm_digest {
	char *owner;             /* the login */
	struct crm_digest_section sec[CRM_DIGEST_NKINDS];
};

/* What crm_digest_gather gathers. */
struct crm_digest_query {
	const char *const *owners; /* logins of crm.yaml, each once */
	size_t nowners;
	time_t now;                /* the moment it is made at: its day is
				      today */
	int days;                  /* tasks and birthdays of today and the
				      days days after it */
	const int *missed;         /* by owner: the days before today its
				      birthdays cover too (days missed), or
				      NULL for none */
	size_t limit;              /* the most items a section keeps (0: no
				      limit); its total counts every one */
};

/*
 * Gathers the digest of each owner of q from the index, in one pass over
 * its records and one query of the open tasks: *out gets q->nowners
 * digests in the order of q->owners (free with crm_digests_free).  Tasks
 * come as crm_tasks_due orders them (the overdue first, then by due);
 * the records with no next task by last activity, latest first, then
 * name; stale deals longest without activity first; birthdays by day.
 * Records that do not read (broken) are left out, as other commands
 * leave them.
 */
int crm_digest_gather(struct crm_store *s, const struct crm_digest_query *q,
		      struct crm_digest **out, struct crm_err *err);
void crm_digests_free(struct crm_digest *d, size_t n);
/* True when d has nothing in any section. */
bool crm_digest_empty(const struct crm_digest *d);

/* The state file of key (a login, or "@all" for the digest of every
 * owner): .git/crm/digest/KEY. */
#define CRM_DIGEST_ALL "@all"

/*
 * The day the digest of key was last made in this clone, "YYYY-MM-DD"
 * into day (>= 11 bytes), "" when never.  CRM_ECORRUPT, naming the file,
 * when it holds no such day (the caller may warn and start afresh);
 * CRM_EUSAGE when key can name no file of its own.
 */
int crm_digest_last(struct crm_store *s, const char *key, char day[11],
		    struct crm_err *err);

/* A day being recorded: a temporary file beside the state file, made
 * before the digest is written out so that a state that cannot be kept
 * fails before anything is sent. */
struct crm_digest_mark {
	char *path;  /* .git/crm/digest/KEY */
	char *tmp;   /* the temporary file, or NULL */
	int fd;
};

/* Makes the temporary file of key's state (creating .git/crm/digest/).
 * CRM_ERR naming the file when it cannot. */
int crm_digest_mark_begin(struct crm_store *s, const char *key,
			  struct crm_digest_mark *m, struct crm_err *err);
/* Writes day into it and puts it in place of the state file (rename):
 * the state is the old one or the new one, never half of either.
 * Frees m either way. */
int crm_digest_mark_commit(struct crm_digest_mark *m, const char *day,
			   struct crm_err *err);
/* Removes the temporary file; frees m. */
void crm_digest_mark_abort(struct crm_digest_mark *m);

#endif
