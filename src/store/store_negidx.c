/*
 * store_negidx.c: the NIP-77 index kept up to date (store_neg.h has the
 * design): each event stored or removed is counted in or out of its
 * block in the same transaction, a block past NEGIDX_SPLIT events splits
 * at its middle event, one that empties goes, and the schema upgrade
 * builds the whole index from the events.  Reading it is store_neg.c.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "progress.h"
#include "store_neg_int.h"

#define NEGIDX_SPLIT	64	/* a block past this many events splits */
#define NEGIDX_FILL	32	/* events per block when the index is built */

static const char *const nq_sql[NQ__COUNT] = {
	[NQ_FIND] = "SELECT ts, id, n, sum FROM negidx WHERE (ts, id) <= (?, ?)"
	    " ORDER BY ts DESC, id DESC LIMIT 1",
	[NQ_SET] = "UPDATE negidx SET n = ?, sum = ? WHERE ts = ? AND id = ?",
	[NQ_ADD] = "INSERT INTO negidx(ts, id, n, sum) VALUES (?, ?, ?, ?)",
	[NQ_DEL] = "DELETE FROM negidx WHERE ts = ? AND id = ?",
	[NQ_BLOCKS] = "SELECT ts, id, n, sum FROM negidx ORDER BY ts, id",
	[NQ_ITEMS] = "SELECT created_at, id FROM events"
	    " WHERE (created_at, id) >= (?, ?) ORDER BY created_at, id LIMIT ?",
	[NQ_WALK] = "SELECT created_at, id FROM events"
	    " WHERE (created_at, id) >= (?, ?) ORDER BY created_at, id LIMIT ?",
	[NQ_VERSION] = "SELECT g FROM negidx_gen WHERE one = 1",
	/* One row by its key: no statement journal, so FTS5 keeps its batch. */
	[NQ_BUMP] = "UPDATE negidx_gen SET g = g + 1 WHERE one = 1",
};

static const uint8_t zero32[32];

enum err
nx_get(struct store *s, struct negidx **out)
{
	struct negidx *x = s->nx;
	int	 i, rc;

	if (x == NULL) {
		if ((x = calloc(1, sizeof(*x))) == NULL)
			return ERR_NOMEM;
		s->nx = x;
	}
	for (i = 0; i < NQ__COUNT; i++) {
		if (x->q[i] != NULL)
			continue;
		rc = sqlite3_prepare_v3(s->db, nq_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &x->q[i], NULL);
		if (rc != SQLITE_OK)
			return store_sqlerr(s, rc, "store: negidx");
	}
	*out = x;
	return ERR_OK;
}

void
store_neg_free(struct store *s)
{
	struct negidx *x = s->nx;
	int	 i;

	if (x == NULL)
		return;
	for (i = 0; i < NQ__COUNT; i++)
		sqlite3_finalize(x->q[i]);
	for (i = 0; x->slot != NULL && i < SLOTS; i++)
		free(x->slot[i].items);
	free(x->slot);
	free(x->slot_of);
	free(x->blocks);
	free(x);
	s->nx = NULL;
}

void
nx_bind_key(sqlite3_stmt *st, int col, uint64_t ts, const uint8_t id[32])
{
	sqlite3_bind_int64(st, col, (sqlite3_int64)ts);
	sqlite3_bind_blob(st, col + 1, id, 32, SQLITE_STATIC);
}

static enum err
step_done(struct store *s, sqlite3_stmt *st)
{
	int	 rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? ERR_OK : store_sqlerr(s, rc, "store: negidx");
}

bool
nx_row_item(sqlite3_stmt *st, struct neg_item *it)
{
	if (sqlite3_column_bytes(st, 1) != 32)
		return false;
	it->ts = (uint64_t)sqlite3_column_int64(st, 0);
	memcpy(it->id, sqlite3_column_blob(st, 1), 32);
	return true;
}

enum err
nx_read_items(struct store *s, sqlite3_stmt *st, const struct neg_item *key,
    uint64_t max, struct neg_item **items, size_t *n, size_t *cap)
{
	struct neg_item *ni;
	int	 rc;
	enum err e = ERR_OK;

	*n = 0;
	nx_bind_key(st, 1, key->ts, key->id);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == *cap) {
			size_t	 nc = *cap ? *cap * 2 : 64;

			if ((ni = realloc(*items, nc * sizeof(*ni))) == NULL) {
				e = ERR_NOMEM;
				break;
			}
			*items = ni;
			*cap = nc;
		}
		if (!nx_row_item(st, &(*items)[*n])) {
			e = ERR_DB_CORRUPT;
			break;
		}
		(*n)++;
	}
	if (e == ERR_OK && rc != SQLITE_DONE)
		e = store_sqlerr(s, rc, "store: negidx");
	sqlite3_reset(st);
	return e;
}

/* Adds a block row. */
static enum err
block_add(struct store *s, struct negidx *x, const struct neg_item *key,
    uint64_t n, const uint8_t sum[32])
{
	sqlite3_stmt *st = x->q[NQ_ADD];

	nx_bind_key(st, 1, key->ts, key->id);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)n);
	sqlite3_bind_blob(st, 4, sum, 32, SQLITE_STATIC);
	return step_done(s, st);
}

static enum err
block_set(struct store *s, struct negidx *x, const struct neg_item *key,
    uint64_t n, const uint8_t sum[32])
{
	sqlite3_stmt *st = x->q[NQ_SET];

	sqlite3_bind_int64(st, 1, (sqlite3_int64)n);
	sqlite3_bind_blob(st, 2, sum, 32, SQLITE_STATIC);
	nx_bind_key(st, 3, key->ts, key->id);
	return step_done(s, st);
}

/* Splits the block at key, of n events summing to sum, at its middle. */
static enum err
block_split(struct store *s, struct negidx *x, const struct neg_item *key,
    uint64_t n, const uint8_t sum[32])
{
	struct neg_item *items = NULL;
	uint8_t	 lo[32], hi[32];
	size_t	 got, cap = 0, half, i;
	enum err e;

	if (n > 2 * NEGIDX_SPLIT) {		/* never so in an honest index */
		e = ERR_DB_CORRUPT;
		goto done;
	}
	if ((e = nx_read_items(s, x->q[NQ_ITEMS], key, n, &items, &got, &cap)) !=
	    ERR_OK)
		goto done;
	if (got != n) {
		log_warnx("store: negidx block of %llu events holds %zu",
		    (unsigned long long)n, got);
		e = ERR_DB_CORRUPT;
		goto done;
	}
	half = got / 2;
	memset(hi, 0, 32);
	for (i = half; i < got; i++)
		neg_sum_add(hi, items[i].id);
	memcpy(lo, sum, 32);
	neg_sum_sub(lo, hi);
	if ((e = block_set(s, x, key, half, lo)) == ERR_OK)
		e = block_add(s, x, &items[half], got - half, hi);
done:
	free(items);
	return e;
}

/* Counts an event in (add) or out of its block. */
static enum err
nx_update(struct store *s, uint64_t ts, const uint8_t id[32], bool add)
{
	struct negidx *x;
	struct neg_item key;
	sqlite3_stmt *st;
	uint8_t	 sum[32];
	uint64_t n = 0;
	int	 rc;
	enum err e;

	if ((e = nx_get(s, &x)) != ERR_OK)
		return e;
	x->valid = false;
	if ((e = step_done(s, x->q[NQ_BUMP])) != ERR_OK)
		return e;
	st = x->q[NQ_FIND];
	nx_bind_key(st, 1, ts, id);
	memset(&key, 0, sizeof(key));
	memset(sum, 0, 32);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (!nx_row_item(st, &key) || sqlite3_column_bytes(st, 3) != 32)
			rc = SQLITE_CORRUPT;
		else {
			n = (uint64_t)sqlite3_column_int64(st, 2);
			memcpy(sum, sqlite3_column_blob(st, 3), 32);
		}
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		/* No first block: the table was emptied; start it again. */
		if ((e = block_add(s, x, &key, 0, sum)) != ERR_OK)
			return e;
	} else if (rc != SQLITE_ROW)
		return store_sqlerr(s, rc, "store: negidx");
	if (add) {
		n++;
		neg_sum_add(sum, id);
	} else {
		if (n == 0) {
			log_warnx("store: negidx: an event outside the index");
			return ERR_DB_CORRUPT;
		}
		n--;
		neg_sum_sub(sum, id);
	}
	if (n == 0 && (key.ts != 0 || memcmp(key.id, zero32, 32) != 0)) {
		st = x->q[NQ_DEL];
		nx_bind_key(st, 1, key.ts, key.id);
		return step_done(s, st);
	}
	if ((e = block_set(s, x, &key, n, sum)) != ERR_OK)
		return e;
	return n > NEGIDX_SPLIT ? block_split(s, x, &key, n, sum) : ERR_OK;
}

enum err
store_neg_add(struct store *s, uint64_t ts, const uint8_t id[32])
{
	return nx_update(s, ts, id, true);
}

enum err
store_neg_del(struct store *s, uint64_t ts, const uint8_t id[32])
{
	return nx_update(s, ts, id, false);
}

enum err
store_neg_rebuild(struct store *s)
{
	struct negidx *x;
	struct progress prog;
	struct neg_item key, it;
	sqlite3_stmt *st = NULL;
	uint8_t	 sum[32];
	uint64_t n = 0, done = 0;
	int	 rc;
	enum err e;

	if ((e = nx_get(s, &x)) != ERR_OK)
		return e;
	x->valid = false;
	if ((rc = sqlite3_exec(s->db, "DELETE FROM negidx;"
	    " DELETE FROM negidx_gen; INSERT INTO negidx_gen VALUES (1, 1)", NULL,
	    NULL, NULL)) != SQLITE_OK)
		return store_sqlerr(s, rc, "store: negidx");
	rc = sqlite3_prepare_v2(s->db, "SELECT created_at, id FROM events"
	    " ORDER BY created_at, id", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(s, rc, "store: negidx");
	progress_init(&prog);
	memset(&key, 0, sizeof(key));
	memset(sum, 0, 32);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!nx_row_item(st, &it)) {
			e = ERR_DB_CORRUPT;
			goto done;
		}
		if (n == NEGIDX_FILL) {
			if ((e = block_add(s, x, &key, n, sum)) != ERR_OK)
				goto done;
			key = it;
			n = 0;
			memset(sum, 0, 32);
		}
		neg_sum_add(sum, it.id);
		n++;
		if ((++done & 0xffff) == 0)
			progress_update(&prog, "store: NIP-77 index", done,
			    "events", NULL);
	}
	if (rc != SQLITE_DONE)
		e = store_sqlerr(s, rc, "store: negidx");
	else
		e = block_add(s, x, &key, n, sum);
done:
	progress_end(&prog);
	sqlite3_finalize(st);
	if (e == ERR_OK && done > 0)
		log_info("store: NIP-77 index built over %llu events",
		    (unsigned long long)done);
	return e;
}

