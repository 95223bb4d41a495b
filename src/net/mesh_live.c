/*
 * mesh_live.c: live links -- one WebSocket (wsc.h) per pair of nodes
 * that carries every new event both ways the moment it is stored.
 *
 * Our end is a virtual connection of our own relay: it subscribes to
 * everything new ("fwd"), so forwarding is ordinary delivery, and what
 * the peer sends on its "live" subscription is published through it, so
 * it takes the ordinary ingest path (verify threads, group commit, live
 * delivery, no echo back to the node it came from).  The relay's frames
 * for the virtual connection are pulled when the socket can take more;
 * its OKs and EOSE are ours to drop.  A link is found by the client's
 * connection id or the relay's, never by a pointer handed out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bech32.h"
#include "log.h"
#include "mesh_int.h"
#include "message.h"
#include "relay.h"
#include "wsc.h"

#define LIVE_QUEUE	(1u << 20)	/* bytes pulled ahead of the socket */

static struct link *
by_conn(struct mesh *m, uint64_t conn)
{
	size_t	 i;

	for (i = 0; i < m->nlinks; i++)
		if (m->links[i]->conn == conn && conn != 0)
			return m->links[i];
	return NULL;
}

static struct link *
by_vconn(struct mesh *m, uint64_t vconn)
{
	size_t	 i;

	for (i = 0; i < m->nlinks; i++)
		if (m->links[i]->vconn == vconn && vconn != 0)
			return m->links[i];
	return NULL;
}

/* The link is down: forget both ends, try again after the backoff. */
static void
link_down(struct link *l, const char *why)
{
	struct mesh *m = l->m;

	if (l->vconn != 0)
		relay_conn_close(m->relay, l->vconn);
	if (l->live)
		log_info("mesh: lost %s: %s", l->url, why);
	l->vconn = 0;
	l->conn = 0;
	l->live = false;
	l->backoff = wsc_backoff(l->backoff, BACKOFF_MIN, BACKOFF_MAX);
	l->next_try = mesh_now() + (time_t)l->backoff;
	if (l->gone)
		l->gone_at = mesh_now();	/* its grace starts now */
	mesh_link_set(l, l->gone ? "gone" : "unreachable", why);
}

/* The relay queued frames for a virtual connection: wake its socket. */
static void
vconn_want_write(void *arg, void *cookie)
{
	struct mesh *m = arg;

	wsc_want_write(m->wsc, (uint64_t)(uintptr_t)cookie);
}

/* The peer sends faster than node_events_per_minute: read it slower. */
static void
vconn_pause(void *arg, void *cookie, bool on)
{
	struct mesh *m = arg;

	wsc_rx_pause(m->wsc, (uint64_t)(uintptr_t)cookie, on);
}

static void
on_up(void *arg, uint64_t conn)
{
	struct mesh *m = arg;
	struct link *l = by_conn(m, conn);
	struct relay_io vio = { m, vconn_want_write, NULL, vconn_pause };
	struct filter f;
	struct buf b;

	if (l == NULL)
		return;
	/* The cookie is the client's id: the relay hands it back to us. */
	if ((l->vconn = relay_conn_open_via(m->relay, &vio,
	    (void *)(uintptr_t)conn, l->url)) == 0) {
		wsc_close(m->wsc, conn);
		link_down(l, "out of memory");
		return;
	}
	relay_conn_set_mesh(m->relay, l->vconn);
	/* New events only, both ways: {"limit":0}. */
	filter_init(&f);
	f.has_limit = true;
	f.limit = 0;
	buf_init(&b, 0);
	msg_req(&b, "fwd", &f, 1);
	if (!b.err)
		relay_conn_rx(m->relay, l->vconn, b.p, b.len, true, true);
	buf_reset(&b);
	msg_req(&b, "live", &f, 1);
	if (!b.err)
		wsc_send(m->wsc, conn, b.p, b.len);
	buf_free(&b);
	l->live = true;
	l->backoff = 0;
	l->seen_at = mesh_now();
	l->next_sync = mesh_now();	/* catch up on what was missed */
	mesh_link_set(l, "live", "");
	log_info("mesh: linked with %s", l->url);
}

/* A message from the peer's relay. */
static void
on_rx(void *arg, uint64_t conn, enum err e, const struct msg *m, size_t len)
{
	struct mesh *mesh = arg;
	struct link *l = by_conn(mesh, conn);
	struct buf b;

	if (l == NULL || e != ERR_OK)
		return;
	l->seen_at = mesh_now();
	switch (m->verb) {
	case MSG_EVENT:
		/* What the peer stored: publish it through our relay. */
		if (l->vconn == 0 || strcmp(m->subid, "live") != 0)
			break;
		buf_init(&b, 0);
		msg_publish(&b, m->event, m->eventlen);
		if (!b.err)
			relay_conn_rx(mesh->relay, l->vconn, b.p, b.len, true,
			    true);
		buf_free(&b);
		break;
	case MSG_OK:
		/* Our push answered: the peer holds it, or refused it. */
		if (m->ok) {
			mesh_seen_add(mesh, m->id, l->lid, SEEN_ACCEPTED);
			l->sent++;
		} else {
			l->refused++;
			log_debug("mesh: %s refused an event: %s", l->url,
			    m->text);
		}
		l->dirty = true;
		break;
	case MSG_NOTICE:
	case MSG_CLOSED:
		log_info("mesh: %s says: %s", l->url, m->text);
		break;
	default:
		break;
	}
}

/*
 * The socket takes more: pull what our relay queued for the virtual
 * connection.  Events for "fwd" go out as EVENT; the rest (OKs for the
 * peer's events, EOSE) are dropped.
 */
static void
on_writable(void *arg, uint64_t conn)
{
	struct mesh *m = arg;
	struct link *l = by_conn(m, conn);
	struct msg msg;
	struct buf b;
	char	*p;
	size_t	 len;
	bool	 close_after;

	if (l == NULL || l->vconn == 0)
		return;
	buf_init(&b, 0);
	while (wsc_queued(m->wsc, conn) < LIVE_QUEUE &&
	    relay_conn_next(m->relay, l->vconn, &p, &len, &close_after)) {
		if (close_after) {
			/* Our relay gave up on it: the peer fell behind. */
			wsc_close(m->wsc, conn);
			link_down(l, "the link fell behind");
			break;
		}
		if (msg_parse(p, len, MSG_FROM_RELAY, MSG_MAX_SUBID, &msg) ==
		    ERR_OK && msg.verb == MSG_EVENT &&
		    strcmp(msg.subid, "fwd") == 0) {
			buf_reset(&b);
			msg_publish(&b, msg.event, msg.eventlen);
			if (!b.err)
				wsc_send(m->wsc, conn, b.p, b.len);
		}
		msg_free(&msg);
	}
	buf_free(&b);
}

/*
 * The node we called proved its key (nip42.h) before sending anything:
 * what the link brings is then counted as that node's, with the trust
 * its key has earned -- unless mDNS announced another key at this
 * address, which makes the link a stranger's, as it was.
 */
static void
on_node(void *arg, uint64_t conn, const uint8_t pubkey[32])
{
	struct mesh *m = arg;
	struct link *l = by_conn(m, conn);
	char	 npub[64];

	if (l == NULL || l->vconn == 0)
		return;
	nip19_npub(pubkey, npub, sizeof(npub));
	if (l->npub[0] != '\0' && strcmp(l->npub, npub) != 0) {
		log_info("mesh: %s proved the key %s, not the %s announced "
		    "there: taken as a node whose key is not known", l->url,
		    npub, l->npub);
		return;
	}
	relay_conn_set_node(m->relay, l->vconn, pubkey);
	l->proven = true;
}

static void
on_down(void *arg, uint64_t conn, const char *why)
{
	struct mesh *m = arg;
	struct link *l = by_conn(m, conn);

	if (l != NULL)
		link_down(l, why);
}

static const struct wsc_ops live_ops = {
	.up = on_up,
	.rx = on_rx,
	.writable = on_writable,
	.down = on_down,
	.node = on_node,
};

void
mesh_live_connect(struct link *l)
{
	struct mesh *m = l->m;
	struct wsc_opts o;
	char	 err[256];

	memset(&o, 0, sizeof(o));
	o.url = l->url;
	o.as_node = true;
	o.node_sk = m->o.node_sk;
	o.max_message = 16u << 20;
	o.ping_s = 30;		/* idle links: a ping each 30 s */
	o.hangup_s = 75;	/* a peer gone silent is dropped */
	l->next_try = mesh_now() + 3600;	/* until it succeeds or fails */
	if ((l->conn = wsc_connect(m->wsc, &o, &live_ops, m, err,
	    sizeof(err))) == 0) {
		if (strstr(err, "not a ws://") != NULL) {
			mesh_link_set(l, "unusable", err);
			l->next_try = mesh_now() + 3600;
			return;
		}
		link_down(l, err);
	}
}

/* Gives up a call not answered yet, as if it had failed. */
void
mesh_live_abort(struct link *l, const char *why)
{
	if (l->conn == 0 || l->live)
		return;
	wsc_close(l->m->wsc, l->conn);
	link_down(l, why);
}

void
mesh_live_close(struct link *l)
{
	if (l->conn != 0)
		wsc_close(l->m->wsc, l->conn);
	if (l->vconn != 0)
		relay_conn_close(l->m->relay, l->vconn);
	l->conn = l->vconn = 0;
	l->live = false;
}

/*
 * The relay hook for delivery: events a full sync just fetched from this
 * peer reach our relay from the worker's store handle, not this link, so
 * the relay cannot tell where they came from.  While a round runs, and
 * shortly after, the records say.
 */
bool
mesh_live_forward(void *arg, uint64_t vconn, const struct event *ev)
{
	struct mesh *m = arg;
	struct link *l = by_vconn(m, vconn);

	if (l == NULL || (!l->syncing && mesh_now() - l->last_ok >=
	    SYNC_ECHO_S))
		return true;
	return !store_seen_has(m->st, ev->id, l->lid);
}
