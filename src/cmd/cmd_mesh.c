/*
 * cmd_mesh.c: `samizdat peers` and `samizdat status ID`: what the node
 * (`samizdat serve`) wrote to the store about its links, read by another
 * process.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bech32.h"
#include "cmd.h"
#include "hex.h"
#include "status.h"
#include "store_mesh.h"

static void
ago(char *out, size_t sz, int64_t t, uint64_t now)
{
	uint64_t d;

	if (t <= 0) {
		snprintf(out, sz, "never");
		return;
	}
	d = now > (uint64_t)t ? now - (uint64_t)t : 0;
	if (d < 120)
		snprintf(out, sz, "%llus ago", (unsigned long long)d);
	else if (d < 7200)
		snprintf(out, sz, "%llum ago", (unsigned long long)d / 60);
	else if (d < 172800)
		snprintf(out, sz, "%lluh ago", (unsigned long long)d / 3600);
	else
		snprintf(out, sz, "%llud ago", (unsigned long long)d / 86400);
}

struct peers_state {
	uint64_t	 now;
	unsigned	 n, hidden;
};

/*
 * A link found by mDNS that never answered and that the node no longer
 * keeps (withdrawn, or its slot given to another): most likely a
 * stranger's fake announcement.  Counted, not listed.
 */
static bool
peer_stale(const struct link_row *l)
{
	return strcmp(l->how, "mdns") == 0 && l->last_seen <= 0 &&
	    (strcmp(l->state, "expired") == 0 ||
	    strcmp(l->state, "evicted") == 0);
}

static int
peer_row(const struct link_row *l, void *arg)
{
	struct peers_state *p = arg;
	char	 seen[32], sync[32];

	if (peer_stale(l)) {
		p->hidden++;
		return 0;
	}
	ago(seen, sizeof(seen), l->last_seen, p->now);
	ago(sync, sizeof(sync), l->last_sync, p->now);
	printf("%s %s\n", link_kind_name(l->kind), l->name);
	if (l->npub[0] != '\0' && strcmp(l->npub, l->name) != 0)
		printf("  node      %s\n", l->npub);
	printf("  found by  %s\n", l->how);
	printf("  state     %s (last contact %s, last full sync %s)\n",
	    l->state[0] ? l->state : "idle", seen, sync);
	printf("  events    %llu sent, %llu received, %llu refused\n",
	    (unsigned long long)l->sent, (unsigned long long)l->received,
	    (unsigned long long)l->refused);
	if (l->error[0] != '\0')
		printf("  error     %s\n", l->error);
	p->n++;
	return 0;
}

int
cmd_peers(struct cmd_env *env, int argc, char **argv)
{
	struct peers_state p = { env->now, 0, 0 };
	struct store *st;
	enum err e;
	int	 rc;

	if ((rc = cmd_no_options(env, argc, argv, 0, 0)) != -1)
		return rc;
	if (cmd_store_open(env, 0, false, &st) != ERR_OK)
		return 1;
	e = store_links(st, peer_row, &p);
	store_close(st);
	if (e != ERR_OK) {
		cmd_err("peers", e);
		return 1;
	}
	if (p.hidden > 0)
		printf("(and %u found by mdns that never answered and are no "
		    "longer announced or kept: not listed)\n", p.hidden);
	else if (p.n == 0)
		printf("no peers yet: 'samizdat serve' finds them on the "
		    "local network, or add 'peer' lines to samizdat.conf\n");
	return 0;
}

/* A hex id, or a NIP-19 note/nevent.  Returns: true and id. */
static bool
parse_id(const char *s, uint8_t id[32])
{
	struct nip19 n;

	if (strlen(s) == 64 && hex_decode(s, 64, id, 32))
		return true;
	if (nip19_decode(s, &n) == 0 && (n.type == NIP19_NOTE ||
	    n.type == NIP19_NEVENT)) {
		memcpy(id, n.key, 32);
		return true;
	}
	return false;
}

int
cmd_status(struct cmd_env *env, int argc, char **argv)
{
	struct store *st;
	uint8_t	 id[32];
	bool	 stored;
	enum err e;
	int	 rc;

	if ((rc = cmd_no_options(env, argc, argv, 1, 1)) != -1)
		return rc;
	if (!parse_id(argv[optind], id)) {
		fprintf(stderr, "samizdat: status: '%s' is not an event id "
		    "(64 hex digits, note1... or nevent1...)\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (cmd_store_open(env, 0, false, &st) != ERR_OK)
		return 1;
	e = status_print(st, id, stdout, &stored);
	store_close(st);
	if (e != ERR_OK) {
		cmd_err("status", e);
		return 1;
	}
	return stored ? 0 : 1;
}
