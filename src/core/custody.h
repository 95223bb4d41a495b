/*
 * custody.h: the custody log's lines (docs/archive.md), built and parsed
 * here only.  The log records, for every event the node stores, when it
 * first arrived (the node's clock) and how: from a client (its address),
 * a peer (its node key or address), a stick, a relay, an import, `post`,
 * the node itself, or already in the store when the log began.
 *
 * Each entry is two lines.  The custody line holds what may be shown to
 * anyone: sequence number, time, event id, the way in, src (the SHA-256
 * of the source line) and prev (the chain through the line before):
 *
 *   {"seq":7,"at":1767225600,"id":"<64 hex>","via":"client",
 *    "src":"<64 hex>","prev":"<64 hex>"}
 *
 * The source line names where it came from, with a random salt so that a
 * short value (an address) cannot be guessed from src:
 *
 *   {"seq":7,"from":"192.168.1.20","salt":"<32 hex>"}
 *
 * The chain: c(0) is 32 zero bytes, c(k) = SHA-256(c(k-1) || SHA-256(line
 * k)); the line holds c(k-1) as prev.  An archive may show a line only by
 * its digest, the stub {"seq":7,"digest":"<64 hex>"}, and the chain still
 * verifies.  Lines are one exact text: the parsers accept only what the
 * writers write.  Pure.
 */
#ifndef SAMIZDAT_CUSTODY_H
#define SAMIZDAT_CUSTODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define CUSTODY_FROM_MAX	255	/* bytes of a source */
#define CUSTODY_SALT		16

/* The ways in; the names are the log's "via" values. */
enum custody_via {
	CUSTODY_UNKNOWN,	/* "unknown": a path that did not say */
	CUSTODY_CLIENT,		/* "client": a phone or app; from its address */
	CUSTODY_PEER,		/* "peer": another node; its npub or URL */
	CUSTODY_STICK,		/* "stick": a data dir; its npub or path */
	CUSTODY_RELAY,		/* "relay": a relay's URL (a bridge, sync) */
	CUSTODY_IMPORT,		/* "import": a file name, "-" for stdin */
	CUSTODY_POST,		/* "post": signed here by `samizdat post` */
	CUSTODY_NODE,		/* "node": made by the daemon (custody roots) */
	CUSTODY_STORE,		/* "store": stored before the log began */
	CUSTODY__COUNT
};

/* Where an event came from, as the ingest path hands it down. */
struct custody_src {
	enum custody_via via;
	const char	*from;		/* NULL is "" */
};

struct custody_line {
	uint64_t	 seq;		/* from 1, no gaps */
	uint64_t	 at;		/* unix seconds, the node's clock */
	uint8_t		 id[32];
	enum custody_via via;
	uint8_t		 src[32];	/* SHA-256 of the source line */
	uint8_t		 prev[32];	/* c(seq - 1) */
};

struct custody_source {
	uint64_t	 seq;
	char		 from[CUSTODY_FROM_MAX + 1];	/* NUL-terminated */
	uint8_t		 salt[CUSTODY_SALT];
};

const char	*custody_via_name(enum custody_via);
/* Returns: true and *via for a known name of n bytes. */
bool		 custody_via_parse(const char *s, size_t n,
		    enum custody_via *via);

/* Append the line, without a newline. */
void		custody_line_write(const struct custody_line *, struct buf *);
void		custody_source_write(const struct custody_source *,
		    struct buf *);
void		custody_stub_write(uint64_t seq, const uint8_t digest[32],
		    struct buf *);
/*
 * Parse one line of n bytes (no newline).  Returns: ERR_OK, or
 * ERR_CUSTODY for anything the writers would not have written.
 */
enum err	custody_line_parse(const char *p, size_t n,
		    struct custody_line *);
enum err	custody_source_parse(const char *p, size_t n,
		    struct custody_source *);
enum err	custody_stub_parse(const char *p, size_t n, uint64_t *seq,
		    uint8_t digest[32]);
/* Fills a source line: from truncated to CUSTODY_FROM_MAX bytes at a character. */
void		custody_source_set(struct custody_source *, uint64_t seq,
		    const char *from, const uint8_t salt[CUSTODY_SALT]);

/* out = SHA-256(prev || SHA-256(line)); out may be prev. */
void		custody_chain(const uint8_t prev[32], const char *line,
		    size_t n, uint8_t out[32]);
/* out = SHA-256(prev || digest), the step for a stub. */
void		custody_chain_digest(const uint8_t prev[32],
		    const uint8_t digest[32], uint8_t out[32]);

#endif
