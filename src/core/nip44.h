/*
 * nip44.h: NIP-44 version 2 encrypted payloads (nostr-protocol/nips 44.md):
 * the conversation key (secp256k1 ECDH, x unhashed, HKDF-extract with the
 * salt "nip44-v2"), the message keys (HKDF-expand with the nonce, 76
 * bytes), the padding with its 2-byte prefix (and the 6-byte prefix the
 * spec now allows past 65,535 bytes), ChaCha20 and HMAC-SHA256 over
 * nonce and ciphertext, from OpenSSL's libcrypto.  The raw payload is
 * version || nonce || ciphertext || mac; the payload of the spec is its
 * base64.  Sealed archives (seal.h) use raw payloads.  Pure: the caller
 * brings the nonce (crypto_random for real use).
 */
#ifndef SAMIZDAT_NIP44_H
#define SAMIZDAT_NIP44_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define NIP44_CLASSIC_MAX	65535		/* the 2-byte prefix */
#define NIP44_MAX		4294967295u	/* the 6-byte prefix */
#define NIP44_OVERHEAD		65		/* version, nonce, mac */

/* Returns: ERR_OK, ERR_KEY (bad secret key) or ERR_PUBKEY_CURVE. */
enum err	nip44_conversation_key(const uint8_t seckey[32],
		    const uint8_t pubkey[32], uint8_t key[32]);
void		nip44_message_keys(const uint8_t conv[32],
		    const uint8_t nonce[32], uint8_t chacha_key[32],
		    uint8_t chacha_nonce[12], uint8_t hmac_key[32]);
/* calc_padded_len: the padded length, without the prefix (len >= 1). */
uint64_t	nip44_padded_len(uint64_t len);
/* Bytes of the raw payload for a plaintext of len bytes. */
uint64_t	nip44_raw_len(uint64_t len);

/*
 * Encrypts plain (1 to max bytes, max at most NIP44_MAX) into out, which
 * must hold nip44_raw_len(n) bytes.  Returns: ERR_OK, ERR_NIP44 (length)
 * or ERR_NOMEM.
 */
enum err	nip44_encrypt_raw(const uint8_t conv[32], const uint8_t nonce[32],
		    const uint8_t *plain, size_t n, size_t max, uint8_t *out);
/*
 * Decrypts a raw payload of n bytes into out (at least n bytes), *len the
 * plaintext's.  Plaintexts over max are refused.  Returns: ERR_OK,
 * ERR_NIP44_VERSION, ERR_NIP44 (sizes, padding), ERR_NIP44_MAC, ERR_NOMEM.
 */
enum err	nip44_decrypt_raw(const uint8_t conv[32], const uint8_t *payload,
		    size_t n, size_t max, uint8_t *out, size_t *len);
/* The same with the base64 payload of the spec. */
enum err	nip44_encrypt(const uint8_t conv[32], const uint8_t nonce[32],
		    const uint8_t *plain, size_t n, size_t max, struct buf *b64);
enum err	nip44_decrypt(const uint8_t conv[32], const char *b64, size_t n,
		    size_t max, struct buf *plain);

#endif
