/*
 * err.h: the one table of outcomes.  Every result that can reach a user or a
 * Nostr client -- an OK or CLOSED reason, an import line's rejection, a CLI
 * error -- is a row here: the code, the NIP-01 machine-readable prefix and a
 * human sentence.  The enum, err_str() and err_prefix() are generated from it,
 * so a reason can never lack its prefix.  Pure: no I/O, no state.
 */
#ifndef SAMIZDAT_ERR_H
#define SAMIZDAT_ERR_H

/*
 * X(code, prefix, text)
 *   code    enum suffix, ERR_<code>
 *   prefix  NIP-01 reason prefix ("" only for ERR_OK)
 *   text    what happened, in words a user or client developer understands
 */
#define ERR_MAP(X)							\
	X(OK,		"",		"ok")					\
	X(DUPLICATE,	"duplicate",	"already have this event")		\
	X(HAVE_NEWER,	"duplicate",	"a newer version of this event is stored") \
	X(EPHEMERAL,	"",		"ephemeral event, delivered but not stored") \
	X(JSON,		"invalid",	"malformed JSON")			\
	X(NOT_OBJECT,	"invalid",	"event is not a JSON object")		\
	X(FIELD_DUP,	"invalid",	"event has a field twice")		\
	X(FIELD_MISSING, "invalid",	"event lacks one of id, pubkey, created_at, kind, tags, content, sig") \
	X(ID_HEX,	"invalid",	"id must be 64 lowercase hex characters") \
	X(PUBKEY_HEX,	"invalid",	"pubkey must be 64 lowercase hex characters") \
	X(SIG_HEX,	"invalid",	"sig must be 128 lowercase hex characters") \
	X(CREATED_AT,	"invalid",	"created_at must be a non-negative integer below 2^63") \
	X(KIND,		"invalid",	"kind must be an integer from 0 to 65535") \
	X(TAGS,		"invalid",	"tags must be an array of non-empty arrays of strings") \
	X(CONTENT,	"invalid",	"content must be a string")		\
	X(UTF8,		"invalid",	"string is not valid UTF-8 (or has a lone surrogate)") \
	X(EVENT_SIZE,	"invalid",	"event is larger than the size limit")	\
	X(TOO_MANY_TAGS, "invalid",	"event has more tags than the limit")	\
	X(CONTENT_SIZE,	"invalid",	"content is longer than the limit")	\
	X(ID_MISMATCH,	"invalid",	"id is not the sha256 of the event's canonical serialization") \
	X(BAD_SIG,	"invalid",	"signature does not verify")		\
	X(PUBKEY_CURVE,	"invalid",	"pubkey is not a valid secp256k1 x-only key") \
	X(EXPIRED,	"invalid",	"event has expired (NIP-40)")		\
	X(BAD_EXPIRATION, "invalid",	"expiration tag is not a unix time")	\
	X(DELETED,	"blocked",	"event was deleted by its author (NIP-09)") \
	X(TOO_OLD,	"invalid",	"created_at is too far in the past")	\
	X(TOO_NEW,	"invalid",	"created_at is too far in the future")	\
	X(RATE,		"rate-limited",	"slow down: too many events")		\
	X(QUOTA,	"rate-limited",	"this key has sent its share for this hour") \
	X(QUOTA_SOURCE,	"rate-limited",	"unvouched keys at this address have sent their share for this hour") \
	X(HELD,		"rate-limited",	"stored on this node only, for now: it goes on to other nodes once its key is vouched for, it is confirmed, or the hour's share allows") \
	X(POW,		"pow",		"not enough proof of work (NIP-13)")	\
	X(MUTED,	"blocked",	"this node's operator muted this key")	\
	X(EVICTED,	"blocked",	"this node removed this event to stay within its store budget") \
	X(STORE_FULL,	"error",	"the store is at its budget and holds nothing more it may remove") \
	X(DISK_LOW,	"error",	"the disk is nearly full: this node takes no more events") \
	X(FILTER,	"invalid",	"malformed filter")			\
	X(FILTER_KEY,	"unsupported",	"unknown filter key")			\
	X(FILTER_HEX,	"invalid",	"ids, authors, #e and #p take 64 lowercase hex characters") \
	X(FILTER_SIZE,	"invalid",	"filter has too many values")		\
	X(SEARCH,	"unsupported",	"search terms could not be used")	\
	X(MSG_FORMAT,	"invalid",	"message is not a JSON array starting with a verb") \
	X(MSG_VERB,	"invalid",	"unknown message type")			\
	X(MSG_SIZE,	"invalid",	"message is larger than the size limit") \
	X(SUBID,	"invalid",	"subscription id must be a non-empty string within the length limit") \
	X(FILTER_OBJECT, "invalid",	"filters must be JSON objects")		\
	X(NO_FILTER,	"invalid",	"at least one filter is required")	\
	X(TOO_MANY_FILTERS, "invalid",	"too many filters in one request")	\
	X(TOO_MANY_SUBS, "blocked",	"too many open subscriptions; CLOSE one first") \
	X(RATE_REQ,	"rate-limited",	"too many requests; slow down")		\
	X(SLOW,		"error",	"too slow reading events; disconnecting") \
	X(TOO_MANY_CONNS, "rate-limited", "too many connections from your address") \
	X(NO_AUTH,	"unsupported",	"AUTH without a challenge: this relay asks only nodes to authenticate") \
	X(AUTH_BAD,	"invalid",	"AUTH needs a signed kind 22242 event with this connection's challenge and a relay tag") \
	X(AUTH_RELAY,	"invalid",	"AUTH's relay tag does not name this relay") \
	X(NEG,		"invalid",	"malformed negentropy message")		\
	X(NEG_UNKNOWN,	"closed",	"unknown negentropy session")		\
	X(NEG_OFF,	"unsupported",	"NIP-77 negentropy is turned off on this relay") \
	X(NEG_TOO_BIG,	"blocked",	"too many events match; narrow the filter, e.g. by time") \
	X(NEG_SESSIONS,	"blocked",	"too many open negentropy sessions; NEG-CLOSE one first") \
	X(MEDIA_TYPE,	"unsupported",	"the file is not JPEG, PNG, WebP, MP4 or MOV") \
	X(MEDIA_SIZE,	"invalid",	"the file is larger than the size limit") \
	X(MEDIA_TRUNCATED, "invalid",	"the file is truncated")		\
	X(MEDIA_FORMAT,	"invalid",	"the file is malformed")		\
	X(MEDIA_CRC,	"invalid",	"the file is corrupt: a PNG chunk fails its checksum") \
	X(MEDIA_LIMIT,	"invalid",	"the file has too many parts, or nests them too deep") \
	X(MEDIA_FRAGMENTED, "unsupported", "metadata cannot yet be removed from a fragmented MP4 (moof)") \
	X(WITNESS_LABEL, "invalid",	"a samizdat.witness label needs its L tag and exactly one l tag: confirm, dispute, retract, vouch or revoke") \
	X(WITNESS_MARK,	"invalid",	"a witness mark names one report (an e tag) and its author (a p tag), each 64 lowercase hex") \
	X(WITNESS_VOUCH, "invalid",	"a vouch names one person (a p tag of 64 lowercase hex) and no event") \
	X(WITNESS_SELF,	"invalid",	"a key cannot mark its own report or vouch for itself") \
	X(WITNESS_COMMENT, "invalid",	"a witness comment is longer than 2000 bytes") \
	X(WITNESS_PENDING, "rate-limited", "too many marks from this key on reports this node does not have yet") \
	X(BLOB_AUTH_MISSING, "auth-required", "this needs an Authorization: Nostr header with a signed kind 24242 event (BUD-11)") \
	X(BLOB_AUTH_FORMAT, "invalid",	"Authorization is not 'Nostr' and a base64 kind 24242 event") \
	X(BLOB_AUTH_KIND, "invalid",	"authorization event is not kind 24242") \
	X(BLOB_AUTH_FUTURE, "invalid",	"authorization is dated in the future") \
	X(BLOB_AUTH_NO_EXPIRY, "invalid", "authorization has no expiration tag") \
	X(BLOB_AUTH_VERB, "invalid",	"authorization's t tag does not allow this action") \
	X(BLOB_AUTH_HASH, "invalid",	"authorization's x tags do not name this blob") \
	X(BLOB_AUTH_SERVER, "invalid",	"authorization's server tags do not name this server") \
	X(BLOB_AUTH_KEY, "invalid",	"authorization is signed by another key") \
	X(BLOB_HASH,	"invalid",	"the bytes do not match their hash")	\
	X(BLOB_LENGTH,	"invalid",	"PUT needs a Content-Length header; a chunked body is not taken") \
	X(BLOB_SHORT,	"invalid",	"the upload was cut short: fewer bytes came than Content-Length said") \
	X(BLOB_TIMEOUT,	"invalid",	"the upload took longer than the node allows") \
	X(BLOB_METADATA, "blocked",	"the file still carries metadata that can identify who took it; PUT it to /media, which removes it and keeps the picture") \
	X(BLOB_FULL,	"error",	"the blob budget is full")		\
	X(BLOB_BUSY,	"rate-limited",	"too many uploads at once; try again in a few seconds") \
	X(BLOB_NOT_FOUND, "error",	"no blob with this hash on this node")	\
	X(BLOB_ABSENT,	"error",	"photo not on this node")		\
	X(BLOB_NOT_OWNER, "blocked",	"this key did not upload this blob")	\
	X(BLOB_MIRROR_URL, "blocked",	"mirror takes only http URLs of LAN or loopback addresses or known peers, ending in the blob's hash") \
	X(BLOB_FETCH,	"error",	"the blob could not be fetched")	\
	X(BLOB_REQUEST,	"invalid",	"malformed blob request")		\
	X(CUSTODY,	"invalid",	"malformed custody log line")		\
	X(ARCHIVE,	"invalid",	"malformed archive")			\
	X(NIP44,	"invalid",	"malformed NIP-44 payload")		\
	X(NIP44_VERSION, "unsupported",	"unknown NIP-44 encryption version")	\
	X(NIP44_MAC,	"invalid",	"NIP-44 payload fails its MAC: wrong key, or changed") \
	X(NOMEM,	"error",	"out of memory")			\
	X(DB,		"error",	"database error")			\
	X(DB_BUSY,	"error",	"database is locked by another process")	\
	X(DB_CORRUPT,	"error",	"database file is corrupt")		\
	X(DB_FULL,	"error",	"disk is full")				\
	X(DB_VERSION,	"error",	"database was made by a newer samizdat") \
	X(FOREIGN,	"blocked",	"a store from elsewhere failed its checks; it is data, never code") \
	X(IO,		"error",	"input/output error")			\
	X(KEY,		"error",	"secret key is missing or unreadable")	\
	X(USAGE,	"error",	"bad usage")

enum err {
#define ERR_ENUM(code, prefix, text) ERR_##code,
	ERR_MAP(ERR_ENUM)
#undef ERR_ENUM
	ERR__COUNT
};

/* Returns: the human sentence for e; never NULL. */
const char	*err_str(enum err e);
/* Returns: the NIP-01 prefix without the colon, "" for ERR_OK; never NULL. */
const char	*err_prefix(enum err e);
/* Returns: the code's name, such as "ID_MISMATCH", for logs and tests. */
const char	*err_name(enum err e);
/*
 * Writes "prefix: text" (or text alone when the prefix is empty) into buf of
 * size sz, truncating safely.  Returns: buf.
 */
char		*err_reason(enum err e, char *buf, unsigned long sz);
/* The same with detail in parentheses after the text, if detail != NULL. */
char		*err_reason_detail(enum err e, const char *detail, char *buf,
		    unsigned long sz);

#endif
