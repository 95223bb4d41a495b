/*
 * store_foreign.h: opening a store from elsewhere -- the events.db of a
 * data dir that is not this node's own, such as a USB stick from a
 * stranger.  Its SQLite file is data, never code: it is opened with
 * SQLite's defensive settings (no triggers, no views, no extensions, an
 * untrusted schema, tight limits, a deadline), only after its dir and
 * files were checked to be real directories and regular files, never
 * symbolic links, pipes or devices, and it is handed out as a store only
 * once its schema is exactly the one this samizdat makes.  Anything else
 * is refused with a sentence that names what was found.  Used by
 * stick.c; docs/store.md ("Stores from elsewhere") has the reasoning.
 */
#ifndef SAMIZDAT_STORE_FOREIGN_H
#define SAMIZDAT_STORE_FOREIGN_H

#include <stddef.h>

#include "err.h"
#include "store.h"

/*
 * Bounds on all the work with the store, enforced by SQLite's progress
 * handler, so that no query on it can run past them.
 *   deadline   CLOCK_MONOTONIC seconds (store_foreign_clock); 0: none
 *   cancel     set non-zero from another thread: stop
 *   check_s    seconds the checks at open may take; 0: 10
 *   check_mem  bytes of SQLite heap the checks may add; 0: 64 MiB
 */
struct store_bounds {
	double		 deadline;
	volatile int	*cancel;
	unsigned	 check_s;
	size_t		 check_mem;
};

/* The clock of store_bounds.deadline: CLOCK_MONOTONIC, in seconds. */
double		store_foreign_clock(void);

/*
 * Opens the store in data dir dir (its events.db) after checking it, in
 * this order: the path (no symbolic link in it; dir a directory), the
 * files (events.db a regular file with one link, a SQLite database in
 * UTF-8; events.db-wal and events.db-shm absent or regular files; no
 * events.db-journal), then through SQLite in defensive mode: the schema
 * version, every entry of the schema against the exact set this
 * samizdat makes for that version, the search index's settings, and
 * that what SQLite opened is what was checked.  Nothing is written
 * before the checks pass, and no schema is ever created: a file that is
 * not a samizdat store is refused.  A version 1 store opened writable is
 * then upgraded as the node's own would be.  flags: STORE_RDONLY or 0.
 * Returns: ERR_OK and *sp; ERR_FOREIGN (refused), ERR_IO (no store
 * there, or a system error), ERR_DB_VERSION (made by a newer samizdat),
 * ERR_DB_BUSY, ERR_NOMEM or ERR_DB, each with a sentence in why
 * (whysz bytes; "refused: ..." for refusals) that does not repeat dir.
 */
enum err	store_foreign_open(struct store **sp, const char *dir,
		    int flags, const struct store_bounds *, char *why,
		    size_t whysz);

/*
 * Whether the store is still where it was opened: the dir and events.db
 * at their paths are the ones opened, neither was removed.
 * Returns: ERR_OK, or ERR_IO with what changed in why.
 */
enum err	store_foreign_intact(struct store *, char *why, size_t whysz);

/*
 * After the last write: a TRUNCATE checkpoint, so the stick is one
 * complete file, then that events.db is as long as its pages need and
 * still in place (store_foreign_intact).
 * Returns: ERR_OK, or an error with why.
 */
enum err	store_foreign_settle(struct store *, char *why, size_t whysz);

/*
 * Why the progress handler stopped the work on the store ("the time
 * limit passed", "it was stopped", ...), or NULL if it did not.
 */
const char	*store_foreign_stopped(const struct store *);

#endif
