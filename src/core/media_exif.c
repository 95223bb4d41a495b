/*
 * media_exif.c: what an EXIF block says about the photographer, found by a
 * small bounded walk of its TIFF structure, so that media_strip can tell
 * a reporter "GPS position, camera make and model, date" rather than just
 * "EXIF".  The block is removed whatever this finds; the walk only names
 * it.  Nothing in it is trusted: the byte order comes from the header,
 * each IFD is read once (IFD0, its Exif and GPS sub-IFDs, IFD1), each
 * entry count is capped and each offset checked against the block before
 * a byte is read, so a loop or a wild offset just ends the walk.  Called
 * by media_jpeg.c (APP1), media_png.c (eXIf) and media_webp.c (EXIF).
 */
#include <string.h>

#include "media_int.h"

#define EXIF_MAX_ENTRIES	1024	/* per IFD; real ones hold tens */

/* The tags that name what was in the block. */
#define TAG_ORIENTATION		0x0112
#define TAG_EXIF_IFD		0x8769
#define TAG_GPS_IFD		0x8825

enum exif_ifd {
	IFD_0,
	IFD_EXIF,
	IFD_GPS,
	IFD_1
};

/*
 * Which tag means what, per IFD.  In IFD_GPS every tag is a position
 * (latitude, longitude, altitude, time of the fix, ...), so it has no rows.
 */
static const struct exif_tag {
	enum exif_ifd	 ifd;
	uint16_t	 tag;
	uint32_t	 bit;
} exif_tags[] = {
	{ IFD_0, 0x010f, MEDIA_RM_CAMERA },	/* Make */
	{ IFD_0, 0x0110, MEDIA_RM_CAMERA },	/* Model */
	{ IFD_0, 0x0132, MEDIA_RM_DATE },	/* DateTime */
	{ IFD_0, 0x013b, MEDIA_RM_OWNER },	/* Artist */
	{ IFD_0, 0x8298, MEDIA_RM_OWNER },	/* Copyright */
	{ IFD_0, 0x9c9d, MEDIA_RM_OWNER },	/* XPAuthor */
	{ IFD_EXIF, 0x9003, MEDIA_RM_DATE },	/* DateTimeOriginal */
	{ IFD_EXIF, 0x9004, MEDIA_RM_DATE },	/* DateTimeDigitized */
	{ IFD_EXIF, 0x927c, MEDIA_RM_CAMERA },	/* MakerNote (serials) */
	{ IFD_EXIF, 0xa430, MEDIA_RM_OWNER },	/* CameraOwnerName */
	{ IFD_EXIF, 0xa431, MEDIA_RM_CAMERA },	/* BodySerialNumber */
	{ IFD_EXIF, 0xa433, MEDIA_RM_CAMERA },	/* LensMake */
	{ IFD_EXIF, 0xa434, MEDIA_RM_CAMERA },	/* LensModel */
	{ IFD_EXIF, 0xa435, MEDIA_RM_CAMERA },	/* LensSerialNumber */
};

struct tiff {
	const uint8_t	*p;
	size_t		 n;
	bool		 le;		/* "II": little-endian */
};

static bool	 tiff_u16(const struct tiff *, size_t, uint16_t *);
static bool	 tiff_u32(const struct tiff *, size_t, uint32_t *);
static uint32_t	 exif_ifd(const struct tiff *, uint32_t, enum exif_ifd,
		    uint32_t[4], unsigned *);

/* Returns: whether the two bytes at off are inside the block. */
static bool
tiff_u16(const struct tiff *t, size_t off, uint16_t *v)
{
	if (off > t->n || t->n - off < 2)
		return false;
	*v = t->le ? (uint16_t)(t->p[off] | t->p[off + 1] << 8) :
	    media_be16(t->p + off);
	return true;
}

/* Returns: whether the four bytes at off are inside the block. */
static bool
tiff_u32(const struct tiff *t, size_t off, uint32_t *v)
{
	if (off > t->n || t->n - off < 4)
		return false;
	*v = t->le ? media_le32(t->p + off) : media_be32(t->p + off);
	return true;
}

/*
 * Reads the IFD at off as kind: sets next[IFD_EXIF], next[IFD_GPS] from
 * IFD0's pointers and next[IFD_1] from IFD0's link.  Returns: the bits.
 */
static uint32_t
exif_ifd(const struct tiff *t, uint32_t off, enum exif_ifd kind,
    uint32_t next[4], unsigned *orientation)
{
	uint32_t	 bits = 0, v32;
	uint16_t	 count, tag, type, v16;
	size_t		 e, i, k;

	if (!tiff_u16(t, off, &count) || count > EXIF_MAX_ENTRIES)
		return 0;
	if (kind == IFD_GPS && count > 0)
		bits |= MEDIA_RM_GPS;
	if (kind == IFD_1)
		bits |= MEDIA_RM_THUMB;
	for (i = 0; i < count; i++) {
		e = (size_t)off + 2 + 12 * i;
		if (!tiff_u16(t, e, &tag) || !tiff_u16(t, e + 2, &type) ||
		    !tiff_u32(t, e + 8, &v32))
			return bits;
		for (k = 0; k < sizeof(exif_tags) / sizeof(exif_tags[0]); k++)
			if (exif_tags[k].ifd == kind && exif_tags[k].tag == tag)
				bits |= exif_tags[k].bit;
		if (kind != IFD_0)
			continue;
		if (tag == TAG_EXIF_IFD)
			next[IFD_EXIF] = v32;
		else if (tag == TAG_GPS_IFD) {
			/* The pointer alone says a position was taken. */
			bits |= MEDIA_RM_GPS;
			next[IFD_GPS] = v32;
		} else if (tag == TAG_ORIENTATION && type == 3 &&
		    tiff_u16(t, e + 8, &v16) && v16 >= 1 && v16 <= 8)
			*orientation = v16;
	}
	if (kind == IFD_0 && tiff_u32(t, (size_t)off + 2 + 12 * count, &v32))
		next[IFD_1] = v32;
	return bits;
}

uint32_t
media_exif_scan(const uint8_t *p, size_t n, unsigned *orientation)
{
	struct tiff	 t;
	uint32_t	 next[4] = { 0, 0, 0, 0 }, bits, ifd0;
	int		 k;

	if (n < 8)
		return 0;
	if (memcmp(p, "II*\0", 4) == 0)
		t.le = true;
	else if (memcmp(p, "MM\0*", 4) == 0)
		t.le = false;
	else
		return 0;
	t.p = p;
	t.n = n;
	if (!tiff_u32(&t, 4, &ifd0) || ifd0 < 8)
		return 0;
	bits = exif_ifd(&t, ifd0, IFD_0, next, orientation);
	/* Each sub-IFD once: IFD0 alone names them, so no walk can loop. */
	for (k = IFD_EXIF; k <= IFD_1; k++)
		if (next[k] >= 8)
			bits |= exif_ifd(&t, next[k], (enum exif_ifd)k, next,
			    orientation);
	return bits;
}

uint32_t
media_xmp_scan(const uint8_t *p, size_t n)
{
	uint32_t	 bits = 0;

	if (media_find(p, n, "GPSLatitude", 11) ||
	    media_find(p, n, "GPSLongitude", 12))
		bits |= MEDIA_RM_GPS;
	if (media_find(p, n, "tiff:Make", 9) ||
	    media_find(p, n, "tiff:Model", 10))
		bits |= MEDIA_RM_CAMERA;
	if (media_find(p, n, "DateTimeOriginal", 16) ||
	    media_find(p, n, "xmp:CreateDate", 14))
		bits |= MEDIA_RM_DATE;
	return bits;
}

bool
media_find(const uint8_t *h, size_t hn, const void *needle, size_t nn)
{
	return nn <= hn && memmem(h, hn, needle, nn) != NULL;
}
