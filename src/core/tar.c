/*
 * tar.c: ustar headers (tar.h).  The field layout is POSIX's
 * (pax, "ustar Interchange Format"): name 0-99, mode 100, uid 108, gid
 * 116, size 124, mtime 136, chksum 148, typeflag 156, linkname 157, magic
 * 257, version 263, uname 265, gname 297, devmajor 329, devminor 337,
 * prefix 345-499.
 */
#include <string.h>

#include "tar.h"

static void
octal(uint8_t *f, size_t w, uint64_t v)
{
	size_t	 i;

	/* w-1 digits and a NUL. */
	f[w - 1] = '\0';
	for (i = w - 1; i > 0; i--, v >>= 3)
		f[i - 1] = (uint8_t)('0' + (v & 7));
}

/* Octal with leading spaces or zeros, ended by NUL or space; or base-256. */
static bool
read_num(const uint8_t *f, size_t w, uint64_t *out)
{
	uint64_t v = 0;
	size_t	 i = 0;

	if (f[0] & 0x80) {
		if (f[0] != 0x80)
			return false;	/* negative, or more than 64 bits */
		for (i = 1; i < w; i++) {
			if (v >> 56)
				return false;
			v = v << 8 | f[i];
		}
		*out = v;
		return true;
	}
	while (i < w && f[i] == ' ')
		i++;
	if (i == w || f[i] < '0' || f[i] > '7')
		return false;
	for (; i < w && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 61)
			return false;
		v = v << 3 | (uint64_t)(f[i] - '0');
	}
	for (; i < w; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return false;
	*out = v;
	return true;
}

static unsigned
checksum(const uint8_t b[TAR_BLOCK])
{
	unsigned s = 0;
	size_t	 i;

	for (i = 0; i < TAR_BLOCK; i++)
		s += (i >= 148 && i < 156) ? ' ' : b[i];
	return s;
}

bool
tar_name_ok(const char *name)
{
	const char *p = name, *q;
	size_t	 n, len = strlen(name);

	if (len == 0 || name[0] == '/')
		return false;
	if (name[len - 1] == '/')
		len--;		/* a directory's trailing slash */
	while (p < name + len) {
		for (q = p; q < name + len && *q != '/'; q++)
			if ((unsigned char)*q < 0x20 || *q == 0x7f)
				return false;
		n = (size_t)(q - p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p = q + 1;
	}
	return true;
}

enum err
tar_header(const char *name, enum tar_type type, uint64_t size,
    uint64_t mtime, uint8_t b[TAR_BLOCK])
{
	size_t	 n = strlen(name), split = 0, i;

	memset(b, 0, TAR_BLOCK);
	if (!tar_name_ok(name) || n > TAR_NAME_MAX)
		return ERR_ARCHIVE;
	if (n > 100) {
		/* The prefix ends at a slash; the rest must fit in 100. */
		for (i = n - 1; i > 0; i--)
			if (name[i] == '/' && i <= 155 && n - i - 1 <= 100 &&
			    n - i - 1 > 0) {
				split = i;
				break;
			}
		if (split == 0)
			return ERR_ARCHIVE;
		memcpy(b + 345, name, split);
		memcpy(b, name + split + 1, n - split - 1);
	} else
		memcpy(b, name, n);
	octal(b + 100, 8, type == TAR_DIR ? 0755 : 0644);
	octal(b + 108, 8, 0);
	octal(b + 116, 8, 0);
	if (size >= (1ull << 33)) {
		b[124] = 0x80;
		for (i = 135; i > 127; i--, size >>= 8)
			b[i] = (uint8_t)size;
	} else
		octal(b + 124, 12, size);
	octal(b + 136, 12, mtime >= (1ull << 33) ? 0 : mtime);
	b[156] = type == TAR_DIR ? '5' : '0';
	memcpy(b + 257, "ustar", 6);
	memcpy(b + 263, "00", 2);
	octal(b + 148, 7, checksum(b));
	b[155] = ' ';
	return ERR_OK;
}

enum err
tar_parse(const uint8_t b[TAR_BLOCK], struct tar_entry *out, bool *end)
{
	struct tar_entry e;
	uint64_t sum;
	size_t	 i, nl, pl;

	*end = false;
	for (i = 0; i < TAR_BLOCK && b[i] == 0; i++)
		;
	if (i == TAR_BLOCK) {
		*end = true;
		return ERR_OK;
	}
	memset(&e, 0, sizeof(e));
	if (memcmp(b + 257, "ustar", 5) != 0 ||
	    !read_num(b + 148, 8, &sum) || sum != checksum(b) ||
	    !read_num(b + 124, 12, &e.size) || !read_num(b + 136, 12, &e.mtime))
		return ERR_ARCHIVE;
	switch (b[156]) {
	case '0':
	case '\0':
		e.type = TAR_FILE;
		break;
	case '5':
		e.type = TAR_DIR;
		if (e.size != 0)
			return ERR_ARCHIVE;
		break;
	default:
		return ERR_ARCHIVE;	/* links, devices, pax and GNU extras */
	}
	nl = strnlen((const char *)b, 100);
	pl = strnlen((const char *)b + 345, 155);
	if (pl > 0) {
		memcpy(e.name, b + 345, pl);
		e.name[pl] = '/';
		memcpy(e.name + pl + 1, b, nl);
		e.name[pl + 1 + nl] = '\0';
	} else {
		memcpy(e.name, b, nl);
		e.name[nl] = '\0';
	}
	if (memchr(e.name, '\\', strlen(e.name)) != NULL ||
	    !tar_name_ok(e.name))
		return ERR_ARCHIVE;
	*out = e;
	return ERR_OK;
}

size_t
tar_pad(uint64_t size)
{
	return (size_t)((TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK);
}
