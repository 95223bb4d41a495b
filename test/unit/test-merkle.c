/*
 * test-merkle.c: the archive's Merkle tree against a direct reading of
 * RFC 6962's recursive definition, for every tree size up to 70 and every
 * leaf: the streaming root, every inclusion proof, and that a proof fails
 * for another leaf, index, size or root.
 */
#include "testutil.h"

#include <openssl/sha.h>

#include "merkle.h"

/* MTH(D[lo:hi]) as RFC 6962 2.1 writes it. */
static void
mth(uint8_t (*leaves)[32], uint64_t lo, uint64_t hi, uint8_t out[32])
{
	uint8_t	 l[32], r[32];
	uint64_t k = 1;

	if (hi - lo == 1) {
		memcpy(out, leaves[lo], 32);
		return;
	}
	while (k < hi - lo - k)
		k <<= 1;
	mth(leaves, lo, lo + k, l);
	mth(leaves, lo + k, hi, r);
	merkle_node(l, r, out);
}

static void
test_leaf_node(void **state)
{
	uint8_t	 item[32], b[65], want[32], got[32];

	memset(item, 0xab, 32);
	b[0] = 0;
	b[1] = 'e';
	memcpy(b + 2, item, 32);
	SHA256(b, 34, want);
	merkle_leaf(MERKLE_EVENT, item, got);
	assert_memory_equal(got, want, 32);
	b[0] = 1;
	memcpy(b + 1, item, 32);
	memcpy(b + 33, want, 32);
	SHA256(b, 65, want);
	merkle_node(item, got, got);
	assert_memory_equal(got, want, 32);
}

static void
test_roots_and_proofs(void **state)
{
	uint8_t	 leaves[70][32], item[32], want[32], got[32], other[32];
	uint8_t	 path[MERKLE_MAX_PATH][32];
	struct merkle t;
	struct merkle_prover *p = malloc(sizeof(*p));
	uint64_t n, m, i;
	size_t	 len;

	assert_non_null(p);
	for (i = 0; i < 70; i++) {
		memset(item, (int)i, 32);
		merkle_leaf(MERKLE_MEDIA, item, leaves[i]);
	}
	merkle_init(&t);
	merkle_root(&t, got);
	SHA256((const uint8_t *)"", 0, want);
	assert_memory_equal(got, want, 32);
	for (n = 1; n <= 70; n++) {
		merkle_init(&t);
		for (i = 0; i < n; i++)
			merkle_add(&t, leaves[i]);
		mth(leaves, 0, n, want);
		merkle_root(&t, got);
		assert_memory_equal(got, want, 32);
		for (m = 0; m < n; m++) {
			assert_true(merkle_prove_init(p, m, n));
			for (i = 0; i < n; i++)
				merkle_prove_add(p, leaves[i]);
			assert_true(merkle_prove_path(p, path, &len));
			assert_true(merkle_verify(leaves[m], m, n,
			    (const uint8_t (*)[32])path, len, want));
			/* Wrong leaf, index, size, root. */
			assert_false(merkle_verify(leaves[(m + 1) % 70], m, n,
			    (const uint8_t (*)[32])path, len, want));
			if (n > 1)
				assert_false(merkle_verify(leaves[m], (m + 1) %
				    n, n, (const uint8_t (*)[32])path, len,
				    want));
			memcpy(other, want, 32);
			other[0] ^= 1;
			assert_false(merkle_verify(leaves[m], m, n,
			    (const uint8_t (*)[32])path, len, other));
			if (len > 0)
				assert_false(merkle_verify(leaves[m], m, n,
				    (const uint8_t (*)[32])path, len - 1, want));
		}
	}
	assert_false(merkle_prove_init(p, 5, 5));
	assert_true(merkle_prove_init(p, 0, 3));
	merkle_prove_add(p, leaves[0]);
	assert_false(merkle_prove_path(p, path, &len));	/* too few leaves */
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf_node),
		cmocka_unit_test(test_roots_and_proofs),
	};

	return cmocka_run_group_tests_name("merkle", tests, NULL, NULL);
}
