/*
 * test-custody_root.c: custody roots (core/custody_root.c): UTC days as
 * dates both ways, with impossible dates refused; the event built, signed,
 * written and read back; malformed and repeated tags refused; which days
 * are due after a long time offline (never more than CUSTODY_ROOT_DAYS,
 * never before the grace after midnight); and the backward pass that
 * finds each day's last line, also when the clock went back.
 */
#include "testutil.h"

#include "crypto.h"
#include "custody_root.h"

#define D1	20788		/* 2026-12-01 */

static void
test_days(void **state)
{
	char	 s[11];
	int64_t	 d;

	(void)state;
	custody_day_str(0, s);
	assert_string_equal(s, "1970-01-01");
	custody_day_str(D1, s);
	assert_string_equal(s, "2026-12-01");
	custody_day_str(11016, s);
	assert_string_equal(s, "2000-02-29");
	assert_true(custody_day_parse("2026-12-01", 10, &d));
	assert_int_equal(d, D1);
	assert_true(custody_day_parse("2000-02-29", 10, &d));
	assert_int_equal(d, 11016);
	assert_true(custody_day_parse("2028-12-31", 10, &d));
	custody_day_str(d, s);
	assert_string_equal(s, "2028-12-31");
	assert_false(custody_day_parse("2026-02-29", 10, &d));
	assert_false(custody_day_parse("2026-13-01", 10, &d));
	assert_false(custody_day_parse("2026-12-00", 10, &d));
	assert_false(custody_day_parse("2026-12-1", 9, &d));
	assert_false(custody_day_parse("2026/12/01", 10, &d));
	assert_false(custody_day_parse("1969-12-31", 10, &d));
	assert_int_equal(custody_day_of(custody_day_end(D1) - 1), D1);
	assert_int_equal(custody_day_of(custody_day_end(D1)), D1 + 1);
}

static struct event
parse_json(const char *json, void *scratch, size_t n)
{
	struct event ev;

	assert_int_equal(event_parse(json, strlen(json), NULL, &ev, scratch,
	    n), ERR_OK);
	return ev;
}

static void
test_event_roundtrip(void **state)
{
	struct custody_root r, back;
	struct custody_root_ev b;
	struct event ev, ev2;
	struct buf tmp, json;
	uint8_t	 sk[32];
	static uint8_t scratch[65536];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.day = D1;
	r.seq = 1234;
	memset(r.chain, 0xab, 32);
	r.created_at = custody_day_end(D1) + 61;
	assert_true(custody_root_closed(&r));
	custody_root_event(&r, &b, &ev);
	tu_seckey(7, sk);
	buf_init(&tmp, 0);
	buf_init(&json, 0);
	assert_int_equal(event_sign(&ev, sk, &tmp), ERR_OK);
	event_write_json(&ev, &json);
	assert_false(json.err);
	assert_non_null(strstr(json.p, "\"kind\":4921"));
	assert_non_null(strstr(json.p, "[\"day\",\"2026-12-01\"],[\"seq\","
	    "\"1234\"],[\"chain\",\"abababab"));
	assert_non_null(strstr(json.p, "1234 custody lines to the end of "
	    "2026-12-01 UTC"));
	assert_non_null(strstr(json.p, "\"content\":\"\""));
	ev2 = parse_json(json.p, scratch, sizeof(scratch));
	assert_int_equal(event_check(&ev2, &tmp), ERR_OK);
	assert_true(custody_root_parse(&ev2, &back));
	assert_int_equal(back.day, D1);
	assert_int_equal(back.seq, 1234);
	assert_memory_equal(back.chain, r.chain, 32);
	assert_int_equal(back.created_at, r.created_at);
	/* Made within its day: a running root. */
	r.created_at = custody_day_end(D1) - 1;
	assert_false(custody_root_closed(&r));
	custody_root_event(&r, &b, &ev);
	assert_non_null(strstr(b.alt, "so far on 2026-12-01"));
	buf_free(&tmp);
	buf_free(&json);
}

static bool
parses(const char *tags, uint32_t kind)
{
	static uint8_t scratch[65536];
	struct custody_root r;
	struct event ev;
	char	*json = tu_event(3, 1800000000, kind, tags, "");
	bool	 ok;

	ev = parse_json(json, scratch, sizeof(scratch));
	ok = custody_root_parse(&ev, &r);
	free(json);
	return ok;
}

#define CH "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\""

static void
test_parse_refused(void **state)
{
	(void)state;
	assert_true(parses("[[\"day\",\"2026-12-01\"],[\"seq\",\"5\"],[\"chain\","
	    CH "]]", 4921));
	/* Order and other tags do not matter. */
	assert_true(parses("[[\"chain\"," CH "],[\"t\",\"x\"],[\"seq\",\"5\"],"
	    "[\"day\",\"2026-12-01\"]]", 4921));
	assert_false(parses("[[\"day\",\"2026-12-01\"],[\"seq\",\"5\"],[\"chain\","
	    CH "]]", 1));
	assert_false(parses("[[\"day\",\"2026-12-01\"],[\"seq\",\"5\"]]", 4921));
	assert_false(parses("[[\"day\",\"2026-12-01\"],[\"seq\",\"05\"],"
	    "[\"chain\"," CH "]]", 4921));
	assert_false(parses("[[\"day\",\"2026-12-01\"],[\"seq\",\"0\"],"
	    "[\"chain\"," CH "]]", 4921));
	assert_false(parses("[[\"day\",\"2026-12-01\"],[\"seq\",\"-5\"],"
	    "[\"chain\"," CH "]]", 4921));
	assert_false(parses("[[\"day\",\"2026-12-32\"],[\"seq\",\"5\"],"
	    "[\"chain\"," CH "]]", 4921));
	assert_false(parses("[[\"day\",\"2026-12-01\"],[\"seq\",\"5\"],"
	    "[\"chain\",\"0123456789ABCDEF0123456789abcdef0123456789abcdef"
	    "0123456789abcdef\"]]", 4921));
	/* A tag said twice is not one root. */
	assert_false(parses("[[\"day\",\"2026-12-01\"],[\"seq\",\"5\"],"
	    "[\"seq\",\"6\"],[\"chain\"," CH "]]", 4921));
}

static void
test_due(void **state)
{
	uint64_t midnight = custody_day_end(D1);	/* 2026-12-02 00:00 */
	int64_t	 first = -1;

	(void)state;
	/* Within the grace after midnight, 12-01 is not closed yet. */
	assert_int_equal(custody_root_due(midnight + 10, D1 - 1, &first), 0);
	assert_int_equal(custody_root_due(midnight + CUSTODY_ROOT_GRACE,
	    D1 - 1, &first), 1);
	assert_int_equal(first, D1);
	/* Published already. */
	assert_int_equal(custody_root_due(midnight + 3600, D1, &first), 0);
	/* Offline for a year: the last 30 days only. */
	assert_int_equal(custody_root_due(midnight + 3600, D1 - 365, &first),
	    CUSTODY_ROOT_DAYS);
	assert_int_equal(first, D1 - CUSTODY_ROOT_DAYS + 1);
	/* Never published: the same. */
	assert_int_equal(custody_root_due(midnight + 3600, INT64_MIN, &first),
	    CUSTODY_ROOT_DAYS);
	assert_int_equal(first, D1 - CUSTODY_ROOT_DAYS + 1);
	/* Three days behind. */
	assert_int_equal(custody_root_due(midnight + 3600, D1 - 3, &first), 3);
	assert_int_equal(first, D1 - 2);
	/* A clock at 1970 closes nothing. */
	assert_int_equal(custody_root_due(100, INT64_MIN, &first), 0);
}

static void
test_scan(void **state)
{
	struct custody_root r[3];
	uint8_t	 c[8][32];
	uint64_t end0 = custody_day_end(D1 - 1), end1 = custody_day_end(D1);
	/* Lines 1..7, newest first is 7..1; line 5's clock went back. */
	uint64_t at[8] = { 0, end0 - 50, end0 - 10, end0 + 5, end1 - 3,
	    end0 - 1, end1 + 9, end1 + 20 };
	uint64_t s;
	bool	 more = true;

	(void)state;
	memset(r, 0, sizeof(r));
	r[0].day = D1 - 1;
	r[1].day = D1;
	r[2].day = D1 - 5;		/* before the log began */
	for (s = 1; s < 8; s++)
		memset(c[s], (int)s, 32);
	for (s = 7; s >= 1 && more; s--)
		more = custody_root_scan(r, 3, s, at[s], c[s]);
	assert_true(more);		/* D1 - 5 never found a line */
	assert_int_equal(r[1].seq, 5);	/* the last line before 12-02 */
	assert_memory_equal(r[1].chain, c[5], 32);
	/* The highest line before 12-01 ended: 5, whose clock went back. */
	assert_int_equal(r[0].seq, 5);
	assert_int_equal(r[2].seq, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_event_roundtrip),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_scan),
	};

	if (crypto_init() != 0)
		return 1;
	return cmocka_run_group_tests_name("custody_root", tests, NULL, NULL);
}
