/*
 * relay_event.c: EVENT and AUTH from a client (relay_int.h).
 *
 * An EVENT takes the cheap stages of ingest.h in the loop; its signature
 * is then checked on another core (vpool.h) when the machine has more
 * than one, and relay_collect takes the verified events back in arrival
 * order for relay_tx.c to store.  With one core the loop verifies itself.
 * AUTH (NIP-42) is for nodes only: a connection that asked to be one
 * proves its key and then gets the mesh rules.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "relay_int.h"

/*
 * The id of an event too broken to parse, so that it can still be
 * answered with OK as NIP-01 asks.  Returns: false if there is none.
 */
static bool
salvage_id(const char *json, size_t len, uint8_t id[32])
{
	return json_find_hex_field(json, json + len, "id", id, 32);
}

/* The answer to an event refused before its signature was checked. */
static void
refuse(struct relay *r, struct rconn *c, const struct msg *m,
    const struct event *ev, enum err e)
{
	uint8_t	 id[32];
	char	 reason[200];

	if (ingest_parsed(e)) {
		if (!ingest_accepted(e))
			relay_log_refused(c, e);
		relay_ok(r, c, ev->id, e);
	} else if (salvage_id(m->event, m->eventlen, id)) {
		relay_log_refused(c, e);
		relay_ok(r, c, id, e);
	} else
		relay_notice(r, c, err_reason(e, reason, sizeof(reason)));
}

void
relay_on_event(struct relay *r, struct rconn *c, const struct msg *m)
{
	struct ingest_ctx *ctx = &r->ictx;
	const struct ingest_policy *pol;
	struct vjob *j = NULL;
	struct event ev;
	const char *json = m->event;
	enum err e;

	/*
	 * With a free verify slot, the event is parsed straight into it.  A
	 * full ring is mostly events already verified, waiting for the loop
	 * to store them: it stores them first, which frees their slots,
	 * rather than verifying this one itself (the loop is the stage that
	 * cannot be spread over cores: under a flood over 10 connections
	 * verifying took 12% of its time, 6% since), and keeps events stored
	 * in the order they came.
	 */
	if (r->pool != NULL && (j = vpool_job(r->pool)) == NULL) {
		relay_collect(r);
		j = vpool_job(r->pool);
	}
	if (j != NULL) {
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
	memset(&ev, 0, sizeof(ev));
	/* Its token was taken before (relay.c): over the rate it waited. */
	e = ingest_check(ctx, pol, r->store, json, m->eventlen,
	    (uint64_t)time(NULL), &ev);
	if (e != ERR_OK) {
		refuse(r, c, m, &ev, e);
		return;
	}
	/* The cheap refusals of the open-mesh defence, before the costly one. */
	if (r->guard != NULL) {
		struct guard_src src;
		char	 detail[160];

		relay_guard_src(c, &src);
		if ((e = guard_check(r->guard, r->store, &src, &ev, detail,
		    sizeof(detail))) != ERR_OK) {
			relay_log_refused(c, e);
			relay_ok_detail(r, c, ev.id, e, detail);
			return;
		}
	}
	if (j != NULL) {
		j->conn = c->id;
		j->ev = ev;
		vpool_submit(r->pool, j);
		return;
	}
	relay_accept(r, c, &ev, ingest_verify(&ev));
}

void
relay_collect(struct relay *r)
{
	struct vjob *j;

	if (r->pool == NULL)
		return;
	while ((j = vpool_take(r->pool)) != NULL) {
		relay_accept(r, relay_conn_find(r, j->conn), &j->ev, j->e);
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

/*
 * NIP-42: the relay tag must name this relay -- the Host the connection
 * came to, or one of the relay's own addresses, on its port.
 */
static bool
names_us(const struct relay *r, const struct rconn *c, const struct event *ev)
{
	struct url tag, h;
	struct str v;
	size_t	 i;

	if (!event_tag_value(ev, "relay", 5, &v) ||
	    url_parse(v.p, v.n, &tag) != 0)
		return false;
	/* A Host without a port means the port the tag's scheme implies. */
	if (c->host[0] != '\0' && url_authority(c->host, strlen(c->host),
	    url_default_port(&tag), &h) == 0 && url_same_place(&tag, &h))
		return true;
	for (i = 0; i < r->nplaces; i++)
		if (url_same_place(&tag, &r->places[i]))
			return true;
	return false;
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

void
relay_on_auth(struct relay *r, struct rconn *c, const struct msg *m)
{
	struct event ev;
	char	 reason[200];
	enum err e;

	if (c->challenge[0] == '\0') {
		relay_notice_err(r, c, ERR_NO_AUTH, NULL);
		return;
	}
	/*
	 * No created_at check (now 0): the challenge is fresh for this
	 * connection, which is what stops a replay, and a node's clock is
	 * exactly what may have drifted while it was offline.
	 */
	memset(&ev, 0, sizeof(ev));
	e = ingest_check(&r->ictx, &r->meshpol, NULL, m->event, m->eventlen,
	    0, &ev);
	if (e != ERR_OK && !ingest_parsed(e)) {
		refuse(r, c, m, &ev, e);
		return;
	}
	if (e == ERR_OK && (ev.kind != 22242 ||
	    !has_tag(&ev, "challenge", c->challenge) ||
	    !has_tag(&ev, "relay", NULL)))
		e = ERR_AUTH_BAD;
	else if (e == ERR_OK && (e = ingest_verify(&ev)) == ERR_OK &&
	    !names_us(r, c, &ev))
		e = ERR_AUTH_RELAY;
	if (e == ERR_OK) {
		c->challenge[0] = '\0';	/* used: one AUTH per challenge */
		c->authed = true;
		c->mesh = true;
		c->tokens = (double)r->lim.node_events_per_minute / 6 + 10;
		memcpy(c->pubkey, ev.pubkey, 32);
		if (r->hooks.authed != NULL)
			r->hooks.authed(r->hooks_arg, c->id, c->pubkey,
			    c->peer);
	}
	buf_reset(&r->out);
	msg_ok(&r->out, ev.id, e == ERR_OK, e == ERR_OK ? "" :
	    err_reason(e, reason, sizeof(reason)));
	relay_send_buf(r, c, true);
}
