/*
 * nip13.c: the difficulty of nip13.h.  The target is read as a decimal
 * of at most three digits; anything else (a sign, a fraction, leading
 * junk) is no commitment at all.
 */
#include <string.h>

#include "nip13.h"

unsigned
nip13_bits(const uint8_t id[32])
{
	unsigned n = 0, i;
	uint8_t	 b;

	for (i = 0; i < 32; i++) {
		if (id[i] == 0) {
			n += 8;
			continue;
		}
		for (b = id[i]; (b & 0x80) == 0; b <<= 1)
			n++;
		break;
	}
	return n;
}

unsigned
nip13_committed(const struct event *ev)
{
	const struct str *v;
	unsigned target = 0;
	size_t	 i, k;

	for (i = 0; i < ev->ntags; i++) {
		if (ev->tags[i].n < 1 || ev->tags[i].v[0].n != 5 ||
		    memcmp(ev->tags[i].v[0].p, "nonce", 5) != 0)
			continue;
		if (ev->tags[i].n < 3)
			return 0;
		v = &ev->tags[i].v[2];
		if (v->n == 0 || v->n > 3)
			return 0;
		for (k = 0; k < v->n; k++) {
			if (v->p[k] < '0' || v->p[k] > '9')
				return 0;
			target = target * 10 + (unsigned)(v->p[k] - '0');
		}
		return nip13_bits(ev->id) >= target ? target : 0;
	}
	return 0;
}
