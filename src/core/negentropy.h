/*
 * negentropy.h: the Negentropy v1 set-reconciliation protocol (NIP-77),
 * both roles, byte-compatible with the reference implementation
 * (hoytech/negentropy): the same range splitting (16 buckets, id lists
 * under 32 items) and the same frame-size rule, so its messages are
 * identical -- unless an initiator sets split_leaves, which keeps id
 * lists out of its own frames.  Pure: items and messages in, messages
 * and ids out.
 *
 * Items are (created_at, id) pairs in (created_at, id) order.  The engine
 * reads them either from a sorted array the caller lends it (neg_init;
 * neg_sort sorts one), or through a storage interface (neg_init_storage):
 * the k-th item, the first item not below a bound, the sum of the ids of
 * a run, and a walk over a run -- what hoytech/negentropy's StorageBase
 * asks.  Since a fingerprint is a sum, a store that keeps sums per block
 * of items (store/store_neg.h) answers a range without reading it.
 */
#ifndef SAMIZDAT_NEGENTROPY_H
#define SAMIZDAT_NEGENTROPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define NEG_VERSION		0x61
#define NEG_FINGERPRINT		16
#define NEG_MIN_FRAME		4096

struct neg_item {
	uint64_t	 ts;		/* created_at; UINT64_MAX is reserved */
	uint8_t		 id[32];
};

/*
 * A storage: n() is the size for this message, read once at the start of
 * each neg_initiate and neg_reconcile after begin() (which may take a
 * snapshot; end() releases it, whatever happened).  Positions are 0..n.
 * each() calls fn for the items of [lo, hi) in order until it returns
 * false.  Every function returns ERR_OK or an error the engine hands back.
 */
typedef bool	(*neg_item_fn)(void *arg, const struct neg_item *);

struct neg_storage {
	enum err (*begin)(void *arg, size_t *n);
	void	(*end)(void *arg);
	enum err (*get)(void *arg, size_t i, struct neg_item *out);
	/* The first position in [lo, hi) whose item is not below key. */
	enum err (*lower_bound)(void *arg, size_t lo, size_t hi,
		    const struct neg_item *key, size_t *out);
	/* The ids of [lo, hi) summed as 256-bit little-endian integers. */
	enum err (*sum)(void *arg, size_t lo, size_t hi, uint8_t acc[32]);
	enum err (*each)(void *arg, size_t lo, size_t hi, neg_item_fn fn,
		    void *fnarg);
	/*
	 * Optional (NULL: none): a position in (lo, hi), near target, where
	 * the storage knows a key that splits the order there without a
	 * read -- every item before it sorts below key, none after -- and
	 * whose sum up to it is known too (the start of a block of an
	 * index).  A range is then split at such positions, so splitting
	 * it reads nothing.  Returns false if there is none in (lo, hi).
	 */
	bool	(*cut)(void *arg, size_t lo, size_t hi, size_t target,
		    size_t *pos, struct neg_item *key);
};

struct neg {
	const struct neg_item *items;	/* the array, or NULL with a storage */
	size_t		 n;
	const struct neg_storage *st;
	void		*st_arg;
	size_t		 frame_limit;	/* bytes of a message; 0: none */
	bool		 initiator;
	/*
	 * Set by the caller after init: as initiator, answer a differing
	 * run of 9 to 31 items with 4 fingerprints, not its ids.  Valid
	 * NIP-77 that any responder answers, but not the reference's own
	 * messages byte for byte; the id lists then travel in the
	 * responder's frames, not in ours, which a relay's message limit
	 * keeps small (core/sync.h's SYNC_NEG_FRAME).
	 */
	bool		 split_leaves;
	uint64_t	 last_in, last_out;	/* timestamp deltas, per message */
};

/* Called with each id the initiator learns it has (have) or needs. */
typedef void	(*neg_id_cb)(void *arg, const uint8_t id[32], bool have);

/* Sorts items by (ts, id) as the protocol orders them. */
void		neg_sort(struct neg_item *, size_t);
/* The order of neg_sort, as qsort(3) compares: by created_at, then id. */
int		neg_cmp(const void *, const void *);
/* The fingerprint of a run of items. */
void		neg_fingerprint(const struct neg_item *, size_t,
		    uint8_t out[NEG_FINGERPRINT]);
/* acc += id, and acc -= id, modulo 2^256 (little-endian). */
void		neg_sum_add(uint8_t acc[32], const uint8_t id[32]);
void		neg_sum_sub(uint8_t acc[32], const uint8_t id[32]);
/* The fingerprint of count ids whose sum is acc. */
void		neg_fingerprint_sum(const uint8_t acc[32], uint64_t count,
		    uint8_t out[NEG_FINGERPRINT]);
/* (ts, id) order: < 0, 0, > 0. */
int		neg_item_cmp(const struct neg_item *, const struct neg_item *);
/*
 * Sets up a session over n sorted items.  frame_limit is 0 or at least
 * NEG_MIN_FRAME.  Returns: ERR_OK or ERR_USAGE.
 */
enum err	neg_init(struct neg *, const struct neg_item *, size_t n,
		    size_t frame_limit);
/* The same over a storage; arg is passed to its functions. */
enum err	neg_init_storage(struct neg *, const struct neg_storage *,
		    void *arg, size_t frame_limit);
/* The initiator's first message, appended to out. */
enum err	neg_initiate(struct neg *, struct buf *out);
/*
 * Processes a message from the other side and appends the reply to out.
 * An initiator is done when the reply it would send is empty: *done is
 * set and out gets nothing.  A responder answers a version it does not
 * speak (0x60-0x6f) with a bare version byte.  Returns: ERR_OK, ERR_NEG
 * (malformed message: the session is over), or the storage's error.
 */
enum err	neg_reconcile(struct neg *, const uint8_t *msg, size_t len,
		    struct buf *out, neg_id_cb cb, void *arg, bool *done);

#endif
