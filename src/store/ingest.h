/*
 * ingest.h: the one way an event enters samizdat.  Relay, sync, bundle
 * import and the CLI all call these stages, in this order:
 *
 *   ingest_parse   limits, strict parse, recompute the id (never trust it)
 *   ingest_policy  NIP-40 expiry, the created_at window
 *   store_has      a stored id was verified once: answer "duplicate"
 *   ingest_verify  BIP-340 signature over the recomputed id
 *   store_put      replacement, deletion, storage (store.c)
 *
 * ingest_one runs them all for one event; ingest_batch.c runs the same
 * stages over many events on several threads.  Every outcome is an err
 * code whose NIP-01 prefix and text come from err.h.
 */
#ifndef SAMIZDAT_INGEST_H
#define SAMIZDAT_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "event.h"
#include "store.h"

struct ingest_policy {
	struct event_limits lim;
	uint64_t	 max_past;	/* seconds before now; 0: any */
	uint64_t	 max_future;	/* seconds after now; 0: any */
};

/* Per-thread working memory for the parse stage. */
struct ingest_ctx {
	void		*scratch;
	size_t		 scratchsz;
	struct buf	 tmp;
};

void		ingest_ctx_init(struct ingest_ctx *);
void		ingest_ctx_free(struct ingest_ctx *);

/*
 * Parses json into ev (which borrows json and ctx's scratch until the next
 * call) and checks that the id is the hash of the content.
 * Returns: ERR_OK or the problem (ERR_EVENT_SIZE, ERR_ID_MISMATCH, ...).
 */
enum err	ingest_parse(struct ingest_ctx *, const struct ingest_policy *,
		    const char *json, size_t len, struct event *ev);
/* Returns: ERR_OK, ERR_BAD_SIG or ERR_PUBKEY_CURVE. */
enum err	ingest_verify(const struct event *);
/* Returns: ERR_OK, ERR_EXPIRED, ERR_BAD_EXPIRATION, ERR_TOO_OLD, ERR_TOO_NEW. */
enum err	ingest_policy(const struct ingest_policy *, const struct event *,
		    uint64_t now);
/*
 * All stages for one event; store may be NULL to check without storing.
 * ev (may be NULL) receives the parsed event.
 * Returns: the first stage's error, or store_put's outcome.
 */
enum err	ingest_one(struct ingest_ctx *, const struct ingest_policy *,
		    struct store *, const char *json, size_t len, uint64_t now,
		    struct event *ev);
/* Returns: true if e means the event is (now) held: stored or duplicate. */
bool		ingest_accepted(enum err e);

#endif
