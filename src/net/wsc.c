/*
 * wsc.c: the WebSocket client of wsc.h on libwebsockets.
 *
 * Connections live in an array searched by id; each lws client holds its
 * id as opaque user data (a number, never a pointer of ours), and the
 * client set is the protocol's user pointer, which outlives every
 * connection.  Writes happen only in CLIENT_WRITEABLE: the queue first,
 * then the owner's writable hook may add more.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libwebsockets.h>
#include <linux/tcp.h>		/* TCP_INFO's byte counts */

#include "crypto.h"
#include "fq.h"
#include "hex.h"
#include "ingest.h"
#include "log.h"
#include "nip42.h"
#include "wsc.h"
#include "wsext.h"

_Static_assert(FQ_HEADROOM >= LWS_PRE, "queued frames need LWS_PRE bytes");

struct wconn {
	uint64_t	 id;
	struct lws	*wsi;		/* NULL until lws made it */
	struct wsc_opts	 o;
	char		 url[1024];
	struct wsc_ops	 ops;
	void		*arg;
	struct fq	 out;
	struct fq_frame	*sent;		/* kept until the next writable */
	struct buf	 rx;
	bool		 up;
	bool		 connecting;	/* inside wsc_connect: no down hook */
	char		 why[128];	/* why it failed while connecting */
	bool		 auth_sent;
	uint8_t		 auth_id[32];
	char		 nonce[33];	/* our challenge to the relay, or "" */
	bool		 first;		/* no message from the relay yet */
	lws_retry_bo_t	 retry;
};

struct wsc {
	struct lws_context *ctx;
	struct lws_protocols proto;
	struct wconn	**c;
	size_t		 n, cap;
	uint64_t	 next_id;
};

static int	wsc_callback(struct lws *, enum lws_callback_reasons, void *,
		    void *, size_t);

enum err
wsc_new(struct wsc **wp)
{
	struct wsc *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return ERR_NOMEM;
	w->proto.name = "samizdat-client";
	w->proto.callback = wsc_callback;
	w->proto.rx_buffer_size = 1 << 16;
	w->proto.user = w;
	*wp = w;
	return ERR_OK;
}

const struct lws_protocols *
wsc_protocol(struct wsc *w)
{
	return &w->proto;
}

void
wsc_attach(struct wsc *w, struct lws_context *ctx)
{
	w->ctx = ctx;
}

static struct wconn *
find(struct wsc *w, uint64_t id)
{
	size_t	 i;

	for (i = 0; i < w->n; i++)
		if (w->c[i]->id == id)
			return w->c[i];
	return NULL;
}

static void
conn_free(struct wsc *w, struct wconn *c)
{
	size_t	 i;

	for (i = 0; i < w->n; i++)
		if (w->c[i] == c) {
			w->c[i] = w->c[--w->n];
			break;
		}
	fq_clear(&c->out);
	free(c->sent);
	buf_free(&c->rx);
	free(c);
}

void
wsc_free(struct wsc *w)
{
	if (w == NULL)
		return;
	while (w->n > 0)
		conn_free(w, w->c[w->n - 1]);
	free(w->c);
	free(w);
}

unsigned
wsc_backoff(unsigned cur, unsigned min, unsigned max)
{
	cur = cur == 0 ? min : cur * 2;
	return cur > max ? max : cur;
}

uint64_t
wsc_connect(struct wsc *w, const struct wsc_opts *o,
    const struct wsc_ops *ops, void *arg, char *err, size_t errsz)
{
	struct lws_client_connect_info ci;
	struct wconn *c, **nc;
	struct lws *wsi;
	char	 u[1024], path[1100], hosthdr[300];
	const char *prot, *host, *p;
	int	 port;

	snprintf(u, sizeof(u), "%s", o->url);
	if (strlen(o->url) >= sizeof(u) ||
	    lws_parse_uri(u, &prot, &host, &port, &p) != 0 ||
	    (strcmp(prot, "ws") != 0 && strcmp(prot, "wss") != 0)) {
		snprintf(err, errsz, "'%s' is not a ws:// or wss:// URL",
		    o->url);
		return 0;
	}
	if (w->n == w->cap) {
		size_t	 ncap = w->cap ? w->cap * 2 : 16;

		if ((nc = realloc(w->c, ncap * sizeof(*nc))) == NULL)
			goto nomem;
		w->c = nc;
		w->cap = ncap;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto nomem;
	c->id = ++w->next_id;
	c->o = *o;
	snprintf(c->url, sizeof(c->url), "%s", o->url);
	c->o.url = c->url;
	c->ops = *ops;
	c->arg = arg;
	fq_init(&c->out, o->max_queue);
	buf_init(&c->rx, o->max_message ? o->max_message : 16u << 20);
	c->retry.secs_since_valid_ping = (uint16_t)(o->ping_s ? o->ping_s : 30);
	c->retry.secs_since_valid_hangup = (uint16_t)(o->hangup_s ?
	    o->hangup_s : 75);
	w->c[w->n++] = c;

	c->first = true;
	if (o->as_node) {
		uint8_t	 rnd[16];

		if (crypto_random(rnd, sizeof(rnd)) == 0)
			hex_encode(rnd, sizeof(rnd), c->nonce);
	}
	snprintf(path, sizeof(path), "/%s%s%s%s", p, !o->as_node ? "" :
	    strchr(p, '?') ? "&samizdat-node" : "?samizdat-node",
	    c->nonce[0] != '\0' ? "&challenge=" : "", c->nonce);
	/* The Host header names the port unless it is the default. */
	if (port == (strcmp(prot, "wss") == 0 ? 443 : 80))
		snprintf(hosthdr, sizeof(hosthdr), "%s", host);
	else
		snprintf(hosthdr, sizeof(hosthdr), strchr(host, ':') ?
		    "[%s]:%d" : "%s:%d", host, port);
	memset(&ci, 0, sizeof(ci));
	ci.context = w->ctx;
	ci.address = host;
	ci.port = port;
	ci.path = path;
	ci.host = hosthdr;
	ci.origin = host;
	ci.ssl_connection = strcmp(prot, "wss") == 0 ? LCCSCF_USE_SSL : 0;
	ci.local_protocol_name = w->proto.name;
	ci.opaque_user_data = (void *)(uintptr_t)c->id;
	ci.retry_and_idle_policy = &c->retry;
	c->connecting = true;
	wsi = lws_client_connect_via_info(&ci);
	c->connecting = false;
	/* lws may have failed it already, inside the call. */
	if (wsi == NULL || c->why[0] != '\0') {
		snprintf(err, errsz, "%s", c->why[0] ? c->why :
		    "cannot connect");
		if (wsi != NULL)
			lws_set_opaque_user_data(wsi, NULL);
		conn_free(w, c);
		return 0;
	}
	if (!c->up)
		c->wsi = wsi;
	return c->id;
nomem:
	snprintf(err, errsz, "out of memory");
	return 0;
}

bool
wsc_send(struct wsc *w, uint64_t id, const char *p, size_t len)
{
	struct wconn *c = find(w, id);

	if (c == NULL || !fq_push(&c->out, p, len))
		return false;
	if (c->wsi != NULL && c->up)
		lws_callback_on_writable(c->wsi);
	return true;
}

size_t
wsc_queued(struct wsc *w, uint64_t id)
{
	struct wconn *c = find(w, id);

	return c != NULL ? c->out.bytes : 0;
}

void
wsc_want_write(struct wsc *w, uint64_t id)
{
	struct wconn *c = find(w, id);

	if (c != NULL && c->wsi != NULL && c->up)
		lws_callback_on_writable(c->wsi);
}

bool
wsc_wire(struct wsc *w, uint64_t id, uint64_t *sent, uint64_t *rcvd)
{
	struct wconn *c = find(w, id);
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int	 fd;

	if (c == NULL || c->wsi == NULL ||
	    (fd = (int)lws_get_socket_fd(c->wsi)) < 0)
		return false;
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
	    len < offsetof(struct tcp_info, tcpi_bytes_received) +
	    sizeof(ti.tcpi_bytes_received))
		return false;
	*sent = ti.tcpi_bytes_acked;
	*rcvd = ti.tcpi_bytes_received;
	return true;
}

void
wsc_rx_pause(struct wsc *w, uint64_t id, bool on)
{
	struct wconn *c = find(w, id);

	if (c != NULL && c->wsi != NULL)
		lws_rx_flow_control(c->wsi, on ? 0 : 1);
}

void
wsc_close(struct wsc *w, uint64_t id)
{
	struct wconn *c = find(w, id);

	if (c == NULL)
		return;
	if (c->wsi != NULL) {
		lws_set_opaque_user_data(c->wsi, NULL);	/* forget it */
		lws_set_timeout(c->wsi, PENDING_TIMEOUT_KILLED_BY_PARENT,
		    LWS_TO_KILL_ASYNC);
	}
	conn_free(w, c);
}

/* The connection is over: tell the owner, then forget it. */
static void
conn_down(struct wsc *w, struct wconn *c, const char *why)
{
	struct wsc_ops ops = c->ops;
	void	*arg = c->arg;
	uint64_t id = c->id;

	if (c->connecting) {		/* wsc_connect tells the caller */
		snprintf(c->why, sizeof(c->why), "%s", why);
		c->wsi = NULL;
		return;
	}
	conn_free(w, c);
	if (ops.down != NULL)
		ops.down(arg, id, why);
}

/* NIP-42: a node proves its key when the relay asks. */
static void
answer_auth(struct wconn *c, const char *challenge)
{
	struct buf b;

	if (c->o.node_sk == NULL || c->auth_sent)
		return;
	buf_init(&b, 0);
	if (nip42_auth(c->o.node_sk, challenge, c->url, (uint64_t)time(NULL),
	    &b, c->auth_id) == ERR_OK && fq_push(&c->out, b.p, b.len)) {
		c->auth_sent = true;
		lws_callback_on_writable(c->wsi);
	}
	buf_free(&b);
}

/*
 * The relay's proof that it holds a key, if it is the first thing it
 * sent and is one: the event through the ingest stages every event
 * passes (strict parse, the id recomputed, the signature), then the
 * rules of nip42.h against our challenge and the URL we called.  A
 * proof is never stored.
 */
static bool
relay_proved(struct wconn *c, const struct msg *m, uint8_t pk[32])
{
	struct ingest_policy pol;
	struct ingest_ctx ctx;
	struct event ev;
	enum err e;

	if (!c->first || c->nonce[0] == '\0' || m->eventlen == 0)
		return false;
	memset(&pol, 0, sizeof(pol));
	pol.lim.max_size = 4096;
	ingest_ctx_init(&ctx);
	/* No created_at check: our challenge is what makes it fresh. */
	if ((e = ingest_check(&ctx, &pol, NULL, m->event, m->eventlen, 0,
	    &ev)) == ERR_OK && (e = ingest_verify(&ev)) == ERR_OK)
		e = nip42_proof_rules(&ev, c->nonce, c->url);
	if (e == ERR_OK)
		memcpy(pk, ev.pubkey, 32);
	else
		log_info("%s: its proof of its key does not hold (%s): taken "
		    "as a node whose key is not known", c->url, err_str(e));
	ingest_ctx_free(&ctx);
	return e == ERR_OK;
}

static void
on_message(struct wsc *w, struct wconn *c)
{
	struct msg m;
	uint64_t id = c->id;
	uint8_t	 pk[32];
	enum err e;

	e = msg_parse(c->rx.p ? c->rx.p : "", c->rx.len, MSG_FROM_RELAY,
	    MSG_MAX_SUBID * 4, &m);
	if (e == ERR_OK && m.verb == MSG_AUTH) {
		answer_auth(c, m.text);
		if (relay_proved(c, &m, pk) && c->ops.node != NULL)
			c->ops.node(c->arg, id, pk);
	} else if (e == ERR_OK && m.verb == MSG_OK && c->auth_sent &&
	    memcmp(m.id, c->auth_id, 32) == 0) {
		if (!m.ok)
			log_info("%s refused our AUTH: %s", c->url, m.text);
	} else if (c->ops.rx != NULL)
		c->ops.rx(c->arg, id, e, &m, c->rx.len);
	msg_free(&m);
	/* The hooks may have closed it. */
	if ((c = find(w, id)) == NULL)
		return;
	c->first = false;	/* a proof counts only as the first message */
	if (c->rx.cap > (1u << 20)) {
		size_t	 max = c->rx.max;

		buf_free(&c->rx);
		buf_init(&c->rx, max);
	}
}

/*
 * Writes the queue while the socket takes it; then asks the owner.  On
 * a compressed connection a frame too big to deflate in one go
 * (wsext.h) is the callback's last, kept until the next: libwebsockets
 * goes on deflating from it after lws_write returns, and holds this
 * callback back until it is done.
 */
static int
on_writable(struct wsc *w, struct wconn *c)
{
	struct fq_frame *f;
	uint64_t id = c->id;
	bool	 deflate = wsext_active(c->wsi);
	int	 n;

	free(c->sent);
	c->sent = NULL;
	for (;;) {
		while ((f = fq_pop(&c->out)) != NULL) {
			c->sent = f;
			n = lws_write(c->wsi, (unsigned char *)FQ_DATA(f),
			    f->len, LWS_WRITE_TEXT);
			if (n < 0)
				return -1;
			if ((deflate && !wsext_fits(f->len)) ||
			    lws_send_pipe_choked(c->wsi)) {
				lws_callback_on_writable(c->wsi);
				return 0;
			}
			free(c->sent);
			c->sent = NULL;
		}
		if (c->ops.writable == NULL)
			return 0;
		c->ops.writable(c->arg, id);
		if ((c = find(w, id)) == NULL)
			return -1;		/* the owner closed it */
		if (c->out.head == NULL)
			return 0;
	}
}

static int
wsc_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	const struct lws_protocols *pr = lws_get_protocol(wsi);
	struct wsc *w = pr != NULL ? pr->user : NULL;
	struct wconn *c;
	uint64_t id = (uint64_t)(uintptr_t)lws_get_opaque_user_data(wsi);

	if (w == NULL || id == 0 || (c = find(w, id)) == NULL)
		return reason == LWS_CALLBACK_CLIENT_WRITEABLE ||
		    reason == LWS_CALLBACK_CLIENT_RECEIVE ? -1 : 0;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		c->wsi = NULL;
		conn_down(w, c, in != NULL ? (const char *)in :
		    "cannot connect");
		return -1;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		c->wsi = wsi;
		c->up = true;
		wsext_bound(wsi, 0);
		if (c->ops.up != NULL)
			c->ops.up(c->arg, id);
		if ((c = find(w, id)) != NULL)
			lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (lws_is_first_fragment(wsi))
			buf_reset(&c->rx);
		buf_append(&c->rx, in, len);
		if (c->rx.err) {
			c->wsi = NULL;
			conn_down(w, c, "the relay sent a message that is too "
			    "large");
			return -1;
		}
		if (lws_is_final_fragment(wsi))
			on_message(w, c);
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (on_writable(w, c) != 0) {
			if ((c = find(w, id)) != NULL) {
				c->wsi = NULL;
				conn_down(w, c, "write failed");
			}
			return -1;
		}
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		c->wsi = NULL;
		conn_down(w, c, "closed");
		break;
	default:
		break;
	}
	return 0;
}
