/*
 * merkle.c: the RFC 6962 tree of merkle.h.  The running root is a binary
 * counter of perfect subtrees: adding a leaf merges the rightmost two
 * while they are the same size, and the root folds the stack from the
 * right, which is exactly RFC 6962's split at the largest power of two.
 */
#include <string.h>

#include <openssl/sha.h>

#include "merkle.h"

void
merkle_leaf(uint8_t type, const uint8_t item[32], uint8_t out[32])
{
	uint8_t	 b[34];

	b[0] = 0x00;
	b[1] = type;
	memcpy(b + 2, item, 32);
	SHA256(b, sizeof(b), out);
}

void
merkle_node(const uint8_t l[32], const uint8_t r[32], uint8_t out[32])
{
	uint8_t	 b[65];

	b[0] = 0x01;
	memcpy(b + 1, l, 32);
	memcpy(b + 33, r, 32);
	SHA256(b, sizeof(b), out);
}

void
merkle_init(struct merkle *t)
{
	memset(t, 0, sizeof(*t));
}

void
merkle_add(struct merkle *t, const uint8_t leaf[32])
{
	if (t->top == MERKLE_MAX_PATH)
		return;		/* 2^64 leaves: not in this universe */
	memcpy(t->h[t->top], leaf, 32);
	t->size[t->top] = 1;
	t->top++;
	t->n++;
	while (t->top >= 2 && t->size[t->top - 1] == t->size[t->top - 2]) {
		merkle_node(t->h[t->top - 2], t->h[t->top - 1],
		    t->h[t->top - 2]);
		t->size[t->top - 2] *= 2;
		t->top--;
	}
}

void
merkle_root(const struct merkle *t, uint8_t out[32])
{
	uint8_t	 h[32];
	size_t	 i;

	if (t->top == 0) {
		SHA256((const uint8_t *)"", 0, out);
		return;
	}
	memcpy(h, t->h[t->top - 1], 32);
	for (i = t->top - 1; i > 0; i--)
		merkle_node(t->h[i - 1], h, h);
	memcpy(out, h, 32);
}

/* The largest power of two below n (n >= 2). */
static uint64_t
split(uint64_t n)
{
	uint64_t k = 1;

	while (k < n - k)
		k <<= 1;
	return k;
}

bool
merkle_prove_init(struct merkle_prover *p, uint64_t m, uint64_t n)
{
	uint64_t lo = 0, hi = n, k, tlo, thi;
	size_t	 i;

	memset(p, 0, sizeof(*p));
	if (m >= n)
		return false;
	p->m = m;
	p->n = n;
	/* Down from the root: each level's sibling range, the root's first. */
	while (hi - lo > 1) {
		k = split(hi - lo);
		if (m < lo + k) {
			p->r[p->nr].lo = lo + k;
			p->r[p->nr].hi = hi;
			hi = lo + k;
		} else {
			p->r[p->nr].lo = lo;
			p->r[p->nr].hi = lo + k;
			lo += k;
		}
		p->nr++;
	}
	/* RFC 9162 lists the leaf's sibling first. */
	for (i = 0; i < p->nr / 2; i++) {
		tlo = p->r[i].lo;
		thi = p->r[i].hi;
		p->r[i].lo = p->r[p->nr - 1 - i].lo;
		p->r[i].hi = p->r[p->nr - 1 - i].hi;
		p->r[p->nr - 1 - i].lo = tlo;
		p->r[p->nr - 1 - i].hi = thi;
	}
	for (i = 0; i < p->nr; i++)
		merkle_init(&p->r[i].t);
	return true;
}

void
merkle_prove_add(struct merkle_prover *p, const uint8_t leaf[32])
{
	uint64_t i = p->next++;
	size_t	 k;

	if (i == p->m) {
		memcpy(p->leaf, leaf, 32);
		return;
	}
	for (k = 0; k < p->nr; k++)
		if (i >= p->r[k].lo && i < p->r[k].hi) {
			merkle_add(&p->r[k].t, leaf);
			return;
		}
}

bool
merkle_prove_path(const struct merkle_prover *p, uint8_t path[][32],
    size_t *len)
{
	size_t	 k;

	if (p->next != p->n || p->n == 0)
		return false;
	for (k = 0; k < p->nr; k++)
		merkle_root(&p->r[k].t, path[k]);
	*len = p->nr;
	return true;
}

bool
merkle_verify(const uint8_t leaf[32], uint64_t m, uint64_t n,
    const uint8_t path[][32], size_t len, const uint8_t root[32])
{
	uint64_t fn = m, sn;
	uint8_t	 r[32];
	size_t	 i;

	if (m >= n)
		return false;
	sn = n - 1;
	memcpy(r, leaf, 32);
	for (i = 0; i < len; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			merkle_node(path[i], r, r);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else
			merkle_node(r, path[i], r);
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(r, root, 32) == 0;
}
