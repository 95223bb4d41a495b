/*
 * relay_sub.c: REQ, COUNT and CLOSE (relay_int.h): a subscription's
 * stored answer, then its place among the live ones that relay_tx.c
 * delivers to.
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
	uint8_t	 id[32];

	if (o->c->out.bytes + len > 2 * o->r->lim.max_output_buffer)
		return 1;
	if (o->c->mesh && o->r->guard != NULL &&
	    json_find_hex_field(json, json + len, "id", id, 32) &&
	    guard_held(o->r->guard, id))
		return 0;	/* held back from other nodes */
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
	relay_collect(r);
	relay_commit(r);
	relay_deliver_new(r);
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
	relay_deliver_new(r);
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
