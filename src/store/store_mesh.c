/*
 * store_mesh.c: the links and seen tables (store_mesh.h).  Not on the hot
 * path: the mesh batches its writes (mesh.c), so statements are prepared
 * per call.
 */
#include <string.h>

#include "store_int.h"
#include "store_mesh.h"

static enum err
prep(struct store *s, const char *sql, sqlite3_stmt **st)
{
	int	 rc;

	if ((rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL)) != SQLITE_OK)
		return store_sqlerr(s, rc, "store: mesh");
	return ERR_OK;
}

static enum err
done(struct store *s, sqlite3_stmt *st, int rc)
{
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW && rc != SQLITE_OK)
		return store_sqlerr(s, rc, "store: mesh");
	return ERR_OK;
}

static void
text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	if (t == NULL)
		t = (const unsigned char *)"";
	strncpy(dst, (const char *)t, size - 1);
	dst[size - 1] = '\0';
}

enum err
store_link_add(struct store *s, const char *name, enum link_kind kind,
    const char *how, const char *npub, int64_t *lid)
{
	sqlite3_stmt *st;
	enum err e;
	int	 rc;

	if ((e = prep(s, "INSERT INTO links(name, kind, how, npub)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(name, kind) DO UPDATE SET"
	    " npub = coalesce(excluded.npub, npub) RETURNING lid",
	    &st)) != ERR_OK)
		return e;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)kind);
	sqlite3_bind_text(st, 3, how, -1, SQLITE_STATIC);
	if (npub != NULL && npub[0] != '\0')
		sqlite3_bind_text(st, 4, npub, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*lid = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	return done(s, st, rc);
}

enum err
store_link_update(struct store *s, int64_t lid, const char *state,
    int64_t last_seen, int64_t last_sync, uint64_t sent, uint64_t received,
    uint64_t refused, const char *error)
{
	sqlite3_stmt *st;
	enum err e;

	if ((e = prep(s, "UPDATE links SET state = coalesce(?2, state),"
	    " last_seen = max(last_seen, ?3), last_sync = max(last_sync, ?4),"
	    " sent = sent + ?5, received = received + ?6,"
	    " refused = refused + ?7, error = coalesce(?8, error)"
	    " WHERE lid = ?1", &st)) != ERR_OK)
		return e;
	sqlite3_bind_int64(st, 1, lid);
	if (state != NULL)
		sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, last_seen);
	sqlite3_bind_int64(st, 4, last_sync);
	sqlite3_bind_int64(st, 5, (int64_t)sent);
	sqlite3_bind_int64(st, 6, (int64_t)received);
	sqlite3_bind_int64(st, 7, (int64_t)refused);
	if (error != NULL)
		sqlite3_bind_text(st, 8, error, -1, SQLITE_STATIC);
	return done(s, st, sqlite3_step(st));
}

enum err
store_seen_put(struct store *s, const uint8_t id[32], int64_t lid,
    enum seen_how how, int64_t at, const char *reason)
{
	sqlite3_stmt *st;
	enum err e;

	/*
	 * The first thing known stays: an event the peer accepted from us
	 * and then sent back (a sync round that crossed a live forward) was
	 * not received from it, and a later refusal is noise.  Only a
	 * refusal gives way, to a newer refusal or to the peer taking it,
	 * and "sent to" to the peer's own OK, true or false (the event
	 * coming back from a node we sent it to is not news of where it
	 * came from).
	 */
	if ((e = prep(s, "INSERT INTO seen(eid, lid, how, at, reason)"
	    " SELECT eid, ?2, ?3, ?4, ?5 FROM events WHERE id = ?1"
	    " ON CONFLICT(eid, lid) DO UPDATE SET how = excluded.how,"
	    " at = excluded.at, reason = excluded.reason"
	    " WHERE (seen.how = 3 AND excluded.how != 4)"
	    " OR (seen.how = 4 AND excluded.how IN (2, 3))", &st)) != ERR_OK)
		return e;
	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, lid);
	sqlite3_bind_int(st, 3, (int)how);
	sqlite3_bind_int64(st, 4, at);
	sqlite3_bind_text(st, 5, reason ? reason : "", -1, SQLITE_STATIC);
	return done(s, st, sqlite3_step(st));
}

bool
store_seen_has(struct store *s, const uint8_t id[32], int64_t lid)
{
	sqlite3_stmt *st;
	bool	 has;

	if (prep(s, "SELECT 1 FROM seen WHERE lid = ?2 AND how != 3 AND"
	    " eid = (SELECT eid FROM events WHERE id = ?1)", &st) != ERR_OK)
		return false;
	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, lid);
	has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return has;
}

#define LINK_COLS "l.lid, l.name, l.kind, l.how, l.npub, l.state," \
	" l.last_seen, l.last_sync, l.sent, l.received, l.refused, l.error"

static void
link_read(sqlite3_stmt *st, struct link_row *r)
{
	memset(r, 0, sizeof(*r));
	r->lid = sqlite3_column_int64(st, 0);
	text(r->name, sizeof(r->name), st, 1);
	r->kind = (enum link_kind)sqlite3_column_int(st, 2);
	text(r->how, sizeof(r->how), st, 3);
	text(r->npub, sizeof(r->npub), st, 4);
	text(r->state, sizeof(r->state), st, 5);
	r->last_seen = sqlite3_column_int64(st, 6);
	r->last_sync = sqlite3_column_int64(st, 7);
	r->sent = (uint64_t)sqlite3_column_int64(st, 8);
	r->received = (uint64_t)sqlite3_column_int64(st, 9);
	r->refused = (uint64_t)sqlite3_column_int64(st, 10);
	text(r->error, sizeof(r->error), st, 11);
}

enum err
store_links(struct store *s, store_link_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct link_row r;
	enum err e;
	int	 rc;

	if ((e = prep(s, "SELECT " LINK_COLS " FROM links l"
	    " ORDER BY l.last_seen DESC, l.lid", &st)) != ERR_OK)
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		link_read(st, &r);
		if (cb(&r, arg) != 0)
			break;
	}
	return done(s, st, rc);
}

enum err
store_seen(struct store *s, const uint8_t id[32], bool *stored,
    store_seen_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct link_row l;
	struct seen_row r;
	enum err e;
	int	 rc;

	if ((e = prep(s, "SELECT 1 FROM events WHERE id = ?", &st)) != ERR_OK)
		return e;
	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*stored = rc == SQLITE_ROW;
	if ((e = done(s, st, rc)) != ERR_OK)
		return e;
	if (!*stored || cb == NULL)
		return ERR_OK;
	if ((e = prep(s, "SELECT " LINK_COLS ", s.how, s.at, s.reason"
	    " FROM seen s JOIN links l ON l.lid = s.lid"
	    " WHERE s.eid = (SELECT eid FROM events WHERE id = ?)"
	    " ORDER BY l.kind, s.at", &st)) != ERR_OK)
		return e;
	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		link_read(st, &l);
		memset(&r, 0, sizeof(r));
		r.link = &l;
		r.how = (enum seen_how)sqlite3_column_int(st, 12);
		r.at = sqlite3_column_int64(st, 13);
		text(r.reason, sizeof(r.reason), st, 14);
		if (cb(&r, arg) != 0)
			break;
	}
	return done(s, st, rc);
}

const char *
link_kind_name(enum link_kind k)
{
	switch (k) {
	case LINK_PEER:
		return "peer";
	case LINK_RELAY:
		return "relay";
	case LINK_DIR:
		return "dir";
	case LINK_BLOSSOM:
		return "blossom";
	}
	return "?";
}

const char *
seen_how_name(enum seen_how h)
{
	switch (h) {
	case SEEN_RECEIVED:
		return "received from";
	case SEEN_ACCEPTED:
		return "accepted by";
	case SEEN_REFUSED:
		return "refused by";
	case SEEN_SENT:
		return "sent to";
	}
	return "?";
}
