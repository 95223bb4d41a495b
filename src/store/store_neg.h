/*
 * store_neg.h: the store's NIP-77 index and the negentropy storage on it
 * (core/negentropy.h's struct neg_storage), so that a sync reads what
 * differs and not the whole store.
 *
 * Every stored event, in (created_at, id) order, falls in one block of
 * consecutive events; the negidx table keeps, per block, its first key,
 * its count and the sum of its ids modulo 2^256.  store_negidx.c keeps it
 * up to date in each event's own transaction (stored, replaced, deleted,
 * expired).  A fingerprint of a range is then a difference of two
 * prefix sums, each a walk over the block rows plus the events of one
 * block; a range's k-th item is one block's events away.
 *
 * A view serves the filters that are a time window of the whole store:
 * {} and any mix of since, until and limit (NIP-77 ignores limit).  It
 * counts every stored event, also those past their NIP-40 expiration
 * that the purge has not removed yet.  Other filters take store_ids.
 */
#ifndef SAMIZDAT_STORE_NEG_H
#define SAMIZDAT_STORE_NEG_H

#include <stdbool.h>
#include <stdint.h>

#include "filter.h"
#include "negentropy.h"
#include "store.h"

struct store_neg;

/* The storage functions; the arg is a struct store_neg. */
extern const struct neg_storage store_neg_storage;

/*
 * True if a view of s can serve f: f is a time window and s has the
 * index (a store of an older schema opened read-only has none) and is
 * this node's own (a store from elsewhere is read into memory, bounded:
 * its index is not trusted).
 */
bool		store_neg_serves(const struct store *, const struct filter *);
/*
 * A view of s for f (store_neg_serves must hold); it reads the store
 * afresh at each message, in one read transaction per message unless s
 * is in a transaction already.  Returns: ERR_OK or ERR_NOMEM.
 */
enum err	store_neg_open(struct store *, const struct filter *,
		    struct store_neg **);
void		store_neg_close(struct store_neg *);
/* Rows read from the events table and from negidx by this view so far. */
uint64_t	store_neg_reads(const struct store_neg *);
/*
 * Compares every block of the index with the events it covers.
 * Returns: ERR_OK, ERR_DB_CORRUPT (and logs the first difference) or a
 * database error.
 */
enum err	store_neg_check(struct store *);

#endif
