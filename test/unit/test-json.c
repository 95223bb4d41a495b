/*
 * test-json.c: the strict scanner of core/json.c.  Strings (escapes,
 * surrogate pairs, refused bytes), integers, skipping every value type
 * strictly and loosely up to JSON_MAX_DEPTH, the array and hex-field
 * look-ups, UTF-8 and white space.  Inputs are copied into buffers of
 * exactly their length, so that ASan catches any read at or past end;
 * values cut short by end must be refused, never read past.
 */
#include "testutil.h"

#include "buf.h"
#include "json.h"

/* A heap copy of [s, s+n) with nothing after it. */
static char *
exact(const char *s, size_t n)
{
	char	*p = malloc(n > 0 ? n : 1);

	assert_non_null(p);
	memcpy(p, s, n);
	return p;
}

/* json_str over exactly the n bytes of s; decoded bytes in out. */
static enum err
str_n(const char *s, size_t n, char *out, size_t *outlen, bool *esc,
    size_t *used)
{
	char	*p = exact(s, n);
	const char *o = NULL, *next = NULL;
	char	 buf[512];
	size_t	 ol = 0;
	bool	 e = false;
	enum err r;

	assert_true(n <= sizeof(buf));
	r = json_str(p, p + n, buf, &o, &ol, &e, &next);
	if (r == ERR_OK) {
		/* Unescaped strings point into the input, escaped into out. */
		assert_ptr_equal(o, e ? buf : p + 1);
		assert_true(next > p && next <= p + n);
		assert_int_equal(next[-1], '"');
		if (out != NULL)
			memcpy(out, o, ol);
		if (outlen != NULL)
			*outlen = ol;
		if (esc != NULL)
			*esc = e;
		if (used != NULL)
			*used = (size_t)(next - p);
	}
	free(p);
	return r;
}

static enum err
str(const char *s)
{
	return str_n(s, strlen(s), NULL, NULL, NULL, NULL);
}

/* Decodes s and compares the bytes with want (wn bytes). */
static void
expect_str(const char *s, const char *want, size_t wn, bool want_esc)
{
	char	 out[512];
	size_t	 n;
	bool	 esc;

	if (str_n(s, strlen(s), out, &n, &esc, NULL) != ERR_OK)
		fail_msg("json_str refused %s", s);
	assert_int_equal(n, wn);
	assert_memory_equal(out, want, wn);
	assert_int_equal(esc, want_esc);
}

static void
test_str_plain(void **state)
{
	size_t	 used, n;
	char	 out[64];

	expect_str("\"\"", "", 0, false);
	expect_str("\"abc\"", "abc", 3, false);
	/* DEL, '/' and non-ASCII UTF-8 are taken verbatim. */
	expect_str("\"a\x7f/\xc3\xa9\xe2\x82\xac\xf0\x9f\xa4\x99\"",
	    "a\x7f/\xc3\xa9\xe2\x82\xac\xf0\x9f\xa4\x99", 12, false);
	/* next is just past the closing quote, whatever follows. */
	assert_int_equal(str_n("\"ab\",\"cd\"", 9, out, &n, NULL, &used),
	    ERR_OK);
	assert_int_equal(used, 4);
	assert_int_equal(n, 2);
	/* Without out, outp and outlen, it validates only. */
	{
		const char s[] = "\"x\\ny\"";
		const char *next;

		assert_int_equal(json_str(s, s + sizeof(s) - 1, NULL, NULL,
		    NULL, NULL, &next), ERR_OK);
		assert_ptr_equal(next, s + sizeof(s) - 1);
	}
}

static void
test_str_escapes(void **state)
{
	expect_str("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8,
	    true);
	expect_str("\"\\u0041\"", "A", 1, true);
	expect_str("\"\\u00e9\\u00E9\"", "\xc3\xa9\xc3\xa9", 4, true);
	expect_str("\"\\u20ac\"", "\xe2\x82\xac", 3, true);
	expect_str("\"\\uffff\"", "\xef\xbf\xbf", 3, true);
	/* \u0000 is a real NUL byte, counted in the length. */
	expect_str("\"a\\u0000b\"", "a\0b", 3, true);
	/* Text before and after the first escape is kept. */
	expect_str("\"ab\\ncd\xc3\xa9\"", "ab\ncd\xc3\xa9", 7, true);
	/* Surrogate pairs become one 4-byte sequence, in either case. */
	expect_str("\"\\ud83e\\udd19\"", "\xf0\x9f\xa4\x99", 4, true);
	expect_str("\"\\uD83E\\uDD19\"", "\xf0\x9f\xa4\x99", 4, true);
	expect_str("\"\\ud800\\udc00\"", "\xf0\x90\x80\x80", 4, true);
	expect_str("\"\\udbff\\udfff\"", "\xf4\x8f\xbf\xbf", 4, true);
	expect_str("\"x\\ud83e\\udd19y\"", "x\xf0\x9f\xa4\x99y", 6, true);
}

static void
test_str_refused(void **state)
{
	/* Lone surrogates, high or low, or a high one with no low after. */
	assert_int_equal(str("\"\\ud83e\""), ERR_UTF8);
	assert_int_equal(str("\"\\ud83exxxxxx\""), ERR_UTF8);
	assert_int_equal(str("\"\\ud83e\\u0041\""), ERR_UTF8);
	assert_int_equal(str("\"\\ud83e\\ud83e\""), ERR_UTF8);
	assert_int_equal(str("\"\\ud83e\\n\""), ERR_UTF8);
	assert_int_equal(str("\"\\udd19\""), ERR_UTF8);
	assert_int_equal(str("\"\\udd19\\ud83e\""), ERR_UTF8);
	/* Raw control bytes, in the fast path and after an escape. */
	assert_int_equal(str("\"a\x01\""), ERR_JSON);
	assert_int_equal(str("\"a\n\""), ERR_JSON);
	assert_int_equal(str("\"a\x1f\""), ERR_JSON);
	assert_int_equal(str("\"\\n\t\""), ERR_JSON);
	assert_int_equal(str_n("\"a\0b\"", 5, NULL, NULL, NULL, NULL),
	    ERR_JSON);
	/* Bad escapes. */
	assert_int_equal(str("\"\\x\""), ERR_JSON);
	assert_int_equal(str("\"\\U0041\""), ERR_JSON);
	assert_int_equal(str("\"\\u12\""), ERR_JSON);
	assert_int_equal(str("\"\\u12g4\""), ERR_JSON);
	assert_int_equal(str("\"\\'\""), ERR_JSON);
	/* Not a string at all, or no closing quote. */
	assert_int_equal(str("abc"), ERR_JSON);
	assert_int_equal(str(" \"abc\""), ERR_JSON);
	assert_int_equal(str("\"abc"), ERR_JSON);
	assert_int_equal(str("\"abc\\\""), ERR_JSON);
	assert_int_equal(str("\"ab\\n"), ERR_JSON);
	assert_int_equal(str("\""), ERR_JSON);
	assert_int_equal(str_n("", 0, NULL, NULL, NULL, NULL), ERR_JSON);
}

static void
test_str_utf8(void **state)
{
	static const char *bad[] = {
		"\xc0\x80",		/* overlong NUL */
		"\xc1\xbf",		/* overlong */
		"\xe0\x80\x80",		/* overlong, 3 bytes */
		"\xe0\x9f\xbf",		/* overlong, 3 bytes */
		"\xf0\x80\x80\x80",	/* overlong, 4 bytes */
		"\xf0\x8f\xbf\xbf",	/* overlong, 4 bytes */
		"\xed\xa0\x80",		/* UTF-16 surrogate D800 */
		"\xed\xbf\xbf",		/* UTF-16 surrogate DFFF */
		"\xf4\x90\x80\x80",	/* above U+10FFFF */
		"\xf5\x80\x80\x80",
		"\xff",
		"\x80",			/* lone continuation */
		"\xbf",
		"\xc3",			/* cut short by the quote */
		"\xe2\x82",
		"\xf0\x9f\xa4",
		"\xc3\x28",		/* not a continuation */
		"\xe2\x28\xac",
	};
	char	 s[64];
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(s, sizeof(s), "\"a%sb\"", bad[i]);
		if (str(s) != ERR_UTF8)
			fail_msg("bad sequence %zu accepted (fast path)", i);
		snprintf(s, sizeof(s), "\"\\n%sb\"", bad[i]);
		if (str(s) != ERR_UTF8)
			fail_msg("bad sequence %zu accepted (after escape)", i);
		assert_false(json_utf8_valid(bad[i], strlen(bad[i])));
	}
	/* The edges that are valid. */
	expect_str("\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
	    "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"",
	    "\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
	    "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", 21, false);
	/* A sequence cut by end (no quote yet) is refused too. */
	assert_int_equal(str_n("\"\xe2\x82", 3, NULL, NULL, NULL, NULL),
	    ERR_UTF8);
	assert_int_equal(str_n("\"\\n\xf0\x9f\xa4", 6, NULL, NULL, NULL,
	    NULL), ERR_UTF8);
}

/* Every proper prefix of a string is refused, without reading past it. */
static void
test_str_cut_by_end(void **state)
{
	static const char *ok[] = {
		"\"plain text\"",
		"\"a\\u00e9\\ud83e\\udd19\\n\\\"\xc3\xa9\xf0\x9f\xa4\x99z\"",
		"\"\\u0041\"",
		"\"\\ud83e\\udd19\"",
	};
	size_t	 i, k, n;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		n = strlen(ok[i]);
		assert_int_equal(str_n(ok[i], n, NULL, NULL, NULL, NULL),
		    ERR_OK);
		for (k = 0; k < n; k++)
			if (str_n(ok[i], k, NULL, NULL, NULL, NULL) == ERR_OK)
				fail_msg("string %zu cut at %zu accepted", i,
				    k);
	}
}

/* json_u64 over exactly the bytes of s. */
static enum err
u64(const char *s, uint64_t max, uint64_t *v, size_t *used)
{
	size_t	 n = strlen(s);
	char	*p = exact(s, n);
	const char *next = NULL;
	uint64_t out = 12345;
	enum err e;

	e = json_u64(p, p + n, max, ERR_KIND, &out, &next);
	if (e == ERR_OK) {
		assert_true(next > p && next <= p + n);
		if (used != NULL)
			*used = (size_t)(next - p);
		if (v != NULL)
			*v = out;
	} else
		assert_int_equal(out, 12345);	/* written only on success */
	free(p);
	return e;
}

static void
test_u64(void **state)
{
	uint64_t v;
	size_t	 used;

	assert_int_equal(u64("0", UINT64_MAX, &v, &used), ERR_OK);
	assert_int_equal(v, 0);
	assert_int_equal(used, 1);
	assert_int_equal(u64("1700000000", UINT64_MAX, &v, &used), ERR_OK);
	assert_int_equal(v, 1700000000);
	assert_int_equal(used, 10);
	/* It stops at the first byte that is not a digit. */
	assert_int_equal(u64("42,", UINT64_MAX, &v, &used), ERR_OK);
	assert_int_equal(v, 42);
	assert_int_equal(used, 2);
	assert_int_equal(u64("7]", UINT64_MAX, &v, &used), ERR_OK);
	assert_int_equal(used, 1);
	/* Leading zeros are bad JSON. */
	assert_int_equal(u64("00", UINT64_MAX, NULL, NULL), ERR_JSON);
	assert_int_equal(u64("012", UINT64_MAX, NULL, NULL), ERR_JSON);
	/* Valid JSON numbers that are not what we take: range errors. */
	assert_int_equal(u64("-1", UINT64_MAX, NULL, NULL), ERR_KIND);
	assert_int_equal(u64("-0", UINT64_MAX, NULL, NULL), ERR_KIND);
	assert_int_equal(u64("-1.5e3", UINT64_MAX, NULL, NULL), ERR_KIND);
	assert_int_equal(u64("1.5", UINT64_MAX, NULL, NULL), ERR_KIND);
	assert_int_equal(u64("1.0", UINT64_MAX, NULL, NULL), ERR_KIND);
	assert_int_equal(u64("1e3", UINT64_MAX, NULL, NULL), ERR_KIND);
	assert_int_equal(u64("1E3", UINT64_MAX, NULL, NULL), ERR_KIND);
	assert_int_equal(u64("0.5", UINT64_MAX, NULL, NULL), ERR_KIND);
	/* Not numbers. */
	assert_int_equal(u64("-", UINT64_MAX, NULL, NULL), ERR_JSON);
	assert_int_equal(u64("-x", UINT64_MAX, NULL, NULL), ERR_JSON);
	assert_int_equal(u64("+1", UINT64_MAX, NULL, NULL), ERR_JSON);
	assert_int_equal(u64(".5", UINT64_MAX, NULL, NULL), ERR_JSON);
	assert_int_equal(u64("\"1\"", UINT64_MAX, NULL, NULL), ERR_JSON);
	assert_int_equal(u64("", UINT64_MAX, NULL, NULL), ERR_JSON);
	assert_int_equal(u64(" 1", UINT64_MAX, NULL, NULL), ERR_JSON);
	/* Exactly max is taken; one more is a range error. */
	assert_int_equal(u64("18446744073709551615", UINT64_MAX, &v, NULL),
	    ERR_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(u64("18446744073709551616", UINT64_MAX, NULL, NULL),
	    ERR_KIND);
	assert_int_equal(u64("99999999999999999999", UINT64_MAX, NULL, NULL),
	    ERR_KIND);
	assert_int_equal(u64("9223372036854775807", INT64_MAX, &v, NULL),
	    ERR_OK);
	assert_true(v == INT64_MAX);
	assert_int_equal(u64("9223372036854775808", INT64_MAX, NULL, NULL),
	    ERR_KIND);
	assert_int_equal(u64("65535", 65535, &v, NULL), ERR_OK);
	assert_int_equal(v, 65535);
	assert_int_equal(u64("65536", 65535, NULL, NULL), ERR_KIND);
	assert_int_equal(u64("65540", 65535, NULL, NULL), ERR_KIND);
	assert_int_equal(u64("100000", 65535, NULL, NULL), ERR_KIND);
	/* A max below 9 as well: no digit may pass it. */
	assert_int_equal(u64("5", 5, &v, NULL), ERR_OK);
	assert_int_equal(v, 5);
	assert_int_equal(u64("6", 5, NULL, NULL), ERR_KIND);
	assert_int_equal(u64("9", 5, NULL, NULL), ERR_KIND);
	assert_int_equal(u64("0", 0, &v, NULL), ERR_OK);
	assert_int_equal(u64("1", 0, NULL, NULL), ERR_KIND);
}

/* Skips exactly the bytes of s, strictly or loosely; *used: how far. */
static enum err
skip_n(const char *s, size_t n, bool loose, size_t *used)
{
	char	*p = exact(s, n);
	const char *next = NULL;
	enum err e;

	e = loose ? json_skip_loose(p, p + n, &next) :
	    json_skip(p, p + n, &next);
	if (e == ERR_OK) {
		assert_true(next > p && next <= p + n);
		if (used != NULL)
			*used = (size_t)(next - p);
	}
	free(p);
	return e;
}

/* s is one whole valid value, both ways. */
static void
want_value(const char *s)
{
	size_t	 used;
	int	 loose;

	for (loose = 0; loose < 2; loose++) {
		if (skip_n(s, strlen(s), loose, &used) != ERR_OK)
			fail_msg("%s refused (%s)", s, loose ? "loose" :
			    "strict");
		if (used != strlen(s))
			fail_msg("%s: stopped after %zu bytes", s, used);
	}
}

static enum err
skip_strict(const char *s)
{
	return skip_n(s, strlen(s), false, NULL);
}

static void
test_skip_types(void **state)
{
	static const char *ok[] = {
		"\"\"", "\"a\\u00e9\\n\"", "0", "-0", "7", "-12", "1.5",
		"-0.25", "1e9", "1E+9", "2.5e-3", "10", "true", "false",
		"null", "[]", "{}", "[ ]", "{ }", "[1,2,3]",
		"[ 1 , \"two\" , [ ] , { } , null , true , false ]",
		"{\"a\":1}", "{ \"a\" : 1 , \"b\" : [ {\"c\":null} ] }",
		"{\"\":\"\"}", "[\n\t\r 1\n]", "[[[[[]]]]]",
		"{\"k\":{\"k\":{\"k\":[\"v\"]}}}",
	};
	static const char *bad[] = {
		"", "tru", "nul", "fals", "True", "NULL", "[", "{", "]", "}",
		"[1,]", "[,1]", "[1 2]", "[1:2]", "{\"a\"}", "{\"a\":}",
		"{\"a\" 1}", "{1:2}", "{\"a\":1,}", "{\"a\":1 \"b\":2}",
		"{a:1}", "-", "1.", "1.e3", "1e", "1e+", ".5", "+1", "[01]",
		"[-]", "x", "'a'", "[\"\\x\"]", "{\"a\x01\":1}",
		"[\"\xc3\x28\"]", "[1,2", "{\"a\":[1}",
	};
	size_t	 i, used;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		want_value(ok[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (skip_strict(bad[i]) == ERR_OK)
			fail_msg("%s accepted", bad[i]);
	/* One value only: it stops where that value ends. */
	assert_int_equal(skip_n("01", 2, false, &used), ERR_OK);
	assert_int_equal(used, 1);
	assert_int_equal(skip_n("[1] [2]", 7, false, &used), ERR_OK);
	assert_int_equal(used, 3);
	assert_int_equal(skip_n("truex", 5, false, &used), ERR_OK);
	assert_int_equal(used, 4);
	/* No white space is skipped before the value. */
	assert_int_equal(skip_strict(" 1"), ERR_JSON);
	/* Strict strings: UTF-8 problems say so. */
	assert_int_equal(skip_strict("[\"\\ud800\"]"), ERR_UTF8);
	assert_int_equal(skip_strict("{\"\xff\":1}"), ERR_UTF8);
}

/* n nested arrays (or objects {"a":...}) around 1. */
static char *
nest(size_t n, bool obj)
{
	struct buf b;
	size_t	 i;

	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		buf_puts(&b, obj ? "{\"a\":" : "[");
	buf_putc(&b, '1');
	for (i = 0; i < n; i++)
		buf_putc(&b, obj ? '}' : ']');
	assert_false(b.err);
	return b.p;
}

static void
test_skip_depth(void **state)
{
	char	*s;
	int	 obj, loose;
	size_t	 used;

	for (obj = 0; obj < 2; obj++)
		for (loose = 0; loose < 2; loose++) {
			s = nest(JSON_MAX_DEPTH, obj);
			assert_int_equal(skip_n(s, strlen(s), loose, &used),
			    ERR_OK);
			assert_int_equal(used, strlen(s));
			free(s);
			s = nest(JSON_MAX_DEPTH + 1, obj);
			assert_int_equal(skip_n(s, strlen(s), loose, NULL),
			    ERR_JSON);
			free(s);
			s = nest(10000, obj);	/* no stack overflow either */
			assert_int_equal(skip_n(s, strlen(s), loose, NULL),
			    ERR_JSON);
			free(s);
		}
	/* Empty containers count too. */
	s = nest(JSON_MAX_DEPTH, false);
	{
		struct buf b;

		buf_init(&b, 0);
		buf_append(&b, s, JSON_MAX_DEPTH);
		buf_puts(&b, "[]");
		buf_append(&b, s + JSON_MAX_DEPTH + 1, JSON_MAX_DEPTH);
		assert_int_equal(skip_n(b.p, b.len, false, NULL), ERR_JSON);
		buf_reset(&b);
		buf_append(&b, s, JSON_MAX_DEPTH - 1);
		buf_puts(&b, "[]");
		buf_append(&b, s + JSON_MAX_DEPTH + 1, JSON_MAX_DEPTH - 1);
		assert_int_equal(skip_n(b.p, b.len, false, NULL), ERR_OK);
		buf_free(&b);
	}
	free(s);
}

static void
test_skip_loose(void **state)
{
	static const char *loose_only[] = {
		"\"\\x\"", "\"\x01\"", "\"\xff\"", "\"\\ud800\"",
		"[\"\\q\",\"\xc0\x80\"]", "{\"\xff\":\"\\z\"}",
	};
	size_t	 i, used;

	for (i = 0; i < sizeof(loose_only) / sizeof(loose_only[0]); i++) {
		assert_int_not_equal(skip_strict(loose_only[i]), ERR_OK);
		assert_int_equal(skip_n(loose_only[i], strlen(loose_only[i]),
		    true, &used), ERR_OK);
		assert_int_equal(used, strlen(loose_only[i]));
	}
	/* The rest of the grammar is still strict. */
	assert_int_equal(skip_n("[1,]", 4, true, NULL), ERR_JSON);
	assert_int_equal(skip_n("{\"a\" 1}", 7, true, NULL), ERR_JSON);
	assert_int_equal(skip_n("tru", 3, true, NULL), ERR_JSON);
	/* An escaped quote does not end a string; a backslash at end. */
	assert_int_equal(skip_n("\"a\\\"b\"", 6, true, &used), ERR_OK);
	assert_int_equal(used, 6);
	assert_int_equal(skip_n("\"a\\\"", 4, true, NULL), ERR_JSON);
	assert_int_equal(skip_n("\"a\\", 3, true, NULL), ERR_JSON);
}

/* Every proper prefix of a compound value is refused, both ways. */
static void
test_skip_cut_by_end(void **state)
{
	static const char *v[] = {
		"[1,\"two\",{\"three\":[3.5e1,-4]},null,true,false]",
		"{\"id\":\"abc\",\"tags\":[[\"e\",\"x\\\"y\"]],\"n\":0}",
		"true", "false", "null", "\"\\u00e9\"", "[[]]", "{}",
	};
	size_t	 i, k, n;
	int	 loose;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = strlen(v[i]);
		want_value(v[i]);
		for (loose = 0; loose < 2; loose++)
			for (k = 0; k < n; k++)
				if (skip_n(v[i], k, loose, NULL) == ERR_OK)
					fail_msg("%s cut at %zu accepted", v[i],
					    k);
	}
	/* A number cut by end ends where end is, without reading on. */
	{
		size_t	 used;

		assert_int_equal(skip_n("123", 2, false, &used), ERR_OK);
		assert_int_equal(used, 2);
		assert_int_equal(skip_n("1.5", 2, false, NULL), ERR_JSON);
		assert_int_equal(skip_n("1e5", 2, false, NULL), ERR_JSON);
		assert_int_equal(skip_n("-1", 1, false, NULL), ERR_JSON);
	}
}

/* json_array_at over exactly s; the element's text in out. */
static enum err
at(const char *s, size_t i, char *out, size_t outsz)
{
	size_t	 n = strlen(s);
	char	*p = exact(s, n);
	const char *a = NULL, *b = NULL;
	enum err e;

	e = json_array_at(p, p + n, i, &a, &b);
	if (e == ERR_OK) {
		assert_true(a >= p && b > a && b <= p + n);
		assert_true((size_t)(b - a) < outsz);
		memcpy(out, a, (size_t)(b - a));
		out[b - a] = '\0';
	}
	free(p);
	return e;
}

static void
test_array_at(void **state)
{
	const char *s = " [ 1 , \"t\\\"wo\" ,{\"x\":[3]},null,\n[]] ";
	char	 out[64];

	assert_int_equal(at(s, 0, out, sizeof(out)), ERR_OK);
	assert_string_equal(out, "1");
	assert_int_equal(at(s, 1, out, sizeof(out)), ERR_OK);
	assert_string_equal(out, "\"t\\\"wo\"");
	assert_int_equal(at(s, 2, out, sizeof(out)), ERR_OK);
	assert_string_equal(out, "{\"x\":[3]}");
	assert_int_equal(at(s, 3, out, sizeof(out)), ERR_OK);
	assert_string_equal(out, "null");
	assert_int_equal(at(s, 4, out, sizeof(out)), ERR_OK);
	assert_string_equal(out, "[]");
	assert_int_equal(at(s, 5, out, sizeof(out)), ERR_JSON);
	/* What is inside is not judged, only where it ends. */
	assert_int_equal(at("[\"\x01\\q\",2]", 1, out, sizeof(out)), ERR_OK);
	assert_string_equal(out, "2");
	/* Not an array, an empty one, a broken one, one cut short. */
	assert_int_equal(at("{\"a\":1}", 0, out, sizeof(out)), ERR_JSON);
	assert_int_equal(at("", 0, out, sizeof(out)), ERR_JSON);
	assert_int_equal(at("   ", 0, out, sizeof(out)), ERR_JSON);
	assert_int_equal(at("[]", 0, out, sizeof(out)), ERR_JSON);
	assert_int_equal(at("[1 2]", 1, out, sizeof(out)), ERR_JSON);
	assert_int_equal(at("[1,", 1, out, sizeof(out)), ERR_JSON);
	assert_int_equal(at("[1,\"ab", 1, out, sizeof(out)), ERR_JSON);
	assert_int_equal(at("[1,{\"a\":", 1, out, sizeof(out)), ERR_JSON);
	assert_int_equal(at("[", 0, out, sizeof(out)), ERR_JSON);
}

static bool
find(const char *s, size_t n, const char *key, uint8_t out[32])
{
	char	*p = exact(s, n);
	bool	 r = json_find_hex_field(p, p + n, key, out, 32);

	free(p);
	return r;
}

#define H64	"00112233445566778899aabbccddeeff" \
		"0123456789abcdef0123456789abcdef"

static void
test_find_hex_field(void **state)
{
	uint8_t	 id[32], want[32];
	char	 s[512];

	tu_unhex(H64, want, 32);
	snprintf(s, sizeof(s), "{\"id\":\"%s\"}", H64);
	memset(id, 0, 32);
	assert_true(find(s, strlen(s), "id", id));
	assert_memory_equal(id, want, 32);
	/* After other keys, with nested values and white space. */
	snprintf(s, sizeof(s), " { \"kind\" : 1 , \"tags\":[[\"id\",\"x\"]],"
	    "\"content\":\"\\\"id\\\":\" , \"id\" : \"%s\" ,\"sig\":1}", H64);
	memset(id, 0, 32);
	assert_true(find(s, strlen(s), "id", id));
	assert_memory_equal(id, want, 32);
	/* Tolerant of what is broken after it: it is for broken events. */
	snprintf(s, sizeof(s), "{\"id\":\"%s\",\"pubkey\":\x01 nonsense", H64);
	assert_true(find(s, strlen(s), "id", id));
	/* A later key of the same name is found if the first is not hex. */
	snprintf(s, sizeof(s), "{\"id\":5,\"id\":\"%s\"}", H64);
	assert_true(find(s, strlen(s), "id", id));
	/* Not found: nested, another key, wrong length, case, type. */
	snprintf(s, sizeof(s), "{\"x\":{\"id\":\"%s\"}}", H64);
	assert_false(find(s, strlen(s), "id", id));
	snprintf(s, sizeof(s), "{\"idx\":\"%s\",\"i\":\"%s\"}", H64, H64);
	assert_false(find(s, strlen(s), "id", id));
	snprintf(s, sizeof(s), "{\"id\":\"%.62s\"}", H64);
	assert_false(find(s, strlen(s), "id", id));
	snprintf(s, sizeof(s), "{\"id\":\"%s00\"}", H64);
	assert_false(find(s, strlen(s), "id", id));
	snprintf(s, sizeof(s), "{\"id\":\"00112233445566778899AABBCCDDEEFF"
	    "0123456789abcdef0123456789abcdef\"}");
	assert_false(find(s, strlen(s), "id", id));
	snprintf(s, sizeof(s), "{\"id\":\"%.63sg\"}", H64);
	assert_false(find(s, strlen(s), "id", id));
	snprintf(s, sizeof(s), "[\"id\",\"%s\"]", H64);
	assert_false(find(s, strlen(s), "id", id));
	assert_false(find("{}", 2, "id", id));
	assert_false(find("", 0, "id", id));
	/* Broken before the key: no way to find it. */
	snprintf(s, sizeof(s), "{\"a\" 1,\"id\":\"%s\"}", H64);
	assert_false(find(s, strlen(s), "id", id));
	/* Cut by end anywhere before the closing quote of the value. */
	snprintf(s, sizeof(s), "{\"a\":[1,\"b\"],\"id\":\"%s\"", H64);
	{
		size_t	 k, n = strlen(s);

		assert_true(find(s, n, "id", id));
		for (k = 0; k < n; k++)
			if (find(s, k, "id", id))
				fail_msg("found in %zu of %zu bytes", k, n);
	}
	/* out is written only when found. */
	memset(id, 0xee, 32);
	snprintf(s, sizeof(s), "{\"id\":\"%.63sX\"}", H64);
	assert_false(find(s, strlen(s), "id", id));
	memset(want, 0xee, 32);
	assert_memory_equal(id, want, 32);
}

static void
test_utf8_valid(void **state)
{
	assert_true(json_utf8_valid("", 0));
	assert_true(json_utf8_valid("plain ascii \x01\x7f", 14));
	assert_true(json_utf8_valid("\0", 1));
	assert_true(json_utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\xa4\x99",
	    9));
	assert_true(json_utf8_valid("\xf4\x8f\xbf\xbf", 4));
	assert_true(json_utf8_valid("\xed\x9f\xbf", 3));
	/* n is respected: a sequence cut by it is invalid ... */
	assert_false(json_utf8_valid("\xe2\x82\xac", 2));
	assert_false(json_utf8_valid("\xf0\x9f\xa4\x99", 3));
	/* ... and a bad byte past it is not looked at. */
	assert_true(json_utf8_valid("ab\xff", 2));
	assert_false(json_utf8_valid("ab\xff", 3));
	{
		char	*p = exact("\xe2\x82", 2);

		assert_false(json_utf8_valid(p, 2));
		free(p);
	}
}

static void
test_rtrim_ws(void **state)
{
	const char s[] = " \t\r\nx \t";
	const char *p;

	assert_int_equal(json_rtrim("abc \r\n\t", 7), 3);
	assert_int_equal(json_rtrim("abc", 3), 3);
	assert_int_equal(json_rtrim(" \n\r\t", 4), 0);
	assert_int_equal(json_rtrim("", 0), 0);
	assert_int_equal(json_rtrim(" a", 2), 2);	/* leading stays */
	assert_int_equal(json_rtrim("a\f", 2), 2);	/* not JSON space */
	assert_int_equal(json_rtrim("a\v", 2), 2);
	assert_int_equal(json_rtrim("a\0", 2), 2);
	/* rtrim looks only inside n. */
	assert_int_equal(json_rtrim("ab  ", 2), 2);

	assert_ptr_equal(json_ws(s, s + sizeof(s) - 1), s + 4);
	assert_ptr_equal(json_ws(s + 5, s + sizeof(s) - 1),
	    s + sizeof(s) - 1);
	assert_ptr_equal(json_ws(s, s), s);
	assert_ptr_equal(json_ws(s, s + 2), s + 2);	/* stops at end */
	p = "\f1";
	assert_ptr_equal(json_ws(p, p + 2), p);
	p = "\v1";
	assert_ptr_equal(json_ws(p, p + 2), p);
	{
		char	*q = exact("   ", 3);

		assert_ptr_equal(json_ws(q, q + 3), q + 3);
		free(q);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str_plain),
		cmocka_unit_test(test_str_escapes),
		cmocka_unit_test(test_str_refused),
		cmocka_unit_test(test_str_utf8),
		cmocka_unit_test(test_str_cut_by_end),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_skip_types),
		cmocka_unit_test(test_skip_depth),
		cmocka_unit_test(test_skip_loose),
		cmocka_unit_test(test_skip_cut_by_end),
		cmocka_unit_test(test_array_at),
		cmocka_unit_test(test_find_hex_field),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_rtrim_ws),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
