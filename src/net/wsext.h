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
 *
 * Reading: libwebsockets 4.1 to 4.3 (Debian 12 ships 4.1.6) inflates a
 * message into a buffer of its own, 1 KiB unless told otherwise, and a
 * message that inflates to more than that from one read is finished on
 * a later turn of the loop -- from the read buffer that every connection
 * shares, which another connection's read may have overwritten by then
 * (fixed upstream in 4.4, "pmd: fix buffer being reused while draining
 * extensions").  zlib then goes on from the wrong bytes: that message
 * and every later one on the connection are garbage, or it is closed
 * with "invalid distance too far back".  So the server's inflate buffer
 * holds the largest message it accepts (wsext_rx_pwr2) and nothing is
 * ever left to finish later.  The buffer is address space: its pages
 * are touched only as far as the largest message the client has sent,
 * so a compressing client holds up to max_message_length more than
 * WSEXT_CONN_BYTES once it has sent one that large.
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
 * The inflate buffer, 2^n bytes, for messages of up to max_message bytes:
 * room for the largest with 1 KiB to spare, at least 4 KiB and at most
 * 2^WSEXT_RX_PWR2_MAX (a node that accepts larger messages risks the
 * flaw above for those).  The protocol's rx_buffer_size must be at least
 * as large: libwebsockets caps the buffer there.
 */
#define WSEXT_RX_PWR2_MAX	18		/* 256 KiB */
int	wsext_rx_pwr2(size_t max_message);
/*
 * Holds a connection that negotiated permessage-deflate to the bound
 * above and inflates into 2^rx_pwr2 bytes (0: libwebsockets' 1 KiB);
 * call before its first message.
 */
void	wsext_bound(struct lws *wsi, int rx_pwr2);
/* True if the connection negotiated permessage-deflate. */
bool	wsext_active(struct lws *wsi);
/* True if a frame of len bytes deflates within one output buffer. */
bool	wsext_fits(size_t len);

#endif
