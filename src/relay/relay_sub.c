/*
 * relay_sub.c: REQ, COUNT and CLOSE, and delivering events to live
 * subscriptions.  Stored events reach subscribers one way only: after a
 * commit, relay_deliver_new reads the rows added since it last looked, so
 * events this relay stored and events another process (an import) stored
 * are delivered alike, each once.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hll.h"
#include "log.h"
#include "relay_int.h"

#define DELIVER_BATCH	1000

void
relay_closed(struct relay *r, struct rconn *c, const char *subid, enum err e,
    const char *detail)
{
	char	 why[256];

	buf_reset(&r->out);
	msg_closed(&r->out, subid, err_reason_detail(e, detail, why,
	    sizeof(why)));
	relay_send_buf(r, c, true);
}

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

void
relay_sub_remove(struct rconn *c, const char *subid)
{
	struct sub *s = sub_find(c, subid);

	if (s == NULL)
		return;
	filters_free(s->f, s->nf);
	*s = c->subs[--c->nsubs];
}

void
relay_subs_free(struct rconn *c)
{
	while (c->nsubs > 0)
		relay_sub_remove(c, c->subs[c->nsubs - 1].id);
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

	if (!relay_take_token(r, c, &c->qtokens)) {
		relay_closed(r, c, m->subid, ERR_RATE_REQ, NULL);
		return NULL;
	}
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
 * Streams one stored event.  A REQ's own answer may queue up to twice
 * max_output_buffer; past that the answer is cut short (NIP-01 allows
 * fewer events) so one request cannot take a small device's memory.
 */
static int
send_stored(const char *json, size_t len, void *arg)
{
	struct req_out *o = arg;

	if (o->c->queued + len > 2 * o->r->lim.max_output_buffer)
		return 1;
	buf_reset(&o->r->out);
	msg_event(&o->r->out, o->subid, json, len);
	relay_send_buf(o->r, o->c, true);
	return 0;
}

void
relay_on_req(struct relay *r, struct rconn *c, const struct msg *m)
{
	struct filter *f;
	struct sub *s, *ns;
	struct req_out o;
	char	 why[160];
	size_t	 i;
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
		relay_sub_remove(c, m->subid);
	if ((f = parse_filters(r, c, m)) == NULL)
		return;
	for (i = 0; i < m->nfilters; i++) {
		if (!f[i].has_limit) {
			f[i].has_limit = true;
			f[i].limit = r->lim.default_limit;
		}
	}
	/* What this turn stored is committed, and delivered, first. */
	relay_poll(r);
	o.r = r;
	o.c = c;
	o.subid = m->subid;
	e = store_query(r->store, f, m->nfilters, (uint64_t)time(NULL),
	    r->lim.max_limit, send_stored, &o);
	if (e != ERR_OK) {
		filters_free(f, m->nfilters);
		relay_closed(r, c, m->subid, e, NULL);
		return;
	}
	buf_reset(&r->out);
	msg_eose(&r->out, m->subid);
	relay_send_buf(r, c, true);
	/* limit is for stored events only. */
	for (i = 0; i < m->nfilters; i++)
		f[i].has_limit = false;
	if ((ns = realloc(c->subs, (c->nsubs + 1) * sizeof(*ns))) == NULL) {
		filters_free(f, m->nfilters);
		relay_closed(r, c, m->subid, ERR_NOMEM, NULL);
		return;
	}
	c->subs = ns;
	s = &c->subs[c->nsubs++];
	snprintf(s->id, sizeof(s->id), "%s", m->subid);
	s->f = f;
	s->nf = m->nfilters;
}

void
relay_on_count(struct relay *r, struct rconn *c, const struct msg *m)
{
	struct filter *f;
	uint64_t n;
	enum err e;

	uint8_t	 reg[HLL_REGISTERS];
	bool	 hll;

	if ((f = parse_filters(r, c, m)) == NULL)
		return;
	relay_commit(r);
	/*
	 * HyperLogLog for the shapes clients merge across relays: one
	 * filter, one kind, one tag key with one value (followers, reactions,
	 * comments), as the Go library and nostr-tools do.
	 */
	hll = m->nfilters == 1 && f[0].nkinds == 1 && f[0].ntags == 1 &&
	    f[0].tags[0].nvals == 1 && !f[0].empty;
	if (hll)
		e = store_count_hll(r->store, &f[0], (uint64_t)time(NULL),
		    hll_offset(f[0].tags[0].vals[0].p, f[0].tags[0].vals[0].n),
		    &n, reg);
	else
		e = store_count(r->store, f, m->nfilters, (uint64_t)time(NULL),
		    &n);
	filters_free(f, m->nfilters);
	if (e != ERR_OK) {
		relay_closed(r, c, m->subid, e, NULL);
		return;
	}
	buf_reset(&r->out);
	if (hll)
		msg_count_hll(&r->out, m->subid, n, reg);
	else
		msg_count(&r->out, m->subid, n);
	relay_send_buf(r, c, true);
}

/* The connection (a node) that sent ev, when it is a node: 0 if none. */
static uint64_t
origin_of(const struct relay *r, const struct event *ev)
{
	size_t	 i;

	for (i = 0; i < r->norigin; i++)
		if (memcmp(r->origin[i].id, ev->id, 32) == 0)
			return r->origin[i].conn;
	return 0;
}

/*
 * Sends ev (whose JSON is json) to every subscription it matches, except
 * back to the node it came from: nodes already have what they send.
 */
static void
fanout_json(struct relay *r, const struct event *ev, const char *json,
    size_t len, bool clients_only)
{
	uint64_t from = r->norigin > 0 ? origin_of(r, ev) : 0;
	size_t	 i, j;

	for (i = 0; i < r->nconns; i++) {
		struct rconn *c = r->conns[i];

		if ((from != 0 && c->id == from) || (clients_only && c->mesh))
			continue;
		for (j = 0; j < c->nsubs; j++) {
			if (!filter_match_any(c->subs[j].f, c->subs[j].nf, ev))
				continue;
			buf_reset(&r->out);
			msg_event(&r->out, c->subs[j].id, json, len);
			relay_send_buf(r, c, false);
		}
	}
}

void
relay_fanout(struct relay *r, const struct event *ev)
{
	struct buf json;

	/*
	 * Ephemeral events are not stored, so nothing would stop two nodes
	 * passing one back and forth forever: they go to clients only.
	 */
	buf_init(&json, 0);
	event_write_json(ev, &json);
	if (!json.err)
		fanout_json(r, ev, json.p, json.len, true);
	buf_free(&json);
}

static bool
any_subs(const struct relay *r)
{
	size_t	 i;

	for (i = 0; i < r->nconns; i++)
		if (r->conns[i]->nsubs > 0)
			return true;
	return false;
}

/*
 * True if a client that is reading is more than half max_output_buffer
 * behind: stored events then wait in the store, not in memory, until it
 * catches up.  Clients that stopped reading do not hold others back;
 * relay_send drops them.
 */
static bool
backlogged(struct relay *r)
{
	uint64_t now = relay_now_ms();
	size_t	 i;

	for (i = 0; i < r->nconns; i++) {
		struct rconn *c = r->conns[i];

		if (!c->closing && c->queued > r->lim.max_output_buffer / 2 &&
		    now - c->progress_ms <= RELAY_STALL_MS)
			return true;
	}
	return false;
}

static int
deliver_row(const char *json, size_t len, void *arg)
{
	struct relay *r = arg;
	struct event ev;
	void	*scratch;

	if (r->backlog && (r->backlog = backlogged(r)))
		return 1;		/* not consumed: later */

	if ((scratch = malloc(EVENT_SCRATCH(len))) == NULL)
		return 0;
	if (event_parse(json, len, NULL, &ev, scratch, EVENT_SCRATCH(len)) ==
	    ERR_OK)
		fanout_json(r, &ev, json, len, false);
	free(scratch);
	return 0;
}

void
relay_deliver_new(struct relay *r)
{
	int64_t	 last;
	enum err e;

	do {
		last = r->last_eid;
		if (any_subs(r))
			e = store_since(r->store, last, DELIVER_BATCH,
			    deliver_row, r, &r->last_eid);
		else
			e = store_last_eid(r->store, &r->last_eid);
		if (e != ERR_OK || r->backlog)
			return;
	} while (r->last_eid - last >= DELIVER_BATCH);
	r->norigin = 0;
}
