/*
 * archive_write.h: `samizdat archive OUT` (docs/archive.md): the store's
 * events that match a filter, byte-exact as stored, their custody lines
 * (stubs for the others, so the chain runs whole from seq 1 to the head),
 * the media they name from the blob store when the node has one, a
 * README, the offline viewer and the manifest signed by the node key;
 * written as a directory, one tar file, or a tar sealed for one key.
 * Streaming, in one read transaction: what stays in memory is the set of
 * media hashes, not the events.
 */
#ifndef SAMIZDAT_ARCHIVE_WRITE_H
#define SAMIZDAT_ARCHIVE_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive.h"
#include "filter.h"
#include "store.h"

#define ARCHIVE_VIEWER_MAX	5000	/* events the viewer page holds */
#define ARCHIVE_MAX_MEDIA	(1u << 22)	/* media hashes kept */

enum archive_out { ARCHIVE_DIR, ARCHIVE_TAR, ARCHIVE_SEALED };

struct archive_opts {
	const char	*out;		/* must not exist */
	enum archive_out kind;
	const uint8_t	*for_pk;	/* ARCHIVE_SEALED: the recipient */
	const struct filter *f;		/* NULL: every event */
	size_t		 nf;
	const char	*filter_text;	/* as given, for the manifest */
	const uint8_t	*sk;		/* the node key */
	const char	*blobs;		/* DATA/blobs; need not exist */
	uint64_t	 now;
	size_t		 viewer_max;	/* 0: ARCHIVE_VIEWER_MAX */
	void		(*progress)(void *arg, const char *what, uint64_t n);
	void		*arg;
};

/*
 * Writes the archive.  *m gets what the manifest says (free it with
 * manifest_free).  Returns: 0, or -1 with why in err; nothing is left at
 * opts->out on failure.
 */
int		archive_write(struct store *, const struct archive_opts *,
		    struct manifest *m, char *err, size_t errsz);

#endif
