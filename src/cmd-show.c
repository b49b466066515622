/*
 * cmd-show.c - crm show: one record, readable, with what hangs on it.
 *
 * The readable form gives the record's fields (references by name with
 * the short id, times in local time), then its related records from the
 * index: a company's contacts, deals and open tasks (its own and those of
 * its contacts and deals, by due date), a contact's deals and tasks, a
 * deal's tasks.  Text from records is made safe for a terminal there; the
 * JSON form (schema in crm-show(1)) keeps it exact.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct opt_spec show_opts[] = {
	{"timeline", 0, OPT_FLAG, NULL,
	 N_("show only the timeline: entries, stage changes, open tasks")},
	{"type", 0, OPT_VALUE, N_("TYPE"),
	 N_("take REF among the records of TYPE only")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* The column a field's value starts at, after the label. */
#define LABEL_WIDTH 16

/* Widest a column of related records grows, in terminal columns. */
#define COL_MAX 40

/* ---- text for a terminal ---- */

/* ---- values as shown ---- */

/* The stored date or date-time s as shown into buf: a day as it is, a
 * moment in local time without seconds ("2026-12-01 11:30"); a copy of
 * s when it is neither.  Returns buf. */
static const char *shown_time(const char *s, char *buf, size_t size)
{
	struct crm_date d;
	struct tm tm;
	char *safe;

	if (s == NULL)
		s = "";
	if (crm_date_parse_stored(s, &d) != CRM_OK || !d.has_time ||
	    localtime_r(&d.when, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M", &tm) == 0) {
		/* not a time: shown as it is, made safe for the terminal */
		safe = cli_safe(s);
		snprintf(buf, size, "%s", safe);
		free(safe);
	}
	return buf;
}

/* True when the stored due date s has passed at now. */
static bool is_overdue(const char *s, time_t now)
{
	struct crm_date d;

	if (s == NULL || crm_date_parse_stored(s, &d) != CRM_OK)
		return false;
	return d.has_time ? d.when < now : d.when + 24 * 3600 <= now;
}

/* True for the fields that hold a stored time. */
static bool is_time_field(const char *key)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_ALL, key, false);

	return f && (f->kind == CRM_FIELD_STAMP || f->kind == CRM_FIELD_WHEN);
}

/* The label of a field in the user's language: known fields translated,
 * custom ones as they are. */
static const char *field_label(const char *key)
{
	const struct crm_field *f = crm_field_find(CRM_TYPE_ALL, key, false);

	return f && f->label ? crm_pgettext(f->label) : key;
}

/* Prints one "  label  value" line; the value is made safe for the
 * terminal and its further lines indented under its first. */
static void field_line(struct cli *cli, const char *key, const char *value)
{
	char *label = cli_safe(field_label(key));
	struct crm_buf b = {0};
	size_t w = crm_utf8_width(label);
	const char *v;

	cli_safe_addn(&b, value, strlen(value), true);
	printf("  %s%s%s", color_dim(cli), label, color_reset(cli));
	do
		putchar(' ');
	while (++w < LABEL_WIDTH);
	for (v = b.s; *v; v++) {
		putchar(*v);
		if (*v == '\n' && v[1])
			printf("%*s", LABEL_WIDTH + 2, "");
	}
	putchar('\n');
	crm_buf_free(&b);
	free(label);
}

/* How a reference fared. */
enum ref_state { REF_OK, REF_MISSING, REF_BROKEN };

/*
 * Looks up the record id refers to: on REF_OK *name gets its name, on
 * REF_BROKEN err says why its file cannot be read (the file named), on
 * REF_MISSING nothing has it (removed with rm --force).  Caller frees
 * *name.
 */
static enum ref_state ref_lookup(struct cli *cli, const char *id, char **name,
				 struct crm_err *err)
{
	struct crm_record *r = NULL;
	enum crm_type t;

	*name = NULL;
	memset(err, 0, sizeof(*err));
	if (!crm_id_valid(id) ||
	    crm_store_find_id(cli->store, id, &t, err) != CRM_OK)
		return REF_MISSING;
	if (crm_store_read(cli->store, t, id, &r, err) != CRM_OK)
		return err->status == CRM_ENOTFOUND ? REF_MISSING : REF_BROKEN;
	*name = crm_xstrdup(crm_record_name(r));
	crm_record_free(r);
	return REF_OK;
}

/* The readable value of a reference field: "Acme Ltd (7k2m)",
 * "(missing: 7k2m9xqa4d)" or "(unreadable: FILE)" with a warning on
 * stderr.  Caller frees it. */
static char *ref_text(struct cli *cli, const char *id)
{
	struct crm_buf b = {0};
	struct crm_err err;
	char *name, path[64];
	enum crm_type t;

	switch (ref_lookup(cli, id, &name, &err)) {
	case REF_OK:
		crm_buf_addf(&b, "%s (%s)", name, cli_short_id(id));
		free(name);
		break;
	case REF_MISSING:
		crm_buf_addf(&b, _("(missing: %s)"), id);
		break;
	case REF_BROKEN:
		crm_store_find_id(cli->store, id, &t, NULL);
		if (!crm_record_path(t, id, path, sizeof(path)))
			snprintf(path, sizeof(path), "%s", id);
		crm_buf_addf(&b, _("(unreadable: %s)"), path);
		cli_warning_text(err.msg);
		break;
	}
	return crm_buf_detach(&b);
}

/* A stage as people read it: its display name, and its id after it
 * when they differ ("Proposal (proposal)"), made terminal-safe.  Caller
 * owns it. */
static char *stage_shown(struct cli *cli, const char *pipeline,
			 const char *stage)
{
	const char *name = cli_stage_text(cli, pipeline, stage);
	struct crm_buf b = {0};
	char *safe;

	if (stage == NULL || strcmp(name, stage) == 0)
		return cli_safe(stage);
	crm_buf_addf(&b, "%s (%s)", name, stage);
	safe = cli_safe(b.s);
	crm_buf_free(&b);
	return safe;
}

/* The phones of r as people typed them (phones_typed), else as stored,
 * ", "-joined.  Caller owns it. */
static char *phones_text(const struct crm_record *r, const struct crm_node *v)
{
	const struct crm_node *typed = crm_map_get(r->map, "phones_typed");
	struct crm_buf b = {0};
	size_t i;

	if (v->kind != CRM_NODE_SEQ)
		return crm_node_text(v);
	for (i = 0; i < v->len; i++)
		if (v->items[i]->kind == CRM_NODE_SCALAR)
			crm_buf_addf(&b, "%s%s", b.len ? ", " : "",
				     crm_phone_shown(v->items[i]->str, typed));
	return crm_buf_detach(&b);
}

/* Prints the record's plain fields; references by name, times local,
 * phones as typed. */
static void print_fields(struct cli *cli, const struct crm_record *r)
{
	char *text, when[64];
	size_t i;

	for (i = 0; i < r->map->len; i++) {
		const char *key = r->map->keys[i];
		const struct crm_node *v = r->map->items[i];

		if (strcmp(key, "id") == 0 || strcmp(key, "name") == 0 ||
		    strcmp(key, "timeline") == 0 ||
		    strcmp(key, "stage_history") == 0 ||
		    strcmp(key, "rescheduled") == 0 ||
		    strcmp(key, "phones_typed") == 0)
			continue;
		if (strcmp(key, "phones") == 0) {
			text = phones_text(r, v);
			field_line(cli, key, text);
			free(text);
		} else if (v->kind == CRM_NODE_SCALAR && crm_field_is_ref(key)) {
			text = ref_text(cli, v->str);
			field_line(cli, key, text);
			free(text);
		} else if (v->kind == CRM_NODE_SCALAR && r->type == CRM_DEAL &&
			   strcmp(key, "stage") == 0) {
			text = stage_shown(cli, crm_map_str(r->map, "pipeline"),
					   v->str);
			field_line(cli, key, text);
			free(text);
		} else if (v->kind == CRM_NODE_SCALAR && is_time_field(key)) {
			field_line(cli, key, shown_time(v->str, when,
							sizeof(when)));
		} else {
			text = crm_node_text(v);
			field_line(cli, key, text);
			free(text);
		}
	}
}

/* Prints a section heading. */
static void heading(struct cli *cli, const char *text)
{
	printf("\n%s%s%s\n", color_bold(cli), text, color_reset(cli));
}

/* Prints a task's moves: when, by whom, from which due to which. */
static void print_rescheduled(struct cli *cli, const struct crm_node *h)
{
	char when[64], *by, *from, *to;
	size_t i;

	if (h == NULL || h->kind != CRM_NODE_SEQ || h->len == 0)
		return;
	heading(cli, _("Rescheduled:"));
	for (i = 0; i < h->len; i++) {
		const struct crm_node *e = h->items[i];

		if (e->kind != CRM_NODE_MAP)
			continue;
		from = cli_when_text(crm_map_str(e, "from"));
		to = cli_when_text(crm_map_str(e, "to"));
		by = cli_safe(crm_map_str(e, "by"));
		printf("  %-16s  %s -> %s  %s\n",
		       shown_time(crm_map_str(e, "at"), when, sizeof(when)),
		       from[0] ? from : "-", to, by);
		free(from);
		free(to);
		free(by);
	}
}

/* ---- related records ---- */

/* The related records of type t of record id, from the index: tasks by
 * due date, the others by name.  Caller frees them with crm_rows_free. */
static int find_related(struct cli *cli, const char *id, enum crm_type t,
			struct crm_row **rows, size_t *n)
{
	struct crm_find f = {
		.mask = CRM_TYPE_BIT(t),
		.refers_to = id,
		.indirect = t != CRM_CONTACT,
		.sort = t == CRM_TASK ? "due" : NULL,
	};
	size_t total;

	return crm_find_rows(cli->store, &f, rows, n, &total, &cli->err);
}

/* The cells (owned, safe for the terminal) of one related contact or
 * deal row of type t into cells[0..4). */
static void row_cells(const struct crm_row *r, enum crm_type t, char *cells[4])
{
	char amount[64];

	memset(cells, 0, 4 * sizeof(char *));
	cells[0] = cli_safe(r->name);
	if (t == CRM_CONTACT) {
		cells[1] = cli_safe(crm_row_get(r, "role"));
	} else {
		cells[1] = cli_safe(crm_row_get(r, "stage"));
		if (r->has_amount)
			snprintf(amount, sizeof(amount), "%.15g%s%s", r->amount,
				 crm_row_get(r, "currency") ? " " : "",
				 crm_row_get(r, "currency") ? crm_row_get(r, "currency") : "");
		else
			amount[0] = '\0';
		cells[2] = cli_safe(amount);
	}
	cells[3] = crm_xstrdup(cli_short_id(r->id));
}

/* Prints s padded to width columns (cut with an ellipsis when wider). */
static void put_padded(const char *s, size_t width)
{
	size_t w = 0, len, cw;
	char one[8];

	for (; *s; s += len) {
		len = 1;
		while ((s[len] & 0xc0) == 0x80 && len < 6)
			len++;
		memcpy(one, s, len);
		one[len] = '\0';
		cw = crm_utf8_width(one);
		if (w + cw > width) {
			fputs("…", stdout);
			w++;
			break;
		}
		fputs(one, stdout);
		w += cw;
	}
	while (w++ < width)
		putchar(' ');
}

/* Prints rows of cells in aligned columns; the last column unpadded. */
static void print_columns(struct cli *cli, char *(*cells)[4], size_t n)
{
	size_t width[4] = {0}, i, c, w;

	for (i = 0; i < n; i++)
		for (c = 0; c < 3; c++) {
			w = crm_utf8_width(cells[i][c] ? cells[i][c] : "");
			if (w > width[c])
				width[c] = w > COL_MAX ? COL_MAX : w;
		}
	for (i = 0; i < n; i++) {
		fputs("  ", stdout);
		for (c = 0; c < 3; c++) {
			if (width[c] == 0)
				continue;
			put_padded(cells[i][c] ? cells[i][c] : "", width[c]);
			fputs("  ", stdout);
		}
		printf("%s%s%s\n", color_dim(cli), cells[i][3] ? cells[i][3] : "",
		       color_reset(cli));
	}
}

/* Prints the contacts or deals (t) that hang on id, under a heading. */
static int print_related(struct cli *cli, const char *id, enum crm_type t,
			 const char *title)
{
	struct crm_row *rows;
	char *(*cells)[4];
	size_t n, i, c;

	if (find_related(cli, id, t, &rows, &n))
		return cli_fail(cli);
	if (n == 0) {
		crm_rows_free(rows, n);
		return CRM_OK;
	}
	heading(cli, title);
	cells = crm_xcalloc(n, sizeof(*cells));
	for (i = 0; i < n; i++)
		row_cells(&rows[i], t, cells[i]);
	print_columns(cli, cells, n);
	for (i = 0; i < n; i++)
		for (c = 0; c < 4; c++)
			free(cells[i][c]);
	free(cells);
	crm_rows_free(rows, n);
	return CRM_OK;
}

/* ---- the timeline ---- */

/* One line of the timeline: an entry, a stage change or an open task,
 * its strings borrowed from the records or rows it comes from. */
struct item {
	long long when;            /* for the order; 0 when unreadable */
	size_t seq;                /* the order it was added in */
	const char *at, *kind, *id, *by, *text, *outcome, *due;
	const char *pipeline;      /* a stage change's: text is a stage id */
	bool open;                 /* an open task (at is its due date) */
	enum crm_type from_type;   /* where it was logged */
	const char *from_id, *from_name;
};

/* The items of a timeline, and the records and rows they borrow from. */
struct items {
	struct item *v;
	size_t n, cap;
	struct crm_record **recs;
	size_t nrecs;
	struct crm_row *tasks;
	size_t ntasks;
};

/* A new item at the end of it (zeroed). */
static struct item *item_new(struct items *it)
{
	if (it->n == it->cap) {
		it->cap = it->cap ? 2 * it->cap : 64;
		it->v = crm_xrealloc(it->v, it->cap * sizeof(*it->v));
	}
	memset(&it->v[it->n], 0, sizeof(it->v[0]));
	it->v[it->n].seq = it->n;
	return &it->v[it->n++];
}

/* The Unix time of stored time s, 0 when it is none. */
static long long when_of(const char *s)
{
	struct crm_date d;

	return s && crm_date_parse_stored(s, &d) == CRM_OK ? (long long)d.when
	       : 0;
}

/* Adds r's timeline entries and stage changes, marked as logged in r. */
static void add_record_items(struct items *it, const struct crm_record *r)
{
	const struct crm_node *tl = crm_map_get(r->map, "timeline");
	const struct crm_node *h = crm_map_get(r->map, "stage_history");
	const struct crm_node *e;
	struct item *x;
	size_t i;

	for (i = 0; tl && tl->kind == CRM_NODE_SEQ && i < tl->len; i++) {
		if ((e = tl->items[i])->kind != CRM_NODE_MAP)
			continue;
		x = item_new(it);
		x->at = crm_map_str(e, "at");
		x->when = when_of(x->at);
		x->kind = crm_map_str(e, "kind");
		x->id = crm_map_str(e, "id");
		x->by = crm_map_str(e, "by");
		x->text = crm_map_str(e, "text");
		x->outcome = crm_map_str(e, "outcome");
		x->due = crm_map_str(e, "due");
		x->from_type = r->type;
		x->from_id = r->id;
		x->from_name = crm_record_name(r);
	}
	for (i = 0; h && h->kind == CRM_NODE_SEQ && i < h->len; i++) {
		if ((e = h->items[i])->kind != CRM_NODE_MAP)
			continue;
		x = item_new(it);
		x->at = crm_map_str(e, "at");
		x->when = when_of(x->at);
		x->kind = "stage";
		x->by = crm_map_str(e, "by");
		x->text = crm_map_str(e, "stage");
		x->pipeline = crm_map_str(r->map, "pipeline");
		x->outcome = crm_map_str(e, "reason");
		x->from_type = r->type;
		x->from_id = r->id;
		x->from_name = crm_record_name(r);
	}
}

/* Adds the open tasks of r (for a company, of its contacts and deals
 * too), at their due dates. */
static int add_task_items(struct cli *cli, struct items *it,
			  const struct crm_record *r)
{
	struct crm_row *t;
	struct item *x;
	size_t i;

	if (r->type == CRM_TASK)
		return CRM_OK;
	if (find_related(cli, r->id, CRM_TASK, &it->tasks, &it->ntasks))
		return cli_fail(cli);
	for (i = 0; i < it->ntasks; i++) {
		t = &it->tasks[i];
		x = item_new(it);
		x->open = true;
		x->kind = "task";
		x->at = crm_row_get(t, "due");
		x->when = when_of(x->at);
		x->id = t->id;
		x->by = crm_row_get(t, "owner");
		x->text = t->name;
		x->due = x->at;
		x->from_type = CRM_TASK;
		x->from_id = crm_row_get(t, "for");
		x->from_name = crm_row_ref_name(t, "for");
	}
	return CRM_OK;
}

/* Reads the records of type t that hang on company r and adds their
 * timelines; an unreadable one is warned about and skipped. */
static int add_related_items(struct cli *cli, struct items *it,
			     const struct crm_record *r, enum crm_type t)
{
	struct crm_record *rec;
	struct crm_row *rows;
	size_t n, i;

	if (find_related(cli, r->id, t, &rows, &n))
		return cli_fail(cli);
	it->recs = crm_xrealloc(it->recs, (it->nrecs + n + 1) *
				sizeof(*it->recs));
	for (i = 0; i < n; i++) {
		if (crm_store_read(cli->store, t, rows[i].id, &rec,
				   &cli->err) != CRM_OK) {
			cli_warning_text(cli->err.msg);
			continue;
		}
		it->recs[it->nrecs++] = rec;
		add_record_items(it, rec);
	}
	crm_rows_free(rows, n);
	return CRM_OK;
}

/* Newest first; of one time, the order they were added in. */
static int by_when_desc(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;

	if (a->when != b->when)
		return a->when < b->when ? 1 : -1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Fills it with the timeline of r: its entries and stage changes, its
 * open tasks, and for a company those of its contacts and deals;
 * newest first.  Free it with items_free. */
static int collect_items(struct cli *cli, const struct crm_record *r,
			 struct items *it)
{
	int rc;

	memset(it, 0, sizeof(*it));
	add_record_items(it, r);
	if ((rc = add_task_items(cli, it, r)))
		return rc;
	if (r->type == CRM_COMPANY &&
	    ((rc = add_related_items(cli, it, r, CRM_CONTACT)) ||
	     (rc = add_related_items(cli, it, r, CRM_DEAL))))
		return rc;
	/* qsort is not stable: equal times keep the order they came in */
	if (it->n > 1)
		qsort(it->v, it->n, sizeof(*it->v), by_when_desc);
	return CRM_OK;
}

static void items_free(struct items *it)
{
	size_t i;

	for (i = 0; i < it->nrecs; i++)
		crm_record_free(it->recs[i]);
	free(it->recs);
	crm_rows_free(it->tasks, it->ntasks);
	free(it->v);
}

/* Prints s made safe, its further lines indented by indent. */
static void put_text(const char *s, int indent)
{
	struct crm_buf b = {0};
	const char *v;

	cli_safe_addn(&b, s, strlen(s), true);
	for (v = b.s; v && *v; v++) {
		putchar(*v);
		if (*v == '\n' && v[1])
			printf("%*s", indent, "");
	}
	crm_buf_free(&b);
}

/* The readable kind of an item, in the user's language ("call", "open
 * task"). */
static const char *item_kind(const struct item *x)
{
	static const char *const kinds[][2] = {
		{"call", NC_("timeline", "call")},
		{"meeting", NC_("timeline", "meeting")},
		{"email", NC_("timeline", "email")},
		{"note", NC_("timeline", "note")},
		{"task", NC_("timeline", "task")},
		{"stage", NC_("timeline", "stage")},
	};
	size_t i;

	if (x->open)
		return crm_pgettext(NC_("timeline", "open task"));
	for (i = 0; x->kind && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(x->kind, kinds[i][0]) == 0)
			return crm_pgettext(kinds[i][1]);
	return x->kind ? x->kind : "?";
}

/* Prints s, made safe, padded to width columns (never cut). */
static void put_kind(const char *s, size_t width)
{
	char *safe = cli_safe(s);
	size_t w = crm_utf8_width(safe);

	fputs(safe, stdout);
	while (w++ < width)
		putchar(' ');
	free(safe);
}

/* Prints one item: when, who, kind, text; the outcome and where it was
 * logged (when not in the record self, an id or "") under it. */
static void print_item(struct cli *cli, const char *self,
		       const struct item *x)
{
	bool red = x->open && is_overdue(x->at, cli->now);
	char when[64], *s;

	printf("  %s%-16s%s  ", red ? color_red(cli) : "",
	       shown_time(x->at, when, sizeof(when)),
	       red ? color_reset(cli) : "");
	s = cli_safe(x->by ? x->by : "");
	printf("%-8s  %s", s, color_bold(cli));
	free(s);
	put_kind(item_kind(x), 10);
	printf("%s  ", color_reset(cli));
	if (strcmp(x->kind, "stage") == 0) {
		s = stage_shown(cli, x->pipeline, x->text);
		fputs(s, stdout); /* safe already */
		free(s);
	} else {
		put_text(x->text ? x->text : "", 4);
	}
	putchar('\n');
	if (x->outcome) {
		printf("    %s%s%s ", color_dim(cli), _("outcome:"),
		       color_reset(cli));
		put_text(x->outcome, 4);
		putchar('\n');
	}
	if (x->from_id == NULL || strcmp(x->from_id, self) == 0)
		return;
	s = cli_safe(x->from_name ? x->from_name : "");
	if (x->open)
		printf("    %s%s %s (%s)%s\n", color_dim(cli), _("for"), s,
		       cli_short_id(x->from_id), color_reset(cli));
	else
		printf("    %s%s %s %s (%s)%s\n", color_dim(cli), _("in"),
		       crm_type_name(x->from_type), s,
		       cli_short_id(x->from_id), color_reset(cli));
	free(s);
}

/* Prints the timeline of r under a heading, newest first. */
static int print_timeline(struct cli *cli, const struct crm_record *r)
{
	struct items it;
	size_t i;
	int rc;

	if ((rc = collect_items(cli, r, &it)) == CRM_OK && it.n) {
		heading(cli, _("Timeline:"));
		for (i = 0; i < it.n; i++)
			print_item(cli, r->id, &it.v[i]);
	}
	items_free(&it);
	return rc;
}

/* The types of related records shown for a record of type t, ending
 * with CRM_NTYPES. */
static const enum crm_type *related_types(enum crm_type t)
{
	static const enum crm_type company[] = {CRM_CONTACT, CRM_DEAL,
						CRM_TASK, CRM_NTYPES};
	static const enum crm_type contact[] = {CRM_DEAL, CRM_TASK, CRM_NTYPES};
	static const enum crm_type deal[] = {CRM_TASK, CRM_NTYPES};
	static const enum crm_type none[] = {CRM_NTYPES};

	return t == CRM_COMPANY ? company : t == CRM_CONTACT ? contact
	       : t == CRM_DEAL ? deal : none;
}

/* The heading of the related contacts or deals (t). */
static const char *related_title(enum crm_type t)
{
	return t == CRM_CONTACT ? _("Contacts:") : _("Deals:");
}

/* The readable form; only_timeline: the heading line and the timeline.
 * The open tasks are shown once, in the timeline at their due dates,
 * not in a section of their own. */
static int print_readable(struct cli *cli, const struct crm_record *r,
			  bool only_timeline)
{
	const enum crm_type *rt;
	char *name = cli_safe(crm_record_name(r));
	int rc = CRM_OK;

	printf("%s%s%s  %s%s %s%s\n", color_bold(cli), name, color_reset(cli),
	       color_dim(cli), crm_type_name(r->type), r->id, color_reset(cli));
	free(name);
	if (only_timeline)
		return print_timeline(cli, r);
	print_fields(cli, r);
	if (r->type == CRM_TASK)
		print_rescheduled(cli, crm_map_get(r->map, "rescheduled"));
	for (rt = related_types(r->type); rc == CRM_OK && *rt != CRM_NTYPES; rt++)
		if (*rt != CRM_TASK)
			rc = print_related(cli, r->id, *rt, related_title(*rt));
	if (rc == CRM_OK)
		rc = print_timeline(cli, r);
	return rc;
}

/* ---- JSON ---- */

/* Writes ",\n  KEY: " (no comma before the first key of an object). */
static void json_key(bool *first, const char *key, int indent)
{
	printf("%s\n%*s", *first ? "" : ",", indent, "");
	*first = false;
	json_string(stdout, key);
	fputs(": ", stdout);
}

/* Writes s as a JSON string, or null. */
static void json_str_or_null(const char *s)
{
	if (s)
		json_string(stdout, s);
	else
		fputs("null", stdout);
}

/* Writes a '\n'-joined list of the index as a JSON array. */
static void json_lines(const char *s)
{
	const char *nl;
	bool first = true;

	putchar('[');
	while (s && *s) {
		nl = strchrnul(s, '\n');
		char *one = crm_xstrndup(s, (size_t)(nl - s));

		printf("%s", first ? "" : ", ");
		json_string(stdout, one);
		free(one);
		first = false;
		s = *nl ? nl + 1 : nl;
	}
	putchar(']');
}

/* Writes the object of the phones (the index's '\n'-joined phones) whose
 * form shown (phones_shown, line by line) differs: phones_typed. */
static void json_phone_forms(const char *phones, const char *shown)
{
	const char *p = phones, *q = shown, *pe, *qe;
	bool first = true;
	char *k, *v;

	putchar('{');
	while (p && *p && q && *q) {
		pe = strchrnul(p, '\n');
		qe = strchrnul(q, '\n');
		if (pe - p != qe - q || memcmp(p, q, (size_t)(pe - p)) != 0) {
			k = crm_xstrndup(p, (size_t)(pe - p));
			v = crm_xstrndup(q, (size_t)(qe - q));
			printf("%s", first ? "" : ", ");
			json_string(stdout, k);
			fputs(": ", stdout);
			json_string(stdout, v);
			first = false;
			free(k);
			free(v);
		}
		p = *pe ? pe + 1 : pe;
		q = *qe ? qe + 1 : qe;
	}
	putchar('}');
}

/* Writes "KEY": value, "KEY_name": name [, "KEY_error": why] for a
 * reference field. */
static void json_ref(struct cli *cli, bool *first, const char *key,
		     const struct crm_node *v)
{
	struct crm_buf k = {0};
	struct crm_err err;
	enum ref_state st;
	char *name = NULL;

	json_key(first, key, 2);
	json_node(stdout, v, 2);
	if (v->kind != CRM_NODE_SCALAR)
		return;
	st = ref_lookup(cli, v->str, &name, &err);
	crm_buf_addf(&k, "%s_name", key);
	json_key(first, k.s, 2);
	json_str_or_null(name);
	if (st != REF_OK) {
		crm_buf_free(&k);
		crm_buf_addf(&k, "%s_error", key);
		json_key(first, k.s, 2);
		json_string(stdout, st == REF_MISSING ? "missing" : err.msg);
	}
	free(name);
	crm_buf_free(&k);
}

/* Writes the reference column id and its resolved name of a row. */
static void json_row_ref(bool *first, const char *key, const char *id,
			 const char *name)
{
	char k[32];

	json_key(first, key, 8);
	json_str_or_null(id);
	snprintf(k, sizeof(k), "%s_name", key);
	json_key(first, k, 8);
	json_str_or_null(id ? name : NULL);
}

/* Writes one related row as a JSON object. */
static void json_row(const struct crm_row *r)
{
	bool first = true;

	fputs("{", stdout);
	json_key(&first, "type", 8);
	json_string(stdout, crm_type_name(r->type));
	json_key(&first, "id", 8);
	json_string(stdout, r->id);
	json_key(&first, "name", 8);
	json_str_or_null(r->name);
	json_key(&first, "owner", 8);
	json_str_or_null(crm_row_get(r, "owner"));
	if (r->type == CRM_TASK) {
		json_key(&first, "due", 8);
		json_str_or_null(crm_row_get(r, "due"));
		json_row_ref(&first, "for", crm_row_get(r, "for"), crm_row_ref_name(r, "for"));
	} else if (r->type == CRM_CONTACT) {
		json_key(&first, "role", 8);
		json_str_or_null(crm_row_get(r, "role"));
		json_key(&first, "phones", 8);
		json_lines(crm_row_get(r, "phones"));
		json_key(&first, "phones_typed", 8);
		json_phone_forms(crm_row_get(r, "phones"),
				 crm_row_get(r, "phones_typed"));
		json_key(&first, "emails", 8);
		json_lines(crm_row_get(r, "emails"));
	} else if (r->type == CRM_DEAL) {
		json_key(&first, "stage", 8);
		json_str_or_null(crm_row_get(r, "stage"));
		json_key(&first, "amount", 8);
		if (r->has_amount)
			printf("%.15g", r->amount);
		else
			fputs("null", stdout);
		json_key(&first, "currency", 8);
		json_str_or_null(crm_row_get(r, "currency"));
		json_row_ref(&first, "company", crm_row_get(r, "company"), crm_row_ref_name(r, "company"));
		json_row_ref(&first, "contact", crm_row_get(r, "contact"), crm_row_ref_name(r, "contact"));
	}
	printf("\n      }");
}

/* The key under "related" for records of type t. */
static const char *related_key(enum crm_type t)
{
	return t == CRM_CONTACT ? "contacts" : t == CRM_DEAL ? "deals"
	       : "tasks";
}

/* Writes "related": {"contacts": [...], ...}. */
static int json_related(struct cli *cli, const struct crm_record *r,
			bool *first)
{
	const enum crm_type *rt;
	struct crm_row *rows;
	bool rfirst = true;
	size_t n, i;

	json_key(first, "related", 2);
	putchar('{');
	for (rt = related_types(r->type); *rt != CRM_NTYPES; rt++) {
		if (find_related(cli, r->id, *rt, &rows, &n))
			return cli_fail(cli);
		json_key(&rfirst, related_key(*rt), 4);
		putchar('[');
		for (i = 0; i < n; i++) {
			printf("%s\n      ", i ? "," : "");
			json_row(&rows[i]);
		}
		printf("%s]", n ? "\n    " : "");
		crm_rows_free(rows, n);
	}
	printf("%s}", rfirst ? "" : "\n  ");
	return CRM_OK;
}

/* True for the keys the JSON form adds itself. */
static bool json_own_key(const char *key)
{
	size_t n = strlen(key);

	return strcmp(key, "format_version") == 0 ||
	       strcmp(key, "type") == 0 || strcmp(key, "related") == 0 ||
	       strcmp(key, "activity") == 0 ||
	       (n > 5 && strcmp(key + n - 5, "_name") == 0) ||
	       strcmp(key, "problems") == 0 ||
	       (n > 6 && strcmp(key + n - 6, "_error") == 0);
}

/* Writes "KEY": s when s is given. */
static void json_opt(bool *first, const char *key, const char *s)
{
	if (s == NULL)
		return;
	json_key(first, key, 6);
	json_string(stdout, s);
}

/* Writes one item of the timeline as a JSON object. */
static void json_item(const struct item *x)
{
	bool first = true;

	putchar('{');
	json_key(&first, "kind", 6);
	json_string(stdout, x->open ? "open_task" : x->kind ? x->kind : "");
	json_opt(&first, "id", x->id);
	json_opt(&first, "at", x->at);
	json_opt(&first, "by", x->by);
	json_opt(&first, "text", x->text);
	json_opt(&first, "outcome", x->outcome);
	json_opt(&first, "due", x->due);
	if (x->from_id && !x->open) {
		json_key(&first, "record_type", 6);
		json_string(stdout, crm_type_name(x->from_type));
	}
	if (x->from_id) {
		json_key(&first, x->open ? "for" : "record", 6);
		json_string(stdout, x->from_id);
		json_key(&first, x->open ? "for_name" : "record_name", 6);
		json_str_or_null(x->from_name);
	}
	printf("\n    }");
}

/* Writes "activity": the timeline of r as print_timeline has it. */
static int json_activity(struct cli *cli, const struct crm_record *r,
			 bool *first)
{
	struct items it;
	size_t i;
	int rc;

	if ((rc = collect_items(cli, r, &it)) == CRM_OK) {
		json_key(first, "activity", 2);
		putchar('[');
		for (i = 0; i < it.n; i++) {
			printf("%s\n    ", i ? "," : "");
			json_item(&it.v[i]);
		}
		printf("%s]", it.n ? "\n  " : "");
	}
	items_free(&it);
	return rc;
}

/* The JSON form of --timeline: the record's type, id, name and
 * activity. */
static int print_json_timeline(struct cli *cli, const struct crm_record *r)
{
	bool first = true;
	int rc;

	putchar('{');
	json_key(&first, "format_version", 2);
	putchar('1');
	json_key(&first, "type", 2);
	json_string(stdout, crm_type_name(r->type));
	json_key(&first, "id", 2);
	json_string(stdout, r->id);
	json_key(&first, "name", 2);
	json_string(stdout, crm_record_name(r));
	rc = json_activity(cli, r, &first);
	puts("\n}");
	return rc;
}

/* The JSON form: one document, schema in crm-show(1). */
static int print_json(struct cli *cli, const struct crm_record *r)
{
	struct crm_node *problems;
	bool first = true;
	size_t i;
	int rc;

	putchar('{');
	json_key(&first, "format_version", 2);
	putchar('1');
	json_key(&first, "type", 2);
	json_string(stdout, crm_type_name(r->type));
	for (i = 0; i < r->map->len; i++) {
		const char *key = r->map->keys[i];

		if (json_own_key(key))
			continue;
		if (crm_field_is_ref(key)) {
			json_ref(cli, &first, key, r->map->items[i]);
			continue;
		}
		json_key(&first, key, 2);
		json_node(stdout, r->map->items[i], 2);
	}
	if ((problems = cli_problems_node(cli, r)) != NULL) {
		json_key(&first, "problems", 2);
		json_node(stdout, problems, 2);
		crm_node_free(problems);
	}
	rc = json_related(cli, r, &first);
	if (rc == CRM_OK)
		rc = json_activity(cli, r, &first);
	puts("\n}");
	return rc;
}

/* ---- problems: what crm.yaml does not know ---- */

struct crm_node *cli_problems_node(struct cli *cli, const struct crm_record *r)
{
	struct crm_problem *pr;
	struct crm_node *seq, *m;
	size_t n = crm_record_problems(r, crm_store_config(cli->store), &pr), i;

	if (n == 0)
		return NULL;
	seq = crm_node_new_seq();
	for (i = 0; i < n; i++) {
		m = crm_node_new_map();
		crm_map_set_str(m, "field", pr[i].field);
		crm_map_set_str(m, "message", pr[i].message);
		crm_seq_push(seq, m);
	}
	crm_problems_free(pr, n);
	return seq;
}

/* Warns, one line each, about r's problems (the file and what). */
static void warn_problems(struct cli *cli, const struct crm_record *r)
{
	struct crm_problem *pr;
	size_t n = crm_record_problems(r, crm_store_config(cli->store), &pr), i;
	char path[64];

	crm_record_path(r->type, r->id, path, sizeof(path));
	for (i = 0; i < n; i++)
		cli_warning("'%s': %s", path, pr[i].message);
	if (n)
		fputs(_("hint: crm.yaml does not have it; 'crm set' the field "
			"to a value crm.yaml has\n"), stderr);
	crm_problems_free(pr, n);
}

/* ---- the command ---- */

/* Prints the record's file as stored (its canonical form). */
static int print_yaml(struct cli *cli, const struct crm_record *r)
{
	char *text;
	size_t len;

	if (crm_record_serialize(r, &text, &len, &cli->err))
		return cli_fail(cli);
	fwrite(text, 1, len, stdout);
	free(text);
	return CRM_OK;
}

/* ---- a finished task: an entry of its record's timeline ---- */

/* Prints the finished task e names, readable or as JSON: what it was,
 * who did it and when, and the record whose timeline holds it. */
static int print_done_task(struct cli *cli, const struct crm_entry_ref *e)
{
	const struct crm_node *n;
	struct crm_record *r;
	struct item x = {0};
	bool first = true;
	char *name;

	if (crm_store_read(cli->store, e->type, e->record, &r, &cli->err))
		return cli_fail(cli);
	if ((n = crm_timeline_find(r, e->id)) == NULL) {
		crm_record_free(r);
		return cli_error(cli, CRM_ENOTFOUND, _("no timeline entry '%s'"),
				 e->id);
	}
	x.kind = "task";
	x.id = e->id;
	x.at = crm_map_str(n, "at");
	x.by = crm_map_str(n, "by");
	x.text = crm_map_str(n, "text");
	x.outcome = crm_map_str(n, "outcome");
	x.due = crm_map_str(n, "due");
	x.from_type = r->type;
	x.from_id = r->id;
	x.from_name = crm_record_name(r);
	if (cli->format == FMT_IDS) {
		puts(e->id);
	} else if (cli->format == FMT_JSON) {
		putchar('{');
		json_key(&first, "format_version", 2);
		putchar('1');
		json_key(&first, "type", 2);
		json_string(stdout, "entry");
		printf(",\n  \"entry\": ");
		json_item(&x);
		puts("\n}");
	} else {
		name = cli_safe(x.text ? x.text : "");
		printf(_("%s%s%s  %stask %s, done%s\n"), color_bold(cli), name,
		       color_reset(cli), color_dim(cli), e->id, color_reset(cli));
		free(name);
		heading(cli, _("Timeline:"));
		print_item(cli, "", &x);
	}
	crm_record_free(r);
	return CRM_OK;
}

int cmd_show(struct cli *cli, struct parsed *p)
{
	struct crm_record *r = NULL;
	struct crm_entry_ref entry;
	struct cli_ref how;
	enum crm_type t;
	char id[CRM_ID_LEN + 1];
	int rc;

	if ((rc = cli_one_ref(p, "show")) ||
	    (rc = cli_ref_arg(p, show_opts, "show", CLI_REF_ANY, &how)) ||
	    (rc = cli_resolve_entry(cli, &how, p->pos[0], &t, id, &entry)))
		return rc;
	if (t == CRM_NTYPES)
		return print_done_task(cli, &entry);
	if (crm_store_read(cli->store, t, id, &r, &cli->err))
		return cli_fail(cli);
	if (cli->format != FMT_JSON && cli->format != FMT_IDS)
		warn_problems(cli, r);
	if (cli->format == FMT_JSON && opt_flag(p, show_opts, "timeline"))
		rc = print_json_timeline(cli, r);
	else if (cli->format == FMT_JSON)
		rc = print_json(cli, r);
	else if (cli->format == FMT_YAML)
		rc = print_yaml(cli, r);
	else if (cli->format == FMT_IDS)
		rc = puts(r->id) < 0 ? CRM_ERR : CRM_OK;
	else
		rc = print_readable(cli, r, opt_flag(p, show_opts, "timeline"));
	crm_record_free(r);
	return rc;
}
