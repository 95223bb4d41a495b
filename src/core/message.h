/*
 * message.h: NIP-01 client and relay messages.  message_parse checks the
 * outer shape of what a client sent (a JSON array whose first element is a
 * known verb) and hands back the parts; the EVENT's object is returned as
 * the raw bytes it came as, for ingest.c to check.  The msg_* builders
 * write relay messages.  Pure.
 */
#ifndef SAMIZDAT_MESSAGE_H
#define SAMIZDAT_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "err.h"

enum msg_verb {
	MSG_EVENT,
	MSG_REQ,
	MSG_CLOSE,
	MSG_COUNT,
	MSG_AUTH,
	MSG_NEG_OPEN,
	MSG_NEG_MSG,
	MSG_NEG_CLOSE,
	MSG_UNKNOWN
};

#define MSG_MAX_SUBID	64

/*
 * A parsed client message.  For EVENT, event/eventlen borrow the input.
 * For REQ and COUNT, filters is the array of filter objects (owned; free
 * with msg_free).  subid is set for REQ, CLOSE, COUNT and NEG-*.
 */
struct msg {
	enum msg_verb	 verb;
	char		 verb_text[32];	/* for "unknown message" notices */
	const char	*event;
	size_t		 eventlen;
	char		 subid[MSG_MAX_SUBID * 4 + 1];	/* UTF-8, NUL-free */
	json_t		*root;		/* REQ/COUNT/CLOSE/NEG-*: the array */
	size_t		 nfilters;	/* REQ/COUNT: elements after subid */
};

/*
 * Parses one message of len bytes.  max_subid caps subscription ids in
 * characters (bytes, for simplicity).
 * Returns: ERR_OK; ERR_JSON (not a JSON array with a verb); ERR_FILTER
 * (wrong shape for the verb: missing or non-string subscription id, a
 * filter that is not an object); ERR_USAGE for an unknown verb (m->verb is
 * MSG_UNKNOWN and verb_text says which).
 */
enum err	msg_parse(const char *buf, size_t len, size_t max_subid,
		    struct msg *m);
void		msg_free(struct msg *);
/* Returns: the i-th filter object of a REQ or COUNT (borrowed). */
const json_t	*msg_filter(const struct msg *, size_t i);

/* Builders: each appends one complete relay message to b. */
void	msg_ok(struct buf *b, const uint8_t id[32], bool ok, const char *reason);
void	msg_event(struct buf *b, const char *subid, const char *json,
	    size_t len);
void	msg_eose(struct buf *b, const char *subid);
void	msg_closed(struct buf *b, const char *subid, const char *reason);
void	msg_notice(struct buf *b, const char *text);
void	msg_count(struct buf *b, const char *subid, uint64_t n);
/* NIP-45 with the 256 HyperLogLog registers as 512 hex characters. */
void	msg_count_hll(struct buf *b, const char *subid, uint64_t n,
	    const uint8_t reg[256]);
/* "prefix: text" for an err code, written to buf of size sz. */
const char *msg_reason(enum err e, char *buf, size_t sz);

#endif
