/*
 * relay_neg.c: NIP-77 on the relay side -- NEG-OPEN, NEG-MSG, NEG-CLOSE,
 * answered with NEG-MSG or NEG-ERR; the engine is negentropy.c.  A
 * session over a time window ({}, since, until) reads the store's NIP-77
 * index (store_neg.h) at each message, so a round costs what differs and
 * not the store.  Any other filter takes a snapshot of the (created_at,
 * id) set it matches when it opens (on the store thread, relay_q.c) and
 * keeps it to the end.  Session ids have their own namespace, apart from
 * REQ's.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "negentropy.h"
#include "relay_int.h"
#include "store_neg.h"

/* Largest reply we send: hex doubles it on the wire. */
#define NEG_FRAME	(256u << 10)

struct negsess {
	char		 id[MSG_MAX_SUBID * 4 + 1];
	struct neg_item	*items;		/* the snapshot, or NULL */
	size_t		 n;
	struct store_neg *view;		/* or the index */
	struct neg	 ng;
};

static void
neg_err(struct relay *r, struct rconn *c, const char *subid, enum err e)
{
	char	 why[200];

	buf_reset(&r->out);
	msg_neg_err(&r->out, subid, err_reason(e, why, sizeof(why)));
	relay_send_buf(r, c, true);
}

static struct negsess *
sess_find(struct rconn *c, const char *id)
{
	size_t	 i;

	for (i = 0; i < c->nnegs; i++)
		if (strcmp(c->negs[i].id, id) == 0)
			return &c->negs[i];
	return NULL;
}

static void
sess_remove(struct rconn *c, const char *id)
{
	struct negsess *s = sess_find(c, id);

	if (s == NULL)
		return;
	free(s->items);
	if (s->view != NULL)
		store_neg_close(s->view);
	*s = c->negs[--c->nnegs];
}

void
relay_negs_free(struct rconn *c)
{
	while (c->nnegs > 0)
		sess_remove(c, c->negs[c->nnegs - 1].id);
	free(c->negs);
	c->negs = NULL;
}

/* Runs one round for s on a message's payload and sends the reply. */
static void
round_bytes(struct relay *r, struct rconn *c, struct negsess *s,
    const struct buf *in)
{
	struct buf reply;
	bool	 done;
	enum err e;

	buf_init(&reply, 0);
	if ((e = neg_reconcile(&s->ng, (const uint8_t *)in->p, in->len,
	    &reply, NULL, NULL, &done)) == ERR_OK && !reply.err) {
		buf_reset(&r->out);
		msg_neg_msg(&r->out, s->id, (const uint8_t *)reply.p,
		    reply.len);
		relay_send_buf(r, c, true);
	} else {
		neg_err(r, c, s->id, e == ERR_OK ? ERR_NOMEM : e);
		sess_remove(c, s->id);
	}
	buf_free(&reply);
}

static void
round_trip(struct relay *r, struct rconn *c, struct negsess *s,
    const struct msg *m)
{
	struct buf in;

	buf_init(&in, 0);
	if (msg_neg_bytes(m, &in) == ERR_OK)
		round_bytes(r, c, s, &in);
	else {
		neg_err(r, c, s->id, ERR_NEG);
		sess_remove(c, s->id);
	}
	buf_free(&in);
}

/* A new session named subid on c, zeroed; NULL when out of memory. */
static struct negsess *
sess_add(struct rconn *c, const char *subid)
{
	struct negsess *ns, *s;

	if ((ns = realloc(c->negs, (c->nnegs + 1) * sizeof(*ns))) == NULL)
		return NULL;
	c->negs = ns;
	s = &c->negs[c->nnegs++];
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", subid);
	return s;
}

/* The set a NEG-OPEN's filter matches, from the store thread: open it. */
static void
open_done(struct relay *r, struct rconn *c, struct qjob *j)
{
	struct negsess *s;

	if (c == NULL)
		return;
	if (j->e != ERR_OK) {
		neg_err(r, c, j->subid, j->e);
		return;
	}
	/* Not read while the job was out: no other session came meanwhile. */
	if (c->nnegs >= r->lim.max_neg_sessions) {
		neg_err(r, c, j->subid, ERR_NEG_SESSIONS);
		return;
	}
	if ((s = sess_add(c, j->subid)) == NULL) {
		neg_err(r, c, j->subid, ERR_NOMEM);
		return;
	}
	s->items = j->items;
	s->n = j->n;
	j->items = NULL;
	/* What the guard holds back stays here: not in a node's set. */
	if (c->mesh && r->guard != NULL)
		guard_filter_items(r->guard, s->items, &s->n);
	neg_init(&s->ng, s->items, s->n, NEG_FRAME);
	log_debug("%s: negentropy session over %zu events", c->peer, s->n);
	round_bytes(r, c, s, &j->payload);
}

/* A NEG-OPEN over a time window: a session on the NIP-77 index. */
static void
open_view(struct relay *r, struct rconn *c, struct qjob *j)
{
	struct negsess *s;
	struct store_neg *v;
	enum err e;

	if ((e = store_neg_open(r->store, &j->f[0], &v)) != ERR_OK) {
		neg_err(r, c, j->subid, e);
		return;
	}
	if ((s = sess_add(c, j->subid)) == NULL) {
		store_neg_close(v);
		neg_err(r, c, j->subid, ERR_NOMEM);
		return;
	}
	s->view = v;
	neg_init_storage(&s->ng, &store_neg_storage, v, NEG_FRAME);
	log_debug("%s: negentropy session on the index", c->peer);
	round_bytes(r, c, s, &j->payload);
}

void
relay_on_neg(struct relay *r, struct rconn *c, const struct msg *m)
{
	struct negsess *s;
	struct qjob *j;
	enum err e;

	switch (m->verb) {
	case MSG_NEG_CLOSE:
		sess_remove(c, m->subid);
		return;
	case MSG_NEG_MSG:
		if ((s = sess_find(c, m->subid)) == NULL) {
			neg_err(r, c, m->subid, ERR_NEG_UNKNOWN);
			return;
		}
		if (m->neg == NULL) {		/* not [verb, id, hex] */
			neg_err(r, c, m->subid, ERR_NEG);
			sess_remove(c, m->subid);
			return;
		}
		round_trip(r, c, s, m);
		return;
	default:
		break;
	}
	/* NEG-OPEN: re-opening a live id closes the old session first. */
	sess_remove(c, m->subid);
	if (m->neg == NULL) {		/* not [verb, id, filter, hex] */
		neg_err(r, c, m->subid, ERR_NEG);
		return;
	}
	if (c->nnegs >= r->lim.max_neg_sessions) {
		neg_err(r, c, m->subid, ERR_NEG_SESSIONS);
		return;
	}
	if ((j = relay_q_job(QJ_IDS, m->subid)) == NULL ||
	    (j->f = calloc(1, sizeof(*j->f))) == NULL) {
		relay_q_job_free(j);
		neg_err(r, c, m->subid, ERR_NOMEM);
		return;
	}
	if ((e = filter_parse_json(msg_neg_filter(m), &j->f[0])) == ERR_OK) {
		j->nf = 1;
		e = msg_neg_bytes(m, &j->payload);
	}
	if (e != ERR_OK) {
		relay_q_job_free(j);
		neg_err(r, c, m->subid, e);
		return;
	}
	if (store_neg_serves(r->store, &j->f[0]) && !(c->mesh &&
	    r->guard != NULL && guard_holding(r->guard))) {
		/*
		 * A time window: no snapshot to take, the index answers --
		 * unless a node asks while the guard holds events back,
		 * which a snapshot leaves out.
		 */
		relay_commit(r);
		relay_deliver_new(r);
		open_view(r, c, j);
		relay_q_job_free(j);
		return;
	}
	j->now = (uint64_t)time(NULL);
	j->max = r->lim.max_sync_events;
	j->done = open_done;
	/* The snapshot holds what this turn stored. */
	relay_commit(r);
	relay_deliver_new(r);
	relay_q_submit(r, c, j);
}
