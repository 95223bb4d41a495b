/*
 * wsframe.c: a server's WebSocket frame header (wsframe.h).  Pure.
 */
#include "wsframe.h"

size_t
wsframe_text_header(uint8_t out[WSFRAME_HDR_MAX], size_t len)
{
	size_t	 i;

	out[0] = 0x81;			/* FIN, opcode 1: text */
	if (len < 126) {
		out[1] = (uint8_t)len;
		return 2;
	}
	if (len <= 0xffff) {
		out[1] = 126;
		out[2] = (uint8_t)(len >> 8);
		out[3] = (uint8_t)len;
		return 4;
	}
	out[1] = 127;
	for (i = 0; i < 8; i++)
		out[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
	return 10;
}
