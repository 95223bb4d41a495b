/*
 * hll.c: the NIP-45 HyperLogLog of hll.h, as nostr-tools and the Go
 * nostr library compute it.  Pure.
 */
#include <math.h>
#include <string.h>

#include "crypto.h"
#include "hex.h"
#include "hll.h"

unsigned
hll_offset(const char *v, size_t n)
{
	uint8_t	 h[32];
	char	 hx[65];
	const char *p;

	if (hex_is_lower(v, n, 32))
		return (unsigned)hex_value(v[32]) + 8;
	/* kind:pubkey:d */
	if ((p = memchr(v, ':', n)) != NULL && (size_t)(v + n - p) > 65 &&
	    p[65] == ':' && hex_is_lower(p + 1, 64, 32))
		return (unsigned)hex_value(p[33]) + 8;
	crypto_sha256(v, n, h);
	hex_encode(h, 32, hx);
	return (unsigned)hex_value(hx[32]) + 8;
}

void
hll_add(uint8_t reg[HLL_REGISTERS], const uint8_t pk[32], unsigned offset)
{
	unsigned ri = pk[offset], zeros = 0, i;
	uint8_t	 b;

	/* Leading zero bits of the 56 bits after the register byte. */
	for (i = 1; i <= 7; i++) {
		b = pk[offset + i];
		if (b == 0) {
			zeros += 8;
			continue;
		}
		while (!(b & 0x80)) {
			zeros++;
			b <<= 1;
		}
		break;
	}
	if (zeros + 1 > reg[ri])
		reg[ri] = (uint8_t)(zeros + 1);
}

uint64_t
hll_estimate(const uint8_t reg[HLL_REGISTERS])
{
	const double alpha = 0.7182725932495458, m = HLL_REGISTERS;
	double	 sum = 0, e, lc = 0;
	unsigned v = 0, i;

	for (i = 0; i < HLL_REGISTERS; i++) {
		sum += ldexp(1.0, -(int)reg[i]);
		if (reg[i] == 0)
			v++;
	}
	if (v > 0) {
		lc = m * log(m / v);
		if (lc <= 220)
			return (uint64_t)floor(lc);
	}
	e = alpha * m * m / sum;
	if (e <= 3 * m && v > 0)
		return (uint64_t)floor(lc);
	return (uint64_t)floor(e);
}
