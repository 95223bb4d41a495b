/*
 * server_blob.c: Blossom on the relay's port (server_int.h, docs/blobs.md):
 * GET and HEAD of a blob with Range, PUT /upload and /media streamed to a
 * temporary file as the body arrives (lws HTTP body callbacks, never the
 * whole body in memory), HEAD /upload and /media, PUT /mirror fetched with
 * the HTTP client on this context, GET /list, DELETE.  What a request is
 * for is core/http.c's to say, whether a token is good store/blob.c's
 * (the one checked path), whether a blob is kept blob_writer_commit's.
 *
 * Refusals carry X-Reason.  A refusal known before the body, for a body
 * of up to DRAIN_MAX bytes, is answered once the body has been read and
 * thrown away, so that the client is still reading when it comes; past
 * that it is answered at once and the connection closed.  Uploads are
 * counted in all and per address; one is refused when it takes longer
 * than blob_upload_timeout.  A request's state (struct sblob) is freed
 * with its connection's answer; a mirror's fetch is cancelled with it,
 * so no callback finds it gone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "blob_index.h"
#include "bech32.h"
#include "blob_work.h"
#include "hex.h"
#include "http.h"
#include "httpc.h"
#include "log.h"
#include "server_int.h"
#include "url.h"

#define DRAIN_MAX	(1u << 20)	/* bytes of a refused body still read */
#define MIRROR_BODY_MAX	4096
#define FILE_CHUNK	65536
#define LIST_MAX	1000
#define CSP_NONE	"default-src 'none'; frame-ancestors 'none'"

/* One address's uploads in progress. */
struct upaddr {
	char		 addr[64];
	unsigned	 n;
};

struct blobsrv {
	const struct blob_srv_opts *o;
	struct server	*s;
	struct blobs	*b;		/* on the server's store handle */
	struct httpc	*hc;		/* mirror fetches, on this context */
	struct blob_work *w;
	struct upaddr	*up;
	size_t		 nup;
	unsigned	 total;
	char		 public_base[1100];
};

/* A Blossom request in progress. */
struct sblob {
	struct blobsrv	*bs;
	struct lws	*wsi;		/* valid while the connection is */
	struct pss	*pss;
	enum http_kind	 kind;
	bool		 head_only;
	char		 peer[64], host[256];
	time_t		 started;
	/* serving a file */
	int		 fd;
	uint64_t	 off, end;	/* bytes [off, end) still to send */
	/* an upload */
	bool		 counted;
	struct blob_writer w;
	bool		 writing;
	uint64_t	 want, got;
	struct blossom_auth auth;
	uint8_t		 xsha[32];
	bool		 has_xsha;
	/* a refusal waiting for the body to be thrown away */
	enum err	 refuse;
	char		 detail[512];
	/* a mirror */
	struct buf	 mbody;
	uint64_t	 fetch;		/* httpc id; 0: none */
	uint8_t		 mhash[32];
	bool		 mirror_done;
	enum err	 mirror_err;
	unsigned	 answer_status;
	char		*answer;	/* a body to send when writable */
	size_t		 answer_len;
	const char	*answer_type;
};

static int	answer_text(struct sblob *, enum err, const char *detail);

/* --- setup ---------------------------------------------------------------- */

int
server_blob_start(struct server *s, const struct blob_srv_opts *o)
{
	struct blobsrv *bs;
	size_t	 n;

	if ((bs = calloc(1, sizeof(*bs))) == NULL)
		return -1;
	bs->o = o;
	bs->s = s;
	if (blobs_open(&bs->b, s->store, &o->store) != ERR_OK) {
		free(bs);
		return -1;
	}
	if ((n = blobs_clean_tmp(bs->b)) > 0)
		log_info("blobs: removed %zu half-written uploads", n);
	if ((bs->up = calloc(o->uploads, sizeof(*bs->up))) == NULL ||
	    httpc_new(&bs->hc) != ERR_OK) {
		free(bs->up);
		blobs_close(bs->b);
		free(bs);
		return -1;
	}
	blob_public_base(o->bridges, o->nbridges, o->port, bs->public_base,
	    sizeof(bs->public_base));
	s->blobs = bs;
	return 0;
}

const struct lws_protocols *
server_blob_protocol(struct server *s)
{
	return s->blobs != NULL ? httpc_protocol(s->blobs->hc) : NULL;
}

void
server_blob_attach(struct server *s)
{
	struct blobsrv *bs = s->blobs;

	if (bs == NULL)
		return;
	httpc_attach(bs->hc, s->ctx);
	if (bs->o->fetch || bs->o->nbridges > 0)
		(void)blob_work_start(&bs->w, bs->o);
}

void
server_blob_tick(struct server *s)
{
	if (s->blobs != NULL)
		httpc_tick(s->blobs->hc);
}

void
server_blob_stop(struct server *s)
{
	struct blobsrv *bs = s->blobs;

	if (bs == NULL)
		return;
	blob_work_stop(bs->w);
	bs->w = NULL;
}

/* After the context is gone (which closed every connection). */
void
server_blob_free(struct server *s)
{
	struct blobsrv *bs = s->blobs;

	if (bs == NULL)
		return;
	httpc_free(bs->hc);
	blobs_close(bs->b);
	free(bs->up);
	free(bs);
	s->blobs = NULL;
}

/* --- counting uploads ----------------------------------------------------- */

static enum err
count_in(struct sblob *sb)
{
	struct blobsrv *bs = sb->bs;
	struct upaddr *u = NULL;
	size_t	 i;

	if (bs->total >= bs->o->uploads)
		return ERR_BLOB_BUSY;
	for (i = 0; i < bs->nup; i++)
		if (strcmp(bs->up[i].addr, sb->peer) == 0)
			u = &bs->up[i];
	if (u != NULL && u->n >= bs->o->uploads_per_address)
		return ERR_BLOB_BUSY;
	if (u == NULL) {
		u = &bs->up[bs->nup++];	/* nup <= total < uploads */
		snprintf(u->addr, sizeof(u->addr), "%s", sb->peer);
		u->n = 0;
	}
	u->n++;
	bs->total++;
	sb->counted = true;
	return ERR_OK;
}

static void
count_out(struct sblob *sb)
{
	struct blobsrv *bs = sb->bs;
	size_t	 i;

	if (!sb->counted)
		return;
	sb->counted = false;
	bs->total--;
	for (i = 0; i < bs->nup; i++)
		if (strcmp(bs->up[i].addr, sb->peer) == 0) {
			if (--bs->up[i].n == 0)
				bs->up[i] = bs->up[--bs->nup];
			return;
		}
}

/* --- one request's state -------------------------------------------------- */

void
server_blob_release(struct pss *pss)
{
	struct sblob *sb = pss->blob;

	if (sb == NULL)
		return;
	pss->blob = NULL;
	if (sb->writing)
		blob_writer_abort(&sb->w);
	if (sb->fetch != 0)
		httpc_cancel(sb->bs->hc, sb->fetch);
	if (sb->fd != -1)
		close(sb->fd);
	count_out(sb);
	buf_free(&sb->mbody);
	free(sb->answer);
	free(sb);
}

/* --- answers -------------------------------------------------------------- */

/* HTTP status for an outcome. */
static unsigned
status_of(enum err e, enum http_kind k)
{
	switch (e) {
	case ERR_OK:
		return 200;
	case ERR_BLOB_HASH:
		return 409;
	case ERR_BLOB_LENGTH:
		return 411;
	case ERR_MEDIA_SIZE:
		return 413;
	case ERR_BLOB_BUSY:
		return 503;
	case ERR_BLOB_SHORT:
	case ERR_BLOB_TIMEOUT:
	case ERR_BLOB_REQUEST:
		return 400;
	case ERR_MEDIA_FRAGMENTED:
		return k == HTTP_MEDIA ? 422 : 415;
	case ERR_MEDIA_TYPE:
	case ERR_MEDIA_TRUNCATED:
	case ERR_MEDIA_FORMAT:
	case ERR_MEDIA_CRC:
	case ERR_MEDIA_LIMIT:
	case ERR_BLOB_METADATA:
		return 415;
	case ERR_BLOB_FULL:
	case ERR_DB_FULL:
		return 507;
	case ERR_BLOB_NOT_FOUND:
	case ERR_BLOB_ABSENT:
	case ERR_BLOB_NOT_OWNER:
		return 404;
	case ERR_BLOB_MIRROR_URL:
	case ERR_BLOB_AUTH_KEY:
		return 403;
	case ERR_BLOB_FETCH:
		return 502;
	case ERR_NOMEM:
	case ERR_IO:
	case ERR_DB:
	case ERR_DB_BUSY:
	case ERR_DB_CORRUPT:
		return 500;
	default:
		return 401;	/* the token: BLOB_AUTH_*, event errors */
	}
}

/* X-Reason: one line of printable ASCII. */
static void
reason_line(enum err e, const char *detail, char *out, size_t sz)
{
	char	*p;

	err_reason_detail(e, detail != NULL && detail[0] != '\0' ? detail :
	    NULL, out, sz);
	for (p = out; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || (unsigned char)*p > '~')
			*p = '?';
}

static int
add(struct lws *wsi, const char *name, const char *value, unsigned char **p,
    unsigned char *end)
{
	return lws_add_http_header_by_name(wsi, (const unsigned char *)name,
	    (const unsigned char *)value, (int)strlen(value), p, end);
}

/*
 * The status line and headers: every answer's own (CSP, nosniff,
 * no-referrer), BUD-01's CORS, then the request's.  extra is a list of
 * name, value pairs ending in NULL.  clen is the Content-Length.
 */
static int
send_headers(struct sblob *sb, unsigned status, const char *ctype,
    uint64_t clen, const char *const *extra)
{
	unsigned char hdr[LWS_PRE + 4096], *p = hdr + LWS_PRE,
	    *end = hdr + sizeof(hdr) - 1;
	struct lws *wsi = sb->wsi;
	size_t	 i;

	if (lws_add_http_common_headers(wsi, status, ctype,
	    (lws_filepos_t)clen, &p, end) ||
	    add(wsi, "content-security-policy:", CSP_NONE, &p, end) ||
	    add(wsi, "x-content-type-options:", "nosniff", &p, end) ||
	    add(wsi, "referrer-policy:", "no-referrer", &p, end) ||
	    add(wsi, "access-control-allow-origin:", "*", &p, end) ||
	    add(wsi, "access-control-expose-headers:",
	    "X-Reason, Content-Range, Content-Length", &p, end))
		return -1;
	for (i = 0; extra != NULL && extra[i] != NULL; i += 2)
		if (add(wsi, extra[i], extra[i + 1], &p, end))
			return -1;
	return lws_finalize_write_http_header(wsi, hdr + LWS_PRE, &p, end) ?
	    -1 : 0;
}

/* After the headers: a body to write when writable, or done. */
static int
send_body(struct sblob *sb, char *body, size_t len)
{
	struct pss *pss = sb->pss;
	struct lws *wsi = sb->wsi;

	if (len == 0 || sb->head_only) {
		free(body);
		server_http_free(pss);		/* frees sb too */
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	pss->body = body;
	pss->len = len;
	pss->off = 0;
	pss->owned = true;
	lws_callback_on_writable(sb->wsi);
	return 0;
}

/* A JSON answer built in b (which it takes). */
static int
answer_json(struct sblob *sb, unsigned status, struct buf *b)
{
	if (b->err) {
		buf_free(b);
		return answer_text(sb, ERR_NOMEM, NULL);
	}
	if (send_headers(sb, status, "application/json", b->len, NULL) != 0) {
		buf_free(b);
		return -1;
	}
	return send_body(sb, b->p, b->len);
}

/* A refusal (or any plain answer): X-Reason and the same line. */
static int
answer_text(struct sblob *sb, enum err e, const char *detail)
{
	char	 why[600], *body;
	const char *extra[5] = { "x-reason:", why, NULL, NULL, NULL };
	unsigned status = status_of(e, sb->kind);
	size_t	 n;

	reason_line(e, detail, why, sizeof(why));
	if (status == 503) {
		extra[2] = "retry-after:";
		extra[3] = "10";
	}
	n = strlen(why) + 1;
	if ((body = malloc(n + 1)) == NULL)
		return -1;
	memcpy(body, why, n - 1);
	body[n - 1] = '\n';
	body[n] = '\0';
	if (send_headers(sb, status, "text/plain; charset=utf-8", n, extra) !=
	    0) {
		free(body);
		return -1;
	}
	return send_body(sb, body, n);
}

/* A refusal now, then close: the body is not read. */
static int
refuse_now(struct sblob *sb, enum err e, const char *detail)
{
	char	 why[600];
	unsigned char buf[LWS_PRE + 640];
	const char *extra[] = { "x-reason:", why, "connection:", "close",
	    NULL };
	size_t	 n;

	reason_line(e, detail, why, sizeof(why));
	n = (size_t)snprintf((char *)buf + LWS_PRE, sizeof(buf) - LWS_PRE,
	    "%s\n", why);
	if (n >= sizeof(buf) - LWS_PRE)
		n = sizeof(buf) - LWS_PRE - 1;
	log_info("%s: %s refused: %s", sb->peer, sb->kind == HTTP_MEDIA ?
	    "media" : sb->kind == HTTP_MIRROR ? "mirror" : "upload", why);
	if (send_headers(sb, status_of(e, sb->kind),
	    "text/plain; charset=utf-8", n, extra) == 0)
		(void)lws_write(sb->wsi, buf + LWS_PRE, n,
		    LWS_WRITE_HTTP_FINAL);
	return -1;
}

/*
 * A refusal known before the body: answered after a small body is read
 * (so the client hears it), at once for a large one.
 */
static int
refuse_body(struct sblob *sb, enum err e, const char *detail)
{
	if (sb->want > DRAIN_MAX)
		return refuse_now(sb, e, detail);
	sb->refuse = e;
	snprintf(sb->detail, sizeof(sb->detail), "%s", detail ? detail : "");
	return 0;
}

/* --- requests ------------------------------------------------------------- */

static bool
header(struct lws *wsi, enum lws_token_indexes tok, char *out, size_t sz)
{
	int	 n = lws_hdr_total_length(wsi, tok);

	if (n <= 0 || (size_t)n >= sz || lws_hdr_copy(wsi, out, (int)sz, tok) < 0) {
		out[0] = '\0';
		return n > 0;		/* there, but too long */
	}
	return true;
}

static bool
custom(struct lws *wsi, const char *name, char *out, size_t sz)
{
	int	 n = lws_hdr_custom_length(wsi, name, (int)strlen(name));

	out[0] = '\0';
	if (n <= 0)
		return false;
	if ((size_t)n >= sz || lws_hdr_custom_copy(wsi, out, (int)sz, name,
	    (int)strlen(name)) < 0) {
		out[0] = '\0';
		return true;
	}
	return true;
}

/* The request's token for verb.  Returns: ERR_OK and sb->auth, or why. */
static enum err
auth_of(struct sblob *sb, enum blossom_verb verb)
{
	char	 hdr[BLOSSOM_AUTH_MAX * 2];

	if (!header(sb->wsi, WSI_TOKEN_HTTP_AUTHORIZATION, hdr, sizeof(hdr)))
		return ERR_BLOB_AUTH_MISSING;
	if (hdr[0] == '\0')
		return ERR_BLOB_AUTH_FORMAT;
	return blob_auth_check(hdr, verb, sb->host, (uint64_t)time(NULL),
	    &sb->auth);
}

/* X-SHA-256, if any: 64 lowercase hex.  Returns: ERR_OK or REQUEST. */
static enum err
xsha_of(struct sblob *sb, const char *name)
{
	char	 v[80];

	if (!custom(sb->wsi, name, v, sizeof(v)))
		return ERR_OK;
	if (!hex_decode(v, strlen(v), sb->xsha, 32))
		return ERR_BLOB_REQUEST;
	sb->has_xsha = true;
	return ERR_OK;
}

/* GET and HEAD /<sha256>: the file, a part of it, or the placeholder. */
static int
serve_blob(struct sblob *sb, const uint8_t hash[32])
{
	struct blobsrv *bs = sb->bs;
	struct blob_info info;
	struct buf b;
	char	 range[128], cr[96], etag[70], hex[65], npub[100];
	const char *extra[12];
	uint64_t first = 0, last = 0;
	size_t	 k = 0;
	unsigned status = 200;
	enum err e;
	int	 fd;

	hex_encode(hash, 32, hex);
	/* A peer node's get token: it now holds the blob (records). */
	if (lws_hdr_total_length(sb->wsi, WSI_TOKEN_HTTP_AUTHORIZATION) > 0 &&
	    auth_of(sb, BLOSSOM_GET) == ERR_OK &&
	    (sb->auth.nx == 0 || blossom_auth_names(&sb->auth, hash))) {
		nip19_npub(sb->auth.pubkey, npub, sizeof(npub));
		blob_seen_npub(bs->s->store, hash, npub, SEEN_ACCEPTED,
		    (int64_t)time(NULL));
	}
	e = blob_open(bs->b, hash, &fd, &info);
	if (e == ERR_BLOB_ABSENT) {
		if (blob_want_now(bs->s->store, hash, (int64_t)time(NULL)))
			blob_work_wake(bs->w);
		buf_init(&b, 1 << 16);
		buf_printf(&b, "{\"sha256\":\"%s\",\"reason\":\"photo not on "
		    "this node\",\"why\":\"%s\",\"peers\":", hex,
		    info.gone == BLOB_REMOVED ? "removed by its uploader" :
		    info.gone == BLOB_EVICTED ? "evicted" : "not fetched yet");
		(void)blob_holders_json(bs->s->store, hash, &b);
		buf_putc(&b, '}');
		snprintf(sb->detail, sizeof(sb->detail), "%s",
		    info.gone == BLOB_REMOVED ? "removed by its uploader" :
		    info.gone == BLOB_EVICTED ? "evicted to keep within the "
		    "blob budget; asked the peers that have it" :
		    "not fetched yet; asked the peers that have it");
		{
			char	 why[600];

			reason_line(ERR_BLOB_ABSENT, sb->detail, why,
			    sizeof(why));
			extra[0] = "x-reason:";
			extra[1] = why;
			extra[2] = NULL;
			if (b.err || send_headers(sb, 404, "application/json",
			    b.len, extra) != 0) {
				buf_free(&b);
				return -1;
			}
		}
		return send_body(sb, b.p, b.len);
	}
	if (e != ERR_OK)
		return answer_text(sb, e, NULL);
	sb->fd = fd;
	snprintf(etag, sizeof(etag), "\"%s\"", hex);
	extra[k++] = "accept-ranges:";
	extra[k++] = "bytes";
	extra[k++] = "etag:";
	extra[k++] = etag;
	extra[k++] = "cache-control:";
	extra[k++] = "public, max-age=31536000, immutable";
	range[0] = '\0';
	(void)header(sb->wsi, WSI_TOKEN_HTTP_RANGE, range, sizeof(range));
	switch (http_range_parse(range[0] ? range : NULL, info.size, &first,
	    &last)) {
	case HTTP_RANGE_NONE:
		first = 0;
		last = info.size - 1;
		break;
	case HTTP_RANGE_OK:
		status = 206;
		snprintf(cr, sizeof(cr), "bytes %llu-%llu/%llu",
		    (unsigned long long)first, (unsigned long long)last,
		    (unsigned long long)info.size);
		extra[k++] = "content-range:";
		extra[k++] = cr;
		break;
	case HTTP_RANGE_BAD:
		snprintf(cr, sizeof(cr), "bytes */%llu",
		    (unsigned long long)info.size);
		extra[k++] = "content-range:";
		extra[k++] = cr;
		extra[k++] = "x-reason:";
		extra[k++] = "invalid: the range is outside the blob";
		extra[k] = NULL;
		if (send_headers(sb, 416, "text/plain; charset=utf-8", 0,
		    extra) != 0)
			return -1;
		return send_body(sb, NULL, 0);
	}
	extra[k] = NULL;
	sb->off = first;
	sb->end = last + 1;
	if (send_headers(sb, status, media_mime(info.type), sb->end - sb->off,
	    extra) != 0)
		return -1;
	if (sb->head_only || sb->end == sb->off) {
		struct lws *wsi = sb->wsi;

		server_http_free(sb->pss);	/* frees sb too */
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	lws_callback_on_writable(sb->wsi);
	return 0;
}

/* PUT /upload, /media, /mirror: the checks before the body. */
static int
start_put(struct sblob *sb)
{
	char	 cl[32], te[64];
	enum blossom_verb verb = sb->kind == HTTP_MEDIA ? BLOSSOM_MEDIA :
	    BLOSSOM_UPLOAD;
	uint64_t max = sb->kind == HTTP_MIRROR ? MIRROR_BODY_MAX :
	    sb->bs->o->store.max_size;
	char	 detail[64];
	enum err e;

	if (header(sb->wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING, te, sizeof(te)) ||
	    !header(sb->wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH, cl, sizeof(cl)) ||
	    cl[0] < '0' || cl[0] > '9')
		return refuse_now(sb, ERR_BLOB_LENGTH, NULL);
	sb->want = strtoull(cl, NULL, 10);
	if (sb->want > max) {
		snprintf(detail, sizeof(detail), "at most %llu bytes",
		    (unsigned long long)max);
		return refuse_body(sb, ERR_MEDIA_SIZE, detail);
	}
	if ((e = auth_of(sb, verb)) != ERR_OK)
		return refuse_body(sb, e, NULL);
	if ((e = xsha_of(sb, "x-sha-256:")) != ERR_OK)
		return refuse_body(sb, e, "X-SHA-256 is not 64 hex digits");
	if (sb->kind != HTTP_MIRROR && sb->has_xsha &&
	    !blossom_auth_names(&sb->auth, sb->xsha))
		return refuse_body(sb, ERR_BLOB_AUTH_HASH, NULL);
	if ((e = count_in(sb)) != ERR_OK)
		return refuse_body(sb, e, NULL);
	if (sb->want == 0)
		return refuse_body(sb, ERR_MEDIA_TYPE, "an empty file");
	if (sb->kind == HTTP_MIRROR) {
		buf_init(&sb->mbody, MIRROR_BODY_MAX);
		return 0;
	}
	if ((e = blob_writer_open(sb->bs->b, &sb->w, sb->want)) != ERR_OK)
		return refuse_now(sb, e, NULL);
	sb->writing = true;
	return 0;
}

/* HEAD /upload and /media (BUD-06): what a PUT would be told. */
static int
check_put(struct sblob *sb)
{
	char	 cl[32], v[32], detail[64];
	uint64_t len, used, n;
	enum err e;

	if ((e = xsha_of(sb, "x-sha-256:")) != ERR_OK || !sb->has_xsha)
		return answer_text(sb, ERR_BLOB_REQUEST, "X-SHA-256 must be "
		    "the blob's 64 lowercase hex digits");
	if (!custom(sb->wsi, "x-content-length:", cl, sizeof(cl)))
		return answer_text(sb, ERR_BLOB_LENGTH, "X-Content-Length");
	if (cl[0] < '0' || cl[0] > '9' || strspn(cl, "0123456789") !=
	    strlen(cl))
		return answer_text(sb, ERR_BLOB_REQUEST, "X-Content-Length is "
		    "not a number");
	len = strtoull(cl, NULL, 10);
	if (len > sb->bs->o->store.max_size) {
		snprintf(detail, sizeof(detail), "at most %llu bytes",
		    (unsigned long long)sb->bs->o->store.max_size);
		return answer_text(sb, ERR_MEDIA_SIZE, detail);
	}
	if ((e = auth_of(sb, sb->kind == HTTP_MEDIA_CHECK ? BLOSSOM_MEDIA :
	    BLOSSOM_UPLOAD)) != ERR_OK)
		return answer_text(sb, e, NULL);
	if (!blossom_auth_names(&sb->auth, sb->xsha))
		return answer_text(sb, ERR_BLOB_AUTH_HASH, NULL);
	if (sb->bs->total >= sb->bs->o->uploads)
		return answer_text(sb, ERR_BLOB_BUSY, NULL);
	if (len > sb->bs->o->store.budget || (blob_usage(sb->bs->b, &used,
	    &n) == ERR_OK && used + len > sb->bs->o->store.budget &&
	    blob_make_room(sb->bs->b, len, true) != ERR_OK))
		return answer_text(sb, ERR_BLOB_FULL, NULL);
	(void)v;
	if (send_headers(sb, 200, "text/plain; charset=utf-8", 0, NULL) != 0)
		return -1;
	return send_body(sb, NULL, 0);
}

/* The base URL of this node as the client named it. */
static void
own_base(struct sblob *sb, char *out, size_t sz)
{
	snprintf(out, sz, "http://%s", sb->host[0] ? sb->host : "localhost");
}

struct listing {
	struct buf	 b;
	char		 base[300];
	size_t		 n;
};

static int
listing_cb(const struct blob_info *i, int64_t uploaded, void *arg)
{
	struct listing *l = arg;

	if (l->n++ > 0)
		buf_putc(&l->b, ',');
	blossom_descriptor(&l->b, l->base, i->sha256, i->size, i->type,
	    (uint64_t)uploaded, NULL);
	return 0;
}

/* GET /list/<pubkey> (BUD-12): the signer's own uploads. */
static int
list_blobs(struct sblob *sb, const uint8_t pk[32])
{
	struct listing l;
	char	 v[80];
	uint8_t	 cursor[32];
	bool	 has_cursor = false;
	long long since = 0, until = 0, limit = 100;
	enum err e;

	if ((e = auth_of(sb, BLOSSOM_LIST)) != ERR_OK)
		return answer_text(sb, e, NULL);
	if (memcmp(sb->auth.pubkey, pk, 32) != 0)
		return answer_text(sb, ERR_BLOB_AUTH_KEY, "only the uploader "
		    "may list their blobs");
	if (lws_get_urlarg_by_name(sb->wsi, "limit=", v, sizeof(v)) != NULL &&
	    ((limit = atoll(v)) < 1 || limit > LIST_MAX))
		return answer_text(sb, ERR_BLOB_REQUEST, "limit is 1 to 1000");
	if (lws_get_urlarg_by_name(sb->wsi, "cursor=", v, sizeof(v)) != NULL) {
		if (!hex_decode(v, strlen(v), cursor, 32))
			return answer_text(sb, ERR_BLOB_REQUEST, "cursor is a "
			    "blob's hash");
		has_cursor = true;
	}
	if (lws_get_urlarg_by_name(sb->wsi, "since=", v, sizeof(v)) != NULL)
		since = atoll(v);
	if (lws_get_urlarg_by_name(sb->wsi, "until=", v, sizeof(v)) != NULL)
		until = atoll(v);
	memset(&l, 0, sizeof(l));
	own_base(sb, l.base, sizeof(l.base));
	buf_init(&l.b, 1 << 20);
	buf_putc(&l.b, '[');
	if ((e = blob_list(sb->bs->b, pk, has_cursor ? cursor : NULL,
	    since > 0 ? since : 0, until > 0 ? until : 0, (size_t)limit,
	    listing_cb, &l)) != ERR_OK) {
		buf_free(&l.b);
		return answer_text(sb, e, NULL);
	}
	buf_putc(&l.b, ']');
	return answer_json(sb, 200, &l.b);
}

/* DELETE /<sha256> (BUD-12), by a key that uploaded it. */
static int
delete_blob(struct sblob *sb, const uint8_t hash[32])
{
	struct buf b;
	char	 hex[65];
	enum err e;

	if ((e = auth_of(sb, BLOSSOM_DELETE)) != ERR_OK)
		return answer_text(sb, e, NULL);
	if (!blossom_auth_names(&sb->auth, hash))
		return answer_text(sb, ERR_BLOB_AUTH_HASH, NULL);
	if ((e = blob_delete(sb->bs->b, hash, sb->auth.pubkey)) != ERR_OK)
		return answer_text(sb, e, NULL);
	hex_encode(hash, 32, hex);
	log_info("%s: deleted blob %s at its uploader's request", sb->peer,
	    hex);
	buf_init(&b, 256);
	buf_printf(&b, "{\"deleted\":\"%s\"}", hex);
	return answer_json(sb, 200, &b);
}

int
server_blob_request(struct server *s, struct lws *wsi, struct pss *pss,
    enum http_kind kind, const uint8_t id[32], bool head_only)
{
	struct sblob *sb;

	if (s->blobs == NULL)
		return server_http_refuse(wsi, 404, "no blobs on this node");
	if ((sb = calloc(1, sizeof(*sb))) == NULL)
		return -1;
	sb->bs = s->blobs;
	sb->wsi = wsi;
	sb->pss = pss;
	sb->kind = kind;
	sb->head_only = head_only;
	sb->fd = -1;
	sb->started = time(NULL);
	lws_get_peer_simple(wsi, sb->peer, sizeof(sb->peer));
	(void)header(wsi, WSI_TOKEN_HOST, sb->host, sizeof(sb->host));
	pss->blob = sb;
	switch (kind) {
	case HTTP_BLOB:
		return serve_blob(sb, id);
	case HTTP_BLOB_DELETE:
		return delete_blob(sb, id);
	case HTTP_LIST:
		return list_blobs(sb, id);
	case HTTP_UPLOAD_CHECK:
	case HTTP_MEDIA_CHECK:
		return check_put(sb);
	case HTTP_UPLOAD:
	case HTTP_MEDIA:
	case HTTP_MIRROR:
		return start_put(sb);
	default:
		return answer_text(sb, ERR_BLOB_REQUEST, NULL);
	}
}

/* --- bodies --------------------------------------------------------------- */

int
server_blob_body(struct server *s, struct lws *wsi, struct pss *pss,
    const void *in, size_t len)
{
	struct sblob *sb = pss->blob;
	enum err e;

	if (sb == NULL)
		return -1;		/* a body nobody asked for */
	if (sb->bs->o->upload_timeout > 0 && time(NULL) - sb->started >
	    (time_t)sb->bs->o->upload_timeout)
		return refuse_now(sb, ERR_BLOB_TIMEOUT, NULL);
	sb->got += len;
	if (sb->refuse != ERR_OK)
		return 0;		/* read and thrown away */
	if (sb->kind == HTTP_MIRROR) {
		buf_append(&sb->mbody, in, len);
		return sb->mbody.err ? refuse_now(sb, ERR_MEDIA_SIZE, NULL) : 0;
	}
	if ((e = blob_writer_write(&sb->w, in, len)) != ERR_OK)
		return refuse_now(sb, e, NULL);
	return 0;
}

/* The answer to a stored blob: its descriptor, 201 or 200. */
static int
answer_put(struct sblob *sb, const struct blob_put *p)
{
	struct blossom_nip94 n94;
	struct buf b;
	char	 base[300], hex[65];

	own_base(sb, base, sizeof(base));
	memset(&n94, 0, sizeof(n94));
	n94.public_base = sb->bs->public_base[0] != '\0' &&
	    sb->bs->o->nbridges > 0 ? sb->bs->public_base : NULL;
	n94.width = p->width;
	n94.height = p->height;
	n94.ox = p->strip ? p->ox : NULL;
	buf_init(&b, 8192);
	blossom_descriptor(&b, base, p->sha256, p->size, p->type,
	    (uint64_t)p->now, &n94);
	hex_encode(p->sha256, 32, hex);
	log_info("%s: %s blob %s (%s, %llu bytes)", sb->peer, p->existed ?
	    "had" : "stored", hex, media_mime(p->type),
	    (unsigned long long)p->size);
	return answer_json(sb, p->existed ? 200 : 201, &b);
}

static void	mirror_start(struct sblob *);

int
server_blob_body_done(struct server *s, struct lws *wsi, struct pss *pss)
{
	struct sblob *sb = pss->blob;
	struct blob_put p;
	enum err e;

	if (sb == NULL)
		return -1;
	if (sb->refuse != ERR_OK) {
		log_info("%s: blob refused: %s%s%s", sb->peer,
		    err_str(sb->refuse), sb->detail[0] ? ": " : "",
		    sb->detail);
		return answer_text(sb, sb->refuse, sb->detail);
	}
	if (sb->got != sb->want)
		return answer_text(sb, ERR_BLOB_SHORT, NULL);
	if (sb->kind == HTTP_MIRROR) {
		mirror_start(sb);
		return 0;
	}
	memset(&p, 0, sizeof(p));
	p.expect = sb->has_xsha ? sb->xsha : NULL;
	p.auth = &sb->auth;
	p.owner = sb->auth.pubkey;
	p.strip = sb->kind == HTTP_MEDIA;
	p.may_evict_own = true;
	p.role = BLOB_PUBLIC;
	p.now = (int64_t)time(NULL);
	sb->writing = false;
	e = blob_writer_commit(sb->bs->b, &sb->w, &p);
	count_out(sb);
	if (e != ERR_OK) {
		log_info("%s: blob refused: %s%s%s", sb->peer, err_str(e),
		    p.detail[0] ? ": " : "", p.detail);
		return answer_text(sb, e, p.detail);
	}
	return answer_put(sb, &p);
}

/* --- mirror --------------------------------------------------------------- */

/* True if host is the host of a peer link of this node. */
static bool
known_peer(struct server *s, const char *host)
{
	return blob_link_host(s->store, host);
}

static int
mirror_head(void *arg, uint64_t id, unsigned status, uint64_t len,
    const char *reason)
{
	struct sblob *sb = arg;
	enum err e;

	if (status != 200) {
		snprintf(sb->detail, sizeof(sb->detail), "the origin answered "
		    "%u%s%s", status, reason[0] ? ": " : "", reason);
		sb->mirror_err = ERR_BLOB_FETCH;
		return 1;
	}
	if (len != UINT64_MAX && len > sb->bs->o->store.max_size) {
		sb->mirror_err = ERR_MEDIA_SIZE;
		return 1;
	}
	if ((e = blob_writer_open(sb->bs->b, &sb->w, sb->bs->o->store.max_size))
	    != ERR_OK) {
		sb->mirror_err = e;
		return 1;
	}
	sb->writing = true;
	return 0;
}

static int
mirror_body(void *arg, uint64_t id, const void *p, size_t n)
{
	struct sblob *sb = arg;
	enum err e;

	if (!sb->writing)
		return 1;
	if ((e = blob_writer_write(&sb->w, p, n)) != ERR_OK) {
		sb->mirror_err = e;
		return 1;
	}
	return 0;
}

static void
mirror_done(void *arg, uint64_t id, unsigned status, const char *why)
{
	struct sblob *sb = arg;
	struct blob_put p;

	sb->fetch = 0;
	if (why != NULL && sb->mirror_err == ERR_OK) {
		sb->mirror_err = ERR_BLOB_FETCH;
		snprintf(sb->detail, sizeof(sb->detail), "%s", why);
	}
	if (sb->mirror_err == ERR_OK && sb->writing) {
		memset(&p, 0, sizeof(p));
		p.expect = sb->mhash;
		p.owner = sb->auth.pubkey;
		p.may_evict_own = true;
		p.role = BLOB_PUBLIC;
		p.now = (int64_t)time(NULL);
		sb->writing = false;
		if ((sb->mirror_err = blob_writer_commit(sb->bs->b, &sb->w,
		    &p)) == ERR_OK) {
			struct blossom_nip94 n94;
			struct buf b;
			char	 base[300];

			own_base(sb, base, sizeof(base));
			memset(&n94, 0, sizeof(n94));
			n94.width = p.width;
			n94.height = p.height;
			buf_init(&b, 8192);
			blossom_descriptor(&b, base, p.sha256, p.size, p.type,
			    (uint64_t)p.now, &n94);
			sb->answer = b.p;
			sb->answer_len = b.len;
			sb->answer_status = p.existed ? 200 : 201;
			sb->answer_type = "application/json";
		} else
			snprintf(sb->detail, sizeof(sb->detail), "%s",
			    p.detail);
	}
	if (sb->writing) {
		blob_writer_abort(&sb->w);
		sb->writing = false;
	}
	count_out(sb);
	sb->mirror_done = true;
	lws_callback_on_writable(sb->wsi);
}

static void
mirror_start(struct sblob *sb)
{
	static const struct httpc_ops ops = {
		.head = mirror_head, .body = mirror_body, .done = mirror_done,
	};
	struct httpc_req r;
	json_t	*j, *u;
	json_error_t je;
	char	 host[256], path[1024], url[1400], err[200], hex[65];
	uint16_t port;
	bool	 tls;
	struct blob_info info;

	j = json_loadb(sb->mbody.p ? sb->mbody.p : "", sb->mbody.len,
	    JSON_REJECT_DUPLICATES, &je);
	u = json_is_object(j) ? json_object_get(j, "url") : NULL;
	if (!json_is_string(u)) {
		json_decref(j);
		sb->mirror_err = ERR_BLOB_REQUEST;
		snprintf(sb->detail, sizeof(sb->detail), "the body must be "
		    "{\"url\":\"...\"}");
		goto over;
	}
	snprintf(url, sizeof(url), "%s", json_string_value(u));
	json_decref(j);
	if ((sb->mirror_err = blossom_mirror_url(url, strlen(url), false,
	    host, &port, &tls, path, sb->mhash)) != ERR_OK) {
		/* Not a LAN address: perhaps a peer's. */
		char	 h2[256];
		struct url pu;

		if (url_parse(url, strlen(url), &pu) == 0 &&
		    known_peer(sb->bs->s, pu.host))
			sb->mirror_err = blossom_mirror_url(url, strlen(url),
			    true, host, &port, &tls, path, sb->mhash);
		(void)h2;
		if (sb->mirror_err != ERR_OK)
			goto over;
	}
	if (!blossom_auth_names(&sb->auth, sb->mhash)) {
		sb->mirror_err = ERR_BLOB_AUTH_HASH;
		goto over;
	}
	if (blob_get(sb->bs->b, sb->mhash, &info) == ERR_OK && info.present) {
		struct blob_put p;

		memset(&p, 0, sizeof(p));
		memcpy(p.sha256, sb->mhash, 32);
		p.size = info.size;
		p.type = info.type;
		p.existed = true;
		p.now = (int64_t)time(NULL);
		p.width = info.width;
		p.height = info.height;
		(void)blob_owner_add(sb->bs->b, sb->mhash, sb->auth.pubkey,
		    p.now);
		count_out(sb);
		(void)answer_put(sb, &p);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.method = "GET";
	r.url = url;
	r.body_fd = -1;
	r.timeout_s = sb->bs->o->upload_timeout;
	hex_encode(sb->mhash, 32, hex);
	log_info("%s: mirroring %s from %s", sb->peer, hex, url);
	if ((sb->fetch = httpc_start(sb->bs->hc, &r, &ops, sb, err,
	    sizeof(err))) == 0) {
		sb->mirror_err = ERR_BLOB_FETCH;
		snprintf(sb->detail, sizeof(sb->detail), "%s", err);
		goto over;
	}
	return;
over:
	count_out(sb);
	sb->mirror_done = true;
	lws_callback_on_writable(sb->wsi);
}

/* --- writing -------------------------------------------------------------- */

bool
server_blob_writing(const struct pss *pss)
{
	const struct sblob *sb = pss->blob;

	return sb != NULL && pss->body == NULL && (sb->fd != -1 ||
	    sb->mirror_done);
}

int
server_blob_write(struct server *s, struct lws *wsi, struct pss *pss)
{
	struct sblob *sb = pss->blob;
	unsigned char buf[LWS_PRE + FILE_CHUNK];
	size_t	 n;
	ssize_t	 k;
	bool	 last;

	if (sb->mirror_done) {
		sb->mirror_done = false;
		if (sb->mirror_err != ERR_OK || sb->answer == NULL)
			return answer_text(sb, sb->mirror_err != ERR_OK ?
			    sb->mirror_err : ERR_BLOB_FETCH, sb->detail);
		if (send_headers(sb, sb->answer_status, sb->answer_type,
		    sb->answer_len, NULL) != 0)
			return -1;
		n = sb->answer_len;
		sb->answer_len = 0;
		{
			char	*body = sb->answer;

			sb->answer = NULL;
			return send_body(sb, body, n);
		}
	}
	n = sb->end - sb->off < FILE_CHUNK ? (size_t)(sb->end - sb->off) :
	    FILE_CHUNK;
	if ((k = pread(sb->fd, buf + LWS_PRE, n, (off_t)sb->off)) <= 0) {
		log_warn("blob read");
		return -1;
	}
	n = (size_t)k;
	last = sb->off + n == sb->end;
	if (lws_write(wsi, buf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL :
	    LWS_WRITE_HTTP) < (int)n)
		return -1;
	sb->off += n;
	if (!last) {
		lws_callback_on_writable(wsi);
		return 0;
	}
	server_http_free(pss);
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}
