/*
 * timeline.c - the timeline of a record: calls, meetings, e-mails, notes
 * and finished tasks, kept as entries of its timeline: list, each with an
 * id of its own so that two clones' timelines merge by id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store-internal.h"

static const char *const entry_kinds[] = {
	"call", "meeting", "email", "note", "task", NULL,
};

const char *const *crm_timeline_kinds(void)
{
	return entry_kinds;
}

bool crm_timeline_kind_valid(const char *kind)
{
	size_t i;

	for (i = 0; entry_kinds[i]; i++)
		if (strcmp(entry_kinds[i], kind) == 0)
			return true;
	return false;
}

/* The timeline list of r, added empty when absent. */
static struct crm_node *timeline_of(struct crm_record *r)
{
	struct crm_node *n = crm_map_get(r->map, "timeline");

	if (n == NULL || n->kind != CRM_NODE_SEQ) {
		crm_map_set(r->map, "timeline", crm_node_new_seq());
		n = crm_map_get(r->map, "timeline");
	}
	return n;
}

/* Sets key of m to s when s is given and not empty. */
static void set_if(struct crm_node *m, const char *key, const char *s)
{
	if (s && s[0])
		crm_map_set_str(m, key, s);
}

int crm_timeline_append(struct crm_record *r, const struct crm_entry *e,
			char id[CRM_ID_LEN + 1], struct crm_err *err)
{
	struct crm_node *m;
	int rc;

	if (e->kind == NULL || !crm_timeline_kind_valid(e->kind))
		return crm_seterr(err, CRM_EUSAGE, _("unknown kind of timeline "
				  "entry '%s' (it is one of call, meeting, "
				  "email, note, task)"), e->kind ? e->kind : "");
	if (e->at == NULL || e->at[0] == '\0')
		return crm_seterr(err, CRM_EUSAGE, "%s",
				  _("a timeline entry needs its time"));
	if (e->id)
		snprintf(id, CRM_ID_LEN + 1, "%s", e->id);
	else if ((rc = crm_id_generate(id, err)))
		return rc;
	m = crm_node_new_map();
	crm_map_set_str(m, "id", id);
	crm_map_set_str(m, "kind", e->kind);
	crm_map_set_str(m, "at", e->at);
	set_if(m, "by", e->by);
	set_if(m, "text", e->text);
	set_if(m, "due", e->due);
	set_if(m, "outcome", e->outcome);
	crm_seq_push(timeline_of(r), m);
	return CRM_OK;
}

const struct crm_node *crm_timeline_find(const struct crm_record *r,
					 const char *id)
{
	const struct crm_node *tl = crm_map_get(r->map, "timeline");
	const char *eid;
	size_t i;

	for (i = 0; tl && tl->kind == CRM_NODE_SEQ && i < tl->len; i++) {
		eid = crm_map_str(tl->items[i], "id");
		if (eid && strcmp(eid, id) == 0)
			return tl->items[i];
	}
	return NULL;
}

/* The GLOB pattern of the ids beginning with ref into buf (lowercased);
 * false when ref cannot begin an id. */
static bool id_pattern(const char *ref, char *buf, size_t size)
{
	size_t i, n = strlen(ref);

	if (n < 4 || n > CRM_ID_LEN || n + 2 > size)
		return false;
	for (i = 0; i < n; i++) {
		if (!((ref[i] >= '0' && ref[i] <= '9') ||
		      (ref[i] >= 'a' && ref[i] <= 'z') ||
		      (ref[i] >= 'A' && ref[i] <= 'Z')))
			return false;
		buf[i] = ref[i] >= 'A' && ref[i] <= 'Z' ? ref[i] - 'A' + 'a'
			 : ref[i];
	}
	buf[n] = '*';
	buf[n + 1] = '\0';
	return true;
}

/* Copies column i of st (text or NULL) into buf. */
static void column_copy(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	snprintf(buf, size, "%s", v ? (const char *)v : "");
}

int crm_store_find_entry(struct crm_store *s, const char *ref,
			 struct crm_entry_ref *out, struct crm_err *err)
{
	char pat[CRM_ID_LEN + 2];
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc, n = 0;

	memset(out, 0, sizeof(*out));
	if (!id_pattern(ref, pat, sizeof(pat)))
		return crm_seterr(err, CRM_ENOTFOUND, _("no timeline entry "
				  "'%s'"), ref);
	if ((rc = crm_store_index(s, &db, err)))
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT e.id, e.kind, r.type, r.id FROM"
			       " entries e JOIN records r ON r.rid = e.rid"
			       " WHERE e.id GLOB ?1 ORDER BY e.id LIMIT 2",
			       -1, &st, NULL) != SQLITE_OK)
		return crm_seterr(err, CRM_ERR, _("index: %s"),
				  sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, pat, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW && n++ == 0) {
		column_copy(st, 0, out->id, sizeof(out->id));
		column_copy(st, 1, out->kind, sizeof(out->kind));
		out->type = (enum crm_type)sqlite3_column_int(st, 2);
		column_copy(st, 3, out->record, sizeof(out->record));
	}
	sqlite3_finalize(st);
	/* a whole id is no prefix of another (ids have one length) */
	if (n == 0)
		return crm_seterr(err, CRM_ENOTFOUND, _("no timeline entry "
				  "'%s'"), ref);
	if (n > 1)
		return crm_seterr(err, CRM_EAMBIGUOUS, _("timeline entry '%s' "
				  "is ambiguous"), ref);
	return CRM_OK;
}
