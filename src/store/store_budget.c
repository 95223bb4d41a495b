/*
 * store_budget.c: what the store budget (store/guard.c) reads from the
 * store: how many bytes its pages in use take, and its events oldest
 * first, for the eviction order.  Removing one is store_remove
 * (store.c), which unlinks it like a replaced event.
 */
#include <string.h>

#include "store_int.h"

enum err
store_size(struct store *s, uint64_t *bytes)
{
	static const char *const q[3] = { "PRAGMA page_count",
	    "PRAGMA freelist_count", "PRAGMA page_size" };
	sqlite3_stmt *st;
	sqlite3_int64 v[3] = { 0, 0, 0 };
	int	 i, rc;

	for (i = 0; i < 3; i++) {
		if ((rc = sqlite3_prepare_v2(s->db, q[i], -1, &st, NULL)) !=
		    SQLITE_OK)
			return store_sqlerr(s, rc, "store: size");
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			v[i] = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW)
			return store_sqlerr(s, rc, "store: size");
	}
	*bytes = (uint64_t)((v[0] - v[1]) * v[2]);
	return ERR_OK;
}

enum err
store_oldest(struct store *s, struct store_oldpos *cur, size_t max,
    int (*fn)(const struct store_old *, void *), void *arg)
{
	sqlite3_stmt *st;
	struct store_old o;
	size_t	 n = 0;
	bool	 stopped = false;
	int	 rc;

	/* ev_neg is in created_at order: only one second's events are sorted. */
	rc = sqlite3_prepare_v2(s->db, "SELECT e.eid, e.created_at, e.kind,"
	    " e.id, a.pubkey FROM events e JOIN authors a ON a.aid = e.aid"
	    " WHERE (e.created_at, e.eid) > (?, ?)"
	    " ORDER BY e.created_at, e.eid LIMIT ?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(s, rc, "store: oldest");
	sqlite3_bind_int64(st, 1, (sqlite3_int64)cur->created_at);
	sqlite3_bind_int64(st, 2, cur->eid);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 3) != 32 ||
		    sqlite3_column_bytes(st, 4) != 32)
			continue;
		o.eid = sqlite3_column_int64(st, 0);
		o.created_at = (uint64_t)sqlite3_column_int64(st, 1);
		o.kind = (uint32_t)sqlite3_column_int64(st, 2);
		memcpy(o.id, sqlite3_column_blob(st, 3), 32);
		memcpy(o.pubkey, sqlite3_column_blob(st, 4), 32);
		cur->created_at = o.created_at;
		cur->eid = o.eid;
		n++;
		if (fn(&o, arg) != 0) {
			stopped = true;
			break;
		}
	}
	sqlite3_finalize(st);
	if (!stopped && rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: oldest");
	if (!stopped && n < max)
		memset(cur, 0, sizeof(*cur));
	return ERR_OK;
}
