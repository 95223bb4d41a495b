/*
 * archive.h: the formats of an evidence archive (docs/archive.md) that are
 * not lines of the custody log: the manifest (the content of the signed
 * manifest event), the proof of an extract, the media an event refers to,
 * and the JSON strings the offline viewer's page carries.  Each is built
 * and parsed here only.  Pure; the manifest and proof parsers are fuzzed
 * (fuzz/fuzz-manifest.c).
 */
#ifndef SAMIZDAT_ARCHIVE_H
#define SAMIZDAT_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "event.h"
#include "merkle.h"
#include "tar.h"

#define ARCHIVE_KIND		4920	/* the manifest event */
#define ARCHIVE_ROOT_KIND	4921	/* a daily custody root */
#define ARCHIVE_FORMAT		"samizdat-archive"
#define ARCHIVE_EXTRACT		"samizdat-archive-extract"
#define ARCHIVE_MAX_FILES	1000000	/* files a manifest may list */
#define ARCHIVE_MAX_PROOF	4096	/* items of an extract */
#define ARCHIVE_MAX_REFS	64	/* media references kept per event */

/* The files every archive has, in the order the Merkle leaves use. */
#define ARCHIVE_MANIFEST	"manifest.json"
#define ARCHIVE_EVENTS		"events.jsonl"
#define ARCHIVE_CUSTODY		"custody.jsonl"
#define ARCHIVE_SOURCES		"custody-sources.jsonl"
#define ARCHIVE_MEDIA_LIST	"media.jsonl"
#define ARCHIVE_PROOF		"proof.json"
#define ARCHIVE_MEDIA_DIR	"media/"

struct archive_file {
	char		 name[TAR_NAME_MAX + 1];
	uint64_t	 size;
	uint8_t		 sha256[32];
};

/* What the manifest says; docs/archive.md has each field. */
struct manifest {
	char		 software[64];
	uint8_t		 node[32];
	uint64_t	 created;
	char		*filter;	/* the filter JSON, malloc'd; NULL: all */
	bool		 sealed;	/* made --for a key (originals allowed) */
	uint8_t		 for_pk[32];
	char		 media[16];	/* "public", "originals" or "none" */
	uint64_t	 events, reports, marks;
	uint64_t	 custody, stubs, sources;
	uint64_t	 media_held, media_missing;
	bool		 have_time;
	uint64_t	 t_first, t_last;	/* created_at range */
	bool		 have_custody;
	uint64_t	 c_first, c_last;	/* seq range of custody.jsonl */
	uint8_t		 c_start[32];	/* c(c_first - 1) */
	uint8_t		 c_head[32];	/* c(c_last) */
	uint8_t		 root[32];
	uint64_t	 leaves;
	struct archive_file *files;	/* malloc'd */
	size_t		 nfiles, filecap;
};

void		manifest_init(struct manifest *);
void		manifest_free(struct manifest *);
/* Appends one file; returns ERR_NOMEM or ERR_ARCHIVE (too many). */
enum err	manifest_add_file(struct manifest *, const char *name,
		    uint64_t size, const uint8_t sha256[32]);
/* Appends the content JSON, fields in one fixed order. */
void		manifest_write(const struct manifest *, struct buf *);
/*
 * Parses a manifest's content (n bytes).  Returns: ERR_OK, ERR_ARCHIVE
 * (not a manifest of this format and version) or ERR_NOMEM.
 */
enum err	manifest_parse(const char *p, size_t n, struct manifest *);

/* One item of an extract and its path to the root. */
struct proof_item {
	char		 file[TAR_NAME_MAX + 1];	/* where it is */
	uint64_t	 line;		/* its line in file (from 1); 0: a file */
	uint8_t		 type;		/* MERKLE_EVENT, ... */
	uint64_t	 leaf;		/* its leaf number */
	uint8_t		 path[MERKLE_MAX_PATH][32];
	size_t		 npath;
};

struct proof {
	uint8_t		 id[32];	/* the report */
	uint8_t		 root[32];
	uint64_t	 leaves;
	struct proof_item *items;	/* malloc'd */
	size_t		 nitems;
};

void		proof_init(struct proof *);
void		proof_free(struct proof *);
enum err	proof_add(struct proof *, const struct proof_item *);
void		proof_write(const struct proof *, struct buf *);
enum err	proof_parse(const char *p, size_t n, struct proof *);

/* What an event refers to by hash. */
enum archive_role { ARCHIVE_PUBLIC, ARCHIVE_ORIGINAL };
struct archive_ref {
	uint8_t		 sha256[32];
	enum archive_role role;
};
/*
 * The media ev names: NIP-92 imeta "x" (public) and "ox" (original) and
 * the hashes at the end of its "url", "thumb" and "image" URLs; NIP-94
 * "x" and "ox" tags; Blossom URLs (.../<sha256>[.ext]) in the content.
 * At most max, duplicates dropped.  Returns: how many.
 */
size_t		archive_refs(const struct event *ev, struct archive_ref *refs,
		    size_t max);
/* True if a kind 1985 label: the witness marks an archive carries. */
bool		archive_is_mark(const struct event *);

/*
 * Appends s as a JSON string that is safe inside an HTML <script> block:
 * NIP-01 escaping, and '<', '>' and '&' as \u00XX.
 */
void		archive_html_str(struct buf *, const char *s, size_t n);
/* Appends JSON text with '<', '>' and '&' as \u00XX (valid in strings only). */
void		archive_html_json(struct buf *, const char *s, size_t n);

const char	*archive_role_name(enum archive_role);

/*
 * Appends README.txt (archive_readme.c): what the archive is and how to
 * check it, in English, Russian and Kazakh, with what m says so far (the
 * node, the counts; not the root, which the manifest signs later).
 */
void		archive_readme(const struct manifest *m, struct buf *);

#endif
