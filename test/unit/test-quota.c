/*
 * test-quota.c: the hourly usage table: sliding windows, many keys,
 * bounded size, keys idle for hours forgotten first.
 */
#include "testutil.h"

#include "quota.h"

static void
key_of(uint8_t key[32], unsigned i)
{
	memset(key, 0, 32);
	/* Spread like hashes do, plus the index to keep them apart. */
	key[0] = (uint8_t)(i * 151);
	key[1] = (uint8_t)(i >> 8);
	key[2] = (uint8_t)(i >> 16);
	key[31] = (uint8_t)i;
	key[30] = (uint8_t)(i >> 8);
}

static void
test_sliding(void **state)
{
	struct quota q;
	struct quota_use u, add = { 256, 128, 1000 };
	uint8_t	 k[32];
	uint64_t t0 = 1000 * QUOTA_WINDOW;	/* the start of an hour */

	quota_init(&q, 100);
	key_of(k, 1);
	quota_get(&q, k, t0, &u);
	assert_int_equal(u.units, 0);
	assert_int_equal(quota_add(&q, k, t0 + 10, &add), ERR_OK);
	assert_int_equal(quota_add(&q, k, t0 + 20, &add), ERR_OK);
	quota_get(&q, k, t0 + 30, &u);
	assert_int_equal(u.units, 512);
	assert_int_equal(u.fwd, 256);
	assert_int_equal(u.bytes, 2000);
	/* A quarter into the next hour, three quarters of it still count. */
	quota_get(&q, k, t0 + QUOTA_WINDOW + QUOTA_WINDOW / 4, &u);
	assert_int_equal(u.units, 384);
	assert_int_equal(u.bytes, 1500);
	/* Adding then starts the new window; the old one slides out. */
	assert_int_equal(quota_add(&q, k, t0 + QUOTA_WINDOW + QUOTA_WINDOW / 4,
	    &add), ERR_OK);
	quota_get(&q, k, t0 + QUOTA_WINDOW + QUOTA_WINDOW / 2, &u);
	assert_int_equal(u.units, 256 + 256);
	/* Two hours later nothing is left. */
	quota_get(&q, k, t0 + 3 * QUOTA_WINDOW, &u);
	assert_int_equal(u.units, 0);
	assert_int_equal(u.bytes, 0);
	/* Another key is counted apart. */
	key_of(k, 2);
	quota_get(&q, k, t0 + 30, &u);
	assert_int_equal(u.units, 0);
	quota_free(&q);
}

static void
test_many(void **state)
{
	struct quota q;
	struct quota_use u, one = { 256, 0, 10 };
	uint8_t	 k[32];
	unsigned i;
	uint64_t t = 5000 * QUOTA_WINDOW;

	quota_init(&q, 4096);
	for (i = 0; i < 3000; i++) {
		key_of(k, i);
		assert_int_equal(quota_add(&q, k, t, &one), ERR_OK);
		if (i % 3 == 0)
			assert_int_equal(quota_add(&q, k, t, &one), ERR_OK);
	}
	assert_int_equal(q.n, 3000);
	assert_true(q.cap >= 6000);
	for (i = 0; i < 3000; i++) {
		key_of(k, i);
		quota_get(&q, k, t, &u);
		assert_int_equal(u.units, i % 3 == 0 ? 512 : 256);
	}
	assert_int_equal(q.forgotten, 0);
	quota_free(&q);
}

static void
test_bounded(void **state)
{
	struct quota q;
	struct quota_use u, one = { 256, 0, 10 };
	uint8_t	 k[32];
	unsigned i;
	uint64_t t = 7000 * QUOTA_WINDOW;

	quota_init(&q, 64);
	/* 40 keys, three hours ago: idle, so they go first. */
	for (i = 0; i < 40; i++) {
		key_of(k, i);
		assert_int_equal(quota_add(&q, k, t - 3 * QUOTA_WINDOW, &one),
		    ERR_OK);
	}
	/* 60 new keys: the old ones make room, none of the new is lost. */
	for (i = 100; i < 160; i++) {
		key_of(k, i);
		assert_int_equal(quota_add(&q, k, t, &one), ERR_OK);
		assert_true(q.n <= 64);
	}
	for (i = 100; i < 160; i++) {
		key_of(k, i);
		quota_get(&q, k, t, &u);
		assert_int_equal(u.units, 256);
	}
	assert_int_equal(q.forgotten, 0);
	/* Far more active keys than room: still bounded, some forgotten. */
	for (i = 1000; i < 1500; i++) {
		key_of(k, i);
		assert_int_equal(quota_add(&q, k, t + i, &one), ERR_OK);
		assert_true(q.n <= 64);
	}
	assert_true(q.forgotten > 0);
	assert_true(q.cap <= 256);
	/* The most recent are kept. */
	key_of(k, 1499);
	quota_get(&q, k, t + 1499, &u);
	assert_int_equal(u.units, 256);
	quota_free(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sliding),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
