/*
 * merkle.h: the Merkle tree of an archive (docs/archive.md), the tree of
 * RFC 6962 and RFC 9162 (Certificate Transparency): a leaf is
 * SHA-256(0x00 || leaf data), a node SHA-256(0x01 || left || right), so a
 * leaf can never pass for a node; a tree of n leaves splits at the
 * largest power of two below n, so odd leaves are never copied.  Our leaf
 * data is a type byte and the SHA-256 of the item, so a proof for a
 * 100 MB video carries 33 bytes of it.  Roots and proofs are computed in
 * one pass over the leaves with O(log n) memory.  Pure.
 */
#ifndef SAMIZDAT_MERKLE_H
#define SAMIZDAT_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MERKLE_MAX_PATH	64	/* hashes in a proof of a 2^64 - 1 leaf tree */

/* Item types, the first byte of a leaf's data. */
#define MERKLE_EVENT	'e'	/* an event's stored JSON */
#define MERKLE_CUSTODY	'c'	/* a custody line */
#define MERKLE_SOURCE	's'	/* a custody source line */
#define MERKLE_MEDIA	'm'	/* a media file */

/* A running root: the roots of the perfect subtrees so far, left to right. */
struct merkle {
	uint8_t		 h[MERKLE_MAX_PATH][32];
	uint64_t	 size[MERKLE_MAX_PATH];
	size_t		 top;
	uint64_t	 n;		/* leaves added */
};

/* SHA-256(0x00 || type || item_sha256). */
void		merkle_leaf(uint8_t type, const uint8_t item_sha256[32],
		    uint8_t out[32]);
/* SHA-256(0x01 || left || right). */
void		merkle_node(const uint8_t left[32], const uint8_t right[32],
		    uint8_t out[32]);

void		merkle_init(struct merkle *);
void		merkle_add(struct merkle *, const uint8_t leaf[32]);
/* The root of the leaves added so far; SHA-256("") for none (RFC 6962). */
void		merkle_root(const struct merkle *, uint8_t out[32]);

/*
 * An inclusion proof for leaf m of a tree of n leaves, made in one pass:
 * merkle_prove_init, then merkle_prove_add for every leaf in order, then
 * merkle_prove_path.  The path is RFC 9162's, the sibling nearest the leaf
 * first.  About 130 KB: allocate it, do not put it on a small stack.
 */
struct merkle_prover {
	uint64_t	 m, n, next;
	size_t		 nr;
	struct {
		uint64_t	 lo, hi;	/* leaves [lo, hi) */
		struct merkle	 t;
	}		 r[MERKLE_MAX_PATH];
	uint8_t		 leaf[32];	/* leaf m, once seen */
};

/* Returns: false if m >= n. */
bool		merkle_prove_init(struct merkle_prover *, uint64_t m,
		    uint64_t n);
void		merkle_prove_add(struct merkle_prover *, const uint8_t leaf[32]);
/*
 * Writes the path (at most MERKLE_MAX_PATH hashes) and its length.
 * Returns: false unless exactly n leaves were added.
 */
bool		merkle_prove_path(const struct merkle_prover *,
		    uint8_t path[][32], size_t *len);
/*
 * RFC 9162 2.1.3.2: true if path proves leaf is leaf m of the tree of n
 * leaves whose root is root.
 */
bool		merkle_verify(const uint8_t leaf[32], uint64_t m, uint64_t n,
		    const uint8_t path[][32], size_t len,
		    const uint8_t root[32]);

#endif
