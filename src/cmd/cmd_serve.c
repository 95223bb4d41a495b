/*
 * cmd_serve.c: `samizdat serve`, the daemon: configuration (file, then
 * command line), the store, the NIP-11 document, the addresses to tell
 * people, then the server loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include <qrencode.h>

#include "cmd.h"
#include "config.h"
#include "config_file.h"
#include "crypto.h"
#include "guard.h"
#include "netaddr.h"
#include "key.h"
#include "log.h"
#include "mesh.h"
#include "nip11.h"
#include "relay.h"
#include "server.h"
#include "trust_store.h"
#include "version.h"

#define SERVE_MAX_SET	64	/* --listen, --no-discovery and -o options */

static void
relay_limits_from(const struct config *cfg, struct relay_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->max_message_length = (size_t)cfg->max_message_length;
	l->max_subscriptions = (size_t)cfg->max_subscriptions;
	l->max_filters = (size_t)cfg->max_filters;
	l->max_limit = cfg->max_limit;
	l->default_limit = cfg->default_limit;
	l->max_subid_length = (size_t)cfg->max_subid_length;
	l->events_per_minute = (unsigned)cfg->events_per_minute;
	l->node_events_per_minute = (unsigned)cfg->node_events_per_minute;
	l->max_output_buffer = (size_t)cfg->max_output_buffer;
	l->negentropy = cfg->negentropy;
	l->max_neg_sessions = (size_t)cfg->max_negentropy_sessions;
	l->max_sync_events = (size_t)cfg->max_sync_events;
	l->pol.lim.max_size = (size_t)cfg->max_event_size;
	l->pol.lim.max_tags = (size_t)cfg->max_event_tags;
	l->pol.lim.max_content = (size_t)cfg->max_content_length;
	l->pol.max_past = cfg->created_at_lower_limit;
	l->pol.max_future = cfg->created_at_upper_limit;
	l->future_limit = cfg->future_limit;
}

/* The open-mesh defence's settings, from the keys of the same names. */
static void
guard_opts_from(const struct config *cfg, struct guard_opts *g)
{
	memset(g, 0, sizeof(*g));
	g->pol.quota_events = cfg->quota_events;
	g->pol.quota_bytes = cfg->quota_bytes;
	g->pol.forward_events = cfg->forward_events;
	g->pol.source_events = cfg->source_events;
	g->pol.source_forward = cfg->source_forward;
	g->pol.pow_min = (unsigned)cfg->pow_min;
	g->pol.pow_max = (unsigned)cfg->pow_max;
	g->pol.load_events = cfg->pow_load;
	g->pol.mute_signals = (unsigned)cfg->mute_signals;
	if (!cfg->quotas) {
		memset(&g->pol, 0, sizeof(g->pol));
		g->pol.mute_signals = (unsigned)cfg->mute_signals;
	}
	g->store_budget = cfg->store_budget;
	g->disk_reserve = cfg->disk_reserve;
	g->trust = NULL;	/* the trust API, trust_store.h */
	g->trust_loopback = cfg->trust_loopback;
}

/*
 * A QR code of text on the terminal, two modules per character cell with
 * half blocks, dark on light with the quiet zone, so a phone can scan it
 * off the screen.
 */
static void
print_qr(const char *text)
{
	QRcode	*q;
	int	 x, y, w;

	if (!isatty(STDOUT_FILENO) ||
	    (q = QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1)) ==
	    NULL)
		return;
	w = q->width;
	for (y = -2; y < w + 2; y += 2) {
		for (x = -2; x < w + 2; x++) {
			bool	 top = y >= 0 && y < w && x >= 0 && x < w &&
			    (q->data[y * w + x] & 1);
			bool	 bot = y + 1 >= 0 && y + 1 < w && x >= 0 &&
			    x < w && (q->data[(y + 1) * w + x] & 1);

			/* Light modules are drawn; dark ones are blank. */
			fputs(top ? (bot ? " " : "\u2584") :
			    (bot ? "\u2580" : "\u2588"), stdout);
		}
		putchar('\n');
	}
	QRcode_free(q);
}

/* Tells people where to point a phone: one URL per address of this node. */
static void
print_urls(const char *host, uint16_t port)
{
	struct netaddr a[64];
	char	 url[128];
	size_t	 i, n;
	int	 shown = 0;

	if (host[0] != '\0' && strcmp(host, "0.0.0.0") != 0 &&
	    strcmp(host, "::") != 0 && strcmp(host, "[::]") != 0) {
		printf("open http://%s:%u/ (relay ws://%s:%u/)\n", host, port,
		    host, port);
		fflush(stdout);
		return;
	}
	n = netaddr_list(a, sizeof(a) / sizeof(a[0]));
	for (i = 0; i < n; i++) {
		if (a[i].v6 || a[i].loopback)
			continue;
		printf("phones on %s: open http://%s:%u/  (relay ws://%s:%u/)\n",
		    a[i].name, a[i].addr, port, a[i].addr, port);
		snprintf(url, sizeof(url), "http://%s:%u/", a[i].addr, port);
		print_qr(url);
		shown++;
	}
	printf("this machine: http://127.0.0.1:%u/%s\n", port, shown == 0 ?
	    "  (no network interface is up)" : "");
	fflush(stdout);
}

int
cmd_serve(struct cmd_env *env, int argc, char **argv)
{
	struct config cfg;
	struct server_opts so;
	struct relay_limits lim;
	struct store *st = NULL;
	struct guard *guard = NULL;
	struct guard_opts go;
	struct mesh_opts mo;
	uint8_t	 node_pk[32];
	struct blob_srv_opts bo;
	static const struct option longopts[] = {
		{ "check-config", no_argument, NULL, 'n' },
		{ "listen", required_argument, NULL, 'l' },
		{ "no-discovery", no_argument, NULL, 'D' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};
	const char *set[SERVE_MAX_SET][2];
	char	 keys[SERVE_MAX_SET][64];
	char	 path[4096], dbpath[4096], err[512], *nip11 = NULL, *eq;
	bool	 check = false;
	int	 ch, i, nset = 0, rc = 1;

	/* The command line overrides the file: read it first, apply later. */
	optind = 0;
	while ((ch = cmd_getopt(argc, argv, "hno:", longopts)) > 0) {
		if (nset == SERVE_MAX_SET)
			return cmd_usage(env);
		switch (ch) {
		case 'n':
			check = true;
			continue;
		case 'D':
			set[nset][0] = "discovery";
			set[nset++][1] = "false";
			break;
		case 'l':
			set[nset][0] = "listen";
			set[nset++][1] = optarg;
			break;
		case 'o':
			if ((eq = strchr(optarg, '=')) == NULL ||
			    (size_t)(eq - optarg) >= sizeof(keys[0]))
				return cmd_usage(env);
			snprintf(keys[nset], sizeof(keys[0]), "%.*s",
			    (int)(eq - optarg), optarg);
			set[nset][0] = keys[nset];
			set[nset++][1] = eq + 1;
			break;
		}
	}
	if ((ch = cmd_operands(env, ch, argc, 0, 0)) != -1)
		return ch;
	config_defaults(&cfg);
	cmd_path(env, "samizdat.conf", path, sizeof(path));
	if (config_load(&cfg, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "samizdat: %s\n", err);
		return 1;
	}
	for (i = 0; i < nset; i++)
		if (config_set(&cfg, set[i][0], set[i][1], err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "samizdat: command line: %s\n", err);
			return EXIT_USAGE;
		}
	if (config_check(&cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "samizdat: %s: %s\n", path, err);
		return 1;
	}
	if (check) {
		struct buf b;

		buf_init(&b, 0);
		rc = config_print(&cfg, &b) == 0 &&
		    fwrite(b.p, 1, b.len, stdout) == b.len ? 0 : 1;
		buf_free(&b);
		return rc;
	}
	if (!env->verbosity_set)	/* -q and -v win over the file */
		log_verbose = (int)cfg.log_level;

	memset(&so, 0, sizeof(so));
	memset(&mo, 0, sizeof(mo));
	memset(&bo, 0, sizeof(bo));
	if (config_addr_split(cfg.listen, so.host, sizeof(so.host),
	    &so.port) != 0) {
		fprintf(stderr, "samizdat: listen: '%s' is not ADDR:PORT\n",
		    cfg.listen);
		return 1;
	}
	if (cmd_store_open(env, STORE_UPGRADE | (cfg.sync_full ?
	    STORE_SYNC_FULL : 0), true, &st) != ERR_OK)
		return 1;
	if ((nip11 = nip11_document(&cfg, &so.nip11_len)) == NULL)
		goto done;
	so.nip11 = nip11;
	so.max_connections = (size_t)cfg.max_connections;
	so.max_per_address = (size_t)cfg.max_connections_per_address;
	so.max_handshakes = (size_t)cfg.max_handshakes_per_address;
	so.handshake_timeout = (unsigned)cfg.handshake_timeout;
	so.deflate_connections = (size_t)cfg.deflate_connections;
	so.purge_interval = (unsigned)cfg.purge_interval;
	so.verbose = log_verbose;
	relay_limits_from(&cfg, &lim);
	cmd_path(env, "key", path, sizeof(path));
	if (cmd_key_ensure(env) != 0 || key_load(path, mo.node_sk) != ERR_OK) {
		fprintf(stderr, "samizdat: the node needs its key to link with "
		    "peers: run 'samizdat init'\n");
		goto done;
	}
	guard_opts_from(&cfg, &go);
	go.datadir = env->datadir;
	if (crypto_pubkey(mo.node_sk, go.node_pk) != ERR_OK ||
	    guard_open(&guard, &go) != ERR_OK) {
		fprintf(stderr, "samizdat: cannot open policy.db in %s\n",
		    env->datadir);
		goto done;
	}
	so.guard = guard;
	so.cfg = &cfg;
	mo.guard = guard;
	/* The operator's vouches are where trust starts (trust_store.h). */
	if (crypto_pubkey(mo.node_sk, node_pk) == ERR_OK)
		trust_store_set_node(st, node_pk);
	cmd_path(env, "events.db", dbpath, sizeof(dbpath));
	so.store_path = dbpath;
	mo.datadir = env->datadir;
	mo.store_path = dbpath;
	mo.port = so.port;
	/* Announcing a node nobody else can reach helps nobody. */
	mo.discovery = cfg.discovery && strncmp(so.host, "127.", 4) != 0 &&
	    strcmp(so.host, "::1") != 0 && strcmp(so.host, "localhost") != 0;
	if (cfg.discovery && !mo.discovery)
		log_info("discovery is off: the node listens on loopback only");
	mo.peers = (const char (*)[1024])cfg.peer;
	mo.npeers = cfg.npeer;
	mo.bridges = (const char (*)[1024])cfg.bridge;
	mo.nbridges = cfg.nbridge;
	mo.bridge_download = cfg.bridge_download;
	mo.peer_sync_interval = (unsigned)cfg.peer_sync_interval;
	mo.bridge_interval = (unsigned)cfg.bridge_interval;
	mo.future_limit = cfg.future_limit;
	so.mesh = &mo;
	/* Blobs (docs/blobs.md): in the data dir, on the relay's port. */
	bo.store.datadir = env->datadir;
	bo.store.max_size = cfg.blob_max_size;
	bo.store.budget = cfg.blob_budget;
	bo.store.keep_metadata = cfg.blob_keep_metadata;
	bo.store_path = dbpath;
	bo.uploads = (unsigned)cfg.blob_uploads;
	bo.uploads_per_address = (unsigned)cfg.blob_uploads_per_address;
	bo.upload_timeout = (unsigned)cfg.blob_upload_timeout;
	bo.bridges = (const char (*)[1024])cfg.blossom_bridge;
	bo.nbridges = cfg.nblossom_bridge;
	bo.node_sk = mo.node_sk;
	bo.port = so.port;
	bo.fetch = true;
	so.blobs = &bo;
	mo.blobs = &bo.store;
	print_urls(so.host, so.port);
	if (server_run(&so, st, &lim) == 0)
		rc = 0;
	explicit_bzero(mo.node_sk, sizeof(mo.node_sk));
done:
	guard_close(guard);
	free(nip11);
	store_close(st);
	return rc;
}
