/*
 * store_int.h: what the files of the store share -- the handle, the
 * schema, the SQLite error mapping, the filter-to-SQL builder
 * (store_sql.c), and what a store from elsewhere (store_foreign.c) keeps.
 * Not for other modules.  The files, and the only way their calls run:
 *
 *   store_foreign.c         a store from elsewhere: its files, its
 *                           bounds, then attached as a store    (top)
 *   store_foreign_schema.c  its schema against the exact expected one
 *   store_cursor.c          a REQ's answer a page at a time
 *   store_query.c           whole answers, counts, id sets
 *   store_sql.c             filters as SQL
 *   store.c                 open, attach, write
 *   store_evjson.c          events kept without their id and sig
 *   store_schema.c          the schema text, one part per version (bottom)
 */
#ifndef SAMIZDAT_STORE_INT_H
#define SAMIZDAT_STORE_INT_H

#include <sys/types.h>

#include <limits.h>
#include <sqlite3.h>

#include "store.h"

#define STORE_SCHEMA_VERSION	7
#define STORE_COMPAT_VERSION	6	/* what every samizdat since 6 reads */
#define STORE_SIG_VERSION	7	/* events.sig: rows without id and sig */
#define STORE_PARTS_AGAIN	6	/* schema parts that may run twice */
#define STORE_FOREIGN	0x100	/* internal: came through store_open_foreign */

/* The CREATE statements of each version, oldest first (store_schema.c). */
extern const char *const store_schema_parts[STORE_SCHEMA_VERSION];

/*
 * A store from elsewhere: what was checked and opened, and the bounds
 * its progress handler enforces.  Plain data, freed by store_close.
 *   dirfd, dbfd    the data dir and events.db as checked (O_NOFOLLOW),
 *                  held so their identity can be compared with the path
 *   dir, path      the absolute dir and its events.db
 *   deadline       CLOCK_MONOTONIC seconds; 0: none
 *   cancel         set from another thread: stop
 *   checking       the schema is not checked yet: the memory bound holds
 *   mem_base, mem_max  SQLite's heap when the check began, and how much
 *                  more the check may take
 *   size_seen      the largest events.db has been: without auto-vacuum a
 *                  store never shrinks, so less means it was cut short
 *   stop           why the handler interrupted the work (FX_RUN: it did
 *                  not; FX_GONE: events.db was removed or cut short)
 */
enum fx_stop { FX_RUN, FX_LATE, FX_CANCEL, FX_MEM, FX_GONE };
struct store_fx {
	int		 dirfd, dbfd;
	dev_t		 dir_dev, db_dev;
	ino_t		 dir_ino, db_ino;
	char		 dir[PATH_MAX], path[PATH_MAX + 16];
	double		 deadline, check_deadline;
	volatile int	*cancel;
	int		 checking;
	sqlite3_int64	 mem_base, mem_max;
	off_t		 size_seen;
	enum fx_stop	 stop;
};

enum {
	Q_HAS,
	Q_AUTHOR_GET,
	Q_AUTHOR_ADD,
	Q_INSERT,
	Q_TAG,
	Q_FTS,
	Q_FTS_DEL,
	Q_REPL_FIND,
	Q_ADDR_FIND,
	Q_DELETED,
	Q_ADDR_DELETED,
	Q_DEL_MARK,
	Q_ADDR_DEL_MARK,
	Q_GET_BY_ID,
	Q_GET_BY_EID,
	Q_EV_DEL,
	Q_TAG_DEL,
	Q_ADDR_VICTIMS,
	Q_EXPIRED,
	Q_COUNT_ALL,
	Q_GET_JSON,
	Q__COUNT
};

struct witness_cache;

struct store {
	sqlite3		*db;
	sqlite3_stmt	*q[Q__COUNT];
	int		 flags;
	int		 in_tx;
	int		 version;	/* the schema's, after opening */
	struct buf	 tmp;		/* key building */
	struct negidx	*nx;		/* the NIP-77 index (store_neg.c) */
	struct witness_cache *wc;	/* witness_index.c, made on first use */
	struct store_fx	*fx;		/* a store from elsewhere; else NULL */
	/* The custody log (store_custody.c): its statements and salt key. */
	sqlite3_stmt	*cq[4];
	uint8_t		 csalt[32];
	bool		 csalt_set;
	struct buf	 ctmp;
	uint64_t	 txn;		/* counts store_begin */
	/* The event store_put stored last, for witness_after to reuse. */
	uint8_t		 put_id[32];
	int64_t		 put_eid, put_aid;
	uint64_t	 chead_txn;	/* the head below is good in this tx */
	uint64_t	 chead_seq;
	uint8_t		 chead[32];
};

/* The witness index's statements and cached trust graph (witness_int.h). */
void		witness_cache_free(struct witness_cache *);

/*
 * Sets up an open handle as a store (pragmas, schema, statements).  Owns
 * db and fx from the call on, also when it fails.  store_open passes a
 * handle it opened itself; store_open_foreign one it has checked.
 */
enum err	store_attach(struct store **, sqlite3 *db, int flags,
		    struct store_fx *fx);

/*
 * The schema version and every schema entry of the store open as db
 * against what this samizdat makes (store_foreign_schema.c).  dir is for
 * advice in messages.  Returns: SQLITE_OK with *refusal ERR_OK (it is
 * exact), ERR_FOREIGN or ERR_DB_VERSION (why says what differs); or the
 * SQLite error that stopped the check.
 */
int		store_foreign_schema(sqlite3 *db, const char *dir,
		    enum err *refusal, char *why, size_t whysz);

/*
 * Events without their id and sig (store_evjson.c).  Statements read a
 * stored event's JSON as EV_JSON (EV_JSON_E with the table named e) and
 * are prepared with store_prepare (sqlite3_prepare_v3's flags), which
 * reads plain json on a store older than version 7.
 */
#define EV_JSON		"ev_json(id, json, sig)"
#define EV_JSON_E	"ev_json(e.id, e.json, e.sig)"
int		store_prepare(struct store *, const char *sql, unsigned flags,
		    sqlite3_stmt **);
/* Registers ev_json on db; an SQLite result code. */
int		store_evjson_register(sqlite3 *db);
/*
 * Whether json (len bytes) is {"id":"<id>",BODY,"sig":"<sig>"} with
 * lowercase hex: then BODY is json + *off, *n bytes, all a row stores.
 */
bool		store_evjson_split(const uint8_t id[32], const uint8_t sig[64],
		    const char *json, size_t len, size_t *off, size_t *n);
/* sql with every ev_json(A, B, C) turned into B, malloc'd; NULL: no memory. */
char		*store_evjson_sql(const char *sql);

/* Builds the tags table key for a tag's name and first value. */
void		store_tag_key(struct buf *, char, const char *, size_t);

/*
 * The NIP-77 index (store_neg.c): an event counted in or out, inside the
 * transaction that stores or removes it; the whole index built again
 * from the events (the schema upgrade); the handle's part freed.
 */
struct negidx;
enum err	store_neg_add(struct store *, uint64_t ts, const uint8_t id[32]);
enum err	store_neg_del(struct store *, uint64_t ts, const uint8_t id[32]);
enum err	store_neg_rebuild(struct store *);
void		store_neg_free(struct store *);

/* Maps a SQLite result code to the error table, logging msg once. */
enum err	store_sqlerr(struct store *, int rc, const char *what);
/*
 * Runs sql (one integer, such as a PRAGMA's) on db into *v.
 * Returns: SQLITE_OK, SQLITE_DONE if it gave no row, or SQLite's error.
 */
int		store_sql_int(sqlite3 *db, const char *sql, int *v);

/* store_sql.c: one filter's SELECT, its values bound. */
enum sql_bind_type { B_BLOB, B_TEXT, B_INT };

struct sql_bind {
	enum sql_bind_type type;
	const void	*p;
	size_t		 n;
	sqlite3_int64	 i;
	char		*owned;		/* freed with the query */
};

struct query {
	struct buf	 sql;
	struct sql_bind	*b;
	size_t		 nb, cap;
	bool		 err;
};

/* The columns a filter's SELECT gives. */
enum cols {
	COLS_ROW,	/* eid, created_at, id, json */
	COLS_EID,	/* eid */
	COLS_IDS,	/* created_at, id */
	COLS_PUBKEY,	/* the author's pubkey */
	COLS_KEY	/* eid, created_at, id */
};

/*
 * Where a page of a REQ's answer starts (store_cursor.c): rows after
 * after_eid and up to max_eid (0: no bound), and, when keyset, those that
 * come after (at, id) newest first.
 */
struct sql_range {
	int64_t		 after_eid, max_eid;
	bool		 keyset;
	int64_t		 at;
	uint8_t		 id[32];
};

void		sql_bind(struct query *, enum sql_bind_type, const void *,
		    size_t, sqlite3_int64, char *owned);
void		sql_free(struct query *);
/*
 * Appends one filter's SELECT of cols, without ORDER BY or LIMIT, within
 * range (NULL: all).  *ranked is set when it is a search (ORDER BY m.rk
 * then).  Returns: false if the filter can match nothing.
 */
bool		sql_filter(struct query *, const struct filter *, uint64_t now,
		    bool *ranked, enum cols, const struct sql_range *);
bool		sql_has_search(const struct filter *, size_t n);
/* The filter's limit under max_limit (0: none); -1 for no limit. */
sqlite3_int64	sql_limit(const struct filter *, uint64_t max_limit);
enum err	sql_prepare(struct store *, struct query *, sqlite3_stmt **);

#endif
