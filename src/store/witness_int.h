/*
 * witness_int.h: what witness_index.c and trust_store.c share -- the
 * handle's witness state (its statements, prepared on first use, and the
 * cached trust graph of the node's key).  Not for other modules.
 */
#ifndef SAMIZDAT_WITNESS_INT_H
#define SAMIZDAT_WITNESS_INT_H

#include "store_int.h"
#include "trust.h"
#include "witness_store.h"

enum {
	W_KEY_ADD,		/* aid, first_seen, first_eid */
	W_EV_BY_ID,		/* id -> eid, aid, kind */
	W_MARK_PROBE,		/* target: any mark waiting for it? */
	W_PEND_KEYS,		/* target: their keys wait one less */
	W_PEND_MARKS,		/* target: its marks wait no more */
	W_MARK_GET,		/* target, aid -> created_at, id */
	W_MARK_PUT,
	W_PENDING_ADD,		/* aid, delta */
	W_PENDING_GET,		/* aid -> pending */
	W_HAS,			/* id stored? */
	W_AUTHOR_GET,		/* pubkey -> aid */
	W_AUTHOR_ADD,
	W_AUTHOR_PK,		/* aid -> pubkey */
	W_VOUCH_GET,		/* aid, whom -> created_at, id */
	W_VOUCH_PUT,
	W_GEN_BUMP,
	W_GEN_GET,
	W_MARKS_BY_EID,		/* eid -> target, aid, pend */
	W_MARK_DEL,		/* target, aid */
	W_VOUCHES_BY_EID,	/* eid -> aid, whom */
	W_VOUCH_DEL,		/* aid, whom */
	W_CANDIDATES,		/* aid, tag key -> eid, json (kind 1985) */
	W_EDGES,		/* aid -> whom, current vouches */
	W_MARKS_OF,		/* target -> aid, label, created_at, id, first_seen */
	W_FIRST_SEEN,		/* aid -> first_seen */
	W_REPORT,		/* id -> aid, pubkey */
	W_COUNT_REPORTS,	/* aid -> kind 1 events */
	W_FIRST_LINK,		/* aid -> link kind, name, npub of its first event */
	W_JSON_BY_EID,
	W_VOUCH_LIST,		/* aid -> whom pubkey, created_at, json */
	W_BY_PREFIX,		/* pubkeys in [lo, hi) -> pubkey, reports */
	W_VOUCH_AT,		/* who, whom pubkeys -> created_at of the newest */
	W_LABELS,		/* kind 1985 events, by eid, for the backfill */
	W__COUNT
};

struct witness_cache {
	sqlite3_stmt	*q[W__COUNT];
	uint8_t		 node[32];
	bool		 has_node;
	struct trust_graph g;		/* from the node's key alone */
	int64_t		 gen;		/* wgen when g was built */
	uint64_t	 built_at;	/* and the time */
	bool		 built;
};

/* The handle's witness state, made on first use; NULL when out of memory. */
struct witness_cache *witness_cache(struct store *);
/* A statement, prepared on first use, ready to bind; NULL on error (logged). */
sqlite3_stmt	*wq(struct store *, int which);
/* Steps a statement expecting no row, and resets it. */
enum err	wdone(struct store *, sqlite3_stmt *);
/* The author id of pubkey: *aid, or 0 when unknown (add: made when unknown). */
enum err	waid(struct store *, const uint8_t pubkey[32], bool add,
		    int64_t *aid);
/*
 * The trust graph from the node's key and, if reader is not NULL, the
 * reader's: the cached one (reader NULL; rebuilt when a vouch changed or
 * a minute passed), or g built afresh.  *out is the graph to read.
 */
enum err	wgraph(struct store *, const uint8_t *reader, uint64_t now,
		    struct trust_graph *g, const struct trust_graph **out);

#endif
