/*
 * stick.h: syncing with another data dir -- a USB stick carried between
 * districts -- in process: both sets are reconciled with the NIP-77
 * negentropy engine, then only the missing events are copied, each way,
 * through the one ingest path (ingest_batch), so a forged event on a
 * stick is rejected and counted like any other.  The stick's store is
 * data, never code: it is opened through store_foreign.h, which refuses
 * anything but the exact store this samizdat makes before a row is read
 * or anything is written on either side, and every operation on it runs
 * against one deadline.  The local store records the dir as a link and
 * which events it now holds (store_mesh.h), as a sync with a relay does:
 * an event counts as held by the stick only once it was read back from
 * the stick after the last commit there.  Used by `samizdat sync DIR`
 * and by the mesh's worker for configured sticks.
 */
#ifndef SAMIZDAT_STICK_H
#define SAMIZDAT_STICK_H

#include <stdbool.h>
#include <stdint.h>

#include "filter.h"
#include "store.h"

/* s a stick's whole sync may take: the mesh's, and `sync DIR`'s default */
#define STICK_TIMEOUT	600

struct stick_side {
	uint64_t	 accepted, duplicate, rejected;
};

struct stick_report {
	size_t		 have, need;	/* only here, only on the stick */
	struct stick_side up, down;	/* to the stick, from it */
	uint64_t	 bytes, neg_bytes;
	unsigned	 rounds;
	double		 secs, t_check, t_read, t_neg;	/* t_check: the stick's checks */
};

struct stick_opts {
	const struct filter *filter;	/* NULL: everything */
	bool		 up, down;
	unsigned	 timeout_s;	/* the whole sync; 0: no limit */
	volatile int	*cancel;	/* set from another thread: stop */
	bool		 progress;	/* a status line on the terminal */
	uint64_t	 future_limit;	/* the copies' policy: seconds ahead an
					   event may be; 0: any */
};

/*
 * Syncs the local store (the one at local_path, open as local) with the
 * store of the data dir dir, then records the outcome in local.
 * Returns: 0, or -1 with why in err (no store there, the stick's store
 * was refused -- then nothing was read from it and neither store was
 * written --, a copy failed, the stick was removed or changed during
 * the sync, the time limit passed); what was copied before is kept.
 */
int	stick_sync(struct store *local, const char *local_path,
	    const char *dir, const struct stick_opts *, struct stick_report *,
	    char *err, size_t errsz);

#endif
