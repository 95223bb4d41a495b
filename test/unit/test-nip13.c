/*
 * test-nip13.c: NIP-13 difficulty from the NIP's own examples, and what a
 * nonce tag's committed target is worth.
 */
#include "testutil.h"

#include "nip13.h"

static void
test_bits(void **state)
{
	uint8_t	 id[32];

	/* The NIP's examples: 36 bits, "002f..." is 10, the mined note 21. */
	tu_unhex("000000000e9d97a1ab09fc381030b346cdd7a142ad57e6df0b46dc9bef6c7e2d",
	    id, 32);
	assert_int_equal(nip13_bits(id), 36);
	memset(id, 0xff, 32);
	id[0] = 0x00;
	id[1] = 0x2f;
	assert_int_equal(nip13_bits(id), 10);
	tu_unhex("000006d8c378af1779d2feebc7603a125d99eca0ccf1085959b307f64e5dd358",
	    id, 32);
	assert_int_equal(nip13_bits(id), 21);
	memset(id, 0, 32);
	assert_int_equal(nip13_bits(id), 256);
	id[31] = 1;
	assert_int_equal(nip13_bits(id), 255);
	memset(id, 0xff, 32);
	assert_int_equal(nip13_bits(id), 0);
	id[0] = 0x7f;
	assert_int_equal(nip13_bits(id), 1);
}

/* An event with one nonce tag of the given elements over id. */
static void
with_nonce(struct event *ev, struct tag *t, struct str *v, const char *id,
    const char *target)
{
	memset(ev, 0, sizeof(*ev));
	tu_unhex(id, ev->id, 32);
	v[0].p = "nonce";
	v[0].n = 5;
	v[1].p = "776797";
	v[1].n = 6;
	v[2].p = target;
	v[2].n = target ? strlen(target) : 0;
	t->v = v;
	t->n = target ? 3 : 2;
	ev->tags = t;
	ev->ntags = 1;
}

static void
test_committed(void **state)
{
	const char *mined =
	    "000006d8c378af1779d2feebc7603a125d99eca0ccf1085959b307f64e5dd358";
	struct event ev;
	struct tag t;
	struct str v[3];

	/* The NIP's example: 21 bits, committed to 20, credited 20. */
	with_nonce(&ev, &t, v, mined, "20");
	assert_int_equal(nip13_committed(&ev), 20);
	/* Aimed at 8, lucky with 21: credited its aim only. */
	with_nonce(&ev, &t, v, mined, "8");
	assert_int_equal(nip13_committed(&ev), 8);
	/* A target above what the id has: nothing. */
	with_nonce(&ev, &t, v, mined, "22");
	assert_int_equal(nip13_committed(&ev), 0);
	/* No target, or not a plain decimal: nothing. */
	with_nonce(&ev, &t, v, mined, NULL);
	assert_int_equal(nip13_committed(&ev), 0);
	with_nonce(&ev, &t, v, mined, "+8");
	assert_int_equal(nip13_committed(&ev), 0);
	with_nonce(&ev, &t, v, mined, "0020");
	assert_int_equal(nip13_committed(&ev), 0);
	with_nonce(&ev, &t, v, mined, "");
	assert_int_equal(nip13_committed(&ev), 0);
	/* No nonce tag at all. */
	with_nonce(&ev, &t, v, mined, "20");
	v[0].p = "nonc3";
	assert_int_equal(nip13_committed(&ev), 0);
	ev.ntags = 0;
	assert_int_equal(nip13_committed(&ev), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bits),
		cmocka_unit_test(test_committed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
