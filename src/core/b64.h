/*
 * b64.h: base64 (RFC 4648) in the two forms Nostr meets: the standard
 * alphabet with padding (NIP-44 payloads) and, for Blossom tokens, the
 * URL-safe one without.  Pure.
 */
#ifndef SAMIZDAT_B64_H
#define SAMIZDAT_B64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * Appends the base64 of p (n bytes): the standard alphabet padded to a
 * whole quad, or with url the URL-safe alphabet without padding.
 */
void	b64_encode(struct buf *, const uint8_t *p, size_t n, bool url);
/*
 * Decodes s (n bytes, no white space).  strict: the standard alphabet,
 * padded to a whole quad.  Otherwise either alphabet, padding optional
 * (but never more than two, and only to a whole quad).
 * Returns: the number of bytes written to out, or (size_t)-1 if s is not
 * base64 of that form or does not fit in outsz.
 */
size_t	b64_decode(const char *s, size_t n, uint8_t *out, size_t outsz,
	    bool strict);

#endif
