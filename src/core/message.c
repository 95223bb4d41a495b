/*
 * message.c: NIP-01 message framing, both ways (message.h).  The verb and,
 * for EVENT and a client's AUTH, the raw event object are found with the
 * strict scanner of json.c, so that the event's bytes reach ingest
 * untouched and a flood of events costs one scan each; the other messages
 * are small and go through jansson.  Pure.
 */
#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "json.h"
#include "message.h"

#define FROM_C	0x1	/* a client may send it */
#define FROM_R	0x2	/* a relay may send it */

/*
 * The verbs: name on the wire, enum, and who may send it.  A verb sent by
 * the wrong side is unknown to the reader.
 */
static const struct {
	const char	*name;
	enum msg_verb	 verb;
	int		 from;
} verbs[] = {
	{ "EVENT",	MSG_EVENT,	FROM_C | FROM_R },
	{ "REQ",	MSG_REQ,	FROM_C },
	{ "CLOSE",	MSG_CLOSE,	FROM_C },
	{ "COUNT",	MSG_COUNT,	FROM_C | FROM_R },
	{ "AUTH",	MSG_AUTH,	FROM_C | FROM_R },
	{ "NEG-OPEN",	MSG_NEG_OPEN,	FROM_C },
	{ "NEG-MSG",	MSG_NEG_MSG,	FROM_C | FROM_R },
	{ "NEG-CLOSE",	MSG_NEG_CLOSE,	FROM_C },
	{ "OK",		MSG_OK,		FROM_R },
	{ "EOSE",	MSG_EOSE,	FROM_R },
	{ "CLOSED",	MSG_CLOSED,	FROM_R },
	{ "NOTICE",	MSG_NOTICE,	FROM_R },
	{ "NEG-ERR",	MSG_NEG_ERR,	FROM_R },
};

#define NVERBS	(sizeof(verbs) / sizeof(verbs[0]))

const char *
msg_verb_name(enum msg_verb v)
{
	size_t	 i;

	for (i = 0; i < NVERBS; i++)
		if (verbs[i].verb == v)
			return verbs[i].name;
	return "?";
}

/* Copies a JSON string value into m->subid.  Returns: false if it is bad. */
static bool
set_subid(const json_t *v, size_t max, struct msg *m)
{
	size_t	 n;

	if (!json_is_string(v))
		return false;
	n = json_string_length(v);
	if (n == 0 || n > max || n >= sizeof(m->subid) ||
	    memchr(json_string_value(v), '\0', n) != NULL)
		return false;
	memcpy(m->subid, json_string_value(v), n);
	m->subid[n] = '\0';
	return true;
}

/*
 * Copies a JSON string value into m->text, cut at MSG_MAX_TEXT - 1 bytes
 * (on a character boundary).  Returns: false if v is not a string, or if
 * it does not fit and exact is set.
 */
static bool
set_text(const json_t *v, bool exact, struct msg *m)
{
	const char *s;
	size_t	 n;

	if (!json_is_string(v))
		return false;
	s = json_string_value(v);
	n = json_string_length(v);
	if (n >= sizeof(m->text)) {
		if (exact)
			return false;
		n = sizeof(m->text) - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(m->text, s, n);
	m->text[n] = '\0';
	return memchr(m->text, '\0', n) == NULL || !exact;
}

/* NEG-OPEN and NEG-MSG payloads: a plain hex string, borrowed. */
static bool
set_neg(const json_t *v, struct msg *m)
{
	if (!json_is_string(v))
		return false;
	m->neg = json_string_value(v);
	m->neglen = json_string_length(v);
	return true;
}

/*
 * The scanner path: [verb, obj] (a client's EVENT and AUTH) or
 * [verb, subid, obj] (a relay's EVENT), from p just past the verb.
 */
static enum err
parse_event(const char *p, const char *end, bool with_subid, size_t max,
    struct msg *m)
{
	const char *q, *sp;
	size_t	 n;
	bool	 esc;

	p = json_ws(p, end);
	if (p >= end || *p != ',')
		return ERR_JSON;
	p = json_ws(p + 1, end);
	if (with_subid) {
		if (p >= end || *p != '"' || json_str(p, end, NULL, NULL, NULL,
		    NULL, &q) != ERR_OK)
			return ERR_JSON;
		/*
		 * json_str may need the raw length in the output; the limit
		 * is on the decoded length, known only once decoded.
		 */
		if ((size_t)(q - p) - 2 >= sizeof(m->subid) ||
		    json_str(p, end, m->subid, &sp, &n, &esc, &q) != ERR_OK ||
		    n == 0 || n > max)
			return ERR_FILTER;
		if (sp != m->subid)
			memcpy(m->subid, sp, n);
		m->subid[n] = '\0';
		if (memchr(m->subid, '\0', n) != NULL)
			return ERR_FILTER;
		p = json_ws(q, end);
		if (p >= end || *p != ',')
			return ERR_JSON;
		p = json_ws(p + 1, end);
	}
	m->event = p;
	/* Its contents are ingest's to judge, so that it can answer OK. */
	if (json_skip_loose(p, end, &q) != ERR_OK)
		return ERR_JSON;
	m->eventlen = (size_t)(q - p);
	p = json_ws(q, end);
	if (p >= end || *p != ']' || json_ws(p + 1, end) != end)
		return ERR_JSON;
	return ERR_OK;
}

/* OK from a relay: ["OK", id, bool, reason]; a missing reason is "". */
static enum err
parse_ok(const json_t *a, struct msg *m)
{
	const json_t *id = json_array_get(a, 1), *ok = json_array_get(a, 2);
	size_t	 n = json_array_size(a);

	if (n < 3 || n > 4 || !json_is_string(id) || !json_is_boolean(ok) ||
	    !hex_decode(json_string_value(id), json_string_length(id), m->id,
	    32))
		return ERR_FILTER;
	m->ok = json_is_true(ok);
	if (n == 4 && !set_text(json_array_get(a, 3), false, m))
		return ERR_FILTER;
	return ERR_OK;
}

/* COUNT from a relay: ["COUNT", subid, {"count": n, "hll": hex}]. */
static enum err
parse_count_answer(const json_t *a, struct msg *m)
{
	const json_t *o = json_array_get(a, 2), *c, *h;

	if (json_array_size(a) != 3 || !json_is_object(o) ||
	    !json_is_integer(c = json_object_get(o, "count")) ||
	    json_integer_value(c) < 0)
		return ERR_FILTER;
	m->count = (uint64_t)json_integer_value(c);
	if ((h = json_object_get(o, "hll")) != NULL) {
		if (!json_is_string(h) || !hex_decode(json_string_value(h),
		    json_string_length(h), m->hll, sizeof(m->hll)))
			return ERR_FILTER;
		m->has_hll = true;
	}
	return ERR_OK;
}

/* The shape of each verb read through jansson; subid is already set. */
static enum err
parse_shape(const json_t *a, enum msg_from from, struct msg *m)
{
	size_t	 n = json_array_size(a), i;

	switch (m->verb) {
	case MSG_REQ:
	case MSG_COUNT:
		if (from == MSG_FROM_RELAY)
			return parse_count_answer(a, m);
		m->nfilters = n - 2;
		for (i = 0; i < m->nfilters; i++)
			if (!json_is_object(json_array_get(a, i + 2)))
				return ERR_FILTER;
		return ERR_OK;
	case MSG_CLOSE:
	case MSG_EOSE:
		return n == 2 ? ERR_OK : ERR_FILTER;
	case MSG_NEG_CLOSE:
		return ERR_OK;
	case MSG_NEG_OPEN:
		return n == 4 && set_neg(json_array_get(a, 3), m) ? ERR_OK :
		    ERR_NEG;
	case MSG_NEG_MSG:
		return n == 3 && set_neg(json_array_get(a, 2), m) ? ERR_OK :
		    ERR_NEG;
	case MSG_CLOSED:
	case MSG_NEG_ERR:
		if (n == 2)
			return ERR_OK;
		return n == 3 && set_text(json_array_get(a, 2), false, m) ?
		    ERR_OK : ERR_FILTER;
	default:
		return ERR_FILTER;
	}
}

enum err
msg_parse(const char *buf, size_t len, enum msg_from from, size_t max_subid,
    struct msg *m)
{
	const char *p, *end = buf + len, *vp, *q;
	size_t	 vlen, i;
	bool	 esc;
	char	 vbuf[32];
	int	 side = from == MSG_FROM_CLIENT ? FROM_C : FROM_R;
	json_error_t je;

	memset(m, 0, sizeof(*m));
	m->verb = MSG_UNKNOWN;
	p = json_ws(buf, end);
	if (p >= end || *p != '[')
		return ERR_JSON;
	p = json_ws(p + 1, end);
	if (p >= end || *p != '"')
		return ERR_JSON;
	if (json_str(p, end, NULL, NULL, &vlen, NULL, &q) != ERR_OK)
		return ERR_JSON;
	if (q - p > (ptrdiff_t)sizeof(vbuf))
		vlen = 0;		/* too long to be a verb */
	else if (json_str(p, end, vbuf, &vp, &vlen, &esc, &q) != ERR_OK)
		return ERR_JSON;
	else if (vp != vbuf)
		memcpy(vbuf, vp, vlen);
	vbuf[vlen] = '\0';
	for (i = 0; i < NVERBS; i++)
		if (strcmp(vbuf, verbs[i].name) == 0 && (verbs[i].from & side))
			m->verb = verbs[i].verb;
	snprintf(m->verb_text, sizeof(m->verb_text), "%s", vbuf);

	if (m->verb == MSG_EVENT || (m->verb == MSG_AUTH &&
	    from == MSG_FROM_CLIENT))
		return parse_event(q, end, m->verb == MSG_EVENT &&
		    from == MSG_FROM_RELAY, max_subid, m);
	if ((m->root = json_loadb(buf, len, JSON_ALLOW_NUL, &je)) == NULL)
		return ERR_JSON;
	if (!json_is_array(m->root))
		return ERR_JSON;
	if (m->verb == MSG_UNKNOWN)
		return ERR_USAGE;
	/* The verbs without a subscription id. */
	if (m->verb == MSG_NOTICE)
		return json_array_size(m->root) == 2 &&
		    set_text(json_array_get(m->root, 1), false, m) ? ERR_OK :
		    ERR_FILTER;
	if (m->verb == MSG_AUTH) {	/* a relay's challenge, exact */
		if (!set_text(json_array_get(m->root, 1), true, m))
			return ERR_FILTER;
		if (json_array_size(m->root) == 2)
			return ERR_OK;
		/* With a called node's proof: its bytes, as for an EVENT. */
		if (json_array_size(m->root) != 3 ||
		    !json_is_object(json_array_get(m->root, 2)))
			return ERR_FILTER;
		return parse_event(q, end, true, sizeof(m->subid) - 1, m) ==
		    ERR_OK ? ERR_OK : ERR_FILTER;
	}
	if (m->verb == MSG_OK)
		return parse_ok(m->root, m);
	if (json_array_size(m->root) < 2 ||
	    !set_subid(json_array_get(m->root, 1), max_subid, m))
		return ERR_FILTER;
	return parse_shape(m->root, from, m);
}

void
msg_free(struct msg *m)
{
	if (m->root != NULL)
		json_decref(m->root);
	m->root = NULL;
	m->neg = NULL;
}

const json_t *
msg_filter(const struct msg *m, size_t i)
{
	return json_array_get(m->root, i + 2);
}

const json_t *
msg_neg_filter(const struct msg *m)
{
	return json_array_get(m->root, 2);
}

enum err
msg_neg_bytes(const struct msg *m, struct buf *out)
{
	size_t	 n = m->neglen / 2;

	buf_reset(out);
	if (m->neg == NULL || m->neglen % 2 != 0)
		return ERR_NEG;
	/* Room for the bytes, then decode in place. */
	buf_append(out, m->neg, n);
	if (out->err)
		return ERR_NOMEM;
	if (!hex_decode(m->neg, m->neglen, (uint8_t *)out->p, n))
		return ERR_NEG;
	return ERR_OK;
}

/* --- relay to client ---------------------------------------------------- */

static void
put_str(struct buf *b, const char *s)
{
	buf_json_str(b, s, strlen(s));
}

void
msg_ok(struct buf *b, const uint8_t id[32], bool ok, const char *reason)
{
	buf_puts(b, "[\"OK\",\"");
	buf_hex(b, id, 32);
	buf_puts(b, ok ? "\",true," : "\",false,");
	put_str(b, reason);
	buf_putc(b, ']');
}

void
msg_event(struct buf *b, const char *subid, const char *json, size_t len)
{
	buf_puts(b, "[\"EVENT\",");
	put_str(b, subid);
	buf_putc(b, ',');
	buf_append(b, json, len);
	buf_putc(b, ']');
}

/* ["VERB",subid] or ["VERB",subid,text] */
static void
sub_msg(struct buf *b, const char *verb, const char *subid, const char *text)
{
	buf_puts(b, "[\"");
	buf_puts(b, verb);
	buf_puts(b, "\",");
	put_str(b, subid);
	if (text != NULL) {
		buf_putc(b, ',');
		put_str(b, text);
	}
	buf_putc(b, ']');
}

void
msg_eose(struct buf *b, const char *subid)
{
	sub_msg(b, "EOSE", subid, NULL);
}

void
msg_closed(struct buf *b, const char *subid, const char *reason)
{
	sub_msg(b, "CLOSED", subid, reason);
}

void
msg_neg_err(struct buf *b, const char *subid, const char *reason)
{
	sub_msg(b, "NEG-ERR", subid, reason);
}

void
msg_notice(struct buf *b, const char *text)
{
	buf_puts(b, "[\"NOTICE\",");
	put_str(b, text);
	buf_putc(b, ']');
}

void
msg_auth_challenge(struct buf *b, const char *challenge)
{
	buf_puts(b, "[\"AUTH\",");
	put_str(b, challenge);
	buf_putc(b, ']');
}

void
msg_auth_proof(struct buf *b, const char *challenge, const char *proof,
    size_t len)
{
	buf_puts(b, "[\"AUTH\",");
	put_str(b, challenge);
	buf_putc(b, ',');
	buf_append(b, proof, len);
	buf_putc(b, ']');
}

void
msg_count(struct buf *b, const char *subid, uint64_t n)
{
	buf_puts(b, "[\"COUNT\",");
	put_str(b, subid);
	buf_puts(b, ",{\"count\":");
	buf_u64(b, n);
	buf_puts(b, "}]");
}

void
msg_count_hll(struct buf *b, const char *subid, uint64_t n,
    const uint8_t reg[256])
{
	buf_puts(b, "[\"COUNT\",");
	put_str(b, subid);
	buf_puts(b, ",{\"count\":");
	buf_u64(b, n);
	buf_puts(b, ",\"hll\":\"");
	buf_hex(b, reg, 256);
	buf_puts(b, "\"}]");
}

/* --- client to relay ---------------------------------------------------- */

void
msg_publish(struct buf *b, const char *json, size_t len)
{
	buf_puts(b, "[\"EVENT\",");
	buf_append(b, json, len);
	buf_putc(b, ']');
}

void
msg_auth(struct buf *b, const char *json, size_t len)
{
	buf_puts(b, "[\"AUTH\",");
	buf_append(b, json, len);
	buf_putc(b, ']');
}

static void
filters_msg(struct buf *b, const char *verb, const char *subid,
    const struct filter *f, size_t n)
{
	size_t	 i;

	buf_puts(b, "[\"");
	buf_puts(b, verb);
	buf_puts(b, "\",");
	put_str(b, subid);
	for (i = 0; i < n; i++) {
		buf_putc(b, ',');
		filter_write_json(&f[i], b);
	}
	buf_putc(b, ']');
}

void
msg_req(struct buf *b, const char *subid, const struct filter *f, size_t n)
{
	filters_msg(b, "REQ", subid, f, n);
}

void
msg_count_req(struct buf *b, const char *subid, const struct filter *f,
    size_t n)
{
	filters_msg(b, "COUNT", subid, f, n);
}

void
msg_close(struct buf *b, const char *subid)
{
	sub_msg(b, "CLOSE", subid, NULL);
}

void
msg_neg_open(struct buf *b, const char *subid, const struct filter *f,
    const uint8_t *p, size_t n)
{
	buf_puts(b, "[\"NEG-OPEN\",");
	put_str(b, subid);
	buf_putc(b, ',');
	filter_write_json(f, b);
	buf_puts(b, ",\"");
	buf_hex(b, p, n);
	buf_puts(b, "\"]");
}

void
msg_neg_msg(struct buf *b, const char *subid, const uint8_t *p, size_t n)
{
	buf_puts(b, "[\"NEG-MSG\",");
	put_str(b, subid);
	buf_puts(b, ",\"");
	buf_hex(b, p, n);
	buf_puts(b, "\"]");
}

void
msg_neg_close(struct buf *b, const char *subid)
{
	sub_msg(b, "NEG-CLOSE", subid, NULL);
}
