/*
 * blossom.h: the Blossom wire formats, both ways (docs/blobs.md): the
 * BUD-11 Authorization header (decoded here, its event checked by the
 * one ingest path, then its BUD-11 rules here), the tokens this node
 * signs for its own uploads, blob paths, the BUD-02 blob descriptor with
 * BUD-08's nip94 tags, the NIP-92 imeta tag, and which mirror URLs
 * (BUD-04) a node may fetch.  Pure: bytes and caller buffers.  The
 * server (net/server_blob.c), the fetch worker, the CLI and the fuzzers
 * share it.
 */
#ifndef SAMIZDAT_BLOSSOM_H
#define SAMIZDAT_BLOSSOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "event.h"
#include "media.h"

#define BLOSSOM_AUTH_MAX	8192	/* bytes of the decoded token */
#define BLOSSOM_AUTH_SKEW	600	/* s a token may be dated ahead */
#define BLOSSOM_AUTH_X_MAX	64	/* x tags kept from one token */
#define BLOSSOM_KIND		24242

/* The BUD-11 verbs (a token's "t" tag). */
enum blossom_verb {
	BLOSSOM_GET, BLOSSOM_UPLOAD, BLOSSOM_LIST, BLOSSOM_DELETE,
	BLOSSOM_MEDIA
};

/* What a checked token allows: its signer and the hashes it names. */
struct blossom_auth {
	uint8_t		 pubkey[32];
	uint8_t		 x[BLOSSOM_AUTH_X_MAX][32];
	size_t		 nx;
	uint64_t	 expiration;
};

/*
 * Decodes an Authorization header value, "Nostr " then base64 (URL-safe
 * or standard alphabet, padding optional), into the token's JSON in
 * json (reset first).  hdr is n bytes.
 * Returns: ERR_OK, ERR_BLOB_AUTH_MISSING (n == 0) or ERR_BLOB_AUTH_FORMAT.
 */
enum err	blossom_auth_decode(const char *hdr, size_t n, struct buf *json);

/*
 * The BUD-11 rules on a token whose id and signature the caller has
 * checked (ingest_check, ingest_verify): kind 24242, created_at at most
 * BLOSSOM_AUTH_SKEW past now, an expiration tag after now, a "t" tag of
 * verb, and, if it has "server" tags, one equal to host (a Host header:
 * any port is dropped, case ignored; NULL matches no server tag).  The
 * "x" tags are kept in out for blossom_auth_names.
 * Returns: ERR_OK and out, or ERR_BLOB_AUTH_KIND, _FUTURE, _NO_EXPIRY,
 * ERR_EXPIRED, ERR_BLOB_AUTH_VERB or ERR_BLOB_AUTH_SERVER.
 */
enum err	blossom_auth_rules(const struct event *, enum blossom_verb,
		    const char *host, uint64_t now, struct blossom_auth *out);
/* True if the token's x tags name hash. */
bool		blossom_auth_names(const struct blossom_auth *,
		    const uint8_t hash[32]);

/*
 * A token of this node's for verb on hash (NULL: none), valid from now
 * for ttl seconds, signed with sk, as a whole header value ("Nostr ...",
 * URL-safe base64 without padding) appended to out.
 * Returns: ERR_OK, ERR_KEY or ERR_NOMEM.
 */
enum err	blossom_auth_make(const uint8_t sk[32], enum blossom_verb,
		    const uint8_t *hash, uint64_t now, uint64_t ttl,
		    struct buf *out);

/*
 * A blob path: "/" then 64 lowercase hex, then optionally "." and 1 to
 * 10 letters or digits.  Returns: true and hash.
 */
bool		blossom_path_hash(const char *path, uint8_t hash[32]);

/*
 * The BUD-02 blob descriptor: {"url":base/<hex>.<ext>, "sha256", "size",
 * "type", "uploaded"}, then, when nip94 is given, BUD-08's "nip94": url
 * (nip94->public_base, else base), m, x, size, dim (if known), ox (if
 * given).  base is "http://host:port" without a trailing slash.
 */
struct blossom_nip94 {
	const char	*public_base;	/* NULL: base */
	uint32_t	 width, height;	/* 0: unknown */
	const uint8_t	*ox;		/* NULL: none */
};
void		blossom_descriptor(struct buf *, const char *base,
		    const uint8_t hash[32], uint64_t size, enum media_type,
		    uint64_t uploaded, const struct blossom_nip94 *nip94);

/*
 * A NIP-92 imeta tag's fields, each "key value", for a report: url, m,
 * x, ox (if given), size, dim (if known), thumb (if given), alt (if
 * given).  Written into f[0..n) (BLOSSOM_IMETA_FIELDS of
 * BLOSSOM_IMETA_LEN bytes, each NUL-terminated; longer values are
 * refused).  Returns: n, or 0 if a value does not fit.
 */
#define BLOSSOM_IMETA_FIELDS	8
#define BLOSSOM_IMETA_LEN	1200
struct blossom_imeta {
	const char	*url;
	enum media_type	 type;
	uint8_t		 x[32];
	const uint8_t	*ox;
	uint64_t	 size;
	uint32_t	 width, height;
	const char	*thumb;
	const char	*alt;
};
size_t		blossom_imeta(const struct blossom_imeta *,
		    char f[][BLOSSOM_IMETA_LEN]);

/*
 * A BUD-04 mirror URL this node may fetch (docs/blobs.md says why):
 * http:// or https://, a literal IPv4 or IPv6 address (or localhost),
 * and a last path segment that is the 64 hex of a hash.  The address
 * must be loopback or LAN (blossom_addr_local) unless the caller knows
 * it as a peer's (peer_ok).  url is n bytes.  Fills host (256 bytes),
 * port, path (the part from the first "/", 1024 bytes) and hash.
 * Returns: ERR_OK, or ERR_BLOB_MIRROR_URL.
 */
enum err	blossom_mirror_url(const char *url, size_t n, bool peer_ok,
		    char host[256], uint16_t *port, bool *tls,
		    char path[1024], uint8_t hash[32]);
/*
 * True if host (a literal address, without brackets) is loopback
 * (127/8, ::1, "localhost"), private (10/8, 172.16/12, 192.168/16,
 * fc00::/7) or link-local (169.254/16, fe80::/10).  Names are false.
 */
bool		blossom_addr_local(const char *host);
/* True if host is a literal IPv4 or IPv6 address, or "localhost". */
bool		blossom_addr_literal(const char *host);

/* The BUD-11 verb's word ("upload"). */
const char	*blossom_verb_name(enum blossom_verb);

#endif
