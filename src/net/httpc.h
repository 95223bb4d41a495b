/*
 * httpc.h: the HTTP client -- every plain HTTP request samizdat makes
 * goes through it: blobs fetched from peers (Blossom GET on their relay
 * port), PUT /mirror's fetch, and uploads to Blossom bridges (PUT
 * /upload with the body streamed from a file).  Like wsc.h for
 * WebSockets: one struct httpc holds the requests of one libwebsockets
 * context (the server's, or a worker thread's own); requests are known
 * by id, libwebsockets holds only the id; all calls are from the
 * context's thread.  Redirects are never followed (what is fetched is
 * named by its hash, and a redirect could lead anywhere); every request
 * has a deadline (httpc_tick) and a cap on what it takes in.
 */
#ifndef SAMIZDAT_HTTPC_H
#define SAMIZDAT_HTTPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct lws_context;
struct lws_protocols;
struct httpc;

struct httpc_req {
	const char	*method;	/* "GET" or "PUT" */
	const char	*url;		/* http:// or https:// */
	const char	*auth;		/* an Authorization value, or NULL */
	const char	*range;		/* a Range value, or NULL */
	const char	*sha256;	/* X-SHA-256 (hex), or NULL */
	int		 body_fd;	/* PUT: the body is read from it */
	uint64_t	 body_len;
	const char	*body_type;	/* its Content-Type, or NULL */
	unsigned	 timeout_s;	/* the whole request; 0: 60 */
};

/* What the owner of a request hears.  Every hook may be NULL. */
struct httpc_ops {
	/*
	 * The status and headers are in: the Content-Length (UINT64_MAX if
	 * none) and X-Reason ("" if none).  Non-zero stops the request
	 * (done then says "stopped").
	 */
	int	(*head)(void *arg, uint64_t id, unsigned status,
		    uint64_t length, const char *reason);
	/* Bytes of the body; non-zero stops. */
	int	(*body)(void *arg, uint64_t id, const void *p, size_t n);
	/*
	 * Over: why is NULL when the whole answer came (status is its
	 * status), else what went wrong (cannot connect, timed out, ...).
	 * id is gone after this.
	 */
	void	(*done)(void *arg, uint64_t id, unsigned status,
		    const char *why);
};

enum err	httpc_new(struct httpc **);
/* The protocol for the context's creation info; then httpc_attach. */
const struct lws_protocols *httpc_protocol(struct httpc *);
void		httpc_attach(struct httpc *, struct lws_context *);
/* After the context is destroyed. */
void		httpc_free(struct httpc *);
/*
 * Starts a request.  Returns: its id, or 0 with why in err (not an
 * http(s) URL, cannot connect); done is not called then.
 */
uint64_t	httpc_start(struct httpc *, const struct httpc_req *,
		    const struct httpc_ops *, void *arg, char *err,
		    size_t errsz);
/* Stops a request; its done hook is not called. */
void		httpc_cancel(struct httpc *, uint64_t id);
/* Ends the requests past their deadline (done: "timed out"). */
void		httpc_tick(struct httpc *);
/* Requests in progress. */
size_t		httpc_count(const struct httpc *);

#endif
