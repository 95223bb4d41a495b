/*
 * guard.c: the guard's decisions (guard.h): facts for the policy engine,
 * the counts, what is held back, and what may go to other nodes.  The
 * timer's work (difficulty, disk, budget, releases, mutes, state) is in
 * guard_tick.c; what both share is guard_int.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "guard_int.h"
#include "log.h"
#include "nip13.h"

void
guard_src_client(struct guard_src *s, const char *addr)
{
	char	 b[96];
	int	 n = snprintf(b, sizeof(b), "client %s", addr ? addr : "?");

	memset(s, 0, sizeof(*s));
	s->via = POLICY_VIA_CLIENT;
	crypto_sha256(b, n > 0 ? (size_t)n : 0, s->key);
	/* The numeric address lws gives: 127.x.y.z, ::1, or v4-mapped. */
	if (addr != NULL && strncmp(addr, "::ffff:", 7) == 0)
		addr += 7;
	s->local = addr != NULL && (strncmp(addr, "127.", 4) == 0 ||
	    strcmp(addr, "::1") == 0);
}

void
guard_src_node(struct guard_src *s, const uint8_t pubkey[32])
{
	memset(s, 0, sizeof(*s));
	s->via = POLICY_VIA_NODE;
	memcpy(s->key, pubkey, 32);
	s->proven = true;
}

void
guard_src_link(struct guard_src *s, const char *url)
{
	char	 b[1100];
	int	 n = snprintf(b, sizeof(b), "link %s", url ? url : "?");

	memset(s, 0, sizeof(*s));
	s->via = POLICY_VIA_NODE;
	crypto_sha256(b, n > 0 ? (size_t)n : 0, s->key);
}

static int
load_held(const uint8_t id[32], const uint8_t pk[32], uint64_t at, void *arg)
{
	struct guard *g = arg;

	(void)idset_put(&g->held, id, at);
	return 0;
}

static void
load_evicted(const uint8_t id[32], void *arg)
{
	struct guard *g = arg;

	(void)idset_put(&g->evicted, id, 1);
}

/* What policy.db remembers: held events and evicted ids. */
static enum err
guard_load(struct guard *g)
{
	enum err e;

	if ((e = policy_db_held_each(g->db, NULL, 0, load_held, g)) !=
	    ERR_OK)
		return e;
	if ((e = policy_db_evicted_each(g->db, load_evicted, g)) != ERR_OK)
		return e;
	if (g->held.n > 0 || g->evicted.n > 0)
		log_info("policy: %zu events held back, %zu evicted ids "
		    "remembered", g->held.n, g->evicted.n);
	return ERR_OK;
}

enum err
guard_open(struct guard **gp, const struct guard_opts *o)
{
	struct guard *g;
	char	 path[4096];
	enum err e;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return ERR_NOMEM;
	g->o = *o;
	g->trust = o->trust != NULL ? *o->trust : guard_trust_api;
	pthread_mutex_init(&g->mu, NULL);
	quota_init(&g->keys, GUARD_MAX_KEYS);
	quota_init(&g->srcs, GUARD_MAX_SOURCES);
	idset_init(&g->held, GUARD_MAX_HELD);
	idset_init(&g->evicted, GUARD_MAX_EVICTED);
	idset_init(&g->muted, GUARD_MAX_MUTED);
	idset_init(&g->signals, GUARD_MAX_MUTED);
	policy_pow_init(&g->pow, &g->o.pol, (uint64_t)time(NULL));
	snprintf(path, sizeof(path), "%s/policy.db", o->datadir);
	if ((e = policy_db_open(&g->db, path, false)) != ERR_OK ||
	    (e = guard_load(g)) != ERR_OK) {
		log_warnx("%s: cannot be used", path);
		guard_close(g);
		return e;
	}
	*gp = g;
	return ERR_OK;
}

void
guard_close(struct guard *g)
{
	if (g == NULL)
		return;
	if (g->db != NULL)
		guard_flush(g);
	policy_db_close(g->db);
	quota_free(&g->keys);
	quota_free(&g->srcs);
	idset_free(&g->held);
	idset_free(&g->evicted);
	idset_free(&g->muted);
	idset_free(&g->signals);
	free(g->pend);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

/* The source's counter key for one tier: its key and the tier, hashed. */
static void
src_key(const struct guard_src *s, unsigned tier, uint8_t out[32])
{
	uint8_t	 b[33];

	memcpy(b, s->key, 32);
	b[32] = (uint8_t)tier;
	crypto_sha256(b, sizeof(b), out);
}

const struct guard_trust guard_trust_api = {
	trust_level,
	report_corroborated,
};

static enum policy_trust
as_policy(enum trust_level t)
{
	switch (t) {
	case TRUST_OWN:
		return POLICY_OWN;
	case TRUST_HOP1:
		return POLICY_HOP1;
	case TRUST_HOP2:
		return POLICY_HOP2;
	case TRUST_HISTORY:
		return POLICY_HISTORY;
	default:
		return POLICY_FRESH;
	}
}

enum policy_trust
guard_trust_of(struct guard *g, struct store *st, const uint8_t pk[32],
    uint64_t now)
{
	if (memcmp(pk, g->o.node_pk, 32) == 0)
		return POLICY_OWN;
	if (st == NULL)
		return POLICY_FRESH;
	return as_policy(g->trust.level(st, pk, now));
}

/* What the store says, read before the lock is taken. */
struct trusts {
	enum policy_trust author, source;
};

static void
read_trust(struct guard *g, struct store *st, const struct guard_src *src,
    const struct event *ev, uint64_t now, struct trusts *t)
{
	t->author = guard_trust_of(g, st, ev->pubkey, now);
	/* A client on this machine is the operator (trust_loopback). */
	if (src->local && g->o.trust_loopback && t->author < POLICY_HOP1)
		t->author = POLICY_HOP1;
	t->source = src->via == POLICY_VIA_NODE && src->proven ?
	    guard_trust_of(g, st, src->key, now) : POLICY_FRESH;
}

/* The facts for ev, with the lock held. */
static void
facts(struct guard *g, const struct guard_src *src, const struct event *ev,
    const struct trusts *t, uint64_t now, struct policy_facts *f,
    uint8_t skey[32])
{
	uint64_t v = 0;

	memset(f, 0, sizeof(*f));
	f->author = t->author;
	f->via = src->via;
	f->source = t->source;
	f->muted = idset_get(&g->muted, ev->pubkey, NULL);
	if (idset_get(&g->signals, ev->pubkey, &v))
		f->mute_signals = (unsigned)v;
	f->pow = nip13_committed(ev);
	f->size = ev->rawlen;
	quota_get(&g->keys, ev->pubkey, now, &f->key);
	src_key(src, policy_tier_of(f->pow), skey);
	quota_get(&g->srcs, skey, now, &f->src);
	f->disk_low = g->disk_low;
	f->store_full = g->store_full;
	f->hold_full = g->held.n >= GUARD_MAX_HELD;
}

static void
count_refusal(struct guard *g, enum err e)
{
	switch (e) {
	case ERR_POW:
		g->n.pow++;
		break;
	case ERR_QUOTA:
		g->n.quota++;
		break;
	case ERR_QUOTA_SOURCE:
		g->n.source++;
		break;
	case ERR_MUTED:
		g->n.muted++;
		break;
	case ERR_EVICTED:
		g->n.evicted_again++;
		break;
	case ERR_STORE_FULL:
		g->n.full++;
		break;
	case ERR_DISK_LOW:
		g->n.disk++;
		break;
	default:
		break;
	}
}

static void
copy_detail(char *detail, size_t dsz, const char *d)
{
	if (detail != NULL && dsz > 0)
		snprintf(detail, dsz, "%s", d);
}

enum err
guard_check(struct guard *g, struct store *st, const struct guard_src *src,
    const struct event *ev, char *detail, size_t dsz)
{
	struct policy_facts f;
	struct policy_decision d;
	struct trusts t;
	uint64_t now = (uint64_t)time(NULL);
	uint8_t	 skey[32];

	copy_detail(detail, dsz, "");
	read_trust(g, st, src, ev, now, &t);
	pthread_mutex_lock(&g->mu);
	if (!POLICY_VOUCHED(t.author) && src->via != POLICY_VIA_LOCAL) {
		policy_pow_note(&g->pow, &g->o.pol, now);
		if (idset_get(&g->evicted, ev->id, NULL)) {
			count_refusal(g, ERR_EVICTED);
			pthread_mutex_unlock(&g->mu);
			return ERR_EVICTED;
		}
	}
	facts(g, src, ev, &t, now, &f, skey);
	policy_decide(&g->o.pol, policy_pow_now(&g->pow, &g->o.pol, now), &f,
	    &d);
	if (d.verdict == POLICY_REFUSE)
		count_refusal(g, d.e);
	pthread_mutex_unlock(&g->mu);
	if (d.verdict != POLICY_REFUSE)
		return ERR_OK;
	copy_detail(detail, dsz, d.detail);
	return d.e;
}

enum err
guard_admit(struct guard *g, struct store *st, const struct guard_src *src,
    const struct event *ev, struct guard_ticket *tk, char *detail,
    size_t dsz)
{
	struct policy_facts f;
	struct trusts t;
	uint64_t now = (uint64_t)time(NULL);

	memset(tk, 0, sizeof(*tk));
	copy_detail(detail, dsz, "");
	read_trust(g, st, src, ev, now, &t);
	pthread_mutex_lock(&g->mu);
	facts(g, src, ev, &t, now, &f, tk->srckey);
	policy_decide(&g->o.pol, policy_pow_now(&g->pow, &g->o.pol, now), &f,
	    &tk->d);
	if (tk->d.verdict == POLICY_REFUSE)
		count_refusal(g, tk->d.e);
	pthread_mutex_unlock(&g->mu);
	memcpy(tk->id, ev->id, 32);
	memcpy(tk->pubkey, ev->pubkey, 32);
	tk->valid = tk->d.verdict != POLICY_REFUSE;
	copy_detail(detail, dsz, tk->d.detail);
	return tk->d.e;
}

void
guard_stored(struct guard *g, const struct guard_ticket *tk)
{
	uint64_t now = (uint64_t)time(NULL);
	struct guard_pend *np;

	if (!tk->valid)
		return;
	pthread_mutex_lock(&g->mu);
	if (tk->d.counted) {
		/* A count lost for want of memory lets one through, no more. */
		(void)quota_add(&g->keys, tk->pubkey, now, &tk->d.key_use);
		if (tk->d.src_use.units > 0)
			(void)quota_add(&g->srcs, tk->srckey, now,
			    &tk->d.src_use);
	}
	if (tk->d.verdict == POLICY_HOLD) {
		g->n.held++;
		if (idset_put(&g->held, tk->id, now) == ERR_OK) {
			if (g->npend == g->pendcap) {
				size_t	 ncap = g->pendcap ? g->pendcap * 2 :
				    256;

				if ((np = realloc(g->pend, ncap *
				    sizeof(*np))) != NULL) {
					g->pend = np;
					g->pendcap = ncap;
				}
			}
			/* Without room the mark lives until a restart. */
			if (g->npend < g->pendcap) {
				memcpy(g->pend[g->npend].id, tk->id, 32);
				memcpy(g->pend[g->npend].pk, tk->pubkey, 32);
				g->pend[g->npend].at = now;
				g->npend++;
			}
		}
	} else
		g->n.accepted++;
	pthread_mutex_unlock(&g->mu);
}

void
guard_flush(struct guard *g)
{
	size_t	 i;
	enum err e;

	pthread_mutex_lock(&g->mu);
	if (g->npend > 0 && (e = policy_db_begin(g->db)) == ERR_OK) {
		for (i = 0; i < g->npend && e == ERR_OK; i++)
			e = policy_db_held_put(g->db, g->pend[i].id,
			    g->pend[i].pk, g->pend[i].at);
		if (e == ERR_OK)
			e = policy_db_commit(g->db);
		else
			(void)policy_db_commit(g->db);
		if (e != ERR_OK)
			log_warnx("policy.db: %zu held marks not written: %s",
			    g->npend, err_str(e));
	}
	g->npend = 0;
	pthread_mutex_unlock(&g->mu);
}

bool
guard_forward(struct guard *g, const struct event *ev)
{
	uint64_t v = 0;
	bool	 ok;

	pthread_mutex_lock(&g->mu);
	/* signals only ever names unvouched keys (guard_tick.c). */
	ok = !idset_get(&g->held, ev->id, NULL) &&
	    !idset_get(&g->muted, ev->pubkey, NULL) &&
	    !(g->o.pol.mute_signals > 0 && idset_get(&g->signals,
	    ev->pubkey, &v) && v >= g->o.pol.mute_signals);
	pthread_mutex_unlock(&g->mu);
	return ok;
}

bool
guard_held(struct guard *g, const uint8_t id[32])
{
	bool	 h;

	pthread_mutex_lock(&g->mu);
	h = idset_get(&g->held, id, NULL);
	pthread_mutex_unlock(&g->mu);
	return h;
}

bool
guard_holding(struct guard *g)
{
	bool	 any;

	pthread_mutex_lock(&g->mu);
	any = g->held.n > 0;
	pthread_mutex_unlock(&g->mu);
	return any;
}

void
guard_filter_items(struct guard *g, struct neg_item *items, size_t *n)
{
	size_t	 i, k = 0;

	pthread_mutex_lock(&g->mu);
	if (g->held.n > 0) {
		for (i = 0; i < *n; i++)
			if (!idset_get(&g->held, items[i].id, NULL))
				items[k++] = items[i];
		*n = k;
	}
	pthread_mutex_unlock(&g->mu);
}

unsigned
guard_difficulty(struct guard *g)
{
	unsigned d;

	pthread_mutex_lock(&g->mu);
	d = policy_pow_now(&g->pow, &g->o.pol, (uint64_t)time(NULL));
	pthread_mutex_unlock(&g->mu);
	return d;
}
