/*
 * server_http.c: what plain HTTP on the relay's port answers.  NIP-11 asks
 * for the relay information document on the WebSocket URL itself when the
 * Accept header names application/nostr+json (looked for as a token in a
 * list, not compared whole), with CORS so browser clients can read it.
 * / is the offline web page, built from web/ and embedded gzipped, and
 * /places.json the page's gazetteer, loaded when first needed; the rare
 * client that does not take gzip gets them inflated.  Pure.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "hex.h"
#include "http.h"

extern const char web_page_gz[], web_page_gz_end[];
extern const char web_places_gz[], web_places_gz_end[];
extern const char web_viewer_gz[], web_viewer_gz_end[];

/* More than any asset inflates to: a bound on a damaged gzip trailer. */
#define HTTP_INFLATE_MAX	(16u << 20)
extern const char web_page_csp[], web_page_csp_end[];

/* True if the comma-separated list names tok (case-insensitive). */
static bool
list_has(const char *list, const char *tok)
{
	const char *p = list;
	size_t	 n = strlen(tok);

	if (list == NULL)
		return false;
	while ((p = strcasestr(p, tok)) != NULL) {
		const char *e = p + n;

		if ((p == list || p[-1] == ',' || p[-1] == ' ' ||
		    p[-1] == '\t') && (*e == '\0' || *e == ',' || *e == ';' ||
		    *e == ' '))
			return true;
		p = e;
	}
	return false;
}

enum http_kind
http_route(enum http_method method, const char *path, const char *accept,
    uint8_t id[32])
{
	static const char api[] = "/api/status/";

	if (method == HTTP_OPTIONS)
		return HTTP_PREFLIGHT;
	if (method != HTTP_GET && method != HTTP_HEAD)
		return HTTP_NO_METHOD;
	if (list_has(accept, "application/nostr+json"))
		return HTTP_NIP11;
	if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0)
		return HTTP_PAGE;
	if (strcmp(path, "/places.json") == 0)
		return HTTP_PLACES;
	if (strcmp(path, "/api/time") == 0)
		return HTTP_TIME;
	if (strcmp(path, "/api/node") == 0)
		return HTTP_NODE;
	if (strncmp(path, api, sizeof(api) - 1) == 0 &&
	    strlen(path + sizeof(api) - 1) == 64 &&
	    hex_decode(path + sizeof(api) - 1, 64, id, 32))
		return HTTP_STATUS;
	return HTTP_NOT_FOUND;
}

bool
http_cors(enum http_kind k)
{
	/* Browser clients read the relay information document. */
	return k == HTTP_NIP11 || k == HTTP_PREFLIGHT;
}

const char *
http_page_csp(size_t *len)
{
	*len = (size_t)(web_page_csp_end - web_page_csp);
	return web_page_csp;
}

bool
http_accepts_gzip(const char *accept_encoding)
{
	/* "gzip;q=0" refuses it; nobody sends that, but be exact. */
	if (accept_encoding != NULL && strstr(accept_encoding, "gzip;q=0") &&
	    !strstr(accept_encoding, "gzip;q=0."))
		return false;
	return list_has(accept_encoding, "gzip");
}

const char *
http_page_gz(size_t *len)
{
	*len = (size_t)(web_page_gz_end - web_page_gz);
	return web_page_gz;
}

const char *
http_places_gz(size_t *len)
{
	*len = (size_t)(web_places_gz_end - web_places_gz);
	return web_places_gz;
}

const char *
http_viewer_gz(size_t *len)
{
	*len = (size_t)(web_viewer_gz_end - web_viewer_gz);
	return web_viewer_gz;
}

char *
http_page_inflate(size_t *len)
{
	size_t	 gzlen;
	const char *gz = http_page_gz(&gzlen);

	return http_inflate(gz, gzlen, len);
}

char *
http_inflate(const char *gz, size_t gzlen, size_t *len)
{
	z_stream z;
	size_t	 cap;
	char	*out;
	int	 rc;

	/* The gzip trailer ends with the inflated size (mod 2^32). */
	if (gzlen < 18)
		return NULL;
	cap = (size_t)(unsigned char)gz[gzlen - 4] |
	    (size_t)(unsigned char)gz[gzlen - 3] << 8 |
	    (size_t)(unsigned char)gz[gzlen - 2] << 16 |
	    (size_t)(unsigned char)gz[gzlen - 1] << 24;
	if (cap == 0 || cap > HTTP_INFLATE_MAX)
		return NULL;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return NULL;
	if ((out = malloc(cap)) == NULL) {
		inflateEnd(&z);
		return NULL;
	}
	z.next_in = (Bytef *)(uintptr_t)gz;
	z.avail_in = (uInt)gzlen;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	rc = inflate(&z, Z_FINISH);
	*len = z.total_out;
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}
