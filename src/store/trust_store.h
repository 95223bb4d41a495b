/*
 * trust_store.h: who stands behind a report, from the store's witness
 * index (docs/witness.md).  Witness marks (confirm, dispute, retract) and
 * vouches (vouch, revoke) are NIP-32 labels, kind 1985, in the namespace
 * "samizdat.witness" (core/witness.h); ingest_store keeps an index of
 * them as they arrive, by any path, and core/trust.c does the counting.
 *
 * Trust starts at roots: the node's key (its operator), set on the handle
 * with trust_store_set_node, and, for the page, the reader's own key.  A
 * key a root vouched for is one hop away, a key such a key vouched for is
 * two; nothing further counts.  Keys nobody vouched for have history
 * (this node first saw them a day or more ago) or are fresh.
 *
 * For other modules (the flood defence calls trust_level and
 * report_corroborated on the relay's handle, once per event at most): the
 * operator's trust graph is cached on the handle and rebuilt only when a
 * vouch changes, so a call costs one or two indexed look-ups.  Every
 * function here reads; none starts a transaction.  A handle without a
 * node key has no roots: every key is history or fresh.
 */
#ifndef SAMIZDAT_TRUST_STORE_H
#define SAMIZDAT_TRUST_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"
#include "trust.h"

/* enum trust_level (TRUST_FRESH ... TRUST_OWN) and trust_level_name()
 * come from core/trust.h. */

/*
 * The node's public key (its operator's), the root of trust for this
 * handle.  Call once after store_open; NULL forgets it.
 */
void		trust_store_set_node(struct store *, const uint8_t node[32]);

/*
 * How far pubkey is trusted from the node's key alone (no reader), now
 * being unix seconds by the node's clock.  A database error reads as
 * TRUST_FRESH (and is logged once).
 */
enum trust_level trust_level(struct store *, const uint8_t pubkey[32],
		    uint64_t now);

/*
 * True if the stored report id is corroborated by the rule of
 * docs/witness.md, counted from the node's key alone; false when it is
 * not, is not stored, or the store fails.
 */
bool		report_corroborated(struct store *, const uint8_t id[32],
		    uint64_t now);

#endif
