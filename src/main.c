/*
 * main.c - crm's entry point: global options, the command table, store
 * set-up for the commands that need it, external crm-NAME commands.
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const struct opt_spec no_opts[] = {{NULL, 0, OPT_FLAG, NULL, NULL}};

const struct opt_spec global_opts[] = {
	{"C", 'C', OPT_VALUE, N_("DIR"), N_("use the store in DIR")},
	{"format", 0, OPT_VALUE, N_("FMT"),
	 N_("output format: table, json, csv, tsv, ids, yaml")},
	{"no-color", 0, OPT_FLAG, NULL, N_("no colour")},
	{"quiet", 'q', OPT_FLAG, NULL, N_("print nothing but errors")},
	{"user", 0, OPT_VALUE, N_("LOGIN"), N_("act as this user of crm.yaml")},
	{"version", 0, OPT_FLAG, NULL, N_("print the version")},
	{"help", 'h', OPT_FLAG, NULL, N_("show help")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

const struct cmd crm_commands[] = {
	{"init", cmd_init, 0, init_opts,
	 N_("init [--user LOGIN] [--name NAME] [--email EMAIL] [--sample] [DIR]"),
	 N_("create a new store")},
	{"add", cmd_add, CMD_STORE | CMD_LOCK, add_opts,
	 N_("add company|contact|deal|task [NAME...] [options]"),
	 N_("add a record and print its id")},
	{"show", cmd_show, CMD_STORE, show_opts, N_("show REF"),
	 N_("show one record and what hangs on it")},
	{"list", cmd_list, CMD_STORE | CMD_DASH, list_opts,
	 N_("list TYPE [QUERY...] [--sort FIELD] [--limit N] [--reverse]"),
	 N_("list the records of a type")},
	{"search", cmd_search, CMD_STORE | CMD_DASH, search_opts,
	 N_("search QUERY... [--limit N]"),
	 N_("find records of every type, best matches first")},
	{"set", cmd_set, CMD_STORE | CMD_LOCK, set_opts,
	 N_("set REF KEY=VALUE|KEY+=VALUE|KEY-=VALUE|KEY=..."),
	 N_("change fields of a record")},
	{"tag", cmd_tag, CMD_STORE | CMD_LOCK | CMD_DASH, tag_opts,
	 N_("tag REF [+]TAG... [-TAG...]"), N_("add and remove tags")},
	{"rm", cmd_rm, CMD_STORE | CMD_LOCK, rm_opts, N_("rm REF [--force]"),
	 N_("remove a record")},
	{"edit", cmd_edit, CMD_STORE | CMD_WRITES, edit_opts, N_("edit REF"),
	 N_("edit a record in $EDITOR")},
	{"log", cmd_log, CMD_STORE, log_opts, N_("log [REF] [-n N]"),
	 N_("show the history of the store or of a record")},
	{"undo", cmd_undo, CMD_STORE | CMD_LOCK, undo_opts, N_("undo"),
	 N_("revert the last change made by crm")},
	{"status", cmd_status, CMD_STORE, status_opts, N_("status"),
	 N_("list files edited outside crm")},
	{"commit", cmd_commit, CMD_STORE | CMD_LOCK, commit_opts,
	 N_("commit [-m MESSAGE]"), N_("validate and commit files edited by hand")},
	{"reindex", cmd_reindex, CMD_STORE, reindex_opts, N_("reindex"),
	 N_("rebuild the search index")},
	{"help", cmd_help, 0, help_opts, N_("help [COMMAND]"),
	 N_("show help for crm or a command")},
	{"__complete", cmd_complete, CMD_HIDDEN, no_opts,
	 N_("__complete WHAT [ARG]"), N_("answers for shell completion")},
	{NULL, NULL, 0, NULL, NULL, NULL},
};

const struct cmd *cli_find_command(const char *name)
{
	const struct cmd *c;

	for (c = crm_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int cli_error(struct cli *cli, int status, const char *fmt, ...)
{
	va_list ap;

	(void)cli;
	fprintf(stderr, _("crm: error: "));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

int cli_fail(struct cli *cli)
{
	return cli_error(cli, cli->err.status ? cli->err.status : CRM_ERR, "%s",
			 cli->err.msg);
}

int cli_usage_error(const struct cmd *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, _("crm: error: "));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c)
		fprintf(stderr, _("usage: crm %s\n"), _(c->usage));
	return CRM_EUSAGE;
}

int cli_type_arg(const struct parsed *p, const char *name, enum crm_type *t)
{
	const struct cmd *c = cli_find_command(name);

	if (p->npos == 0)
		return cli_usage_error(c, _("which type: company, contact, "
					    "deal or task?"));
	if (!crm_type_parse(p->pos[0], t))
		return cli_usage_error(c, _("unknown type '%s' (use company, "
					    "contact, deal or task)"), p->pos[0]);
	return CRM_OK;
}

int cli_one_ref(const struct parsed *p, const char *name)
{
	if (p->npos == 1)
		return CRM_OK;
	return cli_usage_error(cli_find_command(name),
			       p->npos ? _("too many arguments")
				       : _("which record?"));
}

/* Prints the option table spec to f. */
static void print_options(const struct opt_spec *spec, FILE *f)
{
	const struct opt_spec *o;
	char left[64];

	for (o = spec; o->name; o++) {
		if (o->shortname && o->name[1])
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->shortname,
				 o->name, o->arg ? " " : "", o->arg ? _(o->arg) : "");
		else if (o->name[1])
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
				 o->arg ? " " : "", o->arg ? _(o->arg) : "");
		else
			snprintf(left, sizeof(left), "-%s%s%s", o->name,
				 o->arg ? " " : "", o->arg ? _(o->arg) : "");
		fprintf(f, "  %s%*s %s\n", left,
			(int)(24 - (crm_utf8_width(left) < 24 ? crm_utf8_width(left)
							      : 24)), "",
			_(o->help));
	}
}

void cli_print_command_help(const struct cmd *c, FILE *f)
{
	fprintf(f, _("usage: crm %s\n\n%s\n"), _(c->usage), _(c->summary));
	if (c->opts[0].name) {
		fprintf(f, _("\noptions:\n"));
		print_options(c->opts, f);
	}
	fprintf(f, _("\nSee 'man crm-%s' for details.\n"), c->name);
}

/* Prints the general help. */
static void print_main_help(FILE *f)
{
	const struct cmd *c;

	fprintf(f, _("usage: crm [-C DIR] [--format FMT] [--no-color] [-q] "
		     "[--user LOGIN] COMMAND [ARGS]\n\n"));
	fprintf(f, _("commands:\n"));
	for (c = crm_commands; c->name; c++)
		if (!(c->flags & CMD_HIDDEN))
			fprintf(f, "  %-10s %s\n", c->name, _(c->summary));
	fprintf(f, _("\nglobal options:\n"));
	print_options(global_opts, f);
	fprintf(f, _("\nSee 'crm help COMMAND' or 'man crm' for more.\n"));
}

int cmd_help(struct cli *cli, struct parsed *p)
{
	const struct cmd *c;

	if (p->npos == 0) {
		print_main_help(stdout);
		return CRM_OK;
	}
	c = cli_find_command(p->pos[0]);
	if (c == NULL || (c->flags & CMD_HIDDEN))
		return cli_error(cli, CRM_EUSAGE, _("no such command '%s'"),
				 p->pos[0]);
	cli_print_command_help(c, stdout);
	return CRM_OK;
}

const char *cli_login(struct cli *cli)
{
	const struct crm_user *u = cli->store ? crm_store_user(cli->store) : NULL;

	return u ? u->login : "";
}

const char *cli_short_id(const char *id)
{
	static char buf[5];

	snprintf(buf, sizeof(buf), "%.4s", id);
	return buf;
}

void cli_touch(struct cli *cli, struct crm_record *r)
{
	char stamp[40];

	crm_date_now(cli->now, stamp, sizeof(stamp));
	crm_map_set_str(r->map, "updated", stamp);
}

/* Prints the phases of the last commit when CRM_TRACE is set. */
static void trace_commit(struct cli *cli)
{
	const struct crm_timings *t = crm_store_timings(cli->store);
	const char *e = getenv("CRM_TRACE");

	if (e == NULL || e[0] == '\0' || strcmp(e, "0") == 0)
		return;
	fprintf(stderr, "crm: trace: worktree %.2f ms\n", t->worktree_ms);
	fprintf(stderr, "crm: trace: tree+commit %.2f ms\n", t->tree_ms);
	fprintf(stderr, "crm: trace: ref %.2f ms\n", t->ref_ms);
	fprintf(stderr, "crm: trace: index %.2f ms%s\n", t->index_ms,
		t->index_fallback ? " (libgit2)" : "");
	fprintf(stderr, "crm: trace: pack %.2f ms\n", t->pack_ms);
}

int cli_commit(struct cli *cli, struct crm_txn *txn, const char *subject,
	       const char *command)
{
	int rc = crm_txn_commit(txn, subject, command, &cli->err);

	if (rc)
		return cli_fail(cli);
	trace_commit(cli);
	return CRM_OK;
}

int cli_commit_record(struct cli *cli, const struct crm_record *r,
		      const char *subject, const char *command)
{
	struct crm_txn *txn = crm_txn_new(cli->store);
	int rc = crm_txn_put(txn, r, &cli->err);

	rc = rc ? cli_fail(cli) : cli_commit(cli, txn, subject, command);
	crm_txn_free(txn);
	return rc;
}

/* ${XDG_DATA_HOME:-$HOME/.local/share}/crm into buf. */
static const char *default_store(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		snprintf(buf, size, "%s/crm", xdg);
	else
		snprintf(buf, size, "%s/.local/share/crm", home ? home : ".");
	return buf;
}

/* The login of the user whose e-mail is git's user.email, or NULL. */
static const char *user_from_git(struct crm_store *s)
{
	char *email = crm_git_config("user.email");
	const struct crm_user *u = email ? crm_config_user_by_email(
		crm_store_config(s), email) : NULL;

	free(email);
	return u ? u->login : NULL;
}

/* Opens the store for a command and, for one that writes, picks the
 * acting user. */
static int open_store(struct cli *cli, bool writes)
{
	char def[PATH_MAX], cwd[PATH_MAX], *root = NULL;
	const char *login;
	int rc;

	rc = crm_store_discover(cli->dir_opt, getenv("CRM_DIR"),
				getcwd(cwd, sizeof(cwd)),
				default_store(def, sizeof(def)), &root, &cli->err);
	if (rc)
		return cli_fail(cli);
	rc = crm_store_open(root, &cli->store, &cli->err);
	free(root);
	if (rc)
		return cli_fail(cli);
	login = cli->user ? cli->user : writes ? user_from_git(cli->store) : NULL;
	if (login && crm_store_set_user(cli->store, login, &cli->err))
		return cli_fail(cli);
	return CRM_OK;
}

/* Runs crm-NAME from PATH, as git does; returns only on failure. */
static int run_external(const char *name, int argc, char **argv)
{
	char prog[256];
	const struct cmd *c;
	const char *cands[32], *hint;
	size_t n = 0;

	snprintf(prog, sizeof(prog), "crm-%s", name);
	argv[0] = prog;
	(void)argc;
	if (strchr(name, '/') == NULL)
		execvp(prog, argv);
	for (c = crm_commands; c->name && n < 32; c++)
		if (!(c->flags & CMD_HIDDEN))
			cands[n++] = c->name;
	fprintf(stderr, _("crm: error: '%s' is not a crm command. See 'crm help'.\n"),
		name);
	hint = crm_suggest(name, cands, n);
	if (hint)
		fprintf(stderr, _("hint: did you mean 'crm %s'?\n"), hint);
	return CRM_EUSAGE;
}

/* Applies the parsed global options to cli. */
static int apply_globals(struct cli *cli, const struct parsed *g)
{
	static const char *const formats[] = {
		"table", "json", "csv", "tsv", "ids", "yaml",
	};
	const char *f = opt_get(g, global_opts, "format");
	size_t i;

	cli->dir_opt = opt_get(g, global_opts, "C");
	cli->quiet = opt_flag(g, global_opts, "quiet");
	cli->user = opt_get(g, global_opts, "user");
	if (cli->user == NULL && getenv("CRM_USER") && getenv("CRM_USER")[0])
		cli->user = getenv("CRM_USER");
	cli->color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL &&
		     !opt_flag(g, global_opts, "no-color");
	if (f == NULL)
		return CRM_OK;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(f, formats[i]) == 0) {
			cli->format = (enum out_format)i;
			cli->format_set = true;
			return CRM_OK;
		}
	}
	return cli_usage_error(NULL, _("unknown format '%s' (use table, json, "
				       "csv, tsv, ids or yaml)"), f);
}

/* The lock timeout from CRM_LOCK_TIMEOUT (seconds), default 60 s. */
static long lock_timeout(void)
{
	const char *e = getenv("CRM_LOCK_TIMEOUT");
	char *end;
	long v;

	if (e == NULL || e[0] == '\0')
		return 60000;
	v = strtol(e, &end, 10);
	if (*end != '\0' || v < 0 || v > 86400)
		return 60000;
	return v * 1000;
}

/* Counts the leading global options of argv (up to the command). */
static int count_globals(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || strcmp(argv[i], "-") == 0)
			break;
		if (strcmp(argv[i], "--") == 0)
			return i;
		if ((strcmp(argv[i], "-C") == 0 || strcmp(argv[i], "--format") == 0 ||
		     strcmp(argv[i], "--user") == 0) && i + 1 < argc)
			i++;
	}
	return i - 1;
}

/* Runs command c with its arguments. */
static int run_command(struct cli *cli, const struct cmd *c, int argc,
		       char **argv)
{
	struct parsed p = {0};
	int rc, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_print_command_help(c, stdout);
			return CRM_OK;
		}
	}
	rc = cli_parse(c->opts, c->flags & CMD_DASH, argc - 1, argv + 1, &p,
		       &cli->err);
	if (rc) {
		rc = cli_usage_error(c, "%s", cli->err.msg);
		goto out;
	}
	if ((c->flags & CMD_STORE) &&
	    (rc = open_store(cli, c->flags & (CMD_LOCK | CMD_WRITES))))
		goto out;
	if ((c->flags & CMD_LOCK) &&
	    (rc = crm_store_lock(cli->store, cli->lock_timeout_ms, &cli->err))) {
		rc = cli_fail(cli);
		goto out;
	}
	if (cli->store && isatty(STDERR_FILENO) && !cli->quiet)
		crm_store_set_progress(cli->store, cli_progress, NULL);
	rc = c->fn(cli, &p);
out:
	cli_parsed_free(&p);
	return rc;
}

/* Sets up translation: the installed catalogue, or CRM_LOCALEDIR's. */
static void setup_i18n(void)
{
	const char *dir = getenv("CRM_LOCALEDIR");

	setlocale(LC_ALL, "");
	bindtextdomain("crm", dir && dir[0] ? dir : CRM_LOCALEDIR);
	bind_textdomain_codeset("crm", "UTF-8");
	textdomain("crm");
}

#ifndef CRM_PHONE_MODULE
#define CRM_PHONE_MODULE "/usr/local/lib/crm/crm-phone.so"
#endif

/*
 * Tells the library where the phone number module is (it loads it when
 * it first reads a number): next to the program when that runs from its
 * build directory, else where make install puts it.  Two system calls;
 * nothing is loaded here.
 */
static void setup_phone(void)
{
	static const char name[] = "/crm-phone.so";
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	char *slash;

	if (n > 0) {
		path[n] = '\0';
		slash = strrchr(path, '/');
		if (slash != NULL &&
		    (size_t)(slash - path) + sizeof(name) <= sizeof(path)) {
			memcpy(slash, name, sizeof(name));
			if (access(path, F_OK) == 0) {
				crm_phone_set_module(path);
				return;
			}
		}
	}
	crm_phone_set_module(CRM_PHONE_MODULE);
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	struct parsed g = {0};
	const struct cmd *c;
	int ng, rc;

	setup_i18n();
	cli.now = time(NULL);
	cli.lock_timeout_ms = lock_timeout();
	ng = count_globals(argc, argv);
	if (cli_parse(global_opts, false, ng, argv + 1, &g, &cli.err)) {
		rc = cli_usage_error(NULL, "%s", cli.err.msg);
		goto out;
	}
	if ((rc = apply_globals(&cli, &g)))
		goto out;
	if (opt_flag(&g, global_opts, "version")) {
		printf("crm %s\n", CRM_VERSION);
		goto out;
	}
	if (ng + 1 >= argc || opt_flag(&g, global_opts, "help")) {
		print_main_help(ng + 1 >= argc && !opt_flag(&g, global_opts, "help")
				? stderr : stdout);
		rc = ng + 1 >= argc && !opt_flag(&g, global_opts, "help")
		     ? CRM_EUSAGE : CRM_OK;
		goto out;
	}
	c = cli_find_command(argv[ng + 1]);
	if (c == NULL) {
		rc = run_external(argv[ng + 1], argc - ng - 1, argv + ng + 1);
		goto out;
	}
	setup_phone();
	rc = run_command(&cli, c, argc - ng - 1, argv + ng + 1);
out:
	cli_parsed_free(&g);
	crm_store_close(cli.store);
	if (fflush(stdout) != 0 && rc == CRM_OK)
		rc = cli_error(&cli, CRM_ERR, _("cannot write output: %s"),
			       strerror(errno));
	return rc;
}
