/*
 * store_custody.c: the custody log's table (store_custody.h).  Appending
 * costs one indexed read of the last row and one insert; the lines are
 * built from the row with core/custody.c, so the text the chain hashes
 * is the text every reader and verifier rebuilds.  Salts come from a
 * random key per handle: SHA-256(key || seq), first 16 bytes, so a salt
 * costs no system call and still cannot be guessed.
 */
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include "crypto.h"
#include "log.h"
#include "store_custody.h"
#include "store_int.h"

enum { CQ_HEAD, CQ_INSERT, CQ_BEFORE, CQ__COUNT };

static const char *const cq_sql[CQ__COUNT] = {
	[CQ_HEAD] = "SELECT seq, chain FROM custody ORDER BY seq DESC LIMIT 1",
	[CQ_INSERT] = "INSERT INTO custody(seq, at, id, via, origin, salt,"
	    " chain) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[CQ_BEFORE] = "SELECT chain FROM custody WHERE seq = ?",
};

static enum err
stmt(struct store *s, int i, sqlite3_stmt **st)
{
	int	 rc;

	if (s->cq[i] == NULL && (rc = sqlite3_prepare_v3(s->db, cq_sql[i], -1,
	    SQLITE_PREPARE_PERSISTENT, &s->cq[i], NULL)) != SQLITE_OK)
		return store_sqlerr(s, rc, "store: custody");
	*st = s->cq[i];
	return ERR_OK;
}

static void
salt_for(struct store *s, uint64_t seq, uint8_t salt[CUSTODY_SALT])
{
	uint8_t	 b[40], h[32];
	int	 i;

	if (!s->csalt_set) {
		if (crypto_random(s->csalt, sizeof(s->csalt)) != 0)
			log_warn("store: custody: no random bytes for salts");
		s->csalt_set = true;
	}
	memcpy(b, s->csalt, 32);
	for (i = 0; i < 8; i++)
		b[32 + i] = (uint8_t)(seq >> (8 * i));
	SHA256(b, sizeof(b), h);
	memcpy(salt, h, CUSTODY_SALT);
	explicit_bzero(b, sizeof(b));
}

/* Builds both lines of an entry from its fields; e's texts point into bufs. */
static void
build(struct custody_entry *e, uint64_t seq, uint64_t at,
    const uint8_t id[32], enum custody_via via, const char *origin,
    const uint8_t salt[CUSTODY_SALT], const uint8_t prev[32],
    struct buf *lb, struct buf *sb)
{
	memset(e, 0, sizeof(*e));
	custody_source_set(&e->source, seq, origin, salt);
	buf_reset(sb);
	custody_source_write(&e->source, sb);
	e->line.seq = seq;
	e->line.at = at;
	memcpy(e->line.id, id, 32);
	e->line.via = (unsigned)via < CUSTODY__COUNT ? via : CUSTODY_UNKNOWN;
	SHA256((const uint8_t *)sb->p, sb->len, e->line.src);
	memcpy(e->line.prev, prev, 32);
	buf_reset(lb);
	custody_line_write(&e->line, lb);
	e->text = lb->p;
	e->len = lb->len;
	e->stext = sb->p;
	e->slen = sb->len;
	custody_chain(prev, lb->p, lb->len, e->chain);
}

enum err
store_custody_head(struct store *s, uint64_t *seq, uint8_t chain[32])
{
	sqlite3_stmt *st = NULL;
	int	 rc;
	enum err e;

	if ((e = stmt(s, CQ_HEAD, &st)) != ERR_OK)
		return e;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 1) == 32) {
		*seq = (uint64_t)sqlite3_column_int64(st, 0);
		memcpy(chain, sqlite3_column_blob(st, 1), 32);
	} else if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
		*seq = 0;
		memset(chain, 0, 32);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: custody");
	return ERR_OK;
}

enum err
store_custody_before(struct store *s, uint64_t seq, uint8_t chain[32])
{
	sqlite3_stmt *st = NULL;
	int	 rc;
	enum err e = ERR_OK;

	if (seq <= 1) {
		memset(chain, 0, 32);
		return ERR_OK;
	}
	if ((e = stmt(s, CQ_BEFORE, &st)) != ERR_OK)
		return e;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)(seq - 1));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32)
		memcpy(chain, sqlite3_column_blob(st, 0), 32);
	else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		e = ERR_CUSTODY;	/* a gap: the log was cut */
	else
		e = store_sqlerr(s, rc, "store: custody");
	sqlite3_reset(st);
	return e;
}

static void
bufs_init(struct store *s)
{
	if (s->ctmp.max == 0)
		buf_init(&s->ctmp, 0);
}

/* Inserts line seq after prev; *chain gets c(seq). */
static enum err
insert(struct store *s, uint64_t seq, uint64_t at, const uint8_t id[32],
    enum custody_via via, const char *from, const uint8_t prev[32],
    uint8_t chain[32])
{
	struct custody_entry ce;
	struct buf sb;
	sqlite3_stmt *st = NULL;
	uint8_t	 salt[CUSTODY_SALT];
	int	 rc;
	enum err e;

	if ((e = stmt(s, CQ_INSERT, &st)) != ERR_OK)
		return e;
	bufs_init(s);
	buf_init(&sb, 0);
	salt_for(s, seq, salt);
	build(&ce, seq, at, id, via, from, salt, prev, &s->ctmp, &sb);
	if (s->ctmp.err || sb.err) {
		buf_free(&sb);
		return ERR_NOMEM;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)at);
	sqlite3_bind_blob(st, 3, id, 32, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, (int)ce.line.via);
	sqlite3_bind_text(st, 5, ce.source.from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 6, salt, CUSTODY_SALT, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, ce.chain, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	buf_free(&sb);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: custody");
	memcpy(chain, ce.chain, 32);
	return ERR_OK;
}

enum err
store_custody_append(struct store *s, const uint8_t id[32], uint64_t now,
    const struct custody_src *src)
{
	uint8_t	 prev[32];
	uint64_t seq;
	enum err e;

	/*
	 * Inside one write transaction nobody else appends, so the head we
	 * wrote last is still the head: a batch of 2000 reads it once.
	 */
	if (s->in_tx && s->chead_txn == s->txn && s->txn != 0) {
		seq = s->chead_seq;
		memcpy(prev, s->chead, 32);
	} else if ((e = store_custody_head(s, &seq, prev)) != ERR_OK)
		return e;
	if ((e = insert(s, seq + 1, now, id, src != NULL ? src->via :
	    CUSTODY_UNKNOWN, src != NULL ? src->from : NULL, prev, prev)) !=
	    ERR_OK) {
		s->chead_txn = 0;
		return e;
	}
	s->chead_seq = seq + 1;
	memcpy(s->chead, prev, 32);
	s->chead_txn = s->in_tx ? s->txn : 0;
	return ERR_OK;
}

enum err
store_custody_backfill(struct store *s)
{
	sqlite3_stmt *st = NULL;
	uint8_t	 chain[32], id[32];
	uint64_t seq, n = 0;
	int64_t	 now;
	int	 rc;
	enum err e;

	if ((e = store_custody_head(s, &seq, chain)) != ERR_OK)
		return e;
	now = (int64_t)time(NULL);
	if ((rc = sqlite3_prepare_v2(s->db, "SELECT id FROM events ORDER BY"
	    " eid", -1, &st, NULL)) != SQLITE_OK)
		return store_sqlerr(s, rc, "store: custody");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != 32)
			continue;
		memcpy(id, sqlite3_column_blob(st, 0), 32);
		if ((e = insert(s, ++seq, (uint64_t)now, id, CUSTODY_STORE, "",
		    chain, chain)) != ERR_OK) {
			sqlite3_finalize(st);
			return e;
		}
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: custody");
	if (n > 0)
		log_info("store: custody log begun with the %llu events already"
		    " stored", (unsigned long long)n);
	return ERR_OK;
}

/* One row of a scan into e, checked against its stored chain. */
static bool
row_entry(sqlite3_stmt *st, const uint8_t prev[32], struct custody_entry *e,
    struct buf *lb, struct buf *sb)
{
	const unsigned char *origin;

	if (sqlite3_column_bytes(st, 2) != 32 ||
	    sqlite3_column_bytes(st, 5) != CUSTODY_SALT ||
	    sqlite3_column_bytes(st, 6) != 32)
		return false;
	origin = sqlite3_column_text(st, 4);
	build(e, (uint64_t)sqlite3_column_int64(st, 0),
	    (uint64_t)sqlite3_column_int64(st, 1), sqlite3_column_blob(st, 2),
	    (enum custody_via)sqlite3_column_int(st, 3),
	    origin != NULL ? (const char *)origin : "",
	    sqlite3_column_blob(st, 5), prev, lb, sb);
	return !lb->err && !sb->err &&
	    memcmp(e->chain, sqlite3_column_blob(st, 6), 32) == 0;
}

#define CUSTODY_COLS "seq, at, id, via, origin, salt, chain"

enum err
store_custody_scan(struct store *s, uint64_t first, store_custody_cb cb,
    void *arg, uint64_t *bad_seq)
{
	struct custody_entry ce;
	struct buf lb, sb;
	sqlite3_stmt *st = NULL;
	uint8_t	 prev[32];
	uint64_t want;
	int	 rc;
	enum err e;

	if (first == 0)
		first = 1;
	if ((e = store_custody_before(s, first, prev)) != ERR_OK) {
		*bad_seq = first - 1;
		return e;
	}
	if ((rc = sqlite3_prepare_v2(s->db, "SELECT " CUSTODY_COLS
	    " FROM custody WHERE seq >= ? ORDER BY seq", -1, &st, NULL)) !=
	    SQLITE_OK)
		return store_sqlerr(s, rc, "store: custody");
	sqlite3_bind_int64(st, 1, (sqlite3_int64)first);
	buf_init(&lb, 0);
	buf_init(&sb, 0);
	want = first;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((uint64_t)sqlite3_column_int64(st, 0) != want ||
		    !row_entry(st, prev, &ce, &lb, &sb)) {
			*bad_seq = want;
			e = ERR_CUSTODY;
			break;
		}
		memcpy(prev, ce.chain, 32);
		want++;
		if (cb(&ce, arg) != 0)
			break;
	}
	if (e == ERR_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = store_sqlerr(s, rc, "store: custody");
	sqlite3_finalize(st);
	buf_free(&lb);
	buf_free(&sb);
	return e;
}

enum err
store_custody_find(struct store *s, const uint8_t id[32],
    struct custody_entry *out, bool *found)
{
	sqlite3_stmt *st = NULL;
	uint8_t	 prev[32];
	int	 rc;
	enum err e = ERR_OK;

	*found = false;
	if ((rc = sqlite3_prepare_v2(s->db, "SELECT " CUSTODY_COLS
	    " FROM custody WHERE id = ? ORDER BY seq LIMIT 1", -1, &st,
	    NULL)) != SQLITE_OK)
		return store_sqlerr(s, rc, "store: custody");
	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		bufs_init(s);
		e = store_custody_before(s, (uint64_t)sqlite3_column_int64(st,
		    0), prev);
		if (e == ERR_OK) {
			struct buf sb;

			buf_init(&sb, 0);
			if (!row_entry(st, prev, out, &s->ctmp, &sb))
				e = ERR_CUSTODY;
			/* The source text is not kept past this call. */
			out->stext = NULL;
			out->slen = 0;
			buf_free(&sb);
			*found = e == ERR_OK;
		}
	} else if (rc != SQLITE_DONE)
		e = store_sqlerr(s, rc, "store: custody");
	sqlite3_finalize(st);
	return e;
}

void
store_custody_close(struct store *s)
{
	int	 i;

	for (i = 0; i < CQ__COUNT; i++)
		sqlite3_finalize(s->cq[i]);
	buf_free(&s->ctmp);
	explicit_bzero(s->csalt, sizeof(s->csalt));
}
