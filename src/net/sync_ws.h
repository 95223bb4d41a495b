/*
 * sync_ws.h: sync with a relay over WebSocket (TLS for wss:// with the
 * system's CA certificates): the sync engine (core/sync.h) on the
 * WebSocket client (wsc.h) and the store (store/sync_store.h), in a
 * libwebsockets context of its own, so that the CLI and the mesh's
 * worker threads run it alike.  NIP-77 first, then REQ by ids and EVENT;
 * a relay without NIP-77 is synced with REQ by time windows and EVENT.
 */
#ifndef SAMIZDAT_SYNC_WS_H
#define SAMIZDAT_SYNC_WS_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"
#include "sync.h"

struct guard;

/* What the daemon's mesh adds to a sync (NULL for the CLI's plain sync). */
struct sync_opts {
	const uint8_t	*node_sk;	/* answer AUTH challenges as this node */
	bool		 as_node;	/* ask the relay to treat us as a node */
	int64_t		 lid;		/* > 0: record who holds what (store_mesh.h) */
	const uint8_t	*own;		/* this node's pubkey: its events go up first */
	bool		 quiet;		/* no progress or messages: err gets why */
	volatile int	*cancel;	/* set from another thread: give up */
	uint64_t	 future_limit;	/* seconds ahead an event may be; 0: any */
	uint64_t	 neg_reads;	/* out: rows of the NIP-77 index read */
	struct guard	*guard;		/* the mesh's defence; NULL: none */
	bool		 peer;		/* a node of the mesh, not a relay (custody) */
	const char	*peer_npub;	/* as_node: the key expected there; NULL
					   or "": any it proves (nip42.h) */
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
