/*
 * archive_io.h: the files of an evidence archive (docs/archive.md), read
 * and written.  An archive is a directory or one tar file with a single
 * top directory; a sealed archive (core/seal.h) is a tar stream sealed
 * for one key.  What reads an archive -- verify, extract, decrypt, the
 * viewer's writer -- sees its files by relative name through struct asrc,
 * whatever holds them.  What writes one hashes every byte as it goes
 * (struct afile) and packs the staged files into a tar, sealed or not
 * (archive_pack).  Files only, never a store: the store's side is
 * store/archive_write.c.
 */
#ifndef SAMIZDAT_ARCHIVE_IO_H
#define SAMIZDAT_ARCHIVE_IO_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "tar.h"

#define ARCHIVE_LINE_MAX	(1u << 20)	/* bytes of one line at most */

/* A file being written, hashed as written. */
struct afile {
	int		 fd;
	void		*md;		/* EVP_MD_CTX */
	uint64_t	 size;
	uint8_t		*wb;		/* write buffer */
	size_t		 wn;
	bool		 bad;		/* a write failed (logged) */
	char		 path[4096];
};

/* Creates path (mode 0644, must not exist).  Returns: 0, or -1 (logged). */
int		afile_open(struct afile *, const char *path);
int		afile_write(struct afile *, const void *, size_t);
/*
 * Close, the sha256 of what was written.  No fsync: an archive has
 * thousands of files, so the writer syncs its file system once at the
 * end (archive_sync).  Returns: 0 or -1.
 */
int		afile_close(struct afile *, uint8_t sha256[32]);
/* syncfs(2) of the file system dir is on.  Returns: 0 or -1 (logged). */
int		archive_sync(const char *dir);
/* Closes and removes a file that will not be finished. */
void		afile_abort(struct afile *);

/* The sha256 and size of a whole file.  Returns: 0, or -1 (errno). */
int		file_sha256(const char *path, uint8_t sha256[32],
		    uint64_t *size);

/* An archive open for reading. */
struct asrc;
enum asrc_kind { ASRC_DIR, ASRC_TAR, ASRC_SEALED };

/*
 * Opens the archive at path: a directory, a tar file, or (kind only) a
 * sealed file.  A sealed file cannot be read without its key: *kind says
 * so and *sp is NULL.  Returns: ERR_OK, ERR_IO or ERR_ARCHIVE with why in
 * err (a symlink, a device, a name that climbs out, a tar with more than
 * one top directory...).
 */
enum err	asrc_open(struct asrc **sp, const char *path,
		    enum asrc_kind *kind, char *err, size_t errsz);
void		asrc_close(struct asrc *);
/* The files, in name order (directories are not listed). */
size_t		asrc_count(const struct asrc *);
const char	*asrc_name(const struct asrc *, size_t i);
uint64_t	asrc_size(const struct asrc *, size_t i);
/* The index of a file, or -1 when it is not there. */
ssize_t		asrc_find(const struct asrc *, const char *name);

/* Reads a whole small file of the archive (max bytes).  Returns: 0 or -1. */
int		asrc_slurp(struct asrc *, const char *name, size_t max,
		    struct buf *out);

/* One file of an archive being read. */
struct ardr;
enum err	ardr_open(struct asrc *, const char *name, struct ardr **);
void		ardr_close(struct ardr *);
/* Returns: bytes read, 0 at the end, -1 on an error (logged). */
ssize_t		ardr_read(struct ardr *, void *, size_t);
/*
 * The next line into line (without its newline).  Returns: 1, 0 at the
 * end, -1 on a read error, -2 for a line over ARCHIVE_LINE_MAX.
 */
int		ardr_line(struct ardr *, struct buf *line);
/* The sha256 of what was read so far (all of it after the end). */
void		ardr_sha256(struct ardr *, uint8_t out[32]);

/* What archive_pack puts in a tar, in order; next returns 0 at the end. */
struct apack_item {
	char		 name[TAR_NAME_MAX + 1];	/* under the top dir */
	const char	*path;				/* the file to copy */
	uint64_t	 size;
};
typedef int	(*apack_next)(void *arg, struct apack_item *);

/*
 * Writes a tar to fd: the directory top/, then each item as top/name.
 * With to (a recipient's x-only pubkey) the stream is sealed for it with
 * a one-time key (core/seal.h).  A file whose size changed is an error.
 * Returns: 0, or -1 with why in err.
 */
int		archive_pack(int fd, const char *top, uint64_t mtime,
		    const uint8_t *to, apack_next, void *arg, char *err,
		    size_t errsz);
/*
 * Opens the sealed archive at in with the recipient's secret key and
 * writes the tar inside to fd.  Returns: 0, or -1 with why in err (not
 * sealed for this key, changed, cut short).
 */
int		archive_unseal(const char *in, const uint8_t sk[32], int fd,
		    char *err, size_t errsz);
/*
 * Unpacks the tar at path into the directory dir (made; must not exist),
 * refusing anything but plain files and directories under one top dir.
 * Returns: 0, or -1 with why in err.
 */
int		archive_untar(const char *path, const char *dir, char *err,
		    size_t errsz);

/*
 * Writes dir/index.html: the viewer page (archive_viewer.c) with the
 * archive's files in dir and its manifest event (mlen bytes, no newline),
 * the first max events at most.  Returns: 0, or -1 with why in err.
 */
int		archive_viewer_write(const char *dir, const char *manifest,
		    size_t mlen, size_t max, char *err, size_t errsz);

#endif
