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
 * WSEXT_CONN_BYTES per connection with the output buffer below; the
 * server caps how many client connections may compress
 * (deflate_connections in samizdat.conf).
 *
 * Writing: libwebsockets deflates a frame into an output buffer of
 * 2^WSEXT_TX_PWR2 bytes.  A frame whose compressed form may not fit
 * leaves the rest to later writable callbacks, which go on reading the
 * caller's buffer: such a frame must be the callback's last and be kept
 * until the next (lws_send_pipe_choked says so too while the extension
 * drains, in libwebsockets 4.1 to 4.3; wsext_fits does not rely on it).
 * A frame that fits is done when lws_write returns, so a REQ's stored
 * events go out many to a callback.
 */
#ifndef SAMIZDAT_WSEXT_H
#define SAMIZDAT_WSEXT_H

#include <stdbool.h>
#include <stddef.h>

struct lws;
struct lws_extension;

#define WSEXT_MEM_LEVEL		4		/* zlib memLevel: 8 KiB hash */
#define WSEXT_CONN_BYTES	(190u << 10)	/* zlib state and buffers */
#define WSEXT_TX_PWR2		13		/* 8 KiB deflate output */
/*
 * What deflate may add to a frame that does not compress: a stored
 * block's 5-byte header per 16 KiB, the flush's 5 bytes, pending bits.
 */
#define WSEXT_TX_SLACK		64

/* The extension list for a context's creation info. */
const struct lws_extension *wsext_list(void);
/*
 * Holds a connection that negotiated permessage-deflate to the bound
 * above; call before its first message.
 */
void	wsext_bound(struct lws *wsi);
/* True if the connection negotiated permessage-deflate. */
bool	wsext_active(struct lws *wsi);
/* True if a frame of len bytes deflates within one output buffer. */
bool	wsext_fits(size_t len);

#endif
