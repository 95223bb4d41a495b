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
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "json.h"
#include "nip42.h"
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
	/*
	 * Nodes: no past window (old reports travel on sticks), but the
	 * future bound, because any key can call itself a node.
	 */
	r->meshpol = lim->pol;
	r->meshpol.max_past = 0;
	r->meshpol.max_future = lim->future_limit;
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
	relay_q_stop(r);
	if (r->tx_open) {
		store_commit(r->store);
		r->tx_open = false;
	}
	while (r->nconns > 0)
		relay_conn_close(r, r->conns[r->nconns - 1]->id);
	free(r->conns);
	free(r->places);
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

void
relay_set_guard(struct relay *r, struct guard *g)
{
	r->guard = g;
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
	relay_subs_free(r, c);
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

/* True if the Host header host names one of this relay's places. */
static bool
host_is_ours(const struct relay *r, const char *host)
{
	struct url h;
	size_t	 i;

	if (host[0] == '\0' || url_authority(host, strlen(host), 80, &h) != 0)
		return false;
	for (i = 0; i < r->nplaces; i++)
		if (url_same_place(&h, &r->places[i]))
			return true;
	return false;
}

void
relay_conn_challenge_proved(struct relay *r, uint64_t id,
    const uint8_t node_sk[32], const char *nonce)
{
	struct rconn *c = relay_conn_find(r, id);
	struct buf proof;
	char	 url[sizeof(c->host) + 8];
	uint8_t	 rnd[16];

	if (c == NULL)
		return;
	if (node_sk == NULL || nonce == NULL || !nip42_nonce_ok(nonce) ||
	    !host_is_ours(r, c->host)) {
		relay_conn_challenge(r, id);
		return;
	}
	if (crypto_random(rnd, sizeof(rnd)) != 0)
		return;
	hex_encode(rnd, sizeof(rnd), c->challenge);
	snprintf(url, sizeof(url), "ws://%s/", c->host);
	buf_init(&proof, 0);
	buf_reset(&r->out);
	if (nip42_proof(node_sk, nonce, url, (uint64_t)time(NULL), &proof) ==
	    ERR_OK)
		msg_auth_proof(&r->out, c->challenge, proof.p, proof.len);
	else
		msg_auth_challenge(&r->out, c->challenge);
	buf_free(&proof);
	relay_send_buf(r, c, true);
}

void
relay_conn_refuse(struct relay *r, uint64_t id, enum err e,
    const char *detail)
{
	struct rconn *c = relay_conn_find(r, id);

	if (c == NULL)
		return;
	relay_notice_err(r, c, e, detail);
	c->closing = true;	/* once the NOTICE is written */
}

void
relay_conn_set_host(struct relay *r, uint64_t id, const char *host)
{
	struct rconn *c = relay_conn_find(r, id);

	if (c != NULL)
		snprintf(c->host, sizeof(c->host), "%s", host);
}

enum err
relay_set_places(struct relay *r, const char *const *hosts, size_t n,
    uint16_t port)
{
	struct url *p;
	size_t	 i, k = 0;

	if ((p = calloc(n + 1, sizeof(*p))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++)
		if (url_authority(hosts[i], strlen(hosts[i]), port, &p[k]) ==
		    0) {
			p[k].port = port;
			k++;
		}
	free(r->places);
	r->places = p;
	r->nplaces = k;
	return ERR_OK;
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

void
relay_conn_set_node(struct relay *r, uint64_t id, const uint8_t pubkey[32])
{
	struct rconn *c = relay_conn_find(r, id);

	if (c != NULL && c->mesh) {
		c->authed = true;
		memcpy(c->pubkey, pubkey, 32);
	}
}

/* The rate bucket a message draws on, or NULL. */
static double *
bucket_of(struct rconn *c, enum msg_verb v)
{
	switch (v) {
	case MSG_EVENT:
		return &c->tokens;
	case MSG_REQ:
	case MSG_COUNT:
	case MSG_NEG_OPEN:
		return &c->qtokens;
	default:
		return NULL;
	}
}

/*
 * The connection is over its rate: the message waits, in order, and the
 * transport will stop reading the socket (unpark, outside the transport's
 * callbacks), so the client is slowed by TCP instead of losing what it
 * sent.  Returns: false if even the waiting room is full (a client that
 * ignores being slowed).
 */
static bool
park(struct relay *r, struct rconn *c, const char *data, size_t len)
{
	bool	 first = c->parked.head == NULL;

	if (!fq_push(&c->parked, data, len))
		return false;
	if (first)
		r->nparked++;
	return true;
}

/* A client that ignored being slowed: refuse what it sent, as before. */
static void
refuse_rate(struct relay *r, struct rconn *c, const struct msg *m)
{
	uint8_t	 id[32];

	if (m->verb == MSG_EVENT) {
		if (json_find_hex_field(m->event, m->event + m->eventlen, "id",
		    id, 32))
			relay_ok(r, c, id, ERR_RATE);
		else
			relay_notice_err(r, c, ERR_RATE, NULL);
	} else if (m->verb == MSG_NEG_OPEN) {
		char	 why[200];

		buf_reset(&r->out);
		msg_neg_err(&r->out, m->subid, err_reason(ERR_RATE_REQ, why,
		    sizeof(why)));
		relay_send_buf(r, c, true);
	} else
		relay_closed(r, c, m->subid, ERR_RATE_REQ, NULL);
}

/*
 * Checks the message in layers, then hands it to its one handler.  paid:
 * its token was taken when it left the waiting room.
 */
static void
dispatch(struct relay *r, struct rconn *c, const char *data, size_t len,
    bool paid)
{
	struct msg m;
	double	*b;
	char	 text[128];
	enum err e;

	e = msg_parse(data, len, MSG_FROM_CLIENT, r->lim.max_subid_length,
	    &m);
	switch (e) {
	case ERR_OK:
		/* The waiting room overflowed behind a job: no second job. */
		if (c->busy && (m.verb == MSG_COUNT || m.verb == MSG_NEG_OPEN)) {
			refuse_rate(r, c, &m);
			goto done;
		}
		if (paid || (b = bucket_of(c, m.verb)) == NULL ||
		    relay_take_token(r, c, b))
			break;
		if (!park(r, c, data, len))
			refuse_rate(r, c, &m);
		goto done;
	case ERR_JSON:
		relay_log_bad_message(c, data, len);
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
		relay_sub_remove(r, c, m.subid);
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
	/* Behind a slowed message, or a job out, everything waits its turn. */
	if (c->parked.head != NULL || c->busy) {
		if (!park(r, c, c->rx.p, c->rx.len))
			dispatch(r, c, c->rx.p, c->rx.len, false);
	} else
		dispatch(r, c, c->rx.p ? c->rx.p : "", c->rx.len, false);
	/* Give back a large receive buffer once it has been used. */
	if (c->rx.cap > (64u << 10)) {
		buf_free(&c->rx);
		buf_init(&c->rx, r->lim.max_message_length + 1);
	} else
		buf_reset(&c->rx);
	return true;
}

/*
 * Goes on with slowed connections as their buckets refill: each parked
 * message takes its token, then is handled.  A connection with messages
 * waiting is not read; once none waits it is read again.  Called outside
 * the transport's callbacks, so what libwebsockets already read has been
 * handed over (and parked) before reading stops.  Returns: milliseconds
 * until the next token is due, or -1 when no connection waits.
 */
static int
unpark(struct relay *r)
{
	struct fq_frame *f;
	struct msg m;
	uint64_t wait = UINT64_MAX, w;
	size_t	 i;
	double	*b;

	for (i = 0; i < r->nconns && r->nparked > 0; i++) {
		struct rconn *c = r->conns[i];
		uint64_t id = c->id;

		if (c->parked.head == NULL)
			continue;
		while (!c->busy && (f = c->parked.head) != NULL) {
			/* Which bucket: the verb, read again. */
			b = NULL;
			if (msg_parse(FQ_DATA(f), f->len, MSG_FROM_CLIENT,
			    r->lim.max_subid_length, &m) == ERR_OK)
				b = bucket_of(c, m.verb);
			msg_free(&m);
			if (b != NULL && !relay_take_token(r, c, b)) {
				w = relay_token_wait(r, c, b);
				wait = w < wait ? w : wait;
				break;
			}
			f = fq_pop(&c->parked);
			dispatch(r, c, FQ_DATA(f), f->len, true);
			free(f);
			if (relay_conn_find(r, id) != c)
				break;		/* it was closed */
		}
		if (relay_conn_find(r, id) != c)
			continue;
		if (c->parked.head == NULL) {
			r->nparked--;
			if (c->rx_paused && c->io.pause != NULL)
				c->io.pause(c->io.arg, c->cookie, false);
			c->rx_paused = false;
		} else if (!c->rx_paused && c->io.pause != NULL) {
			c->io.pause(c->io.arg, c->cookie, true);
			c->rx_paused = true;
		}
	}
	return wait == UINT64_MAX ? -1 : wait > INT32_MAX ? INT32_MAX :
	    (int)wait;
}

int
relay_flush(struct relay *r)
{
	uint64_t age;
	int	 next = -1, due;
	bool	 burst, quiet;

	relay_collect(r);
	relay_q_collect(r);
	if (r->kick) {
		r->kick = false;
		relay_deliver_new(r);
	}
	if (r->nparked > 0)
		next = unpark(r);
	/* Stored answers go on as their readers catch up. */
	if (r->refill && relay_refill(r))
		next = 0;
	if (!r->tx_open)
		return next;
	age = relay_now_ms() - r->tx_start;
	burst = r->last_n >= RELAY_BURST && r->tx_start - r->last_commit <=
	    RELAY_BURST_MS;
	/*
	 * In a burst, also as soon as a turn of the loop stored nothing new
	 * and nothing is being verified: a client that waits for its OKs
	 * before it sends more is answered at once, and only a stream that
	 * never pauses waits out the window.
	 */
	quiet = r->tx_n == r->flush_n && (r->pool == NULL ||
	    vpool_pending(r->pool) == 0);
	r->flush_n = r->tx_n;
	if (age < (burst ? RELAY_BURST_MS : RELAY_COMMIT_MS) &&
	    !(burst && quiet)) {
		due = burst ? 1 : (int)(RELAY_COMMIT_MS - age);
		return next < 0 || due < next ? due : next;
	}
	relay_commit(r);
	relay_deliver_new(r);
	return next;
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
