/*
 * cmd-init.c - crm init: create a store.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const struct opt_spec init_opts[] = {
	{"user", 0, OPT_VALUE, N_("LOGIN"), N_("login of the first user")},
	{"name", 0, OPT_VALUE, N_("NAME"), N_("full name of the first user")},
	{"email", 0, OPT_VALUE, N_("EMAIL"), N_("e-mail of the first user")},
	{"sample", 0, OPT_FLAG, NULL, N_("add a small sample of records")},
	{NULL, 0, OPT_FLAG, NULL, NULL},
};

/* A login made from an e-mail's local part or $USER: lowercase letters,
 * digits, '.', '_' and '-'. Caller owns it. */
static char *derive_login(const char *email)
{
	const char *src = email ? email : getenv("USER");
	struct crm_buf b = {0};

	for (; src && *src && *src != '@' && b.len < 64; src++)
		if ((*src >= 'a' && *src <= 'z') || (*src >= 'A' && *src <= 'Z') ||
		    (*src >= '0' && *src <= '9') ||
		    (b.len > 0 && strchr("._-", *src)))
			crm_buf_addc(&b, (char)tolower((unsigned char)*src));
	if (b.len == 0)
		crm_buf_adds(&b, "me");
	return crm_buf_detach(&b);
}

/* The directory to create: DIR, -C DIR, $CRM_DIR or the default store. */
static const char *target_dir(struct cli *cli, struct parsed *p, char *buf,
			      size_t size)
{
	const char *env = getenv("CRM_DIR");

	if (p->npos)
		return p->pos[0];
	if (cli->dir_opt)
		return cli->dir_opt;
	if (env && env[0])
		return env;
	return cli_default_store(buf, size);
}

/* Opens the new store for the sample data, as its first user. */
static int add_sample(struct cli *cli, const char *dir)
{
	int rc = crm_store_open(dir, &cli->store, &cli->err);

	if (rc == CRM_OK)
		rc = crm_store_lock(cli->store, cli->lock_timeout_ms, &cli->err);
	if (rc)
		return cli_fail(cli);
	return sample_populate(cli);
}

int cmd_init(struct cli *cli, struct parsed *p)
{
	char buf[PATH_MAX], *email, *name, *login;
	const char *dir = target_dir(cli, p, buf, sizeof(buf));
	int rc;

	if (p->npos > 1)
		return cli_usage_error(cli->cmd,
				       _("too many arguments"));
	if (dir == NULL)
		return cli_error(cli, CRM_ENOSTORE, "%s\n%s", _(cli_no_home_msg),
				 _(cli_no_home_hint));
	email = opt_get(p, init_opts, "email")
		? crm_xstrdup(opt_get(p, init_opts, "email"))
		: crm_git_config("user.email");
	name = opt_get(p, init_opts, "name")
	       ? crm_xstrdup(opt_get(p, init_opts, "name"))
	       : crm_git_config("user.name");
	login = opt_get(p, init_opts, "user")
		? crm_xstrdup(opt_get(p, init_opts, "user"))
		: derive_login(email);
	if (!crm_config_name_valid(login)) {
		rc = cli_usage_error(cli->cmd, _("invalid login '%s'\n%s"),
				     login, crm_config_name_hint());
		goto out;
	}
	rc = crm_store_init(dir, login, name, email, cli->now, &cli->err);
	if (rc)
		rc = cli_fail(cli);
	else if (opt_flag(p, init_opts, "sample"))
		rc = add_sample(cli, dir);
	if (rc == CRM_OK && !cli->quiet)
		printf(_("Created a crm store in %s for %s\n"), dir, login);
out:
	free(email);
	free(name);
	free(login);
	return rc;
}
