/*
 * server_admit.c: which TCP connections the server lets in (server_int.h).
 *
 * One address (a phone, or a school behind one router) may hold
 * max_connections_per_address connections open and have
 * max_handshakes_per_address of them still waiting for their first
 * request.  Past the second, a connection is closed as soon as it is
 * accepted: half-open connections from one address cannot fill the
 * server and lock everyone else out.  Past the first, it is let in only
 * to be told why it is refused.  The total never passes what the
 * descriptor limit leaves room for, so accept(2) never fails for want of
 * one.
 *
 * Addresses and connections live in open-addressing tables (linear
 * probing, deletion by backward shift) keyed by 16 bytes: an address
 * (IPv4 as ::ffff:a.b.c.d), or a wsi's pointer.  A connection is
 * accepted before its wsi exists; admit_accept keeps it pending and
 * admit_bind, at the wsi's creation, files it under the wsi.
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "server_int.h"

#define FD_RESERVE	96	/* descriptors kept for the store, mesh, log */
/*
 * Descriptors a connection may hold: its socket and the photo it is being
 * served or is uploading.
 */
#define FD_PER_CONN	2
#define LOG_EVERY	10	/* seconds between refusal lines per kind */

/* An address (open, waiting) or a connection (addr, waiting, over). */
struct ent {
	uint8_t		 k[16];
	uint8_t		 addr[16];
	uint32_t	 open, waiting;
	bool		 used, over;
};

struct tab {
	struct ent	*e;
	size_t		 n;		/* a power of two, > 2x the entries */
};

struct admit {
	struct tab	 addrs, conns;
	struct ent	 pending;	/* accepted, its wsi not yet made */
	size_t		 open;
	size_t		 max, per_addr, handshakes;
	time_t		 logged_drop, logged_over, logged_full;
	unsigned long	 drops, overs, fulls;
};

static size_t
hash(const uint8_t k[16], size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t	 i;

	for (i = 0; i < 16; i++)
		h = (h ^ k[i]) * 1099511628211ULL;
	return (size_t)h & (n - 1);
}

static struct ent *
ent_find(struct tab *t, const uint8_t k[16], bool add)
{
	size_t	 i = hash(k, t->n), j;

	for (j = 0; j < t->n; j++, i = (i + 1) & (t->n - 1)) {
		struct ent *e = &t->e[i];

		if (!e->used) {
			if (!add)
				return NULL;
			memset(e, 0, sizeof(*e));
			memcpy(e->k, k, 16);
			e->used = true;
			return e;
		}
		if (memcmp(e->k, k, 16) == 0)
			return e;
	}
	return NULL;		/* full: cannot happen, the table is 2x max */
}

/* Removes e, shifting back the entries that probed past it. */
static void
ent_del(struct tab *t, struct ent *e)
{
	size_t	 mask = t->n - 1, i = (size_t)(e - t->e), j, h;

	e->used = false;
	for (j = (i + 1) & mask; t->e[j].used; j = (j + 1) & mask) {
		h = hash(t->e[j].k, t->n);
		/* Does j's home lie cyclically in (i, j]?  Then it stays. */
		if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
			continue;
		t->e[i] = t->e[j];
		t->e[j].used = false;
		i = j;
	}
}

static void
wsi_key(const struct lws *wsi, uint8_t k[16])
{
	memset(k, 0, 16);
	memcpy(k, &wsi, sizeof(wsi));
}

static bool
tab_init(struct tab *t, size_t entries)
{
	for (t->n = 16; t->n < 2 * entries + 2; t->n *= 2)
		;
	return (t->e = calloc(t->n, sizeof(*t->e))) != NULL;
}

enum err
admit_new(struct admit **ap, size_t max_conns, size_t per_addr,
    size_t handshakes)
{
	struct admit *ad;

	if ((ad = calloc(1, sizeof(*ad))) == NULL)
		return ERR_NOMEM;
	ad->max = max_conns;
	ad->per_addr = per_addr;
	ad->handshakes = handshakes;
	if (!tab_init(&ad->addrs, max_conns) || !tab_init(&ad->conns,
	    max_conns)) {
		admit_free(ad);
		return ERR_NOMEM;
	}
	*ap = ad;
	return ERR_OK;
}

void
admit_free(struct admit *ad)
{
	if (ad == NULL)
		return;
	free(ad->addrs.e);
	free(ad->conns.e);
	free(ad);
}

/* The address as 16 bytes; false for a family we do not serve. */
static bool
addr_key(const struct sockaddr *sa, socklen_t len, uint8_t a[16])
{
	memset(a, 0, 16);
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		a[10] = a[11] = 0xff;
		memcpy(a + 12, &((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		memcpy(a, &((const struct sockaddr_in6 *)(const void *)sa)->
		    sin6_addr, 16);
		return true;
	}
	return false;
}

static const char *
addr_str(const uint8_t a[16], char *buf, size_t sz)
{
	static const uint8_t v4[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	    0xff };

	if (memcmp(a, v4, 12) == 0)
		inet_ntop(AF_INET, a + 12, buf, (socklen_t)sz);
	else
		inet_ntop(AF_INET6, a, buf, (socklen_t)sz);
	return buf;
}

/* One line per kind of refusal and interval, with how many. */
static void
log_refusal(time_t *last, unsigned long *count, const char *what,
    const uint8_t a[16])
{
	time_t	 now = time(NULL);
	char	 s[64];

	(*count)++;
	if (now - *last < LOG_EVERY)
		return;
	log_info("refused %lu connection(s) in %ds: %s (last from %s)", *count,
	    *last == 0 ? 0 : (int)(now - *last), what, addr_str(a, s,
	    sizeof(s)));
	*last = now;
	*count = 0;
}

/* Gives back what connection c (pending or filed) held. */
static void
undo(struct admit *ad, const struct ent *c)
{
	struct ent *e;

	if ((e = ent_find(&ad->addrs, c->addr, false)) != NULL) {
		if (c->waiting && e->waiting > 0)
			e->waiting--;
		if (e->open > 0)
			e->open--;
		if (e->open == 0)
			ent_del(&ad->addrs, e);
	}
	if (ad->open > 0)
		ad->open--;
}

enum admit_verdict
admit_accept(struct admit *ad, const struct sockaddr *sa, socklen_t len)
{
	struct ent *e;
	uint8_t	 a[16];

	/* One whose wsi was never made (libwebsockets failed): gone. */
	if (ad->pending.used) {
		undo(ad, &ad->pending);
		ad->pending.used = false;
	}
	if (!addr_key(sa, len, a))
		return ADMIT_DROP;
	if (ad->open >= ad->max) {
		log_refusal(&ad->logged_full, &ad->fulls, "the server is full "
		    "(max_connections)", a);
		return ADMIT_DROP;
	}
	if ((e = ent_find(&ad->addrs, a, true)) == NULL)
		return ADMIT_DROP;
	if (e->waiting >= ad->handshakes) {
		log_refusal(&ad->logged_drop, &ad->drops, "too many handshakes "
		    "in progress from one address (max_handshakes_per_address)",
		    a);
		if (e->open == 0)
			ent_del(&ad->addrs, e);
		return ADMIT_DROP;
	}
	memset(&ad->pending, 0, sizeof(ad->pending));
	memcpy(ad->pending.addr, a, 16);
	ad->pending.used = true;
	ad->pending.waiting = 1;
	ad->pending.over = e->open >= ad->per_addr;
	e->open++;
	e->waiting++;
	ad->open++;
	if (ad->pending.over)
		log_refusal(&ad->logged_over, &ad->overs, "too many connections "
		    "from one address (max_connections_per_address)", a);
	return ad->pending.over ? ADMIT_OVER : ADMIT_OK;
}

static struct ent *
conn_of(struct admit *ad, const struct lws *wsi)
{
	uint8_t	 k[16];

	wsi_key(wsi, k);
	return ent_find(&ad->conns, k, false);
}

void
admit_bind(struct admit *ad, struct lws *wsi)
{
	struct ent *c;
	uint8_t	 k[16];

	/*
	 * Only what admit_accept just let in (libwebsockets makes its wsi
	 * right after), never a client connection of ours.
	 */
	if (!ad->pending.used)
		return;
	wsi_key(wsi, k);
	if ((c = ent_find(&ad->conns, k, true)) == NULL)
		return;		/* cannot happen: 2x max entries */
	memcpy(c->addr, ad->pending.addr, 16);
	c->waiting = ad->pending.waiting;
	c->over = ad->pending.over;
	ad->pending.used = false;
}

void
admit_started(struct admit *ad, struct lws *wsi)
{
	struct ent *c = conn_of(ad, wsi), *e;

	if (c == NULL || !c->waiting)
		return;
	c->waiting = 0;
	if ((e = ent_find(&ad->addrs, c->addr, false)) != NULL &&
	    e->waiting > 0)
		e->waiting--;
}

bool
admit_over(struct admit *ad, struct lws *wsi, char *why, size_t whysz)
{
	struct ent *c = conn_of(ad, wsi);
	char	 a[64];

	if (c == NULL || !c->over)
		return false;
	snprintf(why, whysz, "at most %zu from %s; close some and try again",
	    ad->per_addr, addr_str(c->addr, a, sizeof(a)));
	return true;
}

void
admit_release(struct admit *ad, struct lws *wsi)
{
	struct ent *c = conn_of(ad, wsi);

	if (c == NULL)
		return;
	undo(ad, c);
	ent_del(&ad->conns, c);
}

size_t
admit_count(const struct admit *ad)
{
	return ad->open;
}

size_t
admit_fd_room(size_t wanted)
{
	struct rlimit rl;
	rlim_t	 need = (rlim_t)wanted * FD_PER_CONN + FD_RESERVE;
	size_t	 room;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return wanted;
	/*
	 * What the connections need, not the hard limit: libwebsockets
	 * gives every event loop tables as long as the limit, zeroed.  At
	 * rest a node took 9.3 MB under a limit of 2144 and 9.96 MB under
	 * 20000 (measured); systemd's hard limit of 524288 would add 15 MB
	 * or more.  Lowered too, for the same reason, when the soft limit
	 * is far above the need.
	 */
	if (rl.rlim_max != RLIM_INFINITY && need > rl.rlim_max)
		need = rl.rlim_max;
	if (rl.rlim_cur != need) {
		rl.rlim_cur = need;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return wanted;
	room = rl.rlim_cur > FD_RESERVE ? (size_t)rl.rlim_cur - FD_RESERVE : 1;
	if (room < wanted)
		log_warnx("the descriptor limit (%llu) leaves room for %zu "
		    "connections, not max_connections %zu; raise it with "
		    "ulimit -n", (unsigned long long)rl.rlim_cur, room, wanted);
	return room < wanted ? room : wanted;
}
