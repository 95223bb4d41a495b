/*
 * relay_conn.c: the bottom of the relay engine (relay_int.h) --
 * connections, their output queues, the answers every handler sends, and
 * the rate limits.
 *
 * Connections live in an array searched by id; the transport keeps only
 * the id, so a late callback for a closed connection finds nothing rather
 * than freed memory.  Output is a FIFO of frames per connection (fq.h),
 * each with RELAY_HEADROOM bytes in front for the transport.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "relay_int.h"

#define LOG_REFUSED_MAX	5	/* per connection; then a count at close */

uint64_t
relay_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct rconn *
relay_conn_find(struct relay *r, uint64_t id)
{
	size_t	 i;

	for (i = 0; i < r->nconns; i++)
		if (r->conns[i]->id == id)
			return r->conns[i];
	return NULL;
}

struct rconn *
relay_conn_new(struct relay *r, const struct relay_io *io, void *cookie,
    const char *peer)
{
	struct rconn *c, **nc;

	if (r->nconns == r->cap) {
		size_t	 ncap = r->cap ? r->cap * 2 : 64;

		if ((nc = realloc(r->conns, ncap * sizeof(*nc))) == NULL)
			return NULL;
		r->conns = nc;
		r->cap = ncap;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->id = ++r->next_id;
	c->io = *io;
	c->cookie = cookie;
	snprintf(c->peer, sizeof(c->peer), "%s", peer ? peer : "?");
	c->tokens = (double)r->lim.events_per_minute / 6 + 10;
	c->qtokens = c->tokens;
	c->last_refill = c->progress_ms = relay_now_ms();
	buf_init(&c->rx, r->lim.max_message_length + 1);
	fq_init(&c->out, 0);
	/* Room for what a client sends before it sees it is slowed. */
	fq_init(&c->parked, 4 * (r->lim.max_message_length + 1));
	r->conns[r->nconns++] = c;
	return c;
}

/* Takes c out of the table and frees what this file gave it. */
void
relay_conn_free(struct relay *r, struct rconn *c)
{
	size_t	 i;

	for (i = 0; i < r->nconns; i++)
		if (r->conns[i] == c) {
			r->conns[i] = r->conns[--r->nconns];
			break;
		}
	if (c->nrefused > LOG_REFUSED_MAX)
		log_info("%s: refused %llu events in all", c->peer,
		    (unsigned long long)c->nrefused);
	if (c->parked.head != NULL)
		r->nparked--;
	fq_clear(&c->parked);
	fq_clear(&c->out);
	free(c->sent);
	free(c->echo);
	buf_free(&c->rx);
	free(c);
}

/*
 * Remembers that the node on c sent id.  Live delivery never echoes an
 * event back to the node it came from, but a subscription still streaming
 * its stored answer gets what was stored meanwhile from the store, which
 * does not know where an event came from: this list does.
 */
void
relay_echo_note(struct rconn *c, const uint8_t id[32])
{
	uint8_t	(*n)[32];

	if (c->necho == c->echocap) {
		size_t	 ncap = c->echocap ? c->echocap * 2 : 64;

		if (ncap > ECHO_MAX || (n = realloc(c->echo,
		    ncap * sizeof(*n))) == NULL)
			return;		/* an echo costs a duplicate, no more */
		c->echo = n;
		c->echocap = ncap;
	}
	memcpy(c->echo[c->necho++], id, 32);
}

/* Whether id came from the node on c while its subs streamed. */
bool
relay_echo_has(const struct rconn *c, const uint8_t id[32])
{
	size_t	 i;

	for (i = 0; i < c->necho; i++)
		if (memcmp(c->echo[i], id, 32) == 0)
			return true;
	return false;
}

/*
 * Queues one frame.  A client that lets output pile up past
 * max_output_buffer without reading for RELAY_STALL_MS, or past four
 * times that in any case, is told once and dropped -- unless force (our
 * answer to its own request).  A client that reads but is far behind
 * pauses delivery of stored events instead (relay_deliver_new).
 */
void
relay_send(struct relay *r, struct rconn *c, const char *p, size_t len,
    bool force)
{
	bool	 was_empty = c->out.head == NULL;
	uint64_t now = relay_now_ms();
	size_t	 max = r->lim.max_output_buffer;

	if (c->closing)
		return;
	if (!force && c->out.bytes + len > max &&
	    (now - c->progress_ms > RELAY_STALL_MS ||
	    c->out.bytes + len > 4 * max)) {
		char	 why[128];

		log_info("%s: disconnecting a slow reader (%zu bytes queued)",
		    c->peer, c->out.bytes);
		fq_clear(&c->out);
		relay_notice(r, c, err_reason(ERR_SLOW, why, sizeof(why)));
		c->closing = true;
		return;
	}
	if (!fq_push(&c->out, p, len))
		return;
	if (was_empty) {
		c->progress_ms = now;
		c->io.want_write(c->io.arg, c->cookie);
	}
	if (!force && c->out.bytes > max / 2)
		r->backlog = true;
}

void
relay_send_buf(struct relay *r, struct rconn *c, bool force)
{
	if (!r->out.err)
		relay_send(r, c, r->out.p, r->out.len, force);
	buf_reset(&r->out);
}

/* Tells the hook that a stored event is queued for node connection c. */
void
relay_sent_hook(struct relay *r, struct rconn *c, const uint8_t id[32])
{
	if (c->mesh && !c->closing && r->hooks.sent != NULL)
		r->hooks.sent(r->hooks_arg, c->id, id);
}

bool
relay_conn_next(struct relay *r, uint64_t id, char **p, size_t *len,
    bool *close_after)
{
	struct rconn *c = relay_conn_find(r, id);
	struct fq_frame *f;

	if (c == NULL)
		return false;
	free(c->sent);
	if ((c->sent = f = fq_pop(&c->out)) == NULL)
		return false;
	c->progress_ms = relay_now_ms();
	if (r->backlog && c->out.bytes < r->lim.max_output_buffer / 4)
		r->kick = true;
	/* Below half its high-water mark: stream the next page. */
	if (r->nstreams > 0 && c->out.bytes < (r->lim.max_output_buffer <
	    STREAM_HIGH ? r->lim.max_output_buffer : STREAM_HIGH) / 2)
		r->refill = true;
	/* Kept until the next call: the transport copies it. */
	*p = FQ_DATA(f);
	*len = f->len;
	*close_after = c->closing && c->out.head == NULL;
	return true;
}

size_t
relay_conn_next_len(struct relay *r, uint64_t id)
{
	struct rconn *c = relay_conn_find(r, id);

	return c != NULL && c->out.head != NULL ? c->out.head->len : 0;
}

size_t
relay_conn_queued(struct relay *r, uint64_t id)
{
	struct rconn *c = relay_conn_find(r, id);

	return c != NULL ? c->out.bytes : 0;
}

size_t
relay_queued_total(const struct relay *r)
{
	size_t	 i, n = 0;

	for (i = 0; i < r->nconns; i++)
		n += r->conns[i]->out.bytes;
	return n;
}

size_t
relay_conn_count(const struct relay *r)
{
	return r->nconns;
}

void
relay_notice(struct relay *r, struct rconn *c, const char *text)
{
	struct buf b;

	/* Its own buffer: a NOTICE may be sent while r->out is in use. */
	buf_init(&b, 0);
	msg_notice(&b, text);
	if (!b.err)
		relay_send(r, c, b.p, b.len, true);
	buf_free(&b);
}

void
relay_notice_err(struct relay *r, struct rconn *c, enum err e,
    const char *detail)
{
	char	 why[256];

	relay_notice(r, c, err_reason_detail(e, detail, why, sizeof(why)));
}

void
relay_closed(struct relay *r, struct rconn *c, const char *subid, enum err e,
    const char *detail)
{
	char	 why[256];

	buf_reset(&r->out);
	msg_closed(&r->out, subid, err_reason_detail(e, detail, why,
	    sizeof(why)));
	relay_send_buf(r, c, true);
}

void
relay_ok(struct relay *r, struct rconn *c, const uint8_t id[32], enum err e)
{
	relay_ok_detail(r, c, id, e, NULL);
}

void
relay_ok_detail(struct relay *r, struct rconn *c, const uint8_t id[32],
    enum err e, const char *detail)
{
	char	 reason[400];

	if (c->mesh && r->hooks.seen != NULL)
		r->hooks.seen(r->hooks_arg, c->id, c->authed ? c->pubkey : NULL,
		    id, e);
	if (e == ERR_OK || e == ERR_EPHEMERAL)
		reason[0] = '\0';
	else
		err_reason_detail(e, detail != NULL && detail[0] != '\0' ?
		    detail : NULL, reason, sizeof(reason));
	buf_reset(&r->out);
	msg_ok(&r->out, id, ingest_accepted(e), reason);
	relay_send_buf(r, c, true);
}

/* Token buckets: a minute's allowance refills continuously. */
bool
relay_take_token(struct relay *r, struct rconn *c, double *bucket)
{
	uint64_t now = relay_now_ms();
	unsigned per_min = c->mesh ? r->lim.node_events_per_minute :
	    r->lim.events_per_minute;
	double	 rate = (double)per_min / 60000.0;
	double	 burst = (double)per_min / 6 + 10;

	if (per_min == 0)
		return true;
	c->tokens += (double)(now - c->last_refill) * rate;
	c->qtokens += (double)(now - c->last_refill) * rate;
	if (c->tokens > burst)
		c->tokens = burst;
	if (c->qtokens > burst)
		c->qtokens = burst;
	c->last_refill = now;
	if (*bucket < 1.0)
		return false;
	*bucket -= 1.0;
	return true;
}

/* Milliseconds until bucket holds a token again (0: it does). */
uint64_t
relay_token_wait(struct relay *r, struct rconn *c, double *bucket)
{
	unsigned per_min = c->mesh ? r->lim.node_events_per_minute :
	    r->lim.events_per_minute;

	if (per_min == 0 || *bucket >= 1.0)
		return 0;
	return (uint64_t)((1.0 - *bucket) * 60000.0 / per_min) + 1;
}

/*
 * Says what a message that is not JSON began with, the first few times a
 * connection sends one: a client's bug, or a transport that garbled it,
 * can then be told apart in the log.  Bytes outside printable ASCII are
 * shown as dots.
 */
void
relay_log_bad_message(struct rconn *c, const char *data, size_t len)
{
	char	 head[49];
	size_t	 i, n = len < sizeof(head) - 1 ? len : sizeof(head) - 1;

	if (c->nrefused++ >= LOG_REFUSED_MAX)
		return;
	for (i = 0; i < n; i++)
		head[i] = data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '.';
	head[n] = '\0';
	log_info("%s: a message that is not a JSON array (%zu bytes): %s%s",
	    c->peer, len, head, len > n ? "..." : "");
}

/* Logs the first few refusals of a connection: a flood is one line more. */
void
relay_log_refused(struct rconn *c, enum err e)
{
	char	 reason[200];

	if (c->nrefused++ < LOG_REFUSED_MAX)
		log_info("%s: refused an event: %s", c->peer,
		    err_reason(e, reason, sizeof(reason)));
}
