/*
 * records.h - sets of records loaded for listing and showing.
 */
#ifndef CRM_RECORDS_H
#define CRM_RECORDS_H

#include "cli.h"

struct record_set {
	struct crm_record **r; /* sorted by id; owned */
	size_t n, cap;
	size_t broken;         /* files that failed to parse (warned about) */
};

/* Loads every committed record of the types in mask; reports failures. */
int record_set_load(struct cli *cli, unsigned mask, struct record_set *set);
const struct crm_record *record_set_find(const struct record_set *set,
					 const char *id);
/* The name of the record id, or id itself when it is not in the set. */
const char *record_set_name(const struct record_set *set, const char *id);
void record_set_free(struct record_set *set);
/* True when r's company, contact or for field is id. */
bool record_refers_to(const struct crm_record *r, const char *id);
/* A node as one line of text: lists joined with ", ". Caller owns it. */
char *node_text(const struct crm_node *n);

#endif
