/*
 * blob.h: the blob store -- photos and videos named by their SHA-256 in
 * DATA/blobs/ab/<64 hex> (fanned out by the first two hex digits), with
 * their rows in the store (schema version 3, docs/blobs.md).  Every way a
 * blob gets in -- an upload, /media, /mirror, a fetch from a peer, a
 * stick, the CLI -- ends in blob_writer_commit: the bytes were hashed as
 * they were written to a temporary file in DATA/blobs/tmp/, and before
 * anything is kept the hash is compared with the one expected, the type
 * is sniffed from the bytes (media_sniff; never the client's word), the
 * metadata that could identify a photographer is looked for (media_strip)
 * and refused unless allowed, and room is made within the budget; then
 * fsync, rename into place, fsync of the directory, and the row.
 *
 * A struct blobs is one thread's: it uses the store handle it was given
 * (whose thread it then shares) and never opens a transaction of its own
 * on it, so that it can run inside the relay's group commit.  Several
 * handles (the server's, the fetch worker's, the CLI's) may use one data
 * dir at once: files appear by rename only, rows are upserts.
 */
#ifndef SAMIZDAT_BLOB_H
#define SAMIZDAT_BLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blobref.h"
#include "blossom.h"
#include "crypto.h"
#include "err.h"
#include "media.h"
#include "store.h"

struct blob_opts {
	const char	*datadir;	/* blobs live in datadir/blobs */
	uint64_t	 max_size;	/* blob_max_size: bytes of one blob */
	uint64_t	 budget;	/* blob_budget: bytes of all of them */
	bool		 keep_metadata;	/* blob_keep_metadata */
};

/* Why a known blob is not here (blobs.gone). */
enum blob_gone {
	BLOB_NOT_YET = 0,	/* a report names it; not fetched (yet) */
	BLOB_EVICTED = 1,	/* pushed out to keep within the budget */
	BLOB_REMOVED = 2	/* deleted by its uploader: not fetched again */
};

/* A blob's row. */
struct blob_info {
	uint8_t		 sha256[32];
	uint64_t	 size;
	enum media_type	 type;
	enum blob_role	 role;
	bool		 present;	/* the file is here */
	enum blob_gone	 gone;		/* when not present */
	bool		 own;		/* uploaded here: this node's reporters */
	int64_t		 created, accessed;
	uint32_t	 width, height;
	unsigned	 tries;		/* fetches that failed */
	char		 error[128];	/* why the last one did */
};

struct blobs;

/*
 * A handle on the blob store of o->datadir, using st (borrowed; the
 * caller's thread).  Creates datadir/blobs and its tmp/ (0700).
 * Returns: ERR_OK, ERR_IO (logged) or ERR_NOMEM.
 */
enum err	blobs_open(struct blobs **, struct store *st,
		    const struct blob_opts *o);
void		blobs_close(struct blobs *);	/* NULL is a no-op */
const struct blob_opts *blobs_opts(const struct blobs *);
struct store	*blobs_store(struct blobs *);
/*
 * Removes temporary files left by processes that are gone (and this
 * one's): what a crash or kill -9 left half written.  Returns: how many.
 */
size_t		blobs_clean_tmp(struct blobs *);

/* A blob being written: to a temporary file, hashed as it goes. */
struct blob_writer {
	struct blobs	*b;
	int		 fd;		/* -1: closed */
	char		 path[4200];
	struct crypto_sha256 h;
	uint64_t	 n, max;
};

/*
 * Opens a temporary file for a blob of at most max bytes.
 * Returns: ERR_OK, ERR_IO or ERR_NOMEM (nothing to abort then).
 */
enum err	blob_writer_open(struct blobs *, struct blob_writer *,
		    uint64_t max);
/*
 * Appends n bytes.  Returns: ERR_OK, ERR_MEDIA_SIZE (past max: the
 * caller aborts), ERR_IO or ERR_DB_FULL (disk full).
 */
enum err	blob_writer_write(struct blob_writer *, const void *, size_t);
/* Removes the temporary file; safe to call twice. */
void		blob_writer_abort(struct blob_writer *);

/* How a blob is to be kept, and (out) what was. */
struct blob_put {
	const uint8_t	*expect;	/* the hash it must have, or NULL */
	const struct blossom_auth *auth; /* its x tags must name it, or NULL */
	const uint8_t	*owner;		/* the uploader's key, or NULL */
	bool		 keep_metadata;	/* this once (`blob put --keep-metadata`) */
	bool		 strip;		/* /media: keep only a stripped copy */
	bool		 may_evict_own;	/* uploads here: yes; fetches: no */
	bool		 no_follow;	/* blob_put_file: a symbolic link is refused */
	enum blob_role	 role;		/* what the caller knows it to be */
	int64_t		 now;
	/* out, on ERR_OK */
	uint8_t		 sha256[32];	/* of what was kept */
	uint8_t		 ox[32];	/* strip: of the bytes as sent */
	uint64_t	 size;
	enum media_type	 type;
	uint32_t	 width, height;
	bool		 existed;	/* it was here already (200, not 201) */
	/* out, on failure: what, in words, for X-Reason and the log */
	char		 detail[512];
};

/*
 * Checks and keeps what w holds (see the top of this file); w is closed
 * and its temporary file gone afterwards, whatever the outcome.
 * Returns: ERR_OK with p's out fields, or ERR_BLOB_HASH,
 * ERR_BLOB_AUTH_HASH (the token names other blobs), ERR_MEDIA_TYPE,
 * ERR_MEDIA_* (the stripper's refusal of a malformed file, p->detail
 * says what), ERR_BLOB_METADATA (p->detail lists it), ERR_BLOB_FULL,
 * ERR_IO, ERR_DB_FULL, ERR_NOMEM or a database error.
 */
enum err	blob_writer_commit(struct blobs *, struct blob_writer *,
		    struct blob_put *);
/* The same for n bytes in memory. */
enum err	blob_put_mem(struct blobs *, const void *, size_t,
		    struct blob_put *);
/* The same for a file (the CLI), read once; ERR_IO if unreadable. */
enum err	blob_put_file(struct blobs *, const char *path,
		    struct blob_put *);

/*
 * Opens a blob to serve: *fd (O_RDONLY, the caller closes) and its row;
 * touches its access time (to the hour).  A file without its row (a
 * crash between rename and row) is checked and given one.
 * Returns: ERR_OK; ERR_BLOB_ABSENT with info (a known blob that is not
 * here); ERR_BLOB_NOT_FOUND; ERR_IO.
 */
enum err	blob_open(struct blobs *, const uint8_t hash[32], int *fd,
		    struct blob_info *info);
/* The row of a blob.  Returns: ERR_OK, ERR_BLOB_NOT_FOUND or a db error. */
enum err	blob_get(struct blobs *, const uint8_t hash[32],
		    struct blob_info *);
/* The file's path (whether or not it is there). */
void		blob_path(const struct blobs *, const uint8_t hash[32],
		    char *out, size_t sz);

/* Records owner as an uploader of a blob (BUD-12). */
enum err	blob_owner_add(struct blobs *, const uint8_t hash[32],
		    const uint8_t owner[32], int64_t now);

/*
 * BUD-12 delete by an uploader: their ownership goes; when nobody else
 * uploaded it, the file too, and the row says BLOB_REMOVED.
 * Returns: ERR_OK, ERR_BLOB_NOT_OWNER or an error.
 */
enum err	blob_delete(struct blobs *, const uint8_t hash[32],
		    const uint8_t owner[32]);

/*
 * BUD-12 list: the blobs owner uploaded that are here, newest upload
 * first, after cursor (a hash of the previous page, or NULL), within
 * [since, until] (0: open), at most limit.  cb gets each; non-zero stops.
 */
typedef int	(*blob_list_cb)(const struct blob_info *, int64_t uploaded,
		    void *arg);
enum err	blob_list(struct blobs *, const uint8_t owner[32],
		    const uint8_t *cursor, int64_t since, int64_t until,
		    size_t limit, blob_list_cb, void *arg);
/* Every known blob, newest first (the CLI's `blob ls`). */
enum err	blob_each(struct blobs *, blob_list_cb, void *arg);

/* Bytes of the blobs here now, and their count. */
enum err	blob_usage(struct blobs *, uint64_t *bytes, uint64_t *count);

/*
 * Makes room for need more bytes within the budget by evicting, least
 * recently served first, other nodes' full-size media, then their
 * thumbnails, then (only if own) this node's own reporters' media, then
 * their thumbnails (docs/blobs.md, "Budget and eviction").
 * Returns: ERR_OK, ERR_BLOB_FULL (no room even so) or an error.
 */
enum err	blob_make_room(struct blobs *, uint64_t need, bool own);

/*
 * The one checked path for a BUD-11 token: decode the header, then the
 * event through ingest_check (strict parse, recomputed id, NIP-40) and
 * ingest_verify (signature), then blossom_auth_rules.  hdr may be "".
 * Returns: ERR_OK and out, or why not (ERR_BLOB_AUTH_*, event errors).
 */
enum err	blob_auth_check(const char *hdr, enum blossom_verb,
		    const char *host, uint64_t now, struct blossom_auth *out);

#endif
