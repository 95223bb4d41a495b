/*
 * store_err.c: SQLite result codes mapped to the error table, logged
 * once, and the one-integer query (a PRAGMA's) the checks share.  Apart from store.c so that the modules store.c calls (the
 * witness index) can use it without a cycle between files.
 */
#include <sqlite3.h>

#include "log.h"
#include "store_int.h"

enum err
store_sqlerr(struct store *s, int rc, const char *what)
{
	const char *msg = s && s->db ? sqlite3_errmsg(s->db) :
	    sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		log_warnx("%s: database is locked: %s", what, msg);
		return ERR_DB_BUSY;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		log_warnx("%s: %s", what, msg);
		return ERR_DB_CORRUPT;
	case SQLITE_FULL:
		log_warnx("%s: %s", what, msg);
		return ERR_DB_FULL;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_PERM:
		log_warnx("%s: %s", what, msg);
		return ERR_IO;
	case SQLITE_NOMEM:
		return ERR_NOMEM;
	}
	log_warnx("%s: %s", what, msg);
	return ERR_DB;
}

int
store_sql_int(sqlite3 *db, const char *sql, int *v)
{
	sqlite3_stmt *st;
	int	 rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*v = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}
