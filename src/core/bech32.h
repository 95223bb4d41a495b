/*
 * bech32.h: BIP-173 bech32 and the NIP-19 entities built on it: npub, nsec
 * and note (32 bare bytes), nprofile, nevent and naddr (TLV).  Pure: strings
 * and caller buffers in, results out; no I/O, no allocation, no globals.  The
 * CLI calls it to read and print keys and references, and says "not a valid
 * npub" itself; tests and fuzz/fuzz-bech32.c share it.
 *
 * The checksum is BIP-173's original one; a BIP-350 (bech32m) checksum is
 * rejected.  BIP-173's 90-character limit is raised to the 5000 that NIP-19
 * suggests, because TLV entities with relay hints run long.  Output is
 * lowercase; input may be all lowercase or all uppercase, never mixed.
 */
#ifndef SAMIZDAT_BECH32_H
#define SAMIZDAT_BECH32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BECH32_MAX_LEN		5000	/* characters, without the NUL */
#define BECH32_MAX_HRP		83	/* BIP-173 */
/* Bytes a BECH32_MAX_LEN string can carry (1-char hrp, '1', checksum). */
#define BECH32_MAX_DATA		((BECH32_MAX_LEN - 8) * 5 / 8)

#define NIP19_MAX_RELAYS	16	/* relay hints kept; later ones dropped */
#define NIP19_MAX_VALUE		255	/* a TLV length is one byte */

enum nip19_type {
	NIP19_NPUB,
	NIP19_NSEC,
	NIP19_NOTE,
	NIP19_NPROFILE,
	NIP19_NEVENT,
	NIP19_NADDR
};

/*
 * One decoded entity.  Fields an entity does not use are zero after
 * nip19_decode and ignored by nip19_encode.
 *
 *   key         npub, nsec and nprofile: the pubkey or secret key;
 *               note and nevent: the event id; naddr: unused
 *   author      nevent (optional) and naddr (required): TLV 2
 *   kind        nevent (optional) and naddr (required): TLV 3, u32
 *   d, dlen     naddr: the d identifier (TLV 0), any bytes, maybe empty;
 *               NUL-terminated for convenience but may hold NULs
 *   relays      nprofile, nevent, naddr: TLV 1 hints in input order, each
 *               1 to 255 printable ASCII characters, NUL-terminated
 */
struct nip19 {
	enum nip19_type	 type;
	uint8_t		 key[32];
	uint8_t		 author[32];
	bool		 has_author;
	bool		 has_kind;
	uint32_t	 kind;
	size_t		 dlen;
	char		 d[NIP19_MAX_VALUE + 1];
	size_t		 nrelays;
	char		 relays[NIP19_MAX_RELAYS][NIP19_MAX_VALUE + 1];
};

/*
 * Encodes len bytes of data (8-bit; regrouped into 5-bit words with zero
 * padding) under hrp, which must be 1 to 83 characters from '!' to '~'
 * without upper case.  Writes the lowercase string and a NUL to out (size
 * outsz).
 * Returns: 0, or -1 if hrp is invalid, the string would exceed
 * BECH32_MAX_LEN or not fit in out; out is written only on success.
 */
int		bech32_encode(const char *hrp, const uint8_t *data, size_t len,
		    char *out, size_t outsz);
/*
 * Decodes the NUL-terminated string s: checks length, character set, case,
 * separator, checksum (bech32, not bech32m) and that the 5-bit words regroup
 * into whole bytes with fewer than 5 zero padding bits.  Writes the hrp in
 * lowercase with a NUL to hrp (size hrpsz), the bytes to data (size datasz)
 * and their count to *len.  s is read up to its NUL or BECH32_MAX_LEN + 1
 * characters, whichever is first.
 * Returns: 0, or -1 on any defect or if a buffer is too small; the out
 * parameters are written only on success.
 */
int		bech32_decode(const char *s, char *hrp, size_t hrpsz,
		    uint8_t *data, size_t datasz, size_t *len);

/* Returns: the hrp of an entity type ("npub", ...), or NULL if invalid. */
const char	*nip19_hrp(enum nip19_type);
/*
 * Encodes e as bech32 under the hrp of e->type.  TLV entities are written in
 * the order 0, 1 (each relay), 2, 3, which is what most libraries emit.
 * Returns: 0, or -1 if e is not encodable (bad type, more than
 * NIP19_MAX_RELAYS relays, a relay that nip19_decode would refuse, dlen over
 * 255, an naddr without author or kind) or the string does not fit in out
 * (size outsz; BECH32_MAX_LEN + 1 always suffices); out is written only on
 * success.
 */
int		nip19_encode(const struct nip19 *e, char *out, size_t outsz);
/*
 * Decodes the NUL-terminated string s into *out.  TLVs may come in any
 * order; unknown types (and types 2 and 3 in an nprofile) are ignored, as
 * are empty relay values and relays past NIP19_MAX_RELAYS.  Fails on a
 * truncated TLV, a missing or repeated special (0), a repeated author (2) or
 * kind (3), a special, author or kind of the wrong length, a relay holding a
 * byte outside '!' to '~', and an naddr without author or kind.
 * Returns: 0, or -1 on any failure; *out is written only on success.
 */
int		nip19_decode(const char *s, struct nip19 *out);
/*
 * Writes the npub of a public key to out (size outsz; 64 bytes always
 * suffice), or "" if it does not fit.
 */
void		nip19_npub(const uint8_t pubkey[32], char *out, size_t outsz);
/* Returns: true if a and b hold the same entity (unused fields ignored). */
bool		nip19_equal(const struct nip19 *a, const struct nip19 *b);

#endif
