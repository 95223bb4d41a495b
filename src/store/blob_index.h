/*
 * blob_index.h: what the store knows about blobs beyond the files: which
 * stored event references which blob (kept up to date by blob_index, run
 * by the fetch worker and before a stick is synced), the blobs a report
 * names that are not here (the fetch queue, thumbnails first), the links
 * that hold or refused each blob (blob_seen, like seen for events), and
 * a report's media for `samizdat status ID` and GET /api/status/ID.
 */
#ifndef SAMIZDAT_BLOB_INDEX_H
#define SAMIZDAT_BLOB_INDEX_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "blob.h"
#include "buf.h"
#include "store_mesh.h"

/*
 * Reads up to max events stored after the last one indexed, in row
 * order, and records the blobs each references (blobref_extract): a
 * blob_refs row, and a blobs row for every blob not known yet (present
 * 0: the fetch queue), with the report's author as its reporter.  Runs
 * its own transaction: not on the relay's handle.  *n: events read.
 * Returns: ERR_OK or a database error.
 */
enum err	blob_index(struct store *, int64_t now, size_t max, size_t *n);

/* A blob to move: fetch, upload to a bridge, copy to a stick. */
struct blob_want {
	uint8_t		 sha256[32];
	enum blob_role	 role;
	uint64_t	 size;		/* 0 when not known */
	enum media_type	 type;
	unsigned	 tries;
};

/*
 * The fetch queue: blobs a report names that are not here, that have
 * not been evicted or removed (unless asked for again), whose next try
 * is due: thumbnails first, then the oldest wait.  Originals never.
 * Returns: how many were written to out (at most max).
 */
size_t		blob_wants(struct store *, int64_t now, struct blob_want *out,
		    size_t max);
/*
 * A fetch failed everywhere: try again later (backing off), with why;
 * final: never again unless someone asks (the bytes were refused).
 */
enum err	blob_want_failed(struct store *, const uint8_t hash[32],
		    int64_t now, const char *why, bool final);
/*
 * Someone opened a blob that is not here: fetch it first, even if it
 * was evicted.  Not one its uploader removed.  Returns: true if queued.
 */
bool		blob_want_now(struct store *, const uint8_t hash[32],
		    int64_t now);

/* Records that link lid holds (or refused) a blob. */
enum err	blob_seen_put(struct store *, const uint8_t hash[32],
		    int64_t lid, enum seen_how, int64_t at, const char *reason);
/* The same for every peer link of the node npub (a get token's signer). */
void		blob_seen_npub(struct store *, const uint8_t hash[32],
		    const char *npub, enum seen_how, int64_t at);
/* The npub of link lid ("" if none).  Returns: ERR_OK or an error. */
enum err	blob_link_npub(struct store *, int64_t lid, char *npub,
		    size_t sz);
/* True if host is the host of a peer link's ws:// URL. */
bool		blob_link_host(struct store *, const char *host);
/* True if lid is recorded as holding it, or as having refused it. */
bool		blob_seen_has(struct store *, const uint8_t hash[32],
		    int64_t lid);
/*
 * Where to fetch a blob from, best first: the links recorded as holding
 * it, then those a report naming it came from.  Returns: how many lids.
 */
size_t		blob_sources(struct store *, const uint8_t hash[32],
		    int64_t *lids, size_t max);
/*
 * What to upload to bridge link lid: present blobs that are not
 * originals and that lid has not taken or refused yet; this node's own
 * reporters' first, thumbnails first, then the newest.
 */
size_t		blob_for_bridge(struct store *, int64_t lid,
		    struct blob_want *out, size_t max);
/*
 * Every present blob that a stored event references and that is not an
 * original, thumbnails first (a stick's up direction); after the blob
 * whose hash is after (NULL: from the start), at most max.
 */
size_t		blob_referenced(struct store *, const uint8_t *after,
		    struct blob_want *out, size_t max);
/* True if a stored event references hash (not as an original). */
bool		blob_is_referenced(struct store *, const uint8_t hash[32]);

/*
 * A report's media as JSON, the value of "blobs" in GET /api/status/ID
 * (docs/blobs.md): appended to b.  Nothing for an event not stored.
 */
enum err	blob_status_json(struct store *, const uint8_t id[32],
		    struct buf *b);
/* The same as lines for `samizdat status ID`. */
enum err	blob_status_print(struct store *, const uint8_t id[32], FILE *);
/*
 * The links known to hold a blob, as a JSON array of names (for the
 * placeholder answer).  Appended to b.
 */
enum err	blob_holders_json(struct store *, const uint8_t hash[32],
		    struct buf *b);

#endif
