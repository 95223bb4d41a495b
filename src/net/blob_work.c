/*
 * blob_work.c: the blob worker (blob_work.h).  One thread, its own store
 * handle and libwebsockets context with the HTTP client; one request at
 * a time, each with a deadline, so it is bounded however many blobs are
 * wanted.  A round: index the events stored since the last round, fetch
 * a few wanted blobs (thumbnails first) from the peers that have them,
 * then upload a few to each reachable Blossom bridge.  What every fetch
 * brings goes through blob_writer_commit with the hash it must have, so
 * a peer that serves other bytes is refused and recorded as such.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "blob_index.h"
#include "blob_work.h"
#include "hex.h"
#include "httpc.h"
#include "log.h"
#include "netaddr.h"
#include "store_mesh.h"

#define WANTS_PER_ROUND	8
#define SOURCES_MAX	6	/* peers tried for one blob in a round */
#define BRIDGE_PER_ROUND 4
#define FETCH_TIMEOUT	120	/* s for one blob */
#define PEERS_MAX	64
#define IDLE_MS		1000
#define BRIDGE_IDLE	30	/* s between looks when nothing was new */
#define BRIDGE_BACKOFF	3600

struct peer {
	int64_t		 lid;
	char		 url[1024];	/* ws:// or wss:// */
	char		 npub[64];
	bool		 down;		/* failed to connect this round */
};

struct bridge {
	int64_t		 lid;
	char		 url[1024];	/* no trailing slash */
	time_t		 next;
	unsigned	 backoff;
};

struct blob_work {
	struct blob_srv_opts o;
	uint8_t		 sk[32];
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	bool		 started, wake;
	volatile int	 stop;		/* set from the server's thread */
	struct lws_context *ctx;
	struct httpc	*hc;
	struct store	*st;
	struct blobs	*b;
	struct peer	 peers[PEERS_MAX];
	size_t		 npeers;
	struct bridge	*bridges;
	size_t		 nbridges;
};

/* One request, run to its end on the worker's own context. */
struct call {
	struct blob_work *w;
	bool		 over;
	unsigned	 status;
	char		 why[256];	/* transport failure; "" when the answer came */
	char		 reason[256];	/* X-Reason */
	/* a fetch: the body into a blob */
	struct blob_writer bw;
	bool		 writing;
	bool		 stop_at_head;	/* existence checks */
	enum err	 e;
};

void
blob_public_base(const char (*bridges)[1024], size_t nbridges, uint16_t port,
    char *out, size_t sz)
{
	struct netaddr a[16];
	size_t	 i, n, len;

	if (nbridges > 0) {
		snprintf(out, sz, "%s", bridges[0]);
		len = strlen(out);
		while (len > 0 && out[len - 1] == '/')
			out[--len] = '\0';
		return;
	}
	n = netaddr_list(a, sizeof(a) / sizeof(a[0]));
	for (i = 0; i < n; i++)
		if (!a[i].v6 && !a[i].loopback) {
			snprintf(out, sz, "http://%s:%u", a[i].addr, port);
			return;
		}
	snprintf(out, sz, "http://127.0.0.1:%u", port);
}

static int
call_head(void *arg, uint64_t id, unsigned status, uint64_t len,
    const char *reason)
{
	struct call *c = arg;

	c->status = status;
	snprintf(c->reason, sizeof(c->reason), "%s", reason);
	if (c->stop_at_head)
		return 1;
	if (status != 200)
		return 0;	/* read the refusal's body, then done */
	if (len != UINT64_MAX && len > c->w->o.store.max_size) {
		c->e = ERR_MEDIA_SIZE;
		return 1;
	}
	if ((c->e = blob_writer_open(c->w->b, &c->bw,
	    c->w->o.store.max_size)) != ERR_OK)
		return 1;
	c->writing = true;
	return 0;
}

static int
call_body(void *arg, uint64_t id, const void *p, size_t n)
{
	struct call *c = arg;

	if (!c->writing)
		return 0;
	if ((c->e = blob_writer_write(&c->bw, p, n)) != ERR_OK)
		return 1;
	return 0;
}

static void
call_done(void *arg, uint64_t id, unsigned status, const char *why)
{
	struct call *c = arg;

	c->over = true;
	if (why != NULL && !(c->stop_at_head && c->status != 0))
		snprintf(c->why, sizeof(c->why), "%s", why);
}

static const struct httpc_ops call_ops = {
	.head = call_head, .body = call_body, .done = call_done,
};

/* Runs r until its answer is in.  Returns: 0, or -1 (c->why). */
static int
call_run(struct blob_work *w, struct call *c, const struct httpc_req *r)
{
	char	 err[200];
	uint64_t id;

	c->w = w;
	if ((id = httpc_start(w->hc, r, &call_ops, c, err, sizeof(err))) ==
	    0) {
		snprintf(c->why, sizeof(c->why), "%s", err);
		return -1;
	}
	while (!c->over) {
		if (w->stop) {
			httpc_cancel(w->hc, id);
			snprintf(c->why, sizeof(c->why), "stopping");
			break;
		}
		if (lws_service(w->ctx, 0) < 0)
			break;
		httpc_tick(w->hc);
	}
	return c->why[0] != '\0' ? -1 : 0;
}

/* The peers: links of kind peer with a ws:// URL, newest contact first. */
static int
peer_row(const struct link_row *l, void *arg)
{
	struct blob_work *w = arg;
	struct peer *p;

	if (w->npeers == PEERS_MAX || l->kind != LINK_PEER ||
	    (strncmp(l->name, "ws://", 5) != 0 &&
	    strncmp(l->name, "wss://", 6) != 0))
		return 0;
	p = &w->peers[w->npeers++];
	memset(p, 0, sizeof(*p));
	p->lid = l->lid;
	snprintf(p->url, sizeof(p->url), "%s", l->name);
	snprintf(p->npub, sizeof(p->npub), "%s", l->npub);
	return 0;
}

/* The peer a source link stands for: itself, or the URL of its npub. */
static struct peer *
peer_of(struct blob_work *w, int64_t lid)
{
	char	 npub[64] = "";
	size_t	 i;

	for (i = 0; i < w->npeers; i++)
		if (w->peers[i].lid == lid)
			return &w->peers[i];
	/* An inbound link is named by its npub: find that node's URL. */
	if (blob_link_npub(w->st, lid, npub, sizeof(npub)) != ERR_OK ||
	    npub[0] == '\0')
		return NULL;
	for (i = 0; i < w->npeers; i++)
		if (strcmp(w->peers[i].npub, npub) == 0)
			return &w->peers[i];
	return NULL;
}

/* ws://host:port/... -> http://host:port/<hex> */
static void
blob_url(const char *ws, const char *hex, char *out, size_t sz)
{
	const char *a = strstr(ws, "://"), *e;

	a = a != NULL ? a + 3 : ws;
	for (e = a; *e != '\0' && *e != '/'; e++)
		;
	snprintf(out, sz, "%s://%.*s/%s", strncmp(ws, "wss", 3) == 0 ?
	    "https" : "http", (int)(e - a), a, hex);
}

/* One try from one source.  Returns: 1 kept, 0 not there, -1 failed. */
static int
fetch_from(struct blob_work *w, const struct blob_want *want,
    const char *url, int64_t lid, bool sign, bool *down)
{
	struct httpc_req r;
	struct blob_put p;
	struct call c;
	struct buf auth;
	char	 why[300];
	int	 rc = -1;

	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	buf_init(&auth, 4096);
	/* A get token says who fetched: the peer records that we hold it. */
	if (sign && w->o.node_sk != NULL)
		(void)blossom_auth_make(w->sk, BLOSSOM_GET, want->sha256,
		    (uint64_t)time(NULL), 300, &auth);
	r.method = "GET";
	r.url = url;
	r.auth = auth.len > 0 && !auth.err ? auth.p : NULL;
	r.body_fd = -1;
	r.timeout_s = FETCH_TIMEOUT;
	if (call_run(w, &c, &r) != 0 || c.e != ERR_OK) {
		if (c.writing)
			blob_writer_abort(&c.bw);
		if (c.status == 0)
			*down = true;
		log_debug("blobs: %s: %s", url, c.why[0] ? c.why :
		    err_str(c.e));
		goto done;
	}
	if (c.status != 200 || !c.writing) {
		if (c.writing)
			blob_writer_abort(&c.bw);
		rc = 0;
		goto done;
	}
	memset(&p, 0, sizeof(p));
	p.expect = want->sha256;
	p.role = want->role;
	p.now = (int64_t)time(NULL);
	p.may_evict_own = false;
	if ((c.e = blob_writer_commit(w->b, &c.bw, &p)) == ERR_OK) {
		if (lid > 0)
			(void)blob_seen_put(w->st, want->sha256, lid,
			    SEEN_RECEIVED, p.now, NULL);
		rc = 1;
		goto done;
	}
	err_reason_detail(c.e, p.detail[0] ? p.detail : NULL, why,
	    sizeof(why));
	log_warnx("blobs: %s: refused what it served: %s", url, why);
	if (lid > 0)
		(void)blob_seen_put(w->st, want->sha256, lid, SEEN_REFUSED,
		    p.now, why);
	/* The right bytes with metadata or of a bad type: same anywhere. */
	if (c.e != ERR_BLOB_HASH && c.e != ERR_BLOB_FULL &&
	    c.e != ERR_DB_FULL && c.e != ERR_IO)
		(void)blob_want_failed(w->st, want->sha256, p.now, why, true);
	rc = c.e == ERR_BLOB_HASH ? 0 : -2;
done:
	buf_free(&auth);
	return rc;
}

/* Fetches one wanted blob from the best sources.  Returns: 1 if kept. */
static int
fetch_one(struct blob_work *w, const struct blob_want *want)
{
	int64_t	 lids[16];
	struct peer *tried[SOURCES_MAX], *p;
	char	 hex[65], url[1200];
	size_t	 n, i, k, nt = 0;
	int	 rc;

	hex_encode(want->sha256, 32, hex);
	n = blob_sources(w->st, want->sha256, lids, 16);
	/* First the links known to hold it or to have sent its report. */
	for (i = 0; i < n + w->npeers && nt < SOURCES_MAX; i++) {
		p = i < n ? peer_of(w, lids[i]) : &w->peers[i - n];
		if (p == NULL || p->down)
			continue;
		for (k = 0; k < nt && tried[k] != p; k++)
			;
		if (k < nt)
			continue;
		tried[nt++] = p;
		blob_url(p->url, hex, url, sizeof(url));
		if ((rc = fetch_from(w, want, url, p->lid, true, &p->down)) ==
		    1) {
			log_info("blobs: fetched %s %.16s... from %s",
			    blobref_role_name(want->role), hex, p->url);
			return 1;
		}
		if (rc == -2)
			return 0;	/* refused for good */
	}
	/* Then where the bridges put what they upload. */
	for (i = 0; i < w->nbridges; i++) {
		bool	 down = false;

		snprintf(url, sizeof(url), "%s/%s", w->bridges[i].url, hex);
		if (fetch_from(w, want, url, w->bridges[i].lid, false, &down) ==
		    1)
			return 1;
	}
	(void)blob_want_failed(w->st, want->sha256, (int64_t)time(NULL),
	    nt == 0 ? "no peer to ask" : "no peer had it", false);
	return 0;
}

static size_t
fetch_round(struct blob_work *w)
{
	struct blob_want wants[WANTS_PER_ROUND];
	size_t	 n, i, got = 0;

	if (!w->o.fetch)
		return 0;
	if ((n = blob_wants(w->st, (int64_t)time(NULL), wants,
	    WANTS_PER_ROUND)) == 0)
		return 0;
	w->npeers = 0;
	(void)store_links(w->st, peer_row, w);
	for (i = 0; i < n && !w->stop; i++)
		got += (size_t)fetch_one(w, &wants[i]);
	return n;
}

/* --- bridges -------------------------------------------------------------- */

/* Uploads one blob to a bridge.  Returns: 0 done (either way), -1 down. */
static int
bridge_one(struct blob_work *w, struct bridge *br, const struct blob_want *b)
{
	struct httpc_req r;
	struct call c;
	struct buf auth;
	char	 hex[65], url[1200], path[4200], why[300];
	int64_t	 now = (int64_t)time(NULL);
	int	 fd, rc = 0;

	hex_encode(b->sha256, 32, hex);
	/* Already there?  One byte of it says so. */
	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	snprintf(url, sizeof(url), "%s/%s", br->url, hex);
	r.method = "GET";
	r.url = url;
	r.range = "bytes=0-0";
	r.body_fd = -1;
	r.timeout_s = 30;
	c.stop_at_head = true;
	if (call_run(w, &c, &r) != 0 && c.status == 0)
		return -1;
	if (c.status == 200 || c.status == 206) {
		(void)blob_seen_put(w->st, b->sha256, br->lid, SEEN_ACCEPTED,
		    now, "already there");
		return 0;
	}
	blob_path(w->b, b->sha256, path, sizeof(path));
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return 0;		/* evicted meanwhile */
	buf_init(&auth, 4096);
	if (blossom_auth_make(w->sk, BLOSSOM_UPLOAD, b->sha256,
	    (uint64_t)now, 600, &auth) != ERR_OK) {
		close(fd);
		buf_free(&auth);
		return 0;
	}
	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	snprintf(url, sizeof(url), "%s/upload", br->url);
	r.method = "PUT";
	r.url = url;
	r.auth = auth.p;
	r.sha256 = hex;
	r.body_fd = fd;
	r.body_len = b->size;
	r.body_type = media_mime(b->type);
	r.timeout_s = (unsigned)(60 + b->size / 65536);
	if (call_run(w, &c, &r) != 0 || c.status == 0 || c.status >= 500) {
		log_info("blobs: bridge %s: %s", br->url, c.why[0] ? c.why :
		    c.reason);
		rc = -1;
	} else if (c.status == 200 || c.status == 201) {
		(void)blob_seen_put(w->st, b->sha256, br->lid, SEEN_ACCEPTED,
		    now, NULL);
		log_info("blobs: uploaded %s %.16s... to %s",
		    blobref_role_name(b->role), hex, br->url);
	} else {
		snprintf(why, sizeof(why), "%u%s%s", c.status,
		    c.reason[0] ? " " : "", c.reason);
		(void)blob_seen_put(w->st, b->sha256, br->lid, SEEN_REFUSED,
		    now, why);
		log_info("blobs: bridge %s refused %.16s...: %s", br->url,
		    hex, why);
	}
	close(fd);
	buf_free(&auth);
	return rc;
}

static size_t
bridge_round(struct blob_work *w)
{
	struct blob_want list[BRIDGE_PER_ROUND];
	time_t	 now = time(NULL);
	size_t	 i, k, n, did = 0;

	for (i = 0; i < w->nbridges && !w->stop; i++) {
		struct bridge *br = &w->bridges[i];

		if (br->next > now)
			continue;
		n = blob_for_bridge(w->st, br->lid, list, BRIDGE_PER_ROUND);
		for (k = 0; k < n && !w->stop; k++)
			if (bridge_one(w, br, &list[k]) != 0)
				break;
		if (k < n) {
			br->backoff = br->backoff == 0 ? 60 :
			    br->backoff * 2 > BRIDGE_BACKOFF ? BRIDGE_BACKOFF :
			    br->backoff * 2;
			br->next = now + (time_t)br->backoff;
			(void)store_link_update(w->st, br->lid, "unreachable",
			    0, 0, 0, 0, 0, NULL);
			continue;
		}
		br->backoff = 0;
		br->next = n == 0 ? now + BRIDGE_IDLE : now;
		did += n;
		if (n > 0)
			(void)store_link_update(w->st, br->lid, "reachable",
			    (int64_t)now, (int64_t)now, n, 0, 0, "");
	}
	return did;
}

/* --- the thread ----------------------------------------------------------- */

static int
setup(struct blob_work *w)
{
	struct lws_context_creation_info info;
	static struct lws_protocols protocols[2];
	struct lws_context *ctx;
	size_t	 i;
	bool	 tls = false;

	if (store_open(&w->st, w->o.store_path, STORE_HELPER) != ERR_OK ||
	    blobs_open(&w->b, w->st, &w->o.store) != ERR_OK ||
	    httpc_new(&w->hc) != ERR_OK)
		return -1;
	if (w->o.nbridges > 0 && (w->bridges = calloc(w->o.nbridges,
	    sizeof(*w->bridges))) == NULL)
		return -1;
	for (i = 0; i < w->o.nbridges; i++) {
		struct bridge *br = &w->bridges[w->nbridges];
		size_t	 len;

		snprintf(br->url, sizeof(br->url), "%s", w->o.bridges[i]);
		len = strlen(br->url);
		while (len > 0 && br->url[len - 1] == '/')
			br->url[--len] = '\0';
		if (strncmp(br->url, "https://", 8) == 0)
			tls = true;
		if (store_link_add(w->st, br->url, LINK_BLOSSOM, "config", NULL,
		    &br->lid) == ERR_OK)
			w->nbridges++;
	}
	memset(protocols, 0, sizeof(protocols));
	protocols[0] = *httpc_protocol(w->hc);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.gid = (gid_t)-1;
	info.uid = (uid_t)-1;
	if (tls) {
		info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.client_ssl_ca_filepath =
		    "/etc/ssl/certs/ca-certificates.crt";
	}
	if ((ctx = lws_create_context(&info)) == NULL)
		return -1;
	httpc_attach(w->hc, ctx);
	pthread_mutex_lock(&w->mu);
	w->ctx = ctx;
	pthread_mutex_unlock(&w->mu);
	return 0;
}

static void *
work_main(void *arg)
{
	struct blob_work *w = arg;
	struct lws_context *ctx;
	struct timespec ts;
	size_t	 n, did;

	if (setup(w) != 0) {
		log_warnx("blobs: the fetch worker cannot start");
		goto out;
	}
	while (!w->stop) {
		did = 0;
		if (blob_index(w->st, (int64_t)time(NULL), 2000, &n) == ERR_OK)
			did += n;
		did += fetch_round(w);
		did += bridge_round(w);
		pthread_mutex_lock(&w->mu);
		if (!w->stop && !w->wake && did == 0) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += (long)IDLE_MS * 1000000L;
			ts.tv_sec += ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&w->cv, &w->mu, &ts);
		}
		w->wake = false;
		pthread_mutex_unlock(&w->mu);
	}
out:
	/* Taken under mu: blob_work_stop may be waking it right now. */
	pthread_mutex_lock(&w->mu);
	ctx = w->ctx;
	w->ctx = NULL;
	pthread_mutex_unlock(&w->mu);
	if (ctx != NULL)
		lws_context_destroy(ctx);
	httpc_free(w->hc);
	blobs_close(w->b);
	store_close(w->st);
	free(w->bridges);
	return NULL;
}

int
blob_work_start(struct blob_work **wp, const struct blob_srv_opts *o)
{
	struct blob_work *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -1;
	w->o = *o;
	if (o->node_sk != NULL)
		memcpy(w->sk, o->node_sk, 32);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->th, NULL, work_main, w) != 0) {
		log_warnx("blobs: cannot start the fetch worker");
		free(w);
		return -1;
	}
	w->started = true;
	*wp = w;
	return 0;
}

void
blob_work_wake(struct blob_work *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->wake = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void
blob_work_stop(struct blob_work *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->cv);
	/* Wakes a request in progress; under mu, so never a freed context. */
	if (w->ctx != NULL)
		lws_cancel_service(w->ctx);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	explicit_bzero(w->sk, sizeof(w->sk));
	free(w);
}
