/*
 * nip11.h: the relay information document (NIP-11) -- what the relay
 * is, the NIPs it supports and the limits it enforces.  The list of
 * supported NIPs has its one home here.  Pure.
 */
#ifndef SAMIZDAT_NIP11_H
#define SAMIZDAT_NIP11_H

#include <stddef.h>

#include "config.h"

/*
 * The document for cfg, as compact JSON in a malloc'd string of *len
 * bytes.  Returns: it, or NULL when out of memory.
 */
char	*nip11_document(const struct config *cfg, size_t *len);
/*
 * The same with limitation.min_pow_difficulty: the proof of work (NIP-13)
 * the node asks of keys nobody vouched for, which moves with its load.
 */
char	*nip11_document_pow(const struct config *cfg, unsigned min_pow,
	    size_t *len);

#endif
