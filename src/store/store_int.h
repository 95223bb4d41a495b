/*
 * store_int.h: what the files of the store share -- the handle, the
 * SQLite error mapping and the filter-to-SQL builder (store_sql.c).  Not
 * for other modules.
 */
#ifndef SAMIZDAT_STORE_INT_H
#define SAMIZDAT_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

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
	Q__COUNT
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*q[Q__COUNT];
	int		 flags;
	int		 in_tx;
	struct buf	 tmp;		/* key building */
};

/* Builds the tags table key for a tag's name and first value. */
void		store_tag_key(struct buf *, char, const char *, size_t);

/* Maps a SQLite result code to the error table, logging msg once. */
enum err	store_sqlerr(struct store *, int rc, const char *what);

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
