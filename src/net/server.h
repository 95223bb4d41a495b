/*
 * server.h: the network shell of `samizdat serve` -- one libwebsockets
 * context, one single-threaded loop.  WebSocket connections are handed to
 * the relay engine (relay.h); plain HTTP on the same port answers NIP-11
 * and serves the page at /.
 */
#ifndef SAMIZDAT_SERVER_H
#define SAMIZDAT_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "mesh.h"
#include "relay.h"
#include "store.h"

struct server_opts {
	char		 host[256];	/* "" or "0.0.0.0": every address */
	uint16_t	 port;
	size_t		 max_connections;
	size_t		 max_per_address;	/* open, per IP address */
	size_t		 max_handshakes;	/* waiting, per IP address */
	unsigned	 handshake_timeout;	/* seconds */
	size_t		 deflate_connections;	/* clients that may compress */
	unsigned	 purge_interval;	/* seconds; 0 never */
	const char	*store_path;	/* for the relay's store thread */
	const char	*nip11;		/* the NIP-11 document */
	size_t		 nip11_len;
	int		 verbose;
	const struct mesh_opts *mesh;	/* NULL: a relay alone */
};

/*
 * Serves until SIGTERM or SIGINT, then commits, answers what it can and
 * returns.  Returns: 0, or -1 if the server could not start (logged).
 */
int	server_run(const struct server_opts *, struct store *,
	    const struct relay_limits *);

#endif
