/*
 * stick_blob.c: the photos and videos a stick carries with its reports
 * (stick.h, docs/blobs.md "Blobs on sticks").  After the events, each
 * way: the blobs that events on the receiving side reference, that it
 * does not hold (and whose uploader did not remove them there), and that
 * the sending side holds are copied through blob_put_file with the hash
 * they must have, so the receiving store hashes, sniffs and checks every
 * file as it would an upload: a file on a stick whose bytes do not match
 * its name, or that carries identifying metadata, is refused, counted and
 * recorded, and nothing of it is kept.  Originals never travel.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "blob_index.h"
#include "hex.h"
#include "log.h"
#include "stick.h"
#include "store_mesh.h"

#define PAGE		64		/* blobs read per query */
#define INDEX_ROUNDS	100000		/* x 2000 events: bounded */

/* Indexes every event not indexed yet (bounded).  Returns: ERR_OK or why. */
static enum err
index_all(struct store *st, int64_t now)
{
	size_t	 n, i;
	enum err e;

	for (i = 0; i < INDEX_ROUNDS; i++) {
		if ((e = blob_index(st, now, 2000, &n)) != ERR_OK)
			return e;
		if (n == 0)
			break;
	}
	return ERR_OK;
}

/*
 * True if path is a directory of its own, or not there: on a stick, a
 * symbolic link in the blob store's tree could send what we write (or
 * read) anywhere.
 */
static bool
real_dir(const char *path)
{
	struct stat sb;

	if (lstat(path, &sb) == -1)
		return errno == ENOENT;
	return S_ISDIR(sb.st_mode);
}

/* The stick's blob tree for hash h: DIR/blobs, its tmp/ and h's fan-out. */
static bool
stick_tree_ok(const char *dir, const uint8_t *h)
{
	char	 path[4200], hex[65];

	snprintf(path, sizeof(path), "%s/blobs", dir);
	if (!real_dir(path))
		return false;
	snprintf(path, sizeof(path), "%s/blobs/tmp", dir);
	if (!real_dir(path))
		return false;
	if (h == NULL)
		return true;
	hex_encode(h, 32, hex);
	snprintf(path, sizeof(path), "%s/blobs/%.2s", dir, hex);
	return real_dir(path);
}

/* True if dst should get blob h: it references it and does not hold it. */
static bool
wanted(struct blobs *dst, const uint8_t h[32])
{
	struct blob_info i;

	if (!blob_is_referenced(blobs_store(dst), h))
		return false;
	if (blob_get(dst, h, &i) != ERR_OK)
		return true;
	return !i.present && i.gone != BLOB_REMOVED && i.role != BLOB_ORIGINAL;
}

/*
 * Copies what dst wants of what src holds.  lid: the stick's link in the
 * local store; up: the stick is dst.  Stops when over() says so.
 */
static void
copy_side(struct blobs *src, struct blobs *dst, struct store *local,
    const char *dir, int64_t lid, bool up, int64_t now,
    struct stick_side *side, bool (*over)(void *), void *arg)
{
	struct blob_want page[PAGE];
	struct blob_put p;
	uint8_t	 after[32];
	char	 path[4200], hex[65], why[600];
	size_t	 n, i;
	bool	 first = true;
	enum err e;

	do {
		n = blob_referenced(blobs_store(src), first ? NULL : after,
		    page, PAGE);
		for (i = 0; i < n && !over(arg); i++) {
			memcpy(after, page[i].sha256, 32);
			if (!wanted(dst, page[i].sha256))
				continue;
			hex_encode(page[i].sha256, 32, hex);
			if (!stick_tree_ok(dir, page[i].sha256)) {
				log_warnx("sync: blob %.16s...: the stick's "
				    "blobs/%.2s is not a directory of its own",
				    hex, hex);
				side->rejected++;
				continue;
			}
			blob_path(src, page[i].sha256, path, sizeof(path));
			memset(&p, 0, sizeof(p));
			p.expect = page[i].sha256;
			p.role = page[i].role;
			p.now = now;
			p.no_follow = true;
			e = blob_put_file(dst, path, &p);
			if (e == ERR_OK) {
				side->accepted++;
				(void)blob_seen_put(local, page[i].sha256, lid,
				    up ? SEEN_ACCEPTED : SEEN_RECEIVED, now,
				    NULL);
				continue;
			}
			err_reason_detail(e, p.detail[0] ? p.detail : NULL,
			    why, sizeof(why));
			log_warnx("sync: blob %.16s... %s the stick: %s", hex,
			    up ? "not copied to" : "refused from", why);
			side->rejected++;
			/* A stick's bad file is its own: say so in the records. */
			if (!up && e != ERR_BLOB_FULL && e != ERR_IO &&
			    e != ERR_DB_FULL)
				(void)blob_seen_put(local, page[i].sha256, lid,
				    SEEN_REFUSED, now, why);
		}
		first = false;
	} while (n == PAGE && !over(arg));
}

int
stick_blobs(struct store *local, struct store *remote, const char *dir,
    const struct stick_opts *o, struct stick_report *rep,
    bool (*over)(void *), void *arg)
{
	struct blob_opts ro;
	struct blobs *lb = NULL, *rb = NULL;
	int64_t	 now = (int64_t)time(NULL), lid;
	int	 rc = -1;

	if (o->blobs == NULL)
		return 0;
	/* Refs of what just arrived, on both sides, before anything moves. */
	if (index_all(local, now) != ERR_OK ||
	    (o->up && index_all(remote, now) != ERR_OK))
		return -1;
	if (store_link_add(local, dir, LINK_DIR, "sync", NULL, &lid) != ERR_OK)
		return -1;
	ro = *o->blobs;
	ro.datadir = dir;
	/* No blob tree through a symbolic link, before it is made or used. */
	if (!stick_tree_ok(dir, NULL)) {
		log_warnx("sync: %s/blobs is not a directory of its own: no "
		    "blobs copied", dir);
		return -1;
	}
	if (blobs_open(&lb, local, o->blobs) != ERR_OK ||
	    blobs_open(&rb, remote, &ro) != ERR_OK || !stick_tree_ok(dir, NULL))
		goto done;
	if (o->down)
		copy_side(rb, lb, local, dir, lid, false, now,
		    &rep->blobs_down, over, arg);
	if (o->up && !over(arg))
		copy_side(lb, rb, local, dir, lid, true, now, &rep->blobs_up,
		    over, arg);
	rc = 0;
done:
	blobs_close(lb);
	blobs_close(rb);
	return rc;
}
