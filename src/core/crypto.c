/*
 * crypto.c: SHA-256, BIP-340 and randomness behind crypto.h.  The context is
 * randomised at creation (side-channel blinding for signing) and then only
 * read, which libsecp256k1 allows from several threads at once.  That
 * context is the core's one global (scripts/layers.sh knows it); nothing
 * here logs: callers say what failed.
 */
#include <sys/random.h>

#include <errno.h>
#include <string.h>

/* SHA256_Init and friends: no per-call algorithm fetch (a lock and a
 * lookup, 40 % of hashing an event) as SHA256() has in OpenSSL 3. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <secp256k1.h>
#include <secp256k1_ecdh.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "crypto.h"

static secp256k1_context *crypto_ctx;

int
crypto_init(void)
{
	uint8_t	 seed[32];

	if (crypto_ctx != NULL)
		return 0;
	crypto_ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN |
	    SECP256K1_CONTEXT_VERIFY);
	if (crypto_ctx == NULL)
		return -1;
	/* Blinding is what randomising buys: without it, do not sign. */
	if (crypto_random(seed, sizeof(seed)) != 0 ||
	    !secp256k1_context_randomize(crypto_ctx, seed)) {
		explicit_bzero(seed, sizeof(seed));
		crypto_free();
		return -1;
	}
	explicit_bzero(seed, sizeof(seed));
	return 0;
}

void
crypto_free(void)
{
	if (crypto_ctx != NULL)
		secp256k1_context_destroy(crypto_ctx);
	crypto_ctx = NULL;
}

void
crypto_sha256(const void *p, size_t n, uint8_t out[32])
{
	SHA256_CTX c;

	SHA256_Init(&c);
	SHA256_Update(&c, p, n);
	SHA256_Final(out, &c);
	explicit_bzero(&c, sizeof(c));
}

int
crypto_sha256_begin(struct crypto_sha256 *h)
{
	EVP_MD_CTX *c;

	h->ctx = NULL;
	if ((c = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		return -1;
	}
	h->ctx = c;
	return 0;
}

void
crypto_sha256_update(struct crypto_sha256 *h, const void *p, size_t n)
{
	if (h->ctx != NULL && n > 0)
		(void)EVP_DigestUpdate(h->ctx, p, n);
}

void
crypto_sha256_end(struct crypto_sha256 *h, uint8_t out[32])
{
	unsigned int n = 32;

	if (h->ctx == NULL || EVP_DigestFinal_ex(h->ctx, out, &n) != 1)
		memset(out, 0, 32);
	crypto_sha256_abort(h);
}

void
crypto_sha256_abort(struct crypto_sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

int
crypto_random(void *p, size_t n)
{
	uint8_t	*b = p;
	ssize_t	 r;

	while (n > 0) {
		r = getrandom(b, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;	/* errno says why */
		}
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

enum err
crypto_verify(const uint8_t sig[64], const uint8_t *msg, size_t msglen,
    const uint8_t pubkey[32])
{
	secp256k1_xonly_pubkey pk;

	if (!secp256k1_xonly_pubkey_parse(crypto_ctx, &pk, pubkey))
		return ERR_PUBKEY_CURVE;
	if (!secp256k1_schnorrsig_verify(crypto_ctx, sig, msg, msglen, &pk))
		return ERR_BAD_SIG;
	return ERR_OK;
}

_Static_assert(sizeof(secp256k1_xonly_pubkey) == 64,
    "struct crypto_keys holds a parsed key in 64 bytes");

enum err
crypto_verify_with(struct crypto_keys *k, const uint8_t sig[64],
    const uint8_t *msg, size_t msglen, const uint8_t pubkey[32])
{
	secp256k1_xonly_pubkey pk;
	unsigned i;

	if (k == NULL)
		return crypto_verify(sig, msg, msglen, pubkey);
	/* Keys are hashes of secrets: two of their bytes make a fine index. */
	i = ((unsigned)pubkey[0] << 8 | pubkey[1]) % CRYPTO_KEYS;
	if (k->used[i] && memcmp(k->raw[i], pubkey, 32) == 0) {
		memcpy(&pk, k->parsed[i], sizeof(pk));
		k->hits++;
	} else {
		if (!secp256k1_xonly_pubkey_parse(crypto_ctx, &pk, pubkey))
			return ERR_PUBKEY_CURVE;
		memcpy(k->raw[i], pubkey, 32);
		memcpy(k->parsed[i], &pk, sizeof(pk));
		k->used[i] = 1;
		k->misses++;
	}
	if (!secp256k1_schnorrsig_verify(crypto_ctx, sig, msg, msglen, &pk))
		return ERR_BAD_SIG;
	return ERR_OK;
}

enum err
crypto_sign(const uint8_t seckey[32], const uint8_t *msg, size_t msglen,
    const uint8_t *aux, uint8_t sig[64])
{
	secp256k1_keypair kp;
	secp256k1_schnorrsig_extraparams ep =
	    SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
	uint8_t	 rnd[32], out[64];
	enum err e = ERR_KEY;

	if (aux == NULL) {
		if (crypto_random(rnd, sizeof(rnd)) != 0)
			return ERR_KEY;
		aux = rnd;
	}
	ep.ndata = (void *)(uintptr_t)aux;
	if (!secp256k1_keypair_create(crypto_ctx, &kp, seckey))
		goto done;
	if (!secp256k1_schnorrsig_sign_custom(crypto_ctx, out, msg, msglen,
	    &kp, &ep))
		goto done;
	memcpy(sig, out, 64);
	e = ERR_OK;
done:
	explicit_bzero(&kp, sizeof(kp));
	explicit_bzero(rnd, sizeof(rnd));
	return e;
}

enum err
crypto_pubkey(const uint8_t seckey[32], uint8_t pubkey[32])
{
	secp256k1_keypair kp;
	secp256k1_xonly_pubkey xpk;
	enum err e = ERR_KEY;

	if (!secp256k1_keypair_create(crypto_ctx, &kp, seckey))
		goto done;
	if (!secp256k1_keypair_xonly_pub(crypto_ctx, &xpk, NULL, &kp))
		goto done;
	if (!secp256k1_xonly_pubkey_serialize(crypto_ctx, pubkey, &xpk))
		goto done;
	e = ERR_OK;
done:
	explicit_bzero(&kp, sizeof(kp));
	return e;
}

enum err
crypto_keygen(uint8_t seckey[32])
{
	int	 tries;

	for (tries = 0; tries < 16; tries++) {
		if (crypto_random(seckey, 32) != 0)
			return ERR_KEY;
		if (secp256k1_ec_seckey_verify(crypto_ctx, seckey))
			return ERR_OK;
	}
	return ERR_KEY;
}

/* libsecp256k1 hashes the shared point by default; NIP-44 wants x alone. */
static int
ecdh_x_only(unsigned char *out, const unsigned char *x32,
    const unsigned char *y32, void *data)
{
	memcpy(out, x32, 32);
	return 1;
}

enum err
crypto_ecdh_x(const uint8_t seckey[32], const uint8_t pubkey[32],
    uint8_t x[32])
{
	secp256k1_pubkey pk;
	uint8_t	 comp[33], out[32];
	enum err e = ERR_OK;

	/* x-only keys have even y; the shared x is the same for either y. */
	comp[0] = 0x02;
	memcpy(comp + 1, pubkey, 32);
	if (!secp256k1_ec_pubkey_parse(crypto_ctx, &pk, comp, sizeof(comp)))
		return ERR_PUBKEY_CURVE;
	if (!secp256k1_ec_seckey_verify(crypto_ctx, seckey))
		return ERR_KEY;
	if (!secp256k1_ecdh(crypto_ctx, out, &pk, seckey, ecdh_x_only, NULL))
		e = ERR_KEY;
	else
		memcpy(x, out, 32);
	explicit_bzero(out, sizeof(out));
	return e;
}
