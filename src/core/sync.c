/*
 * sync.c: the sync engine of sync.h.  A small state machine driven by
 * what the relay sends and by the clock: every step arms a deadline, and
 * silence past it means a relay without NIP-77 while NEG-OPEN is pending,
 * and a failed sync anywhere else (which can simply be run again: what was
 * copied is kept).  Pure: messages out go through net.send, local events
 * come from local.read_*, received ones go to local.ingest.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "sync.h"

static void	next_step(struct sync *);

static void __attribute__((format(printf, 2, 3)))
note(struct sync *s, const char *fmt, ...)
{
	char	 text[300];
	va_list	 ap;

	if (s->net.note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	s->net.note(s->net.arg, text);
}

static void
fail(struct sync *s, const char *why)
{
	if (s->phase != SYNC_FAIL)
		snprintf(s->err, sizeof(s->err), "%s", why);
	s->phase = SYNC_FAIL;
}

static void
arm(struct sync *s)
{
	s->deadline = s->now + s->p.timeout_ms;
}

/* Sends the message built in s->out. */
static void
send_out(struct sync *s)
{
	if (s->out.err)
		fail(s, "out of memory");
	else {
		s->net.send(s->net.arg, s->out.p, s->out.len);
		s->rep.bytes += s->out.len;
	}
	buf_reset(&s->out);
}

static void
ids_add(struct sync_ids *l, const uint8_t id[32])
{
	uint8_t	(*n)[32];

	if (l->n == l->cap) {
		size_t	 ncap = l->cap ? l->cap * 2 : 1024;

		if ((n = realloc(l->v, ncap * 32)) == NULL)
			return;		/* counted short; the next run catches up */
		l->v = n;
		l->cap = ncap;
	}
	memcpy(l->v[l->n++], id, 32);
}

static void
on_id(void *arg, const uint8_t id[32], bool have)
{
	struct sync *s = arg;

	ids_add(have ? &s->have : &s->need, id);
}

enum err
sync_init(struct sync *s, const struct sync_params *p,
    const struct sync_net *net, const struct sync_local *local, uint64_t now)
{
	memset(s, 0, sizeof(*s));
	s->p = *p;
	s->net = *net;
	s->local = *local;
	s->phase = SYNC_CONNECT;
	buf_init(&s->out, 0);
	s->now = now;
	arm(s);				/* for connecting */
	return ERR_OK;
}

void
sync_free(struct sync *s)
{
	free(s->have.v);
	free(s->need.v);
	free(s->unacked.v);
	buf_free(&s->out);
	free(s->scratch);
	memset(s, 0, sizeof(*s));
}

bool
sync_over(const struct sync *s)
{
	return s->phase == SYNC_DONE || s->phase == SYNC_FAIL;
}

void
sync_start(struct sync *s, uint64_t now)
{
	struct buf m;
	enum err e;

	s->now = now;
	buf_init(&m, 0);
	if (s->p.storage != NULL)
		e = neg_init_storage(&s->ng, s->p.storage, s->p.storage_arg,
		    SYNC_NEG_FRAME);
	else
		e = neg_init(&s->ng, s->p.items, s->p.nitems, SYNC_NEG_FRAME);
	/* Our frames stay under SYNC_NEG_FRAME; short runs go as sums. */
	s->ng.split_leaves = true;
	if (e == ERR_OK)
		e = neg_initiate(&s->ng, &m);
	if (e == ERR_OK && m.err)
		e = ERR_NOMEM;
	if (e != ERR_OK)
		fail(s, e == ERR_NOMEM ? "negentropy: out of memory" :
		    "negentropy: reading the local set failed");
	else {
		msg_neg_open(&s->out, "sync", s->p.filter,
		    (const uint8_t *)m.p, m.len);
		send_out(s);
		s->rep.rounds++;
		s->phase = SYNC_NEG;
	}
	buf_free(&m);
	arm(s);
}

/* A REQ for the next batch of needed ids. */
static bool
req_ids(struct sync *s)
{
	struct filter f;
	size_t	 take;

	if (s->need.next >= s->need.n)
		return false;
	take = s->need.n - s->need.next < SYNC_BATCH ?
	    s->need.n - s->need.next : SYNC_BATCH;
	filter_init(&f);
	f.ids = &s->need.v[s->need.next];
	f.nids = take;
	snprintf(s->req_sub, sizeof(s->req_sub), "dl%u", ++s->req_seq);
	msg_req(&s->out, s->req_sub, &f, 1);
	send_out(s);
	s->need.next += take;
	s->batch_got = 0;
	arm(s);
	return true;
}

static int
upload(const char *json, size_t len, void *arg)
{
	struct sync *s = arg;
	uint8_t	 id[32];
	size_t	 n = s->unacked.n;

	/* Kept so that only an OK with this id counts as its answer. */
	if (!json_find_hex_field(json, json + len, "id", id, 32))
		return 0;
	ids_add(&s->unacked, id);
	if (s->unacked.n == n) {
		fail(s, "out of memory");
		return 1;
	}
	msg_publish(&s->out, json, len);
	send_out(s);
	return 0;
}

struct prio {
	uint64_t	 created_at;
	bool		 own;
	uint8_t		 id[32];
};

static int
prio_by_id(const void *a, const void *b)
{
	return memcmp(((const struct prio *)a)->id,
	    ((const struct prio *)b)->id, 32);
}

static int
prio_order(const void *a, const void *b)
{
	const struct prio *x = a, *y = b;

	if (x->own != y->own)
		return x->own ? -1 : 1;
	if (x->created_at != y->created_at)
		return x->created_at > y->created_at ? -1 : 1;
	return memcmp(x->id, y->id, 32);
}

struct mark {
	struct prio	*v;
	size_t		 n;
};

static int
mark_own(const char *json, size_t len, void *arg)
{
	struct mark *m = arg;
	struct prio key, *hit;

	if (!json_find_hex_field(json, json + len, "id", key.id, 32))
		return 0;
	if ((hit = bsearch(&key, m->v, m->n, sizeof(*m->v), prio_by_id)) !=
	    NULL)
		hit->own = true;
	return 0;
}

/*
 * What the relay lacks goes up in the order that matters when the window
 * may close at any moment: this node's own reports first, then the
 * newest.
 */
static void
prioritize(struct sync *s)
{
	struct prio *v, key, *hit;
	struct filter f;
	struct mark m;
	size_t	 i, n = s->have.n;

	if (n < 2 || (v = calloc(n, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < n; i++)
		memcpy(v[i].id, s->have.v[i], 32);
	qsort(v, n, sizeof(*v), prio_by_id);
	for (i = 0; i < s->p.nitems; i++) {
		memcpy(key.id, s->p.items[i].id, 32);
		if ((hit = bsearch(&key, v, n, sizeof(*v), prio_by_id)) != NULL)
			hit->created_at = s->p.items[i].ts;
	}
	if (s->p.own != NULL) {
		filter_init(&f);
		f.authors = (uint8_t (*)[32])(uintptr_t)s->p.own;
		f.nauthors = 1;
		m.v = v;
		m.n = n;
		(void)s->local.read_filter(s->local.arg, &f, mark_own, &m);
	}
	qsort(v, n, sizeof(*v), prio_order);
	s->have_own = 0;
	for (i = 0; i < n; i++) {
		memcpy(s->have.v[i], v[i].id, 32);
		if (v[i].own)
			s->have_own++;
	}
	free(v);
}

/* Sends the next batch of events the relay lacks. */
static bool
push_ids(struct sync *s)
{
	size_t	 take;

	while (s->have.next < s->have.n && s->phase == SYNC_UP) {
		take = s->have.n - s->have.next < SYNC_BATCH ?
		    s->have.n - s->have.next : SYNC_BATCH;
		/* A batch may come back in any order: never mix own and others. */
		if (s->have.next < s->have_own &&
		    s->have.next + take > s->have_own)
			take = s->have_own - s->have.next;
		if (s->local.read_ids(s->local.arg,
		    (const uint8_t (*)[32])&s->have.v[s->have.next], take,
		    upload, s) != ERR_OK)
			fail(s, "reading the local store failed");
		s->have.next += take;
		arm(s);
		if (s->unacked.n > 0)
			return true;
	}
	return false;
}

/* Fallback: the next window of the relay's events, newest first. */
static void
req_window(struct sync *s)
{
	struct filter w = *s->p.filter;		/* shares its lists */

	w.has_limit = true;
	w.limit = SYNC_BATCH;
	if (s->fb_until != UINT64_MAX)
		w.until = s->fb_until;
	snprintf(s->req_sub, sizeof(s->req_sub), "fb%u", ++s->req_seq);
	msg_req(&s->out, s->req_sub, &w, 1);
	send_out(s);
	s->batch_got = 0;
	s->fb_min = UINT64_MAX;
	arm(s);
}

static int
fb_push_one(const char *json, size_t len, void *arg)
{
	struct sync *s = arg;
	struct event ev;
	bool	 again = false;

	/* Local rows were checked when they came in: parse, no more. */
	if (s->scratchsz < EVENT_SCRATCH(len)) {
		void	*p = realloc(s->scratch, EVENT_SCRATCH(len));

		if (p == NULL)
			return 1;
		s->scratch = p;
		s->scratchsz = EVENT_SCRATCH(len);
	}
	if (event_parse(json, len, NULL, &ev, s->scratch, s->scratchsz) ==
	    ERR_OK) {
		if (ev.created_at < s->fb_up_until)
			s->fb_up_until = ev.created_at;
		/* The own pass sent it already. */
		again = s->fb_own == 2 && s->p.filter->nauthors == 0 &&
		    s->p.own != NULL && memcmp(ev.pubkey, s->p.own, 32) == 0;
	}
	s->fb_up_rows++;
	return again ? 0 : upload(json, len, arg);
}

/*
 * Fallback upload: our events matching the filter, newest first, a
 * window at a time.  Windows overlap by their oldest second so that no
 * event sharing it is skipped; the relay answers those as duplicates.
 */
static bool
fb_push(struct sync *s)
{
	struct filter f = *s->p.filter;		/* shares its lists */
	uint64_t before = s->fb_up_until;

	if (s->fb_up_done)
		return false;
	if (s->fb_own == 1) {
		f.authors = (uint8_t (*)[32])(uintptr_t)s->p.own;
		f.nauthors = 1;
	}
	f.has_limit = true;
	f.limit = SYNC_BATCH;
	f.until = s->fb_up_until;
	if (f.until < f.since) {
		s->fb_up_done = true;
		return false;
	}
	s->fb_up_rows = 0;
	s->fb_up_until = UINT64_MAX;
	if (s->local.read_filter(s->local.arg, &f, fb_push_one, s) != ERR_OK)
		fail(s, "reading the local store failed");
	if (s->fb_up_rows < SYNC_BATCH || s->fb_up_until == 0)
		s->fb_up_done = true;		/* this was the last window */
	else if (s->fb_up_until >= before)	/* one second fills a window */
		s->fb_up_until = before - 1;
	arm(s);
	return s->unacked.n > 0;
}

/* Moves to the next phase once the current one has nothing left. */
static void
next_step(struct sync *s)
{
	for (;;) {
		switch (s->phase) {
		case SYNC_NEG:
			s->phase = SYNC_DOWN;
			continue;
		case SYNC_DOWN:
			if (s->p.down && req_ids(s))
				return;
			s->phase = SYNC_UP;
			continue;
		case SYNC_UP:
			if (s->p.up && push_ids(s))
				return;
			if (s->phase == SYNC_UP)
				s->phase = SYNC_DONE;
			return;
		case SYNC_FB_DOWN:
			if (s->p.down && s->fb_until > 0) {
				req_window(s);
				return;
			}
			s->phase = SYNC_FB_UP;
			s->fb_up_until = UINT64_MAX;
			s->fb_up_done = false;
			s->fb_own = s->p.own != NULL &&
			    s->p.filter->nauthors == 0 ? 1 : 2;
			continue;
		case SYNC_FB_UP:
			while (s->p.up && !s->fb_up_done &&
			    s->phase == SYNC_FB_UP)
				if (fb_push(s))
					return;
			/* The own events went first; now all, newest first. */
			if (s->phase == SYNC_FB_UP && s->fb_own == 1) {
				s->fb_own = 2;
				s->fb_up_done = false;
				s->fb_up_until = UINT64_MAX;
				continue;
			}
			if (s->phase == SYNC_FB_UP)
				s->phase = SYNC_DONE;
			return;
		default:
			return;
		}
	}
}

static void
fallback(struct sync *s, const char *why)
{
	note(s, "the relay does not do NIP-77 (%s); using REQ and EVENT "
	    "instead", why);
	s->rep.fallback = true;
	s->phase = SYNC_FB_DOWN;
	s->fb_until = UINT64_MAX;
	next_step(s);
}

static void
on_neg_msg(struct sync *s, const struct msg *m)
{
	struct buf in, reply;
	bool	 done = false;
	enum err e = ERR_OK;

	buf_init(&in, 0);
	buf_init(&reply, 0);
	if (msg_neg_bytes(m, &in) != ERR_OK)
		fail(s, "the relay sent a malformed NEG-MSG");
	else if ((e = neg_reconcile(&s->ng, (const uint8_t *)in.p, in.len,
	    &reply, on_id, s, &done)) != ERR_OK || reply.err)
		fail(s, e == ERR_NEG ?
		    "the relay sent a malformed negentropy message" :
		    e == ERR_OK || e == ERR_NOMEM ? "negentropy: out of memory" :
		    "negentropy: reading the local set failed");
	else if (done) {
		msg_neg_close(&s->out, "sync");
		send_out(s);
		s->rep.have = s->have.n;
		s->rep.need = s->need.n;
		prioritize(s);
		next_step(s);
	} else {
		msg_neg_msg(&s->out, "sync", (const uint8_t *)reply.p,
		    reply.len);
		send_out(s);
		s->rep.rounds++;
		arm(s);
	}
	buf_free(&in);
	buf_free(&reply);
}

/* An event the relay sent for the REQ open now. */
static void
on_event(struct sync *s, const struct msg *m)
{
	uint64_t ts = UINT64_MAX;	/* stays so if it does not parse */
	enum err e;

	/*
	 * A REQ asks for at most SYNC_BATCH events (ids, or a window's
	 * limit): a relay that streams more without EOSE would hold the
	 * sync for ever, each event arming the deadline again.
	 */
	if (++s->batch_got > SYNC_BATCH) {
		fail(s, "the relay sent more events than were asked for");
		return;
	}
	e = s->local.ingest(s->local.arg, m->event, m->eventlen, &ts);
	if (e == ERR_OK)
		s->rep.down_ok++;
	else if (e == ERR_DUPLICATE || e == ERR_HAVE_NEWER ||
	    e == ERR_EPHEMERAL || e == ERR_DELETED)
		s->rep.down_dup++;
	else if (s->rep.down_bad++ < 10) {
		char	 why[200];

		note(s, "the relay sent an event we reject: %s",
		    err_reason(e, why, sizeof(why)));
	}
	if (s->phase == SYNC_FB_DOWN && ts < s->fb_min)
		s->fb_min = ts;
	arm(s);
}

/* The REQ open now is over (EOSE, or the relay CLOSED it). */
static void
on_eose(struct sync *s)
{
	s->req_sub[0] = '\0';
	if (s->phase == SYNC_FB_DOWN) {
		/* A full window: step before its oldest event (or past a
		 * timestamp that alone fills a window). */
		if (s->batch_got < SYNC_BATCH || s->fb_min == 0 ||
		    s->fb_min == UINT64_MAX)
			s->fb_until = 0;
		else if (s->fb_min < s->fb_until)
			s->fb_until = s->fb_min;
		else if (s->fb_min == s->fb_until)
			s->fb_until = s->fb_min - 1;
		else		/* all newer than asked: it ignores until */
			s->fb_until = 0;
	}
	next_step(s);
}

static void
on_ok(struct sync *s, const struct msg *m)
{
	size_t	 i;

	for (i = 0; i < s->unacked.n; i++)
		if (memcmp(s->unacked.v[i], m->id, 32) == 0)
			break;
	if (i == s->unacked.n)
		return;		/* not an answer to us */
	memcpy(s->unacked.v[i], s->unacked.v[--s->unacked.n], 32);
	if (s->local.answered != NULL)
		s->local.answered(s->local.arg, m->id, m->ok, m->text);
	if (m->ok) {
		if (strncmp(m->text, "duplicate:", 10) == 0)
			s->rep.up_dup++;
		else
			s->rep.up_ok++;
	} else if (s->rep.up_bad++ < 10)
		note(s, "the relay refused an event: %s",
		    m->text[0] ? m->text : "(no reason)");
	if (s->unacked.n == 0)
		next_step(s);
	else
		arm(s);
}

void
sync_rx(struct sync *s, const struct msg *m, size_t wire_len, uint64_t now)
{
	bool	 ours = s->req_sub[0] != '\0' &&
	    strcmp(m->subid, s->req_sub) == 0;

	s->now = now;
	s->rep.bytes += wire_len;
	if (sync_over(s))
		return;
	switch (m->verb) {
	case MSG_NEG_MSG:
		if (s->phase == SYNC_NEG && strcmp(m->subid, "sync") == 0)
			on_neg_msg(s, m);
		break;
	case MSG_NEG_ERR:
	case MSG_CLOSED:
	case MSG_NOTICE:
		if (s->phase == SYNC_NEG)
			fallback(s, msg_verb_name(m->verb));
		else if (m->verb == MSG_NOTICE)
			note(s, "the relay says: %s", m->text);
		else if (m->verb == MSG_CLOSED && ours)
			on_eose(s);
		break;
	case MSG_EVENT:
		if (ours && (s->phase == SYNC_DOWN ||
		    s->phase == SYNC_FB_DOWN))
			on_event(s, m);
		break;
	case MSG_EOSE:
		if (ours) {
			msg_close(&s->out, m->subid);
			send_out(s);
			on_eose(s);
		}
		break;
	case MSG_OK:
		on_ok(s, m);
		break;
	default:
		break;
	}
}

void
sync_tick(struct sync *s, uint64_t now)
{
	s->now = now;
	if (sync_over(s) || now <= s->deadline)
		return;
	if (s->phase == SYNC_NEG)
		fallback(s, "no answer to NEG-OPEN");
	else if (s->phase == SYNC_CONNECT)
		fail(s, "timed out connecting");
	else
		fail(s, "timed out waiting for the relay");
}

void
sync_lost(struct sync *s, const char *why)
{
	if (s->phase != SYNC_DONE)
		fail(s, why != NULL ? why : "the relay closed the connection");
}
