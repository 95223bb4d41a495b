/*
 * media_int.h: private to the media module, split over files by format.
 * Calls run one way: media.c (sniff, the dispatcher, the words) over
 * media_jpeg.c, media_png.c, media_webp.c and media_mp4.c, over
 * media_exif.c (the bounded TIFF walk and the byte search they share).
 *
 * Each media_*_strip takes the whole input and a scratch buffer of its
 * own (media.c hands the result to the caller only on success), fills
 * type-specific fields of info and returns ERR_OK or an ERR_MEDIA_* code
 * with *why set to a static sentence.
 */
#ifndef SAMIZDAT_MEDIA_INT_H
#define SAMIZDAT_MEDIA_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "media.h"

static inline uint16_t
media_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
media_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
media_be64(const uint8_t *p)
{
	return (uint64_t)media_be32(p) << 32 | media_be32(p + 4);
}

static inline uint32_t
media_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

static inline void
media_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void
media_put_be64(uint8_t *p, uint64_t v)
{
	media_put_be32(p, (uint32_t)(v >> 32));
	media_put_be32(p + 4, (uint32_t)v);
}

static inline void
media_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* An EXIF orientation the output keeps; 1 (upright) is never written. */
#define MEDIA_ORIENT_NONE	1

/*
 * The TIFF structure of an EXIF block (from its "II"/"MM" header, n
 * bytes): IFD0, the Exif and GPS sub-IFDs and IFD1, each read once, every
 * offset checked against n.  Sets *orientation to tag 0x0112 of IFD0
 * (1..8), else leaves it.  Returns: the MEDIA_RM_* detail bits found
 * (GPS, CAMERA, OWNER, DATE, THUMB); 0 for a block too broken to walk.
 */
uint32_t	 media_exif_scan(const uint8_t *tiff, size_t n,
		    unsigned *orientation);
/*
 * The n bytes of an XMP packet.  Returns: the MEDIA_RM_* detail bits its
 * tags name (exif:GPS..., tiff:Make and tiff:Model, dates).
 */
uint32_t	 media_xmp_scan(const uint8_t *p, size_t n);
/* Returns: whether the nn bytes of needle occur in the hn bytes at h. */
bool		 media_find(const uint8_t *h, size_t hn, const void *needle,
		    size_t nn);
/* The XMP packet's opening tag, which every XMP carrier holds. */
#define MEDIA_XMP_TAG	"<x:xmpmeta"

enum err	 media_jpeg_strip(const uint8_t *, size_t, struct buf *,
		    struct media_info *, const char **why);
enum err	 media_png_strip(const uint8_t *, size_t, struct buf *,
		    struct media_info *, const char **why);
enum err	 media_webp_strip(const uint8_t *, size_t, struct buf *,
		    struct media_info *, const char **why);
enum err	 media_mp4_strip(const uint8_t *, size_t, struct buf *,
		    struct media_info *, const char **why);

#endif
