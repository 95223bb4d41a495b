/*
 * test-ingest.c: store/ingest.c, the one way an event gets in.  The order
 * of ingest_check's stages (size, parse, recomputed id, NIP-40 and the
 * created_at window, duplicate) and what each answers, ingest_verify on
 * good and bad signatures and keys, ingest_one into a real store in a
 * temporary directory, and the ingest_parsed and ingest_accepted tables.
 */
#include <unistd.h>

#include "testutil.h"

#include "ingest.h"
#include "store.h"

#define NOW	1800000000ULL

static char dbdir[] = "/tmp/samizdat-test-ingest-XXXXXX";
static int dbseq;

static struct store *
open_fresh(void)
{
	char	 path[300];
	struct store *s;

	snprintf(path, sizeof(path), "%s/db%d", dbdir, dbseq++);
	assert_int_equal(store_open(&s, path, 0), ERR_OK);
	return s;
}

/* A policy with no limits of its own and no window. */
static void
pol_none(struct ingest_policy *p)
{
	memset(p, 0, sizeof(*p));
}

/* ingest_check on a string, with a fresh context each time. */
static enum err
check(const struct ingest_policy *pol, struct store *st, const char *json,
    uint64_t now, struct event *out)
{
	struct ingest_ctx c;
	struct event ev;
	enum err e;

	ingest_ctx_init(&c);
	memset(&ev, 0, sizeof(ev));
	e = ingest_check(&c, pol, st, json, strlen(json), now, &ev);
	/* ev borrows the context's scratch: keep only what outlives it. */
	if (out != NULL) {
		memset(out, 0, sizeof(*out));
		memcpy(out->id, ev.id, 32);
		memcpy(out->pubkey, ev.pubkey, 32);
		memcpy(out->sig, ev.sig, 64);
		out->created_at = ev.created_at;
		out->kind = ev.kind;
		out->ntags = ev.ntags;
	}
	ingest_ctx_free(&c);
	return e;
}

/* A copy of s with the first occurrence of from replaced by to. */
static char *
replace(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	char	*r;

	assert_non_null(p);
	r = malloc(strlen(s) - strlen(from) + strlen(to) + 1);
	assert_non_null(r);
	memcpy(r, s, (size_t)(p - s));
	strcpy(r + (p - s), to);
	strcat(r, p + strlen(from));
	return r;
}

/* s with one hex digit of its signature changed. */
static char *
bad_sig(const char *s)
{
	char	*r = strdup(s), *p = strstr(r, "\"sig\":\"");

	assert_non_null(p);
	p += 7 + 10;
	*p = *p == '0' ? '1' : '0';
	return r;
}

static void
test_check_ok_and_fields(void **state)
{
	struct ingest_policy pol;
	struct event ev;
	char	*a = tu_event(1, NOW - 5, 1, "[[\"t\",\"x\"],[\"p\",\"y\"]]",
	    "hello");
	uint8_t	 id[32];
	char	 pk[65];

	pol_none(&pol);
	tu_event_id(a, id);
	tu_pubhex(1, pk);
	assert_int_equal(check(&pol, NULL, a, NOW, &ev), ERR_OK);
	assert_memory_equal(ev.id, id, 32);
	assert_int_equal(ev.created_at, NOW - 5);
	assert_int_equal(ev.kind, 1);
	assert_int_equal(ev.ntags, 2);
	{
		uint8_t	 pkb[32];

		tu_unhex(pk, pkb, 32);
		assert_memory_equal(ev.pubkey, pkb, 32);
	}
	/* White space around the object is allowed. */
	{
		char	*sp = malloc(strlen(a) + 8);

		sprintf(sp, " \n%s\r\n ", a);
		assert_int_equal(check(&pol, NULL, sp, NOW, NULL), ERR_OK);
		free(sp);
	}
	free(a);
}

static void
test_check_size_first(void **state)
{
	struct ingest_policy pol;
	struct buf b;
	char	*a;
	size_t	 n;

	pol_none(&pol);
	a = tu_event(1, NOW, 1, "[]", "short");
	n = strlen(a);
	/* An object of exactly max_size bytes passes, one more does not. */
	pol.lim.max_size = n;
	assert_int_equal(check(&pol, NULL, a, NOW, NULL), ERR_OK);
	pol.lim.max_size = n - 1;
	assert_int_equal(check(&pol, NULL, a, NOW, NULL), ERR_EVENT_SIZE);
	/* Size comes before parsing: oversized garbage is too big, not bad. */
	buf_init(&b, 0);
	while (b.len < 2000)
		buf_puts(&b, "garbage ");
	pol.lim.max_size = 500;
	assert_int_equal(check(&pol, NULL, b.p, NOW, NULL), ERR_EVENT_SIZE);
	pol.lim.max_size = 0;		/* the default takes it */
	assert_int_equal(check(&pol, NULL, b.p, NOW, NULL), ERR_JSON);
	buf_free(&b);
	free(a);
	/* Tag and content limits. */
	a = tu_event(1, NOW, 1, "[[\"a\"],[\"b\"],[\"c\"]]", "0123456789");
	pol.lim.max_tags = 3;
	assert_int_equal(check(&pol, NULL, a, NOW, NULL), ERR_OK);
	pol.lim.max_tags = 2;
	assert_int_equal(check(&pol, NULL, a, NOW, NULL), ERR_TOO_MANY_TAGS);
	pol.lim.max_tags = 0;
	pol.lim.max_content = 10;
	assert_int_equal(check(&pol, NULL, a, NOW, NULL), ERR_OK);
	pol.lim.max_content = 9;
	assert_int_equal(check(&pol, NULL, a, NOW, NULL), ERR_CONTENT_SIZE);
	free(a);
	/* Content is counted in characters, not bytes. */
	a = tu_event(1, NOW, 1, "[]", "\xc3\xa9\xc3\xa9\xc3\xa9");
	pol.lim.max_content = 3;
	assert_int_equal(check(&pol, NULL, a, NOW, NULL), ERR_OK);
	pol.lim.max_content = 2;
	assert_int_equal(check(&pol, NULL, a, NOW, NULL), ERR_CONTENT_SIZE);
	free(a);
}

static void
test_check_parse_errors(void **state)
{
	struct ingest_policy pol;
	char	*a = tu_event(1, NOW, 1, "[]", "x"), *b;

	pol_none(&pol);
	assert_int_equal(check(&pol, NULL, "", NOW, NULL), ERR_JSON);
	assert_int_equal(check(&pol, NULL, "{", NOW, NULL), ERR_JSON);
	assert_int_equal(check(&pol, NULL, "[1]", NOW, NULL), ERR_NOT_OBJECT);
	assert_int_equal(check(&pol, NULL, "\"x\"", NOW, NULL),
	    ERR_NOT_OBJECT);
	assert_int_equal(check(&pol, NULL, "{}", NOW, NULL),
	    ERR_FIELD_MISSING);
	b = replace(a, "\"kind\":1", "\"kind\":70000");
	assert_int_equal(check(&pol, NULL, b, NOW, NULL), ERR_KIND);
	free(b);
	b = replace(a, "\"created_at\":", "\"created_at\":-");
	assert_int_equal(check(&pol, NULL, b, NOW, NULL), ERR_CREATED_AT);
	free(b);
	b = replace(a, "\"tags\":[]", "\"tags\":[[]]");
	assert_int_equal(check(&pol, NULL, b, NOW, NULL), ERR_TAGS);
	free(b);
	b = replace(a, "\"content\":\"x\"", "\"content\":\"\\ud800\"");
	assert_int_equal(check(&pol, NULL, b, NOW, NULL), ERR_UTF8);
	free(b);
	b = replace(a, "\"content\":\"x\"", "\"content\":\"x\",\"kind\":1");
	assert_int_equal(check(&pol, NULL, b, NOW, NULL), ERR_FIELD_DUP);
	free(b);
	b = replace(a, "\"id\":\"", "\"id\":\"A");
	assert_int_equal(check(&pol, NULL, b, NOW, NULL), ERR_ID_HEX);
	free(b);
	free(a);
}

/*
 * The id is recomputed and the claimed one is not trusted; a mismatch
 * still leaves ev filled so that the relay can answer OK with the id.
 */
static void
test_check_id_mismatch(void **state)
{
	struct ingest_policy pol;
	struct ingest_ctx c;
	struct store *st = open_fresh();
	struct event ev;
	char	*a = tu_event(1, NOW, 1, "[]", "original"), *b;
	uint8_t	 id[32];

	pol_none(&pol);
	tu_event_id(a, id);
	b = replace(a, "original", "forged!!");
	assert_int_equal(check(&pol, NULL, b, NOW, &ev), ERR_ID_MISMATCH);
	assert_memory_equal(ev.id, id, 32);
	assert_int_equal(ev.created_at, NOW);
	assert_true(ingest_parsed(ERR_ID_MISMATCH));
	/* The mismatch is found before policy and before the store. */
	ingest_ctx_init(&c);
	assert_int_equal(ingest_one(&c, &pol, st, a, strlen(a), NOW, NULL),
	    ERR_OK);
	ingest_ctx_free(&c);
	assert_int_equal(check(&pol, st, b, NOW, NULL), ERR_ID_MISMATCH);
	free(b);
	b = replace(a, "\"created_at\":1800000000", "\"created_at\":1000");
	pol.max_past = 60;
	assert_int_equal(check(&pol, st, b, NOW, NULL), ERR_ID_MISMATCH);
	free(b);
	free(a);
	store_close(st);
}

static void
test_check_expiration(void **state)
{
	struct ingest_policy pol;
	char	 tags[64];
	char	*a;

	pol_none(&pol);
	snprintf(tags, sizeof(tags), "[[\"expiration\",\"%llu\"]]",
	    (unsigned long long)NOW);
	a = tu_event(1, NOW - 10, 1, tags, "x");
	/* Expiring now is expired; one second later is not yet. */
	assert_int_equal(check(&pol, NULL, a, NOW, NULL), ERR_EXPIRED);
	assert_int_equal(check(&pol, NULL, a, NOW + 1, NULL), ERR_EXPIRED);
	assert_int_equal(check(&pol, NULL, a, NOW - 1, NULL), ERR_OK);
	/* now == 0 skips the time checks (for `verify`). */
	assert_int_equal(check(&pol, NULL, a, 0, NULL), ERR_OK);
	free(a);
	/* "0" expired long ago. */
	a = tu_event(1, NOW - 10, 1, "[[\"expiration\",\"0\"]]", "x");
	assert_int_equal(check(&pol, NULL, a, NOW, NULL), ERR_EXPIRED);
	free(a);
	/* A tag that is not a unix time is refused even without a clock. */
	a = tu_event(1, NOW - 10, 1, "[[\"expiration\",\"soon\"]]", "x");
	assert_int_equal(check(&pol, NULL, a, NOW, NULL), ERR_BAD_EXPIRATION);
	assert_int_equal(check(&pol, NULL, a, 0, NULL), ERR_BAD_EXPIRATION);
	free(a);
	a = tu_event(1, NOW - 10, 1, "[[\"expiration\",\"-5\"]]", "x");
	assert_int_equal(check(&pol, NULL, a, NOW, NULL), ERR_BAD_EXPIRATION);
	free(a);
	/* A bare ["expiration"] has no value: no expiry. */
	a = tu_event(1, NOW - 10, 1, "[[\"expiration\"]]", "x");
	assert_int_equal(check(&pol, NULL, a, NOW, NULL), ERR_OK);
	free(a);
}

static void
test_check_window(void **state)
{
	struct ingest_policy pol;
	struct event ev;
	char	*old_ok = tu_event(1, NOW - 1000, 1, "[]", "a");
	char	*too_old = tu_event(1, NOW - 1001, 1, "[]", "b");
	char	*new_ok = tu_event(1, NOW + 100, 1, "[]", "c");
	char	*too_new = tu_event(1, NOW + 101, 1, "[]", "d");
	char	*ancient = tu_event(1, 1, 1, "[]", "e");
	uint8_t	 id[32];

	pol_none(&pol);
	pol.max_past = 1000;
	pol.max_future = 100;
	assert_int_equal(check(&pol, NULL, old_ok, NOW, NULL), ERR_OK);
	assert_int_equal(check(&pol, NULL, too_old, NOW, &ev), ERR_TOO_OLD);
	tu_event_id(too_old, id);
	assert_memory_equal(ev.id, id, 32);	/* answerable */
	assert_int_equal(check(&pol, NULL, new_ok, NOW, NULL), ERR_OK);
	assert_int_equal(check(&pol, NULL, too_new, NOW, &ev), ERR_TOO_NEW);
	tu_event_id(too_new, id);
	assert_memory_equal(ev.id, id, 32);
	assert_int_equal(check(&pol, NULL, ancient, NOW, NULL), ERR_TOO_OLD);
	/* Without a clock, nothing is too old or too new. */
	assert_int_equal(check(&pol, NULL, too_old, 0, NULL), ERR_OK);
	assert_int_equal(check(&pol, NULL, too_new, 0, NULL), ERR_OK);
	assert_int_equal(check(&pol, NULL, ancient, 0, NULL), ERR_OK);
	/* 0 turns each side off. */
	pol.max_past = 0;
	assert_int_equal(check(&pol, NULL, ancient, NOW, NULL), ERR_OK);
	assert_int_equal(check(&pol, NULL, too_new, NOW, NULL), ERR_TOO_NEW);
	pol.max_future = 0;
	assert_int_equal(check(&pol, NULL, too_new, NOW, NULL), ERR_OK);
	/* A clock earlier than max_past does not wrap around. */
	pol.max_past = 1000;
	assert_int_equal(check(&pol, NULL, ancient, 500, NULL), ERR_OK);
	free(old_ok);
	free(too_old);
	free(new_ok);
	free(too_new);
	free(ancient);
}

static void
test_check_duplicate(void **state)
{
	struct ingest_policy pol;
	struct ingest_ctx c;
	struct store *st = open_fresh();
	struct event ev;
	char	 tags[64];
	char	*a = tu_event(1, NOW, 1, "[]", "dup");
	char	*exp;
	uint8_t	 id[32];

	pol_none(&pol);
	ingest_ctx_init(&c);
	/* Only with a store: without one, the same event is fine twice. */
	assert_int_equal(check(&pol, NULL, a, NOW, NULL), ERR_OK);
	assert_int_equal(ingest_one(&c, &pol, st, a, strlen(a), NOW, NULL),
	    ERR_OK);
	assert_int_equal(check(&pol, NULL, a, NOW, NULL), ERR_OK);
	assert_int_equal(check(&pol, st, a, NOW, &ev), ERR_DUPLICATE);
	tu_event_id(a, id);
	assert_memory_equal(ev.id, id, 32);
	/* Policy before the store: stored, but expired by now. */
	snprintf(tags, sizeof(tags), "[[\"expiration\",\"%llu\"]]",
	    (unsigned long long)NOW + 50);
	exp = tu_event(1, NOW, 1, tags, "expires");
	assert_int_equal(ingest_one(&c, &pol, st, exp, strlen(exp), NOW,
	    NULL), ERR_OK);
	assert_int_equal(check(&pol, st, exp, NOW, NULL), ERR_DUPLICATE);
	assert_int_equal(check(&pol, st, exp, NOW + 50, NULL), ERR_EXPIRED);
	/* ... and outside the window. */
	pol.max_future = 10;
	assert_int_equal(check(&pol, st, a, NOW - 11, NULL), ERR_TOO_NEW);
	ingest_ctx_free(&c);
	free(a);
	free(exp);
	store_close(st);
}

static void
test_verify(void **state)
{
	struct ingest_policy pol;
	struct ingest_ctx c;
	struct event ev;
	struct buf b, tmp;
	char	*a = tu_event(2, NOW, 1, "[]", "signed"), *bs, *off;
	uint8_t	 scratch[EVENT_SCRATCH(1024)];

	pol_none(&pol);
	ingest_ctx_init(&c);
	assert_int_equal(ingest_check(&c, &pol, NULL, a, strlen(a), NOW, &ev),
	    ERR_OK);
	assert_int_equal(ingest_verify(&ev), ERR_OK);
	/* One bit of the signature: the id still matches, the sig does not. */
	bs = bad_sig(a);
	assert_int_equal(ingest_check(&c, &pol, NULL, bs, strlen(bs), NOW,
	    &ev), ERR_OK);
	assert_int_equal(ingest_verify(&ev), ERR_BAD_SIG);
	/* A pubkey that is not on the curve (BIP-340 vector 5). */
	buf_init(&b, 0);
	buf_init(&tmp, 0);
	buf_puts(&b, "{\"id\":\"0000000000000000000000000000000000000000000000"
	    "000000000000000000\",\"pubkey\":\"eefdea4cdb677750a420fee807eacf2"
	    "1eb9898ae79b9768766e4faa04a2d4a34\",\"created_at\":1800000000,"
	    "\"kind\":1,\"tags\":[],\"content\":\"off curve\",\"sig\":\"");
	{
		int	 i;

		for (i = 0; i < 128; i++)
			buf_putc(&b, "0123456789abcdef"[i % 16]);
	}
	buf_puts(&b, "\"}");
	assert_int_equal(event_parse(b.p, b.len, NULL, &ev, scratch,
	    sizeof(scratch)), ERR_OK);
	event_compute_id(&ev, &tmp, ev.id);
	ev.raw = NULL;
	ev.raw_clean = false;
	buf_reset(&tmp);
	event_write_json(&ev, &tmp);
	off = strdup(tmp.p);
	assert_int_equal(ingest_check(&c, &pol, NULL, off, strlen(off), NOW,
	    &ev), ERR_OK);
	assert_int_equal(ingest_verify(&ev), ERR_PUBKEY_CURVE);
	ingest_ctx_free(&c);
	buf_free(&b);
	buf_free(&tmp);
	free(a);
	free(bs);
	free(off);
}

/* ingest_one stores into a real store, once, and only what verifies. */
static void
test_one_store(void **state)
{
	struct ingest_policy pol;
	struct ingest_ctx c;
	struct store *st = open_fresh();
	struct event ev;
	char	 tags[128], idhex[65];
	char	*a = tu_event(3, NOW, 1, "[]", "to store");
	char	*bs = bad_sig(a);
	char	*forged = replace(a, "to store", "to forge");
	char	*eph = tu_event(3, NOW, 20001, "[]", "ephemeral");
	char	*r1 = tu_event(3, NOW - 10, 0, "[]", "profile new");
	char	*r0 = tu_event(3, NOW - 20, 0, "[]", "profile old");
	char	*victim = tu_event(3, NOW - 5, 1, "[]", "to delete"), *del;
	uint8_t	 id[32];
	uint64_t n;

	pol_none(&pol);
	ingest_ctx_init(&c);
	tu_event_id(a, id);
	/* Bad signature or forged id: refused and not stored. */
	assert_int_equal(ingest_one(&c, &pol, st, bs, strlen(bs), NOW, &ev),
	    ERR_BAD_SIG);
	assert_false(store_has(st, id));
	assert_int_equal(ingest_one(&c, &pol, st, forged, strlen(forged), NOW,
	    NULL), ERR_ID_MISMATCH);
	assert_int_equal(store_event_count(st, &n), ERR_OK);
	assert_int_equal(n, 0);
	/* Without a store: checked and verified, stored nowhere. */
	assert_int_equal(ingest_one(&c, &pol, NULL, a, strlen(a), NOW, &ev),
	    ERR_OK);
	assert_false(store_has(st, id));
	/* Then stored once; ev holds the event. */
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(ingest_one(&c, &pol, st, a, strlen(a), NOW, &ev),
	    ERR_OK);
	assert_memory_equal(ev.id, id, 32);
	assert_true(store_has(st, id));
	assert_int_equal(ingest_one(&c, &pol, st, a, strlen(a), NOW, NULL),
	    ERR_DUPLICATE);
	/* The one that lost its signature cannot replace it either. */
	assert_int_equal(ingest_one(&c, &pol, st, bs, strlen(bs), NOW, NULL),
	    ERR_DUPLICATE);
	/* Ephemeral: verified, not stored. */
	assert_int_equal(ingest_one(&c, &pol, st, eph, strlen(eph), NOW,
	    NULL), ERR_EPHEMERAL);
	tu_event_id(eph, id);
	assert_false(store_has(st, id));
	/* Replaceable: an older version is answered, not stored. */
	assert_int_equal(ingest_one(&c, &pol, st, r1, strlen(r1), NOW, NULL),
	    ERR_OK);
	assert_int_equal(ingest_one(&c, &pol, st, r0, strlen(r0), NOW, NULL),
	    ERR_HAVE_NEWER);
	/* NIP-09: a deleted event cannot come back. */
	tu_event_id(victim, id);
	hex_encode(id, 32, idhex);
	snprintf(tags, sizeof(tags), "[[\"e\",\"%s\"]]", idhex);
	del = tu_event(3, NOW - 1, 5, tags, "");
	assert_int_equal(ingest_one(&c, &pol, st, del, strlen(del), NOW,
	    NULL), ERR_OK);
	assert_int_equal(ingest_one(&c, &pol, st, victim, strlen(victim), NOW,
	    NULL), ERR_DELETED);
	assert_false(store_has(st, id));
	assert_int_equal(store_event_count(st, &n), ERR_OK);
	assert_int_equal(n, 3);		/* a, r1, del */
	ingest_ctx_free(&c);
	free(a);
	free(bs);
	free(forged);
	free(eph);
	free(r1);
	free(r0);
	free(victim);
	free(del);
	store_close(st);
}

/* One context for events of very different sizes, in turn. */
static void
test_ctx_reuse(void **state)
{
	struct ingest_policy pol;
	struct ingest_ctx c;
	struct buf b;
	char	*big, *small;
	size_t	 bigsz;

	pol_none(&pol);
	ingest_ctx_init(&c);
	buf_init(&b, 0);
	while (b.len < 100000)
		buf_puts(&b, "0123456789");
	big = tu_event(1, NOW, 1, "[]", b.p);
	small = tu_event(1, NOW, 1, "[]", "small");
	assert_int_equal(ingest_one(&c, &pol, NULL, big, strlen(big), NOW,
	    NULL), ERR_OK);
	bigsz = c.scratchsz;
	assert_true(bigsz >= EVENT_SCRATCH(strlen(big)));
	/* A large scratch is given back after a small event. */
	assert_int_equal(ingest_one(&c, &pol, NULL, small, strlen(small), NOW,
	    NULL), ERR_OK);
	assert_true(c.scratchsz < bigsz);
	assert_int_equal(ingest_one(&c, &pol, NULL, big, strlen(big), NOW,
	    NULL), ERR_OK);
	ingest_ctx_free(&c);
	ingest_ctx_free(&c);		/* twice is harmless */
	buf_free(&b);
	free(big);
	free(small);
}

static void
test_tables(void **state)
{
	static const enum err parsed[] = {
		ERR_OK, ERR_ID_MISMATCH, ERR_DUPLICATE, ERR_EXPIRED,
		ERR_BAD_EXPIRATION, ERR_TOO_OLD, ERR_TOO_NEW, ERR_BAD_SIG,
		ERR_PUBKEY_CURVE, ERR_HAVE_NEWER, ERR_DELETED, ERR_EPHEMERAL,
		ERR_RATE, ERR_QUOTA, ERR_QUOTA_SOURCE, ERR_HELD, ERR_POW,
		ERR_MUTED, ERR_EVICTED, ERR_STORE_FULL, ERR_DISK_LOW,
		ERR_WITNESS_LABEL, ERR_WITNESS_MARK,
		ERR_WITNESS_VOUCH, ERR_WITNESS_SELF, ERR_WITNESS_COMMENT,
		ERR_WITNESS_PENDING,
	};
	/* Held: stored here, answered OK true (not yet passed on). */
	static const enum err accepted[] = {
		ERR_OK, ERR_DUPLICATE, ERR_HAVE_NEWER, ERR_EPHEMERAL, ERR_HELD,
	};
	int	 e;
	size_t	 i;
	bool	 want;

	for (e = 0; e < ERR__COUNT; e++) {
		want = false;
		for (i = 0; i < sizeof(parsed) / sizeof(parsed[0]); i++)
			want |= parsed[i] == (enum err)e;
		if (ingest_parsed((enum err)e) != want)
			fail_msg("ingest_parsed(%s) is %d", err_name(e), !want);
		want = false;
		for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++)
			want |= accepted[i] == (enum err)e;
		if (ingest_accepted((enum err)e) != want)
			fail_msg("ingest_accepted(%s) is %d", err_name(e),
			    !want);
	}
}

TU_TMPDIR_FIXTURE(dbdir)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_ok_and_fields),
		cmocka_unit_test(test_check_size_first),
		cmocka_unit_test(test_check_parse_errors),
		cmocka_unit_test(test_check_id_mismatch),
		cmocka_unit_test(test_check_expiration),
		cmocka_unit_test(test_check_window),
		cmocka_unit_test(test_check_duplicate),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_one_store),
		cmocka_unit_test(test_ctx_reuse),
		cmocka_unit_test(test_tables),
	};

	crypto_init();
	return cmocka_run_group_tests_name("ingest", tests, setup, teardown);
}
