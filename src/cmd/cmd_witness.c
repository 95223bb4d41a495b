/*
 * cmd_witness.c: `samizdat witnesses ID` (who confirms and disputes a
 * report, counted as docs/witness.md says, in words or --json) and
 * `samizdat vouch` (the operator's "I met this person": a vouch or a
 * revocation signed with the node key and stored through the one ingest
 * path, so the node's phones and peers get it like any event; --list
 * shows the current ones).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bech32.h"
#include "cmd.h"
#include "crypto.h"
#include "event.h"
#include "hex.h"
#include "ingest.h"
#include "key.h"
#include "trust_store.h"
#include "utc.h"
#include "witness.h"
#include "witness_store.h"

/* A 64-hex id or pubkey, or a NIP-19 entity of the wanted kind. */
static bool
parse_key(const char *s, bool event, uint8_t out[32])
{
	struct nip19 n;

	if (strlen(s) == 64 && hex_decode(s, 64, out, 32))
		return true;
	if (nip19_decode(s, &n) != 0)
		return false;
	if (event ? n.type != NIP19_NOTE && n.type != NIP19_NEVENT :
	    n.type != NIP19_NPUB && n.type != NIP19_NPROFILE)
		return false;
	memcpy(out, n.key, 32);
	return true;
}

/* The node's public key from its key file; false (quietly) if none. */
static bool
node_pubkey(struct cmd_env *env, uint8_t pk[32])
{
	char	 path[4096];
	uint8_t	 sk[32];
	bool	 ok;

	cmd_path(env, "key", path, sizeof(path));
	if (key_load(path, sk) != ERR_OK)
		return false;
	ok = crypto_pubkey(sk, pk) == ERR_OK;
	explicit_bzero(sk, sizeof(sk));
	return ok;
}

int
cmd_witnesses(struct cmd_env *env, int argc, char **argv)
{
	struct store *st = NULL;
	struct buf b;
	uint8_t	 id[32], node[32], me[32];
	bool	 json = false, has_me = false;
	int	 ch, rc = 1;
	enum err e;

	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "as", required_argument, NULL, 'a' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};

	optind = 0;
	while ((ch = cmd_getopt(argc, argv, "ha:j", longopts)) > 0) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case 'a':
			if (!parse_key(optarg, false, me)) {
				fprintf(stderr, "samizdat: witnesses: '%s' is "
				    "not a key (npub1... or 64 hex)\n", optarg);
				return EXIT_USAGE;
			}
			has_me = true;
			break;
		}
	}
	if ((ch = cmd_operands(env, ch, argc, 1, 1)) != -1)
		return ch;
	if (!parse_key(argv[optind], true, id)) {
		fprintf(stderr, "samizdat: witnesses: '%s' is not an event id "
		    "(64 hex digits, note1... or nevent1...)\n", argv[optind]);
		return EXIT_USAGE;
	}
	/* Writable: a store made before the witness index gets it now. */
	if (cmd_store_open(env, 0, false, &st) != ERR_OK)
		return 1;
	if (node_pubkey(env, node))
		trust_store_set_node(st, node);
	buf_init(&b, 0);
	if (json) {
		e = witness_json_detail(st, id, has_me ? me : NULL, env->now, &b);
		if (e == ERR_OK)
			printf("%s\n", b.p);
	} else {
		e = witness_print(st, id, has_me ? me : NULL, env->now, stdout);
		if (e == ERR_OK)
			printf("\nrule: %s\n", witness_rule);
	}
	if (e != ERR_OK)
		cmd_err("witnesses", e);
	else
		rc = 0;
	buf_free(&b);
	store_close(st);
	return rc;
}

static int
list_one(const struct witness_vouch *v, void *arg)
{
	char	 npub[100], when[32];
	size_t	 i;

	nip19_npub(v->whom, npub, sizeof(npub));
	utc_text(when, sizeof(when), (int64_t)v->created_at, false);
	printf("%s  %s", npub, when);
	if (v->comment.n > 0) {
		fputs("  ", stdout);
		for (i = 0; i < v->comment.n && i < 200; i++)
			putchar((unsigned char)v->comment.p[i] < 0x20 ? ' ' :
			    v->comment.p[i]);
	}
	putchar('\n');
	(*(int *)arg)++;
	return 0;
}

int
cmd_vouch(struct cmd_env *env, int argc, char **argv)
{
	struct witness_tags wt;
	struct event ev;
	struct ingest_policy pol;
	struct ingest_ctx ctx;
	struct store *st = NULL;
	struct buf tmp, json;
	const char *note = "";
	char	 path[4096], npub[100];
	uint8_t	 sk[32], pk[32], whom[32];
	uint64_t last;
	bool	 revoke = false, list = false;
	int	 ch, rc = 1, n = 0;
	enum err e;

	static const struct option longopts[] = {
		{ "revoke", no_argument, NULL, 'r' },
		{ "list", no_argument, NULL, 'l' },
		{ "message", required_argument, NULL, 'm' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};

	optind = 0;
	while ((ch = cmd_getopt(argc, argv, "hlm:r", longopts)) > 0) {
		switch (ch) {
		case 'r':
			revoke = true;
			break;
		case 'l':
			list = true;
			break;
		case 'm':
			note = optarg;
			break;
		}
	}
	if ((ch = cmd_operands(env, ch, argc, !list, !list)) != -1)
		return ch;
	if (list && revoke)
		return cmd_usage(env);
	if (!list && !parse_key(argv[optind], false, whom)) {
		fprintf(stderr, "samizdat: vouch: '%s' is not a key (npub1... "
		    "or 64 hex)\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (strlen(note) > WITNESS_COMMENT_MAX) {
		fprintf(stderr, "samizdat: vouch: the message is longer than "
		    "%d bytes\n", WITNESS_COMMENT_MAX);
		return EXIT_USAGE;
	}
	cmd_path(env, "key", path, sizeof(path));
	if (key_load(path, sk) != ERR_OK)
		return 1;
	if ((e = crypto_pubkey(sk, pk)) != ERR_OK) {
		explicit_bzero(sk, sizeof(sk));
		cmd_err("vouch", e);
		return 1;
	}
	buf_init(&tmp, 0);
	buf_init(&json, 0);
	ingest_ctx_init(&ctx);
	if (cmd_store_open(env, 0, false, &st) != ERR_OK)
		goto done;
	if (list) {
		if ((e = witness_vouches(st, pk, list_one, &n)) != ERR_OK) {
			cmd_err("vouch", e);
			goto done;
		}
		if (n == 0)
			fprintf(stderr, "samizdat: this node vouches for "
			    "nobody yet\n");
		rc = 0;
		goto done;
	}
	if (memcmp(whom, pk, 32) == 0) {
		fprintf(stderr, "samizdat: vouch: that is this node's own key\n");
		rc = EXIT_USAGE;
		goto done;
	}
	/* Later than the last one for whom, which it must replace. */
	if ((e = witness_vouch_at(st, pk, whom, &last)) != ERR_OK) {
		cmd_err("vouch", e);
		goto done;
	}
	witness_tags(&wt, revoke ? WITNESS_REVOKE : WITNESS_VOUCH, whom, NULL);
	memset(&ev, 0, sizeof(ev));
	ev.created_at = last >= env->now ? last + 1 : env->now;
	ev.kind = WITNESS_KIND;
	ev.tags = wt.tags;
	ev.ntags = wt.ntags;
	ev.content.p = note;
	ev.content.n = strlen(note);
	if ((e = event_sign(&ev, sk, &tmp)) != ERR_OK) {
		cmd_err("vouch", e);
		goto done;
	}
	event_write_json(&ev, &json);
	memset(&pol, 0, sizeof(pol));
	e = ingest_one(&ctx, &pol, st, json.p, json.len, env->now, NULL);
	if (!ingest_accepted(e)) {
		cmd_err("vouch", e);
		goto done;
	}
	nip19_npub(whom, npub, sizeof(npub));
	fprintf(stderr, "samizdat: %s %s\n", revoke ? "no longer vouching for" :
	    "vouching for", npub);
	printf("%s\n", json.p);
	rc = 0;
done:
	explicit_bzero(sk, sizeof(sk));
	store_close(st);
	ingest_ctx_free(&ctx);
	buf_free(&tmp);
	buf_free(&json);
	return rc;
}
