/*
 * disc.h: finding other nodes on the LAN with mDNS/DNS-SD, with no
 * configuration.  Each node publishes DISC_TYPE with its npub in TXT and
 * browses for the others.  An embedded avahi-core responder (no system
 * daemon, no D-Bus) runs in a thread of its own; the daemon's loop only
 * takes results, which are hints: whoever answers must still prove the
 * npub.  Nodes on one host find each other too, over lo (127.0.0.1).
 */
#ifndef SAMIZDAT_DISC_H
#define SAMIZDAT_DISC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "disc_txt.h"

#define DISC_TYPE	"_samizdat._tcp"

struct disc;

/*
 * Publishes this node (npub, version, port; TXT also has path=/) and
 * browses for others.  wake(arg) is called from the discovery thread
 * whenever results wait; it must be safe from another thread (e.g.
 * lws_cancel_service).  Having no multicast interface yet is not an
 * error: interfaces are watched as they come and go.  npub and version
 * are copied.
 * Returns: 0, or -1 after logging why (bad npub, no responder possible,
 * e.g. "Not permitted"); the caller goes on without discovery.
 */
int	disc_start(struct disc **, const char *npub, const char *version,
	    uint16_t port, void (*wake)(void *), void *arg);
/*
 * Moves up to max waiting results into out, oldest first.  Thread-safe,
 * never waits for the discovery thread to do work.
 * Returns: how many were written.
 */
size_t	disc_take(struct disc *, struct disc_peer *out, size_t max);
/* Stops the thread, withdraws the service (goodbye packets), frees. */
void	disc_stop(struct disc *);

#endif
