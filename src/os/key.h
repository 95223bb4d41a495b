/*
 * key.h: this node's secret key in the data dir.  The file holds one line,
 * the key as nsec1... (64 hex characters are read too), mode 0600.
 */
#ifndef SAMIZDAT_KEY_H
#define SAMIZDAT_KEY_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

/*
 * Reads the key from path.  Returns: ERR_OK, or ERR_KEY after printing
 * what is wrong with the file (missing, unreadable, not a key).
 */
enum err	key_load(const char *path, uint8_t seckey[32]);
/*
 * Writes seckey to path atomically with mode 0600.  Refuses to replace an
 * existing key unless force.  Returns: ERR_OK, ERR_KEY (exists) or ERR_IO.
 */
enum err	key_save(const char *path, const uint8_t seckey[32], bool force);

#endif
