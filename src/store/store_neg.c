/*
 * store_neg.c: the negentropy storage over the NIP-77 index (store_neg.h);
 * store_negidx.c keeps the index up to date.
 *
 * negidx(ts, id, n, sum): a block starts at key (ts, id) and holds the n
 * events from there up to the next block's key; sum is their ids added
 * as 256-bit little-endian integers.  The first block starts at (0, 0^32)
 * and stays even when empty, so every event has a block.  A block that
 * grows past NEGIDX_SPLIT splits at its middle event; one that empties
 * goes.  The upgrade to schema 3 builds the table from the events.
 *
 * Reading: the block rows are loaded once per handle and kept while
 * neither this handle (sqlite3_total_changes64) nor another has changed
 * the index (negidx_gen counts its changes); prefix counts and sums over them
 * make a position or a key one binary search away, and the events of a
 * block are read through the (created_at, id) index into a few cached
 * slots.  Each message of a session runs in one read transaction, so it
 * sees one state of the store.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_neg.h"
#include "store_neg_int.h"

struct store_neg {
	struct store	*s;
	struct neg_item	 lo, hi;	/* [lo, hi) of the whole order */
	bool		 hi_inf, none;
	uint64_t	 base, n;
	bool		 own_tx;
	uint64_t	 reads, reads0;
	uint64_t	 last_g;	/* the prefix sum computed last */
	uint8_t		 last_sum[32];
	bool		 have_last;
};

static const uint8_t zero32[32];

/* Loads the block rows unless they are current. */
static enum err
nx_refresh(struct store *s, struct negidx *x)
{
	sqlite3_stmt *st = x->q[NQ_VERSION];
	struct block *nb = NULL, *b;
	size_t	 n = 0, cap = 0, i;
	sqlite3_int64 version = 0, changes;
	int	 rc;
	enum err e = ERR_OK;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		version = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: negidx");
	if (rc == SQLITE_DONE)
		x->valid = false;		/* no counter: always reload */
	changes = sqlite3_total_changes64(s->db);
	if (x->valid && version == x->version && changes == x->changes)
		return ERR_OK;
	st = x->q[NQ_BLOCKS];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			if ((b = realloc(nb, cap * sizeof(*b))) == NULL) {
				e = ERR_NOMEM;
				break;
			}
			nb = b;
		}
		b = &nb[n];
		if (!nx_row_item(st, &b->key) || sqlite3_column_bytes(st, 3) != 32 ||
		    sqlite3_column_int64(st, 2) < 0) {
			e = ERR_DB_CORRUPT;
			break;
		}
		b->n = (uint64_t)sqlite3_column_int64(st, 2);
		memcpy(b->sum, sqlite3_column_blob(st, 3), 32);
		n++;
	}
	if (e == ERR_OK && rc != SQLITE_DONE)
		e = store_sqlerr(s, rc, "store: negidx");
	sqlite3_reset(st);
	if (e == ERR_OK && n == 0) {
		log_warnx("store: the NIP-77 index is empty");
		e = ERR_DB_CORRUPT;
	}
	if (e != ERR_OK) {
		free(nb);
		return e;
	}
	x->reads += n;
	free(x->blocks);
	x->blocks = nb;
	x->nb = n;
	x->total = 0;
	memset(x->sum_total, 0, 32);
	for (i = 0; i < n; i++) {
		nb[i].before = x->total;
		memcpy(nb[i].sum_before, x->sum_total, 32);
		x->total += nb[i].n;
		neg_sum_add(x->sum_total, nb[i].sum);
	}
	/* Block numbers changed: no slot holds a block any more. */
	if (n > x->nslot_of) {
		uint32_t *so = realloc(x->slot_of, n * sizeof(*so));

		if (so == NULL)
			return ERR_NOMEM;
		x->slot_of = so;
		x->nslot_of = n;
	}
	if (x->slot_of != NULL)
		memset(x->slot_of, 0, x->nslot_of * sizeof(*x->slot_of));
	for (i = 0; x->slot != NULL && i < SLOTS; i++)
		x->slot[i].b = SIZE_MAX;
	x->version = version;
	x->changes = changes;
	x->valid = true;
	return ERR_OK;
}

/*
 * The events of block b, from a slot: slot_of maps a block to its slot,
 * and a miss takes the slots in turn.  A session's rounds come back to
 * the blocks where the differences are, so SLOTS of them stay cached
 * while it runs; store_neg_close gives all but SLOTS_IDLE back.
 */
static enum err
nx_load(struct store *s, struct negidx *x, size_t b, struct slot **out)
{
	struct slot *sl;
	size_t	 i;
	enum err e;

	if (b < x->nslot_of && x->slot_of[b] != 0) {
		*out = &x->slot[x->slot_of[b] - 1];
		return ERR_OK;
	}
	if (x->slot == NULL) {		/* the first read of this handle */
		if ((x->slot = calloc(SLOTS, sizeof(*x->slot))) == NULL)
			return ERR_NOMEM;
		for (i = 0; i < SLOTS; i++)
			x->slot[i].b = SIZE_MAX;
	}
	i = x->victim;
	x->victim = (x->victim + 1) % SLOTS;
	sl = &x->slot[i];
	if (sl->b != SIZE_MAX && sl->b < x->nslot_of)
		x->slot_of[sl->b] = 0;
	sl->b = SIZE_MAX;
	if ((e = nx_read_items(s, x->q[NQ_ITEMS], &x->blocks[b].key,
	    x->blocks[b].n, &sl->items, &sl->n, &sl->cap)) != ERR_OK)
		return e;
	x->reads += sl->n;
	if (sl->n != x->blocks[b].n || (b + 1 < x->nb && sl->n > 0 &&
	    neg_item_cmp(&sl->items[sl->n - 1], &x->blocks[b + 1].key) >= 0)) {
		log_warnx("store: the NIP-77 index disagrees with the events;"
		    " run the upgrade again (see store_neg_check)");
		return ERR_DB_CORRUPT;
	}
	sl->b = b;
	if (b < x->nslot_of)
		x->slot_of[b] = (uint32_t)i + 1;
	*out = sl;
	return ERR_OK;
}

/* The block holding position g (g < total). */
static size_t
block_at(const struct negidx *x, uint64_t g)
{
	size_t	 lo = 0, hi = x->nb;

	while (hi - lo > 1) {		/* the last block with before <= g */
		size_t	 mid = lo + (hi - lo) / 2;

		if (x->blocks[mid].before <= g)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* How many events sort below key. */
static enum err
nx_rank(struct store *s, struct negidx *x, const struct neg_item *key,
    uint64_t *out)
{
	size_t	 lo = 0, hi = x->nb, a, b;
	struct slot *sl;
	enum err e;

	if (key->ts > (uint64_t)INT64_MAX) {
		*out = x->total;
		return ERR_OK;
	}
	if (neg_item_cmp(key, &x->blocks[0].key) < 0) {
		*out = 0;
		return ERR_OK;
	}
	while (hi - lo > 1) {		/* the last block starting <= key */
		size_t	 mid = lo + (hi - lo) / 2;

		if (neg_item_cmp(&x->blocks[mid].key, key) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	/* A block's own key (a cut, sent back): its start, without a read. */
	if (neg_item_cmp(&x->blocks[lo].key, key) == 0) {
		*out = x->blocks[lo].before;
		return ERR_OK;
	}
	if ((e = nx_load(s, x, lo, &sl)) != ERR_OK)
		return e;
	a = 0;
	b = sl->n;
	while (a < b) {
		size_t	 mid = a + (b - a) / 2;

		if (neg_item_cmp(&sl->items[mid], key) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	*out = x->blocks[lo].before + a;
	return ERR_OK;
}

/* The sum of the ids of the first g events. */
static enum err
nx_prefix(struct store *s, struct negidx *x, uint64_t g, uint8_t acc[32])
{
	struct block *bl;
	struct slot *sl;
	size_t	 b, j, i;
	enum err e;

	if (g >= x->total) {
		memcpy(acc, x->sum_total, 32);
		return ERR_OK;
	}
	b = block_at(x, g);
	bl = &x->blocks[b];
	j = (size_t)(g - bl->before);
	memcpy(acc, bl->sum_before, 32);
	if (j == 0)
		return ERR_OK;
	if ((e = nx_load(s, x, b, &sl)) != ERR_OK)
		return e;
	if (j <= sl->n / 2) {
		for (i = 0; i < j; i++)
			neg_sum_add(acc, sl->items[i].id);
	} else {
		neg_sum_add(acc, bl->sum);
		for (i = j; i < sl->n; i++)
			neg_sum_sub(acc, sl->items[i].id);
	}
	return ERR_OK;
}

static enum err
nx_item(struct store *s, struct negidx *x, uint64_t g, struct neg_item *out)
{
	struct slot *sl;
	size_t	 b;
	enum err e;

	if (g >= x->total)
		return ERR_DB_CORRUPT;		/* the engine's bug, not input */
	b = block_at(x, g);
	if ((e = nx_load(s, x, b, &sl)) != ERR_OK)
		return e;
	*out = sl->items[g - x->blocks[b].before];
	return ERR_OK;
}

bool
store_neg_serves(const struct store *s, const struct filter *f)
{
	return s->version >= 6 && s->fx == NULL && f->nids == 0 &&
	    f->nauthors == 0 && f->nkinds == 0 &&
	    f->ntags == 0 && f->search == NULL && !f->empty;
}

enum err
store_neg_open(struct store *s, const struct filter *f, struct store_neg **out)
{
	struct store_neg *v;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return ERR_NOMEM;
	v->s = s;
	v->lo.ts = f->since;
	if (f->until >= (uint64_t)INT64_MAX)
		v->hi_inf = true;
	else
		v->hi.ts = f->until + 1;
	v->none = f->since > f->until;
	*out = v;
	return ERR_OK;
}

void
store_neg_close(struct store_neg *v)
{
	struct negidx *x;
	size_t	 i;

	if (v == NULL)
		return;
	/* Between sessions a handle keeps SLOTS_IDLE blocks' events. */
	if ((x = v->s->nx) != NULL && x->slot != NULL) {
		for (i = SLOTS_IDLE; i < SLOTS; i++) {
			struct slot *sl = &x->slot[i];

			if (sl->b != SIZE_MAX && sl->b < x->nslot_of)
				x->slot_of[sl->b] = 0;
			sl->b = SIZE_MAX;
			free(sl->items);
			sl->items = NULL;
			sl->n = sl->cap = 0;
		}
		if (x->victim >= SLOTS_IDLE)
			x->victim = 0;
	}
	free(v);
}

uint64_t
store_neg_reads(const struct store_neg *v)
{
	return v->reads;
}

static void
sn_end(void *arg)
{
	struct store_neg *v = arg;

	if (v->s->nx != NULL)
		v->reads += v->s->nx->reads - v->reads0;
	if (v->own_tx && sqlite3_exec(v->s->db, "COMMIT", NULL, NULL, NULL) !=
	    SQLITE_OK)
		sqlite3_exec(v->s->db, "ROLLBACK", NULL, NULL, NULL);
	v->own_tx = false;
}

static enum err
sn_begin(void *arg, size_t *n)
{
	struct store_neg *v = arg;
	struct negidx *x;
	uint64_t top = 0;
	int	 rc;
	enum err e;

	v->own_tx = false;
	v->have_last = false;
	if ((e = nx_get(v->s, &x)) != ERR_OK)
		return e;
	v->reads0 = x->reads;
	if (!v->s->in_tx && sqlite3_get_autocommit(v->s->db)) {
		if ((rc = sqlite3_exec(v->s->db, "BEGIN", NULL, NULL, NULL)) !=
		    SQLITE_OK)
			return store_sqlerr(v->s, rc, "store: negidx");
		v->own_tx = true;
	}
	v->base = v->n = 0;
	if ((e = nx_refresh(v->s, x)) != ERR_OK || v->none)
		goto done;
	if ((e = nx_rank(v->s, x, &v->lo, &v->base)) != ERR_OK)
		goto done;
	if (v->hi_inf)
		top = x->total;
	else if ((e = nx_rank(v->s, x, &v->hi, &top)) != ERR_OK)
		goto done;
	v->n = top > v->base ? top - v->base : 0;
done:
	if (e != ERR_OK) {
		sn_end(v);
		return e;
	}
	*n = (size_t)v->n;
	return ERR_OK;
}

static enum err
sn_get(void *arg, size_t i, struct neg_item *out)
{
	struct store_neg *v = arg;

	return nx_item(v->s, v->s->nx, v->base + i, out);
}

static enum err
sn_lower_bound(void *arg, size_t lo, size_t hi, const struct neg_item *key,
    size_t *out)
{
	struct store_neg *v = arg;
	uint64_t r;
	enum err e;

	if ((e = nx_rank(v->s, v->s->nx, key, &r)) != ERR_OK)
		return e;
	r = r < v->base ? 0 : r - v->base;
	*out = r < lo ? lo : r > hi ? hi : (size_t)r;
	return ERR_OK;
}

/*
 * A run's sum is the difference of two prefix sums; the engine asks for
 * consecutive runs, so the end of one is the start of the next.
 */
static enum err
sn_sum(void *arg, size_t lo, size_t hi, uint8_t acc[32])
{
	struct store_neg *v = arg;
	uint8_t	 below[32];
	enum err e;

	if (v->have_last && v->last_g == v->base + lo)
		memcpy(below, v->last_sum, 32);
	else if ((e = nx_prefix(v->s, v->s->nx, v->base + lo, below)) !=
	    ERR_OK)
		return e;
	if ((e = nx_prefix(v->s, v->s->nx, v->base + hi, acc)) != ERR_OK)
		return e;
	v->last_g = v->base + hi;
	memcpy(v->last_sum, acc, 32);
	v->have_last = true;
	neg_sum_sub(acc, below);
	return ERR_OK;
}

static enum err
sn_each(void *arg, size_t lo, size_t hi, neg_item_fn fn, void *fnarg)
{
	struct store_neg *v = arg;
	struct negidx *x = v->s->nx;
	struct neg_item key, it;
	sqlite3_stmt *st = x->q[NQ_WALK];
	uint64_t got = 0;
	int	 rc;
	enum err e;

	if (lo >= hi)
		return ERR_OK;
	if ((e = nx_item(v->s, x, v->base + lo, &key)) != ERR_OK)
		return e;
	nx_bind_key(st, 1, key.ts, key.id);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)(hi - lo));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		got++;
		if (!nx_row_item(st, &it)) {
			e = ERR_DB_CORRUPT;
			break;
		}
		if (!fn(fnarg, &it))
			break;
	}
	if (e == ERR_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		e = store_sqlerr(v->s, rc, "store: negidx");
	sqlite3_reset(st);
	x->reads += got;
	return e;
}

/*
 * The block start nearest target inside (lo, hi): its key splits the
 * order there (the blocks before hold only events below it) and its
 * prefix sum is kept, so the engine splits a range there without reading
 * an event.
 */
static bool
sn_cut(void *arg, size_t lo, size_t hi, size_t target, size_t *pos,
    struct neg_item *key)
{
	struct store_neg *v = arg;
	struct negidx *x = v->s->nx;
	uint64_t g = v->base + target, glo = v->base + lo, ghi = v->base + hi;
	uint64_t p, d, best_d = UINT64_MAX;
	size_t	 b, c, best = SIZE_MAX;

	if (x == NULL || x->nb == 0)
		return false;
	b = block_at(x, g < x->total ? g : x->total);
	for (c = b; c <= b + 1 && c < x->nb; c++) {
		p = x->blocks[c].before;
		if (p <= glo || p >= ghi)
			continue;
		d = p > g ? p - g : g - p;
		if (d < best_d) {
			best_d = d;
			best = c;
		}
	}
	if (best == SIZE_MAX)
		return false;
	*pos = (size_t)(x->blocks[best].before - v->base);
	*key = x->blocks[best].key;
	return true;
}

const struct neg_storage store_neg_storage = {
	sn_begin, sn_end, sn_get, sn_lower_bound, sn_sum, sn_each, sn_cut
};

static bool
check_block(const struct block *b, uint64_t n, const uint8_t sum[32])
{
	if (b->n == n && memcmp(b->sum, sum, 32) == 0)
		return true;
	log_warnx("store: negidx block at %llu holds %llu events, the index"
	    " says %llu%s", (unsigned long long)b->key.ts,
	    (unsigned long long)n, (unsigned long long)b->n,
	    b->n == n ? " (the sums differ)" : "");
	return false;
}

enum err
store_neg_check(struct store *s)
{
	struct negidx *x;
	struct neg_item it;
	sqlite3_stmt *st = NULL;
	uint8_t	 sum[32];
	uint64_t n = 0;
	size_t	 b = 0;
	int	 rc;
	enum err e;

	if ((e = nx_get(s, &x)) != ERR_OK)
		return e;
	x->valid = false;
	if ((e = nx_refresh(s, x)) != ERR_OK)
		return e;
	rc = sqlite3_prepare_v2(s->db, "SELECT created_at, id FROM events"
	    " ORDER BY created_at, id", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(s, rc, "store: negidx");
	memset(sum, 0, 32);
	if (x->blocks[0].key.ts != 0 ||
	    memcmp(x->blocks[0].key.id, zero32, 32) != 0) {
		log_warnx("store: negidx does not start at 0");
		e = ERR_DB_CORRUPT;
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!nx_row_item(st, &it)) {
			e = ERR_DB_CORRUPT;
			goto done;
		}
		while (b + 1 < x->nb &&
		    neg_item_cmp(&x->blocks[b + 1].key, &it) <= 0) {
			if (!check_block(&x->blocks[b], n, sum)) {
				e = ERR_DB_CORRUPT;
				goto done;
			}
			b++;
			n = 0;
			memset(sum, 0, 32);
		}
		n++;
		neg_sum_add(sum, it.id);
	}
	if (rc != SQLITE_DONE) {
		e = store_sqlerr(s, rc, "store: negidx");
		goto done;
	}
	for (; b < x->nb; b++) {
		if (!check_block(&x->blocks[b], n, sum)) {
			e = ERR_DB_CORRUPT;
			goto done;
		}
		n = 0;
		memset(sum, 0, 32);
	}
done:
	sqlite3_finalize(st);
	return e;
}
