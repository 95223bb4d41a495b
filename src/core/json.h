/*
 * json.h: a strict, allocation-free JSON scanner for the hot path (events
 * from every source).  It validates and skips values, decodes strings into a
 * caller's buffer (UTF-8 checked, surrogate pairs joined, lone surrogates
 * refused) and reads non-negative integers exactly.  Messages and filters,
 * which are small and not hot, go through jansson instead.  Pure.
 *
 * All functions take [p, end) and return the position after what they read
 * through *next; they never read at or past end.
 */
#ifndef SAMIZDAT_JSON_H
#define SAMIZDAT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define JSON_MAX_DEPTH	64

/* Returns: the length of [p, p+n) without trailing white space or newline. */
size_t		 json_rtrim(const char *p, size_t n);
/* Returns: the first position at or after p that is not JSON white space. */
const char	*json_ws(const char *p, const char *end);
/*
 * Validates one JSON value of any type starting at p (no leading white
 * space) and sets *next past it.  Returns: ERR_OK or ERR_JSON (also when
 * nesting exceeds JSON_MAX_DEPTH) or ERR_UTF8.
 */
enum err	 json_skip(const char *p, const char *end, const char **next);
/*
 * Decodes the string starting at p (which must point at '"').  The decoded
 * bytes go to out, which must hold at least the raw length of the string;
 * if the string holds no escapes, *outp points into the input instead and
 * nothing is copied.  *escaped tells which happened.
 * Returns: ERR_OK, ERR_JSON (not a string, bad escape, raw control byte,
 * unterminated) or ERR_UTF8.
 */
enum err	 json_str(const char *p, const char *end, char *out,
		    const char **outp, size_t *outlen, bool *escaped,
		    const char **next);
/*
 * Reads a non-negative JSON integer of at most max into *out.
 * Returns: ERR_OK; ERR_JSON if p holds no JSON number (or one with a leading
 * zero); range_err for a valid number that is negative, has a fraction or
 * an exponent, or exceeds max.
 */
enum err	 json_u64(const char *p, const char *end, uint64_t max,
		    enum err range_err, uint64_t *out, const char **next);
/*
 * Like json_skip, but strings are only scanned for their closing quote:
 * for finding where a value ends when its contents will be judged later.
 */
enum err	 json_skip_loose(const char *p, const char *end,
		    const char **next);
/*
 * In the array at p, finds element i (from 0) without judging what is in
 * it.  Returns: ERR_OK and its bytes as [*start, *stop), or ERR_JSON.
 */
enum err	 json_array_at(const char *p, const char *end, size_t i,
		    const char **start, const char **stop);
/*
 * In the object at p, finds the top-level key and reads its value if it
 * is a string of exactly 2*n lowercase hex digits; tolerant of anything
 * else wrong in the object.  Used to answer a broken event with its id.
 * Returns: true and out written, or false.
 */
bool		 json_find_hex_field(const char *p, const char *end,
		    const char *key, uint8_t *out, size_t n);
/* Returns: true if [p, p+n) is valid UTF-8 without surrogates or overlongs. */
bool		 json_utf8_valid(const char *p, size_t n);

#endif
