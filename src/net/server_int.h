/*
 * server_int.h: what the files of the server share.  Not for other
 * modules.  The files, and the only way their calls run:
 *
 *   server.c        the context, the loop, timers, signals, and the one
 *                   libwebsockets callback that hands each reason on (top)
 *   server_http.c   plain HTTP on the relay's port
 *   server_blob.c   Blossom on it: blobs served, uploaded, mirrored
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

#include "http.h"
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
	struct sblob	*blob;		/* a Blossom request (server_blob.c) */
};

struct admit;
struct blobsrv;

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
	int		 rx_pwr2;	/* inflate buffer, wsext_rx_pwr2 */
	struct blobsrv	*blobs;		/* NULL: no blobs */
	size_t		 peak_conns;	/* most open since memory was given back */
	int64_t		 root_day;	/* the last day custody roots closed */
	unsigned char	*tx;		/* LWS_PRE + TX_BATCH: frames to send */
};

#define TX_BATCH	(16 * 1024)	/* bytes of frames in one send */

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

/* server_blob.c: docs/blobs.md */
struct blob_srv_opts;
int	server_blob_start(struct server *, const struct blob_srv_opts *);
const struct lws_protocols *server_blob_protocol(struct server *);
void	server_blob_attach(struct server *);	/* the context is made */
void	server_blob_tick(struct server *);
void	server_blob_stop(struct server *);	/* before the context goes */
void	server_blob_free(struct server *);	/* after */
int	server_blob_request(struct server *, struct lws *, struct pss *,
	    enum http_kind, const uint8_t id[32], bool head_only);
int	server_blob_body(struct server *, struct lws *, struct pss *,
	    const void *, size_t);
int	server_blob_body_done(struct server *, struct lws *, struct pss *);
/* True if the next write is the Blossom request's (a file, a mirror). */
bool	server_blob_writing(const struct pss *);
int	server_blob_write(struct server *, struct lws *, struct pss *);
/* Frees the Blossom request's state (server_http_free calls it). */
void	server_blob_release(struct pss *);

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
 * Sets the descriptor limit to what wanted connections need (raised as
 * far as allowed, or lowered: libwebsockets sizes its tables by it) and
 * returns how many connections fit under it, keeping room for the store,
 * the mesh and the log: the server never accepts into EMFILE.
 */
size_t		admit_fd_room(size_t wanted);

#endif
