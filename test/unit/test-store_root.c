/*
 * test-store_root.c: custody roots made from the store (store_root.c):
 * each ended day with lines gets one root, signed by the node key and
 * stored through the ingest path with a custody line via "node"; its seq
 * and chain are the last line of its day; a second call makes nothing;
 * a day without new lines gets none; after 100 days offline one root at
 * most is made, within the last CUSTODY_ROOT_DAYS (no flood); the tick
 * runs once a day; a running root covers the head.
 */
#include <unistd.h>

#include "testutil.h"

#include "custody.h"
#include "custody_root.h"
#include "ingest.h"
#include "store.h"
#include "store_custody.h"
#include "store_root.h"

#define D	20788		/* 2026-12-01 */

static char dbdir[] = "/tmp/samizdat-test-root-XXXXXX";

/* Stores a note of who at time at. */
static void
put_at(struct store *s, int who, uint64_t at, const char *text)
{
	struct custody_src src = { CUSTODY_CLIENT, "10.0.0.1" };
	struct ingest_ctx c;
	struct ingest_policy pol;
	char	*json = tu_event(who, at, 1, "[]", text);

	memset(&pol, 0, sizeof(pol));
	ingest_ctx_init(&c);
	c.src = &src;
	assert_int_equal(ingest_one(&c, &pol, s, json, strlen(json), at, NULL),
	    ERR_OK);
	ingest_ctx_free(&c);
	free(json);
}

struct made {
	size_t		 n;
	struct custody_root r[40];
	uint8_t		 id[40][32];
};

static void
on_made(void *arg, const struct custody_root *r, const char *json,
    size_t len)
{
	struct made *m = arg;
	static uint8_t scratch[65536];
	struct event ev;
	struct custody_root back;
	struct buf tmp;

	assert_true(m->n < 40);
	m->r[m->n] = *r;
	/* What was stored is a signed root that reads back the same. */
	buf_init(&tmp, 0);
	assert_int_equal(event_parse(json, len, NULL, &ev, scratch,
	    sizeof(scratch)), ERR_OK);
	assert_int_equal(event_check(&ev, &tmp), ERR_OK);
	assert_true(custody_root_parse(&ev, &back));
	assert_int_equal(back.seq, r->seq);
	assert_memory_equal(back.chain, r->chain, 32);
	memcpy(m->id[m->n], ev.id, 32);
	m->n++;
	buf_free(&tmp);
}

/* c(seq) as the store has it. */
static void
chain_at(struct store *s, uint64_t seq, uint8_t out[32])
{
	assert_int_equal(store_custody_before(s, seq + 1, out), ERR_OK);
}

static void
test_days_closed(void **state)
{
	struct store *s;
	struct made m;
	struct custody_entry ce;
	uint8_t	 sk[32], c[32];
	char	 path[300];
	size_t	 made;
	bool	 found;
	uint64_t end1 = custody_day_end(D - 1), end2 = custody_day_end(D);

	snprintf(path, sizeof(path), "%s/db", dbdir);
	assert_int_equal(store_open(&s, path, 0), ERR_OK);
	tu_seckey(9, sk);
	memset(&m, 0, sizeof(m));
	/* Two lines on 11-30, one on 12-01. */
	put_at(s, 1, end1 - 7200, "one");
	put_at(s, 2, end1 - 60, "two");
	put_at(s, 3, end2 - 3600, "three");
	/* Just after midnight: 12-01 is not closed yet, 11-30 is. */
	assert_int_equal(store_root_close(s, sk, end2 + 5, on_made, &m,
	    &made), ERR_OK);
	assert_int_equal(made, 1);
	assert_int_equal(m.r[0].day, D - 1);
	assert_int_equal(m.r[0].seq, 2);
	chain_at(s, 2, c);
	assert_memory_equal(m.r[0].chain, c, 32);
	/* Its own custody line says "node", at the time it was made. */
	assert_int_equal(store_custody_find(s, m.id[0], &ce, &found), ERR_OK);
	assert_true(found);
	assert_int_equal(ce.line.via, CUSTODY_NODE);
	assert_int_equal(ce.line.seq, 4);
	assert_int_equal(ce.line.at, end2 + 5);
	/* After the grace: 12-01 covers the three notes, not the root. */
	assert_int_equal(store_root_close(s, sk, end2 + 120, on_made, &m,
	    &made), ERR_OK);
	assert_int_equal(made, 1);
	assert_int_equal(m.r[1].day, D);
	assert_int_equal(m.r[1].seq, 3);
	/* Again: nothing. */
	assert_int_equal(store_root_close(s, sk, end2 + 600, on_made, &m,
	    &made), ERR_OK);
	assert_int_equal(made, 0);
	/* 100 days offline: one root, of the lines of 12-02, no flood. */
	assert_int_equal(store_root_close(s, sk, custody_day_end(D + 100) +
	    3600, on_made, &m, &made), ERR_OK);
	assert_int_equal(made, 1);
	assert_int_equal(m.r[2].day, D + 100 - CUSTODY_ROOT_DAYS + 1);
	assert_int_equal(m.r[2].seq, 5);
	store_close(s);
}

static void
test_tick_and_running(void **state)
{
	struct store *s;
	struct made m;
	uint8_t	 sk[32], c[32];
	char	 path[300];
	int64_t	 checked = INT64_MIN;
	uint64_t seq, end1 = custody_day_end(D - 1);
	bool	 made;

	snprintf(path, sizeof(path), "%s/db2", dbdir);
	assert_int_equal(store_open(&s, path, 0), ERR_OK);
	tu_seckey(9, sk);
	memset(&m, 0, sizeof(m));
	/* An empty log: no running root. */
	assert_int_equal(store_root_running(s, sk, end1 - 100, on_made, &m,
	    &made), ERR_OK);
	assert_false(made);
	put_at(s, 1, end1 - 100, "one");
	store_root_tick(s, sk, end1 + 100, &checked);
	assert_int_equal(checked, D - 1);
	assert_int_equal(store_custody_head(s, &seq, c), ERR_OK);
	assert_int_equal(seq, 2);		/* the note and its root */
	/* The same day again: the tick does not even look. */
	put_at(s, 2, end1 + 200, "two");
	store_root_tick(s, sk, end1 + 300, &checked);
	assert_int_equal(store_custody_head(s, &seq, c), ERR_OK);
	assert_int_equal(seq, 3);
	/* A running root: the head as it is. */
	assert_int_equal(store_root_running(s, sk, end1 + 400, on_made, &m,
	    &made), ERR_OK);
	assert_true(made);
	assert_int_equal(m.r[0].seq, 3);
	assert_memory_equal(m.r[0].chain, c, 32);
	assert_int_equal(m.r[0].day, D);
	assert_false(custody_root_closed(&m.r[0]));
	store_close(s);
}

TU_TMPDIR_FIXTURE(dbdir)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days_closed),
		cmocka_unit_test(test_tick_and_running),
	};

	return cmocka_run_group_tests_name("store_root", tests, setup,
	    teardown);
}
