/*
 * server_http.h: the HTTP answers of server.c, built as whole responses
 * (headers and body) so the loop only has to write them.
 */
#ifndef SAMIZDAT_SERVER_HTTP_H
#define SAMIZDAT_SERVER_HTTP_H

#include <stdbool.h>
#include <stddef.h>

enum http_kind { HTTP_NIP11, HTTP_PAGE, HTTP_PREFLIGHT, HTTP_NOT_FOUND };

/* Which answer a request gets, from its method, path and Accept header. */
enum http_kind	http_route(bool options, const char *path, const char *accept);
/* The body for an answer and its content type. */
const char	*http_body(enum http_kind, const char *nip11, size_t nip11_len,
		    size_t *len, const char **ctype, int *status);

#endif
