/*
 * witness_store.h: the store's side of witness marks and vouches, for
 * ingest.c, the CLI and the page's API (the trust API for other modules
 * is trust_store.h).  witness_index.c keeps the index as events arrive;
 * trust_store.c reads it; witness_json.c writes what it finds as JSON and
 * text.
 *
 * The index (schema version 3, docs/store.md):
 *   wkeys    per author: when this node first saw the key (its clock, not
 *            the event's created_at), the row of its first event, and how
 *            many of its marks name reports this node does not have;
 *   marks    per (report id, author): the newest mark, the report stored
 *            or not (pend);
 *   vouches  per (author, person): the newest vouch or revoke;
 *   wgen     a counter bumped whenever a vouch changes, so cached trust
 *            graphs know they are stale, in this process or another.
 */
#ifndef SAMIZDAT_WITNESS_STORE_H
#define SAMIZDAT_WITNESS_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"
#include "event.h"
#include "store.h"
#include "trust.h"
#include "witness.h"

/* Marks one key may have on reports this node does not have. */
#define WITNESS_MAX_PENDING	1000
/* Marks read for one report; past this the rest are not counted. */
#define WITNESS_MAX_MARKS	10000
/* Labels one deletion request can withdraw from the index. */
#define WITNESS_MAX_DELETED	64

/*
 * The index tables (store_schema.c's version 3) filled from the events
 * already stored, when a store older than version 3 is opened writable
 * (from_version 0, a new store: nothing to do).  Called by store.c inside
 * its schema transaction, after the schema parts.
 */
enum err	witness_schema(struct store *, int from_version);

/* What ingest_store carries from before store_put to after it. */
struct witness_pre {
	int64_t		 eids[WITNESS_MAX_DELETED];	/* labels a kind 5 may remove */
	size_t		 n;
};

/*
 * Before store_put: refuses a mark on a report not stored here when its
 * key has WITNESS_MAX_PENDING such marks already (ERR_WITNESS_PENDING),
 * and notes which labels a deletion may remove.  Returns: ERR_OK, that,
 * or a database error.
 */
enum err	witness_before(struct store *, const struct event *,
		    struct witness_pre *);
/*
 * After store_put stored ev, in the same transaction: the key's first
 * sighting, marks waiting for this report, ev itself if it is a label of
 * ours, the labels a deletion removed.  Returns: ERR_OK or a database
 * error.
 */
enum err	witness_after(struct store *, const struct event *,
		    const struct witness_pre *, uint64_t now);

/* --- reading ---------------------------------------------------------------- */

struct witness_report {
	bool		 stored;
	uint8_t		 author[32];	/* when stored */
	enum trust_level author_level;
	enum witness_label mine;	/* the reader's own newest mark */
	struct trust_tally t;
};

/*
 * The states of n reports (ids), trust counted from the node's key and,
 * if reader is not NULL, the reader's.  out has n entries.
 * Returns: ERR_OK or a database error.
 */
enum err	witness_states(struct store *, const uint8_t (*ids)[32],
		    size_t n, const uint8_t *reader, uint64_t now,
		    struct witness_report *out);

/* One key's mark on a report, for "who said what". */
struct witness_entry {
	uint8_t		 pubkey[32];
	uint8_t		 event[32];	/* the label */
	uint64_t	 created_at;
	enum witness_label label;
	enum trust_level level;
	bool		 counted;	/* in the tally */
	bool		 self;		/* the report's author's own */
	bool		 has_via;
	uint8_t		 via[32];	/* hop 1 and 2: who vouched */
	uint64_t	 first_seen;	/* by this node's clock; 0 unknown */
	uint64_t	 reports;	/* kind 1 events of the key stored here */
	int		 first_link;	/* enum link_kind it first came by, -1 here */
	char		 first_name[256];	/* that link's npub or name */
	struct str	 comment;	/* valid during the callback */
};
typedef int	(*witness_entry_cb)(const struct witness_entry *, void *arg);

/*
 * One report's state (*r) and then every key's newest mark, counted ones
 * first.  Returns: ERR_OK or a database error.
 */
enum err	witness_detail(struct store *, const uint8_t id[32],
		    const uint8_t *reader, uint64_t now,
		    struct witness_report *r, witness_entry_cb, void *arg);

/* A key's current vouches (newest label per person is "vouch"). */
struct witness_vouch {
	uint8_t		 whom[32];
	uint8_t		 event[32];
	uint64_t	 created_at;
	struct str	 comment;	/* valid during the callback */
};
typedef int	(*witness_vouch_cb)(const struct witness_vouch *, void *arg);
enum err	witness_vouches(struct store *, const uint8_t who[32],
		    witness_vouch_cb, void *arg);

/*
 * created_at of who's newest vouch or revoke for whom in *at, 0 if none:
 * the next one must be later to win (ties go to the lowest id).
 */
enum err	witness_vouch_at(struct store *, const uint8_t who[32],
		    const uint8_t whom[32], uint64_t *at);

/* Keys whose first 5 bytes are prefix (a short code): at most 6. */
typedef int	(*witness_key_cb)(const uint8_t pubkey[32], uint64_t reports,
		    void *arg);
enum err	witness_keys_by_code(struct store *, const uint8_t prefix[5],
		    witness_key_cb, void *arg);

/* --- writing them out (witness_json.c) -------------------------------------- */

/* {"now":..,"reports":[{"id","stored","state","author","confirm",...}]} */
enum err	witness_json_states(struct store *, const uint8_t (*ids)[32],
		    size_t n, const uint8_t *reader, uint64_t now, struct buf *);
/* The same for one report, with "marks": who said what. */
enum err	witness_json_detail(struct store *, const uint8_t id[32],
		    const uint8_t *reader, uint64_t now, struct buf *);
/* `samizdat witnesses ID`: the same in words. */
enum err	witness_print(struct store *, const uint8_t id[32],
		    const uint8_t *reader, uint64_t now, FILE *);
/*
 * GET /api/witnesses?ids=...&me=... (id NULL), /api/witnesses?code=CODE
 * (the keys with that short code) or /api/witnesses/ID?me=...:
 * the JSON answer in b (an {"error"} object when not 200).  args is the
 * query string without '?', "" when none.  Returns: the HTTP status.
 */
unsigned	witness_http(struct store *, const uint8_t *id, const char *args,
		    uint64_t now, struct buf *b);
/* The rule in one paragraph, as docs/witness.md has it. */
extern const char witness_rule[];

#endif
