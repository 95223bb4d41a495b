/*
 * nip13.h: NIP-13 proof of work -- how many leading zero bits an event's
 * id has, and the difficulty its nonce tag commits to.  The one home of
 * the nonce tag's reading; policy.c decides what a difficulty buys, the
 * page (web/src/pow/) mines.  Pure.
 */
#ifndef SAMIZDAT_NIP13_H
#define SAMIZDAT_NIP13_H

#include <stdint.h>

#include "event.h"

/* Returns: the number of leading zero bits of the 32 bytes of id, 0..256. */
unsigned	nip13_bits(const uint8_t id[32]);

/*
 * The difficulty ev may be credited with: the target its first nonce tag
 * ["nonce", counter, target] commits to, when the id really has that many
 * leading zero bits; 0 without a nonce tag, without a target, or when the
 * id falls short of the target.  A miner that aimed low and got lucky is
 * credited with its aim, as NIP-13 allows, so bulk spam at a low target
 * cannot pass a higher requirement by chance.  The id must be the
 * recomputed one (ingest_check compares it first).
 */
unsigned	nip13_committed(const struct event *ev);

#endif
