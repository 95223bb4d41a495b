/*
 * blob.c: the blob store (blob.h): temporary files, the checks before a
 * blob is kept, the atomic rename, rows, serving, delete, list and the
 * budget.  The reference index, the fetch queue and the records of who
 * holds what are blob_index.c's.  Paths are built only from 32 decoded
 * bytes; files are opened with O_NOFOLLOW.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "blob.h"
#include "hex.h"
#include "log.h"
#include "store_int.h"

#define ACCESS_GRAIN	3600	/* s: access times are kept to the hour */
#define EVICT_BATCH	64

struct blobs {
	struct store	*st;
	struct blob_opts o;
	char		 datadir[4096];
	char		 dir[4096];	/* datadir/blobs */
	char		 tmp[4096];	/* datadir/blobs/tmp */
};

static enum err
prep(struct blobs *b, const char *sql, sqlite3_stmt **st)
{
	int	 rc;

	if ((rc = sqlite3_prepare_v2(b->st->db, sql, -1, st, NULL)) !=
	    SQLITE_OK)
		return store_sqlerr(b->st, rc, "store: blobs");
	return ERR_OK;
}

static enum err
finish(struct blobs *b, sqlite3_stmt *st, int rc)
{
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW && rc != SQLITE_OK)
		return store_sqlerr(b->st, rc, "store: blobs");
	return ERR_OK;
}

static int
mkdir_p(const char *path)
{
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		log_warn("%s", path);
		return -1;
	}
	return 0;
}

enum err
blobs_open(struct blobs **bp, struct store *st, const struct blob_opts *o)
{
	struct blobs *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return ERR_NOMEM;
	b->st = st;
	b->o = *o;
	snprintf(b->datadir, sizeof(b->datadir), "%s", o->datadir);
	b->o.datadir = b->datadir;
	snprintf(b->dir, sizeof(b->dir), "%s/blobs", o->datadir);
	snprintf(b->tmp, sizeof(b->tmp), "%s/blobs/tmp", o->datadir);
	if (mkdir_p(b->dir) != 0 || mkdir_p(b->tmp) != 0) {
		free(b);
		return ERR_IO;
	}
	*bp = b;
	return ERR_OK;
}

void
blobs_close(struct blobs *b)
{
	free(b);
}

const struct blob_opts *
blobs_opts(const struct blobs *b)
{
	return &b->o;
}

struct store *
blobs_store(struct blobs *b)
{
	return b->st;
}

size_t
blobs_clean_tmp(struct blobs *b)
{
	DIR	*d;
	struct dirent *de;
	char	 path[8400];
	long	 pid;
	size_t	 n = 0;

	if ((d = opendir(b->tmp)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "t.", 2) != 0)
			continue;
		pid = strtol(de->d_name + 2, NULL, 10);
		/* Another process's upload in progress stays. */
		if (pid > 0 && pid != (long)getpid() &&
		    (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		snprintf(path, sizeof(path), "%s/%s", b->tmp, de->d_name);
		if (unlink(path) == 0)
			n++;
	}
	closedir(d);
	return n;
}

void
blob_path(const struct blobs *b, const uint8_t hash[32], char *out,
    size_t sz)
{
	char	 hex[65];

	hex_encode(hash, 32, hex);
	snprintf(out, sz, "%s/%.2s/%s", b->dir, hex, hex);
}

enum err
blob_writer_open(struct blobs *b, struct blob_writer *w, uint64_t max)
{
	uint8_t	 r[8];
	char	 hex[17];

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	w->b = b;
	w->max = max;
	if (crypto_random(r, sizeof(r)) != 0)
		return ERR_IO;
	hex_encode(r, sizeof(r), hex);
	snprintf(w->path, sizeof(w->path), "%s/t.%ld.%s", b->tmp,
	    (long)getpid(), hex);
	if (crypto_sha256_begin(&w->h) != 0)
		return ERR_NOMEM;
	if ((w->fd = open(w->path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		log_warn("%s", w->path);
		crypto_sha256_abort(&w->h);
		return ERR_IO;
	}
	return ERR_OK;
}

enum err
blob_writer_write(struct blob_writer *w, const void *p, size_t n)
{
	const char *c = p;
	ssize_t	 k;

	if (w->fd == -1)
		return ERR_IO;
	if (n > w->max - w->n)
		return ERR_MEDIA_SIZE;
	crypto_sha256_update(&w->h, p, n);
	w->n += n;
	while (n > 0) {
		if ((k = write(w->fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ENOSPC || errno == EDQUOT)
				return ERR_DB_FULL;
			log_warn("%s", w->path);
			return ERR_IO;
		}
		c += k;
		n -= (size_t)k;
	}
	return ERR_OK;
}

void
blob_writer_abort(struct blob_writer *w)
{
	if (w->fd != -1) {
		close(w->fd);
		w->fd = -1;
		if (unlink(w->path) == -1 && errno != ENOENT)
			log_warn("%s", w->path);
	}
	crypto_sha256_abort(&w->h);
}

/* --- rows ----------------------------------------------------------------- */

#define BLOB_COLS "b.sha256, b.size, b.type, b.role, b.present, b.gone," \
	" EXISTS(SELECT 1 FROM blob_owners o WHERE o.sha256 = b.sha256)," \
	" b.created, b.accessed, b.width, b.height, b.tries, b.error"

static void
row_read(sqlite3_stmt *st, int col, struct blob_info *i)
{
	const void *h = sqlite3_column_blob(st, col);
	const unsigned char *t;

	memset(i, 0, sizeof(*i));
	if (h != NULL && sqlite3_column_bytes(st, col) == 32)
		memcpy(i->sha256, h, 32);
	i->size = (uint64_t)sqlite3_column_int64(st, col + 1);
	i->type = (enum media_type)sqlite3_column_int(st, col + 2);
	i->role = (enum blob_role)sqlite3_column_int(st, col + 3);
	i->present = sqlite3_column_int(st, col + 4) != 0;
	i->gone = (enum blob_gone)sqlite3_column_int(st, col + 5);
	i->own = sqlite3_column_int(st, col + 6) != 0;
	i->created = sqlite3_column_int64(st, col + 7);
	i->accessed = sqlite3_column_int64(st, col + 8);
	i->width = (uint32_t)sqlite3_column_int64(st, col + 9);
	i->height = (uint32_t)sqlite3_column_int64(st, col + 10);
	i->tries = (unsigned)sqlite3_column_int(st, col + 11);
	if ((t = sqlite3_column_text(st, col + 12)) != NULL)
		snprintf(i->error, sizeof(i->error), "%s", (const char *)t);
}

enum err
blob_get(struct blobs *b, const uint8_t hash[32], struct blob_info *info)
{
	sqlite3_stmt *st;
	enum err e;
	int	 rc;

	if ((e = prep(b, "SELECT " BLOB_COLS " FROM blobs b"
	    " WHERE b.sha256 = ?", &st)) != ERR_OK)
		return e;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row_read(st, 0, info);
	if ((e = finish(b, st, rc)) != ERR_OK)
		return e;
	return rc == SQLITE_ROW ? ERR_OK : ERR_BLOB_NOT_FOUND;
}

static enum err
exec_hash(struct blobs *b, const char *sql, const uint8_t hash[32],
    int64_t v)
{
	sqlite3_stmt *st;
	enum err e;

	if ((e = prep(b, sql, &st)) != ERR_OK)
		return e;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	return finish(b, st, sqlite3_step(st));
}

enum err
blob_owner_add(struct blobs *b, const uint8_t hash[32], const uint8_t owner[32],
    int64_t now)
{
	sqlite3_stmt *st;
	enum err e;

	if ((e = prep(b, "INSERT OR IGNORE INTO blob_owners(sha256, pubkey,"
	    " uploaded) VALUES (?, ?, ?)", &st)) != ERR_OK)
		return e;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, owner, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	return finish(b, st, sqlite3_step(st));
}

/* The row of a blob now here.  A role named by a report stays. */
static enum err
row_present(struct blobs *b, const struct blob_put *p)
{
	sqlite3_stmt *st;
	enum err e;

	if ((e = prep(b, "INSERT INTO blobs(sha256, size, type, role,"
	    " created, accessed, present, gone, width, height)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?5, 1, 0, ?6, ?7)"
	    " ON CONFLICT(sha256) DO UPDATE SET size = excluded.size,"
	    " type = excluded.type, present = 1, gone = 0, tries = 0,"
	    " error = '', accessed = excluded.accessed,"
	    " width = excluded.width, height = excluded.height,"
	    " role = CASE WHEN excluded.role = 0 THEN 0"
	    " WHEN blobs.role = 1 THEN excluded.role ELSE blobs.role END",
	    &st)) != ERR_OK)
		return e;
	sqlite3_bind_blob(st, 1, p->sha256, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)p->size);
	sqlite3_bind_int(st, 3, (int)p->type);
	sqlite3_bind_int(st, 4, (int)p->role);
	sqlite3_bind_int64(st, 5, p->now);
	sqlite3_bind_int64(st, 6, p->width);
	sqlite3_bind_int64(st, 7, p->height);
	if ((e = finish(b, st, sqlite3_step(st))) != ERR_OK)
		return e;
	return p->owner != NULL ? blob_owner_add(b, p->sha256, p->owner, p->now) :
	    ERR_OK;
}

/* --- keeping a blob ------------------------------------------------------- */

static enum err
fsync_dir(const char *dir)
{
	int	 fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_warn("%s", dir);
		return ERR_IO;
	}
	rc = fsync(fd);
	close(fd);
	if (rc == -1) {
		log_warn("fsync %s", dir);
		return ERR_IO;
	}
	return ERR_OK;
}

/* fsync, rename into place, fsync the directory, then the row. */
static enum err
keep(struct blobs *b, struct blob_writer *w, struct blob_put *p)
{
	char	 final[4200], sub[4200], hex[65];
	struct blob_info have;
	struct stat sb;
	enum err e;

	blob_path(b, p->sha256, final, sizeof(final));
	if (blob_get(b, p->sha256, &have) == ERR_OK && have.present &&
	    stat(final, &sb) == 0 && (uint64_t)sb.st_size == have.size) {
		blob_writer_abort(w);
		p->existed = true;
		return p->owner != NULL ? blob_owner_add(b, p->sha256, p->owner,
		    p->now) : ERR_OK;
	}
	if ((e = blob_make_room(b, p->size, p->may_evict_own)) != ERR_OK) {
		blob_writer_abort(w);
		return e;
	}
	if (fsync(w->fd) == -1) {
		log_warn("fsync %s", w->path);
		blob_writer_abort(w);
		return errno == ENOSPC ? ERR_DB_FULL : ERR_IO;
	}
	hex_encode(p->sha256, 32, hex);
	snprintf(sub, sizeof(sub), "%s/%.2s", b->dir, hex);
	if (mkdir_p(sub) != 0) {
		blob_writer_abort(w);
		return ERR_IO;
	}
	if (rename(w->path, final) == -1) {
		log_warn("rename %s", final);
		blob_writer_abort(w);
		return ERR_IO;
	}
	close(w->fd);
	w->fd = -1;
	crypto_sha256_abort(&w->h);
	if ((e = fsync_dir(sub)) != ERR_OK)
		return e;
	return row_present(b, p);
}

static void
say(struct blob_put *p, const char *s)
{
	snprintf(p->detail, sizeof(p->detail), "%s", s != NULL ? s : "");
}

enum err
blob_writer_commit(struct blobs *b, struct blob_writer *w,
    struct blob_put *p)
{
	struct media_info mi;
	struct buf out, words;
	uint8_t	 h[32];
	void	*map = MAP_FAILED;
	bool	 keepmeta = p->keep_metadata || b->o.keep_metadata;
	enum err e;

	p->detail[0] = '\0';
	p->existed = false;
	buf_init(&out, (size_t)w->n + 4096);
	crypto_sha256_end(&w->h, h);
	if (p->expect != NULL && memcmp(p->expect, h, 32) != 0) {
		char	 want[65], got[65];

		hex_encode(p->expect, 32, want);
		hex_encode(h, 32, got);
		snprintf(p->detail, sizeof(p->detail), "expected %.16s..., "
		    "got %.16s...", want, got);
		e = ERR_BLOB_HASH;
		goto bad;
	}
	if (p->auth != NULL && !blossom_auth_names(p->auth, h)) {
		e = ERR_BLOB_AUTH_HASH;
		goto bad;
	}
	if (w->n == 0 || (map = mmap(NULL, (size_t)w->n, PROT_READ,
	    MAP_PRIVATE, w->fd, 0)) == MAP_FAILED) {
		e = w->n == 0 ? ERR_MEDIA_TYPE : ERR_IO;
		say(p, w->n == 0 ? "an empty file" : "cannot map it");
		goto bad;
	}
	p->type = media_sniff(map, (size_t)w->n);
	if (p->type == MEDIA_NONE || p->type == MEDIA_GIF) {
		say(p, p->type == MEDIA_GIF ? "it is a GIF" :
		    "it is none of them");
		e = ERR_MEDIA_TYPE;
		goto bad;
	}
	memset(&mi, 0, sizeof(mi));
	if ((e = media_strip(map, (size_t)w->n, (size_t)w->n, &out, &mi)) !=
	    ERR_OK) {
		if (!(keepmeta && !p->strip && e == ERR_MEDIA_FRAGMENTED)) {
			say(p, mi.detail);
			goto bad;
		}
		memset(&mi, 0, sizeof(mi));
	}
	if (p->strip) {
		memcpy(p->ox, h, 32);
		if (mi.removed != 0) {
			/* Keep only the stripped copy; it strips to itself. */
			struct blob_put q = *p;

			munmap(map, (size_t)w->n);
			map = MAP_FAILED;
			blob_writer_abort(w);
			q.strip = false;
			q.expect = NULL;
			q.auth = NULL;	/* it named the bytes as sent: checked */
			q.keep_metadata = false;
			e = blob_put_mem(b, out.p, out.len, &q);
			memcpy(q.ox, p->ox, 32);
			*p = q;
			p->strip = true;
			buf_free(&out);
			return e;
		}
	}
	if (mi.removed != 0 && !keepmeta) {
		buf_init(&words, sizeof(p->detail) - 1);
		media_removed_write(&mi, &words);
		say(p, words.len > 0 ? words.p : "metadata");
		buf_free(&words);
		e = ERR_BLOB_METADATA;
		goto bad;
	}
	/* A file that keeps its metadata is an original: never forwarded. */
	if (mi.removed != 0)
		p->role = BLOB_ORIGINAL;
	memcpy(p->sha256, h, 32);
	p->size = w->n;
	p->width = mi.width;
	p->height = mi.height;
	munmap(map, (size_t)w->n);
	buf_free(&out);
	return keep(b, w, p);
bad:
	if (map != MAP_FAILED)
		munmap(map, (size_t)w->n);
	buf_free(&out);
	blob_writer_abort(w);
	return e;
}

enum err
blob_put_mem(struct blobs *b, const void *p, size_t n, struct blob_put *put)
{
	struct blob_writer w;
	enum err e;

	if ((e = blob_writer_open(b, &w, n)) != ERR_OK)
		return e;
	if ((e = blob_writer_write(&w, p, n)) != ERR_OK) {
		blob_writer_abort(&w);
		return e;
	}
	return blob_writer_commit(b, &w, put);
}

enum err
blob_put_file(struct blobs *b, const char *path, struct blob_put *put)
{
	struct blob_writer w;
	char	 chunk[65536];
	ssize_t	 k;
	int	 fd;
	enum err e;

	struct stat sb = { 0 };

	/* A stick's file may be anything: only a regular file is read. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
	    (put->no_follow ? O_NOFOLLOW : 0))) == -1) {
		log_warn("%s", path);
		return ERR_IO;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size > b->o.max_size) {
		log_warnx("%s: not a regular file within blob_max_size", path);
		close(fd);
		return sb.st_size > 0 && S_ISREG(sb.st_mode) ? ERR_MEDIA_SIZE :
		    ERR_IO;
	}
	if ((e = blob_writer_open(b, &w, b->o.max_size)) != ERR_OK) {
		close(fd);
		return e;
	}
	while ((k = read(fd, chunk, sizeof(chunk))) != 0) {
		if (k == -1) {
			if (errno == EINTR)
				continue;
			log_warn("%s", path);
			e = ERR_IO;
			break;
		}
		if ((e = blob_writer_write(&w, chunk, (size_t)k)) != ERR_OK)
			break;
	}
	close(fd);
	if (k != 0) {
		blob_writer_abort(&w);
		return e;
	}
	return blob_writer_commit(b, &w, put);
}

/* --- serving -------------------------------------------------------------- */

/* A file here without a row: hash it, and if the name is right, adopt it. */
static enum err
adopt(struct blobs *b, const uint8_t hash[32], int fd,
    struct blob_info *info)
{
	struct crypto_sha256 h;
	struct blob_put p;
	uint8_t	 got[32], head[64];
	char	 chunk[65536];
	ssize_t	 k;
	size_t	 nh = 0;
	uint64_t n = 0;

	if (crypto_sha256_begin(&h) != 0)
		return ERR_NOMEM;
	while ((k = pread(fd, chunk, sizeof(chunk), (off_t)n)) > 0) {
		if (nh < sizeof(head)) {
			size_t	 c = (size_t)k < sizeof(head) - nh ? (size_t)k :
			    sizeof(head) - nh;

			memcpy(head + nh, chunk, c);
			nh += c;
		}
		crypto_sha256_update(&h, chunk, (size_t)k);
		n += (uint64_t)k;
	}
	crypto_sha256_end(&h, got);
	if (k < 0 || memcmp(got, hash, 32) != 0)
		return ERR_BLOB_NOT_FOUND;	/* not ours to serve */
	memset(&p, 0, sizeof(p));
	memcpy(p.sha256, hash, 32);
	p.size = n;
	p.type = media_sniff(head, nh);
	p.role = BLOB_PUBLIC;
	p.now = (int64_t)time(NULL);
	if (row_present(b, &p) != ERR_OK)
		return ERR_IO;
	return blob_get(b, hash, info);
}

enum err
blob_open(struct blobs *b, const uint8_t hash[32], int *fdp,
    struct blob_info *info)
{
	char	 path[4200];
	struct stat sb;
	int64_t	 now = (int64_t)time(NULL);
	enum err e;
	int	 fd;

	e = blob_get(b, hash, info);
	if (e != ERR_OK && e != ERR_BLOB_NOT_FOUND)
		return e;
	if (e == ERR_OK && !info->present)
		return ERR_BLOB_ABSENT;
	blob_path(b, hash, path, sizeof(path));
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (e == ERR_OK) {
			/* Removed behind our back: now known to be gone. */
			exec_hash(b, "UPDATE blobs SET present = 0, gone = ?2"
			    " WHERE sha256 = ?1", hash, BLOB_EVICTED);
			info->present = false;
			info->gone = BLOB_EVICTED;
			return ERR_BLOB_ABSENT;
		}
		return ERR_BLOB_NOT_FOUND;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (e == ERR_OK && (uint64_t)sb.st_size != info->size)) {
		close(fd);
		return ERR_IO;
	}
	if (e == ERR_BLOB_NOT_FOUND && (e = adopt(b, hash, fd, info)) !=
	    ERR_OK) {
		close(fd);
		return e;
	}
	if (info->accessed < now - ACCESS_GRAIN)
		exec_hash(b, "UPDATE blobs SET accessed = ?2 WHERE sha256 = ?1",
		    hash, now);
	*fdp = fd;
	return ERR_OK;
}

/* --- delete, list --------------------------------------------------------- */

enum err
blob_delete(struct blobs *b, const uint8_t hash[32], const uint8_t owner[32])
{
	sqlite3_stmt *st;
	char	 path[4200];
	enum err e;
	int	 rc, left = 0;

	if ((e = prep(b, "DELETE FROM blob_owners WHERE sha256 = ?"
	    " AND pubkey = ?", &st)) != ERR_OK)
		return e;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, owner, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if ((e = finish(b, st, rc)) != ERR_OK)
		return e;
	if (sqlite3_changes(b->st->db) == 0)
		return ERR_BLOB_NOT_OWNER;
	if ((e = prep(b, "SELECT count(*) FROM blob_owners WHERE sha256 = ?",
	    &st)) != ERR_OK)
		return e;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		left = sqlite3_column_int(st, 0);
	if ((e = finish(b, st, rc)) != ERR_OK || left > 0)
		return e;
	blob_path(b, hash, path, sizeof(path));
	if (unlink(path) == -1 && errno != ENOENT) {
		log_warn("%s", path);
		return ERR_IO;
	}
	return exec_hash(b, "UPDATE blobs SET present = 0, gone = ?2"
	    " WHERE sha256 = ?1", hash, BLOB_REMOVED);
}

enum err
blob_list(struct blobs *b, const uint8_t owner[32], const uint8_t *cursor,
    int64_t since, int64_t until, size_t limit, blob_list_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct blob_info i;
	enum err e;
	int	 rc;

	if ((e = prep(b, "SELECT " BLOB_COLS ", o.uploaded"
	    " FROM blob_owners o JOIN blobs b ON b.sha256 = o.sha256"
	    " WHERE o.pubkey = ?1 AND b.present = 1"
	    " AND (?2 IS NULL OR (o.uploaded, o.sha256) < (SELECT c.uploaded,"
	    " c.sha256 FROM blob_owners c WHERE c.pubkey = ?1"
	    " AND c.sha256 = ?2))"
	    " AND (?3 = 0 OR o.uploaded >= ?3) AND (?4 = 0 OR o.uploaded <= ?4)"
	    " ORDER BY o.uploaded DESC, o.sha256 DESC LIMIT ?5", &st)) !=
	    ERR_OK)
		return e;
	sqlite3_bind_blob(st, 1, owner, 32, SQLITE_STATIC);
	if (cursor != NULL)
		sqlite3_bind_blob(st, 2, cursor, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, since);
	sqlite3_bind_int64(st, 4, until);
	sqlite3_bind_int64(st, 5, (int64_t)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_read(st, 0, &i);
		if (cb(&i, sqlite3_column_int64(st, 13), arg) != 0)
			break;
	}
	return finish(b, st, rc);
}

enum err
blob_each(struct blobs *b, blob_list_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct blob_info i;
	enum err e;
	int	 rc;

	if ((e = prep(b, "SELECT " BLOB_COLS " FROM blobs b"
	    " ORDER BY b.created DESC, b.sha256", &st)) != ERR_OK)
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_read(st, 0, &i);
		if (cb(&i, i.created, arg) != 0)
			break;
	}
	return finish(b, st, rc);
}

enum err
blob_usage(struct blobs *b, uint64_t *bytes, uint64_t *count)
{
	sqlite3_stmt *st;
	enum err e;
	int	 rc;

	if ((e = prep(b, "SELECT coalesce(sum(size), 0), count(*) FROM blobs"
	    " WHERE present = 1", &st)) != ERR_OK)
		return e;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*bytes = (uint64_t)sqlite3_column_int64(st, 0);
		*count = (uint64_t)sqlite3_column_int64(st, 1);
	}
	return finish(b, st, rc);
}

/* --- the budget ----------------------------------------------------------- */

enum err
blob_make_room(struct blobs *b, uint64_t need, bool own)
{
	sqlite3_stmt *st;
	uint8_t	 victims[EVICT_BATCH][32];
	uint64_t used, n, sizes[EVICT_BATCH];
	char	 path[4200];
	size_t	 nv, i;
	enum err e;
	int	 rc;

	if (need > b->o.budget)
		return ERR_BLOB_FULL;
	for (;;) {
		if ((e = blob_usage(b, &used, &n)) != ERR_OK)
			return e;
		if (used + need <= b->o.budget)
			return ERR_OK;
		/*
		 * Others' full-size media, others' thumbnails, then our own
		 * reporters' (only for an upload here), each by last access.
		 */
		if ((e = prep(b, "SELECT b.sha256, b.size FROM blobs b"
		    " WHERE b.present = 1 AND (?1 OR NOT EXISTS(SELECT 1"
		    " FROM blob_owners o WHERE o.sha256 = b.sha256))"
		    " ORDER BY EXISTS(SELECT 1 FROM blob_owners o"
		    " WHERE o.sha256 = b.sha256), b.role = 2, b.accessed,"
		    " b.created LIMIT ?2", &st)) != ERR_OK)
			return e;
		sqlite3_bind_int(st, 1, own ? 1 : 0);
		sqlite3_bind_int(st, 2, EVICT_BATCH);
		nv = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			memcpy(victims[nv], sqlite3_column_blob(st, 0), 32);
			sizes[nv++] = (uint64_t)sqlite3_column_int64(st, 1);
		}
		if ((e = finish(b, st, rc)) != ERR_OK)
			return e;
		if (nv == 0)
			return ERR_BLOB_FULL;
		for (i = 0; i < nv && used + need > b->o.budget; i++) {
			blob_path(b, victims[i], path, sizeof(path));
			if (unlink(path) == -1 && errno != ENOENT) {
				log_warn("%s", path);
				return ERR_IO;
			}
			if ((e = exec_hash(b, "UPDATE blobs SET present = 0,"
			    " gone = ?2 WHERE sha256 = ?1", victims[i],
			    BLOB_EVICTED)) != ERR_OK)
				return e;
			used -= sizes[i] < used ? sizes[i] : used;
			log_debug("blobs: evicted %.16s... (%llu bytes)",
			    path + strlen(path) - 64,
			    (unsigned long long)sizes[i]);
		}
	}
}
