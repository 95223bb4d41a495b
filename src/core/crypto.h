/*
 * crypto.h: the few primitives samizdat needs -- SHA-256 (OpenSSL's
 * libcrypto), BIP-340 Schnorr signatures over secp256k1 (libsecp256k1) and
 * random bytes (getrandom).  One secp256k1 context, made by crypto_init() at
 * start and shared read-only by every thread.
 */
#ifndef SAMIZDAT_CRYPTO_H
#define SAMIZDAT_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Creates the secp256k1 context.  Returns: 0, or -1 (logged). */
int		crypto_init(void);
void		crypto_free(void);

void		crypto_sha256(const void *p, size_t n, uint8_t out[32]);
/*
 * SHA-256 over bytes that come in pieces (a blob streamed to disk):
 * _begin, any number of _update, then _end (which writes out) or _abort.
 * Returns: _begin 0, or -1 out of memory.
 */
struct crypto_sha256 {
	void		*ctx;
};
int		crypto_sha256_begin(struct crypto_sha256 *);
void		crypto_sha256_update(struct crypto_sha256 *, const void *,
		    size_t);
void		crypto_sha256_end(struct crypto_sha256 *, uint8_t out[32]);
void		crypto_sha256_abort(struct crypto_sha256 *);
/* Returns: 0 on success, -1 if the system has no randomness to give. */
int		crypto_random(void *p, size_t n);

/*
 * Verifies a BIP-340 signature over msg (any length, 32 for Nostr).
 * Returns: ERR_OK, ERR_PUBKEY_CURVE (not an x-only key) or ERR_BAD_SIG.
 */
enum err	crypto_verify(const uint8_t sig[64], const uint8_t *msg,
		    size_t msglen, const uint8_t pubkey[32]);
/*
 * The same with the public keys a thread parsed before: parsing one (a
 * square root) is a tenth of a verification, and most events come from
 * keys seen a moment ago.  One per thread, zeroed to begin (48 KiB:
 * allocate it); a slot holds the last key whose bytes hash to it, so a
 * stranger sending many keys costs parses, never memory.
 */
#define CRYPTO_KEYS	512
struct crypto_keys {
	uint8_t		 raw[CRYPTO_KEYS][32];
	unsigned char	 parsed[CRYPTO_KEYS][64];	/* secp256k1's form */
	uint8_t		 used[CRYPTO_KEYS];
	uint64_t	 hits, misses;
};
enum err	crypto_verify_with(struct crypto_keys *, const uint8_t sig[64],
		    const uint8_t *msg, size_t msglen, const uint8_t pubkey[32]);
/*
 * Signs msg with seckey; aux is the 32 bytes of BIP-340 auxiliary
 * randomness (NULL: fresh random bytes).  Writes sig only on success.
 * Returns: ERR_OK or ERR_KEY (seckey out of range).
 */
enum err	crypto_sign(const uint8_t seckey[32], const uint8_t *msg,
		    size_t msglen, const uint8_t *aux, uint8_t sig[64]);
/* Derives the x-only public key.  Returns: ERR_OK or ERR_KEY. */
enum err	crypto_pubkey(const uint8_t seckey[32], uint8_t pubkey[32]);
/* Makes a fresh valid secret key.  Returns: ERR_OK or ERR_KEY. */
enum err	crypto_keygen(uint8_t seckey[32]);
/*
 * ECDH for NIP-44: the x coordinate of seckey times the x-only pubkey,
 * unhashed.  Returns: ERR_OK, ERR_PUBKEY_CURVE or ERR_KEY.
 */
enum err	crypto_ecdh_x(const uint8_t seckey[32], const uint8_t pubkey[32],
		    uint8_t x[32]);

#endif
