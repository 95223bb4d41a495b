/*
 * custody_root.c: the custody root event (custody_root.h): UTC days as
 * dates, the event's tags both ways, which days are due, and the one
 * backward pass that finds each day's last line.  Dates use the civil
 * calendar algorithms of H. Hinnant ("chrono-Compatible Low-Level Date
 * Algorithms"), so no time zone or libc locale is involved.
 */
#include <stdio.h>
#include <string.h>

#include "custody_root.h"
#include "hex.h"

int64_t
custody_day_of(uint64_t t)
{
	return (int64_t)(t / CUSTODY_DAY);
}

uint64_t
custody_day_end(int64_t d)
{
	return d < 0 ? 0 : (uint64_t)(d + 1) * CUSTODY_DAY;
}

void
custody_day_str(int64_t d, char out[11])
{
	int64_t	 z = d + 719468, era, doe, yoe, doy, mp, y, m, dd;

	if (d < 0 || d > 2932896) {	/* 9999-12-31 */
		snprintf(out, 11, "0000-00-00");
		return;
	}
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	dd = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, 11, "%04d-%02d-%02d", (int)y, (int)m, (int)dd);
}

static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool
custody_day_parse(const char *s, size_t n, int64_t *d)
{
	int64_t	 y = 0, m, dd, v;
	char	 back[11];
	size_t	 i;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	for (i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	dd = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || dd < 1 || dd > 31)
		return false;
	v = days_from_civil(y, m, dd);
	/* 2026-02-30 would be a day of March: the round trip says no. */
	custody_day_str(v, back);
	if (memcmp(back, s, 10) != 0)
		return false;
	*d = v;
	return true;
}

bool
custody_root_closed(const struct custody_root *r)
{
	return r->created_at >= custody_day_end(r->day);
}

static void
tag2(struct custody_root_ev *b, size_t i, const char *name, const char *val)
{
	b->v[i][0].p = name;
	b->v[i][0].n = strlen(name);
	b->v[i][1].p = val;
	b->v[i][1].n = strlen(val);
	b->tags[i].v = b->v[i];
	b->tags[i].n = 2;
}

void
custody_root_event(const struct custody_root *r, struct custody_root_ev *b,
    struct event *ev)
{
	memset(b, 0, sizeof(*b));
	custody_day_str(r->day, b->day);
	snprintf(b->seq, sizeof(b->seq), "%llu", (unsigned long long)r->seq);
	hex_encode(r->chain, 32, b->chain);
	b->chain[64] = '\0';
	/* NIP-31: what a client that does not know the kind may show. */
	snprintf(b->alt, sizeof(b->alt), "samizdat custody root: %llu custody "
	    "lines %s %s UTC", (unsigned long long)r->seq,
	    custody_root_closed(r) ? "to the end of" : "so far on", b->day);
	tag2(b, 0, "day", b->day);
	tag2(b, 1, "seq", b->seq);
	tag2(b, 2, "chain", b->chain);
	tag2(b, 3, "alt", b->alt);
	memset(ev, 0, sizeof(*ev));
	ev->kind = CUSTODY_ROOT_KIND;
	ev->created_at = r->created_at;
	ev->tags = b->tags;
	ev->ntags = 4;
	ev->content.p = "";
	ev->content.n = 0;
}

static bool
is(const struct str *s, const char *name)
{
	return s->n == strlen(name) && memcmp(s->p, name, s->n) == 0;
}

static bool
parse_seq(const struct str *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t	 i;

	if (s->n == 0 || s->n > 19 || s->p[0] == '0')
		return false;
	for (i = 0; i < s->n; i++) {
		if (s->p[i] < '0' || s->p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s->p[i] - '0');
	}
	*out = v;
	return true;
}

static bool
parse_chain(const struct str *s, uint8_t out[32])
{
	size_t	 i;

	if (s->n != 64)
		return false;
	for (i = 0; i < 64; i++)
		if (!((s->p[i] >= '0' && s->p[i] <= '9') ||
		    (s->p[i] >= 'a' && s->p[i] <= 'f')))
			return false;
	return hex_decode(s->p, 64, out, 32);
}

bool
custody_root_parse(const struct event *ev, struct custody_root *r)
{
	struct custody_root t;
	unsigned have = 0, bit;
	size_t	 i;
	bool	 ok;

	if (ev->kind != CUSTODY_ROOT_KIND)
		return false;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < ev->ntags; i++) {
		const struct tag *g = &ev->tags[i];

		if (g->n < 2)
			continue;
		if (is(&g->v[0], "day")) {
			bit = 1;
			ok = custody_day_parse(g->v[1].p, g->v[1].n, &t.day);
		} else if (is(&g->v[0], "seq")) {
			bit = 2;
			ok = parse_seq(&g->v[1], &t.seq);
		} else if (is(&g->v[0], "chain")) {
			bit = 4;
			ok = parse_chain(&g->v[1], t.chain);
		} else
			continue;
		if (!ok || (have & bit) != 0)
			return false;	/* malformed, or said twice */
		have |= bit;
	}
	if (have != 7)
		return false;
	t.created_at = ev->created_at;
	*r = t;
	return true;
}

size_t
custody_root_due(uint64_t now, int64_t last, int64_t *first)
{
	int64_t	 closed, from;

	if (now < CUSTODY_DAY + CUSTODY_ROOT_GRACE)
		return 0;
	closed = custody_day_of(now - CUSTODY_ROOT_GRACE) - 1;
	from = closed - CUSTODY_ROOT_DAYS + 1;
	if (last != INT64_MIN && last + 1 > from)
		from = last + 1;
	if (from < 0)
		from = 0;
	if (from > closed)
		return 0;
	*first = from;
	return (size_t)(closed - from + 1);
}

bool
custody_root_scan(struct custody_root *roots, size_t n, uint64_t seq,
    uint64_t at, const uint8_t chain[32])
{
	size_t	 i;
	bool	 more = false;

	for (i = 0; i < n; i++) {
		if (roots[i].seq != 0)
			continue;
		if (at < custody_day_end(roots[i].day)) {
			roots[i].seq = seq;
			memcpy(roots[i].chain, chain, 32);
		} else
			more = true;
	}
	return more;
}
