/*
 * custody.c: the custody log's lines (custody.h).  Each parser walks its
 * line as a template: fixed text, then a number, a hex field or a string,
 * in the one order the writer uses, and the end must come exactly where
 * the writer would stop.  A string is accepted only if writing it back
 * gives the same bytes, so one entry has one text and one hash.
 */
#include <string.h>

#include <openssl/sha.h>

#include "custody.h"
#include "hex.h"
#include "json.h"

static const char *const via_names[CUSTODY__COUNT] = {
	[CUSTODY_UNKNOWN] = "unknown",
	[CUSTODY_CLIENT] = "client",
	[CUSTODY_PEER] = "peer",
	[CUSTODY_STICK] = "stick",
	[CUSTODY_RELAY] = "relay",
	[CUSTODY_IMPORT] = "import",
	[CUSTODY_POST] = "post",
	[CUSTODY_NODE] = "node",
	[CUSTODY_STORE] = "store",
};

const char *
custody_via_name(enum custody_via v)
{
	return (unsigned)v < CUSTODY__COUNT ? via_names[v] : "unknown";
}

bool
custody_via_parse(const char *s, size_t n, enum custody_via *via)
{
	int	 i;

	for (i = 0; i < CUSTODY__COUNT; i++)
		if (strlen(via_names[i]) == n && memcmp(via_names[i], s, n) == 0) {
			*via = (enum custody_via)i;
			return true;
		}
	return false;
}

void
custody_line_write(const struct custody_line *l, struct buf *b)
{
	buf_puts(b, "{\"seq\":");
	buf_u64(b, l->seq);
	buf_puts(b, ",\"at\":");
	buf_u64(b, l->at);
	buf_puts(b, ",\"id\":\"");
	buf_hex(b, l->id, 32);
	buf_puts(b, "\",\"via\":\"");
	buf_puts(b, custody_via_name(l->via));
	buf_puts(b, "\",\"src\":\"");
	buf_hex(b, l->src, 32);
	buf_puts(b, "\",\"prev\":\"");
	buf_hex(b, l->prev, 32);
	buf_puts(b, "\"}");
}

void
custody_source_write(const struct custody_source *s, struct buf *b)
{
	buf_puts(b, "{\"seq\":");
	buf_u64(b, s->seq);
	buf_puts(b, ",\"from\":");
	buf_json_str(b, s->from, strlen(s->from));
	buf_puts(b, ",\"salt\":\"");
	buf_hex(b, s->salt, CUSTODY_SALT);
	buf_puts(b, "\"}");
}

void
custody_stub_write(uint64_t seq, const uint8_t digest[32], struct buf *b)
{
	buf_puts(b, "{\"seq\":");
	buf_u64(b, seq);
	buf_puts(b, ",\"digest\":\"");
	buf_hex(b, digest, 32);
	buf_puts(b, "\"}");
}

/* A cursor over one line. */
struct cur {
	const char	*p, *end;
	bool		 bad;
};

static void
lit(struct cur *c, const char *s)
{
	size_t	 n = strlen(s);

	if (c->bad || (size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		c->bad = true;
	else
		c->p += n;
}

static uint64_t
num(struct cur *c)
{
	uint64_t v = 0;

	if (c->bad || json_u64(c->p, c->end, UINT64_MAX >> 1, ERR_CUSTODY, &v,
	    &c->p) != ERR_OK)
		c->bad = true;
	return v;
}

static void
hexf(struct cur *c, uint8_t *out, size_t n)
{
	if (c->bad || (size_t)(c->end - c->p) < 2 * n ||
	    !hex_decode(c->p, 2 * n, out, n))
		c->bad = true;
	else
		c->p += 2 * n;
}

static enum err
finish(struct cur *c)
{
	return !c->bad && c->p == c->end ? ERR_OK : ERR_CUSTODY;
}

enum err
custody_line_parse(const char *p, size_t n, struct custody_line *out)
{
	struct custody_line l;
	struct cur c = { p, p + n, false };
	const char *v;

	memset(&l, 0, sizeof(l));
	lit(&c, "{\"seq\":");
	l.seq = num(&c);
	lit(&c, ",\"at\":");
	l.at = num(&c);
	lit(&c, ",\"id\":\"");
	hexf(&c, l.id, 32);
	lit(&c, "\",\"via\":\"");
	for (v = c.p; !c.bad && c.p < c.end && *c.p >= 'a' && *c.p <= 'z';
	    c.p++)
		;
	if (!c.bad && !custody_via_parse(v, (size_t)(c.p - v), &l.via))
		c.bad = true;
	lit(&c, "\",\"src\":\"");
	hexf(&c, l.src, 32);
	lit(&c, "\",\"prev\":\"");
	hexf(&c, l.prev, 32);
	lit(&c, "\"}");
	if (finish(&c) != ERR_OK || l.seq == 0)
		return ERR_CUSTODY;
	*out = l;
	return ERR_OK;
}

enum err
custody_source_parse(const char *p, size_t n, struct custody_source *out)
{
	struct custody_source s;
	struct cur c = { p, p + n, false };
	char	 dec[CUSTODY_FROM_MAX + 1];
	const char *sp;
	size_t	 sn;
	bool	 esc;
	struct buf b;
	bool	 same;

	memset(&s, 0, sizeof(s));
	lit(&c, "{\"seq\":");
	s.seq = num(&c);
	lit(&c, ",\"from\":");
	if (c.bad || c.p >= c.end || *c.p != '"')
		return ERR_CUSTODY;
	/* The raw string is at most 6 bytes per byte it decodes to. */
	{
		const char *q;

		if (json_skip_loose(c.p, c.end, &q) != ERR_OK ||
		    (size_t)(q - c.p) > 6 * CUSTODY_FROM_MAX + 2)
			return ERR_CUSTODY;
	}
	{
		char	 raw[6 * CUSTODY_FROM_MAX + 2];
		const char *start = c.p;

		if (json_str(c.p, c.end, raw, &sp, &sn, &esc, &c.p) != ERR_OK ||
		    sn > CUSTODY_FROM_MAX || memchr(sp, '\0', sn) != NULL)
			return ERR_CUSTODY;
		memcpy(dec, sp, sn);
		dec[sn] = '\0';
		/* Canonical only: writing it back gives the same bytes. */
		buf_init(&b, 0);
		buf_json_str(&b, dec, sn);
		same = !b.err && b.len == (size_t)(c.p - start) &&
		    memcmp(b.p, start, b.len) == 0;
		buf_free(&b);
		if (!same)
			return ERR_CUSTODY;
	}
	memcpy(s.from, dec, sn + 1);
	lit(&c, ",\"salt\":\"");
	hexf(&c, s.salt, CUSTODY_SALT);
	lit(&c, "\"}");
	if (finish(&c) != ERR_OK || s.seq == 0)
		return ERR_CUSTODY;
	*out = s;
	return ERR_OK;
}

enum err
custody_stub_parse(const char *p, size_t n, uint64_t *seq, uint8_t digest[32])
{
	struct cur c = { p, p + n, false };
	uint8_t	 d[32];
	uint64_t s;

	lit(&c, "{\"seq\":");
	s = num(&c);
	lit(&c, ",\"digest\":\"");
	hexf(&c, d, 32);
	lit(&c, "\"}");
	if (finish(&c) != ERR_OK || s == 0)
		return ERR_CUSTODY;
	*seq = s;
	memcpy(digest, d, 32);
	return ERR_OK;
}

void
custody_source_set(struct custody_source *s, uint64_t seq, const char *from,
    const uint8_t salt[CUSTODY_SALT])
{
	size_t	 n = from != NULL ? strlen(from) : 0, i;

	memset(s, 0, sizeof(*s));
	s->seq = seq;
	if (n > CUSTODY_FROM_MAX) {
		n = CUSTODY_FROM_MAX;
		/* Not inside a UTF-8 sequence. */
		while (n > 0 && ((unsigned char)from[n] & 0xc0) == 0x80)
			n--;
	}
	if (n > 0)
		memcpy(s->from, from, n);
	s->from[n] = '\0';
	/* A path may be any bytes; the line must be UTF-8. */
	if (!json_utf8_valid(s->from, n))
		for (i = 0; i < n; i++)
			if ((unsigned char)s->from[i] >= 0x80)
				s->from[i] = '?';
	memcpy(s->salt, salt, CUSTODY_SALT);
}

void
custody_chain_digest(const uint8_t prev[32], const uint8_t digest[32],
    uint8_t out[32])
{
	uint8_t	 b[64];

	memcpy(b, prev, 32);
	memcpy(b + 32, digest, 32);
	SHA256(b, sizeof(b), out);
}

void
custody_chain(const uint8_t prev[32], const char *line, size_t n,
    uint8_t out[32])
{
	uint8_t	 d[32];

	SHA256((const uint8_t *)line, n, d);
	custody_chain_digest(prev, d, out);
}
