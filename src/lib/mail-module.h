/*
 * mail-module.h - what crm-mail.so, the module that wraps GMime
 * (src/mod/mail.c), exports, and mail.c finds with dlsym.  Plain C types
 * only: GMime and GLib are loaded by the commands that write e-mail,
 * never by the others.  Change CRM_MAIL_ABI with any change here.
 */
#ifndef CRM_MAIL_MODULE_H
#define CRM_MAIL_MODULE_H

#include <stddef.h>

#define CRM_MAIL_ABI 1

/*
 * One message to write.  Every string is valid UTF-8; the header texts
 * (names, addresses, subject, extra values) hold no control character
 * (mail.c makes sure: a newline there would start a header of its own).
 */
struct crm_mailmod_msg {
	const char *from_name, *from_addr; /* a name may be "" */
	const char *to_name, *to_addr;
	const char *subject;
	const char *body;        /* the text, lines ended by '\n' */
	long long date;          /* the Date: Unix time */
	int utc_offset;          /* its zone: seconds east of UTC */
	const char *msgid_domain;/* the right-hand side of the Message-ID */
	const char *const *extra;/* more headers: name, value, ...; NULL
				    ends them (may be NULL) */
};

/* CRM_MAIL_ABI, as the module was built. */
int crm_mailmod_abi(void);
/*
 * Writes m as an RFC 5322 message (MIME 1.0, text/plain; charset=UTF-8,
 * the body in the transfer encoding that suits it, headers encoded as
 * RFC 2047 says, lines ended by '\n') into *out, *len; free it with
 * crm_mailmod_free.  Returns 0, or -1 with why in errbuf.
 */
int crm_mailmod_compose(const struct crm_mailmod_msg *m, char **out,
			size_t *len, char *errbuf, size_t errsize);
/* Frees what crm_mailmod_compose made. */
void crm_mailmod_free(char *p);

#endif
