/*
 * relay_tx.c: the group commit, and delivering stored events to live
 * subscriptions (relay_int.h).
 *
 * The first EVENT stored opens a write transaction; those stored in the
 * next RELAY_COMMIT_MS join it, and their OKs wait for the commit.
 * Stored events reach subscribers one way only: after a commit, and on
 * the timer, relay_deliver_new reads the rows added since it last looked,
 * so events this relay stored and events another process (an import)
 * stored are delivered alike, each once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bech32.h"
#include "log.h"
#include "relay_int.h"

#define DELIVER_BATCH	1000

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
 * back to the node it came from: nodes already have what they send.  A
 * node connection gets it only if the guard does not hold it back and
 * the hook lets it through.
 */
static void
fanout_json(struct relay *r, const struct event *ev, const char *json,
    size_t len, bool clients_only)
{
	uint64_t from = r->norigin > 0 ? origin_of(r, ev) : 0;
	size_t	 i, j;
	bool	 sent;

	if (!clients_only && r->guard != NULL && !guard_forward(r->guard, ev))
		clients_only = true;	/* held here: phones only */
	for (i = 0; i < r->nconns; i++) {
		struct rconn *c = r->conns[i];

		if (from != 0 && c->id == from) {
			/* Its streaming subs would catch up on it: not them. */
			if (c->nstreams > 0)
				relay_echo_note(c, ev->id);
			continue;
		}
		if ((clients_only && c->mesh) || c->nsubs == 0)
			continue;
		if (c->mesh && r->hooks.forward != NULL &&
		    !r->hooks.forward(r->hooks_arg, c->id, ev))
			continue;
		for (j = 0, sent = false; j < c->nsubs; j++) {
			/* Still streaming: it catches up after EOSE. */
			if (c->subs[j].cur != NULL ||
			    !filter_match_any(c->subs[j].f, c->subs[j].nf, ev))
				continue;
			buf_reset(&r->out);
			msg_event(&r->out, c->subs[j].id, json, len);
			relay_send_buf(r, c, false);
			sent = true;
		}
		if (sent)
			relay_sent_hook(r, c, ev->id);
	}
}

/*
 * Ephemeral events are not stored, so nothing would stop two nodes
 * passing one back and forth forever: they go to clients only.
 */
static void
fanout_ephemeral(struct relay *r, const struct event *ev)
{
	struct buf json;

	buf_init(&json, 0);
	event_write_json(ev, &json);
	if (!json.err)
		fanout_json(r, ev, json.p, json.len, true);
	buf_free(&json);
}

/*
 * Who the guard counts an event against: a node that proved its key, a
 * link of our own (named by its URL), or a client's address.  A client
 * that left while its event was verified is counted as an unknown one.
 */
void
relay_guard_src(const struct rconn *c, struct guard_src *src)
{
	if (c != NULL && c->authed)
		guard_src_node(src, c->pubkey);
	else if (c != NULL && c->mesh)
		guard_src_link(src, c->peer);
	else
		guard_src_client(src, c != NULL ? c->peer : "?");
}

/*
 * The custody log's source for an event from c: a node by the npub it
 * proved (NIP-42), else by the link's URL or its address; a client by its
 * address; "" once the client has left.
 */
static void
custody_from_conn(const struct rconn *c, struct custody_src *src, char *from,
    size_t fromsz)
{
	src->via = c != NULL && c->mesh ? CUSTODY_PEER : CUSTODY_CLIENT;
	src->from = from;
	from[0] = '\0';
	if (c == NULL)
		return;
	if (c->mesh && c->authed)
		nip19_npub(c->pubkey, from, fromsz);
	else
		snprintf(from, fromsz, "%s", c->peer);
}

/*
 * The last stages for an event whose signature has been checked (e is
 * the answer): ephemeral events go straight to subscribers, others into
 * the open transaction, answered after the commit.  c is NULL when the
 * client left while its event was being verified; it is stored anyway.
 * The guard decides again, with the counts as they are now: what it
 * holds is stored and answered as held.
 */
void
relay_accept(struct relay *r, struct rconn *c, const struct event *ev,
    enum err e)
{
	struct guard_ticket tk;
	struct guard_src src;
	char	 detail[160] = "";
	enum err verdict = ERR_OK;

	if (e == ERR_OK && event_class(ev->kind) == EVENT_EPHEMERAL) {
		fanout_ephemeral(r, ev);
		if (c != NULL)
			relay_ok(r, c, ev->id, ERR_EPHEMERAL);
		return;
	}
	tk.valid = false;
	if (e == ERR_OK && r->guard != NULL) {
		relay_guard_src(c, &src);
		verdict = guard_admit(r->guard, r->store, &src, ev, &tk,
		    detail, sizeof(detail));
		if (verdict != ERR_OK && verdict != ERR_HELD) {
			if (c != NULL) {
				relay_log_refused(c, verdict);
				relay_ok_detail(r, c, ev->id, verdict, detail);
			}
			return;
		}
	}
	if (e == ERR_OK && !r->tx_open) {
		if ((e = store_begin(r->store)) == ERR_OK) {
			r->tx_open = true;
			r->tx_start = relay_now_ms();
		}
	}
	if (e == ERR_OK) {
		struct custody_src csrc;
		char	 from[80];

		custody_from_conn(c, &csrc, from, sizeof(from));
		e = ingest_store_from(r->store, ev, (uint64_t)time(NULL), &csrc);
	}
	if (e == ERR_OK) {
		r->tx_n++;
		if (tk.valid)
			guard_stored(r->guard, &tk);
		if (c != NULL)		/* after the commit */
			pending_ok(r, c, ev->id, verdict);
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
		relay_log_refused(c, e);
	relay_ok(r, c, ev->id, e);
}

void
relay_abort_tx(struct relay *r, enum err e)
{
	struct rconn *c;
	size_t	 i;

	if (r->tx_open)
		store_rollback(r->store);
	r->tx_open = false;
	r->tx_n = r->last_n = r->flush_n = 0;
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
	/* Held marks first: never a held event stored without its mark. */
	if (r->guard != NULL)
		guard_flush(r->guard);
	if ((e = store_commit(r->store)) != ERR_OK) {
		relay_abort_tx(r, e);
		return;
	}
	r->tx_open = false;
	r->last_n = r->tx_n;
	r->last_commit = relay_now_ms();
	r->tx_n = r->flush_n = 0;
	for (i = 0; i < r->noks; i++)
		if ((c = relay_conn_find(r, r->oks[i].conn)) != NULL)
			relay_ok(r, c, r->oks[i].id, r->oks[i].e);
	r->noks = 0;
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

		if (!c->closing && c->out.bytes > r->lim.max_output_buffer / 2 &&
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

/* A released event, stored long ago: to the node connections only. */
static int
forward_row(const char *json, size_t len, void *arg)
{
	struct relay *r = arg;
	struct event ev;
	void	*scratch;
	size_t	 i, j;
	bool	 sent;

	if ((scratch = malloc(EVENT_SCRATCH(len))) == NULL)
		return 0;
	if (event_parse(json, len, NULL, &ev, scratch, EVENT_SCRATCH(len)) !=
	    ERR_OK || (r->guard != NULL && !guard_forward(r->guard, &ev)))
		goto done;
	for (i = 0; i < r->nconns; i++) {
		struct rconn *c = r->conns[i];

		if (!c->mesh || c->nsubs == 0 || (r->hooks.forward != NULL &&
		    !r->hooks.forward(r->hooks_arg, c->id, &ev)))
			continue;
		for (j = 0, sent = false; j < c->nsubs; j++) {
			if (!filter_match_any(c->subs[j].f, c->subs[j].nf, &ev))
				continue;
			buf_reset(&r->out);
			msg_event(&r->out, c->subs[j].id, json, len);
			relay_send_buf(r, c, false);
			sent = true;
		}
		if (sent)
			relay_sent_hook(r, c, ev.id);
	}
done:
	free(scratch);
	return 0;
}

void
relay_forward_ids(struct relay *r, const uint8_t (*ids)[32], size_t n)
{
	struct filter f;

	if (n == 0)
		return;
	filter_init(&f);
	f.ids = (uint8_t (*)[32])(uintptr_t)ids;
	f.nids = n;
	(void)store_query(r->store, &f, 1, (uint64_t)time(NULL), 0,
	    forward_row, r);
}
