/*
 * witness.c: witness marks and vouches as NIP-32 labels (witness.h).
 * The check is strict only inside our namespace: a kind 1985 label of
 * any other application is none of ours and is never refused, while one
 * that claims "samizdat.witness" must be exactly one of the five shapes
 * of docs/formats.md, so every node counts it the same way.
 */
#include <string.h>

#include "hex.h"
#include "witness.h"

static const char *const label_names[] = {
	[WITNESS_NONE] = "",
	[WITNESS_CONFIRM] = "confirm",
	[WITNESS_DISPUTE] = "dispute",
	[WITNESS_RETRACT] = "retract",
	[WITNESS_VOUCH] = "vouch",
	[WITNESS_REVOKE] = "revoke",
};

#define NS_LEN	(sizeof(WITNESS_NS) - 1)

const char *
witness_label_name(enum witness_label l)
{
	if ((unsigned)l >= sizeof(label_names) / sizeof(label_names[0]))
		return "";
	return label_names[l];
}

enum witness_label
witness_label_of(const char *s, size_t n)
{
	unsigned i;

	for (i = WITNESS_CONFIRM; i <= WITNESS_REVOKE; i++)
		if (strlen(label_names[i]) == n && memcmp(s, label_names[i],
		    n) == 0)
			return (enum witness_label)i;
	return WITNESS_NONE;
}

bool
witness_is_mark(enum witness_label l)
{
	return l == WITNESS_CONFIRM || l == WITNESS_DISPUTE ||
	    l == WITNESS_RETRACT;
}

static bool
is_ns(struct str s)
{
	return s.n == NS_LEN && memcmp(s.p, WITNESS_NS, NS_LEN) == 0;
}

static bool
named(const struct tag *t, char c)
{
	return t->v[0].n == 1 && t->v[0].p[0] == c;
}

enum err
witness_parse(const struct event *ev, struct witness_mark *m)
{
	const struct str *lval = NULL, *eval = NULL, *pval = NULL;
	size_t	 i, nl = 0, ne = 0, np = 0;
	bool	 has_L = false, ours = false, bad_hex = false;

	memset(m, 0, sizeof(*m));
	if (ev->kind != WITNESS_KIND)
		return ERR_OK;
	for (i = 0; i < ev->ntags; i++) {
		const struct tag *t = &ev->tags[i];

		if (named(t, 'L') && t->n >= 2 && is_ns(t->v[1]))
			has_L = ours = true;
		else if (named(t, 'l') && t->n >= 3 && is_ns(t->v[2])) {
			ours = true;
			lval = &t->v[1];
			nl++;
		} else if (named(t, 'e')) {
			ne++;
			eval = t->n >= 2 ? &t->v[1] : NULL;
			if (eval == NULL || !event_is_hex64(*eval))
				bad_hex = true;
		} else if (named(t, 'p')) {
			np++;
			pval = t->n >= 2 ? &t->v[1] : NULL;
			if (pval == NULL || !event_is_hex64(*pval))
				bad_hex = true;
		}
	}
	if (!ours)
		return ERR_OK;
	if (!has_L || nl != 1 || (m->label = witness_label_of(lval->p,
	    lval->n)) == WITNESS_NONE) {
		m->label = WITNESS_NONE;
		return ERR_WITNESS_LABEL;
	}
	if (witness_is_mark(m->label)) {
		if (ne != 1 || np != 1 || bad_hex)
			goto bad;
		hex_decode(eval->p, 64, m->target, 32);
		hex_decode(pval->p, 64, m->author, 32);
		if (memcmp(m->author, ev->pubkey, 32) == 0)
			goto self;
	} else {
		if (ne != 0 || np != 1 || bad_hex)
			goto bad;
		hex_decode(pval->p, 64, m->target, 32);
		if (memcmp(m->target, ev->pubkey, 32) == 0)
			goto self;
	}
	if (ev->content.n > WITNESS_COMMENT_MAX) {
		memset(m, 0, sizeof(*m));
		return ERR_WITNESS_COMMENT;
	}
	return ERR_OK;
bad:
	i = witness_is_mark(m->label);
	memset(m, 0, sizeof(*m));
	return i ? ERR_WITNESS_MARK : ERR_WITNESS_VOUCH;
self:
	memset(m, 0, sizeof(*m));
	return ERR_WITNESS_SELF;
}

static void
set(struct witness_tags *t, size_t i, const char *a, const char *b,
    const char *c)
{
	const char *s[3] = { a, b, c };
	size_t	 k, n = c != NULL ? 3 : 2;

	for (k = 0; k < n; k++) {
		t->v[i][k].p = s[k];
		t->v[i][k].n = strlen(s[k]);
	}
	t->tags[i].v = t->v[i];
	t->tags[i].n = n;
}

void
witness_tags(struct witness_tags *t, enum witness_label l,
    const uint8_t target[32], const uint8_t author[32])
{
	memset(t, 0, sizeof(*t));
	hex_encode(target, 32, t->target);
	set(t, 0, "L", WITNESS_NS, NULL);
	set(t, 1, "l", witness_label_name(l), WITNESS_NS);
	if (witness_is_mark(l)) {
		hex_encode(author, 32, t->author);
		set(t, 2, "e", t->target, NULL);
		set(t, 3, "p", t->author, NULL);
		t->ntags = 4;
	} else {
		set(t, 2, "p", t->target, NULL);
		t->ntags = 3;
	}
}

/* 64 hex digits of either case at s (n bytes exactly) into out. */
static bool
hex64(const char *s, size_t n, uint8_t out[32])
{
	size_t	 i;
	int	 a, b;

	if (n != 64)
		return false;
	for (i = 0; i < 32; i++) {
		if ((a = hex_value(s[2 * i])) < 0 ||
		    (b = hex_value(s[2 * i + 1])) < 0)
			return false;
		out[i] = (uint8_t)(a << 4 | b);
	}
	return true;
}

/* The ids of "ids=": separated by ',' or "%2C" (either case). */
static bool
parse_ids(const char *p, size_t len, uint8_t (*ids)[32], size_t max,
    size_t *n)
{
	size_t	 i = 0, k, j;

	*n = 0;
	while (i < len) {
		if (*n == max || !hex64(p + i, len - i < 64 ? len - i : 64,
		    ids[*n]))
			return false;
		for (k = 0; k < *n; k++)
			if (memcmp(ids[k], ids[*n], 32) == 0)
				return false;
		(*n)++;
		i += 64;
		if (i == len)
			break;
		if (p[i] == ',')
			j = 1;
		else if (len - i >= 3 && p[i] == '%' && p[i + 1] == '2' &&
		    (p[i + 2] == 'C' || p[i + 2] == 'c'))
			j = 3;
		else
			return false;
		i += j;
		if (i == len)
			return false;
	}
	return *n > 0;
}

bool
witness_query_parse(const char *args, uint8_t (*ids)[32], size_t max,
    size_t *n, uint8_t me[32], bool *has_me)
{
	const char *p = args, *amp, *eq;
	size_t	 len;
	bool	 got_ids = false;

	*has_me = false;
	*n = 0;
	if (args == NULL)
		return false;
	while (*p != '\0') {
		amp = strchr(p, '&');
		len = amp ? (size_t)(amp - p) : strlen(p);
		eq = memchr(p, '=', len);
		if (eq == NULL)
			return false;
		if (eq - p == 3 && memcmp(p, "ids", 3) == 0 && !got_ids) {
			if (!parse_ids(eq + 1, len - 4, ids, max, n))
				return false;
			got_ids = true;
		} else if (eq - p == 2 && memcmp(p, "me", 2) == 0 && !*has_me) {
			if (len - 3 != 0) {
				if (!hex64(eq + 1, len - 3, me))
					return false;
				*has_me = true;
			}
		} else
			return false;
		p += len;
		if (*p == '&')
			p++;
	}
	return got_ids;
}

bool
witness_code_prefix(const char *code, size_t n, uint8_t prefix[5])
{
	static const char cs[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	uint64_t acc = 0;
	const char *p;
	size_t	 i;

	if (n != 8)
		return false;
	for (i = 0; i < 8; i++) {
		if (code[i] == '\0' || (p = strchr(cs, code[i])) == NULL)
			return false;
		acc = acc << 5 | (uint64_t)(p - cs);
	}
	for (i = 0; i < 5; i++)
		prefix[i] = (uint8_t)(acc >> (8 * (4 - i)));
	return true;
}
