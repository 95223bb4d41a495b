/*
 * test-bech32.c: bech32 and NIP-19 against the assembled NIP-19 vector file
 * (valid entities decode to the listed data and re-encode; checksum-valid
 * but malformed and invalid ones fail), the BIP-173 and BIP-350 example
 * strings, and crafted defects: case, checksum, length, padding, TLV shape.
 * Crafted strings come from ref_encode, a separate textbook encoder that can
 * also write bech32m checksums and overlong strings, which the module under
 * test refuses to produce.
 */
#include "testutil.h"

#include <ctype.h>
#include <stdbool.h>

#include "bech32.h"

#define BECH32M_CONST	0x2bc830a3

static const char ref_charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t
ref_polymod(const uint8_t *v, size_t n)
{
	static const uint32_t g[5] = {
		0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3
	};
	uint32_t chk = 1, top;
	size_t	 i;
	int	 j;

	for (i = 0; i < n; i++) {
		top = chk >> 25;
		chk = (chk & 0x1ffffff) << 5 ^ v[i];
		for (j = 0; j < 5; j++)
			if ((top >> j) & 1)
				chk ^= g[j];
	}
	return chk;
}

/*
 * Writes hrp, '1', the 5-bit words w[0..n) and a checksum for constant cnst
 * (1 for bech32) to out, which the caller sizes.
 */
static void
ref_encode(const char *hrp, const uint8_t *w, size_t n, uint32_t cnst,
    char *out)
{
	size_t	 hl = strlen(hrp), i, k = 0;
	uint8_t	*ex = malloc(2 * hl + 1 + n + 6);
	uint32_t chk;

	assert_non_null(ex);
	for (i = 0; i < hl; i++)
		ex[k++] = (uint8_t)hrp[i] >> 5;
	ex[k++] = 0;
	for (i = 0; i < hl; i++)
		ex[k++] = (uint8_t)hrp[i] & 31;
	memcpy(ex + k, w, n);
	k += n;
	memset(ex + k, 0, 6);
	chk = ref_polymod(ex, k + 6) ^ cnst;
	memcpy(out, hrp, hl);
	out[hl] = '1';
	for (i = 0; i < n; i++)
		out[hl + 1 + i] = ref_charset[w[i]];
	for (i = 0; i < 6; i++)
		out[hl + 1 + n + i] = ref_charset[(chk >> (5 * (5 - i))) & 31];
	out[hl + 1 + n + 6] = '\0';
	free(ex);
}

/* Regroups bytes into 5-bit words with zero padding; returns the count. */
static size_t
ref_words(const uint8_t *b, size_t n, uint8_t *w)
{
	uint32_t acc = 0;
	size_t	 i, k = 0;
	int	 bits = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 8 | b[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			w[k++] = (acc >> bits) & 31;
		}
	}
	if (bits > 0)
		w[k++] = (acc << (5 - bits)) & 31;
	return k;
}

/* Bech32-encodes raw bytes with ref_encode; out must hold the result. */
static void
ref_encode_bytes(const char *hrp, const uint8_t *b, size_t n, uint32_t cnst,
    char *out)
{
	uint8_t	*w = malloc(n * 8 / 5 + 2);

	assert_non_null(w);
	ref_encode(hrp, w, ref_words(b, n, w), cnst, out);
	free(w);
}

static int
type_from_name(const char *name)
{
	int	 t;

	for (t = NIP19_NPUB; t <= NIP19_NADDR; t++)
		if (strcmp(name, nip19_hrp((enum nip19_type)t)) == 0)
			return t;
	fail_msg("unknown type %s", name);
	return -1;
}

static void
check_hex32(const char *hex, const uint8_t *got)
{
	uint8_t	 want[32];

	assert_non_null(hex);
	tu_unhex(hex, want, 32);
	assert_memory_equal(got, want, 32);
}

/* Checks the decoded fields of a TLV entity against the vector's "decoded". */
static void
check_tlv_fields(json_t *dec, const struct nip19 *n)
{
	json_t	*relays = json_object_get(dec, "relays"), *r, *j;
	size_t	 i;

	assert_int_equal(n->nrelays, json_array_size(relays));
	json_array_foreach(relays, i, r)
		assert_string_equal(n->relays[i], json_string_value(r));
	switch (n->type) {
	case NIP19_NPROFILE:
		check_hex32(json_string_value(json_object_get(dec, "pubkey")),
		    n->key);
		break;
	case NIP19_NEVENT:
		check_hex32(json_string_value(json_object_get(dec, "id")),
		    n->key);
		j = json_object_get(dec, "author");
		assert_int_equal(n->has_author, j != NULL);
		if (j != NULL)
			check_hex32(json_string_value(j), n->author);
		j = json_object_get(dec, "kind");
		assert_int_equal(n->has_kind, j != NULL);
		if (j != NULL)
			assert_int_equal(n->kind, json_integer_value(j));
		break;
	case NIP19_NADDR:
		j = json_object_get(dec, "identifier");
		assert_non_null(j);
		assert_int_equal(n->dlen, json_string_length(j));
		assert_memory_equal(n->d, json_string_value(j), n->dlen);
		assert_true(n->has_author && n->has_kind);
		check_hex32(json_string_value(json_object_get(dec, "author")),
		    n->author);
		assert_int_equal(n->kind,
		    json_integer_value(json_object_get(dec, "kind")));
		break;
	default:
		fail_msg("not a TLV type");
	}
}

/*
 * Rebuilds the TLV bytes in the vector's order and bech32-encodes them: the
 * string must come back exactly.  Returns: true if the order is ours (0, 1,
 * 2, 3 non-decreasing), in which case nip19_encode must match it too.
 */
static bool
check_tlv_bytes(json_t *dec, const char *hrp, const char *want)
{
	uint8_t	 raw[BECH32_MAX_DATA];
	char	 s[BECH32_MAX_LEN + 1];
	json_t	*e;
	size_t	 i, len = 0, vl;
	json_int_t t, prev = 0;
	bool	 ours = true;

	json_array_foreach(json_object_get(dec, "tlv"), i, e) {
		const char *hex = json_string_value(json_object_get(e,
		    "value_hex"));

		t = json_integer_value(json_object_get(e, "type"));
		if (t < prev)
			ours = false;
		prev = t;
		vl = strlen(hex) / 2;
		assert_true(len + 2 + vl <= sizeof(raw));
		raw[len++] = (uint8_t)t;
		raw[len++] = (uint8_t)vl;
		tu_unhex(hex, raw + len, vl);
		len += vl;
	}
	assert_int_equal(bech32_encode(hrp, raw, len, s, sizeof(s)), 0);
	assert_string_equal(s, want);
	return ours;
}

static void
test_vectors_valid(void **state)
{
	json_t	*root = tu_load_json("../vectors/nip19/nip19-vectors.json");
	json_t	*v;
	size_t	 i, n = 0, exact = 0;

	json_array_foreach(json_object_get(root, "valid"), i, v) {
		const char *s = json_string_value(json_object_get(v, "bech32"));
		json_t	*dec = json_object_get(v, "decoded");
		const char *tname = json_string_value(json_object_get(dec,
		    "type"));
		struct nip19 e, e2;
		char	 out[BECH32_MAX_LEN + 1];

		assert_non_null(s);
		if (nip19_decode(s, &e) != 0)
			fail_msg("%s: does not decode", s);
		assert_int_equal(e.type, type_from_name(tname));
		assert_int_equal(nip19_encode(&e, out, sizeof(out)), 0);
		assert_int_equal(nip19_decode(out, &e2), 0);
		assert_true(nip19_equal(&e, &e2));
		if (e.type <= NIP19_NOTE) {
			check_hex32(json_string_value(json_object_get(dec,
			    "hex")), e.key);
			assert_string_equal(out, s);
			exact++;
		} else {
			check_tlv_fields(dec, &e);
			if (check_tlv_bytes(dec, tname, s)) {
				assert_string_equal(out, s);
				exact++;
			}
		}
		n++;
	}
	assert_int_equal(n, 26);
	assert_int_equal(exact, 25);	/* one naddr has relays last */
	json_decref(root);
}

/*
 * Checksum-valid strings whose nevent author is 64 bytes (hex text as
 * ASCII).  go-nostr rejects them, rust-nostr drops the author; we reject,
 * since NIP-19 gives the author a fixed length.
 */
static void
test_vectors_malformed(void **state)
{
	json_t	*root = tu_load_json("../vectors/nip19/nip19-vectors.json");
	json_t	*v;
	size_t	 i, n = 0;

	json_array_foreach(json_object_get(root,
	    "malformed_but_checksum_valid"), i, v) {
		const char *s = json_string_value(json_object_get(v, "bech32"));
		char	 hrp[BECH32_MAX_HRP + 1];
		uint8_t	 data[BECH32_MAX_DATA];
		size_t	 len;
		struct nip19 e;

		assert_int_equal(bech32_decode(s, hrp, sizeof(hrp), data,
		    sizeof(data), &len), 0);
		assert_string_equal(hrp, "nevent");
		assert_int_equal(nip19_decode(s, &e), -1);
		n++;
	}
	assert_int_equal(n, 2);
	json_decref(root);
}

static void
test_vectors_invalid(void **state)
{
	json_t	*root = tu_load_json("../vectors/nip19/nip19-vectors.json");
	json_t	*v;
	size_t	 i, n = 0;

	json_array_foreach(json_object_get(root, "invalid"), i, v) {
		const char *s = json_string_value(json_object_get(v, "bech32"));
		struct nip19 e;

		memset(&e, 0x5a, sizeof(e));
		if (nip19_decode(s, &e) != -1)
			fail_msg("%s: decodes (%s)", s, json_string_value(
			    json_object_get(v, "why")));
		/* Out-parameters are written only on success. */
		assert_int_equal(((unsigned char *)&e)[0], 0x5a);
		n++;
	}
	assert_int_equal(n, 7);
	json_decref(root);
}

/* The example strings of BIP-173 and BIP-350, typed in from the BIPs. */
static void
test_bip173(void **state)
{
	static const char *valid[] = {
		"A12UEL5L",
		"a12uel5l",
		"an83characterlonghumanreadablepartthatcontainsthenumber1and"
		    "theexcludedcharactersbio1tt5tgs",
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		"11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
		    "qqqqqqqqqqqqqqqqqqqqqqc8247j",
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
		"?1ezyfcl",
	};
	static const char *invalid[] = {
		"\x20" "1nwldj5",		/* hrp character out of range */
		"\x7f" "1axkwrx",
		"\x80" "1eym55h",
		"an84characterslonghumanreadablepartthatcontainsthenumber1and"
		    "theexcludedcharactersbio1569pvx", /* hrp too long */
		"pzry9x0s0muk",			/* no separator */
		"1pzry9x0s0muk",		/* empty hrp */
		"x1b4n0q5v",			/* invalid data character */
		"li1dgmt3",			/* checksum too short */
		"de1lg7wt\xff",			/* invalid checksum character */
		"A1G7SGD8",			/* checksum over upper-case hrp */
		"10a06t8",
		"1qzzfhee",
		/* BIP-350 bech32m strings: right checksum, wrong constant. */
		"A1LQFN3A",
		"a1lqfn3a",
		"abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
		"?1v759aa",
	};
	char	 hrp[BECH32_MAX_HRP + 1], out[BECH32_MAX_LEN + 1], low[128];
	uint8_t	 data[BECH32_MAX_DATA];
	size_t	 i, j, len;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		if (bech32_decode(valid[i], hrp, sizeof(hrp), data,
		    sizeof(data), &len) != 0)
			fail_msg("%s: does not decode", valid[i]);
		assert_int_equal(bech32_encode(hrp, data, len, out,
		    sizeof(out)), 0);
		for (j = 0; valid[i][j] != '\0'; j++)
			low[j] = (char)tolower((unsigned char)valid[i][j]);
		low[j] = '\0';
		assert_string_equal(out, low);
	}
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		if (bech32_decode(invalid[i], hrp, sizeof(hrp), data,
		    sizeof(data), &len) != -1)
			fail_msg("%s: decodes", invalid[i]);
}

/*
 * BIP-173 allows all-upper-case strings (QR codes encode them compactly),
 * so we accept them; mixed case is an error.
 */
static void
test_case(void **state)
{
	const char *s =
	    "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6";
	char	 up[128], out[128];
	struct nip19 a, b;
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		up[i] = (char)toupper((unsigned char)s[i]);
	up[i] = '\0';
	assert_int_equal(nip19_decode(s, &a), 0);
	assert_int_equal(nip19_decode(up, &b), 0);
	assert_true(nip19_equal(&a, &b));
	assert_int_equal(nip19_encode(&b, out, sizeof(out)), 0);
	assert_string_equal(out, s);	/* we write lower case */

	up[0] = 'n';			/* one lower-case letter */
	assert_int_equal(nip19_decode(up, &b), -1);
	memcpy(up, s, strlen(s) + 1);
	up[19] = (char)toupper((unsigned char)up[19]);
	assert_int_equal(nip19_decode(up, &b), -1);

	/* The encoder refuses an upper-case hrp rather than folding it. */
	assert_int_equal(bech32_encode("NPUB", a.key, 32, out, sizeof(out)),
	    -1);
}

/* Every single-character substitution must be caught (BCH guarantee). */
static void
test_checksum(void **state)
{
	const char *s =
	    "nprofile1qqsrhuxx8l9ex335q7he0f09aej04zpazpl0ne2cgukyawd24mayt8g"
	    "pp4mhxue69uhhytnc9e3k7mgpz4mhxue69uhkg6nzv9ejuumpv34kytnrdaksjlyr9p";
	char	 t[256], out[256];
	uint8_t	 key[32];
	struct nip19 e;
	size_t	 i, n = strlen(s), k;

	for (i = 0; i < n; i++) {
		if (i < 9)
			continue;	/* "nprofile1": changes the hrp */
		for (k = 0; k < 32; k++) {
			if (ref_charset[k] == s[i])
				continue;
			memcpy(t, s, n + 1);
			t[i] = ref_charset[k];
			if (nip19_decode(t, &e) != -1)
				fail_msg("%s: decodes", t);
		}
	}
	/* A changed hrp breaks the checksum too. */
	memcpy(t, s, n + 1);
	t[1] = 'q';
	assert_int_equal(nip19_decode(t, &e), -1);

	/* The same key with a bech32m checksum. */
	tu_unhex("3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d",
	    key, 32);
	ref_encode_bytes("npub", key, 32, BECH32M_CONST, out);
	assert_int_equal(nip19_decode(out, &e), -1);
	ref_encode_bytes("npub", key, 32, 1, out);
	assert_int_equal(nip19_decode(out, &e), 0);
	assert_memory_equal(e.key, key, 32);
	assert_string_equal(out,
	    "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6");
}

/* NIP-19's 5000-character cap replaces BIP-173's 90. */
static void
test_length(void **state)
{
	static uint8_t w[BECH32_MAX_LEN];
	static char s[BECH32_MAX_LEN + 16], out[BECH32_MAX_LEN + 1];
	static uint8_t data[BECH32_MAX_DATA + 8];
	char	 hrp[BECH32_MAX_HRP + 1];
	size_t	 i, len;

	for (i = 0; i < sizeof(w); i++)
		w[i] = (uint8_t)(i * 7 % 32);
	/* 1 + 1 + 4992 + 6 = 5000 characters, exactly 3120 bytes. */
	ref_encode("a", w, 4992, 1, s);
	assert_int_equal(strlen(s), 5000);
	assert_int_equal(bech32_decode(s, hrp, sizeof(hrp), data,
	    sizeof(data), &len), 0);
	assert_int_equal(len, BECH32_MAX_DATA);
	assert_int_equal(bech32_encode(hrp, data, len, out, sizeof(out)), 0);
	assert_string_equal(out, s);
	/* One byte short of room: refused, not truncated. */
	assert_int_equal(bech32_decode(s, hrp, sizeof(hrp), data,
	    BECH32_MAX_DATA - 1, &len), -1);
	assert_int_equal(bech32_encode(hrp, data, len, out, 5000), -1);
	/* 5001 characters with a valid checksum. */
	ref_encode("ab", w, 4992, 1, s);
	assert_int_equal(strlen(s), 5001);
	assert_int_equal(bech32_decode(s, hrp, sizeof(hrp), data,
	    sizeof(data), &len), -1);
	assert_int_equal(bech32_encode("ab", data, BECH32_MAX_DATA, out,
	    sizeof(out)), -1);
	/* Over BIP-173's 90 is fine. */
	ref_encode("a", w, 96, 1, s);
	assert_int_equal(strlen(s), 104);
	assert_int_equal(bech32_decode(s, hrp, sizeof(hrp), data,
	    sizeof(data), &len), 0);
	assert_int_equal(len, 60);
	/* The hrp must fit the caller's buffer. */
	assert_int_equal(bech32_decode(s, hrp, 1, data, sizeof(data), &len),
	    -1);
	assert_int_equal(bech32_decode(s, hrp, 2, data, sizeof(data), &len),
	    0);
}

/* BIP-173: at most 4 padding bits, and they must be zero. */
static void
test_padding(void **state)
{
	uint8_t	 w[64], data[64];
	char	 s[128], hrp[16];
	size_t	 len;

	memset(w, 0, sizeof(w));
	/* 52 words = 260 bits = 32 bytes + 4 padding bits. */
	ref_encode("npub", w, 52, 1, s);
	assert_int_equal(bech32_decode(s, hrp, sizeof(hrp), data,
	    sizeof(data), &len), 0);
	assert_int_equal(len, 32);
	w[51] = 1;			/* a padding bit set */
	ref_encode("npub", w, 52, 1, s);
	assert_int_equal(bech32_decode(s, hrp, sizeof(hrp), data,
	    sizeof(data), &len), -1);
	w[51] = 0x10;			/* the last data bit: fine */
	ref_encode("npub", w, 52, 1, s);
	assert_int_equal(bech32_decode(s, hrp, sizeof(hrp), data,
	    sizeof(data), &len), 0);
	assert_int_equal(data[31], 1);
	/* 57 words = 285 bits: 35 bytes and a whole word of padding. */
	memset(w, 0, sizeof(w));
	ref_encode("npub", w, 57, 1, s);
	assert_int_equal(bech32_decode(s, hrp, sizeof(hrp), data,
	    sizeof(data), &len), -1);
}

/* Encodes raw TLV bytes under hrp with the module's own encoder. */
static int
decode_raw(const char *hrp, const uint8_t *b, size_t n, struct nip19 *e)
{
	char	 s[BECH32_MAX_LEN + 1];

	assert_int_equal(bech32_encode(hrp, b, n, s, sizeof(s)), 0);
	return nip19_decode(s, e);
}

/* Appends one TLV to b at *n. */
static void
put(uint8_t *b, size_t *n, uint8_t t, uint8_t l, uint8_t fill)
{
	b[(*n)++] = t;
	b[(*n)++] = l;
	memset(b + *n, fill, l);
	*n += l;
}

static void
test_tlv_defects(void **state)
{
	uint8_t	 b[4096];
	size_t	 n;
	struct nip19 e;

	/* The truncated-TLV vector; the decoder must stop, not loop. */
	assert_int_equal(nip19_decode("nevent1qq5v4rkz", &e), -1);
	/* Empty data, a lone type byte, a length past the end. */
	assert_int_equal(decode_raw("nevent", b, 0, &e), -1);
	b[0] = 0;
	assert_int_equal(decode_raw("nevent", b, 1, &e), -1);
	n = 0;
	put(b, &n, 0, 32, 0xaa);
	b[1] = 33;
	assert_int_equal(decode_raw("nprofile", b, n, &e), -1);
	/* A good special, then a relay cut short. */
	n = 0;
	put(b, &n, 0, 32, 0xaa);
	assert_int_equal(decode_raw("nprofile", b, n, &e), 0);
	put(b, &n, 1, 5, 'w');
	assert_int_equal(decode_raw("nprofile", b, n, &e), 0);
	assert_int_equal(decode_raw("nprofile", b, n - 1, &e), -1);
	assert_int_equal(decode_raw("nprofile", b, n - 6, &e), -1);

	/* Wrong lengths. */
	n = 0;
	put(b, &n, 0, 31, 0xaa);
	assert_int_equal(decode_raw("nevent", b, n, &e), -1);
	n = 0;
	put(b, &n, 0, 33, 0xaa);
	assert_int_equal(decode_raw("nprofile", b, n, &e), -1);
	n = 0;
	put(b, &n, 0, 32, 0xaa);
	put(b, &n, 2, 31, 0xbb);
	assert_int_equal(decode_raw("nevent", b, n, &e), -1);
	n = 0;
	put(b, &n, 0, 32, 0xaa);
	put(b, &n, 3, 2, 0x01);
	assert_int_equal(decode_raw("nevent", b, n, &e), -1);
	n = 0;
	put(b, &n, 0, 32, 0xaa);
	put(b, &n, 3, 8, 0x01);
	assert_int_equal(decode_raw("nevent", b, n, &e), -1);

	/* Missing or repeated fields. */
	n = 0;
	put(b, &n, 1, 5, 'w');
	assert_int_equal(decode_raw("nevent", b, n, &e), -1);
	n = 0;
	put(b, &n, 0, 32, 0xaa);
	put(b, &n, 0, 32, 0xaa);
	assert_int_equal(decode_raw("nevent", b, n, &e), -1);
	n = 0;
	put(b, &n, 0, 32, 0xaa);
	put(b, &n, 2, 32, 0xbb);
	put(b, &n, 2, 32, 0xbb);
	assert_int_equal(decode_raw("nevent", b, n, &e), -1);
	n = 0;
	put(b, &n, 0, 3, 'x');
	put(b, &n, 2, 32, 0xbb);
	assert_int_equal(decode_raw("naddr", b, n, &e), -1);	/* no kind */
	put(b, &n, 3, 4, 0x00);
	assert_int_equal(decode_raw("naddr", b, n, &e), 0);
	put(b, &n, 3, 4, 0x00);
	assert_int_equal(decode_raw("naddr", b, n, &e), -1);	/* 2 kinds */
	n = 0;
	put(b, &n, 0, 3, 'x');
	put(b, &n, 3, 4, 0x00);
	assert_int_equal(decode_raw("naddr", b, n, &e), -1);	/* no author */
	n = 0;
	put(b, &n, 2, 32, 0xbb);
	put(b, &n, 3, 4, 0x00);
	assert_int_equal(decode_raw("naddr", b, n, &e), -1);	/* no d */

	/* Relays carrying control, space or non-ASCII bytes. */
	n = 0;
	put(b, &n, 0, 32, 0xaa);
	put(b, &n, 1, 4, 'w');
	b[n - 1] = '\0';
	assert_int_equal(decode_raw("nprofile", b, n, &e), -1);
	b[n - 1] = ' ';
	assert_int_equal(decode_raw("nprofile", b, n, &e), -1);
	b[n - 1] = (uint8_t)0xc3;
	assert_int_equal(decode_raw("nprofile", b, n, &e), -1);
	b[n - 1] = 0x1b;
	assert_int_equal(decode_raw("nprofile", b, n, &e), -1);

	/* Bare entities take exactly 32 bytes. */
	memset(b, 0xaa, 33);
	assert_int_equal(decode_raw("npub", b, 31, &e), -1);
	assert_int_equal(decode_raw("nsec", b, 33, &e), -1);
	assert_int_equal(decode_raw("note", b, 0, &e), -1);
	assert_int_equal(decode_raw("note", b, 32, &e), 0);
}

static void
test_tlv_lenient(void **state)
{
	uint8_t	 b[8192];
	size_t	 n, i;
	struct nip19 e;
	char	 out[BECH32_MAX_LEN + 1];

	/* Unknown types, and 2 and 3 in an nprofile, are skipped. */
	n = 0;
	put(b, &n, 7, 10, 0x11);
	put(b, &n, 0, 32, 0xaa);
	put(b, &n, 2, 5, 0x22);
	put(b, &n, 3, 0, 0);
	put(b, &n, 255, 255, 0x33);
	put(b, &n, 1, 9, 'r');
	assert_int_equal(decode_raw("nprofile", b, n, &e), 0);
	assert_int_equal(e.type, NIP19_NPROFILE);
	assert_int_equal(e.nrelays, 1);
	assert_string_equal(e.relays[0], "rrrrrrrrr");
	assert_false(e.has_author);

	/* Empty relays are dropped; after 16 the rest are dropped too. */
	n = 0;
	put(b, &n, 0, 32, 0xaa);
	put(b, &n, 1, 0, 0);
	for (i = 0; i < 20; i++)
		put(b, &n, 1, 10, (uint8_t)('a' + i));
	assert_int_equal(decode_raw("nevent", b, n, &e), 0);
	assert_int_equal(e.nrelays, NIP19_MAX_RELAYS);
	assert_string_equal(e.relays[0], "aaaaaaaaaa");
	assert_string_equal(e.relays[15], "pppppppppp");
	assert_false(e.has_author);
	assert_false(e.has_kind);
	assert_int_equal(nip19_encode(&e, out, sizeof(out)), 0);

	/* naddr: empty d, kind above 65535, any bytes in d. */
	n = 0;
	put(b, &n, 3, 4, 0xff);
	put(b, &n, 2, 32, 0xbb);
	put(b, &n, 0, 0, 0);
	assert_int_equal(decode_raw("naddr", b, n, &e), 0);
	assert_int_equal(e.dlen, 0);
	assert_int_equal(e.kind, 0xffffffffu);
	n = 0;
	put(b, &n, 0, 255, 0x00);
	b[5] = 0xff;
	put(b, &n, 2, 32, 0xbb);
	put(b, &n, 3, 4, 0x01);
	assert_int_equal(decode_raw("naddr", b, n, &e), 0);
	assert_int_equal(e.dlen, 255);
	assert_memory_equal(e.d, b + 2, 255);
	assert_int_equal(e.kind, 0x01010101u);
}

/* A valid string under the wrong hrp is not an entity. */
static void
test_hrp(void **state)
{
	uint8_t	 key[32];
	char	 s[256];
	struct nip19 e;

	memset(key, 0x42, sizeof(key));
	assert_int_equal(bech32_encode("nostr", key, 32, s, sizeof(s)), 0);
	assert_int_equal(nip19_decode(s, &e), -1);
	assert_int_equal(bech32_encode("npubx", key, 32, s, sizeof(s)), 0);
	assert_int_equal(nip19_decode(s, &e), -1);
	assert_int_equal(bech32_encode("nrelay", key, 32, s, sizeof(s)), 0);
	assert_int_equal(nip19_decode(s, &e), -1);
	/* 32 bare bytes under a TLV hrp: 0x42 0x42 reads as a bad TLV. */
	assert_int_equal(bech32_encode("nprofile", key, 32, s, sizeof(s)), 0);
	assert_int_equal(nip19_decode(s, &e), -1);
	/* The type follows the hrp. */
	assert_int_equal(bech32_encode("nsec", key, 32, s, sizeof(s)), 0);
	assert_int_equal(nip19_decode(s, &e), 0);
	assert_int_equal(e.type, NIP19_NSEC);
	assert_string_equal(nip19_hrp(NIP19_NADDR), "naddr");
	assert_null(nip19_hrp((enum nip19_type)6));
}

static void
test_encode_limits(void **state)
{
	struct nip19 e, d;
	char	 out[BECH32_MAX_LEN + 1];
	size_t	 i;

	memset(&e, 0, sizeof(e));
	e.type = NIP19_NPUB;
	memset(e.key, 0x01, 32);
	/* 4 + 1 + 52 + 6 = 63 characters. */
	assert_int_equal(nip19_encode(&e, out, 63), -1);
	assert_int_equal(nip19_encode(&e, out, 64), 0);
	assert_int_equal(strlen(out), 63);

	e.type = NIP19_NADDR;
	e.dlen = 3;
	memcpy(e.d, "a\0b", 3);
	assert_int_equal(nip19_encode(&e, out, sizeof(out)), -1);
	e.has_author = true;
	assert_int_equal(nip19_encode(&e, out, sizeof(out)), -1);
	e.has_kind = true;
	e.kind = 30023;
	assert_int_equal(nip19_encode(&e, out, sizeof(out)), 0);
	assert_int_equal(nip19_decode(out, &d), 0);
	assert_true(nip19_equal(&e, &d));
	assert_memory_equal(d.d, "a\0b", 3);
	e.dlen = 256;
	assert_int_equal(nip19_encode(&e, out, sizeof(out)), -1);
	e.dlen = 3;

	/* Relays: the decoder's rules, and the count cap. */
	strcpy(e.relays[0], "wss://x y");
	e.nrelays = 1;
	assert_int_equal(nip19_encode(&e, out, sizeof(out)), -1);
	e.relays[0][0] = '\0';
	assert_int_equal(nip19_encode(&e, out, sizeof(out)), -1);
	for (i = 0; i < NIP19_MAX_RELAYS; i++)
		snprintf(e.relays[i], sizeof(e.relays[i]), "wss://r%zu.example",
		    i);
	e.nrelays = NIP19_MAX_RELAYS;
	assert_int_equal(nip19_encode(&e, out, sizeof(out)), 0);
	assert_int_equal(nip19_decode(out, &d), 0);
	assert_true(nip19_equal(&e, &d));
	e.nrelays = NIP19_MAX_RELAYS + 1;
	assert_int_equal(nip19_encode(&e, out, sizeof(out)), -1);
	/* 16 relays of 255 bytes do not fit in 5000 characters. */
	for (i = 0; i < NIP19_MAX_RELAYS; i++)
		memset(e.relays[i], 'w', NIP19_MAX_VALUE);
	e.nrelays = NIP19_MAX_RELAYS;
	assert_int_equal(nip19_encode(&e, out, sizeof(out)), -1);
	e.nrelays = 11;
	assert_int_equal(nip19_encode(&e, out, sizeof(out)), 0);
	assert_int_equal(nip19_decode(out, &d), 0);
	assert_true(nip19_equal(&e, &d));

	e.type = (enum nip19_type)6;
	assert_int_equal(nip19_encode(&e, out, sizeof(out)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_valid),
		cmocka_unit_test(test_vectors_malformed),
		cmocka_unit_test(test_vectors_invalid),
		cmocka_unit_test(test_bip173),
		cmocka_unit_test(test_case),
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_tlv_defects),
		cmocka_unit_test(test_tlv_lenient),
		cmocka_unit_test(test_hrp),
		cmocka_unit_test(test_encode_limits),
	};

	return cmocka_run_group_tests_name("bech32", tests, NULL, NULL);
}
