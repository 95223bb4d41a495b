/*
 * media.c: the media module's front (media.h): the type from the bytes,
 * its MIME type and extension, media_strip's dispatch to one file per
 * format (media_jpeg.c, media_png.c, media_webp.c, media_mp4.c) into a
 * scratch buffer handed to the caller only on success, and the words for
 * what was removed.  Pure.
 */
#include <stdlib.h>
#include <string.h>

#include "media_int.h"

/* ISO BMFF brands (ftyp) that make a file MP4, or HEIF/AVIF (refused). */
static const char mp4_brands[][5] = {
	"isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8",
	"iso9", "mp41", "mp42", "avc1", "M4V ", "dash", "MSNV", "XAVC",
	"3gp4", "3gp5", "3gp6",
};
static const char heif_brands[][5] = {
	"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "mif2",
	"msf1", "avif", "avis", "heif",
};
/* The first boxes of QuickTime files without ftyp. */
static const char mov_first[][5] = {
	"moov", "mdat", "wide", "free", "skip", "pnot",
};

/* Indexed by enum media_type. */
static const struct {
	const char	*mime;
	const char	*ext;
} media_names[] = {
	{ "application/octet-stream", "bin" },
	{ "image/jpeg", "jpg" },
	{ "image/png", "png" },
	{ "image/webp", "webp" },
	{ "video/mp4", "mp4" },
	{ "video/quicktime", "mov" },
	{ "image/gif", "gif" },
};

/*
 * What each MEDIA_RM_* bit is called, in the order they are written.
 * detail: what a block said, written after "EXIF: " (or "XMP: " when
 * there was no EXIF, in an image), else on its own.
 */
static const struct {
	uint32_t	 bit;
	bool		 detail;
	const char	*words;
} media_words[] = {
	{ MEDIA_RM_LOCATION, false, "QuickTime location" },
	{ MEDIA_RM_GPS, true, "GPS position" },
	{ MEDIA_RM_CAMERA, true, "camera make and model" },
	{ MEDIA_RM_OWNER, true, "owner or author name" },
	{ MEDIA_RM_DATE, true, "date" },
	{ MEDIA_RM_THUMB, true, "thumbnail" },
	{ MEDIA_RM_XMP, false, "XMP" },
	{ MEDIA_RM_IPTC, false, "IPTC" },
	{ MEDIA_RM_COMMENT, false, "comment" },
	{ MEDIA_RM_TEXT, false, "text notes" },
	{ MEDIA_RM_VIDEOMETA, false, "video metadata (udta, meta)" },
	{ MEDIA_RM_OTHER, false, "other metadata" },
	{ MEDIA_RM_TRAILER, false, "data after the end of the file" },
};

static bool	 media_brand_in(const uint8_t *, const char (*)[5], size_t);
static enum media_type media_sniff_bmff(const uint8_t *, size_t);
static enum media_type media_sniff_qt(const uint8_t *, size_t);

/* Returns: whether the four bytes at b are one of the nb brands. */
static bool
media_brand_in(const uint8_t *b, const char (*brands)[5], size_t nb)
{
	size_t	 k;

	for (k = 0; k < nb; k++)
		if (memcmp(b, brands[k], 4) == 0)
			return true;
	return false;
}

/* Returns: MP4, MOV or NONE for a file whose first box is ftyp. */
static enum media_type
media_sniff_bmff(const uint8_t *p, size_t n)
{
	size_t	 size = media_be32(p), i;

	if (size < 16)
		return MEDIA_NONE;
	if (size > n)
		size = n;	/* judge the brands we have */
	if (memcmp(p + 8, "qt  ", 4) == 0)
		return MEDIA_MOV;
	if (media_brand_in(p + 8, heif_brands,
	    sizeof(heif_brands) / sizeof(heif_brands[0])))
		return MEDIA_NONE;
	if (media_brand_in(p + 8, mp4_brands,
	    sizeof(mp4_brands) / sizeof(mp4_brands[0])))
		return MEDIA_MP4;
	for (i = 16; i + 4 <= size; i += 4)
		if (media_brand_in(p + i, mp4_brands,
		    sizeof(mp4_brands) / sizeof(mp4_brands[0])))
			return MEDIA_MP4;
	return MEDIA_NONE;
}

/*
 * A QuickTime file without ftyp: MOV if its top-level boxes, walked as
 * far as they parse, hold a moov and no ftyp, or if it starts with a box
 * QuickTime files start with (a truncated file may have no moov yet).
 * The walk, not the first box alone, decides, so that a file whose first
 * box media_strip removes (free, skip) is still MOV afterwards.
 * Returns: MOV or NONE.
 */
static enum media_type
media_sniff_qt(const uint8_t *p, size_t n)
{
	uint64_t	 size;
	size_t		 i = 0, k;
	bool		 moov = false;

	for (k = 0; k < MEDIA_MAX_PARTS && n - i >= 8; k++) {
		size = media_be32(p + i);
		if (size == 1)
			size = n - i >= 16 ? media_be64(p + i + 8) : 0;
		else if (size == 0)
			size = n - i;
		if (memcmp(p + i + 4, "ftyp", 4) == 0)
			return MEDIA_NONE;
		if (memcmp(p + i + 4, "moov", 4) == 0)
			moov = true;
		if (size < 8 || size > n - i)
			break;
		i += (size_t)size;
	}
	if (moov || media_brand_in(p + 4, mov_first,
	    sizeof(mov_first) / sizeof(mov_first[0])))
		return MEDIA_MOV;
	return MEDIA_NONE;
}

enum media_type
media_sniff(const uint8_t *p, size_t n)
{
	static const uint8_t png_sig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};

	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return MEDIA_JPEG;
	if (n >= 8 && memcmp(p, png_sig, 8) == 0)
		return MEDIA_PNG;
	if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 ||
	    memcmp(p, "GIF89a", 6) == 0))
		return MEDIA_GIF;
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 &&
	    memcmp(p + 8, "WEBP", 4) == 0)
		return MEDIA_WEBP;
	if (n < 8)
		return MEDIA_NONE;
	if (memcmp(p + 4, "ftyp", 4) == 0)
		return n >= 12 ? media_sniff_bmff(p, n) : MEDIA_NONE;
	return media_sniff_qt(p, n);
}

const char *
media_mime(enum media_type t)
{
	if ((unsigned)t >= sizeof(media_names) / sizeof(media_names[0]))
		t = MEDIA_NONE;
	return media_names[t].mime;
}

const char *
media_ext(enum media_type t)
{
	if ((unsigned)t >= sizeof(media_names) / sizeof(media_names[0]))
		t = MEDIA_NONE;
	return media_names[t].ext;
}

enum err
media_strip(const uint8_t *in, size_t n, size_t max, struct buf *out,
    struct media_info *info)
{
	struct media_info mi;
	struct buf	 tmp;
	const char	*why = NULL;
	enum err	 rc;

	memset(&mi, 0, sizeof(mi));
	mi.orientation = MEDIA_ORIENT_NONE;
	/* The output is never longer than the input. */
	buf_init(&tmp, n > 0 ? n : 1);
	if (n > max) {
		rc = ERR_MEDIA_SIZE;
		goto done;
	}
	switch ((mi.type = media_sniff(in, n))) {
	case MEDIA_JPEG:
		rc = media_jpeg_strip(in, n, &tmp, &mi, &why);
		break;
	case MEDIA_PNG:
		rc = media_png_strip(in, n, &tmp, &mi, &why);
		break;
	case MEDIA_WEBP:
		rc = media_webp_strip(in, n, &tmp, &mi, &why);
		break;
	case MEDIA_MP4:
	case MEDIA_MOV:
		rc = media_mp4_strip(in, n, &tmp, &mi, &why);
		break;
	default:
		rc = ERR_MEDIA_TYPE;
		if (mi.type == MEDIA_GIF)
			why = "GIF is not supported";
		break;
	}
	if (rc == ERR_OK && tmp.err)
		rc = ERR_NOMEM;
	if (rc != ERR_OK)
		goto done;
	if (out->err || tmp.len > out->max - out->len) {
		rc = ERR_NOMEM;
		goto done;
	}
	if (out->len == 0) {
		/* Hand over the scratch rather than copy it. */
		free(out->p);
		out->p = tmp.p;
		out->cap = tmp.cap;
		out->len = tmp.len;
		tmp.p = NULL;
	} else
		buf_append(out, tmp.p, tmp.len);
done:
	buf_free(&tmp);
	if (rc == ERR_OK) {
		mi.detail = NULL;
		*info = mi;
	} else
		info->detail = why;
	return rc;
}

void
media_removed_write(const struct media_info *info, struct buf *b)
{
	uint32_t	 host;
	size_t		 k, nw = sizeof(media_words) / sizeof(media_words[0]);
	bool		 first = true, d = false;

	/* The details go with EXIF, else an image's XMP, else alone. */
	host = info->removed & MEDIA_RM_EXIF ? MEDIA_RM_EXIF :
	    (info->removed & (MEDIA_RM_XMP | MEDIA_RM_VIDEOMETA)) ==
	    MEDIA_RM_XMP ? MEDIA_RM_XMP : 0;
	if (host != 0) {
		buf_puts(b, host == MEDIA_RM_EXIF ? "EXIF" : "XMP");
		for (k = 0; k < nw; k++) {
			if (!media_words[k].detail ||
			    !(info->removed & media_words[k].bit))
				continue;
			buf_puts(b, d ? ", " : ": ");
			buf_puts(b, media_words[k].words);
			d = true;
		}
		first = false;
	}
	for (k = 0; k < nw; k++) {
		if (!(info->removed & media_words[k].bit) ||
		    media_words[k].bit == host ||
		    (host != 0 && media_words[k].detail))
			continue;
		if (!first)
			buf_puts(b, "; ");
		buf_puts(b, media_words[k].words);
		first = false;
	}
}
