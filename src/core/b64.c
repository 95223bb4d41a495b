/*
 * b64.c: base64 (b64.h).  Pure.
 */
#include "b64.h"

static const char b64_std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
b64_encode(struct buf *b, const uint8_t *p, size_t n, bool url)
{
	const char *a = url ? b64_url : b64_std;
	char	 q[4];
	size_t	 i, k, r;
	uint32_t v;

	for (i = 0; i < n; i += 3) {
		r = n - i < 3 ? n - i : 3;	/* bytes in this group */
		v = (uint32_t)p[i] << 16;
		if (r > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (r > 2)
			v |= p[i + 2];
		for (k = 0; k < 4; k++)
			q[k] = k <= r ? a[v >> (18 - 6 * k) & 63] : '=';
		buf_append(b, q, url ? r + 1 : 4);
	}
}

/* A digit's value, or -1; the URL-safe digits only when url. */
static int
b64_value(char c, bool url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || (url && c == '-'))
		return 62;
	if (c == '/' || (url && c == '_'))
		return 63;
	return -1;
}

size_t
b64_decode(const char *s, size_t n, uint8_t *out, size_t outsz, bool strict)
{
	uint32_t acc = 0;
	size_t	 i, o = 0, bits = 0;
	int	 v;

	if (strict && n % 4 != 0)
		return (size_t)-1;
	/* Padding only at the end, at most two, and only to a whole quad. */
	while (n > 0 && s[n - 1] == '=') {
		n--;
		if (++bits > 2)
			return (size_t)-1;
	}
	if (bits > 0 && (n + bits) % 4 != 0)
		return (size_t)-1;
	if (n % 4 == 1)
		return (size_t)-1;
	bits = 0;
	for (i = 0; i < n; i++) {
		if ((v = b64_value(s[i], !strict)) < 0)
			return (size_t)-1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == outsz)
				return (size_t)-1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o;
}
