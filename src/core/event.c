/*
 * event.c: parse, serialize, hash, verify and sign Nostr events (NIP-01).
 *
 * The parser is two passes over the object.  The first validates the JSON
 * and counts tags and tag elements, so the second can lay the arrays out in
 * the caller's scratch buffer with no allocation: struct arrays from the
 * bottom, decoded strings from the top.  The id is never trusted: the
 * ingest path recomputes it (event_compute_id) before the signature is
 * checked, and event_check does both for one event.  Pure.
 */
#include <stdalign.h>
#include <string.h>

#include "crypto.h"
#include "event.h"
#include "hex.h"
#include "json.h"

enum {
	F_ID = 1 << 0,
	F_PUBKEY = 1 << 1,
	F_CREATED = 1 << 2,
	F_KIND = 1 << 3,
	F_TAGS = 1 << 4,
	F_CONTENT = 1 << 5,
	F_SIG = 1 << 6,
	F_ALL = (1 << 7) - 1
};

struct scratch {
	char	*lo;		/* struct arrays grow up from here */
	char	*hi;		/* strings grow down from here */
};

static void *
scratch_structs(struct scratch *s, size_t n)
{
	uintptr_t a = ((uintptr_t)s->lo + alignof(max_align_t) - 1) &
	    ~(uintptr_t)(alignof(max_align_t) - 1);

	if ((char *)a > s->hi || n > (size_t)(s->hi - (char *)a))
		return NULL;
	s->lo = (char *)a + n;
	return (void *)a;
}

static char *
scratch_bytes(struct scratch *s, size_t n)
{
	if (n > (size_t)(s->hi - s->lo))
		return NULL;
	s->hi -= n;
	return s->hi;
}

/* Characters, as NIP-11's max_content_length counts them. */
static size_t
utf8_chars(struct str s)
{
	size_t	 i, n = 0;

	for (i = 0; i < s.n; i++)
		n += ((unsigned char)s.p[i] & 0xc0) != 0x80;
	return n;
}

/* Decodes a string value; copies only when it holds escapes. */
static enum err
parse_str(const char *p, const char *end, struct scratch *sc, struct str *out,
    const char **next)
{
	const char *q;
	char	*dst;
	enum err e;
	size_t	 rawlen;

	/* Scan once to learn the raw length, which bounds the decoded one. */
	if ((e = json_str(p, end, NULL, NULL, NULL, NULL, &q)) != ERR_OK)
		return e;
	rawlen = (size_t)(q - p);
	if (memchr(p + 1, '\\', rawlen - 2) == NULL) {
		out->p = p + 1;
		out->n = rawlen - 2;
		*next = q;
		return ERR_OK;
	}
	if ((dst = scratch_bytes(sc, rawlen)) == NULL)
		return ERR_EVENT_SIZE;
	return json_str(p, end, dst, &out->p, &out->n, NULL, next);
}

/* Skips white space, noting in *ws that there was some. */
static const char *
ws_track(const char *p, const char *end, bool *ws)
{
	const char *q = json_ws(p, end);

	*ws |= q != p;
	return q;
}

/* Pass 1 over the tags value: shape check and counts. */
static enum err
count_tags(const char *p, const char *end, size_t *ntags, size_t *nelems,
    bool *ws)
{
	size_t	 nt = 0, ne = 0, inner;
	enum err e;

	if (p >= end || *p != '[')
		return ERR_TAGS;
	p = ws_track(p + 1, end, ws);
	if (p < end && *p == ']') {
		*ntags = *nelems = 0;
		return ERR_OK;
	}
	for (;;) {
		if (p >= end || *p != '[')
			return ERR_TAGS;
		p = ws_track(p + 1, end, ws);
		inner = 0;
		if (p < end && *p == ']')
			return ERR_TAGS;		/* empty tag */
		for (;;) {
			if (p >= end || *p != '"')
				return ERR_TAGS;
			if ((e = json_str(p, end, NULL, NULL, NULL, NULL,
			    &p)) != ERR_OK)
				return e;
			inner++;
			p = ws_track(p, end, ws);
			if (p < end && *p == ']')
				break;
			if (p >= end || *p != ',')
				return ERR_TAGS;
			p = ws_track(p + 1, end, ws);
		}
		nt++;
		ne += inner;
		p = ws_track(p + 1, end, ws);
		if (p < end && *p == ']')
			break;
		if (p >= end || *p != ',')
			return ERR_TAGS;
		p = ws_track(p + 1, end, ws);
	}
	*ntags = nt;
	*nelems = ne;
	return ERR_OK;
}

/* Pass 2: the shape is known to be right; decode into the arrays. */
static enum err
fill_tags(const char *p, const char *end, struct scratch *sc,
    struct tag *tags, size_t ntags, struct str *elems)
{
	size_t	 t, k = 0;
	enum err e;

	p = json_ws(p + 1, end);	/* '[' */
	for (t = 0; t < ntags; t++) {
		p = json_ws(p + 1, end);	/* '[' of the tag */
		tags[t].v = &elems[k];
		tags[t].n = 0;
		for (;;) {
			if ((e = parse_str(p, end, sc, &elems[k], &p)))
				return e;
			k++;
			tags[t].n++;
			p = json_ws(p, end);
			if (*p == ']')
				break;
			p = json_ws(p + 1, end);	/* ',' */
		}
		p = json_ws(p + 1, end);	/* ']' then ',' or ']' */
		if (*p == ',')
			p = json_ws(p + 1, end);
	}
	return ERR_OK;
}

static enum err
parse_hex_field(const char *p, const char *end, uint8_t *out, size_t n,
    enum err bad, const char **next)
{
	const char *s;
	size_t	 sl;
	bool	 esc;
	char	 tmp[128];
	enum err e;

	/* Hex has no escapes in practice; tolerate them if they decode. */
	if (p < end && *p == '"' && (size_t)(end - p) > 2 * n + 1 &&
	    p[2 * n + 1] == '"' && hex_decode(p + 1, 2 * n, out, n)) {
		*next = p + 2 * n + 2;
		return ERR_OK;
	}
	if (p >= end || *p != '"')
		return bad;
	if ((e = json_str(p, end, NULL, NULL, &sl, NULL, next)) != ERR_OK)
		return e;
	/* Decoded bytes never outnumber raw ones: bound by the raw length. */
	if ((size_t)(*next - p) - 2 > sizeof(tmp))
		return bad;
	if ((e = json_str(p, end, tmp, &s, &sl, &esc, next)) != ERR_OK)
		return e;
	if (!hex_decode(s, sl, out, n))
		return bad;
	return ERR_OK;
}

/* Reads a key into buf (keys are short); long or odd keys are "unknown". */
static enum err
parse_key(const char *p, const char *end, char *buf, size_t bufsz,
    size_t *klen, const char **next)
{
	const char *s;
	size_t	 sl;
	enum err e;

	if (p >= end || *p != '"')
		return ERR_JSON;
	if ((e = json_str(p, end, NULL, NULL, &sl, NULL, next)) != ERR_OK)
		return e;
	if (sl > bufsz) {
		*klen = 0;
		return ERR_OK;
	}
	if ((e = json_str(p, end, buf, &s, &sl, NULL, next)) != ERR_OK)
		return e;
	if (s != buf)
		memcpy(buf, s, sl);
	*klen = sl;
	return ERR_OK;
}

static int
field_of(const char *k, size_t n)
{
	switch (n) {
	case 2:
		return memcmp(k, "id", 2) == 0 ? F_ID : 0;
	case 3:
		return memcmp(k, "sig", 3) == 0 ? F_SIG : 0;
	case 4:
		if (memcmp(k, "kind", 4) == 0)
			return F_KIND;
		return memcmp(k, "tags", 4) == 0 ? F_TAGS : 0;
	case 6:
		return memcmp(k, "pubkey", 6) == 0 ? F_PUBKEY : 0;
	case 7:
		return memcmp(k, "content", 7) == 0 ? F_CONTENT : 0;
	case 10:
		return memcmp(k, "created_at", 10) == 0 ? F_CREATED : 0;
	}
	return 0;
}

enum err
event_parse(const char *json, size_t len, const struct event_limits *lim,
    struct event *out, void *scratch, size_t scratchsz)
{
	const char *p, *end, *obj, *q, *tags_at = NULL;
	struct scratch sc;
	struct event ev;
	size_t	 max_size, max_tags, max_content, klen, ntags = 0, nelems = 0;
	uint64_t v;
	char	 key[16];
	int	 seen = 0, f;
	bool	 ws = false, unknown = false;
	enum err e;

	max_size = lim && lim->max_size ? lim->max_size : EVENT_MAX_SIZE;
	max_tags = lim && lim->max_tags ? lim->max_tags : EVENT_MAX_TAGS;
	max_content = lim && lim->max_content ? lim->max_content :
	    EVENT_MAX_CONTENT;

	memset(&ev, 0, sizeof(ev));
	end = json + len;
	obj = p = json_ws(json, end);
	if (p >= end)
		return ERR_JSON;
	if (*p != '{')
		return json_skip(p, end, &q) == ERR_OK ? ERR_NOT_OBJECT :
		    ERR_JSON;
	/* Size first: cheap, and it bounds everything after. */
	q = end;
	while (q > p && (q[-1] == ' ' || q[-1] == '\n' || q[-1] == '\r' ||
	    q[-1] == '\t'))
		q--;
	if ((size_t)(q - p) > max_size)
		return ERR_EVENT_SIZE;
	if (scratchsz < EVENT_SCRATCH(q - p))
		return ERR_EVENT_SIZE;
	sc.lo = scratch;
	sc.hi = (char *)scratch + scratchsz;

	p = ws_track(p + 1, end, &ws);
	if (p < end && *p == '}')
		return ERR_FIELD_MISSING;
	for (;;) {
		if ((e = parse_key(p, end, key, sizeof(key), &klen, &p)))
			return e;
		p = ws_track(p, end, &ws);
		if (p >= end || *p != ':')
			return ERR_JSON;
		p = ws_track(p + 1, end, &ws);
		f = field_of(key, klen);
		if (f != 0 && (seen & f))
			return ERR_FIELD_DUP;
		seen |= f;
		switch (f) {
		case F_ID:
			e = parse_hex_field(p, end, ev.id, 32, ERR_ID_HEX, &p);
			break;
		case F_PUBKEY:
			e = parse_hex_field(p, end, ev.pubkey, 32,
			    ERR_PUBKEY_HEX, &p);
			break;
		case F_SIG:
			e = parse_hex_field(p, end, ev.sig, 64, ERR_SIG_HEX,
			    &p);
			break;
		case F_CREATED:
			e = json_u64(p, end, INT64_MAX, ERR_CREATED_AT, &v, &p);
			if (e == ERR_JSON && json_skip(p, end, &q) == ERR_OK)
				e = ERR_CREATED_AT;
			ev.created_at = v;
			break;
		case F_KIND:
			e = json_u64(p, end, 65535, ERR_KIND, &v, &p);
			if (e == ERR_JSON && json_skip(p, end, &q) == ERR_OK)
				e = ERR_KIND;
			ev.kind = (uint32_t)v;
			break;
		case F_TAGS:
			tags_at = p;
			e = count_tags(p, end, &ntags, &nelems, &ws);
			if (e == ERR_OK)
				e = json_skip(p, end, &p);
			break;
		case F_CONTENT:
			if (p >= end || *p != '"') {
				e = json_skip(p, end, &q) == ERR_OK ?
				    ERR_CONTENT : ERR_JSON;
				break;
			}
			e = parse_str(p, end, &sc, &ev.content, &p);
			if (e == ERR_OK && ev.content.n > max_content &&
			    utf8_chars(ev.content) > max_content)
				e = ERR_CONTENT_SIZE;
			break;
		default:
			unknown = true;
			e = json_skip(p, end, &p);
			break;
		}
		if (e != ERR_OK)
			return e;
		p = ws_track(p, end, &ws);
		if (p < end && *p == '}')
			break;
		if (p >= end || *p != ',')
			return ERR_JSON;
		p = ws_track(p + 1, end, &ws);
	}
	ev.raw = obj;
	ev.rawlen = (size_t)(p + 1 - obj);
	if (json_ws(p + 1, end) != end)
		return ERR_JSON;
	if (seen != F_ALL)
		return ERR_FIELD_MISSING;
	if (ntags > max_tags)
		return ERR_TOO_MANY_TAGS;
	if (ntags > 0) {
		ev.tags = scratch_structs(&sc, ntags * sizeof(struct tag));
		struct str *el = scratch_structs(&sc,
		    nelems * sizeof(struct str));
		if (ev.tags == NULL || el == NULL)
			return ERR_EVENT_SIZE;
		if ((e = fill_tags(tags_at, end, &sc, ev.tags, ntags, el)))
			return e;
	}
	ev.ntags = ntags;
	ev.raw_clean = !ws && !unknown;
	*out = ev;
	return ERR_OK;
}

static void
write_tags(const struct event *ev, struct buf *b)
{
	size_t	 i, j;

	buf_putc(b, '[');
	for (i = 0; i < ev->ntags; i++) {
		if (i > 0)
			buf_putc(b, ',');
		buf_putc(b, '[');
		for (j = 0; j < ev->tags[i].n; j++) {
			if (j > 0)
				buf_putc(b, ',');
			buf_json_str(b, ev->tags[i].v[j].p, ev->tags[i].v[j].n);
		}
		buf_putc(b, ']');
	}
	buf_putc(b, ']');
}

void
event_commitment(const struct event *ev, struct buf *b)
{
	buf_append(b, "[0,\"", 4);
	buf_hex(b, ev->pubkey, 32);
	buf_append(b, "\",", 2);
	buf_u64(b, ev->created_at);
	buf_putc(b, ',');
	buf_u64(b, ev->kind);
	buf_putc(b, ',');
	write_tags(ev, b);
	buf_putc(b, ',');
	buf_json_str(b, ev->content.p, ev->content.n);
	buf_putc(b, ']');
}

void
event_compute_id(const struct event *ev, struct buf *tmp, uint8_t id[32])
{
	buf_reset(tmp);
	event_commitment(ev, tmp);
	crypto_sha256(tmp->p, tmp->len, id);
}

enum err
event_check(const struct event *ev, struct buf *tmp)
{
	uint8_t	 id[32];

	event_compute_id(ev, tmp, id);
	if (tmp->err)
		return ERR_NOMEM;
	if (memcmp(id, ev->id, 32) != 0)
		return ERR_ID_MISMATCH;
	return crypto_verify(ev->sig, id, 32, ev->pubkey);
}

enum err
event_sign(struct event *ev, const uint8_t seckey[32], struct buf *tmp)
{
	enum err e;

	if ((e = crypto_pubkey(seckey, ev->pubkey)) != ERR_OK)
		return e;
	event_compute_id(ev, tmp, ev->id);
	if (tmp->err)
		return ERR_NOMEM;
	if ((e = crypto_sign(seckey, ev->id, 32, NULL, ev->sig)) != ERR_OK)
		return e;
	ev->raw = NULL;
	ev->rawlen = 0;
	ev->raw_clean = false;
	return ERR_OK;
}

void
event_write_json(const struct event *ev, struct buf *b)
{
	if (ev->raw_clean && ev->raw != NULL) {
		buf_append(b, ev->raw, ev->rawlen);
		return;
	}
	buf_append(b, "{\"id\":\"", 7);
	buf_hex(b, ev->id, 32);
	buf_append(b, "\",\"pubkey\":\"", 12);
	buf_hex(b, ev->pubkey, 32);
	buf_append(b, "\",\"created_at\":", 15);
	buf_u64(b, ev->created_at);
	buf_append(b, ",\"kind\":", 8);
	buf_u64(b, ev->kind);
	buf_append(b, ",\"tags\":", 8);
	write_tags(ev, b);
	buf_append(b, ",\"content\":", 11);
	buf_json_str(b, ev->content.p, ev->content.n);
	buf_append(b, ",\"sig\":\"", 8);
	buf_hex(b, ev->sig, 64);
	buf_append(b, "\"}", 2);
}

enum event_class
event_class(uint32_t kind)
{
	if (kind == 0 || kind == 3 || (kind >= 10000 && kind < 20000))
		return EVENT_REPLACEABLE;
	if (kind >= 20000 && kind < 30000)
		return EVENT_EPHEMERAL;
	if (kind >= 30000 && kind < 40000)
		return EVENT_ADDRESSABLE;
	return EVENT_REGULAR;
}

bool
event_tag_value(const struct event *ev, const char *name, size_t nlen,
    struct str *val)
{
	size_t	 i;

	for (i = 0; i < ev->ntags; i++) {
		const struct tag *t = &ev->tags[i];

		if (t->n >= 2 && t->v[0].n == nlen &&
		    memcmp(t->v[0].p, name, nlen) == 0) {
			*val = t->v[1];
			return true;
		}
	}
	return false;
}

struct str
event_d(const struct event *ev)
{
	struct str d = { "", 0 };
	size_t	 i;

	/* NIP-01: element 1 of the first d tag; a bare ["d"] means "". */
	for (i = 0; i < ev->ntags; i++) {
		const struct tag *t = &ev->tags[i];

		if (t->v[0].n == 1 && t->v[0].p[0] == 'd') {
			if (t->n >= 2)
				d = t->v[1];
			break;
		}
	}
	return d;
}

enum err
event_expiration(const struct event *ev, uint64_t *when)
{
	struct str v;
	uint64_t t = 0;
	size_t	 i;

	*when = 0;
	if (!event_tag_value(ev, "expiration", 10, &v))
		return ERR_OK;
	if (v.n == 0 || v.n > 19)
		return ERR_BAD_EXPIRATION;
	for (i = 0; i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return ERR_BAD_EXPIRATION;
		t = t * 10 + (uint64_t)(v.p[i] - '0');
	}
	*when = t ? t : 1;	/* "0" expired long ago; 0 means "none" */
	return ERR_OK;
}

bool
event_is_hex64(struct str s)
{
	return hex_is_lower(s.p, s.n, 32);
}
