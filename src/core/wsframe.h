/*
 * wsframe.h: the header of a WebSocket frame as a server sends it (RFC
 * 6455, 5.2): one whole text message, FIN set, not masked.  For a server
 * that writes several frames in one send (net/server.c).  Pure.
 */
#ifndef SAMIZDAT_WSFRAME_H
#define SAMIZDAT_WSFRAME_H

#include <stddef.h>
#include <stdint.h>

#define WSFRAME_HDR_MAX	10

/* Writes the header of a text frame of len bytes.  Returns: its length. */
size_t	wsframe_text_header(uint8_t out[WSFRAME_HDR_MAX], size_t len);

#endif
