/*
 * policy_db.h: what the flood defence keeps across restarts, in
 * policy.db beside events.db in the data dir: which stored events are
 * held back from other nodes (and whose they are), which were evicted
 * to stay within the store budget (so a sync does not bring them back),
 * and the node's policy state as JSON for `samizdat policy` in another
 * process.  A file of its own: it is this node's judgement, not data,
 * so a stick (a copy of the data dir's events.db) never carries it.
 * SQLite in WAL mode; one handle, used under the guard's lock (guard.h).
 */
#ifndef SAMIZDAT_POLICY_DB_H
#define SAMIZDAT_POLICY_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

struct policy_db;

/*
 * Opens (creating unless rdonly) policy.db at path.  Returns: ERR_OK,
 * ERR_IO (a read-only open of a missing file among others), ERR_DB...
 */
enum err	policy_db_open(struct policy_db **, const char *path,
		    bool rdonly);
void		policy_db_close(struct policy_db *);	/* NULL is a no-op */
enum err	policy_db_begin(struct policy_db *);
enum err	policy_db_commit(struct policy_db *);

/* Held events: id, its author, since when. */
enum err	policy_db_held_put(struct policy_db *, const uint8_t id[32],
		    const uint8_t pubkey[32], uint64_t at);
enum err	policy_db_held_del(struct policy_db *, const uint8_t id[32]);
typedef int	(*policy_db_held_fn)(const uint8_t id[32],
		    const uint8_t pubkey[32], uint64_t at, void *arg);
/*
 * Calls fn for held events in id order, from the first id after *after
 * (NULL: from the start), at most max of them (0: all); fn returns
 * non-zero to stop.  *after (when given) is set to the last id passed,
 * and is all zeros after the last held event.
 */
enum err	policy_db_held_each(struct policy_db *, uint8_t *after,
		    size_t max, policy_db_held_fn fn, void *arg);
/* The same for the max held the longest (0: none), fn not stopping. */
enum err	policy_db_held_oldest(struct policy_db *, size_t max,
		    policy_db_held_fn fn, void *arg);
enum err	policy_db_held_count(struct policy_db *, uint64_t *n);

/* Evicted ids, oldest first; trim keeps the newest keep of them. */
enum err	policy_db_evicted_put(struct policy_db *, const uint8_t id[32],
		    uint64_t at);
typedef void	(*policy_db_id_fn)(const uint8_t id[32], void *arg);
enum err	policy_db_evicted_each(struct policy_db *, policy_db_id_fn,
		    void *arg);
enum err	policy_db_evicted_trim(struct policy_db *, uint64_t keep,
		    policy_db_id_fn removed, void *arg);

/* The daemon's state for other processes: a JSON text and its time. */
enum err	policy_db_state_put(struct policy_db *, const char *json,
		    size_t len, uint64_t at);
/* Appends the JSON to b.  Returns: ERR_OK (*at 0 when none was saved). */
enum err	policy_db_state_get(struct policy_db *, struct buf *b,
		    uint64_t *at);

/* Bytes the file's pages in use take. */
enum err	policy_db_size(struct policy_db *, uint64_t *bytes);

#endif
