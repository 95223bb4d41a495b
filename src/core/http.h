/*
 * server_http.h: what plain HTTP on the relay's port answers: NIP-11, the
 * offline web page and its gazetteer (embedded gzipped, web_page.S), the
 * page's status API.
 */
#ifndef SAMIZDAT_SERVER_HTTP_H
#define SAMIZDAT_SERVER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum http_kind {
	HTTP_NIP11, HTTP_PAGE, HTTP_PLACES, HTTP_STATUS, HTTP_TIME, HTTP_NODE,
	HTTP_PREFLIGHT, HTTP_NOT_FOUND
};

/*
 * Which answer a request gets, from its method, path and Accept header.
 * HTTP_STATUS (GET /api/status/<64 hex>) fills id; HTTP_TIME is
 * GET /api/time, the node's clock for the page; HTTP_NODE is
 * GET /api/node, its uptime and links (read only); HTTP_PLACES is
 * GET /places.json, the page's gazetteer (immutable: the page names it
 * with its hash in the query).
 */
enum http_kind	http_route(bool options, const char *path, const char *accept,
		    uint8_t id[32]);
/* True if an Accept-Encoding header allows gzip. */
bool		http_accepts_gzip(const char *accept_encoding);
/* The page as embedded: gzip bytes. */
const char	*http_page_gz(size_t *len);
/* The gazetteer as embedded: gzip bytes. */
const char	*http_places_gz(size_t *len);
/* The page inflated into a malloc'd buffer, for clients without gzip. */
char		*http_page_inflate(size_t *len);
/* gzip bytes inflated into a malloc'd buffer of *len bytes, or NULL. */
char		*http_inflate(const char *gz, size_t gzlen, size_t *len);

#endif
