/*
 * trust.h: the trust engine, pure.  Keys are opaque 64-bit numbers (the
 * store's author ids); vouches and marks come in as data, and out come how
 * far each key is trusted and what a report's witnesses add up to.  The
 * rule is docs/witness.md, and this file is its only implementation:
 *
 *   trust graph  roots (the node's key, the reader's) are hop 0; a key a
 *                key at hop h vouched for is at hop h + 1, the lowest such
 *                h winning; nothing past hop 2 counts, and at most
 *                TRUST_MAX_FANOUT vouches of one key are followed.
 *   levels       own (hop 0), hop 1, hop 2; otherwise history (first seen
 *                by this node TRUST_HISTORY_AGE or more before now) or
 *                fresh.
 *   tally        one mark per key, the newest (ties: the lowest id);
 *                retracted marks and the report's author's own are not
 *                counted; each side's weight in quarters of a witness:
 *                own and hop 1 count 4, hop 2 count 2, history 1 (at most
 *                4 for all keys with history together), fresh 0.
 *   state        corroborated: confirmations weigh 3 witnesses or more and
 *                at least three times the disputes; disputed: the same
 *                the other way; contested: both sides weigh a witness or
 *                more; unverified: anything else.
 *
 * Who calls: store/trust_store.c, which gathers the data from its index.
 */
#ifndef SAMIZDAT_TRUST_H
#define SAMIZDAT_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "witness.h"

#define TRUST_MAX_HOPS		2
#define TRUST_MAX_FANOUT	1000
#define TRUST_HISTORY_AGE	86400	/* seconds: a day */
#define TRUST_HOUR		3600
/* Weights, in quarters of a witness. */
#define TRUST_W_VOUCHED		4	/* own and hop 1 */
#define TRUST_W_HOP2		2
#define TRUST_W_HISTORY		1
#define TRUST_W_HISTORY_MAX	4	/* all keys with history, one side */
#define TRUST_W_THRESHOLD	12	/* three witnesses */
#define TRUST_W_PRESENT		4	/* one witness */

/*
 * How far a key is trusted, strongest last, so that comparisons work
 * (level >= TRUST_HOP2 means vouched for).
 */
enum trust_level {
	TRUST_FRESH = 0,	/* not vouched for, first seen < a day ago */
	TRUST_HISTORY,		/* not vouched for, first seen >= a day ago */
	TRUST_HOP2,		/* vouched for by a key at hop 1 */
	TRUST_HOP1,		/* vouched for by a root */
	TRUST_OWN		/* a root: the node's key (or the reader's) */
};

enum trust_state {
	TRUST_UNVERIFIED = 0,
	TRUST_CORROBORATED,
	TRUST_DISPUTED,
	TRUST_CONTESTED
};

/* --- the graph ------------------------------------------------------------ */

struct trust_node {
	int64_t		 key;
	int64_t		 via;		/* who vouched (hop >= 1), else -1 */
	uint32_t	 nout;		/* vouches followed from this key */
	uint8_t		 hop;
	bool		 used;
};

/* An open-addressing table of the keys within reach. */
struct trust_graph {
	struct trust_node *v;
	size_t		 cap, n;
	bool		 err;		/* sticky: out of memory */
};

void		trust_graph_init(struct trust_graph *);
void		trust_graph_free(struct trust_graph *);
void		trust_graph_reset(struct trust_graph *);
/* dst becomes a copy of src (dst's old table freed).  Returns: false on ENOMEM. */
bool		trust_graph_copy(struct trust_graph *dst,
		    const struct trust_graph *src);
/* Adds a root (hop 0). */
void		trust_graph_root(struct trust_graph *, int64_t key);
/*
 * A vouch from -> to.  Counts only when from is already in the graph below
 * TRUST_MAX_HOPS and has fewer than TRUST_MAX_FANOUT vouches followed;
 * self-vouches never count.  Add the roots' vouches before those of hop 1
 * keys.  Returns: true if to is now in the graph through this vouch.
 */
bool		trust_graph_vouch(struct trust_graph *, int64_t from,
		    int64_t to);
/* True and *hop, *via (may be NULL) if key is within reach. */
bool		trust_graph_hop(const struct trust_graph *, int64_t key,
		    unsigned *hop, int64_t *via);
/* Calls f for every key at hop (in no order); f returns non-zero to stop. */
void		trust_graph_each(const struct trust_graph *, unsigned hop,
		    int (*f)(int64_t key, void *), void *arg);

/* The level of key: its hop when in g (g may be NULL), else by first_seen
 * (0: never seen) against now. */
enum trust_level trust_classify(const struct trust_graph *, int64_t key,
		    uint64_t first_seen, uint64_t now);

/* --- the tally ------------------------------------------------------------ */

struct trust_mark {
	int64_t		 key;		/* who marked */
	uint8_t		 id[32];	/* the label event, for ties */
	uint64_t	 created_at;
	enum witness_label label;	/* confirm, dispute or retract */
	enum trust_level level;
	uint64_t	 first_seen;	/* when this node first saw key; 0: unknown */
	int64_t		 ref;		/* the caller's, carried along */
	bool		 counted;	/* out: this mark is in the tally */
};

struct trust_side {
	unsigned	 keys;		/* distinct keys counted */
	unsigned	 own, hop1, hop2, history, fresh;
	unsigned	 fresh_hour;	/* fresh keys first seen in the last hour */
	unsigned	 weight;	/* quarters of a witness */
};

struct trust_tally {
	struct trust_side confirm, dispute;
	unsigned	 retracted;	/* keys whose newest mark is a retract */
	unsigned	 self;		/* the author's own marks, not counted */
	enum trust_state state;
};

/*
 * Counts marks[0..n) on one report whose author is author (-1 if not
 * known).  Sorts marks in place (by key, newest first) and sets each one's
 * counted.  now is for fresh_hour.
 */
void		trust_tally(struct trust_mark *marks, size_t n, int64_t author,
		    uint64_t now, struct trust_tally *out);
/* The state for two weights (quarters), by the rule above. */
enum trust_state trust_state_of(unsigned confirm, unsigned dispute);

const char	*trust_level_name(enum trust_level);
const char	*trust_state_name(enum trust_state);

#endif
