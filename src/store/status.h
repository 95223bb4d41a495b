/*
 * status.h: where an event has got to, from the store's mesh tables:
 * stored here or not, which peers hold it, which relays accepted or
 * refused it.  As JSON (the page's GET /api/status/ID) and as text
 * (`samizdat status ID`).  Also the node's own links and uptime for the
 * page's "about this node" (GET /api/node).
 */
#ifndef SAMIZDAT_STATUS_H
#define SAMIZDAT_STATUS_H

#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"
#include "store.h"

/*
 * {"id":..,"stored":bool,"peers":[{"name","how"}],"relays":[{"url","ok",
 * "reason"}],"blobs":[...]}: blobs are the report's photos and videos
 * and where each has reached (blob_index.h, docs/blobs.md).
 */
enum err	status_json(struct store *, const uint8_t id[32], struct buf *);
/*
 * {"started":unix,"now":unix,"peers":[{"name","npub","kind","state",
 * "last_seen","last_sync"}]}: every link, most recently seen first.
 */
enum err	status_node_json(struct store *, int64_t started, struct buf *);
/* Human-readable lines; *stored tells whether the event is here. */
enum err	status_print(struct store *, const uint8_t id[32], FILE *,
		    bool *stored);

#endif
