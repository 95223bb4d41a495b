/*
 * mesh.c: links to peers, data dirs and bridge relays (mesh.h).
 *
 * One thread (the server's loop) owns the links.  Live links are
 * libwebsockets clients in the server's own context; the full syncs run
 * on two worker threads (peers and dirs; bridges) with their own store
 * handles, so a slow internet relay never holds up the LAN.  What the
 * mesh learns (link states, counters, who holds which event) is written
 * in batches through a side store handle, for `samizdat peers` and
 * `samizdat status`.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "crypto.h"
#include "disc.h"
#include "hex.h"
#include "json.h"
#include "key.h"
#include "log.h"
#include "mesh.h"
#include "message.h"
#include "nip42.h"
#include "store_mesh.h"
#include "sync_ws.h"
#include "version.h"

#define MESH_MAX_LINKS	256
#define MESH_MAX_INBOUND 256
#define BACKOFF_MIN	1
#define BACKOFF_MAX	30
#define DISC_WAIT	15	/* s a higher npub waits for the lower to call */
#define SYNC_TIMEOUT	30
#define SEEN_MAX	65536	/* records waiting for the next write */
#define SYNC_ECHO_S	10	/* s after a round its events may still pass */
#define ROUND_MAX_SKIP	6	/* periodic rounds a healthy live link skips */

extern char **environ;

struct lframe {
	struct lframe	*next;
	size_t		 len;
	unsigned char	 data[];	/* LWS_PRE + len */
};

struct link {
	struct mesh	*m;
	int64_t		 lid;
	enum link_kind	 kind;
	char		 url[1024];	/* ws(s):// URL or a data dir */
	char		 npub[64];	/* known for found and inbound peers */
	const char	*how;		/* config, mdns */
	bool		 gone;		/* mDNS withdrew it */
	time_t		 found;		/* by mDNS */
	/* live link (peers) */
	struct lws	*wsi;
	uint64_t	 vconn;		/* our relay's side of it */
	bool		 live;
	time_t		 next_try;
	unsigned	 backoff;
	struct buf	 rx;
	struct lframe	*head, *tail;
	uint8_t		 auth_id[32];
	/* full syncs */
	time_t		 next_sync;
	time_t		 last_ok;	/* last full sync that succeeded */
	time_t		 live_since;	/* the live link's current run */
	time_t		 round_start;	/* the last full round began */
	unsigned	 missed;	/* refused on the live link since last_ok */
	bool		 absent;	/* dirs: no store there now */
	dev_t		 dir_dev;	/* dirs: the store last synced */
	ino_t		 dir_ino;
	unsigned	 sync_backoff;
	bool		 syncing;
	/* counters not yet written */
	uint64_t	 sent, received, refused;
	time_t		 seen_at;
	const char	*state;		/* NULL: unchanged */
	char		 error[256];
	bool		 dirty;
};

struct job {
	struct link	*l;		/* owned by the loop; read-only here */
	enum link_kind	 kind;
	char		 url[1024];
	int64_t		 lid;
	int64_t		 since;		/* bridges: upload from here */
	dev_t		 dev;		/* dirs: the store being synced */
	ino_t		 ino;
};

struct worker {
	struct mesh	*m;
	volatile int	 cancel;	/* stopping: give up the job */
	volatile pid_t	 child;		/* a running `samizdat sync DIR` */
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	bool		 started, stop, busy, done;
	struct job	 job;
	int		 rc;
	char		 err[256];
	struct sync_report rep;
};

struct inbound {
	uint64_t	 conn;
	int64_t		 lid;
	char		 npub[64];
};

struct seen_rec {
	uint8_t		 id[32];
	int64_t		 lid;
	enum seen_how	 how;
	int64_t		 at;
};

struct mesh {
	struct mesh_opts o;
	struct lws_context *ctx;
	struct relay	*relay;
	struct store	*st;		/* side handle for the records */
	uint8_t		 node_pk[32];
	char		 npub[64];
	struct link	*links[MESH_MAX_LINKS];
	size_t		 nlinks;
	struct inbound	 in[MESH_MAX_INBOUND];
	size_t		 nin;
	struct seen_rec	*seen;
	size_t		 nseen, seencap;
	struct worker	 w[2];		/* 0: peers and dirs, 1: bridges */
	struct disc	*disc;
};

static time_t
now_s(void)
{
	return time(NULL);
}

static void
link_set(struct link *l, const char *state, const char *error)
{
	if (state != NULL)
		l->state = state;
	if (error != NULL)
		snprintf(l->error, sizeof(l->error), "%s", error);
	l->dirty = true;
}

static void
seen_add(struct mesh *m, const uint8_t id[32], int64_t lid,
    enum seen_how how)
{
	struct seen_rec *n;

	if (m->nseen == m->seencap) {
		size_t	 ncap = m->seencap ? m->seencap * 2 : 256;

		if (ncap > SEEN_MAX || (n = realloc(m->seen,
		    ncap * sizeof(*n))) == NULL)
			return;		/* a record lost, not an event */
		m->seen = n;
		m->seencap = ncap;
	}
	memcpy(m->seen[m->nseen].id, id, 32);
	m->seen[m->nseen].lid = lid;
	m->seen[m->nseen].how = how;
	m->seen[m->nseen].at = (int64_t)now_s();
	m->nseen++;
}

/* Writes what the links learned since the last time, in one transaction. */
static void
records_flush(struct mesh *m)
{
	size_t	 i;
	bool	 any = m->nseen > 0;

	for (i = 0; i < m->nlinks && !any; i++)
		any = m->links[i]->dirty;
	if (!any || store_begin(m->st) != ERR_OK)
		return;
	for (i = 0; i < m->nseen; i++)
		store_seen_put(m->st, m->seen[i].id, m->seen[i].lid,
		    m->seen[i].how, m->seen[i].at, NULL);
	m->nseen = 0;
	for (i = 0; i < m->nlinks; i++) {
		struct link *l = m->links[i];

		if (!l->dirty || l->lid <= 0)
			continue;
		store_link_update(m->st, l->lid, l->state, (int64_t)l->seen_at,
		    0, l->sent, l->received, l->refused, l->error);
		l->sent = l->received = l->refused = 0;
		l->state = NULL;
		l->dirty = false;
	}
	if (store_commit(m->st) != ERR_OK)
		store_rollback(m->st);
}

/* --- workers: full syncs ------------------------------------------------ */

/* `samizdat -q -d DATADIR sync DIR`, as a child: the CLI's own code. */
static int
sync_dir(struct worker *w, const char *dir, char *err, size_t errsz)
{
	struct mesh *m = w->m;
	char	 db[1100], *argv[8];
	pid_t	 pid;
	int	 status, rc;

	snprintf(db, sizeof(db), "%s/events.db", dir);
	if (access(db, F_OK) == -1) {
		snprintf(err, errsz, "no samizdat store there (not mounted?)");
		return -1;
	}
	argv[0] = (char *)(uintptr_t)"samizdat";
	argv[1] = (char *)(uintptr_t)"-q";
	argv[2] = (char *)(uintptr_t)"-d";
	argv[3] = (char *)(uintptr_t)m->o.datadir;
	argv[4] = (char *)(uintptr_t)"sync";
	argv[5] = (char *)(uintptr_t)dir;
	argv[6] = NULL;
	if ((rc = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv,
	    environ)) != 0) {
		snprintf(err, errsz, "cannot run sync: %s", strerror(rc));
		return -1;
	}
	w->child = pid;
	if (w->cancel)
		kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			snprintf(err, errsz, "waitpid: %s", strerror(errno));
			return -1;
		}
	w->child = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errsz, "sync failed (exit %d); see the log",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	return 0;
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
		return sync_dir(w, j->url, w->err, sizeof(w->err));
	memset(&o, 0, sizeof(o));
	o.node_sk = m->o.node_sk;
	o.lid = j->lid;
	o.own = m->node_pk;
	o.quiet = true;
	o.cancel = &w->cancel;
	if (j->kind == LINK_PEER) {
		o.as_node = true;
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

static int
worker_start(struct mesh *m, struct worker *w)
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

static void
worker_stop(struct worker *w)
{
	if (!w->started)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	w->cancel = 1;
	if (w->child > 0)
		kill(w->child, SIGTERM);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	w->started = false;
}

static unsigned
next_backoff(unsigned b, unsigned max)
{
	b = b == 0 ? 5 : b * 2;
	return b > max ? max : b;
}

/* The identity of a data dir's store file.  Returns: false if absent. */
static bool
dir_ident(const char *dir, dev_t *dev, ino_t *ino)
{
	char	 db[1100];
	struct stat sb;

	snprintf(db, sizeof(db), "%s/events.db", dir);
	if (stat(db, &sb) == -1)
		return false;
	*dev = sb.st_dev;
	*ino = sb.st_ino;
	return true;
}

/*
 * A data dir is synced as soon as a store appears there (a stick was
 * plugged in, or another one), then every peer_sync_interval while it
 * stays; an absent one costs a stat per tick.
 */
static bool
dir_due(struct link *l, time_t now)
{
	dev_t	 dev;
	ino_t	 ino;

	if (!dir_ident(l->url, &dev, &ino)) {
		if (!l->absent)
			link_set(l, "absent (not mounted?)", "");
		l->absent = true;
		l->dir_dev = 0;
		l->dir_ino = 0;
		return false;
	}
	l->absent = false;
	if (dev != l->dir_dev || ino != l->dir_ino)
		l->next_sync = now;		/* a new stick */
	return true;
}

/*
 * A live link that has stayed up since the last full round, and through
 * which nothing was refused either way, has carried every new event:
 * the periodic round (which costs the peer a read of all its ids) is
 * skipped, up to ROUND_MAX_SKIP intervals in a row as a safety net.
 */
static bool
live_covers(const struct mesh *m, const struct link *l, time_t now)
{
	return l->kind == LINK_PEER && l->live && l->last_ok > 0 &&
	    l->last_ok >= l->round_start && l->live_since <= l->round_start &&
	    l->missed == 0 &&
	    now - l->last_ok < (time_t)m->o.peer_sync_interval *
	    ROUND_MAX_SKIP;
}

/* Collects a finished job, then hands the worker the most overdue one. */
static void
worker_tick(struct mesh *m, struct worker *w, bool bridges)
{
	struct link *l, *best = NULL;
	time_t	 now = now_s();
	size_t	 i;

	if (!w->started)
		return;
	pthread_mutex_lock(&w->mu);
	if (w->busy && w->done) {
		l = w->job.l;
		w->busy = w->done = false;
		l->syncing = false;
		l->dir_dev = w->job.dev;	/* tried: wait for the next */
		l->dir_ino = w->job.ino;
		if (w->rc == 0) {
			l->sync_backoff = 0;
			l->last_ok = now;
			l->next_sync = now + (time_t)(l->kind == LINK_RELAY ?
			    m->o.bridge_interval : m->o.peer_sync_interval);
			l->sent += w->rep.up_ok;
			l->refused += w->rep.up_bad;
			l->received += w->rep.down_ok;
			l->seen_at = now;
			link_set(l, l->live ? "live" : "synced", "");
			store_link_update(m->st, l->lid, NULL, 0, (int64_t)now,
			    0, 0, 0, NULL);
			if (w->rep.up_ok + w->rep.down_ok > 0 ||
			    log_verbose >= 2)
				log_info("mesh: synced with %s: %llu up, %llu "
				    "down%s", l->url,
				    (unsigned long long)w->rep.up_ok,
				    (unsigned long long)w->rep.down_ok,
				    w->rep.fallback ? " (no NIP-77)" : "");
		} else {
			l->sync_backoff = next_backoff(l->sync_backoff,
			    l->kind == LINK_RELAY ? m->o.bridge_interval :
			    m->o.peer_sync_interval);
			l->next_sync = now + (time_t)l->sync_backoff;
			link_set(l, l->live ? "live" : "unreachable", w->err);
			log_debug("mesh: %s", w->err);
		}
	}
	if (!w->busy) {
		for (i = 0; i < m->nlinks; i++) {
			l = m->links[i];
			if ((l->kind == LINK_RELAY) != bridges || l->gone)
				continue;
			if (l->kind == LINK_DIR && !dir_due(l, now))
				continue;
			if (l->next_sync > now)
				continue;
			if (live_covers(m, l, now)) {
				l->next_sync = now +
				    (time_t)m->o.peer_sync_interval;
				continue;
			}
			/* A found peer is synced once its live link is up. */
			if (l->kind == LINK_PEER && !l->live)
				continue;
			if (best == NULL || l->next_sync < best->next_sync)
				best = l;
		}
		if (best != NULL) {
			memset(&w->job, 0, sizeof(w->job));
			w->job.l = best;
			w->job.kind = best->kind;
			w->job.lid = best->lid;
			w->job.dev = best->dir_dev;
			w->job.ino = best->dir_ino;
			if (best->kind == LINK_DIR)
				dir_ident(best->url, &w->job.dev, &w->job.ino);
			snprintf(w->job.url, sizeof(w->job.url), "%s",
			    best->url);
			/* Bridges: what is new since the last success, with a
			 * day's margin for late arrivals; first, 30 days. */
			w->job.since = best->last_ok > 0 ? best->last_ok -
			    86400 : now - 30 * 86400;
			best->syncing = true;
			best->round_start = now;
			best->missed = 0;
			best->next_sync = now + 3600;	/* until it reports */
			w->busy = true;
			w->done = false;
			pthread_cond_signal(&w->cv);
		}
	}
	pthread_mutex_unlock(&w->mu);
}

/* --- live links ----------------------------------------------------------- */

static void
lsend(struct link *l, const char *p, size_t len)
{
	struct lframe *f;

	if ((f = malloc(sizeof(*f) + LWS_PRE + len)) == NULL)
		return;
	f->next = NULL;
	f->len = len;
	memcpy(f->data + LWS_PRE, p, len);
	if (l->tail != NULL)
		l->tail->next = f;
	else
		l->head = f;
	l->tail = f;
	if (l->wsi != NULL)
		lws_callback_on_writable(l->wsi);
}

static void
lframes_free(struct link *l)
{
	struct lframe *f;

	while ((f = l->head) != NULL) {
		l->head = f->next;
		free(f);
	}
	l->tail = NULL;
}

static void
link_down(struct link *l, const char *why)
{
	struct mesh *m = l->m;

	if (l->vconn != 0)
		relay_conn_close(m->relay, l->vconn);
	if (l->live)
		log_info("mesh: lost %s: %s", l->url, why);
	l->vconn = 0;
	l->wsi = NULL;
	l->live = false;
	lframes_free(l);
	l->backoff = l->backoff == 0 ? BACKOFF_MIN : l->backoff * 2;
	if (l->backoff > BACKOFF_MAX)
		l->backoff = BACKOFF_MAX;
	l->next_try = now_s() + (time_t)l->backoff;
	link_set(l, l->gone ? "gone" : "unreachable", why);
}

static void
link_up(struct link *l)
{
	struct mesh *m = l->m;
	static const char fwd[] = "[\"REQ\",\"fwd\",{\"limit\":0}]";
	static const char live[] = "[\"REQ\",\"live\",{\"limit\":0}]";

	if ((l->vconn = relay_conn_open(m->relay, l->wsi, l->url)) == 0)
		return;
	relay_conn_set_mesh(m->relay, l->vconn);
	relay_conn_rx(m->relay, l->vconn, fwd, sizeof(fwd) - 1, true, true);
	lsend(l, live, sizeof(live) - 1);
	l->live = true;
	l->live_since = now_s();
	l->backoff = 0;
	l->seen_at = now_s();
	l->next_sync = now_s();		/* catch up on what was missed */
	link_set(l, "live", "");
	log_info("mesh: linked with %s", l->url);
}

/* A message from the peer's relay. */
static void
link_rx(struct link *l, const char *p, size_t len)
{
	struct mesh *m = l->m;
	const char *a, *b;
	struct buf out;
	uint8_t	 id[32];
	json_t	*j;
	const char *verb, *h;

	l->seen_at = now_s();
	if (len > 9 && memcmp(p, "[\"EVENT\",", 9) == 0) {
		/* ["EVENT","live",{...}] -> ["EVENT",{...}] into our relay. */
		if (json_array_at(p, p + len, 2, &a, &b) != ERR_OK)
			return;
		buf_init(&out, 0);
		buf_puts(&out, "[\"EVENT\",");
		buf_append(&out, a, (size_t)(b - a));
		buf_putc(&out, ']');
		if (!out.err && l->vconn != 0)
			relay_conn_rx(m->relay, l->vconn, out.p, out.len, true,
			    true);
		buf_free(&out);
		return;
	}
	if ((j = json_loadb(p, len, 0, NULL)) == NULL)
		return;
	verb = json_string_value(json_array_get(j, 0));
	if (verb != NULL && strcmp(verb, "OK") == 0 &&
	    (h = json_string_value(json_array_get(j, 1))) != NULL &&
	    strlen(h) == 64 && hex_decode(h, 64, id, 32) &&
	    memcmp(id, l->auth_id, 32) != 0) {
		/* Our push answered: the peer holds it, or refused it. */
		if (json_is_true(json_array_get(j, 2))) {
			seen_add(m, id, l->lid, SEEN_ACCEPTED);
			l->sent++;
		} else {
			l->refused++;
			l->missed++;
			log_debug("mesh: %s refused an event: %s", l->url,
			    json_string_value(json_array_get(j, 3)));
		}
		l->dirty = true;
	} else if (verb != NULL && strcmp(verb, "AUTH") == 0 &&
	    (h = json_string_value(json_array_get(j, 1))) != NULL) {
		buf_init(&out, 0);
		if (nip42_auth(m->o.node_sk, h, l->url, (uint64_t)now_s(),
		    &out, l->auth_id) == ERR_OK)
			lsend(l, out.p, out.len);
		buf_free(&out);
	} else if (verb != NULL && (strcmp(verb, "NOTICE") == 0 ||
	    strcmp(verb, "CLOSED") == 0))
		log_info("mesh: %s says: %s", l->url, json_string_value(
		    json_array_get(j, strcmp(verb, "NOTICE") == 0 ? 1 : 2)));
	json_decref(j);
}

/*
 * Writes to the peer: our own frames first, then what our relay queued
 * for the virtual connection -- events for "fwd" go out as EVENT, the
 * rest (OKs for the peer's events, EOSE) are ours to drop.
 */
static int
link_tx(struct link *l)
{
	struct mesh *m = l->m;
	struct lframe *f;
	char	*p;
	size_t	 len;
	bool	 close_after;
	uint8_t	 id[32];
	static const char ev[] = "[\"EVENT\",\"fwd\",";

	while ((f = l->head) != NULL) {
		l->head = f->next;
		if (l->head == NULL)
			l->tail = NULL;
		if (lws_write(l->wsi, f->data + LWS_PRE, f->len,
		    LWS_WRITE_TEXT) < (int)f->len) {
			free(f);
			return -1;
		}
		free(f);
		if (lws_send_pipe_choked(l->wsi)) {
			lws_callback_on_writable(l->wsi);
			return 0;
		}
	}
	while (l->vconn != 0 && relay_conn_next(m->relay, l->vconn, &p, &len,
	    &close_after)) {
		if (close_after)
			return -1;
		if (len <= sizeof(ev) - 1 || memcmp(p, ev, sizeof(ev) - 1))
			continue;
		/*
		 * Events a full sync just fetched from this peer reach the
		 * relay from the worker's store handle, not this link, so
		 * the relay cannot tell where they came from: ask the
		 * records, while a round runs and shortly after.
		 */
		if ((l->syncing || now_s() - l->last_ok < SYNC_ECHO_S) &&
		    json_find_hex_field(p + sizeof(ev) - 1, p + len, "id",
		    id, 32) && store_seen_has(m->st, id, l->lid))
			continue;
		/* ["EVENT","fwd",{..}] -> ["EVENT",{..}], in place. */
		p += 6;
		len -= 6;
		memcpy(p, "[\"EVENT\",", 9);
		if (lws_write(l->wsi, (unsigned char *)p, len,
		    LWS_WRITE_TEXT) < (int)len)
			return -1;
		if (lws_send_pipe_choked(l->wsi)) {
			lws_callback_on_writable(l->wsi);
			break;
		}
	}
	return 0;
}

static int
mesh_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct link *l = user;

	if (l == NULL)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		link_down(l, in ? (const char *)in : "cannot connect");
		return -1;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		link_up(l);
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (lws_is_first_fragment(wsi))
			buf_reset(&l->rx);
		buf_append(&l->rx, in, len);
		if (l->rx.err) {
			link_down(l, "the peer sent a message that is too large");
			return -1;
		}
		if (lws_is_final_fragment(wsi))
			link_rx(l, l->rx.p, l->rx.len);
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (link_tx(l) != 0) {
			link_down(l, "write failed, or the link fell behind");
			return -1;
		}
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		link_down(l, "closed");
		break;
	default:
		break;
	}
	return 0;
}

const struct lws_protocols mesh_protocol = {
	"samizdat-mesh", mesh_callback, 0, 1 << 16, 0, NULL, 0
};

static const lws_retry_bo_t mesh_retry = {
	.secs_since_valid_ping = 30,	/* idle links: a ping each 30 s */
	.secs_since_valid_hangup = 75,	/* a peer gone silent is dropped */
};

static void
link_connect(struct link *l)
{
	struct mesh *m = l->m;
	struct lws_client_connect_info ci;
	char	 u[1024], path[1100];
	const char *prot, *host, *p;
	int	 port;

	snprintf(u, sizeof(u), "%s", l->url);
	if (lws_parse_uri(u, &prot, &host, &port, &p) != 0 ||
	    (strcmp(prot, "ws") != 0 && strcmp(prot, "wss") != 0)) {
		link_set(l, "unusable", "not a ws:// or wss:// URL");
		l->next_try = now_s() + 3600;
		return;
	}
	snprintf(path, sizeof(path), "/%s%ssamizdat-node", p,
	    strchr(p, '?') ? "&" : "?");
	memset(&ci, 0, sizeof(ci));
	ci.context = m->ctx;
	ci.address = host;
	ci.port = port;
	ci.path = path;
	ci.host = host;
	ci.origin = host;
	ci.ssl_connection = strcmp(prot, "wss") == 0 ? LCCSCF_USE_SSL : 0;
	ci.local_protocol_name = mesh_protocol.name;
	ci.userdata = l;
	ci.pwsi = &l->wsi;
	ci.retry_and_idle_policy = &mesh_retry;
	l->next_try = now_s() + 3600;	/* until it succeeds or fails */
	buf_reset(&l->rx);
	if (lws_client_connect_via_info(&ci) == NULL) {
		l->wsi = NULL;
		link_down(l, "cannot connect");
	}
}

/* --- links ---------------------------------------------------------------- */

static struct link *
link_find(struct mesh *m, const char *url, const char *npub)
{
	size_t	 i;

	for (i = 0; i < m->nlinks; i++) {
		struct link *l = m->links[i];

		if ((url != NULL && strcmp(l->url, url) == 0) ||
		    (npub != NULL && npub[0] != '\0' &&
		    strcmp(l->npub, npub) == 0))
			return l;
	}
	return NULL;
}

static struct link *
link_add(struct mesh *m, const char *url, enum link_kind kind,
    const char *how, const char *npub)
{
	struct link *l;

	if (m->nlinks == MESH_MAX_LINKS) {
		log_warnx("mesh: more than %d links; ignoring %s",
		    MESH_MAX_LINKS, url);
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->m = m;
	l->kind = kind;
	l->how = how;
	snprintf(l->url, sizeof(l->url), "%s", url);
	if (npub != NULL)
		snprintf(l->npub, sizeof(l->npub), "%s", npub);
	buf_init(&l->rx, 16u << 20);
	if (store_link_add(m->st, url, kind, how, npub, &l->lid) != ERR_OK)
		l->lid = 0;
	l->next_try = l->next_sync = now_s();
	link_set(l, "starting", "");
	m->links[m->nlinks++] = l;
	return l;
}

static void
link_free(struct link *l)
{
	lframes_free(l);
	buf_free(&l->rx);
	free(l);
}

static bool
inbound_from(const struct mesh *m, const char *npub)
{
	size_t	 i;

	for (i = 0; i < m->nin; i++)
		if (strcmp(m->in[i].npub, npub) == 0)
			return true;
	return false;
}

static void
on_found(struct mesh *m, const struct disc_peer *p)
{
	struct link *l;
	char	 url[1024];

	if (strcmp(p->npub, m->npub) == 0)
		return;
	l = link_find(m, NULL, p->npub);
	if (p->gone) {
		if (l != NULL && strcmp(l->how, "mdns") == 0) {
			l->gone = true;
			log_info("mesh: %s left the network", p->npub);
		}
		return;
	}
	snprintf(url, sizeof(url), strchr(p->addr, ':') ? "ws://[%s]:%u/" :
	    "ws://%s:%u/", p->addr, p->port);
	if (l == NULL) {
		if ((l = link_find(m, url, NULL)) != NULL) {
			snprintf(l->npub, sizeof(l->npub), "%s", p->npub);
			return;
		}
		if ((l = link_add(m, url, LINK_PEER, "mdns", p->npub)) == NULL)
			return;
		log_info("mesh: found %s at %s", p->npub, url);
	} else if (strcmp(l->url, url) != 0 && !l->live) {
		snprintf(l->url, sizeof(l->url), "%s", url);
	}
	l->gone = false;
	l->found = now_s();
	/* One link per pair: the lower npub calls, the higher waits a bit. */
	if (!l->live && l->wsi == NULL)
		l->next_try = now_s() + (strcmp(m->npub, p->npub) > 0 ?
		    DISC_WAIT : 0);
}

static void
disc_wake(void *arg)
{
	lws_cancel_service(arg);
}

int
mesh_new(struct mesh **mp, const struct mesh_opts *o,
    struct lws_context *ctx, struct relay *relay)
{
	struct mesh *m;
	size_t	 i;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -1;
	m->o = *o;
	m->ctx = ctx;
	m->relay = relay;
	if (crypto_pubkey(o->node_sk, m->node_pk) != ERR_OK ||
	    store_open(&m->st, o->store_path, STORE_HELPER) != ERR_OK) {
		log_warnx("mesh: cannot start (key or store)");
		store_close(m->st);
		free(m);
		return -1;
	}
	key_npub(m->node_pk, m->npub, sizeof(m->npub));
	for (i = 0; i < o->npeers; i++)
		link_add(m, o->peers[i], o->peers[i][0] == '/' ? LINK_DIR :
		    LINK_PEER, "config", NULL);
	for (i = 0; i < o->nbridges; i++)
		link_add(m, o->bridges[i], LINK_RELAY, "config", NULL);
	worker_start(m, &m->w[0]);
	if (o->nbridges > 0)
		worker_start(m, &m->w[1]);
	if (o->discovery) {
		if (disc_start(&m->disc, m->npub, SAMIZDAT_VERSION, o->port,
		    disc_wake, ctx) != 0)
			m->disc = NULL;
		else
			log_info("mesh: looking for peers on the local "
			    "network (%s)", DISC_TYPE);
	}
	records_flush(m);
	*mp = m;
	return 0;
}

void
mesh_tick(struct mesh *m)
{
	struct disc_peer found[16];
	time_t	 now = now_s();
	size_t	 i, n;

	if (m == NULL)
		return;
	while (m->disc != NULL &&
	    (n = disc_take(m->disc, found, 16)) > 0)
		for (i = 0; i < n; i++)
			on_found(m, &found[i]);
	for (i = 0; i < m->nlinks; i++) {
		struct link *l = m->links[i];

		if (l->kind != LINK_PEER || l->wsi != NULL || l->live ||
		    l->next_try > now)
			continue;
		if (l->gone) {
			/* Forget a withdrawn peer once its link is down. */
			link_set(l, "gone", NULL);
			l->next_try = now + 3600;
			continue;
		}
		if (l->npub[0] != '\0' && strcmp(l->how, "mdns") == 0 &&
		    inbound_from(m, l->npub)) {
			l->next_try = now + DISC_WAIT;	/* it called us */
			continue;
		}
		link_connect(l);
	}
	worker_tick(m, &m->w[0], false);
	worker_tick(m, &m->w[1], true);
	records_flush(m);
}

void
mesh_free(struct mesh *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	disc_stop(m->disc);
	worker_stop(&m->w[0]);
	worker_stop(&m->w[1]);
	/* The links went down with the context: say why. */
	for (i = 0; i < m->nlinks; i++)
		if (m->links[i]->kind == LINK_PEER && !m->links[i]->gone)
			link_set(m->links[i], "node stopped", "");
	records_flush(m);
	for (i = 0; i < m->nlinks; i++)
		link_free(m->links[i]);
	free(m->seen);
	store_close(m->st);
	free(m);
}

/* --- relay hooks ---------------------------------------------------------- */

void
mesh_authed(struct mesh *m, uint64_t conn, const uint8_t pubkey[32],
    const char *peer)
{
	struct inbound *in;

	char	 npub[64];
	bool	 known;
	size_t	 i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nin; i++)
		if (m->in[i].conn == conn)
			return;
	if (m->nin == MESH_MAX_INBOUND)
		return;
	key_npub(pubkey, npub, sizeof(npub));
	known = inbound_from(m, npub);
	in = &m->in[m->nin];
	in->conn = conn;
	memcpy(in->npub, npub, sizeof(in->npub));
	if (store_link_add(m->st, in->npub, LINK_PEER, "inbound", in->npub,
	    &in->lid) != ERR_OK)
		return;
	store_link_update(m->st, in->lid, "connected to us",
	    (int64_t)now_s(), 0, 0, 0, 0, "");
	m->nin++;
	if (!known)
		log_info("mesh: node %s connected from %s", in->npub, peer);
}

void
mesh_seen(struct mesh *m, uint64_t conn, const uint8_t *pubkey,
    const uint8_t id[32], enum err e)
{
	size_t	 i;

	if (m == NULL || e == ERR_EPHEMERAL)
		return;
	for (i = 0; i < m->nlinks; i++)
		if (m->links[i]->vconn == conn && !ingest_accepted(e)) {
			/* Our relay refused what the peer sent: a round later. */
			if (e != ERR_DELETED && e != ERR_HAVE_NEWER)
				m->links[i]->missed++;
			return;
		}
	if (!ingest_accepted(e))
		return;
	for (i = 0; i < m->nlinks; i++)
		if (m->links[i]->vconn == conn) {
			seen_add(m, id, m->links[i]->lid, SEEN_RECEIVED);
			if (e == ERR_OK)
				m->links[i]->received++;
			m->links[i]->dirty = true;
			return;
		}
	for (i = 0; i < m->nin; i++)
		if (m->in[i].conn == conn) {
			seen_add(m, id, m->in[i].lid, SEEN_RECEIVED);
			if (e == ERR_OK)
				store_link_update(m->st, m->in[i].lid, NULL,
				    (int64_t)now_s(), 0, 0, 1, 0, NULL);
			return;
		}
}

void
mesh_conn_closed(struct mesh *m, uint64_t conn)
{
	size_t	 i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nin; i++)
		if (m->in[i].conn == conn) {
			struct inbound gone = m->in[i];

			m->in[i] = m->in[--m->nin];
			/* A sync's own connection may close while the live one stays. */
			if (!inbound_from(m, gone.npub))
				store_link_update(m->st, gone.lid,
				    "disconnected", (int64_t)now_s(), 0, 0, 0,
				    0, NULL);
			return;
		}
}
