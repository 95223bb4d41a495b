/*
 * store_query.c: filters run to the end in one statement -- the whole
 * answer of store_query (exports, syncs), NIP-45 counts, NIP-77 id sets,
 * and the rows added since the relay last looked.  Each filter becomes one
 * SELECT (store_sql.c); several filters are a UNION of them, so an event
 * matching two filters comes back once.  A REQ's answer is read a page at
 * a time instead (store_cursor.c).
 */
#include <stdlib.h>
#include <string.h>

#include "hll.h"
#include "log.h"
#include "negentropy.h"
#include "store_int.h"

enum err
store_query(struct store *s, const struct filter *f, size_t n, uint64_t now,
    uint64_t max_limit, store_row_cb cb, void *arg)
{
	struct query q;
	sqlite3_stmt *st = NULL;
	size_t	 i, parts = 0;
	sqlite3_int64 lim;
	bool	 r;
	int	 rc;
	enum err e;

	memset(&q, 0, sizeof(q));
	buf_init(&q.sql, 1 << 20);
	for (i = 0; i < n; i++) {
		size_t	 mark = q.sql.len, bmark = q.nb;

		if ((lim = sql_limit(&f[i], max_limit)) == 0)
			continue;
		if (parts > 0)
			buf_puts(&q.sql, " UNION ");
		buf_puts(&q.sql, "SELECT * FROM (");
		if (!sql_filter(&q, &f[i], now, &r, COLS_ROW, NULL)) {
			/* Matches nothing: take the text back out. */
			while (q.nb > bmark)
				free(q.b[--q.nb].owned);
			q.sql.len = mark;
			continue;
		}
		buf_puts(&q.sql, r ? " ORDER BY m.rk, e.eid" :
		    " ORDER BY 2 DESC, 3");
		buf_puts(&q.sql, " LIMIT ?)");
		sql_bind(&q, B_INT, NULL, 0, lim, NULL);
		parts++;
	}
	if (parts == 0) {
		sql_free(&q);
		return ERR_OK;
	}
	/*
	 * One filter is already in order (by relevance for a search, else
	 * newest first); a union is sorted again.
	 */
	if (parts > 1)
		buf_puts(&q.sql, " ORDER BY 2 DESC, 3");
	if ((e = sql_prepare(s, &q, &st)) != ERR_OK)
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cb((const char *)sqlite3_column_text(st, 3),
		    (size_t)sqlite3_column_bytes(st, 3), arg) != 0)
			break;
	}
	if (rc == SQLITE_ERROR && sql_has_search(f, n)) {
		/* FTS5 refused the terms: the query's fault, not the store's. */
		log_debug("store: search: %s", sqlite3_errmsg(s->db));
		e = ERR_SEARCH;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		e = store_sqlerr(s, rc, "store: query");
done:
	sqlite3_finalize(st);
	sql_free(&q);
	return e;
}

enum err
store_count(struct store *s, const struct filter *f, size_t n, uint64_t now,
    uint64_t *count)
{
	struct query q;
	sqlite3_stmt *st = NULL;
	size_t	 i, parts = 0;
	bool	 r;
	int	 rc;
	enum err e;

	memset(&q, 0, sizeof(q));
	buf_init(&q.sql, 1 << 20);
	buf_puts(&q.sql, "SELECT count(*) FROM (");
	for (i = 0; i < n; i++) {
		size_t	 mark = q.sql.len, bmark = q.nb;

		if (parts > 0)
			buf_puts(&q.sql, " UNION ");
		if (!sql_filter(&q, &f[i], now, &r, COLS_EID, NULL)) {
			while (q.nb > bmark)
				free(q.b[--q.nb].owned);
			q.sql.len = mark;
			continue;
		}
		parts++;
	}
	buf_puts(&q.sql, ")");
	if (parts == 0) {
		*count = 0;
		sql_free(&q);
		return ERR_OK;
	}
	if ((e = sql_prepare(s, &q, &st)) != ERR_OK)
		goto done;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*count = (uint64_t)sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_ERROR && sql_has_search(f, n))
		e = ERR_SEARCH;
	else
		e = store_sqlerr(s, rc, "store: count");
done:
	sqlite3_finalize(st);
	sql_free(&q);
	return e;
}

enum err
store_since(struct store *s, int64_t after_eid, size_t max, store_new_cb cb,
    void *arg, int64_t *last)
{
	sqlite3_stmt *st;
	int	 rc;
	enum err e = ERR_OK;

	rc = store_prepare(s, "SELECT eid, " EV_JSON " FROM events"
	    " WHERE eid > ? ORDER BY eid LIMIT ?", 0, &st);
	if (rc != SQLITE_OK)
		return store_sqlerr(s, rc, "store: since");
	sqlite3_bind_int64(st, 1, after_eid);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	*last = after_eid;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cb((const char *)sqlite3_column_text(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1), arg) != 0)
			break;
		*last = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		e = store_sqlerr(s, rc, "store: since");
	sqlite3_finalize(st);
	return e;
}

enum err
store_last_eid(struct store *s, int64_t *eid)
{
	sqlite3_stmt *st;
	int	 rc;

	rc = sqlite3_prepare_v2(s->db, "SELECT coalesce(max(eid), 0)"
	    " FROM events", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(s, rc, "store: last");
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*eid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? ERR_OK : store_sqlerr(s, rc, "store: last");
}

enum err
store_ids(struct store *s, const struct filter *f, uint64_t now, size_t max,
    struct neg_item **items, size_t *n)
{
	struct query q;
	struct filter all;
	struct neg_item *it = NULL, *ni;
	sqlite3_stmt *st = NULL;
	size_t	 cnt = 0, cap = 0;
	bool	 r;
	int	 rc;
	enum err e;

	memset(&q, 0, sizeof(q));
	buf_init(&q.sql, 1 << 20);
	all = *f;
	all.has_limit = false;	/* NIP-77 covers the whole set */
	if (!sql_filter(&q, &all, now, &r, COLS_IDS, NULL)) {
		sql_free(&q);
		*items = NULL;
		*n = 0;
		return ERR_OK;
	}
	if ((e = sql_prepare(s, &q, &st)) != ERR_OK)
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == max) {
			e = ERR_NEG_TOO_BIG;
			break;
		}
		if (cnt == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((ni = realloc(it, cap * sizeof(*it))) == NULL) {
				e = ERR_NOMEM;
				break;
			}
			it = ni;
		}
		it[cnt].ts = (uint64_t)sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) != 32) {
			e = ERR_DB_CORRUPT;
			break;
		}
		memcpy(it[cnt].id, sqlite3_column_blob(st, 1), 32);
		cnt++;
	}
	if (e == ERR_OK && rc != SQLITE_DONE)
		e = rc == SQLITE_ERROR && f->search != NULL ? ERR_SEARCH :
		    store_sqlerr(s, rc, "store: ids");
done:
	sqlite3_finalize(st);
	sql_free(&q);
	if (e != ERR_OK) {
		free(it);
		return e;
	}
	*items = it;
	*n = cnt;
	return ERR_OK;
}

enum err
store_count_hll(struct store *s, const struct filter *f, uint64_t now,
    unsigned offset, uint64_t *count, uint8_t reg[HLL_REGISTERS])
{
	struct query q;
	sqlite3_stmt *st = NULL;
	uint64_t n = 0;
	bool	 r;
	int	 rc;
	enum err e;

	memset(&q, 0, sizeof(q));
	buf_init(&q.sql, 1 << 20);
	memset(reg, 0, HLL_REGISTERS);
	if (!sql_filter(&q, f, now, &r, COLS_PUBKEY, NULL)) {
		sql_free(&q);
		*count = 0;
		return ERR_OK;
	}
	if ((e = sql_prepare(s, &q, &st)) != ERR_OK)
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) == 32)
			hll_add(reg, sqlite3_column_blob(st, 0), offset);
		n++;
	}
	if (rc != SQLITE_DONE)
		e = store_sqlerr(s, rc, "store: count");
	*count = n;
done:
	sqlite3_finalize(st);
	sql_free(&q);
	return e;
}
