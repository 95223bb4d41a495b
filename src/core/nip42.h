/*
 * nip42.h: NIP-42 AUTH as nodes use it, both ways (docs/mesh.md, "Node
 * connections").  The calling node answers the relay's challenge with a
 * signed kind 22242 event, as NIP-42 says; the called node, asked with a
 * challenge of the caller's own, proves its key the same way with a
 * kind NIP42_PROOF_KIND event.  The kinds differ so that a proof can
 * never be taken for a client's AUTH, not even by the node that signed
 * it.  Pure.
 */
#ifndef SAMIZDAT_NIP42_H
#define SAMIZDAT_NIP42_H

#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "event.h"

#define NIP42_PROOF_KIND	22243	/* a called node's proof of its key */
#define NIP42_NONCE_MIN		16	/* hex digits of a caller's challenge */
#define NIP42_NONCE_MAX		64

/*
 * Appends ["AUTH",{event}] to msg and sets id to the event's id.
 * Returns: ERR_OK, ERR_KEY or ERR_NOMEM.
 */
enum err	nip42_auth(const uint8_t seckey[32], const char *challenge,
		    const char *relay, uint64_t now, struct buf *msg,
		    uint8_t id[32]);
/*
 * Appends the proof event (JSON) that the relay at the URL relay holds
 * seckey, for the caller's challenge.  Returns: ERR_OK, ERR_KEY or
 * ERR_NOMEM.
 */
enum err	nip42_proof(const uint8_t seckey[32], const char *challenge,
		    const char *relay, uint64_t now, struct buf *json);
/* True if s is a caller's challenge: NIP42_NONCE_MIN..MAX lowercase hex. */
bool		nip42_nonce_ok(const char *s);
/*
 * The rules of a proof whose id and signature were checked: its kind,
 * the caller's challenge, and a relay tag naming the place (host and
 * port) of the URL that was called.  Returns: ERR_OK, ERR_AUTH_BAD or
 * ERR_AUTH_RELAY.
 */
enum err	nip42_proof_rules(const struct event *, const char *challenge,
		    const char *url);

#endif
