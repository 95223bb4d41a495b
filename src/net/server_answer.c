/*
 * server_answer.c: the answers of the Blossom side (server_blob_int.h):
 * status codes from the error table, X-Reason, the headers every answer
 * carries (CSP, nosniff, no-referrer, and BUD-01's CORS), bodies written
 * when writable, refusals before and after a body, request headers and
 * tokens, and the count of uploads in all and per address.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hex.h"
#include "http.h"
#include "log.h"
#include "server_blob_int.h"

#define CSP_NONE	"default-src 'none'; frame-ancestors 'none'"

/* --- counting uploads ----------------------------------------------------- */

enum err
sblob_count_in(struct sblob *sb)
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

void
sblob_count_out(struct sblob *sb)
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
	sblob_count_out(sb);
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
void
sblob_reason(enum err e, const char *detail, char *out, size_t sz)
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
int
sblob_headers(struct sblob *sb, unsigned status, const char *ctype,
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
int
sblob_send(struct sblob *sb, char *body, size_t len)
{
	struct pss *pss = sb->pss;
	struct lws *wsi = sb->wsi;

	if (len == 0 || sb->head_only) {
		free(body);
		server_blob_release(pss);	/* frees sb */
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
int
sblob_json(struct sblob *sb, unsigned status, struct buf *b)
{
	if (b->err) {
		buf_free(b);
		return sblob_text(sb, ERR_NOMEM, NULL);
	}
	if (sblob_headers(sb, status, "application/json", b->len, NULL) != 0) {
		buf_free(b);
		return -1;
	}
	return sblob_send(sb, b->p, b->len);
}

/* A refusal (or any plain answer): X-Reason and the same line. */
int
sblob_text(struct sblob *sb, enum err e, const char *detail)
{
	char	 why[600], *body;
	const char *extra[5] = { "x-reason:", why, NULL, NULL, NULL };
	unsigned status = status_of(e, sb->kind);
	size_t	 n;

	sblob_reason(e, detail, why, sizeof(why));
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
	if (sblob_headers(sb, status, "text/plain; charset=utf-8", n, extra) !=
	    0) {
		free(body);
		return -1;
	}
	return sblob_send(sb, body, n);
}

/* A refusal now, then close: the body is not read. */
int
sblob_refuse_now(struct sblob *sb, enum err e, const char *detail)
{
	char	 why[600];
	unsigned char buf[LWS_PRE + 640];
	const char *extra[] = { "x-reason:", why, "connection:", "close",
	    NULL };
	size_t	 n;

	sblob_reason(e, detail, why, sizeof(why));
	n = (size_t)snprintf((char *)buf + LWS_PRE, sizeof(buf) - LWS_PRE,
	    "%s\n", why);
	if (n >= sizeof(buf) - LWS_PRE)
		n = sizeof(buf) - LWS_PRE - 1;
	log_info("%s: %s refused: %s", sb->peer, sb->kind == HTTP_MEDIA ?
	    "media" : sb->kind == HTTP_MIRROR ? "mirror" : "upload", why);
	if (sblob_headers(sb, status_of(e, sb->kind),
	    "text/plain; charset=utf-8", n, extra) == 0)
		(void)lws_write(sb->wsi, buf + LWS_PRE, n,
		    LWS_WRITE_HTTP_FINAL);
	return -1;
}

/*
 * A refusal known before the body: answered after a small body is read
 * (so the client hears it), at once for a large one.
 */
int
sblob_refuse_body(struct sblob *sb, enum err e, const char *detail)
{
	if (sb->want > DRAIN_MAX)
		return sblob_refuse_now(sb, e, detail);
	sb->refuse = e;
	snprintf(sb->detail, sizeof(sb->detail), "%s", detail ? detail : "");
	return 0;
}

bool
sblob_header(struct lws *wsi, enum lws_token_indexes tok, char *out, size_t sz)
{
	int	 n = lws_hdr_total_length(wsi, tok);

	if (n <= 0 || (size_t)n >= sz || lws_hdr_copy(wsi, out, (int)sz, tok) < 0) {
		out[0] = '\0';
		return n > 0;		/* there, but too long */
	}
	return true;
}

bool
sblob_custom(struct lws *wsi, const char *name, char *out, size_t sz)
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
enum err
sblob_auth(struct sblob *sb, enum blossom_verb verb)
{
	char	 hdr[BLOSSOM_AUTH_MAX * 2];

	if (!sblob_header(sb->wsi, WSI_TOKEN_HTTP_AUTHORIZATION, hdr, sizeof(hdr)))
		return ERR_BLOB_AUTH_MISSING;
	if (hdr[0] == '\0')
		return ERR_BLOB_AUTH_FORMAT;
	return blob_auth_check(hdr, verb, sb->host, (uint64_t)time(NULL),
	    &sb->auth);
}

/* X-SHA-256, if any: 64 lowercase hex.  Returns: ERR_OK or REQUEST. */
enum err
sblob_xsha(struct sblob *sb, const char *name)
{
	char	 v[80];

	if (!sblob_custom(sb->wsi, name, v, sizeof(v)))
		return ERR_OK;
	if (!hex_decode(v, strlen(v), sb->xsha, 32))
		return ERR_BLOB_REQUEST;
	sb->has_xsha = true;
	return ERR_OK;
}

/* The base URL of this node as the client named it. */
void
sblob_base(struct sblob *sb, char *out, size_t sz)
{
	snprintf(out, sz, "http://%s", sb->host[0] ? sb->host : "localhost");
}

