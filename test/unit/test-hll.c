/*
 * test-hll.c: NIP-45 HyperLogLog against the vectors from nostr-tools
 * (test/vectors/nip45): registers, merge, estimate and offsets.
 */
#include "testutil.h"

#include "crypto.h"
#include "hex.h"
#include "hll.h"

static void
test_registers(void **state)
{
	json_t	*root = tu_load_json("../vectors/nip45/nip45-hll-vectors.json");
	json_t	*t = json_object_get(root, "registers_test"), *pk;
	uint8_t	 reg[HLL_REGISTERS], even[HLL_REGISTERS], odd[HLL_REGISTERS];
	uint8_t	 key[32];
	char	 hx[2 * HLL_REGISTERS + 1];
	unsigned offset = (unsigned)json_integer_value(json_object_get(t,
	    "offset"));
	size_t	 i, k;

	memset(reg, 0, sizeof(reg));
	memset(even, 0, sizeof(even));
	memset(odd, 0, sizeof(odd));
	json_array_foreach(json_object_get(t, "pubkeys"), i, pk) {
		tu_unhex(json_string_value(pk), key, 32);
		hll_add(reg, key, offset);
		hll_add(i % 2 ? odd : even, key, offset);
	}
	hex_encode(reg, HLL_REGISTERS, hx);
	assert_string_equal(hx, json_string_value(json_object_get(t,
	    "expected_hll")));
	for (k = 0; k < HLL_REGISTERS; k++)	/* merge: per-register max */
		even[k] = even[k] > odd[k] ? even[k] : odd[k];
	assert_memory_equal(even, reg, HLL_REGISTERS);
	assert_int_equal(hll_estimate(reg), json_integer_value(
	    json_object_get(t, "expected_estimate")));
	json_decref(root);
}

static void
test_offsets(void **state)
{
	json_t	*root = tu_load_json("../vectors/nip45/nip45-hll-vectors.json");
	json_t	*t;
	size_t	 i;

	json_array_foreach(json_object_get(root, "offset_tests"), i, t) {
		const char *v = json_string_value(json_object_get(t,
		    "first_tag_value"));

		assert_int_equal(hll_offset(v, strlen(v)), json_integer_value(
		    json_object_get(t, "expected_offset")));
	}
	json_decref(root);
}

static void
test_estimate_grows(void **state)
{
	uint8_t	 reg[HLL_REGISTERS], pk[32];
	uint64_t est;
	int	 i;

	memset(reg, 0, sizeof(reg));
	assert_int_equal(hll_estimate(reg), 0);
	for (i = 0; i < 5000; i++) {
		crypto_random(pk, 32);
		hll_add(reg, pk, 8);
	}
	est = hll_estimate(reg);
	assert_true(est > 4000 && est < 6000);	/* within ~20% */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_estimate_grows),
	};

	crypto_init();
	return cmocka_run_group_tests_name("hll", tests, NULL, NULL);
}
