/*
 * sync.h: the client side of a sync with a relay, without sockets or
 * SQLite -- what relay.c is for the relay side.  It takes the local set
 * (the sorted (created_at, id) of what the filter matches here) and the
 * relay's messages, and gives back the messages to send and the
 * decisions: what the relay has that we need (fetched with REQ by ids),
 * what it needs (uploaded with EVENT, this node's own reports first,
 * then the newest, every OK awaited), and when to fall back to plain
 * REQ and EVENT because the relay does not speak NIP-77 (it answered
 * NEG-OPEN with NOTICE, CLOSED or NEG-ERR, or not at all).
 *
 *   NEG      NEG-OPEN sent; NEG-MSG rounds until the engine is done
 *   DOWN     REQ {"ids": [...]} in batches for what we need
 *   UP       EVENT for what the relay needs, a batch at a time
 *   FB_DOWN  no NIP-77: REQ by time windows, newest first
 *   FB_UP    no NIP-77: every local event matching the filter, as EVENT
 *
 * The caller owns the transport and the store: it passes the relay's
 * messages in (sync_rx), the clock (sync_tick), and answers the engine's
 * calls for local events and for storing what arrives (struct sync_net
 * and struct sync_local).
 * Everything received goes through the caller's ingest path.  Pure.
 */
#ifndef SAMIZDAT_SYNC_H
#define SAMIZDAT_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "event.h"
#include "filter.h"
#include "message.h"
#include "negentropy.h"

#define SYNC_BATCH	500		/* ids per REQ, events per upload batch */
#define SYNC_NEG_FRAME	60000		/* our NIP-77 messages; hex doubles it */

enum sync_phase {
	SYNC_CONNECT, SYNC_NEG, SYNC_DOWN, SYNC_UP, SYNC_FB_DOWN, SYNC_FB_UP,
	SYNC_DONE, SYNC_FAIL
};

/* What a sync did, for the caller's records and messages. */
struct sync_report {
	uint64_t	 have, need;	/* NIP-77: ids only we, only they hold */
	uint64_t	 down_ok, down_dup, down_bad;
	uint64_t	 up_ok, up_dup, up_bad;
	uint64_t	 bytes;		/* of messages, both ways */
	uint64_t	 wire;		/* TCP payload both ways (the transport's) */
	unsigned	 rounds;
	bool		 fallback;	/* the relay did not speak NIP-77 */
};

/* Called with each local event a read returns; non-zero stops it. */
typedef int	(*sync_row_fn)(const char *json, size_t len, void *arg);

/* The transport's side. */
struct sync_net {
	void	*arg;
	/* A message for the relay. */
	void	(*send)(void *arg, const char *p, size_t len);
	/* Optional: a line for the log ("the relay does not do NIP-77"). */
	void	(*note)(void *arg, const char *text);
};

/* The store's side (store/sync_store.h has the one on SQLite). */
struct sync_local {
	void	*arg;
	/* The local events with these ids, in any order. */
	enum err (*read_ids)(void *arg, const uint8_t (*ids)[32], size_t n,
		    sync_row_fn, void *rarg);
	/* The local events f matches, newest first, at most its limit. */
	enum err (*read_filter)(void *arg, const struct filter *f,
		    sync_row_fn, void *rarg);
	/*
	 * An event the relay sent: check it and store it.  Returns: the
	 * outcome (ingest.h); *created_at is set when the event parsed.
	 */
	enum err (*ingest)(void *arg, const char *json, size_t len,
		    uint64_t *created_at);
	/* Optional: the relay answered one of our EVENTs. */
	void	(*answered)(void *arg, const uint8_t id[32], bool ok,
		    const char *reason);
};

struct sync_params {
	const struct filter *filter;	/* borrowed for the whole sync */
	bool		 up, down;
	const uint8_t	*own;		/* this node's pubkey: first up; or NULL */
	const struct neg_item *items;	/* the local set, sorted (neg_sort) */
	size_t		 nitems;
	const struct neg_storage *storage;	/* or this, if not NULL */
	void		*storage_arg;
	unsigned	 timeout_ms;	/* silence allowed in any step */
};

struct sync_ids {
	uint8_t		(*v)[32];
	size_t		 n, cap, next;	/* next: first not yet handled */
};

struct sync {
	struct sync_params p;
	struct sync_net	 net;
	struct sync_local local;
	enum sync_phase	 phase;
	uint64_t	 deadline;	/* ms, on the caller's clock */
	uint64_t	 now;
	struct neg	 ng;
	struct sync_ids	 have, need;
	size_t		 have_own;	/* the first have_own are ours */
	struct sync_ids	 unacked;	/* EVENTs sent, OK not yet seen */
	unsigned	 batch_got;	/* EVENTs received for this REQ */
	char		 req_sub[16];	/* the REQ open now */
	uint64_t	 fb_until;	/* fallback window end (inclusive) */
	uint64_t	 fb_min;	/* oldest created_at in this window */
	uint64_t	 fb_up_until;	/* next upload window end (inclusive) */
	unsigned	 fb_up_rows;
	bool		 fb_up_done;
	int		 fb_own;	/* 1: own events' pass, 2: all */
	unsigned	 req_seq;
	struct buf	 out;		/* the message being built */
	void		*scratch;	/* for parsing local events */
	size_t		 scratchsz;
	struct sync_report rep;
	char		 err[256];
};

/*
 * Sets s up at time now (ms); the connection has timeout_ms to come up.
 * Nothing is sent until sync_start.  Returns: ERR_OK.
 */
enum err	sync_init(struct sync *, const struct sync_params *,
		    const struct sync_net *, const struct sync_local *,
		    uint64_t now_ms);
void		sync_free(struct sync *);
/* The connection is up: NEG-OPEN goes out. */
void		sync_start(struct sync *, uint64_t now_ms);
/* A message from the relay (msg_parse with MSG_FROM_RELAY). */
void		sync_rx(struct sync *, const struct msg *, size_t wire_len,
		    uint64_t now_ms);
/* The clock: a step silent past timeout_ms falls back or fails. */
void		sync_tick(struct sync *, uint64_t now_ms);
/* The connection failed or closed (why may be NULL). */
void		sync_lost(struct sync *, const char *why);
/* True once the sync is over, well (SYNC_DONE) or not (SYNC_FAIL). */
bool		sync_over(const struct sync *);

#endif
