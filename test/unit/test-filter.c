/*
 * test-filter.c: filter parsing (limits, strictness), in-memory matching,
 * and filter_write_json read back to the same filter.
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

static bool
matches_filter(const struct filter *f)
{
	struct event ev;

	assert_int_equal(event_parse(ev_json, strlen(ev_json), NULL, &ev,
	    scratch, sizeof(scratch)), ERR_OK);
	return filter_match(f, &ev);
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

static void
expect_same(const struct filter *a, const struct filter *b)
{
	size_t	 i, j;

	assert_int_equal(a->empty, b->empty);
	if (a->empty)
		return;		/* matches nothing, whatever else it says */
	assert_int_equal(a->nids, b->nids);
	if (a->nids > 0)
		assert_memory_equal(a->ids, b->ids, 32 * a->nids);
	assert_int_equal(a->nauthors, b->nauthors);
	if (a->nauthors > 0)
		assert_memory_equal(a->authors, b->authors, 32 * a->nauthors);
	assert_int_equal(a->nkinds, b->nkinds);
	for (i = 0; i < a->nkinds; i++)
		assert_int_equal(a->kinds[i], b->kinds[i]);
	assert_int_equal(a->ntags, b->ntags);
	for (i = 0; i < a->ntags; i++) {
		assert_int_equal(a->tags[i].name, b->tags[i].name);
		assert_int_equal(a->tags[i].nvals, b->tags[i].nvals);
		for (j = 0; j < a->tags[i].nvals; j++) {
			assert_int_equal(a->tags[i].vals[j].n,
			    b->tags[i].vals[j].n);
			assert_memory_equal(a->tags[i].vals[j].p,
			    b->tags[i].vals[j].p, a->tags[i].vals[j].n);
		}
	}
	assert_true(a->since == b->since);
	assert_true(a->until == b->until);
	assert_int_equal(a->has_limit, b->has_limit);
	if (a->has_limit)
		assert_true(a->limit == b->limit);
	if (a->search == NULL)
		assert_null(b->search);
	else
		assert_string_equal(a->search, b->search);
}

/* parse, write, parse: the same filter, and the same text again. */
static void
test_write_json(void **state)
{
	static const struct {
		const char	*in, *out;
	} v[] = {
		{ "{}", "{}" },
		{ "{\"ids\":[\"475456fa7ade5ccd4f651144c68741288db33bf05ff54aa50083c53eab98a521\","
		    "\"0000000000000000000000000000000000000000000000000000000000000001\"]}",
		  "{\"ids\":[\"475456fa7ade5ccd4f651144c68741288db33bf05ff54aa50083c53eab98a521\","
		    "\"0000000000000000000000000000000000000000000000000000000000000001\"]}" },
		{ "{\"until\":10,\"search\":\"caf\\u00e9 \\\"x\\\" language:en\","
		    "\"limit\":0,\"since\":5,\"#t\":[\"a\",\"b\\\"c\\n\"],"
		    "\"kinds\":[1,7,65535],\"authors\":[\"f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9\"],"
		    "\"#e\":[\"0000000000000000000000000000000000000000000000000000000000000001\"],"
		    "\"#T\":[\"X\",\"\\u0000\\u001f\"]}",
		  NULL },
		{ "{\"kinds\":[0]}", "{\"kinds\":[0]}" },
		{ "{\"since\":0}", "{}" },	/* 0 is "no since" */
		{ "{\"until\":0}", "{\"until\":0}" },
		{ "{\"limit\":5000}", "{\"limit\":5000}" },
		{ "{\"since\":9223372036854775807}",
		  "{\"since\":9223372036854775807}" },
		{ "{\"search\":\"\"}", "{\"search\":\"\"}" },
		/* An empty list matches nothing: {"ids":[]} says just that. */
		{ "{\"kinds\":[]}", "{\"ids\":[]}" },
		{ "{\"ids\":[]}", "{\"ids\":[]}" },
		{ "{\"#t\":[],\"kinds\":[1]}", "{\"ids\":[]}" },
		{ "{\"kinds\":[1],\"authors\":[],\"since\":3}",
		  "{\"ids\":[]}" },
	};
	struct filter a, b;
	struct buf w1, w2;
	size_t	 i;

	buf_init(&w1, 0);
	buf_init(&w2, 0);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(filter_parse(v[i].in, strlen(v[i].in), &a),
		    ERR_OK);
		buf_reset(&w1);
		filter_write_json(&a, &w1);
		assert_false(w1.err);
		if (v[i].out != NULL && strcmp(w1.p, v[i].out) != 0)
			fail_msg("%s written as %s, want %s", v[i].in, w1.p,
			    v[i].out);
		if (filter_parse(w1.p, w1.len, &b) != ERR_OK)
			fail_msg("%s written as %s, which does not parse",
			    v[i].in, w1.p);
		expect_same(&a, &b);
		buf_reset(&w2);
		filter_write_json(&b, &w2);
		assert_string_equal(w1.p, w2.p);
		filter_free(&a);
		filter_free(&b);
	}
	/* filter_init is the filter that matches everything. */
	filter_init(&a);
	buf_reset(&w1);
	filter_write_json(&a, &w1);
	assert_string_equal(w1.p, "{}");
	assert_true(matches_filter(&a));
	/* Errors stick in the buffer. */
	buf_free(&w1);
	buf_init(&w1, 8);
	assert_int_equal(filter_parse(v[2].in, strlen(v[2].in), &a), ERR_OK);
	filter_write_json(&a, &w1);
	assert_true(w1.err);
	filter_free(&a);
	buf_free(&w1);
	buf_free(&w2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_write_json),
	};

	crypto_init();
	return cmocka_run_group_tests_name("filter", tests, NULL, NULL);
}
