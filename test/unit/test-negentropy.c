/*
 * test-negentropy.c: the Negentropy v1 engine against transcripts made
 * with the reference implementation (test/vectors/negentropy): both
 * roles must produce every message byte for byte and the initiator must
 * report the same have and need sets; plus fingerprints, version
 * downgrade, malformed messages and random convergence checks, also of
 * the initiator's split_leaves (not the reference's messages).
 */
#include "testutil.h"

#include "crypto.h"
#include "hex.h"
#include "negentropy.h"

static int
memcmp_32(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

struct idset {
	uint8_t	 (*ids)[32];
	size_t	 n, cap;
};

static void
collect(void *arg, const uint8_t id[32], bool have)
{
	struct idset *s = &((struct idset *)arg)[have ? 0 : 1];

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->ids = realloc(s->ids, s->cap * 32);
		assert_non_null(s->ids);
	}
	memcpy(s->ids[s->n++], id, 32);
}

static struct neg_item *
load_items(json_t *arr, size_t *n)
{
	struct neg_item *it;
	json_t	*v;
	size_t	 i;

	*n = json_array_size(arr);
	it = calloc(*n ? *n : 1, sizeof(*it));
	json_array_foreach(arr, i, v) {
		it[i].ts = (uint64_t)json_integer_value(json_array_get(v, 0));
		tu_unhex(json_string_value(json_array_get(v, 1)), it[i].id, 32);
	}
	neg_sort(it, *n);
	return it;
}

static void
expect_hex(struct buf *b, const char *want, const char *what)
{
	char	*got = malloc(2 * b->len + 1);

	hex_encode((const uint8_t *)b->p, b->len, got);
	if (strcmp(got, want) != 0)
		fail_msg("%s:\n got %.400s\nwant %.400s", what, got, want);
	free(got);
}

/* Same set of ids, in any order. */
static void
expect_set(struct idset *s, json_t *want, const char *what)
{
	size_t	 i, j;
	uint8_t	 id[32];
	json_t	*v;

	if (s->n != json_array_size(want))
		fail_msg("%s: %zu ids, want %zu", what, s->n,
		    json_array_size(want));
	json_array_foreach(want, i, v) {
		tu_unhex(json_string_value(v), id, 32);
		for (j = 0; j < s->n; j++)
			if (memcmp(s->ids[j], id, 32) == 0)
				break;
		if (j == s->n)
			fail_msg("%s: missing %s", what, json_string_value(v));
	}
}

static void
run_scenario(json_t *sc)
{
	const char *name = json_string_value(json_object_get(sc, "name"));
	struct neg_item *ci, *si;
	struct neg client, server;
	struct idset step[2], total[2];
	struct buf out;
	json_t	*msgs = json_object_get(sc, "messages"), *m;
	size_t	 nc, ns, i, k;
	uint8_t	*bin = NULL;
	bool	 done = false;
	char	 what[128];

	ci = load_items(json_object_get(sc, "client_items"), &nc);
	si = load_items(json_object_get(sc, "server_items"), &ns);
	assert_int_equal(neg_init(&client, ci, nc, (size_t)json_integer_value(
	    json_object_get(sc, "client_frame_size_limit"))), ERR_OK);
	assert_int_equal(neg_init(&server, si, ns, (size_t)json_integer_value(
	    json_object_get(sc, "server_frame_size_limit"))), ERR_OK);
	memset(total, 0, sizeof(total));
	buf_init(&out, 0);
	json_array_foreach(msgs, i, m) {
		const char *from = json_string_value(json_object_get(m, "from"));
		json_t	*hex = json_object_get(m, "hex");

		snprintf(what, sizeof(what), "%s: message %zu (%s)", name, i,
		    from);
		if (i == 0) {
			assert_int_equal(neg_initiate(&client, &out), ERR_OK);
			expect_hex(&out, json_string_value(hex), what);
			continue;
		}
		/* out holds the previous message: feed it to this side. */
		free(bin);
		bin = malloc(out.len ? out.len : 1);
		memcpy(bin, out.p, out.len);
		k = out.len;
		buf_reset(&out);
		if (strcmp(from, "server") == 0) {
			assert_int_equal(neg_reconcile(&server, bin, k, &out,
			    NULL, NULL, &done), ERR_OK);
			assert_false(done);
			expect_hex(&out, json_string_value(hex), what);
			continue;
		}
		memset(step, 0, sizeof(step));
		assert_int_equal(neg_reconcile(&client, bin, k, &out, collect,
		    step, &done), ERR_OK);
		if (json_is_null(hex))
			assert_true(done);
		else {
			assert_false(done);
			expect_hex(&out, json_string_value(hex), what);
		}
		if (json_object_get(m, "have") != NULL) {
			expect_set(&step[0], json_object_get(m, "have"), what);
			expect_set(&step[1], json_object_get(m, "need"), what);
		}
		for (k = 0; k < 2; k++) {
			size_t	 j;

			for (j = 0; j < step[k].n; j++)
				collect(&total[k], step[k].ids[j], true);
			free(step[k].ids);
		}
	}
	assert_true(done);
	expect_set(&total[0], json_object_get(sc, "expected_have"), name);
	expect_set(&total[1], json_object_get(sc, "expected_need"), name);
	free(total[0].ids);
	free(total[1].ids);
	free(bin);
	free(ci);
	free(si);
	buf_free(&out);
}

static void
test_transcripts(void **state)
{
	json_t	*root = tu_load_json("../vectors/negentropy/negentropy-transcripts.json");
	json_t	*sc;
	size_t	 i, ran = 0;

	json_array_foreach(json_object_get(root, "scenarios"), i, sc) {
		if (json_object_get(sc, "messages") == NULL)
			continue;
		run_scenario(sc);
		ran++;
	}
	assert_int_equal(ran, 8);
	json_decref(root);
}

/* protoversion.pl: a v1 server answers an unknown version with "61". */
static void
test_protoversion(void **state)
{
	json_t	*root = tu_load_json("../vectors/negentropy/negentropy-transcripts.json");
	json_t	*sc, *rep;
	struct neg_item *si;
	struct neg server;
	struct buf out;
	size_t	 i, j, ns, len;
	uint8_t	 bin[512];
	bool	 done;

	buf_init(&out, 0);
	json_array_foreach(json_object_get(root, "scenarios"), i, sc) {
		if (json_object_get(sc, "server_replies") == NULL)
			continue;
		si = load_items(json_object_get(sc, "server_items"), &ns);
		assert_int_equal(neg_init(&server, si, ns, 0), ERR_OK);
		json_array_foreach(json_object_get(sc, "server_replies"), j,
		    rep) {
			const char *in = json_string_value(json_object_get(rep,
			    "in"));

			len = strlen(in) / 2;
			tu_unhex(in, bin, len);
			buf_reset(&out);
			assert_int_equal(neg_reconcile(&server, bin, len, &out,
			    NULL, NULL, &done), ERR_OK);
			expect_hex(&out, json_string_value(json_object_get(rep,
			    "out")), "protoversion");
		}
		free(si);
	}
	buf_free(&out);
	json_decref(root);
}

static void
test_fingerprints(void **state)
{
	json_t	*root = tu_load_json("../vectors/negentropy/negentropy-primitives.json");
	json_t	*v, *id;
	size_t	 i, j, n;
	struct neg_item it[8];
	uint8_t	 fp[16], want[16];

	json_array_foreach(json_object_get(root, "fingerprint"), i, v) {
		n = json_array_size(json_object_get(v, "ids"));
		assert_true(n <= 8);
		json_array_foreach(json_object_get(v, "ids"), j, id)
			tu_unhex(json_string_value(id), it[j].id, 32);
		neg_fingerprint(it, n, fp);
		tu_unhex(json_string_value(json_object_get(v, "fingerprint")),
		    want, 16);
		assert_memory_equal(fp, want, 16);
	}
	json_decref(root);
}

static void
test_malformed(void **state)
{
	static const char *bad[] = {
		"",			/* empty */
		"5f",			/* not a negentropy version */
		"6100",			/* bound without a mode */
		"61000021",		/* prefix longer than 32 bytes */
		"6100000205",		/* id list shorter than its count */
		"61000001aabb",		/* cut fingerprint */
		"61000007",		/* unknown mode */
		"61ffffffffffffffffffff7f0000",	/* varint too long */
	};
	struct neg ng;
	struct buf out;
	uint8_t	 bin[64];
	size_t	 i, len;
	bool	 done;

	buf_init(&out, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(neg_init(&ng, NULL, 0, 0), ERR_OK);
		len = strlen(bad[i]) / 2;
		if (len > 0)
			tu_unhex(bad[i], bin, len);
		assert_int_equal(neg_reconcile(&ng, bin, len, &out, NULL, NULL,
		    &done), ERR_NEG);
	}
	/* An initiator refuses a version it did not offer. */
	assert_int_equal(neg_initiate(&ng, &out), ERR_OK);
	bin[0] = 0x62;
	assert_int_equal(neg_reconcile(&ng, bin, 1, &out, NULL, NULL, &done),
	    ERR_NEG);
	assert_int_equal(neg_init(&ng, NULL, 0, 100), ERR_USAGE);
	buf_free(&out);
}

/*
 * Random sets of shared items plus extra ones, every extra-th item held
 * by one side only (alternately): the initiator must learn exactly the
 * difference.  Reports the messages exchanged and the bytes the
 * initiator sent.
 */
static void
converge(size_t shared, size_t extra, size_t every, bool split,
    size_t *msgs, size_t *sent)
{
	size_t	 nc = 0, ns = 0, i, rounds = 0, k, total = shared + extra;
	struct neg_item *ci = calloc(total, sizeof(*ci));
	struct neg_item *si = calloc(total, sizeof(*si));
	struct neg client, server;
	struct idset got[2];
	struct buf a, b;
	bool	 done = false;
	size_t	 want_have = 0, want_need = 0, odd = 0;

	for (i = 0; i < total; i++) {
		struct neg_item it;

		it.ts = 1000 + (uint64_t)(i % 700);	/* many ties */
		crypto_random(it.id, 32);
		if (i % every != every - 1 || odd == extra) {
			ci[nc++] = it;
			si[ns++] = it;
		} else if (odd++ % 2) {
			ci[nc++] = it;
			want_have++;
		} else {
			si[ns++] = it;
			want_need++;
		}
	}
	neg_sort(ci, nc);
	neg_sort(si, ns);
	memset(got, 0, sizeof(got));
	buf_init(&a, 0);
	buf_init(&b, 0);
	assert_int_equal(neg_init(&client, ci, nc, 4096), ERR_OK);
	assert_int_equal(neg_init(&server, si, ns, 4096), ERR_OK);
	client.split_leaves = split;
	assert_int_equal(neg_initiate(&client, &a), ERR_OK);
	*sent = a.len;
	*msgs = 1;
	while (!done && rounds++ < 200) {
		assert_true(a.len <= 4096);
		buf_reset(&b);
		assert_int_equal(neg_reconcile(&server, (uint8_t *)a.p, a.len,
		    &b, NULL, NULL, &done), ERR_OK);
		assert_true(b.len <= 4096);
		buf_reset(&a);
		assert_int_equal(neg_reconcile(&client, (uint8_t *)b.p, b.len,
		    &a, collect, got, &done), ERR_OK);
		*sent += a.len;
		*msgs += done ? 1 : 2;
	}
	assert_true(done);
	/* Frame limits may report an id twice: count distinct ones. */
	for (k = 0; k < 2; k++) {
		size_t	 j, distinct = 0;

		if (got[k].n > 0)
			qsort(got[k].ids, got[k].n, 32, memcmp_32);
		for (j = 0; j < got[k].n; j++)
			if (j == 0 || memcmp(got[k].ids[j], got[k].ids[j - 1],
			    32) != 0)
				distinct++;
		assert_int_equal(distinct, k == 0 ? want_have : want_need);
		free(got[k].ids);
	}
	buf_free(&a);
	buf_free(&b);
	free(ci);
	free(si);
}

static void
test_random_convergence(void **state)
{
	size_t	 msgs, sent;
	bool	 split;

	for (split = false; ; split = true) {
		converge(3000, 400, 1, split, &msgs, &sent);	/* dense */
		converge(3000, 40, 75, split, &msgs, &sent);	/* sparse */
		converge(20, 5, 1, split, &msgs, &sent);	/* one range */
		converge(10, 3, 1, split, &msgs, &sent);
		converge(0, 3, 1, split, &msgs, &sent);
		converge(5000, 0, 1, split, &msgs, &sent);	/* identical */
		assert_int_equal(msgs, 2);
		if (split)
			break;
	}
}

/*
 * Differences a few hundred items apart end in runs of 9 to 31 items
 * that differ: with split_leaves the initiator sends their sums, not
 * their ids, and the ids come from the responder -- a third of the
 * bytes or less from the initiator, in no more messages.
 */
static void
test_split_leaves(void **state)
{
	size_t	 msgs0, sent0, msgs1, sent1;

	/* 5,000 items: the responder's second message has runs of 19. */
	converge(5000, 25, 200, false, &msgs0, &sent0);
	converge(5000, 25, 200, true, &msgs1, &sent1);
	print_message("initiator bytes %zu -> %zu, messages %zu -> %zu\n",
	    sent0, sent1, msgs0, msgs1);
	assert_true(sent1 * 3 < sent0);
	assert_true(msgs1 <= msgs0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transcripts),
		cmocka_unit_test(test_protoversion),
		cmocka_unit_test(test_fingerprints),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_random_convergence),
		cmocka_unit_test(test_split_leaves),
	};

	crypto_init();
	return cmocka_run_group_tests_name("negentropy", tests, NULL, NULL);
}
