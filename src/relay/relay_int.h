/*
 * relay_int.h: what the files of the relay engine share.  Not for other
 * modules.  The files, and the only way their calls run:
 *
 *   relay.c        lifecycle, reassembly, dispatch, flush      (top)
 *   relay_event.c  EVENT and AUTH; the verify threads
 *   relay_sub.c    REQ, COUNT, CLOSE
 *   relay_neg.c    NEG-OPEN, NEG-MSG, NEG-CLOSE
 *   relay_tx.c     the group commit, OKs, delivery to subscriptions
 *   relay_q.c      counts and id sets on a thread of their own
 *   relay_conn.c   the connection table, output queues, answers,
 *                  rate limits                                 (bottom)
 *
 * Each calls only files below it (scripts/layers.sh checks).
 */
#ifndef SAMIZDAT_RELAY_INT_H
#define SAMIZDAT_RELAY_INT_H

#include "buf.h"
#include "filter.h"
#include "fq.h"
#include "guard.h"
#include "hex.h"
#include "message.h"
#include "relay.h"
#include "url.h"
#include "vpool.h"

struct sub {
	char		 id[MSG_MAX_SUBID * 4 + 1];
	struct filter	*f;
	size_t		 nf;
	struct store_cursor *cur;	/* its stored answer going; NULL: live */
	int64_t		 upto;		/* the answer covers rows up to this */
	bool		 eose;		/* sent */
};

/* Streaming stored answers (relay_sub.c). */
#define STREAM_HIGH	(64u << 10)	/* most queued per connection */
#define STREAM_TURN	(1u << 20)	/* most streamed per flush, in all */
#define STREAM_BUDGET	(32u << 20)	/* no streaming past this queued */

struct negsess;

struct rconn {
	uint64_t	 id;
	struct relay_io	 io;		/* its transport: the server's or own */
	void		*cookie;	/* the transport's handle */
	char		 peer[64];
	struct buf	 rx;		/* fragments of the current message */
	bool		 oversize;
	struct fq	 out;		/* frames waiting for the socket */
	struct fq_frame	*sent;		/* the one being written */
	uint64_t	 progress_ms;	/* last write, or when output began */
	bool		 closing;
	struct sub	*subs;
	size_t		 nsubs;
	size_t		 nstreams;	/* subs whose stored answer goes on */
	struct negsess	*negs;		/* NIP-77 sessions */
	size_t		 nnegs;
	bool		 mesh;		/* a node: no clock window, no echo */
	uint64_t	 nrefused;	/* events refused, for the log */
	bool		 authed;	/* NIP-42 done: pubkey is known */
	uint8_t		 pubkey[32];
	char		 challenge[33];	/* NIP-42, "" when none was sent */
	char		 host[256];	/* the Host it connected to, or "" */
	double		 tokens;	/* EVENTs */
	double		 qtokens;	/* REQ, COUNT and NEG-OPEN */
	uint64_t	 last_refill;
	struct fq	 parked;	/* over the rate: messages waiting, in order */
	bool		 rx_paused;	/* the transport does not read it */
	bool		 busy;		/* a job of relay_q.c is out */
	uint8_t		(*echo)[32];	/* a node's own events, held from its */
	size_t		 necho, echocap; /* streaming subs' catch-up */
};

#define ECHO_MAX	4096	/* past it an echo costs a duplicate */


struct pending {
	uint64_t	 conn;
	uint8_t		 id[32];
	enum err	 e;
};

struct relay {
	struct store	*store;
	struct relay_limits lim;
	struct relay_io	 io;
	struct relay_hooks hooks;
	void		*hooks_arg;
	struct rconn	**conns;
	size_t		 nconns, cap;
	uint64_t	 next_id;
	struct ingest_ctx ictx;
	struct buf	 out;		/* message being built */
	bool		 tx_open;
	uint64_t	 tx_start;	/* ms, when the open transaction began */
	size_t		 tx_n;		/* events stored in it */
	size_t		 flush_n;	/* tx_n at the last relay_flush */
	size_t		 last_n;	/* events the last commit held */
	uint64_t	 last_commit;	/* ms, when it was */
	struct pending	*oks;		/* OKs waiting for the commit */
	size_t		 noks, okcap;
	int64_t		 last_eid;	/* newest stored event delivered */
	struct vpool	*pool;		/* signature checks on other cores */
	bool		 backlog;	/* a reading client is far behind */
	bool		 kick;		/* it caught up: deliver again */
	struct ingest_policy meshpol;	/* for nodes: no created_at window */
	struct pending	*origin;	/* stored since the last delivery, by whom */
	size_t		 norigin, origincap;
	size_t		 nparked;	/* connections with parked messages */
	struct url	*places;	/* this relay's addresses, for NIP-42 */
	size_t		 nplaces;
	struct guard	*guard;		/* the open-mesh defence, or NULL */
	size_t		 nstreams;	/* stored answers going on, in all */
	bool		 refill;	/* one may go on: relay_refill */
	size_t		 stream_rr;	/* where the next refill starts */
	struct relay_q	*q;		/* counts and id sets; NULL: inline */
};

/* A job for the store thread (relay_q.c). */
enum qjob_kind { QJ_COUNT, QJ_COUNT_HLL, QJ_IDS };

struct qjob {
	struct qjob	*next;
	uint64_t	 conn;
	enum qjob_kind	 kind;
	char		 subid[MSG_MAX_SUBID * 4 + 1];
	struct filter	*f;		/* owned */
	size_t		 nf;
	uint64_t	 now;
	unsigned	 hll_offset;	/* QJ_COUNT_HLL */
	size_t		 max;		/* QJ_IDS: most items */
	struct buf	 payload;	/* QJ_IDS: NEG-OPEN's first message */
	enum err	 e;		/* the answer */
	uint64_t	 count;
	uint8_t		 reg[256];
	struct neg_item	*items;		/* QJ_IDS, sorted; taken by done */
	size_t		 n;
	/* On the loop, with the answer; c is NULL if the client left. */
	void		(*done)(struct relay *, struct rconn *c, struct qjob *);
};

/* A client with output pending and no write for this long is not reading. */
#define RELAY_STALL_MS	2000

/* relay_conn.c */
uint64_t	 relay_now_ms(void);
struct rconn	*relay_conn_find(struct relay *, uint64_t);
struct rconn	*relay_conn_new(struct relay *, const struct relay_io *,
		    void *cookie, const char *peer);
void		 relay_conn_free(struct relay *, struct rconn *);
void		 relay_echo_note(struct rconn *, const uint8_t[32]);
bool		 relay_echo_has(const struct rconn *, const uint8_t[32]);
void		 relay_send(struct relay *, struct rconn *, const char *,
		    size_t, bool force);
void		 relay_send_buf(struct relay *, struct rconn *, bool force);
void		 relay_sent_hook(struct relay *, struct rconn *,
		    const uint8_t[32]);
void		 relay_notice(struct relay *, struct rconn *, const char *);
void		 relay_notice_err(struct relay *, struct rconn *, enum err,
		    const char *detail);
void		 relay_closed(struct relay *, struct rconn *, const char *subid,
		    enum err, const char *detail);
void		 relay_ok(struct relay *, struct rconn *, const uint8_t[32],
		    enum err);
void		 relay_ok_detail(struct relay *, struct rconn *,
		    const uint8_t[32], enum err, const char *detail);
bool		 relay_take_token(struct relay *, struct rconn *, double *);
uint64_t	 relay_token_wait(struct relay *, struct rconn *, double *);
void		 relay_log_refused(struct rconn *, enum err);
void		 relay_log_bad_message(struct rconn *, const char *, size_t);

/* relay_q.c */
struct qjob	*relay_q_job(enum qjob_kind, const char *subid);
void		 relay_q_job_free(struct qjob *);
/* Runs j off the loop (c is busy until its done is called), or at once. */
void		 relay_q_submit(struct relay *, struct rconn *, struct qjob *);
/* Calls done for the jobs that finished. */
void		 relay_q_collect(struct relay *);
void		 relay_q_stop(struct relay *);

/* relay_tx.c */
void		 relay_guard_src(const struct rconn *, struct guard_src *);
void		 relay_accept(struct relay *, struct rconn *,
		    const struct event *, enum err);
void		 relay_commit(struct relay *);
void		 relay_abort_tx(struct relay *, enum err);
void		 relay_deliver_new(struct relay *);

/* relay_event.c */
void		 relay_on_event(struct relay *, struct rconn *,
		    const struct msg *);
void		 relay_on_auth(struct relay *, struct rconn *,
		    const struct msg *);
void		 relay_collect(struct relay *);
void		 relay_drain(struct relay *);

/* relay_sub.c */
void		 relay_on_req(struct relay *, struct rconn *, const struct msg *);
void		 relay_on_count(struct relay *, struct rconn *,
		    const struct msg *);
void		 relay_sub_remove(struct relay *, struct rconn *,
		    const char *subid);
void		 relay_subs_free(struct relay *, struct rconn *);

/* relay_neg.c */
void		 relay_on_neg(struct relay *, struct rconn *, const struct msg *);
void		 relay_negs_free(struct rconn *);

#endif
