/*
 * media_mp4.c: MP4 and QuickTime (ISO BMFF) without their metadata,
 * losslessly, so that the result still plays.  Called by media.c;
 * web/src/mp4strip.js is the same algorithm for the browser and must stay
 * byte-identical (web/test/mp4strip.test.mjs compares the two).
 *
 * The walk descends only into moov, moov/trak, trak/mdia, mdia/minf and
 * minf/stbl; every other box is copied whole or left out whole.
 * Dropped wherever the walk meets them (top level included): udta and
 * meta (QuickTime and iTunes metadata: the ©xyz and
 * com.apple.quicktime.location keys, make, model, software, dates,
 * author), uuid (vendor boxes, XMP among them; players ignore them), and
 * free and skip (padding that can still hold an older copy of the
 * metadata).  Kept: everything else, byte for byte, except that the
 * creation and modification times of mvhd, tkhd and mdhd (the moment of
 * recording) are set to zero.
 *
 * Dropping a box shifts every byte after it, so the walk notes the cuts
 * (sorted, disjoint, whole boxes) and the fields that depend on them: the
 * size of every container on the way (32-bit or 64-bit, kept in its
 * form; a top-level size 0 stays 0) and every entry of every stco and
 * co64 table, which are absolute file offsets of the media data; a chunk
 * offset that points into a cut or past the end refuses the file.  A
 * fragmented file (moof) with anything to cut is refused: its fragments
 * hold more absolute offsets (tfhd, tfra) than this fixes.
 */
#include <string.h>

#include "media_int.h"

#define FOURCC(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define T_CO64		FOURCC('c', 'o', '6', '4')
#define T_FREE		FOURCC('f', 'r', 'e', 'e')
#define T_HDLR		FOURCC('h', 'd', 'l', 'r')
#define T_MDHD		FOURCC('m', 'd', 'h', 'd')
#define T_MDIA		FOURCC('m', 'd', 'i', 'a')
#define T_META		FOURCC('m', 'e', 't', 'a')
#define T_MINF		FOURCC('m', 'i', 'n', 'f')
#define T_MOOF		FOURCC('m', 'o', 'o', 'f')
#define T_MOOV		FOURCC('m', 'o', 'o', 'v')
#define T_MVHD		FOURCC('m', 'v', 'h', 'd')
#define T_SKIP		FOURCC('s', 'k', 'i', 'p')
#define T_STBL		FOURCC('s', 't', 'b', 'l')
#define T_STCO		FOURCC('s', 't', 'c', 'o')
#define T_TKHD		FOURCC('t', 'k', 'h', 'd')
#define T_TRAK		FOURCC('t', 'r', 'a', 'k')
#define T_UDTA		FOURCC('u', 'd', 't', 'a')
#define T_UUID		FOURCC('u', 'u', 'i', 'd')
#define T_VIDE		FOURCC('v', 'i', 'd', 'e')

/* A dropped box: its offset and length in the input, and the bytes
 * dropped before it. */
struct mp4_cut {
	uint64_t	 off;
	uint64_t	 len;
	uint64_t	 before;
};

/*
 * A field to rewrite once the cuts are known, at input offset at:
 *   SIZE32, SIZE64  the size of the container at box, old size size
 *   STCO, CO64      count 32-bit or 64-bit chunk offsets
 *   ZERO            size bytes of times, set to zero
 */
enum mp4_fix_kind {
	FIX_SIZE32,
	FIX_SIZE64,
	FIX_STCO,
	FIX_CO64,
	FIX_ZERO
};

struct mp4_fix {
	enum mp4_fix_kind kind;
	uint64_t	 at;
	uint64_t	 box;
	uint64_t	 size;		/* or the entry count */
};

struct mp4 {
	const uint8_t	*p;
	uint64_t	 n;
	struct buf	 cuts;		/* struct mp4_cut[] */
	struct buf	 fixes;		/* struct mp4_fix[] */
	size_t		 ncuts;
	size_t		 nfixes;
	uint64_t	 cut_total;
	size_t		 boxes;
	unsigned	 moov;
	bool		 moof;
	uint32_t	 removed;
	uint32_t	 tw, th;	/* the trak being walked */
	bool		 tvide;
	uint32_t	 width, height;
};

/* What a dropped box's bytes name (media_mp4.c and mp4strip.js). */
static const struct mp4_name {
	const char	*s;
	size_t		 n;
	uint32_t	 bit;
} mp4_names[] = {
	{ "\xa9" "xyz", 4, MEDIA_RM_LOCATION },
	{ "com.apple.quicktime.location", 28, MEDIA_RM_LOCATION },
	{ "loci", 4, MEDIA_RM_LOCATION },
	{ "mdtalocation", 12, MEDIA_RM_LOCATION },	/* keys of ffmpeg */
	{ "mdtamake", 8, MEDIA_RM_CAMERA },
	{ "mdtamodel", 9, MEDIA_RM_CAMERA },
	{ "mdtacreation_time", 17, MEDIA_RM_DATE },
	{ "\xa9" "mak", 4, MEDIA_RM_CAMERA },
	{ "\xa9" "mod", 4, MEDIA_RM_CAMERA },
	{ "com.apple.quicktime.make", 24, MEDIA_RM_CAMERA },
	{ "com.apple.quicktime.model", 25, MEDIA_RM_CAMERA },
	{ "\xa9" "day", 4, MEDIA_RM_DATE },
	{ "com.apple.quicktime.creationdate", 32, MEDIA_RM_DATE },
	{ "\xa9" "aut", 4, MEDIA_RM_OWNER },
	{ "\xa9" "ART", 4, MEDIA_RM_OWNER },
	{ "com.apple.quicktime.author", 26, MEDIA_RM_OWNER },
	{ MEDIA_XMP_TAG, sizeof(MEDIA_XMP_TAG) - 1, MEDIA_RM_XMP },
};

/* The uuid of XMP in ISO BMFF (Adobe XMP specification, part 3). */
static const uint8_t mp4_xmp_uuid[16] = {
	0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8,
	0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac
};

static enum err	 mp4_walk(struct mp4 *, uint64_t, uint64_t, unsigned,
		    uint32_t, const char **);
static enum err	 mp4_box(struct mp4 *, uint64_t, uint64_t, uint64_t,
		    uint32_t, uint32_t, unsigned, uint32_t, const char **);
static enum err	 mp4_leaf(struct mp4 *, uint64_t, uint64_t, uint64_t,
		    uint32_t, uint32_t, const char **);
static void	 mp4_cut(struct mp4 *, uint64_t, uint64_t, uint32_t);
static void	 mp4_fix(struct mp4 *, enum mp4_fix_kind, uint64_t, uint64_t,
		    uint64_t);
static uint64_t	 mp4_shift(const struct mp4 *, uint64_t, bool *);
static enum err	 mp4_write(struct mp4 *, struct buf *, const char **);

/*
 * The boxes from i to end, children of parent at depth (0: the file).
 * Returns: ERR_OK or why the file is refused.
 */
static enum err
mp4_walk(struct mp4 *m, uint64_t i, uint64_t end, unsigned depth,
    uint32_t parent, const char **why)
{
	uint64_t	 size, hdr;
	uint32_t	 s32, type;
	enum err	 rc;

	while (i < end) {
		if (++m->boxes > MEDIA_MAX_PARTS) {
			*why = "MP4: too many boxes";
			return ERR_MEDIA_LIMIT;
		}
		s32 = end - i >= 8 ? media_be32(m->p + i) : 0;
		if (end - i < 8 || (s32 == 1 && end - i < 16)) {
			*why = "MP4: a box header runs past its parent";
			return depth == 0 ? ERR_MEDIA_TRUNCATED : ERR_MEDIA_FORMAT;
		}
		type = media_be32(m->p + i + 4);
		hdr = 8;
		if (s32 == 1) {
			size = media_be64(m->p + i + 8);
			hdr = 16;
		} else if (s32 == 0) {
			if (depth > 0) {
				*why = "MP4: a box of size 0 inside a box";
				return ERR_MEDIA_FORMAT;
			}
			size = end - i;
		} else
			size = s32;
		if (type == T_UUID)
			hdr += 16;
		if (size < hdr) {
			*why = "MP4: a box smaller than its header";
			return ERR_MEDIA_FORMAT;
		}
		if (size > end - i) {
			*why = "MP4: a box runs past its parent";
			return depth == 0 ? ERR_MEDIA_TRUNCATED : ERR_MEDIA_FORMAT;
		}
		if ((rc = mp4_box(m, i, size, hdr, type, s32, depth, parent,
		    why)) != ERR_OK)
			return rc;
		i += size;
	}
	return ERR_OK;
}

/*
 * One box at i (size bytes, hdr of them header, s32 its 32-bit size
 * field): cut it, descend into it, or look at it.  Returns: ERR_OK or why
 * the file is refused.
 */
static enum err
mp4_box(struct mp4 *m, uint64_t i, uint64_t size, uint64_t hdr,
    uint32_t type, uint32_t s32, unsigned depth, uint32_t parent,
    const char **why)
{
	enum err	 rc;
	bool		 container;

	if (type == T_UDTA || type == T_META || type == T_UUID ||
	    type == T_FREE || type == T_SKIP) {
		mp4_cut(m, i, size, type);
		return ERR_OK;
	}
	if (depth == 0 && type == T_MOOF)
		m->moof = true;
	if (depth == 0 && type == T_MOOV)
		m->moov++;
	container = (depth == 0 && type == T_MOOV) ||
	    (parent == T_MOOV && type == T_TRAK) ||
	    (parent == T_TRAK && type == T_MDIA) ||
	    (parent == T_MDIA && type == T_MINF) ||
	    (parent == T_MINF && type == T_STBL);
	if (!container)
		return mp4_leaf(m, i, size, hdr, type, parent, why);
	if (depth + 1 >= MEDIA_MAX_DEPTH) {
		*why = "MP4: boxes nested too deep";
		return ERR_MEDIA_LIMIT;
	}
	if (s32 == 1)
		mp4_fix(m, FIX_SIZE64, i + 8, i, size);
	else if (s32 != 0)
		mp4_fix(m, FIX_SIZE32, i, i, size);
	if (type == T_TRAK) {
		m->tw = m->th = 0;
		m->tvide = false;
	}
	if ((rc = mp4_walk(m, i + hdr, i + size, depth + 1, type, why)) !=
	    ERR_OK)
		return rc;
	if (type == T_TRAK && m->tvide && m->width == 0 && m->height == 0) {
		m->width = m->tw;
		m->height = m->th;
	}
	return ERR_OK;
}

/*
 * A box that is kept whole: notes the times, dimensions, handler and
 * chunk offset tables the walk needs.  Returns: ERR_OK or why the file is
 * refused.
 */
static enum err
mp4_leaf(struct mp4 *m, uint64_t i, uint64_t size, uint64_t hdr,
    uint32_t type, uint32_t parent, const char **why)
{
	const uint8_t	*d = m->p + i + hdr;
	uint64_t	 len = size - hdr, tl, count, k;
	uint32_t	 a, b, c, e;

	if ((parent == T_MOOV && type == T_MVHD) ||
	    (parent == T_TRAK && type == T_TKHD) ||
	    (parent == T_MDIA && type == T_MDHD)) {
		tl = len >= 1 && d[0] == 1 ? 16 : 8;
		if (len < 4 + tl || d[0] > 1) {
			*why = "MP4: a movie, track or media header is malformed";
			return ERR_MEDIA_FORMAT;
		}
		for (k = 0; k < tl; k++)
			if (d[4 + k] != 0)
				m->removed |= MEDIA_RM_DATE;
		mp4_fix(m, FIX_ZERO, i + hdr + 4, 0, tl);
	}
	if (parent == T_TRAK && type == T_TKHD) {
		/* Matrix and size after the times, ID, duration, layers. */
		k = d[0] == 1 ? 52 : 40;
		if (len < k + 44) {
			*why = "MP4: a track header is too short";
			return ERR_MEDIA_FORMAT;
		}
		a = media_be32(d + k);
		b = media_be32(d + k + 4);
		c = media_be32(d + k + 12);
		e = media_be32(d + k + 16);
		m->tw = media_be32(d + k + 36) >> 16;
		m->th = media_be32(d + k + 40) >> 16;
		if (a == 0 && e == 0 && b != 0 && c != 0) {	/* 90 degrees */
			a = m->tw;
			m->tw = m->th;
			m->th = a;
		}
	}
	if (parent == T_MDIA && type == T_HDLR && len >= 12 &&
	    media_be32(d + 8) == T_VIDE)
		m->tvide = true;
	if (parent == T_STBL && (type == T_STCO || type == T_CO64)) {
		if (len < 8) {
			*why = "MP4: a chunk offset table is too short";
			return ERR_MEDIA_FORMAT;
		}
		count = media_be32(d + 4);
		if (count > (len - 8) / (type == T_STCO ? 4 : 8)) {
			*why = "MP4: a chunk offset table is too short";
			return ERR_MEDIA_FORMAT;
		}
		mp4_fix(m, type == T_STCO ? FIX_STCO : FIX_CO64, i + hdr + 8, i,
		    count);
	}
	return ERR_OK;
}

/* Notes that the box at off (len bytes, of type) is left out. */
static void
mp4_cut(struct mp4 *m, uint64_t off, uint64_t len, uint32_t type)
{
	struct mp4_cut	 c;
	const uint8_t	*b = m->p + off;
	size_t		 k;

	if (type == T_UDTA || type == T_META)
		m->removed |= MEDIA_RM_VIDEOMETA;
	else if (type == T_UUID)
		m->removed |= memcmp(b + (media_be32(b) == 1 ? 16 : 8),
		    mp4_xmp_uuid, 16) == 0 ? MEDIA_RM_XMP : MEDIA_RM_OTHER;
	for (k = 0; k < sizeof(mp4_names) / sizeof(mp4_names[0]); k++)
		if (media_find(b, len, mp4_names[k].s, mp4_names[k].n))
			m->removed |= mp4_names[k].bit;
	c.off = off;
	c.len = len;
	c.before = m->cut_total;
	m->cut_total += len;
	buf_append(&m->cuts, &c, sizeof(c));
	m->ncuts++;
}

/* Notes a field to rewrite (struct mp4_fix). */
static void
mp4_fix(struct mp4 *m, enum mp4_fix_kind kind, uint64_t at, uint64_t box,
    uint64_t size)
{
	struct mp4_fix	 f;

	f.kind = kind;
	f.at = at;
	f.box = box;
	f.size = size;
	buf_append(&m->fixes, &f, sizeof(f));
	m->nfixes++;
}

/*
 * Returns: how many bytes before input offset x are cut; *inside says
 * whether x itself is in a cut.
 */
static uint64_t
mp4_shift(const struct mp4 *m, uint64_t x, bool *inside)
{
	const struct mp4_cut *c = (const struct mp4_cut *)(void *)m->cuts.p;
	size_t		 lo = 0, hi = m->ncuts, mid;

	*inside = false;
	/* The first cut that starts after x. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c[mid].off <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	c += lo - 1;
	if (x < c->off + c->len) {
		*inside = true;
		return c->before;
	}
	return c->before + c->len;
}

/*
 * Writes the kept bytes to out, then the rewritten fields.  Returns:
 * ERR_OK, ERR_NOMEM, or ERR_MEDIA_FORMAT for a chunk offset outside the
 * kept data (out then holds a partial copy: media.c drops it).
 */
static enum err
mp4_write(struct mp4 *m, struct buf *out, const char **why)
{
	const struct mp4_cut *c = (const struct mp4_cut *)(void *)m->cuts.p;
	const struct mp4_fix *f = (const struct mp4_fix *)(void *)m->fixes.p;
	uint64_t	 prev = 0, v, s, k;
	uint8_t		*o;
	size_t		 j, base = out->len;
	bool		 in;

	for (j = 0; j < m->ncuts; j++) {
		buf_append(out, m->p + prev, c[j].off - prev);
		prev = c[j].off + c[j].len;
	}
	buf_append(out, m->p + prev, m->n - prev);
	if (out->err)
		return ERR_NOMEM;
	o = (uint8_t *)out->p + base;
	for (j = 0; j < m->nfixes; j++, f++) {
		s = f->at - mp4_shift(m, f->at, &in);
		switch (f->kind) {
		case FIX_SIZE32:
		case FIX_SIZE64:
			v = f->size - (mp4_shift(m, f->box + f->size, &in) -
			    mp4_shift(m, f->box, &in));
			if (f->kind == FIX_SIZE32)
				media_put_be32(o + s, (uint32_t)v);
			else
				media_put_be64(o + s, v);
			break;
		case FIX_STCO:
		case FIX_CO64:
			for (k = 0; k < f->size; k++) {
				v = f->kind == FIX_STCO ?
				    media_be32(m->p + f->at + 4 * k) :
				    media_be64(m->p + f->at + 8 * k);
				if (v >= m->n) {
					*why = "MP4: a chunk offset points past the end";
					return ERR_MEDIA_FORMAT;
				}
				v -= mp4_shift(m, v, &in);
				if (in) {
					*why = "MP4: a chunk offset points into a removed box";
					return ERR_MEDIA_FORMAT;
				}
				if (f->kind == FIX_STCO)
					media_put_be32(o + s + 4 * k,
					    (uint32_t)v);
				else
					media_put_be64(o + s + 8 * k, v);
			}
			break;
		case FIX_ZERO:
			memset(o + s, 0, (size_t)f->size);
			break;
		}
	}
	return ERR_OK;
}

enum err
media_mp4_strip(const uint8_t *p, size_t n, struct buf *out,
    struct media_info *info, const char **why)
{
	struct mp4	 m;
	enum err	 rc;

	memset(&m, 0, sizeof(m));
	m.p = p;
	m.n = n;
	buf_init(&m.cuts, (size_t)MEDIA_MAX_PARTS * sizeof(struct mp4_cut));
	buf_init(&m.fixes, (size_t)MEDIA_MAX_PARTS * sizeof(struct mp4_fix));
	if ((rc = mp4_walk(&m, 0, n, 0, 0, why)) != ERR_OK)
		goto done;
	if (m.cuts.err || m.fixes.err) {
		rc = ERR_NOMEM;
		goto done;
	}
	if (m.moov != 1) {
		rc = ERR_MEDIA_FORMAT;
		*why = "MP4: not exactly one moov box";
		goto done;
	}
	if (m.moof && m.ncuts > 0) {
		rc = ERR_MEDIA_FRAGMENTED;
		*why = "MP4: fragmented (moof) with boxes to remove";
		goto done;
	}
	if ((rc = mp4_write(&m, out, why)) != ERR_OK)
		goto done;
	info->width = m.width;
	info->height = m.height;
	info->removed = m.removed;
done:
	buf_free(&m.cuts);
	buf_free(&m.fixes);
	return rc;
}
