/*
 * ingest.c: the stages of ingest.h.  Cheap checks come first, so a flood of
 * junk costs little: size, then parse, then the hash, and only then the
 * signature, which is the one real cost.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "ingest.h"
#include "store_custody.h"
#include "witness.h"
#include "witness_store.h"

void
ingest_ctx_init(struct ingest_ctx *c)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->tmp, 0);
}

/*
 * Scratch is sized to the event at hand: grown when needed, and given back
 * after an unusually large event so that many contexts stay small.
 */
static enum err
ctx_reserve(struct ingest_ctx *c, size_t len)
{
	size_t	 need = EVENT_SCRATCH(len);
	void	*p;

	if (c->scratchsz >= need && !(c->scratchsz > (512u << 10) &&
	    need < (64u << 10)))
		return ERR_OK;
	if ((p = realloc(c->scratch, need)) == NULL)
		return ERR_NOMEM;
	c->scratch = p;
	c->scratchsz = need;
	return ERR_OK;
}

void
ingest_ctx_free(struct ingest_ctx *c)
{
	free(c->scratch);
	buf_free(&c->tmp);
	memset(c, 0, sizeof(*c));
}

/* Limits, strict parse, recomputed id. */
static enum err
ingest_parse(struct ingest_ctx *c, const struct ingest_policy *pol,
    const char *json, size_t len, struct event *ev)
{
	uint8_t	 id[32];
	size_t	 max = pol->lim.max_size ? pol->lim.max_size : EVENT_MAX_SIZE;
	enum err e;

	if (len > max + 64)	/* room for white space around the object */
		return ERR_EVENT_SIZE;
	if ((e = ctx_reserve(c, len)) != ERR_OK)
		return e;
	if ((e = event_parse(json, len, &pol->lim, ev, c->scratch,
	    c->scratchsz)) != ERR_OK)
		return e;
	event_compute_id(ev, &c->tmp, id);
	if (c->tmp.err)
		return ERR_NOMEM;
	if (memcmp(id, ev->id, 32) != 0)
		return ERR_ID_MISMATCH;
	return ERR_OK;
}

/* NIP-40 expiry and the created_at window. */
static enum err
ingest_policy(const struct ingest_policy *pol, const struct event *ev,
    uint64_t now)
{
	struct witness_mark m;
	uint64_t exp;
	enum err e;

	if ((e = event_expiration(ev, &exp)) != ERR_OK)
		return e;
	if (now == 0)
		return ERR_OK;
	/* Labels of ours must be well formed; other apps' pass untouched. */
	if (ev->kind == WITNESS_KIND && (e = witness_parse(ev, &m)) != ERR_OK)
		return e;
	if (exp != 0 && exp <= now)
		return ERR_EXPIRED;
	if (pol->max_past != 0 && now > pol->max_past &&
	    ev->created_at < now - pol->max_past)
		return ERR_TOO_OLD;
	if (pol->max_future != 0 && ev->created_at > now + pol->max_future)
		return ERR_TOO_NEW;
	return ERR_OK;
}

enum err
ingest_check(struct ingest_ctx *c, const struct ingest_policy *pol,
    struct store *st, const char *json, size_t len, uint64_t now,
    struct event *ev)
{
	enum err e;

	if ((e = ingest_parse(c, pol, json, len, ev)) != ERR_OK)
		return e;
	/* Policy first: an expired event is refused even if still stored. */
	if ((e = ingest_policy(pol, ev, now)) != ERR_OK)
		return e;
	if (st != NULL && store_has(st, ev->id))
		return ERR_DUPLICATE;
	return ERR_OK;
}

enum err
ingest_verify(const struct event *ev)
{
	return crypto_verify(ev->sig, ev->id, 32, ev->pubkey);
}

enum err
ingest_verify_with(const struct event *ev, struct crypto_keys *k)
{
	return crypto_verify_with(k, ev->sig, ev->id, 32, ev->pubkey);
}

enum err
ingest_store(struct store *st, const struct event *ev, uint64_t now)
{
	return ingest_store_from(st, ev, now, NULL);
}

/* Outcomes after which a transaction of our own is committed. */
static bool
benign(enum err e)
{
	return e == ERR_OK || e == ERR_DUPLICATE || e == ERR_HAVE_NEWER ||
	    e == ERR_DELETED || e == ERR_EPHEMERAL;
}

enum err
ingest_store_from(struct store *st, const struct event *ev, uint64_t now,
    const struct custody_src *src)
{
	struct witness_pre pre;
	bool	 own = !store_in_tx(st);
	enum err e;

	if (event_class(ev->kind) == EVENT_EPHEMERAL)
		return ERR_EPHEMERAL;
	if (own && store_has(st, ev->id))
		return ERR_DUPLICATE;	/* no transaction for that */
	if (own && (e = store_begin(st)) != ERR_OK)
		return e;
	/*
	 * The event, the witness index (witness_index.c) and, on first
	 * receipt only, its custody line, in one transaction.
	 */
	if ((e = witness_before(st, ev, &pre)) == ERR_OK &&
	    (e = store_put(st, ev, now)) == ERR_OK &&
	    (e = witness_after(st, ev, &pre, now)) == ERR_OK)
		e = store_custody_append(st, ev->id, now, src);
	if (own) {
		if (benign(e)) {
			enum err c = store_commit(st);

			if (c != ERR_OK) {
				store_rollback(st);
				e = c;
			}
		} else
			store_rollback(st);
	}
	return e;
}

enum err
ingest_one(struct ingest_ctx *c, const struct ingest_policy *pol,
    struct store *st, const char *json, size_t len, uint64_t now,
    struct event *out)
{
	struct event ev;
	enum err e;

	memset(&ev, 0, sizeof(ev));
	if ((e = ingest_check(c, pol, st, json, len, now, &ev)) == ERR_OK &&
	    (e = ingest_verify(&ev)) == ERR_OK && st != NULL)
		e = ingest_store_from(st, &ev, now, c->src);
	if (out != NULL)
		*out = ev;
	return e;
}

bool
ingest_parsed(enum err e)
{
	return e == ERR_OK || e == ERR_ID_MISMATCH || e == ERR_DUPLICATE ||
	    e == ERR_EXPIRED ||
	    e == ERR_BAD_EXPIRATION || e == ERR_TOO_OLD || e == ERR_TOO_NEW ||
	    e == ERR_BAD_SIG || e == ERR_PUBKEY_CURVE || e == ERR_HAVE_NEWER ||
	    e == ERR_DELETED || e == ERR_EPHEMERAL || e == ERR_RATE ||
	    e == ERR_QUOTA || e == ERR_QUOTA_SOURCE || e == ERR_HELD ||
	    e == ERR_POW || e == ERR_MUTED || e == ERR_EVICTED ||
	    e == ERR_STORE_FULL || e == ERR_DISK_LOW ||
	    e == ERR_WITNESS_LABEL || e == ERR_WITNESS_MARK ||
	    e == ERR_WITNESS_VOUCH || e == ERR_WITNESS_SELF ||
	    e == ERR_WITNESS_COMMENT || e == ERR_WITNESS_PENDING;
}

bool
ingest_accepted(enum err e)
{
	return e == ERR_OK || e == ERR_DUPLICATE || e == ERR_HAVE_NEWER ||
	    e == ERR_EPHEMERAL || e == ERR_HELD;
}
