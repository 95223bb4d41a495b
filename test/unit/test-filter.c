/*
 * test-filter.c: filter parsing (limits, strictness) and in-memory matching.
 */
#include "testutil.h"

#include "crypto.h"
#include "event.h"
#include "filter.h"

static char scratch[EVENT_SCRATCH(8192)];

static const char ev_json[] =
    "{\"id\":\"475456fa7ade5ccd4f651144c68741288db33bf05ff54aa50083c53eab98a521\","
    "\"pubkey\":\"f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9\","
    "\"created_at\":1700000000,\"kind\":1,\"tags\":[[\"t\",\"Nostr\",\"second\"],"
    "[\"e\",\"0000000000000000000000000000000000000000000000000000000000000001\",\"wss://x\"],"
    "[\"alt\",\"x\"],[\"-\"]],\"content\":\"Hello World from Almaty\","
    "\"sig\":\"160b1f48ff042712f3105b8c6f35f8276101b3229d1979be1552db8b7f3d0855976e38c82b0c37b84056073eeb9e97e76647dbb1556febf4769d3761d3fb149c\"}";

static bool
matches(const char *fj)
{
	struct filter f;
	struct event ev;
	bool	 r;

	assert_int_equal(event_parse(ev_json, strlen(ev_json), NULL, &ev,
	    scratch, sizeof(scratch)), ERR_OK);
	assert_int_equal(filter_parse(fj, strlen(fj), &f), ERR_OK);
	r = filter_match(&f, &ev);
	filter_free(&f);
	return r;
}

static enum err
parse_err(const char *fj)
{
	struct filter f;
	enum err e = filter_parse(fj, strlen(fj), &f);

	if (e == ERR_OK)
		filter_free(&f);
	return e;
}

static void
test_match(void **state)
{
	assert_true(matches("{}"));
	assert_true(matches("{\"kinds\":[0,1]}"));
	assert_false(matches("{\"kinds\":[0,2]}"));
	assert_true(matches("{\"since\":1700000000,\"until\":1700000000}"));
	assert_false(matches("{\"since\":1700000001}"));
	assert_false(matches("{\"until\":1699999999}"));
	assert_true(matches("{\"authors\":[\"f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9\"]}"));
	assert_false(matches("{\"authors\":[\"f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f8\"]}"));
	assert_true(matches("{\"ids\":[\"475456fa7ade5ccd4f651144c68741288db33bf05ff54aa50083c53eab98a521\"]}"));
	assert_true(matches("{\"#t\":[\"Nostr\",\"x\"]}"));
	assert_false(matches("{\"#t\":[\"nostr\"]}"));	/* values are exact */
	assert_false(matches("{\"#T\":[\"Nostr\"]}"));	/* names are case-sensitive */
	assert_true(matches("{\"#e\":[\"0000000000000000000000000000000000000000000000000000000000000001\"]}"));
	assert_false(matches("{\"#e\":[\"0000000000000000000000000000000000000000000000000000000000000001\"],\"#t\":[\"y\"]}"));
	/* Only element 1 is indexed: the relay hint does not match. */
	assert_false(matches("{\"#t\":[\"second\"]}"));
	assert_false(matches("{\"kinds\":[]}"));	/* empty list: nothing */
	assert_false(matches("{\"#t\":[]}"));
	assert_true(matches("{\"search\":\"hello almaty\"}"));
	assert_true(matches("{\"search\":\"hello language:en\"}"));
	assert_false(matches("{\"search\":\"hello astana\"}"));
	assert_true(matches("{\"limit\":0}"));		/* limit is for the store */
}

static void
test_parse_errors(void **state)
{
	assert_int_equal(parse_err("[]"), ERR_FILTER);
	assert_int_equal(parse_err("{\"kinds\":[70000]}"), ERR_FILTER);
	assert_int_equal(parse_err("{\"kinds\":[-1]}"), ERR_FILTER);
	assert_int_equal(parse_err("{\"kinds\":\"1\"}"), ERR_FILTER);
	assert_int_equal(parse_err("{\"since\":-5}"), ERR_FILTER);
	assert_int_equal(parse_err("{\"limit\":1.5}"), ERR_FILTER);
	assert_int_equal(parse_err("{\"ids\":[\"abc\"]}"), ERR_FILTER_HEX);
	assert_int_equal(parse_err("{\"authors\":[\"F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9\"]}"),
	    ERR_FILTER_HEX);
	assert_int_equal(parse_err("{\"#p\":[\"npub1xyz\"]}"), ERR_FILTER_HEX);
	assert_int_equal(parse_err("{\"#alt\":[\"x\"]}"), ERR_FILTER_KEY);
	assert_int_equal(parse_err("{\"foo\":1}"), ERR_FILTER_KEY);
	assert_int_equal(parse_err("{\"#t\":[1]}"), ERR_FILTER);
	assert_int_equal(parse_err("{\"search\":5}"), ERR_FILTER);
	assert_int_equal(parse_err("{bad json"), ERR_FILTER);
}

static void
test_limits(void **state)
{
	size_t	 n = FILTER_MAX_VALUES + 1, i;
	char	*big = malloc(n * 3 + 32), *p = big;

	p += sprintf(p, "{\"kinds\":[");
	for (i = 0; i < n; i++)
		p += sprintf(p, i ? ",1" : "1");
	sprintf(p, "]}");
	assert_int_equal(parse_err(big), ERR_FILTER_SIZE);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_limits),
	};

	crypto_init();
	return cmocka_run_group_tests_name("filter", tests, NULL, NULL);
}
