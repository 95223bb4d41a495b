/*
 * test-trust_store.c: the witness index in a real store (witness_index.c,
 * trust_store.c, witness_json.c), fed through ingest like any event.
 * Key 1 is the node.  The cases of the issue end to end: sock puppets,
 * three vouched witnesses, a vouched dispute against fresh confirmations,
 * labels before their report (also over a stick), the bound on marks
 * waiting for a report, one mark per key in any arrival order, a key's
 * mark on its own report, NIP-09 deletions and revocations, the reader's
 * own vouches, the trust API of trust_store.h, an old store backfilled,
 * the JSON the page reads, and keys found by their short code.
 */
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "testutil.h"

#include "bech32.h"
#include "buf.h"
#include "hex.h"
#include "ingest.h"
#include "stick.h"
#include "store.h"
#include "trust_store.h"
#include "witness_store.h"

#define NOW	1800000000ULL
#define DAY	86400ULL

static char dbdir[] = "/tmp/samizdat-test-trust-XXXXXX";
static int dbseq;

static struct store *
open_path(char *path, size_t sz)
{
	struct store *s;
	uint8_t	 node[32];
	char	 hex[65];

	snprintf(path, sz, "%s/db%d", dbdir, dbseq++);
	assert_int_equal(store_open(&s, path, 0), ERR_OK);
	tu_pubhex(1, hex);
	tu_unhex(hex, node, 32);
	trust_store_set_node(s, node);
	return s;
}

static struct store *
open_fresh(void)
{
	char	 path[300];

	return open_path(path, sizeof(path));
}

static enum err
put_at(struct store *s, char *json, uint64_t now)
{
	struct ingest_policy pol;
	struct ingest_ctx c;
	enum err e;

	memset(&pol, 0, sizeof(pol));
	ingest_ctx_init(&c);
	e = ingest_one(&c, &pol, s, json, strlen(json), now, NULL);
	ingest_ctx_free(&c);
	free(json);
	return e;
}

static enum err
put(struct store *s, char *json)
{
	return put_at(s, json, NOW);
}

static void
pk(int who, uint8_t out[32])
{
	char	 hex[65];

	tu_pubhex(who, hex);
	tu_unhex(hex, out, 32);
}

/* A report by who; its id in id. */
static char *
report(int who, uint64_t at, const char *text, uint8_t id[32])
{
	char	*s = tu_event(who, at, 1, "[]", text);

	tu_event_id(s, id);
	return s;
}

static char *
mark(int who, const char *label, const uint8_t id[32], int author,
    uint64_t at, const char *comment)
{
	char	 tags[512], idhex[65], ahex[65];

	hex_encode(id, 32, idhex);
	tu_pubhex(author, ahex);
	snprintf(tags, sizeof(tags), "[[\"L\",\"samizdat.witness\"],[\"l\","
	    "\"%s\",\"samizdat.witness\"],[\"e\",\"%s\"],[\"p\",\"%s\"]]",
	    label, idhex, ahex);
	return tu_event(who, at, 1985, tags, comment);
}

static char *
vouch(int who, int whom, const char *label, uint64_t at)
{
	char	 tags[512], hex[65];

	tu_pubhex(whom, hex);
	snprintf(tags, sizeof(tags), "[[\"L\",\"samizdat.witness\"],[\"l\","
	    "\"%s\",\"samizdat.witness\"],[\"p\",\"%s\"]]", label, hex);
	return tu_event(who, at, 1985, tags, "");
}

static struct witness_report
state_of(struct store *s, const uint8_t id[32], const uint8_t *reader)
{
	struct witness_report r;
	uint8_t	 ids[1][32];

	memcpy(ids[0], id, 32);
	assert_int_equal(witness_states(s, (const uint8_t (*)[32])ids, 1,
	    reader, NOW, &r), ERR_OK);
	return r;
}

/* The node (1) vouches for 10, 11, 12; 10 vouches for 20. */
static void
web_of_trust(struct store *s)
{
	assert_int_equal(put(s, vouch(1, 10, "vouch", NOW - 100)), ERR_OK);
	assert_int_equal(put(s, vouch(1, 11, "vouch", NOW - 100)), ERR_OK);
	assert_int_equal(put(s, vouch(1, 12, "vouch", NOW - 100)), ERR_OK);
	assert_int_equal(put(s, vouch(10, 20, "vouch", NOW - 100)), ERR_OK);
	/* 20's vouch reaches nobody: no third hop. */
	assert_int_equal(put(s, vouch(20, 30, "vouch", NOW - 100)), ERR_OK);
}

static void
test_levels(void **state)
{
	struct store *s = open_fresh();
	uint8_t	 k[32], id[32];

	web_of_trust(s);
	/* A key seen two days ago has history. */
	assert_int_equal(put_at(s, report(40, NOW - 2 * DAY, "old", id),
	    NOW - 2 * DAY), ERR_OK);
	assert_int_equal(put(s, report(41, NOW, "new", id)), ERR_OK);
	pk(1, k);
	assert_int_equal(trust_level(s, k, NOW), TRUST_OWN);
	pk(10, k);
	assert_int_equal(trust_level(s, k, NOW), TRUST_HOP1);
	pk(20, k);
	assert_int_equal(trust_level(s, k, NOW), TRUST_HOP2);
	pk(30, k);
	assert_int_equal(trust_level(s, k, NOW), TRUST_FRESH);
	pk(40, k);
	assert_int_equal(trust_level(s, k, NOW), TRUST_HISTORY);
	pk(41, k);
	assert_int_equal(trust_level(s, k, NOW), TRUST_FRESH);
	pk(99, k);
	assert_int_equal(trust_level(s, k, NOW), TRUST_FRESH);
	/* A revocation, newer: 10 is no longer vouched for, nor 20. */
	assert_int_equal(put(s, vouch(1, 10, "revoke", NOW - 50)), ERR_OK);
	pk(10, k);
	assert_int_equal(trust_level(s, k, NOW), TRUST_FRESH);
	pk(20, k);
	assert_int_equal(trust_level(s, k, NOW), TRUST_FRESH);
	/* An older vouch arriving late changes nothing. */
	assert_int_equal(put(s, vouch(1, 10, "vouch", NOW - 70)), ERR_OK);
	pk(10, k);
	assert_int_equal(trust_level(s, k, NOW), TRUST_FRESH);
	/* Without a node key there are no roots. */
	trust_store_set_node(s, NULL);
	pk(11, k);
	assert_int_equal(trust_level(s, k, NOW), TRUST_FRESH);
	store_close(s);
}

static void
test_puppets_vouched_disputes(void **state)
{
	struct store *s = open_fresh();
	struct witness_report r;
	uint8_t	 id[32];
	int	 i;

	web_of_trust(s);
	assert_int_equal(put(s, report(50, NOW - 10, "the bridge is down", id)),
	    ERR_OK);
	/* Twenty fresh keys from one phone: not corroborated. */
	for (i = 0; i < 20; i++)
		assert_int_equal(put(s, mark(100 + i, "confirm", id, 50, NOW,
		    "")), ERR_OK);
	r = state_of(s, id, NULL);
	assert_true(r.stored);
	assert_int_equal(r.t.confirm.keys, 20);
	assert_int_equal(r.t.confirm.fresh, 20);
	assert_int_equal(r.t.confirm.fresh_hour, 20);
	assert_int_equal(r.t.state, TRUST_UNVERIFIED);
	assert_false(report_corroborated(s, id, NOW));
	/* Three vouched witnesses dispute it: disputed, whatever the
	 * fresh confirmations. */
	assert_int_equal(put(s, mark(10, "dispute", id, 50, NOW, "")), ERR_OK);
	assert_int_equal(put(s, mark(11, "dispute", id, 50, NOW, "")), ERR_OK);
	assert_int_equal(put(s, mark(12, "dispute", id, 50, NOW, "")), ERR_OK);
	r = state_of(s, id, NULL);
	assert_int_equal(r.t.dispute.hop1, 3);
	assert_int_equal(r.t.state, TRUST_DISPUTED);
	/* They change their minds: the newest mark of each counts. */
	for (i = 10; i <= 12; i++)
		assert_int_equal(put(s, mark(i, "confirm", id, 50, NOW + 1, "")),
		    ERR_OK);
	r = state_of(s, id, NULL);
	assert_int_equal(r.t.dispute.keys, 0);
	assert_int_equal(r.t.confirm.hop1, 3);
	assert_int_equal(r.t.state, TRUST_CORROBORATED);
	assert_true(report_corroborated(s, id, NOW));
	store_close(s);
}

static void
test_order_and_self(void **state)
{
	struct store *s = open_fresh();
	struct witness_report r;
	uint8_t	 id[32];
	char	*rep;

	web_of_trust(s);
	rep = report(10, NOW - 10, "seen it myself", id);
	/* Marks first, newest before older: the index keeps the newest. */
	assert_int_equal(put(s, mark(11, "dispute", id, 10, NOW + 5, "")),
	    ERR_OK);
	assert_int_equal(put(s, mark(11, "confirm", id, 10, NOW, "")), ERR_OK);
	/* 12 says the author is 10 ... */
	assert_int_equal(put(s, mark(12, "confirm", id, 10, NOW, "")), ERR_OK);
	/* ... and 20 claims a different author, but is the real one? No:
	 * 10 marks its own report, naming someone else in p. */
	assert_int_equal(put(s, mark(10, "confirm", id, 12, NOW, "")), ERR_OK);
	r = state_of(s, id, NULL);
	assert_false(r.stored);
	/* Before the report: its author unknown, so 10 counts for now. */
	assert_int_equal(r.t.confirm.keys, 2);
	assert_int_equal(r.t.dispute.keys, 1);
	assert_int_equal(put(s, rep), ERR_OK);
	r = state_of(s, id, NULL);
	assert_true(r.stored);
	assert_int_equal(r.t.self, 1);
	assert_int_equal(r.t.confirm.keys, 1);
	assert_int_equal(r.t.dispute.keys, 1);
	assert_int_equal(r.author_level, TRUST_HOP1);
	/* A label that names itself is refused outright. */
	assert_int_equal(put(s, mark(10, "confirm", id, 10, NOW, "")),
	    ERR_WITNESS_SELF);
	store_close(s);
}

static void
test_pending_bound(void **state)
{
	struct store *s = open_fresh();
	uint8_t	 id[32], known[32];
	int	 i;

	assert_int_equal(put(s, report(60, NOW, "here", known)), ERR_OK);
	for (i = 0; i < WITNESS_MAX_PENDING; i++) {
		memset(id, 0, 32);
		id[0] = (uint8_t)(i >> 8);
		id[1] = (uint8_t)i;
		id[31] = 0x77;
		assert_int_equal(put(s, mark(70, "confirm", id, 60, NOW, "")),
		    ERR_OK);
	}
	id[30] = 1;
	assert_int_equal(put(s, mark(70, "confirm", id, 60, NOW, "")),
	    ERR_WITNESS_PENDING);
	/* Marks on reports that are here still go in, and a replacement
	 * of a waiting mark. */
	assert_int_equal(put(s, mark(70, "confirm", known, 60, NOW, "")),
	    ERR_OK);
	id[30] = 0;
	assert_int_equal(put(s, mark(70, "dispute", id, 60, NOW + 1, "")),
	    ERR_OK);
	/* Another key is not held back by this one. */
	id[30] = 1;
	assert_int_equal(put(s, mark(71, "confirm", id, 60, NOW, "")), ERR_OK);
	store_close(s);
}

static void
test_deletions(void **state)
{
	struct store *s = open_fresh();
	struct witness_report r;
	uint8_t	 id[32], lid[32], vid[32], k[32];
	char	*l, *v, tags[256], hex[65];

	web_of_trust(s);
	assert_int_equal(put(s, report(50, NOW - 10, "x", id)), ERR_OK);
	assert_int_equal(put(s, mark(11, "confirm", id, 50, NOW, "")), ERR_OK);
	l = mark(11, "dispute", id, 50, NOW + 5, "");
	tu_event_id(l, lid);
	assert_int_equal(put(s, l), ERR_OK);
	r = state_of(s, id, NULL);
	assert_int_equal(r.t.dispute.keys, 1);
	/* NIP-09: the dispute withdrawn, the older confirm is back. */
	hex_encode(lid, 32, hex);
	snprintf(tags, sizeof(tags), "[[\"e\",\"%s\"]]", hex);
	assert_int_equal(put(s, tu_event(11, NOW + 6, 5, tags, "")), ERR_OK);
	r = state_of(s, id, NULL);
	assert_int_equal(r.t.dispute.keys, 0);
	assert_int_equal(r.t.confirm.keys, 1);
	/* A deleted vouch: 12 falls out of the web. */
	v = vouch(1, 12, "vouch", NOW - 90);
	tu_event_id(v, vid);
	assert_int_equal(put(s, v), ERR_OK);	/* newer than web_of_trust's */
	assert_int_equal(put(s, tu_event(1, NOW, 5, "[]", "")), ERR_OK);
	hex_encode(vid, 32, hex);
	snprintf(tags, sizeof(tags), "[[\"e\",\"%s\"]]", hex);
	pk(12, k);
	assert_int_equal(trust_level(s, k, NOW), TRUST_HOP1);
	assert_int_equal(put(s, tu_event(1, NOW + 1, 5, tags, "")), ERR_OK);
	/* The older vouch of web_of_trust is restored. */
	assert_int_equal(trust_level(s, k, NOW), TRUST_HOP1);
	store_close(s);
}

static void
test_reader(void **state)
{
	struct store *s = open_fresh();
	struct witness_report r;
	uint8_t	 id[32], me[32];
	int	 i;

	/* The reader (key 5) met 80, 81 and 82; the node met nobody. */
	for (i = 80; i <= 82; i++)
		assert_int_equal(put(s, vouch(5, i, "vouch", NOW - 10)), ERR_OK);
	assert_int_equal(put(s, report(50, NOW - 10, "x", id)), ERR_OK);
	for (i = 80; i <= 82; i++)
		assert_int_equal(put(s, mark(i, "confirm", id, 50, NOW, "")),
		    ERR_OK);
	assert_int_equal(put(s, mark(5, "dispute", id, 50, NOW, "")), ERR_OK);
	r = state_of(s, id, NULL);
	assert_int_equal(r.t.state, TRUST_UNVERIFIED);
	assert_int_equal(r.mine, WITNESS_NONE);
	pk(5, me);
	r = state_of(s, id, me);
	assert_int_equal(r.t.confirm.hop1, 3);
	assert_int_equal(r.t.dispute.own, 1);
	assert_int_equal(r.mine, WITNESS_DISPUTE);
	/* Three against one: a dispute must weigh a third to contest. */
	assert_int_equal(r.t.state, TRUST_CORROBORATED);
	store_close(s);
}

static void
test_stick_labels_first(void **state)
{
	struct stick_opts o;
	struct stick_report rep;
	struct witness_report r;
	struct store *a, *b;
	char	 pa[400], pb[300], dir[300], err[256];
	uint8_t	 id[32];
	char	*rj;
	int	 i;

	/* The stick is a data dir whose store is events.db. */
	snprintf(dir, sizeof(dir), "%s/stick", dbdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(pa, sizeof(pa), "%s/events.db", dir);
	assert_int_equal(store_open(&a, pa, 0), ERR_OK);
	b = open_path(pb, sizeof(pb));
	web_of_trust(b);
	/* The stick carries the marks, and the vouches, not the report. */
	rj = report(50, NOW - 10, "seen from the roof", id);
	web_of_trust(a);
	for (i = 10; i <= 12; i++)
		assert_int_equal(put(a, mark(i, "confirm", id, 50, NOW, "")),
		    ERR_OK);
	store_close(a);
	memset(&o, 0, sizeof(o));
	o.up = o.down = true;
	assert_int_equal(stick_sync(b, pb, dir, &o, &rep, err, sizeof(err)),
	    0);
	r = state_of(b, id, NULL);
	assert_false(r.stored);
	assert_int_equal(r.t.confirm.hop1, 3);
	/* The report comes later, by another way: corroborated at once. */
	assert_int_equal(put(b, rj), ERR_OK);
	r = state_of(b, id, NULL);
	assert_true(r.stored);
	assert_int_equal(r.t.state, TRUST_CORROBORATED);
	store_close(b);
}

static void
test_refusals_and_others(void **state)
{
	struct store *s = open_fresh();
	struct buf b;
	uint8_t	 id[32], ids[2][32];
	char	 tags[512], hex[65];

	assert_int_equal(put(s, report(50, NOW, "x", id)), ERR_OK);
	hex_encode(id, 32, hex);
	/* Malformed in our namespace: refused with its reason. */
	snprintf(tags, sizeof(tags), "[[\"L\",\"samizdat.witness\"],[\"l\","
	    "\"confirm\",\"samizdat.witness\"],[\"e\",\"%s\"]]", hex);
	assert_int_equal(put(s, tu_event(11, NOW, 1985, tags, "")),
	    ERR_WITNESS_MARK);
	/* Any other app's label is stored and left alone. */
	snprintf(tags, sizeof(tags), "[[\"L\",\"ugc\"],[\"l\",\"funny\","
	    "\"ugc\"],[\"e\",\"%s\"]]", hex);
	assert_int_equal(put(s, tu_event(11, NOW, 1985, tags, "")), ERR_OK);
	assert_int_equal(put(s, mark(11, "confirm", id, 50, NOW, "a \"quote\"")),
	    ERR_OK);
	/* The JSON the page reads. */
	memcpy(ids[0], id, 32);
	memset(ids[1], 0xab, 32);
	buf_init(&b, 0);
	assert_int_equal(witness_json_states(s, (const uint8_t (*)[32])ids, 2,
	    NULL, NOW, &b), ERR_OK);
	assert_non_null(strstr(b.p, "\"state\":\"unverified\""));
	assert_non_null(strstr(b.p, "\"confirm\":{\"keys\":1,"));
	assert_non_null(strstr(b.p, "\"stored\":false"));
	buf_reset(&b);
	assert_int_equal(witness_json_detail(s, id, NULL, NOW, &b), ERR_OK);
	assert_non_null(strstr(b.p, "\"label\":\"confirm\""));
	assert_non_null(strstr(b.p, "\"comment\":\"a \\\"quote\\\"\""));
	assert_non_null(strstr(b.p, "\"first_via\":null"));
	buf_free(&b);
	store_close(s);
}

static int
count_vouch(const struct witness_vouch *v, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void
test_backfill_and_list(void **state)
{
	struct store *s;
	struct witness_report r;
	sqlite3 *db;
	char	 path[300];
	uint8_t	 id[32], node[32];
	int	 n = 0, i;

	s = open_path(path, sizeof(path));
	web_of_trust(s);
	assert_int_equal(put(s, report(50, NOW - 10, "x", id)), ERR_OK);
	for (i = 10; i <= 12; i++)
		assert_int_equal(put(s, mark(i, "confirm", id, 50, NOW, "")),
		    ERR_OK);
	pk(1, node);
	assert_int_equal(witness_vouches(s, node, count_vouch, &n), ERR_OK);
	assert_int_equal(n, 3);
	store_close(s);
	/* A version 2 store: no index. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, V6_SQL " DROP TABLE marks; DROP TABLE "
	    "vouches; DROP TABLE wkeys; DROP TABLE wgen; PRAGMA "
	    "user_version = 2", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(&s, path, 0), ERR_OK);
	trust_store_set_node(s, node);
	r = state_of(s, id, NULL);
	assert_int_equal(r.t.confirm.hop1, 3);
	assert_int_equal(r.t.state, TRUST_CORROBORATED);
	store_close(s);
}

struct found {
	uint8_t	 pk[6][32];
	uint64_t reports[6];
	int	 n;
};

static int
found_key(const uint8_t pubkey[32], uint64_t reports, void *arg)
{
	struct found *f = arg;

	assert_true(f->n < 6);
	memcpy(f->pk[f->n], pubkey, 32);
	f->reports[f->n++] = reports;
	return 0;
}

/* The short code finds the key it is the start of, with its reports;
 * GET /api/witnesses?code= says so, and refuses what is not a code. */
static void
test_code(void **state)
{
	struct store *s = open_fresh();
	struct found f = { .n = 0 };
	struct buf b;
	uint8_t	 id[32], k50[32], pre[5];
	char	 npub[100], q[32], hex[65];
	int	 i;

	for (i = 0; i < 3; i++)
		assert_int_equal(put(s, report(50, NOW - 10 + (uint64_t)i, "r",
		    id)), ERR_OK);
	assert_int_equal(put(s, report(51, NOW - 10, "other", id)), ERR_OK);
	pk(50, k50);
	nip19_npub(k50, npub, sizeof(npub));
	assert_true(witness_code_prefix(npub + 5, 8, pre));
	assert_int_equal(witness_keys_by_code(s, pre, found_key, &f), ERR_OK);
	assert_int_equal(f.n, 1);
	assert_memory_equal(f.pk[0], k50, 32);
	assert_int_equal(f.reports[0], 3);
	/* One past the last byte: nobody. */
	pre[4]++;
	f.n = 0;
	assert_int_equal(witness_keys_by_code(s, pre, found_key, &f), ERR_OK);
	assert_int_equal(f.n, 0);

	buf_init(&b, 1 << 16);
	snprintf(q, sizeof(q), "code=%.8s", npub + 5);
	assert_int_equal(witness_http(s, NULL, q, NOW, &b), 200);
	buf_putc(&b, '\0');
	hex_encode(k50, 32, hex);
	assert_non_null(strstr(b.p, hex));
	assert_non_null(strstr(b.p, "\"reports\":3"));
	buf_reset(&b);
	assert_int_equal(witness_http(s, NULL, "code=npub1abc", NOW, &b), 400);
	buf_putc(&b, '\0');
	assert_non_null(strstr(b.p, "invalid:"));
	buf_free(&b);
	store_close(s);
}

TU_TMPDIR_FIXTURE(dbdir)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_puppets_vouched_disputes),
		cmocka_unit_test(test_order_and_self),
		cmocka_unit_test(test_pending_bound),
		cmocka_unit_test(test_deletions),
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_stick_labels_first),
		cmocka_unit_test(test_refusals_and_others),
		cmocka_unit_test(test_backfill_and_list),
		cmocka_unit_test(test_code),
	};

	crypto_init();
	return cmocka_run_group_tests_name("trust_store", tests, setup,
	    teardown);
}
