/*
 * mesh.h: the node's links to other nodes, sticks and internet relays,
 * run inside `samizdat serve`'s loop (server.c).
 *
 *   peers    ws:// URLs from the config or found by mDNS (disc.h).  A live
 *            WebSocket carries new events both ways the moment they are
 *            stored: our side is a virtual connection of our own relay
 *            (subscription "fwd"), the peer's side a REQ "live" there.
 *            A full NIP-77 round (sync_ws.h) runs on connect and every
 *            peer_sync_interval, on a worker thread.
 *   dirs     data dirs (a mounted USB stick): synced in process
 *            (stick.h), with a time limit, whenever the store is there.
 *   bridges  internet relays: NIP-77 (or the fallback) rounds on a second
 *            worker, own reports and the newest first, with backoff.
 *
 * Everything a peer sends enters through the relay's ingest path; node
 * connections are told apart from clients by NIP-42 with node keys.
 */
#ifndef SAMIZDAT_MESH_H
#define SAMIZDAT_MESH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "relay.h"

struct guard;
struct lws_context;
struct mesh;

struct blob_opts;

struct mesh_opts {
	const char	*datadir;
	const char	*store_path;
	uint8_t		 node_sk[32];
	uint16_t	 port;		/* ours, announced */
	bool		 discovery;
	const char	(*peers)[1024];
	size_t		 npeers;
	const char	(*bridges)[1024];
	size_t		 nbridges;
	const char	*bridge_download;	/* "" fetches nothing */
	unsigned	 peer_sync_interval;
	unsigned	 bridge_interval;
	uint64_t	 future_limit;	/* syncs: seconds ahead an event may be */
	struct guard	*guard;		/* rounds' events judged by it; NULL: none */
	const struct blob_opts *blobs;	/* sticks carry blobs too; NULL: not */
};

struct wsc;

/*
 * Starts the mesh in the server's loop: its live links are connections
 * of wsc (the server context's WebSocket client) and virtual connections
 * of relay, whose hooks it installs for itself.
 * Returns: 0, or -1 (logged).
 */
int	mesh_new(struct mesh **, const struct mesh_opts *,
	    struct lws_context *, struct wsc *, struct relay *);
/* Every few hundred milliseconds: discovery, reconnects, rounds, records. */
void	mesh_tick(struct mesh *);
/* Before the context is destroyed. */
void	mesh_free(struct mesh *);

#endif
