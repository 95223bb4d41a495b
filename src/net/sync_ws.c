/*
 * sync_ws.c: sync with a relay (sync_ws.h).  One libwebsockets client
 * context and a small state machine driven by what the relay sends:
 *
 *   NEG      NEG-OPEN sent; NEG-MSG rounds until the engine is done
 *   DOWN     REQ {"ids": [...]} in batches for what we need
 *   UP       EVENT for what the relay needs, a batch at a time, each OK
 *            awaited
 *   FB_DOWN  no NIP-77: REQ by time windows, newest first
 *   FB_UP    no NIP-77: every local event matching the filter, as EVENT
 *
 * A timer checks the deadline of the step in progress: silence while
 * NEG is pending means a relay without NIP-77; anywhere else it fails the
 * sync, which can simply be run again.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <libwebsockets.h>

#include "filter.h"
#include "hex.h"
#include "ingest.h"
#include "json.h"
#include "log.h"
#include "negentropy.h"
#include "nip42.h"
#include "progress.h"
#include "store_mesh.h"
#include "sync_ws.h"

#define BATCH		500		/* ids per REQ, events per upload batch */
#define NEG_FRAME	60000		/* ours; hex doubles it */
#define TICK_US		(250 * LWS_US_PER_MS)

enum phase { P_CONNECT, P_NEG, P_DOWN, P_UP, P_FB_DOWN, P_FB_UP, P_DONE,
	P_FAIL };

struct frame {
	struct frame	*next;
	size_t		 len;
	unsigned char	 data[];	/* LWS_PRE + len */
};

struct ids {
	uint8_t		(*v)[32];
	size_t		 n, cap, next;	/* next: first not yet handled */
};

struct wsync {
	struct lws_context *ctx;
	struct lws	*wsi;
	lws_sorted_usec_list_t sul;
	enum phase	 phase;
	time_t		 deadline;
	unsigned	 timeout;
	bool		 up, down;
	struct store	*st;
	const char	*filter_json;
	struct filter	 filter;
	struct frame	*head, *tail;
	struct buf	 rx;
	/* NIP-77 */
	struct neg_item	*items;
	size_t		 nitems;
	struct neg	 ng;
	struct ids	 have, need;
	size_t		 have_own;	/* the first have_own are ours */
	/* transfers */
	unsigned	 pending_ok;	/* EVENTs sent, OK not yet seen */
	unsigned	 batch_got;	/* EVENTs received for this REQ */
	uint64_t	 fb_until;	/* fallback window end (inclusive) */
	uint64_t	 fb_min;	/* oldest created_at in this window */
	uint64_t	 fb_up_until;	/* next upload window end (inclusive) */
	unsigned	 fb_up_rows;
	bool		 fb_up_done;
	int		 fb_own;	/* 1: own events' pass, 2: all */
	unsigned	 req_seq;
	struct ingest_ctx ictx;
	struct ingest_policy pol;
	struct sync_report *rep;
	struct progress	 prog;
	char		 err[256];
	struct sync_opts *o;		/* never NULL: defaults for the CLI */
	char		 url[1024];
	uint8_t		 auth_id[32];
	bool		 auth_sent;
};

static void
show_progress(struct wsync *w)
{
	const struct sync_report *r = w->rep;

	if (w->o->quiet)
		return;
	progress_update(&w->prog, "sync", r->down_ok + r->down_dup +
	    r->down_bad + r->up_ok + r->up_dup + r->up_bad, "events", NULL);
}

static void	next_step(struct wsync *);

/* Why the sync could not run: on stderr, or (quiet) in the options. */
static void __attribute__((format(printf, 2, 3)))
say(struct wsync *w, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	if (w->o->quiet)
		vsnprintf(w->o->err, sizeof(w->o->err), fmt, ap);
	else {
		fputs("samizdat: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

static void
fail(struct wsync *w, const char *why)
{
	if (w->phase != P_FAIL)
		snprintf(w->err, sizeof(w->err), "%s", why);
	w->phase = P_FAIL;
}

static void
arm(struct wsync *w)
{
	w->deadline = time(NULL) + w->timeout;
}

static void
send_text(struct wsync *w, const char *p, size_t len)
{
	struct frame *f;

	if ((f = malloc(sizeof(*f) + LWS_PRE + len)) == NULL) {
		fail(w, "out of memory");
		return;
	}
	f->next = NULL;
	f->len = len;
	memcpy(f->data + LWS_PRE, p, len);
	if (w->tail != NULL)
		w->tail->next = f;
	else
		w->head = f;
	w->tail = f;
	w->rep->bytes += len;
	if (w->wsi != NULL)
		lws_callback_on_writable(w->wsi);
}

static void
send_buf(struct wsync *w, struct buf *b)
{
	if (b->err)
		fail(w, "out of memory");
	else
		send_text(w, b->p, b->len);
	buf_reset(b);
}

static void
add_id(struct ids *l, const uint8_t id[32])
{
	uint8_t	(*n)[32];

	if (l->n == l->cap) {
		size_t	 ncap = l->cap ? l->cap * 2 : 1024;

		if ((n = realloc(l->v, ncap * 32)) == NULL)
			return;
		l->v = n;
		l->cap = ncap;
	}
	memcpy(l->v[l->n++], id, 32);
}

static void
on_id(void *arg, const uint8_t id[32], bool have)
{
	struct wsync *w = arg;

	add_id(have ? &w->have : &w->need, id);
}

/* Sends a NIP-77 message: NEG-OPEN with the filter, or NEG-MSG. */
static void
send_neg(struct wsync *w, const char *verb, const struct buf *msg)
{
	struct buf b;

	buf_init(&b, 0);
	buf_printf(&b, "[\"%s\",\"sync\",", verb);
	if (strcmp(verb, "NEG-OPEN") == 0) {
		buf_puts(&b, w->filter_json);
		buf_putc(&b, ',');
	}
	buf_putc(&b, '"');
	buf_hex(&b, (const uint8_t *)msg->p, msg->len);
	buf_puts(&b, "\"]");
	send_buf(w, &b);
	buf_free(&b);
	w->rep->rounds++;
}

static void
start_neg(struct wsync *w)
{
	struct buf m;

	buf_init(&m, 0);
	neg_init(&w->ng, w->items, w->nitems, NEG_FRAME);
	if (neg_initiate(&w->ng, &m) != ERR_OK)
		fail(w, "negentropy: out of memory");
	else
		send_neg(w, "NEG-OPEN", &m);
	buf_free(&m);
	w->phase = P_NEG;
	arm(w);
}

/* A REQ for the next batch of needed ids. */
static bool
req_ids(struct wsync *w)
{
	struct buf b;
	char	 h[65];
	size_t	 i, end;

	if (w->need.next >= w->need.n)
		return false;
	end = w->need.next + BATCH < w->need.n ? w->need.next + BATCH :
	    w->need.n;
	buf_init(&b, 0);
	buf_printf(&b, "[\"REQ\",\"dl%u\",{\"ids\":[", ++w->req_seq);
	for (i = w->need.next; i < end; i++) {
		hex_encode(w->need.v[i], 32, h);
		buf_printf(&b, "%s\"%s\"", i > w->need.next ? "," : "", h);
	}
	buf_puts(&b, "]}]");
	w->need.next = end;
	w->batch_got = 0;
	send_buf(w, &b);
	buf_free(&b);
	arm(w);
	return true;
}

static int
send_event(const char *json, size_t len, void *arg)
{
	struct wsync *w = arg;
	struct buf b;

	buf_init(&b, 0);
	buf_puts(&b, "[\"EVENT\",");
	buf_append(&b, json, len);
	buf_putc(&b, ']');
	send_buf(w, &b);
	buf_free(&b);
	w->pending_ok++;
	return 0;
}

struct prio {
	uint64_t	 created_at;
	bool		 own;
	uint8_t		 id[32];
};

static int
prio_by_id(const void *a, const void *b)
{
	return memcmp(((const struct prio *)a)->id,
	    ((const struct prio *)b)->id, 32);
}

static int
prio_order(const void *a, const void *b)
{
	const struct prio *x = a, *y = b;

	if (x->own != y->own)
		return x->own ? -1 : 1;
	if (x->created_at != y->created_at)
		return x->created_at > y->created_at ? -1 : 1;
	return memcmp(x->id, y->id, 32);
}

static int
mark_own(const char *json, size_t len, void *arg)
{
	struct prio key, *hit, *v = ((struct prio **)arg)[0];
	size_t	 n = *((size_t **)arg)[1];

	if (!json_find_hex_field(json, json + len, "id", key.id, 32))
		return 0;
	if ((hit = bsearch(&key, v, n, sizeof(*v), prio_by_id)) != NULL)
		hit->own = true;
	return 0;
}

/*
 * What the relay lacks goes up in the order that matters when the window
 * may close at any moment: this node's own reports first, then the
 * newest.
 */
static void
prioritize(struct wsync *w)
{
	struct prio *v, key, *hit;
	struct filter f;
	void	*arg[2];
	size_t	 i, n = w->have.n;

	if (n < 2 || (v = calloc(n, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < n; i++)
		memcpy(v[i].id, w->have.v[i], 32);
	qsort(v, n, sizeof(*v), prio_by_id);
	for (i = 0; i < w->nitems; i++) {
		memcpy(key.id, w->items[i].id, 32);
		if ((hit = bsearch(&key, v, n, sizeof(*v), prio_by_id)) != NULL)
			hit->created_at = w->items[i].ts;
	}
	if (w->o->own != NULL) {
		memset(&f, 0, sizeof(f));
		f.until = UINT64_MAX;
		f.authors = (uint8_t (*)[32])(uintptr_t)w->o->own;
		f.nauthors = 1;
		arg[0] = v;
		arg[1] = &n;
		store_query(w->st, &f, 1, (uint64_t)time(NULL), 0, mark_own,
		    arg);
	}
	qsort(v, n, sizeof(*v), prio_order);
	w->have_own = 0;
	for (i = 0; i < n; i++) {
		memcpy(w->have.v[i], v[i].id, 32);
		if (v[i].own)
			w->have_own++;
	}
	free(v);
}

/* Sends the next batch of events the relay lacks. */
static bool
push_ids(struct wsync *w)
{
	struct filter f;
	size_t	 take;

	if (w->have.next >= w->have.n)
		return false;
	take = w->have.n - w->have.next < BATCH ? w->have.n - w->have.next :
	    BATCH;
	/* A batch comes back newest first: never mix own and others. */
	if (w->have.next < w->have_own && w->have.next + take > w->have_own)
		take = w->have_own - w->have.next;
	memset(&f, 0, sizeof(f));
	f.until = UINT64_MAX;
	f.ids = &w->have.v[w->have.next];
	f.nids = take;
	w->have.next += take;
	if (store_query(w->st, &f, 1, (uint64_t)time(NULL), 0, send_event,
	    w) != ERR_OK)
		fail(w, "reading the local store failed");
	arm(w);
	return w->pending_ok > 0 || push_ids(w);
}

/* Fallback: the next window of the relay's events, newest first. */
static void
req_window(struct wsync *w)
{
	json_t	*f = json_loads(w->filter_json, 0, NULL);
	char	*txt, sub[32];
	struct buf b;

	if (f == NULL) {
		fail(w, "bad filter");
		return;
	}
	json_object_set_new(f, "limit", json_integer(BATCH));
	if (w->fb_until != UINT64_MAX)
		json_object_set_new(f, "until", json_integer(
		    (json_int_t)w->fb_until));
	txt = json_dumps(f, JSON_COMPACT);
	json_decref(f);
	snprintf(sub, sizeof(sub), "fb%u", ++w->req_seq);
	buf_init(&b, 0);
	buf_printf(&b, "[\"REQ\",\"%s\",%s]", sub, txt ? txt : "{}");
	free(txt);
	send_buf(w, &b);
	buf_free(&b);
	w->batch_got = 0;
	w->fb_min = UINT64_MAX;
	arm(w);
}

static int
fb_push_one(const char *json, size_t len, void *arg)
{
	struct wsync *w = arg;
	struct event ev;
	struct ingest_ctx c;

	bool	 again = false;

	ingest_ctx_init(&c);
	if (ingest_parse(&c, &w->pol, json, len, &ev) == ERR_OK) {
		if (ev.created_at < w->fb_up_until)
			w->fb_up_until = ev.created_at;
		/* The own pass sent it already. */
		again = w->fb_own == 2 && w->filter.nauthors == 0 &&
		    w->o->own != NULL && memcmp(ev.pubkey, w->o->own, 32) == 0;
	}
	ingest_ctx_free(&c);
	w->fb_up_rows++;
	return again ? 0 : send_event(json, len, arg);
}

/*
 * Fallback upload: our events matching the filter, newest first, a
 * window at a time.  Windows overlap by their oldest second so that no
 * event sharing it is skipped; the relay answers those as duplicates.
 */
static bool
fb_push(struct wsync *w)
{
	struct filter f;
	uint64_t before = w->fb_up_until;

	if (w->fb_up_done)
		return false;
	f = w->filter;
	if (w->fb_own == 1) {
		f.authors = (uint8_t (*)[32])(uintptr_t)w->o->own;
		f.nauthors = 1;
	}
	f.has_limit = true;
	f.limit = BATCH;
	f.until = w->fb_up_until;
	if (f.until < f.since)
		return false;
	w->fb_up_rows = 0;
	w->fb_up_until = UINT64_MAX;
	if (store_query(w->st, &f, 1, (uint64_t)time(NULL), 0, fb_push_one,
	    w) != ERR_OK)
		fail(w, "reading the local store failed");
	if (w->fb_up_rows < BATCH || w->fb_up_until == 0)
		w->fb_up_done = true;		/* this was the last window */
	else if (w->fb_up_until >= before)	/* one second fills a window */
		w->fb_up_until = before - 1;
	arm(w);
	return w->pending_ok > 0;
}

/* Moves to the next phase once the current one has nothing left. */
static void
next_step(struct wsync *w)
{
	for (;;) {
		switch (w->phase) {
		case P_NEG:
			w->phase = P_DOWN;
			continue;
		case P_DOWN:
			if (w->down && req_ids(w))
				return;
			w->phase = P_UP;
			continue;
		case P_UP:
			if (w->up && push_ids(w))
				return;
			w->phase = P_DONE;
			return;
		case P_FB_DOWN:
			if (w->down && w->fb_until > 0) {
				req_window(w);
				return;
			}
			w->phase = P_FB_UP;
			w->fb_up_until = UINT64_MAX;
			w->fb_up_done = false;
			w->fb_own = w->o->own != NULL &&
			    w->filter.nauthors == 0 ? 1 : 2;
			continue;
		case P_FB_UP:
			while (w->up && !w->fb_up_done && w->phase == P_FB_UP)
				if (fb_push(w))
					return;
			/* The own events went first; now all, newest first. */
			if (w->phase == P_FB_UP && w->fb_own == 1) {
				w->fb_own = 2;
				w->fb_up_done = false;
				w->fb_up_until = UINT64_MAX;
				continue;
			}
			if (w->phase == P_FB_UP)
				w->phase = P_DONE;
			return;
		default:
			return;
		}
	}
}

static void
fallback(struct wsync *w, const char *why)
{
	log_info("sync: the relay does not do NIP-77 (%s); using REQ and "
	    "EVENT instead", why);
	w->rep->fallback = true;
	w->phase = P_FB_DOWN;
	w->fb_until = UINT64_MAX;
	next_step(w);
}

static void
on_neg_msg(struct wsync *w, json_t *m)
{
	const char *h = json_string_value(json_array_get(m, 2));
	size_t	 hl = h ? strlen(h) : 0;
	uint8_t	*bin;
	struct buf out;
	bool	 done;

	if (h == NULL || hl % 2 || (bin = malloc(hl / 2 + 1)) == NULL ||
	    !hex_decode(h, hl, bin, hl / 2)) {
		fail(w, "relay sent a malformed NEG-MSG");
		return;
	}
	buf_init(&out, 0);
	if (neg_reconcile(&w->ng, bin, hl / 2, &out, on_id, w, &done) !=
	    ERR_OK)
		fail(w, "relay sent a malformed negentropy message");
	else if (done) {
		send_text(w, "[\"NEG-CLOSE\",\"sync\"]", 20);
		w->rep->have = w->have.n;
		w->rep->need = w->need.n;
		prioritize(w);
		next_step(w);
	} else {
		send_neg(w, "NEG-MSG", &out);
		arm(w);
	}
	free(bin);
	buf_free(&out);
}

/* An event the relay sent for one of our REQs. */
static void
on_event(struct wsync *w, const char *raw, size_t len)
{
	const char *p, *q;
	struct event ev;
	enum err e;

	/* ["EVENT","sub",{...}]: the object's bytes, as they came. */
	ev.created_at = UINT64_MAX;	/* stays so if it does not parse */
	if (json_array_at(raw, raw + len, 2, &p, &q) != ERR_OK)
		return;
	w->batch_got++;
	e = ingest_one(&w->ictx, &w->pol, w->st, p, (size_t)(q - p),
	    (uint64_t)time(NULL), &ev);
	if (w->o->lid > 0 && ingest_accepted(e))
		store_seen_put(w->st, ev.id, w->o->lid, SEEN_RECEIVED,
		    (int64_t)time(NULL), NULL);
	if (e == ERR_OK)
		w->rep->down_ok++;
	else if (ingest_accepted(e) || e == ERR_DELETED)
		w->rep->down_dup++;
	else if (w->rep->down_bad++ < 10) {
		char	 why[200];

		log_warnx("sync: the relay sent an event we reject: %s",
		    err_reason(e, why, sizeof(why)));
	}
	if (w->phase == P_FB_DOWN && ev.created_at < w->fb_min)
		w->fb_min = ev.created_at;
	show_progress(w);
	arm(w);
}

static void
on_eose(struct wsync *w)
{
	if (w->phase == P_FB_DOWN) {
		/* A full window: step before its oldest event (or past a
		 * timestamp that alone fills a window). */
		if (w->batch_got < BATCH || w->fb_min == 0 ||
		    w->fb_min == UINT64_MAX)
			w->fb_until = 0;
		else if (w->fb_min < w->fb_until)
			w->fb_until = w->fb_min;
		else
			w->fb_until = w->fb_min - 1;
	}
	next_step(w);
}

static void
on_ok(struct wsync *w, json_t *m)
{
	const char *why = json_string_value(json_array_get(m, 3));
	const char *h = json_string_value(json_array_get(m, 1));
	bool	 ok = json_is_true(json_array_get(m, 2));
	uint8_t	 id[32];

	if (h == NULL || strlen(h) != 64 || !hex_decode(h, 64, id, 32))
		memset(id, 0, sizeof(id));
	if (w->auth_sent && memcmp(id, w->auth_id, 32) == 0) {
		if (!ok)
			log_info("sync: %s refused our AUTH: %s", w->url,
			    why ? why : "");
		return;
	}
	if (w->o->lid > 0)
		store_seen_put(w->st, id, w->o->lid, ok ? SEEN_ACCEPTED :
		    SEEN_REFUSED, (int64_t)time(NULL), why);
	if (ok) {
		if (why != NULL && strncmp(why, "duplicate:", 10) == 0)
			w->rep->up_dup++;
		else
			w->rep->up_ok++;
	} else if (w->rep->up_bad++ < 10 && !w->o->quiet)
		log_warnx("sync: the relay refused an event: %s",
		    why ? why : "(no reason)");
	show_progress(w);
	if (w->pending_ok > 0 && --w->pending_ok == 0)
		next_step(w);
	else
		arm(w);
}

/* NIP-42: a node proves its key when the relay asks. */
static void
on_auth(struct wsync *w, const char *challenge)
{
	struct buf b;

	if (w->o->node_sk == NULL || challenge == NULL || w->auth_sent)
		return;
	buf_init(&b, 0);
	if (nip42_auth(w->o->node_sk, challenge, w->url, (uint64_t)time(NULL),
	    &b, w->auth_id) == ERR_OK) {
		w->auth_sent = true;
		send_text(w, b.p, b.len);
	}
	buf_free(&b);
}

static void
on_message(struct wsync *w, const char *p, size_t len)
{
	json_t	*m;
	const char *verb;

	if (len > 9 && memcmp(p, "[\"EVENT\",", 9) == 0) {
		on_event(w, p, len);
		return;
	}
	if ((m = json_loadb(p, len, 0, NULL)) == NULL || !json_is_array(m) ||
	    (verb = json_string_value(json_array_get(m, 0))) == NULL) {
		json_decref(m);
		return;
	}
	if (strcmp(verb, "AUTH") == 0)
		on_auth(w, json_string_value(json_array_get(m, 1)));
	else if (strcmp(verb, "NEG-MSG") == 0 && w->phase == P_NEG)
		on_neg_msg(w, m);
	else if ((strcmp(verb, "NEG-ERR") == 0 || strcmp(verb, "NOTICE") == 0 ||
	    strcmp(verb, "CLOSED") == 0) && w->phase == P_NEG)
		fallback(w, verb);
	else if (strcmp(verb, "EOSE") == 0 || strcmp(verb, "CLOSED") == 0) {
		const char *sub = json_string_value(json_array_get(m, 1));

		if (sub != NULL) {
			char	 close[64];
			int	 n = snprintf(close, sizeof(close),
			    "[\"CLOSE\",\"%s\"]", sub);

			if (n > 0 && (size_t)n < sizeof(close))
				send_text(w, close, (size_t)n);
		}
		on_eose(w);
	} else if (strcmp(verb, "OK") == 0)
		on_ok(w, m);
	else if (strcmp(verb, "NOTICE") == 0)
		log_info("sync: relay says: %s",
		    json_string_value(json_array_get(m, 1)));
	json_decref(m);
}

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct wsync *w = lws_context_user(lws_get_context(wsi));
	struct frame *f;

	if (w == NULL)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		fail(w, in ? (const char *)in : "cannot connect");
		w->wsi = NULL;
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		start_neg(w);
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		w->rep->bytes += len;
		if (lws_is_first_fragment(wsi))
			buf_reset(&w->rx);
		buf_append(&w->rx, in, len);
		if (w->rx.err) {
			fail(w, "relay sent a message that is too large");
			return -1;
		}
		if (lws_is_final_fragment(wsi))
			on_message(w, w->rx.p, w->rx.len);
		if (w->phase == P_DONE || w->phase == P_FAIL)
			lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if ((f = w->head) != NULL) {
			w->head = f->next;
			if (w->head == NULL)
				w->tail = NULL;
			if (lws_write(wsi, f->data + LWS_PRE, f->len,
			    LWS_WRITE_TEXT) < (int)f->len) {
				free(f);
				fail(w, "write to the relay failed");
				return -1;
			}
			free(f);
			if (w->head != NULL)
				lws_callback_on_writable(wsi);
		}
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		w->wsi = NULL;
		if (w->phase != P_DONE)
			fail(w, "the relay closed the connection");
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "samizdat-sync", callback, 0, 1 << 16, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void
tick(lws_sorted_usec_list_t *sul)
{
	struct wsync *w = lws_container_of(sul, struct wsync, sul);

	if (w->phase != P_DONE && w->phase != P_FAIL &&
	    time(NULL) > w->deadline) {
		if (w->phase == P_NEG)
			fallback(w, "no answer to NEG-OPEN");
		else if (w->phase == P_CONNECT)
			fail(w, "timed out connecting");
		else
			fail(w, "timed out waiting for the relay");
	}
	lws_sul_schedule(w->ctx, 0, &w->sul, tick, TICK_US);
}

int
sync_ws(struct store *st, const char *url, const char *filter_json,
    bool up, bool down, unsigned timeout_s, struct sync_report *rep,
    struct sync_opts *o)
{
	static struct sync_opts plain;
	struct lws_context_creation_info info;
	struct lws_client_connect_info ci;
	struct wsync w;
	char	 u[1024], path[1100];
	const char *prot, *host, *p;
	int	 port, rc = -1;
	enum err e;

	memset(&w, 0, sizeof(w));
	memset(rep, 0, sizeof(*rep));
	w.o = o != NULL ? o : &plain;
	snprintf(w.url, sizeof(w.url), "%s", url);
	w.rep = rep;
	w.st = st;
	w.up = up;
	w.down = down;
	w.timeout = timeout_s;
	w.filter_json = filter_json;
	ingest_ctx_init(&w.ictx);
	progress_init(&w.prog);
	buf_init(&w.rx, 16u << 20);
	if ((e = filter_parse(filter_json, strlen(filter_json), &w.filter)) !=
	    ERR_OK) {
		say(&w, "sync: bad --filter");
		goto done;
	}
	if ((e = store_ids(st, &w.filter, (uint64_t)time(NULL), 50000000,
	    &w.items, &w.nitems)) != ERR_OK) {
		say(&w, "sync: reading the local store failed");
		goto done;
	}
	neg_sort(w.items, w.nitems);

	snprintf(u, sizeof(u), "%s", url);
	if (lws_parse_uri(u, &prot, &host, &port, &p) != 0 ||
	    (strcmp(prot, "ws") != 0 && strcmp(prot, "wss") != 0)) {
		say(&w, "sync: '%s' is not a ws:// or wss:// URL", url);
		goto done;
	}
	snprintf(path, sizeof(path), "/%s%s", p, !w.o->as_node ? "" :
	    strchr(p, '?') ? "&samizdat-node" : "?samizdat-node");
	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.gid = (gid_t)-1;
	info.uid = (uid_t)-1;
	info.user = &w;
	/* TLS costs megabytes (the CA bundle): only for wss://. */
	if (strcmp(prot, "wss") == 0) {
		info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.client_ssl_ca_filepath =
		    "/etc/ssl/certs/ca-certificates.crt";
	}
	if ((w.ctx = lws_create_context(&info)) == NULL) {
		say(&w, "sync: cannot set up the WebSocket client");
		goto done;
	}
	memset(&ci, 0, sizeof(ci));
	ci.context = w.ctx;
	ci.address = host;
	ci.port = port;
	ci.path = path;
	ci.host = host;
	ci.origin = host;
	ci.ssl_connection = strcmp(prot, "wss") == 0 ? LCCSCF_USE_SSL : 0;
	ci.protocol = NULL;
	ci.pwsi = &w.wsi;
	w.phase = P_CONNECT;
	arm(&w);
	lws_sul_schedule(w.ctx, 0, &w.sul, tick, TICK_US);
	if (lws_client_connect_via_info(&ci) == NULL && w.phase != P_FAIL)
		fail(&w, "cannot connect");
	while (w.phase != P_DONE && w.phase != P_FAIL) {
		if (w.o->cancel != NULL && *w.o->cancel) {
			fail(&w, "stopped");
			break;
		}
		if (lws_service(w.ctx, 0) < 0)
			break;
	}
	progress_end(&w.prog);
	if (w.phase == P_DONE)
		rc = 0;
	else
		say(&w, "sync with %s failed: %s", url,
		    w.err[0] ? w.err : "the connection broke");
	progress_end(&w.prog);
	lws_sul_cancel(&w.sul);
	lws_context_destroy(w.ctx);
done:
	while (w.head != NULL) {
		struct frame *f = w.head;

		w.head = f->next;
		free(f);
	}
	free(w.items);
	free(w.have.v);
	free(w.need.v);
	filter_free(&w.filter);
	ingest_ctx_free(&w.ictx);
	buf_free(&w.rx);
	return rc;
}
