/*
 * cmd_key.c: `samizdat init` and `samizdat key`: the data dir, the store
 * and this node's identity.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bech32.h"
#include "cmd.h"
#include "crypto.h"
#include "hex.h"
#include "key.h"

/* Returns: 0 made, 1 one exists already (kept), -1 failed. */
static int
key_new(struct cmd_env *env, bool force, bool quiet_exists)
{
	char	 path[4096];
	uint8_t	 sk[32], pk[32];
	enum err e;

	if (cmd_mkdatadir(env) == -1)
		return -1;
	cmd_path(env, "key", path, sizeof(path));
	if (crypto_keygen(sk) != ERR_OK || crypto_pubkey(sk, pk) != ERR_OK) {
		fprintf(stderr, "samizdat: cannot make a key: no randomness\n");
		return -1;
	}
	if (quiet_exists && access(path, F_OK) == 0)
		return 1;
	e = key_save(path, sk, force);
	explicit_bzero(sk, sizeof(sk));
	return e == ERR_OK ? 0 : -1;
}

int
cmd_key_ensure(struct cmd_env *env)
{
	return key_new(env, false, true) < 0 ? -1 : 0;
}

static int
key_show(struct cmd_env *env, bool secret)
{
	char	 path[4096], out[256], hex[65];
	uint8_t	 sk[32], pk[32];
	struct nip19 n;

	cmd_path(env, "key", path, sizeof(path));
	if (key_load(path, sk) != ERR_OK)
		return 1;
	crypto_pubkey(sk, pk);
	if (secret) {
		memset(&n, 0, sizeof(n));
		n.type = NIP19_NSEC;
		memcpy(n.key, sk, 32);
		nip19_encode(&n, out, sizeof(out));
		printf("%s\n", out);
		explicit_bzero(&n, sizeof(n));
		explicit_bzero(out, sizeof(out));
	} else {
		nip19_npub(pk, out, sizeof(out));
		hex_encode(pk, 32, hex);
		printf("%s\n%s\n", out, hex);
	}
	explicit_bzero(sk, sizeof(sk));
	return 0;
}

int
cmd_key(struct cmd_env *env, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "secret", no_argument, NULL, 's' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};
	bool	 force = false, secret = false;
	const char *what;
	int	 ch;

	optind = 0;
	while ((ch = cmd_getopt(argc, argv, "h", longopts)) > 0) {
		switch (ch) {
		case 'f':
			force = true;
			break;
		case 's':
			secret = true;
			break;
		}
	}
	if ((ch = cmd_operands(env, ch, argc, 1, 1)) != -1)
		return ch;
	what = argv[optind];
	if (strcmp(what, "new") == 0 && !secret) {
		if (key_new(env, force, false) != 0)
			return 1;
		return key_show(env, false);
	}
	if (strcmp(what, "show") == 0 && !force)
		return key_show(env, secret);
	return cmd_usage(env);
}

int
cmd_init(struct cmd_env *env, int argc, char **argv)
{
	struct store *st;
	int	 rc;

	if ((rc = cmd_no_options(env, argc, argv, 0, 0)) != -1)
		return rc;
	if (cmd_store_open(env, 0, true, &st) != ERR_OK)
		return 1;
	store_close(st);
	if ((rc = key_new(env, false, true)) < 0)
		return 1;
	printf("data dir: %s\n", env->datadir);
	return key_show(env, false);
}
