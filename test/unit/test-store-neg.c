/*
 * test-store-neg.c: the store's NIP-77 index (store_neg.h).  After random
 * stores, replacements, deletions and expiries the index must agree with
 * a full computation over the events (store_neg_check, and every position,
 * bound and sum of random windows against store_ids), a session over the
 * index must send the very bytes the array engine sends, and the schema
 * upgrade must build the index of a store that has none.
 */
#include <sqlite3.h>
#include <unistd.h>

#include "testutil.h"

#include "filter.h"
#include "negentropy.h"
#include "store.h"
#include "store_neg.h"
#include "sync.h"

#define NOW	1800000000ULL
#define T0	1700000000ULL

static char dbdir[] = "/tmp/samizdat-test-store-neg-XXXXXX";
static int dbseq;
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static struct store *
open_path(const char *path)
{
	struct store *s;

	assert_int_equal(store_open(&s, path, 0), ERR_OK);
	return s;
}

static struct store *
open_fresh(char *path, size_t len)
{
	snprintf(path, len, "%s/db%d", dbdir, dbseq++);
	return open_path(path);
}

/*
 * Stores an event straight through store_put (ids are random, not
 * computed: the index does not care, and signing thousands is slow).
 * The pubkey is one of two; tags is a JSON array text.
 */
static enum err
put_raw(struct store *s, const uint8_t id[32], int who, uint64_t ts,
    uint32_t kind, const char *tags)
{
	static char scratch[EVENT_SCRATCH(4096)];
	struct event ev;
	char	 idhex[65], json[2048];
	enum err e;

	hex_encode(id, 32, idhex);
	snprintf(json, sizeof(json), "{\"id\":\"%s\",\"pubkey\":\"%064x\","
	    "\"created_at\":%llu,\"kind\":%u,\"tags\":%s,\"content\":\"x\","
	    "\"sig\":\"%0128d\"}", idhex, who, (unsigned long long)ts, kind,
	    tags, 0);
	assert_int_equal(event_parse(json, strlen(json), NULL, &ev, scratch,
	    sizeof(scratch)), ERR_OK);
	e = store_put(s, &ev, NOW);
	return e;
}

static void
rand_id(uint8_t id[32])
{
	size_t	 i;

	for (i = 0; i < 32; i++)
		id[i] = (uint8_t)rnd();
}

/* The set as store_ids sees it, sorted. */
static struct neg_item *
ids_of(struct store *s, const char *fj, size_t *n)
{
	struct neg_item *it;
	struct filter f;

	assert_int_equal(filter_parse(fj, strlen(fj), &f), ERR_OK);
	assert_int_equal(store_ids(s, &f, NOW, SIZE_MAX, &it, n), ERR_OK);
	filter_free(&f);
	neg_sort(it, *n);
	return it;
}

/* Every position, bounds and sums of a window agree with the array. */
static void
check_window(struct store *s, uint64_t since, uint64_t until)
{
	const struct neg_storage *st = &store_neg_storage;
	struct store_neg *v;
	struct neg_item *it, got, key;
	struct filter f;
	char	 fj[128];
	uint8_t	 a[32], b[32];
	size_t	 n, sn, i, k, lo, hi, pos, want;

	if (until == UINT64_MAX)
		snprintf(fj, sizeof(fj), "{\"since\":%llu}",
		    (unsigned long long)since);
	else
		snprintf(fj, sizeof(fj), "{\"since\":%llu,\"until\":%llu}",
		    (unsigned long long)since, (unsigned long long)until);
	it = ids_of(s, fj, &n);
	assert_int_equal(filter_parse(fj, strlen(fj), &f), ERR_OK);
	assert_true(store_neg_serves(s, &f));
	assert_int_equal(store_neg_open(s, &f, &v), ERR_OK);
	filter_free(&f);
	assert_int_equal(st->begin(v, &sn), ERR_OK);
	assert_int_equal(sn, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(st->get(v, i, &got), ERR_OK);
		assert_int_equal(neg_item_cmp(&got, &it[i]), 0);
	}
	for (k = 0; k < 200 && n > 0; k++) {
		lo = (size_t)(rnd() % (n + 1));
		hi = lo + (size_t)(rnd() % (n + 1 - lo));
		memset(a, 0, 32);
		for (i = lo; i < hi; i++)
			neg_sum_add(a, it[i].id);
		assert_int_equal(st->sum(v, lo, hi, b), ERR_OK);
		assert_memory_equal(a, b, 32);
		/* A key between items, or an item itself. */
		key = it[(size_t)(rnd() % n)];
		if (rnd() & 1)
			memset(key.id + (rnd() % 32), 0, 1);
		for (want = 0; want < n && neg_item_cmp(&it[want], &key) < 0;
		    want++)
			;
		assert_int_equal(st->lower_bound(v, 0, n, &key, &pos), ERR_OK);
		assert_int_equal(pos, want);
	}
	st->end(v);
	store_neg_close(v);
	free(it);
}

/* Random stores, replacements, deletions and expiries. */
static void
churn(struct store *s, size_t rounds, uint8_t (*ids)[32], size_t *nids)
{
	char	 tags[256];
	uint8_t	 id[32];
	size_t	 i, victim;
	uint64_t ts;
	enum err e;

	for (i = 0; i < rounds; i++) {
		unsigned r = (unsigned)(rnd() % 100);

		rand_id(id);
		/* Few timestamps, so many events share one. */
		ts = T0 + rnd() % 40;
		if (r < 80) {
			e = put_raw(s, id, 1 + (int)(rnd() % 2), ts, 1, "[]");
			assert_int_equal(e, ERR_OK);
			memcpy(ids[(*nids)++], id, 32);
		} else if (r < 88) {
			/* Replaceable: each replaces the author's older one. */
			e = put_raw(s, id, 1, T0 + i, 0, "[]");
			assert_true(e == ERR_OK || e == ERR_HAVE_NEWER);
		} else if (r < 96 && *nids > 0) {
			/* NIP-09: author 1 deletes an event (its own or not). */
			victim = (size_t)(rnd() % *nids);
			snprintf(tags, sizeof(tags), "[[\"e\",\"");
			hex_encode(ids[victim], 32, tags + strlen(tags));
			strcat(tags, "\"]]");
			assert_int_equal(put_raw(s, id, 1, ts, 5, tags), ERR_OK);
		} else {
			/* NIP-40: expired already, purged below. */
			snprintf(tags, sizeof(tags), "[[\"expiration\",\"%llu\"]]",
			    (unsigned long long)(NOW - 10));
			assert_int_equal(put_raw(s, id, 2, ts, 1, tags), ERR_OK);
		}
	}
}

static void
test_index_agrees(void **state)
{
	char	 path[256];
	struct store *s = open_fresh(path, sizeof(path));
	uint8_t	(*ids)[32] = calloc(8000, 32);
	size_t	 nids = 0, k;
	uint64_t purged;

	assert_non_null(ids);
	assert_int_equal(store_neg_check(s), ERR_OK);
	check_window(s, 0, UINT64_MAX);
	/* In one transaction (as imports run) and one per event. */
	assert_int_equal(store_begin(s), ERR_OK);
	churn(s, 2500, ids, &nids);
	assert_int_equal(store_commit(s), ERR_OK);
	assert_int_equal(store_neg_check(s), ERR_OK);
	churn(s, 1500, ids, &nids);
	assert_int_equal(store_neg_check(s), ERR_OK);
	assert_int_equal(store_purge_expired(s, NOW, &purged), ERR_OK);
	assert_true(purged > 0);
	assert_int_equal(store_neg_check(s), ERR_OK);
	check_window(s, 0, UINT64_MAX);
	for (k = 0; k < 6; k++) {
		uint64_t a = T0 + rnd() % 45, b = a + rnd() % 20;

		check_window(s, a, b);
	}
	check_window(s, T0 + 30, T0 + 10);	/* empty: since > until */
	store_close(s);
	/* Reopened, the index is what was written. */
	s = open_path(path);
	assert_int_equal(store_neg_check(s), ERR_OK);
	store_close(s);
	free(ids);
}

/* The index's storage without its cuts: it splits by count, as arrays do. */
static struct neg_storage
count_split(void)
{
	struct neg_storage st = store_neg_storage;

	st.cut = NULL;
	return st;
}

/*
 * One side's session over the index (splitting by count) and the same
 * side over an array give the same bytes at every step, as initiator and
 * as responder.
 */
static void
test_same_bytes(void **state)
{
	char	 pa[256], pb[256];
	struct store *a = open_fresh(pa, sizeof(pa));
	struct store *b = open_fresh(pb, sizeof(pb));
	struct neg_item *ia, *ib;
	struct store_neg *va, *vb;
	struct neg ca, cv, sa, sv;		/* index, array */
	struct neg_storage counted = count_split();
	struct filter f;
	struct buf m1, m2, r1, r2;
	uint8_t	 id[32];
	size_t	 na, nb, i, rounds = 0;
	bool	 d1 = false, d2 = false;

	assert_int_equal(store_begin(a), ERR_OK);
	assert_int_equal(store_begin(b), ERR_OK);
	for (i = 0; i < 6000; i++) {
		uint64_t ts = T0 + rnd() % 500;
		unsigned where = (unsigned)(rnd() % 100);

		rand_id(id);
		if (where < 97 || where == 98)
			assert_int_equal(put_raw(a, id, 1, ts, 1, "[]"), ERR_OK);
		if (where < 98)
			assert_int_equal(put_raw(b, id, 1, ts, 1, "[]"), ERR_OK);
	}
	assert_int_equal(store_commit(a), ERR_OK);
	assert_int_equal(store_commit(b), ERR_OK);
	ia = ids_of(a, "{}", &na);
	ib = ids_of(b, "{}", &nb);
	assert_int_equal(filter_parse("{}", 2, &f), ERR_OK);
	assert_int_equal(store_neg_open(a, &f, &va), ERR_OK);
	assert_int_equal(store_neg_open(b, &f, &vb), ERR_OK);
	filter_free(&f);
	assert_int_equal(neg_init_storage(&ca, &counted, va, 4096), ERR_OK);
	assert_int_equal(neg_init(&cv, ia, na, 4096), ERR_OK);
	assert_int_equal(neg_init_storage(&sa, &counted, vb, 4096), ERR_OK);
	assert_int_equal(neg_init(&sv, ib, nb, 4096), ERR_OK);
	buf_init(&m1, 0);
	buf_init(&m2, 0);
	buf_init(&r1, 0);
	buf_init(&r2, 0);
	assert_int_equal(neg_initiate(&ca, &m1), ERR_OK);
	assert_int_equal(neg_initiate(&cv, &m2), ERR_OK);
	while (!d1) {
		assert_int_equal(m1.len, m2.len);
		assert_memory_equal(m1.p, m2.p, m1.len);
		assert_true(++rounds < 50);
		buf_reset(&r1);
		buf_reset(&r2);
		assert_int_equal(neg_reconcile(&sa, (uint8_t *)m1.p, m1.len,
		    &r1, NULL, NULL, &d1), ERR_OK);
		assert_int_equal(neg_reconcile(&sv, (uint8_t *)m2.p, m2.len,
		    &r2, NULL, NULL, &d2), ERR_OK);
		assert_int_equal(r1.len, r2.len);
		assert_memory_equal(r1.p, r2.p, r1.len);
		buf_reset(&m1);
		buf_reset(&m2);
		assert_int_equal(neg_reconcile(&ca, (uint8_t *)r1.p, r1.len,
		    &m1, NULL, NULL, &d1), ERR_OK);
		assert_int_equal(neg_reconcile(&cv, (uint8_t *)r2.p, r2.len,
		    &m2, NULL, NULL, &d2), ERR_OK);
		assert_int_equal(d1, d2);
	}
	assert_true(rounds >= 2);
	assert_true(store_neg_reads(va) > 0);
	buf_free(&m1);
	buf_free(&m2);
	buf_free(&r1);
	buf_free(&r2);
	store_neg_close(va);
	store_neg_close(vb);
	free(ia);
	free(ib);
	store_close(a);
	store_close(b);
}

/* What an initiator learns: the ids it has and the ids it needs. */
struct learnt {
	uint8_t	 have[512][32], need[512][32];
	size_t	 nhave, nneed;
};

static void
learn(void *arg, const uint8_t id[32], bool have)
{
	struct learnt *l = arg;

	if (have && l->nhave < 512)
		memcpy(l->have[l->nhave++], id, 32);
	else if (!have && l->nneed < 512)
		memcpy(l->need[l->nneed++], id, 32);
}

static int
cmp32(const void *x, const void *y)
{
	return memcmp(x, y, 32);
}

/* A whole session, initiator on a, responder on b; returns its rounds. */
static size_t
session(const struct neg_storage *st, struct store *a, struct store *b,
    struct learnt *l, uint64_t *reads)
{
	struct store_neg *va, *vb;
	struct neg c, r;
	struct filter f;
	struct buf m, o;
	size_t	 rounds = 0;
	bool	 done = false, rdone;

	memset(l, 0, sizeof(*l));
	assert_int_equal(filter_parse("{}", 2, &f), ERR_OK);
	assert_int_equal(store_neg_open(a, &f, &va), ERR_OK);
	assert_int_equal(store_neg_open(b, &f, &vb), ERR_OK);
	filter_free(&f);
	/* Frames as sync.c's: a round is not cut short by their size. */
	assert_int_equal(neg_init_storage(&c, st, va, SYNC_NEG_FRAME), ERR_OK);
	assert_int_equal(neg_init_storage(&r, st, vb, SYNC_NEG_FRAME), ERR_OK);
	c.split_leaves = true;		/* as sync.c's initiator */
	buf_init(&m, 0);
	buf_init(&o, 0);
	assert_int_equal(neg_initiate(&c, &m), ERR_OK);
	while (!done) {
		assert_true(++rounds < 50);
		buf_reset(&o);
		assert_int_equal(neg_reconcile(&r, (uint8_t *)m.p, m.len, &o,
		    NULL, NULL, &rdone), ERR_OK);
		buf_reset(&m);
		assert_int_equal(neg_reconcile(&c, (uint8_t *)o.p, o.len, &m,
		    learn, l, &done), ERR_OK);
	}
	qsort(l->have, l->nhave, 32, cmp32);
	qsort(l->need, l->nneed, 32, cmp32);
	*reads = store_neg_reads(va);
	buf_free(&m);
	buf_free(&o);
	store_neg_close(va);
	store_neg_close(vb);
	return rounds;
}

/*
 * Split at the index's block starts (neg_storage.cut), a session finds
 * exactly the differences one split by count finds, in as many rounds
 * give or take one, and the initiator reads fewer of its events: with 3%
 * differences a count-based split reads nearly every block.
 */
static void
test_cuts(void **state)
{
	char	 pa[256], pb[256];
	struct store *a = open_fresh(pa, sizeof(pa));
	struct store *b = open_fresh(pb, sizeof(pb));
	struct neg_storage counted = count_split();
	static struct learnt l1, l2;
	uint64_t reads1, reads2;
	size_t	 i, r1, r2;
	uint8_t	 id[32];

	assert_int_equal(store_begin(a), ERR_OK);
	assert_int_equal(store_begin(b), ERR_OK);
	for (i = 0; i < 100000; i++) {
		uint64_t ts = T0 + i * 7 + rnd() % 5;
		unsigned where = (unsigned)(rnd() % 1000);

		rand_id(id);
		if (where >= 5)			/* 0.5% only on b */
			assert_int_equal(put_raw(a, id, 1, ts, 1, "[]"),
			    ERR_OK);
		if (where >= 10 || where < 5)	/* 0.5% only on a */
			assert_int_equal(put_raw(b, id, 1, ts, 1, "[]"),
			    ERR_OK);
	}
	assert_int_equal(store_commit(a), ERR_OK);
	assert_int_equal(store_commit(b), ERR_OK);
	r1 = session(&counted, a, b, &l1, &reads1);
	r2 = session(&store_neg_storage, a, b, &l2, &reads2);
	print_message("  rounds %zu by count, %zu at cuts; events read %llu "
	    "by count, %llu at cuts\n", r1, r2, (unsigned long long)reads1,
	    (unsigned long long)reads2);
	assert_true(l1.nhave > 50 && l1.nneed > 50);
	assert_int_equal(l1.nhave, l2.nhave);
	assert_int_equal(l1.nneed, l2.nneed);
	assert_memory_equal(l1.have, l2.have, l1.nhave * 32);
	assert_memory_equal(l1.need, l2.need, l1.nneed * 32);
	assert_true(r2 <= r1 + 1);
	assert_true(reads2 < reads1);
	assert_true(reads2 < 100000);
	store_close(a);
	store_close(b);
}

/* A round between identical stores reads a few blocks, not the store. */
static void
test_identical_cheap(void **state)
{
	char	 pa[256], pb[256];
	struct store *a = open_fresh(pa, sizeof(pa));
	struct store *b = open_fresh(pb, sizeof(pb));
	struct store_neg *va, *vb;
	struct neg ca, sb;
	struct filter f;
	struct buf m, r;
	uint8_t	 id[32];
	size_t	 i, n = 20000;
	bool	 done = false;

	assert_int_equal(store_begin(a), ERR_OK);
	assert_int_equal(store_begin(b), ERR_OK);
	for (i = 0; i < n; i++) {
		rand_id(id);
		assert_int_equal(put_raw(a, id, 1, T0 + i / 3, 1, "[]"), ERR_OK);
		assert_int_equal(put_raw(b, id, 1, T0 + i / 3, 1, "[]"), ERR_OK);
	}
	assert_int_equal(store_commit(a), ERR_OK);
	assert_int_equal(store_commit(b), ERR_OK);
	assert_int_equal(filter_parse("{}", 2, &f), ERR_OK);
	assert_int_equal(store_neg_open(a, &f, &va), ERR_OK);
	assert_int_equal(store_neg_open(b, &f, &vb), ERR_OK);
	filter_free(&f);
	neg_init_storage(&ca, &store_neg_storage, va, 0);
	neg_init_storage(&sb, &store_neg_storage, vb, 0);
	buf_init(&m, 0);
	buf_init(&r, 0);
	assert_int_equal(neg_initiate(&ca, &m), ERR_OK);
	assert_int_equal(neg_reconcile(&sb, (uint8_t *)m.p, m.len, &r, NULL,
	    NULL, &done), ERR_OK);
	assert_int_equal(r.len, 1);		/* all skipped */
	assert_int_equal(neg_reconcile(&ca, (uint8_t *)r.p, r.len, &m, NULL,
	    NULL, &done), ERR_OK);
	assert_true(done);
	/* Each end read its block rows and at most 17 blocks of events. */
	assert_true(store_neg_reads(va) < n / 2);
	assert_true(store_neg_reads(vb) < n / 2);
	buf_free(&m);
	buf_free(&r);
	store_neg_close(va);
	store_neg_close(vb);
	store_close(a);
	store_close(b);
}

/*
 * A view on one handle sees what another handle (the mesh's, an import)
 * committed since its last message, and its own handle's writes.
 */
static void
test_other_writer(void **state)
{
	char	 path[256];
	struct store *a = open_fresh(path, sizeof(path)), *b = open_path(path);
	const struct neg_storage *st = &store_neg_storage;
	struct store_neg *v;
	struct filter f;
	uint8_t	 id[32];
	size_t	 n, i;

	assert_int_equal(filter_parse("{}", 2, &f), ERR_OK);
	assert_int_equal(store_neg_open(a, &f, &v), ERR_OK);
	filter_free(&f);
	for (i = 0; i < 3; i++) {
		rand_id(id);
		assert_int_equal(put_raw(i == 1 ? a : b, id, 1, T0 + i, 1, "[]"),
		    ERR_OK);
		assert_int_equal(st->begin(v, &n), ERR_OK);
		st->end(v);
		assert_int_equal(n, i + 1);
	}
	store_neg_close(v);
	store_close(b);
	store_close(a);
}

static int
count(const char *path, const char *sql)
{
	sqlite3	*db;
	sqlite3_stmt *st;
	int	 n = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/*
 * A store from before the index gets it built on opening: one of version
 * 5 (the custody log, left as it is) and one of version 2 (from before
 * the custody log too, which also gets a line for every event).  Each is
 * made to look as that version left it: no negidx tables, ev_time in
 * place of ev_neg, and for version 2 no custody log.
 */
#define V6	V6_SQL " "
static void
test_upgrade(void **state)
{
	static const struct {
		int	 version;
		const char *sql;
	} olds[] = {
		{ 5, V6 "DROP TABLE negidx; DROP TABLE negidx_gen;"
		  " DROP INDEX ev_neg;"
		  " CREATE INDEX ev_time ON events(created_at);"
		  " PRAGMA user_version = 5" },
		{ 2, V6 "DROP TABLE negidx; DROP TABLE negidx_gen;"
		  " DROP INDEX ev_neg;"
		  " CREATE INDEX ev_time ON events(created_at);"
		  " DROP TABLE custody; PRAGMA user_version = 2" },
	};
	char	 path[256];
	struct store *s;
	struct filter f;
	uint8_t	 id[32];
	sqlite3	*db;
	size_t	 i, k;
	int	 lines;

	for (k = 0; k < sizeof(olds) / sizeof(olds[0]); k++) {
		s = open_fresh(path, sizeof(path));
		assert_int_equal(store_begin(s), ERR_OK);
		for (i = 0; i < 1500; i++) {
			rand_id(id);
			assert_int_equal(put_raw(s, id, 1, T0 + rnd() % 100, 1,
			    "[]"), ERR_OK);
		}
		assert_int_equal(store_commit(s), ERR_OK);
		store_close(s);
		lines = count(path, "SELECT count(*) FROM custody");
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, olds[k].sql, NULL, NULL,
		    NULL), SQLITE_OK);
		sqlite3_close(db);
		/* Read-only, it stays as it is and sessions read the events. */
		assert_int_equal(filter_parse("{}", 2, &f), ERR_OK);
		assert_int_equal(store_open(&s, path, STORE_RDONLY), ERR_OK);
		assert_false(store_neg_serves(s, &f));
		store_close(s);
		assert_int_equal(count(path, "PRAGMA user_version"),
		    olds[k].version);
		s = open_path(path);
		assert_true(store_neg_serves(s, &f));
		filter_free(&f);
		assert_int_equal(store_neg_check(s), ERR_OK);
		check_window(s, 0, UINT64_MAX);
		store_close(s);
		assert_int_equal(count(path, "PRAGMA user_version"), 6);
		assert_int_equal(count(path, "SELECT count(*) FROM sqlite_schema"
		    " WHERE name = 'ev_time'"), 0);
		/* The custody log: kept at 5, begun with every event at 2. */
		assert_int_equal(count(path, "SELECT count(*) FROM custody"),
		    olds[k].version >= 5 ? lines : 1500);
	}
	/* A damaged index is found. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE negidx SET n = n + 1"
	    " WHERE ts = (SELECT max(ts) FROM negidx)", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	s = open_path(path);
	assert_int_equal(store_neg_check(s), ERR_DB_CORRUPT);
	store_close(s);
}

TU_TMPDIR_FIXTURE(dbdir)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_agrees),
		cmocka_unit_test(test_same_bytes),
		cmocka_unit_test(test_cuts),
		cmocka_unit_test(test_identical_cheap),
		cmocka_unit_test(test_other_writer),
		cmocka_unit_test(test_upgrade),
	};

	crypto_init();
	return cmocka_run_group_tests_name("store_neg", tests, setup,
	    teardown);
}
