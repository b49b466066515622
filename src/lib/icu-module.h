/*
 * icu-module.h - what crm-icu.so, the module that wraps ICU's
 * transliteration (src/mod/icu.c), exports, and namekey.c finds with
 * crm_module_sym.  Plain C types only.  Change CRM_ICU_ABI with any
 * change here.
 */
#ifndef CRM_ICU_MODULE_H
#define CRM_ICU_MODULE_H

#include <stddef.h>

#define CRM_ICU_ABI 1

#ifdef __cplusplus
extern "C" {
#endif

/* CRM_ICU_ABI, as the module was built. */
int crm_icumod_abi(void);
/*
 * Writes the UTF-8 text s[0..len) in Latin letters, ASCII only and lower
 * case, into out (size bytes, NUL-terminated): Russian Cyrillic as
 * BGN/PCGN spells it (ш sh, ж zh, х kh), every other script by ICU's
 * Any-Latin, then Latin-ASCII.  Returns the length written, or -1 when
 * ICU fails or out is too small.  The transliterator is made once and
 * kept; calls may come from several threads.
 */
long crm_icumod_latin(const char *s, size_t len, char *out, size_t size);

#ifdef __cplusplus
}
#endif

#endif
