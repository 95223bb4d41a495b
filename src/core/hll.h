/*
 * hll.h: NIP-45 HyperLogLog -- 256 one-byte registers that let a client
 * merge COUNT answers from several relays (per-register max) without
 * counting an author twice.  Pure.
 */
#ifndef SAMIZDAT_HLL_H
#define SAMIZDAT_HLL_H

#include <stddef.h>
#include <stdint.h>

#define HLL_REGISTERS	256

/*
 * The register offset (8 to 23) for the first tag value of the filter:
 * a 64-hex value is used as is, an address "kind:pubkey:d" by its pubkey,
 * anything else by its sha256 in hex; then hex digit 32 plus 8.
 */
unsigned	hll_offset(const char *value, size_t len);
/* Counts one event by its author's 32-byte pubkey. */
void		hll_add(uint8_t reg[HLL_REGISTERS], const uint8_t pubkey[32],
		    unsigned offset);
/* The HyperLogLog estimate (alpha for m=256, linear counting when small). */
uint64_t	hll_estimate(const uint8_t reg[HLL_REGISTERS]);

#endif
