/*
 * mesh.c: links to peers, data dirs and bridge relays (mesh.h) -- the
 * table of links, what discovery finds, the tick that (re)connects live
 * links and hands out full rounds, and the relay hooks the mesh
 * installs for itself.  Live links are mesh_live.c, rounds mesh_work.c,
 * the records mesh_rec.c (mesh_int.h).
 *
 * Links found by mDNS are hints from anyone on the LAN, so the table
 * defends itself (docs/discovery.md): a withdrawn one leaves after
 * GONE_GRACE once down; when the table is full, a newly found peer takes
 * the slot of the one that matters least (evict_rank); unproven ones
 * are called at TRY_RATE at most, the fresh first, and given TRY_TIMEOUT
 * to answer.  Links that leave are written to the store, then freed.
 *
 * One thread (the server's loop) owns the links; the full syncs run on
 * two worker threads with their own store handles.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libwebsockets.h>

#include "bech32.h"
#include "crypto.h"
#include "disc.h"
#include "log.h"
#include "mesh_int.h"
#include "relay.h"
#include "trust_store.h"
#include "version.h"

static void	mesh_authed(void *, uint64_t, const uint8_t[32], const char *);
static void	mesh_seen(void *, uint64_t, const uint8_t *, const uint8_t[32],
		    enum err);
static void	mesh_conn_closed(void *, uint64_t);
static void	mesh_sent(void *, uint64_t, const uint8_t[32]);
static void	found_log(struct mesh *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static const struct relay_hooks mesh_hooks = {
	.authed = mesh_authed,
	.seen = mesh_seen,
	.closed = mesh_conn_closed,
	.forward = mesh_live_forward,
	.sent = mesh_sent,
};

static struct link *
link_find(struct mesh *m, const char *url, const char *npub)
{
	size_t	 i;

	for (i = 0; i < m->nlinks; i++) {
		struct link *l = m->links[i];

		if ((url != NULL && strcmp(l->url, url) == 0) ||
		    (npub != NULL && npub[0] != '\0' &&
		    strcmp(l->npub, npub) == 0))
			return l;
	}
	return NULL;
}

static struct link *
link_add(struct mesh *m, const char *url, enum link_kind kind,
    const char *how, const char *npub)
{
	struct link *l;

	if (m->nlinks == MESH_MAX_LINKS) {
		log_warnx("mesh: more than %d links; ignoring %s",
		    MESH_MAX_LINKS, url);
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->m = m;
	l->kind = kind;
	l->how = how;
	snprintf(l->url, sizeof(l->url), "%s", url);
	if (npub != NULL)
		snprintf(l->npub, sizeof(l->npub), "%s", npub);
	if (store_link_add(m->st, url, kind, how, npub, &l->lid) != ERR_OK)
		l->lid = 0;
	l->next_try = l->next_sync = mesh_now();
	l->seq = ++m->seq;
	mesh_link_set(l, "starting", "");
	m->links[m->nlinks++] = l;
	return l;
}

static void
link_free(struct link *l)
{
	mesh_live_close(l);
	free(l);
}

/* Link i leaves the table; the next records flush writes it and frees it. */
static void
link_out(struct mesh *m, size_t i, const char *state, const char *why)
{
	struct link *l = m->links[i];

	mesh_live_close(l);
	mesh_link_set(l, state, why);
	memmove(&m->links[i], &m->links[i + 1],
	    (m->nlinks - i - 1) * sizeof(m->links[0]));
	m->nlinks--;
	l->next_out = m->out;
	m->out = l;
}

/*
 * A line about a peer found, left or dropped: at most FOUND_LOGS a
 * minute at info, the rest at debug and counted, so that a flood of
 * announcements is not a flood of the log.  fmt NULL: only the count.
 */
static void
found_log(struct mesh *m, const char *fmt, ...)
{
	va_list	 ap;
	char	 line[1400];
	time_t	 min = mesh_now() / 60;

	if (min != m->log_min) {
		if (m->log_hidden > 0)
			log_info("mesh: %u more peers found, left or dropped "
			    "(at debug level)", m->log_hidden);
		m->log_min = min;
		m->log_n = m->log_hidden = 0;
	}
	if (fmt == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (m->log_n < FOUND_LOGS) {
		m->log_n++;
		log_info("%s", line);
	} else {
		m->log_hidden++;
		log_debug("%s", line);
	}
}

/*
 * Whether peer, the numeric address a connection came from, is the host
 * of l's URL (ws://1.2.3.4:p/ or ws://[fe80::1%eth0]:p/).
 */
static bool
link_at(const struct link *l, const char *peer)
{
	const char *h = l->url + 5, *e;
	size_t	 n;

	if (strncmp(l->url, "ws://", 5) != 0)
		return false;
	e = *h == '[' ? strpbrk(++h, "%]") : strchr(h, ':');
	if (e == NULL)
		return false;
	n = (size_t)(e - h);
	if (strncmp(peer, "::ffff:", 7) == 0)
		peer += 7;
	return strncmp(peer, h, n) == 0 && (peer[n] == '\0' || peer[n] == '%');
}

/* An mDNS link that has not proved itself (mesh_int.h: proven). */
static bool
unproven(const struct link *l)
{
	return strcmp(l->how, "mdns") == 0 && !l->proven;
}

/*
 * How readily a link gives its slot to a newly found peer, lowest first;
 * -1: never.  Configured links, live ones, ones being called or synced,
 * and proven ones still announced are kept.  The rest go in this order:
 * withdrawn unproven links, unproven ones that were called and did not
 * answer, unproven ones not called yet, withdrawn proven ones; the
 * oldest first (seq).
 */
static int
evict_rank(const struct link *l)
{
	if (strcmp(l->how, "mdns") != 0 || l->live || l->conn != 0 ||
	    l->syncing)
		return -1;
	if (l->proven)
		return l->gone ? 3 : -1;
	return l->gone ? 0 : l->calls > 0 ? 1 : 2;
}

/* The table is full.  Returns: whether a slot was freed for npub. */
static bool
make_room(struct mesh *m, const char *npub)
{
	size_t	 i, vi = 0;
	int	 r, vr = -1;

	for (i = 0; i < m->nlinks; i++) {
		if ((r = evict_rank(m->links[i])) < 0)
			continue;
		if (vr < 0 || r < vr ||
		    (r == vr && m->links[i]->seq < m->links[vi]->seq)) {
			vi = i;
			vr = r;
		}
	}
	if (vr < 0) {
		found_log(m, "mesh: %d links, none of which may go; "
		    "ignoring %s", MESH_MAX_LINKS, npub);
		return false;
	}
	found_log(m, "mesh: table full, dropping %s for %s",
	    m->links[vi]->url, npub);
	link_out(m, vi, "evicted", "its slot went to a peer found later");
	return true;
}

/* Withdrawn mDNS links leave the table GONE_GRACE after they are down. */
static void
expire(struct mesh *m, time_t now)
{
	struct link *l;
	size_t	 i = 0;

	while (i < m->nlinks) {
		l = m->links[i];
		if (strcmp(l->how, "mdns") == 0 && l->gone && !l->live &&
		    l->conn == 0 && !l->syncing &&
		    now - l->gone_at >= GONE_GRACE)
			link_out(m, i, "expired", "no longer announced");
		else
			i++;
	}
}

/*
 * A token for one call to an unproven link: TRY_BURST at once, then
 * TRY_RATE a second (a virtual-time bucket on the monotonic clock).
 * Returns: whether there was one.
 */
static bool
call_token(struct mesh *m)
{
	struct timespec ts;
	int64_t	 now, step = 1000 / TRY_RATE;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (m->call_tat < now)
		m->call_tat = now;
	if (m->call_tat - now > step * (TRY_BURST - 1))
		return false;
	m->call_tat += step;
	return true;
}

/* The unproven link to call next: never called first, then the oldest. */
static struct link *
next_call(struct mesh *m, time_t now)
{
	struct link *l, *best = NULL;
	size_t	 i;

	for (i = 0; i < m->nlinks; i++) {
		l = m->links[i];
		if (l->kind != LINK_PEER || !unproven(l) || l->conn != 0 ||
		    l->live || l->gone || l->next_try > now)
			continue;
		if (best == NULL || (l->calls == 0 && best->calls > 0) ||
		    ((l->calls == 0) == (best->calls == 0) &&
		    l->seq < best->seq))
			best = l;
	}
	return best;
}

static void
link_call(struct link *l, time_t now)
{
	l->calls++;
	l->call_at = now;
	mesh_live_connect(l);
}

static bool
inbound_from(const struct mesh *m, const char *npub)
{
	size_t	 i;

	for (i = 0; i < m->nin; i++)
		if (strcmp(m->in[i].npub, npub) == 0)
			return true;
	return false;
}

static void
on_found(struct mesh *m, const struct disc_peer *p)
{
	struct link *l;
	char	 url[1024];

	if (strcmp(p->npub, m->npub) == 0)
		return;
	l = link_find(m, NULL, p->npub);
	if (p->gone) {
		if (l != NULL && strcmp(l->how, "mdns") == 0 && !l->gone) {
			l->gone = true;
			l->gone_at = mesh_now();
			found_log(m, "mesh: %s left the network", p->npub);
		}
		return;
	}
	snprintf(url, sizeof(url), strchr(p->addr, ':') ? "ws://[%s]:%u/" :
	    "ws://%s:%u/", p->addr, p->port);
	if (l == NULL) {
		if ((l = link_find(m, url, NULL)) != NULL) {
			snprintf(l->npub, sizeof(l->npub), "%s", p->npub);
			return;
		}
		if (m->nlinks == MESH_MAX_LINKS && !make_room(m, p->npub))
			return;
		if ((l = link_add(m, url, LINK_PEER, "mdns", p->npub)) == NULL)
			return;
		found_log(m, "mesh: found %s at %s", p->npub, url);
	} else if (strcmp(l->url, url) != 0 && !l->live) {
		snprintf(l->url, sizeof(l->url), "%s", url);
		/* A new address: a new chance, and a new proof to give. */
		l->calls = l->backoff = 0;
		l->proven = false;
	}
	l->gone = false;
	/* One link per pair: the lower npub calls, the higher waits a bit. */
	if (!l->live && l->conn == 0)
		l->next_try = mesh_now() + (strcmp(m->npub, p->npub) > 0 ?
		    DISC_WAIT : 0);
}

static void
disc_wake(void *arg)
{
	lws_cancel_service(arg);
}

int
mesh_new(struct mesh **mp, const struct mesh_opts *o,
    struct lws_context *ctx, struct wsc *wsc, struct relay *relay)
{
	struct mesh *m;
	size_t	 i;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -1;
	m->o = *o;
	m->ctx = ctx;
	m->wsc = wsc;
	m->relay = relay;
	if (crypto_pubkey(o->node_sk, m->node_pk) != ERR_OK ||
	    store_open(&m->st, o->store_path, STORE_HELPER) != ERR_OK) {
		log_warnx("mesh: cannot start (key or store)");
		store_close(m->st);
		free(m);
		return -1;
	}
	trust_store_set_node(m->st, m->node_pk);
	nip19_npub(m->node_pk, m->npub, sizeof(m->npub));
	for (i = 0; i < o->npeers; i++)
		link_add(m, o->peers[i], o->peers[i][0] == '/' ? LINK_DIR :
		    LINK_PEER, "config", NULL);
	for (i = 0; i < o->nbridges; i++)
		link_add(m, o->bridges[i], LINK_RELAY, "config", NULL);
	mesh_worker_start(m, &m->w[0]);
	if (o->nbridges > 0)
		mesh_worker_start(m, &m->w[1]);
	if (o->discovery) {
		if (disc_start(&m->disc, m->npub, SAMIZDAT_VERSION, o->port,
		    disc_wake, ctx) != 0)
			m->disc = NULL;
		else
			log_info("mesh: looking for peers on the local "
			    "network (%s)", DISC_TYPE);
	}
	relay_hooks_set(relay, &mesh_hooks, m);
	mesh_records_flush(m);
	*mp = m;
	return 0;
}

void
mesh_tick(struct mesh *m)
{
	struct disc_peer found[16];
	struct link *l;
	time_t	 now = mesh_now();
	size_t	 i, n;

	if (m == NULL)
		return;
	while (m->disc != NULL &&
	    (n = disc_take(m->disc, found, 16)) > 0)
		for (i = 0; i < n; i++)
			on_found(m, &found[i]);
	found_log(m, NULL);
	expire(m, now);
	for (i = 0; i < m->nlinks; i++) {
		l = m->links[i];
		if (l->kind != LINK_PEER)
			continue;
		/* A stranger's address that swallows calls holds no slot. */
		if (l->conn != 0 && !l->live && unproven(l) &&
		    now - l->call_at >= TRY_TIMEOUT)
			mesh_live_abort(l, "no answer");
		if (l->conn != 0 || l->live || l->next_try > now)
			continue;
		if (l->gone) {
			/* Withdrawn and down: not called; expire() drops it. */
			mesh_link_set(l, "gone", NULL);
			l->next_try = now + 3600;
			continue;
		}
		if (l->npub[0] != '\0' && strcmp(l->how, "mdns") == 0 &&
		    inbound_from(m, l->npub)) {
			l->next_try = now + DISC_WAIT;	/* it called us */
			continue;
		}
		if (!unproven(l))
			link_call(l, now);
	}
	while ((l = next_call(m, now)) != NULL && call_token(m))
		link_call(l, now);
	mesh_worker_tick(m, &m->w[0], false);
	mesh_worker_tick(m, &m->w[1], true);
	mesh_records_flush(m);
}

void
mesh_free(struct mesh *m)
{
	struct link *l;
	size_t	 i;

	if (m == NULL)
		return;
	disc_stop(m->disc);
	relay_hooks_set(m->relay, &(struct relay_hooks){ 0 }, NULL);
	mesh_worker_stop(&m->w[0]);
	mesh_worker_stop(&m->w[1]);
	/*
	 * The links go down with the context: say why.  Found links that
	 * never answered nor proved anything leave with the table.
	 */
	for (i = 0; i < m->nlinks; i++) {
		l = m->links[i];
		if (l->kind == LINK_PEER && unproven(l) && l->seen_at == 0)
			mesh_link_set(l, "expired", "node stopped");
		else if (l->kind == LINK_PEER && !l->gone)
			mesh_link_set(l, "node stopped", "");
	}
	mesh_records_flush(m);
	for (i = 0; i < m->nlinks; i++)
		link_free(m->links[i]);
	while ((l = m->out) != NULL) {	/* the flush could not write them */
		m->out = l->next_out;
		free(l);
	}
	free(m->seen);
	store_close(m->st);
	explicit_bzero(m->o.node_sk, sizeof(m->o.node_sk));
	free(m);
}

/* --- relay hooks ---------------------------------------------------------- */

static void
mesh_authed(void *arg, uint64_t conn, const uint8_t pubkey[32],
    const char *peer)
{
	struct mesh *m = arg;
	struct inbound *in;
	struct link *l;
	char	 npub[64];
	bool	 known;
	size_t	 i;

	nip19_npub(pubkey, npub, sizeof(npub));
	/*
	 * The node announced at this address holds the key it announced.
	 * Only there: a stranger holds the keys of all its fakes, but can
	 * call from few of the addresses it puts in their records.
	 */
	if ((l = link_find(m, NULL, npub)) != NULL && link_at(l, peer))
		l->proven = true;
	for (i = 0; i < m->nin; i++)
		if (m->in[i].conn == conn)
			return;
	if (m->nin == MESH_MAX_INBOUND)
		return;
	known = inbound_from(m, npub);
	in = &m->in[m->nin];
	in->conn = conn;
	memcpy(in->npub, npub, sizeof(in->npub));
	if (store_link_add(m->st, in->npub, LINK_PEER, "inbound", in->npub,
	    &in->lid) != ERR_OK)
		return;
	store_link_update(m->st, in->lid, "connected to us",
	    (int64_t)mesh_now(), 0, 0, 0, 0, "");
	m->nin++;
	if (!known)
		log_info("mesh: node %s connected from %s", in->npub, peer);
}

static void
mesh_seen(void *arg, uint64_t conn, const uint8_t *pubkey,
    const uint8_t id[32], enum err e)
{
	struct mesh *m = arg;
	size_t	 i;

	if (e == ERR_EPHEMERAL || !ingest_accepted(e))
		return;
	for (i = 0; i < m->nlinks; i++)
		if (m->links[i]->vconn == conn) {
			mesh_seen_add(m, id, m->links[i]->lid, SEEN_RECEIVED);
			if (e == ERR_OK)
				m->links[i]->received++;
			m->links[i]->dirty = true;
			return;
		}
	for (i = 0; i < m->nin; i++)
		if (m->in[i].conn == conn) {
			mesh_seen_add(m, id, m->in[i].lid, SEEN_RECEIVED);
			if (e == ERR_OK)
				store_link_update(m->st, m->in[i].lid, NULL,
				    (int64_t)mesh_now(), 0, 0, 1, 0, NULL);
			return;
		}
}

/*
 * A node that called us took a stored event from our relay: the record
 * says we sent it there.  Our own links' pushes are recorded from the
 * peer's OK instead (mesh_live.c).
 */
static void
mesh_sent(void *arg, uint64_t conn, const uint8_t id[32])
{
	struct mesh *m = arg;
	size_t	 i;

	for (i = 0; i < m->nin; i++)
		if (m->in[i].conn == conn) {
			mesh_seen_add(m, id, m->in[i].lid, SEEN_SENT);
			return;
		}
}

static void
mesh_conn_closed(void *arg, uint64_t conn)
{
	struct mesh *m = arg;
	size_t	 i;

	for (i = 0; i < m->nin; i++)
		if (m->in[i].conn == conn) {
			struct inbound gone = m->in[i];

			m->in[i] = m->in[--m->nin];
			/* A sync's own connection may close while the live one stays. */
			if (!inbound_from(m, gone.npub))
				store_link_update(m->st, gone.lid,
				    "disconnected", (int64_t)mesh_now(), 0, 0, 0,
				    0, NULL);
			return;
		}
}
