/*
 * wsc.h: the WebSocket client -- every connection samizdat makes to
 * another relay goes through it: `samizdat sync ws://`, the mesh's live
 * links, its NIP-77 rounds and the bridges to internet relays.
 *
 * One struct wsc holds the client connections of one libwebsockets
 * context (the server's, or a context of a sync's own thread).  It
 * connects (ws:// or wss://), queues what the owner sends (capped),
 * puts fragments back together (capped), keeps idle links alive with
 * pings and drops silent ones, answers a relay's NIP-42 challenge as
 * this node when given the node key, and hands the owner each message
 * parsed (message.h).  Connections are known by id: libwebsockets holds
 * only the id, so a late callback for a closed connection finds nothing.
 * All calls are from the context's thread.
 */
#ifndef SAMIZDAT_WSC_H
#define SAMIZDAT_WSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "message.h"

struct lws_context;
struct lws_protocols;
struct wsc;

/* What the owner of a connection hears.  Every hook may be NULL. */
struct wsc_ops {
	/* The WebSocket is open. */
	void	(*up)(void *arg, uint64_t id);
	/*
	 * One whole message: parsed (e is msg_parse's answer, m valid
	 * until the hook returns) and its length on the wire.  NIP-42
	 * challenges and the OK to our AUTH are handled here, not passed on.
	 */
	void	(*rx)(void *arg, uint64_t id, enum err e, const struct msg *m,
		    size_t len);
	/* The queue ran empty and the socket takes more: send if you have. */
	void	(*writable)(void *arg, uint64_t id);
	/* The connection is over (why says how); id is gone after this. */
	void	(*down)(void *arg, uint64_t id, const char *why);
	/*
	 * As a node (as_node): the relay proved, before anything else it
	 * sent, that it holds pubkey (nip42.h); or NULL.  Not called when
	 * it gave no proof or a bad one.
	 */
	void	(*node)(void *arg, uint64_t id, const uint8_t pubkey[32]);
};

struct wsc_opts {
	const char	*url;		/* ws:// or wss:// */
	bool		 as_node;	/* ask to be a node: ?samizdat-node,
					   and for the relay's proof */
	const uint8_t	*node_sk;	/* answer AUTH as this node; or NULL */
	size_t		 max_message;	/* bytes of one incoming message */
	size_t		 max_queue;	/* bytes waiting to be sent; 0: none */
	unsigned	 ping_s;	/* idle: ping after; 0: lws default */
	unsigned	 hangup_s;	/* silent this long: dropped */
};

/* A client set for a context not made yet.  Returns: ERR_OK or ERR_NOMEM. */
enum err	wsc_new(struct wsc **);
/*
 * The protocol to list in the context's creation info, before the
 * context is made; then wsc_attach.
 */
const struct lws_protocols *wsc_protocol(struct wsc *);
void		wsc_attach(struct wsc *, struct lws_context *);
/* After the context is destroyed (which closed every connection). */
void		wsc_free(struct wsc *);

/*
 * Starts a connection; ops and arg are its owner's.
 * Returns: its id, or 0 with why in err (not a ws:// URL, cannot
 * connect); ops->down is not called then.
 */
uint64_t	wsc_connect(struct wsc *, const struct wsc_opts *,
		    const struct wsc_ops *, void *arg, char *err, size_t errsz);
/*
 * Queues one message.  Returns: false when the connection is gone or
 * the queue is full (the owner decides: wait for writable, or close).
 */
bool		wsc_send(struct wsc *, uint64_t id, const char *p, size_t len);
/* Bytes queued for a connection. */
size_t		wsc_queued(struct wsc *, uint64_t id);
/* Asks for a writable callback (the owner has more to send). */
void		wsc_want_write(struct wsc *, uint64_t id);
/*
 * The TCP payload bytes sent (acknowledged) and received on the
 * connection so far: what crossed the wire, WebSocket framing and
 * compression included.  Returns: false if the system cannot say.
 */
bool		wsc_wire(struct wsc *, uint64_t id, uint64_t *sent,
		    uint64_t *rcvd);
/* Stops (on) or resumes reading what the relay sends. */
void		wsc_rx_pause(struct wsc *, uint64_t id, bool on);
/* Closes a connection; its down hook is not called. */
void		wsc_close(struct wsc *, uint64_t id);

/*
 * Backoff for reconnecting: the next wait after cur seconds (0 at
 * first), doubling from min up to max.
 */
unsigned	wsc_backoff(unsigned cur, unsigned min, unsigned max);

#endif
