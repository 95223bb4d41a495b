/*
 * test-policy.c: every rule of the flood defence's policy engine, driven
 * with made-up facts, and the adaptive difficulty through loud and calm
 * windows.
 */
#include "testutil.h"

#include "policy.h"

static const struct policy_conf conf = {
	.quota_events = 50,
	.quota_bytes = 262144,
	.forward_events = 10,
	.source_events = 3000,
	.source_forward = 300,
	.pow_min = 0,
	.pow_max = 20,
	.load_events = 600,
	.mute_signals = 2,
};

static struct policy_facts
fresh(void)
{
	struct policy_facts f;

	memset(&f, 0, sizeof(f));
	f.author = POLICY_FRESH;
	f.via = POLICY_VIA_CLIENT;
	f.source = POLICY_FRESH;
	f.size = 300;
	return f;
}

/*
 * Sends n events with facts f through the engine, counting what is taken
 * as the guard would.  Returns how many were accepted; *held and
 * *refused count the rest, *last is the last decision.
 */
static unsigned
run(struct policy_facts f, unsigned difficulty, unsigned n, unsigned *held,
    unsigned *refused, struct policy_decision *last)
{
	struct policy_decision d;
	unsigned i, acc = 0;

	*held = *refused = 0;
	for (i = 0; i < n; i++) {
		policy_decide(&conf, difficulty, &f, &d);
		if (d.verdict == POLICY_ACCEPT)
			acc++;
		else if (d.verdict == POLICY_HOLD)
			(*held)++;
		else
			(*refused)++;
		if (d.counted) {
			f.key.units += d.key_use.units;
			f.key.fwd += d.key_use.fwd;
			f.key.bytes += d.key_use.bytes;
			f.src.units += d.src_use.units;
			f.src.fwd += d.src_use.fwd;
			f.src.bytes += d.src_use.bytes;
		}
		*last = d;
	}
	return acc;
}

static void
test_tiers(void **state)
{
	assert_int_equal(policy_tier_of(0), 0);
	assert_int_equal(policy_tier_of(7), 0);
	assert_int_equal(policy_tier_of(8), 1);
	assert_int_equal(policy_tier_of(15), 2);
	assert_int_equal(policy_tier_of(16), 3);
	assert_int_equal(policy_tier_of(23), 4);
	assert_int_equal(policy_tier_of(24), 5);
	assert_int_equal(policy_tier_of(200), 5);
	assert_int_equal(policy_tiers[policy_tier_of(16)].mult, 8);
	assert_int_equal(policy_trust_mult(POLICY_FRESH), 1);
	assert_int_equal(policy_trust_mult(POLICY_HISTORY), 4);
}

static void
test_disk_and_budget(void **state)
{
	struct policy_facts f = fresh();
	struct policy_decision d;

	/* The disk nearly full stops everyone, the node's own key too. */
	f.disk_low = true;
	f.author = POLICY_OWN;
	policy_decide(&conf, 0, &f, &d);
	assert_int_equal(d.verdict, POLICY_REFUSE);
	assert_int_equal(d.e, ERR_DISK_LOW);
	assert_string_equal(err_prefix(d.e), "error");
	/* A full budget stops vouched keys and the operator's imports... */
	f = fresh();
	f.store_full = true;
	f.author = POLICY_HOP1;
	policy_decide(&conf, 0, &f, &d);
	assert_int_equal(d.e, ERR_STORE_FULL);
	assert_string_equal(err_prefix(d.e), "error");
	f.author = POLICY_FRESH;
	f.via = POLICY_VIA_LOCAL;
	policy_decide(&conf, 0, &f, &d);
	assert_int_equal(d.e, ERR_STORE_FULL);
	/* ...but not the node's own key. */
	f.author = POLICY_OWN;
	policy_decide(&conf, 0, &f, &d);
	assert_int_equal(d.verdict, POLICY_ACCEPT);
	assert_false(d.counted);
}

static void
test_own_vouched_local(void **state)
{
	struct policy_facts f = fresh();
	struct policy_decision d;
	unsigned held, refused;

	/* Vouched keys: no difficulty, no quota, not counted. */
	f.author = POLICY_HOP2;
	f.key.units = 1000000 * QUOTA_UNIT;
	f.src.units = 1000000 * QUOTA_UNIT;
	policy_decide(&conf, 20, &f, &d);
	assert_int_equal(d.verdict, POLICY_ACCEPT);
	assert_int_equal(d.e, ERR_OK);
	assert_false(d.counted);
	f.author = POLICY_HOP1;
	assert_int_equal(run(f, 20, 500, &held, &refused, &d), 500);
	f.author = POLICY_OWN;
	assert_int_equal(run(f, 20, 500, &held, &refused, &d), 500);
	/* The operator's hand (post, import, a stick): taken as it is. */
	f = fresh();
	f.via = POLICY_VIA_LOCAL;
	assert_int_equal(run(f, 20, 500, &held, &refused, &d), 500);
}

static void
test_muted(void **state)
{
	struct policy_facts f = fresh();
	struct policy_decision d;

	f.muted = true;
	policy_decide(&conf, 0, &f, &d);
	assert_int_equal(d.verdict, POLICY_REFUSE);
	assert_int_equal(d.e, ERR_MUTED);
	assert_string_equal(err_prefix(d.e), "blocked");
	/* The operator's mute wins over a vouch by someone else. */
	f.author = POLICY_HOP2;
	policy_decide(&conf, 0, &f, &d);
	assert_int_equal(d.e, ERR_MUTED);
	/* Not over the node's own key. */
	f.author = POLICY_OWN;
	policy_decide(&conf, 0, &f, &d);
	assert_int_equal(d.verdict, POLICY_ACCEPT);
}

static void
test_pow(void **state)
{
	struct policy_facts f = fresh();
	struct policy_decision d;

	f.pow = 8;
	policy_decide(&conf, 16, &f, &d);
	assert_int_equal(d.verdict, POLICY_REFUSE);
	assert_int_equal(d.e, ERR_POW);
	assert_string_equal(err_prefix(d.e), "pow");
	assert_string_equal(d.detail, "difficulty 16 needed, yours is 8");
	assert_false(d.counted);
	f.pow = 16;
	policy_decide(&conf, 16, &f, &d);
	assert_int_equal(d.verdict, POLICY_ACCEPT);
	/* An unvouched node must bring the difficulty too... */
	f.pow = 0;
	f.via = POLICY_VIA_NODE;
	f.source = POLICY_HISTORY;
	policy_decide(&conf, 12, &f, &d);
	assert_int_equal(d.e, ERR_POW);
	/* ...a vouched one has applied its own policy already. */
	f.source = POLICY_HOP1;
	policy_decide(&conf, 12, &f, &d);
	assert_int_equal(d.verdict, POLICY_ACCEPT);
	/* Keys with history are asked the same. */
	f = fresh();
	f.author = POLICY_HISTORY;
	policy_decide(&conf, 8, &f, &d);
	assert_int_equal(d.e, ERR_POW);
}

static void
test_key_quota(void **state)
{
	struct policy_facts f = fresh();
	struct policy_decision d;
	unsigned held, refused;

	/* 50 an hour: 10 forwarded, 40 held here, the rest refused. */
	assert_int_equal(run(f, 0, 60, &held, &refused, &d), 10);
	assert_int_equal(held, 40);
	assert_int_equal(refused, 10);
	assert_int_equal(d.e, ERR_QUOTA);
	assert_string_equal(err_prefix(d.e), "rate-limited");
	assert_non_null(strstr(d.detail, "50 events an hour"));
	assert_non_null(strstr(d.detail, "difficulty 8 gives 2 times"));
	/* Proof of work of 8 bits counts half: twice as many. */
	f.pow = 8;
	assert_int_equal(run(f, 0, 120, &held, &refused, &d), 20);
	assert_int_equal(held, 80);
	assert_int_equal(refused, 20);
	assert_non_null(strstr(d.detail, "100 events an hour"));
	/* 24 bits: 32 times. */
	f.pow = 30;
	assert_int_equal(run(f, 0, 2000, &held, &refused, &d), 320);
	assert_int_equal(held, 1280);
	/* History: four times the fresh quota. */
	f = fresh();
	f.author = POLICY_HISTORY;
	assert_int_equal(run(f, 0, 250, &held, &refused, &d), 40);
	assert_int_equal(held, 160);
	assert_int_equal(refused, 50);
}

static void
test_bytes_quota(void **state)
{
	struct policy_facts f = fresh();
	struct policy_decision d;
	unsigned held, refused, acc;

	/* 30 KiB events: 256 KiB an hour is eight of them. */
	f.size = 30 * 1024;
	acc = run(f, 0, 20, &held, &refused, &d);
	assert_int_equal(acc + held, 8);
	assert_int_equal(refused, 12);
	assert_int_equal(d.e, ERR_QUOTA);
	assert_non_null(strstr(d.detail, "256 KiB an hour"));
}

static void
test_mute_signals(void **state)
{
	struct policy_facts f = fresh();
	struct policy_decision d;
	unsigned held, refused;

	/* One vouched mute: history no longer counts. */
	f.author = POLICY_HISTORY;
	f.mute_signals = 1;
	assert_int_equal(run(f, 0, 60, &held, &refused, &d), 10);
	assert_int_equal(held, 40);
	/* Two (mute_signals): stored within the quota, never forwarded. */
	f.mute_signals = 2;
	assert_int_equal(run(f, 0, 60, &held, &refused, &d), 0);
	assert_int_equal(held, 50);
	assert_int_equal(refused, 10);
	/* A vouched key is not held for other people's mutes. */
	f.author = POLICY_HOP2;
	assert_int_equal(run(f, 0, 60, &held, &refused, &d), 60);
}

static void
test_source_quota(void **state)
{
	struct policy_facts f = fresh();
	struct policy_decision d;
	unsigned held, refused;

	/* A source near its hourly room, each event from a new key. */
	f.src.units = (conf.source_events - 5) * QUOTA_UNIT;
	f.src.fwd = conf.source_forward * QUOTA_UNIT;
	assert_int_equal(run(f, 0, 1, &held, &refused, &d), 0);
	assert_int_equal(held, 1);	/* forwarding share used: held */
	assert_non_null(strstr(d.detail, "300 events from unvouched keys"));
	f.src.units = conf.source_events * QUOTA_UNIT;
	run(f, 0, 1, &held, &refused, &d);
	assert_int_equal(d.e, ERR_QUOTA_SOURCE);
	assert_string_equal(err_prefix(d.e), "rate-limited");
	/* A higher tier has room of its own, mult times more. */
	f.pow = 12;
	f.src.units = 0;
	f.src.fwd = 0;
	assert_int_equal(run(f, 0, 1, &held, &refused, &d), 1);
	f.src.units = (conf.source_events * 4 - 1) * QUOTA_UNIT;
	run(f, 0, 1, &held, &refused, &d);
	assert_int_equal(d.verdict, POLICY_ACCEPT);
	f.src.units = conf.source_events * 4 * QUOTA_UNIT;
	run(f, 0, 1, &held, &refused, &d);
	assert_int_equal(d.e, ERR_QUOTA_SOURCE);
	/* An unvouched node is a source like an address... */
	f = fresh();
	f.via = POLICY_VIA_NODE;
	f.source = POLICY_FRESH;
	f.src.units = conf.source_events * QUOTA_UNIT;
	run(f, 0, 1, &held, &refused, &d);
	assert_int_equal(d.e, ERR_QUOTA_SOURCE);
	/* ...with history four times the room... */
	f.source = POLICY_HISTORY;
	run(f, 0, 1, &held, &refused, &d);
	assert_int_equal(d.verdict, POLICY_ACCEPT);
	assert_int_equal(d.src_use.units, QUOTA_UNIT);
	/* ...and a vouched node is not counted as a source at all. */
	f.source = POLICY_HOP1;
	f.src.units = 1000000 * QUOTA_UNIT;
	f.src.fwd = 1000000 * QUOTA_UNIT;
	run(f, 0, 1, &held, &refused, &d);
	assert_int_equal(d.verdict, POLICY_ACCEPT);
	assert_int_equal(d.src_use.units, 0);
	/* Its authors' own quotas still hold. */
	f.key.units = conf.quota_events * QUOTA_UNIT;
	run(f, 0, 1, &held, &refused, &d);
	assert_int_equal(d.e, ERR_QUOTA);
}

static void
test_no_limits(void **state)
{
	struct policy_conf c = conf;
	struct policy_facts f = fresh();
	struct policy_decision d;

	c.quota_events = c.quota_bytes = c.source_events = 0;
	c.forward_events = c.source_forward = 0;
	f.key.units = f.key.fwd = f.key.bytes = 1000000000;
	f.src.units = f.src.fwd = f.src.bytes = 1000000000;
	policy_decide(&c, 0, &f, &d);
	assert_int_equal(d.verdict, POLICY_ACCEPT);
	assert_true(d.counted);
	/* The difficulty still applies. */
	policy_decide(&c, 8, &f, &d);
	assert_int_equal(d.e, ERR_POW);
}

static void
test_hold_full(void **state)
{
	struct policy_facts f = fresh();
	struct policy_decision d;

	/* No room to hold more: what would be held is refused... */
	f.hold_full = true;
	f.key.fwd = conf.forward_events * QUOTA_UNIT;
	policy_decide(&conf, 0, &f, &d);
	assert_int_equal(d.verdict, POLICY_REFUSE);
	assert_int_equal(d.e, ERR_STORE_FULL);
	assert_false(d.counted);
	/* ...what would be forwarded still goes, and vouched keys too. */
	f.key.fwd = 0;
	policy_decide(&conf, 0, &f, &d);
	assert_int_equal(d.verdict, POLICY_ACCEPT);
	f.key.fwd = conf.forward_events * QUOTA_UNIT;
	f.author = POLICY_HOP2;
	policy_decide(&conf, 0, &f, &d);
	assert_int_equal(d.verdict, POLICY_ACCEPT);
}

static void
test_pow_adapt(void **state)
{
	struct policy_conf c = conf;
	struct policy_pow p;
	uint64_t t = 1700000000, i;
	unsigned w;

	t -= t % POLICY_POW_WINDOW;
	policy_pow_init(&p, &c, t);
	assert_int_equal(policy_pow_now(&p, &c, t), 0);
	/* 100 a window is the limit (600 a minute): at it, nothing moves. */
	for (i = 0; i < 100; i++)
		policy_pow_note(&p, &c, t + 1);
	assert_int_equal(policy_pow_now(&p, &c, t + POLICY_POW_WINDOW), 0);
	/* Loud windows: 8, 12, 16, 20, then no higher than pow_max. */
	for (w = 1; w <= 6; w++) {
		for (i = 0; i < 500; i++)
			policy_pow_note(&p, &c, t + w * POLICY_POW_WINDOW + 1);
		policy_pow_now(&p, &c, t + (w + 1) * POLICY_POW_WINDOW);
		assert_int_equal(p.difficulty, w == 1 ? 8 : w == 2 ? 12 :
		    w == 3 ? 16 : 20);
	}
	assert_int_equal(p.last_count, 500);
	/* Five calm windows are not enough to step down... */
	t += 7 * POLICY_POW_WINDOW;
	assert_int_equal(policy_pow_now(&p, &c, t + 5 * POLICY_POW_WINDOW),
	    20);
	/* ...the sixth is. */
	assert_int_equal(policy_pow_now(&p, &c, t + 6 * POLICY_POW_WINDOW),
	    16);
	/* A middling window (between half and the limit) resets the calm. */
	for (i = 0; i < 70; i++)
		policy_pow_note(&p, &c, t + 6 * POLICY_POW_WINDOW + 1);
	assert_int_equal(policy_pow_now(&p, &c, t + 7 * POLICY_POW_WINDOW),
	    16);
	assert_int_equal(p.calm, 0);
	/* Long quiet: back to pow_min, never below. */
	assert_int_equal(policy_pow_now(&p, &c, t + 100 * POLICY_POW_WINDOW),
	    0);
	c.pow_min = 10;
	p.difficulty = 12;
	assert_int_equal(policy_pow_now(&p, &c, t + 200 * POLICY_POW_WINDOW),
	    10);
	/* load_events = 0: fixed at pow_min. */
	c.load_events = 0;
	for (i = 0; i < 5000; i++)
		policy_pow_note(&p, &c, t + 300 * POLICY_POW_WINDOW);
	assert_int_equal(policy_pow_now(&p, &c, t + 310 * POLICY_POW_WINDOW),
	    10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiers),
		cmocka_unit_test(test_disk_and_budget),
		cmocka_unit_test(test_own_vouched_local),
		cmocka_unit_test(test_muted),
		cmocka_unit_test(test_pow),
		cmocka_unit_test(test_key_quota),
		cmocka_unit_test(test_bytes_quota),
		cmocka_unit_test(test_mute_signals),
		cmocka_unit_test(test_source_quota),
		cmocka_unit_test(test_no_limits),
		cmocka_unit_test(test_hold_full),
		cmocka_unit_test(test_pow_adapt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
