/*
 * archive_extract.c: one report out of an archive (archive_verify.h), as
 * a court filing would attach it: the report, the witness marks on it,
 * their custody and source lines, the media it names that the archive
 * holds, the signed manifest, and proof.json with each item's Merkle path
 * to the manifest's root, so the extract verifies against the root alone.
 * Two passes over the archive's leaves (archive_walk): the first picks
 * the items and writes them, the second runs one prover per item.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_verify.h"
#include "crypto.h"
#include "custody.h"
#include "event.h"
#include "hex.h"

#define EXTRACT_MAX_MARKS	64
#define EXTRACT_MAX_ITEMS	(3 * (EXTRACT_MAX_MARKS + 1) + ARCHIVE_MAX_REFS)

struct pick {
	uint64_t	 leaf;
	uint8_t		 type;
	char		 file[TAR_NAME_MAX + 1];
	uint64_t	 line;		/* in the extract's file */
};

struct ex {
	struct asrc	*s;
	const char	*dir;
	uint8_t		 id[32];
	/* The events picked (the report and its marks), by id. */
	uint8_t		 ids[EXTRACT_MAX_MARKS + 1][32];
	size_t		 nids;
	bool		 found;
	struct archive_ref refs[ARCHIVE_MAX_REFS];
	size_t		 nrefs;
	bool		 last_c;	/* the last custody leaf was picked */
	struct pick	 picks[EXTRACT_MAX_ITEMS];
	size_t		 npicks;
	uint64_t	 lines[3];	/* lines written: events, custody, sources */
	FILE		*f[4];		/* events, custody, sources, media list */
	uint8_t		*scratch;
	size_t		 scap;
	struct merkle_prover *pv;
	bool		 bad;
	char		*err;
	size_t		 errsz;
};

static bool
names(const struct event *ev, const uint8_t id[32])
{
	uint8_t	 h[32];
	size_t	 i;

	for (i = 0; i < ev->ntags; i++)
		if (ev->tags[i].n >= 2 && ev->tags[i].v[0].n == 1 &&
		    ev->tags[i].v[0].p[0] == 'e' && hex_decode(ev->tags[i].v[1].p,
		    ev->tags[i].v[1].n, h, 32) && memcmp(h, id, 32) == 0)
			return true;
	return false;
}

static void
pick(struct ex *x, uint64_t leaf, uint8_t type, const char *file,
    uint64_t line)
{
	struct pick *p;

	if (x->npicks >= EXTRACT_MAX_ITEMS) {
		x->bad = true;
		snprintf(x->err, x->errsz, "too many items for one extract");
		return;
	}
	p = &x->picks[x->npicks++];
	p->leaf = leaf;
	p->type = type;
	snprintf(p->file, sizeof(p->file), "%s", file);
	p->line = line;
}

static void
put(struct ex *x, int k, const char *p, size_t n)
{
	if (fwrite(p, 1, n, x->f[k]) != n || fputc('\n', x->f[k]) == EOF)
		x->bad = true;
}

static bool
is_picked_id(struct ex *x, const uint8_t id[32])
{
	size_t	 i;

	for (i = 0; i < x->nids; i++)
		if (memcmp(x->ids[i], id, 32) == 0)
			return true;
	return false;
}

/* Pass 1: which leaves, and their items written out. */
static void
on_leaf1(void *arg, uint64_t leaf, uint8_t type, uint64_t line, const char *p,
    size_t n, const uint8_t item[32])
{
	struct ex *x = arg;
	struct custody_line cl;
	struct event ev;
	char	 name[TAR_NAME_MAX + 1];
	uint8_t	*ns;
	size_t	 i, need = EVENT_SCRATCH(n);

	(void)item;
	if (x->bad)
		return;
	switch (type) {
	case MERKLE_EVENT:
		if (need > x->scap) {
			if ((ns = realloc(x->scratch, need)) == NULL) {
				x->bad = true;
				return;
			}
			x->scratch = ns;
			x->scap = need;
		}
		if (event_parse(p, n, NULL, &ev, x->scratch, x->scap) != ERR_OK)
			return;
		if (memcmp(ev.id, x->id, 32) == 0 && !x->found) {
			x->found = true;
			x->nrefs = archive_refs(&ev, x->refs, ARCHIVE_MAX_REFS);
		} else if (!(archive_is_mark(&ev) && names(&ev, x->id) &&
		    x->nids < EXTRACT_MAX_MARKS + 1))
			return;
		if (is_picked_id(x, ev.id))
			return;
		memcpy(x->ids[x->nids++], ev.id, 32);
		put(x, 0, p, n);
		pick(x, leaf, type, ARCHIVE_EVENTS, ++x->lines[0]);
		break;
	case MERKLE_CUSTODY:
		x->last_c = custody_line_parse(p, n, &cl) == ERR_OK &&
		    is_picked_id(x, cl.id);
		if (x->last_c) {
			put(x, 1, p, n);
			pick(x, leaf, type, ARCHIVE_CUSTODY, ++x->lines[1]);
		}
		break;
	case MERKLE_SOURCE:
		if (x->last_c) {
			put(x, 2, p, n);
			pick(x, leaf, type, ARCHIVE_SOURCES, ++x->lines[2]);
		}
		break;
	case MERKLE_MEDIA:
		for (i = 0; i < x->nrefs; i++)
			if (memcmp(x->refs[i].sha256, item, 32) == 0)
				break;
		if (i == x->nrefs)
			return;
		snprintf(name, sizeof(name), "%s%.*s", ARCHIVE_MEDIA_DIR,
		    (int)n, p);
		pick(x, leaf, type, name, 0);
		break;
	}
}

/* Pass 2: every leaf to every prover. */
static void
on_leaf2(void *arg, uint64_t leaf, uint8_t type, uint64_t line, const char *p,
    size_t n, const uint8_t item[32])
{
	struct ex *x = arg;
	uint8_t	 l[32];
	size_t	 i;

	merkle_leaf(type, item, l);
	for (i = 0; i < x->npicks; i++)
		merkle_prove_add(&x->pv[i], l);
}

static void
no_say(void *arg, const char *msg)
{
}

/* One pass over the leaves, signatures unchecked.  Returns: as archive_walk. */
static int
walk(struct asrc *s, const struct manifest *m, struct archive_walk *w,
    void (*leaf)(void *, uint64_t, uint8_t, uint64_t, const char *, size_t,
    const uint8_t *), struct ex *x)
{
	memset(w, 0, sizeof(*w));
	w->c_first = m->c_first ? m->c_first : 1;
	memcpy(w->c_start, m->c_start, 32);
	w->no_sigs = true;
	w->say = no_say;
	w->leaf = leaf;
	w->leaf_arg = x;
	return archive_walk(s, w);
}

/* Copies name from the archive to dir/name. */
static int
copy_out(struct ex *x, const char *name)
{
	struct ardr *r;
	char	 path[8192];
	uint8_t	 b[1u << 16];
	ssize_t	 got;
	FILE	*f;
	int	 rc = 0;

	snprintf(path, sizeof(path), "%s/%s", x->dir, name);
	if (ardr_open(x->s, name, &r) != ERR_OK)
		return -1;
	if ((f = fopen(path, "wx")) == NULL) {
		ardr_close(r);
		return -1;
	}
	while ((got = ardr_read(r, b, sizeof(b))) > 0)
		if (fwrite(b, 1, (size_t)got, f) != (size_t)got)
			rc = -1;
	if (got < 0)
		rc = -1;
	ardr_close(r);
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

int
archive_extract(struct asrc *s, const struct manifest *m, const uint8_t id[32],
    const char *dir, char *err, size_t errsz)
{
	static const char *files[4] = { ARCHIVE_EVENTS, ARCHIVE_CUSTODY,
	    ARCHIVE_SOURCES, ARCHIVE_MEDIA_LIST };
	struct archive_walk w;
	struct proof pr;
	struct proof_item it;
	struct ex *x;
	struct buf b;
	char	 path[8192];
	size_t	 i, k;
	int	 rc = -1;
	FILE	*f;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return -1;
	x->s = s;
	x->dir = dir;
	x->err = err;
	x->errsz = errsz;
	memcpy(x->id, id, 32);
	proof_init(&pr);
	buf_init(&b, 0);
	if (mkdir(dir, 0755) != 0) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		free(x);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, ARCHIVE_MEDIA_DIR);
	mkdir(path, 0755);
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if ((x->f[i] = fopen(path, "wx")) == NULL) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			goto done;
		}
	}
	if (walk(s, m, &w, on_leaf1, x) != 0 || x->bad) {
		if (err[0] == '\0')
			snprintf(err, errsz, "the archive cannot be read");
		goto done;
	}
	if (!x->found) {
		snprintf(err, errsz, "no event with that id in the archive");
		goto done;
	}
	if ((x->pv = calloc(x->npicks, sizeof(*x->pv))) == NULL)
		goto done;
	for (i = 0; i < x->npicks; i++)
		merkle_prove_init(&x->pv[i], x->picks[i].leaf, w.tree.n);
	if (walk(s, m, &w, on_leaf2, x) != 0)
		goto done;
	memcpy(pr.id, id, 32);
	merkle_root(&w.tree, pr.root);
	pr.leaves = w.tree.n;
	if (memcmp(pr.root, m->root, 32) != 0 || pr.leaves != m->leaves) {
		snprintf(err, errsz, "the archive's root is not the one its "
		    "manifest signs: verify it first");
		goto done;
	}
	for (i = 0; i < x->npicks; i++) {
		memset(&it, 0, sizeof(it));
		snprintf(it.file, sizeof(it.file), "%s", x->picks[i].file);
		it.line = x->picks[i].line;
		it.type = x->picks[i].type;
		it.leaf = x->picks[i].leaf;
		if (!merkle_prove_path(&x->pv[i], it.path, &it.npath) ||
		    proof_add(&pr, &it) != ERR_OK)
			goto done;
		if (it.type == MERKLE_MEDIA) {
			if (copy_out(x, it.file) != 0) {
				snprintf(err, errsz, "%s: cannot copy it", it.file);
				goto done;
			}
			buf_reset(&b);
			buf_printf(&b, "{\"sha256\":\"%s\",\"held\":true}\n",
			    it.file + strlen(ARCHIVE_MEDIA_DIR));
			fwrite(b.p, 1, b.len, x->f[3]);
		}
	}
	buf_reset(&b);
	proof_write(&pr, &b);
	snprintf(path, sizeof(path), "%s/%s", dir, ARCHIVE_PROOF);
	if ((f = fopen(path, "wx")) == NULL || fwrite(b.p, 1, b.len, f) !=
	    b.len || fclose(f) != 0 || copy_out(x, ARCHIVE_MANIFEST) != 0) {
		snprintf(err, errsz, "%s: cannot write the proof", dir);
		goto done;
	}
	rc = 0;
done:
	for (k = 0; k < 4; k++)
		if (x->f[k] != NULL && fclose(x->f[k]) != 0)
			rc = -1;
	proof_free(&pr);
	buf_free(&b);
	free(x->pv);
	free(x->scratch);
	free(x);
	return rc;
}
