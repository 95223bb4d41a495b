/*
 * test-custody.c: the custody log's lines (custody.c): each writer's text
 * parses back to the same fields, the parsers refuse anything else (a
 * changed byte, a reordered field, a non-canonical string), and the chain
 * steps through stubs as through lines.
 */
#include "testutil.h"

#include <openssl/sha.h>

#include "custody.h"

static void
sample(struct custody_line *l)
{
	memset(l, 0, sizeof(*l));
	l->seq = 7;
	l->at = 1767225600;
	memset(l->id, 0x11, 32);
	l->via = CUSTODY_CLIENT;
	memset(l->src, 0x22, 32);
	memset(l->prev, 0x33, 32);
}

static void
test_line_roundtrip(void **state)
{
	struct custody_line l, back;
	struct buf b;
	int	 v;

	buf_init(&b, 0);
	sample(&l);
	custody_line_write(&l, &b);
	assert_string_equal(b.p, "{\"seq\":7,\"at\":1767225600,\"id\":\""
	    "1111111111111111111111111111111111111111111111111111111111111111"
	    "\",\"via\":\"client\",\"src\":\""
	    "2222222222222222222222222222222222222222222222222222222222222222"
	    "\",\"prev\":\""
	    "3333333333333333333333333333333333333333333333333333333333333333"
	    "\"}");
	assert_int_equal(custody_line_parse(b.p, b.len, &back), ERR_OK);
	assert_memory_equal(&back, &l, sizeof(l));
	for (v = 0; v < CUSTODY__COUNT; v++) {
		enum custody_via w;
		const char *name = custody_via_name((enum custody_via)v);

		assert_true(custody_via_parse(name, strlen(name), &w));
		assert_int_equal(w, v);
		l.via = (enum custody_via)v;
		buf_reset(&b);
		custody_line_write(&l, &b);
		assert_int_equal(custody_line_parse(b.p, b.len, &back), ERR_OK);
		assert_int_equal(back.via, v);
	}
	buf_free(&b);
}

static void
test_line_refused(void **state)
{
	struct custody_line l, back;
	struct buf b;
	size_t	 i;
	char	*c;
	static const char *bad[] = {
		"",
		"{}",
		"{\"seq\":0,\"at\":1,\"id\":\"" /* seq 0 */
		"1111111111111111111111111111111111111111111111111111111111111111"
		"\",\"via\":\"client\",\"src\":\""
		"2222222222222222222222222222222222222222222222222222222222222222"
		"\",\"prev\":\""
		"3333333333333333333333333333333333333333333333333333333333333333"
		"\"}",
		"{\"seq\":01,\"at\":1,\"id\":\"" /* leading zero */
		"1111111111111111111111111111111111111111111111111111111111111111"
		"\",\"via\":\"client\",\"src\":\""
		"2222222222222222222222222222222222222222222222222222222222222222"
		"\",\"prev\":\""
		"3333333333333333333333333333333333333333333333333333333333333333"
		"\"}",
		"{\"at\":1,\"seq\":1,\"id\":\"" /* order */
		"1111111111111111111111111111111111111111111111111111111111111111"
		"\",\"via\":\"client\",\"src\":\""
		"2222222222222222222222222222222222222222222222222222222222222222"
		"\",\"prev\":\""
		"3333333333333333333333333333333333333333333333333333333333333333"
		"\"}",
		"{\"seq\":1,\"at\":1,\"id\":\"" /* unknown via */
		"1111111111111111111111111111111111111111111111111111111111111111"
		"\",\"via\":\"pigeon\",\"src\":\""
		"2222222222222222222222222222222222222222222222222222222222222222"
		"\",\"prev\":\""
		"3333333333333333333333333333333333333333333333333333333333333333"
		"\"}",
	};

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(custody_line_parse(bad[i], strlen(bad[i]),
		    &back), ERR_CUSTODY);
	buf_init(&b, 0);
	sample(&l);
	custody_line_write(&l, &b);
	/* Every truncation, and a trailing byte. */
	for (i = 0; i < b.len; i++)
		assert_int_equal(custody_line_parse(b.p, i, &back), ERR_CUSTODY);
	buf_putc(&b, ' ');
	assert_int_equal(custody_line_parse(b.p, b.len, &back), ERR_CUSTODY);
	b.len--;
	/* Upper-case hex is not the line the writer wrote. */
	c = strstr(b.p, "1111");
	*c = 'A';
	assert_int_equal(custody_line_parse(b.p, b.len, &back), ERR_CUSTODY);
	buf_free(&b);
}

static void
test_source(void **state)
{
	struct custody_source s, back;
	uint8_t	 salt[CUSTODY_SALT];
	char	 longf[400];
	struct buf b;
	static const char *bad[] = {
		"{\"seq\":1,\"from\":\"\\u0041\",\"salt\":\"" /* escape not needed */
		"00000000000000000000000000000000\"}",
		"{\"seq\":1,\"from\":\"a\\/b\",\"salt\":\""
		"00000000000000000000000000000000\"}",
		"{\"seq\":1,\"from\":\"a\",\"salt\":\"0000\"}",
		"{\"seq\":1,\"from\":\"\\u0000\",\"salt\":\""
		"00000000000000000000000000000000\"}",
	};
	size_t	 i;

	memset(salt, 0xa5, sizeof(salt));
	buf_init(&b, 0);
	custody_source_set(&s, 3, "ws://192.168.1.31:4848/ \"q\"\n\x01", salt);
	custody_source_write(&s, &b);
	assert_string_equal(b.p, "{\"seq\":3,\"from\":\"ws://192.168.1.31:4848/"
	    " \\\"q\\\"\\n\\u0001\",\"salt\":\"a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5\"}");
	assert_int_equal(custody_source_parse(b.p, b.len, &back), ERR_OK);
	assert_memory_equal(&back, &s, sizeof(s));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(custody_source_parse(bad[i], strlen(bad[i]),
		    &back), ERR_CUSTODY);
	/* Long sources are cut at a character; bad UTF-8 becomes '?'. */
	memset(longf, 0, sizeof(longf));
	for (i = 0; i + 2 < 300; i += 2)
		memcpy(longf + i, "\xd0\x96", 2);
	custody_source_set(&s, 4, longf, salt);
	assert_true(strlen(s.from) <= CUSTODY_FROM_MAX);
	assert_int_equal(strlen(s.from) % 2, 0);
	custody_source_set(&s, 5, "/media/\xff\xfeusb", salt);
	assert_string_equal(s.from, "/media/??usb");
	buf_reset(&b);
	custody_source_write(&s, &b);
	assert_int_equal(custody_source_parse(b.p, b.len, &back), ERR_OK);
	buf_free(&b);
}

static void
test_chain_and_stub(void **state)
{
	struct custody_line l;
	struct buf b;
	uint8_t	 zero[32], c1[32], c2[32], d[32], want[32], in[64];
	uint64_t seq;

	memset(zero, 0, 32);
	buf_init(&b, 0);
	sample(&l);
	custody_line_write(&l, &b);
	custody_chain(zero, b.p, b.len, c1);
	SHA256((const uint8_t *)b.p, b.len, d);
	memcpy(in, zero, 32);
	memcpy(in + 32, d, 32);
	SHA256(in, 64, want);
	assert_memory_equal(c1, want, 32);
	/* A stub carries the digest, and the chain is the same. */
	buf_reset(&b);
	custody_stub_write(9, d, &b);
	assert_int_equal(custody_stub_parse(b.p, b.len, &seq, want), ERR_OK);
	assert_int_equal(seq, 9);
	assert_memory_equal(want, d, 32);
	custody_chain_digest(zero, d, c2);
	assert_memory_equal(c1, c2, 32);
	assert_int_equal(custody_stub_parse(b.p, b.len - 1, &seq, want),
	    ERR_CUSTODY);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_roundtrip),
		cmocka_unit_test(test_line_refused),
		cmocka_unit_test(test_source),
		cmocka_unit_test(test_chain_and_stub),
	};

	return cmocka_run_group_tests_name("custody", tests, NULL, NULL);
}
