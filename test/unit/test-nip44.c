/*
 * test-nip44.c: NIP-44 v2 against the official vectors (test/vectors/
 * nip44: every valid and invalid case, the long messages by checksum, the
 * extended-length table), and sealed archives (seal.c) built on it:
 * round trips, and every way a chunk can be changed, dropped, reordered
 * or opened with the wrong key.
 */
#include "testutil.h"

#include <openssl/sha.h>

#include "nip44.h"
#include "seal.h"

#define V(o, k)	json_string_value(json_object_get((o), (k)))
#define G(r, a, b) json_object_get(json_object_get(json_object_get((r), \
	"v2"), (a)), (b))

static json_t *
vectors(void)
{
	return tu_load_json("../vectors/nip44/nip44.vectors.json");
}

static void
test_conversation_key(void **state)
{
	json_t	*root = vectors(), *v;
	uint8_t	 sk[32], pk[32], want[32], got[32];
	size_t	 i;

	json_array_foreach(G(root, "valid", "get_conversation_key"),
	    i, v) {
		tu_unhex(V(v, "sec1"), sk, 32);
		tu_unhex(V(v, "pub2"), pk, 32);
		tu_unhex(V(v, "conversation_key"), want, 32);
		assert_int_equal(nip44_conversation_key(sk, pk, got), ERR_OK);
		assert_memory_equal(got, want, 32);
	}
	json_array_foreach(G(root, "invalid", "get_conversation_key"),
	    i, v) {
		tu_unhex(V(v, "sec1"), sk, 32);
		tu_unhex(V(v, "pub2"), pk, 32);
		assert_int_not_equal(nip44_conversation_key(sk, pk, got), ERR_OK);
	}
	json_decref(root);
}

static void
test_message_keys(void **state)
{
	json_t	*root = vectors(), *mk, *v;
	uint8_t	 conv[32], nonce[32], ck[32], cn[12], hk[32], w[32];
	size_t	 i;

	mk = G(root, "valid", "get_message_keys");
	tu_unhex(V(mk, "conversation_key"), conv, 32);
	json_array_foreach(json_object_get(mk, "keys"), i, v) {
		tu_unhex(V(v, "nonce"), nonce, 32);
		nip44_message_keys(conv, nonce, ck, cn, hk);
		tu_unhex(V(v, "chacha_key"), w, 32);
		assert_memory_equal(ck, w, 32);
		tu_unhex(V(v, "chacha_nonce"), w, 12);
		assert_memory_equal(cn, w, 12);
		tu_unhex(V(v, "hmac_key"), w, 32);
		assert_memory_equal(hk, w, 32);
	}
	json_decref(root);
}

static void
test_padded_len(void **state)
{
	json_t	*root = vectors(), *v;
	size_t	 i;

	json_array_foreach(G(root, "valid", "calc_padded_len"), i, v)
		assert_int_equal(nip44_padded_len((uint64_t)json_integer_value(
		    json_array_get(v, 0))), json_integer_value(
		    json_array_get(v, 1)));
	json_decref(root);
}

static void
test_encrypt_decrypt(void **state)
{
	json_t	*root = vectors(), *v;
	uint8_t	 sk1[32], sk2[32], pk1[32], pk2[32], conv[32], c2[32];
	uint8_t	 want[32], nonce[32];
	struct buf b, p;
	const char *pt;
	size_t	 i;

	buf_init(&b, 0);
	buf_init(&p, 0);
	json_array_foreach(G(root, "valid", "encrypt_decrypt"), i, v) {
		tu_unhex(V(v, "sec1"), sk1, 32);
		tu_unhex(V(v, "sec2"), sk2, 32);
		tu_unhex(V(v, "conversation_key"), want, 32);
		tu_unhex(V(v, "nonce"), nonce, 32);
		assert_int_equal(crypto_pubkey(sk1, pk1), ERR_OK);
		assert_int_equal(crypto_pubkey(sk2, pk2), ERR_OK);
		assert_int_equal(nip44_conversation_key(sk1, pk2, conv), ERR_OK);
		assert_memory_equal(conv, want, 32);
		assert_int_equal(nip44_conversation_key(sk2, pk1, c2), ERR_OK);
		assert_memory_equal(c2, want, 32);
		pt = V(v, "plaintext");
		buf_reset(&b);
		assert_int_equal(nip44_encrypt(conv, nonce, (const uint8_t *)pt,
		    strlen(pt), NIP44_CLASSIC_MAX, &b), ERR_OK);
		assert_string_equal(b.p, V(v, "payload"));
		buf_reset(&p);
		assert_int_equal(nip44_decrypt(c2, b.p, b.len,
		    NIP44_CLASSIC_MAX, &p), ERR_OK);
		assert_int_equal(p.len, strlen(pt));
		assert_memory_equal(p.p, pt, p.len);
	}
	buf_free(&b);
	buf_free(&p);
	json_decref(root);
}

/* plaintext = pattern repeated; compare sha256 of plaintext and payload. */
static void
long_case(const char *convhex, const char *noncehex, const char *pat,
    size_t repeat, const char *psha, const char *paysha, size_t max)
{
	uint8_t	 conv[32], nonce[32], want[32], got[32];
	size_t	 pl = strlen(pat), i;
	struct buf pt, b, back;

	tu_unhex(convhex, conv, 32);
	tu_unhex(noncehex, nonce, 32);
	buf_init(&pt, 0);
	buf_init(&b, 0);
	buf_init(&back, 0);
	for (i = 0; i < repeat; i++)
		buf_append(&pt, pat, pl);
	assert_false(pt.err);
	SHA256((const uint8_t *)pt.p, pt.len, got);
	tu_unhex(psha, want, 32);
	assert_memory_equal(got, want, 32);
	assert_int_equal(nip44_encrypt(conv, nonce, (const uint8_t *)pt.p,
	    pt.len, max, &b), ERR_OK);
	SHA256((const uint8_t *)b.p, b.len, got);
	tu_unhex(paysha, want, 32);
	assert_memory_equal(got, want, 32);
	assert_int_equal(nip44_decrypt(conv, b.p, b.len, max, &back), ERR_OK);
	assert_int_equal(back.len, pt.len);
	assert_memory_equal(back.p, pt.p, pt.len);
	buf_free(&pt);
	buf_free(&b);
	buf_free(&back);
}

static void
test_long_messages(void **state)
{
	json_t	*root = vectors(), *v, *ext;
	size_t	 i;

	json_array_foreach(G(root, "valid", "encrypt_decrypt_long_msg"), i, v)
		long_case(V(v, "conversation_key"), V(v, "nonce"),
		    V(v, "pattern"), (size_t)json_integer_value(
		    json_object_get(v, "repeat")), V(v, "plaintext_sha256"),
		    V(v, "payload_sha256"), NIP44_CLASSIC_MAX);
	json_decref(root);
	/* The 6-byte prefix past 65,535 bytes, as 44.md now allows. */
	ext = tu_load_json("../vectors/nip44/nip44-extended-length.json");
	json_array_foreach(json_object_get(ext, "vectors"), i, v)
		long_case(V(ext, "conversation_key"), V(ext, "nonce"), "a",
		    (size_t)json_integer_value(json_object_get(v,
		    "plaintext_len")), V(v, "plaintext_sha256"),
		    V(v, "payload_sha256"), NIP44_MAX);
	json_decref(ext);
}

static void
test_invalid(void **state)
{
	json_t	*root = vectors(), *v;
	uint8_t	 conv[32], nonce[32], one = 'a', *big;
	struct buf b;
	size_t	 i, n;

	buf_init(&b, 0);
	json_array_foreach(G(root, "invalid", "decrypt"), i, v) {
		tu_unhex(V(v, "conversation_key"), conv, 32);
		buf_reset(&b);
		assert_int_not_equal(nip44_decrypt(conv, V(v, "payload"),
		    strlen(V(v, "payload")), NIP44_CLASSIC_MAX, &b), ERR_OK);
	}
	/* Lengths the classic limit refuses (65536 and up are valid past it). */
	memset(conv, 1, 32);
	memset(nonce, 2, 32);
	json_array_foreach(G(root, "invalid", "encrypt_msg_lengths"), i, v) {
		n = (size_t)json_integer_value(v);
		big = calloc(n > 0 ? n : 1, 1);
		assert_non_null(big);
		buf_reset(&b);
		assert_int_equal(nip44_encrypt(conv, nonce, n ? big : &one, n,
		    NIP44_CLASSIC_MAX, &b), ERR_NIP44);
		free(big);
	}
	buf_free(&b);
	json_decref(root);
}

/* A sealed stream of n bytes in chunks, opened again. */
static void
test_seal_roundtrip(void **state)
{
	uint8_t	 alice[32], bob[32], apk[32], bpk[32], nonce[32], to[32];
	uint8_t	 from[32];
	uint8_t	*data, *rec, *out;
	struct seal s, o;
	struct buf h;
	size_t	 n = 3 * SEAL_DATA + 17, off, len, got = 0, rl, take;
	bool	 last = false;
	uint64_t k = 0;

	assert_int_equal(crypto_keygen(alice), ERR_OK);
	assert_int_equal(crypto_keygen(bob), ERR_OK);
	crypto_pubkey(alice, apk);
	crypto_pubkey(bob, bpk);
	data = malloc(n);
	rec = malloc(SEAL_RECORD * 5);
	out = malloc(n + SEAL_RECORD);
	assert_non_null(data);
	assert_non_null(rec);
	assert_non_null(out);
	for (off = 0; off < n; off++)
		data[off] = (uint8_t)(off * 7);
	buf_init(&h, 0);
	seal_header_write(bpk, apk, &h);
	assert_true(seal_sniff((const uint8_t *)h.p, h.len));
	assert_int_equal(seal_header_parse(h.p, h.len - 1, to, from), ERR_OK);
	assert_memory_equal(to, bpk, 32);
	assert_memory_equal(from, apk, 32);
	assert_int_equal(seal_init_send(&s, alice, bpk), ERR_OK);
	assert_int_equal(seal_init_open(&o, bob, apk), ERR_OK);
	assert_memory_equal(s.conv, o.conv, 32);
	for (off = 0, rl = 0; off < n; off += take) {
		take = n - off > SEAL_DATA ? SEAL_DATA : n - off;
		memset(nonce, (int)k++, 32);
		assert_int_equal(seal_chunk(&s, nonce, data + off, take,
		    off + take == n, rec + rl, &len), ERR_OK);
		assert_true(len <= SEAL_RECORD);
		rl += len;
	}
	/* Open each record in turn. */
	for (off = 0; off < rl; ) {
		size_t	 pl = (size_t)rec[off] << 24 | (size_t)rec[off + 1] << 16 |
		    (size_t)rec[off + 2] << 8 | rec[off + 3];

		assert_false(last);
		assert_int_equal(seal_open(&o, rec + off + 4, pl, out + got,
		    &len, &last), ERR_OK);
		got += len;
		off += 4 + pl;
	}
	assert_true(last);
	assert_int_equal(got, n);
	assert_memory_equal(out, data, n);
	buf_free(&h);
	free(data);
	free(rec);
	free(out);
}

static void
test_seal_tamper(void **state)
{
	uint8_t	 a[32], b[32], c[32], apk[32], bpk[32], nonce[32];
	uint8_t	 r0[SEAL_RECORD], r1[SEAL_RECORD], out[SEAL_RECORD];
	size_t	 l0, l1, len;
	struct seal s, o;
	bool	 last;

	crypto_keygen(a);
	crypto_keygen(b);
	crypto_keygen(c);
	crypto_pubkey(a, apk);
	crypto_pubkey(b, bpk);
	memset(nonce, 9, 32);
	seal_init_send(&s, a, bpk);
	assert_int_equal(seal_chunk(&s, nonce, (const uint8_t *)"first", 5,
	    false, r0, &l0), ERR_OK);
	nonce[0] = 1;
	assert_int_equal(seal_chunk(&s, nonce, (const uint8_t *)"second", 6,
	    true, r1, &l1), ERR_OK);
	/* Wrong key. */
	seal_init_open(&o, c, apk);
	assert_int_equal(seal_open(&o, r0 + 4, l0 - 4, out, &len, &last),
	    ERR_NIP44_MAC);
	/* Out of order: chunk 1 first. */
	seal_init_open(&o, b, apk);
	assert_int_equal(seal_open(&o, r1 + 4, l1 - 4, out, &len, &last),
	    ERR_ARCHIVE);
	/* A changed byte. */
	seal_init_open(&o, b, apk);
	r0[50] ^= 1;
	assert_int_equal(seal_open(&o, r0 + 4, l0 - 4, out, &len, &last),
	    ERR_NIP44_MAC);
	r0[50] ^= 1;
	/* Repeated chunk, then anything after the last. */
	seal_init_open(&o, b, apk);
	assert_int_equal(seal_open(&o, r0 + 4, l0 - 4, out, &len, &last),
	    ERR_OK);
	assert_false(last);
	assert_int_equal(seal_open(&o, r0 + 4, l0 - 4, out, &len, &last),
	    ERR_ARCHIVE);
	seal_init_open(&o, b, apk);
	seal_open(&o, r0 + 4, l0 - 4, out, &len, &last);
	assert_int_equal(seal_open(&o, r1 + 4, l1 - 4, out, &len, &last),
	    ERR_OK);
	assert_true(last);
	assert_int_equal(len, 6);
	assert_memory_equal(out, "second", 6);
	assert_int_equal(seal_open(&o, r1 + 4, l1 - 4, out, &len, &last),
	    ERR_ARCHIVE);
	assert_int_equal(seal_header_parse("{\"sealed\":1}", 12, a, b),
	    ERR_ARCHIVE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conversation_key),
		cmocka_unit_test(test_message_keys),
		cmocka_unit_test(test_padded_len),
		cmocka_unit_test(test_encrypt_decrypt),
		cmocka_unit_test(test_long_messages),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_seal_roundtrip),
		cmocka_unit_test(test_seal_tamper),
	};

	crypto_init();
	return cmocka_run_group_tests_name("nip44", tests, NULL, NULL);
}
