/*
 * hex.h: lowercase hexadecimal.  Pure.  Nostr only ever uses lowercase, so
 * the decoder rejects upper case rather than normalising it (a normalised
 * id would hash differently).
 */
#ifndef SAMIZDAT_HEX_H
#define SAMIZDAT_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes 2*n lowercase hex characters and a NUL to out (size >= 2n+1). */
void	hex_encode(const uint8_t *in, size_t n, char *out);
/*
 * Decodes exactly 2*n lowercase hex characters from s (length slen) into out.
 * Returns: true on success; out is written only on success.
 */
bool	hex_decode(const char *s, size_t slen, uint8_t *out, size_t n);
/*
 * The value of one hex digit of either case, for the places outside
 * Nostr's ids that take both (JSON's \u escapes, IPv6 literals, ids in a
 * URL).  Returns: 0 to 15, or -1.
 */
int	hex_value(char c);
/* Returns: true if s (length slen) is exactly 2*n lowercase hex characters. */
bool	hex_is_lower(const char *s, size_t slen, size_t n);

#endif
