/*
 * test-guard.c: store/guard.c and guard_tick.c on a real store in a
 * temporary directory, with trust from a table of the test's own (the
 * trust API's two calls): held events and their marks across a reopen,
 * what may be forwarded and what NIP-77 sets leave out, vouched keys
 * past the quotas, releases once a key is vouched for, the store
 * budget's eviction order and the evicted ids it refuses, operator mutes
 * from the node's NIP-51 list, the disk reserve, and the custody lines
 * of a sync round under the guard.
 */
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "filter.h"
#include "guard.h"
#include "ingest.h"
#include "json.h"
#include "store.h"
#include "store_custody.h"
#include "sync_store.h"

/* who: 1 is the node, 3 is vouched for, others are fresh. */
static bool vouch2;		/* key 2 vouched for too */
static uint8_t pk_of[8][32];

static enum trust_level
t_level(struct store *st, const uint8_t pk[32], uint64_t now)
{
	if (memcmp(pk, pk_of[3], 32) == 0)
		return TRUST_HOP1;
	if (vouch2 && memcmp(pk, pk_of[2], 32) == 0)
		return TRUST_HOP2;
	return TRUST_FRESH;
}

static bool
t_corroborated(struct store *st, const uint8_t id[32], uint64_t now)
{
	return false;
}

static const struct guard_trust trust = { t_level, t_corroborated };

static char dir[] = "/tmp/samizdat-test-guard-XXXXXX";
static int seq;
static uint64_t base;	/* the same note is the same event */

struct fx {
	char		 d[300];
	struct store	*st;
	struct guard	*g;
	struct guard_opts o;
	struct guard_src src;
};

static void
fx_open_guard(struct fx *f)
{
	assert_int_equal(guard_open(&f->g, &f->o), ERR_OK);
}

static void
fx_init(struct fx *f, uint64_t quota, uint64_t forward)
{
	char	 p[400];
	int	 i;

	memset(f, 0, sizeof(*f));
	for (i = 1; i < 8; i++) {
		uint8_t	 sk[32];

		tu_seckey(i, sk);
		assert_int_equal(crypto_pubkey(sk, pk_of[i]), ERR_OK);
	}
	snprintf(f->d, sizeof(f->d), "%s/%d", dir, seq++);
	assert_int_equal(mkdir(f->d, 0700), 0);
	snprintf(p, sizeof(p), "%s/events.db", f->d);
	assert_int_equal(store_open(&f->st, p, 0), ERR_OK);
	f->o.pol.quota_events = quota;
	f->o.pol.quota_bytes = 1 << 20;
	f->o.pol.forward_events = forward;
	f->o.pol.source_events = 1000;
	f->o.pol.source_forward = 1000;
	f->o.pol.mute_signals = 2;
	f->o.datadir = f->d;
	memcpy(f->o.node_pk, pk_of[1], 32);
	f->o.trust = &trust;
	guard_src_client(&f->src, "192.0.2.7");
	vouch2 = false;
	fx_open_guard(f);
}

static void
fx_free(struct fx *f)
{
	guard_close(f->g);
	store_close(f->st);
}

/*
 * Brings the event JSON in as the relay does: check, verify, admit,
 * store, count, flush.  Returns: what the guard said.
 */
static enum err
put(struct fx *f, const char *json, uint8_t id[32])
{
	struct ingest_policy pol;
	struct ingest_ctx c;
	struct guard_ticket tk;
	struct event ev;
	enum err e, v;
	uint64_t now = (uint64_t)time(NULL);

	memset(&pol, 0, sizeof(pol));
	ingest_ctx_init(&c);
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(ingest_check(&c, &pol, f->st, json, strlen(json),
	    now, &ev), ERR_OK);
	if (id != NULL)
		memcpy(id, ev.id, 32);
	if ((e = guard_check(f->g, f->st, &f->src, &ev, NULL, 0)) != ERR_OK) {
		ingest_ctx_free(&c);
		return e;
	}
	assert_int_equal(ingest_verify(&ev), ERR_OK);
	v = guard_admit(f->g, f->st, &f->src, &ev, &tk, NULL, 0);
	if (v == ERR_OK || v == ERR_HELD) {
		assert_int_equal(ingest_store(f->st, &ev, now), ERR_OK);
		guard_stored(f->g, &tk);
		guard_flush(f->g);
	}
	ingest_ctx_free(&c);
	return v;
}

static char *
note(int who, int i)
{
	char	 c[32];

	snprintf(c, sizeof(c), "note %d", i);
	return tu_event(who, base - 1000 + (uint64_t)i, 1,
	    "[]", c);
}

/* put for a note of its own, freed after. */
static enum err
put_note(struct fx *f, int who, int i)
{
	char	*e = note(who, i);
	enum err r = put(f, e, NULL);

	free(e);
	return r;
}

static bool
forwardable(struct fx *f, const char *json)
{
	struct event ev;
	void	*s = malloc(EVENT_SCRATCH(strlen(json)));
	bool	 ok;

	assert_non_null(s);
	assert_int_equal(event_parse(json, strlen(json), NULL, &ev, s,
	    EVENT_SCRATCH(strlen(json))), ERR_OK);
	ok = guard_forward(f->g, &ev);
	free(s);
	return ok;
}

static void
test_quota_hold_and_reopen(void **state)
{
	struct fx f;
	struct neg_item items[6];
	uint8_t	 ids[6][32];
	char	*e[6];
	size_t	 i, n;

	fx_init(&f, 4, 2);
	for (i = 0; i < 6; i++)
		e[i] = note(2, (int)i);
	assert_int_equal(put(&f, e[0], ids[0]), ERR_OK);
	assert_int_equal(put(&f, e[1], ids[1]), ERR_OK);
	assert_int_equal(put(&f, e[2], ids[2]), ERR_HELD);
	assert_int_equal(put(&f, e[3], ids[3]), ERR_HELD);
	assert_int_equal(put(&f, e[4], ids[4]), ERR_QUOTA);
	assert_true(store_has(f.st, ids[3]));
	assert_false(store_has(f.st, ids[4]));
	assert_true(forwardable(&f, e[1]));
	assert_false(forwardable(&f, e[2]));
	assert_true(guard_held(f.g, ids[3]));
	assert_false(guard_held(f.g, ids[0]));
	/* A NIP-77 set for a node leaves the held ones out, order kept. */
	memset(items, 0, sizeof(items));
	for (i = 0; i < 4; i++) {
		memcpy(items[i].id, ids[i], 32);
		items[i].ts = i;
	}
	n = 4;
	guard_filter_items(f.g, items, &n);
	assert_int_equal(n, 2);
	assert_memory_equal(items[0].id, ids[0], 32);
	assert_memory_equal(items[1].id, ids[1], 32);
	/* The marks outlive the process. */
	guard_close(f.g);
	fx_open_guard(&f);
	assert_true(guard_held(f.g, ids[2]));
	assert_true(guard_held(f.g, ids[3]));
	/* Vouched keys and the node's own are not counted. */
	for (i = 0; i < 6; i++)
		assert_int_equal(put_note(&f, 3, (int)i + 10), ERR_OK);
	for (i = 0; i < 6; i++)
		assert_int_equal(put_note(&f, 1, (int)i + 20), ERR_OK);
	for (i = 0; i < 6; i++)
		free(e[i]);
	fx_free(&f);
}

static void
test_release_on_vouch(void **state)
{
	struct fx f;
	uint8_t	 held[32], out[8][32];
	char	*a = note(2, 0), *b = note(2, 1);
	uint64_t now = (uint64_t)time(NULL);

	fx_init(&f, 10, 1);
	assert_int_equal(put(&f, a, NULL), ERR_OK);
	assert_int_equal(put(&f, b, held), ERR_HELD);
	assert_int_equal(guard_tick(f.g, f.st, now, out, 8), 0);
	assert_true(guard_held(f.g, held));
	vouch2 = true;
	assert_int_equal(guard_tick(f.g, f.st, now + 10, out, 8), 1);
	assert_memory_equal(out[0], held, 32);
	assert_false(guard_held(f.g, held));
	assert_true(forwardable(&f, b));
	free(a);
	free(b);
	fx_free(&f);
}

static void
test_budget_eviction(void **state)
{
	struct fx f;
	uint8_t	 fresh[3][32], own[32], vouched[32], out[8][32];
	char	*e;
	struct buf j;
	int	 i;

	fx_init(&f, 100, 100);
	guard_close(f.g);
	f.o.store_budget = 1;	/* always over */
	fx_open_guard(&f);
	for (i = 0; i < 3; i++) {
		e = note(2, i);
		assert_int_equal(put(&f, e, fresh[i]), ERR_OK);
		free(e);
	}
	e = note(1, 5);
	assert_int_equal(put(&f, e, own), ERR_OK);
	free(e);
	e = note(3, 6);
	assert_int_equal(put(&f, e, vouched), ERR_OK);
	free(e);
	(void)guard_tick(f.g, f.st, (uint64_t)time(NULL), out, 8);
	for (i = 0; i < 3; i++)
		assert_false(store_has(f.st, fresh[i]));
	assert_true(store_has(f.st, own));
	assert_true(store_has(f.st, vouched));
	/* Nothing more may go: strangers are refused, and say why. */
	(void)guard_tick(f.g, f.st, (uint64_t)time(NULL) + 5, out, 8);
	e = note(4, 7);
	assert_int_equal(put(&f, e, NULL), ERR_STORE_FULL);
	free(e);
	buf_init(&j, 0);
	guard_json(f.g, &j);
	assert_non_null(strstr(j.p, "\"full\":true"));
	buf_free(&j);
	/* The evicted do not come back with a sync. */
	guard_close(f.g);
	f.o.store_budget = 0;
	fx_open_guard(&f);
	e = note(2, 0);
	assert_int_equal(put(&f, e, NULL), ERR_EVICTED);
	free(e);
	fx_free(&f);
}

static void
test_operator_mute(void **state)
{
	struct fx f;
	uint8_t	 out[8][32];
	char	 tags[200], hex[65], *list, *e;

	fx_init(&f, 100, 100);
	e = note(4, 0);
	assert_int_equal(put(&f, e, NULL), ERR_OK);
	assert_true(forwardable(&f, e));
	free(e);
	tu_pubhex(4, hex);
	snprintf(tags, sizeof(tags), "[[\"p\",\"%s\"]]", hex);
	list = tu_event(1, (uint64_t)time(NULL) - 5, 10000, tags, "");
	assert_int_equal(put(&f, list, NULL), ERR_OK);
	(void)guard_tick(f.g, f.st, (uint64_t)time(NULL), out, 8);
	e = note(4, 1);
	assert_int_equal(put(&f, e, NULL), ERR_MUTED);
	assert_false(forwardable(&f, e));
	free(e);
	/* A stranger's mute list counts for nothing. */
	tu_pubhex(5, hex);
	snprintf(tags, sizeof(tags), "[[\"p\",\"%s\"]]", hex);
	free(list);
	list = tu_event(6, (uint64_t)time(NULL) - 5, 10000, tags, "");
	assert_int_equal(put(&f, list, NULL), ERR_OK);
	(void)guard_tick(f.g, f.st, (uint64_t)time(NULL) + 20, out, 8);
	e = note(5, 2);
	assert_int_equal(put(&f, e, NULL), ERR_OK);
	assert_true(forwardable(&f, e));
	free(e);
	free(list);
	fx_free(&f);
}

static void
test_disk_reserve(void **state)
{
	struct fx f;
	uint8_t	 out[8][32];
	char	*e = note(3, 0);

	fx_init(&f, 100, 100);
	guard_close(f.g);
	f.o.disk_reserve = (uint64_t)1 << 60;	/* more than any disk */
	fx_open_guard(&f);
	(void)guard_tick(f.g, f.st, (uint64_t)time(NULL), out, 8);
	assert_int_equal(put(&f, e, NULL), ERR_DISK_LOW);	/* vouched too */
	free(e);
	fx_free(&f);
}

/*
 * A sync round's events pass the guard and get their custody line with
 * the round's source, as without the guard (they were once "unknown").
 */
static void
test_sync_custody(void **state)
{
	struct fx f;
	struct sync_store ss;
	struct sync_local local;
	struct guard_src src;
	struct custody_entry ce;
	struct filter flt;
	uint64_t at;
	uint8_t	 id[32];
	char	*e;
	bool	 found = false;

	fx_init(&f, 10, 10);
	filter_init(&flt);
	assert_int_equal(sync_store_open(&ss, f.st, &flt, 1000, 0, 0, &local),
	    ERR_OK);
	guard_src_node(&src, pk_of[3]);
	assert_int_equal(sync_store_guard(&ss, f.g, &src), ERR_OK);
	ss.custody.via = CUSTODY_PEER;
	ss.custody.from = "npub1peer";
	ss.ictx.src = &ss.custody;
	e = note(2, 0);
	assert_true(json_find_hex_field(e, e + strlen(e), "id", id, 32));
	assert_int_equal(local.ingest(local.arg, e, strlen(e), &at), ERR_OK);
	assert_true(store_has(f.st, id));
	assert_int_equal(store_custody_find(f.st, id, &ce, &found), ERR_OK);
	assert_true(found);
	assert_int_equal(ce.line.via, CUSTODY_PEER);
	assert_string_equal(ce.source.from, "npub1peer");
	free(e);
	sync_store_close(&ss);
	fx_free(&f);
}

static int
setup(void **state)
{
	if (crypto_init() != 0)
		return -1;
	base = (uint64_t)time(NULL);
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	 cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quota_hold_and_reopen),
		cmocka_unit_test(test_release_on_vouch),
		cmocka_unit_test(test_budget_eviction),
		cmocka_unit_test(test_operator_mute),
		cmocka_unit_test(test_disk_reserve),
		cmocka_unit_test(test_sync_custody),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
