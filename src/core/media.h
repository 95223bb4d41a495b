/*
 * media.h: photos and videos before they leave the phone or the node
 * (issue 14, Blossom blobs).  The type comes from the bytes, never from
 * the client; media_strip makes a lossless copy with the metadata that can
 * give a photographer away removed -- GPS position, camera make, model and
 * serial number, dates, owner names, thumbnails, XMP, comments, QuickTime
 * location -- and says in plain words what it removed, with the
 * dimensions for NIP-94's "dim".
 *
 * Pure: bytes in, a caller's buffer out; no files, no clock, no globals.
 * Every length, count and nesting depth in the file is checked against the
 * input and against the limits below before it is used; a malformed file
 * is refused with an ERR_MEDIA_* code, never a crash.  `samizdat post
 * --photo` and the Blossom upload path call it; fuzz/fuzz-media.c and
 * test/unit/test-media.c share it.  web/src/mp4strip.js is the same MP4
 * stripper for the browser, byte for byte.  What each format keeps and
 * drops, and why, is written at the top of its file: media_jpeg.c,
 * media_png.c, media_webp.c, media_mp4.c.
 */
#ifndef SAMIZDAT_MEDIA_H
#define SAMIZDAT_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

/* Limits on any one file (beyond the caller's size cap). */
#define MEDIA_MAX_PARTS		65536	/* segments, chunks or boxes */
#define MEDIA_MAX_DEPTH		16	/* MP4 box nesting */

enum media_type {
	MEDIA_NONE = 0,		/* not a type we know */
	MEDIA_JPEG,
	MEDIA_PNG,
	MEDIA_WEBP,
	MEDIA_MP4,		/* ISO BMFF with an MP4 brand */
	MEDIA_MOV,		/* QuickTime: brand "qt  ", or no ftyp */
	MEDIA_GIF		/* recognised, but media_strip refuses it */
};

/*
 * What media_strip removed, as bits of media_info.removed.  The first
 * five are details of EXIF (or of QuickTime metadata, for date and
 * camera); media_removed_write turns the bits into words.
 */
#define MEDIA_RM_GPS		0x0001	/* "GPS position" */
#define MEDIA_RM_CAMERA		0x0002	/* "camera make and model" */
#define MEDIA_RM_OWNER		0x0004	/* "owner or author name" */
#define MEDIA_RM_DATE		0x0008	/* "date" */
#define MEDIA_RM_THUMB		0x0010	/* "thumbnail" */
#define MEDIA_RM_EXIF		0x0020	/* "EXIF" */
#define MEDIA_RM_XMP		0x0040	/* "XMP" */
#define MEDIA_RM_IPTC		0x0080	/* "IPTC" */
#define MEDIA_RM_COMMENT	0x0100	/* "comment" */
#define MEDIA_RM_TEXT		0x0200	/* "text notes" */
#define MEDIA_RM_LOCATION	0x0400	/* "QuickTime location" */
#define MEDIA_RM_VIDEOMETA	0x0800	/* "video metadata (udta, meta)" */
#define MEDIA_RM_OTHER		0x1000	/* "other metadata" */
#define MEDIA_RM_TRAILER	0x2000	/* "data after the end of the file" */

/*
 * What media_strip found.
 *
 *   type        the type of the input (and of the output)
 *   width       pixels, 0 when the file does not say: JPEG SOF, PNG IHDR,
 *   height      WebP VP8X/VP8/VP8L, MP4/MOV tkhd of the first video
 *               track (swapped when its matrix turns it by 90 degrees)
 *   orientation JPEG: the EXIF orientation (1 to 8) kept in the output,
 *               1 when there was none
 *   removed     MEDIA_RM_* bits; 0 when the file was already clean
 *   detail      on failure: a static sentence saying what is wrong, for a
 *               log line, or NULL; on success NULL.  The only field
 *               written on failure.
 */
struct media_info {
	enum media_type	 type;
	uint32_t	 width;
	uint32_t	 height;
	unsigned	 orientation;
	uint32_t	 removed;
	const char	*detail;
};

/*
 * The type of the n bytes at p, from magic bytes and structure only (the
 * ftyp brands tell MP4 from MOV; HEIF and AVIF brands are MEDIA_NONE).
 * Returns: the type, MEDIA_NONE when unknown.
 */
enum media_type	 media_sniff(const uint8_t *p, size_t n);
/* Returns: the MIME type, "application/octet-stream" for MEDIA_NONE. */
const char	*media_mime(enum media_type);
/* Returns: the file name extension without a dot ("jpg"), "bin" if none. */
const char	*media_ext(enum media_type);

/*
 * Copies the n bytes at in to out without their metadata, losslessly: the
 * image and video data are the same bytes, only the containers around
 * them change (sizes, and MP4 chunk offsets, are fixed).  Stripping the
 * output again gives the same bytes and removes nothing.  Refuses files
 * larger than max bytes.  Reads in; appends to out; fills info.
 * Returns: ERR_OK, or ERR_MEDIA_TYPE (unknown type or GIF),
 * ERR_MEDIA_SIZE (n > max), ERR_MEDIA_TRUNCATED, ERR_MEDIA_FORMAT,
 * ERR_MEDIA_CRC (PNG), ERR_MEDIA_LIMIT (past MEDIA_MAX_*),
 * ERR_MEDIA_FRAGMENTED, or ERR_NOMEM (memory, or out's cap).  On failure
 * out is untouched and only info->detail is set.
 */
enum err	 media_strip(const uint8_t *in, size_t n, size_t max,
		    struct buf *out, struct media_info *info);

/*
 * Appends what info->removed says, in words a reporter understands, items
 * separated by "; ", for example "EXIF: GPS position, camera make and
 * model, date, thumbnail; XMP; comment".  Appends nothing when nothing
 * was removed.
 */
void		 media_removed_write(const struct media_info *, struct buf *);

#endif
