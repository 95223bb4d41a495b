/*
 * test-witness.c: core/witness.c, the label formats of docs/formats.md.
 * Each of the five shapes read back; other namespaces and other kinds
 * are none of ours and never refused; every malformed label of ours
 * refused with its reason; the builder's tags parse back; the page's
 * query string; the short code of a key.
 */
#include "testutil.h"

#include "bech32.h"
#include "witness.h"

#define NOW	1800000000ULL

static const char R[] =
    "5c0f0000000000000000000000000000000000000000000000000000000000e1";

/* Parses JSON s into ev (scratch kept in *sc, freed by the caller). */
static void
parse(const char *s, struct event *ev, void **sc)
{
	size_t	 n = strlen(s);

	*sc = malloc(EVENT_SCRATCH(n));
	assert_non_null(*sc);
	assert_int_equal(event_parse(s, n, NULL, ev, *sc, EVENT_SCRATCH(n)),
	    ERR_OK);
}

/* witness_parse of a label by key who with these tags and content. */
static enum err
wp(int who, uint32_t kind, const char *tags, const char *content,
    struct witness_mark *m)
{
	struct event ev;
	void	*sc;
	char	*s = tu_event(who, NOW, kind, tags, content);
	enum err e;

	parse(s, &ev, &sc);
	e = witness_parse(&ev, m);
	free(sc);
	free(s);
	return e;
}

static void
test_shapes(void **state)
{
	struct witness_mark m;
	char	 tags[1024], p2[65];
	uint8_t	 r[32], a[32];

	tu_pubhex(2, p2);
	tu_unhex(R, r, 32);
	tu_unhex(p2, a, 32);
	snprintf(tags, sizeof(tags), "[[\"L\",\"samizdat.witness\"],"
	    "[\"l\",\"confirm\",\"samizdat.witness\"],[\"e\",\"%s\",\"\"],"
	    "[\"p\",\"%s\"]]", R, p2);
	assert_int_equal(wp(1, 1985, tags, "I saw it from the bridge", &m),
	    ERR_OK);
	assert_int_equal(m.label, WITNESS_CONFIRM);
	assert_memory_equal(m.target, r, 32);
	assert_memory_equal(m.author, a, 32);
	snprintf(tags, sizeof(tags), "[[\"l\",\"retract\",\"samizdat.witness\"],"
	    "[\"e\",\"%s\"],[\"k\",\"1\"],[\"p\",\"%s\"],"
	    "[\"L\",\"samizdat.witness\"],[\"imeta\",\"url http://x/y.jpg\","
	    "\"m image/jpeg\"]]", R, p2);
	assert_int_equal(wp(1, 1985, tags, "", &m), ERR_OK);
	assert_int_equal(m.label, WITNESS_RETRACT);
	snprintf(tags, sizeof(tags), "[[\"L\",\"samizdat.witness\"],"
	    "[\"l\",\"vouch\",\"samizdat.witness\"],[\"p\",\"%s\"]]", p2);
	assert_int_equal(wp(1, 1985, tags, "met at the school", &m), ERR_OK);
	assert_int_equal(m.label, WITNESS_VOUCH);
	assert_memory_equal(m.target, a, 32);
	snprintf(tags, sizeof(tags), "[[\"L\",\"samizdat.witness\"],"
	    "[\"l\",\"revoke\",\"samizdat.witness\"],[\"p\",\"%s\"]]", p2);
	assert_int_equal(wp(1, 1985, tags, "", &m), ERR_OK);
	assert_int_equal(m.label, WITNESS_REVOKE);
}

static void
test_not_ours(void **state)
{
	struct witness_mark m;
	char	 tags[512];

	/* Other namespaces, NIP-32's own examples, other kinds. */
	snprintf(tags, sizeof(tags), "[[\"L\",\"license\"],"
	    "[\"l\",\"MIT\",\"license\"],[\"e\",\"%s\"]]", R);
	assert_int_equal(wp(1, 1985, tags, "", &m), ERR_OK);
	assert_int_equal(m.label, WITNESS_NONE);
	assert_int_equal(wp(1, 1985, "[[\"l\",\"confirm\"]]", "", &m), ERR_OK);
	assert_int_equal(m.label, WITNESS_NONE);
	assert_int_equal(wp(1, 1985, "[]", "", &m), ERR_OK);
	assert_int_equal(m.label, WITNESS_NONE);
	/* Self-labelling a note with our namespace is not a mark. */
	assert_int_equal(wp(1, 1, "[[\"L\",\"samizdat.witness\"],[\"l\","
	    "\"bogus\",\"samizdat.witness\"]]", "", &m), ERR_OK);
	assert_int_equal(m.label, WITNESS_NONE);
}

static void
test_malformed(void **state)
{
	struct witness_mark m;
	char	 tags[1024], p1[65], p2[65];

	tu_pubhex(1, p1);
	tu_pubhex(2, p2);
	/* No L tag; an unknown label; two labels. */
	snprintf(tags, sizeof(tags), "[[\"l\",\"confirm\",\"samizdat.witness\"],"
	    "[\"e\",\"%s\"],[\"p\",\"%s\"]]", R, p2);
	assert_int_equal(wp(1, 1985, tags, "", &m), ERR_WITNESS_LABEL);
	assert_int_equal(m.label, WITNESS_NONE);
	snprintf(tags, sizeof(tags), "[[\"L\",\"samizdat.witness\"],[\"l\","
	    "\"true\",\"samizdat.witness\"],[\"e\",\"%s\"],[\"p\",\"%s\"]]", R,
	    p2);
	assert_int_equal(wp(1, 1985, tags, "", &m), ERR_WITNESS_LABEL);
	snprintf(tags, sizeof(tags), "[[\"L\",\"samizdat.witness\"],[\"l\","
	    "\"confirm\",\"samizdat.witness\"],[\"l\",\"dispute\","
	    "\"samizdat.witness\"],[\"e\",\"%s\"],[\"p\",\"%s\"]]", R, p2);
	assert_int_equal(wp(1, 1985, tags, "", &m), ERR_WITNESS_LABEL);
	assert_int_equal(wp(1, 1985, "[[\"L\",\"samizdat.witness\"]]", "", &m),
	    ERR_WITNESS_LABEL);
	/* A mark without its p, with two e, with upper-case hex. */
	snprintf(tags, sizeof(tags), "[[\"L\",\"samizdat.witness\"],[\"l\","
	    "\"dispute\",\"samizdat.witness\"],[\"e\",\"%s\"]]", R);
	assert_int_equal(wp(1, 1985, tags, "", &m), ERR_WITNESS_MARK);
	snprintf(tags, sizeof(tags), "[[\"L\",\"samizdat.witness\"],[\"l\","
	    "\"dispute\",\"samizdat.witness\"],[\"e\",\"%s\"],[\"e\",\"%s\"],"
	    "[\"p\",\"%s\"]]", R, R, p2);
	assert_int_equal(wp(1, 1985, tags, "", &m), ERR_WITNESS_MARK);
	snprintf(tags, sizeof(tags), "[[\"L\",\"samizdat.witness\"],[\"l\","
	    "\"confirm\",\"samizdat.witness\"],[\"e\",\"5C0F%s\"],"
	    "[\"p\",\"%s\"]]", R + 4, p2);
	assert_int_equal(wp(1, 1985, tags, "", &m), ERR_WITNESS_MARK);
	/* A vouch with an e tag, or without a p. */
	snprintf(tags, sizeof(tags), "[[\"L\",\"samizdat.witness\"],[\"l\","
	    "\"vouch\",\"samizdat.witness\"],[\"e\",\"%s\"],[\"p\",\"%s\"]]", R,
	    p2);
	assert_int_equal(wp(1, 1985, tags, "", &m), ERR_WITNESS_VOUCH);
	assert_int_equal(wp(1, 1985, "[[\"L\",\"samizdat.witness\"],[\"l\","
	    "\"vouch\",\"samizdat.witness\"]]", "", &m), ERR_WITNESS_VOUCH);
	/* Its own report; itself. */
	snprintf(tags, sizeof(tags), "[[\"L\",\"samizdat.witness\"],[\"l\","
	    "\"confirm\",\"samizdat.witness\"],[\"e\",\"%s\"],[\"p\",\"%s\"]]",
	    R, p1);
	assert_int_equal(wp(1, 1985, tags, "", &m), ERR_WITNESS_SELF);
	snprintf(tags, sizeof(tags), "[[\"L\",\"samizdat.witness\"],[\"l\","
	    "\"vouch\",\"samizdat.witness\"],[\"p\",\"%s\"]]", p1);
	assert_int_equal(wp(1, 1985, tags, "", &m), ERR_WITNESS_SELF);
	/* A comment past the limit. */
	{
		char	*big = malloc(WITNESS_COMMENT_MAX + 2);

		memset(big, 'x', WITNESS_COMMENT_MAX + 1);
		big[WITNESS_COMMENT_MAX + 1] = '\0';
		snprintf(tags, sizeof(tags), "[[\"L\",\"samizdat.witness\"],"
		    "[\"l\",\"vouch\",\"samizdat.witness\"],[\"p\",\"%s\"]]", p2);
		assert_int_equal(wp(1, 1985, tags, big, &m),
		    ERR_WITNESS_COMMENT);
		big[WITNESS_COMMENT_MAX] = '\0';
		assert_int_equal(wp(1, 1985, tags, big, &m), ERR_OK);
		free(big);
	}
	/* Every reason has its NIP-01 prefix. */
	assert_string_equal(err_prefix(ERR_WITNESS_MARK), "invalid");
	assert_string_equal(err_prefix(ERR_WITNESS_PENDING), "rate-limited");
}

static void
test_builder_round_trip(void **state)
{
	struct witness_tags wt;
	struct witness_mark m;
	struct event ev;
	struct buf tmp, json;
	uint8_t	 sk[32], r[32], a[32];
	char	 p2[65];
	void	*sc;

	tu_unhex(R, r, 32);
	tu_pubhex(2, p2);
	tu_unhex(p2, a, 32);
	tu_seckey(1, sk);
	buf_init(&tmp, 0);
	buf_init(&json, 0);
	witness_tags(&wt, WITNESS_DISPUTE, r, a);
	memset(&ev, 0, sizeof(ev));
	ev.created_at = NOW;
	ev.kind = WITNESS_KIND;
	ev.tags = wt.tags;
	ev.ntags = wt.ntags;
	ev.content.p = "not true";
	ev.content.n = 8;
	assert_int_equal(event_sign(&ev, sk, &tmp), ERR_OK);
	event_write_json(&ev, &json);
	assert_non_null(strstr(json.p, "[\"l\",\"dispute\",\"samizdat.witness\"]"));
	parse(json.p, &ev, &sc);
	assert_int_equal(witness_parse(&ev, &m), ERR_OK);
	assert_int_equal(m.label, WITNESS_DISPUTE);
	assert_memory_equal(m.target, r, 32);
	free(sc);
	witness_tags(&wt, WITNESS_VOUCH, a, NULL);
	assert_int_equal(wt.ntags, 3);
	assert_string_equal(wt.tags[2].v[0].p, "p");
	assert_int_equal(witness_label_of("revoke", 6), WITNESS_REVOKE);
	assert_int_equal(witness_label_of("revok", 5), WITNESS_NONE);
	assert_string_equal(witness_label_name(WITNESS_CONFIRM), "confirm");
	buf_free(&tmp);
	buf_free(&json);
}

static void
test_query(void **state)
{
	uint8_t	 ids[WITNESS_API_MAX_IDS][32], me[32], r[32];
	char	 q[8192];
	size_t	 n, i;
	bool	 has_me;

	tu_unhex(R, r, 32);
	snprintf(q, sizeof(q), "ids=%s", R);
	assert_true(witness_query_parse(q, ids, 50, &n, me, &has_me));
	assert_int_equal(n, 1);
	assert_false(has_me);
	assert_memory_equal(ids[0], r, 32);
	snprintf(q, sizeof(q), "me=%s&ids=%.60s0001,%.60s0002%%2C%.60s0003",
	    R, R, R, R);
	assert_true(witness_query_parse(q, ids, 50, &n, me, &has_me));
	assert_int_equal(n, 3);
	assert_true(has_me);
	assert_memory_equal(me, r, 32);
	assert_int_equal(ids[2][31], 3);
	/* Empty me is no reader. */
	snprintf(q, sizeof(q), "ids=%s&me=", R);
	assert_true(witness_query_parse(q, ids, 50, &n, me, &has_me));
	assert_false(has_me);
	/* Refused: none, twice the same, short, trailing comma, unknown,
	 * too many. */
	assert_false(witness_query_parse("", ids, 50, &n, me, &has_me));
	assert_false(witness_query_parse(NULL, ids, 50, &n, me, &has_me));
	snprintf(q, sizeof(q), "ids=%s,%s", R, R);
	assert_false(witness_query_parse(q, ids, 50, &n, me, &has_me));
	assert_false(witness_query_parse("ids=5c0f", ids, 50, &n, me, &has_me));
	snprintf(q, sizeof(q), "ids=%s,", R);
	assert_false(witness_query_parse(q, ids, 50, &n, me, &has_me));
	snprintf(q, sizeof(q), "ids=%s&x=1", R);
	assert_false(witness_query_parse(q, ids, 50, &n, me, &has_me));
	snprintf(q, sizeof(q), "ids=%s&me=zz", R);
	assert_false(witness_query_parse(q, ids, 50, &n, me, &has_me));
	n = (size_t)snprintf(q, sizeof(q), "ids=");
	for (i = 0; i < 3; i++)
		n += (size_t)snprintf(q + n, sizeof(q) - n, "%s%.62s%02zu",
		    i ? "," : "", R, i);
	assert_true(witness_query_parse(q, ids, 3, &n, me, &has_me));
	assert_false(witness_query_parse(q, ids, 2, &n, me, &has_me));
}

/* The short code: the 8 npub characters after "npub1", its first 40 bits. */
static void
test_code(void **state)
{
	uint8_t	 pk[32], pre[5];
	char	 npub[100];
	int	 i;

	for (i = 0; i < 32; i++)
		pk[i] = (uint8_t)(i * 37 + 11);
	nip19_npub(pk, npub, sizeof(npub));
	assert_true(witness_code_prefix(npub + 5, 8, pre));
	assert_memory_equal(pre, pk, 5);
	memset(pk, 0xff, 5);
	nip19_npub(pk, npub, sizeof(npub));
	assert_true(witness_code_prefix(npub + 5, 8, pre));
	assert_memory_equal(pre, pk, 5);
	/* Refused: short, long, upper case, a letter bech32 leaves out. */
	assert_false(witness_code_prefix("qpzry9x", 7, pre));
	assert_false(witness_code_prefix("qpzry9x8g", 9, pre));
	assert_false(witness_code_prefix("QPZRY9X8", 8, pre));
	assert_false(witness_code_prefix("qpzry9xb", 8, pre));
	assert_false(witness_code_prefix("qpz\0y9x8", 8, pre));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_builder_round_trip),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_code),
	};

	crypto_init();
	return cmocka_run_group_tests_name("witness", tests, NULL, NULL);
}
