/*
 * guard_tick.c: the guard's timer (guard.h, guard_tick) and its state
 * as JSON.  Each task runs at its own pace and does a bounded amount of
 * work per turn, so a turn never holds the loop for long:
 *
 *   difficulty  every turn: close the load windows, log a change
 *   disk        every DISK_EVERY s: statvfs, against disk_reserve
 *   budget      every BUDGET_EVERY s: the store's size; over the budget,
 *               up to EVICT_BATCH events removed, in this order: held
 *               ones longest held first, then those of muted keys, then
 *               the oldest by created_at; never the node's own, vouched
 *               or corroborated ones, nor NIP-09 deletions
 *   mutes       every MUTES_EVERY s: the operator's and vouched people's
 *               NIP-51 mute lists (kind 10000)
 *   release     every RELEASE_EVERY s: a page of held events, released
 *               when their key is vouched for or they are corroborated
 *   state       every STATE_EVERY s: guard_json into policy.db
 *
 * Store work is done without the guard's lock (trust is read on the
 * same handle); the sets are changed under it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disk.h"
#include "filter.h"
#include "guard_int.h"
#include "hex.h"
#include "json.h"
#include "log.h"

#define DISK_EVERY	5
#define BUDGET_EVERY	2
#define MUTES_EVERY	15
#define RELEASE_EVERY	5
#define STATE_EVERY	2
#define EVICT_BATCH	500	/* events removed per turn */
#define EVICT_SCAN	5000	/* events looked at per turn */
#define RELEASE_PAGE	200
#define MUTE_LISTS	2000	/* mute lists read */
#define MUTE_TAGS	5000	/* p tags read per list */

/* --- parsing stored events ------------------------------------------------- */

struct parsed {
	struct event	 ev;
	void		*scratch;
	size_t		 cap;
};

static bool
parse_row(struct parsed *p, const char *json, size_t len)
{
	struct event_limits lim = { len, SIZE_MAX, SIZE_MAX };
	void	*n;

	if (p->cap < EVENT_SCRATCH(len)) {
		if ((n = realloc(p->scratch, EVENT_SCRATCH(len))) == NULL)
			return false;
		p->scratch = n;
		p->cap = EVENT_SCRATCH(len);
	}
	return event_parse(json, len, &lim, &p->ev, p->scratch, p->cap) ==
	    ERR_OK;
}

/* --- the disk ---------------------------------------------------------------- */

static void
fmt_mb(char *out, size_t sz, uint64_t b)
{
	snprintf(out, sz, "%.1f MB", (double)b / 1e6);
}

static void
tick_disk(struct guard *g)
{
	uint64_t avail, total, r = g->o.disk_reserve;
	char	 a[32], rs[32];
	bool	 low;

	if (disk_space(g->o.datadir, &avail, &total) != ERR_OK)
		return;
	/* Once low, it takes an eighth more to be taken as free again. */
	low = r > 0 && (avail < r || (g->disk_low && avail < r + r / 8));
	fmt_mb(a, sizeof(a), avail);
	fmt_mb(rs, sizeof(rs), r);
	pthread_mutex_lock(&g->mu);
	g->disk_avail = avail;
	g->disk_total = total;
	if (low && !g->disk_low)
		log_warnx("disk: %s free where %s is, under disk_reserve (%s): "
		    "this node takes no more events until there is room",
		    a, g->o.datadir, rs);
	else if (!low && g->disk_low)
		log_info("disk: %s free again: taking events", a);
	g->disk_low = low;
	pthread_mutex_unlock(&g->mu);
}

/* --- the budget -------------------------------------------------------------- */

/* A page of held marks, read under the lock, judged without it. */
struct held_page {
	uint8_t		 id[RELEASE_PAGE][32];
	uint8_t		 pk[RELEASE_PAGE][32];
	size_t		 n;
};

static int
page_add(const uint8_t id[32], const uint8_t pk[32], uint64_t at, void *arg)
{
	struct held_page *p = arg;

	memcpy(p->id[p->n], id, 32);
	memcpy(p->pk[p->n], pk, 32);
	return ++p->n >= RELEASE_PAGE;
}

struct victims {
	struct guard	*g;
	struct store	*st;
	uint64_t	 now;
	uint8_t		(*ids)[32];
	size_t		 n, max;
	size_t		 looked;
};

static bool
evictable(struct guard *g, struct store *st, const uint8_t id[32],
    const uint8_t pk[32], uint32_t kind, uint64_t now)
{
	if (kind == 5 || memcmp(pk, g->o.node_pk, 32) == 0)
		return false;	/* deletions stay, so do our own */
	if (POLICY_VOUCHED(guard_trust_of(g, st, pk, now)))
		return false;
	return !g->trust.corroborated(st, id, now);
}

static int
old_victim(const struct store_old *o, void *arg)
{
	struct victims *v = arg;

	v->looked++;
	if (evictable(v->g, v->st, o->id, o->pubkey, o->kind, v->now))
		memcpy(v->ids[v->n++], o->id, 32);
	return v->n >= v->max;
}

static int
muted_victim(const char *json, size_t len, void *arg)
{
	struct victims *v = arg;
	uint8_t	 id[32];

	if (json_find_hex_field(json, json + len, "id", id, 32))
		memcpy(v->ids[v->n++], id, 32);
	return v->n >= v->max;
}

struct muted_walk {
	uint8_t		(*keys)[32];
	size_t		 n, max;
};

static int
muted_key(const uint8_t id[32], uint64_t val, void *arg)
{
	struct muted_walk *w = arg;

	memcpy(w->keys[w->n++], id, 32);
	return w->n >= w->max;
}

/* Chooses up to max victims, in the eviction order. */
static void
choose(struct guard *g, struct store *st, struct victims *v)
{
	struct held_page *hp;
	struct muted_walk w;
	struct filter f;
	uint8_t	 keys[64][32];
	size_t	 i, pass;
	bool	 mid;

	/* Held the longest first (a held kind 5 keeps its NIP-09 record). */
	if ((hp = calloc(1, sizeof(*hp))) != NULL) {
		pthread_mutex_lock(&g->mu);
		(void)policy_db_held_oldest(g->db, RELEASE_PAGE, page_add, hp);
		pthread_mutex_unlock(&g->mu);
		for (i = 0; i < hp->n && v->n < v->max; i++)
			if (evictable(g, st, hp->id[i], hp->pk[i], 1, v->now))
				memcpy(v->ids[v->n++], hp->id[i], 32);
		free(hp);
	}
	if (v->n < v->max) {
		memset(&w, 0, sizeof(w));
		w.keys = keys;
		w.max = 64;
		pthread_mutex_lock(&g->mu);
		idset_walk(&g->muted, 0, muted_key, &w);
		pthread_mutex_unlock(&g->mu);
		if (w.n > 0) {
			filter_init(&f);
			f.authors = keys;
			f.nauthors = w.n;
			f.has_limit = true;
			f.limit = v->max - v->n;
			(void)store_query(st, &f, 1, v->now, 0, muted_victim, v);
		}
	}
	/*
	 * The oldest, from where the last turn stopped; wrapping to the
	 * start once if that was mid-way (not twice over the same rows).
	 */
	for (pass = 0; pass < 2 && v->n < v->max && v->looked < EVICT_SCAN;
	    pass++) {
		mid = g->cursor.eid != 0;
		if (store_oldest(st, &g->cursor, EVICT_SCAN - v->looked,
		    old_victim, v) != ERR_OK)
			break;
		if (g->cursor.eid != 0 || !mid)
			break;		/* stopped short, or saw them all */
	}
}

static void
forget_evicted(const uint8_t id[32], void *arg)
{
	struct guard *g = arg;

	idset_del(&g->evicted, id);
}

/* Removes the victims from the store and remembers them. */
static size_t
evict(struct guard *g, struct store *st, struct victims *v)
{
	size_t	 i, n = 0;
	enum err e;

	if (v->n == 0 || store_begin(st) != ERR_OK)
		return 0;
	for (i = 0; i < v->n; i++)
		if ((e = store_remove(st, v->ids[i])) != ERR_OK)
			break;
	if (i < v->n || store_commit(st) != ERR_OK) {
		store_rollback(st);
		return 0;
	}
	pthread_mutex_lock(&g->mu);
	if (policy_db_begin(g->db) == ERR_OK) {
		/* Room first: the oldest remembered ids are forgotten. */
		(void)policy_db_evicted_trim(g->db, GUARD_MAX_EVICTED -
		    EVICT_BATCH, forget_evicted, g);
		for (i = 0; i < v->n; i++) {
			(void)policy_db_evicted_put(g->db, v->ids[i], v->now);
			if (idset_del(&g->held, v->ids[i]))
				(void)policy_db_held_del(g->db, v->ids[i]);
			if (idset_put(&g->evicted, v->ids[i], 1) == ERR_OK)
				n++;
		}
		(void)policy_db_commit(g->db);
	}
	g->n.evicted += v->n;
	pthread_mutex_unlock(&g->mu);
	return v->n;
}

static void
tick_budget(struct guard *g, struct store *st, uint64_t now)
{
	uint64_t used = 0, pused = 0, b = g->o.store_budget;
	uint8_t	 ids[EVICT_BATCH][32];
	struct victims v;
	char	 us[32], bs[32];
	size_t	 n;
	bool	 full;

	if (store_size(st, &used) != ERR_OK)
		return;
	pthread_mutex_lock(&g->mu);
	(void)policy_db_size(g->db, &pused);
	g->used = used + pused;
	full = g->store_full;
	pthread_mutex_unlock(&g->mu);
	fmt_mb(us, sizeof(us), used + pused);
	fmt_mb(bs, sizeof(bs), b);
	/* Past the budget, evict down to 95 % of it, a batch a turn. */
	if (b > 0 && used + pused > b)
		g->evicting = true;
	else if (b == 0 || used + pused <= b - b / 20)
		g->evicting = false;
	if (!g->evicting) {
		if (full) {
			log_info("store: %s used of a budget of %s: taking "
			    "events again", us, bs);
			pthread_mutex_lock(&g->mu);
			g->store_full = false;
			pthread_mutex_unlock(&g->mu);
		}
		return;
	}
	memset(&v, 0, sizeof(v));
	v.g = g;
	v.st = st;
	v.now = now;
	v.ids = ids;
	v.max = EVICT_BATCH;
	choose(g, st, &v);
	n = evict(g, st, &v);
	if (n > 0)
		log_info("store: %s used of a budget of %s: evicted %zu events "
		    "of unvouched keys", us, bs, n);
	else if (!full && used + pused > b)
		log_warnx("store: %s used of a budget of %s, and nothing more "
		    "may be evicted: refusing events until there is room", us,
		    bs);
	pthread_mutex_lock(&g->mu);
	g->store_full = n == 0 && used + pused > b;
	pthread_mutex_unlock(&g->mu);
}

/* --- mute lists ---------------------------------------------------------------- */

struct mutes {
	struct guard	*g;
	struct store	*st;
	uint64_t	 now;
	struct idset	 muted, signals, list;
	struct parsed	 p;
	size_t		 lists;
};

static int
mute_list(const char *json, size_t len, void *arg)
{
	struct mutes *m = arg;
	const struct event *ev = &m->p.ev;
	enum policy_trust by, of;
	uint8_t	 pk[32];
	uint64_t c;
	size_t	 i, tags = 0;
	bool	 own;

	if (++m->lists > MUTE_LISTS)
		return 1;
	if (!parse_row(&m->p, json, len) || ev->kind != 10000)
		return 0;
	own = memcmp(ev->pubkey, m->g->o.node_pk, 32) == 0;
	by = own ? POLICY_OWN : guard_trust_of(m->g, m->st, ev->pubkey,
	    m->now);
	if (!POLICY_VOUCHED(by))
		return 0;	/* a stranger's mutes count for nothing */
	idset_clear(&m->list);
	for (i = 0; i < ev->ntags && tags < MUTE_TAGS; i++) {
		const struct tag *t = &ev->tags[i];

		if (t->n < 2 || t->v[0].n != 1 || t->v[0].p[0] != 'p' ||
		    !hex_decode(t->v[1].p, t->v[1].n, pk, 32))
			continue;
		tags++;
		if (own) {
			(void)idset_put(&m->muted, pk, 1);
			continue;
		}
		/* One list names a key once; vouched keys are not held. */
		if (idset_get(&m->list, pk, NULL) ||
		    idset_put(&m->list, pk, 1) != ERR_OK)
			continue;
		of = guard_trust_of(m->g, m->st, pk, m->now);
		if (POLICY_VOUCHED(of))
			continue;
		c = 0;
		(void)idset_get(&m->signals, pk, &c);
		(void)idset_put(&m->signals, pk, c + 1);
	}
	return 0;
}

static void
tick_mutes(struct guard *g, struct store *st, uint64_t now)
{
	struct mutes m;
	struct filter f;
	uint32_t kind = 10000;
	struct idset t;

	memset(&m, 0, sizeof(m));
	m.g = g;
	m.st = st;
	m.now = now;
	idset_init(&m.muted, GUARD_MAX_MUTED);
	idset_init(&m.signals, GUARD_MAX_MUTED);
	idset_init(&m.list, MUTE_TAGS);
	filter_init(&f);
	f.kinds = &kind;
	f.nkinds = 1;
	f.has_limit = true;
	f.limit = MUTE_LISTS;
	if (store_query(st, &f, 1, now, 0, mute_list, &m) == ERR_OK) {
		pthread_mutex_lock(&g->mu);
		t = g->muted;
		g->muted = m.muted;
		m.muted = t;
		t = g->signals;
		g->signals = m.signals;
		m.signals = t;
		pthread_mutex_unlock(&g->mu);
	}
	idset_free(&m.muted);
	idset_free(&m.signals);
	idset_free(&m.list);
	free(m.p.scratch);
}

/* --- releases ---------------------------------------------------------------- */

static size_t
tick_release(struct guard *g, struct store *st, uint64_t now,
    uint8_t (*out)[32], size_t max)
{
	struct held_page *p;
	bool	 go[RELEASE_PAGE], gone[RELEASE_PAGE];
	size_t	 i, k = 0, n = 0;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return 0;
	pthread_mutex_lock(&g->mu);
	if (policy_db_held_each(g->db, g->release_after, RELEASE_PAGE,
	    page_add, p) != ERR_OK)
		p->n = 0;
	pthread_mutex_unlock(&g->mu);
	for (i = 0; i < p->n; i++) {
		gone[i] = !store_has(st, p->id[i]);
		go[i] = gone[i] || POLICY_VOUCHED(guard_trust_of(g, st,
		    p->pk[i], now)) || g->trust.corroborated(st, p->id[i], now);
		n += go[i];
	}
	pthread_mutex_lock(&g->mu);
	if (n > 0 && policy_db_begin(g->db) == ERR_OK) {
		for (i = 0; i < p->n; i++) {
			if (!go[i])
				continue;
			(void)policy_db_held_del(g->db, p->id[i]);
			idset_del(&g->held, p->id[i]);
			if (!gone[i]) {
				g->n.released++;
				if (k < max)
					memcpy(out[k++], p->id[i], 32);
			}
		}
		(void)policy_db_commit(g->db);
	}
	pthread_mutex_unlock(&g->mu);
	if (k > 0)
		log_info("policy: %zu held events earned forwarding (a vouch "
		    "or corroboration)", k);
	free(p);
	return k;
}

/* --- the tick ------------------------------------------------------------------ */

static void
tick_difficulty(struct guard *g, uint64_t now)
{
	unsigned d;

	pthread_mutex_lock(&g->mu);
	d = policy_pow_now(&g->pow, &g->o.pol, now);
	if (d > g->difficulty)
		log_info("policy: under load (%llu events of unvouched keys in "
		    "%d s, %llu a minute is calm): asking proof of work of "
		    "difficulty %u (NIP-13)", (unsigned long long)
		    g->pow.last_count, POLICY_POW_WINDOW, (unsigned long long)
		    g->o.pol.load_events, d);
	else if (d < g->difficulty)
		log_info("policy: calmer: asking difficulty %u", d);
	g->difficulty = d;
	pthread_mutex_unlock(&g->mu);
}

size_t
guard_tick(struct guard *g, struct store *st, uint64_t now,
    uint8_t (*released)[32], size_t max)
{
	struct buf b;
	size_t	 n = 0;

	tick_difficulty(g, now);
	if (now >= g->next_disk) {
		g->next_disk = now + DISK_EVERY;
		tick_disk(g);
	}
	if (now >= g->next_budget) {
		g->next_budget = now + BUDGET_EVERY;
		tick_budget(g, st, now);
	}
	if (now >= g->next_mutes) {
		g->next_mutes = now + MUTES_EVERY;
		tick_mutes(g, st, now);
	}
	if (now >= g->next_release) {
		g->next_release = now + RELEASE_EVERY;
		n = tick_release(g, st, now, released, max);
	}
	if (now >= g->next_state) {
		g->next_state = now + STATE_EVERY;
		buf_init(&b, 1 << 16);
		guard_json(g, &b);
		pthread_mutex_lock(&g->mu);
		if (!b.err)
			(void)policy_db_state_put(g->db, b.p, b.len, now);
		pthread_mutex_unlock(&g->mu);
		buf_free(&b);
	}
	return n;
}

void
guard_json(struct guard *g, struct buf *b)
{
	const struct policy_conf *c = &g->o.pol;
	const struct guard_counts *n = &g->n;
	size_t	 i;

	pthread_mutex_lock(&g->mu);
	buf_printf(b, "{\"difficulty\":%u,\"pow_min\":%u,\"pow_max\":%u,"
	    "\"load\":{\"window\":%d,\"last\":%llu,\"calm_per_minute\":%llu},",
	    policy_pow_now(&g->pow, c, (uint64_t)time(NULL)), c->pow_min,
	    c->pow_max, POLICY_POW_WINDOW,
	    (unsigned long long)g->pow.last_count,
	    (unsigned long long)c->load_events);
	buf_printf(b, "\"quota\":{\"events\":%llu,\"bytes\":%llu,"
	    "\"forward\":%llu,\"source_events\":%llu,\"source_forward\":%llu,"
	    "\"history\":%u,\"tiers\":[", (unsigned long long)c->quota_events,
	    (unsigned long long)c->quota_bytes,
	    (unsigned long long)c->forward_events,
	    (unsigned long long)c->source_events,
	    (unsigned long long)c->source_forward,
	    policy_trust_mult(POLICY_HISTORY));
	for (i = 0; i < POLICY_TIERS; i++)
		buf_printf(b, "%s{\"difficulty\":%u,\"times\":%u}", i ? "," :
		    "", policy_tiers[i].bits, policy_tiers[i].mult);
	buf_printf(b, "]},\"counted\":{\"keys\":%zu,\"sources\":%zu},"
	    "\"held\":%zu,\"evicted\":%zu,\"muted\":%zu,"
	    "\"mute_signals\":{\"keys\":%zu,\"needed\":%u},",
	    g->keys.n, g->srcs.n, g->held.n, g->evicted.n, g->muted.n,
	    g->signals.n, c->mute_signals);
	buf_printf(b, "\"budget\":{\"bytes\":%llu,\"used\":%llu,"
	    "\"full\":%s},\"disk\":{\"free\":%llu,\"total\":%llu,"
	    "\"reserve\":%llu,\"low\":%s},",
	    (unsigned long long)g->o.store_budget,
	    (unsigned long long)g->used, g->store_full ? "true" : "false",
	    (unsigned long long)g->disk_avail,
	    (unsigned long long)g->disk_total,
	    (unsigned long long)g->o.disk_reserve,
	    g->disk_low ? "true" : "false");
	buf_printf(b, "\"since_start\":{\"accepted\":%llu,\"held\":%llu,"
	    "\"released\":%llu,\"evicted\":%llu,\"refused\":{\"pow\":%llu,"
	    "\"quota\":%llu,\"source\":%llu,\"muted\":%llu,\"evicted\":%llu,"
	    "\"store_full\":%llu,\"disk_low\":%llu}}}",
	    (unsigned long long)n->accepted, (unsigned long long)n->held,
	    (unsigned long long)n->released, (unsigned long long)n->evicted,
	    (unsigned long long)n->pow, (unsigned long long)n->quota,
	    (unsigned long long)n->source, (unsigned long long)n->muted,
	    (unsigned long long)n->evicted_again,
	    (unsigned long long)n->full, (unsigned long long)n->disk);
	pthread_mutex_unlock(&g->mu);
}
