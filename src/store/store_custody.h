/*
 * store_custody.h: the custody log in the store (schema version 3,
 * docs/archive.md): one row per event the node ever stored, appended in
 * the same transaction as the event by ingest_store_from (ingest.h), and
 * never changed or deleted (SQLite triggers refuse both).  A row holds the
 * fields of its two lines (core/custody.h) and c(seq), the chain through
 * it; the lines themselves are rebuilt from the fields with the one
 * writer, and every reader checks the chain again as it goes.
 */
#ifndef SAMIZDAT_STORE_CUSTODY_H
#define SAMIZDAT_STORE_CUSTODY_H

#include <stdbool.h>
#include <stdint.h>

#include "custody.h"
#include "err.h"
#include "store.h"

/*
 * Appends the line for the event id, first received now through src (NULL:
 * "unknown").  Call inside the transaction that stored the event.
 * Returns: ERR_OK or a database error.
 */
enum err	store_custody_append(struct store *, const uint8_t id[32],
		    uint64_t now, const struct custody_src *src);
/*
 * At the upgrade to version 3 (inside its transaction): a line for every
 * stored event, via "store", in row order.  Returns: ERR_OK or an error.
 */
enum err	store_custody_backfill(struct store *);
/* The last line: *seq 0 and 32 zero bytes when the log is empty. */
enum err	store_custody_head(struct store *, uint64_t *seq,
		    uint8_t chain[32]);
/* c(seq - 1) for a line seq >= 1 (zeros for 1). */
enum err	store_custody_before(struct store *, uint64_t seq,
		    uint8_t chain[32]);

/* One entry as read back: both lines (no newline) and the chain. */
struct custody_entry {
	struct custody_line line;
	struct custody_source source;
	const char	*text;		/* the custody line */
	size_t		 len;
	const char	*stext;		/* the source line */
	size_t		 slen;
	uint8_t		 chain[32];	/* c(seq) */
};
/* Return non-zero to stop. */
typedef int	(*store_custody_cb)(const struct custody_entry *, void *arg);
/*
 * Calls cb for each line from seq first to the last, in order.  The
 * strings live until cb returns.  Returns: ERR_OK, ERR_CUSTODY (a stored
 * row no longer chains: the log was changed; *bad_seq names it) or a
 * database error.
 */
enum err	store_custody_scan(struct store *, uint64_t first,
		    store_custody_cb, void *arg, uint64_t *bad_seq);
/* The first line for id, if any.  Returns: ERR_OK with *found. */
enum err	store_custody_find(struct store *, const uint8_t id[32],
		    struct custody_entry *, bool *found);

void		store_custody_close(struct store *);

#endif
