/*
 * store_wal.c: a handle's page cache and its WAL checkpoints (store.h):
 * what ingest_batch.c tunes while an import runs.
 */
#include <stdio.h>

#include "store_int.h"

enum err
store_autocheckpoint(struct store *s, int pages)
{
	int	 rc = sqlite3_wal_autocheckpoint(s->db, pages);

	return rc == SQLITE_OK ? ERR_OK : store_sqlerr(s, rc, "store");
}

enum err
store_cache(struct store *s, int kib)
{
	char	 sql[64];
	int	 rc;

	/* A side handle, or a stick's store, keeps its 2 MiB bound. */
	if (s->flags & (STORE_HELPER | STORE_FOREIGN))
		kib = 2048;
	else if (kib <= 0)
		kib = 8192;
	snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%d", kib);
	rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? ERR_OK : store_sqlerr(s, rc, "store");
}

enum err
store_checkpoint(struct store *s, bool truncate)
{
	int	 rc;

	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, truncate ?
	    SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return ERR_OK;		/* readers in the way: next time */
	return rc == SQLITE_OK ? ERR_OK : store_sqlerr(s, rc, "store: checkpoint");
}

enum err
store_checkpoint_restart(struct store *s)
{
	int	 rc;

	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_RESTART,
	    NULL, NULL);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return ERR_OK;		/* readers in the way: next time */
	return rc == SQLITE_OK ? ERR_OK : store_sqlerr(s, rc, "store: checkpoint");
}
