/*
 * message.c: NIP-01 message framing.  The verb and, for EVENT, the raw
 * event object are found with the strict scanner of json.c (so the event's
 * bytes reach ingest untouched); the other messages are small and go
 * through jansson.  Pure.
 */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "message.h"

static const struct {
	const char	*name;
	enum msg_verb	 verb;
} verbs[] = {
	{ "EVENT", MSG_EVENT },
	{ "REQ", MSG_REQ },
	{ "CLOSE", MSG_CLOSE },
	{ "COUNT", MSG_COUNT },
	{ "AUTH", MSG_AUTH },
	{ "NEG-OPEN", MSG_NEG_OPEN },
	{ "NEG-MSG", MSG_NEG_MSG },
	{ "NEG-CLOSE", MSG_NEG_CLOSE },
};

static enum err
parse_subid(json_t *v, size_t max, struct msg *m)
{
	size_t	 n;

	if (!json_is_string(v))
		return ERR_FILTER;
	n = json_string_length(v);
	if (n == 0 || n > max || n >= sizeof(m->subid) ||
	    memchr(json_string_value(v), '\0', n) != NULL)
		return ERR_FILTER;
	memcpy(m->subid, json_string_value(v), n);
	m->subid[n] = '\0';
	return ERR_OK;
}

enum err
msg_parse(const char *buf, size_t len, size_t max_subid, struct msg *m)
{
	const char *p, *end = buf + len, *vp, *q;
	size_t	 vlen, i;
	bool	 esc;
	char	 vbuf[32];
	json_error_t je;
	enum err e;

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
	if (vlen >= sizeof(vbuf))
		vlen = sizeof(vbuf) - 1;
	if (q - p > (ptrdiff_t)sizeof(vbuf))
		vlen = 0;
	else if (json_str(p, end, vbuf, &vp, &vlen, &esc, &q) != ERR_OK)
		return ERR_JSON;
	else if (vp != vbuf)
		memcpy(vbuf, vp, vlen);
	vbuf[vlen] = '\0';
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(vbuf, verbs[i].name) == 0)
			m->verb = verbs[i].verb;
	snprintf(m->verb_text, sizeof(m->verb_text), "%s", vbuf);

	if (m->verb == MSG_EVENT || m->verb == MSG_AUTH) {
		/* ["EVENT", {...}]: keep the object's bytes as they are. */
		p = json_ws(q, end);
		if (p >= end || *p != ',')
			return ERR_JSON;
		p = json_ws(p + 1, end);
		m->event = p;
		/* Its contents are ingest's to judge, so it can answer OK. */
		if ((e = json_skip_loose(p, end, &q)) != ERR_OK)
			return ERR_JSON;
		m->eventlen = (size_t)(q - p);
		p = json_ws(q, end);
		if (p >= end || *p != ']' || json_ws(p + 1, end) != end)
			return ERR_JSON;
		return ERR_OK;
	}
	if ((m->root = json_loadb(buf, len, JSON_ALLOW_NUL, &je)) == NULL)
		return ERR_JSON;
	if (!json_is_array(m->root)) {
		msg_free(m);
		return ERR_JSON;
	}
	if (m->verb == MSG_UNKNOWN)
		return ERR_USAGE;
	if (json_array_size(m->root) < 2 ||
	    parse_subid(json_array_get(m->root, 1), max_subid, m) != ERR_OK)
		return ERR_FILTER;
	switch (m->verb) {
	case MSG_REQ:
	case MSG_COUNT:
		m->nfilters = json_array_size(m->root) - 2;
		for (i = 0; i < m->nfilters; i++)
			if (!json_is_object(json_array_get(m->root, i + 2)))
				return ERR_FILTER;
		break;
	case MSG_CLOSE:
		if (json_array_size(m->root) != 2)
			return ERR_FILTER;
		break;
	default:
		break;
	}
	return ERR_OK;
}

void
msg_free(struct msg *m)
{
	if (m->root != NULL)
		json_decref(m->root);
	m->root = NULL;
}

const json_t *
msg_filter(const struct msg *m, size_t i)
{
	return json_array_get(m->root, i + 2);
}

void
msg_ok(struct buf *b, const uint8_t id[32], bool ok, const char *reason)
{
	buf_puts(b, "[\"OK\",\"");
	buf_hex(b, id, 32);
	buf_puts(b, ok ? "\",true," : "\",false,");
	buf_json_str(b, reason, strlen(reason));
	buf_putc(b, ']');
}

void
msg_event(struct buf *b, const char *subid, const char *json, size_t len)
{
	buf_puts(b, "[\"EVENT\",");
	buf_json_str(b, subid, strlen(subid));
	buf_putc(b, ',');
	buf_append(b, json, len);
	buf_putc(b, ']');
}

void
msg_eose(struct buf *b, const char *subid)
{
	buf_puts(b, "[\"EOSE\",");
	buf_json_str(b, subid, strlen(subid));
	buf_putc(b, ']');
}

void
msg_closed(struct buf *b, const char *subid, const char *reason)
{
	buf_puts(b, "[\"CLOSED\",");
	buf_json_str(b, subid, strlen(subid));
	buf_putc(b, ',');
	buf_json_str(b, reason, strlen(reason));
	buf_putc(b, ']');
}

void
msg_notice(struct buf *b, const char *text)
{
	buf_puts(b, "[\"NOTICE\",");
	buf_json_str(b, text, strlen(text));
	buf_putc(b, ']');
}

void
msg_count(struct buf *b, const char *subid, uint64_t n)
{
	buf_puts(b, "[\"COUNT\",");
	buf_json_str(b, subid, strlen(subid));
	buf_puts(b, ",{\"count\":");
	buf_u64(b, n);
	buf_puts(b, "}]");
}

void
msg_count_hll(struct buf *b, const char *subid, uint64_t n,
    const uint8_t reg[256])
{
	buf_puts(b, "[\"COUNT\",");
	buf_json_str(b, subid, strlen(subid));
	buf_puts(b, ",{\"count\":");
	buf_u64(b, n);
	buf_puts(b, ",\"hll\":\"");
	buf_hex(b, reg, 256);
	buf_puts(b, "\"}]");
}

const char *
msg_reason(enum err e, char *buf, size_t sz)
{
	return err_reason(e, buf, sz);
}
