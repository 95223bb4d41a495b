/*
 * store_err.c: SQLite result codes mapped onto the error table, each
 * logged once with SQLite's message (store_int.h).  Every file of the
 * store calls it; it calls none of them.
 */
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
