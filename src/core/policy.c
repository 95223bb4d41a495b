/*
 * policy.c: the rules of policy.h, in the order they are tried:
 *
 *   1. the disk is nearly full: nothing more, whoever sends it
 *   2. the node's own key, and what the operator brings (post, import,
 *      a stick): taken while the store has room
 *   3. a key the operator muted: refused
 *   4. the store is at its budget with nothing left to evict: refused,
 *      vouched keys too -- the global budget is their only limit
 *   5. vouched keys: taken and forwarded
 *   6. unvouched keys: the difficulty asked now (unless a vouched node
 *      brought it), then the key's hourly quota, then the source's; what
 *      passes is stored, and forwarded only while the key and the source
 *      are within their forwarding share and vouched people have not
 *      muted it, otherwise held here until it earns forwarding
 */
#include <stdio.h>
#include <string.h>

#include "policy.h"

const struct policy_tier policy_tiers[POLICY_TIERS] = {
	{ 0, 1 },
	{ 8, 2 },
	{ 12, 4 },
	{ 16, 8 },
	{ 20, 16 },
	{ 24, 32 },
};

unsigned
policy_tier_of(unsigned bits)
{
	unsigned t = POLICY_TIERS - 1;

	while (t > 0 && bits < policy_tiers[t].bits)
		t--;
	return t;
}

unsigned
policy_trust_mult(enum policy_trust t)
{
	return t == POLICY_FRESH ? 1 : 4;
}

static void
refuse(struct policy_decision *d, enum err e)
{
	d->verdict = POLICY_REFUSE;
	d->e = e;
	d->counted = false;
	memset(&d->key_use, 0, sizeof(d->key_use));
	memset(&d->src_use, 0, sizeof(d->src_use));
}

/*
 * Holds the event back, unless there is no room to hold more: then it is
 * refused.  Returns: true if it is held (the caller writes the detail).
 */
static bool
hold(struct policy_decision *d, const struct policy_facts *f)
{
	if (f->hold_full) {
		refuse(d, ERR_STORE_FULL);
		snprintf(d->detail, sizeof(d->detail), "it would be held back, "
		    "and this node holds back as many as it may");
		return false;
	}
	d->verdict = POLICY_HOLD;
	d->e = ERR_HELD;
	return true;
}

/* ", difficulty 12 makes it 4 times that": the next tier up, if any. */
static void
hint(char *out, size_t sz, unsigned tier)
{
	if (tier + 1 < POLICY_TIERS)
		snprintf(out, sz, "; difficulty %u gives %u times that",
		    policy_tiers[tier + 1].bits, policy_tiers[tier + 1].mult);
	else
		out[0] = '\0';
}

void
policy_decide(const struct policy_conf *c, unsigned difficulty,
    const struct policy_facts *f, struct policy_decision *d)
{
	enum policy_trust eff = f->author;
	bool	 trusted_src = f->via == POLICY_VIA_NODE &&
	    POLICY_VOUCHED(f->source);
	unsigned tier, mult, tm, stm = 1;
	uint64_t cost, bcost, klimit, blimit, slimit;
	char	 more[96];

	memset(d, 0, sizeof(*d));
	d->verdict = POLICY_ACCEPT;
	d->e = ERR_OK;
	if (f->disk_low) {
		refuse(d, ERR_DISK_LOW);
		return;
	}
	if (f->author == POLICY_OWN || f->via == POLICY_VIA_LOCAL) {
		if (f->store_full && f->author != POLICY_OWN)
			refuse(d, ERR_STORE_FULL);
		return;
	}
	if (f->muted) {
		refuse(d, ERR_MUTED);
		return;
	}
	if (f->store_full) {
		refuse(d, ERR_STORE_FULL);
		return;
	}
	if (POLICY_VOUCHED(f->author))
		return;

	/* Muted by vouched people: no credit for history. */
	if (f->mute_signals > 0)
		eff = POLICY_FRESH;
	if (!trusted_src && f->pow < difficulty) {
		refuse(d, ERR_POW);
		snprintf(d->detail, sizeof(d->detail), "difficulty %u needed, "
		    "yours is %u", difficulty, f->pow);
		return;
	}
	tier = policy_tier_of(f->pow);
	mult = policy_tiers[tier].mult;
	tm = policy_trust_mult(eff);
	cost = QUOTA_UNIT / mult;
	bcost = (uint64_t)f->size * cost / QUOTA_UNIT;
	if (bcost == 0)
		bcost = 1;
	klimit = c->quota_events * QUOTA_UNIT * tm;
	blimit = c->quota_bytes * tm;
	hint(more, sizeof(more), tier);
	if (c->quota_events > 0 && f->key.units + cost > klimit) {
		refuse(d, ERR_QUOTA);
		snprintf(d->detail, sizeof(d->detail), "%llu events an hour%s",
		    (unsigned long long)(klimit / cost), more);
		return;
	}
	if (c->quota_bytes > 0 && f->key.bytes + bcost > blimit) {
		refuse(d, ERR_QUOTA);
		snprintf(d->detail, sizeof(d->detail), "%llu KiB an hour%s",
		    (unsigned long long)(blimit * QUOTA_UNIT / cost / 1024),
		    more);
		return;
	}
	if (f->via == POLICY_VIA_NODE)
		stm = policy_trust_mult(f->source);
	slimit = c->source_events * mult * stm * QUOTA_UNIT;
	if (!trusted_src && c->source_events > 0 &&
	    f->src.units + QUOTA_UNIT > slimit) {
		refuse(d, ERR_QUOTA_SOURCE);
		snprintf(d->detail, sizeof(d->detail), "%llu events an hour "
		    "at difficulty %u or more%s", (unsigned long long)(slimit /
		    QUOTA_UNIT), policy_tiers[tier].bits, more);
		return;
	}

	d->counted = true;
	d->key_use.units = cost;
	d->key_use.bytes = bcost;
	if (!trusted_src) {
		d->src_use.units = QUOTA_UNIT;
		d->src_use.bytes = f->size;
	}
	if (c->mute_signals > 0 && f->mute_signals >= c->mute_signals) {
		if (!hold(d, f))
			return;
		snprintf(d->detail, sizeof(d->detail), "muted by %u vouched "
		    "people", f->mute_signals);
		return;
	}
	if (c->forward_events > 0 &&
	    f->key.fwd + cost > c->forward_events * QUOTA_UNIT * tm) {
		if (!hold(d, f))
			return;
		snprintf(d->detail, sizeof(d->detail), "this key passed on "
		    "%llu events this hour%s", (unsigned long long)
		    (c->forward_events * QUOTA_UNIT * tm / cost), more);
		return;
	}
	if (!trusted_src && c->source_forward > 0 && f->src.fwd + QUOTA_UNIT >
	    c->source_forward * mult * stm * QUOTA_UNIT) {
		if (!hold(d, f))
			return;
		snprintf(d->detail, sizeof(d->detail), "%llu events from "
		    "unvouched keys came this way this hour%s",
		    (unsigned long long)(c->source_forward * mult * stm), more);
		return;
	}
	d->key_use.fwd = cost;
	if (!trusted_src)
		d->src_use.fwd = QUOTA_UNIT;
}

/* --- the adaptive difficulty ----------------------------------------------- */

static unsigned
step_up(unsigned d, const struct policy_conf *c)
{
	d = d < 8 ? 8 : d + 4;
	return d > c->pow_max ? c->pow_max : d;
}

static unsigned
step_down(unsigned d, const struct policy_conf *c)
{
	d = d <= 8 ? 0 : d - 4;
	return d < c->pow_min ? c->pow_min : d;
}

void
policy_pow_init(struct policy_pow *p, const struct policy_conf *c,
    uint64_t now)
{
	memset(p, 0, sizeof(*p));
	p->difficulty = c->pow_min;
	p->window = now - now % POLICY_POW_WINDOW;
	p->changed = now;
}

void
policy_pow_note(struct policy_pow *p, const struct policy_conf *c,
    uint64_t now)
{
	policy_pow_now(p, c, now);	/* counted in the window it falls in */
	p->count++;
}

unsigned
policy_pow_now(struct policy_pow *p, const struct policy_conf *c,
    uint64_t now)
{
	uint64_t limit = c->load_events * POLICY_POW_WINDOW / 60;
	unsigned was, i;

	if (c->load_events == 0 || c->pow_max <= c->pow_min) {
		p->difficulty = c->pow_min;
		return p->difficulty;
	}
	for (i = 0; now >= p->window + POLICY_POW_WINDOW; i++) {
		was = p->difficulty;
		if (i == 64) {
			/* Idle for long: every window since was calm. */
			p->window = now - now % POLICY_POW_WINDOW;
			break;
		}
		if (p->count > limit) {
			p->difficulty = step_up(p->difficulty, c);
			p->calm = 0;
		} else if (p->count * 2 < limit) {
			if (++p->calm >= POLICY_POW_CALM) {
				p->difficulty = step_down(p->difficulty, c);
				p->calm = 0;
			}
		} else
			p->calm = 0;
		if (p->difficulty != was)
			p->changed = p->window + POLICY_POW_WINDOW;
		p->last_count = p->count;
		p->count = 0;
		p->window += POLICY_POW_WINDOW;
	}
	return p->difficulty;
}
