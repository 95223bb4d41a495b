/*
 * guard.h: the open-mesh defence in the node.  It gathers the facts the
 * policy engine (core/policy.h) decides on -- trust in the author and in
 * the node an event came through (trust_store.h, through struct
 * guard_trust), their use this hour (core/quota.h), the operator's and
 * vouched people's NIP-51 mute lists, the event's proof of work, the
 * store budget and the disk -- and applies the answer: what is refused,
 * what is stored and forwarded, what is stored here but held back from
 * other nodes (policy.db, policy_db.h), and, on the loop's tick, the
 * adaptive difficulty, evictions when the store is over its budget, the
 * disk reserve, the release of held events that earned forwarding, and
 * the state `samizdat policy` and GET /api/node show.
 *
 * Who calls it: the relay for events from clients and node connections
 * (relay_event.c before the signature, relay_tx.c around store_put),
 * a full round's store side (sync_store.c), the mesh's forward hook and
 * the relay's NIP-77 answers to nodes (what is held stays here), the
 * server's timer (guard_tick) and its HTTP answers.  Thread-safe: one
 * lock inside; trust is read on the caller's own store handle before it
 * is taken.  Events the operator brings (post, import, sync with a data
 * dir) do not pass here; the budget and the disk reserve still hold
 * them (docs/threat-model.md).
 */
#ifndef SAMIZDAT_GUARD_H
#define SAMIZDAT_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "event.h"
#include "negentropy.h"
#include "policy.h"
#include "store.h"
#include "trust_store.h"

struct guard;

/*
 * The two calls of the trust API (trust_store.h) the policy reads.  The
 * node's own key is recognised by the guard itself.
 */
struct guard_trust {
	enum trust_level (*level)(struct store *, const uint8_t pubkey[32],
			    uint64_t now);
	bool		 (*corroborated)(struct store *, const uint8_t id[32],
			    uint64_t now);
};
/*
 * The trust API itself, the default: trust_level and report_corroborated
 * on the caller's store handle.  Tests pass tables of their own.
 */
extern const struct guard_trust guard_trust_api;

struct guard_opts {
	struct policy_conf pol;
	uint64_t	 store_budget;	/* bytes; 0: none */
	uint64_t	 disk_reserve;	/* bytes kept free; 0: none */
	const char	*datadir;	/* policy.db, and the disk to watch */
	uint8_t		 node_pk[32];
	const struct guard_trust *trust;	/* NULL: guard_trust_api */
	bool		 trust_loopback; /* local clients count as vouched */
};

/*
 * Opens policy.db in the data dir and loads what it holds.
 * Returns: ERR_OK, or its error (logged).
 */
enum err	guard_open(struct guard **, const struct guard_opts *);
/* Writes what is pending and closes.  NULL is a no-op. */
void		guard_close(struct guard *);

/*
 * Where an event came from: a client's address, a node that proved its
 * key (NIP-42), or a link to a node whose key is not proven (our own
 * outgoing link, a bridge: named by its URL, trusted as fresh).
 */
struct guard_src {
	enum policy_via	 via;
	uint8_t		 key[32];	/* the node's key, or a hash of the name */
	bool		 proven;	/* key is a node key that authenticated */
	bool		 local;		/* a client on this machine (loopback) */
};
void		guard_src_client(struct guard_src *, const char *addr);
void		guard_src_node(struct guard_src *, const uint8_t pubkey[32]);
void		guard_src_link(struct guard_src *, const char *url);

/*
 * The decision for one event, and what guard_stored needs to count it.
 * Filled by guard_admit; plain data.
 */
struct guard_ticket {
	struct policy_decision d;
	uint8_t		 id[32];
	uint8_t		 pubkey[32];
	uint8_t		 srckey[32];	/* the source in the event's tier */
	bool		 valid;
};

/*
 * Before the signature is checked, on an event ingest_check passed: the
 * cheap refusals (the difficulty, the quotas as they stand, mutes, an
 * evicted id, the budget, the disk).  Counts the event towards the load
 * that moves the difficulty.  detail (dsz bytes, may be NULL) gets the
 * reason's detail.  Returns: ERR_OK to go on, or the refusal.
 */
enum err	guard_check(struct guard *, struct store *,
		    const struct guard_src *, const struct event *,
		    char *detail, size_t dsz);
/*
 * After the signature, before store_put: the decision again, with the
 * counts as they are now.  Returns: ERR_OK (store and forward), ERR_HELD
 * (store here only), or the refusal; *t is filled for guard_stored.
 */
enum err	guard_admit(struct guard *, struct store *,
		    const struct guard_src *, const struct event *,
		    struct guard_ticket *t, char *detail, size_t dsz);
/*
 * store_put stored the event of t: count it, and mark it held when it
 * was held (written to policy.db by the next guard_flush).
 */
void		guard_stored(struct guard *, const struct guard_ticket *t);
/*
 * Writes the pending held marks.  The relay calls it before it commits
 * the events they belong to: a crash in between leaves a mark without
 * its event, never an event without its mark.
 */
void		guard_flush(struct guard *);

/*
 * True if ev may go to other nodes: it is not held, and neither the
 * operator nor mute_signals vouched people muted its (unvouched) key.
 */
bool		guard_forward(struct guard *, const struct event *);
/* True if the stored event id is held back from other nodes. */
bool		guard_held(struct guard *, const uint8_t id[32]);
/* True if the guard holds any event back (a NIP-77 set must be cut). */
bool		guard_holding(struct guard *);
/* Takes held events out of a NIP-77 set (*n shrinks; order kept). */
void		guard_filter_items(struct guard *, struct neg_item *items,
		    size_t *n);

/*
 * The loop's timer, on the relay's store handle with no transaction
 * open: closes the difficulty's windows, checks the disk and the budget
 * (evicting what the order allows), re-reads mute lists, releases held
 * events that earned forwarding and saves the state for other
 * processes, each at its own pace.  Released ids go to released (up to
 * max); the caller sends them on to linked nodes.
 * Returns: how many were released.
 */
size_t		guard_tick(struct guard *, struct store *, uint64_t now,
		    uint8_t (*released)[32], size_t max);
/* The difficulty asked of unvouched keys now (NIP-11 min_pow_difficulty). */
unsigned	guard_difficulty(struct guard *);
/*
 * Appends the state as a JSON object: difficulty and load, the quotas,
 * what is held and evicted, the budget, the disk, mutes, refusals.
 */
void		guard_json(struct guard *, struct buf *);

#endif
