/*
 * blobref.h: which blobs (photos, videos: Blossom files named by their
 * SHA-256) an event references, so that a node fetches them along with
 * the report, a stick carries them, a bridge uploads them.  Pure: an
 * event in, hashes out.  The store's index (store/blob.c), the fetch
 * worker and the stick sync call it; fuzz/fuzz-blobref.c and
 * test/unit/test-blobref.c share it.  docs/blobs.md, "What a node takes
 * as a reference", is the rule in words.
 */
#ifndef SAMIZDAT_BLOBREF_H
#define SAMIZDAT_BLOBREF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define BLOBREF_MAX	32	/* references taken from one event */

/*
 * What a blob is to the reports that name it; the order is the store's
 * (0, 1, 2 in the blobs table).
 *   ORIGINAL  the photo as taken (imeta "ox"): stays with its
 *             photographer, never fetched, forwarded or bridged
 *   PUBLIC    the copy a report shows (imeta "x", "url", content URLs)
 *   THUMB     its thumbnail (imeta "thumb"): fetched first
 */
enum blob_role {
	BLOB_ORIGINAL = 0,
	BLOB_PUBLIC = 1,
	BLOB_THUMB = 2
};

struct blobref {
	uint8_t		 hash[32];
	enum blob_role	 role;
};

/*
 * The blobs ev references, at most max (BLOBREF_MAX is plenty): every
 * NIP-92 imeta tag's "x", and the last path segment of its "url" and
 * "thumb" when it is 64 lowercase hex with an optional extension; for a
 * NIP-94 file event (kind 1063) its "x", "url" and "thumb" tags; then
 * the http(s) URLs in the content whose last path segment is 64 hex and
 * an extension.  "ox" is never a reference.  Thumbnails first, then the
 * rest in the order met; each hash once (a thumbnail stays one).
 * Reads ev; writes out[0..n).  Returns: n.
 */
size_t		blobref_extract(const struct event *ev, struct blobref *out,
		    size_t max);

/*
 * The hash a URL names: its last path segment (before any query or
 * fragment) is 64 lowercase hex, then, if need_ext, "." and 1 to 10
 * letters or digits (optional otherwise).  url is n bytes, not
 * NUL-terminated; "http://" or "https://" first is not checked here.
 * Returns: true and hash, or false (hash untouched).
 */
bool		blobref_url_hash(const char *url, size_t n, bool need_ext,
		    uint8_t hash[32]);

/* "original", "public" or "thumb". */
const char	*blobref_role_name(enum blob_role);

#endif
