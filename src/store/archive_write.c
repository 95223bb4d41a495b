/*
 * archive_write.c: an evidence archive written from the store
 * (archive_write.h).  One pass over the custody log in seq order, inside
 * one read transaction so that the log's head and the events agree: a
 * line whose event is stored and matches the filter goes out whole, with
 * the event's stored JSON as it is and its source line; any other line
 * as a stub.  Then the media the events name, copied from the blob store
 * and checked against their names; the README; the manifest, whose root
 * comes from the same walk verify makes (archive_walk), over the files
 * just written, so what is signed is what a verifier will find; and the
 * viewer page.  Files are written in OUT.partial and renamed (or packed)
 * at the end.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive_io.h"
#include "archive_verify.h"
#include "archive_write.h"
#include "bech32.h"
#include "crypto.h"
#include "custody.h"
#include "hex.h"
#include "http.h"
#include "media.h"
#include "store_custody.h"
#include "store_int.h"
#include "version.h"

/* The media hashes named, an open-addressing set. */
struct mref {
	uint8_t		 h[32];
	uint8_t		 used;
	uint8_t		 role;	/* ARCHIVE_PUBLIC wins over ARCHIVE_ORIGINAL */
};

struct aw {
	const struct archive_opts *o;
	struct store	*st;
	sqlite3_stmt	*get;
	char		 dir[4096];
	struct afile	 ev, cu, so;
	bool		 open_ev, open_cu, open_so;
	struct manifest	*m;
	struct mref	*refs;
	size_t		 nrefs, cap;
	uint8_t		*scratch;
	size_t		 scap;
	struct buf	 line;
	uint64_t	 seen;
	char		*err;
	size_t		 errsz;
	bool		 bad;
};

static int
ref_add(struct aw *a, const uint8_t h[32], enum archive_role role)
{
	struct mref *n;
	size_t	 i, k, nc;
	uint64_t x;

	if (a->nrefs * 2 >= a->cap) {
		if (a->cap >= ARCHIVE_MAX_MEDIA)
			return -1;
		nc = a->cap ? a->cap * 2 : 1024;
		if ((n = calloc(nc, sizeof(*n))) == NULL)
			return -1;
		for (i = 0; i < a->cap; i++) {
			if (!a->refs[i].used)
				continue;
			memcpy(&x, a->refs[i].h, 8);
			for (k = x & (nc - 1); n[k].used; k = (k + 1) & (nc - 1))
				;
			n[k] = a->refs[i];
		}
		free(a->refs);
		a->refs = n;
		a->cap = nc;
	}
	memcpy(&x, h, 8);
	for (k = x & (a->cap - 1); a->refs[k].used; k = (k + 1) & (a->cap - 1))
		if (memcmp(a->refs[k].h, h, 32) == 0) {
			if (role == ARCHIVE_PUBLIC)
				a->refs[k].role = ARCHIVE_PUBLIC;
			return 0;
		}
	memcpy(a->refs[k].h, h, 32);
	a->refs[k].used = 1;
	a->refs[k].role = (uint8_t)role;
	a->nrefs++;
	return 0;
}

static int
put_line(struct afile *f, const char *p, size_t n)
{
	return afile_write(f, p, n) == 0 && afile_write(f, "\n", 1) == 0 ?
	    0 : -1;
}

static void
fail(struct aw *a, const char *what)
{
	if (!a->bad)
		snprintf(a->err, a->errsz, "%s", what);
	a->bad = true;
}

/* The stored JSON of id into a->line.  Returns: 1 found, 0 not, -1. */
static int
get_event(struct aw *a, const uint8_t id[32])
{
	int	 rc;

	sqlite3_reset(a->get);
	sqlite3_bind_blob(a->get, 1, id, 32, SQLITE_STATIC);
	if ((rc = sqlite3_step(a->get)) == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return -1;
	buf_reset(&a->line);
	buf_append(&a->line, sqlite3_column_text(a->get, 0),
	    (size_t)sqlite3_column_bytes(a->get, 0));
	return a->line.err ? -1 : 1;
}

static int
on_line(const struct custody_entry *ce, void *arg)
{
	struct aw *a = arg;
	struct archive_ref refs[ARCHIVE_MAX_REFS];
	struct event ev;
	struct buf stub;
	uint8_t	 d[32], *ns;
	size_t	 need, i, nr;
	bool	 take = false;
	int	 got;

	if (a->o->progress != NULL && ++a->seen % 4096 == 0)
		a->o->progress(a->o->arg, "archive", a->seen);
	if ((got = get_event(a, ce->line.id)) < 0) {
		fail(a, "reading the store failed");
		return 1;
	}
	if (got == 1) {
		need = EVENT_SCRATCH(a->line.len);
		if (need > a->scap) {
			if ((ns = realloc(a->scratch, need)) == NULL) {
				fail(a, "out of memory");
				return 1;
			}
			a->scratch = ns;
			a->scap = need;
		}
		take = event_parse(a->line.p, a->line.len, NULL, &ev,
		    a->scratch, a->scap) == ERR_OK && (a->o->nf == 0 ||
		    filter_match_any(a->o->f, a->o->nf, &ev));
	}
	if (!take) {
		buf_init(&stub, 0);
		crypto_sha256(ce->text, ce->len, d);
		custody_stub_write(ce->line.seq, d, &stub);
		if (stub.err || put_line(&a->cu, stub.p, stub.len) != 0)
			fail(a, "writing custody.jsonl failed");
		buf_free(&stub);
		a->m->stubs++;
		return a->bad;
	}
	if (put_line(&a->ev, a->line.p, a->line.len) != 0 ||
	    put_line(&a->cu, ce->text, ce->len) != 0) {
		fail(a, "writing the events or the custody log failed");
		return 1;
	}
	/* A phone's address stays out of a public archive. */
	if (ce->stext != NULL && (a->o->kind == ARCHIVE_SEALED ||
	    ce->line.via != CUSTODY_CLIENT)) {
		if (put_line(&a->so, ce->stext, ce->slen) != 0) {
			fail(a, "writing custody-sources.jsonl failed");
			return 1;
		}
		a->m->sources++;
	}
	a->m->events++;
	a->m->custody++;
	nr = archive_refs(&ev, refs, ARCHIVE_MAX_REFS);
	for (i = 0; i < nr; i++)
		if (ref_add(a, refs[i].sha256, refs[i].role) != 0) {
			fail(a, "too many media files for one archive");
			return 1;
		}
	return 0;
}

static int
ref_cmp(const void *x, const void *y)
{
	return memcmp(((const struct mref *)x)->h, ((const struct mref *)y)->h,
	    32);
}

/* Copies one blob in, checked.  Returns: 1 held, 0 not (why), -1 error. */
static int
copy_blob(struct aw *a, const struct mref *r, const char *hexs,
    uint64_t *size, const char **type, const char **why)
{
	char	 src[4096], dst[8192];
	uint8_t	 b[1u << 16], h[32];
	struct afile f;
	ssize_t	 got;
	bool	 first = true;
	int	 fd;

	*type = "application/octet-stream";
	if (r->role == ARCHIVE_ORIGINAL && a->o->kind != ARCHIVE_SEALED) {
		*why = "original";	/* public archives hold public copies */
		return 0;
	}
	snprintf(src, sizeof(src), "%s/%.2s/%s", a->o->blobs, hexs, hexs);
	if ((fd = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		*why = "absent";
		return 0;
	}
	snprintf(dst, sizeof(dst), "%s/%s%s", a->dir, ARCHIVE_MEDIA_DIR, hexs);
	if (afile_open(&f, dst) != 0) {
		close(fd);
		return -1;
	}
	while ((got = read(fd, b, sizeof(b))) > 0) {
		if (first) {
			*type = media_mime(media_sniff(b, (size_t)got));
			if (*type == NULL)
				*type = "application/octet-stream";
			first = false;
		}
		if (afile_write(&f, b, (size_t)got) != 0)
			break;
	}
	close(fd);
	*size = f.size;
	if (got != 0 || afile_close(&f, h) != 0) {
		unlink(dst);
		return -1;
	}
	if (memcmp(h, r->h, 32) != 0) {
		unlink(dst);
		*why = "corrupt";	/* the node's copy does not match */
		return 0;
	}
	return 1;
}

static int
write_media(struct aw *a)
{
	struct afile ml;
	struct buf l;
	char	 hexs[65], path[8192];
	const char *type, *why;
	uint64_t size;
	uint8_t	 sha[32];
	size_t	 i, n = 0;
	int	 held;

	/* The set, packed and sorted: the list is in hash order. */
	for (i = 0; i < a->cap; i++)
		if (a->refs[i].used)
			a->refs[n++] = a->refs[i];
	if (n > 0)	/* no media named: no set at all */
		qsort(a->refs, n, sizeof(*a->refs), ref_cmp);
	snprintf(path, sizeof(path), "%s/%s", a->dir, ARCHIVE_MEDIA_DIR);
	if (mkdir(path, 0755) != 0) {
		fail(a, "cannot make media/");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", a->dir, ARCHIVE_MEDIA_LIST);
	if (afile_open(&ml, path) != 0) {
		fail(a, "cannot write media.jsonl");
		return -1;
	}
	buf_init(&l, 0);
	for (i = 0; i < n; i++) {
		hex_encode(a->refs[i].h, 32, hexs);
		hexs[64] = '\0';
		size = 0;
		why = "absent";
		if ((held = a->o->blobs != NULL ? copy_blob(a, &a->refs[i],
		    hexs, &size, &type, &why) : 0) < 0) {
			fail(a, "copying a media file failed");
			break;
		}
		buf_reset(&l);
		buf_printf(&l, "{\"sha256\":\"%s\",\"role\":\"%s\",\"held\":%s",
		    hexs, archive_role_name(a->refs[i].role), held ? "true" :
		    "false");
		if (held)
			buf_printf(&l, ",\"size\":%llu,\"type\":\"%s\"}",
			    (unsigned long long)size, type);
		else
			buf_printf(&l, ",\"why\":\"%s\"}", why);
		if (l.err || put_line(&ml, l.p, l.len) != 0) {
			fail(a, "writing media.jsonl failed");
			break;
		}
		if (held)
			a->m->media_held++;
		else
			a->m->media_missing++;
		if (a->o->progress != NULL && i % 64 == 63)
			a->o->progress(a->o->arg, "media", i + 1);
	}
	buf_free(&l);
	if (a->bad || afile_close(&ml, sha) != 0) {
		fail(a, "writing media.jsonl failed");
		return -1;
	}
	return 0;
}

static int
write_small(struct aw *a, const char *name, const char *p, size_t n)
{
	struct afile f;
	char	 path[8192];
	uint8_t	 sha[32];

	snprintf(path, sizeof(path), "%s/%s", a->dir, name);
	if (afile_open(&f, path) != 0 || afile_write(&f, p, n) != 0 ||
	    afile_close(&f, sha) != 0) {
		snprintf(a->err, a->errsz, "cannot write %s", name);
		a->bad = true;
		return -1;
	}
	return 0;
}

static int
open_three(struct aw *a)
{
	char	 path[8192];

	snprintf(path, sizeof(path), "%s/%s", a->dir, ARCHIVE_EVENTS);
	if (afile_open(&a->ev, path) != 0)
		return -1;
	a->open_ev = true;
	snprintf(path, sizeof(path), "%s/%s", a->dir, ARCHIVE_CUSTODY);
	if (afile_open(&a->cu, path) != 0)
		return -1;
	a->open_cu = true;
	snprintf(path, sizeof(path), "%s/%s", a->dir, ARCHIVE_SOURCES);
	if (afile_open(&a->so, path) != 0)
		return -1;
	a->open_so = true;
	return 0;
}

static int
close_three(struct aw *a)
{
	uint8_t	 h[32];
	int	 rc = 0;

	a->open_ev = a->open_cu = a->open_so = false;
	if (afile_close(&a->ev, h) != 0)
		rc = -1;
	if (afile_close(&a->cu, h) != 0)
		rc = -1;
	if (afile_close(&a->so, h) != 0)
		rc = -1;
	return rc;
}

/* rm -r of the staging directory: our own files, two levels at most. */
static void
remove_tree(const char *dir)
{
	char	 p[8192];
	struct dirent *d;
	struct stat sb;
	DIR	*dp;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, d->d_name);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			remove_tree(p);
		else
			unlink(p);
	}
	closedir(dp);
	rmdir(dir);
}

/* The manifest's files: everything staged but manifest.json, index.html. */
static int
list_files(struct aw *a, struct asrc *s)
{
	char	 path[8192];
	uint8_t	 h[32];
	uint64_t size;
	size_t	 i;
	const char *name;

	for (i = 0; i < asrc_count(s); i++) {
		name = asrc_name(s, i);
		if (strcmp(name, ARCHIVE_MANIFEST) == 0 ||
		    strcmp(name, "index.html") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", a->dir, name);
		if (file_sha256(path, h, &size) != 0 ||
		    manifest_add_file(a->m, name, size, h) != ERR_OK) {
			snprintf(a->err, a->errsz, "%s: cannot hash it", name);
			return -1;
		}
	}
	return 0;
}

static void
walk_say(void *arg, const char *msg)
{
	struct aw *a = arg;

	if (!a->bad)
		snprintf(a->err, a->errsz, "the archive does not verify as "
		    "written: %s", msg);
	a->bad = true;
}

/* Signs the manifest; its JSON into out. */
static int
sign_manifest(struct aw *a, struct buf *out)
{
	struct event ev;
	struct buf content, tmp;
	int	 rc = -1;

	buf_init(&content, 0);
	buf_init(&tmp, 0);
	manifest_write(a->m, &content);
	memset(&ev, 0, sizeof(ev));
	ev.kind = ARCHIVE_KIND;
	ev.created_at = a->o->now;
	ev.content.p = content.p;
	ev.content.n = content.len;
	if (!content.err && event_sign(&ev, a->o->sk, &tmp) == ERR_OK) {
		event_write_json(&ev, out);
		rc = out->err ? -1 : 0;
	}
	buf_free(&content);
	buf_free(&tmp);
	return rc;
}

struct packer {
	struct asrc	*s;
	const char	*dir;
	size_t		 i;
	char		 path[8192];
};

static int
pack_next(void *arg, struct apack_item *it)
{
	struct packer *p = arg;
	const char *name;

	if (p->i >= asrc_count(p->s))
		return 0;
	name = asrc_name(p->s, p->i);
	snprintf(it->name, sizeof(it->name), "%s", name);
	snprintf(p->path, sizeof(p->path), "%s/%s", p->dir, name);
	it->path = p->path;
	it->size = asrc_size(p->s, p->i);
	p->i++;
	return 1;
}

/* The staged directory into one file at out, a tar, sealed or not. */
static int
pack(struct aw *a)
{
	struct packer p;
	enum asrc_kind kind;
	char	 tmp[4200], top[256], *dot;
	const char *base;
	int	 fd, rc;

	memset(&p, 0, sizeof(p));
	if (asrc_open(&p.s, a->dir, &kind, a->err, a->errsz) != ERR_OK)
		return -1;
	p.dir = a->dir;
	base = strrchr(a->o->out, '/') ? strrchr(a->o->out, '/') + 1 :
	    a->o->out;
	snprintf(top, sizeof(top), "%s", base);
	/* out.tar, out.sealed: the top directory is out/. */
	if ((dot = strrchr(top, '.')) != NULL && dot != top)
		*dot = '\0';
	if (top[0] == '\0' || top[0] == '.')
		snprintf(top, sizeof(top), "archive");
	snprintf(tmp, sizeof(tmp), "%s.tmp", a->o->out);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1) {
		snprintf(a->err, a->errsz, "%s: %s", tmp, strerror(errno));
		asrc_close(p.s);
		return -1;
	}
	rc = archive_pack(fd, top, a->o->now, a->o->kind == ARCHIVE_SEALED ?
	    a->o->for_pk : NULL, pack_next, &p, a->err, a->errsz);
	asrc_close(p.s);
	if (rc == 0 && fsync(fd) != 0)
		rc = -1;
	if (close(fd) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, a->o->out) != 0) {
		snprintf(a->err, a->errsz, "%s: %s", a->o->out, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(tmp);
	return rc;
}

static int
finish(struct aw *a, struct asrc **sp)
{
	struct archive_walk w;
	struct buf b;
	enum asrc_kind kind;
	int	 rc = -1;

	buf_init(&b, 0);
	archive_readme(a->m, &b);
	if (b.err || write_small(a, "README.txt", b.p, b.len) != 0)
		goto done;
	if (asrc_open(sp, a->dir, &kind, a->err, a->errsz) != ERR_OK)
		goto done;
	memset(&w, 0, sizeof(w));
	w.c_first = 1;
	w.no_sigs = true;
	w.say = walk_say;
	w.arg = a;
	if (archive_walk(*sp, &w) != 0 || a->bad)
		goto done;
	merkle_root(&w.tree, a->m->root);
	a->m->leaves = w.tree.n;
	a->m->reports = w.reports;
	a->m->marks = w.marks;
	a->m->have_time = w.have_time;
	a->m->t_first = w.t_first;
	a->m->t_last = w.t_last;
	a->m->have_custody = w.c_last >= 1;
	a->m->c_first = 1;
	a->m->c_last = w.c_last;
	memset(a->m->c_start, 0, 32);
	memcpy(a->m->c_head, w.c_head, 32);
	if (list_files(a, *sp) != 0)
		goto done;
	buf_reset(&b);
	if (sign_manifest(a, &b) != 0) {
		snprintf(a->err, a->errsz, "cannot sign the manifest");
		goto done;
	}
	buf_putc(&b, '\n');
	if (write_small(a, ARCHIVE_MANIFEST, b.p, b.len) != 0)
		goto done;
	if (archive_viewer_write(a->dir, b.p, b.len - 1, a->o->viewer_max ?
	    a->o->viewer_max : ARCHIVE_VIEWER_MAX, a->err, a->errsz) != 0)
		goto done;
	rc = 0;
done:
	buf_free(&b);
	return rc;
}

int
archive_write(struct store *st, const struct archive_opts *o,
    struct manifest *m, char *err, size_t errsz)
{
	struct aw a;
	struct asrc *s = NULL;
	uint64_t bad_seq = 0;
	enum err e;
	int	 rc = -1, r;

	memset(&a, 0, sizeof(a));
	a.o = o;
	a.st = st;
	a.m = m;
	a.err = err;
	a.errsz = errsz;
	err[0] = '\0';
	buf_init(&a.line, 0);
	manifest_init(m);
	snprintf(m->software, sizeof(m->software), "samizdat %s",
	    SAMIZDAT_VERSION);
	crypto_pubkey(o->sk, m->node);
	m->created = o->now;
	if (o->filter_text != NULL && (m->filter = strdup(o->filter_text)) ==
	    NULL)
		return -1;
	m->sealed = o->kind == ARCHIVE_SEALED;
	if (m->sealed)
		memcpy(m->for_pk, o->for_pk, 32);
	snprintf(m->media, sizeof(m->media), "%s", o->blobs == NULL ? "none" :
	    m->sealed ? "originals" : "public");
	if (access(o->out, F_OK) == 0) {
		snprintf(err, errsz, "%s: already there", o->out);
		return -1;
	}
	snprintf(a.dir, sizeof(a.dir), "%s.partial", o->out);
	if (mkdir(a.dir, 0700) != 0) {
		snprintf(err, errsz, "%s: %s", a.dir, strerror(errno));
		return -1;
	}
	if (open_three(&a) != 0) {
		snprintf(err, errsz, "cannot write in %s", a.dir);
		goto done;
	}
	/* One snapshot: the log's head and the events read together. */
	if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    store_prepare(st, "SELECT " EV_JSON " FROM events WHERE id = ?",
	    0, &a.get) != SQLITE_OK) {
		snprintf(err, errsz, "the store cannot be read");
		goto done;
	}
	e = store_custody_scan(st, 1, on_line, &a, &bad_seq);
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	if (e == ERR_CUSTODY) {
		snprintf(err, errsz, "the store's custody log was changed: "
		    "line %llu no longer chains", (unsigned long long)bad_seq);
		goto done;
	}
	if (e != ERR_OK || a.bad) {
		if (!a.bad)
			snprintf(err, errsz, "reading the custody log failed");
		goto done;
	}
	r = close_three(&a);
	if (r != 0) {
		snprintf(err, errsz, "writing the archive failed");
		goto done;
	}
	if (write_media(&a) != 0 || finish(&a, &s) != 0)
		goto done;
	asrc_close(s);
	s = NULL;
	if (o->kind == ARCHIVE_DIR) {
		if (archive_sync(a.dir) != 0) {
			snprintf(err, errsz, "%s: cannot sync it to disk", a.dir);
			goto done;
		}
		if (rename(a.dir, o->out) != 0) {
			snprintf(err, errsz, "%s: %s", o->out, strerror(errno));
			goto done;
		}
	} else if (pack(&a) != 0)
		goto done;
	rc = 0;
done:
	if (a.open_ev || a.open_cu || a.open_so) {
		if (a.open_ev)
			afile_abort(&a.ev);
		if (a.open_cu)
			afile_abort(&a.cu);
		if (a.open_so)
			afile_abort(&a.so);
	}
	asrc_close(s);
	sqlite3_finalize(a.get);
	if (rc != 0 || o->kind != ARCHIVE_DIR)
		remove_tree(a.dir);
	free(a.refs);
	free(a.scratch);
	buf_free(&a.line);
	return rc;
}
