/*
 * quota.c: the usage table of quota.h: open addressing with linear
 * probing, never more than half full, rebuilt (not tombstoned) when keys
 * have to go, which happens rarely and costs one pass over the table.
 */
#include <stdlib.h>
#include <string.h>

#include "quota.h"

struct quota_slot {
	uint8_t		 key[32];
	bool		 used;
	uint64_t	 hour;		/* the window cur counts: time / WINDOW */
	uint64_t	 last;		/* last added to, for eviction */
	struct quota_use cur, prev;
};

void
quota_init(struct quota *q, size_t max)
{
	memset(q, 0, sizeof(*q));
	q->max = max < 16 ? 16 : max;
}

void
quota_free(struct quota *q)
{
	free(q->slots);
	memset(q, 0, sizeof(*q));
}

/* The first 8 bytes of a key are a hash already (pubkey or sha256). */
static size_t
home(const struct quota *q, const uint8_t key[32])
{
	uint64_t h;

	memcpy(&h, key, sizeof(h));
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (size_t)h & (q->cap - 1);
}

static struct quota_slot *
find(const struct quota *q, const uint8_t key[32])
{
	size_t	 i;

	if (q->cap == 0)
		return NULL;
	for (i = home(q, key); q->slots[i].used; i = (i + 1) & (q->cap - 1))
		if (memcmp(q->slots[i].key, key, 32) == 0)
			return &q->slots[i];
	return NULL;
}

/* Moves the slot's windows to the hour of now. */
static void
roll(struct quota_slot *s, uint64_t hour)
{
	if (s->hour == hour)
		return;
	if (s->hour + 1 == hour)
		s->prev = s->cur;
	else
		memset(&s->prev, 0, sizeof(s->prev));
	memset(&s->cur, 0, sizeof(s->cur));
	s->hour = hour;
}

void
quota_get(const struct quota *q, const uint8_t key[32], uint64_t now,
    struct quota_use *u)
{
	const struct quota_slot *s = find(q, key);
	uint64_t hour = now / QUOTA_WINDOW, left;
	struct quota_use cur = { 0, 0, 0 }, prev = { 0, 0, 0 };

	memset(u, 0, sizeof(*u));
	if (s == NULL || s->hour + 1 < hour)
		return;
	if (s->hour == hour) {
		cur = s->cur;
		prev = s->prev;
	} else
		prev = s->cur;
	/* The sliding hour still covers this much of the last one. */
	left = QUOTA_WINDOW - now % QUOTA_WINDOW;
	u->units = cur.units + prev.units * left / QUOTA_WINDOW;
	u->fwd = cur.fwd + prev.fwd * left / QUOTA_WINDOW;
	u->bytes = cur.bytes + prev.bytes * left / QUOTA_WINDOW;
}

static int
by_last_desc(const void *a, const void *b)
{
	const struct quota_slot *x = a, *y = b;

	return x->last < y->last ? 1 : x->last > y->last ? -1 : 0;
}

/*
 * A new table of cap slots with the keys of the old worth keeping: none
 * idle for two hours, and when making room and that is not enough, the
 * most recent half.  Returns: ERR_OK or ERR_NOMEM (the old table stays).
 */
static enum err
rebuild(struct quota *q, size_t cap, uint64_t now, bool room)
{
	struct quota_slot *old = q->slots, *keep = NULL, *ns;
	size_t	 oldcap = q->cap, nkeep = 0, i, j;

	if ((ns = calloc(cap, sizeof(*ns))) == NULL)
		return ERR_NOMEM;
	if (q->n > 0 && (keep = malloc(q->n * sizeof(*keep))) == NULL) {
		free(ns);
		return ERR_NOMEM;
	}
	for (i = 0; i < oldcap; i++)
		if (old[i].used && old[i].hour + 2 > now / QUOTA_WINDOW)
			keep[nkeep++] = old[i];
	if (room && nkeep > q->max / 4 * 3) {
		/* Still crowded: the least recently used half goes. */
		qsort(keep, nkeep, sizeof(*keep), by_last_desc);
		q->forgotten += nkeep - nkeep / 2;
		nkeep /= 2;
	}
	q->slots = ns;
	q->cap = cap;
	q->n = 0;
	for (i = 0; i < nkeep; i++) {
		for (j = home(q, keep[i].key); ns[j].used; j = (j + 1) &
		    (cap - 1))
			;
		ns[j] = keep[i];
		q->n++;
	}
	free(keep);
	free(old);
	return ERR_OK;
}

enum err
quota_add(struct quota *q, const uint8_t key[32], uint64_t now,
    const struct quota_use *u)
{
	struct quota_slot *s;
	size_t	 i, cap;
	enum err e;

	if ((s = find(q, key)) == NULL) {
		if (q->n >= q->max) {
			if ((e = rebuild(q, q->cap, now, true)) != ERR_OK)
				return e;
		} else if (q->n + 1 > q->cap / 2) {
			/* Grow, up to twice max slots: never over half full. */
			cap = q->cap ? q->cap * 2 : 32;
			while (cap / 2 < q->n + 1)
				cap *= 2;
			if ((e = rebuild(q, cap, now, false)) != ERR_OK)
				return e;
		}
		for (i = home(q, key); q->slots[i].used; i = (i + 1) &
		    (q->cap - 1))
			;
		s = &q->slots[i];
		memset(s, 0, sizeof(*s));
		memcpy(s->key, key, 32);
		s->used = true;
		s->hour = now / QUOTA_WINDOW;
		q->n++;
	}
	roll(s, now / QUOTA_WINDOW);
	s->cur.units += u->units;
	s->cur.fwd += u->fwd;
	s->cur.bytes += u->bytes;
	s->last = now;
	return ERR_OK;
}
