/*
 * nip44.c: NIP-44 v2 (nip44.h) on libcrypto: HKDF through EVP_KDF,
 * ChaCha20 (RFC 8439, counter 0) through EVP_chacha20, whose 16-byte IV
 * is the 32-bit little-endian counter followed by the 12-byte nonce, and
 * HMAC-SHA256.  The MAC is checked in constant time before anything is
 * decrypted.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include "b64.h"
#include "crypto.h"
#include "nip44.h"

/* HKDF-SHA256 in one mode: extract (key = IKM, salt) or expand (key = PRK, info). */
static int
hkdf(int mode, const uint8_t *key, size_t keylen, const uint8_t *extra,
    size_t extralen, uint8_t *out, size_t outlen)
{
	EVP_KDF	*kdf;
	EVP_KDF_CTX *kc = NULL;
	OSSL_PARAM p[5], *q = p;
	int	 ok = 0;

	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL)
		return 0;
	if ((kc = EVP_KDF_CTX_new(kdf)) == NULL)
		goto done;
	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)(uintptr_t)"SHA256", 0);
	*q++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)(uintptr_t)key, keylen);
	*q++ = OSSL_PARAM_construct_octet_string(
	    mode == EVP_KDF_HKDF_MODE_EXTRACT_ONLY ? OSSL_KDF_PARAM_SALT :
	    OSSL_KDF_PARAM_INFO, (void *)(uintptr_t)extra, extralen);
	*q = OSSL_PARAM_construct_end();
	ok = EVP_KDF_derive(kc, out, outlen, p) == 1;
done:
	EVP_KDF_CTX_free(kc);
	EVP_KDF_free(kdf);
	return ok;
}

enum err
nip44_conversation_key(const uint8_t sk[32], const uint8_t pk[32],
    uint8_t key[32])
{
	uint8_t	 x[32], out[32];
	enum err e;

	if ((e = crypto_ecdh_x(sk, pk, x)) != ERR_OK)
		return e;
	e = hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, x, 32,
	    (const uint8_t *)"nip44-v2", 8, out, 32) ? ERR_OK : ERR_NOMEM;
	if (e == ERR_OK)
		memcpy(key, out, 32);
	explicit_bzero(x, sizeof(x));
	explicit_bzero(out, sizeof(out));
	return e;
}

void
nip44_message_keys(const uint8_t conv[32], const uint8_t nonce[32],
    uint8_t ck[32], uint8_t cn[12], uint8_t hk[32])
{
	uint8_t	 k[76];

	if (!hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, conv, 32, nonce, 32, k, 76))
		memset(k, 0, sizeof(k));	/* only if libcrypto is broken */
	memcpy(ck, k, 32);
	memcpy(cn, k + 32, 12);
	memcpy(hk, k + 44, 32);
	explicit_bzero(k, sizeof(k));
}

uint64_t
nip44_padded_len(uint64_t len)
{
	uint64_t next = 1, chunk;

	if (len <= 32)
		return 32;
	/* 1 << (floor(log2(len - 1)) + 1) */
	while (next <= len - 1)
		next <<= 1;
	chunk = next <= 256 ? 32 : next / 8;
	return chunk * ((len - 1) / chunk + 1);
}

static size_t
prefix_len(uint64_t len)
{
	return len > NIP44_CLASSIC_MAX ? 6 : 2;
}

uint64_t
nip44_raw_len(uint64_t len)
{
	return NIP44_OVERHEAD + prefix_len(len) + nip44_padded_len(len);
}

static int
chacha(const uint8_t key[32], const uint8_t nonce[12], const uint8_t *in,
    size_t n, uint8_t *out)
{
	EVP_CIPHER_CTX *c;
	uint8_t	 iv[16];
	int	 ok, l = 0;
	size_t	 done = 0, step;

	memset(iv, 0, 4);
	memcpy(iv + 4, nonce, 12);
	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return 0;
	ok = EVP_EncryptInit_ex(c, EVP_chacha20(), NULL, key, iv) == 1;
	while (ok && done < n) {
		step = n - done > (1u << 30) ? (1u << 30) : n - done;
		ok = EVP_EncryptUpdate(c, out + done, &l, in + done,
		    (int)step) == 1 && (size_t)l == step;
		done += step;
	}
	EVP_CIPHER_CTX_free(c);
	return ok;
}

static int
mac(const uint8_t key[32], const uint8_t *aad_ct, size_t n, uint8_t out[32])
{
	unsigned len = 32;

	return HMAC(EVP_sha256(), key, 32, aad_ct, n, out, &len) != NULL &&
	    len == 32;
}

enum err
nip44_encrypt_raw(const uint8_t conv[32], const uint8_t nonce[32],
    const uint8_t *plain, size_t n, size_t max, uint8_t *out)
{
	uint8_t	 ck[32], cn[12], hk[32];
	uint8_t	*ct = out + 33;
	size_t	 pre, padded;
	enum err e = ERR_OK;

	if (n < 1 || n > max || n > NIP44_MAX)
		return ERR_NIP44;
	pre = prefix_len(n);
	padded = (size_t)nip44_padded_len(n);
	nip44_message_keys(conv, nonce, ck, cn, hk);
	out[0] = 2;
	memcpy(out + 1, nonce, 32);
	/* The padded plaintext is laid out in place, then encrypted there. */
	if (pre == 2) {
		ct[0] = (uint8_t)(n >> 8);
		ct[1] = (uint8_t)n;
	} else {
		ct[0] = ct[1] = 0;
		ct[2] = (uint8_t)(n >> 24);
		ct[3] = (uint8_t)(n >> 16);
		ct[4] = (uint8_t)(n >> 8);
		ct[5] = (uint8_t)n;
	}
	memmove(ct + pre, plain, n);
	memset(ct + pre + n, 0, padded - n);
	if (!chacha(ck, cn, ct, pre + padded, ct) ||
	    !mac(hk, out + 1, 32 + pre + padded, ct + pre + padded))
		e = ERR_NOMEM;
	explicit_bzero(ck, sizeof(ck));
	explicit_bzero(hk, sizeof(hk));
	return e;
}

enum err
nip44_decrypt_raw(const uint8_t conv[32], const uint8_t *p, size_t n,
    size_t max, uint8_t *out, size_t *len)
{
	uint8_t	 ck[32], cn[12], hk[32], m[32];
	const uint8_t *ct = p + 33;
	size_t	 ctlen, pre;
	uint64_t plen;
	enum err e = ERR_OK;

	if (n < 99)
		return n > 0 && p[0] != 2 ? ERR_NIP44_VERSION : ERR_NIP44;
	if (p[0] != 2)
		return ERR_NIP44_VERSION;
	ctlen = n - NIP44_OVERHEAD;
	nip44_message_keys(conv, p + 1, ck, cn, hk);
	if (!mac(hk, p + 1, 32 + ctlen, m)) {
		e = ERR_NOMEM;
		goto done;
	}
	if (CRYPTO_memcmp(m, p + n - 32, 32) != 0) {
		e = ERR_NIP44_MAC;
		goto done;
	}
	if (!chacha(ck, cn, ct, ctlen, out)) {
		e = ERR_NOMEM;
		goto done;
	}
	plen = ((uint64_t)out[0] << 8) | out[1];
	pre = 2;
	if (plen == 0) {
		if (ctlen < 6) {
			e = ERR_NIP44;
			goto done;
		}
		plen = ((uint64_t)out[2] << 24) | ((uint64_t)out[3] << 16) |
		    ((uint64_t)out[4] << 8) | out[5];
		pre = 6;
		if (plen <= NIP44_CLASSIC_MAX) {
			e = ERR_NIP44;
			goto done;
		}
	}
	if (plen == 0 || plen > max || ctlen != pre + nip44_padded_len(plen)) {
		e = ERR_NIP44;
		goto done;
	}
	memmove(out, out + pre, (size_t)plen);
	*len = (size_t)plen;
done:
	explicit_bzero(ck, sizeof(ck));
	explicit_bzero(hk, sizeof(hk));
	return e;
}

enum err
nip44_encrypt(const uint8_t conv[32], const uint8_t nonce[32],
    const uint8_t *plain, size_t n, size_t max, struct buf *b64)
{
	uint8_t	*raw;
	size_t	 need;
	enum err e;

	if (n < 1 || n > max || n > NIP44_MAX)
		return ERR_NIP44;
	need = (size_t)nip44_raw_len(n);
	if ((raw = OPENSSL_malloc(need)) == NULL)
		return ERR_NOMEM;
	if ((e = nip44_encrypt_raw(conv, nonce, plain, n, max, raw)) == ERR_OK) {
		b64_encode(b64, raw, need, false);
		if (b64->err)
			e = ERR_NOMEM;
	}
	OPENSSL_free(raw);
	return e;
}

enum err
nip44_decrypt(const uint8_t conv[32], const char *b64, size_t n, size_t max,
    struct buf *plain)
{
	uint8_t	*raw = NULL, *out = NULL;
	size_t	 rawlen = 0, plen = 0;
	enum err e;

	if (n == 0 || b64[0] == '#')
		return ERR_NIP44_VERSION;
	if (n < 132)
		return ERR_NIP44;
	if ((raw = OPENSSL_malloc(n / 4 * 3 + 3)) == NULL)
		return ERR_NOMEM;
	if ((rawlen = b64_decode(b64, n, raw, n / 4 * 3, true)) ==
	    (size_t)-1) {
		e = ERR_NIP44;
		goto done;
	}
	if ((out = OPENSSL_malloc(rawlen > 0 ? rawlen : 1)) == NULL) {
		e = ERR_NOMEM;
		goto done;
	}
	if ((e = nip44_decrypt_raw(conv, raw, rawlen, max, out, &plen)) ==
	    ERR_OK) {
		buf_append(plain, out, plen);
		if (plain->err)
			e = ERR_NOMEM;
	}
done:
	OPENSSL_free(raw);
	if (out != NULL)
		OPENSSL_clear_free(out, rawlen);
	return e;
}
