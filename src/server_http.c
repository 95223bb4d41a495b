/*
 * server_http.c: what plain HTTP on the relay's port answers.  NIP-11 asks
 * for the relay information document on the WebSocket URL itself when the
 * Accept header names application/nostr+json (looked for as a token in a
 * list, not compared whole), with CORS so browser clients can read it.
 * Everything else at / gets the page.  Pure.
 */
#include <string.h>
#include <strings.h>

#include "server_http.h"

static const char page[] =
"<!doctype html>\n"
"<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
"<title>samizdat</title>\n"
"<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;"
"margin:1em auto;padding:0 1em}code{background:#eee;padding:0 .2em}</style>\n"
"</head><body>\n"
"<h1>samizdat</h1>\n"
"<p>This is a samizdat node: a Nostr relay that keeps reports flowing on a "
"local network when the internet is cut.</p>\n"
"<p>Any Nostr app can use it: add this address as a relay: "
"<code id=\"url\"></code></p>\n"
"<script>document.getElementById('url').textContent="
"(location.protocol==='https:'?'wss://':'ws://')+location.host+'/';</script>\n"
"</body></html>\n";

static const char not_found[] = "not found\n";

/* True if the comma-separated Accept list names application/nostr+json. */
static bool
accepts_nostr(const char *accept)
{
	const char *p = accept;
	static const char want[] = "application/nostr+json";

	if (accept == NULL)
		return false;
	while ((p = strcasestr(p, want)) != NULL) {
		const char *e = p + sizeof(want) - 1;

		if ((p == accept || p[-1] == ',' || p[-1] == ' ' ||
		    p[-1] == '\t') && (*e == '\0' || *e == ',' || *e == ';' ||
		    *e == ' '))
			return true;
		p = e;
	}
	return false;
}

enum http_kind
http_route(bool options, const char *path, const char *accept)
{
	if (options)
		return HTTP_PREFLIGHT;
	if (accepts_nostr(accept))
		return HTTP_NIP11;
	if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0)
		return HTTP_PAGE;
	return HTTP_NOT_FOUND;
}

const char *
http_body(enum http_kind k, const char *nip11, size_t nip11_len, size_t *len,
    const char **ctype, int *status)
{
	*status = 200;
	switch (k) {
	case HTTP_NIP11:
		*ctype = "application/nostr+json";
		*len = nip11_len;
		return nip11;
	case HTTP_PAGE:
		*ctype = "text/html; charset=utf-8";
		*len = sizeof(page) - 1;
		return page;
	case HTTP_PREFLIGHT:
		*status = 204;
		*ctype = "text/plain";
		*len = 0;
		return "";
	default:
		*status = 404;
		*ctype = "text/plain";
		*len = sizeof(not_found) - 1;
		return not_found;
	}
}
