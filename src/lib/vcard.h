/*
 * vcard.h - contacts and companies as vCards (vcard.c; crm export
 * vcard): vCard 4.0 (RFC 6350), or 3.0 (RFC 2426) for the address books
 * that read no other.  The format is a few lines of text a card, so crm
 * writes it itself, without a library: escaping of \ , ; and newlines in
 * values, lines folded at 75 octets (never inside a UTF-8 character),
 * CR LF line ends.
 *
 * A card holds (what the record has of it):
 *
 *   FN        the name
 *   N         a contact's name split at its last blank: the last word is
 *             the family name, the words before it the given names
 *             ("Иван Петров": N:Петров;Иван;;;); a company's, in 3.0
 *             (where N is required), the whole name as the family name
 *   KIND      org for a company (4.0 only)
 *   ORG       a contact's company (its name), a company's own name
 *   TITLE     a contact's role
 *   TEL       each phone: in 4.0 a tel: URI of its + and digits when it
 *             is an international number (TEL;VALUE=uri:tel:+74951234567),
 *             else its text; in 3.0 its text as stored (TEL;TYPE=VOICE)
 *   EMAIL     each e-mail address
 *   URL, ADR  a company's website and address (ADR's street)
 *   BDAY      a contact's birthday
 *   CATEGORIES the tags
 *   NOTE      the notes
 *   UID       ID@crm, as crm export ics names tasks
 *   REV       updated, in UTC
 */
#ifndef CRM_VCARD_H
#define CRM_VCARD_H

#include <stdbool.h>

#include "crm.h"

/* Appends the vCard of r, a contact or a company, to b: 4.0, or 3.0
 * when v3.  org is a contact's company's name (NULL: none). */
void crm_vcard_add(struct crm_buf *b, const struct crm_record *r,
		   const char *org, bool v3);

#endif
