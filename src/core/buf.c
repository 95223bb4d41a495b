/*
 * buf.c: the capped growable buffer of buf.h, and the one NIP-01 string
 * escaper every JSON writer in samizdat uses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hex.h"

#define BUF_DEFAULT_MAX	(64u << 20)

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max ? max : BUF_DEFAULT_MAX;
}

void
buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->err = false;
	if (b->p != NULL)
		b->p[0] = '\0';
}

static bool
buf_grow(struct buf *b, size_t need)
{
	size_t	 ncap;
	char	*np;

	if (b->err)
		return false;
	if (need > b->max) {
		b->err = true;
		return false;
	}
	if (need + 1 <= b->cap)
		return true;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need + 1)
		ncap *= 2;
	if ((np = realloc(b->p, ncap)) == NULL) {
		b->err = true;
		return false;
	}
	b->p = np;
	b->cap = ncap;
	return true;
}

void
buf_append(struct buf *b, const void *p, size_t n)
{
	if (!buf_grow(b, b->len + n))
		return;
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	 small[256];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		buf_append(b, small, (size_t)n);
		return;
	}
	if (!buf_grow(b, b->len + (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_u64(struct buf *b, uint64_t v)
{
	char	 tmp[21];
	size_t	 i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	buf_append(b, tmp + i, sizeof(tmp) - i);
}

void
buf_hex(struct buf *b, const uint8_t *p, size_t n)
{
	if (!buf_grow(b, b->len + 2 * n))
		return;
	hex_encode(p, n, b->p + b->len);
	b->len += 2 * n;
}

/*
 * NIP-01: escape \n " \ \r \t \b \f by name, other bytes below 0x20 as
 * \u00xx with lowercase hex, and everything else (DEL, '/', non-ASCII)
 * verbatim.  Runs of plain bytes are copied in one go.
 */
void
buf_json_str(struct buf *b, const char *s, size_t n)
{
	static const char xd[] = "0123456789abcdef";
	size_t	 i, run = 0;
	char	 esc[6];
	size_t	 elen;

	buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_append(b, s + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		elen = 2;
		switch (c) {
		case '\n': esc[1] = 'n'; break;
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = xd[c >> 4];
			esc[5] = xd[c & 0xf];
			elen = 6;
		}
		buf_append(b, esc, elen);
	}
	buf_append(b, s + run, n - run);
	buf_putc(b, '"');
}
