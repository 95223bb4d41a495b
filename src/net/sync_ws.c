/*
 * sync_ws.c: sync_ws (sync_ws.h), the thin transport of a sync: it runs
 * the engine of core/sync.c over one connection of the WebSocket client
 * in a libwebsockets context of its own, feeds it the relay's messages
 * and a clock tick, and shows progress on a terminal.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libwebsockets.h>

#include "bech32.h"
#include "log.h"
#include "progress.h"
#include "sync_store.h"
#include "sync_ws.h"
#include "wsc.h"
#include "wsext.h"

#define SYNC_MAX_EVENTS	50000000	/* the local set, at most */
#define TICK_US		(250 * LWS_US_PER_MS)

struct wsync {
	struct lws_context *ctx;
	struct wsc	*wsc;
	uint64_t	 conn;
	struct sync	 eng;
	lws_sorted_usec_list_t sul;
	struct sync_opts *o;
	struct progress	 prog;
	struct sync_store *ss;
	char		 npub[64];	/* the key the relay proved, or "" */
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Why the sync could not run: on stderr, or (quiet) in the options. */
static void __attribute__((format(printf, 2, 3)))
say(struct sync_opts *o, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	if (o->quiet)
		vsnprintf(o->err, sizeof(o->err), fmt, ap);
	else {
		fputs("samizdat: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

static void
show_progress(struct wsync *w)
{
	const struct sync_report *r = &w->eng.rep;

	if (w->o->quiet)
		return;
	progress_update(&w->prog, "sync", r->down_ok + r->down_dup +
	    r->down_bad + r->up_ok + r->up_dup + r->up_bad, "events", NULL);
}

static void
net_send(void *arg, const char *p, size_t len)
{
	struct wsync *w = arg;

	if (!wsc_send(w->wsc, w->conn, p, len))
		sync_lost(&w->eng, "the connection is gone");
}

static void
net_note(void *arg, const char *text)
{
	struct wsync *w = arg;

	progress_end(&w->prog);
	if (w->o->quiet)
		log_debug("sync: %s", text);
	else
		log_info("sync: %s", text);
}

static void
on_up(void *arg, uint64_t id)
{
	struct wsync *w = arg;

	sync_start(&w->eng, now_ms());
}

static void
on_rx(void *arg, uint64_t id, enum err e, const struct msg *m, size_t len)
{
	struct wsync *w = arg;

	if (e != ERR_OK) {
		w->eng.rep.bytes += len;
		return;			/* what we cannot read, we skip */
	}
	sync_rx(&w->eng, m, len, now_ms());
	show_progress(w);
}

static void
on_down(void *arg, uint64_t id, const char *why)
{
	struct wsync *w = arg;

	w->conn = 0;
	sync_lost(&w->eng, why);
}

/*
 * The node we called proved its key (nip42.h): what the round brings is
 * counted as that node's, and the custody log names it by its npub --
 * unless another key was expected there.
 */
static void
on_node(void *arg, uint64_t id, const uint8_t pubkey[32])
{
	struct wsync *w = arg;
	char	 npub[64];

	nip19_npub(pubkey, npub, sizeof(npub));
	if (w->o->peer_npub != NULL && w->o->peer_npub[0] != '\0' &&
	    strcmp(w->o->peer_npub, npub) != 0)
		return;
	memcpy(w->npub, npub, sizeof(w->npub));
	w->ss->custody.from = w->npub;
	if (w->o->guard != NULL)
		guard_src_node(&w->ss->src, pubkey);
}

static const struct wsc_ops sync_wsc_ops = {
	.up = on_up,
	.rx = on_rx,
	.down = on_down,
	.node = on_node,
};

static void
tick(lws_sorted_usec_list_t *sul)
{
	struct wsync *w = lws_container_of(sul, struct wsync, sul);

	sync_tick(&w->eng, now_ms());
	lws_sul_schedule(w->ctx, 0, &w->sul, tick, TICK_US);
}

int
sync_ws(struct store *st, const char *url, const char *filter_json,
    bool up, bool down, unsigned timeout_s, struct sync_report *rep,
    struct sync_opts *o)
{
	static struct sync_opts plain;
	struct lws_protocols protocols[2];
	struct lws_context_creation_info info;
	struct sync_params sp;
	struct sync_local local;
	struct sync_net net;
	struct sync_store ss;
	struct wsc_opts wo;
	struct filter f;
	struct wsync w;
	char	 err[256];
	uint64_t sent, rcvd;
	int	 rc = -1;
	bool	 have_ss = false, have_eng = false;

	memset(&w, 0, sizeof(w));
	memset(rep, 0, sizeof(*rep));
	w.o = o != NULL ? o : &plain;
	progress_init(&w.prog);
	filter_init(&f);
	if (filter_parse(filter_json, strlen(filter_json), &f) != ERR_OK) {
		say(w.o, "sync: bad --filter");
		goto done;
	}
	if (sync_store_open(&ss, st, &f, SYNC_MAX_EVENTS, w.o->lid,
	    w.o->future_limit, &local) != ERR_OK) {
		say(w.o, "sync: reading the local store failed");
		goto done;
	}
	have_ss = true;
	w.ss = &ss;
	if (w.o->guard != NULL) {
		struct guard_src src;

		/* The peer's key is not proven to us: named by its URL. */
		guard_src_link(&src, url);
		if (sync_store_guard(&ss, w.o->guard, &src) != ERR_OK) {
			say(w.o, "sync: reading the local store failed");
			goto done;
		}
	}
	/* The custody log names where the events came from. */
	ss.custody.via = w.o->peer ? CUSTODY_PEER : CUSTODY_RELAY;
	ss.custody.from = url;
	ss.ictx.src = &ss.custody;
	if (wsc_new(&w.wsc) != ERR_OK) {
		say(w.o, "sync: out of memory");
		goto done;
	}
	lws_set_log_level(LLL_ERR, NULL);
	memset(protocols, 0, sizeof(protocols));
	protocols[0] = *wsc_protocol(w.wsc);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.extensions = wsext_list();
	info.gid = (gid_t)-1;
	info.uid = (uid_t)-1;
	/* TLS costs megabytes (the CA bundle): only for wss://. */
	if (strncmp(url, "wss://", 6) == 0) {
		info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.client_ssl_ca_filepath =
		    "/etc/ssl/certs/ca-certificates.crt";
	}
	if ((w.ctx = lws_create_context(&info)) == NULL) {
		say(w.o, "sync: cannot set up the WebSocket client");
		goto done;
	}
	wsc_attach(w.wsc, w.ctx);

	memset(&sp, 0, sizeof(sp));
	sp.filter = &f;
	sp.up = up;
	sp.down = down;
	sp.own = w.o->own;
	sync_store_params(&ss, &sp);
	sp.timeout_ms = timeout_s * 1000;
	net.arg = &w;
	net.send = net_send;
	net.note = net_note;
	sync_init(&w.eng, &sp, &net, &local, now_ms());
	have_eng = true;

	memset(&wo, 0, sizeof(wo));
	wo.url = url;
	wo.as_node = w.o->as_node;
	wo.node_sk = w.o->node_sk;
	if ((w.conn = wsc_connect(w.wsc, &wo, &sync_wsc_ops, &w, err,
	    sizeof(err))) == 0) {
		say(w.o, "sync: %s", err);
		goto done;
	}
	lws_sul_schedule(w.ctx, 0, &w.sul, tick, TICK_US);
	while (!sync_over(&w.eng)) {
		if (w.o->cancel != NULL && *w.o->cancel) {
			sync_lost(&w.eng, "stopped");
			break;
		}
		if (lws_service(w.ctx, 0) < 0)
			break;
	}
	progress_end(&w.prog);
	if (w.eng.phase == SYNC_DONE)
		rc = 0;
	else
		say(w.o, "sync with %s failed: %s", url, w.eng.err[0] ?
		    w.eng.err : "the connection broke");
	lws_sul_cancel(&w.sul);
done:
	if (w.conn != 0 && wsc_wire(w.wsc, w.conn, &sent, &rcvd))
		w.eng.rep.wire = sent + rcvd;
	if (w.conn != 0)
		wsc_close(w.wsc, w.conn);
	if (have_eng) {
		*rep = w.eng.rep;
		sync_free(&w.eng);
	}
	if (w.ctx != NULL)
		lws_context_destroy(w.ctx);
	wsc_free(w.wsc);
	if (have_ss) {
		if (ss.view != NULL)
			w.o->neg_reads = store_neg_reads(ss.view);
		sync_store_close(&ss);
	}
	filter_free(&f);
	return rc;
}
