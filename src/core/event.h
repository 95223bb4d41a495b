/*
 * event.h: Nostr events (NIP-01) -- strict parsing, the canonical
 * serialization that the id hashes, id and signature checks, signing, kind
 * classes and the tag look-ups the store and filters need.  Pure: bytes in,
 * results out; the only shared state is crypto.c's read-only context.
 *
 * Ownership: a parsed event borrows.  Strings without escapes point into the
 * caller's JSON; decoded strings and the tag arrays live in the caller's
 * scratch buffer.  Both must outlive the struct event.
 */
#ifndef SAMIZDAT_EVENT_H
#define SAMIZDAT_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

struct str {
	const char	*p;
	size_t		 n;
};

struct tag {
	struct str	*v;		/* v[0] is the name; n >= 1 */
	size_t		 n;
};

struct event {
	uint8_t		 id[32];	/* as claimed; check with event_check */
	uint8_t		 pubkey[32];
	uint8_t		 sig[64];
	uint64_t	 created_at;
	uint32_t	 kind;
	struct str	 content;
	struct tag	*tags;
	size_t		 ntags;
	const char	*raw;		/* the object's bytes in the input */
	size_t		 rawlen;
	bool		 raw_clean;	/* raw is compact with the 7 fields only */
};

/*
 * Size limits; 0 means the default.  Checked before anything costly.
 */
struct event_limits {
	size_t		 max_size;	/* bytes of the JSON object */
	size_t		 max_tags;
	size_t		 max_content;	/* characters of content */
};

#define EVENT_MAX_SIZE		(256u << 10)
#define EVENT_MAX_TAGS		2500
#define EVENT_MAX_CONTENT	(128u << 10)	/* characters */
/* Scratch bytes that event_parse needs for JSON of length n. */
#define EVENT_SCRATCH(n)	((size_t)(n) * 8 + 256)

enum event_class {
	EVENT_REGULAR,
	EVENT_REPLACEABLE,	/* 0, 3, 10000-19999: one per (pubkey, kind) */
	EVENT_EPHEMERAL,	/* 20000-29999: never stored */
	EVENT_ADDRESSABLE	/* 30000-39999: one per (pubkey, kind, d) */
};

/*
 * Parses one event object from json[0..len) (white space around it is
 * allowed, anything else is not).  Checks types, lowercase hex lengths,
 * ranges, UTF-8 and limits (lim may be NULL), but not the id or signature.
 * Returns: ERR_OK or the first problem found; ev is complete only on ERR_OK.
 */
enum err	event_parse(const char *json, size_t len,
		    const struct event_limits *lim, struct event *ev,
		    void *scratch, size_t scratchsz);
/* Appends the NIP-01 commitment [0,pubkey,created_at,kind,tags,content]. */
void		event_commitment(const struct event *, struct buf *);
/* Computes the id from the commitment; tmp is a work buffer. */
void		event_compute_id(const struct event *, struct buf *tmp,
		    uint8_t id[32]);
/*
 * Recomputes the id, compares it with ev->id, then verifies the signature
 * over the recomputed id.  Returns: ERR_OK, ERR_ID_MISMATCH, ERR_BAD_SIG,
 * ERR_PUBKEY_CURVE or ERR_NOMEM.
 */
enum err	event_check(const struct event *, struct buf *tmp);
/*
 * Sets ev->pubkey from seckey, then ev->id and ev->sig.  The other fields
 * must be set; raw is cleared so event_write_json writes a fresh object.
 * Returns: ERR_OK, ERR_KEY or ERR_NOMEM.
 */
enum err	event_sign(struct event *, const uint8_t seckey[32],
		    struct buf *tmp);
/*
 * Appends the event as one line of JSON without newline: the raw input when
 * it was clean, otherwise {"id","pubkey","created_at","kind","tags",
 * "content","sig"} in that order with canonical escaping.
 */
void		event_write_json(const struct event *, struct buf *);

enum event_class event_class(uint32_t kind);
/*
 * Finds the first tag named name (length nlen) that has a value.
 * Returns: true and *val = its element 1; false if there is none.
 */
bool		event_tag_value(const struct event *, const char *name,
		    size_t nlen, struct str *val);
/* The d identifier of an addressable event ("" when absent). */
struct str	event_d(const struct event *);
/*
 * NIP-40.  Returns: ERR_OK with *when = 0 if there is no expiration tag or
 * the expiration time; ERR_BAD_EXPIRATION if the tag's value is not a
 * decimal unix time.
 */
enum err	event_expiration(const struct event *, uint64_t *when);
/* Returns: true if s is exactly 64 lowercase hex characters. */
bool		event_is_hex64(struct str s);

#endif
