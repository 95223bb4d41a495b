/*
 * fuzz-media.c: the media sniffer and stripper (media.h), which take
 * photos and videos from anyone.  The input is one file.  Whatever
 * media_strip refuses must leave the caller's buffer as it was, with an
 * ERR_MEDIA_* code; whatever it accepts must sniff as the same type, be
 * no larger, strip again to the same bytes with nothing removed, and hold
 * none of the metadata containers that stripping removes, as seen by the
 * small independent walks below (JPEG segments up to the first scan, PNG
 * chunks, WebP chunks, MP4 boxes down to stbl).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "media.h"

#define FUZZ_MAX	(1u << 22)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

/* JPEG: up to the first SOS, only the segments media_jpeg.c keeps. */
static void
check_jpeg(const uint8_t *p, size_t n)
{
	static const uint8_t orient[] = {
		0xff, 0xe1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1
	};
	size_t	 i = 2, len;
	uint8_t	 m;

	while (i + 4 <= n && p[i] == 0xff) {
		m = p[i + 1];
		if (m == 0xda || m == 0xd9)
			return;
		len = (size_t)p[i + 2] << 8 | p[i + 3];
		if (m == 0xfe)
			abort();
		if (m == 0xe1 && !(len == 34 && i + 36 <= n &&
		    memcmp(p + i, orient, sizeof(orient)) == 0))
			abort();
		if (m == 0xe0 && !(len == 16 && i + 18 <= n &&
		    memcmp(p + i + 4, "JFIF\0", 5)
		    == 0 && p[i + 16] == 0 && p[i + 17] == 0))
			abort();
		if (m == 0xee && len != 14)
			abort();
		if (m == 0xe2 && !(len >= 16 && i + 16 <= n &&
		    memcmp(p + i + 4, "ICC_PROFILE\0", 12) == 0))
			abort();
		if (m > 0xe2 && m <= 0xef && m != 0xee)
			abort();
		i += 2 + len;
	}
}

/* PNG: no text, EXIF or time chunk, nothing after IEND. */
static void
check_png(const uint8_t *p, size_t n)
{
	static const char *const bad[] = { "tEXt", "zTXt", "iTXt", "eXIf",
	    "tIME" };
	size_t	 i = 8, len, k;

	while (i + 12 <= n) {
		len = be32(p + i);
		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
			if (memcmp(p + i + 4, bad[k], 4) == 0)
				abort();
		if (memcmp(p + i + 4, "IEND", 4) == 0 && i + 12 + len != n)
			abort();
		i += 12 + len;
	}
}

/* WebP: no EXIF or XMP chunk or flag; a RIFF size that fits exactly. */
static void
check_webp(const uint8_t *p, size_t n)
{
	size_t	 i = 12, len;

	if (le32(p + 4) != n - 8)
		abort();
	while (i + 8 <= n) {
		len = le32(p + i + 4);
		if (memcmp(p + i, "EXIF", 4) == 0 ||
		    memcmp(p + i, "XMP ", 4) == 0)
			abort();
		if (memcmp(p + i, "VP8X", 4) == 0 && (p[i + 8] & 0x0c) != 0)
			abort();
		i += 8 + len + (len & 1);
	}
}

/* MP4: no udta, meta, uuid, free or skip in the boxes stripping walks. */
static void
check_mp4(const uint8_t *p, size_t n, size_t i, size_t end, int depth)
{
	static const char *const into[] = { "moov", "trak", "mdia", "minf",
	    "stbl" };
	uint64_t size;
	size_t	 hdr;

	while (i + 8 <= end) {
		size = be32(p + i);
		hdr = 8;
		if (size == 1) {
			if (i + 16 > end)
				abort();
			size = (uint64_t)be32(p + i + 8) << 32 | be32(p + i + 12);
			hdr = 16;
		} else if (size == 0)
			size = end - i;
		if (size < hdr || size > end - i)
			abort();	/* the output must parse */
		if (memcmp(p + i + 4, "udta", 4) == 0 ||
		    memcmp(p + i + 4, "meta", 4) == 0 ||
		    memcmp(p + i + 4, "uuid", 4) == 0 ||
		    memcmp(p + i + 4, "free", 4) == 0 ||
		    memcmp(p + i + 4, "skip", 4) == 0)
			abort();
		if (depth < 5 && memcmp(p + i + 4, into[depth], 4) == 0)
			check_mp4(p, n, i + hdr, i + (size_t)size, depth + 1);
		i += (size_t)size;
	}
	if (i != end)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct media_info info, again;
	struct buf	 out, out2;
	enum err	 rc;
	size_t		 pre = size & 1;	/* both hand-over paths */
	const uint8_t	*o;
	char		 reason[256];

	buf_init(&out, 0);
	buf_init(&out2, 0);
	if (pre)
		buf_putc(&out, 'x');
	memset(&info, 0, sizeof(info));
	rc = media_strip(data, size, FUZZ_MAX, &out, &info);
	err_reason_detail(rc, info.detail, reason, sizeof(reason));
	if (rc != ERR_OK) {
		if (out.len != pre || out.err)
			abort();
		if (rc != ERR_MEDIA_TYPE && rc != ERR_MEDIA_SIZE &&
		    rc != ERR_MEDIA_TRUNCATED && rc != ERR_MEDIA_FORMAT &&
		    rc != ERR_MEDIA_CRC && rc != ERR_MEDIA_LIMIT &&
		    rc != ERR_MEDIA_FRAGMENTED)
			abort();	/* ERR_NOMEM too: the output never grows */
		goto done;
	}
	o = (const uint8_t *)out.p + pre;
	if (pre && out.p[0] != 'x')
		abort();
	if (out.len - pre > size || info.detail != NULL ||
	    media_sniff(o, out.len - pre) != info.type ||
	    media_sniff(data, size) != info.type)
		abort();
	if (media_strip(o, out.len - pre, FUZZ_MAX, &out2, &again) != ERR_OK ||
	    out2.len != out.len - pre || memcmp(out2.p, o, out2.len) != 0 ||
	    again.removed != 0 || again.type != info.type ||
	    again.width != info.width || again.height != info.height ||
	    again.orientation != info.orientation)
		abort();
	switch (info.type) {
	case MEDIA_JPEG:
		check_jpeg(o, out2.len);
		break;
	case MEDIA_PNG:
		check_png(o, out2.len);
		break;
	case MEDIA_WEBP:
		check_webp(o, out2.len);
		break;
	case MEDIA_MP4:
	case MEDIA_MOV:
		check_mp4(o, out2.len, 0, out2.len, 0);
		break;
	default:
		abort();
	}
done:
	buf_free(&out);
	buf_free(&out2);
	return 0;
}
