/*
 * media_png.c: PNG without its metadata, losslessly: the chunks are walked
 * from the signature to IEND, every CRC is checked (zlib's crc32), and a
 * chunk is either copied whole, byte for byte, or left out.  Called by
 * media.c.
 *
 * Kept: the critical chunks (IHDR, PLTE, IDAT, IEND) and the ancillary
 * chunks that change how the image looks: tRNS (transparency), gAMA,
 * cHRM, sRGB, iCCP, cICP, mDCV and cLLI (colour and HDR), sBIT, bKGD,
 * pHYs (pixel aspect), and APNG's acTL, fcTL, fdAT (the animation).
 * Dropped: tEXt, zTXt and iTXt (author, comment, software, creation time,
 * XMP, raw EXIF profiles), eXIf, tIME, every other ancillary chunk (a
 * decoder may ignore them, so the picture is the same without them), and
 * anything after IEND.  An unknown critical chunk is refused: no viewer
 * could show the file, and copying it blind would copy whatever it holds.
 */
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "media_int.h"

#define PNG_SIG_LEN	8
#define PNG_MAX_CHUNK	0x7fffffffu	/* the PNG spec's limit */

static const uint8_t png_sig[PNG_SIG_LEN] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
};

/* The ancillary chunks that are kept (critical ones always are). */
static const char png_keep[][5] = {
	"tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "cICP", "mDCV", "cLLI",
	"mDCv", "cLLi", "sBIT", "bKGD", "pHYs", "acTL", "fcTL", "fdAT",
};

static bool	 png_type_ok(const uint8_t *);
static bool	 png_kept(const uint8_t *);
static uint32_t	 png_text(const uint8_t *, size_t);

/* Returns: whether the four type bytes are ASCII letters (PNG 5.4). */
static bool
png_type_ok(const uint8_t *t)
{
	int	 k;

	for (k = 0; k < 4; k++)
		if ((t[k] < 'A' || t[k] > 'Z') && (t[k] < 'a' || t[k] > 'z'))
			return false;
	return true;
}

/* Returns: whether an ancillary chunk of type t is kept. */
static bool
png_kept(const uint8_t *t)
{
	size_t	 k;

	for (k = 0; k < sizeof(png_keep) / sizeof(png_keep[0]); k++)
		if (memcmp(t, png_keep[k], 4) == 0)
			return true;
	return false;
}

/*
 * A tEXt, zTXt or iTXt chunk's data (len bytes), which starts with its
 * keyword.  Returns: what its keyword says it holds, as MEDIA_RM_* bits.
 */
static uint32_t
png_text(const uint8_t *d, size_t len)
{
	static const struct {
		const char	*key;
		uint32_t	 bit;
	} keys[] = {
		{ "XML:com.adobe.xmp", MEDIA_RM_XMP },
		{ "Raw profile type exif", MEDIA_RM_EXIF },
		{ "Raw profile type APP1", MEDIA_RM_EXIF },
		{ "Comment", MEDIA_RM_COMMENT },
		{ "Description", MEDIA_RM_COMMENT },
		{ "Author", MEDIA_RM_OWNER },
		{ "Artist", MEDIA_RM_OWNER },
		{ "Copyright", MEDIA_RM_OWNER },
		{ "Make", MEDIA_RM_CAMERA },
		{ "Model", MEDIA_RM_CAMERA },
		{ "Creation Time", MEDIA_RM_DATE },
		{ "create-date", MEDIA_RM_DATE },
		{ "date:create", MEDIA_RM_DATE },
		{ "date:modify", MEDIA_RM_DATE },
	};
	size_t	 k, kl;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		kl = strlen(keys[k].key);
		if (len > kl && strncasecmp((const char *)d, keys[k].key,
		    kl) == 0 && d[kl] == 0) {
			if (keys[k].bit == MEDIA_RM_XMP)
				return MEDIA_RM_XMP | media_xmp_scan(d, len);
			return keys[k].bit;
		}
	}
	return MEDIA_RM_TEXT;
}

enum err
media_png_strip(const uint8_t *p, size_t n, struct buf *out,
    struct media_info *info, const char **why)
{
	size_t		 i = PNG_SIG_LEN, parts = 0, len;
	const uint8_t	*t, *d;
	uint32_t	 removed = 0;
	unsigned	 o = MEDIA_ORIENT_NONE;
	bool		 idat = false;
	enum err	 rc = ERR_OK;

	if (n < PNG_SIG_LEN || memcmp(p, png_sig, PNG_SIG_LEN) != 0) {
		rc = ERR_MEDIA_FORMAT;
		*why = "PNG: no signature";
		goto done;
	}
	buf_append(out, p, PNG_SIG_LEN);
	for (;;) {
		if (++parts > MEDIA_MAX_PARTS) {
			rc = ERR_MEDIA_LIMIT;
			*why = "PNG: too many chunks";
			goto done;
		}
		if (n - i < 12) {
			rc = ERR_MEDIA_TRUNCATED;
			*why = "PNG: ends before IEND";
			goto done;
		}
		len = media_be32(p + i);
		t = p + i + 4;
		d = p + i + 8;
		if (len > PNG_MAX_CHUNK || !png_type_ok(t)) {
			rc = ERR_MEDIA_FORMAT;
			*why = "PNG: a chunk with a bad length or type";
			goto done;
		}
		if (len > n - i - 12) {
			rc = ERR_MEDIA_TRUNCATED;
			*why = "PNG: a chunk runs past the end";
			goto done;
		}
		if (crc32(0, t, (uInt)len + 4) != media_be32(d + len)) {
			rc = ERR_MEDIA_CRC;
			*why = "PNG: a chunk fails its CRC";
			goto done;
		}
		if ((parts == 1) != (memcmp(t, "IHDR", 4) == 0) ||
		    (parts == 1 && len != 13)) {
			rc = ERR_MEDIA_FORMAT;
			*why = "PNG: IHDR is not the first chunk, or is not 13 bytes";
			goto done;
		}
		if (parts == 1) {
			info->width = media_be32(d);
			info->height = media_be32(d + 4);
		}
		if (memcmp(t, "IDAT", 4) == 0)
			idat = true;
		if (t[0] >= 'A' && t[0] <= 'Z') {
			if (memcmp(t, "IHDR", 4) != 0 &&
			    memcmp(t, "PLTE", 4) != 0 &&
			    memcmp(t, "IDAT", 4) != 0 &&
			    memcmp(t, "IEND", 4) != 0) {
				rc = ERR_MEDIA_FORMAT;
				*why = "PNG: an unknown critical chunk";
				goto done;
			}
			buf_append(out, p + i, len + 12);
		} else if (png_kept(t))
			buf_append(out, p + i, len + 12);
		else if (memcmp(t, "tEXt", 4) == 0 ||
		    memcmp(t, "zTXt", 4) == 0 || memcmp(t, "iTXt", 4) == 0)
			removed |= png_text(d, len);
		else if (memcmp(t, "eXIf", 4) == 0)
			removed |= MEDIA_RM_EXIF | media_exif_scan(d, len, &o);
		else if (memcmp(t, "tIME", 4) == 0)
			removed |= MEDIA_RM_DATE;
		else
			removed |= MEDIA_RM_OTHER;
		i += len + 12;
		if (memcmp(t, "IEND", 4) == 0)
			break;
	}
	if (!idat) {
		rc = ERR_MEDIA_FORMAT;
		*why = "PNG: no image data (IDAT)";
		goto done;
	}
	if (i < n)
		removed |= MEDIA_RM_TRAILER;
	info->removed = removed;
done:
	return rc;
}
