/*
 * quota.h: how much a key or a source has used in the last hour -- the
 * usage counters policy.c weighs.  A table keyed by 32 bytes (a pubkey,
 * or a hash that names a source and a tier), counted in fixed hourly
 * windows and read as a sliding hour: this hour's use plus the part of
 * the last hour's that the sliding window still covers.  Bounded: at
 * most max keys; when full, keys idle for two hours go first, then the
 * least recently used half.  A key forgotten that way starts from zero,
 * which is the one way to get more than a quota, and needs a table's
 * worth of other keys that each stored something.  Pure: the caller
 * passes the time and owns the table; not thread-safe.
 */
#ifndef SAMIZDAT_QUOTA_H
#define SAMIZDAT_QUOTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define QUOTA_WINDOW	3600	/* seconds: the quotas are per hour */
#define QUOTA_UNIT	256	/* an event without proof of work costs this */

/*
 * Use in one window, or as read over the sliding hour:
 *   units  events stored (or held), each weighed by its cost in
 *          1/QUOTA_UNIT of an event (proof of work makes it cheaper)
 *   fwd    of those units, the ones forwarded to other nodes
 *   bytes  bytes of JSON stored, weighed the same way
 */
struct quota_use {
	uint64_t	 units;
	uint64_t	 fwd;
	uint64_t	 bytes;
};

struct quota_slot;

struct quota {
	struct quota_slot *slots;
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 n;		/* keys held */
	size_t		 max;		/* most keys held at once */
	uint64_t	 forgotten;	/* keys dropped while still in use */
};

/* An empty table that will hold at most max keys (at least 16). */
void	quota_init(struct quota *, size_t max);
void	quota_free(struct quota *);
/* What key used in the sliding hour ending at now (zeros if nothing). */
void	quota_get(const struct quota *, const uint8_t key[32], uint64_t now,
	    struct quota_use *);
/*
 * Adds use to key's count at now.  Returns: ERR_OK, or ERR_NOMEM (the
 * count is then lost: the event is let through uncounted, never refused
 * for the table's sake).
 */
enum err quota_add(struct quota *, const uint8_t key[32], uint64_t now,
	    const struct quota_use *);

#endif
