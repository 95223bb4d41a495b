/*
 * url.c: relay URL parsing and comparison (url.h).  Strict about what a
 * host may hold (letters, digits, '-', '.', ':' inside brackets) so
 * that nothing odd compares equal by accident.
 */
#include <string.h>

#include "url.h"

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* True if a and b (n bytes each) are equal ignoring ASCII case. */
static bool
eq_nocase(const char *a, const char *b, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

int
url_authority(const char *s, size_t n, uint16_t default_port, struct url *u)
{
	const char *end = s + n, *h, *he, *p;
	unsigned long port = 0;
	size_t	 i, hn;

	if (n == 0)
		return -1;
	if (*s == '[') {
		h = s + 1;
		if ((he = memchr(h, ']', (size_t)(end - h))) == NULL)
			return -1;
		p = he + 1;
	} else {
		h = s;
		for (he = s; he < end && *he != ':'; he++)
			;
		p = he;
	}
	hn = (size_t)(he - h);
	if (hn == 0 || hn >= sizeof(u->host))
		return -1;
	for (i = 0; i < hn; i++) {
		char	 c = lower(h[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || (*s == '[' && (c == ':' ||
		    c == '%'))))
			return -1;
		u->host[i] = c;
	}
	u->host[hn] = '\0';
	if (p == end)
		port = default_port;
	else {
		if (*p != ':' || p + 1 == end || end - p > 6)
			return -1;
		for (p++; p < end; p++) {
			if (*p < '0' || *p > '9')
				return -1;
			port = port * 10 + (unsigned long)(*p - '0');
		}
		if (port == 0 || port > 65535)
			return -1;
	}
	u->port = (uint16_t)port;
	return 0;
}

int
url_parse(const char *s, size_t n, struct url *u)
{
	static const struct {
		const char	*scheme;
		uint16_t	 port;
	} schemes[] = {
		{ "ws", 80 }, { "wss", 443 }, { "http", 80 }, { "https", 443 },
	};
	const char *p = memchr(s, ':', n), *a, *ae;
	size_t	 i, sl;

	memset(u, 0, sizeof(*u));
	if (p == NULL || (size_t)(s + n - p) < 3 || p[1] != '/' || p[2] != '/')
		return -1;
	sl = (size_t)(p - s);
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i].scheme) == sl &&
		    eq_nocase(s, schemes[i].scheme, sl))
			break;
	if (i == sizeof(schemes) / sizeof(schemes[0]))
		return -1;
	memcpy(u->scheme, schemes[i].scheme, sl + 1);
	a = p + 3;
	for (ae = a; ae < s + n && *ae != '/' && *ae != '?' && *ae != '#';
	    ae++)
		if (*ae == '@')
			return -1;	/* no user info in a relay URL */
	return url_authority(a, (size_t)(ae - a), schemes[i].port, u);
}

uint16_t
url_default_port(const struct url *u)
{
	return strcmp(u->scheme, "wss") == 0 || strcmp(u->scheme, "https") ==
	    0 ? 443 : 80;
}

bool
url_same_place(const struct url *a, const struct url *b)
{
	return a->port == b->port && strcmp(a->host, b->host) == 0;
}
