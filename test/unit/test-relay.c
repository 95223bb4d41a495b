/*
 * test-relay.c: the relay engine of src/relay/ (relay.h) over a real
 * store in a temporary directory, driven by scripted connections: bytes
 * in with relay_conn_rx, whole or in fragments; what it queued out with
 * relay_conn_next, every frame parsed with msg_parse as a client reads
 * it; relay_flush and relay_poll for the group commit.  There are no
 * verify threads (relay_io.wake is NULL), so signatures are checked in
 * the loop and every answer is there when the call returns.
 */
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#include "hll.h"
#include "message.h"
#include "negentropy.h"
#include "nip42.h"
#include "relay.h"
#include "store.h"

static char dbdir[] = "/tmp/samizdat-test-relay-XXXXXX";
static int dbseq;

/*
 * What the transport was asked: a writable callback, for which cookie;
 * to stop or resume reading (paused: the last answer).
 */
struct io_rec {
	unsigned	 calls;
	void		*cookie;
	unsigned	 pauses;
	bool		 paused;
};

static void
pause_rx(void *arg, void *cookie, bool on)
{
	struct io_rec *io = arg;

	io->pauses++;
	io->paused = on;
}

static void
want_write(void *arg, void *cookie)
{
	struct io_rec *io = arg;

	io->calls++;
	io->cookie = cookie;
}

/* What the mesh's hooks heard. */
struct hooks_rec {
	unsigned	 authed, closed;
	uint8_t		 pubkey[32];
	uint64_t	 conn;
};

static void
hook_authed(void *arg, uint64_t conn, const uint8_t pk[32], const char *peer)
{
	struct hooks_rec *h = arg;

	h->authed++;
	h->conn = conn;
	memcpy(h->pubkey, pk, 32);
}

static void
hook_closed(void *arg, uint64_t conn)
{
	struct hooks_rec *h = arg;

	h->closed++;
	h->conn = conn;
}

struct world {
	struct store	*st;
	struct relay	*r;
	struct relay_limits lim;
	struct io_rec	 io;
	struct hooks_rec hk;
};

static void
limits_default(struct relay_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->max_message_length = 131072;
	l->max_subscriptions = 4;
	l->max_filters = 3;
	l->max_limit = 100;
	l->default_limit = 50;
	l->max_subid_length = 64;
	l->events_per_minute = 0;
	l->node_events_per_minute = 0;
	l->max_output_buffer = 4 << 20;
	l->negentropy = true;
	l->max_neg_sessions = 2;
	l->max_sync_events = 25;
	l->pol.max_past = 94608000;
	l->pol.max_future = 900;
}

/* The verify threads' wake-up: the tests poll instead. */
static void
wake_noop(void *arg)
{
	(void)arg;
}

static struct world *
w_open_with(const struct relay_limits *lim, bool pool)
{
	struct world *w = calloc(1, sizeof(*w));
	struct relay_io io;
	struct relay_hooks hooks;
	char	 path[300];

	assert_non_null(w);
	snprintf(path, sizeof(path), "%s/db%d", dbdir, dbseq++);
	assert_int_equal(store_open(&w->st, path, 0), ERR_OK);
	if (lim != NULL)
		w->lim = *lim;
	else
		limits_default(&w->lim);
	memset(&io, 0, sizeof(io));
	io.arg = &w->io;
	io.want_write = want_write;
	io.wake = pool ? wake_noop : NULL;	/* NULL: no verify threads */
	io.pause = pause_rx;
	assert_int_equal(relay_new(&w->r, w->st, &w->lim, &io), ERR_OK);
	memset(&hooks, 0, sizeof(hooks));
	hooks.authed = hook_authed;
	hooks.closed = hook_closed;
	relay_hooks_set(w->r, &hooks, &w->hk);
	return w;
}

static struct world *
w_open(const struct relay_limits *lim)
{
	return w_open_with(lim, false);
}

static void
w_close(struct world *w)
{
	relay_free(w->r);
	store_close(w->st);
	free(w);
}

static uint64_t
conn(struct world *w, void *cookie)
{
	uint64_t id = relay_conn_open(w->r, cookie, "test");

	assert_true(id != 0);
	return id;
}

static void
send_n(struct world *w, uint64_t c, const char *s, size_t n)
{
	assert_true(relay_conn_rx(w->r, c, s, n, true, true));
}

static void
send_s(struct world *w, uint64_t c, const char *s)
{
	send_n(w, c, s, strlen(s));
}

static void
send_event(struct world *w, uint64_t c, const char *ev)
{
	struct buf b;

	buf_init(&b, 0);
	msg_publish(&b, ev, strlen(ev));
	assert_false(b.err);
	send_n(w, c, b.p, b.len);
	buf_free(&b);
}

/* Frames taken off a connection, each parsed as a client reads it. */
struct frames {
	size_t		 n;
	char		*raw[2048];
	size_t		 len[2048];
	struct msg	*m;
	bool		 close_after[2048];
};

static struct frames *
take(struct world *w, uint64_t c)
{
	struct frames *f = calloc(1, sizeof(*f));
	char	*p;
	size_t	 len;
	bool	 ca;
	enum err e;

	assert_non_null(f);
	f->m = calloc(2048, sizeof(*f->m));
	assert_non_null(f->m);
	/* Read everything, and stored answers stream as it is read. */
	while (relay_conn_next(w->r, c, &p, &len, &ca) ||
	    (relay_refill(w->r), relay_conn_next(w->r, c, &p, &len, &ca))) {
		assert_true(f->n < 2048);
		f->raw[f->n] = malloc(len);
		assert_non_null(f->raw[f->n]);
		memcpy(f->raw[f->n], p, len);
		f->len[f->n] = len;
		f->close_after[f->n] = ca;
		e = msg_parse(f->raw[f->n], len, MSG_FROM_RELAY,
		    MSG_MAX_SUBID * 4, &f->m[f->n]);
		if (e != ERR_OK)
			fail_msg("the relay sent %s: %.*s", err_name(e),
			    (int)(len > 200 ? 200 : len), f->raw[f->n]);
		f->n++;
	}
	assert_int_equal(relay_conn_queued(w->r, c), 0);
	return f;
}

static void
frames_free(struct frames *f)
{
	size_t	 i;

	for (i = 0; i < f->n; i++) {
		msg_free(&f->m[i]);
		free(f->raw[i]);
	}
	free(f->m);
	free(f);
}

/* Nothing is waiting for c. */
static void
expect_none(struct world *w, uint64_t c)
{
	struct frames *f = take(w, c);

	if (f->n > 0)
		fail_msg("unexpected %zu frames, first %.*s", f->n,
		    (int)f->len[0], f->raw[0]);
	frames_free(f);
}

static bool
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Frame i is OK for ev's id, with ok and a reason starting with prefix. */
static void
expect_ok(struct frames *f, size_t i, const char *ev, bool ok,
    const char *prefix)
{
	uint8_t	 id[32];

	assert_true(i < f->n);
	assert_int_equal(f->m[i].verb, MSG_OK);
	if (ev != NULL) {
		tu_event_id(ev, id);
		assert_memory_equal(f->m[i].id, id, 32);
	}
	assert_int_equal(f->m[i].ok, ok);
	if (prefix[0] == '\0')
		assert_string_equal(f->m[i].text, "");
	else if (!starts(f->m[i].text, prefix))
		fail_msg("reason \"%s\", want \"%s...\"", f->m[i].text, prefix);
}

static void
expect_verb(struct frames *f, size_t i, enum msg_verb v, const char *subid)
{
	assert_true(i < f->n);
	if (f->m[i].verb != v)
		fail_msg("frame %zu is %.*s, want %s", i, (int)f->len[i],
		    f->raw[i], msg_verb_name(v));
	if (subid != NULL)
		assert_string_equal(f->m[i].subid, subid);
}

static void
expect_text(struct frames *f, size_t i, enum msg_verb v, const char *prefix)
{
	expect_verb(f, i, v, NULL);
	if (!starts(f->m[i].text, prefix))
		fail_msg("text \"%s\", want \"%s...\"", f->m[i].text, prefix);
}

/* Frame i is EVENT on subid carrying exactly ev. */
static void
expect_event(struct frames *f, size_t i, const char *subid, const char *ev)
{
	expect_verb(f, i, MSG_EVENT, subid);
	assert_int_equal(f->m[i].eventlen, strlen(ev));
	assert_memory_equal(f->m[i].event, ev, strlen(ev));
}

static uint64_t
now_s(void)
{
	return (uint64_t)time(NULL);
}

static bool
stored(struct world *w, const char *ev)
{
	uint8_t	 id[32];

	tu_event_id(ev, id);
	return store_has(w->st, id);
}

/* Publishes ev on c and commits; the OK must be true. */
static void
publish(struct world *w, uint64_t c, const char *ev)
{
	struct frames *f;

	send_event(w, c, ev);
	relay_poll(w->r);
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_ok(f, 0, ev, true, "");
	frames_free(f);
}

/* ------------------------------------------------------------------ */

/* OK true only once the event is committed. */
static void
test_ok_after_commit(void **state)
{
	struct world *w = w_open(NULL);
	int	 cookie = 7;
	uint64_t c = conn(w, &cookie);
	char	*a = tu_event(1, now_s(), 1, "[]", "first");
	char	*b = tu_event(1, now_s(), 1, "[]", "second");
	struct frames *f;
	int	 ms;

	assert_int_equal(relay_conn_count(w->r), 1);
	send_event(w, c, a);
	/* Stored in the open transaction, not answered yet. */
	assert_int_equal(relay_conn_queued(w->r, c), 0);
	assert_int_equal(w->io.calls, 0);
	/*
	 * A young transaction waits (unless this machine took longer than
	 * RELAY_COMMIT_MS to get here); once it is that old, flush commits.
	 */
	ms = relay_flush(w->r);
	if (ms != -1) {
		assert_true(ms > 0 && ms <= RELAY_COMMIT_MS);
		expect_none(w, c);
		usleep((RELAY_COMMIT_MS + 2) * 1000);
		assert_int_equal(relay_flush(w->r), -1);
	}
	assert_int_equal(w->io.calls, 1);
	assert_ptr_equal(w->io.cookie, &cookie);
	assert_true(relay_conn_queued(w->r, c) > 0);
	assert_true(relay_queued_total(w->r) > 0);
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_ok(f, 0, a, true, "");
	assert_false(f->close_after[0]);
	frames_free(f);
	assert_true(stored(w, a));
	/* Nothing pending: flush is cheap and says so. */
	assert_int_equal(relay_flush(w->r), -1);
	/* relay_poll commits at once. */
	send_event(w, c, b);
	expect_none(w, c);
	relay_poll(w->r);
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_ok(f, 0, b, true, "");
	frames_free(f);
	assert_int_equal(w->io.calls, 2);
	/* A second copy is answered at once: it is a duplicate. */
	send_event(w, c, b);
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_ok(f, 0, b, true, "duplicate:");
	frames_free(f);
	relay_conn_close(w->r, c);
	assert_int_equal(w->hk.closed, 1);
	assert_int_equal(relay_conn_count(w->r), 0);
	assert_false(relay_conn_rx(w->r, c, "[]", 2, true, true));
	free(a);
	free(b);
	w_close(w);
}

/* Milliseconds since start (CLOCK_MONOTONIC). */
static uint64_t
ms_since(const struct timespec *start)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)(ts.tv_sec - start->tv_sec) * 1000 +
	    (uint64_t)((ts.tv_nsec - start->tv_nsec) / 1000000);
}

/*
 * Right after a commit of RELAY_BURST events the next transaction may stay
 * open for RELAY_BURST_MS while events keep coming, and is committed as
 * soon as a turn brings nothing new; once the burst is over, the window is
 * RELAY_COMMIT_MS again.
 */
/* The one frame waiting for c is OK true for ev. */
static void
expect_one_ok(struct world *w, uint64_t c, const char *ev)
{
	struct frames *f = take(w, c);

	assert_int_equal(f->n, 1);
	expect_ok(f, 0, ev, true, "");
	frames_free(f);
}

static void
burst(struct world *w, uint64_t c, const char *tag)
{
	char	 content[32], *ev;
	int	 i;

	for (i = 0; i < RELAY_BURST; i++) {
		snprintf(content, sizeof(content), "%s %d", tag, i);
		ev = tu_event(1, now_s(), 1, "[]", content);
		send_event(w, c, ev);
		free(ev);
	}
	relay_poll(w->r);		/* commits them at once */
	frames_free(take(w, c));
}

static void
test_burst_window(void **state)
{
	struct world *w = w_open(NULL);
	uint64_t c = conn(w, NULL);
	struct timespec t0;
	struct frames *f;
	char	 content[32], *ev;
	int	 i, ms;

	burst(w, c, "burst");
	/* A turn that stored something: not yet, look again in a moment. */
	ev = tu_event(1, now_s(), 1, "[]", "in the burst");
	send_event(w, c, ev);
	ms = relay_flush(w->r);
	assert_true(ms >= 0 && ms <= 1);
	expect_none(w, c);
	/* A turn with nothing new: committed and answered. */
	relay_flush(w->r);
	expect_one_ok(w, c, ev);
	free(ev);

	/* Events that keep coming wait out RELAY_BURST_MS, not 10 ms. */
	burst(w, c, "again");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; ms_since(&t0) < RELAY_BURST_MS + 1000; i++) {
		snprintf(content, sizeof(content), "stream %d", i);
		ev = tu_event(1, now_s(), 1, "[]", content);
		send_event(w, c, ev);
		free(ev);
		relay_flush(w->r);
		f = take(w, c);
		if (f->n > 0) {
			frames_free(f);
			break;
		}
		frames_free(f);
		usleep(1000);
	}
	assert_true(ms_since(&t0) >= RELAY_BURST_MS - 5);
	assert_true(ms_since(&t0) < RELAY_BURST_MS + 1000);
	relay_poll(w->r);
	frames_free(take(w, c));

	/* One event committed: the next transaction has the short window. */
	ev = tu_event(1, now_s(), 1, "[]", "one");
	send_event(w, c, ev);
	relay_poll(w->r);
	frames_free(take(w, c));
	free(ev);
	ev = tu_event(1, now_s(), 1, "[]", "after one");
	send_event(w, c, ev);
	ms = relay_flush(w->r);
	assert_true(ms <= RELAY_COMMIT_MS);
	free(ev);
	relay_poll(w->r);
	frames_free(take(w, c));

	/* Another burst, then a quiet while: the short window too. */
	burst(w, c, "later");
	usleep((RELAY_BURST_MS + 5) * 1000);
	ev = tu_event(1, now_s(), 1, "[]", "after a while");
	send_event(w, c, ev);
	ms = relay_flush(w->r);
	/* Waiting (unless this machine took 10 ms to get here). */
	if (ms != -1) {
		assert_true(ms <= RELAY_COMMIT_MS);
		expect_none(w, c);
	}
	relay_poll(w->r);
	expect_one_ok(w, c, ev);
	free(ev);
	w_close(w);
}

/*
 * With verify threads, more EVENTs than the ring holds (1024) before the
 * loop turns: each is stored once and answered OK true.
 */
static void
test_full_ring(void **state)
{
	enum { N = 1500 };
	struct world *w = w_open_with(NULL, true);
	uint64_t c = conn(w, NULL);
	struct frames *f;
	char	 content[32], **evs = calloc(N, sizeof(*evs));
	size_t	 got = 0, i, j;
	int	 tries;

	assert_non_null(evs);
	for (i = 0; i < N; i++) {
		snprintf(content, sizeof(content), "ring %zu", i);
		evs[i] = tu_event(1 + (int)(i % 7), now_s(), 1, "[]", content);
		send_event(w, c, evs[i]);
	}
	/* Bounded: 30 s at most. */
	for (tries = 0; got < N && tries < 15000; tries++) {
		relay_poll(w->r);
		f = take(w, c);
		for (j = 0; j < f->n; j++)
			expect_ok(f, j, NULL, true, "");
		got += f->n;
		frames_free(f);
		if (got < N)
			usleep(2000);
	}
	assert_int_equal(got, N);
	for (i = 0; i < N; i++) {
		assert_true(stored(w, evs[i]));
		free(evs[i]);
	}
	free(evs);
	w_close(w);
}

/* REQ: stored events newest first, EOSE, then live ones. */
static void
test_req_live(void **state)
{
	struct world *w = w_open(NULL);
	uint64_t pub = conn(w, NULL), sub = conn(w, NULL);
	uint64_t t = now_s();
	char	*e1 = tu_event(1, t - 30, 1, "[]", "one");
	char	*e2 = tu_event(2, t - 20, 1, "[]", "two");
	char	*e3 = tu_event(3, t - 10, 1, "[]", "three");
	char	*r7 = tu_event(3, t - 5, 7, "[]", "+");
	char	*live = tu_event(2, t, 1, "[]", "live");
	char	*live7 = tu_event(2, t, 7, "[]", "-");
	struct frames *f;

	publish(w, pub, e1);
	publish(w, pub, e2);
	publish(w, pub, e3);
	publish(w, pub, r7);
	send_s(w, sub, "[\"REQ\",\"all\",{\"kinds\":[1]}]");
	f = take(w, sub);
	assert_int_equal(f->n, 4);
	expect_event(f, 0, "all", e3);
	expect_event(f, 1, "all", e2);
	expect_event(f, 2, "all", e1);
	expect_verb(f, 3, MSG_EOSE, "all");
	frames_free(f);
	/* limit: the newest n. */
	send_s(w, sub, "[\"REQ\",\"two\",{\"kinds\":[1],\"limit\":2},"
	    "{\"kinds\":[7],\"limit\":0}]");
	f = take(w, sub);
	assert_int_equal(f->n, 3);
	expect_event(f, 0, "two", e3);
	expect_event(f, 1, "two", e2);
	expect_verb(f, 2, MSG_EOSE, "two");
	frames_free(f);
	/* A new event reaches every live subscription it matches, once. */
	publish(w, pub, live);
	f = take(w, sub);
	assert_int_equal(f->n, 2);
	expect_event(f, 0, NULL, live);
	expect_event(f, 1, NULL, live);
	assert_string_not_equal(f->m[0].subid, f->m[1].subid);
	frames_free(f);
	/* The kind 7 filter of "two" is live too, without its limit 0. */
	publish(w, pub, live7);
	f = take(w, sub);
	assert_int_equal(f->n, 1);
	expect_event(f, 0, "two", live7);
	frames_free(f);
	/* The publisher has no subscription: it gets only its OKs. */
	expect_none(w, pub);
	free(e1);
	free(e2);
	free(e3);
	free(r7);
	free(live);
	free(live7);
	w_close(w);
}

/* A REQ commits what the same turn stored, and answers in order. */
static void
test_req_sees_own_turn(void **state)
{
	struct world *w = w_open(NULL);
	uint64_t c = conn(w, NULL);
	char	*a = tu_event(1, now_s(), 1, "[]", "just now");
	struct frames *f;

	send_event(w, c, a);
	send_s(w, c, "[\"REQ\",\"s\",{}]");
	f = take(w, c);
	assert_int_equal(f->n, 3);
	expect_ok(f, 0, a, true, "");
	expect_event(f, 1, "s", a);
	expect_verb(f, 2, MSG_EOSE, "s");
	frames_free(f);
	/* Delivered once: not again as a live event after the REQ. */
	relay_poll(w->r);
	expect_none(w, c);
	free(a);
	w_close(w);
}

/* default_limit and max_limit. */
static void
test_req_limits(void **state)
{
	struct relay_limits lim;
	struct world *w;
	uint64_t c;
	struct frames *f;
	char	*ev;
	int	 i;

	limits_default(&lim);
	lim.default_limit = 3;
	lim.max_limit = 5;
	w = w_open(&lim);
	c = conn(w, NULL);
	for (i = 0; i < 8; i++) {
		ev = tu_event(1, now_s() - 100 + (uint64_t)i, 1, "[]", "n");
		publish(w, c, ev);
		free(ev);
	}
	send_s(w, c, "[\"REQ\",\"d\",{}]");
	f = take(w, c);
	assert_int_equal(f->n, 4);		/* default_limit 3, EOSE */
	frames_free(f);
	send_s(w, c, "[\"REQ\",\"m\",{\"limit\":1000}]");
	f = take(w, c);
	assert_int_equal(f->n, 6);		/* max_limit 5, EOSE */
	expect_verb(f, 5, MSG_EOSE, "m");
	frames_free(f);
	w_close(w);
}

/*
 * A REQ's stored answer streams as the client reads: never more than the
 * high-water mark queued, every match up to the limit, then EOSE; what is
 * stored meanwhile comes after EOSE, once.
 */
static void
test_req_streams(void **state)
{
	struct relay_limits lim;
	struct world *w;
	uint64_t c, pub;
	struct frames *f;
	struct buf content;
	char	*ev, *late, *p;
	size_t	 len, i, n = 0, queued;
	bool	 ca;
	int	 k;

	limits_default(&lim);
	lim.max_output_buffer = 4096;
	w = w_open(&lim);
	c = conn(w, NULL);
	pub = conn(w, NULL);
	buf_init(&content, 0);
	while (content.len < 900)
		buf_puts(&content, "stored stored. ");
	for (k = 0; k < 60; k++) {
		content.p[0] = (char)('A' + k);
		ev = tu_event(1, now_s() - 100 + (uint64_t)k, 1, "[]",
		    content.p);
		publish(w, pub, ev);
		free(ev);
	}
	frames_free(take(w, pub));
	send_s(w, c, "[\"REQ\",\"s\",{\"limit\":50}]");
	/* Not read yet: at most the high-water mark (and one event) queued. */
	queued = relay_conn_queued(w->r, c);
	assert_true(queued > 0 && queued <= 4096 + 1200);
	/* A live event while it streams. */
	late = tu_event(2, now_s(), 1, "[]", "stored while streaming");
	publish(w, pub, late);
	relay_poll(w->r);
	frames_free(take(w, pub));
	assert_true(relay_conn_queued(w->r, c) <= 4096 + 1200);
	/* Read a frame at a time: the queue never grows past the mark. */
	while (relay_conn_next(w->r, c, &p, &len, &ca) ||
	    (relay_refill(w->r), relay_conn_next(w->r, c, &p, &len, &ca))) {
		struct msg m;

		assert_int_equal(msg_parse(p, len, MSG_FROM_RELAY, 64, &m),
		    ERR_OK);
		assert_true(relay_conn_queued(w->r, c) <= 4096 + 1200);
		if (n < 50) {
			assert_int_equal(m.verb, MSG_EVENT);
			/* Newest first: 'A' + 59 down to 'A' + 10. */
			assert_non_null(strstr(p, "\"content\":\""));
			assert_int_equal(strstr(p, "\"content\":\"")[11],
			    (char)('A' + 59 - (int)n));
		} else if (n == 50)
			assert_int_equal(m.verb, MSG_EOSE);
		else {
			assert_int_equal(m.verb, MSG_EVENT);
			assert_non_null(strstr(p, "stored while streaming"));
		}
		msg_free(&m);
		n++;
	}
	assert_int_equal(n, 52);
	/* Live now: the next event comes at once. */
	free(late);
	late = tu_event(2, now_s(), 1, "[]", "live");
	publish(w, pub, late);
	relay_poll(w->r);
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_EVENT, "s");
	frames_free(f);
	/* CLOSE while streaming ends it: nothing more comes. */
	send_s(w, c, "[\"REQ\",\"t\",{}]");
	send_s(w, c, "[\"CLOSE\",\"t\"]");
	f = take(w, c);
	for (i = 0; i < f->n; i++)
		expect_verb(f, i, MSG_EVENT, "t");
	assert_true(f->n < 60);
	frames_free(f);
	free(late);
	buf_free(&content);
	w_close(w);
}

static void
test_count(void **state)
{
	struct world *w = w_open(NULL);
	uint64_t c = conn(w, NULL);
	uint64_t t = now_s();
	char	*note = tu_event(1, t - 50, 1, "[]", "note");
	char	 idhex[65], tags[128];
	char	*react[4], *other;
	uint8_t	 id[32], reg[256], pk[32];
	struct frames *f;
	unsigned off;
	int	 i;

	publish(w, c, note);
	tu_event_id(note, id);
	hex_encode(id, 32, idhex);
	snprintf(tags, sizeof(tags), "[[\"e\",\"%s\"]]", idhex);
	/* Three authors react, one of them twice. */
	for (i = 0; i < 4; i++) {
		react[i] = tu_event(2 + i % 3, t - 40 + (uint64_t)i, 7, tags,
		    i == 3 ? "again" : "+");
		publish(w, c, react[i]);
	}
	other = tu_event(5, t - 30, 7, "[]", "+");
	publish(w, c, other);

	send_s(w, c, "[\"COUNT\",\"all\",{}]");
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_COUNT, "all");
	assert_int_equal(f->m[0].count, 6);
	assert_false(f->m[0].has_hll);
	frames_free(f);
	/* Several filters: distinct events, limits ignored. */
	send_s(w, c, "[\"COUNT\",\"two\",{\"kinds\":[1]},{\"kinds\":[7],"
	    "\"limit\":1},{\"kinds\":[1,7]}]");
	f = take(w, c);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->m[0].count, 6);
	assert_false(f->m[0].has_hll);
	frames_free(f);
	/* One kind and one tag value: the NIP-45 registers of the authors. */
	{
		struct buf b;

		buf_init(&b, 0);
		buf_printf(&b, "[\"COUNT\",\"h\",{\"kinds\":[7],\"#e\":"
		    "[\"%s\"]}]", idhex);
		send_n(w, c, b.p, b.len);
		buf_free(&b);
	}
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_COUNT, "h");
	assert_int_equal(f->m[0].count, 4);
	assert_true(f->m[0].has_hll);
	memset(reg, 0, sizeof(reg));
	off = hll_offset(idhex, 64);
	for (i = 0; i < 4; i++) {
		uint8_t	 sk[32];

		tu_seckey(2 + i % 3, sk);
		crypto_pubkey(sk, pk);
		hll_add(reg, pk, off);
	}
	assert_memory_equal(f->m[0].hll, reg, 256);
	assert_int_equal(hll_estimate(f->m[0].hll), 3);
	frames_free(f);
	/* Two values, or no tag: no registers. */
	send_s(w, c, "[\"COUNT\",\"k\",{\"kinds\":[7]}]");
	f = take(w, c);
	assert_int_equal(f->m[0].count, 5);
	assert_false(f->m[0].has_hll);
	frames_free(f);
	/* Refusals are CLOSED on the id. */
	send_s(w, c, "[\"COUNT\",\"bad\",{\"foo\":1}]");
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_text(f, 0, MSG_CLOSED, "unsupported:");
	assert_string_equal(f->m[0].subid, "bad");
	frames_free(f);
	send_s(w, c, "[\"COUNT\",\"none\"]");
	f = take(w, c);
	expect_text(f, 0, MSG_CLOSED, "invalid: at least one filter");
	frames_free(f);
	/* COUNT opens no subscription. */
	relay_poll(w->r);
	expect_none(w, c);
	free(note);
	for (i = 0; i < 4; i++)
		free(react[i]);
	free(other);
	w_close(w);
}

/* CLOSE ends a subscription; a REQ with a live id replaces it. */
static void
test_close_replace(void **state)
{
	struct world *w = w_open(NULL);
	uint64_t pub = conn(w, NULL), sub = conn(w, NULL);
	char	*k1 = tu_event(1, now_s(), 1, "[]", "k1");
	char	*k7 = tu_event(1, now_s(), 7, "[]", "k7");
	char	*k1b = tu_event(1, now_s(), 1, "[]", "k1b");
	struct frames *f;
	int	 i;

	send_s(w, sub, "[\"REQ\",\"s\",{\"kinds\":[1]}]");
	f = take(w, sub);
	expect_verb(f, 0, MSG_EOSE, "s");
	frames_free(f);
	send_s(w, sub, "[\"CLOSE\",\"s\"]");
	expect_none(w, sub);		/* no answer to CLOSE */
	publish(w, pub, k1);
	expect_none(w, sub);
	/* Closing what is not open is no error either. */
	send_s(w, sub, "[\"CLOSE\",\"never\"]");
	expect_none(w, sub);
	/* Replacement: no CLOSED, the new filters only. */
	send_s(w, sub, "[\"REQ\",\"s\",{\"kinds\":[1],\"limit\":0}]");
	f = take(w, sub);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_EOSE, "s");
	frames_free(f);
	send_s(w, sub, "[\"REQ\",\"s\",{\"kinds\":[7]}]");
	f = take(w, sub);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_EOSE, "s");
	frames_free(f);
	publish(w, pub, k1b);
	expect_none(w, sub);
	publish(w, pub, k7);
	f = take(w, sub);
	assert_int_equal(f->n, 1);
	expect_event(f, 0, "s", k7);
	frames_free(f);
	/* A REQ that fails still ends the subscription it replaces. */
	send_s(w, sub, "[\"REQ\",\"s\",{\"kinds\":\"7\"}]");
	f = take(w, sub);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_CLOSED, "s");
	expect_text(f, 0, MSG_CLOSED, "invalid:");
	frames_free(f);
	{
		char	*k7b = tu_event(1, now_s(), 7, "[]", "k7b");

		publish(w, pub, k7b);
		expect_none(w, sub);
		free(k7b);
	}
	/* Replacing at the subscription limit is allowed. */
	for (i = 0; i < 3; i++) {
		char	 m[64];

		snprintf(m, sizeof(m), "[\"REQ\",\"x%d\",{\"limit\":0}]", i);
		send_s(w, sub, m);
	}
	f = take(w, sub);
	assert_int_equal(f->n, 3);
	frames_free(f);
	send_s(w, sub, "[\"REQ\",\"s\",{\"limit\":0}]");
	f = take(w, sub);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_EOSE, "s");
	frames_free(f);
	free(k1);
	free(k7);
	free(k1b);
	w_close(w);
}

/*
 * Whatever commits the open transaction delivers what it held: a COUNT
 * or a NEG-OPEN from another client commits it first, and the live
 * subscriptions get the events with the next relay_flush.
 */
static void
test_commit_delivers(void **state)
{
	struct world *w = w_open(NULL);
	uint64_t pub = conn(w, NULL), sub = conn(w, NULL), q = conn(w, NULL);
	static const char *committers[] = {
		"[\"COUNT\",\"c\",{}]",
		"[\"NEG-OPEN\",\"n\",{\"kinds\":[7]},\"61\"]",
	};
	struct frames *f;
	char	*ev, txt[32];
	size_t	 i;

	send_s(w, sub, "[\"REQ\",\"live\",{\"kinds\":[1]}]");
	frames_free(take(w, sub));
	for (i = 0; i < 2; i++) {
		snprintf(txt, sizeof(txt), "committed by %zu", i);
		ev = tu_event(1, now_s(), 1, "[]", txt);
		send_event(w, pub, ev);
		expect_none(w, pub);
		send_s(w, q, committers[i]);
		f = take(w, q);
		assert_int_equal(f->n, 1);
		frames_free(f);
		/* Committed: the OK is out ... */
		f = take(w, pub);
		assert_int_equal(f->n, 1);
		expect_ok(f, 0, ev, true, "");
		frames_free(f);
		/* ... and the next flush delivers it, without waiting. */
		relay_flush(w->r);
		f = take(w, sub);
		assert_int_equal(f->n, 1);
		expect_event(f, 0, "live", ev);
		frames_free(f);
		free(ev);
	}
	w_close(w);
}

/* The limits on messages, subscriptions and filters. */
static void
test_limits(void **state)
{
	struct world *w = w_open(NULL);
	uint64_t c = conn(w, NULL);
	struct frames *f;
	struct buf b;
	char	 m[512];
	int	 i;

	for (i = 0; i < 4; i++) {
		snprintf(m, sizeof(m), "[\"REQ\",\"s%d\",{\"limit\":0}]", i);
		send_s(w, c, m);
	}
	f = take(w, c);
	assert_int_equal(f->n, 4);
	frames_free(f);
	send_s(w, c, "[\"REQ\",\"s4\",{}]");
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_CLOSED, "s4");
	expect_text(f, 0, MSG_CLOSED, "blocked:");
	assert_non_null(strstr(f->m[0].text, "at most 4"));
	frames_free(f);
	/* After a CLOSE there is room again. */
	send_s(w, c, "[\"CLOSE\",\"s0\"]");
	send_s(w, c, "[\"REQ\",\"s4\",{\"limit\":0}]");
	f = take(w, c);
	expect_verb(f, 0, MSG_EOSE, "s4");
	frames_free(f);
	send_s(w, c, "[\"CLOSE\",\"s4\"]");
	/* Too many filters; no filter; a filter not an object or unknown. */
	send_s(w, c, "[\"REQ\",\"f\",{},{},{},{}]");
	f = take(w, c);
	expect_verb(f, 0, MSG_CLOSED, "f");
	expect_text(f, 0, MSG_CLOSED, "invalid: too many filters");
	frames_free(f);
	send_s(w, c, "[\"REQ\",\"f\"]");
	f = take(w, c);
	expect_text(f, 0, MSG_CLOSED, "invalid: at least one filter");
	frames_free(f);
	send_s(w, c, "[\"REQ\",\"f\",{},5]");
	f = take(w, c);
	expect_verb(f, 0, MSG_CLOSED, "f");
	expect_text(f, 0, MSG_CLOSED, "invalid: filters must be JSON objects");
	frames_free(f);
	send_s(w, c, "[\"REQ\",\"f\",{\"ids\":[\"ABC\"]}]");
	f = take(w, c);
	expect_text(f, 0, MSG_CLOSED, "invalid: ids, authors");
	frames_free(f);
	send_s(w, c, "[\"REQ\",\"f\",{\"#alt\":[\"x\"]}]");
	f = take(w, c);
	expect_text(f, 0, MSG_CLOSED, "unsupported: unknown filter key");
	frames_free(f);
	/* A failed REQ opened nothing: the limit still has room for 1. */
	send_s(w, c, "[\"REQ\",\"ok\",{\"limit\":0}]");
	f = take(w, c);
	expect_verb(f, 0, MSG_EOSE, "ok");
	frames_free(f);
	/* Subscription ids: 1 to max_subid_length bytes; NOTICE if not. */
	buf_init(&b, 0);
	buf_puts(&b, "[\"REQ\",\"");
	for (i = 0; i < 65; i++)
		buf_putc(&b, 'a');
	buf_puts(&b, "\",{}]");
	send_n(w, c, b.p, b.len);
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_text(f, 0, MSG_NOTICE, "invalid:");
	assert_non_null(strstr(f->m[0].text, "REQ"));
	assert_non_null(strstr(f->m[0].text, "64"));
	frames_free(f);
	send_s(w, c, "[\"REQ\",\"\",{}]");
	f = take(w, c);
	expect_text(f, 0, MSG_NOTICE, "invalid:");
	frames_free(f);
	send_s(w, c, "[\"CLOSE\",5]");
	f = take(w, c);
	expect_text(f, 0, MSG_NOTICE, "invalid:");
	frames_free(f);
	/* Not a message, an unknown verb, a relay's verb. */
	send_s(w, c, "{\"REQ\":1}");
	f = take(w, c);
	expect_text(f, 0, MSG_NOTICE, "invalid: message is not a JSON array");
	frames_free(f);
	send_s(w, c, "[\"FOO\",1]");
	f = take(w, c);
	expect_text(f, 0, MSG_NOTICE, "invalid: unknown message type");
	assert_non_null(strstr(f->m[0].text, "'FOO'"));
	frames_free(f);
	send_s(w, c, "[\"EOSE\",\"x\"]");
	f = take(w, c);
	expect_text(f, 0, MSG_NOTICE, "invalid: unknown message type");
	frames_free(f);
	/* Exactly max_message_length bytes is fine, one more is not. */
	buf_reset(&b);
	buf_puts(&b, "[\"REQ\",\"ok\",{\"limit\":0}");
	while (b.len < w->lim.max_message_length - 1)
		buf_putc(&b, ' ');
	buf_putc(&b, ']');
	assert_int_equal(b.len, w->lim.max_message_length);
	send_n(w, c, b.p, b.len);
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_EOSE, "ok");
	frames_free(f);
	b.p[b.len - 1] = ' ';
	buf_putc(&b, ']');
	send_n(w, c, b.p, b.len);
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_text(f, 0, MSG_NOTICE, "invalid: message is larger");
	frames_free(f);
	/* Oversize: NOTICE, and the connection goes on. */
	buf_reset(&b);
	buf_puts(&b, "[\"REQ\",\"big\",{\"search\":\"");
	while (b.len <= w->lim.max_message_length)
		buf_puts(&b, "xxxxxxxxxxxxxxxx");
	buf_puts(&b, "\"}]");
	send_n(w, c, b.p, b.len);
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_text(f, 0, MSG_NOTICE, "invalid: message is larger");
	frames_free(f);
	send_s(w, c, "[\"REQ\",\"ok\",{\"limit\":0}]");
	f = take(w, c);
	expect_verb(f, 0, MSG_EOSE, "ok");
	frames_free(f);
	buf_free(&b);
	w_close(w);
}

/* Fragments are put back together; too many bytes in all is refused. */
static void
test_fragments(void **state)
{
	struct world *w = w_open(NULL);
	uint64_t c = conn(w, NULL);
	char	*ev = tu_event(1, now_s(), 1, "[]", "in pieces");
	struct frames *f;
	struct buf b, big;
	size_t	 k;

	buf_init(&b, 0);
	msg_publish(&b, ev, strlen(ev));
	k = b.len / 3;
	assert_true(relay_conn_rx(w->r, c, b.p, k, true, false));
	assert_true(relay_conn_rx(w->r, c, b.p + k, k, false, false));
	expect_none(w, c);
	assert_true(relay_conn_rx(w->r, c, b.p + 2 * k, b.len - 2 * k, false,
	    true));
	relay_poll(w->r);
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_ok(f, 0, ev, true, "");
	frames_free(f);
	/* A new first fragment drops a half message. */
	assert_true(relay_conn_rx(w->r, c, "[\"REQ\",\"x", 9, true, false));
	send_s(w, c, "[\"REQ\",\"y\",{\"limit\":0}]");
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_EOSE, "y");
	frames_free(f);
	/* Over max_message_length in fragments: NOTICE at the last one. */
	buf_init(&big, 0);
	while (big.len < 20000)
		buf_puts(&big, "                ");
	assert_true(relay_conn_rx(w->r, c, "[\"REQ\",\"z\",{}", 13, true,
	    false));
	for (k = 0; k < 7; k++) {
		assert_true(relay_conn_rx(w->r, c, big.p, big.len, false,
		    false));
		expect_none(w, c);
	}
	assert_true(relay_conn_rx(w->r, c, "]", 1, false, true));
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_text(f, 0, MSG_NOTICE, "invalid: message is larger");
	frames_free(f);
	/* The same bytes with fewer blanks pass. */
	assert_true(relay_conn_rx(w->r, c, "[\"REQ\",\"z\",{\"limit\":0}", 22,
	    true, false));
	assert_true(relay_conn_rx(w->r, c, big.p, big.len, false, false));
	assert_true(relay_conn_rx(w->r, c, "]", 1, false, true));
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_EOSE, "z");
	frames_free(f);
	buf_free(&b);
	buf_free(&big);
	free(ev);
	w_close(w);
}

/* A copy of s with from replaced by to (once). */
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

/* EVENT refusals, each with its NIP-01 prefix. */
static void
test_event_refusals(void **state)
{
	struct world *w = w_open(NULL);
	uint64_t c = conn(w, NULL);
	uint64_t t = now_s();
	char	*a = tu_event(1, t, 1, "[]", "genuine");
	char	*old = tu_event(1, t - 94608000 - 100, 1, "[]", "old");
	char	*future = tu_event(1, t + 3600, 1, "[]", "future");
	char	 tags[64];
	char	*expired, *bad, *mism;
	struct frames *f;

	snprintf(tags, sizeof(tags), "[[\"expiration\",\"%llu\"]]",
	    (unsigned long long)t - 10);
	expired = tu_event(1, t - 20, 1, tags, "expired");
	bad = strdup(a);
	{
		char	*p = strstr(bad, "\"sig\":\"") + 7 + 30;

		*p = *p == '0' ? '1' : '0';
	}
	mism = replace(a, "genuine", "altered");
	/* Each is answered at once, with the event's id. */
	send_event(w, c, bad);
	send_event(w, c, mism);
	send_event(w, c, old);
	send_event(w, c, future);
	send_event(w, c, expired);
	f = take(w, c);
	assert_int_equal(f->n, 5);
	expect_ok(f, 0, a, false, "invalid: signature does not verify");
	expect_ok(f, 1, a, false, "invalid: id is not the sha256");
	expect_ok(f, 2, old, false, "invalid: created_at is too far in the "
	    "past");
	expect_ok(f, 3, future, false, "invalid: created_at is too far in the "
	    "future");
	expect_ok(f, 4, expired, false, "invalid: event has expired");
	frames_free(f);
	relay_poll(w->r);
	expect_none(w, c);
	assert_false(stored(w, a));
	assert_false(stored(w, old));
	/* Broken, but the id can be read: OK false with it. */
	{
		char	*broken = replace(a, "\"kind\":1", "\"kind\":\"1\"");

		send_event(w, c, broken);
		f = take(w, c);
		assert_int_equal(f->n, 1);
		expect_ok(f, 0, a, false, "invalid: kind");
		frames_free(f);
		free(broken);
	}
	/* Too broken to have an id: NOTICE. */
	send_s(w, c, "[\"EVENT\",{\"kind\":1}]");
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_text(f, 0, MSG_NOTICE, "invalid:");
	frames_free(f);
	send_s(w, c, "[\"EVENT\",[1,2]]");
	f = take(w, c);
	expect_text(f, 0, MSG_NOTICE, "invalid: event is not a JSON object");
	frames_free(f);
	send_s(w, c, "[\"EVENT\"]");
	f = take(w, c);
	expect_text(f, 0, MSG_NOTICE, "invalid:");
	frames_free(f);
	/* The genuine one after all that: stored, then a duplicate. */
	publish(w, c, a);
	send_event(w, c, a);
	f = take(w, c);
	expect_ok(f, 0, a, true, "duplicate:");
	frames_free(f);
	free(a);
	free(old);
	free(future);
	free(expired);
	free(bad);
	free(mism);
	w_close(w);
}

static void
test_rate_limit(void **state)
{
	struct relay_limits lim;
	struct world *w;
	uint64_t c, c2;
	struct frames *f;
	char	*ev[22];
	char	 txt[32];
	int	 i, ms;

	limits_default(&lim);
	lim.events_per_minute = 60;	/* a burst of 60 / 6 + 10 = 20 */
	w = w_open(&lim);
	c = conn(w, NULL);
	c2 = conn(w, NULL);
	for (i = 0; i < 22; i++) {
		snprintf(txt, sizeof(txt), "burst %d", i);
		ev[i] = tu_event(1, now_s(), 1, "[]", txt);
		send_event(w, c, ev[i]);
	}
	/* Over the rate: nothing refused, two wait; the socket stops. */
	f = take(w, c);
	assert_int_equal(f->n, 0);
	frames_free(f);
	ms = relay_flush(w->r);
	assert_true(ms > 0 && ms <= 1001);
	assert_true(w->io.paused);
	relay_poll(w->r);
	f = take(w, c);
	assert_int_equal(f->n, 20);
	for (i = 0; i < 20; i++)
		expect_ok(f, (size_t)i, ev[i], true, "");
	frames_free(f);
	assert_false(stored(w, ev[20]));
	/* Per connection: another one has its own bucket, and is served. */
	publish(w, c2, ev[21]);
	/* Behind the waiting ones, everything waits: even a CLOSE. */
	send_s(w, c, "[\"CLOSE\",\"nothing\"]");
	send_event(w, c, ev[0]);
	f = take(w, c);
	assert_int_equal(f->n, 0);
	frames_free(f);
	/* A token a second: the waiting ones go in order, then reading. */
	usleep(1100 * 1000);
	relay_flush(w->r);
	relay_poll(w->r);
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_ok(f, 0, ev[20], true, "");
	frames_free(f);
	assert_true(w->io.paused);
	usleep(1100 * 1000);
	relay_flush(w->r);
	relay_poll(w->r);
	f = take(w, c);
	/* ev[21] came from c2 meanwhile: a duplicate; the CLOSE is silent. */
	assert_int_equal(f->n, 1);
	expect_ok(f, 0, ev[21], true, "duplicate:");
	frames_free(f);
	usleep(1100 * 1000);
	relay_flush(w->r);
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_ok(f, 0, ev[0], true, "duplicate:");
	frames_free(f);
	assert_false(w->io.paused);
	assert_true(stored(w, ev[20]));
	/* REQ and COUNT have a bucket of their own: slowed, not refused. */
	for (i = 0; i < 21; i++) {
		snprintf(txt, sizeof(txt), "[\"COUNT\",\"q%d\",{}]", i);
		send_s(w, c, txt);
	}
	f = take(w, c);
	assert_int_equal(f->n, 20);
	for (i = 0; i < 20; i++)
		expect_verb(f, (size_t)i, MSG_COUNT, NULL);
	frames_free(f);
	usleep(1100 * 1000);
	relay_flush(w->r);
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_COUNT, "q20");
	frames_free(f);
	for (i = 0; i < 22; i++)
		free(ev[i]);
	w_close(w);
}

/* Ephemeral events: to subscribers at once, never stored. */
static void
test_ephemeral(void **state)
{
	struct world *w = w_open(NULL);
	uint64_t pub = conn(w, NULL), sub = conn(w, NULL);
	char	*eph = tu_event(1, now_s(), 20001, "[]", "here and gone");
	struct frames *f;

	send_s(w, sub, "[\"REQ\",\"e\",{\"kinds\":[20001]}]");
	frames_free(take(w, sub));
	send_event(w, pub, eph);
	/* No commit needed: the OK and the delivery come at once. */
	f = take(w, pub);
	assert_int_equal(f->n, 1);
	expect_ok(f, 0, eph, true, "");
	frames_free(f);
	f = take(w, sub);
	assert_int_equal(f->n, 1);
	expect_event(f, 0, "e", eph);
	frames_free(f);
	relay_poll(w->r);
	expect_none(w, sub);
	assert_false(stored(w, eph));
	send_s(w, sub, "[\"REQ\",\"later\",{\"kinds\":[20001]}]");
	f = take(w, sub);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_EOSE, "later");
	frames_free(f);
	free(eph);
	w_close(w);
}

/* NIP-09: only the author's deletion removes an event. */
static void
test_deletion(void **state)
{
	struct world *w = w_open(NULL);
	uint64_t c = conn(w, NULL);
	uint64_t t = now_s();
	char	*x = tu_event(1, t - 10, 1, "[]", "regret");
	char	 tags[128], idhex[65];
	char	*not_author, *author;
	uint8_t	 id[32];
	struct frames *f;

	publish(w, c, x);
	tu_event_id(x, id);
	hex_encode(id, 32, idhex);
	snprintf(tags, sizeof(tags), "[[\"e\",\"%s\"]]", idhex);
	not_author = tu_event(2, t - 5, 5, tags, "not yours");
	author = tu_event(1, t - 4, 5, tags, "mine");
	publish(w, c, not_author);
	assert_true(stored(w, x));
	publish(w, c, author);
	assert_false(stored(w, x));
	send_s(w, c, "[\"REQ\",\"s\",{\"kinds\":[1]}]");
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_EOSE, "s");
	frames_free(f);
	/* It cannot come back. */
	send_event(w, c, x);
	relay_poll(w->r);
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_ok(f, 0, x, false, "blocked:");
	frames_free(f);
	assert_false(stored(w, x));
	free(x);
	free(not_author);
	free(author);
	w_close(w);
}

struct idset {
	size_t		 n[2];
	uint8_t		 have[64][32], need[64][32];
};

static void
on_id(void *arg, const uint8_t id[32], bool have)
{
	struct idset *s = arg;
	size_t	*n = &s->n[have ? 0 : 1];

	assert_true(*n < 64);
	memcpy(have ? s->have[*n] : s->need[*n], id, 32);
	(*n)++;
}

static bool
in_set(uint8_t (*v)[32], size_t n, const char *ev)
{
	uint8_t	 id[32];
	size_t	 i;

	tu_event_id(ev, id);
	for (i = 0; i < n; i++)
		if (memcmp(v[i], id, 32) == 0)
			return true;
	return false;
}

/* Runs the initiator over items against the relay with filter fj. */
static void
neg_run(struct world *w, uint64_t c, const char *fj,
    const struct neg_item *items, size_t ni, struct idset *got)
{
	struct neg ng;
	struct buf b, in;
	struct frames *f;
	struct filter fl;
	size_t	 rounds = 0;
	bool	 done = false;

	buf_init(&b, 0);
	buf_init(&in, 0);
	assert_int_equal(neg_init(&ng, items, ni, 0), ERR_OK);
	assert_int_equal(neg_initiate(&ng, &in), ERR_OK);
	assert_int_equal(filter_parse(fj, strlen(fj), &fl), ERR_OK);
	msg_neg_open(&b, "n1", &fl, (const uint8_t *)in.p, in.len);
	filter_free(&fl);
	send_n(w, c, b.p, b.len);
	while (!done) {
		assert_true(++rounds < 20);
		f = take(w, c);
		assert_int_equal(f->n, 1);
		expect_verb(f, 0, MSG_NEG_MSG, "n1");
		assert_int_equal(msg_neg_bytes(&f->m[0], &in), ERR_OK);
		buf_reset(&b);
		assert_int_equal(neg_reconcile(&ng, (const uint8_t *)in.p,
		    in.len, &b, on_id, got, &done), ERR_OK);
		frames_free(f);
		if (!done) {
			struct buf m;

			buf_init(&m, 0);
			msg_neg_msg(&m, "n1", (const uint8_t *)b.p, b.len);
			send_n(w, c, m.p, m.len);
			buf_free(&m);
		}
	}
	buf_free(&b);
	buf_free(&in);
}

/* NIP-77 against the engine: a client runs the initiator to the end. */
static void
test_negentropy(void **state)
{
	struct world *w = w_open(NULL);
	uint64_t c = conn(w, NULL);
	uint64_t t = now_s();
	char	*ev[30], *extra[4], txt[32];
	struct neg_item items[24];
	struct idset got;
	struct frames *f;
	char	 fj[64];
	size_t	 i, k, ni = 0;

	for (i = 0; i < 30; i++) {
		snprintf(txt, sizeof(txt), "n%zu", i);
		/* 20 of kind 1, 10 of kind 7. */
		ev[i] = tu_event(1 + (int)(i % 3), t - 100 + i, i < 20 ? 1 : 7,
		    "[]", txt);
		publish(w, c, ev[i]);
	}
	for (i = 0; i < 4; i++) {
		snprintf(txt, sizeof(txt), "only here %zu", i);
		extra[i] = tu_event(4, t - 50 + i, 1, "[]", txt);
	}
	/* We hold kind-1 events 0..14 and the 4 extra. */
	for (i = 0; i < 15; i++) {
		items[ni].ts = t - 100 + i;
		tu_event_id(ev[i], items[ni++].id);
	}
	for (i = 0; i < 4; i++) {
		items[ni].ts = t - 50 + i;
		tu_event_id(extra[i], items[ni++].id);
	}
	neg_sort(items, ni);
	/*
	 * A filter the relay answers from a snapshot, then a time window
	 * (the same 20 events) that it answers from its NIP-77 index.
	 */
	snprintf(fj, sizeof(fj), "{\"until\":%llu}",
	    (unsigned long long)(t - 81));
	for (k = 0; k < 2; k++) {
		memset(&got, 0, sizeof(got));
		neg_run(w, c, k == 0 ? "{\"kinds\":[1]}" : fj, items, ni, &got);
		/* What the relay lacks and what we lack, exactly. */
		assert_int_equal(got.n[0], 4);
		assert_int_equal(got.n[1], 5);
		for (i = 0; i < 4; i++)
			assert_true(in_set(got.have, got.n[0], extra[i]));
		for (i = 15; i < 20; i++)
			assert_true(in_set(got.need, got.n[1], ev[i]));
		if (k == 0)
			send_s(w, c, "[\"NEG-CLOSE\",\"n1\"]");
	}
	send_s(w, c, "[\"NEG-CLOSE\",\"n1\"]");
	expect_none(w, c);
	/* A closed or unknown session: NEG-ERR "closed:". */
	send_s(w, c, "[\"NEG-MSG\",\"n1\",\"61\"]");
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_NEG_ERR, "n1");
	expect_text(f, 0, MSG_NEG_ERR, "closed:");
	frames_free(f);
	/* Malformed: not [verb, id, filter, hex]; bad hex; a bad filter. */
	send_s(w, c, "[\"NEG-OPEN\",\"n2\",{}]");
	f = take(w, c);
	expect_verb(f, 0, MSG_NEG_ERR, "n2");
	expect_text(f, 0, MSG_NEG_ERR, "invalid:");
	frames_free(f);
	send_s(w, c, "[\"NEG-OPEN\",\"n2\",{\"kinds\":[1]},\"6Z\"]");
	f = take(w, c);
	expect_text(f, 0, MSG_NEG_ERR, "invalid:");
	frames_free(f);
	send_s(w, c, "[\"NEG-OPEN\",\"n2\",{\"foo\":1},\"61\"]");
	f = take(w, c);
	expect_text(f, 0, MSG_NEG_ERR, "unsupported:");
	frames_free(f);
	/*
	 * More events than max_sync_events (25) match a snapshot: refused.
	 * A time window is read from the index and has no such bound.
	 */
	send_s(w, c, "[\"NEG-OPEN\",\"n3\",{\"kinds\":[1,7]},\"61\"]");
	f = take(w, c);
	expect_verb(f, 0, MSG_NEG_ERR, "n3");
	expect_text(f, 0, MSG_NEG_ERR, "blocked: too many events match");
	frames_free(f);
	/* max_neg_sessions (2), and reopening one is not a third. */
	send_s(w, c, "[\"NEG-OPEN\",\"a\",{\"kinds\":[7]},\"61\"]");
	send_s(w, c, "[\"NEG-OPEN\",\"b\",{\"kinds\":[7]},\"61\"]");
	send_s(w, c, "[\"NEG-OPEN\",\"a\",{\"kinds\":[7]},\"61\"]");
	f = take(w, c);
	assert_int_equal(f->n, 3);
	for (i = 0; i < 3; i++)
		expect_verb(f, i, MSG_NEG_MSG, i == 1 ? "b" : "a");
	frames_free(f);
	send_s(w, c, "[\"NEG-OPEN\",\"c\",{\"kinds\":[7]},\"61\"]");
	f = take(w, c);
	expect_verb(f, 0, MSG_NEG_ERR, "c");
	expect_text(f, 0, MSG_NEG_ERR, "blocked: too many open negentropy");
	frames_free(f);
	/* A bad message ends its session. */
	send_s(w, c, "[\"NEG-MSG\",\"a\",\"abc\"]");
	f = take(w, c);
	expect_text(f, 0, MSG_NEG_ERR, "invalid:");
	frames_free(f);
	send_s(w, c, "[\"NEG-MSG\",\"a\",\"61\"]");
	f = take(w, c);
	expect_text(f, 0, MSG_NEG_ERR, "closed:");
	frames_free(f);
	for (i = 0; i < 30; i++)
		free(ev[i]);
	for (i = 0; i < 4; i++)
		free(extra[i]);
	w_close(w);
}

static void
test_negentropy_off(void **state)
{
	struct relay_limits lim;
	struct world *w;
	uint64_t c;
	struct frames *f;
	static const char *m[] = {
		"[\"NEG-OPEN\",\"n\",{},\"61\"]",
		"[\"NEG-OPEN\",\"n\",{}]",
		"[\"NEG-MSG\",\"n\",\"61\"]",
		"[\"NEG-CLOSE\",\"n\"]",
	};
	size_t	 i;

	limits_default(&lim);
	lim.negentropy = false;
	w = w_open(&lim);
	c = conn(w, NULL);
	for (i = 0; i < 4; i++) {
		send_s(w, c, m[i]);
		f = take(w, c);
		assert_int_equal(f->n, 1);
		expect_text(f, 0, MSG_NOTICE, "unsupported: NIP-77");
		frames_free(f);
	}
	w_close(w);
}

/* Reads the AUTH challenge the relay sent c. */
static void
challenge_of(struct world *w, uint64_t c, char *out, size_t sz)
{
	struct frames *f = take(w, c);

	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_AUTH, NULL);
	assert_true(strlen(f->m[0].text) == 32 && sz > 32);
	memcpy(out, f->m[0].text, 33);
	frames_free(f);
}

/*
 * Sends the AUTH message in b on c: refused with OK false and a reason
 * starting with prefix, and nobody authenticated.
 */
static void
expect_auth_refused(struct world *w, uint64_t c, const struct buf *b,
    const char *prefix)
{
	struct frames *f;

	send_n(w, c, b->p, b->len);
	f = take(w, c);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_OK, NULL);
	assert_false(f->m[0].ok);
	assert_true(starts(f->m[0].text, prefix));
	frames_free(f);
	assert_int_equal(w->hk.authed, 0);
}

/*
 * A node that calls with a challenge of its own gets, with ours, a proof
 * that this relay holds the node key (nip42.h) -- only for a Host that
 * is one of the relay's places, and never one that passes as an AUTH.
 */
static void
test_node_proof(void **state)
{
	static const char *places[] = { "10.0.0.1", "localhost" };
	static const char nonce[] = "00112233445566778899aabbccddeeff";
	struct world *w = w_open(NULL);
	uint64_t ok = conn(w, NULL), other = conn(w, NULL);
	uint64_t badnonce = conn(w, NULL), nokey = conn(w, NULL);
	struct ingest_policy pol;
	struct ingest_ctx ctx;
	struct frames *f;
	struct event ev;
	uint8_t	 sk[32], pk[32];
	struct buf b;

	tu_seckey(5, sk);
	crypto_pubkey(sk, pk);
	assert_int_equal(relay_set_places(w->r, places, 2, 4848), ERR_OK);
	relay_conn_set_host(w->r, ok, "10.0.0.1:4848");
	relay_conn_challenge_proved(w->r, ok, sk, nonce);
	f = take(w, ok);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_AUTH, NULL);
	assert_int_equal(strlen(f->m[0].text), 32);
	assert_true(f->m[0].eventlen > 0);
	/* The proof: valid, our key, the caller's challenge, that place. */
	ingest_ctx_init(&ctx);
	memset(&pol, 0, sizeof(pol));
	assert_int_equal(ingest_check(&ctx, &pol, NULL, f->m[0].event,
	    f->m[0].eventlen, 0, &ev), ERR_OK);
	assert_int_equal(ingest_verify(&ev), ERR_OK);
	assert_memory_equal(ev.pubkey, pk, 32);
	assert_int_equal(nip42_proof_rules(&ev, nonce, "ws://10.0.0.1:4848"),
	    ERR_OK);
	assert_int_equal(nip42_proof_rules(&ev, nonce, "ws://10.0.0.2:4848"),
	    ERR_AUTH_RELAY);
	/* Sent back as this connection's AUTH, it is no AUTH. */
	buf_init(&b, 0);
	msg_auth(&b, f->m[0].event, f->m[0].eventlen);
	frames_free(f);
	expect_auth_refused(w, ok, &b, "invalid: AUTH needs");
	buf_free(&b);
	ingest_ctx_free(&ctx);
	/* A Host that is not ours, a nonce that is not one, no key: none. */
	relay_conn_set_host(w->r, other, "10.0.0.9:4848");
	relay_conn_challenge_proved(w->r, other, sk, nonce);
	relay_conn_set_host(w->r, badnonce, "localhost:4848");
	relay_conn_challenge_proved(w->r, badnonce, sk, "0011\"");
	relay_conn_set_host(w->r, nokey, "localhost:4848");
	relay_conn_challenge_proved(w->r, nokey, NULL, nonce);
	f = take(w, other);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_AUTH, NULL);
	assert_int_equal(f->m[0].eventlen, 0);
	frames_free(f);
	f = take(w, badnonce);
	assert_int_equal(f->m[0].eventlen, 0);
	frames_free(f);
	f = take(w, nokey);
	assert_int_equal(f->m[0].eventlen, 0);
	frames_free(f);
	w_close(w);
}

/* A node authenticates (NIP-42) and is then spared the clock window. */
static void
test_node_auth(void **state)
{
	struct world *w = w_open(NULL);
	uint64_t node = conn(w, NULL), plain = conn(w, NULL);
	uint64_t other = conn(w, NULL);
	uint64_t t = now_s();
	char	*drifted = tu_event(9, t - 4 * 31536000ULL, 1, "[]", "offline");
	char	*ahead = tu_event(9, t + 7200, 1, "[]", "fast clock");
	char	 ch[64], ch2[64];
	uint8_t	 sk[32], pk[32], id[32];
	struct frames *f;
	struct buf b;

	/* AUTH without a challenge is refused. */
	tu_seckey(9, sk);
	crypto_pubkey(sk, pk);
	buf_init(&b, 0);
	assert_int_equal(nip42_auth(sk, "none", "ws://relay", t, &b, id),
	    ERR_OK);
	send_n(w, plain, b.p, b.len);
	f = take(w, plain);
	assert_int_equal(f->n, 1);
	expect_text(f, 0, MSG_NOTICE, "unsupported:");
	frames_free(f);
	/* The wrong challenge, or a forged signature: OK false. */
	relay_conn_challenge(w->r, other);
	challenge_of(w, other, ch2, sizeof(ch2));
	buf_reset(&b);
	assert_int_equal(nip42_auth(sk, "0123456789abcdef0123456789abcdef",
	    "ws://relay", t, &b, id), ERR_OK);
	send_n(w, other, b.p, b.len);
	f = take(w, other);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_OK, NULL);
	assert_memory_equal(f->m[0].id, id, 32);
	assert_false(f->m[0].ok);
	assert_true(starts(f->m[0].text, "invalid: AUTH needs"));
	frames_free(f);
	buf_reset(&b);
	assert_int_equal(nip42_auth(sk, ch2, "ws://relay", t, &b, id), ERR_OK);
	{
		char	*p = strstr(b.p, "\"sig\":\"") + 7 + 3;

		*p = *p == '0' ? '1' : '0';
	}
	expect_auth_refused(w, other, &b, "invalid: signature");
	/* The right challenge naming another relay (NIP-42): refused. */
	relay_conn_challenge(w->r, node);
	challenge_of(w, node, ch, sizeof(ch));
	assert_string_not_equal(ch, ch2);
	relay_conn_set_host(w->r, node, "relay");
	buf_reset(&b);
	assert_int_equal(nip42_auth(sk, ch, "ws://relay:7447", t, &b, id),
	    ERR_OK);
	expect_auth_refused(w, node, &b, "invalid: AUTH's relay tag");
	/* The right one: the Host it used, any case, a trailing slash. */
	buf_reset(&b);
	assert_int_equal(nip42_auth(sk, ch, "WS://Relay/", t, &b, id), ERR_OK);
	send_n(w, node, b.p, b.len);
	f = take(w, node);
	assert_int_equal(f->n, 1);
	expect_verb(f, 0, MSG_OK, NULL);
	assert_memory_equal(f->m[0].id, id, 32);
	assert_true(f->m[0].ok);
	assert_string_equal(f->m[0].text, "");
	frames_free(f);
	assert_int_equal(w->hk.authed, 1);
	assert_true(w->hk.conn == node);
	assert_memory_equal(w->hk.pubkey, pk, 32);
	/* The AUTH event itself is not stored. */
	assert_false(store_has(w->st, id));
	/* Outside the created_at window: refused for a client ... */
	send_event(w, plain, drifted);
	send_event(w, plain, ahead);
	f = take(w, plain);
	assert_int_equal(f->n, 2);
	expect_ok(f, 0, drifted, false, "invalid: created_at is too far in "
	    "the past");
	expect_ok(f, 1, ahead, false, "invalid: created_at is too far in "
	    "the future");
	frames_free(f);
	/*
	 * ... taken from the node, and delivered to others but not echoed
	 * back to the node it came from.
	 */
	send_s(w, node, "[\"REQ\",\"n\",{\"limit\":0}]");
	send_s(w, plain, "[\"REQ\",\"p\",{\"limit\":0}]");
	frames_free(take(w, node));
	frames_free(take(w, plain));
	send_event(w, node, drifted);
	send_event(w, node, ahead);
	relay_poll(w->r);
	f = take(w, node);
	assert_int_equal(f->n, 2);
	expect_ok(f, 0, drifted, true, "");
	expect_ok(f, 1, ahead, true, "");
	frames_free(f);
	assert_true(stored(w, drifted));
	assert_true(stored(w, ahead));
	f = take(w, plain);
	assert_int_equal(f->n, 2);
	expect_event(f, 0, "p", drifted);
	expect_event(f, 1, "p", ahead);
	frames_free(f);
	/* Ephemeral events go to clients only, never over the mesh. */
	{
		char	*eph = tu_event(2, t, 20002, "[]", "typing");

		send_event(w, plain, eph);
		f = take(w, plain);
		assert_int_equal(f->n, 2);
		expect_event(f, 0, "p", eph);
		expect_ok(f, 1, eph, true, "");
		frames_free(f);
		expect_none(w, node);
		free(eph);
	}
	/* A client's event reaches the node's subscription. */
	{
		char	*note = tu_event(2, t, 1, "[]", "to the mesh");

		publish(w, other, note);
		f = take(w, node);
		assert_int_equal(f->n, 1);
		expect_event(f, 0, "n", note);
		frames_free(f);
		frames_free(take(w, plain));
		free(note);
	}
	/*
	 * A node's subscription still streams its stored answer when the
	 * node sends an event: the catch-up after EOSE, which reads what was
	 * stored meanwhile from the store, does not echo it back.
	 */
	{
		struct buf big;
		char	*mine = tu_event(2, t, 1, "[]", "from the node, mid-stream");
		char	*p;
		size_t	 len;
		bool	 ca;
		int	 k, events = 0, echoed = 0, eose = 0;
		uint8_t	 mid[32];

		buf_init(&big, 0);
		while (big.len < 2000)
			buf_puts(&big, "stored stored. ");
		for (k = 0; k < 80; k++) {
			char	*ev = tu_event(3, t - 1000 + (uint64_t)k, 1, "[]",
			    big.p);

			publish(w, other, ev);
			free(ev);
		}
		frames_free(take(w, node));
		frames_free(take(w, plain));
		send_s(w, node, "[\"REQ\",\"m\",{\"kinds\":[1],\"limit\":100}]");
		send_event(w, node, mine);
		relay_poll(w->r);
		assert_true(stored(w, mine));
		tu_event_id(mine, mid);
		while (relay_conn_next(w->r, node, &p, &len, &ca) ||
		    (relay_refill(w->r), relay_conn_next(w->r, node, &p, &len,
		    &ca))) {
			struct msg m;

			assert_int_equal(msg_parse(p, len, MSG_FROM_RELAY, 64,
			    &m), ERR_OK);
			if (m.verb == MSG_EOSE)
				eose++;
			else if (m.verb == MSG_EVENT && strcmp(m.subid, "m") == 0) {
				uint8_t	 eid[32];
				char	*js = strndup(m.event, m.eventlen);

				events++;
				tu_event_id(js, eid);
				free(js);
				if (memcmp(eid, mid, 32) == 0)
					echoed++;
			}
			msg_free(&m);
		}
		assert_int_equal(eose, 1);
		assert_true(events >= 80);
		assert_int_equal(echoed, 0);
		frames_free(take(w, plain));
		buf_free(&big);
		free(mine);
	}
	buf_free(&b);
	free(drifted);
	free(ahead);
	w_close(w);
}

/* A subscriber that stops reading is told and dropped. */
static void
test_slow_reader(void **state)
{
	struct relay_limits lim;
	struct world *w;
	uint64_t pub, slow, fast;
	struct frames *f;
	struct buf content;
	char	*ev;
	size_t	 got = 0, i;
	int	 k;

	limits_default(&lim);
	lim.max_output_buffer = 4096;
	w = w_open(&lim);
	pub = conn(w, NULL);
	slow = conn(w, NULL);
	fast = conn(w, NULL);
	send_s(w, slow, "[\"REQ\",\"s\",{\"kinds\":[1]}]");
	send_s(w, fast, "[\"REQ\",\"f\",{\"kinds\":[1]}]");
	frames_free(take(w, slow));
	frames_free(take(w, fast));
	buf_init(&content, 0);
	while (content.len < 700)
		buf_puts(&content, "news news news. ");
	/* The slow one never reads; the fast one reads every time. */
	for (k = 0; k < 12; k++) {
		content.p[0] = (char)('a' + k);		/* a new id each time */
		ev = tu_event(1, now_s(), 1, "[]", content.p);
		publish(w, pub, ev);
		free(ev);
		f = take(w, fast);
		got += f->n;
		frames_free(f);
		if (k == 5) {
			/* Past its allowance for longer than the stall time. */
			assert_true(relay_conn_queued(w->r, slow) > 4096 / 2);
			usleep(2100 * 1000);
		}
	}
	assert_true(got >= 6);
	f = take(w, slow);
	/* What was queued is dropped; one NOTICE, then close. */
	assert_int_equal(f->n, 1);
	expect_text(f, 0, MSG_NOTICE, "error: too slow reading events");
	assert_true(f->close_after[0]);
	frames_free(f);
	/* Nothing more is queued for it, and the others go on. */
	ev = tu_event(1, now_s(), 1, "[]", "after");
	publish(w, pub, ev);
	expect_none(w, slow);
	for (i = 0; i < 3; i++) {
		f = take(w, fast);
		got += f->n;
		frames_free(f);
		relay_poll(w->r);
	}
	assert_int_equal(got, 13);
	free(ev);
	buf_free(&content);
	w_close(w);
}

TU_TMPDIR_FIXTURE(dbdir)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_after_commit),
		cmocka_unit_test(test_burst_window),
		cmocka_unit_test(test_full_ring),
		cmocka_unit_test(test_req_live),
		cmocka_unit_test(test_req_sees_own_turn),
		cmocka_unit_test(test_req_limits),
		cmocka_unit_test(test_req_streams),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_close_replace),
		cmocka_unit_test(test_commit_delivers),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_event_refusals),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_ephemeral),
		cmocka_unit_test(test_deletion),
		cmocka_unit_test(test_negentropy),
		cmocka_unit_test(test_negentropy_off),
		cmocka_unit_test(test_node_proof),
		cmocka_unit_test(test_node_auth),
		cmocka_unit_test(test_slow_reader),
	};

	return cmocka_run_group_tests_name("relay", tests, setup, teardown);
}
