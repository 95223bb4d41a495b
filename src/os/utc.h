/*
 * utc.h: a time for a person to read in a listing: UTC, ISO 8601's order,
 * 'Z' at the end.
 */
#ifndef SAMIZDAT_UTC_H
#define SAMIZDAT_UTC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Writes t (Unix seconds) as "2026-12-02 05:47:19Z", or without seconds
 * "2026-12-02 05:47Z", to out; "" if gmtime_r(3) cannot place it.
 * Returns: out.
 */
char	*utc_text(char *out, size_t sz, int64_t t, bool seconds);

#endif
