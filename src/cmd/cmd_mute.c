/*
 * cmd_mute.c: `samizdat mute KEY`, `samizdat unmute KEY` and `samizdat
 * policy`.  The operator's mutes are a NIP-51 mute list (kind 10000)
 * signed with the node's key and stored through the one ingest path, so
 * any client can read them and the daemon picks them up on its timer
 * (store/guard_tick.c); the list's other entries are kept as they are.
 * `policy` prints the running daemon's state, which it saves to
 * policy.db every few seconds (policy_db.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bech32.h"
#include "cmd.h"
#include "crypto.h"
#include "event.h"
#include "filter.h"
#include "hex.h"
#include "ingest.h"
#include "key.h"
#include "policy_db.h"

#define MUTE_MAX_TAGS	10000

/* npub1... or 64 hex characters.  Returns: 0, or -1. */
static int
parse_key(const char *s, uint8_t pk[32])
{
	struct nip19 n;

	if (strlen(s) == 64 && hex_decode(s, 64, pk, 32))
		return 0;
	if (nip19_decode(s, &n) == 0 && n.type == NIP19_NPUB) {
		memcpy(pk, n.key, 32);
		return 0;
	}
	return -1;
}

/* The node's current mute list, as stored JSON (the newest). */
static int
got_list(const char *json, size_t len, void *arg)
{
	struct buf *b = arg;

	buf_reset(b);
	buf_append(b, json, len);
	return 1;
}

static int
mute_edit(struct cmd_env *env, int argc, char **argv, bool mute)
{
	const char *verb = mute ? "mute" : "unmute";
	struct event old, ev;
	struct tag *tags = NULL;
	struct str (*vals)[2] = NULL;
	struct ingest_policy pol;
	struct ingest_ctx ctx;
	struct filter f;
	struct store *st = NULL;
	struct buf cur, tmp, json;
	char	 path[4096], hex[65];
	uint8_t	 sk[32], node[32], pk[32];
	uint32_t kind = 10000;
	void	*scratch = NULL;
	size_t	 i, n = 0, np = 0;
	bool	 had = false, have_old = false;
	int	 rc = 1;
	enum err e;

	if ((rc = cmd_no_options(env, argc, argv, 1, 1)) != -1)
		return rc;
	rc = 1;
	if (parse_key(argv[optind], pk) != 0) {
		fprintf(stderr, "samizdat: %s: %s is not an npub or a hex "
		    "public key\n", verb, argv[optind]);
		return EXIT_USAGE;
	}
	hex_encode(pk, 32, hex);
	cmd_path(env, "key", path, sizeof(path));
	if (key_load(path, sk) != ERR_OK)
		return 1;
	if (crypto_pubkey(sk, node) != ERR_OK) {
		explicit_bzero(sk, sizeof(sk));
		cmd_err(verb, ERR_KEY);
		return 1;
	}
	buf_init(&cur, 0);
	buf_init(&tmp, 0);
	buf_init(&json, 0);
	ingest_ctx_init(&ctx);
	if (cmd_store_open(env, 0, false, &st) != ERR_OK)
		goto done;
	filter_init(&f);
	f.authors = &node;
	f.nauthors = 1;
	f.kinds = &kind;
	f.nkinds = 1;
	f.has_limit = true;
	f.limit = 1;
	if ((e = store_query(st, &f, 1, env->now, 0, got_list, &cur)) !=
	    ERR_OK) {
		cmd_err(verb, e);
		goto done;
	}
	if (cur.len > 0) {
		if ((scratch = malloc(EVENT_SCRATCH(cur.len))) == NULL ||
		    event_parse(cur.p, cur.len, NULL, &old, scratch,
		    EVENT_SCRATCH(cur.len)) != ERR_OK) {
			fprintf(stderr, "samizdat: %s: the stored mute list "
			    "cannot be read\n", verb);
			goto done;
		}
		have_old = true;
	}
	if ((tags = calloc(MUTE_MAX_TAGS + 1, sizeof(*tags))) == NULL ||
	    (vals = calloc(1, sizeof(*vals))) == NULL)
		goto done;
	/* The old list's entries, but the key's own p tag. */
	for (i = 0; have_old && i < old.ntags && n < MUTE_MAX_TAGS; i++) {
		const struct tag *t = &old.tags[i];

		if (t->n >= 2 && t->v[0].n == 1 && t->v[0].p[0] == 'p' &&
		    t->v[1].n == 64 && strncmp(t->v[1].p, hex, 64) == 0) {
			had = true;
			if (!mute)
				continue;
		}
		tags[n++] = *t;
	}
	if (mute && had) {
		printf("already muted: %s\n", argv[optind]);
		rc = 0;
		goto done;
	}
	if (!mute && !had) {
		printf("not muted: %s\n", argv[optind]);
		rc = 0;
		goto done;
	}
	if (mute) {
		vals[0][0].p = "p";
		vals[0][0].n = 1;
		vals[0][1].p = hex;
		vals[0][1].n = 64;
		tags[n].v = vals[0];
		tags[n].n = 2;
		n++;
	}
	memset(&ev, 0, sizeof(ev));
	/* A replaceable event: the newer one wins, so a second later. */
	ev.created_at = have_old && old.created_at >= env->now ?
	    old.created_at + 1 : env->now;
	ev.kind = kind;
	ev.tags = tags;
	ev.ntags = n;
	ev.content.p = have_old ? old.content.p : "";
	ev.content.n = have_old ? old.content.n : 0;
	e = event_sign(&ev, sk, &tmp);
	if (e != ERR_OK) {
		cmd_err(verb, e);
		goto done;
	}
	event_write_json(&ev, &json);
	memset(&pol, 0, sizeof(pol));
	e = ingest_one(&ctx, &pol, st, json.p, json.len, env->now, NULL);
	if (!ingest_accepted(e)) {
		cmd_err(verb, e);
		goto done;
	}
	for (i = 0; i < n; i++)
		np += tags[i].n >= 2 && tags[i].v[0].n == 1 &&
		    tags[i].v[0].p[0] == 'p';
	printf("%s %s: the node's mute list (NIP-51, kind 10000) names "
	    "%zu keys; a running node reads it within 15 seconds\n",
	    mute ? "muted" : "unmuted", argv[optind], np);
	rc = 0;
done:
	explicit_bzero(sk, sizeof(sk));
	store_close(st);
	ingest_ctx_free(&ctx);
	free(scratch);
	free(tags);
	free(vals);
	buf_free(&cur);
	buf_free(&tmp);
	buf_free(&json);
	return rc;
}

int
cmd_mute(struct cmd_env *env, int argc, char **argv)
{
	return mute_edit(env, argc, argv, true);
}

int
cmd_unmute(struct cmd_env *env, int argc, char **argv)
{
	return mute_edit(env, argc, argv, false);
}

static uint64_t
num(json_t *o, const char *a, const char *b)
{
	json_t	*v = json_object_get(o, a);

	if (b != NULL)
		v = json_object_get(v, b);
	return json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
}

static bool
flag(json_t *o, const char *a, const char *b)
{
	return json_is_true(json_object_get(json_object_get(o, a), b));
}

static double
mb(uint64_t b)
{
	return (double)b / 1e6;
}

int
cmd_policy(struct cmd_env *env, int argc, char **argv)
{
	struct policy_db *db = NULL;
	struct buf b;
	json_t	*j = NULL, *tiers, *r;
	json_error_t jerr;
	char	 path[4096];
	uint64_t at = 0;
	size_t	 i;
	bool	 raw = false;
	int	 ch, rc = 1;
	enum err e;
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};

	optind = 0;
	while ((ch = cmd_getopt(argc, argv, "hj", longopts)) > 0) {
		switch (ch) {
		case 'j':
			raw = true;
			break;
		}
	}
	if ((ch = cmd_operands(env, ch, argc, 0, 0)) != -1)
		return ch;
	cmd_path(env, "policy.db", path, sizeof(path));
	buf_init(&b, 0);
	if ((e = policy_db_open(&db, path, true)) != ERR_OK ||
	    (e = policy_db_state_get(db, &b, &at)) != ERR_OK || at == 0) {
		fprintf(stderr, "samizdat: policy: no state in %s: the node "
		    "has not run with this data dir yet\n", path);
		goto done;
	}
	if (raw) {
		printf("%.*s\n", (int)b.len, b.p);
		rc = 0;
		goto done;
	}
	if ((j = json_loadb(b.p, b.len, 0, &jerr)) == NULL) {
		fprintf(stderr, "samizdat: policy: the saved state cannot be "
		    "read\n");
		goto done;
	}
	printf("as of %llu s ago (the running node saves it every 2 s)\n",
	    (unsigned long long)(env->now > at ? env->now - at : 0));
	printf("proof of work  difficulty %llu asked of unvouched keys "
	    "(%llu to %llu); last %llu s: %llu of their events, %llu a "
	    "minute is calm\n", (unsigned long long)num(j, "difficulty", NULL),
	    (unsigned long long)num(j, "pow_min", NULL),
	    (unsigned long long)num(j, "pow_max", NULL),
	    (unsigned long long)num(j, "load", "window"),
	    (unsigned long long)num(j, "load", "last"),
	    (unsigned long long)num(j, "load", "calm_per_minute"));
	printf("quotas         an unvouched key: %llu events, %llu bytes an "
	    "hour, %llu of them forwarded; a source: %llu, %llu forwarded; "
	    "a key with history: x%llu\n",
	    (unsigned long long)num(j, "quota", "events"),
	    (unsigned long long)num(j, "quota", "bytes"),
	    (unsigned long long)num(j, "quota", "forward"),
	    (unsigned long long)num(j, "quota", "source_events"),
	    (unsigned long long)num(j, "quota", "source_forward"),
	    (unsigned long long)num(j, "quota", "history"));
	printf("               proof of work lifts them:");
	tiers = json_object_get(json_object_get(j, "quota"), "tiers");
	for (i = 0; i < json_array_size(tiers); i++)
		printf(" %llu bits x%llu%s", (unsigned long long)num(
		    json_array_get(tiers, i), "difficulty", NULL),
		    (unsigned long long)num(json_array_get(tiers, i), "times",
		    NULL), i + 1 < json_array_size(tiers) ? "," : "\n");
	printf("quarantine     %llu events held back from other nodes, "
	    "%llu keys and %llu sources counted this hour\n",
	    (unsigned long long)num(j, "held", NULL),
	    (unsigned long long)num(j, "counted", "keys"),
	    (unsigned long long)num(j, "counted", "sources"));
	printf("mutes          %llu keys muted by the operator, %llu named "
	    "by vouched people (%llu needed)\n",
	    (unsigned long long)num(j, "muted", NULL),
	    (unsigned long long)num(j, "mute_signals", "keys"),
	    (unsigned long long)num(j, "mute_signals", "needed"));
	printf("budget         %.1f MB used of %.1f MB%s; %llu ids evicted "
	    "and remembered\n", mb(num(j, "budget", "used")),
	    mb(num(j, "budget", "bytes")), flag(j, "budget", "full") ?
	    " -- FULL: refusing events" : "",
	    (unsigned long long)num(j, "evicted", NULL));
	printf("disk           %.1f MB free of %.1f MB, %.1f MB kept in "
	    "reserve%s\n", mb(num(j, "disk", "free")),
	    mb(num(j, "disk", "total")), mb(num(j, "disk", "reserve")),
	    flag(j, "disk", "low") ? " -- LOW: refusing events" : "");
	r = json_object_get(json_object_get(j, "since_start"), "refused");
	printf("since start    %llu accepted, %llu held, %llu released, "
	    "%llu evicted; refused: %llu pow, %llu quota, %llu source, "
	    "%llu muted, %llu evicted, %llu store full, %llu disk low\n",
	    (unsigned long long)num(j, "since_start", "accepted"),
	    (unsigned long long)num(j, "since_start", "held"),
	    (unsigned long long)num(j, "since_start", "released"),
	    (unsigned long long)num(j, "since_start", "evicted"),
	    (unsigned long long)num(r, "pow", NULL),
	    (unsigned long long)num(r, "quota", NULL),
	    (unsigned long long)num(r, "source", NULL),
	    (unsigned long long)num(r, "muted", NULL),
	    (unsigned long long)num(r, "evicted", NULL),
	    (unsigned long long)num(r, "store_full", NULL),
	    (unsigned long long)num(r, "disk_low", NULL));
	rc = 0;
done:
	json_decref(j);
	policy_db_close(db);
	buf_free(&b);
	return rc;
}
