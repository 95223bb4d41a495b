/*
 * server_blob.c: Blossom on the relay's port (server_blob_int.h,
 * docs/blobs.md): setup, dispatch of each Blossom route, GET and HEAD of a
 * blob with Range (the file read a chunk per writable callback), the
 * placeholder for a blob a report names that is not here (and the ask
 * to fetch it), HEAD /upload and /media, GET /list and DELETE.  The
 * uploads are server_upload.c's, the answers server_answer.c's.  What a
 * request is for is core/http.c's to say, whether a token is good
 * store/blob.c's (the one checked path).
 *
 * Refusals carry X-Reason.  A refusal known before the body, for a body
 * of up to DRAIN_MAX bytes, is answered once the body has been read and
 * thrown away, so that the client is still reading when it comes; past
 * that it is answered at once and the connection closed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bech32.h"
#include "blob_index.h"
#include "hex.h"
#include "http.h"
#include "log.h"
#include "server_blob_int.h"

#define FILE_CHUNK	65536
#define LIST_MAX	1000

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

/* --- requests ------------------------------------------------------------- */

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
	    sblob_auth(sb, BLOSSOM_GET) == ERR_OK &&
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

			sblob_reason(ERR_BLOB_ABSENT, sb->detail, why,
			    sizeof(why));
			extra[0] = "x-reason:";
			extra[1] = why;
			extra[2] = NULL;
			if (b.err || sblob_headers(sb, 404, "application/json",
			    b.len, extra) != 0) {
				buf_free(&b);
				return -1;
			}
		}
		return sblob_send(sb, b.p, b.len);
	}
	if (e != ERR_OK)
		return sblob_text(sb, e, NULL);
	sb->fd = fd;
	snprintf(etag, sizeof(etag), "\"%s\"", hex);
	extra[k++] = "accept-ranges:";
	extra[k++] = "bytes";
	extra[k++] = "etag:";
	extra[k++] = etag;
	extra[k++] = "cache-control:";
	extra[k++] = "public, max-age=31536000, immutable";
	range[0] = '\0';
	(void)sblob_header(sb->wsi, WSI_TOKEN_HTTP_RANGE, range, sizeof(range));
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
		if (sblob_headers(sb, 416, "text/plain; charset=utf-8", 0,
		    extra) != 0)
			return -1;
		return sblob_send(sb, NULL, 0);
	}
	extra[k] = NULL;
	sb->off = first;
	sb->end = last + 1;
	if (sblob_headers(sb, status, media_mime(info.type), sb->end - sb->off,
	    extra) != 0)
		return -1;
	if (sb->head_only || sb->end == sb->off) {
		struct lws *wsi = sb->wsi;

		server_blob_release(sb->pss);	/* frees sb */
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	lws_callback_on_writable(sb->wsi);
	return 0;
}

/* HEAD /upload and /media (BUD-06): what a PUT would be told. */
static int
check_put(struct sblob *sb)
{
	char	 cl[32], v[32], detail[64];
	uint64_t len, used, n;
	enum err e;

	if ((e = sblob_xsha(sb, "x-sha-256:")) != ERR_OK || !sb->has_xsha)
		return sblob_text(sb, ERR_BLOB_REQUEST, "X-SHA-256 must be "
		    "the blob's 64 lowercase hex digits");
	if (!sblob_custom(sb->wsi, "x-content-length:", cl, sizeof(cl)))
		return sblob_text(sb, ERR_BLOB_LENGTH, "X-Content-Length");
	if (cl[0] < '0' || cl[0] > '9' || strspn(cl, "0123456789") !=
	    strlen(cl))
		return sblob_text(sb, ERR_BLOB_REQUEST, "X-Content-Length is "
		    "not a number");
	len = strtoull(cl, NULL, 10);
	if (len > sb->bs->o->store.max_size) {
		snprintf(detail, sizeof(detail), "at most %llu bytes",
		    (unsigned long long)sb->bs->o->store.max_size);
		return sblob_text(sb, ERR_MEDIA_SIZE, detail);
	}
	if ((e = sblob_auth(sb, sb->kind == HTTP_MEDIA_CHECK ? BLOSSOM_MEDIA :
	    BLOSSOM_UPLOAD)) != ERR_OK)
		return sblob_text(sb, e, NULL);
	if (!blossom_auth_names(&sb->auth, sb->xsha))
		return sblob_text(sb, ERR_BLOB_AUTH_HASH, NULL);
	if (sb->bs->total >= sb->bs->o->uploads)
		return sblob_text(sb, ERR_BLOB_BUSY, NULL);
	if (len > sb->bs->o->store.budget || (blob_usage(sb->bs->b, &used,
	    &n) == ERR_OK && used + len > sb->bs->o->store.budget &&
	    blob_make_room(sb->bs->b, len, true) != ERR_OK))
		return sblob_text(sb, ERR_BLOB_FULL, NULL);
	(void)v;
	if (sblob_headers(sb, 200, "text/plain; charset=utf-8", 0, NULL) != 0)
		return -1;
	return sblob_send(sb, NULL, 0);
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

	if ((e = sblob_auth(sb, BLOSSOM_LIST)) != ERR_OK)
		return sblob_text(sb, e, NULL);
	if (memcmp(sb->auth.pubkey, pk, 32) != 0)
		return sblob_text(sb, ERR_BLOB_AUTH_KEY, "only the uploader "
		    "may list their blobs");
	if (lws_get_urlarg_by_name(sb->wsi, "limit=", v, sizeof(v)) != NULL &&
	    ((limit = atoll(v)) < 1 || limit > LIST_MAX))
		return sblob_text(sb, ERR_BLOB_REQUEST, "limit is 1 to 1000");
	if (lws_get_urlarg_by_name(sb->wsi, "cursor=", v, sizeof(v)) != NULL) {
		if (!hex_decode(v, strlen(v), cursor, 32))
			return sblob_text(sb, ERR_BLOB_REQUEST, "cursor is a "
			    "blob's hash");
		has_cursor = true;
	}
	if (lws_get_urlarg_by_name(sb->wsi, "since=", v, sizeof(v)) != NULL)
		since = atoll(v);
	if (lws_get_urlarg_by_name(sb->wsi, "until=", v, sizeof(v)) != NULL)
		until = atoll(v);
	memset(&l, 0, sizeof(l));
	sblob_base(sb, l.base, sizeof(l.base));
	buf_init(&l.b, 1 << 20);
	buf_putc(&l.b, '[');
	if ((e = blob_list(sb->bs->b, pk, has_cursor ? cursor : NULL,
	    since > 0 ? since : 0, until > 0 ? until : 0, (size_t)limit,
	    listing_cb, &l)) != ERR_OK) {
		buf_free(&l.b);
		return sblob_text(sb, e, NULL);
	}
	buf_putc(&l.b, ']');
	return sblob_json(sb, 200, &l.b);
}

/* DELETE /<sha256> (BUD-12), by a key that uploaded it. */
static int
delete_blob(struct sblob *sb, const uint8_t hash[32])
{
	struct buf b;
	char	 hex[65];
	enum err e;

	if ((e = sblob_auth(sb, BLOSSOM_DELETE)) != ERR_OK)
		return sblob_text(sb, e, NULL);
	if (!blossom_auth_names(&sb->auth, hash))
		return sblob_text(sb, ERR_BLOB_AUTH_HASH, NULL);
	if ((e = blob_delete(sb->bs->b, hash, sb->auth.pubkey)) != ERR_OK)
		return sblob_text(sb, e, NULL);
	hex_encode(hash, 32, hex);
	log_info("%s: deleted blob %s at its uploader's request", sb->peer,
	    hex);
	buf_init(&b, 256);
	buf_printf(&b, "{\"deleted\":\"%s\"}", hex);
	return sblob_json(sb, 200, &b);
}

int
server_blob_request(struct server *s, struct lws *wsi, struct pss *pss,
    enum http_kind kind, const uint8_t id[32], bool head_only)
{
	struct sblob *sb;

	if (s->blobs == NULL)
		return -1;		/* no blobs: server_http.c says 404 */
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
	(void)sblob_header(wsi, WSI_TOKEN_HOST, sb->host, sizeof(sb->host));
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
		return sblob_put_start(sb);
	default:
		return sblob_text(sb, ERR_BLOB_REQUEST, NULL);
	}
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
			return sblob_text(sb, sb->mirror_err != ERR_OK ?
			    sb->mirror_err : ERR_BLOB_FETCH, sb->detail);
		if (sblob_headers(sb, sb->answer_status, sb->answer_type,
		    sb->answer_len, NULL) != 0)
			return -1;
		n = sb->answer_len;
		sb->answer_len = 0;
		{
			char	*body = sb->answer;

			sb->answer = NULL;
			return sblob_send(sb, body, n);
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
	server_blob_release(pss);
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

int
server_blob_body(struct server *s, struct lws *wsi, struct pss *pss,
    const void *in, size_t len)
{
	/*
	 * A body nobody asked for (POST / answered 405) is read and dropped,
	 * as before blobs: closing here would lose the answer.
	 */
	if (pss->blob == NULL)
		return 0;
	return sblob_put_body(pss->blob, in, len);
}

int
server_blob_body_done(struct server *s, struct lws *wsi, struct pss *pss)
{
	if (pss->blob == NULL)
		return 0;
	return sblob_put_done(pss->blob);
}
