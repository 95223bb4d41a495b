/*
 * store_int.h: what store.c and store_query.c share -- the handle and the
 * SQLite error mapping.  Not for other modules.
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
	/* The custody log (store_custody.c): its statements and salt key. */
	sqlite3_stmt	*cq[4];
	uint8_t		 csalt[32];
	bool		 csalt_set;
	struct buf	 ctmp;
	uint64_t	 txn;		/* counts store_begin */
	uint64_t	 chead_txn;	/* the head below is good in this tx */
	uint64_t	 chead_seq;
	uint8_t		 chead[32];
};

/* Builds the tags table key for a tag's name and first value. */
void		store_tag_key(struct buf *, char, const char *, size_t);

/* Maps a SQLite result code to the error table, logging msg once (store_err.c). */
enum err	store_sqlerr(struct store *, int rc, const char *what);

#endif
