/*
 * store_neg_int.h: what store_negidx.c (the NIP-77 index kept up to
 * date) and store_neg.c (reading it) share: the handle's part, its
 * statements and the row helpers.  Not for other modules.
 */
#ifndef SAMIZDAT_STORE_NEG_INT_H
#define SAMIZDAT_STORE_NEG_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "negentropy.h"
#include "store_int.h"

/*
 * Blocks' events kept in memory while a session runs: at most SLOTS of
 * them, some 2.6 MB with full blocks, and SLOTS_IDLE between sessions.
 */
#define SLOTS		1024
#define SLOTS_IDLE	8

enum {
	NQ_FIND,
	NQ_SET,
	NQ_ADD,
	NQ_DEL,
	NQ_BLOCKS,
	NQ_ITEMS,
	NQ_WALK,
	NQ_VERSION,
	NQ_BUMP,
	NQ__COUNT
};

struct block {
	struct neg_item	 key;
	uint64_t	 n;
	uint8_t		 sum[32];
	uint64_t	 before;	/* events in the blocks before */
	uint8_t		 sum_before[32];
};

struct slot {
	size_t		 b;		/* the block; SIZE_MAX: none */
	struct neg_item	*items;
	size_t		 n, cap;
};

struct negidx {
	sqlite3_stmt	*q[NQ__COUNT];
	struct block	*blocks;
	size_t		 nb;
	uint64_t	 total;
	uint8_t		 sum_total[32];
	bool		 valid;
	sqlite3_int64	 version, changes;
	struct slot	*slot;		/* SLOTS of them */
	uint32_t	*slot_of;	/* per block: its slot + 1; 0: none */
	size_t		 nslot_of;
	size_t		 victim;	/* the slot a miss takes next */
	uint64_t	 reads;
};

/* The handle's part of the index, its statements prepared. */
enum err	nx_get(struct store *, struct negidx **);
void		nx_bind_key(sqlite3_stmt *, int col, uint64_t ts,
		    const uint8_t id[32]);
/* Reads a (created_at, id) row; false if the id is not 32 bytes. */
bool		nx_row_item(sqlite3_stmt *, struct neg_item *);
/*
 * The events from key on, at most max, into a malloc'd array.
 * Returns: ERR_OK, ERR_NOMEM, ERR_DB_CORRUPT or a database error.
 */
enum err	nx_read_items(struct store *, sqlite3_stmt *,
		    const struct neg_item *key, uint64_t max,
		    struct neg_item **, size_t *n, size_t *cap);

#endif
