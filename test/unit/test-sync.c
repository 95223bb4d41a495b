/*
 * test-sync.c: the sync engine of core/sync.c without sockets or SQLite,
 * driven by scripted relays.  The local side is an in-memory store
 * (struct lstore) behind struct sync_local; the relay is a script that
 * reads what the engine sends (msg_parse from the client's side, so the
 * engine's messages must be well formed) and queues its answers, which
 * the test hands back through msg_parse from the relay's side and
 * sync_rx, one at a time, on a fake clock.
 *
 * The honest relay runs a real NIP-77 responder (core/negentropy.c) over
 * its own set, answers REQ with its events newest first (at most
 * RELAY_LIMIT, honouring ids, authors, since, until and limit) then EOSE,
 * and each EVENT with OK after checking it on the ingest path.  The
 * others are variations: silent, refusing NEG-OPEN (NEG-ERR, CLOSED,
 * NOTICE), without NIP-77, lying, ignoring until.
 */
#include "testutil.h"

#include "ingest.h"
#include "message.h"
#include "negentropy.h"
#include "sync.h"

#define BASE_TS		1700000000ULL
#define POOL		1800		/* signed events made once */
#define OWN		1		/* tu_seckey(OWN) is this node */
#define RELAY_LIMIT	500		/* what the relay serves per REQ */
#define TIMEOUT_MS	1000
#define MAX_STEPS	200000		/* messages and ticks per sync */

/* One event: its JSON and what the tests look at. */
struct ev {
	char		*json;
	size_t		 len;
	uint64_t	 ts;
	uint8_t		 id[32];
	int		 who;
};

static struct ev pool[POOL];

/* ------------------------------------------------------------------ */
/* An in-memory store: the local side, and each relay's set. */

struct lstore {
	struct ev	*v;
	size_t		 n, cap;
	struct ingest_ctx ctx;
	void		*scratch;
	size_t		 scratchsz;
	unsigned	 read_filters, read_ids;
};

static void
lstore_init(struct lstore *st)
{
	memset(st, 0, sizeof(*st));
	ingest_ctx_init(&st->ctx);
}

static void
lstore_free(struct lstore *st)
{
	size_t	 i;

	for (i = 0; i < st->n; i++)
		free(st->v[i].json);
	free(st->v);
	free(st->scratch);
	ingest_ctx_free(&st->ctx);
	memset(st, 0, sizeof(*st));
}

static struct ev *
lstore_find(struct lstore *st, const uint8_t id[32])
{
	size_t	 i;

	for (i = 0; i < st->n; i++)
		if (memcmp(st->v[i].id, id, 32) == 0)
			return &st->v[i];
	return NULL;
}

static void
lstore_add(struct lstore *st, const struct ev *e)
{
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 256;
		st->v = realloc(st->v, st->cap * sizeof(*st->v));
		assert_non_null(st->v);
	}
	st->v[st->n] = *e;
	st->v[st->n].json = malloc(e->len + 1);
	assert_non_null(st->v[st->n].json);
	memcpy(st->v[st->n].json, e->json, e->len);
	st->v[st->n].json[e->len] = '\0';
	st->n++;
}

/* Adds pool[from .. to) to st. */
static void
lstore_add_pool(struct lstore *st, size_t from, size_t to)
{
	size_t	 i;

	for (i = from; i < to; i++)
		lstore_add(st, &pool[i]);
}

/* The ingest path for both sides: check, verify, then keep once. */
static enum err
lstore_ingest(struct lstore *st, const char *json, size_t len, uint64_t *ts)
{
	struct ingest_policy pol;
	struct event ev;
	struct ev e;
	enum err r;

	memset(&pol, 0, sizeof(pol));
	r = ingest_one(&st->ctx, &pol, NULL, json, len, 0, &ev);
	if (ingest_parsed(r) && ts != NULL)
		*ts = ev.created_at;
	if (r != ERR_OK)
		return r;
	if (lstore_find(st, ev.id) != NULL)
		return ERR_DUPLICATE;
	memset(&e, 0, sizeof(e));
	e.json = (char *)(uintptr_t)json;
	e.len = len;
	e.ts = ev.created_at;
	memcpy(e.id, ev.id, 32);
	e.who = 0;
	lstore_add(st, &e);
	return ERR_OK;
}

static void
lstore_parse(struct lstore *st, const struct ev *e, struct event *ev)
{
	if (st->scratchsz < EVENT_SCRATCH(e->len)) {
		st->scratchsz = EVENT_SCRATCH(e->len);
		st->scratch = realloc(st->scratch, st->scratchsz);
		assert_non_null(st->scratch);
	}
	assert_int_equal(event_parse(e->json, e->len, NULL, ev, st->scratch,
	    st->scratchsz), ERR_OK);
}

static const struct ev *sort_base;

/* Newest first; on equal created_at the lower id first (NIP-01). */
static int
newest_first(const void *a, const void *b)
{
	const struct ev *x = &sort_base[*(const size_t *)a];
	const struct ev *y = &sort_base[*(const size_t *)b];

	if (x->ts != y->ts)
		return x->ts > y->ts ? -1 : 1;
	return memcmp(x->id, y->id, 32);
}

/* The indices of what f matches, newest first, at most its limit. */
static size_t
lstore_match(struct lstore *st, const struct filter *f, uint64_t cap,
    size_t **out)
{
	struct event ev;
	size_t	*idx = calloc(st->n + 1, sizeof(*idx)), n = 0, i;
	uint64_t lim = f->has_limit ? f->limit : UINT64_MAX;

	assert_non_null(idx);
	for (i = 0; i < st->n; i++) {
		lstore_parse(st, &st->v[i], &ev);
		if (filter_match(f, &ev))
			idx[n++] = i;
	}
	sort_base = st->v;
	qsort(idx, n, sizeof(*idx), newest_first);
	if (lim > cap)
		lim = cap;
	if (n > lim)
		n = (size_t)lim;
	*out = idx;
	return n;
}

/* The neg items of what f matches, sorted for negentropy. */
static struct neg_item *
lstore_items(struct lstore *st, const struct filter *f, size_t *n)
{
	struct neg_item *it;
	size_t	*idx, i;

	*n = lstore_match(st, f, UINT64_MAX, &idx);
	it = calloc(*n + 1, sizeof(*it));
	assert_non_null(it);
	for (i = 0; i < *n; i++) {
		it[i].ts = st->v[idx[i]].ts;
		memcpy(it[i].id, st->v[idx[i]].id, 32);
	}
	free(idx);
	neg_sort(it, *n);
	return it;
}

/* struct sync_local over an lstore. */
static enum err
local_read_ids(void *arg, const uint8_t (*ids)[32], size_t n, sync_row_fn fn,
    void *rarg)
{
	struct lstore *st = arg;
	size_t	 i, j;

	st->read_ids++;
	for (i = 0; i < st->n; i++)
		for (j = 0; j < n; j++)
			if (memcmp(st->v[i].id, ids[j], 32) == 0) {
				if (fn(st->v[i].json, st->v[i].len, rarg))
					return ERR_OK;
				break;
			}
	return ERR_OK;
}

static enum err
local_read_filter(void *arg, const struct filter *f, sync_row_fn fn,
    void *rarg)
{
	struct lstore *st = arg;
	size_t	*idx, n, i;

	st->read_filters++;
	n = lstore_match(st, f, UINT64_MAX, &idx);
	for (i = 0; i < n; i++)
		if (fn(st->v[idx[i]].json, st->v[idx[i]].len, rarg))
			break;
	free(idx);
	return ERR_OK;
}

/* ------------------------------------------------------------------ */
/* The scripted relay. */

enum neg_mode {
	NEG_HONEST,		/* a NIP-77 responder */
	NEG_SILENT,		/* never answers NEG-OPEN */
	NEG_ERR,		/* NEG-ERR */
	NEG_CLOSED,		/* CLOSED, as for a REQ it cannot serve */
	NEG_NOTICE,		/* NOTICE */
	NEG_UNKNOWN		/* no NIP-77 at all: every NEG-* is unknown */
};

/* What the relay saw: one EVENT, and which engine turn sent it. */
struct seen {
	uint8_t		 id[32];
	uint64_t	 ts;
	bool		 own;
	unsigned	 turn;
};

struct relay {
	struct lstore	 st;
	enum neg_mode	 neg;
	bool		 silent_req;	/* no answer to REQ */
	bool		 silent_ok;	/* no answer to EVENT */
	bool		 ignore_until;	/* serves newest whatever until says */
	bool		 lie;		/* see relay_lies() */
	bool		 stream;	/* answers a REQ with events, never EOSE */
	/* The NIP-77 session. */
	struct neg	 ng;
	struct neg_item	*items;
	size_t		 nitems;
	bool		 open;
	/* What it received. */
	unsigned	 neg_msgs;	/* NEG-OPEN and NEG-MSG */
	unsigned	 neg_closes, reqs, closes;
	char		*req_json[64];	/* the first filter of each REQ */
	struct seen	*seen;
	size_t		 nseen, seencap;
	unsigned	 lies_told;
};

/* The test's world: the engine, the local store, the relay, the wire. */
struct h {
	struct sync	 s;
	struct sync_params p;
	struct filter	 f;
	struct lstore	 local;
	struct relay	 r;
	struct neg_item	*items;
	uint64_t	 now;
	/* Frames from the relay, waiting for the engine. */
	char		*q[8192];
	size_t		 qlen[8192];
	size_t		 qhead, qtail;
	uint64_t	 bytes_out, bytes_in;
	unsigned	 turn;		/* sync_rx calls so far */
	/* What the engine told the local side. */
	unsigned	 answered, answered_ok;
	uint8_t		 (*answered_ids)[32];
	char		 notes[4096];
};

static void
q_push(struct h *h, struct buf *b)
{
	assert_false(b->err);
	if (h->qtail == sizeof(h->q) / sizeof(h->q[0]) && h->qhead > 0) {
		memmove(h->q, h->q + h->qhead, (h->qtail - h->qhead) *
		    sizeof(h->q[0]));
		memmove(h->qlen, h->qlen + h->qhead, (h->qtail - h->qhead) *
		    sizeof(h->qlen[0]));
		h->qtail -= h->qhead;
		h->qhead = 0;
	}
	assert_true(h->qtail < sizeof(h->q) / sizeof(h->q[0]));
	h->q[h->qtail] = malloc(b->len);
	assert_non_null(h->q[h->qtail]);
	memcpy(h->q[h->qtail], b->p, b->len);
	h->qlen[h->qtail++] = b->len;
	buf_reset(b);
}

static void
relay_ok_for(struct h *h, struct buf *b, const uint8_t id[32], enum err e)
{
	char	 why[200];

	if (e == ERR_OK)
		why[0] = '\0';
	else
		err_reason(e, why, sizeof(why));
	msg_ok(b, id, ingest_accepted(e), why);
	q_push(h, b);
}

/* An EVENT from the engine: recorded, checked, stored, answered. */
static void
relay_on_event(struct h *h, const struct msg *m, struct buf *b)
{
	struct relay *r = &h->r;
	struct ingest_policy pol;
	struct ingest_ctx c;
	struct event ev;
	struct seen *sn;
	uint8_t	 fake[32];
	enum err e;

	memset(&pol, 0, sizeof(pol));
	ingest_ctx_init(&c);
	/* Our own events are valid: anything else is the engine's fault. */
	assert_int_equal(ingest_check(&c, &pol, NULL, m->event, m->eventlen, 0,
	    &ev), ERR_OK);
	if (r->nseen == r->seencap) {
		r->seencap = r->seencap ? r->seencap * 2 : 256;
		r->seen = realloc(r->seen, r->seencap * sizeof(*r->seen));
		assert_non_null(r->seen);
	}
	sn = &r->seen[r->nseen++];
	memcpy(sn->id, ev.id, 32);
	sn->ts = ev.created_at;
	{
		uint8_t	 sk[32], pk[32];

		tu_seckey(OWN, sk);
		crypto_pubkey(sk, pk);
		sn->own = memcmp(ev.pubkey, pk, 32) == 0;
	}
	sn->turn = h->turn;
	ingest_ctx_free(&c);
	if (r->silent_ok)
		return;
	if (r->lie) {
		/* An OK for an id never sent, then one more for the same. */
		memset(fake, 0xa5, 32);
		fake[0] = (uint8_t)r->lies_told++;
		relay_ok_for(h, b, fake, ERR_OK);
		relay_ok_for(h, b, fake, ERR_DUPLICATE);
	}
	e = lstore_ingest(&r->st, m->event, m->eventlen, NULL);
	relay_ok_for(h, b, ev.id, e);
}

/* A lying relay's extras before its real answer to a REQ. */
static void
relay_lies(struct h *h, const char *subid, const size_t *idx, size_t n,
    struct buf *b)
{
	struct relay *r = &h->r;
	const struct ev *e;
	char	*forged;

	/* A valid event nobody asked for (matching the sync's filter). */
	msg_event(b, subid, pool[POOL - 1].json, pool[POOL - 1].len);
	q_push(h, b);
	if (n == 0)
		return;
	e = &r->st.v[idx[0]];
	/* The first one asked for, with a signature that does not verify. */
	forged = strdup(e->json);
	{
		char	*p = strstr(forged, "\"sig\":\"") + 7 + 20;

		*p = *p == '0' ? '1' : '0';
	}
	msg_event(b, subid, forged, strlen(forged));
	q_push(h, b);
	free(forged);
	/* The same id over other content. */
	forged = strdup(e->json);
	{
		char	*p = strstr(forged, "\"content\":\"") + 11;

		*p = *p == 'X' ? 'Y' : 'X';
	}
	msg_event(b, subid, forged, strlen(forged));
	q_push(h, b);
	free(forged);
	/* Not an event at all; an event for another subscription. */
	msg_event(b, subid, "{\"hello\":1}", 11);
	q_push(h, b);
	msg_event(b, "not-yours", pool[POOL - 2].json, pool[POOL - 2].len);
	q_push(h, b);
	msg_eose(b, "not-yours");
	q_push(h, b);
	r->lies_told++;
}

static void
relay_on_req(struct h *h, const struct msg *m, struct buf *b)
{
	struct relay *r = &h->r;
	struct filter f;
	struct buf fj;
	size_t	*idx, n, i;

	assert_int_equal(m->nfilters, 1);
	assert_int_equal(filter_parse_json(msg_filter(m, 0), &f), ERR_OK);
	buf_init(&fj, 0);
	filter_write_json(&f, &fj);
	if (r->reqs < sizeof(r->req_json) / sizeof(r->req_json[0]))
		r->req_json[r->reqs] = strdup(fj.p);
	buf_free(&fj);
	r->reqs++;
	if (r->silent_req) {
		filter_free(&f);
		return;
	}
	if (r->ignore_until)
		f.until = UINT64_MAX;
	if (r->stream) {
		for (i = 0; i <= SYNC_BATCH; i++) {
			msg_event(b, m->subid, pool[i % 40].json,
			    pool[i % 40].len);
			q_push(h, b);
		}
		filter_free(&f);
		return;
	}
	n = lstore_match(&r->st, &f, RELAY_LIMIT, &idx);
	if (r->lie)
		relay_lies(h, m->subid, idx, n, b);
	for (i = 0; i < n; i++) {
		msg_event(b, m->subid, r->st.v[idx[i]].json,
		    r->st.v[idx[i]].len);
		q_push(h, b);
	}
	msg_eose(b, m->subid);
	q_push(h, b);
	free(idx);
	filter_free(&f);
}

static void
relay_on_neg(struct h *h, const struct msg *m, struct buf *b)
{
	struct relay *r = &h->r;
	struct buf in, reply;
	struct filter f;
	bool	 done;

	r->neg_msgs++;
	switch (r->neg) {
	case NEG_SILENT:
		return;
	case NEG_ERR:
		msg_neg_err(b, m->subid, "blocked: too many events match");
		q_push(h, b);
		return;
	case NEG_CLOSED:
		msg_closed(b, m->subid, "error: what is NEG-OPEN?");
		q_push(h, b);
		return;
	case NEG_NOTICE:
		msg_notice(b, "ERROR: bad msg: unknown cmd");
		q_push(h, b);
		return;
	case NEG_UNKNOWN:
		msg_notice(b, m->verb == MSG_NEG_OPEN ?
		    "invalid: unknown message type 'NEG-OPEN'" :
		    "invalid: unknown message type 'NEG-MSG'");
		q_push(h, b);
		return;
	case NEG_HONEST:
		break;
	}
	if (m->verb == MSG_NEG_OPEN) {
		assert_false(r->open);
		assert_int_equal(filter_parse_json(msg_neg_filter(m), &f),
		    ERR_OK);
		r->items = lstore_items(&r->st, &f, &r->nitems);
		filter_free(&f);
		assert_int_equal(neg_init(&r->ng, r->items, r->nitems, 0),
		    ERR_OK);
		r->open = true;
	} else
		assert_true(r->open);
	assert_string_equal(m->subid, "sync");
	buf_init(&in, 0);
	buf_init(&reply, 0);
	assert_int_equal(msg_neg_bytes(m, &in), ERR_OK);
	assert_int_equal(neg_reconcile(&r->ng, (const uint8_t *)in.p, in.len,
	    &reply, NULL, NULL, &done), ERR_OK);
	msg_neg_msg(b, m->subid, (const uint8_t *)reply.p, reply.len);
	q_push(h, b);
	buf_free(&in);
	buf_free(&reply);
}

/* net.send: every message the engine sends must parse as a client's. */
static void
net_send(void *arg, const char *p, size_t len)
{
	struct h *h = arg;
	struct relay *r = &h->r;
	struct msg m;
	struct buf b;
	enum err e;

	h->bytes_out += len;
	e = msg_parse(p, len, MSG_FROM_CLIENT, MSG_MAX_SUBID, &m);
	if (e != ERR_OK)
		fail_msg("the engine sent a bad message (%s): %.*s",
		    err_name(e), (int)(len > 200 ? 200 : len), p);
	buf_init(&b, 0);
	switch (m.verb) {
	case MSG_NEG_OPEN:
	case MSG_NEG_MSG:
		relay_on_neg(h, &m, &b);
		break;
	case MSG_NEG_CLOSE:
		r->neg_closes++;
		if (r->neg == NEG_UNKNOWN) {
			msg_notice(&b, "invalid: unknown message type "
			    "'NEG-CLOSE'");
			q_push(h, &b);
		}
		r->open = false;
		break;
	case MSG_REQ:
		relay_on_req(h, &m, &b);
		break;
	case MSG_CLOSE:
		r->closes++;
		break;
	case MSG_EVENT:
		relay_on_event(h, &m, &b);
		break;
	default:
		fail_msg("the engine sent %s", msg_verb_name(m.verb));
	}
	buf_free(&b);
	msg_free(&m);
}

static void
net_note(void *arg, const char *text)
{
	struct h *h = arg;

	strncat(h->notes, text, sizeof(h->notes) - strlen(h->notes) - 2);
	strcat(h->notes, "\n");
}

static enum err
local_ingest(void *arg, const char *json, size_t len, uint64_t *ts)
{
	struct h *h = arg;

	return lstore_ingest(&h->local, json, len, ts);
}

static enum err
h_read_ids(void *arg, const uint8_t (*ids)[32], size_t n, sync_row_fn fn,
    void *rarg)
{
	struct h *h = arg;

	return local_read_ids(&h->local, ids, n, fn, rarg);
}

static enum err
h_read_filter(void *arg, const struct filter *f, sync_row_fn fn, void *rarg)
{
	struct h *h = arg;

	return local_read_filter(&h->local, f, fn, rarg);
}

static void
local_answered(void *arg, const uint8_t id[32], bool ok, const char *reason)
{
	struct h *h = arg;

	h->answered_ids = realloc(h->answered_ids,
	    (h->answered + 1) * sizeof(*h->answered_ids));
	assert_non_null(h->answered_ids);
	memcpy(h->answered_ids[h->answered++], id, 32);
	if (ok)
		h->answered_ok++;
}

static struct h *
h_new(void)
{
	struct h *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	lstore_init(&h->local);
	lstore_init(&h->r.st);
	filter_init(&h->f);
	h->now = 1000000;
	h->p.filter = &h->f;
	h->p.up = h->p.down = true;
	h->p.timeout_ms = TIMEOUT_MS;
	return h;
}

static void
h_free(struct h *h)
{
	size_t	 i;

	sync_free(&h->s);
	for (i = h->qhead; i < h->qtail; i++)
		free(h->q[i]);
	for (i = 0; i < sizeof(h->r.req_json) / sizeof(h->r.req_json[0]); i++)
		free(h->r.req_json[i]);
	free(h->r.items);
	free(h->r.seen);
	free(h->items);
	free(h->answered_ids);
	lstore_free(&h->local);
	lstore_free(&h->r.st);
	filter_free(&h->f);
	free(h);
}

/* This node's key. */
static const uint8_t *
own_pk(void)
{
	static uint8_t pk[32];
	uint8_t	 sk[32];

	tu_seckey(OWN, sk);
	assert_int_equal(crypto_pubkey(sk, pk), ERR_OK);
	return pk;
}

/* sync_init and sync_start over the local set as it is now. */
static void
h_start(struct h *h)
{
	struct sync_net net = { h, net_send, net_note };
	struct sync_local local = { h, h_read_ids, h_read_filter,
	    local_ingest, local_answered };

	free(h->items);
	h->items = lstore_items(&h->local, &h->f, &h->p.nitems);
	h->p.items = h->items;
	assert_int_equal(sync_init(&h->s, &h->p, &net, &local, h->now),
	    ERR_OK);
	assert_int_equal(h->s.phase, SYNC_CONNECT);
	assert_false(sync_over(&h->s));
	h->now += 5;
	sync_start(&h->s, h->now);
}

/* Hands the engine the next frame from the relay.  Returns: false if none. */
static bool
h_step(struct h *h)
{
	struct msg m;
	char	*p;
	size_t	 len;
	enum err e;

	if (h->qhead == h->qtail)
		return false;
	p = h->q[h->qhead];
	len = h->qlen[h->qhead];
	h->q[h->qhead++] = NULL;
	h->now += 1;
	h->bytes_in += len;
	e = msg_parse(p, len, MSG_FROM_RELAY, MSG_MAX_SUBID * 4, &m);
	if (e == ERR_OK) {
		h->turn++;
		sync_rx(&h->s, &m, len, h->now);
	} else
		h->s.rep.bytes += len;	/* as sync_ws does */
	msg_free(&m);
	free(p);
	/* Keep the queue from running off its end. */
	if (h->qhead == h->qtail)
		h->qhead = h->qtail = 0;
	return true;
}

/*
 * Runs until the sync is over, ticking the clock 100 ms at a time when
 * the relay has nothing to say.  Returns: the steps taken; a sync that
 * does not end within MAX_STEPS fails the test.
 */
static unsigned
h_run(struct h *h)
{
	unsigned steps = 0;

	while (!sync_over(&h->s)) {
		if (++steps > MAX_STEPS)
			fail_msg("the sync did not end (phase %d)", h->s.phase);
		if (!h_step(h)) {
			h->now += 100;
			sync_tick(&h->s, h->now);
		}
	}
	/* Whatever the relay still says is ignored now. */
	while (h_step(h))
		;
	return steps;
}

/* The report's byte count is what went both ways. */
static void
expect_bytes(struct h *h)
{
	assert_int_equal(h->s.rep.bytes, h->bytes_out + h->bytes_in);
}

/* a and b hold the same ids. */
static void
expect_same_set(struct lstore *a, struct lstore *b)
{
	size_t	 i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++)
		if (lstore_find(b, a->v[i].id) == NULL)
			fail_msg("event %zu is on one side only", i);
}

/* st holds pool[from .. to). */
static void
expect_holds(struct lstore *st, size_t from, size_t to)
{
	size_t	 i;

	for (i = from; i < to; i++)
		if (lstore_find(st, pool[i].id) == NULL)
			fail_msg("pool event %zu is missing", i);
}

static void
expect_lacks(struct lstore *st, size_t from, size_t to)
{
	size_t	 i;

	for (i = from; i < to; i++)
		if (lstore_find(st, pool[i].id) != NULL)
			fail_msg("pool event %zu should not be here", i);
}

/*
 * The relay's record of EVENTs, a batch per engine turn: at most
 * SYNC_BATCH each, newest first from batch to batch.  With own_rule,
 * own events come before all others and no batch mixes them; nown > 0
 * says some were there to go first.  Returns: the number of batches.
 */
static unsigned
expect_upload_order(struct h *h, bool own_rule, size_t nown)
{
	struct relay *r = &h->r;
	size_t	 i, inturn = 0;
	unsigned turns = 0;
	uint64_t prev_min = UINT64_MAX, cur_min = UINT64_MAX;
	bool	 cur_own = false, seen_other = false;

	for (i = 0; i < r->nseen; i++) {
		if (i == 0 || r->seen[i].turn != r->seen[i - 1].turn) {
			if (i > 0 && !cur_own)
				prev_min = cur_min;
			turns++;
			inturn = 0;
			cur_own = own_rule && r->seen[i].own;
			cur_min = UINT64_MAX;
			if (i == 0 && nown > 0)
				assert_true(cur_own);
		}
		if (own_rule && r->seen[i].own != cur_own)
			fail_msg("a batch mixes own and other events");
		if (!cur_own) {
			seen_other = true;
			/* Newest first across batches (equal at overlaps). */
			if (r->seen[i].ts > prev_min)
				fail_msg("batch %u has an event newer than the "
				    "one before", turns);
			if (r->seen[i].ts < cur_min)
				cur_min = r->seen[i].ts;
		} else if (seen_other)
			fail_msg("an own event after the others");
		if (++inturn > SYNC_BATCH)
			fail_msg("a batch of more than %d", SYNC_BATCH);
	}
	return turns;
}

/* ------------------------------------------------------------------ */

/* Pool indices of own events and of the others, in pool order. */
static size_t
pick(bool own, size_t from, size_t n, size_t *out)
{
	size_t	 i, k = 0;

	for (i = from; i < POOL - 8 && k < n; i++)
		if ((pool[i].who == OWN) == own)
			out[k++] = i;
	assert_int_equal(k, n);
	return k;
}

static void
test_honest(void **state)
{
	struct h *h = h_new();
	size_t	 i;

	/* 0..599 on both, 600..799 local only, 800..1099 relay only. */
	lstore_add_pool(&h->local, 0, 800);
	lstore_add_pool(&h->r.st, 0, 600);
	lstore_add_pool(&h->r.st, 800, 1100);
	h->p.own = own_pk();
	h_start(h);
	assert_int_equal(h->s.phase, SYNC_NEG);
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_DONE);
	assert_false(h->s.rep.fallback);
	assert_int_equal(h->s.rep.have, 200);
	assert_int_equal(h->s.rep.need, 300);
	assert_int_equal(h->s.rep.down_ok, 300);
	assert_int_equal(h->s.rep.down_dup, 0);
	assert_int_equal(h->s.rep.down_bad, 0);
	assert_int_equal(h->s.rep.up_ok, 200);
	assert_int_equal(h->s.rep.up_dup, 0);
	assert_int_equal(h->s.rep.up_bad, 0);
	assert_int_equal(h->s.rep.rounds, h->r.neg_msgs);
	assert_true(h->s.rep.rounds >= 2);
	expect_bytes(h);
	/* Both hold the union, and nothing went twice. */
	expect_holds(&h->local, 0, 1100);
	expect_same_set(&h->local, &h->r.st);
	assert_int_equal(h->r.nseen, 200);
	assert_int_equal(h->answered, 200);
	assert_int_equal(h->answered_ok, 200);
	for (i = 0; i < h->answered; i++)
		assert_non_null(lstore_find(&h->local, h->answered_ids[i]));
	/* One session, closed; one REQ by ids (300 <= SYNC_BATCH), closed. */
	assert_int_equal(h->r.neg_closes, 1);
	assert_int_equal(h->r.reqs, 1);
	assert_int_equal(h->r.closes, 1);
	assert_non_null(strstr(h->r.req_json[0], "\"ids\":["));
	assert_null(strstr(h->r.req_json[0], "until"));
	h_free(h);

	/* Equal sets: one round, nothing moves. */
	h = h_new();
	lstore_add_pool(&h->local, 0, 300);
	lstore_add_pool(&h->r.st, 0, 300);
	h_start(h);
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_DONE);
	assert_int_equal(h->s.rep.rounds, 1);
	assert_int_equal(h->s.rep.have + h->s.rep.need, 0);
	assert_int_equal(h->r.reqs + h->r.nseen, 0);
	expect_bytes(h);
	h_free(h);

	/* Both empty. */
	h = h_new();
	h_start(h);
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_DONE);
	assert_int_equal(h->s.rep.rounds, 1);
	h_free(h);
}

/* More than one batch each way, and the filter is honoured. */
static void
test_honest_batches(void **state)
{
	struct h *h = h_new();

	lstore_add_pool(&h->local, 0, 1200);
	lstore_add_pool(&h->r.st, 0, 100);
	lstore_add_pool(&h->r.st, 1200, 1750);	/* 550: two REQs */
	h_start(h);
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_DONE);
	assert_int_equal(h->s.rep.need, 550);
	assert_int_equal(h->s.rep.have, 1100);
	assert_int_equal(h->s.rep.down_ok, 550);
	assert_int_equal(h->s.rep.up_ok, 1100);
	assert_int_equal(h->r.reqs, 2);
	assert_int_equal(expect_upload_order(h, false, 0), 3);	/* 500+500+100 */
	expect_same_set(&h->local, &h->r.st);
	expect_bytes(h);
	h_free(h);

	/* A filter by author: only that author's events move. */
	h = h_new();
	lstore_add_pool(&h->local, 0, 400);
	lstore_add_pool(&h->r.st, 400, 800);
	h->f.authors = calloc(1, 32);
	memcpy(h->f.authors[0], own_pk(), 32);
	h->f.nauthors = 1;
	h_start(h);
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_DONE);
	assert_int_equal(h->s.rep.have, 100);		/* who == 1: 1 in 4 */
	assert_int_equal(h->s.rep.need, 100);
	assert_int_equal(h->local.n, 500);
	assert_int_equal(h->r.st.n, 500);
	h_free(h);
}

/* Own reports go up first, then the newest; batches never mix them. */
static void
test_upload_order(void **state)
{
	struct h *h = h_new();
	size_t	 own[3], other[1100], i;

	/* The own ones are the oldest, so only the rule puts them first. */
	pick(true, 0, 3, own);
	pick(false, 300, 1100, other);
	for (i = 0; i < 3; i++)
		lstore_add(&h->local, &pool[own[i]]);
	for (i = 0; i < 1100; i++)
		lstore_add(&h->local, &pool[other[i]]);
	h->p.own = own_pk();
	h->p.down = false;
	h_start(h);
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_DONE);
	assert_int_equal(h->s.rep.have, 1103);
	assert_int_equal(h->s.rep.up_ok, 1103);
	assert_int_equal(h->r.nseen, 1103);
	assert_int_equal(h->r.seen[0].own, true);
	/* 3 own, then 500, 500, 100 others. */
	assert_int_equal(expect_upload_order(h, true, 3), 4);
	for (i = 0; i < 3; i++)
		assert_true(h->r.seen[i].own);
	assert_int_equal(h->r.reqs, 0);		/* not down */
	expect_same_set(&h->local, &h->r.st);
	h_free(h);
}

/* Answers that are not for this sync are ignored. */
static void
test_noise(void **state)
{
	struct h *h = h_new();
	struct buf b;
	uint8_t	 id[32];
	size_t	 i;

	lstore_add_pool(&h->local, 0, 50);
	lstore_add_pool(&h->r.st, 25, 75);
	h_start(h);
	buf_init(&b, 0);
	/* Before the relay's answer to NEG-OPEN: other ids and verbs. */
	msg_neg_msg(&b, "other", (const uint8_t *)"\x61", 1);
	q_push(h, &b);
	memset(id, 7, 32);
	msg_ok(&b, id, true, "");
	q_push(h, &b);
	msg_eose(&b, "dl1");
	q_push(h, &b);
	msg_event(&b, "dl1", pool[0].json, pool[0].len);
	q_push(h, &b);
	msg_count(&b, "x", 5);
	q_push(h, &b);
	buf_puts(&b, "[\"NOT-A-VERB\"]");
	q_push(h, &b);
	buf_puts(&b, "not json");
	q_push(h, &b);
	/* These go first: move the relay's real answer behind them. */
	{
		char	*p = h->q[0];
		size_t	 l = h->qlen[0];

		for (i = 0; i + 1 < h->qtail; i++) {
			h->q[i] = h->q[i + 1];
			h->qlen[i] = h->qlen[i + 1];
		}
		h->q[h->qtail - 1] = p;
		h->qlen[h->qtail - 1] = l;
	}
	for (i = 0; i < 7; i++) {
		assert_true(h_step(h));
		assert_int_equal(h->s.phase, SYNC_NEG);
	}
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_DONE);
	assert_false(h->s.rep.fallback);
	assert_int_equal(h->s.rep.down_ok, 25);
	assert_int_equal(h->s.rep.up_ok, 25);
	assert_int_equal(h->answered, 25);
	expect_bytes(h);
	expect_same_set(&h->local, &h->r.st);
	buf_free(&b);
	h_free(h);
}

/*
 * A lying relay: an event not asked for, a forged signature, an id over
 * other content, a non-event, traffic for another subscription, and OKs
 * for ids never sent.  Nothing forged is kept, only OKs for what was
 * sent count, and the sync ends.
 */
static void
test_lying(void **state)
{
	struct h *h = h_new();
	size_t	 i;

	lstore_add_pool(&h->local, 0, 100);
	lstore_add_pool(&h->r.st, 50, 180);
	h->r.lie = true;
	h_start(h);
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_DONE);
	assert_int_equal(h->s.rep.need, 80);
	assert_int_equal(h->s.rep.have, 50);
	/*
	 * The 80 asked for, and the one not asked for: it passed the
	 * ingest path and matches the filter, so it is kept like any other.
	 */
	assert_int_equal(h->s.rep.down_ok, 81);
	assert_int_equal(h->s.rep.down_bad, 3);
	expect_holds(&h->local, 0, 180);
	expect_holds(&h->local, POOL - 1, POOL);
	expect_lacks(&h->local, POOL - 2, POOL - 1);	/* another sub's */
	assert_int_equal(h->local.n, 181);
	/* What is kept is what was signed: no forged copy got in. */
	for (i = 0; i < h->local.n; i++) {
		struct ev *e = &h->local.v[i];
		size_t	 k;

		for (k = 0; k < POOL; k++)
			if (memcmp(pool[k].id, e->id, 32) == 0)
				break;
		assert_true(k < POOL);
		assert_int_equal(e->len, pool[k].len);
		assert_memory_equal(e->json, pool[k].json, e->len);
	}
	/* OKs for ids never sent are not answers. */
	assert_int_equal(h->s.rep.up_ok, 50);
	assert_int_equal(h->s.rep.up_dup, 0);
	assert_int_equal(h->answered, 50);
	for (i = 0; i < h->answered; i++)
		assert_non_null(lstore_find(&h->local, h->answered_ids[i]));
	expect_holds(&h->r.st, 0, 180);
	expect_bytes(h);
	h_free(h);
}

/*
 * A relay that answers a REQ with a stream of events and no EOSE: each
 * would arm the deadline again, so the engine stops at more than it
 * asked for instead of running for ever.
 */
static void
test_stream(void **state)
{
	struct h *h = h_new();

	lstore_add_pool(&h->local, 0, 10);
	lstore_add_pool(&h->r.st, 0, 40);
	h->r.stream = true;
	h_start(h);
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_FAIL);
	assert_non_null(strstr(h->s.err, "more events than were asked"));
	assert_true(h->s.rep.down_ok + h->s.rep.down_dup <= SYNC_BATCH);
	h_free(h);
}

/* No answer to NEG-OPEN: after timeout_ms, REQ and EVENT instead. */
static void
test_silent_neg(void **state)
{
	struct h *h = h_new();
	uint64_t start;

	lstore_add_pool(&h->local, 0, 60);
	lstore_add_pool(&h->r.st, 30, 100);
	h->r.neg = NEG_SILENT;
	h_start(h);
	start = h->now;
	/* Silence up to the deadline is allowed ... */
	sync_tick(&h->s, start + TIMEOUT_MS);
	assert_int_equal(h->s.phase, SYNC_NEG);
	assert_int_equal(h->r.reqs, 0);
	/* ... one millisecond past it is not. */
	h->now = start + TIMEOUT_MS + 1;
	sync_tick(&h->s, h->now);
	assert_int_equal(h->s.phase, SYNC_FB_DOWN);
	assert_true(h->s.rep.fallback);
	assert_int_equal(h->r.reqs, 1);
	assert_non_null(strstr(h->notes, "NIP-77"));
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_DONE);
	assert_int_equal(h->s.rep.rounds, 1);
	assert_int_equal(h->s.rep.down_ok, 40);
	assert_int_equal(h->s.rep.down_dup, 30);
	/* Everything local goes up, what just came down too. */
	assert_int_equal(h->s.rep.up_ok, 30);
	assert_int_equal(h->s.rep.up_dup, 70);
	expect_same_set(&h->local, &h->r.st);
	expect_bytes(h);
	h_free(h);
}

/* Silence later is a failed sync, whatever the step. */
static void
test_silent_later(void **state)
{
	struct h *h;
	int	 k;

	for (k = 0; k < 3; k++) {
		h = h_new();
		lstore_add_pool(&h->local, 0, 60);
		lstore_add_pool(&h->r.st, 30, 100);
		if (k == 0)
			h->r.silent_req = true;		/* DOWN */
		else if (k == 1)
			h->r.silent_ok = true;		/* UP */
		else {
			h->r.neg = NEG_NOTICE;		/* FB_DOWN */
			h->r.silent_req = true;
		}
		h_start(h);
		h_run(h);
		assert_int_equal(h->s.phase, SYNC_FAIL);
		assert_string_equal(h->s.err, "timed out waiting for the relay");
		if (k == 1)
			assert_int_equal(h->r.nseen, 30);
		h_free(h);
	}
	/* Never connected. */
	h = h_new();
	{
		struct sync_net net = { h, net_send, net_note };
		struct sync_local local = { h, h_read_ids, h_read_filter,
		    local_ingest, local_answered };

		assert_int_equal(sync_init(&h->s, &h->p, &net, &local, h->now),
		    ERR_OK);
		sync_tick(&h->s, h->now + TIMEOUT_MS);
		assert_int_equal(h->s.phase, SYNC_CONNECT);
		sync_tick(&h->s, h->now + TIMEOUT_MS + 1);
		assert_int_equal(h->s.phase, SYNC_FAIL);
		assert_string_equal(h->s.err, "timed out connecting");
		assert_int_equal(h->bytes_out, 0);
	}
	h_free(h);
}

/* NEG-ERR, CLOSED or NOTICE for NEG-OPEN: the REQ/EVENT fallback. */
static void
test_neg_refused(void **state)
{
	static const enum neg_mode modes[] = { NEG_ERR, NEG_CLOSED,
	    NEG_NOTICE };
	struct h *h;
	size_t	 i;

	for (i = 0; i < 3; i++) {
		h = h_new();
		lstore_add_pool(&h->local, 0, 80);
		lstore_add_pool(&h->r.st, 40, 130);
		h->r.neg = modes[i];
		h->p.own = own_pk();
		h_start(h);
		assert_true(h_step(h));		/* the refusal */
		assert_true(h->s.rep.fallback);
		assert_int_equal(h->s.phase, SYNC_FB_DOWN);
		assert_int_equal(h->r.reqs, 1);
		assert_non_null(strstr(h->notes, msg_verb_name(
		    modes[i] == NEG_ERR ? MSG_NEG_ERR : modes[i] == NEG_CLOSED ?
		    MSG_CLOSED : MSG_NOTICE)));
		h_run(h);
		assert_int_equal(h->s.phase, SYNC_DONE);
		assert_int_equal(h->s.rep.rounds, 1);
		assert_int_equal(h->s.rep.have + h->s.rep.need, 0);
		assert_int_equal(h->s.rep.down_ok, 50);
		assert_int_equal(h->s.rep.down_dup, 40);
		assert_int_equal(h->s.rep.down_bad, 0);
		assert_int_equal(h->s.rep.up_ok, 40);
		assert_int_equal(h->s.rep.up_dup, 90);
		assert_int_equal(h->s.rep.up_bad, 0);
		assert_int_equal(h->r.neg_msgs, 1);
		expect_upload_order(h, true, 1);
		expect_same_set(&h->local, &h->r.st);
		expect_bytes(h);
		h_free(h);
	}
}

/* created_at of the oldest event in a REQ's answer, from the relay. */
static uint64_t
oldest_served(struct lstore *st, const char *fj)
{
	struct filter f;
	size_t	*idx, n;
	uint64_t ts = UINT64_MAX;

	assert_int_equal(filter_parse(fj, strlen(fj), &f), ERR_OK);
	n = lstore_match(st, &f, RELAY_LIMIT, &idx);
	if (n > 0)
		ts = st->v[idx[n - 1]].ts;
	free(idx);
	filter_free(&f);
	return ts;
}

/*
 * The fallback download: windows of SYNC_BATCH newest first, each
 * until at the oldest second of the window before, so that events
 * sharing that second are not skipped.  The pool has three events a
 * second; thirty more share one second near the first window's end.
 */
static void
test_fallback_windows(void **state)
{
	struct h *h = h_new();
	size_t	 i, k;
	uint64_t until, prev;
	char	 name[32];

	lstore_add_pool(&h->r.st, 0, 1300);
	for (i = 0; i < 30; i++) {
		struct ev e;
		char	*j;

		snprintf(name, sizeof(name), "crowd %zu", i);
		/* 1300 events, 3 a second: the 500th newest is near 266. */
		j = tu_event(2, BASE_TS + 266, 1, "[]", name);
		memset(&e, 0, sizeof(e));
		e.json = j;
		e.len = strlen(j);
		e.ts = BASE_TS + 266;
		tu_event_id(j, e.id);
		lstore_add(&h->r.st, &e);
		free(j);
	}
	h->r.neg = NEG_NOTICE;
	h->p.up = false;
	h_start(h);
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_DONE);
	expect_same_set(&h->local, &h->r.st);
	assert_int_equal(h->s.rep.down_ok, 1330);
	assert_int_equal(h->s.rep.down_bad, 0);
	assert_true(h->s.rep.down_dup > 0);	/* the overlaps */
	assert_int_equal(h->r.nseen, 0);	/* not up */
	assert_true(h->r.reqs >= 3 && h->r.reqs < 64);
	/* Each window: limit SYNC_BATCH, until at the last one's oldest. */
	prev = UINT64_MAX;
	for (k = 0; k < h->r.reqs; k++) {
		struct filter f;
		const char *fj = h->r.req_json[k];

		assert_non_null(strstr(fj, "\"limit\":500"));
		assert_int_equal(filter_parse(fj, strlen(fj), &f), ERR_OK);
		until = f.until;
		filter_free(&f);
		if (k == 0)
			assert_true(until == UINT64_MAX);
		else
			assert_true(until == prev);
		prev = oldest_served(&h->r.st, fj);
	}
	expect_bytes(h);
	h_free(h);
}

/* A window that one second fills alone steps past that second. */
static void
test_fallback_one_second(void **state)
{
	struct h *h = h_new();
	size_t	 i;

	/* 520 events at one second, then 40 older ones. */
	for (i = 0; i < 560; i++) {
		struct ev e;
		char	 c[32], *j;
		uint64_t ts = i < 520 ? BASE_TS + 5000 : BASE_TS + i;

		snprintf(c, sizeof(c), "same second %zu", i);
		j = tu_event(3, ts, 1, "[]", c);
		memset(&e, 0, sizeof(e));
		e.json = j;
		e.len = strlen(j);
		e.ts = ts;
		tu_event_id(j, e.id);
		lstore_add(&h->r.st, &e);
		free(j);
	}
	h->r.neg = NEG_CLOSED;
	h->p.up = false;
	h_start(h);
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_DONE);
	/*
	 * Paging by time cannot reach past 500 events of one second: the
	 * 20 left there are for a later sync, but the older ones arrive.
	 */
	assert_int_equal(h->s.rep.down_ok, 540);
	for (i = 0; i < h->r.st.n; i++)
		if (h->r.st.v[i].ts != BASE_TS + 5000)
			assert_non_null(lstore_find(&h->local,
			    h->r.st.v[i].id));
	h_free(h);
}

/* The fallback upload sends every local event, own first. */
static void
test_fallback_upload(void **state)
{
	struct h *h = h_new();

	lstore_add_pool(&h->local, 0, 1300);
	h->r.neg = NEG_NOTICE;
	h->p.own = own_pk();
	h_start(h);
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_DONE);
	expect_same_set(&h->local, &h->r.st);
	assert_int_equal(h->s.rep.up_ok, 1300);
	assert_int_equal(h->s.rep.up_ok + h->s.rep.up_dup, h->r.nseen);
	assert_int_equal(h->s.rep.down_ok, 0);
	/* 325 own in one window, then the others in windows of 500. */
	assert_true(expect_upload_order(h, true, 325) >= 3);
	assert_int_equal(h->answered, h->r.nseen);
	expect_bytes(h);
	h_free(h);
}

/* A relay without NIP-77: everything through REQ and EVENT. */
static void
test_no_nip77(void **state)
{
	struct h *h = h_new();

	lstore_add_pool(&h->local, 0, 700);
	lstore_add_pool(&h->r.st, 500, 1250);
	h->r.neg = NEG_UNKNOWN;
	h->p.own = own_pk();
	h_start(h);
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_DONE);
	assert_true(h->s.rep.fallback);
	assert_int_equal(h->s.rep.down_ok, 550);
	assert_int_equal(h->s.rep.up_ok, 500);
	assert_int_equal(h->s.rep.down_bad + h->s.rep.up_bad, 0);
	expect_same_set(&h->local, &h->r.st);
	expect_holds(&h->local, 0, 1250);
	expect_upload_order(h, true, 1);
	expect_bytes(h);
	h_free(h);
}

/* A relay that ignores until must not keep the sync going for ever. */
static void
test_fallback_until_ignored(void **state)
{
	struct h *h = h_new();

	lstore_add_pool(&h->r.st, 0, 1200);
	h->r.neg = NEG_NOTICE;
	h->r.ignore_until = true;
	h->p.up = false;
	h_start(h);
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_DONE);
	assert_int_equal(h->s.rep.down_ok, 500);	/* what it would serve */
	assert_true(h->r.reqs <= 3);
	h_free(h);
}

/* Up only, down only: the other direction moves nothing. */
static void
test_one_way(void **state)
{
	struct h *h;
	int	 up, fb;

	for (fb = 0; fb < 2; fb++)
		for (up = 0; up < 2; up++) {
			h = h_new();
			lstore_add_pool(&h->local, 0, 300);
			lstore_add_pool(&h->r.st, 200, 600);
			h->p.up = up;
			h->p.down = !up;
			if (fb)
				h->r.neg = NEG_NOTICE;
			h_start(h);
			h_run(h);
			assert_int_equal(h->s.phase, SYNC_DONE);
			if (!fb) {
				assert_int_equal(h->s.rep.have, 200);
				assert_int_equal(h->s.rep.need, 300);
			}
			if (up) {
				assert_int_equal(h->s.rep.up_ok, 200);
				assert_int_equal(h->r.reqs, 0);
				assert_int_equal(h->s.rep.down_ok, 0);
				assert_int_equal(h->local.n, 300);
				expect_holds(&h->r.st, 0, 600);
			} else {
				assert_int_equal(h->s.rep.down_ok, 300);
				assert_int_equal(h->r.nseen, 0);
				assert_int_equal(h->r.st.n, 400);
				expect_holds(&h->local, 0, 600);
			}
			expect_bytes(h);
			h_free(h);
		}
}

/* The connection lost at any point: SYNC_FAIL with the reason. */
static void
test_lost(void **state)
{
	struct h *h = h_new();
	uint64_t bytes;

	lstore_add_pool(&h->local, 0, 100);
	lstore_add_pool(&h->r.st, 50, 700);
	h_start(h);
	/* Run into the download, then drop the link. */
	while (h->s.phase == SYNC_NEG)
		assert_true(h_step(h));
	assert_int_equal(h->s.phase, SYNC_DOWN);
	assert_true(h_step(h));
	assert_int_equal(h->s.rep.down_ok, 1);
	sync_lost(&h->s, "reset by peer");
	assert_int_equal(h->s.phase, SYNC_FAIL);
	assert_true(sync_over(&h->s));
	assert_string_equal(h->s.err, "reset by peer");
	/* Later messages change nothing but the byte count. */
	bytes = h->s.rep.bytes;
	while (h_step(h))
		;
	assert_int_equal(h->s.phase, SYNC_FAIL);
	assert_true(h->s.rep.bytes > bytes);
	assert_int_equal(h->s.rep.down_ok, 1);
	/* A second loss does not overwrite the first reason. */
	sync_lost(&h->s, "again");
	assert_string_equal(h->s.err, "reset by peer");
	h_free(h);

	/* Without a reason, and after the end: nothing changes. */
	h = h_new();
	lstore_add_pool(&h->local, 0, 10);
	h_start(h);
	sync_lost(&h->s, NULL);
	assert_int_equal(h->s.phase, SYNC_FAIL);
	assert_string_equal(h->s.err, "the relay closed the connection");
	h_free(h);
	h = h_new();
	lstore_add_pool(&h->local, 0, 10);
	h_start(h);
	h_run(h);
	assert_int_equal(h->s.phase, SYNC_DONE);
	sync_lost(&h->s, "bye");
	assert_int_equal(h->s.phase, SYNC_DONE);
	h_free(h);

	/* Lost while waiting for OKs in the fallback upload. */
	h = h_new();
	lstore_add_pool(&h->local, 0, 100);
	h->r.neg = NEG_NOTICE;
	h->r.silent_ok = true;
	h_start(h);
	while (h->s.phase != SYNC_FB_UP)
		assert_true(h_step(h));
	sync_lost(&h->s, NULL);
	assert_int_equal(h->s.phase, SYNC_FAIL);
	h_free(h);
}

/* Malformed NIP-77 from the relay ends the sync, no fallback. */
static void
test_bad_neg_msg(void **state)
{
	struct h *h;
	struct buf b;
	int	 k;

	for (k = 0; k < 2; k++) {
		h = h_new();
		lstore_add_pool(&h->local, 0, 10);
		h->r.neg = NEG_SILENT;
		h_start(h);
		buf_init(&b, 0);
		if (k == 0)
			buf_puts(&b, "[\"NEG-MSG\",\"sync\",\"61G\"]");
		else
			msg_neg_msg(&b, "sync", (const uint8_t *)"\x61\x7f\x7f",
			    3);
		q_push(h, &b);
		buf_free(&b);
		h_run(h);
		assert_int_equal(h->s.phase, SYNC_FAIL);
		assert_false(h->s.rep.fallback);
		assert_non_null(strstr(h->s.err, "malformed"));
		h_free(h);
	}
}

static int
setup(void **state)
{
	size_t	 i;
	char	 c[64];
	uint8_t	 scratch[EVENT_SCRATCH(512)];
	struct event ev;

	crypto_init();
	for (i = 0; i < POOL; i++) {
		/* Four authors in turn, three events a second. */
		int	 who = 1 + (int)(i % 4);
		uint64_t ts = BASE_TS + i / 3;

		snprintf(c, sizeof(c), "report %zu", i);
		pool[i].json = tu_event(who, ts, 1, "[]", c);
		pool[i].len = strlen(pool[i].json);
		pool[i].ts = ts;
		pool[i].who = who;
		if (event_parse(pool[i].json, pool[i].len, NULL, &ev, scratch,
		    sizeof(scratch)) != ERR_OK)
			return -1;
		memcpy(pool[i].id, ev.id, 32);
	}
	return 0;
}

static int
teardown(void **state)
{
	size_t	 i;

	for (i = 0; i < POOL; i++)
		free(pool[i].json);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_honest),
		cmocka_unit_test(test_honest_batches),
		cmocka_unit_test(test_upload_order),
		cmocka_unit_test(test_noise),
		cmocka_unit_test(test_lying),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_silent_neg),
		cmocka_unit_test(test_silent_later),
		cmocka_unit_test(test_neg_refused),
		cmocka_unit_test(test_fallback_windows),
		cmocka_unit_test(test_fallback_one_second),
		cmocka_unit_test(test_fallback_upload),
		cmocka_unit_test(test_no_nip77),
		cmocka_unit_test(test_fallback_until_ignored),
		cmocka_unit_test(test_one_way),
		cmocka_unit_test(test_lost),
		cmocka_unit_test(test_bad_neg_msg),
	};

	return cmocka_run_group_tests_name("sync", tests, setup, teardown);
}
