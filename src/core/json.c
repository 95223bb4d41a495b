/*
 * json.c: the strict JSON scanner of json.h.  RFC 8259 grammar; strings must
 * be valid UTF-8 both as raw bytes and after unescaping, because different
 * parsers repair bad UTF-8 differently and the event id would then depend on
 * the parser.  Pure.
 */
#include <string.h>

#include "hex.h"
#include "json.h"

static enum err json_skip_depth(const char *, const char *, int, bool,
    const char **);

size_t
json_rtrim(const char *p, size_t n)
{
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r' ||
	    p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n;
}

const char *
json_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

/*
 * Length of the UTF-8 sequence at p, or 0 if it is invalid (overlong,
 * surrogate, beyond U+10FFFF, truncated).
 */
static size_t
utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		if (end - p < 2 || (p[1] & 0xc0) != 0x80)
			return 0;
		return 2;
	}
	if (c >= 0xe0 && c <= 0xef) {
		if (end - p < 3 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0)
			return 0;		/* overlong */
		if (c == 0xed && p[1] >= 0xa0)
			return 0;		/* UTF-16 surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (end - p < 4 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90)
			return 0;		/* overlong */
		if (c == 0xf4 && p[1] >= 0x90)
			return 0;		/* > U+10FFFF */
		return 4;
	}
	return 0;
}

bool
json_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t	 l;

	while (p < end) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((l = utf8_seq(p, end)) == 0)
			return false;
		p += l;
	}
	return true;
}

static bool
read_u4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;
	int	 i, d;

	if (end - p < 4)
		return false;
	for (i = 0; i < 4; i++) {
		if ((d = hex_value(p[i])) < 0)
			return false;
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return true;
}

static size_t
utf8_put(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * One pass: validate, and when out != NULL and an escape is met, decode the
 * whole string into out.  First a fast scan for the closing quote with no
 * escape; most strings end there.
 */
enum err
json_str(const char *p, const char *end, char *out, const char **outp,
    size_t *outlen, bool *escaped, const char **next)
{
	const unsigned char *s, *e = (const unsigned char *)end;
	size_t	 o = 0, l;
	unsigned cp, lo;

	if (p >= end || *p != '"')
		return ERR_JSON;
	s = (const unsigned char *)p + 1;
	/* Fast path: no escapes. */
	for (;;) {
		if (s >= e)
			return ERR_JSON;
		if (*s == '"') {
			if (outp != NULL)
				*outp = p + 1;
			if (outlen != NULL)
				*outlen = (size_t)((const char *)s - (p + 1));
			if (escaped != NULL)
				*escaped = false;
			*next = (const char *)s + 1;
			return ERR_OK;
		}
		if (*s == '\\')
			break;
		if (*s < 0x20)
			return ERR_JSON;
		if (*s < 0x80) {
			s++;
			continue;
		}
		if ((l = utf8_seq(s, e)) == 0)
			return ERR_UTF8;
		s += l;
	}
	/* Slow path: copy what was scanned, then decode escapes. */
	o = (size_t)((const char *)s - (p + 1));
	if (out != NULL)
		memcpy(out, p + 1, o);
	while (s < e) {
		if (*s == '"') {
			if (outp != NULL)
				*outp = out;
			if (outlen != NULL)
				*outlen = o;
			if (escaped != NULL)
				*escaped = true;
			*next = (const char *)s + 1;
			return ERR_OK;
		}
		if (*s < 0x20)
			return ERR_JSON;
		if (*s != '\\') {
			if (*s < 0x80)
				l = 1;
			else if ((l = utf8_seq(s, e)) == 0)
				return ERR_UTF8;
			if (out != NULL)
				memcpy(out + o, s, l);
			o += l;
			s += l;
			continue;
		}
		if (++s >= e)
			return ERR_JSON;
		switch (*s) {
		case '"': cp = '"'; break;
		case '\\': cp = '\\'; break;
		case '/': cp = '/'; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (!read_u4((const char *)s + 1, end, &cp))
				return ERR_JSON;
			s += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return ERR_UTF8;	/* lone low surrogate */
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (e - s < 7 || s[1] != '\\' || s[2] != 'u' ||
				    !read_u4((const char *)s + 3, end, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff)
					return ERR_UTF8;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				s += 6;
			}
			break;
		default:
			return ERR_JSON;
		}
		s++;
		if (out != NULL)
			o += utf8_put(out + o, cp);
		else
			o += 4;
	}
	return ERR_JSON;
}

enum err
json_u64(const char *p, const char *end, uint64_t max, enum err range_err,
    uint64_t *out, const char **next)
{
	uint64_t v = 0;
	const char *s = p;

	if (s >= end)
		return ERR_JSON;
	if (*s == '-') {
		/* A valid negative number is a range error, not bad JSON. */
		if (json_skip(p, end, next) != ERR_OK)
			return ERR_JSON;
		return range_err;
	}
	if (*s < '0' || *s > '9')
		return ERR_JSON;
	if (*s == '0' && s + 1 < end && s[1] >= '0' && s[1] <= '9')
		return ERR_JSON;		/* leading zero */
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (d > max || v > (max - d) / 10)
			return range_err;	/* max - d must not wrap */
		v = v * 10 + d;
	}
	if (s < end && (*s == '.' || *s == 'e' || *s == 'E'))
		return range_err;		/* 1.5 or 1e9: not an integer */
	*out = v;
	*next = s;
	return ERR_OK;
}

static enum err
json_skip_number(const char *p, const char *end, const char **next)
{
	const char *s = p;

	if (s < end && *s == '-')
		s++;
	if (s >= end)
		return ERR_JSON;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (s < end && *s >= '0' && *s <= '9')
			s++;
	else
		return ERR_JSON;
	if (s < end && *s == '.') {
		s++;
		if (s >= end || *s < '0' || *s > '9')
			return ERR_JSON;
		while (s < end && *s >= '0' && *s <= '9')
			s++;
	}
	if (s < end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < end && (*s == '+' || *s == '-'))
			s++;
		if (s >= end || *s < '0' || *s > '9')
			return ERR_JSON;
		while (s < end && *s >= '0' && *s <= '9')
			s++;
	}
	*next = s;
	return ERR_OK;
}

static enum err
json_skip_lit(const char *p, const char *end, const char *lit,
    const char **next)
{
	size_t	 n = strlen(lit);

	if ((size_t)(end - p) < n || memcmp(p, lit, n) != 0)
		return ERR_JSON;
	*next = p + n;
	return ERR_OK;
}

/* A string's extent only: its bytes and escapes are not checked. */
static enum err
json_str_loose(const char *p, const char *end, const char **next)
{
	if (p >= end || *p != '"')
		return ERR_JSON;
	for (p++; p < end; p++) {
		if (*p == '\\') {
			p++;
			continue;
		}
		if (*p == '"') {
			*next = p + 1;
			return ERR_OK;
		}
	}
	return ERR_JSON;
}

static enum err
json_key(const char *p, const char *end, bool strict, const char **next)
{
	if (strict)
		return json_str(p, end, NULL, NULL, NULL, NULL, next);
	return json_str_loose(p, end, next);
}

static enum err
json_skip_depth(const char *p, const char *end, int depth, bool strict,
    const char **next)
{
	enum err e;
	char	 close;

	if (p >= end)
		return ERR_JSON;
	switch (*p) {
	case '"':
		return json_key(p, end, strict, next);
	case 't':
		return json_skip_lit(p, end, "true", next);
	case 'f':
		return json_skip_lit(p, end, "false", next);
	case 'n':
		return json_skip_lit(p, end, "null", next);
	case '[':
	case '{':
		break;
	default:
		return json_skip_number(p, end, next);
	}
	if (depth >= JSON_MAX_DEPTH)
		return ERR_JSON;
	close = *p == '[' ? ']' : '}';
	p = json_ws(p + 1, end);
	if (p < end && *p == close) {
		*next = p + 1;
		return ERR_OK;
	}
	for (;;) {
		if (close == '}') {
			if ((e = json_key(p, end, strict, &p)) != ERR_OK)
				return e;
			p = json_ws(p, end);
			if (p >= end || *p != ':')
				return ERR_JSON;
			p = json_ws(p + 1, end);
		}
		if ((e = json_skip_depth(p, end, depth + 1, strict, &p)) !=
		    ERR_OK)
			return e;
		p = json_ws(p, end);
		if (p >= end)
			return ERR_JSON;
		if (*p == close) {
			*next = p + 1;
			return ERR_OK;
		}
		if (*p != ',')
			return ERR_JSON;
		p = json_ws(p + 1, end);
	}
}

enum err
json_skip(const char *p, const char *end, const char **next)
{
	return json_skip_depth(p, end, 0, true, next);
}

enum err
json_skip_loose(const char *p, const char *end, const char **next)
{
	return json_skip_depth(p, end, 0, false, next);
}

enum err
json_array_at(const char *p, const char *end, size_t i, const char **start,
    const char **stop)
{
	const char *q;
	size_t	 k;

	p = json_ws(p, end);
	if (p >= end || *p != '[')
		return ERR_JSON;
	p = json_ws(p + 1, end);
	for (k = 0;; k++) {
		if (json_skip_loose(p, end, &q) != ERR_OK)
			return ERR_JSON;
		if (k == i) {
			*start = p;
			*stop = q;
			return ERR_OK;
		}
		p = json_ws(q, end);
		if (p >= end || *p != ',')
			return ERR_JSON;
		p = json_ws(p + 1, end);
	}
}

bool
json_find_hex_field(const char *p, const char *end, const char *key,
    uint8_t *out, size_t n)
{
	const char *k, *q;
	size_t	 klen = strlen(key), i;

	p = json_ws(p, end);
	if (p >= end || *p != '{')
		return false;
	p = json_ws(p + 1, end);
	while (p < end && *p == '"') {
		k = p + 1;
		if (json_str_loose(p, end, &p) != ERR_OK)
			return false;
		q = json_ws(p, end);
		if (q >= end || *q != ':')
			return false;
		q = json_ws(q + 1, end);
		if ((size_t)(p - k) == klen + 1 && memcmp(k, key, klen) == 0 &&
		    q < end && *q == '"' && (size_t)(end - q) > 2 * n + 1 &&
		    q[2 * n + 1] == '"') {
			for (i = 0; i < 2 * n; i++)
				if (!((q[1 + i] >= '0' && q[1 + i] <= '9') ||
				    (q[1 + i] >= 'a' && q[1 + i] <= 'f')))
					return false;
			for (i = 0; i < n; i++) {
				int hi = q[1 + 2 * i], lo = q[2 + 2 * i];

				hi = hi <= '9' ? hi - '0' : hi - 'a' + 10;
				lo = lo <= '9' ? lo - '0' : lo - 'a' + 10;
				out[i] = (uint8_t)(hi << 4 | lo);
			}
			return true;
		}
		if (json_skip_loose(q, end, &p) != ERR_OK)
			return false;
		p = json_ws(p, end);
		if (p < end && *p == ',')
			p = json_ws(p + 1, end);
	}
	return false;
}
