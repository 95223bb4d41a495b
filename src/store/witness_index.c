/*
 * witness_index.c: the witness index (witness_store.h), kept by
 * ingest_store as events arrive by any path: the relay, imports, syncs
 * with relays and sticks, the mesh, the CLI.  Marks and vouches are kept
 * by (target, author), the newest winning (ties: the lowest id), so the
 * index is the same whatever order the events came in: a mark that
 * arrives before its report waits in the index (pend) and counts the
 * moment the report is stored.  A NIP-09 deletion of a label withdraws it
 * and brings back the author's newest remaining label on that target, if
 * any.  Statements and the shared helpers of witness_int.h live here too.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hex.h"
#include "log.h"
#include "witness_int.h"

static const char *const wsql[W__COUNT] = {
	[W_KEY_ADD] = "INSERT OR IGNORE INTO wkeys(aid, first_seen, first_eid)"
	    " VALUES (?, ?, ?)",
	[W_EV_BY_ID] = "SELECT eid, aid, kind FROM events WHERE id = ?",
	[W_MARK_PROBE] = "SELECT 1 FROM marks WHERE target = ? AND pend = 1"
	    " LIMIT 1",
	[W_PEND_KEYS] = "UPDATE wkeys SET pending = max(pending - 1, 0)"
	    " WHERE aid IN (SELECT aid FROM marks WHERE target = ?1"
	    " AND pend = 1)",
	[W_PEND_MARKS] = "UPDATE marks SET pend = 0 WHERE target = ? AND"
	    " pend = 1",
	[W_MARK_GET] = "SELECT created_at, lid FROM marks"
	    " WHERE target = ? AND aid = ?",
	[W_MARK_PUT] = "INSERT OR REPLACE INTO marks(target, aid, label,"
	    " created_at, lid, eid, expires, pend, first_seen)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, coalesce((SELECT"
	    " first_seen FROM wkeys WHERE aid = ?2), 0))",
	[W_PENDING_ADD] = "UPDATE wkeys SET pending = max(pending + ?2, 0)"
	    " WHERE aid = ?1",
	[W_PENDING_GET] = "SELECT pending FROM wkeys WHERE aid = ?",
	[W_HAS] = "SELECT 1 FROM events WHERE id = ?",
	[W_AUTHOR_GET] = "SELECT aid FROM authors WHERE pubkey = ?",
	[W_AUTHOR_ADD] = "INSERT INTO authors(pubkey) VALUES (?)",
	[W_AUTHOR_PK] = "SELECT pubkey FROM authors WHERE aid = ?",
	[W_VOUCH_GET] = "SELECT created_at, lid FROM vouches"
	    " WHERE aid = ? AND whom = ?",
	[W_VOUCH_PUT] = "INSERT OR REPLACE INTO vouches(aid, whom, label,"
	    " created_at, lid, eid, expires) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[W_GEN_BUMP] = "INSERT INTO wgen(one, gen) VALUES (1, 1)"
	    " ON CONFLICT(one) DO UPDATE SET gen = gen + 1",
	[W_GEN_GET] = "SELECT gen FROM wgen WHERE one = 1",
	[W_MARKS_BY_EID] = "SELECT target, aid, pend FROM marks WHERE eid = ?",
	[W_MARK_DEL] = "DELETE FROM marks WHERE target = ? AND aid = ?",
	[W_VOUCHES_BY_EID] = "SELECT aid, whom FROM vouches WHERE eid = ?",
	[W_VOUCH_DEL] = "DELETE FROM vouches WHERE aid = ? AND whom = ?",
	[W_CANDIDATES] = "SELECT e.eid, " EV_JSON_E " FROM events e"
	    " WHERE e.aid = ?1 AND e.kind = 1985 AND EXISTS (SELECT 1"
	    " FROM tags t WHERE t.key = ?2 AND t.created_at = e.created_at"
	    " AND t.eid = e.eid)",
	[W_EDGES] = "SELECT whom FROM vouches WHERE aid = ?1 AND label = 4"
	    " AND (expires IS NULL OR expires > ?2) LIMIT 1000",
	[W_MARKS_OF] = "SELECT aid, label, created_at, lid, first_seen, eid"
	    " FROM marks WHERE target = ?1 AND (expires IS NULL OR"
	    " expires > ?2) LIMIT 10000",
	[W_FIRST_SEEN] = "SELECT first_seen FROM wkeys WHERE aid = ?",
	[W_REPORT] = "SELECT e.aid, a.pubkey FROM events e JOIN authors a"
	    " ON a.aid = e.aid WHERE e.id = ?",
	[W_COUNT_REPORTS] = "SELECT count(*) FROM events WHERE aid = ? AND"
	    " kind = 1",
	[W_FIRST_LINK] = "SELECT l.kind, l.name, coalesce(l.npub, '')"
	    " FROM wkeys k JOIN seen s ON s.eid = k.first_eid AND s.how = 1"
	    " JOIN links l ON l.lid = s.lid WHERE k.aid = ?"
	    " ORDER BY s.at LIMIT 1",
	[W_JSON_BY_EID] = "SELECT " EV_JSON " FROM events WHERE eid = ?",
	[W_VOUCH_LIST] = "SELECT a.pubkey, v.created_at, " EV_JSON_E
	    " FROM vouches v"
	    " JOIN authors a ON a.aid = v.whom JOIN events e ON e.eid = v.eid"
	    " WHERE v.aid = ? AND v.label = 4 ORDER BY v.created_at DESC",
	[W_BY_PREFIX] = "SELECT a.pubkey, (SELECT count(*) FROM events e"
	    " WHERE e.aid = a.aid AND e.kind = 1) FROM authors a"
	    " WHERE a.pubkey >= ?1 AND a.pubkey < ?2 LIMIT 6",
	[W_VOUCH_AT] = "SELECT v.created_at FROM vouches v WHERE v.aid ="
	    " (SELECT aid FROM authors WHERE pubkey = ?1) AND v.whom ="
	    " (SELECT aid FROM authors WHERE pubkey = ?2)",
	[W_LABELS] = "SELECT eid, aid, " EV_JSON " FROM events"
	    " WHERE kind = 1985"
	    " AND eid > ? ORDER BY eid LIMIT 500",
};

struct witness_cache *
witness_cache(struct store *s)
{
	if (s->wc == NULL && (s->wc = calloc(1, sizeof(*s->wc))) != NULL)
		trust_graph_init(&s->wc->g);
	return s->wc;
}

void
witness_cache_free(struct witness_cache *wc)
{
	int	 i;

	if (wc == NULL)
		return;
	for (i = 0; i < W__COUNT; i++)
		sqlite3_finalize(wc->q[i]);
	trust_graph_free(&wc->g);
	free(wc);
}

sqlite3_stmt *
wq(struct store *s, int which)
{
	struct witness_cache *wc = witness_cache(s);
	int	 rc;

	if (wc == NULL)
		return NULL;
	if (wc->q[which] == NULL) {
		rc = store_prepare(s, wsql[which], SQLITE_PREPARE_PERSISTENT,
		    &wc->q[which]);
		if (rc != SQLITE_OK) {
			store_sqlerr(s, rc, "store: witness");
			wc->q[which] = NULL;
			return NULL;
		}
	}
	return wc->q[which];
}

enum err
wdone(struct store *s, sqlite3_stmt *st)
{
	int	 rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_sqlerr(s, rc, "store: witness");
	return ERR_OK;
}

/* The first column of the first row as an integer: *v, *found. */
static enum err
one_int(struct store *s, sqlite3_stmt *st, int64_t *v, bool *found)
{
	int	 rc = sqlite3_step(st);

	*found = rc == SQLITE_ROW;
	if (*found)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: witness");
	return ERR_OK;
}

enum err
waid(struct store *s, const uint8_t pubkey[32], bool add, int64_t *aid)
{
	sqlite3_stmt *st;
	bool	 found;
	enum err e;

	*aid = 0;
	if ((st = wq(s, W_AUTHOR_GET)) == NULL)
		return ERR_DB;
	sqlite3_bind_blob(st, 1, pubkey, 32, SQLITE_STATIC);
	if ((e = one_int(s, st, aid, &found)) != ERR_OK || found || !add)
		return e;
	if ((st = wq(s, W_AUTHOR_ADD)) == NULL)
		return ERR_DB;
	sqlite3_bind_blob(st, 1, pubkey, 32, SQLITE_STATIC);
	if ((e = wdone(s, st)) != ERR_OK)
		return e;
	*aid = sqlite3_last_insert_rowid(s->db);
	return ERR_OK;
}

static enum err
has(struct store *s, const uint8_t id[32], bool *yes)
{
	sqlite3_stmt *st = wq(s, W_HAS);
	int64_t	 v;

	if (st == NULL)
		return ERR_DB;
	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	return one_int(s, st, &v, yes);
}

static enum err
bump_gen(struct store *s)
{
	sqlite3_stmt *st = wq(s, W_GEN_BUMP);

	return st == NULL ? ERR_DB : wdone(s, st);
}

/* True if (ca, id) is newer than the stored (oca, oid): newest, then lowest id. */
static bool
newer(uint64_t ca, const uint8_t id[32], uint64_t oca, const void *oid)
{
	if (ca != oca)
		return ca > oca;
	return oid == NULL || memcmp(id, oid, 32) < 0;
}

/*
 * Binds what a mark's row and a vouch's share, columns 3 to 7: label,
 * created_at, lid, eid, expires.
 */
static void
bind_label(sqlite3_stmt *st, const struct event *ev,
    const struct witness_mark *m, int64_t eid)
{
	uint64_t expires;

	sqlite3_bind_int(st, 3, (int)m->label);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)ev->created_at);
	sqlite3_bind_blob(st, 5, ev->id, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, eid);
	if (event_expiration(ev, &expires) == ERR_OK && expires != 0)
		sqlite3_bind_int64(st, 7, (sqlite3_int64)expires);
	else
		sqlite3_bind_null(st, 7);
}

/* Indexes one well-formed label of ours, stored as row eid by author aid. */
static enum err
index_label(struct store *s, const struct event *ev,
    const struct witness_mark *m, int64_t eid, int64_t aid)
{
	sqlite3_stmt *st;
	int64_t	 whom = 0;
	bool	 exists, stored;
	int	 rc;
	enum err e;

	if (witness_is_mark(m->label)) {
		if ((st = wq(s, W_MARK_GET)) == NULL)
			return ERR_DB;
		sqlite3_bind_blob(st, 1, m->target, 32, SQLITE_STATIC);
	} else {
		if ((e = waid(s, m->target, true, &whom)) != ERR_OK)
			return e;
		if ((st = wq(s, W_VOUCH_GET)) == NULL)
			return ERR_DB;
		sqlite3_bind_int64(st, 1, aid);
	}
	sqlite3_bind_int64(st, 2, witness_is_mark(m->label) ? aid : whom);
	rc = sqlite3_step(st);
	exists = rc == SQLITE_ROW;
	if (exists && !newer(ev->created_at, ev->id,
	    (uint64_t)sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1))) {
		sqlite3_reset(st);
		return ERR_OK;		/* a newer label of this key wins */
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: witness");
	if (!witness_is_mark(m->label)) {
		if ((st = wq(s, W_VOUCH_PUT)) == NULL)
			return ERR_DB;
		sqlite3_bind_int64(st, 1, aid);
		sqlite3_bind_int64(st, 2, whom);
		bind_label(st, ev, m, eid);
		if ((e = wdone(s, st)) != ERR_OK)
			return e;
		return bump_gen(s);
	}
	if ((e = has(s, m->target, &stored)) != ERR_OK)
		return e;
	if ((st = wq(s, W_MARK_PUT)) == NULL)
		return ERR_DB;
	sqlite3_bind_blob(st, 1, m->target, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, aid);
	bind_label(st, ev, m, eid);
	sqlite3_bind_int(st, 8, !stored);
	if ((e = wdone(s, st)) != ERR_OK)
		return e;
	if (exists || stored)
		return ERR_OK;
	if ((st = wq(s, W_PENDING_ADD)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, aid);
	sqlite3_bind_int(st, 2, 1);
	return wdone(s, st);
}

/* Parses stored JSON into ev with malloc'd scratch (*scratch, freed by caller). */
static bool
parse_stored(const char *json, size_t len, struct event *ev, void **scratch)
{
	struct event_limits lim = { 0, SIZE_MAX, SIZE_MAX };

	lim.max_size = len;
	if ((*scratch = malloc(EVENT_SCRATCH(len))) == NULL)
		return false;
	return event_parse(json, len, &lim, ev, *scratch,
	    EVENT_SCRATCH(len)) == ERR_OK;
}

/*
 * After a deletion: the newest remaining label of aid on target (a report
 * id, or a person's pubkey for vouches) goes back into the index.
 */
static enum err
restore(struct store *s, int64_t aid, char tag, const uint8_t target[32],
    bool mark)
{
	sqlite3_stmt *st = wq(s, W_CANDIDATES);
	struct {
		int64_t	 eid;
		char	*json;
		size_t	 len;
	} c[32];
	struct buf key;
	size_t	 n = 0, i;
	int	 rc;
	enum err e = ERR_OK;

	if (st == NULL)
		return ERR_DB;
	/* The tags table's key for a 64-hex value (store_tag_key). */
	buf_init(&key, 64);
	buf_putc(&key, tag);
	buf_putc(&key, 0x01);
	buf_append(&key, target, 32);
	sqlite3_bind_int64(st, 1, aid);
	sqlite3_bind_blob(st, 2, key.p, (int)key.len, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 32) {
		c[n].eid = sqlite3_column_int64(st, 0);
		c[n].len = (size_t)sqlite3_column_bytes(st, 1);
		if ((c[n].json = malloc(c[n].len + 1)) == NULL) {
			e = ERR_NOMEM;
			break;
		}
		memcpy(c[n].json, sqlite3_column_text(st, 1), c[n].len);
		n++;
	}
	sqlite3_reset(st);
	buf_free(&key);
	if (e == ERR_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		e = store_sqlerr(s, rc, "store: witness");
	for (i = 0; i < n && e == ERR_OK; i++) {
		struct witness_mark m;
		struct event ev;
		void	*scratch = NULL;

		if (parse_stored(c[i].json, c[i].len, &ev, &scratch) &&
		    witness_parse(&ev, &m) == ERR_OK &&
		    witness_is_mark(m.label) == mark &&
		    m.label != WITNESS_NONE && memcmp(m.target, target, 32) == 0)
			e = index_label(s, &ev, &m, c[i].eid, aid);
		free(scratch);
	}
	for (i = 0; i < n; i++)
		free(c[i].json);
	return e;
}

/* A label row eid was deleted: drop its index rows, restore older ones. */
static enum err
withdraw(struct store *s, int64_t eid)
{
	sqlite3_stmt *st;
	uint8_t	 target[32], pk[32];
	int64_t	 aid = 0, whom = 0;
	bool	 mark = false, vouch = false, pend = false, found;
	int	 rc;
	enum err e;

	if ((st = wq(s, W_MARKS_BY_EID)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, eid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 0) == 32) {
		memcpy(target, sqlite3_column_blob(st, 0), 32);
		aid = sqlite3_column_int64(st, 1);
		pend = sqlite3_column_int(st, 2) != 0;
		mark = true;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: witness");
	if (mark) {
		if ((st = wq(s, W_MARK_DEL)) == NULL)
			return ERR_DB;
		sqlite3_bind_blob(st, 1, target, 32, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, aid);
		if ((e = wdone(s, st)) != ERR_OK)
			return e;
		if (pend) {
			if ((st = wq(s, W_PENDING_ADD)) == NULL)
				return ERR_DB;
			sqlite3_bind_int64(st, 1, aid);
			sqlite3_bind_int(st, 2, -1);
			if ((e = wdone(s, st)) != ERR_OK)
				return e;
		}
		return restore(s, aid, 'e', target, true);
	}
	if ((st = wq(s, W_VOUCHES_BY_EID)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, eid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		aid = sqlite3_column_int64(st, 0);
		whom = sqlite3_column_int64(st, 1);
		vouch = true;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: witness");
	if (!vouch)
		return ERR_OK;
	if ((st = wq(s, W_VOUCH_DEL)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, aid);
	sqlite3_bind_int64(st, 2, whom);
	if ((e = wdone(s, st)) != ERR_OK || (e = bump_gen(s)) != ERR_OK)
		return e;
	if ((st = wq(s, W_AUTHOR_PK)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, whom);
	rc = sqlite3_step(st);
	found = rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32;
	if (found)
		memcpy(pk, sqlite3_column_blob(st, 0), 32);
	sqlite3_reset(st);
	return found ? restore(s, aid, 'p', pk, false) : ERR_OK;
}

enum err
witness_before(struct store *s, const struct event *ev,
    struct witness_pre *pre)
{
	struct witness_mark m;
	sqlite3_stmt *st;
	int64_t	 aid, v;
	bool	 yes, found;
	size_t	 i;
	int	 rc;
	enum err e;

	pre->n = 0;
	if (ev->kind == 5) {
		if ((e = waid(s, ev->pubkey, false, &aid)) != ERR_OK || aid == 0)
			return e;
		for (i = 0; i < ev->ntags && pre->n < WITNESS_MAX_DELETED; i++) {
			const struct tag *t = &ev->tags[i];
			uint8_t	 id[32];

			if (t->n < 2 || t->v[0].n != 1 || t->v[0].p[0] != 'e' ||
			    !event_is_hex64(t->v[1]))
				continue;
			hex_decode(t->v[1].p, 64, id, 32);
			if ((st = wq(s, W_EV_BY_ID)) == NULL)
				return ERR_DB;
			sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
			if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
			    sqlite3_column_int64(st, 1) == aid &&
			    sqlite3_column_int64(st, 2) == WITNESS_KIND)
				pre->eids[pre->n++] = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE)
				return store_sqlerr(s, rc, "store: witness");
		}
		return ERR_OK;
	}
	if (ev->kind != WITNESS_KIND || witness_parse(ev, &m) != ERR_OK ||
	    !witness_is_mark(m.label))
		return ERR_OK;
	/* Only a mark on a report not here costs the key one of its few. */
	if ((e = has(s, ev->id, &yes)) != ERR_OK || yes)
		return e;
	if ((e = has(s, m.target, &yes)) != ERR_OK || yes)
		return e;
	if ((e = waid(s, ev->pubkey, false, &aid)) != ERR_OK || aid == 0)
		return e;
	if ((st = wq(s, W_PENDING_GET)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, aid);
	if ((e = one_int(s, st, &v, &found)) != ERR_OK)
		return e;
	if (!found || v < WITNESS_MAX_PENDING)
		return ERR_OK;
	/* Replacing its own mark on that report adds nothing. */
	if ((st = wq(s, W_MARK_GET)) == NULL)
		return ERR_DB;
	sqlite3_bind_blob(st, 1, m.target, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, aid);
	if ((e = one_int(s, st, &v, &found)) != ERR_OK)
		return e;
	return found ? ERR_OK : ERR_WITNESS_PENDING;
}

enum err
witness_after(struct store *s, const struct event *ev,
    const struct witness_pre *pre, uint64_t now)
{
	struct witness_mark m;
	sqlite3_stmt *st;
	int64_t	 eid, aid, v;
	bool	 waiting;
	size_t	 i;
	int	 rc;
	enum err e;

	/* store_put has just stored it: its row numbers, without a lookup. */
	if (s->put_eid != 0 && memcmp(s->put_id, ev->id, 32) == 0) {
		eid = s->put_eid;
		aid = s->put_aid;
	} else {
		if ((st = wq(s, W_EV_BY_ID)) == NULL)
			return ERR_DB;
		sqlite3_bind_blob(st, 1, ev->id, 32, SQLITE_STATIC);
		rc = sqlite3_step(st);
		eid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		aid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return ERR_OK;	/* a deletion that deleted itself? */
		if (rc != SQLITE_ROW)
			return store_sqlerr(s, rc, "store: witness");
	}
	if ((st = wq(s, W_KEY_ADD)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, aid);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 3, eid);
	if ((e = wdone(s, st)) != ERR_OK)
		return e;
	/* Marks that came first wait for this very report. */
	if ((st = wq(s, W_MARK_PROBE)) == NULL)
		return ERR_DB;
	sqlite3_bind_blob(st, 1, ev->id, 32, SQLITE_STATIC);
	if ((e = one_int(s, st, &v, &waiting)) != ERR_OK)
		return e;
	if (waiting) {
		if ((st = wq(s, W_PEND_KEYS)) == NULL)
			return ERR_DB;
		sqlite3_bind_blob(st, 1, ev->id, 32, SQLITE_STATIC);
		if ((e = wdone(s, st)) != ERR_OK)
			return e;
		if ((st = wq(s, W_PEND_MARKS)) == NULL)
			return ERR_DB;
		sqlite3_bind_blob(st, 1, ev->id, 32, SQLITE_STATIC);
		if ((e = wdone(s, st)) != ERR_OK)
			return e;
	}
	for (i = 0; i < pre->n; i++) {
		bool	 still;

		if ((st = wq(s, W_JSON_BY_EID)) == NULL)
			return ERR_DB;
		sqlite3_bind_int64(st, 1, pre->eids[i]);
		rc = sqlite3_step(st);
		still = rc == SQLITE_ROW;
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return store_sqlerr(s, rc, "store: witness");
		if (!still && (e = withdraw(s, pre->eids[i])) != ERR_OK)
			return e;
	}
	if (ev->kind != WITNESS_KIND || witness_parse(ev, &m) != ERR_OK ||
	    m.label == WITNESS_NONE)
		return ERR_OK;
	return index_label(s, ev, &m, eid, aid);
}

/* Fills the index from the labels already stored. */
static enum err
backfill(struct store *s)
{
	sqlite3_stmt *st;
	int64_t	 last = 0, eid, aid;
	char	*json;
	size_t	 len, got;
	int	 rc;
	enum err e = ERR_OK;

	do {
		struct { int64_t eid, aid; char *json; size_t len; } rows[500];
		size_t	 i;

		if ((st = wq(s, W_LABELS)) == NULL)
			return ERR_DB;
		sqlite3_bind_int64(st, 1, last);
		got = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && got < 500) {
			eid = sqlite3_column_int64(st, 0);
			aid = sqlite3_column_int64(st, 1);
			len = (size_t)sqlite3_column_bytes(st, 2);
			if ((json = malloc(len + 1)) == NULL)
				break;
			memcpy(json, sqlite3_column_text(st, 2), len);
			rows[got].eid = eid;
			rows[got].aid = aid;
			rows[got].json = json;
			rows[got].len = len;
			got++;
			last = eid;
		}
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			e = store_sqlerr(s, rc, "store: witness");
		else if (rc == SQLITE_ROW && got < 500)
			e = ERR_NOMEM;
		for (i = 0; i < got; i++) {
			struct witness_mark m;
			struct event ev;
			void	*scratch = NULL;

			if (e == ERR_OK && parse_stored(rows[i].json,
			    rows[i].len, &ev, &scratch) &&
			    witness_parse(&ev, &m) == ERR_OK &&
			    m.label != WITNESS_NONE)
				e = index_label(s, &ev, &m, rows[i].eid,
				    rows[i].aid);
			free(scratch);
			free(rows[i].json);
		}
	} while (e == ERR_OK && got == 500);
	return e;
}

enum err
witness_schema(struct store *s, int from_version)
{
	char	 sql[256];
	int	 rc;

	/* The tables are store_schema.c's version 3; a new store is empty. */
	if (from_version >= 3 || from_version == 0)
		return ERR_OK;
	/* Keys already here: first seen when their first event says, at most now. */
	snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO wkeys(aid,"
	    " first_seen, first_eid) SELECT aid, min(min(created_at), %lld),"
	    " min(eid) FROM events GROUP BY aid", (long long)time(NULL));
	if ((rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL)) != SQLITE_OK)
		return store_sqlerr(s, rc, "store: witness");
	return backfill(s);
}
