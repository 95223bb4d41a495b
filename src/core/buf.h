/*
 * buf.h: a growable byte buffer with a hard cap and a sticky error.
 * Builders append without checking each step; the caller checks buf.err
 * once at the end.  Pure apart from malloc.
 */
#ifndef SAMIZDAT_BUF_H
#define SAMIZDAT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	char	*p;		/* owned; NUL-terminated when len < cap */
	size_t	 len;
	size_t	 cap;		/* allocated size */
	size_t	 max;		/* hard cap on len; 0 means 64 MiB */
	bool	 err;		/* sticky: an append failed (cap or memory) */
};

void	buf_init(struct buf *, size_t max);
void	buf_free(struct buf *);
void	buf_reset(struct buf *);	/* len = 0, err = false, keeps memory */
void	buf_append(struct buf *, const void *, size_t);
void	buf_putc(struct buf *, char);
void	buf_puts(struct buf *, const char *);
void	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	buf_u64(struct buf *, uint64_t);
void	buf_hex(struct buf *, const uint8_t *, size_t);
/* Appends s as a JSON string with NIP-01 canonical escaping, quotes included. */
void	buf_json_str(struct buf *, const char *s, size_t n);

#endif
