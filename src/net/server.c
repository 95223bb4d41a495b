/*
 * server.c: libwebsockets glue for `samizdat serve` (server.h).
 *
 * One context, one protocol callback for both HTTP and WebSocket, one
 * thread.  The loop is ours: after every lws_service() turn, relay_flush()
 * commits what the turn stored and sends the OKs and live events, so a
 * burst of EVENTs costs one commit.  A timer looks for events other
 * processes stored (an import on the same data dir) twice a second and
 * purges expired events now and then.  libwebsockets owns the per-
 * connection memory; it holds only our connection id.  Who is let in is
 * server_admit.c's to say, plain HTTP server_http.c's to answer.
 */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mesh.h"
#include "netaddr.h"
#include "nip42.h"
#include "server_int.h"
#include "store_root.h"
#include "wsc.h"
#include "wsframe.h"
#include "wsext.h"

#define POLL_USEC	(500 * LWS_US_PER_MS)
#define LWS_LOG_EVERY	10	/* seconds between repeats of one lws line */

_Static_assert(RELAY_HEADROOM >= LWS_PRE, "relay frames need LWS_PRE bytes");

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

/*
 * After many connections closed, hands the memory their queues used back
 * to the system: glibc keeps freed heap for reuse, and a burst of clients
 * that left should not leave the node looking (and being, for the Pi's
 * other programs) that much bigger.
 */
static void
give_back(struct server *s)
{
	size_t	 n = relay_conn_count(s->relay);

	if (n > s->peak_conns)
		s->peak_conns = n;
	if (s->peak_conns < n + 32)
		return;
#ifdef __GLIBC__
	malloc_trim(0);
#endif
	s->peak_conns = n;
}

static void
poll_timer(lws_sorted_usec_list_t *sul)
{
	struct server *s = lws_container_of(sul, struct server, poll_sul);
	uint64_t n;
	time_t	 now = time(NULL);

	relay_poll(s->relay);
	if (s->o->guard != NULL) {
		uint8_t	 ids[256][32];
		size_t	 k;

		/* Committed above: the guard may evict in its own transaction. */
		k = guard_tick(s->o->guard, s->store, (uint64_t)now, ids, 256);
		relay_forward_ids(s->relay, (const uint8_t (*)[32])ids, k);
	}
	/* Once a day: the custody root, which the next poll delivers. */
	if (s->o->mesh != NULL)
		store_root_tick(s->store, s->o->mesh->node_sk, (uint64_t)now,
		    &s->root_day);
	mesh_tick(s->mesh);
	server_blob_tick(s);
	give_back(s);
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

/*
 * A plain connection: whole frames, header and payload, packed into one
 * write of at most TX_BATCH bytes -- one send() and one look at the
 * socket for dozens of small events instead of one each.  A frame too big
 * for a batch goes alone, framed by libwebsockets.  What the socket does
 * not take of a write, libwebsockets keeps and sends before anything else
 * (and the pipe is "choked" until then), so frames never interleave, and
 * a client that does not read costs at most one batch more than before.
 */
static int
ws_write_plain(struct server *s, struct lws *wsi, struct pss *pss)
{
	unsigned char *b = s->tx + LWS_PRE;
	char	*p;
	size_t	 len, n;
	bool	 close_after = false;

	while ((len = relay_conn_next_len(s->relay, pss->id)) > 0) {
		if (WSFRAME_HDR_MAX + len > TX_BATCH) {
			if (!relay_conn_next(s->relay, pss->id, &p, &len,
			    &close_after) || lws_write(wsi, (unsigned char *)p,
			    len, LWS_WRITE_TEXT) < (int)len)
				return -1;
		} else {
			for (n = 0; !close_after && (len = relay_conn_next_len(
			    s->relay, pss->id)) > 0 && WSFRAME_HDR_MAX + len <=
			    TX_BATCH - n; n += len) {
				(void)relay_conn_next(s->relay, pss->id, &p, &len,
				    &close_after);
				n += wsframe_text_header(b + n, len);
				memcpy(b + n, p, len);
			}
			if (lws_write(wsi, b, n, LWS_WRITE_RAW) < (int)n)
				return -1;
		}
		if (close_after)
			return -1;
		if (lws_send_pipe_choked(wsi)) {
			if (relay_conn_queued(s->relay, pss->id) > 0)
				lws_callback_on_writable(wsi);
			break;
		}
	}
	return 0;
}

static int
ws_writeable(struct server *s, struct lws *wsi, struct pss *pss)
{
	char	*p;
	size_t	 len;
	bool	 close_after, deflate = wsext_active(wsi);

	if (!deflate && s->tx != NULL)
		return ws_write_plain(s, wsi, pss);

	/*
	 * Write while the socket takes it; ask again for the rest.  On a
	 * compressed connection a frame too big to deflate in one go
	 * (wsext.h) is the callback's last: libwebsockets goes on deflating
	 * from it in the next callbacks, so the frame (kept by the relay
	 * until the next relay_conn_next) must not be replaced before.
	 */
	while (relay_conn_next(s->relay, pss->id, &p, &len, &close_after)) {
		if (lws_write(wsi, (unsigned char *)p, len, LWS_WRITE_TEXT) <
		    (int)len)
			return -1;
		if (close_after)
			return -1;
		if ((deflate && !wsext_fits(len)) ||
		    lws_send_pipe_choked(wsi)) {
			if (relay_conn_queued(s->relay, pss->id) > 0)
				lws_callback_on_writable(wsi);
			break;
		}
	}
	return 0;
}

/*
 * A node asks to be one: the mesh's client adds ?samizdat-node, and
 * &challenge=NONCE for our proof.
 */
static bool
is_node(struct lws *wsi)
{
	char	 args[256];

	return lws_hdr_copy(wsi, args, sizeof(args),
	    WSI_TOKEN_HTTP_URI_ARGS) > 0 && strstr(args, "samizdat-node") !=
	    NULL;
}

/* A WebSocket is open: it becomes a relay connection. */
static int
ws_established(struct server *s, struct lws *wsi, struct pss *pss)
{
	char	 peer[64], host[256], why[256];

	admit_started(s->admit, wsi);
	wsext_bound(wsi, s->rx_pwr2);
	lws_get_peer_simple(wsi, peer, sizeof(peer));
	snprintf(pss->peer, sizeof(pss->peer), "%s", peer);
	if ((pss->id = relay_conn_open(s->relay, wsi, peer)) == 0)
		return -1;
	/* Past the per-address cap: told why, then closed. */
	if (admit_over(s->admit, wsi, why, sizeof(why))) {
		relay_conn_refuse(s->relay, pss->id, ERR_TOO_MANY_CONNS, why);
		return 0;
	}
	if (lws_hdr_copy(wsi, host, sizeof(host), WSI_TOKEN_HOST) > 0)
		relay_conn_set_host(s->relay, pss->id, host);
	if (is_node(wsi)) {
		char	 nb[NIP42_NONCE_MAX + 16];
		const char *nonce = lws_get_urlarg_by_name(wsi, "challenge=",
		    nb, sizeof(nb));

		/* A node's own challenge: we prove our key too (nip42.h). */
		relay_conn_challenge_proved(s->relay, pss->id, s->o->mesh !=
		    NULL ? s->o->mesh->node_sk : NULL, nonce);
	}
	log_info("%s: connected (%zu open)", peer, relay_conn_count(s->relay));
	return 0;
}

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct server *s = lws_context_user(lws_get_context(wsi));
	struct lws_filter_network_conn_args *fa;
	struct pss *pss = user;

	switch (reason) {
	case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
		fa = user;
		return admit_accept(s->admit, (struct sockaddr *)&fa->cli_addr,
		    fa->clilen) == ADMIT_DROP ? -1 : 0;
	case LWS_CALLBACK_WSI_CREATE:
		admit_bind(s->admit, wsi);
		break;
	case LWS_CALLBACK_WSI_DESTROY:
		admit_release(s->admit, wsi);
		break;
	case LWS_CALLBACK_HTTP:
		return server_http_request(s, wsi, pss, in ? (const char *)in :
		    "/");
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return server_http_write(s, wsi, pss);
	case LWS_CALLBACK_HTTP_BODY:
		return server_blob_body(s, wsi, pss, in, len);
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		return server_blob_body_done(s, wsi, pss);
	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		if (pss != NULL)
			server_http_free(pss);
		break;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		admit_started(s->admit, wsi);
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
		return ws_established(s, wsi, pss);
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

/*
 * rx_buffer_size is set at start to the inflate buffer (wsext.h): it is
 * the most one receive callback hands over, while one read stays at the
 * context's 4 KiB.  tx_packet_size is what one send() may carry.  Left
 * at 0 it would be rx_buffer_size, and every write
 * past 4 KiB (a 16 KiB piece of the page, a 64 KiB piece of a photo, a
 * batch of frames) would go out 4 KiB a turn of the loop, the rest
 * copied into libwebsockets' buffer first.
 */
#define TX_PACKET	(64 * 1024 + LWS_PRE)

static struct lws_protocols protocols[] = {
	{ "nostr", callback, sizeof(struct pss), 4096, 0, NULL, TX_PACKET },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },	/* the WebSocket client's */
	{ NULL, NULL, 0, 0, 0, NULL, 0 },	/* the HTTP client's (blobs) */
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/*
 * libwebsockets' own lines, into ours.  A line that repeats (an accept
 * failing again and again) is said once per LWS_LOG_EVERY seconds, with
 * how many times it came.
 */
static void
lws_log(int level, const char *line)
{
	static char last[160];
	static time_t last_at;
	static unsigned long repeats;
	time_t	 now = time(NULL);
	size_t	 n = strlen(line);

	/* lws lines end in a newline; ours add one. */
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (strncmp(last, line, n < sizeof(last) - 1 ? n : sizeof(last) - 1)
	    == 0 && now - last_at < LWS_LOG_EVERY) {
		repeats++;
		return;
	}
	if (repeats > 0)
		log_warnx("libwebsockets: the last line came %lu more times",
		    repeats);
	repeats = 0;
	last_at = now;
	snprintf(last, sizeof(last), "%.*s", (int)n, line);
	log_warnx("libwebsockets: %.*s", (int)n, line);
}

/*
 * The places a node may name this relay by in its NIP-42 AUTH: every
 * address of this machine, and the listen address, on our port.
 */
static void
set_places(struct server *s)
{
	struct netaddr a[64];
	const char *hosts[68];
	size_t	 i, n, k = 0;

	n = netaddr_list(a, sizeof(a) / sizeof(a[0]));
	for (i = 0; i < n; i++)
		hosts[k++] = a[i].addr;
	hosts[k++] = "localhost";
	hosts[k++] = "127.0.0.1";
	hosts[k++] = "::1";
	if (s->o->host[0] != '\0')
		hosts[k++] = s->o->host;
	(void)relay_set_places(s->relay, hosts, k, s->o->port);
}

static void
context_info(struct server *s, struct lws_context_creation_info *info)
{
	const struct server_opts *o = s->o;
	size_t	 i;

	memset(info, 0, sizeof(*info));
	info->port = o->port;
	info->iface = o->host[0] != '\0' && strcmp(o->host, "0.0.0.0") != 0 ?
	    o->host : NULL;
	info->protocols = protocols;
	info->extensions = wsext_list();
	info->gid = (gid_t)-1;
	info->uid = (uid_t)-1;
	info->user = s;
	if (strchr(o->host, ':') == NULL && o->host[0] != '\0')
		info->options |= LWS_SERVER_OPTION_DISABLE_IPV6;
	/*
	 * wss:// peers: TLS for client links only; the server stays plain.
	 * Only when one is configured: it costs some 5 MB of memory.
	 */
	for (i = 0; o->mesh != NULL && i < o->mesh->npeers; i++)
		if (strncmp(o->mesh->peers[i], "wss://", 6) == 0) {
			info->options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
			info->client_ssl_ca_filepath =
			    "/etc/ssl/certs/ca-certificates.crt";
		}
	/* A new connection has this long to send its request. */
	info->timeout_secs = o->handshake_timeout > 0 ? o->handshake_timeout :
	    10;
	info->timeout_secs_ah_idle = info->timeout_secs;
	info->max_http_header_pool = 256;
	info->ka_time = 60;		/* TCP keepalive finds dead peers */
	info->ka_probes = 3;
	info->ka_interval = 10;
}

int
server_run(const struct server_opts *o, struct store *st,
    const struct relay_limits *lim)
{
	struct lws_context_creation_info info;
	struct relay_io io;
	struct server s;
	struct store_ckpt *ckpt = NULL;
	struct sigaction sa;
	int	 rc = -1, i;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.store = st;
	s.started = s.last_purge = time(NULL);
	s.root_day = INT64_MIN;
	lws_set_log_level(o->verbose >= 2 ? LLL_ERR | LLL_WARN | LLL_NOTICE :
	    LLL_ERR, lws_log);
	s.max_conns = admit_fd_room(o->max_connections);
	if (admit_new(&s.admit, s.max_conns, o->max_per_address,
	    o->max_handshakes) != ERR_OK || wsc_new(&s.wsc) != ERR_OK) {
		log_warnx("out of memory");
		goto done;
	}
	/* Without it, frames go one write each, as on compressed links. */
	s.tx = malloc(LWS_PRE + TX_BATCH);
	/* Whole messages inflate in one go (wsext.h says why). */
	s.rx_pwr2 = wsext_rx_pwr2(lim->max_message_length);
	protocols[0].rx_buffer_size = (size_t)1 << s.rx_pwr2;
	protocols[1] = *wsc_protocol(s.wsc);
	if (o->blobs != NULL && server_blob_start(&s, o->blobs) != 0)
		log_warnx("blobs: cannot start; serving reports without them");
	if (server_blob_protocol(&s) != NULL)
		protocols[2] = *server_blob_protocol(&s);
	context_info(&s, &info);
	if ((s.ctx = lws_create_context(&info)) == NULL) {
		log_warnx("cannot listen on %s:%u (in use, or not an address "
		    "of this machine?)", o->host[0] ? o->host : "*", o->port);
		goto done;
	}
	wsc_attach(s.wsc, s.ctx);
	server_blob_attach(&s);
	server_ctx = s.ctx;
	io.arg = &s;
	io.want_write = want_write;
	io.wake = wake;
	io.pause = pause_rx;
	if (relay_new(&s.relay, st, lim, &io) != ERR_OK)
		goto done;
	relay_set_guard(s.relay, o->guard);
	/* Counts and NIP-77 id sets off the loop. */
	if (o->store_path != NULL && relay_q_start(s.relay, o->store_path) !=
	    ERR_OK)
		log_warnx("counts and syncs run on the loop: the store thread "
		    "did not start");
	/* WAL checkpoints off the loop too: a third of its time under load. */
	if (store_ckpt_start(st, &ckpt) != ERR_OK)
		log_warnx("checkpoints run on the loop: their thread did not "
		    "start");
	set_places(&s);
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
	if (s.ctx != NULL) {
		lws_sul_cancel(&s.poll_sul);
		lws_sul_cancel(&s.commit_sul);
	}
	server_ctx = NULL;
	/* The mesh closes its links; the context calls back for the rest. */
	mesh_free(s.mesh);
	server_blob_stop(&s);
	if (s.ctx != NULL)
		lws_context_destroy(s.ctx);
	server_blob_free(&s);
	wsc_free(s.wsc);
	relay_free(s.relay);
	store_ckpt_stop(ckpt);
	admit_free(s.admit);
	free(s.tx);
	return rc;
}
