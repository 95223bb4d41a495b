/*
 * policy_db.c: policy.db (policy_db.h).  Small tables, written in
 * batches by the guard: statements are prepared once at open.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "policy_db.h"

enum {
	P_HELD_PUT,
	P_HELD_DEL,
	P_HELD_PAGE,
	P_HELD_COUNT,
	P_HELD_OLDEST,
	P_EV_PUT,
	P_EV_ALL,
	P_EV_COUNT,
	P_EV_OLDEST,
	P_EV_DEL,
	P_STATE_PUT,
	P_STATE_GET,
	P__COUNT
};

struct policy_db {
	sqlite3		*db;
	sqlite3_stmt	*q[P__COUNT];
	bool		 rdonly;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS held("
    " id BLOB PRIMARY KEY,"
    " pubkey BLOB NOT NULL,"
    " at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS held_at ON held(at);"
    "CREATE TABLE IF NOT EXISTS evicted("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " id BLOB NOT NULL UNIQUE,"
    " at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS state("
    " k TEXT PRIMARY KEY,"
    " v TEXT NOT NULL,"
    " at INTEGER NOT NULL) WITHOUT ROWID;"
    "PRAGMA user_version = 1;";

static const char *const sql[P__COUNT] = {
	[P_HELD_PUT] = "INSERT OR REPLACE INTO held(id, pubkey, at)"
	    " VALUES (?, ?, ?)",
	[P_HELD_DEL] = "DELETE FROM held WHERE id = ?",
	[P_HELD_PAGE] = "SELECT id, pubkey, at FROM held WHERE id > ?"
	    " ORDER BY id LIMIT ?",
	[P_HELD_COUNT] = "SELECT count(*) FROM held",
	[P_HELD_OLDEST] = "SELECT id, pubkey, at FROM held ORDER BY at, id"
	    " LIMIT ?",
	[P_EV_PUT] = "INSERT OR IGNORE INTO evicted(id, at) VALUES (?, ?)",
	[P_EV_ALL] = "SELECT id FROM evicted ORDER BY seq",
	[P_EV_COUNT] = "SELECT count(*) FROM evicted",
	[P_EV_OLDEST] = "SELECT seq, id FROM evicted ORDER BY seq LIMIT ?",
	[P_EV_DEL] = "DELETE FROM evicted WHERE seq <= ?",
	[P_STATE_PUT] = "INSERT OR REPLACE INTO state(k, v, at)"
	    " VALUES ('node', ?, ?)",
	[P_STATE_GET] = "SELECT v, at FROM state WHERE k = 'node'",
};

static enum err
sqlerr(struct policy_db *p, int rc, const char *what)
{
	log_warnx("policy.db: %s: %s", what, p != NULL && p->db != NULL ?
	    sqlite3_errmsg(p->db) : sqlite3_errstr(rc));
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ERR_DB_BUSY;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return ERR_DB_CORRUPT;
	case SQLITE_FULL:
		return ERR_DB_FULL;
	case SQLITE_NOMEM:
		return ERR_NOMEM;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return ERR_IO;
	}
	return ERR_DB;
}

/* Steps a statement to its end; resets it. */
static enum err
run(struct policy_db *p, sqlite3_stmt *st, const char *what)
{
	int	 rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? ERR_OK : sqlerr(p, rc, what);
}

enum err
policy_db_open(struct policy_db **pp, const char *path, bool rdonly)
{
	struct policy_db *p;
	int	 rc, i;
	enum err e = ERR_OK;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return ERR_NOMEM;
	p->rdonly = rdonly;
	rc = sqlite3_open_v2(path, &p->db, (rdonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		e = rc == SQLITE_CANTOPEN ? ERR_IO : sqlerr(p, rc, "open");
		goto bad;
	}
	sqlite3_busy_timeout(p->db, 2000);
	if (!rdonly && ((rc = sqlite3_exec(p->db, "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=NORMAL;", NULL, NULL, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_exec(p->db, schema, NULL, NULL, NULL)) !=
	    SQLITE_OK)) {
		e = sqlerr(p, rc, "schema");
		goto bad;
	}
	for (i = 0; i < P__COUNT; i++) {
		rc = sqlite3_prepare_v3(p->db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &p->q[i], NULL);
		if (rc != SQLITE_OK) {
			e = sqlerr(p, rc, "prepare");
			goto bad;
		}
	}
	*pp = p;
	return ERR_OK;
bad:
	policy_db_close(p);
	return e;
}

void
policy_db_close(struct policy_db *p)
{
	int	 i;

	if (p == NULL)
		return;
	for (i = 0; i < P__COUNT; i++)
		sqlite3_finalize(p->q[i]);
	if (p->db != NULL && sqlite3_close(p->db) != SQLITE_OK)
		log_warnx("policy.db: close: %s", sqlite3_errmsg(p->db));
	free(p);
}

enum err
policy_db_begin(struct policy_db *p)
{
	int	 rc = sqlite3_exec(p->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	return rc == SQLITE_OK ? ERR_OK : sqlerr(p, rc, "begin");
}

enum err
policy_db_commit(struct policy_db *p)
{
	int	 rc = sqlite3_exec(p->db, "COMMIT", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return ERR_OK;
	sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
	return sqlerr(p, rc, "commit");
}

enum err
policy_db_held_put(struct policy_db *p, const uint8_t id[32],
    const uint8_t pubkey[32], uint64_t at)
{
	sqlite3_stmt *st = p->q[P_HELD_PUT];

	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, pubkey, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)at);
	return run(p, st, "held");
}

enum err
policy_db_held_del(struct policy_db *p, const uint8_t id[32])
{
	sqlite3_stmt *st = p->q[P_HELD_DEL];

	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	return run(p, st, "held");
}

enum err
policy_db_held_each(struct policy_db *p, uint8_t *after, size_t max,
    policy_db_held_fn fn, void *arg)
{
	sqlite3_stmt *st = p->q[P_HELD_PAGE];
	static const uint8_t zero[32];
	uint8_t	 id[32], pk[32];
	size_t	 n = 0;
	bool	 stopped = false;
	int	 rc;

	sqlite3_bind_blob(st, 1, after != NULL ? after : zero, 32,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, max > 0 ? (sqlite3_int64)max : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != 32 ||
		    sqlite3_column_bytes(st, 1) != 32)
			continue;
		memcpy(id, sqlite3_column_blob(st, 0), 32);
		memcpy(pk, sqlite3_column_blob(st, 1), 32);
		n++;
		if (after != NULL)
			memcpy(after, id, 32);
		if (fn(id, pk, (uint64_t)sqlite3_column_int64(st, 2), arg) !=
		    0) {
			stopped = true;
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sqlerr(p, rc, "held");
	/* A page short of max was the last: start over next time. */
	if (after != NULL && !stopped && (max == 0 || n < max))
		memset(after, 0, 32);
	return ERR_OK;
}

enum err
policy_db_held_oldest(struct policy_db *p, size_t max, policy_db_held_fn fn,
    void *arg)
{
	sqlite3_stmt *st = p->q[P_HELD_OLDEST];
	int	 rc;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != 32 ||
		    sqlite3_column_bytes(st, 1) != 32)
			continue;
		if (fn(sqlite3_column_blob(st, 0), sqlite3_column_blob(st, 1),
		    (uint64_t)sqlite3_column_int64(st, 2), arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? ERR_OK : sqlerr(p, rc, "held");
}

static enum err
count(struct policy_db *p, sqlite3_stmt *st, uint64_t *n)
{
	int	 rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? ERR_OK : sqlerr(p, rc, "count");
}

enum err
policy_db_held_count(struct policy_db *p, uint64_t *n)
{
	return count(p, p->q[P_HELD_COUNT], n);
}

enum err
policy_db_evicted_put(struct policy_db *p, const uint8_t id[32], uint64_t at)
{
	sqlite3_stmt *st = p->q[P_EV_PUT];

	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)at);
	return run(p, st, "evicted");
}

enum err
policy_db_evicted_each(struct policy_db *p, policy_db_id_fn fn, void *arg)
{
	sqlite3_stmt *st = p->q[P_EV_ALL];
	int	 rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (sqlite3_column_bytes(st, 0) == 32)
			fn(sqlite3_column_blob(st, 0), arg);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? ERR_OK : sqlerr(p, rc, "evicted");
}

enum err
policy_db_evicted_trim(struct policy_db *p, uint64_t keep,
    policy_db_id_fn removed, void *arg)
{
	sqlite3_stmt *st = p->q[P_EV_OLDEST];
	sqlite3_int64 last = -1;
	uint64_t n = 0;
	int	 rc;
	enum err e;

	if ((e = count(p, p->q[P_EV_COUNT], &n)) != ERR_OK || n <= keep)
		return e;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)(n - keep));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		last = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == 32)
			removed(sqlite3_column_blob(st, 1), arg);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sqlerr(p, rc, "evicted");
	st = p->q[P_EV_DEL];
	sqlite3_bind_int64(st, 1, last);
	return run(p, st, "evicted");
}

enum err
policy_db_state_put(struct policy_db *p, const char *json, size_t len,
    uint64_t at)
{
	sqlite3_stmt *st = p->q[P_STATE_PUT];

	sqlite3_bind_text(st, 1, json, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)at);
	return run(p, st, "state");
}

enum err
policy_db_state_get(struct policy_db *p, struct buf *b, uint64_t *at)
{
	sqlite3_stmt *st = p->q[P_STATE_GET];
	int	 rc = sqlite3_step(st);

	*at = 0;
	if (rc == SQLITE_ROW) {
		buf_append(b, sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
		*at = (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlerr(p, rc, "state");
	return b->err ? ERR_NOMEM : ERR_OK;
}

enum err
policy_db_size(struct policy_db *p, uint64_t *bytes)
{
	sqlite3_stmt *st;
	sqlite3_int64 v[3] = { 0, 0, 0 };
	const char *q[3] = { "PRAGMA page_count", "PRAGMA freelist_count",
	    "PRAGMA page_size" };
	int	 i, rc;

	for (i = 0; i < 3; i++) {
		if ((rc = sqlite3_prepare_v2(p->db, q[i], -1, &st, NULL)) !=
		    SQLITE_OK)
			return sqlerr(p, rc, "size");
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			v[i] = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW)
			return sqlerr(p, rc, "size");
	}
	*bytes = (uint64_t)((v[0] - v[1]) * v[2]);
	return ERR_OK;
}
