/*
 * test-event.c: event parsing, canonical serialization, ids and signatures
 * against the NIP-01 vectors (derived serialization set and real signed
 * events) and the official BIP-340 CSV.
 */
#include "testutil.h"

#include "buf.h"
#include "crypto.h"
#include "event.h"
#include "hex.h"

static char scratch[EVENT_SCRATCH(1 << 20)];

static enum err
parse(const char *s, struct event *ev)
{
	return event_parse(s, strlen(s), NULL, ev, scratch, sizeof(scratch));
}

static void
test_serialization_vectors(void **state)
{
	json_t	*root = tu_load_json("../vectors/nip01/nip01-serialization-derived.json");
	json_t	*v;
	size_t	 i;
	struct buf b, tmp;

	buf_init(&b, 0);
	buf_init(&tmp, 0);
	json_array_foreach(json_object_get(root, "vectors"), i, v) {
		json_t	*jev = json_object_get(v, "event");
		char	*txt = json_dumps(jev, JSON_COMPACT | JSON_ENSURE_ASCII);
		struct event ev;
		uint8_t	 id[32];
		const char *ser = json_string_value(json_object_get(v, "serialized"));

		assert_non_null(txt);
		assert_int_equal(parse(txt, &ev), ERR_OK);
		buf_reset(&b);
		event_commitment(&ev, &b);
		assert_non_null(ser);
		if (b.len != strlen(ser) || memcmp(b.p, ser, b.len) != 0)
			fail_msg("%s: serialization differs:\n got %s\nwant %s",
			    json_string_value(json_object_get(v, "name")), b.p, ser);
		event_compute_id(&ev, &tmp, id);
		assert_memory_equal(id, ev.id, 32);
		assert_int_equal(event_check(&ev, &tmp), ERR_OK);
		free(txt);
	}
	buf_free(&b);
	buf_free(&tmp);
	json_decref(root);
}

/*
 * Real signed events must verify; the same events with one content byte or
 * one signature byte changed must not (the spec examples listed under
 * do_not_use in the vector file carry no bodies, so we make our own).
 */
static void
test_verified_events(void **state)
{
	json_t	*root = tu_load_json("../vectors/nip01/nip01-verified-events.json");
	json_t	*v;
	size_t	 i, n = 0;
	struct buf tmp;

	buf_init(&tmp, 0);
	json_array_foreach(json_object_get(root, "valid"), i, v) {
		json_t	*jev = json_object_get(v, "event");
		char	*txt, *p;
		struct event ev;

		txt = json_dumps(jev, JSON_COMPACT);
		if (json_object_get(jev, "sig") == NULL) {
			/* A NIP-59 rumor: unsigned, so not an event. */
			assert_int_equal(parse(txt, &ev), ERR_FIELD_MISSING);
			free(txt);
			continue;
		}
		assert_int_equal(parse(txt, &ev), ERR_OK);
		assert_int_equal(event_check(&ev, &tmp), ERR_OK);
		/* Flip the last hex digit of the signature. */
		p = strstr(txt, "\"sig\":\"") + 7 + 127;
		*p = *p == '0' ? '1' : '0';
		assert_int_equal(parse(txt, &ev), ERR_OK);
		assert_int_equal(event_check(&ev, &tmp), ERR_BAD_SIG);
		free(txt);
		/* Change the content. */
		json_object_set_new(jev, "content", json_string("edited"));
		txt = json_dumps(jev, JSON_COMPACT);
		assert_int_equal(parse(txt, &ev), ERR_OK);
		assert_int_equal(event_check(&ev, &tmp), ERR_ID_MISMATCH);
		free(txt);
		n++;
	}
	assert_true(n >= 10);
	buf_free(&tmp);
	json_decref(root);
}

static void
test_bip340_csv(void **state)
{
	char	*csv = tu_read_file("../vectors/bip340/test-vectors.csv", NULL);
	char	*line, *save = NULL;
	int	 rows = 0, pass;
	struct crypto_keys *keys = calloc(1, sizeof(*keys));

	assert_non_null(keys);

	line = strtok_r(csv, "\n", &save);	/* header */
	while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
		char	*f[8], *p = line;
		int	 k;
		uint8_t	 sk[32], pk[32], aux[32], msg[128], sig[64], out[64];
		size_t	 mlen;

		for (k = 0; k < 8; k++) {
			f[k] = p;
			p = strchr(p, ',');
			if (p == NULL && k < 7)
				fail_msg("short CSV row");
			if (p)
				*p++ = '\0';
		}
		mlen = strlen(f[4]) / 2;
		tu_unhex(f[2], pk, 32);
		tu_unhex(f[4], msg, mlen);
		tu_unhex(f[5], sig, 64);
		if (f[1][0] != '\0') {
			uint8_t	 derived[32];

			tu_unhex(f[1], sk, 32);
			tu_unhex(f[3], aux, 32);
			assert_int_equal(crypto_pubkey(sk, derived), ERR_OK);
			assert_memory_equal(derived, pk, 32);
			assert_int_equal(crypto_sign(sk, msg, mlen, aux, out),
			    ERR_OK);
			assert_memory_equal(out, sig, 64);
		}
		if (strcmp(f[6], "TRUE") == 0)
			assert_int_equal(crypto_verify(sig, msg, mlen, pk), ERR_OK);
		else
			assert_int_not_equal(crypto_verify(sig, msg, mlen, pk),
			    ERR_OK);
		/* With parsed keys: the same answer, parsed or remembered. */
		for (pass = 0; pass < 2; pass++)
			assert_int_equal(crypto_verify_with(keys, sig, msg,
			    mlen, pk), crypto_verify(sig, msg, mlen, pk));
		rows++;
	}
	assert_int_equal(rows, 19);
	/* Keys off the curve are never remembered, so every pass parsed them. */
	assert_true(keys->hits > 0 && keys->misses > 0);
	free(keys);
	free(csv);
}

/* A key whose slot another key takes is parsed again, never mistaken. */
static void
test_verify_keys(void **state)
{
	struct crypto_keys *keys = calloc(1, sizeof(*keys));
	uint8_t	 sk[2][32], pk[2][32], sig[2][64], msg[32] = { 7 }, bad[32];
	unsigned slot, i;
	int	 tries = 0;

	(void)state;
	assert_non_null(keys);
	assert_int_equal(crypto_keygen(sk[0]), ERR_OK);
	assert_int_equal(crypto_pubkey(sk[0], pk[0]), ERR_OK);
	slot = ((unsigned)pk[0][0] << 8 | pk[0][1]) % CRYPTO_KEYS;
	do {			/* a second key for the same slot */
		assert_int_equal(crypto_keygen(sk[1]), ERR_OK);
		assert_int_equal(crypto_pubkey(sk[1], pk[1]), ERR_OK);
		assert_true(++tries < 100000);
	} while (((unsigned)pk[1][0] << 8 | pk[1][1]) % CRYPTO_KEYS != slot ||
	    memcmp(pk[0], pk[1], 32) == 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(crypto_sign(sk[i], msg, 32, NULL, sig[i]),
		    ERR_OK);
	for (i = 0; i < 6; i++) {
		assert_int_equal(crypto_verify_with(keys, sig[i % 2], msg, 32,
		    pk[i % 2]), ERR_OK);
		/* One key's signature under the other's key fails. */
		assert_int_equal(crypto_verify_with(keys, sig[i % 2], msg, 32,
		    pk[(i + 1) % 2]), ERR_BAD_SIG);
	}
	/* A remembered key, a signature over another message: refused. */
	msg[0] ^= 1;
	assert_int_equal(crypto_verify_with(keys, sig[0], msg, 32, pk[0]),
	    ERR_BAD_SIG);
	/* Bytes that are not a key (x >= p): refused, never remembered. */
	memset(bad, 0xff, 32);
	bad[31] = 0x2e;
	for (i = 0; i < 2; i++)
		assert_int_equal(crypto_verify_with(keys, sig[0], msg, 32, bad),
		    ERR_PUBKEY_CURVE);
	assert_int_equal(crypto_verify_with(NULL, sig[1], msg, 32, pk[1]),
	    ERR_BAD_SIG);
	free(keys);
}

static const char good[] =
    "{\"id\":\"475456fa7ade5ccd4f651144c68741288db33bf05ff54aa50083c53eab98a521\","
    "\"pubkey\":\"f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9\","
    "\"created_at\":1700000000,\"kind\":1,\"tags\":[],\"content\":\"hello world\","
    "\"sig\":\"160b1f48ff042712f3105b8c6f35f8276101b3229d1979be1552db8b7f3d0855976e38c82b0c37b84056073eeb9e97e76647dbb1556febf4769d3761d3fb149c\"}";

/* Replaces the first occurrence of from with to in good and parses. */
static enum err
parse_variant(const char *from, const char *to)
{
	static char tmp[4096];
	const char *at = strstr(good, from);
	struct event ev;

	assert_non_null(at);
	snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)(at - good), good, to,
	    at + strlen(from));
	return parse(tmp, &ev);
}

static void
test_strict_parse(void **state)
{
	struct event ev;
	struct buf b, tmp;

	buf_init(&b, 0);
	buf_init(&tmp, 0);
	assert_int_equal(parse(good, &ev), ERR_OK);
	assert_true(ev.raw_clean);
	event_write_json(&ev, &b);
	assert_string_equal(b.p, good);
	assert_int_equal(event_check(&ev, &tmp), ERR_OK);

	assert_int_equal(parse_variant("\"kind\":1", "\"kind\":65536"), ERR_KIND);
	assert_int_equal(parse_variant("\"kind\":1", "\"kind\":-1"), ERR_KIND);
	assert_int_equal(parse_variant("\"kind\":1", "\"kind\":1.0"), ERR_KIND);
	assert_int_equal(parse_variant("\"kind\":1", "\"kind\":\"1\""), ERR_KIND);
	assert_int_equal(parse_variant("1700000000", "1.7e9"), ERR_CREATED_AT);
	assert_int_equal(parse_variant("1700000000", "-1"), ERR_CREATED_AT);
	assert_int_equal(parse_variant("1700000000", "9223372036854775808"),
	    ERR_CREATED_AT);
	assert_int_equal(parse_variant("1700000000", "9223372036854775807"),
	    ERR_OK);
	assert_int_equal(parse_variant("1700000000", "01700000000"), ERR_CREATED_AT);
	assert_int_equal(parse_variant("475456fa", "475456FA"), ERR_ID_HEX);
	assert_int_equal(parse_variant("\"f9308a01", "\"f9308a0"), ERR_PUBKEY_HEX);
	assert_int_equal(parse_variant("\"tags\":[]", "\"tags\":[[]]"), ERR_TAGS);
	assert_int_equal(parse_variant("\"tags\":[]", "\"tags\":[[1]]"), ERR_TAGS);
	assert_int_equal(parse_variant("\"tags\":[]", "\"tags\":[[\"a\",null]]"), ERR_TAGS);
	assert_int_equal(parse_variant("\"tags\":[]", "\"tags\":{}"), ERR_TAGS);
	assert_int_equal(parse_variant("\"tags\":[]", "\"tags\":[],\"kind\":2"),
	    ERR_FIELD_DUP);
	assert_int_equal(parse_variant("\"tags\":[],", ""), ERR_FIELD_MISSING);
	assert_int_equal(parse_variant("\"hello world\"", "\"\\ud800\""), ERR_UTF8);
	assert_int_equal(parse_variant("\"hello world\"", "\"\\udc00\""), ERR_UTF8);
	assert_int_equal(parse_variant("\"hello world\"", "\"\xc3\x28\""), ERR_UTF8);
	assert_int_equal(parse_variant("\"hello world\"", "\"\xed\xa0\x80\""), ERR_UTF8);
	assert_int_equal(parse_variant("\"hello world\"", "\"\xc0\xaf\""), ERR_UTF8);
	assert_int_equal(parse_variant("\"hello world\"", "\"a\nb\""), ERR_JSON);
	assert_int_equal(parse_variant("\"hello world\"", "5"), ERR_CONTENT);
	assert_int_equal(parse_variant("\"hello world\"", "\"x\\q\""), ERR_JSON);
	assert_int_equal(parse_variant("}", "} x"), ERR_JSON);
	assert_int_equal(parse_variant("}", ""), ERR_JSON);
	assert_int_equal(parse("[1,2]", &ev), ERR_NOT_OBJECT);
	assert_int_equal(parse("", &ev), ERR_JSON);
	assert_int_equal(parse("{", &ev), ERR_JSON);
	/* Unknown fields are ignored for the id but make raw unclean. */
	assert_int_equal(parse_variant("\"kind\":1", "\"kind\":1,\"x\":[{}]"), ERR_OK);

	/* Content with escapes decodes; the id must still match. */
	buf_free(&b);
	buf_free(&tmp);
}

static void
test_escape_roundtrip(void **state)
{
	static const char content[] = "a\"b\\c\n\r\t\b\f\x01\x1f\x7f/<>&\xe2\x80\xa8 \xf0\x9f\xa4\x99";
	struct event ev, ev2;
	struct buf b, tmp;
	uint8_t	 sk[32] = { 0 };
	char	*s;

	sk[31] = 3;
	buf_init(&b, 0);
	buf_init(&tmp, 0);
	memset(&ev, 0, sizeof(ev));
	ev.created_at = 4102444800ULL;
	ev.kind = 1;
	ev.content.p = content;
	ev.content.n = sizeof(content) - 1;
	assert_int_equal(event_sign(&ev, sk, &tmp), ERR_OK);
	event_commitment(&ev, &b);
	assert_non_null(strstr(b.p, ",4102444800,1,[],\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\x7f/<>&"));
	buf_reset(&b);
	event_write_json(&ev, &b);
	s = strdup(b.p);
	assert_int_equal(parse(s, &ev2), ERR_OK);
	assert_int_equal(ev2.content.n, ev.content.n);
	assert_memory_equal(ev2.content.p, content, ev.content.n);
	assert_int_equal(event_check(&ev2, &tmp), ERR_OK);
	free(s);
	buf_free(&b);
	buf_free(&tmp);
}

static void
test_classes_and_tags(void **state)
{
	assert_int_equal(event_class(0), EVENT_REPLACEABLE);
	assert_int_equal(event_class(3), EVENT_REPLACEABLE);
	assert_int_equal(event_class(1), EVENT_REGULAR);
	assert_int_equal(event_class(41), EVENT_REGULAR);
	assert_int_equal(event_class(10002), EVENT_REPLACEABLE);
	assert_int_equal(event_class(19999), EVENT_REPLACEABLE);
	assert_int_equal(event_class(20000), EVENT_EPHEMERAL);
	assert_int_equal(event_class(30023), EVENT_ADDRESSABLE);
	assert_int_equal(event_class(40000), EVENT_REGULAR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serialization_vectors),
		cmocka_unit_test(test_verified_events),
		cmocka_unit_test(test_bip340_csv),
		cmocka_unit_test(test_verify_keys),
		cmocka_unit_test(test_strict_parse),
		cmocka_unit_test(test_escape_roundtrip),
		cmocka_unit_test(test_classes_and_tags),
	};

	if (crypto_init() != 0)
		return 1;
	return cmocka_run_group_tests_name("event", tests, NULL, NULL);
}
