/*
 * http.h: what plain HTTP on the relay's port answers: NIP-11, the
 * offline web page and its gazetteer (embedded gzipped, web_page.S, with
 * the page's Content-Security-Policy), the page's status and node APIs.
 * Pure: the net layer (server_http.c) writes the answers.
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
	HTTP_PREFLIGHT, HTTP_NOT_FOUND, HTTP_NO_METHOD
};

/* The methods every path answers, for 405's Allow header. */
#define HTTP_ALLOW	"GET, HEAD, OPTIONS"

/*
 * Which answer a request gets, from its method, path and Accept header.
 * HTTP_STATUS (GET /api/status/<64 hex>) fills id; HTTP_TIME is
 * GET /api/time, the node's clock for the page; HTTP_NODE is
 * GET /api/node, its uptime and links (read only); HTTP_PLACES is
 * GET /places.json, the page's gazetteer (immutable: the page names it
 * with its hash in the query); HTTP_NO_METHOD is a method no path here
 * answers (405, Allow: HTTP_ALLOW).
 */
enum http_kind	http_route(enum http_method, const char *path,
		    const char *accept, uint8_t id[32]);
/* True if the answer of this kind carries CORS headers (NIP-11 asks). */
bool		http_cors(enum http_kind);
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
