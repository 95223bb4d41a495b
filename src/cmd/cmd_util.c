/*
 * cmd_util.c: what the subcommands share -- usage lines, the data dir and
 * opening its store with advice a person can act on.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config_file.h"
#include "log.h"

int
cmd_usage(const struct cmd_env *env)
{
	fprintf(stderr, "usage: samizdat [-d dir] %s\n", env->cmd->usage);
	return EXIT_USAGE;
}

int
cmd_help(const struct cmd_env *env)
{
	printf("usage: samizdat [-d dir] %s\n%s\n", env->cmd->usage,
	    env->cmd->help);
	return 0;
}

int
cmd_getopt(int argc, char **argv, const char *optstring,
    const struct option *longopts)
{
	int	 ch;

	switch ((ch = getopt_long(argc, argv, optstring, longopts, NULL))) {
	case -1:
		return CMD_OPT_END;
	case 'h':
		return CMD_OPT_HELPED;
	case '?':
	case ':':
		return CMD_OPT_BAD;
	default:
		return ch;
	}
}

int
cmd_operands(const struct cmd_env *env, int ch, int argc, int min, int max)
{
	if (ch == CMD_OPT_HELPED)
		return cmd_help(env);
	if (ch != CMD_OPT_END || argc - optind < min || argc - optind > max)
		return cmd_usage(env);
	return -1;
}

int
cmd_no_options(const struct cmd_env *env, int argc, char **argv, int min,
    int max)
{
	static const struct option longopts[] = {
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};

	optind = 0;
	return cmd_operands(env, cmd_getopt(argc, argv, "h", longopts), argc,
	    min, max);
}

void
cmd_path(const struct cmd_env *env, const char *file, char *out, size_t sz)
{
	snprintf(out, sz, "%s/%s", env->datadir, file);
}

int
cmd_mkdatadir(const struct cmd_env *env)
{
	char	 path[4096], *p;

	if (strlen(env->datadir) >= sizeof(path)) {
		log_warnx("%s: path too long", env->datadir);
		return -1;
	}
	strcpy(path, env->datadir);
	/* mkdir -p, the last component 0700. */
	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			log_warn("%s", path);
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		log_warn("%s", path);
		return -1;
	}
	return 0;
}

void
cmd_err(const char *what, enum err e)
{
	char	 r[256];

	fprintf(stderr, "samizdat: %s: %s\n", what, err_reason(e, r,
	    sizeof(r)));
}

enum err
cmd_store_open(const struct cmd_env *env, int flags, bool create,
    struct store **sp)
{
	char	 path[4096];
	enum err e;

	cmd_path(env, "events.db", path, sizeof(path));
	if (access(path, F_OK) == -1) {
		if (!create) {
			fprintf(stderr, "samizdat: no store in %s; run "
			    "'samizdat -d %s init' first\n", env->datadir,
			    env->datadir);
			return ERR_IO;
		}
		if (cmd_mkdatadir(env) == -1)
			return ERR_IO;
	}
	if ((e = store_open(sp, path, flags)) == ERR_OK)
		return ERR_OK;
	switch (e) {
	case ERR_DB_BUSY:
		fprintf(stderr, "samizdat: %s is locked by another process; "
		    "try again when it is done\n", path);
		break;
	case ERR_DB_CORRUPT:
		fprintf(stderr, "samizdat: %s is not a usable samizdat store; "
		    "move it aside and run 'samizdat init', then import an "
		    "export or sync from a peer\n", path);
		break;
	case ERR_DB_FULL:
		fprintf(stderr, "samizdat: the disk holding %s is full; free "
		    "some space and try again\n", path);
		break;
	default:
		cmd_err(path, e);
	}
	return e;
}

int
cmd_config(const struct cmd_env *env, struct config *cfg)
{
	char	 path[4096], err[512];

	config_defaults(cfg);
	cmd_path(env, "samizdat.conf", path, sizeof(path));
	if (config_load(cfg, path, err, sizeof(err)) != 0 ||
	    config_check(cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "samizdat: %s\n", err);
		return -1;
	}
	return 0;
}
