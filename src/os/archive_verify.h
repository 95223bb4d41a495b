/*
 * archive_verify.h: `samizdat archive verify` (docs/archive.md): every
 * file's hash against the signed manifest, every event's id and
 * signature, the custody chain from the manifest's start to its head,
 * each source line against its custody line, every media file against
 * its name, the Merkle root over all items and the manifest's signature
 * and key.  Offline, from the archive's files alone, streaming: memory
 * does not grow with the number of events.  Each problem is reported as
 * one sentence naming the file, the line and what is wrong, and the walk
 * goes on, so one run lists them all.
 */
#ifndef SAMIZDAT_ARCHIVE_VERIFY_H
#define SAMIZDAT_ARCHIVE_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "archive.h"
#include "archive_io.h"
#include "custody_root.h"
#include "merkle.h"

/* One problem, a sentence without a newline. */
typedef void	(*averify_say)(void *arg, const char *msg);

/* A custody root to check against the log (archive_roots.c). */
struct aroot {
	struct custody_root r;
	uint8_t		 id[32];	/* its event */
	uint64_t	 line;		/* in events.jsonl or the file */
	bool		 ext;		/* from the --roots file */
	bool		 checked;	/* its seq was reached */
	bool		 matched;
};

struct aroots {
	struct aroot	*v;
	size_t		 n, cap;
	size_t		 next;		/* the first root of a seq not reached */
	size_t		 p0, p1;	/* the roots of the line before */
	uint64_t	 over;		/* past AROOTS_MAX: not checked */
	uint64_t	 others;	/* roots of other nodes */
	uint64_t	 matched;
	const char	*file;		/* --roots */
};

/* What the items add up to (the walk over events, custody and media). */
struct archive_walk {
	/* In: where the custody chain starts. */
	uint64_t	 c_first;
	uint8_t		 c_start[32];
	bool		 no_sigs;	/* the writer: ingest checked them */
	/* Out. */
	struct merkle	 tree;
	uint64_t	 events, reports, marks;
	uint64_t	 custody, stubs, sources;
	uint64_t	 media_held, media_missing;
	bool		 have_time;
	uint64_t	 t_first, t_last;
	uint64_t	 c_last;	/* c_first - 1 when there are no lines */
	uint8_t		 c_head[32];
	uint64_t	 problems;
	averify_say	 say;
	void		*arg;
	/*
	 * If set, the node's custody roots in the events (and any added
	 * before) are checked against the log; note tells each match.
	 */
	const uint8_t	*node;
	struct aroots	*roots;
	averify_say	 note;
	/*
	 * If set, called for each leaf before it is added: its number, type,
	 * its line in its file (0: a media file), the item (a line, or the
	 * media file's hex name) and the item's sha256.
	 */
	void		(*leaf)(void *arg, uint64_t leaf, uint8_t type,
			    uint64_t line, const char *p, size_t n,
			    const uint8_t item[32]);
	void		*leaf_arg;
};

/*
 * Walks the items of the archive in the order of the Merkle leaves
 * (docs/archive.md): every event, then every custody line with its
 * source line, then every media file held.  Checks each event's id and
 * signature, the chain and the sources as it goes.  Returns: 0, or -1 if
 * a file could not be read at all (said through w->say).
 */
int		archive_walk(struct asrc *, struct archive_walk *w);

struct averify {
	const uint8_t	*expect;	/* --node: the key that must sign */
	const char	*roots_file;	/* --roots: root events from elsewhere */
	averify_say	 say;
	averify_say	 note;		/* a root that matches; may be NULL */
	void		*arg;
	/* Out. */
	struct manifest	 m;		/* freed by averify_free */
	uint8_t		 signer[32];
	uint64_t	 manifest_at;	/* the manifest event's created_at */
	struct archive_walk w;
	struct aroots	 roots;		/* freed by averify_free */
	uint64_t	 problems;
	bool		 extract;	/* an extract (proof.json) */
};

/*
 * Returns: the number of problems found (0: it all checks out).  An
 * extract (with proof.json) is checked item by item against the root.
 */
uint64_t	archive_verify(struct asrc *, struct averify *);
/* The extract's part, after the manifest (archive_proof.c). */
uint64_t	archive_verify_extract(struct asrc *, struct averify *);
/*
 * Writes dir (made; must not exist): the event id of a verified archive
 * with its witness marks, their custody and source lines, the media it
 * names that the archive holds, the manifest, and proof.json, each
 * item's Merkle path to the root m signs (archive_extract.c).  Returns: 0,
 * or -1 with why in err.
 */
int		archive_extract(struct asrc *, const struct manifest *m,
		    const uint8_t id[32], const char *dir, char *err,
		    size_t errsz);
void		averify_free(struct averify *);

/* archive_roots.c.  Returns: false if ev is not a custody root. */
bool		aroots_add(struct aroots *, const struct event *ev,
		    uint64_t line, bool ext);
/* Reads the roots of a file of events; each problem said and counted. */
void		aroots_file(struct aroots *, const char *path,
		    const uint8_t node[32], averify_say, void *arg,
		    uint64_t *problems);
/* Before the custody walk; each line then; after it. */
void		aroots_begin(struct aroots *);
void		aroots_step(struct aroots *, struct archive_walk *,
		    uint64_t seq, bool have_at, uint64_t at,
		    const uint8_t chain[32]);
void		aroots_end(struct aroots *, struct archive_walk *);
void		aroots_free(struct aroots *);

#endif
