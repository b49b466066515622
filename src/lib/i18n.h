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

#endif
