/*
 * media_jpeg.c: JPEG without its metadata, losslessly: every marker
 * segment is walked from SOI to EOI, and only what decoding needs is
 * copied.  Called by media.c.
 *
 * Kept, byte for byte: the frame and scan headers (SOFn, DHT, DQT, DRI,
 * DAC, DNL, ...), the entropy-coded data with its stuffed bytes and RSTn
 * markers, and EOI.  Kept and needed for colour:
 *   - APP0 "JFIF" (the first one), rewritten to its 16 bytes without the
 *     optional thumbnail: it says the samples are YCbCr;
 *   - APP14 "Adobe" (the first one), its standard 12 bytes: its transform
 *     flag says whether three or four channels are YCbCr, RGB, CMYK or
 *     YCCK, so a viewer would show wrong colours without it;
 *   - APP2 "ICC_PROFILE": the colour space (Display P3 on most phones);
 *     a profile names a colour space and its maker, the same for every
 *     phone of a brand, never a position, a person or one device;
 *   - the EXIF orientation, when it is not upright, as a new APP1 holding
 *     that one tag and nothing else (media_int.h MEDIA_ORIENT_*): phones
 *     store portrait photos sideways and rely on it.
 * Dropped: every other APPn (EXIF with its GPS, camera, dates, owner and
 * thumbnail; XMP and extended XMP; Photoshop IPTC; MPF; JFXX thumbnails;
 * vendor segments), every COM, fill bytes between segments, and anything
 * after EOI: the second images of MPF, motion-photo videos and gain maps
 * live there, and so could anything a tool wanted to hide.
 */
#include <string.h>

#include "media_int.h"

#define M_TEM		0x01
#define M_SOF0		0xc0
#define M_DHT		0xc4
#define M_JPG		0xc8
#define M_DAC		0xcc
#define M_SOF15		0xcf
#define M_RST0		0xd0
#define M_RST7		0xd7
#define M_SOI		0xd8
#define M_EOI		0xd9
#define M_SOS		0xda
#define M_APP0		0xe0
#define M_APP1		0xe1
#define M_APP2		0xe2
#define M_APP13		0xed
#define M_APP14		0xee
#define M_APP15		0xef
#define M_COM		0xfe

#define JFIF_LEN	14	/* "JFIF\0", version, units, densities, 0x0 */
#define ADOBE_LEN	12	/* "Adobe", version, flags0, flags1, transform */
#define ORIENT_LEN	36	/* the whole one-tag APP1, marker included */

/* What the walk carries from segment to segment. */
struct jpeg {
	bool		 jfif;		/* a JFIF APP0 was written */
	bool		 adobe;		/* an Adobe APP14 was written */
	bool		 exif;		/* an EXIF APP1 was read */
	unsigned	 orientation;
	uint32_t	 removed;
};

static void	 jpeg_orient_block(unsigned, uint8_t[ORIENT_LEN]);
static void	 jpeg_app(struct jpeg *, uint8_t, const uint8_t *, size_t,
		    struct buf *);
static bool	 jpeg_entropy_end(const uint8_t *, size_t, size_t, size_t *);

/* The APP1 that keeps an orientation o (2..8) and says nothing else. */
static void
jpeg_orient_block(unsigned o, uint8_t b[ORIENT_LEN])
{
	static const uint8_t head[] = {
		0xff, M_APP1, 0x00, ORIENT_LEN - 2, 'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08,	/* TIFF, IFD0 */
		0x00, 0x01,					/* one entry */
		0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,	/* SHORT x1 */
	};

	memset(b, 0, ORIENT_LEN);
	memcpy(b, head, sizeof(head));
	b[sizeof(head) + 1] = (uint8_t)o;	/* value, then 2 pad bytes */
	/* and a zero link to the next IFD */
}

/*
 * One APPn or COM segment (marker m, payload s of len bytes): writes what
 * is kept to out and notes what is not.
 */
static void
jpeg_app(struct jpeg *j, uint8_t m, const uint8_t *s, size_t len,
    struct buf *out)
{
	uint8_t		 b[ORIENT_LEN];
	unsigned	 o = MEDIA_ORIENT_NONE;

	if (m == M_COM) {
		j->removed |= MEDIA_RM_COMMENT;
		return;
	}
	if (m == M_APP0 && len >= JFIF_LEN && memcmp(s, "JFIF\0", 5) == 0 &&
	    !j->jfif) {
		b[0] = 0xff;
		b[1] = M_APP0;
		b[2] = 0;
		b[3] = JFIF_LEN + 2;
		memcpy(b + 4, s, JFIF_LEN - 2);
		b[4 + JFIF_LEN - 2] = b[4 + JFIF_LEN - 1] = 0;
		if (len > JFIF_LEN || s[12] != 0 || s[13] != 0)
			j->removed |= MEDIA_RM_THUMB;
		buf_append(out, b, JFIF_LEN + 4);
		j->jfif = true;
		return;
	}
	if (m == M_APP0 && len >= 5 && memcmp(s, "JFXX\0", 5) == 0) {
		j->removed |= MEDIA_RM_THUMB;
		return;
	}
	if (m == M_APP14 && len >= ADOBE_LEN && memcmp(s, "Adobe", 5) == 0 &&
	    !j->adobe) {
		b[0] = 0xff;
		b[1] = M_APP14;
		b[2] = 0;
		b[3] = ADOBE_LEN + 2;
		memcpy(b + 4, s, ADOBE_LEN);
		if (len > ADOBE_LEN)
			j->removed |= MEDIA_RM_OTHER;
		buf_append(out, b, ADOBE_LEN + 4);
		j->adobe = true;
		return;
	}
	if (m == M_APP2 && len >= 14 && memcmp(s, "ICC_PROFILE\0", 12) == 0) {
		buf_append(out, s - 4, len + 4);
		return;
	}
	if (m == M_APP1 && len >= 6 && memcmp(s, "Exif\0\0", 6) == 0) {
		if (j->exif) {
			j->removed |= MEDIA_RM_EXIF |
			    media_exif_scan(s + 6, len - 6, &o);
			return;
		}
		j->exif = true;
		j->removed |= media_exif_scan(s + 6, len - 6, &o);
		/*
		 * An APP1 shorter than the block lacks the link after IFD0;
		 * dropping its orientation keeps the output no larger.
		 */
		if (o != MEDIA_ORIENT_NONE && len + 4 >= ORIENT_LEN) {
			jpeg_orient_block(o, b);
			j->orientation = o;
			buf_append(out, b, ORIENT_LEN);
			/* Our own block again is not a removal. */
			if (len + 4 == ORIENT_LEN &&
			    memcmp(s - 4, b, ORIENT_LEN) == 0)
				return;
		}
		j->removed |= MEDIA_RM_EXIF;
		return;
	}
	if (media_find(s, len, MEDIA_XMP_TAG, sizeof(MEDIA_XMP_TAG) - 1) ||
	    (len >= 20 && memcmp(s, "http://ns.adobe.com/", 20) == 0)) {
		j->removed |= MEDIA_RM_XMP | media_xmp_scan(s, len);
		return;
	}
	if (m == M_APP13 && len >= 14 && memcmp(s, "Photoshop 3.0\0", 14) == 0) {
		j->removed |= MEDIA_RM_IPTC;
		return;
	}
	j->removed |= MEDIA_RM_OTHER;
}

/*
 * The entropy-coded data from i: bytes up to the next marker, where 0xff
 * 0x00 is a stuffed byte and 0xff 0xd0..0xd7 a restart marker; a run of
 * 0xff fill bytes belongs to the marker after it.  Sets *end to the first
 * 0xff of that marker.  Returns: false if the data runs to the end.
 */
static bool
jpeg_entropy_end(const uint8_t *p, size_t n, size_t i, size_t *end)
{
	size_t	 k;

	while (i < n) {
		if (p[i] != 0xff) {
			i++;
			continue;
		}
		for (k = i + 1; k < n && p[k] == 0xff; k++)
			;
		if (k >= n)
			return false;
		if (p[k] != 0x00 && (p[k] < M_RST0 || p[k] > M_RST7)) {
			*end = i;
			return true;
		}
		i = k + 1;
	}
	return false;
}

enum err
media_jpeg_strip(const uint8_t *p, size_t n, struct buf *out,
    struct media_info *info, const char **why)
{
	struct jpeg	 j;
	size_t		 i = 2, len, end, parts = 0;
	uint8_t		 m;
	bool		 sof = false, sos = false;
	enum err	 rc = ERR_OK;

	memset(&j, 0, sizeof(j));
	j.orientation = MEDIA_ORIENT_NONE;
	if (n < 4 || p[0] != 0xff || p[1] != M_SOI) {
		rc = ERR_MEDIA_FORMAT;
		*why = "JPEG: no SOI marker";
		goto done;
	}
	buf_append(out, p, 2);
	for (;;) {
		if (++parts > MEDIA_MAX_PARTS) {
			rc = ERR_MEDIA_LIMIT;
			*why = "JPEG: too many segments";
			goto done;
		}
		if (i >= n) {
			rc = ERR_MEDIA_TRUNCATED;
			*why = "JPEG: ends before EOI";
			goto done;
		}
		if (p[i] != 0xff) {
			rc = ERR_MEDIA_FORMAT;
			*why = "JPEG: bytes where a marker should be";
			goto done;
		}
		while (i < n && p[i] == 0xff)		/* fill bytes */
			i++;
		if (i >= n) {
			rc = ERR_MEDIA_TRUNCATED;
			*why = "JPEG: ends before EOI";
			goto done;
		}
		m = p[i++];
		if (m == M_EOI) {
			if (!sos) {
				rc = ERR_MEDIA_FORMAT;
				*why = "JPEG: EOI before any image data";
				goto done;
			}
			buf_append(out, p + i - 2, 2);
			break;
		}
		if (m == 0x00 || m == M_SOI) {
			rc = ERR_MEDIA_FORMAT;
			*why = "JPEG: a marker out of place";
			goto done;
		}
		if (m == M_TEM || (m >= M_RST0 && m <= M_RST7)) {
			buf_append(out, p + i - 2, 2);	/* no length */
			continue;
		}
		if (n - i < 2) {
			rc = ERR_MEDIA_TRUNCATED;
			*why = "JPEG: a segment runs past the end";
			goto done;
		}
		len = media_be16(p + i);
		if (len < 2) {
			rc = ERR_MEDIA_FORMAT;
			*why = "JPEG: a segment length below 2";
			goto done;
		}
		if (len > n - i) {
			rc = ERR_MEDIA_TRUNCATED;
			*why = "JPEG: a segment runs past the end";
			goto done;
		}
		if ((m >= M_APP0 && m <= M_APP15) || m == M_COM) {
			jpeg_app(&j, m, p + i + 2, len - 2, out);
			i += len;
			continue;
		}
		if (m >= M_SOF0 && m <= M_SOF15 && m != M_DHT && m != M_JPG &&
		    m != M_DAC) {
			if (len < 8) {
				rc = ERR_MEDIA_FORMAT;
				*why = "JPEG: a frame header too short";
				goto done;
			}
			if (!sof) {
				info->height = media_be16(p + i + 3);
				info->width = media_be16(p + i + 5);
			}
			sof = true;
		}
		if (m == M_SOS) {
			if (!sof) {
				rc = ERR_MEDIA_FORMAT;
				*why = "JPEG: image data before the frame header";
				goto done;
			}
			if (!jpeg_entropy_end(p, n, i + len, &end)) {
				rc = ERR_MEDIA_TRUNCATED;
				*why = "JPEG: image data runs to the end, no EOI";
				goto done;
			}
			buf_append(out, p + i - 2, end - (i - 2));
			i = end;
			sos = true;
			continue;
		}
		buf_append(out, p + i - 2, len + 2);
		i += len;
	}
	if (i < n)
		j.removed |= MEDIA_RM_TRAILER;
	info->orientation = j.orientation;
	info->removed = j.removed;
done:
	return rc;
}
