/*
 * timeline.c - the timeline of a record: calls, meetings, e-mails, notes
 * and finished tasks, kept as entries of its timeline: list, each with an
 * id of its own so that two clones' timelines merge by id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

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
