/*
 * test-b64.c: base64 against RFC 4648's section 10 vectors in both
 * forms, every byte value through both alphabets, and the strict and
 * loose decoders' refusals: padding, alphabets, stray '=', short output.
 * Also hex.h beside it: hex_value, the either-case digit, and
 * hex_decode on every byte value.
 */
#include "testutil.h"

#include "b64.h"

static const struct {
	const char *plain, *std, *url;
} rfc[] = {
	{ "", "", "" },
	{ "f", "Zg==", "Zg" },
	{ "fo", "Zm8=", "Zm8" },
	{ "foo", "Zm9v", "Zm9v" },
	{ "foob", "Zm9vYg==", "Zm9vYg" },
	{ "fooba", "Zm9vYmE=", "Zm9vYmE" },
	{ "foobar", "Zm9vYmFy", "Zm9vYmFy" },
};

static void
encode(const void *p, size_t n, bool url, struct buf *b)
{
	buf_reset(b);
	b64_encode(b, p, n, url);
	assert_false(b->err);
	buf_putc(b, '\0');
}

static void
test_rfc4648(void **state)
{
	struct buf b;
	uint8_t	 out[16];
	size_t	 i, n;

	buf_init(&b, 1024);
	for (i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
		n = strlen(rfc[i].plain);
		encode(rfc[i].plain, n, false, &b);
		assert_string_equal(b.p, rfc[i].std);
		encode(rfc[i].plain, n, true, &b);
		assert_string_equal(b.p, rfc[i].url);
		assert_int_equal(b64_decode(rfc[i].std, strlen(rfc[i].std),
		    out, sizeof(out), true), n);
		assert_memory_equal(out, rfc[i].plain, n);
		/* The loose form takes both, padded or not. */
		assert_int_equal(b64_decode(rfc[i].std, strlen(rfc[i].std),
		    out, sizeof(out), false), n);
		assert_memory_equal(out, rfc[i].plain, n);
		assert_int_equal(b64_decode(rfc[i].url, strlen(rfc[i].url),
		    out, sizeof(out), false), n);
		assert_memory_equal(out, rfc[i].plain, n);
	}
	buf_free(&b);
}

static void
test_alphabets(void **state)
{
	struct buf b;
	uint8_t	 all[256], out[256];
	size_t	 i;

	for (i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	buf_init(&b, 1024);
	encode(all, sizeof(all), false, &b);
	assert_non_null(strchr(b.p, '+'));
	assert_non_null(strchr(b.p, '/'));
	assert_int_equal(b64_decode(b.p, strlen(b.p), out, sizeof(out), true),
	    sizeof(all));
	assert_memory_equal(out, all, sizeof(all));
	encode(all, sizeof(all), true, &b);
	assert_null(strpbrk(b.p, "+/="));
	assert_int_equal(b64_decode(b.p, strlen(b.p), out, sizeof(out), false),
	    sizeof(all));
	assert_memory_equal(out, all, sizeof(all));
	/* The strict form knows one alphabet and wants its padding. */
	assert_int_equal(b64_decode(b.p, strlen(b.p), out, sizeof(out), true),
	    (size_t)-1);
	buf_free(&b);
}

static void
test_refused(void **state)
{
	static const char *const both[] = {
		"Z", "Zg=", "Z===", "Zg===", "=Zg=", "Zg==Zg==", "Zm9v=",
		"Zm 9v", "Zm9\n", "Zm.v",
	};
	static const char *const strict[] = { "Zg", "Zm8", "-_8=", "Zm9vYg" };
	uint8_t	 out[16];
	size_t	 i;

	for (i = 0; i < sizeof(both) / sizeof(both[0]); i++) {
		assert_int_equal(b64_decode(both[i], strlen(both[i]), out,
		    sizeof(out), true), (size_t)-1);
		assert_int_equal(b64_decode(both[i], strlen(both[i]), out,
		    sizeof(out), false), (size_t)-1);
	}
	for (i = 0; i < sizeof(strict) / sizeof(strict[0]); i++) {
		assert_int_equal(b64_decode(strict[i], strlen(strict[i]), out,
		    sizeof(out), true), (size_t)-1);
		assert_int_not_equal(b64_decode(strict[i], strlen(strict[i]),
		    out, sizeof(out), false), (size_t)-1);
	}
	/* Output that does not fit is refused, not cut. */
	assert_int_equal(b64_decode("Zm9vYmFy", 8, out, 5, true), (size_t)-1);
	assert_int_equal(b64_decode("Zm9vYmFy", 8, out, 6, true), 6);
}

static void
test_hex_value(void **state)
{
	const char *d = "0123456789abcdef", *u = "ABCDEF";
	int	 c, i;

	for (i = 0; i < 16; i++)
		assert_int_equal(hex_value(d[i]), i);
	for (i = 0; i < 6; i++)
		assert_int_equal(hex_value(u[i]), 10 + i);
	for (c = -128; c < 128; c++)
		if (strchr("0123456789abcdefABCDEF", c) == NULL || c == 0)
			assert_int_equal(hex_value((char)c), -1);
	/* hex_decode stays lowercase only. */
	assert_false(hex_is_lower("AB", 2, 1));
}

/* hex_decode: every byte in either place of a digit pair; round trips. */
static void
test_hex_decode(void **state)
{
	const char *d = "0123456789abcdef";
	uint8_t	 in[100], out[100], one;
	char	 s[201], pair[3];
	int	 c, i;

	(void)state;
	for (c = 0; c < 256; c++) {
		const char *at = c == 0 ? NULL : strchr(d, c);

		pair[0] = (char)c;
		pair[1] = '7';
		pair[2] = '\0';
		one = 0xaa;
		assert_int_equal(hex_decode(pair, 2, &one, 1), at != NULL);
		assert_int_equal(one, at ? (at - d) << 4 | 7 : 0xaa);
		pair[0] = '7';
		pair[1] = (char)c;
		assert_int_equal(hex_decode(pair, 2, &one, 1), at != NULL);
		if (at)
			assert_int_equal(one, 0x70 | (at - d));
	}
	for (i = 0; i < 100; i++)
		in[i] = (uint8_t)(i * 37 + 11);
	hex_encode(in, 100, s);		/* past the 64-byte fast path */
	assert_true(hex_decode(s, 200, out, 100));
	assert_memory_equal(in, out, 100);
	hex_encode(in, 32, s);
	memset(out, 0, sizeof(out));
	assert_true(hex_decode(s, 64, out, 32));
	assert_memory_equal(in, out, 32);
	s[63] = 'g';			/* the last digit bad: out untouched */
	memset(out, 0x55, 32);
	assert_false(hex_decode(s, 64, out, 32));
	assert_int_equal(out[31], 0x55);
	assert_false(hex_decode(s, 62, out, 32));	/* wrong length */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4648),
		cmocka_unit_test(test_alphabets),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_hex_value),
		cmocka_unit_test(test_hex_decode),
	};

	return cmocka_run_group_tests_name("b64", tests, NULL, NULL);
}
