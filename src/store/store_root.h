/*
 * store_root.h: custody roots made and kept (docs/archive.md, "Time
 * witnesses").  Once a UTC day has ended, the node signs a root of its
 * custody log for it (core/custody_root.h) with the node key and stores
 * it through the one ingest path (via "node"), so that it is in the
 * node's archives, goes to peers and sticks like any event, and the
 * bridges push it to internet relays when they are online (mesh_work.c:
 * a bridge round sends what is new since its last success).  The daemon
 * calls store_root_tick from its timer; `samizdat archive root` calls the
 * same, and can make a running root of the log as it is now.
 */
#ifndef SAMIZDAT_STORE_ROOT_H
#define SAMIZDAT_STORE_ROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "custody_root.h"
#include "err.h"
#include "store.h"

/* Told each root made: the root and its event's JSON (len bytes). */
typedef void	(*store_root_cb)(void *arg, const struct custody_root *,
		    const char *json, size_t len);

/*
 * Makes the roots of the ended days not yet published by this node (the
 * newest of its roots in the store says which), CUSTODY_ROOT_DAYS at
 * most, oldest first.  A day is left out when the log had no line yet at
 * its end, or none more than the root before it covers.  cb may be NULL.
 * Returns: ERR_OK with *made, or an error (roots made until then stay).
 */
enum err	store_root_close(struct store *, const uint8_t sk[32],
		    uint64_t now, store_root_cb, void *arg, size_t *made);
/*
 * A running root: the log as it is now, for today (none when the log is
 * empty: *made false).  Returns: ERR_OK or an error.
 */
enum err	store_root_running(struct store *, const uint8_t sk[32],
		    uint64_t now, store_root_cb, void *arg, bool *made);
/*
 * For the daemon's timer: store_root_close once a day has ended since
 * *checked (the last day it closed; start with INT64_MIN), else nothing.
 * Logs what it made.
 */
void		store_root_tick(struct store *, const uint8_t sk[32],
		    uint64_t now, int64_t *checked);

#endif
