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
		key_npub(pk, out, sizeof(out));
		hex_encode(pk, 32, hex);
		printf("%s\n%s\n", out, hex);
	}
	explicit_bzero(sk, sizeof(sk));
	return 0;
}

int
cmd_key(struct cmd_env *env, int argc, char **argv)
{
	bool	 force = false, secret = false;
	int	 i;

	if (cmd_wants_help("key", argc, argv))
		return 0;
	if (argc < 2)
		return cmd_usage("key");
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[1], "new") == 0 && strcmp(argv[i], "--force") == 0)
			force = true;
		else if (strcmp(argv[1], "show") == 0 &&
		    strcmp(argv[i], "--secret") == 0)
			secret = true;
		else
			return cmd_usage("key");
	}
	if (strcmp(argv[1], "new") == 0) {
		if (key_new(env, force, false) != 0)
			return 1;
		return key_show(env, false);
	}
	if (strcmp(argv[1], "show") == 0)
		return key_show(env, secret);
	return cmd_usage("key");
}

int
cmd_init(struct cmd_env *env, int argc, char **argv)
{
	struct store *st;
	int	 rc;

	if (cmd_wants_help("init", argc, argv))
		return 0;
	if (argc != 1)
		return cmd_usage("init");
	if (cmd_store_open(env, 0, true, &st) != ERR_OK)
		return 1;
	store_close(st);
	if ((rc = key_new(env, false, true)) < 0)
		return 1;
	printf("data dir: %s\n", env->datadir);
	return key_show(env, false);
}
