/*
 * store_mesh.h: what the mesh remembers in the store (schema version 2):
 * the links this node syncs over (peers on the LAN, internet relays, data
 * dirs) with their state and counters, and which link is known to hold
 * which event -- received from it, or accepted (OK true) by it -- so that
 * `samizdat status ID` can say honestly where an event has got to.
 */
#ifndef SAMIZDAT_STORE_MESH_H
#define SAMIZDAT_STORE_MESH_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

enum link_kind { LINK_PEER, LINK_RELAY, LINK_DIR, LINK_BLOSSOM };
/*
 * What a link is known to have done with an event: sent it to us, taken
 * it from us (OK true), refused it, or been sent it by us (a node that
 * called us: it reads our subscription, so nothing confirms it stored it).
 */
enum seen_how { SEEN_RECEIVED = 1, SEEN_ACCEPTED = 2, SEEN_REFUSED = 3,
    SEEN_SENT = 4 };

struct link_row {
	int64_t		 lid;
	char		 name[256];
	enum link_kind	 kind;
	char		 how[16];	/* config, mdns, inbound */
	char		 npub[64];
	char		 state[32];
	int64_t		 last_seen, last_sync;
	uint64_t	 sent, received, refused;
	char		 error[256];
};

struct seen_row {
	const struct link_row *link;
	enum seen_how	 how;
	int64_t		 at;
	char		 reason[256];
};

/*
 * Finds or adds the link called name of that kind (how is kept from the
 * first time; npub is set when given).  *lid: its row.
 */
enum err	store_link_add(struct store *, const char *name, enum link_kind,
		    const char *how, const char *npub, int64_t *lid);
/* Sets a link's state and error, adds to its counters; a time of 0 keeps the old one. */
enum err	store_link_update(struct store *, int64_t lid,
		    const char *state, int64_t last_seen, int64_t last_sync,
		    uint64_t sent, uint64_t received, uint64_t refused,
		    const char *error);
/* Records that link lid holds (or refused) the stored event id. */
enum err	store_seen_put(struct store *, const uint8_t id[32], int64_t lid,
		    enum seen_how, int64_t at, const char *reason);

/* True if link lid is recorded as holding the event id. */
bool		store_seen_has(struct store *, const uint8_t id[32], int64_t lid);

typedef int	(*store_link_cb)(const struct link_row *, void *arg);
typedef int	(*store_seen_cb)(const struct seen_row *, void *arg);
/* Every link, most recently seen first. */
enum err	store_links(struct store *, store_link_cb, void *arg);
/* Whether id is stored here, then each link known to hold it. */
enum err	store_seen(struct store *, const uint8_t id[32], bool *stored,
		    store_seen_cb, void *arg);

const char	*link_kind_name(enum link_kind);
const char	*seen_how_name(enum seen_how);

#endif
