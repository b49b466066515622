/*
 * mail.c - e-mail messages: crm's side of crm-mail.so (src/mod/mail.c),
 * the module that wraps GMime.  GMime and GLib cost milliseconds to load
 * and only crm digest --mail needs them, so crm is not linked with them:
 * the module is loaded the first time a message is written.  Here, what
 * goes into a header is made safe first.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail-module.h"
#include "mail.h"
#include "module.h"

static struct crm_module mail_module = {
	"mail", "crm_mailmod_abi", CRM_MAIL_ABI,
	N_("the mail module"), N_("write e-mail"),
	PTHREAD_MUTEX_INITIALIZER,
};

/* The module's functions, found once it is loaded (under fns_lock). */
static struct {
	int (*compose)(const struct crm_mailmod_msg *, char **, size_t *,
		       char *, size_t);
	void (*release)(char *);
} mod;
static pthread_mutex_t fns_lock = PTHREAD_MUTEX_INITIALIZER;

/* Loads the module and finds its functions. */
static int load(struct crm_err *err)
{
	char path[4096];
	bool ok;

	if (crm_module_load(&mail_module, err) != CRM_OK)
		return CRM_ERR;
	pthread_mutex_lock(&fns_lock);
	if (mod.compose == NULL) {
		*(void **)&mod.compose = crm_module_sym(&mail_module,
							"crm_mailmod_compose");
		*(void **)&mod.release = crm_module_sym(&mail_module,
							"crm_mailmod_free");
	}
	ok = mod.compose && mod.release;
	pthread_mutex_unlock(&fns_lock);
	if (ok)
		return CRM_OK;
	crm_module_path(mail_module.name, path, sizeof(path));
	return crm_seterr(err, CRM_ERR, _("cannot load %s '%s': a function "
			  "is missing\nhint: reinstall crm"),
			  _(mail_module.title), path);
}

/* True when code point c must not be in a header: C0 and C1 controls,
 * DEL, the line and paragraph separators. */
static bool header_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 ||
	       c == 0x2029;
}

/* s as a header may show it: each control character a space, each
 * byte that is not UTF-8 U+FFFD.  Caller owns it. */
static char *header_text(const char *s)
{
	struct crm_buf b = {0};
	size_t n = s ? strlen(s) : 0, i = 0, k;
	uint32_t c;

	crm_buf_adds(&b, "");
	while (i < n) {
		k = crm_utf8_decode(s + i, n - i, &c);
		if (k == 0) {
			crm_buf_adds(&b, "\xef\xbf\xbd");
			i++;
		} else if (header_control(c)) {
			crm_buf_addc(&b, ' ');
			i += k;
		} else {
			crm_buf_add(&b, s + i, k);
			i += k;
		}
	}
	return crm_buf_detach(&b);
}

/* CRM_OK when addr can be the address of a header: LOCAL@DOMAIN, both
 * parts there, valid UTF-8 with no space, control character or one of
 * the characters that delimit addresses.  No dot is asked for in the
 * domain: cron's mail goes to ann@localhost as well. */
static int check_address(const char *what, const char *addr,
			 struct crm_err *err)
{
	const char *at = addr ? strchr(addr, '@') : NULL;
	size_t i;

	for (i = 0; addr && addr[i]; i++)
		if ((unsigned char)addr[i] <= 0x20 || addr[i] == 0x7f ||
		    strchr("\"(),:;<>[\\]", addr[i]))
			break;
	if (addr == NULL || addr[i] || at == NULL || at == addr ||
	    at[1] == '\0' || strchr(at + 1, '@') ||
	    !crm_utf8_valid(addr, i))
		return crm_seterr(err, CRM_EUSAGE, _("%s: '%s' is no e-mail "
				  "address"), what, addr ? addr : "");
	return CRM_OK;
}

/* The Message-ID's domain: the sender's, else "localhost". */
static const char *msgid_domain(const char *from)
{
	const char *at = strrchr(from, '@');

	return at && at[1] ? at + 1 : "localhost";
}

/* Seconds east of UTC of the local time zone at t. */
static int utc_offset(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return (int)tm.tm_gmtoff;
}

/* The extra headers of m with their values made safe, NULL-ended;
 * caller frees each value and the array (names are borrowed). */
static char **safe_extra(const struct crm_mail *m)
{
	size_t n = 0, i;
	char **v;

	while (m->extra && m->extra[n] && m->extra[n + 1])
		n += 2;
	v = crm_xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i += 2) {
		v[i] = (char *)m->extra[i];
		v[i + 1] = header_text(m->extra[i + 1]);
	}
	return v;
}

/* Calls the module with the texts made safe. */
static int compose(const struct crm_mail *m, struct crm_buf *out,
		   struct crm_err *err)
{
	char *from = header_text(m->from_name), *to = header_text(m->to_name);
	char *subject = header_text(m->subject), **extra = safe_extra(m);
	struct crm_mailmod_msg mm = {
		from, m->from_addr, to, m->to_addr, subject, m->body,
		(long long)m->date, utc_offset(m->date),
		msgid_domain(m->from_addr), (const char *const *)extra,
	};
	char why[256] = "", *text = NULL;
	size_t len = 0, i;
	int rc = CRM_OK;

	if (mod.compose(&mm, &text, &len, why, sizeof(why)) != 0)
		rc = crm_seterr(err, CRM_ERR, _("cannot write the e-mail: %s"),
				why);
	else
		crm_buf_add(out, text, len);
	if (text)
		mod.release(text);
	for (i = 1; extra[i - 1]; i += 2)
		free(extra[i]);
	free(extra);
	free(from);
	free(to);
	free(subject);
	return rc;
}

int crm_mail_compose(const struct crm_mail *m, struct crm_buf *out,
		     struct crm_err *err)
{
	int rc;

	if ((rc = check_address(_("From"), m->from_addr, err)) ||
	    (rc = check_address(_("To"), m->to_addr, err)))
		return rc;
	if (m->body == NULL || !crm_utf8_valid(m->body, strlen(m->body)))
		return crm_seterr(err, CRM_ERR, _("the e-mail's text is not "
				  "valid UTF-8"));
	if ((rc = load(err)))
		return rc;
	return compose(m, out, err);
}
