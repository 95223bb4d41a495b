/*
 * idset.h: a set of 32-byte ids or keys, each with a 64-bit value, for
 * the flood defence's in-memory indexes: events held back, events
 * evicted, keys muted and how many vouched people muted them.  Open
 * addressing, linear probing, deletion by backward shift (no
 * tombstones), never more than half full; bounded by max members.
 * Pure; the caller owns it and locks it.
 */
#ifndef SAMIZDAT_IDSET_H
#define SAMIZDAT_IDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct idset_slot;

struct idset {
	struct idset_slot *slots;
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 n;
	size_t		 max;
};

void	idset_init(struct idset *, size_t max);
void	idset_free(struct idset *);
/* Forgets every member, keeping max. */
void	idset_clear(struct idset *);
/* Returns: true if id is a member; *v (may be NULL) gets its value. */
bool	idset_get(const struct idset *, const uint8_t id[32], uint64_t *v);
/*
 * Adds id with value v, or sets the value of a member.
 * Returns: ERR_OK, ERR_NOMEM, or ERR_STORE_FULL when max members are
 * there already (nothing changes).
 */
enum err idset_put(struct idset *, const uint8_t id[32], uint64_t v);
/* Removes id.  Returns: true if it was a member. */
bool	idset_del(struct idset *, const uint8_t id[32]);
/*
 * Walks the members from slot pos on, calling fn for each; fn returns
 * non-zero to stop after that member.  Members must not be added or
 * removed during the walk.  Returns: the slot to start the next walk
 * from, 0 when this one reached the end.
 */
size_t	idset_walk(const struct idset *, size_t pos,
	    int (*fn)(const uint8_t id[32], uint64_t v, void *), void *arg);

#endif
