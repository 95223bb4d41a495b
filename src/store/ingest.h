/*
 * ingest.h: the one way an event enters samizdat.  The relay, the import
 * pipeline, sync with relays and sticks, the mesh and `post` all run the
 * same three steps, in this order:
 *
 *   ingest_check   the cheap stages: size limits, strict parse, the id
 *                  recomputed from the canonical serialization (the one
 *                  claimed is never trusted), policy (NIP-40 expiry, the
 *                  created_at window), then duplicate: a stored id was
 *                  verified when it came in, so it is answered at once
 *   ingest_verify  the costly stage: BIP-340 over the recomputed id; any
 *                  thread may run it
 *   ingest_store   replacement, deletion and storage (store_put), and
 *                  the custody line saying when and from where the
 *                  event first came (store_custody.h), in one transaction
 *
 * ingest_one runs all three for one event; the relay and ingest_batch.c
 * run ingest_verify on other threads between the other two.  Every
 * outcome is an err code whose NIP-01 prefix and text come from err.h.
 */
#ifndef SAMIZDAT_INGEST_H
#define SAMIZDAT_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "custody.h"
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
	const struct custody_src *src;	/* ingest_one's source; NULL: unknown */
};

void		ingest_ctx_init(struct ingest_ctx *);
void		ingest_ctx_free(struct ingest_ctx *);

/*
 * The cheap stages for json (len bytes).  ev borrows json and ctx's
 * scratch until the next call with ctx.  store may be NULL (no duplicate
 * check); now 0 skips the time checks (NIP-40 and the window), for
 * `verify`.  ev is filled whenever the event parsed, even when a later
 * stage refused it, so that the refusal can name its id.
 * Returns: ERR_OK (the signature is next), ERR_DUPLICATE, or what is
 * wrong (ERR_EVENT_SIZE, ERR_ID_MISMATCH, ERR_EXPIRED, ERR_TOO_NEW, ...).
 */
enum err	ingest_check(struct ingest_ctx *, const struct ingest_policy *,
		    struct store *, const char *json, size_t len, uint64_t now,
		    struct event *ev);
/* Returns: ERR_OK, ERR_BAD_SIG or ERR_PUBKEY_CURVE.  Thread-safe. */
enum err	ingest_verify(const struct event *);
/* The same with a thread's parsed keys (crypto.h); NULL: none. */
struct crypto_keys;
enum err	ingest_verify_with(const struct event *, struct crypto_keys *);
/* store_put for a checked and verified event: see store.h. */
enum err	ingest_store(struct store *, const struct event *, uint64_t now);
/*
 * The same, with where the event came from for the custody log (NULL:
 * "unknown"); ingest_store is this with NULL.  Joins the caller's
 * transaction, or makes its own.
 */
enum err	ingest_store_from(struct store *, const struct event *,
		    uint64_t now, const struct custody_src *src);
/*
 * All three for one event; store may be NULL to check without storing.
 * ev (may be NULL) receives the parsed event.  The custody source is
 * ctx->src.
 * Returns: the first stage's error, or store_put's outcome.
 */
enum err	ingest_one(struct ingest_ctx *, const struct ingest_policy *,
		    struct store *, const char *json, size_t len, uint64_t now,
		    struct event *ev);
/* True if the event parsed far enough for ev to hold its id. */
bool		ingest_parsed(enum err e);
/* Returns: true if e means the event is (now) held: stored or duplicate. */
bool		ingest_accepted(enum err e);

#endif
