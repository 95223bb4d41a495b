/*
 * filter.h: NIP-01 filters -- parsing from JSON (via jansson) with hard
 * limits, and matching against a parsed event in memory.  The store turns
 * the same struct into SQL; the relay matches live events with
 * filter_match.  Pure.
 *
 * Ownership: a parsed filter owns its arrays; filter_free releases them.
 */
#ifndef SAMIZDAT_FILTER_H
#define SAMIZDAT_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "err.h"
#include "event.h"

#define FILTER_MAX_VALUES	5000	/* per list */
#define FILTER_MAX_TAGKEYS	16	/* #x keys per filter */

struct filter_tag {
	char		 name;		/* the single letter */
	struct str	*vals;		/* owned copies, NUL-terminated */
	size_t		 nvals;
};

struct filter {
	uint8_t		(*ids)[32];
	size_t		 nids;
	uint8_t		(*authors)[32];
	size_t		 nauthors;
	uint32_t	*kinds;
	size_t		 nkinds;
	struct filter_tag *tags;
	size_t		 ntags;
	uint64_t	 since;		/* inclusive; 0 when absent */
	uint64_t	 until;		/* inclusive; UINT64_MAX when absent */
	uint64_t	 limit;		/* meaningful when has_limit */
	bool		 has_limit;
	char		*search;	/* NIP-50 query or NULL */
	bool		 empty;		/* an empty list: matches nothing */
};

/*
 * Parses one filter object.  Unknown keys are refused (ERR_FILTER_KEY)
 * rather than ignored, so a query is never silently widened.
 * Returns: ERR_OK, ERR_FILTER, ERR_FILTER_KEY, ERR_FILTER_HEX,
 * ERR_FILTER_SIZE or ERR_NOMEM; f is set only on ERR_OK.
 */
enum err	filter_parse_json(const json_t *obj, struct filter *f);
/* The same from text. */
enum err	filter_parse(const char *s, size_t n, struct filter *f);
void		filter_free(struct filter *);
/* An empty filter that matches every event (no limit). */
void		filter_init(struct filter *);
/*
 * Appends f as a JSON object that filter_parse reads back to the same
 * filter; one that matches nothing (an empty list) is written as
 * {"ids":[]}.  Errors stick in b.
 */
void		filter_write_json(const struct filter *, struct buf *b);
/* Returns: true if ev satisfies every condition of f (search included). */
bool		filter_match(const struct filter *, const struct event *);
/* Returns: true if ev matches any of the n filters. */
bool		filter_match_any(const struct filter *, size_t n,
		    const struct event *);

#endif
