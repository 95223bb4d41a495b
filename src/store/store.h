/*
 * store.h: the event store on SQLite (WAL) in the data dir.  It applies the
 * NIP-01 storage rules (duplicates, replaceable and addressable kinds,
 * ephemeral kinds never stored), NIP-09 deletions (kept, and remembered so
 * a deleted event cannot come back) and NIP-40 expiry (never served after
 * it, purged later), answers NIP-01 filters newest first, NIP-50 search
 * through FTS5 and NIP-45 counts.  It keeps each event's JSON as it came in.
 *
 * The store trusts its caller: events reach store_put only through
 * ingest_store (ingest.h), after their ids and signatures were checked.  One handle is
 * used by one thread at a time; several processes may open the same file.
 */
#ifndef SAMIZDAT_STORE_H
#define SAMIZDAT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "event.h"
#include "filter.h"

struct store;

#define STORE_RDONLY	0x1	/* open an existing store read-only */
#define STORE_SYNC_FULL	0x2	/* fsync every commit (synchronous=FULL) */
#define STORE_HELPER	0x4	/* a side handle (dedup probes, checkpoints): 2 MiB cache */
/*
 * The node's daemon: an existing store is upgraded to the newest schema.
 * Without it one of version 6 or older goes no further than 6, which an
 * older samizdat still running on it reads correctly (docs/store.md).
 */
#define STORE_UPGRADE	0x8

/*
 * SQLite's process-wide settings, called once before any database opens
 * (main): no page cache is set aside for a handle before it reads a page.
 * By default each handle takes 20 pages at its first read, about 85 KB,
 * and the daemon holds six handles, most of them idle.
 */
void		store_process_init(void);

/*
 * Opens (creating when writable) the store at path.
 * Returns: ERR_OK and *sp, or ERR_DB_BUSY, ERR_DB_CORRUPT, ERR_DB_VERSION,
 * ERR_DB_FULL, ERR_IO, ERR_DB (logged with SQLite's message).
 */
enum err	store_open(struct store **sp, const char *path, int flags);
void		store_close(struct store *);	/* NULL is a no-op */

/* Transactions: store_put batches inside them; without one each put is its own. */
enum err	store_begin(struct store *);
enum err	store_commit(struct store *);
void		store_rollback(struct store *);
/* True inside store_begin ... store_commit. */
bool		store_in_tx(const struct store *);

/* Returns: true if an event with this id is stored. */
bool		store_has(struct store *, const uint8_t id[32]);
/*
 * Stores a checked event.  tmp is a work buffer.  now decides expiry.
 * Returns: ERR_OK (stored), ERR_DUPLICATE, ERR_HAVE_NEWER, ERR_DELETED,
 * ERR_EPHEMERAL (not stored), or a database error (the transaction must
 * then be rolled back).
 */
enum err	store_put(struct store *, const struct event *, uint64_t now);

/* Called for each result, newest first; return non-zero to stop early. */
typedef int	(*store_row_cb)(const char *json, size_t len, void *arg);

/*
 * Runs n OR'd filters; each filter's limit applies to it, max_limit (0: no
 * cap) clamps it.  Results are distinct, newest first with ties by lowest
 * id; a single search filter returns by relevance instead.
 * Returns: ERR_OK or a database error.
 */
enum err	store_query(struct store *, const struct filter *, size_t n,
		    uint64_t now, uint64_t max_limit, store_row_cb, void *arg);
/*
 * A REQ's stored answer read a page at a time, for a reader that may be
 * slow: the same events, in the same order, as store_query gives, but
 * only those with row numbers in (after_eid, max_eid] (max_eid 0: no
 * bound), and with every filter's limit ignored when all is set.  The
 * cursor keeps f (n filters), which must outlive it; it holds no
 * statement or transaction between calls.
 */
struct store_cursor;
enum err	store_cursor_open(struct store *, const struct filter *f,
		    size_t n, uint64_t now, uint64_t max_limit,
		    int64_t after_eid, int64_t max_eid, bool all,
		    struct store_cursor **);
/*
 * Hands the next events to cb until about max_bytes of JSON went (at
 * least one event) or cb returns non-zero; *done once every match went.
 * Returns: ERR_OK, ERR_SEARCH, or a database error.
 */
enum err	store_cursor_next(struct store *, struct store_cursor *,
		    size_t max_bytes, store_row_cb, void *arg, bool *done);
void		store_cursor_free(struct store_cursor *);	/* NULL: no-op */
/*
 * NIP-45 with HyperLogLog: the count for one filter and the registers of
 * its events' authors at the given offset (hll.h).
 */
enum err	store_count_hll(struct store *, const struct filter *,
		    uint64_t now, unsigned offset, uint64_t *count,
		    uint8_t reg[256]);
/* NIP-45: the number of distinct events the filters match (limits ignored). */
enum err	store_count(struct store *, const struct filter *, size_t n,
		    uint64_t now, uint64_t *count);
/*
 * NIP-77: the (created_at, id) of every event the filter matches, as a
 * REQ would serve them but without its limit, into a malloc'd array the
 * caller frees.  Returns: ERR_OK, ERR_NEG_TOO_BIG past max items, or a
 * database error.
 */
struct neg_item;
enum err	store_ids(struct store *, const struct filter *, uint64_t now,
		    size_t max, struct neg_item **items, size_t *n);
/* NIP-40: removes events whose expiration has passed.  *n: how many. */
enum err	store_purge_expired(struct store *, uint64_t now, uint64_t *n);
/*
 * Events stored after the one with row number after_eid, oldest row
 * first, at most max of them: how the relay learns of new events, its own
 * and those another process (an import) committed.  A callback that
 * returns non-zero stops before consuming its row.  *last is set to the
 * last row number consumed.  Returns: ERR_OK or a database error.
 */
typedef int	(*store_new_cb)(const char *json, size_t len, void *arg);
enum err	store_since(struct store *, int64_t after_eid, size_t max,
		    store_new_cb, void *arg, int64_t *last);
/* The highest row number in use (0 when empty). */
enum err	store_last_eid(struct store *, int64_t *eid);
/*
 * Sets the handle's page cache to kib KiB; 0 puts back the size it was
 * opened with (8 MiB).  A helper's or a stick's handle keeps 2 MiB.
 */
enum err	store_cache(struct store *, int kib);
/* A WAL checkpoint: PASSIVE (never blocks the writer), or TRUNCATE. */
enum err	store_checkpoint(struct store *, bool truncate);
/*
 * A checkpoint that also lets the next commit write the WAL from its
 * start again (RESTART: waits for readers, busy_timeout at most).
 */
enum err	store_checkpoint_restart(struct store *);
/*
 * A thread that checkpoints for the writer w on a handle of its own, so
 * that w's commits never copy the WAL into the database themselves (that
 * was a third of the relay loop's time under a stream of EVENTs).  Woken
 * by w's commits every 1000 new WAL pages; keeps the WAL near 64 MiB.
 * Sets *out NULL, and is not needed, for a read-only or a stick's handle.
 * _stop (NULL: nothing) joins it and gives w its own checkpoints back;
 * call it before closing w.  Returns: ERR_OK or ERR_NOMEM.
 */
struct store_ckpt;
enum err	store_ckpt_start(struct store *w, struct store_ckpt **out);
void		store_ckpt_stop(struct store_ckpt *);
/*
 * The event with this id, unless it expired by now: cb is called once
 * with its JSON (valid during the call), or not at all when there is
 * none.  Returns: ERR_OK or a database error.
 */
enum err	store_get(struct store *, const uint8_t id[32], uint64_t now,
		    store_row_cb, void *arg);
/* Number of stored events. */
enum err	store_event_count(struct store *, uint64_t *n);

/*
 * The store budget (store/guard.c): removes the stored event id and
 * what indexes it, keeping any NIP-09 record of it.  In the caller's
 * transaction if one is open.  Returns: ERR_OK (also when it is not
 * stored) or a database error.
 */
enum err	store_remove(struct store *, const uint8_t id[32]);
/* Bytes the store's pages in use take (store_budget.c). */
enum err	store_size(struct store *, uint64_t *bytes);
/*
 * One stored event as the budget's eviction sees it, oldest first by
 * (created_at, row): id, author, kind, created_at.
 */
struct store_old {
	uint8_t		 id[32];
	uint8_t		 pubkey[32];
	uint32_t	 kind;
	uint64_t	 created_at;
	int64_t		 eid;
};
/*
 * Calls fn for up to max events after (created_at, eid) *cur in that
 * order; fn returns non-zero to stop.  *cur is set to the last one
 * passed, or to {0, 0} when the end was reached.
 */
struct store_oldpos {
	uint64_t	 created_at;
	int64_t		 eid;
};
enum err	store_oldest(struct store *, struct store_oldpos *cur,
		    size_t max, int (*fn)(const struct store_old *, void *),
		    void *arg);

#endif
