/*
 * sample.c - the small realistic sample a new store can start with
 * (crm init --sample): companies, contacts in Russian and English, deals
 * in several stages, tasks due today and overdue.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* One sample record: type, a key for references, name, then fields as
 * "key=value" ("company=@romashka" refers to another sample's key). */
struct sample {
	enum crm_type type;
	const char *key;
	const char *name;
	const char *fields[8];
};

static const struct sample samples[] = {
	{CRM_COMPANY, "romashka", "ООО «Ромашка»",
	 {"phones=+7 (495) 123-45-67", "emails=info@romashka.ru",
	  "website=https://romashka.ru", "address=Москва, ул. Ленина, 1",
	  "source=site", "tags=vip", NULL}},
	{CRM_COMPANY, "acme", "Acme Corporation",
	 {"phones=+1 415 555 0100", "emails=sales@acme.example",
	  "website=https://acme.example", "source=referral", NULL}},
	{CRM_COMPANY, "azersun", "Azərsun Holding",
	 {"phones=+994 12 404 00 00", "address=Bakı, Azərbaycan", "source=expo",
	  NULL}},
	{CRM_CONTACT, "ivanov", "Иван Иванов",
	 {"company=@romashka", "role=director", "phones=+7 916 000-11-22",
	  "emails=ivanov@romashka.ru", "birthday=1979-04-12", NULL}},
	{CRM_CONTACT, "petrova", "Мария Петрова",
	 {"company=@romashka", "role=accountant", "phones=8 812 555-01-02",
	  "emails=petrova@romashka.ru", NULL}},
	{CRM_CONTACT, "smith", "John Smith",
	 {"company=@acme", "role=buyer", "phones=+1 415 555 0199",
	  "emails=john.smith@acme.example", NULL}},
	{CRM_CONTACT, "aliyev", "Əli Əliyev",
	 {"company=@azersun", "role=buyer", "phones=+994 50 123 45 67", NULL}},
	{CRM_CONTACT, "sidorov", "Пётр Сидоров",
	 {"phones=+7 903 777-88-99", "source=instagram", "tags=b2c", NULL}},
	{CRM_DEAL, "supply", "Поставка оборудования 2027",
	 {"company=@romashka", "contact=@ivanov", "stage=proposal",
	  "amount=1500000", "currency=RUB", NULL}},
	{CRM_DEAL, "licences", "Acme licences renewal",
	 {"company=@acme", "contact=@smith", "stage=negotiation",
	  "amount=24000", "currency=USD", NULL}},
	{CRM_DEAL, "tea", "Çay qablaşdırma xətti",
	 {"company=@azersun", "contact=@aliyev", "stage=first_contact",
	  "amount=85000", "currency=AZN", NULL}},
	{CRM_DEAL, "kitchen", "Кухня для Сидорова",
	 {"contact=@sidorov", "stage=won", "amount=320000", "currency=RUB",
	  NULL}},
	{CRM_TASK, NULL, "Отправить коммерческое предложение",
	 {"for=@supply", "due=today", NULL}},
	{CRM_TASK, NULL, "Call John about the renewal terms",
	 {"for=@licences", "due=-2d", NULL}},
	{CRM_TASK, NULL, "Поздравить Ивана с днём рождения",
	 {"for=@ivanov", "due=+5d", NULL}},
	{CRM_TASK, NULL, "Prepare the demo for Azərsun",
	 {"for=@tea", "due=tomorrow", NULL}},
	{CRM_TASK, NULL, "Сверить акт с бухгалтерией",
	 {"for=@petrova", "due=-1d", NULL}},
};

#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

/* The id given to the sample with key, among the first n. */
static const char *id_of(const char (*ids)[CRM_ID_LEN + 1], size_t n,
			 const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (samples[i].key && strcmp(samples[i].key, key) == 0)
			return ids[i];
	return NULL;
}

/* Builds sample i into a record, references resolved through ids. */
static int build(struct cli *cli, size_t i, char (*ids)[CRM_ID_LEN + 1],
		 struct crm_record **out)
{
	const struct sample *s = &samples[i];
	struct crm_record *r = crm_record_new(s->type, ids[i], s->name, cli->now);
	char key[32];
	const char *eq, *value;
	size_t k;
	int rc = CRM_OK;

	crm_map_set_str(r->map, "owner", cli_login(cli));
	for (k = 0; s->fields[k] && rc == CRM_OK; k++) {
		eq = strchr(s->fields[k], '=');
		snprintf(key, sizeof(key), "%.*s", (int)(eq - s->fields[k]),
			 s->fields[k]);
		value = eq[1] == '@' ? id_of((const char (*)[CRM_ID_LEN + 1])ids,
					     i, eq + 2) : eq + 1;
		rc = crm_record_set_field(r, key, '=', value,
					  crm_store_config(cli->store),
					  cli_login(cli), cli->now, &cli->err);
	}
	if (rc == CRM_OK && s->type == CRM_DEAL) {
		crm_map_set_str(r->map, "pipeline", "sales");
	}
	*out = r;
	return rc;
}

int sample_populate(struct cli *cli)
{
	char ids[NSAMPLES][CRM_ID_LEN + 1];
	struct crm_txn *txn = crm_txn_new(cli->store);
	struct crm_record *r;
	char subject[64];
	size_t i;
	int rc = CRM_OK;

	for (i = 0; i < NSAMPLES && rc == CRM_OK; i++) {
		do {
			rc = crm_store_new_id(cli->store, ids[i], &cli->err);
		} while (rc == CRM_OK && i && id_of((const char (*)[CRM_ID_LEN + 1])ids,
						    i, ids[i]) != NULL);
		if (rc || (rc = build(cli, i, ids, &r)) != CRM_OK) {
			if (rc)
				rc = cli_fail(cli);
			break;
		}
		rc = crm_txn_put(txn, r, &cli->err);
		crm_record_free(r);
	}
	snprintf(subject, sizeof(subject), "sample: %zu records", NSAMPLES);
	if (rc == CRM_OK)
		rc = cli_commit(cli, txn, subject, "sample");
	crm_txn_free(txn);
	return rc;
}
