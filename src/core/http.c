/*
 * server_http.c: what plain HTTP on the relay's port answers.  NIP-11 asks
 * for the relay information document on the WebSocket URL itself when the
 * Accept header names application/nostr+json (looked for as a token in a
 * list, not compared whole), with CORS so browser clients can read it.
 * / is the offline web page, built from web/ and embedded gzipped, and
 * /places.json the page's gazetteer, loaded when first needed; the rare
 * client that does not take gzip gets them inflated.  The Blossom paths
 * (docs/blobs.md) are named by a hash or one of their four words, and a
 * blob's Range header is read here.  Pure.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "blossom.h"
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

/* The Blossom paths; HTTP_NOT_FOUND for others. */
static enum http_kind
blossom_route(enum http_method m, const char *path, uint8_t id[32])
{
	static const char list[] = "/list/";
	uint8_t	 h[32];

	if (strcmp(path, "/upload") == 0)
		return m == HTTP_PUT ? HTTP_UPLOAD : m == HTTP_HEAD ?
		    HTTP_UPLOAD_CHECK : HTTP_NO_METHOD;
	if (strcmp(path, "/media") == 0)
		return m == HTTP_PUT ? HTTP_MEDIA : m == HTTP_HEAD ?
		    HTTP_MEDIA_CHECK : HTTP_NO_METHOD;
	if (strcmp(path, "/mirror") == 0)
		return m == HTTP_PUT ? HTTP_MIRROR : HTTP_NO_METHOD;
	if (strncmp(path, list, sizeof(list) - 1) == 0 &&
	    strlen(path + sizeof(list) - 1) == 64 &&
	    hex_decode(path + sizeof(list) - 1, 64, h, 32)) {
		if (m != HTTP_GET && m != HTTP_HEAD)
			return HTTP_NO_METHOD;
		memcpy(id, h, 32);
		return HTTP_LIST;
	}
	if (blossom_path_hash(path, h)) {
		if (m != HTTP_GET && m != HTTP_HEAD && m != HTTP_DELETE)
			return HTTP_NO_METHOD;
		memcpy(id, h, 32);
		return m == HTTP_DELETE ? HTTP_BLOB_DELETE : HTTP_BLOB;
	}
	return HTTP_NOT_FOUND;
}

enum http_kind
http_route(enum http_method method, const char *path, const char *accept,
    uint8_t id[32])
{
	static const char api[] = "/api/status/";
	static const char wit[] = "/api/witnesses/";
	enum http_kind k;

	if (method == HTTP_OPTIONS)
		return HTTP_PREFLIGHT;
	if ((k = blossom_route(method, path, id)) != HTTP_NOT_FOUND)
		return k;
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
	if (strcmp(path, "/api/witnesses") == 0)
		return HTTP_WITNESSES;
	if (strncmp(path, wit, sizeof(wit) - 1) == 0 &&
	    strlen(path + sizeof(wit) - 1) == 64 &&
	    hex_decode(path + sizeof(wit) - 1, 64, id, 32))
		return HTTP_WITNESS;
	if (strncmp(path, api, sizeof(api) - 1) == 0 &&
	    strlen(path + sizeof(api) - 1) == 64 &&
	    hex_decode(path + sizeof(api) - 1, 64, id, 32))
		return HTTP_STATUS;
	return HTTP_NOT_FOUND;
}

const char *
http_allow(const char *path)
{
	uint8_t	 h[32];

	if (strcmp(path, "/upload") == 0 || strcmp(path, "/media") == 0)
		return "HEAD, PUT, OPTIONS";
	if (strcmp(path, "/mirror") == 0)
		return "PUT, OPTIONS";
	if (blossom_path_hash(path, h))
		return "GET, HEAD, DELETE, OPTIONS";
	return HTTP_ALLOW;
}

bool
http_cors(enum http_kind k)
{
	/* Browser clients read the relay information document. */
	return k == HTTP_NIP11 || k == HTTP_PREFLIGHT || http_blossom(k);
}

bool
http_blossom(enum http_kind k)
{
	return k >= HTTP_BLOB && k <= HTTP_LIST;
}

/* Decimal digits at *p into *v (no overflow); false if none or too big. */
static bool
range_num(const char **p, uint64_t *v)
{
	const char *s = *p;

	*v = 0;
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9') {
		if (*v > (UINT64_MAX - 9) / 10)
			return false;
		*v = *v * 10 + (uint64_t)(*s++ - '0');
	}
	*p = s;
	return true;
}

enum http_range
http_range_parse(const char *hdr, uint64_t size, uint64_t *first,
    uint64_t *last)
{
	const char *p = hdr;
	uint64_t a = 0, b = 0;
	bool	 suffix, open_end = false;

	if (hdr == NULL || strncasecmp(p, "bytes=", 6) != 0)
		return HTTP_RANGE_NONE;
	p += 6;
	while (*p == ' ')
		p++;
	if (strchr(p, ',') != NULL)
		return HTTP_RANGE_NONE;		/* several: the whole */
	suffix = *p == '-';
	if (suffix) {
		p++;
		if (!range_num(&p, &b))
			return HTTP_RANGE_NONE;
	} else {
		if (!range_num(&p, &a) || *p++ != '-')
			return HTTP_RANGE_NONE;
		if (*p == '\0' || *p == ' ')
			open_end = true;
		else if (!range_num(&p, &b))
			return HTTP_RANGE_NONE;
	}
	while (*p == ' ')
		p++;
	if (*p != '\0')
		return HTTP_RANGE_NONE;
	if (suffix) {
		if (b == 0 || size == 0)
			return HTTP_RANGE_BAD;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return HTTP_RANGE_OK;
	}
	if (!open_end && b < a)
		return HTTP_RANGE_NONE;
	if (a >= size)
		return HTTP_RANGE_BAD;
	*first = a;
	*last = open_end || b >= size ? size - 1 : b;
	return HTTP_RANGE_OK;
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
