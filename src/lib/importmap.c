/*
 * importmap.c - which field each column of an imported file goes to:
 * guessed from the headers people and CRMs write (English and Russian,
 * amoCRM's and Bitrix24's exports), changed with --map COLUMN=FIELD or a
 * map file, and written back as one (--save-map).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "import.h"

#define CO CRM_TYPE_BIT(CRM_COMPANY)
#define CN CRM_TYPE_BIT(CRM_CONTACT)
#define DE CRM_TYPE_BIT(CRM_DEAL)
#define PERSON (CO | CN)

/* A header and the field it names for the types of mask.  Headers are
 * compared as header_key makes them: folded, punctuation as spaces. */
struct known_header {
	const char *header;
	const char *field;
	unsigned mask;
};

static const struct known_header known[] = {
	/* names */
	{"name", "name", CO | CN | DE},
	{"full name", "name", CN},
	{"contact", "name", CN},
	{"contact name", "name", CN},
	{"фио", "name", CN},
	{"полное имя", "name", CN},
	{"полное имя контакта", "name", CN},
	{"контакт", "name", CN},
	{"наименование", "name", CO | DE},
	{"название", "name", CO | DE},
	{"название сделки", "name", DE},
	{"сделка", "name", DE},
	{"deal", "name", DE},
	{"deal name", "name", DE},
	{"title", "name", DE},
	{"company", "name", CO},
	{"company name", "name", CO},
	{"компания", "name", CO},
	{"организация", "name", CO},
	{"название компании", "name", CO},
	{"first name", "first_name", CN},
	{"given name", "first_name", CN},
	{"имя", "first_name", CN},
	{"last name", "last_name", CN},
	{"surname", "last_name", CN},
	{"family name", "last_name", CN},
	{"фамилия", "last_name", CN},
	{"middle name", "middle_name", CN},
	{"отчество", "middle_name", CN},
	/* the company of a contact or a deal */
	{"company", "company", CN | DE},
	{"company name", "company", CN | DE},
	{"organization", "company", CN | DE},
	{"organisation", "company", CN | DE},
	{"account", "company", CN | DE},
	{"account name", "company", CN | DE},
	{"компания", "company", CN | DE},
	{"организация", "company", CN | DE},
	{"название компании", "company", CN | DE},
	{"компания контакта", "company", CN | DE},
	{"contact", "contact", DE},
	{"контакт", "contact", DE},
	{"основной контакт", "contact", DE},
	/* the rest */
	{"job title", "role", CN},
	{"title", "role", CN},
	{"position", "role", CN},
	{"role", "role", CN},
	{"должность", "role", CN},
	{"inn", "tax_id", PERSON},
	{"tax id", "tax_id", PERSON},
	{"tin", "tax_id", PERSON},
	{"vat", "tax_id", PERSON},
	{"инн", "tax_id", PERSON},
	{"voen", "tax_id", PERSON},
	{"address", "address", PERSON},
	{"адрес", "address", PERSON},
	{"юридический адрес", "address", PERSON},
	{"фактический адрес", "address", PERSON},
	{"website", "website", CO},
	{"web", "website", CO},
	{"site", "website", CO},
	{"сайт", "website", CO},
	{"web сайт", "website", CO},
	{"owner", "owner", CO | CN | DE},
	{"assigned to", "owner", CO | CN | DE},
	{"responsible", "owner", CO | CN | DE},
	{"manager", "owner", CO | CN | DE},
	{"ответственный", "owner", CO | CN | DE},
	{"ответственный менеджер", "owner", CO | CN | DE},
	{"менеджер", "owner", CO | CN | DE},
	{"source", "source", CO | CN | DE},
	{"lead source", "source", CO | CN | DE},
	{"источник", "source", CO | CN | DE},
	{"источник контакта", "source", CO | CN | DE},
	{"amount", "amount", DE},
	{"value", "amount", DE},
	{"budget", "amount", DE},
	{"сумма", "amount", DE},
	{"бюджет", "amount", DE},
	{"currency", "currency", DE},
	{"валюта", "currency", DE},
	{"stage", "stage", DE},
	{"этап", "stage", DE},
	{"стадия", "stage", DE},
	{"статус сделки", "stage", DE},
	{"этап сделки", "stage", DE},
	{"pipeline", "pipeline", DE},
	{"воронка", "pipeline", DE},
	{"close date", "close", DE},
	{"expected close", "close", DE},
	{"дата закрытия", "close", DE},
	{"tags", "tags", CO | CN | DE},
	{"tag", "tags", CO | CN | DE},
	{"labels", "tags", CO | CN | DE},
	{"теги", "tags", CO | CN | DE},
	{"тег", "tags", CO | CN | DE},
	{"метки", "tags", CO | CN | DE},
	{"notes", "notes", CO | CN | DE},
	{"note", "notes", CO | CN | DE},
	{"comment", "notes", CO | CN | DE},
	{"comments", "notes", CO | CN | DE},
	{"description", "notes", CO | CN | DE},
	{"примечание", "notes", CO | CN | DE},
	{"примечания", "notes", CO | CN | DE},
	{"комментарий", "notes", CO | CN | DE},
	{"комментарии", "notes", CO | CN | DE},
	{"описание", "notes", CO | CN | DE},
	{"birthday", "birthday", CN},
	{"date of birth", "birthday", CN},
	{"birth date", "birthday", CN},
	{"день рождения", "birthday", CN},
	{"дата рождения", "birthday", CN},
	{"status", "status", PERSON},
	{"статус", "status", PERSON},
	{"id", "id", CO | CN | DE},
	{"created", "created", CO | CN | DE},
	{"updated", "updated", CO | CN | DE},
};

#define NKNOWN (sizeof(known) / sizeof(known[0]))

/* The pseudo-fields that make a contact's name. */
static const char *const name_parts[] = {
	"first_name", "middle_name", "last_name",
};

/* The key headers are compared by: folded (crm_fold), each run of other
 * characters than letters and digits one space, none at either end.
 * Caller owns it. */
static char *header_key(const char *header)
{
	char *fold = crm_fold(header), *out = crm_xmalloc(strlen(fold) + 1);
	size_t i, n = 0;
	bool space = false;

	for (i = 0; fold[i]; i++) {
		unsigned char c = (unsigned char)fold[i];

		if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) {
			if (space && n > 0)
				out[n++] = ' ';
			out[n++] = (char)c;
			space = false;
		} else {
			space = true;
		}
	}
	out[n] = '\0';
	free(fold);
	return out;
}

/* True when key holds word as a whole word ("телефон" in "мобильный
 * телефон", "email" in "work email 2"). */
static bool has_word(const char *key, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = strstr(key, word); p; p = strstr(p + 1, word))
		if ((p == key || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

/* The field of a phone or e-mail column, whose headers vary most
 * ("Рабочий телефон", "Мобильный", "Work Email", "Частный e-mail"), or
 * NULL. */
static const char *list_field(const char *key)
{
	static const char *const phone[] = {
		"phone", "phones", "telephone", "tel", "mobile", "cell",
		"fax", "телефон", "телефоны", "тел", "мобильный", "моб",
		"факс",
	};
	static const char *const email[] = {
		"email", "emails", "e mail", "mail", "почта", "емейл",
		"имейл",
	};
	size_t i;

	for (i = 0; i < sizeof(email) / sizeof(email[0]); i++)
		if (has_word(key, email[i]))
			return "emails";
	for (i = 0; i < sizeof(phone) / sizeof(phone[0]); i++)
		if (has_word(key, phone[i]))
			return "phones";
	return NULL;
}

/* True when header is spelt as crm spells a field's key (lowercase
 * ASCII letters, digits and '_', a letter first): the header of a column
 * of crm export, a custom field's among them. */
static bool field_spelling(const char *header)
{
	size_t i;

	if (!(header[0] >= 'a' && header[0] <= 'z'))
		return false;
	for (i = 1; header[i]; i++)
		if (!((header[i] >= 'a' && header[i] <= 'z') ||
		      (header[i] >= '0' && header[i] <= '9') || header[i] == '_'))
			return false;
	return i <= 64;
}

/* The field header names for type t, or NULL: a field's own key (or
 * term), a header people write, a column of phones or e-mails, else a
 * custom field when it is spelt as one. */
static const char *guess_field(const char *header, enum crm_type t)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_BIT(t), header,
						   false);
	char *key, *k;
	const char *field = NULL;
	size_t i;

	if (f == NULL)
		f = crm_field_find(CRM_TYPE_BIT(t), header, true);
	if (f && f->kind != CRM_FIELD_TIMELINE && f->kind != CRM_FIELD_HISTORY &&
	    f->kind != CRM_FIELD_RESCHEDULES && f->kind != CRM_FIELD_PHONE_FORMS)
		return f->name;
	key = header_key(header);

	for (i = 0; i < NKNOWN && field == NULL; i++) {
		if (!(known[i].mask & CRM_TYPE_BIT(t)))
			continue;
		k = header_key(known[i].header);
		if (strcmp(k, key) == 0)
			field = known[i].field;
		free(k);
	}
	if (field == NULL && t != CRM_DEAL)
		field = list_field(key);
	free(key);
	if (field == NULL && f == NULL && field_spelling(header) &&
	    crm_field_find(CRM_TYPE_ALL, header, false) == NULL &&
	    crm_field_find(CRM_TYPE_ALL, header, true) == NULL)
		field = header;
	return field;
}

/* True when the first rows of column col of s hold crm ids (or
 * nothing): an "ID" column of crm's own export, not another CRM's
 * numbers, which are not imported. */
static bool holds_ids(const struct crm_sheet *s, size_t col)
{
	const char *cell;
	size_t i;

	for (i = 1; i < s->nrows && i <= 6; i++) {
		cell = crm_sheet_cell(s, i, col);
		if (cell[0] && !crm_id_valid(cell))
			return false;
	}
	return true;
}

/* True when the headers of s are two rows: the first has the same text
 * in neighbouring cells (a merged cell, as a workbook's reader fills
 * it) over cells of the second that are not empty. */
static bool two_header_rows(const struct crm_sheet *s)
{
	const char *a, *b;
	size_t i;

	if (s->nrows < 3 || s->delimiter)
		return false;
	for (i = 1; i < s->rows[0].ncells; i++) {
		a = crm_sheet_cell(s, 0, i - 1);
		b = crm_sheet_cell(s, 0, i);
		if (a[0] && strcmp(a, b) == 0 && crm_sheet_cell(s, 1, i - 1)[0] &&
		    crm_sheet_cell(s, 1, i)[0])
			return true;
	}
	return false;
}

/* The header of column col of s (row 0; with two header rows, row 1's
 * when it has one). */
static const char *header_of(const struct crm_sheet *s, size_t col,
			     bool two_rows)
{
	const char *h = two_rows ? crm_sheet_cell(s, 1, col) : "";

	return h[0] ? h : s->nrows ? crm_sheet_cell(s, 0, col) : "";
}

/* True when s is a table crm export wrote: its first header "id" over
 * crm ids. */
static bool own_export(const struct crm_sheet *s, bool two_rows)
{
	return !two_rows && s->nrows > 0 && s->rows[0].ncells > 0 &&
	       strcmp(crm_sheet_cell(s, 0, 0), "id") == 0 && holds_ids(s, 0);
}

/* The field a header of crm's own export names, for type t: a field of
 * the registry a cell holds and a user may set, or a custom field; NULL
 * for crm's own lists (merged_from) and another type's fields. */
static const char *own_field(const char *header, enum crm_type t)
{
	const struct crm_field *f;

	if (!crm_field_name_valid(header))
		return NULL;
	f = crm_field_find(CRM_TYPE_BIT(t), header, false);
	if (f == NULL)
		return crm_field_find(CRM_TYPE_ALL, header, false)
		       ? NULL : header;
	switch (f->kind) {
	case CRM_FIELD_IDS:
	case CRM_FIELD_PHONE_FORMS:
	case CRM_FIELD_HISTORY:
	case CRM_FIELD_TIMELINE:
	case CRM_FIELD_RESCHEDULES:
		return NULL;
	default:
		return f->name;
	}
}

void crm_import_map_guess(const struct crm_sheet *s, enum crm_type t,
			  struct crm_import_map *m)
{
	bool two_rows = two_header_rows(s), own = own_export(s, two_rows);
	const char *f;
	size_t i, j, n = 0;

	memset(m, 0, sizeof(*m));
	m->first_row = two_rows ? 2 : 1;
	for (i = 0; i < s->nrows; i++)
		if (s->rows[i].ncells > n)
			n = s->rows[i].ncells;
	m->cols = crm_xcalloc(n + 1, sizeof(*m->cols));
	m->ncols = n;
	for (i = 0; i < n; i++) {
		m->cols[i].header = crm_xstrdup(header_of(s, i, two_rows));
		f = guess_field(m->cols[i].header, t);
		/* crm's own export names its custom fields too */
		if (f == NULL && own)
			f = own_field(m->cols[i].header, t);
		/* a field two columns name goes to the first, but for the
		 * lists, which take every column */
		for (j = 0; f && j < i; j++)
			if (m->cols[j].field && strcmp(m->cols[j].field, f) == 0 &&
			    strcmp(f, "phones") != 0 && strcmp(f, "emails") != 0)
				f = NULL;
		if (f && strcmp(f, "id") == 0 && !holds_ids(s, i))
			f = NULL;
		m->cols[i].field = f ? crm_xstrdup(f) : NULL;
	}
}

/* The type the headers of s say, when one is a field's own key that
 * only one type has (website: a company; role: a contact; stage: a
 * deal), as in the files crm export writes; false when none does. */
static bool own_fields_type(const struct crm_sheet *s, bool two_rows,
			    enum crm_type *t)
{
	const struct crm_field *f;
	size_t i;
	int k;

	for (i = 0; s->nrows && i < s->rows[0].ncells; i++) {
		f = crm_field_find(CRM_TYPE_ALL, header_of(s, i, two_rows), false);
		for (k = 0; f && k < CRM_TASK; k++)
			if (f->types == CRM_TYPE_BIT(k)) {
				*t = (enum crm_type)k;
				return true;
			}
	}
	return false;
}

enum crm_type crm_import_guess_type(const struct crm_sheet *s)
{
	bool person = false, company = false, deal = false;
	bool site = false, personal = false;
	bool two_rows = two_header_rows(s);
	const char *f, *h;
	size_t i;

	enum crm_type own;

	if (own_fields_type(s, two_rows, &own))
		return own;
	for (i = 0; s->nrows && i < s->rows[0].ncells; i++) {
		h = header_of(s, i, two_rows);
		if ((f = guess_field(h, CRM_DEAL)) &&
		    (strcmp(f, "amount") == 0 || strcmp(f, "stage") == 0))
			deal = true;
		if ((f = guess_field(h, CRM_CONTACT)) &&
		    (strcmp(f, "name") == 0 || strcmp(f, "first_name") == 0 ||
		     strcmp(f, "last_name") == 0 || strcmp(f, "role") == 0))
			person = true;
		if (f && (strcmp(f, "company") == 0 ||
			  strcmp(f, "first_name") == 0 ||
			  strcmp(f, "middle_name") == 0 ||
			  strcmp(f, "last_name") == 0 || strcmp(f, "role") == 0 ||
			  strcmp(f, "birthday") == 0))
			personal = true;
		if ((f = guess_field(h, CRM_COMPANY)) && strcmp(f, "name") == 0)
			company = true;
		if (f && strcmp(f, "website") == 0)
			site = true;
	}
	if (deal)
		return CRM_DEAL;
	/* "Name" is a person's or a firm's: a website and nothing only a
	 * person has (crm export's table of companies) says a firm's */
	if (company && (!person || (site && !personal)))
		return CRM_COMPANY;
	return CRM_CONTACT;
}

/* True when field is one a column of type t may go to. */
static bool field_ok(const char *field, enum crm_type t,
		     const struct crm_config *cfg)
{
	const struct crm_field *f;
	size_t i;

	if (t == CRM_CONTACT)
		for (i = 0; i < sizeof(name_parts) / sizeof(name_parts[0]); i++)
			if (strcmp(field, name_parts[i]) == 0)
				return true;
	if (strcmp(field, "company") == 0 && t != CRM_COMPANY)
		return true;
	if (strcmp(field, "contact") == 0 && t == CRM_DEAL)
		return true;
	f = crm_field_find(CRM_TYPE_BIT(t), field, false);
	if (f == NULL)
		f = crm_field_find(CRM_TYPE_BIT(t), field, true);
	if (f)
		return f->kind != CRM_FIELD_TIMELINE &&
		       f->kind != CRM_FIELD_HISTORY &&
		       f->kind != CRM_FIELD_RESCHEDULES;
	if (crm_field_find(CRM_TYPE_ALL, field, false) ||
	    crm_field_find(CRM_TYPE_ALL, field, true))
		return false; /* another type's field */
	(void)cfg;
	return crm_field_name_valid(field);
}

/* The registry's name of field (its term "phone" is "phones"). */
static const char *field_name(const char *field, enum crm_type t)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_BIT(t), field,
						   true);

	return f ? f->name : field;
}

/* The column spec names: a 1-based number, else the header folded as
 * header_key does; -1 when none. */
static long find_column(const struct crm_import_map *m, const char *column)
{
	char *key, *k, *end;
	long found = -1, num;
	size_t i;

	num = strtol(column, &end, 10);
	if (*column >= '0' && *column <= '9' && *end == '\0')
		return num >= 1 && (size_t)num <= m->ncols ? num - 1 : -1;
	key = header_key(column);
	for (i = 0; i < m->ncols && found < 0; i++) {
		k = header_key(m->cols[i].header);
		if (key[0] && strcmp(k, key) == 0)
			found = (long)i;
		free(k);
	}
	free(key);
	return found;
}

int crm_import_map_set(struct crm_import_map *m, enum crm_type t,
		       const char *spec, const struct crm_config *cfg,
		       struct crm_err *err)
{
	const char *eq = strrchr(spec, '=');
	char *column;
	const char *field;
	long col;

	if (!crm_utf8_valid(spec, strlen(spec)))
		return crm_seterr(err, CRM_EUSAGE, _("--map: not valid UTF-8"));
	if (eq == NULL || eq == spec)
		return crm_seterr(err, CRM_EUSAGE, _("--map needs COLUMN=FIELD, "
				  "not '%s'"), spec);
	column = crm_xstrndup(spec, (size_t)(eq - spec));
	field = eq + 1;
	col = find_column(m, column);
	if (col < 0) {
		crm_seterr(err, CRM_EUSAGE, _("no column '%s' in the file"),
			   column);
		free(column);
		return CRM_EUSAGE;
	}
	free(column);
	if (strcmp(field, "-") != 0 && strcmp(field, "") != 0 &&
	    !field_ok(field, t, cfg))
		return crm_seterr(err, CRM_EUSAGE, _("a %s has no field '%s' "
				  "to import into"), crm_type_name(t), field);
	free(m->cols[col].field);
	m->cols[col].field = strcmp(field, "-") == 0 || field[0] == '\0' ? NULL
			     : crm_xstrdup(field_name(field, t));
	m->cols[col].given = true;
	return CRM_OK;
}

int crm_import_map_load(struct crm_import_map *m, enum crm_type t,
			const char *name, const char *text,
			const struct crm_config *cfg, struct crm_err *err)
{
	const char *p = text, *nl;
	char *line;
	size_t n, lineno = 0;
	int rc = CRM_OK;

	while (*p && rc == CRM_OK) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		line = crm_xstrndup(p, n);
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		if (line[strspn(line, " \t")] != '\0' &&
		    line[strspn(line, " \t")] != '#' &&
		    (rc = crm_import_map_set(m, t, line, cfg, err)))
			crm_err_prefix(err, _("'%s': line %zu"), name, lineno);
		free(line);
		p += n + (nl != NULL);
	}
	return rc;
}

void crm_import_map_write(const struct crm_import_map *m, struct crm_buf *b)
{
	size_t i;

	crm_buf_adds(b, "# crm import --map-file: COLUMN=FIELD, '-' not "
		     "imported\n");
	for (i = 0; i < m->ncols; i++)
		if (m->cols[i].field && m->cols[i].header[0])
			crm_buf_addf(b, "%s=%s\n", m->cols[i].header,
				     m->cols[i].field);
	for (i = 0; i < m->ncols; i++)
		if (m->cols[i].field == NULL && m->cols[i].header[0])
			crm_buf_addf(b, "%s=-\n", m->cols[i].header);
}

bool crm_import_map_named(const struct crm_import_map *m)
{
	const char *f;
	size_t i;

	for (i = 0; i < m->ncols; i++)
		if ((f = m->cols[i].field) != NULL &&
		    (strcmp(f, "name") == 0 || strcmp(f, "first_name") == 0 ||
		     strcmp(f, "last_name") == 0))
			return true;
	return false;
}

void crm_import_map_free(struct crm_import_map *m)
{
	size_t i;

	for (i = 0; i < m->ncols; i++) {
		free(m->cols[i].header);
		free(m->cols[i].field);
	}
	free(m->cols);
	memset(m, 0, sizeof(*m));
}
