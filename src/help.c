/*
 * help.c - usage lines and help, generated from the command table and the
 * option tables, so that what --help says is what the parser accepts.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Width a usage line is wrapped at. */
#define USAGE_WIDTH 79

/* "--name ARG" or "-n ARG" for option o into buf. */
static const char *option_synopsis(const struct opt_spec *o, char *buf,
				   size_t size)
{
	snprintf(buf, size, "%s%s%s%s", o->name[1] ? "--" : "-", o->name,
		 o->arg ? " " : "", o->arg ? _(o->arg) : "");
	return buf;
}

/* Adds word to the usage line in b, wrapping under indent columns. */
static void usage_word(struct crm_buf *b, size_t *col, size_t indent,
		       const char *word)
{
	size_t w = crm_utf8_width(word);

	if (*col + 1 + w > USAGE_WIDTH && *col > indent) {
		crm_buf_addf(b, "\n%*s", (int)indent, "");
		*col = indent;
	} else {
		crm_buf_addc(b, ' ');
		(*col)++;
	}
	crm_buf_adds(b, word);
	*col += w;
}

/* Prints c's usage line, its options generated from its table, after
 * head_fmt (a translated "usage: crm %s\n" or "   or: crm %s\n"). */
static void print_usage_line(const struct cmd *c, const char *head_fmt,
			     FILE *f)
{
	struct crm_buf b = {0};
	const struct opt_spec *o;
	char head[128], opt[96], word[112];
	size_t col, indent;

	snprintf(head, sizeof(head), head_fmt, c->name);
	head[strcspn(head, "\n")] = '\0';
	crm_buf_adds(&b, head);
	col = indent = crm_utf8_width(head);
	if (c->usage && c->usage[0])
		usage_word(&b, &col, indent, _(c->usage));
	for (o = c->opts; o && o->name; o++) {
		snprintf(word, sizeof(word), "[%s]",
			 option_synopsis(o, opt, sizeof(opt)));
		usage_word(&b, &col, indent, word);
	}
	fprintf(f, "%s\n", b.s);
	crm_buf_free(&b);
}

/*
 * Prints c's usage: for a command with subcommands, one line for each
 * of them ("usage:" then "   or:", as git does), else c's own.
 */
void cli_print_usage(const struct cmd *c, FILE *f)
{
	const struct cmd *s;

	if (c->subs == NULL || c->subs[0].name == NULL) {
		print_usage_line(c, _("usage: crm %s\n"), f);
		return;
	}
	for (s = c->subs; s->name; s++)
		print_usage_line(s, s == c->subs ? _("usage: crm %s\n")
						 : _("   or: crm %s\n"), f);
}

void cli_print_short_usage(const struct cmd *c, FILE *f)
{
	char line[512];

	snprintf(line, sizeof(line), "%s%s%s%s", c->name,
		 c->usage && c->usage[0] ? " " : "", c->usage ? _(c->usage) : "",
		 c->opts && c->opts[0].name ? _(" [options]") : "");
	fprintf(f, _("usage: crm %s\n"), line);
}

/* Prints the option table spec to f, one option a line with its help;
 * the option called skip (may be NULL) is left out. */
static void print_options(const struct opt_spec *spec, const char *skip,
			  FILE *f)
{
	const struct opt_spec *o;
	char left[96], syn[80];
	size_t w;

	for (o = spec; o->name; o++) {
		if (skip && strcmp(o->name, skip) == 0)
			continue;
		option_synopsis(o, syn, sizeof(syn));
		if (o->shortname && o->name[1])
			snprintf(left, sizeof(left), "-%c, %s", o->shortname, syn);
		else
			snprintf(left, sizeof(left), "%s%s", o->name[1] ? "    " : "",
				 syn);
		w = crm_utf8_width(left);
		fprintf(f, "  %s%*s %s\n", left, (int)(w < 24 ? 24 - w : 0), "",
			_(o->help));
	}
}

/* True when a subcommand of c before sub has an option called name. */
static bool earlier_sub_has(const struct cmd *c, const struct cmd *sub,
			    const char *name)
{
	const struct cmd *s;
	const struct opt_spec *o;

	for (s = c->subs; s < sub; s++)
		for (o = s->opts; o && o->name; o++)
			if (strcmp(o->name, name) == 0)
				return true;
	return false;
}

/* Prints the options of c's subcommands, each name once, under
 * "options:" (nothing when they have none). */
static void print_sub_options(const struct cmd *c, FILE *f)
{
	const struct cmd *s;
	const struct opt_spec *o;
	struct opt_spec one[2] = {{0}};
	bool head = false;

	for (s = c->subs; s->name; s++) {
		for (o = s->opts; o && o->name; o++) {
			if (earlier_sub_has(c, s, o->name))
				continue;
			if (!head)
				fprintf(f, _("\noptions:\n"));
			head = true;
			one[0] = *o;
			print_options(one, NULL, f);
		}
	}
}

void cli_print_command_help(const struct cmd *c, FILE *f)
{
	const struct cmd *s;

	cli_print_usage(c, f);
	fprintf(f, "\n%s\n", _(c->summary));
	if (c->subs) {
		fprintf(f, _("\ncommands:\n"));
		for (s = c->subs; s->name; s++)
			fprintf(f, "  %-16s %s\n", s->name, _(s->summary));
	}
	if (c->opts && c->opts[0].name) {
		fprintf(f, _("\noptions:\n"));
		print_options(c->opts, NULL, f);
	}
	if (c->subs)
		print_sub_options(c, f);
	if (!(c->flags & CMD_NO_GLOBALS)) {
		fprintf(f, _("\nglobal options (also before the command):\n"));
		print_options(global_opts, "version", f);
	}
	fprintf(f, _("\nSee 'man crm-%.*s' for details.\n"),
		(int)strcspn(c->name, " "), c->name);
}

void cli_print_main_help(FILE *f)
{
	const struct cmd *c;

	fprintf(f, _("usage: crm [-C DIR] [--format FMT] [--no-color] [-q] "
		     "[--user LOGIN] COMMAND [ARGS]\n\n"));
	fprintf(f, _("commands:\n"));
	for (c = crm_commands; c->name; c++)
		if (!(c->flags & CMD_HIDDEN))
			fprintf(f, "  %-10s %s\n", c->name, _(c->summary));
	fprintf(f, _("\nglobal options:\n"));
	print_options(global_opts, NULL, f);
	fprintf(f, _("\nSee 'crm help COMMAND' or 'man crm' for more.\n"));
}

/* The one visible command whose name starts with name ("stat" for
 * status), or NULL when none or several do. */
static const char *only_prefixed(const char *name)
{
	const struct cmd *c;
	const char *found = NULL;
	size_t len = strlen(name);

	for (c = crm_commands; c->name && len; c++) {
		if ((c->flags & CMD_HIDDEN) || strncmp(c->name, name, len) != 0)
			continue;
		if (found)
			return NULL;
		found = c->name;
	}
	return found;
}

/* Prints a hint naming every visible command, for a name close to none. */
static void hint_commands(void)
{
	const struct cmd *c;
	const char *sep = "";

	fprintf(stderr, _("hint: the commands are:"));
	for (c = crm_commands; c->name; c++) {
		if (c->flags & CMD_HIDDEN)
			continue;
		fprintf(stderr, "%s %s", sep, c->name);
		sep = ",";
	}
	fputc('\n', stderr);
}

/* Reports that name is no command, with the nearest one (the one command
 * it begins, else a close spelling) as a hint, or else the list of
 * commands. */
static int no_such_command(struct cli *cli, const char *name)
{
	const char *cands[64] = {NULL}, *hint;
	const struct cmd *c;
	size_t n = 0;

	for (c = crm_commands; c->name && n < 64; c++)
		if (!(c->flags & CMD_HIDDEN))
			cands[n++] = c->name;
	hint = only_prefixed(name);
	if (hint == NULL)
		hint = crm_suggest(name, cands, n);
	cli_error(cli, CRM_EUSAGE, _("no such command '%s'"), name);
	if (hint)
		fprintf(stderr, _("hint: did you mean 'crm %s'?\n"), hint);
	else
		hint_commands();
	return CRM_EUSAGE | CLI_REPORTED;
}

/*
 * crm help [COMMAND [SUBCOMMAND]]: the main help, or one command's.  A
 * word after the command (or after its subcommand) is a usage error that
 * names it, never ignored.
 */
int cmd_help(struct cli *cli, struct parsed *p)
{
	const struct cmd *c, *sub;
	size_t used = 1;

	if (p->npos == 0) {
		cli_print_main_help(stdout);
		return CRM_OK;
	}
	c = cli_find_command(p->pos[0]);
	if (c == NULL || (c->flags & CMD_HIDDEN))
		return no_such_command(cli, p->pos[0]);
	if (c->subs && p->npos > 1 &&
	    (sub = cli_find_subcommand(c, p->pos[1])) != NULL) {
		c = sub;
		used = 2;
	}
	if (p->npos > used)
		return cli_usage_error(cli->cmd, _("unexpected argument '%s' "
				       "after 'crm help %s'"), p->pos[used],
				       c->name);
	cli_print_command_help(c, stdout);
	return CRM_OK;
}
