/*
 * archive_io.c: hashed writes, and reading an archive's files from a
 * directory or a tar file (archive_io.h).  A tar is indexed once (every
 * header read, every body skipped), then files are read by offset, so
 * verify can take them in the order the Merkle tree needs, whatever order
 * the tar holds them in.  Nothing here trusts what it reads: names are
 * checked by tar_name_ok, a directory is walked without following links,
 * and counts and line lengths are bounded.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "archive.h"
#include "archive_io.h"
#include "log.h"
#include "seal.h"

#define WBUF		(64u << 10)
#define MAX_DEPTH	8

int
afile_open(struct afile *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s", path);
	if ((f->wb = malloc(WBUF)) == NULL || (f->md = EVP_MD_CTX_new()) ==
	    NULL || EVP_DigestInit_ex(f->md, EVP_sha256(), NULL) != 1) {
		log_warnx("%s: out of memory", path);
		free(f->wb);
		EVP_MD_CTX_free(f->md);
		return -1;
	}
	if ((f->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		log_warn("%s", path);
		free(f->wb);
		EVP_MD_CTX_free(f->md);
		return -1;
	}
	return 0;
}

static int
afile_flush(struct afile *f)
{
	size_t	 off = 0;
	ssize_t	 w;

	while (off < f->wn && !f->bad) {
		if ((w = write(f->fd, f->wb + off, f->wn - off)) < 0) {
			if (errno == EINTR)
				continue;
			log_warn("%s", f->path);
			f->bad = true;
			break;
		}
		off += (size_t)w;
	}
	f->wn = 0;
	return f->bad ? -1 : 0;
}

int
afile_write(struct afile *f, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t	 take;

	if (f->bad)
		return -1;
	EVP_DigestUpdate(f->md, p, n);
	f->size += n;
	while (n > 0) {
		take = WBUF - f->wn < n ? WBUF - f->wn : n;
		memcpy(f->wb + f->wn, b, take);
		f->wn += take;
		b += take;
		n -= take;
		if (f->wn == WBUF && afile_flush(f) != 0)
			return -1;
	}
	return 0;
}

int
afile_close(struct afile *f, uint8_t sha256[32])
{
	unsigned len = 32;
	int	 rc = 0;

	if (afile_flush(f) != 0)
		rc = -1;
	if (close(f->fd) != 0 && rc == 0) {
		log_warn("%s: close", f->path);
		rc = -1;
	}
	EVP_DigestFinal_ex(f->md, sha256, &len);
	EVP_MD_CTX_free(f->md);
	free(f->wb);
	f->md = NULL;
	f->wb = NULL;
	f->fd = -1;
	return rc;
}

int
archive_sync(const char *dir)
{
	int	 fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_warn("%s", dir);
		return -1;
	}
	if ((rc = syncfs(fd)) != 0)
		log_warn("%s: syncfs", dir);
	close(fd);
	return rc;
}

void
afile_abort(struct afile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	unlink(f->path);
	EVP_MD_CTX_free(f->md);
	free(f->wb);
	f->md = NULL;
	f->wb = NULL;
	f->fd = -1;
}

int
file_sha256(const char *path, uint8_t sha256[32], uint64_t *size)
{
	EVP_MD_CTX *md;
	uint8_t	*b;
	ssize_t	 r;
	unsigned len = 32;
	uint64_t n = 0;
	int	 fd, rc = -1, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;
	if ((b = malloc(WBUF)) == NULL || (md = EVP_MD_CTX_new()) == NULL) {
		free(b);
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	for (;;) {
		r = read(fd, b, WBUF);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		EVP_DigestUpdate(md, b, (size_t)r);
		n += (uint64_t)r;
	}
	saved = errno;
	if (r == 0) {
		EVP_DigestFinal_ex(md, sha256, &len);
		*size = n;
		rc = 0;
	}
	EVP_MD_CTX_free(md);
	free(b);
	close(fd);
	errno = saved;
	return rc;
}

/* --- reading ------------------------------------------------------------ */

struct aent {
	char		*name;
	uint64_t	 size;
	uint64_t	 off;		/* tar: where the body starts */
};

struct asrc {
	enum asrc_kind	 kind;
	char		 root[4096];	/* dir: the directory */
	int		 fd;		/* tar: the file */
	struct aent	*e;
	size_t		 n, cap;
};

struct ardr {
	struct asrc	*s;
	int		 fd;		/* dir: our own; tar: the archive's */
	uint64_t	 off, left;
	EVP_MD_CTX	*md;
	uint8_t		*b;		/* line buffer */
	size_t		 bs, be;	/* [bs, be) unread */
	bool		 eof;
};

static int
ent_add(struct asrc *s, const char *name, uint64_t size, uint64_t off)
{
	struct aent *ne;

	if (s->n >= ARCHIVE_MAX_FILES + 16)
		return -1;
	if (s->n == s->cap) {
		size_t	 nc = s->cap ? s->cap * 2 : 64;

		if ((ne = realloc(s->e, nc * sizeof(*ne))) == NULL)
			return -1;
		s->e = ne;
		s->cap = nc;
	}
	if ((s->e[s->n].name = strdup(name)) == NULL)
		return -1;
	s->e[s->n].size = size;
	s->e[s->n].off = off;
	s->n++;
	return 0;
}

static int
ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct aent *)a)->name,
	    ((const struct aent *)b)->name);
}

/* Walks dir/rel without following links; files only into the list. */
static int
walk(struct asrc *s, const char *rel, int depth, char *err, size_t errsz)
{
	char	 path[8192], sub[TAR_NAME_MAX + 2];
	struct dirent *d;
	struct stat sb;
	DIR	*dp;
	int	 rc = 0;

	snprintf(path, sizeof(path), "%s%s%s", s->root, *rel ? "/" : "", rel);
	if ((dp = opendir(path)) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel,
		    *rel ? "/" : "", d->d_name) >= sizeof(sub) ||
		    !tar_name_ok(sub)) {
			snprintf(err, errsz, "%s/%s: a name this long or odd is"
			    " not part of an archive", path, d->d_name);
			rc = -1;
			break;
		}
		snprintf(path, sizeof(path), "%s/%s", s->root, sub);
		if (lstat(path, &sb) != 0) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(sb.st_mode)) {
			if (depth >= MAX_DEPTH) {
				snprintf(err, errsz, "%s: directories nest too"
				    " deep", path);
				rc = -1;
			} else
				rc = walk(s, sub, depth + 1, err, errsz);
		} else if (S_ISREG(sb.st_mode)) {
			if (ent_add(s, sub, (uint64_t)sb.st_size, 0) != 0) {
				snprintf(err, errsz, "%s: too many files", s->root);
				rc = -1;
			}
		} else {
			snprintf(err, errsz, "%s: not a regular file (a link or"
			    " a device has no place in an archive)", sub);
			rc = -1;
		}
	}
	closedir(dp);
	return rc;
}

static int
read_full(int fd, void *p, size_t n, uint64_t off)
{
	uint8_t	*b = p;
	ssize_t	 r;

	while (n > 0) {
		r = pread(fd, b, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? 0 : -1;
		b += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 1;
}

/* Indexes a tar: one top directory, plain files and directories only. */
static int
tar_index(struct asrc *s, uint64_t fsize, char *err, size_t errsz)
{
	uint8_t	 blk[TAR_BLOCK];
	struct tar_entry te;
	char	 top[TAR_NAME_MAX + 1] = "";
	uint64_t off = 0;
	size_t	 tl = 0;
	bool	 end;
	int	 r;

	for (;;) {
		if ((r = read_full(s->fd, blk, TAR_BLOCK, off)) != 1) {
			snprintf(err, errsz, "the tar ends without its end marker"
			    " (cut short?) at byte %llu", (unsigned long long)off);
			return -1;
		}
		if (tar_parse(blk, &te, &end) != ERR_OK) {
			snprintf(err, errsz, "the tar header at byte %llu is not"
			    " one an archive has (a link, a bad checksum, or a"
			    " name that climbs out)", (unsigned long long)off);
			return -1;
		}
		if (end)
			break;
		off += TAR_BLOCK;
		if (te.size > fsize || off + te.size > fsize) {
			snprintf(err, errsz, "%s: the tar says %llu bytes, more"
			    " than the file holds", te.name,
			    (unsigned long long)te.size);
			return -1;
		}
		if (top[0] == '\0') {
			tl = strcspn(te.name, "/");
			memcpy(top, te.name, tl);
			top[tl] = '\0';
		}
		if (strncmp(te.name, top, tl) != 0 || (te.name[tl] != '/' &&
		    te.name[tl] != '\0')) {
			snprintf(err, errsz, "%s: outside the archive's top "
			    "directory %s/", te.name, top);
			return -1;
		}
		if (te.type == TAR_FILE) {
			if (te.name[tl] == '\0' || te.name[tl + 1] == '\0') {
				snprintf(err, errsz, "%s: a file where the top "
				    "directory should be", te.name);
				return -1;
			}
			if (ent_add(s, te.name + tl + 1, te.size, off) != 0) {
				snprintf(err, errsz, "too many files");
				return -1;
			}
		}
		off += te.size + tar_pad(te.size);
	}
	return 0;
}

enum err
asrc_open(struct asrc **sp, const char *path, enum asrc_kind *kind,
    char *err, size_t errsz)
{
	struct asrc *s;
	struct stat sb;
	uint8_t	 head[64];
	ssize_t	 r;
	size_t	 i;

	*sp = NULL;
	if (stat(path, &sb) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return ERR_IO;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return ERR_NOMEM;
	}
	s->fd = -1;
	if (S_ISDIR(sb.st_mode)) {
		s->kind = ASRC_DIR;
		snprintf(s->root, sizeof(s->root), "%s", path);
		if (walk(s, "", 0, err, errsz) != 0)
			goto bad;
	} else if (S_ISREG(sb.st_mode)) {
		if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			asrc_close(s);
			return ERR_IO;
		}
		r = pread(s->fd, head, sizeof(head), 0);
		if (r > 0 && seal_sniff(head, (size_t)r)) {
			*kind = ASRC_SEALED;
			asrc_close(s);
			return ERR_OK;
		}
		s->kind = ASRC_TAR;
		if (tar_index(s, (uint64_t)sb.st_size, err, errsz) != 0)
			goto bad;
	} else {
		snprintf(err, errsz, "%s: neither a directory nor a file", path);
		goto bad;
	}
	qsort(s->e, s->n, sizeof(*s->e), ent_cmp);
	for (i = 1; i < s->n; i++)
		if (strcmp(s->e[i - 1].name, s->e[i].name) == 0) {
			snprintf(err, errsz, "%s: in the tar twice", s->e[i].name);
			goto bad;
		}
	*kind = s->kind;
	*sp = s;
	return ERR_OK;
bad:
	asrc_close(s);
	return ERR_ARCHIVE;
}

void
asrc_close(struct asrc *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		free(s->e[i].name);
	free(s->e);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

size_t
asrc_count(const struct asrc *s)
{
	return s->n;
}

const char *
asrc_name(const struct asrc *s, size_t i)
{
	return s->e[i].name;
}

uint64_t
asrc_size(const struct asrc *s, size_t i)
{
	return s->e[i].size;
}

ssize_t
asrc_find(const struct asrc *s, const char *name)
{
	size_t	 lo = 0, hi = s->n, mid;
	int	 c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(s->e[mid].name, name)) == 0)
			return (ssize_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

enum err
ardr_open(struct asrc *s, const char *name, struct ardr **rp)
{
	struct ardr *r;
	char	 path[8192];
	ssize_t	 i;

	if ((i = asrc_find(s, name)) < 0)
		return ERR_IO;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return ERR_NOMEM;
	r->s = s;
	r->left = s->e[i].size;
	r->off = s->e[i].off;
	r->fd = -1;
	if ((r->md = EVP_MD_CTX_new()) == NULL ||
	    (r->b = malloc(WBUF)) == NULL) {
		ardr_close(r);
		return ERR_NOMEM;
	}
	EVP_DigestInit_ex(r->md, EVP_sha256(), NULL);
	if (s->kind == ASRC_DIR) {
		snprintf(path, sizeof(path), "%s/%s", s->root, name);
		if ((r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) ==
		    -1) {
			log_warn("%s", path);
			ardr_close(r);
			return ERR_IO;
		}
		r->left = UINT64_MAX;	/* to the end of the file */
	}
	*rp = r;
	return ERR_OK;
}

void
ardr_close(struct ardr *r)
{
	if (r == NULL)
		return;
	if (r->s != NULL && r->s->kind == ASRC_DIR && r->fd >= 0)
		close(r->fd);
	EVP_MD_CTX_free(r->md);
	free(r->b);
	free(r);
}

/* Raw read, hashed. */
static ssize_t
raw_read(struct ardr *r, void *p, size_t n)
{
	ssize_t	 got;

	if (r->left == 0)
		return 0;
	if ((uint64_t)n > r->left)
		n = (size_t)r->left;
	if (r->s->kind == ASRC_DIR) {
		do
			got = read(r->fd, p, n);
		while (got < 0 && errno == EINTR);
	} else {
		do
			got = pread(r->s->fd, p, n, (off_t)r->off);
		while (got < 0 && errno == EINTR);
		if (got == 0) {
			log_warnx("the tar is shorter than its headers say");
			return -1;
		}
	}
	if (got < 0) {
		log_warn("read");
		return -1;
	}
	if (got == 0)
		r->left = 0;
	r->off += (uint64_t)got;
	if (r->left != UINT64_MAX)
		r->left -= (uint64_t)got;
	EVP_DigestUpdate(r->md, p, (size_t)got);
	return got;
}

ssize_t
ardr_read(struct ardr *r, void *p, size_t n)
{
	size_t	 have = r->be - r->bs;

	if (have > 0) {
		if (n > have)
			n = have;
		memcpy(p, r->b + r->bs, n);
		r->bs += n;
		return (ssize_t)n;
	}
	return raw_read(r, p, n);
}

int
ardr_line(struct ardr *r, struct buf *line)
{
	uint8_t	*nl;
	ssize_t	 got;
	size_t	 take;

	buf_reset(line);
	for (;;) {
		if (r->bs < r->be) {
			nl = memchr(r->b + r->bs, '\n', r->be - r->bs);
			take = nl != NULL ? (size_t)(nl - (r->b + r->bs)) :
			    r->be - r->bs;
			if (line->len + take > ARCHIVE_LINE_MAX)
				return -2;
			buf_append(line, r->b + r->bs, take);
			if (line->err)
				return -1;
			r->bs += take + (nl != NULL ? 1 : 0);
			if (nl != NULL)
				return 1;
		}
		if (r->eof)
			return line->len > 0 ? 1 : 0;
		r->bs = r->be = 0;
		if ((got = raw_read(r, r->b, WBUF)) < 0)
			return -1;
		if (got == 0)
			r->eof = true;
		r->be = (size_t)got;
	}
}

void
ardr_sha256(struct ardr *r, uint8_t out[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned len = 32;

	if (c == NULL || EVP_MD_CTX_copy_ex(c, r->md) != 1 ||
	    EVP_DigestFinal_ex(c, out, &len) != 1)
		memset(out, 0, 32);
	EVP_MD_CTX_free(c);
}

int
asrc_slurp(struct asrc *s, const char *name, size_t max, struct buf *out)
{
	struct ardr *r;
	uint8_t	 b[1u << 14];
	ssize_t	 got;
	ssize_t	 i;

	buf_reset(out);
	if ((i = asrc_find(s, name)) < 0 || asrc_size(s, (size_t)i) > max ||
	    ardr_open(s, name, &r) != ERR_OK)
		return -1;
	while ((got = ardr_read(r, b, sizeof(b))) > 0 && out->len <= max)
		buf_append(out, b, (size_t)got);
	ardr_close(r);
	return got < 0 || out->err || out->len > max ? -1 : 0;
}
