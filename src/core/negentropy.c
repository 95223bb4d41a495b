/*
 * negentropy.c: Negentropy v1 (negentropy.h), following the reference
 * implementation step by step so that messages match it byte for byte.
 *
 * Wire format: a version byte, then ranges of (upper bound, mode,
 * payload).  A bound is a timestamp -- 0 for infinity, else 1 + the
 * difference from the previous timestamp in the same message -- and an id
 * prefix.  Modes: 0 skip, 1 fingerprint (16 bytes), 2 id list.
 * A fingerprint is sha256(sum of ids as 256-bit little-endian integers,
 * then varint(count)), cut to 16 bytes.  Pure.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "negentropy.h"

#define BUCKETS		16
/*
 * With split_leaves, an initiator sends a differing run of LEAF_SPLIT_MIN
 * to 2 * BUCKETS - 1 items as LEAF_BUCKETS fingerprints, not as its ids:
 * some 85 bytes, not 300 to 1,000.  The responder answers the short runs
 * that still differ with their ids, which an initiator answers with
 * nothing, so finding a difference usually takes as many round trips as
 * before (one more where the responder holds 32 or more items of the
 * run and splits it again) and the initiator's frames carry a fifth of
 * the bytes.
 */
/*
 * A range of up to CUT_MAX items is split at the storage's cuts when it
 * has them (neg_storage.cut): counting out 16 equal buckets there would
 * read nearly every block of the range, while a larger range's 16 bounds
 * cost 16 blocks of many -- and a cut's bound is its whole key, 32 bytes
 * where a count's is a few, which a first message must not spend.
 */
#define CUT_MAX		2048
#define LEAF_SPLIT_MIN	9
#define LEAF_BUCKETS	4
#define MODE_SKIP	0
#define MODE_FP		1
#define MODE_IDLIST	2
#define TS_INF		UINT64_MAX

struct bound {
	uint64_t	 ts;
	uint8_t		 id[32];	/* prefix, zero padded */
	size_t		 len;		/* prefix length */
};

/* A bounds-checked reader over a message. */
struct rd {
	const uint8_t	*p, *end;
	bool		 bad;
};

int
neg_item_cmp(const struct neg_item *x, const struct neg_item *y)
{
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return memcmp(x->id, y->id, 32);
}

int
neg_cmp(const void *a, const void *b)
{
	return neg_item_cmp(a, b);
}

void
neg_sort(struct neg_item *items, size_t n)
{
	if (n > 1)
		qsort(items, n, sizeof(*items), neg_cmp);
}

static void
put_varint(struct buf *b, uint64_t v)
{
	uint8_t	 tmp[10];
	size_t	 i = sizeof(tmp);

	tmp[--i] = v & 0x7f;
	while ((v >>= 7) != 0)
		tmp[--i] = 0x80 | (v & 0x7f);
	buf_append(b, tmp + i, sizeof(tmp) - i);
}

static uint64_t
get_varint(struct rd *r)
{
	uint64_t v = 0;
	int	 n = 0;

	for (;;) {
		if (r->p >= r->end || ++n > 10) {
			r->bad = true;
			return 0;
		}
		if (v > (UINT64_MAX >> 7)) {
			r->bad = true;
			return 0;
		}
		v = v << 7 | (*r->p & 0x7f);
		if (!(*r->p++ & 0x80))
			return v;
	}
}

static const uint8_t *
get_bytes(struct rd *r, size_t n)
{
	const uint8_t *p = r->p;

	if ((size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	return p;
}

void
neg_sum_add(uint8_t acc[32], const uint8_t id[32])
{
	unsigned carry = 0;
	size_t	 k;

	for (k = 0; k < 32; k++) {
		carry += (unsigned)acc[k] + id[k];
		acc[k] = (uint8_t)carry;
		carry >>= 8;
	}
}

void
neg_sum_sub(uint8_t acc[32], const uint8_t id[32])
{
	int	 borrow = 0, d;
	size_t	 k;

	for (k = 0; k < 32; k++) {
		d = (int)acc[k] - id[k] - borrow;
		borrow = d < 0;
		acc[k] = (uint8_t)(d + (borrow ? 256 : 0));
	}
}

void
neg_fingerprint_sum(const uint8_t sum[32], uint64_t count, uint8_t out[16])
{
	uint8_t	 acc[32 + 10], h[32];
	struct buf cnt;

	memcpy(acc, sum, 32);
	buf_init(&cnt, 16);
	put_varint(&cnt, count);
	memcpy(acc + 32, cnt.p, cnt.len);
	crypto_sha256(acc, 32 + cnt.len, h);
	buf_free(&cnt);
	memcpy(out, h, NEG_FINGERPRINT);
}

void
neg_fingerprint(const struct neg_item *it, size_t n, uint8_t out[16])
{
	uint8_t	 acc[32];
	size_t	 i;

	memset(acc, 0, 32);
	for (i = 0; i < n; i++)
		neg_sum_add(acc, it[i].id);
	neg_fingerprint_sum(acc, n, out);
}

enum err
neg_init(struct neg *ng, const struct neg_item *items, size_t n,
    size_t frame_limit)
{
	if (frame_limit != 0 && frame_limit < NEG_MIN_FRAME)
		return ERR_USAGE;
	memset(ng, 0, sizeof(*ng));
	ng->items = items;
	ng->n = n;
	ng->frame_limit = frame_limit;
	return ERR_OK;
}

enum err
neg_init_storage(struct neg *ng, const struct neg_storage *st, void *arg,
    size_t frame_limit)
{
	if (frame_limit != 0 && frame_limit < NEG_MIN_FRAME)
		return ERR_USAGE;
	memset(ng, 0, sizeof(*ng));
	ng->st = st;
	ng->st_arg = arg;
	ng->frame_limit = frame_limit;
	return ERR_OK;
}

/*
 * The items, from the array or the storage.  With a storage, ng->n is
 * its size for the message being handled (set by st_begin).
 */
static enum err
st_begin(struct neg *ng)
{
	if (ng->st == NULL)
		return ERR_OK;
	return ng->st->begin(ng->st_arg, &ng->n);
}

static void
st_end(struct neg *ng)
{
	if (ng->st != NULL)
		ng->st->end(ng->st_arg);
}

static enum err
st_get(struct neg *ng, size_t i, struct neg_item *out)
{
	if (ng->st == NULL) {
		*out = ng->items[i];
		return ERR_OK;
	}
	return ng->st->get(ng->st_arg, i, out);
}

static enum err
st_fingerprint(struct neg *ng, size_t lo, size_t hi,
    uint8_t fp[NEG_FINGERPRINT])
{
	uint8_t	 acc[32];
	enum err e;

	if (ng->st == NULL) {
		neg_fingerprint(&ng->items[lo], hi - lo, fp);
		return ERR_OK;
	}
	if ((e = ng->st->sum(ng->st_arg, lo, hi, acc)) != ERR_OK)
		return e;
	neg_fingerprint_sum(acc, hi - lo, fp);
	return ERR_OK;
}

static enum err
st_each(struct neg *ng, size_t lo, size_t hi, neg_item_fn fn, void *arg)
{
	size_t	 i;

	if (ng->st != NULL)
		return ng->st->each(ng->st_arg, lo, hi, fn, arg);
	for (i = lo; i < hi; i++)
		if (!fn(arg, &ng->items[i]))
			break;
	return ERR_OK;
}

static bool
over_limit(const struct neg *ng, size_t n)
{
	return ng->frame_limit != 0 && n > ng->frame_limit - 200;
}

static void
put_bound(struct neg *ng, struct buf *b, const struct bound *bd)
{
	if (bd->ts == TS_INF) {
		ng->last_out = TS_INF;
		put_varint(b, 0);
	} else {
		put_varint(b, bd->ts - ng->last_out + 1);
		ng->last_out = bd->ts;
	}
	put_varint(b, bd->len);
	buf_append(b, bd->id, bd->len);
}

static bool
get_bound(struct neg *ng, struct rd *r, struct bound *bd)
{
	uint64_t ts = get_varint(r), len;
	const uint8_t *id;

	if (ts == 0 || ng->last_in == TS_INF)
		ts = TS_INF;
	else if (ts - 1 > TS_INF - ng->last_in)
		ts = TS_INF;		/* saturate */
	else
		ts = ts - 1 + ng->last_in;
	ng->last_in = ts;
	len = get_varint(r);
	if (r->bad || len > 32 || (id = get_bytes(r, (size_t)len)) == NULL) {
		r->bad = true;
		return false;
	}
	memset(bd, 0, sizeof(*bd));
	bd->ts = ts;
	bd->len = (size_t)len;
	memcpy(bd->id, id, (size_t)len);
	return true;
}

/* The first position in [lo, hi) whose item is not below the bound. */
static enum err
lower_bound(struct neg *ng, size_t lo, size_t hi, const struct bound *bd,
    size_t *out)
{
	struct neg_item key;

	key.ts = bd->ts;
	memcpy(key.id, bd->id, 32);
	if (ng->st != NULL)
		return ng->st->lower_bound(ng->st_arg, lo, hi, &key, out);
	while (lo < hi) {
		size_t	 mid = lo + (hi - lo) / 2;

		if (neg_item_cmp(&ng->items[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*out = lo;
	return ERR_OK;
}

static void
item_bound(const struct neg_item *it, struct bound *bd)
{
	memset(bd, 0, sizeof(*bd));
	bd->ts = it->ts;
	memcpy(bd->id, it->id, 32);
	bd->len = 32;
}

/* The shortest bound that sorts after prev and not after curr. */
static void
minimal_bound(const struct neg_item *prev, const struct neg_item *curr,
    struct bound *bd)
{
	size_t	 shared = 0;

	memset(bd, 0, sizeof(*bd));
	bd->ts = curr->ts;
	if (curr->ts != prev->ts)
		return;
	while (shared < 32 && curr->id[shared] == prev->id[shared])
		shared++;
	bd->len = shared + 1 > 32 ? 32 : shared + 1;
	memcpy(bd->id, curr->id, bd->len);
}

static bool
append_id(void *arg, const struct neg_item *it)
{
	buf_append(arg, it->id, 32);
	return true;
}

/*
 * Splits [lo, hi) into up to BUCKETS runs at the storage's cuts: each
 * bound is a cut's key, whole (32 bytes of id where the count-based
 * split sends a few), and no item is read to make it.  *done is false
 * if (lo, hi) holds no cut (o untouched).
 */
static enum err
split_at_cuts(struct neg *ng, size_t lo, size_t hi, const struct bound *upper,
    struct buf *o, bool *done)
{
	size_t	 pos[BUCKETS], n = hi - lo, k = 0, i, curr, p;
	struct neg_item keys[BUCKETS];
	uint8_t	 fp[NEG_FINGERPRINT];
	struct bound next;
	enum err e;

	for (i = 1; i < BUCKETS; i++) {
		curr = k > 0 ? pos[k - 1] : lo;
		if (!ng->st->cut(ng->st_arg, curr, hi, lo + n / BUCKETS * i +
		    n % BUCKETS * i / BUCKETS, &p, &keys[k]))
			continue;
		if (p > curr && p < hi)
			pos[k++] = p;
	}
	/* Too few to narrow the range down as fast: split it by count. */
	if ((*done = k + 1 >= BUCKETS / 2) == false)
		return ERR_OK;
	for (i = 0, curr = lo; i <= k; i++) {
		p = i < k ? pos[i] : hi;
		if ((e = st_fingerprint(ng, curr, p, fp)) != ERR_OK)
			return e;
		if (i < k)
			item_bound(&keys[i], &next);
		else
			next = *upper;
		put_bound(ng, o, &next);
		put_varint(o, MODE_FP);
		buf_append(o, fp, sizeof(fp));
		curr = p;
	}
	return ERR_OK;
}

static enum err
split_range(struct neg *ng, size_t lo, size_t hi, const struct bound *upper,
    struct buf *o)
{
	size_t	 n = hi - lo, per, extra, i, curr = lo, size, buckets;
	uint8_t	 fp[NEG_FINGERPRINT];
	struct neg_item a, b;
	struct bound next;
	bool	 cut;
	enum err e;

	if (n < BUCKETS * 2 && (!ng->initiator || !ng->split_leaves ||
	    n < LEAF_SPLIT_MIN)) {
		put_bound(ng, o, upper);
		put_varint(o, MODE_IDLIST);
		put_varint(o, n);
		return st_each(ng, lo, hi, append_id, o);
	}
	buckets = n < BUCKETS * 2 ? LEAF_BUCKETS : BUCKETS;
	if (buckets == BUCKETS && n <= CUT_MAX && ng->st != NULL &&
	    ng->st->cut != NULL) {
		if ((e = split_at_cuts(ng, lo, hi, upper, o, &cut)) != ERR_OK ||
		    cut)
			return e;
	}
	per = n / buckets;
	extra = n % buckets;
	for (i = 0; i < buckets; i++) {
		size = per + (i < extra ? 1 : 0);
		if ((e = st_fingerprint(ng, curr, curr + size, fp)) != ERR_OK)
			return e;
		curr += size;
		if (curr == hi)
			next = *upper;
		else {
			if ((e = st_get(ng, curr - 1, &a)) != ERR_OK ||
			    (e = st_get(ng, curr, &b)) != ERR_OK)
				return e;
			minimal_bound(&a, &b, &next);
		}
		put_bound(ng, o, &next);
		put_varint(o, MODE_FP);
		buf_append(o, fp, sizeof(fp));
	}
	return ERR_OK;
}

enum err
neg_initiate(struct neg *ng, struct buf *out)
{
	struct bound inf;
	enum err e;

	memset(&inf, 0, sizeof(inf));
	inf.ts = TS_INF;
	ng->initiator = true;
	ng->last_out = 0;
	if ((e = st_begin(ng)) != ERR_OK)
		return e;
	buf_putc(out, NEG_VERSION);
	e = split_range(ng, 0, ng->n, &inf, out);
	st_end(ng);
	if (e != ERR_OK)
		return e;
	return out->err ? ERR_NOMEM : ERR_OK;
}

static int
id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

struct cmp_ctx {
	uint8_t		(*ids)[33];
	size_t		 count;
	neg_id_cb	 cb;
	void		*arg;
};

static bool
cmp_one(void *arg, const struct neg_item *it)
{
	struct cmp_ctx *c = arg;
	uint8_t	*hit;

	hit = bsearch(it->id, c->ids, c->count, sizeof(*c->ids), id_cmp);
	if (hit != NULL)
		hit[32] = 1;
	else if (c->cb != NULL)
		c->cb(c->arg, it->id, true);
	return true;
}

/*
 * The initiator's side of an id list: reports our ids in [lower, upper)
 * that the list lacks (have) and the list's ids we lack (need).  The list
 * is sorted by id in a copy so each look-up is a binary search.
 */
static enum err
compare_ids(struct neg *ng, size_t lower, size_t upper, const uint8_t *list,
    size_t count, neg_id_cb cb, void *arg)
{
	struct cmp_ctx c = { NULL, count, cb, arg };
	size_t	 i;
	enum err e;

	if ((c.ids = malloc((count ? count : 1) * sizeof(*c.ids))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < count; i++) {
		memcpy(c.ids[i], list + 32 * i, 32);
		c.ids[i][32] = 0;			/* seen */
	}
	qsort(c.ids, count, sizeof(*c.ids), id_cmp);
	if ((e = st_each(ng, lower, upper, cmp_one, &c)) == ERR_OK)
		for (i = 0; i < count; i++)
			if (!c.ids[i][32] && cb != NULL)
				cb(arg, c.ids[i], false);
	free(c.ids);
	return e;
}

/* The responder's id list for a range, cut where the frame is full. */
struct list_ctx {
	struct neg	*ng;
	size_t		 used;		/* bytes of the reply so far */
	struct buf	 ids;
	size_t		 nids;
	bool		 cut;
	struct neg_item	 at;		/* the first item left out */
};

static bool
list_one(void *arg, const struct neg_item *it)
{
	struct list_ctx *l = arg;

	if (over_limit(l->ng, l->used + l->ids.len)) {
		l->cut = true;
		l->at = *it;
		return false;
	}
	buf_append(&l->ids, it->id, 32);
	l->nids++;
	return true;
}

static enum err
reply_ids(struct neg *ng, size_t lower, size_t *upper, const struct bound *curr,
    struct buf *full, struct buf *o)
{
	struct list_ctx l;
	struct bound endb = *curr;
	enum err e;

	memset(&l, 0, sizeof(l));
	l.ng = ng;
	l.used = full->len;
	buf_init(&l.ids, 0);
	if ((e = st_each(ng, lower, *upper, list_one, &l)) != ERR_OK)
		goto done;
	if (l.cut) {
		item_bound(&l.at, &endb);
		*upper = lower + l.nids;
	}
	put_bound(ng, o, &endb);
	put_varint(o, MODE_IDLIST);
	put_varint(o, l.nids);
	buf_append(o, l.ids.p, l.ids.len);
	if (l.ids.err)
		e = ERR_NOMEM;
done:
	buf_free(&l.ids);
	return e;
}

enum err
neg_reconcile(struct neg *ng, const uint8_t *msg, size_t len,
    struct buf *out, neg_id_cb cb, void *arg, bool *done)
{
	struct rd r = { msg, msg + len, false };
	struct buf full, o;
	struct bound prev, curr, inf;
	size_t	 prev_index = 0, lower, upper, count;
	uint64_t mode;
	uint8_t	 fp[NEG_FINGERPRINT];
	const uint8_t *theirs, *list;
	bool	 skip = false, begun = false;
	enum err e = ERR_OK;

	*done = false;
	ng->last_in = ng->last_out = 0;
	memset(&prev, 0, sizeof(prev));
	memset(&inf, 0, sizeof(inf));
	inf.ts = TS_INF;
	if (len < 1 || msg[0] < 0x60 || msg[0] > 0x6f)
		return ERR_NEG;
	buf_init(&full, 0);
	buf_init(&o, 0);
	buf_putc(&full, NEG_VERSION);
	if (msg[0] != NEG_VERSION) {
		if (ng->initiator) {
			e = ERR_NEG;
			goto done;
		}
		goto reply;		/* "I speak v1": a bare version byte */
	}
	if ((e = st_begin(ng)) != ERR_OK)
		goto done;
	begun = true;
	r.p++;
	while (r.p < r.end) {
		buf_reset(&o);
		if (!get_bound(ng, &r, &curr))
			break;
		mode = get_varint(&r);
		if (r.bad)
			break;
		lower = prev_index;
		if ((e = lower_bound(ng, prev_index, ng->n, &curr, &upper)) !=
		    ERR_OK)
			goto done;
		switch (mode) {
		case MODE_SKIP:
			skip = true;
			break;
		case MODE_FP:
			if ((theirs = get_bytes(&r, NEG_FINGERPRINT)) == NULL)
				break;
			if ((e = st_fingerprint(ng, lower, upper, fp)) != ERR_OK)
				goto done;
			if (memcmp(theirs, fp, NEG_FINGERPRINT) == 0) {
				skip = true;
				break;
			}
			if (skip) {
				skip = false;
				put_bound(ng, &o, &prev);
				put_varint(&o, MODE_SKIP);
			}
			if ((e = split_range(ng, lower, upper, &curr, &o)) !=
			    ERR_OK)
				goto done;
			break;
		case MODE_IDLIST:
			count = (size_t)get_varint(&r);
			if (r.bad || count > (size_t)(r.end - r.p) / 32) {
				r.bad = true;
				break;
			}
			list = get_bytes(&r, count * 32);
			if (ng->initiator) {
				skip = true;
				if ((e = compare_ids(ng, lower, upper, list, count,
				    cb, arg)) != ERR_OK)
					goto done;
				break;
			}
			if (skip) {
				skip = false;
				put_bound(ng, &o, &prev);
				put_varint(&o, MODE_SKIP);
			}
			if ((e = reply_ids(ng, lower, &upper, &curr, &full, &o)) !=
			    ERR_OK)
				goto done;
			buf_append(&full, o.p, o.len);
			buf_reset(&o);
			break;
		default:
			r.bad = true;
			break;
		}
		if (r.bad)
			break;
		if (over_limit(ng, full.len + o.len)) {
			/* Out of room: one fingerprint for all that is left. */
			if ((e = st_fingerprint(ng, upper, ng->n, fp)) != ERR_OK)
				goto done;
			put_bound(ng, &full, &inf);
			put_varint(&full, MODE_FP);
			buf_append(&full, fp, sizeof(fp));
			break;
		}
		buf_append(&full, o.p, o.len);
		prev_index = upper;
		prev = curr;
	}
	if (r.bad) {
		e = ERR_NEG;
		goto done;
	}
reply:
	if (full.err || o.err) {
		e = ERR_NOMEM;
		goto done;
	}
	if (ng->initiator && full.len == 1)
		*done = true;
	else
		buf_append(out, full.p, full.len);
done:
	if (begun)
		st_end(ng);
	buf_free(&full);
	buf_free(&o);
	return e;
}
