/*
 * module.h - crm's modules (module.c): shared objects crm-NAME.so beside
 * the program, each wrapping a library that only a few commands need,
 * opened with dlopen() the first time one of them needs it.
 *
 * A module exports plain C functions (its interface in a header of its
 * own, as phone-module.h) and one that returns the ABI number it was
 * built with; a module of another number is refused.  Declare one as
 *
 *	static struct crm_module mail_module = {
 *		"mail", "crm_mailmod_abi", CRM_MAIL_ABI,
 *		N_("the mail module"), N_("write e-mail"),
 *		PTHREAD_MUTEX_INITIALIZER,
 *	};
 *
 * then crm_module_load(&mail_module, err) before the first
 * crm_module_sym(&mail_module, "crm_mailmod_...").
 */
#ifndef CRM_MODULE_H
#define CRM_MODULE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "crm.h"

struct crm_module {
	const char *name;        /* "phone": the file crm-phone.so */
	const char *abi_symbol;  /* its int (*)(void) giving its ABI */
	int abi;                 /* the ABI this crm expects */
	const char *title;       /* N_("the phone number module") */
	const char *purpose;     /* N_("read phone numbers"), for a hint */
	pthread_mutex_t lock;    /* the rest is the loader's */
	unsigned tried;          /* the place's generation last tried */
	void *handle;
	struct crm_err err;      /* why it did not load */
};

/* Where the modules are (dir is copied); the command-line layer says,
 * before the first load.  Without it, loads fail.  A module that did not
 * load is tried again from a new place. */
void crm_module_set_dir(const char *dir);
/* The path of module name ("phone") into buf, "" when no place is set. */
void crm_module_path(const char *name, char *buf, size_t size);
/* Opens m, once.  CRM_ERR, naming it and saying why, when it is missing,
 * cannot be loaded or is of another ABI; later calls give the same
 * answer. */
int crm_module_load(struct crm_module *m, struct crm_err *err);
/* True when m was tried from the place set now and did not load. */
bool crm_module_failed(struct crm_module *m);
/* The function symbol of m, loaded before; NULL when it has none. */
void *crm_module_sym(struct crm_module *m, const char *symbol);

#endif
