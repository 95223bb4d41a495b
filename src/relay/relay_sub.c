/*
 * relay_sub.c: REQ, COUNT and CLOSE (relay_int.h): a subscription's
 * stored answer, then its place among the live ones that relay_tx.c
 * delivers to.
 *
 * A stored answer is streamed: a store cursor (store_cursor.c) gives it a
 * page at a time as the client reads, never more than the connection's
 * high-water mark queued (max_output_buffer, at most STREAM_HIGH), so a
 * REQ gets every match up to its limit however slowly it reads, and a
 * thousand clients that never read cost a thousand small queues.  The
 * answer is what was delivered when the REQ came (the cursor stops at
 * the relay's delivery position); the subscription goes live after EOSE,
 * first catching up, the same way, on what was stored meanwhile.  Each
 * flush streams at most STREAM_TURN bytes in all, connection after
 * connection, and stops while all queues together hold STREAM_BUDGET, so
 * streaming neither blocks the loop nor fills memory.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hll.h"
#include "json.h"
#include "log.h"
#include "relay_int.h"

static struct sub *
sub_find(struct rconn *c, const char *id)
{
	size_t	 i;

	for (i = 0; i < c->nsubs; i++)
		if (strcmp(c->subs[i].id, id) == 0)
			return &c->subs[i];
	return NULL;
}

static void
filters_free(struct filter *f, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		filter_free(&f[i]);
	free(f);
}

/* The subscription's stored answer is over: it is live (or gone). */
static void
stream_end(struct relay *r, struct rconn *c, struct sub *s)
{
	if (s->cur == NULL)
		return;
	store_cursor_free(s->cur);
	s->cur = NULL;
	if (--c->nstreams == 0)
		c->necho = 0;
	r->nstreams--;
}

void
relay_sub_remove(struct relay *r, struct rconn *c, const char *subid)
{
	struct sub *s = sub_find(c, subid);

	if (s == NULL)
		return;
	stream_end(r, c, s);
	filters_free(s->f, s->nf);
	*s = c->subs[--c->nsubs];
}

void
relay_subs_free(struct relay *r, struct rconn *c)
{
	while (c->nsubs > 0)
		relay_sub_remove(r, c, c->subs[c->nsubs - 1].id);
	free(c->subs);
	c->subs = NULL;
}

/*
 * Checks and parses the filters of a REQ or COUNT.  On failure answers
 * CLOSED and returns NULL.
 */
static struct filter *
parse_filters(struct relay *r, struct rconn *c, const struct msg *m)
{
	struct filter *f;
	char	 why[160];
	size_t	 i;
	enum err e;

	if (m->nfilters == 0) {
		relay_closed(r, c, m->subid, ERR_NO_FILTER, NULL);
		return NULL;
	}
	if (m->nfilters > r->lim.max_filters) {
		snprintf(why, sizeof(why), "at most %zu", r->lim.max_filters);
		relay_closed(r, c, m->subid, ERR_TOO_MANY_FILTERS, why);
		return NULL;
	}
	if ((f = calloc(m->nfilters, sizeof(*f))) == NULL) {
		relay_closed(r, c, m->subid, ERR_NOMEM, NULL);
		return NULL;
	}
	for (i = 0; i < m->nfilters; i++) {
		if ((e = filter_parse_json(msg_filter(m, i), &f[i])) !=
		    ERR_OK) {
			filters_free(f, i);
			relay_closed(r, c, m->subid, e, NULL);
			return NULL;
		}
	}
	return f;
}

struct req_out {
	struct relay	*r;
	struct rconn	*c;
	const char	*subid;
};

/*
 * Sends one stored event.  A node gets it only if the mesh's forward hook
 * lets it through, as for live events.
 */
static int
send_stored(const char *json, size_t len, void *arg)
{
	struct req_out *o = arg;
	struct relay *r = o->r;
	struct event ev;
	void	*scratch;
	bool	 pass = true, parsed = false;

	/* Nodes: no echo, the hook, and nothing the guard holds back. */
	if (o->c->mesh && (r->hooks.forward != NULL || o->c->necho > 0 ||
	    r->guard != NULL || r->hooks.sent != NULL)) {
		if ((scratch = malloc(EVENT_SCRATCH(len))) == NULL)
			return 0;
		pass = event_parse(json, len, NULL, &ev, scratch,
		    EVENT_SCRATCH(len)) == ERR_OK &&
		    !relay_echo_has(o->c, ev.id) && (r->hooks.forward == NULL ||
		    r->hooks.forward(r->hooks_arg, o->c->id, &ev)) &&
		    (r->guard == NULL || guard_forward(r->guard, &ev));
		parsed = true;
		free(scratch);
	}
	if (pass) {
		buf_reset(&r->out);
		msg_event(&r->out, o->subid, json, len);
		relay_send_buf(r, o->c, true);
		if (parsed)
			relay_sent_hook(r, o->c, ev.id);
	}
	return 0;
}

/* How much a connection may have queued while its answers stream. */
static size_t
high_water(const struct relay *r)
{
	return r->lim.max_output_buffer < STREAM_HIGH ?
	    r->lim.max_output_buffer : STREAM_HIGH;
}

/*
 * Streams up to max bytes of s's stored answer; at its end sends EOSE and
 * catches up on what was stored since the answer was fixed, then goes
 * live.  Returns: the bytes sent; *gone if s was closed with an error.
 */
static size_t
stream_sub(struct relay *r, struct rconn *c, struct sub *s, size_t max,
    bool *gone)
{
	struct req_out o = { r, c, s->id };
	size_t	 before = c->out.bytes, sent;
	bool	 done;
	enum err e;
	char	 subid[sizeof(s->id)];

	*gone = false;
	e = store_cursor_next(r->store, s->cur, max, send_stored, &o, &done);
	sent = c->out.bytes > before ? c->out.bytes - before : 0;
	if (e != ERR_OK) {
		snprintf(subid, sizeof(subid), "%s", s->id);
		relay_sub_remove(r, c, subid);
		relay_closed(r, c, subid, e, NULL);
		*gone = true;
		return sent;
	}
	if (!done)
		return sent;
	if (!s->eose) {
		s->eose = true;
		buf_reset(&r->out);
		msg_eose(&r->out, s->id);
		relay_send_buf(r, c, true);
	}
	store_cursor_free(s->cur);
	s->cur = NULL;
	/* Stored while it streamed, delivered to the others live: catch up. */
	if (r->last_eid > s->upto && store_cursor_open(r->store, s->f, s->nf,
	    (uint64_t)time(NULL), 0, s->upto, r->last_eid, true, &s->cur) ==
	    ERR_OK) {
		s->upto = r->last_eid;
		return sent;
	}
	s->cur = NULL;
	if (--c->nstreams == 0)
		c->necho = 0;
	r->nstreams--;
	return sent;
}

/* Streams c's answers up to its high-water mark and budget. */
static size_t
stream_conn(struct relay *r, struct rconn *c, size_t budget)
{
	size_t	 high = high_water(r), sent = 0, room, i, per;
	bool	 gone;

	if (c->closing || c->nstreams == 0 || c->out.bytes >= high / 2)
		return 0;
	room = high - c->out.bytes;
	if (room > budget)
		room = budget;
	/* Every streaming subscription of c gets its share. */
	per = room / c->nstreams;
	if (per == 0)
		per = 1;
	for (i = 0; i < c->nsubs && sent < room;) {
		struct sub *s = &c->subs[i];

		if (s->cur == NULL) {
			i++;
			continue;
		}
		sent += stream_sub(r, c, s, per, &gone);
		if (!gone)
			i++;
	}
	/* What went was held back (the forward hook): go on next turn. */
	if (c->nstreams > 0 && c->out.bytes < high / 2)
		r->refill = true;
	return sent;
}

bool
relay_refill(struct relay *r)
{
	size_t	 n = r->nconns, k, i, sent = 0;

	r->refill = false;
	if (r->nstreams == 0 || n == 0)
		return false;
	if (relay_queued_total(r) >= STREAM_BUDGET)
		return false;		/* a drained queue sets refill again */
	for (k = 0; k < n && sent < STREAM_TURN; k++) {
		i = (r->stream_rr + k) % r->nconns;
		sent += stream_conn(r, r->conns[i], STREAM_TURN - sent);
		if (r->nconns != n)
			break;		/* one closed: the table moved */
	}
	r->stream_rr = r->nconns ? (r->stream_rr + k) % r->nconns : 0;
	/* The turn's budget ran out with answers still waiting: again. */
	if (sent >= STREAM_TURN)
		r->refill = true;
	return r->refill;
}

void
relay_on_req(struct relay *r, struct rconn *c, const struct msg *m)
{
	struct filter *f;
	struct sub *s, *ns;
	struct store_cursor *cur;
	char	 why[160];
	size_t	 i;
	bool	 gone;
	enum err e;

	s = sub_find(c, m->subid);
	if (s == NULL && c->nsubs >= r->lim.max_subscriptions) {
		snprintf(why, sizeof(why), "at most %zu",
		    r->lim.max_subscriptions);
		relay_closed(r, c, m->subid, ERR_TOO_MANY_SUBS, why);
		return;
	}
	/* A REQ with a live id replaces it, even when the new one fails. */
	if (s != NULL)
		relay_sub_remove(r, c, m->subid);
	if ((f = parse_filters(r, c, m)) == NULL)
		return;
	for (i = 0; i < m->nfilters; i++) {
		if (!f[i].has_limit) {
			f[i].has_limit = true;
			f[i].limit = r->lim.default_limit;
		}
	}
	/* What this turn stored is committed, and delivered, first. */
	relay_collect(r);
	relay_commit(r);
	relay_deliver_new(r);
	/* The answer: what was delivered so far; later events come live. */
	if ((e = store_cursor_open(r->store, f, m->nfilters,
	    (uint64_t)time(NULL), r->lim.max_limit, 0, r->last_eid, false,
	    &cur)) != ERR_OK) {
		filters_free(f, m->nfilters);
		relay_closed(r, c, m->subid, e, NULL);
		return;
	}
	/* limit is for stored events only; the cursor took it. */
	for (i = 0; i < m->nfilters; i++)
		f[i].has_limit = false;
	if ((ns = realloc(c->subs, (c->nsubs + 1) * sizeof(*ns))) == NULL) {
		store_cursor_free(cur);
		filters_free(f, m->nfilters);
		relay_closed(r, c, m->subid, ERR_NOMEM, NULL);
		return;
	}
	c->subs = ns;
	s = &c->subs[c->nsubs++];
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", m->subid);
	s->f = f;
	s->nf = m->nfilters;
	s->cur = cur;
	s->upto = r->last_eid;
	c->nstreams++;
	r->nstreams++;
	/* Most answers fit in one go: EOSE at once. */
	if (c->out.bytes < high_water(r) / 2 &&
	    relay_queued_total(r) < STREAM_BUDGET)
		(void)stream_sub(r, c, s, high_water(r) - c->out.bytes, &gone);
	if (c->nstreams > 0)
		r->refill = true;
}

/* The answer to a COUNT, from the store thread. */
static void
count_done(struct relay *r, struct rconn *c, struct qjob *j)
{
	if (c == NULL)
		return;
	if (j->e != ERR_OK) {
		relay_closed(r, c, j->subid, j->e, NULL);
		return;
	}
	buf_reset(&r->out);
	if (j->kind == QJ_COUNT_HLL)
		msg_count_hll(&r->out, j->subid, j->count, j->reg);
	else
		msg_count(&r->out, j->subid, j->count);
	relay_send_buf(r, c, true);
}

void
relay_on_count(struct relay *r, struct rconn *c, const struct msg *m)
{
	struct filter *f;
	struct qjob *j;
	bool	 hll;

	if ((f = parse_filters(r, c, m)) == NULL)
		return;
	/*
	 * HyperLogLog for the shapes clients merge across relays: one
	 * filter, one kind, one tag key with one value (followers, reactions,
	 * comments), as the Go library and nostr-tools do.
	 */
	hll = m->nfilters == 1 && f[0].nkinds == 1 && f[0].ntags == 1 &&
	    f[0].tags[0].nvals == 1 && !f[0].empty;
	if ((j = relay_q_job(hll ? QJ_COUNT_HLL : QJ_COUNT, m->subid)) ==
	    NULL) {
		filters_free(f, m->nfilters);
		relay_closed(r, c, m->subid, ERR_NOMEM, NULL);
		return;
	}
	j->f = f;
	j->nf = m->nfilters;
	j->now = (uint64_t)time(NULL);
	if (hll)
		j->hll_offset = hll_offset(f[0].tags[0].vals[0].p,
		    f[0].tags[0].vals[0].n);
	j->done = count_done;
	/* What this turn stored counts. */
	relay_commit(r);
	relay_deliver_new(r);
	relay_q_submit(r, c, j);
}
