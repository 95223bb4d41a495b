/*
 * server_int.h: what the files of the server share.  Not for other
 * modules.  The files, and the only way their calls run:
 *
 *   server.c        the context, the loop, timers, signals, and the one
 *                   libwebsockets callback that hands each reason on (top)
 *   server_http.c   plain HTTP on the relay's port
 *   server_admit.c  which connections are let in: per-address caps,
 *                   handshakes in progress, descriptors        (bottom)
 */
#ifndef SAMIZDAT_SERVER_INT_H
#define SAMIZDAT_SERVER_INT_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <libwebsockets.h>

#include "relay.h"
#include "server.h"

/* Per connection, as libwebsockets allocates it for our protocol. */
struct pss {
	uint64_t	 id;		/* relay connection, 0 for HTTP */
	char		*body;		/* HTTP response being written */
	size_t		 len, off;
	bool		 owned;		/* body is malloc'd */
	bool		 deflate;	/* counted in ndeflate */
	char		 peer[64];	/* for the log after the socket closed */
};

struct admit;

struct server {
	const struct server_opts *o;
	struct lws_context *ctx;
	struct relay	*relay;
	struct store	*store;
	lws_sorted_usec_list_t poll_sul;
	lws_sorted_usec_list_t commit_sul;
	struct mesh	*mesh;
	struct wsc	*wsc;		/* client connections: the mesh's */
	struct admit	*admit;
	time_t		 last_purge;
	time_t		 started;	/* for GET /api/node */
	size_t		 ndeflate;	/* client connections compressing */
	size_t		 max_conns;	/* max_connections, under the fd limit */
	size_t		 peak_conns;	/* most open since memory was given back */
};

/* server_http.c */
int	server_http_request(struct server *, struct lws *, struct pss *,
	    const char *path);
int	server_http_write(struct server *, struct lws *, struct pss *);
void	server_http_free(struct pss *);
/*
 * Answers a request with status and a plain-text reason, then closes:
 * for connections admit_over refused.  Returns: what the callback returns.
 */
int	server_http_refuse(struct lws *, unsigned status, const char *why);

/* server_admit.c */
enum admit_verdict {
	ADMIT_OK,		/* let in */
	ADMIT_OVER,		/* let in to be told why not (503) */
	ADMIT_DROP		/* closed at once: half-open flood, no room */
};

enum err	admit_new(struct admit **, size_t max_conns, size_t per_addr,
		    size_t handshakes_per_addr);
void		admit_free(struct admit *);
/* A TCP connection was accepted from addr: let it in? */
enum admit_verdict admit_accept(struct admit *, const struct sockaddr *,
		    socklen_t);
/* Its wsi was made (after admit_accept let it in). */
void		admit_bind(struct admit *, struct lws *wsi);
/* Its first request came: no longer a handshake in progress. */
void		admit_started(struct admit *, struct lws *wsi);
/* True if it was let in only to be refused; why says so. */
bool		admit_over(struct admit *, struct lws *wsi, char *why,
		    size_t whysz);
/* It is gone. */
void		admit_release(struct admit *, struct lws *wsi);
/* Connections open now. */
size_t		admit_count(const struct admit *);
/*
 * Raises the descriptor limit as far as allowed and returns how many
 * connections fit under it, keeping room for the store, the mesh and
 * the log: the server never accepts into EMFILE.
 */
size_t		admit_fd_room(size_t wanted);

#endif
