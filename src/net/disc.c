/*
 * disc.c: LAN discovery over mDNS/DNS-SD (disc.h) with an embedded
 * avahi-core responder.  disc_start builds the server in the caller's
 * thread, so that failing to is reported there; then one thread runs an
 * AvahiSimplePoll and every avahi object belongs to it until disc_stop
 * has joined it.  What happens in that thread:
 *
 *   server     RUNNING: publish our addresses and service;
 *              REGISTERING (new host name): withdraw both until RUNNING
 *   groups     address COLLISION: next host name; service COLLISION:
 *              next service name, publish again
 *   timer      our interface addresses changed: publish them again
 *   browser    NEW: one resolver per (interface, protocol, name), kept
 *              while the service lives; IPv6 ones only if the name has
 *              no IPv4 address a second later, or loses it (IPv4 wins,
 *              and a flood's fakes cost no AAAA queries); past SVC_MAX,
 *              the muted, then the unresolved, then the oldest are
 *              forgotten first, so a node that comes late is never
 *              ignored; REMOVE: drop it, and queue "gone" when no
 *              resolved instance is left
 *   resolver   FOUND: check the TXT record, queue the peer; an address
 *              with ADDR_NAMES other names resolved at it takes no more:
 *              muted, never reported, resolver dropped; FAILURE
 *              (records expired: the peer vanished without a goodbye):
 *              as REMOVE, until it answers again
 *
 * Results wait in a bounded ring under a mutex for disc_take, which is
 * all the daemon's loop ever touches; when it falls behind, the oldest
 * are dropped.  Nothing here trusts what the LAN says.
 */
#include <sys/queue.h>

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <avahi-common/alternative.h>
#include <avahi-common/domain.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/simple-watch.h>
#include <avahi-common/timeval.h>
#include <avahi-core/core.h>
#include <avahi-core/log.h>
#include <avahi-core/lookup.h>
#include <avahi-core/publish.h>

#include "disc.h"
#include "disc_txt.h"
#include "log.h"

#define QUEUE_MAX	256	/* results waiting for disc_take */
#define SVC_MAX		1024	/* service instances followed at once */
#define ADDR_NAMES	4	/* names reported at one address, at most */
#define NPUB_LEN	63
#define V6_HOLD_MS	1000	/* a v6-only peer is resolved this late */
#define ADDR_MAX	64	/* own addresses published, at most */
#define ADDR_POLL_MS	5000	/* how often they are checked */

/* One of our addresses, published on its own interface only. */
struct disc_addr {
	AvahiIfIndex	 ifindex;
	AvahiAddress	 a;
};

/* One service instance seen by the browser. */
struct svc {
	LIST_ENTRY(svc)	 entry;
	AvahiIfIndex	 ifindex;
	AvahiProtocol	 proto;		/* mDNS transport, and address family */
	char		 name[AVAHI_LABEL_MAX];
	AvahiSServiceResolver *res;
	AvahiTimeout	*hold;		/* IPv6 waits for IPv4; muted: res */
	struct disc	*d;
	struct disc_peer peer;		/* last FOUND; npub "" until then */
	uint64_t	 seq;		/* order of arrival */
	bool		 muted;		/* its address is full: res dropped */
};

struct disc {
	char		 npub[NPUB_LEN + 1];
	char		 version[16];
	char		*svcname;	/* avahi_malloc'd, renamed on collision */
	uint16_t	 port;
	void		(*wake)(void *);
	void		*arg;
	AvahiSimplePoll	*sp;
	AvahiServer	*srv;
	AvahiSEntryGroup *group;	/* our service */
	AvahiSEntryGroup *agroup;	/* our A/AAAA records */
	AvahiTimeout	*atimer;
	struct disc_addr addrs[ADDR_MAX];
	size_t		 naddr;
	bool		 addr_warned;
	LIST_HEAD(, svc) svcs;
	size_t		 nsvc;
	uint64_t	 seq;
	bool		 svc_warned;
	unsigned	 nmuted;	/* ever */
	time_t		 mute_log;
	bool		 running;	/* the thread was started */
	pthread_t	 thread;
	atomic_bool	 stop;
	pthread_mutex_t	 mu;		/* guards q, qhead, qlen, q_warned */
	struct disc_peer q[QUEUE_MAX];
	size_t		 qhead, qlen;
	bool		 q_warned;
};

static bool	disc_txt_parse(AvahiStringList *, struct disc_peer *);
static bool	disc_peer_same(const struct disc_peer *,
		    const struct disc_peer *);
static void	disc_queue_push(struct disc *, const struct disc_peer *);
static struct svc *disc_svc_find(struct disc *, AvahiIfIndex, AvahiProtocol,
		    const char *);
static struct svc *disc_svc_best(struct disc *, const char *);
static void	disc_svc_lost(struct disc *, struct svc *);
static void	disc_svc_free(struct disc *, struct svc *);
static void	disc_svc_resolve(struct disc *, struct svc *);
static bool	disc_svc_evict(struct disc *);
static bool	disc_addr_full(struct disc *, const char *, const char *);
static void	disc_mute(struct disc *, struct svc *, const char *);
static size_t	disc_addr_scan(struct disc *, struct disc_addr *);
static void	disc_addr_cb(AvahiTimeout *, void *);
static void	disc_publish_addrs(struct disc *, AvahiServer *);
static void	disc_publish(struct disc *, AvahiServer *);
static void	disc_rename_host(AvahiServer *);
static void	disc_server_cb(AvahiServer *, AvahiServerState, void *);
static void	disc_group_cb(AvahiServer *, AvahiSEntryGroup *,
		    AvahiEntryGroupState, void *);
static void	disc_browse_cb(AvahiSServiceBrowser *, AvahiIfIndex,
		    AvahiProtocol, AvahiBrowserEvent, const char *,
		    const char *, const char *, AvahiLookupResultFlags, void *);
static void	disc_resolve_cb(AvahiSServiceResolver *, AvahiIfIndex,
		    AvahiProtocol, AvahiResolverEvent, const char *,
		    const char *, const char *, const char *,
		    const AvahiAddress *, uint16_t, AvahiStringList *,
		    AvahiLookupResultFlags, void *);
static void	disc_hold_cb(AvahiTimeout *, void *);
static void	disc_avahi_log(AvahiLogLevel, const char *);
static void	*disc_run(void *);

int
disc_start(struct disc **out, const char *npub, const char *version,
    uint16_t port, void (*wake)(void *), void *arg)
{
	struct disc	*d;
	AvahiServerConfig cfg;
	const AvahiPoll	*api;
	struct timeval	 tv;
	char		 host[32], name[32];
	int		 error, rc = -1;

	if (!disc_txt_npub_valid(npub, strlen(npub))) {
		log_warnx("mdns: not an npub: %s", npub);
		return -1;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		log_warn("mdns: calloc");
		return -1;
	}
	pthread_mutex_init(&d->mu, NULL);
	LIST_INIT(&d->svcs);
	snprintf(d->npub, sizeof(d->npub), "%s", npub);
	snprintf(d->version, sizeof(d->version), "%s", version);
	d->port = port;
	d->wake = wake;
	d->arg = arg;
	/* Unique per key: many nodes, or namespaces sharing a hostname. */
	snprintf(host, sizeof(host), "samizdat-%.8s", npub + 5);
	snprintf(name, sizeof(name), "samizdat %.12s", npub);
	avahi_set_log_function(disc_avahi_log);
	avahi_server_config_init(&cfg);
	cfg.host_name = avahi_strdup(host);
	cfg.publish_workstation = 0;
	cfg.publish_hinfo = 0;
	cfg.publish_domain = 0;
	/*
	 * avahi-core would publish a unique reverse PTR for each address,
	 * and a second stack on this host (avahi-daemon, another node in
	 * the same namespace) claims the same ones: one of them then
	 * renames its host forever and is never found.  Our forward
	 * records under our own host name cannot clash, so we publish
	 * those ourselves (disc_publish_addrs).
	 */
	cfg.publish_addresses = 0;
	cfg.use_ipv4 = cfg.use_ipv6 = 1;
	cfg.enable_reflector = 0;
	cfg.disallow_other_stacks = 0;	/* a system avahi-daemon may run */
	if ((d->svcname = avahi_strdup(name)) == NULL ||
	    cfg.host_name == NULL || (d->sp = avahi_simple_poll_new()) == NULL) {
		log_warnx("mdns: out of memory");
		goto done;
	}
	d->naddr = disc_addr_scan(d, d->addrs);
	api = avahi_simple_poll_get(d->sp);
	avahi_elapse_time(&tv, ADDR_POLL_MS, 0);
	if ((d->atimer = api->timeout_new(api, &tv, disc_addr_cb, d)) == NULL) {
		log_warnx("mdns: out of memory");
		goto done;
	}
	d->srv = avahi_server_new(api, &cfg, disc_server_cb, d, &error);
	if (d->srv == NULL) {
		log_warnx("mdns: cannot start responder: %s",
		    avahi_strerror(error));
		goto done;
	}
	if (avahi_s_service_browser_new(d->srv, AVAHI_IF_UNSPEC,
	    AVAHI_PROTO_UNSPEC, DISC_TYPE, NULL, 0, disc_browse_cb, d) == NULL) {
		log_warnx("mdns: browse %s: %s", DISC_TYPE,
		    avahi_strerror(avahi_server_errno(d->srv)));
		goto done;
	}
	if ((errno = pthread_create(&d->thread, NULL, disc_run, d)) != 0) {
		log_warn("mdns: pthread_create");
		goto done;
	}
	d->running = true;
	log_info("mdns: publishing %s as \"%s\" on port %u", DISC_TYPE,
	    d->svcname, port);
	*out = d;
	rc = 0;
 done:
	avahi_server_config_free(&cfg);
	if (rc == -1)
		disc_stop(d);
	return rc;
}

size_t
disc_take(struct disc *d, struct disc_peer *out, size_t max)
{
	size_t	 n;

	pthread_mutex_lock(&d->mu);
	for (n = 0; n < max && d->qlen > 0; n++) {
		out[n] = d->q[d->qhead];
		d->qhead = (d->qhead + 1) % QUEUE_MAX;
		d->qlen--;
	}
	pthread_mutex_unlock(&d->mu);
	return n;
}

void
disc_stop(struct disc *d)
{
	struct svc	*v;

	if (d == NULL)
		return;
	if (d->running) {
		atomic_store(&d->stop, true);
		avahi_simple_poll_wakeup(d->sp);
		pthread_join(d->thread, NULL);
	}
	/*
	 * Freeing the group queues goodbyes (TTL 0) at once; freeing the
	 * server then flushes them on every interface before it closes
	 * the sockets.  The server frees the browser and the resolvers.
	 */
	if (d->group != NULL)
		avahi_s_entry_group_free(d->group);
	if (d->agroup != NULL)
		avahi_s_entry_group_free(d->agroup);
	if (d->srv != NULL)
		avahi_server_free(d->srv);
	while ((v = LIST_FIRST(&d->svcs)) != NULL) {
		LIST_REMOVE(v, entry);
		free(v);
	}
	if (d->sp != NULL)
		avahi_simple_poll_free(d->sp);
	avahi_free(d->svcname);
	pthread_mutex_destroy(&d->mu);
	free(d);
}

static void *
disc_run(void *arg)
{
	struct disc	*d = arg;

	/* disc_stop sets stop, then wakes the poll. */
	while (!atomic_load(&d->stop))
		if (avahi_simple_poll_iterate(d->sp, -1) != 0) {
			log_warn("mdns: poll, discovery stopped");
			break;
		}
	return NULL;
}

/* The TXT record as items for disc_txt_check; more than 32 is refused. */
static bool
disc_txt_parse(AvahiStringList *txt, struct disc_peer *p)
{
	AvahiStringList	*l;
	const char	*items[32];
	size_t		 lens[32], n = 0;

	for (l = txt; l != NULL; l = avahi_string_list_get_next(l)) {
		if (n == 32)
			return false;
		items[n] = (const char *)avahi_string_list_get_text(l);
		lens[n++] = avahi_string_list_get_size(l);
	}
	return disc_txt_check(items, lens, n, p);
}

static bool
disc_peer_same(const struct disc_peer *a, const struct disc_peer *b)
{
	return a->gone == b->gone && a->port == b->port &&
	    strcmp(a->npub, b->npub) == 0 && strcmp(a->addr, b->addr) == 0 &&
	    strcmp(a->version, b->version) == 0;
}

/*
 * Queues p, then wakes the loop if nothing was waiting (a flood makes
 * no flood of wake-ups).  A result still waiting for the same npub is
 * replaced in place: only the newest matters.
 */
static void
disc_queue_push(struct disc *d, const struct disc_peer *p)
{
	struct disc_peer *w;
	size_t	 i;
	bool	 wake;

	pthread_mutex_lock(&d->mu);
	for (i = 0; i < d->qlen; i++) {
		w = &d->q[(d->qhead + i) % QUEUE_MAX];
		if (strcmp(w->npub, p->npub) == 0) {
			*w = *p;
			pthread_mutex_unlock(&d->mu);
			return;
		}
	}
	if (d->qlen == QUEUE_MAX) {
		if (!d->q_warned)
			log_warnx("mdns: %d results not taken, dropping the "
			    "oldest", QUEUE_MAX);
		d->q_warned = true;
		d->qhead = (d->qhead + 1) % QUEUE_MAX;
		d->qlen--;
	}
	wake = d->qlen == 0;
	d->q[(d->qhead + d->qlen++) % QUEUE_MAX] = *p;
	pthread_mutex_unlock(&d->mu);
	if (wake && d->wake != NULL)
		d->wake(d->arg);
}

static struct svc *
disc_svc_find(struct disc *d, AvahiIfIndex ifindex, AvahiProtocol proto,
    const char *name)
{
	struct svc	*v;

	LIST_FOREACH(v, &d->svcs, entry)
		if (v->ifindex == ifindex && v->proto == proto &&
		    strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

/* The resolved instance of name to report: IPv4 if there is one. */
static struct svc *
disc_svc_best(struct disc *d, const char *name)
{
	struct svc	*v, *best = NULL;

	LIST_FOREACH(v, &d->svcs, entry)
		if (v->peer.npub[0] != '\0' && strcmp(v->name, name) == 0 &&
		    (best == NULL || v->proto == AVAHI_PROTO_INET))
			best = v;
	return best;
}

/* Our up interfaces' addresses into out.  Returns: how many. */
static size_t
disc_addr_scan(struct disc *d, struct disc_addr *out)
{
	struct ifaddrs	*ifa, *i;
	const struct sockaddr_in *s4;
	const struct sockaddr_in6 *s6;
	size_t		 n = 0;

	if (getifaddrs(&ifa) == -1) {
		if (!d->addr_warned)
			log_warn("mdns: getifaddrs");
		d->addr_warned = true;
		return 0;
	}
	for (i = ifa; i != NULL && n < ADDR_MAX; i = i->ifa_next) {
		if (i->ifa_addr == NULL || !(i->ifa_flags & IFF_UP))
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		if (i->ifa_addr->sa_family == AF_INET) {
			s4 = (const struct sockaddr_in *)(void *)i->ifa_addr;
			out[n].a.proto = AVAHI_PROTO_INET;
			out[n].a.data.ipv4.address = s4->sin_addr.s_addr;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			s6 = (const struct sockaddr_in6 *)(void *)i->ifa_addr;
			out[n].a.proto = AVAHI_PROTO_INET6;
			memcpy(out[n].a.data.ipv6.address, &s6->sin6_addr, 16);
		} else
			continue;
		if ((out[n].ifindex = if_nametoindex(i->ifa_name)) != 0)
			n++;
	}
	freeifaddrs(ifa);
	return n;
}

/* Every ADDR_POLL_MS: publishes our addresses again if they changed. */
static void
disc_addr_cb(AvahiTimeout *t, void *arg)
{
	struct disc	*d = arg;
	struct disc_addr now[ADDR_MAX];
	struct timeval	 tv;
	size_t		 n;

	n = disc_addr_scan(d, now);
	if (n != d->naddr || memcmp(now, d->addrs, n * sizeof(now[0])) != 0) {
		memcpy(d->addrs, now, n * sizeof(now[0]));
		d->naddr = n;
		if (avahi_server_get_state(d->srv) == AVAHI_SERVER_RUNNING)
			disc_publish_addrs(d, d->srv);
	}
	avahi_elapse_time(&tv, ADDR_POLL_MS, 0);
	avahi_simple_poll_get(d->sp)->timeout_update(t, &tv);
}

/* A/AAAA for our host name, without the reverse PTR (see disc_start). */
static void
disc_publish_addrs(struct disc *d, AvahiServer *s)
{
	size_t	 i;
	int	 r;

	if (d->agroup == NULL &&
	    (d->agroup = avahi_s_entry_group_new(s, disc_group_cb, d)) == NULL) {
		log_warnx("mdns: entry group: %s",
		    avahi_strerror(avahi_server_errno(s)));
		return;
	}
	avahi_s_entry_group_reset(d->agroup);
	for (i = 0; i < d->naddr; i++)
		if ((r = avahi_server_add_address(s, d->agroup,
		    d->addrs[i].ifindex, AVAHI_PROTO_UNSPEC,
		    AVAHI_PUBLISH_NO_REVERSE, NULL, &d->addrs[i].a)) < 0)
			log_debug("mdns: address record: %s",
			    avahi_strerror(r));
	if (!avahi_s_entry_group_is_empty(d->agroup) &&
	    (r = avahi_s_entry_group_commit(d->agroup)) < 0)
		log_warnx("mdns: publish addresses: %s", avahi_strerror(r));
}

/* Our service, TXT npub= v= path=/, pointing at our host name. */
static void
disc_publish(struct disc *d, AvahiServer *s)
{
	char	 tnpub[8 + NPUB_LEN], tv[8 + sizeof(d->version)];
	int	 r;

	if (d->group == NULL &&
	    (d->group = avahi_s_entry_group_new(s, disc_group_cb, d)) == NULL) {
		log_warnx("mdns: entry group: %s",
		    avahi_strerror(avahi_server_errno(s)));
		return;
	}
	if (!avahi_s_entry_group_is_empty(d->group))
		return;
	snprintf(tnpub, sizeof(tnpub), "npub=%s", d->npub);
	snprintf(tv, sizeof(tv), "v=%s", d->version);
	if ((r = avahi_server_add_service(s, d->group, AVAHI_IF_UNSPEC,
	    AVAHI_PROTO_UNSPEC, 0, d->svcname, DISC_TYPE, NULL, NULL, d->port,
	    tnpub, tv, "path=/", NULL)) < 0 ||
	    (r = avahi_s_entry_group_commit(d->group)) < 0)
		log_warnx("mdns: publish \"%s\": %s", d->svcname,
		    avahi_strerror(r));
}

/* Takes the next host name; the server re-registers, then RUNNING. */
static void
disc_rename_host(AvahiServer *s)
{
	char	*alt;
	int	 r;

	if ((alt = avahi_alternative_host_name(
	    avahi_server_get_host_name(s))) == NULL)
		return;
	log_info("mdns: host name %s taken, now %s",
	    avahi_server_get_host_name(s), alt);
	if ((r = avahi_server_set_host_name(s, alt)) < 0)
		log_warnx("mdns: host name %s: %s", alt, avahi_strerror(r));
	avahi_free(alt);
}

static void
disc_server_cb(AvahiServer *s, AvahiServerState state, void *arg)
{
	struct disc	*d = arg;

	/* s, not d->srv: this also runs inside avahi_server_new. */
	switch (state) {
	case AVAHI_SERVER_RUNNING:
		disc_publish_addrs(d, s);
		disc_publish(d, s);
		break;
	case AVAHI_SERVER_COLLISION:
		disc_rename_host(s);
		break;
	case AVAHI_SERVER_REGISTERING:
		if (d->group != NULL)
			avahi_s_entry_group_reset(d->group);
		if (d->agroup != NULL)
			avahi_s_entry_group_reset(d->agroup);
		break;
	case AVAHI_SERVER_FAILURE:
		log_warnx("mdns: responder failed: %s",
		    avahi_strerror(avahi_server_errno(s)));
		break;
	default:
		break;
	}
}

static void
disc_group_cb(AvahiServer *s, AvahiSEntryGroup *g, AvahiEntryGroupState state,
    void *arg)
{
	struct disc	*d = arg;
	char		*alt;

	if (state == AVAHI_ENTRY_GROUP_COLLISION && g == d->agroup)
		disc_rename_host(s);
	else if (state == AVAHI_ENTRY_GROUP_COLLISION) {
		if ((alt = avahi_alternative_service_name(d->svcname)) == NULL)
			return;
		log_info("mdns: service name \"%s\" taken, now \"%s\"",
		    d->svcname, alt);
		avahi_free(d->svcname);
		d->svcname = alt;
		avahi_s_entry_group_reset(g);
		disc_publish(d, s);
	} else if (state == AVAHI_ENTRY_GROUP_FAILURE)
		log_warnx("mdns: publishing failed: %s",
		    avahi_strerror(avahi_server_errno(s)));
}

static void
disc_browse_cb(AvahiSServiceBrowser *b, AvahiIfIndex ifindex,
    AvahiProtocol proto, AvahiBrowserEvent ev, const char *name,
    const char *type, const char *domain, AvahiLookupResultFlags flags,
    void *arg)
{
	struct disc	*d = arg;
	struct svc	*v;
	const AvahiPoll	*api = avahi_simple_poll_get(d->sp);
	struct timeval	 tv;

	if (ev == AVAHI_BROWSER_FAILURE)
		log_warnx("mdns: browsing failed: %s",
		    avahi_strerror(avahi_server_errno(d->srv)));
	if (name == NULL || strlen(name) >= sizeof(v->name))
		return;
	v = disc_svc_find(d, ifindex, proto, name);
	if (ev == AVAHI_BROWSER_NEW && v == NULL &&
	    !(flags & (AVAHI_LOOKUP_RESULT_LOCAL | AVAHI_LOOKUP_RESULT_OUR_OWN))) {
		if (d->nsvc >= SVC_MAX) {
			if (!d->svc_warned)
				log_warnx("mdns: over %d services, forgetting "
				    "the oldest", SVC_MAX);
			d->svc_warned = true;
			if (!disc_svc_evict(d))
				return;
		}
		if ((v = calloc(1, sizeof(*v))) == NULL) {
			log_warn("mdns: calloc");
			return;
		}
		v->d = d;
		v->ifindex = ifindex;
		v->proto = proto;
		v->seq = ++d->seq;
		memcpy(v->name, name, strlen(name) + 1);
		LIST_INSERT_HEAD(&d->svcs, v, entry);
		d->nsvc++;
		if (proto != AVAHI_PROTO_INET) {
			avahi_elapse_time(&tv, V6_HOLD_MS, 0);
			v->hold = api->timeout_new(api, &tv, disc_hold_cb, v);
		}
		if (v->hold == NULL)
			disc_svc_resolve(d, v);
	} else if (ev == AVAHI_BROWSER_REMOVE && v != NULL)
		disc_svc_free(d, v);
}

/* Opens v's resolver, kept open: it reports again if the address changes. */
static void
disc_svc_resolve(struct disc *d, struct svc *v)
{
	if (v->res == NULL && !v->muted && (v->res =
	    avahi_s_service_resolver_new(d->srv, v->ifindex, v->proto,
	    v->name, DISC_TYPE, NULL, v->proto, 0, disc_resolve_cb,
	    v)) == NULL)
		log_warnx("mdns: resolve \"%s\": %s", v->name,
		    avahi_strerror(avahi_server_errno(d->srv)));
}

/* v is withdrawn or pushed out: report what that changes, forget it. */
static void
disc_svc_free(struct disc *d, struct svc *v)
{
	disc_svc_lost(d, v);
	if (v->res != NULL)
		avahi_s_service_resolver_free(v->res);
	if (v->hold != NULL)
		avahi_simple_poll_get(d->sp)->timeout_free(v->hold);
	LIST_REMOVE(v, entry);
	free(v);
	d->nsvc--;
}

/*
 * SVC_MAX are followed: forget the muted one that came first, else the
 * first unresolved, else the first resolved.  Returns: false if none.
 */
static bool
disc_svc_evict(struct disc *d)
{
	struct svc	*v, *old = NULL;
	int		 r, oldr = 0;

	LIST_FOREACH(v, &d->svcs, entry)
		if ((r = v->muted ? 0 : v->peer.npub[0] ? 2 : 1) < oldr ||
		    old == NULL || (r == oldr && v->seq < old->seq)) {
			old = v;
			oldr = r;
		}
	if (old != NULL)
		disc_svc_free(d, old);
	return old != NULL;
}

/* Returns: whether ADDR_NAMES names other than name resolve to addr. */
static bool
disc_addr_full(struct disc *d, const char *name, const char *addr)
{
	struct svc	*v;
	size_t		 n = 0;

	LIST_FOREACH(v, &d->svcs, entry)
		if (v->peer.npub[0] != '\0' && strcmp(v->name, name) != 0 &&
		    strcmp(v->peer.addr, addr) == 0)
			n++;
	return n >= ADDR_NAMES;
}

/* v resolved to addr, which is full: mute it.  res is calling us. */
static void
disc_mute(struct disc *d, struct svc *v, const char *addr)
{
	const AvahiPoll	*api = avahi_simple_poll_get(d->sp);
	struct timeval	 tv;
	time_t		 now = time(NULL);

	disc_svc_lost(d, v);	/* it may have been reported elsewhere */
	v->muted = true;
	if (v->hold != NULL)
		api->timeout_free(v->hold);
	avahi_elapse_time(&tv, 0, 0);
	v->hold = api->timeout_new(api, &tv, disc_hold_cb, v);
	if (d->nmuted++ == 0 || now - d->mute_log >= 60) {
		log_warnx("mdns: more than %d services at %s, ignoring more "
		    "(%u so far)", ADDR_NAMES, addr, d->nmuted);
		d->mute_log = now;
	}
}

/*
 * v no longer answers: forget its result, and queue "gone" if it was the
 * last of its name, or the next best instance if v was the one reported.
 */
static void
disc_svc_lost(struct disc *d, struct svc *v)
{
	struct disc_peer p = v->peer;
	struct svc	*best, *w;
	bool		 reported;

	if (p.npub[0] == '\0')
		return;
	reported = disc_svc_best(d, v->name) == v;
	memset(&v->peer, 0, sizeof(v->peer));
	if ((best = disc_svc_best(d, v->name)) == NULL) {
		memset(p.addr, 0, sizeof(p.addr));
		memset(p.version, 0, sizeof(p.version));
		p.port = 0;
		p.gone = true;
		disc_queue_push(d, &p);
		/* IPv6 instances left alone while IPv4 answered may help. */
		LIST_FOREACH(w, &d->svcs, entry)
			if (w->hold == NULL && strcmp(w->name, v->name) == 0)
				disc_svc_resolve(d, w);
	} else if (reported)
		disc_queue_push(d, &best->peer);
}

static void
disc_resolve_cb(AvahiSServiceResolver *r, AvahiIfIndex ifindex,
    AvahiProtocol proto, AvahiResolverEvent ev, const char *name,
    const char *type, const char *domain, const char *host,
    const AvahiAddress *a, uint16_t port, AvahiStringList *txt,
    AvahiLookupResultFlags flags, void *arg)
{
	struct svc	*v = arg;
	struct disc	*d = v->d;
	struct disc_peer p;
	char		 ifname[IF_NAMESIZE];
	size_t		 len;

	if (v->muted)
		return;
	if (ev != AVAHI_RESOLVER_FOUND || a == NULL) {
		/* Also when a peer vanished without goodbye: SRV expired. */
		log_debug("mdns: \"%s\" not resolved: %s", name,
		    avahi_strerror(avahi_server_errno(d->srv)));
		disc_svc_lost(d, v);
		return;
	}
	memset(&p, 0, sizeof(p));
	if (!disc_txt_parse(txt, &p) || port == 0) {
		log_debug("mdns: \"%s\": bad TXT record or port, ignored",
		    name);
		return;
	}
	if (strcmp(p.npub, d->npub) == 0)
		return;
	avahi_address_snprint(p.addr, sizeof(p.addr), a);
	if (a->proto == AVAHI_PROTO_INET6 && a->data.ipv6.address[0] == 0xfe &&
	    (a->data.ipv6.address[1] & 0xc0) == 0x80 &&
	    if_indextoname(ifindex, ifname) != NULL) {
		len = strlen(p.addr);
		snprintf(p.addr + len, sizeof(p.addr) - len, "%%%s", ifname);
	}
	p.port = port;
	if (disc_peer_same(&v->peer, &p))
		return;
	if (disc_addr_full(d, v->name, p.addr)) {
		disc_mute(d, v, p.addr);
		return;
	}
	v->peer = p;
	if (disc_svc_best(d, v->name) == v)
		disc_queue_push(d, &v->peer);
}

/*
 * v is muted: drop its resolver.  Else v came a second ago over IPv6:
 * resolve it if no instance of its name (IPv4) resolved meanwhile.
 */
static void
disc_hold_cb(AvahiTimeout *t, void *arg)
{
	struct svc	*v = arg;

	avahi_simple_poll_get(v->d->sp)->timeout_free(t);
	v->hold = NULL;
	if (v->muted && v->res != NULL)
		avahi_s_service_resolver_free(v->res);
	if (v->muted)
		v->res = NULL;
	else if (disc_svc_best(v->d, v->name) == NULL)
		disc_svc_resolve(v->d, v);
}

/* avahi-core's own messages: trouble as warnings, the rest for -vv. */
static void
disc_avahi_log(AvahiLogLevel level, const char *txt)
{
	if (level <= AVAHI_LOG_WARN)
		log_warnx("mdns: %s", txt);
	else if (level <= AVAHI_LOG_INFO)
		log_debug("mdns: %s", txt);
}
