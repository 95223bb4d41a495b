/*
 * relay.c: the top of the relay engine (relay.h): making and freeing it,
 * opening and closing connections, putting a client's fragments back
 * together, and handing each message to its handler.  The handlers are
 * in relay_event.c, relay_sub.c and relay_neg.c; what they share is
 * relay_tx.c (the group commit, delivery) and relay_conn.c (queues,
 * answers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "relay_int.h"

enum err
relay_new(struct relay **rp, struct store *st, const struct relay_limits *lim,
    const struct relay_io *io)
{
	struct relay *r;
	enum err e;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return ERR_NOMEM;
	r->store = st;
	r->lim = *lim;
	r->io = *io;
	r->meshpol = lim->pol;
	r->meshpol.max_past = 0;
	r->meshpol.max_future = 0;
	ingest_ctx_init(&r->ictx);
	buf_init(&r->out, 0);
	if ((e = store_last_eid(st, &r->last_eid)) != ERR_OK) {
		relay_free(r);
		return e;
	}
	/* With one core, verifying in the loop is as fast and simpler. */
	if (io->wake != NULL && sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
	    vpool_new(&r->pool, (int)sysconf(_SC_NPROCESSORS_ONLN),
	    io->wake, io->arg) != ERR_OK)
		r->pool = NULL;
	*rp = r;
	return ERR_OK;
}

void
relay_free(struct relay *r)
{
	if (r == NULL)
		return;
	relay_drain(r);
	vpool_free(r->pool);
	if (r->tx_open) {
		store_commit(r->store);
		r->tx_open = false;
	}
	while (r->nconns > 0)
		relay_conn_close(r, r->conns[r->nconns - 1]->id);
	free(r->conns);
	free(r->oks);
	free(r->origin);
	ingest_ctx_free(&r->ictx);
	buf_free(&r->out);
	free(r);
}

void
relay_hooks_set(struct relay *r, const struct relay_hooks *h, void *arg)
{
	r->hooks = *h;
	r->hooks_arg = arg;
}

uint64_t
relay_conn_open(struct relay *r, void *cookie, const char *peer)
{
	struct rconn *c = relay_conn_new(r, &r->io, cookie, peer);

	return c != NULL ? c->id : 0;
}

uint64_t
relay_conn_open_via(struct relay *r, const struct relay_io *io, void *cookie,
    const char *peer)
{
	struct rconn *c = relay_conn_new(r, io, cookie, peer);

	return c != NULL ? c->id : 0;
}

void
relay_conn_close(struct relay *r, uint64_t id)
{
	struct rconn *c = relay_conn_find(r, id);

	if (c == NULL)
		return;
	relay_subs_free(c);
	relay_negs_free(c);
	relay_conn_free(r, c);
	if (r->hooks.closed != NULL)
		r->hooks.closed(r->hooks_arg, id);
}

void
relay_conn_challenge(struct relay *r, uint64_t id)
{
	struct rconn *c = relay_conn_find(r, id);
	uint8_t	 rnd[16];

	if (c == NULL || crypto_random(rnd, sizeof(rnd)) != 0)
		return;
	hex_encode(rnd, sizeof(rnd), c->challenge);
	buf_reset(&r->out);
	msg_auth_challenge(&r->out, c->challenge);
	relay_send_buf(r, c, true);
}

void
relay_conn_set_mesh(struct relay *r, uint64_t id)
{
	struct rconn *c = relay_conn_find(r, id);

	if (c != NULL) {
		c->mesh = true;
		c->tokens = (double)r->lim.node_events_per_minute / 6 + 10;
	}
}

/* Checks the message in layers, then hands it to its one handler. */
static void
dispatch(struct relay *r, struct rconn *c, const char *data, size_t len)
{
	struct msg m;
	char	 text[128];
	enum err e;

	e = msg_parse(data, len, MSG_FROM_CLIENT, r->lim.max_subid_length,
	    &m);
	switch (e) {
	case ERR_OK:
		break;
	case ERR_JSON:
		relay_notice_err(r, c, ERR_MSG_FORMAT, NULL);
		goto done;
	case ERR_USAGE:
		snprintf(text, sizeof(text), "'%.40s'", m.verb_text);
		relay_notice_err(r, c, ERR_MSG_VERB, text);
		goto done;
	case ERR_NEG:
		if (r->lim.negentropy)
			relay_on_neg(r, c, &m);		/* says NEG-ERR */
		else
			relay_notice_err(r, c, ERR_NEG_OFF, NULL);
		goto done;
	default:
		if (m.subid[0] != '\0' && (m.verb == MSG_REQ ||
		    m.verb == MSG_COUNT))
			relay_closed(r, c, m.subid, ERR_FILTER_OBJECT, NULL);
		else {
			snprintf(text, sizeof(text), "%s: at most %zu bytes",
			    m.verb_text, r->lim.max_subid_length);
			relay_notice_err(r, c, ERR_SUBID, text);
		}
		goto done;
	}
	switch (m.verb) {
	case MSG_EVENT:
		relay_on_event(r, c, &m);
		break;
	case MSG_REQ:
		relay_on_req(r, c, &m);
		break;
	case MSG_COUNT:
		relay_on_count(r, c, &m);
		break;
	case MSG_CLOSE:
		relay_sub_remove(c, m.subid);
		break;
	case MSG_AUTH:
		relay_on_auth(r, c, &m);
		break;
	default:
		if (r->lim.negentropy)
			relay_on_neg(r, c, &m);
		else
			relay_notice_err(r, c, ERR_NEG_OFF, NULL);
		break;
	}
done:
	msg_free(&m);
}

bool
relay_conn_rx(struct relay *r, uint64_t id, const char *data, size_t len,
    bool first, bool last)
{
	struct rconn *c = relay_conn_find(r, id);
	char	 text[128];

	if (c == NULL)
		return false;
	if (first) {
		buf_reset(&c->rx);
		c->oversize = false;
	}
	if (!c->oversize) {
		buf_append(&c->rx, data, len);
		if (c->rx.err || c->rx.len > r->lim.max_message_length)
			c->oversize = true;
	}
	if (!last)
		return true;
	if (c->oversize) {
		snprintf(text, sizeof(text), "at most %zu bytes",
		    r->lim.max_message_length);
		relay_notice_err(r, c, ERR_MSG_SIZE, text);
		buf_reset(&c->rx);
		return true;
	}
	dispatch(r, c, c->rx.p ? c->rx.p : "", c->rx.len);
	/* Give back a large receive buffer once it has been used. */
	if (c->rx.cap > (64u << 10)) {
		buf_free(&c->rx);
		buf_init(&c->rx, r->lim.max_message_length + 1);
	} else
		buf_reset(&c->rx);
	return true;
}

int
relay_flush(struct relay *r)
{
	uint64_t age;

	relay_collect(r);
	if (r->kick) {
		r->kick = false;
		relay_deliver_new(r);
	}
	if (!r->tx_open)
		return -1;
	age = relay_now_ms() - r->tx_start;
	if (age < RELAY_COMMIT_MS)
		return (int)(RELAY_COMMIT_MS - age);
	relay_commit(r);
	relay_deliver_new(r);
	return -1;
}

void
relay_poll(struct relay *r)
{
	relay_collect(r);
	relay_commit(r);
	relay_deliver_new(r);
}

void
relay_stop(struct relay *r)
{
	relay_drain(r);
	relay_poll(r);
}
