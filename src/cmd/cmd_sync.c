/*
 * cmd_sync.c: `samizdat sync TARGET`: make this node and TARGET hold the
 * same events, moving only what each lacks.  TARGET is another data dir
 * (a USB stick carried between districts: store/stick.h) or a relay
 * (ws:// or wss://: net/sync_ws.h).  Either way the local store
 * remembers the target as a link and which events it holds.  --timeout
 * bounds each step with a relay (default 30 s) and the whole sync with a
 * stick (default STICK_TIMEOUT, 600 s), whose store is refused unless it
 * is exactly the store samizdat makes (store/store_foreign.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "crypto.h"
#include "filter.h"
#include "key.h"
#include "log.h"
#include "progress.h"
#include "stick.h"
#include "store_mesh.h"
#include "sync_ws.h"

static int
sync_relay(struct cmd_env *env, const char *url, const char *fjson, bool up,
    bool down, unsigned timeout, uint64_t future_limit)
{
	struct store *st = NULL;
	struct sync_report rep;
	struct sync_opts o;
	struct progress prog;
	char	 path[4096];
	uint8_t	 sk[32], pk[32];
	int64_t	 lid = 0;
	int	 rc;

	if (cmd_store_open(env, 0, true, &st) != ERR_OK)
		return 1;
	memset(&o, 0, sizeof(o));
	/* With the node's key: uploads go own first, and another samizdat
	 * takes old reports from a node (NIP-42), as the mesh does. */
	cmd_path(env, "key", path, sizeof(path));
	if (access(path, F_OK) == 0 && key_load(path, sk) == ERR_OK &&
	    crypto_pubkey(sk, pk) == ERR_OK) {
		o.node_sk = sk;
		o.as_node = true;
		o.own = pk;
	}
	if (store_link_add(st, url, LINK_RELAY, "sync", NULL, &lid) == ERR_OK)
		o.lid = lid;
	o.future_limit = future_limit;
	progress_init(&prog);
	rc = sync_ws(st, url, fjson ? fjson : "{}", up, down, timeout, &rep,
	    &o);
	explicit_bzero(sk, sizeof(sk));
	if (lid > 0)
		store_link_update(st, lid, rc == 0 ? "synced" : "sync failed",
		    (int64_t)env->now, rc == 0 ? (int64_t)env->now : 0,
		    rep.up_ok, rep.down_ok, rep.up_bad, rc == 0 ? "" :
		    "the last sync did not finish");
	fprintf(stderr, "sync %s%s: have %llu, need %llu; down: %llu accepted, "
	    "%llu already here, %llu rejected; up: %llu accepted, %llu "
	    "already there, %llu rejected; %llu bytes (%llu on the wire), "
	    "%u rounds, %.1f s, %llu index rows read\n",
	    url, rep.fallback ? " (no NIP-77: REQ and EVENT)" : "",
	    (unsigned long long)rep.have, (unsigned long long)rep.need,
	    (unsigned long long)rep.down_ok, (unsigned long long)rep.down_dup,
	    (unsigned long long)rep.down_bad, (unsigned long long)rep.up_ok,
	    (unsigned long long)rep.up_dup, (unsigned long long)rep.up_bad,
	    (unsigned long long)rep.bytes, (unsigned long long)rep.wire,
	    rep.rounds, progress_elapsed(&prog),
	    (unsigned long long)o.neg_reads);
	if (rc != 0)
		fprintf(stderr, "samizdat: run the same sync again to finish; "
		    "what was copied is kept\n");
	store_close(st);
	return rc == 0 ? 0 : 1;
}

/* A data dir: in process, through store/stick.c. */
static int
sync_dir(struct cmd_env *env, const char *target, const char *fjson,
    bool up, bool down, unsigned timeout, const struct config *cfg)
{
	struct blob_opts bo;
	struct stick_opts o;
	struct stick_report rep;
	struct store *local = NULL;
	struct filter f;
	char	 lpath[4096], err[512];
	int	 rc = 1;
	enum err e;

	filter_init(&f);
	if (fjson != NULL && (e = filter_parse(fjson, strlen(fjson), &f)) !=
	    ERR_OK) {
		cmd_err("--filter", e);
		return EXIT_USAGE;
	}
	cmd_path(env, "events.db", lpath, sizeof(lpath));
	if (cmd_store_open(env, 0, true, &local) != ERR_OK)
		goto done;
	memset(&o, 0, sizeof(o));
	o.filter = &f;
	o.up = up;
	o.down = down;
	o.timeout_s = timeout;
	o.progress = true;
	o.future_limit = cfg->future_limit;
	/* The photos and videos of the reports travel too. */
	memset(&bo, 0, sizeof(bo));
	bo.datadir = env->datadir;
	bo.max_size = cfg->blob_max_size;
	bo.budget = cfg->blob_budget;
	bo.keep_metadata = cfg->blob_keep_metadata;
	o.blobs = &bo;
	if (stick_sync(local, lpath, target, &o, &rep, err, sizeof(err)) == 0)
		rc = 0;
	else
		fprintf(stderr, "samizdat: sync: %s\n", err);
	if (rc != 0 && rep.rounds == 0)
		goto done;
	fprintf(stderr, "sync %s: have %zu, need %zu; down: %llu accepted, "
	    "%llu already here, %llu rejected; up: %llu accepted, %llu "
	    "already there, %llu rejected; %llu bytes (%llu negentropy), "
	    "%u rounds, %.1f s (checked in %.3f s, ids read in %.3f s, "
	    "reconciled in %.3f s)\n",
	    target, rep.have, rep.need,
	    (unsigned long long)rep.down.accepted,
	    (unsigned long long)rep.down.duplicate,
	    (unsigned long long)rep.down.rejected,
	    (unsigned long long)rep.up.accepted,
	    (unsigned long long)rep.up.duplicate,
	    (unsigned long long)rep.up.rejected,
	    (unsigned long long)rep.bytes, (unsigned long long)rep.neg_bytes,
	    rep.rounds, rep.secs, rep.t_check, rep.t_read, rep.t_neg);
	fprintf(stderr, "sync %s: blobs down: %llu copied, %llu refused; "
	    "up: %llu copied, %llu refused\n", target,
	    (unsigned long long)rep.blobs_down.accepted,
	    (unsigned long long)rep.blobs_down.rejected,
	    (unsigned long long)rep.blobs_up.accepted,
	    (unsigned long long)rep.blobs_up.rejected);
	if (rc != 0)
		fprintf(stderr, "samizdat: run the same sync again to finish; "
		    "what was copied is kept\n");
done:
	filter_free(&f);
	store_close(local);
	return rc;
}

int
cmd_sync(struct cmd_env *env, int argc, char **argv)
{
	const char *target = NULL, *fjson = NULL;
	struct config cfg;
	bool	 do_up = true, do_down = true;
	unsigned timeout = 0;	/* 0: 30 s a step with a relay, 600 s a stick */
	unsigned long t;
	char	*end;
	int	 ch;
	static const struct option longopts[] = {
		{ "up", no_argument, NULL, 'u' },
		{ "down", no_argument, NULL, 'd' },
		{ "filter", required_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};

	optind = 0;
	while ((ch = cmd_getopt(argc, argv, "h", longopts)) > 0) {
		switch (ch) {
		case 'u':
			do_down = false;
			break;
		case 'd':
			do_up = false;
			break;
		case 'f':
			fjson = optarg;
			break;
		case 't':
			t = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || t < 1 ||
			    t > 3600) {
				fprintf(stderr, "samizdat: sync: --timeout takes "
				    "1 to 3600 seconds\n");
				return EXIT_USAGE;
			}
			timeout = (unsigned)t;
			break;
		}
	}
	if ((ch = cmd_operands(env, ch, argc, 1, 1)) != -1)
		return ch;
	if (!do_up && !do_down)
		return cmd_usage(env);
	target = argv[optind];
	if (cmd_config(env, &cfg) != 0)
		return 1;
	if (strncmp(target, "ws://", 5) == 0 || strncmp(target, "wss://", 6) == 0)
		return sync_relay(env, target, fjson, do_up, do_down,
		    timeout ? timeout : 30, cfg.future_limit);
	return sync_dir(env, target, fjson, do_up, do_down,
	    timeout ? timeout : STICK_TIMEOUT, &cfg);
}
