/*
 * server.c: libwebsockets glue for `samizdat serve` (server.h).
 *
 * One context, one protocol callback for both HTTP and WebSocket, one
 * thread.  The loop is ours: after every lws_service() turn, relay_flush()
 * commits what the turn stored and sends the OKs and live events, so a
 * burst of EVENTs costs one commit.  A timer looks for events other
 * processes stored (an import on the same data dir) twice a second and
 * purges expired events now and then.  libwebsockets owns the per-
 * connection memory; it holds only our connection id.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "log.h"
#include "relay.h"
#include "server.h"
#include "http.h"
#include "status.h"
#include "wsc.h"
#include "wsext.h"

#define POLL_USEC	(500 * LWS_US_PER_MS)

_Static_assert(RELAY_HEADROOM >= LWS_PRE, "relay frames need LWS_PRE bytes");

struct pss {
	uint64_t	 id;		/* relay connection, 0 for HTTP */
	char		*body;		/* HTTP response being written */
	size_t		 len, off;
	bool		 owned;		/* body is malloc'd */
	bool		 deflate;	/* counted in ndeflate */
	char		 peer[64];	/* for the log after the socket closed */
};

struct server {
	const struct server_opts *o;
	struct lws_context *ctx;
	struct relay	*relay;
	struct store	*store;
	lws_sorted_usec_list_t poll_sul;
	lws_sorted_usec_list_t commit_sul;
	struct mesh	*mesh;
	struct wsc	*wsc;		/* client connections: the mesh's */
	time_t		 last_purge;
	size_t		 nconn;		/* TCP connections, HTTP included */
	size_t		 ndeflate;	/* client connections compressing */
	time_t		 started;	/* for GET /api/node */
};

static volatile sig_atomic_t server_stop;
static struct lws_context *server_ctx;

static void
on_signal(int sig)
{
	server_stop = 1;
	if (server_ctx != NULL)
		lws_cancel_service(server_ctx);
}

static void	server_flush(struct server *);

static void
want_write(void *arg, void *cookie)
{
	lws_callback_on_writable((struct lws *)cookie);
}

/* A connection over its rate: stop reading it until it may go on. */
static void
pause_rx(void *arg, void *cookie, bool on)
{
	lws_rx_flow_control((struct lws *)cookie, on ? 0 : 1);
}

/* From a verify thread: make lws_service return so the loop collects. */
static void
wake(void *arg)
{
	struct server *s = arg;

	lws_cancel_service(s->ctx);
}

static void
poll_timer(lws_sorted_usec_list_t *sul)
{
	struct server *s = lws_container_of(sul, struct server, poll_sul);
	uint64_t n;
	time_t	 now = time(NULL);

	relay_poll(s->relay);
	mesh_tick(s->mesh);
	if (s->o->purge_interval > 0 &&
	    now - s->last_purge >= (time_t)s->o->purge_interval) {
		s->last_purge = now;
		if (store_purge_expired(s->store, (uint64_t)now, &n) == ERR_OK &&
		    n > 0)
			log_info("purged %llu expired events",
			    (unsigned long long)n);
	}
	lws_sul_schedule(s->ctx, 0, &s->poll_sul, poll_timer, POLL_USEC);
}

static void
commit_timer(lws_sorted_usec_list_t *sul)
{
	struct server *s = lws_container_of(sul, struct server, commit_sul);

	server_flush(s);
}

/* Commits when due; otherwise makes sure a timer will. */
static void
server_flush(struct server *s)
{
	int	 ms = relay_flush(s->relay);

	if (ms >= 0)
		lws_sul_schedule(s->ctx, 0, &s->commit_sul, commit_timer,
		    (lws_usec_t)(ms + 1) * LWS_US_PER_MS);
}

/* A response body: static (the page, NIP-11) or owned (inflated, JSON). */
static void
http_body_free(struct pss *pss)
{
	if (pss->owned)
		free(pss->body);
	pss->body = NULL;
	pss->owned = false;
	pss->len = pss->off = 0;
}

static int
http_request(struct server *s, struct lws *wsi, struct pss *pss,
    const char *path)
{
	unsigned char hdr[LWS_PRE + 1024], *p = hdr + LWS_PRE,
	    *end = hdr + sizeof(hdr) - 1;
	char	 accept[512] = "", enc[256] = "";
	const char *ctype = "text/plain", *cache = "no-cache";
	/* Only the page runs script, under its own meta CSP (hashes). */
	const char *csp = "default-src 'none'; frame-ancestors 'none'";
	uint8_t	 id[32];
	struct buf b;
	bool	 options, gz = false;
	int	 status = 200;
	enum http_kind kind;
	const char *asset;
	size_t	 alen;

	http_body_free(pss);
	options = lws_hdr_total_length(wsi, WSI_TOKEN_OPTIONS_URI) > 0;
	if (lws_hdr_copy(wsi, accept, sizeof(accept), WSI_TOKEN_HTTP_ACCEPT) < 0)
		accept[0] = '\0';
	if (lws_hdr_copy(wsi, enc, sizeof(enc),
	    WSI_TOKEN_HTTP_ACCEPT_ENCODING) < 0)
		enc[0] = '\0';
	switch ((kind = http_route(options, path, accept, id))) {
	case HTTP_NIP11:
		ctype = "application/nostr+json";
		pss->body = (char *)(uintptr_t)s->o->nip11;
		pss->len = s->o->nip11_len;
		break;
	case HTTP_PAGE:
	case HTTP_PLACES:
		if (kind == HTTP_PAGE) {
			ctype = "text/html; charset=utf-8";
			csp = NULL;
			asset = http_page_gz(&alen);
		} else {
			ctype = "application/json";
			cache = "public, max-age=31536000, immutable";
			asset = http_places_gz(&alen);
		}
		if (http_accepts_gzip(enc)) {
			pss->body = (char *)(uintptr_t)asset;
			pss->len = alen;
			gz = true;
		} else if ((pss->body = http_inflate(asset, alen, &pss->len)) !=
		    NULL) {
			pss->owned = true;
		} else {
			status = 500;
			pss->body = (char *)(uintptr_t)"cannot inflate it\n";
			pss->len = strlen(pss->body);
		}
		break;
	case HTTP_STATUS:
		ctype = "application/json";
		buf_init(&b, 1 << 20);
		if (status_json(s->store, id, &b) != ERR_OK || b.err) {
			buf_free(&b);
			status = 500;
			pss->body = (char *)(uintptr_t)"{}";
			pss->len = 2;
		} else {
			pss->body = b.p;
			pss->len = b.len;
			pss->owned = true;
		}
		break;
	case HTTP_NODE:
		ctype = "application/json";
		buf_init(&b, 1 << 20);
		if (status_node_json(s->store, (int64_t)s->started, &b) !=
		    ERR_OK || b.err) {
			buf_free(&b);
			status = 500;
			pss->body = (char *)(uintptr_t)"{}";
			pss->len = 2;
		} else {
			pss->body = b.p;
			pss->len = b.len;
			pss->owned = true;
		}
		break;
	case HTTP_TIME:
		ctype = "application/json";
		buf_init(&b, 64);
		buf_printf(&b, "{\"now\":%lld}", (long long)time(NULL));
		pss->body = b.p;
		pss->len = b.len;
		pss->owned = true;
		break;
	case HTTP_PREFLIGHT:
		status = 204;
		break;
	case HTTP_NOT_FOUND:
		status = 404;
		pss->body = (char *)(uintptr_t)"not found\n";
		pss->len = strlen(pss->body);
		break;
	}
	if (lws_add_http_common_headers(wsi, (unsigned)status, ctype,
	    (lws_filepos_t)pss->len, &p, end) ||
	    (gz && lws_add_http_header_by_name(wsi, (const unsigned char *)
	    "content-encoding:", (const unsigned char *)"gzip", 4, &p, end)) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)
	    "cache-control:", (const unsigned char *)cache,
	    (int)strlen(cache), &p, end) ||
	    (csp != NULL && lws_add_http_header_by_name(wsi,
	    (const unsigned char *)"content-security-policy:",
	    (const unsigned char *)csp, (int)strlen(csp), &p, end)) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)
	    "x-content-type-options:", (const unsigned char *)"nosniff", 7,
	    &p, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)
	    "vary:", (const unsigned char *)"Accept, Accept-Encoding", 23,
	    &p, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)
	    "access-control-allow-origin:", (const unsigned char *)"*", 1,
	    &p, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)
	    "access-control-allow-headers:", (const unsigned char *)"*", 1,
	    &p, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)
	    "access-control-allow-methods:", (const unsigned char *)
	    "GET, OPTIONS", 12, &p, end) ||
	    lws_finalize_write_http_header(wsi, hdr + LWS_PRE, &p, end)) {
		http_body_free(pss);
		return -1;
	}
	if (pss->len == 0) {
		http_body_free(pss);
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	lws_callback_on_writable(wsi);
	return 0;
}

#define HTTP_CHUNK	16384

static int
http_body_write(struct server *s, struct lws *wsi, struct pss *pss)
{
	unsigned char buf[LWS_PRE + HTTP_CHUNK];
	size_t	 n = pss->len - pss->off;
	bool	 last;

	if (pss->body == NULL)
		return 0;
	if (n > HTTP_CHUNK)
		n = HTTP_CHUNK;
	last = pss->off + n == pss->len;
	memcpy(buf + LWS_PRE, pss->body + pss->off, n);
	if (lws_write(wsi, buf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL :
	    LWS_WRITE_HTTP) < (int)n)
		return -1;
	pss->off += n;
	if (!last) {
		lws_callback_on_writable(wsi);
		return 0;
	}
	http_body_free(pss);
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int
ws_writeable(struct server *s, struct lws *wsi, struct pss *pss)
{
	char	*p;
	size_t	 len;
	bool	 close_after, deflate = wsext_active(wsi);

	/*
	 * Write while the socket takes it; ask again for the rest.  A
	 * compressed connection gets one frame a callback: libwebsockets may
	 * go on deflating from it after lws_write returns, and holds our
	 * callback back until it is done, so the frame (kept by the relay
	 * until the next relay_conn_next) must not be replaced before.
	 */
	while (relay_conn_next(s->relay, pss->id, &p, &len, &close_after)) {
		if (lws_write(wsi, (unsigned char *)p, len, LWS_WRITE_TEXT) <
		    (int)len)
			return -1;
		if (close_after)
			return -1;
		if (deflate || lws_send_pipe_choked(wsi)) {
			if (relay_conn_queued(s->relay, pss->id) > 0)
				lws_callback_on_writable(wsi);
			break;
		}
	}
	return 0;
}

/* A node asks to be one: the mesh's client adds ?samizdat-node. */
static bool
is_node(struct lws *wsi)
{
	char	 args[256];

	return lws_hdr_copy(wsi, args, sizeof(args),
	    WSI_TOKEN_HTTP_URI_ARGS) > 0 && strstr(args, "samizdat-node") !=
	    NULL;
}

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct server *s = lws_context_user(lws_get_context(wsi));
	struct pss *pss = user;
	char	 peer[64];

	switch (reason) {
	case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
		if (s->nconn >= s->o->max_connections) {
			log_info("refusing a connection: %zu open already",
			    s->nconn);
			return -1;
		}
		break;
	case LWS_CALLBACK_WSI_CREATE:
		s->nconn++;
		break;
	case LWS_CALLBACK_WSI_DESTROY:
		if (s->nconn > 0)
			s->nconn--;
		break;
	case LWS_CALLBACK_HTTP:
		return http_request(s, wsi, pss, in ? (const char *)in : "/");
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return http_body_write(s, wsi, pss);
	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		if (pss != NULL)
			http_body_free(pss);
		break;
	case LWS_CALLBACK_CONFIRM_EXTENSION_OKAY:
		/* permessage-deflate: nodes always, clients while there is room. */
		if (is_node(wsi))
			break;
		if (s->ndeflate >= s->o->deflate_connections)
			return 1;
		s->ndeflate++;
		pss->deflate = true;
		break;
	case LWS_CALLBACK_ESTABLISHED:
		wsext_bound(wsi);
		lws_get_peer_simple(wsi, peer, sizeof(peer));
		snprintf(pss->peer, sizeof(pss->peer), "%s", peer);
		if ((pss->id = relay_conn_open(s->relay, wsi, peer)) == 0)
			return -1;
		if (is_node(wsi))
			relay_conn_challenge(s->relay, pss->id);
		log_info("%s: connected (%zu open)", peer,
		    relay_conn_count(s->relay));
		break;
	case LWS_CALLBACK_RECEIVE:
		if (!relay_conn_rx(s->relay, pss->id, in, len,
		    lws_is_first_fragment(wsi) != 0,
		    lws_is_final_fragment(wsi) != 0))
			return -1;
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return ws_writeable(s, wsi, pss);
	case LWS_CALLBACK_CLOSED:
		if (pss->deflate && s->ndeflate > 0)
			s->ndeflate--;
		pss->deflate = false;
		relay_conn_close(s->relay, pss->id);
		log_info("%s: disconnected", pss->peer);
		pss->id = 0;
		break;
	default:
		break;
	}
	return 0;
}

static struct lws_protocols protocols[] = {
	{ "nostr", callback, sizeof(struct pss), 4096, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },	/* the WebSocket client's */
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void
lws_log(int level, const char *line)
{
	size_t	 n = strlen(line);

	/* lws lines end in a newline; ours add one. */
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	log_warnx("libwebsockets: %.*s", (int)n, line);
}

int
server_run(const struct server_opts *o, struct store *st,
    const struct relay_limits *lim)
{
	struct lws_context_creation_info info;
	struct relay_io io;
	struct server s;
	struct sigaction sa;
	int	 rc = -1, i;

	memset(&s, 0, sizeof(s));
	s.started = time(NULL);
	s.o = o;
	s.store = st;
	s.last_purge = time(NULL);
	lws_set_log_level(o->verbose >= 2 ? LLL_ERR | LLL_WARN | LLL_NOTICE :
	    LLL_ERR, lws_log);

	memset(&info, 0, sizeof(info));
	info.port = o->port;
	info.iface = o->host[0] != '\0' && strcmp(o->host, "0.0.0.0") != 0 ?
	    o->host : NULL;
	if (wsc_new(&s.wsc) != ERR_OK)
		return -1;
	protocols[1] = *wsc_protocol(s.wsc);
	info.protocols = protocols;
	info.extensions = wsext_list();
	info.gid = (gid_t)-1;
	info.uid = (uid_t)-1;
	info.user = &s;
	if (strchr(o->host, ':') == NULL && o->host[0] != '\0')
		info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
	/*
	 * wss:// peers: TLS for client links only; the server stays plain.
	 * Only when one is configured: it costs some 5 MB of memory.
	 */
	for (i = 0; o->mesh != NULL && (size_t)i < o->mesh->npeers; i++)
		if (strncmp(o->mesh->peers[i], "wss://", 6) == 0) {
			info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
			info.client_ssl_ca_filepath =
			    "/etc/ssl/certs/ca-certificates.crt";
		}
	info.timeout_secs = 30;
	info.ka_time = 60;		/* TCP keepalive finds dead peers */
	info.ka_probes = 3;
	info.ka_interval = 10;
	if ((s.ctx = lws_create_context(&info)) == NULL) {
		log_warnx("cannot listen on %s:%u (in use, or not an address "
		    "of this machine?)", o->host[0] ? o->host : "*", o->port);
		wsc_free(s.wsc);
		return -1;
	}
	wsc_attach(s.wsc, s.ctx);
	server_ctx = s.ctx;
	io.arg = &s;
	io.want_write = want_write;
	io.wake = wake;
	io.pause = pause_rx;
	if (relay_new(&s.relay, st, lim, &io) != ERR_OK)
		goto done;
	if (o->mesh != NULL && mesh_new(&s.mesh, o->mesh, s.ctx, s.wsc,
	    s.relay) != 0)
		s.mesh = NULL;	/* a relay alone is still useful */

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	lws_sul_schedule(s.ctx, 0, &s.poll_sul, poll_timer, POLL_USEC);
	log_info("relay listening on %s:%u", o->host[0] ? o->host : "*",
	    o->port);
	while (!server_stop) {
		if (lws_service(s.ctx, 0) < 0)
			break;
		server_flush(&s);
	}
	log_info("stopping: committing and answering what is pending");
	lws_sul_cancel(&s.poll_sul);
	lws_sul_cancel(&s.commit_sul);
	relay_stop(s.relay);
	/* Up to a second more, so queued OKs reach their clients. */
	for (i = 0; i < 100 && relay_queued_total(s.relay) > 0; i++) {
		lws_cancel_service(s.ctx);
		if (lws_service(s.ctx, 0) < 0)
			break;
		usleep(10000);
	}
	rc = 0;
done:
	lws_sul_cancel(&s.poll_sul);
	lws_sul_cancel(&s.commit_sul);
	server_ctx = NULL;
	/* The mesh closes its links; the context calls back for the rest. */
	mesh_free(s.mesh);
	lws_context_destroy(s.ctx);
	wsc_free(s.wsc);
	relay_free(s.relay);
	return rc;
}
