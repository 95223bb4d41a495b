/*
 * cmd_sync.c: `samizdat sync TARGET`: make this node and TARGET hold the
 * same events, moving only what each lacks.  TARGET is another data dir
 * (a USB stick carried between districts); the two sets are reconciled
 * in-process with the same NIP-77 negentropy engine the relay speaks,
 * then the missing events are copied through the one ingest path, so a
 * forged event on a stick is rejected and counted like any other.
 * ws:// and wss:// targets go to sync_ws.c.  The local store remembers
 * the target as a link and which events it holds (store_mesh.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "filter.h"
#include "hex.h"
#include "ingest_batch.h"
#include "log.h"
#include "negentropy.h"
#include "crypto.h"
#include "key.h"
#include "progress.h"
#include "store_mesh.h"
#include "sync_ws.h"

#define SYNC_MAX_EVENTS	50000000	/* per side, per run */
#define SYNC_CHUNK	2000		/* events copied per batch */

struct idlist {
	uint8_t		(*ids)[32];
	size_t		 n, cap;
};

struct sync_stats {
	uint64_t	 accepted, duplicate, rejected;
};

static void
on_id(void *arg, const uint8_t id[32], bool have)
{
	struct idlist *l = &((struct idlist *)arg)[have ? 0 : 1];
	uint8_t	(*n)[32];

	if (l->n == l->cap) {
		size_t	 ncap = l->cap ? l->cap * 2 : 1024;

		if ((n = realloc(l->ids, ncap * 32)) == NULL)
			return;		/* counted short; the next run catches up */
		l->ids = n;
		l->cap = ncap;
	}
	memcpy(l->ids[l->n++], id, 32);
}

/* A chunk of events read from one store, fed as lines to the other. */
struct chunk {
	char		**json;
	size_t		 n, next;
};

static int
chunk_add(const char *json, size_t len, void *arg)
{
	struct chunk *c = arg;

	if ((c->json[c->n] = strndup(json, len)) == NULL)
		return 1;
	c->n++;
	return 0;
}

static ssize_t
chunk_read(void *arg, char **line, size_t *cap)
{
	struct chunk *c = arg;
	size_t	 len;

	if (c->next == c->n)
		return -1;
	len = strlen(c->json[c->next]);
	if (*cap < len + 1) {
		char	*nl = realloc(*line, len + 1);

		if (nl == NULL)
			return -1;
		*line = nl;
		*cap = len + 1;
	}
	memcpy(*line, c->json[c->next++], len + 1);
	return (ssize_t)len;
}

struct copy_state {
	struct sync_stats *st;
	struct idlist	*ok;		/* ids now held by the destination */
	const char	*from;
	struct progress	*prog;
	uint64_t	 done;
	const char	*what;
};

static void
copy_result(void *arg, uint64_t seq, enum err e, const struct event *ev)
{
	struct copy_state *cs = arg;
	char	 reason[200];

	cs->done++;
	if (ev != NULL && cs->ok != NULL && (ingest_accepted(e) ||
	    e == ERR_DELETED))
		on_id(cs->ok, ev->id, true);
	if (e == ERR_OK)
		cs->st->accepted++;
	else if (ingest_accepted(e) || e == ERR_DELETED)
		cs->st->duplicate++;
	else {
		cs->st->rejected++;
		progress_end(cs->prog);
		log_warnx("%s: an event was rejected: %s", cs->from,
		    err_reason(e, reason, sizeof(reason)));
	}
	progress_update(cs->prog, cs->what, cs->done, "events", NULL);
}

/*
 * Copies the events with the given ids from src to dst through the
 * ingest pipeline.  Returns: ERR_OK or the store error that stopped it.
 */
static enum err
copy_ids(struct store *src, struct store *dst, const char *dst_path,
    const char *from, const struct idlist *l, uint64_t now,
    struct sync_stats *st, struct idlist *ok, struct progress *prog,
    const char *what, uint64_t *bytes)
{
	struct ingest_policy pol;
	struct batch_opts o;
	struct batch_stats bs;
	struct copy_state cs;
	struct filter f;
	struct chunk c;
	size_t	 i, k, take;
	enum err e = ERR_OK;

	memset(&pol, 0, sizeof(pol));	/* mesh rule: any created_at */
	memset(&cs, 0, sizeof(cs));
	cs.st = st;
	cs.ok = ok;
	cs.from = from;
	cs.prog = prog;
	cs.what = what;
	if ((c.json = calloc(SYNC_CHUNK, sizeof(*c.json))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < l->n && e == ERR_OK; i += take) {
		take = l->n - i < SYNC_CHUNK ? l->n - i : SYNC_CHUNK;
		memset(&f, 0, sizeof(f));
		f.until = UINT64_MAX;
		f.ids = &l->ids[i];
		f.nids = take;
		c.n = c.next = 0;
		e = store_query(src, &f, 1, now, 0, chunk_add, &c);
		for (k = 0; k < c.n; k++)
			*bytes += strlen(c.json[k]);
		if (e == ERR_OK) {
			memset(&o, 0, sizeof(o));
			o.pol = &pol;
			o.store = dst;
			o.store_path = dst_path;
			o.now = now;
			e = ingest_batch(&o, chunk_read, &c, copy_result, &cs,
			    &bs);
		}
		for (k = 0; k < c.n; k++)
			free(c.json[k]);
	}
	free(c.json);
	return e;
}

/*
 * Reconciles the two sets in-process.  l[0] gets the ids only we have,
 * l[1] those only the target has.
 */
static double
secs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum err
reconcile(struct store *local, struct store *remote, const struct filter *f,
    uint64_t now, struct idlist l[2], unsigned *rounds, uint64_t *bytes,
    double *t_read, double *t_neg)
{
	double	 t0 = secs_now(), t1;
	struct neg_item *li = NULL, *ri = NULL;
	size_t	 ln, rn;
	struct neg client, server;
	struct buf a, b;
	bool	 done = false;
	enum err e;

	if ((e = store_ids(local, f, now, SYNC_MAX_EVENTS, &li, &ln)) !=
	    ERR_OK)
		return e;
	if ((e = store_ids(remote, f, now, SYNC_MAX_EVENTS, &ri, &rn)) !=
	    ERR_OK) {
		free(li);
		return e;
	}
	neg_sort(li, ln);
	neg_sort(ri, rn);
	t1 = secs_now();
	*t_read = t1 - t0;
	buf_init(&a, 0);
	buf_init(&b, 0);
	neg_init(&client, li, ln, 0);
	neg_init(&server, ri, rn, 0);
	e = neg_initiate(&client, &a);
	while (e == ERR_OK && !done && *rounds < 1000) {
		(*rounds)++;
		*bytes += a.len;
		buf_reset(&b);
		if ((e = neg_reconcile(&server, (uint8_t *)a.p, a.len, &b, NULL,
		    NULL, &done)) != ERR_OK)
			break;
		*bytes += b.len;
		buf_reset(&a);
		e = neg_reconcile(&client, (uint8_t *)b.p, b.len, &a, on_id, l,
		    &done);
	}
	*t_neg = secs_now() - t1;
	buf_free(&a);
	buf_free(&b);
	free(li);
	free(ri);
	return e;
}

/*
 * What a sync with a data dir leaves in the local store's records
 * (store_mesh.h): the dir as a link with its counts, and which events it
 * now holds (held[0], copied to it) or sent us (held[1]), so that
 * `samizdat status` can say a report went onto that stick.
 */
static void
record(struct store *st, const char *target, enum link_kind kind,
    uint64_t now, const struct idlist held[2], const struct sync_stats *up,
    const struct sync_stats *down, bool ok)
{
	int64_t	 lid;
	size_t	 i;

	if (store_begin(st) != ERR_OK)
		return;
	if (store_link_add(st, target, kind, "sync", NULL, &lid) != ERR_OK)
		goto bad;
	store_link_update(st, lid, ok ? "synced" : "sync failed",
	    (int64_t)now, ok ? (int64_t)now : 0, up->accepted, down->accepted,
	    up->rejected, ok ? "" : "the last sync did not finish");
	for (i = 0; i < held[0].n; i++)
		store_seen_put(st, held[0].ids[i], lid, SEEN_ACCEPTED,
		    (int64_t)now, NULL);
	for (i = 0; i < held[1].n; i++)
		store_seen_put(st, held[1].ids[i], lid, SEEN_RECEIVED,
		    (int64_t)now, NULL);
	if (store_commit(st) == ERR_OK)
		return;
bad:
	store_rollback(st);
}

static int
sync_relay(struct cmd_env *env, const char *url, const char *fjson, bool up,
    bool down, unsigned timeout)
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
	    "already there, %llu rejected; %llu bytes, %u rounds, %.1f s\n",
	    url, rep.fallback ? " (no NIP-77: REQ and EVENT)" : "",
	    (unsigned long long)rep.have, (unsigned long long)rep.need,
	    (unsigned long long)rep.down_ok, (unsigned long long)rep.down_dup,
	    (unsigned long long)rep.down_bad, (unsigned long long)rep.up_ok,
	    (unsigned long long)rep.up_dup, (unsigned long long)rep.up_bad,
	    (unsigned long long)rep.bytes, rep.rounds,
	    progress_elapsed(&prog));
	if (rc != 0)
		fprintf(stderr, "samizdat: run the same sync again to finish; "
		    "what was copied is kept\n");
	store_close(st);
	return rc == 0 ? 0 : 1;
}

int
cmd_sync(struct cmd_env *env, int argc, char **argv)
{
	struct cmd_env tenv;
	struct filter f;
	struct store *local = NULL, *remote = NULL;
	struct idlist l[2], held[2];
	struct sync_stats down, up;
	struct progress prog;
	char	 lpath[4096], rpath[4096];
	const char *target = NULL, *fjson = NULL;
	bool	 do_up = true, do_down = true;
	unsigned timeout = 30;
	unsigned rounds = 0;
	uint64_t bytes = 0, neg_bytes = 0;
	double	 t_read = 0, t_neg = 0;
	unsigned long t;
	char	*end;
	int	 ch, rc = 1;
	enum err e;
	static const struct option longopts[] = {
		{ "up", no_argument, NULL, 'u' },
		{ "down", no_argument, NULL, 'd' },
		{ "filter", required_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
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
		case 'h':
			return cmd_help(env);
		default:
			return cmd_usage(env);
		}
	}
	if (argc - optind != 1 || (!do_up && !do_down))
		return cmd_usage(env);
	target = argv[optind];
	if (strncmp(target, "ws://", 5) == 0 || strncmp(target, "wss://", 6) == 0)
		return sync_relay(env, target, fjson, do_up, do_down, timeout);
	memset(&f, 0, sizeof(f));
	f.until = UINT64_MAX;
	if (fjson != NULL && (e = filter_parse(fjson, strlen(fjson), &f)) !=
	    ERR_OK) {
		cmd_err("--filter", e);
		return EXIT_USAGE;
	}
	memset(l, 0, sizeof(l));
	memset(held, 0, sizeof(held));
	memset(&down, 0, sizeof(down));
	memset(&up, 0, sizeof(up));
	tenv = *env;
	tenv.datadir = target;
	cmd_path(&tenv, "events.db", rpath, sizeof(rpath));
	cmd_path(env, "events.db", lpath, sizeof(lpath));
	if (access(rpath, F_OK) == -1) {
		fprintf(stderr, "samizdat: %s holds no samizdat store; to start "
		    "one there, run 'samizdat -d %s init'\n", target, target);
		goto done;
	}
	if (cmd_store_open(env, 0, true, &local) != ERR_OK ||
	    cmd_store_open(&tenv, do_up ? 0 : STORE_RDONLY, false,
	    &remote) != ERR_OK)
		goto done;
	progress_init(&prog);
	if ((e = reconcile(local, remote, &f, env->now, l, &rounds, &bytes,
	    &t_read, &t_neg)) != ERR_OK) {
		cmd_err("sync: reconciling", e);
		goto done;
	}
	neg_bytes = bytes;
	if (do_down && l[1].n > 0 && (e = copy_ids(remote, local, lpath,
	    target, &l[1], env->now, &down, &held[1], &prog, "sync down",
	    &bytes)) != ERR_OK) {
		cmd_err("sync: copying from the target", e);
		goto report;
	}
	if (do_up && l[0].n > 0 && (e = copy_ids(local, remote, rpath,
	    env->datadir, &l[0], env->now, &up, &held[0], &prog, "sync up",
	    &bytes)) != ERR_OK) {
		cmd_err("sync: copying to the target", e);
		goto report;
	}
	rc = 0;
report:
	progress_end(&prog);
	record(local, target, LINK_DIR, env->now, held, &up, &down, rc == 0);
	fprintf(stderr, "sync %s: have %zu, need %zu; down: %llu accepted, "
	    "%llu already here, %llu rejected; up: %llu accepted, %llu "
	    "already there, %llu rejected; %llu bytes (%llu negentropy), "
	    "%u rounds, %.1f s (ids read in %.3f s, reconciled in %.3f s)\n",
	    target, l[0].n, l[1].n,
	    (unsigned long long)down.accepted,
	    (unsigned long long)down.duplicate,
	    (unsigned long long)down.rejected,
	    (unsigned long long)up.accepted,
	    (unsigned long long)up.duplicate,
	    (unsigned long long)up.rejected,
	    (unsigned long long)bytes, (unsigned long long)neg_bytes, rounds,
	    progress_elapsed(&prog), t_read, t_neg);
	if (rc != 0)
		fprintf(stderr, "samizdat: run the same sync again to finish; "
		    "what was copied is kept\n");
done:
	free(l[0].ids);
	free(l[1].ids);
	free(held[0].ids);
	free(held[1].ids);
	filter_free(&f);
	store_close(remote);
	store_close(local);
	return rc;
}
