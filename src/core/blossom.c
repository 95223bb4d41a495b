/*
 * blossom.c: the Blossom wire formats (blossom.h).  A token from the
 * network is decoded here into JSON, which the caller sends through the
 * one ingest path (parse, recomputed id, signature) before the BUD-11
 * rules here look at it; nothing here trusts a byte of it.  Addresses
 * are parsed by hand (the core includes no socket headers).  Pure.
 */
#include <string.h>
#include <strings.h>

#include "b64.h"
#include "blobref.h"
#include "blossom.h"
#include "hex.h"
#include "url.h"

static const char *const verb_names[] = {
	[BLOSSOM_GET] = "get", [BLOSSOM_UPLOAD] = "upload",
	[BLOSSOM_LIST] = "list", [BLOSSOM_DELETE] = "delete",
	[BLOSSOM_MEDIA] = "media",
};

const char *
blossom_verb_name(enum blossom_verb v)
{
	return (unsigned)v < sizeof(verb_names) / sizeof(verb_names[0]) ?
	    verb_names[v] : "?";
}

enum err
blossom_auth_decode(const char *hdr, size_t n, struct buf *json)
{
	uint8_t	 raw[BLOSSOM_AUTH_MAX];
	size_t	 got;

	buf_reset(json);
	if (n == 0)
		return ERR_BLOB_AUTH_MISSING;
	/* The scheme is case-insensitive (RFC 9110); one space or more. */
	if (n < 7 || (hdr[0] != 'N' && hdr[0] != 'n') ||
	    strncasecmp(hdr, "nostr", 5) != 0 || hdr[5] != ' ')
		return ERR_BLOB_AUTH_FORMAT;
	hdr += 5;
	n -= 5;
	while (n > 0 && *hdr == ' ') {
		hdr++;
		n--;
	}
	while (n > 0 && hdr[n - 1] == ' ')
		n--;
	got = b64_decode(hdr, n, raw, sizeof(raw), false);
	if (got == (size_t)-1 || got == 0)
		return ERR_BLOB_AUTH_FORMAT;
	buf_append(json, raw, got);
	return json->err ? ERR_NOMEM : ERR_OK;
}

static bool
str_is(struct str s, const char *lit)
{
	size_t	 n = strlen(lit);

	return s.n == n && memcmp(s.p, lit, n) == 0;
}

/* A decimal u64 of 1 to 19 digits. */
static bool
str_u64(struct str s, uint64_t *v)
{
	size_t	 i;

	if (s.n == 0 || s.n > 19)
		return false;
	*v = 0;
	for (i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		*v = *v * 10 + (uint64_t)(s.p[i] - '0');
	}
	return true;
}

/* host[:port] or [v6][:port] of a Host header, without the port. */
static bool
host_is(struct str server, const char *host)
{
	struct url u;
	size_t	 i;

	if (host == NULL || url_authority(host, strlen(host), 80, &u) != 0 ||
	    server.n != strlen(u.host))
		return false;
	for (i = 0; i < server.n; i++) {
		char	 c = server.p[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != u.host[i])
			return false;
	}
	return true;
}

enum err
blossom_auth_rules(const struct event *ev, enum blossom_verb verb,
    const char *host, uint64_t now, struct blossom_auth *out)
{
	struct blossom_auth a;
	uint64_t exp = 0;
	bool	 have_exp = false, verb_ok = false, servers = false,
		 server_ok = false;
	size_t	 i;

	if (ev->kind != BLOSSOM_KIND)
		return ERR_BLOB_AUTH_KIND;
	if (ev->created_at > now + BLOSSOM_AUTH_SKEW)
		return ERR_BLOB_AUTH_FUTURE;
	memset(&a, 0, sizeof(a));
	memcpy(a.pubkey, ev->pubkey, 32);
	for (i = 0; i < ev->ntags; i++) {
		const struct tag *t = &ev->tags[i];

		if (t->n < 2)
			continue;
		if (str_is(t->v[0], "expiration")) {
			if (!have_exp && str_u64(t->v[1], &exp))
				have_exp = true;
		} else if (str_is(t->v[0], "t")) {
			if (str_is(t->v[1], blossom_verb_name(verb)))
				verb_ok = true;
		} else if (str_is(t->v[0], "server")) {
			servers = true;
			if (host_is(t->v[1], host))
				server_ok = true;
		} else if (str_is(t->v[0], "x") && a.nx < BLOSSOM_AUTH_X_MAX &&
		    hex_decode(t->v[1].p, t->v[1].n, a.x[a.nx], 32))
			a.nx++;
	}
	if (!have_exp)
		return ERR_BLOB_AUTH_NO_EXPIRY;
	if (exp <= now)
		return ERR_EXPIRED;
	if (!verb_ok)
		return ERR_BLOB_AUTH_VERB;
	if (servers && !server_ok)
		return ERR_BLOB_AUTH_SERVER;
	a.expiration = exp;
	*out = a;
	return ERR_OK;
}

bool
blossom_auth_names(const struct blossom_auth *a, const uint8_t hash[32])
{
	size_t	 i;

	for (i = 0; i < a->nx; i++)
		if (memcmp(a->x[i], hash, 32) == 0)
			return true;
	return false;
}

enum err
blossom_auth_make(const uint8_t sk[32], enum blossom_verb verb,
    const uint8_t *hash, uint64_t now, uint64_t ttl, struct buf *out)
{
	struct event ev;
	struct tag tags[3];
	struct str v[3][2];
	char	 exp[24], hex[65];
	struct buf tmp, json;
	size_t	 nt = 0;
	enum err e;

	memset(&ev, 0, sizeof(ev));
	v[0][0] = (struct str){ "t", 1 };
	v[0][1] = (struct str){ blossom_verb_name(verb),
	    strlen(blossom_verb_name(verb)) };
	tags[nt++] = (struct tag){ v[0], 2 };
	buf_init(&tmp, 0);
	buf_init(&json, 0);
	buf_u64(&tmp, now + ttl);
	memcpy(exp, tmp.p, tmp.len < sizeof(exp) - 1 ? tmp.len :
	    sizeof(exp) - 1);
	exp[tmp.len < sizeof(exp) - 1 ? tmp.len : sizeof(exp) - 1] = '\0';
	buf_reset(&tmp);
	v[1][0] = (struct str){ "expiration", 10 };
	v[1][1] = (struct str){ exp, strlen(exp) };
	tags[nt++] = (struct tag){ v[1], 2 };
	if (hash != NULL) {
		hex_encode(hash, 32, hex);
		v[2][0] = (struct str){ "x", 1 };
		v[2][1] = (struct str){ hex, 64 };
		tags[nt++] = (struct tag){ v[2], 2 };
	}
	ev.created_at = now;
	ev.kind = BLOSSOM_KIND;
	ev.tags = tags;
	ev.ntags = nt;
	ev.content = (struct str){ "samizdat node", 13 };
	if ((e = event_sign(&ev, sk, &tmp)) == ERR_OK) {
		event_write_json(&ev, &json);
		buf_puts(out, "Nostr ");
		b64_encode(out, (const uint8_t *)json.p, json.len, true);
		if (json.err || out->err)
			e = ERR_NOMEM;
	}
	buf_free(&tmp);
	buf_free(&json);
	return e;
}

bool
blossom_path_hash(const char *path, uint8_t hash[32])
{
	size_t	 n, i;

	if (path == NULL || path[0] != '/')
		return false;
	n = strlen(path + 1);
	if (n < 64 || (n > 64 && (path[65] != '.' || n == 65 || n > 75)))
		return false;
	for (i = 65; i < n; i++) {
		char	 c = path[1 + i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9')))
			return false;
	}
	return hex_decode(path + 1, 64, hash, 32);
}

/* Appends the JSON string base/<hex>.<ext>. */
static void
url_json(struct buf *b, const char *base, const char *hex, const char *ext)
{
	struct buf u;

	buf_init(&u, 4096);
	buf_printf(&u, "%s/%s.%s", base, hex, ext);
	if (u.err)
		b->err = true;
	else
		buf_json_str(b, u.p, u.len);
	buf_free(&u);
}

void
blossom_descriptor(struct buf *b, const char *base, const uint8_t hash[32],
    uint64_t size, enum media_type type, uint64_t uploaded,
    const struct blossom_nip94 *n94)
{
	char	 hex[65], ohex[65];
	const char *ext = media_ext(type), *mime = media_mime(type);

	hex_encode(hash, 32, hex);
	buf_puts(b, "{\"url\":");
	url_json(b, base, hex, ext);
	buf_printf(b, ",\"sha256\":\"%s\",\"size\":%llu,\"type\":\"%s\","
	    "\"uploaded\":%llu", hex, (unsigned long long)size, mime,
	    (unsigned long long)uploaded);
	if (n94 != NULL) {
		buf_puts(b, ",\"nip94\":[[\"url\",");
		url_json(b, n94->public_base != NULL ? n94->public_base : base,
		    hex, ext);
		buf_printf(b, "],[\"m\",\"%s\"],[\"x\",\"%s\"],"
		    "[\"size\",\"%llu\"]", mime, hex, (unsigned long long)size);
		if (n94->width > 0 && n94->height > 0)
			buf_printf(b, ",[\"dim\",\"%ux%u\"]", n94->width,
			    n94->height);
		if (n94->ox != NULL) {
			hex_encode(n94->ox, 32, ohex);
			buf_printf(b, ",[\"ox\",\"%s\"]", ohex);
		}
		buf_putc(b, ']');
	}
	buf_putc(b, '}');
}

/* One "key value" field; false if it does not fit. */
static bool
field(char f[BLOSSOM_IMETA_LEN], const char *key, const char *val)
{
	size_t	 k = strlen(key), v = strlen(val);

	if (k + 1 + v + 1 > BLOSSOM_IMETA_LEN)
		return false;
	memcpy(f, key, k);
	f[k] = ' ';
	memcpy(f + k + 1, val, v + 1);
	return true;
}

size_t
blossom_imeta(const struct blossom_imeta *m, char f[][BLOSSOM_IMETA_LEN])
{
	char	 hex[65], num[48];
	size_t	 n = 0;

	if (m->url == NULL || !field(f[n++], "url", m->url) ||
	    !field(f[n++], "m", media_mime(m->type)))
		return 0;
	hex_encode(m->x, 32, hex);
	if (!field(f[n++], "x", hex))
		return 0;
	if (m->ox != NULL) {
		hex_encode(m->ox, 32, hex);
		if (!field(f[n++], "ox", hex))
			return 0;
	}
	{
		struct buf b;

		buf_init(&b, sizeof(num));
		buf_u64(&b, m->size);
		memcpy(num, b.p, b.len + 1);
		buf_free(&b);
	}
	if (!field(f[n++], "size", num))
		return 0;
	if (m->width > 0 && m->height > 0) {
		struct buf b;

		buf_init(&b, sizeof(num));
		buf_printf(&b, "%ux%u", m->width, m->height);
		memcpy(num, b.p, b.len + 1);
		buf_free(&b);
		if (!field(f[n++], "dim", num))
			return 0;
	}
	if (m->thumb != NULL && !field(f[n++], "thumb", m->thumb))
		return 0;
	if (m->alt != NULL && m->alt[0] != '\0' &&
	    !field(f[n++], "alt", m->alt))
		return 0;
	return n;
}

/* Dotted quad into 4 bytes. */
static bool
parse_v4(const char *s, uint8_t a[4])
{
	unsigned v;
	int	 k, digits;

	for (k = 0; k < 4; k++) {
		v = 0;
		digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return false;
		a[k] = (uint8_t)v;
		if (k < 3 && *s++ != '.')
			return false;
	}
	return *s == '\0';
}

/* An IPv6 literal (no brackets; a %zone is dropped) into 16 bytes. */
static bool
parse_v6(const char *s, uint8_t a[16])
{
	uint16_t g[8];
	int	 n = 0, gap = -1, k, d, v;
	size_t	 len;
	char	 tmp[64];
	const char *pct = strchr(s, '%');

	len = pct != NULL ? (size_t)(pct - s) : strlen(s);
	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	s = tmp;
	if (s[0] == ':' && s[1] == ':') {
		gap = 0;
		s += 2;
	} else if (s[0] == ':')
		return false;
	while (*s != '\0') {
		if (n == 8)
			return false;
		/* An IPv4 tail: the last 32 bits. */
		if (strchr(s, '.') != NULL && strchr(s, ':') == NULL) {
			uint8_t	 q[4];

			if (n > 6 || !parse_v4(s, q))
				return false;
			g[n++] = (uint16_t)(q[0] << 8 | q[1]);
			g[n++] = (uint16_t)(q[2] << 8 | q[3]);
			break;
		}
		v = 0;
		for (d = 0; d < 4 && (k = hex_value(*s)) >= 0; d++, s++)
			v = v << 4 | k;
		if (d == 0)
			return false;
		g[n++] = (uint16_t)v;
		if (*s == '\0')
			break;
		if (*s++ != ':')
			return false;
		if (*s == ':') {
			if (gap >= 0)
				return false;
			gap = n;
			s++;
		} else if (*s == '\0')
			return false;
	}
	if ((gap < 0 && n != 8) || (gap >= 0 && n > 7))
		return false;
	memset(a, 0, 16);
	for (k = 0; k < n; k++) {
		int	 at = gap >= 0 && k >= gap ? k + (8 - n) : k;

		a[2 * at] = (uint8_t)(g[k] >> 8);
		a[2 * at + 1] = (uint8_t)g[k];
	}
	return true;
}

static bool
v4_local(const uint8_t a[4])
{
	return a[0] == 127 || a[0] == 10 || (a[0] == 172 &&
	    (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
	    (a[0] == 169 && a[1] == 254);
}

bool
blossom_addr_literal(const char *host)
{
	uint8_t	 a[16];

	return strcmp(host, "localhost") == 0 || parse_v4(host, a) ||
	    parse_v6(host, a);
}

bool
blossom_addr_local(const char *host)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	static const uint8_t one[16] = { [15] = 1 };
	uint8_t	 a[16];

	if (strcmp(host, "localhost") == 0)
		return true;
	if (parse_v4(host, a))
		return v4_local(a);
	if (!parse_v6(host, a))
		return false;
	if (memcmp(a, mapped, 12) == 0)
		return v4_local(a + 12);
	return memcmp(a, one, 16) == 0 || (a[0] & 0xfe) == 0xfc ||
	    (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
}

enum err
blossom_mirror_url(const char *url, size_t n, bool peer_ok, char host[256],
    uint16_t *port, bool *tls, char path[1024], uint8_t hash[32])
{
	struct url u;
	const char *a, *p;

	if (n == 0 || n >= 1024 || memchr(url, '\0', n) != NULL ||
	    url_parse(url, n, &u) != 0 ||
	    (strcmp(u.scheme, "http") != 0 && strcmp(u.scheme, "https") != 0))
		return ERR_BLOB_MIRROR_URL;
	if (!blossom_addr_literal(u.host) ||
	    (!peer_ok && !blossom_addr_local(u.host)))
		return ERR_BLOB_MIRROR_URL;
	a = url + strlen(u.scheme) + 3;
	for (p = a; p < url + n && *p != '/'; p++)
		if (*p == '?' || *p == '#')
			return ERR_BLOB_MIRROR_URL;
	if (p == url + n || !blobref_url_hash(p, (size_t)(url + n - p), false,
	    hash))
		return ERR_BLOB_MIRROR_URL;
	for (a = p; a < url + n; a++)
		if ((unsigned char)*a <= ' ' || (unsigned char)*a >= 0x7f)
			return ERR_BLOB_MIRROR_URL;
	memcpy(host, u.host, strlen(u.host) + 1);
	*port = u.port;
	*tls = strcmp(u.scheme, "https") == 0;
	memcpy(path, p, (size_t)(url + n - p));
	path[url + n - p] = '\0';
	return ERR_OK;
}
