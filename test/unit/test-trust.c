/*
 * test-trust.c: core/trust.c, the counting rules of docs/witness.md on
 * plain data.  The graph: hops from the roots, the lowest winning, no
 * third hop, self-vouches and the fan-out cap; levels by hop and by first
 * sighting.  The tally: one mark per key (the newest; ties to the lowest
 * id), retracts and the author's own marks not counted, the weights and
 * the four states, including the cases of the issue: twenty fresh keys do
 * not corroborate, three vouched witnesses do, a dispute by vouched
 * witnesses outweighs fresh confirmations.
 */
#include "testutil.h"

#include "trust.h"

#define NOW	1800000000ULL
#define DAY	86400ULL

static void
test_graph_hops(void **state)
{
	struct trust_graph g;
	unsigned hop;
	int64_t	 via;

	trust_graph_init(&g);
	trust_graph_root(&g, 1);
	/* A vouch from outside the graph counts for nothing. */
	assert_false(trust_graph_vouch(&g, 50, 51));
	assert_false(trust_graph_hop(&g, 51, &hop, NULL));
	assert_true(trust_graph_vouch(&g, 1, 2));	/* hop 1 */
	assert_true(trust_graph_vouch(&g, 2, 3));	/* hop 2 */
	assert_false(trust_graph_vouch(&g, 3, 4));	/* no third hop */
	assert_false(trust_graph_hop(&g, 4, &hop, NULL));
	assert_true(trust_graph_hop(&g, 3, &hop, &via));
	assert_int_equal(hop, 2);
	assert_int_equal(via, 2);
	assert_true(trust_graph_hop(&g, 1, &hop, &via));
	assert_int_equal(hop, 0);
	assert_int_equal(via, -1);
	/* A shorter path wins; a longer one never demotes. */
	assert_true(trust_graph_vouch(&g, 1, 3));
	assert_true(trust_graph_hop(&g, 3, &hop, &via));
	assert_int_equal(hop, 1);
	assert_int_equal(via, 1);
	assert_false(trust_graph_vouch(&g, 2, 3));
	assert_false(trust_graph_vouch(&g, 2, 1));	/* the root stays 0 */
	assert_true(trust_graph_hop(&g, 1, &hop, NULL));
	assert_int_equal(hop, 0);
	/* A key cannot vouch for itself. */
	assert_false(trust_graph_vouch(&g, 2, 2));
	trust_graph_free(&g);
}

static void
test_graph_fanout_and_growth(void **state)
{
	struct trust_graph g;
	unsigned hop;
	int64_t	 k;
	size_t	 in = 0;

	trust_graph_init(&g);
	trust_graph_root(&g, 1);
	for (k = 100; k < 100 + TRUST_MAX_FANOUT + 50; k++)
		if (trust_graph_vouch(&g, 1, k))
			in++;
	assert_int_equal(in, TRUST_MAX_FANOUT);
	assert_true(trust_graph_hop(&g, 100, &hop, NULL));
	assert_false(trust_graph_hop(&g, 100 + TRUST_MAX_FANOUT, &hop, NULL));
	assert_false(g.err);
	trust_graph_reset(&g);
	assert_false(trust_graph_hop(&g, 1, &hop, NULL));
	trust_graph_free(&g);
}

static void
test_classify(void **state)
{
	struct trust_graph g;

	trust_graph_init(&g);
	trust_graph_root(&g, 1);
	trust_graph_vouch(&g, 1, 2);
	trust_graph_vouch(&g, 2, 3);
	assert_int_equal(trust_classify(&g, 1, 0, NOW), TRUST_OWN);
	assert_int_equal(trust_classify(&g, 2, 0, NOW), TRUST_HOP1);
	assert_int_equal(trust_classify(&g, 3, 0, NOW), TRUST_HOP2);
	assert_int_equal(trust_classify(&g, 9, NOW - DAY, NOW), TRUST_HISTORY);
	assert_int_equal(trust_classify(&g, 9, NOW - DAY + 1, NOW),
	    TRUST_FRESH);
	assert_int_equal(trust_classify(&g, 9, 0, NOW), TRUST_FRESH);
	/* First seen "after now" (a clock set back): fresh, not history. */
	assert_int_equal(trust_classify(&g, 9, NOW + 10, NOW), TRUST_FRESH);
	assert_int_equal(trust_classify(NULL, 1, 0, NOW), TRUST_FRESH);
	assert_true(TRUST_HOP2 > TRUST_HISTORY && TRUST_OWN > TRUST_HOP1);
	assert_string_equal(trust_level_name(TRUST_HOP1), "hop1");
	assert_string_equal(trust_state_name(TRUST_CONTESTED), "contested");
	trust_graph_free(&g);
}

static struct trust_mark
mk(int64_t key, enum witness_label l, enum trust_level lv, uint64_t at,
    uint8_t idbyte)
{
	struct trust_mark m;

	memset(&m, 0, sizeof(m));
	m.key = key;
	m.label = l;
	m.level = lv;
	m.created_at = at;
	m.id[0] = idbyte;
	m.first_seen = lv == TRUST_FRESH ? NOW - 60 : NOW - 10 * DAY;
	return m;
}

static void
test_sock_puppets_do_not_corroborate(void **state)
{
	struct trust_mark m[20];
	struct trust_tally t;
	int	 i;

	for (i = 0; i < 20; i++)
		m[i] = mk(100 + i, WITNESS_CONFIRM, TRUST_FRESH, NOW - 30,
		    (uint8_t)i);
	trust_tally(m, 20, 1, NOW, &t);
	assert_int_equal(t.confirm.keys, 20);
	assert_int_equal(t.confirm.fresh, 20);
	assert_int_equal(t.confirm.fresh_hour, 20);
	assert_int_equal(t.confirm.weight, 0);
	assert_int_equal(t.state, TRUST_UNVERIFIED);
}

static void
test_three_vouched_corroborate(void **state)
{
	struct trust_mark m[3];
	struct trust_tally t;

	m[0] = mk(10, WITNESS_CONFIRM, TRUST_HOP1, NOW, 1);
	m[1] = mk(11, WITNESS_CONFIRM, TRUST_HOP1, NOW, 2);
	m[2] = mk(12, WITNESS_CONFIRM, TRUST_OWN, NOW, 3);
	trust_tally(m, 3, 1, NOW, &t);
	assert_int_equal(t.confirm.weight, 12);
	assert_int_equal(t.confirm.hop1, 2);
	assert_int_equal(t.confirm.own, 1);
	assert_int_equal(t.state, TRUST_CORROBORATED);
	/* Two are not enough, nor three at two hops. */
	trust_tally(m, 2, 1, NOW, &t);
	assert_int_equal(t.state, TRUST_UNVERIFIED);
	m[0].level = m[1].level = m[2].level = TRUST_HOP2;
	trust_tally(m, 3, 1, NOW, &t);
	assert_int_equal(t.confirm.weight, 6);
	assert_int_equal(t.state, TRUST_UNVERIFIED);
}

static void
test_vouched_dispute_outweighs_fresh(void **state)
{
	struct trust_mark m[23];
	struct trust_tally t;
	int	 i;

	for (i = 0; i < 20; i++)
		m[i] = mk(100 + i, WITNESS_CONFIRM, TRUST_FRESH, NOW, (uint8_t)i);
	for (i = 20; i < 23; i++)
		m[i] = mk(200 + i, WITNESS_DISPUTE, TRUST_HOP1, NOW, (uint8_t)i);
	trust_tally(m, 23, 1, NOW, &t);
	assert_int_equal(t.confirm.keys, 20);
	assert_int_equal(t.dispute.keys, 3);
	assert_int_equal(t.state, TRUST_DISPUTED);
	/* One vouched dispute against three vouched confirmations: contested
	 * only when it weighs more than a third of them. */
	m[0] = mk(1000, WITNESS_CONFIRM, TRUST_HOP1, NOW, 1);
	m[1] = mk(1001, WITNESS_CONFIRM, TRUST_HOP1, NOW, 2);
	m[2] = mk(1002, WITNESS_CONFIRM, TRUST_HOP1, NOW, 3);
	m[3] = mk(1003, WITNESS_DISPUTE, TRUST_HOP1, NOW, 4);
	trust_tally(m, 4, 1, NOW, &t);
	assert_int_equal(t.state, TRUST_CORROBORATED);
	m[4] = mk(1004, WITNESS_DISPUTE, TRUST_HOP2, NOW, 5);
	trust_tally(m, 5, 1, NOW, &t);
	assert_int_equal(t.dispute.weight, 6);
	assert_int_equal(t.state, TRUST_CONTESTED);
}

static void
test_one_mark_per_key_newest_wins(void **state)
{
	struct trust_mark m[4];
	struct trust_tally t;

	/* Key 10 confirmed, then disputed: the dispute counts, once. */
	m[0] = mk(10, WITNESS_CONFIRM, TRUST_HOP1, NOW - 100, 1);
	m[1] = mk(10, WITNESS_DISPUTE, TRUST_HOP1, NOW - 50, 2);
	m[2] = mk(10, WITNESS_CONFIRM, TRUST_HOP1, NOW - 100, 3);
	trust_tally(m, 3, 1, NOW, &t);
	assert_int_equal(t.confirm.keys, 0);
	assert_int_equal(t.dispute.keys, 1);
	/* The same second: the lowest id wins. */
	m[0] = mk(11, WITNESS_DISPUTE, TRUST_HOP1, NOW, 9);
	m[1] = mk(11, WITNESS_CONFIRM, TRUST_HOP1, NOW, 4);
	trust_tally(m, 2, 1, NOW, &t);
	assert_int_equal(t.confirm.keys, 1);
	assert_int_equal(t.dispute.keys, 0);
	/* A retract withdraws the key's mark. */
	m[0] = mk(12, WITNESS_CONFIRM, TRUST_HOP1, NOW - 10, 1);
	m[1] = mk(12, WITNESS_RETRACT, TRUST_HOP1, NOW, 2);
	m[2] = mk(13, WITNESS_CONFIRM, TRUST_HOP1, NOW, 3);
	trust_tally(m, 3, 1, NOW, &t);
	assert_int_equal(t.confirm.keys, 1);
	assert_int_equal(t.retracted, 1);
	assert_true(m[0].key == 12 && !m[0].counted);
	assert_true(m[2].key == 13 && m[2].counted);
}

static void
test_author_cannot_confirm_own(void **state)
{
	struct trust_mark m[2];
	struct trust_tally t;

	m[0] = mk(7, WITNESS_CONFIRM, TRUST_OWN, NOW, 1);
	m[1] = mk(8, WITNESS_CONFIRM, TRUST_HOP1, NOW, 2);
	trust_tally(m, 2, 7, NOW, &t);
	assert_int_equal(t.self, 1);
	assert_int_equal(t.confirm.keys, 1);
	assert_int_equal(t.confirm.own, 0);
	/* Author unknown (the report not here yet): every key counts. */
	trust_tally(m, 2, -1, NOW, &t);
	assert_int_equal(t.confirm.keys, 2);
}

static void
test_history_capped(void **state)
{
	struct trust_mark m[12];
	struct trust_tally t;
	int	 i;

	for (i = 0; i < 12; i++)
		m[i] = mk(100 + i, WITNESS_CONFIRM, TRUST_HISTORY, NOW,
		    (uint8_t)i);
	trust_tally(m, 12, 1, NOW, &t);
	assert_int_equal(t.confirm.history, 12);
	assert_int_equal(t.confirm.weight, TRUST_W_HISTORY_MAX);
	assert_int_equal(t.state, TRUST_UNVERIFIED);
	/* ... but history adds to vouched witnesses: 2 vouched + 4 history. */
	m[0].level = m[1].level = TRUST_HOP1;
	trust_tally(m, 6, 1, NOW, &t);
	assert_int_equal(t.confirm.weight, 8 + 4);
	assert_int_equal(t.state, TRUST_CORROBORATED);
}

static void
test_states_table(void **state)
{
	assert_int_equal(trust_state_of(0, 0), TRUST_UNVERIFIED);
	assert_int_equal(trust_state_of(11, 0), TRUST_UNVERIFIED);
	assert_int_equal(trust_state_of(12, 0), TRUST_CORROBORATED);
	assert_int_equal(trust_state_of(12, 4), TRUST_CORROBORATED);
	assert_int_equal(trust_state_of(12, 5), TRUST_CONTESTED);
	assert_int_equal(trust_state_of(0, 12), TRUST_DISPUTED);
	assert_int_equal(trust_state_of(4, 4), TRUST_CONTESTED);
	assert_int_equal(trust_state_of(4, 3), TRUST_UNVERIFIED);
	assert_int_equal(trust_state_of(40, 40), TRUST_CONTESTED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_graph_hops),
		cmocka_unit_test(test_graph_fanout_and_growth),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_sock_puppets_do_not_corroborate),
		cmocka_unit_test(test_three_vouched_corroborate),
		cmocka_unit_test(test_vouched_dispute_outweighs_fresh),
		cmocka_unit_test(test_one_mark_per_key_newest_wins),
		cmocka_unit_test(test_author_cannot_confirm_own),
		cmocka_unit_test(test_history_capped),
		cmocka_unit_test(test_states_table),
	};

	return cmocka_run_group_tests_name("trust", tests, NULL, NULL);
}
