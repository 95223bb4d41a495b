/*
 * negentropy.h: the Negentropy v1 set-reconciliation protocol (NIP-77),
 * both roles, byte-compatible with the reference implementation
 * (hoytech/negentropy): the same range splitting (16 buckets, id lists
 * under 32 items) and the same frame-size rule, so its messages are
 * identical.  Pure: items and messages in, messages and ids out.
 *
 * Items are (created_at, id) pairs, sorted with neg_sort; the engine
 * borrows the caller's array, which must not change during a session.
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

struct neg {
	const struct neg_item *items;
	size_t		 n;
	size_t		 frame_limit;	/* bytes of a message; 0: none */
	bool		 initiator;
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
/*
 * Sets up a session over n sorted items.  frame_limit is 0 or at least
 * NEG_MIN_FRAME.  Returns: ERR_OK or ERR_USAGE.
 */
enum err	neg_init(struct neg *, const struct neg_item *, size_t n,
		    size_t frame_limit);
/* The initiator's first message, appended to out. */
enum err	neg_initiate(struct neg *, struct buf *out);
/*
 * Processes a message from the other side and appends the reply to out.
 * An initiator is done when the reply it would send is empty: *done is
 * set and out gets nothing.  A responder answers a version it does not
 * speak (0x60-0x6f) with a bare version byte.  Returns: ERR_OK, or
 * ERR_NEG (malformed message: the session is over).
 */
enum err	neg_reconcile(struct neg *, const uint8_t *msg, size_t len,
		    struct buf *out, neg_id_cb cb, void *arg, bool *done);

#endif
