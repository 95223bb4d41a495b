/*
 * nip42.h: the client side of NIP-42 AUTH, as a node answers a relay's
 * challenge: a signed kind 22242 event with relay and challenge tags.
 */
#ifndef SAMIZDAT_NIP42_H
#define SAMIZDAT_NIP42_H

#include <stdint.h>

#include "buf.h"
#include "err.h"

/*
 * Appends ["AUTH",{event}] to msg and sets id to the event's id.
 * Returns: ERR_OK, ERR_KEY or ERR_NOMEM.
 */
enum err	nip42_auth(const uint8_t seckey[32], const char *challenge,
		    const char *relay, uint64_t now, struct buf *msg,
		    uint8_t id[32]);

#endif
