/*
 * httpc.c: the HTTP client of httpc.h on libwebsockets.
 *
 * Requests live in an array searched by id; each lws client holds its id
 * as opaque user data, never a pointer of ours, and the client set is
 * the protocol's user pointer, which outlives every request.  A PUT body
 * is read from its file a chunk per writable callback; an answer's body
 * is handed to the owner as it comes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "httpc.h"
#include "log.h"

#define CHUNK		16384

struct hreq {
	uint64_t	 id;
	struct lws	*wsi;
	struct httpc_req r;
	char		 url[1024], auth[BUFSIZ], range[64], sha[65], type[64];
	struct httpc_ops ops;
	void		*arg;
	uint64_t	 sent;		/* body bytes written */
	unsigned	 status;
	time_t		 deadline;
	bool		 connecting;	/* inside httpc_start: no done hook */
	bool		 over;
	char		 why[160];
};

struct httpc {
	struct lws_context *ctx;
	struct lws_protocols proto;
	struct hreq	**q;
	size_t		 n, cap;
	uint64_t	 next_id;
};

static int	httpc_callback(struct lws *, enum lws_callback_reasons, void *,
		    void *, size_t);

enum err
httpc_new(struct httpc **hp)
{
	struct httpc *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return ERR_NOMEM;
	h->proto.name = "samizdat-http";
	h->proto.callback = httpc_callback;
	h->proto.rx_buffer_size = 0;
	h->proto.user = h;
	*hp = h;
	return ERR_OK;
}

const struct lws_protocols *
httpc_protocol(struct httpc *h)
{
	return &h->proto;
}

void
httpc_attach(struct httpc *h, struct lws_context *ctx)
{
	h->ctx = ctx;
}

static struct hreq *
find(struct httpc *h, uint64_t id)
{
	size_t	 i;

	for (i = 0; i < h->n; i++)
		if (h->q[i]->id == id)
			return h->q[i];
	return NULL;
}

static void
req_free(struct httpc *h, struct hreq *q)
{
	size_t	 i;

	for (i = 0; i < h->n; i++)
		if (h->q[i] == q) {
			h->q[i] = h->q[--h->n];
			break;
		}
	free(q);
}

void
httpc_free(struct httpc *h)
{
	if (h == NULL)
		return;
	while (h->n > 0)
		req_free(h, h->q[h->n - 1]);
	free(h->q);
	free(h);
}

size_t
httpc_count(const struct httpc *h)
{
	return h != NULL ? h->n : 0;
}

/* Over: tell the owner once, then forget it. */
static void
req_done(struct httpc *h, struct hreq *q, const char *why)
{
	struct httpc_ops ops = q->ops;
	void	*arg = q->arg;
	uint64_t id = q->id;
	unsigned status = q->status;

	if (q->connecting) {
		snprintf(q->why, sizeof(q->why), "%s", why ? why : "failed");
		q->over = true;
		q->wsi = NULL;
		return;
	}
	req_free(h, q);
	if (ops.done != NULL)
		ops.done(arg, id, status, why);
}

uint64_t
httpc_start(struct httpc *h, const struct httpc_req *r,
    const struct httpc_ops *ops, void *arg, char *err, size_t errsz)
{
	struct lws_client_connect_info ci;
	struct hreq *q, **nq;
	struct lws *wsi;
	char	 u[1024], path[1100], hosthdr[300];
	const char *prot, *host, *p;
	int	 port;

	snprintf(u, sizeof(u), "%s", r->url);
	if (strlen(r->url) >= sizeof(u) ||
	    lws_parse_uri(u, &prot, &host, &port, &p) != 0 ||
	    (strcmp(prot, "http") != 0 && strcmp(prot, "https") != 0)) {
		snprintf(err, errsz, "'%s' is not an http:// or https:// URL",
		    r->url);
		return 0;
	}
	if (h->n == h->cap) {
		size_t	 ncap = h->cap ? h->cap * 2 : 8;

		if ((nq = realloc(h->q, ncap * sizeof(*nq))) == NULL)
			goto nomem;
		h->q = nq;
		h->cap = ncap;
	}
	if ((q = calloc(1, sizeof(*q))) == NULL)
		goto nomem;
	q->id = ++h->next_id;
	q->r = *r;
	snprintf(q->url, sizeof(q->url), "%s", r->url);
	if (r->auth != NULL)
		snprintf(q->auth, sizeof(q->auth), "%s", r->auth);
	if (r->range != NULL)
		snprintf(q->range, sizeof(q->range), "%s", r->range);
	if (r->sha256 != NULL)
		snprintf(q->sha, sizeof(q->sha), "%s", r->sha256);
	if (r->body_type != NULL)
		snprintf(q->type, sizeof(q->type), "%s", r->body_type);
	q->ops = *ops;
	q->arg = arg;
	q->deadline = time(NULL) + (time_t)(r->timeout_s ? r->timeout_s : 60);
	h->q[h->n++] = q;

	snprintf(path, sizeof(path), "/%s", p);
	if (port == (strcmp(prot, "https") == 0 ? 443 : 80))
		snprintf(hosthdr, sizeof(hosthdr), "%s", host);
	else
		snprintf(hosthdr, sizeof(hosthdr), strchr(host, ':') ?
		    "[%s]:%d" : "%s:%d", host, port);
	memset(&ci, 0, sizeof(ci));
	ci.context = h->ctx;
	ci.address = host;
	ci.port = port;
	ci.path = path;
	ci.host = hosthdr;
	ci.origin = hosthdr;
	ci.method = strcmp(r->method, "PUT") == 0 ? "PUT" : "GET";
	ci.ssl_connection = LCCSCF_HTTP_NO_FOLLOW_REDIRECT |
	    (strcmp(prot, "https") == 0 ? LCCSCF_USE_SSL : 0);
	ci.alpn = "http/1.1";
	ci.local_protocol_name = h->proto.name;
	ci.opaque_user_data = (void *)(uintptr_t)q->id;
	q->connecting = true;
	wsi = lws_client_connect_via_info(&ci);
	q->connecting = false;
	if (wsi == NULL || q->over) {
		snprintf(err, errsz, "%s", q->over ? q->why : "cannot connect");
		if (wsi != NULL)
			lws_set_opaque_user_data(wsi, NULL);
		req_free(h, q);
		return 0;
	}
	if (q->wsi == NULL)
		q->wsi = wsi;
	return q->id;
nomem:
	snprintf(err, errsz, "out of memory");
	return 0;
}

void
httpc_cancel(struct httpc *h, uint64_t id)
{
	struct hreq *q = find(h, id);

	if (q == NULL)
		return;
	if (q->wsi != NULL) {
		lws_set_opaque_user_data(q->wsi, NULL);
		lws_set_timeout(q->wsi, PENDING_TIMEOUT_KILLED_BY_PARENT,
		    LWS_TO_KILL_ASYNC);
	}
	req_free(h, q);
}

void
httpc_tick(struct httpc *h)
{
	time_t	 now = time(NULL);
	size_t	 i;

	for (i = 0; h != NULL && i < h->n; i++) {
		struct hreq *q = h->q[i];

		if (q->deadline > now)
			continue;
		if (q->wsi != NULL) {
			lws_set_opaque_user_data(q->wsi, NULL);
			lws_set_timeout(q->wsi, PENDING_TIMEOUT_KILLED_BY_PARENT,
			    LWS_TO_KILL_ASYNC);
			q->wsi = NULL;
		}
		req_done(h, q, "timed out");
		i = (size_t)-1;		/* the array changed: start over */
	}
}

static int
add_header(struct lws *wsi, const char *name, const char *value,
    unsigned char **p, unsigned char *end)
{
	return lws_add_http_header_by_name(wsi, (const unsigned char *)name,
	    (const unsigned char *)value, (int)strlen(value), p, end);
}

static int
append_headers(struct hreq *q, struct lws *wsi, unsigned char **p,
    unsigned char *end)
{
	char	 len[32];

	if (q->auth[0] != '\0' && add_header(wsi, "authorization:", q->auth,
	    p, end))
		return -1;
	if (q->range[0] != '\0' && add_header(wsi, "range:", q->range, p, end))
		return -1;
	if (q->sha[0] != '\0' && add_header(wsi, "x-sha-256:", q->sha, p, end))
		return -1;
	if (strcmp(q->r.method, "PUT") != 0)
		return 0;
	snprintf(len, sizeof(len), "%llu", (unsigned long long)q->r.body_len);
	if (add_header(wsi, "content-length:", len, p, end) ||
	    (q->type[0] != '\0' && add_header(wsi, "content-type:", q->type,
	    p, end)))
		return -1;
	if (q->r.body_len > 0) {
		lws_client_http_body_pending(wsi, 1);
		lws_callback_on_writable(wsi);
	}
	return 0;
}

/* The next chunk of a PUT body, from its file. */
static int
write_body(struct hreq *q, struct lws *wsi)
{
	unsigned char buf[LWS_PRE + CHUNK];
	uint64_t left = q->r.body_len - q->sent;
	size_t	 n = left < CHUNK ? (size_t)left : CHUNK;
	ssize_t	 k;
	bool	 last;

	if (left == 0)
		return 0;
	if ((k = pread(q->r.body_fd, buf + LWS_PRE, n, (off_t)q->sent)) <= 0)
		return -1;
	n = (size_t)k;
	last = q->sent + n == q->r.body_len;
	if (lws_write(wsi, buf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL :
	    LWS_WRITE_HTTP) != (int)n)
		return -1;
	q->sent += n;
	if (last)
		lws_client_http_body_pending(wsi, 0);
	else
		lws_callback_on_writable(wsi);
	return 0;
}

static int
on_head(struct hreq *q, struct lws *wsi)
{
	char	 cl[32] = "", reason[256] = "";
	uint64_t len = UINT64_MAX;

	q->status = (unsigned)lws_http_client_http_response(wsi);
	if (lws_hdr_copy(wsi, cl, sizeof(cl), WSI_TOKEN_HTTP_CONTENT_LENGTH) >
	    0)
		len = strtoull(cl, NULL, 10);
	if (lws_hdr_custom_copy(wsi, reason, sizeof(reason), "x-reason:", 9) <
	    0)
		reason[0] = '\0';
	if (q->ops.head != NULL && q->ops.head(q->arg, q->id, q->status, len,
	    reason) != 0)
		return -1;
	return 0;
}

/*
 * The owner's head or body callback asked to stop.  It may have ended the
 * request itself, so it is found again by id.  Returns: -1, to close wsi.
 */
static int
req_stopped(struct httpc *h, uint64_t id, struct lws *wsi)
{
	struct hreq *q;

	if ((q = find(h, id)) != NULL) {
		q->wsi = NULL;
		req_done(h, q, "stopped");
	}
	lws_set_opaque_user_data(wsi, NULL);
	return -1;
}

static int
httpc_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	const struct lws_protocols *pr = lws_get_protocol(wsi);
	struct httpc *h = pr != NULL ? pr->user : NULL;
	struct hreq *q;
	uint64_t id = (uint64_t)(uintptr_t)lws_get_opaque_user_data(wsi);
	char	 buf[LWS_PRE + CHUNK], *px;
	int	 n;

	if (h == NULL || id == 0 || (q = find(h, id)) == NULL) {
		switch (reason) {
		case LWS_CALLBACK_RECEIVE_CLIENT_HTTP:
		case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
		case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE:
		case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
			return -1;
		default:
			return 0;
		}
	}
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		q->wsi = NULL;
		req_done(h, q, in != NULL ? (const char *)in :
		    "cannot connect");
		return -1;
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		q->wsi = wsi;
		return append_headers(q, wsi, (unsigned char **)in,
		    *(unsigned char **)in + len);
	case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE:
		if (write_body(q, wsi) != 0) {
			q->wsi = NULL;
			req_done(h, q, "could not send the body");
			return -1;
		}
		break;
	case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
		q->wsi = wsi;
		if (on_head(q, wsi) != 0)
			return req_stopped(h, id, wsi);
		break;
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP:
		px = buf + LWS_PRE;
		n = CHUNK;
		if (lws_http_client_read(wsi, &px, &n) < 0)
			return -1;
		break;
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
		if (q->ops.body != NULL && q->ops.body(q->arg, id, in, len) !=
		    0)
			return req_stopped(h, id, wsi);
		break;
	case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
		q->wsi = NULL;
		lws_set_opaque_user_data(wsi, NULL);
		req_done(h, q, NULL);
		return -1;		/* one request per connection */
	case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
		q->wsi = NULL;
		req_done(h, q, q->status ? "the connection closed before "
		    "the whole answer came" : "the connection closed");
		break;
	default:
		break;
	}
	return 0;
}
