/*
 * sync_store.c: a sync's local side on the SQLite store (sync_store.h).
 * Events from the relay take ingest_one like any other; the id of what
 * the relay holds (sent us, or accepted from us) goes into the seen table
 * for `samizdat status`.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "negentropy.h"
#include "store_mesh.h"
#include "sync_store.h"

struct rows {
	sync_row_fn	 fn;
	void		*arg;
	struct guard	*guard;
};

static int
row(const char *json, size_t len, void *arg)
{
	struct rows *r = arg;
	uint8_t	 id[32];

	/* What the guard holds back stays here. */
	if (r->guard != NULL && json_find_hex_field(json, json + len, "id",
	    id, 32) && guard_held(r->guard, id))
		return 0;
	return r->fn(json, len, r->arg);
}

static enum err
read_ids(void *arg, const uint8_t (*ids)[32], size_t n, sync_row_fn fn,
    void *rarg)
{
	struct sync_store *ss = arg;
	struct filter f;
	struct rows r = { fn, rarg, ss->guard };

	filter_init(&f);
	f.ids = (uint8_t (*)[32])(uintptr_t)ids;
	f.nids = n;
	return store_query(ss->st, &f, 1, (uint64_t)time(NULL), 0, row, &r);
}

static enum err
read_filter(void *arg, const struct filter *f, sync_row_fn fn, void *rarg)
{
	struct sync_store *ss = arg;
	struct rows r = { fn, rarg, ss->guard };

	return store_query(ss->st, f, 1, (uint64_t)time(NULL), 0, row, &r);
}

/*
 * ingest_one with the guard between its stages: its cheap refusals
 * before the signature, its decision before store_put, its count and
 * hold mark after.
 */
static enum err
guarded(struct sync_store *ss, const char *json, size_t len, uint64_t now,
    struct event *ev)
{
	struct guard_ticket tk;
	enum err e, v;

	memset(ev, 0, sizeof(*ev));
	if ((e = ingest_check(&ss->ictx, &ss->pol, ss->st, json, len, now,
	    ev)) != ERR_OK)
		return e;
	if ((e = guard_check(ss->guard, ss->st, &ss->src, ev, NULL, 0)) !=
	    ERR_OK)
		return e;
	if ((e = ingest_verify(ev)) != ERR_OK)
		return e;
	v = guard_admit(ss->guard, ss->st, &ss->src, ev, &tk, NULL, 0);
	if (v != ERR_OK && v != ERR_HELD)
		return v;
	if ((e = ingest_store_from(ss->st, ev, now, ss->ictx.src)) !=
	    ERR_OK)
		return e;
	guard_stored(ss->guard, &tk);
	guard_flush(ss->guard);
	return v;
}

static enum err
ingest(void *arg, const char *json, size_t len, uint64_t *created_at)
{
	struct sync_store *ss = arg;
	struct event ev;
	uint64_t now = (uint64_t)time(NULL);
	enum err e;

	if (ss->guard != NULL)
		e = guarded(ss, json, len, now, &ev);
	else
		e = ingest_one(&ss->ictx, &ss->pol, ss->st, json, len, now,
		    &ev);
	if (ingest_parsed(e))
		*created_at = ev.created_at;
	if (ss->lid > 0 && ingest_accepted(e))
		store_seen_put(ss->st, ev.id, ss->lid, SEEN_RECEIVED,
		    (int64_t)now, NULL);
	return e;
}

static void
answered(void *arg, const uint8_t id[32], bool ok, const char *reason)
{
	struct sync_store *ss = arg;

	if (ss->lid > 0)
		store_seen_put(ss->st, id, ss->lid, ok ? SEEN_ACCEPTED :
		    SEEN_REFUSED, (int64_t)time(NULL), reason);
}

enum err
sync_store_open(struct sync_store *ss, struct store *st,
    const struct filter *f, size_t max, int64_t lid, uint64_t future_limit,
    struct sync_local *local)
{
	enum err e;

	memset(ss, 0, sizeof(*ss));
	ss->st = st;
	ss->lid = lid;
	ss->pol.max_future = future_limit;
	ss->f = f;
	ss->max = max;
	ingest_ctx_init(&ss->ictx);
	if (store_neg_serves(st, f))
		e = store_neg_open(st, f, &ss->view);
	else if ((e = store_ids(st, f, (uint64_t)time(NULL), max,
	    &ss->items, &ss->nitems)) == ERR_OK)
		neg_sort(ss->items, ss->nitems);
	if (e != ERR_OK) {
		ingest_ctx_free(&ss->ictx);
		return e;
	}
	memset(local, 0, sizeof(*local));
	local->arg = ss;
	local->read_ids = read_ids;
	local->read_filter = read_filter;
	local->ingest = ingest;
	local->answered = answered;
	return ERR_OK;
}

void
sync_store_params(const struct sync_store *ss, struct sync_params *sp)
{
	sp->items = ss->items;
	sp->nitems = ss->nitems;
	sp->storage = ss->view != NULL ? &store_neg_storage : NULL;
	sp->storage_arg = ss->view;
}

void
sync_store_close(struct sync_store *ss)
{
	free(ss->items);
	if (ss->view != NULL)
		store_neg_close(ss->view);
	ingest_ctx_free(&ss->ictx);
	memset(ss, 0, sizeof(*ss));
}

enum err
sync_store_guard(struct sync_store *ss, struct guard *g,
    const struct guard_src *src)
{
	enum err e;

	ss->guard = g;
	ss->src = *src;
	if (g == NULL)
		return ERR_OK;
	if (ss->view != NULL && guard_holding(g)) {
		if ((e = store_ids(ss->st, ss->f, (uint64_t)time(NULL), ss->max,
		    &ss->items, &ss->nitems)) != ERR_OK)
			return e;
		neg_sort(ss->items, ss->nitems);
		store_neg_close(ss->view);
		ss->view = NULL;
	}
	guard_filter_items(g, ss->items, &ss->nitems);
	return ERR_OK;
}
