/*
 * server_http.h: what plain HTTP on the relay's port answers: NIP-11, the
 * offline web page (embedded gzipped, web_page.S), the page's status API.
 */
#ifndef SAMIZDAT_SERVER_HTTP_H
#define SAMIZDAT_SERVER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum http_kind {
	HTTP_NIP11, HTTP_PAGE, HTTP_STATUS, HTTP_TIME, HTTP_PREFLIGHT,
	HTTP_NOT_FOUND
};

/*
 * Which answer a request gets, from its method, path and Accept header.
 * HTTP_STATUS (GET /api/status/<64 hex>) fills id; HTTP_TIME is
 * GET /api/time, the node's clock for the page.
 */
enum http_kind	http_route(bool options, const char *path, const char *accept,
		    uint8_t id[32]);
/* True if an Accept-Encoding header allows gzip. */
bool		http_accepts_gzip(const char *accept_encoding);
/* The page as embedded: gzip bytes. */
const char	*http_page_gz(size_t *len);
/* The page inflated into a malloc'd buffer, for clients without gzip. */
char		*http_page_inflate(size_t *len);

#endif
