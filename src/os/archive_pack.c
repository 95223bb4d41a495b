/*
 * archive_pack.c: an archive's tar written to a descriptor, sealed for a
 * key or not, and the way back: a sealed archive opened, a tar unpacked
 * (archive_io.h).  The stream passes through one buffer of SEAL_DATA
 * bytes, so memory does not grow with the archive; a sealed stream's
 * last chunk is known only when the stream ends, so one chunk is always
 * held back.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive_io.h"
#include "bech32.h"
#include "crypto.h"
#include "log.h"
#include "seal.h"

struct sink {
	int		 fd;
	bool		 sealed;
	struct seal	 seal;
	uint8_t		*pend;		/* the stream not yet written */
	size_t		 n;
	uint8_t		*rec;		/* a sealed chunk */
	bool		 bad;
	char		*err;
	size_t		 errsz;
};

static int
put_all(struct sink *k, const uint8_t *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(k->fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(k->err, k->errsz, "writing: %s", strerror(errno));
			k->bad = true;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes out what is pending; sealed, as a chunk (the last if last). */
static int
sink_flush(struct sink *k, bool last)
{
	uint8_t	 nonce[32];
	size_t	 len;

	if (!k->sealed) {
		if (put_all(k, k->pend, k->n) != 0)
			return -1;
		k->n = 0;
		return 0;
	}
	if (crypto_random(nonce, sizeof(nonce)) != 0 ||
	    seal_chunk(&k->seal, nonce, k->pend, k->n, last, k->rec, &len) !=
	    ERR_OK) {
		snprintf(k->err, k->errsz, "sealing failed");
		k->bad = true;
		return -1;
	}
	k->n = 0;
	return put_all(k, k->rec, len);
}

static int
sink_write(struct sink *k, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t	 take;

	while (n > 0 && !k->bad) {
		/* A full buffer goes out only once more data comes. */
		if (k->n == SEAL_DATA && sink_flush(k, false) != 0)
			return -1;
		take = SEAL_DATA - k->n < n ? SEAL_DATA - k->n : n;
		memcpy(k->pend + k->n, b, take);
		k->n += take;
		b += take;
		n -= take;
	}
	return k->bad ? -1 : 0;
}

static int
pack_file(struct sink *k, const char *top, const struct apack_item *it,
    uint64_t mtime, uint8_t *buf, size_t bufsz)
{
	uint8_t	 h[TAR_BLOCK], zero[TAR_BLOCK];
	char	 name[TAR_NAME_MAX + 2];
	struct stat sb;
	uint64_t left;
	ssize_t	 r;
	int	 fd;

	if ((size_t)snprintf(name, sizeof(name), "%s/%s", top, it->name) >=
	    sizeof(name) || tar_header(name, TAR_FILE, it->size, mtime, h) !=
	    ERR_OK) {
		snprintf(k->err, k->errsz, "%s: the name is too long for tar",
		    it->name);
		return -1;
	}
	if ((fd = open(it->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1 ||
	    fstat(fd, &sb) != 0) {
		snprintf(k->err, k->errsz, "%s: %s", it->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if ((uint64_t)sb.st_size != it->size) {
		snprintf(k->err, k->errsz, "%s: changed while the archive was "
		    "made", it->path);
		close(fd);
		return -1;
	}
	if (sink_write(k, h, TAR_BLOCK) != 0)
		goto bad;
	for (left = it->size; left > 0; left -= (uint64_t)r) {
		r = read(fd, buf, left < bufsz ? (size_t)left : bufsz);
		if (r < 0 && errno == EINTR) {
			r = 0;
			continue;
		}
		if (r <= 0) {
			snprintf(k->err, k->errsz, "%s: %s", it->path, r < 0 ?
			    strerror(errno) : "shorter than it was");
			goto bad;
		}
		if (sink_write(k, buf, (size_t)r) != 0)
			goto bad;
	}
	memset(zero, 0, sizeof(zero));
	if (sink_write(k, zero, tar_pad(it->size)) != 0)
		goto bad;
	close(fd);
	return 0;
bad:
	close(fd);
	return -1;
}

int
archive_pack(int fd, const char *top, uint64_t mtime, const uint8_t *to,
    apack_next next, void *arg, char *err, size_t errsz)
{
	struct sink k;
	struct apack_item it;
	uint8_t	 h[TAR_BLOCK], *buf = NULL, sk[32], pk[32];
	char	 dname[TAR_NAME_MAX + 2];
	struct buf hl;
	int	 rc = -1, r;

	memset(&k, 0, sizeof(k));
	k.fd = fd;
	k.err = err;
	k.errsz = errsz;
	buf_init(&hl, 0);
	if ((k.pend = malloc(SEAL_DATA)) == NULL ||
	    (k.rec = malloc(SEAL_RECORD)) == NULL ||
	    (buf = malloc(SEAL_DATA)) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto done;
	}
	if (to != NULL) {
		/* A key for this archive alone, forgotten once it is sealed. */
		if (crypto_keygen(sk) != ERR_OK || crypto_pubkey(sk, pk) !=
		    ERR_OK || seal_init_send(&k.seal, sk, to) != ERR_OK) {
			explicit_bzero(sk, sizeof(sk));
			snprintf(err, errsz, "cannot seal for that key");
			goto done;
		}
		explicit_bzero(sk, sizeof(sk));
		k.sealed = true;
		seal_header_write(to, pk, &hl);
		if (hl.err || put_all(&k, (const uint8_t *)hl.p, hl.len) != 0)
			goto done;
	}
	snprintf(dname, sizeof(dname), "%s/", top);
	if (tar_header(dname, TAR_DIR, 0, mtime, h) != ERR_OK) {
		snprintf(err, errsz, "%s: not a name a tar can hold", top);
		goto done;
	}
	if (sink_write(&k, h, TAR_BLOCK) != 0)
		goto done;
	while ((r = next(arg, &it)) > 0)
		if (pack_file(&k, top, &it, mtime, buf, SEAL_DATA) != 0)
			goto done;
	if (r < 0) {
		if (err[0] == '\0')
			snprintf(err, errsz, "listing the archive's files failed");
		goto done;
	}
	/* The end: two zero blocks. */
	memset(h, 0, sizeof(h));
	if (sink_write(&k, h, TAR_BLOCK) != 0 ||
	    sink_write(&k, h, TAR_BLOCK) != 0 || sink_flush(&k, true) != 0)
		goto done;
	rc = 0;
done:
	explicit_bzero(&k.seal, sizeof(k.seal));
	if (k.pend != NULL)
		explicit_bzero(k.pend, SEAL_DATA);
	free(k.pend);
	free(k.rec);
	free(buf);
	buf_free(&hl);
	return rc;
}

static int
read_exact(int fd, void *p, size_t n)
{
	uint8_t	*b = p;
	ssize_t	 r;
	size_t	 got = 0;

	while (got < n) {
		r = read(fd, b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (int)(got == n ? 1 : got == 0 ? 0 : 2);
}

int
archive_unseal(const char *in, const uint8_t sk[32], int out, char *err,
    size_t errsz)
{
	struct seal s;
	uint8_t	 to[32], from[32], pk[32], len4[4], *rec = NULL, *data = NULL;
	char	 line[SEAL_LINE_MAX + 1], npub[100], mine[100];
	size_t	 n = 0, plen, dlen;
	uint64_t chunk = 0;
	bool	 last = false;
	int	 fd, r, rc = -1;
	enum err e;

	memset(&s, 0, sizeof(s));
	if ((fd = open(in, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errsz, "%s: %s", in, strerror(errno));
		return -1;
	}
	/* The header line, a byte at a time: it is short. */
	while (n < SEAL_LINE_MAX && (r = read_exact(fd, line + n, 1)) == 1 &&
	    line[n] != '\n')
		n++;
	if (n == SEAL_LINE_MAX || line[n] != '\n' ||
	    seal_header_parse(line, n, to, from) != ERR_OK) {
		snprintf(err, errsz, "%s: not a sealed samizdat archive", in);
		goto done;
	}
	if (crypto_pubkey(sk, pk) != ERR_OK) {
		snprintf(err, errsz, "the key is not a valid secret key");
		goto done;
	}
	if (memcmp(pk, to, 32) != 0) {
		nip19_npub(to, npub, sizeof(npub));
		nip19_npub(pk, mine, sizeof(mine));
		snprintf(err, errsz, "%s is sealed for %s, not for this key "
		    "(%s)", in, npub, mine);
		goto done;
	}
	if (seal_init_open(&s, sk, from) != ERR_OK) {
		snprintf(err, errsz, "%s: the sender key in its header is not "
		    "a valid key", in);
		goto done;
	}
	if ((rec = malloc(SEAL_RECORD)) == NULL ||
	    (data = malloc(SEAL_RECORD)) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto done;
	}
	for (;;) {
		r = read_exact(fd, len4, 4);
		if (r == 0 && last)
			break;
		if (last) {
			snprintf(err, errsz, "%s: data after the last chunk",
			    in);
			goto done;
		}
		if (r != 1) {
			snprintf(err, errsz, "%s: cut short after chunk %llu: "
			    "the last chunk is missing", in,
			    (unsigned long long)chunk);
			goto done;
		}
		plen = (size_t)len4[0] << 24 | (size_t)len4[1] << 16 |
		    (size_t)len4[2] << 8 | len4[3];
		if (plen < 99 || plen > SEAL_RECORD - 4 ||
		    read_exact(fd, rec, plen) != 1) {
			snprintf(err, errsz, "%s: chunk %llu is cut short or "
			    "its length is wrong", in, (unsigned long long)chunk);
			goto done;
		}
		if ((e = seal_open(&s, rec, plen, data, &dlen, &last)) !=
		    ERR_OK) {
			snprintf(err, errsz, "%s: chunk %llu %s", in,
			    (unsigned long long)chunk, e == ERR_NIP44_MAC ?
			    "fails its MAC: it was changed" :
			    "is out of order, repeated or malformed");
			goto done;
		}
		chunk++;
		if (dlen > 0 && write(out, data, dlen) != (ssize_t)dlen) {
			snprintf(err, errsz, "writing: %s", strerror(errno));
			goto done;
		}
	}
	rc = 0;
done:
	explicit_bzero(&s, sizeof(s));
	if (data != NULL)
		explicit_bzero(data, SEAL_RECORD);
	free(rec);
	free(data);
	close(fd);
	return rc;
}

/* mkdir -p of the directories of rel under dfd. */
static int
make_parents(int dfd, const char *rel)
{
	char	 p[TAR_NAME_MAX + 1], *s;

	snprintf(p, sizeof(p), "%s", rel);
	for (s = p; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdirat(dfd, p, 0755) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

int
archive_untar(const char *path, const char *dir, char *err, size_t errsz)
{
	struct asrc *s = NULL;
	struct ardr *r = NULL;
	enum asrc_kind kind;
	uint8_t	*buf = NULL;
	ssize_t	 got;
	size_t	 i;
	int	 dfd = -1, fd = -1, rc = -1;

	if (asrc_open(&s, path, &kind, err, errsz) != ERR_OK)
		return -1;
	if (kind != ASRC_TAR) {
		snprintf(err, errsz, "%s: not a tar file", path);
		goto done;
	}
	if (mkdir(dir, 0755) != 0) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		goto done;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (buf = malloc(1u << 16)) == NULL) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		goto done;
	}
	for (i = 0; i < asrc_count(s); i++) {
		const char *name = asrc_name(s, i);

		if (make_parents(dfd, name) != 0 || (fd = openat(dfd, name,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0644)) == -1) {
			snprintf(err, errsz, "%s/%s: %s", dir, name,
			    strerror(errno));
			goto done;
		}
		if (ardr_open(s, name, &r) != ERR_OK) {
			snprintf(err, errsz, "%s: cannot read %s", path, name);
			goto done;
		}
		while ((got = ardr_read(r, buf, 1u << 16)) > 0)
			if (write(fd, buf, (size_t)got) != got) {
				snprintf(err, errsz, "%s/%s: %s", dir, name,
				    strerror(errno));
				goto done;
			}
		if (got < 0 || fsync(fd) != 0) {
			snprintf(err, errsz, "%s: reading %s failed", path, name);
			goto done;
		}
		ardr_close(r);
		r = NULL;
		close(fd);
		fd = -1;
	}
	rc = 0;
done:
	ardr_close(r);
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	free(buf);
	asrc_close(s);
	return rc;
}
