/*
 * cmd-note.c - crm note, crm call, crm meeting: log a touch with a client
 * as an entry of the timeline of a company, contact or deal, one commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The kinds a note may be logged as (a task's entry comes from task
 * done). */
static const char *const note_kinds[] = {"call", "meeting", "email", "note",
					 NULL};

const struct opt_spec note_opts[] = {
	{"kind", 0, OPT_ENUM, N_("KIND"),
	 N_("call, meeting, email or note (the default)"), note_kinds},
	{"outcome", 0, OPT_VALUE, N_("TEXT"), N_("what came of it")},
	{"at", 0, OPT_PAST, N_("WHEN"), N_("when it happened (default: now)")},
	{"type", 0, OPT_VALUE, N_("TYPE"),
	 N_("take REF among the records of TYPE only")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* call and meeting: the same without --kind. */
const struct opt_spec call_opts[] = {
	{"outcome", 0, OPT_VALUE, N_("TEXT"), N_("what came of it")},
	{"at", 0, OPT_PAST, N_("WHEN"), N_("when it happened (default: now)")},
	{"type", 0, OPT_VALUE, N_("TYPE"),
	 N_("take REF among the records of TYPE only")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* The types whose records have a timeline, a company preferred. */
#define NOTE_TYPES (CRM_TYPE_BIT(CRM_COMPANY) | CRM_TYPE_BIT(CRM_CONTACT) | \
		    CRM_TYPE_BIT(CRM_DEAL) | CRM_PREFER(CRM_COMPANY))

/* The TEXT words after REF joined by spaces into *out (caller owns it);
 * reports them missing, blank or not UTF-8. */
static int note_text(struct cli *cli, const struct parsed *p, char **out)
{
	struct crm_buf b = {0};
	size_t i;
	int rc;

	for (i = 1; i < p->npos; i++) {
		if (i > 1)
			crm_buf_addc(&b, ' ');
		crm_buf_adds(&b, p->pos[i]);
	}
	*out = NULL;
	if (b.s == NULL || b.s[strspn(b.s, " \t\n\v\f\r")] == '\0')
		rc = cli_usage_error(cli->cmd,
				     _("the text of the entry is needed"));
	else if (!crm_utf8_valid(b.s, b.len))
		rc = cli_usage_error(cli->cmd, _("the text is not valid UTF-8"));
	else
		rc = CRM_OK;
	if (rc == CRM_OK)
		*out = crm_buf_detach(&b);
	crm_buf_free(&b);
	return rc;
}

/* The stored time of the entry, --at or now, into buf. */
static void entry_time(struct cli *cli, const struct parsed *p, char *buf,
		       size_t size)
{
	struct crm_date d;

	if (opt_date(p, "at", &d))
		crm_date_format(&d, buf, size);
	else
		crm_date_now(cli->now, buf, size);
}

/* Appends an entry of kind to the record REF names and commits it. */
static int log_entry(struct cli *cli, struct parsed *p,
		     const struct opt_spec *spec, const char *kind)
{
	struct crm_entry e = {.kind = kind};
	struct crm_record *r = NULL;
	struct cli_ref how;
	char at[64], id[CRM_ID_LEN + 1], subject[256], line[CRM_ID_LEN + 2];
	char *text = NULL;
	int rc;

	if (p->npos < 2)
		return cli_usage_error(cli->cmd, _("need a record and the "
				       "text of the entry"));
	if ((rc = cli_ref_arg(p, spec, cli->cmd->name, NOTE_TYPES, &how)))
		return rc;
	if ((rc = note_text(cli, p, &text)))
		return rc;
	if ((rc = cli_load(cli, &how, p->pos[0], &r)))
		goto out;
	entry_time(cli, p, at, sizeof(at));
	e.at = at;
	e.by = cli_login(cli);
	e.text = text;
	e.outcome = opt_get(p, spec, "outcome");
	if (crm_timeline_append(r, &e, id, &cli->err)) {
		rc = cli_fail(cli);
		goto out;
	}
	cli_touch(cli, r);
	snprintf(subject, sizeof(subject), "%s %s: %s",
		 crm_type_name(r->type), cli_short_id(r->id), kind);
	snprintf(line, sizeof(line), "%s\n", id);
	rc = cli_commit_record_say(cli, r, subject, cli->cmd->name,
				   cli->quiet ? NULL : line);
out:
	crm_record_free(r);
	free(text);
	return rc;
}

int cmd_note(struct cli *cli, struct parsed *p)
{
	return log_entry(cli, p, note_opts,
			 note_kinds[opt_keyword(p, "kind", 3)]);
}

int cmd_call(struct cli *cli, struct parsed *p)
{
	return log_entry(cli, p, call_opts, "call");
}

int cmd_meeting(struct cli *cli, struct parsed *p)
{
	return log_entry(cli, p, call_opts, "meeting");
}
