/*
 * hex.c: lowercase hexadecimal encode and strict decode.  Pure.
 */
#include <string.h>

#include "hex.h"

static const char hex_digits[] = "0123456789abcdef";

int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A lowercase digit's value plus one; 0 for every other byte.  A table,
 * not comparisons: ids, keys and signatures are 256 digits an event, and
 * the relay's one thread decodes them all.
 */
static const uint8_t lower1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
	['f'] = 16
};

/* Lowercase only: 0 to 15, or -1. */
static inline int
hex_val(unsigned char c)
{
	return (int)lower1[c] - 1;
}

void
hex_encode(const uint8_t *in, size_t n, char *out)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex_digits[in[i] >> 4];
		out[2 * i + 1] = hex_digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

bool
hex_is_lower(const char *s, size_t slen, size_t n)
{
	size_t	 i;

	if (slen != 2 * n)
		return false;
	for (i = 0; i < slen; i++)
		if (hex_val((unsigned char)s[i]) < 0)
			return false;
	return true;
}

/* One pass; out is written only when every digit is good. */
bool
hex_decode(const char *s, size_t slen, uint8_t *out, size_t n)
{
	uint8_t	 tmp[64];
	size_t	 i;
	int	 hi, lo, bad = 0;

	if (slen != 2 * n)
		return false;
	if (n > sizeof(tmp)) {		/* not a Nostr size: check first */
		if (!hex_is_lower(s, slen, n))
			return false;
		for (i = 0; i < n; i++)
			out[i] = (uint8_t)(hex_val((unsigned char)s[2 * i]) << 4 |
			    hex_val((unsigned char)s[2 * i + 1]));
		return true;
	}
	for (i = 0; i < n; i++) {
		hi = hex_val((unsigned char)s[2 * i]);
		lo = hex_val((unsigned char)s[2 * i + 1]);
		bad |= hi | lo;
		tmp[i] = (uint8_t)((hi & 0xf) << 4 | (lo & 0xf));
	}
	if (bad < 0)
		return false;
	memcpy(out, tmp, n);
	return true;
}
