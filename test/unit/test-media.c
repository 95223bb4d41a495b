/*
 * test-media.c: the media sniffer and stripper of core/media*.c on the
 * sample files of test/media/ (README.md there says how they were made).
 * Per format: the image or video data come out byte for byte (the JPEG's
 * SOS..EOI, the PNG's IDAT chunks, the WebP's VP8 chunk, the MP4's mdat
 * and every chunk the stco/co64 tables point at, before and after their
 * offsets were fixed), none of the metadata or its values is left, the
 * dimensions and the words for what was removed are right, and stripping
 * again changes nothing.  Then crafted variants: an EXIF orientation kept
 * alone, 64-bit and size-0 mdat, co64 tables, moof; and refusals, each
 * with its code and the caller's buffer untouched: truncated and
 * corrupted files of each type, unknown types, the size cap.  Inputs are
 * exact-size heap copies, so ASan sees any read past the end.
 */
#include "testutil.h"

#include <stdbool.h>

#include "media.h"

#define CAP	(64u << 20)

struct file {
	uint8_t	*p;
	size_t	 n;
};

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

/* A sample file as an exact-size heap copy. */
static struct file
load(const char *name)
{
	struct file f;
	char	 path[256];
	char	*s;

	snprintf(path, sizeof(path), "../media/%s", name);
	s = tu_read_file(path, &f.n);
	f.p = malloc(f.n);
	assert_non_null(f.p);
	memcpy(f.p, s, f.n);
	free(s);
	return f;
}

static struct file
copy(const uint8_t *p, size_t n)
{
	struct file f;

	f.p = malloc(n > 0 ? n : 1);
	assert_non_null(f.p);
	if (n > 0)
		memcpy(f.p, p, n);
	f.n = n;
	return f;
}

/* media_strip into a fresh buffer, which must succeed. */
static struct file
strip(const struct file *in, struct media_info *info)
{
	struct buf	 out;
	struct file	 f;
	enum err	 rc;

	buf_init(&out, 0);
	rc = media_strip(in->p, in->n, CAP, &out, info);
	if (rc != ERR_OK)
		fail_msg("media_strip: %s (%s)", err_name(rc),
		    info->detail ? info->detail : "");
	assert_null(info->detail);
	assert_true(out.len <= in->n);
	f = copy((const uint8_t *)out.p, out.len);
	buf_free(&out);
	return f;
}

/* Stripping s again gives the same bytes and removes nothing. */
static void
assert_idempotent(const struct file *s, const struct media_info *info)
{
	struct media_info again;
	struct file	 t = strip(s, &again);

	assert_int_equal(t.n, s->n);
	assert_memory_equal(t.p, s->p, s->n);
	assert_int_equal(again.removed, 0);
	assert_int_equal(again.type, info->type);
	assert_int_equal(again.width, info->width);
	assert_int_equal(again.height, info->height);
	assert_int_equal(media_sniff(s->p, s->n), info->type);
	free(t.p);
}

static bool
has(const struct file *f, const void *needle, size_t nn)
{
	return nn <= f->n && memmem(f->p, f->n, needle, nn) != NULL;
}

#define assert_absent(f, s)						\
	do {								\
		if (has((f), (s), sizeof(s) - 1))			\
			fail_msg("stripped output still holds \"%s\"", (s)); \
	} while (0)

/* Nothing of the samples' metadata: markers, names, values. */
static void
assert_clean(const struct file *f)
{
	assert_absent(f, "Exif\0\0");
	assert_absent(f, "GPS");
	assert_absent(f, "<x:xmpmeta");
	assert_absent(f, "http://ns.adobe.com");
	assert_absent(f, "\xa9xyz");
	assert_absent(f, "+43.2389+076.9455/");
	assert_absent(f, "43.238949");
	assert_absent(f, "com.apple.quicktime");
	assert_absent(f, "SamizdatTestCam");
	assert_absent(f, "FixtureOne");
	assert_absent(f, "NobodyFixture");
	assert_absent(f, "FIX0001");
	assert_absent(f, "2026:01:05");
	assert_absent(f, "2026-01-05");
	assert_absent(f, "Taken by");
}

static void
assert_words(const struct media_info *info, const char *want)
{
	struct buf	 b;

	buf_init(&b, 0);
	media_removed_write(info, &b);
	assert_false(b.err);
	assert_string_equal(b.len > 0 ? b.p : "", want);
	buf_free(&b);
}

/* --- JPEG ------------------------------------------------------------- */

/* The offset of the first SOS marker, walking the segments before it. */
static size_t
jpeg_sos(const struct file *f)
{
	size_t	 i = 2;

	while (i + 4 <= f->n) {
		assert_int_equal(f->p[i], 0xff);
		if (f->p[i + 1] == 0xda)
			return i;
		i += 2 + ((size_t)f->p[i + 2] << 8 | f->p[i + 3]);
	}
	fail_msg("no SOS");
	return 0;
}

/* The length of phone.jpg's APP1 (EXIF), marker included: after JFIF. */
static size_t
app1_len(const struct file *f)
{
	assert_int_equal(f->p[20], 0xff);
	assert_int_equal(f->p[21], 0xe1);
	return 2 + ((size_t)f->p[22] << 8 | f->p[23]);
}

/* The end of EOI: the last ff d9 in the file. */
static size_t
jpeg_eoi_end(const struct file *f)
{
	size_t	 i;

	for (i = f->n; i >= 2; i--)
		if (f->p[i - 2] == 0xff && f->p[i - 1] == 0xd9)
			return i;
	fail_msg("no EOI");
	return 0;
}

/* The image data, SOS to EOI, are the same bytes in both. */
static void
assert_jpeg_scan_kept(const struct file *in, const struct file *out)
{
	size_t	 a = jpeg_sos(in), b = jpeg_sos(out);
	size_t	 ae = jpeg_eoi_end(in), be = jpeg_eoi_end(out);

	assert_int_equal(ae - a, be - b);
	assert_memory_equal(in->p + a, out->p + b, ae - a);
	assert_int_equal(be, out->n);
}

static void
test_jpeg_phone(void **state)
{
	struct file	 in = load("phone.jpg"), out;
	struct media_info info;

	assert_int_equal(media_sniff(in.p, in.n), MEDIA_JPEG);
	out = strip(&in, &info);
	assert_int_equal(info.type, MEDIA_JPEG);
	assert_int_equal(info.width, 480);
	assert_int_equal(info.height, 320);
	assert_int_equal(info.orientation, 1);
	assert_int_equal(info.removed, MEDIA_RM_EXIF | MEDIA_RM_GPS |
	    MEDIA_RM_CAMERA | MEDIA_RM_OWNER | MEDIA_RM_DATE | MEDIA_RM_THUMB);
	assert_words(&info, "EXIF: GPS position, camera make and model, "
	    "owner or author name, date, thumbnail");
	assert_jpeg_scan_kept(&in, &out);
	assert_clean(&out);
	/* Only the APP1 went: the rest is ImageMagick's file as it was. */
	assert_int_equal(out.n, in.n - app1_len(&in));
	assert_idempotent(&out, &info);
	free(in.p);
	free(out.p);
}

static void
test_jpeg_xmp_comment(void **state)
{
	struct file	 in = load("xmp-comment.jpg"), out;
	struct media_info info;

	out = strip(&in, &info);
	assert_int_equal(info.width, 320);
	assert_int_equal(info.height, 213);
	assert_int_equal(info.removed, MEDIA_RM_XMP | MEDIA_RM_GPS |
	    MEDIA_RM_CAMERA | MEDIA_RM_COMMENT);
	assert_words(&info, "XMP: GPS position, camera make and model; "
	    "comment");
	assert_true(has(&in, "\xff\xfe", 2));
	assert_jpeg_scan_kept(&in, &out);
	assert_clean(&out);
	assert_idempotent(&out, &info);
	free(in.p);
	free(out.p);
}

/* APP14 Adobe (the colour transform) is kept: nothing else is there. */
static void
test_jpeg_adobe_kept(void **state)
{
	struct file	 in = load("adobe-cmyk.jpg"), out;
	struct media_info info;

	out = strip(&in, &info);
	assert_int_equal(info.removed, 0);
	assert_words(&info, "");
	assert_int_equal(out.n, in.n);
	assert_memory_equal(out.p, in.p, in.n);
	assert_true(has(&out, "\xff\xee\x00\x0e" "Adobe", 9));
	free(in.p);
	free(out.p);
}

/* A sideways phone photo keeps its orientation, and only that. */
static void
test_jpeg_orientation(void **state)
{
	static const uint8_t entry[] = { 0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1,
	    0x00, 0x01 };
	static const uint8_t block[] = { 0xff, 0xe1, 0x00, 0x22, 'E', 'x', 'i',
	    'f', 0, 0, 'M', 'M', 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3,
	    0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0 };
	struct file	 in = load("phone.jpg"), out;
	struct media_info info;
	uint8_t		*e = memmem(in.p, in.n, entry, sizeof(entry));

	assert_non_null(e);
	e[9] = 6;			/* rotate 90 degrees clockwise */
	out = strip(&in, &info);
	assert_int_equal(info.orientation, 6);
	assert_int_equal(out.n, in.n - app1_len(&in) + sizeof(block));
	/* Right after the JFIF APP0, where the EXIF was. */
	assert_memory_equal(out.p + 2 + 18, block, sizeof(block));
	assert_ptr_equal(memmem(out.p + 56, out.n - 56, "Exif", 4), NULL);
	assert_absent(&out, "GPS");
	assert_absent(&out, "SamizdatTestCam");
	assert_absent(&out, "2026:01:05");
	assert_jpeg_scan_kept(&in, &out);
	assert_idempotent(&out, &info);
	free(in.p);
	free(out.p);
}

/* An EXIF too short for the one-tag block loses its orientation. */
static void
test_jpeg_short_exif(void **state)
{
	static const uint8_t app1[] = { 0xff, 0xe1, 0x00, 0x1e, 'E', 'x', 'i',
	    'f', 0, 0, 'M', 'M', 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3,
	    0, 0, 0, 1, 0, 6, 0, 0 };
	struct file	 in = load("adobe-cmyk.jpg"), x, out;
	struct media_info info;

	x.n = in.n + sizeof(app1);
	x.p = malloc(x.n);
	assert_non_null(x.p);
	memcpy(x.p, in.p, 2);
	memcpy(x.p + 2, app1, sizeof(app1));
	memcpy(x.p + 2 + sizeof(app1), in.p + 2, in.n - 2);
	out = strip(&x, &info);
	assert_int_equal(info.orientation, 1);
	assert_int_equal(info.removed, MEDIA_RM_EXIF);
	assert_int_equal(out.n, in.n);
	assert_memory_equal(out.p, in.p, in.n);
	free(in.p);
	free(x.p);
	free(out.p);
}

/* Fill bytes and data after EOI go; the scan stays. */
static void
test_jpeg_fill_trailer(void **state)
{
	struct file	 in = load("adobe-cmyk.jpg"), big, out;
	struct media_info info;
	size_t		 sos = jpeg_sos(&in);

	big.n = in.n + 3 + 9;
	big.p = malloc(big.n);
	assert_non_null(big.p);
	memcpy(big.p, in.p, sos);
	memset(big.p + sos, 0xff, 3);		/* fill bytes */
	memcpy(big.p + sos + 3, in.p + sos, in.n - sos);
	memcpy(big.p + 3 + in.n, "GPS 1,2,3", 9);	/* after EOI */
	out = strip(&big, &info);
	assert_int_equal(info.removed, MEDIA_RM_TRAILER);
	assert_words(&info, "data after the end of the file");
	assert_int_equal(out.n, in.n);
	assert_memory_equal(out.p, in.p, in.n);
	free(in.p);
	free(big.p);
	free(out.p);
}

/* --- PNG -------------------------------------------------------------- */

/* All chunks of type t, whole (length, type, data, CRC), concatenated. */
static struct file
png_chunks(const struct file *f, const char *t)
{
	struct buf	 b;
	struct file	 r;
	size_t		 i = 8, len;

	buf_init(&b, 0);
	while (i + 12 <= f->n) {
		len = be32(f->p + i);
		assert_true(len <= f->n - i - 12);
		if (memcmp(f->p + i + 4, t, 4) == 0)
			buf_append(&b, f->p + i, len + 12);
		i += len + 12;
	}
	assert_int_equal(i, f->n);
	r = copy((const uint8_t *)b.p, b.len);
	buf_free(&b);
	return r;
}

static void
test_png_notes(void **state)
{
	static const char *const gone[] = { "tEXt", "zTXt", "iTXt", "eXIf",
	    "tIME" };
	static const char *const kept[] = { "IHDR", "gAMA", "cHRM", "PLTE",
	    "bKGD", "IDAT", "IEND" };
	struct file	 in = load("notes.png"), out, a, b;
	struct media_info info;
	size_t		 k;

	assert_int_equal(media_sniff(in.p, in.n), MEDIA_PNG);
	out = strip(&in, &info);
	assert_int_equal(info.width, 120);
	assert_int_equal(info.height, 80);
	assert_int_equal(info.removed, MEDIA_RM_EXIF | MEDIA_RM_GPS |
	    MEDIA_RM_CAMERA | MEDIA_RM_OWNER | MEDIA_RM_DATE | MEDIA_RM_XMP |
	    MEDIA_RM_COMMENT | MEDIA_RM_TEXT);
	assert_words(&info, "EXIF: GPS position, camera make and model, "
	    "owner or author name, date; XMP; comment; text notes");
	for (k = 0; k < sizeof(gone) / sizeof(gone[0]); k++) {
		a = png_chunks(&in, gone[k]);
		b = png_chunks(&out, gone[k]);
		assert_true(a.n > 0 || strcmp(gone[k], "zTXt") == 0);
		assert_int_equal(b.n, 0);
		free(a.p);
		free(b.p);
	}
	for (k = 0; k < sizeof(kept) / sizeof(kept[0]); k++) {
		a = png_chunks(&in, kept[k]);
		b = png_chunks(&out, kept[k]);
		assert_true(a.n > 0);
		assert_int_equal(a.n, b.n);
		assert_memory_equal(a.p, b.p, a.n);
		free(a.p);
		free(b.p);
	}
	assert_clean(&out);
	assert_idempotent(&out, &info);
	free(in.p);
	free(out.p);
}

/* --- WebP ------------------------------------------------------------- */

/* The first chunk of type t, whole with padding, or n == 0. */
static struct file
webp_chunk(const struct file *f, const char *t)
{
	struct file	 r = { NULL, 0 };
	size_t		 i = 12, len;

	while (i + 8 <= f->n) {
		len = (size_t)f->p[i + 4] | (size_t)f->p[i + 5] << 8 |
		    (size_t)f->p[i + 6] << 16 | (size_t)f->p[i + 7] << 24;
		if (memcmp(f->p + i, t, 4) == 0)
			return copy(f->p + i, 8 + len + (len & 1));
		i += 8 + len + (len & 1);
	}
	return r;
}

static void
test_webp(void **state)
{
	struct file	 in = load("exif-xmp.webp"), out, a, b;
	struct media_info info;

	assert_int_equal(media_sniff(in.p, in.n), MEDIA_WEBP);
	out = strip(&in, &info);
	assert_int_equal(info.width, 240);
	assert_int_equal(info.height, 160);
	assert_int_equal(info.removed, MEDIA_RM_EXIF | MEDIA_RM_GPS |
	    MEDIA_RM_CAMERA | MEDIA_RM_OWNER | MEDIA_RM_DATE | MEDIA_RM_XMP);
	assert_words(&info, "EXIF: GPS position, camera make and model, "
	    "owner or author name, date; XMP");
	a = webp_chunk(&in, "VP8 ");
	b = webp_chunk(&out, "VP8 ");
	assert_true(a.n > 0);
	assert_int_equal(a.n, b.n);
	assert_memory_equal(a.p, b.p, a.n);
	free(a.p);
	free(b.p);
	a = webp_chunk(&in, "EXIF");
	assert_true(a.n > 0);
	free(a.p);
	assert_int_equal(webp_chunk(&out, "EXIF").n, 0);
	assert_int_equal(webp_chunk(&out, "XMP ").n, 0);
	a = webp_chunk(&in, "VP8X");
	b = webp_chunk(&out, "VP8X");
	assert_int_equal(a.p[8] & 0x0c, 0x0c);
	assert_int_equal(b.p[8], a.p[8] & ~0x0c);
	assert_memory_equal(a.p + 9, b.p + 9, 9);
	free(a.p);
	free(b.p);
	assert_int_equal(out.p[4] | out.p[5] << 8 | out.p[6] << 16 |
	    out.p[7] << 24, out.n - 8);
	assert_clean(&out);
	assert_idempotent(&out, &info);
	free(in.p);
	free(out.p);
}

/* --- MP4 and MOV ------------------------------------------------------ */

/*
 * What a walk of an MP4 found: the mdat payload, the chunk offsets of
 * every stco and co64 table in order, and whether a udta, meta or uuid
 * box was seen.
 */
struct mp4_seen {
	size_t		 mdat, mdat_len;
	uint64_t	 off[256];
	size_t		 noff;
	bool		 co64;
	bool		 meta;
	uint64_t	 mvhd_times;
};

/* Walks boxes from i to end; fails on any box that does not fit. */
static void
mp4_walk(const struct file *f, size_t i, size_t end, int depth,
    struct mp4_seen *s)
{
	static const char *const into[] = { "moov", "trak", "mdia", "minf",
	    "stbl" };
	uint64_t	 size;
	size_t		 hdr, k, cnt;
	const uint8_t	*t;

	while (i < end) {
		assert_true(end - i >= 8);
		size = be32(f->p + i);
		t = f->p + i + 4;
		hdr = 8;
		if (size == 1) {
			size = be64(f->p + i + 8);
			hdr = 16;
		} else if (size == 0) {
			assert_int_equal(depth, 0);
			size = end - i;
		}
		assert_true(size >= hdr && size <= end - i);
		if (memcmp(t, "udta", 4) == 0 || memcmp(t, "meta", 4) == 0 ||
		    memcmp(t, "uuid", 4) == 0)
			s->meta = true;
		if (depth == 0 && memcmp(t, "mdat", 4) == 0) {
			s->mdat = i + hdr;
			s->mdat_len = (size_t)size - hdr;
		}
		if (depth == 1 && memcmp(t, "mvhd", 4) == 0)
			s->mvhd_times = be64(f->p + i + hdr + 4);
		if (depth == 5 && (memcmp(t, "stco", 4) == 0 ||
		    memcmp(t, "co64", 4) == 0)) {
			cnt = be32(f->p + i + hdr + 4);
			s->co64 |= t[1] == 'o';
			for (k = 0; k < cnt; k++) {
				assert_true(s->noff < 256);
				s->off[s->noff++] = t[1] == 'o' ?
				    be64(f->p + i + hdr + 8 + 8 * k) :
				    be32(f->p + i + hdr + 8 + 4 * k);
			}
		}
		if (depth < 5 && memcmp(t, into[depth], 4) == 0)
			mp4_walk(f, i + hdr, i + (size_t)size, depth + 1, s);
		i += (size_t)size;
	}
	assert_int_equal(i, end);
}

static struct mp4_seen
mp4_seen(const struct file *f)
{
	struct mp4_seen	 s;

	memset(&s, 0, sizeof(s));
	mp4_walk(f, 0, f->n, 0, &s);
	assert_true(s.mdat > 0);
	return s;
}

/* Each chunk, from its offset to the next one or the end of mdat. */
static size_t
mp4_chunk_len(const struct mp4_seen *s, uint64_t off)
{
	uint64_t	 end = s->mdat + s->mdat_len;
	size_t		 k;

	for (k = 0; k < s->noff; k++)
		if (s->off[k] > off && s->off[k] < end)
			end = s->off[k];
	return (size_t)(end - off);
}

/*
 * The stripped file parses box by box, keeps the mdat payload and points
 * every chunk offset at the same bytes as before; no metadata box or
 * value is left and the recording times are zero.  Returns: how far the
 * chunks moved.
 */
static int64_t
assert_mp4_kept(const struct file *in, const struct file *out)
{
	struct mp4_seen	 a = mp4_seen(in), b = mp4_seen(out);
	size_t		 k, len;

	assert_true(a.meta);
	assert_false(b.meta);
	assert_int_equal(b.mvhd_times, 0);
	assert_int_equal(a.mdat_len, b.mdat_len);
	assert_memory_equal(in->p + a.mdat, out->p + b.mdat, a.mdat_len);
	assert_int_equal(a.noff, b.noff);
	assert_true(a.noff > 0);
	for (k = 0; k < a.noff; k++) {
		len = mp4_chunk_len(&a, a.off[k]);
		assert_int_equal(len, mp4_chunk_len(&b, b.off[k]));
		assert_true(b.off[k] + len <= out->n);
		assert_memory_equal(in->p + a.off[k], out->p + b.off[k], len);
		assert_int_equal(a.off[k] - b.off[k], a.off[0] - b.off[0]);
	}
	assert_clean(out);
	assert_absent(out, "loci");
	return (int64_t)(a.off[0] - b.off[0]);
}

/* The committed .stripped file (for web/test) is what media_strip makes. */
static void
assert_committed(const char *name, const struct file *out)
{
	struct file	 c = load(name);

	if (c.n != out->n || memcmp(c.p, out->p, c.n) != 0)
		fail_msg("test/media/%s is stale: rerun build/tools/strip "
		    "(test/media/README.md)", name);
	free(c.p);
}

static void
test_mp4_location(void **state)
{
	struct file	 in = load("location.mp4"), out;
	struct media_info info;

	assert_int_equal(media_sniff(in.p, in.n), MEDIA_MP4);
	out = strip(&in, &info);
	assert_int_equal(info.width, 160);
	assert_int_equal(info.height, 120);
	assert_int_equal(info.removed, MEDIA_RM_LOCATION | MEDIA_RM_CAMERA |
	    MEDIA_RM_DATE | MEDIA_RM_VIDEOMETA);
	assert_words(&info, "QuickTime location; camera make and model; "
	    "date; video metadata (udta, meta)");
	assert_true(has(&in, "\xa9xyz", 4));
	assert_true(has(&in, "+43.2389+076.9455/", 18));
	/* moov after mdat: nothing before the media data moves. */
	assert_int_equal(assert_mp4_kept(&in, &out), 0);
	assert_committed("location.stripped.mp4", &out);
	assert_idempotent(&out, &info);
	free(in.p);
	free(out.p);
}

static void
test_mp4_faststart(void **state)
{
	struct file	 in = load("faststart.mp4"), out;
	struct media_info info;

	out = strip(&in, &info);
	assert_int_equal(info.width, 160);
	assert_int_equal(info.height, 120);
	assert_int_equal(info.removed, MEDIA_RM_LOCATION | MEDIA_RM_CAMERA |
	    MEDIA_RM_DATE | MEDIA_RM_XMP | MEDIA_RM_VIDEOMETA);
	assert_words(&info, "QuickTime location; camera make and model; "
	    "date; XMP; video metadata (udta, meta)");
	/* moov first: every chunk moved back by what was cut before mdat. */
	assert_int_equal(assert_mp4_kept(&in, &out), (int64_t)(in.n - out.n));
	assert_committed("faststart.stripped.mp4", &out);
	assert_idempotent(&out, &info);
	free(in.p);
	free(out.p);
}

static void
test_mov(void **state)
{
	struct file	 in = load("clip.mov"), out;
	struct media_info info;

	assert_int_equal(media_sniff(in.p, in.n), MEDIA_MOV);
	out = strip(&in, &info);
	assert_int_equal(info.type, MEDIA_MOV);
	assert_int_equal(info.width, 160);
	assert_int_equal(info.height, 120);
	assert_int_equal(info.removed, MEDIA_RM_LOCATION | MEDIA_RM_CAMERA |
	    MEDIA_RM_DATE | MEDIA_RM_VIDEOMETA);
	assert_true(has(&in, "com.apple.quicktime.location.ISO6709", 36));
	assert_int_equal(assert_mp4_kept(&in, &out), (int64_t)(in.n - out.n));
	assert_committed("clip.stripped.mov", &out);
	assert_idempotent(&out, &info);
	free(in.p);
	free(out.p);
}

/* The offset of the top-level box of type t. */
static size_t
mp4_top(const struct file *f, const char *t)
{
	size_t	 i = 0, size;

	while (i + 8 <= f->n) {
		if (memcmp(f->p + i + 4, t, 4) == 0)
			return i;
		size = be32(f->p + i);
		assert_true(size >= 8);
		i += size;
	}
	fail_msg("no %s box", t);
	return 0;
}

/*
 * faststart.mp4 with a 64-bit mdat header: its 8-byte free box goes
 * after the uuid and becomes the mdat header's extra 8 bytes, so no
 * offset changes.
 */
static void
test_mp4_mdat64(void **state)
{
	struct file	 in = load("faststart.mp4"), x, out;
	struct media_info info;
	size_t		 fr = mp4_top(&in, "free"), uu = mp4_top(&in, "uuid");
	size_t		 md = mp4_top(&in, "mdat"), ul = md - uu;

	assert_int_equal(be32(in.p + fr), 8);
	assert_int_equal(uu, fr + 8);
	x = copy(in.p, in.n);
	memcpy(x.p + fr, in.p + uu, ul);		/* uuid up */
	put32(x.p + fr + ul, 1);
	memcpy(x.p + fr + ul + 4, "mdat", 4);
	put64(x.p + fr + ul + 8, be32(in.p + md) + 8);
	out = strip(&x, &info);
	assert_mp4_kept(&x, &out);
	assert_int_equal(be32(out.p + mp4_top(&out, "mdat")), 1);
	assert_idempotent(&out, &info);
	free(in.p);
	free(x.p);
	free(out.p);
}

/* A last box of size 0 runs to the end of the file, and stays so. */
static void
test_mp4_size0(void **state)
{
	struct file	 in = load("faststart.mp4"), out;
	struct media_info info;

	put32(in.p + mp4_top(&in, "mdat"), 0);
	out = strip(&in, &info);
	assert_mp4_kept(&in, &out);
	assert_int_equal(be32(out.p + mp4_top(&out, "mdat")), 0);
	assert_idempotent(&out, &info);
	free(in.p);
	free(out.p);
}

/*
 * Copies the boxes of [i, end) at depth, turning stco into co64 (grow
 * bytes added to each offset) and fixing container sizes.  Returns: the
 * bytes written.
 */
static size_t
to_co64(const struct file *f, size_t i, size_t end, int depth,
    uint64_t grow, struct buf *b)
{
	static const char *const into[] = { "moov", "trak", "mdia", "minf",
	    "stbl" };
	size_t		 size, at, k, cnt, w, total = 0;
	uint8_t		 h[16];

	while (i < end) {
		size = be32(f->p + i);
		assert_true(size >= 8);
		if (depth < 5 && memcmp(f->p + i + 4, into[depth], 4) == 0) {
			at = b->len;
			buf_append(b, f->p + i, 8);
			w = 8 + to_co64(f, i + 8, i + size, depth + 1, grow, b);
			put32((uint8_t *)b->p + at, (uint32_t)w);
		} else if (depth == 5 && memcmp(f->p + i + 4, "stco", 4) == 0) {
			cnt = be32(f->p + i + 12);
			put32(h, (uint32_t)(16 + 8 * cnt));
			memcpy(h + 4, "co64", 4);
			memcpy(h + 8, f->p + i + 8, 8);
			buf_append(b, h, 16);
			for (k = 0; k < cnt; k++) {
				put64(h, be32(f->p + i + 16 + 4 * k) + grow);
				buf_append(b, h, 8);
			}
			w = 16 + 8 * cnt;
		} else {
			buf_append(b, f->p + i, size);
			w = size;
		}
		total += w;
		i += size;
	}
	return total;
}

/* clip.mov with co64 tables: 64-bit chunk offsets are fixed too. */
static void
test_mp4_co64(void **state)
{
	struct file	 in = load("clip.mov"), x, out;
	struct media_info info;
	struct mp4_seen	 s = mp4_seen(&in), t;
	struct buf	 b;
	size_t		 first;

	buf_init(&b, 0);
	/* Every table gains 4 bytes an entry, all before mdat. */
	to_co64(&in, 0, in.n, 0, 4 * s.noff, &b);
	assert_false(b.err);
	x = copy((const uint8_t *)b.p, b.len);
	buf_free(&b);
	t = mp4_seen(&x);
	assert_true(t.co64);
	first = (size_t)t.off[0];
	assert_memory_equal(x.p + first, in.p + s.off[0], 16);
	out = strip(&x, &info);
	assert_true(mp4_seen(&out).co64);
	assert_int_equal(assert_mp4_kept(&x, &out), (int64_t)(x.n - out.n));
	assert_idempotent(&out, &info);
	free(in.p);
	free(x.p);
	free(out.p);
}

/* A fragmented file with something to cut is refused; a clean one is not. */
static void
test_mp4_fragmented(void **state)
{
	struct file	 in = load("faststart.mp4"), clean, x;
	struct media_info info;
	struct buf	 out;

	x.n = in.n + 8;
	x.p = malloc(x.n);
	assert_non_null(x.p);
	memcpy(x.p, in.p, in.n);
	memcpy(x.p + in.n, "\0\0\0\x08moof", 8);
	buf_init(&out, 0);
	assert_int_equal(media_strip(x.p, x.n, CAP, &out, &info),
	    ERR_MEDIA_FRAGMENTED);
	assert_int_equal(out.len, 0);
	free(x.p);
	clean = strip(&in, &info);
	x.n = clean.n + 8;
	x.p = malloc(x.n);
	assert_non_null(x.p);
	memcpy(x.p, clean.p, clean.n);
	memcpy(x.p + clean.n, "\0\0\0\x08moof", 8);
	assert_int_equal(media_strip(x.p, x.n, CAP, &out, &info), ERR_OK);
	assert_int_equal(out.len, x.n);
	buf_free(&out);
	free(x.p);
	free(clean.p);
	free(in.p);
}

/* --- refusals --------------------------------------------------------- */

/*
 * media_strip refuses f with want; a buffer that held "keep" still does,
 * and info is untouched but for detail.
 */
static void
assert_refused(const struct file *f, enum err want)
{
	struct media_info info;
	struct buf	 out;
	struct file	 x = copy(f->p, f->n);
	enum err	 rc;

	buf_init(&out, 0);
	buf_puts(&out, "keep");
	memset(&info, 0, sizeof(info));
	info.width = 12345;
	rc = media_strip(x.p, x.n, CAP, &out, &info);
	if (rc != want)
		fail_msg("media_strip gave %s (%s), not %s", err_name(rc),
		    info.detail ? info.detail : "", err_name(want));
	assert_int_equal(out.len, 4);
	assert_false(out.err);
	assert_string_equal(out.p, "keep");
	assert_int_equal(info.width, 12345);
	assert_int_equal(info.removed, 0);
	buf_free(&out);
	free(x.p);
}

static void
test_truncated(void **state)
{
	static const char *const names[] = { "phone.jpg", "xmp-comment.jpg",
	    "notes.png", "exif-xmp.webp", "location.mp4", "faststart.mp4",
	    "clip.mov" };
	struct file	 f, t;
	size_t		 k;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		f = load(names[k]);
		t = copy(f.p, f.n / 2);
		assert_refused(&t, ERR_MEDIA_TRUNCATED);
		free(t.p);
		t = copy(f.p, f.n - 1);
		assert_refused(&t, ERR_MEDIA_TRUNCATED);
		free(t.p);
		free(f.p);
	}
}

static void
test_corrupt_jpeg(void **state)
{
	static const uint8_t eoi[] = { 0xff, 0xd8, 0xff, 0xd9, 0, 0 };
	struct file	 f = load("phone.jpg");
	size_t		 sos = jpeg_sos(&f);

	f.p[sos] = 0x12;		/* no marker where SOS was */
	assert_refused(&f, ERR_MEDIA_FORMAT);
	free(f.p);
	f = load("phone.jpg");
	f.p[22] = 0xff;			/* APP1 length runs past the end */
	f.p[23] = 0xff;
	assert_refused(&f, ERR_MEDIA_TRUNCATED);
	f.p[4] = 0;			/* APP0 length 1 */
	f.p[5] = 1;
	assert_refused(&f, ERR_MEDIA_FORMAT);
	free(f.p);
	f = load("adobe-cmyk.jpg");
	f.p[1] = 0xd9;			/* no SOI: not a JPEG */
	assert_refused(&f, ERR_MEDIA_TYPE);
	free(f.p);
	f = copy(eoi, sizeof(eoi));	/* EOI before any image */
	assert_refused(&f, ERR_MEDIA_FORMAT);
	free(f.p);
}

static void
test_corrupt_png(void **state)
{
	struct file	 f = load("notes.png"), idat = png_chunks(&f, "IDAT");
	uint8_t		*p = memmem(f.p, f.n, idat.p, 16);

	assert_non_null(p);
	p[20] ^= 1;			/* image data: the CRC fails */
	assert_refused(&f, ERR_MEDIA_CRC);
	p[20] ^= 1;
	p[4] = 'i';			/* not IDAT: ancillary, CRC fails */
	assert_refused(&f, ERR_MEDIA_CRC);
	p[4] = 'I';
	f.p[12] = 'X';			/* IHDR is not first */
	assert_refused(&f, ERR_MEDIA_CRC);
	f.p[12] = 'I';
	put32(f.p + 8, 0x80000000u);	/* a length over 2^31 - 1 */
	assert_refused(&f, ERR_MEDIA_FORMAT);
	free(idat.p);
	free(f.p);
}

static void
test_corrupt_webp(void **state)
{
	struct file	 f = load("exif-xmp.webp");

	f.p[16] = 0xff;			/* VP8X size past the RIFF size */
	f.p[17] = 0xff;
	assert_refused(&f, ERR_MEDIA_FORMAT);
	free(f.p);
	f = load("exif-xmp.webp");
	put32(f.p + 4, 0);		/* RIFF size below 4 */
	assert_refused(&f, ERR_MEDIA_FORMAT);
	free(f.p);
}

/* The offset of the first box of type t anywhere (a byte search). */
static uint8_t *
mp4_find(struct file *f, const char *t)
{
	uint8_t	*p = memmem(f->p, f->n, t, 4);

	assert_non_null(p);
	return p - 4;
}

static void
test_corrupt_mp4(void **state)
{
	struct file	 f = load("faststart.mp4");
	struct mp4_seen	 s;
	uint8_t		*b;

	b = mp4_find(&f, "moov");
	put32(b, 4);			/* smaller than its header */
	assert_refused(&f, ERR_MEDIA_FORMAT);
	free(f.p);
	f = load("faststart.mp4");
	put32(mp4_find(&f, "trak"), 0x7fffffff);	/* past moov */
	assert_refused(&f, ERR_MEDIA_FORMAT);
	free(f.p);
	f = load("faststart.mp4");
	put32(mp4_find(&f, "trak"), 0);	/* size 0 inside moov */
	assert_refused(&f, ERR_MEDIA_FORMAT);
	free(f.p);
	f = load("faststart.mp4");
	b = mp4_find(&f, "stco");
	put32(b + 16, (uint32_t)f.n);	/* a chunk past the end */
	assert_refused(&f, ERR_MEDIA_FORMAT);
	s = mp4_seen(&f);
	put32(b + 16, (uint32_t)(mp4_find(&f, "udta") - f.p + 8));
	assert_refused(&f, ERR_MEDIA_FORMAT);	/* into a removed box */
	put32(b + 12, 0x40000000);	/* more entries than the box holds */
	assert_refused(&f, ERR_MEDIA_FORMAT);
	(void)s;
	free(f.p);
	f = load("faststart.mp4");
	memcpy(mp4_find(&f, "moov") + 4, "moof", 4);	/* no moov */
	assert_refused(&f, ERR_MEDIA_FORMAT);
	free(f.p);
	f = load("faststart.mp4");
	b = mp4_find(&f, "mvhd");
	b[8] = 7;			/* an unknown mvhd version */
	assert_refused(&f, ERR_MEDIA_FORMAT);
	free(f.p);
}

static void
test_unknown(void **state)
{
	static const uint8_t gif[] = "GIF89a\x01\x00\x01\x00\x00\x00\x00;";
	static const uint8_t heic[] = "\0\0\0\x18" "ftypheic\0\0\0\0mif1heic";
	static const uint8_t text[] = "just some text, not a picture";
	struct file	 f;
	struct buf	 out;
	struct media_info info;

	f = copy(gif, sizeof(gif) - 1);
	assert_int_equal(media_sniff(f.p, f.n), MEDIA_GIF);
	assert_refused(&f, ERR_MEDIA_TYPE);
	free(f.p);
	f = copy(heic, sizeof(heic) - 1);
	assert_int_equal(media_sniff(f.p, f.n), MEDIA_NONE);
	assert_refused(&f, ERR_MEDIA_TYPE);
	free(f.p);
	f = copy(text, sizeof(text) - 1);
	assert_refused(&f, ERR_MEDIA_TYPE);
	free(f.p);
	f = copy(text, 0);
	assert_refused(&f, ERR_MEDIA_TYPE);
	free(f.p);
	/* The caller's cap. */
	f = load("adobe-cmyk.jpg");
	buf_init(&out, 0);
	assert_int_equal(media_strip(f.p, f.n, f.n - 1, &out, &info),
	    ERR_MEDIA_SIZE);
	assert_int_equal(media_strip(f.p, f.n, f.n, &out, &info), ERR_OK);
	buf_free(&out);
	/* An output cap too small for the result. */
	buf_init(&out, 100);
	assert_int_equal(media_strip(f.p, f.n, CAP, &out, &info), ERR_NOMEM);
	assert_int_equal(out.len, 0);
	buf_free(&out);
	free(f.p);
}

static void
test_sniff_names(void **state)
{
	static const uint8_t mov[] = "\0\0\0\x08wide\0\0\0\x08mdat";
	static const uint8_t m4a[] = "\0\0\0\x18" "ftypM4A \0\0\0\0isomM4A ";
	static const uint8_t qt[] = "\0\0\0\x14" "ftypqt  \0\0\0\0qt  ";
	int		 e;

	static const uint8_t junk_moov[] = "\0\0\0\x0cjunk....\0\0\0\x08moov";
	static const uint8_t late_ftyp[] = "\0\0\0\x08free\0\0\0\x10"
	    "ftypmp42\0\0\0\0\0\0\0\x08moov";

	assert_int_equal(media_sniff(mov, sizeof(mov) - 1), MEDIA_MOV);
	/* No ftyp: the walk finds moov whatever the first box is ... */
	assert_int_equal(media_sniff(junk_moov, sizeof(junk_moov) - 1),
	    MEDIA_MOV);
	/* ... and an ftyp that is not first is not QuickTime. */
	assert_int_equal(media_sniff(late_ftyp, sizeof(late_ftyp) - 1),
	    MEDIA_NONE);
	assert_int_equal(media_sniff(m4a, sizeof(m4a) - 1), MEDIA_MP4);
	assert_int_equal(media_sniff(qt, sizeof(qt) - 1), MEDIA_MOV);
	assert_int_equal(media_sniff(qt, 11), MEDIA_NONE);
	assert_int_equal(media_sniff(NULL, 0), MEDIA_NONE);
	assert_string_equal(media_mime(MEDIA_JPEG), "image/jpeg");
	assert_string_equal(media_mime(MEDIA_PNG), "image/png");
	assert_string_equal(media_mime(MEDIA_WEBP), "image/webp");
	assert_string_equal(media_mime(MEDIA_MP4), "video/mp4");
	assert_string_equal(media_mime(MEDIA_MOV), "video/quicktime");
	assert_string_equal(media_mime(MEDIA_NONE), "application/octet-stream");
	assert_string_equal(media_mime((enum media_type)99),
	    "application/octet-stream");
	assert_string_equal(media_ext(MEDIA_JPEG), "jpg");
	assert_string_equal(media_ext(MEDIA_MOV), "mov");
	assert_string_equal(media_ext(MEDIA_WEBP), "webp");
	for (e = ERR_MEDIA_TYPE; e <= ERR_MEDIA_FRAGMENTED; e++)
		assert_true(strcmp(err_prefix((enum err)e), "invalid") == 0 ||
		    strcmp(err_prefix((enum err)e), "unsupported") == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jpeg_phone),
		cmocka_unit_test(test_jpeg_xmp_comment),
		cmocka_unit_test(test_jpeg_adobe_kept),
		cmocka_unit_test(test_jpeg_orientation),
		cmocka_unit_test(test_jpeg_short_exif),
		cmocka_unit_test(test_jpeg_fill_trailer),
		cmocka_unit_test(test_png_notes),
		cmocka_unit_test(test_webp),
		cmocka_unit_test(test_mp4_location),
		cmocka_unit_test(test_mp4_faststart),
		cmocka_unit_test(test_mov),
		cmocka_unit_test(test_mp4_mdat64),
		cmocka_unit_test(test_mp4_size0),
		cmocka_unit_test(test_mp4_co64),
		cmocka_unit_test(test_mp4_fragmented),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupt_jpeg),
		cmocka_unit_test(test_corrupt_png),
		cmocka_unit_test(test_corrupt_webp),
		cmocka_unit_test(test_corrupt_mp4),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_sniff_names),
	};

	return cmocka_run_group_tests_name("media", tests, NULL, NULL);
}
