/*
 * seal.h: an archive sealed for one investigator's key (`samizdat archive
 * --for NPUB`, docs/archive.md).  NIP-44 v2 caps a classic payload at
 * 65,535 bytes, so the archive (its tar stream) is cut into chunks, each
 * sealed as one standard NIP-44 v2 payload under one conversation key:
 *
 *   header   one line, {"sealed":"samizdat-archive","v":1,"for":"<hex>",
 *            "key":"<hex>"}\n: the recipient's pubkey and a one-time
 *            sender key made for this archive and then forgotten
 *   chunk    u32 big-endian length, then the raw NIP-44 v2 payload
 *            (version 2, nonce, ciphertext, mac; base64-decoded)
 *
 * Each chunk's plaintext is u64 big-endian chunk number (from 0), one
 * flag byte (1 on the last chunk, else 0) and up to SEAL_DATA bytes of the
 * stream: at most 65,535 bytes in all, so every chunk uses the 2-byte
 * prefix and a fresh random nonce.  The number and the flag are inside
 * the MAC, so chunks cannot be dropped, reordered, repeated or cut off
 * unseen.  Pure: the caller brings the nonces and the I/O.
 */
#ifndef SAMIZDAT_SEAL_H
#define SAMIZDAT_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define SEAL_PLAIN	65535			/* a chunk's plaintext at most */
#define SEAL_HEAD	9			/* number and flag */
#define SEAL_DATA	(SEAL_PLAIN - SEAL_HEAD) /* stream bytes per chunk */
#define SEAL_RECORD	(4 + 65 + 2 + 65536)	/* a chunk's bytes at most */
#define SEAL_LINE_MAX	256			/* the header line at most */
#define SEAL_MAGIC	"{\"sealed\":\"samizdat-archive\""

struct seal {
	uint8_t		 conv[32];	/* the conversation key */
	uint64_t	 next;		/* the next chunk's number */
	bool		 done;		/* the last chunk was opened */
};

/* Appends the header line, newline included. */
void		seal_header_write(const uint8_t to[32], const uint8_t from[32],
		    struct buf *);
/*
 * Parses the header line (n bytes, without its newline).  Returns:
 * ERR_OK, or ERR_ARCHIVE if it is not one.
 */
enum err	seal_header_parse(const char *p, size_t n, uint8_t to[32],
		    uint8_t from[32]);
/* True if the first n bytes of a file look like a sealed archive. */
bool		seal_sniff(const uint8_t *p, size_t n);

/* Sealing: the sender's one-time secret key and the recipient's pubkey. */
enum err	seal_init_send(struct seal *, const uint8_t sk[32],
		    const uint8_t to[32]);
/* Opening: the recipient's secret key and the header's sender key. */
enum err	seal_init_open(struct seal *, const uint8_t sk[32],
		    const uint8_t from[32]);
/*
 * Seals n (<= SEAL_DATA) stream bytes as the next chunk into out (at
 * least SEAL_RECORD bytes), length prefix included.  Returns: ERR_OK.
 */
enum err	seal_chunk(struct seal *, const uint8_t nonce[32],
		    const uint8_t *data, size_t n, bool last, uint8_t *out,
		    size_t *outlen);
/*
 * Opens one chunk's payload (without its length prefix) into data (at
 * least n bytes).  Returns: ERR_OK with *len and *last, ERR_NIP44_MAC
 * (wrong key or changed), ERR_ARCHIVE (out of order, after the last).
 */
enum err	seal_open(struct seal *, const uint8_t *payload, size_t n,
		    uint8_t *data, size_t *len, bool *last);

#endif
