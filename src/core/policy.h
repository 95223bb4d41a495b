/*
 * policy.h: the open-mesh defence's rules, as a pure engine in the shape
 * of strfry's write-policy plugins: it is handed the facts about one
 * event -- how far the node trusts its key and the node it came through,
 * the key's and the source's use this hour, its proof of work, whether
 * the operator or vouched people muted it, the store's and the disk's
 * state -- and answers accept, hold (store here, do not forward) or
 * refuse, with the NIP-01 reason.  It also keeps the adaptive proof of
 * work: the difficulty asked of unvouched keys rises under load and
 * falls when calm.  No store, no clock, no locks: store/guard.c gathers
 * the facts, keeps the counters (quota.h) and applies the answer; the
 * unit tests drive it with made-up facts.  docs/threat-model.md says why
 * each rule is there.
 */
#ifndef SAMIZDAT_POLICY_H
#define SAMIZDAT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "quota.h"

/*
 * How far the node trusts a key, weakest first (the order of
 * store/trust_store.h's enum trust_level, which the guard maps from).
 */
enum policy_trust {
	POLICY_FRESH,		/* nobody vouched for it; new here */
	POLICY_HISTORY,		/* nobody vouched for it; seen for a day */
	POLICY_HOP2,		/* vouched for by someone the operator vouched for */
	POLICY_HOP1,		/* vouched for by the operator */
	POLICY_OWN		/* the node's own key */
};

#define POLICY_VOUCHED(t)	((t) >= POLICY_HOP2)

/*
 * The configuration (samizdat.conf keys of the same names; a quota or a
 * share of 0 is no limit):
 *   quota_events, quota_bytes  what an unvouched key may store an hour,
 *                  before proof of work and trust multiply it
 *   forward_events of those, how many go on to other nodes; the rest
 *                  are held here until they earn it
 *   source_events, source_forward  the same per source (a client's
 *                  address, or an unvouched node), per proof-of-work tier
 *   pow_min, pow_max  the difficulty asked of unvouched keys when calm,
 *                  and the most it rises to under load
 *   load_events    unvouched events a minute the node takes calmly;
 *                  more raise the difficulty
 *   mute_signals   mute lists of vouched people naming a key, after
 *                  which its events are no longer forwarded
 */
struct policy_conf {
	uint64_t	 quota_events;
	uint64_t	 quota_bytes;
	uint64_t	 forward_events;
	uint64_t	 source_events;
	uint64_t	 source_forward;
	unsigned	 pow_min;
	unsigned	 pow_max;
	uint64_t	 load_events;	/* the key pow_load */
	unsigned	 mute_signals;
};

/*
 * Proof-of-work tiers: an event whose committed difficulty (nip13.h)
 * reaches a tier's bits counts as 1/mult of an event against its key's
 * quota, and sources are counted per tier with mult times the room, so
 * a cheap flood from one address never uses up the room of those who
 * mined.  The table is docs/threat-model.md's.
 */
#define POLICY_TIERS	6
struct policy_tier {
	unsigned	 bits;		/* at least this difficulty */
	unsigned	 mult;		/* lifts the quotas this many times */
};
extern const struct policy_tier policy_tiers[POLICY_TIERS];

/* Returns: the tier (0..POLICY_TIERS-1) of a committed difficulty. */
unsigned	policy_tier_of(unsigned bits);
/* Returns: how many times trust t multiplies an unvouched key's quotas. */
unsigned	policy_trust_mult(enum policy_trust t);

/* Where an event comes from. */
enum policy_via {
	POLICY_VIA_CLIENT,	/* a client connection (a phone, an app) */
	POLICY_VIA_NODE,	/* a node: a live link or a full round */
	POLICY_VIA_LOCAL	/* the operator's hand: post, import, a stick */
};

/*
 * The facts about one event:
 *   author         trust in its key
 *   via, source    where it came from, and for POLICY_VIA_NODE trust in
 *                  that node's key (FRESH when it proved none)
 *   muted          the operator muted the author
 *   mute_signals   vouched people whose mute lists name the author
 *   pow            its committed difficulty (nip13_committed)
 *   size           bytes of its JSON
 *   key            the author's use this hour (quota.h)
 *   src            the source's use this hour in the event's tier
 *   disk_low       the disk is nearly full: nothing more is taken
 *   store_full     the store is at its budget with nothing left to evict
 *   hold_full      the node holds back as many events as it may: what
 *                  would be held is refused instead (ERR_STORE_FULL)
 */
struct policy_facts {
	enum policy_trust author;
	enum policy_via	 via;
	enum policy_trust source;
	bool		 muted;
	unsigned	 mute_signals;
	unsigned	 pow;
	size_t		 size;
	struct quota_use key;
	struct quota_use src;
	bool		 disk_low;
	bool		 store_full;
	bool		 hold_full;
};

enum policy_verdict {
	POLICY_ACCEPT,		/* store and forward */
	POLICY_HOLD,		/* store here only, until it earns forwarding */
	POLICY_REFUSE		/* answer e */
};

/*
 * The answer:
 *   verdict        what to do
 *   e              ERR_OK, ERR_HELD, or the refusal (ERR_POW, ERR_QUOTA,
 *                  ERR_QUOTA_SOURCE, ERR_MUTED, ERR_STORE_FULL,
 *                  ERR_DISK_LOW)
 *   detail         the reason's detail for err_reason_detail ("" none),
 *                  such as "difficulty 16 needed, yours is 8"
 *   counted        whether the event counts against the quotas
 *                  (unvouched keys only); key_use and src_use is what
 *                  to add once it is stored
 */
struct policy_decision {
	enum policy_verdict verdict;
	enum err	 e;
	char		 detail[160];
	bool		 counted;
	struct quota_use key_use;
	struct quota_use src_use;
};

/*
 * Decides for the facts f, difficulty being what the node asks of
 * unvouched keys now (policy_pow_now).  Writes *d.
 */
void		policy_decide(const struct policy_conf *, unsigned difficulty,
		    const struct policy_facts *f, struct policy_decision *d);

/*
 * The adaptive difficulty: unvouched events are counted as they come
 * (policy_pow_note) in windows of POLICY_POW_WINDOW seconds; a window
 * with more than load_events / 60 * POLICY_POW_WINDOW of them raises the
 * difficulty one step (0, 8, 12, 16, 20, 24 ... up to pow_max), and
 * POLICY_POW_CALM windows in a row with under half that lower it one
 * step (down to pow_min).  Refused events count: a flood that is
 * refused is still a flood.
 */
#define POLICY_POW_WINDOW	10	/* seconds */
#define POLICY_POW_CALM		6	/* calm windows before a step down */

struct policy_pow {
	unsigned	 difficulty;
	uint64_t	 window;	/* start of the current window */
	uint64_t	 count;		/* unvouched events in it */
	uint64_t	 last_count;	/* in the last closed window */
	unsigned	 calm;		/* calm windows in a row */
	uint64_t	 changed;	/* when difficulty last changed */
};

void		policy_pow_init(struct policy_pow *, const struct policy_conf *,
		    uint64_t now);
/* One more unvouched event at now. */
void		policy_pow_note(struct policy_pow *, const struct policy_conf *,
		    uint64_t now);
/*
 * Closes the windows that ended by now and moves the difficulty.
 * Returns: the difficulty asked now.
 */
unsigned	policy_pow_now(struct policy_pow *, const struct policy_conf *,
		    uint64_t now);

#endif
