/*
 * relay.h: the NIP-01 relay engine.  It owns connections' protocol state
 * (subscriptions, rate limits, output queues), dispatches client messages,
 * runs them against the store through the one ingest path, and fans new
 * events out to live subscriptions.  It knows nothing of sockets: server.c
 * feeds it bytes by connection id and writes what it queues, and the
 * mesh's live links are connections of it too (relay_conn_set_mesh).
 *
 * Durability: EVENTs are stored in a transaction that stays open for at
 * most RELAY_COMMIT_MS (RELAY_BURST_MS during a burst), so a burst costs
 * few commits; relay_flush() commits it and only then sends their OKs and
 * delivers them to subscribers.
 */
#ifndef SAMIZDAT_RELAY_H
#define SAMIZDAT_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fq.h"
#include "ingest.h"
#include "store.h"

struct relay;
struct event;
struct guard;

struct relay_limits {
	size_t		 max_message_length;
	size_t		 max_subscriptions;
	size_t		 max_filters;
	uint64_t	 max_limit;
	uint64_t	 default_limit;
	size_t		 max_subid_length;
	unsigned	 events_per_minute;	/* 0: unlimited */
	unsigned	 node_events_per_minute; /* the same for nodes */
	size_t		 max_output_buffer;
	bool		 negentropy;		/* NIP-77 answered at all */
	size_t		 max_neg_sessions;	/* NIP-77, per connection */
	size_t		 max_sync_events;	/* NIP-77, per session */
	struct ingest_policy pol;		/* sizes, created_at window */
	uint64_t	 future_limit;		/* for nodes: seconds ahead */
};

/* What the relay asks of the transport (server.c). */
struct relay_io {
	void	*arg;
	/* The connection has queued output: ask for a writable callback. */
	void	(*want_write)(void *arg, void *cookie);
	/* From another thread: a verified event waits; run relay_flush. */
	void	(*wake)(void *arg);
	/*
	 * Optional: stop (on) or resume reading the connection's socket.
	 * A connection over its rate is slowed this way, not refused.
	 */
	void	(*pause)(void *arg, void *cookie, bool on);
};

/*
 * What another module (the mesh) wants to hear about node connections;
 * it installs these itself with relay_hooks_set.  Every hook may be NULL.
 */
struct relay_hooks {
	/* A connection authenticated (NIP-42) as a node with pubkey. */
	void	(*authed)(void *arg, uint64_t conn, const uint8_t pubkey[32],
		    const char *peer);
	/* The answer to an EVENT from a node connection. */
	void	(*seen)(void *arg, uint64_t conn, const uint8_t *pubkey,
		    const uint8_t id[32], enum err);
	/* A connection closed. */
	void	(*closed)(void *arg, uint64_t conn);
	/*
	 * Whether a stored event may go to the node connection conn;
	 * false keeps it from that link (it came from there another way).
	 */
	bool	(*forward)(void *arg, uint64_t conn, const struct event *);
	/*
	 * A stored event went out on the node connection conn (live, in
	 * answer to a REQ, or released by the guard): queued for it, its
	 * storing there not confirmed.
	 */
	void	(*sent)(void *arg, uint64_t conn, const uint8_t id[32]);
};

/* Frames are queued with this much free space in front (lws needs it). */
#define RELAY_HEADROOM	FQ_HEADROOM

enum err	relay_new(struct relay **, struct store *,
		    const struct relay_limits *, const struct relay_io *);
void		relay_free(struct relay *);
/*
 * Runs NIP-45 counts and NIP-77 id sets on a thread of their own, with a
 * read-only handle on the store at store_path, so that they do not hold
 * up the loop (needs io->wake).  Without it they run on the loop.
 */
enum err	relay_q_start(struct relay *, const char *store_path);
void		relay_hooks_set(struct relay *, const struct relay_hooks *,
		    void *arg);
/*
 * The open-mesh defence (guard.h): events from clients and nodes are
 * judged by it, what it holds back is kept from node connections' REQ
 * and NIP-77 answers.  NULL (the default) takes every valid event.
 */
void		relay_set_guard(struct relay *, struct guard *);
/*
 * Sends the stored events ids (held ones the guard released) to the
 * node connections whose subscriptions match, as if newly stored.
 */
void		relay_forward_ids(struct relay *, const uint8_t (*ids)[32],
		    size_t n);

/* A connection opened; cookie is the transport's handle.  Returns its id. */
uint64_t	relay_conn_open(struct relay *, void *cookie, const char *peer);
/*
 * The same for a connection whose transport is not the server's (the
 * mesh's live links): io->want_write(io->arg, cookie) is called for it
 * instead; io->wake is not used.
 */
uint64_t	relay_conn_open_via(struct relay *, const struct relay_io *,
		    void *cookie, const char *peer);
void		relay_conn_close(struct relay *, uint64_t id);
/*
 * Mesh: a connection that says it is a node gets a NIP-42 challenge; once
 * it has authenticated, its events skip the created_at window (clocks of
 * offline devices drift) and are not echoed back to it.  The mesh's own
 * links are set as nodes directly.
 */
void		relay_conn_challenge(struct relay *, uint64_t id);
/*
 * The same for a node that asked with a challenge of its own (nonce):
 * with the challenge goes a proof (nip42.h) that this relay holds
 * node_sk, naming the Host the connection used -- only when that Host is
 * one of the relay's own places (relay_set_places), so that nobody can
 * have us vouch for an address that is not ours.  Otherwise, or with a
 * nonce that is not one, the plain challenge.
 */
void		relay_conn_challenge_proved(struct relay *, uint64_t id,
		    const uint8_t node_sk[32], const char *nonce);
/* Tells the client why (a NOTICE with e and detail), then closes it. */
void		relay_conn_refuse(struct relay *, uint64_t id, enum err e,
		    const char *detail);
void		relay_conn_set_mesh(struct relay *, uint64_t id);
/*
 * A mesh link of our own whose far end proved it holds pubkey (the
 * called node's proof, nip42.h): counted as that node, as if it had
 * authenticated to us.
 */
void		relay_conn_set_node(struct relay *, uint64_t id,
		    const uint8_t pubkey[32]);
/*
 * NIP-42 wants the AUTH's relay tag to name this relay: the Host header
 * a connection used (relay_conn_set_host), or any of the relay's own
 * addresses and port (relay_set_places, host strings; copied).
 */
void		relay_conn_set_host(struct relay *, uint64_t id,
		    const char *host);
enum err	relay_set_places(struct relay *, const char *const *hosts,
		    size_t n, uint16_t port);
/*
 * Data of one websocket message; first/last mark its fragments.
 * Returns: false if the connection must be dropped at once.
 */
bool		relay_conn_rx(struct relay *, uint64_t id, const char *data,
		    size_t len, bool first, bool last);
/*
 * The next frame to send, or false when none.  *p has RELAY_HEADROOM bytes
 * free before it; it stays valid until the next call for this connection.
 * *close_after: drop the connection once this frame is sent.
 */
bool		relay_conn_next(struct relay *, uint64_t id, char **p,
		    size_t *len, bool *close_after);
/* Bytes queued for a connection. */
size_t		relay_conn_queued(struct relay *, uint64_t id);
/* The length of the frame relay_conn_next would give now; 0: none. */
size_t		relay_conn_next_len(struct relay *, uint64_t id);
/* Longest an OK waits for its commit, in milliseconds. */
#define RELAY_COMMIT_MS	10
/*
 * During a burst -- the last commit held RELAY_BURST events or more and
 * this transaction began within RELAY_BURST_MS of it -- it is committed
 * as soon as a turn of the loop stores nothing new (a client waiting for
 * its OKs is answered at once), and a stream that never pauses waits at
 * most RELAY_BURST_MS: a page of an index that many events touch is then
 * written to the WAL once, not once per 10 ms.  20,000 EVENTs over 10
 * connections into a store of 40,000: 20 KB written per event at 10 ms,
 * 10 KB at 50, 5 KB at 200, and 105-108 us of CPU per event at 10 ms
 * against 76-81 at 200.  One report from a phone is still answered in
 * 10 ms.
 */
#define RELAY_BURST	64
#define RELAY_BURST_MS	200

/*
 * Commits what was stored once the transaction is RELAY_COMMIT_MS old
 * (RELAY_BURST_MS in a burst),
 * sends the OKs, then delivers the new events to matching subscriptions,
 * goes on with connections that were slowed once their rate allows, and
 * streams the stored answers of REQs as their readers catch up.
 * Cheap when nothing is pending: call after every turn of the loop.
 * Returns: milliseconds until it has something to do again (a commit, a
 * slowed connection's next message, 0 for more streaming), or -1 if
 * nothing is pending.
 */
int		relay_flush(struct relay *);
/*
 * Streams the next pages of stored answers to connections whose queues
 * drained (relay_flush does this).  Returns: true if the turn's budget ran
 * out with more to send: call again soon.
 */
bool		relay_refill(struct relay *);
/*
 * The same, and also looks for events another process (an import, a
 * post) stored.  Call from a timer.
 */
void		relay_poll(struct relay *);
/* Before shutting down: stores what is being verified, commits, answers. */
void		relay_stop(struct relay *);
/* Bytes queued for all connections. */
size_t		relay_queued_total(const struct relay *);
/* Connections open now. */
size_t		relay_conn_count(const struct relay *);

#endif
