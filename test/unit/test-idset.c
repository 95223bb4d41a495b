/*
 * test-idset.c: the id set against a plain array: puts, gets, deletes in
 * every order (backward shift keeps every run reachable), the bound, walks.
 */
#include "testutil.h"

#include "idset.h"

#define N	2000

static void
id_of(uint8_t id[32], unsigned i)
{
	memset(id, 0, 32);
	/* Few distinct first bytes: long probe runs to shift through. */
	id[0] = (uint8_t)(i % 7);
	id[5] = (uint8_t)i;
	id[6] = (uint8_t)(i >> 8);
}

static void
test_put_get_del(void **state)
{
	struct idset s;
	static bool in[N];
	uint8_t	 id[32];
	uint64_t v;
	unsigned i, round;

	idset_init(&s, N);
	for (i = 0; i < N; i++) {
		id_of(id, i);
		assert_int_equal(idset_put(&s, id, i * 3), ERR_OK);
		in[i] = true;
	}
	assert_int_equal(s.n, N);
	id_of(id, 5);
	assert_int_equal(idset_put(&s, id, 99), ERR_OK);	/* update */
	assert_int_equal(s.n, N);
	assert_true(idset_get(&s, id, &v));
	assert_int_equal(v, 99);
	idset_put(&s, id, 15);
	/* Delete in three interleaved passes, checking all each time. */
	for (round = 0; round < 3; round++) {
		for (i = round; i < N; i += 3) {
			id_of(id, i);
			assert_true(idset_del(&s, id));
			assert_false(idset_del(&s, id));
			in[i] = false;
		}
		for (i = 0; i < N; i++) {
			id_of(id, i);
			assert_int_equal(idset_get(&s, id, &v), in[i]);
			if (in[i])
				assert_int_equal(v, i * 3);
		}
	}
	assert_int_equal(s.n, 0);
	idset_free(&s);
}

static int
count_cb(const uint8_t id[32], uint64_t v, void *arg)
{
	unsigned *n = arg;

	(*n)++;
	return *n % 100 == 0;	/* stop every hundred */
}

static void
test_bound_walk(void **state)
{
	struct idset s;
	uint8_t	 id[32];
	unsigned i, n = 0, walks = 0;
	size_t	 pos = 0;

	idset_init(&s, 500);
	for (i = 0; i < 500; i++) {
		id_of(id, i);
		assert_int_equal(idset_put(&s, id, i), ERR_OK);
	}
	id_of(id, 500);
	assert_int_equal(idset_put(&s, id, 1), ERR_STORE_FULL);
	assert_false(idset_get(&s, id, NULL));
	/* Walks of a hundred each visit every member once in all. */
	do {
		pos = idset_walk(&s, pos, count_cb, &n);
		walks++;
	} while (pos != 0 && walks < 100);
	assert_int_equal(n, 500);
	idset_clear(&s);
	assert_int_equal(s.n, 0);
	id_of(id, 3);
	assert_false(idset_get(&s, id, NULL));
	assert_int_equal(idset_put(&s, id, 1), ERR_OK);
	idset_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_del),
		cmocka_unit_test(test_bound_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
