/*
 * field.c - the field registry: every field of every record type,
 * declared once, in the order record files keep them.  The validator
 * (record.c), the index's columns and facets (index.c), the query
 * language (query.c), sorting (find.c), the tables, crm show, crm add's
 * options and completion all read it; a new field is one line here.
 */
#include <string.h>

#include "crm.h"

#define CO CRM_TYPE_BIT(CRM_COMPANY)
#define CN CRM_TYPE_BIT(CRM_CONTACT)
#define DE CRM_TYPE_BIT(CRM_DEAL)
#define TA CRM_TYPE_BIT(CRM_TASK)
#define ALL CRM_TYPE_ALL
#define FACET CRM_FIELD_FACET
#define ADD CRM_FIELD_ADD

static const char *const relations[] = {
	"client", "partner", "supplier", "competitor", NULL,
};
static const char *const priorities[] = {"high", "normal", "low", NULL};

/*
 * Name, kind, types, term, the types a reference names, label, header,
 * index column, time column, flags, and crm add's placeholder and help.
 * A type's fields keep this order in its files; whatever a type does not
 * have is skipped.
 */
static const struct crm_field fields[] = {
	{"id", CRM_FIELD_ID, ALL, NULL, 0, NC_("field", "id"),
	 NC_("column", "ID"), NULL, NULL, 0, NULL, NULL},
	{"name", CRM_FIELD_NAME, ALL, NULL, 0, NC_("field", "name"),
	 NC_("column", "NAME"), NULL, NULL, 0, NULL, NULL},
	{"company", CRM_FIELD_REF, CN | DE, NULL, CO, NC_("field", "company"),
	 NC_("column", "COMPANY"), "company", NULL, FACET | ADD, N_("REF"),
	 N_("the company (contact, deal)")},
	{"contact", CRM_FIELD_REF, DE, NULL, CN, NC_("field", "contact"),
	 NC_("column", "CONTACT"), "contact", NULL, FACET | ADD, N_("REF"),
	 N_("the contact (deal)")},
	{"role", CRM_FIELD_TEXT, CN, NULL, 0, NC_("field", "role"),
	 NC_("column", "ROLE"), "role", NULL, FACET | ADD, N_("ROLE"),
	 N_("role at the company (contact)")},
	{"status", CRM_FIELD_STATUS, CO | CN, NULL, 0, NC_("field", "status"),
	 NC_("column", "STATUS"), "status", NULL, FACET | ADD, N_("STATUS"),
	 N_("status: prospect, active, inactive, lost (company, contact)")},
	{"relation", CRM_FIELD_CHOICE, CO | CN, NULL, 0,
	 NC_("field", "relation"), NC_("column", "RELATION"), "relation", NULL,
	 FACET | ADD, N_("RELATION"),
	 N_("client, partner, supplier or competitor (company, contact)"),
	 relations},
	{"for", CRM_FIELD_REF, TA, NULL, CO | CN | DE | CRM_PREFER(CRM_COMPANY),
	 NC_("field", "for"), NC_("column", "FOR"), "for_id", NULL,
	 FACET | ADD, N_("REF"), N_("what the task is for (task)")},
	{"due", CRM_FIELD_WHEN, TA, NULL, 0, NC_("field", "due"),
	 NC_("column", "DUE"), "due", "due_at", ADD, N_("DATE"),
	 N_("when it is due (task)")},
	{"priority", CRM_FIELD_CHOICE, TA, NULL, 0, NC_("field", "priority"),
	 NC_("column", "PRIORITY"), "priority", NULL, FACET | ADD,
	 N_("PRIORITY"), N_("high, normal or low (task)"), priorities},
	{"pipeline", CRM_FIELD_PIPELINE, DE, NULL, 0, NC_("field", "pipeline"),
	 NC_("column", "PIPELINE"), "pipeline", NULL, FACET | ADD, N_("NAME"),
	 N_("pipeline (deal)")},
	{"stage", CRM_FIELD_STAGE, DE, NULL, 0, NC_("field", "stage"),
	 NC_("column", "STAGE"), "stage", NULL, FACET | ADD, N_("STAGE"),
	 N_("stage (deal)")},
	{"amount", CRM_FIELD_AMOUNT, DE, NULL, 0, NC_("field", "amount"),
	 NC_("column", "AMOUNT"), "amount", NULL, ADD, N_("NUMBER"),
	 N_("amount (deal)")},
	{"currency", CRM_FIELD_CURRENCY, DE, NULL, 0, NC_("field", "currency"),
	 NC_("column", "CURRENCY"), "currency", NULL, FACET | ADD, N_("CODE"),
	 N_("currency (deal)")},
	{"probability", CRM_FIELD_PERCENT, DE, NULL, 0,
	 NC_("field", "probability"), NC_("column", "PROB"), "probability",
	 NULL, ADD, N_("PERCENT"),
	 N_("chance to win in percent, when not the stage's (deal)")},
	{"close", CRM_FIELD_DAY, DE, NULL, 0, NC_("field", "expected close"),
	 NC_("column", "CLOSE"), "close", "close_at", ADD, N_("DATE"),
	 N_("expected close date (deal)")},
	{"competitors", CRM_FIELD_REFS, DE, "competitor", CO,
	 NC_("field", "competitors"), NC_("column", "COMPETITORS"),
	 "competitors", NULL, FACET | ADD, N_("REF"),
	 N_("a competing company (deal; repeatable)")},
	{"owner", CRM_FIELD_USER, ALL, NULL, 0, NC_("field", "owner"),
	 NC_("column", "OWNER"), "owner", NULL, FACET | ADD, N_("LOGIN"),
	 N_("responsible user")},
	{"phones", CRM_FIELD_PHONES, CO | CN, "phone", 0, NC_("field", "phones"),
	 NC_("column", "PHONE"), "phones", NULL, ADD, N_("PHONE"),
	 N_("a phone number (repeatable)")},
	{"phones_typed", CRM_FIELD_PHONE_FORMS, CO | CN, NULL, 0,
	 NC_("field", "phones as typed"), NC_("column", "PHONE"),
	 "phones_shown", NULL, 0, NULL, NULL},
	{"emails", CRM_FIELD_EMAILS, CO | CN, "email", 0, NC_("field", "emails"),
	 NC_("column", "EMAIL"), "emails", NULL, ADD, N_("EMAIL"),
	 N_("an e-mail address (repeatable)")},
	{"tax_id", CRM_FIELD_TAXID, CO | CN, NULL, 0, NC_("field", "tax id"),
	 NC_("column", "TAX ID"), "tax_id", NULL, FACET | ADD, N_("DIGITS"),
	 N_("tax id: ИНН, VÖEN (company, contact)")},
	{"website", CRM_FIELD_TEXT, CO, NULL, 0, NC_("field", "website"),
	 NC_("column", "WEBSITE"), NULL, NULL, 0, NULL, NULL},
	{"address", CRM_FIELD_TEXT, CO, NULL, 0, NC_("field", "address"),
	 NC_("column", "ADDRESS"), NULL, NULL, 0, NULL, NULL},
	{"birthday", CRM_FIELD_DAY, CN, NULL, 0, NC_("field", "birthday"),
	 NC_("column", "BIRTHDAY"), "birthday", NULL, ADD, N_("DATE"),
	 N_("birthday (contact)")},
	{"source", CRM_FIELD_TEXT, CO | CN | DE, NULL, 0, NC_("field", "source"),
	 NC_("column", "SOURCE"), "source", NULL, FACET | ADD, N_("SOURCE"),
	 N_("where it came from")},
	{"notes", CRM_FIELD_TEXT, ALL, NULL, 0, NC_("field", "notes"),
	 NC_("column", "NOTES"), NULL, NULL, ADD, N_("TEXT"),
	 N_("free-text notes (several lines)")},
	{"tags", CRM_FIELD_TAGS, ALL, "tag", 0, NC_("field", "tags"),
	 NC_("column", "TAGS"), "tags", NULL, FACET | ADD, N_("TAG"),
	 N_("a tag (repeatable)")},
	{"created", CRM_FIELD_STAMP, ALL, NULL, 0, NC_("field", "created"),
	 NC_("column", "CREATED"), NULL, "created_at", 0, NULL, NULL},
	{"updated", CRM_FIELD_STAMP, ALL, NULL, 0, NC_("field", "updated"),
	 NC_("column", "UPDATED"), NULL, "updated_at", 0, NULL, NULL},
	{"merged_from", CRM_FIELD_IDS, CO | CN | DE, NULL, 0,
	 NC_("field", "merged from"), NC_("column", "MERGED FROM"),
	 "merged_from", NULL, FACET, NULL, NULL},
	{"", CRM_FIELD_CUSTOM, ALL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL,
	 NULL},
	{"rescheduled", CRM_FIELD_RESCHEDULES, TA, NULL, 0,
	 NC_("field", "rescheduled"), NULL, NULL, NULL, 0, NULL, NULL},
	{"stage_history", CRM_FIELD_HISTORY, DE, NULL, 0,
	 NC_("field", "stage_history"), NULL, NULL, NULL, 0, NULL, NULL},
	{"timeline", CRM_FIELD_TIMELINE, ALL, NULL, 0, NC_("field", "timeline"),
	 NULL, NULL, NULL, 0, NULL, NULL},
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

_Static_assert(NFIELDS <= CRM_FIELDS_MAX, "raise CRM_FIELDS_MAX");

const struct crm_field *crm_field_at(size_t i)
{
	return i < NFIELDS ? &fields[i] : NULL;
}

size_t crm_field_count(void)
{
	return NFIELDS;
}

const struct crm_field *crm_field_find(unsigned mask, const char *name,
				       bool by_term)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++) {
		if (!(fields[i].types & mask) || fields[i].name[0] == '\0')
			continue;
		if (strcmp(fields[i].name, name) == 0 ||
		    (by_term && fields[i].term &&
		     strcmp(fields[i].term, name) == 0))
			return &fields[i];
	}
	return NULL;
}

size_t crm_field_index(const struct crm_field *f)
{
	return (size_t)(f - fields);
}

const char *crm_field_term(const struct crm_field *f)
{
	return f->term ? f->term : f->name;
}

bool crm_field_is_list(enum crm_field_kind kind)
{
	return kind == CRM_FIELD_PHONES || kind == CRM_FIELD_EMAILS ||
	       kind == CRM_FIELD_TAGS || kind == CRM_FIELD_LIST ||
	       kind == CRM_FIELD_REFS || kind == CRM_FIELD_IDS;
}

bool crm_field_is_date(enum crm_field_kind kind)
{
	return kind == CRM_FIELD_DAY || kind == CRM_FIELD_WHEN ||
	       kind == CRM_FIELD_STAMP;
}
