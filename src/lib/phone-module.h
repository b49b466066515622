/*
 * phone-module.h - what crm-phone.so, the module that wraps libphonenumber
 * (phone.cc), exports, and phone.c finds with dlsym.  Plain C types only:
 * the module is C++, loaded when a phone is first parsed, so that the
 * commands that parse none never load libphonenumber, ICU and protobuf.
 * Change CRM_PHONE_ABI with any change here.
 */
#ifndef CRM_PHONE_MODULE_H
#define CRM_PHONE_MODULE_H

#include <stddef.h>

#include "crm.h"

#define CRM_PHONE_ABI 2

#ifdef __cplusplus
extern "C" {
#endif

/* CRM_PHONE_ABI, as the module was built. */
int crm_phonemod_abi(void);
/* Parses typed (valid UTF-8) as a number dialled in region (an ISO 3166
 * code, or "ZZ": none).  Fills *out and returns CRM_PHONE_PARSED, or
 * returns why it cannot (*out zeroed). */
int crm_phonemod_parse(const char *typed, const char *region,
		       struct crm_phone *out);
/* The same, faster, for the index's keys: only e164, national,
 * country_code and possible are filled. */
int crm_phonemod_key(const char *typed, const char *region,
		     struct crm_phone *out);
/* The E.164 form of the valid number typed (valid UTF-8) is, dialled in
 * region; when it is none and area_code ("" for none) is given, of the
 * one it is with area_code in front, when typed is a local number (no
 * '+', fewer digits than region's national numbers).  Into
 * e164[size]: 1 when valid, 0 when typed parses but is not valid, -1
 * when it does not parse (or on failure). */
int crm_phonemod_normalize(const char *typed, const char *region,
			   const char *area_code, char *e164, size_t size);
/* The numbers typed may be (crm_phone_matches in crm.h says which), at
 * most max of them into out[]; returns how many, or -1 on failure. */
int crm_phonemod_matches(const char *typed, const char *region,
			 struct crm_phone *out, size_t max);
/* The regions libphonenumber has metadata for, sorted, space-separated,
 * into buf (NUL-terminated when size > 0); returns the length the whole
 * list needs, without its NUL. */
size_t crm_phonemod_regions(char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
