/*
 * test-config.c: samizdat.conf parsing (config.c): defaults, every value
 * type, the exact "file:line: reason" errors, quoting, comments, CRLF, long
 * lines, NUL bytes, missing and unreadable files, the print/load round trip,
 * and that man/samizdat.conf.5 is what confdoc would write today.
 */
#include "testutil.h"

#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "config_file.h"

static char	 err[512];

/* Loads text as "samizdat.conf"; err holds the error, if any. */
static int
load(const char *text, struct config *c)
{
	err[0] = '\0';
	return config_load_buf(c, text, strlen(text), "samizdat.conf", err,
	    sizeof(err));
}

/* Loads text, which must fail with exactly the error want. */
static void
load_fails(const char *text, const char *want)
{
	struct config *c = malloc(sizeof(*c));

	assert_non_null(c);
	if (load(text, c) != -1)
		fail_msg("loaded, want error \"%s\":\n%s", want, text);
	if (strcmp(err, want) != 0)
		fail_msg("error \"%s\", want \"%s\"", err, want);
	free(c);
}

/* Prints c to memory and returns the malloc'd text. */
static char *
print_config(const struct config *c, size_t *len)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(config_print(c, &b), 0);
	buf_putc(&b, '\0');
	assert_false(b.err);
	if (len != NULL)
		*len = b.len - 1;
	return b.p;
}

/* c must print, re-load and compare equal. */
static void
assert_round_trip(const struct config *c)
{
	struct config *c2 = malloc(sizeof(*c2));
	size_t	 n;
	char	*text = print_config(c, &n);

	assert_non_null(c2);
	if (config_load_buf(c2, text, n, "printed", err, sizeof(err)) != 0)
		fail_msg("printed config does not load: %s\n%s", err, text);
	if (!config_equal(c, c2))
		fail_msg("printed config loads differently:\n%s", text);
	free(text);
	free(c2);
}

static void
test_defaults(void **state)
{
	struct config *c = malloc(sizeof(*c)), *d = malloc(sizeof(*d));

	assert_non_null(c);
	assert_non_null(d);
	config_defaults(c);
	assert_string_equal(c->listen, "0.0.0.0:4848");
	assert_string_equal(c->name, "samizdat");
	assert_string_equal(c->description, "");
	assert_string_equal(c->contact, "");
	assert_string_equal(c->admin_pubkey, "");
	assert_int_equal(c->max_message_length, 131072);
	assert_int_equal(c->max_subscriptions, 32);
	assert_int_equal(c->max_filters, 16);
	assert_int_equal(c->max_limit, 5000);
	assert_int_equal(c->default_limit, 500);
	assert_int_equal(c->max_subid_length, 64);
	assert_int_equal(c->max_event_size, 65536);
	assert_int_equal(c->max_event_tags, 2000);
	assert_int_equal(c->max_content_length, 65536);
	assert_int_equal(c->created_at_lower_limit, 94608000);
	assert_int_equal(c->created_at_upper_limit, 900);
	assert_int_equal(c->events_per_minute, 12000);
	assert_int_equal(c->max_output_buffer, 4194304);
	assert_int_equal(c->max_connections, 1024);
	assert_false(c->sync_full);
	assert_int_equal(c->log_level, 1);
	assert_int_equal(c->purge_interval, 3600);
	assert_int_equal(c->npeer, 0);
	assert_int_equal(config_check(c, err, sizeof(err)), 0);

	/* An empty file, or only comments, is the defaults. */
	memset(d, 0xa5, sizeof(*d));
	assert_int_equal(load("", d), 0);
	assert_true(config_equal(c, d));
	assert_int_equal(load("# nothing\n\n   \n\t# here\n", d), 0);
	assert_true(config_equal(c, d));
	assert_int_equal(config_load_buf(d, NULL, 0, NULL, err, sizeof(err)),
	    0);
	assert_true(config_equal(c, d));
	free(c);
	free(d);
}

static void
test_types(void **state)
{
	struct config *c = malloc(sizeof(*c));
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	static const char *const addrs[] = { "127.0.0.1:1", "[::]:4848",
	    "[::1]:65535", "[fe80::1:2]:80", "localhost:4848",
	    "relay.example.org:443", "a-b.c9:7" };
	static const char *const bad_addrs[] = { "4848", ":4848", "::1:4848",
	    "[::1]4848", "[::1:4848", "[zz]:1", "[]:1", "1.2.3.4:0",
	    "1.2.3.4:65536", "1.2.3.4:", "1.2.3.4:+80", "999.1.1.1:80",
	    "1.2.3:80", "-host:80", "host-:80", "a..b:80", "a_b:80",
	    "host:80 ", "x:1:2" };
	char	 text[512];
	size_t	 i;

	assert_non_null(c);
	assert_int_equal(load("max_limit = 7\nmax_filters 3\n"
	    "max_subscriptions=9\nlog_level\t=\t0\n", c), 0);
	assert_int_equal(c->max_limit, 7);
	assert_int_equal(c->max_filters, 3);
	assert_int_equal(c->max_subscriptions, 9);
	assert_int_equal(c->log_level, 0);
	/* Leading zeros are still decimal; the extremes are inclusive. */
	assert_int_equal(load("max_limit = 0100000\n"
	    "created_at_upper_limit = 3153600000\n", c), 0);
	assert_int_equal(c->max_limit, 100000);
	assert_int_equal(c->created_at_upper_limit, 3153600000u);

	for (i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "sync_full = %s\n", yes[i]);
		assert_int_equal(load(text, c), 0);
		assert_true(c->sync_full);
		snprintf(text, sizeof(text), "sync_full %s\n", no[i]);
		assert_int_equal(load(text, c), 0);
		assert_false(c->sync_full);
	}
	load_fails("sync_full = 1\n",
	    "samizdat.conf:1: sync_full must be true or false, not '1'");
	load_fails("sync_full = TRUE\n",
	    "samizdat.conf:1: sync_full must be true or false, not 'TRUE'");

	assert_int_equal(load("name = My relay  \ncontact = "
	    "mailto:me@example.org\ndescription = \xc3\xa9t\xc3\xa9\n", c), 0);
	assert_string_equal(c->name, "My relay");
	assert_string_equal(c->contact, "mailto:me@example.org");
	assert_string_equal(c->description, "\xc3\xa9t\xc3\xa9");
	assert_int_equal(load("name =\n", c), 0);
	assert_string_equal(c->name, "");
	load_fails("name = \"a\tb\"\n",
	    "samizdat.conf:1: name may not contain control characters");
	load_fails("name = a\x7f\n",
	    "samizdat.conf:1: name may not contain control characters");
	load_fails("description = \xff\xfe\n",
	    "samizdat.conf:1: description is not valid UTF-8");
	load_fails("description = \xc0\xaf\n",
	    "samizdat.conf:1: description is not valid UTF-8");

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		snprintf(text, sizeof(text), "listen = %s\n", addrs[i]);
		if (load(text, c) != 0)
			fail_msg("%s: %s", addrs[i], err);
		assert_string_equal(c->listen, addrs[i]);
	}
	for (i = 0; i < sizeof(bad_addrs) / sizeof(bad_addrs[0]); i++) {
		snprintf(text, sizeof(text), "listen = \"%s\"\n", bad_addrs[i]);
		if (load(text, c) != -1)
			fail_msg("%s: accepted", bad_addrs[i]);
		assert_non_null(strstr(err, "samizdat.conf:1: listen: "));
	}
	load_fails("listen = 1.2.3.4:0\n", "samizdat.conf:1: listen: the port "
	    "must be a number from 1 to 65535");
	load_fails("listen = ::1:80\n", "samizdat.conf:1: listen: put an IPv6 "
	    "address in brackets, as in [::]:4848");

	assert_int_equal(load("admin_pubkey = "
	    "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9\n",
	    c), 0);
	assert_string_equal(c->admin_pubkey,
	    "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9");
	assert_int_equal(load("admin_pubkey = \"\"\n", c), 0);
	assert_string_equal(c->admin_pubkey, "");
	load_fails("admin_pubkey = "
	    "F9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9\n",
	    "samizdat.conf:1: admin_pubkey must be 64 lowercase hex "
	    "characters or empty");
	load_fails("admin_pubkey = f9308a\n", "samizdat.conf:1: admin_pubkey "
	    "must be 64 lowercase hex characters or empty");
	load_fails("admin_pubkey = "
	    "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f90\n",
	    "samizdat.conf:1: value too long: admin_pubkey takes at most 64 "
	    "bytes");
	free(c);
}

static void
test_numbers(void **state)
{
	load_fails("# a comment\n\nmax_limit = 100001\n",
	    "samizdat.conf:3: max_limit must be between 1 and 100000");
	load_fails("max_limit = 0\n",
	    "samizdat.conf:1: max_limit must be between 1 and 100000");
	load_fails("log_level = 3\n",
	    "samizdat.conf:1: log_level must be between 0 and 2");
	load_fails("max_message_length = 1023\n",
	    "samizdat.conf:1: max_message_length must be between 1024 and "
	    "16777216");
	/* Overflow is a range error, not a wrap. */
	load_fails("max_limit = 18446744073709551616\n",
	    "samizdat.conf:1: max_limit must be between 1 and 100000");
	load_fails("max_limit = 99999999999999999999999999999999\n",
	    "samizdat.conf:1: max_limit must be between 1 and 100000");
	load_fails("created_at_lower_limit = 18446744073709551615\n",
	    "samizdat.conf:1: created_at_lower_limit must be between 0 and "
	    "3153600000");
	load_fails("max_limit = abc\n", "samizdat.conf:1: 'abc' is not a number");
	load_fails("max_limit = 12x\n", "samizdat.conf:1: '12x' is not a number");
	load_fails("max_limit = -1\n", "samizdat.conf:1: '-1' is not a number");
	load_fails("max_limit = +1\n", "samizdat.conf:1: '+1' is not a number");
	load_fails("max_limit = 1 000\n",
	    "samizdat.conf:1: '1 000' is not a number");
	load_fails("max_limit = 0x10\n",
	    "samizdat.conf:1: '0x10' is not a number");
	load_fails("max_limit = 1e3\n", "samizdat.conf:1: '1e3' is not a number");
	load_fails("max_limit = 99999999999999999999999x\n",
	    "samizdat.conf:1: '99999999999999999999999x' is not a number");
	load_fails("max_limit =\n", "samizdat.conf:1: max_limit needs a number");
	load_fails("max_limit\n", "samizdat.conf:1: max_limit needs a number");
	load_fails("max_limit = \"\"\n",
	    "samizdat.conf:1: max_limit needs a number");
}

static void
test_unknown_and_duplicate(void **state)
{
	load_fails("max_limit = 5\nfoo = 1\n",
	    "samizdat.conf:2: unknown key 'foo'");
	load_fails("Max_Limit = 5\n", "samizdat.conf:1: unknown key 'Max_Limit'");
	load_fails("max-limit = 5\n", "samizdat.conf:1: unknown key 'max-limit'");
	load_fails("= 5\n", "samizdat.conf:1: missing key before '='");
	/* Hostile key text is cut and made printable. */
	load_fails("\x1b[31mred = 1\n",
	    "samizdat.conf:1: unknown key '?[31mred'");
	load_fails("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1\n",
	    "samizdat.conf:1: unknown key "
	    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'");
	load_fails("max_limit = 5\n# x\nmax_limit = 5\n",
	    "samizdat.conf:3: duplicate key 'max_limit' (first set on line 1)");
	load_fails("name = a\nname = \"a\"\n",
	    "samizdat.conf:2: duplicate key 'name' (first set on line 1)");
}

static void
test_peers(void **state)
{
	struct config *c = malloc(sizeof(*c));
	char	*text, *p;
	size_t	 i;

	assert_non_null(c);
	assert_int_equal(load("peer = wss://relay.example.org\n"
	    "peer ws://192.168.1.5:4848/\npeer = \"/media/usb/my data\"\n", c),
	    0);
	assert_int_equal(c->npeer, 3);
	assert_string_equal(c->peer[0], "wss://relay.example.org");
	assert_string_equal(c->peer[1], "ws://192.168.1.5:4848/");
	assert_string_equal(c->peer[2], "/media/usb/my data");
	assert_round_trip(c);

	load_fails("peer = http://relay.example.org\n", "samizdat.conf:1: peer "
	    "must be a ws:// or wss:// URL or an absolute path");
	load_fails("peer = relative/dir\n", "samizdat.conf:1: peer must be a "
	    "ws:// or wss:// URL or an absolute path");
	load_fails("peer = wss://\n", "samizdat.conf:1: peer must be a ws:// "
	    "or wss:// URL or an absolute path");
	load_fails("peer = \"wss://a b\"\n", "samizdat.conf:1: peer must be a "
	    "ws:// or wss:// URL or an absolute path");
	load_fails("peer =\n", "samizdat.conf:1: peer must be a ws:// or wss:// "
	    "URL or an absolute path");
	load_fails("peer = /a\npeer = /b\npeer = /a\n",
	    "samizdat.conf:3: peer '/a' is given twice");

	/* Blossom servers speak HTTP: the other way round. */
	assert_int_equal(load("blossom_bridge = https://blossom.example.org\n"
	    "blossom_bridge = http://192.168.1.7:3000\n", c), 0);
	assert_int_equal(c->nblossom_bridge, 2);
	assert_string_equal(c->blossom_bridge[1], "http://192.168.1.7:3000");
	assert_round_trip(c);
	load_fails("blossom_bridge = wss://blossom.example.org\n",
	    "samizdat.conf:1: blossom_bridge must be an https:// or http:// URL");
	load_fails("blossom_bridge = /media/usb\n", "samizdat.conf:1: "
	    "blossom_bridge must be an https:// or http:// URL");
	load_fails("blossom_bridge = http://\n", "samizdat.conf:1: "
	    "blossom_bridge must be an https:// or http:// URL");

	/* 64 peers load; the 65th is an error on its own line. */
	assert_non_null(text = malloc(65 * 32));
	for (p = text, i = 0; i < CONFIG_LIST_MAX; i++)
		p += sprintf(p, "peer = /peers/%zu\n", i);
	assert_int_equal(load(text, c), 0);
	assert_int_equal(c->npeer, CONFIG_LIST_MAX);
	assert_string_equal(c->peer[63], "/peers/63");
	assert_round_trip(c);
	sprintf(p, "peer = /peers/64\n");
	load_fails(text, "samizdat.conf:65: peer is given more than 64 times");
	free(text);
	free(c);
}

static void
test_quotes_and_comments(void **state)
{
	struct config *c = malloc(sizeof(*c));

	assert_non_null(c);
	assert_int_equal(load("name = \"a \\\"b\\\" \\\\ c # d\"  # comment\n",
	    c), 0);
	assert_string_equal(c->name, "a \"b\" \\ c # d");
	assert_int_equal(load("name = \"  spaced  \"\n", c), 0);
	assert_string_equal(c->name, "  spaced  ");
	assert_int_equal(load("name \"\"\n", c), 0);
	assert_string_equal(c->name, "");
	/* Unquoted: '#' starts a comment; inner quotes and backslashes stay. */
	assert_int_equal(load("name = Bob's relay #1\n", c), 0);
	assert_string_equal(c->name, "Bob's relay");
	assert_int_equal(load("name = a\"b\\c\n", c), 0);
	assert_string_equal(c->name, "a\"b\\c");
	assert_int_equal(load("  # indented comment\nmax_limit = 9# tight\n"
	    "\tmax_filters\t=\t4\t#\ttabs\n", c), 0);
	assert_int_equal(c->max_limit, 9);
	assert_int_equal(c->max_filters, 4);
	/* Numbers may be quoted too. */
	assert_int_equal(load("max_limit = \"42\"\n", c), 0);
	assert_int_equal(c->max_limit, 42);

	load_fails("name = \"abc\n", "samizdat.conf:1: missing closing quote");
	load_fails("name = \"abc\\\"\n", "samizdat.conf:1: missing closing quote");
	load_fails("name = \"abc\\\n", "samizdat.conf:1: missing closing quote");
	load_fails("name = \"a\" b\n",
	    "samizdat.conf:1: text after the closing quote");
	load_fails("name = \"a\\nb\"\n", "samizdat.conf:1: unknown escape '\\n' "
	    "(only \\\" and \\\\ are known)");
	/* A quoted string does not run over the end of the line. */
	load_fails("name = \"a\nb\"\n", "samizdat.conf:1: missing closing quote");
	free(c);
}

static void
test_crlf(void **state)
{
	struct config *c = malloc(sizeof(*c)), *d = malloc(sizeof(*d));

	assert_non_null(c);
	assert_non_null(d);
	assert_int_equal(load("# windows\r\nname = \"x y\"\r\nmax_limit = 8\r\n"
	    "contact = a@b \r\n\r\nsync_full yes\r\n", c), 0);
	assert_int_equal(load("# unix\nname = \"x y\"\nmax_limit = 8\n"
	    "contact = a@b\n\nsync_full yes\n", d), 0);
	assert_true(config_equal(c, d));
	assert_string_equal(c->contact, "a@b");
	load_fails("# a\r\n# b\r\nmax_limit = x\r\n",
	    "samizdat.conf:3: 'x' is not a number");
	/* No newline at the end of the file is fine. */
	assert_int_equal(load("max_limit = 8", c), 0);
	assert_int_equal(c->max_limit, 8);
	/* Nor is a UTF-8 byte order mark at its start. */
	assert_int_equal(load("\xef\xbb\xbfmax_limit = 6\n", c), 0);
	assert_int_equal(c->max_limit, 6);
	free(c);
	free(d);
}

static void
test_long_lines(void **state)
{
	struct config *c = malloc(sizeof(*c));
	size_t	 big = 10000, n;
	char	*text = malloc(big + 64), *p;

	assert_non_null(c);
	assert_non_null(text);

	/* A comment longer than any buffer is just a comment. */
	memset(text, '#', big);
	strcpy(text + big, "\nmax_limit = 3\n");
	assert_int_equal(load(text, c), 0);
	assert_int_equal(c->max_limit, 3);

	/* The longest description fits; one byte more does not. */
	p = text + sprintf(text, "# x\ndescription = ");
	memset(p, 'd', 2047);
	strcpy(p + 2047, "\n");
	assert_int_equal(load(text, c), 0);
	assert_int_equal(strlen(c->description), 2047);
	assert_round_trip(c);
	strcpy(p + 2047, "d\n");
	load_fails(text, "samizdat.conf:2: value too long: description takes "
	    "at most 2047 bytes");

	/* Past the parser's value buffer, unquoted and quoted. */
	for (n = 4000; n <= 5000; n += 96) {
		p = text + sprintf(text, "description = ");
		memset(p, 'd', n);
		strcpy(p + n, "\n");
		load_fails(text, "samizdat.conf:1: value too long: description "
		    "takes at most 2047 bytes");
		p = text + sprintf(text, "\n\npeer = \"/");
		memset(p, 'p', n);
		strcpy(p + n, "\"\n");
		load_fails(text, "samizdat.conf:3: value too long: peer takes "
		    "at most 1023 bytes");
	}
	p = text + sprintf(text, "max_limit = ");
	memset(p, '1', big);
	strcpy(p + big, "\n");
	load_fails(text, "samizdat.conf:1: value too long for max_limit");
	p = text + sprintf(text, "max_limit = ");
	memset(p, '1', 4000);
	strcpy(p + 4000, "\n");
	load_fails(text, "samizdat.conf:1: max_limit must be between 1 and "
	    "100000");
	free(text);
	free(c);
}

static void
test_nul_byte(void **state)
{
	struct config *c = malloc(sizeof(*c));
	static const char text[] = "max_limit = 3\nname = a\0b\n";
	static const char text2[] = "# \0 comment\n";

	assert_non_null(c);
	assert_int_equal(config_load_buf(c, text, sizeof(text) - 1,
	    "samizdat.conf", err, sizeof(err)), -1);
	assert_string_equal(err, "samizdat.conf:2: line contains a NUL byte");
	assert_int_equal(config_load_buf(c, text2, sizeof(text2) - 1,
	    "samizdat.conf", err, sizeof(err)), -1);
	assert_string_equal(err, "samizdat.conf:1: line contains a NUL byte");
	/* The length is what counts, not a terminator. */
	assert_int_equal(config_load_buf(c, "max_limit = 12", 13,
	    "samizdat.conf", err, sizeof(err)), 0);
	assert_int_equal(c->max_limit, 1);
	free(c);
}

/* On any error the caller's config is left as it was. */
static void
test_all_or_nothing(void **state)
{
	struct config *c = malloc(sizeof(*c)), *saved = malloc(sizeof(*saved));
	char	 small[16];

	assert_non_null(c);
	assert_non_null(saved);
	assert_int_equal(load("max_limit = 77\npeer = /x\n", c), 0);
	*saved = *c;
	assert_int_equal(load("max_limit = 5\npeer = /y\nbogus 1\n", c), -1);
	assert_true(config_equal(c, saved));

	assert_int_equal(config_set(c, "max_limit", "0", err, sizeof(err)), -1);
	assert_string_equal(err, "max_limit must be between 1 and 100000");
	assert_int_equal(config_set(c, "listen", "nope", err, sizeof(err)), -1);
	assert_int_equal(config_set(c, "peer", "nope", err, sizeof(err)), -1);
	assert_int_equal(config_set(c, "peer", "/x", err, sizeof(err)), -1);
	assert_string_equal(err, "peer '/x' is given twice");
	assert_true(config_equal(c, saved));

	/* Errors are cut to the buffer, or not written at all. */
	assert_int_equal(load("max_limit = 0\n", c), -1);
	assert_int_equal(config_load_buf(c, "x", 1, "samizdat.conf", small,
	    sizeof(small)), -1);
	assert_string_equal(small, "samizdat.conf:1");
	assert_int_equal(config_load_buf(c, "x", 1, "samizdat.conf", NULL, 0),
	    -1);
	assert_int_equal(config_set(c, "x", "1", NULL, 0), -1);
	assert_true(config_equal(c, saved));
	free(c);
	free(saved);
}

static void
test_config_set(void **state)
{
	struct config *c = malloc(sizeof(*c));

	assert_non_null(c);
	config_defaults(c);
	assert_int_equal(config_set(c, "listen", "[::1]:9000", err,
	    sizeof(err)), 0);
	assert_string_equal(c->listen, "[::1]:9000");
	assert_int_equal(config_set(c, "sync_full", "on", err, sizeof(err)), 0);
	assert_true(c->sync_full);
	assert_int_equal(config_set(c, "peer", "wss://a.example", err,
	    sizeof(err)), 0);
	assert_int_equal(config_set(c, "peer", "wss://b.example", err,
	    sizeof(err)), 0);
	assert_int_equal(c->npeer, 2);
	/* Unlike in the file, setting a key again replaces it. */
	assert_int_equal(config_set(c, "max_limit", "10", err, sizeof(err)), 0);
	assert_int_equal(config_set(c, "max_limit", "20", err, sizeof(err)), 0);
	assert_int_equal(c->max_limit, 20);
	assert_int_equal(config_set(c, "nope", "1", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown key 'nope'");
	assert_int_equal(config_set(c, "name", NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "name needs a value");

	/* default_limit above max_limit is caught by config_check. */
	assert_int_equal(config_check(c, err, sizeof(err)), -1);
	assert_string_equal(err, "default_limit (500) is above max_limit (20)");
	assert_int_equal(config_set(c, "default_limit", "20", err,
	    sizeof(err)), 0);
	assert_int_equal(config_check(c, err, sizeof(err)), 0);
	assert_int_equal(config_set(c, "max_event_size", "200000", err,
	    sizeof(err)), 0);
	assert_int_equal(config_check(c, err, sizeof(err)), -1);
	assert_string_equal(err, "max_event_size (200000) is above "
	    "max_message_length (131072)");
	free(c);
}

static void
test_addr_split(void **state)
{
	char	 host[256], tiny[4];
	uint16_t port = 0;

	assert_int_equal(config_addr_split("0.0.0.0:4848", host, sizeof(host),
	    &port), 0);
	assert_string_equal(host, "0.0.0.0");
	assert_int_equal(port, 4848);
	assert_int_equal(config_addr_split("[::1]:65535", host, sizeof(host),
	    &port), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 65535);
	assert_int_equal(config_addr_split("relay.local:1", host, sizeof(host),
	    &port), 0);
	assert_string_equal(host, "relay.local");
	assert_int_equal(port, 1);
	assert_int_equal(config_addr_split("relay.local:1", tiny, sizeof(tiny),
	    &port), -1);
	assert_int_equal(config_addr_split("relay.local", host, sizeof(host),
	    &port), -1);
	assert_int_equal(config_addr_split(NULL, host, sizeof(host), &port), -1);
}

static void
test_missing_and_unreadable(void **state)
{
	struct config *c = malloc(sizeof(*c)), *d = malloc(sizeof(*d));
	char	 path[] = "/tmp/test-config.XXXXXX";
	int	 fd;

	assert_non_null(c);
	assert_non_null(d);
	config_defaults(d);
	memset(c, 0x5a, sizeof(*c));
	assert_int_equal(config_load(c, "no-such-dir/samizdat.conf", err,
	    sizeof(err)), 0);
	assert_true(config_equal(c, d));

	assert_int_equal(config_load(c, ".", err, sizeof(err)), -1);
	assert_string_equal(err, ".: Is a directory");

	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, "max_limit = 4\nlog_level = 9\n", 28), 28);
	assert_int_equal(close(fd), 0);
	assert_int_equal(config_load(c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: log_level must be between 0 and 2"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_true(truncate(path, 14) == 0);
	assert_int_equal(config_load(c, path, err, sizeof(err)), 0);
	assert_int_equal(c->max_limit, 4);
	/* Larger than CONFIG_FILE_MAX: refused before parsing. */
	assert_true(truncate(path, CONFIG_FILE_MAX + 1) == 0);
	assert_int_equal(config_load(c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ": file is larger than 1048576 bytes"));
	assert_true(truncate(path, CONFIG_FILE_MAX) == 0);
	assert_int_equal(config_load(c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: line contains a NUL byte"));
	unlink(path);
	free(c);
	free(d);
}

static void
test_round_trip(void **state)
{
	struct config *c = malloc(sizeof(*c));
	char	*text;

	assert_non_null(c);
	config_defaults(c);
	assert_round_trip(c);
	assert_int_equal(load(
	    "listen = [fe80::1]:4849\n"
	    "name = \"  \\\"quoted\\\" \\\\ name # not a comment  \"\n"
	    "description = \xe2\x9c\x8a r\xc3\xa9sistance, \xf0\x9f\x93\x9c\n"
	    "contact = \"\"\n"
	    "admin_pubkey = "
	    "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9\n"
	    "max_message_length = 16777216\nmax_subscriptions = 1\n"
	    "max_filters = 256\nmax_limit = 100000\ndefault_limit = 1\n"
	    "max_subid_length = 256\nmax_event_size = 256\n"
	    "max_event_tags = 100000\nmax_content_length = 1\n"
	    "created_at_lower_limit = 0\ncreated_at_upper_limit = 3153600000\n"
	    "events_per_minute = 0\nmax_output_buffer = 1073741824\n"
	    "max_connections = 65536\nsync_full = on\nlog_level = 2\n"
	    "purge_interval = 0\n"
	    "peer = wss://a.example/#frag\npeer = \"/with \\\\ back\\\"slash\"\n",
	    c), 0);
	assert_string_equal(c->name, "  \"quoted\" \\ name # not a comment  ");
	assert_string_equal(c->peer[0], "wss://a.example/");
	assert_string_equal(c->peer[1], "/with \\ back\"slash");
	assert_round_trip(c);

	/* The printed file says what each key is. */
	text = print_config(c, NULL);
	assert_non_null(strstr(text, "\n# Largest limit a filter may ask for; "
	    "larger limits are lowered to it.\n# number from 1 to 100000; "
	    "default 5000; in NIP-11 limitation\nmax_limit = 100000\n"));
	assert_non_null(strstr(text, "\nsync_full = true\n"));
	assert_non_null(strstr(text, "\nname = \"  \\\"quoted\\\" \\\\ name # "
	    "not a comment  \"\n"));
	free(text);
	free(c);
}

static void
test_nip11(void **state)
{
	struct config *c = malloc(sizeof(*c));
	struct buf b;

	assert_non_null(c);
	buf_init(&b, 0);
	config_defaults(c);
	config_nip11_limitation(c, &b);
	assert_false(b.err);
	assert_string_equal(b.p, "{\"max_message_length\":131072,"
	    "\"max_subscriptions\":32,\"max_limit\":5000,\"default_limit\":500,"
	    "\"max_subid_length\":64,\"max_event_tags\":2000,"
	    "\"max_content_length\":65536,\"created_at_lower_limit\":94608000,"
	    "\"created_at_upper_limit\":900}");
	/* 0 means no limit, which NIP-11 says by leaving the key out. */
	assert_int_equal(config_set(c, "created_at_lower_limit", "0", err,
	    sizeof(err)), 0);
	buf_reset(&b);
	config_nip11_limitation(c, &b);
	assert_null(strstr(b.p, "created_at_lower_limit"));
	buf_free(&b);
	free(c);
}

/* man/samizdat.conf.5 must be exactly what confdoc writes now. */
static void
test_man_page(void **state)
{
	struct config *c = malloc(sizeof(*c));
	char	*page = NULL, *committed, *ex, *end;
	size_t	 n = 0, clen;
	struct buf b;

	assert_non_null(c);
	buf_init(&b, 0);
	assert_int_equal(config_write_man(&b), 0);
	buf_putc(&b, '\0');
	assert_false(b.err);
	page = b.p;
	n = b.len - 1;
	committed = tu_read_file("../../man/samizdat.conf.5", &clen);
	if (clen != n || memcmp(committed, page, n) != 0)
		fail_msg("man/samizdat.conf.5 is stale: regenerate it with "
		    "test/tools/confdoc");
	/* Every key is listed, and the first example loads. */
	assert_non_null(strstr(page, "\n.It Ic purge_interval Ar number\n"));
	assert_non_null(ex = strstr(page, ".Sh EXAMPLES\n"));
	assert_non_null(ex = strstr(ex, ".Bd -literal -offset indent\n"));
	ex = strchr(ex, '\n') + 1;
	assert_non_null(end = strstr(ex, ".Ed\n"));
	assert_int_equal(config_load_buf(c, ex, (size_t)(end - ex), "example",
	    err, sizeof(err)), 0);
	assert_int_equal(c->npeer, 2);
	assert_true(c->sync_full);
	free(committed);
	free(page);
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_unknown_and_duplicate),
		cmocka_unit_test(test_peers),
		cmocka_unit_test(test_quotes_and_comments),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_config_set),
		cmocka_unit_test(test_addr_split),
		cmocka_unit_test(test_missing_and_unreadable),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_nip11),
		cmocka_unit_test(test_man_page),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
