/*
 * url.h: relay URLs the way NIP-42 compares them -- scheme, host and
 * port, with the host in lower case, IPv6 literals without brackets, the
 * default port filled in, and path, query and fragment set aside.  Pure.
 */
#ifndef SAMIZDAT_URL_H
#define SAMIZDAT_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct url {
	char		 scheme[8];	/* ws, wss, http or https */
	char		 host[256];	/* lower case, no brackets */
	uint16_t	 port;		/* the scheme's default when absent */
};

/*
 * Parses a ws://, wss://, http:// or https:// URL.
 * Returns: 0, or -1 if it is none of those or malformed.
 */
int	url_parse(const char *s, size_t n, struct url *u);
/*
 * Parses an authority as an HTTP Host header gives it ("host[:port]",
 * "[v6][:port]"), with default_port when it names none.
 * Returns: 0, or -1 if malformed.
 */
int	url_authority(const char *s, size_t n, uint16_t default_port,
	    struct url *u);
/* The port u's scheme implies: 443 for wss and https, 80 otherwise. */
uint16_t url_default_port(const struct url *u);
/* True if a and b name the same host and port. */
bool	url_same_place(const struct url *a, const struct url *b);

#endif
