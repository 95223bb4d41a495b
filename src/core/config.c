/*
 * config.c: the samizdat.conf parser, driven by the CONFIG_MAP table of
 * config.h (config_doc.c prints the config, the NIP-11 limitation object
 * and the man page from the same table).  The parser takes bytes
 * (config_load_buf) and treats them as hostile: every value is checked for
 * length, range and form before anything is written, errors name the file
 * and line as httpd's parse.y does, and the result is all or nothing.
 * Pure: os/config_file.c reads the file.  Callers: cmd_serve.c (samizdat
 * serve, -n), test/unit/test-config.c, fuzz/fuzz-config.c and
 * test/tools/confdoc.c.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "config_int.h"
#include "json.h"

/* Longest value the file parser decodes; every key's limit is below it. */
#define CONFIG_VALUE_MAX	4096

#define CONFIG_COUNTOFF_UINT(key)	0
#define CONFIG_COUNTOFF_BOOL(key)	0
#define CONFIG_COUNTOFF_STR(key)	0
#define CONFIG_COUNTOFF_ADDR(key)	0
#define CONFIG_COUNTOFF_PUBKEY(key)	0
#define CONFIG_COUNTOFF_LIST(key)	offsetof(struct config, n##key)

const struct config_row config_rows[CONFIG_KEY__COUNT] = {
#define CONFIG_ROW(name, type, dflt, min, max, nip11, doc)		\
	{ #name, CONFIG_T_##type, dflt, min, max, nip11, doc,		\
	    offsetof(struct config, name), CONFIG_COUNTOFF_##type(name) },
	CONFIG_MAP(CONFIG_ROW)
#undef CONFIG_ROW
};

/* The table must describe values the parser can hold. */
#define CONFIG_STRMAX_UINT(max)		0
#define CONFIG_STRMAX_BOOL(max)		0
#define CONFIG_STRMAX_STR(max)		(max)
#define CONFIG_STRMAX_ADDR(max)		(max)
#define CONFIG_STRMAX_PUBKEY(max)	(max)
#define CONFIG_STRMAX_LIST(max)		(max)
#define CONFIG_ASSERT(name, type, dflt, min, max, nip11, doc)		\
	_Static_assert(CONFIG_STRMAX_##type(max) < CONFIG_VALUE_MAX &&	\
	    (min) <= (max), #name ": bad range in CONFIG_MAP");
CONFIG_MAP(CONFIG_ASSERT)
#undef CONFIG_ASSERT

static const struct config_row *row_find(const char *, size_t);
static bool	 is_ws(char);
static const char *show(const char *, size_t, char *, size_t);
static void	 seterr(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 parse_uint(const char *, size_t, uint64_t *);
static bool	 hostname_ok(const char *, size_t);
static const char *addr_parse(const char *, size_t, char *, size_t,
		    uint16_t *);
static bool	 peer_ok(const char *, size_t);
static void	 too_long(const struct config_row *, char *, size_t);
static int	 set_value(struct config *, const struct config_row *,
		    const char *, size_t, char *, size_t);
static int	 load_line(struct config *, size_t *, size_t, const char *,
		    const char *, char *, char *, size_t);

/* Field access by row: the only casts into struct config. */
static uint64_t *
uint_field(struct config *c, const struct config_row *r)
{
	return (uint64_t *)(void *)((char *)c + r->off);
}

uint64_t
config_uint_value(const struct config *c, const struct config_row *r)
{
	uint64_t v;

	memcpy(&v, (const char *)c + r->off, sizeof(v));
	return v;
}

static bool *
bool_field(struct config *c, const struct config_row *r)
{
	return (bool *)(void *)((char *)c + r->off);
}

bool
config_bool_value(const struct config *c, const struct config_row *r)
{
	return *((const char *)c + r->off) != 0;
}

/* String i of a row (i is 0 except for LIST keys). */
static char *
str_field(struct config *c, const struct config_row *r, size_t i)
{
	return (char *)c + r->off + i * (r->max + 1);
}

const char *
config_str_value(const struct config *c, const struct config_row *r, size_t i)
{
	return (const char *)c + r->off + i * (r->max + 1);
}

static size_t *
count_field(struct config *c, const struct config_row *r)
{
	return (size_t *)(void *)((char *)c + r->countoff);
}

/* Returns: how many strings a row holds: the count for LIST, else 1. */
size_t
config_count_value(const struct config *c, const struct config_row *r)
{
	size_t	 n;

	if (r->type != CONFIG_T_LIST)
		return 1;
	memcpy(&n, (const char *)c + r->countoff, sizeof(n));
	return n;
}

static const struct config_row *
row_find(const char *key, size_t n)
{
	size_t	 i;

	for (i = 0; i < CONFIG_KEY__COUNT; i++)
		if (strlen(config_rows[i].name) == n &&
		    memcmp(config_rows[i].name, key, n) == 0)
			return &config_rows[i];
	return NULL;
}

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * Copies hostile text into out for an error message: at most 40 bytes,
 * printable ASCII kept, anything else as '?', "..." when cut.
 * Returns: out.
 */
static const char *
show(const char *s, size_t n, char *out, size_t outsz)
{
	size_t	 i, k = 0, lim = 40;

	if (outsz < lim + 4)
		lim = outsz > 4 ? outsz - 4 : 0;
	for (i = 0; i < n && k < lim; i++) {
		unsigned char c = (unsigned char)s[i];

		out[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (i < n && outsz >= 4) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	if (outsz > 0)
		out[k < outsz ? k : outsz - 1] = '\0';
	return out;
}

static void
seterr(char *errbuf, size_t errsz, const char *fmt, ...)
{
	va_list	 ap;

	if (errbuf == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errsz, fmt, ap);
	va_end(ap);
}

/*
 * Decimal digits only: no sign, no spaces, no suffix.
 * Returns: 0 with *out set; -1 if s is not a number; -2 if it overflows.
 */
static int
parse_uint(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t	 i;
	int	 rc = 0;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			rc = -2;	/* keep going: "12x" is still not a number */
		else
			v = v * 10 + d;
	}
	if (rc == 0)
		*out = v;
	return rc;
}

/* A dotted IPv4 address, or labels of letters, digits and inner hyphens. */
static bool
hostname_ok(const char *h, size_t n)
{
	char	 tmp[16];
	struct in_addr in;
	size_t	 i, label = 0;
	bool	 numeric = true;

	if (n == 0 || n > 253)
		return false;
	for (i = 0; i < n; i++)
		if ((h[i] < '0' || h[i] > '9') && h[i] != '.')
			numeric = false;
	if (numeric) {
		if (n >= sizeof(tmp))
			return false;
		memcpy(tmp, h, n);
		tmp[n] = '\0';
		return inet_pton(AF_INET, tmp, &in) == 1;
	}
	for (i = 0; i <= n; i++) {
		char	 c = i < n ? h[i] : '.';

		if (c == '.') {
			if (label == 0 || label > 63 || h[i - 1] == '-')
				return false;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c == '-' && label > 0))
			label++;
		else
			return false;
	}
	return true;
}

/*
 * Splits "HOST:PORT" or "[IPV6]:PORT" (n bytes of s).  host may be NULL
 * to only check.
 * Returns: NULL on success, else what is wrong.
 */
static const char *
addr_parse(const char *s, size_t n, char *host, size_t hostsz,
    uint16_t *port)
{
	const char *h, *colon, *close;
	char	 tmp[INET6_ADDRSTRLEN + 1];
	struct in6_addr in6;
	size_t	 hn;
	uint64_t p;

	if (n > 0 && s[0] == '[') {
		if ((close = memchr(s, ']', n)) == NULL)
			return "missing ']' after the IPv6 address";
		h = s + 1;
		hn = (size_t)(close - h);
		if (hn == 0 || hn >= sizeof(tmp))
			return "the address in brackets is not an IPv6 address";
		memcpy(tmp, h, hn);
		tmp[hn] = '\0';
		if (inet_pton(AF_INET6, tmp, &in6) != 1)
			return "the address in brackets is not an IPv6 address";
		colon = close + 1;
		if (colon == s + n || *colon != ':')
			return "missing ':' and port after the address";
	} else {
		if ((colon = memrchr(s, ':', n)) == NULL)
			return "missing ':' and port after the address";
		h = s;
		hn = (size_t)(colon - s);
		if (memchr(h, ':', hn) != NULL)
			return "put an IPv6 address in brackets, as in [::]:4848";
		if (hn == 0)
			return "missing address before the port "
			    "(0.0.0.0 means every IPv4 address)";
		if (!hostname_ok(h, hn))
			return "the address is not an IPv4 address or host name";
	}
	colon++;
	if (parse_uint(colon, (size_t)(s + n - colon), &p) != 0 || p < 1 ||
	    p > 65535)
		return "the port must be a number from 1 to 65535";
	if (host != NULL) {
		if (hn >= hostsz)
			return "the address is too long";
		memcpy(host, h, hn);
		host[hn] = '\0';
	}
	if (port != NULL)
		*port = (uint16_t)p;
	return NULL;
}

int
config_addr_split(const char *addr, char *host, size_t hostsz,
    uint16_t *port)
{
	char	 h[256];
	uint16_t p;

	if (addr == NULL || addr_parse(addr, strlen(addr), h, sizeof(h), &p))
		return -1;
	if (strlen(h) >= hostsz)
		return -1;
	memcpy(host, h, strlen(h) + 1);
	*port = p;
	return 0;
}

/* A ws:// or wss:// URL with a host part and no spaces, or an absolute path. */
static bool
peer_ok(const char *v, size_t n)
{
	size_t	 skip;

	if (n > 0 && v[0] == '/')
		return true;
	if (n > 6 && memcmp(v, "wss://", 6) == 0)
		skip = 6;
	else if (n > 5 && memcmp(v, "ws://", 5) == 0)
		skip = 5;
	else
		return false;
	if (v[skip] == '/')
		return false;
	return memchr(v + skip, ' ', n - skip) == NULL;
}

static void
too_long(const struct config_row *r, char *msg, size_t msgsz)
{
	if (r->type == CONFIG_T_UINT || r->type == CONFIG_T_BOOL)
		seterr(msg, msgsz, "value too long for %s", r->name);
	else
		seterr(msg, msgsz, "value too long: %s takes at most %" PRIu64
		    " bytes", r->name, r->max);
}

/*
 * Checks v (n bytes) against row r and stores it in c; nothing is written
 * unless the value is good.
 * Returns: 0, or -1 with the reason in msg.
 */
static int
set_value(struct config *c, const struct config_row *r, const char *v,
    size_t n, char *msg, size_t msgsz)
{
	char		 sh[64];
	const char	*why;
	uint64_t	 u = 0;
	size_t		 i, slot = 0;
	int		 rc;

	switch (r->type) {
	case CONFIG_T_UINT:
		if (n == 0) {
			seterr(msg, msgsz, "%s needs a number", r->name);
			return -1;
		}
		if ((rc = parse_uint(v, n, &u)) == -1) {
			seterr(msg, msgsz, "'%s' is not a number",
			    show(v, n, sh, sizeof(sh)));
			return -1;
		}
		if (rc != 0 || u < r->min || u > r->max) {
			seterr(msg, msgsz, "%s must be between %" PRIu64
			    " and %" PRIu64, r->name, r->min, r->max);
			return -1;
		}
		*uint_field(c, r) = u;
		return 0;
	case CONFIG_T_BOOL:
		if ((n == 4 && memcmp(v, "true", 4) == 0) ||
		    (n == 3 && memcmp(v, "yes", 3) == 0) ||
		    (n == 2 && memcmp(v, "on", 2) == 0))
			*bool_field(c, r) = true;
		else if ((n == 5 && memcmp(v, "false", 5) == 0) ||
		    (n == 2 && memcmp(v, "no", 2) == 0) ||
		    (n == 3 && memcmp(v, "off", 3) == 0))
			*bool_field(c, r) = false;
		else {
			seterr(msg, msgsz, "%s must be true or false, not '%s'",
			    r->name, show(v, n, sh, sizeof(sh)));
			return -1;
		}
		return 0;
	default:
		break;
	}

	/* The string types. */
	if (n > r->max) {
		too_long(r, msg, msgsz);
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			seterr(msg, msgsz, "%s may not contain control "
			    "characters", r->name);
			return -1;
		}
	if (!json_utf8_valid(v, n)) {
		seterr(msg, msgsz, "%s is not valid UTF-8", r->name);
		return -1;
	}
	switch (r->type) {
	case CONFIG_T_ADDR:
		if ((why = addr_parse(v, n, NULL, 0, NULL)) != NULL) {
			seterr(msg, msgsz, "%s: %s", r->name, why);
			return -1;
		}
		break;
	case CONFIG_T_PUBKEY:
		for (i = 0; i < n; i++)
			if (!((v[i] >= '0' && v[i] <= '9') ||
			    (v[i] >= 'a' && v[i] <= 'f')))
				break;
		if (n != 0 && (n != 64 || i != n)) {
			seterr(msg, msgsz, "%s must be 64 lowercase hex "
			    "characters or empty", r->name);
			return -1;
		}
		break;
	case CONFIG_T_LIST:
		if (!peer_ok(v, n) || (v[0] == '/' &&
		    strcmp(r->name, "bridge") == 0)) {
			seterr(msg, msgsz, "%s must be a ws:// or wss:// URL%s",
			    r->name, strcmp(r->name, "bridge") == 0 ? "" :
			    " or an absolute path");
			return -1;
		}
		if ((slot = config_count_value(c, r)) >= CONFIG_LIST_MAX) {
			seterr(msg, msgsz, "%s is given more than %d times",
			    r->name, CONFIG_LIST_MAX);
			return -1;
		}
		for (i = 0; i < slot; i++)
			if (strlen(config_str_value(c, r, i)) == n &&
			    memcmp(config_str_value(c, r, i), v, n) == 0) {
				seterr(msg, msgsz, "%s '%s' is given twice",
				    r->name, show(v, n, sh, sizeof(sh)));
				return -1;
			}
		*count_field(c, r) = slot + 1;
		break;
	default:
		break;
	}
	memcpy(str_field(c, r, slot), v, n);
	str_field(c, r, slot)[n] = '\0';
	return 0;
}

void
config_defaults(struct config *cfg)
{
	const struct config_row *r;
	char	 msg[256];

	memset(cfg, 0, sizeof(*cfg));
	for (r = config_rows; r < config_rows + CONFIG_KEY__COUNT; r++) {
		if (r->type == CONFIG_T_LIST && r->dflt[0] == '\0')
			continue;
		/* A bad default is a bug in CONFIG_MAP, which test-config
		 * catches; the core has no log to say more. */
		if (set_value(cfg, r, r->dflt, strlen(r->dflt), msg,
		    sizeof(msg)) == -1)
			abort();
	}
}

int
config_set(struct config *cfg, const char *key, const char *value,
    char *errbuf, size_t errsz)
{
	const struct config_row *r;
	char	 sh[64];

	if (key == NULL || (r = row_find(key, strlen(key))) == NULL) {
		seterr(errbuf, errsz, "unknown key '%s'",
		    key ? show(key, strlen(key), sh, sizeof(sh)) : "");
		return -1;
	}
	if (value == NULL) {
		seterr(errbuf, errsz, "%s needs a value", r->name);
		return -1;
	}
	return set_value(cfg, r, value, strlen(value), errbuf, errsz);
}

/*
 * Parses line number lineno, [p, le), into c.  seen[k] is the line on
 * which key k was set (0: not yet); val is scratch of CONFIG_VALUE_MAX + 1 bytes.
 * Returns: 0, or -1 with the reason (without file and line) in msg.
 */
static int
load_line(struct config *c, size_t *seen, size_t lineno, const char *p,
    const char *le, char *val, char *msg, size_t msgsz)
{
	const struct config_row *r;
	const char *k, *ve;
	size_t	 kn, vn = 0;
	char	 sh[64], ch;

	if (memchr(p, '\0', (size_t)(le - p)) != NULL) {
		seterr(msg, msgsz, "line contains a NUL byte");
		return -1;
	}
	while (p < le && is_ws(*p))
		p++;
	if (p == le || *p == '#')
		return 0;
	k = p;
	while (p < le && !is_ws(*p) && *p != '=')
		p++;
	if ((kn = (size_t)(p - k)) == 0) {
		seterr(msg, msgsz, "missing key before '='");
		return -1;
	}
	if ((r = row_find(k, kn)) == NULL) {
		seterr(msg, msgsz, "unknown key '%s'", show(k, kn, sh,
		    sizeof(sh)));
		return -1;
	}
	while (p < le && is_ws(*p))
		p++;
	if (p < le && *p == '=')
		for (p++; p < le && is_ws(*p); p++)
			;
	if (p < le && *p == '"') {
		for (p++;;) {
			if (p == le) {
				seterr(msg, msgsz, "missing closing quote");
				return -1;
			}
			if ((ch = *p++) == '"')
				break;
			if (ch == '\\' && p < le) {
				if (*p != '"' && *p != '\\') {
					seterr(msg, msgsz, "unknown escape "
					    "'\\%s' (only \\\" and \\\\ are "
					    "known)", show(p, 1, sh,
					    sizeof(sh)));
					return -1;
				}
				ch = *p++;
			}
			if (vn == CONFIG_VALUE_MAX) {
				too_long(r, msg, msgsz);
				return -1;
			}
			val[vn++] = ch;
		}
		while (p < le && is_ws(*p))
			p++;
		if (p < le && *p != '#') {
			seterr(msg, msgsz, "text after the closing quote");
			return -1;
		}
	} else {
		for (ve = p; ve < le && *ve != '#'; ve++)
			;
		while (ve > p && is_ws(ve[-1]))
			ve--;
		if ((vn = (size_t)(ve - p)) > CONFIG_VALUE_MAX) {
			too_long(r, msg, msgsz);
			return -1;
		}
		memcpy(val, p, vn);
	}
	val[vn] = '\0';
	if (r->type != CONFIG_T_LIST && seen[r - config_rows] != 0) {
		seterr(msg, msgsz, "duplicate key '%s' (first set on line %zu)",
		    r->name, seen[r - config_rows]);
		return -1;
	}
	if (set_value(c, r, val, vn, msg, msgsz) == -1)
		return -1;
	seen[r - config_rows] = lineno;
	return 0;
}

int
config_load_buf(struct config *cfg, const char *buf, size_t len,
    const char *name, char *errbuf, size_t errsz)
{
	struct config *tmp = NULL;
	size_t	 seen[CONFIG_KEY__COUNT] = { 0 }, lineno = 0;
	const char *p, *end, *eol, *le;
	char	 val[CONFIG_VALUE_MAX + 1], msg[256];
	int	 rc = -1;

	if (name == NULL)
		name = "samizdat.conf";
	if (buf == NULL)
		len = 0;
	p = buf != NULL ? buf : "";
	end = p + len;
	if (len > CONFIG_FILE_MAX) {
		seterr(errbuf, errsz, "%s: file is larger than %u bytes", name,
		    CONFIG_FILE_MAX);
		goto done;
	}
	if ((tmp = malloc(sizeof(*tmp))) == NULL) {
		seterr(errbuf, errsz, "%s: out of memory", name);
		goto done;
	}
	config_defaults(tmp);
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;		/* a UTF-8 byte order mark from an editor */
	while (p < end) {
		lineno++;
		eol = memchr(p, '\n', (size_t)(end - p));
		le = eol != NULL ? eol : end;
		if (load_line(tmp, seen, lineno, p, le, val, msg,
		    sizeof(msg)) == -1) {
			seterr(errbuf, errsz, "%s:%zu: %s", name, lineno, msg);
			goto done;
		}
		p = eol != NULL ? eol + 1 : end;
	}
	*cfg = *tmp;
	rc = 0;
 done:
	free(tmp);
	return rc;
}

int
config_check(const struct config *cfg, char *errbuf, size_t errsz)
{
	if (cfg->default_limit > cfg->max_limit) {
		seterr(errbuf, errsz, "default_limit (%" PRIu64 ") is above "
		    "max_limit (%" PRIu64 ")", cfg->default_limit,
		    cfg->max_limit);
		return -1;
	}
	if (cfg->max_event_size > cfg->max_message_length) {
		seterr(errbuf, errsz, "max_event_size (%" PRIu64 ") is above "
		    "max_message_length (%" PRIu64 ")", cfg->max_event_size,
		    cfg->max_message_length);
		return -1;
	}
	return 0;
}

bool
config_equal(const struct config *a, const struct config *b)
{
	const struct config_row *r;
	size_t	 i, n;

	for (r = config_rows; r < config_rows + CONFIG_KEY__COUNT; r++) {
		switch (r->type) {
		case CONFIG_T_UINT:
			if (config_uint_value(a, r) != config_uint_value(b, r))
				return false;
			break;
		case CONFIG_T_BOOL:
			if (config_bool_value(a, r) != config_bool_value(b, r))
				return false;
			break;
		default:
			if ((n = config_count_value(a, r)) != config_count_value(b, r))
				return false;
			for (i = 0; i < n; i++)
				if (strcmp(config_str_value(a, r, i),
				    config_str_value(b, r, i)) != 0)
					return false;
			break;
		}
	}
	return true;
}

