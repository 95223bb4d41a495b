/*
 * mdns-flood.c: a hostile host for test/mesh/s7-mdns-flood.sh.  Runs an
 * avahi-core responder of its own (as src/net/disc.c does) and announces
 * COUNT fake samizdat nodes: services of DISC_TYPE named "fake N of PID",
 * each with TXT npub= of a fresh random key, v=flood, path=/, and port
 * PORT + N (so that no two fakes share a URL).
 *
 *   default   every fake points at this host's own addresses (the
 *             responder publishes them under "flood-PID.local"): what a
 *             stock responder or avahi-publish in a loop would do
 *   -a A.B    fake N gets a host name of its own, "fN-PID.local", whose
 *             A record is A.B.(N / 250).(1 + N % 250): addresses nobody
 *             answers on, which a sender may put in its records at will;
 *             announced over IPv4 only, as they have no IPv6 address
 *
 * Prints "published N" once every fake is established (or when no more
 * will be: "published N of COUNT"), then keeps them announced until
 * SIGTERM or SIGINT, when it withdraws them with goodbye packets,
 * WITHDRAW_BATCH every WITHDRAW_MS: all at once, a receiver's socket
 * buffer drops some, and those fakes only expire with their records'
 * TTL (120 s for SRV).  Each fake has an entry group of its own, so a
 * collision costs one.
 * Usage: mdns-flood [-v] [-a A.B] COUNT PORT
 * Exit status: 0, 1 if the responder could not start, 2 on usage.
 */
#include <arpa/inet.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/simple-watch.h>
#include <avahi-core/core.h>
#include <avahi-core/log.h>
#include <avahi-core/publish.h>

#include "bech32.h"
#include "crypto.h"
#include "disc.h"
#include "log.h"

#define FLOOD_MAX	4000
#define WITHDRAW_BATCH	25
#define WITHDRAW_MS	100

struct flood {
	unsigned	 count, port;
	int		 spread;	/* -a given */
	unsigned	 a, b;		/* -a A.B */
	AvahiSEntryGroup **g;
	unsigned	 established, failed;
	int		 published;	/* groups were made */
	int		 reported;
};

static volatile sig_atomic_t quit;

static void	on_signal(int);
static void	flood_avahi_log(AvahiLogLevel, const char *);
static void	flood_server_cb(AvahiServer *, AvahiServerState, void *);
static void	flood_group_cb(AvahiServer *, AvahiSEntryGroup *,
		    AvahiEntryGroupState, void *);
static void	flood_publish(struct flood *, AvahiServer *);
static void	flood_report(struct flood *);
static void	withdraw_wait(AvahiSimplePoll *);

int
main(int argc, char *argv[])
{
	struct flood	 f;
	AvahiSimplePoll	*sp = NULL;
	AvahiServer	*srv = NULL;
	AvahiServerConfig cfg;
	struct sigaction sa;
	char		 host[32], *end;
	unsigned	 i;
	int		 ch, error, rc = 1;

	memset(&f, 0, sizeof(f));
	log_procname = "mdns-flood";
	while ((ch = getopt(argc, argv, "a:v")) != -1) {
		switch (ch) {
		case 'a':
			if (sscanf(optarg, "%u.%u", &f.a, &f.b) != 2 ||
			    f.a > 255 || f.b > 255)
				return 2;
			f.spread = 1;
			break;
		case 'v':
			log_verbose = 2;
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2)
		goto usage;
	f.count = (unsigned)strtoul(argv[optind], &end, 10);
	if (*end != '\0' || f.count < 1 || f.count > FLOOD_MAX)
		goto usage;
	f.port = (unsigned)strtoul(argv[optind + 1], &end, 10);
	if (*end != '\0' || f.port < 1 ||
	    f.port + f.count > 65536)
		goto usage;
	if (crypto_init() != 0 ||
	    (f.g = calloc(f.count, sizeof(*f.g))) == NULL)
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	avahi_set_log_function(flood_avahi_log);
	avahi_server_config_init(&cfg);
	snprintf(host, sizeof(host), "flood-%ld", (long)getpid());
	cfg.host_name = avahi_strdup(host);
	cfg.publish_workstation = 0;
	cfg.publish_hinfo = 0;
	cfg.publish_domain = 0;
	cfg.publish_addresses = !f.spread;
	cfg.use_ipv4 = cfg.use_ipv6 = 1;
	cfg.enable_reflector = 0;
	cfg.disallow_other_stacks = 0;
	if ((sp = avahi_simple_poll_new()) == NULL)
		goto done;
	if ((srv = avahi_server_new(avahi_simple_poll_get(sp), &cfg,
	    flood_server_cb, &f, &error)) == NULL) {
		log_warnx("cannot start responder: %s", avahi_strerror(error));
		goto done;
	}
	/* poll with a timeout: the signal handler only sets quit. */
	while (!quit)
		if (avahi_simple_poll_iterate(sp, 200) < 0)
			break;
	/* Freeing a group queues its goodbyes; the poll sends them. */
	for (i = 0; i < f.count; i++) {
		if (f.g[i] != NULL)
			avahi_s_entry_group_free(f.g[i]);
		f.g[i] = NULL;
		if (i % WITHDRAW_BATCH == WITHDRAW_BATCH - 1)
			withdraw_wait(sp);
	}
	withdraw_wait(sp);
	rc = 0;
 done:
	avahi_server_config_free(&cfg);
	for (i = 0; i < f.count; i++)
		if (f.g != NULL && f.g[i] != NULL)
			avahi_s_entry_group_free(f.g[i]);
	if (srv != NULL)
		avahi_server_free(srv);
	if (sp != NULL)
		avahi_simple_poll_free(sp);
	free(f.g);
	crypto_free();
	if (rc == 0)
		printf("withdrawn\n");
	return rc;
 usage:
	fprintf(stderr, "usage: mdns-flood [-v] [-a A.B] COUNT PORT\n");
	return 2;
}

/* Runs the poll for WITHDRAW_MS, sending what is queued. */
static void
withdraw_wait(AvahiSimplePoll *sp)
{
	struct timespec	 t0, t;
	long		 ms = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ms < WITHDRAW_MS &&
	    avahi_simple_poll_iterate(sp, (int)(WITHDRAW_MS - ms)) >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = (t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000;
	}
}

static void
on_signal(int sig)
{
	quit = 1;
}

static void
flood_avahi_log(AvahiLogLevel level, const char *txt)
{
	if (level <= AVAHI_LOG_WARN || log_verbose >= 2)
		log_warnx("avahi: %s", txt);
}

static void
flood_server_cb(AvahiServer *s, AvahiServerState state, void *arg)
{
	struct flood	*f = arg;

	if (state == AVAHI_SERVER_RUNNING && !f->published)
		flood_publish(f, s);
	else if (state == AVAHI_SERVER_COLLISION)
		log_warnx("host name collision; not renaming");
}

/* One group per fake: its service, and in -a mode its host's A record. */
static void
flood_publish(struct flood *f, AvahiServer *s)
{
	AvahiAddress	 a;
	uint8_t		 sk[32], pk[32];
	char		 name[64], host[64], npub[64], tnpub[80];
	unsigned	 i;
	int		 r;

	f->published = 1;
	for (i = 0; i < f->count; i++) {
		if (crypto_keygen(sk) != ERR_OK ||
		    crypto_pubkey(sk, pk) != ERR_OK)
			break;
		nip19_npub(pk, npub, sizeof(npub));
		snprintf(tnpub, sizeof(tnpub), "npub=%s", npub);
		snprintf(name, sizeof(name), "fake %04u of %ld", i,
		    (long)getpid());
		snprintf(host, sizeof(host), "f%u-%ld.local", i,
		    (long)getpid());
		if ((f->g[i] = avahi_s_entry_group_new(s, flood_group_cb,
		    f)) == NULL) {
			f->failed++;
			continue;
		}
		r = 0;
		if (f->spread) {
			memset(&a, 0, sizeof(a));
			a.proto = AVAHI_PROTO_INET;
			a.data.ipv4.address = htonl(f->a << 24 | f->b << 16 |
			    (i / 250) << 8 | (1 + i % 250));
			r = avahi_server_add_address(s, f->g[i],
			    AVAHI_IF_UNSPEC, AVAHI_PROTO_INET,
			    AVAHI_PUBLISH_NO_REVERSE, host, &a);
		}
		if (r >= 0)
			r = avahi_server_add_service(s, f->g[i],
			    AVAHI_IF_UNSPEC, f->spread ? AVAHI_PROTO_INET :
			    AVAHI_PROTO_UNSPEC, 0, name,
			    DISC_TYPE, NULL, f->spread ? host : NULL,
			    (uint16_t)(f->port + i), tnpub, "v=flood", "path=/",
			    NULL);
		if (r >= 0)
			r = avahi_s_entry_group_commit(f->g[i]);
		if (r < 0) {
			log_warnx("fake %u: %s", i, avahi_strerror(r));
			f->failed++;
		}
	}
	explicit_bzero(sk, sizeof(sk));
	flood_report(f);
}

static void
flood_group_cb(AvahiServer *s, AvahiSEntryGroup *g, AvahiEntryGroupState state,
    void *arg)
{
	struct flood	*f = arg;

	if (state == AVAHI_ENTRY_GROUP_ESTABLISHED)
		f->established++;
	else if (state == AVAHI_ENTRY_GROUP_COLLISION ||
	    state == AVAHI_ENTRY_GROUP_FAILURE)
		f->failed++;
	flood_report(f);
}

static void
flood_report(struct flood *f)
{
	if (f->reported || f->established + f->failed < f->count)
		return;
	f->reported = 1;
	if (f->failed == 0)
		printf("published %u\n", f->established);
	else
		printf("published %u of %u\n", f->established, f->count);
	fflush(stdout);
}
