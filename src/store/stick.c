/*
 * stick.c: stick_sync (stick.h).  The two sets are read and reconciled
 * in this process (no wire: both ends of the negentropy engine run
 * here), then the missing events are read from one store in chunks and
 * fed to the other through ingest_batch.  A deadline is checked between
 * chunks and by the chunk reader, so a stick that never finishes cannot
 * hold the caller for ever.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ingest_batch.h"
#include "log.h"
#include "negentropy.h"
#include "progress.h"
#include "stick.h"
#include "store_mesh.h"

#define STICK_MAX_EVENTS 50000000	/* per side, per run */
#define STICK_CHUNK	2000		/* events copied per batch */

struct idlist {
	uint8_t		(*ids)[32];
	size_t		 n, cap;
};

struct stick_run {
	const struct stick_opts *o;
	struct progress	 prog;
	double		 start, deadline;	/* 0: none */
	bool		 late;
	uint64_t	 done;
};

static double
secs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* True when the run must stop: cancelled, or past its deadline. */
static bool
run_over(struct stick_run *r)
{
	if (r->o->cancel != NULL && *r->o->cancel)
		r->late = true;
	if (r->deadline > 0 && secs_now() > r->deadline)
		r->late = true;
	return r->late;
}

static void
id_add(struct idlist *l, const uint8_t id[32])
{
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

static void
on_id(void *arg, const uint8_t id[32], bool have)
{
	id_add(&((struct idlist *)arg)[have ? 0 : 1], id);
}

/* A chunk of events read from one store, fed as lines to the other. */
struct chunk {
	char		**json;
	size_t		 n, next;
	struct stick_run *run;
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

	if (c->next == c->n || run_over(c->run))
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
	struct stick_side *side;
	struct idlist	*ok;		/* ids now held by the destination */
	const char	*from;
	struct stick_run *run;
	const char	*what;
};

static void
copy_result(void *arg, uint64_t seq, enum err e, const struct event *ev)
{
	struct copy_state *cs = arg;
	char	 reason[200];

	cs->run->done++;
	if (ev != NULL && (ingest_accepted(e) || e == ERR_DELETED))
		id_add(cs->ok, ev->id);
	if (e == ERR_OK)
		cs->side->accepted++;
	else if (ingest_accepted(e) || e == ERR_DELETED)
		cs->side->duplicate++;
	else {
		cs->side->rejected++;
		progress_end(&cs->run->prog);
		log_warnx("%s: an event was rejected: %s", cs->from,
		    err_reason(e, reason, sizeof(reason)));
	}
	if (cs->run->o->progress)
		progress_update(&cs->run->prog, cs->what, cs->run->done,
		    "events", NULL);
}

/*
 * Copies the events with the given ids from src to dst through the
 * ingest pipeline.  Returns: ERR_OK or the store error that stopped it.
 */
static enum err
copy_ids(struct stick_run *run, struct store *src, struct store *dst,
    const char *dst_path, const char *from, const struct idlist *l,
    uint64_t now, struct stick_side *side, struct idlist *ok,
    const char *what, uint64_t *bytes)
{
	struct ingest_policy pol;
	struct batch_opts o;
	struct batch_stats bs;
	struct copy_state cs;
	struct filter f;
	struct chunk c;
	struct custody_src csrc = { CUSTODY_STICK, from };
	size_t	 i, k, take;
	enum err e = ERR_OK;

	/* Any past created_at (offline clocks drift), a bounded future. */
	memset(&pol, 0, sizeof(pol));
	pol.max_future = run->o->future_limit;
	memset(&cs, 0, sizeof(cs));
	cs.side = side;
	cs.ok = ok;
	cs.from = from;
	cs.run = run;
	cs.what = what;
	memset(&c, 0, sizeof(c));
	c.run = run;
	if ((c.json = calloc(STICK_CHUNK, sizeof(*c.json))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < l->n && e == ERR_OK && !run_over(run); i += take) {
		take = l->n - i < STICK_CHUNK ? l->n - i : STICK_CHUNK;
		filter_init(&f);
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
			o.src = &csrc;	/* the other data dir, by its path */
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
static enum err
reconcile(struct store *local, struct store *remote, const struct filter *f,
    uint64_t now, struct idlist l[2], struct stick_report *rep)
{
	double	 t0 = secs_now(), t1;
	struct neg_item *li = NULL, *ri = NULL;
	size_t	 ln, rn;
	struct neg client, server;
	struct buf a, b;
	bool	 done = false;
	enum err e;

	if ((e = store_ids(local, f, now, STICK_MAX_EVENTS, &li, &ln)) !=
	    ERR_OK)
		return e;
	if ((e = store_ids(remote, f, now, STICK_MAX_EVENTS, &ri, &rn)) !=
	    ERR_OK) {
		free(li);
		return e;
	}
	neg_sort(li, ln);
	neg_sort(ri, rn);
	t1 = secs_now();
	rep->t_read = t1 - t0;
	buf_init(&a, 0);
	buf_init(&b, 0);
	neg_init(&client, li, ln, 0);
	neg_init(&server, ri, rn, 0);
	e = neg_initiate(&client, &a);
	while (e == ERR_OK && !done && rep->rounds < 1000) {
		rep->rounds++;
		rep->neg_bytes += a.len;
		buf_reset(&b);
		if ((e = neg_reconcile(&server, (uint8_t *)a.p, a.len, &b, NULL,
		    NULL, &done)) != ERR_OK)
			break;
		rep->neg_bytes += b.len;
		buf_reset(&a);
		e = neg_reconcile(&client, (uint8_t *)b.p, b.len, &a, on_id, l,
		    &done);
	}
	rep->t_neg = secs_now() - t1;
	buf_free(&a);
	buf_free(&b);
	free(li);
	free(ri);
	return e;
}

/*
 * What a sync with a data dir leaves in the local store's records: the
 * dir as a link with its counts, and which events it now holds (held[0],
 * copied to it) or sent us (held[1]), so that `samizdat status` can say
 * a report went onto that stick.
 */
static void
record(struct store *st, const char *dir, uint64_t now,
    const struct idlist held[2], const struct stick_report *rep, bool ok)
{
	int64_t	 lid;
	size_t	 i;

	if (store_begin(st) != ERR_OK)
		return;
	if (store_link_add(st, dir, LINK_DIR, "sync", NULL, &lid) != ERR_OK)
		goto bad;
	store_link_update(st, lid, ok ? "synced" : "sync failed",
	    (int64_t)now, ok ? (int64_t)now : 0, rep->up.accepted,
	    rep->down.accepted, rep->up.rejected, ok ? "" :
	    "the last sync did not finish");
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

int
stick_sync(struct store *local, const char *local_path, const char *dir,
    const struct stick_opts *o, struct stick_report *rep, char *err,
    size_t errsz)
{
	struct stick_run run;
	struct store *remote = NULL;
	struct idlist l[2], held[2];
	struct filter all;
	char	 rpath[4096], why[200];
	uint64_t now = (uint64_t)time(NULL);
	int	 rc = -1;
	enum err e;

	memset(rep, 0, sizeof(*rep));
	memset(l, 0, sizeof(l));
	memset(held, 0, sizeof(held));
	memset(&run, 0, sizeof(run));
	run.o = o;
	run.start = secs_now();
	if (o->timeout_s > 0)
		run.deadline = run.start + o->timeout_s;
	progress_init(&run.prog);
	filter_init(&all);
	snprintf(rpath, sizeof(rpath), "%s/events.db", dir);
	if (access(rpath, F_OK) == -1) {
		snprintf(err, errsz, "%s holds no samizdat store; to start one "
		    "there, run 'samizdat -d %s init'", dir, dir);
		return -1;
	}
	if ((e = store_open(&remote, rpath, o->up ? 0 : STORE_RDONLY)) !=
	    ERR_OK) {
		snprintf(err, errsz, "%s: %s", rpath, err_reason(e, why,
		    sizeof(why)));
		return -1;
	}
	if ((e = reconcile(local, remote, o->filter ? o->filter : &all, now,
	    l, rep)) != ERR_OK) {
		snprintf(err, errsz, "reconciling: %s", err_reason(e, why,
		    sizeof(why)));
		goto done;
	}
	rep->have = l[0].n;
	rep->need = l[1].n;
	rep->bytes = rep->neg_bytes;
	if (o->down && l[1].n > 0 && (e = copy_ids(&run, remote, local,
	    local_path, dir, &l[1], now, &rep->down, &held[1], "sync down",
	    &rep->bytes)) != ERR_OK) {
		snprintf(err, errsz, "copying from the stick: %s",
		    err_reason(e, why, sizeof(why)));
		goto report;
	}
	if (o->up && l[0].n > 0 && !run.late && (e = copy_ids(&run, local,
	    remote, rpath, local_path, &l[0], now, &rep->up, &held[0],
	    "sync up", &rep->bytes)) != ERR_OK) {
		snprintf(err, errsz, "copying to the stick: %s",
		    err_reason(e, why, sizeof(why)));
		goto report;
	}
	if (run.late) {
		snprintf(err, errsz, "%s after %.0f s",
		    o->cancel != NULL && *o->cancel ? "stopped" :
		    "gave up: the time limit passed", secs_now() - run.start);
		goto report;
	}
	rc = 0;
report:
	progress_end(&run.prog);
	record(local, dir, now, held, rep, rc == 0);
done:
	rep->secs = secs_now() - run.start;
	free(l[0].ids);
	free(l[1].ids);
	free(held[0].ids);
	free(held[1].ids);
	store_close(remote);
	return rc;
}
