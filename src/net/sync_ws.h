/*
 * sync_ws.h: `samizdat sync ws://...`: NIP-77 with a relay over
 * WebSocket (TLS for wss:// with the system's CA certificates), then
 * REQ by ids to fetch what we lack and EVENT to push what the relay
 * lacks.  A relay without NIP-77 (NOTICE, CLOSED, NEG-ERR or silence) is
 * synced the old way: REQ by time windows down, every event up.  Every
 * step has a timeout; everything received goes through the ingest path.
 */
#ifndef SAMIZDAT_SYNC_WS_H
#define SAMIZDAT_SYNC_WS_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

struct sync_report {
	uint64_t	 have, need;
	uint64_t	 down_ok, down_dup, down_bad;
	uint64_t	 up_ok, up_dup, up_bad;
	uint64_t	 bytes;		/* both ways, on the wire */
	unsigned	 rounds;
	bool		 fallback;	/* the relay did not speak NIP-77 */
};

/* What the daemon's mesh adds to a sync (NULL for the CLI's plain sync). */
struct sync_opts {
	const uint8_t	*node_sk;	/* answer AUTH challenges as this node */
	bool		 as_node;	/* ask the relay to treat us as a node */
	int64_t		 lid;		/* > 0: record who holds what (store_mesh.h) */
	const uint8_t	*own;		/* this node's pubkey: its events go up first */
	bool		 quiet;		/* no progress or messages: err gets why */
	volatile int	*cancel;	/* set from another thread: give up */
	char		 err[256];
};

/*
 * Syncs the store with the relay at url for the filter (JSON text).
 * Uploads go in priority order: the own key's events, then newest first.
 * Returns: 0, or -1 after printing (or, quiet, recording) what failed;
 * what was copied is kept.
 */
int	sync_ws(struct store *, const char *url, const char *filter_json,
	    bool up, bool down, unsigned timeout_s, struct sync_report *,
	    struct sync_opts *);

#endif
