/*
 * i18n.h - message translation.  Every user-visible message goes through
 * _() (gettext, domain "crm"); N_() marks a string for extraction where it
 * cannot be translated at once (tables).
 */
#ifndef CRM_I18N_H
#define CRM_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)
/* Marks s, meant in context ctx (e.g. a table column), for translation;
 * translate it with crm_pgettext(). */
#define NC_(ctx, s) ctx "\004" s

/* The translation of a string marked with NC_(), or its own text. */
const char *crm_pgettext(const char *ctx_and_msg);

#endif
