/*
 * http.h: what plain HTTP on the relay's port answers: NIP-11, the
 * offline web page and its gazetteer (embedded gzipped, web_page.S, with
 * the page's Content-Security-Policy), the page's status and node APIs,
 * and the Blossom routes of docs/blobs.md with their Range header.
 * Pure: the net layer (server_http.c, server_blob.c) writes the answers.
 */
#ifndef SAMIZDAT_HTTP_H
#define SAMIZDAT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum http_method {
	HTTP_GET, HTTP_HEAD, HTTP_OPTIONS, HTTP_POST, HTTP_PUT, HTTP_DELETE,
	HTTP_PATCH, HTTP_OTHER
};

enum http_kind {
	HTTP_NIP11, HTTP_PAGE, HTTP_PLACES, HTTP_STATUS, HTTP_TIME, HTTP_NODE,
	HTTP_WITNESSES, HTTP_WITNESS,
	HTTP_PREFLIGHT, HTTP_NOT_FOUND, HTTP_NO_METHOD,
	/* Blossom (docs/blobs.md) */
	HTTP_BLOB,		/* GET, HEAD /<sha256>[.ext]: id is the hash */
	HTTP_BLOB_DELETE,	/* DELETE /<sha256>[.ext] */
	HTTP_UPLOAD,		/* PUT /upload */
	HTTP_UPLOAD_CHECK,	/* HEAD /upload (BUD-06) */
	HTTP_MEDIA,		/* PUT /media */
	HTTP_MEDIA_CHECK,	/* HEAD /media */
	HTTP_MIRROR,		/* PUT /mirror */
	HTTP_LIST		/* GET /list/<pubkey>: id is the pubkey */
};

/* The methods every path answers, for 405's Allow header. */
#define HTTP_ALLOW	"GET, HEAD, OPTIONS"
/* What a Blossom client may send anywhere (BUD-01's CORS preflight). */
#define HTTP_BLOSSOM_METHODS	"GET, HEAD, PUT, DELETE"

/*
 * Which answer a request gets, from its method, path and Accept header.
 * HTTP_STATUS (GET /api/status/<64 hex>) fills id; HTTP_TIME is
 * GET /api/time, the node's clock for the page; HTTP_NODE is
 * GET /api/node, its uptime and links (read only); HTTP_WITNESSES is
 * GET /api/witnesses?ids=..., the states of a feed's reports, and
 * HTTP_WITNESS GET /api/witnesses/<64 hex> (fills id), who said what
 * (store/witness_json.c reads the query); HTTP_PLACES is
 * GET /places.json, the page's gazetteer (immutable: the page names it
 * with its hash in the query); HTTP_NO_METHOD is a method the path
 * does not answer (405, Allow: http_allow(path)).  The Blossom kinds
 * are listed with enum http_kind; id is written only for HTTP_STATUS,
 * HTTP_BLOB, HTTP_BLOB_DELETE and HTTP_LIST.
 */
enum http_kind	http_route(enum http_method, const char *path,
		    const char *accept, uint8_t id[32]);
/* The methods path answers, for a 405's Allow header. */
const char	*http_allow(const char *path);
/* True if the answer of this kind carries CORS headers (NIP-11 asks). */
bool		http_cors(enum http_kind);
/* True for the Blossom kinds, whose answers carry CORS (BUD-01). */
bool		http_blossom(enum http_kind);

/*
 * A Range header (RFC 9110, one range of bytes) against a blob of size
 * bytes: "bytes=A-B", "bytes=A-" or "bytes=-N".  HTTP_RANGE_NONE: no
 * header, or one to ignore (malformed, several ranges, B < A): serve
 * the whole.  HTTP_RANGE_BAD: unsatisfiable (416).  HTTP_RANGE_OK:
 * *first..*last, inclusive, within the blob.  hdr may be NULL.
 */
enum http_range { HTTP_RANGE_NONE, HTTP_RANGE_OK, HTTP_RANGE_BAD };
enum http_range	http_range_parse(const char *hdr, uint64_t size,
		    uint64_t *first, uint64_t *last);
/* The page's Content-Security-Policy, as built with it (not NUL-ended). */
const char	*http_page_csp(size_t *len);
/* True if an Accept-Encoding header allows gzip. */
bool		http_accepts_gzip(const char *accept_encoding);
/* The page as embedded: gzip bytes. */
const char	*http_page_gz(size_t *len);
/* The gazetteer as embedded: gzip bytes. */
const char	*http_places_gz(size_t *len);
/* The evidence archives' viewer page (docs/archive.md), gzipped. */
const char	*http_viewer_gz(size_t *len);
/* The page inflated into a malloc'd buffer, for clients without gzip. */
char		*http_page_inflate(size_t *len);
/* gzip bytes inflated into a malloc'd buffer of *len bytes, or NULL. */
char		*http_inflate(const char *gz, size_t gzlen, size_t *len);

#endif
