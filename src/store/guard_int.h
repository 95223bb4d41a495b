/*
 * guard_int.h: what the files of the guard share.  Not for other
 * modules.  The files, and the only way their calls run:
 *
 *   guard_tick.c   the timer: difficulty, disk, budget and eviction,
 *                  releases, mute lists, the saved state       (top)
 *   guard.c        decisions, counts, holds, forwarding
 */
#ifndef SAMIZDAT_GUARD_INT_H
#define SAMIZDAT_GUARD_INT_H

#include <pthread.h>

#include "guard.h"
#include "idset.h"
#include "policy_db.h"
#include "quota.h"

/* Bounds on what a stranger can make the guard remember. */
#define GUARD_MAX_KEYS		16384	/* keys counted at once */
#define GUARD_MAX_SOURCES	16384	/* sources x tiers counted at once */
#define GUARD_MAX_HELD		262144	/* events held back */
#define GUARD_MAX_EVICTED	262144	/* evicted ids remembered */
#define GUARD_MAX_MUTED		65536	/* keys in the mute sets */

/* A held mark not yet written to policy.db. */
struct guard_pend {
	uint8_t		 id[32], pk[32];
	uint64_t	 at;
};

/* What happened since the node started, for the state. */
struct guard_counts {
	uint64_t	 accepted, held, released, evicted;
	uint64_t	 pow, quota, source, muted, evicted_again, full, disk;
};

struct guard {
	pthread_mutex_t	 mu;		/* everything below */
	struct guard_opts o;
	struct guard_trust trust;
	struct policy_db *db;
	struct policy_pow pow;
	struct quota	 keys;		/* by author */
	struct quota	 srcs;		/* by source and tier (src_key) */
	struct idset	 held;		/* id -> since when */
	struct idset	 evicted;	/* id */
	struct idset	 muted;		/* pubkeys the operator muted */
	struct idset	 signals;	/* unvouched pubkey -> vouched mutes */
	struct guard_pend *pend;
	size_t		 npend, pendcap;
	struct guard_counts n;
	/* the timer's (guard_tick.c) */
	bool		 disk_low, store_full;
	bool		 evicting;	/* over the budget, not yet at 95 % */
	uint64_t	 disk_avail, disk_total;
	uint64_t	 used;		/* events.db and policy.db, bytes */
	unsigned	 difficulty;	/* as last logged */
	uint64_t	 next_disk, next_budget, next_mutes, next_release,
			 next_state;
	struct store_oldpos cursor;	/* eviction's oldest-first scan */
	uint8_t		 release_after[32];
};

/* guard.c */
enum policy_trust guard_trust_of(struct guard *, struct store *,
		    const uint8_t pubkey[32], uint64_t now);

#endif
