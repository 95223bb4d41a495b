/*
 * main.c: samizdat, one binary for the daemon and the CLI.  Global options,
 * the data dir, then one row of cmd_table does the work.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "crypto.h"
#include "log.h"
#include "store.h"
#include "version.h"

const struct cmd cmd_table[] = {
	{ "init", cmd_init, "init",
	    "create the data dir, the store and this node's key" },
	{ "key", cmd_key, "key new [--force] | key show [--secret]",
	    "make or show this node's key (npub)" },
	{ "post", cmd_post, "post [-k kind] [-t name=value]... "
	    "[--photo file [--alt text]]... text",
	    "sign a note with this node's key, store it, print it" },
	{ "blob", cmd_blob, "blob put [--keep-metadata] [--thumb] file | "
	    "blob get [-o file] hash | blob ls",
	    "keep, fetch or list photos and videos (Blossom blobs)" },
	{ "import", cmd_import, "import [-j workers] [file | -]",
	    "add JSON-lines events, checking every id and signature" },
	{ "export", cmd_export, "export [filter-json]",
	    "print stored events as JSON lines, newest first" },
	{ "query", cmd_query, "query filter-json",
	    "print the stored events that match NIP-01 filters" },
	{ "verify", cmd_verify, "verify [file | -]",
	    "check ids and signatures of JSON-lines events; store nothing" },
	{ "sync", cmd_sync,
	    "sync [--up | --down] [--filter json] [--timeout s] "
	    "datadir | ws://relay",
	    "exchange missing events with a relay or a data dir (a USB stick)" },
	{ "serve", cmd_serve,
	    "serve [-n] [--listen addr:port] [--no-discovery] [-o key=value]...",
	    "run the relay and the phone page (default port 4848)" },
	{ "peers", cmd_peers, "peers",
	    "list the peers and relays the node syncs with" },
	{ "status", cmd_status, "status event-id",
	    "say where an event is: here, which peers, which relays" },
	{ "mute", cmd_mute, "mute npub",
	    "add a key to the node's mute list (NIP-51): not stored, not "
	    "passed on" },
	{ "unmute", cmd_unmute, "unmute npub",
	    "take a key off the node's mute list" },
	{ "policy", cmd_policy, "policy [--json]",
	    "show the flood defence: difficulty, quotas, what is held, the "
	    "budget and the disk" },
	{ "witnesses", cmd_witnesses, "witnesses [--json] [--as npub] event-id",
	    "who confirms and disputes a report, and how far each is trusted" },
	{ "vouch", cmd_vouch, "vouch [-m text] [--revoke] npub | vouch --list",
	    "vouch for a person met (signed with this node's key), or revoke" },
	{ "archive", cmd_archive,
	    "archive [--filter json] [--tar] [--for npub] out | "
	    "archive verify [--node npub] [--roots file] archive | archive open sealed out.tar | "
	    "archive extract archive event-id out | archive root [--now]",
	    "write, check or open an evidence archive (docs/archive.md)" },
	{ NULL, NULL, NULL, NULL }
};

static void
usage(FILE *f)
{
	const struct cmd *c;

	fprintf(f, "usage: samizdat [-qv] [-d dir] command [args]\n"
	    "       samizdat --version\n\ncommands:\n");
	for (c = cmd_table; c->name != NULL; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->help);
	fprintf(f, "\nThe data dir is -d, else $SAMIZDAT_DIR, else "
	    "$XDG_DATA_HOME/samizdat.\n'samizdat command --help' and "
	    "samizdat(1) say more.\n");
}

/* -d, then $SAMIZDAT_DIR, then $XDG_DATA_HOME/samizdat, then ~/.local/share. */
static const char *
default_datadir(void)
{
	static char path[4096];
	const char *env;

	if ((env = getenv("SAMIZDAT_DIR")) != NULL && env[0] != '\0')
		return env;
	if ((env = getenv("XDG_DATA_HOME")) != NULL && env[0] == '/')
		snprintf(path, sizeof(path), "%s/samizdat", env);
	else if ((env = getenv("HOME")) != NULL && env[0] != '\0')
		snprintf(path, sizeof(path), "%s/.local/share/samizdat", env);
	else
		snprintf(path, sizeof(path), "./samizdat-data");
	return path;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_env env;
	const struct cmd *c;
	const char *dir = NULL;
	char	 name[64];
	int	 ch, rc;

	store_process_init();
	memset(&env, 0, sizeof(env));
	env.argv0 = argv[0];
	/* "+": global options stop at the first word that is not one. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+d:hqv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			dir = optarg;
			break;
		case 'v':
			log_verbose++;
			env.verbosity_set = true;
			break;
		case 'q':
			log_verbose = 0;
			env.verbosity_set = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("samizdat %s\n", SAMIZDAT_VERSION);
			return 0;
		default:
			if (optopt != 0 && optopt != 'd')
				fprintf(stderr, "samizdat: unknown option -%c\n",
				    optopt);
			else if (optopt == 'd')
				fprintf(stderr, "samizdat: -d needs a "
				    "directory\n");
			else
				fprintf(stderr, "samizdat: unknown option %s\n",
				    argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (c = cmd_table; c->name != NULL; c++)
		if (strcmp(c->name, argv[optind]) == 0)
			break;
	if (c->name == NULL) {
		fprintf(stderr, "samizdat: unknown command '%s'\n",
		    argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	env.cmd = c;
	/* getopt_long's messages about the command's options name it. */
	opterr = 1;
	snprintf(name, sizeof(name), "samizdat %s", c->name);
	argv[optind] = name;
	env.datadir = dir != NULL ? dir : default_datadir();
	env.now = (uint64_t)time(NULL);
	if (crypto_init() != 0)
		fatalx("cannot initialise libsecp256k1");
	rc = c->fn(&env, argc - optind, argv + optind);
	crypto_free();
	return rc;
}
