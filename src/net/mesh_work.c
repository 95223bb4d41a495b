/*
 * mesh_work.c: full rounds on two worker threads (peers and sticks;
 * bridges), each with its own store handle, so that a slow internet
 * relay never holds up the LAN.  A peer or a bridge is synced with
 * sync_ws (its own libwebsockets context, the engine of core/sync.c); a
 * stick in process with stick_sync, which refuses a stick whose store is
 * not exactly samizdat's and stops every query on it at STICK_TIMEOUT,
 * so a hostile stick cannot hold a worker, or the sticks after it.  The loop hands a worker
 * the most overdue link and collects the outcome on a later tick.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mesh_int.h"
#include "stick.h"
#include "sync_ws.h"
#include "trust_store.h"
#include "wsc.h"

/* A stick, in process: counts land in the records stick_sync keeps. */
static int
run_stick(struct worker *w, struct store *st)
{
	struct stick_opts o;
	struct stick_report rep;
	int	 rc;

	memset(&o, 0, sizeof(o));
	o.up = o.down = true;
	o.timeout_s = STICK_TIMEOUT;
	o.cancel = &w->cancel;
	o.future_limit = w->m->o.future_limit;
	o.blobs = w->m->o.blobs;
	rc = stick_sync(st, w->m->o.store_path, w->job.url, &o, &rep, w->err,
	    sizeof(w->err));
	/* For the log; the counts are in the records already. */
	w->rep.up_ok = rep.up.accepted;
	w->rep.up_bad = rep.up.rejected;
	w->rep.down_ok = rep.down.accepted;
	w->rep.down_bad = rep.down.rejected;
	return rc;
}

static int
run_job(struct worker *w, struct store *st)
{
	struct mesh *m = w->m;
	struct job *j = &w->job;
	struct sync_opts o;
	struct sync_report rep;
	char	 filter[128];
	int	 rc;

	memset(&w->rep, 0, sizeof(w->rep));
	w->err[0] = '\0';
	if (j->kind == LINK_DIR)
		return run_stick(w, st);
	memset(&o, 0, sizeof(o));
	o.node_sk = m->o.node_sk;
	o.lid = j->lid;
	o.own = m->node_pk;
	o.quiet = true;
	o.cancel = &w->cancel;
	o.future_limit = m->o.future_limit;
	o.guard = m->o.guard;
	if (j->kind == LINK_PEER) {
		o.as_node = true;
		o.peer = true;
		o.peer_npub = j->npub;
		rc = sync_ws(st, j->url, "{}", true, true, SYNC_TIMEOUT,
		    &w->rep, &o);
		snprintf(w->err, sizeof(w->err), "%s", o.err);
		return rc;
	}
	/* A bridge: up what it lacks since the last success, then down. */
	snprintf(filter, sizeof(filter), "{\"since\":%lld}",
	    (long long)j->since);
	rc = sync_ws(st, j->url, filter, true, false, SYNC_TIMEOUT, &w->rep,
	    &o);
	if (rc == 0 && m->o.bridge_download[0] != '\0') {
		memset(o.err, 0, sizeof(o.err));
		rc = sync_ws(st, j->url, m->o.bridge_download, false, true,
		    SYNC_TIMEOUT, &rep, &o);
		w->rep.down_ok += rep.down_ok;
		w->rep.down_dup += rep.down_dup;
		w->rep.down_bad += rep.down_bad;
	}
	snprintf(w->err, sizeof(w->err), "%s", o.err);
	return rc;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct store *st = NULL;
	int	 rc;

	if (store_open(&st, w->m->o.store_path, STORE_HELPER) != ERR_OK) {
		log_warnx("mesh: cannot open the store for syncing");
		return NULL;
	}
	/* The flood defence reads trust through this handle in rounds. */
	trust_store_set_node(st, w->m->node_pk);
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->stop && (!w->busy || w->done))
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->stop)
			break;
		pthread_mutex_unlock(&w->mu);
		rc = run_job(w, st);
		pthread_mutex_lock(&w->mu);
		w->rc = rc;
		w->done = true;
	}
	pthread_mutex_unlock(&w->mu);
	store_close(st);
	return NULL;
}

int
mesh_worker_start(struct mesh *m, struct worker *w)
{
	w->m = m;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
		log_warnx("mesh: cannot start a sync thread");
		return -1;
	}
	w->started = true;
	return 0;
}

void
mesh_worker_stop(struct worker *w)
{
	if (!w->started)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	w->cancel = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	w->started = false;
}

/* The identity of a data dir's store.  Returns: false if absent. */
static bool
dir_ident(const char *dir, struct dir_id *id)
{
	char	 db[1100];
	struct stat sb;

	memset(id, 0, sizeof(*id));
	snprintf(db, sizeof(db), "%s/events.db", dir);
	if (stat(db, &sb) == -1)
		return false;
	id->dev = sb.st_dev;
	id->ino = sb.st_ino;
	id->db = sb.st_mtim;
	snprintf(db, sizeof(db), "%s/events.db-wal", dir);
	if (stat(db, &sb) == 0)
		id->wal = sb.st_mtim;
	return true;
}

static bool
dir_same(const struct dir_id *a, const struct dir_id *b)
{
	return a->dev == b->dev && a->ino == b->ino &&
	    a->db.tv_sec == b->db.tv_sec && a->db.tv_nsec == b->db.tv_nsec &&
	    a->wal.tv_sec == b->wal.tv_sec && a->wal.tv_nsec == b->wal.tv_nsec;
}

/*
 * A data dir is synced as soon as a store appears there (a stick was
 * plugged in, or another one) or the one there is written to, then every
 * peer_sync_interval while it stays; a dir costs two stats per tick.
 * Our own writes during a sync change it too: one more sync, which finds
 * nothing to copy and writes nothing, settles it.
 */
static bool
dir_due(struct link *l, time_t now)
{
	struct dir_id id;

	if (!dir_ident(l->url, &id)) {
		if (!l->absent)
			mesh_link_set(l, "absent (not mounted?)", "");
		l->absent = true;
		memset(&l->dir, 0, sizeof(l->dir));
		return false;
	}
	l->absent = false;
	if (!dir_same(&id, &l->dir) && !l->syncing)
		l->next_sync = now;		/* a new stick, or written */
	return true;
}

/* What a finished job leaves on its link. */
static void
collect(struct mesh *m, struct worker *w, time_t now)
{
	struct link *l = w->job.l;
	unsigned interval = l->kind == LINK_RELAY ? m->o.bridge_interval :
	    m->o.peer_sync_interval;

	w->busy = w->done = false;
	l->syncing = false;
	l->dir = w->job.dir;		/* tried: wait for a change */
	if (w->rc != 0) {
		l->sync_backoff = wsc_backoff(l->sync_backoff, 5, interval);
		l->next_sync = now + (time_t)l->sync_backoff;
		/* A stick that is there but failed (refused, say) is not
		 * unreachable: its error says what happened. */
		mesh_link_set(l, l->live ? "live" : l->kind == LINK_DIR ?
		    "sync failed" : "unreachable", w->err);
		log_debug("mesh: %s", w->err);
		return;
	}
	l->sync_backoff = 0;
	l->last_ok = now;
	if (l->kind == LINK_PEER)
		l->proven = true;	/* it speaks NIP-77 as a node does */
	l->next_sync = now + (time_t)interval;
	/* A stick's counts are in the records already (stick_sync). */
	if (l->kind != LINK_DIR) {
		l->sent += w->rep.up_ok;
		l->refused += w->rep.up_bad;
		l->received += w->rep.down_ok;
	}
	l->seen_at = now;
	mesh_link_set(l, l->live ? "live" : "synced", "");
	store_link_update(m->st, l->lid, NULL, 0, (int64_t)now, 0, 0, 0,
	    NULL);
	if (w->rep.up_ok + w->rep.down_ok > 0 || log_verbose >= 2)
		log_info("mesh: synced with %s: %llu up, %llu down%s", l->url,
		    (unsigned long long)w->rep.up_ok,
		    (unsigned long long)w->rep.down_ok,
		    w->rep.fallback ? " (no NIP-77)" : "");
}

/* The link most overdue for a round, or NULL. */
static struct link *
pick(struct mesh *m, bool bridges, time_t now)
{
	struct link *l, *best = NULL;
	size_t	 i;

	for (i = 0; i < m->nlinks; i++) {
		l = m->links[i];
		if ((l->kind == LINK_RELAY) != bridges || l->gone)
			continue;
		if (l->kind == LINK_DIR && !dir_due(l, now))
			continue;
		if (l->next_sync > now)
			continue;
		/* A found peer is synced once its live link is up. */
		if (l->kind == LINK_PEER && !l->live)
			continue;
		if (best == NULL || l->next_sync < best->next_sync)
			best = l;
	}
	return best;
}

void
mesh_worker_tick(struct mesh *m, struct worker *w, bool bridges)
{
	struct link *best;
	time_t	 now = mesh_now();

	if (!w->started)
		return;
	pthread_mutex_lock(&w->mu);
	if (w->busy && w->done)
		collect(m, w, now);
	if (!w->busy && (best = pick(m, bridges, now)) != NULL) {
		memset(&w->job, 0, sizeof(w->job));
		w->job.l = best;
		w->job.kind = best->kind;
		w->job.lid = best->lid;
		w->job.dir = best->dir;
		if (best->kind == LINK_DIR)
			dir_ident(best->url, &w->job.dir);
		snprintf(w->job.url, sizeof(w->job.url), "%s", best->url);
		memcpy(w->job.npub, best->npub, sizeof(w->job.npub));
		/* Bridges: what is new since the last success, with a day's
		 * margin for late arrivals; first, 30 days. */
		w->job.since = best->last_ok > 0 ? best->last_ok - 86400 :
		    now - 30 * 86400;
		best->syncing = true;
		best->next_sync = now + 3600;	/* until it reports */
		w->busy = true;
		w->done = false;
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
}
