/*
 * media_webp.c: WebP without its metadata, losslessly.  A WebP file is a
 * RIFF container of chunks; the walk copies the chunks that make the
 * picture, byte for byte with their padding, and leaves out the rest,
 * then writes a RIFF size that fits.  Called by media.c.
 *
 * Kept: VP8X (the extended header, first, with its EXIF and XMP flags
 * cleared to match), VP8 and VP8L (the image), ALPH (transparency), ANIM
 * and ANMF (animation, whose frames hold only image chunks), ICCP (the
 * colour profile).  Dropped: EXIF, "XMP " and every unknown chunk (the
 * container spec tells readers to ignore them), and anything after the
 * RIFF size.
 */
#include <string.h>

#include "media_int.h"

#define VP8X_ICC	0x20
#define VP8X_EXIF	0x08
#define VP8X_XMP	0x04

static void	 webp_dims(const uint8_t *, const uint8_t *, size_t,
		    struct media_info *);

/* Sets info's dimensions from an image chunk (type t, data d, len). */
static void
webp_dims(const uint8_t *t, const uint8_t *d, size_t len,
    struct media_info *info)
{
	if (memcmp(t, "VP8X", 4) == 0 && len >= 10) {
		info->width = 1 + (d[4] | d[5] << 8 | (uint32_t)d[6] << 16);
		info->height = 1 + (d[7] | d[8] << 8 | (uint32_t)d[9] << 16);
	} else if (memcmp(t, "VP8 ", 4) == 0 && len >= 10 &&
	    d[3] == 0x9d && d[4] == 0x01 && d[5] == 0x2a) {
		info->width = (d[6] | d[7] << 8) & 0x3fff;
		info->height = (d[8] | d[9] << 8) & 0x3fff;
	} else if (memcmp(t, "VP8L", 4) == 0 && len >= 5 && d[0] == 0x2f) {
		info->width = 1 + (d[1] | (d[2] & 0x3f) << 8);
		info->height = 1 + (d[2] >> 6 | d[3] << 2 | (d[4] & 0x0f) << 10);
	}
}

enum err
media_webp_strip(const uint8_t *p, size_t n, struct buf *out,
    struct media_info *info, const char **why)
{
	static const char keep[][5] = {
		"VP8 ", "VP8L", "ALPH", "ANIM", "ANMF", "ICCP"
	};
	size_t		 i = 12, end, len, padded, parts = 0, k, start;
	const uint8_t	*t, *d;
	uint32_t	 removed = 0;
	unsigned	 o = MEDIA_ORIENT_NONE;
	uint8_t		 hdr[8];
	bool		 image = false, kept, dims = false;
	enum err	 rc = ERR_OK;

	if (n < 12 || memcmp(p, "RIFF", 4) != 0 ||
	    memcmp(p + 8, "WEBP", 4) != 0) {
		rc = ERR_MEDIA_FORMAT;
		*why = "WebP: no RIFF WEBP header";
		goto done;
	}
	if (media_le32(p + 4) < 4 || media_le32(p + 4) > n - 8) {
		rc = media_le32(p + 4) < 4 ? ERR_MEDIA_FORMAT :
		    ERR_MEDIA_TRUNCATED;
		*why = "WebP: the RIFF size does not fit the file";
		goto done;
	}
	end = 8 + (size_t)media_le32(p + 4);
	start = out->len;
	buf_append(out, p, 12);		/* the size is written last */
	while (i < end) {
		if (++parts > MEDIA_MAX_PARTS) {
			rc = ERR_MEDIA_LIMIT;
			*why = "WebP: too many chunks";
			goto done;
		}
		if (end - i < 8) {
			rc = ERR_MEDIA_FORMAT;
			*why = "WebP: a chunk header runs past the RIFF size";
			goto done;
		}
		t = p + i;
		d = p + i + 8;
		len = media_le32(p + i + 4);
		if (len + (len & 1) > end - i - 8) {
			rc = ERR_MEDIA_FORMAT;
			*why = "WebP: a chunk runs past the RIFF size";
			goto done;
		}
		padded = len + (len & 1);
		if (memcmp(t, "VP8X", 4) == 0) {
			if (parts != 1 || len < 10) {
				rc = ERR_MEDIA_FORMAT;
				*why = "WebP: VP8X not first, or too short";
				goto done;
			}
			memcpy(hdr, t, 8);
			buf_append(out, hdr, 8);
			buf_putc(out, (char)(d[0] & ~(VP8X_EXIF | VP8X_XMP)));
			buf_append(out, d + 1, padded - 1);
			webp_dims(t, d, len, info);
			dims = true;
			i += 8 + padded;
			continue;
		}
		for (kept = false, k = 0; k < sizeof(keep) / sizeof(keep[0]);
		    k++)
			kept |= memcmp(t, keep[k], 4) == 0;
		if (kept) {
			if (memcmp(t, "ICCP", 4) != 0 &&
			    memcmp(t, "ALPH", 4) != 0)
				image = true;
			if (!dims && (memcmp(t, "VP8 ", 4) == 0 ||
			    memcmp(t, "VP8L", 4) == 0)) {
				webp_dims(t, d, len, info);
				dims = true;
			}
			buf_append(out, t, 8 + padded);
		} else if (memcmp(t, "EXIF", 4) == 0) {
			/* Some writers put JPEG's "Exif\0\0" first. */
			if (len >= 6 && memcmp(d, "Exif\0\0", 6) == 0)
				removed |= media_exif_scan(d + 6, len - 6, &o);
			else
				removed |= media_exif_scan(d, len, &o);
			removed |= MEDIA_RM_EXIF;
		} else if (memcmp(t, "XMP ", 4) == 0)
			removed |= MEDIA_RM_XMP | media_xmp_scan(d, len);
		else
			removed |= MEDIA_RM_OTHER;
		i += 8 + padded;
	}
	if (!image) {
		rc = ERR_MEDIA_FORMAT;
		*why = "WebP: no image chunk";
		goto done;
	}
	if (end < n)
		removed |= MEDIA_RM_TRAILER;
	if (!out->err)
		media_put_le32((uint8_t *)out->p + start + 4,
		    (uint32_t)(out->len - start - 8));
	info->removed = removed;
done:
	return rc;
}
