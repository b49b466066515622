/*
 * mail.h - e-mail messages, written by crm-mail.so (GMime), which mail.c
 * loads the first time a message is written.
 */
#ifndef CRM_MAIL_H
#define CRM_MAIL_H

#include <time.h>

#include "crm.h"

/* A message of one text part; every string borrowed. */
struct crm_mail {
	const char *from_name, *from_addr; /* a name may be NULL or "" */
	const char *to_name, *to_addr;
	const char *subject;
	const char *body;          /* UTF-8 text, lines ended by '\n' */
	time_t date;               /* the Date:, in the local time zone */
	const char *const *extra;  /* more headers: name, value, ..., NULL */
};

/*
 * Writes m as an RFC 5322 message into out (appended): From, To, Date,
 * Message-ID (on the sender's domain), Subject, MIME-Version and
 * text/plain; charset=UTF-8, headers encoded as RFC 2047 says.  What the
 * headers show of names and the subject has each control character
 * (a newline, a carriage return, an escape) made a space and each byte
 * that is not UTF-8 made U+FFFD: nothing in them can start a header of
 * its own.  An address that cannot be one, or holds a control
 * character, is CRM_EUSAGE; the body must be valid UTF-8 (CRM_ERR).
 * CRM_ERR naming the module when crm-mail.so cannot be loaded.
 */
int crm_mail_compose(const struct crm_mail *m, struct crm_buf *out,
		     struct crm_err *err);

#endif
