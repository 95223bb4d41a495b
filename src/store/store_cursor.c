/*
 * store_cursor.c: a REQ's stored answer, a page at a time (store.h).
 *
 * Nothing is held between pages but where each filter stands: the
 * (created_at, id) of the last row it gave and how many it may still give
 * (keyset paging, so each page is an index seek, not an OFFSET scan), and
 * the id last handed out.  A page reads keys only (eid, created_at, id);
 * the filters' streams are merged newest first, ties by lowest id, an
 * event two filters match is given once, and its JSON is read by eid as
 * it is handed out, all in one read transaction.  No statement or
 * transaction stays open between pages, so a slow reader holds no WAL
 * back.
 *
 * The answer is fixed when the cursor opens: rows up to max_eid (the
 * relay's delivery position), so what is stored later reaches the client
 * as live events, never twice.  A single search filter comes by relevance
 * (the window of newest matches is cut at max_eid too, so pages agree),
 * which keyset cannot follow: its pages use an offset over at most
 * max_limit ranked rows.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_int.h"

#define PAGE_MIN	16
#define PAGE_MAX	512

struct key {
	int64_t		 eid, at;
	uint8_t		 id[32];
};

struct fpos {
	sqlite3_int64	 lim;		/* the filter's limit; -1: none */
	sqlite3_int64	 left;		/* rows it may still give; -1: any */
	uint64_t	 given;		/* rows it gave (a search's offset) */
	bool		 started;	/* at, id hold its last row */
	bool		 done;
	int64_t		 at;
	uint8_t		 id[32];
	struct key	*page;		/* this turn's keys */
	size_t		 n, pos;
	bool		 short_page;	/* fewer than asked: the last one */
};

struct store_cursor {
	const struct filter *f;
	size_t		 nf;
	uint64_t	 now;
	int64_t		 after_eid, max_eid;
	bool		 ranked;	/* one search filter: by relevance */
	bool		 has_last;
	uint8_t		 last[32];	/* the id handed out last */
	struct fpos	*p;
};

enum err
store_cursor_open(struct store *s, const struct filter *f, size_t n,
    uint64_t now, uint64_t max_limit, int64_t after_eid, int64_t max_eid,
    bool all, struct store_cursor **cp)
{
	struct store_cursor *c;
	size_t	 i;

	(void)s;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->p = calloc(n ? n : 1, sizeof(*c->p))) == NULL) {
		free(c);
		return ERR_NOMEM;
	}
	c->f = f;
	c->nf = n;
	c->now = now;
	c->after_eid = after_eid;
	c->max_eid = max_eid;
	c->ranked = n == 1 && f[0].search != NULL;
	for (i = 0; i < n; i++) {
		c->p[i].lim = all ? -1 : sql_limit(&f[i], max_limit);
		c->p[i].left = c->p[i].lim;
		c->p[i].done = c->p[i].left == 0;
	}
	*cp = c;
	return ERR_OK;
}

void
store_cursor_free(struct store_cursor *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nf; i++)
		free(c->p[i].page);
	free(c->p);
	free(c);
}

/* Reads up to k keys of filter i from where it stands. */
static enum err
fetch(struct store *s, struct store_cursor *c, size_t i, size_t k)
{
	struct fpos *p = &c->p[i];
	const struct filter *f = &c->f[i];
	struct sql_range rg;
	struct query q;
	sqlite3_stmt *st = NULL;
	bool	 ranked, wrap;
	int	 rc;
	enum err e;

	if (p->left >= 0 && (sqlite3_int64)k > p->left)
		k = (size_t)p->left;
	p->n = p->pos = 0;
	if ((p->page == NULL && (p->page = malloc(PAGE_MAX *
	    sizeof(*p->page))) == NULL))
		return ERR_NOMEM;
	memset(&rg, 0, sizeof(rg));
	rg.after_eid = c->after_eid;
	rg.max_eid = c->max_eid;
	/* A search among several filters: its top rows, then by time. */
	wrap = f->search != NULL && !c->ranked;
	rg.keyset = p->started && f->search == NULL;
	rg.at = p->at;
	memcpy(rg.id, p->id, 32);
	memset(&q, 0, sizeof(q));
	buf_init(&q.sql, 1 << 20);
	if (wrap)
		buf_puts(&q.sql, "SELECT * FROM (");
	if (!sql_filter(&q, f, c->now, &ranked, COLS_KEY, &rg)) {
		sql_free(&q);
		p->done = true;
		return ERR_OK;
	}
	if (c->ranked) {
		buf_puts(&q.sql, " ORDER BY m.rk, e.eid LIMIT ? OFFSET ?");
		sql_bind(&q, B_INT, NULL, 0, (sqlite3_int64)k, NULL);
		sql_bind(&q, B_INT, NULL, 0, (sqlite3_int64)p->given, NULL);
	} else if (wrap) {
		buf_puts(&q.sql, " ORDER BY m.rk, e.eid LIMIT ?)");
		sql_bind(&q, B_INT, NULL, 0, p->lim, NULL);
		if (p->started) {
			buf_puts(&q.sql, " WHERE created_at < ? OR (created_at ="
			    " ? AND id > ?)");
			sql_bind(&q, B_INT, NULL, 0, p->at, NULL);
			sql_bind(&q, B_INT, NULL, 0, p->at, NULL);
			sql_bind(&q, B_BLOB, p->id, 32, 0, NULL);
		}
		buf_puts(&q.sql, " ORDER BY 2 DESC, 3 LIMIT ?");
		sql_bind(&q, B_INT, NULL, 0, (sqlite3_int64)k, NULL);
	} else {
		buf_puts(&q.sql, " ORDER BY 2 DESC, 3 LIMIT ?");
		sql_bind(&q, B_INT, NULL, 0, (sqlite3_int64)k, NULL);
	}
	if ((e = sql_prepare(s, &q, &st)) != ERR_OK)
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && p->n < k) {
		struct key *kk = &p->page[p->n];

		if (sqlite3_column_bytes(st, 2) != 32) {
			e = ERR_DB_CORRUPT;
			goto done;
		}
		kk->eid = sqlite3_column_int64(st, 0);
		kk->at = sqlite3_column_int64(st, 1);
		memcpy(kk->id, sqlite3_column_blob(st, 2), 32);
		p->n++;
	}
	if (rc == SQLITE_ERROR && f->search != NULL) {
		log_debug("store: search: %s", sqlite3_errmsg(s->db));
		e = ERR_SEARCH;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		e = store_sqlerr(s, rc, "store: page");
	p->short_page = p->n < k;
	if (p->n == 0)
		p->done = true;
done:
	sqlite3_finalize(st);
	sql_free(&q);
	return e;
}

/* True if a comes before b: newer, or as new with the lower id. */
static bool
before(const struct key *a, const struct key *b)
{
	return a->at != b->at ? a->at > b->at : memcmp(a->id, b->id, 32) < 0;
}

/* The filter whose next key comes first; -1 when all are done. */
static int
pick(const struct store_cursor *c)
{
	int	 best = -1;
	size_t	 i;

	for (i = 0; i < c->nf; i++) {
		const struct fpos *p = &c->p[i];

		if (p->done || p->pos >= p->n)
			continue;
		if (best < 0 || before(&p->page[p->pos],
		    &c->p[best].page[c->p[best].pos]))
			best = (int)i;
	}
	return best;
}

/* Moves filter i past its next key. */
static void
advance(struct store_cursor *c, size_t i)
{
	struct fpos *p = &c->p[i];
	const struct key *k = &p->page[p->pos++];

	p->at = k->at;
	memcpy(p->id, k->id, 32);
	p->started = true;
	p->given++;
	if (p->left > 0 && --p->left == 0)
		p->done = true;
	if (p->pos == p->n && p->short_page)
		p->done = true;
}

/* Hands out the JSON of the event at eid; false if it is gone. */
static enum err
emit(struct store *s, int64_t eid, store_row_cb cb, void *arg, size_t *bytes,
    bool *stop)
{
	sqlite3_stmt *st = s->q[Q_GET_BY_EID];
	size_t	 len;
	int	 rc;

	sqlite3_bind_int64(st, 1, eid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		len = (size_t)sqlite3_column_bytes(st, 0);
		*stop = cb((const char *)sqlite3_column_text(st, 0), len,
		    arg) != 0;
		*bytes += len;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: page");
	return ERR_OK;
}

enum err
store_cursor_next(struct store *s, struct store_cursor *c, size_t max_bytes,
    store_row_cb cb, void *arg, bool *done)
{
	size_t	 bytes = 0, i, k;
	bool	 stop = false, tx;
	int	 b;
	enum err e = ERR_OK;

	/*
	 * One read transaction for the page, not one per statement step:
	 * each would take and give back the WAL's read lock (fcntl calls,
	 * a look at the WAL index) for every event handed out.
	 */
	tx = sqlite3_get_autocommit(s->db) != 0 && sqlite3_exec(s->db,
	    "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	/* Keys for about max_bytes of events of a few hundred bytes each. */
	k = max_bytes / 256 / (c->nf ? c->nf : 1);
	k = k < PAGE_MIN ? PAGE_MIN : k > PAGE_MAX ? PAGE_MAX : k;
	while (!stop && bytes < max_bytes) {
		for (i = 0; i < c->nf; i++)
			if (!c->p[i].done && c->p[i].pos >= c->p[i].n &&
			    (e = fetch(s, c, i, k)) != ERR_OK)
				goto out;
		if ((b = pick(c)) < 0)
			break;
		{
			struct key kk = c->p[b].page[c->p[b].pos];

			advance(c, (size_t)b);
			if (c->has_last && memcmp(kk.id, c->last, 32) == 0)
				continue;	/* two filters matched it */
			c->has_last = true;
			memcpy(c->last, kk.id, 32);
			if ((e = emit(s, kk.eid, cb, arg, &bytes, &stop)) !=
			    ERR_OK)
				goto out;
		}
	}
out:
	if (tx)
		(void)sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	/* Nothing is kept between pages but the positions. */
	for (i = 0; i < c->nf; i++)
		c->p[i].n = c->p[i].pos = 0;
	*done = e == ERR_OK && pick(c) < 0;
	for (i = 0; *done && i < c->nf; i++)
		if (!c->p[i].done)
			*done = false;
	return e;
}
