/*
 * relay.c: connections, their output queues and the dispatch of client
 * messages (relay.h).  Subscriptions and fan-out are in relay_sub.c.
 *
 * Connections live in an array searched by id; the transport keeps only
 * the id, so a late callback for a closed connection finds nothing rather
 * than freed memory.  Output is a FIFO of frames per connection, each
 * allocated with RELAY_HEADROOM bytes in front for the transport.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "json.h"
#include "log.h"
#include "message.h"
#include "relay_int.h"

#define LOG_REFUSED_MAX	5	/* per connection; then a count at close */

uint64_t
relay_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

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

struct rconn *
relay_conn_find(struct relay *r, uint64_t id)
{
	size_t	 i;

	for (i = 0; i < r->nconns; i++)
		if (r->conns[i]->id == id)
			return r->conns[i];
	return NULL;
}

size_t
relay_queued_total(const struct relay *r)
{
	size_t	 i, n = 0;

	for (i = 0; i < r->nconns; i++)
		n += r->conns[i]->queued;
	return n;
}

size_t
relay_conn_count(const struct relay *r)
{
	return r->nconns;
}

uint64_t
relay_conn_open(struct relay *r, void *cookie, const char *peer)
{
	struct rconn *c, **nc;

	if (r->nconns == r->cap) {
		size_t	 ncap = r->cap ? r->cap * 2 : 64;

		if ((nc = realloc(r->conns, ncap * sizeof(*nc))) == NULL)
			return 0;
		r->conns = nc;
		r->cap = ncap;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return 0;
	c->id = ++r->next_id;
	c->cookie = cookie;
	snprintf(c->peer, sizeof(c->peer), "%s", peer ? peer : "?");
	c->tokens = (double)r->lim.events_per_minute / 6 + 10;
	c->qtokens = c->tokens;
	c->last_refill = c->progress_ms = relay_now_ms();
	buf_init(&c->rx, r->lim.max_message_length + 1);
	r->conns[r->nconns++] = c;
	return c->id;
}

void
relay_conn_close(struct relay *r, uint64_t id)
{
	struct rconn *c;
	struct frame *f;
	size_t	 i;

	for (i = 0; i < r->nconns; i++)
		if (r->conns[i]->id == id)
			break;
	if (i == r->nconns)
		return;
	c = r->conns[i];
	r->conns[i] = r->conns[--r->nconns];
	if (c->nrefused > LOG_REFUSED_MAX)
		log_info("%s: refused %llu events in all", c->peer,
		    (unsigned long long)c->nrefused);
	relay_subs_free(c);
	relay_negs_free(c);
	while ((f = c->head) != NULL) {
		c->head = f->next;
		free(f);
	}
	free(c->sent);
	buf_free(&c->rx);
	free(c);
}

/*
 * Queues one frame.  A client that lets output pile up past
 * max_output_buffer without reading for RELAY_STALL_MS, or past four
 * times that in any case, is told once and dropped -- unless force (our
 * answer to its own request).  A client that reads but is far behind
 * pauses delivery of stored events instead (relay_deliver_new).
 */
void
relay_send(struct relay *r, struct rconn *c, const char *p, size_t len,
    bool force)
{
	struct frame *f;
	bool	 was_empty = c->head == NULL;
	uint64_t now = relay_now_ms();
	size_t	 max = r->lim.max_output_buffer;

	if (c->closing)
		return;
	if (!force && c->queued + len > max &&
	    (now - c->progress_ms > RELAY_STALL_MS || c->queued + len > 4 * max)) {
		char	 why[128];

		log_info("%s: disconnecting a slow reader (%zu bytes queued)",
		    c->peer, c->queued);
		while ((f = c->head) != NULL) {
			c->head = f->next;
			free(f);
		}
		c->tail = NULL;
		c->queued = 0;
		relay_notice(r, c, err_reason(ERR_SLOW, why, sizeof(why)));
		c->closing = true;
		return;
	}
	if ((f = malloc(sizeof(*f) + RELAY_HEADROOM + len)) == NULL)
		return;
	f->next = NULL;
	f->len = len;
	memcpy(f->data + RELAY_HEADROOM, p, len);
	if (c->tail != NULL)
		c->tail->next = f;
	else
		c->head = f;
	c->tail = f;
	c->queued += len;
	if (was_empty) {
		c->progress_ms = now;
		r->io.want_write(r->io.arg, c->cookie);
	}
	if (!force && c->queued > max / 2)
		r->backlog = true;
}

void
relay_send_buf(struct relay *r, struct rconn *c, bool force)
{
	if (!r->out.err)
		relay_send(r, c, r->out.p, r->out.len, force);
	buf_reset(&r->out);
}

bool
relay_conn_next(struct relay *r, uint64_t id, char **p, size_t *len,
    bool *close_after)
{
	struct rconn *c = relay_conn_find(r, id);
	struct frame *f;

	if (c == NULL)
		return false;
	free(c->sent);
	c->sent = NULL;
	if ((f = c->head) == NULL)
		return false;
	c->head = f->next;
	if (c->head == NULL)
		c->tail = NULL;
	c->queued -= f->len;
	c->progress_ms = relay_now_ms();
	if (r->backlog && c->queued < r->lim.max_output_buffer / 4)
		r->kick = true;
	c->sent = f;		/* kept until the next call: the transport copies */
	*p = f->data + RELAY_HEADROOM;
	*len = f->len;
	*close_after = c->closing && c->head == NULL;
	return true;
}

size_t
relay_conn_queued(struct relay *r, uint64_t id)
{
	struct rconn *c = relay_conn_find(r, id);

	return c != NULL ? c->queued : 0;
}

void
relay_notice(struct relay *r, struct rconn *c, const char *text)
{
	struct buf b;

	/* Its own buffer: a NOTICE may be sent while r->out is in use. */
	buf_init(&b, 0);
	msg_notice(&b, text);
	if (!b.err)
		relay_send(r, c, b.p, b.len, true);
	buf_free(&b);
}

void
relay_notice_err(struct relay *r, struct rconn *c, enum err e,
    const char *detail)
{
	char	 why[256];

	relay_notice(r, c, err_reason_detail(e, detail, why, sizeof(why)));
}

/* Token buckets: a minute's allowance refills continuously. */
bool
relay_take_token(struct relay *r, struct rconn *c, double *bucket)
{
	uint64_t now = relay_now_ms();
	unsigned per_min = c->mesh ? r->lim.node_events_per_minute :
	    r->lim.events_per_minute;
	double	 rate = (double)per_min / 60000.0;
	double	 burst = (double)per_min / 6 + 10;

	if (per_min == 0)
		return true;
	c->tokens += (double)(now - c->last_refill) * rate;
	c->qtokens += (double)(now - c->last_refill) * rate;
	if (c->tokens > burst)
		c->tokens = burst;
	if (c->qtokens > burst)
		c->qtokens = burst;
	c->last_refill = now;
	if (*bucket < 1.0)
		return false;
	*bucket -= 1.0;
	return true;
}

static void
pending_ok(struct relay *r, struct rconn *c, const uint8_t id[32], enum err e)
{
	struct pending *np;

	if (r->noks == r->okcap) {
		size_t	 ncap = r->okcap ? r->okcap * 2 : 64;

		if ((np = realloc(r->oks, ncap * sizeof(*np))) == NULL)
			return;
		r->oks = np;
		r->okcap = ncap;
	}
	r->oks[r->noks].conn = c->id;
	memcpy(r->oks[r->noks].id, id, 32);
	r->oks[r->noks].e = e;
	r->noks++;
}

/* Logs the first few refusals of a connection: a flood is one line more. */
static void
log_refused(struct rconn *c, enum err e)
{
	char	 reason[200];

	if (c->nrefused++ < LOG_REFUSED_MAX)
		log_info("%s: refused an event: %s", c->peer,
		    err_reason(e, reason, sizeof(reason)));
}

/* Remembers which node sent a stored event, so it is not echoed back. */
static void
origin_add(struct relay *r, struct rconn *c, const uint8_t id[32])
{
	struct pending *np;

	if (r->norigin == r->origincap) {
		size_t	 ncap = r->origincap ? r->origincap * 2 : 64;

		if (ncap > 65536 || (np = realloc(r->origin,
		    ncap * sizeof(*np))) == NULL)
			return;		/* an echo costs a duplicate, no more */
		r->origin = np;
		r->origincap = ncap;
	}
	r->origin[r->norigin].conn = c->id;
	memcpy(r->origin[r->norigin].id, id, 32);
	r->norigin++;
}

void
relay_ok(struct relay *r, struct rconn *c, const uint8_t id[32], enum err e)
{
	char	 reason[200];

	if (c->mesh && r->io.seen != NULL)
		r->io.seen(r->io.arg, c->id, c->authed ? c->pubkey : NULL, id,
		    e);
	buf_reset(&r->out);
	if (e == ERR_OK || e == ERR_EPHEMERAL)
		reason[0] = '\0';
	else
		err_reason(e, reason, sizeof(reason));
	msg_ok(&r->out, id, ingest_accepted(e), reason);
	relay_send_buf(r, c, true);
}

/*
 * Finds the id of an event too broken to parse, so that it can still be
 * answered with OK as NIP-01 asks.  Returns: false if there is none.
 */
static bool
salvage_id(const char *json, size_t len, uint8_t id[32])
{
	return json_find_hex_field(json, json + len, "id", id, 32);
}

/*
 * The last stages for an event whose signature has been checked (e is
 * the answer): ephemeral events go straight to subscribers, others into
 * the open transaction, answered after the commit.  c is NULL when the
 * client left while its event was being verified; it is stored anyway.
 */
static void
accept_checked(struct relay *r, struct rconn *c, const struct event *ev,
    enum err e)
{
	if (e == ERR_OK && event_class(ev->kind) == EVENT_EPHEMERAL) {
		relay_fanout(r, ev);
		if (c != NULL)
			relay_ok(r, c, ev->id, ERR_EPHEMERAL);
		return;
	}
	if (e == ERR_OK && !r->tx_open) {
		if ((e = store_begin(r->store)) == ERR_OK) {
			r->tx_open = true;
			r->tx_start = relay_now_ms();
		}
	}
	if (e == ERR_OK)
		e = store_put(r->store, ev, (uint64_t)time(NULL));
	if (e == ERR_OK) {
		if (c != NULL)
			pending_ok(r, c, ev->id, e);	/* after the commit */
		if (c != NULL && c->mesh)
			origin_add(r, c, ev->id);
		return;
	}
	if (e == ERR_DB || e == ERR_DB_BUSY || e == ERR_DB_FULL ||
	    e == ERR_DB_CORRUPT || e == ERR_IO || e == ERR_NOMEM)
		relay_abort_tx(r, e);	/* the store failed: undo the batch */
	if (c == NULL)
		return;
	if (!ingest_accepted(e))
		log_refused(c, e);
	relay_ok(r, c, ev->id, e);
}

static void
on_event(struct relay *r, struct rconn *c, const struct msg *m)
{
	struct ingest_ctx *ctx = &r->ictx;
	const struct ingest_policy *pol;
	struct vjob *j = NULL;
	struct event ev;
	const char *json = m->event;
	uint8_t	 id[32];
	char	 reason[200];
	enum err e;

	/* With a free verify slot, the event is parsed straight into it. */
	if (r->pool != NULL && (j = vpool_job(r->pool)) != NULL) {
		if (j->cap < m->eventlen) {
			char	*nj = realloc(j->json, m->eventlen);

			if (nj == NULL)
				j = NULL;
			else {
				j->json = nj;
				j->cap = m->eventlen;
			}
		}
		if (j != NULL) {
			memcpy(j->json, m->event, m->eventlen);
			j->len = m->eventlen;
			json = j->json;
			ctx = &j->ctx;
		}
	}
	pol = c->mesh ? &r->meshpol : &r->lim.pol;
	e = ingest_parse(ctx, pol, json, m->eventlen, &ev);
	if (e != ERR_OK && e != ERR_ID_MISMATCH) {
		if (salvage_id(m->event, m->eventlen, id)) {
			log_refused(c, e);
			relay_ok(r, c, id, e);
		} else
			relay_notice(r, c, err_reason(e, reason,
			    sizeof(reason)));
		return;
	}
	if (e == ERR_OK && !relay_take_token(r, c, &c->tokens))
		e = ERR_RATE;
	/* Policy first: an expired event is refused even if still stored. */
	if (e == ERR_OK)
		e = ingest_policy(pol, &ev, (uint64_t)time(NULL));
	if (e == ERR_OK && store_has(r->store, ev.id))
		e = ERR_DUPLICATE;
	if (e != ERR_OK) {
		if (!ingest_accepted(e))
			log_refused(c, e);
		relay_ok(r, c, ev.id, e);
		return;
	}
	if (j != NULL) {
		j->conn = c->id;
		j->ev = ev;
		vpool_submit(r->pool, j);
		return;
	}
	accept_checked(r, c, &ev, ingest_verify(&ev));
}

/* Takes the verified events the pool has finished, in arrival order. */
static void
relay_collect(struct relay *r)
{
	struct vjob *j;

	if (r->pool == NULL)
		return;
	while ((j = vpool_take(r->pool)) != NULL) {
		accept_checked(r, relay_conn_find(r, j->conn), &j->ev, j->e);
		vpool_done(r->pool, j);
	}
}

/* Waits (a little) for events still being verified, and stores them. */
void
relay_drain(struct relay *r)
{
	int	 i;

	for (i = 0; r->pool != NULL && vpool_pending(r->pool) > 0 && i < 500;
	    i++) {
		relay_collect(r);
		if (vpool_pending(r->pool) > 0)
			usleep(2000);
	}
}

void
relay_abort_tx(struct relay *r, enum err e)
{
	struct rconn *c;
	size_t	 i;

	if (r->tx_open)
		store_rollback(r->store);
	r->tx_open = false;
	for (i = 0; i < r->noks; i++)
		if ((c = relay_conn_find(r, r->oks[i].conn)) != NULL)
			relay_ok(r, c, r->oks[i].id, e);
	r->noks = 0;
}

void
relay_commit(struct relay *r)
{
	struct rconn *c;
	size_t	 i;
	enum err e;

	if (!r->tx_open)
		return;
	if ((e = store_commit(r->store)) != ERR_OK) {
		relay_abort_tx(r, e);
		return;
	}
	r->tx_open = false;
	for (i = 0; i < r->noks; i++)
		if ((c = relay_conn_find(r, r->oks[i].conn)) != NULL)
			relay_ok(r, c, r->oks[i].id, r->oks[i].e);
	r->noks = 0;
}

/* True if ev has a tag [name, value, ...] (value NULL: any value). */
static bool
has_tag(const struct event *ev, const char *name, const char *value)
{
	size_t	 i, nl = strlen(name);

	for (i = 0; i < ev->ntags; i++) {
		const struct tag *t = &ev->tags[i];

		if (t->n < 2 || t->v[0].n != nl || memcmp(t->v[0].p, name, nl))
			continue;
		if (value == NULL || (t->v[1].n == strlen(value) &&
		    memcmp(t->v[1].p, value, t->v[1].n) == 0))
			return true;
	}
	return false;
}

/*
 * NIP-42, for nodes: a connection that asked to be treated as a node
 * (relay_conn_challenge) proves its key; it then gets the mesh rules.
 */
static void
relay_on_auth(struct relay *r, struct rconn *c, const struct msg *m)
{
	struct event ev;
	uint8_t	 id[32];
	char	 reason[200];
	enum err e;

	if (c->challenge[0] == '\0') {
		relay_notice_err(r, c, ERR_NO_AUTH, NULL);
		return;
	}
	e = ingest_parse(&r->ictx, &r->meshpol, m->event, m->eventlen, &ev);
	if (e != ERR_OK) {
		if (salvage_id(m->event, m->eventlen, id)) {
			buf_reset(&r->out);
			msg_ok(&r->out, id, false, err_reason(e, reason,
			    sizeof(reason)));
			relay_send_buf(r, c, true);
		} else
			relay_notice_err(r, c, e, NULL);
		return;
	}
	/*
	 * No created_at check: the challenge is fresh for this connection,
	 * which is what stops a replay, and a node's clock is exactly what
	 * may have drifted while it was offline.
	 */
	if (ev.kind != 22242 || !has_tag(&ev, "challenge", c->challenge) ||
	    !has_tag(&ev, "relay", NULL))
		e = ERR_AUTH_BAD;
	else
		e = ingest_verify(&ev);
	if (e == ERR_OK) {
		c->authed = true;
		c->mesh = true;
		c->tokens = (double)r->lim.node_events_per_minute / 6 + 10;
		memcpy(c->pubkey, ev.pubkey, 32);
		if (r->io.authed != NULL)
			r->io.authed(r->io.arg, c->id, c->pubkey, c->peer);
	}
	buf_reset(&r->out);
	msg_ok(&r->out, ev.id, e == ERR_OK, e == ERR_OK ? "" :
	    err_reason(e, reason, sizeof(reason)));
	relay_send_buf(r, c, true);
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
	buf_puts(&r->out, "[\"AUTH\",\"");
	buf_puts(&r->out, c->challenge);
	buf_puts(&r->out, "\"]");
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

static void
dispatch(struct relay *r, struct rconn *c, const char *data, size_t len)
{
	struct msg m;
	char	 text[128];
	enum err e;

	e = msg_parse(data, len, r->lim.max_subid_length, &m);
	if (e == ERR_JSON) {
		relay_notice_err(r, c, ERR_MSG_FORMAT, NULL);
		goto done;
	}
	if (e == ERR_USAGE) {
		snprintf(text, sizeof(text), "'%.40s'", m.verb_text);
		relay_notice_err(r, c, ERR_MSG_VERB, text);
		goto done;
	}
	if (e == ERR_FILTER) {
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
		on_event(r, c, &m);
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
relay_stop(struct relay *r)
{
	relay_drain(r);
	relay_poll(r);
}

void
relay_poll(struct relay *r)
{
	relay_collect(r);
	relay_commit(r);
	relay_deliver_new(r);
}
