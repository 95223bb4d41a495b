/*
 * store.c: opening the SQLite store and writing to it: store_put with the
 * NIP-01 replacement rules, NIP-09 deletions and NIP-40 purging.  The
 * schema text is in store_schema.c, queries in store_query.c; a store
 * from elsewhere (a USB stick) is checked by store_foreign.c before it
 * is handed to store_attach here.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hex.h"
#include "log.h"
#include "store_custody.h"
#include "store_int.h"
#include "witness_store.h"

#define Q_INSERT_V6	"INSERT INTO events(id, created_at, kind, aid, d," \
			" expires, json) VALUES (?, ?, ?, ?, ?, ?, ?)"

static const char *const store_sql[Q__COUNT] = {
	[Q_HAS] = "SELECT 1 FROM events WHERE id = ?",
	[Q_AUTHOR_GET] = "SELECT aid FROM authors WHERE pubkey = ?",
	[Q_AUTHOR_ADD] = "INSERT INTO authors(pubkey) VALUES (?)",
	[Q_INSERT] = "INSERT INTO events(id, created_at, kind, aid, d,"
	    " expires, json, sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_TAG] = "INSERT OR IGNORE INTO tags(key, created_at, eid)"
	    " VALUES (?, ?, ?)",
	[Q_FTS] = "INSERT INTO fts(rowid, content) VALUES (?, ?)",
	[Q_FTS_DEL] = "INSERT INTO fts(fts, rowid, content)"
	    " VALUES ('delete', ?, ?)",
	[Q_REPL_FIND] = "SELECT eid, created_at, id FROM events"
	    " WHERE aid = ? AND kind = ?",
	[Q_ADDR_FIND] = "SELECT eid, created_at, id FROM events"
	    " WHERE aid = ? AND kind = ? AND d = ?",
	[Q_DELETED] = "SELECT 1 FROM deleted WHERE id = ? AND aid = ?",
	[Q_ADDR_DELETED] = "SELECT until FROM addr_deleted"
	    " WHERE aid = ? AND kind = ? AND d = ?",
	[Q_DEL_MARK] = "INSERT OR IGNORE INTO deleted(id, aid) VALUES (?, ?)",
	[Q_ADDR_DEL_MARK] = "INSERT INTO addr_deleted(aid, kind, d, until)"
	    " VALUES (?, ?, ?, ?) ON CONFLICT(aid, kind, d) DO UPDATE"
	    " SET until = max(until, excluded.until)",
	[Q_GET_BY_ID] = "SELECT eid, aid, kind FROM events WHERE id = ?",
	[Q_GET_BY_EID] = "SELECT " EV_JSON " FROM events WHERE eid = ?",
	[Q_EV_DEL] = "DELETE FROM events WHERE eid = ?",
	[Q_TAG_DEL] = "DELETE FROM tags WHERE key = ? AND created_at = ?"
	    " AND eid = ?",
	[Q_ADDR_VICTIMS] = "SELECT eid FROM events WHERE aid = ? AND kind = ?"
	    " AND coalesce(d, '') = ? AND created_at <= ?",
	[Q_EXPIRED] = "SELECT eid FROM events WHERE expires IS NOT NULL"
	    " AND expires <= ? LIMIT 1000",
	[Q_COUNT_ALL] = "SELECT count(*) FROM events",
	[Q_GET_JSON] = "SELECT " EV_JSON " FROM events WHERE id = ?"
	    " AND (expires IS NULL OR expires > ?)",
};

static enum err
store_exec(struct store *s, const char *sql)
{
	int	 rc;

	if ((rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL)) != SQLITE_OK)
		return store_sqlerr(s, rc, "store");
	return ERR_OK;
}

static enum err
store_schema_init(struct store *s)
{
	int	 rc, version = 0, target = STORE_SCHEMA_VERSION, i;
	char	 set[64];
	enum err e;

	if ((rc = store_sql_int(s->db, "PRAGMA user_version", &version)) !=
	    SQLITE_OK)
		return store_sqlerr(s, rc, "store");
	if (version > STORE_SCHEMA_VERSION) {
		log_warnx("store: schema version %d is newer than this "
		    "samizdat understands (%d); upgrade samizdat", version,
		    STORE_SCHEMA_VERSION);
		return ERR_DB_VERSION;
	}
	s->version = version;
	/*
	 * Version 7 changes what events.json holds, and an older samizdat
	 * reading it would send rows written since then without their id and
	 * sig.  So only the daemon takes an existing store there (an older
	 * daemon is stopped first: docs/store.md), never a command that may
	 * run beside an older one, and never a stick: it goes from node to
	 * node, and some run an older samizdat.  Those stay at 6, which
	 * every samizdat since then reads.
	 */
	if (version > 0 && version <= STORE_COMPAT_VERSION &&
	    (!(s->flags & STORE_UPGRADE) || (s->flags & STORE_FOREIGN)))
		target = STORE_COMPAT_VERSION;
	if (version == target || (s->flags & STORE_RDONLY))
		return ERR_OK;
	/* A foreign store passed the exact check for its version: never 0. */
	if ((s->flags & STORE_FOREIGN) && version < 1)
		return ERR_FOREIGN;
	if ((e = store_exec(s, "BEGIN IMMEDIATE")) != ERR_OK)
		return e;
	/* Parts 1-6 may run again (IF NOT EXISTS): they mend what lacks. */
	for (i = 0, e = ERR_OK; i < target && e == ERR_OK; i++)
		if (i < STORE_PARTS_AGAIN || i >= version)
			e = store_exec(s, store_schema_parts[i]);
	/* From here on statements may read events.sig (store_evjson.c). */
	s->version = target;
	/* Version 3's witness index filled from what was stored before. */
	if (e == ERR_OK)
		e = witness_schema(s, version);
	/* Events stored before the custody log get lines via "store". */
	if (e == ERR_OK && version > 0 && version < 5)
		e = store_custody_backfill(s);
	/* Version 6: the NIP-77 index, built from the events. */
	if (e == ERR_OK && version < 6)
		e = store_neg_rebuild(s);
	snprintf(set, sizeof(set), "PRAGMA user_version = %d", target);
	if (e != ERR_OK || (e = store_exec(s, set)) != ERR_OK ||
	    (e = store_exec(s, "COMMIT")) != ERR_OK) {
		store_exec(s, "ROLLBACK");
		s->version = version;
		return e;
	}
	return ERR_OK;
}

enum err
store_open(struct store **sp, const char *path, int flags)
{
	sqlite3	*db = NULL;
	int	 rc;

	rc = sqlite3_open_v2(path, &db, ((flags & STORE_RDONLY) ?
	    SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_warnx("%s: %s", path, db ? sqlite3_errmsg(db) :
		    sqlite3_errstr(rc));
		sqlite3_close(db);
		if (rc == SQLITE_CANTOPEN)
			return ERR_IO;
		return store_sqlerr(NULL, rc, path);
	}
	return store_attach(sp, db, flags & ~STORE_FOREIGN, NULL);
}

enum err
store_attach(struct store **sp, sqlite3 *db, int flags, struct store_fx *fx)
{
	struct store *s;
	int	 rc, i;
	enum err e;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		sqlite3_close(db);
		free(fx);
		return ERR_NOMEM;
	}
	s->db = db;
	s->fx = fx;
	s->flags = flags;
	buf_init(&s->tmp, 0);
	sqlite3_extended_result_codes(s->db, 0);
	sqlite3_busy_timeout(s->db, 5000);
	if ((rc = store_evjson_register(s->db)) != SQLITE_OK) {
		e = store_sqlerr(s, rc, "store: ev_json");
		goto bad;
	}
	if (!(flags & STORE_RDONLY) &&
	    (e = store_exec(s, "PRAGMA journal_mode=WAL")) != ERR_OK)
		goto bad;
	/* A stick may be pulled out: every commit on it reaches the disk. */
	if ((e = store_exec(s, (flags & (STORE_SYNC_FULL | STORE_FOREIGN)) ?
	    "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL")) != ERR_OK)
		goto bad;
	/* Bounded memory: 8 MiB page cache whatever the store's size. */
	if ((e = store_exec(s, (flags & (STORE_HELPER | STORE_FOREIGN)) ?
	    "PRAGMA cache_size=-2048; PRAGMA temp_store=FILE" :
	    "PRAGMA cache_size=-8192; PRAGMA temp_store=FILE")) != ERR_OK)
		goto bad;
	/* Pages from elsewhere are checked as they are read; no mmap. */
	if ((flags & STORE_FOREIGN) && (e = store_exec(s,
	    "PRAGMA mmap_size=0; PRAGMA cell_size_check=ON")) != ERR_OK)
		goto bad;
	if ((e = store_schema_init(s)) != ERR_OK)
		goto bad;
	for (i = 0; i < Q__COUNT; i++) {
		if ((flags & STORE_RDONLY) && i != Q_HAS && i != Q_COUNT_ALL &&
		    i != Q_GET_BY_EID && i != Q_GET_JSON)
			continue;
		/* A stick kept at version 6 has no sig column. */
		rc = store_prepare(s, i == Q_INSERT && s->version <
		    STORE_SIG_VERSION ? Q_INSERT_V6 : store_sql[i],
		    SQLITE_PREPARE_PERSISTENT, &s->q[i]);
		if (rc != SQLITE_OK) {
			e = store_sqlerr(s, rc, "store: prepare");
			goto bad;
		}
	}
	*sp = s;
	return ERR_OK;
bad:
	store_close(s);
	return e;
}

void
store_close(struct store *s)
{
	int	 i;

	if (s == NULL)
		return;
	for (i = 0; i < Q__COUNT; i++)
		sqlite3_finalize(s->q[i]);
	store_neg_free(s);
	witness_cache_free(s->wc);
	store_custody_close(s);
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		log_warnx("store: close: %s", sqlite3_errmsg(s->db));
	/* After the handle: its progress handler reads fx. */
	if (s->fx != NULL) {
		if (s->fx->dbfd >= 0)
			close(s->fx->dbfd);
		if (s->fx->dirfd >= 0)
			close(s->fx->dirfd);
		free(s->fx);
	}
	buf_free(&s->tmp);
	free(s);
}

enum err
store_begin(struct store *s)
{
	enum err e;

	if ((e = store_exec(s, "BEGIN IMMEDIATE")) == ERR_OK) {
		s->in_tx = 1;
		s->txn++;	/* the custody log's cached head is this tx's */
	}
	return e;
}

enum err
store_commit(struct store *s)
{
	enum err e;

	if ((e = store_exec(s, "COMMIT")) == ERR_OK)
		s->in_tx = 0;
	return e;
}

bool
store_in_tx(const struct store *s)
{
	return s->in_tx != 0;
}

void
store_rollback(struct store *s)
{
	if (sqlite3_get_autocommit(s->db) == 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = 0;
}

/* Steps a statement expecting no row; resets it. */
static enum err
step_done(struct store *s, sqlite3_stmt *st, const char *what)
{
	int	 rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, rc, what);
	return ERR_OK;
}

bool
store_has(struct store *s, const uint8_t id[32])
{
	sqlite3_stmt *st = s->q[Q_HAS];
	bool	 found;

	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return found;
}

enum err
store_get(struct store *s, const uint8_t id[32], uint64_t now,
    store_row_cb cb, void *arg)
{
	sqlite3_stmt *st = s->q[Q_GET_JSON];
	int	 rc;

	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	/* A NULL where a NOT NULL column is (a damaged file): no event. */
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL)
		cb((const char *)sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), arg);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: get");
	return ERR_OK;
}

enum err
store_event_count(struct store *s, uint64_t *n)
{
	sqlite3_stmt *st = s->q[Q_COUNT_ALL];
	int	 rc;

	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_sqlerr(s, rc, "store: count");
	}
	*n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ERR_OK;
}

/*
 * Tag keys: the letter, then ':' and the value, except that a value of 64
 * lowercase hex (ids and pubkeys, most tag values) is stored as the letter,
 * 0x01 and 32 bytes.  Filters build keys with the same function.
 */
void
store_tag_key(struct buf *b, char name, const char *v, size_t n)
{
	uint8_t	 raw[32];

	buf_reset(b);
	buf_putc(b, name);
	if (hex_decode(v, n, raw, 32)) {
		buf_putc(b, 0x01);
		buf_append(b, raw, 32);
	} else {
		buf_putc(b, ':');
		buf_append(b, v, n);
	}
}

static enum err
author_id(struct store *s, const uint8_t pubkey[32], sqlite3_int64 *aid)
{
	sqlite3_stmt *st = s->q[Q_AUTHOR_GET];
	int	 rc;
	enum err e;

	sqlite3_bind_blob(st, 1, pubkey, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*aid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return ERR_OK;
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: author");
	st = s->q[Q_AUTHOR_ADD];
	sqlite3_bind_blob(st, 1, pubkey, 32, SQLITE_STATIC);
	if ((e = step_done(s, st, "store: author")) != ERR_OK)
		return e;
	*aid = sqlite3_last_insert_rowid(s->db);
	return ERR_OK;
}

/* Kinds whose content is ciphertext or machine data: not worth indexing. */
static bool
fts_wanted(const struct event *ev)
{
	switch (ev->kind) {
	case 4: case 13: case 14: case 1059: case 1060:
		return false;
	}
	return ev->content.n > 0;
}

static enum err
put_tags(struct store *s, const struct event *ev, sqlite3_int64 eid,
    bool add)
{
	sqlite3_stmt *st = s->q[add ? Q_TAG : Q_TAG_DEL];
	size_t	 i;
	enum err e;

	for (i = 0; i < ev->ntags; i++) {
		const struct tag *t = &ev->tags[i];

		if (t->n < 2 || t->v[0].n != 1 ||
		    !((t->v[0].p[0] >= 'a' && t->v[0].p[0] <= 'z') ||
		    (t->v[0].p[0] >= 'A' && t->v[0].p[0] <= 'Z')))
			continue;
		store_tag_key(&s->tmp, t->v[0].p[0], t->v[1].p, t->v[1].n);
		if (s->tmp.err)
			return ERR_NOMEM;
		sqlite3_bind_blob(st, 1, s->tmp.p, (int)s->tmp.len,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)ev->created_at);
		sqlite3_bind_int64(st, 3, eid);
		if ((e = step_done(s, st, "store: tags")) != ERR_OK)
			return e;
	}
	return ERR_OK;
}

/* Removes a stored event and everything that indexes it. */
static enum err
unlink_event(struct store *s, sqlite3_int64 eid)
{
	sqlite3_stmt *st = s->q[Q_GET_BY_EID];
	struct event ev;
	struct event_limits lim = { 0, SIZE_MAX, SIZE_MAX };
	char	*json = NULL;
	void	*scratch = NULL;
	size_t	 len = 0;
	int	 rc;
	enum err e = ERR_OK;

	sqlite3_bind_int64(st, 1, eid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		len = (size_t)sqlite3_column_bytes(st, 0);
		if ((json = malloc(len + 1)) != NULL)
			memcpy(json, sqlite3_column_text(st, 0), len);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return ERR_OK;
	if (rc != SQLITE_ROW)
		return store_sqlerr(s, rc, "store: unlink");
	if (json == NULL || (scratch = malloc(EVENT_SCRATCH(len))) == NULL) {
		free(json);
		return ERR_NOMEM;
	}
	/* Stored JSON was checked at ingest; failing to parse is corruption. */
	lim.max_size = len;
	if (event_parse(json, len, &lim, &ev, scratch, EVENT_SCRATCH(len)) !=
	    ERR_OK) {
		log_warnx("store: event %lld does not parse", (long long)eid);
		e = ERR_DB_CORRUPT;
		goto done;
	}
	if ((e = put_tags(s, &ev, eid, false)) != ERR_OK)
		goto done;
	if (fts_wanted(&ev)) {
		st = s->q[Q_FTS_DEL];
		sqlite3_bind_int64(st, 1, eid);
		sqlite3_bind_text(st, 2, ev.content.p, (int)ev.content.n,
		    SQLITE_STATIC);
		if ((e = step_done(s, st, "store: fts")) != ERR_OK)
			goto done;
	}
	st = s->q[Q_EV_DEL];
	sqlite3_bind_int64(st, 1, eid);
	if ((e = step_done(s, st, "store: unlink")) == ERR_OK)
		e = store_neg_del(s, ev.created_at, ev.id);
done:
	free(scratch);
	free(json);
	return e;
}

/*
 * Replaceable and addressable: the stored version that wins is the newest,
 * ties to the lowest id.  Returns ERR_HAVE_NEWER if ours loses, otherwise
 * removes the older versions.
 */
static enum err
replace_older(struct store *s, const struct event *ev, sqlite3_int64 aid,
    struct str d, bool addressable)
{
	sqlite3_stmt *st = s->q[addressable ? Q_ADDR_FIND : Q_REPL_FIND];
	sqlite3_int64 victims[16];
	size_t	 nv = 0, i;
	int	 rc;
	enum err e;

	sqlite3_bind_int64(st, 1, aid);
	sqlite3_bind_int64(st, 2, ev->kind);
	if (addressable)
		sqlite3_bind_text(st, 3, d.p, (int)d.n, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint64_t ca = (uint64_t)sqlite3_column_int64(st, 1);
		const void *id = sqlite3_column_blob(st, 2);

		if (ca > ev->created_at || (ca == ev->created_at &&
		    id != NULL && memcmp(id, ev->id, 32) < 0)) {
			sqlite3_reset(st);
			return ERR_HAVE_NEWER;
		}
		if (nv < sizeof(victims) / sizeof(victims[0]))
			victims[nv++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: replace");
	for (i = 0; i < nv; i++)
		if ((e = unlink_event(s, victims[i])) != ERR_OK)
			return e;
	return ERR_OK;
}

static enum err
check_deleted(struct store *s, const struct event *ev, sqlite3_int64 aid,
    enum event_class cls, struct str d)
{
	sqlite3_stmt *st = s->q[Q_DELETED];
	int	 rc;

	sqlite3_bind_blob(st, 1, ev->id, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, aid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return ERR_DELETED;
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: deleted");
	if (cls != EVENT_REPLACEABLE && cls != EVENT_ADDRESSABLE)
		return ERR_OK;
	st = s->q[Q_ADDR_DELETED];
	sqlite3_bind_int64(st, 1, aid);
	sqlite3_bind_int64(st, 2, ev->kind);
	sqlite3_bind_text(st, 3, d.p, (int)d.n, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (uint64_t)sqlite3_column_int64(st, 0) >=
	    ev->created_at) {
		sqlite3_reset(st);
		return ERR_DELETED;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: deleted");
	return ERR_OK;
}

/* NIP-09 e tag: remember it; remove the target if it is the author's own. */
static enum err
delete_by_id(struct store *s, const uint8_t id[32], sqlite3_int64 aid)
{
	sqlite3_stmt *st = s->q[Q_DEL_MARK];
	sqlite3_int64 eid = 0;
	int	 rc;
	bool	 victim = false;
	enum err e;

	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, aid);
	if ((e = step_done(s, st, "store: delete")) != ERR_OK)
		return e;
	st = s->q[Q_GET_BY_ID];
	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		eid = sqlite3_column_int64(st, 0);
		/* Only the author's own; a deletion never deletes a deletion. */
		victim = sqlite3_column_int64(st, 1) == aid &&
		    sqlite3_column_int64(st, 2) != 5;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: delete");
	return victim ? unlink_event(s, eid) : ERR_OK;
}

/* NIP-09 a tag "kind:pubkey:d": all versions up to the request's time. */
static enum err
delete_by_addr(struct store *s, const struct event *del, struct str a,
    sqlite3_int64 aid)
{
	sqlite3_stmt *st;
	sqlite3_int64 victims[64];
	uint8_t	 pk[32];
	uint64_t kind = 0;
	size_t	 i = 0, nv = 0, k;
	struct str d;
	int	 rc;
	enum err e;

	while (i < a.n && a.p[i] >= '0' && a.p[i] <= '9' && i < 6)
		kind = kind * 10 + (uint64_t)(a.p[i++] - '0');
	if (i == 0 || i >= a.n || a.p[i] != ':' || kind > 65535)
		return ERR_OK;
	i++;
	if (a.n - i < 65 || !hex_decode(a.p + i, 64, pk, 32) ||
	    a.p[i + 64] != ':')
		return ERR_OK;
	if (memcmp(pk, del->pubkey, 32) != 0)
		return ERR_OK;		/* not the author's: no effect */
	if (event_class((uint32_t)kind) != EVENT_REPLACEABLE &&
	    event_class((uint32_t)kind) != EVENT_ADDRESSABLE)
		return ERR_OK;
	d.p = a.p + i + 65;
	d.n = a.n - i - 65;
	if (event_class((uint32_t)kind) == EVENT_REPLACEABLE)
		d.n = 0;
	st = s->q[Q_ADDR_DEL_MARK];
	sqlite3_bind_int64(st, 1, aid);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)kind);
	sqlite3_bind_text(st, 3, d.p, (int)d.n, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)del->created_at);
	if ((e = step_done(s, st, "store: delete")) != ERR_OK)
		return e;
	st = s->q[Q_ADDR_VICTIMS];
	sqlite3_bind_int64(st, 1, aid);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)kind);
	sqlite3_bind_text(st, 3, d.p, (int)d.n, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)del->created_at);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    nv < sizeof(victims) / sizeof(victims[0]))
		victims[nv++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: delete");
	for (k = 0; k < nv; k++)
		if ((e = unlink_event(s, victims[k])) != ERR_OK)
			return e;
	return ERR_OK;
}

static enum err
apply_deletion(struct store *s, const struct event *ev, sqlite3_int64 aid)
{
	uint8_t	 id[32];
	size_t	 i;
	enum err e;

	for (i = 0; i < ev->ntags; i++) {
		const struct tag *t = &ev->tags[i];

		if (t->n < 2 || t->v[0].n != 1)
			continue;
		if (t->v[0].p[0] == 'e' &&
		    hex_decode(t->v[1].p, t->v[1].n, id, 32)) {
			if ((e = delete_by_id(s, id, aid)) != ERR_OK)
				return e;
		} else if (t->v[0].p[0] == 'a') {
			if ((e = delete_by_addr(s, ev, t->v[1], aid)) != ERR_OK)
				return e;
		}
	}
	return ERR_OK;
}

enum err
store_put(struct store *s, const struct event *ev, uint64_t now)
{
	enum event_class cls = event_class(ev->kind);
	struct str d = { "", 0 };
	sqlite3_stmt *st;
	sqlite3_int64 aid = 0, eid;
	uint64_t expires;
	struct buf json;
	size_t	 off, n;
	enum err e;
	bool	 own_tx = false;

	s->put_eid = 0;
	if (cls == EVENT_EPHEMERAL)
		return ERR_EPHEMERAL;
	if (store_has(s, ev->id))
		return ERR_DUPLICATE;
	if (event_expiration(ev, &expires) != ERR_OK)
		expires = 0;
	if (cls == EVENT_ADDRESSABLE)
		d = event_d(ev);
	if (!s->in_tx) {
		if ((e = store_begin(s)) != ERR_OK)
			return e;
		own_tx = true;
	}
	buf_init(&json, 0);
	if ((e = author_id(s, ev->pubkey, &aid)) != ERR_OK)
		goto done;
	if ((e = check_deleted(s, ev, aid, cls, d)) != ERR_OK)
		goto done;
	if ((cls == EVENT_REPLACEABLE || cls == EVENT_ADDRESSABLE) &&
	    (e = replace_older(s, ev, aid, d, cls == EVENT_ADDRESSABLE)))
		goto done;
	event_write_json(ev, &json);
	if (json.err) {
		e = ERR_NOMEM;
		goto done;
	}
	st = s->q[Q_INSERT];
	sqlite3_bind_blob(st, 1, ev->id, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)ev->created_at);
	sqlite3_bind_int64(st, 3, ev->kind);
	sqlite3_bind_int64(st, 4, aid);
	if (cls == EVENT_ADDRESSABLE)
		sqlite3_bind_text(st, 5, d.p, (int)d.n, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	if (expires != 0)
		sqlite3_bind_int64(st, 6, (sqlite3_int64)expires);
	else
		sqlite3_bind_null(st, 6);
	/* Without the id and sig when they are where ev_json puts them. */
	if (s->version >= STORE_SIG_VERSION && store_evjson_split(ev->id,
	    ev->sig, json.p, json.len, &off, &n)) {
		sqlite3_bind_text(st, 7, json.p + off, (int)n, SQLITE_STATIC);
		sqlite3_bind_blob(st, 8, ev->sig, 64, SQLITE_STATIC);
	} else {
		sqlite3_bind_text(st, 7, json.p, (int)json.len, SQLITE_STATIC);
		if (s->version >= STORE_SIG_VERSION)
			sqlite3_bind_null(st, 8);
	}
	if ((e = step_done(s, st, "store: insert")) != ERR_OK)
		goto done;
	eid = sqlite3_last_insert_rowid(s->db);
	if ((e = store_neg_add(s, ev->created_at, ev->id)) != ERR_OK ||
	    (e = put_tags(s, ev, eid, true)) != ERR_OK)
		goto done;
	if (fts_wanted(ev)) {
		st = s->q[Q_FTS];
		sqlite3_bind_int64(st, 1, eid);
		sqlite3_bind_text(st, 2, ev->content.p, (int)ev->content.n,
		    SQLITE_STATIC);
		if ((e = step_done(s, st, "store: fts")) != ERR_OK)
			goto done;
	}
	if (ev->kind == 5)
		e = apply_deletion(s, ev, aid);
	if (e == ERR_OK) {
		memcpy(s->put_id, ev->id, 32);
		s->put_eid = eid;
		s->put_aid = aid;
	}
done:
	buf_free(&json);
	if (own_tx) {
		if (e == ERR_OK)
			e = store_commit(s);
		if (e != ERR_OK)
			store_rollback(s);
	}
	return e;
}

enum err
store_purge_expired(struct store *s, uint64_t now, uint64_t *n)
{
	sqlite3_stmt *st = s->q[Q_EXPIRED];
	sqlite3_int64 eids[1000];
	size_t	 k, got;
	int	 rc;
	enum err e = ERR_OK;

	*n = 0;
	do {
		got = 0;
		if ((e = store_begin(s)) != ERR_OK)
			return e;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && got < 1000)
			eids[got++] = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			e = store_sqlerr(s, rc, "store: purge");
		for (k = 0; k < got && e == ERR_OK; k++)
			e = unlink_event(s, eids[k]);
		if (e != ERR_OK) {
			store_rollback(s);
			return e;
		}
		if ((e = store_commit(s)) != ERR_OK) {
			store_rollback(s);
			return e;
		}
		*n += got;
	} while (got == 1000);
	return ERR_OK;
}

enum err
store_remove(struct store *s, const uint8_t id[32])
{
	sqlite3_stmt *st = s->q[Q_GET_BY_ID];
	sqlite3_int64 eid;
	int	 rc;

	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	eid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: remove");
	return eid > 0 ? unlink_event(s, eid) : ERR_OK;
}
