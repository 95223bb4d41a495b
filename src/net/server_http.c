/*
 * server_http.c: plain HTTP on the relay's port (server_int.h).  Which
 * answer a request gets is core/http.c's to say; this file writes it
 * with libwebsockets: the NIP-11 document, the page and its gazetteer
 * (gzipped as embedded, or inflated for the rare client that does not
 * take gzip), the page's status and node APIs, 405 for a method nothing
 * here answers, and a plain-text refusal for a connection admission let
 * in only to say why not.
 *
 * Every answer carries a Content-Security-Policy (the page's own, by its
 * hashes, with frame-ancestors; 'none' for everything else),
 * X-Content-Type-Options: nosniff and Referrer-Policy: no-referrer;
 * CORS headers go only where NIP-11 and Blossom need them.  The Blossom
 * routes are server_blob.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "http.h"
#include "log.h"
#include "nip11.h"
#include "server_int.h"
#include "status.h"
#include "witness_store.h"

#define HTTP_CHUNK	16384
#define CSP_NONE	"default-src 'none'; frame-ancestors 'none'"

void
server_http_free(struct pss *pss)
{
	server_blob_release(pss);
	if (pss->owned)
		free(pss->body);
	pss->body = NULL;
	pss->owned = false;
	pss->len = pss->off = 0;
}

static enum http_method
method_of(struct lws *wsi)
{
	static const struct {
		enum lws_token_indexes tok;
		enum http_method m;
	} map[] = {
		{ WSI_TOKEN_GET_URI, HTTP_GET },
		{ WSI_TOKEN_HEAD_URI, HTTP_HEAD },
		{ WSI_TOKEN_OPTIONS_URI, HTTP_OPTIONS },
		{ WSI_TOKEN_POST_URI, HTTP_POST },
		{ WSI_TOKEN_PUT_URI, HTTP_PUT },
		{ WSI_TOKEN_DELETE_URI, HTTP_DELETE },
		{ WSI_TOKEN_PATCH_URI, HTTP_PATCH },
	};
	size_t	 i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (lws_hdr_total_length(wsi, map[i].tok) > 0)
			return map[i].m;
	return HTTP_OTHER;
}

static int
add(struct lws *wsi, const char *name, const char *value, unsigned char **p,
    unsigned char *end)
{
	return lws_add_http_header_by_name(wsi, (const unsigned char *)name,
	    (const unsigned char *)value, (int)strlen(value), p, end);
}

/* A static body, or one the answer owns. */
static void
body(struct pss *pss, const char *p, size_t len, bool owned)
{
	pss->body = (char *)(uintptr_t)p;
	pss->len = len;
	pss->owned = owned;
}

/* A built JSON answer, or 500 with {} when it could not be built. */
static unsigned
json_body(struct pss *pss, struct buf *b, enum err e)
{
	if (e != ERR_OK || b->err) {
		buf_free(b);
		body(pss, "{}", 2, false);
		return 500;
	}
	body(pss, b->p, b->len, true);
	return 200;
}

/* An embedded gzip asset, as it is or inflated. */
static unsigned
asset_body(struct pss *pss, const char *gz, size_t gzlen, bool take_gzip,
    bool *gzipped)
{
	char	*p;
	size_t	 len;

	*gzipped = false;
	if (take_gzip) {
		body(pss, gz, gzlen, false);
		*gzipped = true;
		return 200;
	}
	if ((p = http_inflate(gz, gzlen, &len)) == NULL) {
		body(pss, "cannot inflate it\n", 18, false);
		return 500;
	}
	body(pss, p, len, true);
	return 200;
}

/* Status line and headers; then the body when writable. */
static int
send_head(struct lws *wsi, struct pss *pss, unsigned status,
    const char *ctype, const char *cache, bool gz, enum http_kind kind,
    bool head_only, const char *allow)
{
	unsigned char hdr[LWS_PRE + 2048], *p = hdr + LWS_PRE,
	    *end = hdr + sizeof(hdr) - 1;
	char	 csp[1024];
	size_t	 cl;
	const char *pc;

	if (kind == HTTP_PAGE) {
		pc = http_page_csp(&cl);
		snprintf(csp, sizeof(csp), "%.*s; frame-ancestors 'none'",
		    (int)cl, pc);
	} else
		snprintf(csp, sizeof(csp), "%s", CSP_NONE);
	if (lws_add_http_common_headers(wsi, status, ctype,
	    (lws_filepos_t)pss->len, &p, end) ||
	    (gz && add(wsi, "content-encoding:", "gzip", &p, end)) ||
	    add(wsi, "cache-control:", cache, &p, end) ||
	    add(wsi, "content-security-policy:", csp, &p, end) ||
	    add(wsi, "x-content-type-options:", "nosniff", &p, end) ||
	    add(wsi, "referrer-policy:", "no-referrer", &p, end) ||
	    add(wsi, "vary:", "Accept, Accept-Encoding", &p, end) ||
	    (kind == HTTP_NO_METHOD && add(wsi, "allow:", allow, &p, end)) ||
	    (http_cors(kind) && (add(wsi, "access-control-allow-origin:", "*",
	    &p, end) || add(wsi, "access-control-allow-headers:",
	    "Authorization, *", &p, end) ||
	    add(wsi, "access-control-allow-methods:", HTTP_BLOSSOM_METHODS,
	    &p, end))) ||
	    (kind == HTTP_PREFLIGHT && add(wsi, "access-control-max-age:",
	    "86400", &p, end)) ||
	    lws_finalize_write_http_header(wsi, hdr + LWS_PRE, &p, end)) {
		server_http_free(pss);
		return -1;
	}
	if (pss->len == 0 || head_only) {
		server_http_free(pss);
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	lws_callback_on_writable(wsi);
	return 0;
}

/*
 * The query string, its arguments joined by '&' again: libwebsockets keeps
 * each one apart (already URL-decoded), and lws_hdr_copy would join them
 * with commas, which the id lists use.  One too long for out leaves "&",
 * which no parser takes.
 */
static void
uri_args(struct lws *wsi, char *out, size_t sz)
{
	size_t	 len = 0;
	int	 i, n;

	out[0] = '\0';
	for (i = 0; len + 2 < sz; i++) {
		if (len > 0)
			out[len++] = '&';
		n = lws_hdr_copy_fragment(wsi, out + len, (int)(sz - len),
		    WSI_TOKEN_HTTP_URI_ARGS, i);
		if (n == -1) {		/* no more */
			out[len > 0 ? len - 1 : 0] = '\0';
			return;
		}
		if (n < 0)
			break;
		len += (size_t)n;
	}
	snprintf(out, sz, "&");
}

int
server_http_request(struct server *s, struct lws *wsi, struct pss *pss,
    const char *path)
{
	char	 accept[512] = "", enc[256] = "", why[256], detail[160];
	char	 args[4096];
	const char *ctype = "text/plain; charset=utf-8", *cache = "no-cache",
	    *gz_asset;
	enum http_method m = method_of(wsi);
	enum http_kind kind;
	size_t	 gzlen;
	uint8_t	 id[32];
	struct buf b;
	unsigned status = 200;
	bool	 gz = false, take_gzip;
	char	*p;
	size_t	 plen;
	enum err e;

	server_http_free(pss);
	admit_started(s->admit, wsi);
	if (admit_over(s->admit, wsi, detail, sizeof(detail)))
		return server_http_refuse(wsi, 503, err_reason_detail(
		    ERR_TOO_MANY_CONNS, detail, why, sizeof(why)));
	if (lws_hdr_copy(wsi, accept, sizeof(accept), WSI_TOKEN_HTTP_ACCEPT) < 0)
		accept[0] = '\0';
	if (lws_hdr_copy(wsi, enc, sizeof(enc),
	    WSI_TOKEN_HTTP_ACCEPT_ENCODING) < 0)
		enc[0] = '\0';
	take_gzip = http_accepts_gzip(enc);
	kind = http_route(m, path, accept, id);
	if (http_blossom(kind) && s->blobs != NULL)
		return server_blob_request(s, wsi, pss, kind, id,
		    m == HTTP_HEAD);
	switch (kind) {
	case HTTP_NIP11:
		ctype = "application/nostr+json";
		/* The difficulty asked moves with the load: built each time. */
		if (s->o->guard != NULL && s->o->cfg != NULL &&
		    (p = nip11_document_pow(s->o->cfg,
		    guard_difficulty(s->o->guard), &plen)) != NULL)
			body(pss, p, plen, true);
		else
			body(pss, s->o->nip11, s->o->nip11_len, false);
		break;
	case HTTP_PAGE:
		ctype = "text/html; charset=utf-8";
		gz_asset = http_page_gz(&gzlen);
		status = asset_body(pss, gz_asset, gzlen, take_gzip, &gz);
		break;
	case HTTP_PLACES:
		ctype = "application/json";
		cache = "public, max-age=31536000, immutable";
		gz_asset = http_places_gz(&gzlen);
		status = asset_body(pss, gz_asset, gzlen, take_gzip, &gz);
		break;
	case HTTP_STATUS:
		ctype = "application/json";
		buf_init(&b, 1 << 20);
		status = json_body(pss, &b, status_json(s->store, id, &b));
		break;
	case HTTP_NODE:
		ctype = "application/json";
		buf_init(&b, 1 << 20);
		e = status_node_json(s->store, (int64_t)s->started, &b);
		/* {..., "policy": the guard's state} for the page. */
		if (e == ERR_OK && s->o->guard != NULL && !b.err && b.len > 0 &&
		    b.p[b.len - 1] == '}') {
			b.len--;
			buf_puts(&b, ",\"policy\":");
			guard_json(s->o->guard, &b);
			buf_putc(&b, '}');
		}
		status = json_body(pss, &b, e);
		break;
	case HTTP_WITNESSES:
	case HTTP_WITNESS:
		ctype = "application/json";
		buf_init(&b, 4 << 20);
		uri_args(wsi, args, sizeof(args));
		status = witness_http(s->store, kind == HTTP_WITNESS ? id : NULL,
		    args, (uint64_t)time(NULL), &b);
		body(pss, b.p, b.len, true);
		break;
	case HTTP_TIME:
		ctype = "application/json";
		buf_init(&b, 64);
		buf_printf(&b, "{\"now\":%lld}", (long long)time(NULL));
		status = json_body(pss, &b, ERR_OK);
		break;
	case HTTP_PREFLIGHT:
		status = 204;
		break;
	case HTTP_NO_METHOD:
		status = 405;
		body(pss, "method not allowed\n", 19, false);
		break;
	case HTTP_NOT_FOUND:
	default:
		status = 404;
		body(pss, "not found\n", 10, false);
		break;
	}
	return send_head(wsi, pss, status, ctype, cache, gz, kind,
	    m == HTTP_HEAD, http_allow(path));
}

int
server_http_refuse(struct lws *wsi, unsigned status, const char *why)
{
	unsigned char hdr[LWS_PRE + 1024], *p = hdr + LWS_PRE,
	    *end = hdr + sizeof(hdr) - 1, buf[LWS_PRE + 512];
	size_t	 n = (size_t)snprintf((char *)buf + LWS_PRE, 511, "%s\n", why);

	if (n > 510)
		n = 510;
	if (lws_add_http_common_headers(wsi, status, "text/plain; charset=utf-8",
	    (lws_filepos_t)n, &p, end) ||
	    add(wsi, "content-security-policy:", CSP_NONE, &p, end) ||
	    add(wsi, "x-content-type-options:", "nosniff", &p, end) ||
	    add(wsi, "referrer-policy:", "no-referrer", &p, end) ||
	    add(wsi, "retry-after:", "10", &p, end) ||
	    add(wsi, "connection:", "close", &p, end) ||
	    lws_finalize_write_http_header(wsi, hdr + LWS_PRE, &p, end))
		return -1;
	(void)lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_HTTP_FINAL);
	return -1;		/* close once it is written */
}

int
server_http_write(struct server *s, struct lws *wsi, struct pss *pss)
{
	unsigned char buf[LWS_PRE + HTTP_CHUNK];
	size_t	 n = pss->len - pss->off;
	bool	 last;

	if (server_blob_writing(pss))
		return server_blob_write(s, wsi, pss);
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
	server_http_free(pss);
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}
