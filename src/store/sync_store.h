/*
 * sync_store.h: the store's side of a sync (core/sync.h's struct
 * sync_local) on a SQLite store: the local set for NIP-77, local events
 * by id and by filter, and every event the relay sends through the one
 * ingest path, with the records of who holds what (store_mesh.h) when
 * the sync has a link.  Used by net/sync_ws.c for the CLI and the mesh.
 */
#ifndef SAMIZDAT_SYNC_STORE_H
#define SAMIZDAT_SYNC_STORE_H

#include <stdint.h>

#include "guard.h"
#include "ingest.h"
#include "store.h"
#include "store_neg.h"
#include "sync.h"

struct sync_store {
	struct store	*st;
	int64_t		 lid;		/* > 0: record what the link holds */
	struct ingest_ctx ictx;
	struct ingest_policy pol;	/* any past created_at; future bounded */
	struct neg_item	*items;		/* the local set, sorted */
	size_t		 nitems;
	struct store_neg *view;		/* or the NIP-77 index (store_neg.h) */
	const struct filter *f;		/* borrowed, for a guard's set */
	size_t		 max;
	struct guard	*guard;		/* NULL: the operator's own sync */
	struct guard_src src;		/* whom the guard counts it against */
	struct custody_src custody;	/* set by the caller: the relay */
};

/*
 * Opens a view of the NIP-77 index when it serves f, else reads the
 * local set of f (at most max events); fills local with the functions
 * and arg for sync_init.  sync_store_params sets the local set in sp.  Events the relay sends dated more
 * than future_limit seconds ahead (0: no bound) are refused.  Returns: ERR_OK, ERR_NEG_TOO_BIG
 * or a database error.
 */
enum err	sync_store_open(struct sync_store *, struct store *,
		    const struct filter *f, size_t max, int64_t lid,
		    uint64_t future_limit, struct sync_local *local);
void		sync_store_close(struct sync_store *);
void		sync_store_params(const struct sync_store *, struct sync_params *);
/*
 * For the mesh's rounds: what arrives is judged by the guard as coming
 * from src (a node), and what it holds back is taken out of the local
 * set and never sent (a view of the index gives way to the set read,
 * then).  Call after sync_store_open.  Returns: ERR_OK or what reading
 * the set returned.
 */
enum err	sync_store_guard(struct sync_store *, struct guard *,
		    const struct guard_src *src);

#endif
