/*
 * confcheck.c - a change of crm.yaml checked against the store: a user, a
 * pipeline or a stage that records still use cannot disappear from it.
 * The records are found through the index; those the same change writes
 * count as they will be.  Names the change brings in must be valid ids,
 * and unique.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store-internal.h"

/* What the change does to the records: their new versions and the ids
 * it removes. */
struct orphan_ctx {
	struct crm_store *s;
	sqlite3 *db;
	const struct crm_record *const *writes;
	size_t nwrites;
	const char *const *gone;
	size_t ngone;
};

/* True when the change writes or removes the record id. */
static bool touched(const struct orphan_ctx *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->nwrites; i++)
		if (strcmp(c->writes[i]->id, id) == 0)
			return true;
	for (i = 0; i < c->ngone; i++)
		if (strcmp(c->gone[i], id) == 0)
			return true;
	return false;
}

/* Counts the rows sql (binding ?1 to a and ?2 to b, either may be NULL)
 * selects by id, leaving out the records the change touches; the first
 * such id goes into example.  -1 on an index error (in err). */
static long count_rows(const struct orphan_ctx *c, const char *sql,
		       const char *a, const char *b, char *example,
		       struct crm_err *err)
{
	sqlite3_stmt *st;
	const char *id;
	long n = 0;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		crm_seterr(err, CRM_ERR, _("index: %s"), sqlite3_errmsg(c->db));
		return -1;
	}
	if (a)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		id = (const char *)sqlite3_column_text(st, 0);
		if (id == NULL || touched(c, id))
			continue;
		if (n++ == 0)
			snprintf(example, CRM_ID_LEN + 1, "%s", id);
	}
	sqlite3_finalize(st);
	return n;
}

/* Adds to *n the records the change writes whose field key is value
 * and, for a stage (stage true), whose pipeline is pipeline (dflt when
 * they name none) and whom to leaves in a stage it does not know. */
static void count_writes(const struct orphan_ctx *c, const char *key,
			 const char *value, const char *pipeline, bool stage,
			 const char *dflt, const struct crm_config *to, long *n,
			 char *example)
{
	const char *v, *p, *own;
	size_t i;

	for (i = 0; i < c->nwrites; i++) {
		const struct crm_record *r = c->writes[i];

		if (stage && r->type != CRM_DEAL)
			continue;
		v = crm_map_str(r->map, key);
		if (v == NULL || strcmp(v, value) != 0)
			continue;
		if (stage) {
			own = crm_map_str(r->map, "pipeline");
			p = own ? own : dflt;
			if (p == NULL || strcmp(p, pipeline) != 0 ||
			    crm_config_knows(to, "stage", v, own))
				continue;
		}
		if ((*n)++ == 0)
			snprintf(example, CRM_ID_LEN + 1, "%s", r->id);
	}
}

/* The records whose owner, or a custom field from declares of kind
 * user, is login, as the change leaves them; -1 on error. */
static long user_records(const struct orphan_ctx *c,
			 const struct crm_config *from, const char *login,
			 char *example, struct crm_err *err)
{
	char one[CRM_ID_LEN + 1];
	long n, k;
	size_t i;

	n = count_rows(c, "SELECT id FROM records WHERE broken IS NULL"
		       " AND owner = ?1 ORDER BY id", login, NULL, example, err);
	if (n < 0)
		return -1;
	count_writes(c, "owner", login, NULL, false, NULL, NULL, &n, example);
	for (i = 0; i < from->nfields; i++) {
		if (from->fields[i].kind != CRM_CF_USER)
			continue;
		k = count_rows(c, "SELECT r.id FROM fields f JOIN records r"
			       " ON r.rid = f.rid WHERE f.key = ?2"
			       " AND f.value = ?1 ORDER BY r.id", login,
			       from->fields[i].name, one, err);
		if (k < 0)
			return -1;
		count_writes(c, from->fields[i].name, login, NULL, false, NULL,
			     NULL, &k, one);
		if (n == 0 && k > 0)
			memcpy(example, one, sizeof(one));
		n += k;
	}
	return n;
}

/* Refuses when records are still owned by a user of from that to lacks. */
static int check_users(const struct orphan_ctx *c, const struct crm_config *from,
		       const struct crm_config *to, struct crm_err *err)
{
	char example[CRM_ID_LEN + 1] = "";
	const char *login;
	size_t i;
	long n;

	if (to->nusers == 0)
		return CRM_OK;
	for (i = 0; i < from->nusers; i++) {
		login = from->users[i].login;
		if (crm_config_user(to, login))
			continue;
		if ((n = user_records(c, from, login, example, err)) < 0)
			return CRM_ERR;
		if (n == 0)
			continue;
		return crm_seterr(err, CRM_ERR, ngettext(
			"cannot remove user '%s' from 'crm.yaml': %ld record "
			"is theirs (%s)\nhint: hand it over first with 'crm "
			"reassign' or 'crm user rm %s --to LOGIN', or rename "
			"the user with 'crm user rename'",
			"cannot remove user '%s' from 'crm.yaml': %ld records "
			"are theirs (e.g. %s)\nhint: hand them over first with "
			"'crm reassign' or 'crm user rm %s --to LOGIN', or "
			"rename the user with 'crm user rename'",
			(unsigned long)n), login, n, example, login);
	}
	return CRM_OK;
}

/* The deals in stage of pipeline p (a pipeline of from) that to does
 * not know, not counting those the change touches; -1 on error. */
static long stage_orphans(const struct orphan_ctx *c,
			  const struct crm_config *from,
			  const struct crm_config *to,
			  const struct crm_pipeline *p, const char *stage,
			  char *example, struct crm_err *err)
{
	const struct crm_pipeline *fdef = crm_config_pipeline(from, NULL);
	bool is_default = fdef && strcmp(fdef->name, p->name) == 0;
	char other[CRM_ID_LEN + 1];
	long n = 0, k;

	if (!crm_config_knows(to, "stage", stage, p->name)) {
		n = count_rows(c, "SELECT id FROM records WHERE broken IS NULL"
			       " AND type = 2 AND pipeline = ?1 AND stage = ?2"
			       " ORDER BY id", p->name, stage, example, err);
		if (n < 0)
			return -1;
	}
	if (is_default && !crm_config_knows(to, "stage", stage, NULL)) {
		k = count_rows(c, "SELECT id FROM records WHERE broken IS NULL"
			       " AND type = 2 AND pipeline IS NULL AND stage = ?2"
			       " ORDER BY id", NULL, stage, other, err);
		if (k < 0)
			return -1;
		if (n == 0 && k > 0)
			memcpy(example, other, sizeof(other));
		n += k;
	}
	count_writes(c, "stage", stage, p->name, true,
		     fdef ? fdef->name : NULL, to, &n, example);
	return n;
}

/* Refuses when deals are still in pipeline p of from, which to lacks. */
static int check_pipeline(const struct orphan_ctx *c,
			  const struct crm_config *from,
			  const struct crm_config *to,
			  const struct crm_pipeline *p, struct crm_err *err)
{
	char example[CRM_ID_LEN + 1] = "", one[CRM_ID_LEN + 1];
	long n = 0, k;
	size_t j;

	for (j = 0; j < p->nstages; j++) {
		k = stage_orphans(c, from, to, p, p->stages[j], one, err);
		if (k < 0)
			return CRM_ERR;
		if (n == 0 && k > 0)
			memcpy(example, one, sizeof(one));
		n += k;
	}
	if (n == 0)
		return CRM_OK;
	return crm_seterr(err, CRM_ERR, ngettext(
		"cannot remove pipeline '%s' from 'crm.yaml': %ld deal is in "
		"it (%s)\nhint: move it first with 'crm set ID "
		"pipeline=OTHER'",
		"cannot remove pipeline '%s' from 'crm.yaml': %ld deals are "
		"in it (e.g. %s)\nhint: move them first with 'crm set ID "
		"pipeline=OTHER'", (unsigned long)n), p->name, n, example);
}

/* Refuses when deals are still in stage s of pipeline p (a pipeline to
 * keeps) and to lacks s. */
static int check_stage(const struct orphan_ctx *c,
		       const struct crm_config *from,
		       const struct crm_config *to,
		       const struct crm_pipeline *p, const char *stage,
		       struct crm_err *err)
{
	char example[CRM_ID_LEN + 1] = "";
	long n = stage_orphans(c, from, to, p, stage, example, err);

	if (n < 0)
		return CRM_ERR;
	if (n == 0)
		return CRM_OK;
	return crm_seterr(err, CRM_ERR, ngettext(
		"cannot remove stage '%s' of pipeline '%s' from 'crm.yaml': "
		"%ld deal is in it (%s)\nhint: use 'crm stage rename %s %s "
		"NEW' or 'crm stage rm %s %s --to STAGE'",
		"cannot remove stage '%s' of pipeline '%s' from 'crm.yaml': "
		"%ld deals are in it (e.g. %s)\nhint: use 'crm stage rename "
		"%s %s NEW' or 'crm stage rm %s %s --to STAGE'",
		(unsigned long)n), stage, p->name, n, example, p->name, stage,
		p->name, stage);
}

/* Refuses when deals are still in a pipeline or stage of from that to
 * lacks. */
static int check_stages(const struct orphan_ctx *c,
			const struct crm_config *from,
			const struct crm_config *to, struct crm_err *err)
{
	const struct crm_pipeline *p;
	size_t i, j;
	int rc = CRM_OK;

	if (to->npipelines == 0)
		return CRM_OK;
	for (i = 0; i < from->npipelines && rc == CRM_OK; i++) {
		p = &from->pipelines[i];
		if (crm_config_pipeline(to, p->name) == NULL) {
			rc = check_pipeline(c, from, to, p, err);
			continue;
		}
		for (j = 0; j < p->nstages && rc == CRM_OK; j++)
			rc = check_stage(c, from, to, p, p->stages[j], err);
	}
	return rc;
}

int crm_config_check_orphans(struct crm_store *s, const struct crm_config *from,
			     const struct crm_config *to,
			     const struct crm_record *const *writes,
			     size_t nwrites, const char *const *gone,
			     size_t ngone, struct crm_err *err)
{
	struct orphan_ctx c = {.s = s, .writes = writes, .nwrites = nwrites,
			       .gone = gone, .ngone = ngone};
	int rc;

	if ((rc = crm_store_index(s, &c.db, err)))
		return rc;
	if ((rc = check_users(&c, from, to, err)) ||
	    (rc = check_stages(&c, from, to, err)))
		return rc;
	return CRM_OK;
}

/* True when the login is new in to (from may be NULL: no users yet). */
static bool new_user(const struct crm_config *from, const char *login)
{
	return from == NULL || crm_config_user(from, login) == NULL;
}

/* True when more than one user of cfg has the e-mail address. */
static bool email_shared(const struct crm_config *cfg, const char *email)
{
	size_t i, n = 0;

	for (i = 0; i < cfg->nusers; i++)
		if (cfg->users[i].email &&
		    strcasecmp(cfg->users[i].email, email) == 0)
			n++;
	return n > 1;
}

/* Refuses a login or a shared e-mail address that to brings in. */
static int check_new_users(const struct crm_config *from,
			   const struct crm_config *to, struct crm_err *err)
{
	const struct crm_user *u;
	size_t i;

	for (i = 0; i < to->nusers; i++) {
		u = &to->users[i];
		if (new_user(from, u->login) && !crm_config_name_valid(u->login))
			return crm_seterr(err, CRM_ERR, _("'crm.yaml': invalid "
					  "login '%s'\n%s"), u->login,
					  crm_config_name_hint());
		if (u->email && email_shared(to, u->email) &&
		    (from == NULL || !email_shared(from, u->email)))
			return crm_seterr(err, CRM_ERR, _("'crm.yaml': e-mail "
					  "address '%s' is given to more than "
					  "one user"), u->email);
	}
	return CRM_OK;
}

/* How many times p lists stage. */
static size_t stage_count(const struct crm_pipeline *p, const char *stage)
{
	size_t i, n = 0;

	for (i = 0; i < p->nstages; i++)
		n += strcmp(p->stages[i], stage) == 0;
	return n;
}

/* Refuses a stage name that pipeline p of to brings in (old is from's
 * pipeline of that name, or NULL) when it is no valid id or is listed
 * twice. */
static int check_new_stages(const struct crm_pipeline *old,
			    const struct crm_pipeline *p, struct crm_err *err)
{
	const char *st;
	size_t j;

	for (j = 0; j < p->nstages; j++) {
		st = p->stages[j];
		if (old && stage_count(old, st) >= stage_count(p, st))
			continue; /* as it was */
		if (!crm_config_name_valid(st))
			return crm_seterr(err, CRM_ERR, _("'crm.yaml': invalid "
					  "stage name '%s' in pipeline '%s'\n%s"),
					  st, p->name, crm_config_name_hint());
		if (stage_count(p, st) > 1)
			return crm_seterr(err, CRM_ERR, _("'crm.yaml': stage '%s' "
					  "is listed twice in pipeline '%s'"),
					  st, p->name);
	}
	return CRM_OK;
}

/* Refuses a pipeline or stage name to brings in that is no valid id or
 * is given twice. */
static int check_new_pipelines(const struct crm_config *from,
			       const struct crm_config *to, struct crm_err *err)
{
	const struct crm_pipeline *p, *old;
	size_t i, k, same;
	int rc;

	for (i = 0; i < to->npipelines; i++) {
		p = &to->pipelines[i];
		old = from ? crm_config_pipeline(from, p->name) : NULL;
		for (k = 0, same = 0; k < to->npipelines; k++)
			same += strcmp(to->pipelines[k].name, p->name) == 0;
		if (old == NULL && !crm_config_name_valid(p->name))
			return crm_seterr(err, CRM_ERR, _("'crm.yaml': invalid "
					  "pipeline name '%s'\n%s"), p->name,
					  crm_config_name_hint());
		if (same > 1)
			return crm_seterr(err, CRM_ERR, _("'crm.yaml': pipeline "
					  "'%s' is listed twice"), p->name);
		if ((rc = check_new_stages(old, p, err)))
			return rc;
	}
	return CRM_OK;
}

int crm_config_check_names(const struct crm_config *from,
			   const struct crm_config *to, struct crm_err *err)
{
	int rc;

	if ((rc = check_new_users(from, to, err)))
		return rc;
	return check_new_pipelines(from, to, err);
}
