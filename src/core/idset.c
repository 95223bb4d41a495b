/*
 * idset.c: the set of idset.h.  Ids are hashes already, so their first
 * eight bytes, mixed once, pick the slot.
 */
#include <stdlib.h>
#include <string.h>

#include "idset.h"

struct idset_slot {
	uint8_t		 id[32];
	uint64_t	 v;
	bool		 used;
};

void
idset_init(struct idset *s, size_t max)
{
	memset(s, 0, sizeof(*s));
	s->max = max < 1 ? 1 : max;
}

void
idset_free(struct idset *s)
{
	free(s->slots);
	s->slots = NULL;
	s->cap = s->n = 0;
}

void
idset_clear(struct idset *s)
{
	if (s->slots != NULL)
		memset(s->slots, 0, s->cap * sizeof(*s->slots));
	s->n = 0;
}

static size_t
slot_of(const struct idset *s, const uint8_t id[32])
{
	uint64_t h;

	memcpy(&h, id, sizeof(h));
	h ^= h >> 31;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 29;
	return (size_t)h & (s->cap - 1);
}

static struct idset_slot *
find(const struct idset *s, const uint8_t id[32])
{
	size_t	 i;

	if (s->cap == 0)
		return NULL;
	for (i = slot_of(s, id); s->slots[i].used; i = (i + 1) & (s->cap - 1))
		if (memcmp(s->slots[i].id, id, 32) == 0)
			return &s->slots[i];
	return NULL;
}

bool
idset_get(const struct idset *s, const uint8_t id[32], uint64_t *v)
{
	const struct idset_slot *x = find(s, id);

	if (x != NULL && v != NULL)
		*v = x->v;
	return x != NULL;
}

static void
place(struct idset *s, const uint8_t id[32], uint64_t v)
{
	size_t	 i;

	for (i = slot_of(s, id); s->slots[i].used; i = (i + 1) & (s->cap - 1))
		;
	memcpy(s->slots[i].id, id, 32);
	s->slots[i].v = v;
	s->slots[i].used = true;
	s->n++;
}

static enum err
grow(struct idset *s)
{
	struct idset_slot *old = s->slots;
	size_t	 oldcap = s->cap, i;

	s->cap = oldcap ? oldcap * 2 : 64;
	if ((s->slots = calloc(s->cap, sizeof(*s->slots))) == NULL) {
		s->slots = old;
		s->cap = oldcap;
		return ERR_NOMEM;
	}
	s->n = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i].used)
			place(s, old[i].id, old[i].v);
	free(old);
	return ERR_OK;
}

enum err
idset_put(struct idset *s, const uint8_t id[32], uint64_t v)
{
	struct idset_slot *x;
	enum err e;

	if ((x = find(s, id)) != NULL) {
		x->v = v;
		return ERR_OK;
	}
	if (s->n >= s->max)
		return ERR_STORE_FULL;
	if ((s->n + 1) * 2 > s->cap && (e = grow(s)) != ERR_OK)
		return e;
	place(s, id, v);
	return ERR_OK;
}

bool
idset_del(struct idset *s, const uint8_t id[32])
{
	struct idset_slot *x = find(s, id);
	size_t	 i, j, k, mask = s->cap - 1;

	if (x == NULL)
		return false;
	i = (size_t)(x - s->slots);
	s->slots[i].used = false;
	s->n--;
	/* Backward shift: pull later members of the run into the gap. */
	for (j = (i + 1) & mask; s->slots[j].used; j = (j + 1) & mask) {
		k = slot_of(s, s->slots[j].id);
		/* Leave it if its home lies cyclically in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		s->slots[i] = s->slots[j];
		s->slots[j].used = false;
		i = j;
	}
	return true;
}

size_t
idset_walk(const struct idset *s, size_t pos,
    int (*fn)(const uint8_t id[32], uint64_t v, void *), void *arg)
{
	size_t	 i;

	for (i = pos; i < s->cap; i++)
		if (s->slots[i].used && fn(s->slots[i].id, s->slots[i].v,
		    arg) != 0)
			return i + 1 < s->cap ? i + 1 : 0;
	return 0;
}
