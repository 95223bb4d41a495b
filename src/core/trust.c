/*
 * trust.c: the trust engine of trust.h.  The graph is a small
 * open-addressing table keyed by the store's author ids, grown by
 * doubling; the tally sorts a report's marks by key so the newest mark of
 * each key is the first of its run.
 */
#include <stdlib.h>
#include <string.h>

#include "trust.h"

static const char *const level_names[] = {
	[TRUST_FRESH] = "fresh",
	[TRUST_HISTORY] = "history",
	[TRUST_HOP2] = "hop2",
	[TRUST_HOP1] = "hop1",
	[TRUST_OWN] = "own",
};

static const char *const state_names[] = {
	[TRUST_UNVERIFIED] = "unverified",
	[TRUST_CORROBORATED] = "corroborated",
	[TRUST_DISPUTED] = "disputed",
	[TRUST_CONTESTED] = "contested",
};

const char *
trust_level_name(enum trust_level l)
{
	return (unsigned)l <= TRUST_OWN ? level_names[l] : "fresh";
}

const char *
trust_state_name(enum trust_state s)
{
	return (unsigned)s <= TRUST_CONTESTED ? state_names[s] : "unverified";
}

void
trust_graph_init(struct trust_graph *g)
{
	memset(g, 0, sizeof(*g));
}

void
trust_graph_free(struct trust_graph *g)
{
	free(g->v);
	memset(g, 0, sizeof(*g));
}

void
trust_graph_reset(struct trust_graph *g)
{
	if (g->v != NULL)
		memset(g->v, 0, g->cap * sizeof(*g->v));
	g->n = 0;
	g->err = false;
}

bool
trust_graph_copy(struct trust_graph *dst, const struct trust_graph *src)
{
	struct trust_node *v = NULL;

	if (src->cap > 0 && (v = malloc(src->cap * sizeof(*v))) == NULL)
		return false;
	if (v != NULL)
		memcpy(v, src->v, src->cap * sizeof(*v));
	free(dst->v);
	*dst = *src;
	dst->v = v;
	return true;
}

static size_t
slot_of(int64_t key, size_t cap)
{
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 17) & (cap - 1);
}

static struct trust_node *
find(const struct trust_graph *g, int64_t key)
{
	size_t	 i;

	if (g->cap == 0)
		return NULL;
	for (i = slot_of(key, g->cap); g->v[i].used; i = (i + 1) & (g->cap - 1))
		if (g->v[i].key == key)
			return &g->v[i];
	return NULL;
}

static bool
grow(struct trust_graph *g)
{
	struct trust_node *old = g->v, *nv;
	size_t	 oldcap = g->cap, cap = oldcap ? oldcap * 2 : 64, i, k;

	if ((nv = calloc(cap, sizeof(*nv))) == NULL) {
		g->err = true;
		return false;
	}
	for (i = 0; i < oldcap; i++) {
		if (!old[i].used)
			continue;
		for (k = slot_of(old[i].key, cap); nv[k].used; k = (k + 1) &
		    (cap - 1))
			;
		nv[k] = old[i];
	}
	free(old);
	g->v = nv;
	g->cap = cap;
	return true;
}

/* The node for key, added (unused fields zero) if missing; NULL on ENOMEM. */
static struct trust_node *
get(struct trust_graph *g, int64_t key)
{
	struct trust_node *t;
	size_t	 i;

	if ((t = find(g, key)) != NULL)
		return t;
	if ((g->n + 1) * 2 > g->cap && !grow(g))
		return NULL;
	for (i = slot_of(key, g->cap); g->v[i].used; i = (i + 1) & (g->cap - 1))
		;
	t = &g->v[i];
	memset(t, 0, sizeof(*t));
	t->used = true;
	t->key = key;
	t->hop = 255;
	t->via = -1;
	g->n++;
	return t;
}

void
trust_graph_root(struct trust_graph *g, int64_t key)
{
	struct trust_node *t;

	if ((t = get(g, key)) != NULL) {
		t->hop = 0;
		t->via = -1;
	}
}

bool
trust_graph_vouch(struct trust_graph *g, int64_t from, int64_t to)
{
	struct trust_node *f, *t;
	unsigned hop;
	int64_t	 via;

	if (from == to || (f = find(g, from)) == NULL ||
	    f->hop >= TRUST_MAX_HOPS || f->nout >= TRUST_MAX_FANOUT)
		return false;
	f->nout++;
	hop = f->hop + 1u;
	via = from;
	if ((t = get(g, to)) == NULL)	/* f may have moved */
		return false;
	if (t->hop <= hop)
		return false;
	t->hop = (uint8_t)hop;
	t->via = via;
	return true;
}

bool
trust_graph_hop(const struct trust_graph *g, int64_t key, unsigned *hop,
    int64_t *via)
{
	const struct trust_node *t = find(g, key);

	if (t == NULL || t->hop > TRUST_MAX_HOPS)
		return false;
	*hop = t->hop;
	if (via != NULL)
		*via = t->via;
	return true;
}

void
trust_graph_each(const struct trust_graph *g, unsigned hop,
    int (*f)(int64_t, void *), void *arg)
{
	size_t	 i;

	for (i = 0; i < g->cap; i++)
		if (g->v[i].used && g->v[i].hop == hop && f(g->v[i].key, arg))
			return;
}

enum trust_level
trust_classify(const struct trust_graph *g, int64_t key, uint64_t first_seen,
    uint64_t now)
{
	unsigned hop;

	if (g != NULL && trust_graph_hop(g, key, &hop, NULL))
		return hop == 0 ? TRUST_OWN : hop == 1 ? TRUST_HOP1 :
		    TRUST_HOP2;
	if (first_seen != 0 && first_seen <= now &&
	    now - first_seen >= TRUST_HISTORY_AGE)
		return TRUST_HISTORY;
	return TRUST_FRESH;
}

/* By key, then newest first, then lowest id: a key's winner leads its run. */
static int
mark_cmp(const void *a, const void *b)
{
	const struct trust_mark *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->created_at != y->created_at)
		return x->created_at > y->created_at ? -1 : 1;
	return memcmp(x->id, y->id, 32);
}

static void
side_add(struct trust_side *s, const struct trust_mark *m, uint64_t now,
    unsigned *history_w)
{
	s->keys++;
	switch (m->level) {
	case TRUST_OWN:
		s->own++;
		s->weight += TRUST_W_VOUCHED;
		break;
	case TRUST_HOP1:
		s->hop1++;
		s->weight += TRUST_W_VOUCHED;
		break;
	case TRUST_HOP2:
		s->hop2++;
		s->weight += TRUST_W_HOP2;
		break;
	case TRUST_HISTORY:
		s->history++;
		if (*history_w < TRUST_W_HISTORY_MAX) {
			*history_w += TRUST_W_HISTORY;
			s->weight += TRUST_W_HISTORY;
		}
		break;
	case TRUST_FRESH:
		s->fresh++;
		if (m->first_seen == 0 || (m->first_seen <= now &&
		    now - m->first_seen < TRUST_HOUR) || m->first_seen > now)
			s->fresh_hour++;
		break;
	}
}

enum trust_state
trust_state_of(unsigned c, unsigned d)
{
	if (c >= TRUST_W_THRESHOLD && c >= 3 * d)
		return TRUST_CORROBORATED;
	if (d >= TRUST_W_THRESHOLD && d >= 3 * c)
		return TRUST_DISPUTED;
	if (c >= TRUST_W_PRESENT && d >= TRUST_W_PRESENT)
		return TRUST_CONTESTED;
	return TRUST_UNVERIFIED;
}

void
trust_tally(struct trust_mark *marks, size_t n, int64_t author, uint64_t now,
    struct trust_tally *out)
{
	unsigned hc = 0, hd = 0;
	size_t	 i;

	memset(out, 0, sizeof(*out));
	if (n > 1)
		qsort(marks, n, sizeof(*marks), mark_cmp);
	for (i = 0; i < n; i++) {
		struct trust_mark *m = &marks[i];

		m->counted = false;
		if (i > 0 && marks[i - 1].key == m->key)
			continue;	/* an older mark of the same key */
		if (author >= 0 && m->key == author) {
			out->self++;
			continue;
		}
		if (m->label == WITNESS_CONFIRM)
			side_add(&out->confirm, m, now, &hc);
		else if (m->label == WITNESS_DISPUTE)
			side_add(&out->dispute, m, now, &hd);
		else {
			if (m->label == WITNESS_RETRACT)
				out->retracted++;
			continue;
		}
		m->counted = true;
	}
	out->state = trust_state_of(out->confirm.weight, out->dispute.weight);
}
