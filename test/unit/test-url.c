/*
 * test-url.c: relay URLs as NIP-42 compares them -- scheme defaults,
 * case, IPv6 literals, paths set aside, and what is refused (user info,
 * odd host bytes, bad ports) so that nothing compares equal by accident.
 */
#include "testutil.h"

#include "url.h"

static struct url
parse(const char *s)
{
	struct url u;

	assert_int_equal(url_parse(s, strlen(s), &u), 0);
	return u;
}

static void
test_parse(void **state)
{
	struct url u;

	(void)state;
	u = parse("ws://Relay.Example");
	assert_string_equal(u.scheme, "ws");
	assert_string_equal(u.host, "relay.example");
	assert_int_equal(u.port, 80);
	u = parse("WSS://relay.example/path?q#f");
	assert_string_equal(u.scheme, "wss");
	assert_int_equal(u.port, 443);
	assert_int_equal(url_default_port(&u), 443);
	u = parse("ws://[FE80::1]:7447/");
	assert_string_equal(u.host, "fe80::1");
	assert_int_equal(u.port, 7447);
	assert_int_equal(url_default_port(&u), 80);
	u = parse("http://10.0.0.1:8080");
	assert_string_equal(u.host, "10.0.0.1");
	assert_int_equal(u.port, 8080);
}

static void
test_refused(void **state)
{
	static const char *bad[] = {
		"", "relay.example", "ftp://relay.example", "ws:/relay",
		"ws://", "ws://:80", "ws://user@relay", "ws://relay:0",
		"ws://relay:65536", "ws://relay:80x", "ws://relay:",
		"ws://re lay", "ws://relay_x", "ws://[::1", "ws://[::1]x",
		"ws://relay:1234567",
	};
	struct url u;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (url_parse(bad[i], strlen(bad[i]), &u) == 0)
			fail_msg("accepted %s", bad[i]);
	/* Bytes past n are not read. */
	assert_int_equal(url_parse("ws://relay:7447", 10, &u), 0);
	assert_int_equal(u.port, 80);
}

static void
test_same_place(void **state)
{
	struct url a = parse("ws://relay:80/"), b = parse("WS://RELAY"), h;

	(void)state;
	assert_true(url_same_place(&a, &b));
	b = parse("ws://relay:7447");
	assert_false(url_same_place(&a, &b));
	b = parse("ws://relay.other");
	assert_false(url_same_place(&a, &b));
	/* A Host header: default port supplied by the caller. */
	assert_int_equal(url_authority("Relay", 5, 80, &h), 0);
	assert_true(url_same_place(&a, &h));
	assert_int_equal(url_authority("[::1]:7447", 10, 80, &h), 0);
	b = parse("wss://[::1]:7447");
	assert_true(url_same_place(&b, &h));
	assert_int_equal(url_authority("relay:", 6, 80, &h), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_same_place),
	};

	return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
