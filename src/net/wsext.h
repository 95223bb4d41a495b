/*
 * wsext.h: the WebSocket extensions samizdat speaks -- permessage-deflate
 * (RFC 7692), offered by every client connection and accepted by the
 * server, as strfry and the ws package that nostr-tools uses do.  On
 * congested Wi-Fi or a phone's hotspot, bytes are the cost: event JSON
 * and hex ids compress well.
 *
 * Memory: zlib's state is made on a connection's first compressed
 * message (none for idle ones) and bounded by WSEXT_MEM_LEVEL: about
 * 140 KiB to compress (the 32 KiB window the protocol lets a peer
 * assume, doubled, plus the hash) and 40 KiB to inflate, so at most
 * WSEXT_CONN_BYTES per connection; the server caps how many client
 * connections may compress (deflate_connections in samizdat.conf).
 */
#ifndef SAMIZDAT_WSEXT_H
#define SAMIZDAT_WSEXT_H

#include <stdbool.h>
#include <stddef.h>

struct lws;
struct lws_extension;

#define WSEXT_MEM_LEVEL		4		/* zlib memLevel: 8 KiB hash */
#define WSEXT_CONN_BYTES	(180u << 10)	/* zlib state, at most */

/* The extension list for a context's creation info. */
const struct lws_extension *wsext_list(void);
/*
 * Holds a connection that negotiated permessage-deflate to the bound
 * above; call before its first message.
 */
void	wsext_bound(struct lws *wsi);
/* True if the connection negotiated permessage-deflate. */
bool	wsext_active(struct lws *wsi);

#endif
