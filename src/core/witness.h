/*
 * witness.h: witness marks and vouches as NIP-32 labels (kind 1985) in
 * the namespace "samizdat.witness" (docs/formats.md).  A mark says what
 * its author makes of one report: confirm, dispute or retract (an "e" tag
 * for the report, a "p" tag for its author); a vouch says "I met this
 * person" about one key: vouch or revoke (a "p" tag, no "e").  The
 * comment is the content; a photo may ride along in an imeta tag.
 *
 * witness_parse reads an event as one of these, or says it is none of
 * ours (any other kind, or a label of another namespace: those are other
 * applications' business and pass untouched).  witness_tags builds the
 * tags of a new one.  Pure; who calls: ingest.c (refuses our malformed
 * labels before the signature is checked), store/trust_store.c (the
 * index), the CLI's vouch.
 */
#ifndef SAMIZDAT_WITNESS_H
#define SAMIZDAT_WITNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "event.h"

#define WITNESS_KIND		1985
#define WITNESS_NS		"samizdat.witness"
/* Bytes of comment a mark or a vouch may carry. */
#define WITNESS_COMMENT_MAX	2000

/* The labels; the numbers are stored in the index (trust_store.c). */
enum witness_label {
	WITNESS_NONE = 0,	/* not one of ours */
	WITNESS_CONFIRM = 1,
	WITNESS_DISPUTE = 2,
	WITNESS_RETRACT = 3,
	WITNESS_VOUCH = 4,
	WITNESS_REVOKE = 5
};

struct witness_mark {
	enum witness_label label;
	/* marks: the report's id; vouches: the person's pubkey */
	uint8_t		 target[32];
	/* marks: the report's author as the mark names it (its p tag) */
	uint8_t		 author[32];
};

/*
 * Reads ev as a witness label.  Ours are kind 1985 with an "L" tag
 * "samizdat.witness" or an "l" tag marked with it.
 * Returns: ERR_OK with m->label WITNESS_NONE when ev is not ours; ERR_OK
 * with *m filled for a well-formed one; for a malformed one of ours
 * ERR_WITNESS_LABEL (the L tag, or not exactly one known l),
 * ERR_WITNESS_MARK (not one e and one p of 64 hex), ERR_WITNESS_VOUCH (not
 * one p, or an e), ERR_WITNESS_SELF (its own report, itself) or
 * ERR_WITNESS_COMMENT (content over WITNESS_COMMENT_MAX bytes).
 */
enum err	witness_parse(const struct event *, struct witness_mark *);

/* True for confirm, dispute and retract (marks on a report). */
bool		witness_is_mark(enum witness_label);
/* The label's word ("confirm"...), "" for WITNESS_NONE. */
const char	*witness_label_name(enum witness_label);
/* The label for a word of n bytes, or WITNESS_NONE. */
enum witness_label witness_label_of(const char *, size_t n);

/*
 * The tags of a new label: L, l, then e and p for a mark, p alone for a
 * vouch.  The struct owns the strings; ev->tags may point at t->tags
 * while t lives.
 */
struct witness_tags {
	struct tag	 tags[4];
	struct str	 v[4][3];
	char		 target[65], author[65];
	size_t		 ntags;
};
void		witness_tags(struct witness_tags *, enum witness_label,
		    const uint8_t target[32], const uint8_t author[32]);

/*
 * The page's query for GET /api/witnesses: "ids=HEX,HEX,...&me=HEX"
 * (commas or %2C; order of the arguments free; me optional).  At most max
 * ids, each 64 hex digits, none twice.
 * Returns: true with ids[0..*n) and *has_me / me; false on anything else.
 */
#define WITNESS_API_MAX_IDS	50

/*
 * A key's short code (docs/formats.md): the 8 characters of its npub
 * after "npub1", which are its first 40 bits.  Returns: true and the 5
 * bytes for 8 bech32 characters (lower case); false otherwise.
 */
bool		witness_code_prefix(const char *code, size_t n,
		    uint8_t prefix[5]);
bool		witness_query_parse(const char *args, uint8_t (*ids)[32],
		    size_t max, size_t *n, uint8_t me[32], bool *has_me);

#endif
