/*
 * custody_root.h: custody roots (docs/archive.md, "Time witnesses"): a
 * kind 4921 event, signed by the node key, saying that the node's
 * custody log held seq lines chained to chain (c(seq), core/custody.h)
 * when the event was made.  Built and read here only.
 *
 *   {"kind":4921,"created_at":T,"content":"",
 *    "tags":[["day","2026-12-01"],["seq","1234"],["chain","<64 hex>"],
 *            ["alt","samizdat custody root: ..."]]}
 *
 * A closed root (created_at at or after the end of its UTC day) covers
 * the lines whose "at" is before the end of the day: seq is the highest
 * such line.  A running root (made within its day, `samizdat archive
 * root --now`) covers the log as it was when made.  Roots are regular
 * events: a relay keeps every one, and no later root can take an
 * earlier one's place.  Pure.
 */
#ifndef SAMIZDAT_CUSTODY_ROOT_H
#define SAMIZDAT_CUSTODY_ROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define CUSTODY_ROOT_KIND	4921
#define CUSTODY_ROOT_DAYS	30	/* days a node catches up, at most */
#define CUSTODY_ROOT_GRACE	60	/* s after midnight before a day closes */
#define CUSTODY_DAY		86400

struct custody_root {
	int64_t		 day;		/* days since 1970-01-01 (UTC) */
	uint64_t	 seq;		/* lines covered: 1..seq */
	uint8_t		 chain[32];	/* c(seq) */
	uint64_t	 created_at;	/* the event's */
};

/* The tags of a built root event; the event borrows this. */
struct custody_root_ev {
	struct tag	 tags[4];
	struct str	 v[4][2];
	char		 day[11], seq[21], chain[65], alt[160];
};

/* The UTC day of t, and the first second after day d. */
int64_t		custody_day_of(uint64_t t);
uint64_t	custody_day_end(int64_t d);
/* "YYYY-MM-DD" of day d (0 to 9999-12-31) into out[11]. */
void		custody_day_str(int64_t d, char out[11]);
/* Returns: true and *d for exactly "YYYY-MM-DD" of a real date. */
bool		custody_day_parse(const char *s, size_t n, int64_t *d);

/* True if the root was made after its day ended. */
bool		custody_root_closed(const struct custody_root *);
/*
 * Fills ev (unsigned: id, pubkey and sig are event_sign's) with r; ev
 * borrows b, which must outlive it.
 */
void		custody_root_event(const struct custody_root *r,
		    struct custody_root_ev *b, struct event *ev);
/*
 * Reads a root from an event of kind CUSTODY_ROOT_KIND: one each of the
 * tags day, seq (1 or more, no leading zero) and chain (64 lower-case hex);
 * other tags are let be.  The signature is the caller's to check.
 * Returns: true and *r, or false if ev is not a root.
 */
bool		custody_root_parse(const struct event *ev,
		    struct custody_root *r);

/*
 * The days a node should close now: from the day after last (the newest
 * it already published; INT64_MIN for none) to the last day ended at
 * least CUSTODY_ROOT_GRACE seconds ago, and never more than
 * CUSTODY_ROOT_DAYS of them (the newest).  Returns: how many, and *first.
 */
size_t		custody_root_due(uint64_t now, int64_t last, int64_t *first);

/*
 * One backward pass over the log finds the line each root covers: call
 * custody_root_scan for every line from the newest down, with its seq,
 * at and c(seq), for n roots whose day is set and seq is 0; each root gets
 * the first (highest) line whose at is before its day's end.  Returns:
 * true while some root still wants a line (go on).
 */
bool		custody_root_scan(struct custody_root *roots, size_t n,
		    uint64_t seq, uint64_t at, const uint8_t chain[32]);

#endif
