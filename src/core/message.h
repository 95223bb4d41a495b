/*
 * message.h: every NIP-01, NIP-42, NIP-45 and NIP-77 wire message, both
 * ways: msg_parse reads what a client sends a relay (MSG_FROM_CLIENT) or
 * what a relay sends a client (MSG_FROM_RELAY), and the msg_* builders
 * write either.  The relay engine, the sync engine and the mesh's live
 * links all speak through this module; no other file builds or takes
 * apart a message by hand.  Pure.
 *
 * Events inside EVENT and AUTH messages are handed back as the raw bytes
 * they came as, judged by nothing but their JSON shape, so that ingest.c
 * sees them untouched (their ids are recomputed over those bytes).
 */
#ifndef SAMIZDAT_MESSAGE_H
#define SAMIZDAT_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "err.h"
#include "filter.h"

/*
 * The verbs.  Each is legal in one direction or both (msg.c's table):
 *   client to relay  EVENT REQ CLOSE COUNT AUTH NEG-OPEN NEG-MSG NEG-CLOSE
 *   relay to client  EVENT OK EOSE CLOSED NOTICE AUTH COUNT NEG-MSG NEG-ERR
 */
enum msg_verb {
	MSG_EVENT,
	MSG_REQ,
	MSG_CLOSE,
	MSG_COUNT,
	MSG_AUTH,
	MSG_NEG_OPEN,
	MSG_NEG_MSG,
	MSG_NEG_CLOSE,
	MSG_OK,
	MSG_EOSE,
	MSG_CLOSED,
	MSG_NOTICE,
	MSG_NEG_ERR,
	MSG_UNKNOWN
};

enum msg_from {
	MSG_FROM_CLIENT,	/* what a relay receives */
	MSG_FROM_RELAY		/* what a client receives */
};

#define MSG_MAX_SUBID	64
#define MSG_MAX_TEXT	1024	/* bytes of a reason or challenge kept */

/*
 * A parsed message.  Which fields are set depends on the verb:
 *   subid     REQ CLOSE COUNT NEG-* and, from a relay, EVENT EOSE CLOSED
 *   event     EVENT, and AUTH from a client: the object's bytes, borrowed
 *             from the input; a relay's AUTH with a proof (nip42.h):
 *             the proof's bytes ("" and 0 without one)
 *   root      the jansson array of everything but EVENT and AUTH from a
 *             client (owned; free with msg_free); REQ and COUNT filters
 *             and the NEG-OPEN filter are read from it
 *   id, ok    OK
 *   text      the reason of OK, CLOSED, NEG-ERR, the text of NOTICE, the
 *             challenge of a relay's AUTH (NUL-terminated, cut at
 *             MSG_MAX_TEXT; a challenge that does not fit is an error)
 *   count     COUNT from a relay, with hll when "hll" was given
 *   neg       NEG-OPEN and NEG-MSG: the hex payload, borrowed from root
 */
struct msg {
	enum msg_verb	 verb;
	char		 verb_text[32];	/* for "unknown message" notices */
	const char	*event;
	size_t		 eventlen;
	char		 subid[MSG_MAX_SUBID * 4 + 1];	/* UTF-8, NUL-free */
	json_t		*root;
	size_t		 nfilters;	/* REQ/COUNT: elements after subid */
	uint8_t		 id[32];
	bool		 ok;
	char		 text[MSG_MAX_TEXT];
	uint64_t	 count;
	bool		 has_hll;
	uint8_t		 hll[256];
	const char	*neg;
	size_t		 neglen;
};

/*
 * Parses one message of len bytes as sent from the given side.
 * max_subid caps subscription ids in bytes.
 * Returns: ERR_OK; ERR_JSON (not a JSON array with a verb); ERR_FILTER
 * (wrong shape for the verb: a missing or bad subscription id, a filter
 * that is not an object, a missing or mistyped field); ERR_USAGE for a
 * verb unknown in that direction (m->verb is MSG_UNKNOWN and verb_text
 * says which).  m->verb and m->subid are set as far as they could be
 * read, so that an error can be answered on the right subscription.
 * Call msg_free whatever it returns.
 */
enum err	msg_parse(const char *buf, size_t len, enum msg_from,
		    size_t max_subid, struct msg *m);
void		msg_free(struct msg *);
/* Returns: the i-th filter object of a REQ or COUNT (borrowed). */
const json_t	*msg_filter(const struct msg *, size_t i);
/* Returns: the filter object of a NEG-OPEN (borrowed). */
const json_t	*msg_neg_filter(const struct msg *);
/*
 * Decodes the hex payload of NEG-OPEN or NEG-MSG into out.
 * Returns: ERR_OK, ERR_NEG (not even-length lowercase hex) or ERR_NOMEM.
 */
enum err	msg_neg_bytes(const struct msg *, struct buf *out);

/* Relay to client: each builder appends one complete message to b. */
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
/* NIP-42: ["AUTH", challenge]. */
void	msg_auth_challenge(struct buf *b, const char *challenge);
/*
 * ["AUTH", challenge, proof]: the challenge, and the proof (nip42.h) a
 * calling node asked for.  Clients that do not ask never get one.
 */
void	msg_auth_proof(struct buf *b, const char *challenge,
	    const char *proof, size_t len);
void	msg_neg_err(struct buf *b, const char *subid, const char *reason);

/* Client to relay. */
/* ["EVENT", {...}]: json is the event object. */
void	msg_publish(struct buf *b, const char *json, size_t len);
/* ["REQ", subid, filter...] and ["COUNT", subid, filter...]. */
void	msg_req(struct buf *b, const char *subid, const struct filter *f,
	    size_t n);
void	msg_count_req(struct buf *b, const char *subid,
	    const struct filter *f, size_t n);
void	msg_close(struct buf *b, const char *subid);
/* NIP-42: ["AUTH", {...}]: json is the signed kind 22242 event. */
void	msg_auth(struct buf *b, const char *json, size_t len);
/* NIP-77: the payload goes out as hex. */
void	msg_neg_open(struct buf *b, const char *subid, const struct filter *f,
	    const uint8_t *p, size_t n);
void	msg_neg_close(struct buf *b, const char *subid);

/* Both ways: ["NEG-MSG", subid, hex]. */
void	msg_neg_msg(struct buf *b, const char *subid, const uint8_t *p,
	    size_t n);

/* Returns: the verb's name on the wire ("NEG-OPEN"), "?" if unknown. */
const char	*msg_verb_name(enum msg_verb);

#endif
